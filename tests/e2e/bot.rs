//! The library's Telegram adapter and outbox sender in process ([`crate::in_process`]), against
//! the fake Bot API server on a manual clock: conversations and deliveries that need no second
//! process. What needs the real binary (signals, SIGKILL, the crash harness, the command line)
//! stays in `telegram.rs`, `lifecycle.rs`, `crash.rs` and `faults.rs`.

use crate::fake_telegram::FakeUser;
use crate::in_process::{spawn_app, spawn_app_limited, text_of};
use crate::telegram::{Parent, WAIT};
use kokoon::domain::UserId;
use std::time::Duration;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_registration_through_buttons() {
    let t = spawn_app().await;
    // Commands are registered in every language, Finnish as the default (beside the polling:
    // the first poll may come before them).
    assert!(t.fake.wait_until(WAIT, |f| f.commands().len() >= 4).await);
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
        .all(|(_, c)| c.len() == 9 && c[0].0 == "start" && c[1].0 == "events"));

    let p = t.user(5001, "Maija", "fi");
    let m = p.says("/start").await;
    assert!(
        text_of(&m).contains("Mistä ryhmästä olet kiinnostunut?"),
        "{}",
        text_of(&m)
    );
    let m = p.taps("Tilli Toukka").await;
    assert!(text_of(&m).contains("Ennen kysymyksiä"), "{}", text_of(&m));
    p.taps("Hyväksyn").await;
    let m = p.taps("5").await;
    assert!(
        text_of(&m).contains("vielä muita lapsia"),
        "{}",
        text_of(&m)
    );
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
    p.taps("Valmis").await;
    p.taps("Ei, kiitos").await;
    let m = p.taps("Ohita").await;
    assert!(text_of(&m).contains("Lapsen ikä: 5 v"), "{}", text_of(&m));
    let m = p.taps("Vahvista").await;
    assert!(text_of(&m).contains("on tallennettu"), "{}", text_of(&m));
    assert!(
        text_of(&m).contains("Hyvinkäältä on nyt ilmoitettu 1 lapsi."),
        "{}",
        text_of(&m)
    );
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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deep_link_jumps_into_the_group_in_the_users_language() {
    let app = spawn_app().await;
    let fake = app.fake.clone();
    let mut p = Parent::new(&fake, 5002, "sv-FI");
    let m = p.says("/start tilli-toukka__pikkuveturi").await;
    assert!(m.text.contains("Innan frågorna"), "{}", m.text);
    let m = p.taps(&m, "Jag godkänner").await;
    assert!(m.text.contains("Hur gammalt är ditt barn?"), "{}", m.text);
    let mut q = Parent::new(&fake, 5003, "en");
    let m = q.says("/start no-such-group").await;
    assert!(
        m.text.contains("Which group are you interested in?"),
        "{}",
        m.text
    );
    assert!(
        fake.invalid_requests().is_empty(),
        "{:#?}",
        fake.invalid_requests()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn group_chats_get_one_short_note_and_odd_input_gets_a_hint() {
    let app = spawn_app().await;
    let fake = app.fake.clone();
    let mut p = Parent::new(&fake, 5006, "en");
    fake.add_bot_to_group(&p.user, -100_200);
    let note = fake.wait_for(-100_200, 1, WAIT).await;
    assert!(
        note[0].text.contains("I only talk in private chats"),
        "{}",
        note[0].text
    );
    fake.send_group_text(&p.user, -100_200, "/start");
    fake.send_sticker(&p.user);
    let m = p.next().await;
    assert!(
        m.text.contains("I can only read text and buttons"),
        "{}",
        m.text
    );
    assert_eq!(
        fake.messages_to(-100_200).len(),
        1,
        "said once, and nothing for group messages"
    );
    fake.send_photo(&p.user);
    let m = p.next().await;
    assert!(
        m.text.contains("I can only read text and buttons"),
        "{}",
        m.text
    );
    let m = p.says(&"x".repeat(5000)).await;
    assert!(m.text.contains("Please pick an option"), "{}", m.text);
    let m = p.says("/whatever").await;
    assert!(m.text.contains("I don't know that command"), "{}", m.text);
    // A forged button: the ordinary hint and menu, nothing else.
    fake.press_button_unchecked(&p.user, m.message_id, "1:my:tilli-toukka");
    let m = p.next().await;
    assert!(
        m.text.contains("That button is from an old message"),
        "{}",
        m.text
    );
    assert!(
        fake.invalid_requests().is_empty(),
        "{:#?}",
        fake.invalid_requests()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_broadcast_to_many_respects_the_limits_skips_the_blocked_and_reports() {
    use kokoon::domain::{EventText, Lang};
    const PEOPLE: i64 = 200;
    const BLOCKED: i64 = 10;
    const COORD: i64 = 100_000_002;
    // Telegram's limits scaled up ten times (10/s per chat, 300/s overall) to keep CI short,
    // and the bot's limiter set to the same; the full-size run (1,000 at 30/s) is the
    // benchmark's.
    let app = spawn_app_limited("300/10").await;
    let fake = app.fake.clone();
    fake.set_limits(Some(10), Some(300));
    app.add_public_event(
        EventText::new(Lang::Fi, "Eron edessä -ilta"),
        20,
        None,
        (1..=PEOPLE).map(|u| UserId(6000 + u as u64)).collect(),
    )
    .await;
    // Everyone has a chat with the bot (Telegram answers "chat not found" otherwise).
    let people: Vec<FakeUser> = (1..=PEOPLE)
        .map(|u| FakeUser::new(6000 + u, "Parent", "fi"))
        .collect();
    let greeting = std::time::Instant::now();
    for p in &people {
        fake.send_text(p, "/start");
    }
    let greeted = fake
        .wait_until(Duration::from_secs(60), |f| {
            people.iter().all(|p| !f.messages_to(p.id).is_empty())
        })
        .await;
    assert!(greeted, "every parent got the welcome");
    println!(
        "{PEOPLE} welcomes in {:.1} s",
        greeting.elapsed().as_secs_f64()
    );
    for p in people.iter().take(BLOCKED as usize) {
        fake.block_user(p.id);
    }
    let mut c = Parent::new(&fake, COORD, "fi");
    let started = std::time::Instant::now();
    // The audience from /broadcast: one message, one button per event (the example config's
    // events too) and per group.
    let m = c.says("/broadcast").await;
    let m = c.taps(&m, "Osallistujat: Eron edessä -ilta (200)").await;
    assert!(
        m.text.contains("Se lähtee 200 vastaanottajalle."),
        "{}",
        m.text
    );
    let m = c.says("Ilta siirtyy yläkertaan. Tervetuloa!").await;
    let m = c.taps(&m, "Lähetä").await;
    assert!(
        m.text.contains("Viesti lähtee 200 vastaanottajalle."),
        "{}",
        m.text
    );
    let report = fake
        .wait_until(Duration::from_secs(90), |f| {
            f.messages_to(COORD)
                .iter()
                .any(|m| m.text.contains("perillä"))
        })
        .await;
    assert!(report, "the coordinator gets a delivery report");
    let report = fake
        .messages_to(COORD)
        .into_iter()
        .find(|m| m.text.contains("perillä"))
        .expect("report");
    assert!(
        report
            .text
            .contains("200 vastaanottajalle: 190 perillä, 10 ei tavoitettavissa, 0 epäonnistui"),
        "{}",
        report.text
    );
    for (i, p) in people.iter().enumerate() {
        let got = fake
            .messages_to(p.id)
            .iter()
            .filter(|m| m.text.contains("Ilta siirtyy yläkertaan."))
            .count();
        let expected = usize::from(i >= BLOCKED as usize);
        assert_eq!(got, expected, "parent {} got {got} copies", p.id);
    }
    let too_many = fake
        .rejected()
        .iter()
        .filter(|r| r.error_code == 429)
        .count();
    println!(
        "broadcast of {PEOPLE}: {:.1} s from /events to the report, 429 answers: {too_many}",
        started.elapsed().as_secs_f64()
    );
    assert!(
        fake.invalid_requests().is_empty(),
        "{:#?}",
        fake.invalid_requests()
    );
}

/// A facilitator's own menu (the chat scope of their chat, in each language) lists their
/// commands, `/attendance` among them, once they have joined through a coordinator's link;
/// removed, the menu goes and they see everyone's again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_facilitator_gets_their_own_command_menu() {
    let t = spawn_app().await;
    assert!(t.fake.wait_until(WAIT, |f| f.commands().len() >= 4).await);
    let c = t.user(100_000_001, "Kaisa", "fi");
    c.says("/facilitators").await;
    c.taps("Kutsu ohjaaja").await;
    c.taps("Tilli Toukka").await;
    let said = text_of(&c.taps("Tee kutsulinkki").await);
    let at = said.find("?start=").expect("a link") + "?start=".len();
    let payload: String = said[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect();
    let f = t.user(5101, "Olli", "sv");
    assert!(t.fake.commands_in_scope("chat:5101").is_empty());
    f.says(&format!("/start {payload}")).await;
    f.says("Olli Ohjaaja").await;
    f.taps("Jag godkänner").await;
    assert!(
        t.fake
            .wait_until(WAIT, |fake| fake.commands_in_scope("chat:5101").len() == 4)
            .await
    );
    let menus = t.fake.commands_in_scope("chat:5101");
    let langs: Vec<Option<String>> = menus.iter().map(|(l, _)| l.clone()).collect();
    assert_eq!(
        langs,
        vec![
            None,
            Some("en".into()),
            Some("fi".into()),
            Some("sv".into())
        ]
    );
    for (lang, commands) in &menus {
        let names: Vec<&str> = commands.iter().map(|(c, _)| c.as_str()).collect();
        assert_eq!(
            names,
            [
                "start",
                "events",
                "mine",
                "lang",
                "cancel",
                "privacy",
                "mydata",
                "forget",
                "help",
                "group",
                "write",
                "support",
                "attendance"
            ],
            "{lang:?}"
        );
    }
    let described = |lang: Option<&str>| {
        menus
            .iter()
            .find(|(l, _)| l.as_deref() == lang)
            .and_then(|(_, c)| c.iter().find(|(c, _)| c == "attendance"))
            .map(|(_, d)| d.clone())
    };
    assert_eq!(
        described(None).as_deref(),
        Some("Ketkä tulivat tapaamisiin")
    );
    assert_eq!(
        described(Some("fi")).as_deref(),
        Some("Ketkä tulivat tapaamisiin")
    );
    assert_eq!(
        described(Some("sv")).as_deref(),
        Some("Vilka som kom till träffarna")
    );
    assert_eq!(
        described(Some("en")).as_deref(),
        Some("Who came to the meetings")
    );

    // Removed, their own menu goes.
    c.says("/facilitators").await;
    c.taps("Poista Olli Ohjaaja").await;
    c.taps("Kyllä, poista").await;
    assert!(
        t.fake
            .wait_until(WAIT, |fake| fake.commands_in_scope("chat:5101").is_empty())
            .await
    );
    // Everyone's menu is as it was.
    assert!(t.fake.commands().iter().all(|(_, c)| c.len() == 9));
}
