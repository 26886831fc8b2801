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

/// `variant`: the file holds a variant's texts, which share the report's title and
/// post-payment texts (left empty here, for the caller to fill in).
pub fn check_locale(
    report: &Report,
    code: &str,
    listening: &Listening,
    source: &Source,
    raw: &RawLocale,
    variant: bool,
    errors: &mut Errors,
) -> LocaleCheck {
    let before = errors.0.len();
    let asides = listening::report_asides(source, raw.asides.as_ref(), listening, errors);
    let answered: Vec<bool> = asides.iter().map(|a| !a.is_empty()).collect();
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
    let shared = if variant {
        only_steps(source, raw, errors);
        Some(Shared::default())
    } else {
        report_texts(source, raw, errors)
    };
    let texts = shared
        .filter(|_| errors.0.len() == before)
        .map(|shared| LocaleTexts {
            title: shared.title,
            steps,
            success: shared.success,
            failure: shared.failure,
            asides,
        });
    LocaleCheck { texts, stray }
}

/// What a report's own locale file holds besides the steps, and its variants share.
#[derive(Default)]
struct Shared {
    title: String,
    success: Success,
    failure: Vec<crate::model::Text>,
}

/// The title and the post-payment texts of a report's own locale file.
fn report_texts(source: &Source, raw: &RawLocale, errors: &mut Errors) -> Option<Shared> {
    let whole = raw.steps.span().start..raw.steps.span().start;
    let missing = |what: &str, help: &str, errors: &mut Errors| {
        errors.at(
            source,
            whole.clone(),
            format!("the report's texts have no `{what}`"),
            help.into(),
        );
    };
    let title = match &raw.title {
        Some(title) if title.get_ref().trim().is_empty() => {
            errors.at(
                source,
                title.span(),
                "empty `title`".into(),
                "write the question the report answers".into(),
            );
            String::new()
        }
        Some(title) => title.get_ref().clone(),
        None => {
            missing(
                "title",
                "add `title = \"...\"` at the top: the question the report answers",
                errors,
            );
            String::new()
        }
    };
    let Some(success) = &raw.success else {
        missing(
            "[success]",
            "add [success] with `thanks`, `link` and `goodbye`: what the bot says after a payment",
            errors,
        );
        return None;
    };
    let Some(failure) = &raw.failure else {
        missing(
            "[failure]",
            "add [failure] with `messages`: what the bot says after a failed payment",
            errors,
        );
        return None;
    };
    let span = success.span();
    let success = success.get_ref();
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
                span,
                "the success dialogue has no link message".into(),
                "add `link = \"...\"` to [success]: the message that carries the report link"
                    .into(),
            );
            None
        }
    };
    let failure = check_messages(
        source,
        &failure.get_ref().messages,
        "the failure dialogue",
        false,
        errors,
    );
    Some(Shared {
        title,
        success: Success {
            thanks,
            link: link?,
            goodbye,
        },
        failure,
    })
}

/// A variant's locale file: its steps (and asides) only.
fn only_steps(source: &Source, raw: &RawLocale, errors: &mut Errors) {
    let spans = [
        raw.title.as_ref().map(|t| ("title", t.span())),
        raw.success.as_ref().map(|t| ("[success]", t.span())),
        raw.failure.as_ref().map(|t| ("[failure]", t.span())),
    ];
    for (what, span) in spans.into_iter().flatten() {
        errors.at(
            source,
            span,
            format!("a variant's texts have no `{what}` of their own"),
            "a variant shares the report's title and post-payment texts: remove it here and keep it in the report's own file".into(),
        );
    }
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
