//! The one rate limiter every outgoing message passes: Telegram allows a bot about 30 messages a
//! second overall and one a second in a chat. teloxide's `Throttle` keeps those limits too, but
//! its worker wakes only every 250 ms, so each reply waited up to a quarter of a second even with
//! the limits lifted. This one hands out send times directly:
//!
//! - a chat's messages are at least `1 / per_chat` seconds apart (its next slot is reserved as
//!   soon as one is granted, so concurrent sends to one chat queue up in order);
//! - the messages of all chats together are at least `1 / overall` seconds apart, a little more
//!   than the limit requires ([`MARGIN`]), so jitter on the way never makes 31 in one second;
//! - a 429 freezes everything until its `retry_after` has passed;
//! - a reply to someone who is waiting for it goes before the outbox's messages (alerts,
//!   reminders, broadcasts, renewals): an outbox message takes a slot only when it is due within
//!   [`LOOKAHEAD`], so that a backlog of thousands holds no slots ahead, and a reply waits for
//!   at most the one outbox message whose slot is just starting ([`Priority`]).
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

/// An outbox message takes the next slot only when it starts within this of now (a little more
/// than the timer's resolution, so that a sender woken late does not lose the slot's time).
pub const LOOKAHEAD: Duration = Duration::from_millis(3);

/// Whose message it is, for the order of slots.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Priority {
    /// A reply to an update: someone is waiting for it. Takes the next slot, however far ahead.
    #[default]
    Reply,
    /// An outbox message (the sender's): takes a slot only when it is due now, so replies go
    /// first.
    Background,
}

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
    /// An outbox message: the next slot is not due yet (replies may still take it); ask again
    /// at this time. Nothing is taken.
    Later(Instant),
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

    /// Takes the next slot for a reply to `chat` at `now` ([`Pacer::reserve_as`]).
    #[cfg(test)]
    pub fn reserve(&mut self, chat: i64, now: Instant) -> Slot {
        self.reserve_as(chat, now, Priority::Reply)
    }

    /// Takes the next slot for a message to `chat` at `now`: the chat must be ready first, so
    /// that a chat waiting out its own second does not hold a slot others could use; an outbox
    /// message ([`Priority::Background`]) also waits until the slot is due within
    /// [`LOOKAHEAD`], so that replies asking meanwhile go first.
    pub fn reserve_as(&mut self, chat: i64, now: Instant, priority: Priority) -> Slot {
        self.sweep(now);
        if let Some(&ready) = self.chats.get(&chat) {
            if ready > now {
                return Slot::ChatBusyUntil(ready);
            }
        }
        let at = self.next.map_or(now, |n| n.max(now));
        if priority == Priority::Background && at > now + LOOKAHEAD {
            return Slot::Later(at - LOOKAHEAD);
        }
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
    pub async fn wait(&self, chat: i64, priority: Priority) {
        loop {
            let now = now();
            let slot = self.with(|p| p.reserve_as(chat, now, priority));
            match slot {
                Slot::At(at) if at <= now => return,
                Slot::At(at) => {
                    tokio::time::sleep_until(at.into()).await;
                    return;
                }
                Slot::ChatBusyUntil(until) | Slot::Later(until) => {
                    tokio::time::sleep_until(until.into()).await;
                }
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
                        Slot::ChatBusyUntil(t) | Slot::Later(t) => now = t,
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

    /// Takes a background slot for each chat of `chats` (all queued at `start`, as the outbox
    /// sender's concurrent deliveries are), each asking again when told to and waking `jitter`
    /// late (the timer's); returns the send times in the order taken.
    fn background(p: &mut Pacer, start: Instant, chats: &[i64], jitter: Duration) -> Vec<Instant> {
        let mut asks: Vec<(Instant, i64)> = chats.iter().map(|&c| (start, c)).collect();
        let mut times = Vec::new();
        while !asks.is_empty() {
            asks.sort_by_key(|a| a.0);
            let (now, chat) = asks.remove(0);
            match p.reserve_as(chat, now, Priority::Background) {
                Slot::At(at) => times.push(at),
                Slot::ChatBusyUntil(t) | Slot::Later(t) => asks.push((t + jitter, chat)),
            }
        }
        times
    }

    #[test]
    fn a_reply_goes_before_a_backlog_of_outbox_messages() {
        let mut p = Pacer::new(30, 1);
        let start = Instant::now();
        // 32 outbox deliveries (the sender's concurrency) ask at once: one takes the slot now,
        // the others take nothing and ask again when it has passed.
        let taken: Vec<Slot> = (1..=32)
            .map(|c| p.reserve_as(c, start, Priority::Background))
            .collect();
        assert_eq!(taken[0], Slot::At(start));
        assert!(taken[1..].iter().all(|s| matches!(s, Slot::Later(_))));
        // A reply asking at the same moment goes in the next slot, not after the 31 others.
        let Slot::At(reply) = p.reserve_as(100, start, Priority::Reply) else {
            panic!("the reply's chat is ready");
        };
        assert!(reply <= start + Duration::from_millis(35), "{reply:?}");
        // The outbox goes on after it.
        let Slot::Later(next) = p.reserve_as(2, start, Priority::Background) else {
            panic!("the slot after the reply's is not due yet");
        };
        assert!(next > reply);
    }

    #[test]
    fn the_outbox_alone_keeps_the_overall_rate() {
        let mut p = Pacer::new(30, 1);
        let start = Instant::now();
        let chats: Vec<i64> = (1..=300).collect();
        // Woken a millisecond late each time (tokio's timer resolution), still 29 a second:
        // a background sender takes a slot that is due within a few milliseconds.
        let times = background(&mut p, start, &chats, Duration::from_millis(1));
        assert_eq!(times.len(), 300);
        assert!(most_in_any_second(&times) <= 30);
        let last = times.iter().max().copied().unwrap_or(start);
        let rate = 299.0 / last.duration_since(start).as_secs_f64();
        assert!(rate > 28.9, "{rate}");
    }

    #[test]
    fn a_freeze_holds_the_outbox_too() {
        let mut p = Pacer::new(30, 1);
        let start = Instant::now();
        p.freeze(start + Duration::from_secs(5));
        let times = background(&mut p, start, &[1, 2, 3], Duration::ZERO);
        assert!(times.iter().all(|t| *t >= start + Duration::from_secs(5)));
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
            limited.wait(5, Priority::Reply).await;
        }
        assert!(
            start.elapsed() >= Duration::from_millis(2060),
            "{:?}",
            start.elapsed()
        );

        let off = Limiter::new(Limits::Off);
        let start = tokio::time::Instant::now();
        for _ in 0..100 {
            off.wait(5, Priority::Reply).await;
        }
        assert_eq!(start.elapsed(), Duration::ZERO);

        // A 429 is honoured even with the limits off.
        off.freeze(Duration::from_secs(3));
        off.wait(6, Priority::Background).await;
        assert!(start.elapsed() >= Duration::from_secs(3));
    }
}
