//! How the bot listens: what people type, declared once per language in
//! `catalogue.toml` (`intents`, `hold_back`, `asides`), the intents quick replies take in
//! `dialogue.toml`, a report's own answers aside, and the rule that a typed "no" never
//! goes the way of a question's "yes".

use std::ops::Range;

use toml::Spanned;

use super::messages::check_messages;
use crate::answer::normalize;
use crate::diagnostic::{Diagnostic, Errors, Source};
use crate::model::{HoldBackLists, Listening, Step, Text};
use crate::parse::{Map, RawDialogue, RawLocaleDef, RawOption};
use crate::runtime::{Aside, Intent};
use crate::suggest::suggest;

/// One list of `[locales.<code>.hold_back]`: normalized, sorted, unique; single words
/// unless it lists idioms.
fn hold_back_list(
    source: &Source,
    list: &[Spanned<String>],
    one_word: bool,
    into: &mut Vec<String>,
    errors: &mut Errors,
) {
    for word in list {
        let text = normalize(word.get_ref());
        if text.is_empty() {
            errors.at(
                source,
                word.span(),
                format!("`{}` has no letters or digits", word.get_ref()),
                "punctuation and emoji are ignored when answers are matched: write words".into(),
            );
        } else if one_word && text.contains(' ') {
            errors.at(
                source,
                word.span(),
                format!("`{}` is not one word", word.get_ref()),
                "hold_back's `in_clause`, `asking`, `conditions`, `times`, `plain`, `sequence` and `pay` list single words (phrases go in `words`, `idioms` and `unsure`); write each word on its own".into(),
            );
        } else if !into.contains(&text) {
            into.push(text);
        }
    }
    into.sort();
}

/// `[locales.<code>.intents]`, `.hold_back` and `.asides` of one language.
pub fn compile_locale(
    source: &Source,
    code: &str,
    raw: &RawLocaleDef,
    errors: &mut Errors,
) -> Listening {
    let mut listening = Listening {
        intents: vec![Vec::new(); Intent::ALL.len()],
        hold_back: HoldBackLists::default(),
        asides: vec![None; Aside::ALL.len()],
    };
    // Every phrase once per language: where it was first written, and for which intent.
    let mut seen: Vec<(String, Intent, Range<usize>)> = Vec::new();
    for (key, list) in raw.intents.iter().flat_map(|m| m.get_ref()) {
        let Some(intent) = Intent::from_name(key.get_ref()) else {
            errors.at(
                source,
                key.span(),
                format!(
                    "unknown intent `{}` in [locales.{code}.intents]",
                    key.get_ref()
                ),
                suggest(key.get_ref(), Intent::ALL.iter().map(|i| i.name())),
            );
            continue;
        };
        for phrase in list.get_ref() {
            let text = normalize(phrase.get_ref());
            if text.is_empty() {
                errors.at(
                    source,
                    phrase.span(),
                    "a phrase without letters or digits".into(),
                    "punctuation and emoji are ignored when answers are matched: write words"
                        .into(),
                );
                continue;
            }
            match seen.iter().find(|(t, ..)| *t == text) {
                Some((_, first, _)) if *first == intent => {}
                Some((_, first, span)) => {
                    let line = Diagnostic::new(source, span.clone(), "").line;
                    errors.at(
                        source,
                        phrase.span(),
                        format!(
                            "`{text}` is both a `{}` and a `{}` phrase in `{code}`",
                            first.name(),
                            intent.name()
                        ),
                        format!(
                            "it is already a `{}` phrase on line {line}; a typed answer must mean one thing: keep it in one intent",
                            first.name()
                        ),
                    );
                }
                None => {
                    seen.push((text.clone(), intent, phrase.span()));
                    listening.intents[intent as usize].push(text);
                }
            }
        }
    }
    if let Some(hold_back) = &raw.hold_back {
        let raw = hold_back.get_ref();
        let lists = &mut listening.hold_back;
        for (list, into, one_word) in [
            (raw.words.get_ref(), &mut lists.words, false),
            (&raw.in_clause, &mut lists.in_clause, true),
            (&raw.asking, &mut lists.asking, true),
            (&raw.conditions, &mut lists.conditions, true),
            (&raw.times, &mut lists.times, true),
            (&raw.plain, &mut lists.plain, true),
            (&raw.sequence, &mut lists.sequence, true),
            (&raw.pay, &mut lists.pay, true),
            (&raw.idioms, &mut lists.idioms, false),
            (&raw.unsure, &mut lists.unsure, false),
        ] {
            hold_back_list(source, list, one_word, into, errors);
        }
        // Each of these lists says how a word holds a purchase back (anywhere, near
        // it, when it tells the time of buying, never): a word in two says two things.
        // The compiled lists are normalized and sorted already: look words up there.
        let kinds = [
            ("words", raw.words.get_ref(), &lists.words),
            ("in_clause", &raw.in_clause, &lists.in_clause),
            ("times", &raw.times, &lists.times),
            ("plain", &raw.plain, &lists.plain),
        ];
        for (later, (name, list, _)) in kinds.iter().enumerate() {
            for word in *list {
                let text = normalize(word.get_ref());
                let earlier = kinds[..later]
                    .iter()
                    .find(|(.., compiled)| compiled.binary_search(&text).is_ok());
                if let Some((first, ..)) = earlier {
                    errors.at(
                        source,
                        word.span(),
                        format!("`{text}` is in both `{first}` and `{name}` of [locales.{code}.hold_back]"),
                        "`words` hold a purchase back anywhere in a message, `in_clause` only near it, `times` unless a story comes first, `plain` never: keep the word in one list".into(),
                    );
                }
            }
        }
    }
    for (key, list) in raw.asides.iter().flat_map(|m| m.get_ref()) {
        let Some(aside) = Aside::from_name(key.get_ref()) else {
            errors.at(
                source,
                key.span(),
                format!(
                    "unknown aside `{}` in [locales.{code}.asides]",
                    key.get_ref()
                ),
                suggest(key.get_ref(), Aside::ALL.iter().map(|a| a.name())),
            );
            continue;
        };
        let what = format!("the `{}` aside", aside.name());
        listening.asides[aside as usize] = Some(check_messages(source, list, &what, true, errors));
    }
    // A question people ask is answered: its phrases and its answer come together.
    for aside in Aside::ALL {
        let asked = !listening.phrases(aside.intent()).is_empty();
        let answered = listening.asides[aside as usize].is_some();
        if asked && !answered {
            let span = table_key(raw.intents.as_ref(), aside.name());
            errors.at(
                source,
                span,
                format!(
                    "`{}` phrases in `{code}` have no answer",
                    aside.name()
                ),
                format!(
                    "a visitor who asks it at any step is answered aside: add `{} = [\"...\"]` to [locales.{code}.asides]",
                    aside.name()
                ),
            );
        } else if answered && !asked {
            let span = table_key(raw.asides.as_ref(), aside.name());
            errors.at(
                source,
                span,
                format!(
                    "the `{}` aside in `{code}` has no phrases to be asked by",
                    aside.name()
                ),
                format!(
                    "add `{} = [\"...\"]` to [locales.{code}.intents]: what people type to ask it",
                    aside.name()
                ),
            );
        }
    }
    listening
}

/// Every language declares the same intents and asides as the first (a missing
/// translation is an error, as for texts).
pub fn check_agree(
    source: &Source,
    raws: &[(&str, &RawLocaleDef, &Listening)],
    errors: &mut Errors,
) {
    let Some(((first_code, _, first), rest)) = raws.split_first() else {
        return;
    };
    for (code, raw, listening) in rest {
        for intent in Intent::ALL {
            let theirs = !first.phrases(intent).is_empty();
            let ours = !listening.phrases(intent).is_empty();
            if theirs != ours {
                let (table, where_) = if ours {
                    (format!("[locales.{first_code}.intents]"), *first_code)
                } else {
                    (format!("[locales.{code}.intents]"), *code)
                };
                let span = raw
                    .intents
                    .as_ref()
                    .map_or_else(|| raw.ui.span(), Spanned::span);
                errors.at(
                    source,
                    span,
                    format!("intent `{}` is written in one language only", intent.name()),
                    format!(
                        "add `{} = [\"...\"]` to {table}: every language lists the same intents (`{where_}` lacks it)",
                        intent.name()
                    ),
                );
            }
        }
    }
}

/// The intents a quick reply takes (`intents = ["yes"]`).
pub fn reply_intents(source: &Source, option: &RawOption, errors: &mut Errors) -> Vec<Intent> {
    let mut intents = Vec::new();
    for name in option.intents.iter().flat_map(|l| l.get_ref()) {
        match Intent::from_name(name.get_ref()) {
            Some(intent) if !intents.contains(&intent) => intents.push(intent),
            Some(_) => {}
            None => errors.at(
                source,
                name.span(),
                format!("unknown intent `{}`", name.get_ref()),
                suggest(name.get_ref(), Intent::ALL.iter().map(|i| i.name())),
            ),
        }
    }
    intents
}

/// Per step: an intent leads one way (two replies never take the same one), and a
/// question with a `yes` reply has a `no` reply that leads elsewhere, so a typed "no"
/// never goes the way of "yes".
pub fn check_no_way(source: &Source, raw: &RawDialogue, steps: &[Step], errors: &mut Errors) {
    for (step, (key, raw_step)) in steps.iter().zip(raw.steps.get_ref()) {
        let raw_options: Vec<&RawOption> = raw_step
            .get_ref()
            .options
            .iter()
            .flat_map(|o| o.get_ref())
            .map(Spanned::get_ref)
            .collect();
        let intents_span = |id: &str| {
            raw_options
                .iter()
                .find(|o| o.id.get_ref() == id)
                .map(|o| {
                    o.intents
                        .as_ref()
                        .map_or_else(|| o.id.span(), Spanned::span)
                })
                .unwrap_or_else(|| key.span())
        };
        for intent in Intent::ALL {
            let taking: Vec<&str> = step
                .options
                .iter()
                .filter(|o| o.intents.contains(&intent))
                .map(|o| o.id.as_str())
                .collect();
            if let [first, second, ..] = taking.as_slice() {
                errors.at(
                    source,
                    intents_span(second),
                    format!(
                        "replies `{first}` and `{second}` of step `{}` both take the intent `{}`",
                        step.name,
                        intent.name()
                    ),
                    format!(
                        "a typed answer must lead one way: keep `{}` on one of them",
                        intent.name()
                    ),
                );
            }
        }
        let Some(yes) = step
            .options
            .iter()
            .find(|o| o.intents.contains(&Intent::Yes))
        else {
            continue;
        };
        match step.options.iter().find(|o| o.intents.contains(&Intent::No)) {
            None => errors.at(
                source,
                intents_span(&yes.id),
                format!(
                    "step `{}` has a `yes` reply (`{}`) but no way for \"no\"",
                    step.name, yes.id
                ),
                format!(
                    "a visitor who types \"no\" must not go the `yes` way: add a reply that takes it, e.g. `{{ id = \"no\", next = \"<step>\", intents = [\"no\", \"later\"] }}`, and its label in every locale file (the next step of `{}` is `{}`)",
                    yes.id, steps[yes.next].name
                ),
            ),
            Some(no) if no.next == yes.next => {
                let span = raw_options
                    .iter()
                    .find(|o| o.id.get_ref() == &no.id)
                    .map_or_else(|| key.span(), |o| o.next.span());
                errors.at(
                    source,
                    span,
                    format!(
                        "\"no\" at step `{}` leads where \"yes\" does (`{}`)",
                        step.name, steps[yes.next].name
                    ),
                    format!(
                        "let `{}` lead where a visitor who says no should go, not where `{}` goes",
                        no.id, yes.id
                    ),
                );
            }
            Some(no) => {
                // "Not now" is a no too: untaken, it would go the unclear way, and that
                // is the yes way on most questions.
                let unclear = step.unclear.or(step.next);
                let later_taken = step.options.iter().any(|o| o.intents.contains(&Intent::Later));
                if !later_taken && unclear == Some(yes.next) {
                    errors.at(
                        source,
                        intents_span(&no.id),
                        format!(
                            "\"not now\" at step `{}` would go the `yes` way (`{}`, where unclear answers go)",
                            step.name, steps[yes.next].name
                        ),
                        format!(
                            "let `{}` take `later` too: `intents = [\"no\", \"later\"]`",
                            no.id
                        ),
                    );
                }
            }
        }
    }
}

/// A report's answers aside in one language: its own `[asides]` over the catalogue's.
pub fn report_asides(
    source: &Source,
    own: Option<&Map<Vec<Spanned<String>>>>,
    catalogue: &Listening,
    errors: &mut Errors,
) -> Vec<Vec<Text>> {
    let mut asides: Vec<Vec<Text>> = catalogue
        .asides
        .iter()
        .map(|a| a.clone().unwrap_or_default())
        .collect();
    for (key, list) in own.iter().flat_map(|m| m.get_ref()) {
        let Some(aside) = Aside::from_name(key.get_ref()) else {
            errors.at(
                source,
                key.span(),
                format!("unknown aside `{}`", key.get_ref()),
                suggest(key.get_ref(), Aside::ALL.iter().map(|a| a.name())),
            );
            continue;
        };
        if catalogue.asides[aside as usize].is_none() {
            errors.at(
                source,
                key.span(),
                format!("the catalogue has no `{}` aside to answer", aside.name()),
                format!(
                    "declare `{}` in catalogue.toml's intents and asides first, for every language",
                    aside.name()
                ),
            );
            continue;
        }
        let what = format!("the `{}` aside", aside.name());
        asides[aside as usize] = check_messages(source, list, &what, true, errors);
    }
    asides
}

/// Where `key` is written in `table`, or the table itself.
fn table_key<T>(table: Option<&Map<T>>, key: &str) -> Range<usize> {
    table.map_or(0..0, |t| {
        t.get_ref()
            .get_key_value(key)
            .map_or_else(|| t.span(), |(k, _)| k.span())
    })
}
