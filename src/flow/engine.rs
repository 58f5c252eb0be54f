//! What every part of the conversation shares: the turn being answered (its replies and
//! effects), who the person is to kokoon (a coordinator or not), and the question each state is
//! waiting for, asked again after a hint, a language change or an aside.

use super::reply::{button, text, Line, Reply};
use super::{Callback, Ctx, Effect, Outcome, State};
use crate::config::{Coordinator, Group};
use crate::domain::remit::Scope;
use crate::domain::{GroupId, Lang, Pool};
use crate::msg::Msg;

/// One turn being answered: what the parts of the conversation consult ([`Ctx`]) and what they
/// produce (replies to the person talking, effects to store). The parts — registration, events,
/// launch, broadcast — each add their own methods in their own module.
pub(super) struct Engine<'a> {
    pub(super) ctx: &'a Ctx<'a>,
    pub(super) lang: Lang,
    pub(super) replies: Vec<Reply>,
    pub(super) effects: Vec<Effect>,
}

impl<'a> Engine<'a> {
    pub(super) fn new(ctx: &'a Ctx<'a>) -> Self {
        Self {
            ctx,
            lang: ctx.lang,
            replies: Vec::new(),
            effects: Vec::new(),
        }
    }

    /// The turn's outcome, ending in `state`.
    pub(super) fn finish(self, state: State) -> Outcome {
        Outcome {
            state,
            lang: self.lang,
            replies: self.replies,
            effects: self.effects,
        }
    }

    pub(super) fn say(&mut self, reply: Reply) {
        self.replies.push(reply);
    }

    // ---- who is talking ----

    /// The coordinator record of the person talking, if they are one.
    pub(super) fn coordinator(&self) -> Option<&Coordinator> {
        self.ctx.config.coordinator(self.ctx.person.user)
    }

    /// Whether the person talking is a coordinator (of any group).
    pub(super) fn is_coordinator(&self) -> bool {
        self.coordinator().is_some()
    }

    /// The groups the person coordinates, in config order.
    pub(super) fn my_groups(&self) -> Vec<&'a Group> {
        let user = self.ctx.person.user;
        self.ctx
            .config
            .groups
            .iter()
            .filter(|g| self.ctx.config.sees(user, Scope::Group(&g.id)))
            .collect()
    }

    /// Whether the person talking is a coordinator who sees what concerns `scope`
    /// ([`crate::domain::remit::sees`]).
    pub(super) fn may(&self, scope: Scope<'_>) -> bool {
        self.ctx.config.sees(self.ctx.person.user, scope)
    }

    /// Whether the person talking sees a pool (its group, in its area).
    pub(super) fn may_pool(&self, pool: &Pool) -> bool {
        self.may(Scope::Area(&pool.group, &pool.area))
    }

    /// Logs an access to parents' data in the access log, with this step.
    pub(super) fn audit(
        &mut self,
        what: crate::domain::audit::Accessed,
        pool: Option<&Pool>,
        launch: Option<u64>,
        people: usize,
    ) {
        self.audit_as(
            crate::domain::audit::Role::Coordinator,
            what,
            pool,
            launch,
            people,
        );
    }

    /// [`Engine::audit`], in `role` (a facilitator's view of their launch is logged as a
    /// coordinator's is, and `/mydata` names the role).
    pub(super) fn audit_as(
        &mut self,
        role: crate::domain::audit::Role,
        what: crate::domain::audit::Accessed,
        pool: Option<&Pool>,
        launch: Option<u64>,
        people: usize,
    ) {
        self.effects
            .push(Effect::Audit(crate::domain::audit::Access {
                at: self.ctx.now,
                who: self.ctx.person.user,
                role,
                what,
                group: pool.map(|p| p.group.clone()),
                area: pool.map(|p| p.area.clone()),
                event: None,
                launch,
                people: u32::try_from(people).unwrap_or(u32::MAX),
            }));
    }

    /// A group's name in the reader's language (its id if the config no longer has it).
    pub(super) fn group_name(&self, g: &GroupId) -> String {
        self.ctx
            .config
            .group(g)
            .map_or_else(|| g.to_string(), |g| g.name.get(self.lang).to_owned())
    }

    // ---- the question a state waits for ----

    /// The question the conversation is waiting for in `state`, as it stands now. Each state's
    /// own part words it.
    pub(super) fn question_of(&self, state: &State) -> Reply {
        let cancel = vec![button(Msg::BtnCancel, Callback::Cancel)];
        match state {
            State::Idle => self.group_menu(vec![]),
            State::Registering(d) => self.question(d),
            State::ConfirmingForget => self.forget_question(),
            State::ConfirmingDrop { draft, then } => self.drop_question(draft, then),
            State::Launching(d) => self.launch_question(d),
            State::CreatingEvent(d) => self.draft_question(d),
            State::EditingEvent { .. } => Reply::msg(Msg::NewEventBadValue).row(cancel),
            State::MovingMeetings { .. } => Reply::msg(Msg::SeriesMoveBad).row(cancel),
            State::Broadcasting { text: None, .. } => Reply::msg(Msg::BroadcastBadText).row(cancel),
            State::Broadcasting { text: Some(t), .. } => Reply::default()
                .line(Msg::Plain, vec![("text", text(t.clone()))])
                .row(vec![button(Msg::BtnBroadcastSend, Callback::BroadcastSend)])
                .row(cancel),
            State::FeedbackComment { event } => Reply::msg(Msg::FeedbackCommentAsk)
                .row(vec![button(Msg::BtnSkip, Callback::FeedbackSkip(*event))]),
            State::JoiningFamily(j) => self.join_question(j),
            State::InvitingFacilitator { groups } => self.invite_question(groups),
            State::JoiningAsFacilitator { token, name } => self.joining_question(token, name),
            State::Supporting { group } => self.support_question(group),
            State::Writing { launch, text } => self.write_question(*launch, text.as_deref()),
            State::Adding(d) => self.add_question(d),
        }
    }

    /// A short hint, then the current question again, so nothing goes silent.
    pub(super) fn hint(&mut self, state: State, msg: Msg) -> State {
        let reply = self.question_of(&state).after(vec![line(msg)]);
        self.say(reply);
        state
    }

    /// The current question again, as it stands now (e.g. after a language change).
    pub(super) fn reprompt(&mut self, state: State) -> State {
        self.say(self.question_of(&state));
        state
    }

    /// After an aside (`/help`, `/mine`, `/events`) in the middle of a registration, the
    /// question again.
    pub(super) fn reprompt_registering(&mut self, state: State) -> State {
        match state {
            State::Registering(_) => self.reprompt(state),
            other => other,
        }
    }

    /// Leaves whatever is in progress (a registration, a launch, an event being made, a
    /// broadcast, a feedback comment) and says so; `false` when there was nothing to leave.
    pub(super) fn cancel(&mut self, state: &State) -> bool {
        let msg = match state {
            State::Registering(_) | State::ConfirmingDrop { .. } | State::JoiningFamily(_) => {
                Msg::Cancelled
            }
            State::Launching(_) => Msg::LaunchCancelled,
            State::CreatingEvent(_)
            | State::EditingEvent { .. }
            | State::MovingMeetings { .. }
            | State::Broadcasting { .. }
            | State::Adding(_) => Msg::ActionCancelled,
            State::FeedbackComment { .. } => Msg::FeedbackDone,
            State::InvitingFacilitator { .. }
            | State::JoiningAsFacilitator { .. }
            | State::Supporting { .. }
            | State::Writing { .. } => Msg::ActionCancelled,
            State::Idle | State::ConfirmingForget => return false,
        };
        self.say(Reply::msg(msg));
        true
    }

    /// Text typed in a coordinator's state by someone who is no longer a coordinator: as if
    /// they were idle.
    pub(super) fn not_a_coordinator(&mut self) -> State {
        self.hint(State::Idle, Msg::HintUseButtons)
    }
}

/// A paragraph without arguments.
pub(super) fn line(msg: Msg) -> Line {
    Line::new(msg, vec![])
}
