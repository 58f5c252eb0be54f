//! The operator's sections of the config: `[metrics]` (where `/healthz` and `/metrics` listen)
//! and `[backup]` (where, how often and how many online snapshots). Neither changes what a
//! family or coordinator sees.

use super::{RawConfig, Validator};
use serde::Deserialize;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

/// Where the health and metrics endpoints listen; off unless set.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MetricsSettings {
    /// The address; a bare port means 127.0.0.1 (`listen = "9184"`).
    pub listen: Option<SocketAddr>,
}

/// Online backups of the running bot.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSettings {
    /// Where snapshots go; `None`: a directory `<data>-backups` beside the data directory.
    pub dir: Option<PathBuf>,
    /// How often a snapshot is taken (default a day); `None` when scheduled backups are off
    /// (`every = "off"`: only `kokoon backup` takes one).
    pub every: Option<Duration>,
    /// How many snapshots are kept (default 14); older ones are deleted after a new one is
    /// complete.
    pub keep: u32,
}

impl BackupSettings {
    /// For how many days at most a backup can still hold what was erased: the kept snapshots
    /// times how often one is taken, rounded up; 0 when scheduled backups are off (only those
    /// taken by hand, kept until `keep` newer ones replace them). Told to the parent in
    /// `/forget` and `/privacy`.
    #[must_use]
    pub fn holds_days(&self) -> u32 {
        self.every.map_or(0, |every| {
            let secs = every.as_secs().saturating_mul(u64::from(self.keep));
            u32::try_from(secs.div_ceil(86_400)).unwrap_or(u32::MAX)
        })
    }
}

impl Default for BackupSettings {
    fn default() -> Self {
        BackupSettings {
            dir: None,
            every: Some(Duration::from_secs(24 * 3600)),
            keep: 14,
        }
    }
}

/// Webhook mode: Telegram delivers updates to `url`, which a reverse proxy forwards to
/// `listen`. Off (long polling) unless `url` is set; `kokoon run --webhook/--listen` override.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WebhookSettings {
    /// The public HTTPS address given to `setWebhook`.
    pub url: Option<String>,
    /// Where the listener binds; a bare port means 127.0.0.1.
    pub listen: Option<SocketAddr>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawWebhook {
    url: Option<String>,
    listen: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawMetrics {
    listen: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawBackup {
    dir: Option<String>,
    every: Option<String>,
    keep: Option<i64>,
}

/// Parses `listen`: `HOST:PORT`, `[::1]:PORT` or a bare port (on 127.0.0.1).
pub fn parse_listen(text: &str) -> Result<SocketAddr, String> {
    let t = text.trim();
    if let Ok(port) = t.parse::<u16>() {
        return Ok(SocketAddr::new(IpAddr::V4(Ipv4Addr::LOCALHOST), port));
    }
    t.parse::<SocketAddr>().map_err(|_| {
        format!(
            "{t:?} is not an address: give HOST:PORT with an IP address (127.0.0.1:9184) or a port"
        )
    })
}

/// Parses a duration such as `30m`, `6h`, `1d` or `2w`.
pub fn parse_every(text: &str) -> Result<Duration, String> {
    let t = text.trim();
    let bad =
        || format!("{t:?} is not a duration: give a number and m, h, d or w (\"1d\", \"6h\")");
    let split = t.find(|c: char| !c.is_ascii_digit()).ok_or_else(bad)?;
    let n: u64 = t[..split].parse().map_err(|_| bad())?;
    let unit = match t[split..].trim() {
        "m" | "min" => 60,
        "h" => 3600,
        "d" => 86_400,
        "w" => 7 * 86_400,
        _ => return Err(bad()),
    };
    let secs = n.checked_mul(unit).ok_or_else(bad)?;
    if !(600..=31 * 86_400).contains(&secs) {
        return Err(format!(
            "{t:?}: backups can be taken every 10 minutes to every 31 days"
        ));
    }
    Ok(Duration::from_secs(secs))
}

impl Validator<'_> {
    pub(super) fn webhook(&mut self, raw: &mut RawConfig) -> WebhookSettings {
        let mut out = WebhookSettings::default();
        let Some(w) = raw.webhook.take() else {
            return out;
        };
        let line = self.line(w.span());
        let w = w.into_inner();
        if let Some(url) = w.url.filter(|u| !u.trim().is_empty()) {
            let url = url.trim().to_owned();
            if url.starts_with("https://") || url.starts_with("http://") {
                out.url = Some(url);
            } else {
                self.err(
                    line,
                    "webhook.url",
                    format!("{url:?} is not an https:// address"),
                );
            }
        }
        if let Some(listen) = w.listen {
            match parse_listen(&listen) {
                Ok(a) => out.listen = Some(a),
                Err(e) => self.err(line, "webhook.listen", e),
            }
        }
        if out.url.is_some() && out.listen.is_none() {
            self.err(
                line,
                "webhook.listen",
                "a webhook url needs listen: where the listener binds behind the proxy",
            );
        }
        out
    }

    pub(super) fn ops(&mut self, raw: &mut RawConfig) -> (MetricsSettings, BackupSettings) {
        let mut metrics = MetricsSettings::default();
        if let Some(m) = raw.metrics.take() {
            let line = self.line(m.span());
            if let Some(listen) = m.into_inner().listen {
                match parse_listen(&listen) {
                    Ok(a) => metrics.listen = Some(a),
                    Err(e) => self.err(line, "metrics.listen", e),
                }
            }
        }
        let mut backup = BackupSettings::default();
        if let Some(b) = raw.backup.take() {
            let line = self.line(b.span());
            let b = b.into_inner();
            backup.dir = b.dir.filter(|d| !d.trim().is_empty()).map(PathBuf::from);
            match b.every.as_deref().map(str::trim) {
                None => {}
                Some("off") => backup.every = None,
                Some(t) => match parse_every(t) {
                    Ok(d) => backup.every = Some(d),
                    Err(e) => self.err(line, "backup.every", e),
                },
            }
            match b.keep {
                None => {}
                Some(k) if (1..=10_000).contains(&k) => backup.keep = k as u32,
                Some(k) => self.err(line, "backup.keep", format!("must be 1 to 10000, not {k}")),
            }
        }
        (metrics, backup)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listen_takes_an_address_or_a_port_on_loopback() {
        assert_eq!(
            parse_listen("9184").map(|a| a.to_string()),
            Ok("127.0.0.1:9184".into())
        );
        assert_eq!(
            parse_listen("[::1]:9184").map(|a| a.to_string()),
            Ok("[::1]:9184".into())
        );
        assert!(parse_listen("localhost:9184").is_err());
    }

    #[test]
    fn every_takes_minutes_hours_days_and_weeks_within_bounds() {
        assert_eq!(parse_every("1d"), Ok(Duration::from_secs(86_400)));
        assert_eq!(parse_every("6h"), Ok(Duration::from_secs(6 * 3600)));
        assert_eq!(parse_every("30m"), Ok(Duration::from_secs(1800)));
        assert_eq!(parse_every("2w"), Ok(Duration::from_secs(14 * 86_400)));
        assert!(parse_every("5m").is_err());
        assert!(parse_every("daily").is_err());
        assert!(parse_every("99999999999999999999d").is_err());
    }
}
