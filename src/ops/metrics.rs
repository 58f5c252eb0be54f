//! The process's counters for `/metrics` and `/healthz`: plain atomics, bumped with one line by
//! the Telegram adapter and the outbox sender, read by [`render`]. Counts only: nothing here can
//! hold a user id, a name or a group, so no label can carry personal data.
//!
//! One set per process, as a Prometheus client's default registry is: [`global`].

use crate::domain::{OutboxItem, Outgoing};
use chrono::{DateTime, Utc};
use std::fmt::Write;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering::Relaxed};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// A reminder delivered this long after its due time counts as late.
pub const LATE: chrono::Duration = chrono::Duration::minutes(10);

/// Readiness: Telegram must have answered within this long.
pub const TELEGRAM_FRESH: Duration = Duration::from_secs(5 * 60);

/// Liveness: each loop must have gone round within this long. The polling loop goes round at
/// least every long poll (10 s) and the sender at least once a minute.
pub const LOOP_FRESH: Duration = Duration::from_secs(3 * 60);

/// Never, for the `*_at` fields.
const NEVER: i64 = -1;

/// The counters. Every field is a plain atomic: cheap to bump from any task.
#[derive(Debug)]
pub struct Metrics {
    /// Updates taken from Telegram and handled (a batch handled again after a failed reply
    /// counts again).
    pub updates: AtomicU64,
    /// Messages Telegram accepted (replies, edits and outbox messages).
    pub messages_sent: AtomicU64,
    /// Outbox messages delivered and removed.
    pub outbox_sent: AtomicU64,
    /// Outbox messages put back to try later (failures, quiet hours, slow-down).
    pub outbox_retried: AtomicU64,
    /// Outbox messages given up.
    pub outbox_dropped: AtomicU64,
    /// 429 answers ("Too Many Requests").
    pub too_many_requests: AtomicU64,
    /// Requests sent again after a 429 or a network error.
    pub retries: AtomicU64,
    /// Reminders delivered more than [`LATE`] after their due time.
    pub reminders_late: AtomicU64,
    /// Snapshots that failed.
    pub backups_failed: AtomicU64,
    /// When Telegram last answered a poll, in milliseconds on the process's monotonic clock.
    telegram_ok_at: AtomicI64,
    /// When the polling loop last went round (monotonic milliseconds).
    polling_at: AtomicI64,
    /// When the outbox sender last went round (monotonic milliseconds).
    sender_at: AtomicI64,
    /// When the last snapshot was completed: Unix milliseconds (wall clock, from the app's
    /// clock), so its age survives nothing but is comparable with the files' times.
    backup_at: AtomicI64,
}

impl Metrics {
    const fn new() -> Metrics {
        Metrics {
            updates: AtomicU64::new(0),
            messages_sent: AtomicU64::new(0),
            outbox_sent: AtomicU64::new(0),
            outbox_retried: AtomicU64::new(0),
            outbox_dropped: AtomicU64::new(0),
            too_many_requests: AtomicU64::new(0),
            retries: AtomicU64::new(0),
            reminders_late: AtomicU64::new(0),
            backups_failed: AtomicU64::new(0),
            telegram_ok_at: AtomicI64::new(NEVER),
            polling_at: AtomicI64::new(NEVER),
            sender_at: AtomicI64::new(NEVER),
            backup_at: AtomicI64::new(NEVER),
        }
    }

    /// Adds `n` to a counter.
    pub fn add(counter: &AtomicU64, n: usize) {
        counter.fetch_add(n as u64, Relaxed);
    }

    /// Telegram answered (a poll came back, empty or not); the polling loop is going round.
    pub fn telegram_answered(&self) {
        let t = mono_ms();
        self.telegram_ok_at.store(t, Relaxed);
        self.polling_at.store(t, Relaxed);
    }

    /// Telegram answered 429; `again`: the request will be sent again.
    pub fn too_many_requests(&self, again: bool) {
        self.too_many_requests.fetch_add(1, Relaxed);
        if again {
            self.retry();
        }
    }

    /// A request is sent again after a 429 or a network error.
    pub fn retry(&self) {
        self.retries.fetch_add(1, Relaxed);
    }

    /// Counts a message request that Telegram accepted, and hands its result on.
    pub fn sent<T, E>(&self, result: Result<T, E>) -> Result<T, E> {
        if result.is_ok() {
            self.messages_sent.fetch_add(1, Relaxed);
        }
        result
    }

    /// The polling loop went round (whatever Telegram said).
    pub fn polling(&self) {
        self.polling_at.store(mono_ms(), Relaxed);
    }

    /// The outbox sender went round.
    pub fn sender(&self) {
        self.sender_at.store(mono_ms(), Relaxed);
    }

    /// The outbox sender delivered one recipient's due messages with these counts.
    pub fn outbox(&self, r: crate::sender::Report) {
        Metrics::add(&self.outbox_sent, r.sent);
        Metrics::add(&self.outbox_retried, r.retried);
        Metrics::add(&self.outbox_dropped, r.dropped);
    }

    /// An outbox item was delivered at `now`: a late reminder is counted.
    pub fn delivered(&self, item: &OutboxItem, now: DateTime<Utc>) {
        if matches!(item.message, Outgoing::Reminder { .. }) && now - item.due > LATE {
            self.reminders_late.fetch_add(1, Relaxed);
        }
    }

    /// A snapshot was completed at `at`.
    pub fn backup_done(&self, at: DateTime<Utc>) {
        self.backup_at.fetch_max(at.timestamp_millis(), Relaxed);
    }

    /// When the last snapshot was completed, if one was.
    #[must_use]
    pub fn last_backup(&self) -> Option<DateTime<Utc>> {
        match self.backup_at.load(Relaxed) {
            NEVER => None,
            ms => DateTime::from_timestamp_millis(ms),
        }
    }

    /// Liveness: the polling loop and the sender have gone round lately. `None` when live,
    /// else why not.
    #[must_use]
    pub fn not_live(&self) -> Option<String> {
        let now = mono_ms();
        let mut why = Vec::new();
        for (name, at) in [
            ("polling loop", &self.polling_at),
            ("outbox sender", &self.sender_at),
        ] {
            let at = at.load(Relaxed);
            if at == NEVER {
                why.push(format!("the {name} has not started"));
            } else if now - at > LOOP_FRESH.as_millis() as i64 {
                why.push(format!(
                    "the {name} has not gone round for {} s",
                    (now - at) / 1000
                ));
            }
        }
        (!why.is_empty()).then(|| why.join("; "))
    }

    /// Whether Telegram answered within [`TELEGRAM_FRESH`]; `None` when it did, else why not.
    #[must_use]
    pub fn telegram_stale(&self) -> Option<String> {
        match self.telegram_ok_at.load(Relaxed) {
            NEVER => Some("Telegram has not answered yet".into()),
            at => {
                let ago = mono_ms() - at;
                (ago > TELEGRAM_FRESH.as_millis() as i64)
                    .then(|| format!("Telegram last answered {} s ago", ago / 1000))
            }
        }
    }

    /// Seconds since Telegram last answered, if it has.
    fn telegram_age(&self) -> Option<f64> {
        match self.telegram_ok_at.load(Relaxed) {
            NEVER => None,
            at => Some((mono_ms() - at) as f64 / 1000.0),
        }
    }
}

/// The process's metrics.
#[must_use]
pub fn global() -> &'static Metrics {
    static METRICS: Metrics = Metrics::new();
    &METRICS
}

/// Milliseconds since the process's first look at the monotonic clock.
fn mono_ms() -> i64 {
    static START: OnceLock<Instant> = OnceLock::new();
    let start = *START.get_or_init(Instant::now);
    i64::try_from(start.elapsed().as_millis()).unwrap_or(i64::MAX)
}

/// What the store says at the moment of a scrape.
#[derive(Debug, Clone, Copy, Default)]
pub struct StoreGauges {
    /// Messages queued in the outbox.
    pub outbox_depth: usize,
    /// Seconds the most overdue queued message is past its due time (0 if none is overdue).
    pub outbox_oldest_seconds: f64,
    /// Bytes the store takes on disk.
    pub store_bytes: u64,
}

/// The metrics in Prometheus's text exposition format (version 0.0.4).
#[must_use]
pub fn render(m: &Metrics, store: &StoreGauges, now: DateTime<Utc>) -> String {
    let mut out = String::new();
    let mut metric = |name: &str, kind: &str, help: &str, value: String| {
        let _ = writeln!(
            out,
            "# HELP {name} {help}\n# TYPE {name} {kind}\n{name} {value}"
        );
    };
    let c = |a: &AtomicU64| a.load(Relaxed).to_string();
    metric(
        "kokoon_updates_handled_total",
        "counter",
        "Telegram updates handled.",
        c(&m.updates),
    );
    metric(
        "kokoon_messages_sent_total",
        "counter",
        "Messages Telegram accepted (replies, edits, outbox).",
        c(&m.messages_sent),
    );
    metric(
        "kokoon_outbox_sent_total",
        "counter",
        "Outbox messages delivered.",
        c(&m.outbox_sent),
    );
    metric(
        "kokoon_outbox_retried_total",
        "counter",
        "Outbox messages put back to try later.",
        c(&m.outbox_retried),
    );
    metric(
        "kokoon_outbox_dropped_total",
        "counter",
        "Outbox messages given up.",
        c(&m.outbox_dropped),
    );
    metric(
        "kokoon_telegram_429_total",
        "counter",
        "429 Too Many Requests answers from Telegram.",
        c(&m.too_many_requests),
    );
    metric(
        "kokoon_telegram_retries_total",
        "counter",
        "Requests sent again after a 429 or a network error.",
        c(&m.retries),
    );
    metric(
        "kokoon_reminders_late_total",
        "counter",
        "Reminders delivered more than 10 minutes after their due time.",
        c(&m.reminders_late),
    );
    metric(
        "kokoon_backups_failed_total",
        "counter",
        "Snapshots that failed.",
        c(&m.backups_failed),
    );
    metric(
        "kokoon_outbox_depth",
        "gauge",
        "Messages queued in the outbox.",
        store.outbox_depth.to_string(),
    );
    metric(
        "kokoon_outbox_oldest_seconds",
        "gauge",
        "Seconds the most overdue queued message is past its due time.",
        format!("{:.3}", store.outbox_oldest_seconds),
    );
    metric(
        "kokoon_store_bytes",
        "gauge",
        "Bytes the store takes on disk.",
        store.store_bytes.to_string(),
    );
    let backup_age = m
        .last_backup()
        .map_or(-1.0, |t| (now - t).num_milliseconds() as f64 / 1000.0);
    metric(
        "kokoon_last_backup_age_seconds",
        "gauge",
        "Seconds since the last completed snapshot (-1: none since start).",
        format!("{backup_age:.3}"),
    );
    let telegram_age = m.telegram_age().unwrap_or(-1.0);
    metric(
        "kokoon_telegram_last_ok_age_seconds",
        "gauge",
        "Seconds since Telegram last answered a poll (-1: not yet).",
        format!("{telegram_age:.3}"),
    );
    let up = u8::from(m.not_live().is_none());
    metric(
        "kokoon_up",
        "gauge",
        "1 when the polling loop and the outbox sender are going round.",
        up.to_string(),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn render_is_prometheus_text_with_help_and_type_for_every_metric() {
        let m = Metrics::new();
        m.updates.fetch_add(3, Relaxed);
        m.outbox(crate::sender::Report {
            sent: 2,
            retried: 1,
            dropped: 0,
        });
        let text = render(
            &m,
            &StoreGauges {
                outbox_depth: 4,
                outbox_oldest_seconds: 1.5,
                store_bytes: 1024,
            },
            DateTime::UNIX_EPOCH,
        );
        assert!(text.contains("kokoon_updates_handled_total 3\n"), "{text}");
        assert!(text.contains("kokoon_outbox_sent_total 2\n"));
        assert!(text.contains("kokoon_outbox_depth 4\n"));
        assert!(text.contains("kokoon_last_backup_age_seconds -1.000\n"));
        for line in text.lines().filter(|l| !l.starts_with('#')) {
            let (name, value) = line.split_once(' ').expect("name value");
            assert!(
                name.chars()
                    .all(|c| c.is_ascii_lowercase() || c == '_' || c.is_ascii_digit()),
                "{line}: no labels, plain names"
            );
            assert!(value.parse::<f64>().is_ok(), "{line}");
            assert!(
                text.contains(&format!("# TYPE {name} ")),
                "{name} has no TYPE"
            );
        }
    }

    #[test]
    fn a_reminder_counts_late_only_past_ten_minutes() {
        let m = Metrics::new();
        let due = DateTime::UNIX_EPOCH;
        let item = OutboxItem {
            to: crate::domain::UserId(1),
            due,
            attempts: 0,
            message: Outgoing::Reminder {
                event: 1,
                version: 1,
            },
        };
        m.delivered(&item, due + chrono::Duration::minutes(9));
        assert_eq!(m.reminders_late.load(Relaxed), 0);
        m.delivered(&item, due + chrono::Duration::minutes(11));
        assert_eq!(m.reminders_late.load(Relaxed), 1);
    }

    #[test]
    fn the_loops_are_not_live_before_they_went_round_and_are_after() {
        let m = Metrics::new();
        assert!(m.not_live().is_some());
        assert!(m.telegram_stale().is_some());
        m.telegram_answered();
        m.sender();
        assert_eq!(m.not_live(), None);
        assert_eq!(m.telegram_stale(), None);
    }
}
