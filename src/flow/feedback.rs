//! Feedback in the conversation: a parent answering an event's questions one by one (the
//! group's questions from the config), and the coordinator's report (`/report`, `/feedback`)
//! of an event, a series or a period, as a message, a chart and a CSV file. The rules — which
//! question follows, what an answer records, what a report may show — are
//! [`crate::domain::feedback`]'s.

use super::engine::Engine;
use super::events::format_mean;
use super::reply::{
    button, num, text, text_button, Arg, Attachment, Button, ChartPanel, ChartUnit,
};
use super::reply::{Label, Line, Reply};
use super::{Callback, Effect, State};
use crate::domain::event::Event;
use crate::domain::feedback::{self, Answer, Month, Question, Report, Scope, MIN_ANSWERS};
use crate::domain::when::format_date;
use crate::domain::Feedback;
use crate::msg::Msg;
use std::collections::{BTreeMap, BTreeSet};

/// How many past events the report menu offers one by one (older ones by period).
const MENU_EVENTS: usize = 15;

pub use super::callback::ReportPick;

impl Engine<'_> {
    // ---- a parent answering ----

    /// The feedback question sent after an event (from the outbox): the neutral first line,
    /// thanks, and the group's first question.
    pub(super) fn feedback_ask(&self, e: &Event) -> Option<Reply> {
        let questions = self.ctx.config.feedback_questions(e.group.as_ref());
        let first = feedback::next(questions, None)?;
        let mut r = Reply::msg(Msg::EventFirst).line(
            Msg::FeedbackAsk,
            vec![("title", text(e.title.get(self.lang)))],
        );
        let q = self.feedback_question(e, first);
        r.lines.extend(q.lines);
        r.buttons = q.buttons;
        Some(r)
    }

    /// One question with its buttons (a comment: the prompt and "skip").
    fn feedback_question(&self, e: &Event, q: Question) -> Reply {
        let answer = |msg: Msg, option: u8| button(msg, Callback::FeedbackAnswer(e.id, q, option));
        match q {
            Question::Useful => Reply::msg(Msg::FeedbackQUseful).row(vec![
                answer(Msg::BtnFeedbackYes, 0),
                answer(Msg::BtnFeedbackPartly, 1),
                answer(Msg::BtnFeedbackNo, 2),
            ]),
            Question::Continue => Reply::msg(Msg::FeedbackQContinue).row(vec![
                answer(Msg::BtnFeedbackYes, 0),
                answer(Msg::BtnFeedbackNo, 1),
            ]),
            Question::Rating => Reply::msg(Msg::FeedbackQRating).row(
                q.options()
                    .iter()
                    .map(|r| Button {
                        label: Label::Text(r.to_string()),
                        callback: Callback::FeedbackAnswer(e.id, q, *r),
                    })
                    .collect(),
            ),
            Question::Comment => Reply::msg(Msg::FeedbackQComment)
                .row(vec![button(Msg::BtnSkip, Callback::FeedbackSkip(e.id))]),
        }
    }

    /// The event someone may give feedback on: one they see, came to, and that has begun.
    fn feedback_event(&self, id: u64) -> Option<Event> {
        let user = self.ctx.person.user;
        self.visible_event(id)
            .filter(|e| e.attending(user) && e.start <= self.ctx.now)
    }

    /// A button answering one question: recorded, then the next question (or thanks).
    pub(super) fn feedback_answer(&mut self, state: State, id: u64, q: Question, o: u8) -> State {
        let Some(e) = self.feedback_event(id) else {
            return self.hint(state, Msg::HintStaleButton);
        };
        let questions = self.ctx.config.feedback_questions(e.group.as_ref());
        let Some(answer) = Answer::of_option(q, o).filter(|_| questions.contains(&q)) else {
            return self.hint(state, Msg::HintStaleButton);
        };
        self.effects.push(Effect::Feedback { event: id, answer });
        match feedback::next(questions, Some(q)) {
            Some(Question::Comment) => {
                self.say(self.feedback_question(&e, Question::Comment));
                State::FeedbackComment { event: id }
            }
            Some(next) => {
                self.say(self.feedback_question(&e, next));
                state
            }
            None => {
                self.say(Reply::msg(Msg::FeedbackDone));
                state
            }
        }
    }

    /// "Skip" under the comment question.
    pub(super) fn feedback_skip(&mut self, state: State, id: u64) -> State {
        match state {
            State::FeedbackComment { event } if event == id => {
                self.say(Reply::msg(Msg::FeedbackDone));
                State::Idle
            }
            other => self.hint(other, Msg::HintStaleButton),
        }
    }

    /// The comment, typed after the last question with buttons.
    pub(super) fn feedback_comment(&mut self, id: u64, t: &str) -> State {
        if t.trim().is_empty() {
            return self.hint(State::FeedbackComment { event: id }, Msg::HintUseButtons);
        }
        if self.feedback_event(id).is_none() {
            return self.hint(State::Idle, Msg::HintStaleButton);
        }
        self.effects.push(Effect::Feedback {
            event: id,
            answer: Answer::Comment(t.to_owned()),
        });
        self.say(Reply::msg(Msg::FeedbackDone));
        State::Idle
    }

    // ---- the coordinator's report ----

    /// The past events the coordinator may report on, newest first.
    fn reportable(&self) -> Vec<Event> {
        let now = self.ctx.now;
        let mut v: Vec<Event> = self
            .ctx
            .view
            .events()
            .into_iter()
            .filter(|e| !e.cancelled && e.start <= now && self.manages(e))
            .collect();
        v.sort_by_key(|e| std::cmp::Reverse(e.start));
        v
    }

    /// `/feedback [event id]`: the report of one event, or the events to pick from.
    pub(super) fn feedback_menu(&mut self, id: Option<u64>) {
        if let Some(id) = id.filter(|id| self.reportable().iter().any(|e| e.id == *id)) {
            self.report(&Scope::Event(id));
            return;
        }
        self.report_menu();
    }

    /// `/report [month [month]]`: the menu, or the report of a period typed as `2027-03 2027-05`.
    pub(super) fn report_command(&mut self, state: State, arg: Option<&str>) -> State {
        if !self.is_coordinator() {
            return self.hint(state, Msg::HintUnknownCommand);
        }
        let parts: Vec<&str> = arg.unwrap_or_default().split_whitespace().collect();
        let period = match parts[..] {
            [] => {
                self.report_menu();
                return state;
            }
            [m] => Month::parse(m).map(|m| (m, m)),
            [from, to] => Month::parse(from)
                .zip(Month::parse(to))
                .filter(|(f, t)| f <= t),
            _ => None,
        };
        match period {
            Some((from, to)) => self.report(&Scope::Period { from, to }),
            None => self.say(Reply::msg(Msg::ReportUsage)),
        }
        state
    }

    /// A report button: only a coordinator's, and only on events they manage (checked again
    /// in [`Self::report`]).
    pub(super) fn report_button(&mut self, state: State, pick: ReportPick) -> State {
        if !self.is_coordinator() {
            return self.hint(state, Msg::HintStaleButton);
        }
        match pick {
            ReportPick::Scope(scope) => self.report(&scope),
            ReportPick::Months(from) => self.report_months(from),
        }
        state
    }

    /// The series among events, with their events (oldest first).
    fn series_of(events: &[Event]) -> BTreeMap<String, Vec<&Event>> {
        let mut m: BTreeMap<String, Vec<&Event>> = BTreeMap::new();
        for e in events {
            if let Some(s) = &e.series {
                m.entry(s.clone()).or_default().push(e);
            }
        }
        for v in m.values_mut() {
            v.sort_by_key(|e| e.start);
        }
        m
    }

    /// A series named by its group (or first meeting's title) and its first and last dates.
    fn series_label(&self, events: &[&Event]) -> String {
        let (Some(first), Some(last)) = (events.first(), events.last()) else {
            return String::new();
        };
        let name = first
            .group
            .as_ref()
            .and_then(|g| self.ctx.config.group(g))
            .map_or_else(
                || first.title.get(self.lang).to_owned(),
                |g| g.name.get(self.lang).to_owned(),
            );
        let now = self.ctx.now;
        let (from, to) = (
            format_date(first.start, self.lang, now),
            format_date(last.start, self.lang, now),
        );
        if from == to {
            // One meeting so far (or all on one day): its date once.
            format!("{name} · {from}")
        } else {
            format!("{name} · {from}–{to}")
        }
    }

    fn event_label(&self, e: &Event) -> String {
        format!(
            "{} · {}",
            e.title.get(self.lang),
            format_date(e.start, self.lang, self.ctx.now)
        )
    }

    fn month_label(m: Month) -> String {
        format!("{}/{}", m.month, m.year)
    }

    /// What to report on: series, recent events, or a period.
    fn report_menu(&mut self) {
        let past = self.reportable();
        if past.is_empty() {
            self.say(Reply::msg(Msg::ReportNone));
            return;
        }
        let mut r = Reply::msg(Msg::ReportChoose);
        for (key, events) in Self::series_of(&past) {
            r = r.row(vec![text_button(
                &self.series_label(&events),
                Callback::Report(ReportPick::Scope(Scope::Series(key))),
            )]);
        }
        for e in past.iter().take(MENU_EVENTS) {
            r = r.row(vec![text_button(
                &self.event_label(e),
                Callback::Report(ReportPick::Scope(Scope::Event(e.id))),
            )]);
        }
        r = r.row(vec![button(
            Msg::BtnReportPeriod,
            Callback::Report(ReportPick::Months(None)),
        )]);
        self.say(r);
    }

    /// The months with past events: where a period starts, then where it ends.
    fn report_months(&mut self, from: Option<Month>) {
        let months: BTreeSet<Month> = self
            .reportable()
            .iter()
            .map(|e| Month::of(e.start))
            .filter(|m| from.is_none_or(|f| *m >= f))
            .collect();
        if months.is_empty() {
            self.say(Reply::msg(Msg::ReportNone));
            return;
        }
        let mut r = Reply::msg(if from.is_some() {
            Msg::ReportTo
        } else {
            Msg::ReportFrom
        });
        let buttons: Vec<Button> = months
            .into_iter()
            .map(|m| {
                let pick = match from {
                    None => ReportPick::Months(Some(m)),
                    Some(f) => ReportPick::Scope(Scope::Period { from: f, to: m }),
                };
                text_button(&Self::month_label(m), Callback::Report(pick))
            })
            .collect();
        for row in buttons.chunks(3) {
            r = r.row(row.to_vec());
        }
        self.say(r);
    }

    /// The report of a scope: a message, and (with enough answers) a chart, and a CSV file.
    pub(super) fn report(&mut self, scope: &Scope) {
        let now = self.ctx.now;
        let mut events: Vec<Event> = self
            .reportable()
            .into_iter()
            .filter(|e| feedback::in_scope(e, scope, now))
            .collect();
        if events.is_empty() {
            self.say(Reply::msg(Msg::ReportNone));
            return;
        }
        events.sort_by_key(|e| e.start);
        let per_event: Vec<(Event, Vec<Feedback>)> = events
            .into_iter()
            .map(|e| {
                let f = self.ctx.view.feedback(e.id);
                (e, f)
            })
            .collect();
        let report = Report::of(per_event.iter().flat_map(|(_, f)| f.iter()));
        let label = match scope {
            Scope::Event(_) => self.event_label(&per_event[0].0),
            Scope::Series(_) => {
                let refs: Vec<&Event> = per_event.iter().map(|(e, _)| e).collect();
                self.series_label(&refs)
            }
            Scope::Period { from, to } if from == to => Self::month_label(*from),
            Scope::Period { from, to } => {
                format!("{}–{}", Self::month_label(*from), Self::month_label(*to))
            }
        };

        let mut r = Reply::default().line(Msg::ReportTitle, vec![("scope", text(label.clone()))]);
        let mut rows: Vec<Vec<Arg>> = Vec::new();
        if per_event.len() > 1 {
            for (e, f) in &per_event {
                r.lines.push(Line {
                    msg: Msg::ReportEventLine,
                    args: vec![
                        ("event", text(self.event_label(e))),
                        ("count", num(f.len())),
                    ],
                    tight: true,
                });
                rows.push(vec![
                    Arg::Msg(Msg::CsvReportEvent),
                    text(self.event_label(e)),
                    num(f.len()),
                    text(""),
                ]);
            }
        }
        // A launched group's series: who came to each meeting (counts only, as marked).
        if matches!(scope, Scope::Series(_))
            && per_event
                .iter()
                .any(|(e, _)| !e.is_public() && e.series.is_some())
        {
            r = r.line(Msg::ReportAttendance, vec![]);
            for (e, _) in &per_event {
                r.lines.push(Line {
                    msg: Msg::ReportAttendanceLine,
                    args: vec![
                        ("event", text(self.event_label(e))),
                        ("came", num(e.came.len())),
                        ("count", num(e.attendees.len())),
                    ],
                    tight: true,
                });
                rows.push(vec![
                    Arg::Msg(Msg::CsvReportAttendance),
                    text(self.event_label(e)),
                    num(e.came.len()),
                    text(""),
                ]);
            }
        }
        r = r.line(Msg::ReportCount, vec![("count", num(report.answers))]);
        rows.push(vec![
            Arg::Msg(Msg::CsvReportAnswers),
            text(""),
            num(report.answers),
            text(""),
        ]);
        let Some(f) = &report.figures else {
            r = r.line(Msg::ReportTooFew, vec![("min", num(MIN_ANSWERS))]);
            self.say(r);
            self.say_report_csv(rows);
            return;
        };

        let yes = || Arg::Msg(Msg::ReportAnswerYes);
        let no = || Arg::Msg(Msg::ReportAnswerNo);
        let partly = || Arg::Msg(Msg::ReportAnswerPartly);
        let mut bars: Vec<(Arg, u32)> = Vec::new();
        let mut tally = |q: Msg, options: Vec<(Arg, usize, usize)>, rows: &mut Vec<Vec<Arg>>| {
            for (label, count, share) in options {
                bars.push((
                    Arg::Join(vec![Arg::Msg(q), label.clone()], ": "),
                    u32::try_from(count).unwrap_or(u32::MAX),
                ));
                rows.push(vec![Arg::Msg(q), label, num(count), num(share)]);
            }
        };
        if f.useful.total() > 0 {
            let [y, p, n] = f.useful.percents();
            r = r.line(
                Msg::ReportUseful,
                vec![
                    ("yes", num(y)),
                    ("partly", num(p)),
                    ("no", num(n)),
                    ("count", num(f.useful.total())),
                ],
            );
            let c = f.useful.counts;
            tally(
                Msg::ReportQUseful,
                vec![(yes(), c[0], y), (partly(), c[1], p), (no(), c[2], n)],
                &mut rows,
            );
        }
        if f.go_on.total() > 0 {
            let [y, n] = f.go_on.percents();
            r = r.line(
                Msg::ReportContinue,
                vec![
                    ("yes", num(y)),
                    ("no", num(n)),
                    ("count", num(f.go_on.total())),
                ],
            );
            let c = f.go_on.counts;
            tally(
                Msg::ReportQContinue,
                vec![(yes(), c[0], y), (no(), c[1], n)],
                &mut rows,
            );
        }
        if let Some(mean) = f.mean() {
            let c = f.ratings.counts;
            let pct = f.ratings.percents();
            r = r.line(
                Msg::ReportRating,
                vec![
                    ("mean", text(format_mean(mean, self.lang))),
                    ("count", num(f.ratings.total())),
                    ("d1", num(c[0])),
                    ("d2", num(c[1])),
                    ("d3", num(c[2])),
                    ("d4", num(c[3])),
                    ("d5", num(c[4])),
                ],
            );
            tally(
                Msg::ReportQRating,
                (0..5)
                    .rev()
                    .map(|i| (text(format!("{} ★", i + 1)), c[i], pct[i]))
                    .collect(),
                &mut rows,
            );
            rows.push(vec![
                Arg::Msg(Msg::CsvReportMean),
                text(format_mean(mean, self.lang)),
                text(""),
                text(""),
            ]);
        }
        if !f.comments.is_empty() {
            r = r.line(Msg::ReportComments, vec![]);
            for c in &f.comments {
                r.lines.push(Line {
                    msg: Msg::FeedbackComment,
                    args: vec![("text", text(c.clone()))],
                    tight: true,
                });
                rows.push(vec![
                    Arg::Msg(Msg::CsvReportComment),
                    text(c.clone()),
                    text(""),
                    text(""),
                ]);
            }
        }
        self.say(r);
        if !bars.is_empty() {
            self.say(Reply {
                lines: vec![Line::new(
                    Msg::ReportChartCaption,
                    vec![("scope", text(label.clone()))],
                )],
                attachment: Some(Attachment::Charts(vec![ChartPanel {
                    title: label,
                    bars,
                    threshold: 0,
                    unit: ChartUnit::Answers,
                }])),
                ..Reply::default()
            });
        }
        self.say_report_csv(rows);
    }

    fn say_report_csv(&mut self, rows: Vec<Vec<Arg>>) {
        self.say(Reply {
            lines: vec![Line::new(Msg::ReportCsvCaption, vec![])],
            attachment: Some(Attachment::Csv {
                file_name: "kokoon-feedback.csv".into(),
                header: vec![
                    Msg::CsvReportQuestion,
                    Msg::CsvReportAnswer,
                    Msg::CsvReportCount,
                    Msg::CsvReportShare,
                ],
                rows,
            }),
            ..Reply::default()
        });
    }
}
