//! Families without Telegram (issue 14): a coordinator's `/add`, a guided conversation that
//! registers a family who asked by phone, on paper or in person — group, area, language,
//! children's ages, times, a label to recognise the family by, and how and when the family
//! consented — and the buttons by which the coordinator answers for a family they added
//! ([`Callback::ForFamily`]: an invitation, "still interested", a withdrawal). It owns
//! [`State::Adding`].
//!
//! Answering for a family runs the family's own conversation (the same engine, as the family)
//! and hands its effects to the store as [`Effect::ForFamily`]: one rule for a parent and for a
//! coordinator answering for one.

use super::engine::{line, Engine};
use super::registration::toggle_time;
use super::reply::{button, num, text, text_button, Arg, Button, Label, Line, Reply};
use super::{Callback, Command, Ctx, Effect, Input, Person, State, Turn};
use crate::config::Group;
use crate::domain::added::{self, Added, ConsentHow};
use crate::domain::audit::Accessed;
use crate::domain::child::{self, BirthError, Child};
use crate::domain::privacy::{ConsentRecord, Consents};
use crate::domain::registration::Pause;
use crate::domain::remit::Scope;
use crate::domain::{AreaId, GroupId, Lang, Registration, Status, TimeId, UserId};
use crate::msg::Msg;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// The question an `/add` is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AddStep {
    /// Which group.
    Group,
    /// Which area.
    Area,
    /// The group's language (only where the group has several).
    Language,
    /// The children's ages (only for a children's group).
    Ages,
    /// The times that suit.
    Times,
    /// How the family consented.
    How,
    /// When.
    When,
    /// The summary. A new family is saved by typing its label there, last: the label, which
    /// names the family, is never kept in the coordinator's conversation state (whose old
    /// copies live under the coordinator's key, not the family's, and would outlive the
    /// family's erasure). A family being changed keeps its label with Save, or gets the one
    /// typed.
    Summary,
}

/// A family being added (or an added family being changed), answer by answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AddDraft {
    /// The current question.
    pub step: AddStep,
    /// The family being changed, if this is an edit (then the group stays as it is).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<UserId>,
    /// The group.
    #[serde(default)]
    pub group: Option<GroupId>,
    /// The area.
    #[serde(default)]
    pub area: Option<AreaId>,
    /// The group's language.
    #[serde(default)]
    pub lang: Option<Lang>,
    /// The children, by birth year (and month, where a birth date was typed).
    #[serde(default)]
    pub children: Vec<Child>,
    /// The times that suit.
    #[serde(default)]
    pub times: Vec<TimeId>,
    /// How the family consented.
    #[serde(default)]
    pub how: Option<ConsentHow>,
    /// When.
    #[serde(default)]
    pub on: Option<NaiveDate>,
}

impl AddDraft {
    fn new() -> AddDraft {
        AddDraft {
            step: AddStep::Group,
            family: None,
            group: None,
            area: None,
            lang: None,
            children: Vec::new(),
            times: Vec::new(),
            how: None,
            on: None,
        }
    }
}

/// The questions of an `/add` for a group, in order (an edit does not ask the group).
fn steps(d: &AddDraft, group: Option<&Group>) -> Vec<AddStep> {
    let mut s = Vec::new();
    if d.family.is_none() {
        s.push(AddStep::Group);
    }
    s.push(AddStep::Area);
    if group.is_some_and(|g| g.languages.len() > 1) {
        s.push(AddStep::Language);
    }
    if group.is_some_and(|g| g.children.is_some()) {
        s.push(AddStep::Ages);
    }
    s.extend([
        AddStep::Times,
        AddStep::How,
        AddStep::When,
        AddStep::Summary,
    ]);
    s
}

/// Whether a callback is one the `/add` conversation answers while it is under way (the
/// registration's own buttons mean the same words here).
pub(super) fn answers_adding(cb: &Callback) -> bool {
    matches!(
        cb,
        Callback::Group(_)
            | Callback::Area(_)
            | Callback::GroupLang(_)
            | Callback::Age(_)
            | Callback::ChildrenDone
            | Callback::Time(_)
            | Callback::TimesDone
            | Callback::Back
            | Callback::GoOn
            | Callback::Cancel
    )
}

/// What a coordinator may do for a family they added, by the family's own buttons.
fn for_family_allowed(cb: &Callback) -> bool {
    matches!(
        cb,
        Callback::Invite(..)
            | Callback::StillInterested(_)
            | Callback::Resume(_)
            | Callback::Withdraw(_)
            | Callback::WithdrawYes(_)
            | Callback::Keep
    )
}

/// A command, text or button of `/add`.
pub(super) fn step(e: &mut Engine<'_>, state: State, turn: Turn) -> State {
    if !e.is_coordinator() {
        return match turn {
            Turn::Text(_) => e.not_a_coordinator(),
            _ => e.hint(State::Idle, Msg::HintStaleButton),
        };
    }
    match (state, turn) {
        (state, Turn::Command(Command::Add)) => e.add_command(state),
        (state, Turn::Command(_)) => e.hint(state, Msg::HintUnknownCommand),
        (State::Adding(d), Turn::Text(t)) => e.add_text(d, &t),
        (state, Turn::Text(_)) => e.hint(state, Msg::HintUseButtons),
        (state, Turn::Button(Callback::ForFamily(family, inner))) => {
            e.for_family(state, family, *inner)
        }
        (state, Turn::Button(Callback::AddNew)) => e.add_ask(AddDraft::new(), state),
        (state, Turn::Button(Callback::AddEdit(family, group))) => {
            e.add_edit(state, family, &group)
        }
        (state, Turn::Button(Callback::AddGrown(family, group))) => {
            e.add_grown(state, family, &group)
        }
        (State::Adding(d), Turn::Button(cb)) => e.add_answer(d, cb),
        (state, Turn::Button(_)) => e.hint(state, Msg::HintStaleButton),
    }
}

impl<'a> Engine<'a> {
    /// `/add`: the families this coordinator added, each with its buttons, and "add a family";
    /// without any yet, straight to the first question.
    fn add_command(&mut self, state: State) -> State {
        let me = self.ctx.person.user;
        let mut mine = self.ctx.view.added_by(me);
        mine.retain(|r| self.may(Scope::Area(&r.group, &r.area)));
        if mine.is_empty() {
            return self.add_ask(AddDraft::new(), state);
        }
        let mut r = Reply::default().line(Msg::AddList, vec![("count", num(mine.len()))]);
        for reg in &mine {
            let Some(label) = reg.added.as_ref().map(|a| a.label.clone()) else {
                continue;
            };
            let status = match reg.status {
                Status::Waiting => Msg::AddStatusWaiting,
                Status::Invited { .. } => Msg::AddStatusInvited,
                Status::Accepted { .. } => Msg::AddStatusAccepted,
                Status::Paused {
                    why: Pause::AgedOut,
                } => Msg::AddStatusAgedOut,
                Status::Paused { .. } => Msg::AddStatusPaused,
            };
            r.lines.push(Line {
                msg: Msg::AddListItem,
                args: vec![
                    ("label", text(label.clone())),
                    ("group", text(self.group_name(&reg.group))),
                    ("area", text(self.area_name(&reg.area))),
                    ("status", Arg::Msg(status)),
                ],
                tight: true,
            });
            let named = |m: Msg| Label::MsgArgs(m, vec![("label", text(label.clone()))]);
            r = r.row(vec![
                Button {
                    label: named(Msg::BtnAddEdit),
                    callback: Callback::AddEdit(reg.user, reg.group.clone()),
                },
                Button {
                    label: named(Msg::BtnAddWithdraw),
                    callback: Callback::ForFamily(
                        reg.user,
                        Box::new(Callback::Withdraw(reg.group.clone())),
                    ),
                },
            ]);
        }
        self.say(r.row(vec![button(Msg::BtnAddNew, Callback::AddNew)]));
        match state {
            State::Adding(_) => State::Idle,
            other => other,
        }
    }

    /// Changing a family this coordinator added: its answers, from the summary.
    fn add_edit(&mut self, state: State, family: UserId, group: &GroupId) -> State {
        let me = self.ctx.person.user;
        let Some(r) = self
            .ctx
            .view
            .registration(family, group)
            .filter(|r| added::answers_for(r, me) && self.may(Scope::Area(&r.group, &r.area)))
        else {
            return self.hint(state, Msg::HintStaleButton);
        };
        let Some(a) = r.added.as_ref() else {
            return self.hint(state, Msg::HintStaleButton);
        };
        let d = AddDraft {
            step: AddStep::Summary,
            family: Some(family),
            group: Some(r.group.clone()),
            area: Some(r.area.clone()),
            lang: Some(r.lang),
            children: r.children.clone(),
            times: r.times.clone(),
            how: Some(a.how),
            on: Some(a.on),
        };
        self.add_ask(d, state)
    }

    /// A child of a family this coordinator added grew out of its group: `/add` for a group
    /// that fits now, with the family's answers that still hold (its area and language where
    /// the group has them, how and when the family consented), from the question the family
    /// must still answer (the child's age, as a new group asks it). Like a parent's own
    /// registration for the group that fits: saved as a new registration of its own, under a
    /// label typed at the end.
    fn add_grown(&mut self, state: State, family: UserId, group: &GroupId) -> State {
        let me = self.ctx.person.user;
        let Some(g) = self
            .ctx
            .config
            .group(group)
            .filter(|g| self.may(Scope::Group(&g.id)))
        else {
            return self.hint(state, Msg::HintStaleButton);
        };
        let regs = self.ctx.view.added_by(me);
        let Some(r) = regs
            .iter()
            .find(|r| r.user == family && added::answers_for(r, me))
        else {
            return self.hint(state, Msg::HintStaleButton);
        };
        let Some(a) = r.added.as_ref() else {
            return self.hint(state, Msg::HintStaleButton);
        };
        let area = (g.areas.contains(&r.area) && self.may(Scope::Area(&g.id, &r.area)))
            .then(|| r.area.clone());
        let lang = g.languages.contains(&r.lang).then_some(r.lang);
        let mut d = AddDraft {
            step: AddStep::Summary,
            family: None,
            group: Some(g.id.clone()),
            area,
            lang,
            children: Vec::new(),
            times: r
                .times
                .iter()
                .filter(|t| g.times.contains(t))
                .cloned()
                .collect(),
            how: Some(a.how),
            on: Some(a.on),
        };
        d.step = steps(&d, Some(g))
            .into_iter()
            .find(|s| match s {
                AddStep::Group => false,
                AddStep::Area => d.area.is_none(),
                AddStep::Language => d.lang.is_none(),
                AddStep::Ages => d.children.is_empty(),
                AddStep::Times => d.times.is_empty(),
                AddStep::How => d.how.is_none(),
                AddStep::When => d.on.is_none(),
                AddStep::Summary => true,
            })
            .unwrap_or(AddStep::Summary);
        self.add_ask(d, state)
    }

    /// Asks the draft's current question.
    fn add_ask(&mut self, d: AddDraft, _state: State) -> State {
        let q = self.add_question(&d);
        self.say(q);
        State::Adding(d)
    }

    fn area_name(&self, a: &AreaId) -> String {
        self.ctx
            .config
            .area(a)
            .map_or_else(|| a.to_string(), |x| x.name.get(self.lang).to_owned())
    }

    /// The group of the draft, if it is still offered and the coordinator still sees it.
    fn add_group(&self, d: &AddDraft) -> Option<&'a Group> {
        let g = self.ctx.config.group(d.group.as_ref()?)?;
        self.may(Scope::Group(&g.id)).then_some(g)
    }

    /// On to the question after the current one.
    fn add_forward(&mut self, mut d: AddDraft) -> State {
        let group = self.add_group(&d);
        let order = steps(&d, group);
        let at = order.iter().position(|s| *s == d.step).unwrap_or(0);
        d.step = order.get(at + 1).copied().unwrap_or(AddStep::Summary);
        self.add_ask(d, State::Idle)
    }

    /// Typed text: the label (which saves), the day of consent, or a typed age.
    fn add_text(&mut self, mut d: AddDraft, t: &str) -> State {
        match d.step {
            AddStep::Summary => match added::label(t) {
                Some(l) => match self.add_group(&d) {
                    Some(group) => self.add_save(d, group, Some(l)),
                    None => {
                        self.say(Reply::msg(Msg::HintGroupGone));
                        State::Idle
                    }
                },
                None => self.add_hint(d, Msg::AddHintLabel),
            },
            AddStep::When => match added::parse_day(t, self.ctx.now) {
                Some(day) => {
                    d.on = Some(day);
                    self.add_forward(d)
                }
                None => self.add_hint(d, Msg::AddHintDay),
            },
            AddStep::Ages => match super::typed::age(t) {
                Some(a) => self.add_answer(d, Callback::Age(a)),
                // A birth date typed instead of an age.
                None => match child::parse_birth(t, child::today(self.ctx.now)) {
                    Some(Ok(c)) => self.add_family_child(d, c),
                    Some(Err(BirthError::Future)) => self.add_hint(d, Msg::HintBirthFuture),
                    Some(Err(BirthError::TooOld)) => self.add_hint(d, Msg::HintBirthTooOld),
                    None => self.add_hint(d, Msg::HintAge),
                },
            },
            _ => self.add_hint(d, Msg::HintUseButtons),
        }
    }

    fn add_hint(&mut self, d: AddDraft, msg: Msg) -> State {
        let q = self.add_question(&d).after(vec![line(msg)]);
        self.say(q);
        State::Adding(d)
    }

    /// A button while adding.
    fn add_answer(&mut self, mut d: AddDraft, cb: Callback) -> State {
        if let Callback::Cancel = cb {
            self.say(Reply::msg(Msg::ActionCancelled));
            return State::Idle;
        }
        if let Callback::Back = cb {
            let group = self.add_group(&d);
            let order = steps(&d, group);
            let at = order.iter().position(|s| *s == d.step).unwrap_or(0);
            if d.step == AddStep::Ages && !d.children.is_empty() {
                d.children.pop();
                return self.add_ask(d, State::Idle);
            }
            return match at.checked_sub(1).and_then(|i| order.get(i)) {
                Some(s) => {
                    d.step = *s;
                    self.add_ask(d, State::Idle)
                }
                None => self.add_hint(d, Msg::HintStaleButton),
            };
        }
        // Keep the answer given before (after Back) and go on.
        if let Callback::GoOn = cb {
            let kept = match d.step {
                AddStep::Group => d.group.is_some(),
                AddStep::Area => d.area.is_some(),
                AddStep::Language => d.lang.is_some(),
                AddStep::Ages => !d.children.is_empty(),
                AddStep::Times => !d.times.is_empty(),
                AddStep::How => d.how.is_some(),
                AddStep::When => d.on.is_some(),
                AddStep::Summary => false,
            };
            return if kept {
                self.add_forward(d)
            } else {
                self.add_hint(d, Msg::HintStaleButton)
            };
        }
        if d.step == AddStep::Group {
            return match cb {
                Callback::Group(g)
                    if self.ctx.config.group(&g).is_some() && self.may(Scope::Group(&g)) =>
                {
                    if d.group.as_ref() != Some(&g) {
                        // Another group: its own areas, languages, ages and times.
                        d = AddDraft {
                            group: Some(g),
                            how: d.how,
                            on: d.on,
                            ..AddDraft::new()
                        };
                    }
                    self.add_forward(d)
                }
                _ => self.add_hint(d, Msg::HintStaleButton),
            };
        }
        let Some(group) = self.add_group(&d) else {
            self.say(Reply::msg(Msg::HintGroupGone));
            return State::Idle;
        };
        match (d.step, cb) {
            (AddStep::Area, Callback::Area(a))
                if group.areas.contains(&a) && self.may(Scope::Area(&group.id, &a)) =>
            {
                d.area = Some(a);
                self.add_forward(d)
            }
            (AddStep::Language, Callback::GroupLang(l)) if group.languages.contains(&l) => {
                d.lang = Some(l);
                self.add_forward(d)
            }
            (AddStep::Ages, Callback::Age(a)) => {
                let c = Child::of_age(a, child::today(self.ctx.now));
                self.add_family_child(d, c)
            }
            (AddStep::Ages, Callback::ChildrenDone) if !d.children.is_empty() => {
                self.add_forward(d)
            }
            (AddStep::Times, Callback::Time(t)) if group.times.contains(&t) => {
                toggle_time(&mut d.times, t, &group.times);
                let mut q = self.add_question(&d);
                q.edit = true;
                self.say(q);
                State::Adding(d)
            }
            (AddStep::Times, Callback::TimesDone) if !d.times.is_empty() => self.add_forward(d),
            (AddStep::How, Callback::AddHow(h)) => {
                d.how = Some(h);
                self.add_forward(d)
            }
            (AddStep::When, Callback::AddWhen(n)) if n <= 1 => {
                d.on = Some(added::day(self.ctx.now, u32::from(n)));
                self.add_forward(d)
            }
            // Save keeps the label of a family being changed; a new one is saved by its label.
            (AddStep::Summary, Callback::AddSave) if d.family.is_some() => {
                self.add_save(d, group, None)
            }
            (_, _) => self.add_hint(d, Msg::HintStaleButton),
        }
    }

    /// One more child, if the group can take them at its expected start ([`child::Horizon`]).
    fn add_family_child(&mut self, mut d: AddDraft, c: Child) -> State {
        let Some(group) = self.add_group(&d) else {
            self.say(Reply::msg(Msg::HintGroupGone));
            return State::Idle;
        };
        if !crate::domain::Rules::horizon(self.ctx.config).fits(group.children, c, self.ctx.now) {
            return self.add_hint(d, Msg::AddHintAge);
        }
        if d.children.len() < super::registration::MAX_CHILDREN {
            d.children.push(c);
        }
        self.add_ask(d, State::Idle)
    }

    /// Saves the family: a new registration under a synthetic id the store assigns, or the
    /// family's registration changed; `label` as typed (a family being changed keeps its own
    /// without one).
    fn add_save(&mut self, d: AddDraft, group: &Group, label: Option<String>) -> State {
        let me = self.ctx.person.user;
        let old = d.family.and_then(|family| {
            self.ctx
                .view
                .registration(family, &group.id)
                .filter(|r| added::answers_for(r, me))
        });
        if d.family.is_some() && old.is_none() {
            return self.add_hint(d, Msg::HintStaleButton);
        }
        let label = label.or_else(|| {
            old.as_ref()
                .and_then(|r| r.added.as_ref())
                .map(|a| a.label.clone())
        });
        let lang = d
            .lang
            .or_else(|| (group.languages.len() == 1).then(|| group.languages[0]));
        let complete = d.area.is_some()
            && lang.is_some()
            && (group.children.is_none() || !d.children.is_empty())
            && !d.times.is_empty()
            && label.is_some()
            && d.how.is_some()
            && d.on.is_some();
        let (Some(area), Some(lang), Some(label), Some(how), Some(on), true) =
            (d.area.clone(), lang, label, d.how, d.on, complete)
        else {
            return self.add_hint(d, Msg::HintStaleButton);
        };
        if !self.may(Scope::Area(&group.id, &area)) {
            return self.add_hint(d, Msg::HintStaleButton);
        }
        let now = self.ctx.now;
        let marked = Added {
            by: me,
            label: label.clone(),
            how,
            on,
        };
        let children = if group.children.is_some() {
            d.children.clone()
        } else {
            Vec::new()
        };
        let (effect, msg) = match d.family {
            None => (
                Effect::AddFamily(Registration {
                    // The store gives it its synthetic id.
                    user: UserId::added(0),
                    group: group.id.clone(),
                    children,
                    area: area.clone(),
                    lang,
                    times: d.times.clone(),
                    contact: None,
                    source: None,
                    created_at: now,
                    updated_at: now,
                    status: Status::Waiting,
                    expiry_notice: None,
                    consents: Consents {
                        required: Some(ConsentRecord {
                            at: now,
                            version: self.ctx.config.notice_version,
                        }),
                        ..Consents::default()
                    },
                    renewed_at: None,
                    renewal_asked: None,
                    note: None,
                    added: Some(marked),
                }),
                Msg::AddSaved,
            ),
            Some(family) => {
                let Some(old) = old else {
                    return self.add_hint(d, Msg::HintStaleButton);
                };
                let changed = Registration {
                    children,
                    area: area.clone(),
                    lang,
                    times: d.times.clone(),
                    updated_at: now,
                    // Confirmed again: a registration paused for want of an answer waits again,
                    // and so does one whose children grew out, given ages that fit now.
                    status: match old.status {
                        Status::Paused {
                            why: Pause::Unrenewed | Pause::AgedOut,
                        } => Status::Waiting,
                        other => other,
                    },
                    expiry_notice: None,
                    renewal_asked: None,
                    added: Some(marked),
                    ..old
                };
                (
                    Effect::ForFamily {
                        family,
                        effect: Box::new(Effect::SaveRegistration(changed)),
                    },
                    Msg::AddUpdated,
                )
            }
        };
        self.effects.push(effect);
        let what = if d.family.is_some() {
            Accessed::Changed
        } else {
            Accessed::Added
        };
        self.audit_family(what, &group.id, &area);
        self.say(Reply::default().line(
            msg,
            vec![
                ("label", text(label)),
                ("group", text(group.name.get(self.lang))),
                ("area", text(self.area_name(&area))),
            ],
        ));
        State::Idle
    }

    /// Logs in the access log what the coordinator did for a family added by hand.
    fn audit_family(&mut self, what: Accessed, group: &GroupId, area: &AreaId) {
        self.effects
            .push(Effect::Audit(crate::domain::audit::Access {
                at: self.ctx.now,
                who: self.ctx.person.user,
                role: crate::domain::audit::Role::Coordinator,
                what,
                group: Some(group.clone()),
                area: Some(area.clone()),
                event: None,
                launch: None,
                people: 1,
            }));
    }

    /// The question an `/add` is at, with its buttons.
    pub(super) fn add_question(&self, d: &AddDraft) -> Reply {
        let lang = self.lang;
        let back_cancel = |first: bool| {
            let mut row = Vec::new();
            if !first {
                row.push(button(Msg::BtnBack, Callback::Back));
            }
            row.push(button(Msg::BtnCancel, Callback::Cancel));
            row
        };
        let keep = |r: Reply, kept: bool| {
            if kept {
                r.row(vec![button(Msg::BtnKeepAnswer, Callback::GoOn)])
            } else {
                r
            }
        };
        let group = self.add_group(d);
        let first = steps(d, group).first() == Some(&d.step);
        let r = match (d.step, group) {
            (AddStep::Group, _) | (_, None) => {
                let mut r = Reply::msg(Msg::AddAskGroup);
                for g in self.my_groups() {
                    r = r.row(vec![text_button(
                        g.name.get(lang),
                        Callback::Group(g.id.clone()),
                    )]);
                }
                keep(r, d.group.is_some())
            }
            (AddStep::Area, Some(g)) => {
                let mut r = Reply::msg(Msg::AddAskArea);
                let buttons: Vec<Button> = self
                    .ctx
                    .config
                    .areas_in(&g.areas, lang)
                    .into_iter()
                    .filter(|a| self.may(Scope::Area(&g.id, &a.id)))
                    .map(|a| text_button(a.name.get(lang), Callback::Area(a.id.clone())))
                    .collect();
                for chunk in buttons.chunks(2) {
                    r = r.row(chunk.to_vec());
                }
                keep(r, d.area.is_some())
            }
            (AddStep::Language, Some(g)) => keep(
                Reply::msg(Msg::AddAskLanguage).row(
                    g.languages
                        .iter()
                        .map(|l| button(lang_name(*l), Callback::GroupLang(*l)))
                        .collect(),
                ),
                d.lang.is_some(),
            ),
            (AddStep::Ages, Some(g)) => {
                let range = g
                    .children
                    .unwrap_or(crate::config::AgeRange { min: 0, max: 17 });
                let mut r = Reply::default().line(
                    if d.children.is_empty() {
                        Msg::AddAskAges
                    } else {
                        Msg::AddAskMoreAges
                    },
                    vec![
                        (
                            "ages",
                            text(super::registration::ages_text(&d.children, self.ctx.now)),
                        ),
                        ("min", num(range.min)),
                        ("max", num(range.max)),
                    ],
                );
                let ages: Vec<Button> = (range.min..=range.max)
                    .map(|a| text_button(&a.to_string(), Callback::Age(a)))
                    .collect();
                for chunk in ages.chunks(6) {
                    r = r.row(chunk.to_vec());
                }
                if d.children.is_empty() {
                    r
                } else {
                    r.row(vec![button(Msg::BtnChildrenDone, Callback::ChildrenDone)])
                }
            }
            (AddStep::Times, Some(g)) => {
                let mut r = Reply::msg(Msg::AddAskTimes);
                for id in &g.times {
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
                if d.times.is_empty() {
                    r
                } else {
                    r.row(vec![button(Msg::BtnTimesDone, Callback::TimesDone)])
                }
            }
            (AddStep::How, Some(_)) => {
                let mut r = Reply::msg(Msg::AddAskHow);
                for h in ConsentHow::ALL {
                    r = r.row(vec![button(how_msg(h), Callback::AddHow(h))]);
                }
                keep(r, d.how.is_some())
            }
            (AddStep::When, Some(_)) => {
                let mut r = Reply::default();
                if let Some(on) = d.on {
                    r = r.line(
                        Msg::AddKept,
                        vec![("answer", text(added::format_day(on, lang, self.ctx.now)))],
                    );
                }
                keep(
                    r.line(Msg::AddAskWhen, vec![]).row(vec![
                        button(Msg::BtnAddToday, Callback::AddWhen(0)),
                        button(Msg::BtnAddYesterday, Callback::AddWhen(1)),
                    ]),
                    d.on.is_some(),
                )
            }
            (AddStep::Summary, Some(g)) => {
                return self.add_summary(d, g);
            }
        };
        r.row(back_cancel(first))
    }

    fn add_summary(&self, d: &AddDraft, g: &Group) -> Reply {
        let lang = self.lang;
        let now = self.ctx.now;
        let times: Vec<&str> = d
            .times
            .iter()
            .filter_map(|t| self.ctx.config.time(t))
            .map(|t| t.name.get(lang))
            .collect();
        let glang = d
            .lang
            .or_else(|| g.languages.first().copied())
            .unwrap_or(Lang::Fi);
        // A family being changed: its label as it is (never kept in the draft).
        let label = d
            .family
            .and_then(|f| self.ctx.view.registration(f, &g.id))
            .and_then(|r| r.added)
            .map(|a| a.label);
        let mut r = Reply::default();
        if let Some(l) = &label {
            r = r.line(Msg::AddSummaryLabel, vec![("label", text(l.clone()))]);
        }
        let mut r = r.line(
            Msg::AddSummary,
            vec![
                ("group", text(g.name.get(lang))),
                (
                    "area",
                    text(
                        d.area
                            .as_ref()
                            .map(|a| self.area_name(a))
                            .unwrap_or_default(),
                    ),
                ),
                ("language", Arg::Msg(lang_name(glang))),
                ("times", text(times.join(", "))),
                ("how", Arg::Msg(how_msg(d.how.unwrap_or(ConsentHow::Phone)))),
                (
                    "on",
                    text(
                        d.on.map(|on| added::format_day(on, lang, now))
                            .unwrap_or_default(),
                    ),
                ),
            ],
        );
        if g.children.is_some() {
            r.lines.push(Line {
                msg: Msg::SummaryChildren,
                args: vec![
                    ("count", num(d.children.len())),
                    (
                        "ages",
                        text(super::registration::ages_text(&d.children, self.ctx.now)),
                    ),
                ],
                tight: true,
            });
        }
        let r = r.line(Msg::AddSummaryNote, vec![]);
        let r = if label.is_some() {
            r.line(Msg::AddAskLabelEdit, vec![])
                .row(vec![button(Msg::BtnAddSave, Callback::AddSave)])
        } else {
            r.line(Msg::AddAskLabel, vec![("max", num(added::MAX_LABEL_CHARS))])
        };
        r.row(vec![
            button(Msg::BtnBack, Callback::Back),
            button(Msg::BtnCancel, Callback::Cancel),
        ])
    }

    /// A button of a family's message pressed by the coordinator who added the family: the
    /// family's own conversation runs, as the family, and its effects are stored for the
    /// family. Anyone else — another coordinator, a forged id, a family no longer there —
    /// gets the stale-button answer.
    fn for_family(&mut self, state: State, family: UserId, inner: Callback) -> State {
        let me = self.ctx.person.user;
        if !family.is_added() || !for_family_allowed(&inner) {
            return self.hint(state, Msg::HintStaleButton);
        }
        let config = self.ctx.config;
        let view = self.ctx.view;
        let regs: Vec<Registration> = config
            .groups
            .iter()
            .filter_map(|g| view.registration(family, &g.id))
            .collect();
        // The registration the button concerns (any of the family's, for "keep").
        let concerns = match &inner {
            Callback::Invite(id, _) => view.launch(*id).map(|l| l.pool.group),
            Callback::StillInterested(g)
            | Callback::Resume(g)
            | Callback::Withdraw(g)
            | Callback::WithdrawYes(g) => Some(g.clone()),
            _ => regs.first().map(|r| r.group.clone()),
        };
        let Some(reg) = concerns
            .and_then(|g| regs.iter().find(|r| r.group == g))
            .filter(|r| added::answers_for(r, me) && self.may(Scope::Area(&r.group, &r.area)))
        else {
            return self.hint(state, Msg::HintStaleButton);
        };
        let label = reg
            .added
            .as_ref()
            .map(|a| a.label.clone())
            .unwrap_or_default();
        let person = Person {
            user: family,
            name: String::new(),
            username: None,
        };
        let ctx = Ctx {
            config,
            person: &person,
            lang: self.lang,
            registrations: &regs,
            view,
            now: self.ctx.now,
        };
        let out = super::step(State::Idle, Input::Button(inner.encode()), &ctx);
        if !out.effects.is_empty() {
            self.audit_family(Accessed::ForFamily, &reg.group, &reg.area);
        }
        for effect in out.effects {
            self.effects.push(Effect::ForFamily {
                family,
                effect: Box::new(effect),
            });
        }
        for (i, mut reply) in out.replies.into_iter().enumerate() {
            if i == 0 {
                reply.lines.insert(
                    0,
                    Line::new(Msg::AddForFamily, vec![("label", text(label.clone()))]),
                );
            }
            self.say(on_behalf(reply, family));
        }
        state
    }
}

/// A family's message as the coordinator who added the family gets it: the family's buttons
/// answer for the family ([`Callback::ForFamily`]); a group offered to the family (one that
/// fits a child who grew out of theirs) adds the family there ([`Callback::AddGrown`]); buttons
/// that mean nothing without the family's own chat (editing in a chat they do not have, a
/// calendar file, …) are left out.
#[must_use]
pub fn on_behalf(mut reply: Reply, family: UserId) -> Reply {
    reply.buttons = reply
        .buttons
        .into_iter()
        .map(|row| {
            row.into_iter()
                .filter_map(|b| match b.callback {
                    // A group that fits a child now (who grew out of theirs): the coordinator
                    // adds the family for it.
                    Callback::Group(g) => Some(Button {
                        label: match b.label {
                            Label::MsgArgs(_, args) => Label::MsgArgs(Msg::BtnAddGrown, args),
                            other => other,
                        },
                        callback: Callback::AddGrown(family, g),
                    }),
                    cb if for_family_allowed(&cb) => Some(Button {
                        callback: Callback::ForFamily(family, Box::new(cb)),
                        ..b
                    }),
                    _ => None,
                })
                .collect::<Vec<_>>()
        })
        .filter(|row| !row.is_empty())
        .collect();
    reply
}

fn lang_name(l: Lang) -> Msg {
    match l {
        Lang::Fi => Msg::GroupLangFi,
        Lang::Sv => Msg::GroupLangSv,
        Lang::En => Msg::GroupLangEn,
    }
}

fn how_msg(h: ConsentHow) -> Msg {
    match h {
        ConsentHow::Phone => Msg::AddHowPhone,
        ConsentHow::Paper => Msg::AddHowPaper,
        ConsentHow::InPerson => Msg::AddHowInPerson,
    }
}
