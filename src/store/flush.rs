//! Group commit: many tasks ask for their writes to be made durable at about the same time (each
//! user's commit, the marks of sent replies, the sender's round); one `fsync` can serve them all.
//!
//! Every request takes a ticket after its writes. One flush runs at a time; a flush covers every
//! ticket taken before it started, so a request returns as soon as a flush that started after
//! its ticket has finished — either one it started itself or one already on its way. Requests
//! arriving during a flush share the next one. The flush itself runs on tokio's blocking pool
//! (see [`super::Store::flush`] for why not sled's `flush_async`).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use tokio::sync::watch;

/// The shared state of group commit for one sled database.
#[derive(Debug)]
pub struct GroupCommit {
    /// Tickets taken so far.
    tickets: AtomicU64,
    /// A flush is running.
    running: AtomicBool,
    /// The highest ticket a finished flush covered, and how many flushes ran.
    done: watch::Sender<Done>,
}

/// What the flushes so far achieved.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Done {
    /// Every ticket up to this one is on disk.
    pub covered: u64,
    /// Flushes run (for tests and figures).
    pub flushes: u64,
}

/// Resets `running` and wakes the waiters when a flush ends, even if the task running it is
/// dropped half-way (shutdown): the next request then starts a flush of its own.
struct Running<'a>(&'a GroupCommit);

impl Drop for Running<'_> {
    fn drop(&mut self) {
        self.0.running.store(false, Ordering::SeqCst);
        self.0.done.send_modify(|_| {});
    }
}

impl Default for GroupCommit {
    fn default() -> GroupCommit {
        GroupCommit {
            tickets: AtomicU64::new(0),
            running: AtomicBool::new(false),
            done: watch::Sender::new(Done::default()),
        }
    }
}

impl GroupCommit {
    /// Returns once everything written before the call is durable, by `flush` (a blocking
    /// function, run on tokio's blocking pool) run by this call or a concurrent one.
    pub async fn flush<E, F>(&self, flush: F) -> Result<(), E>
    where
        F: Fn() -> Result<(), E> + Send + Sync + Clone + 'static,
        E: Send + 'static + From<tokio::task::JoinError>,
    {
        let mut done = self.done.subscribe();
        let ticket = self.tickets.fetch_add(1, Ordering::SeqCst) + 1;
        loop {
            if done.borrow_and_update().covered >= ticket {
                return Ok(());
            }
            if self
                .running
                .compare_exchange(false, true, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                let guard = Running(self);
                // Every ticket taken so far was taken after its writes: this flush covers them.
                let covers = self.tickets.load(Ordering::SeqCst);
                let f = flush.clone();
                let result = tokio::task::spawn_blocking(f).await;
                if matches!(result, Ok(Ok(()))) {
                    self.done.send_modify(|d| {
                        d.covered = d.covered.max(covers);
                        d.flushes += 1;
                    });
                }
                drop(guard);
                // A failed flush fails the request that ran it; the others try again.
                return result.map_err(E::from).and_then(|r| r);
            }
            // Someone else's flush is running: wait for it to end, then look again (it may
            // not cover this ticket if it started before it was taken).
            if done.changed().await.is_err() {
                return Ok(()); // cannot happen: `self` holds the sender
            }
        }
    }

    /// What the flushes so far achieved.
    #[cfg(test)]
    #[must_use]
    pub fn done(&self) -> Done {
        *self.done.borrow()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::AtomicUsize;
    use std::sync::Arc;
    use std::time::Duration;

    #[derive(Debug)]
    struct Failed;
    impl From<tokio::task::JoinError> for Failed {
        fn from(_: tokio::task::JoinError) -> Failed {
            Failed
        }
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn concurrent_requests_share_flushes() {
        let gc = Arc::new(GroupCommit::default());
        let calls = Arc::new(AtomicUsize::new(0));
        let mut tasks = tokio::task::JoinSet::new();
        for _ in 0..64 {
            let (gc, calls) = (gc.clone(), calls.clone());
            tasks.spawn(async move {
                gc.flush(move || {
                    calls.fetch_add(1, Ordering::SeqCst);
                    std::thread::sleep(Duration::from_millis(5));
                    Ok::<(), Failed>(())
                })
                .await
            });
        }
        while let Some(r) = tasks.join_next().await {
            assert!(matches!(r, Ok(Ok(()))));
        }
        let n = calls.load(Ordering::SeqCst);
        assert!((1..64).contains(&n), "64 requests took {n} flushes");
        assert_eq!(gc.done().flushes as usize, n);
        assert_eq!(gc.done().covered, 64);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_request_waits_for_a_flush_that_started_after_it() {
        // A write made while a flush is running is not covered by that flush: its request must
        // see a second one.
        let gc = Arc::new(GroupCommit::default());
        let written = Arc::new(AtomicU64::new(0));
        let flushed = Arc::new(AtomicU64::new(0));
        let flush = {
            let (written, flushed) = (written.clone(), flushed.clone());
            move || {
                let w = written.load(Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(20));
                flushed.fetch_max(w, Ordering::SeqCst);
                Ok::<(), Failed>(())
            }
        };
        let first = {
            let (gc, f) = (gc.clone(), flush.clone());
            tokio::spawn(async move { gc.flush(f).await })
        };
        tokio::time::sleep(Duration::from_millis(5)).await;
        written.store(2, Ordering::SeqCst);
        assert!(gc.flush(flush).await.is_ok());
        assert_eq!(flushed.load(Ordering::SeqCst), 2);
        assert!(matches!(first.await, Ok(Ok(()))));
        // Two flushes, normally; one if the first request was held up so long that the second
        // one's flush covered both.
        assert!((1..=2).contains(&gc.done().flushes), "{:?}", gc.done());
    }

    #[tokio::test]
    async fn a_failed_flush_fails_and_the_next_request_tries_again() {
        let gc = GroupCommit::default();
        assert!(gc.flush(|| Err::<(), Failed>(Failed)).await.is_err());
        assert!(gc.flush(|| Ok::<(), Failed>(())).await.is_ok());
        assert_eq!(gc.done().flushes, 1);
    }
}
