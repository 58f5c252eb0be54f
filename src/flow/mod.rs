//! The conversation engine: one pure function, [`step`], from (state, input) to (state, replies,
//! effects). It knows groups, questions, eligibility and demand; it knows nothing of Telegram,
//! sled or the clock — the adapters parse input, pass `now` and a read-only view of the store,
//! commit the effects and render the replies.
//!
//! The conversation has four parts, one module each, split along [`State`]: `registration`
//! (idle, registering, `/forget`, and the commands that belong to no other part), [`events`]
//! (the list, a meeting's card, sign-up, creating and editing events, feedback), `launch`
//! (demand, lists, export, QR codes, launching, the answer to an invitation) and `broadcast`.
//! Each owns its states, its commands and callbacks, and its step function; [`step`] only sends
//! each input to the part that owns it (`Part`). What they share is in `engine`.

mod add;
mod broadcast;
mod engine;
pub mod events;
mod facilitators;
mod family;
mod feedback;
mod input;
mod launch;
mod mydata;
pub mod notify;
mod registration;
mod series;
mod typed;

/// Callback data and replies are the engine's words, defined apart so that the renderers need
/// not import the engine; re-exported here under their old paths.
pub use crate::{callback, reply};
pub use add::{on_behalf, AddDraft, AddStep};
pub use callback::{Callback, Field};
pub use input::{Command, Input};
pub use launch::LaunchDraft;
pub use registration::{Draft, Step};
pub use reply::{Arg, Attachment, Button, ChartPanel, ChartUnit, Label, Line, Reply};

use crate::config::Config;
use crate::domain::launch::LaunchRequest;
use crate::domain::{
    Audience, Demand, Event, Feedback, GroupId, Lang, Launch, Pool, Registration, StartPayload,
    UserId,
};
use crate::msg::Msg;
use chrono::{DateTime, Utc};
use engine::Engine;
use serde::{Deserialize, Serialize};

/// Where a user is in the conversation. Stored per user, so a conversation survives restarts.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum State {
    /// Not in the middle of anything.
    #[default]
    Idle,
    /// Answering the questions of a registration.
    Registering(Draft),
    /// Asked to confirm `/forget`.
    ConfirmingForget,
    /// Asked whether to drop an unfinished registration (on Cancel or `/start`).
    ConfirmingDrop {
        /// The registration under way, kept until the answer.
        draft: Draft,
        /// What the person asked for.
        then: registration::AfterDrop,
    },
    /// (Coordinator) preparing a launch.
    Launching(LaunchDraft),
    /// (Coordinator) creating an event.
    CreatingEvent(events::EventDraft),
    /// (Coordinator) typing a new value for an event's field.
    EditingEvent {
        /// The event.
        event: u64,
        /// The field.
        field: events::EventField,
    },
    /// (Coordinator) writing a message to many.
    Broadcasting {
        /// To whom.
        audience: Audience,
        /// The text, once written (then waiting for confirmation).
        text: Option<String>,
        /// The text written before Back from the confirmation, while the text is asked again.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        kept: Option<String>,
    },
    /// (Coordinator) typing the new time of a meeting of a series, which moves it and every
    /// later meeting by the same amount.
    MovingMeetings {
        /// The first meeting moved.
        event: u64,
    },
    /// After a rating: an optional comment may follow.
    FeedbackComment {
        /// The event.
        event: u64,
    },
    /// The other parent, joining a registration shared with them through a link.
    JoiningFamily(family::Joining),
    /// (Coordinator) choosing the groups of a facilitator's invitation link.
    InvitingFacilitator {
        /// The groups chosen so far.
        groups: Vec<GroupId>,
    },
    /// Opened a facilitator's link: giving a name, then consent.
    JoiningAsFacilitator {
        /// The link's token.
        token: String,
        /// The name, once given.
        name: Option<String>,
    },
    /// (Facilitator) writing to a group's coordinators.
    Supporting {
        /// The group.
        group: GroupId,
    },
    /// (Facilitator) writing to the families of a launch of their group.
    Writing {
        /// The launch.
        launch: u64,
        /// The text, once written (then waiting for confirmation).
        text: Option<String>,
    },
    /// (Coordinator) adding a family without Telegram by hand (`/add`), or changing one.
    Adding(AddDraft),
}

/// Who is talking, as the adapter knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    /// Their id.
    pub user: UserId,
    /// Their display name, stored only with the consent to share it.
    pub name: String,
    /// Their @username, likewise.
    pub username: Option<String>,
}

/// A read-only view of what the store knows, for the engine to consult.
pub trait View: Sync {
    /// Current demand of the waiting registrations in a pool.
    fn demand(&self, pool: &Pool) -> Demand;
    /// The waiting registrations of a group, in registration order.
    fn waiting(&self, group: &GroupId) -> Vec<Registration>;
    /// Every pool of a group with families waiting, and what they told, added up (without
    /// reading the registrations themselves).
    fn pools(&self, group: &GroupId) -> Vec<(Pool, crate::domain::PoolStats)>;
    /// What the paused registrations of a group add up to (not demand: shown apart).
    fn paused(&self, _group: &GroupId) -> Demand {
        Demand::default()
    }
    /// A launch by id.
    fn launch(&self, id: u64) -> Option<Launch>;
    /// Every launch, oldest first.
    fn launches(&self) -> Vec<Launch>;
    /// One user's registration for a group, whatever its status.
    fn registration(&self, user: UserId, group: &GroupId) -> Option<Registration>;
    /// Every event, cancelled ones too, by id.
    fn events(&self) -> Vec<Event>;
    /// One event.
    fn event(&self, id: u64) -> Option<Event>;
    /// Every feedback given on an event.
    fn feedback(&self, event: u64) -> Vec<Feedback>;
    /// One person's feedback on an event.
    fn feedback_of(&self, event: u64, user: UserId) -> Option<Feedback>;
    /// A broadcast.
    fn broadcast(&self, id: u64) -> Option<crate::domain::Broadcast>;
    /// Whether a pool is over its threshold and since when (for checking an alert when it
    /// goes). A view that keeps no pool states says "not crossed": alerts then never hold.
    fn pool_state(&self, _pool: &Pool) -> crate::domain::PoolState {
        crate::domain::PoolState::default()
    }
    /// The registrations a coordinator added by hand for families without Telegram, in
    /// registration order.
    fn added_by(&self, _coordinator: UserId) -> Vec<Registration> {
        Vec::new()
    }
    /// The consent records of someone's sign-up for an event, if they gave them.
    fn signup_of(&self, _event: u64, _user: UserId) -> Option<crate::domain::privacy::SignUp> {
        None
    }
    /// The shared family whose unused link has this token, if any.
    fn family_by_token(&self, _token: &str) -> Option<crate::domain::family::Family> {
        None
    }
    /// The shared families a parent is in (as the holder or the other parent).
    fn families_of(&self, _user: UserId) -> Vec<crate::domain::family::Family> {
        Vec::new()
    }
    /// The shared families of a group (for showing a coordinator both parents' names).
    fn families_in(&self, _group: &GroupId) -> Vec<crate::domain::family::Family> {
        Vec::new()
    }
    /// 32 fresh random bytes (a new family's id, a link's token); `None` where there are none
    /// (then no link can be made).
    fn fresh(&self) -> Option<[u8; 32]> {
        None
    }
    /// The facilitators added through the chat. A view that keeps none has none.
    fn facilitators(&self) -> Vec<crate::domain::facilitator::Facilitator> {
        Vec::new()
    }
    /// A facilitator's invitation link by its token.
    fn facilitator_invite(
        &self,
        _token: &str,
    ) -> Option<crate::domain::facilitator::FacilitatorInvite> {
        None
    }
    /// The facilitators asked to take a launch, and their answers.
    fn crew(&self, _launch: u64) -> Option<crate::domain::facilitator::Crew> {
        None
    }
    /// A fresh unguessable link token (16 random bytes as base64url); `None` from a view that
    /// cannot make one (then no link is made).
    fn new_token(&self) -> Option<String> {
        None
    }
    /// The access log, oldest first (for `/mydata`). A view that keeps none has none.
    fn access_log(&self) -> Vec<crate::domain::audit::Access> {
        Vec::new()
    }
}

/// Everything [`step`] may consult besides the state and the input.
pub struct Ctx<'a> {
    /// The validated config.
    pub config: &'a Config,
    /// Who is talking.
    pub person: &'a Person,
    /// The language they are spoken to in.
    pub lang: Lang,
    /// Their current registrations.
    pub registrations: &'a [Registration],
    /// The store, read-only.
    pub view: &'a dyn View,
    /// The time of the input.
    pub now: DateTime<Utc>,
}

/// A change to stored data that a step asks for; the store applies all of a step's effects and
/// its new state in one transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Create or replace the user's registration for its group.
    SaveRegistration(Registration),
    /// Remove the user's registration for a group.
    Withdraw(GroupId),
    /// The user is still interested: their registration for a group is confirmed, and waits
    /// again if it was paused.
    Resume(GroupId),
    /// Remove everything about the user.
    Forget,
    /// Launch a group (a coordinator's decision); invitations follow.
    Launch(LaunchRequest),
    /// A parent's answer to an invitation.
    Respond {
        /// The launch.
        launch: u64,
        /// Coming or not.
        accept: bool,
    },
    /// (Coordinator) create an event; the id in it is assigned by the store.
    CreateEvent(Event),
    /// (Coordinator) change an event's details; the people in it are told.
    UpdateEvent(Event),
    /// (Coordinator) cancel an event; the people in it are told.
    CancelEvent(u64),
    /// Sign up for an event (or its waiting list), or cancel one's place.
    Rsvp {
        /// The event.
        event: u64,
        /// Sign up (true) or cancel (false).
        join: bool,
        /// The event's revision the engine decided on: the store applies the decision only if
        /// the event is still at it (else the step is run again on the event as it is now).
        seen: u64,
    },
    /// The consent behind a sign-up made in the same step (after its [`Effect::Rsvp`]):
    /// stored only if the person is then on the event or its waiting list.
    SignUpConsent {
        /// The event.
        event: u64,
        /// The consent records (and the name, with the optional consent).
        record: crate::domain::privacy::SignUp,
    },
    /// Withdraw the consent to show one's name for an event sign-up.
    HideName {
        /// The event.
        event: u64,
    },
    /// One answer to an event's feedback questions (a rating, a comment, …).
    Feedback {
        /// The event.
        event: u64,
        /// The answer.
        answer: crate::domain::feedback::Answer,
    },
    /// (Coordinator) a message to many.
    Broadcast {
        /// To whom.
        audience: Audience,
        /// The message.
        text: String,
        /// The recipients, resolved when the coordinator confirmed.
        to: Vec<UserId>,
    },
    /// (Coordinator) move or cancel meetings of a launch's series; each family is told once.
    EditSeries {
        /// The launch.
        launch: u64,
        /// The change.
        edit: crate::domain::series::Edit,
    },
    /// (Coordinator) mark whether a family came to a meeting.
    MarkAttendance {
        /// The meeting.
        event: u64,
        /// The family's parent.
        user: UserId,
        /// Came (true) or not.
        came: bool,
    },
    /// (Coordinator) store a facilitator's one-time invitation link.
    InviteFacilitator(crate::domain::facilitator::FacilitatorInvite),
    /// The person talking becomes a facilitator by a link, with a name and consent (the store
    /// checks the link again: once, not expired).
    BecomeFacilitator {
        /// The link's token.
        token: String,
        /// The name they gave.
        name: String,
        /// Their consent.
        consent: crate::domain::privacy::ConsentRecord,
    },
    /// (Coordinator) remove a facilitator from some groups; they are told.
    RemoveFacilitator {
        /// The facilitator.
        user: UserId,
        /// The groups (those the coordinator sees).
        groups: Vec<GroupId>,
    },
    /// (Coordinator, after [`Effect::Launch`] in the same step) ask facilitators to take the
    /// launch; with `hold`, the families' invitations wait for the first yes.
    LaunchCrew {
        /// The facilitators asked.
        facilitators: Vec<UserId>,
        /// Whether the invitations wait for a yes.
        hold: bool,
    },
    /// (Coordinator, after [`Effect::Launch`] in the same step, when no facilitator was asked)
    /// the group's facilitators lead the launch's meetings: they get the reminders.
    LeadLaunch {
        /// The facilitators.
        facilitators: Vec<UserId>,
    },
    /// (Coordinator) a launch's held invitations go without a facilitator's yes.
    ReleaseInvitations {
        /// The launch.
        launch: u64,
    },
    /// (Facilitator) an answer to a launch proposal.
    CrewAnswer {
        /// The launch.
        launch: u64,
        /// Yes or no.
        yes: bool,
    },
    /// (Facilitator) a message to the families who accepted a place in a launch of their group.
    GroupMessage {
        /// The launch.
        launch: u64,
        /// The message.
        text: String,
        /// The recipients, resolved when the facilitator confirmed.
        to: Vec<UserId>,
    },
    /// (Facilitator) a message to a group's coordinators.
    Support {
        /// The group.
        group: GroupId,
        /// What they wrote.
        text: String,
    },
    /// (Coordinator) log an access to personal data (a list viewed or exported, a broadcast) in
    /// the access log, durably with the step.
    Audit(crate::domain::audit::Access),
    /// (Coordinator) a family without Telegram added by hand: the registration, whose synthetic
    /// id the store assigns ([`crate::domain::added`]).
    AddFamily(Registration),
    /// (Coordinator) an effect for a family they added, applied as if the family had asked
    /// (a withdrawal, an answer to an invitation, "still interested", changed answers).
    ForFamily {
        /// The family's synthetic id.
        family: UserId,
        /// What the family's own conversation decided.
        effect: Box<Effect>,
    },
    /// Sharing a children's registration with the child's other parent
    /// ([`crate::domain::family`]).
    Family(FamilyChange),
}

/// A change to a registration shared by both parents, by the parent talking.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FamilyChange {
    /// (First parent) make a one-time link for their registration for `group`, in place of an
    /// unused one.
    Share {
        /// The registration's group.
        group: GroupId,
        /// The family's id if it has none yet (random, from [`View::fresh`]).
        fresh: crate::domain::family::FamilyId,
        /// The link's token (random, from [`View::fresh`]).
        token: String,
        /// Days the link works.
        days: u32,
    },
    /// (First parent) take back the unused link of their registration for `group`.
    Revoke(GroupId),
    /// (Other parent) join through a link, with their own consent and answers.
    Join {
        /// The link's token.
        token: String,
        /// Who they are and what they answered.
        other: crate::domain::family::OtherParent,
    },
    /// (First parent) the other parent no longer shares their registration for `group`; they
    /// are told neutrally.
    Unlink(GroupId),
    /// (Other parent) leave a family: their own answers go, the registration stays.
    Leave(crate::domain::family::FamilyId),
    /// (Other parent) take the family's paused registration up again
    /// ([`crate::domain::family::resume`]).
    Resume(crate::domain::family::FamilyId),
    /// (Other parent) change or remove their own note to the coordinators.
    Note {
        /// The family.
        id: crate::domain::family::FamilyId,
        /// The note (cleaned, at most [`crate::domain::registration::MAX_NOTE_CHARS`]).
        note: Option<String>,
    },
}

/// What a step produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The user's state after the step.
    pub state: State,
    /// The language to speak from now on (changed by `/lang`).
    pub lang: Lang,
    /// Messages to the person talking, in order.
    pub replies: Vec<Reply>,
    /// Changes to stored data.
    pub effects: Vec<Effect>,
}

/// Runs one input through the conversation.
#[must_use]
pub fn step(state: State, input: Input, ctx: &Ctx<'_>) -> Outcome {
    let mut e = Engine::new(ctx);
    let state = match input {
        Input::Start(Some(ref p)) if crate::domain::family::parse_payload(p).is_some() => {
            family::open_link(&mut e, state, p)
        }
        Input::Start(payload) => match payload.as_deref().and_then(StartPayload::parse) {
            Some(StartPayload::Event(id)) => events::link(&mut e, &id),
            Some(StartPayload::Facilitator(token)) => facilitators::link(&mut e, state, token),
            payload => registration::start(&mut e, state, payload),
        },
        // To anyone else the coordinators' commands are unknown commands.
        // (`/attendance` is a facilitator's too: the launches they facilitate.)
        Input::Command(c)
            if c.for_coordinators()
                && !e.is_coordinator()
                && !(c == Command::Attendance && e.is_facilitator()) =>
        {
            e.hint(state, Msg::HintUnknownCommand)
        }
        // And the facilitators' to anyone who facilitates nothing.
        Input::Command(c) if c.for_facilitators() && !e.is_facilitator() => {
            e.hint(state, Msg::HintUnknownCommand)
        }
        Input::Command(c) => Part::of_command(c).step(&mut e, state, Turn::Command(c)),
        Input::UnknownCommand => e.hint(state, Msg::HintUnknownCommand),
        Input::FeedbackFor(id) => events::feedback_for(&mut e, state, id),
        Input::ReportFor(arg) => e.report_command(state, arg.as_deref()),
        Input::Text(t) => {
            // Whatever is typed may be shown to someone else (a comment, an event's title or
            // place, a broadcast): without invisible controls.
            let t = crate::domain::text::clean(&t).into_owned();
            Part::of_state(&state).step(&mut e, state, Turn::Text(t))
        }
        Input::Unsupported => e.hint(state, Msg::HintNotText),
        Input::Button(data) => match Callback::parse(&data) {
            Some(cb) => Part::of_button(&cb, &state).step(&mut e, state, Turn::Button(cb)),
            None => e.hint(state, Msg::HintStaleButton),
        },
    };
    e.finish(state)
}

/// One input as a part of the conversation receives it: parsed, cleaned.
enum Turn {
    /// A known command (a coordinator's only from a coordinator).
    Command(Command),
    /// Typed text, without invisible controls.
    Text(String),
    /// A button, its data parsed (still to be checked against the state and the store).
    Button(Callback),
}

/// The four parts of the conversation. Each input goes to exactly one: text to the part whose
/// state the user is in, a command or a button to the part it belongs to. The matches below
/// have no catch-all arm, so a new state, command or callback must be given to a part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Part {
    /// Registering, `/mine`, withdrawing, `/forget`, and the general commands.
    Registration,
    /// Events: the list, cards, sign-up, creating and editing, feedback.
    Events,
    /// Demand, lists, export, QR codes, launching, and the parents' answers to invitations.
    Launch,
    /// Messages to many.
    Broadcast,
    /// Facilitators: inviting, removing, joining, their lists and `/support`.
    Facilitators,
    /// Families without Telegram: `/add`, and answering for a family added by hand.
    Add,
}

impl Part {
    /// The part that owns a state (and so the text typed in it).
    fn of_state(state: &State) -> Part {
        match state {
            State::Idle
            | State::Registering(_)
            | State::ConfirmingForget
            | State::ConfirmingDrop { .. }
            | State::JoiningFamily(_) => Part::Registration,
            State::CreatingEvent(_)
            | State::EditingEvent { .. }
            | State::MovingMeetings { .. }
            | State::FeedbackComment { .. } => Part::Events,
            State::Launching(_) => Part::Launch,
            State::Broadcasting { .. } => Part::Broadcast,
            State::InvitingFacilitator { .. }
            | State::JoiningAsFacilitator { .. }
            | State::Supporting { .. }
            | State::Writing { .. } => Part::Facilitators,
            State::Adding(_) => Part::Add,
        }
    }

    /// The part a command belongs to.
    fn of_command(c: Command) -> Part {
        match c {
            Command::Lang
            | Command::Cancel
            | Command::Mine
            | Command::Forget
            | Command::Privacy
            | Command::MyData
            | Command::Help => Part::Registration,
            Command::Events
            | Command::NewEvent
            | Command::Feedback
            | Command::Report
            | Command::Attendance => Part::Events,
            Command::Demand | Command::Export | Command::Launch | Command::Qr => Part::Launch,
            Command::Broadcast => Part::Broadcast,
            Command::Facilitators | Command::Group | Command::Support | Command::Write => {
                Part::Facilitators
            }
            Command::Add => Part::Add,
        }
    }

    /// The part a button pressed in a state goes to: Back and "keep as it is" to the part whose
    /// questions are being asked (every part's questions offer them), any other to its own.
    fn of_button(cb: &Callback, state: &State) -> Part {
        // While a family is being added, the registration's words (a group, an area, an age, a
        // time) answer its questions.
        if matches!(state, State::Adding(_)) && add::answers_adding(cb) {
            return Part::Add;
        }
        match cb {
            Callback::Back | Callback::GoOn => Part::of_state(state),
            _ => Part::of_callback(cb),
        }
    }

    /// The part a button belongs to.
    fn of_callback(cb: &Callback) -> Part {
        match cb {
            Callback::Group(_)
            | Callback::Age(_)
            | Callback::MoreChildren
            | Callback::ChildrenDone
            | Callback::Area(_)
            | Callback::GroupLang(_)
            | Callback::Time(_)
            | Callback::TimesDone
            | Callback::Consent(_)
            | Callback::Share(_)
            | Callback::NoNote
            | Callback::Confirm
            | Callback::Change
            | Callback::ChangeField(_)
            | Callback::BackToSummary
            | Callback::Back
            | Callback::GoOn
            | Callback::DropYes
            | Callback::SwitchGroup(..)
            | Callback::Cancel
            | Callback::UiLang(_)
            | Callback::Edit(_)
            | Callback::Withdraw(_)
            | Callback::WithdrawYes(_)
            | Callback::Keep
            | Callback::ForgetYes
            | Callback::Resume(_)
            | Callback::StillInterested(_)
            | Callback::FamilyShare(_)
            | Callback::FamilyRevoke(_)
            | Callback::FamilyUnlink(_)
            | Callback::FamilyLeave(_)
            | Callback::FamilyNote(_) => Part::Registration,
            Callback::Event(..)
            | Callback::Manage(..)
            | Callback::EditField(..)
            | Callback::DraftGroup(_)
            | Callback::DraftNoLimit
            | Callback::DraftSkip
            | Callback::DraftTranslate(_)
            | Callback::DraftCreate
            | Callback::FeedbackAnswer(..)
            | Callback::FeedbackSkip(_)
            | Callback::Attendance(_)
            | Callback::Attend(..)
            | Callback::Report(_) => Part::Events,
            Callback::PoolList(_)
            | Callback::PoolLaunch(_)
            | Callback::LaunchConfirm
            | Callback::SeriesChange
            | Callback::SeriesOk
            | Callback::SeriesEvery(_)
            | Callback::Qr(_)
            | Callback::ExportLaunch(_)
            | Callback::Invite(..) => Part::Launch,
            Callback::BroadcastWaiting(_)
            | Callback::BroadcastLaunch(..)
            | Callback::BroadcastSend => Part::Broadcast,
            Callback::Fac(_) => Part::Facilitators,
            Callback::ForFamily(..)
            | Callback::AddNew
            | Callback::AddEdit(..)
            | Callback::AddGrown(..)
            | Callback::AddHow(_)
            | Callback::AddWhen(_)
            | Callback::AddSave => Part::Add,
        }
    }

    /// Runs the part's step function.
    fn step(self, e: &mut Engine<'_>, state: State, turn: Turn) -> State {
        match self {
            Part::Registration => registration::step(e, state, turn),
            Part::Events => events::step(e, state, turn),
            Part::Launch => launch::step(e, state, turn),
            Part::Broadcast => broadcast::step(e, state, turn),
            Part::Facilitators => facilitators::step(e, state, turn),
            Part::Add => add::step(e, state, turn),
        }
    }
}
