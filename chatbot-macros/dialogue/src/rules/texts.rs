//! `<locale>.toml`: a report's texts in one language, checked against its structure —
//! every step's messages, every option's label and phrases, the post-payment texts.

use std::ops::Range;

use toml::Spanned;

use crate::answer::normalize;
use crate::diagnostic::{Diagnostic, Errors, Source};
use crate::model::{LocaleTexts, Phrase, Report, Step, StepTexts, Success, Text};
use crate::parse::RawLocale;
use crate::suggest::suggest;
use crate::text::{self, Piece};

fn check_text(
    source: &Source,
    text: &Spanned<String>,
    placeholders: bool,
    errors: &mut Errors,
) -> Option<Text> {
    let value = text.get_ref();
    if value.trim().is_empty() {
        errors.at(
            source,
            text.span(),
            "empty message text".into(),
            "write the message or remove it".into(),
        );
        return None;
    }
    match text::parse(value) {
        Ok(pieces) if !placeholders && pieces.iter().any(|p| !matches!(p, Piece::Literal(_))) => {
            errors.at(
                source,
                text.span(),
                "the post-payment dialogue has no price or currency to show".into(),
                "remove `{price}` and `{currency}` from [success] and [failure] texts".into(),
            );
            None
        }
        Ok(pieces) => Some(Text {
            source: value.clone(),
            pieces,
        }),
        Err(e) => {
            // Point inside the string when it is written without escapes, else at the string.
            let span = text.span();
            let raw = source.text.get(span.clone()).unwrap_or_default();
            let span = if raw.len() == value.len() + 2 && &raw[1..raw.len() - 1] == value {
                span.start + 1 + e.offset..span.start + 1 + e.offset + e.len
            } else {
                span
            };
            errors.at(source, span, e.message, e.help);
            None
        }
    }
}

/// `placeholders`: whether `{price}` and `{currency}` are known where these are sent
/// (not in the post-payment dialogue, which has no price).
fn check_messages(
    source: &Source,
    list: &Spanned<Vec<Spanned<String>>>,
    what: &str,
    placeholders: bool,
    errors: &mut Errors,
) -> Vec<Text> {
    if list.get_ref().is_empty() {
        errors.at(
            source,
            list.span(),
            format!("{what} has no messages"),
            "a chunk needs at least one message: add one to the list".into(),
        );
    }
    list.get_ref()
        .iter()
        .filter_map(|t| check_text(source, t, placeholders, errors))
        .collect()
}

pub fn check_locale(
    report: &Report,
    code: &str,
    source: &Source,
    raw: &RawLocale,
    errors: &mut Errors,
) -> Option<LocaleTexts> {
    let before = errors.0.len();
    if raw.title.get_ref().trim().is_empty() {
        errors.at(
            source,
            raw.title.span(),
            "empty `title`".into(),
            "write the question the report answers".into(),
        );
    }
    let texts = raw.steps.get_ref();
    for key in texts.keys() {
        if !report.steps.iter().any(|s| &s.name == key.get_ref()) {
            errors.at(
                source,
                key.span(),
                format!("texts for undefined step `{}`", key.get_ref()),
                suggest(key.get_ref(), report.steps.iter().map(|s| s.name.as_str())),
            );
        }
    }
    let mut steps = Vec::new();
    for (index, step) in report.steps.iter().enumerate() {
        let Some((_, step_texts)) = texts.get_key_value(step.name.as_str()) else {
            // Point where its texts belong: after the step before it in dialogue.toml
            // (or before the one after it), as this file has them.
            let present = |s: &Step| texts.get_key_value(s.name.as_str()).map(|(k, _)| k);
            let before = report.steps[..index].iter().rev().find_map(present);
            let after = report.steps[index + 1..].iter().find_map(present);
            let add = format!("add [steps.{}] with its `messages`", step.name);
            let (span, help) = match (before, after) {
                (Some(key), _) => (
                    key.span(),
                    format!("{add} after [steps.{}], as in dialogue.toml", key.get_ref()),
                ),
                (None, Some(key)) => (
                    key.span(),
                    format!(
                        "{add} before [steps.{}], as in dialogue.toml",
                        key.get_ref()
                    ),
                ),
                (None, None) => (raw.steps.span(), format!("{add} to this file")),
            };
            errors.at(
                source,
                span,
                format!("step `{}` has no text in `{code}`", step.name),
                help,
            );
            continue;
        };
        let step_texts = step_texts.get_ref();
        let what = format!("step `{}`", step.name);
        let messages = check_messages(source, &step_texts.messages, &what, true, errors);
        let labels = step_texts.options.as_ref();
        let mut options = Vec::new();
        let mut phrases: Vec<(Phrase, Range<usize>)> = Vec::new();
        for (index, option) in step.options.iter().enumerate() {
            if step.options[..index].iter().any(|o| o.id == option.id) {
                // An id used twice is reported once, in dialogue.toml.
                continue;
            }
            let Some(reply) = labels.and_then(|l| l.get_ref().get(option.id.as_str())) else {
                errors.at(
                    source,
                    labels.map_or_else(|| step_texts.messages.span(), Spanned::span),
                    format!(
                        "option `{}` of step `{}` has no label in `{code}`",
                        option.id, step.name
                    ),
                    format!("add `{} = \"...\"` to the step's `options`", option.id),
                );
                continue;
            };
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
            // A reply that buys is picked by an exact answer only.
            let inside = !report.steps[option.next].purchase;
            let written = std::iter::once((label.as_str(), label_span, true)).chain(
                reply
                    .get_ref()
                    .phrases
                    .iter()
                    .map(|p| (p.get_ref().as_str(), p.span(), false)),
            );
            for (written, span, is_label) in written {
                let text = normalize(written);
                if text.is_empty() {
                    if !is_label {
                        errors.at(
                            source,
                            span,
                            "a phrase without letters or digits".into(),
                            "punctuation and emoji are ignored when answers are matched: write words".into(),
                        );
                    }
                    continue;
                }
                match phrases.iter().find(|(p, _)| p.text == text) {
                    Some((first, first_span)) if first.option != index => {
                        let line = Diagnostic::new(source, first_span.clone(), "").line;
                        errors.at(
                            source,
                            span,
                            format!(
                                "the answer `{text}` would pick both `{}` and `{}` in step `{}`",
                                step.options[first.option].id, option.id, step.name
                            ),
                            format!("it is already an answer for `{}` on line {line}; a typed answer must lead one way: keep it for one quick reply", step.options[first.option].id),
                        );
                    }
                    Some(_) => {}
                    None => phrases.push((
                        Phrase {
                            text,
                            option: index,
                            inside,
                        },
                        span,
                    )),
                }
            }
        }
        let mut phrases: Vec<Phrase> = phrases.into_iter().map(|(p, _)| p).collect();
        phrases.sort_by(|a, b| a.text.cmp(&b.text));
        for key in labels.iter().flat_map(|l| l.get_ref().keys()) {
            if !step.options.iter().any(|o| &o.id == key.get_ref()) {
                errors.at(
                    source,
                    key.span(),
                    format!(
                        "label for undefined option `{}` of step `{}`",
                        key.get_ref(),
                        step.name
                    ),
                    if step.options.is_empty() {
                        "this step offers no quick replies in dialogue.toml".to_owned()
                    } else {
                        suggest(key.get_ref(), step.options.iter().map(|o| o.id.as_str()))
                    },
                );
            }
        }
        steps.push(StepTexts {
            messages,
            options,
            phrases,
        });
    }
    let success = raw.success.get_ref();
    let thanks = check_messages(
        source,
        &success.thanks,
        "the success `thanks`",
        false,
        errors,
    );
    let goodbye = check_messages(
        source,
        &success.goodbye,
        "the success `goodbye`",
        false,
        errors,
    );
    let link = match &success.link {
        Some(link) => check_text(source, link, false, errors),
        None => {
            errors.at(
                source,
                raw.success.span(),
                "the success dialogue has no link message".into(),
                "add `link = \"...\"` to [success]: the message that carries the report link"
                    .into(),
            );
            None
        }
    };
    let failure = check_messages(
        source,
        &raw.failure.get_ref().messages,
        "the failure dialogue",
        false,
        errors,
    );
    let link = link?;
    (errors.0.len() == before).then(|| LocaleTexts {
        title: raw.title.get_ref().clone(),
        steps,
        success: Success {
            thanks,
            link,
            goodbye,
        },
        failure,
    })
}
