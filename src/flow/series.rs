//! Meeting series in the conversation: the series question of a launch (how many meetings, how
//! often, a week left out, a meeting moved), a coordinator moving or cancelling meetings of a
//! series, and attendance (`/attendance`: who came to each meeting). The rules are
//! [`crate::domain::series`]'s and [`crate::domain::event::mark_attendance`]'s; who may manage a
//! group's meetings is decided once, in [`Engine::manages_meetings`].

use super::engine::Engine;
use super::launch::LaunchDraft;
use super::reply::{button, num, text, text_button, Arg, Button, Label, Line, Reply};
use super::{Callback, Effect, State};
use crate::callback::ManageAction;
use crate::domain::event::{Event, Visibility};
use crate::domain::series::{self, Edit, SeriesPlan};
use crate::domain::when::{format_date, format_when, parse_when};
use crate::domain::{Launch, UserId};
use crate::msg::Msg;
use chrono::{DateTime, Utc};

/// How many meetings `/attendance` offers (the latest that have begun).
const ATTENDANCE_MEETINGS: usize = 12;

/// The series a launch draft plans, with its first meeting.
pub(super) fn plan_of(d: &LaunchDraft, start: DateTime<Utc>, end: DateTime<Utc>) -> SeriesPlan {
    SeriesPlan {
        start,
        end,
        every_days: d.every_days,
        count: d.count,
        skip: d.skip.clone(),
        moved: d.moved.clone(),
    }
}

/// Whether the draft's series gives meetings (once the first meeting is known).
fn check(d: &LaunchDraft) -> Result<(), Msg> {
    match (d.start, d.end) {
        (Some(s), Some(e)) => series::meetings(&plan_of(d, s, e))
            .map(|_| ())
            .map_err(|_| Msg::LaunchBadSeries),
        _ => Ok(()),
    }
}

/// The interval button: `days` from one meeting to the next.
pub(super) fn set_every(d: &mut LaunchDraft, days: u32) -> Result<(), Msg> {
    let mut next = d.clone();
    next.every_days = days;
    check(&next)?;
    *d = next;
    Ok(())
}

/// Text typed at the series question: `6` (six meetings), `-3` (no meeting in the third week;
/// again to take it back), `4: 7.4. 18` (the fourth meeting at another time).
pub(super) fn series_text(d: &mut LaunchDraft, t: &str, now: DateTime<Utc>) -> Result<(), Msg> {
    let mut next = d.clone();
    let number = |s: &str| s.trim().parse::<u32>().map_err(|_| Msg::LaunchBadSeries);
    if let Some(week) = t.strip_prefix('-') {
        let week = number(week)?;
        if next.skip.contains(&week) {
            next.skip.retain(|w| *w != week);
        } else {
            next.skip.push(week);
            next.skip.sort_unstable();
        }
    } else if let Some((n, when)) = t.split_once(':') {
        let n = number(n)?;
        let to = parse_when(when.trim(), now).map_err(|_| Msg::LaunchBadSeries)?;
        next.moved.retain(|(m, _)| *m != n);
        next.moved.push((n, to));
    } else {
        let count = number(t)?;
        next.count = count;
        next.moved.retain(|(m, _)| *m <= count);
        next.skip.retain(|w| *w <= count);
    }
    check(&next)?;
    *d = next;
    Ok(())
}

impl Engine<'_> {
    /// Whether the person talking may manage a launched group's meetings: move or cancel them,
    /// see and mark who came. The one rule for every path (the card's buttons, `/attendance`,
    /// forged buttons): the coordinators who see the launch's pool (its group, in its area),
    /// and the launch's facilitators (they facilitate its group and, when the coordinator asked
    /// facilitators to take it, said yes: [`Engine::facilitates_launch`]).
    pub(super) fn manages_meetings(&self, l: &Launch) -> bool {
        self.may_pool(&l.pool) || self.facilitates_launch(l)
    }

    /// Whether the person may move or cancel an event: a launch's meeting (one, or it and the
    /// later ones) by [`Engine::manages_meetings`] alone, whoever asks (its coordinators and its
    /// facilitators, by the card's buttons, a forged button or the typed new time); any other
    /// event by [`Engine::manages`].
    pub(super) fn moves(&self, e: &Event) -> bool {
        match e.visibility {
            Visibility::Launch { .. } => self.managed_launch(e).is_some(),
            Visibility::Public => self.manages(e),
        }
    }

    /// Whether a launch's meeting, changed alone (`e`), stays apart from the launch's other
    /// meetings; any other event: true.
    pub(super) fn meetings_apart(&self, e: &Event) -> bool {
        let Visibility::Launch { launch } = e.visibility else {
            return true;
        };
        let Some(l) = self.ctx.view.launch(launch) else {
            return true;
        };
        let meetings: Vec<Event> = l
            .meeting_ids()
            .into_iter()
            .filter_map(|id| self.ctx.view.event(id))
            .collect();
        series::apart(&meetings, e)
    }

    /// The launch a meeting belongs to, if the person may manage its meetings.
    fn managed_launch(&self, e: &Event) -> Option<Launch> {
        let Visibility::Launch { launch } = e.visibility else {
            return None;
        };
        self.ctx
            .view
            .launch(launch)
            .filter(|l| self.manages_meetings(l))
    }

    /// The series question of a launch: the meetings as planned, and how to change them.
    pub(super) fn series_question(
        &self,
        d: &LaunchDraft,
        start: DateTime<Utc>,
        name: &Arg,
    ) -> Reply {
        let end = d.end.unwrap_or(start);
        let mut r = Reply::default().line(
            Msg::LaunchAskSeries,
            vec![
                ("group", name.clone()),
                ("count", num(d.count)),
                ("days", num(d.every_days)),
            ],
        );
        let now = self.ctx.now;
        let mut dated: Vec<(DateTime<Utc>, Line)> = Vec::new();
        if let Ok(m) = series::meetings(&plan_of(d, start, end)) {
            for (i, (s, _)) in m.iter().enumerate() {
                dated.push((
                    *s,
                    Line {
                        msg: Msg::LaunchSeriesMeeting,
                        args: vec![
                            ("n", num(i + 1)),
                            ("when", text(format_when(*s, self.lang, now))),
                        ],
                        tight: true,
                    },
                ));
            }
        }
        for w in &d.skip {
            let at = series::days_later(start, i64::from((w - 1) * d.every_days));
            dated.push((
                at,
                Line {
                    msg: Msg::LaunchSeriesSkipped,
                    args: vec![("date", text(format_date(at, self.lang, now)))],
                    tight: true,
                },
            ));
        }
        dated.sort_by_key(|(t, _)| *t);
        r.lines.extend(dated.into_iter().map(|(_, l)| l));
        r.line(Msg::LaunchSeriesHelp, vec![]).row(vec![
            button(Msg::BtnSeriesWeekly, Callback::SeriesEvery(7)),
            button(Msg::BtnSeriesFortnightly, Callback::SeriesEvery(14)),
        ])
    }

    /// The summary's line about the series (none for a single meeting).
    pub(super) fn series_summary(&self, d: &LaunchDraft, start: DateTime<Utc>) -> Vec<Line> {
        if d.count < 2 {
            return Vec::new();
        }
        let end = d.end.unwrap_or(start);
        let Ok(m) = series::meetings(&plan_of(d, start, end)) else {
            return Vec::new();
        };
        let last = m.last().map_or(start, |(s, _)| *s);
        vec![Line::new(
            Msg::LaunchSummarySeries,
            vec![
                ("count", num(d.count)),
                ("days", num(d.every_days)),
                ("last", text(format_when(last, self.lang, self.ctx.now))),
            ],
        )]
    }

    /// The buttons under a launch meeting's card, for whoever manages its meetings: who came
    /// (once it has begun), moving or cancelling it alone (for a facilitator: a coordinator
    /// has the card's edit and cancel buttons), and with the later meetings.
    pub(super) fn series_buttons(&self, e: &Event) -> Vec<Vec<Button>> {
        let Some(l) = self.managed_launch(e) else {
            return Vec::new();
        };
        let mut rows = Vec::new();
        if !self.manages(e) && e.start > self.ctx.now && !e.cancelled {
            rows.push(vec![
                button(
                    Msg::BtnMeetingMove,
                    Callback::EditField(e.id, crate::callback::EventField::Start),
                ),
                button(
                    Msg::BtnMeetingCancel,
                    Callback::Manage(e.id, ManageAction::Cancel),
                ),
            ]);
        }
        if e.start <= self.ctx.now && !e.cancelled {
            rows.push(vec![button(Msg::BtnAttendance, Callback::Attendance(e.id))]);
        }
        if l.meeting_ids().len() > 1 && e.start > self.ctx.now && !e.cancelled {
            rows.push(vec![
                button(
                    Msg::BtnSeriesMoveRest,
                    Callback::Manage(e.id, ManageAction::MoveRest),
                ),
                button(
                    Msg::BtnSeriesCancelRest,
                    Callback::Manage(e.id, ManageAction::CancelRest),
                ),
            ]);
        }
        rows
    }

    /// A series action on a meeting's card.
    pub(super) fn series_manage(&mut self, state: State, id: u64, action: ManageAction) -> State {
        let Some((e, l)) = self
            .ctx
            .view
            .event(id)
            .and_then(|e| self.managed_launch(&e).map(|l| (e, l)))
            .filter(|(e, _)| !e.cancelled && e.start > self.ctx.now)
        else {
            return self.hint(state, Msg::HintStaleButton);
        };
        let when = text(format_when(e.start, self.lang, self.ctx.now));
        let later = self.later_meetings(&l, &e).len();
        match action {
            ManageAction::MoveRest => {
                self.say(
                    Reply::default()
                        .line(
                            Msg::SeriesMoveAsk,
                            vec![("when", when), ("count", num(later))],
                        )
                        .row(vec![button(Msg::BtnCancel, Callback::Cancel)]),
                );
                State::MovingMeetings { event: id }
            }
            ManageAction::CancelRest => {
                self.say(
                    Reply::default()
                        .line(
                            Msg::SeriesCancelAsk,
                            vec![("when", when), ("count", num(later))],
                        )
                        .row(vec![button(
                            Msg::BtnSeriesCancelRestYes,
                            Callback::Manage(id, ManageAction::CancelRestYes),
                        )])
                        .row(vec![button(Msg::BtnKeep, Callback::Keep)]),
                );
                state
            }
            ManageAction::CancelRestYes => {
                self.effects.push(Effect::EditSeries {
                    launch: l.id,
                    edit: Edit::CancelRest { event: id },
                });
                self.say(Reply::default().line(Msg::SeriesCancelled, vec![("count", num(later))]));
                State::Idle
            }
            _ => self.hint(state, Msg::HintStaleButton),
        }
    }

    /// The meetings of a launch from `e` on, not cancelled, in order.
    fn later_meetings(&self, l: &Launch, e: &Event) -> Vec<Event> {
        let mut v: Vec<Event> = l
            .meeting_ids()
            .into_iter()
            .filter_map(|id| self.ctx.view.event(id))
            .filter(|m| !m.cancelled && m.start >= e.start)
            .collect();
        v.sort_by_key(|m| m.start);
        v
    }

    /// The new time of a meeting, typed: it and every later meeting move by the same amount.
    pub(super) fn moving_text(&mut self, id: u64, t: &str) -> State {
        let Some((e, l)) = self
            .ctx
            .view
            .event(id)
            .and_then(|e| self.managed_launch(&e).map(|l| (e, l)))
            .filter(|(e, _)| !e.cancelled && e.start > self.ctx.now)
        else {
            self.say(Reply::msg(Msg::EventOver));
            return State::Idle;
        };
        let now = self.ctx.now;
        let Ok(to) = parse_when(t.trim(), now) else {
            return self.hint(State::MovingMeetings { event: id }, Msg::LaunchBadWhen);
        };
        // The same rule the store applies decides what the coordinator is told.
        let mut meetings: Vec<Event> = l
            .meeting_ids()
            .into_iter()
            .filter_map(|m| self.ctx.view.event(m))
            .collect();
        meetings.sort_by_key(|m| m.start);
        let change = Edit::MoveRest { event: id, to };
        let Some(edited) = series::edit(l.id, &meetings, change, now, self.ctx.config) else {
            return self.hint(State::MovingMeetings { event: id }, Msg::SeriesMoveBad);
        };
        self.effects.push(Effect::EditSeries {
            launch: l.id,
            edit: change,
        });
        let mut r = Reply::default().line(
            Msg::SeriesMoved,
            vec![
                ("count", num(edited.events.len())),
                ("when", text(format_when(e.start, self.lang, now))),
            ],
        );
        for m in &edited.events {
            r.lines.push(Line {
                msg: Msg::SeriesChangedMoved,
                args: vec![
                    ("when", text(format_when(m.start, self.lang, now))),
                    ("place", text(m.place.clone())),
                ],
                tight: true,
            });
        }
        self.say(r);
        State::Idle
    }

    // ---- attendance ----

    /// `/attendance`: the latest meetings that have begun, of the launches the person manages.
    pub(super) fn attendance_menu(&mut self) {
        let now = self.ctx.now;
        let mut begun: Vec<Event> = self
            .ctx
            .view
            .launches()
            .into_iter()
            .filter(|l| self.manages_meetings(l))
            .flat_map(|l| l.meeting_ids())
            .filter_map(|id| self.ctx.view.event(id))
            .filter(|e| !e.cancelled && e.start <= now)
            .collect();
        begun.sort_by_key(|e| std::cmp::Reverse(e.start));
        begun.truncate(ATTENDANCE_MEETINGS);
        if begun.is_empty() {
            self.say(Reply::msg(Msg::AttendanceNone));
            return;
        }
        let mut r = Reply::msg(Msg::AttendanceChoose);
        for e in &begun {
            let label = format!(
                "{} · {} ({}/{})",
                e.title.get(self.lang),
                format_date(e.start, self.lang, now),
                e.came.len(),
                e.attendees.len()
            );
            r = r.row(vec![text_button(&label, Callback::Attendance(e.id))]);
        }
        self.say(r);
    }

    /// The families of a meeting that has begun, each with a button: came, or not (pressed
    /// again). A name only with the parent's consent to share it, else "family 1, 2, …" in
    /// the launch's invitation order, the same numbers at every meeting of the launch.
    fn attendance_list(&mut self, e: &Event, l: &Launch) {
        let now = self.ctx.now;
        let mut r = Reply::default().line(
            Msg::AttendanceTitle,
            vec![
                ("title", text(e.title.get(self.lang))),
                ("when", text(format_when(e.start, self.lang, now))),
                ("came", num(e.came.len())),
                ("count", num(e.attendees.len())),
            ],
        );
        if e.attendees.is_empty() {
            r = r.line(Msg::AttendanceEmpty, vec![]);
        }
        for user in &e.attendees {
            let Some(n) = family_number(l, *user) else {
                continue;
            };
            let came = e.came.contains(user);
            // A facilitator (who is not also a coordinator of the pool) sees a name only with
            // a name-sharing consent that names the facilitators, as in `/group`.
            let name = if self.may_pool(&l.pool) {
                self.ctx
                    .view
                    .signup_of(e.id, *user)
                    .and_then(|s| s.contact)
                    .or_else(|| {
                        self.ctx
                            .view
                            .registration(*user, &l.pool.group)
                            .and_then(|r| r.contact)
                    })
            } else {
                self.ctx
                    .view
                    .registration(*user, &l.pool.group)
                    .filter(|r| crate::domain::facilitator::name_for_facilitators(&r.consents))
                    .and_then(|r| r.contact)
            }
            .map(|c| super::launch::who_text(&c));
            let who = name.map_or_else(
                || Arg::Join(vec![Arg::Msg(Msg::AttendanceFamily), num(n)], " "),
                text,
            );
            r = r.row(vec![Button {
                label: Label::MsgArgs(
                    if came {
                        Msg::BtnAttendCame
                    } else {
                        Msg::BtnAttendNotYet
                    },
                    vec![("who", who)],
                ),
                callback: Callback::Attend(e.id, n, !came),
            }]);
        }
        self.say(r);
    }

    /// The attendance buttons.
    pub(super) fn attendance_button(&mut self, state: State, cb: Callback) -> State {
        let id = match cb {
            Callback::Attendance(id) | Callback::Attend(id, ..) => id,
            _ => return self.hint(state, Msg::HintStaleButton),
        };
        let now = self.ctx.now;
        let Some((mut e, l)) = self
            .ctx
            .view
            .event(id)
            .and_then(|e| self.managed_launch(&e).map(|l| (e, l)))
            .filter(|(e, _)| !e.cancelled && e.start <= now)
        else {
            return self.hint(state, Msg::HintStaleButton);
        };
        if let Callback::Attend(_, n, came) = cb {
            let Some(user) = usize::try_from(n)
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| l.invitations.get(i))
                .map(|i| i.user)
            else {
                return self.hint(state, Msg::HintStaleButton);
            };
            match crate::domain::event::mark_attendance(&e, user, came, now) {
                Some(c) => {
                    self.effects.push(Effect::MarkAttendance {
                        event: id,
                        user,
                        came,
                    });
                    e = c.event;
                }
                None if e.attending(user) => {}
                None => return self.hint(state, Msg::HintStaleButton),
            }
        }
        self.attendance_list(&e, &l);
        state
    }
}

/// A family's number in a launch: its place in the invitation order, from 1.
fn family_number(l: &Launch, user: UserId) -> Option<u32> {
    l.invitations
        .iter()
        .position(|i| i.user == user)
        .and_then(|i| u32::try_from(i + 1).ok())
}
