//! Meeting series: a peer group meets several times (Tilli Toukka about eight times, weekly).
//! [`meetings`] turns a series plan — the first meeting, the interval, the count and the
//! exceptions (a skipped week, a moved meeting) — into the meetings' times, on Helsinki's wall
//! clock (a weekly 17.00 stays 17.00 across a change to or from summer time). [`shift_rest`]
//! moves one meeting and every later one by the same amount and names each family to tell
//! once, however many meetings moved.
//!
//! A launch makes its meetings by [`launch_meetings`] (each an event of the launch's own
//! families only, `series` = [`series_key`]); a coordinator changes one meeting or the rest of
//! the series by [`edit`], which tells each family once, listing the changed dates.

use super::event::{Change, Event};
use super::outbox::{OutboxItem, Outgoing};
use super::when::TZ;
use super::{Rules, UserId};
use chrono::{DateTime, Duration, LocalResult, TimeZone, Utc};
use serde::{Deserialize, Serialize};

/// Most meetings in one series.
pub const MAX_MEETINGS: u32 = 20;

/// Most days from one meeting to the next.
pub const MAX_INTERVAL_DAYS: u32 = 28;

/// The series key of a launch's meetings (`launch-<id>`), for `/report`.
#[must_use]
pub fn series_key(launch: u64) -> String {
    format!("launch-{launch}")
}

/// A launch's meetings as events, in order: the first meeting's details at each time of the
/// series the request plans, each seen only by the launch's people; the store gives them ids
/// and link tokens.
///
/// # Errors
/// [`SeriesError`] for a plan that gives no series.
pub fn launch_meetings(
    req: &super::launch::LaunchRequest,
    launch: u64,
) -> Result<Vec<Event>, SeriesError> {
    let first = super::event::first_meeting(req, launch);
    Ok(meetings(&req.series_plan())?
        .into_iter()
        .map(|(start, end)| Event {
            start,
            end,
            series: Some(series_key(launch)),
            ..first.clone()
        })
        .collect())
}

/// A series as the coordinator plans it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SeriesPlan {
    /// The first meeting's start.
    pub start: DateTime<Utc>,
    /// The first meeting's end; every meeting is as long.
    pub end: DateTime<Utc>,
    /// Days from one meeting to the next (7: weekly).
    pub every_days: u32,
    /// How many meetings.
    pub count: u32,
    /// Slots with no meeting, counted in intervals from the first meeting (1 is the first
    /// meeting's, 2 the next interval's, …): the series goes on one interval later.
    #[serde(default)]
    pub skip: Vec<u32>,
    /// Meetings (1-based numbers) held at another time, with their own start.
    #[serde(default)]
    pub moved: Vec<(u32, DateTime<Utc>)>,
}

/// One meeting's start and end.
pub type Slot = (DateTime<Utc>, DateTime<Utc>);

/// Why a plan gives no series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SeriesError {
    /// Count outside 1 to [`MAX_MEETINGS`], interval outside 1 to 28 days, or an end not
    /// after the start.
    #[error("count, interval or length out of range")]
    OutOfRange,
    /// A skipped slot is the first meeting's or after the last meeting.
    #[error("a skipped slot is not within the series")]
    BadSkip,
    /// A moved meeting's number is not in the series.
    #[error("a moved meeting is not in the series")]
    BadMove,
    /// Two meetings would overlap or come out of order.
    #[error("meetings overlap or come out of order")]
    Overlap,
}

/// `t` moved by `d` on Helsinki's wall clock (a time the clocks skip moves on by the hour
/// they skip; a time they repeat is taken the first time).
fn wall_clock_plus(t: DateTime<Utc>, d: Duration) -> DateTime<Utc> {
    let local = t.with_timezone(&TZ).naive_local() + d;
    match TZ.from_local_datetime(&local) {
        LocalResult::Single(x) | LocalResult::Ambiguous(x, _) => x.with_timezone(&Utc),
        LocalResult::None => TZ
            .from_local_datetime(&(local + Duration::hours(1)))
            .earliest()
            .map_or(t + d, |x| x.with_timezone(&Utc)),
    }
}

/// The same wall-clock time `days` days later in Helsinki.
#[must_use]
pub fn days_later(t: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    wall_clock_plus(t, Duration::days(days))
}

/// The meetings' (start, end), in order.
///
/// # Errors
/// [`SeriesError`] for a plan that gives no series.
pub fn meetings(p: &SeriesPlan) -> Result<Vec<Slot>, SeriesError> {
    let length = p.end - p.start;
    if !(1..=MAX_MEETINGS).contains(&p.count)
        || !(1..=28).contains(&p.every_days)
        || length <= Duration::zero()
    {
        return Err(SeriesError::OutOfRange);
    }
    let slots = p.count + u32::try_from(p.skip.len()).map_err(|_| SeriesError::BadSkip)?;
    if p.every_days > MAX_INTERVAL_DAYS {
        return Err(SeriesError::OutOfRange);
    }
    if p.skip.iter().any(|s| *s < 2 || *s > slots) {
        return Err(SeriesError::BadSkip);
    }
    if p.moved.iter().any(|(n, _)| *n < 1 || *n > p.count) {
        return Err(SeriesError::BadMove);
    }
    let mut out = Vec::new();
    for slot in 1..=slots {
        if p.skip.contains(&slot) {
            continue;
        }
        let n = u32::try_from(out.len()).map_err(|_| SeriesError::OutOfRange)? + 1;
        let start = p.moved.iter().rev().find(|(m, _)| *m == n).map_or_else(
            || days_later(p.start, i64::from((slot - 1) * p.every_days)),
            |(_, s)| *s,
        );
        out.push((start, start + length));
    }
    if out.windows(2).any(|w| w[1].0 < w[0].1) {
        return Err(SeriesError::Overlap);
    }
    Ok(out)
}

/// Moves meeting `from` of a series (its meetings, in order) to start at `new_start`, and every
/// later meeting by the same amount on the wall clock. Returns
/// the meetings as changed (cancelled ones untouched) and the people to tell — everyone signed
/// up for or waiting for any moved meeting, each once. `None` when `from` is not one of them,
/// nothing moves, or a moved meeting would begin before `now`.
#[must_use]
pub fn shift_rest(
    series: &[Event],
    from: u64,
    new_start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<(Vec<Event>, Vec<UserId>)> {
    let i = series.iter().position(|e| e.id == from)?;
    // The move as the wall clock sees it, so that a weekly 17.00 stays 17.00 across a change
    // to or from summer time.
    let local = |t: DateTime<Utc>| t.with_timezone(&TZ).naive_local();
    let delta = local(new_start) - local(series[i].start);
    if delta == Duration::zero() {
        return None;
    }
    let mut changed = Vec::new();
    let mut tell: Vec<UserId> = Vec::new();
    for e in series[i..].iter().filter(|e| !e.cancelled) {
        let mut moved = e.clone();
        moved.start = wall_clock_plus(e.start, delta);
        moved.end = moved.start + (e.end - e.start);
        if moved.start <= now {
            return None;
        }
        moved.version += 1;
        moved.revision += 1;
        for u in e.attendees.iter().chain(&e.waiting).chain(&e.co_parents) {
            if !tell.contains(u) {
                tell.push(*u);
            }
        }
        changed.push(moved);
    }
    Some((changed, tell))
}

/// Whether a launch's meetings stay apart with `changed` (one of them, moved or lengthened
/// alone) in place of its stored self: no two meetings still on overlap.
#[must_use]
pub fn apart(series: &[Event], changed: &Event) -> bool {
    let mut live: Vec<&Event> = series
        .iter()
        .map(|e| if e.id == changed.id { changed } else { e })
        .filter(|e| !e.cancelled)
        .collect();
    live.sort_by_key(|e| e.start);
    live.windows(2).all(|w| w[0].end <= w[1].start)
}

/// A coordinator's change to a launch's series.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Edit {
    /// Move one meeting to start at another time (the others stay).
    MoveOne {
        /// The meeting.
        event: u64,
        /// Its new start.
        to: DateTime<Utc>,
    },
    /// Move a meeting and every later one by the same amount ([`shift_rest`]).
    MoveRest {
        /// The first meeting moved.
        event: u64,
        /// Its new start.
        to: DateTime<Utc>,
    },
    /// Cancel one meeting (a skipped week).
    CancelOne {
        /// The meeting.
        event: u64,
    },
    /// Cancel a meeting and every later one (the group ends early).
    CancelRest {
        /// The first meeting cancelled.
        event: u64,
    },
}

impl Edit {
    /// The meeting the change starts from.
    #[must_use]
    pub fn event(self) -> u64 {
        match self {
            Edit::MoveOne { event, .. }
            | Edit::MoveRest { event, .. }
            | Edit::CancelOne { event }
            | Edit::CancelRest { event } => event,
        }
    }
}

/// A series after a coordinator's change: the meetings to store and the messages to queue —
/// one [`Outgoing::SeriesChanged`] per family, listing every changed meeting, however many
/// changed; reminders anew for moved meetings (the old ones are skipped by their version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Edited {
    /// The changed meetings.
    pub events: Vec<Event>,
    /// The messages to queue.
    pub queue: Vec<OutboxItem>,
}

/// Applies a change to a launch's series (`series`: its meetings, in order). `None` when the
/// meeting is not one of them, has begun or is cancelled, when nothing changes, or when a
/// moved meeting would begin before `now` or overlap another.
#[must_use]
pub fn edit(
    launch: u64,
    series: &[Event],
    change: Edit,
    now: DateTime<Utc>,
    rules: &dyn Rules,
) -> Option<Edited> {
    let i = series.iter().position(|e| e.id == change.event())?;
    let from = &series[i];
    if from.cancelled || from.start <= now {
        return None;
    }
    let changed: Vec<Event> = match change {
        Edit::MoveRest { event, to } => shift_rest(series, event, to, now)?.0,
        Edit::MoveOne { to, .. } => {
            if to <= now || to == from.start {
                return None;
            }
            let mut moved = from.clone();
            moved.start = to;
            moved.end = to + (from.end - from.start);
            moved.version += 1;
            moved.revision += 1;
            vec![moved]
        }
        Edit::CancelOne { .. } | Edit::CancelRest { .. } => {
            let upto = if matches!(change, Edit::CancelOne { .. }) {
                i + 1
            } else {
                series.len()
            };
            series[i..upto]
                .iter()
                .filter(|e| !e.cancelled && e.start > now)
                .map(|e| {
                    let mut c = e.clone();
                    c.cancelled = true;
                    c.version += 1;
                    c.revision += 1;
                    c
                })
                .collect()
        }
    };
    // The series as it would be: no two live meetings may overlap.
    let mut after: Vec<&Event> = series
        .iter()
        .map(|e| changed.iter().find(|c| c.id == e.id).unwrap_or(e))
        .filter(|e| !e.cancelled)
        .collect();
    after.sort_by_key(|e| e.start);
    if after.windows(2).any(|w| w[1].start < w[0].end) || changed.is_empty() {
        return None;
    }
    let mut queue = Vec::new();
    let mut told: Vec<UserId> = Vec::new();
    for e in &changed {
        let old = series.iter().find(|o| o.id == e.id).unwrap_or(e);
        // Both parents of a shared family hear it: the one signed up and the other.
        for u in old
            .attendees
            .iter()
            .chain(&old.waiting)
            .chain(&old.co_parents)
        {
            if !told.contains(u) {
                told.push(*u);
            }
        }
    }
    let ids: Vec<u64> = changed.iter().map(|e| e.id).collect();
    for u in &told {
        queue.push(OutboxItem {
            to: *u,
            due: now,
            attempts: 0,
            message: Outgoing::SeriesChanged {
                launch,
                events: ids.clone(),
            },
        });
    }
    let mut events = Vec::new();
    for e in changed {
        let mut c = Change {
            event: e,
            queue: Vec::new(),
        };
        if !c.event.cancelled {
            for u in c.event.attendees.clone() {
                super::event::queue_reminders(&mut c, u, now, rules);
            }
            // Its facilitators lead it at the new time too, and the other parents of families
            // on it are reminded beside them (the old reminders are skipped by their version).
            for u in c.event.facilitators.clone() {
                super::event::queue_leader_reminders(&mut c, u, now, rules);
            }
            for u in c.event.co_parents.clone() {
                super::event::queue_leader_reminders(&mut c, u, now, rules);
            }
        }
        queue.extend(c.queue);
        events.push(c.event);
    }
    Some(Edited { events, queue })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{EventText, Visibility};
    use crate::domain::Lang;

    fn helsinki(s: &str) -> DateTime<Utc> {
        let naive = chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%d %H:%M").expect("time");
        TZ.from_local_datetime(&naive)
            .single()
            .expect("one time")
            .with_timezone(&Utc)
    }

    fn local(t: DateTime<Utc>) -> String {
        t.with_timezone(&TZ).format("%Y-%m-%d %H:%M").to_string()
    }

    fn weekly(count: u32) -> SeriesPlan {
        SeriesPlan {
            start: helsinki("2027-03-11 17:00"),
            end: helsinki("2027-03-11 18:30"),
            every_days: 7,
            count,
            skip: vec![],
            moved: vec![],
        }
    }

    #[test]
    fn weekly_meetings_keep_the_wall_clock_across_summer_time() {
        let m = meetings(&weekly(4)).expect("a series");
        let starts: Vec<String> = m.iter().map(|(s, _)| local(*s)).collect();
        // Summer time begins on 28 March 2027: 17.00 stays 17.00.
        assert_eq!(
            starts,
            [
                "2027-03-11 17:00",
                "2027-03-18 17:00",
                "2027-03-25 17:00",
                "2027-04-01 17:00"
            ]
        );
        assert!(m.iter().all(|(s, e)| *e - *s == Duration::minutes(90)));
    }

    #[test]
    fn a_skipped_week_and_a_moved_meeting() {
        let mut p = weekly(4);
        // No meeting in the third week (Easter); the fourth meeting on a Wednesday.
        p.skip = vec![3];
        p.moved = vec![(4, helsinki("2027-04-07 18:00"))];
        let starts: Vec<String> = meetings(&p)
            .expect("a series")
            .iter()
            .map(|(s, _)| local(*s))
            .collect();
        assert_eq!(
            starts,
            [
                "2027-03-11 17:00",
                "2027-03-18 17:00",
                "2027-04-01 17:00",
                "2027-04-07 18:00"
            ]
        );
    }

    #[test]
    fn plans_that_give_no_series() {
        let cases = [
            (
                SeriesPlan {
                    count: 0,
                    ..weekly(1)
                },
                SeriesError::OutOfRange,
            ),
            (
                SeriesPlan {
                    count: MAX_MEETINGS + 1,
                    ..weekly(1)
                },
                SeriesError::OutOfRange,
            ),
            (
                SeriesPlan {
                    every_days: 0,
                    ..weekly(2)
                },
                SeriesError::OutOfRange,
            ),
            (
                SeriesPlan {
                    skip: vec![1],
                    ..weekly(3)
                },
                SeriesError::BadSkip,
            ),
            (
                SeriesPlan {
                    skip: vec![5],
                    ..weekly(3)
                },
                SeriesError::BadSkip,
            ),
            (
                SeriesPlan {
                    moved: vec![(4, helsinki("2027-04-07 18:00"))],
                    ..weekly(3)
                },
                SeriesError::BadMove,
            ),
            (
                SeriesPlan {
                    moved: vec![(2, helsinki("2027-03-11 18:00"))],
                    ..weekly(3)
                },
                SeriesError::Overlap,
            ),
        ];
        for (p, want) in cases {
            assert_eq!(meetings(&p), Err(want), "{p:?}");
        }
    }

    fn meeting(id: u64, start: &str, people: &[u64]) -> Event {
        let s = helsinki(start);
        Event {
            id,
            title: EventText::new(Lang::Fi, "Tilli Toukka"),
            description: None,
            group: None,
            start: s,
            end: s + Duration::minutes(90),
            place: "Tilli-tila".into(),
            capacity: None,
            organiser: UserId(9),
            cancelled: false,
            version: 1,
            attendees: people.iter().map(|u| UserId(*u)).collect(),
            waiting: Vec::new(),
            key: None,
            visibility: Visibility::Launch { launch: 1 },
            token: None,
            revision: 0,
            series: Some("launch-1".into()),
            came: Vec::new(),
            facilitators: Vec::new(),
            co_parents: Vec::new(),
        }
    }

    #[test]
    fn moving_the_rest_of_a_series_tells_each_family_once() {
        let series = [
            meeting(1, "2027-03-11 17:00", &[1, 2]),
            meeting(2, "2027-03-18 17:00", &[1, 2, 3]),
            meeting(3, "2027-03-25 17:00", &[1, 3]),
        ];
        let now = helsinki("2027-03-12 09:00");
        let (changed, tell) =
            shift_rest(&series, 2, helsinki("2027-03-19 17:00"), now).expect("moves");
        let starts: Vec<String> = changed.iter().map(|e| local(e.start)).collect();
        // The second and third a day later, at the same time on the wall clock.
        assert_eq!(starts, ["2027-03-19 17:00", "2027-03-26 17:00"]);
        assert_eq!(tell, vec![UserId(1), UserId(2), UserId(3)]);
        assert!(changed.iter().all(|e| e.version == 2));
        // Across the change to summer time (28 March), by whole days: still 17.00.
        let (changed, _) =
            shift_rest(&series, 3, helsinki("2027-03-29 17:00"), now).expect("moves");
        assert_eq!(local(changed[0].start), "2027-03-29 17:00");
        assert_eq!(
            shift_rest(&series, 2, series[1].start, now),
            None,
            "no move"
        );
        assert_eq!(
            shift_rest(&series, 9, series[1].start, now),
            None,
            "not in it"
        );
        assert_eq!(
            shift_rest(&series, 2, helsinki("2027-03-12 08:00"), now),
            None,
            "into the past"
        );
    }

    #[test]
    fn one_meeting_changed_alone_may_not_run_into_another() {
        let mut series = [
            meeting(1, "2027-03-11 17:00", &[1]),
            meeting(2, "2027-03-18 17:00", &[1]),
            meeting(3, "2027-03-25 17:00", &[1]),
        ];
        let mut moved = series[1].clone();
        moved.start = helsinki("2027-03-25 16:00");
        moved.end = moved.start + Duration::minutes(90);
        assert!(!apart(&series, &moved), "onto the third");
        moved.start = helsinki("2027-03-25 15:30");
        moved.end = moved.start + Duration::minutes(90);
        assert!(apart(&series, &moved), "ends as the third begins");
        let mut longer = series[0].clone();
        longer.end = helsinki("2027-03-18 17:30");
        assert!(!apart(&series, &longer), "runs into the second");
        series[2].cancelled = true;
        moved.start = helsinki("2027-03-25 17:00");
        moved.end = moved.start + Duration::minutes(90);
        assert!(apart(&series, &moved), "the third is cancelled");
    }

    /// No reminders, feedback an hour after: only the series' own messages are counted.
    struct NoReminders;
    impl Rules for NoReminders {
        fn pool_of(&self, r: &crate::domain::Registration) -> crate::domain::Pool {
            crate::domain::Pool {
                group: r.group.clone(),
                area: r.area.clone(),
                lang: None,
            }
        }
        fn threshold(&self, _: &crate::domain::GroupId) -> Option<u32> {
            None
        }
        fn coordinator_ids(&self, _: crate::domain::remit::Scope<'_>) -> Vec<UserId> {
            Vec::new()
        }
        fn reminder_times(&self, _: DateTime<Utc>, _: DateTime<Utc>) -> Vec<DateTime<Utc>> {
            Vec::new()
        }
        fn feedback_time(&self, end: DateTime<Utc>) -> DateTime<Utc> {
            end + Duration::hours(1)
        }
    }

    fn series_changed(e: &Edited) -> Vec<(u64, Vec<u64>)> {
        e.queue
            .iter()
            .filter_map(|i| match &i.message {
                Outgoing::SeriesChanged { events, .. } => Some((i.to.0, events.clone())),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn a_change_to_the_rest_of_a_series_is_one_message_per_family() {
        let series = [
            meeting(1, "2027-03-11 17:00", &[1, 2]),
            meeting(2, "2027-03-18 17:00", &[1, 2, 3]),
            meeting(3, "2027-03-25 17:00", &[1, 3]),
        ];
        let now = helsinki("2027-03-12 09:00");
        let cancelled =
            edit(1, &series, Edit::CancelRest { event: 2 }, now, &NoReminders).expect("cancels");
        assert!(cancelled.events.iter().all(|e| e.cancelled));
        assert_eq!(
            cancelled.events.iter().map(|e| e.id).collect::<Vec<_>>(),
            [2, 3]
        );
        assert_eq!(
            series_changed(&cancelled),
            vec![(1, vec![2, 3]), (2, vec![2, 3]), (3, vec![2, 3])]
        );
        // One meeting moved onto the next one: refused; past ones and unknown ones too.
        let onto = Edit::MoveOne {
            event: 2,
            to: helsinki("2027-03-25 17:30"),
        };
        assert_eq!(edit(1, &series, onto, now, &NoReminders), None);
        assert_eq!(
            edit(1, &series, Edit::CancelOne { event: 1 }, now, &NoReminders),
            None,
            "it has begun"
        );
        assert_eq!(
            edit(1, &series, Edit::CancelOne { event: 9 }, now, &NoReminders),
            None
        );
        // One meeting a day later: its own families only, and its feedback question anew.
        let moved = Edit::MoveOne {
            event: 3,
            to: helsinki("2027-03-26 17:00"),
        };
        let one = edit(1, &series, moved, now, &NoReminders).expect("moves");
        assert_eq!(series_changed(&one), vec![(1, vec![3]), (3, vec![3])]);
        assert_eq!(one.events[0].version, 2);
        assert!(one.queue.iter().any(|i| i.message
            == Outgoing::FeedbackRequest {
                event: 3,
                version: Some(2)
            }
            && i.due == helsinki("2027-03-26 19:30")));
    }
}
