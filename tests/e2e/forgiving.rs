//! A conversation that forgives (issue 13): every question offers Back, Cancel and `/start` ask
//! before they throw away answers, a child of another age is offered the group that fits, and
//! typed answers work wherever buttons do.

use crate::chat::{app, Chat};
use kokoon::domain::UserId;

#[tokio::test]
async fn every_question_offers_back_and_back_keeps_what_was_given() {
    let (app, _dir) = app();
    let mut p = Chat::new(&app, 3001, "fi");
    p.says("/start tilli-toukka")
        .await
        .shows("Ennen kysymyksiä")
        .offers("Takaisin");
    p.taps("Hyväksyn tallennuksen")
        .await
        .shows("Minkä ikäinen lapsesi on?")
        .offers("Takaisin");
    p.taps("5")
        .await
        .shows("Tuleeko ryhmään vielä muita lapsia?")
        .offers("Takaisin");
    // Back from "more children?" asks that child's age again.
    p.taps("Takaisin").await.shows("Minkä ikäinen lapsesi on?");
    p.taps("4").await.shows("Lisätty: 4 v.").hides("5, 4");
    p.taps("Ei muita, jatketaan")
        .await
        .shows("Missä kunnassa voitte osallistua?")
        .offers("Takaisin");
    p.taps("Takaisin")
        .await
        .shows("Lisätty: 4 v. Tuleeko ryhmään vielä muita lapsia?");
    p.taps("Ei muita, jatketaan").await;
    p.taps("Hyvinkää")
        .await
        .shows("Millä kielellä toivotte ryhmän kokoontuvan?")
        .offers("Takaisin");
    p.taps("Takaisin")
        .await
        .shows("Missä kunnassa voitte osallistua?");
    p.taps("Hyvinkää").await;
    p.taps("suomi")
        .await
        .shows("Mitkä ajat sopivat teille?")
        .offers("Takaisin");
    p.taps("Arki-iltaisin").await.offers("✓ Arki-iltaisin");
    p.taps("Takaisin")
        .await
        .shows("Millä kielellä toivotte ryhmän kokoontuvan?");
    // Forward again: the times ticked are still ticked.
    p.taps("suomi").await.offers("✓ Arki-iltaisin");
    p.taps("Valmis")
        .await
        .shows("Saavatko koordinaattori ja ryhmän ohjaajat nähdä")
        .offers("Takaisin");
    p.taps("Takaisin").await.offers("✓ Arki-iltaisin");
    p.taps("Valmis").await;
    p.taps("Ei, kiitos")
        .await
        .shows("Haluatko vielä kertoa koordinaattorille jotain?")
        .offers("Ohita");
    p.taps("Ohita")
        .await
        .shows("Lapsen ikä: 4 v")
        .shows("Kunta: Hyvinkää")
        .offers("Takaisin");
    p.taps("Takaisin")
        .await
        .shows("Haluatko vielä kertoa koordinaattorille jotain?");
    p.taps("Ohita").await;
    p.taps("Vahvista")
        .await
        .shows("Hyvinkäältä on nyt ilmoitettu 1 lapsi.");
    let regs = app.store.registrations_of(UserId(3001)).expect("store");
    assert_eq!(
        kokoon::domain::child::ages_of(&regs[0].children, app.clock.now()),
        vec![4]
    );

    // Back from a part changed from the summary returns to the summary.
    p.says("/start tilli-toukka").await;
    p.taps("Muuta").await;
    p.taps("Kunta")
        .await
        .shows("Missä kunnassa voitte osallistua?")
        .offers("Takaisin");
    p.taps("Takaisin")
        .await
        .shows("Kunta: Hyvinkää")
        .offers("Vahvista");
}

#[tokio::test]
async fn cancel_asks_before_it_throws_away_the_children_given() {
    let (app, _dir) = app();
    let mut p = Chat::new(&app, 3002, "fi");
    p.says("/start tilli-toukka").await;
    p.taps("Hyväksyn tallennuksen").await;
    p.taps("5").await;
    p.taps("Lisää lapsi")
        .await
        .shows("Minkä ikäinen seuraava lapsi on?");
    p.taps("Peru")
        .await
        .shows(
            "Keskeytetäänkö ilmoittautuminen ryhmään Tilli Toukka? Antamasi vastaukset poistuvat.",
        )
        .offers("Kyllä, keskeytä")
        .offers("Ei, jatketaan");
    p.taps("Ei, jatketaan")
        .await
        .shows("Minkä ikäinen seuraava lapsi on?");
    // A birth date typed instead: six now, and still six when a group could start.
    p.says("9/2020").await.shows("Lisätty: 5, 6 v.");
    p.says("/cancel")
        .await
        .shows("Keskeytetäänkö ilmoittautuminen ryhmään Tilli Toukka?");
    p.taps("Kyllä, keskeytä")
        .await
        .shows("Selvä, keskeytetty. Keskeneräisiä vastauksia ei tallennettu.");
    assert!(app
        .store
        .registrations_of(UserId(3002))
        .expect("store")
        .is_empty());
    p.says("/cancel").await.shows("Mitään ei ole kesken.");

    // Nothing given yet: nothing to lose, so no question.
    p.says("/start tilli-toukka").await;
    p.says("/cancel")
        .await
        .shows("Selvä, keskeytetty.")
        .hides("Keskeytetäänkö");

    // In Swedish too.
    let mut s = Chat::new(&app, 3003, "sv");
    s.says("/start tilli-toukka").await;
    s.taps("Jag godkänner").await;
    s.taps("5").await;
    s.taps("Lägg till ett barn").await;
    s.taps("Avbryt")
        .await
        .shows("Ska anmälan till Tilli Toukka avbrytas? Svaren du har gett försvinner.")
        .offers("Nej, fortsätt");
}

#[tokio::test]
async fn a_child_of_another_age_is_offered_the_group_that_fits_keeping_the_age() {
    let (app, _dir) = app();
    let mut p = Chat::new(&app, 3004, "fi");
    p.says("/start tilli-toukka").await;
    p.taps("Hyväksyn tallennuksen").await;
    p.says("9")
        .await
        .shows("Tilli Toukka on 4–6-vuotiaille. 9-vuotias ei valitettavasti voi osallistua siihen.")
        .shows("Eroperheiden koululaisten ryhmä sopii 9-vuotiaalle – ilmoittaudutaanko siihen?")
        .offers("Ilmoittaudu: Eroperheiden koululaisten ryhmä")
        .offers("Takaisin")
        .hides("Minkä ikäinen");
    assert!(!p.has_button("4"), "not the age question again");
    p.taps("Ilmoittaudu: Eroperheiden koululaisten ryhmä")
        .await
        .shows("7–10-vuotiaille")
        .hides("Ennen kysymyksiä")
        .shows("Lisätty: 9 v. Tuleeko ryhmään vielä muita lapsia?");

    // Back instead: the age question again, nothing lost.
    let mut q = Chat::new(&app, 3005, "sv");
    q.says("/start tilli-toukka").await;
    q.taps("Jag godkänner").await;
    q.says("8")
        .await
        .shows("Grupp för skolbarn i skilsmässofamiljer passar en 8-åring – vill du anmäla barnet dit?")
        .offers("Anmäl till Grupp för skolbarn i skilsmässofamiljer");
    q.taps("Tillbaka").await.shows("Hur gammalt är ditt barn?");
    q.taps("5").await.shows("Tillagt: 5 år.");
}

#[tokio::test]
async fn typed_answers_work_wherever_buttons_do() {
    let (app, _dir) = app();
    let mut p = Chat::new(&app, 3006, "fi");
    p.says("/start").await;
    p.says("tilli toukka").await.shows("Ennen kysymyksiä");
    p.says("kyllä").await.shows("Minkä ikäinen lapsesi on?");
    p.says("5 vuotta").await.shows("Lisätty: 5 v.");
    p.says("ei").await.shows("Missä kunnassa");
    p.says("Hyvinkää")
        .await
        .shows("Millä kielellä toivotte ryhmän kokoontuvan?");
    p.says("suomi").await.shows("Mitkä ajat sopivat teille?");
    p.says("arki-iltaisin").await.offers("✓ Arki-iltaisin");
    p.says("valmis")
        .await
        .shows("Saavatko koordinaattori ja ryhmän ohjaajat nähdä");
    p.says("ei")
        .await
        .shows("Haluatko vielä kertoa koordinaattorille jotain?");
    p.says("ei kiitos")
        .await
        .shows("Ryhmän kieli: suomi")
        .shows("Sopivat ajat: Arki-iltaisin");

    let mut s = Chat::new(&app, 3007, "sv");
    s.says("/start tilli-toukka").await;
    s.says("ja").await.shows("Hur gammalt är ditt barn?");
    s.says("fem").await.shows("Tillagt: 5 år.");
    s.says("nej").await.shows("I vilken kommun kan ni delta?");
    s.says("Borgå")
        .await
        .shows("På vilket språk vill ni att gruppen hålls?");
    s.says("svenska").await.shows("Vilka tider passar er?");
    s.says("vardagskvällar").await.offers("✓ Vardagskvällar");
    s.says("klar").await;
    s.says("nej tack")
        .await
        .shows("Vill du berätta något mer för koordinatorn?");
    s.says("hoppa över")
        .await
        .shows("Kommun: Borgå")
        .shows("Gruppens språk: svenska");

    let mut e = Chat::new(&app, 3008, "en");
    e.says("/start tilli-toukka").await;
    e.says("yes").await;
    e.says("five years").await.shows("Added: 5 years.");
}

#[tokio::test]
async fn start_in_the_middle_of_a_registration_asks_before_dropping_it() {
    let (app, _dir) = app();
    let mut p = Chat::new(&app, 3009, "fi");
    p.says("/start tilli-toukka").await;
    p.taps("Hyväksyn tallennuksen").await;
    p.taps("5").await;
    p.says("/start")
        .await
        .shows("Ilmoittautumisesi ryhmään Tilli Toukka on vielä kesken. Aloitetaanko alusta? Antamasi vastaukset poistuvat.")
        .offers("Aloita alusta")
        .offers("Ei, jatketaan");
    p.taps("Ei, jatketaan")
        .await
        .shows("Lisätty: 5 v. Tuleeko ryhmään vielä muita lapsia?");
    p.says("/start eron-edessa").await.shows("on vielä kesken");
    p.taps("Aloita alusta")
        .await
        .shows("Eron edessä -ilta")
        .shows("Ennen kysymyksiä");

    // Nothing given yet: /start just starts.
    let mut q = Chat::new(&app, 3010, "fi");
    q.says("/start tilli-toukka").await;
    q.says("/start")
        .await
        .shows("Mistä ryhmästä olet kiinnostunut?")
        .hides("kesken");
}

/// A coordinator's launch: every question after the first offers Back, and Back returns to the
/// question before with its answer kept (shown, and kept with one tap).
#[tokio::test]
async fn a_launch_offers_back_at_every_question_after_the_first_and_keeps_the_answers() {
    let (app, _dir) = app();
    crate::chat::join_tilli(&app, 3101, "Hyvinkää", false).await;

    let mut c = Chat::new(&app, 100_000_001, "fi");
    let menu = c.says("/launch").await;
    let pool = menu
        .buttons
        .iter()
        .find(|b| b.starts_with("Tilli Toukka · Hyvinkää"))
        .cloned()
        .expect("the pool is offered");
    let first = c.taps(&pool).await;
    first.shows("milloin on ensimmäinen tapaaminen?");
    assert!(
        !first.buttons.iter().any(|b| b == "Takaisin"),
        "the first question has nothing before it: {:?}",
        first.buttons
    );
    c.says("15.3. klo 17")
        .await
        .shows("Milloin tapaaminen päättyy?")
        .offers("Takaisin");
    // Back to the time: the time given is kept, and kept with one tap.
    c.taps("Takaisin")
        .await
        .shows("milloin on ensimmäinen tapaaminen?")
        .shows("Aiempi vastauksesi: 15.3.2027 klo 17")
        .offers("Pidä ennallaan");
    c.taps("Pidä ennallaan")
        .await
        .shows("Milloin tapaaminen päättyy?");
    c.says("1,5 h")
        .await
        .shows("Missä tapaaminen on?")
        .offers("Takaisin");
    c.taps("Takaisin")
        .await
        .shows("Milloin tapaaminen päättyy?")
        .shows("Aiempi vastauksesi: ")
        .shows("18.30")
        .offers("Takaisin");
    c.taps("Pidä ennallaan").await.shows("Missä tapaaminen on?");
    c.says("Pikku-Veturi, Hyvinkää")
        .await
        .shows("Käynnistetäänkö")
        .offers("Takaisin");
    c.taps("Takaisin")
        .await
        .shows("Missä tapaaminen on?")
        .shows("Aiempi vastauksesi: Pikku-Veturi, Hyvinkää");
    // A new answer replaces the kept one; the answers after it are still there.
    c.says("Kirjasto, Hyvinkää")
        .await
        .shows("Käynnistetäänkö")
        .shows("15.3.2027 klo 17")
        .shows("Kirjasto, Hyvinkää");
    c.taps("Lähetä kutsut").await.shows("Kutsut lähtevät");
}

/// A coordinator's new event: every question after the first offers Back, and Back returns to
/// the question before with its answer kept.
#[tokio::test]
async fn a_new_event_offers_back_at_every_question_after_the_first_and_keeps_the_answers() {
    let (app, _dir) = app();
    let mut c = Chat::new(&app, 100_000_001, "fi");
    let first = c.says("/newevent").await;
    first.shows("Mikä on tapahtuman nimi?");
    assert!(
        !first.buttons.iter().any(|b| b == "Takaisin"),
        "the first question has nothing before it: {:?}",
        first.buttons
    );
    c.says("Eron edessä -ilta")
        .await
        .shows("Liittyykö tapahtuma johonkin ryhmään?")
        .offers("Takaisin");
    c.taps("Takaisin")
        .await
        .shows("Mikä on tapahtuman nimi?")
        .shows("Aiempi vastauksesi: Eron edessä -ilta");
    c.taps("Pidä ennallaan")
        .await
        .shows("Liittyykö tapahtuma johonkin ryhmään?");
    c.taps("Ei ryhmää")
        .await
        .shows("Milloin tapahtuma alkaa?")
        .offers("Takaisin");
    c.taps("Takaisin")
        .await
        .shows("Liittyykö tapahtuma johonkin ryhmään?")
        .shows("Aiempi vastauksesi: ei ryhmää");
    c.taps("Pidä ennallaan")
        .await
        .shows("Milloin tapahtuma alkaa?");
    c.says("15.3. klo 17")
        .await
        .shows("Milloin se päättyy?")
        .offers("Takaisin");
    c.taps("Takaisin")
        .await
        .shows("Milloin tapahtuma alkaa?")
        .shows("Aiempi vastauksesi: 15.3.2027 klo 17");
    c.taps("Pidä ennallaan").await.shows("Milloin se päättyy?");
    c.says("19")
        .await
        .shows("Missä tapahtuma on?")
        .offers("Takaisin");
    c.taps("Takaisin")
        .await
        .shows("Milloin se päättyy?")
        .shows("Aiempi vastauksesi: ")
        .shows("19");
    c.taps("Pidä ennallaan").await.shows("Missä tapahtuma on?");
    c.says("Pikku-Veturi, Hyvinkää")
        .await
        .shows("Montako osallistujaa")
        .offers("Takaisin");
    c.taps("Takaisin")
        .await
        .shows("Missä tapahtuma on?")
        .shows("Aiempi vastauksesi: Pikku-Veturi, Hyvinkää");
    c.taps("Pidä ennallaan").await.shows("Montako osallistujaa");
    c.says("12")
        .await
        .shows("Kirjoita lyhyt kuvaus")
        .offers("Takaisin");
    c.taps("Takaisin")
        .await
        .shows("Montako osallistujaa")
        .shows("Aiempi vastauksesi: 12");
    // A new answer replaces the kept one and walks on.
    c.says("20").await.shows("Kirjoita lyhyt kuvaus");
    c.says("Tietoa erosta ja tukea.")
        .await
        .offers("Luo tapahtuma")
        .offers("Takaisin");
    c.taps("Takaisin")
        .await
        .shows("Kirjoita lyhyt kuvaus")
        .shows("Aiempi vastauksesi: Tietoa erosta ja tukea.");
    c.taps("Pidä ennallaan").await.offers("Luo tapahtuma");
    c.taps("Luo tapahtuma").await.shows("Tapahtuma luotiin.");
    let events = app.store.events().expect("store");
    let e = events.last().expect("the event is stored");
    assert_eq!(e.title.get(kokoon::domain::Lang::Fi), "Eron edessä -ilta");
    assert_eq!(e.place, "Pikku-Veturi, Hyvinkää");
    assert_eq!(e.capacity, Some(20));
}

/// A coordinator's broadcast: Back from the text to the audiences, and from the confirmation to
/// the text, kept.
#[tokio::test]
async fn a_broadcast_offers_back_at_the_text_and_the_confirmation_and_keeps_the_text() {
    let (app, _dir) = app();
    let mut p = Chat::new(&app, 3201, "fi");
    p.says("/start tilli-toukka").await;
    p.taps("Hyväksyn tallennuksen").await;
    p.taps("5").await;
    p.taps("Ei muita, jatketaan").await;
    p.taps("Hyvinkää").await;
    p.taps("suomi").await;
    p.taps("Arki-iltaisin").await;
    p.taps("Valmis").await;
    p.taps("Ei, kiitos").await;
    p.taps("Ohita").await;
    p.taps("Vahvista").await.shows("on tallennettu");

    let mut c = Chat::new(&app, 100_000_001, "fi");
    c.says("/broadcast")
        .await
        .shows("Kenelle viesti lähetetään?");
    c.taps("Jonossa: Tilli Toukka (1)")
        .await
        .shows("Se lähtee 1 vastaanottajalle.")
        .offers("Takaisin");
    c.taps("Takaisin")
        .await
        .shows("Kenelle viesti lähetetään?")
        .offers("Jonossa: Tilli Toukka (1)");
    c.taps("Jonossa: Tilli Toukka (1)").await;
    c.says("Tervetuloa syksyllä!")
        .await
        .offers("Lähetä")
        .offers("Takaisin");
    c.taps("Takaisin")
        .await
        .shows("Se lähtee 1 vastaanottajalle.")
        .shows("Aiempi vastauksesi: Tervetuloa syksyllä!");
    c.taps("Pidä ennallaan")
        .await
        .shows("Tervetuloa syksyllä!")
        .offers("Lähetä");
    c.taps("Takaisin").await;
    c.says("Tervetuloa keväällä!")
        .await
        .shows("Tervetuloa keväällä!")
        .offers("Lähetä");
    c.taps("Lähetä")
        .await
        .shows("Viesti lähtee 1 vastaanottajalle.");
}
