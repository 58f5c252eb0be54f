//! What the public page shows, computed from the store at most once an hour: a coarse status per
//! group and area (never a count), and the upcoming public events. The rules here are pure: the
//! records and `now` in, the snapshot out.

use crate::config::{Config, Group};
use crate::domain::{AreaId, Event, GroupId, Lang, Pool, PoolStats};
use chrono::{DateTime, Utc};
use std::collections::HashSet;

/// How often the snapshot may change: a coarse status that changes at most hourly cannot be
/// tied to one registration by watching the page.
pub const REFRESH: chrono::Duration = chrono::Duration::hours(1);

/// Families needed before an area shows as gathering: fewer could be told apart.
pub const GATHERING_FAMILIES: usize = 3;

/// How close a group is in one area, in the coarse words the public page uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    /// Fewer than [`GATHERING_FAMILIES`] families (or none).
    NotYet,
    /// At least [`GATHERING_FAMILIES`] families, threshold not reached.
    Gathering,
    /// At least [`GATHERING_FAMILIES`] families and the threshold reached: the coordinator can
    /// launch the group.
    AboutToStart,
}

/// The coarse status of one pool: never the numbers themselves. Fewer than
/// [`GATHERING_FAMILIES`] families always read "not yet", even when their children reach the
/// threshold: a status that two families can change would tell a neighbour about one of them.
#[must_use]
pub fn status(stats: &PoolStats, threshold: u32) -> Status {
    let threshold = usize::try_from(threshold).unwrap_or(usize::MAX);
    if stats.families < GATHERING_FAMILIES {
        Status::NotYet
    } else if stats.participants >= threshold {
        Status::AboutToStart
    } else {
        Status::Gathering
    }
}

/// One area of a group that is gathering or about to start.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AreaStatus {
    /// The area.
    pub area: AreaId,
    /// The group language, for a group that counts languages apart.
    pub lang: Option<Lang>,
    /// Gathering or about to start ([`Status::NotYet`] areas are not listed one by one).
    pub status: Status,
}

/// One group as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupStatus {
    /// The group.
    pub group: GroupId,
    /// Areas that are gathering or about to start, in the config's area order.
    pub areas: Vec<AreaStatus>,
}

/// Everything the public pages show that comes from the store, as of one moment.
#[derive(Debug, Clone)]
pub struct Snapshot {
    /// When it was computed.
    pub at: DateTime<Utc>,
    /// Every configured group, in config order.
    pub groups: Vec<GroupStatus>,
    /// Upcoming public events, soonest first.
    pub events: Vec<Event>,
}

impl Snapshot {
    /// Whether it is old enough to be computed again at `now`.
    #[must_use]
    pub fn stale(&self, now: DateTime<Utc>) -> bool {
        now >= self.at + REFRESH || now < self.at
    }
}

/// Whether an event may be shown to the public. A launched group's meetings are for the families
/// invited to it: never shown. The event's own visibility decides; an event that a launch names
/// is kept off the page as well, whatever its record says (a second lock on the same door).
#[must_use]
pub fn is_public(event: &Event, launch_events: &HashSet<u64>) -> bool {
    event.visibility == crate::domain::event::Visibility::Public
        && !launch_events.contains(&event.id)
}

/// The group's statuses from its pools' counters.
#[must_use]
pub fn group_status(config: &Config, group: &Group, pools: &[(Pool, PoolStats)]) -> GroupStatus {
    let mut areas = Vec::new();
    for area in &config.areas {
        let mut here: Vec<&(Pool, PoolStats)> =
            pools.iter().filter(|(p, _)| p.area == area.id).collect();
        here.sort_by_key(|(p, _)| p.lang);
        for (pool, stats) in here {
            let s = status(stats, group.threshold);
            if s != Status::NotYet {
                areas.push(AreaStatus {
                    area: area.id.clone(),
                    lang: pool.lang,
                    status: s,
                });
            }
        }
    }
    GroupStatus {
        group: group.id.clone(),
        areas,
    }
}

/// The upcoming public events at `now`, soonest first.
#[must_use]
pub fn public_events(
    events: Vec<Event>,
    launch_events: &HashSet<u64>,
    now: DateTime<Utc>,
) -> Vec<Event> {
    let mut out: Vec<Event> = events
        .into_iter()
        .filter(|e| !e.cancelled && e.end > now && is_public(e, launch_events))
        .collect();
    out.sort_by_key(|e| (e.start, e.id));
    out
}

/// Computes a snapshot from the store's read API.
pub fn compute(
    config: &Config,
    store: &crate::store::Store,
    now: DateTime<Utc>,
) -> Result<Snapshot, crate::store::StoreError> {
    let mut groups = Vec::new();
    for g in &config.groups {
        let pools = store.pools_of(&g.id)?;
        groups.push(group_status(config, g, &pools));
    }
    let launch_events: HashSet<u64> = store
        .launches()?
        .into_iter()
        .flat_map(|l| l.meeting_ids())
        .collect();
    let events = public_events(store.events()?, &launch_events, now);
    Ok(Snapshot {
        at: now,
        groups,
        events,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stats(families: usize, participants: usize) -> PoolStats {
        PoolStats {
            families,
            participants,
            ..PoolStats::default()
        }
    }

    #[test]
    fn the_status_is_coarse() {
        assert_eq!(status(&stats(0, 0), 5), Status::NotYet);
        assert_eq!(status(&stats(1, 3), 5), Status::NotYet);
        assert_eq!(status(&stats(2, 4), 5), Status::NotYet);
        assert_eq!(status(&stats(3, 3), 5), Status::Gathering);
        assert_eq!(status(&stats(4, 4), 5), Status::Gathering);
        assert_eq!(status(&stats(4, 5), 5), Status::AboutToStart);
        // Two families with many children reach the threshold, but two families are too few
        // to show anything: a neighbour could tell who they are.
        assert_eq!(status(&stats(2, 6), 5), Status::NotYet);
        assert_eq!(status(&stats(3, 7), 5), Status::AboutToStart);
        assert_eq!(status(&stats(3, 3), 1), Status::AboutToStart);
        assert_eq!(status(&stats(1, 1), 1), Status::NotYet);
        assert_eq!(status(&stats(9, 20), 6), Status::AboutToStart);
    }

    #[test]
    fn a_snapshot_is_stale_after_an_hour_and_not_before() {
        let at = DateTime::parse_from_rfc3339("2026-12-05T10:00:00Z")
            .expect("time")
            .with_timezone(&Utc);
        let s = Snapshot {
            at,
            groups: Vec::new(),
            events: Vec::new(),
        };
        assert!(!s.stale(at));
        assert!(!s.stale(at + chrono::Duration::minutes(59)));
        assert!(s.stale(at + REFRESH));
        assert!(
            s.stale(at - chrono::Duration::minutes(1)),
            "a clock set back"
        );
    }
}
