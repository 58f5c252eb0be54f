//! `kokoon run` as a service: the Telegram adapter, and beside it the operator's listener for
//! `/healthz` and `/metrics`, the reload of the config on SIGHUP, and online backups (on a
//! schedule and when `kokoon backup` asks over the control socket).

use crate::app::App;
use std::future::Future;
use std::net::SocketAddr;

/// What `kokoon run` was given besides the app and the bot.
#[derive(Clone, Default)]
pub struct Options {
    /// Where `/healthz` and `/metrics` listen: `--metrics`, else `[metrics] listen`; off if
    /// neither.
    pub metrics: Option<SocketAddr>,
    /// The config file, read again on SIGHUP.
    pub config_path: Option<std::path::PathBuf>,
    /// The key backups are encrypted with (the store's); no backups without it.
    pub backup_key: Option<crate::store::Key>,
    /// Where updates come from: long polling (the default) or a webhook.
    pub source: crate::telegram::Source,
}

/// Runs the bot until `shutdown` resolves, with the operator's listener beside it.
pub async fn run(
    app: App,
    bot: teloxide::Bot,
    limits: crate::telegram::Limits,
    options: Options,
    shutdown: impl Future<Output = ()>,
) -> Result<(), String> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let mut tasks = tokio::task::JoinSet::new();
    if let Some(addr) = options.metrics.or(app.config.metrics.listen) {
        let listener = tokio::net::TcpListener::bind(addr)
            .await
            .map_err(|e| format!("metrics: cannot listen on {addr}: {e}"))?;
        let bound = listener.local_addr().map_err(|e| e.to_string())?;
        if !bound.ip().is_loopback() {
            log::warn!("ops: /metrics and /healthz listen on {bound}, not a loopback address: keep it behind a firewall");
        }
        log::info!("ops: /healthz and /metrics on http://{bound}");
        let mut stopped = stopped.clone();
        let app = app.clone();
        tasks.spawn(async move {
            let until = async move {
                let _ = stopped.wait_for(|s| *s).await;
            };
            if let Err(e) = super::http::serve(listener, app, until).await {
                log::error!("ops: the metrics listener failed: {e}");
            }
        });
    }
    if let Some(key) = options.backup_key.clone() {
        let settings = &app.config.backup;
        let dir = settings
            .dir
            .clone()
            .unwrap_or_else(|| super::backup::default_dir(app.store.dir()));
        // The live erasure list goes beside the backups: a restore reads it there.
        let live = dir.join(crate::store::backup::LIVE_ERASURES);
        if let Err(e) = std::fs::create_dir_all(&dir)
            .map_err(|e| e.to_string())
            .and_then(|()| app.store.mirror_erasures(&live).map_err(|e| e.to_string()))
        {
            log::error!(
                "backup: the erasure list cannot be kept beside the backups ({}): {e}",
                live.display()
            );
        }
        let backups = super::backup::Backups::new(app.clone(), key, dir, settings.keep as usize);
        log::info!("backup: snapshots go to {}", backups.dir.display());
        let control = backups.clone();
        let mut stopped_control = stopped.clone();
        tasks.spawn(async move {
            tokio::select! {
                r = control.listen() => if let Err(e) = r {
                    log::error!("backup: the control socket failed: {e}");
                },
                _ = stopped_control.wait_for(|s| *s) => {}
            }
        });
        if let Some(every) = settings.every {
            let mut stopped = stopped.clone();
            tasks.spawn(async move {
                tokio::select! {
                    () = backups.schedule(every) => {}
                    _ = stopped.wait_for(|s| *s) => {}
                }
            });
        }
    }
    #[cfg(unix)]
    if let Some(path) = options.config_path.clone() {
        use tokio::signal::unix::{signal, SignalKind};
        let hup = signal(SignalKind::hangup())
            .map_err(|e| format!("cannot listen for SIGHUP (config reload): {e}"))?;
        let mut stopped = stopped.clone();
        let app = app.clone();
        tasks.spawn(async move {
            tokio::select! {
                () = super::reload::on_hangup(app, path, hup) => {}
                _ = stopped.wait_for(|s| *s) => {}
            }
        });
    }
    let result = crate::telegram::run_from(app, bot, limits, options.source, shutdown)
        .await
        .map_err(|e| e.to_string());
    let _ = stop.send(true);
    while tasks.join_next().await.is_some() {}
    result
}
