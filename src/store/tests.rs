//! Tests for the store: durability across reopening, counters that always equal what the
//! registrations add up to, redelivered updates, `/forget`, the schema guard, the directory
//! lock and pruning of update ids.

use super::*;
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

fn open(dir: &Path) -> Store {
    match Store::open(dir, CACHE) {
        Ok(s) => s,
        Err(e) => panic!("open {}: {e}", dir.display()),
    }
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
        children,
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
        created_at: t0(),
        updated_at: t0() + Duration::minutes(5),
    }
}

fn draft() -> Draft {
    Draft {
        group: gid("tilli-toukka"),
        source: Some(Source::parse("poster_1").expect("valid source")),
        step: Step::Times,
        children: vec![4, 6],
        area: Some(aid("lohja")),
        lang: Some(Lang::Fi),
        times: vec![TimeId::parse("weekend").expect("valid time id")],
        consent: false,
        share: None,
    }
}

fn idle(lang: Option<Lang>) -> UserRecord {
    UserRecord {
        lang,
        seen_lang: None,
        unreachable: false,
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
        unreachable: false,
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
    let stored: Vec<Registration> = store
        .all_registrations()
        .collect::<Result<_, _>>()
        .expect("decode");
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
        unreachable: false,
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

#[test]
fn forget_leaves_nothing_of_the_user() {
    const ID: u64 = 0x0102_0304_0506_0708;
    let id_bytes = ID.to_be_bytes();
    let id_decimal = ID.to_string();
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    let registering = UserRecord {
        lang: Some(Lang::Sv),
        seen_lang: None,
        unreachable: false,
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
    let contains = |hay: &[u8], needle: &[u8]| hay.windows(needle.len()).any(|w| w == needle);
    let dump = store.dump().expect("dump");
    assert!(
        dump.iter().any(|(_, k, _)| contains(k, &id_bytes)),
        "the test id is stored as a key before forgetting"
    );
    assert!(
        dump.iter()
            .any(|(_, _, v)| String::from_utf8_lossy(v).contains(&id_decimal)),
        "the test id is in a JSON value before forgetting"
    );

    let c = commit(
        &store,
        ID,
        Some(3),
        &idle(Some(Lang::Sv)),
        &[Effect::Forget],
    );
    assert_eq!(c, Committed::Applied);

    for (tree, k, v) in store.dump().expect("dump") {
        assert!(
            !contains(&k, &id_bytes),
            "key in {tree} holds the user id: {k:?}"
        );
        assert!(
            !contains(&v, &id_bytes),
            "value in {tree} holds the user id: {v:?}"
        );
        let text = String::from_utf8_lossy(&v);
        assert!(
            !text.contains(&id_decimal),
            "value in {tree} mentions the user id: {text}"
        );
    }
    assert_eq!(store.user(UserId(ID)).expect("user"), UserRecord::default());
    assert!(store.registrations_of(UserId(ID)).expect("regs").is_empty());
    assert_eq!(
        store.registrations_of(UserId(42)).expect("regs"),
        vec![other]
    );
    assert_eq!(store.user(UserId(42)).expect("user"), registering);
    assert_counters_match(
        &store,
        &["tilli-toukka", "eron-edessa"],
        &["hyvinkaa", "lohja"],
        "after forget",
    );
    assert_eq!(
        store
            .demand_of(&gid("tilli-toukka"), &aid("hyvinkaa"))
            .expect("demand"),
        demand(1, 1)
    );
}

// ---- schema ----

#[test]
fn a_new_store_records_the_schema_version() {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = open(dir.path());
    let meta: Vec<DumpEntry> = store
        .dump()
        .expect("dump")
        .into_iter()
        .filter(|(tree, _, _)| tree == "meta")
        .collect();
    assert_eq!(
        meta,
        vec![(
            "meta".to_owned(),
            b"schema".to_vec(),
            SCHEMA_VERSION.to_be_bytes().to_vec()
        )]
    );
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
    match Store::open(dir.path(), CACHE) {
        Err(StoreError::Schema { found }) => assert_eq!(found, SCHEMA_VERSION + 1),
        Err(e) => panic!("expected a schema error, got {e}"),
        Ok(_) => panic!("a store of another schema version was opened"),
    }
}

#[test]
fn a_garbled_schema_value_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_schema(dir.path(), b"one");
    match Store::open(dir.path(), CACHE) {
        Err(e @ StoreError::Schema { .. }) => {
            assert!(e.to_string().contains("schema version"), "{e}");
        }
        Err(e) => panic!("expected a schema error, got {e}"),
        Ok(_) => panic!("a store with a garbled schema was opened"),
    }
}

#[test]
fn the_current_schema_version_opens() {
    let dir = tempfile::tempdir().expect("temp dir");
    write_schema(dir.path(), &SCHEMA_VERSION.to_be_bytes());
    let store = open(dir.path());
    assert_eq!(store.registration_count(), 0);
}

// ---- the directory lock ----

/// sled takes an exclusive file lock on the data directory. On Linux that lock belongs to the
/// open file, so even a second open in the same process is refused, and `open` reports it as
/// `Locked`. The first handle keeps working, and once it is dropped the directory opens again.
#[test]
fn a_directory_opens_once_at_a_time() {
    let dir = tempfile::tempdir().expect("temp dir");
    let first = open(dir.path());
    match Store::open(dir.path(), CACHE) {
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
        match Store::open(dir.path(), CACHE) {
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
