//! A shared family in a launched group (issue 14, "Both parents, one child"), on the manual
//! clock: Aino shares her five-year-old's registration with Ben, who speaks Swedish; the
//! coordinator launches Tilli Toukka in Hyvinkää as a weekly series; either parent's yes
//! holds the family's seat, and both parents are reminded of every meeting, each once, at the
//! right time and in their own language, until one of them is unlinked, leaves or is erased.
//! What the family's registration is told (an invitation that runs out) reaches both parents;
//! what one parent says to the coordinator never reaches the other.

use crate::chat::{app_with_clock, deliveries, join_tilli, Chat, Delivered};
use crate::shared_family::{aino_shares, ben_joins, ben_joins_in, AINO, BEN, COORD_TILLI};
use chrono::{DateTime, Duration, TimeZone, Utc};
use kokoon::app::App;
use kokoon::domain::UserId;

/// Helsinki winter time (UTC+2) as UTC.
fn hki(d: u32, mo: u32, h: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2027, mo, d, h, 0, 0)
        .single()
        .expect("valid time")
        - Duration::hours(2)
}

fn to(list: &[Delivered], user: u64) -> Vec<&Delivered> {
    list.iter().filter(|d| d.to == user).collect()
}

/// Aino shares, Ben joins and speaks Swedish (his Telegram's language: he never chose one);
/// four more families; the coordinator launches `count` weekly meetings from Thursday
/// 14.1.2027 17.00. Aino's and Ben's chats, and the invitations sent.
async fn launched_series(app: &App, count: u32) -> (Chat, Chat, Vec<Delivered>) {
    let (aino, start) = aino_shares(app).await;
    let ben = ben_joins_in(app, &start, "Ben", "sv").await;
    for user in 2..=5 {
        join_tilli(app, user, "Hyvinkää", true).await;
    }
    deliveries(app).await; // the threshold alert
    let mut c = Chat::new(app, COORD_TILLI, "fi");
    let said = c.says("/launch").await;
    let label = said
        .buttons
        .iter()
        .find(|b| b.starts_with("Tilli Toukka · Hyvinkää"))
        .expect("the pool is offered")
        .clone();
    c.taps(&label).await;
    c.says("14.1. klo 17").await;
    c.says("1,5 h").await;
    c.says("Pikku-Veturi, Hyvinkää").await;
    c.taps("📅 Muuta tapaamisia").await;
    c.says(&count.to_string()).await;
    let said = c.taps("✅ Päivät ovat oikein").await;
    if count > 1 {
        said.shows(&format!("Tapaamisia {count}, kerran viikossa"));
    }
    c.taps("Lähetä kutsut").await;
    let sent = deliveries(app).await;
    (aino, ben, sent)
}

/// The reminders among `sent` to `user`.
fn reminders(sent: &[Delivered], user: u64) -> Vec<&Delivered> {
    sent.iter()
        .filter(|d| {
            d.to == user && (d.text.starts_with("Muistutus:") || d.text.starts_with("Påminnelse:"))
        })
        .collect()
}

/// Moves the clock to `at` and back a minute before it first: nothing is reminded early; at
/// `at` Aino (Finnish) and Ben (Swedish, if `ben`) are reminded once each of the meeting of
/// `day`.1. at 17.
async fn reminded_at(
    app: &App,
    clock: &kokoon::clock::ManualClock,
    at: DateTime<Utc>,
    day: u32,
    ben: bool,
) {
    clock.set(at - Duration::minutes(1));
    let early = deliveries(app).await;
    assert!(
        reminders(&early, AINO).is_empty() && reminders(&early, BEN).is_empty(),
        "not before its time: {early:#?}"
    );
    clock.set(at + Duration::minutes(1));
    let sent = deliveries(app).await;
    let aino = reminders(&sent, AINO);
    assert_eq!(aino.len(), 1, "Aino once: {sent:#?}");
    assert!(
        aino[0]
            .text
            .starts_with(&format!("Muistutus: tapahtuma {day}.1. klo 17")),
        "{}",
        aino[0].text
    );
    let to_ben = reminders(&sent, BEN);
    if ben {
        assert_eq!(to_ben.len(), 1, "Ben once: {sent:#?}");
        assert!(
            to_ben[0]
                .text
                .starts_with(&format!("Påminnelse: evenemang {day}.1 kl. 17")),
            "in Ben's language: {}",
            to_ben[0].text
        );
    } else {
        assert!(to_ben.is_empty(), "Ben no more: {sent:#?}");
    }
    // Nothing else reaches Ben: no feedback question (the family answers it once, as the
    // registration), no news of the others.
    assert!(
        to(&sent, BEN).len() == to_ben.len(),
        "only reminders to Ben: {sent:#?}"
    );
}

#[tokio::test]
async fn both_parents_are_reminded_of_every_meeting_in_their_own_language_until_unlinked() {
    let (app, clock, _dir) = app_with_clock();
    let (mut aino, mut ben, sent) = launched_series(&app, 3).await;
    // Each parent is invited in their own language, the family's being Finnish.
    assert!(
        to(&sent, BEN)[0]
            .text
            .starts_with("Ett meddelande om din anmälan"),
        "{sent:#?}"
    );
    assert!(
        to(&sent, AINO)[0]
            .text
            .starts_with("Viesti ilmoittautumisestasi"),
        "{sent:#?}"
    );
    // Ben says yes, in Swedish: the family's seat holds, and Aino hears the place.
    ben.reads(to(&sent, BEN)[0]);
    ben.taps("Ja, vi kommer").await.shows("Pikku-Veturi");
    let news = deliveries(&app).await;
    assert_eq!(to(&news, AINO).len(), 1, "{news:#?}");
    let launch = kokoon::flow::View::launches(&app.store)[0].clone();
    let meetings = launch.meeting_ids();
    assert_eq!(meetings.len(), 3);
    for id in &meetings {
        let e = kokoon::flow::View::event(&app.store, *id).expect("a meeting");
        assert_eq!(
            e.attendees,
            vec![UserId(AINO)],
            "the family is signed up once, as its registration"
        );
        assert!(!e.attending(UserId(BEN)), "Ben takes no second seat");
    }
    // Ben sees the meetings as his family's, without a button to sign up a second time.
    let said = ben.says("/events").await;
    said.shows("Tilli Toukka");
    assert!(
        !said.buttons.iter().any(|b| b.starts_with("Anmäl mig")),
        "{:?}",
        said.buttons
    );

    // Ben's /mydata says he is on the meetings for their reminders; nothing of Aino's.
    let said = ben.says("/mydata").await;
    let text = String::from_utf8(said.files[0].bytes.clone()).expect("utf-8");
    assert!(
        text.contains("Pikku-Veturi, Hyvinkää: påminnelser (din familj är med)"),
        "{text}"
    );
    assert!(!text.contains("Parent 650001"), "{text}");

    // Each meeting: a day before and two hours before, both parents, once each.
    for day in [14, 21] {
        reminded_at(&app, &clock, hki(day - 1, 1, 17), day, true).await;
        reminded_at(&app, &clock, hki(day, 1, 15), day, true).await;
    }

    // Aino unlinks Ben after the second meeting: he is told neutrally, and reminded no more.
    clock.set(hki(22, 1, 10));
    deliveries(&app).await;
    aino.says("/mine").await;
    aino.taps("Lopeta jakaminen").await;
    let sent = deliveries(&app).await;
    assert_eq!(to(&sent, BEN).len(), 1, "{sent:#?}");
    assert!(
        to(&sent, BEN)[0].text.contains("delas inte längre"),
        "{sent:#?}"
    );
    reminded_at(&app, &clock, hki(27, 1, 17), 28, false).await;
    reminded_at(&app, &clock, hki(28, 1, 15), 28, false).await;
    for id in &meetings {
        let e = kokoon::flow::View::event(&app.store, *id).expect("a meeting");
        assert!(e.co_parents.is_empty(), "{e:?}");
    }
    ben.says("/events").await.hides("Tilli Toukka");
}

#[tokio::test]
async fn a_parent_who_forgets_is_reminded_no_more_and_the_other_keeps_the_familys_meetings() {
    let (app, clock, _dir) = app_with_clock();
    let (mut aino, mut ben, sent) = launched_series(&app, 2).await;
    // Aino says yes this time; Ben hears the place and is reminded too.
    aino.reads(to(&sent, AINO)[0]);
    aino.taps("Kyllä, tulemme").await;
    let news = deliveries(&app).await;
    assert_eq!(to(&news, BEN).len(), 1, "{news:#?}");
    assert!(to(&news, BEN)[0].text.contains("Pikku-Veturi"));
    reminded_at(&app, &clock, hki(13, 1, 17), 14, true).await;

    // Aino forgets everything: Ben holds the family's registration and its seat now, and is
    // reminded as the family; nothing goes to Aino.
    clock.set(hki(15, 1, 10));
    deliveries(&app).await;
    aino.says("/forget").await;
    aino.taps("Kyllä, poista kaikki").await;
    let held = app.store.registrations_of(UserId(BEN)).expect("store");
    assert_eq!(held.len(), 1);
    assert!(
        matches!(held[0].status, kokoon::domain::Status::Accepted { .. }),
        "{:?}",
        held[0].status
    );
    let second = kokoon::flow::View::launches(&app.store)[0].meeting_ids()[1];
    let e = kokoon::flow::View::event(&app.store, second).expect("a meeting");
    assert_eq!(e.attendees, vec![UserId(BEN)], "{e:?}");
    assert!(e.co_parents.is_empty(), "{e:?}");
    clock.set(hki(20, 1, 17) + Duration::minutes(1));
    let sent = deliveries(&app).await;
    assert!(to(&sent, AINO).is_empty(), "{sent:#?}");
    assert_eq!(reminders(&sent, BEN).len(), 1, "{sent:#?}");

    // Ben leaves the group too (withdraws): nobody is reminded any more.
    ben.says("/mine").await;
    ben.taps("Återkalla anmälan").await;
    ben.taps("Ja, återkalla").await;
    clock.set(hki(21, 1, 15) + Duration::minutes(1));
    let sent = deliveries(&app).await;
    assert!(
        reminders(&sent, AINO).is_empty() && reminders(&sent, BEN).is_empty(),
        "{sent:#?}"
    );
}

#[tokio::test]
async fn the_other_parent_who_forgets_is_reminded_no_more() {
    let (app, clock, _dir) = app_with_clock();
    let (mut aino, mut ben, sent) = launched_series(&app, 2).await;
    aino.reads(to(&sent, AINO)[0]);
    aino.taps("Kyllä, tulemme").await;
    deliveries(&app).await;
    reminded_at(&app, &clock, hki(13, 1, 17), 14, true).await;
    ben.says("/forget").await;
    ben.taps("Ja, radera allt").await;
    reminded_at(&app, &clock, hki(14, 1, 15), 14, false).await;
    reminded_at(&app, &clock, hki(20, 1, 17), 21, false).await;
}

#[tokio::test]
async fn when_nobody_accepts_in_time_both_parents_are_told_each_in_their_own_language() {
    let (app, clock, _dir) = app_with_clock();
    let (mut aino, mut ben, sent) = launched_series(&app, 1).await;
    aino.reads(to(&sent, AINO)[0]);
    aino.taps("Ei tällä kertaa").await;
    deliveries(&app).await;
    clock.advance(Duration::hours(i64::from(app.config.invite_hours) + 1));
    let mut sent = deliveries(&app).await;
    // Ben's own language (his Telegram's, as he last wrote) outlives the daily job, and
    // joining did not replace it with the family's.
    let record = app.store.user(UserId(BEN)).expect("store");
    assert_eq!(
        record.lang.or(record.seen_lang),
        Some(kokoon::domain::Lang::Sv)
    );
    sent.extend(deliveries(&app).await);
    // Aino, who holds the registration: paused, with her buttons to take it up again.
    let to_aino = to(&sent, AINO);
    assert_eq!(to_aino.len(), 1, "{sent:#?}");
    assert!(to_aino[0].text.starts_with("Viesti ilmoittautumisestasi"));
    assert!(to_aino[0].text.contains("kutsu vanheni"));
    // Ben: the same neutral first line in Swedish, the news, nothing of Aino's, and the
    // button to take the family's registration up again (either parent may); no other
    // button (withdrawing is Aino's, whose registration it is).
    let to_ben = to(&sent, BEN);
    assert_eq!(to_ben.len(), 1, "{sent:#?}");
    assert!(
        to_ben[0].text.starts_with("Ett meddelande om din anmälan\n\nIngen svarade i tid på er familjs inbjudan till Tilli Toukka"),
        "{}",
        to_ben[0].text
    );
    let labels: Vec<&str> = to_ben[0].buttons.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(labels, ["Ja, jag behåller min plats i kön"]);
    assert!(!to_ben[0].text.contains("Parent 650001"));
    let held = || app.store.registrations_of(UserId(AINO)).expect("store")[0].status;
    assert!(matches!(held(), kokoon::domain::Status::Paused { .. }));
    ben.reads(to_ben[0]);
    ben.taps("Ja, jag behåller min plats i kön")
        .await
        .shows("Du står i kö igen för Tilli Toukka");
    assert_eq!(held(), kokoon::domain::Status::Waiting);
    // The counters equal a recount (checked inside): the family waits, once.
    assert_eq!(crate::shared_family::demand(&app).participants, 1);
}

#[tokio::test]
async fn the_other_parents_times_stay_in_the_groups_order_and_a_time_not_offered_is_refused() {
    let (app, _clock, _dir) = app_with_clock();
    let (_aino, start) = aino_shares(&app).await;
    let mut ben = Chat::named(&app, BEN, "fi", "Ben");
    ben.says(&start).await;
    ben.taps("Hyväksyn tallennuksen")
        .await
        .shows("Voit valita ajat");
    // Evenings first, then mornings: kept in the group's order (mornings, evenings).
    ben.taps("Arki-iltaisin").await;
    ben.taps("Arkiaamupäivisin")
        .await
        .offers("✓ Arkiaamupäivisin")
        .offers("✓ Arki-iltaisin");
    // Weekends are not a time of Tilli Toukka: a forged button ticks nothing.
    ben.presses_raw("1:t:weekend")
        .await
        .shows("Tuo painike on vanhasta viestistä.");
    ben.taps("Valmis").await;
    ben.taps("Kyllä, saa nähdä").await;
    ben.taps("Ohita")
        .await
        .shows("Olet nyt mukana ilmoittautumisessa ryhmään Tilli Toukka");
    let families = app.store.families().expect("store");
    let times: Vec<String> = families[0]
        .other
        .as_ref()
        .expect("Ben is in")
        .times
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(times, ["weekday-morning", "weekday-evening"]);
}

/// The family's note from the other parent, as stored.
fn others_note(app: &App) -> Option<String> {
    app.store
        .families()
        .expect("store")
        .first()
        .and_then(|f| f.other.as_ref())
        .and_then(|o| o.note.clone())
}

#[tokio::test]
async fn the_other_parent_leaves_the_coordinator_a_note_of_their_own_that_only_the_coordinator_sees(
) {
    let (app, _clock, _dir) = app_with_clock();
    let (mut aino, start) = aino_shares(&app).await;
    let mut ben = Chat::named(&app, BEN, "fi", "Ben");
    ben.says(&start).await;
    ben.taps("Hyväksyn tallennuksen").await;
    ben.taps("Valmis").await;
    ben.taps("Kyllä, saa nähdä")
        .await
        .shows("Haluatko vielä kertoa koordinaattorille jotain?")
        .offers("Ohita");
    let canary = "Kanarialintu Muistiinpano";
    ben.says(&format!("{canary}: ei samaan ryhmään kuin Matti M."))
        .await
        .shows("Olet nyt mukana ilmoittautumisessa ryhmään Tilli Toukka");
    assert!(
        crate::shared_family::readable(&app, canary),
        "positive control"
    );
    assert!(others_note(&app).is_some_and(|n| n.starts_with(canary)));
    // Ben sees it in /mine and /mydata; Aino sees it nowhere.
    ben.says("/mine")
        .await
        .shows(&format!("Viesti koordinaattorille: {canary}"))
        .offers("Viesti koordinaattorille");
    let said = ben.says("/mydata").await;
    let text = String::from_utf8(said.files[0].bytes.clone()).expect("utf-8");
    assert!(text.contains(canary), "{text}");
    let json: serde_json::Value = serde_json::from_slice(&said.files[1].bytes).expect("JSON");
    assert!(
        json["shared_registrations"][0]["note"]
            .as_str()
            .is_some_and(|n| n.starts_with(canary)),
        "{json}"
    );
    aino.says("/mine").await.hides(canary);
    let said = aino.says("/mydata").await;
    for f in &said.files {
        assert!(!String::from_utf8_lossy(&f.bytes).contains(canary));
    }
    // The group's coordinator sees it, labelled as Ben's (he let his name be seen).
    let mut c = Chat::new(&app, COORD_TILLI, "fi");
    c.says("/demand").await;
    c.taps("📋 Lista: Hyvinkää (suomi)")
        .await
        .shows(&format!("Viesti koordinaattorille (Ben): {canary}"));
    // A forged button to change the family's note: Aino is not its other parent, nothing
    // changes; neither may anyone else.
    let id = String::from(app.store.families().expect("store")[0].id);
    let said = aino.presses_raw(&format!("1:yn:{id}")).await;
    said.shows("Tuo painike on vanhasta viestistä.")
        .hides(canary);
    assert!(others_note(&app).is_some_and(|n| n.starts_with(canary)));

    // Ben changes it, then removes it.
    ben.says("/mine").await;
    ben.taps("Viesti koordinaattorille")
        .await
        .shows(&format!("Viesti koordinaattorille: {canary}"))
        .offers("Poista viesti");
    ben.says("Hän on ujo aluksi.")
        .await
        .shows("viestisi koordinaattorille on tallennettu.");
    assert_eq!(others_note(&app).as_deref(), Some("Hän on ujo aluksi."));
    ben.says("/mine").await;
    ben.taps("Viesti koordinaattorille").await;
    ben.taps("Poista viesti")
        .await
        .shows("viestisi koordinaattorille on poistettu.");
    assert_eq!(others_note(&app), None);

    // A new note goes with Ben when Aino unlinks him.
    let second = "Kanarialintu Toinen";
    ben.says("/mine").await;
    ben.taps("Viesti koordinaattorille").await;
    ben.says(second).await;
    assert!(
        crate::shared_family::readable(&app, second),
        "positive control"
    );
    aino.says("/mine").await;
    aino.taps("Lopeta jakaminen").await;
    assert!(
        !crate::shared_family::readable(&app, second),
        "unlinked: it no longer opens"
    );
}

#[tokio::test]
async fn the_other_parents_note_goes_with_their_forget() {
    let (app, _clock, _dir) = app_with_clock();
    let (_aino, start) = aino_shares(&app).await;
    let mut ben = Chat::named(&app, BEN, "fi", "Ben");
    ben.says(&start).await;
    ben.taps("Hyväksyn tallennuksen").await;
    ben.taps("Valmis").await;
    ben.taps("Ei, kiitos").await;
    let canary = "Kanarialintu Unohdus";
    ben.says(canary).await;
    assert!(
        crate::shared_family::readable(&app, canary),
        "positive control"
    );
    // Not sharing his name: the coordinator sees it as the other parent's.
    let mut c = Chat::new(&app, COORD_TILLI, "fi");
    c.says("/demand").await;
    c.taps("📋 Lista: Hyvinkää (suomi)")
        .await
        .shows(&format!(
            "Viesti koordinaattorille (lapsen toinen vanhempi): {canary}"
        ))
        .hides("Ben");
    ben.says("/forget").await;
    ben.taps("Kyllä, poista kaikki").await;
    assert!(!crate::shared_family::readable(&app, canary), "forgotten");
}

/// Changing the note, or removing it, leaves no old copy that opens: the raw files (sled's
/// log with every superseded value, every tree) are scanned with the master key and the
/// keyring after each change.
#[tokio::test]
async fn a_changed_or_removed_note_of_the_other_parent_leaves_no_old_copy_that_opens() {
    let (app, _clock, _dir) = app_with_clock();
    let (mut aino, start) = aino_shares(&app).await;
    let mut ben = Chat::named(&app, BEN, "fi", "Ben");
    ben.says(&start).await;
    ben.taps("Hyväksyn tallennuksen").await;
    ben.taps("Valmis").await;
    ben.taps("Kyllä, saa nähdä").await;
    let first = "Kanarialintu Ensimmainen";
    ben.says(first)
        .await
        .shows("Olet nyt mukana ilmoittautumisessa ryhmään Tilli Toukka");
    assert!(
        crate::shared_family::readable(&app, first),
        "positive control"
    );

    // Changed: the new note is there, the old one opens nowhere.
    let second = "Kanarialintu Toinen";
    ben.says("/mine").await;
    ben.taps("Viesti koordinaattorille")
        .await
        .shows(&format!("Viesti koordinaattorille: {first}"));
    ben.says(second)
        .await
        .shows("viestisi koordinaattorille on tallennettu.");
    assert_eq!(others_note(&app).as_deref(), Some(second));
    assert!(crate::shared_family::readable(&app, second), "the new one");
    assert!(
        !crate::shared_family::readable(&app, first),
        "changed: the old note no longer opens"
    );

    // Removed: nothing of it opens.
    ben.says("/mine").await;
    ben.taps("Viesti koordinaattorille").await;
    ben.taps("Poista viesti")
        .await
        .shows("viestisi koordinaattorille on poistettu.");
    assert_eq!(others_note(&app), None);
    assert!(
        !crate::shared_family::readable(&app, second),
        "removed: the note no longer opens"
    );

    // The family is as it was: one child, both parents, Ben's part still his.
    assert_eq!(
        crate::shared_family::demand(&app),
        crate::shared_family::once()
    );
    ben.says("/mine")
        .await
        .shows("Olet mukana toisen vanhemman ilmoittautumisessa")
        .offers("Lähde pois");
    aino.says("/mine").await.shows("on jaettu");
    ben.taps("Lähde pois").await.shows("Et ole enää mukana");
}

#[tokio::test]
async fn a_parent_who_joins_after_the_family_accepted_is_reminded_too() {
    let (app, clock, _dir) = app_with_clock();
    // Aino registers alone; the group is launched; she accepts; only then she shares.
    let mut aino = join_tilli(&app, AINO, "Hyvinkää", true).await;
    for user in 2..=5 {
        join_tilli(&app, user, "Hyvinkää", true).await;
    }
    deliveries(&app).await;
    let mut c = Chat::new(&app, COORD_TILLI, "fi");
    let said = c.says("/launch").await;
    let label = said
        .buttons
        .iter()
        .find(|b| b.starts_with("Tilli Toukka · Hyvinkää"))
        .expect("the pool is offered")
        .clone();
    c.taps(&label).await;
    c.says("14.1. klo 17").await;
    c.says("1,5 h").await;
    c.says("Pikku-Veturi, Hyvinkää").await;
    c.taps("Lähetä kutsut").await;
    let sent = deliveries(&app).await;
    aino.reads(to(&sent, AINO)[0]);
    aino.taps("Kyllä, tulemme").await;
    deliveries(&app).await;
    // The button from her registration's confirmation, still in her chat.
    let said = aino.presses_raw("1:ys:tilli-toukka").await;
    let start = crate::shared_family::start_of(&said.text);
    let mut ben = ben_joins(&app, &start, "Ben").await;
    ben.says("/lang").await;
    ben.taps("Svenska").await;
    // Ben hears the place, and is reminded beside the family's one seat.
    let news = deliveries(&app).await;
    assert_eq!(to(&news, BEN).len(), 1, "{news:#?}");
    assert!(to(&news, BEN)[0].text.contains("Pikku-Veturi"));
    reminded_at(&app, &clock, hki(13, 1, 17), 14, true).await;
    let first = kokoon::flow::View::launches(&app.store)[0].meeting_ids()[0];
    let e = kokoon::flow::View::event(&app.store, first).expect("a meeting");
    assert_eq!(e.attendees, vec![UserId(AINO)]);
}
