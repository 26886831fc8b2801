//! `<locale>.toml`: a report's texts in one language, checked against its structure —
//! every step's messages, every option's label and phrases, the post-payment texts.

use super::listening;
use super::messages::{check_messages, check_text};
use super::replies::{StrayLabel, check_replies};
use crate::diagnostic::{Errors, Source};
use crate::model::{Listening, LocaleTexts, Report, Step, StepTexts, Success};
use crate::parse::RawLocale;
use crate::suggest::{closest, suggest};

/// A locale file's checked texts, and the labels it writes for options its steps do
/// not define (reported by [`super::compile`] once every locale file is read).
pub struct LocaleCheck {
    pub texts: Option<LocaleTexts>,
    pub stray: Vec<StrayLabel>,
}

pub fn check_locale(
    report: &Report,
    code: &str,
    listening: &Listening,
    source: &Source,
    raw: &RawLocale,
    errors: &mut Errors,
) -> LocaleCheck {
    let before = errors.0.len();
    let asides = listening::report_asides(source, raw.asides.as_ref(), listening, errors);
    let answered: Vec<bool> = asides.iter().map(|a| !a.is_empty()).collect();
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
        let replies = check_replies(
            report,
            index,
            (code, listening, &answered),
            source,
            step_texts,
            key.span(),
            errors,
        );
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
            asides,
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
