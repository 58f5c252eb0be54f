//! The `kokoon` command: parse the command line, load the config, open the store, and run the
//! chosen front end. Everything else lives in the library.

use clap::{Parser, Subcommand};
use kokoon::app::App;
use kokoon::clock::{Clock, SavedClock, SystemClock};
use kokoon::config::{Config, LiveConfig};
use kokoon::console::{self, ConsoleUser};
use kokoon::domain::{deep_link, GroupId, Source, StartPayload, UserId};
use kokoon::i18n::I18n;
use kokoon::ops::secrets;
use kokoon::store::{Key, Store, StoreError};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

/// sled's page cache: enough for the working set, small enough to keep memory modest.
const CACHE_BYTES: u64 = 16 * 1024 * 1024;

#[derive(Parser)]
#[command(
    name = "kokoon",
    version,
    about = "A Telegram bot that gathers demand for peer-support groups"
)]
struct Cli {
    /// The config file.
    #[arg(
        long,
        global = true,
        env = "KOKOON_CONFIG",
        default_value = "config/kokoon.toml"
    )]
    config: PathBuf,
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run the Telegram bot (long polling, or a webhook with --webhook). The token comes from
    /// --token-file, else systemd's credential `token` ($CREDENTIALS_DIRECTORY/token), else
    /// TELOXIDE_TOKEN.
    Run {
        /// Where the data lives (one process per directory).
        #[arg(long, env = "KOKOON_DATA", default_value = "kokoon-data")]
        data: PathBuf,
        /// A local Bot API server's URL instead of api.telegram.org.
        #[arg(long, env = "TELOXIDE_API_URL")]
        api_url: Option<String>,
        /// The encryption key file (from `kokoon keygen`), kept outside the data directory.
        /// Or give the key itself, 64 hex characters, in KOKOON_KEY. One of them is required.
        /// Without either, systemd's credential `key` ($CREDENTIALS_DIRECTORY/key) is used.
        #[arg(long, env = "KOKOON_KEY_FILE")]
        key_file: Option<PathBuf>,
        /// A file holding the bot token (instead of the TELOXIDE_TOKEN environment variable,
        /// which other processes of the same user can read).
        #[arg(long, env = "KOKOON_TOKEN_FILE")]
        token_file: Option<PathBuf>,
        /// Serve /healthz and /metrics on this address (HOST:PORT, or a port on 127.0.0.1);
        /// overrides `[metrics] listen`.
        #[arg(long, value_parser = kokoon::config::parse_listen)]
        metrics: Option<std::net::SocketAddr>,
        /// Serve the public web page on this address, e.g. 127.0.0.1:8080 (overrides the
        /// config's `[web] listen`; off unless one of them is given).
        #[arg(long, env = "KOKOON_WEB")]
        web: Option<std::net::SocketAddr>,
        /// Take updates by webhook instead of long polling: the public HTTPS address Telegram
        /// POSTs them to (a reverse proxy in front terminates TLS and forwards to --listen).
        /// Overrides `[webhook] url`.
        #[arg(long, env = "KOKOON_WEBHOOK", requires = "listen")]
        webhook: Option<String>,
        /// Where the webhook listener binds, e.g. 127.0.0.1:8443 (HOST:PORT, or a port on
        /// 127.0.0.1). Overrides `[webhook] listen`.
        #[arg(long, env = "KOKOON_LISTEN", value_parser = kokoon::config::parse_listen)]
        listen: Option<std::net::SocketAddr>,
        /// A file holding the webhook's secret token (A-Z, a-z, 0-9, _ and -; else the systemd
        /// credential `webhook-secret`; else a random one made at each start).
        #[arg(long, env = "KOKOON_WEBHOOK_SECRET_FILE")]
        webhook_secret_file: Option<PathBuf>,
    },
    /// Chat with kokoon in the terminal: no token, no network.
    Console {
        /// Where the console's data lives; separate from the bot's by default.
        /// (`kokoon-console-data` by default; with --script, a fresh directory removed after).
        #[arg(long)]
        data: Option<PathBuf>,
        /// The Telegram user id to act as (e.g. a coordinator's, to see what they see).
        #[arg(long = "as", default_value_t = 1)]
        as_user: u64,
        /// The Telegram language to start in (fi, sv or en).
        #[arg(long, default_value = "fi")]
        lang: String,
        /// The encryption key file (or KOKOON_KEY). By default the console makes and uses its
        /// own key beside its data directory: `<data>.key`.
        #[arg(long, env = "KOKOON_KEY_FILE")]
        key_file: Option<PathBuf>,
        /// Run the lines of a file as if typed (lines starting with # are notes), printing the
        /// transcript: e.g. examples/tilli-toukka.txt, a whole group's life.
        #[arg(long)]
        script: Option<PathBuf>,
    },
    /// Write a new random encryption key (64 hex characters) to a file readable by its owner
    /// only. Never overwrites: the data encrypted with an existing key would be lost.
    Keygen {
        /// Where to write the key: outside the data directory, backed up apart from it.
        #[arg(long)]
        out: PathBuf,
    },
    /// Write a QR code (PNG and SVG) of a group's deep link, for posters. Needs no token: the
    /// bot's username comes from the config.
    Qr {
        /// The group id, e.g. tilli-toukka.
        group: String,
        /// Where the poster hangs, e.g. pikkuveturi: registrations through it are counted by
        /// source in /demand.
        #[arg(long)]
        source: Option<String>,
        /// The directory to write the files to.
        #[arg(long, default_value = ".")]
        out: PathBuf,
    },
    /// Ask the kokoon running on --data for an online backup now, and wait for the file.
    Backup {
        /// The running bot's data directory (its control socket is there).
        #[arg(long, env = "KOKOON_DATA", default_value = "kokoon-data")]
        data: PathBuf,
    },
    /// Restore a backup file into a new or empty data directory.
    Restore {
        /// The backup file (`kokoon-<time>.backup`).
        file: PathBuf,
        /// The directory to restore into: new or empty.
        #[arg(long)]
        data: PathBuf,
        /// The key the backup was made with (as for `run`: else the systemd credential `key`,
        /// else KOKOON_KEY).
        #[arg(long, env = "KOKOON_KEY_FILE")]
        key_file: Option<PathBuf>,
        /// The live erasure list the bot keeps beside its backups (default: `erasures` in the
        /// backup file's directory). Everyone it names as erased after the snapshot is erased
        /// again before the restored store is used.
        #[arg(long)]
        erasures: Option<PathBuf>,
        /// Restore without the live erasure list, when it is truly lost: everyone erased after
        /// the snapshot comes back (tell the data protection officer).
        #[arg(long, conflicts_with = "erasures")]
        without_erasures: bool,
    },
    /// Copy a store (not in use) into a fresh directory, leaving sled's old log segments, and
    /// whatever old values they hold, behind.
    Compact {
        /// The store to copy.
        #[arg(long)]
        data: PathBuf,
        /// The new directory: new or empty.
        #[arg(long)]
        out: PathBuf,
    },
    /// Key rotation: copy a store (not in use) into a fresh directory under a new master key.
    /// Every value sealed under the old key is sealed again under the new one, and so are the
    /// keyring and the erasure list; nothing in the copy opens with the old key. Start kokoon
    /// on the copy with the new key, then remove the old directory.
    Rekey {
        /// The store to rotate.
        #[arg(long)]
        data: PathBuf,
        /// The new directory: new or empty.
        #[arg(long)]
        out: PathBuf,
        /// The current key (as for `run`: else the systemd credential `key`, else KOKOON_KEY).
        #[arg(long, env = "KOKOON_KEY_FILE")]
        key_file: Option<PathBuf>,
        /// The new key (from `kokoon keygen`; else the systemd credential `new-key`).
        #[arg(long)]
        new_key_file: Option<PathBuf>,
    },
    /// Validate a config file and report every problem with its place.
    CheckConfig {
        /// The file to check (defaults to --config).
        path: Option<PathBuf>,
    },
}

/// glibc's malloc raises its mmap threshold each time a large block is freed, after which large
/// blocks (a chart's pixel buffer, a PNG being encoded: megabytes each) come from the heap and
/// stay in the process once freed; and it gives each thread its own arena. Measured with the
/// benchmark, every `/demand` with charts then added about 10 MB of resident memory that never
/// went back. A fixed threshold (blocks of 1 MiB and more are mapped and unmapped on their
/// own) and two arenas keep the resident size near what is in use.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
fn limit_heap() {
    // SAFETY: mallopt only sets malloc's tuning parameters; it is called before any other
    // thread exists.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1024 * 1024);
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
fn limit_heap() {}

fn main() -> ExitCode {
    limit_heap();
    env_logger::Builder::from_env(env_logger::Env::default().default_filter_or("info")).init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("kokoon: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), String> {
    match cli.command {
        Cmd::CheckConfig { path } => {
            let path = path.unwrap_or(cli.config);
            let config = load_config(&path)?;
            println!(
                "{}: ok — {} groups, {} areas, {} time slots, {} coordinators",
                path.display(),
                config.groups.len(),
                config.areas.len(),
                config.times.len(),
                config.coordinators.len()
            );
            if !config.one_language.is_empty() {
                println!(
                    "note: given in one language only, so Swedish and English readers see them as written (give {{ fi = …, sv = …, en = … }}): {}",
                    config.one_language.join(", ")
                );
            }
            if !config.no_fi_from.is_empty() {
                println!(
                    "note: areas without fi_from, the Finnish name's \"from\" form (fi_from = \"Hyvinkäältä\"), so Finnish sentences use the name as it is: {}",
                    config.no_fi_from.join(", ")
                );
            }
            Ok(())
        }
        Cmd::Qr { group, source, out } => qr(&cli.config, &group, source.as_deref(), &out),
        Cmd::Keygen { out } => {
            Key::create_file(&out).map_err(|e| e.to_string())?;
            println!(
                "{}: a new key. Keep it outside the data directory and back it up apart from the data: without it the personal data cannot be read.",
                out.display()
            );
            Ok(())
        }
        Cmd::Run {
            data,
            api_url,
            key_file,
            token_file,
            metrics,
            web,
            webhook,
            listen,
            webhook_secret_file,
        } => {
            let config_path = cli.config.clone();
            let credentials = secrets::credentials_directory();
            let key = service_key(key_file, &data)?;
            let (token, source) = secrets::token(
                token_file.as_deref(),
                credentials.as_deref(),
                std::env::var("TELOXIDE_TOKEN").ok(),
            )?;
            log::info!("the bot token comes from {source}");
            let app = build_app(&cli.config, &data, &key, Arc::new(SystemClock))?;
            let mut bot = teloxide::Bot::new(token);
            if let Some(url) = api_url {
                let url = url
                    .parse()
                    .map_err(|e| format!("--api-url {url:?} is not a URL: {e}"))?;
                bot = bot.set_api_url(url);
            }
            let limits = kokoon::telegram::Limits::parse(
                &std::env::var("KOKOON_RATE_LIMIT").unwrap_or_default(),
            )
            .map_err(|e| format!("KOKOON_RATE_LIMIT: {e}"))?;
            // Checked here so that a wrong value stops the start; the adapter reads it again.
            kokoon::telegram::InboundLimit::parse(
                &std::env::var("KOKOON_INBOUND_LIMIT").unwrap_or_default(),
            )
            .map_err(|e| format!("KOKOON_INBOUND_LIMIT: {e}"))?;
            let web = web.or(app.config.web.listen);
            let source = webhook_source(
                webhook.or_else(|| app.config.webhook.url.clone()),
                listen.or(app.config.webhook.listen),
                webhook_secret_file,
                credentials.as_deref(),
            )?;
            let rt = runtime()?;
            let result = rt.block_on(async move {
                sync_events(&app).await?;
                let (stop_web, web_task) = match web {
                    Some(addr) => {
                        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
                        let listener = tokio::net::TcpListener::bind(addr)
                            .await
                            .map_err(|e| format!("the web page cannot listen on {addr}: {e}"))?;
                        let task = tokio::spawn(kokoon::web::serve(listener, app.clone(), async {
                            let _ = stopped.await;
                        }));
                        (Some(stop), Some(task))
                    }
                    None => (None, None),
                };
                let options = kokoon::ops::service::Options {
                    metrics,
                    config_path: Some(config_path),
                    backup_key: Some(key),
                    source,
                };
                let result =
                    kokoon::ops::service::run(app, bot, limits, options, shutdown_signal()).await;
                if let (Some(stop), Some(task)) = (stop_web, web_task) {
                    let _ = stop.send(());
                    match tokio::time::timeout(std::time::Duration::from_secs(5), task).await {
                        Ok(Ok(Err(e))) => log::warn!("web: {e}"),
                        Ok(_) => {}
                        Err(_) => log::warn!("web: connections still open at shutdown"),
                    }
                }
                result
            });
            // Blocking work still running does not hold up the exit: a backup of a big store
            // takes seconds (more under load), and dropping the runtime would wait for it. The
            // store was flushed when the bot stopped, and a snapshot cut short leaves only a
            // `.tmp` file, removed by the next backup.
            rt.shutdown_timeout(std::time::Duration::from_secs(1));
            result
        }
        Cmd::Backup { data } => {
            let file = runtime()?.block_on(kokoon::ops::backup::request(&data))?;
            println!("{}", file.display());
            Ok(())
        }
        Cmd::Restore {
            file,
            data,
            key_file,
            erasures,
            without_erasures,
        } => {
            let key = service_key(key_file, &data)?;
            let live = if without_erasures {
                log::warn!("restore: without the live erasure list: everyone erased after the snapshot comes back");
                None
            } else {
                Some(erasures.unwrap_or_else(|| {
                    file.parent()
                        .unwrap_or(Path::new("."))
                        .join(kokoon::store::backup::LIVE_ERASURES)
                }))
            };
            let config = Arc::new(load_config(&cli.config)?);
            let snap = kokoon::store::backup::restore(&file, &key, &data, live.as_deref())
                .map_err(|e| e.to_string())?;
            // Open it once, by the config's rules: the key is checked, the counters are in
            // step, and everyone erased after the snapshot is erased again, before anyone is
            // served.
            let store = Store::open_with(&data, CACHE_BYTES, &key, config).map_err(|e| {
                format!("{}: the restored store does not open (is the erasure list beside the backups sealed under another key?): {e}", data.display())
            })?;
            let erased = match (live.is_some(), snap.taken_at) {
                (false, _) => 0,
                (true, Some(since)) => runtime()?
                    .block_on(store.reapply_erasures(since, SystemClock.now()))
                    .map_err(|e| {
                        format!("the erasures after the snapshot could not be applied again: {e}")
                    })?,
                (true, None) => {
                    let _ = std::fs::remove_dir_all(&data);
                    return Err(format!("{}: the backup does not say when it was taken (its name was changed?): give it its kokoon-<time>.backup name again", file.display()));
                }
            };
            drop(store);
            println!(
                "{}: restored {} entries from {}; {erased} people erased after the snapshot were erased again",
                data.display(),
                snap.entries.len(),
                file.display()
            );
            Ok(())
        }
        Cmd::Rekey {
            data,
            out,
            key_file,
            new_key_file,
        } => {
            let old = service_key(key_file, &data)?;
            let new_path = new_key_file
                .or_else(|| {
                    secrets::credential(secrets::credentials_directory().as_deref(), "new-key")
                })
                .ok_or("no new key: give --new-key-file PATH (make one with `kokoon keygen --out PATH`) or the systemd credential `new-key`")?;
            let new = load_key(&new_path, &data)?;
            if new.to_hex() == old.to_hex() {
                return Err(
                    "the new key is the old key: make a new one with `kokoon keygen`".into(),
                );
            }
            // Opened once with the old key, by the config's rules: an older schema is brought
            // up to date and the key is checked before anything is copied.
            let config = Arc::new(load_config(&cli.config)?);
            drop(
                Store::open_with(&data, CACHE_BYTES, &old, config.clone())
                    .map_err(|e| format!("{}: {e}", data.display()))?,
            );
            let done =
                kokoon::store::rekey::rekey(&data, &out, &old, &new).map_err(|e| e.to_string())?;
            // The copy must open with the new key before the operator removes anything.
            drop(
                Store::open_with(&out, CACHE_BYTES, &new, config).map_err(|e| {
                    format!(
                        "{}: the copy does not open with the new key: {e}",
                        out.display()
                    )
                })?,
            );
            println!(
                "{} copied to {} under the new key: {} values sealed again, {} under data keys kept (their keys sealed again). Start kokoon on {} with the new key, take a backup at once, then remove {} and the old key (backups made before need the old key)",
                data.display(),
                out.display(),
                done.resealed,
                done.under_data_keys,
                out.display(),
                data.display()
            );
            Ok(())
        }
        Cmd::Compact { data, out } => {
            let (before, after) =
                kokoon::store::backup::compact(&data, &out).map_err(|e| e.to_string())?;
            println!(
                "{} ({before} bytes) copied to {} ({after} bytes); start kokoon on the new directory, then remove the old one",
                data.display(),
                out.display()
            );
            Ok(())
        }
        Cmd::Console {
            data,
            as_user,
            lang,
            key_file,
            script,
        } => {
            // A script runs on a fresh directory of its own unless told otherwise.
            let scratch = match (&data, &script) {
                (None, Some(_)) => Some(
                    std::env::temp_dir()
                        .join(format!("kokoon-script-{}", std::process::id()))
                        .join("data"),
                ),
                _ => None,
            };
            if let Some(dir) = scratch.as_ref().and_then(|d| d.parent()) {
                let _ = std::fs::remove_dir_all(dir);
            }
            let data = scratch
                .clone()
                .or(data)
                .unwrap_or_else(|| PathBuf::from("kokoon-console-data"));
            let result = console_cmd(&cli.config, &data, as_user, lang, key_file, script);
            if let Some(dir) = scratch.as_ref().and_then(|d| d.parent()) {
                let _ = std::fs::remove_dir_all(dir);
            }
            result
        }
    }
}

fn console_cmd(
    config: &Path,
    data: &Path,
    as_user: u64,
    lang: String,
    key_file: Option<PathBuf>,
    script: Option<PathBuf>,
) -> Result<(), String> {
    std::fs::create_dir_all(data).map_err(|e| format!("{}: {e}", data.display()))?;
    let clock = SavedClock::open(&data.join("console-clock"))
        .map_err(|e| format!("the console's clock: {e}"))?;
    let dyn_clock: Arc<dyn Clock> = clock.clock();
    let app = match (key_file, env_key()?) {
        (Some(path), None) => build_app(config, data, &load_key(&path, data)?, dyn_clock)?,
        (None, Some(key)) => build_app(config, data, &key, dyn_clock)?,
        (Some(_), Some(_)) => return Err(BOTH_KEYS.to_owned()),
        (None, None) => console_app(config, data, dyn_clock)?,
    };
    let opts = console::Options {
        user: ConsoleUser {
            id: UserId(as_user),
            language_code: Some(lang),
        },
        files_dir: data.join("files"),
        clock: Some(&clock),
        script: script.is_some(),
    };
    runtime()?.block_on(async move {
        sync_events(&app).await?;
        let result = match &script {
            Some(path) => {
                let text = tokio::fs::read(path)
                    .await
                    .map_err(|e| format!("{}: {e}", path.display()))?;
                console::run(&app, opts, &text[..], tokio::io::stdout()).await
            }
            None => {
                let stdin = tokio::io::BufReader::new(tokio::io::stdin());
                console::run(&app, opts, stdin, tokio::io::stdout()).await
            }
        };
        let flushed = app.store.flush().await;
        result.map_err(|e| e.to_string())?;
        flushed.map_err(|e| e.to_string())
    })
}

/// Long polling, or the webhook when a URL is given: with the address to listen on and the
/// secret (a file given, else the systemd credential `webhook-secret`, else a random one).
fn webhook_source(
    url: Option<String>,
    listen: Option<std::net::SocketAddr>,
    secret_file: Option<PathBuf>,
    credentials: Option<&Path>,
) -> Result<kokoon::telegram::Source, String> {
    use kokoon::telegram::{Secret, Source, Webhook};
    let Some(url) = url else {
        return Ok(Source::Polling);
    };
    let url: reqwest::Url = url
        .parse()
        .map_err(|e| format!("--webhook {url:?} is not a URL: {e}"))?;
    if url.scheme() != "https" {
        log::warn!("the webhook {url} is not https: Telegram delivers only to https addresses (fine for a local Bot API server)");
    }
    let listen = listen.ok_or("--webhook needs --listen ADDR (or [webhook] listen): where the listener binds behind the proxy")?;
    let file = secret_file.or_else(|| secrets::credential(credentials, "webhook-secret"));
    let secret = match file {
        Some(path) => {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("the webhook secret {}: {e}", path.display()))?;
            Secret::parse(&text).map_err(|e| format!("{}: {e}", path.display()))?
        }
        None => Secret::random()?,
    };
    Ok(Source::Webhook(Webhook {
        url,
        listen,
        secret,
    }))
}

fn load_config(path: &Path) -> Result<Config, String> {
    Config::load(path).map_err(|e| format!("the config has errors:\n{e}"))
}

const NO_KEY: &str = "no encryption key: give --key-file PATH (or KOKOON_KEY_FILE), a systemd credential `key` (LoadCredential=key:PATH), or the key itself in KOKOON_KEY (64 hex characters). Make one with `kokoon keygen --out PATH`, keep it outside the data directory, and back it up apart from the data";

const BOTH_KEYS: &str =
    "both a key file (--key-file, KOKOON_KEY_FILE or the systemd credential `key`) and KOKOON_KEY are given: give the key one way";

/// The key of `run` and `restore`: a key file given, else the systemd credential `key`, else
/// `KOKOON_KEY`.
fn service_key(key_file: Option<PathBuf>, data: &Path) -> Result<Key, String> {
    let credentials = secrets::credentials_directory();
    match (
        secrets::key_file(key_file, credentials.as_deref()),
        env_key()?,
    ) {
        (Some((path, source)), None) => {
            log::info!("the encryption key comes from {source}");
            load_key(&path, data)
        }
        (None, Some(key)) => Ok(key),
        (Some(_), Some(_)) => Err(BOTH_KEYS.to_owned()),
        (None, None) => Err(NO_KEY.to_owned()),
    }
}

/// The key in `KOKOON_KEY`, if set.
fn env_key() -> Result<Option<Key>, String> {
    match std::env::var("KOKOON_KEY") {
        Ok(hex) if !hex.trim().is_empty() => Key::from_hex(&hex, "KOKOON_KEY")
            .map(Some)
            .map_err(|e| e.to_string()),
        _ => Ok(None),
    }
}

/// Reads a key file, refusing one inside the data directory (a copy of the data would carry
/// its key) and warning about one others can read.
fn load_key(path: &Path, data: &Path) -> Result<Key, String> {
    if let (Ok(k), Ok(d)) = (path.canonicalize(), data.canonicalize()) {
        if k.starts_with(&d) {
            return Err(format!(
                "the key file {} is inside the data directory {}: keep it apart, or a copy of the data carries its key",
                path.display(),
                data.display()
            ));
        }
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(meta) = std::fs::metadata(path) {
            if meta.permissions().mode() & 0o077 != 0 {
                log::warn!(
                    "the key file {} can be read by other users: chmod 600 it",
                    path.display()
                );
            }
        }
    }
    Key::load(path).map_err(|e| e.to_string())
}

/// The console's own key file, beside its data directory: `<data>.key`.
fn console_key_path(data: &Path) -> PathBuf {
    let mut name = data.file_name().map_or_else(
        || "kokoon-console-data".into(),
        std::ffi::OsStr::to_os_string,
    );
    name.push(".key");
    data.with_file_name(name)
}

/// The console with no key given: its own key file is used, and made on first use, so trying
/// kokoon needs no setup.
fn console_app(config: &Path, data: &Path, clock: Arc<dyn Clock>) -> Result<App, String> {
    let path = console_key_path(data);
    if path.exists() {
        return build_app(config, data, &load_key(&path, data)?, clock);
    }
    let key = Key::create_file(&path).map_err(|e| e.to_string())?;
    match build_app(config, data, &key, clock) {
        Ok(app) => {
            log::info!("console: made a new key in {}", path.display());
            Ok(app)
        }
        Err(e) => {
            // The key was new: whatever went wrong, it protects nothing yet.
            let _ = std::fs::remove_file(&path);
            Err(e)
        }
    }
}

fn build_app(config: &Path, data: &Path, key: &Key, clock: Arc<dyn Clock>) -> Result<App, String> {
    let config = LiveConfig::new(load_config(config)?);
    let i18n = I18n::new().map_err(|e| e.to_string())?;
    let store = Store::open_with(data, CACHE_BYTES, key, Arc::new(config.clone())).map_err(
        |e| match e {
            StoreError::WrongKey => format!("{}: {e}", data.display()),
            other => other.to_string(),
        },
    )?;
    Ok(App {
        config,
        store,
        i18n: Arc::new(i18n),
        clock,
        outbox_wake: Arc::new(tokio::sync::Notify::new()),
    })
}

fn qr(config: &Path, group: &str, source: Option<&str>, out: &Path) -> Result<(), String> {
    let config = load_config(config)?;
    let group = GroupId::parse(group).map_err(|e| e.to_string())?;
    if config.group(&group).is_none() {
        let known: Vec<&str> = config.groups.iter().map(|g| g.id.as_str()).collect();
        return Err(format!(
            "no group {group} in the config (groups: {})",
            known.join(", ")
        ));
    }
    let source = source
        .map(Source::parse)
        .transpose()
        .map_err(|e| format!("--source: {e} (letters, digits, - and _, at most 32)"))?;
    if let Some(s) = source.as_ref().filter(|s| !config.sources.contains(s)) {
        let known: Vec<&str> = config.sources.iter().map(|s| s.as_str()).collect();
        return Err(format!(
            "--source: {} is not in [recruitment] sources of the config, so its registrations would count as direct (sources: {})",
            s.as_str(),
            known.join(", ")
        ));
    }
    let name = match &source {
        Some(s) => format!("{group}__{}", s.as_str()),
        None => group.to_string(),
    };
    let link = deep_link(&config.bot_username, &StartPayload::Group { group, source });
    let png = kokoon::qr::png(&link).map_err(|e| e.to_string())?;
    let svg = kokoon::qr::svg(&link).map_err(|e| e.to_string())?;
    std::fs::create_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    for (ext, bytes) in [("png", png), ("svg", svg.into_bytes())] {
        let path = out.join(format!("kokoon-{name}.{ext}"));
        std::fs::write(&path, bytes).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}", path.display());
    }
    println!("{link}");
    Ok(())
}

/// Creates or updates the events given in the config.
async fn sync_events(app: &App) -> Result<(), String> {
    let n = kokoon::app::sync_config_events(app)
        .await
        .map_err(|e| e.to_string())?;
    if n > 0 {
        log::info!("{n} events from the config created or updated");
    }
    Ok(())
}

fn runtime() -> Result<tokio::runtime::Runtime, String> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| format!("cannot start the async runtime: {e}"))
}

/// Resolves on SIGINT (Ctrl-C) or SIGTERM (what systemd sends).
async fn shutdown_signal() {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut term) => {
                tokio::select! {
                    _ = tokio::signal::ctrl_c() => {}
                    _ = term.recv() => {}
                }
            }
            Err(_) => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
}
