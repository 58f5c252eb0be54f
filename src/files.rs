//! Attachments rendered to files: a demand chart (PNG), a CSV table, a QR code (PNG). The engine
//! describes them as data ([`Attachment`]); both front ends turn them into bytes here.

use crate::chart::{self, Bar, Chart};
use crate::domain::Lang;
use crate::flow::{Arg, Attachment, ChartUnit};
use crate::i18n::{I18n, Markup};
use crate::msg::Msg;

/// How a file is best shown: as a picture, or as a document to download.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A picture shown in the chat (charts, QR codes).
    Photo,
    /// A file to open (CSV).
    Document,
}

/// A rendered attachment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct File {
    /// File name with extension.
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
    /// Photo or document.
    pub kind: FileKind,
}

/// The charts an attachment draws, with their captions in `lang`; `None` for other
/// attachments. Charts kept to be sent later are kept as these (a few hundred bytes each), not
/// as their image.
#[must_use]
pub fn charts_of(i18n: &I18n, lang: Lang, a: &Attachment) -> Option<Vec<Chart>> {
    let Attachment::Charts(panels) = a else {
        return None;
    };
    Some(
        panels
            .iter()
            .map(|p| chart(i18n, lang, &p.title, &p.bars, p.threshold, p.unit))
            .collect(),
    )
}

fn chart(
    i18n: &I18n,
    lang: Lang,
    title: &str,
    bars: &[(Arg, u32)],
    threshold: u32,
    unit: ChartUnit,
) -> Chart {
    let plain = |m: Msg, args: &[(&'static str, Arg)]| i18n.text(lang, m, args, Markup::Plain);
    Chart {
        title: title.to_owned(),
        bars: bars
            .iter()
            .map(|(label, value)| Bar {
                label: i18n.arg_plain(lang, label),
                value: *value,
            })
            .collect(),
        threshold,
        // No threshold, no line and no caption (a report's chart).
        threshold_label: if threshold == 0 {
            String::new()
        } else {
            plain(
                Msg::ChartThreshold,
                &[("threshold", Arg::Num(i64::from(threshold)))],
            )
        },
        value_label: plain(
            match unit {
                ChartUnit::Children => Msg::ChartChildren,
                ChartUnit::Adults => Msg::ChartAdults,
                ChartUnit::Answers => Msg::ChartAnswers,
            },
            &[],
        ),
    }
}

/// A chart drawn as the photo that is sent.
pub fn chart_file(chart: &Chart) -> Result<File, chart::ChartError> {
    charts_file(std::slice::from_ref(chart))
}

/// Charts drawn one below the other as the one photo that is sent.
pub fn charts_file(charts: &[Chart]) -> Result<File, chart::ChartError> {
    Ok(File {
        name: "kokoon-demand.png".into(),
        bytes: chart::render_stack_png(charts)?,
        kind: FileKind::Photo,
    })
}

/// Why an attachment could not be rendered.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    /// The chart could not be drawn.
    #[error("chart: {0}")]
    Chart(#[from] chart::ChartError),
    /// The QR code could not be made (the link is too long).
    #[error("qr: {0}")]
    Qr(#[from] crate::qr::QrError),
}

/// Renders an attachment in a language (for its labels and headers).
pub fn render(i18n: &I18n, lang: Lang, a: &Attachment) -> Result<File, FileError> {
    let plain = |m: Msg, args: &[(&'static str, Arg)]| i18n.text(lang, m, args, Markup::Plain);
    match a {
        Attachment::Charts(_) => Ok(charts_file(&charts_of(i18n, lang, a).unwrap_or_default())?),
        Attachment::TextFile { file_name, lines } => {
            let mut text = String::new();
            for l in lines {
                if !text.is_empty() {
                    text.push_str(if l.tight { "\n" } else { "\n\n" });
                }
                text.push_str(&plain(l.msg, &l.args));
            }
            text.push('\n');
            Ok(File {
                name: file_name.clone(),
                bytes: text.into_bytes(),
                kind: FileKind::Document,
            })
        }
        Attachment::JsonFile { file_name, json } => Ok(File {
            name: file_name.clone(),
            bytes: json.clone().into_bytes(),
            kind: FileKind::Document,
        }),
        Attachment::Csv {
            file_name,
            header,
            rows,
        } => {
            let header: Vec<String> = header.iter().map(|m| plain(*m, &[])).collect();
            let header: Vec<&str> = header.iter().map(String::as_str).collect();
            let rows: Vec<Vec<String>> = rows
                .iter()
                .map(|row| row.iter().map(|c| i18n.arg_plain(lang, c)).collect())
                .collect();
            Ok(File {
                name: file_name.clone(),
                bytes: crate::export::csv(&header, &rows),
                kind: FileKind::Document,
            })
        }
        Attachment::Ics {
            file_name,
            uid,
            title,
            description,
            place,
            start,
            end,
            sequence,
            cancelled,
            stamp,
        } => Ok(File {
            name: file_name.clone(),
            bytes: crate::ics::render(&crate::ics::IcsEvent {
                uid: uid.clone(),
                title: title.clone(),
                description: description.clone(),
                location: place.clone(),
                start: *start,
                end: *end,
                stamp: *stamp,
                sequence: *sequence,
                cancelled: *cancelled,
            })
            .into_bytes(),
            kind: FileKind::Document,
        }),
        Attachment::Qr { file_name, link } => Ok(File {
            name: format!("{file_name}.png"),
            bytes: crate::qr::png(link)?,
            kind: FileKind::Photo,
        }),
    }
}
