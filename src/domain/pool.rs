//! Pools: the unit demand is counted in — a group in an area, and in one language where the
//! group's config counts languages apart — and what a coordinator sees of one.

use super::{AreaId, GroupId, Lang, Launch, Outgoing, Registration, Source, TimeId, UserId};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A group in an area (and language). Threshold crossings and launches are per pool.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Pool {
    /// The group.
    pub group: GroupId,
    /// The area.
    pub area: AreaId,
    /// The group language, when the group counts languages apart.
    pub lang: Option<Lang>,
}

impl Pool {
    /// A stable byte key: `group 0 area 0 lang` (empty lang for all languages together).
    #[must_use]
    pub fn key(&self) -> Vec<u8> {
        let mut k = self.group.as_str().as_bytes().to_vec();
        k.push(0);
        k.extend_from_slice(self.area.as_str().as_bytes());
        k.push(0);
        if let Some(l) = self.lang {
            k.extend_from_slice(l.code().as_bytes());
        }
        k
    }

    /// The pool a [`Pool::key`] names; `None` for bytes that are not one.
    #[must_use]
    pub fn from_key(key: &[u8]) -> Option<Pool> {
        let s = std::str::from_utf8(key).ok()?;
        let mut parts = s.split('\0');
        let (group, area, lang) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        Some(Pool {
            group: GroupId::try_from(group.to_owned()).ok()?,
            area: AreaId::try_from(area.to_owned()).ok()?,
            lang: if lang.is_empty() {
                None
            } else {
                Some(Lang::from_code(lang)?)
            },
        })
    }
}

/// Whether a pool is at or over its threshold, how often it crossed it, and when. The store
/// keeps one per pool; [`settle`] is the rule that changes it.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolState {
    /// At or over the threshold now (armed again when demand falls below it).
    pub crossed: bool,
    /// Crossings so far.
    pub crossings: u32,
    /// When it last crossed: an alert holds only if the pool was not launched since.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crossed_at: Option<DateTime<Utc>>,
    /// When its last alert was delivered: the cool-down counts from then. A launch clears it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub alert_delivered_at: Option<DateTime<Utc>>,
    /// An alert is queued and was neither delivered nor dropped yet: a crossing meanwhile
    /// does not queue another (when there is a cool-down).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub alert_queued: bool,
    /// Alerts of this pool dropped unsent because their reason passed before they went
    /// ([`alert_holds`]), one per coordinator's alert: with the alerts delivered and still
    /// queued, they account for every crossing.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub alerts_dropped: u32,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if passes a reference
fn is_zero(n: &u32) -> bool {
    *n == 0
}

impl PoolState {
    /// Whether a crossing at `now` is inside the cool-down of the last alert, and so does not
    /// alert: an alert is still on its way, or one was delivered less than `cooldown` ago.
    #[must_use]
    pub fn cooling(&self, cooldown: Duration, now: DateTime<Utc>) -> bool {
        cooldown > Duration::zero()
            && (self.alert_queued
                || self
                    .alert_delivered_at
                    .is_some_and(|at| now < at + cooldown))
    }

    /// An alert of this pool reached a coordinator at `now`: the cool-down starts.
    pub fn alert_delivered(&mut self, now: DateTime<Utc>) {
        self.alert_delivered_at = Some(now);
        self.alert_queued = false;
    }

    /// An alert of this pool was dropped unsent because its reason passed ([`alert_holds`]):
    /// counted, so that every crossing's alerts are accounted for.
    pub fn alert_dropped(&mut self) {
        self.alert_queued = false;
        self.alerts_dropped = self.alerts_dropped.saturating_add(1);
    }

    /// Delivering an alert of this pool was given up (a failure, not a passed reason): the
    /// next crossing may alert; not counted as dropped.
    pub fn alert_given_up(&mut self) {
        self.alert_queued = false;
    }

    /// The pool was launched: the next crossing alerts, cool-down or not.
    pub fn launched(&mut self) {
        self.alert_delivered_at = None;
    }
}

/// What [`settle`] decided for a pool.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settled {
    /// The pool's new state.
    pub state: PoolState,
    /// The messages to queue: one alert per coordinator on a crossing.
    pub messages: Vec<(UserId, Outgoing)>,
}

/// The threshold-crossing rule. Demand (`participants` waiting) that reaches `threshold` in a
/// pool that was below it is a crossing: it is counted, and each coordinator is alerted once —
/// unless the crossing falls in the cool-down of the pool's last alert ([`PoolState::cooling`]),
/// so a family withdrawing and registering again around the threshold does not alert again and
/// again. Demand below the threshold arms the pool again. `None` when nothing changes.
#[must_use]
pub fn settle(
    pool: &Pool,
    state: &PoolState,
    participants: usize,
    threshold: u32,
    coordinators: &[UserId],
    cooldown: Duration,
    now: DateTime<Utc>,
) -> Option<Settled> {
    let reached = participants >= usize::try_from(threshold).unwrap_or(usize::MAX);
    let mut next = *state;
    let mut messages = Vec::new();
    if reached && !state.crossed {
        next.crossed = true;
        next.crossings += 1;
        next.crossed_at = Some(now);
        if !state.cooling(cooldown, now) && !coordinators.is_empty() {
            next.alert_queued = true;
            for c in coordinators {
                messages.push((*c, Outgoing::Alert { pool: pool.clone() }));
            }
        }
    } else if !reached && state.crossed {
        next.crossed = false;
    } else {
        return None;
    }
    Some(Settled {
        state: next,
        messages,
    })
}

/// Whether a threshold alert still holds when it is about to go: the pool is still at or over
/// its threshold and has not been launched since it crossed. Otherwise it is dropped, not sent.
#[must_use]
pub fn alert_holds<'a>(state: &PoolState, launches: impl IntoIterator<Item = &'a Launch>) -> bool {
    state.crossed
        && !launches
            .into_iter()
            .any(|l| state.crossed_at.is_none_or(|at| l.created_at >= at))
}

/// How demand is counted: which pool a registration belongs to, the thresholds and who is
/// alerted. Implemented by the config; the store consults it inside its transactions.
pub trait Rules: Sync {
    /// The pool a registration counts in.
    fn pool_of(&self, r: &Registration) -> Pool;
    /// A description of how [`Rules::pool_of`] forms pools: when it changes (a group starts
    /// counting languages apart, say), the store adds its counters up again.
    fn counting(&self) -> String {
        String::new()
    }
    /// The ages of a children's group; `None` for a group for adults or one no longer
    /// configured (whose children are then never taken out of it).
    fn ages(&self, _group: &GroupId) -> Option<super::registration::AgeRange> {
        None
    }
    /// The launch threshold of a group, in participants; `None` for a group no longer configured.
    fn threshold(&self, group: &GroupId) -> Option<u32>;
    /// The Telegram ids of the coordinators who see what concerns `scope`
    /// ([`super::remit::sees`]), in config order.
    fn coordinator_ids(&self, scope: super::remit::Scope<'_>) -> Vec<super::UserId>;
    /// When someone who signs up at `now` is reminded of an event starting at `start`.
    fn reminder_times(
        &self,
        _start: chrono::DateTime<chrono::Utc>,
        _now: chrono::DateTime<chrono::Utc>,
    ) -> Vec<chrono::DateTime<chrono::Utc>> {
        Vec::new()
    }
    /// The quiet hours every held message waits out ([`super::outbox::when_to_send`]).
    fn quiet_hours(&self) -> super::schedule::QuietHours {
        super::schedule::QuietHours::NONE
    }
    /// The first time at or after `t` that is outside quiet hours, for messages that can wait.
    fn daytime(&self, t: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        self.quiet_hours().daytime(t)
    }
    /// How far ahead a group gathered now is expected to start: which children fit a group
    /// ([`super::child::Horizon`]).
    fn horizon(&self) -> super::child::Horizon {
        super::child::Horizon::default()
    }
    /// How long after a delivered alert a new crossing of the same pool does not alert again.
    fn alert_cooldown(&self) -> chrono::Duration {
        chrono::Duration::zero()
    }
    /// When participants are asked for feedback on an event ending at `end`.
    fn feedback_time(&self, end: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        end
    }
}

/// Aggregate facts about the families waiting in a pool, for alerts and `/demand`. The store
/// keeps one per pool, changed in the same transaction as the registrations it adds up, so
/// `/demand` reads a few of these instead of every registration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PoolStats {
    /// Registrations (families).
    pub families: usize,
    /// Participants (children, or adults for an adults' group).
    pub participants: usize,
    /// Children per birth year and month: ages change with the day they are read for
    /// ([`PoolStats::ages_on`]), so the counters keep what does not.
    #[serde(default, with = "pairs")]
    pub children: BTreeMap<super::Child, usize>,
    /// Families per time slot that suits them.
    #[serde(default)]
    pub times: BTreeMap<TimeId, usize>,
    /// Families per group language.
    #[serde(default)]
    pub langs: BTreeMap<Lang, usize>,
    /// Families per recruitment source (`None`: came without a deep-link source).
    #[serde(default, with = "pairs")]
    pub sources: BTreeMap<Option<Source>, usize>,
    /// Families a coordinator added by hand (`/add`, [`super::added`]): counted in
    /// [`PoolStats::families`] like any other, and among those without a source.
    #[serde(default, skip_serializing_if = "no_families")]
    pub added: usize,
}

#[allow(clippy::trivially_copy_pass_by_ref)] // serde's skip_serializing_if takes a reference
fn no_families(n: &usize) -> bool {
    *n == 0
}

impl PoolStats {
    /// Adds up registrations.
    #[must_use]
    pub fn of<'a>(regs: impl IntoIterator<Item = &'a Registration>) -> PoolStats {
        let mut s = PoolStats::default();
        for r in regs {
            s.add(r);
        }
        s
    }

    /// Counts one more registration.
    pub fn add(&mut self, r: &Registration) {
        self.families += 1;
        self.participants += r.participants();
        for c in &r.children {
            *self.children.entry(*c).or_default() += 1;
        }
        for t in &r.times {
            *self.times.entry(t.clone()).or_default() += 1;
        }
        *self.langs.entry(r.lang).or_default() += 1;
        *self.sources.entry(r.source.clone()).or_default() += 1;
        if r.added.is_some() {
            self.added += 1;
        }
    }

    /// Takes back a registration counted before with [`PoolStats::add`]. Entries that reach
    /// zero are removed, so adding and then removing leaves the stats as they were.
    pub fn remove(&mut self, r: &Registration) {
        fn take<K: Ord>(map: &mut BTreeMap<K, usize>, k: K) {
            if let std::collections::btree_map::Entry::Occupied(mut e) = map.entry(k) {
                *e.get_mut() = e.get().saturating_sub(1);
                if *e.get() == 0 {
                    e.remove();
                }
            }
        }
        self.families = self.families.saturating_sub(1);
        self.participants = self.participants.saturating_sub(r.participants());
        for c in &r.children {
            take(&mut self.children, *c);
        }
        for t in &r.times {
            take(&mut self.times, t.clone());
        }
        take(&mut self.langs, r.lang);
        take(&mut self.sources, r.source.clone());
        if r.added.is_some() {
            self.added = self.added.saturating_sub(1);
        }
    }

    /// The families and participants.
    #[must_use]
    pub fn demand(&self) -> super::Demand {
        super::Demand {
            families: self.families,
            participants: self.participants,
        }
    }

    /// Children per age on `day` (see [`super::child::today`]).
    #[must_use]
    pub fn ages_on(&self, day: chrono::NaiveDate) -> BTreeMap<u8, usize> {
        let mut ages = BTreeMap::new();
        for (c, n) in &self.children {
            *ages.entry(c.age_on(day)).or_default() += n;
        }
        ages
    }

    /// The youngest and oldest child on `day`, if any.
    #[must_use]
    pub fn age_span(&self, day: chrono::NaiveDate) -> Option<(u8, u8)> {
        let ages = self.ages_on(day);
        Some((*ages.keys().next()?, *ages.keys().next_back()?))
    }
}

/// A map as a list of pairs: JSON object keys must be strings, and "no source" is not one.
mod pairs {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};
    use std::collections::BTreeMap;

    pub fn serialize<K: Serialize, V: Serialize, S: Serializer>(
        map: &BTreeMap<K, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_seq(map.iter())
    }

    pub fn deserialize<'de, K, V, D>(d: D) -> Result<BTreeMap<K, V>, D::Error>
    where
        K: Deserialize<'de> + Ord,
        V: Deserialize<'de>,
        D: Deserializer<'de>,
    {
        Ok(Vec::<(K, V)>::deserialize(d)?.into_iter().collect())
    }
}

#[cfg(test)]
mod stats_tests {
    use super::*;
    use proptest::prelude::*;

    fn reg(children: Vec<u16>, times: Vec<&str>, lang: Lang, source: Option<&str>) -> Registration {
        let at = chrono::DateTime::<chrono::Utc>::UNIX_EPOCH;
        Registration {
            user: super::super::UserId(1),
            group: GroupId::try_from("tilli-toukka".to_owned()).expect("id"),
            children: children
                .into_iter()
                .map(|year| super::super::Child {
                    year,
                    month: (year % 3 == 0).then_some(u8::try_from(year % 12 + 1).unwrap_or(1)),
                })
                .collect(),
            area: AreaId::try_from("hyvinkaa".to_owned()).expect("id"),
            lang,
            times: times
                .into_iter()
                .map(|t| TimeId::try_from(t.to_owned()).expect("id"))
                .collect(),
            contact: None,
            source: source.map(|s| Source::parse(s).expect("source")),
            created_at: at,
            updated_at: at,
            status: super::super::Status::Waiting,
            expiry_notice: None,
            consents: Default::default(),
            renewed_at: None,
            renewal_asked: None,
            note: None,
            added: None,
        }
    }

    #[test]
    fn a_pool_key_reads_back() {
        for lang in [None, Some(Lang::Sv)] {
            let pool = Pool {
                group: GroupId::try_from("eron-edessa".to_owned()).expect("id"),
                area: AreaId::try_from("hyvinkaa".to_owned()).expect("id"),
                lang,
            };
            assert_eq!(Pool::from_key(&pool.key()), Some(pool));
        }
        assert_eq!(Pool::from_key(b"no-separators"), None);
        assert_eq!(Pool::from_key(b"a\0b\0xx"), None);
    }

    #[test]
    fn stats_survive_json_with_and_without_a_source() {
        let s = PoolStats::of(&[
            reg(vec![2021, 2022], vec!["weekday-evening"], Lang::Fi, None),
            reg(vec![2020], vec![], Lang::Sv, Some("pikkuveturi")),
        ]);
        let json = serde_json::to_vec(&s).expect("json");
        assert_eq!(serde_json::from_slice::<PoolStats>(&json).expect("back"), s);
        // A counter of schema 2 had only the two numbers.
        let old: PoolStats =
            serde_json::from_str(r#"{"families":2,"participants":3}"#).expect("old counter");
        assert_eq!(
            (old.families, old.participants, old.children.len()),
            (2, 3, 0)
        );
    }

    proptest! {
        /// Removing what was added, in any order, leaves the stats of the rest.
        #[test]
        fn remove_undoes_add(
            regs in prop::collection::vec(
                (prop::collection::vec(2009u16..2027, 0..4), any::<bool>(), any::<bool>(), 0usize..3),
                1..12,
            ),
            cut in 0usize..12,
        ) {
            let regs: Vec<Registration> = regs
                .into_iter()
                .map(|(children, evening, sv, source)| {
                    reg(
                        children,
                        if evening { vec!["weekday-evening"] } else { vec!["weekend"] },
                        if sv { Lang::Sv } else { Lang::Fi },
                        [None, Some("poster"), Some("neuvola")][source],
                    )
                })
                .collect();
            let cut = cut.min(regs.len());
            let mut s = PoolStats::of(&regs);
            for r in regs[..cut].iter().rev() {
                s.remove(r);
            }
            prop_assert_eq!(s, PoolStats::of(&regs[cut..]));
        }
    }
}

#[cfg(test)]
mod crossing_tests {
    use super::*;
    use chrono::TimeZone;

    fn pool() -> Pool {
        Pool {
            group: GroupId::parse("tilli-toukka").unwrap(),
            area: AreaId::parse("hyvinkaa").unwrap(),
            lang: None,
        }
    }

    const NONE: Duration = Duration::zero();

    fn t(h: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 11, 23, h, 0, 0).unwrap()
    }

    fn launch_at(at: DateTime<Utc>) -> Launch {
        Launch {
            id: 1,
            pool: pool(),
            start: t(23),
            place: "Pikku-Veturi".into(),
            coordinator: UserId(9),
            capacity: 8,
            created_at: at,
            invitations: vec![],
            closed: false,
            event: None,
        }
    }

    #[test]
    fn a_crossing_alerts_each_coordinator_once_and_a_fall_arms_the_pool_again() {
        let coordinators = [UserId(1), UserId(2)];
        let s0 = PoolState::default();
        assert_eq!(settle(&pool(), &s0, 4, 5, &coordinators, NONE, t(10)), None);
        let up = settle(&pool(), &s0, 5, 5, &coordinators, NONE, t(10)).expect("crossed");
        assert_eq!(up.messages.len(), 2);
        assert_eq!(
            (up.state.crossed, up.state.crossings, up.state.crossed_at),
            (true, 1, Some(t(10)))
        );
        assert_eq!(
            settle(&pool(), &up.state, 6, 5, &coordinators, NONE, t(11)),
            None
        );
        let down = settle(&pool(), &up.state, 4, 5, &coordinators, NONE, t(12)).expect("fell");
        assert!(down.messages.is_empty() && !down.state.crossed);
        let again = settle(&pool(), &down.state, 5, 5, &coordinators, NONE, t(13)).expect("again");
        assert_eq!((again.state.crossings, again.messages.len()), (2, 2));
    }

    #[test]
    fn an_alert_holds_while_crossed_and_not_launched_since() {
        let crossed = PoolState {
            crossed: true,
            crossings: 1,
            crossed_at: Some(t(10)),
            ..PoolState::default()
        };
        assert!(alert_holds(&crossed, &[]));
        assert!(alert_holds(&crossed, &[launch_at(t(9))]), "an older launch");
        assert!(
            !alert_holds(&crossed, &[launch_at(t(11))]),
            "launched since"
        );
        let fell = PoolState {
            crossed: false,
            ..crossed
        };
        assert!(!alert_holds(&fell, &[]));
    }

    #[test]
    fn within_the_cool_down_a_crossing_is_counted_but_not_alerted() {
        let day = Duration::hours(24);
        let c = [UserId(1)];
        let up = settle(&pool(), &PoolState::default(), 5, 5, &c, day, t(1)).expect("crossed");
        assert_eq!(up.messages.len(), 1);
        assert!(up.state.alert_queued);
        // Before the alert is delivered, a fall and a rise queue no second alert.
        let down = settle(&pool(), &up.state, 4, 5, &c, day, t(2)).expect("fell");
        let again = settle(&pool(), &down.state, 5, 5, &c, day, t(3)).expect("rose");
        assert_eq!((again.state.crossings, again.messages.len()), (2, 0));
        // Delivered at 8: until 8 the next day no alert; from then, one.
        let mut s = again.state;
        s.alert_delivered(t(8));
        s.crossed = false;
        let inside = settle(&pool(), &s, 5, 5, &c, day, t(8) + Duration::hours(23)).expect("x");
        assert!(inside.messages.is_empty());
        let outside = settle(&pool(), &s, 5, 5, &c, day, t(8) + day).expect("x");
        assert_eq!(outside.messages.len(), 1);
        // A launch resets the cool-down; a dropped alert does not block the next one.
        let mut l = s;
        l.launched();
        assert!(settle(&pool(), &l, 5, 5, &c, day, t(9)).is_some_and(|x| x.messages.len() == 1));
        let mut d = up.state;
        d.alert_dropped();
        assert_eq!(d.alerts_dropped, 1, "a dropped alert is counted");
        let mut g = up.state;
        g.alert_given_up();
        assert_eq!(
            (g.alert_queued, g.alerts_dropped),
            (false, 0),
            "given up: not dropped"
        );
        d.crossed = false;
        assert!(settle(&pool(), &d, 5, 5, &c, day, t(9)).is_some_and(|x| x.messages.len() == 1));
    }
}
