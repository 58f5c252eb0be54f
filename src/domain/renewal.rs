//! Interest is renewed: a registration waiting for a group is confirmed every
//! `[privacy] renew_months`. The parent is asked once, neutrally, whether they are still
//! interested; no answer within `renew_answer_days` pauses the registration (it no longer counts
//! and is not invited, until they say they are still interested). This replaces the retention
//! notice for waiting registrations: one that is confirmed never reaches the end of its
//! retention period, and one that is paused gets the notice like any other.
//!
//! Pure: the daily job reads the registrations, asks [`step`], and writes what it returns.

use super::{Outgoing, Pause, Registration, Status};
use chrono::{DateTime, Duration, Months, Utc};

/// How often interest is confirmed, and how long an answer is waited for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Months from the last confirmation to the question.
    pub months: u32,
    /// How long after the question a registration without an answer is paused.
    pub answer: Duration,
}

/// What renewal does with one registration now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Due {
    /// Ask whether the parent is still interested.
    Ask,
    /// The question went unanswered: pause the registration.
    Pause,
}

/// When a registration's parent is next asked (if they are not being asked already).
#[must_use]
pub fn ask_at(r: &Registration, policy: &Policy) -> DateTime<Utc> {
    r.confirmed_at()
        .checked_add_months(Months::new(policy.months))
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// What is due for a registration at `now`. Only waiting registrations are renewed: one invited
/// or accepted is answering an invitation, and one paused says by itself that it waits for the
/// parent.
#[must_use]
pub fn due(r: &Registration, policy: &Policy, now: DateTime<Utc>) -> Option<Due> {
    if r.status != Status::Waiting {
        return None;
    }
    match r.renewal_asked {
        // Asked before the last confirmation (an edit since): the answer is given.
        Some(asked) if asked >= r.confirmed_at() => {
            (now >= asked + policy.answer).then_some(Due::Pause)
        }
        _ => (now >= ask_at(r, policy)).then_some(Due::Ask),
    }
}

/// The registration as it is after what is due, and the message to queue to its parent (the
/// question), or `None` when nothing is due.
#[must_use]
pub fn step(
    r: &Registration,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Option<(Registration, Option<Outgoing>)> {
    match due(r, policy, now)? {
        Due::Ask => Some((
            Registration {
                renewal_asked: Some(now),
                ..r.clone()
            },
            Some(Outgoing::RenewalAsk {
                group: r.group.clone(),
            }),
        )),
        Due::Pause => Some((
            Registration {
                status: Status::Paused {
                    why: Pause::Unrenewed,
                },
                ..r.clone()
            },
            None,
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::{AreaId, GroupId, Lang, UserId};
    use chrono::TimeZone;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, 10, 0, 0)
            .single()
            .expect("date")
    }

    fn reg(created: DateTime<Utc>) -> Registration {
        Registration {
            user: UserId(7),
            group: GroupId::parse("tilli-toukka").expect("id"),
            children: vec![crate::domain::Child {
                year: 2021,
                month: None,
            }],
            area: AreaId::parse("hyvinkaa").expect("id"),
            lang: Lang::Fi,
            times: vec![],
            contact: None,
            source: None,
            created_at: created,
            updated_at: created,
            status: Status::Waiting,
            expiry_notice: None,
            consents: Default::default(),
            renewed_at: None,
            renewal_asked: None,
            note: None,
            added: None,
        }
    }

    const POLICY: Policy = Policy {
        months: 4,
        answer: Duration::days(14),
    };

    #[test]
    fn asked_after_the_period_then_paused_after_the_answer_time() {
        let r = reg(at(2026, 1, 10));
        assert_eq!(due(&r, &POLICY, at(2026, 5, 9)), None);
        let (asked, msg) = step(&r, &POLICY, at(2026, 5, 10)).expect("ask");
        assert_eq!(asked.renewal_asked, Some(at(2026, 5, 10)));
        assert_eq!(
            msg,
            Some(Outgoing::RenewalAsk {
                group: r.group.clone()
            })
        );
        // Asked once: the next day asks nothing more.
        assert_eq!(due(&asked, &POLICY, at(2026, 5, 11)), None);
        assert_eq!(due(&asked, &POLICY, at(2026, 5, 23)), None);
        let (paused, msg) = step(&asked, &POLICY, at(2026, 5, 24)).expect("pause");
        assert_eq!(
            paused.status,
            Status::Paused {
                why: Pause::Unrenewed
            }
        );
        assert_eq!(msg, None);
        // Paused: nothing more is due until the parent answers.
        assert_eq!(due(&paused, &POLICY, at(2027, 5, 24)), None);
    }

    #[test]
    fn still_interested_starts_the_period_anew_and_resumes() {
        let r = reg(at(2026, 1, 10));
        let (asked, _) = step(&r, &POLICY, at(2026, 5, 10)).expect("ask");
        let renewed = asked.renew(at(2026, 5, 12)).expect("renew");
        assert_eq!(renewed.renewal_asked, None);
        assert_eq!(due(&renewed, &POLICY, at(2026, 9, 11)), None);
        assert_eq!(due(&renewed, &POLICY, at(2026, 9, 12)), Some(Due::Ask));
        let (paused, _) = step(
            &step(&renewed, &POLICY, at(2026, 9, 12)).expect("ask").0,
            &POLICY,
            at(2026, 9, 26),
        )
        .expect("pause");
        let resumed = paused.renew(at(2026, 10, 1)).expect("resume");
        assert_eq!(resumed.status, Status::Waiting);
        assert_eq!(due(&resumed, &POLICY, at(2027, 1, 31)), None);
        assert_eq!(due(&resumed, &POLICY, at(2027, 2, 1)), Some(Due::Ask));
    }

    #[test]
    fn an_edit_after_the_question_answers_it() {
        let r = reg(at(2026, 1, 10));
        let (mut asked, _) = step(&r, &POLICY, at(2026, 5, 10)).expect("ask");
        asked.updated_at = at(2026, 5, 11);
        assert_eq!(due(&asked, &POLICY, at(2026, 5, 30)), None);
        assert_eq!(due(&asked, &POLICY, at(2026, 9, 11)), Some(Due::Ask));
    }

    #[test]
    fn invited_and_accepted_registrations_are_not_asked() {
        let mut r = reg(at(2026, 1, 10));
        r.status = Status::Invited { launch: 1 };
        assert_eq!(due(&r, &POLICY, at(2027, 1, 1)), None);
        assert_eq!(r.renew(at(2027, 1, 1)), None);
        r.status = Status::Accepted { launch: 1 };
        assert_eq!(due(&r, &POLICY, at(2027, 1, 1)), None);
    }
}
