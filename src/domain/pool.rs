//! Pools: the unit demand is counted in — a group in an area, and in one language where the
//! group's config counts languages apart — and what a coordinator sees of one.

use super::{AreaId, GroupId, Lang, Registration, Source, TimeId};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A group in an area (and language). Threshold crossings and launches are per pool.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Pool {
    /// The group.
    pub group: GroupId,
    /// The area.
    pub area: AreaId,
    /// The group language, when the group counts languages apart.
    pub lang: Option<Lang>,
}

impl Pool {
    /// A stable byte key: `group 0 area 0 lang` (empty lang for all languages together).
    #[must_use]
    pub fn key(&self) -> Vec<u8> {
        let mut k = self.group.as_str().as_bytes().to_vec();
        k.push(0);
        k.extend_from_slice(self.area.as_str().as_bytes());
        k.push(0);
        if let Some(l) = self.lang {
            k.extend_from_slice(l.code().as_bytes());
        }
        k
    }
}

/// How demand is counted: which pool a registration belongs to, the thresholds and who is
/// alerted. Implemented by the config; the store consults it inside its transactions.
pub trait Rules: Sync {
    /// The pool a registration counts in.
    fn pool_of(&self, r: &Registration) -> Pool;
    /// The launch threshold of a group, in participants; `None` for a group no longer configured.
    fn threshold(&self, group: &GroupId) -> Option<u32>;
    /// The Telegram ids of the group's coordinators.
    fn coordinator_ids(&self, group: &GroupId) -> Vec<super::UserId>;
    /// When someone who signs up at `now` is reminded of an event starting at `start`.
    fn reminder_times(
        &self,
        _start: chrono::DateTime<chrono::Utc>,
        _now: chrono::DateTime<chrono::Utc>,
    ) -> Vec<chrono::DateTime<chrono::Utc>> {
        Vec::new()
    }
    /// The first time at or after `t` that is outside quiet hours, for messages that can wait.
    fn daytime(&self, t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        t
    }
    /// When participants are asked for feedback on an event ending at `end`.
    fn feedback_time(&self, end: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        end
    }
}

/// Aggregate facts about the families waiting in a pool, for alerts and `/demand`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PoolStats {
    /// Registrations (families).
    pub families: usize,
    /// Participants (children, or adults for an adults' group).
    pub participants: usize,
    /// Children per age.
    pub ages: BTreeMap<u8, usize>,
    /// Families per time slot that suits them.
    pub times: BTreeMap<TimeId, usize>,
    /// Families per group language.
    pub langs: BTreeMap<Lang, usize>,
    /// Families per recruitment source (`None`: came without a deep-link source).
    pub sources: BTreeMap<Option<Source>, usize>,
}

impl PoolStats {
    /// Adds up registrations.
    #[must_use]
    pub fn of<'a>(regs: impl IntoIterator<Item = &'a Registration>) -> PoolStats {
        let mut s = PoolStats::default();
        for r in regs {
            s.families += 1;
            s.participants += r.participants();
            for a in &r.children {
                *s.ages.entry(*a).or_default() += 1;
            }
            for t in &r.times {
                *s.times.entry(t.clone()).or_default() += 1;
            }
            *s.langs.entry(r.lang).or_default() += 1;
            *s.sources.entry(r.source.clone()).or_default() += 1;
        }
        s
    }

    /// The youngest and oldest child, if any.
    #[must_use]
    pub fn age_span(&self) -> Option<(u8, u8)> {
        Some((*self.ages.keys().next()?, *self.ages.keys().next_back()?))
    }
}
