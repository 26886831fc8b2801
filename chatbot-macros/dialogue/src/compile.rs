//! Reads the TOML files of a catalogue and checks every rule an author can break,
//! collecting all mistakes instead of stopping at the first.

use std::collections::VecDeque;
use std::ops::Range;

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use crate::answer::normalize;
use crate::diagnostic::{Diagnostic, Source};
use crate::model::{
    Catalogue, LocaleDef, LocaleTexts, Phrase, QuickReply, Report, Step, StepTexts, Success, Text,
};
use crate::text::{self, Piece};

/// Most quick replies a step may offer (typed answers store the reply's index in a byte).
const MAX_OPTIONS: usize = 255;

/// The file of a report folder that holds its structure.
pub const STRUCTURE_FILE: &str = "dialogue.toml";

pub(crate) type Map<T> = Spanned<IndexMap<Spanned<String>, Spanned<T>>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawDialogue {
    id: Spanned<String>,
    start: Spanned<RawStart>,
    steps: Map<RawStep>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStart {
    new: Spanned<String>,
    returning: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStep {
    next: Option<Spanned<String>>,
    unclear: Option<Spanned<String>>,
    options: Option<Spanned<Vec<Spanned<RawOption>>>>,
    #[serde(default)]
    purchase: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOption {
    id: Spanned<String>,
    next: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLocale {
    title: Spanned<String>,
    steps: Map<RawStepTexts>,
    success: Spanned<RawSuccess>,
    failure: Spanned<RawFailure>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawStepTexts {
    messages: Spanned<Vec<Spanned<String>>>,
    options: Option<Map<RawReply>>,
}

/// A quick reply's texts in one locale: `id = "Label"`, or
/// `id = { text = "Label", phrases = ["typed", "answers"] }`.
struct RawReply {
    text: String,
    /// Where the text is written, in the table form; a plain label is the value itself.
    text_span: Option<Range<usize>>,
    phrases: Vec<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawReplyTable {
    text: Spanned<String>,
    #[serde(default)]
    phrases: Vec<Spanned<String>>,
}

impl<'de> Deserialize<'de> for RawReply {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = RawReply;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a label, or a table `{ text = \"...\", phrases = [\"...\"] }`")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RawReply, E> {
                Ok(RawReply {
                    text: v.to_owned(),
                    text_span: None,
                    phrases: Vec::new(),
                })
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RawReply, A::Error> {
                let table =
                    RawReplyTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))?;
                Ok(RawReply {
                    text_span: Some(table.text.span()),
                    text: table.text.into_inner(),
                    phrases: table.phrases,
                })
            }
        }
        d.deserialize_any(Visitor)
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSuccess {
    thanks: Spanned<Vec<Spanned<String>>>,
    link: Option<Spanned<String>>,
    goodbye: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFailure {
    messages: Spanned<Vec<Spanned<String>>>,
}

/// The files of one report folder, as found on disk.
#[derive(Debug, Clone)]
pub struct ReportFiles {
    /// `dialogue.toml`, if the folder has one.
    pub structure: Option<Source>,
    /// `<locale>.toml` files, by locale code (known or not).
    pub locales: Vec<(String, Source)>,
    /// The folder, as shown to authors (`dialogues/newjob`).
    pub folder: String,
}

/// Collects diagnostics; every check pushes here and carries on.
pub(crate) struct Errors(pub(crate) Vec<Diagnostic>);

impl Errors {
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn at(
        &mut self,
        source: &Source,
        span: Range<usize>,
        message: String,
        help: String,
    ) {
        self.0
            .push(Diagnostic::new(source, span, message).help(help));
    }
}

/// Compiles a catalogue from its `catalogue.toml` and its report folders.
pub fn compile(catalogue: &Source, folders: &[ReportFiles]) -> Result<Catalogue, Vec<Diagnostic>> {
    let mut errors = Errors(Vec::new());
    let Some((locales, currencies)) = crate::locales::compile(catalogue, &mut errors) else {
        return Err(errors.0);
    };
    // A report's id is its folder's name, so two reports can never share one.
    let reports = folders
        .iter()
        .filter_map(|folder| compile_report(folder, &locales, &mut errors))
        .collect();
    if errors.0.is_empty() {
        Ok(Catalogue {
            locales,
            currencies,
            reports,
            files: Vec::new(),
        })
    } else {
        Err(errors.0)
    }
}

pub(crate) fn parse<T: serde::de::DeserializeOwned>(
    source: &Source,
    errors: &mut Errors,
) -> Option<T> {
    match toml::from_str::<T>(&source.text) {
        Ok(value) => Some(value),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim_end().replace('\n', " ");
            if message == "duplicate key"
                && let Some((message, help)) = duplicate(&source.text, span.clone())
            {
                errors.at(source, span, message, help);
                return None;
            }
            if message.starts_with("missing comma between array elements")
                && let Some(end) = end_of_previous_line(&source.text, span.start)
            {
                // The parser stops at the next element; the comma is missing where the
                // element before it ends.
                let help = "add `,` at the end of this line, after the element";
                errors.at(source, end..end + 1, message, help.into());
                return None;
            }
            let help = if message.starts_with("unknown field") {
                "remove the key or correct its spelling".to_owned()
            } else if message.starts_with("missing field") {
                "add the missing key; see dialogues/README.md for the format".to_owned()
            } else {
                "see dialogues/README.md for the format of dialogue files".to_owned()
            };
            errors.at(source, span, message, help);
            None
        }
    }
}

/// Where the last line with content before `at` ends, when `at` begins its own line
/// (only spaces before it); a `#` comment is not content.
fn end_of_previous_line(text: &str, at: usize) -> Option<usize> {
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..at].trim().is_empty() {
        return None;
    }
    let mut end = line_start.checked_sub(1)?;
    loop {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end];
        let content = line[..comment_start(line)].trim_end();
        if !content.trim().is_empty() {
            return Some(start + content.len() - 1);
        }
        end = start.checked_sub(1)?;
    }
}

/// Where a `#` comment begins in `line` (outside quotes), or its length.
fn comment_start(line: &str) -> usize {
    let (mut quote, mut escaped) = (None, false);
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some('"'), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => return i,
            _ => {}
        }
        escaped = false;
    }
    line.len()
}

/// What a `duplicate key` at `span` is, in an author's words, with the line of the first
/// one: a step table written twice, another table, or a key twice in one table.
fn duplicate(text: &str, span: Range<usize>) -> Option<(String, String)> {
    let line_start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next()?.trim();
    let header = line
        .strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .map(|(path, _)| path.trim())
        .filter(|path| !path.starts_with('['));
    let Some(header) = header else {
        let key = text.get(span)?.trim();
        return Some((
            format!("`{key}` is written twice in this table"),
            "keep one of them".into(),
        ));
    };
    let first = text.lines().position(|l| {
        l.trim()
            .strip_prefix('[')
            .and_then(|r| r.split_once(']'))
            .is_some_and(|(p, _)| p.trim() == header)
    })? + 1;
    let message = match header.strip_prefix("steps.") {
        Some(step) => format!("step `{step}` is defined twice"),
        None => format!("[{header}] is written twice"),
    };
    Some((
        message,
        format!(
            "its first [{header}] is on line {first}: merge the two, or give this one another name"
        ),
    ))
}

/// Non-empty words of `a-z` and `0-9` joined by single `separator`s.
fn is_words(s: &str, separator: char) -> bool {
    s.split(separator).all(|word| {
        !word.is_empty()
            && word
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// `new-job`: a report id, used in URLs.
fn is_slug(s: &str) -> bool {
    is_words(s, '-')
}

/// `ask_budget`: snake case without doubled or trailing `_`, so that the generated
/// CamelCase variant names (`AskBudget`) stay distinct.
fn is_step_name(s: &str) -> bool {
    s.bytes().next().is_some_and(|b| b.is_ascii_lowercase()) && is_words(s, '_')
}

fn is_option_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}

/// "did you mean" for a misspelt name.
pub(crate) fn suggest<'a>(wrong: &str, names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    let close = names
        .iter()
        .copied()
        .filter(|n| edit_distance(wrong, n) <= 2)
        .min_by_key(|n| edit_distance(wrong, n));
    match close {
        Some(name) => format!("did you mean `{name}`?"),
        None => format!("the defined ones are: {}", names.join(", ")),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

fn compile_report(
    folder: &ReportFiles,
    catalogue_locales: &[LocaleDef],
    errors: &mut Errors,
) -> Option<Report> {
    // Parse every file first, so syntax errors of all files are reported together.
    let structure = folder
        .structure
        .as_ref()
        .map(|s| (s, parse::<RawDialogue>(s, errors)));
    let mut locales: Vec<Option<(&Source, Option<RawLocale>)>> =
        catalogue_locales.iter().map(|_| None).collect();
    for (code, source) in &folder.locales {
        match catalogue_locales.iter().position(|l| &l.code == code) {
            Some(i) => locales[i] = Some((source, parse::<RawLocale>(source, errors))),
            None => {
                let known: Vec<&str> = catalogue_locales.iter().map(|l| l.code.as_str()).collect();
                errors.at(
                    source,
                    0..0,
                    format!("`{code}.toml` is not a locale of the catalogue"),
                    format!(
                        "the locales are {} (declared in catalogue.toml); rename or remove this file",
                        known.join(", ")
                    ),
                );
            }
        }
    }
    let Some((source, raw)) = structure else {
        if let Some((_, source)) = folder.locales.first() {
            errors.at(
                source,
                0..0,
                format!("`{}` has texts but no `{STRUCTURE_FILE}`", folder.folder),
                format!(
                    "create {}/{STRUCTURE_FILE} with the report's id, start and steps",
                    folder.folder
                ),
            );
        }
        return None;
    };
    let raw = raw?;
    let before = errors.0.len();
    let folder_name = folder.folder.rsplit('/').next().unwrap_or_default();
    if is_slug(raw.id.get_ref()) && raw.id.get_ref() != folder_name {
        errors.at(
            source,
            raw.id.span(),
            format!(
                "report id `{}` is not the name of its folder `{}`",
                raw.id.get_ref(),
                folder.folder
            ),
            format!(
                "the id is the report's URL and its folder's name: write `id = \"{folder_name}\"` or rename the folder"
            ),
        );
    }
    // With a broken structure, the texts are still checked against the steps and options
    // the file names, so that one build reports the mistakes of every file.
    let checked = check_structure(source, &raw, errors);
    let report = checked.clone().unwrap_or_else(|| loose_report(&raw));
    let mut texts = Vec::new();
    for (i, locale) in catalogue_locales.iter().enumerate() {
        match &locales[i] {
            None => errors.at(
                source,
                raw.id.span(),
                format!("report folder `{}` has no `{}.toml`", folder.folder, locale.code),
                format!(
                    "create {}/{}.toml with every step's messages in `{}` (copy another locale's file and translate it)",
                    folder.folder, locale.code, locale.code
                ),
            ),
            Some((_, None)) => {}
            Some((locale_source, Some(raw_locale))) => {
                if let Some(t) = check_locale(&report, &locale.code, locale_source, raw_locale, errors) {
                    texts.push(t);
                }
            }
        }
    }
    if checked.is_none() || errors.0.len() > before || texts.len() != catalogue_locales.len() {
        return None;
    }
    let report = Report { texts, ..report };
    check_price_on_default_path(source, &raw, &report, catalogue_locales, errors);
    (errors.0.len() == before).then_some(report)
}

/// The steps and option ids a structure file names, whether or not its graph is sound.
fn loose_report(raw: &RawDialogue) -> Report {
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
                })
                .collect(),
            purchase: false,
        })
        .collect();
    Report {
        id: raw.id.get_ref().clone(),
        start_new: 0,
        start_returning: 0,
        steps,
        texts: Vec::new(),
    }
}

/// Checks the structure file; returns the report without texts if its graph is sound.
fn check_structure(source: &Source, raw: &RawDialogue, errors: &mut Errors) -> Option<Report> {
    let before = errors.0.len();
    let id = raw.id.get_ref();
    if !is_slug(id) {
        errors.at(
            source,
            raw.id.span(),
            format!("report id `{id}` is not a lowercase slug"),
            "use lowercase letters a-z, digits and single hyphens, e.g. `new-job`".into(),
        );
    }
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
    for (name, step) in steps {
        let (name, step) = (name.get_ref(), step.get_ref());
        if !is_step_name(name) {
            let span = steps
                .get_key_value(name.as_str())
                .map_or(0..0, |(k, _)| k.span());
            errors.at(
                source,
                span,
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
            let span = steps
                .get_key_value(name.as_str())
                .map_or(0..0, |(k, _)| k.span());
            errors.at(
                source,
                span,
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
            if let Some(next) = resolve(&option.next, &from, errors) {
                options.push(QuickReply {
                    id: id.clone(),
                    next,
                });
            }
        }
        let key_span = || {
            steps
                .get_key_value(name.as_str())
                .map_or(0..0, |(k, _)| k.span())
        };
        if !purchase && step.options.as_ref().is_none_or(|o| o.get_ref().is_empty()) {
            let next = step
                .next
                .as_ref()
                .map_or("<step>", |n| n.get_ref().as_str());
            errors.at(
                source,
                step.options.as_ref().map_or_else(key_span, Spanned::span),
                format!("step `{name}` asks a question but offers no quick replies"),
                format!(
                    "every waiting message needs at least one quick reply, so that it can be answered in one tap: add e.g. `options = [{{ id = \"yes\", next = \"{next}\" }}]` and its label in every locale file"
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
        start_new,
        start_returning,
        steps: out,
        texts: Vec::new(),
    };
    check_graph(source, raw, &report, errors);
    (errors.0.len() == before).then_some(report)
}

/// Every step is reachable from a start, and from every step a purchase is reachable.
fn check_graph(source: &Source, raw: &RawDialogue, report: &Report, errors: &mut Errors) {
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
        for (start, which) in [
            (report.start_new, &raw.start.get_ref().new),
            (report.start_returning, &raw.start.get_ref().returning),
        ] {
            let path = report.default_path(start);
            let last = *path.last().unwrap_or(&start);
            if !report.steps[last].purchase {
                errors.at(
                    source,
                    which.span(),
                    format!(
                        "the default path from `{}` loops at step `{}` without reaching the purchase",
                        which.get_ref(),
                        report.steps[last].name
                    ),
                    "a visitor who never picks a quick reply must reach the purchase by following `next`".into(),
                );
            }
        }
    }
}

/// A visitor who never picks an option still sees the price before the purchase.
fn check_price_on_default_path(
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

fn check_locale(
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
