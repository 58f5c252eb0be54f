//! Stopping and starting: SIGTERM and Ctrl-C while an update is in hand, and a second kokoon on
//! the same data directory.

use crate::fake_telegram::{FakeTelegram, FakeUser};
use crate::telegram::Kokoon;
use kokoon::domain::UserId;
use kokoon::store::Store;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const WAIT: Duration = Duration::from_secs(20);

/// A parent's update is being handled (its reply is slow to reach Telegram) when the signal
/// comes: the reply still goes, the process exits cleanly within 5 s, the update's effect is
/// on disk, and an update that arrives after the signal waits for the next start.
async fn stop_while_an_update_is_in_hand(signal: &str, user_id: i64) {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let bot = Kokoon::start(&fake, &data).await;
    let user = FakeUser::new(user_id, "Maija", "sv");
    fake.delay_next("sendMessage", Duration::from_millis(1500), 1);
    let before = fake.received("sendMessage");
    let update = fake.send_text(&user, "/start tilli-toukka");
    assert!(
        fake.wait_until(WAIT, |f| f.received("sendMessage") > before)
            .await
    );
    let (status, took) = bot.stop_with(signal).await;
    assert!(status.success(), "SIG{signal}: exit {status}");
    assert!(took < Duration::from_secs(5), "SIG{signal}: took {took:?}");
    let sent = fake.messages_to(user_id);
    assert_eq!(sent.len(), 1, "the reply in hand was finished: {sent:#?}");
    assert!(sent[0].text.contains("Innan frågorna"), "{}", sent[0].text);
    let consent = sent[0].button("Jag godkänner").expect("the consent button");

    // Sent after the signal (the process has exited): left for the next start.
    let later = fake.press_button(&user, sent[0].message_id, &consent);
    assert!(fake.confirmed_offset() <= later, "waits for the next start");
    assert_eq!(fake.messages_to(user_id).len(), 1);
    {
        let store =
            Store::open(&data, 1 << 20, &crate::chat::test_key()).expect("the store reopens");
        assert!(store
            .seen_update(u32::try_from(update).expect("id"))
            .expect("read"));
        let record = store
            .user(UserId(u64::try_from(user_id).expect("id")))
            .expect("read");
        assert!(
            format!("{:?}", record.state).contains("tilli-toukka"),
            "the registration was under way: {:?}",
            record.state
        );
    }
    // The next start takes it, and nothing is answered twice.
    let _bot = Kokoon::start(&fake, &data).await;
    let sent = fake.wait_for(user_id, 2, WAIT).await;
    assert!(sent[1].text.contains("Hur gammalt"), "{}", sent[1].text);
    // Once every update is confirmed, nothing more comes for them.
    assert!(fake.wait_until(WAIT, |f| f.pending_updates() == 0).await);
    assert_eq!(fake.messages_to(user_id).len(), 2);
    assert!(
        fake.invalid_requests().is_empty(),
        "{:#?}",
        fake.invalid_requests()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_finishes_the_update_in_hand_and_exits_within_5_s() {
    stop_while_an_update_is_in_hand("TERM", 5201).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ctrl_c_finishes_the_update_in_hand_and_exits_within_5_s() {
    stop_while_an_update_is_in_hand("INT", 5202).await;
}

/// Telegram takes far longer than the grace period: the process still exits in time, and the
/// reply that could not be finished is sent after the restart.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_with_telegram_hanging_exits_in_time_and_sends_later() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let bot = Kokoon::start(&fake, &data).await;
    let user = FakeUser::new(5203, "Maija", "en");
    fake.delay_next("sendMessage", Duration::from_secs(12), 1);
    let before = fake.received("sendMessage");
    fake.send_text(&user, "/help");
    assert!(
        fake.wait_until(WAIT, |f| f.received("sendMessage") > before)
            .await
    );
    let (status, took) = bot.stop_with("TERM").await;
    assert!(status.success(), "exit {status}");
    assert!(took < Duration::from_secs(5), "took {took:?}");
    let _bot = Kokoon::start(&fake, &data).await;
    let sent = fake.wait_for(5203, 1, WAIT).await;
    assert!(
        sent[0].text.contains("How to use the bot"),
        "{}",
        sent[0].text
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_kokoon_on_the_same_data_fails_at_once() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let first = Kokoon::start(&fake, &data).await;
    let began = Instant::now();
    let second = Command::new(env!("CARGO_BIN_EXE_kokoon"))
        .args(["--config", "config/kokoon.toml", "run", "--data"])
        .arg(&data)
        .args(["--api-url", &fake.api_url()])
        .env("TELOXIDE_TOKEN", FakeTelegram::TOKEN)
        .env("KOKOON_KEY", crate::chat::TEST_KEY_HEX)
        .env_remove("KOKOON_KEY_FILE")
        .env_remove("TELOXIDE_API_URL")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starts");
    let pid = second.id().to_string();
    let watchdog = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_secs(10));
        let _ = Command::new("kill").args(["-KILL", &pid]).status();
    });
    let out = second.wait_with_output().expect("exits");
    let took = began.elapsed();
    drop(watchdog);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "the second one must fail: {stderr}");
    assert!(took < Duration::from_secs(2), "took {took:?}: {stderr}");
    assert!(
        stderr.contains("already in use") && stderr.contains(&data.display().to_string()),
        "{stderr}"
    );
    // The first one is unharmed.
    let user = FakeUser::new(5204, "Maija", "fi");
    fake.send_text(&user, "/help");
    fake.wait_for(5204, 1, WAIT).await;
    assert!(first.terminate().await.success());
}
