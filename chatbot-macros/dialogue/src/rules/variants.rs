//! A report's dialogue variants (an A/B test). `[variants]` in the report's own
//! `dialogue.toml` names that dialogue and gives every variant's weight; every other
//! variant is a sub-folder of the report's folder, named after it, holding a whole
//! dialogue (its `dialogue.toml` and a texts file per language with its steps only).
//! Checked here: names are slugs, weights whole numbers from 0 to 10,000 (0: built,
//! out of traffic), at least one above 0, every weight its folder and every folder its
//! weight.

use super::ReportFiles;
use super::names::is_slug;
use crate::diagnostic::{Errors, Source};
use crate::model::Report;
use crate::parse::RawDialogue;
use crate::suggest::suggest;

/// The largest weight.
const MAX_WEIGHT: i64 = 10_000;

/// The name of the variant a sub-folder holds: its own name.
pub fn folder_name(folder: &ReportFiles) -> &str {
    folder.folder.rsplit('/').next().unwrap_or_default()
}

/// The report's own dialogue's `[variants]`: every variant's name and weight, its own
/// first (`default`, weight 1, where it declares none).
pub fn table(
    source: &Source,
    raw: &RawDialogue,
    folder: &ReportFiles,
    errors: &mut Errors,
) -> Vec<(String, u32)> {
    let folders: Vec<&str> = folder.variants.iter().map(folder_name).collect();
    let Some(table) = &raw.variants else {
        if let Some(first) = folders.first() {
            errors.at(
                source,
                raw.id.span(),
                format!("report folder `{}` has a variant folder `{first}` but no [variants]", folder.folder),
                format!("add [variants] with this dialogue's name and every variant's weight, e.g. `name = \"long\"` and `weights = {{ long = 50, {first} = 50 }}`"),
            );
        }
        return vec![("default".to_owned(), 1)];
    };
    let table = table.get_ref();
    let name = table.name.get_ref();
    if !is_slug(name) {
        errors.at(
            source,
            table.name.span(),
            format!("variant name `{name}` is not a lowercase slug"),
            "use lowercase letters a-z, digits and single hyphens, e.g. `long`".into(),
        );
    }
    let mut weights = Vec::new();
    for (key, weight) in table.weights.get_ref() {
        let variant = key.get_ref();
        if !is_slug(variant) {
            errors.at(
                source,
                key.span(),
                format!("variant name `{variant}` is not a lowercase slug"),
                "use lowercase letters a-z, digits and single hyphens, e.g. `short`".into(),
            );
        }
        let value = *weight.get_ref();
        if !(0..=MAX_WEIGHT).contains(&value) {
            errors.at(
                source,
                weight.span(),
                format!("the weight of `{variant}` is {value}"),
                format!(
                    "a weight is a whole number from 0 (built, out of traffic) to {MAX_WEIGHT}"
                ),
            );
        }
        if variant != name && !folders.contains(&variant.as_str()) {
            errors.at(
                source,
                key.span(),
                format!("variant `{variant}` has no folder `{}/{variant}`", folder.folder),
                if folders.is_empty() {
                    format!(
                        "create {}/{variant} with its dialogue.toml and texts (steps only), or remove it here",
                        folder.folder
                    )
                } else {
                    suggest(variant, folders.iter().copied())
                },
            );
        }
        weights.push((
            variant.clone(),
            u32::try_from(value.clamp(0, MAX_WEIGHT)).unwrap_or(0),
        ));
    }
    if !weights.iter().any(|(v, _)| v == name) {
        errors.at(
            source,
            table.weights.span(),
            format!("[variants] gives no weight to this dialogue, `{name}`"),
            format!("add `{name} = 50` (its share of the traffic) to `weights`"),
        );
    }
    for missing in folders
        .iter()
        .filter(|f| !weights.iter().any(|(v, _)| v == *f))
    {
        errors.at(
            source,
            table.weights.span(),
            format!("variant folder `{missing}` has no weight"),
            format!("add `{missing} = 50` to `weights` (0 keeps it built but out of traffic)"),
        );
    }
    if weights.iter().all(|(_, w)| *w == 0) {
        errors.at(
            source,
            table.weights.span(),
            "every weight is 0: no visitor would see any variant".into(),
            "give at least one variant a weight above 0".into(),
        );
    }
    // This dialogue first: it is the report's default.
    weights.sort_by_key(|(v, _)| v != name);
    weights
}

/// The report's own dialogue with its variants, each named and weighted as declared.
pub fn join(mut report: Report, weights: &[(String, u32)], mut variants: Vec<Report>) -> Report {
    let weight = |name: &str| weights.iter().find(|(v, _)| v == name).map(|(_, w)| *w);
    if let Some((name, w)) = weights.first() {
        report.variant = name.clone();
        report.weight = *w;
    }
    variants.retain(|v| weight(&v.variant).is_some());
    for variant in &mut variants {
        variant.weight = weight(&variant.variant).unwrap_or(0);
    }
    variants.sort_by_key(|v| weights.iter().position(|(n, _)| *n == v.variant));
    report.variants = variants;
    report
}
