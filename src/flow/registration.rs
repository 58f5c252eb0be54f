//! The registration conversation: welcome, questions, summary, `/mine`, withdrawal, `/forget`,
//! and what belongs to no other part (`/lang`, `/cancel`, `/help`, `/privacy`, `/mydata`). It owns
//! the states [`State::Idle`], [`State::Registering`] and [`State::ConfirmingForget`].

use super::engine::{line, Engine};
use super::reply::{button, num, text, text_button, Arg, Button, Label, Line, Reply};
use super::typed;
use super::{Callback, Command, Effect, Field, State, Turn};
use crate::config::Group;
use crate::domain::child::{self, BirthError, Child, Given};
use crate::domain::privacy::{ConsentRecord, Consents};
use crate::domain::registration;
use crate::domain::text::clean;
use crate::domain::when::format_when;
use crate::domain::{
    AreaId, Contact, GroupId, Lang, Registration, Rules, Source, StartPayload, Status, TimeId,
};
use crate::msg::Msg;
use serde::{Deserialize, Serialize};

/// The most registrations one `/mine` message lists (each is a few hundred characters).
const MINE_PER_MESSAGE: usize = 6;

/// The most children one registration can hold.
pub const MAX_CHILDREN: usize = 6;

/// Longest text that is still read as an answer (an age, an area's name); anything longer only
/// gets a hint, so a pasted essay is never echoed back or stored.
const MAX_ANSWER_CHARS: usize = 40;

/// The question a registration is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// A child's age.
    Ages,
    /// "Another child?" after an age was added.
    MoreChildren,
    /// The area.
    Area,
    /// The group's language.
    Language,
    /// The times that suit (several).
    Times,
    /// The required consent to store the answers.
    Consent,
    /// The optional consent to share the name.
    Share,
    /// The optional private note to the coordinator (typed, or skipped).
    Note,
    /// The summary with confirm / change.
    Summary,
    /// Which part to change.
    ChangeMenu,
}

/// The answers collected so far. Nothing of it is stored as a registration until confirmed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    /// The group being registered for.
    pub group: GroupId,
    /// The deep-link source, if the user came by one.
    pub source: Option<Source>,
    /// The current question.
    pub step: Step,
    /// The children given so far.
    pub children: Vec<Child>,
    /// The chosen area.
    pub area: Option<AreaId>,
    /// The chosen group language.
    pub lang: Option<Lang>,
    /// The chosen times.
    pub times: Vec<TimeId>,
    /// Whether the required consent was given.
    pub consent: bool,
    /// When it was given and to which notice version, recorded on the registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consented: Option<crate::domain::privacy::ConsentRecord>,
    /// The answer to the optional consent. Once every answer is there, each further answer
    /// returns to the summary instead of walking through the questions again.
    pub share: Option<bool>,
    /// The children's ages before "change the ages" from the summary, given back by Back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kept_children: Vec<Child>,
    /// The private note to the coordinator, if the parent wrote one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Whether the note question was answered (a note, or skipped): it is asked once.
    #[serde(default)]
    pub note_asked: bool,
}

/// What to do once the person agrees to drop an unfinished registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "then", rename_all = "snake_case")]
pub enum AfterDrop {
    /// `/cancel` or Cancel: nothing more.
    Cancel,
    /// `/start`, with a group's link or without.
    Start {
        /// The group of the link.
        group: Option<GroupId>,
        /// The link's source.
        source: Option<Source>,
    },
}

/// `/start`: a group's link starts its registration; anything else shows the groups.
pub(super) fn start(e: &mut Engine<'_>, state: State, payload: Option<StartPayload>) -> State {
    let draft = match state {
        State::Registering(d) | State::ConfirmingDrop { draft: d, .. } => Some(d),
        _ => None,
    };
    match draft {
        // An unfinished registration with answers in it is not dropped without asking.
        Some(d) if e.would_lose(&d) => {
            let then = match payload {
                Some(StartPayload::Group { group, source }) => AfterDrop::Start {
                    group: Some(group),
                    source,
                },
                _ => AfterDrop::Start {
                    group: None,
                    source: None,
                },
            };
            e.ask_drop(d, then)
        }
        _ => e.start(payload),
    }
}

/// A command, text or button of the registration part.
pub(super) fn step(e: &mut Engine<'_>, state: State, turn: Turn) -> State {
    let (state, turn) = match super::family::step(e, state, turn) {
        Ok(next) => return next,
        Err(back) => back,
    };
    match turn {
        Turn::Command(c) => e.command(state, c),
        Turn::Text(t) => e.text(state, &t),
        Turn::Button(cb) => e.button(state, cb),
    }
}

impl<'a> Engine<'a> {
    // ---- entry points ----

    /// `/start`, with a group's link (an event's link goes to [`super::events`]).
    fn start(&mut self, payload: Option<StartPayload>) -> State {
        if let Some(StartPayload::Group { group, source }) = payload {
            if self.ctx.config.group(&group).is_some() {
                // Only the sources in the config count: any other is a direct visit.
                let source = source.filter(|s| self.ctx.config.sources.contains(s));
                return self.begin(&group, source, Some(Msg::WelcomeShort), None);
            }
        }
        self.say(self.group_menu(vec![line(Msg::Welcome)]));
        State::Idle
    }

    fn command(&mut self, state: State, c: Command) -> State {
        match c {
            Command::Lang => {
                let row = Lang::ALL
                    .into_iter()
                    .map(|l| button(ui_lang_name(l), Callback::UiLang(l)))
                    .collect();
                self.say(Reply::msg(Msg::ChooseLang).row(row));
                state
            }
            Command::Cancel => {
                if let State::Registering(d) = state {
                    return self.cancel_registration(d);
                }
                if !self.cancel(&state) {
                    self.say(Reply::msg(if state == State::ConfirmingForget {
                        Msg::NothingChanged
                    } else {
                        Msg::NothingToCancel
                    }));
                }
                State::Idle
            }
            Command::Mine => {
                self.mine();
                self.reprompt_registering(state)
            }
            Command::Privacy => {
                self.say(self.privacy());
                self.reprompt_registering(state)
            }
            Command::Help => {
                let mut help =
                    Reply::default().line(Msg::Help, vec![("contact", text(self.contact_text()))]);
                if self.ctx.config.coordinator(self.ctx.person.user).is_some() {
                    help = help.line(Msg::HelpCoordinator, vec![]);
                }
                if self.is_facilitator() {
                    help = help.line(Msg::HelpFacilitator, vec![]);
                }
                self.say(help);
                self.reprompt_registering(state)
            }
            Command::MyData => {
                self.my_data(&state);
                self.reprompt_registering(state)
            }
            Command::Forget => {
                self.say(self.forget_question());
                State::ConfirmingForget
            }
            // The other parts' commands, which [`super::step`] sends to them.
            Command::Events
            | Command::Demand
            | Command::Export
            | Command::Launch
            | Command::Qr
            | Command::NewEvent
            | Command::Broadcast
            | Command::Feedback
            | Command::Report
            | Command::Attendance
            | Command::Facilitators
            | Command::Group
            | Command::Support
            | Command::Write
            | Command::Add => self.hint(state, Msg::HintUnknownCommand),
        }
    }

    fn text(&mut self, state: State, t: &str) -> State {
        // The private note is the one free text of a registration: read before the length
        // check of answers.
        let state = match state {
            State::Registering(d) if d.step == Step::Note => return self.typed_note(d, t),
            other => other,
        };
        let t = t.trim();
        // Anything longer than an answer only gets a hint, so a pasted essay is never read.
        let t = if t.chars().count() <= MAX_ANSWER_CHARS {
            t
        } else {
            ""
        };
        let d = match state {
            State::Registering(d) => d,
            State::Idle => {
                // A group's name typed at the group menu.
                let typed = typed::normal(t);
                let found = self
                    .ctx
                    .config
                    .groups
                    .iter()
                    .find(|g| g.name.all().any(|n| typed::normal(n) == typed));
                return match found {
                    Some(g) => self.begin(&g.id.clone(), None, None, None),
                    None => self.hint(State::Idle, Msg::HintUseButtons),
                };
            }
            State::ConfirmingDrop { draft, then } => {
                return match typed::yes_no(t) {
                    Some(true) => self.drop_yes(then),
                    Some(false) => self.ask(draft),
                    None => self.hint(State::ConfirmingDrop { draft, then }, Msg::HintUseButtons),
                };
            }
            other => return self.hint(other, Msg::HintUseButtons),
        };
        let Some(group) = self.group_of(&d) else {
            return self.group_gone();
        };
        // A birth date typed instead of an age.
        if matches!(d.step, Step::Ages | Step::MoreChildren) && typed::age(t).is_none() {
            match child::parse_birth(t, child::today(self.ctx.now)) {
                Some(Ok(c)) => {
                    let mut d = d;
                    sanitize(&mut d, group, self.ctx.config.horizon(), self.ctx.now);
                    return self.add_child(d, group, Given::Born(c));
                }
                Some(Err(e)) => {
                    let hint = match e {
                        BirthError::Future => Msg::HintBirthFuture,
                        BirthError::TooOld => Msg::HintBirthTooOld,
                    };
                    return self.hint(State::Registering(d), hint);
                }
                None => {}
            }
        }
        // A typed answer stands for the button it names.
        let cb = match d.step {
            Step::Ages => typed::age(t).map(Callback::Age),
            Step::MoreChildren => typed::age(t).map(Callback::Age).or_else(|| {
                typed::yes_no(t).map(|y| {
                    if y {
                        Callback::MoreChildren
                    } else {
                        Callback::ChildrenDone
                    }
                })
            }),
            Step::Area => {
                let typed = typed::normal(t);
                group
                    .areas
                    .iter()
                    .find(|id| {
                        self.ctx.config.area(id).is_some_and(|a| {
                            a.name.all().any(|n| typed::normal(n) == typed)
                                || a.fi_from.as_deref().map(typed::normal) == Some(typed.clone())
                        })
                    })
                    .map(|a| Callback::Area(a.clone()))
            }
            Step::Language => typed::language(t).map(Callback::GroupLang),
            Step::Times => {
                let typed = typed::normal(t);
                if typed::done(t) {
                    Some(Callback::TimesDone)
                } else {
                    group
                        .times
                        .iter()
                        .find(|id| {
                            self.ctx
                                .config
                                .time(id)
                                .is_some_and(|s| s.name.all().any(|n| typed::normal(n) == typed))
                        })
                        .map(|id| Callback::Time(id.clone()))
                }
            }
            Step::Consent => typed::yes_no(t).map(Callback::Consent),
            Step::Share => typed::yes_no(t).map(Callback::Share),
            Step::Note | Step::Summary | Step::ChangeMenu => None,
        };
        match cb {
            Some(cb) => self.answer(d, cb),
            None => {
                let hint = match d.step {
                    Step::Ages | Step::MoreChildren => Msg::HintAge,
                    Step::Area => Msg::HintArea,
                    _ => Msg::HintUseButtons,
                };
                self.hint(State::Registering(d), hint)
            }
        }
    }

    fn button(&mut self, state: State, cb: Callback) -> State {
        match cb {
            Callback::Group(g) => {
                if self.ctx.config.group(&g).is_some() {
                    // From a group offered in the middle of a registration (a child of
                    // another age): the consent just given carries over.
                    let consented = match &state {
                        State::Registering(d) if d.consent => d.consented,
                        _ => None,
                    };
                    self.begin(&g, None, None, consented)
                } else {
                    self.hint(state, Msg::HintGroupGone)
                }
            }
            Callback::UiLang(l) => {
                self.lang = l;
                self.say(Reply::msg(Msg::LangChanged));
                match state {
                    State::Idle => {
                        self.say(self.group_menu(vec![]));
                        State::Idle
                    }
                    other => self.reprompt(other),
                }
            }
            Callback::Edit(g) => match self.own(&g) {
                Some(r) if self.ctx.config.group(&g).is_some() => {
                    let d = draft_from(r, self.ctx.config.notice_version);
                    self.say(self.summary(&d));
                    State::Registering(d)
                }
                _ => self.hint(state, Msg::HintStaleButton),
            },
            Callback::Withdraw(g) => match self.own(&g) {
                Some(_) => {
                    let name = self.group_name(&g);
                    self.say(
                        Reply::default()
                            .line(Msg::WithdrawAsk, vec![("group", text(name))])
                            .row(vec![
                                button(Msg::BtnWithdrawYes, Callback::WithdrawYes(g)),
                                button(Msg::BtnKeep, Callback::Keep),
                            ]),
                    );
                    state
                }
                None => self.hint(state, Msg::HintStaleButton),
            },
            Callback::WithdrawYes(g) => match self.own(&g) {
                Some(_) => {
                    let name = self.group_name(&g);
                    self.effects.push(Effect::Withdraw(g));
                    self.say(Reply::default().line(Msg::Withdrawn, vec![("group", text(name))]));
                    state
                }
                None => self.hint(state, Msg::HintStaleButton),
            },
            // The other parent of a shared family: the family's registration is the holder's.
            Callback::Resume(g) if self.own(&g).is_none() => self.resume_family(state, &g),
            Callback::Resume(ref g) | Callback::StillInterested(ref g) => match self
                .own(g)
                // "Resume" is for a paused registration only; "still interested" for any that
                // waits or is paused ([`Registration::renew`]).
                .filter(|r| {
                    matches!(cb, Callback::StillInterested(_))
                        || matches!(r.status, Status::Paused { .. })
                })
                .and_then(|r| r.renew(self.ctx.now).map(|n| (r.status, n)))
            {
                Some((was, r)) => {
                    let g = g.clone();
                    let name = self.group_name(&g);
                    self.effects.push(Effect::Resume(g));
                    let paused = matches!(was, Status::Paused { .. });
                    let msg = if paused {
                        Msg::Resumed
                    } else {
                        Msg::StillInterestedThanks
                    };
                    let mut reply = Reply::default().line(msg, vec![("group", text(name))]);
                    if let Some(group) = self.ctx.config.group(&r.group) {
                        let mut demand = self.ctx.view.demand(&self.ctx.config.pool_of(&r));
                        if paused {
                            demand.add(&r);
                        }
                        reply = reply.line(
                            self.standing_msg(demand.participants, group),
                            self.standing_args(demand.participants, group, &r.area),
                        );
                    }
                    self.say(reply);
                    state
                }
                None => self.hint(state, Msg::HintStaleButton),
            },
            Callback::Keep => {
                self.say(Reply::msg(Msg::NothingChanged));
                match state {
                    State::ConfirmingForget => State::Idle,
                    other => self.reprompt_registering(other),
                }
            }
            Callback::ForgetYes => {
                if state == State::ConfirmingForget {
                    self.effects.push(Effect::Forget);
                    self.say(Reply::default().line(
                        Msg::Forgotten,
                        vec![("backup_days", num(self.ctx.config.backup.holds_days()))],
                    ));
                    State::Idle
                } else {
                    self.hint(state, Msg::HintStaleButton)
                }
            }
            Callback::Cancel if matches!(state, State::Registering(_)) => match state {
                State::Registering(d) => self.cancel_registration(d),
                other => other,
            },
            Callback::DropYes => match state {
                State::ConfirmingDrop { then, .. } => self.drop_yes(then),
                other => self.hint(other, Msg::HintStaleButton),
            },
            Callback::GoOn => match state {
                State::ConfirmingDrop { draft, .. } | State::Registering(draft) => self.ask(draft),
                other => self.hint(other, Msg::HintStaleButton),
            },
            Callback::SwitchGroup(g, given) => match state {
                State::Registering(d) => self.switch_group(d, &g, given),
                other => self.hint(other, Msg::HintStaleButton),
            },
            Callback::Cancel => {
                if self.cancel(&state) {
                    State::Idle
                } else {
                    self.hint(state, Msg::HintStaleButton)
                }
            }
            other => match state {
                State::Registering(d) => self.answer(d, other),
                state => self.hint(state, Msg::HintStaleButton),
            },
        }
    }

    /// A button that answers the current question of a registration.
    fn answer(&mut self, mut d: Draft, cb: Callback) -> State {
        let Some(group) = self.group_of(&d) else {
            return self.group_gone();
        };
        sanitize(&mut d, group, self.ctx.config.horizon(), self.ctx.now);
        match (d.step, cb) {
            (Step::Ages | Step::MoreChildren, Callback::Age(a)) => {
                self.add_child(d, group, Given::Age(a))
            }
            (Step::MoreChildren, Callback::MoreChildren) => {
                d.step = Step::Ages;
                self.ask(d)
            }
            (Step::MoreChildren, Callback::ChildrenDone) => self.advance(d),
            (Step::Area, Callback::Area(a)) if group.areas.contains(&a) => {
                d.area = Some(a);
                self.advance(d)
            }
            (Step::Language, Callback::GroupLang(l)) if group.languages.contains(&l) => {
                d.lang = Some(l);
                self.advance(d)
            }
            (Step::Times, Callback::Time(t)) if group.times.contains(&t) => {
                toggle_time(&mut d.times, t, &group.times);
                let mut q = self.question(&d);
                q.edit = true;
                self.say(q);
                State::Registering(d)
            }
            (Step::Times, Callback::TimesDone) => {
                if d.times.is_empty() {
                    self.hint(State::Registering(d), Msg::HintPickTime)
                } else {
                    self.advance(d)
                }
            }
            (Step::Consent, Callback::Consent(true)) => {
                d.consent = true;
                d.consented = Some(ConsentRecord {
                    at: self.ctx.now,
                    version: self.ctx.config.notice_version,
                });
                self.advance(d)
            }
            (Step::Consent, Callback::Consent(false)) => {
                self.say(Reply::msg(Msg::NoConsent));
                State::Idle
            }
            (Step::Share, Callback::Share(s)) => {
                d.share = Some(s);
                self.advance(d)
            }
            (Step::Note, Callback::NoNote) => {
                d.note = None;
                d.note_asked = true;
                self.advance(d)
            }
            (Step::Summary, Callback::Confirm) => self.confirm(d, group),
            (Step::Summary, Callback::Change) => {
                d.step = Step::ChangeMenu;
                self.ask(d)
            }
            (Step::ChangeMenu | Step::Summary, Callback::ChangeField(f)) => {
                d.step = match f {
                    Field::Ages if group.children.is_some() => {
                        d.kept_children = std::mem::take(&mut d.children);
                        Step::Ages
                    }
                    Field::Ages => Step::Summary,
                    Field::Area => Step::Area,
                    Field::Language if group.languages.len() > 1 => Step::Language,
                    Field::Language => Step::Summary,
                    Field::Times => Step::Times,
                    Field::Share => Step::Share,
                    Field::Note => Step::Note,
                };
                self.ask(d)
            }
            (Step::ChangeMenu, Callback::BackToSummary) => {
                d.step = Step::Summary;
                self.ask(d)
            }
            (_, Callback::Back) => self.back(d, group),
            (_, _) => self.hint(State::Registering(d), Msg::HintStaleButton),
        }
    }

    // ---- registration steps ----

    /// Starts a registration for a group; an existing registration is loaded for review.
    fn begin(
        &mut self,
        g: &GroupId,
        source: Option<crate::domain::Source>,
        greeting: Option<Msg>,
        consented: Option<ConsentRecord>,
    ) -> State {
        let Some(group) = self.ctx.config.group(g) else {
            return self.group_gone();
        };
        let mut first: Vec<Line> = greeting.map(line).into_iter().collect();
        if let Some(r) = self.own(g) {
            let mut d = draft_from(r, self.ctx.config.notice_version);
            if d.source.is_none() {
                d.source = source;
            }
            sanitize(&mut d, group, self.ctx.config.horizon(), self.ctx.now);
            d.step = next_step(&d, group);
            first.push(Line::new(
                Msg::AlreadyRegistered,
                vec![("group", text(group.name.get(self.lang)))],
            ));
            let q = self.question(&d).after(first);
            self.say(q);
            return State::Registering(d);
        }
        if self.joined_elsewhere(g) {
            return State::Idle;
        }
        let mut d = Draft {
            group: g.clone(),
            source,
            step: Step::Ages,
            children: Vec::new(),
            area: None,
            lang: None,
            times: Vec::new(),
            consent: consented.is_some(),
            consented,
            share: None,
            kept_children: Vec::new(),
            note: None,
            note_asked: false,
        };
        sanitize(&mut d, group, self.ctx.config.horizon(), self.ctx.now);
        d.step = next_step(&d, group);
        first.push(Line::new(
            Msg::GroupIntro,
            vec![
                ("group", text(group.name.get(self.lang))),
                ("description", text(group.description.get(self.lang))),
            ],
        ));
        let q = self.question(&d).after(first);
        self.say(q);
        State::Registering(d)
    }

    /// Adds a child given as an age or a birth date, if the group can take them when it could
    /// start ([`child::Horizon`]); otherwise says so kindly and offers the groups that fit then.
    fn add_child(&mut self, mut d: Draft, group: &Group, given: Given) -> State {
        let Some(range) = group.children else {
            return self.hint(State::Registering(d), Msg::HintUseButtons);
        };
        let now = self.ctx.now;
        let horizon = self.ctx.config.horizon();
        let c = given.child(child::today(now));
        if !horizon.fits(Some(range), c, now) {
            let (age, at_start) = (c.age(now), horizon.age_at_start(c, now));
            let range_args = |age: u8| {
                vec![
                    ("group", text(group.name.get(self.lang))),
                    ("age", num(age)),
                    ("min", num(range.min)),
                    ("max", num(range.max)),
                    ("months", num(horizon.months)),
                ]
            };
            let mut lines = if range.contains(age) {
                // Of the group's ages today, but not when a group could start.
                vec![Line::new(Msg::AgeGrowsOut, range_args(at_start))]
            } else {
                vec![Line::new(Msg::AgeOutside, range_args(age))]
            };
            if range.contains(age) && c.month.is_none() {
                // Counted as born in January: a later birthday may still fit.
                lines.push(line(Msg::AgeTypeBirthDate));
            }
            let groups = &self.ctx.config.groups;
            let fitting: Vec<&Group> = registration::fitting_groups(
                groups.iter().map(|g| (&g.id, g.children)),
                &group.id,
                at_start,
            )
            .into_iter()
            .filter_map(|id| groups.iter().find(|g| &g.id == id))
            .collect();
            if fitting.is_empty() {
                lines.push(Line::new(
                    Msg::AgeNoOtherGroup,
                    vec![("contact", text(self.contact_text()))],
                ));
                let q = self.question(&d).after(lines);
                self.say(q);
                return State::Registering(d);
            }
            // The groups that fit, as a choice of their own (the child given is kept), or back
            // to the age question.
            let mut r = Reply {
                lines,
                ..Reply::default()
            };
            // Said with the age of today, unless the child grows into the other group.
            let shown = if range.contains(age) { at_start } else { age };
            for g in &fitting {
                r = r.line(
                    Msg::AgeFitsOther,
                    vec![("group", text(g.name.get(self.lang))), ("age", num(shown))],
                );
            }
            for g in fitting {
                r = r.row(vec![Button {
                    label: Label::MsgArgs(
                        Msg::BtnSwitchGroup,
                        vec![("group", text(g.name.get(self.lang)))],
                    ),
                    callback: Callback::SwitchGroup(g.id.clone(), given),
                }]);
            }
            self.say(r.row(vec![button(Msg::BtnBack, Callback::GoOn)]));
            return State::Registering(d);
        }
        d.children.push(c);
        d.step = if d.children.len() >= MAX_CHILDREN {
            next_step(&d, group)
        } else {
            Step::MoreChildren
        };
        self.ask(d)
    }

    /// Moves to the next unanswered question (the summary once all are answered).
    fn advance(&mut self, mut d: Draft) -> State {
        let Some(group) = self.group_of(&d) else {
            return self.group_gone();
        };
        let next = next_step(&d, group);
        // Walking forward the first time (after Back, too): the question after this one, even
        // if it was answered before; once every answer is there, back to the summary.
        let after = step_after(&d, group);
        d.step = if d.share.is_none() && order(after) < order(next) {
            after
        } else {
            next
        };
        if d.step == Step::Summary {
            d.kept_children.clear();
        }
        self.ask(d)
    }

    /// Back to the question before; from the first one, to the groups (nothing was answered).
    fn back(&mut self, mut d: Draft, group: &Group) -> State {
        if d.children.is_empty() && !d.kept_children.is_empty() {
            d.children = std::mem::take(&mut d.kept_children);
        }
        // Changing one answer from the summary: Back returns to it.
        let complete = d.share.is_some() && next_step(&d, group) == Step::Summary;
        let to = if complete && d.step != Step::Summary {
            Some(Step::Summary)
        } else {
            match d.step {
                Step::Consent => None,
                Step::Ages if d.children.is_empty() => None,
                Step::Ages => Some(Step::MoreChildren),
                Step::MoreChildren => {
                    d.children.pop();
                    Some(Step::Ages)
                }
                Step::Area if group.children.is_some() => Some(Step::MoreChildren),
                Step::Area => None,
                Step::Language => Some(Step::Area),
                Step::Times if group.languages.len() > 1 => Some(Step::Language),
                Step::Times => Some(Step::Area),
                Step::Share => Some(Step::Times),
                Step::Note => Some(Step::Share),
                Step::Summary => Some(Step::Note),
                Step::ChangeMenu => Some(Step::Summary),
            }
        };
        match to {
            Some(step) => {
                d.step = step;
                self.ask(d)
            }
            None => {
                self.say(self.group_menu(vec![]));
                State::Idle
            }
        }
    }

    /// Whether dropping this registration under way would lose answers the person gave (an
    /// edit of a saved registration keeps the saved one).
    pub(super) fn would_lose(&self, d: &Draft) -> bool {
        let given = !d.children.is_empty()
            || d.area.is_some()
            || !d.times.is_empty()
            || d.share.is_some()
            || d.note.is_some();
        given && self.own(&d.group).is_none()
    }

    /// Cancel in a registration: asked first if answers would be lost.
    fn cancel_registration(&mut self, d: Draft) -> State {
        if self.would_lose(&d) {
            self.ask_drop(d, AfterDrop::Cancel)
        } else {
            self.say(Reply::msg(Msg::Cancelled));
            State::Idle
        }
    }

    pub(super) fn ask_drop(&mut self, draft: Draft, then: AfterDrop) -> State {
        self.say(self.drop_question(&draft, &then));
        State::ConfirmingDrop { draft, then }
    }

    /// "Drop the answers given?", before Cancel or `/start` does.
    pub(super) fn drop_question(&self, d: &Draft, then: &AfterDrop) -> Reply {
        let group = self.group_name(&d.group);
        let (msg, yes) = match then {
            AfterDrop::Cancel => (Msg::CancelAsk, Msg::BtnCancelYes),
            AfterDrop::Start { .. } => (Msg::RestartAsk, Msg::BtnRestart),
        };
        Reply::default()
            .line(msg, vec![("group", text(group))])
            .row(vec![
                button(yes, Callback::DropYes),
                button(Msg::BtnGoOn, Callback::GoOn),
            ])
    }

    fn drop_yes(&mut self, then: AfterDrop) -> State {
        match then {
            AfterDrop::Cancel => {
                self.say(Reply::msg(Msg::Cancelled));
                State::Idle
            }
            AfterDrop::Start { group, source } => {
                self.start(group.map(|group| StartPayload::Group { group, source }))
            }
        }
    }

    /// Registers for another group instead, with the age that fits it (and the children,
    /// consent and answers given that fit it too).
    fn switch_group(&mut self, d: Draft, g: &GroupId, given: Given) -> State {
        let Some(group) = self.ctx.config.group(g) else {
            return self.hint(State::Registering(d), Msg::HintGroupGone);
        };
        let now = self.ctx.now;
        let c = given.child(child::today(now));
        if !self.ctx.config.horizon().fits(group.children, c, now) {
            return self.hint(State::Registering(d), Msg::HintStaleButton);
        }
        if self.joined_elsewhere(g) {
            return State::Idle;
        }
        let mut nd = match self.own(g) {
            Some(r) => draft_from(r, self.ctx.config.notice_version),
            None => Draft {
                group: g.clone(),
                source: d.source.clone(),
                step: Step::Ages,
                children: d.children.clone(),
                area: d.area.clone(),
                lang: d.lang,
                times: d.times.clone(),
                consent: d.consent,
                consented: d.consented,
                share: None,
                kept_children: Vec::new(),
                note: d.note.clone(),
                note_asked: false,
            },
        };
        sanitize(&mut nd, group, self.ctx.config.horizon(), self.ctx.now);
        if nd.children.len() < MAX_CHILDREN {
            nd.children.push(c);
        }
        nd.step = if nd.consent && nd.share.is_none() {
            Step::MoreChildren
        } else {
            next_step(&nd, group)
        };
        let intro = Line::new(
            Msg::GroupIntro,
            vec![
                ("group", text(group.name.get(self.lang))),
                ("description", text(group.description.get(self.lang))),
            ],
        );
        let q = self.question(&nd).after(vec![intro]);
        self.say(q);
        State::Registering(nd)
    }

    /// A note typed at the note question: kept (cleaned) and on to the summary, or, when too
    /// long, the question again with how long it may be (nothing of it is kept).
    fn typed_note(&mut self, mut d: Draft, t: &str) -> State {
        if typed::skip(t) {
            return self.answer(d, Callback::NoNote);
        }
        match registration::note(t) {
            Ok(note) => {
                d.note = note;
                d.note_asked = true;
                self.advance(d)
            }
            Err(count) => {
                let hint = Line::new(
                    Msg::HintNoteLong,
                    vec![
                        ("count", num(count)),
                        ("max", num(registration::MAX_NOTE_CHARS)),
                    ],
                );
                let q = self.question(&d).after(vec![hint]);
                self.say(q);
                State::Registering(d)
            }
        }
    }

    fn ask(&mut self, d: Draft) -> State {
        let q = self.question(&d);
        self.say(q);
        State::Registering(d)
    }

    fn confirm(&mut self, mut d: Draft, group: &Group) -> State {
        let expected = next_step(&d, group);
        let (Step::Summary, Some(area), Some(lang)) = (expected, d.area.clone(), d.lang) else {
            d.step = expected;
            return self.ask(d);
        };
        if self.joined_elsewhere(&group.id) {
            return State::Idle;
        }
        let person = self.ctx.person;
        let existing = self.own(&group.id);
        let contact = (d.share == Some(true)).then(|| Contact {
            name: clean(&person.name).into_owned(),
            username: person.username.as_deref().map(|u| clean(u).into_owned()),
        });
        let reg = Registration {
            user: person.user,
            group: group.id.clone(),
            children: d.children.clone(),
            area: area.clone(),
            lang,
            times: d.times.clone(),
            contact,
            source: d
                .source
                .clone()
                .or_else(|| existing.and_then(|e| e.source.clone())),
            created_at: existing.map_or(self.ctx.now, |e| e.created_at),
            updated_at: self.ctx.now,
            // Confirming answers again is interest renewed: a registration paused for want of
            // an answer to "still interested?" waits again.
            status: existing.map_or(Status::Waiting, |e| match e.status {
                Status::Paused {
                    why: crate::domain::Pause::Unrenewed,
                } => Status::Waiting,
                other => other,
            }),
            // Confirming again starts the retention and renewal periods anew.
            expiry_notice: None,
            consents: self.consents(&d, existing),
            renewed_at: existing.and_then(|e| e.renewed_at),
            renewal_asked: None,
            note: d.note.clone(),
            added: None,
        };
        let config = self.ctx.config;
        let pool = config.pool_of(&reg);
        let mut demand = self.ctx.view.demand(&pool);
        if let Some(e) =
            existing.filter(|e| e.status == Status::Waiting && config.pool_of(e) == pool)
        {
            demand.families = demand.families.saturating_sub(1);
            demand.participants = demand.participants.saturating_sub(e.participants());
        }
        if reg.status == Status::Waiting {
            demand.add(&reg);
        }
        self.effects.push(Effect::SaveRegistration(reg));
        let mut reply = Reply::default().line(
            if existing.is_some() {
                Msg::Updated
            } else {
                Msg::Saved
            },
            vec![("group", text(group.name.get(self.lang)))],
        );
        reply = reply.line(
            self.standing_msg(demand.participants, group),
            self.standing_args(demand.participants, group, &area),
        );
        let reply = reply.line(Msg::MineHint, vec![]);
        let reply = self.offer_family(reply, &group.id, !d.children.is_empty());
        self.say(reply);
        State::Idle
    }

    /// The consents behind a registration being confirmed: the required one as given in the
    /// draft; name sharing given now (or kept as it was), or its withdrawal now.
    fn consents(&self, d: &Draft, existing: Option<&Registration>) -> Consents {
        let prev = existing.map(|e| e.consents).unwrap_or_default();
        let was_shared = existing.is_some_and(|e| e.contact.is_some());
        let now = ConsentRecord {
            at: self.ctx.now,
            version: self.ctx.config.notice_version,
        };
        let share = d.share == Some(true);
        Consents {
            required: d.consented.or(prev.required),
            share: match (share, was_shared) {
                (true, true) => prev.share.or(Some(now)),
                (true, false) => Some(now),
                (false, _) => prev.share,
            },
            share_withdrawn: match (share, was_shared) {
                (true, _) => None,
                (false, true) => Some(self.ctx.now),
                (false, false) => prev.share_withdrawn,
            },
        }
    }

    // ---- what is shown ----

    /// The current question of a draft, with its buttons.
    pub(super) fn question(&self, d: &Draft) -> Reply {
        let Some(group) = self.group_of(d) else {
            return self.group_menu(vec![line(Msg::HintGroupGone)]);
        };
        let lang = self.lang;
        match d.step {
            Step::Ages => {
                let range = group
                    .children
                    .unwrap_or(crate::config::AgeRange { min: 0, max: 17 });
                let msg = if d.children.is_empty() {
                    Msg::AskAge
                } else {
                    Msg::AskNextAge
                };
                let ages: Vec<Button> = (range.min..=range.max)
                    .map(|a| Button {
                        label: Label::Text(a.to_string()),
                        callback: Callback::Age(a),
                    })
                    .collect();
                let mut r = Reply::default()
                    .line(msg, vec![("min", num(range.min)), ("max", num(range.max))]);
                for chunk in ages.chunks(6) {
                    r = r.row(chunk.to_vec());
                }
                r.row(back_cancel())
            }
            Step::MoreChildren => Reply::default()
                .line(
                    Msg::AskMoreChildren,
                    vec![("ages", text(ages_text(&d.children, self.ctx.now)))],
                )
                .row(vec![
                    button(Msg::BtnMoreChildren, Callback::MoreChildren),
                    button(Msg::BtnChildrenDone, Callback::ChildrenDone),
                ])
                .row(back_cancel()),
            Step::Area => {
                let mut r = Reply::msg(Msg::AskArea);
                let buttons: Vec<Button> = self
                    .ctx
                    .config
                    .areas_in(&group.areas, lang)
                    .into_iter()
                    .map(|a| text_button(a.name.get(lang), Callback::Area(a.id.clone())))
                    .collect();
                for chunk in buttons.chunks(2) {
                    r = r.row(chunk.to_vec());
                }
                r.row(back_cancel())
            }
            Step::Language => Reply::msg(Msg::AskLanguage)
                .row(
                    group
                        .languages
                        .iter()
                        .map(|l| button(group_lang_name(*l), Callback::GroupLang(*l)))
                        .collect(),
                )
                .row(back_cancel()),
            Step::Times => {
                let mut r = Reply::msg(Msg::AskTimes);
                for id in &group.times {
                    let Some(slot) = self.ctx.config.time(id) else {
                        continue;
                    };
                    let name = slot.name.get(lang).to_owned();
                    let label = if d.times.contains(id) {
                        Label::MsgArgs(Msg::BtnTimeChecked, vec![("time", Arg::Text(name))])
                    } else {
                        Label::Text(name)
                    };
                    r = r.row(vec![Button {
                        label,
                        callback: Callback::Time(id.clone()),
                    }]);
                }
                r.row(vec![button(Msg::BtnTimesDone, Callback::TimesDone)])
                    .row(back_cancel())
            }
            Step::Consent => Reply::default()
                .line(
                    Msg::AskConsent,
                    vec![
                        ("organisation", text(self.ctx.config.organisation.get(lang))),
                        (
                            "kind",
                            text(if group.children.is_some() {
                                "children"
                            } else {
                                "adults"
                            }),
                        ),
                    ],
                )
                .row(vec![button(Msg::BtnConsentYes, Callback::Consent(true))])
                .row(vec![button(Msg::BtnConsentNo, Callback::Consent(false))])
                .row(vec![button(Msg::BtnBack, Callback::Back)]),
            Step::Share => Reply::msg(Msg::AskShare)
                .row(vec![button(Msg::BtnShareYes, Callback::Share(true))])
                .row(vec![button(Msg::BtnShareNo, Callback::Share(false))])
                .row(back_cancel()),
            // Asked the first time, or from the summary: with the note written so far, which
            // can be removed (typing a new one replaces it; Back keeps it).
            Step::Note => match &d.note {
                None => Reply::msg(Msg::AskNote)
                    .row(vec![button(Msg::BtnNoNote, Callback::NoNote)])
                    .row(back_cancel()),
                Some(n) => Reply::default()
                    .line(Msg::SummaryNote, vec![("note", text(n.clone()))])
                    .line(Msg::AskNoteEdit, vec![])
                    .row(vec![button(Msg::BtnRemoveNote, Callback::NoNote)])
                    .row(back_cancel()),
            },
            Step::Summary => self.summary(d),
            Step::ChangeMenu => {
                let mut r = Reply::msg(Msg::AskChange);
                let mut fields = Vec::new();
                if group.children.is_some() {
                    fields.push((Msg::BtnChangeAges, Field::Ages));
                }
                fields.push((Msg::BtnChangeArea, Field::Area));
                if group.languages.len() > 1 {
                    fields.push((Msg::BtnChangeLanguage, Field::Language));
                }
                fields.push((Msg::BtnChangeTimes, Field::Times));
                fields.push((Msg::BtnChangeShare, Field::Share));
                fields.push((Msg::BtnChangeNote, Field::Note));
                let buttons: Vec<Button> = fields
                    .into_iter()
                    .map(|(m, f)| button(m, Callback::ChangeField(f)))
                    .collect();
                for chunk in buttons.chunks(2) {
                    r = r.row(chunk.to_vec());
                }
                r.row(vec![button(Msg::BtnBack, Callback::BackToSummary)])
            }
        }
    }

    fn summary(&self, d: &Draft) -> Reply {
        let Some(group) = self.group_of(d) else {
            return self.group_menu(vec![line(Msg::HintGroupGone)]);
        };
        let mut r = Reply::default().line(
            Msg::SummaryTitle,
            vec![("group", text(group.name.get(self.lang)))],
        );
        r.lines.extend(self.answer_lines(
            group,
            &d.children,
            d.area.as_ref(),
            d.lang,
            &d.times,
            d.share == Some(true),
        ));
        r.lines.extend(note_line(d.note.as_deref()));
        r.row(vec![button(Msg::BtnConfirm, Callback::Confirm)])
            .row(vec![
                button(Msg::BtnChange, Callback::Change),
                button(Msg::BtnCancel, Callback::Cancel),
            ])
            .row(vec![button(Msg::BtnBack, Callback::Back)])
    }

    pub(super) fn answer_lines(
        &self,
        group: &Group,
        children: &[Child],
        area: Option<&crate::domain::AreaId>,
        glang: Option<Lang>,
        times: &[TimeId],
        share: bool,
    ) -> Vec<Line> {
        let c = self.ctx.config;
        let mut lines: Vec<Line> = Vec::new();
        if group.children.is_some() {
            lines.push(Line::new(
                Msg::SummaryChildren,
                vec![
                    ("count", num(children.len())),
                    ("ages", text(ages_text(children, self.ctx.now))),
                ],
            ));
        }
        let area_name = area
            .and_then(|a| c.area(a))
            .map(|a| a.name.get(self.lang).to_owned())
            .unwrap_or_default();
        lines.push(Line::new(Msg::SummaryArea, vec![("area", text(area_name))]));
        if let Some(l) = glang {
            lines.push(Line::new(
                Msg::SummaryLanguage,
                vec![("language", Arg::Msg(group_lang_name(l)))],
            ));
        }
        let times: Vec<&str> = times
            .iter()
            .filter_map(|t| c.time(t))
            .map(|t| t.name.get(self.lang))
            .collect();
        lines.push(Line::new(
            Msg::SummaryTimes,
            vec![("times", text(times.join(", ")))],
        ));
        lines.push(line(if share {
            Msg::SummaryShareYes
        } else {
            Msg::SummaryShareNo
        }));
        for l in &mut lines {
            l.tight = true;
        }
        lines
    }

    /// `/mine`: every registration with where it stands — waiting (and how close the group
    /// is), invited (the meeting, the deadline, the answer buttons), accepted, declined this
    /// time, paused — in one message with its buttons. Past [`MINE_PER_MESSAGE`] registrations
    /// (more than the groups of any config so far) it continues in another message, so one
    /// message stays well within Telegram's 4,096 characters.
    fn mine(&mut self) {
        let regs = self.ctx.registrations;
        let families = self.ctx.view.families_of(self.ctx.person.user);
        if regs.is_empty() && !families.is_empty() {
            self.mine_families(&families);
            return;
        }
        if regs.is_empty() {
            self.say(self.group_menu(vec![line(Msg::MineNone)]));
            return;
        }
        let several = regs.len() > 1;
        for (n, chunk) in regs.chunks(MINE_PER_MESSAGE).enumerate() {
            let mut reply = Reply::default();
            if n == 0 {
                reply = reply.line(Msg::MineTitle, vec![("count", num(regs.len()))]);
            }
            for r in chunk {
                reply = self.mine_item(reply, r, several);
            }
            self.say(reply);
        }
        self.mine_families(&families);
    }

    /// One registration of `/mine`: its answers, where it stands, and its buttons (named by
    /// group when there are several, so each button says what it is for).
    fn mine_item(&self, mut reply: Reply, r: &Registration, several: bool) -> Reply {
        let g = r.group.clone();
        let Some(group) = self.ctx.config.group(&r.group) else {
            return reply
                .line(Msg::MineGroupGone, vec![("group", text(r.group.as_str()))])
                .row(vec![self.mine_button(
                    Msg::BtnWithdraw,
                    Callback::Withdraw(g),
                    several,
                    r.group.as_str(),
                )]);
        };
        let name = group.name.get(self.lang);
        reply = reply.line(Msg::SummaryTitle, vec![("group", text(name))]);
        reply.lines.extend(self.answer_lines(
            group,
            &r.children,
            Some(&r.area),
            Some(r.lang),
            &r.times,
            r.contact.is_some(),
        ));
        reply.lines.extend(note_line(r.note.as_deref()));
        let now = self.ctx.now;
        let meeting = |l: &crate::domain::Launch| {
            vec![
                ("when", text(format_when(l.start, self.lang, now))),
                ("place", text(l.place.clone())),
            ]
        };
        let launch = |id: u64| self.ctx.view.launch(id);
        let timeout = chrono::Duration::hours(i64::from(self.ctx.config.invite_hours));
        match r.status {
            Status::Invited { launch: id } => {
                // Declined, while the other parent may still answer for the family.
                let declined = launch(id)
                    .is_some_and(|l| l.own_answer(r.user) == Some(crate::domain::Answer::Declined));
                if declined {
                    reply = reply.line(Msg::MineFamilyDeclined, vec![]);
                } else if let Some(l) = launch(id) {
                    let deadline = l.invitation(r.user).map_or(now, |i| i.deadline(timeout));
                    let mut args = meeting(&l);
                    args.push(("deadline", text(format_when(deadline, self.lang, now))));
                    reply = reply.line(Msg::MineInvited, args).row(vec![
                        self.mine_button(
                            Msg::BtnInviteYes,
                            Callback::Invite(id, true),
                            several,
                            name,
                        ),
                        self.mine_button(
                            Msg::BtnInviteNo,
                            Callback::Invite(id, false),
                            several,
                            name,
                        ),
                    ]);
                }
            }
            Status::Accepted { launch: id } => {
                if let Some(l) = launch(id) {
                    reply = reply.line(Msg::MineAccepted, meeting(&l));
                }
            }
            Status::Paused { why } => {
                let msg = match why {
                    crate::domain::Pause::InvitationExpired { .. } => Msg::MinePaused,
                    // (Grown out: only a family added by hand, which has no `/mine` of its own.)
                    crate::domain::Pause::Unrenewed | crate::domain::Pause::AgedOut => {
                        Msg::MinePausedUnrenewed
                    }
                };
                reply = reply.line(msg, vec![]).row(vec![self.mine_button(
                    Msg::BtnResume,
                    Callback::Resume(g.clone()),
                    several,
                    name,
                )]);
            }
            Status::Waiting => {
                // Declined an invitation of a launch still gathering its group: say so.
                let declined = self.ctx.view.launches().into_iter().rev().find(|l| {
                    l.pool.group == r.group
                        && l.start > now
                        && l.invitation(r.user)
                            .is_some_and(|i| i.answer == crate::domain::Answer::Declined)
                });
                if let Some(l) = declined {
                    reply = reply.line(Msg::MineDeclined, meeting(&l));
                }
                let count = self
                    .ctx
                    .view
                    .demand(&self.ctx.config.pool_of(r))
                    .participants;
                reply = reply
                    .line(
                        self.standing_msg(count, group),
                        self.standing_args(count, group, &r.area),
                    )
                    .row(vec![self.mine_button(
                        Msg::BtnStillInterested,
                        Callback::StillInterested(g.clone()),
                        several,
                        name,
                    )]);
            }
        }
        // The name-sharing consent now names the group's facilitators too: one given under an
        // older notice is asked again here, and counts for them only once given again.
        if crate::domain::facilitator::ask_again(&r.consents)
            && self.ctx.config.notice_version >= crate::domain::facilitator::NAMES_FACILITATORS_FROM
        {
            reply = reply
                .line(Msg::MineShareAgain, vec![])
                .row(vec![self.mine_button(
                    Msg::BtnShareAgain,
                    Callback::Fac(crate::callback::FacPick::ShareAgain(g.clone())),
                    several,
                    name,
                )]);
        }
        reply.row(vec![
            self.mine_button(Msg::BtnEdit, Callback::Edit(g.clone()), several, name),
            self.mine_button(Msg::BtnWithdraw, Callback::Withdraw(g), several, name),
        ])
    }

    /// A `/mine` button, named by its group when there are several registrations.
    fn mine_button(&self, msg: Msg, callback: Callback, several: bool, group: &str) -> Button {
        if several {
            Button {
                label: Label::MsgArgs(
                    Msg::BtnOfGroup,
                    vec![("group", text(group)), ("action", Arg::Msg(msg))],
                ),
                callback,
            }
        } else {
            button(msg, callback)
        }
    }

    fn standing_msg(&self, count: usize, group: &Group) -> Msg {
        match (count >= group.threshold as usize, group.children.is_some()) {
            (true, _) => Msg::StandingReached,
            (false, true) => Msg::StandingChildren,
            (false, false) => Msg::StandingAdults,
        }
    }

    fn standing_args(
        &self,
        count: usize,
        group: &Group,
        area: &crate::domain::AreaId,
    ) -> Vec<(&'static str, Arg)> {
        let area = self.ctx.config.area(area);
        let area_name = area.map(|a| a.name.get(self.lang)).unwrap_or_default();
        let place = area.map(|a| a.from_name(self.lang)).unwrap_or_default();
        vec![
            ("count", num(count)),
            ("threshold", num(group.threshold)),
            ("area", text(area_name)),
            ("place", text(place)),
        ]
    }

    pub(super) fn group_menu(&self, first: Vec<Line>) -> Reply {
        let mut r = Reply::msg(Msg::ChooseGroup).after(first);
        for g in &self.ctx.config.groups {
            r = r.row(vec![text_button(
                g.name.get(self.lang),
                Callback::Group(g.id.clone()),
            )]);
        }
        r
    }

    pub(super) fn forget_question(&self) -> Reply {
        Reply::default()
            .line(
                Msg::ForgetAsk,
                vec![("backup_days", num(self.ctx.config.backup.holds_days()))],
            )
            .row(vec![button(Msg::BtnForgetYes, Callback::ForgetYes)])
            .row(vec![button(Msg::BtnKeep, Callback::Keep)])
    }

    fn group_gone(&mut self) -> State {
        self.say(self.group_menu(vec![line(Msg::HintGroupGone)]));
        State::Idle
    }

    // ---- look-ups ----

    fn group_of(&self, d: &Draft) -> Option<&'a Group> {
        self.ctx.config.group(&d.group)
    }

    /// Whether a registration of their own for `g` is refused (and they are told so kindly):
    /// they are part of the one the child's other parent shared for it, and one of their own
    /// would count the children twice ([`crate::domain::family::may_register`]).
    fn joined_elsewhere(&mut self, g: &GroupId) -> bool {
        let me = self.ctx.person.user;
        let families = self.ctx.view.families_of(me);
        if crate::domain::family::may_register(&families, self.ctx.registrations, me, g) {
            return false;
        }
        let name = self.group_name(g);
        self.say(Reply::default().line(Msg::FamilyAlreadyIn, vec![("group", text(name))]));
        true
    }

    /// The other parent takes their family's paused registration for `g` up again (from
    /// `/mine`): it waits and counts again, by [`crate::domain::family::resume`].
    fn resume_family(&mut self, state: State, g: &GroupId) -> State {
        let me = self.ctx.person.user;
        let now = self.ctx.now;
        let found = self
            .ctx
            .view
            .families_of(me)
            .into_iter()
            .filter(|f| &f.group == g && f.other.as_ref().is_some_and(|o| o.user == me))
            .find_map(|f| {
                let r = self.ctx.view.registration(f.holder, g)?;
                crate::domain::family::resume(&f, me, &r, now).map(|r| (f.id, r))
            });
        let Some((id, r)) = found else {
            return self.hint(state, Msg::HintStaleButton);
        };
        self.effects
            .push(Effect::Family(super::FamilyChange::Resume(id)));
        let mut reply =
            Reply::default().line(Msg::Resumed, vec![("group", text(self.group_name(g)))]);
        if let Some(group) = self.ctx.config.group(g) {
            let mut demand = self.ctx.view.demand(&self.ctx.config.pool_of(&r));
            demand.add(&r);
            reply = reply.line(
                self.standing_msg(demand.participants, group),
                self.standing_args(demand.participants, group, &r.area),
            );
        }
        self.say(reply);
        state
    }

    fn own(&self, g: &GroupId) -> Option<&'a Registration> {
        self.ctx.registrations.iter().find(|r| &r.group == g)
    }

    /// The full privacy notice: the controllers (the organisation, and each area that has its
    /// own), then purposes, data, recipients, periods and rights.
    fn privacy(&self) -> Reply {
        let c = self.ctx.config;
        let lang = self.lang;
        let mut r = Reply::default().line(
            Msg::Privacy,
            vec![
                ("organisation", text(c.organisation.get(lang))),
                (
                    "controller_contact",
                    text(
                        c.controller_contact
                            .clone()
                            .unwrap_or_else(|| self.contact_text()),
                    ),
                ),
            ],
        );
        for a in &c.areas {
            if let Some(ctl) = &a.controller {
                r.lines.push(Line {
                    msg: Msg::PrivacyAreaController,
                    args: vec![
                        ("area", text(a.name.get(lang))),
                        ("name", text(ctl.name.get(lang))),
                        ("contact", text(ctl.contact.clone())),
                    ],
                    tight: true,
                });
            }
        }
        r.line(
            Msg::PrivacyBody,
            vec![
                ("months", num(c.retention_months)),
                ("renew_months", num(c.renew_months)),
                ("comment_months", num(c.comment_retention_months)),
                ("grace_days", num(c.blocked_grace_days)),
                ("backup_days", num(c.backup.holds_days())),
                ("contact", text(self.contact_text())),
            ],
        )
    }

    pub(super) fn contact_text(&self) -> String {
        let c = &self.ctx.config.contact;
        let mut parts = vec![c.name.get(self.lang).to_owned()];
        parts.extend(c.phone.clone());
        parts.extend(c.email.clone());
        parts.join(", ")
    }
}

fn ui_lang_name(l: Lang) -> Msg {
    match l {
        Lang::Fi => Msg::UiLangFi,
        Lang::Sv => Msg::UiLangSv,
        Lang::En => Msg::UiLangEn,
    }
}

fn group_lang_name(l: Lang) -> Msg {
    match l {
        Lang::Fi => Msg::GroupLangFi,
        Lang::Sv => Msg::GroupLangSv,
        Lang::En => Msg::GroupLangEn,
    }
}

/// A time slot ticked or unticked on a list of times that suit, kept in the group's order.
pub(super) fn toggle_time(times: &mut Vec<TimeId>, t: TimeId, order: &[TimeId]) {
    if let Some(i) = times.iter().position(|x| x == &t) {
        times.remove(i);
    } else {
        times.push(t);
        times.sort_by_key(|x| order.iter().position(|g| g == x));
    }
}

/// The private note to the coordinator as a line of a summary, `/mine` or `/mydata`.
pub(super) fn note_line(note: Option<&str>) -> Option<Line> {
    note.map(|n| Line {
        msg: Msg::SummaryNote,
        args: vec![("note", text(n))],
        tight: true,
    })
}

/// The children's ages today, in their order ("5, 4").
pub(super) fn ages_text(children: &[Child], now: chrono::DateTime<chrono::Utc>) -> String {
    children
        .iter()
        .map(|c| c.age(now).to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A draft of a stored registration, for review. Its consent counts only if it was given to
/// the current version of the notice: otherwise it is asked again before the change is saved.
fn draft_from(r: &Registration, notice_version: u32) -> Draft {
    let consented = r.consents.required.filter(|c| c.version >= notice_version);
    Draft {
        group: r.group.clone(),
        source: r.source.clone(),
        step: Step::Summary,
        children: r.children.clone(),
        area: Some(r.area.clone()),
        lang: Some(r.lang),
        times: r.times.clone(),
        consent: consented.is_some(),
        consented,
        share: Some(r.contact.is_some()),
        kept_children: Vec::new(),
        note: r.note.clone(),
        note_asked: true,
    }
}

/// Drops answers the current config no longer allows (a removed area, time or language), so a
/// config change never leaves a draft pointing at something that does not exist.
fn sanitize(
    d: &mut Draft,
    group: &Group,
    horizon: child::Horizon,
    now: chrono::DateTime<chrono::Utc>,
) {
    if d.area.as_ref().is_some_and(|a| !group.areas.contains(a)) {
        d.area = None;
    }
    if d.lang.is_some_and(|l| !group.languages.contains(&l)) {
        d.lang = None;
    }
    if d.lang.is_none() && group.languages.len() == 1 {
        d.lang = group.languages.first().copied();
    }
    d.times.retain(|t| group.times.contains(t));
    d.children = registration::eligible_children(group.children, &d.children, horizon, now);
    let expected = next_step(d, group);
    let answered = |s: Step| order(s) < order(expected);
    // A step whose answer was dropped must be asked again.
    let keep = match d.step {
        Step::MoreChildren => !d.children.is_empty(),
        Step::Summary | Step::ChangeMenu => expected == Step::Summary,
        s => answered(s) || s == expected,
    };
    if !keep {
        d.step = expected;
    }
}

/// The row under every question: Back and Cancel.
fn back_cancel() -> Vec<Button> {
    vec![
        button(Msg::BtnBack, Callback::Back),
        button(Msg::BtnCancel, Callback::Cancel),
    ]
}

/// The question after the current one in order (skipping those the group does not ask).
fn step_after(d: &Draft, group: &Group) -> Step {
    match d.step {
        Step::Consent if group.children.is_some() && d.children.is_empty() => Step::Ages,
        Step::Consent if group.children.is_some() => Step::MoreChildren,
        Step::Consent | Step::Ages | Step::MoreChildren => Step::Area,
        Step::Area if group.languages.len() > 1 => Step::Language,
        Step::Area | Step::Language => Step::Times,
        Step::Times => Step::Share,
        Step::Share => Step::Note,
        Step::Note | Step::Summary | Step::ChangeMenu => Step::Summary,
    }
}

fn order(s: Step) -> u8 {
    match s {
        Step::Consent => 0,
        Step::Ages | Step::MoreChildren => 1,
        Step::Area => 2,
        Step::Language => 3,
        Step::Times => 4,
        Step::Share => 5,
        Step::Note => 6,
        Step::Summary | Step::ChangeMenu => 7,
    }
}

/// The first question still unanswered. The required consent comes first: before it, the
/// stored conversation state holds only which group was picked (and the link's source), never
/// an answer.
fn next_step(d: &Draft, group: &Group) -> Step {
    if !d.consent {
        Step::Consent
    } else if group.children.is_some() && d.children.is_empty() {
        Step::Ages
    } else if d.area.is_none() {
        Step::Area
    } else if d.lang.is_none() {
        Step::Language
    } else if d.times.is_empty() {
        Step::Times
    } else if d.share.is_none() {
        Step::Share
    } else if !d.note_asked {
        Step::Note
    } else {
        Step::Summary
    }
}
