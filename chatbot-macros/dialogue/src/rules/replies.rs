//! A step's quick replies in one locale file: a label for every option (short enough
//! for a phone button) and the phrases a visitor may type instead, none of which may pick
//! two replies. A label for an option the structure does not define is held back as a
//! [`StrayLabel`]: whether the translator or the structure is wrong is known only once
//! every locale file is read.

use std::collections::HashMap;
use std::ops::Range;

use crate::answer::normalize;
use crate::diagnostic::{Diagnostic, Errors, Source};
use crate::model::{Listening, Phrase, Report, Target};
use crate::parse::RawStepTexts;
use crate::runtime::{Aside, Intent};
use crate::suggest::{closest, suggest};
use crate::text::{self, Piece};

/// The longest quick-reply label, in characters: it must fit a button on a phone.
pub const MAX_LABEL: usize = 40;

/// A label in a locale file for an option its step does not define.
pub struct StrayLabel {
    pub step: usize,
    pub id: String,
    pub span: Range<usize>,
    /// The option of the step that has no label in this file and is close to `id`.
    pub instead_of: Option<String>,
    /// What to do, if this file alone is wrong.
    pub help: String,
}

/// The checked labels (in option order) and phrases of one step.
pub struct Replies {
    pub labels: Vec<String>,
    pub phrases: Vec<Phrase>,
    pub stray: Vec<StrayLabel>,
}

/// `locale`: its code, how its people talk, and which asides the report answers there.
pub fn check_replies(
    report: &Report,
    index: usize,
    locale: (&str, &Listening, &[bool]),
    source: &Source,
    texts: &RawStepTexts,
    at: Range<usize>,
    errors: &mut Errors,
) -> Replies {
    let (code, listening, answered) = locale;
    let step = &report.steps[index];
    let labels = texts.options.as_ref();
    let written: Vec<_> = labels.iter().flat_map(|l| l.get_ref().iter()).collect();
    let defined = |id: &str| step.options.iter().any(|o| o.id == id);
    // Each id once: an id used twice is reported once, in dialogue.toml.
    let unlabelled: Vec<&str> = step
        .options
        .iter()
        .enumerate()
        .filter(|&(i, o)| !step.options[..i].iter().any(|p| p.id == o.id))
        .map(|(_, o)| o.id.as_str())
        .filter(|id| !written.iter().any(|(k, _)| k.get_ref() == id))
        .collect();
    let mut stray = Vec::new();
    for (key, _) in written.iter().filter(|(k, _)| !defined(k.get_ref())) {
        let id = key.get_ref();
        let instead_of = closest(id, unlabelled.iter().copied());
        let help = match instead_of {
            Some(name) => format!("did you mean `{name}`?"),
            None if !unlabelled.is_empty() => format!(
                "the step's options without a label here are: {}; write this label for one of them",
                unlabelled.join(", ")
            ),
            None if step.options.is_empty() => {
                "this step offers no quick replies in dialogue.toml".to_owned()
            }
            None => suggest(id, step.options.iter().map(|o| o.id.as_str())),
        };
        stray.push(StrayLabel {
            step: index,
            id: id.clone(),
            span: key.span(),
            instead_of: instead_of.map(str::to_owned),
            help,
        });
    }
    // A label written under a wrong id is one mistake: its option's missing label is
    // the same one, so it is not reported again.
    if stray.is_empty() {
        for id in &unlabelled {
            errors.at(
                source,
                labels.map_or_else(|| at.clone(), |l| l.span()),
                format!(
                    "option `{id}` of step `{}` has no label in `{code}`",
                    step.name
                ),
                format!("add `{id} = \"...\"` to the step's `options`"),
            );
        }
    }
    let mut options = Vec::new();
    // Every label and phrase, to be matched in the order they are written in the file.
    let mut answers: Vec<(String, usize, Range<usize>, bool)> = Vec::new();
    for (option_index, option) in step.options.iter().enumerate() {
        let Some((_, reply)) = written.iter().find(|(k, _)| k.get_ref() == &option.id) else {
            continue;
        };
        if step.options[..option_index]
            .iter()
            .any(|o| o.id == option.id)
        {
            continue;
        }
        let label_span = reply
            .get_ref()
            .text_span
            .clone()
            .unwrap_or_else(|| reply.span());
        let label = &reply.get_ref().text;
        match text::parse(label) {
            _ if label.trim().is_empty() => errors.at(
                source,
                label_span.clone(),
                "empty quick-reply label".into(),
                "write the button's text".into(),
            ),
            Ok(pieces) => match pieces.as_slice() {
                [Piece::Literal(text)] if text.chars().count() > MAX_LABEL => errors.at(
                    source,
                    label_span.clone(),
                    format!(
                        "the label of `{}` is {} characters long: a quick reply must fit a phone button",
                        option.id,
                        text.chars().count()
                    ),
                    format!(
                        "shorten it to {MAX_LABEL} characters or fewer; a longer wording can stay as one of its `phrases`"
                    ),
                ),
                [Piece::Literal(text)] => options.push(text.clone()),
                _ => errors.at(
                    source,
                    label_span.clone(),
                    "quick-reply labels cannot hold placeholders".into(),
                    "write the label as plain text; `{{` and `}}` give literal braces".into(),
                ),
            },
            Err(e) => errors.at(source, label_span.clone(), e.message, e.help),
        }
        answers.push((label.clone(), option_index, label_span, true));
        for phrase in &reply.get_ref().phrases {
            answers.push((phrase.get_ref().clone(), option_index, phrase.span(), false));
        }
    }
    let phrases = check_phrases(report, index, listening, answered, source, answers, errors);
    Replies {
        labels: options,
        phrases,
        stray,
    }
}

/// Adds a phrase the step does not have yet, indexed by its text.
fn push(
    phrases: &mut Vec<(Phrase, Origin)>,
    seen: &mut HashMap<String, usize>,
    phrase: Phrase,
    origin: Origin,
) {
    seen.insert(phrase.text.clone(), phrases.len());
    phrases.push((phrase, origin));
}

/// Where a phrase of a step comes from.
enum Origin {
    /// An intent a reply takes, from `catalogue.toml`.
    Intent(Intent),
    /// A label or phrase written in this file.
    Written(Range<usize>),
}

/// Normalized answers, unique and sorted: the phrases of the intents each reply takes,
/// the labels and phrases written here, then the questions the step answers aside (where
/// no reply takes them already). A written answer that would pick two replies is reported
/// where it is written second in the file (or, against an intent, where it is written),
/// naming the first.
fn check_phrases(
    report: &Report,
    index: usize,
    listening: &Listening,
    answered: &[bool],
    source: &Source,
    mut answers: Vec<(String, usize, Range<usize>, bool)>,
    errors: &mut Errors,
) -> Vec<Phrase> {
    let step = &report.steps[index];
    let reply = |option: usize| Target::Reply {
        option,
        buys: report.steps[step.options[option].next].purchase,
        declines: step.options[option]
            .intents
            .iter()
            .any(|i| matches!(i, Intent::No | Intent::Later | Intent::Expensive)),
    };
    // A step holds hundreds of phrases (every intent's list): `seen` finds one by its text
    // (a scan per phrase made the catalogue's build quadratic in them).
    let mut phrases: Vec<(Phrase, Origin)> = Vec::new();
    let mut seen: HashMap<String, usize> = HashMap::new();
    for (option, quick) in step.options.iter().enumerate() {
        for &intent in &quick.intents {
            for text in listening.phrases(intent) {
                if !seen.contains_key(text) {
                    let phrase = Phrase {
                        text: text.clone(),
                        target: reply(option),
                    };
                    push(&mut phrases, &mut seen, phrase, Origin::Intent(intent));
                }
            }
        }
    }
    answers.sort_by_key(|(_, _, span, _)| span.start);
    for (written, option, span, is_label) in answers {
        let text = normalize(&written);
        if text.is_empty() {
            if !is_label {
                errors.at(
                    source,
                    span,
                    "a phrase without letters or digits".into(),
                    "punctuation and emoji are ignored when answers are matched: write words"
                        .into(),
                );
            }
            continue;
        }
        let first = seen.get(&text).map(|&i| &phrases[i]);
        match first {
            Some((first, origin)) if first.target != reply(option) => {
                let Target::Reply { option: taken, .. } = first.target else {
                    continue;
                };
                let first_id = &step.options[taken].id;
                let help = match origin {
                    Origin::Written(first_span) => {
                        let line = Diagnostic::new(source, first_span.clone(), "").line;
                        format!(
                            "it is already an answer for `{first_id}` on line {line}; a typed answer must lead one way: keep it for one quick reply"
                        )
                    }
                    Origin::Intent(intent) => format!(
                        "`{first_id}` takes the intent `{}`, whose phrases (catalogue.toml) include it; a typed answer must lead one way: remove it here",
                        intent.name()
                    ),
                };
                errors.at(
                    source,
                    span,
                    format!(
                        "the answer `{text}` would pick both `{first_id}` and `{}` in step `{}`",
                        step.options[option].id, step.name
                    ),
                    help,
                );
            }
            Some(_) => {}
            None => push(
                &mut phrases,
                &mut seen,
                Phrase {
                    text,
                    target: reply(option),
                },
                Origin::Written(span),
            ),
        }
    }
    for aside in Aside::ALL {
        let taken = step
            .options
            .iter()
            .any(|o| o.intents.contains(&aside.intent()));
        if taken || !answered.get(aside as usize).copied().unwrap_or(false) {
            continue;
        }
        for text in listening.phrases(aside.intent()) {
            if !seen.contains_key(text) {
                let phrase = Phrase {
                    text: text.clone(),
                    target: Target::Aside(aside),
                };
                push(
                    &mut phrases,
                    &mut seen,
                    phrase,
                    Origin::Intent(aside.intent()),
                );
            }
        }
    }
    let mut phrases: Vec<Phrase> = phrases.into_iter().map(|(p, _)| p).collect();
    phrases.sort_by(|a, b| a.text.cmp(&b.text));
    phrases
}
