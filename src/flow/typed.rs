//! Typed answers read as the buttons they stand for: "kyllä", "nej", "fem", "5 vuotta",
//! "svenska", "valmis". Pure functions over the text; the words are recognised, never shown.

use crate::domain::Lang;

/// The text lowercased, trimmed, and without the punctuation a sentence may end with.
#[must_use]
pub fn normal(t: &str) -> String {
    t.trim()
        .trim_end_matches(['.', '!', '?', ','])
        .trim()
        .to_lowercase()
}

/// Yes or no, in Finnish, Swedish or English ("kyllä", "ei kiitos", "ja", "nej tack", "yes").
#[must_use]
pub fn yes_no(t: &str) -> Option<bool> {
    let t = normal(t);
    let first = t.split([' ', ',']).next().unwrap_or_default();
    match first {
        "kyllä" | "joo" | "juu" | "kyl" | "ja" | "jo" | "japp" | "yes" | "yeah" | "yep" => {
            Some(true)
        }
        "ei" | "nej" | "nää" | "no" | "nope" => Some(false),
        _ => None,
    }
}

/// Nothing to add, typed where free text is asked (the note to the coordinator): the whole
/// text must say so, since a note may well begin with "ei" ("ei samaan ryhmään kuin …").
#[must_use]
pub fn skip(t: &str) -> bool {
    matches!(
        normal(t).as_str(),
        "ohita"
            | "ei"
            | "ei kiitos"
            | "ei mitään"
            | "hoppa över"
            | "nej"
            | "nej tack"
            | "inget"
            | "skip"
            | "no"
            | "no thanks"
            | "nothing"
    )
}

/// "Done" with a multiple choice ("valmis", "klar", "done").
#[must_use]
pub fn done(t: &str) -> bool {
    matches!(
        normal(t).as_str(),
        "valmis" | "klar" | "färdig" | "done" | "ready"
    )
}

/// A language named in any of the three ("suomi", "suomeksi", "svenska", "på svenska",
/// "English").
#[must_use]
pub fn language(t: &str) -> Option<Lang> {
    let t = normal(t);
    let t = t
        .strip_prefix("på ")
        .or_else(|| t.strip_prefix("in "))
        .unwrap_or(&t);
    match t {
        "suomi" | "suomeksi" | "finska" | "finnish" | "suomea" => Some(Lang::Fi),
        "ruotsi" | "ruotsiksi" | "ruotsia" | "svenska" | "swedish" => Some(Lang::Sv),
        "englanti" | "englanniksi" | "englantia" | "engelska" | "english" => Some(Lang::En),
        _ => None,
    }
}

const NUMBER_WORDS: [[&str; 3]; 18] = [
    ["nolla", "noll", "zero"],
    ["yksi", "ett", "one"],
    ["kaksi", "två", "two"],
    ["kolme", "tre", "three"],
    ["neljä", "fyra", "four"],
    ["viisi", "fem", "five"],
    ["kuusi", "sex", "six"],
    ["seitsemän", "sju", "seven"],
    ["kahdeksan", "åtta", "eight"],
    ["yhdeksän", "nio", "nine"],
    ["kymmenen", "tio", "ten"],
    ["yksitoista", "elva", "eleven"],
    ["kaksitoista", "tolv", "twelve"],
    ["kolmetoista", "tretton", "thirteen"],
    ["neljätoista", "fjorton", "fourteen"],
    ["viisitoista", "femton", "fifteen"],
    ["kuusitoista", "sexton", "sixteen"],
    ["seitsemäntoista", "sjutton", "seventeen"],
];

fn number_word(w: &str) -> Option<u8> {
    let w = if w == "en" { "ett" } else { w };
    NUMBER_WORDS
        .iter()
        .position(|ws| ws.contains(&w))
        .and_then(|n| u8::try_from(n).ok())
}

/// An age from 0 to 17: digits ("5", "5 vuotta") or one number word ("viisi", "fem år",
/// "six years"). Two numbers ("5 ja 6") are not one age.
#[must_use]
pub fn age(t: &str) -> Option<u8> {
    let t = normal(t);
    let digits: String = t.chars().take_while(char::is_ascii_digit).collect();
    let (n, rest) = if digits.is_empty() {
        let (first, rest) = t.split_once(' ').unwrap_or((&t, ""));
        (number_word(first)?, rest)
    } else {
        if digits.len() > 2 {
            return None;
        }
        (digits.parse().ok()?, &t[digits.len()..])
    };
    let another_number = rest.chars().any(|c| c.is_ascii_digit())
        || rest.split_whitespace().any(|w| number_word(w).is_some());
    (n <= 17 && !another_number).then_some(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ages_in_digits_and_words() {
        for (t, n) in [
            ("5", 5),
            (" 5 vuotta", 5),
            ("17", 17),
            ("viisi", 5),
            ("Fem", 5),
            ("fem år", 5),
            ("six years", 6),
            ("kuusi vuotta.", 6),
            ("en", 1),
        ] {
            assert_eq!(age(t), Some(n), "{t:?}");
        }
        for bad in [
            "",
            "x",
            "18",
            "100",
            "5 ja 6",
            "-3",
            "fem och sex",
            "kahdeksantoista",
        ] {
            assert_eq!(age(bad), None, "{bad:?}");
        }
    }

    #[test]
    fn skipping_is_the_whole_text_saying_nothing_to_add() {
        for t in [
            "Ohita",
            "ei",
            "Ei kiitos.",
            "hoppa över",
            "Nej tack!",
            "skip",
            "No thanks",
        ] {
            assert!(skip(t), "{t}");
        }
        for t in [
            "ei samaan ryhmään kuin Matti",
            "nej, inte med Anna",
            "no peanuts please",
        ] {
            assert!(!skip(t), "{t}");
        }
    }

    #[test]
    fn yes_no_languages_and_done() {
        assert_eq!(yes_no("Kyllä"), Some(true));
        assert_eq!(yes_no("ei kiitos"), Some(false));
        assert_eq!(yes_no("Nej tack"), Some(false));
        assert_eq!(yes_no("ja!"), Some(true));
        assert_eq!(yes_no("ehkä"), None);
        assert_eq!(language("suomi"), Some(Lang::Fi));
        assert_eq!(language("På svenska"), Some(Lang::Sv));
        assert_eq!(language("ruotsiksi"), Some(Lang::Sv));
        assert_eq!(language("English"), Some(Lang::En));
        assert_eq!(language("saksa"), None);
        assert!(done("Valmis"));
        assert!(done("klar."));
        assert!(!done("ei"));
    }
}
