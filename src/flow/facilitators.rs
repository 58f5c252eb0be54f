//! Facilitators (ohjaajat): a coordinator's `/facilitators` (the list, a one-time invitation
//! link for chosen groups, removing one), the person who opens a link (a name, consent, and
//! they facilitate those groups), and a facilitator's own `/group` (the participants of their
//! groups' launches) and `/support` (a message to the group's coordinators). It owns the
//! states [`State::InvitingFacilitator`], [`State::JoiningAsFacilitator`] and
//! [`State::Supporting`].
//!
//! What a facilitator may see or do is asked in one place, [`Engine::facilitates`] (by
//! [`crate::domain::facilitator::Facilitation::facilitates`]); a button about a group they do
//! not facilitate is answered exactly as a stale button is.

use super::engine::Engine;
use super::launch::LaunchQuestion;
use super::launch::{kind, who_text};
use super::reply::{button, num, text, Arg, Button, Label, Line, Reply};
use super::{Callback, Command, Effect, LaunchDraft, State, Turn};
use crate::callback::FacPick;
use crate::domain::facilitator::{
    self, Facilitation, Facilitator, FacilitatorInvite, INVITE_VALID,
};
use crate::domain::privacy::ConsentRecord;
use crate::domain::remit::Scope;
use crate::domain::when::format_when;
use crate::domain::{deep_link, Answer, GroupId, Launch, StartPayload, UserId};
use crate::msg::Msg;

/// Longest name a facilitator may give.
const MAX_NAME: usize = 64;
/// Longest message to the coordinators.
const MAX_SUPPORT: usize = 3000;

/// A command, text or button of the facilitators' part.
pub(super) fn step(e: &mut Engine<'_>, state: State, turn: Turn) -> State {
    match turn {
        Turn::Command(Command::Facilitators) => {
            e.facilitator_list();
            State::Idle
        }
        Turn::Command(Command::Group) => e.my_groups_menu(state),
        Turn::Command(Command::Support) => e.support_menu(state),
        Turn::Command(Command::Write) => e.write_menu(state),
        Turn::Command(_) => e.hint(state, Msg::HintUnknownCommand),
        Turn::Text(t) => match state {
            State::JoiningAsFacilitator { token, name: None } => e.joining_name(token, &t),
            State::Supporting { group } if e.facilitates(&group) => e.support_send(group, &t),
            State::InvitingFacilitator { .. } if !e.is_coordinator() => e.not_a_coordinator(),
            State::Supporting { .. } => e.hint(State::Idle, Msg::HintUseButtons),
            State::Writing { launch, text: None } if e.writes_to(launch).is_some() => {
                e.write_text(launch, &t)
            }
            State::Writing { .. } => e.hint(State::Idle, Msg::HintUseButtons),
            other => e.hint(other, Msg::HintUseButtons),
        },
        Turn::Button(Callback::Fac(pick)) => e.fac_button(state, pick),
        Turn::Button(Callback::Back) => match state {
            State::JoiningAsFacilitator {
                token,
                name: Some(_),
            } => e.reprompt(State::JoiningAsFacilitator { token, name: None }),
            other => e.hint(other, Msg::HintStaleButton),
        },
        Turn::Button(_) => e.hint(state, Msg::HintStaleButton),
    }
}

impl Engine<'_> {
    // ---- who facilitates what: the one place ----

    /// Everyone who facilitates, from the store and the config.
    fn facilitation<R>(&self, f: impl FnOnce(Facilitation<'_>) -> R) -> R {
        let stored = self.ctx.view.facilitators();
        let listed = self.ctx.config.listed_facilitators();
        f(Facilitation {
            stored: &stored,
            listed: &listed,
        })
    }

    /// Whether the person talking facilitates `group`: the question every facilitator's view,
    /// button and message asks.
    pub(super) fn facilitates(&self, group: &GroupId) -> bool {
        let user = self.ctx.person.user;
        self.facilitation(|f| f.facilitates(user, group))
    }

    /// A facilitator's name as the coordinators see it (the one they gave, or the config's).
    pub(super) fn facilitator_name(&self, user: UserId) -> String {
        self.ctx
            .view
            .facilitators()
            .into_iter()
            .find(|f| f.user == user)
            .map(|f| f.name)
            .or_else(|| {
                self.ctx
                    .config
                    .facilitators
                    .iter()
                    .find(|f| f.telegram_id == user)
                    .map(|f| f.name.clone())
            })
            .unwrap_or_default()
    }

    /// The facilitators of a group, as the coordinator may ask them to take a launch.
    pub(super) fn group_facilitators(&self, group: &GroupId) -> Vec<UserId> {
        self.facilitation(|f| f.of_group(group))
    }

    /// Whether the person talking facilitates any group.
    pub(super) fn is_facilitator(&self) -> bool {
        let user = self.ctx.person.user;
        self.facilitation(|f| f.is_facilitator(user))
    }

    /// The groups the person talking facilitates, in config order.
    fn facilitated(&self) -> Vec<GroupId> {
        self.ctx
            .config
            .groups
            .iter()
            .map(|g| g.id.clone())
            .filter(|g| self.facilitates(g))
            .collect()
    }

    /// Whether the person talking is a facilitator of a launch: they facilitate its group and,
    /// when the coordinator asked facilitators to take it, said yes
    /// ([`facilitator::sees_launch`]). Every view of a launch and message about it asks this.
    pub(super) fn facilitates_launch(&self, l: &Launch) -> bool {
        self.is_launch_facilitator(self.ctx.person.user, l)
    }

    /// Whether `user` is a facilitator of a launch, as [`Engine::facilitates_launch`] asks it
    /// for the person talking (the access to a launch's meetings asks it for anyone).
    pub(super) fn is_launch_facilitator(&self, user: UserId, l: &Launch) -> bool {
        self.facilitation(|f| f.facilitates(user, &l.pool.group))
            && facilitator::sees_launch(self.ctx.view.crew(l.id).as_ref(), user)
    }

    /// The launches of a group the person talking facilitates, newest first.
    fn facilitated_launches(&self, group: &GroupId) -> Vec<Launch> {
        if !self.facilitates(group) {
            return Vec::new();
        }
        let mut ls: Vec<Launch> = self
            .ctx
            .view
            .launches()
            .into_iter()
            .filter(|l| &l.pool.group == group && self.facilitates_launch(l))
            .collect();
        ls.reverse();
        ls
    }

    // ---- buttons ----

    fn fac_button(&mut self, state: State, pick: FacPick) -> State {
        match pick {
            FacPick::Invite if self.coordinates_any() => {
                self.reprompt(State::InvitingFacilitator { groups: Vec::new() })
            }
            FacPick::InviteGroup(g) => match state {
                State::InvitingFacilitator { mut groups }
                    if self.may(Scope::Group(&g)) && self.ctx.config.group(&g).is_some() =>
                {
                    if let Some(i) = groups.iter().position(|x| x == &g) {
                        groups.remove(i);
                    } else {
                        groups.push(g);
                    }
                    self.reprompt(State::InvitingFacilitator { groups })
                }
                other => self.hint(other, Msg::HintStaleButton),
            },
            FacPick::InviteMake => match state {
                State::InvitingFacilitator { groups } if self.coordinates_any() => {
                    self.invite_make(groups)
                }
                other => self.hint(other, Msg::HintStaleButton),
            },
            FacPick::Remove(u) => match self.removable(u) {
                Some((name, groups)) => {
                    let names = self.group_names(&groups);
                    self.say(
                        Reply::default()
                            .line(
                                Msg::FacRemoveAsk,
                                vec![("name", text(name)), ("groups", text(names))],
                            )
                            .row(vec![
                                button(Msg::BtnFacRemoveYes, Callback::Fac(FacPick::RemoveYes(u))),
                                button(Msg::BtnKeep, Callback::Keep),
                            ]),
                    );
                    state
                }
                None => self.hint(state, Msg::HintStaleButton),
            },
            FacPick::RemoveYes(u) => match self.removable(u) {
                Some((name, groups)) => {
                    self.effects
                        .push(Effect::RemoveFacilitator { user: u, groups });
                    self.say(Reply::default().line(Msg::FacRemoved, vec![("name", text(name))]));
                    state
                }
                None => self.hint(state, Msg::HintStaleButton),
            },
            FacPick::Consent(yes) => match state {
                State::JoiningAsFacilitator {
                    token,
                    name: Some(name),
                } => self.joining_consent(token, name, yes),
                other => self.hint(other, Msg::HintStaleButton),
            },
            FacPick::Group(g) if self.facilitates(&g) => {
                self.group_lists(&g);
                state
            }
            FacPick::Support(g) if self.facilitates(&g) => {
                self.reprompt(State::Supporting { group: g })
            }
            FacPick::ShareAgain(g) => self.share_again(state, &g),
            FacPick::Pick(u) => match state {
                State::Launching(mut d)
                    if self.may_pool(&d.pool)
                        && d.asking() == LaunchQuestion::Summary
                        && self.group_facilitators(&d.pool.group).contains(&u) =>
                {
                    if let Some(i) = d.facilitators.iter().position(|x| *x == u) {
                        d.facilitators.remove(i);
                    } else {
                        d.facilitators.push(u);
                    }
                    self.reprompt(State::Launching(d))
                }
                other => self.hint(other, Msg::HintStaleButton),
            },
            FacPick::PickAll => match state {
                State::Launching(mut d)
                    if self.may_pool(&d.pool) && d.asking() == LaunchQuestion::Summary =>
                {
                    d.facilitators = self.group_facilitators(&d.pool.group);
                    self.reprompt(State::Launching(d))
                }
                other => self.hint(other, Msg::HintStaleButton),
            },
            FacPick::Hold(hold) => match state {
                State::Launching(mut d)
                    if self.may_pool(&d.pool) && d.asking() == LaunchQuestion::Summary =>
                {
                    d.hold = hold;
                    self.reprompt(State::Launching(d))
                }
                other => self.hint(other, Msg::HintStaleButton),
            },
            // Only one asked whose answer changes something (a yes stands; the same answer
            // again, or one after the meeting, is a stale button).
            FacPick::Proposal(id, yes) => {
                match (self.ctx.view.launch(id), self.ctx.view.crew(id)) {
                    (Some(l), Some(c))
                        if self.facilitates(&l.pool.group)
                            && l.start > self.ctx.now
                            && facilitator::answer(
                                &c,
                                self.ctx.person.user,
                                yes,
                                l.coordinator,
                            )
                            .is_some() =>
                    {
                        self.effects.push(Effect::CrewAnswer { launch: id, yes });
                        self.say(Reply::msg(if yes {
                            Msg::FacProposalYes
                        } else {
                            Msg::FacProposalNo
                        }));
                        state
                    }
                    _ => self.hint(state, Msg::HintStaleButton),
                }
            }
            FacPick::Write(id) => match self.writes_to(id) {
                Some(_) => self.write_ask(state, id),
                None => self.hint(state, Msg::HintStaleButton),
            },
            FacPick::WriteSend => match state {
                State::Writing {
                    launch,
                    text: Some(body),
                } if self.writes_to(launch).is_some() => self.write_send(launch, body),
                other => self.hint(other, Msg::HintStaleButton),
            },
            // The coordinator who sees the launch, while its invitations wait.
            FacPick::Release(id) => match self.ctx.view.launch(id) {
                Some(l)
                    if self.may_pool(&l.pool)
                        && !l.closed
                        && facilitator::invitations_wait(self.ctx.view.crew(id).as_ref()) =>
                {
                    self.effects.push(Effect::ReleaseInvitations { launch: id });
                    self.say(Reply::msg(Msg::LaunchReleased));
                    state
                }
                _ => self.hint(state, Msg::HintStaleButton),
            },
            FacPick::Invite | FacPick::Group(_) | FacPick::Support(_) => {
                self.hint(state, Msg::HintStaleButton)
            }
        }
    }

    /// Whether the person coordinates any group (so may invite facilitators).
    fn coordinates_any(&self) -> bool {
        !self.my_groups().is_empty()
    }

    /// A chat-added facilitator the coordinator may remove: their name and the groups of
    /// theirs the coordinator sees. `None` when there is none (or none the coordinator sees).
    fn removable(&self, user: UserId) -> Option<(String, Vec<GroupId>)> {
        let f = self
            .ctx
            .view
            .facilitators()
            .into_iter()
            .find(|f| f.user == user)?;
        let groups: Vec<GroupId> = f
            .groups
            .iter()
            .filter(|g| self.may(Scope::Group(g)))
            .cloned()
            .collect();
        (!groups.is_empty()).then_some((f.name, groups))
    }

    /// Group names in the reader's language, joined with commas.
    fn group_names(&self, groups: &[GroupId]) -> String {
        groups
            .iter()
            .map(|g| self.group_name(g))
            .collect::<Vec<_>>()
            .join(", ")
    }

    // ---- the coordinator's side ----

    /// `/facilitators`: the facilitators of the coordinator's groups, each with the groups of
    /// theirs the coordinator sees; a button to remove a chat-added one, and to invite.
    fn facilitator_list(&mut self) {
        let mine: Vec<GroupId> = self.my_groups().iter().map(|g| g.id.clone()).collect();
        let stored = self.ctx.view.facilitators();
        let mut r = Reply::msg(Msg::FacListTitle);
        let mut rows = Vec::new();
        let mut any = false;
        let listed = self
            .ctx
            .config
            .facilitators
            .iter()
            .map(|f| (f.telegram_id, f.name.clone(), f.groups.clone(), false));
        let chat = stored
            .iter()
            .map(|f: &Facilitator| (f.user, f.name.clone(), f.groups.clone(), true));
        for (user, name, groups, removable) in chat.chain(listed) {
            let seen: Vec<GroupId> = groups.into_iter().filter(|g| mine.contains(g)).collect();
            if seen.is_empty() {
                continue;
            }
            any = true;
            r.lines.push(Line {
                msg: Msg::FacListItem,
                args: vec![
                    ("name", text(name.clone())),
                    ("groups", text(self.group_names(&seen))),
                    ("how", text(if removable { "chat" } else { "config" })),
                ],
                tight: true,
            });
            if removable {
                rows.push(vec![Button {
                    label: Label::MsgArgs(Msg::BtnFacRemove, vec![("name", text(name))]),
                    callback: Callback::Fac(FacPick::Remove(user)),
                }]);
            }
        }
        if !any {
            r = r.line(Msg::FacListNone, vec![]);
        }
        for row in rows {
            r = r.row(row);
        }
        r = r.row(vec![button(
            Msg::BtnFacInvite,
            Callback::Fac(FacPick::Invite),
        )]);
        self.say(r);
    }

    /// The question while choosing a link's groups.
    pub(super) fn invite_question(&self, chosen: &[GroupId]) -> Reply {
        let mut r = Reply::msg(Msg::FacInviteAsk);
        for g in self.my_groups() {
            let name = g.name.get(self.lang).to_owned();
            let label = if chosen.contains(&g.id) {
                Label::MsgArgs(Msg::BtnTimeChecked, vec![("time", text(name))])
            } else {
                Label::Text(name)
            };
            r = r.row(vec![Button {
                label,
                callback: Callback::Fac(FacPick::InviteGroup(g.id.clone())),
            }]);
        }
        if !chosen.is_empty() {
            r = r.row(vec![button(
                Msg::BtnFacInviteMake,
                Callback::Fac(FacPick::InviteMake),
            )]);
        }
        r.row(vec![button(Msg::BtnCancel, Callback::Cancel)])
    }

    /// Makes the one-time link for the chosen groups (those the coordinator still sees).
    fn invite_make(&mut self, groups: Vec<GroupId>) -> State {
        let groups: Vec<GroupId> = groups
            .into_iter()
            .filter(|g| self.may(Scope::Group(g)))
            .collect();
        if groups.is_empty() {
            return self.reprompt(State::InvitingFacilitator { groups });
        }
        let Some(token) = self.ctx.view.new_token() else {
            self.say(Reply::msg(Msg::SomethingWrong));
            return State::Idle;
        };
        let invite = FacilitatorInvite::new(token, groups, self.ctx.person.user, self.ctx.now);
        let link = deep_link(
            &self.ctx.config.bot_username,
            &StartPayload::Facilitator(invite.token.clone()),
        );
        self.say(Reply::default().line(
            Msg::FacInviteLink,
            vec![
                ("groups", text(self.group_names(&invite.groups))),
                ("link", text(link)),
                ("days", num(INVITE_VALID.num_days())),
            ],
        ));
        self.effects.push(Effect::InviteFacilitator(invite));
        State::Idle
    }

    // ---- the person who opens a link ----

    /// What the one who opened a facilitator link is asked now.
    pub(super) fn joining_question(&self, token: &str, name: &Option<String>) -> Reply {
        let groups = self
            .ctx
            .view
            .facilitator_invite(token)
            .map(|i| self.group_names(&i.groups))
            .unwrap_or_default();
        match name {
            None => Reply::default()
                .line(Msg::FacJoinAskName, vec![("groups", text(groups))])
                .row(vec![button(Msg::BtnCancel, Callback::Cancel)]),
            Some(n) => Reply::default()
                .line(
                    Msg::FacJoinAskConsent,
                    vec![("name", text(n.clone())), ("groups", text(groups))],
                )
                .row(vec![button(
                    Msg::BtnConsentYes,
                    Callback::Fac(FacPick::Consent(true)),
                )])
                .row(vec![button(
                    Msg::BtnConsentNo,
                    Callback::Fac(FacPick::Consent(false)),
                )])
                .row(vec![button(Msg::BtnBack, Callback::Back)]),
        }
    }

    /// Whether the link works for the person talking now.
    fn link_works(&self, token: &str) -> bool {
        let invite = self.ctx.view.facilitator_invite(token);
        facilitator::redeem(invite.as_ref(), self.ctx.person.user, self.ctx.now).is_ok()
    }

    fn joining_name(&mut self, token: String, typed: &str) -> State {
        let name = typed.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME || name.starts_with('/') {
            return self.hint(
                State::JoiningAsFacilitator { token, name: None },
                Msg::FacJoinBadName,
            );
        }
        self.reprompt(State::JoiningAsFacilitator {
            token,
            name: Some(name.to_owned()),
        })
    }

    fn joining_consent(&mut self, token: String, name: String, yes: bool) -> State {
        if !yes {
            self.say(Reply::msg(Msg::FacJoinNoConsent));
            return State::Idle;
        }
        let Some(invite) = self.ctx.view.facilitator_invite(&token) else {
            self.say(Reply::msg(Msg::FacLinkNotValid));
            return State::Idle;
        };
        if !self.link_works(&token) {
            self.say(Reply::msg(Msg::FacLinkNotValid));
            return State::Idle;
        }
        self.effects.push(Effect::BecomeFacilitator {
            token,
            name,
            consent: ConsentRecord {
                at: self.ctx.now,
                version: self.ctx.config.notice_version,
            },
        });
        self.say(Reply::default().line(
            Msg::FacJoined,
            vec![("groups", text(self.group_names(&invite.groups)))],
        ));
        State::Idle
    }

    // ---- launching with facilitators ----

    /// The launch summary's part about facilitators: who to ask (each a toggle, or all of the
    /// group's), and whether the families' invitations wait for a yes.
    pub(super) fn crew_rows(&self, d: &LaunchDraft, mut r: Reply) -> Reply {
        let all = self.group_facilitators(&d.pool.group);
        if all.is_empty() {
            return r;
        }
        let chosen: Vec<UserId> = d
            .facilitators
            .iter()
            .copied()
            .filter(|u| all.contains(u))
            .collect();
        r = r.line(
            if chosen.is_empty() {
                Msg::LaunchCrewNone
            } else if d.hold {
                Msg::LaunchCrewHold
            } else {
                Msg::LaunchCrewAtOnce
            },
            vec![(
                "names",
                text(
                    chosen
                        .iter()
                        .map(|u| self.facilitator_name(*u))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
            )],
        );
        for u in &all {
            let name = self.facilitator_name(*u);
            let label = if chosen.contains(u) {
                Label::MsgArgs(Msg::BtnTimeChecked, vec![("time", text(name))])
            } else {
                Label::MsgArgs(Msg::BtnLaunchAsk, vec![("name", text(name))])
            };
            r = r.row(vec![Button {
                label,
                callback: Callback::Fac(FacPick::Pick(*u)),
            }]);
        }
        if all.len() > 1 && chosen.len() < all.len() {
            r = r.row(vec![button(
                Msg::BtnLaunchAskAll,
                Callback::Fac(FacPick::PickAll),
            )]);
        }
        if !chosen.is_empty() {
            r = r.row(vec![if d.hold {
                button(Msg::BtnLaunchAtOnce, Callback::Fac(FacPick::Hold(false)))
            } else {
                button(Msg::BtnLaunchHold, Callback::Fac(FacPick::Hold(true)))
            }]);
        }
        r
    }

    /// The crew of a launch being confirmed (after its [`Effect::Launch`]), and whether its
    /// invitations wait; `None` when no facilitator was chosen.
    pub(super) fn launch_crew(&mut self, d: &LaunchDraft) -> Option<bool> {
        let all = self.group_facilitators(&d.pool.group);
        let chosen: Vec<UserId> = d
            .facilitators
            .iter()
            .copied()
            .filter(|u| all.contains(u))
            .collect();
        if chosen.is_empty() {
            // Nobody asked: the group's facilitators lead it (they see it, and get the
            // meetings' reminders).
            if !all.is_empty() {
                self.effects.push(Effect::LeadLaunch { facilitators: all });
            }
            return None;
        }
        self.effects.push(Effect::LaunchCrew {
            facilitators: chosen,
            hold: d.hold,
        });
        Some(d.hold)
    }

    // ---- a parent's name, for the facilitators too ----

    /// The parent gives the name-sharing consent again under the current notice, which names
    /// the group's facilitators too (`/mine` offers it while [`facilitator::ask_again`]).
    fn share_again(&mut self, state: State, group: &GroupId) -> State {
        let version = self.ctx.config.notice_version;
        let Some(r) = self
            .ctx
            .registrations
            .iter()
            .find(|r| &r.group == group && facilitator::ask_again(&r.consents))
        else {
            return self.hint(state, Msg::HintStaleButton);
        };
        if version < facilitator::NAMES_FACILITATORS_FROM {
            return self.hint(state, Msg::HintStaleButton);
        }
        let mut r = r.clone();
        r.consents.share = Some(ConsentRecord {
            at: self.ctx.now,
            version,
        });
        r.consents.share_withdrawn = None;
        self.effects.push(Effect::SaveRegistration(r));
        self.say(Reply::msg(Msg::ShareAgainDone));
        state
    }

    // ---- the facilitator's side ----

    /// `/group`: the participants of the one group they facilitate, or a choice of groups.
    fn my_groups_menu(&mut self, state: State) -> State {
        let groups = self.facilitated();
        match groups.as_slice() {
            [one] => self.group_lists(one),
            _ => {
                let mut r = Reply::msg(Msg::FacGroupChoose);
                for g in &groups {
                    r = r.row(vec![Button {
                        label: Label::Text(self.group_name(g)),
                        callback: Callback::Fac(FacPick::Group(g.clone())),
                    }]);
                }
                self.say(r);
            }
        }
        match state {
            State::Registering(_) => self.reprompt(state),
            other => other,
        }
    }

    /// The participants of each launch of a group the person facilitates: names only with each
    /// parent's consent that names the facilitators, and the children's ages.
    fn group_lists(&mut self, group: &GroupId) {
        let launches = self.facilitated_launches(group);
        let Some(g) = self.ctx.config.group(group) else {
            self.say(Reply::msg(Msg::HintGroupGone));
            return;
        };
        if launches.is_empty() {
            self.say(Reply::default().line(
                Msg::FacGroupNotLaunched,
                vec![("group", text(g.name.get(self.lang)))],
            ));
            return;
        }
        for l in launches {
            let accepted: Vec<_> = l
                .invitations
                .iter()
                .filter(|i| i.answer == Answer::Accepted)
                .collect();
            let mut r = Reply::default().line(
                Msg::FacGroupTitle,
                vec![
                    ("group", text(g.name.get(self.lang))),
                    ("area", self.pool_label(&l.pool)),
                    ("when", text(format_when(l.start, self.lang, self.ctx.now))),
                    ("place", text(l.place.clone())),
                    ("accepted", num(l.accepted_seats())),
                    ("kind", kind(g)),
                ],
            );
            if accepted.is_empty() {
                r = r.line(Msg::FinalNone, vec![]);
            }
            for (n, inv) in accepted.iter().enumerate() {
                let reg = self.ctx.view.registration(inv.user, &l.pool.group);
                let name = reg
                    .as_ref()
                    .filter(|r| facilitator::name_for_facilitators(&r.consents))
                    .and_then(|r| r.contact.as_ref())
                    .map_or(Arg::Msg(Msg::AFamily), |c| text(who_text(c)));
                let ages = reg
                    .as_ref()
                    .map(|r| {
                        crate::domain::child::ages_of(&r.children, self.ctx.now)
                            .iter()
                            .map(u8::to_string)
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .unwrap_or_default();
                r.lines.push(Line {
                    msg: Msg::FacGroupItem,
                    args: vec![
                        ("n", num(n + 1)),
                        ("who", name),
                        ("count", num(inv.participants)),
                        ("ages", text(ages)),
                        ("kind", kind(g)),
                    ],
                    tight: n > 0,
                });
            }
            self.audit_as(
                crate::domain::audit::Role::Facilitator,
                crate::domain::audit::Accessed::List,
                Some(&l.pool),
                Some(l.id),
                accepted.len(),
            );
            self.say(r);
        }
    }

    /// `/support`: write to the coordinators of the one group, or choose the group first.
    fn support_menu(&mut self, state: State) -> State {
        let groups = self.facilitated();
        match groups.as_slice() {
            [one] => self.reprompt(State::Supporting { group: one.clone() }),
            _ => {
                let mut r = Reply::msg(Msg::FacSupportChoose);
                for g in &groups {
                    r = r.row(vec![Button {
                        label: Label::Text(self.group_name(g)),
                        callback: Callback::Fac(FacPick::Support(g.clone())),
                    }]);
                }
                self.say(r);
                state
            }
        }
    }

    /// The question while writing to the coordinators.
    pub(super) fn support_question(&self, group: &GroupId) -> Reply {
        Reply::default()
            .line(
                Msg::FacSupportAsk,
                vec![("group", text(self.group_name(group)))],
            )
            .row(vec![button(Msg::BtnCancel, Callback::Cancel)])
    }

    fn support_send(&mut self, group: GroupId, typed: &str) -> State {
        let body = typed.trim();
        if body.is_empty() || body.chars().count() > MAX_SUPPORT {
            return self.hint(State::Supporting { group }, Msg::BroadcastBadText);
        }
        self.say(Reply::default().line(
            Msg::FacSupportSent,
            vec![("group", text(self.group_name(&group)))],
        ));
        self.effects.push(Effect::Support {
            group,
            text: body.to_owned(),
        });
        State::Idle
    }
}

impl Engine<'_> {
    // ---- a facilitator's message to a launch's families ----

    /// A launch whose families the person talking may write to, and those families (who
    /// accepted a place): only a facilitator of the launch ([`Engine::facilitates_launch`]).
    pub(super) fn writes_to(&self, launch: u64) -> Option<(Launch, Vec<UserId>)> {
        let l = self
            .ctx
            .view
            .launch(launch)
            .filter(|l| self.facilitates_launch(l))?;
        // Both parents of a shared family.
        let to = l.reached(Answer::Accepted);
        Some((l, to))
    }

    /// `/write`: the launches of the facilitated groups to write to (the one there is, at
    /// once), newest first.
    fn write_menu(&mut self, state: State) -> State {
        let launches: Vec<Launch> = self
            .facilitated()
            .iter()
            .flat_map(|g| self.facilitated_launches(g))
            .collect();
        match launches.as_slice() {
            [] => {
                self.say(Reply::msg(Msg::FacWriteNone));
                State::Idle
            }
            [one] => self.write_ask(state, one.id),
            _ => {
                let mut r = Reply::msg(Msg::FacWriteChoose);
                for l in &launches {
                    let label = Label::MsgArgs(
                        Msg::BtnFacWriteTo,
                        vec![
                            ("group", text(self.group_name(&l.pool.group))),
                            ("area", self.pool_label(&l.pool)),
                            ("when", text(format_when(l.start, self.lang, self.ctx.now))),
                            ("count", num(l.answered(Answer::Accepted).len())),
                        ],
                    );
                    r = r.row(vec![Button {
                        label,
                        callback: Callback::Fac(FacPick::Write(l.id)),
                    }]);
                }
                self.say(r);
                match state {
                    State::Registering(_) => self.reprompt(state),
                    other => other,
                }
            }
        }
    }

    /// Asks for the text to a launch's families, or says that there is nobody to write to yet.
    fn write_ask(&mut self, state: State, launch: u64) -> State {
        match self.writes_to(launch) {
            Some((_, to)) if !to.is_empty() => self.reprompt(State::Writing { launch, text: None }),
            Some(_) => {
                self.say(Reply::msg(Msg::BroadcastNobody));
                State::Idle
            }
            None => self.hint(state, Msg::HintStaleButton),
        }
    }

    /// The question while writing to a launch's families: the text, then its confirmation.
    pub(super) fn write_question(&self, launch: u64, body: Option<&str>) -> Reply {
        let (group, area, n) = self
            .ctx
            .view
            .launch(launch)
            .map(|l| {
                (
                    self.group_name(&l.pool.group),
                    self.pool_label(&l.pool),
                    l.answered(Answer::Accepted).len(),
                )
            })
            .unwrap_or_else(|| (String::new(), text(String::new()), 0));
        let cancel = vec![button(Msg::BtnCancel, Callback::Cancel)];
        match body {
            None => Reply::default()
                .line(
                    Msg::FacWriteAsk,
                    vec![("group", text(group)), ("area", area), ("count", num(n))],
                )
                .row(cancel),
            Some(body) => Reply::default()
                .line(
                    Msg::BroadcastPreview,
                    vec![("count", num(n)), ("text", text(body.to_owned()))],
                )
                .row(vec![button(
                    Msg::BtnBroadcastSend,
                    Callback::Fac(FacPick::WriteSend),
                )])
                .row(cancel),
        }
    }

    fn write_text(&mut self, launch: u64, typed: &str) -> State {
        match super::events::short(typed, super::broadcast::MAX_BROADCAST) {
            Some(body) => self.reprompt(State::Writing {
                launch,
                text: Some(body),
            }),
            None => self.hint(State::Writing { launch, text: None }, Msg::BroadcastBadText),
        }
    }

    /// Sends a confirmed message to the families who have a place now; logged like a
    /// coordinator's broadcast.
    fn write_send(&mut self, launch: u64, body: String) -> State {
        let Some((l, to)) = self.writes_to(launch) else {
            return self.hint(State::Idle, Msg::HintStaleButton);
        };
        let n = to.len();
        self.audit_as(
            crate::domain::audit::Role::Facilitator,
            crate::domain::audit::Accessed::Broadcast,
            Some(&l.pool),
            Some(l.id),
            n,
        );
        self.effects.push(Effect::GroupMessage {
            launch,
            text: body,
            to,
        });
        self.say(Reply::default().line(Msg::BroadcastQueued, vec![("count", num(n))]));
        State::Idle
    }
}

/// `/start f_<token>`: a facilitator's link. One that does not work (unknown, used by someone
/// else, expired) says so in the same words for every reason.
pub(super) fn link(e: &mut Engine<'_>, _state: State, token: String) -> State {
    if !e.link_works(&token) {
        e.say(Reply::msg(Msg::FacLinkNotValid));
        return State::Idle;
    }
    e.reprompt(State::JoiningAsFacilitator { token, name: None })
}
