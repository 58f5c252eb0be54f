//! The domain: the words kokoon thinks in — users, groups, areas, children's ages, registrations and
//! the demand they add up to — as plain types with the rules that make them valid.
//!
//! Nothing here knows about Telegram, sled, files or the clock: values from outside are parsed into
//! these types once, at the edge, so the rest of the code can trust them ("parse, don't validate").

pub mod added;
pub mod audit;
pub mod child;
pub mod event;
pub mod facilitator;
pub mod family;
pub mod feedback;
pub mod handover;
mod ids;
pub mod launch;
pub mod outbox;
pub mod pool;
pub mod privacy;
pub mod registration;
pub mod remit;
pub mod renewal;
pub mod schedule;
pub mod series;
pub mod text;
pub mod when;

pub use child::Child;
pub use event::{Audience, Broadcast, Event, EventText};
pub use feedback::Feedback;
pub use ids::{deep_link, AreaId, GroupId, IdError, Source, StartPayload, TimeId, UserId};
pub use launch::{Answer, Invitation, Launch};
pub use outbox::{OutboxItem, Outgoing};
pub use pool::{Pool, PoolState, PoolStats, Rules};
pub use registration::{Contact, Demand, Pause, Registration, Status};

use serde::{Deserialize, Serialize};

/// A language kokoon speaks. Finnish comes first: it is the default for anyone whose Telegram
/// language is not one of the three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Finnish (suomi).
    Fi,
    /// Swedish (svenska).
    Sv,
    /// English.
    En,
}

impl Lang {
    /// Every language, Finnish first, in the order they are offered to the user.
    pub const ALL: [Lang; 3] = [Lang::Fi, Lang::Sv, Lang::En];

    /// The ISO 639-1 code (`fi`, `sv`, `en`), used in callback data, config keys and file names.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            Lang::Fi => "fi",
            Lang::Sv => "sv",
            Lang::En => "en",
        }
    }

    /// Parses an exact code as used in config and callback data.
    #[must_use]
    pub fn from_code(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// Picks the language from Telegram's `language_code` (an IETF tag such as `sv-FI` or `en`),
    /// falling back to Finnish for anything else.
    #[must_use]
    pub fn from_telegram(code: Option<&str>) -> Lang {
        let primary = code
            .and_then(|c| c.split(['-', '_']).next())
            .map(str::to_ascii_lowercase);
        primary
            .as_deref()
            .and_then(Lang::from_code)
            .unwrap_or(Lang::Fi)
    }
}
