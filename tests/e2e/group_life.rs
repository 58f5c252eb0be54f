//! A launched group's life as the families and the coordinator see it: quiet hours, held
//! messages checked again when they go, `/mine` at every stage, expiry and pausing, broadcasts
//! to a launch, and the alert cool-down (issue 10, the launch and outbox part).

use crate::chat::{app_with_clock, deliveries, Chat, Delivered};
use kokoon::app::App;
use kokoon::clock::ManualClock;

const COORD_TILLI: u64 = 100_000_001;
const COORD_ALL: u64 = 100_000_002;

fn at(clock: &ManualClock, rfc3339: &str) {
    clock.set(
        chrono::DateTime::parse_from_rfc3339(rfc3339)
            .expect("time")
            .into(),
    );
}

/// A Finnish-speaking parent registers one child for Tilli Toukka in Hyvinkää.
async fn join_tilli(app: &App, user: u64) -> Chat {
    crate::chat::join_tilli(app, user, "Hyvinkää", true).await
}

fn to(list: &[Delivered], user: u64) -> Vec<&Delivered> {
    list.iter().filter(|d| d.to == user).collect()
}

/// The coordinator launches Tilli Toukka in Hyvinkää (Finnish) for 15 March, in English.
async fn launch(app: &App) -> Chat {
    let mut c = Chat::new(app, COORD_TILLI, "en");
    let said = c.says("/launch").await;
    let label = said
        .buttons
        .iter()
        .find(|b| b.starts_with("Tilli Toukka · Hyvinkää (Finnish)"))
        .expect("the pool is offered")
        .clone();
    c.taps(&label).await;
    c.says("15.3. klo 17").await;
    c.says("18.30").await;
    c.says("Pikku-Veturi, Hyvinkää").await;
    c
}

#[tokio::test]
async fn held_messages_go_when_quiet_hours_end_and_the_answer_time_counts_from_then() {
    let (app, clock, _dir) = app_with_clock();
    // 23:07 in Helsinki: the threshold is crossed at night.
    at(&clock, "2026-11-23T21:07:00Z");
    for user in 1..=5 {
        join_tilli(&app, user).await;
    }
    assert!(
        deliveries(&app).await.is_empty(),
        "nobody is woken at night"
    );
    // 07:59:59 is still quiet; at 08:00 sharp the alerts go (not at the next quarter hour).
    at(&clock, "2026-11-24T05:59:59Z");
    assert!(deliveries(&app).await.is_empty());
    at(&clock, "2026-11-24T06:00:00Z");
    let sent = deliveries(&app).await;
    assert_eq!(
        (to(&sent, COORD_TILLI).len(), to(&sent, COORD_ALL).len()),
        (1, 1),
        "{sent:#?}"
    );

    // The coordinator launches the next evening at 22:10: told when the invitations go.
    at(&clock, "2026-11-24T20:10:00Z");
    let mut c = launch(&app).await;
    c.taps("Send the invitations")
        .await
        .shows("The invitations go at 8 am, when the quiet hours end.")
        .hides("on their way");
    assert!(deliveries(&app).await.is_empty(), "held until the morning");
    at(&clock, "2026-11-25T06:00:00Z");
    let sent = deliveries(&app).await;
    let invited: Vec<u64> = sent.iter().map(|d| d.to).collect();
    assert_eq!(invited, vec![1, 2, 3, 4, 5], "{sent:#?}");
    // 48 hours from when it went, not from the launch the evening before.
    at(&clock, "2026-11-27T05:59:00Z");
    let sent = deliveries(&app).await;
    assert!(
        sent.iter().all(|d| !d.text.contains("vanheni")),
        "still within the answer time: {sent:#?}"
    );
    at(&clock, "2026-11-27T06:00:00Z");
    let sent = deliveries(&app).await;
    assert_eq!(
        sent.iter().filter(|d| d.text.contains("vanheni")).count(),
        5,
        "{sent:#?}"
    );
}

#[tokio::test]
async fn a_held_alert_is_dropped_when_its_pool_was_launched_or_fell_below_the_threshold() {
    let (app, clock, _dir) = app_with_clock();
    // 23:07: the threshold is crossed at night, then one family withdraws before morning.
    at(&clock, "2026-11-23T21:07:00Z");
    let mut first = join_tilli(&app, 1).await;
    for user in 2..=5 {
        join_tilli(&app, user).await;
    }
    first.says("/mine").await;
    first.taps("Peru ilmoittautuminen").await;
    first.taps("Kyllä, peru").await;
    at(&clock, "2026-11-24T06:00:00Z");
    let sent = deliveries(&app).await;
    assert!(sent.is_empty(), "4/5 in the morning: no alert {sent:#?}");
    // The store counts the two alerts (one per coordinator of the pool) it dropped, so every
    // crossing is accounted for: delivered, queued or dropped.
    let pool = tilli_hyvinkaa_fi();
    assert_eq!(app.store.crossings(&pool).expect("crossings"), 1);
    assert_eq!(app.store.alerts_dropped(&pool).expect("dropped"), 2);

    // The next night the pool crosses again with 13 families and the coordinator launches
    // before the alert went: 8 are invited, 5 still wait (at the threshold), but the alert
    // saying "the group can be launched" no longer holds.
    at(&clock, "2026-11-24T21:07:00Z");
    for user in 6..=14 {
        join_tilli(&app, user).await;
    }
    let mut c = launch(&app).await;
    c.taps("Send the invitations").await;
    assert!(
        deliveries(&app).await.is_empty(),
        "nobody is woken at night"
    );
    at(&clock, "2026-11-25T06:00:00Z");
    let sent = deliveries(&app).await;
    assert!(
        to(&sent, COORD_TILLI).is_empty() && to(&sent, COORD_ALL).is_empty(),
        "no alert for a launched pool: {sent:#?}"
    );
    assert_eq!(sent.len(), 8, "the invitations go: {sent:#?}");
    assert_eq!(app.store.crossings(&pool).expect("crossings"), 2);
    assert_eq!(app.store.alerts_dropped(&pool).expect("dropped"), 4);
}

#[tokio::test]
async fn an_alert_shows_the_numbers_as_they_are_when_it_goes() {
    let (app, clock, _dir) = app_with_clock();
    at(&clock, "2026-11-23T21:07:00Z");
    for user in 1..=6 {
        join_tilli(&app, user).await;
    }
    at(&clock, "2026-11-24T06:00:00Z");
    let sent = deliveries(&app).await;
    let alert = to(&sent, COORD_TILLI);
    assert_eq!(alert.len(), 1, "{sent:#?}");
    assert!(
        alert[0].text.contains("6/5 lasta · 6 perhettä"),
        "{}",
        alert[0].text
    );
}

fn tilli_hyvinkaa_fi() -> kokoon::domain::Pool {
    kokoon::domain::Pool {
        group: kokoon::domain::GroupId::parse("tilli-toukka").expect("id"),
        area: kokoon::domain::AreaId::parse("hyvinkaa").expect("id"),
        lang: Some(kokoon::domain::Lang::Fi),
    }
}

/// Five families at noon, the alert, the launch, the invitations read by each parent.
async fn launched_five(app: &App) -> (Vec<Chat>, Chat) {
    let mut parents = Vec::new();
    for user in 1..=5 {
        parents.push(join_tilli(app, user).await);
    }
    deliveries(app).await; // the alerts
    let mut c = launch(app).await;
    c.taps("Send the invitations").await;
    let sent = deliveries(app).await;
    assert_eq!(sent.len(), 5, "{sent:#?}");
    for (p, d) in parents.iter_mut().zip(&sent) {
        p.reads(d);
    }
    (parents, c)
}

#[tokio::test]
async fn an_expired_invitation_says_what_happened_and_pauses_the_registration_until_yes() {
    let (app, clock, _dir) = app_with_clock();
    let (mut parents, _c) = launched_five(&app).await;
    parents[0].taps("Kyllä, tulemme").await;
    parents[1].taps("Ei tällä kertaa").await;
    deliveries(&app).await; // the answers to the coordinator

    // Nobody else is waiting: no seat passes to anyone when the other three expire.
    clock.advance(chrono::Duration::hours(49));
    let sent = deliveries(&app).await;
    let expired: Vec<&Delivered> = sent.iter().filter(|d| d.text.contains("vanheni")).collect();
    assert_eq!(expired.len(), 3, "{sent:#?}");
    for d in &expired {
        assert!(!d.text.contains("seuraavalle"), "untrue: {}", d.text);
        assert!(d.text.contains("tauolla"), "{}", d.text);
        assert!(d.text.contains("Oletko yhä kiinnostunut?"), "{}", d.text);
        let labels: Vec<&str> = d.buttons.iter().map(|(l, _)| l.as_str()).collect();
        assert_eq!(
            labels,
            vec!["Kyllä, pidän paikkani jonossa", "Peru ilmoittautuminen"],
            "{}",
            d.text
        );
    }
    // Paused families do not count: only the family that declined waits.
    let waiting = app.store.demand_in(&tilli_hyvinkaa_fi()).expect("store");
    assert_eq!(waiting.families, 1);

    // Three new families: 4/5, no alert for the silent ones.
    for user in 6..=8 {
        join_tilli(&app, user).await;
    }
    assert!(deliveries(&app).await.is_empty(), "no second alert");

    // One answers yes from the message, one from /mine: both wait again, and count.
    parents[2].reads(expired[0]);
    parents[2]
        .taps("Kyllä, pidän paikkani jonossa")
        .await
        .shows("Olet taas jonossa");
    parents[3]
        .says("/mine")
        .await
        .shows("tauolla")
        .offers("Kyllä, pidän paikkani jonossa");
    parents[3]
        .taps("Kyllä, pidän paikkani jonossa")
        .await
        .shows("Olet taas jonossa");
    let waiting = app.store.demand_in(&tilli_hyvinkaa_fi()).expect("store");
    assert_eq!(waiting.families, 6);
    // A button pressed twice changes nothing more.
    parents[2]
        .taps("Kyllä, pidän paikkani jonossa")
        .await
        .hides("Olet taas jonossa");
}

/// How many messages `/mine` takes for a parent.
async fn mine_messages(app: &App, user: u64) -> usize {
    let person = kokoon::flow::Person {
        user: kokoon::domain::UserId(user),
        name: format!("Parent {user}"),
        username: None,
    };
    app.handle(
        None,
        &person,
        Some("fi"),
        kokoon::flow::Input::from_text("/mine"),
    )
    .await
    .expect("the store works")
    .replies
    .len()
}

#[tokio::test]
async fn mine_shows_where_each_registration_stands_and_takes_an_answer() {
    let (app, clock, _dir) = app_with_clock();
    let (mut parents, _c) = launched_five(&app).await;
    // Invited: the meeting, the deadline as a date and time, the answer buttons, no
    // "we'll message you when the group can start".
    parents[0]
        .says("/mine")
        .await
        .shows("Sinut on kutsuttu")
        .shows("15.3.2027 klo 17, Pikku-Veturi, Hyvinkää")
        .shows("Vastaa viimeistään 25.11. klo 12")
        .hides("Viestimme sinulle")
        .offers("Kyllä, tulemme")
        .offers("Ei tällä kertaa");
    assert_eq!(mine_messages(&app, 1).await, 1, "one message");
    parents[0]
        .taps("Kyllä, tulemme")
        .await
        .shows("Ihanaa! Nähdään 15.3.2027 klo 17");
    parents[0]
        .says("/mine")
        .await
        .shows("Olet mukana")
        .shows("15.3.2027 klo 17, Pikku-Veturi, Hyvinkää")
        .hides("Kyllä, tulemme");
    parents[1].taps("Ei tällä kertaa").await;
    parents[1]
        .says("/mine")
        .await
        .shows("Et päässyt tällä kertaa")
        .shows("Hyvinkäältä on nyt ilmoitettu 1 lapsi");
    clock.advance(chrono::Duration::hours(49));
    deliveries(&app).await;
    parents[2]
        .says("/mine")
        .await
        .shows("tauolla")
        .offers("Kyllä, pidän paikkani jonossa");
}

#[tokio::test]
async fn a_coordinator_can_write_to_a_launch_and_never_to_nobody() {
    let (app, _clock, _dir) = app_with_clock();
    let (mut parents, mut c) = launched_five(&app).await;
    parents[0].taps("Kyllä, tulemme").await;
    parents[1].taps("Ei tällä kertaa").await;
    deliveries(&app).await;

    c.says("/broadcast")
        .await
        .offers("Invited, no answer yet: Tilli Toukka, Hyvinkää (Finnish) (3)")
        .offers("Coming: Tilli Toukka, Hyvinkää (Finnish) (1)");
    c.taps("Invited, no answer yet: Tilli Toukka, Hyvinkää (Finnish) (3)")
        .await
        .shows("It goes to 3 recipients.");
    c.says("Muistattehan vastata kutsuun!").await;
    c.taps("Send").await;
    let sent = deliveries(&app).await;
    let mut to_parents: Vec<u64> = sent
        .iter()
        .filter(|d| d.text.contains("Muistattehan"))
        .map(|d| d.to)
        .collect();
    to_parents.sort_unstable();
    assert_eq!(to_parents, vec![3, 4, 5], "{sent:#?}");

    // Nobody waits for the school-age group: refused before the text is typed.
    c.says("/broadcast").await;
    c.taps("Waiting: Group for school-age children of separated families (0)")
        .await
        .shows("Nobody to send it to")
        .hides("Type the message");
    c.says("Hello?").await.hides("Send this to");
}

/// The launch of [`launched_five`] as it is stored now.
fn the_launch(app: &App) -> kokoon::domain::Launch {
    let mut all = app.store.launches().expect("store");
    assert_eq!(all.len(), 1, "{all:#?}");
    all.remove(0)
}

/// Found by the property of families' lives with launches (`properties.rs`): a family who
/// accepted, came to the first meeting and withdrew afterwards was "declined" in the launch
/// while the meeting held still listed them. Now the launch says they withdrew (accepted, then
/// left), the meeting held keeps them (they were there), the coordinator hears it as it is,
/// and `/mydata` says so too.
#[tokio::test]
async fn a_family_who_withdraws_after_the_meeting_withdrew_and_was_there() {
    use kokoon::domain::{Answer, UserId};
    let (app, clock, _dir) = app_with_clock();
    let (mut parents, _c) = launched_five(&app).await;
    parents[0].taps("Kyllä, tulemme").await;
    deliveries(&app).await;
    let meeting = the_launch(&app).event.expect("the first meeting");
    // The day after the meeting (15.3.2027 at 17).
    at(&clock, "2027-03-16T10:00:00Z");
    deliveries(&app).await;
    parents[0].says("/mine").await.shows("Olet mukana");
    parents[0].taps("Peru ilmoittautuminen").await;
    parents[0].taps("Kyllä, peru").await.shows("on peruttu");
    let l = the_launch(&app);
    assert_eq!(
        l.invitation(UserId(1)).map(|i| i.answer),
        Some(Answer::Withdrawn),
        "not declined: they had a place and came"
    );
    assert_eq!(l.accepted_seats(), 0, "the seat is free");
    let e = app
        .store
        .events()
        .expect("store")
        .into_iter()
        .find(|e| e.id == meeting)
        .expect("the meeting");
    assert!(e.attending(UserId(1)), "the meeting held keeps them");
    let sent = deliveries(&app).await;
    let told: Vec<&Delivered> = to(&sent, COORD_TILLI);
    assert_eq!(told.len(), 1, "{sent:#?}");
    assert!(
        told[0].text.contains("has withdrawn") && !told[0].text.contains("can't come"),
        "{}",
        told[0].text
    );
    let said = parents[0].says("/mydata").await;
    let files: Vec<String> = said
        .files
        .iter()
        .map(|f| String::from_utf8_lossy(&f.bytes).into_owned())
        .collect();
    assert!(
        files.iter().any(|f| f.contains("withdrawn"))
            && !files.iter().any(|f| f.contains("declined")),
        "{files:#?}"
    );
}

/// Found by the same property: a family accepted, then confirmed their registration again
/// (registered once more with the same answers, which starts its retention anew), and a year
/// after the first meeting retention cleared the launch's list: the registration still said
/// accepted, into a list that was gone (and, found next, the series' later meetings still
/// listed the family). Now the launch's list goes with its last meeting's lists, and the
/// registrations still in the launch with it, in the same step; the others keep their own
/// retention.
#[tokio::test]
async fn retention_ends_an_accepted_registration_with_its_launch_s_list() {
    use kokoon::clock::Clock;
    use kokoon::domain::{Status, UserId};
    let (app, clock, _dir) = app_with_clock();
    let (mut parents, _c) = launched_five(&app).await;
    parents[0].taps("Kyllä, tulemme").await;
    for p in &mut parents[1..] {
        p.taps("Ei tällä kertaa").await;
    }
    deliveries(&app).await;
    assert!(the_launch(&app).closed, "everyone answered");
    // After the meeting, the family confirms its registration again, as an edit saves it.
    at(&clock, "2027-06-01T09:00:00Z");
    let mut r = app
        .store
        .registrations_of(UserId(1))
        .expect("store")
        .remove(0);
    let launch = the_launch(&app).id;
    assert_eq!(r.status, Status::Accepted { launch });
    r.updated_at = clock.now();
    app.store
        .commit(
            UserId(1),
            None,
            &kokoon::store::UserRecord::default(),
            &[kokoon::flow::Effect::SaveRegistration(r)],
            clock.now(),
        )
        .await
        .expect("commit");
    // A year after the first meeting, the series' later meetings still list the family: the
    // launch's list stays with them.
    at(&clock, "2028-03-16T10:00:00Z");
    let policy = kokoon::sender::retention(&app.config);
    let report = app
        .store
        .apply_retention(&policy, clock.now())
        .await
        .expect("retention");
    assert_eq!(report.launches_cleared, 0);
    assert_eq!(
        app.store.registrations_of(UserId(1)).expect("store").len(),
        1
    );
    // A year after the last meeting (the eighth, 3.5.2027): the launch's list goes.
    at(&clock, "2028-05-10T10:00:00Z");
    let report = app
        .store
        .apply_retention(&policy, clock.now())
        .await
        .expect("retention");
    assert_eq!(report.launches_cleared, 1);
    assert!(the_launch(&app).invitations.is_empty());
    let left = app.store.registrations_of(UserId(1)).expect("store");
    assert!(
        left.is_empty(),
        "the registration went with the launch's list: {left:#?}"
    );
    // The families who declined wait as before, by their own retention.
    for user in 2..=5 {
        let r = app.store.registrations_of(UserId(user)).expect("store");
        assert!(
            r.iter()
                .all(|r| !matches!(r.status, Status::Accepted { .. })),
            "{r:#?}"
        );
    }
}
