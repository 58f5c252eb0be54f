//! Events in the conversation: the list and a single event with sign-up, waiting list and a
//! calendar file for parents; creating, editing, cancelling and feedback reports for
//! coordinators; and the parents' feedback answers. It owns the states
//! [`State::CreatingEvent`], [`State::EditingEvent`] and [`State::FeedbackComment`].

use super::engine::{line, Engine};
use super::launch::{group_lang_msg, lang_in_msg, who};
use super::reply::{button, num, text, text_button, Arg, Attachment, Button, Label, Line, Reply};
use super::{Callback, Command, Effect, State, Turn};
use crate::domain::event::{self, Access, Asker, Audience, Event, EventText, Rsvp, Visibility};
use crate::domain::remit::Scope;
use crate::domain::when::{format_when, parse_when, TZ};
use crate::domain::{deep_link, GroupId, Lang, Rules, StartPayload, UserId};
use crate::msg::Msg;
use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub use crate::callback::{EventAction, EventField, ManageAction};

/// How many of the people coming a card names one by one (the rest are counted), so that a
/// card stays well inside one Telegram message.
const MAX_COMING_LISTED: usize = 30;

/// What `/events` may estimate for one message before it sends one message per event instead:
/// Telegram's 4,096 characters, less the list's title line.
const ONE_MESSAGE_BUDGET: usize = 4096 - 60;

/// Telegram takes at most 100 buttons under one message.
const MAX_BUTTONS: usize = 100;

/// Characters of an event card besides its title, place and description, at most: the time
/// and its end, the seats (or the person's place in the waiting list), the line breaks.
const CARD_LINES: usize = 150;

/// What the card adds for the event's coordinator, at most: the counts and the link, and
/// each person listed as coming.
const ORGANISER_LINES: usize = 220;

/// The sign-up consent notice, shown once under a list, at most (in any language).
const CONSENT_NOTICE: usize = 320;
const PER_PERSON_LISTED: usize = 60;

/// Longest title, place and description a coordinator may type.
const MAX_TITLE: usize = 120;
const MAX_PLACE: usize = 200;
const MAX_DESCRIPTION: usize = 1000;

/// The question an event being created is at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DraftStep {
    /// The title.
    Title,
    /// Which group it belongs to, if any.
    Group,
    /// The start.
    Start,
    /// The end.
    End,
    /// The place.
    Place,
    /// Seats.
    Capacity,
    /// A short description.
    Description,
    /// The summary with create / translate / cancel.
    Summary,
    /// A title in another language.
    TranslateTitle(Lang),
    /// A description in another language.
    TranslateDescription(Lang),
}

/// An event being created by a coordinator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EventDraft {
    /// The current question.
    pub step: DraftStep,
    /// The language the coordinator writes in.
    pub base: Lang,
    /// Titles per language.
    pub title: BTreeMap<Lang, String>,
    /// Descriptions per language.
    pub description: BTreeMap<Lang, String>,
    /// The group, once asked (`Some(None)`: no group).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "double_option"
    )]
    pub group: Option<Option<GroupId>>,
    /// The start.
    pub start: Option<DateTime<Utc>>,
    /// The end.
    pub end: Option<DateTime<Utc>>,
    /// The place.
    pub place: Option<String>,
    /// Seats, once asked (`Some(None)`: no limit).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "double_option"
    )]
    pub capacity: Option<Option<u32>>,
}

/// An answer that may be "none" kept apart from no answer yet: not asked is left out,
/// `Some(None)` is written as `null` (plain serde reads `null` back as not asked).
mod double_option {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[allow(clippy::ref_option)]
    pub fn serialize<T: Serialize, S: Serializer>(
        v: &Option<Option<T>>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(inner) => inner.serialize(s),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, T: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Option<T>>, D::Error> {
        Option::<T>::deserialize(d).map(Some)
    }
}

/// The question before one of an event draft's (`None` for the first).
fn previous_step(step: DraftStep) -> Option<DraftStep> {
    match step {
        DraftStep::Title => None,
        DraftStep::Group => Some(DraftStep::Title),
        DraftStep::Start => Some(DraftStep::Group),
        DraftStep::End => Some(DraftStep::Start),
        DraftStep::Place => Some(DraftStep::End),
        DraftStep::Capacity => Some(DraftStep::Place),
        DraftStep::Description => Some(DraftStep::Capacity),
        DraftStep::Summary => Some(DraftStep::Description),
        DraftStep::TranslateTitle(_) => Some(DraftStep::Summary),
        DraftStep::TranslateDescription(l) => Some(DraftStep::TranslateTitle(l)),
    }
}

/// The question after one of an event draft's whose answer was kept.
fn next_step(step: DraftStep, d: &EventDraft) -> DraftStep {
    match step {
        DraftStep::Title => DraftStep::Group,
        DraftStep::Group => DraftStep::Start,
        DraftStep::Start => DraftStep::End,
        DraftStep::End => DraftStep::Place,
        DraftStep::Place => DraftStep::Capacity,
        DraftStep::Capacity => DraftStep::Description,
        DraftStep::TranslateTitle(l) if !d.description.is_empty() => {
            DraftStep::TranslateDescription(l)
        }
        DraftStep::Description
        | DraftStep::Summary
        | DraftStep::TranslateTitle(_)
        | DraftStep::TranslateDescription(_) => DraftStep::Summary,
    }
}

/// Reads a time of day (`19`, `19.30`, `19:30`, `klo 19`, `kl. 19.30`), for an event's end.
fn parse_time_of_day(t: &str) -> Option<NaiveTime> {
    let t = t.trim().to_lowercase();
    let t = ["klo", "kl.", "kl", "at"]
        .iter()
        .find_map(|p| t.strip_prefix(p))
        .unwrap_or(&t)
        .trim();
    let (h, m) = match t.split_once(['.', ':']) {
        Some((h, m)) => (h, m),
        None => (t, "0"),
    };
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) {
        return None;
    }
    NaiveTime::from_hms_opt(h.parse().ok()?, m.parse().ok()?, 0)
}

/// An end time typed as a time of day (on the start's date) or as a full date and time.
fn parse_end(t: &str, start: DateTime<Utc>, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let end = match parse_time_of_day(t) {
        Some(time) => {
            let day = start.with_timezone(&TZ).date_naive();
            TZ.from_local_datetime(&day.and_time(time))
                .earliest()?
                .with_timezone(&Utc)
        }
        None => parse_when(t, now).ok()?,
    };
    (end > start).then_some(end)
}

/// The longest meeting a length or end time may make.
const MAX_MEETING_HOURS: i64 = 12;

/// A length typed as minutes or hours: `90 min`, `90min`, `1,5 h`, `2 h`, `2 tuntia`, `2 tim`,
/// `2 hours`.
fn parse_length(t: &str) -> Option<chrono::Duration> {
    let t = t.trim().to_lowercase().replace(',', ".");
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(t.len());
    let (n, unit) = t.split_at(split);
    let n: f64 = n.parse().ok().filter(|n: &f64| n.is_finite() && *n > 0.0)?;
    let minutes = match unit.trim() {
        "min" | "mins" | "minutes" | "minuutti" | "minuuttia" | "minuter" | "minut" | "m" => n,
        "h" | "t" | "tunti" | "tuntia" | "tim" | "timme" | "timmar" | "hour" | "hours" => n * 60.0,
        _ => return None,
    };
    // Whole minutes, at most the longest meeting: the cast cannot overflow.
    let minutes = minutes.round();
    (minutes >= 1.0 && minutes <= (MAX_MEETING_HOURS * 60) as f64)
        .then(|| chrono::Duration::minutes(minutes as i64))
}

/// A meeting's end typed as a time of day (on the start's day), a full date and time, or a
/// length; `None` unless it is after the start and at most [`MAX_MEETING_HOURS`] later.
pub(super) fn parse_end_or_length(
    t: &str,
    start: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let end = match parse_length(t) {
        Some(length) => start + length,
        None => parse_end(t, start, now)?,
    };
    (end > start && end - start <= chrono::Duration::hours(MAX_MEETING_HOURS)).then_some(end)
}

pub(super) fn short(t: &str, max: usize) -> Option<String> {
    let t = t.trim();
    (!t.is_empty() && t.chars().count() <= max).then(|| t.to_owned())
}

/// An event's link (`?start=event-…`).
pub(super) fn link(e: &mut Engine<'_>, id: &str) -> State {
    e.event_link(id)
}

/// `/feedback [event]`: a coordinator's feedback reports; to anyone else an unknown command.
pub(super) fn feedback_for(e: &mut Engine<'_>, state: State, id: Option<u64>) -> State {
    if e.is_coordinator() {
        e.feedback_menu(id);
        state
    } else {
        e.hint(state, Msg::HintUnknownCommand)
    }
}

/// A command, text or button of the events part.
pub(super) fn step(e: &mut Engine<'_>, state: State, turn: Turn) -> State {
    match turn {
        Turn::Command(Command::Events) => {
            e.events_list();
            e.reprompt_registering(state)
        }
        Turn::Command(Command::NewEvent) => e.new_event(),
        Turn::Command(Command::Feedback) => {
            e.feedback_menu(None);
            state
        }
        Turn::Command(Command::Report) => e.report_command(state, None),
        Turn::Command(Command::Attendance) if e.is_coordinator() || e.is_facilitator() => {
            e.attendance_menu();
            state
        }
        Turn::Command(_) => e.hint(state, Msg::HintUnknownCommand),
        Turn::Text(t) => match state {
            State::FeedbackComment { event } => e.feedback_comment(event, &t),
            // A new time: whoever may move the meeting (`Engine::moves`, asked again there).
            State::MovingMeetings { event } => e.moving_text(event, &t),
            State::EditingEvent { event, field } if field.is_time() => {
                e.edit_text(event, field, Some(&t))
            }
            _ if !e.is_coordinator() => e.not_a_coordinator(),
            State::CreatingEvent(d) => e.draft_text(d, &t),
            State::EditingEvent { event, field } => e.edit_text(event, field, Some(&t)),
            other => e.hint(other, Msg::HintUseButtons),
        },
        Turn::Button(cb) => e.events_button(state, cb),
    }
}

impl Engine<'_> {
    /// A button of the events part.
    fn events_button(&mut self, state: State, cb: Callback) -> State {
        match cb {
            Callback::Event(id, action) => self.event_action(state, id, action),
            Callback::Manage(
                id,
                action @ (ManageAction::MoveRest
                | ManageAction::CancelRest
                | ManageAction::CancelRestYes),
            ) => self.series_manage(state, id, action),
            Callback::Manage(id, action) => self.manage(state, id, action),
            cb @ (Callback::Attendance(_) | Callback::Attend(..)) => {
                self.attendance_button(state, cb)
            }
            Callback::EditField(id, field) => self.edit_field(state, id, field),
            Callback::DraftNoLimit => match state {
                State::EditingEvent {
                    event,
                    field: EventField::Capacity,
                } => self.edit_text(event, EventField::Capacity, None),
                State::CreatingEvent(d) => self.draft_button(d, Callback::DraftNoLimit),
                other => self.hint(other, Msg::HintStaleButton),
            },
            cb @ (Callback::DraftGroup(_)
            | Callback::Back
            | Callback::GoOn
            | Callback::DraftSkip
            | Callback::DraftTranslate(_)
            | Callback::DraftCreate) => match state {
                State::CreatingEvent(d) if self.is_coordinator() => self.draft_button(d, cb),
                other => self.hint(other, Msg::HintStaleButton),
            },
            Callback::FeedbackAnswer(id, q, o) => self.feedback_answer(state, id, q, o),
            Callback::FeedbackSkip(id) => self.feedback_skip(state, id),
            Callback::Report(pick) => self.report_button(state, pick),
            _ => self.hint(state, Msg::HintStaleButton),
        }
    }

    /// Whether the person may edit, cancel, message and see feedback of an event: its
    /// organiser, and the coordinators who see its people ([`Self::event_coordinators`]).
    pub(super) fn manages(&self, e: &Event) -> bool {
        let user = self.ctx.person.user;
        self.is_coordinator() && (e.organiser == user || self.event_coordinators(e).contains(&user))
    }

    /// The coordinators who see an event's people: a launch's meeting is of its pool's area;
    /// an event of a group belongs to all its areas; an event of no group to nobody but its
    /// organiser ([`crate::domain::remit::sees`]).
    fn event_coordinators(&self, e: &Event) -> Vec<UserId> {
        let launch = match e.visibility {
            Visibility::Launch { launch } => self.ctx.view.launch(launch),
            Visibility::Public => None,
        };
        match (&launch, &e.group) {
            (Some(l), _) => self
                .ctx
                .config
                .coordinator_ids(Scope::Area(&l.pool.group, &l.pool.area)),
            (None, Some(g)) => self.ctx.config.coordinator_ids(Scope::AllAreas(g)),
            (None, None) => Vec::new(),
        }
    }

    /// What `user` may do with an event: [`event::access`], with the launch and coordinators
    /// looked up. Every path asks this (the list, a link, a button, a message sent later).
    pub(crate) fn access_of(&self, e: &Event, user: UserId) -> Access {
        let launch = match e.visibility {
            Visibility::Launch { launch } => self.ctx.view.launch(launch),
            Visibility::Public => None,
        };
        let coordinators = self.event_coordinators(e);
        let mut asker = Asker {
            user,
            coordinators: &coordinators,
            launch: launch.as_ref(),
            invite_timeout: chrono::Duration::hours(i64::from(self.ctx.config.invite_hours)),
            facilitator: false,
        };
        match event::access(e, &asker, self.ctx.now) {
            // Whether they facilitate the launch is looked up only when it matters.
            Access::None if launch.is_some() => {
                asker.facilitator = launch
                    .as_ref()
                    .is_some_and(|l| self.is_launch_facilitator(user, l));
                event::access(e, &asker, self.ctx.now)
            }
            a => a,
        }
    }

    /// An event the person talking may see; `None` (as for an unknown id) otherwise.
    pub(crate) fn visible_event(&self, id: u64) -> Option<Event> {
        self.ctx
            .view
            .event(id)
            .filter(|e| self.access_of(e, self.ctx.person.user) != Access::None)
    }

    pub(super) fn upcoming(&self) -> Vec<Event> {
        let now = self.ctx.now;
        let user = self.ctx.person.user;
        let mut v: Vec<Event> = self
            .ctx
            .view
            .events()
            .into_iter()
            .filter(|e| !e.cancelled && e.start > now)
            .filter(|e| self.access_of(e, user) != Access::None)
            .collect();
        v.sort_by_key(|e| e.start);
        v
    }

    /// `/events`: every upcoming event the person may see, in one message with every event's
    /// buttons (numbered when there are several), or one message per event when one message
    /// could pass Telegram's 4,096 characters or 100 buttons.
    fn events_list(&mut self) {
        let events = self.upcoming();
        if events.is_empty() {
            self.say(Reply::msg(Msg::EventsNone));
            return;
        }
        let title = Reply::default().line(Msg::EventsTitle, vec![("count", num(events.len()))]);
        let numbered = events.len() > 1;
        let mut r = title.clone();
        let mut offers_sign_up = false;
        for (i, e) in events.iter().enumerate() {
            // The consent notice goes once under the list, not under every card.
            let card = self.numbered_card(e, numbered.then_some(i + 1), false);
            offers_sign_up |= self.offers_sign_up(e);
            r.lines.extend(card.lines);
            r.buttons.extend(card.buttons);
        }
        if offers_sign_up {
            r = r.line(
                Msg::EventConsentNotice,
                vec![("months", num(self.ctx.config.retention_months))],
            );
        }
        let buttons = r.buttons.iter().map(Vec::len).sum::<usize>();
        if self.list_length(&events) <= ONE_MESSAGE_BUDGET && buttons <= MAX_BUTTONS {
            self.say(r);
            return;
        }
        // Too long for one message: each event its own card, its buttons under it.
        self.say(title);
        for e in events {
            let r = self.event_card(&e);
            self.say(r);
        }
    }

    /// An estimate of the characters `/events` shows for these events, at least what it shows:
    /// their texts as this person sees them, plus room for each card's other lines.
    fn list_length(&self, events: &[Event]) -> usize {
        let lang = self.lang;
        CONSENT_NOTICE
            + events
                .iter()
                .map(|e| {
                    let place = self.ctx.config.place_in(e.key.as_deref(), &e.place, lang);
                    let organiser = if self.manages(e) {
                        ORGANISER_LINES
                            + PER_PERSON_LISTED * e.attendees.len().min(MAX_COMING_LISTED)
                    } else {
                        0
                    };
                    e.title.get(lang).chars().count()
                        + place.chars().count()
                        + e.description
                            .as_ref()
                            .map_or(0, |d| d.get(lang).chars().count())
                        + CARD_LINES
                        + organiser
                })
                .sum::<usize>()
    }

    /// One event as a parent (and, for its coordinator, with management buttons) sees it.
    pub(crate) fn event_card(&self, e: &Event) -> Reply {
        self.numbered_card(e, None, true)
    }

    /// Whether the person may sign up (or queue) for `e` from its card now.
    fn offers_sign_up(&self, e: &Event) -> bool {
        let user = self.ctx.person.user;
        !e.attending(user) && !e.queued(user) && self.access_of(e, user) == Access::Join
    }

    /// [`Self::event_card`], as item `n` of a list: its title and its buttons carry the number.
    /// `notice`: whether a card with sign-up buttons carries the consent notice itself (a list
    /// shows it once under all its cards).
    fn numbered_card(&self, e: &Event, n: Option<usize>, notice: bool) -> Reply {
        let lang = self.lang;
        let user = self.ctx.person.user;
        let title = match n {
            Some(n) => format!("{n}. {}", e.title.get(lang)),
            None => e.title.get(lang).to_owned(),
        };
        let mut r = Reply::default().line(
            Msg::EventCard,
            vec![
                ("title", text(title)),
                ("when", text(format_when(e.start, lang, self.ctx.now))),
                ("until", text(end_text(e, lang))),
                (
                    "place",
                    text(self.ctx.config.place_in(e.key.as_deref(), &e.place, lang)),
                ),
            ],
        );
        if let Some(d) = &e.description {
            r.lines
                .push(Line::new(Msg::Plain, vec![("text", text(d.get(lang)))]));
        }
        let seats = match e.seats_left() {
            None => Line::new(Msg::EventNoLimit, vec![]),
            Some(0) => Line::new(Msg::EventFull, vec![("waiting", num(e.waiting.len()))]),
            Some(n) => Line::new(Msg::EventSeats, vec![("count", num(n))]),
        };
        r.lines.push(seats);
        let id = e.id;
        if e.attending(user) {
            r = r.line(Msg::EventYouAttend, vec![]).row(vec![
                button(Msg::BtnEventLeave, Callback::Event(id, EventAction::Leave)),
                button(
                    Msg::BtnEventCalendar,
                    Callback::Event(id, EventAction::Calendar),
                ),
            ]);
        } else if e.queued(user) {
            let pos = e
                .waiting
                .iter()
                .position(|u| *u == user)
                .map_or(0, |p| p + 1);
            r = r
                .line(Msg::EventYouWait, vec![("position", num(pos))])
                .row(vec![button(
                    Msg::BtnEventLeaveQueue,
                    Callback::Event(id, EventAction::Leave),
                )]);
        } else if self.access_of(e, user) != Access::Join {
            r = r.row(vec![button(
                Msg::BtnEventCalendar,
                Callback::Event(id, EventAction::Calendar),
            )]);
        } else if e.is_full() {
            // The consent step: the notice, and the button that gives it.
            if notice {
                r = r.line(
                    Msg::EventConsentNotice,
                    vec![("months", num(self.ctx.config.retention_months))],
                );
            }
            r = r
                .row(vec![button(
                    Msg::BtnEventQueue,
                    Callback::Event(id, EventAction::Join),
                )])
                .row(vec![button(
                    Msg::BtnEventJoinShare,
                    Callback::Event(id, EventAction::JoinShare),
                )]);
        } else {
            if notice {
                r = r.line(
                    Msg::EventConsentNotice,
                    vec![("months", num(self.ctx.config.retention_months))],
                );
            }
            r = r
                .row(vec![
                    button(Msg::BtnEventJoin, Callback::Event(id, EventAction::Join)),
                    button(
                        Msg::BtnEventCalendar,
                        Callback::Event(id, EventAction::Calendar),
                    ),
                ])
                .row(vec![button(
                    Msg::BtnEventJoinShare,
                    Callback::Event(id, EventAction::JoinShare),
                )]);
        }
        let on_it = e.attending(user) || e.queued(user);
        if on_it
            && self
                .ctx
                .view
                .signup_of(id, user)
                .is_some_and(|s| s.contact.is_some())
        {
            r = r.row(vec![button(
                Msg::BtnEventHideName,
                Callback::Event(id, EventAction::HideName),
            )]);
        }
        if self.manages(e) {
            r = r.line(
                Msg::EventOrganiserInfo,
                vec![
                    ("attending", num(e.attendees.len())),
                    ("waiting", num(e.waiting.len())),
                ],
            );
            r.lines.extend(self.coming(e));
            let payload = StartPayload::Event(e.token.clone().unwrap_or_else(|| e.id.to_string()));
            r = r.line(
                Msg::EventLink,
                vec![
                    (
                        "link",
                        text(deep_link(&self.ctx.config.bot_username, &payload)),
                    ),
                    (
                        "kind",
                        text(if e.is_public() { "public" } else { "launch" }),
                    ),
                ],
            );
            r = r
                .row(vec![
                    button(Msg::BtnEventEdit, Callback::Manage(id, ManageAction::Edit)),
                    button(
                        Msg::BtnEventCancel,
                        Callback::Manage(id, ManageAction::Cancel),
                    ),
                ])
                .row(vec![
                    button(
                        Msg::BtnEventMessage,
                        Callback::Manage(id, ManageAction::Message),
                    ),
                    button(
                        Msg::BtnEventFeedback,
                        Callback::Manage(id, ManageAction::Feedback),
                    ),
                ]);
            for row in self.series_buttons(e) {
                r = r.row(row);
            }
        } else {
            // A launch's facilitator: its meetings' own buttons.
            for row in self.series_buttons(e) {
                r = r.row(row);
            }
        }
        if let Some(n) = n {
            for b in r.buttons.iter_mut().flatten() {
                if let Label::Msg(m) = b.label {
                    b.label = Label::MsgArgs(
                        Msg::BtnNumbered,
                        vec![("n", num(n)), ("label", Arg::Msg(m))],
                    );
                }
            }
        }
        r
    }

    /// For the coordinator: who is coming and with how many children (childcare is promised
    /// at these evenings). A name only with the parent's consent to share it, else "a family".
    fn coming(&self, e: &Event) -> Vec<Line> {
        if e.attendees.is_empty() {
            return Vec::new();
        }
        let groups: Vec<&GroupId> = e
            .group
            .iter()
            .chain(self.ctx.config.groups.iter().map(|g| &g.id))
            .collect();
        let mut children = 0;
        let mut items = Vec::new();
        for (i, user) in e.attendees.iter().enumerate() {
            let r = groups
                .iter()
                .find_map(|g| self.ctx.view.registration(*user, g));
            // The name given with this sign-up's consent, else the registration's.
            let who = match self.ctx.view.signup_of(e.id, *user).and_then(|s| s.contact) {
                Some(c) => text(super::launch::who_text(&c)),
                None => r.as_ref().map_or(Arg::Msg(Msg::AFamily), who),
            };
            let kids = r.as_ref().map_or(0, |r| r.children.len());
            children += kids;
            if i >= MAX_COMING_LISTED {
                continue;
            }
            let (msg, args) = if kids > 0 {
                (
                    Msg::EventComingFamily,
                    vec![("who", who), ("children", num(kids))],
                )
            } else {
                (Msg::EventComingAdult, vec![("who", who)])
            };
            items.push(Line {
                msg,
                args,
                tight: true,
            });
        }
        let mut lines = vec![Line::new(
            Msg::EventComing,
            vec![
                ("families", num(e.attendees.len())),
                ("children", num(children)),
            ],
        )];
        lines.extend(items);
        if let Some(more) = e.attendees.len().checked_sub(MAX_COMING_LISTED) {
            if more > 0 {
                lines.push(Line {
                    msg: Msg::EventComingMore,
                    args: vec![("count", num(more))],
                    tight: true,
                });
            }
        }
        lines
    }

    /// `start=event-<id>` (a public event) or `start=event-<token>` (a launch's meeting): that
    /// event, or the list when it is unknown, past, or not for this person.
    fn event_link(&mut self, id: &str) -> State {
        let found = match id.parse::<u64>() {
            Ok(id) => self.ctx.view.event(id),
            Err(_) => self
                .ctx
                .view
                .events()
                .into_iter()
                .find(|e| e.token.as_deref() == Some(id)),
        };
        let user = self.ctx.person.user;
        match found.filter(|e| self.access_of(e, user) != Access::None) {
            Some(e) if !e.cancelled && e.start > self.ctx.now => {
                let r = self.event_card(&e).after(vec![line(Msg::WelcomeShort)]);
                self.say(r);
            }
            _ => self.events_list(),
        }
        State::Idle
    }

    /// A parent's button on an event card.
    fn event_action(&mut self, state: State, id: u64, action: EventAction) -> State {
        let Some(e) = self.visible_event(id) else {
            return self.hint(state, Msg::HintStaleButton);
        };
        if e.cancelled || e.start <= self.ctx.now {
            self.say(Reply::msg(Msg::EventOver));
            return state;
        }
        let user = self.ctx.person.user;
        match action {
            EventAction::Join => return self.sign_up(state, &e, false),
            EventAction::JoinShare => return self.sign_up(state, &e, true),
            EventAction::HideName => {
                let shared = self
                    .ctx
                    .view
                    .signup_of(id, user)
                    .is_some_and(|s| s.contact.is_some());
                if !shared {
                    return self.hint(state, Msg::HintStaleButton);
                }
                self.effects.push(Effect::HideName { event: id });
                let mut card = self.event_card(&e);
                card.buttons.retain(|row| {
                    !row.iter()
                        .any(|b| b.callback == Callback::Event(id, EventAction::HideName))
                });
                self.say(card.after(vec![line(Msg::EventNameHidden)]));
            }
            EventAction::Leave => {
                let (_, outcome) = event::rsvp(&e, user, false, self.ctx.now, self.ctx.config);
                if outcome != Rsvp::Left {
                    return self.hint(state, Msg::HintStaleButton);
                }
                self.effects.push(Effect::Rsvp {
                    event: id,
                    join: false,
                    seen: e.revision,
                });
                self.say(Reply::default().line(
                    Msg::EventLeft,
                    vec![("title", text(e.title.get(self.lang)))],
                ));
            }
            EventAction::Calendar => {
                let lang = self.lang;
                self.say(Reply {
                    lines: vec![Line::new(
                        Msg::EventCalendarCaption,
                        vec![("title", text(e.title.get(lang)))],
                    )],
                    attachment: Some(Attachment::Ics {
                        file_name: format!("kokoon-event-{id}.ics"),
                        uid: format!("event-{id}"),
                        title: e.title.get(lang).to_owned(),
                        description: e.description.as_ref().map(|d| d.get(lang).to_owned()),
                        place: self
                            .ctx
                            .config
                            .place_in(e.key.as_deref(), &e.place, lang)
                            .to_owned(),
                        start: e.start,
                        end: e.end,
                        sequence: e.version,
                        cancelled: e.cancelled,
                        stamp: self.ctx.now,
                    }),
                    ..Reply::default()
                });
            }
        }
        state
    }

    /// The one place a sign-up is confirmed: the rule ([`event::rsvp`]) decides on the event
    /// as stored, the store applies the same decision only while the event is unchanged
    /// (`seen`), and the answer is rendered from that decision.
    ///
    /// The button pressed is the consent (the card shows the notice above it), recorded with
    /// the sign-up: when, which notice version, and with `share` the name-sharing consent.
    fn sign_up(&mut self, state: State, e: &Event, share: bool) -> State {
        let user = self.ctx.person.user;
        if self.access_of(e, user) != Access::Join {
            self.say(self.event_card(e));
            return state;
        }
        let (change, outcome) = event::rsvp(e, user, true, self.ctx.now, self.ctx.config);
        let msg = match (outcome, change) {
            (Rsvp::Joined, Some(c)) => (Msg::EventJoined, c.event),
            (Rsvp::Queued, Some(c)) => (Msg::EventQueued, c.event),
            (Rsvp::Closed, _) => {
                self.say(Reply::msg(Msg::EventOver));
                return state;
            }
            _ => {
                self.say(self.event_card(e));
                return state;
            }
        };
        self.effects.push(Effect::Rsvp {
            event: e.id,
            join: true,
            seen: e.revision,
        });
        let person = self.ctx.person;
        let contact = share.then(|| crate::domain::Contact {
            name: person.name.clone(),
            username: person.username.clone(),
        });
        self.effects.push(Effect::SignUpConsent {
            event: e.id,
            record: crate::domain::privacy::SignUp::given(
                self.ctx.now,
                self.ctx.config.notice_version,
                contact,
            ),
        });
        let (msg, after) = msg;
        let mut r = self.event_card(&after).after(vec![Line::new(
            msg,
            vec![("title", text(e.title.get(self.lang)))],
        )]);
        if share {
            r = r.row(vec![button(
                Msg::BtnEventHideName,
                Callback::Event(e.id, EventAction::HideName),
            )]);
        }
        self.say(r);
        state
    }

    // ---- creating ----

    /// `/newevent`.
    fn new_event(&mut self) -> State {
        let d = EventDraft {
            step: DraftStep::Title,
            base: self.lang,
            title: BTreeMap::new(),
            description: BTreeMap::new(),
            group: None,
            start: None,
            end: None,
            place: None,
            capacity: None,
        };
        let q = self.draft_question(&d);
        self.say(q);
        State::CreatingEvent(d)
    }

    pub(super) fn draft_question(&self, d: &EventDraft) -> Reply {
        let cancel = button(Msg::BtnCancel, Callback::Cancel);
        // Every question after the first offers Back; Cancel is under all.
        let nav = if previous_step(d.step).is_some() {
            vec![button(Msg::BtnBack, Callback::Back), cancel]
        } else {
            vec![cancel]
        };
        let with_kept = |r: Reply| match self.kept_answer(d) {
            Some(answer) => r
                .line(Msg::KeptAnswer, vec![("answer", answer)])
                .row(vec![button(Msg::BtnKeepAnswer, Callback::GoOn)]),
            None => r,
        };
        let question = match d.step {
            DraftStep::Title => Reply::msg(Msg::NewEventTitle),
            DraftStep::Group => {
                let mut r = Reply::msg(Msg::NewEventGroup);
                let user = self.ctx.person.user;
                for g in &self.ctx.config.groups {
                    if self.ctx.config.sees(user, Scope::Group(&g.id)) {
                        r = r.row(vec![text_button(
                            g.name.get(self.lang),
                            Callback::DraftGroup(Some(g.id.clone())),
                        )]);
                    }
                }
                r.row(vec![button(Msg::BtnNoGroup, Callback::DraftGroup(None))])
            }
            DraftStep::Start => Reply::msg(Msg::NewEventStart),
            DraftStep::End => Reply::msg(Msg::NewEventEnd),
            DraftStep::Place => Reply::msg(Msg::NewEventPlace),
            DraftStep::Capacity => Reply::msg(Msg::NewEventCapacity)
                .row(vec![button(Msg::BtnNoLimit, Callback::DraftNoLimit)]),
            DraftStep::Description => Reply::msg(Msg::NewEventDescription)
                .row(vec![button(Msg::BtnSkip, Callback::DraftSkip)]),
            DraftStep::TranslateTitle(l) => Reply::default().line(
                Msg::NewEventTranslateTitle,
                vec![("language", Arg::Msg(lang_in_msg(l)))],
            ),
            DraftStep::TranslateDescription(l) => Reply::default()
                .line(
                    Msg::NewEventTranslateDescription,
                    vec![("language", Arg::Msg(lang_in_msg(l)))],
                )
                .row(vec![button(Msg::BtnSkip, Callback::DraftSkip)]),
            DraftStep::Summary => {
                let e = draft_event(d, self.ctx.person.user);
                let mut r = self.event_summary(&e);
                let langs: Vec<Lang> = Lang::ALL
                    .into_iter()
                    .filter(|l| !d.title.contains_key(l))
                    .collect();
                r = r.row(vec![button(Msg::BtnCreateEvent, Callback::DraftCreate)]);
                let translate: Vec<Button> = langs
                    .into_iter()
                    .map(|l| Button {
                        label: Label::MsgArgs(
                            Msg::BtnTranslate,
                            vec![("language", Arg::Msg(lang_in_msg(l)))],
                        ),
                        callback: Callback::DraftTranslate(l),
                    })
                    .collect();
                return r.row(translate).row(nav);
            }
        };
        with_kept(question).row(nav)
    }

    /// The answer already given to the question an event draft is at (after Back), shown
    /// with a button that keeps it.
    fn kept_answer(&self, d: &EventDraft) -> Option<Arg> {
        let lang = self.lang;
        match d.step {
            DraftStep::Title => d.title.get(&d.base).map(|t| text(t.clone())),
            DraftStep::TranslateTitle(l) => d.title.get(&l).map(|t| text(t.clone())),
            DraftStep::Group => d.group.as_ref().map(|g| {
                g.as_ref()
                    .and_then(|g| self.ctx.config.group(g))
                    .map_or(Arg::Msg(Msg::NoGroup), |g| text(g.name.get(lang)))
            }),
            DraftStep::Start => d.start.map(|s| text(format_when(s, lang, self.ctx.now))),
            DraftStep::End => d
                .start
                .zip(d.end)
                .map(|(s, e)| text(until_text(s, e, lang))),
            DraftStep::Place => d.place.as_ref().map(|p| text(p.clone())),
            DraftStep::Capacity => d
                .capacity
                .map(|c| c.map_or(Arg::Msg(Msg::NoLimit), |c| Arg::Text(c.to_string()))),
            DraftStep::Description => d.description.get(&d.base).map(|t| text(t.clone())),
            DraftStep::TranslateDescription(l) => d.description.get(&l).map(|t| text(t.clone())),
            DraftStep::Summary => None,
        }
    }

    fn event_summary(&self, e: &Event) -> Reply {
        let lang = self.lang;
        let group = e
            .group
            .as_ref()
            .and_then(|g| self.ctx.config.group(g))
            .map_or(Arg::Msg(Msg::NoGroup), |g| text(g.name.get(lang)));
        let capacity = e
            .capacity
            .map_or(Arg::Msg(Msg::NoLimit), |c| Arg::Text(c.to_string()));
        let translations: Vec<Arg> = e
            .title
            .texts
            .keys()
            .map(|l| Arg::Msg(group_lang_msg(*l)))
            .collect();
        let mut r = Reply::default().line(
            Msg::NewEventSummary,
            vec![
                ("title", text(e.title.get(lang))),
                ("group", group),
                ("when", text(format_when(e.start, lang, self.ctx.now))),
                ("until", text(end_text(e, lang))),
                ("place", text(e.place.clone())),
                ("capacity", capacity),
                ("languages", Arg::Join(translations, ", ")),
            ],
        );
        if let Some(desc) = &e.description {
            r.lines
                .push(Line::new(Msg::Plain, vec![("text", text(desc.get(lang)))]));
        }
        r
    }

    /// Text typed while creating an event.
    fn draft_text(&mut self, mut d: EventDraft, t: &str) -> State {
        let now = self.ctx.now;
        let problem = match d.step {
            DraftStep::Title | DraftStep::TranslateTitle(_) => match short(t, MAX_TITLE) {
                Some(s) => {
                    let l = if let DraftStep::TranslateTitle(l) = d.step {
                        l
                    } else {
                        d.base
                    };
                    d.title.insert(l, s);
                    d.step = match d.step {
                        DraftStep::TranslateTitle(l) if !d.description.is_empty() => {
                            DraftStep::TranslateDescription(l)
                        }
                        DraftStep::TranslateTitle(_) => DraftStep::Summary,
                        _ => DraftStep::Group,
                    };
                    None
                }
                None => Some(Msg::NewEventBadTitle),
            },
            DraftStep::Start => match parse_when(t, now) {
                Ok(s) => {
                    if d.start != Some(s) {
                        // A new start: the end (a time of that day or a length) is asked again.
                        d.end = None;
                    }
                    d.start = Some(s);
                    d.step = DraftStep::End;
                    None
                }
                Err(_) => Some(Msg::LaunchBadWhen),
            },
            DraftStep::End => match d.start.and_then(|s| parse_end(t, s, now)) {
                Some(e) => {
                    d.end = Some(e);
                    d.step = DraftStep::Place;
                    None
                }
                None => Some(Msg::NewEventBadEnd),
            },
            DraftStep::Place => match short(t, MAX_PLACE) {
                Some(p) => {
                    d.place = Some(p);
                    d.step = DraftStep::Capacity;
                    None
                }
                None => Some(Msg::LaunchBadPlace),
            },
            DraftStep::Capacity => match t.trim().parse::<u32>() {
                Ok(n) if (1..=10_000).contains(&n) => {
                    d.capacity = Some(Some(n));
                    d.step = DraftStep::Description;
                    None
                }
                _ => Some(Msg::NewEventBadCapacity),
            },
            DraftStep::Description | DraftStep::TranslateDescription(_) => {
                match short(t, MAX_DESCRIPTION) {
                    Some(s) => {
                        let l = if let DraftStep::TranslateDescription(l) = d.step {
                            l
                        } else {
                            d.base
                        };
                        d.description.insert(l, s);
                        d.step = DraftStep::Summary;
                        None
                    }
                    None => Some(Msg::NewEventBadDescription),
                }
            }
            DraftStep::Group | DraftStep::Summary => Some(Msg::HintUseButtons),
        };
        let mut q = self.draft_question(&d);
        if let Some(p) = problem {
            q = q.after(vec![line(p)]);
        }
        self.say(q);
        State::CreatingEvent(d)
    }

    /// A button while creating an event.
    fn draft_button(&mut self, mut d: EventDraft, cb: Callback) -> State {
        match (d.step, cb) {
            (DraftStep::Group, Callback::DraftGroup(g)) => {
                if let Some(g) = &g {
                    if !self.ctx.config.sees(self.ctx.person.user, Scope::Group(g)) {
                        return self.hint(State::CreatingEvent(d), Msg::HintStaleButton);
                    }
                }
                d.group = Some(g);
                d.step = DraftStep::Start;
            }
            (DraftStep::Capacity, Callback::DraftNoLimit) => {
                d.capacity = Some(None);
                d.step = DraftStep::Description;
            }
            (DraftStep::Description, Callback::DraftSkip) => d.step = DraftStep::Summary,
            (DraftStep::TranslateDescription(_), Callback::DraftSkip) => {
                d.step = DraftStep::Summary
            }
            (DraftStep::Summary, Callback::DraftTranslate(l)) => {
                d.step = DraftStep::TranslateTitle(l)
            }
            (step, Callback::Back) => match previous_step(step) {
                Some(p) => d.step = p,
                None => return self.hint(State::CreatingEvent(d), Msg::HintStaleButton),
            },
            (step, Callback::GoOn) if self.kept_answer(&d).is_some() => {
                d.step = next_step(step, &d);
            }
            (DraftStep::Summary, Callback::DraftCreate) => {
                let e = draft_event(&d, self.ctx.person.user);
                self.effects.push(Effect::CreateEvent(e));
                self.say(Reply::msg(Msg::NewEventCreated));
                return State::Idle;
            }
            _ => return self.hint(State::CreatingEvent(d), Msg::HintStaleButton),
        }
        let q = self.draft_question(&d);
        self.say(q);
        State::CreatingEvent(d)
    }

    // ---- managing ----

    /// A coordinator's button on an event card.
    fn manage(&mut self, state: State, id: u64, action: ManageAction) -> State {
        // Cancelling is moving's sibling ([`Engine::moves`]: a launch's facilitators too); the
        // rest is the event's managers'.
        let may = |e: &Event| match action {
            ManageAction::Cancel | ManageAction::CancelYes => self.moves(e),
            _ => self.manages(e),
        };
        let Some(e) = self.ctx.view.event(id).filter(may) else {
            return self.hint(state, Msg::HintStaleButton);
        };
        let title = text(e.title.get(self.lang));
        match action {
            ManageAction::Edit if !e.cancelled => {
                let mut r = Reply::default().line(Msg::EditEventWhich, vec![("title", title)]);
                let buttons: Vec<Button> = EventField::ALL
                    .into_iter()
                    .map(|f| button(f.label(), Callback::EditField(id, f)))
                    .collect();
                for chunk in buttons.chunks(2) {
                    r = r.row(chunk.to_vec());
                }
                self.say(r);
                state
            }
            ManageAction::Cancel if !e.cancelled => {
                self.say(
                    Reply::default()
                        .line(
                            Msg::CancelEventAsk,
                            vec![
                                ("title", title),
                                ("count", num(e.attendees.len() + e.waiting.len())),
                            ],
                        )
                        .row(vec![button(
                            Msg::BtnCancelEventYes,
                            Callback::Manage(id, ManageAction::CancelYes),
                        )])
                        .row(vec![button(Msg::BtnKeep, Callback::Keep)]),
                );
                state
            }
            ManageAction::CancelYes if !e.cancelled => {
                self.effects.push(Effect::CancelEvent(id));
                self.say(Reply::default().line(
                    Msg::EventCancelledDone,
                    vec![
                        ("title", title),
                        ("count", num(e.attendees.len() + e.waiting.len())),
                    ],
                ));
                State::Idle
            }
            ManageAction::Message => self.broadcast_to(state, Audience::Event { event: id }),
            ManageAction::Feedback => {
                self.report(&crate::domain::feedback::Scope::Event(e.id));
                state
            }
            _ => self.hint(state, Msg::HintStaleButton),
        }
    }

    /// Whether the person may change a field of an event: its time whoever may move it
    /// ([`Engine::moves`]), anything else its managers ([`Engine::manages`]).
    fn may_edit(&self, e: &Event, field: EventField) -> bool {
        if field.is_time() {
            self.moves(e)
        } else {
            self.manages(e)
        }
    }

    /// Asks for the new value of a field.
    fn edit_field(&mut self, state: State, id: u64, field: EventField) -> State {
        match self.ctx.view.event(id) {
            Some(e) if self.may_edit(&e, field) && !e.cancelled => {
                let msg = match field {
                    EventField::Start => Msg::NewEventStart,
                    EventField::End => Msg::NewEventEnd,
                    EventField::Place => Msg::NewEventPlace,
                    EventField::Capacity => Msg::NewEventCapacity,
                    EventField::Title => Msg::NewEventTitle,
                    EventField::Description => Msg::NewEventDescription,
                };
                let mut r = Reply::msg(msg);
                if field == EventField::Capacity {
                    r = r.row(vec![button(Msg::BtnNoLimit, Callback::DraftNoLimit)]);
                }
                self.say(r.row(vec![button(Msg::BtnCancel, Callback::Cancel)]));
                State::EditingEvent { event: id, field }
            }
            _ => self.hint(state, Msg::HintStaleButton),
        }
    }

    /// The new value of a field, typed (or "no limit" pressed, `t == None`).
    fn edit_text(&mut self, id: u64, field: EventField, t: Option<&str>) -> State {
        let Some(mut e) = self
            .ctx
            .view
            .event(id)
            .filter(|e| self.may_edit(e, field) && !e.cancelled)
        else {
            self.say(Reply::msg(Msg::EventOver));
            return State::Idle;
        };
        let now = self.ctx.now;
        let lang = self.lang;
        let t = t.unwrap_or_default();
        let ok = match field {
            EventField::Start => parse_when(t, now).ok().map(|s| {
                let length = e.end - e.start;
                e.start = s;
                e.end = s + length;
            }),
            EventField::End => parse_end(t, e.start, now).map(|end| e.end = end),
            EventField::Place => short(t, MAX_PLACE).map(|p| e.place = p),
            EventField::Capacity if t.is_empty() => {
                e.capacity = None;
                Some(())
            }
            EventField::Capacity => t
                .trim()
                .parse::<u32>()
                .ok()
                .filter(|n| (1..=10_000).contains(n))
                .map(|n| e.capacity = Some(n)),
            EventField::Title => short(t, MAX_TITLE).map(|s| {
                e.title.texts.insert(lang, s);
            }),
            EventField::Description => {
                short(t, MAX_DESCRIPTION).map(|s| match &mut e.description {
                    Some(d) => {
                        d.texts.insert(lang, s);
                    }
                    None => e.description = Some(EventText::new(lang, &s)),
                })
            }
        };
        if ok.is_none() {
            let state = State::EditingEvent { event: id, field };
            return self.hint(state, Msg::NewEventBadValue);
        }
        if matches!(field, EventField::Start | EventField::End) && !self.meetings_apart(&e) {
            let state = State::EditingEvent { event: id, field };
            return self.hint(state, Msg::SeriesMoveBad);
        }
        let told = e.attendees.len() + e.waiting.len();
        self.effects.push(Effect::UpdateEvent(e.clone()));
        self.say(self.event_summary(&e).after(vec![Line::new(
            Msg::EventUpdated,
            vec![("count", num(told))],
        )]));
        State::Idle
    }
}

fn draft_event(d: &EventDraft, organiser: UserId) -> Event {
    let text_of = |m: &BTreeMap<Lang, String>| -> Option<EventText> {
        let base_text = m.get(&d.base).or_else(|| m.values().next())?;
        let mut t = EventText::new(d.base, base_text);
        t.texts.extend(m.iter().map(|(l, s)| (*l, s.clone())));
        Some(t)
    };
    let start = d.start.unwrap_or_default();
    Event {
        id: 0,
        title: text_of(&d.title).unwrap_or_else(|| EventText::new(d.base, "")),
        description: text_of(&d.description),
        group: d.group.clone().flatten(),
        start,
        end: d.end.unwrap_or(start),
        place: d.place.clone().unwrap_or_default(),
        capacity: d.capacity.flatten(),
        organiser,
        cancelled: false,
        version: 1,
        attendees: Vec::new(),
        waiting: Vec::new(),
        key: None,
        visibility: crate::domain::event::Visibility::Public,
        token: None,
        revision: 0,
        facilitators: Vec::new(),
        co_parents: Vec::new(),
        series: None,
        came: Vec::new(),
    }
}

/// The end as a clock time (same day) or a full time (another day).
fn end_text(e: &Event, lang: Lang) -> String {
    until_text(e.start, e.end, lang)
}

/// `end` as a clock time when it is on `start`'s day, else as a full time.
pub(super) fn until_text(start: DateTime<Utc>, end: DateTime<Utc>, lang: Lang) -> String {
    let s = start.with_timezone(&TZ);
    let t = end.with_timezone(&TZ);
    if s.date_naive() == t.date_naive() {
        crate::domain::when::format_clock(end, lang)
    } else {
        format_when(end, lang, start)
    }
}

pub(super) fn format_mean(m: f64, lang: Lang) -> String {
    let s = format!("{m:.1}");
    match lang {
        Lang::Fi | Lang::Sv => s.replace('.', ","),
        Lang::En => s,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_meetings_end_as_a_time_a_length_or_not_at_all() {
        let start = TZ
            .with_ymd_and_hms(2027, 1, 14, 17, 0, 0)
            .single()
            .expect("a time")
            .with_timezone(&Utc);
        let now = start - chrono::Duration::days(30);
        let after = |t: &str| parse_end_or_length(t, start, now).map(|e| (e - start).num_minutes());
        assert_eq!(after("18.30"), Some(90));
        assert_eq!(after("klo 19"), Some(120));
        assert_eq!(after("90 min"), Some(90));
        assert_eq!(after("90min"), Some(90));
        assert_eq!(after("1,5 h"), Some(90));
        assert_eq!(after("1.5h"), Some(90));
        assert_eq!(after("2 tuntia"), Some(120));
        assert_eq!(after("2 tim"), Some(120));
        assert_eq!(after("2 hours"), Some(120));
        assert_eq!(after("16"), None, "before the start");
        assert_eq!(after("17"), None, "not after the start");
        assert_eq!(after("13 h"), None, "longer than a meeting");
        assert_eq!(after("0 min"), None);
        assert_eq!(after("kaksi"), None);
        assert_eq!(after("NaN h"), None);
        assert_eq!(after("1e9 h"), None);
    }
}
