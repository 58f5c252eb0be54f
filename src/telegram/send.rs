//! Sending rendered replies: splitting long texts, editing in place, and coping with Telegram's
//! answers (429 retry-after, "message is not modified", a message too old to edit).

use super::Api;
use crate::files::{File, FileKind};
use crate::i18n::Rendered;
use std::time::Duration;
use teloxide::payloads::{
    EditMessageTextSetters, SendDocumentSetters, SendMessageSetters, SendPhotoSetters,
};
use teloxide::prelude::*;
use teloxide::types::{
    InlineKeyboardButton, InlineKeyboardMarkup, InputFile, MessageId, ParseMode,
};
use teloxide::{ApiError, RequestError};

/// Telegram's limit on a message's text, in UTF-16 code units after entity parsing.
pub const MAX_TEXT: usize = 4096;

/// How often a send is retried after a 429 or a network error before it is given up.
const MAX_TRIES: u32 = 5;

/// Telegram's limit on a photo's or document's caption.
pub const MAX_CAPTION: usize = 1024;

/// Sends (or edits) one rendered reply, with its file if it has one. 429s and network errors
/// are retried here; what is left is returned for the caller to log or to retry later.
pub async fn send_reply(
    bot: &Api,
    chat: ChatId,
    r: &Rendered,
    file: Option<&File>,
    origin: Option<MessageId>,
) -> Result<(), RequestError> {
    let markup = keyboard(r);
    if let (true, Some(mid), None) = (r.edit, origin, file) {
        if r.text.encode_utf16().count() <= MAX_TEXT {
            let result = retry(bot, chat, || {
                let mut req = bot
                    .edit_message_text(chat, mid, r.text.clone())
                    .parse_mode(ParseMode::Html);
                if let Some(m) = &markup {
                    req = req.reply_markup(m.clone());
                }
                req.send()
            })
            .await;
            match result {
                Ok(_) | Err(RequestError::Api(ApiError::MessageNotModified)) => return Ok(()),
                Err(e) => log::debug!("telegram::send: edit failed, sending anew: {e}"),
            }
        }
    }
    let captioned = file.is_some() && r.text.encode_utf16().count() <= MAX_CAPTION;
    if !captioned {
        let parts = split_text(&r.text, MAX_TEXT);
        let last = parts.len().saturating_sub(1);
        for (i, part) in parts.into_iter().enumerate() {
            retry(bot, chat, || {
                let mut req = bot
                    .send_message(chat, part.clone())
                    .parse_mode(ParseMode::Html);
                if i == last && file.is_none() {
                    if let Some(m) = &markup {
                        req = req.reply_markup(m.clone());
                    }
                }
                req.send()
            })
            .await?;
        }
    }
    if let Some(f) = file {
        let caption = captioned.then(|| r.text.clone());
        retry(bot, chat, || {
            let input = InputFile::memory(f.bytes.clone()).file_name(f.name.clone());
            let markup = markup.clone();
            let caption = caption.clone();
            async move {
                match f.kind {
                    FileKind::Photo => {
                        let mut req = bot.send_photo(chat, input).parse_mode(ParseMode::Html);
                        if let Some(c) = caption {
                            req = req.caption(c);
                        }
                        if let Some(m) = markup {
                            req = req.reply_markup(m);
                        }
                        req.send().await.map(|_| ())
                    }
                    FileKind::Document => {
                        let mut req = bot.send_document(chat, input).parse_mode(ParseMode::Html);
                        if let Some(c) = caption {
                            req = req.caption(c);
                        }
                        if let Some(m) = markup {
                            req = req.reply_markup(m);
                        }
                        req.send().await.map(|_| ())
                    }
                }
            }
        })
        .await?;
    }
    Ok(())
}

/// Sends a plain HTML text without buttons.
pub async fn send_text(bot: &Api, chat: ChatId, text: &str) {
    let result = retry(bot, chat, || {
        bot.send_message(chat, text.to_owned())
            .parse_mode(ParseMode::Html)
            .send()
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

/// Sends a message-type request to `chat` when the rate limiter allows, and retries it after a
/// 429 (which holds back every chat's messages for as long as Telegram asks) and after network
/// errors (with backoff).
pub async fn retry<F, Fut, T>(api: &Api, chat: ChatId, mut f: F) -> Result<T, RequestError>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, RequestError>>,
{
    let mut tries = 0;
    loop {
        tries += 1;
        api.limiter.wait(chat.0).await;
        match f().await {
            Err(RequestError::RetryAfter(s)) => {
                crate::ops::metrics::global().too_many_requests(tries < MAX_TRIES);
                api.limiter.freeze(s.duration());
                if tries >= MAX_TRIES {
                    return Err(RequestError::RetryAfter(s));
                }
            }
            Err(RequestError::Network(e)) if tries < MAX_TRIES => {
                log::debug!("telegram::send: network error, retrying: {e}");
                crate::ops::metrics::global().retry();
                tokio::time::sleep(Duration::from_millis(200 * u64::from(tries))).await;
            }
            other => return crate::ops::metrics::global().sent(other),
        }
    }
}

/// Splits a text into parts of at most `limit` UTF-16 units, at paragraph breaks where possible,
/// then at line breaks, and only as a last resort inside a line. The locales keep every tag
/// within one line, so splitting at line breaks never cuts an HTML tag in two; a line that must be
/// cut is cut between tags and entities, with its open tags closed and opened again. Parts that
/// would show nothing are left out: Telegram refuses them.
#[must_use]
pub fn split_text(text: &str, limit: usize) -> Vec<String> {
    let len = |s: &str| s.encode_utf16().count();
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
    use super::split_text;

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
