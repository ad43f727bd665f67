"""Polarity cue words per language: what reads as positive or negative in a post.

The syntax is that of ``lexicon_data.py``: patterns separated by spaces, ``_`` joining words
that must follow one another, a trailing ``*`` making a stem (``прекрасн*`` finds прекрасно,
прекрасный…). Polish is written without diacritics and Russian ё as е; words are lower-cased
and a letter repeated three times or more is squeezed to one before matching, so "суперрр"
finds "супер" and "yaaay" finds "yay".

The lists are general sentiment words as people write them in social media, not only about
customer care: evaluative adjectives and adverbs, verbs of liking and hating, nouns, slang,
interjections (ура, yay, ugh, meh), and swearing where it plainly strengthens one side
(охуенн* positive, хуев* negative). Fixed phrases whose sense a negation flips are written
whole (не_очень, nie_polecam, not_happy); negation in general is left to the model, which
also sees word pairs. Topic words (price, delivery, order) and words whose polarity depends
on what they describe (cold, fast, long, дорого) are left out on purpose.

A hit is a feature of the sentiment model and a piece of evidence for the sentiment it
agrees with; it never decides alone. A positive word still fires inside sarcasm ("спасибо
за ничего") or a negated phrase, and it is the model, reading the whole post, that weighs it.
"""

from __future__ import annotations

POLARITY: dict[str, dict[str, str]] = {
    "ru": {
        "positive": """хорош* отличн* отл прекрасн* замечательн* великолепн* восхитительн* восхищ* восторг*
            восторж* чудесн* шикарн* шик потрясающ* изумительн* превосходн* идеальн* безупречн* бесподобн*
            божествен* волшебн* сказочн* фантастическ* феноменальн* гениальн* гений гении талантлив* классн*
            класс клевый клевая клевое клевые клево клевого клевых клевую клевым офигенн* офигенск*
            офигительн* обалденн* охуенн* охуительн* ахуенн* охрененн* охеренн* афигенн* пиздат* заебис*
            зашибис* зашибенн* збс зачет зачот зачетн* годн* няшн* няша няшка мимими мимишн* милый милая
            милое милые милого милому милым милых милую мило милашк* милот* миленьк* милейш* прелестн*
            прелесть очаровательн* очарован* симпатичн* приятн* уютн* удобн* вкусн* свежайш* ароматн* сочн*
            сытн* красив* красот* прикольн* забавн* весел* радост* рад рада рады радует радуют радуете
            радуюсь радуемся порадовал* обрадовал* обрадован* счастлив* счастье счастья счастьем счастью
            доволен довольна довольны довольный довольная довольное довольные довольных довольным довольного
            надежн* качественн* профессионал* профи вежлив* отзывчив* доброжелательн* дружелюбн* компетентн*
            грамотн* толковый толковая толковые толково толкового оперативн* полезн* выгодн* удачн* успешн*
            лучший лучшая лучшее лучшие лучшего лучшей лучшим лучших лучшему лучшую наилучш* любим* люблю
            любит любят полюбил* влюбил* влюблен* влюбляет* обожа* нрави* нравятся понрав* кайф* балдею
            балдеж тащусь зашло шедевр* чудо бомба бомбезн* бомбическ* пушка огонь топ топчик топов* имба
            имбов* норм нормас нормуль нормально ништяк* ништяч* четкий четкая четкое четкие четко здорово
            здоровск* супер суперск* отпад отпадн* улет улетн* кульный кульная кульное кульные кульно круто
            крутой крутая крутое крутые крутого крутую крутым крутых круче крутяк* крутота крутотень
            крутейш* гуд найс вау воу ух_ты ура урра уря юху йей ахах* хехе* хихи* ржака ржачн* молодц*
            молодчин* умниц* умничк* красавчик* красавц* красавиц* красава красавы браво респект* уважуха
            уважаю спс спасиб* пасиб* благодар* мерси сенкс рекомендую рекомендуем советую порекомендую ценю
            ценим горжусь доверяю похвал* выруча* выручил* спасли спасаете спасает спасают помогли помог
            помогла помогло помогает помогают помогаете починил* исправили заработало наладил* разобрались
            стильн* элегантн* изящн* роскошн* нежн* ласков* заботлив* чуткий чуткая чуткие чутко щедр*
            честный честная честные честного порядочн* добросовестн* пунктуальн* аккуратн* терпелив* любезн*
            обходительн* галантн* душевн* уважительн* доброта добротн* добрейш* позитив* поздравля*
            поздравлен* обнимаю целую лепота мечта находка вовремя повезло превзош* впечатлил* впечатляющ*
            информативн* ням смак плюсую жирный_плюс все_ок все_пришло все_работает так_держать лучше_всех
            лучше_не_бывает на_высоте на_уровне на_высшем_уровне высший_пилотаж пять_звезд 5_звезд 10_из_10
            10/10 5/5 без_проблем без_нареканий без_заморочек как_часы не_подвел* не_подвод* не_разочаровал*
            не_пожалел* не_пожалеете не_пожалеешь не_плохо неплох* не_дурно недурн* низкий_поклон от_души
            с_душой золотые_руки снимаю_шляпу мое_почтение решили_проблему проблему_решили решили_вопрос
            вопрос_решен вопрос_решили проблема_решена быстро_решили быстро_ответили быстро_доставили
            вернули_деньги деньги_вернули стоит_своих_денег стоит_того стоит_каждой_копейки
            оправдал*_ожидания обязательно_вернусь еще_вернусь обязательно_закажу закажу_еще
            буду_заказывать_еще приду_еще пальчики_оближешь улыбнул* улыбк* ржу потрясн* шикардос шикос
            объедение комфортн* чистеньк* молниеносн* безотказн* беспроблемн* ура-ура йоху обнимашки
            сердечк* золотце спасители спаситель кудесник* со_знанием_дела выше_крыши хочу_еще беру_еще
            как_по_маслу легко_и_просто проще_простого в_лучшем_виде выше_ожиданий сверх_ожиданий чудненьк*
            славн* радушн* гостеприимн* внимательное_отношение человечн* понимающ* тактичн* интеллигентн*
            впечатлен впечатлена впечатлены хаха хахах*""",
        "negative": """плох* ужас* кошмар* отврат* отвращ* омерзит* мерзк* мерзост* мерзот* гадк* гадост*
            гадство гаже жуть жутк* чудовищн* позор* безобраз* отстой* днище дно худш* хуже разочаров*
            недовол* неприятн* неудобн* неудачн* некачествен* некомпетент* непрофессионал* неадекват*
            невкусн* невежлив* неуважени* неуважительн* неприемлем* недопустим* нерабоч* неисправн*
            недобросовестн* непорядочн* нечестн* безответствен* бестолков* бесполезн* бессмыслен* бардак*
            бедлам хаос кавардак возмути* возмущ* негод* хамск* хамств* хамло хамье хам хамы хамка хамят
            хамит хамил* нахамил* бесит бесят бесило бесила бесили бесишь бесите бешусь взбеси* взбешен*
            раздража* раздражен* злит злят злюсь злой злая злые злость злости злоба злобн* обидн* обидел*
            обида обиды обижен* обижа* груст* печаль* жаль жалк* тоскл* тоска уныл* скучн* скука скукота
            скучища ненавижу ненавид* ненавист* достали достало задолбал* задрал* заебал* заколебал*
            замучил* измучил* надоел* осточертел* опостылел* расстро* расстраива* огорч* обман* кинули
            кидал* развод разводилово разводняк развели лохотрон* наеб* мошенни* жулик* жульничеств* ворюг*
            воры грабеж* грабители грабят ограбили фигня фигов* хрень хренов* херня херов* дерьм* говн*
            хуйня хуев* хуета хуита поебень пиздец пиздос распиздяй* проеб* ебан* уебищ* блядств* пипец
            капец писец трындец звездец пздц ппц жесть треш трэш трешак трэшак трешовый трешово кринж*
            зашквар* стыдно стыд стыдоба стыдобищ* фу тьфу эх эхх увы адище это_ад просто_ад сущий_ад
            катастроф* провал* фиаско облом* лажа лажан* косяк* накосячил* косячн* абсурд* маразм* дурдом
            цирк клоунада дичь дикость убог* убож* паршив* дрянн* дрянь хлам барахл* фуфл* шлак помойк*
            ерунд* чушь туфта некрасив* уродлив* уродск* тошн* воня* вонюч* вонь тухл* протух* испорт*
            испорчен* сломал* сломан* поломал* поломк* глюч* лагает лагают лаги тормозит тормозят баги багов
            багованн* бажит ошибк* грязн* грязь грязища дороговат* обдиралов* втридорога переплатил* дешевка
            дешевку дешевки подделк* фальшивк* бракован* игнор* издева* отписка отписки безразлич* равнодуш*
            пофиг* похуй* насрать плевать наплевательск* сожале* пожалел* зря впустую напрасно рыдаю рыдать
            плакать страда* мучени* мучаюсь мучаемся мучают мучит мучился пытк* беда боль гнев* ярост*
            бешенств* нервир* нервнича* нервотрепк* стресс* сдох* убитый убитая убитое убитые развалил*
            развалива* мутный мутная мутные мутно подозрительн* ничтожн* наглый наглая наглые нагло наглость
            наглости наглеж наглецы обнаглел* охренел* охуел* офигел* вранье врете врут вруны лжец* лживы*
            лживо ложь лгут неправд* идиот* дебил* кретин* придур* дурак* дурацк* тупой тупая тупые тупо
            тупость тупит тупят тупизм тупорыл* урод урода уроды уродов мудак* мудач* мудил* козлы козел
            сволоч* мраз* ублюд* лох лохи лохов лузер* жалуюсь пожалуюсь недоразумени* неполадк* пичаль
            не_очень не_ахти не_айс не_фонтан не_комильфо так_себе ниже_среднего ни_о_чем ни_рыба_ни_мясо
            оставляет_желать_лучшего оставляют_желать_лучшего желать_лучшего не_понравил* не_нрави*
            не_нравятся не_рекомендую не_советую никому_не_советую никому_не_рекомендую не_доволен
            не_довольна не_довольны не_работает не_работают не_работал* не_помогли не_помогло не_помогает
            не_помогают не_помог не_стоит_того не_стоит_своих_денег не_стоит_брать не_берите не_покупайте
            не_заказывайте не_ведитесь не_вкусно не_вкусн* не_удобно не_удобн* не_приятно не_приятн*
            не_качествен* не_впечатлил* не_впечатлен* не_оправдал* не_оправдыва* не_в_восторге не_радует
            не_радуют не_устраивает не_устроил* не_отвечает не_отвечают не_дозвон* не_вернули не_нормально
            не_норм не_ок не_годится не_вовремя не_повезло ни_в_коем_случае больше_никогда никогда_больше
            ноги_моей в_последний_раз обходите_стороной держитесь_подальше бегите_от деньги_на_ветер
            выброшенные_деньги пустая_трата трата_времени потеря_времени руки_из_жопы через_жопу
            через_одно_место черт_знает_что какого_хрена какого_черта какого_хуя ни_в_какие_ворота
            ни_стыда_ни_совести цены_кусаются детский_сад нет_сил сил_нет сил_моих_нет спасибо_за_ничего
            зло_берет 0/10 1/10 0_из_10 1_из_10 сколько_можно терпение_лопнуло глюк глюки глюков грубо
            грубый грубая грубое грубые грубого грубым грубых грубую грубость грубости грубиян* грубит
            грубят грубил* нагрубил* говенн* противный противная противное противные противно противного
            противной противным противных беспредел беспредела беспределом беспредельщик* криво криворук*
            кривые_руки бред бредов* бредятин*""",
    },
    "uk": {
        "positive": """добре хороший хороша хороше хороші хорошого хорошому хорошим хороших хорошу хорошо
            гарний гарна гарне гарні гарного гарному гарним гарних гарну гарно гарненьк* гарнюн* чудовий
            чудова чудове чудові чудового чудовому чудовим чудових чудову чудово чудовенько пречудов*
            відмінний відмінна відмінне відмінні відмінно відмінного прекрасн* чудесн* чарівн* неймовірн*
            класн* клас круто крутий крута круте круті крутого крутому крутим крутих круту крутезн* крутяк*
            крутіше супер суперськ* кайф* топ топчик топов* бомба бомбезн* шикарн* шик розкішн* вишукан*
            кльов* милий милі милого милому милим милих миленьк* милот* милаш* любий любима улюблен* приємн*
            зручн* затишн* смачн* смакот* смаколик* соковит* ароматн* красив* красун* красень вродлив*
            весело веселий весела веселе веселі радий рада раді радію радіємо радіє радісн* радість радості
            порадував* порадувал* потішил* потішив* тішить тішуся щаслив* щастя щастям задоволен* надійн*
            якісн* професійн* професіонал* профі ввічлив* чемн* привітн* доброзичлив* дружелюбн* компетентн*
            оперативн* корисн* вигідн* вдалий вдала вдале вдалі вдало успішн* найкращ* кращий кращі любимо
            обожню* подобається подобаються подобалось подобалося подобалась подобався сподоба* рекомендую
            рекомендуємо раджу порадж* дяку* дяки дякс спасибі спс вдячн* подяк* молодець молодці молодчин*
            молодчага розумн* красава браво респект* ціную цінуємо довіряю пишаю* пишаєм* бездоганн*
            ідеальн* досконал* ефективн* щедр* чесний чесна чесні порядн* сумлінн* пунктуальн* акуратн*
            охайн* терпляч* турботлив* турбота чуйн* лагідн* ніжн* стильн* елегантн* геніальн* геній
            талановит* позитив* натхнен* надиха* казков* божествен* обіймаю цілую мрія знахідк* пощастило
            повезло перевершил* перевершу* неперевершен* вражаюч* вражений вражена допомогли допоміг
            допомогла допомогло допомагає допомагають виручили виручив* врятували полагодили полагодив*
            запрацювало відновили налагодил* вирішили_проблему проблему_вирішили вирішили_питання
            питання_вирішили все_вирішили вчасно норм нормас нормально ура вау юху йей хаха* ахах* хехе* ням
            гуд найс ізі_пізі заєбіс* заїбіс* зашибіс* охуєн* охуенн* ахуєнн* ахуенн* офігенн* офігєнн*
            обалденн* піздат* пиздат* охрінен* збс зачот імба все_ок все_прийшло все_працює так_тримати
            на_висоті на_рівні на_найвищому_рівні п'ять_зірок 5_зірок 10_з_10 10/10 5/5 без_проблем
            без_нарікань не_підвів не_підвела не_підвели не_пошкодував* не_пошкодуєте не_розчарув* не_погано
            непоган* не_пожалієте обов'язково_повернусь ще_повернусь ще_замовлю замовлятиму_ще з_душею
            від_душі золоті_руки низький_уклін знімаю_капелюх виправдал*_очікування варт*_своїх_грошей
            вартує_своїх_грошей в_захваті в_захопленні захоплююч* швидко_вирішили швидко_відповіли
            швидко_доставили повернули_гроші гроші_повернули пальчики_оближеш жирний_плюс плюсую суперов*
            блискуч* видатн* першокласн* високоякісн* фантастичн* феноменальн* незрівнянн* приголомшлив*
            дивовижн* захоплив* любов* любить закохан* закохал* радує радують радуєте втішн* оптимістичн*
            усміх* посмішк* регочу свіжесеньк* апетитн* комфортн* дбайлив* люб'язн* любязн* гостинн* душевн*
            щирий щира щире щирі щиро щирість людян* толков* кмітлив* талант* майстерн* фахов* супер-пупер
            бравісімо урра йес сердечк* обіймашки цьом* мімімі няшн* няшка пушка бомбічн* відпадн* насолод*
            поважаю захоплююсь захоплююся захоплюємось варто_спробувати хочу_ще повернуся_ще ще_повернуся
            замовлю_ще п'ять_з_плюсом 5_з_плюсом все_вийшло все_вдалося вдалося_вирішити запрацював вирішено
            швидка_відповідь без_питань легко_і_просто як_годинник на_всі_100 на_всі_сто вище_всіх_похвал
            понад_усі_очікування диво скарб щастить гордість добренько доброта добротн* розкіш симпатичн*
            легендарн* легенда люблю люблять любляч* ситний ситна ситне ситні ситно файний файна файне файні
            файно файного файненьк*""",
        "negative": """поган* жах жахи жахлив* жахіт* жахно огид* гидк* гидот* мерзенн* мерзот* мерзк*
            бридк* противн* паскуд* ганьба ганебн* неподобств* безлад* бардак кошмар* найгірш* гірш*
            розчаров* незадоволен* неприємн* незручн* невдал* неякісн* некомпетентн* непрофесійн*
            неадекватн* несмачн* неввічлив* нечемн* неприйнятн* неприпустим* безвідповідальн* непорядн*
            нечесн* несправн* безглузд* марн* непотрібн* нікчемн* жалюгідн* дратує дратують дратуєте
            роздратован* бісить бісять бісило вибісил* злить злять злюся злюсь злий злі злість злості
            образлив* образили ображен* ображає ображають сумно сумний сумна сумне сумні сумного смуток
            смутн* шкода жаль прикро нудн* нудьга набрид* задовбал* задовбав* заїбал* заїбав* заєбал*
            заєбав* дістали дістало ненавид* ненавис* обман* ошука* шахра* кинули розвод розводилово
            лохотрон* брех* брешуть фігня фігов* хрінь хрінов* херня херов* лайно лайнов* гівно гівнян*
            гімно гімнян* хуйня хуйов* хуєв* піздець пиздець капець триндець піпець жесть треш трешов*
            кринж* відстій* днище дно фу тьфу ех ехх катастроф* провал* фіаско облом* лажа косяк* накосячил*
            маячня нісенітниц* абсурд* маразм* цирк дурдом дикість убог* мізерн* хамськ* хамств* хамло хам
            хами хамить хамлять нахамил* зневаг* зневажлив* знуща* байдуж* пофіг* похуй* начхати плювати
            бруд* смердить смердюч* сморід тухл* протух* зіпсув* зіпсован* зламал* зламан* поламал* поломк*
            глюч* лагає гальмує гальмують помилк* нерву* стрес* ридаю мучаюсь мучимось замучил* змучен*
            мучить здирств* здирник* обдиралов* грабіж* задорого підробк* підроблен* бракован* нахаб*
            обурен* обурли* обурює обурюють свавіл* ідіот* дебіл* кретин* придур* дурн* тупий тупа тупі тупо
            тупість тупить тупорил* урод уроди уродів уродськ* покидьк* виродк* сволот* падлюк* козли козел
            мудак* мудил* вибачте_але даремно дарма безсовісн* безсоромн* сором соромно скандал* пекло
            пекельн* біда страждан* страждаю страждаємо ниття скиглить тривожн* підозріл* мутн* безпорадн*
            безнадійн* відчай розпач жалкую шкодую пошкодував* пошкодувала не_дуже не_працює не_працюють
            не_працював* не_подобається не_подобаються не_сподобал* не_рекомендую не_раджу нікому_не_раджу
            нікому_не_рекомендую не_задоволен* не_допомогли не_допомогло не_допомагає не_варт* не_вартує
            не_купуйте не_замовляйте не_беріть не_ведіться не_смачно не_смачн* не_зручно не_зручн* не_якісн*
            не_приємно не_приємн* не_виправдал* не_виправдовує не_в_захваті не_тішить не_радує не_влаштовує
            не_відповіда* не_норм не_нормально не_повернули не_вчасно не_пощастило так_собі так-сяк
            ні_про_що нижче_плінтуса нижче_середнього ніколи_більше більше_ніколи в_останній_раз востаннє
            обходьте_стороною тримайтеся_подалі гроші_на_вітер викинуті_гроші втрата_часу трата_часу
            через_дупу руки_з_дупи якого_біса якого_хріна якого_хуя якого_дідька ні_в_які_ворота
            ні_сорому_ні_совісті залишає_бажати_кращого залишають_бажати_кращого бажати_кращого
            дякую_за_ніщо знову_те_саме сил_немає немає_сил 0/10 1/10 0_з_10 1_з_10 розчарув* погірш*
            страхіття невдоволен* гнів гнівн* лють лютую скаржусь поскаржусь дурість бред хрень паршив*
            дешевк* барахл* мотлох непотріб не_вмикається підвиса* втомили втомило виводить_з_себе розлючен*
            в_шоці засмучен* засмут* прикрість крах фейл халтур* бракороб* недолуг* бездар* ледач* лінив*
            неуважн* непрофесіонал* хамовит* зверхн* пихат* зарозуміл* обдур* аферист* афера розводять
            кидалово здирають переплатил* переплатив воня* гнил* пліснява пліснян* несвіж* прострочен*
            засран* сраний срана сране срані довбан* довбойоб* йобан* їбан* блядськ* піздєц пздц ппц капут
            зашквар* ганьбище тьху не_рекомендуємо не_вражає не_вразил* не_смакує не_годиться не_ок
            не_найкращ* якого_чорта чорт_забирай ні_риба_ні_м'ясо скільки_можна досить_вже терпіння_лопнуло
            більше_не_буду грубо грубий груба грубе грубі грубого грубим грубих грубу грубість грубості
            грубіян* грубить грублять нагрубив нагрубил* глюк глюки глюків глюками криво криворук*
            криві_руки""",
    },
    "pl": {
        "positive": """dobra dobre dobremu dobrym dobrych dobrymi dobrze dobrzy bardzo_dobr* swietn*
            wspanial* rewelac* genialn* fantastyczn* cudown* doskonal* idealn* perfekcyjn* perfekt perfekto
            znakomit* wyborn* bezbledn* niesamowit* fenomenaln* super superowo superowy superowa superowe
            superancko superancki fajn* fajowo fajowy fajowe spoko spoks spox git gitara gites extra ekstra
            zajebis* zarabis* zajefajn* zajedwabis* sztos* mistrz mistrzu mistrzowie mistrzostwo mistrzowsk*
            mistrzunio kocham kochamy kocha uwielbia* lubie lubimy polubil* zakochal* zakochan* zachwyc*
            zachwyt* polecam polecamy polecan* brawo bravo gratul* gratki dziekuje dzieki dziekujemy dzieks
            dzienks dziena dziekowac podzieko* thx mily mila mile milo milego milej milym milych milutk*
            milusi* przemily przemila przemili przemile milosc kochan* uprzejmy uprzejma uprzejmi uprzejme
            uprzejmego uprzejmych uprzejmosc sympatyczn* przesympatyczn* przyjazn* zyczliw* profesjona*
            profeska kompetentn* rzetel* solidn* niezawodn* sprawnie blyskawiczn* punktualn* smaczn* pyszn*
            przepyszn* mniam* smakowal* smakowit* smakuje piekn* przepiekn* sliczn* uroczy urocza urocze
            uroczo ladn* przyjemn* wygodn* przytuln* komfortow* zadowolon* szczesliw* szczescie radosc
            radosci radosn* ciesz* uciesz* wdzieczn* bezproblemow* udany udana udane udanych udalo_sie
            sukces* korzystn* oplacaln* usmiech* imponuj* zaimponowal* pozytywn* najlepsz* ulubion* top
            topka topow* boski boska boskie bosko obledn* wymiata* rzadzi rzadza hura hurra jupi juhu wow
            haha* hehe* czad czadow* kozak kozack* petarda bomba kox wypas wypasion* cacy cudo cudenko
            szacun radocha frajd* zabawn* starann* estetyczn* schludn* przystojn* hojn* uczciw* cierpliw*
            troskliw* serdeczn* eleganck* lux luksusow* podoba* spodoba* pochwal* pomogl* naprawili
            naprawion* warto wart*_swojej_ceny godn*_polecenia niezle nieziemsk* magiczn* bajeczn* rewelka
            sympatia przychyln* fachow* dopracowan* zgrabn* aromatyczn* soczyst* ponadprzecietn* wdziek
            mega_dobr* kapitalnie serduszk* buziak* sciskam pogodn* wesol* radujem* raduje tak_trzymac
            najwyzszy_poziom na_najwyzszym_poziomie na_wysokim_poziomie na_poziomie z_czystym_sumieniem
            5_gwiazdek piec_gwiazdek 10/10 5/5 10_na_10 bez_zarzutu bez_problemu bez_problemow
            bez_zastrzezen nie_zawiodl* nie_zawiedl* nie_zaluje nie_pozalujesz nie_pozalujecie nie_najgorzej
            nie_jest_zle nie_zle calkiem_niezl* wszystko_ok wszystko_gra wszystko_w_porzadku wszystko_dziala
            jest_ok jest_moc juz_dziala dziala_bez_zarzutu problem_rozwiazany rozwiazali_problem
            sprawa_zalatwiona zwrocili_pieniadze oddali_pieniadze na_pewno_wroce jeszcze_wroce
            zamowie_ponownie zamowie_jeszcze bede_wracac bede_polecac z_calego_serca przeszlo_oczekiwania
            przeszly_oczekiwania przerosl*_oczekiwania spelnia_oczekiwania spelnil*_oczekiwania
            szybka_reakcja szybka_odpowiedz szybko_odpowiedzieli szybko_rozwiazali palce_lizac niebo_w_gebie
            cud_miod bardzo_mili jestescie_najlepsi wysmienit* przewspanial* przecudown* przefajn*
            najfajniejsz* najwspanialsz* najpiekniejsz* najcudowniejsz* pierwsza_klasa klasa_sama_w_sobie
            wysoka_jakosc najwyzszej_jakosci sprawna_obsluga szczesciar* wzruszon* wzruszajac* zauroczon*
            urzekl* urzekajac* oczarowan* czarujac* podziw* brawa oklaski uklony chyle_czola czapki_z_glow
            pycha pychota rozplywa_sie_w_ustach smakolyk* swiezutk* swiezusienk* wygoda komfort czysciutk*
            zadban* dopieszczon* przemyslan* intuicyjn* kulturka taktown* empatyczn* wyrozumial*
            zaangazowan* ogarniet* aniol* skarb perelka bangla dziala_jak_zloto jak_w_zegarku bez_zarzutow
            wartosciow* przydatn* oplaca_sie spelnienie_marzen marzenie entuzjazm entuzjast* zadowoleni*
            fajowsk* klawo klawy odjazdowo odjazdowy odjazdowa odjazdowe tip-top gitowo gicior pozytyw ulga
            wreszcie_dziala w_koncu_dziala dziekuwa trzymam_kciuki cudnie cudny cudna cudne prima
            pierwszorzedn* nieprzecietn* naprawde_dobr* calkiem_dobr* jest_dobry byl_dobry dobry_wybor
            nienagann* wyjatkowy wyjatkowa wyjatkowe wyjatkowych terminowo terminowy terminowa terminowe
            terminowosc pomocna pomocny pomocni pomocne pomocnego pomocnej pomocnych kulturalnie""",
        "negative": """zly zla zle zlego zlej zlym zlych zlymi zlo niedobr* slab* kiepsk* marn* beznadziej*
            tragiczn* tragedi* fataln* okropn* straszny straszna straszne strasznego strasznej koszmar*
            masakr* dramat* porazk* zenad* zenuj* zalosn* zal szkoda niestety smutn* smutek smuci zasmucil*
            przykro przykry przykra przykre przykrego przykrosc rozczarow* zawiodl* zawiedl* zawiedzion*
            zawodzi zawodza niezadowolon* denerw* zdenerw* wkurz* wkurw* iryt* wsciek* zlosc zlosci zlosliw*
            wstyd* hanba haniebn* skandal* kpina kpiny kpicie kpia jakis_zart dno syf syfu syfem syfiast*
            badziew* dziadostw* dziadowsk* dziadowo lipa kicha chala gown* chujow* chujni* chujoza do_dupy
            dupa do_bani do_kitu do_niczego do_chrzanu do_luftu pod_psem na_nic przejeban* przesran*
            przechlapan* spieprzyl* spieprzon* spierdolil* spierdolon* zjebal* zjeban* popierdolon* jebany
            jebana jebane jebanego pierdolnik burdel bajzel balagan chaos cyrk oszust* oszuk* naciag*
            zlodziej* zdzierstwo zdziercy chamsk* chamstw* cham chamy chamka chamami bezczeln* arogan*
            opryskliw* niegrzeczn* niekompetent* nieprofesjonaln* nieudoln* nieodpowiedzialn* nierzeteln*
            nieuczciw* nieudan* niesmaczn* niesmak niewygodn* nieprzyjemn* niesprawn* nieczynn* niedorobk*
            niedorobion* bezuzyteczn* bezsens* bez_sensu bezmysln* niepowazn* nieakceptowaln*
            niedopuszczaln* nie_do_przyjecia nie_do_zaakceptowania brzydk* obrzyd* ohyd* odrazajac* paskudn*
            wstretn* smierdz* smrod* zepsu* popsu* uszkodzon* wadliw* przeterminowan* zgnil* splesnial*
            plesn* bubel bubl* szajs szmelc chlam tandet* podrobk* frustr* zalamany zalamana zalamka
            dolujac* depres* nudn* nuda nudy nudzi fuj ble bleh eh ech ehh meh horror pieklo piekla
            katastrof* klapa niewypal wtopa fuszerk* partacz* spartol* niechlujn* brud* rzyg* sciem*
            klamstw* klamc* klamie* oklam* bzdur* bredni* absurd* paranoj* farsa parodi* idiot* debil*
            kretyn* matol* frajer* nieogar* olewa* olal* olewk* ignoruj* zignorowal* lekcewaz* zlekcewaz*
            oburz* nieszczesliw* nieszczesc* placz* padak* drozyzna przeplac* choler* psiakrew szlag okradli
            okradaj* bezradn* nieuprzejm* lamerstw* lamersk* amatorszczyzn* partactwo prowizork*
            kombinatorstw* nieprawd* falszyw* klamliw* obciach* wiocha wiochy nieszczesn* utrapieni* udrek*
            meczarni* meczace meczacy pecha pech zirytowan* zniesmaczon* bulwersuj* zbulwersowan*
            rozwscieczon* nie_polecam odradzam nie_warto nie_warte nie_wart* strata_czasu strata_pieniedzy
            wyrzucone_pieniadze pieniadze_w_bloto omijac_szerokim_lukiem omijajcie unikajcie nigdy_wiecej
            ostatni_raz wiecej_nie_zamowie nie_kupujcie nie_zamawiajcie nie_dziala nie_dzialaja nie_dzialal*
            nie_pomogl* nie_pomaga* nie_podoba* nie_spodoba* nie_lubie nie_smakowal* nie_smakuje
            nie_jestem_zadowolon* nie_zadowolon* nie_spelnia nie_spelnil* nie_spelnia_oczekiwan nie_zachwyca
            nie_zachwycil* nie_rewelacja nie_najlepsz* nie_ok nie_jest_dobrze nie_dobrze nie_za_dobrze
            niezbyt nie_bardzo tak_sobie takie_sobie nie_fajn* nie_profesjonaln* nie_uprzejm* za_drogo
            zbyt_drogo ja_pierdole kurwa_mac w_dupie mam_w_dupie mam_dosc mam_tego_dosc dosc_tego mam_dosyc
            to_jakis_zart dzieki_za_nic nie_do_wytrzymania nie_do_zniesienia brak_slow zero_kultury
            brak_kultury brak_szacunku zero_szacunku zero_profesjonalizmu brak_profesjonalizmu 0/10 1/10
            0_na_10 1_na_10 kiepscizna nedza nedzn* siara upokarzajac* ponizajac* obrazliw* obrazaj*
            zniewag* ignorancj* spychologi* nabi*_w_butelke zdzierca rozboj_w_bialy_dzien przekret* szwindel
            manipulacj* makabra makabryczn* paskudztw* swinstw* szambo stechl* zjelczal* przypalon*
            rozgotowan* niedogotowan* niejadaln* mdly mdla mdle mdlosci bez_smaku zero_smaku byle_jak
            na_odwal na_odczepnego po_lebkach niedbal* psuje_sie rozpada_sie muli zamula laguj* upierdliw*
            nuzac* rozpacz* fail cringe krindz* facepalm glupi glupia glupie glupich glupot* tepota bezmozg*
            wiesniactw* prostack* gburowat* niekulturaln* nie_szanuj* nie_polecamy odradzamy uciekajcie
            trzymajcie_sie_z_daleka strata_nerwow nie_wywiazal* nie_wywiazuj* nie_dotrzymal* nie_odpowiadaja
            nie_mily nie_mila nie_mili nie_mile nie_smaczn* nie_wygodn* nie_przyjemn* nie_zadowala
            nie_cieszy wiele_do_zyczenia ponizej_krytyki ponizej_oczekiwan wszelkiej_krytyki rece_opadaja
            opadaja_rece ile_mozna krew_mnie_zalewa do_kurwy_nedzy pierdolon* buu stres stresu stresem
            stresie stresuj* zestresowan* nienawidz* nienawisc* niemily niemila niemile niemilo niemili
            niemilego niemilej niemilym niemilych lipny lipna lipne lipnego lipnych""",
    },
    "en": {
        "positive": """good great awesome awesomeness amazing amazed amazingly amaze amazes excellent
            excellence fantastic brilliant brilliantly brill love loved loves loving lovely lovable luv
            adore adored adores adorable best bestest perfect perfectly perfection wonderful wonderfully
            outstanding superb incredible impressed impressive impresses recommend recommended helpful
            friendly nice nicer nicest delicious tasty yummy yum scrumptious mouthwatering flavorful
            flavourful legend legends legendary hero heroes champ champs rocks fire lit goat goated slay
            slayed slaps banger bussin dope rad epic solid top-notch top_notch first-class first_class
            world-class world_class wow yay yaay yey woo woohoo woho wohoo woot hooray hurray yippee yipee
            haha* hehe xoxo ily ilysm thx thanks thank ty tysm tyvm appreciate appreciated appreciative
            appreciation grateful gratitude thankful kudos props shoutout shout-out bravo congrats
            congratulations cheers blessed happy happier happiest glad pleased delighted delight delightful
            thrilled excited exciting ecstatic stoked chuffed satisfied enjoy enjoyed enjoying enjoyable
            enjoys fun beautiful beautifully gorgeous stunning cute sweet cool neat fab fabulous marvelous
            marvellous magnificent splendid terrific phenomenal spectacular exceptional exceptionally
            remarkable flawless flawlessly seamless seamlessly smooth smoothly effortless reliable
            dependable trustworthy professional courteous polite attentive responsive promptly efficient
            knowledgeable competent skilled talented genius clever kindness caring thoughtful generous
            supportive welcoming cozy cosy comfortable comfy convenient handy useful valuable worthwhile
            affordable bargain heavenly magical joy joyful happiness pleasure pleasant pleasantly
            delightfully classy elegant stylish wholesome heartwarming sweetheart iconic immaculate elite
            badass kickass kick-ass ace stellar superstar rockstar rockstars favorite favourite fave fav
            beaut admire admirable cherish painless hassle-free stress-free user-friendly intuitive timely
            awesomesauce gr8 awsome amazin kewl yass yas slayy fantabulous faultless peerless unbeatable
            unmatched excellently wonderfulness loveliness recommendable praiseworthy commendable laudable
            helpfulness friendliness enthusiastic satisfying satisfyingly refreshing uplifting inspiring
            inspirational encouraging reassuring relieved grin grinning smiling smile smiles overjoyed
            elated jubilant euphoric gleeful cheerful cheery upbeat positive_experience premium_quality
            spotless pristine tidy must_try must-try must_have must-have well_done keep_it_up
            above_and_beyond went_above_and_beyond exceeded_expectations exceeded_my_expectations
            beyond_expectations no_complaints no_issues no_problems not_bad not_too_bad can't_complain
            cant_complain never_disappoint* never_fails never_let_me_down nailed_it killing_it crushing_it
            on_point spot_on next_level game_changer game-changer lifesaver life_saver life-saver
            saved_my_day saved_me made_my_day saved_the_day chef's_kiss chefs_kiss five_stars 5_stars 5/5
            10/10 a_plus hits_different worth_it worth_every_penny value_for_money high_quality top_quality
            fast_shipping quick_response fast_response quick_reply fast_reply quick_turnaround on_time
            ahead_of_schedule fixed_it all_fixed all_sorted sorted_it issue_resolved problem_solved
            problem_resolved works_now working_now works_like_a_charm big_fan huge_fan hell_yeah hell_yes
            hells_yeah fuck_yeah fuck_yes damn_fine you_rock u_rock you_guys_rock the_bomb da_bomb big_win
            huge_win what_a_win cant_wait can't_wait greatest coolest finest nicely fantastically brilliance
            gem masterpiece blown_away mind-blowing mindblowing jaw-dropping breathtaking lovin delish
            divine sublime exquisite impeccable unreal top-tier top_tier pog poggers thnx thanx thankyou
            bless_you blessing lucky fortunate win-win rewarding accommodating gracious considerate
            respectful so_kind very_kind so_patient very_patient""",
        "negative": """bad badly worse worst terrible terribly awful awfully horrible horribly horrid
            horrendous dreadful atrocious abysmal appalling appalled pathetic ridiculous unacceptable
            useless worthless pointless hopeless disgusting disgusted disgust disgrace disgraceful shameful
            shame disappointed disappointing disappointment disappoints letdown let-down frustrated
            frustrating frustration frustrates annoyed annoying annoys annoyance irritated irritating
            infuriating infuriated furious livid angry anger pissed outraged outrageous upset unhappy sad
            saddened depressing depressed miserable hate hated hates hating hateful despise loathe detest
            sucks suck sucked sucky crap crappy shit shitty shite bullshit bs trash trashy garbage rubbish
            junk mid meh ugh ughh urgh argh ew eww yuck gross nasty vile foul rancid rotten stale mouldy
            moldy inedible undercooked overcooked burnt soggy greasy bland tasteless filthy dirty smelly
            stinks stinky stench broken faulty defective damaged buggy glitchy laggy unusable unreliable
            flaky rude rudest impolite disrespectful condescending arrogant dismissive unhelpful
            unprofessional incompetent clueless careless sloppy lazy negligent dishonest shady sketchy scam
            scams scammed scammers scammy fraud ripoff rip-off lied liars liar lying misleading deceptive
            cheated robbed robbery overpriced overcharged wasted nightmare disaster disastrous catastrophe
            fiasco shambles shambolic mess messy messed_up screwed fucked shitshow clusterfuck dumpster_fire
            train_wreck trainwreck cringe cringey cringy yikes smh smdh ffs wtf fml sigh lame weak flop
            flopped fail failed failure fails lousy poor poorly subpar sub-par mediocre inferior second-rate
            cheaply_made flimsy shoddy janky tacky ugly hideous nauseating sickening revolting repulsive
            offensive insulting toxic creepy painful agony torture hellish nightmarish regret regretted
            regrettable unfortunately sadly shocking horrified diabolical woeful pitiful laughable farcical
            farce confusing aggravating aggravated infuriates outrage enraged fuming seething irate boring
            bored tedious dull crock crooks crooked thieves idiots idiotic moronic stupid dumb dumbest
            braindead incompetence clowns clownery bozos amateurs amateurish amateur_hour half-assed
            half_assed halfassed lazy-ass fucking_joke a_joke absolute_joke total_joke such_a_joke
            what_a_joke not_good not_great not_happy not_impressed not_satisfied not_pleased not_worth
            not_worth_it not_recommend wouldn't_recommend would_not_recommend wouldnt_recommend
            do_not_recommend don't_recommend dont_recommend not_working doesn't_work doesnt_work
            does_not_work didn't_work didnt_work not_helpful wasn't_helpful wasnt_helpful no_help not_ok
            not_okay not_cool not_fun not_nice not_acceptable not_amused never_again not_again never_buying
            never_ordering stay_away avoid_at_all_costs don't_buy dont_buy do_not_buy don't_bother
            dont_bother won't_be_back wont_be_back won't_be_returning wont_be_returning never_coming_back
            never_going_back fed_up sick_of tired_of had_enough over_it can't_stand cant_stand
            thanks_for_nothing not_the_best could_be_better leaves_a_lot_to_be_desired
            left_a_lot_to_be_desired left_much_to_be_desired not_as_described not_as_advertised
            false_advertising bait_and_switch rip_off ripped_off waste money_down_the_drain
            customer_disservice no_one_cares nobody_cares don't_care dont_care couldn't_care_less
            not_even_sorry what_the_hell what_the_fuck wth are_you_kidding are_you_serious
            you_gotta_be_kidding give_me_a_break let_me_down let_us_down let_down so_done i'm_done im_done
            done_with 0/10 1/10 zero_stars 1_star one_star no_stars crummy naff dodgy wonky bollocks
            piss-poor wankers dreadfully appallingly pathetically disgustingly unacceptably miserably rudely
            abhorrent deplorable despicable shameless greedy greed unbearable intolerable exasperated
            exasperating heartbroken gutted devastated stressful stressed overrated underwhelming
            underwhelmed misery bleh eugh gah boo yuk icky""",
    },
}
