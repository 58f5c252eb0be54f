//! Self-tests of the fake Bot API server: real teloxide requests round-trip
//! against it and get exactly the errors the real Telegram would produce.
use std::time::{Duration, Instant};

use crate::fake_telegram::{FakeTelegram, FakeUser};
use serde_json::json;
use teloxide::payloads::setters::*;
use teloxide::prelude::*;
use teloxide::types::{
    BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, MessageEntityKind,
    MessageId, ParseMode, Recipient, UpdateKind,
};
use teloxide::{ApiError, RequestError};

const T: Duration = Duration::from_secs(5);

async fn setup() -> (FakeTelegram, Bot, FakeUser) {
    let tg = FakeTelegram::start().await;
    let bot = Bot::new(FakeTelegram::TOKEN).set_api_url(tg.api_url().parse().expect("url"));
    let user = FakeUser::new(1001, "Anna", "en");
    tg.send_text(&user, "hello");
    (tg, bot, user)
}

fn kb(rows: Vec<Vec<InlineKeyboardButton>>) -> InlineKeyboardMarkup {
    InlineKeyboardMarkup::new(rows)
}

fn api_err<T: std::fmt::Debug>(r: Result<T, RequestError>) -> ApiError {
    match r {
        Err(RequestError::Api(e)) => e,
        other => panic!("expected an API error, got {other:?}"),
    }
}

/// Sends a raw HTTP request (teloxide's reqwest client) and returns (status, JSON body).
macro_rules! raw {
    ($req:expr) => {{
        let resp = $req.send().await.expect("http");
        let code = resp.status().as_u16();
        let body: serde_json::Value = serde_json::from_str(&resp.text().await.unwrap()).unwrap();
        (code, body)
    }};
}

#[tokio::test]
async fn get_me_and_webhook_info() {
    let (tg, bot, _) = setup().await;
    let me = bot.get_me().await.unwrap();
    assert_eq!(me.username(), FakeTelegram::BOT_USERNAME);
    assert_eq!(me.id.0, FakeTelegram::BOT_ID);
    assert!(me.is_bot && me.can_join_groups);
    let info = bot.get_webhook_info().await.unwrap();
    assert!(info.url.is_none());
    bot.delete_webhook().await.unwrap();
    assert!(tg.rejected().is_empty());
}

#[tokio::test]
async fn wrong_token_is_unauthorized() {
    let (tg, _, _) = setup().await;
    let bot = Bot::new("42:WRONG").set_api_url(tg.api_url().parse().expect("url"));
    assert_eq!(api_err(bot.get_me().await), ApiError::InvalidToken);
}

#[tokio::test]
async fn protocol_details_get_form_unknown_method() {
    let (tg, _, user) = setup().await;
    let c = teloxide::net::client_from_env();
    let base = format!("{}/bot{}", tg.api_url(), FakeTelegram::TOKEN);
    let (code, body) = raw!(c.get(format!("{base}/getme")));
    assert_eq!((code, body["ok"].clone()), (200, json!(true)));
    let (code, body) = raw!(c.get(format!(
        "{base}/sendMessage?chat_id={}&text=via%20GET",
        user.id
    )));
    assert_eq!(code, 200, "{body}");
    assert_eq!(body["result"]["text"], "via GET");
    let (code, body) = raw!(c
        .post(format!("{base}/SENDMESSAGE"))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(format!("chat_id={}&text=form+%26+more", user.id)));
    assert_eq!(code, 200, "{body}");
    assert_eq!(tg.messages_to(user.id)[1].text, "form & more");
    let (code, body) = raw!(c.post(format!("{base}/noSuchMethod")));
    assert_eq!(
        (code, body),
        (
            404,
            json!({"ok": false, "error_code": 404, "description": "Not Found"})
        )
    );
    let (code, body) = raw!(c
        .post(format!("{base}/sendMessage"))
        .header("content-type", "application/json")
        .body(json!({"chat_id": "@somebody", "text": "x"}).to_string()));
    assert_eq!(
        (code, body["description"].clone()),
        (400, json!("Bad Request: chat not found"))
    );
}

#[tokio::test]
async fn get_updates_confirms_by_offset_in_push_order() {
    let (tg, bot, user) = setup().await;
    tg.send_text(&user, "/start now");
    let ups = bot.get_updates().await.unwrap();
    assert_eq!(ups.iter().map(|u| u.id.0).collect::<Vec<_>>(), vec![1, 2]);
    let UpdateKind::Message(m) = &ups[1].kind else {
        panic!("{:?}", ups[1])
    };
    assert_eq!(m.text(), Some("/start now"));
    assert_eq!(m.entities().unwrap()[0].kind, MessageEntityKind::BotCommand);
    assert_eq!(m.entities().unwrap()[0].length, 6);
    // Not confirmed yet: delivered again.
    assert_eq!(bot.get_updates().await.unwrap().len(), 2);
    assert_eq!(bot.get_updates().offset(2).await.unwrap().len(), 1);
    assert_eq!((tg.pending_updates(), tg.confirmed_offset()), (1, 2));
    assert!(bot.get_updates().offset(3).await.unwrap().is_empty());
    assert_eq!((tg.pending_updates(), tg.confirmed_offset()), (0, 3));
    // Out-of-order ids keep push order; an offset confirms every id below it.
    tg.push_raw_update(
        json!({"update_id": 10, "message": {"message_id": 50, "date": 0,
        "chat": {"id": 7, "type": "private", "first_name": "X"}, "text": "ten"}}),
    );
    assert_eq!(tg.send_text(&user, "eleven"), 11);
    tg.push_raw_update(
        json!({"update_id": 5, "message": {"message_id": 51, "date": 0,
        "chat": {"id": 7, "type": "private", "first_name": "X"}, "text": "five"}}),
    );
    let ids: Vec<u32> = bot
        .get_updates()
        .offset(3)
        .await
        .unwrap()
        .iter()
        .map(|u| u.id.0)
        .collect();
    assert_eq!(ids, vec![10, 11, 5]);
    let ids: Vec<u32> = bot
        .get_updates()
        .offset(6)
        .limit(1)
        .await
        .unwrap()
        .iter()
        .map(|u| u.id.0)
        .collect();
    assert_eq!(ids, vec![10]);
    assert_eq!(tg.pending_updates(), 2);
    assert_eq!(tg.get_updates_calls(), 6);
}

#[tokio::test]
async fn long_poll_wakes_on_push_and_times_out() {
    let (tg, bot, user) = setup().await;
    bot.get_updates().offset(2).await.unwrap();
    let started = Instant::now();
    let poll = tokio::spawn({
        let bot = bot.clone();
        async move { bot.get_updates().offset(2).timeout(10).await }
    });
    assert!(tg.wait_until(T, |t| t.polls_in_flight() == 1).await);
    tg.send_text(&user, "wake up");
    let ups = poll.await.unwrap().unwrap();
    assert_eq!(ups.len(), 1);
    assert!(
        started.elapsed() < Duration::from_secs(2),
        "{:?}",
        started.elapsed()
    );
    let started = Instant::now();
    assert!(bot
        .get_updates()
        .offset(3)
        .timeout(1)
        .await
        .unwrap()
        .is_empty());
    assert!(started.elapsed() >= Duration::from_millis(900));
}

#[tokio::test]
async fn second_poller_terminates_the_first() {
    let (tg, bot, _) = setup().await;
    let first = tokio::spawn({
        let bot = bot.clone();
        async move { bot.get_updates().offset(2).timeout(5).await }
    });
    assert!(tg.wait_until(T, |t| t.polls_in_flight() == 1).await);
    assert!(bot.get_updates().offset(2).await.unwrap().is_empty());
    assert_eq!(
        api_err(first.await.unwrap()),
        ApiError::TerminatedByOtherGetUpdates
    );
}

#[tokio::test]
async fn dropped_client_request_ends_the_long_poll() {
    let (tg, bot, _) = setup().await;
    let poll = tokio::spawn(async move { bot.get_updates().offset(2).timeout(20).await });
    assert!(tg.wait_until(T, |t| t.polls_in_flight() == 1).await);
    poll.abort();
    assert!(
        tg.wait_until(T, |t| t.polls_in_flight() == 0).await,
        "server kept the poll of a gone client"
    );
}

#[tokio::test]
async fn send_message_with_html_and_keyboard() {
    let (tg, bot, user) = setup().await;
    let html = "<b>Hi</b> <a href=\"https://example.org/?a=1&amp;b=2\">link</a> &lt;3 &#x1F600; caf&#233;\n<pre><code class=\"language-rust\">fn</code></pre>";
    let msg = bot
        .send_message(user.id.to_string(), html)
        .parse_mode(ParseMode::Html)
        .reply_markup(kb(vec![
            vec![
                InlineKeyboardButton::callback("Join 👍", "join:1"),
                InlineKeyboardButton::callback("Leave", "leave:1"),
            ],
            vec![InlineKeyboardButton::url(
                "Site",
                "https://example.org".parse().expect("url"),
            )],
        ]))
        .await
        .unwrap();
    let text = "Hi link <3 😀 café\nfn";
    assert_eq!(msg.text(), Some(text));
    assert_eq!(
        msg.id.0, 2,
        "message ids are shared with the user's message"
    );
    let kinds: Vec<_> = msg
        .entities()
        .unwrap()
        .iter()
        .map(|e| (e.kind.clone(), e.offset, e.length))
        .collect();
    assert_eq!(kinds[0], (MessageEntityKind::Bold, 0, 2));
    assert!(
        matches!(&kinds[1].0, MessageEntityKind::TextLink { url } if url.as_str() == "https://example.org/?a=1&b=2")
    );
    assert_eq!(
        kinds[2],
        (
            MessageEntityKind::Pre {
                language: Some("rust".into())
            },
            19,
            2
        )
    );
    assert_eq!(msg.reply_markup().unwrap().inline_keyboard.len(), 2);
    let sent = tg.wait_for(user.id, 1, T).await;
    assert_eq!((sent[0].text.as_str(), sent[0].html.as_str()), (text, html));
    assert_eq!(sent[0].button("Join"), Some("join:1".to_string()));
    assert_eq!(
        sent[0].button("Site"),
        Some("https://example.org/".to_string())
    );
    assert_eq!(sent[0].labels(), vec!["Join 👍", "Leave", "Site"]);
    assert!(tg.rejected().is_empty());
}

#[tokio::test]
async fn invalid_html_is_cant_parse_entities() {
    let (tg, bot, user) = setup().await;
    let cases = [
        (
            "Hello <foo>x</foo>",
            "Unsupported start tag \"foo\" at byte offset 6",
        ),
        (
            "<b>bold",
            "Can't find end tag corresponding to start tag \"b\"",
        ),
        (
            "<b><i>x</b></i>",
            "Unmatched end tag at byte offset 7, expected \"</i>\", found \"</b>\"",
        ),
        ("1 < 2", "Unsupported start tag \"\" at byte offset 2"),
        ("a <br> b", "Unsupported start tag \"br\" at byte offset 2"),
        ("x</b>", "Unexpected end tag at byte offset 1"),
        ("Tom & Jerry", "Unescaped \"&\" at byte offset 4"),
        ("&nbsp;", "Unescaped \"&\" at byte offset 0"),
        (
            "<span>x</span>",
            "Tag \"span\" must have class \"tg-spoiler\" at byte offset 0",
        ),
        ("ends with <b", "Unclosed start tag at byte offset 10"),
    ];
    for (html, tail) in cases {
        let e = api_err(
            bot.send_message(ChatId(user.id), html)
                .parse_mode(ParseMode::Html)
                .await,
        );
        match e {
            ApiError::CantParseEntities(s) => {
                assert!(
                    s.starts_with(&format!("Bad Request: can't parse entities: {tail}")),
                    "{html}: {s}"
                )
            }
            other => panic!("{html}: {other:?}"),
        }
    }
    assert_eq!(tg.rejected().len(), cases.len());
    assert!(tg.sent().is_empty());
    // The same text without parse_mode is fine.
    bot.send_message(ChatId(user.id), "1 < 2 & <foo>")
        .await
        .unwrap();
    bot.send_message(
        ChatId(user.id),
        "<blockquote expandable>q</blockquote><span class=\"tg-spoiler\">s</span>",
    )
    .parse_mode(ParseMode::Html)
    .await
    .unwrap();
}

#[tokio::test]
async fn length_is_checked_after_parsing_in_utf16() {
    let (tg, bot, user) = setup().await;
    let chat = ChatId(user.id);
    let e = api_err(bot.send_message(chat, "x".repeat(4097)).await);
    assert_eq!(e, ApiError::MessageIsTooLong);
    bot.send_message(chat, "x".repeat(4096)).await.unwrap();
    bot.send_message(chat, format!("<b>{}</b>", "y".repeat(4096)))
        .parse_mode(ParseMode::Html)
        .await
        .unwrap();
    bot.send_message(chat, "&amp;".repeat(4096))
        .parse_mode(ParseMode::Html)
        .await
        .unwrap();
    bot.send_message(chat, "😀".repeat(2048)).await.unwrap();
    assert_eq!(
        api_err(bot.send_message(chat, "😀".repeat(2049)).await),
        ApiError::MessageIsTooLong
    );
    assert_eq!(
        api_err(bot.send_message(chat, " \n ").await),
        ApiError::MessageTextIsEmpty
    );
    let e = api_err(
        bot.send_message(chat, "<b></b>")
            .parse_mode(ParseMode::Html)
            .await,
    );
    assert_eq!(e, ApiError::MessageTextIsEmpty);
    assert_eq!(tg.messages_to(user.id).len(), 4);
}

#[tokio::test]
async fn keyboard_validation() {
    let (_tg, bot, user) = setup().await;
    let chat = ChatId(user.id);
    let send =
        |b: InlineKeyboardButton| bot.send_message(chat, "k").reply_markup(kb(vec![vec![b]]));
    assert_eq!(
        api_err(send(InlineKeyboardButton::callback("x", "d".repeat(65))).await),
        ApiError::ButtonDataInvalid
    );
    assert_eq!(
        api_err(send(InlineKeyboardButton::callback("x", "é".repeat(33))).await),
        ApiError::ButtonDataInvalid
    );
    send(InlineKeyboardButton::callback("x", "d".repeat(64)))
        .await
        .unwrap();
    let e = api_err(send(InlineKeyboardButton::callback("x", "")).await);
    assert_eq!(e, ApiError::TextButtonsAreUnallowed);
    let e = api_err(send(InlineKeyboardButton::callback("", "data")).await);
    assert!(
        matches!(e, ApiError::Unknown(ref s) if s.contains("text must be non-empty")),
        "{e:?}"
    );
}

#[tokio::test]
async fn edits_and_not_modified() {
    let (tg, bot, user) = setup().await;
    let chat = ChatId(user.id);
    let markup = kb(vec![vec![InlineKeyboardButton::callback("A", "a")]]);
    let m = bot
        .send_message(chat, "<b>v1</b>")
        .parse_mode(ParseMode::Html)
        .reply_markup(markup.clone())
        .await
        .unwrap();
    let e = api_err(
        bot.edit_message_text(chat, m.id, "<b>v1</b>")
            .parse_mode(ParseMode::Html)
            .reply_markup(markup.clone())
            .await,
    );
    assert_eq!(e, ApiError::MessageNotModified);
    // Same plain text but without the bold entity is a modification; so is dropping the keyboard.
    bot.edit_message_text(chat, m.id, "v1")
        .reply_markup(markup.clone())
        .await
        .unwrap();
    let edited = bot.edit_message_text(chat, m.id, "v1").await.unwrap();
    assert!(edited.reply_markup().is_none());
    assert_eq!(
        api_err(bot.edit_message_reply_markup(chat, m.id).await),
        ApiError::MessageNotModified
    );
    bot.edit_message_reply_markup(chat, m.id)
        .reply_markup(markup)
        .await
        .unwrap();
    assert_eq!(
        api_err(bot.edit_message_text(chat, MessageId(999), "x").await),
        ApiError::MessageToEditNotFound
    );
    assert_eq!(
        api_err(bot.edit_message_text(chat, MessageId(1), "x").await),
        ApiError::MessageCantBeEdited
    );
    assert_eq!(
        api_err(bot.edit_message_text(chat, m.id, "z".repeat(4097)).await),
        ApiError::EditedMessageIsTooLong
    );
    let all = tg.messages_to(user.id);
    assert_eq!(
        all.iter().map(|s| s.method.as_str()).collect::<Vec<_>>(),
        [
            "sendMessage",
            "editMessageText",
            "editMessageText",
            "editMessageReplyMarkup"
        ]
    );
    assert_eq!(
        tg.current(user.id, m.id.0.into()).unwrap().button("A"),
        Some("a".into())
    );
    bot.delete_message(chat, m.id).await.unwrap();
    assert_eq!(
        api_err(bot.delete_message(chat, m.id).await),
        ApiError::MessageToDeleteNotFound
    );
    assert_eq!(tg.deleted(), vec![(user.id, i64::from(m.id.0))]);
}

#[tokio::test]
async fn callback_queries_round_trip_and_expire() {
    let (tg, bot, user) = setup().await;
    let chat = ChatId(user.id);
    let m = bot
        .send_message(chat, "pick")
        .reply_markup(kb(vec![vec![InlineKeyboardButton::callback("Yes", "yes")]]))
        .await
        .unwrap();
    tg.press_button(&user, m.id.0.into(), "yes");
    let ups = bot.get_updates().await.unwrap();
    let UpdateKind::CallbackQuery(q) = &ups.last().unwrap().kind else {
        panic!("{ups:?}")
    };
    assert_eq!(q.data.as_deref(), Some("yes"));
    assert_eq!(q.regular_message().unwrap().id, m.id);
    assert_eq!(q.regular_message().unwrap().text(), Some("pick"));
    bot.answer_callback_query(q.id.clone())
        .text("ok")
        .await
        .unwrap();
    assert_eq!(tg.answered_callbacks(), 1);
    // Answering twice, an unknown id, and an expired query all fail like on Telegram.
    // NB: the real text says "query ID is invalid"; teloxide 0.13 expects "query id" and
    // therefore yields ApiError::Unknown, exactly as it would in production.
    let too_old =
        "Bad Request: query is too old and response timeout expired or query ID is invalid";
    let e = api_err(bot.answer_callback_query(q.id.clone()).await);
    assert_eq!(e, ApiError::Unknown(too_old.into()));
    let e = api_err(
        bot.answer_callback_query(teloxide::types::CallbackQueryId("nope".into()))
            .await,
    );
    assert_eq!(e, ApiError::Unknown(too_old.into()));
    tg.press_button(&user, m.id.0.into(), "yes");
    tg.advance_clock(Duration::from_secs(16));
    let ups = bot
        .get_updates()
        .offset(ups.last().unwrap().id.as_offset())
        .await
        .unwrap();
    let UpdateKind::CallbackQuery(q2) = &ups[0].kind else {
        panic!()
    };
    assert_eq!(
        api_err(bot.answer_callback_query(q2.id.clone()).await),
        ApiError::Unknown(too_old.into())
    );
    assert_eq!(tg.answered_callbacks(), 1);
}

#[tokio::test]
async fn set_my_commands_validation_and_record() {
    let (tg, bot, _) = setup().await;
    let cmd = |c: &str, d: &str| BotCommand::new(c, d);
    bot.set_my_commands([cmd("start", "Start"), cmd("help", "Help")])
        .await
        .unwrap();
    bot.set_my_commands([cmd("start", "Aloita")])
        .language_code("fi")
        .await
        .unwrap();
    bot.set_my_commands([cmd("start", "Begin")]).await.unwrap();
    assert_eq!(
        tg.commands(),
        vec![
            (None, vec![("start".into(), "Begin".into())]),
            (Some("fi".into()), vec![("start".into(), "Aloita".into())]),
        ]
    );
    let got = bot.get_my_commands().language_code("fi").await.unwrap();
    assert_eq!(got, vec![cmd("start", "Aloita")]);
    let bad =
        |e: ApiError, text: &str| assert_eq!(e, ApiError::Unknown(format!("Bad Request: {text}")));
    bad(
        api_err(bot.set_my_commands([cmd("Start", "x")]).await),
        "BOT_COMMAND_INVALID",
    );
    bad(
        api_err(bot.set_my_commands([cmd("my-cmd", "x")]).await),
        "BOT_COMMAND_INVALID",
    );
    bad(
        api_err(bot.set_my_commands([cmd(&"a".repeat(33), "x")]).await),
        "command length must not exceed 32",
    );
    bad(
        api_err(bot.set_my_commands([cmd("ok", "")]).await),
        "command description must be non-empty",
    );
    bad(
        api_err(bot.set_my_commands([cmd("ok", &"d".repeat(257))]).await),
        "command description length must not exceed 256",
    );
    bad(
        api_err(
            bot.set_my_commands([cmd("ok", "d")])
                .language_code("fin")
                .await,
        ),
        "invalid language code specified",
    );
    bot.delete_my_commands().language_code("fi").await.unwrap();
    assert_eq!(tg.commands().len(), 1);
}

#[tokio::test]
async fn send_document_and_photo_multipart() {
    let (tg, bot, user) = setup().await;
    let chat = ChatId(user.id);
    let csv = b"name,count\nanna,1\n".to_vec();
    let m = bot
        .send_document(chat, InputFile::memory(csv.clone()).file_name("report.csv"))
        .caption("<b>Report</b> &amp; data")
        .parse_mode(ParseMode::Html)
        .reply_markup(kb(vec![vec![InlineKeyboardButton::callback(
            "Again", "again",
        )]]))
        .await
        .unwrap();
    let doc = m.document().unwrap();
    assert_eq!(doc.file_name.as_deref(), Some("report.csv"));
    assert_eq!(doc.file.size as usize, csv.len());
    assert_eq!(m.caption(), Some("Report & data"));
    let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
    let p = bot
        .send_photo(chat, InputFile::memory(png.clone()))
        .await
        .unwrap();
    assert!(!p.photo().unwrap().is_empty());
    let sent = tg.wait_for(user.id, 2, T).await;
    assert_eq!(
        (sent[0].method.as_str(), sent[0].file_name.as_deref()),
        ("sendDocument", Some("report.csv"))
    );
    assert_eq!(sent[0].file_bytes.as_deref(), Some(&csv[..]));
    assert_eq!(
        (sent[0].text.as_str(), sent[0].button("Again")),
        ("Report & data", Some("again".into()))
    );
    assert_eq!(
        (sent[1].method.as_str(), sent[1].file_bytes.as_deref()),
        ("sendPhoto", Some(&png[..]))
    );
    let e = api_err(
        bot.send_photo(chat, InputFile::memory(b"not an image".to_vec()))
            .await,
    );
    assert_eq!(e, ApiError::ImageProcessFailed);
    let e = api_err(
        bot.send_document(chat, InputFile::memory(vec![1u8]))
            .caption("c".repeat(1025))
            .await,
    );
    assert_eq!(
        e,
        ApiError::Unknown("Bad Request: message caption is too long".into())
    );
    // By file_id: no upload, no bytes.
    bot.send_document(chat, InputFile::file_id(doc.file.id.clone()))
        .await
        .unwrap();
    assert_eq!(tg.sent()[2].file_bytes, None);
}

#[tokio::test]
async fn unknown_chats_blocked_users_and_flood_limits() {
    let (tg, bot, user) = setup().await;
    assert_eq!(
        api_err(bot.send_message(ChatId(555), "hi").await),
        ApiError::ChatNotFound
    );
    let e = api_err(
        bot.send_message(Recipient::ChannelUsername("@nobody".into()), "hi")
            .await,
    );
    assert_eq!(e, ApiError::ChatNotFound);
    tg.set_limits(Some(1), None);
    bot.send_message(ChatId(user.id), "one").await.unwrap();
    match bot.send_message(ChatId(user.id), "two").await {
        Err(RequestError::RetryAfter(s)) => assert_eq!(s.seconds(), 1),
        other => panic!("{other:?}"),
    }
    assert_eq!(
        tg.rejected().last().unwrap().description,
        "Too Many Requests: retry after 1"
    );
    tg.set_limits(None, None);
    tg.block_user(user.id);
    assert_eq!(
        api_err(bot.send_message(ChatId(user.id), "three").await),
        ApiError::BotBlocked
    );
    tg.fail_next("SendMessage", 400, "Bad Request: chat not found", 1);
    tg.unblock_user(user.id);
    assert_eq!(
        api_err(bot.send_message(ChatId(user.id), "four").await),
        ApiError::ChatNotFound
    );
    bot.send_message(ChatId(user.id), "five").await.unwrap();
    assert_eq!(
        tg.invalid_requests().len(),
        2,
        "{:#?}",
        tg.invalid_requests()
    );
    assert_eq!(tg.rejected().len(), 5);
    // A user seen only in a group never started the bot.
    let stranger = FakeUser::new(2002, "Bo", "fi");
    tg.send_group_text(&stranger, -100, "hi all");
    let e = api_err(bot.send_message(ChatId(stranger.id), "hi").await);
    assert_eq!(
        e,
        ApiError::Unknown("Forbidden: bot can't initiate conversation with a user".into())
    );
    bot.send_message(ChatId(-100), "hello group").await.unwrap();
}

#[tokio::test]
async fn all_update_kinds_deserialize_in_teloxide() {
    let (tg, bot, user) = setup().await;
    tg.send_sticker(&user);
    tg.send_photo(&user);
    tg.add_bot_to_group(&user, -4001);
    tg.send_group_text(&user, -4001, "/join@kokoon_test_bot now");
    let m = bot
        .send_message(ChatId(user.id), "q")
        .reply_markup(kb(vec![vec![InlineKeyboardButton::callback("b", "b")]]))
        .await
        .unwrap();
    tg.press_button(&user, m.id.0.into(), "b");
    let ups = bot.get_updates().await.unwrap();
    assert_eq!(ups.len(), 6);
    for u in &ups {
        assert!(!matches!(u.kind, UpdateKind::Error(_)), "{u:?}");
    }
    let UpdateKind::Message(s) = &ups[1].kind else {
        panic!()
    };
    assert!(s.sticker().is_some());
    let UpdateKind::Message(p) = &ups[2].kind else {
        panic!()
    };
    assert!(p.photo().is_some());
    let UpdateKind::MyChatMember(c) = &ups[3].kind else {
        panic!()
    };
    assert!(c.chat.is_group() && c.new_chat_member.is_present() && !c.old_chat_member.is_present());
    let UpdateKind::Message(g) = &ups[4].kind else {
        panic!()
    };
    assert_eq!((g.chat.id.0, g.entities().unwrap()[0].length), (-4001, 21));
    assert!(matches!(ups[5].kind, UpdateKind::CallbackQuery(_)));
}

#[tokio::test]
async fn real_dispatcher_end_to_end() {
    let (tg, bot, user) = setup().await;
    let handler = dptree::entry()
        .branch(
            Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
                let text = format!("echo: <i>{}</i>", msg.text().unwrap_or("?"));
                bot.send_message(msg.chat.id, text)
                    .parse_mode(ParseMode::Html)
                    .reply_markup(InlineKeyboardMarkup::new(vec![vec![
                        InlineKeyboardButton::callback("Press", "p"),
                    ]]))
                    .await?;
                respond(())
            }),
        )
        .branch(Update::filter_callback_query().endpoint(
            |bot: Bot, q: CallbackQuery| async move {
                bot.answer_callback_query(q.id.clone()).await?;
                if let Some(m) = q.regular_message() {
                    bot.edit_message_text(m.chat.id, m.id, "pressed").await?;
                }
                respond(())
            },
        ));
    let mut dispatcher = Dispatcher::builder(bot, handler).build();
    let token = dispatcher.shutdown_token();
    let running = tokio::spawn(async move { dispatcher.dispatch().await });
    let sent = tg.wait_for(user.id, 1, T).await;
    assert_eq!(sent[0].text, "echo: hello");
    tg.press_button(&user, sent[0].message_id, &sent[0].button("Press").unwrap());
    assert!(
        tg.wait_until(T, |t| t.messages_to(user.id).last().unwrap().text
            == "pressed")
            .await
    );
    tg.send_text(&user, "again");
    tg.wait_for(user.id, 2, T).await;
    assert!(tg.wait_until(T, |t| t.polls_in_flight() == 1).await);
    token.shutdown().unwrap().await;
    running.await.unwrap();
    assert_eq!(tg.answered_callbacks(), 1);
    assert_eq!(
        tg.pending_updates(),
        0,
        "graceful shutdown confirms the last offset"
    );
    assert!(tg.rejected().is_empty(), "{:#?}", tg.rejected());
}

#[tokio::test]
async fn raw_multipart_with_direct_file_part() {
    let (tg, _, user) = setup().await;
    let boundary = "XyZ123";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n{}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nplain\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"reply_markup\"\r\n\r\n\
         {{\"inline_keyboard\":[[{{\"text\":\"Go\",\"callback_data\":\"go\"}}]]}}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"a.txt\"\r\n\
         Content-Type: text/plain\r\n\r\nhello file\r\n--{boundary}--\r\n",
        user.id
    );
    let url = format!("{}/bot{}/sendDocument", tg.api_url(), FakeTelegram::TOKEN);
    let (code, resp) = raw!(teloxide::net::client_from_env()
        .post(url)
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}")
        )
        .body(body));
    assert_eq!(code, 200, "{resp}");
    assert_eq!(resp["result"]["document"]["file_name"], "a.txt");
    let sent = &tg.sent()[0];
    assert_eq!(
        (sent.file_name.as_deref(), sent.file_bytes.as_deref()),
        (Some("a.txt"), Some(&b"hello file"[..]))
    );
    assert_eq!(
        (sent.text.as_str(), sent.button("Go")),
        ("plain", Some("go".into()))
    );
}

#[tokio::test]
async fn text_upload_without_file_name_via_teloxide() {
    let (tg, bot, user) = setup().await;
    let m = bot
        .send_document(ChatId(user.id), InputFile::memory(b"just text".to_vec()))
        .await
        .unwrap();
    assert!(m.document().unwrap().file_name.is_none());
    assert_eq!(tg.sent()[0].file_bytes.as_deref(), Some(&b"just text"[..]));
}

#[tokio::test]
async fn global_limit_injected_429_and_delay() {
    let (tg, bot, user) = setup().await;
    let other = FakeUser::new(1002, "Ville", "fi");
    tg.send_text(&other, "hi");
    tg.set_limits(None, Some(2));
    bot.send_message(ChatId(user.id), "1").await.unwrap();
    bot.send_message(ChatId(other.id), "2").await.unwrap();
    assert!(matches!(
        bot.send_message(ChatId(other.id), "3").await,
        Err(RequestError::RetryAfter(_))
    ));
    tg.advance_clock(Duration::from_millis(1100));
    bot.send_message(ChatId(other.id), "3").await.unwrap();
    tg.set_limits(Some(0), None);
    assert!(matches!(
        bot.send_message(ChatId(other.id), "4").await,
        Err(RequestError::RetryAfter(_))
    ));
    tg.set_limits(None, None);
    tg.fail_next("sendMessage", 429, "Too Many Requests: retry after 7", 1);
    match bot.send_message(ChatId(user.id), "x").await {
        Err(RequestError::RetryAfter(s)) => assert_eq!(s.seconds(), 7),
        other => panic!("{other:?}"),
    }
    tg.set_delay(Duration::from_millis(300));
    let started = Instant::now();
    bot.get_me().await.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert!(
        tg.invalid_requests().is_empty(),
        "{:#?}",
        tg.invalid_requests()
    );
}

#[tokio::test]
async fn server_stops_when_dropped() {
    let (tg, _, _) = setup().await;
    let url = tg.api_url();
    drop(tg);
    let bot = Bot::new(FakeTelegram::TOKEN).set_api_url(url.parse().expect("url"));
    // The server stops in the background: ask until it is gone (a connection refused).
    let deadline = Instant::now() + T;
    while !matches!(bot.get_me().await, Err(RequestError::Network(_))) {
        assert!(Instant::now() < deadline, "the server still answers");
        tokio::task::yield_now().await;
    }
}

#[tokio::test]
async fn raw_callback_query_registers_private_chat() {
    let (tg, bot, _) = setup().await;
    tg.push_raw_update(json!({"callback_query": {"id": "x1", "chat_instance": "c",
        "from": {"id": 3003, "is_bot": false, "first_name": "R"},
        "message": {"message_id": 9, "date": 0, "chat": {"id": 3003, "type": "private", "first_name": "R"}, "text": "t"}}}));
    bot.send_message(ChatId(3003), "reachable").await.unwrap();
    // A raw message keeps its id in its chat: the bot's next message gets a fresh one.
    assert_eq!(tg.sent()[0].message_id, 10);
    // ...and a raw callback's message is the bot's own, so it can be edited.
    bot.edit_message_text(ChatId(3003), MessageId(9), "edited")
        .await
        .unwrap();
}

#[tokio::test]
async fn observers_see_requests_messages_and_rejections_in_order() {
    let tg = FakeTelegram::start().await;
    let bot = Bot::new(FakeTelegram::TOKEN).set_api_url(tg.api_url().parse().expect("url"));
    let mut seen = tg.observe();
    let known = FakeUser::new(2001, "Bea", "fi");
    tg.add_private_chat(&known);
    assert_eq!(
        tg.pending_updates(),
        0,
        "a chat added this way queues nothing"
    );
    bot.send_message(ChatId(known.id), "hei").await.unwrap();
    let err = bot.send_message(ChatId(2002), "kuka?").await;
    assert_eq!(api_err(err), ApiError::ChatNotFound);
    let mut what = Vec::new();
    while let Ok(s) = seen.try_recv() {
        what.push(match s.what {
            crate::fake_telegram::Observed::Request(m) => format!("request {m}"),
            crate::fake_telegram::Observed::Accepted(m) => format!("accepted {}", m.text),
            crate::fake_telegram::Observed::Rejected(r) => format!("rejected {}", r.error_code),
        });
    }
    assert_eq!(
        what,
        [
            "request sendMessage",
            "accepted hei",
            "request sendMessage",
            "rejected 400"
        ]
    );
}

/// As Telegram does, the fake delivers to a webhook set with setWebhook (with the secret in
/// `X-Telegram-Bot-Api-Secret-Token`), one chat's updates in order, and delivers an update
/// again until it is answered 200: after a 500, and after a connection that gave no answer.
/// getUpdates is refused while the webhook is set; deleteWebhook goes back to polling.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_webhook_is_delivered_to_until_it_answers_200_and_polling_waits_for_delete() {
    use axum::http::{HeaderMap, StatusCode};
    use std::sync::{Arc, Mutex};
    let (tg, bot, user) = setup().await;
    // The bot's listener: the first delivery gets a 500, the second no answer at all (the
    // connection is dropped), the rest a 200; what came, with its secret, is kept.
    /// (update id, the secret header) of every delivery.
    type Seen = Arc<Mutex<Vec<(i64, Option<String>)>>>;
    let seen: Seen = Arc::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let addr = listener.local_addr().expect("addr");
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post({
            let seen = seen.clone();
            move |headers: HeaderMap, body: String| {
                let seen = seen.clone();
                async move {
                    let update: serde_json::Value = serde_json::from_str(&body).expect("json");
                    let secret = headers
                        .get("x-telegram-bot-api-secret-token")
                        .and_then(|v| v.to_str().ok())
                        .map(str::to_owned);
                    let n = {
                        let mut s = seen.lock().expect("lock");
                        s.push((update["update_id"].as_i64().unwrap_or(0), secret));
                        s.len()
                    };
                    match n {
                        1 => axum::response::Response::builder()
                            .status(StatusCode::INTERNAL_SERVER_ERROR)
                            .body(axum::body::Body::empty())
                            .expect("response"),
                        2 => axum::response::Response::new(axum::body::Body::from_stream(
                            futures_util::stream::once(async {
                                Err::<Vec<u8>, std::io::Error>(std::io::Error::other("dropped"))
                            }),
                        )),
                        _ => axum::response::Response::new(axum::body::Body::empty()),
                    }
                }
            }
        }),
    );
    tokio::spawn(async move { axum::serve(listener, app).await });

    // An update is already waiting (from setup); one more of the same chat after it.
    let first = tg.last_update_id();
    let second = tg.send_text(&user, "again");
    bot.set_webhook(format!("http://{addr}/hook").parse().expect("url"))
        .secret_token("s3cret")
        .await
        .expect("setWebhook");
    assert_eq!(tg.webhook_url(), Some(format!("http://{addr}/hook")));
    let err = api_err(bot.get_updates().await);
    assert!(
        matches!(&err, ApiError::CantGetUpdates)
            || matches!(&err, ApiError::Unknown(d) if d.contains("webhook is active")),
        "{err:?}"
    );
    assert!(tg.wait_until(T, |t| t.pending_updates() == 0).await);
    let seen = seen.lock().expect("lock").clone();
    let ids: Vec<i64> = seen.iter().map(|(id, _)| *id).collect();
    assert_eq!(
        ids,
        vec![first, first, first, second],
        "in order, again until 200"
    );
    assert!(seen.iter().all(|(_, s)| s.as_deref() == Some("s3cret")));
    let statuses: Vec<u16> = tg.deliveries().iter().map(|(_, s)| *s).collect();
    assert_eq!(statuses, vec![500, 0, 200, 200]);

    bot.delete_webhook().await.expect("deleteWebhook");
    assert_eq!(tg.webhook_url(), None);
    tg.send_text(&user, "polling again");
    let updates = bot.get_updates().await.expect("getUpdates");
    assert_eq!(updates.len(), 1);
}
