"""The guards' word lists for Russian, Polish and English, as curated data.

Phrases follow :mod:`otklik.guards.phrases`: words separated by spaces, ``*`` ends a
prefix, one other word may stand between two words of a phrase. Everything is folded on
compilation (lower case, ё→е, no Polish diacritics), so entries are written naturally.
"""

from __future__ import annotations

from collections.abc import Mapping

from otklik.guards.text import folded_words


def _lines(block: str) -> tuple[str, ...]:
    """The non-empty lines of a block, stripped."""
    return tuple(line.strip() for line in block.strip().splitlines() if line.strip())


# --- tone (P7): never blame, argue, mock or get personal ------------------------------

TONE: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    # Putting the fault on the customer.
    "blame": {
        "ru": _lines("""
            сами виноват*
            сам виноват*
            сама виноват*
            ваша вина
            по вашей вине
            по вашей же вине
            ваша ошибка
            ваши проблемы
            надо было читать
            надо было внимательн*
            нужно было читать
            нужно было внимательн*
            нужно было проверить
            надо было проверить
            следовало внимательн*
            вам следовало
            вы должны были
            вы не прочитали
            вы не читали
            невнимательно прочитали
            читайте внимательн*
            внимательнее читайте
            проблема на вашей стороне
            сами выбрали
            сами согласились
            сами сообщили
            сами указали
            сами нажали
            сами подтвердили
            сами отказались
            сами выбирали
            сам выбирал
            сам выбрал
            сама выбрала
            неправильно пользовались
            неправильно ввели
            неправильно указали
            неправильно заполнили
            читай* услови*
            читай* соглашени*
            читай* правил*
            надо читать
            нужно читать
            следующий раз проверя*
            следующий раз будьте внимательн*
            следующий раз будь внимательн*
        """),
        "pl": _lines("""
            to pana wina
            to pani wina
            to twoja wina
            pana wina
            pani wina
            twoja wina
            z pana winy
            z pani winy
            z twojej winy
            sobie winien
            sobie winna
            sobie winny
            sobie winni
            trzeba było przeczytać
            trzeba było czytać
            trzeba było sprawdzić
            należało przeczytać
            należało sprawdzić
            powinien pan był
            powinna pani była
            powinieneś był
            powinnaś była
            nie przeczytał pan
            nie przeczytała pani
            gdyby pan przeczytał
            gdyby pani przeczytała
            pan się pomylił
            pani się pomyliła
            po pana stronie
            po pani stronie
            po twojej stronie
            nieuważnie
            mogłaś podać
            mogłeś podać
            mógł pan podać
            mogła pani podać
            który pan zaakceptował
            który pani zaakceptowała
            który zaakceptowałeś
            który zaakceptowałaś
            proszę czytać
            proszę uważnie czytać
            czytaj regulamin
        """),
        "en": _lines("""
            your fault
            your own fault
            you should have
            you should've
            you shouldve
            you failed to
            you didn't read
            you did not read
            if you had read
            if you'd read
            you need to read
            you were supposed to
            it's on you
            that's on you
            it is on you
            you were told
            you chose to
            you ignored
            user error
            should have checked
            should have read
            should have done
            you forgot
            you misunderstood
            misunderstood him
            misunderstood her
            misunderstood us
            read the guidance
            read the instructions
            read the terms
            check before posting
            did you even
            have you tried reading
        """),
    },
    # Arguing with the customer and defending the company instead of helping.
    "argue": {
        "ru": _lines("""
            это не так
            это неправда
            вы ошибаетесь
            вы неправы
            вы не правы
            мы ни в чем не виноват*
            мы не виноват*
            наша вина отсутств*
            нашей вины нет
            все сделали правильно
            сделали все правильно
            с нашей стороны все
            с нашей стороны нарушений
            не наша проблема
            не наша вина
            не по нашей вине
            не несем ответственност*
            не несет ответственност*
            претензии не принимаются
            как мы уже писали
            как мы уже говорили
            как мы уже объясняли
            мы вам уже объясняли
            повторяем еще раз
            еще раз повторяем
            у нас все работает
            претензия необоснованн*
            жалоба необоснованн*
            оснований нет
            не обязаны
            не обязан
            такие правила
            согласно правилам
            в соответствии с правилами
        """),
        "pl": _lines("""
            to nieprawda
            to nie jest prawda
            nie mamy sobie nic do zarzucenia
            nie mamy sobie niczego do zarzucenia
            nie ponosimy odpowiedzialności
            nie nasza wina
            nie z naszej winy
            nie nasz problem
            myli się pan
            myli się pani
            mylisz się
            nie ma pan racji
            nie ma pani racji
            nie masz racji
            jak już pisaliśmy
            jak już wspominaliśmy
            jak już wyjaśnialiśmy
            wszystko zrobiliśmy prawidłowo
            wszystko zrobiliśmy poprawnie
            działaliśmy zgodnie z regulaminem
            po naszej stronie wszystko
            u nas wszystko działa
            reklamacja jest bezzasadna
            reklamacja bezzasadna
            nie widzimy podstaw
            nie widzimy żadnych podstaw
            to nie jest wada
            nie jest wadą
            nie mamy obowiązku
            nie jesteśmy zobowiązani
        """),
        "en": _lines("""
            that's not true
            that is not true
            that's not correct
            that is incorrect
            that's incorrect
            you are wrong
            you're wrong
            we did nothing wrong
            we've done nothing wrong
            not our fault
            not our problem
            we are not responsible
            we're not responsible
            we are not liable
            we're not liable
            as we already said
            as we said before
            as previously stated
            as we've explained
            we've already explained
            we have already explained
            nothing wrong on our end
            works fine on our end
            working fine on our end
            working as intended
            no fault on our side
            we stand by
            your complaint is unfounded
            complaint is unfounded
            not required to
            not obliged to
            under no obligation
            clearly stated
            nobody is forcing you
            no one is forcing you
        """),
    },
    # Mockery dressed as politeness.
    "sarcasm": {
        "ru": _lines("""
            ну конечно
            ну да конечно
            ага конечно
            конечно-конечно
            как всегда
            поздравляем вы
            спасибо за ценное мнение
            спасибо за ваше ценное мнение
            браво
            надо же
            вот это новость
            какая неожиданность
            какой сюрприз
            очень смешно
            не смешите
            ну-ну
        """),
        "pl": _lines("""
            no oczywiście
            no jasne
            jasne bo
            gratulujemy
            brawo
            cóż za niespodzianka
            co za niespodzianka
            dziękujemy za cenną uwagę
            dziękujemy za cenne uwagi
            bardzo śmieszne
            ależ oczywiście
            a to ci niespodzianka
        """),
        "en": _lines("""
            congratulations on
            congrats on
            what a surprise
            oh wow
            wow just wow
            thanks for your valuable input
            thanks for the valuable input
            good luck with that
            no kidding
            obviously you
            clearly you
            yeah right
            how shocking
            bless your heart
            nice try
            sure because
        """),
    },
    # Remarks about the person rather than the problem.
    "personal": {
        "ru": _lines("""
            успокойтесь
            не истерите
            не надо истерить
            не кричите
            истерик*
            неадекват*
            вы видимо не
            видимо вы не
            вы не умеете
            не умеете читать
            научитесь
            с вашим уровнем
            такие как вы
            таким как вы
            таких как вы
            вам лишь бы
            вам бы только
            вы вообще понимаете
            вы странн*
            не позорьтесь
            не хамите
            не грубите
            ведите себя прилично
            в вашем возрасте
            не разбираетесь
            не ёрничайте
            не язвите
        """),
        "pl": _lines("""
            proszę się uspokoić
            niech się pan uspokoi
            niech się pani uspokoi
            uspokój się
            tacy jak pan
            tacy jak pani
            tacy jak ty
            nie umie pan
            nie umie pani
            nie umiesz
            proszę nauczyć się
            naucz się
            w pana wieku
            w pani wieku
            histeryz*
            histerii
            nie ma co się tak unosić
            proszę nie krzyczeć
            proszę się nie awanturować
            awanturuje
            nie rozumie pan
            nie rozumie pani
            nie rozumiesz
            proszę nie ironizować
        """),
        "en": _lines("""
            calm down
            people like you
            you clearly don't
            you obviously don't
            learn to read
            your attitude
            stop whining
            stop complaining
            no need to be rude
            you people
            watch your tone
            grow up
            don't be ridiculous
            you're being ridiculous
            you are being ridiculous
            take a deep breath
            cry about it
            you don't understand
            you do not understand
            too much for you
            go elsewhere
            options elsewhere
            shop elsewhere
        """),
    },
}

#: Emoji that read as eye-rolling or smirking in a reply to a customer.
SARCASM_EMOJI = ("🙄", "😏", "🙃", "🤦", "🤡")

#: Words in capitals that are names or abbreviations, not shouting.
ACRONYMS = folded_words("""
    HTTP HTTPS BLIK RODO GDPR HDMI IBAN SWIFT VISA COVID IMEI PESEL REGON USPS FEDEX ESIM NASA
    СНИЛС ОСАГО КАСКО СДЭК ИНН МФЦ ЖКХ ПВЗ SMS PIN USB FAQ WIFI WI-FI VPN LTE UEFA NATO PKP
    INPOST DPD DHL UPS GLS IKEA LEGO ASAP HTML JSON MMS USSD
""")

# --- formal address: Вы/ты, Pan/Pani/ty ------------------------------------------------

#: Words that show the informal (ты) address in Russian: pronouns and common imperatives.
RU_TY = folded_words("""
    ты тебя тебе тобой тобою твой твоя твое твоё твои твоего твоему твоей твоим твоих твоими твою
    напиши пришли проверь подожди уточни попробуй перезагрузи обратись сообщи скинь зайди нажми
    оставь укажи отправь можешь хочешь знаешь получишь сможешь будешь
""")
#: Words that show the formal (Вы) address in Russian when capitalised inside a sentence;
#: in lower case they can be plural ("ваш офис", "напишите оба"): then only :data:`RU_VY_PRONOUNS`.
RU_VY = folded_words("""
    вы вас вам вами ваш ваша ваше ваши вашего вашему вашей вашим ваших вашими вашу
    напишите пришлите проверьте подождите уточните попробуйте перезагрузите обратитесь сообщите
    оставьте укажите отправьте можете хотите знаете получите сможете будете
""")
RU_VY_PRONOUNS = folded_words("вы вас вам вами")
#: Words that show the informal (ty) address in Polish.
PL_TY = folded_words("""
    ty ciebie cię ci tobie tobą twój twoja twoje twojego twojej twoim twoich twoją twoi twojemu
    możesz masz jesteś chcesz wiesz musisz napisz sprawdź daj wyślij spróbuj zrób podaj skontaktuj
    zadzwoń poczekaj zaloguj kliknij otrzymasz dostaniesz znajdziesz będziesz
""")
#: Past-tense endings of the Polish second person singular ("zamówiłeś", "napisałaś").
PL_TY_ENDINGS = ("łeś", "łaś")
#: Words that show the formal (Pan/Pani/Państwo) address in Polish.
PL_PAN = folded_words("pan pani pana panu panią panem państwo państwa państwu")

# --- empathy, thanks, apology, gesture ---------------------------------------------

EMPATHY: Mapping[str, Mapping[str, tuple[str, ...]]] = {
    "apology": {
        "ru": _lines("""
            извин*
            простите
            прост* нас
            прошу прощения
            просим прощения
        """),
        "pl": _lines("""
            przeprasza*
            przeprosi*
            przepros*
            wybacz*
        """),
        "en": _lines("""
            sorry
            apolog*
        """),
    },
    "empathy": {
        "ru": _lines("""
            сожале*
            жаль
            неприятн*
            огорч*
            расстро*
            расстраива*
            сочувств*
            досадн*
            понима*
            наша ошибка
            наша вина
            мы виноват*
            не должно было
            недопустим*
            неудобств*
            обидно
        """),
        "pl": _lines("""
            przykro
            przykrość
            żału*
            ubolewa*
            rozumie*
            niedogodnoś*
            nasz błąd
            nasza wina
            współczu*
            nie powinno
            niedopuszczaln*
            nieprzyjemn*
            rozczarow*
            kłopot*
        """),
        "en": _lines("""
            regret*
            understand*
            frustrat*
            not the experience
            hear that
            hear this
            our mistake
            our fault
            our bad
            inconvenien*
            shouldn't have happened
            should not have happened
            unacceptable
            disappoint*
            not okay
            hate to hear
            not what we want
            not good enough
        """),
    },
    "thanks": {
        "ru": _lines("""
            спасибо
            благодар*
            спс
        """),
        "pl": _lines("""
            dziękuj*
            dziękowa*
            podziękowa*
            dzięki
        """),
        "en": _lines("""
            thank*
            thx
            appreciat*
            grateful
            cheers
        """),
    },
    "gesture": {
        "ru": _lines("""
            промокод*
            скидк*
            компенсац*
            компенсир*
            бонус*
            балл*
            возврат*
            вернем
            подар*
            сертификат*
            купон*
            бесплатн*
            начисл*
        """),
        "pl": _lines("""
            rabat*
            kod*
            kupon*
            voucher*
            bon*
            zwrot*
            zwróci*
            rekompensat*
            gratis*
            punkt*
            upomin*
            prezent*
            darmow*
            bezpłatn*
        """),
        "en": _lines("""
            voucher*
            discount*
            refund*
            credit*
            coupon*
            code
            gift*
            compensat*
            free
            complimentary
            on us
            points
            waive*
            reimburs*
        """),
    },
}

# --- personal: words that say nothing about this person's case ---------------------------

#: Function words and the vocabulary of every care conversation, per language (folded):
#: words a template says to everyone ("order", "номер заказа", "numer konta") are not a
#: person's specifics. Words of one or two letters never are.
STOPWORDS: frozenset[str] = folded_words("""
    этот эта это эти этого этой этому этим этих того тому тоже также такой такая такое такие
    когда тогда потом после перед через чтобы потому поэтому если было были была будет будут
    есть нету меня мной мною тебя тебе себя себе свой своя свое свои своего своей своим
    наши наша наше нашего нашей нашим наших нашу ваши ваша ваше вашего вашей вашим ваших вашу
    него нему ними нами вами всем всех весь вся всё все всего всей очень просто только уже
    ещё еще вообще даже почему зачем какой какая какие каких какое сколько куда откуда
    здесь сейчас теперь снова опять пожалуйста спасибо здравствуйте привет добрый доброе день
    вечер утро помогите помочь подскажите скажите может можно нужно надо хочу хотим хотел хотела
    могу можете мочь сделать сделали делать который которая которые которых которого около
    более менее самый самая самое самые чего чему кого кому никто ничего ничем никак нигде
    никогда всегда иногда просьба вопрос вопросу вопросом вопроса проблема проблемы проблему
    проблемой ответ ответьте ответа отвечаете ответили ответить компания компании компанию
    сервис сервиса поддержка поддержки поддержку служба службы клиент клиента клиентов уважаемые
    разберитесь просто реально вообщем вобщем короче пишу написал написала писал писала
    ребята ребят друзья коллеги пока хотя хоть либо или тоже будто вроде типа блин ладно
    хорошо отлично класс супер спс благодарю понятно ясно подождите жду ждем ждём
    this that these those there their theirs they them then than what when where which while
    whom whose with without would could should shall will from into onto over under about
    above after again against because been before being below between both during each
    further have having here hers herself himself itself just more most other ours ourselves
    same some such very your yours yourself yourselves also even ever still only really much
    many every anyone someone something anything nothing everything please thanks thank hello
    guys folks help helping support service customer team company issue issues problem
    problems question questions answer reply respond response anybody somebody dont don't
    cant can't didn't doesn't isn't wasn't won't wont haven't hasn't wouldn't couldn't
    shouldn't aren't weren't i'm i've i'll you're you've you'll we're we've we'll it's that's
    there's what's get got getting going gonna wanna want wanted need needed like know let's
    make made take took tell told said says able keep kept sure okay well yeah yes hey
    jest jestem jestes jestesmy było były będą będę będzie może można trzeba jako jaki jaka
    jakie jakiś jakiej kiedy gdzie dlaczego czemu który która które których którym tego temu
    tych tymi tylko także też już jeszcze bardzo bardziej nawet teraz potem wtedy jednak ponad
    przez przed przy ponieważ żeby oraz albo lecz więc moje moja mój moich mojego mojej mnie
    mamy macie mają wasz wasza wasze waszego waszej waszym waszych państwa państwo pana pani
    panu panią proszę dziękuję dziękujemy dzięki witam dzień dobry cześć pomoc pomocy pomóżcie
    pomóc problem problemu problemem pytanie pytania odpowiedź odpowiedzi obsługa obsługi
    firma firmy klient klienta coś nikt wszystko wszystkie wszystkich zawsze nigdy ciągle
    wciąż znowu znów chcę chciałem chciałam chciałbym chciałabym mogę możecie muszę musicie
    jestem czyli tutaj tam ktoś ktokolwiek cokolwiek naprawdę serio właśnie także oraz
    halo hejka siema witajcie prosze dzieki
    что как там где уже вот так они она оно его нас вас нам вам мне мой моя мои для без при про над под
    или все всё еще ещё был это эти тот кто чем чей нет тут вы ты мы ну же бы ли да то из за на по от до
    the and for you are was not but can has had his her its our out who why how all any one two get got
    did does yes now too off own per via let may yet lol omg pls plz thx wtf
    się jak nie tak czy już ale bez dla pod nad ich jej mam był ten też tam gdy kto ani pan was wam nas
    nam mój moj lub ktoś żeby aby ani oto
    заказ заказа заказу заказом заказе заказы заказов номер номера номеру номером аккаунт аккаунта
    личку личные личных личка сообщение сообщения сообщений договор договора договору
    order orders number account message messages details direct
    zamówienie zamówienia zamówieniu zamówień numer numeru numerem konto konta koncie wiadomość
    wiadomości wiadomosci priv dzieje происходит happening
""")
