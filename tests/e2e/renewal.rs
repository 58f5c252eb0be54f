//! Interest is renewed (issue 14), as a story on a manual clock, in process: two families wait
//! for Tilli Toukka in Hyvinkää. Four months after registering both are asked, once and
//! neutrally, whether they are still interested. Aino says yes; Bea does not answer, and two
//! weeks later her registration is paused: it no longer counts, Tiina's `/demand` shows it
//! apart, and Bea's `/mine` shows it paused with a button to continue. Bea continues; Aino is
//! asked again four months after her answer and answers from `/mine`. After every step the
//! demand counters equal a recount from the registrations.
//!
//! Every person's transcript is compared with `tests/e2e/families/<who>.txt`;
//! `KOKOON_BLESS=1 cargo test --test e2e renewal` writes them anew: read the diff.

use crate::in_process::{helsinki, spawn_app_with, TestApp};
use chrono::{Duration, Months};
use kokoon::domain::{Demand, Pool, Rules, Status};
use std::path::PathBuf;

const TIINA: i64 = 100_000_001;
const AINO: i64 = 640_001;
const BEA: i64 = 640_002;

/// The demand counters of every pool equal a recount of the waiting registrations, and the
/// paused ones are counted apart exactly.
pub(crate) fn counts_hold(t: &TestApp) -> Result<(), String> {
    let regs: Vec<_> = t
        .app
        .store
        .all_registrations()
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let pools: std::collections::BTreeSet<Pool> =
        regs.iter().map(|r| t.app.config.pool_of(r)).collect();
    for pool in &pools {
        let mut expected = Demand::default();
        for r in regs
            .iter()
            .filter(|r| r.status == Status::Waiting && &t.app.config.pool_of(r) == pool)
        {
            expected.add(r);
        }
        let stored = t.app.store.demand_in(pool).map_err(|e| e.to_string())?;
        if stored != expected {
            return Err(format!("{pool:?}: stored {stored:?}, recount {expected:?}"));
        }
    }
    for group in &t.app.config.groups {
        let mut expected = Demand::default();
        for r in regs
            .iter()
            .filter(|r| r.group == group.id && matches!(r.status, Status::Paused { .. }))
        {
            expected.add(r);
        }
        let stored = t
            .app
            .store
            .paused_of(&group.id)
            .map_err(|e| e.to_string())?
            .demand();
        if stored != expected {
            return Err(format!(
                "{}: paused stored {stored:?}, recount {expected:?}",
                group.id
            ));
        }
    }
    Ok(())
}

fn status(t: &TestApp, user: i64) -> Status {
    t.app
        .store
        .registrations_of(kokoon::domain::UserId(user as u64))
        .expect("store")[0]
        .status
}

async fn register(t: &TestApp, id: i64, name: &str) {
    let u = t.user(id, name, "fi");
    u.says("/start tilli-toukka").await;
    u.taps("Hyväksyn tallennuksen").await;
    u.taps("5").await;
    u.taps("Ei muita, jatketaan").await;
    u.taps("Hyvinkää").await;
    u.taps("suomi").await;
    u.taps("Arki-iltaisin").await;
    u.taps("Valmis").await;
    u.taps("Kyllä, saa nähdä").await;
    u.taps("Ohita").await;
    u.taps("Vahvista").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_families_are_asked_and_the_silent_one_is_paused_until_it_continues() {
    let t = spawn_app_with(
        crate::in_process::example_config(),
        helsinki("2026-11-23 12:00"),
    )
    .await;
    let mut failures: Vec<String> = Vec::new();
    let mut check = |ok: Result<(), String>, what: &str| {
        if let Err(e) = ok {
            failures.push(format!("{what}: {e}"));
        }
    };
    let registered = t.now();
    register(&t, AINO, "Aino").await;
    register(&t, BEA, "Bea").await;
    check(counts_hold(&t), "after registering");
    let tiina = t.user(TIINA, "Tiina", "fi");
    tiina.says("/demand").await;

    // A day before the four months: nothing is asked yet.
    let months = |n: u32| registered.checked_add_months(Months::new(n)).expect("date");
    t.clock.set(months(4) - Duration::days(1));
    t.settle().await;
    check(
        (t.unasked(AINO).is_empty() && t.unasked(BEA).is_empty())
            .then_some(())
            .ok_or_else(|| "asked too early".to_owned()),
        "before four months",
    );
    // Four months after: both are asked, once.
    t.clock.set(months(4) + Duration::hours(1));
    t.settle().await;
    for who in [AINO, BEA] {
        let asked = t.unasked(who);
        check(
            (asked.len() == 1 && asked[0].text.starts_with("Viesti ilmoittautumisestasi"))
                .then_some(())
                .ok_or_else(|| format!("{who} got {asked:?}")),
            "one neutral question each",
        );
    }
    check(counts_hold(&t), "after asking");
    let aino = t.user(AINO, "Aino", "fi");
    aino.taps_on("Oletko yhä kiinnostunut", "Olen yhä kiinnostunut")
        .await;
    check(counts_hold(&t), "after Aino's answer");

    // The next day nothing more is asked; two weeks after the question Bea is paused.
    t.clock
        .set(months(4) + Duration::days(1) + Duration::hours(1));
    t.settle().await;
    check(
        (t.unasked(AINO).len() == 1 && t.unasked(BEA).len() == 1)
            .then_some(())
            .ok_or_else(|| "asked twice".to_owned()),
        "asked once",
    );
    t.clock
        .set(months(4) + Duration::days(14) + Duration::hours(2));
    t.settle().await;
    check(
        matches!(status(&t, BEA), Status::Paused { .. })
            .then_some(())
            .ok_or_else(|| format!("Bea is {:?}", status(&t, BEA))),
        "Bea paused",
    );
    check(
        (status(&t, AINO) == Status::Waiting)
            .then_some(())
            .ok_or_else(|| format!("Aino is {:?}", status(&t, AINO))),
        "Aino waits",
    );
    check(counts_hold(&t), "after the pause");
    tiina.says("/demand").await;
    let bea = t.user(BEA, "Bea", "fi");
    bea.says("/mine").await;
    bea.taps("Kyllä, pidän paikkani jonossa").await;
    check(
        (status(&t, BEA) == Status::Waiting)
            .then_some(())
            .ok_or_else(|| format!("Bea is {:?}", status(&t, BEA))),
        "Bea continues",
    );
    check(counts_hold(&t), "after Bea continues");
    tiina.says("/demand").await;

    // Four months after Aino's answer she is asked again, and answers from /mine.
    t.clock.set(months(8) + Duration::hours(2));
    t.settle().await;
    check(
        (t.unasked(AINO).len() == 2)
            .then_some(())
            .ok_or_else(|| format!("Aino got {:?}", t.unasked(AINO))),
        "Aino asked again",
    );
    aino.says("/mine").await;
    aino.taps("Olen yhä kiinnostunut").await;
    check(counts_hold(&t), "after Aino's second answer");
    // Her answer holds: two weeks on she still waits.
    t.clock.set(months(8) + Duration::days(15));
    t.settle().await;
    check(
        (status(&t, AINO) == Status::Waiting)
            .then_some(())
            .ok_or_else(|| format!("Aino is {:?}", status(&t, AINO))),
        "Aino still waits",
    );
    check(counts_hold(&t), "at the end");

    for (name, who) in [
        ("renewal-aino-fi", AINO),
        ("renewal-bea-fi", BEA),
        ("renewal-tiina-fi", TIINA),
    ] {
        if let Some(diff) = compare(name, &t.transcript(who)) {
            failures.push(diff);
        }
    }
    t.stop().await;
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/e2e/families")
}

/// Compares a transcript with its golden file, or writes it with `KOKOON_BLESS=1`.
pub(crate) fn compare(name: &str, transcript: &str) -> Option<String> {
    let path = golden_dir().join(format!("{name}.txt"));
    if std::env::var("KOKOON_BLESS").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(golden_dir()).expect("the golden directory");
        std::fs::write(&path, transcript).expect("the golden file is written");
        return None;
    }
    let Ok(golden) = std::fs::read_to_string(&path) else {
        return Some(format!(
            "{}: no golden transcript; write it with KOKOON_BLESS=1 and read it",
            path.display()
        ));
    };
    if golden == transcript {
        return None;
    }
    let (g, t): (Vec<&str>, Vec<&str>) = (golden.lines().collect(), transcript.lines().collect());
    let first = g
        .iter()
        .zip(&t)
        .position(|(a, b)| a != b)
        .unwrap_or(g.len().min(t.len()));
    Some(format!(
        "{}: differs from line {}:\n  golden: {:?}\n  now:    {:?}",
        path.display(),
        first + 1,
        g.get(first),
        t.get(first)
    ))
}
