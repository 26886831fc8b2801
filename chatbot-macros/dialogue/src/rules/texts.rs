//! `<locale>.toml`: a report's texts in one language, checked against its structure —
//! every step's messages, every option's label and phrases, the post-payment texts.

use toml::Spanned;

use super::replies::{StrayLabel, check_replies};
use crate::diagnostic::{Diagnostic, Errors, Source};
use crate::model::{LocaleTexts, Report, Step, StepTexts, Success, Text};
use crate::parse::RawLocale;
use crate::suggest::{closest, suggest};
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
    for pair in list.get_ref().windows(2) {
        if let [first, second] = pair
            && first.get_ref().trim() == second.get_ref().trim()
            && !first.get_ref().trim().is_empty()
        {
            let line = Diagnostic::new(source, first.span(), "").line;
            errors.at(
                source,
                second.span(),
                format!("{what} sends the same message twice in a row"),
                format!("the message before it (line {line}) is the same: remove one of the two"),
            );
        }
    }
    list.get_ref()
        .iter()
        .filter_map(|t| check_text(source, t, placeholders, errors))
        .collect()
}

/// A locale file's checked texts, and the labels it writes for options its steps do
/// not define (reported by [`super::compile`] once every locale file is read).
pub struct LocaleCheck {
    pub texts: Option<LocaleTexts>,
    pub stray: Vec<StrayLabel>,
}

pub fn check_locale(
    report: &Report,
    code: &str,
    source: &Source,
    raw: &RawLocale,
    errors: &mut Errors,
) -> LocaleCheck {
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
    let without_messages: Vec<&str> = report
        .steps
        .iter()
        .map(|s| s.name.as_str())
        .filter(|name| {
            texts
                .get(*name)
                .is_none_or(|t| t.get_ref().messages.is_none())
        })
        .collect();
    // A step written under a misspelt name is one mistake: the step it was meant for is
    // not reported as missing too.
    let mut meant: Vec<&str> = Vec::new();
    for key in texts.keys() {
        if report.steps.iter().any(|s| &s.name == key.get_ref()) {
            continue;
        }
        let help = match closest(key.get_ref(), without_messages.iter().copied()) {
            Some(name) => {
                meant.push(name);
                format!("did you mean `{name}`? the steps are those of dialogue.toml")
            }
            None => suggest(key.get_ref(), report.steps.iter().map(|s| s.name.as_str())),
        };
        errors.at(
            source,
            key.span(),
            format!("texts for unknown step `{}`", key.get_ref()),
            help,
        );
    }
    let mut steps = Vec::new();
    let mut stray = Vec::new();
    for (index, step) in report.steps.iter().enumerate() {
        if meant.contains(&step.name.as_str()) {
            continue;
        }
        let Some((key, step_texts)) = texts.get_key_value(step.name.as_str()) else {
            missing_step(report, index, code, source, raw, errors);
            continue;
        };
        let step_texts = step_texts.get_ref();
        let what = format!("step `{}`", step.name);
        let messages = match &step_texts.messages {
            Some(list) => check_messages(source, list, &what, true, errors),
            None => {
                errors.at(
                    source,
                    key.span(),
                    format!("step `{}` has no `messages` in `{code}`", step.name),
                    format!("add `messages = [\"...\"]` to [steps.{}]", step.name),
                );
                Vec::new()
            }
        };
        let replies = check_replies(report, index, code, source, step_texts, key.span(), errors);
        stray.extend(replies.stray);
        steps.push(StepTexts {
            messages,
            options: replies.labels,
            phrases: replies.phrases,
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
    let texts = link
        .filter(|_| errors.0.len() == before)
        .map(|link| LocaleTexts {
            title: raw.title.get_ref().clone(),
            steps,
            success: Success {
                thanks,
                link,
                goodbye,
            },
            failure,
        });
    LocaleCheck { texts, stray }
}

/// A step with no texts at all in a locale file: pointed where its texts belong (after
/// the step before it in dialogue.toml, or before the one after it, as this file has
/// them), with everything it needs, so that one build is enough.
fn missing_step(
    report: &Report,
    index: usize,
    code: &str,
    source: &Source,
    raw: &RawLocale,
    errors: &mut Errors,
) {
    let texts = raw.steps.get_ref();
    let step = &report.steps[index];
    let present = |s: &Step| texts.get_key_value(s.name.as_str()).map(|(k, _)| k);
    let before = report.steps[..index].iter().rev().find_map(present);
    let after = report.steps[index + 1..].iter().find_map(present);
    let mut ids: Vec<&str> = Vec::new();
    for option in &step.options {
        if !ids.contains(&option.id.as_str()) {
            ids.push(&option.id);
        }
    }
    let mut add = format!("add [steps.{}] with its `messages`", step.name);
    if !ids.is_empty() {
        let labels: Vec<String> = ids.iter().map(|id| format!("{id} = \"...\"")).collect();
        add.push_str(&format!(" and `options = {{ {} }}`", labels.join(", ")));
    }
    let (span, help) = match (before, after) {
        (Some(key), _) => (
            key.span(),
            format!("{add}, after [steps.{}] as in dialogue.toml", key.get_ref()),
        ),
        (None, Some(key)) => (
            key.span(),
            format!(
                "{add}, before [steps.{}] as in dialogue.toml",
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
}
