//! CSV export for coordinators, shaped so that a double-click opens it correctly in a
//! Finnish-locale Excel (and in LibreOffice and Numbers):
//!
//! - UTF-8 with a byte-order mark first, without which Excel reads UTF-8 as Windows-1252 and
//!   garbles ä, ö and å;
//! - `;` between fields, Excel's list separator wherever the decimal separator is a comma (fi, sv);
//! - CRLF after every record, the last one included;
//! - a field is quoted with `"` (inner quotes doubled) when it contains `;`, `,`, `"`, CR, LF or a
//!   tab, or starts or ends with whitespace. Commas and tabs are not special under `;` but are
//!   quoted anyway, since quoting is harmless and some importers guess the separator. A record
//!   made of one empty field is written as `""`, so it is not mistaken for a blank line and lost.
//!
//! # Formula injection
//!
//! Fields hold what users typed (names, messages), and a spreadsheet runs a cell that starts
//! with `=`, `+`, `-` or `@` as a formula (`=HYPERLINK(…)`, DDE `=cmd|…`). Such a field gets a
//! leading `'`, which Excel takes as "this is text" and others show as a harmless apostrophe:
//! - triggers: a field whose first character is a tab or CR, or whose first non-whitespace
//!   character is `=`, `+`, `-`, `@` or one of their full-width forms `＝ ＋ － ＠` (cheap
//!   caution: some importers normalise those);
//! - exception: a plain negative number (`-1`, `-12,5`, `-0.5`: a `-`, digits, at most one `,` or
//!   `.` decimal part, nothing else) is left alone, since it cannot be a formula and should stay
//!   a number in the sheet;
//! - no exception for `+`: `+358401234567` is neutralised on purpose, which also keeps a phone
//!   number's `+` and leading digits as text instead of becoming `3,58E+11`.
//!
//! The `'` is part of the field afterwards: a program reading the file back sees `'=1+1`. Rows are
//! written as given; keeping them as wide as the header is the caller's business.

/// The UTF-8 byte-order mark.
const BOM: &str = "\u{feff}";

/// Characters that make a spreadsheet treat a cell as a formula when they come first.
const FORMULA_START: [char; 8] = ['=', '+', '-', '@', '＝', '＋', '－', '＠'];

/// Writes `header` and `rows` as a CSV file that Finnish Excel opens correctly, so
/// coordinators can download demand lists and open them with a double-click. See the module
/// docs for the exact format and the formula-injection guard.
#[must_use]
pub fn csv(header: &[&str], rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from(BOM);
    write_record(&mut out, header);
    for row in rows {
        write_record(&mut out, row);
    }
    out.into_bytes()
}

/// One record and its CRLF.
fn write_record<S: AsRef<str>>(out: &mut String, fields: &[S]) {
    if let [only] = fields {
        if only.as_ref().is_empty() {
            out.push_str("\"\"\r\n");
            return;
        }
    }
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            out.push(';');
        }
        write_field(out, field.as_ref());
    }
    out.push_str("\r\n");
}

/// One field: neutralised if it could run as a formula, then quoted if needed.
fn write_field(out: &mut String, field: &str) {
    let prefix = if is_formula_like(field) { "'" } else { "" };
    if needs_quotes(field) {
        out.push('"');
        out.push_str(prefix);
        out.push_str(&field.replace('"', "\"\""));
        out.push('"');
    } else {
        out.push_str(prefix);
        out.push_str(field);
    }
}

/// Whether the field needs quoting to survive as one field (see the module docs).
fn needs_quotes(field: &str) -> bool {
    field.contains([';', ',', '"', '\r', '\n', '\t'])
        || field.starts_with(char::is_whitespace)
        || field.ends_with(char::is_whitespace)
}

/// Whether a spreadsheet could run the field as a formula (see the module docs).
fn is_formula_like(field: &str) -> bool {
    if field.starts_with(['\t', '\r']) {
        return true;
    }
    let trimmed = field.trim_start();
    trimmed.starts_with(FORMULA_START) && !is_negative_number(trimmed.trim_end())
}

/// `-1`, `-12,5`, `-0.5`: a minus, digits, and at most one decimal part.
fn is_negative_number(s: &str) -> bool {
    let Some(rest) = s.strip_prefix('-') else {
        return false;
    };
    let (int, frac) = match rest.split_once([',', '.']) {
        Some((int, frac)) => (int, Some(frac)),
        None => (rest, None),
    };
    let digits = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit());
    digits(int) && frac.is_none_or(digits)
}

#[cfg(test)]
mod tests {
    use super::*;

    const BOM_BYTES: &[u8] = b"\xEF\xBB\xBF";

    /// Reads the output back the way a strict CSV reader would, after checking and removing the
    /// BOM.
    fn read_back(bytes: &[u8]) -> Vec<Vec<String>> {
        let body = bytes.strip_prefix(BOM_BYTES).expect("starts with a BOM");
        let mut reader = ::csv::ReaderBuilder::new()
            .delimiter(b';')
            .has_headers(false)
            .flexible(true)
            .from_reader(body);
        reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    fn row(fields: &[&str]) -> Vec<String> {
        fields.iter().map(|f| (*f).to_owned()).collect()
    }

    #[test]
    fn plain_output_is_exact() {
        let out = csv(
            &["alue", "ryhmä", "määrä"],
            &[
                row(&["Hyvinkää", "Erotilanne", "3"]),
                row(&["Åkerby", "", "0"]),
            ],
        );
        let want = "\u{feff}alue;ryhmä;määrä\r\nHyvinkää;Erotilanne;3\r\nÅkerby;;0\r\n";
        assert_eq!(String::from_utf8(out).unwrap(), want);
    }

    #[test]
    fn the_bom_is_there_once_at_the_start() {
        let out = csv(&["a", "b"], &[row(&["ä", "ö"]), row(&["å", ""])]);
        assert_eq!(out.windows(3).filter(|w| *w == BOM_BYTES).count(), 1);
        assert!(out.starts_with(BOM_BYTES));
        let empty = csv(&[], &[]);
        assert_eq!(empty, b"\xEF\xBB\xBF\r\n");
    }

    #[test]
    fn records_end_in_crlf() {
        let out = csv(&["x", "y"], &[row(&["1", "2"]), row(&["3", "4"])]);
        let text = String::from_utf8(out).unwrap();
        assert!(text.ends_with("\r\n"));
        assert_eq!(text.matches("\r\n").count(), 3);
        assert_eq!(text.matches('\n').count(), 3);
        assert_eq!(text.matches('\r').count(), 3);
    }

    #[test]
    fn tricky_fields_round_trip_exactly() {
        let values = [
            "Hyvinkää",
            "Åsa Öberg",
            "ÄÖÅ äöå",
            "a;b",
            ";",
            ";;",
            "say \"hi\"",
            "\"",
            "\"\"",
            "line\nbreak",
            "dos\r\nbreak",
            "old\rmac",
            "\n",
            "",
            " leading",
            "trailing ",
            " ",
            "comma, here",
            "tab\there",
            "emoji 👪",
            "'already quoted",
            "a=b",
            "1+1",
            "-1",
            "-12,5",
            "-0.5",
            "42",
        ];
        let header = ["value", "after"];
        let rows: Vec<Vec<String>> = values.iter().map(|v| row(&[v, "x"])).collect();
        let back = read_back(&csv(&header, &rows));
        assert_eq!(back.len(), values.len() + 1);
        assert_eq!(back[0], row(&header));
        for (got, want) in back[1..].iter().zip(values) {
            assert_eq!(got, &row(&[want, "x"]), "{want:?}");
        }
        // Also as the last field of a record, and alone.
        for v in values {
            let back = read_back(&csv(&["a", "b"], &[row(&["x", v])]));
            assert_eq!(back[1], row(&["x", v]), "{v:?}");
            let back = read_back(&csv(&["a"], &[row(&[v])]));
            assert_eq!(back[1], row(&[v]), "{v:?}");
        }
    }

    #[test]
    fn only_fields_that_need_it_are_quoted() {
        let text = |fields: &[&str]| {
            let out = csv(fields, &[]);
            String::from_utf8(out)
                .unwrap()
                .trim_start_matches(BOM)
                .to_owned()
        };
        assert_eq!(text(&["plain", "äöå", "42"]), "plain;äöå;42\r\n");
        assert_eq!(text(&["a;b"]), "\"a;b\"\r\n");
        assert_eq!(text(&["say \"hi\""]), "\"say \"\"hi\"\"\"\r\n");
        assert_eq!(text(&[" x", "y "]), "\" x\";\"y \"\r\n");
        assert_eq!(text(&["a\nb"]), "\"a\nb\"\r\n");
        assert_eq!(text(&[""]), "\"\"\r\n");
        assert_eq!(text(&["", ""]), ";\r\n");
    }

    #[test]
    fn formulas_are_neutralised() {
        let cases = [
            ("=1+1", "'=1+1"),
            (
                "=HYPERLINK(\"http://x\";\"y\")",
                "'=HYPERLINK(\"http://x\";\"y\")",
            ),
            ("+358401234567", "'+358401234567"),
            ("+1", "'+1"),
            ("-2+3", "'-2+3"),
            ("-", "'-"),
            ("- ei mitään", "'- ei mitään"),
            ("-1e5", "'-1e5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\t=1", "'\t=1"),
            ("\tplain", "'\tplain"),
            ("\r=1", "'\r=1"),
            ("  =1", "'  =1"),
            ("\n=1", "'\n=1"),
            ("＝1+1", "'＝1+1"),
            ("＠x", "'＠x"),
        ];
        let header: Vec<&str> = cases.iter().map(|(raw, _)| *raw).collect();
        let rows: Vec<Vec<String>> = cases.iter().map(|(raw, _)| row(&[raw])).collect();
        let back = read_back(&csv(&header, &rows));
        let want_header: Vec<String> = cases.iter().map(|(_, w)| (*w).to_owned()).collect();
        assert_eq!(back[0], want_header, "the header is neutralised too");
        for (got, (raw, want)) in back[1..].iter().zip(cases) {
            assert_eq!(got, &row(&[want]), "{raw:?}");
        }
        // Plain negative numbers and values with a trigger later on are left alone.
        for keep in [
            "-1",
            "-12,5",
            "-0.5",
            " -3",
            "a=b",
            "1-2",
            "x@y.fi",
            "'=already",
        ] {
            let back = read_back(&csv(&["h"], &[row(&[keep])]));
            assert_eq!(back[1], row(&[keep]), "{keep:?}");
        }
        // The raw bytes of a neutralised field: the quote sits inside the CSV quoting.
        let raw = String::from_utf8(csv(&["=a;b"], &[])).unwrap();
        assert_eq!(raw, "\u{feff}\"'=a;b\"\r\n");
    }

    #[test]
    fn ragged_rows_are_written_as_given() {
        let back = read_back(&csv(&["a", "b"], &[row(&["1"]), row(&["1", "2", "3"])]));
        assert_eq!(
            back,
            vec![row(&["a", "b"]), row(&["1"]), row(&["1", "2", "3"])]
        );
    }
}
