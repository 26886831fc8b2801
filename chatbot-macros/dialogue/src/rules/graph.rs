//! The report as a graph: every step reachable, the purchase reachable from every step,
//! and the default path (always `next`) showing the price and reaching the purchase.

use std::collections::VecDeque;

use toml::Spanned;

use crate::diagnostic::{Errors, Source};
use crate::model::{LocaleDef, Report};
use crate::parse::RawDialogue;
use crate::text::Piece;

/// Every step is reachable from a start, and from every step a purchase is reachable.
pub fn check_graph(source: &Source, raw: &RawDialogue, report: &Report, errors: &mut Errors) {
    let before = errors.0.len();
    let n = report.steps.len();
    let successors = |i: usize| {
        let step = &report.steps[i];
        step.next
            .into_iter()
            .chain(step.unclear)
            .chain(step.options.iter().map(|o| o.next))
    };
    let mut reached = vec![false; n];
    let mut queue: VecDeque<usize> = [report.start_new, report.start_returning].into();
    while let Some(i) = queue.pop_front() {
        if !std::mem::replace(&mut reached[i], true) {
            queue.extend(successors(i));
        }
    }
    let mut ends = vec![false; n];
    loop {
        let mut changed = false;
        for i in 0..n {
            if !ends[i] && (report.steps[i].purchase || successors(i).any(|j| ends[j])) {
                ends[i] = true;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    let steps = raw.steps.get_ref();
    for (i, (key, _)) in steps.iter().enumerate() {
        if !reached[i] {
            errors.at(
                source,
                key.span(),
                format!("step `{}` is unreachable", key.get_ref()),
                "no start, `next` or option leads to it: link to it from another step or delete it"
                    .into(),
            );
        }
    }
    // A step from which the purchase cannot be reached leads only to such steps, and so
    // at last into a trap: steps that lead only to each other. One error per trap, at the
    // way back that closes it (the steps leading into a trap are freed with it).
    let trapped: Vec<usize> = (0..n).filter(|&i| reached[i] && !ends[i]).collect();
    let reach_from = |i: usize| {
        let mut seen = vec![false; n];
        let mut queue: VecDeque<usize> = successors(i).collect();
        while let Some(j) = queue.pop_front() {
            if !std::mem::replace(&mut seen[j], true) {
                queue.extend(successors(j));
            }
        }
        seen
    };
    let reaches: Vec<Vec<bool>> = (0..n)
        .map(|i| {
            if trapped.contains(&i) {
                reach_from(i)
            } else {
                Vec::new()
            }
        })
        .collect();
    // The hint names the step nearest the purchase: the first one that leads straight to it.
    let way_out = (0..n)
        .filter(|&j| reached[j] && ends[j] && !report.steps[j].purchase)
        .min_by_key(|&j| !successors(j).any(|k| report.steps[k].purchase));
    for &i in &trapped {
        // The trap of `i`: the steps it reaches that reach it back; `i` names it when it
        // is the last of them in the file and nothing in it leads elsewhere.
        let trap: Vec<usize> = trapped
            .iter()
            .copied()
            .filter(|&j| j == i || (reaches[i][j] && reaches[j][i]))
            .collect();
        let closed = trap
            .iter()
            .all(|&j| successors(j).all(|k| trap.contains(&k)));
        if !closed || trap.last() != Some(&i) {
            continue;
        }
        let Some((key, step)) = steps.get_index(i).map(|(k, v)| (k, v.get_ref())) else {
            continue;
        };
        let names = trap
            .iter()
            .map(|&j| format!("`{}`", report.steps[j].name))
            .collect::<Vec<_>>();
        let which = if trap.len() == 1 { "it" } else { "one of them" };
        let help = match way_out {
            Some(j) => format!(
                "let {which} lead to a step from which the purchase can be reached, such as `{}`",
                report.steps[j].name
            ),
            None => format!("let {which} lead to a step with `purchase = true`"),
        };
        if trap.len() == 1 {
            errors.at(
                source,
                key.span(),
                format!("the purchase cannot be reached from step `{}` (a dead end: it leads only to itself)", key.get_ref()),
                help,
            );
            continue;
        }
        // The way back: where the last step of the trap leads into it.
        let way_back = step
            .next
            .iter()
            .chain(&step.unclear)
            .chain(
                step.options
                    .iter()
                    .flat_map(|o| o.get_ref().iter().map(|o| &o.get_ref().next)),
            )
            .find(|target| {
                trap.iter()
                    .any(|&j| report.steps[j].name == *target.get_ref())
            })
            .map_or_else(|| key.span(), Spanned::span);
        errors.at(
            source,
            way_back,
            format!(
                "steps {} lead only to each other: the purchase cannot be reached from them (a closed loop)",
                names.join(", ")
            ),
            help,
        );
    }
    if errors.0.len() == before {
        check_default_path(source, raw, report, errors);
    }
}

/// A visitor who never picks a quick reply follows `next` to the purchase. A loop is
/// one mistake, whichever start leads into it: reported once, at the `next` that leads
/// back into it.
fn check_default_path(source: &Source, raw: &RawDialogue, report: &Report, errors: &mut Errors) {
    // The loops reported, as their sorted steps (two starts may enter one loop apart).
    let mut reported: Vec<Vec<usize>> = Vec::new();
    for start in [report.start_new, report.start_returning] {
        let path = report.default_path(start);
        let last = *path.last().unwrap_or(&start);
        let Some(back) = report.steps[last].next else {
            continue;
        };
        let mut cycle: Vec<usize> = path.iter().copied().skip_while(|&s| s != back).collect();
        let names: Vec<&str> = cycle
            .iter()
            .chain([&back])
            .map(|&s| report.steps[s].name.as_str())
            .collect();
        cycle.sort_unstable();
        if report.steps[last].purchase || reported.contains(&cycle) {
            continue;
        }
        reported.push(cycle);
        // A way on: a reply of this step whose own default path reaches the purchase.
        let on = report.steps[last]
            .options
            .iter()
            .map(|o| o.next)
            .find(|&n| {
                let path = report.default_path(n);
                path.last().is_some_and(|&end| report.steps[end].purchase)
            });
        let fix = match on {
            Some(n) => format!("e.g. `next = \"{}\"`", report.steps[n].name),
            None => "towards the purchase".to_owned(),
        };
        let span = raw
            .steps
            .get_ref()
            .get_index(last)
            .and_then(|(_, s)| s.get_ref().next.as_ref().map(Spanned::span))
            .unwrap_or_else(|| raw.start.span());
        errors.at(
            source,
            span,
            format!(
                "`next` of step `{}` leads back to `{}`: the default path loops without reaching the purchase",
                report.steps[last].name, report.steps[back].name
            ),
            format!(
                "a visitor who never picks a quick reply follows `next` ({}) and never reaches the checkout: let this `next` lead on, {fix}",
                names.join(" -> ")
            ),
        );
    }
}

/// A visitor who never picks an option still sees the price before the purchase.
pub fn check_price_on_default_path(
    source: &Source,
    raw: &RawDialogue,
    report: &Report,
    locales: &[LocaleDef],
    errors: &mut Errors,
) {
    for (start, which) in [
        (report.start_new, &raw.start.get_ref().new),
        (report.start_returning, &raw.start.get_ref().returning),
    ] {
        let path = report.default_path(start);
        for (locale, texts) in locales.iter().zip(&report.texts) {
            let shown = path
                .iter()
                .filter(|&&s| !report.steps[s].purchase)
                .any(|&s| {
                    texts.steps[s]
                        .messages
                        .iter()
                        .any(|m| m.pieces.contains(&Piece::Price))
                });
            if !shown {
                errors.at(
                    source,
                    which.span(),
                    format!("the default path from `{}` never shows `{{price}}` in `{}`", which.get_ref(), locale.code),
                    "a visitor who never picks a quick reply must see the price before the purchase: put `{price} {currency}` in a message of a step on the `next` path".into(),
                );
            }
        }
    }
}
