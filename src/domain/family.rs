//! Both parents, one child: a registration for a children's group that the first parent shared
//! with the child's other parent.
//!
//! A shared family is still **one registration** — the first parent's, or after they leave, the
//! other parent's — so the children are counted once everywhere demand is counted (counters and
//! their breakdowns, alerts, launches, exports, `/demand`, the web page) without any rule of
//! its own: one family, one record, one count. What the other parent adds (their consent, their
//! own times, their name with their own consent) and the children as the family shares them
//! live in a [`Family`] record beside it, sealed under a family key that goes when the last
//! parent goes.
//!
//! The rules here are pure: making and revoking a one-time link ([`share`], [`revoke`]),
//! checking a link someone opened ([`check_link`]), joining ([`join`]), and a parent leaving
//! ([`leave`]: the other parent takes the registration over; the last one takes it with them).

use super::privacy::Consents;
use super::{AreaId, Contact, GroupId, Lang, Registration, TimeId, UserId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// Characters of a link token: 128 random bits in base 36 (`a-z0-9`: no capitals, so a token
/// never spells a word such as "QR" in a parent's message).
pub const TOKEN_LEN: usize = 25;

/// The prefix of a family link's `/start` payload (`f_<token>`): no group id has an underscore.
pub const PAYLOAD_PREFIX: &str = "f_";

const BASE36: &[u8; 36] = b"0123456789abcdefghijklmnopqrstuvwxyz";

/// A shared family's id: 16 random bytes, written as hex. Also names the family's data key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FamilyId(pub [u8; 16]);

impl From<FamilyId> for String {
    fn from(id: FamilyId) -> String {
        id.0.iter().map(|b| format!("{b:02x}")).collect()
    }
}

impl TryFrom<String> for FamilyId {
    type Error = super::IdError;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        let bad = || super::IdError(format!("family id {s:?} is not 32 hex digits"));
        if s.len() != 32 || !s.is_ascii() {
            return Err(bad());
        }
        let mut out = [0u8; 16];
        for (i, b) in out.iter_mut().enumerate() {
            *b = u8::from_str_radix(&s[2 * i..2 * i + 2], 16).map_err(|_| bad())?;
        }
        Ok(FamilyId(out))
    }
}

impl FamilyId {
    /// The id a family moves to when a parent leaves it: the record is sealed anew under a
    /// new family key and the old key is destroyed, so the copies sled's log keeps of the
    /// record as it was (with the leaving parent's answers) no longer open.
    #[must_use]
    pub fn next(self) -> FamilyId {
        use sha2::{Digest, Sha256};
        let mut h = Sha256::new();
        h.update(b"kokoon/family/next\0");
        h.update(self.0);
        let mut out = [0u8; 16];
        out.copy_from_slice(&h.finalize()[..16]);
        FamilyId(out)
    }
}

/// A one-time link's token, from 16 random bytes: 25 characters of `a-z0-9`.
#[must_use]
pub fn token_from(bytes: [u8; 16]) -> String {
    let mut n = u128::from_be_bytes(bytes);
    let mut out = Vec::with_capacity(TOKEN_LEN);
    for _ in 0..TOKEN_LEN {
        out.push(BASE36[(n % 36) as usize]);
        n /= 36;
    }
    String::from_utf8(out).unwrap_or_default()
}

/// The token of a family link's `/start` payload, if the payload is one (well formed; whether
/// it is a real link is for [`check_link`]).
#[must_use]
pub fn parse_payload(payload: &str) -> Option<&str> {
    let t = payload.trim().strip_prefix(PAYLOAD_PREFIX)?;
    (t.len() == TOKEN_LEN
        && t.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit()))
    .then_some(t)
}

/// The `/start` payload of a link (27 characters, well inside Telegram's 64).
#[must_use]
pub fn payload(token: &str) -> String {
    format!("{PAYLOAD_PREFIX}{token}")
}

/// A one-time link the first parent made and has not seen used yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShareLink {
    /// The unguessable token in the link.
    pub token: String,
    /// When it was made.
    pub made_at: DateTime<Utc>,
    /// When it stops working (`[families] share_link_days` after it was made).
    pub expires_at: DateTime<Utc>,
}

/// The other parent, as they joined through a link: their own consent, their own answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OtherParent {
    /// Who they are.
    pub user: UserId,
    /// When they consented, to which notice; their name-sharing consent.
    pub consents: Consents,
    /// The times that suit them too (may be none).
    #[serde(default)]
    pub times: Vec<TimeId>,
    /// Their name for the coordinator, only with their own consent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub contact: Option<Contact>,
    /// When they joined.
    pub joined_at: DateTime<Utc>,
    /// Their own private note to the group's coordinators (optional; never shown to the
    /// first parent), sealed with the family record: it goes when they leave.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A registration shared by two parents: what the family shares, and who holds it. Sealed
/// under the family's own data key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Family {
    /// The id (and the name of the family key).
    pub id: FamilyId,
    /// The parent whose registration counts for the family.
    pub holder: UserId,
    /// The group.
    pub group: GroupId,
    /// The children, as the family's registration has them: what the other parent sees.
    pub children: Vec<super::Child>,
    /// The area.
    pub area: AreaId,
    /// The language the group should run in, as the family's registration has it (shown to
    /// the other parent; they are spoken to in their own language).
    pub lang: Lang,
    /// The other parent, once they joined.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub other: Option<OtherParent>,
    /// An unused link, if one is out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub link: Option<ShareLink>,
    /// The token of the link the other parent joined through, so that opening it again is
    /// answered "used already" rather than "unknown".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub used: Option<String>,
}

impl Family {
    /// The parents in it: the holder, then the other parent.
    #[must_use]
    pub fn parents(&self) -> Vec<UserId> {
        std::iter::once(self.holder)
            .chain(self.other.as_ref().map(|o| o.user))
            .collect()
    }

    /// Whether `user` is one of the parents.
    #[must_use]
    pub fn has(&self, user: UserId) -> bool {
        self.parents().contains(&user)
    }
}

/// Whether a registration may be shared: a children's registration that is not over.
#[must_use]
pub fn shareable(r: &Registration) -> bool {
    // A family added by hand by a coordinator has no parent in kokoon to share it.
    !r.children.is_empty() && r.added.is_none()
}

/// The first parent makes a link (or a new one in place of an unused one): the family record
/// as it is after. `existing` is the family the registration already names, if any; `fresh`
/// names a new one otherwise. `None` when the registration cannot be shared, or a second
/// parent is in already.
#[must_use]
pub fn share(
    r: &Registration,
    existing: Option<&Family>,
    fresh: FamilyId,
    token: String,
    now: DateTime<Utc>,
    valid: Duration,
) -> Option<Family> {
    if !shareable(r) || existing.is_some_and(|f| f.other.is_some() || f.holder != r.user) {
        return None;
    }
    let link = Some(ShareLink {
        token,
        made_at: now,
        expires_at: now + valid,
    });
    Some(Family {
        id: existing.map_or(fresh, |f| f.id),
        holder: r.user,
        group: r.group.clone(),
        children: r.children.clone(),
        area: r.area.clone(),
        lang: r.lang,
        other: None,
        link,
        used: existing.and_then(|f| f.used.clone()),
    })
}

/// The first parent takes back an unused link. `None` when there is none.
#[must_use]
pub fn revoke(f: &Family) -> Option<Family> {
    f.link.as_ref()?;
    Some(Family {
        link: None,
        ..f.clone()
    })
}

/// Why a link someone opened does not let them in. Each gets a friendly answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkProblem {
    /// No link has this token: mistyped, forged, revoked, or its family is gone.
    Unknown,
    /// It was made too long ago.
    Expired,
    /// It was used already (a second parent is in).
    Used,
    /// The first parent opened their own link.
    Own,
    /// They have a registration of their own for the family's group: joining would count the
    /// children twice, so they withdraw their own first.
    HasOwn,
}

/// Checks a link `token` opened by `user` at `now` against the family that has it (`None`
/// when none has).
pub fn check_link(
    f: Option<&Family>,
    token: &str,
    user: UserId,
    now: DateTime<Utc>,
) -> Result<(), LinkProblem> {
    let f = f.ok_or(LinkProblem::Unknown)?;
    if f.used.as_deref() == Some(token) {
        return Err(LinkProblem::Used);
    }
    if f.holder == user {
        return Err(LinkProblem::Own);
    }
    if f.other.is_some() {
        return Err(LinkProblem::Used);
    }
    let link = f
        .link
        .as_ref()
        .filter(|l| l.token == token)
        .ok_or(LinkProblem::Unknown)?;
    if now >= link.expires_at {
        return Err(LinkProblem::Expired);
    }
    Ok(())
}

/// Whether someone with registrations `own` may join family `f`: not while one of them is
/// for the family's group (the children would count twice; they withdraw it first).
pub fn may_join(f: &Family, own: &[Registration]) -> Result<(), LinkProblem> {
    if own.iter().any(|r| r.group == f.group) {
        Err(LinkProblem::HasOwn)
    } else {
        Ok(())
    }
}

/// The family of `group` that `user` is the other parent of, if any: while they are, they do
/// not start a registration of their own for that group (the children would count twice).
#[must_use]
pub fn joined_in<'f>(families: &'f [Family], user: UserId, group: &GroupId) -> Option<&'f Family> {
    families
        .iter()
        .find(|f| &f.group == group && f.other.as_ref().is_some_and(|o| o.user == user))
}

/// Whether `user`, whose registrations are `own`, may start or save a registration of their
/// own for `group`, by any way in (the group's link, the menu, the group offered for a child's
/// age): one they have may always be changed; a new one not while they are the other parent of
/// the group's family in `families` (the children would count twice).
#[must_use]
pub fn may_register(
    families: &[Family],
    own: &[Registration],
    user: UserId,
    group: &GroupId,
) -> bool {
    own.iter().any(|r| &r.group == group) || joined_in(families, user, group).is_none()
}

/// The other parent, whose registrations are `own`, joins through a valid link: the link is
/// used up.
pub fn join(
    f: &Family,
    token: &str,
    other: OtherParent,
    own: &[Registration],
    now: DateTime<Utc>,
) -> Result<Family, LinkProblem> {
    check_link(Some(f), token, other.user, now)?;
    may_join(f, own)?;
    Ok(Family {
        other: Some(other),
        link: None,
        used: Some(token.to_owned()),
        ..f.clone()
    })
}

/// What a parent's leaving (withdrawing, `/forget`, being unlinked) does to a family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Leaving {
    /// Not theirs: nothing changes.
    Nothing,
    /// The family record as it is now (one parent fewer, or no link); the registration stays.
    Keep(Family),
    /// The holder left and the other parent takes the registration over: the family record
    /// and the registration now in the other parent's name (their own consent, times and
    /// name; the children, area, group, language, place in line and status kept). The
    /// holder's own registration is deleted.
    HandOver(Family, Box<Registration>),
    /// The last parent left: the family record and its key go.
    Last,
}

/// `user` leaves family `f`, whose counted registration is `r` (the holder's, if still
/// there). The registration stays while one parent holds it; the one who leaves takes only
/// their own answers with them.
#[must_use]
pub fn leave(f: &Family, r: Option<&Registration>, user: UserId, now: DateTime<Utc>) -> Leaving {
    if f.other.as_ref().is_some_and(|o| o.user == user) {
        return Leaving::Keep(Family {
            other: None,
            ..f.clone()
        });
    }
    if f.holder != user {
        return Leaving::Nothing;
    }
    match (&f.other, r) {
        (Some(o), Some(r)) => {
            let registration = Registration {
                user: o.user,
                times: o.times.clone(),
                contact: o.contact.clone(),
                consents: o.consents,
                updated_at: now,
                // The family's place in line (`created_at`) and where it stands in a launch
                // (`status`) are kept.
                expiry_notice: None,
                renewal_asked: None,
                // The private note to the coordinator was the leaving parent's own.
                note: None,
                ..r.clone()
            };
            let family = Family {
                holder: o.user,
                other: None,
                link: None,
                ..f.clone()
            };
            Leaving::HandOver(family, Box::new(registration))
        }
        _ => Leaving::Last,
    }
}

/// The other parent changes (or, with `None`, removes) their own note to the coordinators.
/// `None` when `user` is not the family's other parent.
#[must_use]
pub fn set_note(f: &Family, user: UserId, note: Option<String>) -> Option<Family> {
    let o = f.other.as_ref().filter(|o| o.user == user)?;
    Some(Family {
        other: Some(OtherParent { note, ..o.clone() }),
        ..f.clone()
    })
}

/// Either parent takes the family's paused registration (`r`, its holder's) up again: it waits
/// and counts again, as when the holder does ([`Registration::renew`]) — the family's place in
/// line is both parents'. `None` when `user` is not one of the family's parents, `r` is not the
/// family's registration, or it is not paused.
#[must_use]
pub fn resume(
    f: &Family,
    user: UserId,
    r: &Registration,
    now: DateTime<Utc>,
) -> Option<Registration> {
    let ours = f.has(user) && r.user == f.holder && r.group == f.group;
    (ours && matches!(r.status, super::Status::Paused { .. }))
        .then(|| r.renew(now))
        .flatten()
}

/// Whether the other parent's change of their note (to `note`, or none) leaves a copy of the
/// old note behind: they had one, and it changes. Then the family record is sealed anew under
/// a new family key and the old key destroyed ([`FamilyId::next`]), as when a parent leaves,
/// so the copies sled's log keeps of the old note no longer open.
#[must_use]
pub fn note_replaced(f: &Family, user: UserId, note: Option<&str>) -> bool {
    f.other
        .as_ref()
        .filter(|o| o.user == user)
        .and_then(|o| o.note.as_deref())
        .is_some_and(|old| Some(old) != note)
}

/// Whether family `f` has nothing left to share: its holder's registration (`holder_reg`, as
/// stored now) is gone — purged by retention, or erased. The family record and its key go too,
/// with both parents' parts of it.
#[must_use]
pub fn orphaned(f: &Family, holder_reg: Option<&Registration>) -> bool {
    !holder_reg.is_some_and(|r| r.user == f.holder && r.group == f.group)
}

/// The contacts a coordinator may see for the family of registration `r`: the registration's
/// own (its holder's, with their consent), then the other parent's if the family is shared
/// (`families`) and they consented too. Each parent's name only with their own consent.
#[must_use]
pub fn contacts(r: &Registration, families: &[Family]) -> Vec<Contact> {
    let other = families
        .iter()
        .find(|f| f.holder == r.user && f.group == r.group)
        .and_then(|f| f.other.as_ref())
        .and_then(|o| o.contact.clone());
    r.contact.iter().cloned().chain(other).collect()
}

/// Registrations of one pool in the order a coordinator's waiting list shows them: in
/// registration order, except that registrations that may be of the same children are moved
/// up right after the earliest of them, each with that one's position in the result (0-based)
/// — registered separately by each parent (or by more than two people caring for them)
/// without the link, for the coordinator to check and merge by hand. Two or more children of
/// the same birth years tell a family apart: however many registrations share them, they stand
/// together. One child's birth year does not (a pool of 4–6-year-olds has a third of its
/// children born in each year): such registrations are paired only when exactly two share it,
/// and three or more stay in order, so that the hint does not fall on half the list.
/// Registrations without children (an adults' group) are never grouped.
#[must_use]
pub fn side_by_side(regs: &[Registration]) -> Vec<(&Registration, Option<usize>)> {
    // The same ages: the same birth years (a month typed by one parent and not by the other
    // does not tell them apart).
    let mut by_ages: std::collections::HashMap<Vec<u16>, Vec<usize>> = Default::default();
    for (i, r) in regs
        .iter()
        .enumerate()
        .filter(|(_, r)| !r.children.is_empty())
    {
        let mut a: Vec<u16> = r.children.iter().map(|c| c.year).collect();
        a.sort_unstable();
        by_ages.entry(a).or_default().push(i);
    }
    // The later ones of each set of the same ages, by the earliest (indexes ascend).
    let mut later: std::collections::HashMap<usize, Vec<usize>> = Default::default();
    for (ages, same) in &by_ages {
        if ages.len() == 1 && same.len() > 2 {
            continue; // one child of a common birth year: no hint
        }
        if let Some((first, rest)) = same.split_first() {
            let rest: Vec<usize> = rest
                .iter()
                .copied()
                .filter(|j| regs[*j].user != regs[*first].user)
                .collect();
            if !rest.is_empty() {
                later.insert(*first, rest);
            }
        }
    }
    let mut placed = vec![false; regs.len()];
    let mut out: Vec<(&Registration, Option<usize>)> = Vec::with_capacity(regs.len());
    for i in 0..regs.len() {
        if placed[i] {
            continue;
        }
        placed[i] = true;
        let first = out.len();
        out.push((&regs[i], None));
        for &j in later.get(&i).into_iter().flatten() {
            placed[j] = true;
            out.push((&regs[j], Some(first)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::Status;
    use chrono::TimeZone;

    fn t(d: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, d, 12, 0, 0).unwrap()
    }

    /// A registration of children of these ages (born that many years before 2026).
    fn reg(user: u64, ages: Vec<u8>) -> Registration {
        Registration {
            user: UserId(user),
            group: GroupId::parse("tilli-toukka").unwrap(),
            children: ages
                .iter()
                .map(|a| crate::domain::Child {
                    year: 2026 - u16::from(*a),
                    month: None,
                })
                .collect(),
            area: AreaId::parse("hyvinkaa").unwrap(),
            lang: Lang::Sv,
            times: vec![TimeId::parse("weekday-evening").unwrap()],
            contact: Some(Contact {
                name: "Aino".into(),
                username: None,
            }),
            source: None,
            created_at: t(1),
            updated_at: t(1),
            status: Status::Waiting,
            expiry_notice: None,
            consents: Consents::default(),
            renewed_at: None,
            renewal_asked: None,
            note: Some("Aino's note".into()),
            added: None,
        }
    }

    fn other(user: u64) -> OtherParent {
        OtherParent {
            user: UserId(user),
            consents: Consents::default(),
            times: vec![],
            contact: None,
            joined_at: t(3),
            note: None,
        }
    }

    const TWO_WEEKS: i64 = 14;

    #[test]
    fn a_token_is_22_letters_and_digits_and_reads_back_from_its_payload() {
        let a = token_from([7; 16]);
        let b = token_from([8; 16]);
        assert_eq!(a.len(), TOKEN_LEN);
        assert_ne!(a, b);
        let p = payload(&a);
        assert!(p.len() <= 64);
        assert_eq!(parse_payload(&p), Some(a.as_str()));
        assert_eq!(parse_payload("f_short"), None);
        assert_eq!(parse_payload("tilli-toukka"), None);
        let id = FamilyId([0xab; 16]);
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(serde_json::from_str::<FamilyId>(&json).unwrap(), id);
    }

    #[test]
    fn a_link_works_once_for_someone_else_until_it_expires() {
        let r = reg(1, vec![5]);
        let f = share(
            &r,
            None,
            FamilyId([1; 16]),
            "tok".into(),
            t(1),
            Duration::days(TWO_WEEKS),
        )
        .expect("shared");
        assert_eq!(check_link(Some(&f), "tok", UserId(2), t(2)), Ok(()));
        assert_eq!(
            check_link(Some(&f), "tok", UserId(1), t(2)),
            Err(LinkProblem::Own)
        );
        assert_eq!(
            check_link(Some(&f), "forged", UserId(2), t(2)),
            Err(LinkProblem::Unknown)
        );
        assert_eq!(
            check_link(None, "tok", UserId(2), t(2)),
            Err(LinkProblem::Unknown)
        );
        assert_eq!(
            check_link(Some(&f), "tok", UserId(2), t(15)),
            Err(LinkProblem::Expired)
        );
        let joined = join(&f, "tok", other(2), &[], t(3)).expect("joined");
        assert_eq!(joined.parents(), vec![UserId(1), UserId(2)]);
        assert_eq!(joined.link, None);
        assert_eq!(
            join(&joined, "tok", other(3), &[], t(3)),
            Err(LinkProblem::Used)
        );
        let own = reg(2, vec![5]);
        assert_eq!(
            join(&f, "tok", other(2), std::slice::from_ref(&own), t(3)),
            Err(LinkProblem::HasOwn),
            "Ben registered the child himself: it would count twice"
        );
        assert_eq!(
            joined_in(std::slice::from_ref(&joined), UserId(2), &own.group).map(|f| f.id),
            Some(joined.id)
        );
        assert!(joined_in(std::slice::from_ref(&joined), UserId(1), &own.group).is_none());
        let families = std::slice::from_ref(&joined);
        assert!(
            !may_register(families, &[], UserId(2), &own.group),
            "Ben, in Aino's family, starts none of his own by any way in"
        );
        assert!(may_register(families, &[], UserId(3), &own.group));
        assert!(may_register(families, &[], UserId(1), &own.group));
        assert!(
            may_register(families, std::slice::from_ref(&own), UserId(2), &own.group),
            "one he has may be changed"
        );
        assert_eq!(revoke(&f).expect("revoked").link, None);
        assert_eq!(revoke(&joined), None, "no link left to revoke");
        assert_eq!(
            check_link(revoke(&f).as_ref(), "tok", UserId(2), t(2)),
            Err(LinkProblem::Unknown)
        );
        assert!(
            share(
                &reg(1, vec![]),
                None,
                FamilyId([1; 16]),
                "x".into(),
                t(1),
                Duration::days(1)
            )
            .is_none(),
            "an adults' registration has no children to share"
        );
    }

    #[test]
    fn a_coordinator_sees_each_parents_name_only_with_their_own_consent() {
        let r = reg(1, vec![5]);
        let f = share(
            &r,
            None,
            FamilyId([1; 16]),
            "tok".into(),
            t(1),
            Duration::days(14),
        )
        .expect("shared");
        let names = |r: &Registration, fs: &[Family]| -> Vec<String> {
            contacts(r, fs).into_iter().map(|c| c.name).collect()
        };
        assert_eq!(names(&r, std::slice::from_ref(&f)), vec!["Aino"]);
        let mut o = other(2);
        o.contact = Some(Contact {
            name: "Ben".into(),
            username: None,
        });
        let joined = join(&f, "tok", o, &[], t(2)).expect("joined");
        assert_eq!(
            names(&r, std::slice::from_ref(&joined)),
            vec!["Aino", "Ben"]
        );
        let private = Registration {
            contact: None,
            ..r.clone()
        };
        assert_eq!(names(&private, std::slice::from_ref(&joined)), vec!["Ben"]);
        assert_eq!(names(&private, &[f]), Vec::<String>::new());
        let elsewhere = Registration {
            user: UserId(3),
            ..r.clone()
        };
        assert_eq!(
            names(&elsewhere, &[joined]),
            vec!["Aino"],
            "not their family"
        );
    }

    #[test]
    fn registrations_with_the_same_childrens_ages_are_listed_side_by_side() {
        let order = |regs: &[Registration]| -> Vec<(u64, Option<usize>)> {
            side_by_side(regs)
                .into_iter()
                .map(|(r, m)| (r.user.0, m))
                .collect()
        };
        let regs = vec![
            reg(1, vec![5]),
            reg(2, vec![3, 7]),
            reg(3, vec![6]),
            reg(4, vec![5]),
            reg(5, vec![7, 3]),
        ];
        assert_eq!(
            order(&regs),
            vec![(1, None), (4, Some(0)), (2, None), (5, Some(2)), (3, None)]
        );
        // Three registrations of one five-year-old each: common, not a hint; they stay in
        // registration order.
        let regs = vec![
            reg(1, vec![5]),
            reg(2, vec![4]),
            reg(3, vec![5]),
            reg(4, vec![5]),
        ];
        assert_eq!(
            order(&regs),
            vec![(1, None), (2, None), (3, None), (4, None)]
        );
        // Three registrations of a five- and a three-year-old, made separately: all three side
        // by side, each later one pointing at the first; the four-year-old after them.
        let regs = vec![
            reg(1, vec![5, 3]),
            reg(2, vec![4]),
            reg(3, vec![3, 5]),
            reg(4, vec![5, 3]),
        ];
        assert_eq!(
            order(&regs),
            vec![(1, None), (3, Some(0)), (4, Some(0)), (2, None)]
        );
        // Four of two children, four of one common age, and a pair elsewhere: the four of two
        // children together, the pair together, the one-child four in order.
        let regs = vec![
            reg(1, vec![5, 6]),
            reg(2, vec![3, 7]),
            reg(3, vec![6, 5]),
            reg(4, vec![7, 3]),
            reg(5, vec![5, 6]),
            reg(6, vec![5, 6]),
            reg(7, vec![4]),
            reg(8, vec![4]),
            reg(9, vec![4]),
            reg(10, vec![4]),
        ];
        assert_eq!(
            order(&regs),
            vec![
                (1, None),
                (3, Some(0)),
                (5, Some(0)),
                (6, Some(0)),
                (2, None),
                (4, Some(4)),
                (7, None),
                (8, None),
                (9, None),
                (10, None)
            ]
        );
        let adults = [reg(6, vec![]), reg(7, vec![])];
        assert!(side_by_side(&adults).iter().all(|(_, m)| m.is_none()));
    }

    #[test]
    fn the_registration_stays_while_one_parent_holds_it() {
        let r = reg(1, vec![4, 6]);
        let f = share(
            &r,
            None,
            FamilyId([1; 16]),
            "tok".into(),
            t(1),
            Duration::days(14),
        )
        .expect("shared");
        let mut o = other(2);
        o.times = vec![TimeId::parse("weekend").unwrap()];
        let f = join(&f, "tok", o, &[], t(2)).expect("joined");
        // The other parent leaves: only they go.
        assert_eq!(
            leave(&f, Some(&r), UserId(2), t(4)),
            Leaving::Keep(Family {
                other: None,
                ..f.clone()
            })
        );
        // The holder leaves: the other takes the registration over, with their own answers.
        let Leaving::HandOver(f2, r2) = leave(&f, Some(&r), UserId(1), t(4)) else {
            panic!("handed over");
        };
        assert_eq!((f2.holder, f2.other.clone()), (UserId(2), None));
        assert_eq!(r2.user, UserId(2));
        assert_eq!(r2.children, r.children);
        assert_eq!(r2.created_at, r.created_at, "the place in line is kept");
        assert_eq!(r2.times, vec![TimeId::parse("weekend").unwrap()]);
        assert_eq!(r2.contact, None, "the first parent's name goes with them");
        assert_eq!(r2.note, None, "and their note to the coordinator");
        // Now the last one leaves.
        assert_eq!(leave(&f2, Some(&r2), UserId(2), t(5)), Leaving::Last);
        assert!(!orphaned(&f2, Some(&r2)));
        assert!(
            orphaned(&f2, None),
            "purged by retention: nothing left to share"
        );
        assert!(orphaned(&f2, Some(&r)), "not the holder's registration");
        assert_eq!(leave(&f2, Some(&r2), UserId(9), t(5)), Leaving::Nothing);
    }
}
