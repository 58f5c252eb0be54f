//! Both parents, one child: the first parent shares a children's registration with the
//! child's other parent through a one-time link; the other parent opens it, gives their own
//! consent and may add the times that suit them. The rules are in [`crate::domain::family`];
//! this is the conversation around them.

use super::engine::Engine;
use super::reply::{button, num, text, Arg, Button, Label, Reply};
use super::{Callback, Command, Effect, FamilyChange, State, Turn};
use crate::domain::family::{self, Family, LinkProblem, OtherParent};
use crate::domain::privacy::{ConsentRecord, Consents};
use crate::domain::when::format_when;
use crate::domain::{Contact, GroupId, TimeId};
use crate::msg::Msg;
use serde::{Deserialize, Serialize};

/// The other parent's answers while they join, kept in their conversation state.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Joining {
    /// The link's token.
    pub token: String,
    /// The question being asked.
    pub step: JoinStep,
    /// Their consent, once given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub consented: Option<ConsentRecord>,
    /// The times that suit them (optional).
    #[serde(default)]
    pub times: Vec<TimeId>,
    /// The family's group, whose times are offered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupId>,
    /// Whether the coordinator may see their name, once answered.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share: Option<bool>,
    /// Their own private note to the coordinators (optional).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Changing the note later: the family it is for (the token is then unused).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family: Option<family::FamilyId>,
}

/// The questions the other parent is asked, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum JoinStep {
    /// Their own consent (required).
    Consent,
    /// The times that suit them (optional).
    Times,
    /// Whether the coordinator may see their name (optional).
    Share,
    /// Their own private note to the coordinators (optional), the last question.
    Note,
    /// Later, from `/mine`: a new note in place of theirs, or none.
    ChangeNote,
}

/// `/start f_<token>`: the other parent opens a link. A link that does not let them in gets a
/// friendly answer and changes nothing.
pub(super) fn open_link(e: &mut Engine<'_>, state: State, payload: &str) -> State {
    let Some(token) = family::parse_payload(payload) else {
        return state;
    };
    let f = e.ctx.view.family_by_token(token);
    if let Err(problem) = family::check_link(f.as_ref(), token, e.ctx.person.user, e.ctx.now) {
        e.say(Reply::msg(match problem {
            LinkProblem::Unknown => Msg::FamilyLinkUnknown,
            LinkProblem::Expired => Msg::FamilyLinkExpired,
            LinkProblem::Used => Msg::FamilyLinkUsed,
            LinkProblem::Own => Msg::FamilyLinkOwn,
            LinkProblem::HasOwn => Msg::FamilyLinkHasOwn,
        }));
        return match state {
            State::JoiningFamily(_) => State::Idle,
            other => other,
        };
    }
    let Some(f) = f else {
        return state;
    };
    if family::may_join(&f, e.ctx.registrations).is_err() {
        // Registered the children themselves: withdraw that first, or they count twice.
        e.say(Reply::msg(Msg::FamilyLinkHasOwn));
        return state;
    }
    // The joining parent keeps their own language (their choice, or their Telegram's): a
    // Swedish-speaking parent of a family registered for a Finnish group reads, and is
    // reminded, in Swedish.
    let j = Joining {
        token: token.to_owned(),
        step: JoinStep::Consent,
        consented: None,
        times: Vec::new(),
        group: Some(f.group.clone()),
        share: None,
        note: None,
        family: None,
    };
    let intro = e.family_lines(&f, Msg::FamilyInvite);
    e.say(intro);
    e.say(e.join_question(&j));
    State::JoiningFamily(j)
}

/// The family part of a registration-part turn: `Ok` with the next state when it was one,
/// `Err` with the state and turn handed back otherwise.
#[allow(clippy::result_large_err)] // handed back at once, never stored
pub(super) fn step(e: &mut Engine<'_>, state: State, turn: Turn) -> Result<State, (State, Turn)> {
    match turn {
        Turn::Button(Callback::FamilyShare(g)) => Ok(e.share(state, &g)),
        Turn::Button(Callback::FamilyRevoke(g)) => Ok(e.revoke(state, &g)),
        Turn::Button(Callback::FamilyUnlink(g)) => Ok(e.unlink(state, &g)),
        Turn::Button(Callback::FamilyNote(id)) => {
            // Only the family's other parent changes their own note; anyone else's button (a
            // forged or stale one) changes nothing.
            let me = e.ctx.person.user;
            let theirs = e
                .ctx
                .view
                .families_of(me)
                .into_iter()
                .find(|f| f.id == id && f.other.as_ref().is_some_and(|o| o.user == me));
            Ok(match theirs {
                Some(f) => {
                    let j = Joining {
                        token: String::new(),
                        step: JoinStep::ChangeNote,
                        consented: None,
                        times: Vec::new(),
                        group: Some(f.group.clone()),
                        share: None,
                        // Not copied into the conversation state: shown from the family
                        // record, so that no copy of it outlives a change.
                        note: None,
                        family: Some(f.id),
                    };
                    e.say(e.join_question(&j));
                    State::JoiningFamily(j)
                }
                None => e.hint(state, Msg::HintStaleButton),
            })
        }
        Turn::Button(Callback::FamilyLeave(id)) => {
            let me = e.ctx.person.user;
            let theirs = e
                .ctx
                .view
                .families_of(me)
                .into_iter()
                .find(|f| f.id == id && f.other.as_ref().is_some_and(|o| o.user == me));
            Ok(match theirs {
                Some(f) => {
                    e.effects.push(Effect::Family(FamilyChange::Leave(f.id)));
                    let name = e.group_name(&f.group);
                    e.say(Reply::default().line(Msg::FamilyLeft, vec![("group", text(name))]));
                    state
                }
                None => e.hint(state, Msg::HintStaleButton),
            })
        }
        turn => match state {
            State::JoiningFamily(j) => e.joining(j, turn),
            state => Err((state, turn)),
        },
    }
}

impl Engine<'_> {
    /// The family's group, area and children as the other parent sees them, under `msg`.
    fn family_lines(&self, f: &Family, msg: Msg) -> Reply {
        let area = self
            .ctx
            .config
            .area(&f.area)
            .map(|a| a.name.get(self.lang).to_owned())
            .unwrap_or_default();
        Reply::default().line(
            msg,
            vec![
                ("group", text(self.group_name(&f.group))),
                ("area", text(area)),
                ("count", num(f.children.len())),
                (
                    "ages",
                    text(super::registration::ages_text(&f.children, self.ctx.now)),
                ),
            ],
        )
    }

    /// The question a joining parent is at.
    pub(super) fn join_question(&self, j: &Joining) -> Reply {
        let cancel = vec![button(Msg::BtnCancel, Callback::Cancel)];
        match j.step {
            JoinStep::Consent => Reply::default()
                .line(
                    Msg::AskConsent,
                    vec![
                        (
                            "organisation",
                            text(self.ctx.config.organisation.get(self.lang)),
                        ),
                        // Joining asks only the times: the rest is the family's.
                        ("kind", text("join")),
                    ],
                )
                .row(vec![button(Msg::BtnConsentYes, Callback::Consent(true))])
                .row(vec![button(Msg::BtnConsentNo, Callback::Consent(false))])
                .row(cancel),
            JoinStep::Times => {
                let mut r = Reply::msg(Msg::FamilyAskTimes);
                let offered = j
                    .group
                    .as_ref()
                    .and_then(|g| self.ctx.config.group(g))
                    .map(|g| g.times.clone())
                    .unwrap_or_default();
                for slot in offered.iter().filter_map(|t| self.ctx.config.time(t)) {
                    let name = slot.name.get(self.lang).to_owned();
                    let label = if j.times.contains(&slot.id) {
                        Label::MsgArgs(Msg::BtnTimeChecked, vec![("time", Arg::Text(name))])
                    } else {
                        Label::Text(name)
                    };
                    r = r.row(vec![Button {
                        label,
                        callback: Callback::Time(slot.id.clone()),
                    }]);
                }
                r.row(vec![button(Msg::BtnTimesDone, Callback::TimesDone)])
                    .row(cancel)
            }
            JoinStep::Share => Reply::msg(Msg::AskShare)
                .row(vec![button(Msg::BtnShareYes, Callback::Share(true))])
                .row(vec![button(Msg::BtnShareNo, Callback::Share(false))])
                .row(cancel),
            // As in a registration: the note so far, which can be removed, or the question.
            JoinStep::Note | JoinStep::ChangeNote => match &self.note_so_far(j) {
                None => Reply::msg(Msg::AskNote)
                    .row(vec![button(Msg::BtnNoNote, Callback::NoNote)])
                    .row(cancel),
                Some(n) => Reply::default()
                    .line(Msg::SummaryNote, vec![("note", text(n.clone()))])
                    .line(Msg::AskNoteEdit, vec![])
                    .row(vec![button(Msg::BtnRemoveNote, Callback::NoNote)])
                    .row(cancel),
            },
        }
    }

    /// The note a joining parent has so far: while joining, the one typed; when changing it
    /// later, theirs as the family record has it now.
    fn note_so_far(&self, j: &Joining) -> Option<String> {
        if j.step != JoinStep::ChangeNote {
            return j.note.clone();
        }
        let me = self.ctx.person.user;
        self.ctx
            .view
            .families_of(me)
            .into_iter()
            .filter(|f| Some(f.id) == j.family)
            .find_map(|f| f.other.filter(|o| o.user == me).and_then(|o| o.note))
    }

    #[allow(clippy::result_large_err)] // handed back at once, never stored
    fn joining(&mut self, mut j: Joining, turn: Turn) -> Result<State, (State, Turn)> {
        let now = self.ctx.now;
        let next = match (j.step, turn) {
            (_, Turn::Button(Callback::Cancel) | Turn::Command(Command::Cancel)) => {
                self.say(Reply::msg(Msg::Cancelled));
                return Ok(State::Idle);
            }
            (JoinStep::Consent, Turn::Button(Callback::Consent(true))) => {
                j.consented = Some(ConsentRecord {
                    at: now,
                    version: self.ctx.config.notice_version,
                });
                j.step = JoinStep::Times;
                j
            }
            (JoinStep::Consent, Turn::Button(Callback::Consent(false))) => {
                self.say(Reply::msg(Msg::NoConsent));
                return Ok(State::Idle);
            }
            (JoinStep::Times, Turn::Button(Callback::Time(t))) => {
                // Only the group's own times, kept in its order: the one rule for ticking a
                // time, as in a registration.
                let Some(order) = j
                    .group
                    .as_ref()
                    .and_then(|g| self.ctx.config.group(g))
                    .map(|g| g.times.clone())
                    .filter(|order| order.contains(&t))
                else {
                    return Ok(self.hint(State::JoiningFamily(j), Msg::HintStaleButton));
                };
                super::registration::toggle_time(&mut j.times, t, &order);
                j
            }
            (JoinStep::Times, Turn::Button(Callback::TimesDone)) => {
                j.step = JoinStep::Share;
                j
            }
            (JoinStep::Share, Turn::Button(Callback::Share(share))) => {
                j.share = Some(share);
                j.step = JoinStep::Note;
                j
            }
            (JoinStep::Note, Turn::Button(Callback::NoNote)) => {
                j.note = None;
                return Ok(self.join(j));
            }
            (JoinStep::ChangeNote, Turn::Button(Callback::NoNote)) => {
                return Ok(self.change_note(&j, None));
            }
            (JoinStep::Note | JoinStep::ChangeNote, Turn::Text(t)) => {
                let note = match crate::domain::registration::note(&t) {
                    Ok(note) => note,
                    Err(count) => {
                        let hint = super::reply::Line::new(
                            Msg::HintNoteLong,
                            vec![
                                ("count", num(count)),
                                ("max", num(crate::domain::registration::MAX_NOTE_CHARS)),
                            ],
                        );
                        let q = self.join_question(&j).after(vec![hint]);
                        self.say(q);
                        return Ok(State::JoiningFamily(j));
                    }
                };
                if j.step == JoinStep::ChangeNote {
                    return Ok(self.change_note(&j, note));
                }
                j.note = note;
                return Ok(self.join(j));
            }
            (_, Turn::Text(_)) => {
                return Ok(self.hint(State::JoiningFamily(j), Msg::HintUseButtons));
            }
            (_, turn @ Turn::Command(_)) => return Err((State::JoiningFamily(j), turn)),
            (_, Turn::Button(_)) => {
                return Ok(self.hint(State::JoiningFamily(j), Msg::HintStaleButton));
            }
        };
        let q = self.join_question(&next);
        self.say(q);
        Ok(State::JoiningFamily(next))
    }

    /// The other parent's new note (or none) for their family, from `/mine`.
    fn change_note(&mut self, j: &Joining, note: Option<String>) -> State {
        let Some(id) = j.family else {
            return State::Idle;
        };
        let msg = if note.is_some() {
            Msg::FamilyNoteSaved
        } else {
            Msg::FamilyNoteRemoved
        };
        self.effects
            .push(Effect::Family(FamilyChange::Note { id, note }));
        self.say(Reply::msg(msg));
        State::Idle
    }

    /// The last answer: the link is checked again, and the other parent is in.
    fn join(&mut self, j: Joining) -> State {
        let share = j.share.unwrap_or(false);
        let person = self.ctx.person;
        let f = self.ctx.view.family_by_token(&j.token);
        let checked =
            family::check_link(f.as_ref(), &j.token, person.user, self.ctx.now).and_then(|()| {
                f.as_ref()
                    .map_or(Ok(()), |f| family::may_join(f, self.ctx.registrations))
            });
        let (Ok(()), Some(f), Some(consented)) = (checked, f, j.consented) else {
            self.say(Reply::msg(Msg::FamilyLinkUnknown));
            return State::Idle;
        };
        let contact = share.then(|| Contact {
            name: crate::domain::text::clean(&person.name).into_owned(),
            username: person
                .username
                .as_deref()
                .map(|u| crate::domain::text::clean(u).into_owned()),
        });
        let other = OtherParent {
            user: person.user,
            consents: Consents {
                required: Some(consented),
                share: share.then_some(ConsentRecord {
                    at: self.ctx.now,
                    version: self.ctx.config.notice_version,
                }),
                share_withdrawn: None,
            },
            times: j.times,
            contact,
            joined_at: self.ctx.now,
            note: j.note,
        };
        self.effects.push(Effect::Family(FamilyChange::Join {
            token: j.token,
            other,
        }));
        let done = self.family_lines(&f, Msg::FamilyJoined);
        self.say(done);
        State::Idle
    }

    /// The families the person holds (the first parent) and the one for `group`, if any.
    fn held(&self, group: &GroupId) -> Option<Family> {
        let me = self.ctx.person.user;
        self.ctx
            .view
            .families_of(me)
            .into_iter()
            .find(|f| f.holder == me && &f.group == group)
    }

    /// After a children's registration is confirmed: one optional question, whether the
    /// child's other parent may register too (never asked of the other parent).
    pub(super) fn offer_family(&self, reply: Reply, group: &GroupId, children: bool) -> Reply {
        if !children || self.held(group).is_some_and(|f| f.other.is_some()) {
            return reply;
        }
        reply.line(Msg::FamilyOffer, vec![]).row(vec![button(
            Msg::BtnFamilyShare,
            Callback::FamilyShare(group.clone()),
        )])
    }

    fn share(&mut self, state: State, g: &GroupId) -> State {
        let own = self
            .ctx
            .registrations
            .iter()
            .find(|r| &r.group == g && family::shareable(r));
        if own.is_none() {
            return self.hint(state, Msg::HintStaleButton);
        }
        if self.held(g).is_some_and(|f| f.other.is_some()) {
            self.say(Reply::msg(Msg::FamilyAlreadyShared));
            return state;
        }
        let Some(fresh) = self.ctx.view.fresh() else {
            self.say(Reply::msg(Msg::FamilyNoLink));
            return state;
        };
        let mut id = [0u8; 16];
        let mut tok = [0u8; 16];
        id.copy_from_slice(&fresh[..16]);
        tok.copy_from_slice(&fresh[16..]);
        let token = family::token_from(tok);
        let days = self.ctx.config.share_link_days;
        let link = format!(
            "https://t.me/{}?start={}",
            self.ctx.config.bot_username,
            family::payload(&token)
        );
        self.effects.push(Effect::Family(FamilyChange::Share {
            group: g.clone(),
            fresh: family::FamilyId(id),
            token,
            days,
        }));
        self.say(
            Reply::default()
                .line(
                    Msg::FamilyLink,
                    vec![
                        ("group", text(self.group_name(g))),
                        ("days", num(days)),
                        ("link", text(link)),
                    ],
                )
                .row(vec![button(
                    Msg::BtnFamilyRevoke,
                    Callback::FamilyRevoke(g.clone()),
                )]),
        );
        state
    }

    fn revoke(&mut self, state: State, g: &GroupId) -> State {
        if self.held(g).is_none_or(|f| f.link.is_none()) {
            return self.hint(state, Msg::HintStaleButton);
        }
        self.effects
            .push(Effect::Family(FamilyChange::Revoke(g.clone())));
        self.say(Reply::msg(Msg::FamilyRevoked));
        state
    }

    fn unlink(&mut self, state: State, g: &GroupId) -> State {
        if self.held(g).is_none_or(|f| f.other.is_none()) {
            return self.hint(state, Msg::HintStaleButton);
        }
        self.effects
            .push(Effect::Family(FamilyChange::Unlink(g.clone())));
        self.say(Reply::msg(Msg::FamilyUnlinkDone));
        state
    }

    /// For the other parent: the family's invitation to a launch still ahead, as they answer
    /// it (their own answer: buttons while they have not answered; the meeting once either
    /// parent accepted).
    fn family_invitation(&self, mut r: Reply, f: &Family) -> Reply {
        let me = self.ctx.person.user;
        let now = self.ctx.now;
        let Some(l) = self.ctx.view.launches().into_iter().rev().find(|l| {
            l.pool.group == f.group && l.start > now && l.family_invitation(me).is_some()
        }) else {
            return r;
        };
        let (Some(inv), Some(own)) = (l.family_invitation(me), l.own_answer(me)) else {
            return r;
        };
        let meeting = vec![
            ("when", text(format_when(l.start, self.lang, now))),
            ("place", text(l.place.clone())),
        ];
        match (inv.answer, own) {
            (crate::domain::Answer::Pending, crate::domain::Answer::Pending) => {
                let timeout = chrono::Duration::hours(i64::from(self.ctx.config.invite_hours));
                let mut args = meeting;
                args.push((
                    "deadline",
                    text(format_when(inv.deadline(timeout), self.lang, now)),
                ));
                r = r.line(Msg::MineInvited, args).row(vec![
                    button(Msg::BtnInviteYes, Callback::Invite(l.id, true)),
                    button(Msg::BtnInviteNo, Callback::Invite(l.id, false)),
                ]);
            }
            (crate::domain::Answer::Pending, crate::domain::Answer::Declined) => {
                r = r.line(Msg::MineFamilyDeclined, vec![]);
            }
            (crate::domain::Answer::Accepted, _) => {
                r = r.line(Msg::MineAccepted, meeting);
            }
            _ => {}
        }
        r
    }

    /// `/mine`'s part about shared registrations: what the first parent shares (and buttons to
    /// revoke a link or unlink), and what the other parent is part of (and a button to leave).
    pub(super) fn mine_families(&mut self, families: &[Family]) {
        let me = self.ctx.person.user;
        for f in families {
            let name = self.group_name(&f.group);
            if f.holder == me {
                let mut r = Reply::default();
                if f.other.is_some() {
                    r = r
                        .line(Msg::FamilyMineShared, vec![("group", text(name.clone()))])
                        .row(vec![button(
                            Msg::BtnFamilyUnlink,
                            Callback::FamilyUnlink(f.group.clone()),
                        )]);
                }
                if let Some(l) = &f.link {
                    if l.expires_at > self.ctx.now {
                        r = r
                            .line(
                                Msg::FamilyMineLink,
                                vec![
                                    ("group", text(name)),
                                    (
                                        "until",
                                        text(format_when(l.expires_at, self.lang, self.ctx.now)),
                                    ),
                                ],
                            )
                            .row(vec![button(
                                Msg::BtnFamilyRevoke,
                                Callback::FamilyRevoke(f.group.clone()),
                            )]);
                    }
                }
                let live = f.link.as_ref().is_some_and(|l| l.expires_at > self.ctx.now);
                let own = self
                    .ctx
                    .registrations
                    .iter()
                    .any(|r| r.group == f.group && family::shareable(r));
                if f.other.is_none() && !live && own {
                    // Shared before (unlinked, or a link taken back or run out): again, from here.
                    r = self.offer_family(r, &f.group, true);
                }
                if !r.lines.is_empty() {
                    self.say(r);
                }
            } else if let Some(o) = f.other.as_ref().filter(|o| o.user == me) {
                let mut r = self.family_lines(f, Msg::FamilyMineOther);
                r.lines
                    .extend(super::registration::note_line(o.note.as_deref()));
                // Paused (an invitation or the question whether the family is still interested
                // went unanswered): either parent may take it up again.
                let paused = self
                    .ctx
                    .view
                    .registration(f.holder, &f.group)
                    .is_some_and(|held| family::resume(f, me, &held, self.ctx.now).is_some());
                if paused {
                    r = r.line(Msg::FamilyMinePaused, vec![]).row(vec![button(
                        Msg::BtnResume,
                        Callback::Resume(f.group.clone()),
                    )]);
                }
                let r = self
                    .family_invitation(r, f)
                    .row(vec![button(Msg::BtnChangeNote, Callback::FamilyNote(f.id))])
                    .row(vec![button(
                        Msg::BtnFamilyLeave,
                        Callback::FamilyLeave(f.id),
                    )]);
                self.say(r);
            }
        }
    }
}
