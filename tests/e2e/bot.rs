//! The library's Telegram adapter and outbox sender in process ([`crate::in_process`]), against
//! the fake Bot API server on a manual clock: conversations and deliveries that need no second
//! process. What needs the real binary (signals, SIGKILL, the crash harness, the command line)
//! stays in `telegram.rs`, `lifecycle.rs`, `crash.rs` and `faults.rs`.

use crate::in_process::{spawn_app, text_of};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_through_buttons() {
    let t = spawn_app().await;
    // Commands are registered in every language, Finnish as the default.
    let commands = t.fake.commands();
    let langs: Vec<Option<String>> = commands.iter().map(|(l, _)| l.clone()).collect();
    assert_eq!(
        langs,
        vec![
            None,
            Some("en".into()),
            Some("fi".into()),
            Some("sv".into())
        ]
    );
    assert!(commands
        .iter()
        .all(|(_, c)| c.len() == 8 && c[0].0 == "start" && c[1].0 == "events"));

    let p = t.user(5001, "Maija", "fi");
    let m = p.says("/start").await;
    assert!(
        text_of(&m).contains("Mistä ryhmästä olet kiinnostunut?"),
        "{}",
        text_of(&m)
    );
    p.taps("Tilli Toukka").await;
    let m = p.taps("5").await;
    assert!(text_of(&m).contains("toinenkin lapsi"), "{}", text_of(&m));
    p.taps("Ei muita").await;
    p.taps("Hyvinkää").await;
    let m = p.taps("suomi").await;
    assert!(
        text_of(&m).contains("Mitkä ajat sopivat"),
        "{}",
        text_of(&m)
    );
    // A toggle edits the keyboard in place.
    let m = p.taps("Arki-iltaisin").await;
    assert_eq!(m.len(), 1, "{m:#?}");
    assert!(m[0].method.starts_with("edit"), "{m:#?}");
    assert!(m[0].labels().iter().any(|l| l == "✓ Arki-iltaisin"));
    let m = p.taps("Valmis").await;
    assert!(text_of(&m).contains("Ennen tallennusta"), "{}", text_of(&m));
    p.taps("Hyväksyn").await;
    let m = p.taps("Ei, kiitos").await;
    assert!(text_of(&m).contains("Lapsen ikä: 5 v"), "{}", text_of(&m));
    let m = p.taps("Vahvista").await;
    assert!(text_of(&m).contains("on tallennettu"), "{}", text_of(&m));
    assert!(text_of(&m).contains("1/5 lasta"), "{}", text_of(&m));
    assert!(t.fake.answered_callbacks() >= 8);
    assert_eq!(
        t.app
            .store
            .registrations_of(kokoon::domain::UserId(5001))
            .expect("read")
            .len(),
        1
    );
    assert!(p.transcript().contains("> [Hyväksyn tallennuksen]\n"));
    assert!(
        t.fake.invalid_requests().is_empty(),
        "{:#?}",
        t.fake.invalid_requests()
    );
    t.stop().await;
}
