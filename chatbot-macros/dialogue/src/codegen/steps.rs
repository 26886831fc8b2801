//! The generated enum of one dialogue's steps: its ways (`next`, `unclear`, each quick
//! reply), and what it says and hears in each locale (its chunks, its answers aside).

use proc_macro2::{Ident, TokenStream};
use quote::{format_ident, quote};

use super::{camel, messages};
use crate::model::{Phrase, Report, Target};
use crate::runtime::Aside;

/// The const holding a locale's `hold_back` words (`HOLD_BACK_EN`).
pub(super) fn hold_back_name(locale: &Ident) -> Ident {
    format_ident!("HOLD_BACK_{}", locale.to_string().to_uppercase())
}

fn phrases(list: &[Phrase]) -> TokenStream {
    let items = list.iter().map(|p| {
        let text = &p.text;
        let target = match p.target {
            Target::Reply {
                option,
                buys,
                declines,
            } => {
                let option = option as u8;
                quote!(Target::Reply { option: #option, buys: #buys, declines: #declines })
            }
            Target::Aside(aside) => {
                let variant = format_ident!("{}", format!("{aside:?}"));
                quote!(Target::Aside(::chatbot_dialogue::runtime::Aside::#variant))
            }
        };
        quote!(Phrase { text: #text, target: #target })
    });
    quote!(&[#(#items),*])
}

pub(super) fn step_enum(report: &Report, name: &Ident, locales: &[Ident]) -> TokenStream {
    let steps: Vec<Ident> = report.steps.iter().map(|s| camel(&s.name)).collect();
    let names = report.steps.iter().map(|s| s.name.as_str());
    let purchases = report
        .steps
        .iter()
        .zip(&steps)
        .filter(|(s, _)| s.purchase)
        .map(|(_, v)| v);
    // The purchase waits for nothing: its ways all stay where it is.
    let way = |to: Option<usize>, v: &Ident| match to {
        Some(to) => {
            let to = &steps[to];
            quote!(Self::#to)
        }
        None => quote!(Self::#v),
    };
    let nexts = report.steps.iter().zip(&steps).map(|(step, v)| {
        let to = way(step.next, v);
        quote!(Self::#v => #to)
    });
    let unclears = report.steps.iter().zip(&steps).map(|(step, v)| {
        let to = way(step.unclear.or(step.next), v);
        quote!(Self::#v => #to)
    });
    let steps_ref = &steps;
    let options = report.steps.iter().zip(&steps).flat_map(|(step, v)| {
        step.options.iter().enumerate().map(move |(i, o)| {
            let to = &steps_ref[o.next];
            quote!((Self::#v, #i) => Self::#to)
        })
    });
    let chunks = report.steps.iter().enumerate().zip(&steps).flat_map(|((i, step), v)| {
        locales.iter().enumerate().map(move |(l, locale)| {
            let texts = &report.texts[l].steps[i];
            let list = messages(&texts.messages);
            let options = step.options.iter().zip(&texts.options).map(|(o, label)| {
                let id = &o.id;
                let intents = o.intents.iter().map(|i| format_ident!("{}", format!("{i:?}")));
                quote!(QuickReply { id: #id, label: #label, intents: &[#(::chatbot_dialogue::runtime::Intent::#intents),*] })
            });
            let phrases = phrases(&texts.phrases);
            let hold_back = hold_back_name(locale);
            let typos = crate::answer::index(texts.phrases.iter().map(|p| {
                (p.text.as_str(), matches!(p.target, Target::Reply { buys: true, .. }))
            }));
            let typos = typos.iter().map(|t| {
                let (phrase, chars) = (t.phrase, t.chars);
                quote!(::chatbot_dialogue::runtime::Typo { phrase: #phrase, chars: #chars })
            });
            quote!((Self::#v, Locale::#locale) => &Chunk {
                messages: #list,
                options: &[#(#options),*],
                phrases: #phrases,
                hold_back: &super::#hold_back,
                typos: &[#(#typos),*],
            })
        })
    });
    let asides = locales.iter().enumerate().flat_map(|(l, locale)| {
        Aside::ALL
            .iter()
            .zip(&report.texts[l].asides)
            .map(move |(aside, texts)| {
                let variant = format_ident!("{}", format!("{aside:?}"));
                let list = messages(texts);
                quote!((Locale::#locale, Aside::#variant) => #list)
            })
    });
    let doc = format!(
        "The steps of the `{}` dialogue (variant `{}`).",
        report.id, report.variant
    );
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

            pub const fn next(self) -> Self {
                match self { #(#nexts,)* }
            }

            pub const fn unclear(self) -> Self {
                match self { #(#unclears,)* }
            }

            /// Where quick reply `index` leads; an index the step does not offer stays put.
            pub const fn option(self, index: usize) -> Self {
                match (self, index) { #(#options,)* _ => self }
            }

            pub const fn chunk(self, locale: Locale) -> &'static Chunk {
                match (self, locale) { #(#chunks,)* }
            }

            /// The answer to a question asked at any of these steps.
            pub const fn aside(locale: Locale, aside: Aside) -> &'static [Message] {
                match (locale, aside) { #(#asides,)* }
            }
        }
    }
}
