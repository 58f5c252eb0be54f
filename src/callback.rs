//! Callback data: what a button press carries. Short, versioned (`1:`), and parsed back into a
//! [`Callback`] that the engine checks against the current state — never trusted as it comes.

use crate::domain::added::ConsentHow;
use crate::domain::child::{Child, Given};
use crate::domain::feedback::{Month, Question, Scope};
use crate::domain::{AreaId, GroupId, Lang, Pool, TimeId, UserId};
use crate::msg::Msg;
use serde::{Deserialize, Serialize};

/// The version prefix of every callback this build writes. Data with another prefix comes from a
/// message sent by an older (or newer) build and is treated as a stale button.
const VERSION: &str = "1";

/// A part of a registration that can be changed from the summary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    /// The children's ages.
    Ages,
    /// The area.
    Area,
    /// The group's language.
    Language,
    /// The times that suit.
    Times,
    /// The optional consent to share one's name with the coordinator.
    Share,
    /// The private note to the coordinator.
    Note,
}

impl Field {
    fn code(self) -> &'static str {
        match self {
            Field::Ages => "ages",
            Field::Area => "area",
            Field::Language => "lang",
            Field::Times => "times",
            Field::Share => "share",
            Field::Note => "note",
        }
    }

    fn from_code(s: &str) -> Option<Field> {
        [
            Field::Ages,
            Field::Area,
            Field::Language,
            Field::Times,
            Field::Share,
            Field::Note,
        ]
        .into_iter()
        .find(|f| f.code() == s)
    }
}

/// Everything a button can mean.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Callback {
    /// Start (or restart) registering for a group.
    Group(GroupId),
    /// A child's age.
    Age(u8),
    /// "Add another child".
    MoreChildren,
    /// "No more children".
    ChildrenDone,
    /// The area.
    Area(AreaId),
    /// The language the group should run in.
    GroupLang(Lang),
    /// Toggle one time slot.
    Time(TimeId),
    /// Done choosing times.
    TimesDone,
    /// The required consent to store the answers.
    Consent(bool),
    /// The optional consent to share the name with the coordinator.
    Share(bool),
    /// No private note to the coordinator (skip the question, or remove the note).
    NoNote,
    /// Confirm the summary.
    Confirm,
    /// Open the change menu from the summary.
    Change,
    /// Change one part of the answers.
    ChangeField(Field),
    /// Back from the change menu to the summary.
    BackToSummary,
    /// Back to the question before (a registration's questions).
    Back,
    /// Go on with the question that was interrupted (instead of dropping the answers, or
    /// after an age that fits another group).
    GoOn,
    /// Yes, drop the unfinished registration (and cancel, or start anew).
    DropYes,
    /// Register for another group instead, with a child (an age given or a birth date typed)
    /// that fits it.
    SwitchGroup(GroupId, Given),
    /// Cancel the registration in progress.
    Cancel,
    /// Switch the language kokoon speaks.
    UiLang(Lang),
    /// Change the answers of an existing registration.
    Edit(GroupId),
    /// Ask to withdraw a registration.
    Withdraw(GroupId),
    /// Confirm the withdrawal.
    WithdrawYes(GroupId),
    /// "No, keep it" after a question that would delete something.
    Keep,
    /// Confirm `/forget`.
    ForgetYes,
    /// (Coordinator) a button of a message about a family they added by hand, pressed for the
    /// family: the family's synthetic id and the family's own button.
    ForFamily(UserId, Box<Callback>),
    /// (Coordinator) add a family by hand (from `/add`'s list).
    AddNew,
    /// (Coordinator) change a family they added: its id and group.
    AddEdit(UserId, GroupId),
    /// (Coordinator) add a family they added for another group, one that fits a child who grew
    /// out of theirs: the family's id and the group. Opens `/add` with the family's answers.
    AddGrown(UserId, GroupId),
    /// (Coordinator) how the family they are adding consented.
    AddHow(ConsentHow),
    /// (Coordinator) when: today (0) or yesterday (1).
    AddWhen(u8),
    /// (Coordinator) save the family being added.
    AddSave,
    /// (Coordinator) the list of waiting families in a pool.
    PoolList(Pool),
    /// (Coordinator) start launching a group in a pool.
    PoolLaunch(Pool),
    /// (Coordinator) send the invitations of the launch being prepared.
    LaunchConfirm,
    /// (Coordinator) a QR code for a group's deep link.
    Qr(GroupId),
    /// (Coordinator) a launch's contact list as CSV.
    ExportLaunch(u64),
    /// (Parent) the answer to an invitation.
    Invite(u64, bool),
    /// (Parent) still interested: a paused registration waits again.
    Resume(GroupId),
    /// (Parent) still interested, from the renewal question, the retention notice or `/mine`:
    /// the registration is confirmed (and waits again if it was paused).
    StillInterested(GroupId),
    /// (First parent) make a link to share a children's registration with the other parent.
    FamilyShare(GroupId),
    /// (First parent) take back the unused link.
    FamilyRevoke(GroupId),
    /// (First parent) stop sharing the registration with the other parent.
    FamilyUnlink(GroupId),
    /// (Other parent) leave a shared registration.
    FamilyLeave(crate::domain::family::FamilyId),
    /// (Other parent) change their own note to the coordinators of this family.
    FamilyNote(crate::domain::family::FamilyId),
    /// A parent's action on an event.
    Event(u64, EventAction),
    /// A coordinator's action on an event.
    Manage(u64, ManageAction),
    /// (Coordinator) change one field of an event.
    EditField(u64, EventField),
    /// (Coordinator, new event) its group, or none.
    DraftGroup(Option<GroupId>),
    /// (Coordinator, new event or capacity edit) no seat limit.
    DraftNoLimit,
    /// (Coordinator, new event) skip the description.
    DraftSkip,
    /// (Coordinator, new event) add a translation.
    DraftTranslate(Lang),
    /// (Coordinator, new event) create it.
    DraftCreate,
    /// (Coordinator) message the waiting families of a group.
    BroadcastWaiting(GroupId),
    /// (Coordinator) message a launch's families: accepted (true) or invited, not answered.
    BroadcastLaunch(u64, bool),
    /// (Coordinator) send the broadcast.
    BroadcastSend,
    /// (Parent) an answer to one of an event's feedback questions: the question and the
    /// option's number (see [`Question::options`]).
    FeedbackAnswer(u64, Question, u8),
    /// (Parent) no comment after the rating.
    FeedbackSkip(u64),
    /// (Coordinator) a feedback report, or a step of picking its period.
    Report(ReportPick),
    /// (Coordinator, launching) change the series' meetings, from the summary.
    SeriesChange,
    /// (Coordinator, launching) the series' dates are right.
    SeriesOk,
    /// (Coordinator, launching) days from one meeting to the next.
    SeriesEvery(u32),
    /// (Coordinator) who came to a meeting: the families with a button each.
    Attendance(u64),
    /// (Coordinator) a family (numbered in the launch's invitation order) came to a meeting,
    /// or not.
    Attend(u64, u32, bool),
    /// Facilitators: a coordinator inviting or removing one, a facilitator's own buttons.
    Fac(FacPick),
}

/// What a facilitators' button picks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FacPick {
    /// (Coordinator) start making an invitation link.
    Invite,
    /// (Coordinator) toggle a group of the link being made.
    InviteGroup(GroupId),
    /// (Coordinator) make the link.
    InviteMake,
    /// (Coordinator) ask to remove a facilitator.
    Remove(crate::domain::UserId),
    /// (Coordinator) remove them.
    RemoveYes(crate::domain::UserId),
    /// (The person who opened a link) consent to be a facilitator, or not.
    Consent(bool),
    /// (Facilitator) the participants of a group's launches.
    Group(GroupId),
    /// (Facilitator) ask a group's coordinators for support.
    Support(GroupId),
    /// (Parent) give the name-sharing consent again, now naming the group's facilitators too.
    ShareAgain(GroupId),
    /// (Coordinator, launch summary) ask a facilitator to take the launch, or not.
    Pick(crate::domain::UserId),
    /// (Coordinator, launch summary) ask every facilitator of the group.
    PickAll,
    /// (Coordinator, launch summary) the families' invitations wait for a facilitator's yes.
    Hold(bool),
    /// (Facilitator) the answer to a launch proposal.
    Proposal(u64, bool),
    /// (Facilitator, `/write`) write to the families of a launch.
    Write(u64),
    /// (Facilitator, `/write`) send the message written.
    WriteSend,
    /// (Coordinator) let a launch's held invitations go without a facilitator's yes.
    Release(u64),
}

/// What a report button picks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReportPick {
    /// The report of an event, a series or a period.
    Scope(Scope),
    /// The period's months to start from (`None`), or to end at after a first month.
    Months(Option<Month>),
}

fn encode_pool(p: &Pool) -> String {
    format!("{}:{}:{}", p.group, p.area, p.lang.map_or("", Lang::code))
}

fn parse_pool(s: &str) -> Option<Pool> {
    let mut parts = s.splitn(3, ':');
    let group = GroupId::parse(parts.next()?).ok()?;
    let area = AreaId::parse(parts.next()?).ok()?;
    let lang = match parts.next()? {
        "" => None,
        code => Some(Lang::from_code(code)?),
    };
    Some(Pool { group, area, lang })
}

impl Callback {
    /// Encodes to callback data (at most 64 bytes: ids are at most 24 characters).
    #[must_use]
    pub fn encode(&self) -> String {
        let body = match self {
            Callback::Group(g) => format!("g:{g}"),
            Callback::Age(a) => format!("a:{a}"),
            Callback::MoreChildren => "c:+".into(),
            Callback::ChildrenDone => "c:.".into(),
            Callback::Area(a) => format!("ar:{a}"),
            Callback::GroupLang(l) => format!("gl:{}", l.code()),
            Callback::Time(t) => format!("t:{t}"),
            Callback::TimesDone => "t:.".into(),
            Callback::Consent(y) => format!("cs:{}", yn(*y)),
            Callback::Share(y) => format!("sh:{}", yn(*y)),
            Callback::NoNote => "nn".into(),
            Callback::ForFamily(u, inner) => {
                let inner = inner.encode();
                let body = inner
                    .strip_prefix(VERSION)
                    .and_then(|b| b.strip_prefix(':'))
                    .unwrap_or_default();
                format!("@:{}:{body}", u.0)
            }
            Callback::AddNew => "a+".into(),
            Callback::AddEdit(u, g) => format!("ae:{}:{g}", u.0),
            Callback::AddGrown(u, g) => format!("ag:{}:{g}", u.0),
            Callback::AddHow(h) => format!("ah:{}", h.code()),
            Callback::AddWhen(n) => format!("aw:{n}"),
            Callback::AddSave => "as".into(),
            Callback::Confirm => "ok".into(),
            Callback::Change => "ch".into(),
            Callback::ChangeField(f) => format!("ch:{}", f.code()),
            Callback::BackToSummary => "ch:.".into(),
            Callback::Back => "b".into(),
            Callback::GoOn => "go".into(),
            Callback::DropYes => "dy".into(),
            Callback::SwitchGroup(g, Given::Age(a)) => format!("sw:{a}:{g}"),
            Callback::SwitchGroup(g, Given::Born(c)) => match c.month {
                Some(m) => format!("sw:{}.{m}:{g}", c.year),
                None => format!("sw:{}:{g}", c.year),
            },
            Callback::Cancel => "x".into(),
            Callback::UiLang(l) => format!("L:{}", l.code()),
            Callback::Edit(g) => format!("me:{g}"),
            Callback::Withdraw(g) => format!("mw:{g}"),
            Callback::WithdrawYes(g) => format!("my:{g}"),
            Callback::Keep => "k".into(),
            Callback::ForgetYes => "f:y".into(),
            Callback::PoolList(p) => format!("pl:{}", encode_pool(p)),
            Callback::PoolLaunch(p) => format!("pn:{}", encode_pool(p)),
            Callback::LaunchConfirm => "lc".into(),
            Callback::Qr(g) => format!("qr:{g}"),
            Callback::ExportLaunch(id) => format!("xl:{id}"),
            Callback::Invite(id, y) => format!("iv:{id}:{}", yn(*y)),
            Callback::Resume(g) => format!("mr:{g}"),
            Callback::StillInterested(g) => format!("mi:{g}"),
            Callback::FamilyShare(g) => format!("ys:{g}"),
            Callback::FamilyRevoke(g) => format!("yr:{g}"),
            Callback::FamilyUnlink(g) => format!("yu:{g}"),
            Callback::FamilyLeave(id) => format!("yl:{}", String::from(*id)),
            Callback::FamilyNote(id) => format!("yn:{}", String::from(*id)),
            Callback::Event(id, a) => format!(
                "ev:{id}:{}",
                match a {
                    EventAction::Join => "j",
                    EventAction::Leave => "l",
                    EventAction::Calendar => "c",
                    EventAction::JoinShare => "s",
                    EventAction::HideName => "h",
                }
            ),
            Callback::Manage(id, a) => format!(
                "em:{id}:{}",
                match a {
                    ManageAction::Edit => "e",
                    ManageAction::Cancel => "x",
                    ManageAction::CancelYes => "X",
                    ManageAction::Message => "m",
                    ManageAction::Feedback => "f",
                    ManageAction::MoveRest => "r",
                    ManageAction::CancelRest => "R",
                    ManageAction::CancelRestYes => "Y",
                }
            ),
            Callback::EditField(id, f) => format!("ef:{id}:{}", f.code()),
            Callback::DraftGroup(g) => format!("dg:{}", g.as_ref().map_or("", GroupId::as_str)),
            Callback::DraftNoLimit => "dn".into(),
            Callback::DraftSkip => "ds".into(),
            Callback::DraftTranslate(l) => format!("dt:{}", l.code()),
            Callback::DraftCreate => "dc".into(),
            Callback::BroadcastWaiting(g) => format!("bw:{g}"),
            Callback::BroadcastLaunch(id, y) => format!("bl:{id}:{}", yn(*y)),
            Callback::BroadcastSend => "bs".into(),
            // A rating keeps the form older builds wrote, so buttons already sent still work.
            Callback::FeedbackAnswer(id, Question::Rating, r) => format!("fb:{id}:{r}"),
            Callback::FeedbackAnswer(id, q, o) => format!("fb:{id}:{}{o}", q.code()),
            Callback::FeedbackSkip(id) => format!("fb:{id}:s"),
            Callback::Report(ReportPick::Scope(Scope::Event(id))) => format!("rp:e:{id}"),
            Callback::Report(ReportPick::Scope(Scope::Series(key))) => format!("rp:s:{key}"),
            Callback::Report(ReportPick::Scope(Scope::Period { from, to })) => {
                format!("rp:p:{}:{}", from.code(), to.code())
            }
            Callback::Report(ReportPick::Months(None)) => "rp:m".into(),
            Callback::Report(ReportPick::Months(Some(m))) => format!("rp:m:{}", m.code()),
            Callback::SeriesChange => "sc".into(),
            Callback::SeriesOk => "so".into(),
            Callback::SeriesEvery(d) => format!("se:{d}"),
            Callback::Attendance(id) => format!("at:{id}"),
            Callback::Attend(id, n, y) => format!("at:{id}:{n}:{}", yn(*y)),
            Callback::Fac(p) => match p {
                FacPick::Invite => "fc:i".into(),
                FacPick::InviteGroup(g) => format!("fc:g:{g}"),
                FacPick::InviteMake => "fc:m".into(),
                FacPick::Remove(u) => format!("fc:r:{}", u.0),
                FacPick::RemoveYes(u) => format!("fc:R:{}", u.0),
                FacPick::Consent(y) => format!("fc:c:{}", yn(*y)),
                FacPick::Group(g) => format!("fc:l:{g}"),
                FacPick::Support(g) => format!("fc:s:{g}"),
                FacPick::ShareAgain(g) => format!("fc:a:{g}"),
                FacPick::Pick(u) => format!("fc:p:{}", u.0),
                FacPick::PickAll => "fc:P".into(),
                FacPick::Hold(y) => format!("fc:h:{}", yn(*y)),
                FacPick::Proposal(id, y) => format!("fc:y:{id}:{}", yn(*y)),
                FacPick::Write(id) => format!("fc:w:{id}"),
                FacPick::WriteSend => "fc:W".into(),
                FacPick::Release(id) => format!("fc:x:{id}"),
            },
        };
        format!("{VERSION}:{body}")
    }

    /// Parses callback data; `None` for anything this build did not write.
    #[must_use]
    pub fn parse(data: &str) -> Option<Callback> {
        let body = data.strip_prefix(VERSION)?.strip_prefix(':')?;
        let (verb, arg) = match body.split_once(':') {
            Some((v, a)) => (v, Some(a)),
            None => (body, None),
        };
        let cb = match (verb, arg) {
            ("g", Some(g)) => Callback::Group(GroupId::parse(g).ok()?),
            ("a", Some(a)) => Callback::Age(parse_age(a)?),
            ("c", Some("+")) => Callback::MoreChildren,
            ("c", Some(".")) => Callback::ChildrenDone,
            ("ar", Some(a)) => Callback::Area(AreaId::parse(a).ok()?),
            ("gl", Some(l)) => Callback::GroupLang(Lang::from_code(l)?),
            ("t", Some(".")) => Callback::TimesDone,
            ("t", Some(t)) => Callback::Time(TimeId::parse(t).ok()?),
            ("cs", Some(y)) => Callback::Consent(parse_yn(y)?),
            ("sh", Some(y)) => Callback::Share(parse_yn(y)?),
            ("nn", None) => Callback::NoNote,
            ("@", Some(rest)) => {
                let (u, body) = rest.split_once(':')?;
                let u = UserId(u.parse().ok()?);
                let inner = Callback::parse(&format!("{VERSION}:{body}"))?;
                // One level only, and only for a family's id.
                if matches!(inner, Callback::ForFamily(..)) || !u.is_added() {
                    return None;
                }
                Callback::ForFamily(u, Box::new(inner))
            }
            ("a+", None) => Callback::AddNew,
            ("ae", Some(rest)) => {
                let (u, g) = rest.split_once(':')?;
                let u = UserId(u.parse().ok()?);
                if !u.is_added() {
                    return None;
                }
                Callback::AddEdit(u, GroupId::parse(g).ok()?)
            }
            ("ag", Some(rest)) => {
                let (u, g) = rest.split_once(':')?;
                let u = UserId(u.parse().ok()?);
                if !u.is_added() {
                    return None;
                }
                Callback::AddGrown(u, GroupId::parse(g).ok()?)
            }
            ("ah", Some(h)) => Callback::AddHow(ConsentHow::from_code(h)?),
            ("aw", Some(n)) => Callback::AddWhen(match n {
                "0" => 0,
                "1" => 1,
                _ => return None,
            }),
            ("as", None) => Callback::AddSave,
            ("ok", None) => Callback::Confirm,
            ("ch", None) => Callback::Change,
            ("ch", Some(".")) => Callback::BackToSummary,
            ("b", None) => Callback::Back,
            ("go", None) => Callback::GoOn,
            ("dy", None) => Callback::DropYes,
            ("sw", Some(rest)) => {
                let (a, g) = rest.split_once(':')?;
                Callback::SwitchGroup(GroupId::parse(g).ok()?, parse_given(a)?)
            }
            ("ch", Some(f)) => Callback::ChangeField(Field::from_code(f)?),
            ("x", None) => Callback::Cancel,
            ("L", Some(l)) => Callback::UiLang(Lang::from_code(l)?),
            ("me", Some(g)) => Callback::Edit(GroupId::parse(g).ok()?),
            ("mw", Some(g)) => Callback::Withdraw(GroupId::parse(g).ok()?),
            ("my", Some(g)) => Callback::WithdrawYes(GroupId::parse(g).ok()?),
            ("mr", Some(g)) => Callback::Resume(GroupId::parse(g).ok()?),
            ("mi", Some(g)) => Callback::StillInterested(GroupId::parse(g).ok()?),
            ("ys", Some(g)) => Callback::FamilyShare(GroupId::parse(g).ok()?),
            ("yr", Some(g)) => Callback::FamilyRevoke(GroupId::parse(g).ok()?),
            ("yu", Some(g)) => Callback::FamilyUnlink(GroupId::parse(g).ok()?),
            ("yl", Some(id)) => Callback::FamilyLeave(id.to_owned().try_into().ok()?),
            ("yn", Some(id)) => Callback::FamilyNote(id.to_owned().try_into().ok()?),
            ("k", None) => Callback::Keep,
            ("f", Some("y")) => Callback::ForgetYes,
            ("pl", Some(p)) => Callback::PoolList(parse_pool(p)?),
            ("pn", Some(p)) => Callback::PoolLaunch(parse_pool(p)?),
            ("lc", None) => Callback::LaunchConfirm,
            ("qr", Some(g)) => Callback::Qr(GroupId::parse(g).ok()?),
            ("xl", Some(id)) => Callback::ExportLaunch(parse_id(id)?),
            ("iv", Some(rest)) => {
                let (id, y) = rest.split_once(':')?;
                Callback::Invite(parse_id(id)?, parse_yn(y)?)
            }
            ("ev", Some(rest)) => {
                let (id, a) = rest.split_once(':')?;
                let a = match a {
                    "j" => EventAction::Join,
                    "l" => EventAction::Leave,
                    "c" => EventAction::Calendar,
                    "s" => EventAction::JoinShare,
                    "h" => EventAction::HideName,
                    _ => return None,
                };
                Callback::Event(parse_id(id)?, a)
            }
            ("em", Some(rest)) => {
                let (id, a) = rest.split_once(':')?;
                let a = match a {
                    "e" => ManageAction::Edit,
                    "x" => ManageAction::Cancel,
                    "X" => ManageAction::CancelYes,
                    "m" => ManageAction::Message,
                    "f" => ManageAction::Feedback,
                    "r" => ManageAction::MoveRest,
                    "R" => ManageAction::CancelRest,
                    "Y" => ManageAction::CancelRestYes,
                    _ => return None,
                };
                Callback::Manage(parse_id(id)?, a)
            }
            ("ef", Some(rest)) => {
                let (id, f) = rest.split_once(':')?;
                Callback::EditField(parse_id(id)?, EventField::from_code(f)?)
            }
            ("dg", Some("")) => Callback::DraftGroup(None),
            ("dg", Some(g)) => Callback::DraftGroup(Some(GroupId::parse(g).ok()?)),
            ("dn", None) => Callback::DraftNoLimit,
            ("ds", None) => Callback::DraftSkip,
            ("dt", Some(l)) => Callback::DraftTranslate(Lang::from_code(l)?),
            ("dc", None) => Callback::DraftCreate,
            ("bw", Some(g)) => Callback::BroadcastWaiting(GroupId::parse(g).ok()?),
            ("bl", Some(rest)) => {
                let (id, y) = rest.split_once(':')?;
                Callback::BroadcastLaunch(parse_id(id)?, parse_yn(y)?)
            }
            ("bs", None) => Callback::BroadcastSend,
            ("fb", Some(rest)) => {
                let (id, r) = rest.split_once(':')?;
                match r {
                    "s" => Callback::FeedbackSkip(parse_id(id)?),
                    "1" | "2" | "3" | "4" | "5" => {
                        Callback::FeedbackAnswer(parse_id(id)?, Question::Rating, r.parse().ok()?)
                    }
                    _ => {
                        let mut chars = r.chars();
                        let q = Question::from_code(chars.next()?)?;
                        let o = chars.next()?.to_digit(10)?;
                        let o = u8::try_from(o).ok()?;
                        if chars.next().is_some() || !q.options().contains(&o) {
                            return None;
                        }
                        Callback::FeedbackAnswer(parse_id(id)?, q, o)
                    }
                }
            }
            ("sc", None) => Callback::SeriesChange,
            ("so", None) => Callback::SeriesOk,
            ("se", Some(d)) => {
                let d = u32::try_from(parse_id(d)?).ok()?;
                if !(1..=crate::domain::series::MAX_INTERVAL_DAYS).contains(&d) {
                    return None;
                }
                Callback::SeriesEvery(d)
            }
            ("at", Some(rest)) => match rest.split_once(':') {
                None => Callback::Attendance(parse_id(rest)?),
                Some((id, rest)) => {
                    let (n, y) = rest.split_once(':')?;
                    let n = u32::try_from(parse_id(n)?).ok()?;
                    Callback::Attend(parse_id(id)?, n, parse_yn(y)?)
                }
            },
            ("fc", Some(rest)) => {
                let (kind, arg) = match rest.split_once(':') {
                    Some((k, a)) => (k, Some(a)),
                    None => (rest, None),
                };
                let user = |a: &str| parse_id(a).map(crate::domain::UserId);
                Callback::Fac(match (kind, arg) {
                    ("i", None) => FacPick::Invite,
                    ("g", Some(g)) => FacPick::InviteGroup(GroupId::parse(g).ok()?),
                    ("m", None) => FacPick::InviteMake,
                    ("r", Some(u)) => FacPick::Remove(user(u)?),
                    ("R", Some(u)) => FacPick::RemoveYes(user(u)?),
                    ("c", Some(y)) => FacPick::Consent(parse_yn(y)?),
                    ("l", Some(g)) => FacPick::Group(GroupId::parse(g).ok()?),
                    ("s", Some(g)) => FacPick::Support(GroupId::parse(g).ok()?),
                    ("a", Some(g)) => FacPick::ShareAgain(GroupId::parse(g).ok()?),
                    ("p", Some(u)) => FacPick::Pick(user(u)?),
                    ("P", None) => FacPick::PickAll,
                    ("h", Some(y)) => FacPick::Hold(parse_yn(y)?),
                    ("w", Some(id)) => FacPick::Write(parse_id(id)?),
                    ("W", None) => FacPick::WriteSend,
                    ("x", Some(id)) => FacPick::Release(parse_id(id)?),
                    ("y", Some(rest)) => {
                        let (id, y) = rest.split_once(':')?;
                        FacPick::Proposal(parse_id(id)?, parse_yn(y)?)
                    }
                    _ => return None,
                })
            }
            ("rp", Some("m")) => Callback::Report(ReportPick::Months(None)),
            ("rp", Some(rest)) => {
                let (kind, arg) = rest.split_once(':')?;
                Callback::Report(match kind {
                    "e" => ReportPick::Scope(Scope::Event(parse_id(arg)?)),
                    "s" => {
                        if !crate::domain::feedback::is_series_key(arg) {
                            return None;
                        }
                        ReportPick::Scope(Scope::Series(arg.to_owned()))
                    }
                    "p" => {
                        let (from, to) = arg.split_once(':')?;
                        let (from, to) = (Month::parse(from)?, Month::parse(to)?);
                        if from > to {
                            return None;
                        }
                        ReportPick::Scope(Scope::Period { from, to })
                    }
                    "m" => ReportPick::Months(Some(Month::parse(arg)?)),
                    _ => return None,
                })
            }
            _ => return None,
        };
        Some(cb)
    }
}

fn yn(y: bool) -> &'static str {
    if y {
        "y"
    } else {
        "n"
    }
}

fn parse_yn(s: &str) -> Option<bool> {
    match s {
        "y" => Some(true),
        "n" => Some(false),
        _ => None,
    }
}

fn parse_id(s: &str) -> Option<u64> {
    if s.is_empty() || s.len() > 20 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// An age (`5`) or a birth year (`2021`) and month (`2021.3`).
fn parse_given(s: &str) -> Option<Given> {
    let (year, month) = match s.split_once('.') {
        Some((y, m)) => (y, Some(m)),
        None if s.len() == 4 => (s, None),
        None => return parse_age(s).map(Given::Age),
    };
    if year.len() != 4 || !year.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let month = match month {
        Some(m) if (1..=2).contains(&m.len()) && m.bytes().all(|b| b.is_ascii_digit()) => {
            Some(m.parse::<u8>().ok().filter(|m| (1..=12).contains(m))?)
        }
        Some(_) => return None,
        None => None,
    };
    Some(Given::Born(Child {
        year: year.parse().ok()?,
        month,
    }))
}

fn parse_age(s: &str) -> Option<u8> {
    if s.is_empty() || s.len() > 2 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok().filter(|a| *a <= 17)
}

/// A part of an event a coordinator can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventField {
    /// Start (the end moves with it).
    Start,
    /// End.
    End,
    /// Place.
    Place,
    /// Seats.
    Capacity,
    /// Title (in the coordinator's language).
    Title,
    /// Description (in the coordinator's language).
    Description,
}

impl EventField {
    /// Every field, in menu order.
    pub const ALL: [EventField; 6] = [
        EventField::Start,
        EventField::End,
        EventField::Place,
        EventField::Capacity,
        EventField::Title,
        EventField::Description,
    ];

    /// A short code for callback data.
    #[must_use]
    pub fn code(self) -> &'static str {
        match self {
            EventField::Start => "s",
            EventField::End => "e",
            EventField::Place => "p",
            EventField::Capacity => "c",
            EventField::Title => "t",
            EventField::Description => "d",
        }
    }

    /// Whether the field is the event's time (its start or end): moving it.
    #[must_use]
    pub fn is_time(self) -> bool {
        matches!(self, EventField::Start | EventField::End)
    }

    /// Parses [`EventField::code`].
    #[must_use]
    pub fn from_code(s: &str) -> Option<EventField> {
        EventField::ALL.into_iter().find(|f| f.code() == s)
    }

    /// The button that offers the field.
    #[must_use]
    pub fn label(self) -> Msg {
        match self {
            EventField::Start => Msg::BtnFieldStart,
            EventField::End => Msg::BtnFieldEnd,
            EventField::Place => Msg::BtnFieldPlace,
            EventField::Capacity => Msg::BtnFieldCapacity,
            EventField::Title => Msg::BtnFieldTitle,
            EventField::Description => Msg::BtnFieldDescription,
        }
    }
}

/// What a parent's event button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventAction {
    /// Sign up (or join the waiting list).
    Join,
    /// Cancel one's place (or leave the waiting list).
    Leave,
    /// Get the .ics file.
    Calendar,
    /// Sign up, consenting also to the organiser seeing one's Telegram name.
    JoinShare,
    /// Withdraw the consent to show one's name for this sign-up.
    HideName,
}

/// What a coordinator's event button does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ManageAction {
    /// Change details.
    Edit,
    /// Ask to cancel.
    Cancel,
    /// Cancel, confirmed.
    CancelYes,
    /// Message everyone signed up.
    Message,
    /// The feedback report.
    Feedback,
    /// (A meeting of a series) ask the new time of this and every later meeting.
    MoveRest,
    /// (A meeting of a series) ask to cancel this and every later meeting.
    CancelRest,
    /// Cancel this and every later meeting, confirmed.
    CancelRestYes,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_length() {
        let long = GroupId::parse(&"a".repeat(24)).expect("id");
        let all = [
            Callback::Group(long.clone()),
            Callback::Age(17),
            Callback::MoreChildren,
            Callback::ChildrenDone,
            Callback::Area(AreaId::parse(&"b".repeat(24)).expect("id")),
            Callback::GroupLang(Lang::Sv),
            Callback::Time(TimeId::parse("weekend").expect("id")),
            Callback::TimesDone,
            Callback::Consent(true),
            Callback::Share(false),
            Callback::NoNote,
            Callback::ForFamily(
                UserId::added(u64::MAX),
                Box::new(Callback::WithdrawYes(long.clone())),
            ),
            Callback::ForFamily(UserId::added(1), Box::new(Callback::Invite(u64::MAX, true))),
            Callback::AddNew,
            Callback::AddEdit(UserId::added(u64::MAX), long.clone()),
            Callback::AddGrown(UserId::added(u64::MAX), long.clone()),
            Callback::AddHow(ConsentHow::InPerson),
            Callback::AddWhen(1),
            Callback::AddSave,
            Callback::Confirm,
            Callback::Change,
            Callback::ChangeField(Field::Times),
            Callback::ChangeField(Field::Note),
            Callback::BackToSummary,
            Callback::Back,
            Callback::GoOn,
            Callback::DropYes,
            Callback::SwitchGroup(long.clone(), Given::Age(17)),
            Callback::SwitchGroup(
                long.clone(),
                Given::Born(Child {
                    year: 2021,
                    month: None,
                }),
            ),
            Callback::SwitchGroup(
                long.clone(),
                Given::Born(Child {
                    year: 2019,
                    month: Some(12),
                }),
            ),
            Callback::Cancel,
            Callback::UiLang(Lang::En),
            Callback::Edit(long.clone()),
            Callback::Withdraw(long.clone()),
            Callback::WithdrawYes(long),
            Callback::Keep,
            Callback::ForgetYes,
            Callback::PoolList(Pool {
                group: GroupId::parse(&"c".repeat(24)).expect("id"),
                area: AreaId::parse(&"d".repeat(24)).expect("id"),
                lang: Some(Lang::Sv),
            }),
            Callback::PoolLaunch(Pool {
                group: GroupId::parse(&"c".repeat(24)).expect("id"),
                area: AreaId::parse(&"d".repeat(24)).expect("id"),
                lang: None,
            }),
            Callback::LaunchConfirm,
            Callback::Qr(GroupId::parse("tilli-toukka").expect("id")),
            Callback::ExportLaunch(u64::MAX),
            Callback::Invite(u64::MAX, true),
            Callback::Fac(FacPick::Invite),
            Callback::Fac(FacPick::InviteGroup(
                GroupId::parse(&"g".repeat(24)).expect("id"),
            )),
            Callback::Fac(FacPick::InviteMake),
            Callback::Fac(FacPick::Remove(crate::domain::UserId(u64::MAX))),
            Callback::Fac(FacPick::RemoveYes(crate::domain::UserId(u64::MAX))),
            Callback::Fac(FacPick::Consent(false)),
            Callback::Fac(FacPick::Group(GroupId::parse(&"g".repeat(24)).expect("id"))),
            Callback::Fac(FacPick::Support(
                GroupId::parse(&"g".repeat(24)).expect("id"),
            )),
            Callback::Fac(FacPick::Pick(crate::domain::UserId(u64::MAX))),
            Callback::Fac(FacPick::PickAll),
            Callback::Fac(FacPick::Hold(true)),
            Callback::Fac(FacPick::Proposal(u64::MAX, false)),
            Callback::Fac(FacPick::Write(u64::MAX)),
            Callback::Fac(FacPick::WriteSend),
            Callback::Fac(FacPick::Release(u64::MAX)),
            Callback::Resume(GroupId::parse(&"f".repeat(24)).expect("id")),
            Callback::StillInterested(GroupId::parse(&"f".repeat(24)).expect("id")),
            Callback::FamilyShare(GroupId::parse(&"f".repeat(24)).expect("id")),
            Callback::FamilyRevoke(GroupId::parse(&"f".repeat(24)).expect("id")),
            Callback::FamilyUnlink(GroupId::parse(&"f".repeat(24)).expect("id")),
            Callback::FamilyLeave(crate::domain::family::FamilyId([0xff; 16])),
            Callback::FamilyNote(crate::domain::family::FamilyId([0xff; 16])),
            Callback::Event(u64::MAX, EventAction::Calendar),
            Callback::Manage(u64::MAX, ManageAction::CancelYes),
            Callback::EditField(u64::MAX, EventField::Description),
            Callback::DraftGroup(None),
            Callback::DraftGroup(Some(GroupId::parse(&"e".repeat(24)).expect("id"))),
            Callback::DraftNoLimit,
            Callback::DraftSkip,
            Callback::DraftTranslate(Lang::Sv),
            Callback::DraftCreate,
            Callback::BroadcastWaiting(GroupId::parse("tilli-toukka").expect("id")),
            Callback::BroadcastLaunch(u64::MAX, false),
            Callback::BroadcastSend,
            Callback::FeedbackAnswer(u64::MAX, Question::Rating, 5),
            Callback::FeedbackAnswer(u64::MAX, Question::Useful, 2),
            Callback::FeedbackAnswer(u64::MAX, Question::Continue, 0),
            Callback::FeedbackSkip(u64::MAX),
            Callback::Report(ReportPick::Scope(Scope::Event(u64::MAX))),
            Callback::Report(ReportPick::Scope(Scope::Series("s".repeat(48)))),
            Callback::Report(ReportPick::Scope(Scope::Period {
                from: Month {
                    year: 2027,
                    month: 3,
                },
                to: Month {
                    year: 2027,
                    month: 5,
                },
            })),
            Callback::Report(ReportPick::Months(None)),
            Callback::Report(ReportPick::Months(Some(Month {
                year: 2027,
                month: 12,
            }))),
            Callback::SeriesChange,
            Callback::SeriesOk,
            Callback::SeriesEvery(28),
            Callback::Attendance(u64::MAX),
            Callback::Attend(u64::MAX, u32::MAX, true),
            Callback::Manage(u64::MAX, ManageAction::CancelRestYes),
        ];
        for cb in all {
            let data = cb.encode();
            assert!(data.len() <= 64, "{data}");
            assert_eq!(Callback::parse(&data), Some(cb));
        }
    }

    #[test]
    fn rejects_forged_and_stale() {
        for bad in [
            // A family's button only for a synthetic id, one level deep.
            "1:@:5:mw:tilli-toukka",
            "1:@:1152921504606846977:@:1152921504606846977:k",
            "1:@:x:k",
            "1:ae:5:tilli-toukka",
            "1:aw:2",
            "1:ah:z",
            "",
            "1",
            "1:",
            "2:ok",
            "1:a:18",
            "1:a:-1",
            "1:a:05x",
            "1:g:Bad",
            "1:gl:de",
            "1:zz",
            "ok",
            "1:f:n",
            "1:pl:a:b",
            "1:pl:a:b:de",
            "1:iv:1:x",
            "1:iv::y",
            "1:xl:-1",
            "1:iv:99999999999999999999999:y",
            "1:fb:1:0",
            "1:fb:1:6",
            "1:fb:1:u3",
            "1:fb:1:c2",
            "1:fb:1:r0",
            "1:fb:1:t0",
            "1:fb:1:u0x",
            "1:fb:1:x0",
            "1:rp:e:x",
            "1:rp:s:Bad",
            "1:rp:p:202705:202703",
            "1:rp:p:202713:202801",
            "1:rp:m:2027",
            "1:rp:z:1",
            "1:ev:1:z",
            "1:em:1:q",
            "1:ef:1:z",
            "1:se:0",
            "1:se:29",
            "1:at:1:2",
            "1:at:1:2:q",
            "1:at:x",
        ] {
            assert_eq!(Callback::parse(bad), None, "{bad:?}");
        }
    }
}
