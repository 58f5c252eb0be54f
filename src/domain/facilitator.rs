//! Facilitators (ohjaajat): people a coordinator adds to run a launched group. The one rule of
//! what a facilitator may see and do ([`Facilitation::facilitates`]), the one-time invitation
//! link ([`redeem`]) and when a parent's name may be shown to one ([`name_for_facilitators`]).
//!
//! A facilitator is added in one of two ways: by a coordinator's one-time link (they give their
//! name and consent in the chat, and the record is theirs: sealed under their own key, erased
//! with `/forget`), or by Telegram id in the config (`[[facilitators]]`). Either way they are
//! the facilitator of some groups, and see nothing of any other group.

use super::privacy::{ConsentRecord, Consents};
use super::{GroupId, UserId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// How long an invitation link works: a week, long enough to pass it on by e-mail or in
/// person, short enough that a forgotten link does not linger.
pub const INVITE_VALID: Duration = Duration::days(7);

/// The privacy notice version from which a parent's name-sharing consent names "the
/// coordinator and the group's facilitators". A consent given under an older notice named the
/// coordinator only: it does not show the name to a facilitator until given again.
pub const NAMES_FACILITATORS_FROM: u32 = 2;

/// The deep-link payload prefix of a facilitator invitation. No group id contains `_`, and no
/// other payload starts with it, so `f_<token>` is never read as anything else.
pub const PAYLOAD_PREFIX: &str = "f_";

/// A facilitator added through the chat.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facilitator {
    /// Their Telegram id.
    pub user: UserId,
    /// The name they gave, shown to the coordinators and to nobody else.
    pub name: String,
    /// The groups they facilitate.
    pub groups: Vec<GroupId>,
    /// Their consent to keep this record, and to which notice version.
    pub consent: ConsentRecord,
    /// The coordinator whose link they opened (last).
    pub added_by: UserId,
}

/// A one-time invitation link, made by a coordinator for some groups.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FacilitatorInvite {
    /// The unguessable token in the link (22 characters of base64url).
    pub token: String,
    /// The groups the person who opens it will facilitate.
    pub groups: Vec<GroupId>,
    /// The coordinator who made it.
    pub by: UserId,
    /// Until when it works.
    pub expires: DateTime<Utc>,
    /// Who used it, once used: a link works once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used_by: Option<UserId>,
}

impl FacilitatorInvite {
    /// A new link made at `now` by `by` for `groups`.
    #[must_use]
    pub fn new(token: String, groups: Vec<GroupId>, by: UserId, now: DateTime<Utc>) -> Self {
        Self {
            token,
            groups,
            by,
            expires: now + INVITE_VALID,
            used_by: None,
        }
    }

    /// The `/start` payload of the link: `f_` and the token, at most 24 characters of
    /// `A-Za-z0-9_-`.
    #[must_use]
    pub fn payload(&self) -> String {
        format!("{PAYLOAD_PREFIX}{}", self.token)
    }
}

/// Why a link does not work (the person is told so, in the same words for every reason but
/// "already yours", so a link cannot be probed).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    /// No such link, used by someone else, or expired.
    NotValid,
}

/// Whether `user` may use the link `invite` at `now`: it exists, has not expired and was not
/// used by someone else (opening one's own used link again is harmless and changes nothing).
///
/// # Errors
/// [`Refused::NotValid`] for a missing, expired or someone else's used link.
pub fn redeem(
    invite: Option<&FacilitatorInvite>,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<&FacilitatorInvite, Refused> {
    match invite {
        Some(i) if i.used_by.is_some_and(|u| u != user) => Err(Refused::NotValid),
        Some(i) if i.used_by.is_none() && now >= i.expires => Err(Refused::NotValid),
        Some(i) => Ok(i),
        None => Err(Refused::NotValid),
    }
}

/// The record after `user` accepted `invite` with `name` and `consent`: a new facilitator, or
/// the one they were, with the link's groups added.
#[must_use]
pub fn accept(
    existing: Option<Facilitator>,
    invite: &FacilitatorInvite,
    user: UserId,
    name: String,
    consent: ConsentRecord,
) -> Facilitator {
    let mut f = existing.unwrap_or(Facilitator {
        user,
        name: String::new(),
        groups: Vec::new(),
        consent,
        added_by: invite.by,
    });
    f.name = name;
    f.consent = consent;
    f.added_by = invite.by;
    for g in &invite.groups {
        if !f.groups.contains(g) {
            f.groups.push(g.clone());
        }
    }
    f
}

/// Everyone who facilitates, from the store and from the config.
#[derive(Debug, Clone, Copy)]
pub struct Facilitation<'a> {
    /// Facilitators added through the chat.
    pub stored: &'a [Facilitator],
    /// Facilitators listed in the config: their id and groups.
    pub listed: &'a [(UserId, &'a [GroupId])],
}

impl Facilitation<'_> {
    /// The one question every facilitator's view, button and message asks: does `user`
    /// facilitate `group`? Everything else of a facilitator's is refused exactly as an unknown
    /// item is.
    #[must_use]
    pub fn facilitates(&self, user: UserId, group: &GroupId) -> bool {
        self.stored
            .iter()
            .any(|f| f.user == user && f.groups.contains(group))
            || self
                .listed
                .iter()
                .any(|(u, gs)| *u == user && gs.contains(group))
    }

    /// The groups `user` facilitates, each once, in the order given (`order`: the config's).
    #[must_use]
    pub fn groups_of<'g>(&self, user: UserId, order: &'g [GroupId]) -> Vec<&'g GroupId> {
        order.iter().filter(|g| self.facilitates(user, g)).collect()
    }

    /// Whether `user` facilitates any group.
    #[must_use]
    pub fn is_facilitator(&self, user: UserId) -> bool {
        self.stored
            .iter()
            .any(|f| f.user == user && !f.groups.is_empty())
            || self
                .listed
                .iter()
                .any(|(u, gs)| *u == user && !gs.is_empty())
    }

    /// The facilitators of `group`, each once: stored ones first, then the config's.
    #[must_use]
    pub fn of_group(&self, group: &GroupId) -> Vec<UserId> {
        let mut out: Vec<UserId> = Vec::new();
        let ids = self
            .stored
            .iter()
            .filter(|f| f.groups.contains(group))
            .map(|f| f.user)
            .chain(
                self.listed
                    .iter()
                    .filter(|(_, gs)| gs.contains(group))
                    .map(|(u, _)| *u),
            );
        for u in ids {
            if !out.contains(&u) {
                out.push(u);
            }
        }
        out
    }
}

/// Stands for an erased facilitator in a launch's crew (no Telegram account has id 0).
pub const ERASED: UserId = UserId(0);

/// Who was asked to facilitate a launch, and their answers; and whether the families'
/// invitations wait for a facilitator's yes (the coordinator's choice in the launch summary).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Crew {
    /// The launch.
    pub launch: u64,
    /// The facilitators asked, in the order chosen.
    pub asked: Vec<Asked>,
    /// The invitations to families wait until a facilitator has said yes.
    pub hold: bool,
}

/// One facilitator asked to take a launch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Asked {
    /// The facilitator.
    pub user: UserId,
    /// Their answer, once given: yes or no.
    pub answer: Option<bool>,
}

impl Crew {
    /// A launch's crew as the coordinator chose it: everyone asked, nobody answered.
    #[must_use]
    pub fn new(launch: u64, users: &[UserId], hold: bool) -> Self {
        let mut asked: Vec<Asked> = Vec::new();
        for u in users {
            if !asked.iter().any(|a| a.user == *u) {
                asked.push(Asked {
                    user: *u,
                    answer: None,
                });
            }
        }
        Self {
            launch,
            asked,
            hold,
        }
    }

    /// Whether `user` said yes.
    #[must_use]
    pub fn said_yes(&self, user: UserId) -> bool {
        self.asked
            .iter()
            .any(|a| a.user == user && a.answer == Some(true))
    }

    /// Whether anyone said yes.
    #[must_use]
    pub fn any_yes(&self) -> bool {
        self.asked.iter().any(|a| a.answer == Some(true))
    }

    /// The crew after `user` was erased (`/forget`): their place and answer are kept, so that
    /// the launch stays as it was decided (invitations released by their yes stay released),
    /// but their id goes (replaced by [`ERASED`]). `None` when they were not asked.
    #[must_use]
    pub fn forget(&self, user: UserId) -> Option<Crew> {
        if !self.asked.iter().any(|a| a.user == user) {
            return None;
        }
        let mut c = self.clone();
        for a in &mut c.asked {
            if a.user == user {
                a.user = ERASED;
            }
        }
        Some(c)
    }

    /// Whether `user` was asked and has not answered yet.
    #[must_use]
    pub fn awaits(&self, user: UserId) -> bool {
        self.asked
            .iter()
            .any(|a| a.user == user && a.answer.is_none())
    }
}

/// Whether a launch's invitations to families wait: the coordinator chose to wait for a
/// facilitator, and nobody has said yes yet. The sender plans no invitation while this holds;
/// the first yes lets them go.
#[must_use]
pub fn invitations_wait(crew: Option<&Crew>) -> bool {
    crew.is_some_and(|c| c.hold && !c.any_yes())
}

/// The coordinator lets a launch's held invitations go without waiting for a yes (say, when
/// everyone asked said no). `None` when they are not waiting.
#[must_use]
pub fn release(crew: &Crew) -> Option<Crew> {
    invitations_wait(Some(crew)).then(|| Crew {
        hold: false,
        ..crew.clone()
    })
}

/// Whether a facilitator of a launch's group sees the launch and its participants: of a launch
/// whose facilitators were asked, only those who said yes; of any other launch of their group,
/// every facilitator of it. (Whether they facilitate the group is asked apart, first.)
#[must_use]
pub fn sees_launch(crew: Option<&Crew>, user: UserId) -> bool {
    crew.is_none_or(|c| c.said_yes(user))
}

/// What a facilitator's answer to a launch proposal changes ([`answer`]).
pub type Answered = (Crew, Vec<(UserId, super::Outgoing)>, Vec<UserId>);

/// A facilitator's answer to a launch proposal: the crew after it, the news to the
/// coordinator, and who leads the launch's meetings from now on (with a yes, they do: they get
/// the meetings' reminders). `None` when they were not asked, or the answer changes nothing. A
/// yes may replace a no; a yes stands (the families may have been invited on it).
#[must_use]
pub fn answer(crew: &Crew, user: UserId, yes: bool, coordinator: UserId) -> Option<Answered> {
    let i = crew.asked.iter().position(|a| a.user == user)?;
    match crew.asked[i].answer {
        Some(true) => return None,
        Some(false) if !yes => return None,
        _ => {}
    }
    let mut c = crew.clone();
    c.asked[i].answer = Some(yes);
    let news = super::Outgoing::ProposalAnswered {
        launch: crew.launch,
        user,
        yes,
    };
    let leads = if yes { vec![user] } else { Vec::new() };
    Some((c, vec![(coordinator, news)], leads))
}

/// Whether a parent's name may be shown to a group's facilitators: only with the name-sharing
/// consent given under a notice that names them ([`NAMES_FACILITATORS_FROM`]) and not
/// withdrawn since.
#[must_use]
pub fn name_for_facilitators(c: &Consents) -> bool {
    match c.share {
        Some(s) => {
            s.version >= NAMES_FACILITATORS_FROM && c.share_withdrawn.is_none_or(|w| w < s.at)
        }
        None => false,
    }
}

/// Whether the parent should be asked again for the name-sharing consent, now that it names
/// the facilitators too: they shared their name under an older notice, and it stands.
#[must_use]
pub fn ask_again(c: &Consents) -> bool {
    match c.share {
        Some(s) => {
            s.version < NAMES_FACILITATORS_FROM && c.share_withdrawn.is_none_or(|w| w < s.at)
        }
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn g(s: &str) -> GroupId {
        GroupId::parse(s).unwrap()
    }
    fn t(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, 10, 0, 0).unwrap()
    }
    fn invite() -> FacilitatorInvite {
        FacilitatorInvite::new("A".repeat(22), vec![g("tilli-toukka")], UserId(1), t(1))
    }
    fn consent() -> ConsentRecord {
        ConsentRecord {
            at: t(2),
            version: 2,
        }
    }

    #[test]
    fn a_link_works_once_and_for_a_week() {
        let i = invite();
        assert!(redeem(Some(&i), UserId(5), t(7)).is_ok());
        assert_eq!(redeem(Some(&i), UserId(5), t(8)), Err(Refused::NotValid));
        assert_eq!(redeem(None, UserId(5), t(2)), Err(Refused::NotValid));
        let mut used = invite();
        used.used_by = Some(UserId(5));
        assert_eq!(redeem(Some(&used), UserId(6), t(2)), Err(Refused::NotValid));
        // Their own, opened again: harmless.
        assert!(redeem(Some(&used), UserId(5), t(20)).is_ok());
        assert!(i.payload().len() <= 64 && i.payload().starts_with("f_"));
        assert!(crate::domain::StartPayload::parse(&i.payload()).is_some());
    }

    #[test]
    fn accepting_adds_the_links_groups_once() {
        let mut i = invite();
        let f = accept(None, &i, UserId(5), "Maija".into(), consent());
        assert_eq!(f.groups, vec![g("tilli-toukka")]);
        i.groups = vec![g("tilli-toukka"), g("koululaiset")];
        let f = accept(Some(f), &i, UserId(5), "Maija M".into(), consent());
        assert_eq!(f.groups, vec![g("tilli-toukka"), g("koululaiset")]);
        assert_eq!(f.name, "Maija M");
    }

    #[test]
    fn a_facilitator_facilitates_their_groups_only() {
        let f = accept(None, &invite(), UserId(5), "Maija".into(), consent());
        let stored = [f];
        let listed_groups = [g("eron-edessa")];
        let listed = [(UserId(9), &listed_groups[..])];
        let all = Facilitation {
            stored: &stored,
            listed: &listed,
        };
        assert!(all.facilitates(UserId(5), &g("tilli-toukka")));
        assert!(!all.facilitates(UserId(5), &g("eron-edessa")));
        assert!(all.facilitates(UserId(9), &g("eron-edessa")));
        assert!(!all.facilitates(UserId(9), &g("tilli-toukka")));
        assert!(!all.facilitates(UserId(1), &g("tilli-toukka")));
        assert!(all.is_facilitator(UserId(9)) && !all.is_facilitator(UserId(1)));
        assert_eq!(all.of_group(&g("tilli-toukka")), vec![UserId(5)]);
        let order = [g("tilli-toukka"), g("eron-edessa")];
        assert_eq!(all.groups_of(UserId(9), &order), vec![&order[1]]);
    }

    #[test]
    fn invitations_wait_for_the_first_yes_and_only_those_who_said_yes_see_the_launch() {
        let (a, b, coord) = (UserId(5), UserId(6), UserId(1));
        let crew = Crew::new(7, &[a, b, a], true);
        assert_eq!(crew.asked.len(), 2, "each asked once");
        assert!(invitations_wait(Some(&crew)));
        assert!(!invitations_wait(None));
        assert!(!invitations_wait(Some(&Crew::new(7, &[a], false))));
        assert!(sees_launch(None, a));
        assert!(!sees_launch(Some(&crew), a));
        let released = release(&crew).expect("held");
        assert!(!invitations_wait(Some(&released)) && release(&released).is_none());
        // Not asked: nothing.
        assert!(answer(&crew, UserId(9), true, coord).is_none());
        let (crew, news, leads) = answer(&crew, b, false, coord).unwrap();
        assert!(leads.is_empty());
        assert_eq!(
            news,
            vec![(
                coord,
                super::super::Outgoing::ProposalAnswered {
                    launch: 7,
                    user: b,
                    yes: false
                }
            )]
        );
        assert!(invitations_wait(Some(&crew)));
        assert!(
            answer(&crew, b, false, coord).is_none(),
            "the same no again"
        );
        let (crew, _, leads) = answer(&crew, a, true, coord).unwrap();
        assert_eq!(leads, vec![a], "a yes leads the meetings");
        assert!(!invitations_wait(Some(&crew)));
        assert!(sees_launch(Some(&crew), a) && !sees_launch(Some(&crew), b));
        assert!(answer(&crew, a, false, coord).is_none(), "a yes stands");
        let (crew, _, _) = answer(&crew, b, true, coord).unwrap();
        assert!(crew.said_yes(b) && !crew.awaits(b));
        // Erased: the id goes, the yes stays.
        let gone = crew.forget(a).unwrap();
        assert!(!gone.said_yes(a) && gone.any_yes() && gone.said_yes(ERASED));
        assert!(gone.forget(a).is_none());
    }

    #[test]
    fn names_reach_facilitators_only_with_the_new_consent() {
        let old = ConsentRecord {
            at: t(1),
            version: 1,
        };
        let mut c = Consents {
            required: Some(old),
            share: Some(old),
            share_withdrawn: None,
        };
        assert!(!name_for_facilitators(&c));
        assert!(ask_again(&c));
        c.share = Some(consent());
        assert!(name_for_facilitators(&c));
        assert!(!ask_again(&c));
        c.share_withdrawn = Some(t(3));
        assert!(!name_for_facilitators(&c));
        assert!(!ask_again(&c));
        c.share = None;
        assert!(!name_for_facilitators(&c) && !ask_again(&c));
    }
}
