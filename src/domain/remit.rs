//! What a coordinator may see: the one rule. A coordinator is named in the config for some
//! groups (or all) and, optionally, for some areas (municipalities) only. Everything a
//! coordinator is shown or may act on — demand, waiting lists, exports, threshold alerts,
//! launches, broadcasts, events and their lists — asks [`sees`] with the scope it concerns;
//! what it refuses is answered exactly as an unknown item is.

use super::{AreaId, GroupId};

/// What a coordinator is named for in the config.
#[derive(Debug, Clone, Copy)]
pub struct Remit<'a> {
    /// The groups; `None` for every group.
    pub groups: Option<&'a [GroupId]>,
    /// The areas (municipalities); `None` for every area.
    pub areas: Option<&'a [AreaId]>,
}

/// What something a coordinator might see concerns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope<'a> {
    /// The group itself and nobody in it: its name, its QR code, a new event for it.
    Group(&'a GroupId),
    /// The families of one area of a group: a pool's demand, list, alert and launch; a
    /// launch's invitations, answers, meeting and broadcasts.
    Area(&'a GroupId, &'a AreaId),
    /// People of any area of a group at once: the sign-ups, feedback and broadcasts of an event
    /// of the group that belongs to no launch.
    AllAreas(&'a GroupId),
}

/// Whether a coordinator with this remit sees what concerns `scope`. A coordinator limited to
/// areas sees a group's families only in those areas, and nothing that gathers every area's
/// families (an event of the whole group) — except what they organised themselves, which the
/// caller checks apart.
#[must_use]
pub fn sees(remit: Remit<'_>, scope: Scope<'_>) -> bool {
    let group = match scope {
        Scope::Group(g) | Scope::Area(g, _) | Scope::AllAreas(g) => g,
    };
    if !remit.groups.is_none_or(|gs| gs.contains(group)) {
        return false;
    }
    match (scope, remit.areas) {
        (_, None) | (Scope::Group(_), _) => true,
        (Scope::Area(_, a), Some(areas)) => areas.contains(a),
        (Scope::AllAreas(_), Some(_)) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn g(s: &str) -> GroupId {
        GroupId::parse(s).unwrap()
    }
    fn a(s: &str) -> AreaId {
        AreaId::parse(s).unwrap()
    }

    #[test]
    fn an_area_limited_coordinator_sees_their_areas_of_their_groups_only() {
        let groups = [g("tilli-toukka")];
        let areas = [a("hyvinkaa")];
        let limited = Remit {
            groups: Some(&groups),
            areas: Some(&areas),
        };
        let (tt, eron) = (g("tilli-toukka"), g("eron-edessa"));
        let (hki, hyv) = (a("helsinki"), a("hyvinkaa"));
        assert!(sees(limited, Scope::Area(&tt, &hyv)));
        assert!(!sees(limited, Scope::Area(&tt, &hki)));
        assert!(!sees(limited, Scope::Area(&eron, &hyv)));
        assert!(!sees(limited, Scope::AllAreas(&tt)));
        assert!(sees(limited, Scope::Group(&tt)));
        assert!(!sees(limited, Scope::Group(&eron)));

        let everywhere = Remit {
            groups: Some(&groups),
            areas: None,
        };
        assert!(sees(everywhere, Scope::Area(&tt, &hki)));
        assert!(sees(everywhere, Scope::AllAreas(&tt)));
        assert!(!sees(everywhere, Scope::AllAreas(&eron)));

        let all = Remit {
            groups: None,
            areas: None,
        };
        assert!(sees(all, Scope::AllAreas(&eron)));
        let all_groups_one_area = Remit {
            groups: None,
            areas: Some(&areas),
        };
        assert!(sees(all_groups_one_area, Scope::Area(&eron, &hyv)));
        assert!(!sees(all_groups_one_area, Scope::Area(&eron, &hki)));
    }
}
