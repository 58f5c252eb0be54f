//! Events, as transcripts: creating one with a translation, signing up, the waiting list, the
//! calendar file, reminders against a clock the test moves (DST, quiet hours, catch-up, no
//! duplicates after a restart, edits), cancellation, broadcasts with a delivery report, and
//! feedback.

use crate::chat::{app_with_clock, deliveries, Chat, Delivered};
use chrono::{DateTime, TimeZone, Utc};
use kokoon::app::App;
use kokoon::domain::UserId;

const COORD: u64 = 100_000_002;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("valid time")
}

/// A coordinator creates an event through the chat; returns its id.
async fn create_event(app: &App, when: &str, until: &str, capacity: Option<&str>) -> u64 {
    let mut c = Chat::new(app, COORD, "fi");
    c.says("/newevent").await.shows("Mikä on tapahtuman nimi?");
    c.says("Eron edessä -ilta")
        .await
        .shows("Liittyykö tapahtuma johonkin ryhmään?");
    c.taps("Ei ryhmää").await.shows("Milloin tapahtuma alkaa?");
    c.says(when).await.shows("Milloin se päättyy?");
    c.says(until).await.shows("Missä tapahtuma on?");
    c.says("Pikku-Veturi, Hyvinkää")
        .await
        .shows("Montako osallistujaa");
    match capacity {
        Some(n) => c.says(n).await,
        None => c.taps("Ei rajaa").await,
    }
    .shows("Kirjoita lyhyt kuvaus");
    c.says("Tietoa erosta ja tukea. Kahvitarjoilu.")
        .await
        .offers("Luo tapahtuma");
    c.taps("Luo tapahtuma").await.shows("Tapahtuma luotiin.");
    app.store
        .events()
        .expect("store")
        .last()
        .map(|e| e.id)
        .expect("the event is stored")
}

fn to(list: &[Delivered], user: u64) -> Vec<&Delivered> {
    list.iter().filter(|d| d.to == user).collect()
}

#[tokio::test]
async fn an_event_with_a_translation_sign_up_waiting_list_and_a_calendar_file() {
    let (app, _clock, _dir) = app_with_clock();
    let mut c = Chat::new(&app, COORD, "fi");
    c.says("/newevent").await;
    c.says("Eron edessä -ilta").await;
    c.taps("Ei ryhmää").await;
    c.says("yesterday").await.shows("En ymmärtänyt aikaa.");
    c.says("15.3. klo 17").await;
    c.says("16").await.shows("ennen alkua");
    c.says("19").await;
    c.says("Pikku-Veturi, Hyvinkää").await;
    c.says("kaksi").await.shows("Kirjoita luku 1–10000");
    c.says("2").await;
    c.taps("Ohita")
        .await
        .shows("Eron edessä -ilta")
        .shows("15.3.2027 klo 17 – klo 19, Pikku-Veturi, Hyvinkää")
        .shows("Paikkoja: 2")
        .offers("Lisää käännös ruotsiksi");
    c.taps("Lisää käännös ruotsiksi")
        .await
        .shows("Tapahtuman nimi ruotsiksi");
    c.says("Inför skilsmässan – kvällsträff")
        .await
        .shows("Kielet: suomi, ruotsi");
    c.taps("Luo tapahtuma").await.shows("Tapahtuma luotiin.");

    let mut anna = Chat::new(&app, 2001, "fi");
    anna.says("/events")
        .await
        .shows("Eron edessä -ilta")
        .shows("Paikkoja vapaana: 2")
        .offers("Ilmoittaudu");
    anna.taps("Ilmoittaudu")
        .await
        .shows("Ilmoittautuminen tallennettu: Eron edessä -ilta.")
        .shows("✓ Olet ilmoittautunut.");
    let mut bo = Chat::new(&app, 2002, "sv");
    bo.says("/events")
        .await
        .shows("Inför skilsmässan – kvällsträff")
        .shows("Lediga platser: 1");
    bo.taps("Anmäl mig").await.shows("Din anmälan är sparad");
    let mut cat = Chat::new(&app, 2003, "en");
    cat.says("/events")
        .await
        .shows("The event is full.")
        .offers("Join the waiting list");
    cat.taps("Join the waiting list")
        .await
        .shows("you're in the waiting list")
        .shows("You are number 1 in the waiting list.");

    // The calendar file, parsed back.
    let said = bo.says("/events").await;
    said.shows("✓ Du är anmäld.");
    let said = bo.taps("Till kalendern").await;
    let ics = said.file.as_ref().expect("an .ics file");
    assert!(ics.name.ends_with(".ics"));
    let text = String::from_utf8(ics.bytes.clone()).expect("utf-8");
    let mut parser = ical::IcalParser::new(std::io::BufReader::new(text.as_bytes()));
    let cal = parser.next().expect("a calendar").expect("parses");
    let event = &cal.events[0];
    let prop = |name: &str| {
        event
            .properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_default()
    };
    assert_eq!(prop("SUMMARY"), "Inför skilsmässan – kvällsträff");
    assert_eq!(prop("DTSTART"), "20270315T150000Z");
    assert_eq!(prop("DTEND"), "20270315T170000Z");
    assert_eq!(prop("LOCATION"), "Pikku-Veturi\\, Hyvinkää");

    // A freed seat goes to the first in line, who is told.
    deliveries(&app).await;
    anna.says("/events").await;
    anna.taps("Peru osallistuminen")
        .await
        .shows("Osallistumisesi peruttiin");
    let sent = deliveries(&app).await;
    let promoted = to(&sent, 2003);
    assert_eq!(promoted.len(), 1, "{sent:#?}");
    assert!(
        promoted[0]
            .text
            .starts_with("A place freed up – you're in!"),
        "{}",
        promoted[0].text
    );
    let e = app.store.events().expect("store").pop().expect("event");
    assert_eq!(e.attendees, vec![UserId(2002), UserId(2003)]);
    assert!(e.waiting.is_empty());
}

#[tokio::test]
async fn reminders_keep_the_local_clock_time_across_the_spring_dst_change() {
    let (app, clock, _dir) = app_with_clock();
    // Sunday 28 March 2027 is the day the clocks go forward in Helsinki.
    let id = create_event(&app, "28.3.2027 klo 17", "19", None).await;
    let mut p = Chat::new(&app, 2101, "fi");
    p.says(&format!("/start event-{id}"))
        .await
        .shows("Eron edessä -ilta")
        .offers("Ilmoittaudu");
    p.taps("Ilmoittaudu")
        .await
        .shows("Ilmoittautuminen tallennettu");
    // The day before at 17:00 local is 15:00 UTC (still winter time on Saturday).
    clock.set(utc(2027, 3, 27, 14, 59));
    assert!(to(&deliveries(&app).await, 2101).is_empty());
    clock.set(utc(2027, 3, 27, 15, 0));
    let sent = deliveries(&app).await;
    let r = to(&sent, 2101);
    assert_eq!(r.len(), 1);
    assert!(
        r[0].text.starts_with("Muistutus: tapahtuma 28.3. klo 17\n"),
        "{}",
        r[0].text
    );
    // Two hours before 17:00 summer time (14:00 UTC) is 12:00 UTC.
    clock.set(utc(2027, 3, 28, 11, 59));
    assert!(to(&deliveries(&app).await, 2101).is_empty());
    clock.set(utc(2027, 3, 28, 12, 0));
    assert_eq!(to(&deliveries(&app).await, 2101).len(), 1);
    // Nothing more until the event has ended (then the feedback question).
    clock.set(utc(2027, 3, 28, 15, 0));
    assert!(to(&deliveries(&app).await, 2101).is_empty());
}

#[tokio::test]
async fn reminders_keep_the_local_clock_time_across_the_autumn_dst_change() {
    let (app, clock, _dir) = app_with_clock();
    // Sunday 31 October 2027: the clocks go back. 17:00 EET is 15:00 UTC; the day before,
    // 17:00 EEST is 14:00 UTC.
    let id = create_event(&app, "31.10.2027 klo 17", "18", None).await;
    let mut p = Chat::new(&app, 2102, "sv");
    p.says(&format!("/start event-{id}")).await;
    p.taps("Anmäl mig").await;
    clock.set(utc(2027, 10, 30, 13, 59));
    assert!(to(&deliveries(&app).await, 2102).is_empty());
    clock.set(utc(2027, 10, 30, 14, 0));
    let sent = deliveries(&app).await;
    assert_eq!(to(&sent, 2102).len(), 1);
    assert!(
        sent[0]
            .text
            .starts_with("Påminnelse: evenemang 31.10 kl. 17"),
        "{}",
        sent[0].text
    );
    clock.set(utc(2027, 10, 31, 13, 0));
    assert_eq!(
        to(&deliveries(&app).await, 2102).len(),
        1,
        "two hours before 15:00 UTC"
    );
}

#[tokio::test]
async fn a_reminder_due_in_quiet_hours_goes_out_before_they_begin() {
    let (app, clock, _dir) = app_with_clock();
    // 08:30 local on 2 December: the two-hour reminder would be at 06:30 (quiet); 08:00 is
    // less than an hour before the start, so it goes at 20:59 the evening before.
    let id = create_event(&app, "2.12. klo 8.30", "10", None).await;
    let mut p = Chat::new(&app, 2103, "en");
    p.says(&format!("/start event-{id}")).await;
    p.taps("Sign up").await;
    clock.set(utc(2026, 12, 1, 6, 30)); // the day before, 08:30 local: outside quiet hours
    assert_eq!(to(&deliveries(&app).await, 2103).len(), 1);
    clock.set(utc(2026, 12, 1, 18, 58));
    assert!(to(&deliveries(&app).await, 2103).is_empty());
    clock.set(utc(2026, 12, 1, 18, 59)); // 20:59 local
    let sent = deliveries(&app).await;
    assert_eq!(to(&sent, 2103).len(), 1);
    assert!(
        sent[0].text.starts_with("Reminder: event 2 Dec, 8:30 am"),
        "{}",
        sent[0].text
    );
    // Nothing in the night or the morning before the event.
    clock.set(utc(2026, 12, 2, 6, 29));
    assert!(to(&deliveries(&app).await, 2103).is_empty());
}

#[tokio::test]
async fn downtime_catch_up_no_duplicate_after_restart_and_nothing_after_the_start() {
    let (app, clock, dir) = app_with_clock();
    let id = create_event(&app, "10.12. klo 18", "20", None).await;
    let mut p = Chat::new(&app, 2104, "fi");
    p.says(&format!("/start event-{id}")).await;
    p.taps("Ilmoittaudu").await;
    // The bot was down when the day-before reminder was due; it comes up before the event.
    clock.set(utc(2026, 12, 10, 9, 0));
    let sent = to(&deliveries(&app).await, 2104).len();
    assert_eq!(sent, 1, "the missed reminder is sent on start");
    // A restart: the same data directory opened anew sends nothing twice.
    drop(p);
    let config = app.config.clone();
    let clock2 = clock.clone();
    drop(app);
    let store = reopen(
        dir.path(),
        std::sync::Arc::new(kokoon::config::Config::clone(&config)),
    );
    let app = App {
        config,
        store,
        i18n: std::sync::Arc::new(kokoon::i18n::I18n::new().expect("locales")),
        clock: clock2,
        outbox_wake: std::sync::Arc::new(tokio::sync::Notify::new()),
    };
    assert!(
        to(&deliveries(&app).await, 2104).is_empty(),
        "no duplicate after a restart"
    );
    // Down again until after the start: the two-hour reminder is dropped, not sent late.
    clock.set(utc(2026, 12, 10, 16, 30));
    assert!(to(&deliveries(&app).await, 2104).is_empty());
}

fn reopen(
    path: &std::path::Path,
    config: std::sync::Arc<kokoon::config::Config>,
) -> kokoon::store::Store {
    for _ in 0..100 {
        match kokoon::store::Store::open_with(
            path,
            1 << 20,
            &crate::chat::test_key(),
            config.clone(),
        ) {
            Ok(s) => return s,
            Err(kokoon::store::StoreError::Locked(_)) => {
                std::thread::sleep(std::time::Duration::from_millis(20))
            }
            Err(e) => panic!("reopen: {e}"),
        }
    }
    panic!("the store did not reopen");
}

#[tokio::test]
async fn an_edit_replaces_the_reminders_and_tells_everyone_and_a_cancellation_too() {
    let (app, clock, _dir) = app_with_clock();
    let id = create_event(&app, "15.12. klo 17", "19", Some("10")).await;
    let mut p = Chat::new(&app, 2105, "fi");
    p.says(&format!("/start event-{id}")).await;
    p.taps("Ilmoittaudu").await;
    let mut c = Chat::new(&app, COORD, "fi");
    c.says("/events").await.offers("✏️ Muokkaa");
    c.taps("✏️ Muokkaa").await.shows("Mitä muutetaan");
    c.taps("Alkuaika").await;
    c.says("16.12. klo 17")
        .await
        .shows("Tallennettu. 1 ilmoittautunut saa tiedon muutoksesta.");
    let sent = deliveries(&app).await;
    let changed = to(&sent, 2105);
    assert_eq!(changed.len(), 1);
    assert!(
        changed[0].text.starts_with("Tapahtuman tiedot muuttuivat:"),
        "{}",
        changed[0].text
    );
    assert!(
        changed[0].text.contains("16.12. klo 17 – klo 19"),
        "{}",
        changed[0].text
    );
    // The old day-before reminder (14.12. 15:00 UTC) is not sent; the new one (15.12.) is.
    clock.set(utc(2026, 12, 14, 15, 0));
    assert!(to(&deliveries(&app).await, 2105).is_empty());
    clock.set(utc(2026, 12, 15, 15, 0));
    let sent = deliveries(&app).await;
    assert_eq!(to(&sent, 2105).len(), 1);
    assert!(sent[0].text.contains("16.12. klo 17"), "{}", sent[0].text);

    c.says("/events").await;
    c.taps("✖ Peru tapahtuma")
        .await
        .shows("Perutaanko Eron edessä -ilta?");
    c.taps("Kyllä, peru tapahtuma").await.shows("peruttiin");
    let sent = deliveries(&app).await;
    assert!(to(&sent, 2105)[0].text.starts_with(
        "Viesti tapahtumasta, johon ilmoittauduit\n\nTapahtuma on peruttu: Eron edessä -ilta"
    ));
    clock.set(utc(2026, 12, 16, 13, 0));
    assert!(
        to(&deliveries(&app).await, 2105).is_empty(),
        "no reminder for a cancelled event"
    );
    p.says("/events")
        .await
        .shows("Tulevia tapahtumia ei juuri nyt ole.");
}

#[tokio::test]
async fn feedback_is_asked_once_after_the_event_and_added_up_for_the_coordinator() {
    let (app, clock, _dir) = app_with_clock();
    let id = create_event(&app, "5.12. klo 17", "19", None).await;
    let mut parents = Vec::new();
    for (user, lang) in [(2201, "fi"), (2202, "sv"), (2203, "en")] {
        let mut p = Chat::new(&app, user, lang);
        p.says(&format!("/start event-{id}")).await;
        let join = match lang {
            "fi" => "Ilmoittaudu",
            "sv" => "Anmäl mig",
            _ => "Sign up",
        };
        p.taps(join).await;
        parents.push(p);
    }
    clock.set(utc(2026, 12, 5, 17, 30)); // 19:30 local: half an hour after the end
    let sent = deliveries(&app).await;
    // The first of the default questions: was it useful (yes / partly / no).
    let asks: Vec<&Delivered> = sent.iter().filter(|d| d.buttons.len() == 3).collect();
    assert_eq!(asks.len(), 3, "{sent:#?}");
    parents[0]
        .reads(to(&sent, 2201)[0])
        .shows("Millainen se oli?")
        .shows("vastaat nimettömänä")
        .shows("Oliko tilaisuudesta sinulle hyötyä?");
    parents[0]
        .taps("Kyllä")
        .await
        .shows("Toivoisitko, että tällaista järjestetään jatkossakin?");
    parents[0].taps("Kyllä").await.shows("Valitse 1 (huono)");
    parents[0]
        .taps("5")
        .await
        .shows("Haluatko kertoa vielä jotain?");
    parents[0]
        .says("Kahvi oli hyvää ja sai kysyä rauhassa.")
        .await
        .shows("Kiitos palautteesta!");
    parents[1]
        .reads(to(&sent, 2202)[0])
        .shows("Hade du nytta av träffen?");
    parents[1]
        .taps("Delvis")
        .await
        .shows("Vill du att något liknande");
    parents[1].taps("Nej").await.shows("Välj 1 (dåligt)");
    parents[1].taps("3").await;
    parents[1]
        .taps("Hoppa över")
        .await
        .shows("Tack för din respons!");
    assert!(deliveries(&app).await.is_empty(), "asked once");

    // Two answers: the report shows their count only, so that no one is singled out.
    let mut c = Chat::new(&app, COORD, "en");
    c.says(&format!("/feedback {id}"))
        .await
        .shows("Feedback: Eron edessä -ilta")
        .shows("2 answers in all.")
        .shows("Fewer than 5 answers: I show only the count")
        .hides("Kahvi oli hyvää")
        .hides("Mean rating");
    let mut someone = Chat::new(&app, 2201, "fi");
    someone
        .says(&format!("/feedback {id}"))
        .await
        .shows("En tunne tuota komentoa.");
}

#[tokio::test]
async fn a_broadcast_to_waiting_families_ends_with_a_delivery_report() {
    use kokoon::sender::{Deliver, DeliveryError};
    struct OneBlocked(std::sync::Mutex<Vec<u64>>);
    impl Deliver for OneBlocked {
        async fn deliver(
            &self,
            to: UserId,
            _: kokoon::domain::Lang,
            _: &kokoon::flow::Reply,
        ) -> Result<(), DeliveryError> {
            if to.0 == 3003 {
                return Err(DeliveryError::Unreachable(
                    "Forbidden: bot was blocked by the user".into(),
                ));
            }
            self.0.lock().expect("lock").push(to.0);
            Ok(())
        }
    }
    let (app, _clock, _dir) = app_with_clock();
    for user in [3001, 3002, 3003] {
        let mut p = Chat::new(&app, user, "fi");
        p.says("/start eron-edessa").await;
        p.taps("Hyväksyn tallennuksen").await;
        p.taps("Hyvinkää").await;
        p.taps("suomi").await;
        p.taps("Arki-iltaisin").await;
        p.taps("Valmis").await;
        p.taps("Ei, kiitos").await;
        p.taps("Ohita").await;
        p.taps("Vahvista").await;
    }
    let mut c = Chat::new(&app, COORD, "fi");
    c.says("/broadcast")
        .await
        .offers("Jonossa: Eron edessä -ilta (3)");
    c.taps("Jonossa: Eron edessä -ilta (3)")
        .await
        .shows("Se lähtee 3 vastaanottajalle.");
    c.says("Seuraava ilta on <b>maaliskuussa</b> & kahvia on!")
        .await
        .shows("Lähetetäänkö tämä 3 vastaanottajalle?");
    c.taps("Lähetä")
        .await
        .shows("Viesti lähtee 3 vastaanottajalle.");
    let d = OneBlocked(std::sync::Mutex::new(Vec::new()));
    kokoon::sender::tick(&app, &d).await.expect("store");
    let mut got = d.0.lock().expect("lock").clone();
    got.sort_unstable();
    assert_eq!(
        got,
        vec![3001, 3002, COORD],
        "two parents and the report to the coordinator"
    );
    let sent = deliveries(&app).await;
    assert!(
        sent.is_empty(),
        "everything was delivered in one round: {sent:#?}"
    );
    let b = app
        .store
        .broadcast(1)
        .ok()
        .flatten()
        .or_else(|| app.store.broadcast(2).ok().flatten());
    let b = b.expect("the broadcast record");
    assert_eq!((b.total, b.sent, b.unreachable, b.failed), (3, 2, 1, 0));
    assert!(
        app.store.user(UserId(3003)).expect("store").unreachable(),
        "the blocked parent is marked"
    );
}

#[tokio::test]
async fn a_broadcast_text_is_shown_as_written_and_the_report_counts() {
    let (app, _clock, _dir) = app_with_clock();
    let id = create_event(&app, "20.12. klo 17", "19", None).await;
    for user in [3101, 3102] {
        let mut p = Chat::new(&app, user, "sv");
        p.says(&format!("/start event-{id}")).await;
        p.taps("Anmäl mig").await;
    }
    let mut c = Chat::new(&app, COORD, "en");
    c.says("/events").await;
    c.taps("📣 Message the participants")
        .await
        .shows("It goes to 2 recipients.");
    c.says("Parking: use the back yard <3").await;
    c.taps("Send").await;
    let sent = deliveries(&app).await;
    let msgs: Vec<&Delivered> = sent.iter().filter(|d| d.to != COORD).collect();
    assert_eq!(msgs.len(), 2);
    for m in msgs {
        assert_eq!(
            m.text,
            "Meddelande från koordinatorn\n\nParking: use the back yard <3"
        );
    }
    let report = to(&sent, COORD);
    assert_eq!(report.len(), 1);
    assert!(
        report[0]
            .text
            .contains("2 recipients: 2 delivered, 0 unreachable, 0 failed"),
        "{}",
        report[0].text
    );
}

#[tokio::test]
async fn a_launched_groups_first_meeting_is_an_event_with_reminders() {
    let (app, clock, _dir) = app_with_clock();
    let mut parents = Vec::new();
    for user in 4001..=4005 {
        parents.push(join_tilli(&app, user).await);
    }
    deliveries(&app).await;
    let mut c = Chat::new(&app, COORD, "fi");
    c.says("/launch").await;
    c.taps("Tilli Toukka · Hyvinkää (suomi) · 5/5").await;
    c.says("14.1. klo 17").await;
    c.says("18.30").await;
    c.says("Pikku-Veturi").await;
    c.taps("Lähetä kutsut").await;
    let sent = deliveries(&app).await;
    parents[0].reads(to(&sent, 4001)[0]);
    parents[0].taps("Kyllä, tulemme").await;
    parents[0]
        .says("/events")
        .await
        .shows("Tilli Toukka")
        .shows("✓ Olet ilmoittautunut.");
    clock.set(utc(2027, 1, 13, 15, 0));
    let sent = deliveries(&app).await;
    let r = to(&sent, 4001);
    assert_eq!(r.len(), 1, "{sent:#?}");
    assert!(
        r[0].text.starts_with("Muistutus: tapahtuma 14.1. klo 17\n"),
        "{}",
        r[0].text
    );
}

#[tokio::test]
async fn events_in_the_config_are_created_once_and_kept_in_step() {
    let (app, _clock, _dir) = app_with_clock();
    // The spring's three partner visits.
    assert_eq!(
        kokoon::app::sync_config_events(&app).await.expect("store"),
        3
    );
    assert_eq!(
        kokoon::app::sync_config_events(&app).await.expect("store"),
        0,
        "not twice"
    );
    let mut p = Chat::new(&app, 5001, "sv");
    p.says("/events")
        .await
        .shows("Inför skilsmässan – kvällsträff")
        .shows("16.3.2027 kl. 17.30 – kl. 19");
    p.taps("1 · Anmäl mig").await.shows("Din anmälan är sparad");
    deliveries(&app).await;
    // The config changes the place: the stored event follows and the people signed up are told.
    let mut config = (*app.config).clone();
    config.events[0].place = kokoon::config::Localized::one("Kirkkotori 2, Hyvinkää");
    let app = App {
        config: config.into(),
        ..app
    };
    assert_eq!(
        kokoon::app::sync_config_events(&app).await.expect("store"),
        1
    );
    let sent = deliveries(&app).await;
    let told = to(&sent, 5001);
    assert_eq!(told.len(), 1);
    assert!(
        told[0]
            .text
            .starts_with("Uppgifterna om evenemanget har ändrats:"),
        "{}",
        told[0].text
    );
    assert!(
        told[0].text.contains("Kirkkotori 2, Hyvinkää"),
        "{}",
        told[0].text
    );
    assert_eq!(app.store.events().expect("store").len(), 3);
}

#[test]
fn a_broken_event_in_the_config_is_a_clear_error() {
    let text = include_str!("../../config/kokoon.toml")
        .replace("start = \"2027-03-16 17:30\"", "start = \"16.3.2027\"")
        .replace("end = \"2027-03-16 19:00\"", "end = \"2027-03-16 17:00\"");
    let err = kokoon::config::Config::parse("kokoon.toml", &text).expect_err("broken");
    let msg = err.to_string();
    assert!(
        msg.contains(
            "events[0].start: \"16.3.2027\" is not a time in Helsinki like \"2027-03-15 17:00\""
        ),
        "{msg}"
    );
    let text = include_str!("../../config/kokoon.toml")
        .replace("end = \"2027-03-16 19:00\"", "end = \"2027-03-16 17:00\"");
    let msg = kokoon::config::Config::parse("kokoon.toml", &text)
        .expect_err("broken")
        .to_string();
    assert!(
        msg.contains("events[0].end: must be after the start"),
        "{msg}"
    );
}

/// A parent registers one child for Tilli Toukka in Hyvinkää, in Finnish, without sharing
/// their name.
async fn join_tilli(app: &App, user: u64) -> Chat {
    crate::chat::join_tilli(app, user, "Hyvinkää", false).await
}

/// What kokoon answers `user` (as data, before rendering) to one input, and what it stores.
async fn answer(app: &App, user: u64, input: kokoon::flow::Input) -> Vec<kokoon::flow::Reply> {
    let person = kokoon::flow::Person {
        user: UserId(user),
        name: format!("Parent {user}"),
        username: None,
    };
    let handled = app
        .handle(None, &person, Some("fi"), input)
        .await
        .expect("the store works");
    assert!(!handled.effects, "an outsider changed something");
    handled.replies
}

#[tokio::test]
async fn a_launched_groups_meeting_is_seen_only_by_its_families_and_coordinators() {
    let (app, clock, _dir) = app_with_clock();
    // A public event, so the list is not empty for anyone.
    let public = create_event(&app, "20.1. klo 17", "19", None).await;
    let mut parents = Vec::new();
    for user in 4101..=4105 {
        parents.push(join_tilli(&app, user).await);
    }
    deliveries(&app).await;
    let mut c = Chat::new(&app, 100_000_001, "fi");
    c.says("/launch").await;
    c.taps("Tilli Toukka · Hyvinkää (suomi) · 5/5").await;
    c.says("14.1. klo 17").await;
    c.says("18.30").await;
    c.says("Pikku-Veturi").await;
    c.taps("Lähetä kutsut").await;
    let sent = deliveries(&app).await;
    parents[0].reads(to(&sent, 4101)[0]);
    parents[0].taps("Kyllä, tulemme").await;
    parents[1].reads(to(&sent, 4102)[0]);
    parents[1].taps("Ei tällä kertaa").await;
    let launch = app
        .store
        .launches()
        .expect("store")
        .pop()
        .expect("a launch");
    let meeting = app
        .store
        .event(launch.event.expect("the first meeting"))
        .expect("store")
        .expect("stored");
    let id = meeting.id;
    let token = meeting
        .token
        .clone()
        .expect("a launch's meeting has an unguessable link");
    assert!(token.len() >= 16, "{token}");

    // Who may see it: the family who accepted, a family invited and not yet answered, the
    // group's coordinators.
    parents[0].says("/events").await.shows("Tilli Toukka");
    parents[2].says("/events").await.shows("Tilli Toukka");
    parents[2]
        .says(&format!("/start event-{token}"))
        .await
        .shows("Tilli Toukka")
        .shows("Pikku-Veturi");
    c.says("/events")
        .await
        .shows("Tilli Toukka")
        .shows(&format!(
            "Linkki (avautuu vain ryhmän perheille ja koordinaattoreille): https://t.me/{}?start=event-{token}",
            app.config.bot_username
        ));

    // Nobody else: a stranger, the family who declined, and (below) a family whose time to
    // answer ran out.
    let unknown = 987_654_321_u64;
    for outsider in [5001_u64, 4102] {
        let mut o = Chat::new(&app, outsider, "fi");
        o.says("/events")
            .await
            .shows("Eron edessä -ilta")
            .hides("Tilli Toukka");
        let start = |p: String| kokoon::flow::Input::Start(Some(p));
        let none = answer(&app, outsider, start(format!("event-{unknown}"))).await;
        assert_eq!(
            answer(&app, outsider, start(format!("event-{id}"))).await,
            none,
            "the numeric link of a launch's meeting is an unknown event"
        );
        assert_eq!(
            answer(&app, outsider, start(format!("event-{token}"))).await,
            none,
            "even the real link tells an outsider nothing"
        );
        for verb in [
            "ev:{}:j", "ev:{}:l", "ev:{}:c", "fb:{}:5", "em:{}:m", "em:{}:f",
        ] {
            let data = |n: u64| format!("1:{}", verb.replace("{}", &n.to_string()));
            let button = |n| kokoon::flow::Input::Button(data(n));
            assert_eq!(
                answer(&app, outsider, button(id)).await,
                answer(&app, outsider, button(unknown)).await,
                "a forged {} tells an outsider what an unknown event does",
                data(id)
            );
        }
    }
    let stored = app.store.event(id).expect("store").expect("stored");
    assert_eq!(stored.attendees, vec![UserId(4101)]);
    assert!(stored.waiting.is_empty());
    // The public event keeps its plain link.
    parents[1]
        .says(&format!("/start event-{public}"))
        .await
        .shows("Eron edessä -ilta");

    // The time to answer runs out: the unanswered family no longer sees it (even before the
    // sender has marked the invitation expired).
    clock.advance(chrono::Duration::hours(
        i64::from(app.config.invite_hours) + 1,
    ));
    let none = answer(
        &app,
        4103,
        kokoon::flow::Input::Start(Some(format!("event-{unknown}"))),
    )
    .await;
    assert_eq!(
        answer(
            &app,
            4103,
            kokoon::flow::Input::Start(Some(format!("event-{token}")))
        )
        .await,
        none
    );
    parents[0].says("/events").await.shows("Tilli Toukka");
}

/// Two parents press "sign up" for an event's last seat and both presses come in one batch of
/// updates: the one who pressed first (the lower `update_id`) gets the seat, whatever the chat
/// ids, and each is told what the store decided.
#[tokio::test]
async fn the_last_seat_goes_to_the_first_press_of_a_batch() {
    use crate::fake_telegram::FakeTelegram;
    let fake = FakeTelegram::start().await;
    let (app, _clock, _dir) = app_with_clock();
    let id = create_event(&app, "20.1. klo 17", "19", Some("1")).await;
    // The first to press has the larger chat id, so nothing but the update order favours them.
    let (first, second) = (2300_i64, 2200_i64);
    for (user, name) in [(first, "Eka"), (second, "Toka")] {
        fake.add_private_chat(&crate::fake_telegram::FakeUser::new(user, name, "fi"));
        let from = serde_json::json!({"id": user, "is_bot": false, "first_name": name,
                                      "language_code": "fi"});
        fake.push_raw_update(serde_json::json!({"callback_query": {
            "id": format!("press-{user}"), "from": from, "chat_instance": format!("ci{user}"),
            "data": format!("1:ev:{id}:j")}}));
    }
    let bot = teloxide::Bot::new(FakeTelegram::TOKEN)
        .set_api_url(fake.api_url().parse().expect("the fake's URL"));
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let running = tokio::spawn(kokoon::telegram::run(
        app.clone(),
        bot,
        kokoon::telegram::Limits::Off,
        async move {
            let _ = stopped.await;
        },
    ));
    let wait = std::time::Duration::from_secs(20);
    let to_first = fake.wait_for(first, 1, wait).await;
    let to_second = fake.wait_for(second, 1, wait).await;
    let _ = stop.send(());
    running.await.expect("joins").expect("runs");
    let e = app.store.event(id).expect("store").expect("event");
    assert_eq!(
        e.attendees,
        vec![UserId(first as u64)],
        "first come, first served"
    );
    assert_eq!(e.waiting, vec![UserId(second as u64)]);
    assert!(
        to_first[0].text.contains("Ilmoittautuminen tallennettu"),
        "{}",
        to_first[0].text
    );
    assert!(
        to_second[0].text.contains("jonossa") && !to_second[0].text.contains("tallennettu"),
        "{}",
        to_second[0].text
    );
}

/// Finding 7: the launch asks when the first meeting ends (a time or a length), and the
/// coordinator's card of it lists who is coming with their children (names only of those who
/// agreed to share them).
#[tokio::test]
async fn a_launch_asks_the_end_and_the_coordinator_sees_who_is_coming() {
    let (app, _clock, _dir) = app_with_clock();
    let mut parents = Vec::new();
    for user in 4201..=4205 {
        let mut p = Chat::new(&app, user, "fi");
        p.says("/start tilli-toukka").await;
        p.taps("Hyväksyn tallennuksen").await;
        p.taps("5").await;
        if user == 4202 {
            p.taps("Lisää lapsi").await;
            p.taps("4").await;
        }
        p.taps("Ei muita, jatketaan").await;
        p.taps("Hyvinkää").await;
        p.taps("suomi").await;
        p.taps("Arki-iltaisin").await;
        p.taps("Valmis").await;
        p.taps(if user == 4201 {
            "Kyllä, saa nähdä"
        } else {
            "Ei, kiitos"
        })
        .await;
        p.taps("Ohita").await;
        p.taps("Vahvista").await.shows("on tallennettu");
        parents.push(p);
    }
    deliveries(&app).await;
    let mut c = Chat::new(&app, 100_000_001, "fi");
    c.says("/launch").await;
    c.taps("Tilli Toukka · Hyvinkää (suomi) · 6/5").await;
    c.says("14.1. klo 17")
        .await
        .shows("Milloin tapaaminen päättyy?");
    c.says("kaksi").await.shows("En ymmärtänyt");
    c.says("16").await.shows("En ymmärtänyt");
    c.says("90 min").await.shows("Missä tapaaminen on?");
    c.says("Pikku-Veturi")
        .await
        .shows("Ensimmäinen tapaaminen: 14.1.2027 klo 17 – klo 18.30, Pikku-Veturi");
    c.taps("Lähetä kutsut").await;
    let launch = app
        .store
        .launches()
        .expect("store")
        .pop()
        .expect("a launch");
    let meeting = app
        .store
        .event(launch.event.expect("its first meeting"))
        .expect("store")
        .expect("stored");
    assert_eq!(meeting.end - meeting.start, chrono::Duration::minutes(90));

    let sent = deliveries(&app).await;
    parents[0].reads(to(&sent, 4201)[0]);
    parents[0].taps("Kyllä, tulemme").await;
    parents[1].reads(to(&sent, 4202)[0]);
    parents[1].taps("Kyllä, tulemme").await;
    c.says("/events")
        .await
        .shows("Tulossa 2 perhettä, 3 lasta:")
        .shows("Parent 4201 (@parent4201) – 1 lapsi")
        .shows("perhe (nimeä ei jaettu) – 2 lasta")
        .hides("Parent 4202");
    // Parents see no list.
    parents[0]
        .says("/events")
        .await
        .hides("Tulossa")
        .hides("perhe (nimeä ei jaettu)");
}

/// `/events` is one message with every event's buttons, numbered when there are several; with
/// too much to show in one message, one message per event.
#[tokio::test]
async fn events_come_in_one_message_unless_it_would_be_too_long() {
    let (app, _clock, _dir) = app_with_clock();
    let first = create_event(&app, "20.1. klo 17", "19", None).await;
    let second = create_event(&app, "21.1. klo 17", "19", Some("5")).await;
    let replies = answer(
        &app,
        2501,
        kokoon::flow::Input::Command(kokoon::flow::Command::Events),
    )
    .await;
    assert_eq!(replies.len(), 1, "{replies:#?}");
    let mut p = Chat::new(&app, 2501, "fi");
    p.says("/events")
        .await
        .shows("1. Eron edessä -ilta")
        .shows("2. Eron edessä -ilta")
        .offers("1 · Ilmoittaudu")
        .offers("2 · Kalenteriin");
    p.taps("2 · Ilmoittaudu")
        .await
        .shows("Ilmoittautuminen tallennettu");
    let e = app.store.event(second).expect("store").expect("event");
    assert_eq!(e.attendees, vec![UserId(2501)]);
    let e = app.store.event(first).expect("store").expect("event");
    assert!(e.attendees.is_empty());
    // Many events with long descriptions: one message each, after the title.
    for day in 1..=6 {
        let mut c = Chat::new(&app, COORD, "fi");
        c.says("/newevent").await;
        c.says("Pitkä ilta").await;
        c.taps("Ei ryhmää").await;
        c.says(&format!("{day}.2. klo 17")).await;
        c.says("19").await;
        c.says("Pikku-Veturi, Hyvinkää").await;
        c.taps("Ei rajaa").await;
        c.says(&"Pitkä kuvaus. ".repeat(60)).await;
        c.taps("Luo tapahtuma").await.shows("Tapahtuma luotiin.");
    }
    let replies = answer(
        &app,
        2501,
        kokoon::flow::Input::Command(kokoon::flow::Command::Events),
    )
    .await;
    assert_eq!(replies.len(), 1 + 8, "the title, then each of the 8 events");
}

/// An event sign-up is personal data: the card asks consent in one step (a short notice with
/// the sign-up button, and a second button that also lets the organiser see the name), and
/// the sign-up is stored with when and to which notice version consent was given; the
/// name-sharing consent, and its withdrawal, likewise.
#[tokio::test]
async fn an_event_sign_up_asks_consent_and_records_it_with_the_name_sharing_and_its_withdrawal() {
    let (app, _clock, _dir) = app_with_clock();
    create_event(&app, "15.3. klo 17", "19", None).await;
    let mut p = Chat::new(&app, 2101, "fi");
    p.says("/events")
        .await
        .shows("Ilmoittautumalla")
        .shows("/privacy")
        .offers("Ilmoittaudu")
        .offers("Ilmoittaudu ja näytä nimeni");
    p.taps("Ilmoittaudu ja näytä nimeni")
        .await
        .shows("Ilmoittautuminen tallennettu: Eron edessä -ilta.")
        .offers("Piilota nimeni");
    let mut q = Chat::new(&app, 2102, "fi");
    q.says("/events").await;
    q.taps("Ilmoittaudu")
        .await
        .shows("Ilmoittautuminen tallennettu");

    let mut c = Chat::new(&app, COORD, "fi");
    c.says("/events")
        .await
        .shows("Parent 2101")
        .hides("Parent 2102");

    let consent = |said: &crate::chat::Said| -> serde_json::Value {
        let json: serde_json::Value =
            serde_json::from_slice(&said.files[1].bytes).expect("valid JSON");
        json["event_signups"][0]["consent"].clone()
    };
    let shared = consent(&p.says("/mydata").await);
    assert_eq!(
        shared["required"]["version"], app.config.notice_version,
        "{shared}"
    );
    assert!(shared["required"]["at"].is_string(), "{shared}");
    assert!(shared["share"]["at"].is_string(), "{shared}");
    assert!(shared["share_withdrawn"].is_null(), "{shared}");
    let plain = consent(&q.says("/mydata").await);
    assert_eq!(
        plain["required"]["version"], app.config.notice_version,
        "{plain}"
    );
    assert!(plain["share"].is_null(), "{plain}");

    p.says("/events").await;
    p.taps("Piilota nimeni").await.offers("Peru osallistuminen");
    c.says("/events").await.hides("Parent 2101");
    let withdrawn = consent(&p.says("/mydata").await);
    assert!(withdrawn["share_withdrawn"].is_string(), "{withdrawn}");
    assert!(withdrawn["required"]["at"].is_string(), "{withdrawn}");
}
