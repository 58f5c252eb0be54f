//! Online backups of the running bot: on a schedule (`[backup] every`, default daily, keeping
//! `keep`, default 14) and on request (`kokoon backup`, which asks the running process over a
//! Unix socket in the data directory and waits for the file). The snapshot itself, its format
//! and restore are the store's ([`crate::store::backup`]).

use crate::app::App;
use crate::store::backup::{self, BackupError};
use crate::store::Key;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};

/// The control socket's name inside the data directory.
pub const SOCKET: &str = "control.sock";

/// After a failed snapshot, the next try comes this much later (then twice as late, up to the
/// schedule's period).
const RETRY: Duration = Duration::from_secs(60);

/// Where backups go when `[backup] dir` is not set: `<data>-backups` beside the data directory.
#[must_use]
pub fn default_dir(data: &Path) -> PathBuf {
    let mut name = data
        .file_name()
        .map_or_else(|| "kokoon-data".into(), std::ffi::OsStr::to_os_string);
    name.push("-backups");
    data.with_file_name(name)
}

/// What the running bot needs to take backups.
#[derive(Clone)]
pub struct Backups {
    app: App,
    key: Key,
    /// Where the files go.
    pub dir: PathBuf,
    keep: usize,
    /// One snapshot at a time.
    busy: Arc<tokio::sync::Mutex<()>>,
}

impl Backups {
    /// Backups of `app`'s store, encrypted under `key`, into `dir`.
    #[must_use]
    pub fn new(app: App, key: Key, dir: PathBuf, keep: usize) -> Backups {
        Backups {
            app,
            key,
            dir,
            keep,
            busy: Arc::default(),
        }
    }

    /// Takes one snapshot now; returns the file.
    pub async fn take(&self) -> Result<PathBuf, BackupError> {
        let _one = self.busy.lock().await;
        let (store, key, dir, keep) = (
            self.app.store.clone(),
            self.key.clone(),
            self.dir.clone(),
            self.keep,
        );
        let now = self.app.clock.now();
        let began = std::time::Instant::now();
        let result =
            tokio::task::spawn_blocking(move || backup::backup(&store, &key, &dir, keep, now))
                .await
                .map_err(|e| BackupError::Store(e.into()))?;
        match &result {
            Ok(written) => {
                crate::ops::metrics::global().backup_done(now);
                log::info!(
                    "backup: {} written in {:?} (commits waited {:?})",
                    written.path.display(),
                    began.elapsed(),
                    written.gate_held
                );
            }
            Err(e) => {
                crate::ops::metrics::global()
                    .backups_failed
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                log::error!("backup: failed: {e}");
            }
        }
        result.map(|w| w.path)
    }

    /// Takes a snapshot every `every`, the first one when the newest file in the directory is
    /// that old (at once if there is none). A failed one is tried again after a minute, then
    /// later, and never leaves a file under a final name.
    pub async fn schedule(self, every: Duration) {
        let mut last = backup::list(&self.dir)
            .ok()
            .and_then(|l| l.last().map(|(t, _)| *t));
        if let Some(t) = last {
            crate::ops::metrics::global().backup_done(t);
        }
        let mut retry = RETRY;
        loop {
            let now = self.app.clock.now();
            let due = last.map_or(now, |t| {
                t + chrono::Duration::from_std(every).unwrap_or_default()
            });
            tokio::time::sleep((due - now).to_std().unwrap_or_default()).await;
            match self.take().await {
                Ok(_) => {
                    last = Some(self.app.clock.now());
                    retry = RETRY;
                }
                Err(_) => {
                    log::warn!("backup: trying again in {retry:?}");
                    tokio::time::sleep(retry).await;
                    retry = (retry * 2).min(every);
                }
            }
        }
    }

    /// Answers `kokoon backup` on the control socket in the data directory until the process
    /// ends. A stale socket file (from a killed process) is replaced: the store's lock already
    /// says no other kokoon runs on this directory.
    pub async fn listen(self) -> std::io::Result<()> {
        let path = self.app.store.dir().join(SOCKET);
        let _ = std::fs::remove_file(&path);
        let listener = tokio::net::UnixListener::bind(&path)?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
        }
        loop {
            let (stream, _) = listener.accept().await?;
            let me = self.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut line = String::new();
                let mut read = BufReader::new(read);
                if read.read_line(&mut line).await.is_err() {
                    return;
                }
                let answer = match line.trim() {
                    "backup" => match me.take().await {
                        Ok(p) => format!("ok {}\n", p.display()),
                        Err(e) => format!("error {e}\n"),
                    },
                    other => format!("error unknown request {other:?}\n"),
                };
                let _ = write.write_all(answer.as_bytes()).await;
            });
        }
    }
}

/// `kokoon backup`: asks the kokoon running on `data` for a snapshot and waits for the file.
pub async fn request(data: &Path) -> Result<PathBuf, String> {
    let path = data.join(SOCKET);
    let stream = tokio::net::UnixStream::connect(&path).await.map_err(|e| {
        format!("no running kokoon answers on {} ({e}): start it, or copy a stopped store with `kokoon compact`", path.display())
    })?;
    let (read, mut write) = stream.into_split();
    write
        .write_all(b"backup\n")
        .await
        .map_err(|e| e.to_string())?;
    let mut line = String::new();
    BufReader::new(read)
        .read_line(&mut line)
        .await
        .map_err(|e| e.to_string())?;
    match line.trim().split_once(' ') {
        Some(("ok", file)) => Ok(PathBuf::from(file)),
        Some(("error", why)) => Err(format!("the backup failed: {why}")),
        _ => Err("the running kokoon gave no answer (did it stop?)".into()),
    }
}
