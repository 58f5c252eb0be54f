//! The conversation engine: one pure function, [`step`], from (state, input) to (state, replies,
//! effects). It knows groups, questions, eligibility and demand; it knows nothing of Telegram,
//! sled or the clock — the adapters parse input, pass `now` and a read-only view of the store,
//! commit the effects and render the replies.

mod coordinator;
pub mod events;
mod input;
mod mydata;
pub mod notify;
mod registration;

/// Callback data and replies are the engine's words, defined apart so that the renderers need
/// not import the engine; re-exported here under their old paths.
pub use crate::{callback, reply};
pub use callback::{Callback, Field};
pub use input::{Command, Input};
pub use reply::{Arg, Attachment, Button, ChartPanel, Label, Line, Reply};

use crate::config::Config;
use crate::domain::launch::LaunchRequest;
use crate::domain::{
    AreaId, Audience, Demand, Event, Feedback, GroupId, Lang, Launch, Pool, Registration, Source,
    TimeId, UserId,
};
use chrono::{DateTime, Utc};
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
    },
    /// After a rating: an optional comment may follow.
    FeedbackComment {
        /// The event.
        event: u64,
    },
}

/// A launch being prepared by a coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LaunchDraft {
    /// Which group, area and language.
    pub pool: Pool,
    /// The first meeting, once given.
    pub start: Option<DateTime<Utc>>,
    /// When the first meeting ends, once given (asked after the start).
    #[serde(default)]
    pub end: Option<DateTime<Utc>>,
    /// The place, once given.
    pub place: Option<String>,
}

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
    /// Children's ages given so far.
    pub children: Vec<u8>,
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
    /// The user is still interested: their paused registration for a group waits again.
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
    /// A rating of an event, 1 to 5.
    Feedback {
        /// The event.
        event: u64,
        /// 1 to 5.
        rating: u8,
    },
    /// The optional comment after a rating.
    FeedbackComment {
        /// The event.
        event: u64,
        /// The comment.
        text: String,
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
    /// (Coordinator) log an access to personal data (a list viewed or exported, a broadcast) in
    /// the access log, durably with the step.
    Audit(crate::domain::audit::Access),
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
    registration::Engine::new(ctx).step(state, input)
}
