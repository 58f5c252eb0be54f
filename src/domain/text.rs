//! Text from one person that is shown to another — Telegram names, feedback comments, event
//! titles and places, broadcasts — is cleaned of bidirectional and zero-width control
//! characters first: they can make a name read as someone else's, reverse a date or a phone
//! number, or hide words in a message, and a reader cannot see them.

use std::borrow::Cow;

/// Whether a character is a bidirectional control (embeddings, overrides, isolates, the
/// left-to-right, right-to-left and Arabic letter marks) or a zero-width one (space,
/// joiners, word joiner, invisible operators, byte-order mark, Mongolian vowel separator).
#[must_use]
pub fn invisible(c: char) -> bool {
    matches!(
        c,
        '\u{061C}'
            | '\u{180E}'
            | '\u{200B}'..='\u{200F}'
            | '\u{202A}'..='\u{202E}'
            | '\u{2060}'..='\u{2064}'
            | '\u{2066}'..='\u{2069}'
            | '\u{FEFF}'
    )
}

/// The text without [`invisible`] characters; everything else is kept as it is, in order.
#[must_use]
pub fn clean(s: &str) -> Cow<'_, str> {
    if s.chars().any(invisible) {
        Cow::Owned(s.chars().filter(|c| !invisible(*c)).collect())
    } else {
        Cow::Borrowed(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Text that mixes ordinary characters (Finnish, Arabic, emoji) with the controls.
    fn mixed() -> impl Strategy<Value = String> {
        let pieces = prop_oneof![
            any::<char>().prop_map(String::from),
            "[a-zåäö ]{1,4}",
            Just("שלום".to_owned()),
            Just("👨‍👩‍👧".to_owned()),
            prop::sample::select(vec![
                '\u{061C}', '\u{180E}', '\u{200B}', '\u{200C}', '\u{200D}', '\u{200E}', '\u{200F}',
                '\u{202A}', '\u{202B}', '\u{202C}', '\u{202D}', '\u{202E}', '\u{2060}', '\u{2064}',
                '\u{2066}', '\u{2067}', '\u{2068}', '\u{2069}', '\u{FEFF}',
            ])
            .prop_map(String::from),
        ];
        prop::collection::vec(pieces, 0..24).prop_map(|v| v.concat())
    }

    proptest! {
        #[test]
        fn nothing_invisible_is_left_and_nothing_else_is_lost(s in mixed()) {
            let out = clean(&s);
            prop_assert!(!out.chars().any(invisible));
            let visible: String = s.chars().filter(|c| !invisible(*c)).collect();
            prop_assert_eq!(out.as_ref(), visible.as_str());
            let again = clean(&out).into_owned();
            prop_assert_eq!(again.as_str(), out.as_ref());
        }

        #[test]
        fn text_without_controls_is_untouched(s in "[^\u{061C}\u{180E}\u{200B}-\u{200F}\u{202A}-\u{202E}\u{2060}-\u{2064}\u{2066}-\u{2069}\u{FEFF}]*") {
            prop_assert!(matches!(clean(&s), Cow::Borrowed(_)));
        }
    }

    #[test]
    fn every_bidi_and_zero_width_control_is_caught() {
        for c in [
            '\u{202E}', '\u{2066}', '\u{200B}', '\u{200D}', '\u{FEFF}', '\u{200F}',
        ] {
            assert!(invisible(c), "{c:?}");
        }
        for c in ['a', 'ä', ' ', '\n', 'ש', '👍'] {
            assert!(!invisible(c), "{c:?}");
        }
    }
}
