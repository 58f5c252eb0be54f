//! A terminal chat on the same engine and store as the Telegram bot: anyone can try kokoon with
//! no token and no network. Buttons are shown numbered; typing the number presses the button.

use crate::app::App;
use crate::domain::UserId;
use crate::flow::{Input, Person};
use crate::i18n::{Markup, RenderedButton};
use tokio::io::{AsyncBufRead, AsyncBufReadExt, AsyncWrite, AsyncWriteExt};

/// Who the console speaks as, and in which Telegram language.
#[derive(Debug, Clone)]
pub struct ConsoleUser {
    /// The user id to act as (`--as`).
    pub id: UserId,
    /// The Telegram-style language code to start in (`--lang`).
    pub language_code: Option<String>,
}

/// Runs the console until end of input. Output is plain text; the buttons of the latest message
/// are numbered from 1.
pub async fn run<R, W>(app: &App, user: &ConsoleUser, input: R, mut out: W) -> std::io::Result<()>
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
            let r = app.i18n.render(handled.lang, reply, Markup::Plain);
            let mut text = String::new();
            if r.edit {
                text.push_str("(updated)\n");
            }
            text.push_str(&r.text);
            text.push('\n');
            if !r.buttons.is_empty() {
                buttons.clear();
                for row in &r.buttons {
                    let cells: Vec<String> = row
                        .iter()
                        .map(|b| {
                            buttons.push(b.clone());
                            format!("[{}] {}", buttons.len(), b.label)
                        })
                        .collect();
                    text.push_str("  ");
                    text.push_str(&cells.join("   "));
                    text.push('\n');
                }
            }
            out.write_all(b"\n").await?;
            out.write_all(text.as_bytes()).await?;
        }
    }
    out.write_all(b"\n").await?;
    out.flush().await
}
