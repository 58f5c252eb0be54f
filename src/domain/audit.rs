//! The access log's entries: which coordinator (or facilitator) saw, exported or sent what, and when — as
//! public-sector rules on logging access to personal data expect. An entry names the
//! coordinator and the scope (group, area, event) and how many people it covered, never the
//! parents themselves: `/mydata` finds who has seen a parent's registration by matching its
//! group and area and the times since it was made ([`included`]). An action that covers
//! several pools (an export of every area) is logged as one entry per pool, so that each entry
//! has one scope.

use super::{AreaId, GroupId, Registration, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Accessed {
    /// A list of registrations (or of an event's sign-ups) was shown.
    List,
    /// A list was exported as a file.
    Export,
    /// A broadcast was sent.
    Broadcast,
    /// A family without Telegram was added by hand (`/add`, [`super::added`]).
    Added,
    /// A family added by hand was changed (`/add`).
    Changed,
    /// The coordinator who added a family acted for it: answered an invitation or the renewal
    /// question, or withdrew (erased) its registration.
    ForFamily,
    /// Who came to a launch's meeting was shown (`/attendance`), to mark it.
    Attendance,
}

/// In which role someone saw a parent's data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A coordinator (entries logged before roles were recorded are all theirs).
    #[default]
    Coordinator,
    /// A facilitator of the group (their launches' lists, attendance and messages).
    Facilitator,
}

impl Role {
    /// Whether this is the default role, left out of the stored entry.
    #[must_use]
    pub fn is_coordinator(&self) -> bool {
        *self == Role::Coordinator
    }
}

impl Accessed {
    /// Whether this is something done for a family added by hand: it covers that family alone
    /// (who has no `/mydata`), never a parent who registered themselves.
    #[must_use]
    pub fn for_added_family(self) -> bool {
        matches!(
            self,
            Accessed::Added | Accessed::Changed | Accessed::ForFamily
        )
    }
}

/// One entry of the access log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Access {
    /// When.
    pub at: DateTime<Utc>,
    /// The coordinator or facilitator.
    pub who: UserId,
    /// In which role.
    #[serde(default, skip_serializing_if = "Role::is_coordinator")]
    pub role: Role,
    /// What they did.
    pub what: Accessed,
    /// The group the list was of, if it was of one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<GroupId>,
    /// The area (municipality) it was limited to, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<AreaId>,
    /// The event whose sign-ups it was, if it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event: Option<u64>,
    /// The launch whose families it was (its answers and final list, a broadcast to them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub launch: Option<u64>,
    /// How many people it covered.
    pub people: u32,
}

/// What a person is part of that an access can have covered: for `/mydata`.
#[derive(Debug, Clone, Copy)]
pub struct Involvement<'a> {
    /// Their registrations as they are now.
    pub registrations: &'a [Registration],
    /// The events they are signed up or queued for.
    pub events: &'a [u64],
    /// The launches that invited them.
    pub launches: &'a [u64],
}

/// Whether an access can have included the person: a launch's list or broadcast if the
/// launch invited them; an event's if they are on it; a pool's list, export row or broadcast
/// to its waiting families if they have a registration of that group (in that area, when the
/// entry names one) made before it. Registrations gone (withdrawn, erased) match nothing, and
/// a registration whose area changed is matched by its area now.
#[must_use]
pub fn included(a: &Access, who: Involvement<'_>) -> bool {
    if a.what.for_added_family() {
        return false;
    }
    if let Some(launch) = a.launch {
        return who.launches.contains(&launch);
    }
    if let Some(event) = a.event {
        return who.events.contains(&event);
    }
    who.registrations.iter().any(|r| {
        r.created_at <= a.at
            && a.group.as_ref().is_none_or(|g| g == &r.group)
            && a.area.as_ref().is_none_or(|x| x == &r.area)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn an_entry_includes_a_registration_of_its_pool_made_before_it_or_its_launch_or_event() {
        let t = |h: u32| Utc.with_ymd_and_hms(2026, 11, 23, h, 0, 0).unwrap();
        let reg = Registration {
            user: UserId(1),
            group: GroupId::parse("tilli-toukka").unwrap(),
            children: vec![crate::domain::Child {
                year: 2021,
                month: None,
            }],
            area: AreaId::parse("hyvinkaa").unwrap(),
            lang: super::super::Lang::Fi,
            times: Vec::new(),
            contact: None,
            source: None,
            created_at: t(10),
            updated_at: t(10),
            status: super::super::Status::Waiting,
            expiry_notice: None,
            consents: super::super::privacy::Consents::default(),
            renewed_at: None,
            renewal_asked: None,
            note: None,
            added: None,
        };
        let regs = [reg];
        let who = Involvement {
            registrations: &regs,
            events: &[7],
            launches: &[3],
        };
        let entry = |at, area: &str| Access {
            at,
            who: UserId(100),
            role: Role::Coordinator,
            what: Accessed::List,
            group: GroupId::parse("tilli-toukka").ok(),
            area: AreaId::parse(area).ok(),
            event: None,
            launch: None,
            people: 1,
        };
        assert!(included(&entry(t(11), "hyvinkaa"), who));
        assert!(
            !included(&entry(t(9), "hyvinkaa"), who),
            "before it was made"
        );
        assert!(!included(&entry(t(11), "lohja"), who), "another area");
        let launch = |id| Access {
            launch: Some(id),
            ..entry(t(11), "hyvinkaa")
        };
        assert!(included(&launch(3), who));
        assert!(
            !included(&launch(4), who),
            "a launch that did not invite them"
        );
        let event = |id| Access {
            event: Some(id),
            group: None,
            area: None,
            ..entry(t(11), "hyvinkaa")
        };
        assert!(included(&event(7), who));
        assert!(!included(&event(8), who));
        // What a coordinator did for a family added by hand covers that family alone.
        for what in [Accessed::Added, Accessed::Changed, Accessed::ForFamily] {
            let mine = Access {
                what,
                ..entry(t(11), "hyvinkaa")
            };
            assert!(!included(&mine, who), "{what:?}");
        }
    }
}
