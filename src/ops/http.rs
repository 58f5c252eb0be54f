//! The operator's HTTP listener: `/healthz` and `/metrics`, on an address of its own
//! (`[metrics] listen`, or `--metrics`), never the public page's. Read-only: nothing here
//! changes the store, and nothing it returns names a person.

use super::metrics::{self, StoreGauges};
use crate::app::App;
use axum::extract::State;
use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use std::future::Future;

/// The routes, for [`serve`] and for tests.
pub fn router(app: App) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/livez", get(livez))
        .route("/readyz", get(readyz))
        .route("/metrics", get(prometheus))
        .with_state(app)
}

/// Serves [`router`] on `listener` until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    app: App,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(app))
        .with_graceful_shutdown(shutdown)
        .await
}

/// Liveness: the polling loop and the outbox sender are going round. A failure here is worth a
/// restart.
fn live() -> Result<(), String> {
    metrics::global().not_live().map_or(Ok(()), Err)
}

/// Readiness: the store answers and Telegram answered within the last minutes.
fn ready(app: &App) -> Result<(), String> {
    let mut why = Vec::new();
    if let Err(e) = app.store.next_due() {
        why.push(format!("the store does not answer: {e}"));
    }
    if let Some(stale) = metrics::global().telegram_stale() {
        why.push(stale);
    }
    if why.is_empty() {
        Ok(())
    } else {
        Err(why.join("; "))
    }
}

fn answer(checks: &[(&str, Result<(), String>)]) -> (StatusCode, String) {
    let mut ok = true;
    let mut body = String::new();
    for (name, r) in checks {
        match r {
            Ok(()) => body.push_str(&format!("{name}: ok\n")),
            Err(why) => {
                ok = false;
                body.push_str(&format!("{name}: failing: {why}\n"));
            }
        }
    }
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, body)
}

/// Both checks: 200 when live and ready, 503 with the reasons otherwise.
async fn healthz(State(app): State<App>) -> impl IntoResponse {
    answer(&[("live", live()), ("ready", ready(&app))])
}

async fn livez() -> impl IntoResponse {
    answer(&[("live", live())])
}

async fn readyz(State(app): State<App>) -> impl IntoResponse {
    answer(&[("ready", ready(&app))])
}

async fn prometheus(State(app): State<App>) -> impl IntoResponse {
    let now = app.clock.now();
    let oldest = app.store.next_due().ok().flatten().map_or(0.0, |due| {
        ((now - due).num_milliseconds().max(0) as f64) / 1000.0
    });
    let gauges = StoreGauges {
        outbox_depth: app.store.outbox_len(),
        outbox_oldest_seconds: oldest,
        store_bytes: app.store.size_on_disk().unwrap_or(0),
    };
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        metrics::render(metrics::global(), &gauges, now),
    )
}
