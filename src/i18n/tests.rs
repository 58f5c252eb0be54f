//! Tests for the locales and rendering: the three languages define the same messages, the code
//! uses exactly those, every message renders cleanly with plausible arguments, and arguments are
//! escaped for Telegram's HTML.
//!
//! `fluent-syntax` is not a direct dependency, so its AST types cannot be named here. The AST is
//! walked through its derived `Debug` output instead (`Message(Message { id: Identifier { name:
//! "…" } …` and `VariableReference { id: Identifier { name: "…" } }`); the walk is cross-checked
//! against the source text, so a change in that format fails loudly instead of passing quietly.

use super::*;
use std::collections::{BTreeMap, BTreeSet};

fn i18n() -> I18n {
    I18n::new().expect("the compiled-in locales load")
}

/// Every `"…"` that follows `marker` in `haystack`.
fn names_after(haystack: &str, marker: &str) -> Vec<String> {
    haystack
        .match_indices(marker)
        .filter_map(|(at, _)| haystack[at + marker.len()..].split('"').next())
        .map(str::to_owned)
        .collect()
}

/// The message ids a locale defines, from the Fluent parser's AST.
fn message_ids(lang: Lang, src: &str) -> BTreeSet<String> {
    let res = match FluentResource::try_new(src.to_owned()) {
        Ok(res) => res,
        Err((_, errs)) => panic!("{} does not parse: {errs:?}", lang.code()),
    };
    let ids: BTreeSet<String> = res
        .entries()
        .filter_map(|e| {
            let d = format!("{e:?}");
            d.strip_prefix("Message(Message { id: Identifier { name: \"")
                .and_then(|rest| rest.split('"').next())
                .map(str::to_owned)
        })
        .collect();
    // Cross-check with a plain reading of the source: every line that starts a message.
    let by_text: BTreeSet<String> = src
        .lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once('=').map(|(id, _)| id.trim().to_owned()))
        .collect();
    assert_eq!(
        ids,
        by_text,
        "{}: the AST walk and the source text disagree on the message ids",
        lang.code()
    );
    ids
}

/// The variables a message uses in a language, from the AST (placeables and selectors alike).
fn variables(i18n: &I18n, lang: Lang, id: &str) -> BTreeSet<String> {
    let pattern = i18n
        .bundle(lang)
        .get_message(id)
        .and_then(|m| m.value())
        .unwrap_or_else(|| panic!("{id} has no value in {}", lang.code()));
    let found: BTreeSet<String> = names_after(
        &format!("{pattern:?}"),
        "VariableReference { id: Identifier { name: \"",
    )
    .into_iter()
    .collect();
    found
}

/// A plausible argument for a variable, by its name.
fn plausible(name: &str) -> Arg {
    match name {
        "count" | "threshold" | "months" | "age" | "min" | "max" => Arg::Num(3),
        _ => Arg::Text("x".into()),
    }
}

/// Arguments for a message: a plausible value for every variable it uses in any language.
fn args_for(i18n: &I18n, msg: Msg) -> Vec<(&'static str, Arg)> {
    let names: BTreeSet<String> = Lang::ALL
        .into_iter()
        .flat_map(|lang| variables(i18n, lang, msg.id()))
        .collect();
    names
        .into_iter()
        .map(|n| {
            let arg = plausible(&n);
            // `text` takes `&'static str` names; a handful of leaked strings in a test is fine.
            let name: &'static str = Box::leak(n.into_boxed_str());
            (name, arg)
        })
        .collect()
}

/// Checks that `s` is valid for Telegram's HTML parse mode as the locales use it: only `<b>` and
/// `<i>` tags, balanced and properly nested, and every `&` starting one of the four entities.
fn check_telegram_html(s: &str) -> Result<(), String> {
    let mut open: Vec<&str> = Vec::new();
    let mut rest = s;
    while let Some(at) = rest.find(['<', '>', '&']) {
        let tail = &rest[at..];
        if tail.starts_with('>') {
            return Err(format!("a bare '>' at {:?}", truncate(tail)));
        }
        if tail.starts_with('&') {
            let entity = ["&lt;", "&gt;", "&amp;", "&quot;"]
                .into_iter()
                .find(|e| tail.starts_with(e))
                .ok_or_else(|| format!("a bare '&' at {:?}", truncate(tail)))?;
            rest = &tail[entity.len()..];
            continue;
        }
        let end = tail
            .find('>')
            .ok_or_else(|| format!("an unclosed tag at {:?}", truncate(tail)))?;
        let tag = &tail[1..end];
        match tag {
            "b" | "i" => open.push(tag),
            "/b" | "/i" => {
                let name = &tag[1..];
                if open.pop() != Some(name) {
                    return Err(format!("</{name}> closes nothing open (open: {open:?})"));
                }
            }
            other => return Err(format!("the tag <{other}> is not allowed")),
        }
        rest = &tail[end + 1..];
    }
    if open.is_empty() {
        Ok(())
    } else {
        Err(format!("tags left open: {open:?}"))
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(20).collect()
}

// ---- the locales agree with each other and with the code ----

#[test]
fn locales_define_the_same_messages() {
    let by_lang: Vec<(Lang, BTreeSet<String>)> = SOURCES
        .iter()
        .map(|(lang, src)| (*lang, message_ids(*lang, src)))
        .collect();
    let (first_lang, first) = &by_lang[0];
    assert!(
        first.len() >= 80,
        "suspiciously few messages in {}: {}",
        first_lang.code(),
        first.len()
    );
    let mut problems = Vec::new();
    for (lang, ids) in &by_lang[1..] {
        let missing: Vec<&String> = first.difference(ids).collect();
        let extra: Vec<&String> = ids.difference(first).collect();
        if !missing.is_empty() {
            problems.push(format!(
                "{} lacks what {} has: {missing:?}",
                lang.code(),
                first_lang.code()
            ));
        }
        if !extra.is_empty() {
            problems.push(format!(
                "{} has what {} lacks: {extra:?}",
                lang.code(),
                first_lang.code()
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_locale_uses_the_same_variables_per_message() {
    let i18n = i18n();
    let mut problems = Vec::new();
    for msg in Msg::ALL {
        let fi = variables(&i18n, Lang::Fi, msg.id());
        for lang in [Lang::Sv, Lang::En] {
            let other = variables(&i18n, lang, msg.id());
            if other != fi {
                problems.push(format!(
                    "{}: fi uses {fi:?}, {} uses {other:?}",
                    msg.id(),
                    lang.code()
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_ast_walk_finds_variables() {
    // Guards the Debug-based walk: known messages have known variables.
    let i18n = i18n();
    for lang in Lang::ALL {
        let expect = |id: &str, names: &[&str]| {
            let want: BTreeSet<String> = names.iter().map(|s| (*s).to_owned()).collect();
            assert_eq!(variables(&i18n, lang, id), want, "{id} in {}", lang.code());
        };
        expect("group-intro", &["group", "description"]);
        expect("ask-consent", &["kind", "organisation"]);
        expect("summary-children", &["count", "ages"]);
        expect("age-outside", &["group", "min", "max", "age"]);
        expect("privacy", &["organisation", "controller_contact"]);
        expect("privacy-area-controller", &["area", "name", "contact"]);
        expect(
            "privacy-body",
            &[
                "months",
                "renew_months",
                "comment_months",
                "grace_days",
                "backup_days",
                "contact",
            ],
        );
        expect("btn-confirm", &[]);
    }
}

#[test]
fn msg_ids_are_unique() {
    let ids: BTreeSet<&str> = Msg::ALL.iter().map(|m| m.id()).collect();
    assert_eq!(ids.len(), Msg::ALL.len(), "two Msg variants share an id");
}

#[test]
fn every_msg_exists_in_every_language() {
    let i18n = i18n();
    let missing: Vec<String> = Msg::ALL
        .iter()
        .flat_map(|m| Lang::ALL.map(|l| (*m, l)))
        .filter(|(m, l)| !i18n.has(*l, m.id()))
        .map(|(m, l)| format!("{} in {}", m.id(), l.code()))
        .collect();
    assert!(missing.is_empty(), "missing messages: {missing:?}");
    assert!(
        !i18n.has(Lang::Fi, "no-such-message"),
        "has() is not vacuous"
    );
}

#[test]
fn every_locale_message_is_used_by_the_code() {
    let used: BTreeSet<&str> = Msg::ALL.iter().map(|m| m.id()).collect();
    let mut dead = BTreeMap::new();
    for (lang, src) in SOURCES {
        let unused: Vec<String> = message_ids(lang, src)
            .into_iter()
            .filter(|id| !used.contains(id.as_str()))
            .collect();
        if !unused.is_empty() {
            dead.insert(lang.code(), unused);
        }
    }
    assert!(dead.is_empty(), "texts no Msg refers to: {dead:?}");
}

// ---- every message renders cleanly ----

#[test]
fn every_message_formats_without_fluent_errors() {
    let i18n = i18n();
    let mut problems = Vec::new();
    for msg in Msg::ALL {
        let args = args_for(&i18n, *msg);
        for lang in Lang::ALL {
            let bundle = i18n.bundle(lang);
            let pattern = bundle
                .get_message(msg.id())
                .and_then(|m| m.value())
                .unwrap_or_else(|| panic!("{} has no value in {}", msg.id(), lang.code()));
            let mut fargs = FluentArgs::new();
            for (name, arg) in &args {
                let value = match arg {
                    Arg::Text(s) => FluentValue::from(s.clone()),
                    Arg::Num(n) => FluentValue::from(*n),
                    Arg::Msg(m) => FluentValue::from(m.id()),
                    Arg::Join(..) => FluentValue::from("joined"),
                };
                fargs.set(*name, value);
            }
            let mut errors = Vec::new();
            let out = bundle.format_pattern(pattern, Some(&fargs), &mut errors);
            if !errors.is_empty() {
                problems.push(format!("{} in {}: {errors:?}", msg.id(), lang.code()));
            }
            if out.trim().is_empty() {
                problems.push(format!("{} in {} is empty", msg.id(), lang.code()));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_message_renders_clean_telegram_html_and_plain_text() {
    let i18n = i18n();
    let mut problems = Vec::new();
    for msg in Msg::ALL {
        let args = args_for(&i18n, *msg);
        for lang in Lang::ALL {
            let where_ = format!("{} in {}", msg.id(), lang.code());
            let html = i18n.text(lang, *msg, &args, Markup::Html);
            let plain = i18n.text(lang, *msg, &args, Markup::Plain);
            for (kind, out) in [("html", &html), ("plain", &plain)] {
                if out.contains(['{', '}']) {
                    problems.push(format!("{where_} ({kind}) has a brace left: {out:?}"));
                }
                if out.contains(['\u{2068}', '\u{2069}']) {
                    problems.push(format!("{where_} ({kind}) has isolation marks: {out:?}"));
                }
                if out == msg.id() {
                    problems.push(format!("{where_} ({kind}) rendered as its id"));
                }
            }
            if let Err(e) = check_telegram_html(&html) {
                problems.push(format!("{where_}: not valid Telegram HTML: {e}: {html:?}"));
            }
            if plain.contains("<b>") || plain.contains("<i>") || plain.contains("&amp;") {
                problems.push(format!("{where_}: markup left in plain text: {plain:?}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn a_missing_argument_is_visible() {
    // The rendering checks above rely on a missing argument leaving a brace behind.
    let out = i18n().text(Lang::En, Msg::Saved, &[], Markup::Html);
    assert!(out.contains('{'), "{out:?}");
}

#[test]
fn html_checker_rejects_bad_markup() {
    assert!(check_telegram_html("<b>a</b> <i>b</i> &lt; &amp; &quot;").is_ok());
    for bad in [
        "<b>a",
        "a</b>",
        "<b><i>a</b></i>",
        "<script>",
        "a & b",
        "a > b",
        "<b",
    ] {
        assert!(check_telegram_html(bad).is_err(), "{bad:?} accepted");
    }
}

// ---- escaping ----

#[test]
fn escape_html_escapes_the_four_characters() {
    assert_eq!(
        escape_html("<a href=\"x\">Tom & Jerry</a>"),
        "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&lt;/a&gt;"
    );
    assert_eq!(escape_html("Hyvinkää – ok's"), "Hyvinkää – ok's");
    assert_eq!(escape_html(""), "");
}

#[test]
fn strip_html_undoes_escape_html() {
    for s in [
        "plain",
        "<script>alert(1)</script>",
        "Tom & Jerry",
        "&lt; already looks escaped &amp;amp;",
        "\"quoted\" <b>bold</b>",
        "a<b",
        "ä – ö ✓",
    ] {
        assert_eq!(strip_html(&escape_html(s)), s, "round trip of {s:?}");
    }
}

#[test]
fn strip_html_drops_tags_and_decodes_entities() {
    assert_eq!(
        strip_html("<b>Tilli &amp; Toukka</b> <i>&lt;3&gt;</i> &quot;x&quot;"),
        "Tilli & Toukka <3> \"x\""
    );
}

#[test]
fn text_arguments_are_escaped_in_html() {
    let i18n = i18n();
    let args = [("group", Arg::Text("<script>&".into()))];
    for lang in Lang::ALL {
        let html = i18n.text(lang, Msg::Saved, &args, Markup::Html);
        assert!(html.contains("&lt;script&gt;&amp;"), "{html:?}");
        assert!(!html.contains("<script>"), "{html:?}");
        assert!(check_telegram_html(&html).is_ok(), "{html:?}");
    }
    // A message that has its own tags keeps them while the argument is escaped.
    let html = i18n.text(Lang::Fi, Msg::SummaryTitle, &args, Markup::Html);
    assert_eq!(html, "<b>&lt;script&gt;&amp;</b>");
}

#[test]
fn text_arguments_stay_raw_in_plain_text() {
    let i18n = i18n();
    for raw in ["<script>&", "a &amp; b", "x <y> z"] {
        let args = [("group", Arg::Text(raw.into()))];
        for lang in Lang::ALL {
            let plain = i18n.text(lang, Msg::Saved, &args, Markup::Plain);
            assert!(
                plain.contains(raw),
                "plain text in {} lost the argument {raw:?}: {plain:?}",
                lang.code()
            );
        }
    }
    let plain = i18n.text(
        Lang::Fi,
        Msg::SummaryTitle,
        &[("group", Arg::Text("<script>&".into()))],
        Markup::Plain,
    );
    assert_eq!(plain, "<script>&");
}

#[test]
fn msg_arguments_render_in_the_same_language() {
    let i18n = i18n();
    let args = [("language", Arg::Msg(Msg::GroupLangSv))];
    let fi = i18n.text(Lang::Fi, Msg::SummaryLanguage, &args, Markup::Plain);
    let sv = i18n.text(Lang::Sv, Msg::SummaryLanguage, &args, Markup::Plain);
    assert!(fi.contains("ruotsi"), "{fi:?}");
    assert!(sv.contains(&i18n.text(Lang::Sv, Msg::GroupLangSv, &[], Markup::Plain)));
    assert_ne!(fi, sv);
}

// ---- plurals ----

#[test]
fn plural_selection_differs_for_one_and_two() {
    let i18n = i18n();
    let render = |lang, n| {
        i18n.text(
            lang,
            Msg::SummaryChildren,
            &[("count", Arg::Num(n)), ("ages", Arg::Text("4, 6".into()))],
            Markup::Plain,
        )
    };
    for (lang, one, other) in [
        (Lang::Fi, "Lapsen ikä", "Lasten iät"),
        (Lang::Sv, "Barnets ålder", "Barnens åldrar"),
        (Lang::En, "Child's age", "Children's ages"),
    ] {
        let r1 = render(lang, 1);
        let r2 = render(lang, 2);
        assert_ne!(r1, r2, "{}: count 1 and 2 render the same", lang.code());
        assert!(r1.starts_with(one), "{} count 1: {r1:?}", lang.code());
        assert!(r2.starts_with(other), "{} count 2: {r2:?}", lang.code());
        assert!(r2.contains("4, 6"), "{r2:?}");
    }
    let mine_one = i18n.text(
        Lang::En,
        Msg::MineTitle,
        &[("count", Arg::Num(1))],
        Markup::Plain,
    );
    let mine_five = i18n.text(
        Lang::En,
        Msg::MineTitle,
        &[("count", Arg::Num(5))],
        Markup::Plain,
    );
    assert_eq!(mine_one, "You have one registration:");
    assert_eq!(mine_five, "You have 5 registrations:");
}

// ---- whole replies ----

#[test]
fn render_joins_lines_and_renders_buttons() {
    use crate::callback::Callback;
    use crate::reply::{Button, Label, Line};
    let i18n = i18n();
    let mut tight = Line::new(
        Msg::SummaryArea,
        vec![("area", Arg::Text("Hyvinge & <Lojo>".into()))],
    );
    tight.tight = true;
    let reply = Reply {
        attachment: None,
        lines: vec![
            Line::new(
                Msg::SummaryTitle,
                vec![("group", Arg::Text("Tilli".into()))],
            ),
            tight,
            Line::new(Msg::MineHint, vec![]),
        ],
        buttons: vec![vec![
            Button {
                label: Label::Msg(Msg::BtnConfirm),
                callback: Callback::Cancel,
            },
            Button {
                label: Label::Text("A & <B>".into()),
                callback: Callback::Cancel,
            },
        ]],
        edit: true,
    };
    let r = i18n.render(Lang::Sv, &reply, Markup::Html);
    let parts: Vec<&str> = r.text.split("\n\n").collect();
    assert_eq!(parts.len(), 2, "{:?}", r.text);
    assert_eq!(parts[0], "<b>Tilli</b>\nKommun: Hyvinge &amp; &lt;Lojo&gt;");
    assert!(check_telegram_html(&r.text).is_ok(), "{:?}", r.text);
    assert!(r.edit);
    assert_eq!(r.buttons.len(), 1);
    assert_eq!(
        r.buttons[0][0].label,
        i18n.text(Lang::Sv, Msg::BtnConfirm, &[], Markup::Plain)
    );
    assert_eq!(
        r.buttons[0][1].label, "A & <B>",
        "button labels are plain text"
    );
    assert_eq!(r.buttons[0][0].data, Callback::Cancel.encode());
}

// ---- the words of issue 13, as a Finnish and a Swedish parent would write them ----

fn says(i18n: &I18n, lang: Lang, msg: Msg, args: &[(&'static str, Arg)]) -> String {
    i18n.text(lang, msg, args, Markup::Plain)
}

fn t(s: &str) -> Arg {
    Arg::Text(s.into())
}

#[test]
fn the_issues_sentences_read_as_a_parent_would_write_them() {
    let i18n = i18n();
    let mut problems = Vec::new();
    let mut expect = |lang: Lang, msg: Msg, args: &[(&'static str, Arg)], sentence: &str| {
        let got = says(&i18n, lang, msg, args);
        if !got.contains(sentence) {
            problems.push(format!(
                "{} {}: {sentence:?} not in {got:?}",
                lang.code(),
                msg.id()
            ));
        }
    };
    let standing = |n: i64, area: &str, place: &str| {
        vec![
            ("count", Arg::Num(n)),
            ("threshold", Arg::Num(5)),
            ("area", t(area)),
            ("place", t(place)),
        ]
    };
    // The count of children, said in words.
    expect(
        Lang::Fi,
        Msg::StandingChildren,
        &standing(2, "Hyvinkää", "Hyvinkäältä"),
        "Hyvinkäältä on nyt ilmoitettu 2 lasta. Ryhmä voi alkaa, kun lapsia on 5.",
    );
    expect(
        Lang::Fi,
        Msg::StandingChildren,
        &standing(1, "Hyvinkää", "Hyvinkäältä"),
        "Hyvinkäältä on nyt ilmoitettu 1 lapsi. Ryhmä voi alkaa, kun lapsia on 5.",
    );
    expect(
        Lang::Sv,
        Msg::StandingChildren,
        &standing(2, "Hyvinge", "Hyvinge"),
        "I Hyvinge har 2 barn anmälts. Gruppen kan starta när de är 5.",
    );
    // More children.
    let ages = [("ages", t("4, 6"))];
    expect(
        Lang::Fi,
        Msg::AskMoreChildren,
        &ages,
        "Tuleeko ryhmään vielä muita lapsia?",
    );
    expect(
        Lang::Sv,
        Msg::AskMoreChildren,
        &ages,
        "Ska ytterligare ett barn delta?",
    );
    // The group's language and the municipality.
    expect(
        Lang::Fi,
        Msg::AskLanguage,
        &[],
        "Millä kielellä toivotte ryhmän kokoontuvan?",
    );
    expect(
        Lang::Sv,
        Msg::AskLanguage,
        &[],
        "På vilket språk vill ni att gruppen hålls?",
    );
    expect(Lang::Sv, Msg::AskArea, &[], "I vilken kommun kan ni delta?");
    expect(
        Lang::Fi,
        Msg::AskArea,
        &[],
        "Missä kunnassa voitte osallistua?",
    );
    // Who handles the data.
    let consent = [
        ("organisation", t("Hyvinkään kaupungin perhepalvelut")),
        ("kind", t("children")),
    ];
    expect(
        Lang::Fi,
        Msg::AskConsent,
        &consent,
        "Tietoja käsittelevät Hyvinkään kaupungin perhepalvelut, ja niitä näkevät vain ryhmän koordinaattorit.",
    );
    let consent_sv = [
        ("organisation", t("Hyvinge stads familjetjänster")),
        ("kind", t("children")),
    ];
    expect(
        Lang::Sv,
        Msg::AskConsent,
        &consent_sv,
        "Uppgifterna behandlas av Hyvinge stads familjetjänster, och bara gruppens koordinatorer ser dem.",
    );
    // Feedback: the event is named after the neutral first line, in a sentence that needs no
    // inflection of a title a coordinator typed.
    let title = [("title", t("Eron edessä -ilta"))];
    expect(
        Lang::Fi,
        Msg::FeedbackAsk,
        &title,
        "Kiitos, että osallistuit tapahtumaan Eron edessä -ilta! Millainen se oli?",
    );
    let title_sv = [("title", t("Inför skilsmässan – kvällsträff"))];
    expect(
        Lang::Sv,
        Msg::FeedbackAsk,
        &title_sv,
        "Tack för att du deltog i Inför skilsmässan – kvällsträff! Hur var det?",
    );
    // A language as an adverb, not "kielellä ruotsi".
    expect(
        Lang::Fi,
        Msg::NewEventTranslateTitle,
        &[("language", Arg::Msg(Msg::LangInSv))],
        "Tapahtuman nimi ruotsiksi",
    );
    expect(
        Lang::Sv,
        Msg::NewEventTranslateTitle,
        &[("language", Arg::Msg(Msg::LangInFi))],
        "Evenemangets namn på finska",
    );
    // Plurals.
    expect(
        Lang::Fi,
        Msg::ExportCaption,
        &[("rows", Arg::Num(1))],
        "(1 rivi)",
    );
    expect(
        Lang::Fi,
        Msg::ExportCaption,
        &[("rows", Arg::Num(3))],
        "(3 riviä)",
    );
    expect(
        Lang::Sv,
        Msg::ExportCaption,
        &[("rows", Arg::Num(1))],
        "(1 rad)",
    );
    // Where families came from.
    let direct = [(
        "sources",
        Arg::Join(vec![Arg::Msg(Msg::SourceDirect), t("4")], " "),
    )];
    expect(
        Lang::Fi,
        Msg::DemandSources,
        &direct,
        "Lähde: suora linkki 4",
    );
    expect(Lang::Sv, Msg::DemandSources, &direct, "Källa: direktlänk 4");
    // "botti" in running text; /cancel said the same way in every language.
    let help = [("contact", t("x"))];
    expect(Lang::Fi, Msg::Help, &help, "Näin käytät bottia");
    expect(
        Lang::Fi,
        Msg::Help,
        &help,
        "/cancel – keskeytä vastaaminen (keskeneräisiä vastauksia ei tallenneta)",
    );
    expect(
        Lang::Sv,
        Msg::Help,
        &help,
        "/cancel – avbryt frågorna (svar som inte är klara sparas inte)",
    );
    expect(
        Lang::En,
        Msg::Help,
        &help,
        "/cancel – stop answering (unfinished answers are not saved)",
    );
    // Coordinators: each count says what it counts; the buttons have words.
    let pool = [
        ("area", t("Hyvinkää")),
        ("bar", t("▰▰▱▱▱")),
        ("count", Arg::Num(2)),
        ("threshold", Arg::Num(5)),
        ("families", Arg::Num(1)),
        ("kind", t("children")),
        ("ages", t("4, 6")),
    ];
    // An area line of /demand is a row under its group's column heading (which names what each
    // count counts), without repeating the units on every one of a hundred lines.
    expect(
        Lang::Fi,
        Msg::DemandPoolLine,
        &pool,
        "Hyvinkää 2/5 · 1 · 4, 6",
    );
    expect(
        Lang::Sv,
        Msg::DemandPoolLine,
        &pool,
        "Hyvinkää 2/5 · 1 · 4, 6",
    );
    expect(
        Lang::En,
        Msg::DemandPoolLine,
        &pool,
        "Hyvinkää 2/5 · 1 · 4, 6",
    );
    let columns = [("threshold", Arg::Num(5)), ("kind", t("children"))];
    expect(
        Lang::Fi,
        Msg::DemandColumns,
        &columns,
        "Kunta lapsia/5 · perheitä · iät (v)",
    );
    expect(
        Lang::Sv,
        Msg::DemandColumns,
        &columns,
        "Kommun barn/5 · familjer · åldrar (år)",
    );
    expect(
        Lang::En,
        Msg::DemandColumns,
        &columns,
        "Municipality children/5 · families · ages",
    );
    let adults = [("threshold", Arg::Num(6)), ("kind", t("other"))];
    expect(
        Lang::Fi,
        Msg::DemandColumns,
        &adults,
        "Kunta osallistujia/6 · perheitä",
    );
    let area = [("area", t("Hyvinkää"))];
    expect(Lang::Fi, Msg::BtnList, &area, "📋 Lista: Hyvinkää");
    expect(Lang::Fi, Msg::BtnLaunch, &area, "🚀 Käynnistä: Hyvinkää");
    expect(Lang::Sv, Msg::BtnList, &area, "📋 Lista: Hyvinkää");
    expect(Lang::Sv, Msg::BtnLaunch, &area, "🚀 Starta: Hyvinkää");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn plural_categories_follow_each_languages_cldr_rules() {
    // fi, sv and en: "one" is exactly 1; 0, 21 and 101 are "other" (unlike e.g. Russian).
    let i18n = i18n();
    for (lang, n, word) in [
        (Lang::Fi, 1, "1 rivi)"),
        (Lang::Fi, 0, "0 riviä)"),
        (Lang::Fi, 21, "21 riviä)"),
        (Lang::Sv, 1, "1 rad)"),
        (Lang::Sv, 21, "21 rader)"),
        (Lang::En, 1, "1 row)"),
        (Lang::En, 21, "21 rows)"),
    ] {
        let got = says(&i18n, lang, Msg::ExportCaption, &[("rows", Arg::Num(n))]);
        assert!(got.contains(word), "{} {n}: {got:?}", lang.code());
    }
}
