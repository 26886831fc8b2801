//! What holds a buying phrase back in one message: the locale's `hold_back` lists read
//! against the message's clauses and sentences (rule 2 of [`super`]).

use super::spoken::Place;
use super::typos::calm;
use crate::runtime::{Aside, HoldBack, Target};

/// A message's words, joined by single spaces in `text`, with where each starts.
pub(super) struct Words<'t> {
    pub text: &'t str,
    pub words: Vec<&'t str>,
    pub starts: Vec<usize>,
}

impl<'t> Words<'t> {
    pub fn new(text: &'t str) -> Words<'t> {
        let words: Vec<&str> = text.split(' ').collect();
        let mut starts = Vec::with_capacity(words.len());
        let mut at = 0;
        for word in &words {
            starts.push(at);
            at += word.len() + 1;
        }
        Words {
            text,
            words,
            starts,
        }
    }

    /// Words `first..=last` as one string.
    pub fn window(&self, first: usize, last: usize) -> &'t str {
        &self.text[self.starts[first]..self.starts[last] + self.words[last].len()]
    }

    /// Every occurrence of an entry of `sorted` (phrases of whole words, sorted by
    /// `key`) among the words: `on(first word, last word, entry)`.
    pub fn find<T>(
        &self,
        sorted: &[T],
        key: impl Fn(&T) -> &str,
        mut on: impl FnMut(usize, usize, &T),
    ) {
        for first in 0..self.words.len() {
            for last in first..self.words.len() {
                let window = self.window(first, last);
                let at = sorted.binary_search_by(|p| key(p).cmp(window));
                if let Ok(i) = at {
                    on(first, last, &sorted[i]);
                }
                // Entries sort after their beginnings: without one that goes on from
                // this window, no longer window from this word can match.
                let next = at.map_or_else(|i| i, |i| i + 1);
                let goes_on = sorted.get(next).is_some_and(|p| {
                    key(p)
                        .strip_prefix(window)
                        .is_some_and(|rest| rest.starts_with(' '))
                });
                if !goes_on {
                    break;
                }
            }
        }
    }

    /// Where the phrases of `sorted` occur: per word whether one covers it, and each
    /// occurrence as (first word, last word).
    pub fn spans(&self, sorted: &[&str]) -> (Vec<bool>, Vec<(usize, usize)>) {
        let mut covered = vec![false; self.words.len()];
        let mut spans = Vec::new();
        self.find(
            sorted,
            |phrase| phrase,
            |first, last, _| {
                covered[first..=last].fill(true);
                spans.push((first, last));
            },
        );
        (covered, spans)
    }
}

/// Whether `word` is in `list` (sorted, as every `hold_back` list is).
fn listed(list: &[&str], word: &str) -> bool {
    list.binary_search(&word).is_ok()
}

/// Shortest word (in characters) that tells a story before a word of time: shorter
/// ones are mostly particles and abbreviations ("nxt week"), which tell nothing.
const STORY_MIN_CHARS: usize = 3;

/// What holds a buying phrase back in one message.
pub(super) struct Holds<'p> {
    /// Per word: it holds a purchase back from anywhere.
    anywhere: Vec<bool>,
    /// Per word: it holds a purchase back in its clause.
    near: Vec<bool>,
    /// A word of `sequence` puts a buying phrase after a word of time in its sentence
    /// ("my exams end in june and I'll get it"): the message waits.
    waits: bool,
    /// Per word: a `near` word among the first two of its clause, which makes the
    /// clause a condition of what follows ("when I find a job, I'll buy it").
    opens: Vec<bool>,
    places: &'p [Place],
    /// Clauses the step reads as another answer.
    other: Vec<usize>,
    /// Phrases of replies that decline ("not now", "too much") and of questions asked
    /// aside, outside idioms.
    declining: Vec<(usize, usize)>,
    /// A sentence asks something other than how to pay, or the message rolls its eyes.
    asks_else: bool,
    /// Per word: it speaks of paying, in a sentence that asks ("can I pay by card?").
    asks_to_pay: Vec<bool>,
    /// Sentences that ask how the report arrives.
    delivery_sentences: Vec<usize>,
}

impl<'p> Holds<'p> {
    /// `found`: every phrase of the step in the message, as (first word, last word,
    /// target); `idioms`: where the locale's idioms are ([`Words::spans`]).
    pub fn new(
        lists: &HoldBack,
        words: &Words,
        places: &'p [Place],
        asks: &[bool],
        found: &[(usize, usize, Target)],
        (idiom, idioms): &(Vec<bool>, Vec<(usize, usize)>),
        doubts: bool,
    ) -> Holds<'p> {
        // Words inside an idiom ("you know what") hold nothing back; a word drawn out
        // ("nooo", "нееет") holds back as written once.
        let calmed: Vec<Option<String>> = words.words.iter().map(|w| calm(w)).collect();
        let drawn_out =
            |i: usize, list: &[&str]| calmed[i].as_deref().is_some_and(|w| listed(list, w));
        let mark = |list: &[&str]| -> Vec<bool> {
            (0..words.words.len())
                .map(|i| !idiom[i] && (listed(list, words.words[i]) || drawn_out(i, list)))
                .collect()
        };
        // A sentence asks with a question mark, or by its first word ("is it ...").
        let mut asks = asks.to_vec();
        for (i, w) in words.words.iter().enumerate() {
            let sentence = places[i].sentence;
            let opens_sentence = i == 0 || places[i - 1].sentence != sentence;
            if opens_sentence
                && !idiom[i]
                && listed(lists.asking, w)
                && let Some(a) = asks.get_mut(sentence)
            {
                *a = true;
            }
        }
        // The clauses and sentences that speak of paying.
        let (mut paying_clauses, mut paying_sentences) = (Vec::new(), Vec::new());
        let mut asks_to_pay = vec![false; words.words.len()];
        for (i, (w, p)) in words.words.iter().zip(places).enumerate() {
            if listed(lists.pay, w) {
                paying_clauses.push(p.clause);
                paying_sentences.push(p.sentence);
                asks_to_pay[i] = asks[p.sentence];
            }
        }
        // `words` may hold phrases too ("got it", "до свидания").
        let (said, _) = words.spans(lists.words);
        let mut anywhere: Vec<bool> = (0..words.words.len())
            .map(|i| !idiom[i] && (said[i] || drawn_out(i, lists.words)))
            .collect();
        // Only a word of time or a condition asks whether a story is told.
        let (tells, covered) = if words
            .words
            .iter()
            .any(|w| listed(lists.times, w) || listed(lists.conditions, w))
        {
            story_words(lists, words, found, idiom)
        } else {
            let none = vec![false; words.words.len()];
            (none.clone(), none)
        };
        let story = Story {
            places,
            tells: &tells,
            covered: &covered,
        };
        // A word of time holds unless a story comes before it; in a clause about paying
        // it tells when to pay, story or not ("yes, my wife will pay for it tomorrow").
        let timed: Vec<bool> = (0..words.words.len())
            .map(|i| !idiom[i] && listed(lists.times, words.words[i]))
            .collect();
        for (i, &time) in timed.iter().enumerate() {
            anywhere[i] |= time && (!story.before(i) || paying_clauses.contains(&places[i].clause));
        }
        // A purchase put after a word of time in its sentence by a word of `sequence`
        // waits for it, story or not ("sure, my exams finish in june and I'll get it",
        // "my flight lands at 6, I'll buy it then"): the message waits.
        let then = |i: usize| !idiom[i] && listed(lists.sequence, words.words[i]);
        let waits = found.iter().any(|&(first, last, t)| {
            let sentence = places[first].sentence;
            let after = (last + 1 < places.len() && places[last + 1].sentence == sentence)
                .then_some(last + 1);
            t.buys()
                && (0..first).any(|i| {
                    timed[i]
                        && places[i].sentence == sentence
                        && ((i + 1..first).any(then) || after.is_some_and(then))
                })
        });
        // Sentences that ask how the report arrives: a purchase said before them is
        // still one ("Yes, I'd like to buy it. Will I get it by email?"), as the report
        // comes right after paying; one inside them is not ("will I get it by email?").
        let mut delivery_sentences: Vec<usize> = found
            .iter()
            .filter(|&&(first, _, t)| {
                matches!(t, Target::Aside(Aside::Delivery)) && asks[places[first].sentence]
            })
            .map(|&(first, ..)| places[first].sentence)
            .collect();
        delivery_sentences.dedup();
        // Declining replies' phrases, and questions asked aside unless they ask about
        // paying ("yes, what's in it?" asks first; "yes, how do I pay" buys). A declining
        // phrase of words of time only is the visitor's story when one comes before it,
        // as a word of time is ("yes, we close on the house next month").
        let declining = found
            .iter()
            .filter(|&&(first, _, t)| match t {
                Target::Reply { declines, .. } => declines,
                Target::Aside(Aside::Delivery) => {
                    !delivery_sentences.contains(&places[first].sentence)
                }
                Target::Aside(_) => !paying_clauses.contains(&places[first].clause),
            })
            .map(|&(first, last, _)| (first, last))
            .filter(|&(first, last)| !idioms.iter().any(|&(f, l)| f <= first && last <= l))
            .filter(|&(first, last)| {
                !(of_time(lists, &words.words[first..=last]) && story.before(first))
            })
            .collect();
        // A clause about paying holds nothing back in it ("yes, how can I pay").
        let mut near = mark(lists.in_clause);
        for (near, p) in near.iter_mut().zip(places) {
            *near &= !paying_clauses.contains(&p.clause);
        }
        let conditions = mark(lists.conditions);
        let opening = |i: usize| i < 2 || places[i - 2].clause != places[i].clause;
        let opens = (0..near.len()).map(|i| near[i] && opening(i)).collect();
        // "I'll take it, when I'm back from holiday": a condition after the purchase.
        for (i, _) in conditions.iter().enumerate().filter(|&(_, &c)| c) {
            // "yes, how do I pay" asks how to pay; "куплю, когда карту разблокируют" tells
            // a story about paying, and waits.
            let clause = places[i].clause;
            let tells_story = (0..tells.len()).any(|j| tells[j] && places[j].clause == clause);
            let how_to_pay =
                paying_clauses.contains(&clause) && (asks[places[i].sentence] || !tells_story);
            // "I'll buy it when I'm home": a condition right after the purchase.
            let after_buying = found
                .iter()
                .any(|&(first, last, t)| t.buys() && last < i && places[first].clause == clause);
            anywhere[i] |= (opening(i) || after_buying) && !how_to_pay;
        }
        let asks_else = doubts
            || asks.iter().enumerate().any(|(s, &asks)| {
                asks && !paying_sentences.contains(&s) && !delivery_sentences.contains(&s)
            });
        let mut other: Vec<usize> = Vec::new();
        for (p, _) in places.iter().zip(&near).filter(|&(_, &near)| near) {
            let another_answer = found.iter().any(|&(first, last, target)| {
                !target.buys()
                    && places[first].clause <= p.clause
                    && p.clause <= places[last].clause
            });
            if another_answer && !other.contains(&p.clause) {
                other.push(p.clause);
            }
        }
        Holds {
            anywhere,
            near,
            waits,
            opens,
            places,
            other,
            declining,
            asks_else,
            asks_to_pay,
            delivery_sentences,
        }
    }

    /// Whether the message holds back a buying phrase over words `first..=last`.
    pub fn back(&self, first: usize, last: usize) -> bool {
        let own = self.places[first].clause..=self.places[last].clause;
        // Asking how to pay is no purchase by itself: "can I pay by card?" asks.
        self.asks_else
            || self.asks_to_pay[first..=last].contains(&true)
            || self
                .delivery_sentences
                .contains(&self.places[first].sentence)
            || self
                .declining
                .iter()
                .any(|&(f, l)| !(first <= f && l <= last))
            || self.waits
            || (0..self.places.len())
                .filter(|i| !(first..=last).contains(i))
                .any(|i| {
                    let clause = self.places[i].clause;
                    self.anywhere[i]
                        || (self.near[i] && (own.contains(&clause) || self.other.contains(&clause)))
                        || (self.opens[i] && i < first)
                })
    }
}

/// Per word: whether it tells the visitor's own story (no list knows it, it is no
/// number and no phrase of the step), and whether a phrase of the step covers it.
fn story_words(
    lists: &HoldBack,
    words: &Words,
    found: &[(usize, usize, Target)],
    idiom: &[bool],
) -> (Vec<bool>, Vec<bool>) {
    // A phrase of words of time ("next month", "after") tells when, like the words it
    // is made of: it does not end the visitor's story before it.
    let mut covered = vec![false; words.words.len()];
    for &(first, last, _) in found {
        if !of_time(lists, &words.words[first..=last]) {
            covered[first..=last].fill(true);
        }
    }
    let tells = (0..words.words.len())
        .map(|j| {
            let w = words.words[j];
            !covered[j]
                && !idiom[j]
                && w.chars().count() >= STORY_MIN_CHARS
                && !w.chars().any(|c| c.is_ascii_digit())
                && ![
                    lists.plain,
                    lists.times,
                    lists.words,
                    lists.in_clause,
                    lists.pay,
                ]
                .iter()
                .any(|list| listed(list, w))
        })
        .collect();
    (tells, covered)
}

/// Whether `phrase` is made of words of time ("next month", "after"), with no word
/// that is not plain.
fn of_time(lists: &HoldBack, phrase: &[&str]) -> bool {
    phrase.iter().any(|w| listed(lists.times, w))
        && phrase
            .iter()
            .all(|w| listed(lists.times, w) || listed(lists.plain, w))
}

/// Which words tell the visitor's own story ([`story_words`]), and which a phrase of the
/// step covers, in a message's clauses.
struct Story<'s> {
    places: &'s [Place],
    tells: &'s [bool],
    covered: &'s [bool],
}

impl Story<'_> {
    /// Whether a word of the visitor's own story comes before word `i` in its clause,
    /// with no phrase of the step between them.
    fn before(&self, i: usize) -> bool {
        let clause = self.places[i].clause;
        (0..i)
            .rev()
            .take_while(|&j| self.places[j].clause == clause && !self.covered[j])
            .any(|j| self.tells[j])
    }
}
