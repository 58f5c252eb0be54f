//! A transcript harness: a parent talking to kokoon's engine and store in-process, with the
//! replies rendered as the console shows them (plain text, buttons by label).

use kokoon::app::App;
use kokoon::clock::ManualClock;
use kokoon::config::Config;
use kokoon::domain::UserId;
use kokoon::flow::{Input, Person};
use kokoon::i18n::{I18n, Markup, RenderedButton};
use kokoon::store::{Key, Store};
use std::sync::Arc;

/// The example config, as shipped.
pub fn example_config() -> Config {
    Config::parse(
        "config/kokoon.toml",
        include_str!("../../config/kokoon.toml"),
    )
    .expect("the example config is valid")
}

/// The key of the tests' stores (and of the real binary in the Telegram tests).
pub const TEST_KEY_HEX: &str = "6b6f6b6f6f6e2074657374206b65792c206e6f7420666f722070726f64756374";

/// [`TEST_KEY_HEX`] as a key.
pub fn test_key() -> Key {
    Key::from_hex(TEST_KEY_HEX, "the test key").expect("a valid key")
}

/// An app on a fresh temporary store.
pub fn app() -> (App, tempfile::TempDir) {
    let (app, _clock, dir) = app_with_clock();
    (app, dir)
}

/// An app on a fresh temporary store, with a clock the test moves by hand.
pub fn app_with_clock() -> (App, Arc<ManualClock>, tempfile::TempDir) {
    app_with_config(example_config())
}

/// [`app_with_clock`] with a config of the test's own.
pub fn app_with_config(config: Config) -> (App, Arc<ManualClock>, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = Arc::new(config);
    let store =
        Store::open_with(dir.path(), 1 << 20, &test_key(), config.clone()).expect("store opens");
    let clock = Arc::new(ManualClock::new(
        chrono::DateTime::parse_from_rfc3339("2026-11-23T10:00:00Z")
            .expect("time")
            .into(),
    ));
    let app = App {
        config: config.into(),
        store,
        i18n: Arc::new(I18n::new().expect("locales load")),
        clock: clock.clone(),
        outbox_wake: Arc::new(tokio::sync::Notify::new()),
    };
    (app, clock, dir)
}

/// A message kokoon sent to someone other than the person talking, rendered as plain text.
#[derive(Debug, Clone)]
pub struct Delivered {
    /// The recipient.
    pub to: u64,
    /// The text.
    pub text: String,
    /// Buttons: label and callback data.
    pub buttons: Vec<(String, String)>,
    /// The attachment, rendered, if any.
    pub file: Option<kokoon::files::File>,
}

struct Collect(std::sync::Mutex<Vec<(UserId, kokoon::domain::Lang, kokoon::flow::Reply)>>);

impl kokoon::sender::Deliver for Collect {
    async fn deliver(
        &self,
        to: UserId,
        lang: kokoon::domain::Lang,
        reply: &kokoon::flow::Reply,
    ) -> Result<(), kokoon::sender::DeliveryError> {
        self.0.lock().expect("lock").push((to, lang, reply.clone()));
        Ok(())
    }
}

/// Runs the sender once (launches move on, the outbox is drained) and returns what was sent.
pub async fn deliveries(app: &App) -> Vec<Delivered> {
    let collect = Collect(std::sync::Mutex::new(Vec::new()));
    kokoon::sender::tick(app, &collect)
        .await
        .expect("the store works");
    collect
        .0
        .into_inner()
        .expect("lock")
        .into_iter()
        .map(|(to, lang, reply)| {
            let r = app.i18n.render(lang, &reply, Markup::Plain);
            Delivered {
                to: to.0,
                text: r.text,
                buttons: r
                    .buttons
                    .into_iter()
                    .flatten()
                    .map(|b| (b.label, b.data))
                    .collect(),
                file: reply
                    .attachment
                    .as_ref()
                    .map(|a| kokoon::files::render(&app.i18n, lang, a).expect("file renders")),
            }
        })
        .collect()
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
    /// The last reply's file, rendered, if any.
    pub file: Option<kokoon::files::File>,
    /// Every reply's file, rendered, in order.
    pub files: Vec<kokoon::files::File>,
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

    /// [`Chat::new`] for someone whose Telegram name is `name` (and who has no username).
    pub fn named(app: &App, user: u64, lang_code: &str, name: &str) -> Chat {
        let mut chat = Chat::new(app, user, lang_code);
        chat.person.name = name.to_owned();
        chat.person.username = None;
        chat
    }

    /// The person reads a message kokoon sent them (an alert, an invitation): its buttons
    /// become the ones they can tap.
    pub fn reads(&mut self, d: &Delivered) -> Said {
        assert_eq!(
            d.to, self.person.user.0,
            "that message was for someone else"
        );
        self.transcript
            .push_str(&format!("(message)\n  {}\n", d.text.replace('\n', "\n  ")));
        self.buttons = d
            .buttons
            .iter()
            .map(|(label, data)| RenderedButton {
                label: label.clone(),
                data: data.clone(),
            })
            .collect();
        Said {
            text: d.text.clone(),
            buttons: d.buttons.iter().map(|(l, _)| l.clone()).collect(),
            edited: false,
            file: d.file.clone(),
            files: d.file.clone().into_iter().collect(),
            transcript: self.transcript.clone(),
        }
    }

    /// The person's Telegram id.
    pub fn user(&self) -> u64 {
        self.person.user.0
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
            file: None,
            files: Vec::new(),
            transcript: String::new(),
        };
        let mut latest_buttons = Vec::new();
        for reply in &handled.replies {
            let r = self.app.i18n.render(handled.lang, reply, Markup::Plain);
            said.text.push_str(&r.text);
            said.text.push('\n');
            said.edited |= r.edit;
            if let Some(a) = &reply.attachment {
                let file =
                    kokoon::files::render(&self.app.i18n, handled.lang, a).expect("file renders");
                said.files.push(file.clone());
                said.file = Some(file);
            }
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

/// A Finnish-speaking parent registers one five-year-old for Tilli Toukka in `area` (its Finnish
/// name), in Finnish, sharing their name with the coordinator if `share`: the walkthrough the
/// tests share.
pub async fn join_tilli(app: &App, user: u64, area: &str, share: bool) -> Chat {
    let mut p = Chat::new(app, user, "fi");
    p.says("/start tilli-toukka").await;
    p.taps("Hyväksyn tallennuksen").await;
    p.taps("5").await;
    p.taps("Ei muita, jatketaan").await;
    p.taps(area).await;
    p.taps("suomi").await;
    p.taps("Arki-iltaisin").await;
    p.taps("Valmis").await;
    p.taps(if share {
        "Kyllä, saa nähdä"
    } else {
        "Ei, kiitos"
    })
    .await;
    p.taps("Ohita").await;
    p.taps("Vahvista").await.shows("on tallennettu");
    p
}
