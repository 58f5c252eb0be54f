//! The one rate limiter every outgoing message passes: Telegram allows a bot about 30 messages a
//! second overall and one a second in a chat. teloxide's `Throttle` keeps those limits too, but
//! its worker wakes only every 250 ms, so each reply waited up to a quarter of a second even with
//! the limits lifted. This one hands out send times directly:
//!
//! - a chat's messages are at least `1 / per_chat` seconds apart (its next slot is reserved as
//!   soon as one is granted, so concurrent sends to one chat queue up in order);
//! - the messages of all chats together are at least `1 / overall` seconds apart, a little more
//!   than the limit requires ([`MARGIN`]), so jitter on the way never makes 31 in one second;
//! - a 429 freezes everything until its `retry_after` has passed.
//!
//! [`Pacer`] is the arithmetic, on times it is given; [`Limiter`] puts it behind a lock and
//! sleeps. With [`Limits::Off`] nothing waits, except after a 429: Telegram's `retry_after` is
//! honoured whatever the limits.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Slots are this much wider than the limit itself (3 %), against timing jitter between here and
/// Telegram: about 29 messages a second go out under a 30-a-second limit.
const MARGIN: f64 = 1.03;

/// How long a chat's last slot is remembered once it has passed; older entries are swept.
const CHAT_MEMORY: Duration = Duration::from_secs(5);

/// Outgoing message limits.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limits {
    /// No limits (a local test server): nothing waits.
    Off,
    /// At most `overall` messages a second in all, and `per_chat` a second in one chat.
    PerSecond {
        /// Messages a second, all chats together.
        overall: u32,
        /// Messages a second in one chat.
        per_chat: u32,
    },
}

impl Limits {
    /// Telegram's own: 30 a second overall, one a second per chat.
    pub const TELEGRAM: Limits = Limits::PerSecond {
        overall: 30,
        per_chat: 1,
    };

    /// Parses `KOKOON_RATE_LIMIT`: `telegram` (the default), `off`, or `<overall>/<per chat>` in
    /// messages per second (e.g. `300/10` against a test server whose clock runs ten times
    /// faster).
    pub fn parse(s: &str) -> Result<Limits, String> {
        match s.trim() {
            "" | "telegram" => Ok(Limits::TELEGRAM),
            "off" => Ok(Limits::Off),
            other => {
                let (overall, chat) = other.split_once('/').ok_or_else(|| {
                    format!("{other:?}: use telegram, off, or <overall>/<per chat>")
                })?;
                let n = |x: &str| {
                    x.trim()
                        .parse::<u32>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| format!("{x:?} is not a positive number"))
                };
                Ok(Limits::PerSecond {
                    overall: n(overall)?,
                    per_chat: n(chat)?,
                })
            }
        }
    }
}

/// The spacing arithmetic of [`Limiter`], on explicit times.
#[derive(Debug)]
pub struct Pacer {
    /// Between two messages of any chats.
    overall_gap: Duration,
    /// Between two messages in one chat.
    chat_gap: Duration,
    /// The earliest time the next message of any chat may go.
    next: Option<Instant>,
    /// Per chat: the earliest time its next message may go.
    chats: HashMap<i64, Instant>,
    /// When `chats` was last swept of past entries.
    swept: Option<Instant>,
}

/// What [`Pacer::reserve`] decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Slot {
    /// Send at this time (now or later); the slot is taken.
    At(Instant),
    /// The chat is not ready: ask again at this time. Nothing is taken.
    ChatBusyUntil(Instant),
}

impl Pacer {
    /// A pacer for `overall` messages a second in all and `per_chat` in one chat.
    #[must_use]
    pub fn new(overall: u32, per_chat: u32) -> Pacer {
        let gap = |per_sec: u32| Duration::from_secs_f64(MARGIN / f64::from(per_sec.max(1)));
        Pacer {
            overall_gap: gap(overall),
            chat_gap: gap(per_chat),
            next: None,
            chats: HashMap::new(),
            swept: None,
        }
    }

    /// A pacer for [`Limits`].
    #[must_use]
    pub fn of(limits: Limits) -> Pacer {
        match limits {
            Limits::PerSecond { overall, per_chat } => Pacer::new(overall, per_chat),
            Limits::Off => Pacer {
                overall_gap: Duration::ZERO,
                chat_gap: Duration::ZERO,
                next: None,
                chats: HashMap::new(),
                swept: None,
            },
        }
    }

    /// Takes the next slot for a message to `chat` at `now`: the chat must be ready first, so
    /// that a chat waiting out its own second does not hold a slot others could use.
    pub fn reserve(&mut self, chat: i64, now: Instant) -> Slot {
        self.sweep(now);
        if let Some(&ready) = self.chats.get(&chat) {
            if ready > now {
                return Slot::ChatBusyUntil(ready);
            }
        }
        let at = self.next.map_or(now, |n| n.max(now));
        self.next = Some(at + self.overall_gap);
        if !self.chat_gap.is_zero() {
            self.chats.insert(chat, at + self.chat_gap);
        }
        Slot::At(at)
    }

    /// When `chat`'s pacing lets its next message go, if that is still to come at `now`
    /// (nothing is taken; the overall spacing is [`Pacer::reserve`]'s business).
    #[must_use]
    pub fn chat_ready(&self, chat: i64, now: Instant) -> Option<Instant> {
        self.chats.get(&chat).copied().filter(|ready| *ready > now)
    }

    /// Telegram said "retry after": nothing goes before `until`.
    pub fn freeze(&mut self, until: Instant) {
        self.next = Some(self.next.map_or(until, |n| n.max(until)));
    }

    fn sweep(&mut self, now: Instant) {
        if self.swept.is_some_and(|s| now < s + CHAT_MEMORY) {
            return;
        }
        self.swept = Some(now);
        self.chats.retain(|_, ready| {
            now.checked_duration_since(*ready).unwrap_or_default() < CHAT_MEMORY
        });
    }
}

/// The shared limiter: [`Pacer`] behind a lock, waiting with tokio's timer.
#[derive(Debug)]
pub struct Limiter {
    pacer: Mutex<Pacer>,
}

impl Limiter {
    /// A limiter keeping `limits`.
    #[must_use]
    pub fn new(limits: Limits) -> Limiter {
        Limiter {
            pacer: Mutex::new(Pacer::of(limits)),
        }
    }

    /// Waits until a message to `chat` may go.
    pub async fn wait(&self, chat: i64) {
        loop {
            let now = now();
            let slot = self.with(|p| p.reserve(chat, now));
            match slot {
                Slot::At(at) if at <= now => return,
                Slot::At(at) => {
                    tokio::time::sleep_until(at.into()).await;
                    return;
                }
                Slot::ChatBusyUntil(until) => tokio::time::sleep_until(until.into()).await,
            }
        }
    }

    /// When `chat` may send next, if not now (see [`Pacer::chat_ready`]).
    pub fn chat_ready(&self, chat: i64, now: Instant) -> Option<Instant> {
        self.with(|p| p.chat_ready(chat, now))
    }

    /// Telegram answered 429: no message goes until `retry_after` has passed.
    pub fn freeze(&self, retry_after: Duration) {
        let until = now() + retry_after;
        self.with(|p| p.freeze(until));
    }

    fn with<T>(&self, f: impl FnOnce(&mut Pacer) -> T) -> T {
        match self.pacer.lock() {
            Ok(mut p) => f(&mut p),
            // A panic while holding the lock cannot leave the pacer inconsistent (every
            // change is a plain assignment), so carry on with it.
            Err(poisoned) => f(&mut poisoned.into_inner()),
        }
    }
}

/// Now, on tokio's clock (the same as the system's, except in tests that pause time).
pub(super) fn now() -> Instant {
    tokio::time::Instant::now().into_std()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Takes slots for `chats` in turn, asking again when a chat is busy, as [`Limiter::wait`]
    /// does; returns each message's send time in order of the list.
    fn schedule(p: &mut Pacer, start: Instant, chats: &[i64]) -> Vec<Instant> {
        chats
            .iter()
            .map(|&c| {
                let mut now = start;
                loop {
                    match p.reserve(c, now) {
                        Slot::At(at) => return at,
                        Slot::ChatBusyUntil(t) => now = t,
                    }
                }
            })
            .collect()
    }

    fn most_in_any_second(times: &[Instant]) -> usize {
        let mut t = times.to_vec();
        t.sort();
        (0..t.len())
            .map(|i| {
                t[i..]
                    .iter()
                    .take_while(|x| x.duration_since(t[i]) < Duration::from_secs(1))
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[test]
    fn a_thousand_chats_keep_under_thirty_a_second_and_use_most_of_it() {
        let mut p = Pacer::new(30, 1);
        let start = Instant::now();
        let chats: Vec<i64> = (1..=1000).collect();
        let times = schedule(&mut p, start, &chats);
        assert!(
            most_in_any_second(&times) <= 30,
            "{}",
            most_in_any_second(&times)
        );
        let last = times.iter().max().copied().unwrap_or(start);
        let secs = last.duration_since(start).as_secs_f64();
        // 999 gaps of 1.03/30 s: 34.3 s, within 1.1 × 33.3 s.
        assert!(secs > 33.0 && secs < 36.6, "{secs}");
    }

    #[test]
    fn one_chat_gets_one_message_a_second() {
        let mut p = Pacer::new(30, 1);
        let start = Instant::now();
        let times = schedule(&mut p, start, &[7, 7, 7, 7]);
        for w in times.windows(2) {
            assert!(w[1].duration_since(w[0]) >= Duration::from_secs(1));
        }
    }

    #[test]
    fn a_busy_chat_does_not_hold_up_the_others() {
        let mut p = Pacer::new(30, 1);
        let start = Instant::now();
        assert_eq!(p.reserve(7, start), Slot::At(start));
        // A second message to chat 7 must wait for its second; chat 8 goes meanwhile, right
        // after the first message, not after the second.
        let Slot::ChatBusyUntil(later) = p.reserve(7, start) else {
            panic!("chat 7 is not ready yet");
        };
        assert!(later >= start + Duration::from_secs(1));
        let Slot::At(eight) = p.reserve(8, start) else {
            panic!("chat 8 is ready");
        };
        assert!(eight < start + Duration::from_millis(100));
    }

    #[test]
    fn a_freeze_holds_every_chat_until_it_ends() {
        let mut p = Pacer::new(30, 1);
        let start = Instant::now();
        p.freeze(start + Duration::from_secs(5));
        let times = schedule(&mut p, start, &[1, 2]);
        assert!(times.iter().all(|t| *t >= start + Duration::from_secs(5)));
    }

    #[test]
    fn chats_are_forgotten_once_their_second_has_passed() {
        let mut p = Pacer::new(30, 1);
        let start = Instant::now();
        let chats: Vec<i64> = (1..=100).collect();
        schedule(&mut p, start, &chats);
        assert_eq!(p.chats.len(), 100);
        let _ = p.reserve(1000, start + Duration::from_secs(60));
        assert_eq!(p.chats.len(), 1);
    }

    #[test]
    fn limits_parse() {
        assert_eq!(Limits::parse(""), Ok(Limits::TELEGRAM));
        assert_eq!(Limits::parse("telegram"), Ok(Limits::TELEGRAM));
        assert_eq!(Limits::parse("off"), Ok(Limits::Off));
        assert_eq!(
            Limits::parse("300/10"),
            Ok(Limits::PerSecond {
                overall: 300,
                per_chat: 10
            })
        );
        assert!(Limits::parse("0/1").is_err());
        assert!(Limits::parse("fast").is_err());
    }

    #[tokio::test(start_paused = true)]
    async fn the_limiter_waits_its_turn_and_off_does_not() {
        let limited = Limiter::new(Limits::TELEGRAM);
        let start = tokio::time::Instant::now();
        for _ in 0..3 {
            limited.wait(5).await;
        }
        assert!(
            start.elapsed() >= Duration::from_millis(2060),
            "{:?}",
            start.elapsed()
        );

        let off = Limiter::new(Limits::Off);
        let start = tokio::time::Instant::now();
        for _ in 0..100 {
            off.wait(5).await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);

        // A 429 is honoured even with the limits off.
        off.freeze(Duration::from_secs(3));
        off.wait(6).await;
        assert!(start.elapsed() >= Duration::from_secs(3));
    }
}
