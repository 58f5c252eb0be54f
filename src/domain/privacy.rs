//! Privacy rules that do not belong to one record: what happens to a conversation that never
//! reached a consent.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// A consent as it was given: when, and to which version of the privacy notice
/// (`[privacy] notice_version`). Kept as proof of consent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsentRecord {
    /// When it was given.
    pub at: DateTime<Utc>,
    /// The notice's version then.
    pub version: u32,
}

/// The consents behind one registration.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Consents {
    /// The required consent to store the answers. `None` only for a registration stored
    /// before consents were recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub required: Option<ConsentRecord>,
    /// The optional consent to show the parent's Telegram name to the coordinators, as last
    /// given (kept after a withdrawal, as its history).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<ConsentRecord>,
    /// When the name-sharing consent was withdrawn, if it was after it was last given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_withdrawn: Option<DateTime<Utc>>,
}

/// The consents behind one event sign-up (an event sign-up is personal data too): the
/// required one to keep the sign-up, the optional one to show the Telegram name to the
/// event's organiser and coordinators, and the name while that consent stands. Sealed under
/// a data key of its own, beside the event (never in the event's own record).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignUp {
    /// When consent was given, and to which notice version; the name-sharing consent and its
    /// withdrawal.
    pub consents: Consents,
    /// The Telegram name shown to the organiser, only while the name-sharing consent stands.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<super::Contact>,
}

impl SignUp {
    /// A sign-up consented to at `now` under notice `version`, sharing `contact` if given.
    #[must_use]
    pub fn given(now: DateTime<Utc>, version: u32, contact: Option<super::Contact>) -> Self {
        let record = ConsentRecord { at: now, version };
        Self {
            consents: Consents {
                required: Some(record),
                share: contact.is_some().then_some(record),
                share_withdrawn: None,
            },
            contact,
        }
    }

    /// The same sign-up after the name-sharing consent was withdrawn at `now`: the name goes,
    /// the record of the consent and of its withdrawal stay.
    #[must_use]
    pub fn name_hidden(mut self, now: DateTime<Utc>) -> Self {
        if self.contact.take().is_some() {
            self.consents.share_withdrawn = Some(now);
        }
        self
    }
}

/// How long the language and the conversation step of someone who has not consented to
/// anything are kept after they last wrote: long enough to finish a registration after a
/// pause (or a restart), short enough that an abandoned one leaves nothing behind.
pub const UNCONSENTED_KEEP: Duration = Duration::hours(24);

/// What the daily job does with one person's conversation record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unconsented {
    /// Keep it as it is.
    Keep,
    /// Delete the whole record (language, conversation step): nothing else is stored about
    /// them, so nothing else was consented to.
    Forget,
    /// They have consented data (a registration, an event sign-up…), but the registration they
    /// started and left before its consent is dropped: they are back at the start.
    DropDraft,
}

/// The rule for records that hold no consent: untouched within [`UNCONSENTED_KEEP`] of the
/// person's last message (`seen_at`, unknown for records from before it was kept: as old);
/// then a record of someone with no consented data goes, and an unconsented draft of someone
/// with consented data goes.
#[must_use]
pub fn unconsented(
    seen_at: Option<DateTime<Utc>>,
    holds_consented_data: bool,
    unconsented_draft: bool,
    now: DateTime<Utc>,
) -> Unconsented {
    if seen_at.is_some_and(|t| now - t < UNCONSENTED_KEEP) {
        Unconsented::Keep
    } else if !holds_consented_data {
        Unconsented::Forget
    } else if unconsented_draft {
        Unconsented::DropDraft
    } else {
        Unconsented::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_after_the_last_message_unconsented_state_goes() {
        let now = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).expect("time");
        let recent = Some(now - Duration::hours(23));
        let old = Some(now - Duration::hours(24));
        for (data, draft) in [(false, false), (false, true), (true, true), (true, false)] {
            assert_eq!(unconsented(recent, data, draft, now), Unconsented::Keep);
        }
        assert_eq!(unconsented(old, false, true, now), Unconsented::Forget);
        assert_eq!(unconsented(old, false, false, now), Unconsented::Forget);
        assert_eq!(unconsented(None, false, false, now), Unconsented::Forget);
        assert_eq!(unconsented(old, true, true, now), Unconsented::DropDraft);
        assert_eq!(unconsented(old, true, false, now), Unconsented::Keep);
    }
}
