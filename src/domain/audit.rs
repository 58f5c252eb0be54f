//! The access log's entries: which coordinator saw, exported or sent what, and when — as
//! public-sector rules on logging access to personal data expect. An entry names the
//! coordinator and the scope (group, area, event) and how many people it covered, never the
//! parents themselves: `/mydata` finds who has seen a parent's registration by matching its
//! group and area and the times since it was made.

use super::{AreaId, GroupId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Accessed {
    /// A list of registrations (or of an event's sign-ups) was shown.
    List,
    /// A list was exported as a file.
    Export,
    /// A broadcast was sent.
    Broadcast,
}

/// One entry of the access log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    /// When.
    pub at: DateTime<Utc>,
    /// The coordinator.
    pub who: UserId,
    /// What they did.
    pub what: Accessed,
    /// The group the list was of, if it was of one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupId>,
    /// The area (municipality) it was limited to, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<AreaId>,
    /// The event whose sign-ups it was, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<u64>,
    /// How many people it covered.
    pub people: u32,
}
