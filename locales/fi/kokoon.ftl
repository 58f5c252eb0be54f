# kokoon — suomi. Selkeää, lämmintä ja lyhyttä kieltä.
# HTML: vain <b> ja <i>. Argumentit ($group jne.) tulevat koodista valmiiksi suojattuina.

welcome =
    Hei! Olen kokoon. Kerään kiinnostusta vertaisryhmiin, joissa perheet saavat tukea toisiltaan.
    Kun samalta alueelta ilmoittautuu tarpeeksi perheitä, koordinaattori kokoaa ryhmän ja kutsuu teidät mukaan.
welcome-short = Hei! Olen kokoon. Tässä voit ilmoittaa kiinnostuksesi vertaisryhmään.
choose-group = Mistä ryhmästä olet kiinnostunut?
group-intro =
    <b>{ $group }</b>
    { $description }

ask-age = Minkä ikäinen lapsesi on? Valitse ikä tai kirjoita se numerona.
ask-next-age = Minkä ikäinen seuraava lapsi on?
ask-more-children = Lisätty: { $ages } v. Tuleeko ryhmään toinenkin lapsi?
btn-more-children = Lisää lapsi
btn-children-done = Ei muita, jatketaan
age-outside = { $group } on { $min }–{ $max }-vuotiaille lapsille, joten { $age }-vuotias ei valitettavasti voi osallistua tähän ryhmään.
age-other-groups = Nämä ryhmät sopivat tämän ikäiselle:
age-no-other-group = Juuri nyt ei ole ryhmää tämän ikäiselle. Voit kysyä muista vaihtoehdoista: { $contact }.
ask-area = Millä alueella voisitte osallistua?
ask-language = Millä kielellä ryhmän pitäisi toimia?
ask-times = Mitkä ajat sopivat teille? Voit valita useamman. Paina lopuksi <b>Valmis</b>.
btn-time-checked = ✓ { $time }
btn-times-done = Valmis
ask-consent =
    <b>Ennen kysymyksiä</b>
    Kysyn seuraavaksi { $kind ->
        [children] lasten iät, alueen
       *[other] alueen
    }, kielen ja sopivat ajat. Tallennan vastauksesi vain, jos hyväksyt sen: niistä { $organisation } näkee, milloin ryhmälle on tarpeeksi kiinnostusta, ja ne näkevät vain ryhmän koordinaattorit. Voit poistaa tietosi milloin tahansa komennolla /forget. Koko tietosuojaseloste: /privacy
btn-consent-yes = Hyväksyn tallennuksen
btn-consent-no = En hyväksy
no-consent = Selvä, mitään ei tallennettu. Voit palata milloin tahansa komennolla /start.
ask-share = Saako koordinaattori nähdä Telegram-nimesi ja käyttäjänimesi, jotta hän voi ottaa sinuun yhteyttä? Tämä on vapaaehtoista.
btn-share-yes = Kyllä, saa nähdä
btn-share-no = Ei, kiitos

summary-title = <b>{ $group }</b>
summary-children = { $count ->
        [one] Lapsen ikä: { $ages } v
       *[other] Lasten iät: { $ages } v
    }
summary-area = Alue: { $area }
summary-language = Ryhmän kieli: { $language }
summary-times = Sopivat ajat: { $times }
summary-share-yes = Nimesi näytetään koordinaattorille.
summary-share-no = Nimeäsi ei näytetä koordinaattorille.
btn-confirm = Vahvista
btn-change = Muuta
btn-cancel = Peru
ask-change = Mitä haluat muuttaa?
btn-change-ages = Lasten iät
btn-change-area = Alue
btn-change-language = Kieli
btn-change-times = Ajat
btn-change-share = Nimen näyttäminen
btn-back = Takaisin

saved = Kiitos! Ilmoittautumisesi ryhmään { $group } on tallennettu.
updated = Kiitos! Vastauksesi ryhmään { $group } on päivitetty.
already-registered = Olet jo ilmoittautunut ryhmään { $group }. Tässä vastauksesi – voit vahvistaa ne tai muuttaa niitä.
standing-children = Alueella { $area } on nyt { $count }/{ $threshold } lasta. Viestimme sinulle, kun ryhmä voi alkaa.
standing-adults = Alueella { $area } on nyt { $count }/{ $threshold } osallistujaa. Viestimme sinulle, kun ryhmä voi alkaa.
standing-reached = Alueella { $area } on nyt tarpeeksi kiinnostuneita ({ $count }/{ $threshold }). Koordinaattori kokoaa ryhmää ja viestimme sinulle pian.
mine-hint = Näet ilmoittautumisesi komennolla /mine.

mine-title = { $count ->
        [one] Sinulla on yksi ilmoittautuminen:
       *[other] Sinulla on { $count } ilmoittautumista:
    }
mine-none = Sinulla ei ole ilmoittautumisia.
mine-group-gone = Ryhmää { $group } ei enää tarjota.
mine-paused = Ilmoittautumisesi on tauolla, koska kutsuun ei vastattu ajoissa. Oletko yhä kiinnostunut?
mine-invited = Sinut on kutsuttu ryhmään! Ensimmäinen tapaaminen on { $when }, { $place }. Vastaa viimeistään { $deadline }.
mine-accepted = Olet mukana ryhmässä. Ensimmäinen tapaaminen on { $when }, { $place }.
mine-declined = Et päässyt tällä kertaa ensimmäiseen tapaamiseen ({ $when }). Pysyt jonossa seuraavaa ryhmää varten.
btn-of-group = { $group }: { $action }
btn-edit = Muuta vastauksia
btn-withdraw = Peru ilmoittautuminen
withdraw-ask = Perutaanko ilmoittautumisesi ryhmään { $group }?
btn-withdraw-yes = Kyllä, peru
btn-keep = Ei, pidetään
withdrawn = Ilmoittautumisesi ryhmään { $group } on peruttu.
retention-notice = Ilmoittautumisesi ryhmään { $group } poistetaan viikon kuluttua. Jos haluat pitää sen, vahvista se uudelleen komennolla /mine tai alla olevalla painikkeella.
btn-reconfirm = Vahvista uudelleen
nothing-changed = Selvä, mitään ei muutettu.
cancelled = Ilmoittautuminen keskeytettiin. Mitään ei tallennettu.
nothing-to-cancel = Ei ole mitään keskeytettävää.

forget-ask = Poistetaanko kaikki tietosi? Ilmoittautumisesi ja kaikki muu sinusta tallennettu poistetaan pysyvästi.
btn-forget-yes = Kyllä, poista kaikki
forgotten = Kaikki tietosi on poistettu. Voit palata milloin tahansa komennolla /start.

choose-lang = Valitse kieli / Välj språk / Choose language
ui-lang-fi = Suomi
ui-lang-sv = Svenska
ui-lang-en = English
lang-changed = Puhun nyt suomea.
group-lang-fi = suomi
group-lang-sv = ruotsi
group-lang-en = englanti

help =
    <b>Näin käytät kokoonia</b>
    /start – valitse ryhmä
    /events – tulevat tapahtumat
    /mine – omat ilmoittautumiset
    /lang – vaihda kieltä
    /cancel – keskeytä ilmoittautuminen
    /privacy – tietosuoja
    /forget – poista kaikki tietosi
    Kysyttävää? Ota yhteyttä: { $contact }
privacy =
    <b>Tietosuojaseloste</b>
    <b>Rekisterinpitäjä</b>: { $organisation } ({ $controller_contact }).
privacy-area-controller = Alueella { $area } rekisterinpitäjä on { $name } ({ $contact }).
privacy-body =
    <b>Miksi</b>: jotta vertaisryhmä voidaan koota, kun samalla alueella on tarpeeksi kiinnostuneita, ja jotta voit ilmoittautua tapahtumiin. Käsittelyn peruste on suostumuksesi (EU:n tietosuoja-asetuksen 6 artiklan 1 kohdan a alakohta). Voit perua suostumuksesi milloin tahansa.
    <b>Mitä tallennamme</b>: ilmoittautumiset (lasten iät, alue, ryhmän kieli, sopivat ajat ja milloin annoit suostumuksen), tapahtumiin ilmoittautumiset, palaute ja kommentit, kutsut ryhmiin, keskustelun vaihe ja kieli, jolla puhun sinulle, sekä mistä kuulit palvelusta (julisteen tai linkin lähde). Nimesi ja käyttäjänimesi vain, jos annat luvan näyttää ne koordinaattorille.
    <b>Kuka näkee</b>: ryhmän koordinaattorit näkevät ryhmänsä ilmoittautumiset, nimesi vain luvallasi. Tapahtuman järjestäjä näkee ilmoittautuneet ja palautteen. Muille tietoja ei luovuteta.
    <b>Telegram</b>: viestit kulkevat Telegramin kautta (Telegram Messenger Inc., EU:n ulkopuolella), joka käsittelee niitä omien ehtojensa mukaan. Älä kirjoita viesteihin arkaluonteisia asioita.
    <b>Kuinka kauan</b>: ilmoittautuminen poistetaan { $months } kuukauden kuluttua siitä, kun viimeksi vahvistit sen (kerromme viikkoa ennen), tai heti, kun perut sen. Tapahtumien ilmoittautumiset, palaute ja kutsut poistetaan { $months } kuukauden kuluttua tapahtumasta, kommentit { $comment_months } kuukauden kuluttua. Jos aloitat ilmoittautumisen etkä anna suostumusta, kieli ja keskustelun vaihe poistetaan 24 tunnin kuluttua. Jos estät botin, kaikki tietosi poistetaan { $grace_days } päivän kuluttua. Tiedot säilytetään salattuina.
    <b>Oikeutesi</b>: saat kaikki tietosi tiedostona komennolla /mydata, voit oikaista niitä komennolla /mine ja poistaa kaiken komennolla /forget. Jos haluat rajoittaa käsittelyä tai vastustaa sitä, ota yhteyttä: { $contact }.
    Sinulla on oikeus tehdä valitus valvontaviranomaiselle: Tietosuojavaltuutetun toimisto, tietosuoja.fi.

hint-use-buttons = Valitse vaihtoehto alla olevista painikkeista.
hint-not-text = Ymmärrän vain tekstiä ja painikkeita.
hint-unknown-command = En tunne tuota komentoa. /help kertoo, mitä osaan.
hint-stale-button = Tuo painike on vanhasta viestistä.
hint-age = Kirjoita ikä numerona, esimerkiksi 5.
hint-area = En löytänyt sen nimistä aluetta. Valitse alue painikkeista.
hint-pick-time = Valitse ainakin yksi aika.
hint-group-gone = Tuota ryhmää ei enää tarjota.
group-chat-only = Hei! Keskustelen vain yksityisesti. Lähetä minulle viesti: avaa profiilini ja paina Aloita.
something-wrong = Jokin meni vikaan. Yritä hetken päästä uudelleen – mitään ei kadonnut.
slow-down = Hetki, viestejä tulee nyt nopeammin kuin ehdin lukea. Odota vähän ja lähetä viimeisin viestisi uudelleen.

cmd-start = Aloita ja valitse ryhmä
cmd-mine = Omat ilmoittautumiset
cmd-lang = Vaihda kieltä
cmd-cancel = Keskeytä ilmoittautuminen
cmd-privacy = Tietosuoja
cmd-forget = Poista kaikki tietoni
cmd-help = Ohje ja yhteystiedot

## Koordinaattorit

help-coordinator =
    <b>Koordinaattorille</b>
    /demand – kysyntä alueittain ja kaavio
    /launch – käynnistä ryhmä ja kutsu perheet
    /export – kysyntä CSV-tiedostona
    /qr – QR-koodi julisteeseen
    /newevent – uusi tapahtuma
    /broadcast – viesti osallistujille tai jonossa oleville
    /feedback – tapahtumien palaute
demand-title = <b>{ $group }</b> · kynnys { $threshold } { $kind ->
        [children] lasta
       *[other] osallistujaa
    }
demand-none = Ei vielä odottavia perheitä.
demand-pool = <b>{ $area }</b> { $bar } { $count }/{ $threshold } · { $families } { $families ->
        [one] perhe
       *[other] perhettä
    }{ $kind ->
        [children] {" "}· iät { $ages }
       *[other] {""}
    }
    Ajat: { $times } · Kieli: { $langs }
demand-pool-line = <b>{ $area }</b> { $bar } { $count }/{ $threshold } · { $families } { $families ->
        [one] perhe
       *[other] perhettä
    }{ $kind ->
        [children] {" "}· iät { $ages }
       *[other] {""}
    }
demand-group-details = Ajat: { $times } · Kieli: { $langs }
demand-sources = Mistä tulivat: { $sources }
source-direct = suoraan
btn-list = 📋 { $area }
btn-launch = 🚀 { $area }
chart-caption = { $group }: kysyntä alueittain
chart-threshold = kynnys { $threshold }
chart-children = lapsia
chart-adults = osallistujia
list-title = <b>{ $group }, { $area }</b>: odottavat perheet ilmoittautumisjärjestyksessä
list-empty = Ei odottavia perheitä.
list-item = { $n }. { $kind ->
        [children] { $count } { $count ->
            [one] lapsi
           *[other] lasta
        } ({ $ages } v)
       *[other] { $count } aikuinen
    } · { $language } · { $times } · { $since } · { $who }
a-family = perhe (nimeä ei jaettu)
export-caption = Kysyntä CSV-tiedostona ({ $rows } riviä). Avautuu Excelissä.
export-launch-caption = { $group }, { $area }: kutsutut perheet CSV-tiedostona. Nimet vain niiltä, jotka antoivat luvan.
csv-group = Ryhmä
csv-area = Alue
csv-language = Kieli
csv-families = Perheitä
csv-participants = Osallistujia
csv-threshold = Kynnys
csv-ages = Iät (ikä:lukumäärä)
csv-times = Ajat
csv-sources = Lähteet (lähde:perheitä)
csv-direct = Suoraan tulleita perheitä
csv-name = Nimi
csv-username = Käyttäjänimi
answer-pending = ei vielä vastannut
answer-accepted = tulee
answer-declined = ei pääse
answer-expired = ei vastannut ajoissa
csv-answer = Vastaus
qr-choose = Minkä ryhmän QR-koodin haluat?
qr-caption = { $group }: skannaa ja ilmoittaudu. { $link }
launch-choose = Minkä ryhmän käynnistät? Luvut ovat odottavia osallistujia / kynnys.
launch-nothing = Yhdessäkään ryhmässäsi ei ole vielä odottavia perheitä.
btn-launch-pool = { $group } · { $area } · { $count }/{ $threshold }
launch-ask-when = <b>{ $group }, { $area }</b>: milloin on ensimmäinen tapaaminen? Kirjoita esimerkiksi <i>15.3. klo 17</i>.
launch-bad-when = En ymmärtänyt aikaa. Kirjoita esimerkiksi <i>15.3. klo 17</i> tai <i>2027-03-15 17:00</i>.
launch-past = Tuo aika on jo mennyt. Anna tuleva aika.
launch-no-such-time = Tuota kellonaikaa ei ole (kellot siirtyvät silloin). Valitse toinen aika.
launch-too-far = Tuo on yli kahden vuoden päässä. Anna lähempi aika.
launch-ask-end = Milloin tapaaminen päättyy? Kirjoita kellonaika (esimerkiksi <i>18.30</i>) tai kesto (esimerkiksi <i>90 min</i> tai <i>1,5 h</i>).
launch-bad-end = En ymmärtänyt. Kirjoita alkamisen jälkeinen kellonaika (esimerkiksi <i>18.30</i>) tai kesto (esimerkiksi <i>90 min</i>), enintään 12 tuntia.
launch-ask-place = Missä tapaaminen on? Kirjoita paikka, esimerkiksi <i>Pikku-Veturi, Hyvinkää</i>.
launch-bad-place = Kirjoita paikka lyhyesti (enintään 200 merkkiä).
launch-summary =
    <b>Käynnistetäänkö { $group }, { $area }?</b>
    Ensimmäinen tapaaminen: { $when } – { $until }, { $place }
    Kutsu lähtee { $families } perheelle ({ $count } { $kind ->
        [children] lasta
       *[other] osallistujaa
    }) ilmoittautumisjärjestyksessä, enintään { $capacity } paikkaa. Vastausaikaa on { $hours } tuntia; vastaamatta jääneen paikka siirtyy seuraavalle.
btn-launch-confirm = Lähetä kutsut
launch-started = Kutsut lähtevät. Näet vastaukset täällä sitä mukaa kuin niitä tulee, ja lopuksi koko listan.
launch-started-at = Kutsut lähtevät { $time }, kun hiljainen aika päättyy. Näet vastaukset täällä sitä mukaa kuin niitä tulee, ja lopuksi koko listan.
launch-cancelled = Käynnistys peruttiin. Mitään ei lähetetty.
alert-title = <b>{ $group }, { $area }: kynnys täyttyi!</b> Ryhmän voi käynnistää.
alert-missed = Huom: hälytystä ryhmästä { $group }, { $area } ei saatu perille koordinaattorille { $name }. Yritämme myöhemmin uudelleen.
answered = { $group }, { $area }: { $who } { $answer ->
        [yes] tulee mukaan
       *[other] ei pääse tällä kertaa
    } ({ $count } { $kind ->
        [children] lasta
       *[other] osallistujaa
    }). Paikkoja varattu { $accepted }/{ $capacity }.
final-title =
    <b>{ $group }, { $area }: lopullinen lista</b>
    Ensimmäinen tapaaminen { $when }, { $place }. Paikkoja täytetty { $accepted }/{ $capacity }.
final-item = { $n }. { $who } – { $count } { $kind ->
        [children] lasta
       *[other] osallistujaa
    }
final-none = Kukaan ei vahvistanut paikkaa.
btn-export-launch = Lista CSV-tiedostona

## Viestit vanhemmille (ensimmäinen rivi on neutraali, jotta lukitusnäytön esikatselu ei kerro aiheesta)

neutral-first = Viesti ilmoittautumisestasi
coordinator-first = kokoon: uutta koordinaattorille
event-first = Viesti tapahtumasta, johon ilmoittauduit
invitation = <b>{ $group }</b> voi alkaa! Ensimmäinen tapaaminen on { $when }, { $place }. Perheellenne on varattu { $count ->
        [one] paikka
       *[other] { $count } paikkaa
    }. Pääsettekö mukaan? Vastaathan viimeistään { $deadline }.
btn-invite-yes = Kyllä, tulemme
btn-invite-no = Ei tällä kertaa
invite-accepted = Ihanaa! Nähdään { $when }, { $place }.
invite-declined = Kiitos, kun kerroit. Pysyt jonossa seuraavaa ryhmää varten – voit perua ilmoittautumisen komennolla /mine.
invite-closed = Tähän kutsuun ei voi enää vastata.
invite-expired = Vastausaika kutsuun ryhmään { $group } päättyi, joten kutsu vanheni. Ilmoittautumisesi on nyt tauolla: sitä ei lasketa mukaan uuteen ryhmään. Oletko yhä kiinnostunut?
btn-resume = Kyllä, pidän paikkani jonossa
resumed = Olet taas jonossa ryhmään { $group }.

## Tapahtumat

cmd-events = Tulevat tapahtumat
plain = { $text }
events-none = Tulevia tapahtumia ei juuri nyt ole. Katso myöhemmin uudelleen!
btn-numbered = { $n } · { $label }
events-title = { $count ->
        [one] Tuleva tapahtuma:
       *[other] Tulevat tapahtumat ({ $count }):
    }
event-card =
    <b>{ $title }</b>
    { $when } – { $until }, { $place }
event-seats = Paikkoja vapaana: { $count }
event-full = Tapahtuma on täynnä. Jonossa: { $waiting }.
event-no-limit = Mahtuu hyvin mukaan.
event-you-attend = ✓ Olet ilmoittautunut.
event-you-wait = Olet jonossa sijalla { $position }. Kerromme, jos paikka vapautuu.
btn-event-join = Ilmoittaudu
btn-event-queue = Jonoon
btn-event-leave = Peru osallistuminen
btn-event-leave-queue = Poistu jonosta
btn-event-calendar = Kalenteriin
event-joined = Ilmoittautuminen tallennettu: { $title }. Muistutamme ennen tapahtumaa.
event-queued = Tapahtuma { $title } on täynnä, joten olet jonossa. Kerromme heti, jos paikka vapautuu.
event-left = Osallistumisesi peruttiin: { $title }.
event-over = Tämä tapahtuma on jo ohi tai peruttu.
event-calendar-caption = { $title }: lisää kalenteriisi avaamalla tiedosto.
event-organiser-info = Ilmoittautuneita { $attending }, jonossa { $waiting }.
event-coming = Tulossa { $families } { $families ->
        [one] perhe
       *[other] perhettä
    }, { $children } { $children ->
        [one] lapsi
       *[other] lasta
    }:
event-coming-family = • { $who } – { $children } { $children ->
        [one] lapsi
       *[other] lasta
    }
event-coming-adult = • { $who }
event-coming-more = … ja { $count } muuta
event-link = { $kind ->
        [launch] Linkki (avautuu vain ryhmän perheille ja koordinaattoreille):
       *[other] Linkki jaettavaksi:
    } { $link }
btn-event-edit = ✏️ Muokkaa
btn-event-cancel = ✖ Peru tapahtuma
btn-event-message = 📣 Viesti osallistujille
btn-event-feedback = ⭐ Palaute
reminder-first = Muistutus: tapahtuma { $when }
event-changed-first = Tapahtuman tiedot muuttuivat:
event-cancelled-notice = Tapahtuma on peruttu: { $title } ({ $when }). Pahoittelemme!
event-promoted = Paikka vapautui – olet nyt mukana!

## Tapahtuman luominen ja muokkaus

new-event-title = Uusi tapahtuma. Mikä on tapahtuman nimi?
new-event-bad-title = Kirjoita nimi lyhyesti (enintään 120 merkkiä).
new-event-group = Liittyykö tapahtuma johonkin ryhmään?
btn-no-group = Ei ryhmää
no-group = ei ryhmää
new-event-start = Milloin tapahtuma alkaa? Kirjoita esimerkiksi <i>15.3. klo 17</i>.
new-event-end = Milloin se päättyy? Kirjoita kellonaika, esimerkiksi <i>19</i> tai <i>18.30</i>.
new-event-bad-end = En ymmärtänyt loppuaikaa, tai se on ennen alkua. Kirjoita esimerkiksi <i>19</i>.
new-event-place = Missä tapahtuma on?
new-event-capacity = Montako osallistujaa mahtuu mukaan? Kirjoita luku.
btn-no-limit = Ei rajaa
no-limit = ei rajaa
new-event-bad-capacity = Kirjoita luku 1–10000, tai valitse ”Ei rajaa”.
new-event-description = Kirjoita lyhyt kuvaus (tai ohita).
new-event-bad-description = Kirjoita kuvaus lyhyemmin (enintään 1000 merkkiä).
btn-skip = Ohita
new-event-summary =
    <b>{ $title }</b>
    Ryhmä: { $group }
    { $when } – { $until }, { $place }
    Paikkoja: { $capacity }
    Kielet: { $languages }
btn-create-event = Luo tapahtuma
btn-translate = Lisää käännös: { $language }
new-event-translate-title = Tapahtuman nimi kielellä { $language }:
new-event-translate-description = Kuvaus kielellä { $language } (tai ohita):
new-event-created = Tapahtuma luotiin. Vanhemmat näkevät sen komennolla /events.
new-event-bad-value = En voinut käyttää tuota. Kirjoita uusi arvo uudelleen.
edit-event-which = Mitä muutetaan tapahtumassa { $title }?
btn-field-start = Alkuaika
btn-field-end = Loppuaika
btn-field-place = Paikka
btn-field-capacity = Paikkamäärä
btn-field-title = Nimi
btn-field-description = Kuvaus
event-updated = Tallennettu. { $count } ilmoittautunutta saa tiedon muutoksesta.
cancel-event-ask = Perutaanko { $title }? { $count } ilmoittautunutta saa tiedon.
btn-cancel-event-yes = Kyllä, peru tapahtuma
event-cancelled-done = { $title } peruttiin. { $count } ilmoittautunutta saa tiedon.
action-cancelled = Keskeytetty. Mitään ei tallennettu.

## Tiedotteet

broadcast-choose = Kenelle viesti lähetetään?
btn-audience-event = Osallistujat: { $title } ({ $count })
btn-audience-waiting = Jonossa: { $group } ({ $count })
btn-audience-invited = Kutsutut, ei vielä vastattu: { $group }, { $area } ({ $count })
btn-audience-accepted = Tulossa: { $group }, { $area } ({ $count })
broadcast-nobody = Viestille ei ole nyt ketään vastaanottajaa, joten sitä ei lähetetä.
broadcast-ask-text = Kirjoita viesti. Se lähtee { $count } vastaanottajalle.
broadcast-bad-text = Kirjoita viesti (enintään 3000 merkkiä).
broadcast-preview =
    Lähetetäänkö tämä { $count } vastaanottajalle?

    { $text }
btn-broadcast-send = Lähetä
broadcast-queued = Viesti lähtee { $count } vastaanottajalle. Saat raportin, kun kaikki on lähetetty.
broadcast-first = Viesti koordinaattorilta
broadcast-report = Viestisi on lähetetty { $total } vastaanottajalle: { $sent } perillä, { $unreachable } ei tavoitettavissa, { $failed } epäonnistui.

## Palaute

feedback-ask = Kiitos, että olit mukana: { $title }! Miten se meni? Valitse 1 (huono) – 5 (erinomainen).
feedback-thanks = Kiitos arviosta! Haluatko kertoa vielä jotain? Kirjoita lyhyt kommentti tai ohita.
feedback-comment-ask = Kirjoita lyhyt kommentti tai ohita.
feedback-done = Kiitos palautteesta!
feedback-choose = Minkä tapahtuman palautteen haluat nähdä?
feedback-no-events = Sinulla ei ole vielä menneitä tapahtumia.
feedback-report =
    <b>{ $title }: palaute</b>
    Vastauksia { $count }{ $count ->
        [0] {""}
       *[other] , keskiarvo { $mean }
    }
    5 ★: { $d5 } · 4 ★: { $d4 } · 3 ★: { $d3 } · 2 ★: { $d2 } · 1 ★: { $d1 }
feedback-comment = – { $text }

## /mydata: everything stored about the person, as files

cmd-mydata = Omat tietoni tiedostona
mydata-caption = Tässä kaikki, mitä sinusta on tallennettu: luettava teksti ja alla sama JSON-muodossa. Voit korjata tietoja komennolla /mine ja poistaa kaiken komennolla /forget.
mydata-json-caption = Samat tiedot JSON-muodossa.
mydata-title = Omat tietosi kokoonissa ({ $date })
mydata-language = Kieli, jolla puhun sinulle: { $language }
mydata-state = Keskustelun vaihe: { $state }
mydata-registrations = Ilmoittautumiset: { $count }
mydata-name = Nimi, joka näytetään koordinaattorille: { $name }
mydata-source = Mistä kuulit palvelusta: { $source }
mydata-saved = Tallennettu { $created }, muutettu viimeksi { $updated }
mydata-consent = Suostumus tallennukseen annettu { $at } (tietosuojaselosteen versio { $version })
mydata-consent-unrecorded = Suostumus annettu ennen kuin suostumusten aikoja tallennettiin
mydata-share-consent = Lupa näyttää nimesi annettu { $at } (versio { $version })
mydata-share-withdrawn = Lupa näyttää nimesi peruttu { $at }
mydata-may-appear = Näkyy ryhmän { $group } koordinaattoreille ({ $coordinators }): odottavien lista (nimi vain luvallasi), kysyntänäkymä ja sen kaavio sekä kysyntätaulukko (määrät alueittain, ei nimiä).
mydata-events = Tapahtumiin ilmoittautumiset: { $count }
mydata-event = { $title }, { $when }, { $place }: { $status ->
        [waiting] jonossa
       *[other] ilmoittautunut
    }
mydata-feedback = Palaute tapahtumasta { $title }: { $rating }/5 { $comment }
mydata-invitation = Kutsu ryhmään { $group } ({ $when }): { $answer ->
        [accepted] tulossa
        [declined] ei tällä kertaa
        [expired] vastausaika umpeutui
       *[other] odottaa vastausta
    }
mydata-audit = Lokia siitä, kuka on katsonut ilmoittautumistasi, ei vielä pidetä; kysy tarvittaessa rekisterinpitäjältä (/privacy).
