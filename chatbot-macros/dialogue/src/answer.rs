//! How a typed answer is understood: one normalization, applied by the compiler to the
//! phrases authors write and by the server to what visitors type, and one matching rule.
//!
//! A step's phrases are its replies' labels, their own phrases, the phrases of the
//! intents they take (`yes`, `no`, `later`, ... written once per locale), and the
//! questions the step answers aside (`price`, `contents`, ...). A message picks what:
//! 1. it *is*, normalized (any phrase, buying ones included);
//! 2. occurs in it as whole words, the longest phrase winning (a tie between two
//!    targets is unclear), except that a reply that buys counts inside a longer message
//!    only when nothing holds the message back (the locale's `hold_back` lists):
//!    - no word of `words` (negations, hesitations, objections, times: "I don't want
//!      to buy" never buys) outside the phrase itself ("why not" may buy);
//!    - no word of `in_clause` (question words: "what", "when") in the phrase's own
//!      clause (clauses end at punctuation and emoji), nor in another clause that the
//!      step reads as another answer ("yes, what's in it" asks; "I'll take it, we move
//!      in May, what a year" buys);
//!    - no sentence that asks (a question mark), unless it asks how to pay (a word of
//!      `pay`): "yes, how do I pay?" buys, "should I buy it?" does not;
//!    - words inside an idiom (`idioms`: "you know what") hold nothing back.
//!
//!    A buying phrase that counts wins over longer phrases of other replies: with
//!    nothing held back, "ok, let's do it, I'm buying" is a purchase, not the "ok" of
//!    going back. Nothing inside an `unsure` phrase ("I don't know") is heard, unless a
//!    phrase of the step holds it whole: its "no" does not decline;
//! 3. failing both, a word of five letters or more one typo (an edit) away from a
//!    one-word phrase of five letters or more, or a word with a letter drawn out
//!    ("nooo", "niee") that is a one-word phrase written once, never one that buys.

use std::borrow::Cow;

use icu_normalizer::{ComposingNormalizerBorrowed, DecomposingNormalizerBorrowed};

use crate::runtime::{Aside, Chunk, HoldBack, Phrase, Target, Typo};

/// Lower case, NFKC, `ё` read as `е`, Latin letters without their diacritics (`ł` as `l`:
/// many type Polish without them), an apostrophe between two letters dropped (`don't`
/// is `dont`, one word, as many type it), every other run of characters that are not
/// letters, digits or combining marks (punctuation, emoji, spaces) turned into one space,
/// trimmed.
pub fn normalize(text: &str) -> String {
    let nfkc: Cow<str> = ComposingNormalizerBorrowed::new_nfkc().normalize(text);
    let mut out = String::with_capacity(nfkc.len());
    let mut gap = false;
    let mut chars = nfkc.chars().flat_map(char::to_lowercase).peekable();
    while let Some(c) = chars.next() {
        let in_word = !gap && out.chars().next_back().is_some_and(char::is_alphabetic);
        if matches!(c, '\'' | '\u{2019}' | '\u{02bc}')
            && in_word
            && chars.peek().is_some_and(|n| n.is_alphabetic())
        {
            continue;
        }
        if c.is_alphanumeric() || is_mark(c) {
            if gap && !out.is_empty() {
                out.push(' ');
            }
            gap = false;
            out.push(fold(c));
        } else {
            gap = true;
        }
    }
    out
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

/// What a typed message says at a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Understood {
    /// No letters or digits at all (`""`, `"!!"`): no answer, the default way.
    Nothing,
    /// The quick reply at this index of the step's options.
    Reply(u8),
    /// A question the step answers aside, then asks its own again.
    Aside(Aside),
    /// Text that matches nothing, or two things equally well.
    Unclear,
}

impl From<Target> for Understood {
    fn from(target: Target) -> Understood {
        match target {
            Target::Reply { option, .. } => Understood::Reply(option),
            Target::Aside(aside) => Understood::Aside(aside),
        }
    }
}

/// Shortest word (in characters) that a typo is forgiven in.
const TYPO_MIN_CHARS: usize = 5;

/// What a step hears: its phrases (sorted by text) with their [`index`], and its
/// locale's `hold_back` lists. The compiler builds it into every [`Chunk`].
#[derive(Debug, Clone, Copy)]
pub struct Hearing<'a> {
    pub phrases: &'a [Phrase],
    pub hold_back: &'a HoldBack<'a>,
    pub typos: &'a [Typo],
    pub longest: usize,
}

impl<'a> From<&'a Chunk> for Hearing<'a> {
    fn from(chunk: &'a Chunk) -> Hearing<'a> {
        Hearing {
            phrases: chunk.phrases,
            hold_back: chunk.hold_back,
            typos: chunk.typos,
            longest: usize::from(chunk.longest),
        }
    }
}

/// What the matcher needs of a step's phrases, worked out once (at compile time): the
/// one-word phrases a typo may reach, by length, and the most words in one phrase.
/// `phrases`: each phrase's normalized text and whether it buys, in sorted order.
pub fn index<'a>(phrases: impl Iterator<Item = (&'a str, bool)>) -> (Vec<Typo>, usize) {
    let mut typos = Vec::new();
    let mut longest = 0;
    for (i, (text, buys)) in phrases.enumerate() {
        longest = longest.max(text.split(' ').count());
        let chars = text.chars().count();
        if !buys && !text.contains(' ') && chars >= TYPO_MIN_CHARS {
            typos.push(Typo {
                phrase: u16::try_from(i).unwrap_or(u16::MAX),
                chars: u8::try_from(chars).unwrap_or(u8::MAX),
            });
        }
    }
    typos.sort_by_key(|t| t.chars);
    (typos, longest)
}

/// Reads `message` as the step of `hearing` hears it.
pub fn understand(hearing: &Hearing, message: &str) -> Understood {
    let Hearing {
        phrases,
        hold_back,
        typos,
        longest: longest_words,
    } = *hearing;
    let Spoken { text, places, asks } = Spoken::read(message);
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
        return phrase.target.into();
    }
    let words: Vec<&str> = text.split(' ').collect();
    // Word starts and ends in `text`: its words are joined by single spaces.
    let mut starts = Vec::with_capacity(words.len());
    let mut at = 0;
    for word in &words {
        starts.push(at);
        at += word.len() + 1;
    }
    let window = |first: usize, last: usize| &text[starts[first]..starts[last] + words[last].len()];
    // Every phrase found, as (first word, last word, target).
    let mut found: Vec<(usize, usize, Target)> = Vec::new();
    for w in 0..words.len() {
        for last in (w..words.len()).take(longest_words) {
            let window = window(w, last);
            let at = phrases.binary_search_by(|p| p.text.cmp(window));
            if let Ok(i) = at {
                found.push((w, last, phrases[i].target));
            }
            // Phrases sort after their beginnings: without one that goes on from this
            // window, no longer window from this word can match.
            let next = at.map_or_else(|i| i, |i| i + 1);
            let goes_on = phrases.get(next).is_some_and(|p| {
                p.text
                    .strip_prefix(window)
                    .is_some_and(|rest| rest.starts_with(' '))
            });
            if !goes_on {
                break;
            }
        }
    }
    // Nothing inside "I don't know" is heard, unless a phrase holds it whole.
    let mut unsure = vec![false; words.len()];
    let mut unsaid: Vec<(usize, usize)> = Vec::new();
    let unsure_words = hold_back
        .unsure
        .iter()
        .map(|u| u.split(' ').count())
        .max()
        .unwrap_or(0);
    for first in 0..words.len() {
        for last in (first..words.len()).take(unsure_words) {
            if hold_back.unsure.binary_search(&window(first, last)).is_ok() {
                unsure[first..=last].fill(true);
                unsaid.push((first, last));
            }
        }
    }
    found.retain(|&(first, last, _)| {
        !unsaid
            .iter()
            .any(|&(f, l)| first <= l && f <= last && !(first <= f && l <= last))
    });
    let holds = Holds::new(hold_back, &words, &places, &asks, &found, window);
    let mut best = Best::default();
    // The longest buying phrase that counts: it wins over other matches (see above).
    let mut buying = Best::default();
    for &(first, last, target) in &found {
        let buys = matches!(target, Target::Reply { buys: true, .. });
        if buys && holds.back(first, last) {
            continue;
        }
        let len = starts[last] + words[last].len() - starts[first];
        best.offer(len, target);
        if buys {
            buying.offer(len, target);
        }
    }
    if buying.target.is_some() && !buying.tie {
        best = buying;
    }
    if best.target.is_none() {
        let never_buys = |p: &Phrase| !matches!(p.target, Target::Reply { buys: true, .. });
        let heard = words
            .iter()
            .zip(&unsure)
            .filter(|(_, u)| !**u)
            .map(|(w, _)| w);
        for word in heard.clone() {
            if has_double(word)
                && let Some(phrase) = find(&squeeze(word)).filter(|p| never_buys(p))
            {
                best.offer(word.len(), phrase.target);
            }
        }
        for word in heard {
            let chars = word.chars().count();
            if chars < TYPO_MIN_CHARS {
                continue;
            }
            // The phrases one character shorter to one longer.
            let from = typos.partition_point(|t| usize::from(t.chars) + 1 < chars);
            for typo in typos[from..]
                .iter()
                .take_while(|t| usize::from(t.chars) <= chars + 1)
            {
                let Some(phrase) = phrases.get(usize::from(typo.phrase)) else {
                    continue;
                };
                if one_edit_apart(word, phrase.text) {
                    best.offer(word.len(), phrase.target);
                }
            }
        }
    }
    match best {
        Best {
            target: Some(target),
            tie: false,
            ..
        } => target.into(),
        _ => Understood::Unclear,
    }
}

/// Where a word of a message stands: its clause (between commas, dashes, emoji and other
/// marks) and its sentence (between `.`, `!`, `?`, `…` and line breaks).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Place {
    clause: usize,
    sentence: usize,
}

/// A message as the matcher reads it: normalized as by [`normalize`], the place of each
/// word, and for each sentence whether it asks (holds a question mark).
#[derive(Debug, PartialEq, Eq)]
struct Spoken {
    text: String,
    places: Vec<Place>,
    asks: Vec<bool>,
}

impl Spoken {
    fn read(message: &str) -> Spoken {
        let nfkc: Cow<str> = ComposingNormalizerBorrowed::new_nfkc().normalize(message);
        let mut spoken = Spoken {
            text: String::with_capacity(nfkc.len()),
            places: Vec::new(),
            asks: vec![false],
        };
        let mut place = Place {
            clause: 0,
            sentence: 0,
        };
        let (mut piece, mut ended) = (String::new(), false);
        for c in nfkc.chars() {
            let ends = matches!(c, '.' | '!' | '?' | '…' | '\n' | '¿' | '¡');
            if ends || is_break(c) {
                spoken.push(&piece, place);
                piece.clear();
                place.clause += 1;
                ended |= ends;
                if matches!(c, '?' | '¿') {
                    spoken.asks[place.sentence] = true;
                }
                continue;
            }
            if ended && c.is_alphanumeric() {
                place.sentence += 1;
                spoken.asks.push(false);
                ended = false;
            }
            piece.push(c);
        }
        spoken.push(&piece, place);
        spoken
    }

    fn push(&mut self, piece: &str, place: Place) {
        for word in normalize(piece).split(' ').filter(|w| !w.is_empty()) {
            if !self.text.is_empty() {
                self.text.push(' ');
            }
            self.text.push_str(word);
            self.places.push(place);
        }
    }
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

/// What holds a buying phrase back in one message (see the module's rule 2).
struct Holds {
    /// Per word: it holds a purchase back from anywhere.
    anywhere: Vec<bool>,
    /// Per word: it holds a purchase back in its clause.
    near: Vec<bool>,
    places: Vec<Place>,
    /// Clauses the step reads as another answer, not about paying.
    other: Vec<usize>,
    /// A sentence asks something other than how to pay.
    asks_else: bool,
}

impl Holds {
    fn new<'w>(
        lists: &HoldBack,
        words: &[&str],
        places: &[Place],
        asks: &[bool],
        found: &[(usize, usize, Target)],
        window: impl Fn(usize, usize) -> &'w str,
    ) -> Holds {
        let listed = |list: &[&str], w: &str| list.binary_search(&w).is_ok();
        // Words inside an idiom ("you know what") hold nothing back.
        let mut idiom = vec![false; words.len()];
        let idiom_words = lists
            .idioms
            .iter()
            .map(|i| i.split(' ').count())
            .max()
            .unwrap_or(0);
        for first in 0..words.len() {
            for last in (first..words.len()).take(idiom_words) {
                if listed(lists.idioms, window(first, last)) {
                    idiom[first..=last].fill(true);
                }
            }
        }
        let mark = |list: &[&str]| {
            words
                .iter()
                .zip(&idiom)
                .map(|(w, &i)| !i && listed(list, w))
                .collect::<Vec<bool>>()
        };
        let pays = |of: &dyn Fn(Place) -> bool| {
            words
                .iter()
                .zip(places)
                .any(|(w, &p)| of(p) && listed(lists.pay, w))
        };
        let anywhere = mark(lists.words);
        // A clause about paying holds nothing back in it ("yes, how can I pay").
        let near: Vec<bool> = mark(lists.in_clause)
            .into_iter()
            .zip(places)
            .map(|(near, &p)| near && !pays(&|q| q.clause == p.clause))
            .collect();
        let asks_else = asks
            .iter()
            .enumerate()
            .any(|(s, &asks)| asks && !pays(&|p| p.sentence == s));
        let mut other: Vec<usize> = places
            .iter()
            .zip(&near)
            .filter(|&(_, &near)| near)
            .map(|(p, _)| p.clause)
            .filter(|&clause| {
                found.iter().any(|&(first, last, target)| {
                    !matches!(target, Target::Reply { buys: true, .. })
                        && places[first].clause <= clause
                        && clause <= places[last].clause
                })
            })
            .collect();
        other.dedup();
        Holds {
            anywhere,
            near,
            places: places.to_vec(),
            other,
            asks_else,
        }
    }

    /// Whether the message holds back a buying phrase over words `first..=last`.
    fn back(&self, first: usize, last: usize) -> bool {
        let own = self.places[first].clause..=self.places[last].clause;
        self.asks_else
            || (0..self.places.len())
                .filter(|i| !(first..=last).contains(i))
                .any(|i| {
                    let clause = self.places[i].clause;
                    self.anywhere[i]
                        || (self.near[i] && (own.contains(&clause) || self.other.contains(&clause)))
                })
    }
}

/// The longest match so far, and whether another target matched as long.
#[derive(Default)]
struct Best {
    len: usize,
    target: Option<Target>,
    tie: bool,
}

impl Best {
    fn offer(&mut self, len: usize, target: Target) {
        let same = |a: Target, b: Target| Understood::from(a) == Understood::from(b);
        match self.target {
            None => {
                *self = Best {
                    len,
                    target: Some(target),
                    tie: false,
                }
            }
            Some(t) if len == self.len => self.tie |= !same(t, target),
            Some(_) if len > self.len => {
                *self = Best {
                    len,
                    target: Some(target),
                    tie: false,
                }
            }
            Some(_) => {}
        }
    }
}

/// Whether `word` has the same letter twice in a row.
fn has_double(word: &str) -> bool {
    let mut chars = word.chars();
    let mut last = chars.next();
    for c in chars {
        if last == Some(c) {
            return true;
        }
        last = Some(c);
    }
    false
}

/// `word` with every run of one letter written once (`nooo` -> `no`).
fn squeeze(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// Whether `a` becomes `b` by one insertion, deletion, substitution or swap of two
/// neighbours (not zero: equal words matched already). No allocation: it runs for many
/// phrases on every unmatched message.
fn one_edit_apart(a: &str, b: &str) -> bool {
    fn skip(s: &str) -> &str {
        let mut c = s.chars();
        c.next();
        c.as_str()
    }
    let (mut x, mut y) = (a.chars(), b.chars());
    // Past the common beginning.
    loop {
        let (cx, cy) = (x.clone().next(), y.clone().next());
        match (cx, cy) {
            (Some(p), Some(q)) if p == q => {
                x.next();
                y.next();
            }
            _ => break,
        }
    }
    let (ra, rb) = (x.as_str(), y.as_str());
    let (la, lb) = (ra.chars().count(), rb.chars().count());
    match la.cmp(&lb) {
        std::cmp::Ordering::Equal if la == 0 => false,
        std::cmp::Ordering::Equal => {
            skip(ra) == skip(rb) || {
                // Two neighbours swapped: `xy…` against `yx…`.
                let (mut p, mut q) = (ra.chars(), rb.chars());
                let (a0, a1, b0, b1) = (p.next(), p.next(), q.next(), q.next());
                a1.is_some() && a0 == b1 && a1 == b0 && p.as_str() == q.as_str()
            }
        }
        std::cmp::Ordering::Greater => skip(ra) == rb,
        std::cmp::Ordering::Less => ra == skip(rb),
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
        assert_eq!(normalize("Może później?"), "moze pozniej");
        assert_eq!(
            normalize("I’ll take it, don't 'quote'"),
            "ill take it dont quote"
        );
        assert_eq!(normalize("!!"), "");
    }

    fn reply(text: &'static str, option: u8, buys: bool) -> Phrase {
        Phrase {
            text,
            target: Target::Reply { option, buys },
        }
    }

    fn phrases() -> Vec<Phrase> {
        let mut list = vec![
            reply("yes", 0, true),
            reply("buy", 0, true),
            reply("ill take it", 0, true),
            reply("expensive", 1, false),
            reply("too expensive", 1, false),
            reply("no", 2, false),
            reply("not now", 2, false),
            reply("later", 2, false),
            Phrase {
                text: "how much",
                target: Target::Aside(Aside::Price),
            },
        ];
        list.sort_by_key(|p| p.text);
        list
    }

    const HOLD_BACK: HoldBack = HoldBack {
        words: &["but", "dont", "later", "no", "not"],
        in_clause: &["what", "whats", "when"],
        pay: &["card", "pay"],
        idioms: &["you know what"],
        unsure: &["dont know"],
    };

    /// How the step of `phrases` reads `message`.
    fn hear(phrases: &[Phrase], message: &str) -> Understood {
        let (typos, longest) = index(
            phrases
                .iter()
                .map(|p| (p.text, matches!(p.target, Target::Reply { buys: true, .. }))),
        );
        let hearing = Hearing {
            phrases,
            hold_back: &HOLD_BACK,
            typos: &typos,
            longest,
        };
        understand(&hearing, message)
    }

    fn read(message: &str) -> Understood {
        hear(&phrases(), message)
    }

    #[test]
    fn exact_phrases_and_whole_words_inside_longer_messages() {
        assert_eq!(read("Yes!"), Understood::Reply(0));
        assert_eq!(
            read("no, that's too expensive for me"),
            Understood::Reply(1)
        );
        assert_eq!(read("not now, sorry"), Understood::Reply(2));
        assert_eq!(read("expensively"), Understood::Unclear, "whole words only");
        assert_eq!(read("what?"), Understood::Unclear);
        assert_eq!(read(" ?! "), Understood::Nothing);
        assert_eq!(read("How much is it?"), Understood::Aside(Aside::Price));
    }

    #[test]
    fn buying_inside_a_message_only_when_nothing_holds_it_back() {
        assert_eq!(read("ok, I'll take it"), Understood::Reply(0));
        assert_eq!(read("yes, I want the report 👍"), Understood::Reply(0));
        assert_eq!(read("I don't want to buy"), Understood::Unclear);
        assert_eq!(read("yes but later"), Understood::Reply(2));
        assert_eq!(
            read("should I buy it?"),
            Understood::Unclear,
            "a question never buys"
        );
        let mut p = phrases();
        p.push(reply("why not", 0, true));
        p.sort_by_key(|p| p.text);
        assert_eq!(
            hear(&p, "sure, why not"),
            Understood::Reply(0),
            "a hold-back word inside the buying phrase itself"
        );
        assert_eq!(hear(&p, "why not later"), Understood::Reply(2));
        assert_eq!(read("buy"), Understood::Reply(0));
    }

    #[test]
    fn question_words_hold_back_in_their_own_clause_or_one_that_asks_something_else() {
        let mut p = phrases();
        p.push(Phrase {
            text: "whats in it",
            target: Target::Aside(Aside::Contents),
        });
        p.sort_by_key(|p| p.text);
        assert_eq!(
            hear(&p, "ill take it, we move in may, what a year"),
            Understood::Reply(0)
        );
        assert_eq!(
            hear(&p, "yes, whats in it"),
            Understood::Aside(Aside::Contents)
        );
        assert_eq!(hear(&p, "yes what a year"), Understood::Unclear);
        assert_eq!(
            hear(&p, "you know what, ill take it"),
            Understood::Reply(0),
            "an idiom holds nothing back"
        );
        assert_eq!(hear(&p, "ill take it, not now"), Understood::Reply(2));
    }

    #[test]
    fn a_question_holds_a_purchase_back_unless_it_asks_how_to_pay() {
        assert_eq!(read("yes. how do I pay?"), Understood::Reply(0));
        assert_eq!(
            read("ill take it, can I pay by card?"),
            Understood::Reply(0)
        );
        assert_eq!(read("should I buy it?"), Understood::Unclear);
        assert_eq!(read("ill take it. is it any good?"), Understood::Unclear);
        assert_eq!(
            read("yes! how much?"),
            Understood::Aside(Aside::Price),
            "the other sentence asks"
        );
    }

    #[test]
    fn nothing_inside_i_dont_know_is_heard() {
        assert_eq!(read("dont know"), Understood::Unclear);
        assert_eq!(read("hmm, I don't know"), Understood::Unclear);
        assert_eq!(read("I don't know, no"), Understood::Reply(2));
        let mut p = phrases();
        p.push(reply("dont know where", 3, false));
        p.sort_by_key(|p| p.text);
        assert_eq!(
            hear(&p, "I don't know where to go"),
            Understood::Reply(3),
            "a phrase that holds it whole"
        );
    }

    #[test]
    fn read_out_words_are_the_normalized_message_with_their_clauses_and_sentences() {
        for message in [
            "Yes, I’ll take it!! How do I pay? 🙂 ok",
            "  Нет,   ДОРОГО!!! ",
            "ﬁne…  what?",
            "",
            "🤔",
            "a-b «c» don't",
        ] {
            assert_eq!(Spoken::read(message).text, normalize(message), "{message}");
        }
        let spoken = Spoken::read("yes, fine. how? ok");
        let at = |clause, sentence| Place { clause, sentence };
        assert_eq!(spoken.places, [at(0, 0), at(1, 0), at(2, 1), at(3, 2)]);
        assert_eq!(spoken.asks, [false, true, false]);
    }

    #[test]
    fn a_buying_phrase_that_counts_wins_over_longer_phrases_of_other_replies() {
        let mut p = phrases();
        p.push(reply("lets look again", 3, false));
        p.sort_by_key(|p| p.text);
        assert_eq!(hear(&p, "ok lets look again"), Understood::Reply(3));
        assert_eq!(
            hear(&p, "ok lets look again ill take it"),
            Understood::Reply(0)
        );
        assert_eq!(
            hear(&p, "lets look again ill take it but later"),
            Understood::Reply(3),
            "held back: the longest phrase decides, and it never buys"
        );
    }

    #[test]
    fn one_typo_in_a_long_word_is_forgiven_but_never_toward_buying() {
        assert_eq!(read("expensiv"), Understood::Reply(1));
        assert_eq!(
            read("too exepnsive"),
            Understood::Reply(1),
            "a swap of neighbours"
        );
        assert_eq!(read("lateer"), Understood::Reply(2));
        assert_eq!(read("nooo"), Understood::Reply(2), "a letter drawn out");
        assert_eq!(read("yesss"), Understood::Unclear, "never toward buying");
        let mut p = phrases();
        p.push(reply("order", 0, true));
        p.sort_by_key(|p| p.text);
        assert_eq!(hear(&p, "ordr"), Understood::Unclear);
    }

    #[test]
    fn one_edit_is_an_insertion_a_deletion_a_substitution_or_a_swap() {
        for (a, b, apart) in [
            ("abcde", "abcdf", true),
            ("abcde", "abcde", false),
            ("abcde", "bacde", true),
            ("abcde", "abced", true),
            ("abcde", "abcd", true),
            ("abcd", "abcde", true),
            ("abcde", "xbcde", true),
            ("abcde", "axcye", false),
            ("abcde", "edcba", false),
            ("жёлтый", "жолтый", true),
        ] {
            assert_eq!(one_edit_apart(a, b), apart, "{a} {b}");
        }
    }

    #[test]
    fn latin_diacritics_are_folded() {
        assert_eq!(normalize("Dziękuję, później"), "dziekuje pozniej");
        assert_eq!(normalize("ŁÓDŹ żółć"), "lodz zolc");
        assert_eq!(normalize("Ещё й"), "еще й");
    }

    #[test]
    fn a_tie_between_two_targets_is_unclear() {
        assert_eq!(
            read("no expensive"),
            Understood::Reply(1),
            "the longer phrase wins"
        );
        let mut p = phrases();
        p.push(reply("hm", 1, false));
        p.sort_by_key(|p| p.text);
        assert_eq!(hear(&p, "hm, no"), Understood::Unclear);
    }
}
