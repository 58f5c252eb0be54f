//! A parent's registration of interest in one group, and the demand registrations add up to.

pub use super::child::{Child, Horizon};
use super::{AreaId, GroupId, Lang, Source, TimeId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// How a parent may be contacted by the group's coordinator: stored only when they consented.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// The Telegram display name (first and last name).
    pub name: String,
    /// The Telegram @username, if they have one.
    pub username: Option<String>,
}

/// The age range of a children's group, inclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AgeRange {
    /// Youngest age accepted.
    pub min: u8,
    /// Oldest age accepted.
    pub max: u8,
}

impl AgeRange {
    /// Whether a child of this age fits.
    #[must_use]
    pub fn contains(self, age: u8) -> bool {
        (self.min..=self.max).contains(&age)
    }
}

/// Whether a child of `age` may be registered for a group for children of `ages`. A group
/// without ages (a group for adults) takes no children at all.
#[must_use]
pub fn eligible(ages: Option<AgeRange>, age: u8) -> bool {
    ages.is_some_and(|r| r.contains(age))
}

/// The groups other than `except` that a child of `age` fits, in the order given: each group
/// as its id and its ages.
#[must_use]
pub fn fitting_groups<'a>(
    groups: impl IntoIterator<Item = (&'a GroupId, Option<AgeRange>)>,
    except: &GroupId,
    age: u8,
) -> Vec<&'a GroupId> {
    groups
        .into_iter()
        .filter(|(id, ages)| *id != except && eligible(*ages, age))
        .map(|(id, _)| id)
        .collect()
}

/// The children of `children` a group for children of `ages` can take at its expected start
/// ([`Horizon::fits`]), in their order.
#[must_use]
pub fn eligible_children(
    ages: Option<AgeRange>,
    children: &[Child],
    horizon: Horizon,
    now: DateTime<Utc>,
) -> Vec<Child> {
    children
        .iter()
        .copied()
        .filter(|c| horizon.fits(ages, *c, now))
        .collect()
}

/// One parent's interest in one group. A parent has at most one per group: registering again
/// updates it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Registration {
    /// Who registered.
    pub user: UserId,
    /// For which group.
    pub group: GroupId,
    /// The children, by birth year and month ([`Child`]: ages are computed for the day they
    /// are shown); empty for a group for adults.
    pub children: Vec<Child>,
    /// Where the family would attend.
    pub area: AreaId,
    /// The language the group should run in.
    pub lang: Lang,
    /// The times that suit, in config order.
    pub times: Vec<TimeId>,
    /// Contact details shared with the coordinator, only with the optional consent.
    pub contact: Option<Contact>,
    /// Which poster or link brought them, for the coordinator's statistics.
    pub source: Option<Source>,
    /// When it was first confirmed; registration order is the order of invitations.
    pub created_at: DateTime<Utc>,
    /// When the answers last changed.
    pub updated_at: DateTime<Utc>,
    /// Waiting for a group, or taken into a launch. Only waiting registrations count as demand.
    #[serde(default)]
    pub status: Status,
    /// When the parent was told that the registration will be deleted at the end of the
    /// retention period; confirming it again starts the period anew (and clears this).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expiry_notice: Option<DateTime<Utc>>,
    /// When the parent consented, and to which version of the notice: the proof of consent.
    #[serde(default)]
    pub consents: super::privacy::Consents,
    /// When the parent last said they are still interested (a button, not an edit): with
    /// `updated_at`, what [`Registration::confirmed_at`] counts renewal and retention from.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewed_at: Option<DateTime<Utc>>,
    /// When the parent was asked whether they are still interested and has not answered yet
    /// ([`super::renewal`]); no answer within the answer time pauses the registration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub renewal_asked: Option<DateTime<Utc>>,
    /// The parent's private note to the group's coordinators ("not in the same group as …"),
    /// optional, at most [`MAX_NOTE_CHARS`] characters, cleaned of invisible controls. Sealed
    /// with the registration; shown only to the coordinators who see its pool, and to the
    /// parent (the summary, `/mine`, `/mydata`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Set when a coordinator added the registration by hand for a family without Telegram
    /// (`/add`): then [`Registration::user`] is a synthetic id ([`super::added`]) and the
    /// family's messages go to the coordinator who added it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub added: Option<super::added::Added>,
}

/// The longest private note to the coordinator a parent can leave: a few sentences.
pub const MAX_NOTE_CHARS: usize = 500;

/// A typed note as it is kept: cleaned of invisible controls and trimmed; `None` when nothing
/// is left, `Err` with the length when it is longer than [`MAX_NOTE_CHARS`].
pub fn note(typed: &str) -> Result<Option<String>, usize> {
    let cleaned = super::text::clean(typed);
    let t = cleaned.trim();
    let n = t.chars().count();
    if n > MAX_NOTE_CHARS {
        return Err(n);
    }
    Ok((!t.is_empty()).then(|| t.to_owned()))
}

/// Where a registration stands with respect to launches.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum Status {
    /// Counts towards the next group.
    #[default]
    Waiting,
    /// Invited to a launched group; the answer is awaited.
    Invited {
        /// The launch.
        launch: u64,
    },
    /// Accepted a place in a launched group.
    Accepted {
        /// The launch.
        launch: u64,
    },
    /// Kept, but neither counted as demand nor invited, until the parent says they are still
    /// interested ([`Registration::renew`]): the same silent family must not make a pool
    /// cross its threshold again.
    Paused {
        /// Why it is paused.
        why: Pause,
    },
}

/// Why a registration is paused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum Pause {
    /// An invitation to this launch was not answered in time.
    InvitationExpired {
        /// The launch.
        launch: u64,
    },
    /// The periodic question "still interested?" was not answered in time
    /// ([`super::renewal`]).
    Unrenewed,
    /// Every child of a family added by hand grew out of the group while waiting
    /// ([`super::child::grow`]). A parent's registration would end; this one is kept, counted
    /// nowhere and not to be taken up again, for the coordinator who added the family: their
    /// notice needs its label, and their button adding the family to the group that fits now
    /// its answers. They withdraw it (or retention ends it).
    AgedOut,
}

impl Registration {
    /// When the parent last confirmed their interest: by saving their answers or by saying they
    /// are still interested. Renewal and retention both count from here.
    #[must_use]
    pub fn confirmed_at(&self) -> DateTime<Utc> {
        self.renewed_at
            .map_or(self.updated_at, |t| t.max(self.updated_at))
    }

    /// The parent says they are still interested (from the renewal question, the retention
    /// notice or `/mine`): the question is answered, the retention period starts anew, and a
    /// paused registration waits (and counts) again. `None` for one invited to or accepted
    /// into a launch: the invitation's answer says it all there.
    #[must_use]
    pub fn renew(&self, now: DateTime<Utc>) -> Option<Registration> {
        (matches!(self.status, Status::Waiting | Status::Paused { .. }) && !self.grown_out()).then(
            || Registration {
                status: Status::Waiting,
                renewed_at: Some(now),
                renewal_asked: None,
                expiry_notice: None,
                ..self.clone()
            },
        )
    }

    /// Whether this is a family added by hand whose children all grew out of the group
    /// ([`Pause::AgedOut`]): kept for its coordinator, never taken up again.
    #[must_use]
    pub fn grown_out(&self) -> bool {
        matches!(
            self.status,
            Status::Paused {
                why: Pause::AgedOut
            }
        )
    }

    /// How many people this registration brings to the group: the children for a children's
    /// group, the parent for an adults' group. Thresholds and capacities count these.
    #[must_use]
    pub fn participants(&self) -> usize {
        if self.children.is_empty() {
            1
        } else {
            self.children.len()
        }
    }
}

/// Demand for a group in one area (and language, where the group counts languages apart):
/// what the threshold is compared against.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Demand {
    /// Registrations (families).
    pub families: usize,
    /// Participants, see [`Registration::participants`].
    pub participants: usize,
}

impl Demand {
    /// Adds one registration to the count.
    pub fn add(&mut self, r: &Registration) {
        self.families += 1;
        self.participants += r.participants();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> GroupId {
        GroupId::parse(s).unwrap_or_else(|e| panic!("{e}"))
    }

    const SMALL: AgeRange = AgeRange { min: 4, max: 6 };
    const SCHOOL: AgeRange = AgeRange { min: 7, max: 12 };

    #[test]
    fn a_child_fits_a_group_only_within_its_ages_and_never_an_adults_group() {
        assert!(eligible(Some(SMALL), 4));
        assert!(eligible(Some(SMALL), 6));
        assert!(!eligible(Some(SMALL), 3));
        assert!(!eligible(Some(SMALL), 7));
        assert!(!eligible(None, 5), "a group for adults takes no children");
    }

    #[test]
    fn the_other_groups_that_fit_are_listed_in_order_without_the_current_one() {
        let (tilli, koulu, koulu2, aikuiset) =
            (id("tilli"), id("koulu"), id("koulu-2"), id("aikuiset"));
        let groups = [
            (&tilli, Some(SMALL)),
            (&koulu, Some(SCHOOL)),
            (&aikuiset, None),
            (&koulu2, Some(AgeRange { min: 8, max: 10 })),
        ];
        assert_eq!(fitting_groups(groups, &tilli, 8), vec![&koulu, &koulu2]);
        assert_eq!(fitting_groups(groups, &koulu, 8), vec![&koulu2]);
        assert_eq!(fitting_groups(groups, &koulu, 5), vec![&tilli]);
        assert!(fitting_groups(groups, &tilli, 15).is_empty());
    }

    #[test]
    fn a_note_is_kept_cleaned_and_trimmed_and_refused_when_too_long() {
        assert_eq!(
            note("  ei samaan ryhmään\u{202E} kuin Matti  "),
            Ok(Some("ei samaan ryhmään kuin Matti".to_owned()))
        );
        assert_eq!(note(" \u{200B} "), Ok(None));
        let long = "a".repeat(MAX_NOTE_CHARS);
        assert_eq!(note(&long), Ok(Some(long.clone())));
        assert_eq!(note(&format!("{long}ä")), Err(MAX_NOTE_CHARS + 1));
    }

    #[test]
    fn only_the_children_a_group_takes_are_kept_in_order() {
        use chrono::TimeZone;
        let now = Utc.with_ymd_and_hms(2026, 6, 1, 9, 0, 0).unwrap();
        let today = super::super::child::today(now);
        let kids =
            |ages: &[u8]| -> Vec<Child> { ages.iter().map(|a| Child::of_age(*a, today)).collect() };
        let h = Horizon::default();
        assert_eq!(
            eligible_children(Some(SMALL), &kids(&[7, 5, 3, 4]), h, now),
            kids(&[5, 4])
        );
        assert_eq!(
            eligible_children(Some(SCHOOL), &kids(&[7, 5, 12]), h, now),
            kids(&[7, 12])
        );
        assert!(eligible_children(None, &kids(&[5, 8]), h, now).is_empty());
    }
}
