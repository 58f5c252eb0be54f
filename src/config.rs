//! The typed configuration: groups, areas, times, coordinators and the contact person, read from
//! TOML and validated as a whole.
//!
//! Reading happens in two steps. Serde reads a *raw* shape where everything is optional, so that a
//! missing field becomes our own precise message rather than the first serde error; then
//! [`validate`] turns it into [`Config`] and reports every problem at once, each naming the file,
//! the line and the place (`groups[1] "eron-edessa".threshold`).

mod live;
mod ops;

use crate::domain::remit::{Remit, Scope};
use crate::domain::{AreaId, GroupId, IdError, Lang, TimeId, UserId};
pub use live::{LiveConfig, ReloadError};
pub use ops::{parse_every, parse_listen, BackupSettings, MetricsSettings, WebhookSettings};
use serde::Deserialize;
use std::collections::{BTreeSet, HashSet};
use std::fmt;
use std::path::Path;
use toml::Spanned;

/// A text given in every language kokoon speaks.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Localized {
    fi: String,
    sv: String,
    en: String,
}

impl Localized {
    /// The text in one language.
    #[must_use]
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Fi => &self.fi,
            Lang::Sv => &self.sv,
            Lang::En => &self.en,
        }
    }

    /// Where a text is one for all languages (given as a plain string).
    #[must_use]
    pub fn one(text: &str) -> Self {
        Self {
            fi: text.to_owned(),
            sv: text.to_owned(),
            en: text.to_owned(),
        }
    }

    /// All three, for matching what a user typed against any language.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        [self.fi.as_str(), self.sv.as_str(), self.en.as_str()].into_iter()
    }
}

/// A sort key for the Finnish and Swedish alphabet: letters A–Z (W with V, Ü with Y as in
/// Finnish dictionaries; other accents as their base letter), then Å, Ä (Æ), Ö (Ø); case
/// ignored; ties broken by the text itself.
fn nordic_key(s: &str) -> (Vec<u32>, String) {
    let key = s
        .chars()
        .flat_map(char::to_lowercase)
        .filter(|c| c.is_alphanumeric() || c.is_whitespace())
        .map(|c| match c {
            'å' => 0x10_0001,
            'ä' | 'æ' => 0x10_0002,
            'ö' | 'ø' => 0x10_0003,
            'w' => u32::from('v'),
            'ü' => u32::from('y'),
            'á' | 'à' | 'â' => u32::from('a'),
            'é' | 'è' | 'ê' | 'ë' => u32::from('e'),
            'š' => u32::from('s'),
            'ž' => u32::from('z'),
            c if c.is_whitespace() => u32::from(' '),
            c => u32::from(c),
        })
        .collect();
    (key, s.to_owned())
}

/// An area a group can be held in: a municipality or a district.
#[derive(Debug, Clone)]
pub struct Area {
    /// Stable id, stored in registrations.
    pub id: AreaId,
    /// Name shown to users.
    pub name: Localized,
    /// The controller of the data of registrations in this area, where it is not the
    /// organisation (a municipality of its own); named in `/privacy`.
    pub controller: Option<Controller>,
    /// The Finnish name in its "from" form (ablative or elative: Hyvinkäältä, Porvoosta), for
    /// sentences such as "Hyvinkäältä on nyt ilmoitettu 2 lasta"; Swedish and English say it
    /// with a preposition and need no form of their own. Without it the name is used as it is,
    /// and `check-config` lists the area.
    pub fi_from: Option<String>,
}

impl Area {
    /// The name as a sentence about registrations from this area needs it in `lang`: the
    /// Finnish "from" form when given, otherwise the name.
    #[must_use]
    pub fn from_name(&self, lang: Lang) -> &str {
        match (lang, &self.fi_from) {
            (Lang::Fi, Some(from)) => from,
            _ => self.name.get(lang),
        }
    }
}

/// A data controller other than the organisation, named in `/privacy`.
#[derive(Debug, Clone)]
pub struct Controller {
    /// Its name in every language.
    pub name: Localized,
    /// How to reach it about data protection (an address, an email, a phone number).
    pub contact: String,
}

/// A time of week that may suit a family, e.g. weekday evenings.
#[derive(Debug, Clone)]
pub struct TimeSlot {
    /// Stable id, stored in registrations.
    pub id: TimeId,
    /// Label shown on buttons and in summaries.
    pub name: Localized,
}

/// The age range of a children's group (a domain type: [`crate::domain::registration::eligible`]
/// decides with it).
pub use crate::domain::registration::AgeRange;

/// A peer group that families can register interest in.
#[derive(Debug, Clone)]
pub struct Group {
    /// Stable id, used in deep links and stored in registrations.
    pub id: GroupId,
    /// Name shown to users.
    pub name: Localized,
    /// One or two sentences shown when a parent picks the group.
    pub description: Localized,
    /// For a children's group, the ages it is for; `None` for a group for adults, which skips
    /// the questions about children.
    pub children: Option<AgeRange>,
    /// Participants needed before the coordinator is alerted that the group can start.
    pub threshold: u32,
    /// Most participants one round of the group can take.
    pub capacity: u32,
    /// The languages the group can run in; with one, the question is not asked.
    pub languages: Vec<Lang>,
    /// Areas it can be held in, in config order.
    pub areas: Vec<AreaId>,
    /// Times offered for it, in config order.
    pub times: Vec<TimeId>,
    /// Count demand per language apart (a Finnish and a Swedish group are separate groups),
    /// instead of all languages together.
    pub demand_by_language: bool,
    /// The group's public contact, shown on the web page and posters (never a Telegram id);
    /// `None`: the general [`Config::contact`] is shown instead.
    pub contact: Option<ContactPerson>,
    /// The feedback questions asked after its events, in order (a comment, if asked, last);
    /// by default [`Question::DEFAULT`], the ones the spring partner visits used.
    pub feedback: Vec<crate::domain::feedback::Question>,
    /// How many meetings a launch of the group plans by default (Tilli Toukka about eight);
    /// the coordinator may change it when launching. 1: a launch has its first meeting only.
    pub meetings: u32,
    /// Days from one meeting of a launch's series to the next by default (7: weekly).
    pub interval_days: u32,
}

/// A person who gathers the need for groups and launches them.
#[derive(Debug, Clone)]
pub struct Coordinator {
    /// Name used in logs and shown to other coordinators (never the id).
    pub name: String,
    /// Their Telegram user id.
    pub telegram_id: UserId,
    /// The groups they coordinate; `None` means all groups.
    pub groups: Option<Vec<GroupId>>,
    /// The areas (municipalities) they coordinate those groups in; `None` means all areas.
    /// Limited to areas, they see nothing of other areas' families (`domain::remit`).
    pub areas: Option<Vec<AreaId>>,
}

impl Coordinator {
    /// What they are named for, for [`crate::domain::remit::sees`].
    #[must_use]
    pub fn remit(&self) -> Remit<'_> {
        Remit {
            groups: self.groups.as_deref(),
            areas: self.areas.as_deref(),
        }
    }

    /// Whether they see what concerns `scope` ([`crate::domain::remit::sees`]).
    #[must_use]
    pub fn sees(&self, scope: Scope<'_>) -> bool {
        crate::domain::remit::sees(self.remit(), scope)
    }
}

/// A facilitator (ohjaaja) listed in the config by Telegram id, beside those a coordinator
/// adds with a one-time link ([`crate::domain::facilitator`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedFacilitator {
    /// Their name, shown to the coordinators.
    pub name: String,
    /// Their Telegram user id.
    pub telegram_id: UserId,
    /// The groups they facilitate (never "every group": a facilitator is named for groups).
    pub groups: Vec<GroupId>,
}

/// An event given in the config (an Eron edessä evening, a partner's visit), created at start
/// and kept in step with the config on every start.
#[derive(Debug, Clone)]
pub struct ConfigEvent {
    /// A stable key (lowercase letters, digits and hyphens).
    pub key: String,
    /// The title in every language.
    pub title: Localized,
    /// A description in every language, if any.
    pub description: Option<Localized>,
    /// The group it belongs to, if any.
    pub group: Option<GroupId>,
    /// Start, Europe/Helsinki local time read into UTC.
    pub start: chrono::DateTime<chrono::Utc>,
    /// End.
    pub end: chrono::DateTime<chrono::Utc>,
    /// Where, in every language (a place's name often differs: Hyvinkää / Hyvinge).
    pub place: Localized,
    /// Seats; `None` for no limit.
    pub capacity: Option<u32>,
    /// The series it is a meeting of (a key shared by the series' events), for reports.
    pub series: Option<String>,
}

/// Who parents can turn to, named in `/help`.
#[derive(Debug, Clone)]
pub struct ContactPerson {
    /// The person's name and role (the role's title differs by language).
    pub name: Localized,
    /// Phone number, as it should be shown.
    pub phone: Option<String>,
    /// Email address.
    pub email: Option<String>,
}

/// The public web page (`[web]`): off unless `listen` is given.
#[derive(Debug, Clone, Default)]
pub struct WebConfig {
    /// The address the public pages are served on, e.g. `127.0.0.1:8080`; `None`: no web page
    /// (`kokoon run --web ADDR` overrides it).
    pub listen: Option<std::net::SocketAddr>,
    /// The address people reach the page at (through the city's proxy), e.g.
    /// `https://kokoon.hyvinkaa.fi`, for the embeddable snippet and the accessibility statement.
    pub public_url: Option<String>,
    /// Origins allowed to show the embeddable snippet in an `<iframe>` (e.g.
    /// `https://www.hyvinkaa.fi`); empty: any site may.
    pub embed_origins: Vec<String>,
    /// When the accessibility statement was made or last reviewed, shown in it (law 306/2019
    /// asks for the date).
    pub statement_date: Option<chrono::NaiveDate>,
}

/// The whole validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The bot's Telegram username without `@`, for deep links.
    pub bot_username: String,
    /// The organisation that runs the bot, named in `/privacy` as the controller of the data.
    pub organisation: Localized,
    /// The person named in `/help`.
    pub contact: ContactPerson,
    /// How to reach the organisation as the controller of the data (its data protection
    /// contact), named in `/privacy`; the contact person's details when not given.
    pub controller_contact: Option<String>,
    /// How many months a registration is kept after it was last confirmed (and sign-ups and
    /// invitations after their event), stated in `/privacy`.
    pub retention_months: u32,
    /// How many months a feedback comment is kept, stated in `/privacy`.
    pub comment_retention_months: u32,
    /// Months after its last confirmation that a waiting registration's parent is asked whether
    /// they are still interested ([`crate::domain::renewal`]); shorter than the retention, so
    /// a family still interested is never deleted for want of a notice.
    pub renew_months: u32,
    /// Days the parent has to answer that question before the registration is paused.
    pub renew_answer_days: u32,
    /// Days after which a parent who blocked the bot is erased as with `/forget`.
    pub blocked_grace_days: u32,
    /// Months after its last use that a user record with nothing else stored about the person
    /// (no registration, sign-up, invitation or feedback) is erased.
    pub user_months: u32,
    /// Days after its last step that an unfinished conversation's answers are dropped.
    pub state_days: u32,
    /// Days a broadcast's text (and delivery report) is kept.
    pub broadcast_days: u32,
    /// Hours a handled Telegram update id (and when it was handled) is remembered, so that a
    /// redelivery counts once; Telegram redelivers for 24 hours.
    pub update_hours: u32,
    /// Months an entry of the access log (who viewed or exported which list, who broadcast) is
    /// kept.
    pub audit_months: u32,
    /// Days an entry of the erasure list is kept: at least as long as the oldest backup.
    pub erasure_list_days: u32,
    /// The version of the privacy notice consents are given to, set by hand and raised when the
    /// purposes or the recipients change (not for a change of wording); recorded with every
    /// consent, and a registration consented to an older version is asked again when changed.
    pub notice_version: u32,
    /// Hours a parent has to answer an invitation before the seat passes to the next in line.
    pub invite_hours: u32,
    /// Days a link for sharing a children's registration with the child's other parent works
    /// (`[families] share_link_days`, default 14; [`crate::domain::family`]).
    pub share_link_days: u32,
    /// Months from now to when a group gathered now is expected to start: a child fits a
    /// children's group if they are of its ages then ([`crate::domain::child::Horizon`]).
    pub start_horizon_months: u32,
    /// Hours after a delivered threshold alert in which a pool that falls below its threshold
    /// and rises again does not alert again (0: every crossing alerts). A launch resets it.
    pub alert_cooldown_hours: u32,
    /// When event reminders go out before the start (default: the day before at the same
    /// local time, and two hours before).
    pub reminder_offsets: Vec<crate::domain::schedule::Offset>,
    /// Local hours when nothing non-urgent is sent (default 21:00–08:00).
    pub quiet_hours: crate::domain::schedule::QuietHours,
    /// Every area, in the order offered.
    pub areas: Vec<Area>,
    /// Every time slot, in the order offered.
    pub times: Vec<TimeSlot>,
    /// Every group, in the order offered.
    pub groups: Vec<Group>,
    /// Every coordinator.
    pub coordinators: Vec<Coordinator>,
    /// The facilitators listed by Telegram id (`[[facilitators]]`).
    pub facilitators: Vec<ListedFacilitator>,
    /// Events given in the config.
    pub events: Vec<ConfigEvent>,
    /// `[metrics]`: where `/healthz` and `/metrics` listen (off unless set).
    pub metrics: MetricsSettings,
    /// `[backup]`: online snapshots of the store.
    pub backup: BackupSettings,
    /// `[webhook]`: take updates by webhook instead of long polling (off unless set).
    pub webhook: WebhookSettings,
    /// The municipality that runs the bot (`[bot] home_area`), offered first in area lists.
    pub home_area: Option<AreaId>,
    /// Texts a parent reads that the config gives in one language only (as a plain string
    /// instead of `{ fi = …, sv = …, en = … }`): every reader sees them as written.
    /// `check-config` lists them.
    pub one_language: Vec<String>,
    /// Areas without `fi_from`, the Finnish "from" form of their name (Finnish sentences then
    /// use the name as it is). `check-config` lists them.
    pub no_fi_from: Vec<String>,
    /// The public web page.
    pub web: WebConfig,
    /// The recruitment sources deep links may name (`?start=<group>__<source>`), one per poster
    /// or partner; any other counts as a direct visit, so that a link made for one person
    /// cannot single them out in `/demand`.
    pub sources: Vec<crate::domain::Source>,
}

impl Config {
    /// Looks a group up by id.
    #[must_use]
    pub fn group(&self, id: &GroupId) -> Option<&Group> {
        self.groups.iter().find(|g| &g.id == id)
    }

    /// The feedback questions asked after an event of a group (the default ones for an event
    /// of no group, or of a group no longer in the config).
    #[must_use]
    pub fn feedback_questions(
        &self,
        group: Option<&GroupId>,
    ) -> &[crate::domain::feedback::Question] {
        group
            .and_then(|g| self.group(g))
            .map_or(&crate::domain::feedback::Question::DEFAULT[..], |g| {
                g.feedback.as_slice()
            })
    }

    /// Looks an area up by id.
    #[must_use]
    pub fn area(&self, id: &AreaId) -> Option<&Area> {
        self.areas.iter().find(|a| &a.id == id)
    }

    /// The areas `ids` as a reader of `lang` should see them offered: the home area first,
    /// then by name in that language, in the Finnish/Swedish alphabet (… Z, Å, Ä, Ö).
    #[must_use]
    pub fn areas_in(&self, ids: &[AreaId], lang: Lang) -> Vec<&Area> {
        let mut v: Vec<&Area> = ids.iter().filter_map(|id| self.area(id)).collect();
        v.sort_by_cached_key(|a| {
            (
                self.home_area.as_ref() != Some(&a.id),
                nordic_key(a.name.get(lang)),
            )
        });
        v
    }

    /// Where an event is, in the reader's language: an event from the config whose place was
    /// not changed since (it is stored in Finnish) has its place in every language.
    #[must_use]
    pub fn place_in<'e>(&'e self, key: Option<&str>, stored: &'e str, lang: Lang) -> &'e str {
        key.and_then(|k| self.events.iter().find(|c| c.key == k))
            .filter(|c| c.place.get(Lang::Fi) == stored)
            .map_or(stored, |c| c.place.get(lang))
    }

    /// Looks a time slot up by id.
    #[must_use]
    pub fn time(&self, id: &TimeId) -> Option<&TimeSlot> {
        self.times.iter().find(|t| &t.id == id)
    }

    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigErrors> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| ConfigErrors {
            file: file.clone(),
            errors: vec![ConfigError {
                line: None,
                place: String::new(),
                what: format!("cannot read the file: {e}"),
            }],
        })?;
        Config::parse(&file, &text)
    }

    /// Parses and validates config text; `file` is only used in messages.
    pub fn parse(file: &str, text: &str) -> Result<Config, ConfigErrors> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start));
            ConfigErrors {
                file: file.to_owned(),
                errors: vec![ConfigError {
                    line,
                    place: line.map(|l| key_on_line(text, l)).unwrap_or_default(),
                    what: e.message().trim().to_owned(),
                }],
            }
        })?;
        let mut v = Validator {
            text,
            errors: Vec::new(),
            one_language: Vec::new(),
            no_fi_from: Vec::new(),
        };
        let config = v.config(raw);
        match config {
            Some(c) if v.errors.is_empty() => Ok(c),
            _ => Err(ConfigErrors {
                file: file.to_owned(),
                errors: v.errors,
            }),
        }
    }
}

impl crate::domain::Rules for Config {
    fn pool_of(&self, r: &crate::domain::Registration) -> crate::domain::Pool {
        let by_lang = self.group(&r.group).is_some_and(|g| g.demand_by_language);
        crate::domain::Pool {
            group: r.group.clone(),
            area: r.area.clone(),
            lang: by_lang.then_some(r.lang),
        }
    }

    fn counting(&self) -> String {
        let apart: Vec<&str> = self
            .groups
            .iter()
            .filter(|g| g.demand_by_language)
            .map(|g| g.id.as_str())
            .collect();
        format!("languages apart in: {}", apart.join(","))
    }

    fn ages(&self, group: &GroupId) -> Option<AgeRange> {
        self.group(group).and_then(|g| g.children)
    }

    fn threshold(&self, group: &GroupId) -> Option<u32> {
        self.group(group).map(|g| g.threshold)
    }

    fn coordinator_ids(&self, scope: Scope<'_>) -> Vec<UserId> {
        self.coordinators_seeing(scope)
            .map(|c| c.telegram_id)
            .collect()
    }

    fn reminder_times(
        &self,
        start: chrono::DateTime<chrono::Utc>,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Vec<chrono::DateTime<chrono::Utc>> {
        crate::domain::schedule::reminder_times(
            start,
            &self.reminder_offsets,
            &self.quiet_hours,
            now,
        )
        .into_iter()
        .map(|(_, t)| t)
        .collect()
    }

    fn quiet_hours(&self) -> crate::domain::schedule::QuietHours {
        self.quiet_hours
    }

    fn horizon(&self) -> crate::domain::child::Horizon {
        crate::domain::child::Horizon {
            months: self.start_horizon_months,
        }
    }

    fn alert_cooldown(&self) -> chrono::Duration {
        chrono::Duration::hours(i64::from(self.alert_cooldown_hours))
    }

    fn feedback_time(&self, end: chrono::DateTime<chrono::Utc>) -> chrono::DateTime<chrono::Utc> {
        // Half an hour after the end, moved out of quiet hours to the next morning.
        self.daytime(end + chrono::Duration::minutes(30))
    }
}

impl Config {
    /// The coordinators who see what concerns `scope` (named for its group, or for all
    /// groups, and for its area, or for all areas), in config order.
    pub fn coordinators_seeing<'a>(
        &'a self,
        scope: Scope<'a>,
    ) -> impl Iterator<Item = &'a Coordinator> + 'a {
        self.coordinators.iter().filter(move |c| c.sees(scope))
    }

    /// The facilitators listed in the config, as [`crate::domain::facilitator::Facilitation`]
    /// takes them.
    #[must_use]
    pub fn listed_facilitators(&self) -> Vec<(UserId, &[GroupId])> {
        self.facilitators
            .iter()
            .map(|f| (f.telegram_id, f.groups.as_slice()))
            .collect()
    }

    /// The coordinator with this Telegram id, if the user is one.
    #[must_use]
    pub fn coordinator(&self, user: UserId) -> Option<&Coordinator> {
        self.coordinators.iter().find(|c| c.telegram_id == user)
    }

    /// Whether a user is a coordinator who sees what concerns `scope`: the one question every
    /// coordinator view, button and message asks ([`crate::domain::remit::sees`]).
    #[must_use]
    pub fn sees(&self, user: UserId, scope: Scope<'_>) -> bool {
        self.coordinator(user).is_some_and(|c| c.sees(scope))
    }
}

/// One thing wrong with a config file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// 1-based line number, where known.
    pub line: Option<usize>,
    /// The path to the value, e.g. `groups[1] "eron-edessa".name.sv`.
    pub place: String,
    /// What is wrong, in plain words.
    pub what: String,
}

/// Everything wrong with a config file, reported together.
#[derive(Debug, Clone, thiserror::Error)]
pub struct ConfigErrors {
    /// The file's path as given.
    pub file: String,
    /// At least one error.
    pub errors: Vec<ConfigError>,
}

impl fmt::Display for ConfigErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, e) in self.errors.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{}", self.file)?;
            if let Some(line) = e.line {
                write!(f, ":{line}")?;
            }
            if !e.place.is_empty() {
                write!(f, ": {}", e.place)?;
            }
            write!(f, ": {}", e.what)?;
        }
        Ok(())
    }
}

/// Whether text looks like an email address: one `@` with something on both sides, no spaces
/// or characters that would break a `mailto:` link.
fn is_email(s: &str) -> bool {
    let ok_chars = !s
        .chars()
        .any(|c| c.is_whitespace() || matches!(c, '<' | '>' | '"' | '?' | '&' | '/' | ':'));
    matches!(s.split_once('@'), Some((user, host)) if !user.is_empty() && host.contains('.') && !host.contains('@'))
        && ok_chars
}

/// Whether text is a web origin: `http(s)://` and a host (and port), nothing more.
fn is_origin(s: &str) -> bool {
    let Some(host) = s
        .strip_prefix("https://")
        .or_else(|| s.strip_prefix("http://"))
    else {
        return false;
    };
    !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':'))
}

/// The key assigned on a line (`threshold = "five"` → `threshold`), to name the place of a
/// parse error; empty when the line is not an assignment.
fn key_on_line(text: &str, line: usize) -> String {
    let l = text.lines().nth(line.saturating_sub(1)).unwrap_or_default();
    match l.split_once('=') {
        Some((key, _)) if !key.trim().is_empty() && !key.contains('{') => key.trim().to_owned(),
        _ => String::new(),
    }
}

fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map_or(1, |head| head.matches('\n').count() + 1)
}

// ---- the raw shape, as serde reads it ----

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    bot: Option<Spanned<RawBot>>,
    contact: Option<Spanned<RawContact>>,
    privacy: Option<Spanned<RawPrivacy>>,
    launch: Option<Spanned<RawLaunch>>,
    reminders: Option<Spanned<RawReminders>>,
    recruitment: Option<Spanned<RawRecruitment>>,
    #[serde(default)]
    areas: Vec<Spanned<RawNamed>>,
    #[serde(default)]
    times: Vec<Spanned<RawNamed>>,
    #[serde(default)]
    groups: Vec<Spanned<RawGroup>>,
    #[serde(default)]
    coordinators: Vec<Spanned<RawCoordinator>>,
    #[serde(default)]
    facilitators: Vec<Spanned<RawFacilitator>>,
    #[serde(default)]
    events: Vec<Spanned<RawEvent>>,
    metrics: Option<Spanned<ops::RawMetrics>>,
    backup: Option<Spanned<ops::RawBackup>>,
    webhook: Option<Spanned<ops::RawWebhook>>,
    web: Option<Spanned<RawWeb>>,
    families: Option<Spanned<RawFamilies>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFamilies {
    share_link_days: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWeb {
    listen: Option<String>,
    public_url: Option<String>,
    embed_origins: Option<Vec<String>>,
    statement_date: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEvent {
    key: Option<String>,
    title: Option<RawLocalized>,
    description: Option<RawLocalized>,
    group: Option<String>,
    start: Option<String>,
    end: Option<String>,
    place: Option<RawText>,
    capacity: Option<i64>,
    series: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawBot {
    username: Option<String>,
    organisation: Option<RawLocalized>,
    home_area: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawContact {
    name: Option<RawText>,
    phone: Option<String>,
    email: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPrivacy {
    retention_months: Option<i64>,
    comment_retention_months: Option<i64>,
    renew_months: Option<i64>,
    renew_answer_days: Option<i64>,
    blocked_grace_days: Option<i64>,
    user_months: Option<i64>,
    state_days: Option<i64>,
    broadcast_days: Option<i64>,
    update_hours: Option<i64>,
    audit_months: Option<i64>,
    erasure_list_days: Option<i64>,
    notice_version: Option<i64>,
    controller_contact: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecruitment {
    sources: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReminders {
    offsets: Option<Vec<String>>,
    quiet_hours: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLaunch {
    invite_hours: Option<i64>,
    alert_cooldown_hours: Option<i64>,
    start_horizon_months: Option<i64>,
}

/// A text a parent reads: best in every language, or one string for all.
#[derive(Deserialize)]
#[serde(untagged)]
enum RawText {
    One(String),
    All(RawLocalized),
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLocalized {
    fi: Option<String>,
    sv: Option<String>,
    en: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawNamed {
    id: Option<String>,
    name: Option<RawLocalized>,
    controller: Option<RawController>,
    fi_from: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawController {
    name: Option<RawLocalized>,
    contact: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    id: Option<String>,
    name: Option<RawLocalized>,
    description: Option<RawLocalized>,
    children: Option<RawAges>,
    threshold: Option<i64>,
    capacity: Option<i64>,
    languages: Option<Vec<String>>,
    areas: Option<Vec<String>>,
    times: Option<Vec<String>>,
    demand_by_language: Option<bool>,
    contact: Option<RawContact>,
    feedback: Option<Vec<String>>,
    meetings: Option<i64>,
    interval_days: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAges {
    min_age: Option<i64>,
    max_age: Option<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFacilitator {
    name: Option<String>,
    telegram_id: Option<i64>,
    groups: Option<Vec<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCoordinator {
    name: Option<String>,
    telegram_id: Option<i64>,
    groups: Option<Vec<String>>,
    areas: Option<Vec<String>>,
}

// ---- validation ----

struct Validator<'a> {
    text: &'a str,
    errors: Vec<ConfigError>,
    one_language: Vec<String>,
    no_fi_from: Vec<String>,
}

/// The longest config-provided name, so that buttons and messages stay readable.
const MAX_NAME: usize = 64;
const MAX_DESCRIPTION: usize = 600;
use crate::domain::feedback::MAX_SERIES_KEY;

impl Validator<'_> {
    fn err(&mut self, line: Option<usize>, place: impl Into<String>, what: impl Into<String>) {
        self.errors.push(ConfigError {
            line,
            place: place.into(),
            what: what.into(),
        });
    }

    fn config(&mut self, mut raw: RawConfig) -> Option<Config> {
        let (metrics, backup) = self.ops(&mut raw);
        let webhook = self.webhook(&mut raw);
        let mut home_area = None;
        let (bot_username, organisation) = match raw.bot {
            Some(b) => {
                let line = self.line(b.span());
                let b = b.into_inner();
                let username = self.username(line, b.username);
                let org = self.localized(line, "bot.organisation", b.organisation, MAX_NAME);
                home_area = b.home_area.map(|h| (line, h));
                (username, org)
            }
            None => {
                self.err(
                    None,
                    "[bot]",
                    "the section is missing (it needs username and organisation)",
                );
                (None, None)
            }
        };
        let contact = self.contact(raw.contact);
        let privacy_line = raw.privacy.as_ref().and_then(|p| self.line(p.span()));
        let privacy = raw.privacy.map(Spanned::into_inner);
        let mut ranged =
            |value: Option<i64>, place: &str, range: (i64, i64), unit, default| match value {
                None => default,
                Some(v) if (range.0..=range.1).contains(&v) => v as u32,
                Some(v) => {
                    self.err(
                        privacy_line,
                        place,
                        format!("must be {} to {} {unit}, not {v}", range.0, range.1),
                    );
                    default
                }
            };
        let retention_months = ranged(
            privacy.as_ref().and_then(|p| p.retention_months),
            "privacy.retention_months",
            (1, 60),
            "months",
            12,
        );
        let comment_retention_months = ranged(
            privacy.as_ref().and_then(|p| p.comment_retention_months),
            "privacy.comment_retention_months",
            (1, 60),
            "months",
            6.min(retention_months),
        );
        let renew_months = ranged(
            privacy.as_ref().and_then(|p| p.renew_months),
            "privacy.renew_months",
            (1, 24),
            "months",
            4.min(retention_months.saturating_sub(1).max(1)),
        );
        let renew_answer_days = ranged(
            privacy.as_ref().and_then(|p| p.renew_answer_days),
            "privacy.renew_answer_days",
            (1, 60),
            "days",
            14,
        );
        let blocked_grace_days = ranged(
            privacy.as_ref().and_then(|p| p.blocked_grace_days),
            "privacy.blocked_grace_days",
            (1, 365),
            "days",
            30,
        );
        let user_months = ranged(
            privacy.as_ref().and_then(|p| p.user_months),
            "privacy.user_months",
            (1, 60),
            "months",
            retention_months,
        );
        let state_days = ranged(
            privacy.as_ref().and_then(|p| p.state_days),
            "privacy.state_days",
            (1, 365),
            "days",
            30,
        );
        let broadcast_days = ranged(
            privacy.as_ref().and_then(|p| p.broadcast_days),
            "privacy.broadcast_days",
            (1, 730),
            "days",
            90,
        );
        let update_hours = ranged(
            privacy.as_ref().and_then(|p| p.update_hours),
            "privacy.update_hours",
            (25, 24 * 14),
            "hours (Telegram redelivers an update for 24 hours)",
            48,
        );
        let audit_months = ranged(
            privacy.as_ref().and_then(|p| p.audit_months),
            "privacy.audit_months",
            (1, 120),
            "months",
            24,
        );
        let erasure_list_days = ranged(
            privacy.as_ref().and_then(|p| p.erasure_list_days),
            "privacy.erasure_list_days",
            (1, 3650),
            "days",
            60,
        );
        let notice_version = ranged(
            privacy.as_ref().and_then(|p| p.notice_version),
            "privacy.notice_version",
            (1, 1_000_000),
            "(a version number)",
            1,
        );
        if comment_retention_months > retention_months {
            self.err(
                privacy_line,
                "privacy.comment_retention_months",
                format!(
                    "must not be longer than retention_months ({retention_months}): a comment goes with its event's sign-ups"
                ),
            );
        }
        let renew_given = privacy.as_ref().and_then(|p| p.renew_months).is_some();
        if renew_given && renew_months >= retention_months {
            self.err(
                privacy_line,
                "privacy.renew_months",
                format!(
                    "must be shorter than retention_months ({retention_months}): interest is asked again before a registration would be deleted"
                ),
            );
        }
        let launch_line = raw.launch.as_ref().and_then(|l| self.line(l.span()));
        let raw_launch = raw.launch.map(Spanned::into_inner);
        let alert_cooldown_hours = match raw_launch.as_ref().and_then(|l| l.alert_cooldown_hours) {
            None => 24,
            Some(h) if (0..=24 * 14).contains(&h) => h as u32,
            Some(h) => {
                self.err(
                    launch_line,
                    "launch.alert_cooldown_hours",
                    format!("must be 0 to 336 hours (two weeks), not {h}"),
                );
                24
            }
        };
        let start_horizon_months = match raw_launch.as_ref().and_then(|l| l.start_horizon_months) {
            None => 3,
            Some(m) if (0..=24).contains(&m) => m as u32,
            Some(m) => {
                self.err(
                    launch_line,
                    "launch.start_horizon_months",
                    format!("must be 0 to 24 months, not {m}"),
                );
                3
            }
        };
        let invite_hours = match raw_launch.and_then(|l| l.invite_hours) {
            None => 48,
            Some(h) if (1..=24 * 14).contains(&h) => h as u32,
            Some(h) => {
                self.err(
                    launch_line,
                    "launch.invite_hours",
                    format!("must be 1 to 336 hours (two weeks), not {h}"),
                );
                48
            }
        };
        let families_line = raw.families.as_ref().and_then(|f| self.line(f.span()));
        let share_link_days = match raw
            .families
            .map(Spanned::into_inner)
            .and_then(|f| f.share_link_days)
        {
            None => 14,
            Some(d) if (1..=90).contains(&d) => d as u32,
            Some(d) => {
                self.err(
                    families_line,
                    "families.share_link_days",
                    format!("must be 1 to 90 days, not {d}"),
                );
                14
            }
        };
        let (reminder_offsets, quiet_hours) = self.reminders(raw.reminders);
        let controller_contact = match privacy.as_ref().and_then(|p| p.controller_contact.clone()) {
            Some(c) if c.trim().is_empty() => {
                self.err(privacy_line, "privacy.controller_contact", "is empty");
                None
            }
            other => other,
        };
        let mut raw_areas = raw.areas;
        let mut controllers = std::collections::HashMap::new();
        let mut from_forms = std::collections::HashMap::new();
        for (i, a) in raw_areas.iter_mut().enumerate() {
            let line = self.line(a.span());
            let a = a.get_mut();
            match (a.id.clone(), a.fi_from.take()) {
                (Some(id), Some(from)) => {
                    let place = format!("areas[{i}].fi_from");
                    if let Some(from) = self.nonempty(line, &place, Some(from), MAX_NAME) {
                        from_forms.insert(id, from);
                    }
                }
                (id, None) => self
                    .no_fi_from
                    .push(format!("areas[{i}] ({})", id.as_deref().unwrap_or("?"))),
                (None, Some(_)) => {}
            }
            if let (Some(id), Some(c)) = (a.id.clone(), a.controller.take()) {
                let place = format!("areas[{i}].controller");
                let name = self.localized(line, &format!("{place}.name"), c.name, MAX_NAME);
                let contact = self.nonempty(line, &format!("{place}.contact"), c.contact, 200);
                if let (Some(name), Some(contact)) = (name, contact) {
                    controllers.insert(id, Controller { name, contact });
                }
            }
        }
        let mut raw_times = raw.times;
        for (i, t) in raw_times.iter_mut().enumerate() {
            let line = self.line(t.span());
            if t.get_mut().fi_from.take().is_some() {
                self.err(
                    line,
                    format!("times[{i}].fi_from"),
                    "only areas have a from form",
                );
            }
            if t.get_mut().controller.take().is_some() {
                self.err(
                    line,
                    format!("times[{i}].controller"),
                    "only areas have a controller",
                );
            }
        }
        let areas = self.named_list("areas", "area", raw_areas, AreaId::parse);
        let times = self.named_list("times", "time", raw_times, TimeId::parse);
        if areas.is_empty() {
            self.err(None, "[[areas]]", "at least one area is needed");
        }
        if times.is_empty() {
            self.err(None, "[[times]]", "at least one time slot is needed");
        }
        let area_ids: Vec<AreaId> = areas.iter().map(|a| a.0.clone()).collect();
        let home_area = home_area.and_then(|(line, h)| {
            let found = area_ids.iter().find(|a| a.as_str() == h).cloned();
            if found.is_none() {
                self.err(
                    line,
                    "bot.home_area",
                    format!("{h:?} is not the id of an area in [[areas]]"),
                );
            }
            found
        });
        let time_ids: Vec<TimeId> = times.iter().map(|t| t.0.clone()).collect();
        let groups = self.groups(raw.groups, &area_ids, &time_ids);
        let coordinators = self.coordinators(raw.coordinators, &groups, &area_ids);
        let facilitators = self.facilitators(raw.facilitators, &groups);
        let events = self.events(raw.events, &groups);
        let web = self.web(raw.web);
        let sources = self.sources(raw.recruitment);
        Some(Config {
            home_area,
            one_language: std::mem::take(&mut self.one_language),
            no_fi_from: std::mem::take(&mut self.no_fi_from),
            bot_username: bot_username?,
            organisation: organisation?,
            contact: contact?,
            retention_months,
            comment_retention_months,
            renew_months,
            renew_answer_days,
            blocked_grace_days,
            user_months,
            state_days,
            broadcast_days,
            update_hours,
            audit_months,
            erasure_list_days,
            notice_version,
            controller_contact,
            invite_hours,
            share_link_days,
            alert_cooldown_hours,
            start_horizon_months,
            reminder_offsets,
            quiet_hours,
            areas: areas
                .into_iter()
                .map(|(id, name)| Area {
                    controller: controllers.remove(id.as_str()),
                    fi_from: from_forms.remove(id.as_str()),
                    id,
                    name,
                })
                .collect(),
            times: times
                .into_iter()
                .map(|(id, name)| TimeSlot { id, name })
                .collect(),
            groups,
            coordinators,
            facilitators,
            events,
            metrics,
            backup,
            webhook,
            web,
            sources,
        })
    }

    fn web(&mut self, raw: Option<Spanned<RawWeb>>) -> WebConfig {
        let Some(raw) = raw else {
            return WebConfig::default();
        };
        let line = self.line(raw.span());
        let raw = raw.into_inner();
        let listen = raw.listen.and_then(|l| match l.trim().parse() {
            Ok(addr) => Some(addr),
            Err(_) => {
                self.err(
                    line,
                    "web.listen",
                    format!("{l:?} is not an address and port like \"127.0.0.1:8080\""),
                );
                None
            }
        });
        let public_url = raw.public_url.and_then(|u| {
            let u = u.trim().trim_end_matches('/').to_owned();
            let path_ok = u
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~:/".contains(&b));
            let host = u
                .strip_prefix("https://")
                .or_else(|| u.strip_prefix("http://"));
            if path_ok && host.is_some_and(|h| !h.is_empty()) {
                Some(u)
            } else {
                self.err(
                    line,
                    "web.public_url",
                    format!("{u:?} is not a web address like \"https://kokoon.hyvinkaa.fi\""),
                );
                None
            }
        });
        let mut embed_origins = Vec::new();
        for o in raw.embed_origins.unwrap_or_default() {
            if is_origin(&o) {
                embed_origins.push(o);
            } else {
                self.err(
                    line,
                    "web.embed_origins",
                    format!("{o:?} is not a web origin like \"https://www.hyvinkaa.fi\" (scheme and host, no path)"),
                );
            }
        }
        let statement_date =
            raw.statement_date.and_then(|d| {
                match chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d") {
                    Ok(date) => Some(date),
                    Err(_) => {
                        self.err(
                            line,
                            "web.statement_date",
                            format!("{d:?} is not a date like \"2026-12-05\""),
                        );
                        None
                    }
                }
            });
        WebConfig {
            listen,
            public_url,
            embed_origins,
            statement_date,
        }
    }

    fn events(&mut self, raw: Vec<Spanned<RawEvent>>, groups: &[Group]) -> Vec<ConfigEvent> {
        let mut out: Vec<ConfigEvent> = Vec::new();
        for (i, e) in raw.into_iter().enumerate() {
            let line = self.line(e.span());
            let e = e.into_inner();
            let place_name = format!("events[{i}]");
            let key = match e.key {
                Some(k) if GroupId::parse(&k).is_ok() => Some(k),
                Some(k) => {
                    self.err(line, format!("{place_name}.key"), format!("{k:?} must be lowercase letters and digits separated by single hyphens"));
                    None
                }
                None => {
                    self.err(line, format!("{place_name}.key"), "is missing");
                    None
                }
            };
            if let Some(k) = &key {
                if out.iter().any(|o| &o.key == k) {
                    self.err(
                        line,
                        format!("{place_name}.key"),
                        format!("duplicate event key {k:?}"),
                    );
                }
            }
            let title = self.localized(line, &format!("{place_name}.title"), e.title, 120);
            let description = e.description.and_then(|d| {
                self.localized(
                    line,
                    &format!("{place_name}.description"),
                    Some(d),
                    MAX_DESCRIPTION,
                )
            });
            let group = match e.group {
                None => None,
                Some(g) => match GroupId::parse(&g) {
                    Ok(id) if groups.iter().any(|x| x.id == id) => Some(id),
                    _ => {
                        self.err(
                            line,
                            format!("{place_name}.group"),
                            format!("unknown group {g:?}"),
                        );
                        None
                    }
                },
            };
            let start = self.local_time(line, &format!("{place_name}.start"), e.start);
            let end = self.local_time(line, &format!("{place_name}.end"), e.end);
            if let (Some(s), Some(en)) = (start, end) {
                if en <= s {
                    self.err(line, format!("{place_name}.end"), "must be after the start");
                }
            }
            let place = self.text(line, &format!("{place_name}.place"), e.place, 200);
            let capacity = match e.capacity {
                None => None,
                Some(c) if (1..=10_000).contains(&c) => Some(c as u32),
                Some(c) => {
                    self.err(
                        line,
                        format!("{place_name}.capacity"),
                        format!("must be 1 to 10000 (or left out for no limit), not {c}"),
                    );
                    None
                }
            };
            let series = match e.series {
                None => None,
                Some(k) if crate::domain::feedback::is_series_key(&k) => Some(k),
                Some(k) => {
                    self.err(
                        line,
                        format!("{place_name}.series"),
                        format!("{k:?} must be at most {MAX_SERIES_KEY} lowercase letters and digits separated by single hyphens"),
                    );
                    None
                }
            };
            if let (Some(key), Some(title), Some(start), Some(end), Some(place)) =
                (key, title, start, end, place)
            {
                out.push(ConfigEvent {
                    key,
                    title,
                    description,
                    group,
                    start,
                    end,
                    place,
                    capacity,
                    series,
                });
            }
        }
        out
    }

    /// A Helsinki wall-clock time written `2027-03-15 17:00` (or with a `T`).
    fn local_time(
        &mut self,
        line: Option<usize>,
        place: &str,
        s: Option<String>,
    ) -> Option<chrono::DateTime<chrono::Utc>> {
        use chrono::TimeZone;
        let Some(s) = s else {
            self.err(
                line,
                place,
                "is missing (write it as \"2027-03-15 17:00\", Helsinki time)",
            );
            return None;
        };
        let parsed = chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%d %H:%M")
            .or_else(|_| chrono::NaiveDateTime::parse_from_str(s.trim(), "%Y-%m-%dT%H:%M"));
        match parsed
            .ok()
            .and_then(|t| crate::domain::when::TZ.from_local_datetime(&t).earliest())
        {
            Some(t) => Some(t.with_timezone(&chrono::Utc)),
            None => {
                self.err(
                    line,
                    place,
                    format!("{s:?} is not a time in Helsinki like \"2027-03-15 17:00\""),
                );
                None
            }
        }
    }

    fn reminders(
        &mut self,
        raw: Option<Spanned<RawReminders>>,
    ) -> (
        Vec<crate::domain::schedule::Offset>,
        crate::domain::schedule::QuietHours,
    ) {
        use crate::domain::schedule::{Offset, QuietHours};
        let line = raw.as_ref().and_then(|r| self.line(r.span()));
        let raw = raw.map(Spanned::into_inner);
        let offsets = raw.as_ref().and_then(|r| r.offsets.clone());
        let quiet = raw.and_then(|r| r.quiet_hours);
        let offsets = match offsets {
            None => crate::domain::schedule::DEFAULT_OFFSETS.to_vec(),
            Some(list) => list
                .iter()
                .filter_map(|s| match Offset::parse(s) {
                    Ok(o) => Some(o),
                    Err(e) => {
                        self.err(
                            line,
                            "reminders.offsets",
                            format!("{s:?}: {e} (use e.g. \"1d\", \"2h\", \"30m\")"),
                        );
                        None
                    }
                })
                .collect(),
        };
        let quiet = match quiet {
            None => Ok(QuietHours::default()),
            Some(q) => QuietHours::parse(&q),
        };
        let quiet = quiet.unwrap_or_else(|e| {
            self.err(
                line,
                "reminders.quiet_hours",
                format!("{e} (use e.g. \"21:00-08:00\" or \"none\")"),
            );
            QuietHours::NONE
        });
        (offsets, quiet)
    }

    fn username(&mut self, line: Option<usize>, u: Option<String>) -> Option<String> {
        let Some(u) = u else {
            self.err(
                line,
                "bot.username",
                "is missing (the bot's Telegram username, for deep links)",
            );
            return None;
        };
        let u = u.trim_start_matches('@').to_owned();
        let ok = (5..=32).contains(&u.len())
            && u.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            && u.to_ascii_lowercase().ends_with("bot");
        if !ok {
            self.err(line,
                "bot.username",
                format!("{u:?} is not a Telegram bot username (5-32 letters, digits or _, ending in \"bot\")"),
            );
            return None;
        }
        Some(u)
    }

    fn contact(&mut self, c: Option<Spanned<RawContact>>) -> Option<ContactPerson> {
        let line = c.as_ref().and_then(|c| self.line(c.span()));
        let Some(c) = c.map(Spanned::into_inner) else {
            self.err(
                line,
                "[contact]",
                "the section is missing (the person named in /help)",
            );
            return None;
        };
        self.person(line, "contact", c)
    }

    /// A contact person (`[contact]`, or a group's public `contact`), at `place`.
    fn person(&mut self, line: Option<usize>, place: &str, c: RawContact) -> Option<ContactPerson> {
        let name = self.text(line, &format!("{place}.name"), c.name, MAX_NAME);
        if c.phone.is_none() && c.email.is_none() {
            self.err(
                line,
                place,
                "give a phone or an email (or both) so parents can reach a person",
            );
        }
        let phone = c
            .phone
            .and_then(|p| self.nonempty(line, &format!("{place}.phone"), Some(p), MAX_NAME));
        let email = c
            .email
            .and_then(|e| self.nonempty(line, &format!("{place}.email"), Some(e), MAX_NAME));
        if let Some(e) = &email {
            if !is_email(e) {
                self.err(
                    line,
                    format!("{place}.email"),
                    format!("{e:?} is not an email address like \"name@example.fi\""),
                );
            }
        }
        Some(ContactPerson {
            name: name?,
            phone,
            email,
        })
    }

    fn nonempty(
        &mut self,
        line: Option<usize>,
        place: &str,
        s: Option<String>,
        max: usize,
    ) -> Option<String> {
        match s.map(|s| s.trim().to_owned()) {
            None => {
                self.err(line, place, "is missing");
                None
            }
            Some(s) if s.is_empty() => {
                self.err(line, place, "is empty");
                None
            }
            Some(s) if s.chars().count() > max => {
                self.err(line, place, format!("is longer than {max} characters"));
                None
            }
            Some(s) => Some(s),
        }
    }

    /// A text given in fi, sv and en, or as one string for all (noted in `one_language`).
    fn text(
        &mut self,
        line: Option<usize>,
        place: &str,
        t: Option<RawText>,
        max: usize,
    ) -> Option<Localized> {
        match t {
            Some(RawText::One(s)) => {
                let s = self.nonempty(line, place, Some(s), max)?;
                self.one_language.push(place.to_owned());
                Some(Localized {
                    fi: s.clone(),
                    sv: s.clone(),
                    en: s,
                })
            }
            Some(RawText::All(l)) => self.localized(line, place, Some(l), max),
            None => self.localized(line, place, None, max),
        }
    }

    fn localized(
        &mut self,
        line: Option<usize>,
        place: &str,
        l: Option<RawLocalized>,
        max: usize,
    ) -> Option<Localized> {
        let Some(l) = l else {
            self.err(line, place, "is missing (give it in fi, sv and en)");
            return None;
        };
        let fi = self.nonempty(line, &format!("{place}.fi"), l.fi, max);
        let sv = self.nonempty(line, &format!("{place}.sv"), l.sv, max);
        let en = self.nonempty(line, &format!("{place}.en"), l.en, max);
        Some(Localized {
            fi: fi?,
            sv: sv?,
            en: en?,
        })
    }

    fn line(&self, span: std::ops::Range<usize>) -> Option<usize> {
        Some(line_of(self.text, span.start))
    }

    fn id<T>(
        &mut self,
        line: Option<usize>,
        place: &str,
        id: Option<String>,
        parse: fn(&str) -> Result<T, IdError>,
    ) -> Option<T> {
        let Some(id) = id else {
            self.err(line, format!("{place}.id"), "is missing");
            return None;
        };
        match parse(&id) {
            Ok(id) => Some(id),
            Err(e) => {
                self.err(line, format!("{place}.id"), e.0);
                None
            }
        }
    }

    fn named_list<T: Clone + Eq + std::hash::Hash + fmt::Display>(
        &mut self,
        section: &str,
        kind: &str,
        raw: Vec<Spanned<RawNamed>>,
        parse: fn(&str) -> Result<T, IdError>,
    ) -> Vec<(T, Localized)> {
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (i, item) in raw.into_iter().enumerate() {
            let line = self.line(item.span());
            let item = item.into_inner();
            let place = format!("{section}[{i}]");
            let id = self.id(line, &place, item.id, parse);
            let name = self.localized(line, &format!("{place}.name"), item.name, MAX_NAME);
            if let Some(id) = id {
                if !seen.insert(id.clone()) {
                    self.err(
                        line,
                        format!("{place}.id"),
                        format!("duplicate {kind} id {:?}", id.to_string()),
                    );
                    continue;
                }
                // Kept even with a broken name (the error is already reported), so that
                // references to it are not called unknown as well.
                out.push((id, name.unwrap_or_default()));
            }
        }
        out
    }

    fn refs<T: Clone + PartialEq + fmt::Display>(
        &mut self,
        line: Option<usize>,
        place: &str,
        given: Option<Vec<String>>,
        known: &[T],
        kind: &str,
        parse: fn(&str) -> Result<T, IdError>,
    ) -> Vec<T> {
        let Some(given) = given else {
            return known.to_vec();
        };
        if given.is_empty() {
            self.err(
                line,
                place,
                format!("is empty: leave it out to offer every {kind}, or list some"),
            );
        }
        let mut out = Vec::new();
        for s in given {
            match parse(&s) {
                Ok(id) if known.contains(&id) => {
                    if out.contains(&id) {
                        self.err(line, place, format!("{kind} {s:?} is listed twice"));
                    } else {
                        out.push(id);
                    }
                }
                _ => self.err(line, place, format!("unknown {kind} {s:?}")),
            }
        }
        // Keep config order, whatever order the group lists them in.
        known.iter().filter(|k| out.contains(k)).cloned().collect()
    }

    fn groups(
        &mut self,
        raw: Vec<Spanned<RawGroup>>,
        areas: &[AreaId],
        times: &[TimeId],
    ) -> Vec<Group> {
        if raw.is_empty() {
            self.err(None, "[[groups]]", "at least one group is needed");
        }
        let mut seen = HashSet::new();
        let mut out = Vec::new();
        for (i, g) in raw.into_iter().enumerate() {
            let line = self.line(g.span());
            let g = g.into_inner();
            let label =
                g.id.as_deref()
                    .map(|id| format!(" {id:?}"))
                    .unwrap_or_default();
            let place = format!("groups[{i}]{label}");
            let id = self.id(line, &place, g.id, GroupId::parse);
            if let Some(id) = &id {
                if !seen.insert(id.clone()) {
                    self.err(
                        line,
                        format!("{place}.id"),
                        format!("duplicate group id {:?}", id.as_str()),
                    );
                }
            }
            let name = self.localized(line, &format!("{place}.name"), g.name, MAX_NAME);
            let description = self.localized(
                line,
                &format!("{place}.description"),
                g.description,
                MAX_DESCRIPTION,
            );
            let children = g.children.and_then(|c| self.ages(line, &place, c));
            let threshold = self.count(line, &format!("{place}.threshold"), g.threshold);
            let capacity = self.count(line, &format!("{place}.capacity"), g.capacity);
            if let (Some(t), Some(c)) = (threshold, capacity) {
                if c < t {
                    self.err(
                        line,
                        format!("{place}.capacity"),
                        format!("({c}) is smaller than the threshold ({t})"),
                    );
                }
            }
            let languages = self.languages(line, &place, g.languages);
            let areas = self.refs(
                line,
                &format!("{place}.areas"),
                g.areas,
                areas,
                "area",
                AreaId::parse,
            );
            let times = self.refs(
                line,
                &format!("{place}.times"),
                g.times,
                times,
                "time",
                TimeId::parse,
            );
            let contact = g
                .contact
                .and_then(|c| self.person(line, &format!("{place}.contact"), c));
            let feedback = self.feedback_questions(line, &format!("{place}.feedback"), g.feedback);
            let meetings = self.within(
                line,
                &format!("{place}.meetings"),
                g.meetings,
                crate::domain::series::MAX_MEETINGS,
            );
            let interval_days = self.within(
                line,
                &format!("{place}.interval_days"),
                g.interval_days,
                crate::domain::series::MAX_INTERVAL_DAYS,
            );
            // A group with a valid id is kept even when other fields are broken (those errors
            // are reported and the config is refused), so coordinators referring to it are not
            // told it is unknown as well.
            if let Some(id) = id {
                out.push(Group {
                    id,
                    name: name.unwrap_or_default(),
                    description: description.unwrap_or_default(),
                    children,
                    threshold: threshold.unwrap_or(1),
                    capacity: capacity.unwrap_or(1),
                    languages,
                    areas,
                    times,
                    demand_by_language: g.demand_by_language.unwrap_or(false),
                    contact,
                    feedback,
                    meetings: meetings.unwrap_or(1),
                    interval_days: interval_days.unwrap_or(7),
                });
            }
        }
        out
    }

    /// A group's feedback questions: names from [`Question::name`], each once, a comment last.
    fn feedback_questions(
        &mut self,
        line: Option<usize>,
        place: &str,
        raw: Option<Vec<String>>,
    ) -> Vec<crate::domain::feedback::Question> {
        use crate::domain::feedback::Question;
        let Some(raw) = raw else {
            return Question::DEFAULT.to_vec();
        };
        let mut out: Vec<Question> = Vec::new();
        for name in raw {
            match Question::from_name(&name) {
                Some(q) if out.contains(&q) => {
                    self.err(line, place, format!("{name:?} is listed twice"));
                }
                Some(q) => out.push(q),
                None => self.err(
                    line,
                    place,
                    format!("unknown question {name:?} (known: useful, continue, rating, comment)"),
                ),
            }
        }
        if out.is_empty() {
            self.err(line, place, "needs at least one question");
        } else if out
            .iter()
            .position(|q| *q == Question::Comment)
            .is_some_and(|i| i + 1 != out.len())
        {
            self.err(line, place, "\"comment\" must come last");
        } else if out == [Question::Comment] {
            self.err(
                line,
                place,
                "needs a question with buttons before the comment",
            );
        }
        out
    }

    fn ages(&mut self, line: Option<usize>, place: &str, c: RawAges) -> Option<AgeRange> {
        let (Some(min), Some(max)) = (c.min_age, c.max_age) else {
            self.err(
                line,
                format!("{place}.children"),
                "needs both min_age and max_age",
            );
            return None;
        };
        if !(0..=17).contains(&min) || !(0..=17).contains(&max) || min > max {
            self.err(
                line,
                format!("{place}.children"),
                format!("bad age range {min}-{max}: ages are 0 to 17 and min_age may not exceed max_age"),
            );
            return None;
        }
        Some(AgeRange {
            min: min as u8,
            max: max as u8,
        })
    }

    fn count(&mut self, line: Option<usize>, place: &str, n: Option<i64>) -> Option<u32> {
        match n {
            None => {
                self.err(line, place, "is missing");
                None
            }
            Some(n) if !(1..=1000).contains(&n) => {
                self.err(
                    line,
                    place,
                    format!("must be at least 1 (and at most 1000), not {n}"),
                );
                None
            }
            Some(n) => Some(n as u32),
        }
    }

    /// An optional whole number from 1 to `max`; `None` when not given or out of range (then
    /// reported).
    fn within(
        &mut self,
        line: Option<usize>,
        place: &str,
        n: Option<i64>,
        max: u32,
    ) -> Option<u32> {
        let n = n?;
        match u32::try_from(n) {
            Ok(v) if (1..=max).contains(&v) => Some(v),
            _ => {
                self.err(line, place, format!("must be from 1 to {max}, not {n}"));
                None
            }
        }
    }

    fn languages(&mut self, line: Option<usize>, place: &str, l: Option<Vec<String>>) -> Vec<Lang> {
        let Some(l) = l else {
            return vec![Lang::Fi];
        };
        let mut out = BTreeSet::new();
        for code in &l {
            match Lang::from_code(code) {
                Some(lang) => {
                    if !out.insert(lang) {
                        self.err(
                            line,
                            format!("{place}.languages"),
                            format!("{code:?} is listed twice"),
                        );
                    }
                }
                None => self.err(
                    line,
                    format!("{place}.languages"),
                    format!("unknown language {code:?} (use fi, sv or en)"),
                ),
            }
        }
        if l.is_empty() {
            self.err(
                line,
                format!("{place}.languages"),
                "is empty: list fi, sv or en",
            );
        }
        out.into_iter().collect()
    }

    fn sources(&mut self, raw: Option<Spanned<RawRecruitment>>) -> Vec<crate::domain::Source> {
        let Some(raw) = raw else {
            return Vec::new();
        };
        let line = self.line(raw.span());
        let mut out: Vec<crate::domain::Source> = Vec::new();
        for (i, s) in raw
            .into_inner()
            .sources
            .unwrap_or_default()
            .iter()
            .enumerate()
        {
            let place = format!("recruitment.sources[{i}]");
            match crate::domain::Source::parse(s) {
                Ok(src) if out.contains(&src) => {
                    self.err(line, place, format!("{s:?} is listed twice"));
                }
                Ok(src) => out.push(src),
                Err(_) => self.err(
                    line,
                    place,
                    format!("{s:?} must be 1 to 32 letters, digits, - or _"),
                ),
            }
        }
        out
    }

    fn facilitators(
        &mut self,
        raw: Vec<Spanned<RawFacilitator>>,
        groups: &[Group],
    ) -> Vec<ListedFacilitator> {
        let mut out: Vec<ListedFacilitator> = Vec::new();
        let group_ids: Vec<GroupId> = groups.iter().map(|g| g.id.clone()).collect();
        for (i, f) in raw.into_iter().enumerate() {
            let line = self.line(f.span());
            let f = f.into_inner();
            let place = format!("facilitators[{i}]");
            let name = self.nonempty(line, &format!("{place}.name"), f.name, MAX_NAME);
            let id = match f.telegram_id {
                Some(id) if id > 0 => Some(UserId(id as u64)),
                Some(id) => {
                    self.err(
                        line,
                        format!("{place}.telegram_id"),
                        format!("must be a positive Telegram user id, not {id}"),
                    );
                    None
                }
                None => {
                    self.err(line, format!("{place}.telegram_id"), "is missing");
                    None
                }
            };
            if let Some(id) = id {
                if out.iter().any(|o| o.telegram_id == id) {
                    self.err(line, format!("{place}.telegram_id"), "the same Telegram id is listed twice: list the person once with all their groups");
                }
            }
            let gs = match f.groups {
                Some(list) if list.is_empty() || list.iter().any(|g| g == "*") => {
                    self.err(
                        line,
                        format!("{place}.groups"),
                        "list the ids of the groups they facilitate (a facilitator is named for groups, not \"*\")",
                    );
                    Vec::new()
                }
                Some(list) => self.refs(
                    line,
                    &format!("{place}.groups"),
                    Some(list),
                    &group_ids,
                    "group",
                    GroupId::parse,
                ),
                None => {
                    self.err(
                        line,
                        format!("{place}.groups"),
                        "is missing (list group ids)",
                    );
                    Vec::new()
                }
            };
            if let (Some(name), Some(telegram_id)) = (name, id) {
                out.push(ListedFacilitator {
                    name,
                    telegram_id,
                    groups: gs,
                });
            }
        }
        out
    }

    fn coordinators(
        &mut self,
        raw: Vec<Spanned<RawCoordinator>>,
        groups: &[Group],
        area_ids: &[AreaId],
    ) -> Vec<Coordinator> {
        let mut out: Vec<Coordinator> = Vec::new();
        for (i, c) in raw.into_iter().enumerate() {
            let line = self.line(c.span());
            let c = c.into_inner();
            let place = format!("coordinators[{i}]");
            let name = self.nonempty(line, &format!("{place}.name"), c.name, MAX_NAME);
            let id = match c.telegram_id {
                Some(id) if id > 0 => Some(UserId(id as u64)),
                Some(id) => {
                    self.err(
                        line,
                        format!("{place}.telegram_id"),
                        format!("must be a positive Telegram user id, not {id}"),
                    );
                    None
                }
                None => {
                    self.err(line, format!("{place}.telegram_id"), "is missing");
                    None
                }
            };
            if let Some(id) = id {
                if out.iter().any(|o| o.telegram_id == id) {
                    self.err(line, format!("{place}.telegram_id"), "the same Telegram id is listed twice: list the person once with all their groups");
                }
            }
            let group_ids: Vec<GroupId> = groups.iter().map(|g| g.id.clone()).collect();
            let gs = match c.groups {
                Some(list) if list.iter().any(|g| g == "*") => {
                    if list.len() > 1 {
                        self.err(
                            line,
                            format!("{place}.groups"),
                            "\"*\" already means every group: list nothing else with it",
                        );
                    }
                    None
                }
                Some(list) if list.is_empty() => {
                    self.err(
                        line,
                        format!("{place}.groups"),
                        "is empty: list group ids, or \"*\" for all",
                    );
                    None
                }
                Some(list) => Some(self.refs(
                    line,
                    &format!("{place}.groups"),
                    Some(list),
                    &group_ids,
                    "group",
                    GroupId::parse,
                )),
                None => {
                    self.err(
                        line,
                        format!("{place}.groups"),
                        "is missing (list group ids, or \"*\" for all)",
                    );
                    None
                }
            };
            let areas = match c.areas {
                None => None,
                Some(list) if list.is_empty() => {
                    self.err(
                        line,
                        format!("{place}.areas"),
                        "is empty: list area ids, or leave it out for every area",
                    );
                    None
                }
                Some(list) => Some(self.refs(
                    line,
                    &format!("{place}.areas"),
                    Some(list),
                    area_ids,
                    "area",
                    AreaId::parse,
                )),
            };
            if let (Some(name), Some(telegram_id)) = (name, id) {
                out.push(Coordinator {
                    name,
                    telegram_id,
                    groups: gs,
                    areas,
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
