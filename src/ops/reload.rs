//! Reloading the config while kokoon runs (SIGHUP, `systemctl reload kokoon`).
//!
//! The file is validated exactly as `kokoon check-config` does; an invalid file, or one that
//! would count demand differently, leaves the running config in place and says why in the log.
//! After a new config is installed, events named in it are brought in step, and what a
//! coordinator who is no longer named was responsible for passes to the group's other
//! coordinators ([`crate::domain::handover`]).

use crate::app::App;
use crate::config::Config;
use crate::domain::{handover, UserId};
use std::path::Path;

/// What a reload changed, for the log (counts only).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reloaded {
    /// Coordinators in the new config.
    pub coordinators: usize,
    /// Events from the config created or changed.
    pub events: usize,
    /// Events and launches passed to another coordinator.
    pub handed_over: usize,
    /// Settings that only a restart applies (`[metrics]`, `[backup]`, `[webhook]`) changed.
    pub restart_needed: bool,
}

/// Reads, validates and installs the config at `path`.
pub async fn reload(app: &App, path: &Path) -> Result<Reloaded, String> {
    let config = Config::load(path)
        .map_err(|e| format!("the config has errors, the running one is kept:\n{e}"))?;
    let old = app
        .config
        .replace(config)
        .map_err(|e| format!("{e}; the running config is kept"))?;
    let new = app.config.current();
    let mut done = Reloaded {
        coordinators: new.coordinators.len(),
        restart_needed: old.metrics != new.metrics
            || old.backup != new.backup
            || old.webhook != new.webhook,
        ..Reloaded::default()
    };
    done.events = crate::app::sync_config_events(app)
        .await
        .map_err(|e| format!("events from the new config: {e}"))?;
    let now = app.clock.now();
    let all: Vec<UserId> = new.coordinators.iter().map(|c| c.telegram_id).collect();
    let events = app.store.events().map_err(|e| e.to_string())?;
    let launches = app.store.launches().map_err(|e| e.to_string())?;
    let moves = handover::plan(&events, &launches, new, &all, now);
    if !moves.is_empty() {
        app.store
            .hand_over(&moves, now)
            .await
            .map_err(|e| format!("passing events on: {e}"))?;
    }
    done.handed_over = moves.len();
    app.outbox_wake.notify_one();
    Ok(done)
}

/// Reloads on every SIGHUP received on `hup` until the process ends; each outcome is logged.
/// The caller makes `hup` (`signal(SignalKind::hangup())`) before anything else runs: from
/// then on SIGHUP no longer ends the process.
#[cfg(unix)]
pub async fn on_hangup(app: App, path: std::path::PathBuf, mut hup: tokio::signal::unix::Signal) {
    while hup.recv().await.is_some() {
        match reload(&app, &path).await {
            Ok(r) => {
                log::info!(
                    "reload: {} installed; {} coordinators, {} events from the config changed, {} events or launches passed to another coordinator",
                    path.display(),
                    r.coordinators,
                    r.events,
                    r.handed_over
                );
                if r.restart_needed {
                    log::warn!("reload: [metrics], [backup] or [webhook] changed: they take effect at the next restart");
                }
            }
            Err(e) => log::error!("reload: {e}"),
        }
    }
}
