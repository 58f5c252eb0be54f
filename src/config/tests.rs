//! Tests for reading and validating the configuration: the shipped file, every kind of broken
//! file (each a one-line mutation of a minimal valid one), and garbage that must not panic.

use super::*;
use std::ops::Range;

/// The file name passed to [`Config::parse`]; every error message must name it.
const FILE: &str = "conf/test-kokoon.toml";

/// A minimal valid config: two areas, two times, a children's group and an adults' group, one
/// coordinator. Each broken case below changes one line of it.
const MINIMAL: &str = r#"[bot]
username = "kokoon_test_bot"
organisation = { fi = "Testikaupunki", sv = "Teststaden", en = "Test City" }

[contact]
name = "Koordinaattori"
phone = "040 000 0000"
email = "koordinaattori@example.fi"

[privacy]
retention_months = 12

[[areas]]
id = "hyvinkaa"
name = { fi = "Hyvinkää", sv = "Hyvinge", en = "Hyvinkää" }

[[areas]]
id = "lohja"
name = { fi = "Lohja", sv = "Lojo", en = "Lohja" }

[[times]]
id = "weekday-evening"
name = { fi = "Arki-iltaisin", sv = "Vardagskvällar", en = "Weekday evenings" }

[[times]]
id = "weekend"
name = { fi = "Viikonloppuisin", sv = "Veckoslut", en = "Weekends" }

[[groups]]
id = "tilli-toukka"
name = { fi = "Tilli Toukka", sv = "Tilli Toukka", en = "Tilli Toukka" }
description = { fi = "Lasten ryhmä.", sv = "Barngrupp.", en = "Children's group." }
children = { min_age = 4, max_age = 6 }
threshold = 5
capacity = 8
languages = ["fi", "sv"]
areas = ["hyvinkaa", "lohja"]
times = ["weekday-evening", "weekend"]

[[groups]]
id = "eron-edessa"
name = { fi = "Eron edessä", sv = "Inför skilsmässan", en = "Facing separation" }
description = { fi = "Vanhempien ilta.", sv = "Föräldrakväll.", en = "Parents' evening." }
threshold = 6
capacity = 20

[[coordinators]]
name = "Koordinaattori"
telegram_id = 100000001
groups = ["tilli-toukka"]
"#;

/// `MINIMAL` with exactly one occurrence of `from` replaced by `to`. Panics if `from` is not
/// there exactly once, so a mutation can never silently do nothing.
fn mutate(from: &str, to: &str) -> String {
    assert_eq!(
        MINIMAL.matches(from).count(),
        1,
        "the mutation target {from:?} must occur exactly once in MINIMAL"
    );
    MINIMAL.replacen(from, to, 1)
}

/// Parses text that must be rejected and returns the errors.
fn errors(text: &str) -> ConfigErrors {
    match Config::parse(FILE, text) {
        Ok(c) => panic!(
            "expected the config to be rejected, but it parsed ({} groups)",
            c.groups.len()
        ),
        Err(e) => e,
    }
}

/// The 1-based line on which `needle` first occurs in `text`.
fn line_of_str(text: &str, needle: &str) -> usize {
    let at = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle:?} not in the text"));
    text[..at].matches('\n').count() + 1
}

/// The lines belonging to the `index`-th (0-based) `[[section]]` table: from its header up to,
/// not including, the next header of any table.
fn table_lines(text: &str, section: &str, index: usize) -> Range<usize> {
    let header = format!("[[{section}]]");
    let lines: Vec<&str> = text.lines().collect();
    let start = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.trim() == header)
        .map(|(i, _)| i)
        .nth(index)
        .unwrap_or_else(|| panic!("no {header} number {index}"));
    let end = lines
        .iter()
        .enumerate()
        .skip(start + 1)
        .find(|(_, l)| l.trim_start().starts_with('['))
        .map_or(lines.len(), |(i, _)| i);
    (start + 1)..(end + 1)
}

/// Asserts that exactly one error was reported, that its Display names the file, the place and
/// what is wrong, and returns it for further checks.
fn single(errs: &ConfigErrors, place: &str, what: &str) -> ConfigError {
    let shown = errs.to_string();
    assert_eq!(
        errs.errors.len(),
        1,
        "expected one error, got {}:\n{shown}",
        errs.errors.len()
    );
    assert_eq!(errs.file, FILE);
    assert!(
        shown.starts_with(FILE),
        "the message does not start with the file name:\n{shown}"
    );
    assert!(
        shown.contains(&format!(": {place}: ")),
        "the message does not name the place {place:?}:\n{shown}"
    );
    assert!(
        shown.contains(what),
        "the message does not say {what:?}:\n{shown}"
    );
    errs.errors[0].clone()
}

/// Like [`single`], and also that the line is inside the `index`-th `[[section]]` table and
/// shown right after the file name.
fn single_in_table(
    text: &str,
    errs: &ConfigErrors,
    section: &str,
    index: usize,
    place: &str,
    what: &str,
) {
    let e = single(errs, place, what);
    let range = table_lines(text, section, index);
    let line = e
        .line
        .unwrap_or_else(|| panic!("no line number for an error in [[{section}]] {index}: {e:?}"));
    assert!(
        range.contains(&line),
        "line {line} is not inside [[{section}]] number {index} (lines {range:?}): {e:?}"
    );
    assert!(
        errs.to_string()
            .starts_with(&format!("{FILE}:{line}: {place}: ")),
        "expected `{FILE}:{line}: {place}: ...`, got:\n{errs}"
    );
}

// ---- the valid configs ----

#[test]
fn minimal_config_is_valid() {
    let c = Config::parse(FILE, MINIMAL).expect("the minimal config is valid");
    assert_eq!(c.bot_username, "kokoon_test_bot");
    assert_eq!(c.areas.len(), 2);
    assert_eq!(c.times.len(), 2);
    assert_eq!(c.groups.len(), 2);
    assert_eq!(c.coordinators.len(), 1);
    // Left out, the areas and times of a group are all of them, in config order, and the
    // language is Finnish.
    let adults = &c.groups[1];
    assert_eq!(
        adults.areas,
        vec![c.areas[0].id.clone(), c.areas[1].id.clone()]
    );
    assert_eq!(
        adults.times,
        vec![c.times[0].id.clone(), c.times[1].id.clone()]
    );
    assert_eq!(adults.languages, vec![Lang::Fi]);
}

#[test]
fn shipped_config_parses() {
    let text = include_str!("../../config/kokoon.toml");
    let c = match Config::parse("config/kokoon.toml", text) {
        Ok(c) => c,
        Err(e) => panic!("the shipped config is invalid:\n{e}"),
    };
    assert_eq!(c.bot_username, "kokoon_hyvinkaa_bot");
    assert_eq!(c.retention_months, 12);
    assert_eq!(c.comment_retention_months, 6);
    assert_eq!(c.blocked_grace_days, 30);
    assert_eq!(c.groups.len(), 4, "groups");
    assert_eq!(c.areas.len(), 18, "areas");
    assert_eq!(c.times.len(), 4, "times");
    let ids: Vec<&str> = c.groups.iter().map(|g| g.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "tilli-toukka",
            "koululaiset",
            "eron-edessa",
            "yhteinen-vanhemmuus"
        ]
    );

    let tilli = c
        .group(&GroupId::parse("tilli-toukka").expect("valid id"))
        .expect("tilli-toukka is configured");
    assert_eq!(tilli.children, Some(AgeRange { min: 4, max: 6 }));
    assert!(tilli
        .children
        .is_some_and(|r| r.contains(4) && r.contains(6)));
    assert!(tilli
        .children
        .is_some_and(|r| !r.contains(3) && !r.contains(7)));
    assert_eq!((tilli.threshold, tilli.capacity), (5, 8));
    assert_eq!(tilli.languages, vec![Lang::Fi, Lang::Sv]);
    assert_eq!(tilli.times.len(), 3);
    assert_eq!(tilli.areas.len(), 18, "no areas listed means all of them");

    let eron = c
        .group(&GroupId::parse("eron-edessa").expect("valid id"))
        .expect("eron-edessa is configured");
    assert_eq!(eron.children, None, "eron-edessa is for adults");
    assert_eq!(
        eron.times,
        vec![TimeId::parse("weekday-evening").expect("valid id")]
    );
    assert_eq!(eron.name.get(Lang::Sv), "Inför skilsmässan – kvällsträff");

    let hyvinge = c
        .area(&AreaId::parse("hyvinkaa").expect("valid id"))
        .expect("hyvinkaa is configured");
    assert_eq!(hyvinge.name.get(Lang::Sv), "Hyvinge");
    assert!(c
        .time(&TimeId::parse("weekend").expect("valid id"))
        .is_some());

    assert_eq!(c.coordinators.len(), 3);
    assert_eq!(c.coordinators[0].telegram_id, UserId(100_000_001));
    assert_eq!(
        c.coordinators[0].groups,
        Some(vec![
            GroupId::parse("tilli-toukka").expect("valid id"),
            GroupId::parse("koululaiset").expect("valid id"),
        ])
    );
    assert_eq!(c.coordinators[1].telegram_id, UserId(100_000_002));
    assert_eq!(c.coordinators[1].groups, None, "\"*\" means every group");
    assert_eq!(
        c.coordinators[2].areas.as_ref().map(Vec::len),
        Some(2),
        "the example shows a coordinator limited to areas"
    );
    assert!(c.contact.phone.is_some() && c.contact.email.is_some());

    // The spring series: three partner visits at Pikku-Veturi, one a month, with the
    // questions the visits used.
    let spring: Vec<&ConfigEvent> = c
        .events
        .iter()
        .filter(|e| e.series.as_deref() == Some("eron-edessa-kevat-2027"))
        .collect();
    let months: Vec<String> = spring
        .iter()
        .map(|e| e.start.format("%Y-%m").to_string())
        .collect();
    assert_eq!(months, ["2027-03", "2027-04", "2027-05"]);
    assert!(spring
        .iter()
        .all(|e| e.place.get(Lang::Fi).starts_with("Pikku-Veturi")));
    use crate::domain::feedback::Question;
    assert_eq!(
        eron.feedback,
        [
            Question::Useful,
            Question::Continue,
            Question::Rating,
            Question::Comment
        ]
    );
    assert_eq!(tilli.feedback, Question::DEFAULT, "the default");
}

#[test]
fn load_reads_a_file_and_names_it_in_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let good = dir.path().join("good.toml");
    std::fs::write(&good, MINIMAL).expect("write config");
    let c = Config::load(&good).expect("the minimal config loads");
    assert_eq!(c.groups.len(), 2);

    let missing = dir.path().join("missing.toml");
    let e = Config::load(&missing).expect_err("a missing file is an error");
    let shown = e.to_string();
    assert!(shown.contains("missing.toml"), "{shown}");
    assert!(shown.contains("cannot read the file"), "{shown}");
}

// ---- broken configs, one kind each ----

#[test]
fn toml_syntax_error_names_the_line() {
    let text = mutate("threshold = 6\n", "threshold = = 6\n");
    let errs = errors(&text);
    assert_eq!(errs.errors.len(), 1, "{errs}");
    let line = line_of_str(&text, "threshold = = 6");
    assert_eq!(errs.errors[0].line, Some(line), "{errs}");
    assert!(
        errs.to_string().starts_with(&format!("{FILE}:{line}: ")),
        "{errs}"
    );
}

#[test]
fn unknown_field_names_the_line_and_the_field() {
    let text = mutate("threshold = 6\n", "treshold = 6\n");
    let errs = errors(&text);
    assert_eq!(errs.errors.len(), 1, "{errs}");
    let line = line_of_str(&text, "treshold");
    assert_eq!(errs.errors[0].line, Some(line), "{errs}");
    let shown = errs.to_string();
    assert!(shown.starts_with(&format!("{FILE}:{line}: ")), "{shown}");
    assert!(shown.contains("unknown field"), "{shown}");
    assert!(shown.contains("treshold"), "{shown}");
    // The message lists what was expected, so the typo is easy to fix.
    assert!(shown.contains("threshold"), "{shown}");
}

#[test]
fn wrong_value_type_names_the_line() {
    let text = mutate("threshold = 6\n", "threshold = \"five\"\n");
    let errs = errors(&text);
    assert_eq!(errs.errors.len(), 1, "{errs}");
    let line = line_of_str(&text, "\"five\"");
    assert_eq!(errs.errors[0].line, Some(line), "{errs}");
    let shown = errs.to_string();
    assert!(shown.starts_with(&format!("{FILE}:{line}: ")), "{shown}");
    assert!(shown.contains("five"), "{shown}");
    assert!(shown.contains("invalid type"), "{shown}");
}

/// A serde-level error (here a wrong type) only has toml's message, which does not say which
/// field it is about; the place must be named as for every other error.
#[test]
fn wrong_value_type_names_the_field() {
    let text = mutate("threshold = 6\n", "threshold = \"five\"\n");
    let errs = errors(&text);
    let shown = errs.to_string();
    assert!(
        shown.contains("threshold"),
        "the message does not say which field has the wrong type:\n{shown}"
    );
}

#[test]
fn duplicate_group_id() {
    let text = mutate("id = \"eron-edessa\"", "id = \"tilli-toukka\"");
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        1,
        "groups[1] \"tilli-toukka\".id",
        "duplicate group id \"tilli-toukka\"",
    );
}

#[test]
fn duplicate_area_id() {
    let text = mutate("id = \"lohja\"", "id = \"hyvinkaa\"");
    // The group lists "lohja", which no longer exists: replace that too, so the duplicate is
    // the only error.
    let text = text.replacen(
        "areas = [\"hyvinkaa\", \"lohja\"]",
        "areas = [\"hyvinkaa\"]",
        1,
    );
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "areas",
        1,
        "areas[1].id",
        "duplicate area id \"hyvinkaa\"",
    );
}

#[test]
fn duplicate_time_id() {
    let text = mutate("id = \"weekend\"", "id = \"weekday-evening\"");
    let text = text.replacen(
        "times = [\"weekday-evening\", \"weekend\"]",
        "times = [\"weekday-evening\"]",
        1,
    );
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "times",
        1,
        "times[1].id",
        "duplicate time id \"weekday-evening\"",
    );
}

#[test]
fn empty_name() {
    let text = mutate("fi = \"Eron edessä\"", "fi = \"  \"");
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        1,
        "groups[1] \"eron-edessa\".name.fi",
        "is empty",
    );
}

#[test]
fn name_too_long() {
    let long = "x".repeat(65);
    let text = mutate("fi = \"Eron edessä\"", &format!("fi = \"{long}\""));
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        1,
        "groups[1] \"eron-edessa\".name.fi",
        "longer than 64 characters",
    );
}

#[test]
fn missing_language_in_a_localized_text() {
    let text = mutate(
        "name = { fi = \"Eron edessä\", sv = \"Inför skilsmässan\", en = \"Facing separation\" }",
        "name = { fi = \"Eron edessä\", en = \"Facing separation\" }",
    );
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        1,
        "groups[1] \"eron-edessa\".name.sv",
        "is missing",
    );
}

/// An area whose name is broken is still a known area: a group that lists it must not get a
/// second, false error saying the area is unknown.
#[test]
fn area_with_a_broken_name_is_not_also_called_unknown() {
    let text = mutate(
        "name = { fi = \"Lohja\", sv = \"Lojo\", en = \"Lohja\" }",
        "name = { fi = \"Lohja\", en = \"Lohja\" }",
    );
    let errs = errors(&text);
    single_in_table(&text, &errs, "areas", 1, "areas[1].name.sv", "is missing");
}

/// Likewise a group whose name is broken is still a known group for the coordinators.
#[test]
fn group_with_a_broken_name_is_not_also_called_unknown() {
    let text = mutate(
        "name = { fi = \"Tilli Toukka\", sv = \"Tilli Toukka\", en = \"Tilli Toukka\" }",
        "name = { fi = \"Tilli Toukka\", en = \"Tilli Toukka\" }",
    );
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        0,
        "groups[0] \"tilli-toukka\".name.sv",
        "is missing",
    );
}

#[test]
fn missing_localized_text() {
    let text = mutate(
        "description = { fi = \"Vanhempien ilta.\", sv = \"Föräldrakväll.\", en = \"Parents' evening.\" }\n",
        "",
    );
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        1,
        "groups[1] \"eron-edessa\".description",
        "is missing (give it in fi, sv and en)",
    );
}

#[test]
fn missing_organisation_language_is_named() {
    let text = mutate("sv = \"Teststaden\", ", "");
    let errs = errors(&text);
    single(&errs, "bot.organisation.sv", "is missing");
}

#[test]
fn age_range_min_above_max() {
    let text = mutate(
        "children = { min_age = 4, max_age = 6 }",
        "children = { min_age = 6, max_age = 4 }",
    );
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        0,
        "groups[0] \"tilli-toukka\".children",
        "bad age range 6-4",
    );
}

#[test]
fn age_range_age_18() {
    let text = mutate(
        "children = { min_age = 4, max_age = 6 }",
        "children = { min_age = 4, max_age = 18 }",
    );
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        0,
        "groups[0] \"tilli-toukka\".children",
        "bad age range 4-18",
    );
}

#[test]
fn age_range_missing_bound() {
    let text = mutate(
        "children = { min_age = 4, max_age = 6 }",
        "children = { min_age = 4 }",
    );
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        0,
        "groups[0] \"tilli-toukka\".children",
        "needs both min_age and max_age",
    );
}

#[test]
fn threshold_zero() {
    let text = mutate("threshold = 6\n", "threshold = 0\n");
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        1,
        "groups[1] \"eron-edessa\".threshold",
        "must be at least 1",
    );
    assert!(errs.to_string().contains("not 0"), "{errs}");
}

#[test]
fn feedback_questions_are_known_each_once_and_a_comment_last() {
    for (list, what) in [
        ("[\"useful\", \"coffee\"]", "unknown question \"coffee\""),
        ("[\"rating\", \"rating\"]", "\"rating\" is listed twice"),
        ("[\"comment\", \"rating\"]", "\"comment\" must come last"),
        (
            "[\"comment\"]",
            "a question with buttons before the comment",
        ),
        ("[]", "needs at least one question"),
    ] {
        let text = mutate(
            "threshold = 6\n",
            &format!("threshold = 6\nfeedback = {list}\n"),
        );
        let errs = errors(&text);
        single_in_table(
            &text,
            &errs,
            "groups",
            1,
            "groups[1] \"eron-edessa\".feedback",
            what,
        );
    }
    let text = mutate(
        "threshold = 6\n",
        "threshold = 6\nfeedback = [\"rating\", \"comment\"]\n",
    );
    let c = Config::parse(FILE, &text).expect("valid");
    use crate::domain::feedback::Question;
    assert_eq!(c.groups[1].feedback, [Question::Rating, Question::Comment]);
    assert_eq!(
        c.feedback_questions(Some(&c.groups[1].id)),
        [Question::Rating, Question::Comment]
    );
    assert_eq!(c.feedback_questions(None), Question::DEFAULT);
}

#[test]
fn capacity_below_threshold() {
    let text = mutate("capacity = 20\n", "capacity = 3\n");
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        1,
        "groups[1] \"eron-edessa\".capacity",
        "(3) is smaller than the threshold (6)",
    );
}

#[test]
fn capacity_equal_to_threshold_is_fine() {
    let text = mutate("capacity = 20\n", "capacity = 6\n");
    let c = Config::parse(FILE, &text).expect("capacity may equal the threshold");
    assert_eq!((c.groups[1].threshold, c.groups[1].capacity), (6, 6));
}

#[test]
fn group_id_with_uppercase() {
    let text = mutate("id = \"eron-edessa\"", "id = \"Eron-edessa\"");
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        1,
        "groups[1] \"Eron-edessa\".id",
        "must be lowercase letters and digits separated by single hyphens",
    );
}

#[test]
fn group_id_with_event_prefix() {
    let text = mutate("id = \"eron-edessa\"", "id = \"event-ilta\"");
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        1,
        "groups[1] \"event-ilta\".id",
        "may not start with \"event-\"",
    );
}

#[test]
fn group_id_with_double_hyphen() {
    let text = mutate("id = \"eron-edessa\"", "id = \"eron--edessa\"");
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        1,
        "groups[1] \"eron--edessa\".id",
        "separated by single hyphens",
    );
}

#[test]
fn group_references_unknown_area() {
    let text = mutate(
        "areas = [\"hyvinkaa\", \"lohja\"]",
        "areas = [\"hyvinkaa\", \"lohjaa\"]",
    );
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        0,
        "groups[0] \"tilli-toukka\".areas",
        "unknown area \"lohjaa\"",
    );
}

#[test]
fn group_references_unknown_time() {
    let text = mutate(
        "times = [\"weekday-evening\", \"weekend\"]",
        "times = [\"weekday-evening\", \"weekends\"]",
    );
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        0,
        "groups[0] \"tilli-toukka\".times",
        "unknown time \"weekends\"",
    );
}

#[test]
fn group_lists_an_area_twice() {
    let text = mutate(
        "areas = [\"hyvinkaa\", \"lohja\"]",
        "areas = [\"hyvinkaa\", \"hyvinkaa\"]",
    );
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        0,
        "groups[0] \"tilli-toukka\".areas",
        "area \"hyvinkaa\" is listed twice",
    );
}

#[test]
fn group_areas_keep_config_order() {
    let text = mutate(
        "areas = [\"hyvinkaa\", \"lohja\"]",
        "areas = [\"lohja\", \"hyvinkaa\"]",
    );
    let c = Config::parse(FILE, &text).expect("valid");
    let ids: Vec<&str> = c.groups[0].areas.iter().map(AreaId::as_str).collect();
    assert_eq!(ids, ["hyvinkaa", "lohja"]);
}

#[test]
fn group_with_unknown_language() {
    let text = mutate(
        "languages = [\"fi\", \"sv\"]",
        "languages = [\"fi\", \"de\"]",
    );
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        0,
        "groups[0] \"tilli-toukka\".languages",
        "unknown language \"de\"",
    );
}

#[test]
fn coordinator_references_unknown_group() {
    let text = mutate("groups = [\"tilli-toukka\"]", "groups = [\"tilli-touka\"]");
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "coordinators",
        0,
        "coordinators[0].groups",
        "unknown group \"tilli-touka\"",
    );
}

#[test]
fn coordinator_star_mixed_with_groups() {
    let text = mutate(
        "groups = [\"tilli-toukka\"]",
        "groups = [\"*\", \"tilli-toukka\"]",
    );
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "coordinators",
        0,
        "coordinators[0].groups",
        "\"*\" already means every group",
    );
}

#[test]
fn coordinator_star_alone_means_all() {
    let text = mutate("groups = [\"tilli-toukka\"]", "groups = [\"*\"]");
    let c = Config::parse(FILE, &text).expect("\"*\" alone is valid");
    assert_eq!(c.coordinators[0].groups, None);
}

#[test]
fn coordinator_negative_telegram_id() {
    let text = mutate("telegram_id = 100000001", "telegram_id = -100000001");
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "coordinators",
        0,
        "coordinators[0].telegram_id",
        "must be a positive Telegram user id, not -100000001",
    );
}

#[test]
fn coordinator_zero_telegram_id() {
    let text = mutate("telegram_id = 100000001", "telegram_id = 0");
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "coordinators",
        0,
        "coordinators[0].telegram_id",
        "not 0",
    );
}

#[test]
fn coordinator_same_telegram_id_twice() {
    let text = format!(
        "{MINIMAL}\n[[coordinators]]\nname = \"Toinen\"\ntelegram_id = 100000001\ngroups = [\"eron-edessa\"]\n"
    );
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "coordinators",
        1,
        "coordinators[1].telegram_id",
        "the same Telegram id is listed twice",
    );
}

#[test]
fn coordinator_missing_groups() {
    let text = mutate("groups = [\"tilli-toukka\"]\n", "");
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "coordinators",
        0,
        "coordinators[0].groups",
        "is missing",
    );
}

/// An empty coordinator group list is an error, and its message must not give advice that
/// leads to another error: for a coordinator, leaving `groups` out is itself an error (see
/// [`coordinator_missing_groups`]); the way to mean "all" is `["*"]`.
#[test]
fn coordinator_empty_groups_list_gives_advice_that_works() {
    let text = mutate("groups = [\"tilli-toukka\"]", "groups = []");
    let errs = errors(&text);
    let e = single(&errs, "coordinators[0].groups", "is empty");
    assert!(
        e.what.contains("\"*\""),
        "the message should point to \"*\" for every group: {:?}",
        e.what
    );
    assert!(
        !e.what.contains("leave it out"),
        "the message advises leaving `groups` out, which is itself an error for a coordinator: {:?}",
        e.what
    );
}

#[test]
fn group_empty_areas_list() {
    let text = mutate("areas = [\"hyvinkaa\", \"lohja\"]", "areas = []");
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        0,
        "groups[0] \"tilli-toukka\".areas",
        "is empty",
    );
}

#[test]
fn no_groups_at_all() {
    let start = MINIMAL.find("[[groups]]").expect("groups section");
    let end = MINIMAL
        .find("[[coordinators]]")
        .expect("coordinators section");
    let text = format!("{}{}", &MINIMAL[..start], &MINIMAL[end..]);
    let errs = errors(&text);
    let shown = errs.to_string();
    // The coordinator's group is now unknown too; both are reported.
    assert!(
        shown.contains(&format!("{FILE}: [[groups]]: at least one group is needed")),
        "{shown}"
    );
    assert!(shown.contains("unknown group \"tilli-toukka\""), "{shown}");
    assert_eq!(errs.errors.len(), 2, "{shown}");
}

#[test]
fn no_areas_at_all() {
    let text = MINIMAL
        .replacen(
            "[[areas]]\nid = \"hyvinkaa\"\nname = { fi = \"Hyvinkää\", sv = \"Hyvinge\", en = \"Hyvinkää\" }\n",
            "",
            1,
        )
        .replacen(
            "[[areas]]\nid = \"lohja\"\nname = { fi = \"Lohja\", sv = \"Lojo\", en = \"Lohja\" }\n",
            "",
            1,
        )
        .replacen("areas = [\"hyvinkaa\", \"lohja\"]\n", "", 1);
    assert!(!text.contains("[[areas]]"), "both areas removed");
    let errs = errors(&text);
    single(&errs, "[[areas]]", "at least one area is needed");
}

#[test]
fn missing_bot_section() {
    let text = mutate(
        "[bot]\nusername = \"kokoon_test_bot\"\norganisation = { fi = \"Testikaupunki\", sv = \"Teststaden\", en = \"Test City\" }\n",
        "",
    );
    let errs = errors(&text);
    single(&errs, "[bot]", "the section is missing");
}

#[test]
fn missing_contact_section() {
    let text = mutate(
        "[contact]\nname = \"Koordinaattori\"\nphone = \"040 000 0000\"\nemail = \"koordinaattori@example.fi\"\n",
        "",
    );
    let errs = errors(&text);
    single(&errs, "[contact]", "the section is missing");
}

#[test]
fn bad_bot_username() {
    for bad in [
        "kokoon test bot",
        "kokoon_test",
        "bot",
        &format!("{}bot", "a".repeat(30)),
    ] {
        let text = mutate(
            "username = \"kokoon_test_bot\"",
            &format!("username = \"{bad}\""),
        );
        let errs = errors(&text);
        single(&errs, "bot.username", "is not a Telegram bot username");
        assert!(errs.to_string().contains(bad), "{errs}");
    }
}

/// The module promises that every error names the line; an error inside `[bot]` must too.
#[test]
fn bot_username_error_names_its_line() {
    let text = mutate("username = \"kokoon_test_bot\"", "username = \"x\"");
    let errs = errors(&text);
    let e = single(&errs, "bot.username", "is not a Telegram bot username");
    let line = line_of_str(&text, "username = \"x\"");
    assert!(
        e.line.is_some_and(|l| (1..=line).contains(&l)),
        "expected a line in [bot] (1..={line}), got {:?}: {errs}",
        e.line
    );
}

#[test]
fn bot_username_at_sign_is_dropped() {
    let text = mutate(
        "username = \"kokoon_test_bot\"",
        "username = \"@Kokoon_Test_Bot\"",
    );
    let c = Config::parse(FILE, &text).expect("a leading @ and capitals are fine");
    assert_eq!(c.bot_username, "Kokoon_Test_Bot");
}

#[test]
fn missing_bot_username() {
    let text = mutate("username = \"kokoon_test_bot\"\n", "");
    let errs = errors(&text);
    single(&errs, "bot.username", "is missing");
}

#[test]
fn contact_without_phone_and_email() {
    let text = mutate(
        "phone = \"040 000 0000\"\nemail = \"koordinaattori@example.fi\"\n",
        "",
    );
    let errs = errors(&text);
    single(&errs, "contact", "give a phone or an email");
}

#[test]
fn contact_with_only_an_email_is_fine() {
    let text = mutate("phone = \"040 000 0000\"\n", "");
    let c = Config::parse(FILE, &text).expect("an email alone is enough");
    assert_eq!(c.contact.phone, None);
    assert_eq!(
        c.contact.email.as_deref(),
        Some("koordinaattori@example.fi")
    );
}

#[test]
fn retention_out_of_range() {
    let text = mutate("retention_months = 12", "retention_months = 0");
    let errs = errors(&text);
    single(
        &errs,
        "privacy.retention_months",
        "must be 1 to 60 months, not 0",
    );
}

#[test]
fn privacy_periods_default_and_are_checked() {
    let c = Config::parse(FILE, MINIMAL).expect("valid");
    assert_eq!((c.comment_retention_months, c.blocked_grace_days), (6, 30));
    let short = mutate("retention_months = 12", "retention_months = 3");
    let c = Config::parse(FILE, &short).expect("valid");
    assert_eq!(
        c.comment_retention_months, 3,
        "the default never outlives the registrations"
    );
    for (line, place, what) in [
        (
            "retention_months = 12\ncomment_retention_months = 0",
            "privacy.comment_retention_months",
            "must be 1 to 60 months, not 0",
        ),
        (
            "retention_months = 12\ncomment_retention_months = 13",
            "privacy.comment_retention_months",
            "must not be longer than retention_months (12)",
        ),
        (
            "retention_months = 12\nblocked_grace_days = 0",
            "privacy.blocked_grace_days",
            "must be 1 to 365 days, not 0",
        ),
    ] {
        let errs = errors(&mutate("retention_months = 12", line));
        single(&errs, place, what);
    }
}

#[test]
fn several_errors_are_reported_at_once() {
    let text = MINIMAL
        .replacen("threshold = 6\n", "threshold = 0\n", 1)
        .replacen("id = \"lohja\"", "id = \"hyvinkaa\"", 1)
        .replacen("\"lohja\"]", "\"lohja\", \"vihti\"]", 1)
        .replacen("telegram_id = 100000001", "telegram_id = -5", 1)
        .replacen("username = \"kokoon_test_bot\"", "username = \"x\"", 1)
        .replacen("name = \"Koordinaattori\"", "name = \"\"", 1);
    let errs = errors(&text);
    let shown = errs.to_string();
    let expected = [
        "bot.username: \"x\" is not a Telegram bot username",
        "areas[1].id: duplicate area id \"hyvinkaa\"",
        "contact.name: is empty",
        "groups[0] \"tilli-toukka\".areas: unknown area \"lohja\"",
        "groups[0] \"tilli-toukka\".areas: unknown area \"vihti\"",
        "groups[1] \"eron-edessa\".threshold: must be at least 1",
        "coordinators[0].telegram_id: must be a positive Telegram user id, not -5",
    ];
    for e in expected {
        assert!(shown.contains(e), "missing {e:?} in:\n{shown}");
    }
    assert_eq!(errs.errors.len(), expected.len(), "{shown}");
    // One line per error, each starting with the file name.
    assert_eq!(shown.lines().count(), expected.len(), "{shown}");
    assert!(shown.lines().all(|l| l.starts_with(FILE)), "{shown}");
}

// ---- garbage must be an error, never a panic ----

#[test]
fn garbage_is_an_error_not_a_panic() {
    let deep_array = format!("x = {}{}", "[".repeat(5_000), "]".repeat(5_000));
    let deep_threshold = mutate(
        "threshold = 6\n",
        &format!("threshold = {}6{}\n", "[".repeat(5_000), "]".repeat(5_000)),
    );
    let deep_table = format!("{}= 1", "a.".repeat(5_000));
    let cases: Vec<(&str, String)> = vec![
        ("empty", String::new()),
        ("whitespace", " \n\t\n".into()),
        (
            "binary",
            "\u{0}\u{1}\u{2}\u{7f}\u{fffd}\u{feff}=\u{0}[[".into(),
        ),
        ("bom", format!("\u{feff}{MINIMAL}")),
        ("deep array", deep_array),
        ("deep array in a field", deep_threshold),
        ("deep dotted key", deep_table),
        (
            "float threshold",
            mutate("threshold = 6\n", "threshold = 1e300\n"),
        ),
        (
            "huge threshold",
            mutate("threshold = 6\n", "threshold = 99999999999999999999\n"),
        ),
        (
            "huge telegram id",
            mutate(
                "telegram_id = 100000001",
                "telegram_id = 99999999999999999999",
            ),
        ),
        (
            "i64 max threshold",
            mutate("threshold = 6\n", "threshold = 9223372036854775807\n"),
        ),
        (
            "i64 min age",
            mutate("min_age = 4", "min_age = -9223372036854775808"),
        ),
        ("only brackets", "[[[[[[".into()),
        ("table as array", "[[bot]]\n[bot]\n".into()),
        ("unterminated string", "[bot]\nusername = \"abc".into()),
    ];
    for (name, text) in cases {
        let result = std::panic::catch_unwind(|| Config::parse(FILE, &text));
        let Ok(result) = result else {
            panic!("Config::parse panicked on {name}");
        };
        if name == "bom" {
            // A byte-order mark is common from Windows editors; either accepting it or
            // rejecting it with a message is fine, but it must not panic.
            continue;
        }
        let Err(errs) = result else {
            panic!("{name} was accepted as a config");
        };
        assert!(!errs.errors.is_empty(), "{name}: no errors listed");
        let shown = errs.to_string();
        assert!(shown.starts_with(FILE), "{name}: {shown}");
        assert!(
            errs.errors.iter().all(|e| !e.what.trim().is_empty()),
            "{name}: an error without text: {shown}"
        );
    }
}

#[test]
fn huge_numbers_are_reported_with_their_line() {
    let text = mutate("threshold = 6\n", "threshold = 99999999999999999999\n");
    let errs = errors(&text);
    let line = line_of_str(&text, "99999999999999999999");
    assert_eq!(errs.errors.len(), 1, "{errs}");
    assert_eq!(errs.errors[0].line, Some(line), "{errs}");

    let text = mutate("threshold = 6\n", "threshold = 9223372036854775807\n");
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "groups",
        1,
        "groups[1] \"eron-edessa\".threshold",
        "not 9223372036854775807",
    );
}

#[test]
fn line_of_counts_lines() {
    let text = "a\nb\nc";
    assert_eq!(line_of(text, 0), 1);
    assert_eq!(line_of(text, 2), 2);
    assert_eq!(line_of(text, 4), 3);
    assert_eq!(line_of(text, 999), 3, "past the end is the last line");
}

#[test]
fn areas_are_offered_home_first_then_by_name_in_the_readers_language_and_alphabet() {
    let c = Config::load(std::path::Path::new("config/kokoon.toml")).expect("example config");
    let ids: Vec<AreaId> = c.areas.iter().map(|a| a.id.clone()).collect();
    let names = |lang| -> Vec<String> {
        c.areas_in(&ids, lang)
            .iter()
            .map(|a| a.name.get(lang).to_owned())
            .collect()
    };
    let sv = names(Lang::Sv);
    assert_eq!(sv[0], "Hyvinge", "the home municipality first");
    assert_eq!(
        &sv[1..],
        [
            "Askola",
            "Borgnäs",
            "Borgå",
            "Hangö",
            "Högfors",
            "Ingå",
            "Lappträsk",
            "Lojo",
            "Lovisa",
            "Mäntsälä",
            "Nurmijärvi",
            "Raseborg",
            "Sibbo",
            "Sjundeå",
            "Träskända",
            "Tusby",
            "Vichtis"
        ]
    );
    let fi = names(Lang::Fi);
    assert_eq!(fi[0], "Hyvinkää");
    assert_eq!(
        &fi[1..6],
        ["Askola", "Hanko", "Inkoo", "Järvenpää", "Karkkila"]
    );
    // Å, Ä, Ö come after Z, and W sorts as V (so "Wasa" before "Vörå").
    let mut c2 = c.clone();
    c2.home_area = None;
    for (a, name) in
        c2.areas
            .iter_mut()
            .zip(["Öja", "Zeta", "Åbo", "Äänekoski", "Wasa", "Vörå", "Ylä"])
    {
        a.name = Localized {
            fi: name.into(),
            sv: name.into(),
            en: name.into(),
        };
    }
    let ids: Vec<AreaId> = c2.areas.iter().take(7).map(|a| a.id.clone()).collect();
    let order: Vec<&str> = c2
        .areas_in(&ids, Lang::Sv)
        .iter()
        .map(|a| a.name.get(Lang::Sv))
        .collect();
    assert_eq!(
        order,
        ["Wasa", "Vörå", "Ylä", "Zeta", "Åbo", "Äänekoski", "Öja"]
    );
}

#[test]
fn a_home_area_that_is_not_an_area_is_an_error() {
    let text = std::fs::read_to_string("config/kokoon.toml")
        .expect("example config")
        .replace("home_area = \"hyvinkaa\"", "home_area = \"hyvinge\"");
    let e = Config::parse("kokoon.toml", &text).expect_err("unknown home area");
    assert!(e.to_string().contains("bot.home_area"), "{e}");
}

#[test]
fn texts_a_parent_reads_take_every_language_and_one_language_ones_are_listed() {
    let c = Config::load(std::path::Path::new("config/kokoon.toml")).expect("example config");
    assert!(c.one_language.is_empty(), "{:?}", c.one_language);
    assert_eq!(
        c.contact.name.get(Lang::Sv),
        "Koordinator för familjearbetet, Pikku-Veturi"
    );
    let key = c.events[0].key.clone();
    let stored = c.events[0].place.get(Lang::Fi).to_owned();
    assert_eq!(
        c.place_in(Some(&key), &stored, Lang::Sv),
        "Pikku-Veturi, Hyvinge"
    );
    // A place a coordinator changed in the chat is shown as they wrote it.
    assert_eq!(
        c.place_in(Some(&key), "Kirkkotori 2", Lang::Sv),
        "Kirkkotori 2"
    );
    assert_eq!(c.place_in(None, "Kirkkotori 2", Lang::Sv), "Kirkkotori 2");

    // A plain string is accepted for everyone, and named.
    let text = std::fs::read_to_string("config/kokoon.toml")
        .expect("example config")
        .replace(
            r#"place = { fi = "Pikku-Veturi, Hyvinkää", sv = "Pikku-Veturi, Hyvinge", en = "Pikku-Veturi, Hyvinkää" }"#,
            r#"place = "Pikku-Veturi, Hyvinkää""#,
        );
    let c = Config::parse("kokoon.toml", &text).expect("a plain place is fine");
    assert_eq!(
        c.one_language,
        ["events[0].place", "events[1].place", "events[2].place"]
    );
    assert_eq!(c.events[0].place.get(Lang::Sv), "Pikku-Veturi, Hyvinkää");
}

// ---- the public web page: [web] and the groups' public contacts ----

#[test]
fn the_web_page_is_off_by_default() {
    let c = Config::parse(FILE, MINIMAL).expect("valid");
    assert_eq!(c.web.listen, None);
    assert!(c.web.embed_origins.is_empty());
    assert!(c.groups.iter().all(|g| g.contact.is_none()));
}

#[test]
fn a_web_section_is_read() {
    let text = format!(
        "{MINIMAL}\n[web]\nlisten = \"127.0.0.1:8080\"\npublic_url = \"https://kokoon.example.fi/\"\nembed_origins = [\"https://www.hyvinkaa.fi\"]\nstatement_date = \"2026-12-05\"\n"
    );
    let c = Config::parse(FILE, &text).expect("valid");
    assert_eq!(c.web.listen, Some("127.0.0.1:8080".parse().expect("addr")));
    assert_eq!(c.web.embed_origins, ["https://www.hyvinkaa.fi"]);
    assert_eq!(
        c.web.public_url.as_deref(),
        Some("https://kokoon.example.fi")
    );
    assert_eq!(
        c.web.statement_date,
        chrono::NaiveDate::from_ymd_opt(2026, 12, 5)
    );
}

#[test]
fn a_bad_web_listen_address() {
    let text = format!("{MINIMAL}\n[web]\nlisten = \"localhost\"\n");
    let errs = errors(&text);
    let e = single(
        &errs,
        "web.listen",
        "\"localhost\" is not an address and port",
    );
    assert_eq!(e.line, Some(line_of_str(&text, "[web]")));
}

#[test]
fn a_bad_embed_origin_and_date() {
    let text = format!(
        "{MINIMAL}\n[web]\nembed_origins = [\"www.hyvinkaa.fi/page\"]\nstatement_date = \"5.12.2026\"\n"
    );
    let errs = errors(&text);
    let shown = errs.to_string();
    assert_eq!(errs.errors.len(), 2, "{shown}");
    assert!(
        shown.contains(": web.embed_origins: \"www.hyvinkaa.fi/page\" is not a web origin"),
        "{shown}"
    );
    assert!(
        shown.contains(": web.statement_date: \"5.12.2026\" is not a date"),
        "{shown}"
    );
}

#[test]
fn an_unknown_web_field() {
    let text = format!("{MINIMAL}\n[web]\nport = 8080\n");
    let errs = errors(&text);
    assert!(errs.to_string().contains("port"), "{errs}");
}

#[test]
fn a_groups_public_contact_is_read() {
    let text = mutate(
        "threshold = 6\n",
        "threshold = 6\ncontact = { name = \"Eron edessä -koordinaattori\", email = \"ero@example.fi\" }\n",
    );
    let c = Config::parse(FILE, &text).expect("valid");
    let contact = c.groups[1].contact.as_ref().expect("a contact");
    assert_eq!(contact.name.get(Lang::Fi), "Eron edessä -koordinaattori");
    assert_eq!(contact.phone, None);
    assert_eq!(contact.email.as_deref(), Some("ero@example.fi"));
}

#[test]
fn a_groups_contact_needs_a_name_and_a_way_to_reach() {
    let text = mutate(
        "threshold = 6\n",
        "threshold = 6\ncontact = { phone = \"040 1\" }\n",
    );
    let errs = errors(&text);
    single(
        &errs,
        "groups[1] \"eron-edessa\".contact.name",
        "is missing",
    );
    let text = mutate(
        "threshold = 6\n",
        "threshold = 6\ncontact = { name = \"N\" }\n",
    );
    let errs = errors(&text);
    let e = single(
        &errs,
        "groups[1] \"eron-edessa\".contact",
        "give a phone or an email",
    );
    assert!(table_lines(&text, "groups", 1).contains(&e.line.expect("a line")));
}

#[test]
fn a_groups_contact_email_must_be_one() {
    let text = mutate(
        "threshold = 6\n",
        "threshold = 6\ncontact = { name = \"N\", email = \"ero at example\" }\n",
    );
    let errs = errors(&text);
    single(
        &errs,
        "groups[1] \"eron-edessa\".contact.email",
        "is not an email address",
    );
}

#[test]
fn a_groups_contact_cannot_be_a_telegram_id() {
    let text = mutate(
        "threshold = 6\n",
        "threshold = 6\ncontact = { name = \"N\", email = \"n@example.fi\", telegram_id = 5 }\n",
    );
    let errs = errors(&text);
    assert!(errs.to_string().contains("telegram_id"), "{errs}");
}

#[test]
fn recruitment_sources_are_checked() {
    let ok = format!("{MINIMAL}\n[recruitment]\nsources = [\"pikkuveturi\", \"neuvola-2\"]\n");
    let c = Config::parse(FILE, &ok).expect("valid");
    let names: Vec<&str> = c.sources.iter().map(|s| s.as_str()).collect();
    assert_eq!(names, ["pikkuveturi", "neuvola-2"]);
    assert!(Config::parse(FILE, MINIMAL)
        .expect("valid")
        .sources
        .is_empty());
    for (bad, what) in [
        ("[\"a b\"]", "letters, digits"),
        ("[\"x\", \"x\"]", "listed twice"),
        ("[\"\"]", "letters, digits"),
    ] {
        let e = errors(&format!("{MINIMAL}\n[recruitment]\nsources = {bad}\n"));
        let text = e.to_string();
        assert!(
            text.contains("recruitment.sources") && text.contains(what),
            "{text}"
        );
        assert!(text.contains(FILE), "{text}");
    }
}

#[test]
fn an_area_may_name_its_own_controller() {
    let named = r#"name = { fi = "Lohja", sv = "Lojo", en = "Lohja" }"#;
    let ok = mutate(
        named,
        &format!(
            "{named}\ncontroller = {{ name = {{ fi = \"Lohjan kaupunki\", sv = \"Lojo stad\", en = \"City of Lohja\" }}, contact = \"tietosuoja@lohja.example.fi\" }}"
        ),
    );
    let c = Config::parse(FILE, &ok).expect("valid");
    let lohja = c
        .areas
        .iter()
        .find(|a| a.id.as_str() == "lohja")
        .expect("area");
    let ctl = lohja.controller.as_ref().expect("a controller");
    assert_eq!(ctl.name.get(Lang::Sv), "Lojo stad");
    assert_eq!(ctl.contact, "tietosuoja@lohja.example.fi");
    assert!(
        c.areas.iter().any(|a| a.controller.is_none()),
        "others fall back"
    );

    let no_contact = mutate(
        named,
        &format!("{named}\ncontroller = {{ name = {{ fi = \"L\", sv = \"L\", en = \"L\" }} }}"),
    );
    let text = errors(&no_contact).to_string();
    assert!(text.contains("areas[1].controller.contact"), "{text}");
}

#[test]
fn an_area_has_a_finnish_from_form_and_areas_without_one_are_listed() {
    let c = Config::load(std::path::Path::new("config/kokoon.toml")).expect("example config");
    assert!(c.no_fi_from.is_empty(), "{:?}", c.no_fi_from);
    let area = |id: &str| {
        c.area(&AreaId::parse(id).expect("id"))
            .expect("area")
            .clone()
    };
    assert_eq!(area("hyvinkaa").from_name(Lang::Fi), "Hyvinkäältä");
    assert_eq!(area("hyvinkaa").from_name(Lang::Sv), "Hyvinge");
    assert_eq!(area("porvoo").from_name(Lang::Fi), "Porvoosta");
    assert_eq!(area("porvoo").from_name(Lang::En), "Porvoo");
    // The Swedish times read as plural adverbs of time.
    let times: Vec<&str> = c.times.iter().map(|t| t.name.get(Lang::Sv)).collect();
    assert_eq!(
        times,
        [
            "Vardagsförmiddagar",
            "Vardagseftermiddagar",
            "Vardagskvällar",
            "Veckoslut"
        ]
    );
    let text = std::fs::read_to_string("config/kokoon.toml")
        .expect("example config")
        .replace("fi_from = \"Porvoosta\"\n", "");
    let c = Config::parse("kokoon.toml", &text).expect("a missing from form is fine");
    assert_eq!(c.no_fi_from, ["areas[11] (porvoo)"]);
    assert_eq!(
        c.area(&AreaId::parse("porvoo").expect("id"))
            .expect("area")
            .from_name(Lang::Fi),
        "Porvoo"
    );
}

#[test]
fn a_coordinator_may_be_limited_to_areas() {
    let text = mutate(
        "groups = [\"tilli-toukka\"]\n",
        "groups = [\"tilli-toukka\"]\nareas = [\"lohja\"]\n",
    );
    let c = match Config::parse(FILE, &text) {
        Ok(c) => c,
        Err(e) => panic!("areas = [..] of a coordinator is valid: {e}"),
    };
    assert_eq!(
        c.coordinators[0].areas,
        Some(vec![AreaId::parse("lohja").expect("id")])
    );
    let minimal = Config::parse(FILE, MINIMAL).expect("valid");
    assert_eq!(minimal.coordinators[0].areas, None, "left out: every area");
}

#[test]
fn coordinator_references_unknown_area() {
    let text = mutate(
        "groups = [\"tilli-toukka\"]\n",
        "groups = [\"tilli-toukka\"]\nareas = [\"lohjaa\"]\n",
    );
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "coordinators",
        0,
        "coordinators[0].areas",
        "unknown area \"lohjaa\"",
    );
}

#[test]
fn coordinator_with_an_empty_areas_list() {
    let text = mutate(
        "groups = [\"tilli-toukka\"]\n",
        "groups = [\"tilli-toukka\"]\nareas = []\n",
    );
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "coordinators",
        0,
        "coordinators[0].areas",
        "is empty",
    );
}

#[test]
fn a_webhook_section_gives_the_url_and_the_listener_or_says_what_is_missing() {
    let c = Config::parse(FILE, MINIMAL).expect("valid");
    assert_eq!(c.webhook, crate::config::WebhookSettings::default());
    let with = format!(
        "{MINIMAL}\n[webhook]\nurl = \"https://bot.example.fi/kokoon/telegram\"\nlisten = \"8443\"\n"
    );
    let c = Config::parse(FILE, &with).expect("valid");
    assert_eq!(
        c.webhook.url.as_deref(),
        Some("https://bot.example.fi/kokoon/telegram")
    );
    assert_eq!(
        c.webhook.listen.map(|a| a.to_string()).as_deref(),
        Some("127.0.0.1:8443")
    );
    let no_listen = format!("{MINIMAL}\n[webhook]\nurl = \"https://bot.example.fi/k\"\n");
    let e = errors(&no_listen);
    assert!(e.errors.iter().any(|e| e.place == "webhook.listen"), "{e}");
    let bad_url = format!("{MINIMAL}\n[webhook]\nurl = \"bot.example.fi\"\nlisten = \"8443\"\n");
    let e = errors(&bad_url);
    assert!(e.errors.iter().any(|e| e.place == "webhook.url"), "{e}");
}

/// `MINIMAL` with a `[[facilitators]]` table whose groups line is `groups`.
fn with_facilitator(groups: &str) -> String {
    format!("{MINIMAL}\n[[facilitators]]\nname = \"Ohjaaja\"\ntelegram_id = 200000001\n{groups}\n")
}

#[test]
fn a_listed_facilitator_is_read_with_their_groups() {
    let c = Config::parse(FILE, &with_facilitator("groups = [\"tilli-toukka\"]")).expect("valid");
    assert_eq!(c.facilitators.len(), 1);
    assert_eq!(c.facilitators[0].telegram_id, UserId(200_000_001));
    assert_eq!(
        c.facilitators[0].groups,
        vec![GroupId::parse("tilli-toukka").expect("id")]
    );
    let listed = c.listed_facilitators();
    assert_eq!(listed[0].0, UserId(200_000_001));
    // None listed in the minimal file.
    assert!(Config::parse(FILE, MINIMAL)
        .expect("valid")
        .facilitators
        .is_empty());
}

#[test]
fn a_listed_facilitator_names_known_groups_and_never_every_group() {
    let text = with_facilitator("groups = [\"tilli-touka\"]");
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "facilitators",
        0,
        "facilitators[0].groups",
        "unknown group \"tilli-touka\"",
    );
    let text = with_facilitator("groups = [\"*\"]");
    let errs = errors(&text);
    single_in_table(
        &text,
        &errs,
        "facilitators",
        0,
        "facilitators[0].groups",
        "a facilitator is named for groups",
    );
    let text = with_facilitator("groups = []");
    let errs = errors(&text);
    single(&errs, "facilitators[0].groups", "list the ids");
    let text = with_facilitator("");
    let errs = errors(&text);
    single(&errs, "facilitators[0].groups", "is missing");
}

#[test]
fn the_start_horizon_defaults_to_three_months_and_is_bounded() {
    let c = Config::parse(FILE, MINIMAL).expect("valid");
    assert_eq!(c.start_horizon_months, 3, "the default");
    let text = mutate(
        "retention_months = 12\n",
        "retention_months = 12\n\n[launch]\nstart_horizon_months = 6\n",
    );
    let c = Config::parse(FILE, &text).expect("valid");
    assert_eq!(c.start_horizon_months, 6);
    let text = mutate(
        "retention_months = 12\n",
        "retention_months = 12\n\n[launch]\nstart_horizon_months = 25\n",
    );
    single(
        &errors(&text),
        "launch.start_horizon_months",
        "must be 0 to 24 months, not 25",
    );
}
