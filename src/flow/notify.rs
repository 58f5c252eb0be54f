//! Messages to people other than the one talking — alerts, invitations, answers, final lists —
//! composed from an outbox item when it is sent, in the recipient's language and from the data
//! as it is then. Pure, like the rest of the engine.

use super::engine::Engine;
use super::launch::{family_who, kind};
use super::reply::{button, num, text, Arg, Button, Label, Line, Reply};
use super::{Callback, Ctx, Person, View};
use crate::config::Config;
use crate::domain::when::format_when;
use crate::domain::{outbox, Answer, Lang, Outgoing, UserId};
use crate::msg::Msg;
use chrono::{DateTime, Utc};

/// Composes the message for an outbox item, or `None` when it no longer applies (an
/// invitation already answered, a launch or group that is gone).
#[must_use]
pub fn compose(
    config: &Config,
    view: &dyn View,
    to: UserId,
    lang: Lang,
    now: DateTime<Utc>,
    message: &Outgoing,
) -> Option<Reply> {
    let person = Person {
        user: to,
        name: String::new(),
        username: None,
    };
    let ctx = Ctx {
        config,
        person: &person,
        lang,
        registrations: &[],
        view,
        now,
    };
    Engine::new(&ctx).compose(message)
}

/// Composes the message for an outbox item addressed to a family added by hand
/// ([`crate::domain::added`]), as the coordinator who added it gets it: the family's message,
/// the family's label in the body (never in the first line, which stays the neutral one), and
/// buttons that answer for the family. `None` when it no longer applies, and for feedback
/// questions (for those who were there to answer themselves).
#[must_use]
pub fn compose_for_family(
    config: &Config,
    view: &dyn View,
    family: UserId,
    registrations: &[crate::domain::Registration],
    lang: Lang,
    now: DateTime<Utc>,
    message: &Outgoing,
) -> Option<Reply> {
    if matches!(message, Outgoing::FeedbackRequest { .. }) {
        return None;
    }
    let label = registrations
        .iter()
        .filter(|r| r.user == family)
        .find_map(|r| r.added.as_ref())
        .map(|a| crate::domain::text::clean(&a.label).into_owned())?;
    let mut reply = compose(config, view, family, lang, now, message)?;
    if let Outgoing::AgedOut {
        group, kept: false, ..
    } = message
    {
        // Every child grew out: the registration waits for the coordinator, who tells the
        // family and withdraws it (or adds the family where it fits now).
        for l in &mut reply.lines {
            if l.msg == Msg::AgedOutEnded {
                l.msg = Msg::AddAgedOutEnded;
            }
        }
        reply = reply.row(vec![button(
            Msg::BtnWithdraw,
            Callback::Withdraw(group.clone()),
        )]);
    }
    Some(for_family(reply, family, &label))
}

/// A family's message made the coordinator's: the label in the body, right after the first
/// line (which stays the neutral one), and the family's buttons answering for the family.
#[must_use]
pub fn for_family(reply: Reply, family: UserId, label: &str) -> Reply {
    let mut reply = super::on_behalf(reply, family);
    let at = reply.lines.len().min(1);
    reply.lines.insert(
        at,
        Line::new(Msg::AddForFamily, vec![("label", text(label))]),
    );
    reply
}

impl Engine<'_> {
    /// Gathers what [`outbox::still_holds`] needs about the message's subject, and asks it.
    fn still_holds(&self, message: &Outgoing) -> bool {
        let view = self.ctx.view;
        let to = self.ctx.person.user;
        let (mut pool_state, mut pool_launches, mut launch, mut event) = (None, vec![], None, None);
        let (mut registration, mut feedback_given, mut broadcast) = (None, false, false);
        match message {
            // News of a pool goes only to a coordinator who (still) sees it.
            Outgoing::Missed { pool, .. } | Outgoing::Alert { pool }
                if !self.may(crate::domain::remit::Scope::Area(&pool.group, &pool.area)) =>
            {
                return false;
            }
            Outgoing::Missed { .. } => {}
            Outgoing::Alert { pool } => {
                pool_state = Some(view.pool_state(pool));
                pool_launches = view
                    .launches()
                    .into_iter()
                    .filter(|l| &l.pool == pool)
                    .collect();
            }
            Outgoing::Invitation { launch: id }
            | Outgoing::Answered { launch: id, .. }
            | Outgoing::Expired { launch: id }
            | Outgoing::FinalList { launch: id }
            | Outgoing::FamilyAccepted { launch: id } => {
                launch = view.launch(*id);
                // The other parent of a shared family: the family's registration.
                registration = launch
                    .as_ref()
                    .and_then(|l| self.family_registration(to, &l.pool.group));
            }
            Outgoing::Reminder { event: id, .. }
            | Outgoing::EventChanged { event: id }
            | Outgoing::EventCancelled { event: id }
            | Outgoing::Promoted { event: id }
            | Outgoing::FeedbackRequest { event: id, .. } => {
                // One the recipient may no longer see is as good as gone.
                event = self.visible_event(*id);
                feedback_given = matches!(message, Outgoing::FeedbackRequest { .. })
                    && view.feedback_of(*id, to).is_some();
            }
            Outgoing::Broadcast { broadcast: id } | Outgoing::BroadcastReport { broadcast: id } => {
                // To an event's attendees: only those who may still see it.
                broadcast = view.broadcast(*id).is_some_and(|b| match b.audience {
                    crate::domain::Audience::Event { event } => self.visible_event(event).is_some(),
                    _ => true,
                });
            }
            // A facilitator's message: only to a family that still has its place in the launch.
            Outgoing::GroupMessage { broadcast: id } => {
                broadcast = view.broadcast(*id).is_some_and(|b| match b.audience {
                    crate::domain::Audience::Accepted { launch } => view
                        .launch(launch)
                        .is_some_and(|l| l.reached(Answer::Accepted).contains(&to)),
                    _ => false,
                });
            }
            Outgoing::RetentionNotice { group } | Outgoing::RenewalAsk { group } => {
                registration = view.registration(to, group);
            }
            Outgoing::SeriesChanged { launch: id, .. } => {
                launch = view.launch(*id);
            }
            Outgoing::FamilyUnlinked { .. } => {}
            // News of facilitators and requests for support go only to a coordinator who
            // (still) sees the group.
            Outgoing::FacilitatorJoined { groups, .. }
                if !groups
                    .iter()
                    .any(|g| self.may(crate::domain::remit::Scope::Group(g))) =>
            {
                return false;
            }
            Outgoing::Support { group, .. }
                if !self.may(crate::domain::remit::Scope::Group(group)) =>
            {
                return false;
            }
            Outgoing::FacilitatorJoined { .. }
            | Outgoing::FacilitatorRemoved { .. }
            | Outgoing::Support { .. } => {}
            // A proposal only to a facilitator of the group still asked and not answered.
            Outgoing::LaunchProposal { launch: id } => {
                launch = view.launch(*id);
                let asked = launch.as_ref().is_some_and(|l| {
                    self.facilitates(&l.pool.group) && view.crew(l.id).is_some_and(|c| c.awaits(to))
                });
                if !asked {
                    return false;
                }
            }
            // An answer only to a coordinator who (still) sees the launch.
            Outgoing::ProposalAnswered { launch: id, .. } => {
                launch = view.launch(*id).filter(|l| self.may_pool(&l.pool));
            }
            Outgoing::AgedOut { .. } => {}
        }
        outbox::still_holds(
            message,
            &outbox::Facts {
                to,
                now: self.ctx.now,
                pool: pool_state.as_ref(),
                pool_launches: &pool_launches,
                launch: launch.as_ref(),
                event: event.as_ref(),
                registration: registration.as_ref(),
                feedback_given,
                broadcast,
            },
        )
    }

    /// `user`'s registration for `group`, or, for the other parent of a shared family, the
    /// family's (the holder's).
    fn family_registration(
        &self,
        user: UserId,
        group: &crate::domain::GroupId,
    ) -> Option<crate::domain::Registration> {
        let view = self.ctx.view;
        view.registration(user, group).or_else(|| {
            let f = view
                .families_of(user)
                .into_iter()
                .find(|f| &f.group == group && f.other.as_ref().is_some_and(|o| o.user == user))?;
            view.registration(f.holder, group)
        })
    }

    /// A child grew too old for a group while waiting: told once, neutrally first, with the
    /// groups that fit the child now (at a group's expected start).
    fn aged_out(
        &self,
        group: &crate::domain::GroupId,
        children: &[crate::domain::Child],
        kept: bool,
    ) -> Reply {
        use crate::domain::{registration, Rules};
        let config = self.ctx.config;
        let lang = self.lang;
        let now = self.ctx.now;
        let horizon = config.horizon();
        let name = config
            .group(group)
            .map_or_else(|| group.to_string(), |g| g.name.get(lang).to_owned());
        let mut r = Reply::msg(Msg::NeutralFirst);
        let mut fitting: Vec<&crate::config::Group> = Vec::new();
        for c in children {
            let age = horizon.age_at_start(*c, now);
            r = r.line(
                Msg::AgedOut,
                vec![("group", text(name.clone())), ("age", num(age))],
            );
            for id in registration::fitting_groups(
                config.groups.iter().map(|g| (&g.id, g.children)),
                group,
                age,
            ) {
                if let Some(g) = config.group(id) {
                    if !fitting.iter().any(|f| f.id == g.id) {
                        fitting.push(g);
                    }
                }
            }
        }
        r = r.line(
            if kept {
                Msg::AgedOutKept
            } else {
                Msg::AgedOutEnded
            },
            vec![("group", text(name))],
        );
        if fitting.is_empty() {
            return r.line(
                Msg::AgeNoOtherGroup,
                vec![("contact", text(self.contact_text()))],
            );
        }
        r = r.line(Msg::AgedOutFits, vec![]);
        for g in fitting {
            r = r.row(vec![Button {
                label: Label::MsgArgs(Msg::BtnSwitchGroup, vec![("group", text(g.name.get(lang)))]),
                callback: Callback::Group(g.id.clone()),
            }]);
        }
        r
    }

    fn compose(&self, message: &Outgoing) -> Option<Reply> {
        if !self.still_holds(message) {
            return None;
        }
        let config = self.ctx.config;
        let lang = self.lang;
        match message {
            Outgoing::FacilitatorJoined { user, groups } => {
                let name = self
                    .ctx
                    .view
                    .facilitators()
                    .into_iter()
                    .find(|f| f.user == *user)?
                    .name;
                let seen: Vec<String> = groups
                    .iter()
                    .filter(|g| self.may(crate::domain::remit::Scope::Group(g)))
                    .map(|g| self.group_name(g))
                    .collect();
                Some(Reply::msg(Msg::CoordinatorFirst).line(
                    Msg::FacJoinedNews,
                    vec![("name", text(name)), ("groups", text(seen.join(", ")))],
                ))
            }
            Outgoing::LaunchProposal { launch } => {
                let l = self.ctx.view.launch(*launch)?;
                let group = config.group(&l.pool.group)?;
                Some(
                    Reply::msg(Msg::FacilitatorFirst)
                        .line(
                            Msg::FacProposal,
                            vec![
                                ("group", text(group.name.get(lang))),
                                ("area", self.pool_label(&l.pool)),
                                ("when", text(format_when(l.start, lang, self.ctx.now))),
                                ("place", text(l.place.clone())),
                            ],
                        )
                        .row(vec![
                            button(
                                Msg::BtnProposalYes,
                                Callback::Fac(crate::callback::FacPick::Proposal(l.id, true)),
                            ),
                            button(
                                Msg::BtnProposalNo,
                                Callback::Fac(crate::callback::FacPick::Proposal(l.id, false)),
                            ),
                        ]),
                )
            }
            Outgoing::ProposalAnswered { launch, user, yes } => {
                let l = self.ctx.view.launch(*launch)?;
                let group = config.group(&l.pool.group)?;
                let name = self.facilitator_name(*user);
                let mut r = Reply::msg(Msg::CoordinatorFirst).line(
                    Msg::FacProposalAnswered,
                    vec![
                        ("name", text(name)),
                        ("group", text(group.name.get(lang))),
                        ("area", self.pool_label(&l.pool)),
                        ("when", text(format_when(l.start, lang, self.ctx.now))),
                        ("yes", text(if *yes { "yes" } else { "no" })),
                    ],
                );
                // A no while the invitations wait: they may go anyway.
                let crew = self.ctx.view.crew(l.id);
                if crate::domain::facilitator::invitations_wait(crew.as_ref()) {
                    r = r.line(Msg::LaunchStillHeld, vec![]).row(vec![button(
                        Msg::BtnLaunchRelease,
                        Callback::Fac(crate::callback::FacPick::Release(l.id)),
                    )]);
                }
                Some(r)
            }
            Outgoing::FacilitatorRemoved { groups } => {
                let names: Vec<String> = groups.iter().map(|g| self.group_name(g)).collect();
                Some(Reply::msg(Msg::FacilitatorFirst).line(
                    Msg::FacRemovedNews,
                    vec![("groups", text(names.join(", ")))],
                ))
            }
            Outgoing::Support {
                group,
                from,
                text: body,
            } => {
                let name = self.facilitator_name(*from);
                Some(Reply::msg(Msg::CoordinatorFirst).line(
                    Msg::FacSupportNews,
                    vec![
                        ("name", text(name)),
                        ("id", text(from.0.to_string())),
                        ("group", text(self.group_name(group))),
                        ("text", text(body.clone())),
                    ],
                ))
            }
            Outgoing::Alert { pool } => {
                let group = config.group(&pool.group)?;
                let stats = self
                    .ctx
                    .view
                    .pools(&pool.group)
                    .into_iter()
                    .find_map(|(p, s)| (&p == pool).then_some(s))
                    .unwrap_or_default();
                Some(
                    Reply::msg(Msg::CoordinatorFirst)
                        .line(
                            Msg::AlertTitle,
                            vec![
                                ("group", text(group.name.get(lang))),
                                ("area", self.pool_label(pool)),
                            ],
                        )
                        .line(Msg::DemandPool, self.stats_args(group, pool, &stats))
                        .row(vec![
                            Button {
                                label: Label::MsgArgs(
                                    Msg::BtnList,
                                    vec![("area", self.pool_label(pool))],
                                ),
                                callback: Callback::PoolList(pool.clone()),
                            },
                            Button {
                                label: Label::MsgArgs(
                                    Msg::BtnLaunch,
                                    vec![("area", self.pool_label(pool))],
                                ),
                                callback: Callback::PoolLaunch(pool.clone()),
                            },
                        ]),
                )
            }
            Outgoing::Missed { pool, coordinator } => {
                let group = config.group(&pool.group)?;
                Some(Reply::msg(Msg::CoordinatorFirst).line(
                    Msg::AlertMissed,
                    vec![
                        ("group", text(group.name.get(lang))),
                        ("area", self.pool_label(pool)),
                        ("name", text(coordinator.clone())),
                    ],
                ))
            }
            Outgoing::Invitation { launch } => {
                let l = self.ctx.view.launch(*launch)?;
                let inv = l.family_invitation(self.ctx.person.user)?;
                let group = config.group(&l.pool.group)?;
                Some(
                    Reply::msg(Msg::NeutralFirst)
                        .line(
                            Msg::Invitation,
                            vec![
                                ("group", text(group.name.get(lang))),
                                ("when", text(format_when(l.start, lang, self.ctx.now))),
                                ("place", text(l.place.clone())),
                                ("count", num(inv.participants)),
                                ("kind", kind(group)),
                                // It goes now: the answer time counts from now.
                                (
                                    "deadline",
                                    text(format_when(
                                        inv.sent_at.max(self.ctx.now)
                                            + chrono::Duration::hours(i64::from(
                                                config.invite_hours,
                                            )),
                                        lang,
                                        self.ctx.now,
                                    )),
                                ),
                            ],
                        )
                        .row(vec![
                            button(Msg::BtnInviteYes, Callback::Invite(l.id, true)),
                            button(Msg::BtnInviteNo, Callback::Invite(l.id, false)),
                        ]),
                )
            }
            Outgoing::Expired { launch } => {
                let l = self.ctx.view.launch(*launch)?;
                let group = config.group(&l.pool.group)?;
                let me = self.ctx.person.user;
                if self.ctx.view.registration(me, &l.pool.group).is_none() {
                    // The other parent of a shared family: told, with the button to take the
                    // family's registration up again (either parent may,
                    // [`crate::domain::family::resume`]); withdrawing it is the first
                    // parent's.
                    return Some(
                        Reply::msg(Msg::NeutralFirst)
                            .line(
                                Msg::FamilyExpired,
                                vec![("group", text(group.name.get(lang)))],
                            )
                            .row(vec![button(
                                Msg::BtnResume,
                                Callback::Resume(l.pool.group.clone()),
                            )]),
                    );
                }
                Some(
                    Reply::msg(Msg::NeutralFirst)
                        .line(
                            Msg::InviteExpired,
                            vec![("group", text(group.name.get(lang)))],
                        )
                        .row(vec![button(
                            Msg::BtnResume,
                            Callback::Resume(l.pool.group.clone()),
                        )])
                        .row(vec![button(
                            Msg::BtnWithdraw,
                            Callback::Withdraw(l.pool.group.clone()),
                        )]),
                )
            }
            Outgoing::Answered {
                launch,
                user,
                accepted,
            } => {
                let l = self.ctx.view.launch(*launch)?;
                let group = config.group(&l.pool.group)?;
                let seats = l.invitation(*user).map_or(0, |i| i.participants);
                // A family who had accepted and withdrew since: said as it is.
                let answer = match l.invitation(*user).map(|i| i.answer) {
                    _ if *accepted => "yes",
                    Some(Answer::Withdrawn) => "withdrew",
                    _ => "no",
                };
                let name = self
                    .ctx
                    .view
                    .registration(*user, &l.pool.group)
                    .map_or(Arg::Msg(Msg::AFamily), |r| {
                        family_who(&r, &self.ctx.view.families_in(&l.pool.group))
                    });
                Some(Reply::msg(Msg::CoordinatorFirst).line(
                    Msg::Answered,
                    vec![
                        ("group", text(group.name.get(lang))),
                        ("area", self.pool_label(&l.pool)),
                        ("who", name),
                        ("answer", text(answer)),
                        ("count", num(seats)),
                        ("kind", kind(group)),
                        ("accepted", num(l.accepted_seats())),
                        ("capacity", num(l.capacity)),
                    ],
                ))
            }
            Outgoing::Reminder { event, .. } => {
                let e = self.visible_event(*event)?;
                let mut card = self.event_card(&e);
                // The time only: the place could tell what the event is about.
                card.lines[0] = Line::new(
                    Msg::ReminderFirst,
                    vec![("when", text(format_when(e.start, lang, self.ctx.now)))],
                );
                card.lines.insert(
                    1,
                    Line::new(Msg::SummaryTitle, vec![("group", text(e.title.get(lang)))]),
                );
                Some(card)
            }
            Outgoing::EventChanged { event } => {
                let e = self.visible_event(*event)?;
                Some(
                    self.event_card(&e)
                        .after(vec![Line::new(Msg::EventChangedFirst, vec![])]),
                )
            }
            Outgoing::EventCancelled { event } => {
                let e = self.visible_event(*event)?;
                Some(Reply::msg(Msg::EventFirst).line(
                    Msg::EventCancelledNotice,
                    vec![
                        ("title", text(e.title.get(lang))),
                        ("when", text(format_when(e.start, lang, self.ctx.now))),
                    ],
                ))
            }
            Outgoing::Promoted { event } => {
                let e = self.visible_event(*event)?;
                Some(
                    self.event_card(&e)
                        .after(vec![Line::new(Msg::EventPromoted, vec![])]),
                )
            }
            Outgoing::FeedbackRequest { event, .. } => {
                let e = self.visible_event(*event)?;
                self.feedback_ask(&e)
            }
            Outgoing::SeriesChanged { events, .. } => {
                // Only the meetings the family may see, as they are now: one message for
                // every meeting the change touched.
                let seen: Vec<_> = events
                    .iter()
                    .filter_map(|id| self.visible_event(*id))
                    .collect();
                let first = seen.first()?;
                let mut r = Reply::msg(Msg::EventFirst).line(
                    Msg::SeriesChangedTitle,
                    vec![("title", text(first.title.get(lang)))],
                );
                for e in &seen {
                    let when = text(format_when(e.start, lang, self.ctx.now));
                    r.lines.push(if e.cancelled {
                        Line {
                            msg: Msg::SeriesChangedCancelled,
                            args: vec![("when", when)],
                            tight: true,
                        }
                    } else {
                        Line {
                            msg: Msg::SeriesChangedMoved,
                            args: vec![("when", when), ("place", text(e.place.clone()))],
                            tight: true,
                        }
                    });
                }
                Some(r)
            }
            Outgoing::Broadcast { broadcast } => {
                let b = self.ctx.view.broadcast(*broadcast)?;
                Some(Reply::msg(Msg::BroadcastFirst).line(Msg::Plain, vec![("text", text(b.text))]))
            }
            Outgoing::GroupMessage { broadcast } => {
                let b = self.ctx.view.broadcast(*broadcast)?;
                Some(
                    Reply::msg(Msg::GroupMessageFirst)
                        .line(Msg::Plain, vec![("text", text(b.text))]),
                )
            }
            Outgoing::BroadcastReport { broadcast } => {
                let b = self.ctx.view.broadcast(*broadcast)?;
                Some(Reply::default().line(
                    Msg::BroadcastReport,
                    vec![
                        ("total", num(b.total)),
                        ("sent", num(b.sent)),
                        ("unreachable", num(b.unreachable)),
                        ("failed", num(b.failed)),
                    ],
                ))
            }
            Outgoing::RetentionNotice { group } => {
                let g = config.group(group)?;
                Some(
                    Reply::msg(Msg::NeutralFirst)
                        .line(
                            Msg::RetentionNotice,
                            vec![("group", text(g.name.get(lang)))],
                        )
                        .row(vec![
                            button(
                                Msg::BtnStillInterested,
                                Callback::StillInterested(group.clone()),
                            ),
                            button(Msg::BtnEdit, Callback::Edit(group.clone())),
                        ]),
                )
            }
            Outgoing::FamilyAccepted { launch } => {
                let l = self.ctx.view.launch(*launch)?;
                let group = config.group(&l.pool.group)?;
                Some(Reply::msg(Msg::NeutralFirst).line(
                    Msg::FamilyAccepted,
                    vec![
                        ("group", text(group.name.get(lang))),
                        ("when", text(format_when(l.start, lang, self.ctx.now))),
                        ("place", text(l.place.clone())),
                    ],
                ))
            }
            Outgoing::FamilyUnlinked { group } => {
                let g = config.group(group)?;
                Some(
                    Reply::msg(Msg::NeutralFirst)
                        .line(Msg::FamilyUnlinked, vec![("group", text(g.name.get(lang)))]),
                )
            }
            Outgoing::RenewalAsk { group } => {
                let g = config.group(group)?;
                Some(
                    Reply::msg(Msg::NeutralFirst)
                        .line(
                            Msg::RenewalAsk,
                            vec![
                                ("group", text(g.name.get(lang))),
                                ("days", num(config.renew_answer_days)),
                            ],
                        )
                        .row(vec![
                            button(
                                Msg::BtnStillInterested,
                                Callback::StillInterested(group.clone()),
                            ),
                            button(Msg::BtnWithdraw, Callback::Withdraw(group.clone())),
                        ]),
                )
            }
            Outgoing::AgedOut {
                group,
                children,
                kept,
            } => Some(self.aged_out(group, children, *kept)),
            Outgoing::FinalList { launch } => {
                let l = self.ctx.view.launch(*launch)?;
                let group = config.group(&l.pool.group)?;
                let mut r = Reply::msg(Msg::CoordinatorFirst).line(
                    Msg::FinalTitle,
                    vec![
                        ("group", text(group.name.get(lang))),
                        ("area", self.pool_label(&l.pool)),
                        ("when", text(format_when(l.start, lang, self.ctx.now))),
                        ("place", text(l.place.clone())),
                        ("accepted", num(l.accepted_seats())),
                        ("capacity", num(l.capacity)),
                        ("kind", kind(group)),
                    ],
                );
                let accepted: Vec<_> = l
                    .invitations
                    .iter()
                    .filter(|i| i.answer == Answer::Accepted)
                    .collect();
                if accepted.is_empty() {
                    r = r.line(Msg::FinalNone, vec![]);
                }
                let families = self.ctx.view.families_in(&l.pool.group);
                for (n, inv) in accepted.iter().enumerate() {
                    let name = self
                        .ctx
                        .view
                        .registration(inv.user, &l.pool.group)
                        .map_or(Arg::Msg(Msg::AFamily), |r| family_who(&r, &families));
                    r.lines.push(Line {
                        msg: Msg::FinalItem,
                        args: vec![
                            ("n", num(n + 1)),
                            ("who", name),
                            ("count", num(inv.participants)),
                            ("kind", kind(group)),
                        ],
                        tight: n > 0,
                    });
                }
                // The facilitators asked: who said yes.
                if let Some(crew) = self.ctx.view.crew(l.id) {
                    let yes: Vec<String> = crew
                        .asked
                        .iter()
                        .filter(|a| a.answer == Some(true))
                        .map(|a| self.facilitator_name(a.user))
                        .filter(|n| !n.is_empty())
                        .collect();
                    r = if yes.is_empty() {
                        r.line(Msg::FinalNoFacilitator, vec![])
                    } else {
                        r.line(
                            Msg::FinalFacilitators,
                            vec![("names", text(yes.join(", ")))],
                        )
                    };
                }
                Some(r.row(vec![button(
                    Msg::BtnExportLaunch,
                    Callback::ExportLaunch(l.id),
                )]))
            }
        }
    }
}
