//! The daily privacy jobs, with the clock moved by hand: a registration is noticed a week
//! before its retention period ends and deleted after it (confirming it again starts the
//! period anew), comments and sign-ups go after theirs, and a parent who blocked the bot is
//! erased after the grace period.

use crate::chat::{app_with_clock, deliveries, Chat, Delivered};
use chrono::{DateTime, Duration, Months, Utc};
use kokoon::app::App;
use kokoon::clock::Clock;
use kokoon::domain::feedback::Answer as FbAnswer;
use kokoon::domain::{EventText, Lang, UserId};
use kokoon::flow::Effect;
use kokoon::store::UserRecord;

const COORDINATOR: u64 = 100_000_001;

/// A parent registers one child for Tilli Toukka in Hyvinkää, in Finnish.
async fn register(app: &App, user: u64) -> Chat {
    register_as(Chat::new(app, user, "fi")).await
}

/// A parent registers one child for Tilli Toukka in Hyvinkää, sharing their name. The child is
/// four: still of the group's ages when the retention tests' year has passed.
async fn register_as(mut p: Chat) -> Chat {
    p.says("/start tilli-toukka").await;
    p.taps("Hyväksyn tallennuksen").await;
    p.taps("4").await;
    p.taps("Ei muita, jatketaan").await;
    p.taps("Hyvinkää").await;
    p.taps("suomi").await;
    p.taps("Arki-iltaisin").await;
    p.taps("Valmis").await;
    p.taps("Kyllä, saa nähdä").await;
    p.taps("Ohita").await;
    p.taps("Vahvista").await.shows("on tallennettu");
    p
}

fn to(list: &[Delivered], user: u64) -> Vec<Delivered> {
    list.iter().filter(|d| d.to == user).cloned().collect()
}

fn months(t: DateTime<Utc>, n: u32) -> DateTime<Utc> {
    t.checked_add_months(Months::new(n)).expect("a date")
}

fn regs(app: &App, user: u64) -> usize {
    app.store
        .registrations_of(UserId(user))
        .expect("store")
        .len()
}

/// A waiting registration is not noticed: its parent is asked whether still interested
/// `renew_months` after `from` (once), and with no answer it is paused `renew_answer_days`
/// later. Returns the question.
async fn asked_then_paused(
    app: &App,
    clock: &kokoon::clock::ManualClock,
    user: u64,
    from: DateTime<Utc>,
) -> Delivered {
    let asked = months(from, app.config.renew_months);
    clock.set(asked - Duration::days(1));
    assert!(
        to(&deliveries(app).await, user).is_empty(),
        "not asked early"
    );
    clock.set(asked);
    let sent = to(&deliveries(app).await, user);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0].text.contains("Oletko yhä kiinnostunut?"),
        "{}",
        sent[0].text
    );
    clock.set(asked + Duration::days(i64::from(app.config.renew_answer_days)));
    assert!(to(&deliveries(app).await, user).is_empty(), "asked once");
    let status = app.store.registrations_of(UserId(user)).expect("store")[0].status;
    assert!(
        matches!(status, kokoon::domain::Status::Paused { .. }),
        "{status:?}"
    );
    sent[0].clone()
}

#[tokio::test]
async fn a_registration_is_noticed_a_week_before_and_deleted_after_its_retention_period() {
    let (app, clock, _dir) = app_with_clock();
    let start = clock.now();
    register(&app, 3001).await;
    assert!(deliveries(&app).await.is_empty());
    // Waiting, it is asked instead of noticed; unanswered, it is paused, and noticed.
    asked_then_paused(&app, &clock, 3001, start).await;

    // A day before the notice: nothing yet.
    clock.set(months(start, 12) - Duration::days(8));
    assert!(to(&deliveries(&app).await, 3001).is_empty());
    // A week before: the notice, once, with a button to say still interested.
    clock.set(months(start, 12) - Duration::days(7));
    let sent = to(&deliveries(&app).await, 3001);
    assert_eq!(sent.len(), 1, "{sent:?}");
    assert!(
        sent[0]
            .text
            .contains("Ilmoittautumisesi ryhmään Tilli Toukka poistetaan viikon kuluttua"),
        "{}",
        sent[0].text
    );
    assert!(sent[0].text.contains("/mine"), "{}", sent[0].text);
    assert!(sent[0]
        .buttons
        .iter()
        .any(|(l, _)| l == "Olen yhä kiinnostunut"));
    clock.advance(Duration::days(1));
    assert!(to(&deliveries(&app).await, 3001).is_empty(), "told once");
    assert_eq!(regs(&app, 3001), 1, "kept until the period ends");

    // The period ends: the registration and its demand are gone.
    clock.set(months(start, 12) + Duration::hours(1));
    deliveries(&app).await;
    assert_eq!(regs(&app, 3001), 0);
    let pool = kokoon::domain::Pool {
        group: kokoon::domain::GroupId::parse("tilli-toukka").expect("id"),
        area: kokoon::domain::AreaId::parse("hyvinkaa").expect("id"),
        lang: Some(Lang::Fi),
    };
    assert_eq!(app.store.demand_in(&pool).expect("demand").families, 0);
    assert_eq!(
        app.store.paused_of(&pool.group).expect("paused").families,
        0
    );
}

#[tokio::test]
async fn confirming_again_starts_the_retention_period_anew() {
    let (app, clock, _dir) = app_with_clock();
    let start = clock.now();
    let mut p = register(&app, 3002).await;
    deliveries(&app).await;
    asked_then_paused(&app, &clock, 3002, start).await;
    clock.set(months(start, 12) - Duration::days(7));
    let sent = to(&deliveries(&app).await, 3002);
    assert_eq!(sent.len(), 1);
    // From the notice: still interested. The registration waits (and counts) again.
    p.reads(&sent[0]);
    let again = clock.now();
    p.taps("Olen yhä kiinnostunut")
        .await
        .shows("Olet taas jonossa");
    assert_eq!(
        app.store.registrations_of(UserId(3002)).expect("store")[0].status,
        kokoon::domain::Status::Waiting
    );

    // Past the old end: still there, and no new notice.
    clock.set(months(start, 12) + Duration::days(1));
    assert!(to(&deliveries(&app).await, 3002).is_empty());
    assert_eq!(regs(&app, 3002), 1);
    // Asked again from the new confirmation; unanswered, paused, noticed, and deleted at the
    // new end.
    asked_then_paused(&app, &clock, 3002, again).await;
    clock.set(months(again, 12) - Duration::days(7));
    assert_eq!(to(&deliveries(&app).await, 3002).len(), 1);
    clock.set(months(again, 12) + Duration::hours(1));
    deliveries(&app).await;
    assert_eq!(regs(&app, 3002), 0);
}

#[tokio::test]
async fn a_notice_for_a_registration_confirmed_again_meanwhile_is_not_sent() {
    let (app, clock, _dir) = app_with_clock();
    let start = clock.now();
    let mut p = register(&app, 3005).await;
    deliveries(&app).await;
    // The notice is queued at night (quiet hours) for the morning; before it goes out the
    // parent confirms the registration again through /mine.
    clock.set(months(start, 12) - Duration::days(7) + Duration::hours(10)); // 20:00 UTC
    let sent = to(&deliveries(&app).await, 3005);
    assert!(sent.is_empty(), "quiet hours: {sent:?}");
    assert_eq!(
        app.store.outbox_len(),
        1,
        "the notice waits for the morning"
    );
    p.says("/mine").await;
    p.taps("Muuta vastauksia").await;
    p.taps("Vahvista").await.shows("on päivitetty");
    clock.advance(Duration::hours(14));
    assert!(
        to(&deliveries(&app).await, 3005).is_empty(),
        "nothing to say"
    );
    assert_eq!(app.store.outbox_len(), 0);
}

#[tokio::test]
async fn a_parent_who_blocked_the_bot_is_erased_after_the_grace_period() {
    let (app, clock, _dir) = app_with_clock();
    register(&app, 3003).await;
    let mut back = register(&app, 3004).await;
    register(&app, COORDINATOR).await;
    deliveries(&app).await;
    for user in [3003, 3004, COORDINATOR] {
        app.store
            .mark_unreachable(UserId(user), clock.now())
            .expect("store");
    }
    // 3004 writes again ten days later: reachable, and kept.
    clock.advance(Duration::days(10));
    back.says("/mine").await.shows("Tilli Toukka");
    assert!(!app.store.user(UserId(3004)).expect("user").unreachable());

    clock.advance(Duration::days(19) + Duration::hours(23));
    deliveries(&app).await;
    assert_eq!(regs(&app, 3003), 1, "within the grace period");
    clock.advance(Duration::days(1));
    deliveries(&app).await;
    assert_eq!(regs(&app, 3003), 0, "erased after 30 days");
    assert_eq!(
        app.store.user(UserId(3003)).expect("user"),
        UserRecord::default()
    );
    assert_eq!(regs(&app, 3004), 1, "wrote again: kept");
    assert_eq!(
        regs(&app, COORDINATOR),
        1,
        "coordinators are named in the config: kept"
    );
    assert!(app
        .store
        .user(UserId(COORDINATOR))
        .expect("user")
        .unreachable());
}

#[tokio::test]
async fn comments_go_after_their_shorter_period_and_sign_ups_after_the_retention_period() {
    let (app, clock, _dir) = app_with_clock();
    let t0 = clock.now();
    let commit = |user: u64, effects: Vec<Effect>, at: DateTime<Utc>| {
        let app = app.clone();
        async move {
            app.store
                .commit(UserId(user), None, &UserRecord::default(), &effects, at)
                .await
                .expect("commit");
        }
    };
    let event = kokoon::domain::Event {
        id: 0,
        title: EventText::new(Lang::Fi, "Eron edessä -ilta"),
        description: None,
        group: None,
        start: t0 + Duration::days(2),
        end: t0 + Duration::days(2) + Duration::hours(2),
        place: "Pikku-Veturi".into(),
        capacity: Some(10),
        organiser: UserId(COORDINATOR),
        cancelled: false,
        version: 1,
        attendees: Vec::new(),
        waiting: Vec::new(),
        key: None,
        visibility: kokoon::domain::event::Visibility::Public,
        token: None,
        revision: 0,
        facilitators: Vec::new(),
        co_parents: Vec::new(),
        series: None,
        came: Vec::new(),
    };
    commit(COORDINATOR, vec![Effect::CreateEvent(event.clone())], t0).await;
    let id = app.store.events().expect("events")[0].id;
    commit(
        3006,
        vec![Effect::Rsvp {
            event: id,
            join: true,
            seen: app.store.events().expect("events")[0].revision,
        }],
        t0,
    )
    .await;
    let after = event.end + Duration::hours(1);
    commit(
        3006,
        vec![
            Effect::Feedback {
                event: id,
                answer: FbAnswer::Rating(4),
            },
            Effect::Feedback {
                event: id,
                answer: FbAnswer::Comment("Hyvä ilta, kiitos Maija".into()),
            },
        ],
        after,
    )
    .await;
    clock.set(after);
    deliveries(&app).await;
    let comment = |app: &App| {
        app.store.feedback_on(id).expect("feedback")[0]
            .comment
            .clone()
    };
    assert!(comment(&app).is_some());

    // Six months on: the comment is gone, the rating and the sign-up stay.
    clock.set(months(after, 6) + Duration::days(1));
    deliveries(&app).await;
    let fb = app.store.feedback_on(id).expect("feedback");
    assert_eq!(
        (fb.len(), fb[0].rating, fb[0].comment.clone()),
        (1, Some(4), None)
    );
    assert_eq!(
        app.store.event(id).expect("event").expect("kept").attendees,
        vec![UserId(3006)]
    );
    // Twelve months after the event: the sign-up list and the feedback go; the event stays.
    clock.set(months(event.end, 12) + Duration::days(1));
    deliveries(&app).await;
    let e = app.store.event(id).expect("event").expect("kept");
    assert!(e.attendees.is_empty() && e.waiting.is_empty());
    assert!(app.store.feedback_on(id).expect("feedback").is_empty());
}

#[tokio::test]
async fn privacy_is_complete_in_every_language() {
    let (app, _clock, _dir) = app_with_clock();
    let org = |l| app.config.organisation.get(l).to_owned();
    for (lang, code, needles) in [
        (
            Lang::Fi,
            "fi",
            [
                "Rekisterinpitäjä",
                "Järvenpään kaupungin perhepalvelut",
                "tietosuoja@jarvenpaa.example.fi",
                "suostumus",
                "6 artikla",
                "tapahtumiin ilmoittautumiset",
                "palaute",
                "keskustelun vaihe",
                "mistä kuulit",
                "Telegram",
                "EU:n ulkopuolella",
                "/mydata",
                "/forget",
                "oikaista",
                "rajoittaa",
                "vastustaa",
                "Tietosuojavaltuutetun toimisto",
                "24 tunnin",
            ],
        ),
        (
            Lang::Sv,
            "sv",
            [
                "Personuppgiftsansvarig",
                "Träskända stads familjetjänster",
                "tietosuoja@jarvenpaa.example.fi",
                "samtycke",
                "artikel 6",
                "anmälningar till evenemang",
                "respons",
                "var du är i samtalet",
                "hur du hörde",
                "Telegram",
                "utanför EU",
                "/mydata",
                "/forget",
                "rätta",
                "begränsa",
                "invända",
                "Dataombudsmannens byrå",
                "24 timmar",
            ],
        ),
        (
            Lang::En,
            "en",
            [
                "Controller",
                "City of Järvenpää family services",
                "tietosuoja@jarvenpaa.example.fi",
                "consent",
                "Article 6",
                "event sign-ups",
                "feedback",
                "where you are in a conversation",
                "how you heard",
                "Telegram",
                "outside the EU",
                "/mydata",
                "/forget",
                "rectif",
                "restrict",
                "object",
                "Office of the Data Protection Ombudsman",
                "24 hours",
            ],
        ),
    ] {
        let mut p = Chat::new(&app, 3020, code);
        let said = p.says("/privacy").await;
        said.shows(&org(lang));
        for n in needles {
            said.shows(n);
        }
    }
}

#[tokio::test]
async fn privacy_states_every_period() {
    let (app, _clock, _dir) = app_with_clock();
    for (lang, needles) in [
        ("fi", ["12 kuukauden", "6 kuukauden", "30 päivän"]),
        ("sv", ["12 månader", "6 månader", "30 dagar"]),
        ("en", ["12 months", "6 months", "30 days"]),
    ] {
        let mut p = Chat::new(&app, 3010, lang);
        let said = p.says("/privacy").await;
        for n in needles {
            said.shows(n);
        }
    }
}

/// Whether any value that the key and the keyring still open in the data directory's raw files
/// holds `needle`, and how many sealed values the scan found whose key is gone.
fn readable_on_disk(app: &App, needle: &str) -> (bool, usize) {
    let scan = app.store.scan_files().expect("scan");
    assert!(scan.bytes > 0, "the scan read the files");
    let found = scan
        .readable
        .iter()
        .any(|v| v.windows(needle.len()).any(|w| w == needle.as_bytes()));
    (found, scan.erased)
}

/// Whether any file of the directory holds `needle` in clear.
fn in_clear_on_disk(dir: &std::path::Path, needle: &str) -> bool {
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                todo.push(path);
            } else if std::fs::read(&path)
                .expect("read")
                .windows(needle.len())
                .any(|w| w == needle.as_bytes())
            {
                return true;
            }
        }
    }
    false
}

#[tokio::test]
async fn after_forget_nothing_of_the_parent_can_be_read_from_the_raw_files_even_with_the_key() {
    const NAME: &str = "Kanarialintu Zqxjv-7731";
    const COMMENT: &str = "kanarian kommentti 9f3e1a zzyzx";
    const PARENT: u64 = 3020;
    let (app, clock, dir) = app_with_clock();
    let t0 = clock.now();
    let mut p = register_as(Chat::named(&app, PARENT, "fi", NAME)).await;
    // An evening they sign up for, and their comment on it.
    let event = kokoon::domain::Event {
        id: 0,
        title: EventText::new(Lang::Fi, "Eron edessä -ilta"),
        description: None,
        group: None,
        start: t0 + Duration::days(2),
        end: t0 + Duration::days(2) + Duration::hours(2),
        place: "Pikku-Veturi".into(),
        capacity: Some(10),
        organiser: UserId(COORDINATOR),
        cancelled: false,
        version: 1,
        attendees: Vec::new(),
        waiting: Vec::new(),
        key: None,
        visibility: kokoon::domain::event::Visibility::Public,
        token: None,
        revision: 0,
        facilitators: Vec::new(),
        co_parents: Vec::new(),
        series: None,
        came: Vec::new(),
    };
    let commit = |user: u64, effects: Vec<Effect>, record: UserRecord| {
        let app = app.clone();
        async move {
            app.store
                .commit(UserId(user), None, &record, &effects, t0)
                .await
                .expect("commit");
        }
    };
    commit(
        COORDINATOR,
        vec![Effect::CreateEvent(event)],
        UserRecord::default(),
    )
    .await;
    let stored = app.store.events().expect("events")[0].clone();
    let id = stored.id;
    let record = app.store.user(UserId(PARENT)).expect("user");
    commit(
        PARENT,
        vec![
            Effect::Rsvp {
                event: id,
                join: true,
                seen: stored.revision,
            },
            Effect::Feedback {
                event: id,
                answer: FbAnswer::Rating(5),
            },
            Effect::Feedback {
                event: id,
                answer: FbAnswer::Comment(COMMENT.into()),
            },
        ],
        record,
    )
    .await;
    app.store.flush().await.expect("flush");

    // Positive control: with the key and the keyring, the raw files give both canaries up,
    // and neither is in clear anywhere.
    assert!(readable_on_disk(&app, NAME).0, "the name is found");
    assert!(readable_on_disk(&app, COMMENT).0, "the comment is found");
    assert!(!in_clear_on_disk(dir.path(), NAME));
    assert!(!in_clear_on_disk(dir.path(), COMMENT));

    p.says("/forget").await;
    p.taps("Kyllä, poista kaikki")
        .await
        .shows("Kaikki tietosi on poistettu");
    app.store.flush().await.expect("flush");

    // sled's log still holds the old sealed copies, but nothing opens them any more.
    let (name, erased) = readable_on_disk(&app, NAME);
    assert!(!name, "the name can still be read from the raw files");
    assert!(
        !readable_on_disk(&app, COMMENT).0,
        "the comment can still be read"
    );
    assert!(
        erased > 0,
        "the old copies are there, sealed under destroyed keys"
    );
    assert!(!in_clear_on_disk(dir.path(), NAME));
    // The erasure is on the list a restore re-applies, as a keyed id.
    assert!(app.store.erased_since(UserId(PARENT), t0).is_some());
    assert!(!in_clear_on_disk(dir.path(), &PARENT.to_string()));
}

/// How many user records the store holds.
fn user_records(app: &App) -> usize {
    app.store
        .dump()
        .expect("dump")
        .iter()
        .filter(|(tree, _, _)| tree == "users")
        .count()
}

#[tokio::test]
async fn abandoned_conversations_idle_user_records_broadcast_texts_and_handled_updates_expire() {
    let (app, clock, _dir) = app_with_clock();
    let t0 = clock.now();
    // 3030 starts registering and stops half-way; 3031 only asks for help; 3032 registers.
    let mut half = Chat::new(&app, 3030, "fi");
    half.says("/start tilli-toukka").await;
    half.taps("Hyväksyn tallennuksen").await;
    half.taps("5").await;
    assert_ne!(
        app.store.user(UserId(3030)).expect("user").state,
        kokoon::flow::State::Idle
    );
    Chat::new(&app, 3031, "fi").says("/help").await;
    let mut kept = register(&app, 3032).await;
    // The coordinator writes to the waiting families; the update is remembered as handled.
    let record = app.store.user(UserId(COORDINATOR)).expect("user");
    app.store
        .commit(
            UserId(COORDINATOR),
            Some(900),
            &record,
            &[Effect::Broadcast {
                audience: kokoon::domain::Audience::Waiting {
                    group: kokoon::domain::GroupId::parse("tilli-toukka").expect("id"),
                },
                text: "Kevään ryhmä alkaa, tervetuloa".into(),
                to: vec![UserId(3032)],
            }],
            t0,
        )
        .await
        .expect("commit");
    let broadcast = (1..20)
        .find(|id| app.store.broadcast(*id).expect("store").is_some())
        .expect("the broadcast is stored");
    assert_eq!(to(&deliveries(&app).await, 3032).len(), 1);
    assert!(app.store.seen_update(900).expect("store"));
    assert_eq!(user_records(&app), 4);

    // Handled update ids: kept [privacy] update_hours (48), forgotten by the next daily job.
    clock.set(t0 + Duration::hours(47));
    deliveries(&app).await;
    assert!(
        app.store.seen_update(900).expect("store"),
        "within the period"
    );
    clock.set(t0 + Duration::hours(48) + Duration::days(1));
    deliveries(&app).await;
    assert!(!app.store.seen_update(900).expect("store"), "forgotten");

    // An abandoned conversation: its answers so far are dropped after state_days (30).
    clock.set(t0 + Duration::days(29));
    deliveries(&app).await;
    assert_ne!(
        app.store.user(UserId(3030)).expect("user").state,
        kokoon::flow::State::Idle
    );
    clock.set(t0 + Duration::days(31));
    deliveries(&app).await;
    assert_eq!(
        app.store.user(UserId(3030)).expect("user").state,
        kokoon::flow::State::Idle,
        "abandoned answers dropped"
    );

    // A broadcast's text: kept broadcast_days (90).
    clock.set(t0 + Duration::days(89));
    deliveries(&app).await;
    assert!(app.store.broadcast(broadcast).expect("store").is_some());
    clock.set(t0 + Duration::days(91));
    deliveries(&app).await;
    assert!(app.store.broadcast(broadcast).expect("store").is_none());

    // 3032 comes back later; then, a user record with nothing else stored goes user_months
    // (12) after its last use.
    clock.set(t0 + Duration::days(200));
    kept.says("/mine").await;
    clock.set(months(t0, 12) + Duration::days(1));
    deliveries(&app).await;
    assert_eq!(
        user_records(&app),
        2,
        "3030 and 3031 are gone; 3032 (used since) and the coordinator (named in the config) stay"
    );
    assert_eq!(
        app.store.user(UserId(3031)).expect("user"),
        UserRecord::default()
    );
    assert_eq!(
        app.store.user(UserId(3032)).expect("user").seen_lang,
        Some(Lang::Fi),
        "3032's record is there"
    );
}

#[tokio::test]
async fn a_coordinators_export_is_in_the_access_log_and_a_parents_is_not() {
    let (app, clock, _dir) = app_with_clock();
    let t0 = clock.now();
    register(&app, 3040).await;
    let mut coordinator = Chat::new(&app, COORDINATOR, "fi");
    coordinator.says("/export").await;
    Chat::new(&app, 3041, "fi").says("/export").await;
    let log = app
        .store
        .access_log(t0, t0 + Duration::hours(1))
        .expect("log");
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0].who, UserId(COORDINATOR));
    assert_eq!(log[0].what, kokoon::domain::audit::Accessed::Export);
    assert_eq!(log[0].people, 1);
    // Kept audit_months (24), then pruned by the daily job.
    clock.set(months(t0, 24) + Duration::days(2));
    deliveries(&app).await;
    assert!(app
        .store
        .access_log(t0, t0 + Duration::hours(1))
        .expect("log")
        .is_empty());
}

/// The draft a parent's stored conversation state holds, if they are registering.
fn draft(app: &App, user: u64) -> Option<kokoon::flow::Draft> {
    match app.store.user(UserId(user)).expect("store").state {
        kokoon::flow::State::Registering(d) => Some(d),
        _ => None,
    }
}

#[tokio::test]
async fn the_required_consent_is_asked_first_and_nothing_personal_is_stored_before_it() {
    let (app, _clock, _dir) = app_with_clock();
    for (user, code, agree, age_question) in [
        (3101, "fi", "Hyväksyn tallennuksen", "Minkä ikäinen"),
        (3102, "sv", "Jag godkänner", "Hur gammalt"),
        (3103, "en", "I agree", "How old"),
    ] {
        let mut p = Chat::new(&app, user, code);
        p.says("/start tilli-toukka__pikkuveturi")
            .await
            .shows("/privacy")
            .offers(agree)
            .hides(age_question);
        // Answers before the consent (a forged or an old button, a typed age) are not taken.
        p.presses_raw(&kokoon::flow::Callback::Age(5).encode())
            .await;
        p.says("5").await;
        let d = draft(&app, user).expect("still registering");
        assert!(!d.consent, "{user}");
        assert!(d.children.is_empty(), "no age before consent: {d:?}");
        assert!(d.area.is_none() && d.times.is_empty() && d.share.is_none());
        // After the consent, the questions.
        p.taps(agree).await.shows(age_question);
        p.taps("5").await;
        let d = draft(&app, user).expect("registering");
        assert_eq!(
            kokoon::domain::child::ages_of(&d.children, app.clock.now()),
            vec![5]
        );
    }
}

#[tokio::test]
async fn an_abandoned_conversation_without_consent_is_deleted_after_a_day() {
    let (app, clock, _dir) = app_with_clock();
    let start = clock.now();
    // One parent only opens a registration and goes away.
    let mut p = Chat::new(&app, 3111, "sv");
    p.says("/start eron-edessa").await;
    p.says("/lang").await;
    p.taps("English").await;
    // Another has a registration, then opens a second one and goes away.
    let mut q = register(&app, 3112).await;
    q.says("/start eron-edessa").await;
    assert!(draft(&app, 3112).is_some());

    clock.set(start + Duration::hours(12));
    deliveries(&app).await;
    assert!(draft(&app, 3111).is_some(), "kept within the day");
    assert!(draft(&app, 3112).is_some(), "kept within the day");

    clock.set(start + Duration::hours(37));
    deliveries(&app).await;
    assert_eq!(
        app.store.user(UserId(3111)).expect("store"),
        UserRecord::default(),
        "language and conversation step are gone"
    );
    assert!(draft(&app, 3112).is_none(), "the unconsented draft is gone");
    assert_eq!(regs(&app, 3112), 1, "a consented registration stays");
}

#[tokio::test]
async fn consents_are_recorded_with_time_and_notice_version_and_so_is_a_withdrawal() {
    use kokoon::domain::privacy::ConsentRecord;
    let (app, clock, _dir) = app_with_clock();
    let t0 = clock.now();
    let version = app.config.notice_version;
    let mut p = Chat::new(&app, 3201, "fi");
    p.says("/start tilli-toukka").await;
    p.taps("Hyväksyn tallennuksen").await;
    clock.advance(Duration::minutes(3));
    p.taps("5").await;
    p.taps("Ei muita, jatketaan").await;
    p.taps("Hyvinkää").await;
    p.taps("suomi").await;
    p.taps("Arki-iltaisin").await;
    p.taps("Valmis").await;
    p.taps("Kyllä, saa nähdä").await;
    p.taps("Ohita").await;
    p.taps("Vahvista").await.shows("on tallennettu");
    let r = &app.store.registrations_of(UserId(3201)).expect("store")[0];
    let required = Some(ConsentRecord { at: t0, version });
    let shared = Some(ConsentRecord {
        at: t0 + Duration::minutes(3),
        version,
    });
    assert_eq!(r.consents.required, required);
    assert_eq!(r.consents.share, shared);
    assert_eq!(r.consents.share_withdrawn, None);

    // Two days later the parent withdraws the name-sharing consent.
    clock.advance(Duration::days(2));
    p.says("/mine").await;
    p.taps("Muuta vastauksia").await;
    p.taps("Muuta").await;
    p.taps("Nimen näyttäminen").await;
    p.taps("Ei, kiitos").await;
    p.taps("Vahvista").await.shows("on päivitetty");
    let r = &app.store.registrations_of(UserId(3201)).expect("store")[0];
    assert_eq!(r.contact, None);
    assert_eq!(r.consents.required, required, "the consent stays as given");
    assert_eq!(
        r.consents.share, shared,
        "kept as the history of the withdrawal"
    );
    assert_eq!(r.consents.share_withdrawn, Some(clock.now()));
}

#[tokio::test]
async fn a_new_notice_version_asks_for_the_consent_again_when_a_registration_is_changed() {
    let (app, clock, _dir) = app_with_clock();
    register(&app, 3211).await;
    let mut config = (*app.config).clone();
    config.notice_version += 1;
    let new = App {
        config: config.into(),
        ..app.clone()
    };
    clock.advance(Duration::days(30));
    let mut p = Chat::new(&new, 3211, "fi");
    p.says("/start tilli-toukka")
        .await
        .shows("Ennen kysymyksiä")
        .offers("Hyväksyn tallennuksen");
    p.taps("Hyväksyn tallennuksen")
        .await
        .shows("Lapsen ikä: 4 v");
    p.taps("Vahvista").await.shows("on päivitetty");
    let r = &new.store.registrations_of(UserId(3211)).expect("store")[0];
    assert_eq!(
        r.consents.required.map(|c| (c.at, c.version)),
        Some((clock.now(), new.config.notice_version))
    );
}

/// Which kind of message an outbox item is. Exhaustive, with no catch-all arm: a new kind of
/// message does not compile until it is given an index here, and then the test below fails
/// until it has an example whose first line is checked.
fn kind_index(o: &kokoon::domain::Outgoing) -> usize {
    use kokoon::domain::Outgoing as O;
    match o {
        O::Alert { .. } => 0,
        O::Missed { .. } => 1,
        O::Invitation { .. } => 2,
        O::Answered { .. } => 3,
        O::Expired { .. } => 4,
        O::FinalList { .. } => 5,
        O::Reminder { .. } => 6,
        O::EventChanged { .. } => 7,
        O::EventCancelled { .. } => 8,
        O::Promoted { .. } => 9,
        O::FeedbackRequest { .. } => 10,
        O::Broadcast { .. } => 11,
        O::BroadcastReport { .. } => 12,
        O::RetentionNotice { .. } => 13,
        O::RenewalAsk { .. } => 14,
        O::SeriesChanged { .. } => 15,
        O::FamilyUnlinked { .. } => 16,
        O::FamilyAccepted { .. } => 17,
        O::FacilitatorJoined { .. } => 18,
        O::FacilitatorRemoved { .. } => 19,
        O::Support { .. } => 20,
        O::LaunchProposal { .. } => 21,
        O::ProposalAnswered { .. } => 22,
        O::GroupMessage { .. } => 23,
        O::AgedOut { .. } => 24,
    }
}

const KINDS: usize = 25;

/// Words that give the subject away on a lock screen (prefixes, matched at word starts).
const TOPIC_WORDS: [&str; 10] = [
    "ero",
    "separ",
    "skilsm",
    "skilj",
    "divorc",
    "huoltaj",
    "vårdnad",
    "custody",
    "vertais",
    "kamratstöd",
];

#[tokio::test]
async fn every_message_sent_unasked_starts_with_a_neutral_first_line() {
    use kokoon::domain::launch::LaunchRequest;
    use kokoon::domain::{Audience, Outgoing as O, Rules};
    use kokoon::i18n::Markup;
    let (app, clock, _dir) = app_with_clock();
    let t0 = clock.now();
    let parent = 3301;
    // Five children: the pool reaches its threshold, so its alert holds.
    for user in parent..parent + 5 {
        register(&app, user).await;
    }
    let reg = app.store.registrations_of(UserId(parent)).expect("store")[0].clone();
    let pool = app.config.pool_of(&reg);
    let commit = |user: u64, effects: Vec<Effect>, at: DateTime<Utc>| {
        let app = app.clone();
        async move {
            app.store
                .commit(UserId(user), None, &UserRecord::default(), &effects, at)
                .await
                .expect("commit");
        }
    };
    // Each message is rendered while it still holds (a message that no longer applies when it
    // would go is not sent at all), in every language: its first lines are kept.
    let mut firsts: Vec<(O, Lang, String)> = Vec::new();
    // A parent's message also as the coordinator gets it for a family added by hand (issue
    // 14): the family's label must stay out of the first line too.
    let label = "Virtanen Kipinä";
    let family = UserId::added(1);
    let render = |firsts: &mut Vec<(O, Lang, String)>, to: u64, m: O, now: DateTime<Utc>| {
        for lang in Lang::ALL {
            let reply =
                kokoon::flow::notify::compose(&app.config, &app.store, UserId(to), lang, now, &m)
                    .unwrap_or_else(|| panic!("{m:?} composes"));
            let mut replies = vec![reply.clone()];
            if app.config.coordinator(UserId(to)).is_none() {
                let theirs = kokoon::flow::notify::for_family(reply, family, label);
                let body = app.i18n.render(lang, &theirs, Markup::Plain).text;
                assert!(body.contains(label), "{body}");
                replies.push(theirs);
            }
            for reply in replies {
                let text = app.i18n.render(lang, &reply, Markup::Plain).text;
                let first = text.lines().next().unwrap_or_default().to_lowercase();
                firsts.push((m.clone(), lang, first));
            }
        }
    };
    render(
        &mut firsts,
        COORDINATOR,
        O::Alert { pool: pool.clone() },
        t0,
    );
    let missed = O::Missed {
        pool: pool.clone(),
        coordinator: "Koordinaattori 2".into(),
    };
    render(&mut firsts, COORDINATOR, missed, t0);

    let place = "Seurakuntakeskus, Hyvinkää";
    let launch_request = LaunchRequest {
        pool: pool.clone(),
        start: t0 + Duration::days(5),
        place: place.into(),
        capacity: 5,
        coordinator: UserId(COORDINATOR),
        title: EventText::new(Lang::Fi, "Tilli Toukka"),
        end: t0 + Duration::days(5) + Duration::hours(2),
        count: 3,
        every_days: 7,
        skip: vec![],
        moved: vec![],
    };
    commit(COORDINATOR, vec![Effect::Launch(launch_request)], t0).await;
    kokoon::sender::reconcile(&app).await.expect("reconcile");
    deliveries(&app).await;
    let launch = kokoon::flow::View::launches(&app.store)[0].id;
    render(&mut firsts, parent, O::Invitation { launch }, t0);
    // The group meets three times: a change to the rest of its series, in one message.
    let meetings = kokoon::flow::View::launches(&app.store)[0].meeting_ids();
    assert_eq!(meetings.len(), 3);
    let changed = O::SeriesChanged {
        launch,
        events: meetings[1..].to_vec(),
    };
    render(&mut firsts, parent, changed, t0);
    let answered = O::Answered {
        launch,
        user: UserId(parent),
        accepted: true,
    };
    render(&mut firsts, COORDINATOR, answered, t0);
    // One family accepts: the other parent of a shared family would be told the place.
    commit(
        parent + 1,
        vec![Effect::Respond {
            launch,
            accept: true,
        }],
        t0,
    )
    .await;
    render(&mut firsts, parent + 1, O::FamilyAccepted { launch }, t0);
    // Nobody else answers: the invitations run out and the launch closes.
    clock.set(t0 + Duration::hours(i64::from(app.config.invite_hours) + 2));
    kokoon::sender::reconcile(&app).await.expect("reconcile");
    deliveries(&app).await;
    let now = clock.now();
    render(&mut firsts, parent, O::Expired { launch }, now);
    render(&mut firsts, COORDINATOR, O::FinalList { launch }, now);

    let title = "Eron edessä -ilta";
    let event = kokoon::domain::Event {
        id: 0,
        title: EventText::new(Lang::Fi, title),
        description: None,
        group: None,
        start: now + Duration::days(2),
        end: now + Duration::days(2) + Duration::hours(2),
        place: place.into(),
        capacity: Some(10),
        organiser: UserId(COORDINATOR),
        cancelled: false,
        version: 1,
        attendees: Vec::new(),
        waiting: Vec::new(),
        key: None,
        visibility: kokoon::domain::event::Visibility::Public,
        token: None,
        revision: 0,
        facilitators: Vec::new(),
        co_parents: Vec::new(),
        series: None,
        came: Vec::new(),
    };
    commit(COORDINATOR, vec![Effect::CreateEvent(event)], now).await;
    // The launch's first meeting is an event too; this one is the evening.
    let event = app.store.events().expect("events").pop().expect("an event");
    assert_eq!(event.title.get(Lang::Fi), title);
    let join = Effect::Rsvp {
        event: event.id,
        join: true,
        seen: event.revision,
    };
    commit(parent, vec![join], now).await;
    let broadcast = Effect::Broadcast {
        audience: Audience::Event { event: event.id },
        text: "Tervetuloa eroperheiden iltaan".into(),
        to: vec![UserId(parent)],
    };
    commit(COORDINATOR, vec![broadcast], now).await;
    let broadcast = (0..100)
        .find(|i| kokoon::flow::View::broadcast(&app.store, *i).is_some())
        .expect("the broadcast is stored");
    for (to, m) in [
        (
            parent,
            O::Reminder {
                event: event.id,
                version: event.version,
            },
        ),
        (parent, O::EventChanged { event: event.id }),
        (parent, O::Promoted { event: event.id }),
        (parent, O::Broadcast { broadcast }),
        (COORDINATOR, O::BroadcastReport { broadcast }),
        (
            parent,
            O::FamilyUnlinked {
                group: reg.group.clone(),
            },
        ),
    ] {
        render(&mut firsts, to, m, now);
    }
    // The feedback question goes once the evening has ended.
    let after = event.end + Duration::hours(1);
    render(
        &mut firsts,
        parent,
        O::FeedbackRequest {
            event: event.id,
            version: None,
        },
        after,
    );
    commit(COORDINATOR, vec![Effect::CancelEvent(event.id)], now).await;
    render(
        &mut firsts,
        parent,
        O::EventCancelled { event: event.id },
        now,
    );
    let policy = kokoon::store::Retention {
        months: 12,
        comment_months: 6,
        notice: Duration::days(7),
        // Without renewal, so that a waiting registration gets the notice too.
        renewal: None,
        ..kokoon::sender::retention(&app.config)
    };
    let noticed = app.store.apply_retention(&policy, months(now, 12)).await;
    assert!(noticed.expect("retention").noticed >= 1);
    let notice = O::RetentionNotice {
        group: reg.group.clone(),
    };
    render(&mut firsts, parent, notice, now);
    // A waiting registration's parent is asked whether they are still interested.
    let later = parent + 10;
    register(&app, later).await;
    let asked_at = months(clock.now(), app.config.renew_months);
    let asked = app
        .store
        .apply_retention(&kokoon::sender::retention(&app.config), asked_at)
        .await;
    assert!(asked.expect("renewal").renewal_asked >= 1);
    let ask = O::RenewalAsk {
        group: reg.group.clone(),
    };
    render(&mut firsts, later, ask, asked_at);
    // A facilitator joins by a coordinator's link, asks for support, and is removed.
    let facilitator = parent + 20;
    let tilli = kokoon::domain::GroupId::parse("tilli-toukka").expect("id");
    let invite = kokoon::domain::facilitator::FacilitatorInvite::new(
        "fAcIlItAtOrToKeN012345".into(),
        vec![tilli.clone()],
        UserId(COORDINATOR),
        now,
    );
    commit(COORDINATOR, vec![Effect::InviteFacilitator(invite)], now).await;
    let consent = kokoon::domain::privacy::ConsentRecord {
        at: now,
        version: app.config.notice_version,
    };
    let become_one = Effect::BecomeFacilitator {
        token: "fAcIlItAtOrToKeN012345".into(),
        name: "Ohjaaja Olli".into(),
        consent,
    };
    commit(facilitator, vec![become_one], now).await;
    let joined = O::FacilitatorJoined {
        user: UserId(facilitator),
        groups: vec![tilli.clone()],
    };
    render(&mut firsts, COORDINATOR, joined, now);
    let support = O::Support {
        group: tilli.clone(),
        from: UserId(facilitator),
        text: "Tarvitsen apua ryhmän kanssa".into(),
    };
    render(&mut firsts, COORDINATOR, support, now);
    // A launch that asks the facilitator first; they answer.
    let asked = LaunchRequest {
        pool: pool.clone(),
        start: now + Duration::days(5),
        place: place.into(),
        capacity: 5,
        coordinator: UserId(COORDINATOR),
        title: EventText::new(Lang::Fi, "Tilli Toukka"),
        end: now + Duration::days(5) + Duration::hours(2),
        count: 1,
        every_days: 7,
        skip: vec![],
        moved: vec![],
    };
    let crew = Effect::LaunchCrew {
        facilitators: vec![UserId(facilitator)],
        hold: true,
    };
    commit(COORDINATOR, vec![Effect::Launch(asked), crew], now).await;
    let second = kokoon::flow::View::launches(&app.store)
        .last()
        .expect("the launch")
        .id;
    render(
        &mut firsts,
        facilitator,
        O::LaunchProposal { launch: second },
        now,
    );
    let answer = Effect::CrewAnswer {
        launch: second,
        yes: true,
    };
    commit(facilitator, vec![answer], now).await;
    let answered = O::ProposalAnswered {
        launch: second,
        user: UserId(facilitator),
        yes: true,
    };
    render(&mut firsts, COORDINATOR, answered, now);
    // The yes lets the invitations go; a family accepts, and the facilitator writes to them.
    kokoon::sender::reconcile(&app).await.expect("reconcile");
    deliveries(&app).await;
    let respond = Effect::Respond {
        launch: second,
        accept: true,
    };
    commit(later, vec![respond], now).await;
    let write = Effect::GroupMessage {
        launch: second,
        text: "Tervetuloa ensi viikolla".into(),
        to: vec![UserId(later)],
    };
    commit(facilitator, vec![write], now).await;
    let written = (0..200)
        .find(|i| kokoon::flow::View::broadcast(&app.store, *i).is_some_and(|b| b.facilitator))
        .expect("the facilitator's message is stored");
    render(
        &mut firsts,
        later,
        O::GroupMessage { broadcast: written },
        now,
    );
    let removed = O::FacilitatorRemoved {
        groups: vec![tilli],
    };
    render(&mut firsts, facilitator, removed, now);
    // A child who grew too old for the group while waiting: the parent is told once.
    let grown = parent + 30;
    register(&app, grown).await;
    let children = app.store.registrations_of(UserId(grown)).expect("store")[0]
        .children
        .clone();
    let grown_at = months(clock.now(), 24);
    let taken = app.store.apply_growth(grown_at).await.expect("growth");
    assert!(taken >= 1);
    let aged = O::AgedOut {
        group: reg.group.clone(),
        children,
        kept: false,
    };
    render(&mut firsts, grown, aged, grown_at);

    let mut covered: Vec<usize> = firsts.iter().map(|(m, _, _)| kind_index(m)).collect();
    covered.sort_unstable();
    covered.dedup();
    assert_eq!(
        covered,
        (0..KINDS).collect::<Vec<_>>(),
        "every kind has an example"
    );

    // Names that must not be on a lock screen: every group, area, event and place.
    let mut names: Vec<String> = vec![
        title.to_lowercase(),
        place.to_lowercase(),
        "virtanen".into(),
        "kipinä".into(),
    ];
    for l in Lang::ALL {
        names.extend(
            app.config
                .groups
                .iter()
                .map(|g| g.name.get(l).to_lowercase()),
        );
        names.extend(
            app.config
                .areas
                .iter()
                .map(|a| a.name.get(l).to_lowercase()),
        );
    }
    let mut failures = Vec::new();
    for (message, lang, first) in &firsts {
        let words: Vec<&str> = first.split(|c: char| !c.is_alphanumeric()).collect();
        let named = names.iter().find(|n| first.contains(n.as_str()));
        let topic = TOPIC_WORDS
            .iter()
            .find(|t| words.iter().any(|w| w.starts_with(*t)));
        if named.is_some() || topic.is_some() || first.trim().is_empty() {
            failures.push(format!("{message:?} in {lang:?}: {first:?}"));
        }
    }
    assert!(
        failures.is_empty(),
        "first lines that say too much:\n{}",
        failures.join("\n")
    );
}

/// Bidirectional and zero-width control characters: they can make a name or a text shown to
/// someone else read differently from what it is (or hide something in it).
const INVISIBLE: [char; 9] = [
    '\u{202E}', '\u{202A}', '\u{2066}', '\u{2069}', '\u{200B}', '\u{200D}', '\u{200F}', '\u{FEFF}',
    '\u{061C}',
];

#[tokio::test]
async fn names_and_texts_shown_to_others_lose_bidi_and_zero_width_controls() {
    let (app, _clock, _dir) = app_with_clock();
    let mut p = Chat::named(
        &app,
        3401,
        "fi",
        "Maija\u{202E}ajiaM\u{200B} M\u{2066}\u{FEFF}",
    );
    p.says("/start tilli-toukka").await;
    p.taps("Hyväksyn tallennuksen").await;
    p.taps("5").await;
    p.taps("Ei muita, jatketaan").await;
    p.taps("Hyvinkää").await;
    p.taps("suomi").await;
    p.taps("Arki-iltaisin").await;
    p.taps("Valmis").await;
    p.taps("Kyllä, saa nähdä").await;
    p.taps("Ohita").await;
    p.taps("Vahvista").await;
    let r = &app.store.registrations_of(UserId(3401)).expect("store")[0];
    let name = r.contact.as_ref().expect("shared").name.clone();
    assert_eq!(name, "MaijaajiaM M");

    // A coordinator's broadcast text, typed with hidden controls.
    let broadcasting = UserRecord {
        state: kokoon::flow::State::Broadcasting {
            audience: kokoon::domain::Audience::Waiting {
                group: r.group.clone(),
            },
            text: None,
            kept: None,
        },
        ..UserRecord::default()
    };
    let now = app.clock.now();
    app.store
        .commit(UserId(COORDINATOR), None, &broadcasting, &[], now)
        .await
        .expect("commit");
    let mut c = Chat::new(&app, COORDINATOR, "fi");
    c.says("Tervetuloa\u{200F} illalla\u{202A} klo 18\u{061C}\u{200D}")
        .await
        .shows("Tervetuloa illalla klo 18");
    match app.store.user(UserId(COORDINATOR)).expect("store").state {
        kokoon::flow::State::Broadcasting {
            text: Some(text), ..
        } => assert!(!text.contains(INVISIBLE), "{text:?}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_recruitment_source_not_in_the_config_counts_as_direct() {
    let (app, _clock, _dir) = app_with_clock();
    assert!(
        app.config
            .sources
            .iter()
            .any(|s| s.as_str() == "pikkuveturi"),
        "the example lists its posters' sources"
    );
    // A link made for one family must not single it out in /demand.
    for (user, payload, kept) in [
        (3501, "tilli-toukka__pikkuveturi", Some("pikkuveturi")),
        (3502, "tilli-toukka__maija-meikalainen-2026", None),
        (3503, "tilli-toukka__x7Gq2LpZk9aB3vR8mT1nY6cW4eJ0sHdF", None),
    ] {
        let mut p = Chat::new(&app, user, "fi");
        p.says(&format!("/start {payload}")).await;
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
        let r = &app.store.registrations_of(UserId(user)).expect("store")[0];
        assert_eq!(r.source.as_ref().map(|s| s.as_str()), kept, "{payload}");
    }
}

#[tokio::test]
async fn mydata_gives_everything_stored_as_a_text_and_a_json_document() {
    let (app, clock, _dir) = app_with_clock();
    let t0 = clock.now();
    let mut p = register(&app, 3601).await;
    let event = kokoon::domain::Event {
        id: 0,
        title: EventText::new(Lang::Fi, "Perheilta"),
        description: None,
        group: None,
        start: t0 + Duration::days(3),
        end: t0 + Duration::days(3) + Duration::hours(2),
        place: "Pikku-Veturi".into(),
        capacity: None,
        organiser: UserId(COORDINATOR),
        cancelled: false,
        version: 1,
        attendees: Vec::new(),
        waiting: Vec::new(),
        key: None,
        visibility: kokoon::domain::event::Visibility::Public,
        token: None,
        revision: 0,
        facilitators: Vec::new(),
        co_parents: Vec::new(),
        series: None,
        came: Vec::new(),
    };
    let record = app.store.user(UserId(3601)).expect("store");
    for (user, effect) in [
        (COORDINATOR, Effect::CreateEvent(event)),
        (
            3601,
            Effect::Rsvp {
                event: 1,
                join: true,
                seen: 0,
            },
        ),
    ] {
        let r = if user == 3601 {
            record.clone()
        } else {
            UserRecord::default()
        };
        app.store
            .commit(UserId(user), None, &r, &[effect], t0)
            .await
            .expect("commit");
    }
    let said = p.says("/mydata").await;
    assert_eq!(said.files.len(), 2, "a readable text and a JSON document");
    let text = String::from_utf8(said.files[0].bytes.clone()).expect("utf-8");
    assert!(
        said.files[0].name.ends_with(".txt"),
        "{}",
        said.files[0].name
    );
    for needle in [
        "Tilli Toukka",
        "Hyvinkää",
        "Arki-iltaisin",
        "Parent 3601",
        "Perheilta",
        "pikku-veturi",
        "suomi",
    ] {
        assert!(
            text.to_lowercase().contains(&needle.to_lowercase()),
            "{needle:?} in:\n{text}"
        );
    }
    assert!(
        said.files[1].name.ends_with(".json"),
        "{}",
        said.files[1].name
    );
    let json: serde_json::Value = serde_json::from_slice(&said.files[1].bytes).expect("valid JSON");
    let reg = &json["registrations"][0];
    assert_eq!(reg["group"], "tilli-toukka");
    // What is stored: the birth year (four in November 2026), not an age.
    assert_eq!(reg["children"], serde_json::json!([{"year": 2022}]));
    assert_eq!(
        reg["consents"]["required"]["version"],
        app.config.notice_version
    );
    assert_eq!(json["event_signups"][0]["event"], 1);
    assert_eq!(json["language"], "fi");
    assert!(json["conversation_state"].is_object());
    assert!(
        json["may_appear_in"]
            .as_array()
            .is_some_and(|a| !a.is_empty()),
        "which coordinator views and exports can have included them: {json}"
    );
}

/// `/mydata` tells who has seen the parent's registration and when, from the access log: a
/// coordinator's view of the waiting list they were on, an export that held them, a broadcast
/// they got — and not what held only others (another area's list). In fi, sv and en, text and
/// JSON.
#[tokio::test]
async fn mydata_tells_who_has_seen_the_registration_and_when() {
    let (app, clock, _dir) = app_with_clock();
    let mut parents = Vec::new();
    for (user, lang) in [(3701, "Suomi"), (3702, "Svenska"), (3703, "English")] {
        let mut p = register(&app, user).await;
        p.says("/lang").await;
        p.taps(lang).await;
        parents.push(p);
    }
    // One family elsewhere: the Hyvinkää list never held them.
    let mut lohja = Chat::new(&app, 3704, "fi");
    lohja.says("/start tilli-toukka").await;
    lohja.taps("Hyväksyn tallennuksen").await;
    lohja.taps("5").await;
    lohja.taps("Ei muita, jatketaan").await;
    lohja.taps("Lohja").await;
    lohja.taps("suomi").await;
    lohja.taps("Arki-iltaisin").await;
    lohja.taps("Valmis").await;
    lohja.taps("Ei, kiitos").await;
    lohja.taps("Ohita").await;
    lohja.taps("Vahvista").await.shows("on tallennettu");

    let mut c = Chat::new(&app, COORDINATOR, "fi");
    clock.advance(Duration::hours(2)); // 23.11. klo 14 in Helsinki
    c.presses_raw("1:pl:tilli-toukka:hyvinkaa:fi")
        .await
        .shows("Parent 3701");
    clock.advance(Duration::days(1)); // 24.11. klo 14
    assert!(c.says("/export").await.file.is_some());

    let expect = [
        [
            "Tilli Toukka -koordinaattori",
            "23.11. klo 14",
            "odottavien listan",
        ],
        [
            "Tilli Toukka -koordinaattori",
            "23.11 kl. 14",
            "väntelistan",
        ],
        [
            "Tilli Toukka -koordinaattori",
            "23 Nov, 2 pm",
            "waiting list",
        ],
    ];
    for (p, needles) in parents.iter_mut().zip(expect) {
        let said = p.says("/mydata").await;
        let text = String::from_utf8(said.files[0].bytes.clone()).expect("utf-8");
        for needle in needles {
            assert!(text.contains(needle), "{needle:?} in:\n{text}");
        }
        let json: serde_json::Value =
            serde_json::from_slice(&said.files[1].bytes).expect("valid JSON");
        let seen = json["seen_by"].as_array().cloned().unwrap_or_default();
        let what: Vec<&str> = seen.iter().filter_map(|s| s["what"].as_str()).collect();
        assert_eq!(what, ["list", "export"], "{json}");
        assert_eq!(
            seen[0]["coordinator"], "Tilli Toukka -koordinaattori",
            "{json}"
        );
        assert_eq!(seen[0]["at"], "2026-11-23T12:00:00Z", "{json}");
    }
    let said = lohja.says("/mydata").await;
    let json: serde_json::Value = serde_json::from_slice(&said.files[1].bytes).expect("valid JSON");
    let seen = json["seen_by"].as_array().cloned().unwrap_or_default();
    let what: Vec<&str> = seen.iter().filter_map(|s| s["what"].as_str()).collect();
    assert_eq!(
        what,
        ["export"],
        "the Hyvinkää list never held them: {json}"
    );
}

/// `/forget` does not say "deleted for good" when copies remain: it says what remains and for
/// how long — the encrypted backups until they are replaced (`[backup] keep` × `every`: 14
/// days by default), and messages the coordinators already got, in their Telegram — in fi,
/// sv and en, asked and done; `/privacy` says the same.
#[tokio::test]
async fn forget_and_privacy_say_what_remains_and_for_how_long() {
    let (app, _clock, _dir) = app_with_clock();
    for (user, lang, yes, what) in [
        (
            3801,
            "fi",
            "Kyllä, poista kaikki",
            ["14 päivää", "varmuuskopio", "koordinaattori"],
        ),
        (
            3802,
            "sv",
            "Ja, radera allt",
            ["14 dagar", "säkerhetskopi", "koordinator"],
        ),
        (
            3803,
            "en",
            "Yes, delete everything",
            ["14 days", "backup", "coordinator"],
        ),
    ] {
        let mut p = Chat::new(&app, user, lang);
        let asked = p.says("/forget").await;
        let done = p.taps(yes).await;
        let privacy = p.says("/privacy").await;
        for said in [&asked, &done, &privacy] {
            for needle in what {
                said.shows(needle);
            }
        }
        asked.hides("for good").hides("pysyvästi").hides("för gott");
    }
}

#[tokio::test]
async fn a_family_added_by_hand_is_sealed_and_erased_when_the_coordinator_withdraws_it() {
    // The label names the family: it must go with the family's key, and so it is typed last,
    // saving the family, never kept in the coordinator's conversation state (whose old copies
    // sled keeps under the coordinator's key).
    const LABEL: &str = "Kanarialintu Mäkelä";
    let (app, _clock, dir) = app_with_clock();
    let mut c = Chat::new(&app, COORDINATOR, "fi");
    crate::added::add_family(&mut c, LABEL).await;
    app.store.flush().await.expect("flush");
    // Positive control: sealed, readable with the keys, never in clear.
    assert!(readable_on_disk(&app, LABEL).0, "the label is found");
    assert!(!in_clear_on_disk(dir.path(), LABEL));

    c.says("/add").await;
    c.taps(&format!("Peru: {LABEL}")).await;
    c.taps("Kyllä, peru").await.shows("on peruttu");
    app.store.flush().await.expect("flush");
    let (found, erased) = readable_on_disk(&app, LABEL);
    assert!(!found, "the label can still be read from the raw files");
    assert!(
        erased > 0,
        "the old copies are there, sealed under a destroyed key"
    );
    assert!(!in_clear_on_disk(dir.path(), LABEL));
}
