//! Rust code for a compiled catalogue: the `Report`, `Locale`, `Currency` and `State`
//! enums, `phf` tables from slugs and codes, and every text as `&'static` data over the
//! types of [`crate::runtime`]. The output is data only: no JSON, no formatting, and no
//! path into the crate that calls the macro (it names `::chatbot_dialogue` alone).

use std::path::Path;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::model::{Catalogue, LocaleDef, LocaleTexts, Report, Step, StepTexts, Success, Text};
use crate::runtime::Aside;
use crate::text::Piece;
use crate::{Error, load};

mod steps;

use steps::{hold_back_name, step_enum};

/// The whole expansion of `catalogue!(dir)`: the generated items, or, on a broken
/// catalogue, one `compile_error!` per mistake plus the items of an empty catalogue, so
/// the author sees their mistakes and not a cascade of "cannot find type" errors.
pub fn expand(dir: &Path, root: &Path, span: Span) -> TokenStream {
    match load(dir, root) {
        Ok(catalogue) => generate(&catalogue),
        Err(error) => {
            let messages: Vec<String> = match error {
                Error::Invalid(list) => list.iter().map(ToString::to_string).collect(),
                io @ Error::Io { .. } => vec![io.to_string()],
            };
            let errors = messages
                .iter()
                .map(|m| quote::quote_spanned!(span=> ::core::compile_error!(#m);));
            let skeleton = generate(&skeleton());
            quote! { #(#errors)* #skeleton }
        }
    }
}

/// A stand-in catalogue of one locale and one report with one (purchase) step and empty
/// texts: it gives the rest of the crate every generated item to compile against, and
/// inhabited types, so a broken dialogue shows its own errors and nothing else.
fn skeleton() -> Catalogue {
    let empty = || Text {
        source: String::new(),
        pieces: Vec::new(),
    };
    let texts = LocaleTexts {
        title: String::new(),
        steps: vec![StepTexts {
            messages: vec![empty()],
            options: Vec::new(),
            phrases: Vec::new(),
        }],
        success: Success {
            thanks: Vec::new(),
            link: empty(),
            goodbye: Vec::new(),
        },
        failure: Vec::new(),
        asides: vec![Vec::new(); Aside::ALL.len()],
    };
    let report = Report {
        id: "catalogue-does-not-compile".into(),
        variant: "default".into(),
        weight: 1,
        variants: Vec::new(),
        start_new: 0,
        start_returning: 0,
        steps: vec![Step {
            name: "broken".into(),
            next: None,
            unclear: None,
            options: Vec::new(),
            purchase: true,
        }],
        texts: vec![texts],
    };
    Catalogue {
        locales: vec![LocaleDef {
            code: "en".into(),
            name: "English".into(),
            ui: Vec::new(),
            listening: Default::default(),
        }],
        currencies: Vec::new(),
        reports: vec![report],
        files: Vec::new(),
    }
}

/// `new-job` -> `NewJob`, `ask_budget` -> `AskBudget`; a part starting with a digit keeps
/// its separator as `_` (`a-1` -> `A_1`) so distinct names stay distinct.
fn camel(name: &str) -> Ident {
    let mut out = String::new();
    for part in name.split(['-', '_']) {
        let mut chars = part.chars();
        if let Some(first) = chars.next() {
            if first.is_ascii_digit() {
                out.push('_');
            }
            out.push(first.to_ascii_uppercase());
            out.extend(chars);
        }
    }
    if out == "Self" {
        out.push('_');
    }
    format_ident!("{}", out)
}

fn message(text: &Text) -> TokenStream {
    let source = &text.source;
    let parts = text.pieces.iter().map(|piece| match piece {
        Piece::Literal(s) => quote!(Part::Text(#s)),
        Piece::Price => quote!(Part::Price),
        Piece::Currency => quote!(Part::Currency),
    });
    quote!(Message { text: #source, parts: &[#(#parts),*] })
}

fn messages(texts: &[Text]) -> TokenStream {
    let list = texts.iter().map(message);
    quote!(&[#(#list),*])
}

fn phf_map(entries: impl Iterator<Item = (String, String)>) -> TokenStream {
    let mut map = phf_codegen::Map::new();
    for (key, value) in entries {
        map.entry(key, value);
    }
    map.phf_path("::chatbot_dialogue::phf")
        .build()
        .to_string()
        .parse()
        .unwrap_or_default()
}

/// The generated items for a valid catalogue (an empty one gives the skeleton).
pub fn generate(catalogue: &Catalogue) -> TokenStream {
    let reports = &catalogue.reports;
    let variants: Vec<Ident> = reports.iter().map(|r| camel(&r.id)).collect();
    let slugs: Vec<&str> = reports.iter().map(|r| r.id.as_str()).collect();
    let count = reports.len();
    let locales = &catalogue.locales;
    let locale_variants: Vec<Ident> = locales.iter().map(|l| camel(&l.code)).collect();
    let locale_codes: Vec<&str> = locales.iter().map(|l| l.code.as_str()).collect();
    let locale_names: Vec<&str> = locales.iter().map(|l| l.name.as_str()).collect();
    let locale_ui = locales.iter().map(|l| {
        let (keys, values): (Vec<&str>, Vec<&str>) =
            l.ui.iter().map(|(k, v)| (k.as_str(), v.as_str())).unzip();
        quote!(&[#((#keys, #values)),*])
    });
    let locale_count = locales.len();
    let currencies = &catalogue.currencies;
    let currency_variants: Vec<Ident> = currencies
        .iter()
        .map(|c| camel(&c.code.to_ascii_lowercase()))
        .collect();
    let currency_codes: Vec<&str> = currencies.iter().map(|c| c.code.as_str()).collect();
    let currency_count = currencies.len();
    let currency_words = currencies
        .iter()
        .zip(&currency_variants)
        .flat_map(|(c, v)| {
            c.words
                .iter()
                .zip(&locale_variants)
                .map(move |(words, l)| quote!((Currency::#v, Locale::#l) => &[#(#words),*],))
        });
    // With no currency the enum is empty, and so is the match.
    let currency_words = if currencies.is_empty() {
        quote!(match self {})
    } else {
        quote!(match (self, locale) { #(#currency_words)* })
    };
    let report_map = phf_map(
        slugs
            .iter()
            .zip(&variants)
            .map(|(s, v)| (s.to_string(), format!("Report::{v}"))),
    );
    let locale_map = phf_map(
        locale_codes
            .iter()
            .zip(&locale_variants)
            .map(|(c, v)| (c.to_string(), format!("Locale::{v}"))),
    );
    let currency_map = phf_map(
        currency_codes
            .iter()
            .zip(&currency_variants)
            .map(|(c, v)| (c.to_string(), format!("Currency::{v}"))),
    );

    let per_locale = |f: &dyn Fn(&Report, usize) -> TokenStream| {
        let arms = reports.iter().zip(&variants).flat_map(|(report, variant)| {
            locale_variants.iter().enumerate().map(move |(i, locale)| {
                let value = f(report, i);
                quote!((Report::#variant, Locale::#locale) => #value)
            })
        });
        quote!(match (self, locale) { #(#arms,)* })
    };
    let titles = per_locale(&|r, i| {
        let t = &r.texts[i].title;
        quote!(#t)
    });
    let successes = per_locale(&|r, i| {
        let s = &r.texts[i].success;
        let (thanks, link, goodbye) = (messages(&s.thanks), message(&s.link), messages(&s.goodbye));
        quote!(&Success { thanks: #thanks, link: #link, goodbye: #goodbye })
    });
    let failures = per_locale(&|r, i| messages(&r.texts[i].failure));
    // Every dialogue: each report's own, then its variants, with the report it belongs
    // to and its position among the report's variants.
    let dialogues: Vec<(&Report, &Ident, usize, Ident)> = reports
        .iter()
        .zip(&variants)
        .flat_map(|(report, v)| {
            std::iter::once(report)
                .chain(&report.variants)
                .enumerate()
                .map(move |(i, d)| {
                    let ident = match i {
                        0 => v.clone(),
                        _ => camel(&format!("{}-{}", report.id, d.variant)),
                    };
                    (d, v, i, ident)
                })
        })
        .collect();
    let dialogue_idents: Vec<&Ident> = dialogues.iter().map(|(.., ident)| ident).collect();
    let dialogue_reports: Vec<&Ident> = dialogues.iter().map(|(_, v, ..)| *v).collect();
    let dialogue_indices: Vec<usize> = dialogues.iter().map(|(_, _, i, _)| *i).collect();
    let dialogue_variants: Vec<&str> = dialogues.iter().map(|(d, ..)| d.variant.as_str()).collect();
    let variant_lists = reports.iter().map(|r| {
        let items = std::iter::once(r).chain(&r.variants).map(|d| {
            let (name, weight) = (&d.variant, d.weight);
            quote!(::chatbot_dialogue::runtime::Variant { name: #name, weight: #weight })
        });
        quote!(&[#(#items),*])
    });
    let variant_total: usize = reports.iter().map(|r| 1 + r.variants.len()).sum();
    let variant_offsets = reports.iter().scan(0usize, |at, r| {
        let offset = *at;
        *at += 1 + r.variants.len();
        Some(offset)
    });
    let starts_in = dialogues.iter().map(|(d, v, i, ident)| {
        let (new, returning) = (
            camel(&d.steps[d.start_new].name),
            camel(&d.steps[d.start_returning].name),
        );
        quote! {
            (Report::#v, #i, true) => State::#ident(steps::#ident::#new),
            (Report::#v, #i, false) => State::#ident(steps::#ident::#returning),
        }
    });
    let hold_back_names: Vec<Ident> = locale_variants.iter().map(hold_back_name).collect();
    let hold_back_lists = locales.iter().map(|l| {
        let lists = &l.listening.hold_back;
        let (words, in_clause, asking, conditions, times, plain, sequence, pay, idioms, unsure) = (
            &lists.words,
            &lists.in_clause,
            &lists.asking,
            &lists.conditions,
            &lists.times,
            &lists.plain,
            &lists.sequence,
            &lists.pay,
            &lists.idioms,
            &lists.unsure,
        );
        quote!(::chatbot_dialogue::runtime::HoldBack {
            words: &[#(#words),*],
            in_clause: &[#(#in_clause),*],
            asking: &[#(#asking),*],
            conditions: &[#(#conditions),*],
            times: &[#(#times),*],
            plain: &[#(#plain),*],
            sequence: &[#(#sequence),*],
            pay: &[#(#pay),*],
            idioms: &[#(#idioms),*],
            unsure: &[#(#unsure),*],
        })
    });
    let starts = reports.iter().zip(&variants).map(|(r, v)| {
        let (new, returning) = (
            camel(&r.steps[r.start_new].name),
            camel(&r.steps[r.start_returning].name),
        );
        quote! {
            (Report::#v, true) => State::#v(steps::#v::#new),
            (Report::#v, false) => State::#v(steps::#v::#returning),
        }
    });
    let step_enums = dialogues
        .iter()
        .map(|(d, _, _, ident)| step_enum(d, ident, &locale_variants));
    let all_states = dialogues.iter().flat_map(|(d, _, _, ident)| {
        d.steps.iter().map(move |s| {
            let s = camel(&s.name);
            quote!(State::#ident(steps::#ident::#s))
        })
    });
    let state_count = dialogues.iter().map(|(d, ..)| d.steps.len()).sum::<usize>();
    let offsets = dialogues.iter().scan(0usize, |at, (d, ..)| {
        let offset = *at;
        *at += d.steps.len();
        Some(offset)
    });
    let paths = catalogue
        .files
        .iter()
        .map(|(path, _)| path.to_string_lossy().into_owned());
    let names = catalogue.files.iter().map(|(_, name)| name);
    let indices = 0..count;
    let locale_indices = 0..locale_count;

    quote! {
        #[allow(unused_imports)]
        use ::chatbot_dialogue::runtime::{Aside, Chunk, CurrencyWords, Message, Part, Phrase, QuickReply, Success, Target};

        /// A report of the catalogue: one per folder of `dialogues/`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Report { #(#variants,)* }

        /// Report ids (URL slugs) to reports; case-sensitive.
        pub static REPORTS: ::chatbot_dialogue::phf::Map<&'static str, Report> = #report_map;

        impl Report {
            pub const ALL: [Report; #count] = [#(Report::#variants),*];

            /// The position of this report in [`Report::ALL`], for tables indexed by report.
            pub const fn index(self) -> usize {
                match self { #(Report::#variants => #indices,)* }
            }

            /// The id of the report in URLs (`newjob`).
            pub const fn slug(self) -> &'static str {
                match self { #(Report::#variants => #slugs,)* }
            }

            pub fn from_slug(slug: &str) -> Option<Report> {
                REPORTS.get(slug).copied()
            }

            /// The first step for a new or a returning visitor.
            pub const fn start(self, new_visitor: bool) -> State {
                match (self, new_visitor) { #(#starts)* }
            }

            /// The question the report answers.
            pub const fn title(self, locale: Locale) -> &'static str { #titles }

            /// The post-payment dialogue after a successful payment.
            pub const fn success(self, locale: Locale) -> &'static Success { #successes }

            /// The post-payment dialogue after a failed payment.
            pub const fn failure(self, locale: Locale) -> &'static [Message] { #failures }

            /// How many dialogue variants all reports have together.
            pub const VARIANT_COUNT: usize = #variant_total;

            /// Where this report's variants start in a list of every report's variants,
            /// for tables indexed by variant.
            pub const fn variant_offset(self) -> usize {
                match self { #(Report::#variants => #variant_offsets,)* }
            }

            /// The report's dialogue variants, its own first (the default one).
            pub const fn variants(self) -> &'static [::chatbot_dialogue::runtime::Variant] {
                match self { #(Report::#variants => #variant_lists,)* }
            }

            /// The first step of variant `variant` (an index into [`Report::variants`]; an
            /// index past them is the default one's).
            pub const fn start_in(self, variant: usize, new_visitor: bool) -> State {
                match (self, variant, new_visitor) {
                    #(#starts_in)*
                    _ => self.start(new_visitor),
                }
            }
        }

        /// A language of the catalogue (`catalogue.toml`); every report is written in each.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Locale { #(#locale_variants,)* }

        /// Locale codes (`ru`, `en`, `pl`) to locales.
        pub static LOCALES: ::chatbot_dialogue::phf::Map<&'static str, Locale> = #locale_map;

        impl Locale {
            pub const ALL: [Locale; #locale_count] = [#(Locale::#locale_variants),*];

            /// The position of this locale in [`Locale::ALL`], for tables indexed by locale.
            pub const fn index(self) -> usize {
                match self { #(Locale::#locale_variants => #locale_indices,)* }
            }

            /// The code clients send as `lang`.
            pub const fn code(self) -> &'static str {
                match self { #(Locale::#locale_variants => #locale_codes,)* }
            }

            pub fn from_code(code: &str) -> Option<Locale> {
                LOCALES.get(code).copied()
            }

            /// The language's name in itself (`Русский`).
            pub const fn name(self) -> &'static str {
                match self { #(Locale::#locale_variants => #locale_names,)* }
            }

            /// The demo pages' words in this language, by key, in the same key order for
            /// every locale.
            pub const fn ui_strings(self) -> &'static [(&'static str, &'static str)] {
                match self { #(Locale::#locale_variants => #locale_ui,)* }
            }

            /// One demo word by key.
            pub fn ui(self, key: &str) -> Option<&'static str> {
                self.ui_strings().iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
            }

            /// What keeps a longer message from buying in this language.
            pub const fn hold_back(self) -> &'static ::chatbot_dialogue::runtime::HoldBack<'static> {
                match self { #(Locale::#locale_variants => &#hold_back_names,)* }
            }
        }

        #(
            #[doc(hidden)]
            pub const #hold_back_names: ::chatbot_dialogue::runtime::HoldBack<'static> = #hold_back_lists;
        )*

        /// A currency whose words the catalogue knows, so prices in it are shown in the
        /// visitor's grammar.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Currency { #(#currency_variants,)* }

        /// ISO 4217 codes to known currencies.
        pub static CURRENCIES: ::chatbot_dialogue::phf::Map<&'static str, Currency> = #currency_map;

        impl Currency {
            pub const ALL: [Currency; #currency_count] = [#(Currency::#currency_variants),*];

            pub const fn code(self) -> &'static str {
                match self { #(Currency::#currency_variants => #currency_codes,)* }
            }

            pub fn from_code(code: &str) -> Option<Currency> {
                CURRENCIES.get(code).copied()
            }

            /// The currency's word in `locale` for each plural category.
            #[allow(unused_variables)]
            pub const fn words(self, locale: Locale) -> &'static CurrencyWords {
                #currency_words
            }
        }

        /// Where an engagement dialogue stands: a report and one of its steps.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum State { #(#dialogue_idents(steps::#dialogue_idents),)* }

        impl State {
            /// Every step of every report, in catalogue order.
            pub const ALL: [State; #state_count] = [#(#all_states),*];

            /// The position of this step in [`State::ALL`], for tables indexed by step.
            pub const fn index(self) -> usize {
                match self { #(State::#dialogue_idents(s) => #offsets + s as usize,)* }
            }

            pub const fn report(self) -> Report {
                match self { #(State::#dialogue_idents(_) => Report::#dialogue_reports,)* }
            }

            /// The dialogue variant this step belongs to, as an index into
            /// [`Report::variants`].
            pub const fn variant(self) -> usize {
                match self { #(State::#dialogue_idents(_) => #dialogue_indices,)* }
            }

            /// The name of that variant (`long`, `short`; `default` where the report has one).
            pub const fn variant_name(self) -> &'static str {
                match self { #(State::#dialogue_idents(_) => #dialogue_variants,)* }
            }

            /// The answer to a question asked at any step of this dialogue (empty where
            /// the catalogue answers none: then no step takes it).
            pub const fn aside(self, locale: Locale, aside: Aside) -> &'static [Message] {
                match self { #(State::#dialogue_idents(_) => steps::#dialogue_idents::aside(locale, aside),)* }
            }

            /// The step's name in `dialogue.toml`.
            pub const fn name(self) -> &'static str {
                match self { #(State::#dialogue_idents(s) => s.name(),)* }
            }

            /// Whether this step ends the dialogue with the purchase.
            pub const fn is_purchase(self) -> bool {
                match self { #(State::#dialogue_idents(s) => s.is_purchase(),)* }
            }

            /// The default way forward: an answer without a quick reply.
            pub const fn next(self) -> State {
                match self { #(State::#dialogue_idents(s) => State::#dialogue_idents(s.next()),)* }
            }

            /// Where a typed answer that matches no quick reply goes.
            pub const fn unclear(self) -> State {
                match self { #(State::#dialogue_idents(s) => State::#dialogue_idents(s.unclear()),)* }
            }

            /// Where quick reply `index` (of [`Chunk::options`]) leads.
            pub const fn option(self, index: usize) -> State {
                match self { #(State::#dialogue_idents(s) => State::#dialogue_idents(s.option(index)),)* }
            }

            /// What the bot says at this step.
            pub const fn chunk(self, locale: Locale) -> &'static Chunk {
                match self { #(State::#dialogue_idents(s) => s.chunk(locale),)* }
            }
        }

        /// The steps of each report, one enum per report.
        pub mod steps {
            #[allow(unused_imports)]
            use super::{Aside, Chunk, Locale, Message, Part, Phrase, QuickReply, Target};
            #(#step_enums)*
        }

        /// The dialogue files this catalogue was compiled from, by name. Including them
        /// makes cargo rebuild when one changes; the `graph` command parses them again.
        pub const SOURCES: &[(&str, &[u8])] = &[#((#names, include_bytes!(#paths))),*];
    }
}
