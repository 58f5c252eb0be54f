//! When the config no longer names a coordinator (a reload), what they were responsible for
//! passes on: an upcoming event they organise and an open launch they started go to the first
//! remaining coordinator who sees it (`remit::sees`: a launch and its meeting, the launch's
//! area; an event of a group, all its areas; an event of no group: the first coordinator of all).
//! Nothing is sent to anyone: the families' details did not change.

use super::remit::Scope;
use super::{Event, Launch, Rules, UserId};
use chrono::{DateTime, Utc};

/// One thing that passes to another coordinator.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Handover {
    /// An event's organiser changes.
    Event {
        /// The event.
        id: u64,
        /// The new organiser.
        to: UserId,
    },
    /// A launch's coordinator changes (answers and the final list go to them).
    Launch {
        /// The launch.
        id: u64,
        /// The new coordinator.
        to: UserId,
    },
}

/// What passes on, given the stored events and launches and the new config's coordinators.
/// `all` is every coordinator of the new config in its order. Something whose group has no
/// coordinator left (and, for an event of no group, when there is none at all) stays as it is.
#[must_use]
pub fn plan(
    events: &[Event],
    launches: &[Launch],
    rules: &dyn Rules,
    all: &[UserId],
    now: DateTime<Utc>,
) -> Vec<Handover> {
    let first_of = |scope: Option<Scope<'_>>| match scope {
        Some(scope) => rules.coordinator_ids(scope).first().copied(),
        None => all.first().copied(),
    };
    let mut out = Vec::new();
    for e in events {
        if e.cancelled || e.end <= now || all.contains(&e.organiser) {
            continue;
        }
        // A launch's meeting goes to a coordinator of the launch's area; an event of the
        // whole group to a coordinator of all its areas.
        let launch = match e.visibility {
            super::event::Visibility::Launch { launch } => launches.iter().find(|l| l.id == launch),
            super::event::Visibility::Public => None,
        };
        let scope = match launch {
            Some(l) => Some(Scope::Area(&l.pool.group, &l.pool.area)),
            None => e.group.as_ref().map(Scope::AllAreas),
        };
        if let Some(to) = first_of(scope) {
            out.push(Handover::Event { id: e.id, to });
        }
    }
    for l in launches {
        if l.closed || all.contains(&l.coordinator) {
            continue;
        }
        if let Some(to) = first_of(Some(Scope::Area(&l.pool.group, &l.pool.area))) {
            out.push(Handover::Launch { id: l.id, to });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AreaId, EventText, GroupId, Pool};

    struct Two;
    impl Rules for Two {
        fn pool_of(&self, r: &crate::domain::Registration) -> Pool {
            Pool {
                group: r.group.clone(),
                area: r.area.clone(),
                lang: None,
            }
        }
        fn threshold(&self, _: &GroupId) -> Option<u32> {
            None
        }
        fn coordinator_ids(&self, scope: crate::domain::remit::Scope<'_>) -> Vec<UserId> {
            let (crate::domain::remit::Scope::Group(g)
            | crate::domain::remit::Scope::Area(g, _)
            | crate::domain::remit::Scope::AllAreas(g)) = scope;
            if g.as_str() == "tilli-toukka" {
                vec![UserId(2), UserId(3)]
            } else {
                Vec::new()
            }
        }
    }

    fn event(id: u64, organiser: u64, group: Option<&str>, end_in_days: i64) -> Event {
        let now = DateTime::UNIX_EPOCH;
        Event {
            id,
            title: EventText::all("a", "b", "c"),
            description: None,
            group: group.map(|g| GroupId::parse(g).expect("id")),
            start: now + chrono::Duration::days(end_in_days) - chrono::Duration::hours(2),
            end: now + chrono::Duration::days(end_in_days),
            place: "Pikku-Veturi".into(),
            capacity: None,
            organiser: UserId(organiser),
            cancelled: false,
            version: 1,
            attendees: Vec::new(),
            waiting: Vec::new(),
            key: None,
            visibility: crate::domain::event::Visibility::Public,
            token: None,
            revision: 0,
            facilitators: Vec::new(),
            co_parents: Vec::new(),
            series: None,
            came: Vec::new(),
        }
    }

    #[test]
    fn a_removed_coordinators_upcoming_events_and_open_launches_pass_to_the_groups_first_coordinator(
    ) {
        let now = DateTime::UNIX_EPOCH;
        let all = [UserId(2), UserId(3), UserId(4)];
        let events = [
            event(1, 1, Some("tilli-toukka"), 3), // removed coordinator: passes to 2
            event(2, 1, None, 3),                 // no group: the first of all
            event(3, 3, Some("tilli-toukka"), 3), // still a coordinator: stays
            event(4, 1, Some("tilli-toukka"), -1), // over: stays
            event(5, 1, Some("koululaiset"), 3),  // nobody left for the group: stays
        ];
        let launch = Launch {
            id: 7,
            pool: Pool {
                group: GroupId::parse("tilli-toukka").expect("id"),
                area: AreaId::parse("hyvinkaa").expect("id"),
                lang: None,
            },
            start: now,
            place: String::new(),
            coordinator: UserId(1),
            capacity: 8,
            created_at: now,
            invitations: Vec::new(),
            closed: false,
            event: None,
            meetings: Vec::new(),
        };
        let moves = plan(&events, &[launch], &Two, &all, now);
        assert_eq!(
            moves,
            vec![
                Handover::Event {
                    id: 1,
                    to: UserId(2)
                },
                Handover::Event {
                    id: 2,
                    to: UserId(2)
                },
                Handover::Launch {
                    id: 7,
                    to: UserId(2)
                },
            ]
        );
    }
}
