//! Telegram misbehaving, one fault kind per test: 429 (and long storms of it), 500/502, slow
//! answers, timeouts, dropped connections, 403 from a user who blocked the bot, and the
//! `my_chat_member` update that says so. Under each the bot keeps running, loses nothing,
//! retries what is safe to retry, never retries a 403, and catches up when Telegram recovers.
//! (teloxide waits 10 s after every 5xx before reading it, so those tests inject few.)
//! The wire-level faults run against the real binary; the two about the outbox and a blocked
//! parent run in process ([`crate::in_process`]), where waiting for the outbox sender to have
//! tried everything due is a condition, not a pause.

use crate::fake_telegram::{FakeTelegram, SentMessage};
use crate::in_process::{spawn_app, TestApp};
use crate::telegram::{Kokoon, Parent};
use kokoon::domain::EventText;
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(40);

fn no_invalid_requests(fake: &FakeTelegram) {
    let invalid = fake.invalid_requests();
    assert!(invalid.is_empty(), "{invalid:#?}");
}

/// Rejections of sends to `chat` with `code`.
fn rejected_sends(fake: &FakeTelegram, chat: i64, code: u16) -> usize {
    fake.rejected()
        .iter()
        .filter(|r| {
            r.error_code == code && r.method.starts_with("send") && r.body["chat_id"] == chat
        })
        .count()
}

/// Waits until the bot has confirmed every update: each one's replies are sent (retries
/// included) before the poll that confirms it, so nothing more comes for them.
async fn all_handled(fake: &FakeTelegram) {
    let done = fake.wait_until(WAIT, |f| f.pending_updates() == 0).await;
    assert!(
        done,
        "{} updates were not confirmed",
        fake.pending_updates()
    );
}

/// How many of the sends to `chat` contain `text`.
fn count(fake: &FakeTelegram, chat: i64, text: &str) -> usize {
    fake.messages_to(chat)
        .iter()
        .filter(|m| m.method.starts_with("send") && m.text.contains(text))
        .count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_429_are_waited_out_even_in_long_storms() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let _bot = Kokoon::start(&fake, &dir.path().join("data")).await;
    let mut p = Parent::new(&fake, 6001, "fi");
    // A storm on sends longer than one reply's own retries, and a few on getUpdates.
    fake.fail_next("getUpdates", 429, "Too Many Requests: retry after 1", 2);
    fake.fail_next("sendMessage", 429, "Too Many Requests: retry after 1", 7);
    let began = Instant::now();
    let m = p.says("/start").await;
    assert!(m.text.contains("Mistä ryhmästä"), "{}", m.text);
    assert!(began.elapsed() >= Duration::from_secs(7), "waited as told");
    // The storm is over: everything flows, once each.
    let m = p.says("/help").await;
    assert!(m.text.contains("Näin käytät bottia"), "{}", m.text);
    all_handled(&fake).await;
    assert_eq!(count(&fake, 6001, "Mistä ryhmästä"), 1);
    assert_eq!(fake.messages_to(6001).len(), 2);
    no_invalid_requests(&fake);
}

/// A parent whose replies meet server errors waits for their own retries only: another
/// parent who writes meanwhile is answered first, and the failing reply arrives once, tried
/// again after half a second, then a second, then longer (not after teloxide's ten seconds
/// per 5xx, which held up everyone behind it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_hold_up_only_the_chat_they_hit() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let _bot = Kokoon::start(&fake, &dir.path().join("data")).await;
    let (a, b) = (6011, 6012);
    let pa = Parent::new(&fake, a, "fi");
    let pb = Parent::new(&fake, b, "en");
    fake.fail_chat(a, 500, "Internal Server Error", 4);
    fake.send_text(&pa.user, "/start");
    assert!(
        fake.wait_until(WAIT, |f| rejected_sends(f, a, 500) >= 1)
            .await,
        "the first try never came"
    );
    fake.send_text(&pb.user, "/help");
    let got_b = fake.wait_for(b, 1, WAIT).await;
    assert!(
        got_b[0].text.contains("How to use the bot"),
        "{}",
        got_b[0].text
    );
    let got_a = fake.wait_for(a, 1, WAIT).await;
    assert!(
        got_a[0].text.contains("Mistä ryhmästä"),
        "{}",
        got_a[0].text
    );
    assert_eq!(rejected_sends(&fake, a, 500), 4);
    // B's answer went first: A's retries held up no one.
    let order: Vec<i64> = fake
        .sent()
        .iter()
        .filter(|m| m.method.starts_with("send"))
        .map(|m| m.chat_id)
        .collect();
    assert_eq!(order, vec![b, a]);
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(fake.messages_to(a).len(), 1, "once");
    no_invalid_requests(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_errors_500_and_502_are_retried() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let _bot = Kokoon::start(&fake, &dir.path().join("data")).await;
    let mut p = Parent::new(&fake, 6002, "en");
    fake.fail_next("getUpdates", 502, "Bad Gateway", 1);
    fake.fail_next("sendMessage", 500, "Internal Server Error", 1);
    // teloxide waits 10 s after each 5xx: two of them take a while.
    fake.send_text(&p.user, "/start");
    let m = fake.wait_for(6002, 1, WAIT).await;
    assert!(m[0].text.contains("Which group"), "{}", m[0].text);
    p.next().await;
    let m = p.says("/help").await;
    assert!(m.text.contains("How to use the bot"), "{}", m.text);
    all_handled(&fake).await;
    assert_eq!(fake.messages_to(6002).len(), 2, "each once");
    no_invalid_requests(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_answers_only_slow_things_down() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let _bot = Kokoon::start(&fake, &dir.path().join("data")).await;
    let mut p = Parent::new(&fake, 6003, "sv");
    fake.delay_next("getUpdates", Duration::from_secs(2), 2);
    fake.delay_next("sendMessage", Duration::from_secs(2), 2);
    fake.delay_next("answerCallbackQuery", Duration::from_secs(2), 1);
    let m = p.says("/start tilli-toukka").await;
    assert!(m.text.contains("Innan frågorna"), "{}", m.text);
    let m = p.taps(&m, "Jag godkänner").await;
    assert!(m.text.contains("Hur gammalt"), "{}", m.text);
    let m = p.taps(&m, "5").await;
    assert!(m.text.contains("Tillagt: 5"), "{}", m.text);
    let m = p.says("/mine").await;
    assert!(!m.text.is_empty());
    assert_eq!(count(&fake, 6003, "Hur gammalt"), 1);
    assert_eq!(count(&fake, 6003, "Tillagt: 5"), 1);
    no_invalid_requests(&fake);
}

/// A send that gets no answer within the HTTP client's 17 s is sent again. Telegram may have
/// taken the first one (here it never does: the fake drops a request whose client gave up).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_timed_out_send_is_sent_again() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let _bot = Kokoon::start(&fake, &dir.path().join("data")).await;
    let mut p = Parent::new(&fake, 6004, "fi");
    fake.delay_next("sendMessage", Duration::from_secs(19), 1);
    let began = Instant::now();
    let m = p.says("/help").await;
    assert!(m.text.contains("Näin käytät bottia"), "{}", m.text);
    let took = began.elapsed();
    assert!(
        took >= Duration::from_secs(16),
        "after the timeout: {took:?}"
    );
    // Meanwhile, and after, the bot kept working.
    let m = p.says("/start").await;
    assert!(m.text.contains("Mistä ryhmästä"), "{}", m.text);
    all_handled(&fake).await;
    let copies = count(&fake, 6004, "Näin käytät bottia");
    println!("timed-out send: {copies} cop(y/ies) delivered");
    assert!((1..=2).contains(&copies));
    no_invalid_requests(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropped_connections_are_retried_at_least_once() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let _bot = Kokoon::start(&fake, &dir.path().join("data")).await;
    let mut p = Parent::new(&fake, 6005, "en");
    // Polls cut off, one before and one after Telegram handed out the update.
    fake.drop_next("getUpdates", 1, false);
    fake.drop_next("getUpdates", 1, true);
    // A send cut off before Telegram read it: sent again, once.
    fake.drop_next("sendMessage", 1, false);
    let m = p.says("/start").await;
    assert!(m.text.contains("Which group"), "{}", m.text);
    // A send cut off after Telegram delivered it: the bot cannot know, so it sends it again:
    // the one way a duplicate comes (at least once).
    fake.drop_next("sendMessage", 1, true);
    let m = p.says("/help").await;
    assert!(m.text.contains("How to use the bot"), "{}", m.text);
    let m = p.says("/privacy").await;
    assert!(!m.text.is_empty());
    all_handled(&fake).await;
    assert_eq!(count(&fake, 6005, "Which group"), 1);
    assert_eq!(
        count(&fake, 6005, "How to use the bot"),
        2,
        "delivered, answer lost, sent again"
    );
    no_invalid_requests(&fake);
}

/// An event with one seat: `a` takes it, `b` waits. When `a` leaves, `b` is promoted (a message
/// from the outbox).
async fn seat_taken_and_queue(a: &mut Parent<'_>, b: &mut Parent<'_>, event: u64) {
    let card = a.says(&format!("/start event-{event}")).await;
    let m = a.taps(&card, "Ilmoittaudu").await;
    assert!(
        m.text.contains("Ilmoittautuminen tallennettu"),
        "{}",
        m.text
    );
    let card = b.says(&format!("/start event-{event}")).await;
    let m = b.taps(&card, "Jonoon").await;
    assert!(m.text.contains("olet jonossa"), "{}", m.text);
}

async fn leave(a: &mut Parent<'_>, event: u64) -> SentMessage {
    let card = a.says(&format!("/start event-{event}")).await;
    a.taps(&card, "Peru osallistuminen").await
}

/// Two events with one seat each, a month from the app's clock.
async fn two_events(app: &TestApp) -> (u64, u64) {
    let title = || EventText::all("Vanhempien ilta", "Föräldrakväll", "Parents' evening");
    (
        app.add_public_event(title(), 30, Some(1), Vec::new()).await,
        app.add_public_event(title(), 30, Some(1), Vec::new()).await,
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_403_marks_the_parent_unreachable_and_is_never_retried() {
    let app = spawn_app().await;
    let fake = app.fake.clone();
    let (e1, e2) = two_events(&app).await;
    let mut a = Parent::new(&fake, 6006, "fi");
    let mut b = Parent::new(&fake, 6007, "fi");
    seat_taken_and_queue(&mut a, &mut b, e1).await;
    seat_taken_and_queue(&mut a, &mut b, e2).await;
    // b blocks the bot without kokoon hearing of it: the promotion meets a 403.
    fake.block_user(6007);
    let m = leave(&mut a, e1).await;
    assert!(m.text.contains("Osallistumisesi peruttiin"), "{}", m.text);
    assert!(
        fake.wait_until(WAIT, |f| rejected_sends(f, 6007, 403) == 1)
            .await
    );
    // The next outbox message to b is not even tried.
    let m = leave(&mut a, e2).await;
    assert!(m.text.contains("Osallistumisesi peruttiin"), "{}", m.text);
    let m = a.says("/help").await;
    assert!(m.text.contains("Näin käytät"), "{}", m.text);
    // Everything due has been tried (a retry would be due at once: its backoff is a minute
    // of the app's clock, which has not moved).
    app.settle().await;
    assert_eq!(rejected_sends(&fake, 6007, 403), 1, "never retried");
    // b comes back and writes: reachable again.
    fake.unblock_user(6007);
    let m = b.says("/help").await;
    assert!(m.text.contains("Näin käytät"), "{}", m.text);
    no_invalid_requests(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_blocking_the_bot_gets_nothing_until_they_write_again() {
    let app = spawn_app().await;
    let fake = app.fake.clone();
    let (e1, _) = two_events(&app).await;
    let mut a = Parent::new(&fake, 6008, "fi");
    let mut b = Parent::new(&fake, 6009, "fi");
    seat_taken_and_queue(&mut a, &mut b, e1).await;
    // Telegram tells the bot (my_chat_member: member → kicked).
    fake.user_blocks_bot(&b.user);
    let m = a.says("/help").await;
    assert!(m.text.contains("Näin käytät"), "{}", m.text);
    let m = leave(&mut a, e1).await;
    assert!(m.text.contains("Osallistumisesi peruttiin"), "{}", m.text);
    let m = a.says("/help").await;
    assert!(m.text.contains("Näin käytät"), "{}", m.text);
    // Everything due has been tried (a retry would be due at once: its backoff is a minute
    // of the app's clock, which has not moved).
    app.settle().await;
    assert_eq!(
        rejected_sends(&fake, 6009, 403),
        0,
        "the promotion was not even tried"
    );
    fake.user_unblocks_bot(&b.user);
    let m = b.says("/start").await;
    assert!(m.text.contains("Mistä ryhmästä"), "{}", m.text);
    no_invalid_requests(&fake);
}
