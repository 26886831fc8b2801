//! `dialogue.toml` on its own: the id, every step's `next`, `unclear` and options, and
//! the purchase; the graph they form is [`super::graph`]'s.

use toml::Spanned;

use super::graph::check_graph;
use super::listening::{check_no_way, reply_intents};
use super::names::{is_option_id, is_slug, is_step_name};
use crate::diagnostic::{Diagnostic, Errors, Source};
use crate::model::{QuickReply, Report, Step};
use crate::parse::RawDialogue;
use crate::suggest::suggest;

/// Most quick replies a step may offer (typed answers store the reply's index in a byte).
const MAX_OPTIONS: usize = 255;

/// The report id: a lowercase slug, and the name of its folder. The help names one
/// fix that satisfies both, so that following it never leads to the other error.
pub fn check_id(source: &Source, raw: &RawDialogue, folder: &str, errors: &mut Errors) {
    let id = raw.id.get_ref();
    let folder_name = folder.rsplit('/').next().unwrap_or_default();
    let why = "the id is the report's URL and its folder's name";
    if !is_slug(id) {
        // The folder's name when it can be the id, so that one fix clears both rules.
        let fixed = if is_slug(folder_name) {
            folder_name.to_owned()
        } else {
            slugify(id)
        };
        let fixed = if fixed.is_empty() {
            "new-job".to_owned()
        } else {
            fixed
        };
        let rename = if folder_name == fixed {
            String::new()
        } else {
            format!(" and rename the folder `{folder}` to `{fixed}`")
        };
        errors.at(
            source,
            raw.id.span(),
            format!("report id `{id}` is not a lowercase slug"),
            format!(
                "{why}, lowercase letters a-z, digits and single hyphens: write `id = \"{fixed}\"`{rename}"
            ),
        );
    } else if id != folder_name {
        let help = if is_slug(folder_name) {
            format!("{why}: write `id = \"{folder_name}\"` or rename the folder to `{id}`")
        } else {
            format!(
                "{why}, and `{folder_name}` is not a lowercase slug: rename the folder to `{id}`"
            )
        };
        errors.at(
            source,
            raw.id.span(),
            format!("report id `{id}` is not the name of its folder `{folder}`"),
            help,
        );
    }
}

/// `Career_Growth` -> `career-growth`.
fn slugify(id: &str) -> String {
    let lower = id.to_ascii_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_ascii_lowercase() || c.is_ascii_digit()))
        .filter(|w| !w.is_empty())
        .collect();
    words.join("-")
}

/// The steps and option ids a structure file names, whether or not its graph is sound.
pub fn loose_report(raw: &RawDialogue) -> Report {
    let steps = raw
        .steps
        .get_ref()
        .iter()
        .map(|(name, step)| Step {
            name: name.get_ref().clone(),
            next: None,
            unclear: None,
            options: step
                .get_ref()
                .options
                .iter()
                .flat_map(|o| o.get_ref())
                .map(|o| QuickReply {
                    id: o.get_ref().id.get_ref().clone(),
                    next: 0,
                    intents: Vec::new(),
                })
                .collect(),
            purchase: false,
        })
        .collect();
    Report {
        id: raw.id.get_ref().clone(),
        variant: "default".into(),
        weight: 1,
        variants: Vec::new(),
        start_new: 0,
        start_returning: 0,
        steps,
        texts: Vec::new(),
    }
}

/// Checks the structure file; returns the report without texts if its graph is sound.
/// `labelled(step)`: the option ids the texts label for a step, for the help of a step
/// that offers none.
pub fn check_structure(
    source: &Source,
    raw: &RawDialogue,
    labelled: &dyn Fn(&str) -> Vec<String>,
    errors: &mut Errors,
) -> Option<Report> {
    let before = errors.0.len();
    let id = raw.id.get_ref();
    let steps = raw.steps.get_ref();
    let names = || steps.keys().map(|k| k.get_ref().as_str());
    let index = |name: &str| steps.get_index_of(name);
    let resolve = |name: &Spanned<String>, from: &str, errors: &mut Errors| -> Option<usize> {
        let found = index(name.get_ref());
        if found.is_none() {
            errors.at(
                source,
                name.span(),
                format!("{from} leads to undefined step `{}`", name.get_ref()),
                suggest(name.get_ref(), names()),
            );
        }
        found
    };
    let start_new = resolve(&raw.start.get_ref().new, "`start.new`", errors);
    let start_returning = resolve(&raw.start.get_ref().returning, "`start.returning`", errors);
    let mut out = Vec::new();
    for (key, step) in steps {
        let (name, step) = (key.get_ref(), step.get_ref());
        if !is_step_name(name) {
            errors.at(
                source,
                key.span(),
                format!("step name `{name}` is not a lowercase identifier"),
                "use lowercase letters a-z and digits, words joined by single `_`, starting with a letter, e.g. `ask_budget`".into(),
            );
        }
        let purchase = step.purchase.as_ref().is_some_and(|p| *p.get_ref());
        if purchase {
            let waiting = step
                .next
                .as_ref()
                .map(Spanned::span)
                .or_else(|| step.options.as_ref().map(Spanned::span));
            if let Some(span) = waiting {
                errors.at(
                    source,
                    span,
                    format!("purchase step `{name}` waits for an answer"),
                    "a purchase step ends the dialogue: remove its `next` and `options`".into(),
                );
            }
        } else if step.next.is_none() {
            errors.at(
                source,
                key.span(),
                format!("step `{name}` has no `next`"),
                "add `next = \"<step>\"`, the way forward when the visitor answers without a quick reply, or `purchase = true`".into(),
            );
        }
        let from = format!("step `{name}`");
        let next = if purchase {
            None
        } else {
            step.next.as_ref().and_then(|n| resolve(n, &from, errors))
        };
        let mut options: Vec<QuickReply> = Vec::new();
        let mut option_lines: Vec<(String, usize)> = Vec::new();
        for option in step.options.iter().flat_map(|o| o.get_ref()) {
            let option = option.get_ref();
            let id = option.id.get_ref();
            if !is_option_id(id) {
                errors.at(
                    source,
                    option.id.span(),
                    format!("option id `{id}` is not a lowercase slug"),
                    "use lowercase letters a-z, digits, `_` and `-`, e.g. `too_expensive`".into(),
                );
            }
            if let Some((_, line)) = option_lines.iter().find(|(seen, _)| seen == id) {
                errors.at(
                    source,
                    option.id.span(),
                    format!("option id `{id}` is used twice in step `{name}`"),
                    format!("it is first used on line {line}; give each quick reply of a step its own id"),
                );
            }
            option_lines.push((
                id.clone(),
                Diagnostic::new(source, option.id.span(), "").line,
            ));
            let from = format!("option `{id}` of step `{name}`");
            let intents = reply_intents(source, option, errors);
            if let Some(next) = resolve(&option.next, &from, errors) {
                options.push(QuickReply {
                    id: id.clone(),
                    next,
                    intents,
                });
            }
        }
        if !purchase && step.options.as_ref().is_none_or(|o| o.get_ref().is_empty()) {
            let next = step
                .next
                .as_ref()
                .map_or("<step>", |n| n.get_ref().as_str());
            let ids = labelled(name);
            let example = if ids.is_empty() {
                format!(
                    "add e.g. `options = [{{ id = \"yes\", next = \"{next}\" }}]` and its label in every locale file"
                )
            } else {
                let list: Vec<String> = ids
                    .iter()
                    .map(|id| format!("{{ id = \"{id}\", next = \"{next}\" }}"))
                    .collect();
                format!(
                    "the texts label {}: add `options = [{}]` (each `next` where that reply leads)",
                    ids.iter()
                        .map(|id| format!("`{id}`"))
                        .collect::<Vec<_>>()
                        .join(", "),
                    list.join(", ")
                )
            };
            errors.at(
                source,
                step.options.as_ref().map_or_else(|| key.span(), Spanned::span),
                format!("step `{name}` asks a question but offers no quick replies"),
                format!(
                    "every waiting message needs at least one quick reply, so that it can be answered in one tap: {example}"
                ),
            );
        }
        if let Some(list) = step
            .options
            .as_ref()
            .filter(|o| o.get_ref().len() > MAX_OPTIONS)
        {
            errors.at(
                source,
                list.span(),
                format!("step `{name}` offers more than {MAX_OPTIONS} quick replies"),
                "a visitor can read a handful of buttons: keep the few that matter".into(),
            );
        }
        let unclear = match (&step.unclear, purchase) {
            (Some(u), true) => {
                errors.at(
                    source,
                    u.span(),
                    format!("purchase step `{name}` has an `unclear` step"),
                    "a purchase step waits for no answer: remove `unclear`".into(),
                );
                None
            }
            (Some(u), false) => resolve(u, &format!("`unclear` of step `{name}`"), errors),
            (None, _) => None,
        };
        out.push(Step {
            name: name.clone(),
            next,
            unclear,
            options,
            purchase,
        });
    }
    // No sale on an unclear answer: where the default way is the purchase, a typed answer
    // that matches no quick reply needs another way.
    for (step, (_, raw_step)) in out.iter().zip(steps) {
        let raw_step = raw_step.get_ref();
        let Some(next) = step.next else { continue };
        if out[next].purchase && step.unclear.is_none() && raw_step.unclear.is_none() {
            errors.at(
                source,
                raw_step.next.as_ref().map_or(0..0, Spanned::span),
                format!(
                    "the default way of step `{}` is the purchase, but it names no step for unclear answers",
                    step.name
                ),
                format!(
                    "add `unclear = \"{}_unclear\"` and write that step: a typed answer that matches no quick reply goes there (it should ask again), never to the purchase",
                    step.name
                ),
            );
        }
        if let Some(unclear) = step.unclear.filter(|&u| out[u].purchase) {
            errors.at(
                source,
                raw_step.unclear.as_ref().map_or(0..0, Spanned::span),
                format!("`unclear` of step `{}` leads to the purchase step `{}`", step.name, out[unclear].name),
                "an answer the bot did not understand must not buy: point `unclear` at a step that asks again".into(),
            );
        }
    }
    if errors.0.len() == before {
        check_no_way(source, raw, &out, errors);
    }
    if !out.iter().any(|s| s.purchase) {
        errors.at(
            source,
            raw.steps.span(),
            format!("report `{id}` has no purchase step"),
            "mark the step that ends the dialogue with `purchase = true`".into(),
        );
    }
    let (Some(start_new), Some(start_returning)) = (start_new, start_returning) else {
        return None;
    };
    if errors.0.len() > before {
        return None;
    }
    let report = Report {
        id: id.clone(),
        variant: "default".into(),
        weight: 1,
        variants: Vec::new(),
        start_new,
        start_returning,
        steps: out,
        texts: Vec::new(),
    };
    check_graph(source, raw, &report, errors);
    (errors.0.len() == before).then_some(report)
}
