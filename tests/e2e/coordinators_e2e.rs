//! Coordinators end to end against the fake Telegram Bot API server: the real `kokoon` binary
//! where a process matters (a SIGKILL and a replay, the log, the `kokoon qr` command), the
//! library's adapter in process ([`crate::in_process`]) for the rest.
//! Threshold alerts exactly once (under concurrent confirmations, across a SIGKILL and a
//! redelivered update), again after a fall and a rise, a coordinator who cannot be reached,
//! `/demand` `/export` `/qr` as real photos and documents, nothing for anyone else, the `kokoon qr`
//! command, and a launch over Telegram. The app-level counterparts are in `coordinators.rs`.

use crate::fake_telegram::{FakeTelegram, Rejection, SentMessage};
use crate::in_process::spawn_app;
use crate::telegram::{Kokoon, Parent, WAIT};
use serde_json::json;
use std::process::Command;

const COORD_TILLI: i64 = 100_000_001;
const COORD_ALL: i64 = 100_000_002;
const ALERT: &str = "kynnys täyttyi";
const LINK: &str = "https://t.me/kokoon_hyvinkaa_bot?start=tilli-toukka";

/// What a Tilli Toukka registration left behind, for replaying its confirmation.
pub(crate) struct Registered {
    /// The update id of the "Vahvista" press.
    confirm_update: i64,
    /// The summary message the press was on.
    summary_id: i64,
    /// The callback data of "Vahvista".
    confirm_data: String,
    /// The bot's answer to it.
    confirmation: SentMessage,
}

/// The parent runs the whole Tilli Toukka registration through buttons, in Finnish: one child
/// of 5, no more children, Hyvinkää, Finnish, weekday evenings, consent, name shown or not.
pub(crate) async fn register_tilli(p: &mut Parent<'_>, share: bool) -> Registered {
    let m = p.says("/start tilli-toukka").await;
    let m = p.taps(&m, "Hyväksyn").await;
    assert!(m.text.contains("Minkä ikäinen lapsesi on?"), "{}", m.text);
    let m = p.taps(&m, "5").await;
    let m = p.taps(&m, "Ei muita").await;
    let m = p.taps(&m, "Hyvinkää").await;
    let m = p.taps(&m, "suomi").await;
    assert!(m.text.contains("Mitkä ajat sopivat"), "{}", m.text);
    p.press(&m, "Arki-iltaisin");
    let (fake, chat, mid) = (p.fake, p.user.id, m.message_id);
    let toggled = fake
        .wait_until(WAIT, |f| {
            f.current(chat, mid)
                .is_some_and(|c| c.labels().iter().any(|l| l == "✓ Arki-iltaisin"))
        })
        .await;
    assert!(toggled, "parent {chat}: the time was not checked in place");
    let m = fake.current(chat, mid).expect("the edited message");
    let m = p.taps(&m, "Valmis").await;
    let m = p
        .taps(
            &m,
            if share {
                "Kyllä, saa nähdä"
            } else {
                "Ei, kiitos"
            },
        )
        .await;
    let m = p.taps(&m, "Ohita").await;
    assert!(m.text.contains("Lapsen ikä: 5 v"), "{}", m.text);
    let data = m.button("Vahvista").expect("a confirm button");
    let confirm_update = fake.press_button(&p.user, m.message_id, &data);
    let confirmation = p.next().await;
    assert!(
        confirmation.text.contains("on tallennettu"),
        "{}",
        confirmation.text
    );
    Registered {
        confirm_update,
        summary_id: m.message_id,
        confirm_data: data,
        confirmation,
    }
}

/// Parents `ids` register for Tilli Toukka all at once, one task each; returns what each
/// registration left, in the order of `ids`.
async fn register_concurrently(fake: &FakeTelegram, ids: &[i64]) -> Vec<Registered> {
    let mut tasks = tokio::task::JoinSet::new();
    for (i, &id) in ids.iter().enumerate() {
        let fake = fake.clone();
        tasks.spawn(async move {
            let mut p = Parent::new(&fake, id, "fi");
            (i, register_tilli(&mut p, true).await)
        });
    }
    let mut done: Vec<Option<Registered>> = ids.iter().map(|_| None).collect();
    while let Some(r) = tasks.join_next().await {
        let (i, reg) = r.expect("a parent's registration panicked");
        done[i] = Some(reg);
    }
    done.into_iter().map(|r| r.expect("registered")).collect()
}

/// A parent object for someone who already talked to the bot, caught up with their chat.
fn parent_again<'a>(fake: &'a FakeTelegram, id: i64) -> Parent<'a> {
    let mut p = Parent::new(fake, id, "fi");
    p.seen = sends_to(fake, id).len();
    p
}

/// New messages (not edits) to `chat`, in order.
fn sends_to(fake: &FakeTelegram, chat: i64) -> Vec<SentMessage> {
    let mut all = fake.messages_to(chat);
    all.retain(|m| m.method.starts_with("send"));
    all
}

fn alerts_to(fake: &FakeTelegram, chat: i64) -> usize {
    sends_to(fake, chat)
        .iter()
        .filter(|m| m.text.contains(ALERT))
        .count()
}

/// Both coordinators open a chat with the bot, so messages to them can be delivered.
async fn coordinators_start(fake: &FakeTelegram) {
    for c in [COORD_TILLI, COORD_ALL] {
        let m = Parent::new(fake, c, "fi").says("/start").await;
        assert!(m.text.contains("Mistä ryhmästä"), "{}", m.text);
    }
}

/// Waits until each coordinator has had `n` alerts.
async fn wait_for_alerts(fake: &FakeTelegram, n: usize) {
    let arrived = fake
        .wait_until(WAIT, |f| {
            alerts_to(f, COORD_TILLI) >= n && alerts_to(f, COORD_ALL) >= n
        })
        .await;
    assert!(
        arrived,
        "wanted {n} alerts each, got {} and {}; sent: {:#?}",
        alerts_to(fake, COORD_TILLI),
        alerts_to(fake, COORD_ALL),
        fake.sent()
    );
}

/// A round trip through the bot: the parent asks for /help and gets it. Everything the bot
/// was doing before the update was handled and flushed is settled by then.
async fn round_trip(p: &mut Parent<'_>) -> i64 {
    let update = p.fake.send_text(&p.user, "/help");
    let m = p.next().await;
    assert!(m.text.contains("Näin käytät bottia"), "{}", m.text);
    update
}

fn assert_no_invalid_requests(fake: &FakeTelegram) {
    let invalid = fake.invalid_requests();
    assert!(invalid.is_empty(), "{invalid:#?}");
}

/// The raw JSON of a press of "Vahvista", as Telegram would deliver it again.
fn confirm_press(user: i64, r: &Registered) -> serde_json::Value {
    json!({
        "update_id": r.confirm_update,
        "callback_query": {
            "id": format!("replayed-{}", r.confirm_update),
            "from": {"id": user, "is_bot": false, "first_name": "Maija",
                     "username": format!("maija{user}"), "language_code": "fi"},
            "message": {
                "message_id": r.summary_id, "date": 1_700_000_000,
                "chat": {"id": user, "type": "private", "first_name": "Maija"},
                "from": {"id": FakeTelegram::BOT_ID, "is_bot": true, "first_name": "Kokoon Test",
                         "username": FakeTelegram::BOT_USERNAME},
                "text": "Tilli Toukka"
            },
            "chat_instance": format!("ci{user}"),
            "data": r.confirm_data
        }
    })
}

/// The raw JSON of a private text message with a given update id.
fn text_update(update_id: i64, user: i64, text: &str) -> serde_json::Value {
    json!({
        "update_id": update_id,
        "message": {
            "message_id": 1, "date": 1_700_000_000,
            "chat": {"id": user, "type": "private", "first_name": "Maija"},
            "from": {"id": user, "is_bot": false, "first_name": "Maija", "language_code": "fi"},
            "text": text,
            "entities": [{"type": "bot_command", "offset": 0, "length": text.len()}]
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_confirmations_alert_each_coordinator_exactly_once_across_a_kill_and_a_replay() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let data = dir.path().join("data");
    let bot = Kokoon::start(&fake, &data).await;
    coordinators_start(&fake).await;

    let ids: Vec<i64> = (1..=12).map(|i| 710_000_000 + i).collect();
    let regs = register_concurrently(&fake, &ids).await;
    wait_for_alerts(&fake, 1).await;
    let mut last = parent_again(&fake, ids[11]);
    let help_update = round_trip(&mut last).await;
    for c in [COORD_TILLI, COORD_ALL] {
        assert_eq!(alerts_to(&fake, c), 1, "{:#?}", sends_to(&fake, c));
        let alert = sends_to(&fake, c)
            .into_iter()
            .find(|m| m.text.contains(ALERT))
            .expect("the alert");
        assert!(
            alert
                .text
                .contains("Tilli Toukka, Hyvinkää (suomi): kynnys täyttyi!"),
            "{}",
            alert.text
        );
    }

    // A power cut: the crossing and the delivered alerts are on disk, nothing is sent again.
    // (Killed after the bot confirmed what it handled: a kill in the moment between a reply
    // reaching Telegram and its mark being flushed may repeat that reply, the documented
    // at-least-once window, which the crash harness counts.)
    assert!(fake.wait_until(WAIT, |f| f.pending_updates() == 0).await);
    // Confirmed means stored, replies included; the marks of replies sent are flushed a moment
    // after they went. This test is not about that window: kill after it.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    bot.kill();
    let bot = Kokoon::start(&fake, &data).await;
    round_trip(&mut last).await;
    assert_eq!(alerts_to(&fake, COORD_TILLI), 1);
    assert_eq!(alerts_to(&fake, COORD_ALL), 1);

    // Telegram delivers handled updates again (every confirmation, one of them the crossing,
    // and a /help): they were counted once, and nothing is answered or alerted again.
    assert!(fake.wait_until(WAIT, |f| f.pending_updates() == 0).await);
    // Confirmed means stored, replies included; the marks of replies sent are flushed a moment
    // after they went. This test is not about that window: kill after it.
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    bot.kill();
    for (id, r) in ids.iter().zip(&regs) {
        fake.push_raw_update(confirm_press(*id, r));
    }
    fake.push_raw_update(text_update(help_update, ids[11], "/help"));
    let before: Vec<usize> = ids.iter().map(|id| sends_to(&fake, *id).len()).collect();
    let offset_before = fake.confirmed_offset();
    let mut bot = Kokoon::start(&fake, &data).await;
    let mut first = parent_again(&fake, ids[0]);
    round_trip(&mut first).await;
    // The next poll confirms the batch: the replayed updates were taken and handled.
    let confirmed = fake
        .wait_until(WAIT, |f| {
            f.pending_updates() == 0 && f.confirmed_offset() > offset_before
        })
        .await;
    assert!(confirmed, "the bot went past the replayed updates");
    let after: Vec<usize> = ids.iter().map(|id| sends_to(&fake, *id).len()).collect();
    let expected: Vec<usize> = before
        .iter()
        .enumerate()
        .map(|(i, n)| if i == 0 { n + 1 } else { *n })
        .collect();
    assert_eq!(after, expected, "only the new /help was answered");
    assert_eq!(alerts_to(&fake, COORD_TILLI), 1);
    assert_eq!(alerts_to(&fake, COORD_ALL), 1);
    assert!(bot.is_running());
    assert_no_invalid_requests(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fall_below_the_threshold_and_a_new_rise_alerts_again() {
    let app = spawn_app().await;
    let fake = app.fake.clone();
    coordinators_start(&fake).await;

    let ids: Vec<i64> = (1..=6).map(|i| 720_000_000 + i).collect();
    register_concurrently(&fake, &ids[..5]).await;
    wait_for_alerts(&fake, 1).await;
    let mut sixth = Parent::new(&fake, ids[5], "fi");
    let r = register_tilli(&mut sixth, true).await;
    assert!(
        r.confirmation
            .text
            .contains("on nyt ilmoittautunut tarpeeksi tulijoita"),
        "{}",
        r.confirmation.text
    );

    // Two withdraw: 4 of 5 left, below the threshold.
    for id in [ids[0], ids[5]] {
        let mut p = parent_again(&fake, id);
        // "You have one registration:" and the registration with its buttons, in one message.
        p.fake.send_text(&p.user, "/mine");
        let all = p.fake.wait_for(id, p.seen + 1, WAIT).await;
        p.seen = all.len();
        let m = all.last().expect("the registration");
        assert!(m.text.contains("Lapsen ikä: 5 v"), "{}", m.text);
        let m = p.taps(m, "Peru ilmoittautuminen").await;
        assert!(m.text.contains("Perutaanko"), "{}", m.text);
        let m = p.taps(&m, "Kyllä, peru").await;
        assert!(m.text.contains("on peruttu"), "{}", m.text);
    }
    assert_eq!(
        (alerts_to(&fake, COORD_TILLI), alerts_to(&fake, COORD_ALL)),
        (1, 1),
        "over the threshold and falling below it alert nobody"
    );

    // A day later (past the alert cool-down), one more family: 5 of 5 again, a new crossing.
    app.advance(chrono::Duration::hours(24)).await;
    let mut new = Parent::new(&fake, 720_000_007, "fi");
    let r = register_tilli(&mut new, false).await;
    assert!(
        r.confirmation
            .text
            .contains("on nyt ilmoittautunut tarpeeksi tulijoita"),
        "{}",
        r.confirmation.text
    );
    wait_for_alerts(&fake, 2).await;
    round_trip(&mut new).await;
    assert_eq!(alerts_to(&fake, COORD_TILLI), 2);
    assert_eq!(alerts_to(&fake, COORD_ALL), 2);
    assert_no_invalid_requests(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unreachable_coordinator_is_named_to_the_other_and_kept_out_of_the_log() {
    let fake = FakeTelegram::start().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let mut bot = Kokoon::start(&fake, &dir.path().join("data")).await;
    // Only the Tilli Toukka coordinator has started the bot.
    let m = Parent::new(&fake, COORD_TILLI, "fi").says("/start").await;
    assert!(m.text.contains("Mistä ryhmästä"), "{}", m.text);

    let ids: Vec<i64> = (1..=5).map(|i| 730_000_000 + i).collect();
    register_concurrently(&fake, &ids).await;
    let arrived = fake
        .wait_until(WAIT, |f| {
            let to = sends_to(f, COORD_TILLI);
            to.iter().any(|m| m.text.contains(ALERT))
                && to.iter().any(|m| m.text.contains("ei saatu perille"))
        })
        .await;
    assert!(
        arrived,
        "{:#?}\nrejected: {:#?}",
        fake.sent(),
        fake.rejected()
    );
    let missed = sends_to(&fake, COORD_TILLI)
        .into_iter()
        .find(|m| m.text.contains("ei saatu perille"))
        .expect("the note");
    assert!(
        missed.text.contains(
            "hälytystä ryhmästä Tilli Toukka, Hyvinkää (suomi) ei saatu perille koordinaattorille Pikku-Veturin koordinaattori"
        ),
        "{}",
        missed.text
    );
    assert_eq!(alerts_to(&fake, COORD_TILLI), 1);
    assert!(sends_to(&fake, COORD_ALL).is_empty());

    // The bot keeps going and answers a parent.
    let mut p = parent_again(&fake, ids[0]);
    round_trip(&mut p).await;
    assert!(bot.is_running(), "the bot survived the undeliverable alert");

    // The log names the coordinator by their config name, and no one by id or name.
    let log = bot.log_text();
    assert!(
        log.contains("Pikku-Veturin koordinaattori"),
        "the coordinator's name is logged:\n{log}"
    );
    assert!(
        !log.contains("100000002"),
        "a coordinator's id in the log:\n{log}"
    );
    for id in &ids {
        assert!(
            !log.contains(&id.to_string()),
            "a parent's id in the log:\n{log}"
        );
    }
    assert!(
        !log.to_lowercase().contains("maija"),
        "a parent's name in the log:\n{log}"
    );

    // The only rejected requests are the expected "chat not found" for the coordinator who
    // never started the bot.
    let (expected, invalid): (Vec<Rejection>, Vec<Rejection>) =
        fake.invalid_requests().into_iter().partition(|r| {
            r.description == "Bad Request: chat not found"
                && r.body["chat_id"]
                    .to_string()
                    .contains(&COORD_ALL.to_string())
        });
    assert!(!expected.is_empty(), "the alert to {COORD_ALL} was tried");
    assert!(invalid.is_empty(), "{invalid:#?}");
    let status = bot.terminate().await;
    assert!(status.success());
}

/// Decodes a PNG to (width, height, 8-bit greyscale pixels).
fn png_grey(bytes: &[u8]) -> (usize, usize, Vec<u8>) {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(bytes));
    decoder.set_transformations(png::Transformations::normalize_to_color8());
    let mut reader = decoder.read_info().expect("a valid PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("buffer size known")];
    let info = reader.next_frame(&mut buf).expect("a PNG frame");
    buf.truncate(info.buffer_size());
    let channels = info.color_type.samples();
    let grey = buf
        .chunks_exact(channels)
        .map(|px| match px {
            [g] | [g, _] => *g,
            [r, g, b, ..] => {
                u8::try_from((u32::from(*r) + u32::from(*g) + u32::from(*b)) / 3).unwrap_or(0)
            }
            _ => 0,
        })
        .collect();
    (info.width as usize, info.height as usize, grey)
}

/// The texts of every QR code found in a PNG.
fn scan_qr(bytes: &[u8]) -> Vec<String> {
    let (w, h, grey) = png_grey(bytes);
    let mut img = rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| grey[y * w + x]);
    img.detect_grids()
        .iter()
        .map(|g| g.decode().expect("the QR code decodes").1)
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn demand_sends_a_chart_export_a_csv_file_and_qr_a_scannable_code() {
    let app = spawn_app().await;
    let fake = app.fake.clone();
    let ids: Vec<i64> = (1..=3).map(|i| 740_000_000 + i).collect();
    register_concurrently(&fake, &ids).await;

    let c = Parent::new(&fake, COORD_ALL, "sv");
    fake.send_text(&c.user, "/demand");
    let photo = fake
        .wait_until(WAIT, |f| {
            sends_to(f, COORD_ALL)
                .iter()
                .any(|m| m.method == "sendPhoto")
        })
        .await;
    assert!(photo, "{:#?}", fake.sent());
    // Short enough for a caption: one message, the chart with the text and the buttons.
    let said = sends_to(&fake, COORD_ALL);
    let photos: Vec<&SentMessage> = said.iter().filter(|m| m.method == "sendPhoto").collect();
    assert_eq!(said.len(), 1, "one message for every group: {said:#?}");
    let caption = &photos[0].text;
    assert!(
        caption.contains("Tilli Toukka · gruppen kan starta när det finns 5 barn"),
        "{caption}"
    );
    assert!(
        caption.contains("finska:\nHyvinge 3/5 barn · 3 familjer · åldrar 5 år"),
        "{caption}"
    );
    assert!(photos[0]
        .labels()
        .iter()
        .any(|l| l == "📋 Lista: Hyvinge (finska)"));
    assert_eq!(
        caption.matches("Inga väntande familjer ännu.").count(),
        3,
        "{caption}"
    );
    let (w, h, _) = png_grey(photos[0].file_bytes.as_ref().expect("uploaded bytes"));
    assert_eq!(w, kokoon::chart::WIDTH as usize);
    assert!(h >= 300, "height {h}");

    fake.send_text(&c.user, "/export");
    let exported = fake
        .wait_until(WAIT, |f| {
            sends_to(f, COORD_ALL)
                .iter()
                .any(|m| m.method == "sendDocument")
        })
        .await;
    assert!(exported, "{:#?}", fake.sent());
    let doc = sends_to(&fake, COORD_ALL)
        .into_iter()
        .find(|m| m.method == "sendDocument")
        .expect("the CSV");
    assert!(doc.text.contains("Anmälda som CSV-fil"), "{}", doc.text);
    assert_eq!(doc.file_name.as_deref(), Some("kokoon-demand.csv"));
    let bytes = doc.file_bytes.expect("uploaded bytes");
    assert!(
        bytes.starts_with(b"\xEF\xBB\xBF"),
        "UTF-8 with BOM for Excel"
    );
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(&bytes[3..]);
    let header: Vec<String> = reader
        .headers()
        .expect("a header")
        .iter()
        .map(String::from)
        .collect();
    assert_eq!(
        header[..6],
        [
            "Grupp",
            "Område",
            "Språk",
            "Familjer",
            "Deltagare",
            "Tröskel"
        ]
    );
    let rows: Vec<csv::StringRecord> = reader.records().collect::<Result<_, _>>().expect("rows");
    assert_eq!(rows.len(), 1, "{rows:?}");
    assert_eq!(
        (
            &rows[0][0],
            &rows[0][1],
            &rows[0][2],
            &rows[0][3],
            &rows[0][4]
        ),
        ("Tilli Toukka", "Hyvinge", "fi", "3", "3")
    );

    let before = sends_to(&fake, COORD_ALL).len();
    fake.send_text(&c.user, "/qr");
    let asked = fake
        .wait_until(WAIT, |f| sends_to(f, COORD_ALL).len() > before)
        .await;
    assert!(asked);
    let menu = sends_to(&fake, COORD_ALL).pop().expect("the menu");
    assert!(
        menu.text.contains("Vilken grupps QR-kod vill du ha?"),
        "{}",
        menu.text
    );
    c.press(&menu, "Tilli Toukka");
    let coded = fake
        .wait_until(WAIT, |f| {
            sends_to(f, COORD_ALL)
                .iter()
                .filter(|m| m.method == "sendPhoto")
                .count()
                == 2
        })
        .await;
    assert!(coded, "{:#?}", fake.sent());
    let qr = sends_to(&fake, COORD_ALL).pop().expect("the QR code");
    assert_eq!(qr.method, "sendPhoto");
    assert!(qr.text.contains(LINK), "{}", qr.text);
    assert_eq!(
        scan_qr(qr.file_bytes.as_ref().expect("uploaded bytes")),
        vec![LINK.to_owned()]
    );
    assert_no_invalid_requests(&fake);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_parent_gets_only_ordinary_hints_for_coordinator_commands_and_forged_buttons() {
    let app = spawn_app().await;
    let fake = app.fake.clone();
    register_concurrently(&fake, &[750_000_001, 750_000_002, 750_000_003]).await;

    let mut p = Parent::new(&fake, 750_000_099, "fi");
    let menu = p.says("/start").await;
    assert!(menu.text.contains("Mistä ryhmästä"), "{}", menu.text);
    let group_menu = menu.labels();
    assert!(group_menu.iter().any(|l| l.contains("Tilli Toukka")));

    let mut replies = Vec::new();
    for cmd in ["/demand", "/export", "/launch", "/qr"] {
        let m = p.says(cmd).await;
        assert!(
            m.text.contains("En tunne tuota komentoa"),
            "{cmd}: {}",
            m.text
        );
        replies.push(m);
    }
    for forged in [
        "1:pl:tilli-toukka:hyvinkaa:fi",
        "1:pn:tilli-toukka:hyvinkaa:fi",
        "1:lc",
        "1:qr:tilli-toukka",
        "1:xl:1",
    ] {
        fake.press_button_unchecked(&p.user, menu.message_id, forged);
        let m = p.next().await;
        assert!(
            m.text.contains("Tuo painike on vanhasta viestistä"),
            "{forged}: {}",
            m.text
        );
        replies.push(m);
    }
    round_trip(&mut p).await;
    for m in &replies {
        assert_eq!(m.method, "sendMessage", "{m:#?}");
        assert_eq!(m.labels(), group_menu, "the ordinary group menu: {m:#?}");
        assert!(!m.text.contains("Maija"), "{}", m.text);
    }
    let to_parent = fake.messages_to(p.user.id);
    assert!(
        to_parent
            .iter()
            .all(|m| m.method == "sendMessage" && m.file_bytes.is_none()),
        "{to_parent:#?}"
    );
    assert_eq!(to_parent.len(), 1 + 9 + 1, "one answer for each input");
    assert_no_invalid_requests(&fake);
}

fn kokoon_cli(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_kokoon"))
        .args(["--config", "config/kokoon.toml"])
        .args(args)
        .env_remove("KOKOON_CONFIG")
        .output()
        .expect("kokoon runs")
}

#[test]
fn the_qr_command_writes_a_scannable_png_and_an_svg_and_refuses_bad_input() {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().to_str().expect("a UTF-8 path");
    let run = kokoon_cli(&[
        "qr",
        "tilli-toukka",
        "--source",
        "pikkuveturi",
        "--out",
        out,
    ]);
    assert!(
        run.status.success(),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let link = format!("{LINK}__pikkuveturi");
    assert!(
        String::from_utf8_lossy(&run.stdout).contains(&link),
        "the link is printed"
    );
    let png = std::fs::read(dir.path().join("kokoon-tilli-toukka__pikkuveturi.png")).expect("png");
    assert_eq!(scan_qr(&png), vec![link]);
    let svg = std::fs::read_to_string(dir.path().join("kokoon-tilli-toukka__pikkuveturi.svg"))
        .expect("svg");
    let head = svg.trim_start();
    assert!(
        head.starts_with("<?xml") || head.starts_with("<svg"),
        "{}",
        &svg[..svg.len().min(80)]
    );

    let unknown = kokoon_cli(&["qr", "no-such-group", "--out", out]);
    assert!(!unknown.status.success());
    let err = String::from_utf8_lossy(&unknown.stderr);
    assert!(err.contains("no-such-group"), "{err}");
    for g in [
        "tilli-toukka",
        "koululaiset",
        "eron-edessa",
        "yhteinen-vanhemmuus",
    ] {
        assert!(err.contains(g), "the groups are listed: {err}");
    }

    let bad = kokoon_cli(&[
        "qr",
        "tilli-toukka",
        "--source",
        "bad source!",
        "--out",
        out,
    ]);
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(err.contains("--source"), "{err}");
    assert!(err.contains("letters, digits"), "{err}");
    let unlisted = kokoon_cli(&[
        "qr",
        "tilli-toukka",
        "--source",
        "maija-meikalainen",
        "--out",
        out,
    ]);
    assert!(!unlisted.status.success());
    let err = String::from_utf8_lossy(&unlisted.stderr);
    assert!(err.contains("[recruitment] sources"), "{err}");

    let written: Vec<_> = std::fs::read_dir(dir.path())
        .expect("read dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(written.len(), 2, "nothing written on errors: {written:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_launch_over_telegram_invites_every_family_and_reports_their_answers() {
    let app = spawn_app().await;
    let fake = app.fake.clone();
    coordinators_start(&fake).await;
    let ids: Vec<i64> = (1..=6).map(|i| 760_000_000 + i).collect();
    register_concurrently(&fake, &ids).await;
    wait_for_alerts(&fake, 1).await;

    let mut c = parent_again(&fake, COORD_TILLI);
    let m = c.says("/launch").await;
    assert!(m.text.contains("Minkä ryhmän käynnistät?"), "{}", m.text);
    let m = c.taps(&m, "Tilli Toukka · Hyvinkää (suomi) · 6/5").await;
    assert!(
        m.text.contains("milloin on ensimmäinen tapaaminen?"),
        "{}",
        m.text
    );
    let m = c.says("15.3. klo 17").await;
    assert!(m.text.contains("Milloin tapaaminen päättyy?"), "{}", m.text);
    let m = c.says("18.30").await;
    assert!(m.text.contains("Missä tapaaminen on?"), "{}", m.text);
    let m = c.says("Pikku-Veturi").await;
    assert!(
        m.text.contains("Käynnistetäänkö Tilli Toukka"),
        "{}",
        m.text
    );
    assert!(m.text.contains("Kutsu lähtee 6 perheelle"), "{}", m.text);
    let m = c.taps(&m, "Lähetä kutsut").await;
    assert!(m.text.contains("Kutsut lähtevät"), "{}", m.text);

    let invited = fake
        .wait_until(WAIT, |f| {
            ids.iter().all(|id| {
                sends_to(f, *id)
                    .iter()
                    .any(|m| m.text.starts_with("Viesti ilmoittautumisestasi"))
            })
        })
        .await;
    assert!(invited, "{:#?}", fake.sent());
    let mut invitations = Vec::new();
    for id in &ids {
        let inv = sends_to(&fake, *id)
            .into_iter()
            .find(|m| m.text.starts_with("Viesti ilmoittautumisestasi"))
            .expect("an invitation");
        assert!(
            inv.text.contains(
                "Tilli Toukka voi alkaa! Ensimmäinen tapaaminen on 15.3.2027 klo 17, Pikku-Veturi."
            ),
            "{}",
            inv.text
        );
        assert_eq!(inv.labels(), vec!["Kyllä, tulemme", "Ei tällä kertaa"]);
        invitations.push(inv);
    }

    let mut yes = parent_again(&fake, ids[0]);
    let m = yes.taps(&invitations[0], "Kyllä, tulemme").await;
    assert!(
        m.text
            .contains("Ihanaa! Nähdään 15.3.2027 klo 17, Pikku-Veturi."),
        "{}",
        m.text
    );
    let mut no = parent_again(&fake, ids[1]);
    let m = no.taps(&invitations[1], "Ei tällä kertaa").await;
    assert!(m.text.contains("Olet yhä jonossa"), "{}", m.text);

    let answered = |f: &FakeTelegram| {
        sends_to(f, COORD_TILLI)
            .into_iter()
            .filter(|m| m.text.contains("Varattuja paikkoja"))
            .collect::<Vec<_>>()
    };
    let arrived = fake.wait_until(WAIT, |f| answered(f).len() >= 2).await;
    assert!(arrived, "{:#?}", fake.sent());
    round_trip(&mut yes).await;
    let answers = answered(&fake);
    assert_eq!(answers.len(), 2, "{answers:#?}");
    let who = |id: i64| format!("Maija (@maija{id})");
    assert!(
        answers[0].text.contains(&format!(
            "Tilli Toukka, Hyvinkää (suomi): {} tulee mukaan (1 lapsi). Varattuja paikkoja 1/8.",
            who(ids[0])
        )),
        "{}",
        answers[0].text
    );
    assert!(
        answers[1].text.contains(&format!(
            "{} ei pääse tällä kertaa (1 lapsi). Varattuja paikkoja 1/8.",
            who(ids[1])
        )),
        "{}",
        answers[1].text
    );
    assert!(
        sends_to(&fake, COORD_ALL)
            .iter()
            .all(|m| !m.text.contains("Varattuja paikkoja")),
        "answers go to the coordinator who launched"
    );
    assert_no_invalid_requests(&fake);
}
