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
//!    - no word or phrase of `words` (negations, hesitations, objections, money, a
//!      "yes" to something else: "I don't want to buy", "ok, got it" never buy),
//!      also drawn out ("nooo"), outside the phrase itself ("why not" may buy);
//!    - no emoji of doubt (🙄, 👎), which holds back even a whole buying phrase;
//!    - no word of `times` ("june", "weeks") that tells when to buy: one is a story
//!      instead when a word no list knows comes before it in its clause ("yes, in
//!      june" waits, "yes, we move in june" buys; `plain` lists the words that tell
//!      no story: "yes, I'll come back in june" waits), nor one in a clause about
//!      paying ("yes, my wife pays on friday"), nor one that a word of `sequence`
//!      puts before the purchase ("my exams end in june and I'll get it");
//!    - no word of `conditions` ("when") among the first two of a clause, before or
//!      after the phrase ("yes, when I'm back from holiday"), or right after the
//!      phrase in its clause ("I'll buy it when I'm home");
//!    - no word of `in_clause` (question words: "what", "when") in the phrase's own
//!      clause (clauses end at punctuation and emoji), nor in another clause that the
//!      step reads as another answer ("yes, what's in it" asks; "I'll take it, we move
//!      in May, what a year" buys), nor opening a clause before the phrase ("when I
//!      find a job, I'll take it" is a condition);
//!    - no sentence that asks (a question mark, or a word of `asking` opening it: "is
//!      it ..."), unless it asks how to pay (a word of
//!      `pay`): "yes, how do I pay?" buys, "should I buy it?" does not; or how the
//!      report arrives (a phrase of the `delivery` aside), after a purchase said in a
//!      sentence of its own ("Yes, I'll buy it. Will I get it by email?" buys);
//!    - no phrase of a reply that declines (one that takes `no`, `later` or
//!      `expensive`: "ok, let me sleep on it") outside the buying phrase, nor of a
//!      question answered aside ("yes, what's in it"), unless it asks about paying; one
//!      made of words of time only ("next month") is read as they are ("yes, we close
//!      on the house next month" buys);
//!    - words and phrases inside an idiom (`idioms`: "you know what", "no problem")
//!      hold nothing back, and a phrase inside one or running out of it is not heard
//!      unless it holds the idiom whole ("why not, buying it" says no "not buying it",
//!      "right now" no "right").
//!
//!    A buying phrase that counts wins over longer phrases of other replies: with
//!    nothing held back, "ok, let's do it, I'm buying" is a purchase, not the "ok" of
//!    going back. Nothing inside an `unsure` phrase ("I don't know") is heard, unless a
//!    phrase of the step holds it whole: its "no" does not decline;
//!    A first clause that is a phrase of a declining reply ("no, ...") answers the
//!    question: a longer phrase of a reply that does not decline after it ("no, let's
//!    skip that") does not turn it into a yes;
//! 3. failing both, a word of five letters or more one typo (an edit) away from a
//!    one-word phrase of five letters or more, or a word with a letter drawn out
//!    ("nooo", "niee") that is a one-word phrase written once, never one that buys;
//! 4. failing all, the message read again with every letter drawn out three times or
//!    more written once: "yesss", "let's goooo" are emphasis, not typos, and may buy
//!    (under the same hold-back rules).

mod holds;
mod spoken;
mod typos;

use holds::{Holds, Words};
pub use spoken::normalize;
use spoken::{Place, Spoken};
use typos::{calm, has_double, one_edit_apart, squeeze};

use crate::runtime::{Aside, Chunk, HoldBack, Phrase, Target, Typo};

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
}

impl<'a> From<&'a Chunk> for Hearing<'a> {
    fn from(chunk: &'a Chunk) -> Hearing<'a> {
        Hearing {
            phrases: chunk.phrases,
            hold_back: chunk.hold_back,
            typos: chunk.typos,
        }
    }
}

/// What the matcher needs of a step's phrases, worked out once (at compile time): the
/// one-word phrases a typo may reach, by length. `phrases`: each phrase's normalized
/// text and whether it buys, in sorted order.
pub fn index<'a>(phrases: impl Iterator<Item = (&'a str, bool)>) -> Vec<Typo> {
    let mut typos = Vec::new();
    for (i, (text, buys)) in phrases.enumerate() {
        let chars = text.chars().count();
        if !buys && !text.contains(' ') && chars >= TYPO_MIN_CHARS {
            typos.push(Typo {
                phrase: u16::try_from(i).unwrap_or(u16::MAX),
                chars: u8::try_from(chars).unwrap_or(u8::MAX),
            });
        }
    }
    typos.sort_by_key(|t| t.chars);
    typos
}

/// Reads `message` as the step of `hearing` hears it.
pub fn understand(hearing: &Hearing, message: &str) -> Understood {
    let Spoken {
        text,
        places,
        asks,
        doubts,
    } = Spoken::read(message);
    if text.is_empty() {
        return Understood::Nothing;
    }
    let heard = hear_words(hearing, &Words::new(&text), &places, &asks, doubts);
    if heard != Understood::Unclear {
        return heard;
    }
    // A letter drawn out three times or more ("yesss", "let's goooo") is emphasis, not a
    // typo: failing all else, the message is read again with it written once.
    match calm(&text) {
        Some(calm) => hear_words(hearing, &Words::new(&calm), &places, &asks, doubts),
        None => heard,
    }
}

/// [`understand`] past normalization: `places` holds the place of each of the words,
/// `asks` which sentences ask, `doubts` whether the message rolls its eyes.
fn hear_words(
    hearing: &Hearing,
    words: &Words,
    places: &[Place],
    asks: &[bool],
    doubts: bool,
) -> Understood {
    let Hearing {
        phrases,
        hold_back,
        typos,
    } = *hearing;
    let find = |s: &str| {
        phrases
            .binary_search_by(|p| p.text.cmp(s))
            .ok()
            .map(|i| phrases[i])
    };
    // "yes 🙄" is no purchase: an emoji of doubt sends even a whole buying phrase
    // through the hold-back rules, which hold it back.
    if let Some(phrase) = find(words.text)
        && !(doubts && phrase.target.buys())
    {
        return phrase.target.into();
    }
    // Every phrase found, as (first word, last word, target).
    let mut found: Vec<(usize, usize, Target)> = Vec::new();
    words.find(
        phrases,
        |p| p.text,
        |first, last, p| found.push((first, last, p.target)),
    );
    // Nothing inside "I don't know" is heard, unless a phrase holds it whole.
    let (unsure, unsaid) = words.spans(hold_back.unsure);
    found.retain(|&(first, last, _)| {
        !unsaid
            .iter()
            .any(|&(f, l)| first <= l && f <= last && !(first <= f && l <= last))
    });
    // An idiom says what it says as a whole: a phrase inside it or running out of it is
    // not what was said ("no problem" says no "no"; "why not, buying it" no "not buying
    // it"; "cba right now" no "right"), unless the phrase holds the idiom whole.
    let idioms = words.spans(hold_back.idioms);
    found.retain(|&(first, last, _)| {
        !idioms
            .1
            .iter()
            .any(|&(f, l)| first <= l && f <= last && !(first <= f && l <= last))
    });
    // Only a buying phrase is ever held back.
    let holds = found
        .iter()
        .any(|&(.., t)| t.buys())
        .then(|| Holds::new(hold_back, words, places, asks, &found, &idioms, doubts));
    let mut best = Best::default();
    // The longest buying phrase that counts: it wins over other matches (see above).
    let mut buying = Best::default();
    for &(first, last, target) in &found {
        if target.buys() && holds.as_ref().is_some_and(|h| h.back(first, last)) {
            continue;
        }
        let len = words.window(first, last).len();
        best.offer(len, target);
        if target.buys() {
            buying.offer(len, target);
        }
    }
    if buying.target.is_some() && !buying.tie {
        best = buying;
    }
    // "No, let's skip that": a first clause that is a declining reply's phrase answers
    // the question; what follows explains it, and no other reply's phrase in it turns
    // the answer into a yes. A question asked aside still wins.
    let first_clause = places
        .iter()
        .take_while(|p| p.clause == places[0].clause)
        .count();
    let opens_declining = found.iter().find(|&&(first, last, t)| {
        first == 0 && last + 1 == first_clause && matches!(t, Target::Reply { declines: true, .. })
    });
    if let (
        Some(&(.., declining)),
        Some(Target::Reply {
            declines: false, ..
        }),
    ) = (opens_declining, best.target)
        && first_clause < words.words.len()
    {
        return declining.into();
    }
    if best.target.is_none() {
        let never_buys = |p: &Phrase| !p.target.buys();
        let heard = words
            .words
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

#[cfg(test)]
mod tests;
