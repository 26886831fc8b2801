//! How a typed answer is understood: one normalization, applied by the compiler to the
//! phrases authors write and by the server to what visitors type, and one matching rule.
//!
//! A message matches a quick reply when, normalized, it *is* the reply's text or one of
//! its phrases; or when one of the reply's phrases occurs in it as whole words, unless
//! that reply leads to the purchase (a sale needs an exact answer, so "I don't want to
//! buy" never buys). When phrases of several replies occur, the longest wins; a tie
//! between two replies is unclear.

use std::borrow::Cow;

use icu_normalizer::ComposingNormalizerBorrowed;

use crate::runtime::Phrase;

/// Lower case, NFKC, `ё` read as `е`, every run of characters that are not letters,
/// digits or combining marks (punctuation, emoji, spaces) turned into one space, trimmed.
pub fn normalize(text: &str) -> String {
    let nfkc: Cow<str> = ComposingNormalizerBorrowed::new_nfkc().normalize(text);
    let mut out = String::with_capacity(nfkc.len());
    let mut gap = false;
    for c in nfkc.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() || is_mark(c) {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(if c == 'ё' { 'е' } else { c });
        } else {
            gap = true;
        }
    }
    out
}

/// Combining marks that NFKC leaves apart (scripts without precomposed letters).
fn is_mark(c: char) -> bool {
    matches!(c as u32, 0x0300..=0x036F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF | 0x20D0..=0x20FF | 0xFE20..=0xFE2F)
}

/// What a typed message says at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Understood {
    /// No letters or digits at all (`""`, `"!!"`): no answer, the default way.
    Nothing,
    /// The quick reply at this index of the step's options.
    Reply(u8),
    /// Text that matches no reply, or two equally well.
    Unclear,
}

/// Reads `message` against a step's phrases (sorted by text, as the compiler emits them).
pub fn understand(phrases: &[Phrase], message: &str) -> Understood {
    let text = normalize(message);
    if text.is_empty() {
        return Understood::Nothing;
    }
    let find = |s: &str| {
        phrases
            .binary_search_by(|p| p.text.cmp(s))
            .ok()
            .map(|i| phrases[i])
    };
    if let Some(phrase) = find(&text) {
        return Understood::Reply(phrase.option);
    }
    let longest_words = phrases
        .iter()
        .filter(|p| p.inside)
        .map(|p| p.text.split(' ').count())
        .max()
        .unwrap_or(0);
    // Word starts and ends: the text is words joined by single spaces.
    let starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices(' ').map(|(i, _)| i + 1))
        .collect();
    let ends: Vec<usize> = text
        .match_indices(' ')
        .map(|(i, _)| i)
        .chain(std::iter::once(text.len()))
        .collect();
    // (length in bytes, option, tied with another option)
    let mut best: Option<(usize, u8, bool)> = None;
    for (w, &start) in starts.iter().enumerate() {
        for &end in ends.iter().skip(w).take(longest_words) {
            let Some(phrase) = find(&text[start..end]).filter(|p| p.inside) else {
                continue;
            };
            let len = end - start;
            best = match best {
                None => Some((len, phrase.option, false)),
                Some((l, o, tie)) if l == len => Some((l, o, tie || o != phrase.option)),
                Some((l, ..)) if len > l => Some((len, phrase.option, false)),
                keep => keep,
            };
        }
    }
    match best {
        Some((_, option, false)) => Understood::Reply(option),
        _ => Understood::Unclear,
    }
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
        assert_eq!(normalize("Może później?"), "może później");
        assert_eq!(normalize("!!"), "");
    }

    fn phrases() -> Vec<Phrase> {
        let mut list = vec![
            Phrase {
                text: "yes",
                option: 0,
                inside: false,
            },
            Phrase {
                text: "buy",
                option: 0,
                inside: false,
            },
            Phrase {
                text: "expensive",
                option: 1,
                inside: true,
            },
            Phrase {
                text: "too expensive",
                option: 1,
                inside: true,
            },
            Phrase {
                text: "no",
                option: 2,
                inside: true,
            },
            Phrase {
                text: "not now",
                option: 2,
                inside: true,
            },
        ];
        list.sort_by_key(|p| p.text);
        list
    }

    #[test]
    fn exact_phrases_and_whole_words_inside_longer_messages() {
        let p = phrases();
        assert_eq!(understand(&p, "Yes!"), Understood::Reply(0));
        assert_eq!(
            understand(&p, "no, that's too expensive for me"),
            Understood::Reply(1)
        );
        assert_eq!(understand(&p, "not now, sorry"), Understood::Reply(2));
        assert_eq!(
            understand(&p, "I don't want to buy"),
            Understood::Unclear,
            "a sale needs an exact answer"
        );
        assert_eq!(
            understand(&p, "expensively"),
            Understood::Unclear,
            "whole words only"
        );
        assert_eq!(understand(&p, "what?"), Understood::Unclear);
        assert_eq!(understand(&p, " ?! "), Understood::Nothing);
    }

    #[test]
    fn a_tie_between_two_replies_is_unclear() {
        let p = phrases();
        assert_eq!(
            understand(&p, "no expensive"),
            Understood::Reply(1),
            "the longer phrase wins"
        );
        let mut p = p;
        p.push(Phrase {
            text: "hm",
            option: 1,
            inside: true,
        });
        p.sort_by_key(|p| p.text);
        assert_eq!(understand(&p, "hm, no"), Understood::Unclear);
    }
}
