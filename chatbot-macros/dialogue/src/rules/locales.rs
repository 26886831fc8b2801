//! `catalogue.toml`: the one place the catalogue's languages and known currencies are
//! declared. Everything else (the `lang` parser and its error sentence, the demo pages'
//! language lists and words, metric labels, the locale files every report must have)
//! follows from it.

use crate::diagnostic::{Errors, Source};
use crate::model::{CurrencyDef, LocaleDef};
use crate::parse::{Map, RawCatalogue, parse};
use crate::runtime::PLURAL_CATEGORIES;
use crate::suggest::suggest;
use icu_locale_core::LanguageIdentifier;
use icu_plurals::{PluralCategory, PluralRules, PluralRulesOptions};

/// The file at the top of a catalogue folder that declares its locales and currencies.
pub const CATALOGUE_FILE: &str = "catalogue.toml";

/// The categories the cardinal plural rules of `code` can pick, in `PLURAL_CATEGORIES`
/// order; `None` if the code is not a language tag.
pub fn plural_categories(code: &str) -> Option<Vec<&'static str>> {
    let id: LanguageIdentifier = code.parse().ok()?;
    let rules = PluralRules::try_new(id.into(), PluralRulesOptions::default()).ok()?;
    let used: Vec<PluralCategory> = rules.categories().collect();
    Some(
        PLURAL_CATEGORIES
            .iter()
            .copied()
            .filter(|name| {
                PluralCategory::get_for_cldr_string(name).is_some_and(|c| used.contains(&c))
            })
            .collect(),
    )
}

/// Amounts of each category, for help lines.
fn example(locale: &str, category: &str) -> &'static str {
    match (locale, category) {
        ("ru", "one") => "1, 21, 31",
        (_, "one") => "1",
        ("ru", "few") | ("pl", "few") => "2, 3, 4, 22",
        (_, "many") => "5, 11, 25",
        (_, "other") => "1,5 and other fractions",
        _ => "these",
    }
}

/// A locale code clients can send: a lowercase language tag (`ru`, `pt-br` is not: `pt`).
fn is_locale_code(code: &str) -> bool {
    (2..=3).contains(&code.len()) && code.bytes().all(|b| b.is_ascii_lowercase())
}

/// Reads and checks `catalogue.toml`.
pub fn compile(source: &Source, errors: &mut Errors) -> Option<(Vec<LocaleDef>, Vec<CurrencyDef>)> {
    let raw = parse::<RawCatalogue>(source, errors)?;
    let before = errors.len();
    let mut locales = Vec::new();
    let mut first_ui: Option<(String, Vec<String>)> = None;
    for (code, locale) in raw.locales.get_ref() {
        let (code, locale) = (code.get_ref(), locale.get_ref());
        if !is_locale_code(code) || plural_categories(code).is_none() {
            let span = key_span(&raw.locales, code);
            errors.at(
                source,
                span,
                format!("locale code `{code}` is not a lowercase language code"),
                "use the two- or three-letter ISO 639 code clients send as `lang`, e.g. `de`"
                    .into(),
            );
        }
        if locale.name.get_ref().trim().is_empty() {
            errors.at(
                source,
                locale.name.span(),
                "empty locale `name`".into(),
                "write the language's name in itself, e.g. `Deutsch`".into(),
            );
        }
        let ui: Vec<(String, String)> = locale
            .ui
            .get_ref()
            .iter()
            .map(|(k, v)| (k.get_ref().clone(), v.get_ref().clone()))
            .collect();
        match &first_ui {
            None => first_ui = Some((code.clone(), ui.iter().map(|(k, _)| k.clone()).collect())),
            Some((first, keys)) => {
                for key in keys {
                    if !ui.iter().any(|(k, _)| k == key) {
                        errors.at(
                            source,
                            locale.ui.span(),
                            format!("locale `{code}` has no ui word `{key}`"),
                            format!("add `{key} = \"...\"` to [locales.{code}.ui], as in [locales.{first}.ui]"),
                        );
                    }
                }
                for (key, _) in locale.ui.get_ref() {
                    if !keys.contains(key.get_ref()) {
                        errors.at(
                            source,
                            key.span(),
                            format!(
                                "ui word `{}` of `{code}` is not in [locales.{first}.ui]",
                                key.get_ref()
                            ),
                            suggest(key.get_ref(), keys.iter().map(String::as_str)),
                        );
                    }
                }
            }
        }
        for (key, value) in locale.ui.get_ref() {
            if value.get_ref().trim().is_empty() {
                errors.at(
                    source,
                    value.span(),
                    format!("empty ui word `{}`", key.get_ref()),
                    "write the word or phrase".into(),
                );
            }
        }
        // Every locale shows the keys in the first locale's order.
        let ui = match &first_ui {
            Some((_, keys)) => keys
                .iter()
                .filter_map(|k| ui.iter().find(|(key, _)| key == k).cloned())
                .collect(),
            None => ui,
        };
        let listening = super::listening::compile_locale(source, code, locale, errors);
        locales.push(LocaleDef {
            code: code.clone(),
            name: locale.name.get_ref().clone(),
            ui,
            listening,
        });
    }
    let declared: Vec<(&str, &crate::parse::RawLocaleDef, &crate::model::Listening)> = raw
        .locales
        .get_ref()
        .values()
        .zip(&locales)
        .map(|(raw, def)| (def.code.as_str(), raw.get_ref(), &def.listening))
        .collect();
    super::listening::check_agree(source, &declared, errors);
    if locales.is_empty() {
        errors.at(
            source,
            raw.locales.span(),
            "the catalogue has no locales".into(),
            "add `[locales.en]` with its `name` and `[locales.en.ui]`".into(),
        );
    }
    let mut currencies = Vec::new();
    for (code, per_locale) in raw.currencies.iter().flat_map(|c| c.get_ref()) {
        let table_span = per_locale.span();
        let (code, per_locale) = (code.get_ref(), per_locale.get_ref());
        if !(code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase())) {
            let span = raw.currencies.as_ref().map_or(0..0, |c| key_span(c, code));
            errors.at(
                source,
                span,
                format!("currency code `{code}` is not three capital letters"),
                "use the ISO 4217 code, e.g. `EUR`".into(),
            );
        }
        for key in per_locale.keys() {
            if !locales.iter().any(|l| &l.code == key.get_ref()) {
                errors.at(
                    source,
                    key.span(),
                    format!("currency `{code}` has words for `{}`, which is not a locale of the catalogue", key.get_ref()),
                    suggest(key.get_ref(), locales.iter().map(|l| l.code.as_str())),
                );
            }
        }
        let mut words = Vec::new();
        for locale in &locales {
            let needed = plural_categories(&locale.code).unwrap_or_default();
            let Some((_, forms)) = per_locale.get_key_value(locale.code.as_str()) else {
                errors.at(
                    source,
                    table_span.clone(),
                    format!("currency `{code}` has no words in `{}`", locale.code),
                    format!(
                        "add `{} = {{ {} }}` to [currencies.{code}]",
                        locale.code,
                        needed
                            .iter()
                            .map(|c| format!("{c} = \"...\""))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                );
                continue;
            };
            let mut row: [String; 6] = Default::default();
            for category in &needed {
                match forms.get_ref().get(*category) {
                    Some(word) if !word.get_ref().trim().is_empty() => {
                        let at = PLURAL_CATEGORIES.iter().position(|c| c == category).unwrap_or(5);
                        row[at] = word.get_ref().clone();
                    }
                    Some(word) => errors.at(source, word.span(), format!("empty `{category}` word of `{code}` in `{}`", locale.code), "write the currency's word for that plural category".into()),
                    None => errors.at(
                        source,
                        forms.span(),
                        format!("currency `{code}` in `{}` has no `{category}` form", locale.code),
                        format!(
                            "the plural rules of `{}` need {}; add `{category} = \"...\"`, the word after amounts such as {}",
                            locale.code,
                            needed.join(", "),
                            example(&locale.code, category)
                        ),
                    ),
                }
            }
            for key in forms.get_ref().keys() {
                if !needed.contains(&key.get_ref().as_str()) {
                    errors.at(
                        source,
                        key.span(),
                        format!(
                            "`{}` is not a plural category of `{}`",
                            key.get_ref(),
                            locale.code
                        ),
                        format!(
                            "the plural rules of `{}` use {}",
                            locale.code,
                            needed.join(", ")
                        ),
                    );
                }
            }
            words.push(row);
        }
        currencies.push(CurrencyDef {
            code: code.clone(),
            words,
        });
    }
    (errors.len() == before).then_some((locales, currencies))
}

fn key_span<T>(map: &Map<T>, key: &str) -> std::ops::Range<usize> {
    map.get_ref()
        .get_key_value(key)
        .map_or(map.span(), |(k, _)| k.span())
}
