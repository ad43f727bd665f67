"""Curated cue words per language and category.

A pattern is one or more space-separated tokens matched against consecutive words; a token
ending in ``*`` matches any word starting with it (a stem: ``сломал*`` finds сломался,
сломали…), ``?`` stands for a literal question mark. Polish is matched without diacritics,
so its patterns are written without them. Categories feed both the rules and the model's
features; which part of the result each one supports is in ``lexicon.py``.
"""

from __future__ import annotations

LEXICON: dict[str, dict[str, str]] = {
    "ru": {
        "ask": """как где когда почему зачем сколько какой* какая какое каким* который* чей
            можно можно_ли ли подскажи* подскаж* скажите скажи расскажите объясните уточните
            уточнит* интересует возможно_ли есть_ли будет_ли кто_знает кто-нибудь кто-то_знает
            правда_ли реально_ли подскажите_пожалуйста""",
        "request": """пожалуйста пжл плиз прошу просим помогите помоги* проверьте проверь* верните
            вернуть перезвоните свяжитесь напишите_мне напишите_в_лс отпишитесь разберитесь
            решите исправьте отмените отменить хочу_вернуть хочу_отменить жду_возврат* жду_ответ*
            требую* нужна_помощь нужен_ответ дайте сообщите""",
        "failure": """не_работает не_работают не_работал* не_работ* неработ* не_грузит* не_загруж*
            не_открывает* не_приходит не_пришел не_пришла не_пришло не_приходят не_доставил*
            не_доставлен* не_могу не_получается не_удается не_проходит не_списал* не_включ*
            не_отвечает не_отвечают не_дозвон* не_вернули не_вернул* сломал* слома* поломк*
            брак* бракован* ошибк* ошибка глюч* глюк глюки глюков глючит зависа* зависл* вылета* вылетел* баг баги багов багом
            сбой* не_ловит нет_связи нет_интернета нет_света без_связи без_интернета без_света без_воды без_отопления пропал* пропадает отключил*
            списали списал* не_то перепутал* испорчен* тухл* просроч* холодн* разбит* порван*
            потеряли потерял* отменили отменил* задерж* опозда* опоздал* до_сих_пор уже_неделю
            уже_месяц третий_день второй_день который_день который_раз третий_раз опять снова
            в_очередной_раз так_и_не никто_не ни_ответа""",
        "criticism": """ужасн* отвратит* кошмар* позор* безобраз* отстой* днище худш* хуже разочаров*
            издевательств* издеваетесь беспредел* бардак* хамств* хамят хамил* нахамил* грубо
            грубил* бесит бесят достали задолбал* заебал* надоело невозможно некомпетент*
            обман* развод* наеба* кидал* кинули не_рекомендую не_советую никому_не больше_никогда
            верните_деньги жалоб* пожалуюсь претензи* фигня хрень херня говно дерьм* хуйня
            хуево хреново паршив* убог* жуть стыдно мерзк* печально жаль""",
        "thanks": """спасибо спс спасиб* благодар* поблагодар* отблагодар* благодарочка мерси респект""",
        "praise": """отличн* супер класс классн* круто крутой крутая крутые крутейш* лучший лучшая лучшее лучшие лучших лучшего лучшему молодц* умниц* великолеп* прекрасн*
            восхит* обожаю люблю нравится понравил* шикарн* топ топчик огонь кайф* рекомендую
            советую доволен довольна довольны довольная довольный довольные приятн* быстро_доставили оперативн* вежлив* охуенн* офигенн*
            ахуенн* заебись пиздато охрененн* зачет* годно норм_сервис вау браво красавчик* красавцы
            красава на_высоте выше_всяких_похвал лучше_всех пушка шедевр* жирный_плюс снимаю_шляпу
            приятно_удивил* приятно_удивлен* выручили выручил* спасли профи профессионал* четко_и_быстро
            всем_советую""",
        "insult": """дебил* идиот* урод* твар* мраз* ублюд* козл* козел чмо пидор* пидар* уеб* уёб*
            долбоеб* долбаеб* дибил* дегенерат* имбецил* кретин* скотин* сволоч* гнид* падл*
            сдохн* подохн* чтоб_вы чтоб_вас сдохните ненавижу_вас жулик* ворюг* воры шарашк*
            шлюх* сук* суки гов*_вы вы_говно идите_нахуй пошли_нахуй нахуй_идите клоун*
            овощ* тупые тупорыл* даун* лох* лохи паразит* пиявк* кровосос* нелюд* отброс* быдл*
            тупиц* бездар* никчем* холуй* лакей* лакеи одни_животные как_животные скоты""",
        "profanity": """бля* блин хуй* хуе* хуё* пизд* ебат* ебан* еба* ёба* нахуй нахер хер херов*
            сука пипец капец жесть""",
        "spam": """заработ* заработок доход* пассивн* крипт* биткоин* инвест* ставк* казино
            букмекер* выигрыш* розыгрыш бесплатн* подпиш* подписывайт* подписчик* лайк*_за
            пиши_в_лс пишите_в_лс переходи* ссылк*_в_профиле ссылк*_в_шапке акци* скидк*_до
            промокод* без_вложений от_дня в_день удаленн*_работ* работа_на_дому в_профиле в_шапке
            наш_профиль мой_профиль записывайтесь пиши_в_тг пишите_в_тг мой_тг пиши_в_личку
            пишите_в_личку в_директ взаимн*_подписк* взаимка скучаешь давай_пообщаемся арбитраж*""",
        "urgent_safety": """газ запах_газа утечка_газа пожар* горит загорел* дым задымлен* отравил*
            отравлен* отравление рвота скорую скорая больниц* госпитализ* травм* ожог* аллерги*
            анафилак* ребенок_заперт* застрял*_в_лифте угроза_жизни опасн* искрит* током
            ударило_током кровотечен* кровь_не_останавл* потерял*_сознани* обморок задыхает*
            подавился подавилась передозиров* угарн*""",
        "urgent_legal": """суд судом подам_в_суд в_суд адвокат* юрист* роспотребнадзор* прокуратур*
            полици* заявлени*_в фас цб_рф центробанк* иск исков* досудеб* претензию_направ*
            омбудсмен* правов*""",
        "urgent_money": """заблокир*_карт* заблокир*_мне_карт* карту_заблокир* заблокировали_карт* заблокировали_счет
            заблокировали_счёт счет_заблокир* списали_дважды двойное_списание дважды_списал*
            списали_два_раза списали_лишн* не_могу_оплатить не_проходит_оплата не_могу_снять
            деньги_пропали пропали_деньги украли_деньги без_денег нечем_платить зарплат*_не
            украли_карт* украли_телефон украли_сумку потерял*_карт*
            не_могу_перевести""",
        "urgent_travel": """застрял* рейс_отменили отменили_рейс рейс_отмен* пропустил*_рейс
            не_пустили_на_борт снял*_с_рейса ночую_в_аэропорту ночуем_в_аэропорту сидим_на_вокзал* сижу_на_вокзал*
            сидим_в_аэропорт* сижу_в_аэропорт* ночуем_на_вокзал* ночую_на_вокзал* багаж_потерял* овербукинг*
            высадили
            потеряли_багаж застряли застряла застрял""",
        "urgent_data": """взлом* взломали утечк* слили_данные мошенник* мошенничеств* украли_аккаунт
            чужой_вход кто-то_зашел кто-то_вошел персональн*_данн*""",
        "outage": """у_всех у_всех_так не_только_у_меня у_кого-то_еще у_кого_еще у_кого-нибудь кто-то_еще
            лежит лег легл* упал упали упало сервер* сбой* авари* массов* весь_город весь_район
            по_всему у_соседей у_друзей тоже тоже_не_работает не_работает_приложение
            не_работает_сайт сайт_не приложение_не сеть_упала""",
        "negation": "не ни нет никак никогда нисколько",
        "sarcasm": """спасибо_за_ничего ну_спасибо браво гениально молодцы_конечно как_всегда
            ага_конечно ну_да ну_конечно класс_опять супер_опять отличный_сервис_конечно""",
        "greeting": "здравствуйте добрый_день добрый_вечер доброе_утро привет приветствую",
    },
    "uk": {
        "ask": """як де коли чому навіщо скільки який* яка яке чи можна підкаж* скажіть поясніть
            уточніть цікавить хто_знає""",
        "request": """будь_ласка прошу допоможіть допоможи перевірте поверніть передзвоніть напишіть
            зв'яжіться скасуйте виправте чекаю_повернення вимагаю""",
        "failure": """не_працює не_працюють не_прац* не_приходить не_прийшло не_прийшла не_прийшов
            не_доставил* не_можу не_вдається не_відповіда* не_повернули зламал* злама* помилк*
            глюч* збій* зависа* вилітає немає_світла немає_зв'язку немає_інтернету пропал*
            списали досі вже_тиждень третій_день знову вкотре""",
        "criticism": """жахлив* огидн* ганьба неподобств* найгірш* гірше розчаров* знущання бардак
            хамств* грубо набридло обман* не_рекомендую ніколи_більше скарг* лайно погано
            жах""",
        "thanks": "дякую дякуємо дяки спасибі вдячн* подяк*",
        "praise": """чудов* відмінн* супер класн* круто найкращ* молодц* прекрасн* люблю подобається
            сподобал* рекомендую задоволен* швидко ввічлив* топ вогонь красен* красунчик* на_висоті
            найкраще топчик бомба шедевр* профі професіонал* оперативн* виручили врятували раджу
            приємно_здивува* знімаю_капелюха файно файн* зручн* кайф*""",
        "insult": """дебіл* ідіот* урод* тварюк* мерзот* покидьк* козл* сволот* виродк* здохн*
            злодії злодюг* шахра* тупі нікчем* лакей* лакеї п'явк* п'явок паразит* бидл* недоумк*
            бездар* нелюд* кровосос* тупиц* тупоголов*""",
        "profanity": "бля* хуй* пізд* їба* йоба* нахуй",
        "spam": """заробіток заробіт* крипт* інвест* казино ставк* безкоштовн* підпиш* промокод* акці*
            заробляй* пасивн* біткоїн* букмекер* виграш* розіграш* підписуйтесь підписник* лайк*_за
            пиши_в_лс пишіть_в_лс пиши_в_особисті в_особисті посилання_в_профілі наш_профіль
            в_профілі в_шапці без_вкладень робота_вдома мій_тг пиши_в_тг взаємн*_підписк*""",
        "urgent_safety": """газ запах_газу витік_газу пожеж* горить загор* дим задимлен* отруїв* отруєн*
            блюв* швидку лікарн* госпіталіз* травм* опік* алергі* анафілак* небезпечн* струмом
            іскрить застряг*_у_ліфті загроза_життю кровотеч* непритомн* знепритомн* задихає*
            вдавився вдавилася вдавилась""",
        "urgent_legal": "суд* адвокат* юрист* поліці* позов* споживач* прокуратур* омбудсмен* держпродспоживслужб*",
        "urgent_money": """заблокували_картку заблокув* списали_двічі двічі_списали не_можу_оплатити
            не_можу_зняти не_проходить_оплата оплата_не_проходить гроші_зникли зникли_гроші
            вкрали_гроші без_грошей вкрали_картку вкрали_телефон""",
        "urgent_travel": """застряг* застрягли рейс_скасували скасували_рейс рейс_скасовано
            не_пустили_на_борт зняли_з_рейсу овербукінг* ночуємо_в_аеропорту ночую_в_аеропорту
            втратили_багаж загубили_багаж висадили сидимо_на_вокзал* сиджу_на_вокзал*
            сидимо_в_аеропорт* сиджу_в_аеропорт* ночуємо_на_вокзал*""",
        "urgent_data": """зламали злам* витік* шахрай* шахрайств* злили_дані персональн*_дан* хтось_зайшов
            хтось_увійшов вкрали_акаунт фішинг*""",
        "outage": "у_всіх не_тільки_у_мене у_кого_ще збій* авар* масов* все_місто тоже теж_не",
        "negation": "не ні немає ніколи",
        "sarcasm": "дякую_за_ніщо ну_дякую браво як_завжди",
        "greeting": "добрий_день вітаю привіт доброго_дня",
    },
    "pl": {
        "ask": """jak gdzie kiedy dlaczego czemu ile jaki* jaka jakie ktory* czy mozna czy_mozna
            czy_jest czy_bedzie czy_ktos ktos_wie ktos_moze prosze_o_info pytanie pytam zapytac
            dowiedziec wytlumacz* wyjasn*""",
        "request": """prosze prosimy pomozcie pomoz* pomocy sprawdzcie sprawdz* zwroccie oddajcie
            oddzwoncie zadzwoncie napiszcie odpiszcie odezwijcie anulujcie anuluj* zmiencie
            popraw* czekam_na_zwrot czekam_na_odpowiedz zadam* domagam prosze_o_kontakt
            prosze_o_zwrot potrzebuje_pomocy plz pls""",
        "failure": """nie_dziala nie_dzialaja nie_dzial* niedzial* nie_laduje nie_otwiera nie_przyszl*
            nie_doszl* nie_dotarl* nie_dostarcz* nie_dostalem nie_dostalam nie_moge nie_da_sie
            nie_odpowiada* nie_odbiera* nikt_nie nie_zwrocil* zepsu* popsu* uszkodz* wadliw*
            blad* bledy error awari* zawiesza* zawiesil* wywala* crash* bug* brak_zasiegu
            brak_internetu brak_pradu brak_sieci zniknel* znikn* pobrali pobral* obciazyl*
            zgubil* zgubi* anulowal* odwolal* opozni* spozni* spoznion* zimn* zimne_jedzenie
            przeterminowan* nadal dalej_nic wciaz juz_tydzien juz_miesiac trzeci_dzien trzeci_raz
            kolejny_raz znowu znow po_raz_kolejny do_dzis od_tygodnia od_rana od_wczoraj""",
        "criticism": """tragedi* tragiczn* beznadziej* zenad* zenujac* skandal* porazk* fatalnie
            fatalna fatalny okropn* straszn* najgorsz* gorzej rozczarow* kpina kpiny dno
            dramat* nie_polecam odradzam nigdy_wiecej oszust* oszukal* naciag* chamsk* cham*
            niekompetent* wstyd* masakr* syf* lipa kicha zal dziadostw* badziew* gowno
            reklamacj* skarg* bezczeln* kpicie""",
        "thanks": "dzieki dziekuje dziekujemy dziekowac podziekowania thx dzieks dziena",
        "praise": """super swietn* wspanial* rewelac* genialn* najlepsz* polecam fajn* extra ekstra
            ekstra_obsluga super_obsluga zajebist* zarabist* sztos* mistrz* kocham uwielbiam
            brawo szybko_i_sprawnie sprawnie profesjonaln* mil* uprzejm* bomba cudown*
            doskonal* zadowolon* petarda czad kozack* git spoko jak_sie_patrzy dobra_robota
            kawal_dobrej_roboty zwracam_honor szacun* smiga imba kosmos lapka_w_gore pod_wrazeniem
            tak_sie_zalatwia tak_sie_to_robi uratowal* najlepsi topka pierwsza_klasa godne_polecenia
            jak_zloto""",
        "insult": """debil* idio* kretyn* matol* baran* cwel* chuj* chuje huj* spierdal* wypierdal*
            pierdolcie_sie jebac jebcie ciul* kurwy szmat* scierw* smiec* zlodziej* zlodzieje
            banda bando zdychaj* zdechn* gnoj* frajer* downi* pajac* klaun* nienawidze_was
            padalc* gamon* tepe tepi tepak* bydlo bydlak* gnid* hochsztapler* pasozyt* pijawk* nieudacznik*
            darmozjad* oszolom* cham chamy chamie chamow prostak* idz_sie_lecz""",
        "profanity": "kurw* kurde jeb* pierdol* pierdziel* zajeb* wkurw* cholera chol* kurna qrwa",
        "spam": """zarob* zarobek zarabiaj* dochod* kryptowalut* krypto bitcoin* inwest* kasyno
            zaklad* darmow* za_darmo obserwuj* obserwujcie lajk* link_w_bio link_w_profilu
            wejdz_na kliknij promocja kod_rabatowy praca_zdalna bez_wkladu dziennie w_bio
            sklep_w_bio na_profilu wpadajcie wygraj z_haslem z_kodem potwierdz_tutaj
            aktualizacja_danych wolne_terminy napisz_na_priv pisz_na_priv""",
        "urgent_safety": """gaz zapach_gazu ulatnia* wyciek_gazu pozar* pali_sie dym zatru* zatrucie
            wymiot* pogotowi* karetk* szpital* uraz* poparz* alergi* wstrzas zagrozeni*
            niebezpieczn* porazil* prad_kopie krwawi* krwotok* zemdlal* stracil*_przytomnosc
            dusi_sie zakrztusil* udlawil* czadem""",
        "urgent_legal": """sad sadu sadzie pozew pozw* prawnik* adwokat* uokik rzecznik* rzecznika
            policj* prokuratur* zglaszam_do kancelari* postepowani* knf""",
        "urgent_money": """zablokowal*_karte zablokowal*_mi_kart* zablokowan*_kart* karta_zablokowan* zablokowal*_konto
            konto_zablokowan* pobrali_dwa_razy podwojn*_obciaz* obciazyli_dwa dwa_razy_pobral*
            nie_moge_zaplacic nie_moge_za_nic_zaplacic nie_moge_wyplacic nie_moge_przelac zniknely_pieniadze
            pieniadze_zniknely bez_pieniedzy pieniadze_dwa_razy dwa_razy_za_to_samo pobral*_podwojnie
            ukradli_telefon ukradli_karte skradzion*_kart* skradzion*_telefon*
            podwojnie_pobral* dwukrotnie_pobral* pobral*_dwukrotnie""",
        "urgent_travel": """utknal* utknel* utkn* lot_odwolan* odwolali_lot odwolany_lot
            nie_wpuscili_na_poklad zgubili_bagaz bagaz_zgin* nocuje_na_lotnisku nocujemy_na_lotnisku siedzimy_na_dworcu siedze_na_dworcu
            siedzimy_na_lotnisku siedze_na_lotnisku nocujemy_na_dworcu
            overbooking* wysadzili""",
        "urgent_data": """wlam* zhakow* shakow* hakowa* wyciek* wyciekly oszust* kradziez* ukradli
            ktos_zalogowal ktos_sie_zalogowal dane_osobowe""",
        "outage": """u_wszystkich nie_tylko_u_mnie u_kogos_jeszcze komus_jeszcze ktos_jeszcze
            tez_nie_dziala tez_tak lezy padl* padla padlo awaria awari* cale_miasto calym_miescie
            cala_dzielnica masow* serwer* u_sasiadow u_znajomych""",
        "negation": "nie ani nic nigdy zadn* brak",
        "sarcasm": """dzieki_za_nic no_dzieki brawo_wy gratulacje jak_zwykle no_jasne super_znowu
            swietnie_znowu no_pieknie pieknie""",
        "greeting": "dzien_dobry witam witajcie hej siema czesc elo",
    },
    "en": {
        "ask": """how where when why what which who whose is_there are_there can_i can_you could_you
            could_i do_you does_anyone anyone_know is_it will_it will_you any_update any_news
            wondering wonder question would_like_to_know wanna_know want_to_know tell_me""",
        "request": """please pls plz plis help need_help help_me dm_me dm_us check_my check_on refund_me
            cancel change call_me call_back contact_me fix sort_this sort_it get_back_to_me
            reply respond waiting_for_a_response still_waiting_for demand i_want want_my
            give_me send_me""",
        "failure": """not_working doesn't_work doesnt_work does_not_work didn't_work isn't_working
            won't_load wont_load won't_open can't cant cannot unable not_able broken broke
            crash* crashing error* glitch* bug* buggy freez* frozen down dead_zone no_signal
            no_service no_internet no_power outage never_arrived never_received never_came
            hasn't_arrived hasnt_arrived didn't_arrive didnt_arrive not_arrived not_received
            not_delivered missing lost delay* delayed late cancelled canceled charged overcharg*
            double_charged damaged defective faulty wrong_item wrong_order cold stale expired
            still_waiting still no_one nobody no_response no_reply hung_up on_hold again
            third_time second_time every_time for_weeks for_days for_hours since_yesterday
            since_monday""",
        "criticism": """terrible awful horrible worst worse disgust* disgrace* pathetic ridiculous
            unacceptable useless joke shameful shame disappoint* frustrat* annoy* rude unprofessional
            incompetent scam* rip-off ripoff ripped_off never_again do_not_recommend don't_recommend
            avoid sucks suck crap crappy shit shitty trash garbage bullshit nightmare mess fed_up
            sick_of tired_of complain* complaint sad""",
        "thanks": "thanks thank thank_you thx ty tysm cheers appreciate* grateful kudos shoutout shout-out",
        "praise": """great awesome amazing excellent fantastic brilliant love loved loving best perfect
            wonderful outstanding superb incredible impressed impressive recommend* helpful
            friendly quick fast super nice lovely delicious legend legends hero heroes rock rocks
            fire goat goated fucking_awesome fucking_great smooth seamless happy pleased
            5_stars well_done good_job saint gem absolute_gem champion bangers banger never_miss
            never_misses can't_fault cant_fault credit_where fair_play top_people top_notch top-notch
            glow_up obsessed game_changer lifesaver life_saver spot_on first_class faultless flawless
            hats_off stellar slaps goes_hard go_hard no_complaints would_use_again blown_away
            made_my_day top_tier""",
        "insult": """idiot* moron* stupid retard* dumb dumbass scum* bastard* assholes asshole dickhead*
            clowns clown losers loser cunts cunt fuck_you fuck_off fuck_u go_to_hell die_in
            hope_you_die burn_in_hell thieves crooks morons imbeciles pigs layabout* slimy slimiest
            slimeball* parasites leeches bloodsuckers numpties numpty muppets halfwit* nitwit* dimwit*
            twat* tosser* wanker* iq_of combined_iq""",
        "profanity": "fuck* shit* damn wtf bloody hell af ffs omfg",
        "spam": """earn* income crypto bitcoin* btc invest* forex casino bet* free_followers followers
            follow_back follow_me giveaway click link_in_bio check_my_profile promo dm_for
            make_money per_day work_from_home onlyfans nft* airdrop dm_me tap_here check_out_my
            my_page in_my_bio order_on promo_code use_code discount_code hot_singles
            join_the_telegram to_the_moon 1000x trading_system passive_income no_prescription""",
        "urgent_safety": """gas gas_leak smell_gas smells_like_gas fire smoke poison* food_poisoning
            vomit* hospital* ambulance injur* hurt burned burnt allerg* anaphyla* danger*
            unsafe hazard electrocut* sparks trapped locked_in stuck_in_elevator fainted collapsed
            choking choked bleeding unconscious seizure overdose carbon_monoxide wrong_medication
            wrong_dose wrong_tablets throwing_up threw_up sick_since whole_family_sick bed_bugs bedbugs
            dizzy smell_of_burning burning_smell smells_like_burning slipped broke_her broke_his fractured""",
        "urgent_legal": """lawyer* attorney* sue suing lawsuit court legal_action small_claims regulator*
            ombudsman ofcom ftc cfpb bbb trading_standards police report_you""",
        "urgent_money": """card_blocked blocked_my_card card_declined account_frozen froze_my_account
            frozen_account charged_twice double_charged double_charge charged_me_twice
            can't_pay cant_pay can't_withdraw cant_withdraw money_gone money_disappeared
            took_my_money stole_my_money no_money can't_pay_rent cant_pay_rent rent_is_due stolen_phone phone_stolen phone_was_stolen
            stolen_card card_stolen card_was_stolen""",
        "urgent_travel": """stranded stuck_at stuck_abroad stuck_on_the flight_cancelled flight_canceled
            cancelled_my_flight canceled_my_flight missed_my_flight denied_boarding
            lost_my_luggage lost_luggage lost_baggage sleeping_at sitting_at_the_airport overbooked offloaded
            bumped_off no_hotel""",
        "urgent_data": """hacked hack* data_leak leaked breach fraud fraudulent scammer* identity_theft
            someone_logged unauthorized unauthorised phishing""",
        "outage": """everyone anyone_else anybody_else just_me is_it_down down_for down_again outage
            outages servers server whole_city whole_area nationwide widespread mass also_down
            not_just_me for_everyone""",
        "negation": "not no never nothing don't dont didn't didnt isn't isnt wasn't can't cant won't wont nobody",
        "sarcasm": """thanks_for_nothing great_job_again well_done_again oh_great wow_thanks
            just_great love_that_for_me as_usual yeah_right sure_jan thanks_a_lot""",
        "greeting": "hi hello hey good_morning good_afternoon good_evening dear",
    },
}
