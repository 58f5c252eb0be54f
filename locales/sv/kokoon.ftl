# kokoon — svenska. Lättläst, varmt och kort.
# HTML: bara <b> och <i>. Argumenten ($group osv.) kommer skyddade från koden.

welcome =
    Hej! Jag är kokoon. Jag samlar anmälningar till kamratstödsgrupper där familjer får stöd av varandra.
    När tillräckligt många familjer från samma kommun har anmält sig samlar koordinatorn en grupp och bjuder in er.
welcome-short = Hej! Jag är kokoon. Här kan du anmäla dig till en kamratstödsgrupp.
choose-group = Vilken grupp är du intresserad av?
group-intro =
    <b>{ $group }</b>
    { $description }

ask-age = Hur gammalt är ditt barn? Välj åldern eller skriv födelsemånad och år, till exempel 3/2021.
ask-next-age = Hur gammalt är nästa barn?
ask-more-children = Tillagt: { $ages } år. Ska ytterligare ett barn delta?
btn-more-children = Lägg till ett barn
btn-children-done = Inga fler, fortsätt
age-outside = { $group } är för barn i åldern { $min }–{ $max } år. En { $age }-åring kan tyvärr inte delta.
age-no-other-group = Just nu finns det ingen grupp för den åldern. Du kan fråga om andra alternativ: { $contact }.
age-fits-other = { $group } passar en { $age }-åring – vill du anmäla barnet dit?
age-grows-out = { $group } är för barn i åldern { $min }–{ $max } år. En grupp kunde börja tidigast om ungefär { $months } månader, och då är ditt barn redan { $age } år.
age-type-birth-date = Om barnet fyller år senare under året, skriv födelsemånad och år, till exempel 9/2020, så kontrollerar jag igen.
hint-birth-future = Det datumet har inte kommit ännu. Skriv barnets födelsemånad och år, till exempel 3/2021, eller välj åldern.
hint-birth-too-old = Grupperna är för barn under 18 år. Kan du kontrollera födelseåret? Till exempel 3/2021.
aged-out = Ditt barn har vuxit: när { $group } kunde börja är barnet redan { $age } år, så vi räknar inte längre med barnet i den gruppen.
aged-out-kept = Din anmälan till { $group } gäller fortfarande för de andra barnen.
aged-out-ended = Din anmälan till { $group } har nu upphört. Tack för att du var med!
aged-out-fits = De här grupperna passar barnet nu:
btn-switch-group = Anmäl till { $group }
btn-add-grown = Lägg till familjen i { $group }
cancel-ask = Ska anmälan till { $group } avbrytas? Svaren du har gett försvinner.
btn-cancel-yes = Ja, avbryt
btn-go-on = Nej, fortsätt
restart-ask = Din anmälan till { $group } är inte klar. Vill du börja om? Svaren du har gett försvinner.
btn-restart = Börja om
ask-area = I vilken kommun kan ni delta?
ask-language = På vilket språk vill ni att gruppen hålls?
ask-times = Vilka tider passar er? Du kan välja flera. Tryck till sist på <b>Klar</b>.
btn-time-checked = ✓ { $time }
btn-times-done = Klar
ask-consent =
    <b>Innan frågorna</b>
    Härnäst frågar jag om { $kind ->
        [children] barnens åldrar, kommun, språk och tider som passar er.
        [join] bara tider som passar er: barnens åldrar, gruppen och kommunen finns redan i anmälan.
       *[other] kommun, språk och tider som passar er.
    } Jag sparar svaren bara om du godkänner det. Med dem ser man när det finns tillräckligt många för en grupp. Uppgifterna behandlas av { $organisation }, och bara gruppens koordinatorer ser dem. Du kan när som helst radera dina uppgifter med /forget. Hela dataskyddsbeskrivningen: /privacy
btn-consent-yes = Jag godkänner
btn-consent-no = Jag godkänner inte
no-consent = Okej, ingenting sparades. Du kan komma tillbaka när som helst med /start.
ask-share = Får koordinatorn och gruppens ledare se ditt namn och användarnamn på Telegram? Då kan de kontakta dig. Det är frivilligt.
btn-share-yes = Ja, det får hen
btn-share-no = Nej tack
ask-note = Vill du berätta något mer för koordinatorn? Till exempel: inte i samma grupp som en viss person. Skriv det här. Bara gruppens koordinator ser det. Det är frivilligt.
ask-note-edit = Skriv ett nytt meddelande eller ta bort det här.
btn-no-note = Hoppa över
btn-remove-note = Ta bort meddelandet
btn-change-note = Meddelande till koordinatorn
summary-note = Meddelande till koordinatorn: { $note }
hint-note-long = Meddelandet är lite för långt ({ $count } tecken). Skriv högst { $max } tecken.
list-note = Meddelande till koordinatorn: { $note }
list-note-from = Meddelande till koordinatorn ({ $who }): { $note }
note-by-holder = föräldern som gjorde anmälan
note-by-other = barnets andra förälder

summary-title = <b>{ $group }</b>
summary-children = { $count ->
        [one] Barnets ålder: { $ages } år
       *[other] Barnens åldrar: { $ages } år
    }
summary-area = Kommun: { $area }
summary-language = Gruppens språk: { $language }
summary-times = Tider som passar: { $times }
summary-share-yes = Ditt namn visas för koordinatorn och gruppens ledare.
summary-share-no = Ditt namn visas inte för koordinatorn eller gruppens ledare.
btn-confirm = Bekräfta
btn-change = Ändra
btn-cancel = Avbryt
ask-change = Vad vill du ändra?
btn-change-ages = Barnens åldrar
btn-change-area = Kommun
btn-change-language = Språk
btn-change-times = Tider
btn-change-share = Visa mitt namn
btn-back = Tillbaka
btn-keep-answer = Behåll som det är
kept-answer = Ditt tidigare svar: { $answer }. Skriv ett nytt eller behåll det.

saved = Tack! Din anmälan till { $group } är sparad.
updated = Tack! Din anmälan till { $group } är uppdaterad.
already-registered = Du har redan anmält dig till { $group }. Här är dina svar. Du kan bekräfta eller ändra dem.
standing-children = I { $place } har { $count } barn anmälts. Gruppen kan starta när de är { $threshold }. Du får ett meddelande när gruppen samlas.
standing-adults = I { $place } har { $count } { $count ->
        [one] deltagare
       *[other] deltagare
    } anmält sig. Gruppen kan starta när de är { $threshold }. Du får ett meddelande när gruppen samlas.
standing-reached = I { $place } har nu tillräckligt många anmält sig, så gruppen kan starta. Koordinatorn samlar gruppen och du får snart ett meddelande.
mine-hint = Du ser dina anmälningar med /mine.

mine-title = { $count ->
        [one] Du har en anmälan:
       *[other] Du har { $count } anmälningar:
    }
mine-none = Du har inga anmälningar.
mine-group-gone = Gruppen { $group } erbjuds inte längre.
mine-paused = Din anmälan är pausad eftersom inbjudan inte besvarades i tid. Är du fortfarande intresserad?
mine-invited = Du är inbjuden till gruppen! Den första träffen är { $when }, { $place }. Svara senast { $deadline }.
mine-accepted = Du är med i gruppen. Den första träffen är { $when }, { $place }.
mine-family-declined = Du svarade att ni inte kan komma den här gången. Platsen hålls åt er familj tills barnets andra förälder har svarat.
mine-declined = Du kunde inte komma till den första träffen den här gången ({ $when }). Du står kvar i kön till nästa grupp.
btn-of-group = { $group }: { $action }
btn-edit = Ändra svaren
btn-withdraw = Återkalla anmälan
withdraw-ask = Vill du återkalla din anmälan till { $group }?
btn-withdraw-yes = Ja, återkalla
btn-keep = Nej, behåll
withdrawn = Din anmälan till { $group } är återkallad.
retention-notice = Din anmälan till { $group } raderas om en vecka. Om du vill behålla den, berätta att du fortfarande är intresserad – med knappen nedan eller med kommandot /mine.
btn-still-interested = Jag är fortfarande intresserad
still-interested-thanks = Tack! Din anmälan till { $group } gäller fortfarande.
renewal-ask = Du anmälde dig till { $group } för en tid sedan. Är du fortfarande intresserad? Om du inte svarar inom { $days } dagar pausas din anmälan: den räknas inte med och du blir inte inbjuden förrän du fortsätter den.
mine-paused-unrenewed = Din anmälan är pausad eftersom vi inte fick svar på frågan om ditt intresse. Den räknas inte med och du blir inte inbjuden. Vill du fortsätta?
nothing-changed = Okej, ingenting ändrades.
cancelled = Okej, avbrutet. Svar som inte var klara sparades inte.
nothing-to-cancel = Det finns inget att avbryta.

forget-ask = Ska alla dina uppgifter raderas? Dina anmälningar och allt annat som sparats om dig raderas genast och kan inte längre läsas. { $backup_days ->
        [0] I krypterade säkerhetskopior finns de kvar tills nyare säkerhetskopior ersätter dem.
       *[other] I krypterade säkerhetskopior finns de kvar högst { $backup_days } dagar, tills nyare ersätter dem.
    } Meddelanden som koordinatorn redan har fått (till exempel en lista med ditt namn, om du gav lov) blir kvar i hens Telegram.
btn-forget-yes = Ja, radera allt
forgotten = Alla dina uppgifter är raderade och kan inte längre läsas. { $backup_days ->
        [0] Krypterade säkerhetskopior har dem kvar tills nyare ersätter dem.
       *[other] Krypterade säkerhetskopior har dem kvar högst { $backup_days } dagar till.
    } Meddelanden som koordinatorn redan har fått blir kvar i hens Telegram. Du kan komma tillbaka när som helst med /start.

choose-lang = Valitse kieli / Välj språk / Choose language
ui-lang-fi = Suomi
ui-lang-sv = Svenska
ui-lang-en = English
lang-changed = Nu talar jag svenska.
group-lang-fi = finska
group-lang-sv = svenska
group-lang-en = engelska
lang-in-fi = på finska
lang-in-sv = på svenska
lang-in-en = på engelska
help =
    <b>Så här använder du boten</b>
    /start – välj en grupp
    /events – kommande evenemang
    /mine – mina anmälningar
    /lang – byt språk
    /cancel – avbryt frågorna (svar som inte är klara sparas inte)
    /privacy – dataskydd
    /forget – radera alla dina uppgifter
    Frågor? Kontakta: { $contact }
privacy =
    <b>Dataskyddsbeskrivning</b>
    <b>Personuppgiftsansvarig</b>: { $organisation } ({ $controller_contact }).
privacy-area-controller = För anmälningar där kommunen är { $area } är { $name } personuppgiftsansvarig ({ $contact }).
privacy-body =
    <b>Varför</b>: för att en kamratstödsgrupp ska kunna samlas när tillräckligt många i samma kommun är intresserade, och för att du ska kunna anmäla dig till evenemang. Grunden för behandlingen är ditt samtycke (EU:s dataskyddsförordning, artikel 6.1 a). Du kan när som helst återkalla ditt samtycke.
    <b>Vad vi sparar</b>: anmälningar (barnens åldrar, kommun, gruppens språk, tider som passar, när du gav ditt samtycke och ditt meddelande till koordinatorn, om du skrev ett), anmälningar till evenemang, respons och kommentarer, inbjudningar till grupper, närvaro vid gruppens träffar (koordinatorn markerar vilka som kom), var du är i samtalet och språket jag talar med dig, samt hur du hörde om tjänsten (affischens eller länkens källa). Ditt namn och användarnamn bara om du tillåter att koordinatorn ser dem.
    <b>Vem ser</b>: gruppens koordinatorer ser anmälningarna till sin grupp, ditt namn bara med ditt tillstånd. När gruppen börjar ser dess ledare deltagarna: barnens åldrar och ditt namn bara med ditt tillstånd. Evenemangets arrangör ser de anmälda och responsen. Uppgifterna lämnas inte ut till andra.
    <b>Telegram</b>: meddelandena går via Telegram (Telegram Messenger Inc., utanför EU), som behandlar dem enligt sina egna villkor. Skriv inga känsliga saker i meddelandena.
    <b>Hur länge</b>: en anmälan raderas { $months } månader efter att du senast bekräftade den (medan du står i kö frågar vi var { $renew_months }:e månad om du fortfarande är intresserad; annars säger vi till en vecka innan), eller genast när du återkallar den. Anmälningar till evenemang, respons och inbjudningar raderas { $months } månader efter evenemanget, kommentarer efter { $comment_months } månader. Om du börjar en anmälan men inte ger ditt samtycke raderas språket och var du är i samtalet efter 24 timmar. Om du blockerar boten raderas alla dina uppgifter efter { $grace_days } dagar. Uppgifterna sparas krypterade. Raderade uppgifter finns kvar i krypterade säkerhetskopior { $backup_days ->
        [0] tills nyare ersätter dem
       *[other] högst { $backup_days } dagar
    }; meddelanden som redan skickats till en koordinator blir kvar i hens Telegram.
    <b>Dina rättigheter</b>: du får alla dina uppgifter som fil med /mydata, du kan rätta dem med /mine och radera allt med /forget. Om du vill begränsa behandlingen eller invända mot den, kontakta: { $contact }.
    Du har rätt att lämna in klagomål till tillsynsmyndigheten: Dataombudsmannens byrå, tietosuoja.fi.

hint-use-buttons = Välj ett alternativ med knapparna nedan.
hint-not-text = Jag förstår bara text och knappar.
hint-unknown-command = Jag känner inte till det kommandot. /help visar vad jag kan.
hint-stale-button = Den knappen är från ett gammalt meddelande. Använd knapparna i det senaste meddelandet.
hint-age = Skriv åldern med siffror, till exempel 5, eller födelsemånad och år, till exempel 3/2021.
hint-area = Jag hittade ingen kommun med det namnet. Välj en kommun med knapparna.
hint-pick-time = Välj minst en tid.
hint-group-gone = Den gruppen erbjuds inte längre.
group-chat-only = Hej! Jag talar bara i privata chattar. Skicka ett meddelande till mig: öppna min profil och tryck på Starta.
something-wrong = Något gick fel. Försök igen om en stund. Ingenting har gått förlorat.
slow-down = Ett ögonblick, meddelandena kommer snabbare än jag hinner läsa. Vänta lite och skicka ditt senaste meddelande igen.
cmd-start = Börja och välj en grupp
cmd-mine = Mina anmälningar
cmd-lang = Byt språk
cmd-cancel = Avbryt frågorna
cmd-privacy = Dataskydd
cmd-forget = Radera alla mina uppgifter
cmd-help = Hjälp och kontaktuppgifter

## Koordinatorer

help-coordinator =
    <b>För koordinatorer</b>
    /demand – anmälda per kommun och ett diagram
    /launch – starta en grupp och bjud in familjerna
    /export – anmälda som CSV-fil
    /qr – QR-kod till en affisch
    /newevent – nytt evenemang
    /broadcast – meddelande till deltagare eller köande
    /feedback – respons på evenemang
    /report – responsrapport: evenemang, serie eller period (diagram och CSV)
    /attendance – närvaro: vilka kom till gruppens träffar
    /add – lägg till en familj som inte har Telegram
demand-title = <b>{ $group }</b> · gruppen kan starta när det finns { $threshold } { $kind ->
        [children] barn
       *[other] deltagare
    }
demand-none = Inga väntande familjer ännu.
demand-pool = <b>{ $area }</b> { $bar } { $count }/{ $threshold } { $kind ->
        [children] barn
       *[other] deltagare
    } · { $families } { $families ->
        [one] familj
       *[other] familjer
    }{ $kind ->
        [children] {" "}· åldrar { $ages } år
       *[other] {""}
    }
    Tider som passar (familjer): { $times } · Språk (familjer): { $langs }
demand-columns = <i>Kommun { $kind ->
        [children] barn/{ $threshold } · familjer · åldrar (år)
       *[other] deltagare/{ $threshold } · familjer
    }</i>
demand-pool-line = <b>{ $area }</b> { $count }/{ $threshold } · { $families }{ $kind ->
        [children] {" "}· { $ages }
       *[other] {""}
    }
demand-group-details = Tider som passar (familjer): { $times } · Språk (familjer): { $langs }
demand-sources = Källa: { $sources }
demand-paused = Pausade: { $families } { $families ->
        [one] familj
       *[other] familjer
    } ({ $count } { $kind ->
        [children] { $count ->
            [one] barn
           *[other] barn
        }
       *[other] { $count ->
            [one] vuxen
           *[other] vuxna
        }
    }) – räknas inte med
source-direct = direktlänk
source-added = tillagda för hand
btn-list = 📋 Lista: { $area }
btn-launch = 🚀 Starta: { $area }
chart-threshold = tröskel { $threshold }
chart-children = barn
chart-adults = deltagare
chart-answers = svar
list-title = <b>{ $group }, { $area }</b>: väntande familjer i anmälningsordning
list-empty = Inga väntande familjer.
list-same-ages = ↳ samma åldrar på barnen som nr { $n }: samma barn från båda föräldrarna? Be i så fall den som anmälde senare att återkalla och den andra att dela sin anmälan (/mine).
list-item = { $n }. { $kind ->
        [children] { $count } barn ({ $ages } år)
       *[other] { $count } { $count ->
            [one] vuxen
           *[other] vuxna
        }
    } · { $language } · { $times } · { $since } · { $who }
a-family = familj (namnet delas inte)
export-caption = Anmälda som CSV-fil ({ $rows } { $rows ->
        [one] rad
       *[other] rader
    }). Öppnas i Excel.
export-launch-caption = { $group }, { $area }: de inbjudna familjerna som CSV-fil. Namn bara för dem som gett lov.
csv-group = Grupp
csv-area = Område
csv-language = Språk
csv-families = Familjer
csv-participants = Deltagare
csv-threshold = Tröskel
csv-ages = Åldrar (ålder:antal)
csv-times = Tider
csv-sources = Källor (källa:familjer)
csv-direct = Familjer som kom direkt
csv-added = Familjer som koordinatorn lagt till
csv-name = Namn
csv-username = Användarnamn
answer-pending = har inte svarat än
answer-accepted = kommer
answer-declined = kan inte
answer-expired = svarade inte i tid
answer-withdrawn = tackade ja, återtog senare
csv-answer = Svar
qr-choose = Vilken grupps QR-kod vill du ha?
qr-caption = { $group }: skanna och anmäl dig. { $link }
launch-choose = Vilken grupp startar du? Siffrorna: hur många som anmälts / hur många som behövs för att starta.
launch-nothing = Ingen har anmält sig till någon av dina grupper ännu.
btn-launch-pool = { $group } · { $area } · { $count }/{ $threshold }
launch-ask-when = <b>{ $group }, { $area }</b>: när är den första träffen? Skriv till exempel <i>15.3 kl. 17</i>.
launch-bad-when = Jag förstod inte tiden. Skriv till exempel <i>15.3 kl. 17</i> eller <i>2027-03-15 17:00</i>.
launch-past = Den tiden har redan varit. Ge en tid i framtiden.
launch-no-such-time = Den tiden finns inte (klockan ställs om då). Välj en annan tid.
launch-too-far = Det är över två år bort. Ge en närmare tid.
launch-ask-end = När slutar träffen? Skriv ett klockslag (till exempel <i>18.30</i>) eller en längd (till exempel <i>90 min</i> eller <i>1,5 h</i>).
launch-bad-end = Jag förstod inte. Skriv ett klockslag efter starten (till exempel <i>18.30</i>) eller en längd (till exempel <i>90 min</i>), högst 12 timmar.
launch-ask-place = Var är träffen? Skriv platsen, till exempel <i>Pikku-Veturi, Hyvinge</i>.
launch-bad-place = Skriv platsen kort (högst 200 tecken).
launch-summary =
    <b>Ska { $group }, { $area } startas?</b>
    Första träffen: { $when } – { $until }, { $place }
    Inbjudan går till { $families } { $families ->
        [one] familj
       *[other] familjer
    } ({ $count } { $kind ->
        [children] barn
       *[other] deltagare
    }) i anmälningsordning. Det finns högst { $capacity } platser. Svarstiden är { $hours } { $hours ->
        [one] timme
       *[other] timmar
    }. Om en familj inte svarar i tid går platsen till nästa.
btn-launch-confirm = Skicka inbjudningarna
launch-started = Inbjudningarna skickas. Du ser svaren här när de kommer, och till sist hela listan.
launch-started-at = Inbjudningarna skickas { $time }, när den tysta tiden tar slut. Du ser svaren här när de kommer, och hela listan till sist.
launch-cancelled = Starten avbröts. Ingenting skickades.
alert-title = <b>{ $group }, { $area }: tröskeln är nådd!</b> Gruppen kan startas.
alert-missed = Obs: larmet om { $group }, { $area } nådde inte koordinatorn { $name }. Vi försöker igen senare.
answered = { $group }, { $area }: { $who } { $answer ->
        [yes] kommer med
        [withdrew] har återtagit sitt deltagande och kommer inte längre till träffarna
       *[other] kan inte den här gången
    } ({ $count } { $kind ->
        [children] barn
       *[other] deltagare
    }). Bokade platser { $accepted }/{ $capacity }.
final-title =
    <b>{ $group }, { $area }: slutlig lista</b>
    Första träffen { $when }, { $place }. Bokade platser { $accepted }/{ $capacity }.
final-item = { $n }. { $who } – { $count } { $kind ->
        [children] barn
       *[other] deltagare
    }
final-none = Ingen bekräftade en plats.
btn-export-launch = Listan som CSV-fil

## Meddelanden till föräldrar (första raden är neutral så att förhandsvisningen inte avslöjar ämnet)

neutral-first = Ett meddelande om din anmälan
coordinator-first = kokoon: nytt för koordinatorn
event-first = Ett meddelande om ett evenemang du anmält dig till
invitation = <b>{ $group }</b> kan börja! Den första träffen är { $when }, { $place }. Det finns { $count ->
        [one] en plats
       *[other] { $count } platser
    } för er familj. Kan ni komma? Svara senast { $deadline }.
btn-invite-yes = Ja, vi kommer
btn-invite-no = Inte den här gången
invite-accepted = Underbart! Vi ses { $when }, { $place }.
invite-declined = Tack för att du meddelade. Du står kvar i kön till nästa grupp. Du kan återkalla anmälan med /mine.
invite-closed = Den här inbjudan kan inte längre besvaras.
invite-expired = Inbjudan till { $group } besvarades inte i tid, så den gick ut. Din anmälan är nu pausad och räknas inte med för en ny grupp. Är du fortfarande intresserad?
btn-resume = Ja, jag behåller min plats i kön
resumed = Du står i kö igen för { $group }.

## Evenemang

cmd-events = Kommande evenemang
plain = { $text }
events-none = Det finns inga kommande evenemang just nu. Titta in senare!
btn-numbered = { $n } · { $label }
events-title = { $count ->
        [one] Kommande evenemang:
       *[other] Kommande evenemang ({ $count }):
    }
event-card =
    <b>{ $title }</b>
    { $when } – { $until }, { $place }
event-seats = Lediga platser: { $count }
event-full = Evenemanget är fullt. I kö: { $waiting }.
event-no-limit = Det finns gott om plats.
event-you-attend = ✓ Du är anmäld.
event-you-wait = Du står i kö på plats { $position }. Vi meddelar dig om en plats blir ledig.
btn-event-join = Anmäl mig
btn-event-join-share = Anmäl mig och visa mitt namn
btn-event-hide-name = Dölj mitt namn
event-consent-notice = Genom att anmäla dig samtycker du till att anmälan sparas: arrangören ser antalet deltagare, ditt namn bara om du väljer det. Uppgifterna raderas { $months } mån. efter evenemanget eller när du avbokar. Mer: /privacy
event-name-hidden = Ditt namn visas inte längre för arrangören. Din anmälan gäller.
btn-event-queue = Ställ mig i kö
btn-event-leave = Avboka
btn-event-leave-queue = Lämna kön
btn-event-calendar = Till kalendern
event-joined = Din anmälan är sparad: { $title }. Vi påminner dig före evenemanget.
event-queued = { $title } är fullt, så du står i kö. Vi meddelar dig genast om en plats blir ledig.
event-left = Du är avbokad: { $title }.
event-over = Det här evenemanget är redan över eller inställt.
event-calendar-caption = { $title }: öppna filen för att lägga till det i din kalender.
event-organiser-info = Anmälda { $attending }, i kö { $waiting }.
event-coming = { $families } { $families ->
        [one] familj
       *[other] familjer
    } kommer, { $children } barn:
event-coming-family = • { $who } – { $children } barn
event-coming-adult = • { $who }
event-coming-more = … och { $count } till
event-link = { $kind ->
        [launch] Länk (öppnas bara för gruppens familjer och koordinatorer):
       *[other] Länk att dela:
    } { $link }
btn-event-edit = ✏️ Redigera
btn-event-cancel = ✖ Ställ in
btn-event-message = 📣 Meddelande till deltagarna
btn-event-feedback = ⭐ Respons
reminder-first = Påminnelse: evenemang { $when }
event-changed-first = Uppgifterna om evenemanget har ändrats:
event-cancelled-notice = Evenemanget är inställt: { $title } ({ $when }). Vi beklagar!
event-promoted = En plats blev ledig – nu är du med!

## Skapa och redigera evenemang

new-event-title = Nytt evenemang. Vad heter evenemanget?
new-event-bad-title = Skriv namnet kort (högst 120 tecken).
new-event-group = Hör evenemanget till en grupp?
btn-no-group = Ingen grupp
no-group = ingen grupp
new-event-start = När börjar evenemanget? Skriv till exempel <i>15.3 kl. 17</i>.
new-event-end = När slutar det? Skriv klockslaget, till exempel <i>19</i> eller <i>18.30</i>.
new-event-bad-end = Jag förstod inte sluttiden, eller så är den före början. Skriv till exempel <i>19</i>.
new-event-place = Var är evenemanget?
new-event-capacity = Hur många deltagare ryms med? Skriv ett tal.
btn-no-limit = Ingen gräns
no-limit = ingen gräns
new-event-bad-capacity = Skriv ett tal 1–10000, eller välj ”Ingen gräns”.
new-event-description = Skriv en kort beskrivning (eller hoppa över).
new-event-bad-description = Skriv beskrivningen kortare (högst 1000 tecken).
btn-skip = Hoppa över
new-event-summary =
    <b>{ $title }</b>
    Grupp: { $group }
    { $when } – { $until }, { $place }
    Platser: { $capacity }
    Språk: { $languages }
btn-create-event = Skapa evenemanget
btn-translate = Lägg till en översättning { $language }
new-event-translate-title = Evenemangets namn { $language }:
new-event-translate-description = Beskrivningen { $language } (eller hoppa över):
new-event-created = Evenemanget är skapat. Föräldrarna ser det med /events.
new-event-bad-value = Det kunde jag inte använda. Skriv det nya värdet igen.
edit-event-which = Vad ska ändras i { $title }?
btn-field-start = Starttid
btn-field-end = Sluttid
btn-field-place = Plats
btn-field-capacity = Antal platser
btn-field-title = Namn
btn-field-description = Beskrivning
event-updated = Sparat. { $count } { $count ->
        [one] anmäld
       *[other] anmälda
    } får veta om ändringen.
cancel-event-ask = Ska { $title } ställas in? { $count } { $count ->
        [one] anmäld
       *[other] anmälda
    } får veta.
btn-cancel-event-yes = Ja, ställ in
event-cancelled-done = { $title } är inställt. { $count } { $count ->
        [one] anmäld
       *[other] anmälda
    } får veta.
action-cancelled = Avbrutet. Ingenting sparades.

## Meddelanden

broadcast-choose = Vem ska meddelandet gå till?
btn-audience-event = Deltagare: { $title } ({ $count })
btn-audience-waiting = I kö: { $group } ({ $count })
btn-audience-invited = Inbjudna, inte svarat än: { $group }, { $area } ({ $count })
btn-audience-accepted = Kommer: { $group }, { $area } ({ $count })
broadcast-nobody = Det finns ingen mottagare för meddelandet just nu, så det skickas inte.
broadcast-ask-text = Skriv meddelandet. Det går till { $count } mottagare.
broadcast-bad-text = Skriv meddelandet (högst 3000 tecken).
broadcast-preview =
    Ska detta skickas till { $count } mottagare?

    { $text }
btn-broadcast-send = Skicka
broadcast-queued = Meddelandet går till { $count } mottagare. Du får en rapport när allt är skickat.
broadcast-first = Meddelande från koordinatorn
broadcast-report = Ditt meddelande har skickats till { $total } mottagare: { $sent } fram, { $unreachable } nås inte, { $failed } misslyckades.

## Respons

feedback-ask = Tack för att du deltog i { $title }! Hur var det? Några korta frågor – du svarar anonymt.
feedback-q-useful = Hade du nytta av träffen?
feedback-q-continue = Vill du att något liknande ordnas också i fortsättningen?
feedback-q-rating = Hur var helheten? Välj 1 (dåligt) – 5 (utmärkt).
feedback-q-comment = Vill du säga något mer? Skriv en kort kommentar eller hoppa över.
btn-feedback-yes = Ja
btn-feedback-partly = Delvis
btn-feedback-no = Nej
feedback-comment-ask = Skriv en kort kommentar eller hoppa över.
feedback-done = Tack för din respons!
feedback-comment = – { $text }

## Responsrapport

report-choose = Vad vill du ha en responsrapport om? Välj en serie, ett evenemang eller en period.
report-none = Inga tidigare evenemang ännu att göra en rapport om.
btn-report-period = 📅 Period
report-from = Från vilken månad?
report-to = Till vilken månad?
report-usage = Skriv /report så får du en meny. En period kan också skrivas så här: /report 2027-03 2027-05
report-title = <b>Respons: { $scope }</b>
report-event-line = { $event }: { $count } { $count ->
        [one] svar
       *[other] svar
    }
report-count = Svar sammanlagt { $count }.
report-too-few = Färre än { $min } svar: jag visar bara antalet, så att ingen kan kännas igen.
report-useful = Till nytta: ja { $yes } %, delvis { $partly } %, nej { $no } % ({ $count } svarade)
report-continue = Vill ha fortsättning: ja { $yes } %, nej { $no } % ({ $count } svarade)
report-rating = Betyg i medeltal { $mean } ({ $count } svarade) · 5 ★: { $d5 } · 4 ★: { $d4 } · 3 ★: { $d3 } · 2 ★: { $d2 } · 1 ★: { $d1 }
report-comments = <b>Kommentarer</b>
report-chart-caption = Respons: { $scope }
report-csv-caption = Samma som tabell (CSV).
report-q-useful = Till nytta
report-q-continue = Fortsättning
report-q-rating = Betyg
report-answer-yes = ja
report-answer-partly = delvis
report-answer-no = nej
csv-report-question = Fråga
csv-report-answer = Svar
csv-report-count = Antal
csv-report-share = Andel (%)
csv-report-event = Evenemang
csv-report-answers = Svar
csv-report-mean = Medeltal
csv-report-comment = Kommentar

## /mydata: everything stored about the person, as files

cmd-mydata = Mina uppgifter som fil
mydata-caption = Här är allt som har sparats om dig: en läsbar text och nedan samma i JSON-format. Du kan rätta uppgifterna med /mine och radera allt med /forget.
mydata-json-caption = Samma uppgifter i JSON-format.
mydata-title = Dina uppgifter i kokoon ({ $date })
mydata-language = Språket jag talar med dig: { $language }
mydata-state = Var du är i samtalet: { $state }
mydata-registrations = Anmälningar: { $count }
mydata-family-shared = Du har delat din anmälan till { $group } med barnets andra förälder. Hens svar är hens egna och visas inte här.
mydata-family-link = Du har gjort en länk med vilken barnets andra förälder kan gå med i din anmälan till { $group }.
mydata-family-other = Du är med i den andra förälderns anmälan till { $group } (du gick med { $joined }). Om dig har sparats:
mydata-name = Namn som visas för koordinatorn: { $name }
mydata-source = Hur du hörde om tjänsten: { $source }
mydata-saved = Sparad { $created }, senast ändrad { $updated }
mydata-consent = Samtycke till att spara givet { $at } (dataskyddsbeskrivningens version { $version })
mydata-consent-unrecorded = Samtycket gavs innan tidpunkten för samtycken sparades
mydata-share-consent = Tillstånd att visa ditt namn givet { $at } (version { $version })
mydata-share-withdrawn = Tillstånd att visa ditt namn återkallat { $at }
mydata-may-appear = Syns för koordinatorerna för { $group } ({ $coordinators }): listan över väntande (namn bara med ditt tillstånd), antalet anmälda och diagrammet över dem samt tabellen (antal per kommun, inga namn).
mydata-events = Anmälningar till evenemang: { $count }
mydata-event = { $title }, { $when }, { $place }: { $status ->
        [waiting] i kö
        [family] påminnelser (din familj är med)
       *[other] anmäld
    }
mydata-feedback = Respons om { $title }: { $answers }
mydata-invitation = Inbjudan till { $group } ({ $when }): { $answer ->
        [accepted] kommer
        [declined] inte den här gången
        [expired] svarstiden gick ut
       *[other] väntar på svar
    }
mydata-audit = Vem som har sett dina uppgifter (koordinatorernas och gruppledarnas visningar, filer och meddelanden loggas och loggen sparas { $months } mån.):
mydata-audit-none = Ingen koordinator eller gruppledare har sett en lista, hämtat en fil eller skickat ett meddelande som du fanns med i (loggen sparas { $months } mån.).
mydata-seen = { $at }: { $who } { $what ->
        [list] såg väntelistan som du stod på
        [launch] såg gruppens deltagarlista som du stod på
        [attendance] såg närvarolistan för en träff som du stod på
        [export] hämtade en tabell som du fanns med i
        [family] lade till eller ändrade en familj för hand
       *[broadcast] skickade ett meddelande som också gick till dig
    }
mydata-former-coordinator = en tidigare koordinator
mydata-as-facilitator = (gruppledare)
mydata-former-facilitator = en tidigare gruppledare

## Meeting series and attendance
launch-ask-series = <b>{ $group }</b> träffas { $count } gånger, { $days ->
        [7] en gång i veckan
        [14] varannan vecka
       *[other] med { $days } dagars mellanrum
    }. Träffarna:
launch-series-meeting = { $n }. { $when }
launch-series-skipped = – { $date }: ingen träff
launch-series-help = Du kan ändra: skriv antalet träffar (till exempel <i>6</i>), <i>-3</i> hoppar över tredje veckan, <i>4: 7.4 kl. 18</i> flyttar den fjärde träffen. Tryck på knappen när datumen stämmer.
launch-bad-series = Det passade inte i serien. Kontrollera numret och tiden: det kan vara 1–20 träffar och de får inte överlappa.
launch-summary-series = { $count } träffar, { $days ->
        [7] en gång i veckan
        [14] varannan vecka
       *[other] med { $days } dagars mellanrum
    }; den sista { $last }
btn-series-change = 📅 Ändra träffarna
btn-series-ok = ✅ Datumen stämmer
btn-series-weekly = En gång i veckan
btn-series-fortnightly = Varannan vecka
btn-series-move-rest = 🕒 Flytta denna och senare
btn-series-cancel-rest = Ställ in denna och senare
btn-series-cancel-rest-yes = Ja, ställ in dem
series-move-ask = Till vilken tid flyttas träffen { $when }? De senare träffarna flyttas lika mycket ({ $count } sammanlagt). Skriv till exempel <i>18.3 kl. 17</i>.
series-move-bad = Jag kunde inte flytta träffarna så. Skriv en kommande tid som inte krockar med en annan träff, till exempel <i>18.3 kl. 17</i>.
series-moved = { $count } { $count ->
        [one] träff flyttad
       *[other] träffar flyttade
    }. Familjerna får ett meddelande om ändringen.
series-cancel-ask = Ska träffen { $when } och alla efter den ställas in ({ $count } sammanlagt)? Familjerna får ett meddelande.
series-cancelled = { $count } { $count ->
        [one] träff inställd
       *[other] träffar inställda
    }. Familjerna får ett meddelande om ändringen.
series-changed-title = Träffarna i gruppen { $title } har ändrats:
series-changed-moved = • { $when }, { $place }
series-changed-cancelled = • { $when }: inställd
btn-meeting-move = 🕒 Flytta den här träffen
btn-meeting-cancel = ✖ Ställ in den här träffen
btn-attendance = ✅ Vilka kom
attendance-none = Grupperna har inte haft några träffar ännu.
attendance-choose = Vilken träffs närvaro vill du markera?
attendance-title = <b>{ $title }</b>, { $when }: närvarande { $came }/{ $count }. Markera vilka som kom – tryck igen om det blev fel.
attendance-empty = Ingen var anmäld till träffen.
attendance-family = familj
btn-attend-came = ✅ { $who }
btn-attend-not-yet = ⬜ { $who }
report-attendance = Närvaro per träff:
report-attendance-line = { $event }: { $came }/{ $count } familjer
csv-report-attendance = Närvaro
mydata-attendance = Du var med: { $title }, { $when }

## Both parents, one child (a registration shared with the child's other parent)
family-offer = Får barnets andra förälder också anmäla sig? Om du vill får du en länk som du själv kan skicka till hen. Hen ser barnens åldrar, gruppen och området, och mötets tid och plats när någon av er har tackat ja. Barnen räknas då bara en gång. Det är frivilligt.
btn-family-share = Ge mig en länk till den andra föräldern
family-link = Här är en länk till barnets andra förälder (gruppen { $group }). Den fungerar en gång och i { $days } dagar:
    { $link }
    Skicka den själv till hen. Hen ser barnens åldrar, gruppen och området, och mötets tid och plats när någon av er har tackat ja. Ditt namn och dina svar ser hen inte.
btn-family-revoke = Dra tillbaka länken
family-no-link = Länken kunde inte skapas just nu. Försök igen om en stund.
family-revoked = Länken är tillbakadragen. Den kan inte längre användas.
family-already-shared = Anmälan delas redan med barnets andra förälder.
family-link-unknown = Den här länken fungerar inte. Den kan ha dragits tillbaka eller kopierats fel. Be om en ny länk, eller anmäl dig själv med /start.
family-link-expired = Den här länken har gått ut. Be om en ny länk, eller anmäl dig själv med /start.
family-link-used = Den här länken har redan använts, och den fungerar bara en gång. Du kan anmäla dig själv med /start.
family-link-own = Det här är din egen länk. Skicka den till barnets andra förälder.
family-link-has-own = Du har redan anmält dig till den här gruppen själv. För att barnen ska räknas en gång, återkalla först din egen anmälan (/mine) och öppna sedan länken igen.
family-already-in = Du är redan med i anmälan till <b>{ $group }</b> som barnets andra förälder delade med dig (/mine). Om du vill anmäla dig själv, lämna den först.
family-invite = Barnets andra förälder har delat en anmälan till <b>{ $group }</b> med dig.
    Område: { $area }
    Barnens åldrar: { $ages }
    Om du går med räknas barnen bara en gång, och du blir inbjuden till mötet precis som hen. Du svarar själv på inbjudan.
family-ask-times = Du kan välja de tider som passar dig. Det är frivilligt: tryck på Klar när du är klar.
family-joined = Tack! Nu är du med i anmälan till { $group } ({ $area }, barnens åldrar { $ages }). Du ser den med /mine och kan gå ur när som helst.
family-unlinked = Anmälan till { $group } delas inte längre med dig. Inga uppgifter om den finns kvar hos dig. Du kan anmäla dig själv med /start.
family-unlink-done = Okej. Den andra föräldern är inte längre med i din anmälan. Hen fick ett kort meddelande om det.
btn-family-unlink = Sluta dela
family-left = Okej. Du är inte längre med i anmälan till { $group }. Dina svar är borttagna; anmälan finns kvar hos den andra föräldern.
btn-family-leave = Gå ur
family-mine-shared = Anmälan till { $group } delas med barnets andra förälder.
family-mine-link = Länken till den andra föräldern (gruppen { $group }) fungerar till { $until }.
family-mine-other = Du är med i den andra förälderns anmälan till <b>{ $group }</b>.
    Område: { $area }
    Barnens åldrar: { $ages }
family-mine-paused = Er familjs anmälan är pausad: den räknas inte nu, och ni bjuds inte in. Vill du fortsätta den?
family-accepted = Er familjs plats i <b>{ $group }</b> är bekräftad: barnets andra förälder tackade ja. Det första mötet är { $when }, { $place }.
family-expired = Ingen svarade i tid på er familjs inbjudan till { $group }, så den gick ut. Er familjs anmälan är nu pausad och räknas inte för en ny grupp. Båda föräldrarna kan fortsätta den: med knappen nedan eller med /mine.
family-note-saved = Okej, ditt meddelande till koordinatorn är sparat. Bara gruppens koordinator ser det.
family-note-removed = Okej, ditt meddelande till koordinatorn är borttaget.

## Gruppledare

facilitator-first = kokoon: nytt för gruppledaren
fac-list-title = <b>Gruppledare</b>
fac-list-item = • { $name }: { $groups }{ $how ->
        [config] {" "}(i inställningarna)
       *[chat] {""}
    }
fac-list-none = Dina grupper har inga gruppledare än. Bjud in en med en engångslänk.
btn-fac-remove = Ta bort { $name }
btn-fac-invite = Bjud in en gruppledare
fac-remove-ask = Ska { $name } tas bort som gruppledare för { $groups }? Hen får ett kort meddelande om det.
btn-fac-remove-yes = Ja, ta bort
fac-removed = { $name } leder inte längre dina grupper.
fac-invite-ask = Vilka grupper bjuder du in till? Välj en eller flera.
btn-fac-invite-make = Skapa inbjudningslänk
fac-invite-link =
    Här är en engångslänk ({ $groups }). Ge den bara till gruppledaren själv – den fungerar en gång och i { $days } dagar:
    { $link }
fac-join-ask-name = Välkommen! Du har bjudits in som gruppledare: { $groups }. Med vilket namn ser koordinatorerna dig? Skriv ditt namn.
fac-join-ask-consent =
    Tack, { $name }! kokoon sparar ditt namn, ditt Telegram-id och grupperna du leder ({ $groups }), så att koordinatorerna kan komma överens med dig om grupperna. Du ser bara dina egna gruppers uppgifter. Du kan radera dina uppgifter när som helst med /forget. Godkänner du det?
fac-join-bad-name = Skriv ditt namn (högst 64 tecken).
fac-join-no-consent = Okej, ingenting sparades. Länken fungerar ännu om du ändrar dig.
fac-link-not-valid = Den här inbjudningslänken fungerar inte (den har redan använts eller gått ut). Be koordinatorn om en ny.
fac-joined = Du är nu gruppledare: { $groups }. Tack! Med /group ser du gruppens deltagare, med /write kan du skriva till familjerna och med /support kan du be koordinatorn om stöd.
fac-group-choose = Vilken grupp vill du se?
fac-group-not-launched = { $group }: gruppen har inte börjat än. Vi berättar när den börjar.
fac-group-title =
    <b>{ $group }, { $area }</b>
    Första träffen { $when }, { $place }. { $accepted } { $kind ->
        [children] { $accepted ->
            [one] barn
           *[other] barn
        }
       *[other] { $accepted ->
            [one] deltagare
           *[other] deltagare
        }
    } kommer.
fac-group-item = { $n }. { $who }{ $kind ->
        [children] { " " }– { $count } { $count ->
            [one] barn
           *[other] barn
        }, { $ages } år
       *[other] {""}
    }
fac-support-choose = Till vilken grupps koordinator skriver du?
fac-support-ask = Skriv ditt meddelande till koordinatorn för { $group }. Det skickas vidare som det är.
fac-support-sent = Tack! Ditt meddelande har skickats till koordinatorn för { $group }.
fac-joined-news = { $name } är nu gruppledare: { $groups }.
fac-removed-news = Du är inte längre gruppledare för { $groups }. Varmt tack för ditt arbete!
fac-support-news =
    Gruppledaren { $name } (Telegram-id { $id }) ber om stöd med { $group }:

    { $text }
mydata-facilitator = Som gruppledare: namn { $name }, grupper { $groups }.
mine-share-again = Ditt namn syns nu bara för koordinatorn. Får också gruppledarna se det? Då vet de vem som kommer till gruppen.
btn-share-again = Ja, också gruppledarna
share-again-done = Tack! Nu ser också gruppledarna ditt namn. Du kan ta tillbaka lovet genom att ändra dina svar med /mine.

fac-proposal = Kan du leda <b>{ $group }, { $area }</b>? Första träffen skulle vara { $when }, { $place }.
btn-proposal-yes = Ja, jag kan leda
btn-proposal-no = Inte den här gången
fac-proposal-yes = Tack! Koordinatorn får veta det. Deltagarna ser du med /group.
fac-proposal-no = Tack för att du svarade. Koordinatorn får veta det.
fac-proposal-answered = { $name } { $yes ->
        [yes] kan leda
       *[no] kan inte leda
    } { $group }, { $area } ({ $when }).
launch-crew-none = Gruppledare: välj vem som tillfrågas. Var och en får ett förslag om tid och plats och svarar ja eller nej.
launch-crew-hold = Tillfrågas: { $names }. Inbjudningarna till familjerna skickas först när den första gruppledaren har svarat ja.
launch-crew-at-once = Tillfrågas: { $names }. Inbjudningarna till familjerna skickas genast.
btn-launch-ask = Fråga: { $name }
btn-launch-ask-all = Fråga alla gruppens ledare
btn-launch-at-once = Skicka inbjudningarna genast
btn-launch-hold = Vänta på en gruppledares ja
launch-started-hold = Förslaget skickas till gruppledarna. Inbjudningarna till familjerna skickas när den första svarar ja. Du ser svaren här.
launch-crew-asked = Förslaget skickas också till gruppledarna. Du ser deras svar här.

fac-write-none = Gruppen du leder har inte börjat ännu, så du kan inte skriva till familjerna än.
fac-write-choose = Till vilken grupps familjer skriver du?
btn-fac-write-to = { $group }, { $area } ({ $when }): { $count } { $count ->
        [one] familj
       *[other] familjer
    }
fac-write-ask = Skriv ett meddelande till familjerna i <b>{ $group }, { $area }</b> ({ $count }). Det skickas som det är; det som skrivs på natten skickas på morgonen.
group-message-first = Meddelande från gruppledaren
launch-still-held = Inbjudningarna till familjerna väntar fortfarande på en gruppledares ja.
btn-launch-release = Skicka inbjudningarna nu
launch-released = Okej! Inbjudningarna skickas till familjerna.
cmd-group = Deltagarna i din grupp
cmd-write = Meddelande till gruppens familjer
cmd-support = Be koordinatorn om stöd
cmd-attendance = Vilka som kom till träffarna
help-facilitator =
    <b>För gruppledare</b>
    /group – deltagarna i grupperna du leder
    /write – meddelande till gruppens familjer
    /support – be koordinatorn om stöd
    /attendance – vilka som kom till träffarna
final-facilitators = Gruppledare: { $names }
final-no-facilitator = Ingen av de tillfrågade gruppledarna har svarat ja.

## Familjer utan Telegram (/add)

add-list = Familjer som du har lagt till ({ $count }). Familjens inbjudningar och andra meddelanden kommer till dig, och du svarar för familjen.
add-list-item = { $label } · { $group }, { $area } · { $status }
add-status-waiting = i kö
add-status-invited = inbjuden, svar väntas
add-status-accepted = kommer
add-status-paused = pausad
add-status-aged-out = barnet har vuxit ur gruppen
add-aged-out-ended = Familjens anmälan till { $group } står inte längre i kö och räknas inte med. Berätta för familjen om grupperna som passar nu. När du inte längre behöver anmälan kan du återkalla den.
btn-add-edit = Ändra: { $label }
btn-add-withdraw = Återkalla: { $label }
btn-add-new = ➕ Lägg till en familj
add-ask-group = Du lägger till en familj som anmälde sig per telefon, på papper eller personligen. Till vilken grupp?
add-ask-area = I vilken kommun kan familjen delta?
add-ask-language = På vilket språk vill familjen att gruppen hålls?
add-ask-ages = Hur gammalt är barnet? ({ $min }–{ $max } år)
add-ask-more-ages = Barn: { $ages } år. Lägg till ett barn till eller fortsätt.
add-ask-times = Vilka tider passar familjen? Välj en eller flera.
add-kept = Ditt tidigare svar: { $answer }
add-ask-label = Skriv till sist en kort beteckning som du känner igen familjen på (till exempel efternamn och plats), högst { $max } tecken. Bara gruppens koordinatorer ser den. Familjen sparas när du skickar beteckningen.
add-ask-how = Hur gav familjen sitt samtycke till att uppgifterna sparas?
add-how-phone = Per telefon
add-how-paper = På papper
add-how-in-person = Personligen
add-ask-when = Vilken dag? Välj eller skriv dagen, till exempel 3.12.
btn-add-today = I dag
btn-add-yesterday = I går
add-hint-label = Skriv en beteckning, 1–40 tecken.
add-hint-day = Jag kände inte igen dagen. Skriv till exempel 3.12. – inte i framtiden och inte över ett år sedan.
add-hint-age = Barnet har inte den här gruppens ålder när gruppen kunde börja. Fyller barnet år senare på året, skriv födelsemånaden, till exempel 3/2021.
add-summary =
    <b>{ $group }</b>
    Kommun: { $area }
    Gruppens språk: { $language }
    Tider som passar: { $times }
    Samtycke: { $how }, { $on }
add-summary-note = Familjen räknas med som alla andra. Inbjudningar och andra meddelanden till familjen kommer till dig, och du svarar för familjen.
add-summary-label = Beteckning: <b>{ $label }</b>
add-ask-label-edit = Spara, eller skriv en ny beteckning så sparas ändringarna med den.
btn-add-save = Spara
add-saved = Tillagd: { $label } ({ $group }, { $area }). Familjen står nu i kö. Familjens meddelanden kommer till dig. Du ser familjerna du lagt till med /add.
add-updated = Sparat: { $label } ({ $group }, { $area }).
add-for-family = Familjen som du lade till: <b>{ $label }</b>
added-mark = (tillagd för hand)
