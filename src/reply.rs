//! Replies as data: message ids with arguments and buttons. The adapters render them in the
//! user's language (HTML for Telegram, plain text for the console).

use crate::callback::Callback;
use crate::msg::Msg;

/// A value passed into a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Text from the config or the user: always escaped when rendered as HTML.
    Text(String),
    /// A number, for plural selection in the message.
    Num(i64),
    /// Another message, rendered in the same language (e.g. a language's name).
    Msg(Msg),
    /// Several values rendered and joined by a separator (e.g. "suomi 2, ruotsi 1").
    Join(Vec<Arg>, &'static str),
}

/// One paragraph of a reply: a message id and its named arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    /// Which message.
    pub msg: Msg,
    /// Its arguments by name.
    pub args: Vec<(&'static str, Arg)>,
    /// Joined to the paragraph before by a single line break instead of a blank line (for
    /// lists such as a registration's answers).
    pub tight: bool,
}

impl Line {
    /// A paragraph.
    #[must_use]
    pub fn new(msg: Msg, args: Vec<(&'static str, Arg)>) -> Line {
        Line {
            msg,
            args,
            tight: false,
        }
    }
}

/// What a button says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Label {
    /// A message from the locales.
    Msg(Msg),
    /// A message with arguments (e.g. a checked time slot).
    MsgArgs(Msg, Vec<(&'static str, Arg)>),
    /// A name from the config, already in the user's language.
    Text(String),
}

/// An inline button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    /// What it says.
    pub label: Label,
    /// What pressing it means.
    pub callback: Callback,
}

/// One message to the person talking.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Reply {
    /// Paragraphs, joined by blank lines.
    pub lines: Vec<Line>,
    /// Rows of buttons.
    pub buttons: Vec<Vec<Button>>,
    /// Replace the message whose button was pressed instead of sending a new one (used for
    /// toggles, so the keyboard updates in place).
    pub edit: bool,
    /// A file sent with the message (a chart, a CSV, a QR code); the text is its caption.
    pub attachment: Option<Attachment>,
}

/// One chart in an [`Attachment::Charts`] image: a group's demand, or a feedback report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChartPanel {
    /// The chart's title (a group name, a report's scope).
    pub title: String,
    /// Each bar's label (an area name, an answer) and value, top to bottom.
    pub bars: Vec<(Arg, u32)>,
    /// The threshold line; 0 for none (a report).
    pub threshold: u32,
    /// What the values count (for the axis label).
    pub unit: ChartUnit,
}

/// What a chart's values count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartUnit {
    /// Children waiting.
    Children,
    /// Adults waiting.
    Adults,
    /// Feedback answers.
    Answers,
}

/// A file to send, as data; the adapters turn it into bytes ([`crate::files`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attachment {
    /// Bar charts of demand per area against the threshold, one per group, in one image (one
    /// message for a coordinator of many groups).
    Charts(Vec<ChartPanel>),
    /// A plain-text document made of message lines, rendered in the reader's language
    /// (`/mydata`'s readable copy).
    TextFile {
        /// The file name.
        file_name: String,
        /// Its paragraphs.
        lines: Vec<Line>,
    },
    /// A JSON document, as it is (`/mydata`'s machine-readable copy).
    JsonFile {
        /// The file name.
        file_name: String,
        /// The document.
        json: String,
    },
    /// A CSV table.
    Csv {
        /// The file name.
        file_name: String,
        /// Column titles.
        header: Vec<Msg>,
        /// Rows of cells (text, numbers, or messages such as an answer's name).
        rows: Vec<Vec<Arg>>,
    },
    /// A calendar file of an event.
    Ics {
        /// The file name.
        file_name: String,
        /// A stable id for calendars to recognise updates.
        uid: String,
        /// The title, in the reader's language.
        title: String,
        /// The description, if any.
        description: Option<String>,
        /// Where.
        place: String,
        /// Start.
        start: chrono::DateTime<chrono::Utc>,
        /// End.
        end: chrono::DateTime<chrono::Utc>,
        /// The event's version (calendars take the highest).
        sequence: u32,
        /// When the file was made.
        stamp: chrono::DateTime<chrono::Utc>,
        /// Whether it was cancelled.
        cancelled: bool,
    },
    /// A QR code of a link.
    Qr {
        /// The file name without extension.
        file_name: String,
        /// The encoded link.
        link: String,
    },
}

impl Reply {
    /// A reply of one paragraph without arguments.
    #[must_use]
    pub fn msg(msg: Msg) -> Reply {
        Reply::default().line(msg, vec![])
    }

    /// Sends a file with the message (the text is its caption).
    #[must_use]
    pub fn attach(mut self, a: Attachment) -> Reply {
        self.attachment = Some(a);
        self
    }

    /// Adds a paragraph.
    #[must_use]
    pub fn line(mut self, msg: Msg, args: Vec<(&'static str, Arg)>) -> Reply {
        self.lines.push(Line::new(msg, args));
        self
    }

    /// Adds a row of buttons.
    #[must_use]
    pub fn row(mut self, row: Vec<Button>) -> Reply {
        if !row.is_empty() {
            self.buttons.push(row);
        }
        self
    }

    /// Adds paragraphs after this reply's.
    #[must_use]
    pub fn then(mut self, mut more: Vec<Line>) -> Reply {
        self.lines.append(&mut more);
        self
    }

    /// Puts the paragraphs of `other` in front of this reply's (a hint before a question).
    #[must_use]
    pub fn after(mut self, mut first: Vec<Line>) -> Reply {
        first.append(&mut self.lines);
        self.lines = first;
        self
    }
}

/// A button with a message label.
#[must_use]
pub fn button(msg: Msg, callback: Callback) -> Button {
    Button {
        label: Label::Msg(msg),
        callback,
    }
}

/// A button with a config-provided label.
#[must_use]
pub fn text_button(text: &str, callback: Callback) -> Button {
    Button {
        label: Label::Text(text.to_owned()),
        callback,
    }
}

/// Shorthand for a text argument.
#[must_use]
pub fn text(s: impl Into<String>) -> Arg {
    Arg::Text(s.into())
}

/// Shorthand for a numeric argument.
#[must_use]
pub fn num(n: impl TryInto<i64>) -> Arg {
    Arg::Num(n.try_into().unwrap_or(i64::MAX))
}
