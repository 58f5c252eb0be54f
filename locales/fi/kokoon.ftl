# kokoon — suomi. Selkeää, lämmintä ja lyhyttä kieltä.
# HTML: vain <b> ja <i>. Argumentit ($group jne.) tulevat koodista valmiiksi suojattuina.

welcome =
    Hei! Olen kokoon-botti. Kerään ilmoittautumisia vertaisryhmiin, joissa perheet saavat tukea toisiltaan.
    Kun samasta kunnasta ilmoittautuu tarpeeksi perheitä, koordinaattori kokoaa ryhmän ja kutsuu teidät mukaan.
welcome-short = Hei! Olen kokoon-botti. Täällä voit ilmoittautua vertaisryhmään.
choose-group = Mistä ryhmästä olet kiinnostunut?
group-intro =
    <b>{ $group }</b>
    { $description }

ask-age = Minkä ikäinen lapsesi on? Valitse ikä tai kirjoita syntymäkuukausi ja -vuosi, esimerkiksi 3/2021.
ask-next-age = Minkä ikäinen seuraava lapsi on?
ask-more-children = Lisätty: { $ages } v. Tuleeko ryhmään vielä muita lapsia?
btn-more-children = Lisää lapsi
btn-children-done = Ei muita, jatketaan
age-outside = { $group } on { $min }–{ $max }-vuotiaille. { $age }-vuotias ei valitettavasti voi osallistua siihen.
age-no-other-group = Juuri nyt ei ole ryhmää tämän ikäiselle. Voit kysyä muista vaihtoehdoista: { $contact }.
age-fits-other = { $group } sopii { $age }-vuotiaalle – ilmoittaudutaanko siihen?
age-grows-out = { $group } on { $min }–{ $max }-vuotiaille. Ryhmä voisi alkaa aikaisintaan noin { $months } kuukauden päästä, ja silloin lapsesi on jo { $age }-vuotias.
age-type-birth-date = Jos lapsen syntymäpäivä on vasta myöhemmin vuoden aikana, kirjoita syntymäkuukausi ja -vuosi, esimerkiksi 9/2020, niin tarkistan uudelleen.
hint-birth-future = Tuo päivä on vasta tulossa. Kirjoita lapsen syntymäkuukausi ja -vuosi, esimerkiksi 3/2021, tai valitse ikä.
hint-birth-too-old = Ryhmät ovat alle 18-vuotiaille. Tarkistaisitko syntymävuoden? Esimerkiksi 3/2021.
aged-out = Lapsesi on kasvanut: kun ryhmä { $group } voisi alkaa, hän on jo { $age }-vuotias, joten emme enää laske häntä mukaan tähän ryhmään.
aged-out-kept = Ilmoittautumisesi ryhmään { $group } jatkuu muiden lasten osalta.
aged-out-ended = Ilmoittautumisesi ryhmään { $group } on nyt päättynyt. Kiitos, että olit mukana!
aged-out-fits = Nämä ryhmät sopivat hänelle nyt:
btn-switch-group = Ilmoittaudu: { $group }
btn-add-grown = Lisää perhe ryhmään: { $group }
cancel-ask = Keskeytetäänkö ilmoittautuminen ryhmään { $group }? Antamasi vastaukset poistuvat.
btn-cancel-yes = Kyllä, keskeytä
btn-go-on = Ei, jatketaan
restart-ask = Ilmoittautumisesi ryhmään { $group } on vielä kesken. Aloitetaanko alusta? Antamasi vastaukset poistuvat.
btn-restart = Aloita alusta
ask-area = Missä kunnassa voitte osallistua?
ask-language = Millä kielellä toivotte ryhmän kokoontuvan?
ask-times = Mitkä ajat sopivat teille? Voit valita useita. Paina lopuksi <b>Valmis</b>.
btn-time-checked = ✓ { $time }
btn-times-done = Valmis
ask-consent =
    <b>Ennen kysymyksiä</b>
    Kysyn seuraavaksi { $kind ->
        [children] lasten iät, kunnan, kielen ja teille sopivat ajat.
        [join] vain teille sopivat ajat: lasten iät, ryhmä ja kunta ovat jo ilmoittautumisessa.
       *[other] kunnan, kielen ja teille sopivat ajat.
    } Tallennan vastaukset vain, jos hyväksyt sen. Niistä nähdään, milloin ryhmään on tarpeeksi tulijoita. Tietoja käsittelevät { $organisation }, ja niitä näkevät vain ryhmän koordinaattorit. Voit poistaa tietosi milloin tahansa komennolla /forget. Koko tietosuojaseloste: /privacy
btn-consent-yes = Hyväksyn tallennuksen
btn-consent-no = En hyväksy
no-consent = Selvä, mitään ei tallennettu. Voit palata milloin tahansa komennolla /start.
ask-share = Saavatko koordinaattori ja ryhmän ohjaajat nähdä Telegram-nimesi ja käyttäjänimesi? Silloin he voivat ottaa sinuun yhteyttä. Tämä on vapaaehtoista.
btn-share-yes = Kyllä, saa nähdä
btn-share-no = Ei, kiitos
ask-note = Haluatko vielä kertoa koordinaattorille jotain? Esimerkiksi: ei samaan ryhmään kuin joku tietty henkilö. Kirjoita se tähän. Vain ryhmän koordinaattori näkee sen. Tämä on vapaaehtoista.
ask-note-edit = Kirjoita uusi viesti tai poista tämä.
btn-no-note = Ohita
btn-remove-note = Poista viesti
btn-change-note = Viesti koordinaattorille
summary-note = Viesti koordinaattorille: { $note }
hint-note-long = Viesti on vähän liian pitkä ({ $count } merkkiä). Kirjoita enintään { $max } merkkiä.
list-note = Viesti koordinaattorille: { $note }
list-note-from = Viesti koordinaattorille ({ $who }): { $note }
note-by-holder = ilmoittautumisen tehnyt vanhempi
note-by-other = lapsen toinen vanhempi

summary-title = <b>{ $group }</b>
summary-children = { $count ->
        [one] Lapsen ikä: { $ages } v
       *[other] Lasten iät: { $ages } v
    }
summary-area = Kunta: { $area }
summary-language = Ryhmän kieli: { $language }
summary-times = Sopivat ajat: { $times }
summary-share-yes = Nimesi näytetään koordinaattorille ja ryhmän ohjaajille.
summary-share-no = Nimeäsi ei näytetä koordinaattorille eikä ryhmän ohjaajille.
btn-confirm = Vahvista
btn-change = Muuta
btn-cancel = Peru
ask-change = Mitä haluat muuttaa?
btn-change-ages = Lasten iät
btn-change-area = Kunta
btn-change-language = Kieli
btn-change-times = Ajat
btn-change-share = Nimen näyttäminen
btn-back = Takaisin
btn-keep-answer = Pidä ennallaan
kept-answer = Aiempi vastauksesi: { $answer }. Kirjoita uusi tai pidä se ennallaan.

saved = Kiitos! Ilmoittautumisesi ryhmään { $group } on tallennettu.
updated = Kiitos! Ilmoittautumisesi ryhmään { $group } on päivitetty.
already-registered = Olet jo ilmoittautunut ryhmään { $group }. Tässä vastauksesi. Voit vahvistaa ne tai muuttaa niitä.
standing-children = { $place } on nyt ilmoitettu { $count } { $count ->
        [one] lapsi
       *[other] lasta
    }. Ryhmä voi alkaa, kun lapsia on { $threshold }. Saat viestin, kun ryhmä kootaan.
standing-adults = { $place } on nyt ilmoittautunut { $count } { $count ->
        [one] osallistuja
       *[other] osallistujaa
    }. Ryhmä voi alkaa, kun osallistujia on { $threshold }. Saat viestin, kun ryhmä kootaan.
standing-reached = { $place } on nyt ilmoittautunut tarpeeksi tulijoita, joten ryhmä voi alkaa. Koordinaattori kokoaa ryhmän, ja saat pian viestin.
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
mine-family-declined = Vastasit, ettette pääse tällä kertaa. Paikka pysyy perheellenne, kunnes lapsen toinen vanhempi on vastannut.
mine-declined = Et päässyt tällä kertaa ensimmäiseen tapaamiseen ({ $when }). Olet yhä jonossa seuraavaan ryhmään.
btn-of-group = { $group }: { $action }
btn-edit = Muuta vastauksia
btn-withdraw = Peru ilmoittautuminen
withdraw-ask = Perutaanko ilmoittautumisesi ryhmään { $group }?
btn-withdraw-yes = Kyllä, peru
btn-keep = Ei, pidetään
withdrawn = Ilmoittautumisesi ryhmään { $group } on peruttu.
retention-notice = Ilmoittautumisesi ryhmään { $group } poistetaan viikon kuluttua. Jos haluat pitää sen, kerro että olet yhä kiinnostunut – alla olevalla painikkeella tai komennolla /mine.
btn-still-interested = Olen yhä kiinnostunut
still-interested-thanks = Kiitos! Ilmoittautumisesi ryhmään { $group } pysyy voimassa.
renewal-ask = Ilmoittauduit ryhmään { $group } jokin aika sitten. Oletko yhä kiinnostunut? Jos et vastaa { $days } päivän kuluessa, ilmoittautumisesi jää tauolle: sitä ei lasketa mukaan eikä sinua kutsuta, ennen kuin jatkat sitä.
mine-paused-unrenewed = Ilmoittautumisesi on tauolla, koska emme saaneet vastausta kysymykseen kiinnostuksestasi. Sitä ei lasketa mukaan eikä sinua kutsuta. Haluatko jatkaa?
nothing-changed = Selvä, mitään ei muutettu.
cancelled = Selvä, keskeytetty. Keskeneräisiä vastauksia ei tallennettu.
nothing-to-cancel = Mitään ei ole kesken.
forget-ask = Poistetaanko kaikki tietosi? Ilmoittautumisesi ja kaikki muu sinusta tallennettu poistetaan heti, eikä niitä voi enää lukea. { $backup_days ->
        [0] Salatuissa varmuuskopioissa ne säilyvät, kunnes uudemmat varmuuskopiot korvaavat ne.
       *[other] Salatuissa varmuuskopioissa ne säilyvät enintään { $backup_days } päivää, kunnes uudemmat korvaavat ne.
    } Viestit, jotka koordinaattori on jo saanut (esimerkiksi lista, jossa on nimesi, jos annoit luvan), jäävät hänen Telegramiinsa.
btn-forget-yes = Kyllä, poista kaikki
forgotten = Kaikki tietosi on poistettu, eikä niitä voi enää lukea. { $backup_days ->
        [0] Salatut varmuuskopiot säilyttävät ne, kunnes uudemmat korvaavat ne.
       *[other] Salatut varmuuskopiot säilyttävät ne vielä enintään { $backup_days } päivää.
    } Viestit, jotka koordinaattori on jo saanut, jäävät hänen Telegramiinsa. Voit palata milloin tahansa komennolla /start.

choose-lang = Valitse kieli / Välj språk / Choose language
ui-lang-fi = Suomi
ui-lang-sv = Svenska
ui-lang-en = English
lang-changed = Puhun nyt suomea.
group-lang-fi = suomi
group-lang-sv = ruotsi
group-lang-en = englanti
lang-in-fi = suomeksi
lang-in-sv = ruotsiksi
lang-in-en = englanniksi
help =
    <b>Näin käytät bottia</b>
    /start – valitse ryhmä
    /events – tulevat tapahtumat
    /mine – omat ilmoittautumiset
    /lang – vaihda kieltä
    /cancel – keskeytä vastaaminen (keskeneräisiä vastauksia ei tallenneta)
    /privacy – tietosuoja
    /forget – poista kaikki tietosi
    Kysyttävää? Ota yhteyttä: { $contact }
privacy =
    <b>Tietosuojaseloste</b>
    <b>Rekisterinpitäjä</b>: { $organisation } ({ $controller_contact }).
privacy-area-controller = Ilmoittautumisissa, joissa kunta on { $area }, rekisterinpitäjä on { $name } ({ $contact }).
privacy-body =
    <b>Miksi</b>: jotta vertaisryhmä voidaan koota, kun samasta kunnasta on tarpeeksi kiinnostuneita, ja jotta voit ilmoittautua tapahtumiin. Käsittelyn peruste on suostumuksesi (EU:n tietosuoja-asetuksen 6 artiklan 1 kohdan a alakohta). Voit perua suostumuksesi milloin tahansa.
    <b>Mitä tallennamme</b>: ilmoittautumiset (lasten iät, kunta, ryhmän kieli, sopivat ajat, milloin annoit suostumuksen ja viestisi koordinaattorille, jos kirjoitit sellaisen), tapahtumiin ilmoittautumiset, palaute ja kommentit, kutsut ryhmiin, läsnäolo ryhmän tapaamisissa (koordinaattori merkitsee, ketkä tulivat), keskustelun vaihe ja kieli, jolla puhun sinulle, sekä mistä kuulit palvelusta (julisteen tai linkin lähde). Nimesi ja käyttäjänimesi vain, jos annat luvan näyttää ne koordinaattorille.
    <b>Kuka näkee</b>: ryhmän koordinaattorit näkevät ryhmänsä ilmoittautumiset, nimesi vain luvallasi. Kun ryhmä alkaa, sen ohjaajat näkevät osallistujat: lasten iät ja nimesi vain luvallasi. Tapahtuman järjestäjä näkee ilmoittautuneet ja palautteen. Muille tietoja ei luovuteta.
    <b>Telegram</b>: viestit kulkevat Telegramin kautta (Telegram Messenger Inc., EU:n ulkopuolella), joka käsittelee niitä omien ehtojensa mukaan. Älä kirjoita viesteihin arkaluonteisia asioita.
    <b>Kuinka kauan</b>: ilmoittautuminen poistetaan { $months } kuukauden kuluttua siitä, kun viimeksi vahvistit sen (jonossa odottaessasi kysymme { $renew_months } kuukauden välein, oletko yhä kiinnostunut; muuten kerromme viikkoa ennen), tai heti, kun perut sen. Tapahtumien ilmoittautumiset, palaute ja kutsut poistetaan { $months } kuukauden kuluttua tapahtumasta, kommentit { $comment_months } kuukauden kuluttua. Jos aloitat ilmoittautumisen etkä anna suostumusta, kieli ja keskustelun vaihe poistetaan 24 tunnin kuluttua. Jos estät botin, kaikki tietosi poistetaan { $grace_days } päivän kuluttua. Tiedot säilytetään salattuina. Poistetut tiedot säilyvät salatuissa varmuuskopioissa { $backup_days ->
        [0] kunnes uudemmat korvaavat ne
       *[other] enintään { $backup_days } päivää
    }; koordinaattorille jo lähetetyt viestit jäävät hänen Telegramiinsa.
    <b>Oikeutesi</b>: saat kaikki tietosi tiedostona komennolla /mydata, voit oikaista niitä komennolla /mine ja poistaa kaiken komennolla /forget. Jos haluat rajoittaa käsittelyä tai vastustaa sitä, ota yhteyttä: { $contact }.
    Sinulla on oikeus tehdä valitus valvontaviranomaiselle: Tietosuojavaltuutetun toimisto, tietosuoja.fi.

hint-use-buttons = Valitse vaihtoehto alla olevista painikkeista.
hint-not-text = Ymmärrän vain tekstiä ja painikkeita.
hint-unknown-command = En tunne tuota komentoa. /help kertoo, mitä osaan.
hint-stale-button = Tuo painike on vanhasta viestistä. Käytä uusimman viestin painikkeita.
hint-age = Kirjoita ikä numerona, esimerkiksi 5, tai syntymäkuukausi ja -vuosi, esimerkiksi 3/2021.
hint-area = En löytänyt sen nimistä kuntaa. Valitse kunta painikkeista.
hint-pick-time = Valitse ainakin yksi aika.
hint-group-gone = Tuota ryhmää ei enää tarjota.
group-chat-only = Hei! Keskustelen vain yksityisesti. Lähetä minulle viesti: avaa profiilini ja paina Aloita.
something-wrong = Jokin meni vikaan. Yritä hetken päästä uudelleen. Mitään ei kadonnut.
slow-down = Hetkinen, viestejä tulee nopeammin kuin ehdin lukea. Odota vähän ja lähetä viimeisin viestisi uudelleen.
cmd-start = Aloita ja valitse ryhmä
cmd-mine = Omat ilmoittautumiset
cmd-lang = Vaihda kieltä
cmd-cancel = Keskeytä vastaaminen
cmd-privacy = Tietosuoja
cmd-forget = Poista kaikki tietoni
cmd-help = Ohje ja yhteystiedot

## Koordinaattorit

help-coordinator =
    <b>Koordinaattorille</b>
    /demand – ilmoittautuneet kunnittain ja kaavio
    /launch – käynnistä ryhmä ja kutsu perheet
    /export – ilmoittautuneet CSV-tiedostona
    /qr – QR-koodi julisteeseen
    /newevent – uusi tapahtuma
    /broadcast – viesti osallistujille tai jonossa oleville
    /feedback – tapahtumien palaute
    /report – palauteraportti: tapahtuma, sarja tai ajanjakso (kaavio ja CSV)
    /attendance – läsnäolo: ketkä tulivat ryhmän tapaamisiin
    /add – lisää perhe, jolla ei ole Telegramia
demand-title = <b>{ $group }</b> · ryhmä voi alkaa, kun { $kind ->
        [children] lapsia
       *[other] osallistujia
    } on { $threshold }
demand-none = Ei vielä odottavia perheitä.
demand-pool = <b>{ $area }</b> { $bar } { $count }/{ $threshold } { $kind ->
        [children] lasta
       *[other] osallistujaa
    } · { $families } { $families ->
        [one] perhe
       *[other] perhettä
    }{ $kind ->
        [children] {" "}· iät { $ages } v
       *[other] {""}
    }
    Sopivat ajat (perheitä): { $times } · Kieli (perheitä): { $langs }
# /demandin kuntarivin luvut nimetään kerran, ryhmän otsikon alla.
demand-columns = <i>Kunta { $kind ->
        [children] lapsia/{ $threshold } · perheitä · iät (v)
       *[other] osallistujia/{ $threshold } · perheitä
    }</i>
demand-pool-line = <b>{ $area }</b> { $count }/{ $threshold } · { $families }{ $kind ->
        [children] {" "}· { $ages }
       *[other] {""}
    }
demand-group-details = Sopivat ajat (perheitä): { $times } · Kieli (perheitä): { $langs }
demand-sources = Lähde: { $sources }
demand-paused = Tauolla: { $families } { $families ->
        [one] perhe
       *[other] perhettä
    } ({ $count } { $kind ->
        [children] { $count ->
            [one] lapsi
           *[other] lasta
        }
       *[other] { $count ->
            [one] aikuinen
           *[other] aikuista
        }
    }) – ei lasketa mukaan
source-direct = suora linkki
source-added = lisätty käsin
btn-list = 📋 Lista: { $area }
btn-launch = 🚀 Käynnistä: { $area }
chart-threshold = kynnys { $threshold }
chart-children = lapsia
chart-adults = osallistujia
chart-answers = vastauksia
list-title = <b>{ $group }, { $area }</b>: odottavat perheet ilmoittautumisjärjestyksessä
list-empty = Ei odottavia perheitä.
list-same-ages = ↳ samat lasten iät kuin nro { $n }: sama lapsi kummaltakin vanhemmalta? Jos on, pyydä myöhemmin ilmoittautunutta perumaan ja toista jakamaan ilmoittautumisensa (/mine).
list-item = { $n }. { $kind ->
        [children] { $count } { $count ->
            [one] lapsi
           *[other] lasta
        } ({ $ages } v)
       *[other] { $count } { $count ->
            [one] aikuinen
           *[other] aikuista
        }
    } · { $language } · { $times } · { $since } · { $who }
a-family = perhe (nimeä ei jaettu)
export-caption = Ilmoittautuneet CSV-tiedostona ({ $rows } { $rows ->
        [one] rivi
       *[other] riviä
    }). Avautuu Excelissä.
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
csv-added = Koordinaattorin lisäämiä perheitä
csv-name = Nimi
csv-username = Käyttäjänimi
answer-pending = ei vielä vastannut
answer-accepted = tulee
answer-declined = ei pääse
answer-expired = ei vastannut ajoissa
answer-withdrawn = lupautui mukaan, perui myöhemmin
csv-answer = Vastaus
qr-choose = Minkä ryhmän QR-koodin haluat?
qr-caption = { $group }: skannaa ja ilmoittaudu. { $link }
launch-choose = Minkä ryhmän käynnistät? Luvut: montako on ilmoitettu / montako ryhmän alkuun tarvitaan.
launch-nothing = Yhteenkään ryhmääsi ei ole vielä ilmoittautunut ketään.
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
        [children] { $count ->
            [one] lapsi
           *[other] lasta
        }
       *[other] { $count ->
            [one] osallistuja
           *[other] osallistujaa
        }
    }) ilmoittautumisjärjestyksessä. Paikkoja on enintään { $capacity }. Vastausaikaa on { $hours } { $hours ->
        [one] tunti
       *[other] tuntia
    }. Jos perhe ei vastaa ajoissa, paikka siirtyy seuraavalle.
btn-launch-confirm = Lähetä kutsut
launch-started = Kutsut lähtevät. Näet vastaukset täällä sitä mukaa kuin niitä tulee ja lopuksi koko listan.
launch-started-at = Kutsut lähtevät { $time }, kun hiljainen aika päättyy. Näet vastaukset täällä sitä mukaa kuin niitä tulee ja lopuksi koko listan.
launch-cancelled = Käynnistys peruttiin. Mitään ei lähetetty.
alert-title = <b>{ $group }, { $area }: kynnys täyttyi!</b> Ryhmän voi käynnistää.
alert-missed = Huom: hälytystä ryhmästä { $group }, { $area } ei saatu perille koordinaattorille { $name }. Yritämme myöhemmin uudelleen.
answered = { $group }, { $area }: { $who } { $answer ->
        [yes] tulee mukaan
        [withdrew] perui osallistumisensa eikä tule enää tapaamisiin
       *[other] ei pääse tällä kertaa
    } ({ $count } { $kind ->
        [children] { $count ->
            [one] lapsi
           *[other] lasta
        }
       *[other] { $count ->
            [one] osallistuja
           *[other] osallistujaa
        }
    }). Varattuja paikkoja { $accepted }/{ $capacity }.
final-title =
    <b>{ $group }, { $area }: lopullinen lista</b>
    Ensimmäinen tapaaminen { $when }, { $place }. Varattuja paikkoja { $accepted }/{ $capacity }.
final-item = { $n }. { $who } – { $count } { $kind ->
        [children] { $count ->
            [one] lapsi
           *[other] lasta
        }
       *[other] { $count ->
            [one] osallistuja
           *[other] osallistujaa
        }
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
invite-declined = Kiitos, kun kerroit. Olet yhä jonossa seuraavaan ryhmään. Voit perua ilmoittautumisen komennolla /mine.
invite-closed = Tähän kutsuun ei voi enää vastata.
invite-expired = Kutsuun ryhmään { $group } ei vastattu ajoissa, joten kutsu vanheni. Ilmoittautumisesi on nyt tauolla, eikä sitä lasketa uuteen ryhmään. Oletko yhä kiinnostunut?
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
btn-event-join-share = Ilmoittaudu ja näytä nimeni
btn-event-hide-name = Piilota nimeni
event-consent-notice = Ilmoittautumalla annat luvan tallentaa ilmoittautumisesi: järjestäjä näkee osallistujien määrän, nimesi vain jos valitset sen. Tiedot poistetaan { $months } kk tapahtuman jälkeen tai kun perut. Lisää: /privacy
event-name-hidden = Nimesi ei enää näy järjestäjälle. Ilmoittautumisesi on voimassa.
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
event-coming-more = … ja { $count } { $count ->
        [one] muu
       *[other] muuta
    }
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
btn-translate = Lisää käännös { $language }
new-event-translate-title = Tapahtuman nimi { $language }:
new-event-translate-description = Kuvaus { $language } (tai ohita):
new-event-created = Tapahtuma luotiin. Vanhemmat näkevät sen komennolla /events.
new-event-bad-value = En voinut käyttää tuota. Kirjoita uusi arvo uudelleen.
edit-event-which = Mitä muutetaan tapahtumassa { $title }?
btn-field-start = Alkuaika
btn-field-end = Loppuaika
btn-field-place = Paikka
btn-field-capacity = Paikkamäärä
btn-field-title = Nimi
btn-field-description = Kuvaus
event-updated = Tallennettu. { $count } { $count ->
        [one] ilmoittautunut
       *[other] ilmoittautunutta
    } saa tiedon muutoksesta.
cancel-event-ask = Perutaanko { $title }? { $count } { $count ->
        [one] ilmoittautunut
       *[other] ilmoittautunutta
    } saa tiedon.
btn-cancel-event-yes = Kyllä, peru tapahtuma
event-cancelled-done = { $title } peruttiin. { $count } { $count ->
        [one] ilmoittautunut
       *[other] ilmoittautunutta
    } saa tiedon.
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

feedback-ask = Kiitos, että osallistuit tapahtumaan { $title }! Millainen se oli? Muutama lyhyt kysymys – vastaat nimettömänä.
feedback-q-useful = Oliko tilaisuudesta sinulle hyötyä?
feedback-q-continue = Toivoisitko, että tällaista järjestetään jatkossakin?
feedback-q-rating = Millainen kokonaisuus oli? Valitse 1 (huono) – 5 (erinomainen).
feedback-q-comment = Haluatko kertoa vielä jotain? Kirjoita lyhyt kommentti tai ohita.
btn-feedback-yes = Kyllä
btn-feedback-partly = Osittain
btn-feedback-no = Ei
feedback-comment-ask = Kirjoita lyhyt kommentti tai ohita.
feedback-done = Kiitos palautteesta!
feedback-comment = – { $text }

## Palauteraportti

report-choose = Mistä haluat palauteraportin? Valitse sarja, tapahtuma tai ajanjakso.
report-none = Ei vielä menneitä tapahtumia, joista voisi tehdä raportin.
btn-report-period = 📅 Ajanjakso
report-from = Mistä kuukaudesta alkaen?
report-to = Mihin kuukauteen asti?
report-usage = Kirjoita /report, niin saat valikon. Ajanjakson voi kirjoittaa myös näin: /report 2027-03 2027-05
report-title = <b>Palaute: { $scope }</b>
report-event-line = { $event }: { $count } { $count ->
        [one] vastaus
       *[other] vastausta
    }
report-count = Vastauksia yhteensä { $count }.
report-too-few = Alle { $min } vastausta: näytän vain määrän, jottei ketään voi tunnistaa.
report-useful = Hyödyllinen: kyllä { $yes } %, osittain { $partly } %, ei { $no } % ({ $count } vastasi)
report-continue = Jatkoa toivoo: kyllä { $yes } %, ei { $no } % ({ $count } vastasi)
report-rating = Arvio keskimäärin { $mean } ({ $count } vastasi) · 5 ★: { $d5 } · 4 ★: { $d4 } · 3 ★: { $d3 } · 2 ★: { $d2 } · 1 ★: { $d1 }
report-comments = <b>Kommentit</b>
report-chart-caption = Palaute: { $scope }
report-csv-caption = Sama taulukkona (CSV).
report-q-useful = Hyödyllinen
report-q-continue = Jatkoa
report-q-rating = Arvio
report-answer-yes = kyllä
report-answer-partly = osittain
report-answer-no = ei
csv-report-question = Kysymys
csv-report-answer = Vastaus
csv-report-count = Määrä
csv-report-share = Osuus (%)
csv-report-event = Tapahtuma
csv-report-answers = Vastauksia
csv-report-mean = Keskiarvo
csv-report-comment = Kommentti

## /mydata: everything stored about the person, as files

cmd-mydata = Omat tietoni tiedostona
mydata-caption = Tässä kaikki, mitä sinusta on tallennettu: luettava teksti ja alla sama JSON-muodossa. Voit korjata tietoja komennolla /mine ja poistaa kaiken komennolla /forget.
mydata-json-caption = Samat tiedot JSON-muodossa.
mydata-title = Omat tietosi kokoon-botissa ({ $date })
mydata-language = Kieli, jolla puhun sinulle: { $language }
mydata-state = Keskustelun vaihe: { $state }
mydata-registrations = Ilmoittautumiset: { $count }
mydata-family-shared = Olet jakanut ilmoittautumisesi ryhmään { $group } lapsen toisen vanhemman kanssa. Hänen vastauksensa ovat hänen omiaan, eivätkä ne näy tässä.
mydata-family-link = Olet tehnyt linkin, jolla lapsen toinen vanhempi voi liittyä ilmoittautumiseesi ryhmään { $group }.
mydata-family-other = Olet mukana toisen vanhemman ilmoittautumisessa ryhmään { $group } (liityit { $joined }). Sinusta on tallennettu:
mydata-name = Nimi, joka näytetään koordinaattorille: { $name }
mydata-source = Mistä kuulit palvelusta: { $source }
mydata-saved = Tallennettu { $created }, muutettu viimeksi { $updated }
mydata-consent = Suostumus tallennukseen annettu { $at } (tietosuojaselosteen versio { $version })
mydata-consent-unrecorded = Suostumus annettu ennen kuin suostumusten aikoja tallennettiin
mydata-share-consent = Lupa näyttää nimesi annettu { $at } (versio { $version })
mydata-share-withdrawn = Lupa näyttää nimesi peruttu { $at }
mydata-may-appear = Näkyy ryhmän { $group } koordinaattoreille ({ $coordinators }): odottavien lista (nimi vain luvallasi), ilmoittautuneiden määrät ja niiden kaavio sekä taulukko (määrät kunnittain, ei nimiä).
mydata-events = Tapahtumiin ilmoittautumiset: { $count }
mydata-event = { $title }, { $when }, { $place }: { $status ->
        [waiting] jonossa
        [family] muistutukset (perheesi on mukana)
       *[other] ilmoittautunut
    }
mydata-feedback = Palaute tapahtumasta { $title }: { $answers }
mydata-invitation = Kutsu ryhmään { $group } ({ $when }): { $answer ->
        [accepted] tulossa
        [declined] ei tällä kertaa
        [expired] vastausaika umpeutui
       *[other] odottaa vastausta
    }
mydata-audit = Kuka on nähnyt tietojasi (koordinaattorien ja ryhmänohjaajien katselut, tiedostot ja viestit kirjataan ja kirjaukset säilytetään { $months } kk):
mydata-audit-none = Kukaan koordinaattori tai ryhmänohjaaja ei ole katsonut listaa, ladannut tiedostoa eikä lähettänyt viestiä, jossa olit mukana (kirjaukset säilytetään { $months } kk).
mydata-seen = { $at }: { $who } { $what ->
        [list] katsoi odottavien listan, jolla olit
        [launch] katsoi ryhmän osallistujalistan, jolla olit
        [attendance] katsoi tapaamisen läsnäololistan, jolla olit
        [export] latasi taulukon, jossa olit mukana
        [family] lisäsi tai muutti käsin lisätyn perheen
       *[broadcast] lähetti viestin, joka tuli myös sinulle
    }
mydata-former-coordinator = entinen koordinaattori
mydata-as-facilitator = (ryhmänohjaaja)
mydata-former-facilitator = entinen ryhmänohjaaja

## Meeting series and attendance
launch-ask-series = <b>{ $group }</b> kokoontuu { $count } kertaa, { $days ->
        [7] kerran viikossa
        [14] joka toinen viikko
       *[other] { $days } päivän välein
    }. Tapaamiset:
launch-series-meeting = { $n }. { $when }
launch-series-skipped = – { $date }: ei tapaamista
launch-series-help = Voit muuttaa: kirjoita tapaamisten määrä (esimerkiksi <i>6</i>), <i>-3</i> jättää kolmannen viikon väliin, <i>4: 7.4. klo 18</i> siirtää neljännen tapaamisen. Kun päivät ovat oikein, paina nappia.
launch-bad-series = Tämä ei sopinut sarjaan. Tarkista numero ja aika: tapaamisia voi olla 1–20, eivätkä ne saa mennä päällekkäin.
launch-summary-series = Tapaamisia { $count }, { $days ->
        [7] kerran viikossa
        [14] joka toinen viikko
       *[other] { $days } päivän välein
    }; viimeinen { $last }
btn-series-change = 📅 Muuta tapaamisia
btn-series-ok = ✅ Päivät ovat oikein
btn-series-weekly = Kerran viikossa
btn-series-fortnightly = Joka toinen viikko
btn-series-move-rest = 🕒 Siirrä tämä ja myöhemmät
btn-series-cancel-rest = Peru tämä ja myöhemmät
btn-series-cancel-rest-yes = Kyllä, peru ne
series-move-ask = Mihin aikaan tapaaminen { $when } siirretään? Myöhemmät tapaamiset siirtyvät yhtä paljon ({ $count } yhteensä). Kirjoita esimerkiksi <i>18.3. klo 17</i>.
series-move-bad = En voinut siirtää tapaamisia niin. Kirjoita tuleva aika, joka ei mene toisen tapaamisen päälle, esimerkiksi <i>18.3. klo 17</i>.
series-moved = Siirretty { $count } { $count ->
        [one] tapaaminen
       *[other] tapaamista
    }. Perheet saavat yhden viestin muutoksesta.
series-cancel-ask = Perutaanko tapaaminen { $when } ja kaikki sen jälkeen ({ $count } yhteensä)? Perheet saavat yhden viestin.
series-cancelled = Peruttu { $count } { $count ->
        [one] tapaaminen
       *[other] tapaamista
    }. Perheet saavat yhden viestin muutoksesta.
series-changed-title = Ryhmän { $title } tapaamiset muuttuivat:
series-changed-moved = • { $when }, { $place }
series-changed-cancelled = • { $when }: peruttu
btn-meeting-move = 🕒 Siirrä tämä tapaaminen
btn-meeting-cancel = ✖ Peru tämä tapaaminen
btn-attendance = ✅ Ketkä tulivat
attendance-none = Ryhmillä ei ole vielä ollut tapaamisia.
attendance-choose = Minkä tapaamisen läsnäolon merkitset?
attendance-title = <b>{ $title }</b>, { $when }: paikalla { $came }/{ $count }. Merkitse, ketkä tulivat – paina uudelleen, jos merkintä meni väärin.
attendance-empty = Tapaamiseen ei ollut ilmoittautuneita.
attendance-family = perhe
btn-attend-came = ✅ { $who }
btn-attend-not-yet = ⬜ { $who }
report-attendance = Läsnäolo tapaamisittain:
report-attendance-line = { $event }: { $came }/{ $count } perhettä
csv-report-attendance = Läsnäolo
mydata-attendance = Olit paikalla: { $title }, { $when }

## Both parents, one child (a registration shared with the child's other parent)
family-offer = Saako lapsen toinen vanhempi ilmoittautua myös? Jos haluat, saat linkin, jonka voit lähettää hänelle itse. Hän näkee lasten iät, ryhmän ja alueen, ja tapaamisen ajan ja paikan, kun jompikumpi teistä on ottanut paikan vastaan. Lapset lasketaan silloin vain kerran. Tämä on vapaaehtoista.
btn-family-share = Anna linkki toiselle vanhemmalle
family-link = Tässä linkki lapsen toiselle vanhemmalle (ryhmä { $group }). Se toimii kerran ja { $days } päivän ajan:
    { $link }
    Lähetä se hänelle itse. Hän näkee lasten iät, ryhmän ja alueen, ja tapaamisen ajan ja paikan, kun jompikumpi teistä on ottanut paikan vastaan. Nimeäsi ja vastauksiasi hän ei näe.
btn-family-revoke = Peru linkki
family-no-link = Linkkiä ei voitu tehdä juuri nyt. Yritä hetken päästä uudelleen.
family-revoked = Linkki on peruttu. Sillä ei voi enää liittyä.
family-already-shared = Ilmoittautuminen on jo jaettu lapsen toisen vanhemman kanssa.
family-link-unknown = Tämä linkki ei toimi. Se on voitu perua tai kopioida väärin. Pyydä uusi linkki, tai ilmoittaudu itse komennolla /start.
family-link-expired = Tämä linkki on vanhentunut. Pyydä uusi linkki, tai ilmoittaudu itse komennolla /start.
family-link-used = Tällä linkillä on jo liitytty, ja se toimii vain kerran. Voit ilmoittautua itse komennolla /start.
family-link-own = Tämä on oma linkkisi. Lähetä se lapsen toiselle vanhemmalle.
family-link-has-own = Olet jo ilmoittautunut tähän ryhmään itse. Jotta lapset lasketaan vain kerran, peru ensin oma ilmoittautumisesi (/mine) ja avaa linkki sitten uudelleen.
family-already-in = Olet jo mukana ryhmän <b>{ $group }</b> ilmoittautumisessa, jonka lapsen toinen vanhempi jakoi kanssasi (/mine). Jos haluat ilmoittautua ryhmään itse, lähde ensin siitä pois.
family-invite = Lapsen toinen vanhempi on jakanut kanssasi ilmoittautumisen ryhmään <b>{ $group }</b>.
    Alue: { $area }
    Lasten iät: { $ages }
    Jos liityt, lapset lasketaan vain kerran, ja saat kutsun tapaamiseen kuten hänkin. Vastaat kutsuun itse.
family-ask-times = Voit valita ajat, jotka sopivat sinulle. Tämä on vapaaehtoista: paina Valmis, kun olet valmis.
family-joined = Kiitos! Olet nyt mukana ilmoittautumisessa ryhmään { $group } ({ $area }, lasten iät { $ages }). Näet sen komennolla /mine, ja voit lähteä pois milloin vain.
family-unlinked = Ilmoittautumista ryhmään { $group } ei enää jaeta kanssasi. Sinulle ei jäänyt siitä tietoja. Voit ilmoittautua itse komennolla /start.
family-unlink-done = Selvä. Toinen vanhempi ei ole enää mukana ilmoittautumisessasi. Hänelle kerrottiin siitä lyhyesti.
btn-family-unlink = Lopeta jakaminen
family-left = Selvä. Et ole enää mukana ilmoittautumisessa ryhmään { $group }. Vastauksesi on poistettu; ilmoittautuminen jää toiselle vanhemmalle.
btn-family-leave = Lähde pois
family-mine-shared = Ilmoittautuminen ryhmään { $group } on jaettu lapsen toisen vanhemman kanssa.
family-mine-link = Linkki toiselle vanhemmalle (ryhmä { $group }) toimii { $until } asti.
family-mine-other = Olet mukana toisen vanhemman ilmoittautumisessa ryhmään <b>{ $group }</b>.
    Alue: { $area }
    Lasten iät: { $ages }
family-mine-paused = Perheenne ilmoittautuminen on tauolla: sitä ei nyt lasketa mukaan, eikä teitä kutsuta. Haluatko jatkaa sitä?
family-accepted = Perheenne paikka ryhmässä <b>{ $group }</b> on vahvistettu: lapsen toinen vanhempi otti sen vastaan. Ensimmäinen tapaaminen on { $when }, { $place }.
family-expired = Perheenne kutsuun ryhmään { $group } ei vastattu ajoissa, joten kutsu vanheni. Perheenne ilmoittautuminen on nyt tauolla, eikä sitä lasketa uuteen ryhmään. Kumpi tahansa teistä voi jatkaa sitä: alla olevalla painikkeella tai komennolla /mine.
family-note-saved = Selvä, viestisi koordinaattorille on tallennettu. Vain ryhmän koordinaattori näkee sen.
family-note-removed = Selvä, viestisi koordinaattorille on poistettu.

## Ryhmänohjaajat

facilitator-first = kokoon: uutta ohjaajalle
fac-list-title = <b>Ryhmänohjaajat</b>
fac-list-item = • { $name }: { $groups }{ $how ->
        [config] {" "}(asetuksissa)
       *[chat] {""}
    }
fac-list-none = Ryhmilläsi ei ole vielä ohjaajia. Kutsu ohjaaja kertakäyttöisellä linkillä.
btn-fac-remove = Poista { $name }
btn-fac-invite = Kutsu ohjaaja
fac-remove-ask = Poistetaanko { $name } ryhmien { $groups } ohjaajista? Hänelle kerrotaan asiasta lyhyesti.
btn-fac-remove-yes = Kyllä, poista
fac-removed = { $name } ei enää ohjaa ryhmiäsi.
fac-invite-ask = Minkä ryhmien ohjaajaksi kutsut? Valitse yksi tai useampi.
btn-fac-invite-make = Tee kutsulinkki
fac-invite-link =
    Tässä kertakäyttöinen kutsulinkki ({ $groups }). Anna se vain ohjaajalle itselleen – se toimii kerran ja { $days } päivän ajan:
    { $link }
fac-join-ask-name = Tervetuloa! Sinut on kutsuttu ryhmänohjaajaksi: { $groups }. Millä nimellä koordinaattorit näkevät sinut? Kirjoita nimesi.
fac-join-ask-consent =
    Kiitos, { $name }! kokoon tallentaa nimesi, Telegram-tunnuksesi ja ryhmät, joita ohjaat ({ $groups }), jotta koordinaattorit voivat sopia kanssasi ryhmistä. Näet vain omien ryhmiesi tiedot. Voit poistaa tietosi milloin vain komennolla /forget. Hyväksytkö?
fac-join-bad-name = Kirjoita nimesi (enintään 64 merkkiä).
fac-join-no-consent = Selvä, mitään ei tallennettu. Linkki toimii vielä, jos muutat mielesi.
fac-link-not-valid = Tämä kutsulinkki ei toimi (se on jo käytetty tai vanhentunut). Pyydä koordinaattorilta uusi.
fac-joined = Olet nyt ohjaaja: { $groups }. Kiitos! Komennolla /group näet ryhmän osallistujat, komennolla /write voit kirjoittaa ryhmän perheille ja komennolla /support voit kysyä koordinaattorilta apua.
fac-group-choose = Minkä ryhmän tiedot haluat nähdä?
fac-group-not-launched = { $group }: ryhmä ei ole vielä alkanut. Kerromme, kun se alkaa.
fac-group-title =
    <b>{ $group }, { $area }</b>
    Ensimmäinen tapaaminen { $when }, { $place }. Tulossa { $accepted } { $kind ->
        [children] { $accepted ->
            [one] lapsi
           *[other] lasta
        }
       *[other] { $accepted ->
            [one] osallistuja
           *[other] osallistujaa
        }
    }.
fac-group-item = { $n }. { $who }{ $kind ->
        [children] { " " }– { $count } { $count ->
            [one] lapsi
           *[other] lapsia
        }, { $ages } v
       *[other] {""}
    }
fac-support-choose = Minkä ryhmän koordinaattorille kirjoitat?
fac-support-ask = Kirjoita viestisi ryhmän { $group } koordinaattorille. Se välitetään sellaisenaan.
fac-support-sent = Kiitos! Viestisi on välitetty ryhmän { $group } koordinaattorille.
fac-joined-news = { $name } on nyt ohjaaja: { $groups }.
fac-removed-news = Et ole enää ohjaajana ryhmissä { $groups }. Lämmin kiitos työstäsi!
fac-support-news =
    Ohjaaja { $name } (Telegram-id { $id }) pyytää tukea ryhmään { $group }:

    { $text }
mydata-facilitator = Ryhmänohjaajana: nimi { $name }, ryhmät { $groups }.
mine-share-again = Nimesi näkyy nyt vain koordinaattorille. Saavatko myös ryhmänohjaajat nähdä sen? Silloin he tietävät, kuka ryhmään on tulossa.
btn-share-again = Kyllä, myös ohjaajat
share-again-done = Kiitos! Nyt myös ryhmänohjaajat näkevät nimesi. Voit perua luvan muuttamalla vastauksiasi komennolla /mine.

fac-proposal = Voisitko ohjata ryhmän <b>{ $group }, { $area }</b>? Ensimmäinen tapaaminen olisi { $when }, { $place }.
btn-proposal-yes = Kyllä, voin ohjata
btn-proposal-no = En tällä kertaa
fac-proposal-yes = Kiitos! Koordinaattori saa tiedon. Osallistujat näet komennolla /group.
fac-proposal-no = Kiitos, kun kerroit. Koordinaattori saa tiedon.
fac-proposal-answered = { $name } { $yes ->
        [yes] voi ohjata
       *[no] ei voi ohjata
    } ryhmää { $group }, { $area } ({ $when }).
launch-crew-none = Ohjaajat: valitse, keneltä kysytään. Jokainen saa ehdotuksen ajasta ja paikasta ja vastaa kyllä tai ei.
launch-crew-hold = Kysytään: { $names }. Kutsut perheille lähtevät vasta, kun ensimmäinen ohjaaja on vastannut kyllä.
launch-crew-at-once = Kysytään: { $names }. Kutsut perheille lähtevät heti.
btn-launch-ask = Kysy: { $name }
btn-launch-ask-all = Kysy kaikilta ryhmän ohjaajilta
btn-launch-at-once = Lähetä kutsut perheille heti
btn-launch-hold = Odota ohjaajan kyllä ennen kutsuja
launch-started-hold = Ehdotus lähtee ohjaajille. Kutsut perheille lähtevät, kun ensimmäinen ohjaaja vastaa kyllä. Näet vastaukset täällä.
launch-crew-asked = Ehdotus lähtee myös ohjaajille. Näet heidän vastauksensa täällä.

fac-write-none = Ohjaamasi ryhmä ei ole vielä alkanut, joten perheille ei voi vielä kirjoittaa.
fac-write-choose = Minkä ryhmän perheille kirjoitat?
btn-fac-write-to = { $group }, { $area } ({ $when }): { $count } { $count ->
        [one] perhe
       *[other] perhettä
    }
fac-write-ask = Kirjoita viesti ryhmän <b>{ $group }, { $area }</b> perheille ({ $count }). Se lähtee sellaisenaan; yöllä kirjoitettu lähtee aamulla.
group-message-first = Viesti ryhmän ohjaajalta
launch-still-held = Kutsut perheille odottavat yhä ohjaajan kyllä-vastausta.
btn-launch-release = Lähetä kutsut perheille nyt
launch-released = Selvä! Kutsut lähtevät perheille.
cmd-group = Ryhmäsi osallistujat
cmd-write = Viesti ryhmän perheille
cmd-support = Kysy koordinaattorilta apua
cmd-attendance = Ketkä tulivat tapaamisiin
help-facilitator =
    <b>Ryhmänohjaajalle</b>
    /group – ohjaamiesi ryhmien osallistujat
    /write – viesti ryhmän perheille
    /support – kysy koordinaattorilta apua
    /attendance – ketkä tulivat tapaamisiin
final-facilitators = Ohjaajat: { $names }
final-no-facilitator = Kukaan kysytyistä ohjaajista ei ole vastannut kyllä.

## Perheet ilman Telegramia (/add)

add-list = Lisäämäsi perheet ({ $count }). Perheen kutsut ja muut viestit tulevat sinulle, ja vastaat niihin perheen puolesta.
add-list-item = { $label } · { $group }, { $area } · { $status }
add-status-waiting = jonossa
add-status-invited = kutsuttu, vastausta odotetaan
add-status-accepted = tulossa
add-status-paused = tauolla
add-status-aged-out = lapsi kasvoi ryhmästä
add-aged-out-ended = Perheen ilmoittautuminen ryhmään { $group } ei ole enää jonossa, eikä sitä lasketa mukaan. Kerro perheelle ryhmistä, jotka sopivat nyt. Kun et enää tarvitse ilmoittautumista, peru se.
btn-add-edit = Muuta: { $label }
btn-add-withdraw = Peru: { $label }
btn-add-new = ➕ Lisää perhe
add-ask-group = Lisäät perheen, joka ilmoittautui puhelimessa, paperilla tai kasvokkain. Mihin ryhmään?
add-ask-area = Missä kunnassa perhe voi osallistua?
add-ask-language = Millä kielellä perhe toivoo ryhmän kokoontuvan?
add-ask-ages = Minkä ikäinen lapsi on? ({ $min }–{ $max } v)
add-ask-more-ages = Lapset: { $ages } v. Lisää toinen lapsi tai jatka.
add-ask-times = Mitkä ajat sopivat perheelle? Valitse yksi tai useampi.
add-kept = Aiempi vastauksesi: { $answer }
add-ask-label = Kirjoita lopuksi lyhyt tunniste, josta tunnistat perheen (esimerkiksi sukunimi ja paikka), enintään { $max } merkkiä. Sen näkevät vain ryhmän koordinaattorit. Perhe tallentuu, kun lähetät tunnisteen.
add-ask-how = Miten perhe antoi suostumuksensa tietojen tallentamiseen?
add-how-phone = Puhelimessa
add-how-paper = Paperilla
add-how-in-person = Kasvokkain
add-ask-when = Minä päivänä? Valitse tai kirjoita päivä, esimerkiksi 3.12.
btn-add-today = Tänään
btn-add-yesterday = Eilen
add-hint-label = Kirjoita tunniste, 1–40 merkkiä.
add-hint-day = En tunnistanut päivää. Kirjoita esimerkiksi 3.12. – ei tulevaisuudessa eikä yli vuoden takaa.
add-hint-age = Lapsi ei ole tämän ryhmän ikäinen silloin, kun ryhmä voisi alkaa. Jos lapsen syntymäpäivä on myöhemmin vuodessa, kirjoita syntymäkuukausi, esimerkiksi 3/2021.
add-summary =
    <b>{ $group }</b>
    Kunta: { $area }
    Ryhmän kieli: { $language }
    Sopivat ajat: { $times }
    Suostumus: { $how }, { $on }
add-summary-note = Perhe lasketaan mukaan kuten muutkin. Kutsut ja muut perheen viestit tulevat sinulle, ja vastaat niihin perheen puolesta.
add-summary-label = Tunniste: <b>{ $label }</b>
add-ask-label-edit = Tallenna, tai kirjoita uusi tunniste, niin muutokset tallentuvat sen kanssa.
btn-add-save = Tallenna
add-saved = Lisätty: { $label } ({ $group }, { $area }). Perhe on nyt jonossa. Perheen viestit tulevat sinulle. Näet lisäämäsi perheet komennolla /add.
add-updated = Tallennettu: { $label } ({ $group }, { $area }).
add-for-family = Perhe, jonka lisäsit: <b>{ $label }</b>
added-mark = (lisätty käsin)
