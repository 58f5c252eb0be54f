//! Messages to many (`/broadcast`): a coordinator picks an audience (an event's people, a group's
//! waiting families, a launch's invited or accepted families), writes the text, sees how many it
//! goes to, and confirms. It owns the state [`State::Broadcasting`]. A broadcast to nobody is
//! refused before the text is asked.

use super::engine::Engine;
use super::events::short;
use super::reply::{button, num, text, Button, Label, Reply};
use super::{Callback, Command, Effect, State, Turn};
use crate::callback::ManageAction;
use crate::domain::event::{Access, Audience};
use crate::domain::remit::Scope;
use crate::domain::{Answer, UserId};
use crate::msg::Msg;

/// Longest broadcast.
pub const MAX_BROADCAST: usize = 3000;

/// A command, text or button of the broadcast part.
pub(super) fn step(e: &mut Engine<'_>, state: State, turn: Turn) -> State {
    match turn {
        Turn::Command(Command::Broadcast) => {
            e.broadcast_menu();
            state
        }
        Turn::Command(_) => e.hint(state, Msg::HintUnknownCommand),
        Turn::Text(t) => match state {
            _ if !e.is_coordinator() => e.not_a_coordinator(),
            State::Broadcasting {
                audience,
                text: None,
                ..
            } => e.broadcast_text(audience, &t),
            other => e.hint(other, Msg::HintUseButtons),
        },
        Turn::Button(Callback::BroadcastWaiting(g)) => {
            e.broadcast_to(state, Audience::Waiting { group: g })
        }
        Turn::Button(Callback::BroadcastLaunch(launch, accepted)) => e.broadcast_to(
            state,
            if accepted {
                Audience::Accepted { launch }
            } else {
                Audience::Invited { launch }
            },
        ),
        Turn::Button(Callback::BroadcastSend) => match state {
            State::Broadcasting {
                audience,
                text: Some(body),
                ..
            } => e.broadcast_send(audience, body),
            other => e.hint(other, Msg::HintStaleButton),
        },
        // Back from the text to the audiences; from the confirmation to the text, kept.
        Turn::Button(Callback::Back) => match state {
            State::Broadcasting { text: None, .. } if e.is_coordinator() => {
                e.broadcast_menu();
                State::Idle
            }
            State::Broadcasting {
                audience,
                text: Some(body),
                ..
            } if e.is_coordinator() => e.broadcast_ask(audience, Some(body)),
            other => e.hint(other, Msg::HintStaleButton),
        },
        Turn::Button(Callback::GoOn) => match state {
            State::Broadcasting {
                audience,
                text: None,
                kept: Some(body),
            } if e.is_coordinator() => e.broadcast_text(audience, &body),
            other => e.hint(other, Msg::HintStaleButton),
        },
        Turn::Button(_) => e.hint(state, Msg::HintStaleButton),
    }
}

impl Engine<'_> {
    /// `/broadcast`: who to write to.
    fn broadcast_menu(&mut self) {
        let mut r = Reply::msg(Msg::BroadcastChoose);
        // A launched group's series: its next meeting only (the same families come to every
        // one of them).
        let mut series_seen = std::collections::HashSet::new();
        for e in self.upcoming().into_iter().filter(|e| {
            self.manages(e)
                && (e.is_public()
                    || e.series
                        .as_ref()
                        .is_none_or(|s| series_seen.insert(s.clone())))
        }) {
            r = r.row(vec![Button {
                label: Label::MsgArgs(
                    Msg::BtnAudienceEvent,
                    vec![
                        ("title", text(e.title.get(self.lang))),
                        ("count", num(e.attendees.len())),
                    ],
                ),
                callback: Callback::Manage(e.id, ManageAction::Message),
            }]);
        }
        let user = self.ctx.person.user;
        for g in &self.ctx.config.groups {
            if self.ctx.config.sees(user, Scope::Group(&g.id)) {
                // The families waiting in the areas they see (all, unless limited to some).
                let n: usize = self.ordered(g).iter().map(|(_, s)| s.families).sum();
                r = r.row(vec![Button {
                    label: Label::MsgArgs(
                        Msg::BtnAudienceWaiting,
                        vec![("group", text(g.name.get(self.lang))), ("count", num(n))],
                    ),
                    callback: Callback::BroadcastWaiting(g.id.clone()),
                }]);
            }
        }
        // A launch's families, while its first meeting is ahead.
        for l in self.ctx.view.launches() {
            if l.start <= self.ctx.now
                || !self
                    .ctx
                    .config
                    .sees(user, Scope::Area(&l.pool.group, &l.pool.area))
            {
                continue;
            }
            let Some(g) = self.ctx.config.group(&l.pool.group) else {
                continue;
            };
            for (msg, answer, accepted) in [
                (Msg::BtnAudienceInvited, Answer::Pending, false),
                (Msg::BtnAudienceAccepted, Answer::Accepted, true),
            ] {
                r = r.row(vec![Button {
                    label: Label::MsgArgs(
                        msg,
                        vec![
                            ("group", text(g.name.get(self.lang))),
                            ("area", self.pool_label(&l.pool)),
                            ("count", num(l.answered(answer).len())),
                        ],
                    ),
                    callback: Callback::BroadcastLaunch(l.id, accepted),
                }]);
            }
        }
        self.say(r);
    }

    fn audience_members(&self, a: &Audience) -> Vec<UserId> {
        match a {
            Audience::Event { event } => self
                .ctx
                .view
                .event(*event)
                .map(|e| {
                    // The other parents of shared families beside their family's seat too.
                    e.attendees
                        .iter()
                        .chain(&e.co_parents)
                        .copied()
                        .filter(|u| self.access_of(&e, *u) != Access::None)
                        .collect()
                })
                .unwrap_or_default(),
            Audience::Waiting { group } => self
                .ctx
                .view
                .waiting(group)
                .into_iter()
                .filter(|r| self.may(Scope::Area(&r.group, &r.area)))
                .map(|r| r.user)
                .collect(),
            Audience::Invited { launch } => self
                .ctx
                .view
                .launch(*launch)
                .map(|l| l.reached(Answer::Pending))
                .unwrap_or_default(),
            Audience::Accepted { launch } => self
                .ctx
                .view
                .launch(*launch)
                .map(|l| l.reached(Answer::Accepted))
                .unwrap_or_default(),
        }
    }

    fn may_address(&self, a: &Audience) -> bool {
        match a {
            Audience::Event { event } => self
                .ctx
                .view
                .event(*event)
                .is_some_and(|e| self.manages(&e)),
            Audience::Waiting { group } => self.may(Scope::Group(group)),
            Audience::Invited { launch } | Audience::Accepted { launch } => self
                .ctx
                .view
                .launch(*launch)
                .is_some_and(|l| self.may_pool(&l.pool)),
        }
    }

    /// Starts a broadcast: asks for the text, or says at once that nobody would get it.
    pub(super) fn broadcast_to(&mut self, state: State, audience: Audience) -> State {
        if !self.may_address(&audience) {
            return self.hint(state, Msg::HintStaleButton);
        }
        let n = self.audience_members(&audience).len();
        if n == 0 {
            self.say(Reply::msg(Msg::BroadcastNobody));
            return State::Idle;
        }
        self.broadcast_ask(audience, None)
    }

    /// Asks for the broadcast's text; after Back from the confirmation, with the text
    /// written kept.
    fn broadcast_ask(&mut self, audience: Audience, kept: Option<String>) -> State {
        let n = self.audience_members(&audience).len();
        let mut r = Reply::default().line(Msg::BroadcastAskText, vec![("count", num(n))]);
        if let Some(body) = &kept {
            r = r
                .line(Msg::KeptAnswer, vec![("answer", text(body.clone()))])
                .row(vec![button(Msg::BtnKeepAnswer, Callback::GoOn)]);
        }
        self.say(r.row(vec![
            button(Msg::BtnBack, Callback::Back),
            button(Msg::BtnCancel, Callback::Cancel),
        ]));
        State::Broadcasting {
            audience,
            text: None,
            kept,
        }
    }

    /// The broadcast's text, then its confirmation.
    fn broadcast_text(&mut self, audience: Audience, t: &str) -> State {
        let Some(body) = short(t, MAX_BROADCAST) else {
            return self.hint(
                State::Broadcasting {
                    audience,
                    text: None,
                    kept: None,
                },
                Msg::BroadcastBadText,
            );
        };
        let n = self.audience_members(&audience).len();
        self.say(
            Reply::default()
                .line(
                    Msg::BroadcastPreview,
                    vec![("count", num(n)), ("text", text(body.clone()))],
                )
                .row(vec![button(Msg::BtnBroadcastSend, Callback::BroadcastSend)])
                .row(vec![
                    button(Msg::BtnBack, Callback::Back),
                    button(Msg::BtnCancel, Callback::Cancel),
                ]),
        );
        State::Broadcasting {
            audience,
            text: Some(body),
            kept: None,
        }
    }

    /// Logs a broadcast in the access log: to a launch's families, with the launch; to an
    /// event's, with the event; to waiting families, one entry per area they wait in.
    fn audit_broadcast(&mut self, audience: &Audience, n: usize) {
        use crate::domain::audit::Accessed;
        match audience {
            Audience::Waiting { group } => {
                let mut areas: Vec<(crate::domain::AreaId, usize)> = Vec::new();
                for r in self.ctx.view.waiting(group) {
                    if !self.may(Scope::Area(&r.group, &r.area)) {
                        continue;
                    }
                    match areas.iter_mut().find(|(a, _)| *a == r.area) {
                        Some((_, k)) => *k += 1,
                        None => areas.push((r.area.clone(), 1)),
                    }
                }
                for (area, k) in areas {
                    let pool = crate::domain::Pool {
                        group: group.clone(),
                        area,
                        lang: None,
                    };
                    self.audit(Accessed::Broadcast, Some(&pool), None, k);
                }
            }
            Audience::Invited { launch } | Audience::Accepted { launch } => {
                let pool = self.ctx.view.launch(*launch).map(|l| l.pool);
                self.audit(Accessed::Broadcast, pool.as_ref(), Some(*launch), n);
            }
            Audience::Event { event } => {
                self.effects
                    .push(Effect::Audit(crate::domain::audit::Access {
                        at: self.ctx.now,
                        who: self.ctx.person.user,
                        role: crate::domain::audit::Role::Coordinator,
                        what: Accessed::Broadcast,
                        group: None,
                        area: None,
                        event: Some(*event),
                        launch: None,
                        people: u32::try_from(n).unwrap_or(u32::MAX),
                    }));
            }
        }
    }

    /// Sends a confirmed broadcast.
    fn broadcast_send(&mut self, audience: Audience, body: String) -> State {
        if !self.may_address(&audience) {
            return self.hint(State::Idle, Msg::HintStaleButton);
        }
        let to = self.audience_members(&audience);
        let n = to.len();
        self.audit_broadcast(&audience, n);
        self.effects.push(Effect::Broadcast {
            audience,
            text: body,
            to,
        });
        self.say(Reply::default().line(Msg::BroadcastQueued, vec![("count", num(n))]));
        State::Idle
    }
}
