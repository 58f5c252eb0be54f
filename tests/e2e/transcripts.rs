//! Conversations with the engine and store, read as transcripts: `says` is what the parent types,
//! `taps` a button they press, `shows` what kokoon must answer.

use crate::chat::{app, Chat};
use kokoon::domain::{GroupId, UserId};

fn group(id: &str) -> GroupId {
    GroupId::parse(id).expect("group id")
}

#[tokio::test]
async fn full_registration_in_finnish() {
    let (app, _dir) = app();
    let mut parent = Chat::new(&app, 1001, "fi");
    parent
        .says("/start")
        .await
        .shows("Hei! Olen kokoon")
        .shows("Mistä ryhmästä olet kiinnostunut?")
        .offers("Tilli Toukka");
    parent
        .taps("Tilli Toukka")
        .await
        .shows("Vertaisryhmä 4–6-vuotiaille")
        .shows("Ennen kysymyksiä")
        .shows("lasten iät")
        .shows("/privacy")
        .hides("Minkä ikäinen");
    parent
        .taps("Hyväksyn tallennuksen")
        .await
        .shows("Minkä ikäinen lapsesi on?");
    parent
        .taps("5")
        .await
        .shows("Lisätty: 5 v. Tuleeko ryhmään vielä muita lapsia?");
    parent
        .taps("Lisää lapsi")
        .await
        .shows("Minkä ikäinen seuraava lapsi on?");
    parent.says("4 vuotta").await.shows("Lisätty: 5, 4 v");
    parent
        .taps("Ei muita, jatketaan")
        .await
        .shows("Missä kunnassa voitte osallistua?")
        .offers("Hyvinkää")
        .offers("Järvenpää");
    parent
        .taps("Hyvinkää")
        .await
        .shows("Millä kielellä toivotte ryhmän kokoontuvan?");
    parent
        .taps("suomi")
        .await
        .shows("Mitkä ajat sopivat teille?");
    parent
        .taps("Arki-iltaisin")
        .await
        .in_place()
        .offers("✓ Arki-iltaisin");
    parent
        .taps("Arkiaamupäivisin")
        .await
        .in_place()
        .offers("✓ Arkiaamupäivisin")
        .offers("✓ Arki-iltaisin");
    parent
        .taps("Valmis")
        .await
        .shows("Saavatko koordinaattori ja ryhmän ohjaajat nähdä");
    parent
        .taps("Kyllä, saa nähdä")
        .await
        .shows("Haluatko vielä kertoa koordinaattorille jotain?");
    parent
        .taps("Ohita")
        .await
        .shows("Lasten iät: 5, 4 v")
        .shows("Kunta: Hyvinkää")
        .shows("Ryhmän kieli: suomi")
        .shows("Sopivat ajat: Arkiaamupäivisin, Arki-iltaisin")
        .shows("Nimesi näytetään koordinaattorille ja ryhmän ohjaajille.");
    parent
        .taps("Vahvista")
        .await
        .shows("Kiitos! Ilmoittautumisesi ryhmään Tilli Toukka on tallennettu.")
        .shows("Hyvinkäältä on nyt ilmoitettu 2 lasta. Ryhmä voi alkaa, kun lapsia on 5.");

    let regs = app.store.registrations_of(UserId(1001)).expect("store");
    assert_eq!(regs.len(), 1);
    assert_eq!(
        kokoon::domain::child::ages_of(&regs[0].children, app.clock.now()),
        vec![5, 4]
    );
    assert_eq!(
        regs[0].contact.as_ref().map(|c| c.name.as_str()),
        Some("Parent 1001")
    );
}

#[tokio::test]
async fn full_registration_in_swedish() {
    let (app, _dir) = app();
    let mut parent = Chat::new(&app, 1002, "sv-FI");
    parent
        .says("/start")
        .await
        .shows("Hej! Jag är kokoon")
        .shows("Vilken grupp är du intresserad av?");
    parent.taps("Tilli Toukka").await.shows("Innan frågorna");
    parent
        .taps("Jag godkänner")
        .await
        .shows("Hur gammalt är ditt barn?");
    parent.says("4").await.shows("Tillagt: 4 år.");
    parent
        .taps("Inga fler, fortsätt")
        .await
        .shows("I vilken kommun kan ni delta?")
        .offers("Hyvinge")
        .offers("Borgå");
    parent
        .taps("Hyvinge")
        .await
        .shows("På vilket språk vill ni att gruppen hålls?");
    parent.taps("svenska").await.shows("Vilka tider passar er?");
    parent.taps("Vardagseftermiddagar").await.in_place();
    parent
        .taps("Klar")
        .await
        .shows("Får koordinatorn och gruppens ledare se ditt namn");
    parent
        .taps("Nej tack")
        .await
        .shows("Vill du berätta något mer för koordinatorn?");
    parent
        .taps("Hoppa över")
        .await
        .shows("Barnets ålder: 4 år")
        .shows("Kommun: Hyvinge")
        .shows("Gruppens språk: svenska")
        .shows("Ditt namn visas inte för koordinatorn eller gruppens ledare.");
    parent
        .taps("Bekräfta")
        .await
        .shows("Tack! Din anmälan till Tilli Toukka är sparad.")
        .shows("I Hyvinge har 1 barn anmälts. Gruppen kan starta när de är 5.");
    let regs = app.store.registrations_of(UserId(1002)).expect("store");
    assert_eq!(regs[0].contact, None, "no consent to share: no name stored");
}

#[tokio::test]
async fn full_registration_in_english_for_an_adults_group_skips_child_questions() {
    let (app, _dir) = app();
    let mut parent = Chat::new(&app, 1003, "en");
    parent.says("/start").await.shows("Hi! I'm kokoon");
    parent
        .taps("Facing separation evening")
        .await
        .shows("information evening")
        .shows("Before the questions")
        .hides("children's ages")
        .hides("In which area");
    parent
        .taps("I agree")
        .await
        .shows("In which municipality can you take part?")
        .hides("How old");
    parent
        .says("järvenpää")
        .await
        .shows("In which language would you like the group to meet?");
    parent.taps("Finnish").await.shows("Which times suit you?");
    parent.taps("Weekday evenings").await.in_place();
    parent
        .taps("Done")
        .await
        .shows("May the coordinator and the group's facilitators see");
    parent
        .taps("No, thanks")
        .await
        .shows("Is there anything else the coordinator should know?");
    parent
        .taps("Skip")
        .await
        .shows("Municipality: Järvenpää")
        .hides("Child");
    parent
        .taps("Confirm")
        .await
        .shows("Your registration for Facing separation evening is saved.")
        .shows("1 person has registered in Järvenpää so far.");
}

#[tokio::test]
async fn a_child_outside_the_age_range_gets_a_kind_explanation_and_groups_that_fit() {
    let (app, _dir) = app();
    let mut parent = Chat::new(&app, 1004, "fi");
    parent.says("/start").await;
    parent.taps("Tilli Toukka").await;
    parent.taps("Hyväksyn tallennuksen").await;
    parent
        .says("8")
        .await
        .shows("Tilli Toukka on 4–6-vuotiaille. 8-vuotias ei valitettavasti voi osallistua siihen.")
        .shows("Eroperheiden koululaisten ryhmä sopii 8-vuotiaalle – ilmoittaudutaanko siihen?")
        .offers("Ilmoittaudu: Eroperheiden koululaisten ryhmä");
    parent
        .taps("Ilmoittaudu: Eroperheiden koululaisten ryhmä")
        .await
        .shows("7–10-vuotiaille")
        .hides("Ennen kysymyksiä") // consented a moment ago: not asked again
        .shows("Lisätty: 8 v");

    let mut other = Chat::new(&app, 1005, "en");
    other.says("/start").await;
    other.taps("Tilli Toukka").await;
    other.taps("I agree").await;
    other
        .says("15")
        .await
        .shows("Sadly a 15-year-old can't take part.")
        .shows("Right now there is no group for that age")
        .shows("040 123 4567");
}

#[tokio::test]
async fn change_before_confirm_returns_to_the_summary() {
    let (app, _dir) = app();
    let mut parent = Chat::new(&app, 1006, "en");
    register_tilli(&mut parent, "5", "Hyvinkää").await;
    parent
        .taps("Change")
        .await
        .shows("What would you like to change?")
        .offers("Children's ages");
    parent
        .taps("Municipality")
        .await
        .shows("In which municipality can you take part?");
    parent
        .taps("Tuusula")
        .await
        .shows("Municipality: Tuusula")
        .offers("Confirm");
    parent.taps("Change").await;
    parent
        .taps("Children's ages")
        .await
        .shows("How old is your child?");
    parent.taps("5").await.shows("Added: 5 years");
    parent
        .taps("No more, continue")
        .await
        .shows("Child's age: 5")
        .shows("Municipality: Tuusula");
    parent.taps("Change").await;
    parent.taps("Times").await.offers("✓ Weekday mornings");
    parent
        .taps("Weekday evenings")
        .await
        .offers("✓ Weekday evenings");
    parent
        .taps("Done")
        .await
        .shows("Times that suit: Weekday mornings, Weekday evenings");
    parent
        .taps("Confirm")
        .await
        .shows("1 child has been registered in Tuusula so far.");
    let regs = app.store.registrations_of(UserId(1006)).expect("store");
    assert_eq!(regs.len(), 1);
    assert_eq!(regs[0].area.as_str(), "tuusula");
    assert_eq!(
        kokoon::domain::child::ages_of(&regs[0].children, app.clock.now()),
        vec![5]
    );
}

#[tokio::test]
async fn registering_again_updates_the_one_registration() {
    let (app, _dir) = app();
    let mut parent = Chat::new(&app, 1007, "fi");
    register_tilli(&mut parent, "5", "Hyvinkää").await;
    parent
        .taps("Vahvista")
        .await
        .shows("on tallennettu")
        .shows("Hyvinkäältä on nyt ilmoitettu 1 lapsi.");
    parent
        .says("/start tilli-toukka")
        .await
        .shows("Olet jo ilmoittautunut ryhmään Tilli Toukka")
        .shows("Lapsen ikä: 5 v");
    parent
        .taps("Vahvista")
        .await
        .shows("on päivitetty")
        .shows("Hyvinkäältä on nyt ilmoitettu 1 lapsi.");
    let regs = app.store.registrations_of(UserId(1007)).expect("store");
    assert_eq!(regs.len(), 1);
    let demand = app
        .store
        .demand_of(&group("tilli-toukka"), &regs[0].area)
        .expect("store");
    assert_eq!((demand.families, demand.participants), (1, 1));
}

#[tokio::test]
async fn withdraw_from_mine() {
    let (app, _dir) = app();
    let mut parent = Chat::new(&app, 1008, "sv");
    register_tilli(&mut parent, "4", "Hyvinge").await;
    parent.taps("Bekräfta").await;
    parent
        .says("/mine")
        .await
        .shows("Du har en anmälan:")
        .shows("Tilli Toukka")
        .offers("Återkalla anmälan");
    parent
        .taps("Återkalla anmälan")
        .await
        .shows("Vill du återkalla din anmälan till Tilli Toukka?");
    parent.taps("Nej, behåll").await.shows("ingenting ändrades");
    assert_eq!(
        app.store
            .registrations_of(UserId(1008))
            .expect("store")
            .len(),
        1
    );
    parent.says("/mine").await;
    parent.taps("Återkalla anmälan").await;
    parent
        .taps("Ja, återkalla")
        .await
        .shows("Din anmälan till Tilli Toukka är återkallad.");
    assert!(app
        .store
        .registrations_of(UserId(1008))
        .expect("store")
        .is_empty());
    parent
        .says("/mine")
        .await
        .shows("Du har inga anmälningar.")
        .offers("Tilli Toukka");
    // The old withdraw button after withdrawal: a friendly hint, nothing breaks.
    parent
        .presses_raw("1:my:tilli-toukka")
        .await
        .shows("Den knappen är från ett gammalt meddelande.");
}

#[tokio::test]
async fn forget_deletes_everything_after_one_confirmation() {
    let (app, _dir) = app();
    let mut parent = Chat::new(&app, 1009, "en");
    parent
        .says("/lang")
        .await
        .offers("Suomi")
        .offers("Svenska")
        .offers("English");
    parent
        .taps("English")
        .await
        .shows("I'll speak English now.");
    register_tilli(&mut parent, "5", "Hyvinkää").await;
    parent.taps("Confirm").await;
    parent
        .says("/forget")
        .await
        .shows("Delete all your data?")
        .offers("Yes, delete everything");
    parent
        .taps("No, keep it")
        .await
        .shows("nothing was changed");
    assert_eq!(
        app.store
            .registrations_of(UserId(1009))
            .expect("store")
            .len(),
        1
    );
    parent.says("/forget").await;
    parent
        .taps("Yes, delete everything")
        .await
        .shows("All your data has been deleted");
    assert!(app
        .store
        .registrations_of(UserId(1009))
        .expect("store")
        .is_empty());
    let id = 1009u64.to_be_bytes();
    for (tree, k, v) in app.store.dump().expect("dump") {
        assert!(!k.windows(8).any(|w| w == id), "user key left in {tree}");
        assert!(
            !String::from_utf8_lossy(&v).contains("1009"),
            "user id left in {tree}"
        );
    }
    // A stale confirmation button does nothing.
    parent
        .presses_raw("1:f:y")
        .await
        .shows("That button is from an old message.");
}

#[tokio::test]
async fn cancel_half_way_keeps_nothing() {
    let (app, _dir) = app();
    let mut parent = Chat::new(&app, 1010, "fi");
    parent.says("/start").await;
    parent.taps("Tilli Toukka").await;
    parent.taps("Hyväksyn tallennuksen").await;
    parent.taps("5").await;
    parent.taps("Ei muita, jatketaan").await;
    parent
        .says("/cancel")
        .await
        .shows("Keskeytetäänkö ilmoittautuminen ryhmään Tilli Toukka?");
    parent
        .taps("Kyllä, keskeytä")
        .await
        .shows("Selvä, keskeytetty. Keskeneräisiä vastauksia ei tallennettu.");
    assert!(app
        .store
        .registrations_of(UserId(1010))
        .expect("store")
        .is_empty());
    parent.says("/cancel").await.shows("Mitään ei ole kesken.");
    parent
        .says("5")
        .await
        .shows("Valitse vaihtoehto")
        .offers("Tilli Toukka");
}

#[tokio::test]
async fn bad_input_at_every_step_gets_a_hint_and_the_question_again() {
    let (app, _dir) = app();
    let mut parent = Chat::new(&app, 1011, "fi");
    let essay = "pitkä teksti ".repeat(800);
    parent
        .says("hei")
        .await
        .shows("Valitse vaihtoehto")
        .shows("Mistä ryhmästä");
    parent
        .sends_sticker()
        .await
        .shows("Ymmärrän vain tekstiä ja painikkeita.")
        .shows("Mistä ryhmästä");
    parent
        .says("/tuntematon")
        .await
        .shows("En tunne tuota komentoa.");
    parent.taps("Tilli Toukka").await;
    // Consent, first
    parent
        .says("ok")
        .await
        .shows("Valitse vaihtoehto")
        .shows("Ennen kysymyksiä");
    parent
        .presses_raw("1:a:5")
        .await
        .shows("Tuo painike on vanhasta viestistä.")
        .shows("Ennen kysymyksiä");
    parent.taps("Hyväksyn tallennuksen").await;
    // Ages
    parent
        .says("monta")
        .await
        .shows("Kirjoita ikä numerona")
        .shows("Minkä ikäinen lapsesi on?");
    parent.says(&essay).await.shows("Kirjoita ikä numerona");
    parent
        .sends_sticker()
        .await
        .shows("Ymmärrän vain tekstiä")
        .shows("Minkä ikäinen");
    parent
        .says("/tuntematon")
        .await
        .shows("En tunne tuota komentoa.")
        .shows("Minkä ikäinen");
    parent
        .presses_raw("1:ar:hyvinkaa")
        .await
        .shows("Tuo painike on vanhasta viestistä.")
        .shows("Minkä ikäinen");
    parent
        .presses_raw("forged!!")
        .await
        .shows("Tuo painike on vanhasta viestistä.");
    parent
        .presses_raw("1:a:99")
        .await
        .shows("Tuo painike on vanhasta viestistä.");
    parent.taps("5").await;
    // More children
    parent
        .says("ehkä")
        .await
        .shows("Kirjoita ikä numerona")
        .shows("Tuleeko ryhmään vielä muita lapsia?");
    parent.taps("Ei muita, jatketaan").await;
    // Area
    parent
        .says("Tampere")
        .await
        .shows("En löytänyt sen nimistä kuntaa")
        .shows("Missä kunnassa");
    parent
        .says(&essay)
        .await
        .shows("En löytänyt sen nimistä kuntaa")
        .shows("Missä kunnassa");
    parent
        .presses_raw("1:ar:tampere")
        .await
        .shows("Tuo painike on vanhasta viestistä.");
    parent.says("hyvinge").await.shows("Millä kielellä");
    // Language
    parent
        .says("saksaksi")
        .await
        .shows("Valitse vaihtoehto")
        .shows("Millä kielellä");
    parent
        .presses_raw("1:gl:en")
        .await
        .shows("Tuo painike on vanhasta viestistä.");
    parent.taps("suomi").await;
    // Times
    parent
        .says("illat")
        .await
        .shows("Valitse vaihtoehto")
        .shows("Mitkä ajat");
    parent
        .taps("Valmis")
        .await
        .shows("Valitse ainakin yksi aika.");
    parent
        .presses_raw("1:t:weekend")
        .await
        .shows("Tuo painike on vanhasta viestistä.");
    parent.taps("Arki-iltaisin").await;
    parent.taps("Valmis").await;
    // Share
    parent
        .sends_sticker()
        .await
        .shows("Saavatko koordinaattori ja ryhmän ohjaajat");
    parent.taps("Ei, kiitos").await;
    // Note
    parent.sends_sticker().await.shows("Haluatko vielä kertoa");
    parent.taps("Ohita").await;
    // Summary
    parent
        .says("vahvista")
        .await
        .shows("Valitse vaihtoehto")
        .shows("Ryhmän kieli: suomi");
    parent.presses_raw("1:ok").await.shows("on tallennettu");
    assert_eq!(
        app.store
            .registrations_of(UserId(1011))
            .expect("store")
            .len(),
        1
    );
}

#[tokio::test]
async fn refusing_consent_stores_nothing() {
    let (app, _dir) = app();
    let mut parent = Chat::new(&app, 1012, "en");
    parent
        .says("/start yhteinen-vanhemmuus")
        .await
        .shows("Hi! I'm kokoon")
        .shows("Co-parenting peer group")
        .hides("In which area");
    parent
        .taps("I don't agree")
        .await
        .shows("nothing was saved");
    assert!(app
        .store
        .registrations_of(UserId(1012))
        .expect("store")
        .is_empty());
}

#[tokio::test]
async fn deep_links_jump_into_a_group_and_bad_payloads_get_the_welcome() {
    let (app, _dir) = app();
    let mut parent = Chat::new(&app, 1013, "fi");
    parent
        .says("/start tilli-toukka__pikkuveturi")
        .await
        .shows("Täällä voit ilmoittautua vertaisryhmään")
        .shows("Ennen kysymyksiä");
    for bad in [
        "/start nope",
        "/start Tilli",
        "/start event-",
        "/start a b c",
        "/start ../../etc",
        "/start tilli-toukka__",
    ] {
        parent
            .says(bad)
            .await
            .shows("Mistä ryhmästä olet kiinnostunut?");
    }
    // The source from the link is kept on the registration.
    parent.says("/start tilli-toukka__pikkuveturi").await;
    parent.taps("Hyväksyn tallennuksen").await;
    parent.taps("5").await;
    parent.taps("Ei muita, jatketaan").await;
    parent.taps("Hyvinkää").await;
    parent.taps("suomi").await;
    parent.taps("Arki-iltaisin").await;
    parent.taps("Valmis").await;
    parent.taps("Ei, kiitos").await;
    parent.taps("Ohita").await;
    parent.taps("Vahvista").await;
    let regs = app.store.registrations_of(UserId(1013)).expect("store");
    assert_eq!(
        regs[0].source.as_ref().map(|s| s.as_str()),
        Some("pikkuveturi")
    );
}

#[tokio::test]
async fn language_switch_is_kept_and_repeats_the_current_question() {
    let (app, _dir) = app();
    let mut parent = Chat::new(&app, 1014, "de");
    parent.says("/start").await.shows("Mistä ryhmästä"); // unknown Telegram language: Finnish
    parent.taps("Tilli Toukka").await;
    parent
        .says("/lang")
        .await
        .shows("Valitse kieli / Välj språk / Choose language");
    parent
        .taps("Svenska")
        .await
        .shows("Nu talar jag svenska.")
        .shows("Innan frågorna");
    parent
        .taps("Jag godkänner")
        .await
        .shows("Hur gammalt är ditt barn?");
    parent
        .says("/help")
        .await
        .shows("Så här använder du boten")
        .shows("Pikku-Veturi")
        .shows("Hur gammalt");
    parent
        .says("/privacy")
        .await
        .shows("Dataskydd")
        .shows("12 månader");
    let mut same_person_later = Chat::new(&app, 1014, "fi");
    same_person_later
        .says("/start")
        .await
        .shows("Vilken grupp är du intresserad av?");
}

#[tokio::test]
async fn every_parent_is_counted_towards_the_threshold() {
    let (app, _dir) = app();
    for (i, user) in (2001..2005).enumerate() {
        let mut parent = Chat::new(&app, user, "fi");
        register_tilli(&mut parent, "5", "Hyvinkää").await;
        parent.taps("Vahvista").await.shows(&match i + 1 {
            1 => "Hyvinkäältä on nyt ilmoitettu 1 lapsi.".to_owned(),
            n => format!("Hyvinkäältä on nyt ilmoitettu {n} lasta."),
        });
    }
    let mut fifth = Chat::new(&app, 2005, "fi");
    register_tilli(&mut fifth, "4", "Hyvinkää").await;
    fifth
        .taps("Vahvista")
        .await
        .shows("Hyvinkäältä on nyt ilmoittautunut tarpeeksi tulijoita, joten ryhmä voi alkaa.");
}

/// Walks a parent through Tilli Toukka up to the summary (one child, weekday mornings).
async fn register_tilli(parent: &mut Chat, age: &str, area: &str) {
    let said = parent.says("/start tilli-toukka").await;
    let consent = ["Hyväksyn tallennuksen", "Jag godkänner", "I agree"]
        .into_iter()
        .find(|l| said.buttons.iter().any(|b| b == l))
        .expect("the consent is asked first");
    parent.taps(consent).await;
    parent.taps(age).await;
    let said = parent.says("/help").await; // an aside mid-way repeats the question
    let done = [
        "Ei muita, jatketaan",
        "Inga fler, fortsätt",
        "No more, continue",
    ];
    let label = done
        .iter()
        .find(|l| said.buttons.iter().any(|b| b == *l))
        .expect("the children question is repeated after /help");
    parent.taps(label).await;
    parent.taps(area).await;
    let langs = ["suomi", "svenska", "Finnish"];
    let said = parent.says("/mine").await;
    let lang = langs
        .iter()
        .find(|l| said.buttons.iter().any(|b| b == *l))
        .expect("the language question is repeated after /mine");
    parent.taps(lang).await;
    for (time, done) in [
        ("Arkiaamupäivisin", "Valmis"),
        ("Vardagsförmiddagar", "Klar"),
        ("Weekday mornings", "Done"),
    ] {
        if parent.has_button(time) {
            parent.taps(time).await;
            parent.taps(done).await;
            break;
        }
    }
    for share in ["Kyllä, saa nähdä", "Ja, det får hen", "Yes, they may"] {
        if parent.has_button(share) {
            parent.taps(share).await;
            break;
        }
    }
    for skip in ["Ohita", "Hoppa över", "Skip"] {
        if parent.has_button(skip) {
            parent.taps(skip).await;
            break;
        }
    }
}

#[tokio::test]
async fn update_ids_are_remembered_as_a_window_not_a_high_mark() {
    use kokoon::flow::{Input, Person};
    let (app, _dir) = app();
    let person = Person {
        user: UserId(3001),
        name: "P".into(),
        username: None,
    };
    let first = app
        .handle(Some(900), &person, Some("fi"), Input::from_text("/start"))
        .await
        .expect("store");
    assert!(!first.duplicate && !first.replies.is_empty());
    // After a week of silence Telegram may start ids again at a lower, random value.
    let lower = app
        .handle(Some(5), &person, Some("fi"), Input::from_text("/help"))
        .await
        .expect("store");
    assert!(
        !lower.duplicate && !lower.replies.is_empty(),
        "a lower id is new"
    );
    let again = app
        .handle(Some(900), &person, Some("fi"), Input::from_text("/start"))
        .await
        .expect("store");
    assert!(
        again.duplicate && again.replies.is_empty(),
        "a repeated id changes nothing"
    );
}
