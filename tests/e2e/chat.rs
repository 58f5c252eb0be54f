//! A transcript harness: a parent talking to kokoon's engine and store in-process, with the
//! replies rendered as the console shows them (plain text, buttons by label).

use kokoon::app::App;
use kokoon::clock::ManualClock;
use kokoon::config::Config;
use kokoon::domain::UserId;
use kokoon::flow::{Input, Person};
use kokoon::i18n::{I18n, Markup, RenderedButton};
use kokoon::store::Store;
use std::sync::Arc;

/// The example config, as shipped.
pub fn example_config() -> Config {
    Config::parse(
        "config/kokoon.toml",
        include_str!("../../config/kokoon.toml"),
    )
    .expect("the example config is valid")
}

/// An app on a fresh temporary store.
pub fn app() -> (App, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let store = Store::open(dir.path(), 1 << 20).expect("store opens");
    let app = App {
        config: Arc::new(example_config()),
        store,
        i18n: Arc::new(I18n::new().expect("locales load")),
        clock: Arc::new(ManualClock::new(
            chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
                .expect("time")
                .into(),
        )),
    };
    (app, dir)
}

/// What kokoon answered to one input.
#[derive(Debug, Clone)]
pub struct Said {
    /// Every reply's text, joined.
    pub text: String,
    /// Button labels of every reply, in order.
    pub buttons: Vec<String>,
    /// Whether a reply edits the pressed message in place.
    pub edited: bool,
    transcript: String,
}

impl Said {
    /// Asserts the answer contains `needle`.
    #[track_caller]
    pub fn shows(&self, needle: &str) -> &Self {
        assert!(
            self.text.contains(needle),
            "expected {needle:?} in the reply; transcript so far:\n{}",
            self.transcript
        );
        self
    }

    /// Asserts the answer does not contain `needle`.
    #[track_caller]
    pub fn hides(&self, needle: &str) -> &Self {
        assert!(
            !self.text.contains(needle),
            "did not expect {needle:?} in the reply; transcript so far:\n{}",
            self.transcript
        );
        self
    }

    /// Asserts a button with exactly this label is offered.
    #[track_caller]
    pub fn offers(&self, label: &str) -> &Self {
        assert!(
            self.buttons.iter().any(|b| b == label),
            "expected a button {label:?}, got {:?}; transcript so far:\n{}",
            self.buttons,
            self.transcript
        );
        self
    }

    /// Asserts the reply edits the pressed message in place.
    #[track_caller]
    pub fn in_place(&self) -> &Self {
        assert!(
            self.edited,
            "expected an edit in place; transcript:\n{}",
            self.transcript
        );
        self
    }
}

/// One parent in a conversation.
pub struct Chat {
    /// The app, shared with other chats of the same test.
    pub app: App,
    person: Person,
    lang_code: String,
    buttons: Vec<RenderedButton>,
    transcript: String,
}

impl Chat {
    /// A parent whose Telegram is set to `lang_code`, talking to `app`.
    pub fn new(app: &App, user: u64, lang_code: &str) -> Chat {
        Chat {
            app: app.clone(),
            person: Person {
                user: UserId(user),
                name: format!("Parent {user}"),
                username: Some(format!("parent{user}")),
            },
            lang_code: lang_code.to_owned(),
            buttons: Vec::new(),
            transcript: String::new(),
        }
    }

    /// Whether the latest replies offer a button with this label.
    pub fn has_button(&self, label: &str) -> bool {
        self.buttons.iter().any(|b| b.label == label)
    }

    /// The parent types a message.
    pub async fn says(&mut self, text: &str) -> Said {
        self.input(&format!("> {text}"), Input::from_text(text))
            .await
    }

    /// The parent taps the first button labelled exactly `label` among the latest replies that
    /// had buttons.
    pub async fn taps(&mut self, label: &str) -> Said {
        let data = self
            .buttons
            .iter()
            .find(|b| b.label == label)
            .map(|b| b.data.clone())
            .unwrap_or_else(|| {
                panic!(
                    "no button {label:?} among {:?}; transcript:\n{}",
                    self.buttons.iter().map(|b| &b.label).collect::<Vec<_>>(),
                    self.transcript
                )
            });
        self.input(&format!("[{label}]"), Input::Button(data)).await
    }

    /// The parent presses a button with raw (possibly forged or stale) callback data.
    pub async fn presses_raw(&mut self, data: &str) -> Said {
        self.input(&format!("[raw {data:?}]"), Input::Button(data.to_owned()))
            .await
    }

    /// The parent sends a sticker, photo or voice message.
    pub async fn sends_sticker(&mut self) -> Said {
        self.input("> (sticker)", Input::Unsupported).await
    }

    async fn input(&mut self, shown: &str, input: Input) -> Said {
        self.transcript.push_str(shown);
        self.transcript.push('\n');
        let handled = self
            .app
            .handle(None, &self.person, Some(&self.lang_code), input)
            .await
            .expect("the store works");
        let mut said = Said {
            text: String::new(),
            buttons: Vec::new(),
            edited: false,
            transcript: String::new(),
        };
        let mut latest_buttons = Vec::new();
        for reply in &handled.replies {
            let r = self.app.i18n.render(handled.lang, reply, Markup::Plain);
            said.text.push_str(&r.text);
            said.text.push('\n');
            said.edited |= r.edit;
            latest_buttons.extend(r.buttons.iter().flatten().cloned());
            for b in r.buttons.iter().flatten() {
                said.buttons.push(b.label.clone());
            }
        }
        if !latest_buttons.is_empty() {
            self.buttons = latest_buttons;
        }
        for line in said.text.lines() {
            self.transcript.push_str("  ");
            self.transcript.push_str(line);
            self.transcript.push('\n');
        }
        if !said.buttons.is_empty() {
            self.transcript.push_str(&format!("  {:?}\n", said.buttons));
        }
        said.transcript = self.transcript.clone();
        said
    }
}
