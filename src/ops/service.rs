//! `kokoon run` as a service: the Telegram adapter, and beside it the operator's listener for
//! `/healthz` and `/metrics`, and the reload of the config on SIGHUP.

use crate::app::App;
use std::future::Future;
use std::net::SocketAddr;

/// What `kokoon run` was given besides the app and the bot.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Where `/healthz` and `/metrics` listen: `--metrics`, else `[metrics] listen`; off if
    /// neither.
    pub metrics: Option<SocketAddr>,
    /// The config file, read again on SIGHUP.
    pub config_path: Option<std::path::PathBuf>,
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
    let result = crate::telegram::run(app, bot, limits, shutdown)
        .await
        .map_err(|e| e.to_string());
    let _ = stop.send(true);
    while tasks.join_next().await.is_some() {}
    result
}
