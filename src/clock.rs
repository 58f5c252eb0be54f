//! Injected time. Production reads the system clock; tests and `console --clock` set it by hand.

use chrono::{DateTime, Utc};
use std::sync::Mutex;

/// A source of the current time.
pub trait Clock: Send + Sync {
    /// Now, in UTC.
    fn now(&self) -> DateTime<Utc>;
}

/// The system clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that only moves when told to.
#[derive(Debug)]
pub struct ManualClock(Mutex<DateTime<Utc>>);

impl ManualClock {
    /// A clock stopped at `t`.
    #[must_use]
    pub fn new(t: DateTime<Utc>) -> Self {
        Self(Mutex::new(t))
    }

    /// Sets the time.
    pub fn set(&self, t: DateTime<Utc>) {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner) = t;
    }

    /// Moves the time forward.
    pub fn advance(&self, d: chrono::Duration) {
        let mut t = self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        *t += d;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self
            .0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The console's clock: a [`ManualClock`] kept in a file (RFC 3339), so that time moved with
/// `/clock` stays moved when the console is started again. A new one starts at the system time.
/// The Telegram bot has none: it runs on the [`SystemClock`].
#[derive(Debug)]
pub struct SavedClock {
    clock: std::sync::Arc<ManualClock>,
    path: std::path::PathBuf,
}

impl SavedClock {
    /// Opens the clock saved in `path`, or starts one at the system time (to the minute).
    pub fn open(path: &std::path::Path) -> std::io::Result<Self> {
        let t = match std::fs::read_to_string(path) {
            Ok(s) => DateTime::parse_from_rfc3339(s.trim())
                .map(|t| t.with_timezone(&Utc))
                .map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidData,
                        format!("{}: {e}", path.display()),
                    )
                })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let now = Utc::now();
                now - chrono::Duration::seconds(i64::from(chrono::Timelike::second(&now)))
                    - chrono::Duration::nanoseconds(i64::from(chrono::Timelike::nanosecond(&now)))
            }
            Err(e) => return Err(e),
        };
        let c = Self {
            clock: std::sync::Arc::new(ManualClock::new(t)),
            path: path.to_owned(),
        };
        c.save()?;
        Ok(c)
    }

    /// The clock, to give to the app.
    #[must_use]
    pub fn clock(&self) -> std::sync::Arc<ManualClock> {
        self.clock.clone()
    }

    /// Sets the time and saves it.
    pub fn set(&self, t: DateTime<Utc>) -> std::io::Result<()> {
        self.clock.set(t);
        self.save()
    }

    fn save(&self) -> std::io::Result<()> {
        if let Some(dir) = self.path.parent() {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(&self.path, format!("{}\n", self.clock.now().to_rfc3339()))
    }
}

impl Clock for SavedClock {
    fn now(&self) -> DateTime<Utc> {
        self.clock.now()
    }
}
