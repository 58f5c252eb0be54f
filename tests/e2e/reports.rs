//! Feedback the municipality can report, as transcripts on the manual clock: the example
//! config's spring series of three partner visits at Pikku-Veturi (family counselling in March,
//! the family law unit in April, the parish family counselling centre in May), families
//! answering the group's questions after each visit, and the coordinator's `/report` per
//! visit, per series and per period — in Finnish and in Swedish. Every figure the tests expect
//! is worked out by hand from the answers below and written out literally.
//!
//! The answers (useful, continue, rating, comment; `-` = not answered):
//!
//! | visit | family | lang | useful | continue | rating | comment            |
//! |-------|--------|------|--------|----------|--------|--------------------|
//! | March | 3001   | fi   | yes    | yes      | 5      | Kahvi oli hyvää.   |
//! | March | 3002   | sv   | yes    | yes      | 4      | -                  |
//! | March | 3003   | en   | partly | yes      | 4      | Too short.         |
//! | March | 3004   | fi   | yes    | no       | -      | -                  |
//! | March | 3005   | fi   | no     | yes      | 3      | -                  |
//! | March | 3006   | sv   | partly | yes      | 5      | Bra kväll.         |
//! | April | 3011   | fi   | yes    | yes      | 5      | Selkeä ilta.       |
//! | April | 3012   | fi   | yes    | yes      | 4      | -                  |
//! | April | 3013   | sv   | yes    | yes      | 5      | -                  |
//! | May   | 3021   | fi   | yes    | yes      | 2      | -                  |
//!
//! March alone: 6 answers; useful 3 / 2 / 1 of 6 = 50 / 33 / 17 %; continue 5 / 1 = 83 / 17 %;
//! ratings 5 ★ 2, 4 ★ 2, 3 ★ 1, mean 21 / 5 = 4.2.
//! The series: 10 answers; useful 7 / 2 / 1 = 70 / 20 / 10 %; continue 9 / 1 = 90 / 10 %;
//! ratings 5 ★ 4, 4 ★ 3, 3 ★ 1, 2 ★ 1 (9 rated), mean 37 / 9 = 4.11 → 4.1.
//! March–April: 9 answers; useful 6 / 2 / 1 = 67 / 22 / 11 %; continue 8 / 1 = 89 / 11 %;
//! ratings 5 ★ 4, 4 ★ 3, 3 ★ 1 (8 rated), mean 35 / 8 = 4.375 → 4.4.
//! April alone (3) and April–May (4): fewer than 5, the count only.

use crate::chat::{app_with_clock, deliveries, Chat, Delivered};
use chrono::{DateTime, TimeZone, Utc};
use kokoon::app::App;
use kokoon::clock::ManualClock;
use kokoon::files::FileKind;
use std::sync::Arc;

/// The coordinator of every group in the example config.
const COORD: u64 = 100_000_002;
/// The coordinator of Tilli Toukka and the school-age group only.
const TILLI_COORD: u64 = 100_000_001;

fn utc(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(y, mo, d, h, mi, 0)
        .single()
        .expect("valid time")
}

/// One family's answers.
struct Answers {
    user: u64,
    lang: &'static str,
    useful: &'static str,
    go_on: &'static str,
    rating: Option<&'static str>,
    comment: Option<&'static str>,
}

const fn a(
    user: u64,
    lang: &'static str,
    useful: &'static str,
    go_on: &'static str,
    rating: Option<&'static str>,
    comment: Option<&'static str>,
) -> Answers {
    Answers {
        user,
        lang,
        useful,
        go_on,
        rating,
        comment,
    }
}

const MARCH: [Answers; 6] = [
    a(
        3001,
        "fi",
        "yes",
        "yes",
        Some("5"),
        Some("Kahvi oli hyvää."),
    ),
    a(3002, "sv", "yes", "yes", Some("4"), None),
    a(3003, "en", "partly", "yes", Some("4"), Some("Too short.")),
    a(3004, "fi", "yes", "no", None, None),
    a(3005, "fi", "no", "yes", Some("3"), None),
    a(3006, "sv", "partly", "yes", Some("5"), Some("Bra kväll.")),
];
const APRIL: [Answers; 3] = [
    a(3011, "fi", "yes", "yes", Some("5"), Some("Selkeä ilta.")),
    a(3012, "fi", "yes", "yes", Some("4"), None),
    a(3013, "sv", "yes", "yes", Some("5"), None),
];
const MAY: [Answers; 1] = [a(3021, "fi", "yes", "yes", Some("2"), None)];

/// A button's label in a language.
fn label(lang: &str, what: &str) -> &'static str {
    match (lang, what) {
        ("fi", "yes") => "Kyllä",
        ("fi", "partly") => "Osittain",
        ("fi", "no") => "Ei",
        ("fi", "skip") => "Ohita",
        ("fi", "join") => "Ilmoittaudu",
        ("sv", "yes") => "Ja",
        ("sv", "partly") => "Delvis",
        ("sv", "no") => "Nej",
        ("sv", "skip") => "Hoppa över",
        ("sv", "join") => "Anmäl mig",
        ("en", "yes") => "Yes",
        ("en", "partly") => "Partly",
        ("en", "no") => "No",
        ("en", "skip") => "Skip",
        ("en", "join") => "Sign up",
        _ => panic!("no label {what} in {lang}"),
    }
}

/// The ids of the spring visits (March, April, May), created from the example config.
async fn spring(app: &App) -> [u64; 3] {
    kokoon::app::sync_config_events(app)
        .await
        .expect("config events");
    let events = app.store.events().expect("events");
    [
        "eron-edessa-2027-03",
        "eron-edessa-2027-04",
        "eron-edessa-2027-05",
    ]
    .map(|key| {
        events
            .iter()
            .find(|e| e.key.as_deref() == Some(key))
            .map(|e| e.id)
            .expect("a spring visit")
    })
}

/// The families sign up for a visit; after it they answer its feedback questions.
async fn visit(
    app: &App,
    clock: &Arc<ManualClock>,
    id: u64,
    after: DateTime<Utc>,
    who: &[Answers],
) {
    let mut chats = Vec::new();
    for f in who {
        let mut p = Chat::new(app, f.user, f.lang);
        p.says(&format!("/start event-{id}")).await;
        p.taps(label(f.lang, "join")).await;
        chats.push(p);
    }
    clock.set(after);
    let sent = deliveries(app).await;
    for (f, p) in who.iter().zip(chats.iter_mut()) {
        let asks: Vec<&Delivered> = sent
            .iter()
            .filter(|d| d.to == f.user && d.buttons.iter().any(|(_, data)| data.contains(":fb:")))
            .collect();
        assert_eq!(asks.len(), 1, "{} is asked once: {sent:#?}", f.user);
        p.reads(asks[0]);
        p.taps(label(f.lang, f.useful)).await;
        p.taps(label(f.lang, f.go_on)).await;
        let Some(rating) = f.rating else {
            continue;
        };
        p.taps(rating).await;
        match f.comment {
            Some(c) => p.says(c).await,
            None => p.taps(label(f.lang, "skip")).await,
        };
    }
}

/// The spring as the table in the module docs has it; the clock ends in June 2027.
async fn the_spring(app: &App, clock: &Arc<ManualClock>) -> [u64; 3] {
    clock.set(utc(2027, 3, 1, 8, 0));
    let ids = spring(app).await;
    // Each visit is 17.30–19.00 in Helsinki; the question goes when it ends.
    visit(app, clock, ids[0], utc(2027, 3, 16, 17, 30), &MARCH).await;
    visit(app, clock, ids[1], utc(2027, 4, 13, 16, 30), &APRIL).await;
    visit(app, clock, ids[2], utc(2027, 5, 11, 16, 30), &MAY).await;
    clock.set(utc(2027, 6, 1, 9, 0));
    ids
}

/// The CSV file among a report's files, as text.
fn csv_of(files: &[kokoon::files::File]) -> String {
    let csv = files
        .iter()
        .find(|f| f.name.ends_with(".csv"))
        .expect("a CSV file");
    assert_eq!(csv.kind, FileKind::Document);
    String::from_utf8(csv.bytes.clone()).expect("UTF-8")
}

/// The chart among a report's files.
fn has_chart(files: &[kokoon::files::File]) -> bool {
    files
        .iter()
        .any(|f| f.kind == FileKind::Photo && f.bytes.starts_with(b"\x89PNG"))
}

#[tokio::test]
async fn the_spring_series_reported_per_visit_series_and_period_in_finnish() {
    let (app, clock, _dir) = app_with_clock();
    let ids = the_spring(&app, &clock).await;
    let mut c = Chat::new(&app, COORD, "fi");

    // One visit: March, six answers.
    let said = c.says(&format!("/feedback {}", ids[0])).await;
    said.shows("Palaute: Eron edessä -ilta: perheneuvola · 16.3.")
        .shows("Vastauksia yhteensä 6.")
        .shows("Hyödyllinen: kyllä 50 %, osittain 33 %, ei 17 % (6 vastasi)")
        .shows("Jatkoa toivoo: kyllä 83 %, ei 17 % (6 vastasi)")
        .shows("Arvio keskimäärin 4,2 (5 vastasi) · 5 ★: 2 · 4 ★: 2 · 3 ★: 1 · 2 ★: 0 · 1 ★: 0")
        .shows("Kommentit\n– Bra kväll.\n– Kahvi oli hyvää.\n– Too short.")
        .hides("Parent")
        .hides("3001");
    assert!(has_chart(&said.files), "a chart");
    let csv = csv_of(&said.files);
    assert!(
        csv.starts_with("\u{feff}Kysymys;Vastaus;Määrä;Osuus (%)\r\n"),
        "{csv}"
    );
    for row in [
        "Vastauksia;;6;\r\n",
        "Hyödyllinen;kyllä;3;50\r\n",
        "Hyödyllinen;osittain;2;33\r\n",
        "Hyödyllinen;ei;1;17\r\n",
        "Jatkoa;kyllä;5;83\r\n",
        "Jatkoa;ei;1;17\r\n",
        "Arvio;5 ★;2;40\r\n",
        "Arvio;4 ★;2;40\r\n",
        "Arvio;3 ★;1;20\r\n",
        "Arvio;1 ★;0;0\r\n",
        "Keskiarvo;\"4,2\";;\r\n",
        "Kommentti;Bra kväll.;;\r\n",
        "Kommentti;Kahvi oli hyvää.;;\r\n",
    ] {
        assert!(csv.contains(row), "{row:?} in\n{csv}");
    }
    assert!(!csv.contains("3001") && !csv.contains("Parent"), "{csv}");

    // April alone: three answers, the count only.
    let said = c.says(&format!("/feedback {}", ids[1])).await;
    said.shows("Vastauksia yhteensä 3.")
        .shows("Alle 5 vastausta: näytän vain määrän, jottei ketään voi tunnistaa.")
        .hides("Hyödyllinen")
        .hides("Selkeä ilta.");
    assert!(!has_chart(&said.files), "no chart under five answers");
    let csv = csv_of(&said.files);
    assert_eq!(
        csv,
        "\u{feff}Kysymys;Vastaus;Määrä;Osuus (%)\r\nVastauksia;;3;\r\n"
    );

    // The series, from the menu: all three visits together.
    c.says("/report")
        .await
        .shows("Mistä haluat palauteraportin?")
        .offers("Eron edessä -ilta · 16.3.–11.5.")
        .offers("📅 Ajanjakso");
    let said = c.taps("Eron edessä -ilta · 16.3.–11.5.").await;
    said.shows("Palaute: Eron edessä -ilta · 16.3.–11.5.")
        .shows("Eron edessä -ilta: perheneuvola · 16.3.: 6 vastausta")
        .shows("Eron edessä -ilta: perheoikeudelliset palvelut · 13.4.: 3 vastausta")
        .shows("Eron edessä -ilta: perheasiain neuvottelukeskus · 11.5.: 1 vastaus")
        .shows("Vastauksia yhteensä 10.")
        .shows("Hyödyllinen: kyllä 70 %, osittain 20 %, ei 10 % (10 vastasi)")
        .shows("Jatkoa toivoo: kyllä 90 %, ei 10 % (10 vastasi)")
        .shows("Arvio keskimäärin 4,1 (9 vastasi) · 5 ★: 4 · 4 ★: 3 · 3 ★: 1 · 2 ★: 1 · 1 ★: 0")
        .shows("– Bra kväll.\n– Kahvi oli hyvää.\n– Selkeä ilta.\n– Too short.");
    assert!(has_chart(&said.files));
    let csv = csv_of(&said.files);
    for row in [
        "Tapahtuma;Eron edessä -ilta: perheneuvola · 16.3.;6;\r\n",
        "Vastauksia;;10;\r\n",
        "Hyödyllinen;kyllä;7;70\r\n",
        "Jatkoa;ei;1;10\r\n",
        "Arvio;5 ★;4;44\r\n",
        "Arvio;2 ★;1;11\r\n",
        "Keskiarvo;\"4,1\";;\r\n",
    ] {
        assert!(csv.contains(row), "{row:?} in\n{csv}");
    }

    // A period picked from the menu: March and April together.
    c.says("/report").await;
    c.taps("📅 Ajanjakso")
        .await
        .shows("Mistä kuukaudesta alkaen?")
        .offers("3/2027")
        .offers("5/2027");
    c.taps("3/2027").await.shows("Mihin kuukauteen asti?");
    c.taps("4/2027")
        .await
        .shows("Palaute: 3/2027–4/2027")
        .shows("Vastauksia yhteensä 9.")
        .shows("Hyödyllinen: kyllä 67 %, osittain 22 %, ei 11 % (9 vastasi)")
        .shows("Jatkoa toivoo: kyllä 89 %, ei 11 % (9 vastasi)")
        .shows("Arvio keskimäärin 4,4 (8 vastasi) · 5 ★: 4 · 4 ★: 3 · 3 ★: 1 · 2 ★: 0 · 1 ★: 0");

    // A period typed: April–May, four answers, the count only.
    c.says("/report 2027-04 2027-05")
        .await
        .shows("Palaute: 4/2027–5/2027")
        .shows("Vastauksia yhteensä 4.")
        .shows("Alle 5 vastausta")
        .hides("Arvio keskimäärin");
    c.says("/report toukokuu")
        .await
        .shows("/report 2027-03 2027-05");
}

#[tokio::test]
async fn the_spring_series_reported_in_swedish() {
    let (app, clock, _dir) = app_with_clock();
    the_spring(&app, &clock).await;
    let mut c = Chat::new(&app, COORD, "sv");
    c.says("/report")
        .await
        .shows("Vad vill du ha en responsrapport om?")
        .offers("Inför skilsmässan – kvällsträff · 16.3–11.5");
    let said = c.taps("Inför skilsmässan – kvällsträff · 16.3–11.5").await;
    said.shows("Respons: Inför skilsmässan – kvällsträff · 16.3–11.5")
        .shows("Inför skilsmässan – kvällsträff: familjerådgivningen · 16.3: 6 svar")
        .shows("Svar sammanlagt 10.")
        .shows("Till nytta: ja 70 %, delvis 20 %, nej 10 % (10 svarade)")
        .shows("Vill ha fortsättning: ja 90 %, nej 10 % (10 svarade)")
        .shows("Betyg i medeltal 4,1 (9 svarade) · 5 ★: 4 · 4 ★: 3 · 3 ★: 1 · 2 ★: 1 · 1 ★: 0");
    assert!(has_chart(&said.files));
    let csv = csv_of(&said.files);
    assert!(
        csv.starts_with("\u{feff}Fråga;Svar;Antal;Andel (%)\r\n"),
        "{csv}"
    );
    assert!(csv.contains("Till nytta;ja;7;70\r\n"), "{csv}");
    assert!(csv.contains("Medeltal;\"4,1\";;\r\n"), "{csv}");
    c.says("/report 2027-04")
        .await
        .shows("Respons: 4/2027")
        .shows("Svar sammanlagt 3.")
        .shows("Färre än 5 svar: jag visar bara antalet, så att ingen kan kännas igen.");
}

#[tokio::test]
async fn reports_are_for_the_coordinators_of_the_events_only() {
    let (app, clock, _dir) = app_with_clock();
    let ids = the_spring(&app, &clock).await;
    // Tilli Toukka's coordinator does not coordinate the evenings: nothing to report.
    let mut t = Chat::new(&app, TILLI_COORD, "fi");
    t.says("/report")
        .await
        .shows("Ei vielä menneitä tapahtumia");
    for forged in [
        format!("1:rp:e:{}", ids[0]),
        "1:rp:s:eron-edessa-kevat-2027".to_owned(),
        "1:rp:p:202703:202705".to_owned(),
    ] {
        t.presses_raw(&forged)
            .await
            .shows("Ei vielä menneitä tapahtumia")
            .hides("Vastauksia");
    }
    t.says(&format!("/feedback {}", ids[0]))
        .await
        .hides("Vastauksia yhteensä");
    // A parent: an unknown command, and a forged button is a stale one.
    let mut p = Chat::new(&app, 3001, "fi");
    p.says("/report").await.shows("En tunne tuota komentoa.");
    p.says("/report 2027-03")
        .await
        .shows("En tunne tuota komentoa.");
    for forged in [
        format!("1:rp:e:{}", ids[0]),
        "1:rp:s:eron-edessa-kevat-2027".to_owned(),
        "1:rp:m".to_owned(),
    ] {
        p.presses_raw(&forged).await.hides("Vastauksia");
    }
    // A parent's own feedback buttons for an event they did not come to do nothing.
    let mut stranger = Chat::new(&app, 3999, "fi");
    stranger
        .presses_raw(&format!("1:fb:{}:u0", ids[0]))
        .await
        .hides("Toivoisitko");
    assert!(app
        .store
        .feedback_on(ids[0])
        .expect("feedback")
        .len()
        .eq(&6));
}
