//! Rust code for a compiled catalogue: the `Report`, `Locale` and `State` enums, `phf`
//! tables from slugs and codes, and every text as `&'static` data, with the literal
//! parts of each message already escaped for JSON so the server only concatenates.
//!
//! The output refers to the runtime types in `::chatbot::catalogue` (`Chunk`, `Message`,
//! `Part`, `QuickReply`, `Success`).

use std::path::Path;

use proc_macro2::{Ident, Span, TokenStream};
use quote::{format_ident, quote};

use crate::model::{Catalogue, LOCALES, LocaleTexts, Report, Step, StepTexts, Success, Text};
use crate::text::Piece;
use crate::{Error, load};

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

/// A stand-in catalogue of one report with one (purchase) step and empty texts: it gives
/// the rest of the crate every generated item to compile against, and inhabited types,
/// so a broken dialogue shows its own errors and nothing else.
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
        }],
        success: Success {
            thanks: Vec::new(),
            link: empty(),
            goodbye: Vec::new(),
        },
        failure: Vec::new(),
    };
    let report = Report {
        id: "catalogue-does-not-compile".into(),
        start_new: 0,
        start_returning: 0,
        steps: vec![Step {
            name: "broken".into(),
            next: None,
            options: Vec::new(),
            purchase: true,
        }],
        texts: LOCALES.iter().map(|_| texts.clone()).collect(),
    };
    Catalogue {
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

fn json(s: &str) -> String {
    let quoted = serde_json::to_string(s).unwrap_or_default();
    quoted[1..quoted.len() - 1].to_owned()
}

fn message(text: &Text) -> TokenStream {
    let source = &text.source;
    let parts = text.pieces.iter().map(|piece| match piece {
        Piece::Literal(s) => {
            let escaped = json(s);
            quote!(Part::Text(#escaped))
        }
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
    map.phf_path("::phf")
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
    let locale_variants: Vec<Ident> = LOCALES.iter().map(|l| camel(l.code)).collect();
    let locale_codes: Vec<&str> = LOCALES.iter().map(|l| l.code).collect();
    let separators: Vec<char> = LOCALES.iter().map(|l| l.decimal_separator).collect();
    let locale_count = LOCALES.len();
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
    let step_enums = reports
        .iter()
        .zip(&variants)
        .map(|(r, v)| step_enum(r, v, &locale_variants));
    let all_states = reports.iter().zip(&variants).flat_map(|(r, v)| {
        r.steps.iter().map(move |s| {
            let s = camel(&s.name);
            quote!(State::#v(steps::#v::#s))
        })
    });
    let offsets = reports.iter().scan(0usize, |at, r| {
        let offset = *at;
        *at += r.steps.len();
        Some(offset)
    });
    let paths = catalogue
        .files
        .iter()
        .map(|(path, _)| path.to_string_lossy().into_owned());
    let names = catalogue.files.iter().map(|(_, name)| name);

    quote! {
        #[allow(unused_imports)]
        use ::chatbot::catalogue::{Chunk, Message, Part, QuickReply, Success};

        /// A report of the catalogue: one per folder of `dialogues/`.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Report { #(#variants,)* }

        /// Report ids (URL slugs) to reports; case-sensitive.
        pub static REPORTS: ::phf::Map<&'static str, Report> = #report_map;

        impl Report {
            pub const ALL: [Report; #count] = [#(Report::#variants),*];

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
        }

        /// A language of the catalogue; every report is written in each of them.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Locale { #(#locale_variants,)* }

        /// Locale codes (`ru`, `en`, `pl`) to locales.
        pub static LOCALES: ::phf::Map<&'static str, Locale> = #locale_map;

        impl Locale {
            pub const ALL: [Locale; #locale_count] = [#(Locale::#locale_variants),*];

            pub const fn code(self) -> &'static str {
                match self { #(Locale::#locale_variants => #locale_codes,)* }
            }

            pub fn from_code(code: &str) -> Option<Locale> {
                LOCALES.get(code).copied()
            }

            /// Separates the cents of a price: `19.99` or `19,99`.
            pub const fn decimal_separator(self) -> char {
                match self { #(Locale::#locale_variants => #separators,)* }
            }
        }

        /// Where an engagement dialogue stands: a report and one of its steps.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum State { #(#variants(steps::#variants),)* }

        impl State {
            /// Every step of every report, in catalogue order.
            pub const ALL: &'static [State] = &[#(#all_states),*];

            /// The position of this step in [`State::ALL`], for tables indexed by step.
            pub const fn index(self) -> usize {
                match self { #(State::#variants(s) => #offsets + s as usize,)* }
            }

            pub const fn report(self) -> Report {
                match self { #(State::#variants(_) => Report::#variants,)* }
            }

            /// The step's name in `dialogue.toml`.
            pub const fn name(self) -> &'static str {
                match self { #(State::#variants(s) => s.name(),)* }
            }

            /// Whether this step ends the dialogue with the purchase.
            pub const fn is_purchase(self) -> bool {
                match self { #(State::#variants(s) => s.is_purchase(),)* }
            }

            /// The step an answer leads to: the option's, or the default way forward.
            pub fn next(self, option: Option<&str>) -> State {
                match self { #(State::#variants(s) => State::#variants(s.next(option)),)* }
            }

            /// What the bot says at this step.
            pub const fn chunk(self, locale: Locale) -> &'static Chunk {
                match self { #(State::#variants(s) => s.chunk(locale),)* }
            }
        }

        /// The steps of each report, one enum per report.
        pub mod steps {
            #[allow(unused_imports)]
            use super::{Chunk, Locale, Message, Part, QuickReply};
            #(#step_enums)*
        }

        /// The dialogue files this catalogue was compiled from, by name. Including them
        /// makes cargo rebuild when one changes; the `graph` command parses them again.
        pub const SOURCES: &[(&str, &[u8])] = &[#((#names, include_bytes!(#paths))),*];
    }
}

fn step_enum(report: &Report, name: &Ident, locales: &[Ident]) -> TokenStream {
    let steps: Vec<Ident> = report.steps.iter().map(|s| camel(&s.name)).collect();
    let names = report.steps.iter().map(|s| s.name.as_str());
    let purchases = report
        .steps
        .iter()
        .zip(&steps)
        .filter(|(s, _)| s.purchase)
        .map(|(_, v)| v);
    let nexts = report.steps.iter().zip(&steps).map(|(step, v)| {
        let options = step.options.iter().map(|o| {
            let (id, next) = (&o.id, &steps[o.next]);
            quote!(Some(#id) => Self::#next,)
        });
        let default = match step.next {
            Some(next) => {
                let next = &steps[next];
                quote!(Self::#next)
            }
            None => quote!(self),
        };
        if step.options.is_empty() {
            quote!(Self::#v => #default)
        } else {
            quote!(Self::#v => match option { #(#options)* _ => #default })
        }
    });
    let chunks = report.steps.iter().enumerate().zip(&steps).flat_map(|((i, step), v)| {
        locales.iter().enumerate().map(move |(l, locale)| {
            let texts = &report.texts[l].steps[i];
            let list = messages(&texts.messages);
            let options = step.options.iter().zip(&texts.options).map(|(o, label)| {
                let id = &o.id;
                quote!(QuickReply { id: #id, label: #label })
            });
            let json: Vec<String> = step
                .options
                .iter()
                .zip(&texts.options)
                .map(|(o, label)| format!(r#"{{"id":"{}","text":"{}"}}"#, json(&o.id), json(label)))
                .collect();
            let options_json = if json.is_empty() { String::new() } else { format!(r#","options":[{}]"#, json.join(",")) };
            quote!((Self::#v, Locale::#locale) => &Chunk { messages: #list, options: &[#(#options),*], options_json: #options_json })
        })
    });
    let doc = format!("The steps of the `{}` dialogue.", report.id);
    quote! {
        #[doc = #doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum #name { #(#steps,)* }

        impl #name {
            pub const fn name(self) -> &'static str {
                match self { #(Self::#steps => #names,)* }
            }

            pub const fn is_purchase(self) -> bool {
                matches!(self, #(Self::#purchases)|*)
            }

            pub fn next(self, option: Option<&str>) -> Self {
                match self { #(#nexts,)* }
            }

            pub const fn chunk(self, locale: Locale) -> &'static Chunk {
                match (self, locale) { #(#chunks,)* }
            }
        }
    }
}
