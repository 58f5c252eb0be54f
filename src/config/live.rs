//! The config of a running kokoon, replaceable while it runs (SIGHUP): [`LiveConfig`].
//!
//! Every part of kokoon reads the config as `app.config.field`, through `Deref`, as it did when
//! the config was a plain `Arc<Config>`. A reload installs a new validated config; readers that
//! come after see it, and a reader holding a `&Config` keeps a consistent one (one engine step
//! sees one config from start to end).
//!
//! How: each installed config is leaked (`Box::leak`) and the current one is a `&'static Config`
//! behind a lock that is held only to copy the reference. A reference handed out can therefore
//! never dangle, with no `unsafe`. The cost is that a replaced config is never freed: a few
//! kilobytes per reload, and operators reload a handful of times a year.

use super::Config;
use crate::domain::{GroupId, Pool, Registration, Rules, UserId};
use chrono::{DateTime, Utc};
use std::sync::{Arc, PoisonError, RwLock};

/// The current config, shared by every clone.
#[derive(Clone)]
pub struct LiveConfig(Arc<RwLock<&'static Config>>);

impl std::fmt::Debug for LiveConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("LiveConfig").field(self.current()).finish()
    }
}

/// Why a new config was not installed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReloadError {
    /// The new config forms demand pools differently (`demand_by_language` changed): the
    /// stored counters would no longer match. That takes a restart, which counts them again.
    #[error("the new config counts demand differently ({old} → {new}): restart kokoon to apply it (demand is counted again at start)")]
    Counting {
        /// How the running config counts.
        old: String,
        /// How the new one would.
        new: String,
    },
}

impl LiveConfig {
    /// A live config starting with `config`.
    #[must_use]
    pub fn new(config: Config) -> LiveConfig {
        LiveConfig(Arc::new(RwLock::new(Box::leak(Box::new(config)))))
    }

    /// The config now.
    #[must_use]
    pub fn current(&self) -> &'static Config {
        *self.0.read().unwrap_or_else(PoisonError::into_inner)
    }

    /// Installs `config` in place of the current one, unless it would count demand
    /// differently. Returns the config it replaced.
    pub fn replace(&self, config: Config) -> Result<&'static Config, ReloadError> {
        let mut current = self.0.write().unwrap_or_else(PoisonError::into_inner);
        let (old, new) = (current.counting(), config.counting());
        if old != new {
            return Err(ReloadError::Counting { old, new });
        }
        let previous = *current;
        *current = Box::leak(Box::new(config));
        Ok(previous)
    }
}

impl From<Config> for LiveConfig {
    fn from(config: Config) -> LiveConfig {
        LiveConfig::new(config)
    }
}

impl From<std::sync::Arc<Config>> for LiveConfig {
    fn from(config: std::sync::Arc<Config>) -> LiveConfig {
        LiveConfig::new(Config::clone(&config))
    }
}

impl std::ops::Deref for LiveConfig {
    type Target = Config;
    fn deref(&self) -> &Config {
        self.current()
    }
}

/// The store counts demand and finds coordinators by the config of the moment.
impl Rules for LiveConfig {
    fn pool_of(&self, r: &Registration) -> Pool {
        self.current().pool_of(r)
    }
    fn threshold(&self, group: &GroupId) -> Option<u32> {
        self.current().threshold(group)
    }
    fn coordinator_ids(&self, scope: crate::domain::remit::Scope<'_>) -> Vec<UserId> {
        self.current().coordinator_ids(scope)
    }
    fn counting(&self) -> String {
        self.current().counting()
    }
    fn reminder_times(&self, start: DateTime<Utc>, now: DateTime<Utc>) -> Vec<DateTime<Utc>> {
        self.current().reminder_times(start, now)
    }
    fn daytime(&self, t: DateTime<Utc>) -> DateTime<Utc> {
        self.current().daytime(t)
    }
    fn feedback_time(&self, end: DateTime<Utc>) -> DateTime<Utc> {
        self.current().feedback_time(end)
    }
}
