//! Sending rendered replies: splitting long texts, editing in place, and coping with Telegram's
//! answers (429 retry-after, "message is not modified", a message too old to edit, 5xx and
//! broken connections).
//!
//! Messages are posted with the bot's own HTTP client rather than through teloxide's request
//! types: teloxide sleeps ten seconds after any 5xx answer before it even reads it, which made
//! one transient server error cost a parent ten seconds. Here a 5xx or a broken connection is
//! retried after half a second, then a second ([`QUICK_TRIES`]); past that the caller keeps
//! the reply and tries again later, backing off further ([`super::queue::backoff`]).

use super::queue::backoff;
use super::Api;
use crate::files::{File, FileKind};
use crate::i18n::Rendered;
use serde::de::{DeserializeOwned, IgnoredAny};
use serde::Serialize;
use teloxide::payloads::{
    EditMessageText, EditMessageTextSetters, SendMessage, SendMessageSetters,
};
use teloxide::prelude::*;
use teloxide::requests::Payload;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, MessageId, ParseMode, ResponseParameters,
};
use teloxide::{ApiError, RequestError};

/// Telegram's limit on a message's text, in UTF-16 code units after entity parsing.
pub const MAX_TEXT: usize = 4096;

/// How often a send is tried after 429s before it is given up (the limiter waits each out).
const MAX_TRIES: u32 = 5;

/// How often a send is tried in place after 5xx answers or broken connections (waiting
/// [`backoff`] between tries) before the caller is told.
pub const QUICK_TRIES: u32 = 3;

/// Telegram's limit on a photo's or document's caption.
pub const MAX_CAPTION: usize = 1024;

/// Sends (or edits) one rendered reply, with its file if it has one. 429s, 5xx and network
/// errors are retried here; what is left is returned for the caller to log or to retry later.
pub async fn send_reply(
    bot: &Api,
    chat: ChatId,
    r: &Rendered,
    file: Option<&File>,
    origin: Option<MessageId>,
) -> Result<(), RequestError> {
    let markup = keyboard(r);
    if let (true, Some(mid), None) = (r.edit, origin, file) {
        if visible_len(&r.text) <= MAX_TEXT {
            let result = retry(bot, chat, || {
                let mut req =
                    EditMessageText::new(chat, mid, r.text.clone()).parse_mode(ParseMode::Html);
                if let Some(m) = &markup {
                    req = req.reply_markup(m.clone());
                }
                async move { call(bot, &req).await }
            })
            .await;
            match result {
                Ok(()) | Err(RequestError::Api(ApiError::MessageNotModified)) => return Ok(()),
                Err(e) => log::debug!("telegram::send: edit failed, sending anew: {e}"),
            }
        }
    }
    let plan = layout(&r.text, file.is_some());
    let last = plan.texts.len().saturating_sub(1);
    for (i, part) in plan.texts.iter().enumerate() {
        retry(bot, chat, || {
            let mut req = SendMessage::new(chat, part.clone()).parse_mode(ParseMode::Html);
            if i == last && file.is_none() {
                if let Some(m) = &markup {
                    req = req.reply_markup(m.clone());
                }
            }
            async move { call(bot, &req).await }
        })
        .await?;
    }
    if let Some(f) = file {
        retry(bot, chat, || {
            send_file(bot, chat, f, plan.caption.as_deref(), markup.as_ref())
        })
        .await?;
    }
    Ok(())
}

/// Sends a plain HTML text without buttons.
pub async fn send_text(bot: &Api, chat: ChatId, text: &str) {
    let result = retry(bot, chat, || {
        let req = SendMessage::new(chat, text.to_owned()).parse_mode(ParseMode::Html);
        async move { call(bot, &req).await }
    })
    .await;
    if let Err(e) = result {
        log::debug!("telegram::send: sendMessage failed: {e}");
        log::warn!(
            "telegram::send: sendMessage failed: {}",
            super::loggable(&e)
        );
    }
}

fn keyboard(r: &Rendered) -> Option<InlineKeyboardMarkup> {
    (!r.buttons.is_empty()).then(|| {
        InlineKeyboardMarkup::new(r.buttons.iter().map(|row| {
            row.iter()
                .map(|b| InlineKeyboardButton::callback(b.label.clone(), b.data.clone()))
                .collect::<Vec<_>>()
        }))
    })
}

/// The URL of a Bot API method, as teloxide builds it (`<api url>/bot<token>/<method>`).
fn method_url(api: &Api, method: &str) -> reqwest::Url {
    let mut url = api.bot.api_url();
    if let Ok(mut segments) = url.path_segments_mut() {
        segments.push(&format!("bot{}", api.bot.token()));
        segments.push(method);
    }
    url
}

/// Posts a JSON payload; the answer's result is not needed.
async fn call<P: Payload + Serialize>(api: &Api, payload: &P) -> Result<(), RequestError> {
    let body = serde_json::to_vec(payload).map_err(|e| RequestError::InvalidJson {
        source: std::sync::Arc::new(e),
        raw: Box::from(""),
    })?;
    let response = api
        .bot
        .client()
        .post(method_url(api, P::NAME))
        .header("content-type", "application/json")
        .body(body)
        .send()
        .await?;
    let text = response.text().await?;
    answer::<IgnoredAny>(&text).map(|_| ())
}

/// Posts a photo or document as multipart form data.
async fn send_file(
    api: &Api,
    chat: ChatId,
    f: &File,
    caption: Option<&str>,
    markup: Option<&InlineKeyboardMarkup>,
) -> Result<(), RequestError> {
    use reqwest::multipart::{Form, Part};
    let (method, field) = match f.kind {
        FileKind::Photo => ("sendPhoto", "photo"),
        FileKind::Document => ("sendDocument", "document"),
    };
    let mut form = Form::new()
        .text("chat_id", chat.0.to_string())
        .text("parse_mode", "HTML")
        .part(
            field,
            Part::bytes(f.bytes.clone()).file_name(f.name.clone()),
        );
    if let Some(c) = caption {
        form = form.text("caption", c.to_owned());
    }
    if let Some(m) = markup {
        let json = serde_json::to_string(m).map_err(|e| RequestError::InvalidJson {
            source: std::sync::Arc::new(e),
            raw: Box::from(""),
        })?;
        form = form.text("reply_markup", json);
    }
    let response = api
        .bot
        .client()
        .post(method_url(api, method))
        .multipart(form)
        .send()
        .await?;
    let text = response.text().await?;
    answer::<IgnoredAny>(&text).map(|_| ())
}

/// Reads a Bot API answer as teloxide does: the result, or the error its description names
/// (with `retry_after` as [`RequestError::RetryAfter`]).
fn answer<T: DeserializeOwned>(text: &str) -> Result<T, RequestError> {
    #[derive(serde::Deserialize)]
    struct Answer<T> {
        ok: bool,
        result: Option<T>,
        description: Option<String>,
        parameters: Option<ResponseParameters>,
    }
    let invalid = |e: serde_json::Error| RequestError::InvalidJson {
        source: std::sync::Arc::new(e),
        raw: Box::from(text),
    };
    let a: Answer<T> = serde_json::from_str(text).map_err(invalid)?;
    match (a.ok, a.result) {
        (true, Some(result)) => Ok(result),
        _ => match a.parameters {
            Some(ResponseParameters::RetryAfter(s)) => Err(RequestError::RetryAfter(s)),
            Some(ResponseParameters::MigrateToChatId(c)) => Err(RequestError::MigrateToChatId(c)),
            None => {
                let description = a.description.unwrap_or_default();
                let api: ApiError = serde_json::from_value(serde_json::Value::String(description))
                    .map_err(invalid)?;
                Err(RequestError::Api(api))
            }
        },
    }
}

/// A server error (5xx): Telegram failed, not the request.
pub fn server_error(e: &RequestError) -> bool {
    match e {
        RequestError::Api(ApiError::Unknown(s)) => {
            let s = s.to_ascii_lowercase();
            [
                "internal server error",
                "bad gateway",
                "service unavailable",
                "gateway timeout",
            ]
            .iter()
            .any(|p| s.contains(p))
        }
        _ => false,
    }
}

/// Sends a message-type request to `chat` when the rate limiter allows, and retries it after a
/// 429 (which holds back every chat's messages for as long as Telegram asks), and after 5xx
/// answers and broken connections (half a second, then a second: only this chat waits).
pub async fn retry<F, Fut, T>(api: &Api, chat: ChatId, mut f: F) -> Result<T, RequestError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, RequestError>>,
{
    let (mut tries, mut quick) = (0, 0);
    loop {
        tries += 1;
        api.limiter.wait(chat.0, api.priority).await;
        match f().await {
            Err(RequestError::RetryAfter(s)) => {
                crate::ops::metrics::global().too_many_requests(tries < MAX_TRIES);
                api.limiter.freeze(s.duration());
                if tries >= MAX_TRIES {
                    return Err(RequestError::RetryAfter(s));
                }
            }
            Err(e) if matches!(e, RequestError::Network(_)) || server_error(&e) => {
                quick += 1;
                if quick >= QUICK_TRIES {
                    return crate::ops::metrics::global().sent(Err(e));
                }
                log::debug!("telegram::send: {e}, retrying");
                crate::ops::metrics::global().retry();
                tokio::time::sleep(backoff(quick)).await;
            }
            other => return crate::ops::metrics::global().sent(other),
        }
    }
}

/// The length Telegram measures a text by: UTF-16 units of what it shows, after the HTML
/// tags and entities are parsed (its limits, 4,096 for a text and 1,024 for a caption, are
/// counted so; the tags do not count).
#[must_use]
pub fn visible_len(html: &str) -> usize {
    crate::i18n::strip_html(html).encode_utf16().count()
}

/// How a rendered reply goes out: its text in as few messages as Telegram's limits allow, and
/// its file (if any) last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// Text messages, in order (split only where the text passes 4,096 characters).
    pub texts: Vec<String>,
    /// The file's caption: the whole text when it fits a caption's 1,024 characters, else the
    /// text's last part when that fits (one message fewer: under Telegram's one message a
    /// second in a chat, a second sooner).
    pub caption: Option<String>,
}

impl Layout {
    /// The messages it takes, the file included.
    #[must_use]
    pub fn messages(&self, file: bool) -> usize {
        self.texts.len() + usize::from(file)
    }
}

/// Lays out a reply's HTML `text`, with a file or without (see [`Layout`]). The buttons go
/// under the last message: the file, or the last text.
#[must_use]
pub fn layout(text: &str, file: bool) -> Layout {
    if !file {
        return Layout {
            texts: split_text(text, MAX_TEXT),
            caption: None,
        };
    }
    if visible_len(text) <= MAX_CAPTION {
        return Layout {
            texts: Vec::new(),
            caption: Some(text.to_owned()),
        };
    }
    let mut texts = split_text(text, MAX_TEXT);
    let caption = match texts.last() {
        Some(last) if texts.len() > 1 && visible_len(last) <= MAX_CAPTION => texts.pop(),
        _ => None,
    };
    Layout { texts, caption }
}

/// Splits a text into parts of at most `limit` UTF-16 units as Telegram counts them
/// ([`visible_len`]: what shows, not the tags), at paragraph breaks where possible,
/// then at line breaks, and only as a last resort inside a line. The locales keep every tag
/// within one line, so splitting at line breaks never cuts an HTML tag in two; a line that must be
/// cut is cut between tags and entities, with its open tags closed and opened again. Parts that
/// would show nothing are left out: Telegram refuses them.
#[must_use]
pub fn split_text(text: &str, limit: usize) -> Vec<String> {
    let len = visible_len;
    if len(text) <= limit {
        return vec![text.to_owned()];
    }
    let mut parts = Vec::new();
    let mut current = String::new();
    for line in text.split('\n') {
        let extra = if current.is_empty() { 0 } else { 1 };
        if len(&current) + extra + len(line) <= limit {
            if extra == 1 {
                current.push('\n');
            }
            current.push_str(line);
            continue;
        }
        if !blank(&current) {
            parts.push(std::mem::take(&mut current));
        }
        current.clear();
        if len(line) <= limit {
            current.push_str(line);
        } else {
            let mut pieces = cut_line(line, limit);
            current = pieces.pop().unwrap_or_default();
            parts.extend(pieces.into_iter().filter(|p| !blank(p)));
        }
    }
    if !blank(&current) {
        parts.push(current);
    }
    parts
}

/// Whether a part would show nothing once its tags are parsed.
fn blank(part: &str) -> bool {
    crate::i18n::strip_html(part).trim().is_empty()
}

/// Cuts one line longer than `limit` UTF-16 units into pieces of at most `limit`: between
/// characters, never inside a tag or an entity; a tag open at a cut is closed before it and
/// opened again after it, so that each piece is valid HTML on its own.
fn cut_line(line: &str, limit: usize) -> Vec<String> {
    let units = |s: &str| s.encode_utf16().count();
    let closers = |open: &[&str]| open.iter().map(|t| t.len() + 3).sum::<usize>();
    let mut pieces = Vec::new();
    let mut chunk = String::new();
    let (mut used, mut reopened) = (0, 0);
    let mut open: Vec<&str> = Vec::new();
    let mut rest = line;
    while let Some(first) = rest.chars().next() {
        let size = match first {
            '<' => rest.find('>').map_or(rest.len(), |e| e + 1),
            '&' => rest.find(';').filter(|e| *e <= 10).map_or(1, |e| e + 1),
            c => c.len_utf8(),
        };
        let (atom, tail) = rest.split_at(size);
        rest = tail;
        let mut after = open.clone();
        match atom.strip_prefix('<').and_then(|t| t.strip_suffix('>')) {
            Some(t) if t.starts_with('/') => {
                after.pop();
            }
            Some(t) => after.push(t),
            None => {}
        }
        if used + units(atom) + closers(&after) > limit && used > reopened {
            for t in open.iter().rev() {
                chunk.push_str(&format!("</{t}>"));
            }
            pieces.push(std::mem::take(&mut chunk));
            for t in &open {
                chunk.push_str(&format!("<{t}>"));
            }
            used = units(&chunk);
            reopened = used;
        }
        chunk.push_str(atom);
        used += units(atom);
        open = after;
    }
    pieces.push(chunk);
    pieces
}

#[cfg(test)]
mod tests {
    use super::{layout, split_text, visible_len, MAX_CAPTION, MAX_TEXT};

    /// `n` lines of `<b>Area</b> ▓▓▓░░ 3/5 · 2 perhettä`-like HTML, each `width` characters
    /// as Telegram counts them and 7 more in tags.
    fn lines(n: usize, width: usize) -> String {
        (0..n)
            .map(|i| format!("<b>{i:04}</b>{}", "x".repeat(width - 4)))
            .collect::<Vec<_>>()
            .join("\n")
    }

    #[test]
    fn telegram_counts_what_shows_not_the_tags() {
        let text = lines(99, 40);
        assert_eq!(visible_len(&text), 99 * 41 - 1);
        assert!(text.encode_utf16().count() > MAX_TEXT);
        // 4,058 characters that show and 693 of tags: one message.
        assert_eq!(split_text(&text, MAX_TEXT).len(), 1);
        assert_eq!(visible_len("a &amp; b &lt;c&gt;"), 9);
    }

    #[test]
    fn a_text_with_a_file_is_its_caption_when_it_fits() {
        let short = lines(24, 40);
        assert!(short.encode_utf16().count() > MAX_CAPTION);
        let l = layout(&short, true);
        assert_eq!(
            (l.texts.len(), l.caption.as_deref()),
            (0, Some(short.as_str()))
        );
        assert_eq!(l.messages(true), 1);
    }

    #[test]
    fn a_long_text_with_a_file_ends_in_its_caption_when_the_last_part_fits() {
        // 120 lines of 41 characters: 99 of them fill a message, 860 characters are left.
        let text = lines(120, 40);
        let l = layout(&text, true);
        assert_eq!(l.texts.len(), 1);
        let caption = l.caption.clone().expect("the last part is the caption");
        assert!(visible_len(&caption) <= MAX_CAPTION);
        assert!(l.texts.iter().all(|t| visible_len(t) <= MAX_TEXT));
        assert_eq!(format!("{}\n{caption}", l.texts[0]), text);
        assert_eq!(l.messages(true), 2);
        // Past a message and a caption: the parts, then the file on its own.
        let longer = lines(140, 40);
        let l = layout(&longer, true);
        assert_eq!((l.texts.len(), l.caption.is_none()), (2, true));
        assert_eq!(l.messages(true), 3);
        // Without a file nothing changes.
        assert_eq!(layout(&text, false).texts, split_text(&text, MAX_TEXT));
    }

    #[test]
    fn splits_at_lines_within_limit() {
        let text = (0..100)
            .map(|i| format!("line {i} ÄÖ 😀"))
            .collect::<Vec<_>>()
            .join("\n");
        let parts = split_text(&text, 100);
        assert!(parts.len() > 1);
        for p in &parts {
            assert!(p.encode_utf16().count() <= 100, "{p}");
        }
        assert_eq!(parts.join("\n"), text);
    }

    #[test]
    fn cuts_an_overlong_line() {
        let text = "x".repeat(250);
        let parts = split_text(&text, 100);
        assert_eq!(
            parts.iter().map(String::len).collect::<Vec<_>>(),
            vec![100, 100, 50]
        );
    }

    #[test]
    fn short_text_is_one_part() {
        assert_eq!(split_text("hei", 4096), vec!["hei".to_string()]);
    }
}

#[cfg(test)]
mod answer_tests {
    use super::*;

    #[test]
    fn answers_are_read_as_teloxide_reads_them() {
        let ok: Result<IgnoredAny, _> = answer(r#"{"ok":true,"result":{"message_id":1}}"#);
        assert!(ok.is_ok());
        let flood = answer::<IgnoredAny>(
            r#"{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 3","parameters":{"retry_after":3}}"#,
        );
        assert!(
            matches!(flood, Err(RequestError::RetryAfter(s)) if s.seconds() == 3),
            "{flood:?}"
        );
        let blocked = answer::<IgnoredAny>(
            r#"{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}"#,
        );
        assert!(
            matches!(blocked, Err(RequestError::Api(ApiError::BotBlocked))),
            "{blocked:?}"
        );
        let same = answer::<IgnoredAny>(
            r#"{"ok":false,"error_code":400,"description":"Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"}"#,
        );
        assert!(
            matches!(same, Err(RequestError::Api(ApiError::MessageNotModified))),
            "{same:?}"
        );
        let server = answer::<IgnoredAny>(
            r#"{"ok":false,"error_code":500,"description":"Internal Server Error"}"#,
        );
        assert!(server.as_ref().is_err_and(server_error), "{server:?}");
        assert!(matches!(
            answer::<IgnoredAny>("<html>502</html>"),
            Err(RequestError::InvalidJson { .. })
        ));
    }
}
