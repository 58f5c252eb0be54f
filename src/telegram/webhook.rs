//! Webhook mode: Telegram POSTs each update to our own HTTP listener instead of the bot asking
//! for them (`kokoon run --webhook URL --listen ADDR`).
//!
//! Why our own axum handler rather than teloxide's webhook listener: teloxide's answers 200 as
//! soon as the update is parsed, before the handler has run, and a 200 is what tells Telegram
//! the update is done: a crash then would lose it. Here the handler hands the update to the
//! same loop that handles polled batches ([`super::run_inner`]) and answers 200 only once the
//! update's effects and its rendered replies are flushed to disk (or it was recognised by its
//! id as handled before). Anything else (the store failed, the process is stopping) is a 503,
//! and Telegram delivers the update again later: the same guarantee as the polling offset.
//!
//! Telegram sends the secret given to `setWebhook` in the `X-Telegram-Bot-Api-Secret-Token`
//! header of every delivery; a request without it is answered 401 and one with another secret
//! 403, before anything is read or done. The secret comes from a file (or the systemd credential
//! `webhook-secret`); without one a random secret is made at each start (`setWebhook` tells
//! Telegram the new one). It is never logged.

use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use std::net::SocketAddr;
use std::sync::Arc;
use teloxide::types::Update;
use tokio::sync::{mpsc, oneshot};
use zeroize::Zeroizing;

/// The header Telegram puts the secret in.
pub const SECRET_HEADER: &str = "x-telegram-bot-api-secret-token";

/// Updates Telegram may have in flight to us at once (`setWebhook`'s `max_connections`).
const MAX_CONNECTIONS: u8 = 40;

/// Updates waiting for the loop; a delivery beyond this waits for room.
const QUEUE: usize = 256;

/// How the bot receives updates in webhook mode.
#[derive(Clone)]
pub struct Webhook {
    /// The public HTTPS address Telegram delivers to (given to `setWebhook`); its path is the
    /// path the listener answers on.
    pub url: reqwest::Url,
    /// Where the listener binds (behind the reverse proxy that terminates TLS).
    pub listen: SocketAddr,
    /// The secret Telegram sends with every delivery.
    pub secret: Secret,
}

impl std::fmt::Debug for Webhook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Webhook")
            .field("url", &self.url.as_str())
            .field("listen", &self.listen)
            .field("secret", &"…")
            .finish()
    }
}

/// The webhook's secret token: 1–256 characters of `A-Z a-z 0-9 _ -` (Telegram's rule).
#[derive(Clone)]
pub struct Secret(Arc<Zeroizing<String>>);

impl Secret {
    /// Checks a secret read from a file (surrounding whitespace dropped).
    pub fn parse(text: &str) -> Result<Secret, String> {
        let t = text.trim();
        if t.is_empty() || t.len() > 256 {
            return Err("the webhook secret must be 1 to 256 characters".into());
        }
        if !t
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        {
            return Err("the webhook secret may hold only A-Z, a-z, 0-9, _ and -".into());
        }
        Ok(Secret(Arc::new(Zeroizing::new(t.to_owned()))))
    }

    /// A new random secret (256 bits, hex).
    pub fn random() -> Result<Secret, String> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        getrandom::fill(bytes.as_mut())
            .map_err(|e| format!("the random number generator failed: {e}"))?;
        let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
        Ok(Secret(Arc::new(Zeroizing::new(hex))))
    }

    fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// Whether `given` is the secret, in time that does not depend on where they differ.
    #[must_use]
    pub fn matches(&self, given: &[u8]) -> bool {
        let mine = self.0.as_bytes();
        let mut diff = u8::from(mine.len() != given.len());
        for (i, m) in mine.iter().enumerate() {
            diff |= m ^ given.get(i).copied().unwrap_or(0);
        }
        diff == 0
    }
}

/// One delivery handed to the loop: the update and where to say whether it is durable.
pub(super) struct Delivery {
    pub(super) update: Update,
    pub(super) done: oneshot::Sender<bool>,
}

/// The listener, running: deliveries come out of `rx`.
pub(super) struct Listening {
    pub(super) rx: mpsc::Receiver<Delivery>,
    stop: oneshot::Sender<()>,
    server: tokio::task::JoinHandle<std::io::Result<()>>,
    /// The address it is bound to.
    pub(super) bound: SocketAddr,
}

impl Listening {
    /// Stops the listener: deliveries still waiting are answered 503 (Telegram sends them
    /// again later).
    pub(super) async fn stop(self) {
        drop(self.rx);
        let _ = self.stop.send(());
        let abort = self.server.abort_handle();
        match tokio::time::timeout(std::time::Duration::from_secs(1), self.server).await {
            Ok(Ok(Err(e))) => log::warn!("telegram::webhook: the listener failed: {e}"),
            Ok(_) => {}
            Err(_) => abort.abort(),
        }
    }
}

#[derive(Clone)]
struct Hook {
    tx: mpsc::Sender<Delivery>,
    secret: Secret,
}

/// Binds the listener and serves deliveries into the returned channel. `setWebhook` is the
/// caller's (after this, so that Telegram finds someone listening).
pub(super) async fn listen(hook: &Webhook) -> Result<Listening, String> {
    let listener = tokio::net::TcpListener::bind(hook.listen)
        .await
        .map_err(|e| format!("the webhook cannot listen on {}: {e}", hook.listen))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let (tx, rx) = mpsc::channel(QUEUE);
    let path = match hook.url.path() {
        "" => "/",
        p => p,
    };
    let router = axum::Router::new()
        .route(path, axum::routing::post(deliver))
        .with_state(Hook {
            tx,
            secret: hook.secret.clone(),
        });
    let (stop, stopped) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await
    });
    Ok(Listening {
        rx,
        stop,
        server,
        bound,
    })
}

/// Tells Telegram where to deliver, with the secret and the kinds of update the bot handles.
pub(super) async fn register(
    bot: &teloxide::Bot,
    hook: &Webhook,
) -> Result<(), teloxide::RequestError> {
    use teloxide::payloads::SetWebhookSetters;
    use teloxide::requests::Requester;
    bot.set_webhook(hook.url.clone())
        .secret_token(hook.secret.as_str().to_owned())
        .max_connections(MAX_CONNECTIONS)
        .allowed_updates(super::ALLOWED.to_vec())
        .await?;
    Ok(())
}

/// One delivery: the secret is checked first; the update goes to the loop, and the answer waits
/// until the loop says it is durable.
async fn deliver(State(hook): State<Hook>, headers: HeaderMap, body: Bytes) -> StatusCode {
    match headers.get(SECRET_HEADER) {
        None => return StatusCode::UNAUTHORIZED,
        Some(given) if !hook.secret.matches(given.as_bytes()) => {
            log::warn!("telegram::webhook: a delivery with a wrong secret was refused");
            return StatusCode::FORBIDDEN;
        }
        Some(_) => {}
    }
    let update: Update = match serde_json::from_slice(&body) {
        Ok(u) => u,
        Err(e) => {
            // Nothing better will come of a redelivery: take it, like a poll skips it.
            log::warn!("telegram::webhook: a delivery that is not an update was skipped: {e}");
            return StatusCode::OK;
        }
    };
    let (done, durable) = oneshot::channel();
    if hook.tx.send(Delivery { update, done }).await.is_err() {
        return StatusCode::SERVICE_UNAVAILABLE;
    }
    match durable.await {
        Ok(true) => StatusCode::OK,
        _ => StatusCode::SERVICE_UNAVAILABLE,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_secret_is_checked_by_telegrams_rule_and_compared_whole() {
        assert!(Secret::parse("abc_DEF-123\n").is_ok());
        assert!(Secret::parse("").is_err());
        assert!(Secret::parse("has space").is_err());
        assert!(Secret::parse(&"a".repeat(257)).is_err());
        let s = Secret::parse("s3cret").expect("valid");
        assert!(s.matches(b"s3cret"));
        assert!(!s.matches(b"s3cre"));
        assert!(!s.matches(b"s3cret!"));
        assert!(!s.matches(b""));
        let r = Secret::random().expect("random");
        assert_eq!(r.as_str().len(), 64);
        assert!(Secret::parse(r.as_str()).is_ok());
        assert!(!r.matches(Secret::random().expect("random").as_str().as_bytes()));
    }
}
