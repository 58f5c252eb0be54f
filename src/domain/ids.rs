//! Identifiers that arrive from outside (config, deep links, callback data) and their parsers.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Why a string was not accepted as an identifier; the text is meant for config error messages.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct IdError(pub String);

/// A Telegram user id. In private chats it is also the chat id, which is the only kind of chat
/// kokoon talks in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct UserId(pub u64);

impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The longest id kokoon accepts for groups, areas and times, so that callback data that carries
/// two of them stays well inside Telegram's 64 bytes.
pub const MAX_ID_LEN: usize = 24;

/// Checks the common id shape: lowercase ASCII letters and digits, separated by single hyphens.
fn check_slug(kind: &str, s: &str) -> Result<(), IdError> {
    let ok_chars = s
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if s.is_empty() {
        return Err(IdError(format!("{kind} id is empty")));
    }
    if s.len() > MAX_ID_LEN {
        return Err(IdError(format!(
            "{kind} id {s:?} is longer than {MAX_ID_LEN} characters"
        )));
    }
    if !ok_chars || s.starts_with('-') || s.ends_with('-') || s.contains("--") {
        return Err(IdError(format!(
            "{kind} id {s:?} must be lowercase letters and digits separated by single hyphens"
        )));
    }
    Ok(())
}

macro_rules! slug_id {
    ($(#[$doc:meta])* $name:ident, $kind:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Parses an id, rejecting anything that is not a well-formed slug.
            pub fn parse(s: &str) -> Result<Self, IdError> {
                Self::check(s)?;
                Ok(Self(s.to_owned()))
            }

            /// The id as written in the config.
            #[must_use]
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(s: String) -> Result<Self, IdError> {
                Self::check(&s)?;
                Ok(Self(s))
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

slug_id!(
    /// A peer group's id, e.g. `tilli-toukka`. Used in deep links, so the prefix `event-` is
    /// reserved for event links.
    GroupId,
    "group"
);
slug_id!(
    /// An area's id (a municipality or district), e.g. `hyvinkaa`.
    AreaId,
    "area"
);
slug_id!(
    /// A time slot's id, e.g. `weekday-evening`.
    TimeId,
    "time"
);

impl GroupId {
    fn check(s: &str) -> Result<(), IdError> {
        check_slug("group", s)?;
        if s.starts_with("event-") || s == "event" {
            return Err(IdError(format!(
                "group id {s:?} may not start with \"event-\": that prefix is reserved for event links"
            )));
        }
        Ok(())
    }
}

impl AreaId {
    fn check(s: &str) -> Result<(), IdError> {
        check_slug("area", s)
    }
}

impl TimeId {
    fn check(s: &str) -> Result<(), IdError> {
        check_slug("time", s)
    }
}

/// Where a registration came from: the part of a deep link after `__`, e.g. `pikkuveturi` for a
/// poster at Pikku-Veturi. Letters, digits, `-` and `_`, at most 32 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Source(String);

impl Source {
    /// Parses a recruitment source name.
    pub fn parse(s: &str) -> Result<Self, IdError> {
        let ok = !s.is_empty()
            && s.len() <= 32
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if ok {
            Ok(Self(s.to_owned()))
        } else {
            Err(IdError(format!("{s:?} is not a valid source name")))
        }
    }

    /// The source as it appeared in the link.
    #[must_use]
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a `/start` deep-link payload asks for. Anything that does not parse is simply no payload:
/// the user gets the normal welcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartPayload {
    /// `t.me/<bot>?start=<group>[__<source>]`: go straight to that group's registration.
    Group {
        /// The group to register for.
        group: GroupId,
        /// Where the link was published, if it says.
        source: Option<Source>,
    },
    /// `t.me/<bot>?start=event-<id>`: an event link (events come with a later feature).
    Event(String),
    /// `t.me/<bot>?start=f_<token>`: a coordinator's one-time link for a new facilitator
    /// ([`super::facilitator`]).
    Facilitator(String),
}

impl StartPayload {
    /// Parses a payload; `None` for anything malformed. Telegram allows at most 64 characters of
    /// `A-Za-z0-9_-`, and so does this.
    #[must_use]
    pub fn parse(payload: &str) -> Option<StartPayload> {
        let p = payload.trim();
        if p.is_empty()
            || p.len() > 64
            || !p
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return None;
        }
        if let Some(token) = p.strip_prefix(super::facilitator::PAYLOAD_PREFIX) {
            return (!token.is_empty()).then(|| StartPayload::Facilitator(token.to_owned()));
        }
        if let Some(ev) = p.strip_prefix("event-") {
            return (!ev.is_empty()).then(|| StartPayload::Event(ev.to_owned()));
        }
        let (group, source) = match p.split_once("__") {
            Some((g, s)) => (g, Some(Source::parse(s).ok()?)),
            None => (p, None),
        };
        Some(StartPayload::Group {
            group: GroupId::parse(group).ok()?,
            source,
        })
    }

    /// The payload string for a deep link, the inverse of [`StartPayload::parse`].
    #[must_use]
    pub fn encode(&self) -> String {
        match self {
            StartPayload::Group {
                group,
                source: Some(s),
            } => format!("{group}__{}", s.as_str()),
            StartPayload::Group {
                group,
                source: None,
            } => group.to_string(),
            StartPayload::Event(e) => format!("event-{e}"),
            StartPayload::Facilitator(t) => format!("{}{t}", super::facilitator::PAYLOAD_PREFIX),
        }
    }
}

/// The `t.me` deep link that opens the bot with a payload, for posters and QR codes.
#[must_use]
pub fn deep_link(bot_username: &str, payload: &StartPayload) -> String {
    format!("https://t.me/{bot_username}?start={}", payload.encode())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_ids() {
        assert!(GroupId::parse("tilli-toukka").is_ok());
        assert!(GroupId::parse("a1").is_ok());
        for bad in [
            "",
            "Tilli",
            "a--b",
            "-a",
            "a-",
            "a_b",
            "event-x",
            "ä",
            &"a".repeat(25),
        ] {
            assert!(GroupId::parse(bad).is_err(), "{bad:?} accepted");
        }
    }

    #[test]
    fn payloads() {
        let p = StartPayload::parse("tilli-toukka__pikkuveturi").expect("valid");
        assert_eq!(
            p,
            StartPayload::Group {
                group: GroupId::parse("tilli-toukka").expect("id"),
                source: Some(Source::parse("pikkuveturi").expect("src")),
            }
        );
        assert_eq!(p.encode(), "tilli-toukka__pikkuveturi");
        assert_eq!(
            StartPayload::parse("event-42"),
            Some(StartPayload::Event("42".into()))
        );
        for bad in [
            "",
            "Tilli",
            "x__",
            "a b",
            "tilli-toukka__bad!",
            "event-",
            &"a".repeat(65),
        ] {
            assert_eq!(StartPayload::parse(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn telegram_language() {
        use super::super::Lang;
        assert_eq!(Lang::from_telegram(Some("sv-FI")), Lang::Sv);
        assert_eq!(Lang::from_telegram(Some("en")), Lang::En);
        assert_eq!(Lang::from_telegram(Some("de")), Lang::Fi);
        assert_eq!(Lang::from_telegram(None), Lang::Fi);
    }
}
