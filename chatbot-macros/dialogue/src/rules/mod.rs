//! The rules an author can break, over the raw values [`crate::parse`] reads: the
//! structure of a report, its graph, its texts, and the catalogue's languages and
//! currencies. [`compile`] runs them all and collects every mistake, so one build shows
//! them together; a rule whose cause another has reported stays silent.

pub mod graph;
mod listening;
pub mod locales;
mod messages;
mod names;
mod replies;
mod structure;
mod texts;
mod variants;

use self::replies::StrayLabel;
use crate::diagnostic::{Diagnostic, Errors, Source};
use crate::model::{Catalogue, LocaleDef, Report};
use crate::parse::{RawDialogue, RawLocale, parse};

/// The file of a report folder that holds its structure.
pub const STRUCTURE_FILE: &str = "dialogue.toml";

/// The files of one report folder, as found on disk.
#[derive(Debug, Clone)]
pub struct ReportFiles {
    /// `dialogue.toml`, if the folder has one.
    pub structure: Option<Source>,
    /// `<locale>.toml` files, by locale code (known or not).
    pub locales: Vec<(String, Source)>,
    /// The folder, as shown to authors (`dialogues/newjob`).
    pub folder: String,
    /// Sub-folders: the report's other dialogue variants (`dialogues/newjob/short`).
    pub variants: Vec<ReportFiles>,
}

/// Compiles a catalogue from its `catalogue.toml` and its report folders.
pub fn compile(catalogue: &Source, folders: &[ReportFiles]) -> Result<Catalogue, Vec<Diagnostic>> {
    let mut errors = Errors(Vec::new());
    let Some((locales, currencies)) = locales::compile(catalogue, &mut errors) else {
        return Err(errors.0);
    };
    // A report's id is its folder's name, so two reports can never share one.
    let reports = folders
        .iter()
        .filter_map(|folder| {
            let compiled = compile_report(folder, &locales, Dialogue::Report, &mut errors);
            let base = compiled.as_ref().map(|(report, _)| report);
            let variants: Vec<Report> = folder
                .variants
                .iter()
                .filter_map(|v| compile_report(v, &locales, Dialogue::Variant(base), &mut errors))
                .map(|(report, _)| report)
                .collect();
            let (report, weights) = compiled?;
            Some(variants::join(report, &weights, variants))
        })
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

/// Which dialogue a folder holds.
#[derive(Clone, Copy)]
enum Dialogue<'a> {
    /// A report's own, which declares its variants.
    Report,
    /// A variant of the report compiled as this one (`None` when it did not compile):
    /// it shares its title and post-payment texts.
    Variant(Option<&'a Report>),
}

/// One dialogue of a folder, with (for a report's own) its variants' weights by name.
fn compile_report(
    folder: &ReportFiles,
    catalogue_locales: &[LocaleDef],
    dialogue: Dialogue,
    errors: &mut Errors,
) -> Option<(Report, Vec<(String, u32)>)> {
    let variant = matches!(dialogue, Dialogue::Variant(_));
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
    let report_folder = match variant {
        true => folder
            .folder
            .rsplit_once('/')
            .map_or("", |(parent, _)| parent),
        false => &folder.folder,
    };
    structure::check_id(source, &raw, report_folder, errors);
    if variant && let Some(table) = &raw.variants {
        errors.at(
            source,
            table.span(),
            "a variant declares no variants of its own".into(),
            "declare every variant in [variants] of the report's own dialogue.toml".into(),
        );
    }
    // The option ids the texts label, for the help of a step that lost its options.
    let labelled = |step: &str| -> Vec<String> {
        locales
            .iter()
            .flatten()
            .filter_map(|(_, raw)| raw.as_ref())
            .find_map(|raw| raw.steps.get_ref().get(step))
            .and_then(|texts| texts.get_ref().options.as_ref())
            .map(|labels| {
                labels
                    .get_ref()
                    .keys()
                    .map(|k| k.get_ref().clone())
                    .collect()
            })
            .unwrap_or_default()
    };
    // With a broken structure, the texts are still checked against the steps and options
    // the file names, so that one build reports the mistakes of every file.
    let checked = structure::check_structure(source, &raw, &labelled, errors);
    let report = checked
        .clone()
        .unwrap_or_else(|| structure::loose_report(&raw));
    let mut texts = Vec::new();
    let mut stray: Vec<(&Source, StrayLabel)> = Vec::new();
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
                let check = texts::check_locale(
                    &report,
                    &locale.code,
                    &locale.listening,
                    locale_source,
                    raw_locale,
                    variant,
                    errors,
                );
                texts.extend(check.texts);
                stray.extend(check.stray.into_iter().map(|s| (*locale_source, s)));
            }
        }
    }
    stray_labels(source, &raw, catalogue_locales.len(), stray, errors);
    if checked.is_none() || errors.0.len() > before || texts.len() != catalogue_locales.len() {
        return None;
    }
    let mut report = Report { texts, ..report };
    let weights = match dialogue {
        Dialogue::Report => variants::table(source, &raw, folder, errors),
        Dialogue::Variant(base) => {
            // A variant shares its report's title and post-payment texts.
            for (texts, shared) in report.texts.iter_mut().zip(&base?.texts) {
                texts.title = shared.title.clone();
                texts.success = shared.success.clone();
                texts.failure = shared.failure.clone();
            }
            report.variant = variants::folder_name(folder).to_owned();
            Vec::new()
        }
    };
    graph::check_price_on_default_path(source, &raw, &report, catalogue_locales, errors);
    (errors.0.len() == before).then_some((report, weights))
}

/// Labels for options a step does not define. When every locale file writes the same
/// one, dialogue.toml changed, not the texts: one error there instead of one per file.
/// A step that lost all its options is already reported by the structure.
fn stray_labels(
    source: &Source,
    raw: &RawDialogue,
    locale_count: usize,
    mut stray: Vec<(&Source, StrayLabel)>,
    errors: &mut Errors,
) {
    let steps = raw.steps.get_ref();
    while let Some((_, first)) = stray.first() {
        let (step, id) = (first.step, first.id.clone());
        let (same, rest): (Vec<_>, Vec<_>) = stray
            .into_iter()
            .partition(|(_, s)| s.step == step && s.id == id);
        stray = rest;
        let Some((key, raw_step)) = steps.get_index(step) else {
            continue;
        };
        let name = key.get_ref();
        let raw_step = raw_step.get_ref();
        if raw_step.purchase.is_none()
            && raw_step
                .options
                .as_ref()
                .is_none_or(|o| o.get_ref().is_empty())
        {
            continue;
        }
        if locale_count < 2 || same.len() < locale_count {
            for (locale_source, s) in same {
                errors.at(
                    locale_source,
                    s.span,
                    format!("label for undefined option `{}` of step `{name}`", s.id),
                    s.help,
                );
            }
            continue;
        }
        let places: Vec<String> = same
            .iter()
            .map(|(src, s)| {
                let file = src.display.rsplit('/').next().unwrap_or_default();
                format!(
                    "{file} (line {})",
                    Diagnostic::new(src, s.span.clone(), "").line
                )
            })
            .collect();
        let renamed = same[0].1.instead_of.clone().filter(|other| {
            same.iter()
                .all(|(_, s)| s.instead_of.as_deref() == Some(other.as_str()))
        });
        let options = raw_step.options.as_ref();
        match renamed {
            Some(other) => {
                let span = options
                    .and_then(|o| {
                        o.get_ref()
                            .iter()
                            .find(|opt| opt.get_ref().id.get_ref() == &other)
                    })
                    .map_or_else(|| key.span(), |opt| opt.get_ref().id.span());
                errors.at(
                    source,
                    span,
                    format!(
                        "option `{other}` of step `{name}` has no label in any locale file: they label `{id}`"
                    ),
                    format!(
                        "write `id = \"{id}\"` back, or rename the label in {}",
                        places.join(", ")
                    ),
                );
            }
            None => {
                errors.at(
                    source,
                    options.map_or_else(|| key.span(), |o| o.span()),
                    format!(
                        "step `{name}` has no option `{id}`, but every locale file labels it"
                    ),
                    format!(
                        "add `{{ id = \"{id}\", next = \"<step>\" }}` back to its `options`, or remove the label from {}",
                        places.join(", ")
                    ),
                );
            }
        }
    }
}
