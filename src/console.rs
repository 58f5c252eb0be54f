//! A terminal chat on the same engine and store as the Telegram bot: anyone can try kokoon with
//! no token and no network. Buttons are shown numbered; typing the number presses the button.
//! Messages meant for other people (a coordinator's alert, a parent's invitation) are shown in
//! the terminal instead of being sent, and files (charts, CSV, QR codes) are written to disk.

use crate::app::App;
use crate::domain::{Lang, UserId};
use crate::files;
use crate::flow::{Input, Person, Reply};
use crate::i18n::{Markup, RenderedButton};
use crate::sender::{self, Deliver, DeliveryError};
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

/// Runs the console until end of input. Output is plain text; the buttons of the latest message
/// are numbered from 1. Files are written to `files_dir`.
pub async fn run<R, W>(
    app: &App,
    user: &ConsoleUser,
    files_dir: PathBuf,
    input: R,
    mut out: W,
) -> std::io::Result<()>
where
    R: AsyncBufRead + Unpin,
    W: AsyncWrite + Unpin,
{
    let person = Person {
        user: user.id,
        name: format!("Console user {}", user.id),
        username: None,
    };
    out.write_all(
        format!(
            "kokoon console: you are user {}. Type /start to begin, a number to press a button, \
             /help for commands; Ctrl-D quits.\n",
            user.id
        )
        .as_bytes(),
    )
    .await?;
    let printer = Printer { app, files_dir };
    let mut buttons: Vec<RenderedButton> = Vec::new();
    let mut lines = input.lines();
    loop {
        out.write_all(b"> ").await?;
        out.flush().await?;
        let Some(line) = lines.next_line().await? else {
            break;
        };
        let line = line.trim().to_owned();
        if line.is_empty() {
            continue;
        }
        let input = match line.parse::<usize>() {
            Ok(n) if n >= 1 && n <= buttons.len() => Input::Button(buttons[n - 1].data.clone()),
            _ => Input::from_text(&line),
        };
        let handled = match app
            .handle(None, &person, user.language_code.as_deref(), input)
            .await
        {
            Ok(h) => h,
            Err(e) => {
                out.write_all(format!("error: {e}\n").as_bytes()).await?;
                continue;
            }
        };
        for reply in &handled.replies {
            let (text, shown) = printer.show(handled.lang, reply, None).await;
            if !shown.is_empty() {
                buttons = shown;
            }
            out.write_all(text.as_bytes()).await?;
        }
        // Messages for other people, as the bot would send them now.
        let collected = Collected(Mutex::new(Vec::new()));
        if let Err(e) = sender::tick(app, &collected).await {
            out.write_all(format!("error: {e}\n").as_bytes()).await?;
        }
        let others = collected
            .0
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        for (to, lang, reply) in others {
            let name = app
                .config
                .coordinator(to)
                .map_or_else(|| format!("user {to}"), |c| format!("{} ({to})", c.name));
            let (text, _) = printer.show(lang, &reply, Some(&name)).await;
            out.write_all(text.as_bytes()).await?;
        }
    }
    out.write_all(b"\n").await?;
    out.flush().await
}

struct Printer<'a> {
    app: &'a App,
    files_dir: PathBuf,
}

impl Printer<'_> {
    /// A reply as terminal text, with numbered buttons (returned so they can be pressed) and
    /// its file written to disk.
    async fn show(
        &self,
        lang: Lang,
        reply: &Reply,
        to: Option<&str>,
    ) -> (String, Vec<RenderedButton>) {
        let r = self.app.i18n.render(lang, reply, Markup::Plain);
        let mut text = String::from("\n");
        if let Some(name) = to {
            text.push_str(&format!("[message to {name}]\n"));
        }
        if r.edit {
            text.push_str("(updated)\n");
        }
        text.push_str(&r.text);
        text.push('\n');
        let mut buttons = Vec::new();
        for row in &r.buttons {
            let cells: Vec<String> = row
                .iter()
                .map(|b| {
                    buttons.push(b.clone());
                    if to.is_some() {
                        format!("[{}]", b.label)
                    } else {
                        format!("[{}] {}", buttons.len(), b.label)
                    }
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
        if to.is_some() {
            buttons.clear();
        }
        (text, buttons)
    }
}
