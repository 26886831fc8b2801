//! The rules an author can break, over the raw values [`crate::parse`] reads: the
//! structure of a report, its graph, its texts, and the catalogue's languages and
//! currencies. [`compile`] runs them all and collects every mistake, so one build shows
//! them together; a rule whose cause another has reported stays silent.

pub mod graph;
pub mod locales;
mod names;
mod structure;
mod texts;

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
    if names::is_slug(raw.id.get_ref()) && raw.id.get_ref() != folder_name {
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
    let checked = structure::check_structure(source, &raw, errors);
    let report = checked
        .clone()
        .unwrap_or_else(|| structure::loose_report(&raw));
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
                if let Some(t) = texts::check_locale(&report, &locale.code, locale_source, raw_locale, errors) {
                    texts.push(t);
                }
            }
        }
    }
    if checked.is_none() || errors.0.len() > before || texts.len() != catalogue_locales.len() {
        return None;
    }
    let report = Report { texts, ..report };
    graph::check_price_on_default_path(source, &raw, &report, catalogue_locales, errors);
    (errors.0.len() == before).then_some(report)
}
