//! Data directories made in the benchmark process with kokoon's own store API, before the bot
//! is started on them: many registrations (scale, broadcast) or events with sign-ups (reminders).

use chrono::{DateTime, Duration, Utc};
use kokoon::config::Config;
use kokoon::domain::{
    Contact, Event, EventText, Lang, OutboxItem, Outgoing, Registration, Source, Status, UserId,
};
use kokoon::flow::{Effect, State};
use kokoon::store::{Store, UserRecord};
use std::path::Path;
use std::sync::Arc;

/// sled's cache, as `kokoon run` sets it.
const CACHE_BYTES: u64 = 16 * 1024 * 1024;

/// A small deterministic generator (xorshift64*), so every run stores the same data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.max(1))
    }

    pub fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        let x = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
        usize::try_from(x >> 33).unwrap_or(0) % n.max(1)
    }

    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.below(v.len())]
    }
}

fn record(lang: Lang) -> UserRecord {
    UserRecord {
        lang: None,
        seen_lang: Some(lang),
        unreachable_since: None,
        seen_at: None,
        state: State::Idle,
    }
}

/// A plausible registration: a random group (or `group`), area, language, ages and times.
fn registration(
    config: &Config,
    rng: &mut Rng,
    user: u64,
    group: Option<&str>,
    now: DateTime<Utc>,
) -> Registration {
    let g = match group {
        Some(id) => config
            .groups
            .iter()
            .find(|g| g.id.as_str() == id)
            .expect("the group is in the config"),
        None => rng.pick(&config.groups),
    };
    // Children the bot would have taken: of the group's ages at its expected start (the daily
    // job takes out the ones who have grown out, so a running store has none of those).
    let horizon = kokoon::domain::child::Horizon {
        months: config.start_horizon_months,
    };
    let children = match &g.children {
        Some(range) => (0..1 + rng.below(2))
            .map(|_| loop {
                let age = range.min
                    + u8::try_from(rng.below(usize::from(range.max - range.min) + 1)).unwrap_or(0);
                let child = kokoon::domain::Child::of_age(age, kokoon::domain::child::today(now));
                if horizon.fits(Some(*range), child, now) {
                    break child;
                }
            })
            .collect(),
        None => Vec::new(),
    };
    let areas: Vec<_> = if g.areas.is_empty() {
        config.areas.iter().map(|a| a.id.clone()).collect()
    } else {
        g.areas.clone()
    };
    let times: Vec<_> = if g.times.is_empty() {
        config.times.iter().map(|t| t.id.clone()).collect()
    } else {
        g.times.clone()
    };
    let first = rng.below(times.len());
    let picked: Vec<_> = times
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == first || rng.below(3) == 0)
        .map(|(_, t)| t.clone())
        .collect();
    let created = now - Duration::minutes(i64::try_from(rng.below(300 * 24 * 60)).unwrap_or(0));
    // Renewed as the bot asks: every `renew_months` since the registration, the last time
    // answered (a running store asks a few a day, not most of its registrations at once).
    let every = chrono::Months::new(config.renew_months.max(1));
    let mut renewed = None;
    while let Some(next) = renewed.unwrap_or(created).checked_add_months(every) {
        if next > now {
            break;
        }
        renewed = Some(next);
    }
    let sources: [&str; 3] = ["pikkuveturi", "neuvola", "seurakunta"];
    Registration {
        user: UserId(user),
        group: g.id.clone(),
        children,
        area: rng.pick(&areas).clone(),
        lang: *rng.pick(&g.languages),
        times: picked,
        contact: (rng.below(2) == 0).then(|| Contact {
            name: format!("Parent {user}"),
            username: Some(format!("parent{user}")),
        }),
        source: (rng.below(3) == 0)
            .then(|| Source::parse(rng.pick::<&str>(&sources)).expect("a source")),
        created_at: created,
        updated_at: created,
        status: Status::Waiting,
        expiry_notice: None,
        consents: Default::default(),
        renewed_at: renewed,
        // Asked the day before it was answered.
        renewal_asked: renewed.map(|t| t - Duration::days(1)),
        note: None,
        added: None,
    }
}

/// Stores `n` waiting registrations of users `first_user..first_user + n` (each with their user
/// record, one transaction each, as the bot would have), in `group` or spread over all groups.
/// Threshold alerts the registrations caused are taken out of the outbox, as if long sent.
pub async fn registrations(
    dir: &Path,
    config: &Arc<Config>,
    n: usize,
    first_user: u64,
    group: Option<&str>,
) {
    let store = Store::open_with(dir, CACHE_BYTES, &bench_key(), config.clone()).expect("a store");
    let (config, group) = (config.clone(), group.map(str::to_owned));
    let store2 = store.clone();
    tokio::task::spawn_blocking(move || {
        let now = Utc::now();
        let mut rng = Rng::new(0x6b6f_6b6f_6f6e ^ n as u64);
        for i in 0..n as u64 {
            let r = registration(&config, &mut rng, first_user + i, group.as_deref(), now);
            let rec = record(r.lang);
            store2
                .commit_sync(r.user, None, &rec, &[Effect::SaveRegistration(r)], now)
                .expect("a registration is stored");
        }
    })
    .await
    .expect("the generator");
    let far = Utc::now() + Duration::days(3650);
    for (key, item) in store.due_outbox(far, usize::MAX).expect("the outbox") {
        if matches!(
            item.message,
            Outgoing::Alert { .. } | Outgoing::Missed { .. }
        ) {
            store.outbox_done(&key).expect("an alert removed");
        }
    }
    store.flush().await.expect("flushed");
}

/// Stores one event per entry of `starts`; event `i` starts at `starts[i]` and has the users
/// `attendees[i]` signed up (their reminders are queued by the store, as for a real sign-up).
pub async fn events(
    dir: &Path,
    config: &Arc<Config>,
    organiser: u64,
    starts: &[DateTime<Utc>],
    attendees: &[Vec<u64>],
) {
    let store = Store::open_with(dir, CACHE_BYTES, &bench_key(), config.clone()).expect("a store");
    let now = Utc::now();
    for users in attendees {
        for &u in users {
            store
                .commit_sync(UserId(u), None, &record(Lang::Fi), &[], now)
                .expect("a user");
        }
    }
    for (start, users) in starts.iter().zip(attendees) {
        let event = Event {
            id: 0,
            title: EventText::new(Lang::Fi, "Eron edessä -ilta"),
            description: None,
            group: None,
            start: *start,
            end: *start + Duration::hours(2),
            place: "Pikku-Veturi, Hyvinkää".to_owned(),
            capacity: None,
            organiser: UserId(organiser),
            cancelled: false,
            version: 0,
            attendees: users.iter().map(|u| UserId(*u)).collect(),
            waiting: Vec::new(),
            key: None,
            visibility: kokoon::domain::event::Visibility::Public,
            token: None,
            revision: 0,
            facilitators: Vec::new(),
            co_parents: Vec::new(),
            series: None,
            came: Vec::new(),
        };
        store
            .commit_sync(
                UserId(organiser),
                None,
                &record(Lang::Fi),
                &[Effect::CreateEvent(event)],
                now,
            )
            .expect("an event");
    }
    store.flush().await.expect("flushed");
}

/// The reminders queued in a data directory (for a sanity check before the bot starts).
pub fn reminders_in(dir: &Path, config: &Arc<Config>) -> Vec<OutboxItem> {
    let store = Store::open_with(dir, CACHE_BYTES, &bench_key(), config.clone()).expect("a store");
    let far = Utc::now() + Duration::days(3650);
    store
        .due_outbox(far, usize::MAX)
        .expect("the outbox")
        .into_iter()
        .map(|(_, item)| item)
        .filter(|i| matches!(i.message, Outgoing::Reminder { .. }))
        .collect()
}

/// The encryption key of the benchmark's data directories (a fixed test key).
pub const BENCH_KEY_HEX: &str = "6b6f6b6f6f6e2074657374206b65792c206e6f7420666f722070726f64756374";

/// [`BENCH_KEY_HEX`] as a key.
pub fn bench_key() -> kokoon::store::Key {
    kokoon::store::Key::from_hex(BENCH_KEY_HEX, "the benchmark key").expect("a valid key")
}
