//! The daily privacy jobs, with the clock moved by hand: a registration is noticed a week
//! before its retention period ends and deleted after it (confirming it again starts the
//! period anew), comments and sign-ups go after theirs, and a parent who blocked the bot is
//! erased after the grace period.

use crate::chat::{app_with_clock, deliveries, Chat, Delivered};
use chrono::{DateTime, Duration, Months, Utc};
use kokoon::app::App;
use kokoon::clock::Clock;
use kokoon::domain::{EventText, Lang, UserId};
use kokoon::flow::Effect;
use kokoon::store::UserRecord;

const COORDINATOR: u64 = 100_000_001;

/// A parent registers one child for Tilli Toukka in Hyvinkää, in Finnish.
async fn register(app: &App, user: u64) -> Chat {
    register_as(Chat::new(app, user, "fi")).await
}

/// A parent registers one child for Tilli Toukka in Hyvinkää, sharing their name.
async fn register_as(mut p: Chat) -> Chat {
    p.says("/start tilli-toukka").await;
    p.taps("5").await;
    p.taps("Ei muita, jatketaan").await;
    p.taps("Hyvinkää").await;
    p.taps("suomi").await;
    p.taps("Arki-iltaisin").await;
    p.taps("Valmis").await;
    p.taps("Hyväksyn tallennuksen").await;
    p.taps("Kyllä, saa nähdä").await;
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

#[tokio::test]
async fn a_registration_is_noticed_a_week_before_and_deleted_after_its_retention_period() {
    let (app, clock, _dir) = app_with_clock();
    let start = clock.now();
    register(&app, 3001).await;
    assert!(deliveries(&app).await.is_empty());

    // A day before the notice: nothing yet.
    clock.set(months(start, 12) - Duration::days(8));
    assert!(to(&deliveries(&app).await, 3001).is_empty());
    // A week before: the notice, once, with a button to confirm again.
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
        .any(|(l, _)| l == "Vahvista uudelleen"));
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
}

#[tokio::test]
async fn confirming_again_starts_the_retention_period_anew() {
    let (app, clock, _dir) = app_with_clock();
    let start = clock.now();
    let mut p = register(&app, 3002).await;
    deliveries(&app).await;
    clock.set(months(start, 12) - Duration::days(7));
    let sent = to(&deliveries(&app).await, 3002);
    assert_eq!(sent.len(), 1);
    // From the notice: confirm again.
    p.reads(&sent[0]);
    p.taps("Vahvista uudelleen").await.shows("Lapsen ikä: 5 v");
    let again = clock.now();
    p.taps("Vahvista").await.shows("on päivitetty");

    // Past the old end: still there, and no new notice.
    clock.set(months(start, 12) + Duration::days(1));
    assert!(to(&deliveries(&app).await, 3002).is_empty());
    assert_eq!(regs(&app, 3002), 1);
    // A week before the new end: noticed again; deleted after it.
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
                rating: 4,
            },
            Effect::FeedbackComment {
                event: id,
                text: "Hyvä ilta, kiitos Maija".into(),
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
        (1, 4, None)
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
                rating: 5,
            },
            Effect::FeedbackComment {
                event: id,
                text: COMMENT.into(),
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
