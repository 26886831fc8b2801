//! One normalization of typed text, applied by the compiler to the phrases authors write
//! and by the server to what visitors type, and the places of a message's words in its
//! clauses and sentences (which the hold-back rules read).

use std::borrow::Cow;

use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};

/// Lower case, NFKC, `ё` read as `е`, Latin letters without their diacritics (`ł` as `l`:
/// many type Polish without them), an apostrophe between two letters dropped (`don't`
/// is `dont`, one word, as many type it), every other run of characters that are not
/// letters, digits or combining marks (punctuation, emoji, spaces) turned into one space,
/// trimmed.
pub fn normalize(text: &str) -> String {
    Spoken::read(text).text
}

/// Where a word of a message stands: its clause (between commas, dashes, emoji and other
/// marks) and its sentence (between `.`, `!`, `?`, `…` and line breaks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Place {
    pub clause: usize,
    pub sentence: usize,
}

/// A message as the matcher reads it: normalized (see [`normalize`]), the place of each
/// word, for each sentence whether it asks (holds a question mark), and whether the
/// message rolls its eyes.
#[derive(Debug, PartialEq, Eq)]
pub(super) struct Spoken {
    pub text: String,
    pub places: Vec<Place>,
    pub asks: Vec<bool>,
    /// An emoji of doubt, mockery or refusal (🙄, 😒, 🤨, 🤡, 🤦, 👎): in any language,
    /// "sure, I'll buy it 🙄" is no purchase.
    pub doubts: bool,
}

/// The emoji of [`Spoken::doubts`].
const DOUBTING: [char; 6] = ['🙄', '😒', '🤨', '🤡', '🤦', '👎'];

impl Spoken {
    /// One pass over the message's NFKC form: the normalization and the places together.
    pub fn read(message: &str) -> Spoken {
        let nfkc: Cow<str> = ComposingNormalizerBorrowed::new_nfkc().normalize(message);
        let mut spoken = Spoken {
            text: String::with_capacity(nfkc.len()),
            places: Vec::new(),
            asks: vec![false],
            doubts: false,
        };
        let mut place = Place {
            clause: 0,
            sentence: 0,
        };
        // `gap`: a space is due before the next letter; `ended`: a sentence ended since
        // the last word.
        let (mut gap, mut ended) = (true, false);
        let mut chars = nfkc.chars().peekable();
        while let Some(raw) = chars.next() {
            spoken.doubts |= DOUBTING.contains(&raw);
            let ends = matches!(raw, '.' | '!' | '?' | '…' | '\n' | '¿' | '¡');
            if ends || is_break(raw) {
                place.clause += 1;
                ended |= ends;
                if matches!(raw, '?' | '¿') {
                    spoken.asks[place.sentence] = true;
                }
                gap = true;
                continue;
            }
            if ended && raw.is_alphanumeric() {
                place.sentence += 1;
                spoken.asks.push(false);
                ended = false;
            }
            for c in raw.to_lowercase() {
                let in_word = !gap
                    && spoken
                        .text
                        .chars()
                        .next_back()
                        .is_some_and(char::is_alphabetic);
                if matches!(c, '\'' | '\u{2019}' | '\u{02bc}')
                    && in_word
                    && chars.peek().is_some_and(|n| n.is_alphabetic())
                {
                    continue;
                }
                if c.is_alphanumeric() || is_mark(c) {
                    if gap {
                        if !spoken.text.is_empty() {
                            spoken.text.push(' ');
                        }
                        spoken.places.push(place);
                    }
                    gap = false;
                    spoken.text.push(fold(c));
                } else {
                    gap = true;
                }
            }
        }
        spoken
    }
}

/// `ё` as `е`; a Latin letter with a diacritic as its base letter.
fn fold(c: char) -> char {
    match c {
        'ё' => 'е',
        'ł' => 'l',
        'ø' => 'o',
        '\u{c0}'..='\u{24f}' => {
            let mut buffer = [0u8; 4];
            let decomposed =
                DecomposingNormalizerBorrowed::new_nfd().normalize(c.encode_utf8(&mut buffer));
            decomposed
                .chars()
                .next()
                .filter(char::is_ascii_alphabetic)
                .unwrap_or(c)
        }
        _ => c,
    }
}

/// Combining marks that NFKC leaves apart (scripts without precomposed letters).
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// Whether `c` ends a clause: punctuation and symbols (emoji) but not the marks that sit
/// inside words or around quotes (apostrophes, hyphens, quotation marks).
fn is_break(c: char) -> bool {
    !(c.is_alphanumeric()
        || c.is_whitespace()
        || is_mark(c)
        || matches!(
            c,
            '\'' | '\u{2019}'
                | '\u{02bc}'
                | '-'
                | '"'
                | '«'
                | '»'
                | '„'
                | '“'
                | '”'
                | '*'
                | '('
                | ')'
        ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalization_ignores_case_punctuation_spaces_and_compatibility_forms() {
        assert_eq!(normalize("  Нет,   ДОРОГО!!! "), "нет дорого");
        assert_eq!(normalize("Ещё"), "еще");
        assert_eq!(normalize("ﬁne…"), "fine");
        assert_eq!(normalize("Ｙｅｓ ✨"), "yes");
        assert_eq!(normalize("Może później?"), "moze pozniej");
        assert_eq!(
            normalize("I’ll take it, don't 'quote'"),
            "ill take it dont quote"
        );
        assert_eq!(normalize("!!"), "");
        assert_eq!(normalize("a-b «c» don't"), "a b c dont");
    }

    #[test]
    fn latin_diacritics_are_folded() {
        assert_eq!(normalize("Dziękuję, później"), "dziekuje pozniej");
        assert_eq!(normalize("ŁÓDŹ żółć"), "lodz zolc");
        assert_eq!(normalize("Ещё й"), "еще й");
    }

    #[test]
    fn each_word_has_its_clause_and_sentence() {
        let spoken = Spoken::read("yes, fine. how? ok");
        assert_eq!(spoken.text, "yes fine how ok");
        let at = |clause, sentence| Place { clause, sentence };
        assert_eq!(spoken.places, [at(0, 0), at(1, 0), at(2, 1), at(3, 2)]);
        assert_eq!(spoken.asks, [false, true, false]);
        let emoji = Spoken::read("we want it 🥰 honeymoon");
        assert_eq!(emoji.places[2].clause + 1, emoji.places[3].clause);
        assert_eq!(emoji.asks, [false]);
    }
}
