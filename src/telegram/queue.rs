//! Which reply goes next: the scheduling rule of the replies waiting to be sent, as arithmetic on
//! times it is given (no clock, no sleeping, no Telegram), so that it is tested directly.
//!
//! Every chat has its own queue of jobs (an update's replies, in update order). The rule:
//!
//! - a chat has at most one job in flight, so its messages keep their order;
//! - a chat is *ready* when it has a job, none in flight, its retry backoff has passed and the
//!   rate limiter's per-chat pacing lets it send ([`Pacer::chat_ready`](super::limit::Pacer));
//! - of the ready chats, the one whose first job has waited longest goes first;
//! - nothing else decides: a chat with forty replies queued is ready once a second, and in
//!   between every other chat's replies go as soon as the overall limit allows.
//!
//! A chat's queue is bounded ([`Queue::full`]): the polling loop drops further updates from a
//! chat whose queue is full, so one chat cannot make memory grow without bound. Replies that a
//! restart found still owed are queued whatever the bound (they are few, and on disk anyway).

use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

/// The first wait after a reply met a server error or a broken connection; it doubles with
/// every further failure of the same chat, up to [`RETRY_CAP`].
pub const RETRY_FIRST: Duration = Duration::from_millis(500);

/// The longest wait between two tries of a failing reply.
pub const RETRY_CAP: Duration = Duration::from_secs(30);

/// The wait before try number `failures + 1` of something that failed `failures` times (at
/// least once): half a second, doubling, capped.
#[must_use]
pub fn backoff(failures: u32) -> Duration {
    let doublings = failures.saturating_sub(1).min(16);
    RETRY_FIRST.saturating_mul(1 << doublings).min(RETRY_CAP)
}

/// One chat's waiting jobs.
#[derive(Debug)]
struct Chat<T> {
    /// Jobs in order, each with the sequence number it was queued under.
    jobs: VecDeque<(u64, T)>,
    /// A job of this chat is being sent: its sequence number.
    busy: Option<u64>,
    /// After a failure: not before this time.
    not_before: Option<Instant>,
    /// Failures in a row (reset by a success).
    failures: u32,
}

impl<T> Default for Chat<T> {
    fn default() -> Self {
        Chat {
            jobs: VecDeque::new(),
            busy: None,
            not_before: None,
            failures: 0,
        }
    }
}

/// The decision of [`Queue::next`].
#[derive(Debug, PartialEq, Eq)]
pub enum Next<T> {
    /// Send this job of this chat now; the chat is busy until [`Queue::finished`].
    Send(i64, T),
    /// Nothing is ready: ask again at this time (or when something changes).
    At(Instant),
    /// Nothing is waiting that could go (empty, or everything in flight).
    Idle,
}

/// How sending a job ended, for [`Queue::finished`].
#[derive(Debug, PartialEq, Eq)]
pub enum Sent<T> {
    /// Done (sent, or failed for good and given up).
    Done,
    /// Failed in a way worth retrying: this is what is left, to go first when the chat's
    /// backoff has passed.
    Retry(T),
}

/// Every chat's waiting replies; see the module documentation for the rule.
#[derive(Debug)]
pub struct Queue<T> {
    chats: HashMap<i64, Chat<T>>,
    /// The next sequence number.
    seq: u64,
    /// Jobs one chat may have waiting before [`Queue::full`] says so.
    per_chat: usize,
    /// Jobs in flight at most (all chats), so a crowd of chats does not open a crowd of
    /// connections; the rate limiter spaces them anyway.
    max_in_flight: usize,
    in_flight: usize,
    /// Tries a job already had before it failed here (in place, by the sender), so the
    /// backoff goes on from there.
    tries_before: u32,
}

impl<T> Queue<T> {
    /// A queue allowing `per_chat` waiting jobs per chat and `max_in_flight` sends at once.
    #[must_use]
    pub fn new(per_chat: usize, max_in_flight: usize) -> Queue<T> {
        Queue {
            chats: HashMap::new(),
            seq: 0,
            per_chat: per_chat.max(1),
            max_in_flight: max_in_flight.max(1),
            in_flight: 0,
            tries_before: 0,
        }
    }

    /// The queue for jobs that the sender already tried `n` times in place (with [`backoff`]
    /// between) before reporting a failure: the first wait here is then `backoff(n)`.
    #[must_use]
    pub fn after_tries(mut self, n: u32) -> Queue<T> {
        self.tries_before = n.saturating_sub(1);
        self
    }

    /// Whether `chat` has as many jobs waiting as it may.
    #[must_use]
    pub fn full(&self, chat: i64) -> bool {
        self.chats
            .get(&chat)
            .is_some_and(|c| c.jobs.len() >= self.per_chat)
    }

    /// Queues a job for `chat` behind its others (whatever the bound: the caller checks
    /// [`Queue::full`] before taking on new work).
    pub fn push(&mut self, chat: i64, job: T) {
        self.seq += 1;
        self.chats
            .entry(chat)
            .or_default()
            .jobs
            .push_back((self.seq, job));
    }

    /// Jobs waiting or in flight, all chats.
    #[must_use]
    pub fn len(&self) -> usize {
        self.chats.values().map(|c| c.jobs.len()).sum::<usize>() + self.in_flight
    }

    /// Whether nothing is waiting or in flight.
    #[must_use]
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The next job to send at `now`, given when each chat's pacing lets it send next
    /// (`chat_ready`; `None` or a past time: now).
    pub fn next(&mut self, now: Instant, chat_ready: impl Fn(i64) -> Option<Instant>) -> Next<T> {
        if self.in_flight >= self.max_in_flight {
            return Next::Idle;
        }
        let mut best: Option<(u64, i64)> = None;
        let mut earliest: Option<Instant> = None;
        for (&id, chat) in &self.chats {
            let Some(&(seq, _)) = chat.jobs.front() else {
                continue;
            };
            if chat.busy.is_some() {
                continue;
            }
            let ready = match (chat.not_before, chat_ready(id)) {
                (Some(a), Some(b)) => a.max(b),
                (Some(a), None) | (None, Some(a)) => a,
                (None, None) => now,
            };
            if ready <= now {
                if best.is_none_or(|(s, _)| seq < s) {
                    best = Some((seq, id));
                }
            } else if earliest.is_none_or(|e| ready < e) {
                earliest = Some(ready);
            }
        }
        if let Some((_, id)) = best {
            if let Some(chat) = self.chats.get_mut(&id) {
                if let Some((seq, job)) = chat.jobs.pop_front() {
                    chat.busy = Some(seq);
                    self.in_flight += 1;
                    return Next::Send(id, job);
                }
            }
        }
        earliest.map_or(Next::Idle, Next::At)
    }

    /// The job of `chat` handed out by [`Queue::next`] has ended at `now`.
    pub fn finished(&mut self, chat: i64, sent: Sent<T>, now: Instant) {
        self.in_flight = self.in_flight.saturating_sub(1);
        let c = self.chats.entry(chat).or_default();
        let seq = c.busy.take().unwrap_or(0);
        match sent {
            Sent::Done => {
                c.failures = 0;
                c.not_before = None;
            }
            Sent::Retry(rest) => {
                c.failures = c.failures.saturating_add(1);
                c.not_before = Some(now + backoff(c.failures + self.tries_before));
                // It keeps its place: before the chat's later jobs, and as old as it was.
                c.jobs.push_front((seq, rest));
            }
        }
        if c.jobs.is_empty() && c.failures == 0 {
            self.chats.remove(&chat);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::limit::{Pacer, Slot};
    use super::*;

    /// Runs the queue against a pacer as the dispatcher does, each send taking `took`;
    /// returns (chat, job, when it went) in the order the messages went.
    fn drain(
        q: &mut Queue<u32>,
        p: &mut Pacer,
        start: Instant,
        took: Duration,
    ) -> Vec<(i64, u32, Instant)> {
        let mut now = start;
        let mut out = Vec::new();
        let mut in_flight: Vec<(Instant, i64)> = Vec::new();
        for _ in 0..10_000 {
            // Finish what is done by now.
            in_flight.sort();
            while in_flight.first().is_some_and(|(t, _)| *t <= now) {
                let (_, chat) = in_flight.remove(0);
                q.finished(chat, Sent::Done, now);
            }
            match q.next(now, |c| p.chat_ready(c, now)) {
                Next::Send(chat, job) => {
                    let at = match p.reserve(chat, now) {
                        Slot::At(at) => at,
                        Slot::ChatBusyUntil(_) | Slot::Later(_) => {
                            panic!("a chat was handed out before it was ready")
                        }
                    };
                    out.push((chat, job, at));
                    in_flight.push((at + took, chat));
                }
                Next::At(t) => {
                    let done = in_flight.iter().map(|(t, _)| *t).min();
                    now = done.map_or(t, |d| d.min(t));
                }
                Next::Idle => match in_flight.iter().map(|(t, _)| *t).min() {
                    Some(t) => now = t,
                    None => break,
                },
            }
        }
        out
    }

    #[test]
    fn a_flood_in_one_chat_does_not_hold_up_another() {
        let mut q = Queue::new(64, 64);
        let mut p = Pacer::new(30, 1);
        let start = Instant::now();
        for i in 0..40 {
            q.push(1, i);
        }
        // The quiet chat's reply is queued after all forty.
        q.push(2, 100);
        let order = drain(&mut q, &mut p, start, Duration::from_millis(50));
        assert_eq!(order.len(), 41);
        let quiet = order.iter().position(|(c, _, _)| *c == 2).expect("sent");
        // It goes right after the flood's first message, not after its fortieth.
        assert_eq!(quiet, 1, "{order:?}");
        let (_, _, at) = order[quiet];
        assert!(at.duration_since(start) < Duration::from_millis(100));
        // The flood keeps its order and its pace of one a second.
        let flood: Vec<&(i64, u32, Instant)> = order.iter().filter(|(c, _, _)| *c == 1).collect();
        assert!(flood.windows(2).all(|w| w[0].1 < w[1].1));
        assert!(flood
            .windows(2)
            .all(|w| w[1].2.duration_since(w[0].2) >= Duration::from_secs(1)));
    }

    #[test]
    fn twenty_quiet_chats_all_go_before_the_floods_second_message() {
        let mut q = Queue::new(64, 64);
        let mut p = Pacer::new(30, 1);
        let start = Instant::now();
        for i in 0..40 {
            q.push(1, i);
        }
        for c in 2..22 {
            q.push(c, 1000);
        }
        let order = drain(&mut q, &mut p, start, Duration::from_millis(50));
        let second_of_flood = order
            .iter()
            .filter(|(c, _, _)| *c == 1)
            .nth(1)
            .map(|(_, _, t)| *t)
            .expect("two");
        for (c, _, t) in order.iter().filter(|(c, _, _)| *c != 1) {
            assert!(*t < second_of_flood, "chat {c}");
            // Paced by the overall limit only: 21 messages at 30 a second.
            assert!(
                t.duration_since(start) < Duration::from_millis(800),
                "chat {c}"
            );
        }
    }

    #[test]
    fn the_oldest_waiting_chat_goes_first() {
        let mut q = Queue::new(8, 8);
        let now = Instant::now();
        q.push(3, 1);
        q.push(1, 2);
        q.push(2, 3);
        let mut got = Vec::new();
        while let Next::Send(c, j) = q.next(now, |_| None) {
            got.push((c, j));
        }
        assert_eq!(got, vec![(3, 1), (1, 2), (2, 3)]);
    }

    #[test]
    fn one_job_per_chat_in_flight_and_order_kept() {
        let mut q = Queue::new(8, 8);
        let now = Instant::now();
        q.push(1, 1);
        q.push(1, 2);
        assert_eq!(q.next(now, |_| None), Next::Send(1, 1));
        assert_eq!(q.next(now, |_| None), Next::Idle);
        q.finished(1, Sent::Done, now);
        assert_eq!(q.next(now, |_| None), Next::Send(1, 2));
        q.finished(1, Sent::Done, now);
        assert!(q.is_empty());
    }

    #[test]
    fn a_failed_job_goes_first_after_its_backoff_and_others_go_meanwhile() {
        let mut q = Queue::new(8, 8);
        let t0 = Instant::now();
        q.push(1, 10);
        q.push(1, 11);
        q.push(2, 20);
        assert_eq!(q.next(t0, |_| None), Next::Send(1, 10));
        q.finished(1, Sent::Retry(10), t0);
        // Chat 2 is not held up by chat 1's failure.
        assert_eq!(q.next(t0, |_| None), Next::Send(2, 20));
        assert_eq!(
            q.next(t0, |_| None),
            Next::At(t0 + Duration::from_millis(500))
        );
        let t1 = t0 + Duration::from_millis(500);
        assert_eq!(q.next(t1, |_| None), Next::Send(1, 10));
        // Failing again doubles the wait.
        q.finished(1, Sent::Retry(10), t1);
        assert_eq!(q.next(t1, |_| None), Next::At(t1 + Duration::from_secs(1)));
        let t2 = t1 + Duration::from_secs(1);
        assert_eq!(q.next(t2, |_| None), Next::Send(1, 10));
        q.finished(1, Sent::Done, t2);
        assert_eq!(q.next(t2, |_| None), Next::Send(1, 11));
    }

    #[test]
    fn backoff_doubles_from_half_a_second_to_its_cap() {
        let waits: Vec<u64> = (1..=9).map(|n| backoff(n).as_millis() as u64).collect();
        assert_eq!(
            waits,
            vec![500, 1000, 2000, 4000, 8000, 16_000, 30_000, 30_000, 30_000]
        );
        assert_eq!(backoff(u32::MAX), RETRY_CAP);
    }

    #[test]
    fn after_in_place_tries_the_backoff_goes_on_from_there() {
        let mut q = Queue::new(8, 8).after_tries(3);
        let t0 = Instant::now();
        q.push(1, 1);
        assert_eq!(q.next(t0, |_| None), Next::Send(1, 1));
        // In place: 0.5 s, 1 s; here: 2 s, then 4 s.
        q.finished(1, Sent::Retry(1), t0);
        assert_eq!(q.next(t0, |_| None), Next::At(t0 + Duration::from_secs(2)));
    }

    #[test]
    fn a_chat_is_full_at_its_bound() {
        let mut q = Queue::new(2, 8);
        q.push(1, 1);
        assert!(!q.full(1));
        q.push(1, 2);
        assert!(q.full(1));
        assert!(!q.full(2));
    }

    #[test]
    fn in_flight_is_bounded() {
        let mut q = Queue::new(8, 2);
        let now = Instant::now();
        for c in 1..=3 {
            q.push(c, c as u32);
        }
        assert!(matches!(q.next(now, |_| None), Next::Send(..)));
        assert!(matches!(q.next(now, |_| None), Next::Send(..)));
        assert_eq!(q.next(now, |_| None), Next::Idle);
    }
}
