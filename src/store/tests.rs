//! Tests for the store: durability across reopening, counters that always equal what the
//! registrations add up to, redelivered updates, `/forget`, the schema guard, the directory
//! lock and pruning of update ids.

use super::backup::BackupError;
use super::*;
use crate::domain::feedback::Answer as FbAnswer;
use crate::domain::{Contact, Source, TimeId};
use crate::flow::{Draft, Step};
use chrono::TimeZone;
use std::collections::{BTreeMap, BTreeSet};

const CACHE: u64 = 1 << 20;

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 3, 1, 12, 0, 0)
        .single()
        .expect("a valid date")
}

/// The key of every store in these tests.
fn key() -> Key {
    Key::from_bytes([0x5a; 32])
}

/// Opens a store. sled's background flusher holds a directory for up to one flush interval
/// after its last handle is dropped, so a reopen right after a drop waits for it.
fn open(dir: &Path) -> Store {
    for _ in 0..200 {
        match Store::open(dir, CACHE, &key()) {
            Ok(s) => return s,
            Err(StoreError::Locked(_)) => std::thread::sleep(std::time::Duration::from_millis(20)),
            Err(e) => panic!("open {}: {e}", dir.display()),
        }
    }
    panic!("open {}: still locked after 4 s", dir.display())
}

fn gid(s: &str) -> GroupId {
    GroupId::parse(s).expect("valid group id")
}

fn aid(s: &str) -> AreaId {
    AreaId::parse(s).expect("valid area id")
}

fn reg(user: u64, group: &str, area: &str, children: Vec<u8>) -> Registration {
    Registration {
        user: UserId(user),
        group: gid(group),
        children: kids(&children),
        area: aid(area),
        lang: Lang::Sv,
        times: vec![
            TimeId::parse("weekday-evening").expect("valid time id"),
            TimeId::parse("weekend").expect("valid time id"),
        ],
        contact: Some(Contact {
            name: "Maija Meikäläinen".into(),
            username: Some("maija_m".into()),
        }),
        source: Some(Source::parse("pikkuveturi").expect("valid source")),
        status: Status::Waiting,
        expiry_notice: None,
        consents: Default::default(),
        renewed_at: None,
        renewal_asked: None,
        created_at: t0(),
        updated_at: t0() + Duration::minutes(5),
        note: None,
        added: None,
    }
}

/// Children of these ages at [`t0`].
fn kids(ages: &[u8]) -> Vec<crate::domain::Child> {
    let day = crate::domain::child::today(t0());
    ages.iter()
        .map(|a| crate::domain::Child::of_age(*a, day))
        .collect()
}

fn draft() -> Draft {
    Draft {
        group: gid("tilli-toukka"),
        source: Some(Source::parse("poster_1").expect("valid source")),
        step: Step::Times,
        children: kids(&[4, 6]),
        area: Some(aid("lohja")),
        lang: Some(Lang::Fi),
        times: vec![TimeId::parse("weekend").expect("valid time id")],
        consent: false,
        consented: None,
        share: None,
        kept_children: Vec::new(),
        note: None,
        note_asked: false,
    }
}

fn idle(lang: Option<Lang>) -> UserRecord {
    UserRecord {
        lang,
        seen_lang: None,
        unreachable_since: None,
        seen_at: None,
        state: State::Idle,
    }
}

fn commit(
    store: &Store,
    user: u64,
    update: Option<u32>,
    record: &UserRecord,
    effects: &[Effect],
) -> Committed {
    store
        .commit_sync(UserId(user), update, record, effects, t0())
        .expect("commit")
}

fn demand(families: usize, participants: usize) -> Demand {
    Demand {
        families,
        participants,
    }
}

/// Recomputes demand from every stored registration and checks it against the counters for
/// every (group, area) pair, and that the counters tree holds nothing else.
fn assert_counters_match(store: &Store, groups: &[&str], areas: &[&str], context: &str) {
    let mut expected: BTreeMap<(String, String), Demand> = BTreeMap::new();
    for r in store.all_registrations() {
        let r = r.expect("decode registration");
        if r.status != Status::Waiting {
            continue;
        }
        expected
            .entry((r.group.to_string(), r.area.to_string()))
            .or_default()
            .add(&r);
    }
    for g in groups {
        for a in areas {
            let want = expected
                .get(&((*g).to_owned(), (*a).to_owned()))
                .copied()
                .unwrap_or_default();
            let got = store.demand_of(&gid(g), &aid(a)).expect("demand");
            assert_eq!(got, want, "{context}: demand of {g} in {a}");
        }
    }
    // Each pool's whole breakdown (ages, times, languages, sources), not only the numbers.
    let mut stats: BTreeMap<Pool, PoolStats> = BTreeMap::new();
    for r in store.all_registrations() {
        let r = r.expect("decode registration");
        if r.status == Status::Waiting {
            stats.entry(store.rules.pool_of(&r)).or_default().add(&r);
        }
    }
    for (pool, want) in &stats {
        assert_eq!(
            &store.stats_in(pool).expect("stats"),
            want,
            "{context}: stats of {pool:?}"
        );
    }
    let mut listed: Vec<(Pool, PoolStats)> = Vec::new();
    for g in groups {
        listed.extend(store.pools_of(&gid(g)).expect("pools"));
    }
    listed.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(
        listed,
        stats.into_iter().collect::<Vec<_>>(),
        "{context}: pools_of"
    );
    let counter_entries = store
        .dump()
        .expect("dump")
        .into_iter()
        .filter(|(tree, _, _)| tree == "counters")
        .count();
    assert_eq!(
        counter_entries,
        expected.len(),
        "{context}: the counters tree holds entries for pairs with no registrations"
    );
}

// ---- durability ----

#[tokio::test]
async fn data_survives_drop_and_reopen() {
    let dir = tempfile::tempdir().expect("temp dir");
    let user = UserId(4242);
    let record = UserRecord {
        lang: Some(Lang::En),
        seen_lang: None,
        unreachable_since: None,
        seen_at: None,
        state: State::Registering(draft()),
    };
    let r1 = reg(4242, "tilli-toukka", "hyvinkaa", vec![4, 5]);
    let r2 = reg(4242, "eron-edessa", "lohja", vec![]);
    {
        let store = open(dir.path());
        let c = store
            .commit(
                user,
                Some(10),
                &record,
                &[
                    Effect::SaveRegistration(r1.clone()),
                    Effect::SaveRegistration(r2.clone()),
                ],
                t0(),
            )
            .await
            .expect("commit");
        assert_eq!(c, Committed::Applied);
    }
    let store = open(dir.path());
    assert_eq!(store.user(user).expect("user"), record);
    // Registrations come back in group-id order.
    assert_eq!(
        store.registrations_of(user).expect("registrations"),
        vec![r2.clone(), r1.clone()]
    );
    assert_eq!(store.registration_count(), 2);
    assert_eq!(
        store
            .demand_of(&gid("tilli-toukka"), &aid("hyvinkaa"))
            .expect("demand"),
        demand(1, 2)
    );
    assert_eq!(
        store
            .demand_of(&gid("eron-edessa"), &aid("lohja"))
            .expect("demand"),
        demand(1, 1)
    );
    assert_eq!(
        store
            .demand_of(&gid("tilli-toukka"), &aid("lohja"))
            .expect("demand"),
        demand(0, 0)
    );
    assert!(
        store.seen_update(10).expect("seen"),
        "the update id is durable too"
    );
}

#[test]
fn an_unknown_user_has_the_default_record() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    assert_eq!(store.user(UserId(1)).expect("user"), UserRecord::default());
    assert!(store.registrations_of(UserId(1)).expect("regs").is_empty());
}

// ---- registrations and counters ----

#[test]
fn saving_again_for_a_group_replaces() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    let first = reg(7, "tilli-toukka", "hyvinkaa", vec![4]);
    let mut second = reg(7, "tilli-toukka", "lohja", vec![4, 5, 6]);
    second.contact = None;
    commit(
        &store,
        7,
        Some(1),
        &idle(None),
        &[Effect::SaveRegistration(first)],
    );
    commit(
        &store,
        7,
        Some(2),
        &idle(None),
        &[Effect::SaveRegistration(second.clone())],
    );
    assert_eq!(
        store.registrations_of(UserId(7)).expect("regs"),
        vec![second]
    );
    assert_eq!(store.registration_count(), 1);
    let g = gid("tilli-toukka");
    assert_eq!(
        store.demand_of(&g, &aid("hyvinkaa")).expect("demand"),
        demand(0, 0)
    );
    assert_eq!(
        store.demand_of(&g, &aid("lohja")).expect("demand"),
        demand(1, 3)
    );
    assert_counters_match(
        &store,
        &["tilli-toukka"],
        &["hyvinkaa", "lohja"],
        "after replace",
    );
}

#[test]
fn two_saves_for_one_group_in_one_commit_count_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    commit(
        &store,
        3,
        None,
        &idle(None),
        &[
            Effect::SaveRegistration(reg(3, "eron-edessa", "hyvinkaa", vec![])),
            Effect::SaveRegistration(reg(3, "eron-edessa", "hyvinkaa", vec![])),
        ],
    );
    assert_eq!(store.registration_count(), 1);
    assert_eq!(
        store
            .demand_of(&gid("eron-edessa"), &aid("hyvinkaa"))
            .expect("demand"),
        demand(1, 1)
    );
}

#[test]
fn withdrawing_what_is_not_there_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    commit(
        &store,
        3,
        None,
        &idle(None),
        &[Effect::SaveRegistration(reg(
            3,
            "eron-edessa",
            "lohja",
            vec![],
        ))],
    );
    commit(
        &store,
        3,
        None,
        &idle(None),
        &[Effect::Withdraw(gid("tilli-toukka"))],
    );
    commit(
        &store,
        4,
        None,
        &idle(None),
        &[Effect::Withdraw(gid("eron-edessa"))],
    );
    assert_eq!(store.registration_count(), 1);
    assert_eq!(
        store
            .demand_of(&gid("eron-edessa"), &aid("lohja"))
            .expect("demand"),
        demand(1, 1)
    );
}

/// A small deterministic generator, so the sequence is random-ish but reproducible.
struct Lcg(u64);

impl Lcg {
    fn next(&mut self, n: u64) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (self.0 >> 33) % n
    }
}

#[test]
fn counters_always_equal_the_registrations() {
    const GROUPS: [&str; 3] = ["tilli-toukka", "koululaiset", "eron-edessa"];
    const AREAS: [&str; 3] = ["hyvinkaa", "lohja", "vihti"];
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    // The model: what the registrations should be, by (user, group).
    let mut model: BTreeMap<(u64, String), Registration> = BTreeMap::new();
    let mut rng = Lcg(0x5eed);
    let mut counts = [0usize; 4];
    for i in 0..400u32 {
        let user = 1 + rng.next(6);
        let group = GROUPS[rng.next(3) as usize];
        let effects = match rng.next(20) {
            0 => {
                counts[0] += 1;
                model.retain(|(u, _), _| *u != user);
                vec![Effect::Forget]
            }
            1..=5 => {
                counts[1] += 1;
                model.remove(&(user, group.to_owned()));
                vec![Effect::Withdraw(gid(group))]
            }
            6 => {
                // Several effects in one commit: a save and a withdraw of another group.
                counts[2] += 1;
                let other = GROUPS[(GROUPS.iter().position(|g| *g == group).unwrap_or(0) + 1) % 3];
                let r = reg(
                    user,
                    group,
                    AREAS[rng.next(3) as usize],
                    vec![5; rng.next(3) as usize],
                );
                model.insert((user, group.to_owned()), r.clone());
                model.remove(&(user, other.to_owned()));
                vec![Effect::SaveRegistration(r), Effect::Withdraw(gid(other))]
            }
            _ => {
                counts[3] += 1;
                let area = AREAS[rng.next(3) as usize];
                let children = (0..rng.next(4)).map(|k| 4 + k as u8).collect();
                let r = reg(user, group, area, children);
                model.insert((user, group.to_owned()), r.clone());
                vec![Effect::SaveRegistration(r)]
            }
        };
        commit(&store, user, Some(i), &idle(Some(Lang::Fi)), &effects);
        if i % 20 == 19 {
            assert_counters_match(&store, &GROUPS, &AREAS, &format!("after step {i}"));
        }
    }
    assert!(
        counts.iter().all(|c| *c > 0),
        "every kind of operation ran: {counts:?}"
    );
    assert_counters_match(&store, &GROUPS, &AREAS, "at the end");
    // The stored registrations are exactly the model's: no duplicates, nothing lost.
    let mut stored: Vec<Registration> = store
        .all_registrations()
        .collect::<Result<_, _>>()
        .expect("decode");
    // Stored in the order of the users' tags; the model is in id order.
    stored.sort_by(|a, b| (a.user, &a.group).cmp(&(b.user, &b.group)));
    let expected: Vec<Registration> = model.values().cloned().collect();
    assert_eq!(stored, expected);
    assert!(!stored.is_empty(), "the sequence left some registrations");
    for user in 1..=6 {
        let regs = store.registrations_of(UserId(user)).expect("regs");
        let groups: BTreeSet<&GroupId> = regs.iter().map(|r| &r.group).collect();
        assert_eq!(groups.len(), regs.len(), "user {user} has a group twice");
        assert!(regs.iter().all(|r| r.user == UserId(user)));
    }
}

// ---- redelivered updates ----

#[test]
fn the_same_update_id_twice_changes_nothing() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    let record = UserRecord {
        lang: Some(Lang::Sv),
        seen_lang: None,
        unreachable_since: None,
        seen_at: None,
        state: State::Registering(draft()),
    };
    let first = commit(
        &store,
        9,
        Some(77),
        &record,
        &[Effect::SaveRegistration(reg(
            9,
            "tilli-toukka",
            "hyvinkaa",
            vec![4],
        ))],
    );
    assert_eq!(first, Committed::Applied);
    let before = store.dump().expect("dump");

    let second = commit(
        &store,
        9,
        Some(77),
        &idle(Some(Lang::En)),
        &[
            Effect::SaveRegistration(reg(9, "tilli-toukka", "lohja", vec![4, 5])),
            Effect::SaveRegistration(reg(9, "eron-edessa", "lohja", vec![])),
        ],
    );
    assert_eq!(second, Committed::Duplicate);
    assert_eq!(
        store.dump().expect("dump"),
        before,
        "a duplicate changed the store"
    );
    assert_eq!(store.user(UserId(9)).expect("user"), record);

    // A redelivered Forget is a duplicate too.
    let third = commit(&store, 9, Some(77), &idle(None), &[Effect::Forget]);
    assert_eq!(third, Committed::Duplicate);
    assert_eq!(store.registration_count(), 1);

    // Without an update id (the console), every commit applies.
    for _ in 0..2 {
        let c = commit(&store, 9, None, &idle(None), &[]);
        assert_eq!(c, Committed::Applied);
    }
    assert_eq!(store.user(UserId(9)).expect("user"), idle(None));
}

#[tokio::test]
async fn a_duplicate_through_commit_is_reported_too() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    let effects = [Effect::SaveRegistration(reg(
        1,
        "eron-edessa",
        "hyvinkaa",
        vec![],
    ))];
    let a = store
        .commit(UserId(1), Some(5), &idle(None), &effects, t0())
        .await
        .expect("commit");
    let b = store
        .commit(UserId(1), Some(5), &idle(None), &effects, t0())
        .await
        .expect("commit");
    assert_eq!((a, b), (Committed::Applied, Committed::Duplicate));
    assert_eq!(
        store
            .demand_of(&gid("eron-edessa"), &aid("hyvinkaa"))
            .expect("demand"),
        demand(1, 1)
    );
}

#[tokio::test]
async fn a_marked_update_counts_as_handled() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    assert!(!store.seen_update(31).expect("seen"));
    store.mark_update(31, t0()).await.expect("mark");
    assert!(store.seen_update(31).expect("seen"));
    let c = commit(
        &store,
        1,
        Some(31),
        &idle(Some(Lang::En)),
        &[Effect::SaveRegistration(reg(
            1,
            "eron-edessa",
            "hyvinkaa",
            vec![],
        ))],
    );
    assert_eq!(c, Committed::Duplicate);
    assert_eq!(store.registration_count(), 0);
    assert_eq!(store.user(UserId(1)).expect("user"), UserRecord::default());
    assert_eq!(
        store
            .prune_updates(t0() + UPDATE_MEMORY + Duration::seconds(1))
            .expect("prune"),
        1,
        "a marked update is pruned like any other"
    );
}

// ---- forgetting ----

/// Every entry of every tree with sealed values opened: what the store holds in plain text.
fn plain_dump(store: &Store) -> Vec<DumpEntry> {
    store
        .dump()
        .expect("dump")
        .into_iter()
        .map(|(tree, k, v)| {
            let v = if SEALED.contains(&tree.as_str()) {
                store
                    .crypt
                    .open(&tree, &k, &v)
                    .unwrap_or_else(|_| panic!("a value in {tree} does not open"))
            } else {
                v
            };
            (tree, k, v)
        })
        .collect()
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn revision(store: &Store, id: u64) -> u64 {
    store.event(id).expect("store").expect("event").revision
}

fn event_at(start: DateTime<Utc>, organiser: u64) -> Event {
    Event {
        id: 0,
        title: crate::domain::EventText::new(Lang::Fi, "Eron edessä -ilta"),
        description: None,
        group: None,
        start,
        end: start + Duration::hours(2),
        place: "Pikku-Veturi".into(),
        capacity: Some(10),
        organiser: UserId(organiser),
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

#[tokio::test]
async fn forget_leaves_nothing_of_the_user() {
    const ID: u64 = 0x0102_0304_0506_0708;
    const COORDINATOR: u64 = 9;
    let id_bytes = ID.to_be_bytes();
    let id_decimal = ID.to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    let tag = store.crypt.user_tag(UserId(ID));
    let registering = UserRecord {
        lang: Some(Lang::Sv),
        seen_lang: None,
        unreachable_since: None,
        seen_at: None,
        state: State::Registering(draft()),
    };
    commit(
        &store,
        ID,
        Some(1),
        &registering,
        &[
            Effect::SaveRegistration(reg(ID, "tilli-toukka", "hyvinkaa", vec![4, 6])),
            Effect::SaveRegistration(reg(ID, "eron-edessa", "lohja", vec![])),
        ],
    );
    // Someone else, who must keep everything.
    let other = reg(42, "tilli-toukka", "hyvinkaa", vec![5]);
    commit(
        &store,
        42,
        Some(2),
        &registering,
        &[Effect::SaveRegistration(other.clone())],
    );
    // Two events: one that will be over when they forget, one still to come; both attended.
    commit(
        &store,
        COORDINATOR,
        None,
        &idle(None),
        &[
            Effect::CreateEvent(event_at(t0() + Duration::days(2), COORDINATOR)),
            Effect::CreateEvent(event_at(t0() + Duration::days(60), COORDINATOR)),
        ],
    );
    let ids: Vec<u64> = store
        .events()
        .expect("events")
        .iter()
        .map(|e| e.id)
        .collect();
    let (past, future) = (ids[0], ids[1]);
    for user in [ID, 42] {
        commit(
            &store,
            user,
            None,
            &idle(None),
            &[
                Effect::Rsvp {
                    event: past,
                    join: true,
                    seen: revision(&store, past),
                },
                Effect::Rsvp {
                    event: future,
                    join: true,
                    seen: revision(&store, future),
                },
            ],
        );
    }
    // A launch they are invited to and accept: the coordinator is told (an outbox row about
    // them), and they are signed up for its first meeting.
    commit(
        &store,
        COORDINATOR,
        None,
        &idle(None),
        &[Effect::Launch(crate::domain::launch::LaunchRequest {
            pool: Pool {
                group: gid("tilli-toukka"),
                area: aid("hyvinkaa"),
                lang: None,
            },
            start: t0() + Duration::days(30),
            end: t0() + Duration::days(30) + Duration::minutes(90),
            place: "Pikku-Veturi".into(),
            capacity: 5,
            coordinator: UserId(COORDINATOR),
            title: crate::domain::EventText::new(Lang::Fi, "Tilli Toukka"),
            count: 1,
            every_days: 7,
            skip: Vec::new(),
            moved: Vec::new(),
        })],
    );
    let launch = store.launches().expect("launches")[0].id;
    let plan = crate::domain::launch::Plan {
        expire: vec![],
        invite: vec![(UserId(ID), 2), (UserId(42), 1)],
        close: false,
    };
    store.apply_plan(launch, &plan, t0()).await.expect("plan");
    commit(
        &store,
        ID,
        None,
        &idle(None),
        &[Effect::Respond {
            launch,
            accept: true,
        }],
    );
    // Feedback on the past event, with a comment.
    let later = t0() + Duration::days(3);
    for effect in [
        Effect::Feedback {
            event: past,
            answer: FbAnswer::Rating(5),
        },
        Effect::Feedback {
            event: past,
            answer: FbAnswer::Comment("Kiitos illasta, Maija".into()),
        },
    ] {
        store
            .commit_sync(UserId(ID), None, &idle(None), &[effect], later)
            .expect("commit");
    }

    let plain = plain_dump(&store);
    for (what, needle) in [
        ("the id as a key", &tag[..]),
        ("the id in a value", id_decimal.as_bytes()),
        ("the comment", b"Kiitos illasta".as_slice()),
    ] {
        assert!(
            plain
                .iter()
                .any(|(_, k, v)| contains(k, needle) || contains(v, needle)),
            "{what} is stored before forgetting"
        );
    }

    let c = store
        .commit_sync(
            UserId(ID),
            Some(3),
            &idle(Some(Lang::Sv)),
            &[Effect::Forget],
            later,
        )
        .expect("forget");
    assert_eq!(c, Committed::Applied);

    for (tree, k, v) in store.dump().expect("dump") {
        for (what, needle) in [
            ("user id bytes", &id_bytes[..]),
            ("user id in decimal", id_decimal.as_bytes()),
            ("user tag", &tag[..]),
        ] {
            assert!(!contains(&k, needle), "a key in {tree} holds the {what}");
            assert!(!contains(&v, needle), "a value in {tree} holds the {what}");
        }
    }
    for (tree, k, v) in plain_dump(&store) {
        for (what, needle) in [
            ("user id bytes", &id_bytes[..]),
            ("user id in decimal", id_decimal.as_bytes()),
            ("user tag", &tag[..]),
            ("comment", b"Kiitos illasta".as_slice()),
        ] {
            assert!(!contains(&k, needle), "a key in {tree} holds the {what}");
            assert!(
                !contains(&v, needle),
                "a decrypted value in {tree} holds the {what}: {}",
                String::from_utf8_lossy(&v)
            );
        }
    }
    assert_eq!(store.user(UserId(ID)).expect("user"), UserRecord::default());
    assert!(store.registrations_of(UserId(ID)).expect("regs").is_empty());
    let kept = store.registrations_of(UserId(42)).expect("regs");
    assert_eq!(kept.len(), 1);
    assert_eq!(kept[0].group, other.group);
    assert_eq!(store.user(UserId(42)).expect("user"), idle(None));
    for id in [past, future] {
        let e = store.event(id).expect("event").expect("kept");
        assert_eq!(e.attendees, vec![UserId(42)], "the other stays signed up");
    }
    assert_eq!(
        store
            .launch(launch)
            .expect("launch")
            .expect("kept")
            .invitations
            .len(),
        1
    );
    assert_counters_match(
        &store,
        &["tilli-toukka", "eron-edessa"],
        &["hyvinkaa", "lohja"],
        "after forget",
    );
}

// ---- encryption at rest ----

/// Every file under `dir`, as bytes.
fn files_under(dir: &Path) -> Vec<(std::path::PathBuf, Vec<u8>)> {
    let mut out = Vec::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for entry in std::fs::read_dir(&d).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                todo.push(path);
            } else {
                let bytes = std::fs::read(&path).expect("read file");
                out.push((path, bytes));
            }
        }
    }
    out
}

/// Opens a directory again, waiting for sled to let go of it after the last handle is dropped.
fn reopen(dir: &Path, key: &Key) -> Result<Store, StoreError> {
    for _ in 0..100 {
        match Store::open(dir, CACHE, key) {
            Err(StoreError::Locked(_)) => std::thread::sleep(std::time::Duration::from_millis(20)),
            other => return other,
        }
    }
    Store::open(dir, CACHE, key)
}

#[tokio::test]
async fn no_personal_data_is_in_clear_in_the_store_or_on_disk() {
    const ID: u64 = 0x0a0b_0c0d_0e0f_1011;
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    let record = UserRecord {
        lang: Some(Lang::Fi),
        seen_lang: Some(Lang::Fi),
        unreachable_since: None,
        seen_at: None,
        state: State::Broadcasting {
            audience: crate::domain::Audience::Waiting {
                group: gid("tilli-toukka"),
            },
            text: Some("Hei Maija Meikäläinen".into()),
            kept: None,
        },
    };
    store
        .commit(
            UserId(ID),
            Some(1),
            &record,
            &[
                Effect::SaveRegistration(reg(ID, "tilli-toukka", "hyvinkaa", vec![4, 6])),
                Effect::SaveRegistration(reg(ID, "eron-edessa", "lohja", vec![])),
            ],
            t0(),
        )
        .await
        .expect("commit");
    store.flush().await.expect("flush");
    let needles: [(&str, Vec<u8>); 5] = [
        ("name", "Maija Meikäläinen".as_bytes().to_vec()),
        ("surname", "Meikäläinen".as_bytes().to_vec()),
        ("username", b"maija_m".to_vec()),
        ("user id in decimal", ID.to_string().into_bytes()),
        ("user id bytes", ID.to_be_bytes().to_vec()),
    ];
    for (tree, k, v) in store.dump().expect("dump") {
        for (what, needle) in &needles {
            assert!(!contains(&k, needle), "a key in {tree} holds the {what}");
            assert!(!contains(&v, needle), "a value in {tree} holds the {what}");
        }
    }
    // What is stored still reads back whole.
    let regs = store.registrations_of(UserId(ID)).expect("regs");
    assert_eq!(regs.len(), 2);
    assert_eq!(
        regs[0].contact.as_ref().map(|c| c.name.as_str()),
        Some("Maija Meikäläinen")
    );
    assert_eq!(store.user(UserId(ID)).expect("user"), record);
    drop(store);
    let store = reopen(dir.path(), &key()).expect("reopens");
    assert_eq!(store.registrations_of(UserId(ID)).expect("regs"), regs);
    drop(store);

    // sled's files: everything was sealed before it was first written, so no old plain text
    // can be in its log either.
    let files = files_under(dir.path());
    assert!(files.iter().map(|(_, b)| b.len()).sum::<usize>() > 0);
    for (path, bytes) in &files {
        for (what, needle) in &needles {
            assert!(
                !contains(bytes, needle),
                "{} holds the {what} in clear",
                path.display()
            );
        }
    }
}

#[test]
fn a_wrong_key_is_refused_at_open_and_the_right_one_still_works() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let store = open(dir.path());
        commit(
            &store,
            5,
            Some(1),
            &idle(None),
            &[Effect::SaveRegistration(reg(
                5,
                "eron-edessa",
                "lohja",
                vec![],
            ))],
        );
    }
    match reopen(dir.path(), &Key::from_bytes([0x11; 32])) {
        Err(e @ StoreError::WrongKey) => {
            assert!(
                e.to_string()
                    .contains("the key does not match this data directory"),
                "{e}"
            );
        }
        Err(e) => panic!("expected WrongKey, got {e}"),
        Ok(_) => panic!("opened with a wrong key"),
    }
    let store = reopen(dir.path(), &key()).expect("the right key opens");
    assert_eq!(store.registrations_of(UserId(5)).expect("regs").len(), 1);
}

#[test]
fn a_value_changed_on_disk_is_an_error_not_garbage() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    commit(
        &store,
        5,
        Some(1),
        &idle(None),
        &[Effect::SaveRegistration(reg(
            5,
            "eron-edessa",
            "lohja",
            vec![],
        ))],
    );
    let (k, mut v) = store
        .registrations
        .iter()
        .next()
        .expect("one")
        .expect("read");
    let mut bytes = v.to_vec();
    bytes[20] ^= 0x01;
    v = bytes.into();
    store.registrations.insert(k, v).expect("insert");
    match store.registrations_of(UserId(5)) {
        Err(
            e @ StoreError::Unsealed {
                tree: "registrations",
            },
        ) => {
            assert!(e.to_string().contains("cannot be decrypted"), "{e}");
        }
        other => panic!("expected Unsealed, got {other:?}"),
    }
}

#[test]
fn a_decode_error_does_not_repeat_the_value() {
    let e = decode::<u64>("users", br#""Maija Meikalainen""#).expect_err("not a number");
    let text = e.to_string();
    assert!(!text.contains("Maija"), "{text}");
    assert!(text.contains("line 1"), "{text}");
}

/// Writes a schema-1 store as kokoon 0.1 did: user ids in keys, every value plain JSON.
fn write_v1_store(dir: &Path, id: u64) {
    let db = sled::open(dir).expect("sled open");
    let json = |v: serde_json::Value| serde_json::to_vec(&v).expect("json");
    db.open_tree("meta")
        .expect("meta")
        .insert("schema", &1u64.to_be_bytes())
        .expect("insert");
    let users = db.open_tree("users").expect("users");
    users
        .insert(
            id.to_be_bytes(),
            json(serde_json::json!({
                "lang": "sv", "seen_lang": "fi", "unreachable": true, "state": {"state": "idle"}
            })),
        )
        .expect("insert");
    users
        .insert(
            43u64.to_be_bytes(),
            json(serde_json::json!({"lang": null, "state": {"state": "idle"}})),
        )
        .expect("insert");
    let r = reg(id, "tilli-toukka", "hyvinkaa", vec![4, 6]);
    let mut k = id.to_be_bytes().to_vec();
    k.extend_from_slice(b"tilli-toukka");
    db.open_tree("registrations")
        .expect("regs")
        .insert(k, serde_json::to_vec(&r).expect("json"))
        .expect("insert");
    // Schema 2's counters held two numbers.
    let c = serde_json::json!({"families": 1, "participants": 2});
    db.open_tree("counters")
        .expect("counters")
        .insert(
            Pool {
                group: gid("tilli-toukka"),
                area: aid("hyvinkaa"),
                lang: None,
            }
            .key(),
            serde_json::to_vec(&c).expect("json"),
        )
        .expect("insert");
    let events = db.open_tree("events").expect("events");
    let mut e = event_at(t0() + Duration::days(3), 9);
    e.id = 1;
    e.attendees = vec![UserId(id)];
    events
        .insert(events::event_key(1), serde_json::to_vec(&e).expect("json"))
        .expect("insert");
    let mut fk = events::feedback_prefix(1);
    fk.extend_from_slice(&id.to_be_bytes());
    events
        .insert(
            fk,
            json(serde_json::json!({"rating": 4, "comment": "Maija kiittää", "at": t0()})),
        )
        .expect("insert");
    let item = OutboxItem {
        to: UserId(id),
        due: t0(),
        attempts: 0,
        message: Outgoing::Invitation { launch: 1 },
    };
    db.open_tree("outbox")
        .expect("outbox")
        .insert(
            tx::outbox_key(t0(), 1),
            serde_json::to_vec(&item).expect("json"),
        )
        .expect("insert");
    db.flush().expect("flush");
}

#[test]
fn a_version_1_store_is_encrypted_in_place_on_first_open() {
    const ID: u64 = 0x0a0b_0c0d_0e0f_1011;
    let dir = tempfile::tempdir().expect("temp dir");
    write_v1_store(dir.path(), ID);
    let before = Utc::now();
    let store = open(dir.path());
    // Everything reads back through the new keys.
    let user = store.user(UserId(ID)).expect("user");
    assert_eq!(user.lang, Some(Lang::Sv));
    assert_eq!(user.seen_lang, Some(Lang::Fi));
    assert!(
        user.unreachable_since.is_some_and(|t| t >= before),
        "a blocked user's grace period starts at the migration"
    );
    assert_eq!(
        store.user(UserId(43)).expect("user").unreachable_since,
        None
    );
    let regs = store.registrations_of(UserId(ID)).expect("regs");
    assert_eq!(regs, vec![reg(ID, "tilli-toukka", "hyvinkaa", vec![4, 6])]);
    assert_eq!(
        store
            .demand_of(&gid("tilli-toukka"), &aid("hyvinkaa"))
            .expect("demand"),
        demand(1, 2)
    );
    let fb = crate::flow::View::feedback_of(&store, 1, UserId(ID)).expect("feedback");
    assert_eq!(fb.comment.as_deref(), Some("Maija kiittää"));
    assert_eq!(
        store.event(1).expect("event").expect("there").attendees,
        vec![UserId(ID)]
    );
    let due = store.due_outbox(t0(), 10).expect("outbox");
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].1.to, UserId(ID));
    // Nothing of it is left in clear in the trees, and the schema and key check are written.
    for (tree, k, v) in store.dump().expect("dump") {
        assert!(
            !contains(&k, &ID.to_be_bytes()),
            "a key in {tree} holds the id"
        );
        for needle in [ID.to_string().as_bytes(), "Maija".as_bytes()] {
            assert!(!contains(&v, needle), "a value in {tree} is in clear");
        }
    }
    assert_eq!(
        store.meta.get("schema").expect("meta").map(|v| v.to_vec()),
        Some(SCHEMA_VERSION.to_be_bytes().to_vec())
    );
    // /forget works on migrated data, and the store opens again with the key only.
    commit(&store, ID, None, &idle(None), &[Effect::Forget]);
    assert_eq!(store.registration_count(), 0);
    drop(store);
    assert!(matches!(
        reopen(dir.path(), &Key::from_bytes([1; 32])),
        Err(StoreError::WrongKey)
    ));
    let store = reopen(dir.path(), &key()).expect("reopens");
    assert!(store.registrations_of(UserId(ID)).expect("regs").is_empty());
}

/// Writes a schema-2 store as kokoon did before data keys: values sealed without a header under
/// the master key, counters and update times in clear.
fn write_v2_store(dir: &Path, id: u64) {
    let crypt = Crypt::new(&key());
    let db = sled::open(dir).expect("sled open");
    let meta = db.open_tree("meta").expect("meta");
    meta.insert("schema", &2u64.to_be_bytes()).expect("insert");
    meta.insert(
        "keycheck",
        crypt.seal_v2("meta", b"keycheck", b"kokoon key check"),
    )
    .expect("insert");
    let tag = crypt.user_tag(UserId(id));
    let user = StoredUser {
        id: UserId(id),
        record: idle(Some(Lang::Sv)),
        at: None,
    };
    db.open_tree("users")
        .expect("users")
        .insert(tag, crypt.seal_v2("users", &tag, &encode(&user)))
        .expect("insert");
    let r = reg(id, "tilli-toukka", "hyvinkaa", vec![4, 6]);
    let k = reg_key(&crypt, UserId(id), &r.group);
    db.open_tree("registrations")
        .expect("regs")
        .insert(
            k.as_slice(),
            crypt.seal_v2("registrations", &k, &encode(&r)),
        )
        .expect("insert");
    let mut stats = PoolStats::default();
    stats.add(&r);
    let pool = NoRules.pool_of(&r);
    db.open_tree("counters")
        .expect("counters")
        .insert(pool.key(), encode(&stats))
        .expect("insert");
    db.open_tree("pools")
        .expect("pools")
        .insert(
            pool.key(),
            encode(&crate::domain::PoolState {
                crossed: true,
                crossings: 1,
                ..crate::domain::PoolState::default()
            }),
        )
        .expect("insert");
    let mut handled = t0().timestamp_millis().to_be_bytes().to_vec();
    handled.extend_from_slice(&crypt.seal_v2(REPLIES, &7u32.to_be_bytes(), b"Hei Maija"));
    db.open_tree("updates")
        .expect("updates")
        .insert(7u32.to_be_bytes(), handled)
        .expect("insert");
    meta.insert(
        "counted",
        format!("{COUNTERS_FORMAT}; {}", NoRules.counting()).as_bytes(),
    )
    .expect("insert");
    db.flush().expect("flush");
}

#[test]
fn a_version_2_store_is_sealed_again_with_headers_on_first_open() {
    const ID: u64 = 0x0a0b_0c0d_0e0f_1012;
    let dir = tempfile::tempdir().expect("temp dir");
    write_v2_store(dir.path(), ID);
    let store = open(dir.path());
    assert_eq!(store.user(UserId(ID)).expect("user").lang, Some(Lang::Sv));
    assert_eq!(
        store.registrations_of(UserId(ID)).expect("regs"),
        vec![reg(ID, "tilli-toukka", "hyvinkaa", vec![4, 6])]
    );
    assert_eq!(
        store
            .demand_of(&gid("tilli-toukka"), &aid("hyvinkaa"))
            .expect("demand"),
        demand(1, 2)
    );
    assert_eq!(
        store.unsent_replies(7).expect("replies").as_deref(),
        Some(b"Hei Maija".as_slice())
    );
    assert!(store.seen_update(7).expect("seen"));
    for (tree, _, v) in store.dump().expect("dump") {
        if SEALED.contains(&tree.as_str()) {
            assert!(
                v.starts_with(&crypt::MAGIC),
                "a value in {tree} has no header"
            );
        }
    }
    drop(store);
    let store = reopen(dir.path(), &key()).expect("reopens");
    assert_eq!(store.registrations_of(UserId(ID)).expect("regs").len(), 1);
    drop(store);
    // Without its keyring, a schema-3 store is refused rather than read as empty.
    std::fs::remove_file(dir.path().join(keyring::FILE)).expect("remove");
    assert!(matches!(
        reopen(dir.path(), &key()),
        Err(StoreError::Keyring(_))
    ));
}

#[test]
fn the_keyring_and_the_erasure_list_are_sealed_again_under_a_new_master_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let store = open(dir.path());
        commit(
            &store,
            5,
            Some(1),
            &idle(Some(Lang::Fi)),
            &[Effect::SaveRegistration(reg(
                5,
                "eron-edessa",
                "lohja",
                vec![],
            ))],
        );
    }
    let old_ring = Crypt::new(&key());
    let ring =
        keyring::Keyring::open(&dir.path().join(keyring::FILE), &old_ring.ring_key).expect("opens");
    ring.ensure(&keyring::Owner::person(&[1; 16]), &old_ring.ring_key)
        .expect("a key");
    drop(ring);
    let new = Key::from_bytes([0x77; 32]);
    rekey_side_files(dir.path(), &key(), &new).expect("rekey");
    assert!(keyring::Keyring::open(&dir.path().join(keyring::FILE), &old_ring.ring_key).is_err());
    let new_ring = Crypt::new(&new);
    assert!(keyring::Keyring::open(&dir.path().join(keyring::FILE), &new_ring.ring_key).is_ok());
    assert!(
        erasures::ErasureList::open(&dir.path().join(erasures::FILE), &new_ring.erasures_key)
            .is_ok()
    );
}

/// Not an assertion: the cost of encryption, printed. `cargo test --lib commit_cost --
/// --nocapture` shows it.
#[tokio::test]
async fn commit_cost() {
    const N: u32 = 300;
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    let record = UserRecord {
        lang: Some(Lang::Fi),
        seen_lang: None,
        unreachable_since: None,
        seen_at: None,
        state: State::Registering(draft()),
    };
    let effects = |i: u32| {
        [Effect::SaveRegistration(reg(
            u64::from(i % 50),
            "tilli-toukka",
            "hyvinkaa",
            vec![4, 5],
        ))]
    };
    let start = std::time::Instant::now();
    for i in 0..N {
        store
            .commit_sync(
                UserId(u64::from(i % 50)),
                Some(i),
                &record,
                &effects(i),
                t0(),
            )
            .expect("commit");
    }
    let sync = start.elapsed() / N;
    let start = std::time::Instant::now();
    for i in N..2 * N {
        store
            .commit(
                UserId(u64::from(i % 50)),
                Some(i),
                &record,
                &effects(i),
                t0(),
            )
            .await
            .expect("commit");
    }
    let flushed = start.elapsed() / N;
    let value = encode(&reg(1, "tilli-toukka", "hyvinkaa", vec![4, 5]));
    let start = std::time::Instant::now();
    for _ in 0..N * 10 {
        let s = store.crypt.seal("registrations", b"key", &value);
        let _ = store.crypt.open("registrations", b"key", &s);
    }
    let crypto = start.elapsed() / (N * 10);
    let start = std::time::Instant::now();
    for i in 0..N * 10 {
        let _ = store.crypt.user_tag(UserId(u64::from(i)));
    }
    let tag = start.elapsed() / (N * 10);
    println!(
        "commit cost: commit_sync {sync:?}, commit with flush {flushed:?}; one seal+open of a {}-byte registration {crypto:?}; one user tag {tag:?}",
        value.len()
    );
}

// ---- schema ----

#[test]
fn counters_of_an_older_kokoon_are_added_up_again_on_open() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let store = open(dir.path());
        for (user, area, children) in [
            (1, "hyvinkaa", vec![4, 5]),
            (2, "hyvinkaa", vec![6]),
            (3, "riihimaki", vec![5]),
        ] {
            let r = reg(user, "tilli-toukka", area, children);
            commit(
                &store,
                user,
                None,
                &idle(None),
                &[Effect::SaveRegistration(r)],
            );
        }
        // As an older kokoon left them: two numbers per pool, and no "counted" mark.
        let pools: Vec<(Pool, PoolStats)> = store.pools_of(&gid("tilli-toukka")).expect("pools");
        for (pool, s) in pools {
            let old = serde_json::json!({"families": s.families, "participants": s.participants});
            store
                .counters
                .insert(pool.key(), serde_json::to_vec(&old).expect("json"))
                .expect("insert");
        }
        store.meta.remove("counted").expect("remove");
        store.db.flush().expect("flush");
    }
    let store = open(dir.path());
    let hyvinkaa = store.stats_in(&Pool {
        group: gid("tilli-toukka"),
        area: aid("hyvinkaa"),
        lang: None,
    });
    assert_eq!(
        hyvinkaa
            .expect("stats")
            .ages_on(crate::domain::child::today(t0())),
        BTreeMap::from([(4, 1), (5, 1), (6, 1)])
    );
    assert_counters_match(
        &store,
        &["tilli-toukka"],
        &["hyvinkaa", "riihimaki"],
        "reopened",
    );
}

#[test]
fn a_new_store_records_the_schema_version_and_a_key_check() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    let meta: Vec<DumpEntry> = store
        .dump()
        .expect("dump")
        .into_iter()
        .filter(|(tree, _, _)| tree == "meta")
        .collect();
    let keys: Vec<&[u8]> = meta.iter().map(|(_, k, _)| k.as_slice()).collect();
    assert_eq!(
        keys,
        vec![
            b"counted".as_slice(),
            b"family-index".as_slice(),
            b"keycheck".as_slice(),
            b"launch-meetings-private".as_slice(),
            b"schema".as_slice()
        ]
    );
    assert!(meta[0].2.starts_with(COUNTERS_FORMAT.as_bytes()));
    assert!(store.crypt.verify(&meta[2].2));
    assert_eq!(meta[4].2, SCHEMA_VERSION.to_be_bytes().to_vec());
}

fn write_schema(dir: &Path, value: &[u8]) {
    let db = sled::open(dir).expect("sled open");
    db.open_tree("meta")
        .expect("meta tree")
        .insert("schema", value)
        .expect("insert");
    db.flush().expect("flush");
}

#[test]
fn another_schema_version_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_schema(dir.path(), &(SCHEMA_VERSION + 1).to_be_bytes());
    match Store::open(dir.path(), CACHE, &key()) {
        Err(StoreError::Schema { found }) => assert_eq!(found, SCHEMA_VERSION + 1),
        Err(e) => panic!("expected a schema error, got {e}"),
        Ok(_) => panic!("a store of another schema version was opened"),
    }
}

#[test]
fn a_garbled_schema_value_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_schema(dir.path(), b"one");
    match Store::open(dir.path(), CACHE, &key()) {
        Err(e @ StoreError::Schema { .. }) => {
            assert!(e.to_string().contains("schema version"), "{e}");
        }
        Err(e) => panic!("expected a schema error, got {e}"),
        Ok(_) => panic!("a store with a garbled schema was opened"),
    }
}

#[test]
fn an_empty_version_1_store_is_migrated_and_opens() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_schema(dir.path(), &1u64.to_be_bytes());
    let store = open(dir.path());
    assert_eq!(store.registration_count(), 0);
}

#[test]
fn the_current_schema_version_without_a_key_check_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_schema(dir.path(), &SCHEMA_VERSION.to_be_bytes());
    assert!(matches!(
        Store::open(dir.path(), CACHE, &key()),
        Err(StoreError::WrongKey)
    ));
}

// ---- the directory lock ----

/// sled takes an exclusive file lock on the data directory. On Linux that lock belongs to the
/// open file, so even a second open in the same process is refused, and `open` reports it as
/// `Locked`. The first handle keeps working, and once it is dropped the directory opens again.
#[test]
fn a_directory_opens_once_at_a_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = open(dir.path());
    match Store::open(dir.path(), CACHE, &key()) {
        Err(StoreError::Locked(path)) => {
            assert_eq!(path, dir.path().display().to_string());
        }
        Err(e) => panic!("expected Locked, got {e}"),
        Ok(_) => panic!("the same directory was opened twice"),
    }
    let c = commit(
        &first,
        1,
        Some(1),
        &idle(Some(Lang::Fi)),
        &[Effect::SaveRegistration(reg(
            1,
            "eron-edessa",
            "lohja",
            vec![],
        ))],
    );
    assert_eq!(c, Committed::Applied, "the first handle still works");
    let clone = first.clone();
    drop(first);
    assert_eq!(clone.registration_count(), 1, "a clone shares the handle");
    drop(clone);
    // sled's background flusher holds the database for up to one flush interval after the last
    // handle is dropped, so the lock is released shortly after, not at once.
    let mut again = None;
    for _ in 0..100 {
        match Store::open(dir.path(), CACHE, &key()) {
            Ok(s) => {
                again = Some(s);
                break;
            }
            Err(StoreError::Locked(_)) => std::thread::sleep(std::time::Duration::from_millis(20)),
            Err(e) => panic!("reopen failed: {e}"),
        }
    }
    let again = again.expect("the directory opens again once every handle is dropped");
    assert_eq!(again.registration_count(), 1);
}

// ---- pruning update ids ----

#[test]
fn prune_forgets_update_ids_older_than_48_hours() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    let now = t0() + Duration::days(10);
    let ages = [
        (1, Duration::hours(72)),
        (2, Duration::hours(49)),
        (3, Duration::hours(48) + Duration::seconds(1)),
        (4, Duration::hours(48)),
        (5, Duration::hours(47)),
        (6, Duration::zero()),
    ];
    for (id, age) in ages {
        let c = store
            .commit_sync(UserId(1), Some(id), &idle(None), &[], now - age)
            .expect("commit");
        assert_eq!(c, Committed::Applied);
    }
    assert_eq!(store.prune_updates(now).expect("prune"), 3);
    let seen: Vec<bool> = ages
        .iter()
        .map(|(id, _)| store.seen_update(*id).expect("seen"))
        .collect();
    assert_eq!(seen, [false, false, false, true, true, true]);
    assert_eq!(
        store.prune_updates(now).expect("prune"),
        0,
        "nothing left to prune"
    );
    // A pruned id is new again.
    let c = store
        .commit_sync(UserId(1), Some(1), &idle(None), &[], now)
        .expect("commit");
    assert_eq!(c, Committed::Applied);
}

/// Many users' commits at once, each flushed before it returns: every one must finish. sled
/// 0.34's `flush_async` runs the flush on sled's own small thread pool; concurrent flushes could
/// take every thread of it while the log write they wait for sat queued behind them on the same
/// pool (spacejam/sled#1308), and the bot stopped answering when a dozen parents confirmed at the
/// same moment.
#[test]
fn concurrent_commits_all_finish() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    let (done, finished) = std::sync::mpsc::channel();
    let worker = store.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(4)
            .enable_all()
            .build()
            .expect("a runtime");
        rt.block_on(async {
            for round in 0..20u32 {
                let mut tasks = tokio::task::JoinSet::new();
                for user in 0..32u32 {
                    let store = worker.clone();
                    tasks.spawn(async move {
                        let r = reg(u64::from(user), "tilli-toukka", "hyvinkaa", vec![5]);
                        store
                            .commit(
                                UserId(u64::from(user)),
                                Some(round * 100 + user),
                                &idle(None),
                                &[Effect::SaveRegistration(r)],
                                t0(),
                            )
                            .await
                            .expect("commit")
                    });
                }
                while let Some(r) = tasks.join_next().await {
                    assert_eq!(r.expect("a commit task"), Committed::Applied);
                }
            }
        });
        let _ = done.send(());
    });
    finished
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("every commit finished within 30 s: no deadlock");
    assert_eq!(store.registration_count(), 32);
}

// ---- what is in the clear ----

/// Rules with a threshold of one participant, so that a pool gets a state.
struct LowThreshold;

impl Rules for LowThreshold {
    fn pool_of(&self, r: &Registration) -> Pool {
        NoRules.pool_of(r)
    }
    fn threshold(&self, _: &GroupId) -> Option<u32> {
        Some(1)
    }
    fn coordinator_ids(&self, _: crate::domain::remit::Scope<'_>) -> Vec<UserId> {
        Vec::new()
    }
}

#[tokio::test]
async fn demand_counters_pool_states_and_handled_update_times_are_sealed() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open_with(dir.path(), CACHE, &key(), Arc::new(LowThreshold)).expect("opens");
    store
        .commit(
            UserId(5),
            Some(1),
            &idle(None),
            &[Effect::SaveRegistration(reg(
                5,
                "tilli-toukka",
                "hyvinkaa",
                vec![4],
            ))],
            t0(),
        )
        .await
        .expect("commit");
    store.mark_update(2, t0()).await.expect("mark");
    let pool = LowThreshold.pool_of(&reg(5, "tilli-toukka", "hyvinkaa", vec![4]));
    assert_eq!(store.crossings(&pool).expect("crossings"), 1);
    assert_eq!(store.demand_in(&pool).expect("demand"), demand(1, 1));
    let mut seen = BTreeSet::new();
    for (tree, _, v) in store.dump().expect("dump") {
        if ["counters", "pools", "updates"].contains(&tree.as_str()) {
            assert!(
                v.starts_with(&crypt::MAGIC),
                "a value in {tree} is not sealed"
            );
            assert!(
                serde_json::from_slice::<serde_json::Value>(&v).is_err(),
                "a value in {tree} is JSON in clear"
            );
            assert!(
                !contains(&v, &t0().timestamp_millis().to_be_bytes()),
                "a value in {tree} holds a time in clear"
            );
            seen.insert(tree);
        }
    }
    assert_eq!(seen.len(), 3, "{seen:?}");
    // /demand reads the same from the sealed counters after a reopen.
    drop(store);
    let store = reopen(dir.path(), &key()).expect("reopens");
    assert_eq!(
        store
            .demand_of(&gid("tilli-toukka"), &aid("hyvinkaa"))
            .expect("demand"),
        demand(1, 1)
    );
}

// ---- the access log ----

#[tokio::test]
async fn the_access_log_keeps_who_saw_what_and_when_sealed_in_time_order_and_prunes() {
    use crate::domain::audit::{Access, Accessed};
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    let entry = |minutes: i64, what: Accessed| Access {
        at: t0() + Duration::minutes(minutes),
        who: UserId(100_000_001),
        role: crate::domain::audit::Role::Coordinator,
        what,
        group: Some(gid("tilli-toukka")),
        area: Some(aid("hyvinkaa")),
        event: None,
        launch: None,
        people: 3,
    };
    // Logged out of order; read back in time order.
    store.log_access(&entry(10, Accessed::Export)).expect("log");
    store.log_access(&entry(0, Accessed::List)).expect("log");
    store
        .log_access(&entry(20, Accessed::Broadcast))
        .expect("log");
    store.flush().await.expect("flush");
    let all = store
        .access_log(t0(), t0() + Duration::hours(1))
        .expect("log");
    assert_eq!(
        all.iter().map(|a| a.what).collect::<Vec<_>>(),
        vec![Accessed::List, Accessed::Export, Accessed::Broadcast]
    );
    assert_eq!(all[0], entry(0, Accessed::List));
    assert_eq!(
        store
            .access_log(t0() + Duration::minutes(5), t0() + Duration::minutes(15))
            .expect("log")
            .len(),
        1
    );
    let mut sealed = 0;
    for (tree, _, v) in store.dump().expect("dump") {
        if tree == "audit" {
            assert!(v.starts_with(&crypt::MAGIC), "sealed");
            assert!(!contains(&v, b"tilli-toukka"));
            sealed += 1;
        }
    }
    assert_eq!(sealed, 3);
    // Kept across a reopen; pruned by time.
    drop(store);
    let store = reopen(dir.path(), &key()).expect("reopens");
    assert_eq!(
        store
            .prune_access_log(t0() + Duration::minutes(15))
            .expect("prune"),
        2
    );
    assert_eq!(
        store
            .access_log(t0(), t0() + Duration::hours(1))
            .expect("log"),
        vec![entry(20, Accessed::Broadcast)]
    );
}

// ---- the erasure list ----

/// Copies a closed store's directory (a stand-in for a backup).
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for entry in std::fs::read_dir(from).expect("read dir") {
        let path = entry.expect("entry").path();
        let dest = to.join(path.file_name().expect("a name"));
        if path.is_dir() {
            copy_dir(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).expect("copy");
        }
    }
}

#[tokio::test]
async fn a_restored_snapshot_erases_again_whoever_was_erased_after_it() {
    let dir = tempfile::tempdir().expect("temp dir");
    let live = dir.path().join("live");
    let snapshot = dir.path().join("snapshot");
    let restored = dir.path().join("restored");
    let store = open(&live);
    for user in [5, 6] {
        commit(
            &store,
            user,
            None,
            &idle(Some(Lang::Fi)),
            &[Effect::SaveRegistration(reg(
                user,
                "eron-edessa",
                "lohja",
                vec![],
            ))],
        );
    }
    store.flush().await.expect("flush");
    drop(store);
    copy_dir(&live, &snapshot);
    let taken = t0() + Duration::hours(1);
    let store = reopen(&live, &key()).expect("reopens");
    store
        .commit(
            UserId(5),
            None,
            &idle(None),
            &[Effect::Forget],
            taken + Duration::hours(1),
        )
        .await
        .expect("forget");
    assert_eq!(store.erasures().len(), 1);
    let list = std::fs::read(live.join(erasures::FILE)).expect("the list");
    drop(store);

    // Restore: the snapshot, with the live erasure list beside it.
    copy_dir(&snapshot, &restored);
    std::fs::write(restored.join(erasures::FILE), list).expect("list");
    let store = reopen(&restored, &key()).expect("opens");
    assert_eq!(
        store.registrations_of(UserId(5)).expect("regs").len(),
        1,
        "the snapshot has them"
    );
    assert!(
        store
            .scan_files()
            .expect("scan")
            .readable
            .iter()
            .any(|v| contains(v, b"\"user\":5,")),
        "positive control: the snapshot's files give their registration up"
    );
    assert_eq!(
        store
            .reapply_erasures(taken, taken + Duration::days(1))
            .await
            .expect("reapply"),
        1
    );
    assert!(store.registrations_of(UserId(5)).expect("regs").is_empty());
    assert_eq!(store.user(UserId(5)).expect("user"), UserRecord::default());
    assert_eq!(
        store.registrations_of(UserId(6)).expect("regs").len(),
        1,
        "others stay"
    );
    let scan = store.scan_files().expect("scan");
    assert!(
        !scan.readable.iter().any(|v| contains(v, b"\"user\":5,")),
        "their registration no longer opens from the restored files"
    );
    // An erasure from before the snapshot is not applied again (they may have come back).
    assert_eq!(
        store
            .reapply_erasures(taken + Duration::days(1), taken + Duration::days(1))
            .await
            .expect("reapply"),
        0
    );
}

// ---- online backups ----

#[test]
fn snapshots_taken_while_registrations_and_withdrawals_commit_always_fall_between_transactions() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(&dir.path().join("data"));
    let areas = ["hyvinkaa", "lohja"];
    let commits = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let writers: Vec<_> = (0..4u64)
        .map(|w| {
            let store = store.clone();
            let commits = commits.clone();
            std::thread::spawn(move || {
                for i in 0..60u64 {
                    let user = 1000 * (w + 1) + i % 15;
                    let area = areas[usize::from(i % 3 == 0)];
                    let effect = if i % 4 == 3 {
                        Effect::Withdraw(gid("tilli-toukka"))
                    } else {
                        Effect::SaveRegistration(reg(user, "tilli-toukka", area, vec![4, 5]))
                    };
                    store
                        .commit_sync(UserId(user), None, &idle(None), &[effect], t0())
                        .expect("commit");
                    commits.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                }
            })
        })
        .collect();
    let mut snaps = Vec::new();
    let mut seen = 0;
    while writers.iter().any(|w| !w.is_finished()) || snaps.is_empty() {
        // One snapshot per step of the writers: a tight loop would only hold them up.
        let now = commits.load(std::sync::atomic::Ordering::SeqCst);
        if now == seen && !snaps.is_empty() {
            std::thread::yield_now();
            continue;
        }
        seen = now;
        snaps.push(store.snapshot().expect("snapshot"));
    }
    for w in writers {
        w.join().expect("writer");
    }
    assert!(snaps.len() > 1, "the snapshots did not overlap the writers");
    // Each snapshot is read with its own keyring (a registration withdrawn after it has lost its
    // key in the live store): restore it, open it, and its counters must be what its
    // registrations add up to. A sled start each, so at most 24 of them, spread evenly.
    let step = snaps.len().div_ceil(24);
    for (i, snap) in snaps.iter().enumerate().step_by(step) {
        let restored = dir.path().join(format!("restored-{i}"));
        backup::write_store(snap, &restored).expect("restore");
        let copy = open(&restored);
        let mut added: BTreeMap<Vec<u8>, usize> = BTreeMap::new();
        let mut counted: BTreeMap<Vec<u8>, usize> = BTreeMap::new();
        for (tree, k, v) in &snap.entries {
            match tree.as_slice() {
                b"registrations" => {
                    let r: Registration = copy.open_value("registrations", k, v).expect("open");
                    if r.status == Status::Waiting {
                        *added.entry(copy.rules.pool_of(&r).key()).or_default() += 1;
                    }
                }
                b"counters" => {
                    let s: PoolStats = copy.open_value("counters", k, v).expect("open");
                    counted.insert(k.clone(), s.families);
                }
                _ => {}
            }
        }
        counted.retain(|_, n| *n > 0);
        assert_eq!(
            added,
            counted,
            "snapshot {i} of {}: counters and registrations differ",
            snaps.len()
        );
        // And the restored copy holds together as a store.
        assert_counters_match(&copy, &["tilli-toukka"], &areas, &format!("snapshot {i}"));
    }
}

#[test]
fn streamed_backups_taken_while_parents_register_restore_stores_that_hold_together() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(&dir.path().join("data"));
    let areas = ["hyvinkaa", "lohja"];
    // Enough people for a keyring of several of the backup's chunks (64 KiB).
    for user in 0..800u64 {
        let r = reg(user, "tilli-toukka", areas[(user % 2) as usize], vec![4]);
        store
            .commit_sync(
                UserId(user),
                None,
                &idle(None),
                &[Effect::SaveRegistration(r)],
                t0(),
            )
            .expect("commit");
    }
    let ring = std::fs::metadata(dir.path().join("data").join(super::keyring::FILE))
        .expect("keyring")
        .len();
    assert!(ring > 2 * 64 * 1024, "a keyring of {ring} bytes");
    let backups = dir.path().join("backups");
    let writers: Vec<_> = (0..2u64)
        .map(|w| {
            let store = store.clone();
            std::thread::spawn(move || {
                for i in 0..60u64 {
                    let user = 10_000 * (w + 1) + i % 15;
                    let effect = if i % 4 == 3 {
                        Effect::Withdraw(gid("tilli-toukka"))
                    } else {
                        Effect::SaveRegistration(reg(user, "tilli-toukka", "lohja", vec![5]))
                    };
                    store
                        .commit_sync(UserId(user), None, &idle(None), &[effect], t0())
                        .expect("commit");
                }
            })
        })
        .collect();
    let mut files = Vec::new();
    let mut at = t0();
    // Backups one after another while the writers run (a few: each takes a while here).
    while (writers.iter().any(|w| !w.is_finished()) && files.len() < 5) || files.is_empty() {
        at += Duration::seconds(1);
        files.push(backup::backup(&store, &key(), &backups, 100, at).expect("backup"));
    }
    for w in writers {
        w.join().expect("writer");
    }
    // With nothing committing, a backup is the store exactly.
    at += Duration::seconds(1);
    let last = backup::backup(&store, &key(), &backups, 100, at).expect("backup");
    let bytes = std::fs::read(&last.path).expect("read");
    let mut opened = backup::open(&bytes, &key(), "last").expect("open");
    assert_eq!(opened.taken_at, Some(at));
    opened.taken_at = None;
    assert_eq!(opened, store.snapshot().expect("snapshot"));
    // Each backup restores to a store whose counters are what its registrations add up to.
    files.push(last);
    for (i, written) in files.iter().enumerate() {
        let restored = dir.path().join(format!("restored-{i}"));
        backup::restore(&written.path, &key(), &restored, None).expect("restore");
        let copy = open(&restored);
        assert_counters_match(&copy, &["tilli-toukka"], &areas, &format!("backup {i}"));
    }
}

#[test]
fn a_sign_up_decided_on_an_event_that_changed_since_is_refused_whole() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    let mut e = event_at(t0() + Duration::days(2), 9);
    e.capacity = Some(1);
    commit(&store, 9, None, &idle(None), &[Effect::CreateEvent(e)]);
    let id = store.events().expect("events")[0].id;
    let seen = revision(&store, id);
    let join = |user: u64, update: u32| {
        store.commit_sync(
            UserId(user),
            Some(update),
            &idle(Some(Lang::Sv)),
            &[Effect::Rsvp {
                event: id,
                join: true,
                seen,
            }],
            t0(),
        )
    };
    assert_eq!(join(1, 1).expect("applied"), Committed::Applied);
    // Decided on the same revision, but the seat went in between: nothing of it is applied,
    // not even the update id or the user's record.
    assert!(matches!(join(2, 2), Err(StoreError::Stale)));
    let e = store.event(id).expect("store").expect("event");
    assert_eq!(e.attendees, vec![UserId(1)]);
    assert!(e.waiting.is_empty());
    assert!(!store.seen_update(2).expect("store"));
    assert_eq!(store.user(UserId(2)).expect("store"), UserRecord::default());
}

#[test]
fn a_launch_meeting_stored_before_visibility_existed_becomes_private_on_open() {
    use crate::domain::event::Visibility;
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let store = open(dir.path());
        commit(
            &store,
            9,
            None,
            &idle(None),
            &[
                Effect::Launch(crate::domain::launch::LaunchRequest {
                    pool: Pool {
                        group: gid("tilli-toukka"),
                        area: aid("hyvinkaa"),
                        lang: None,
                    },
                    start: t0() + Duration::days(30),
                    end: t0() + Duration::days(30) + Duration::minutes(90),
                    place: "Pikku-Veturi".into(),
                    capacity: 5,
                    coordinator: UserId(9),
                    title: crate::domain::EventText::new(Lang::Fi, "Tilli Toukka"),
                    count: 1,
                    every_days: 7,
                    skip: Vec::new(),
                    moved: Vec::new(),
                }),
                Effect::CreateEvent(event_at(t0() + Duration::days(3), 9)),
            ],
        );
        let launch = store.launches().expect("launches")[0].clone();
        let id = launch.event.expect("its first meeting");
        let made = store.event(id).expect("store").expect("event");
        assert_eq!(made.visibility, Visibility::Launch { launch: launch.id });
        assert_eq!(made.token.as_ref().map(String::len), Some(22));
        // As an older kokoon stored it: no visibility, no token, no revision.
        let mut old = serde_json::to_value(&made).expect("json");
        for field in ["visibility", "token", "revision"] {
            old.as_object_mut().expect("object").remove(field);
        }
        let key = events::event_key(id);
        let plain = serde_json::to_vec(&old).expect("json");
        store
            .events
            .insert(key.as_slice(), store.crypt.seal("events", &key, &plain))
            .expect("insert");
        store.meta.remove("launch-meetings-private").expect("meta");
        let read = store.event(id).expect("store").expect("event");
        assert_eq!(read.visibility, Visibility::Public, "the serde default");
        store.db.flush().expect("flush");
    }
    let store = open(dir.path());
    let launch = store.launches().expect("launches")[0].clone();
    let e = store
        .event(launch.event.expect("event"))
        .expect("store")
        .expect("event");
    assert_eq!(e.visibility, Visibility::Launch { launch: launch.id });
    assert_eq!(e.token.as_ref().map(String::len), Some(22));
    let public = store
        .events()
        .expect("events")
        .into_iter()
        .find(|e| e.id != launch.event.unwrap_or_default())
        .expect("the other event");
    assert!(public.is_public() && public.token.is_none());
}

// ---- a key goes only after what it sealed is gone on disk ----

/// What a SIGKILL at this moment would leave: the store's files as they are on disk, copied.
fn crash_copy(dir: &Path) -> tempfile::TempDir {
    let copy = tempfile::tempdir().expect("temp dir");
    for (path, bytes) in files_under(dir) {
        let to = copy
            .path()
            .join(path.strip_prefix(dir).expect("under the store"));
        if let Some(parent) = to.parent() {
            std::fs::create_dir_all(parent).expect("dir");
        }
        std::fs::write(&to, bytes).expect("copy");
    }
    // sled's lock is per process: the copy has none to wait for.
    copy
}

/// Every registration on disk opens (none sealed under a destroyed key), and the counters
/// equal what they add up to.
fn assert_whole_after_a_crash(dir: &Path, context: &str) {
    let store = open(dir);
    let stored = store.registrations.len();
    let readable = store.all_registrations().count();
    assert_eq!(
        readable, stored,
        "{context}: {stored} registrations on disk, {readable} of them readable"
    );
    assert_counters_match(&store, &["tilli-toukka"], &["hyvinkaa"], context);
}

/// Found by the crash harness: a withdrawal's data key was destroyed as soon as its
/// transaction was applied, while the transaction itself waited for the batch's flush. A
/// SIGKILL in between brought the registration back from disk, still counted, but sealed under
/// a key that no longer existed. A key now goes only once the deletion it follows is on disk.
#[tokio::test]
async fn a_withdrawals_key_goes_only_after_the_withdrawal_is_on_disk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    commit(
        &store,
        1,
        Some(1),
        &idle(None),
        &[Effect::SaveRegistration(reg(
            1,
            "tilli-toukka",
            "hyvinkaa",
            vec![5],
        ))],
    );
    store.flush().await.expect("flush");
    // The batch's own flush has not run yet.
    commit(
        &store,
        1,
        Some(2),
        &idle(None),
        &[Effect::Withdraw(gid("tilli-toukka"))],
    );
    let crashed = crash_copy(dir.path());
    assert_whole_after_a_crash(crashed.path(), "a kill right after a withdrawal");
}

/// The same for `/forget`: the person's and their records' keys go after the erasure is on
/// disk.
#[tokio::test]
async fn a_forgotten_parents_keys_go_only_after_the_erasure_is_on_disk() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    commit(
        &store,
        2,
        Some(1),
        &idle(None),
        &[Effect::SaveRegistration(reg(
            2,
            "tilli-toukka",
            "hyvinkaa",
            vec![4, 6],
        ))],
    );
    store.flush().await.expect("flush");
    commit(&store, 2, Some(2), &idle(None), &[Effect::Forget]);
    let crashed = crash_copy(dir.path());
    assert_whole_after_a_crash(crashed.path(), "a kill right after /forget");
}

// ---- key rotation ----

/// `kokoon rekey`'s copy opens with the new key only, reads back exactly as the old store did
/// (every tree, opened; the erasure list; the user tags, so a returning parent is found), and
/// nothing in its files opens with the old key. A second rotation keeps the same tags.
#[tokio::test]
async fn a_rekeyed_copy_opens_with_the_new_key_only_and_reads_back_the_same() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (a, b, c) = (
        dir.path().join("a"),
        dir.path().join("b"),
        dir.path().join("c"),
    );
    let store = open(&a);
    for user in [5, 6, 7] {
        commit(
            &store,
            user,
            Some(user as u32),
            &idle(Some(Lang::Fi)),
            &[Effect::SaveRegistration(reg(
                user,
                "eron-edessa",
                "lohja",
                vec![4],
            ))],
        );
    }
    store
        .commit(UserId(7), None, &idle(None), &[Effect::Forget], t0())
        .await
        .expect("forget");
    store.flush().await.expect("flush");
    // Every value opened, whichever tree it is in (some trees seal some values only).
    let opened = |store: &Store| -> Vec<DumpEntry> {
        plain_dump(store)
            .into_iter()
            .map(|(t, k, v)| match crypt::parse(&v) {
                Some(_) => {
                    let plain = store.crypt.open(&t, &k, &v).expect("opens");
                    (t, k, plain)
                }
                None => (t, k, v),
            })
            .collect()
    };
    let before = opened(&store);
    assert!(before.iter().any(|(t, _, _)| t == "registrations"));
    let erased_before = store.erasures();
    assert_eq!(erased_before.len(), 1);
    drop(store);

    let rotate = |from: &Path, to: &Path, old: &Key, new: &Key| {
        for _ in 0..200 {
            match rekey::rekey(from, to, old, new) {
                Err(BackupError::Store(StoreError::Locked(_))) => {
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                other => return other.expect("rekey"),
            }
        }
        panic!("still locked")
    };
    let k2 = Key::from_bytes([0x42; 32]);
    let done = rotate(&a, &b, &key(), &k2);
    assert!(done.resealed > 0 && done.under_data_keys > 0, "{done:?}");
    assert!(matches!(reopen(&b, &key()), Err(StoreError::WrongKey)));
    // The old key opens nothing in the copy's files; it does in the old ones (control).
    let old = Crypt::new(&key());
    assert!(!crypt::scan_files(&a, &old)
        .expect("scan")
        .readable
        .is_empty());
    assert!(crypt::scan_files(&b, &old)
        .expect("scan")
        .readable
        .is_empty());
    assert!(
        keyring::Keyring::open(&b.join(keyring::FILE), &old.ring_key).is_err(),
        "the keyring is sealed under the new key"
    );

    let same = |store: &Store| {
        let mut after = opened(store);
        let mut before = before.clone();
        // The key check differs (another key), and the copy keeps the tag key.
        let keep = |e: &DumpEntry| e.0 != "meta" || (e.1 != b"keycheck" && e.1 != b"tagkey");
        after.retain(keep);
        before.retain(keep);
        after.sort();
        before.sort();
        assert!(after == before, "the copy reads back differently");
        assert_eq!(store.erasures(), erased_before);
        assert!(store.erased_since(UserId(7), t0()).is_some());
        assert_eq!(store.registrations_of(UserId(5)).expect("regs").len(), 1);
        assert!(
            store.seen_update(6).expect("seen"),
            "updates stay counted once"
        );
    };
    let store = reopen(&b, &k2).expect("the new key opens the copy");
    same(&store);
    // A returning parent's record is found under the same tag, and commits go on.
    commit(
        &store,
        5,
        Some(50),
        &idle(Some(Lang::Sv)),
        &[Effect::SaveRegistration(reg(
            5,
            "tilli-toukka",
            "lohja",
            vec![3],
        ))],
    );
    assert_eq!(store.registrations_of(UserId(5)).expect("regs").len(), 2);
    store.flush().await.expect("flush");
    drop(store);

    // A second rotation keeps the first key's tags.
    let k3 = Key::from_bytes([0x17; 32]);
    rotate(&b, &c, &k2, &k3);
    assert!(matches!(reopen(&c, &k2), Err(StoreError::WrongKey)));
    let store = reopen(&c, &k3).expect("the third key opens it");
    assert_eq!(store.registrations_of(UserId(5)).expect("regs").len(), 2);
    assert_eq!(store.user(UserId(5)).expect("user").lang, Some(Lang::Sv));
}

/// Schema 3 kept children as ages: on first open they become birth years (the year of
/// `created_at` less the age, month unknown), in stored registrations and unfinished ones, and
/// the counters are added up again by birth year.
#[test]
fn a_schema_3_store_keeps_its_childrens_ages_as_birth_years() {
    let dir = tempfile::tempdir().expect("temp dir");
    {
        let store = open(dir.path());
        let r = reg(1, "tilli-toukka", "hyvinkaa", vec![5, 4]);
        commit(
            &store,
            1,
            None,
            &UserRecord {
                state: State::Registering(draft()),
                ..idle(Some(Lang::Fi))
            },
            &[Effect::SaveRegistration(r)],
        );
        // As schema 3 wrote them: ages.
        let key = reg_key(&store.crypt, UserId(1), &gid("tilli-toukka"));
        let mut old: serde_json::Value = store
            .open_value(
                "registrations",
                &key,
                &store.registrations.get(&key).expect("get").expect("there"),
            )
            .expect("open");
        old["children"] = serde_json::json!([5, 4]);
        let sealed = store.seal("registrations", &key, &old).expect("seal");
        store.registrations.insert(key, sealed).expect("insert");
        let ukey = store.crypt.user_tag(UserId(1)).to_vec();
        let mut user: serde_json::Value = store
            .open_value(
                "users",
                &ukey,
                &store.users.get(&ukey).expect("get").expect("there"),
            )
            .expect("open");
        let text = user.to_string();
        let kids = serde_json::to_string(&kids(&[4, 6])).expect("json");
        assert!(text.contains(&kids), "{text}");
        user = serde_json::from_str(&text.replace(&kids, "[4,6]")).expect("json");
        let sealed = store.seal("users", &ukey, &user).expect("seal");
        store.users.insert(ukey, sealed).expect("insert");
        store
            .meta
            .insert("schema", &3u64.to_be_bytes())
            .expect("schema");
        store.meta.remove("counted").expect("remove");
        store.db.flush().expect("flush");
    }
    let store = open(dir.path());
    let r = &store.registrations_of(UserId(1)).expect("registrations")[0];
    let born = |year| crate::domain::Child { year, month: None };
    // Registered on 1 March 2025 at five and four.
    assert_eq!(r.children, vec![born(2020), born(2021)]);
    assert_eq!(
        crate::domain::child::ages_of(&r.children, t0()),
        vec![5, 4],
        "the ages given, on the day they were given"
    );
    match store.user(UserId(1)).expect("user").state {
        State::Registering(d) => assert_eq!(d.children.len(), 2, "{d:?}"),
        other => panic!("the draft is kept: {other:?}"),
    }
    assert_eq!(
        store.meta.get("schema").expect("meta").as_deref(),
        Some(&SCHEMA_VERSION.to_be_bytes()[..])
    );
    let stats = store
        .stats_in(&Pool {
            group: gid("tilli-toukka"),
            area: aid("hyvinkaa"),
            lang: None,
        })
        .expect("stats");
    assert_eq!(
        stats.children,
        BTreeMap::from([(born(2020), 1), (born(2021), 1)])
    );
}
