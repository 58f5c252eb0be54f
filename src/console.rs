//! A terminal chat on the same engine and store as the Telegram bot: anyone can try kokoon with
//! no token and no network. Every message with buttons is numbered, and its buttons with it:
//! `[3.2]` presses the second button of message 3, whoever it was for; a plain number presses a
//! button of the newest message only when that message is a question waiting for a button (when
//! a capacity, a time or a name is expected, digits are text). `/as ID` switches person, and
//! `/clock` moves the console's own clock forward, firing everything that falls due on the way
//! (reminders, expiry, feedback requests, retention) in order. Messages for anyone are shown at
//! once, marked with whom they are for; files (charts, CSV, QR codes) are written to disk.

use crate::app::App;
use crate::clock::{Clock, SavedClock};
use crate::domain::{Answer, Lang, UserId};
use crate::files;
use crate::flow::{Input, Person, Reply, State};
use crate::i18n::{Markup, RenderedButton};
use crate::sender::{self, Deliver, DeliveryError};
use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Europe::Helsinki;
use std::path::PathBuf;
use std::sync::Mutex;
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

/// Who the console speaks as, and in which Telegram language.
#[derive(Debug, Clone)]
pub struct ConsoleUser {
    /// The user id to act as (`--as`).
    pub id: UserId,
    /// The Telegram-style language code to start in (`--lang`).
    pub language_code: Option<String>,
}

/// How the console runs.
pub struct Options<'a> {
    /// Whom to act as first.
    pub user: ConsoleUser,
    /// Where files are written.
    pub files_dir: PathBuf,
    /// The console's own clock (the one the app was built with), moved by `/clock`.
    pub clock: Option<&'a SavedClock>,
    /// Print each input line after the prompt (a script's transcript); lines starting with `#`
    /// are printed as they are and not run.
    pub script: bool,
}

/// Collects outbox messages so the console can print them.
struct Collected(Mutex<Vec<(UserId, Lang, Reply)>>);

impl Deliver for Collected {
    async fn deliver(&self, to: UserId, lang: Lang, reply: &Reply) -> Result<(), DeliveryError> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((to, lang, reply.clone()));
        Ok(())
    }
}

/// A message shown with buttons.
struct Shown {
    /// Its number.
    n: usize,
    /// Whom it was for.
    to: UserId,
    buttons: Vec<RenderedButton>,
}

/// How many numbered messages are remembered.
const REMEMBERED: usize = 500;

/// Runs the console until end of input.
pub async fn run<R, W>(app: &App, opts: Options<'_>, input: R, out: W) -> std::io::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let mut c = Console {
        app,
        files_dir: opts.files_dir,
        clock: opts.clock,
        lang_code: opts.user.language_code,
        current: opts.user.id,
        shown: Vec::new(),
        numbered: 0,
        newest: Vec::new(),
        out_marker: None,
        out,
    };
    let who = c.who(c.current);
    c.write(&format!(
        "kokoon console: you are {who}. Type /start to begin; [3.2] presses button 2 of message 3, \
         a plain number a button of the newest question; /as ID switches person, /clock shows or \
         moves time (+2d, +3h, 2027-03-15 08:00), /help lists commands; Ctrl-D quits.\n"
    ))
    .await?;
    // Whatever fell due while the console was closed.
    c.round().await?;
    let mut lines = input.lines();
    loop {
        let prompt = format!("{}> ", c.who(c.current));
        c.write(&prompt).await?;
        c.out.flush().await?;
        let Some(line) = lines.next_line().await? else {
            break;
        };
        let line = line.trim().to_owned();
        if opts.script {
            c.write(&format!("{line}\n")).await?;
        }
        if line.is_empty() || (opts.script && line.starts_with('#')) {
            continue;
        }
        c.line(&line).await?;
    }
    c.write("\n").await?;
    c.out.flush().await
}

struct Console<'a, W> {
    app: &'a App,
    files_dir: PathBuf,
    clock: Option<&'a SavedClock>,
    lang_code: Option<String>,
    current: UserId,
    shown: Vec<Shown>,
    numbered: usize,
    /// The number of the newest message to each person, if it had buttons.
    newest: Vec<(UserId, Option<usize>)>,
    /// Printed before the next message (the time a step of `/clock` reached).
    out_marker: Option<String>,
    out: W,
}

impl<W: AsyncWrite + Unpin> Console<'_, W> {
    async fn write(&mut self, s: &str) -> std::io::Result<()> {
        self.out.write_all(s.as_bytes()).await
    }

    async fn flush_marker(&mut self) -> std::io::Result<()> {
        match self.out_marker.take() {
            Some(stamp) => self.write(&stamp).await,
            None => Ok(()),
        }
    }

    fn who(&self, id: UserId) -> String {
        self.app
            .config
            .coordinator(id)
            .map_or_else(|| format!("user {id}"), |c| format!("{} ({id})", c.name))
    }

    fn person(id: UserId) -> Person {
        Person {
            user: id,
            name: format!("Console user {id}"),
            username: None,
        }
    }

    async fn line(&mut self, line: &str) -> std::io::Result<()> {
        if let Some(rest) = command(line, "as") {
            match rest.parse::<u64>() {
                Ok(id) if id > 0 => {
                    self.current = UserId(id);
                    let who = self.who(self.current);
                    self.write(&format!("(you are now {who})\n")).await?;
                }
                _ => {
                    self.write("usage: /as ID, e.g. /as 100000001\n").await?;
                }
            }
            return Ok(());
        }
        if let Some(rest) = command(line, "clock") {
            return self.clock_command(rest).await;
        }
        if let Some((n, k)) = numbered(line) {
            let Some(s) = self.shown.iter().find(|s| s.n == n) else {
                return self
                    .write(&format!("(no message {n} with buttons)\n"))
                    .await;
            };
            let Some(b) = k.checked_sub(1).and_then(|i| s.buttons.get(i)) else {
                return self
                    .write(&format!("(message {n} has no button {k})\n"))
                    .await;
            };
            let (to, data) = (s.to, b.data.clone());
            if to != self.current {
                let who = self.who(to);
                self.write(&format!("(pressed as {who})\n")).await?;
            }
            return self.act(to, Input::Button(data)).await;
        }
        let input = match line.parse::<usize>() {
            Ok(k) => match self.newest_question() {
                Some(s) if k >= 1 && k <= s.buttons.len() => {
                    Input::Button(s.buttons[k - 1].data.clone())
                }
                _ => Input::from_text(line),
            },
            Err(_) => Input::from_text(line),
        };
        self.act(self.current, input).await
    }

    /// The newest message to the current person, if it is a question waiting for a button:
    /// it has buttons and no typed answer is expected.
    fn newest_question(&self) -> Option<&Shown> {
        let n = self
            .newest
            .iter()
            .find(|(u, _)| *u == self.current)
            .and_then(|(_, n)| *n)?;
        let state = self.app.store.user(self.current).ok()?.state;
        if expects_text(&state) {
            return None;
        }
        self.shown.iter().find(|s| s.n == n)
    }

    /// One input from `who`, its replies, and what the sender has for anyone then.
    async fn act(&mut self, who: UserId, input: Input) -> std::io::Result<()> {
        let handled = match self
            .app
            .handle(None, &Self::person(who), self.lang_code.as_deref(), input)
            .await
        {
            Ok(h) => h,
            Err(e) => return self.write(&format!("error: {e}\n")).await,
        };
        let marked = who != self.current;
        for reply in &handled.replies {
            self.show(who, handled.lang, reply, marked).await?;
        }
        self.round().await
    }

    /// One round of the sender: the daily jobs when due, launches moved on, and every message
    /// due now shown at once.
    async fn round(&mut self) -> std::io::Result<()> {
        let app = self.app;
        match sender::housekeeping(app).await {
            Ok(Some(h)) => {
                let r = h.retention;
                if h.erased + r.purged + r.events_cleared + r.launches_cleared + r.comments_cleared
                    > 0
                {
                    self.flush_marker().await?;
                    self.write(&format!(
                        "[retention: {} unreachable erased, {} registrations deleted, {} events' and {} launches' lists cleared, {} comments deleted]\n",
                        h.erased, r.purged, r.events_cleared, r.launches_cleared, r.comments_cleared
                    ))
                    .await?;
                }
            }
            Ok(None) => {}
            Err(e) => self.write(&format!("error: {e}\n")).await?,
        }
        if let Err(e) = sender::reconcile(app).await {
            self.write(&format!("error: {e}\n")).await?;
        }
        let collected = Collected(Mutex::new(Vec::new()));
        if let Err(e) = sender::drain(app, &collected).await {
            self.write(&format!("error: {e}\n")).await?;
        }
        let others = collected
            .0
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (to, lang, reply) in others {
            self.show(to, lang, &reply, true).await?;
        }
        Ok(())
    }

    async fn clock_command(&mut self, arg: &str) -> std::io::Result<()> {
        let Some(clock) = self.clock else {
            return self.write("(this console has no clock of its own)\n").await;
        };
        let now = clock.now();
        if arg.is_empty() {
            return self.write(&format!("[clock] {}\n", local(now))).await;
        }
        let Some(target) = parse_clock(arg, now) else {
            return self
                .write("usage: /clock, /clock +2d, /clock +3h, /clock +30m, /clock 2027-03-15 08:00 (Helsinki time)\n")
                .await;
        };
        if target < now {
            return self
                .write(&format!(
                    "(the console's clock only moves forward; it is {})\n",
                    local(now)
                ))
                .await;
        }
        self.advance(clock, target).await?;
        self.write(&format!("[clock] {}\n", local(clock.now())))
            .await
    }

    /// Moves the clock to `target` through every moment something falls due on the way, and
    /// runs the sender's round at each.
    async fn advance(&mut self, clock: &SavedClock, target: DateTime<Utc>) -> std::io::Result<()> {
        loop {
            let now = clock.now();
            let mut next = target.min(now + sender::HOUSEKEEPING_EVERY);
            if let Ok(Some(due)) = self.app.store.next_due() {
                if due > now {
                    next = next.min(due);
                }
            }
            let timeout = Duration::hours(i64::from(self.app.config.invite_hours));
            for l in self.app.store.launches().unwrap_or_default() {
                if l.closed {
                    continue;
                }
                for i in &l.invitations {
                    let t = i.sent_at + timeout;
                    if i.answer == Answer::Pending && t > now {
                        next = next.min(t);
                    }
                }
            }
            let next = next.max(now);
            if let Err(e) = clock.set(next) {
                self.write(&format!("error: the clock was not saved: {e}\n"))
                    .await?;
            }
            let stamp = format!("[clock {}]\n", local(next));
            self.out_marker = Some(stamp);
            self.round().await?;
            self.out_marker = None;
            if next >= target {
                return Ok(());
            }
        }
    }

    /// Prints a reply with its buttons numbered, remembers them, and writes its file.
    async fn show(
        &mut self,
        to: UserId,
        lang: Lang,
        reply: &Reply,
        marked: bool,
    ) -> std::io::Result<()> {
        let r = self.app.i18n.render(lang, reply, Markup::Plain);
        let mut text = String::from("\n");
        if marked {
            text.push_str(&format!("[message to {}]\n", self.who(to)));
        }
        if r.edit {
            text.push_str("(updated)\n");
        }
        text.push_str(&r.text);
        text.push('\n');
        let buttons: Vec<RenderedButton> = r.buttons.iter().flatten().cloned().collect();
        let n = if buttons.is_empty() {
            None
        } else {
            self.numbered += 1;
            Some(self.numbered)
        };
        let mut k = 0;
        for row in &r.buttons {
            let cells: Vec<String> = row
                .iter()
                .map(|b| {
                    k += 1;
                    format!("[{}.{k}] {}", n.unwrap_or_default(), b.label)
                })
                .collect();
            text.push_str("  ");
            text.push_str(&cells.join("   "));
            text.push('\n');
        }
        if let Some(a) = &reply.attachment {
            match files::render(&self.app.i18n, lang, a) {
                Ok(f) => {
                    let path = self.files_dir.join(&f.name);
                    let written = match tokio::fs::create_dir_all(&self.files_dir).await {
                        Ok(()) => tokio::fs::write(&path, &f.bytes).await,
                        Err(e) => Err(e),
                    };
                    match written {
                        Ok(()) => text.push_str(&format!("  [file: {}]\n", path.display())),
                        Err(e) => text.push_str(&format!("  [file not written: {e}]\n")),
                    }
                }
                Err(e) => text.push_str(&format!("  [file not rendered: {e}]\n")),
            }
        }
        self.flush_marker().await?;
        self.write(&text).await?;
        // An edited message keeps the place of the newest only if it has buttons.
        if !(r.edit && n.is_none()) {
            match self.newest.iter_mut().find(|(u, _)| *u == to) {
                Some(slot) => slot.1 = n,
                None => self.newest.push((to, n)),
            }
        }
        if let Some(n) = n {
            self.shown.push(Shown { n, to, buttons });
            if self.shown.len() > REMEMBERED {
                self.shown.remove(0);
            }
        }
        Ok(())
    }
}

/// Whether the person is asked to type something (a time, a place, a name, a capacity, a
/// message, a comment): then digits are text, not buttons.
fn expects_text(state: &State) -> bool {
    match state {
        State::Launching(d) => d.start.is_none() || d.place.is_none(),
        State::CreatingEvent(_)
        | State::EditingEvent { .. }
        | State::MovingMeetings { .. }
        | State::FeedbackComment { .. } => true,
        State::Broadcasting { text, .. } => text.is_none(),
        State::JoiningAsFacilitator { name, .. } => name.is_none(),
        State::Supporting { .. } => true,
        State::Writing { text, .. } => text.is_none(),
        // At the summary the label is typed (it saves a new family); elsewhere, a day of
        // consent included, a plain number presses a button.
        State::Adding(d) => d.step == crate::flow::AddStep::Summary,
        State::InvitingFacilitator { .. }
        | State::Idle
        | State::Registering(_)
        | State::ConfirmingForget
        | State::ConfirmingDrop { .. }
        | State::JoiningFamily(_) => false,
    }
}

/// `/name rest` → `rest` (trimmed), for a console-only command.
fn command<'l>(line: &'l str, name: &str) -> Option<&'l str> {
    let rest = line.strip_prefix('/')?.strip_prefix(name)?;
    if rest.is_empty() || rest.starts_with(char::is_whitespace) {
        Some(rest.trim())
    } else {
        None
    }
}

/// `[3.2]` or `3.2` → (3, 2).
fn numbered(line: &str) -> Option<(usize, usize)> {
    let s = line
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .unwrap_or(line);
    let (a, b) = s.split_once('.')?;
    Some((a.trim().parse().ok()?, b.trim().parse().ok()?))
}

/// Helsinki wall-clock time, as the console shows it.
fn local(t: DateTime<Utc>) -> String {
    t.with_timezone(&Helsinki)
        .format("%a %Y-%m-%d %H:%M")
        .to_string()
}

/// `+2d`, `+3h`, `+30m`, `+1w` from `now`, or a Helsinki time `2027-03-15 08:00` (a date alone
/// is its midnight).
fn parse_clock(arg: &str, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let arg = arg.trim();
    if let Some(rel) = arg.strip_prefix('+') {
        let unit = rel.chars().last()?;
        let n: i64 = rel[..rel.len() - unit.len_utf8()].trim().parse().ok()?;
        let d = match unit {
            'w' => Duration::try_weeks(n)?,
            'd' => Duration::try_days(n)?,
            'h' => Duration::try_hours(n)?,
            'm' => Duration::try_minutes(n)?,
            _ => return None,
        };
        return now.checked_add_signed(d);
    }
    let naive = NaiveDateTime::parse_from_str(arg, "%Y-%m-%d %H:%M")
        .or_else(|_| NaiveDateTime::parse_from_str(arg, "%Y-%m-%dT%H:%M"))
        .ok()
        .or_else(|| {
            NaiveDate::parse_from_str(arg, "%Y-%m-%d")
                .ok()
                .and_then(|d| d.and_hms_opt(0, 0, 0))
        })?;
    Helsinki
        .from_local_datetime(&naive)
        .earliest()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_arguments() {
        let now = Utc.with_ymd_and_hms(2027, 1, 4, 7, 0, 0).unwrap();
        assert_eq!(parse_clock("+2d", now), Some(now + Duration::days(2)));
        assert_eq!(parse_clock("+3h", now), Some(now + Duration::hours(3)));
        assert_eq!(parse_clock("+1w", now), Some(now + Duration::days(7)));
        assert_eq!(
            parse_clock("2027-03-15 08:00", now),
            Some(Utc.with_ymd_and_hms(2027, 3, 15, 6, 0, 0).unwrap())
        );
        assert_eq!(parse_clock("soon", now), None);
        assert_eq!(parse_clock("+2x", now), None);
    }

    #[test]
    fn numbered_buttons() {
        assert_eq!(numbered("[3.2]"), Some((3, 2)));
        assert_eq!(numbered("12.1"), Some((12, 1)));
        assert_eq!(numbered("3"), None);
        assert_eq!(command("/as 7", "as"), Some("7"));
        assert_eq!(command("/ask", "as"), None);
    }
}
