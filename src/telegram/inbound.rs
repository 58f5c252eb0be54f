//! The per-chat inbound limit: one person sending faster than anyone types (in distress, or
//! hostile) gets one short "slow down" note, and what they send beyond the limit in that window
//! is acknowledged to Telegram and dropped. Arithmetic on times it is given, tested on a
//! manual clock.

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// How many updates one chat may send in how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InboundLimit {
    /// No limit.
    Off,
    /// At most `updates` in any `window`.
    Per {
        /// Updates allowed in a window.
        updates: u32,
        /// The sliding window.
        window: Duration,
    },
}

impl InboundLimit {
    /// The default: 20 updates in 10 seconds, far more than anyone taps or types.
    pub const DEFAULT: InboundLimit = InboundLimit::Per {
        updates: 20,
        window: Duration::from_secs(10),
    };

    /// Parses `KOKOON_INBOUND_LIMIT`: empty (the default, `20/10`), `off`, or
    /// `<updates>/<seconds>`.
    pub fn parse(s: &str) -> Result<InboundLimit, String> {
        match s.trim() {
            "" => Ok(InboundLimit::DEFAULT),
            "off" => Ok(InboundLimit::Off),
            other => {
                let (count, secs) = other
                    .split_once('/')
                    .ok_or_else(|| format!("{other:?}: use off or <updates>/<seconds>"))?;
                let n = |x: &str| {
                    x.trim()
                        .parse::<u32>()
                        .ok()
                        .filter(|n| *n > 0)
                        .ok_or_else(|| format!("{x:?} is not a positive number"))
                };
                Ok(InboundLimit::Per {
                    updates: n(count)?,
                    window: Duration::from_secs(u64::from(n(secs)?)),
                })
            }
        }
    }
}

/// What to do with an update.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Admit {
    /// Handle it.
    Yes,
    /// Over the limit for the first time in this window: drop it and send one "slow down" note.
    SlowDown,
    /// Over the limit, the note already sent: drop it.
    Drop,
}

/// One chat's recent updates.
#[derive(Debug, Default)]
struct Window {
    /// When the admitted updates of the window came.
    times: VecDeque<Instant>,
    /// The note was sent in this spell over the limit.
    noted: bool,
}

/// The limiter: per chat, the times of its recent updates.
#[derive(Debug)]
pub struct Inbound {
    limit: InboundLimit,
    chats: HashMap<i64, Window>,
    swept: Option<Instant>,
}

impl Inbound {
    /// A limiter keeping `limit`.
    #[must_use]
    pub fn new(limit: InboundLimit) -> Inbound {
        Inbound {
            limit,
            chats: HashMap::new(),
            swept: None,
        }
    }

    /// Decides about an update from `chat` arriving at `now`. Dropped updates do not count, so
    /// a chat that keeps sending gets through at the allowed rate.
    pub fn admit(&mut self, chat: i64, now: Instant) -> Admit {
        let InboundLimit::Per { updates, window } = self.limit else {
            return Admit::Yes;
        };
        self.sweep(now, window);
        let w = self.chats.entry(chat).or_default();
        while w
            .times
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= window)
        {
            w.times.pop_front();
        }
        if w.times.len() < updates as usize {
            w.times.push_back(now);
            w.noted = false;
            return Admit::Yes;
        }
        if w.noted {
            Admit::Drop
        } else {
            w.noted = true;
            Admit::SlowDown
        }
    }

    /// Forgets chats quiet for a whole window (at most once a window).
    fn sweep(&mut self, now: Instant, window: Duration) {
        if self
            .swept
            .is_some_and(|s| now.saturating_duration_since(s) < window)
        {
            return;
        }
        self.swept = Some(now);
        self.chats.retain(|_, w| {
            w.times
                .back()
                .is_some_and(|t| now.saturating_duration_since(*t) < window)
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SEC: Duration = Duration::from_secs(1);

    #[test]
    fn twenty_in_ten_seconds_then_one_note_then_drops_until_the_window_moves() {
        let mut limit = Inbound::new(InboundLimit::DEFAULT);
        let t0 = Instant::now();
        // 40 updates in two seconds, 50 ms apart.
        let got: Vec<Admit> = (0..40)
            .map(|i| limit.admit(7, t0 + Duration::from_millis(50 * i)))
            .collect();
        assert!(got[..20].iter().all(|a| *a == Admit::Yes));
        assert_eq!(got[20], Admit::SlowDown);
        assert!(got[21..].iter().all(|a| *a == Admit::Drop));
        // Another chat is not affected.
        assert_eq!(limit.admit(8, t0 + 2 * SEC), Admit::Yes);
        // Ten seconds after the first update, the window has room again.
        assert_eq!(limit.admit(7, t0 + 10 * SEC), Admit::Yes);
        // Still crowded: the next spell over the limit gets a note again.
        assert_eq!(limit.admit(7, t0 + 10 * SEC), Admit::SlowDown);
        assert_eq!(limit.admit(7, t0 + 10 * SEC), Admit::Drop);
    }

    #[test]
    fn a_steady_pace_under_the_limit_is_never_held() {
        let mut limit = Inbound::new(InboundLimit::DEFAULT);
        let t0 = Instant::now();
        assert!((0..200).all(|i| limit.admit(7, t0 + Duration::from_millis(550 * i)) == Admit::Yes));
    }

    #[test]
    fn off_admits_everything() {
        let mut limit = Inbound::new(InboundLimit::Off);
        let t0 = Instant::now();
        assert!((0..1000).all(|_| limit.admit(7, t0) == Admit::Yes));
    }

    #[test]
    fn quiet_chats_are_forgotten() {
        let mut limit = Inbound::new(InboundLimit::DEFAULT);
        let t0 = Instant::now();
        for c in 0..100 {
            limit.admit(c, t0);
        }
        assert_eq!(limit.chats.len(), 100);
        limit.admit(1000, t0 + 60 * SEC);
        assert_eq!(limit.chats.len(), 1);
    }

    #[test]
    fn parse_limits() {
        assert_eq!(InboundLimit::parse(""), Ok(InboundLimit::DEFAULT));
        assert_eq!(InboundLimit::parse("off"), Ok(InboundLimit::Off));
        assert_eq!(
            InboundLimit::parse("5/2"),
            Ok(InboundLimit::Per {
                updates: 5,
                window: 2 * SEC
            })
        );
        assert!(InboundLimit::parse("0/2").is_err());
        assert!(InboundLimit::parse("lots").is_err());
    }
}
