//! Fluent bundles for fi, sv and en, and rendering of [`Reply`] data to text. It only renders:
//! the message ids ([`Msg`]) and replies ([`crate::reply`]) are defined apart from it and from
//! the engine, so neither imports the other. The `.ftl` files are compiled into the binary:
//! a deployed bot cannot lose its texts. Isolation marks are off (Telegram would show them), and
//! numbers and dates are formatted here in code, per language, before they reach Fluent.

use crate::domain::Lang;
use crate::reply::{Arg, Label, Line, Reply};
use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};

/// The message ids, re-exported for the adapters that name them.
pub use crate::msg::Msg;

/// The locale sources, compiled in, Finnish first: per language `kokoon.ftl` (the bot) and
/// `web.ftl` (the public web page) as one text, so one bundle and every locale test cover both.
pub const SOURCES: [(Lang, &str); 3] = [
    (
        Lang::Fi,
        concat!(
            include_str!("../../locales/fi/kokoon.ftl"),
            "\n",
            include_str!("../../locales/fi/web.ftl")
        ),
    ),
    (
        Lang::Sv,
        concat!(
            include_str!("../../locales/sv/kokoon.ftl"),
            "\n",
            include_str!("../../locales/sv/web.ftl")
        ),
    ),
    (
        Lang::En,
        concat!(
            include_str!("../../locales/en/kokoon.ftl"),
            "\n",
            include_str!("../../locales/en/web.ftl")
        ),
    ),
];

/// How rendered text will be shown: Telegram's HTML, or plain text for the console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Markup {
    /// Telegram HTML: arguments are escaped, the locales' own tags kept.
    Html,
    /// Plain text: tags removed, entities decoded, nothing escaped.
    Plain,
}

/// A rendered button.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RenderedButton {
    /// The label, plain text.
    pub label: String,
    /// The callback data.
    pub data: String,
}

/// A reply rendered to text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rendered {
    /// The text, in the chosen markup.
    pub text: String,
    /// Rows of buttons.
    pub buttons: Vec<Vec<RenderedButton>>,
    /// Replace the pressed message instead of sending a new one.
    pub edit: bool,
}

/// The three bundles, built once and shared by every task.
pub struct I18n {
    bundles: Vec<(Lang, FluentBundle<FluentResource>)>,
}

/// Why the locales could not be loaded (only possible if a `.ftl` file is broken, which the
/// tests catch).
#[derive(Debug, thiserror::Error)]
#[error("locale {lang}: {what}")]
pub struct I18nError {
    lang: &'static str,
    what: String,
}

impl I18n {
    /// Builds the bundles from the compiled-in sources.
    pub fn new() -> Result<I18n, I18nError> {
        let mut bundles = Vec::new();
        for (lang, src) in SOURCES {
            let res = FluentResource::try_new(src.to_owned()).map_err(|(_, errs)| I18nError {
                lang: lang.code(),
                what: format!("{errs:?}"),
            })?;
            let langid = lang.code().parse().map_err(|_| I18nError {
                lang: lang.code(),
                what: "bad language id".into(),
            })?;
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            bundle.set_use_isolating(false);
            bundle.add_resource(res).map_err(|errs| I18nError {
                lang: lang.code(),
                what: format!("{errs:?}"),
            })?;
            bundles.push((lang, bundle));
        }
        Ok(I18n { bundles })
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        // Every language has a bundle by construction; Finnish is the fallback.
        self.bundles
            .iter()
            .find(|(l, _)| *l == lang)
            .or_else(|| self.bundles.first())
            .map(|(_, b)| b)
            .expect("I18n::new builds a bundle for every language")
    }

    /// Whether a message exists in a language (for the locale tests).
    #[must_use]
    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.bundle(lang).has_message(id)
    }

    /// Renders one message with arguments. Text arguments are escaped for HTML when asked.
    #[must_use]
    pub fn text(
        &self,
        lang: Lang,
        msg: Msg,
        args: &[(&'static str, Arg)],
        markup: Markup,
    ) -> String {
        let bundle = self.bundle(lang);
        let Some(pattern) = bundle.get_message(msg.id()).and_then(|m| m.value()) else {
            log::error!("i18n: message {} missing in {}", msg.id(), lang.code());
            return msg.id().to_owned();
        };
        let mut fargs = FluentArgs::new();
        for (name, arg) in args {
            // Always built as HTML; plain text is made from it at the end, so user text that
            // looks like a tag or an entity survives both ways unchanged.
            let value = match arg {
                Arg::Num(n) => FluentValue::from(*n),
                other => FluentValue::from(self.arg_html(lang, other)),
            };
            fargs.set(*name, value);
        }
        let mut errors = Vec::new();
        let out = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
        if !errors.is_empty() {
            log::error!(
                "i18n: formatting {} in {}: {errors:?}",
                msg.id(),
                lang.code()
            );
        }
        match markup {
            Markup::Html => out.into_owned(),
            Markup::Plain => strip_html(&out),
        }
    }

    /// An argument as plain text (a CSV cell, a chart label).
    #[must_use]
    pub fn arg_plain(&self, lang: Lang, arg: &Arg) -> String {
        strip_html(&self.arg_html(lang, arg))
    }

    /// An argument as escaped HTML text.
    fn arg_html(&self, lang: Lang, arg: &Arg) -> String {
        match arg {
            Arg::Text(s) => escape_html(s),
            Arg::Num(n) => n.to_string(),
            Arg::Msg(m) => self.text(lang, *m, &[], Markup::Html),
            Arg::Join(parts, sep) => parts
                .iter()
                .map(|p| self.arg_html(lang, p))
                .collect::<Vec<_>>()
                .join(sep),
        }
    }

    /// Renders a whole reply.
    #[must_use]
    pub fn render(&self, lang: Lang, reply: &Reply, markup: Markup) -> Rendered {
        let mut text = String::new();
        for (i, Line { msg, args, tight }) in reply.lines.iter().enumerate() {
            if i > 0 {
                text.push_str(if *tight { "\n" } else { "\n\n" });
            }
            text.push_str(&self.text(lang, *msg, args, markup));
        }
        let buttons = reply
            .buttons
            .iter()
            .map(|row| {
                row.iter()
                    .map(|b| RenderedButton {
                        label: match &b.label {
                            Label::Msg(m) => self.text(lang, *m, &[], Markup::Plain),
                            Label::MsgArgs(m, args) => self.text(lang, *m, args, Markup::Plain),
                            Label::Text(t) => t.clone(),
                        },
                        data: b.callback.encode(),
                    })
                    .collect()
            })
            .collect();
        Rendered {
            text,
            buttons,
            edit: reply.edit,
        }
    }
}

/// Escapes text for Telegram's HTML parse mode (`<`, `>`, `&` and `"`).
#[must_use]
pub fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            c => out.push(c),
        }
    }
    out
}

/// Turns the locales' simple HTML into plain text for the console: tags dropped, the four
/// entities decoded.
#[must_use]
pub fn strip_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut in_tag = false;
    for c in s.chars() {
        match (in_tag, c) {
            (false, '<') => in_tag = true,
            (true, '>') => in_tag = false,
            (false, c) => out.push(c),
            (true, _) => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests;
