//! The files as an author writes them: serde types that mirror the TOML of
//! `dialogue.toml`, `<locale>.toml` and `catalogue.toml`, every value with its span, so
//! the rules can point back at what the author wrote. Nothing here is checked yet.

use std::ops::Range;

use indexmap::IndexMap;
use serde::Deserialize;
use toml::Spanned;

use super::Map;

/// `dialogue.toml`: a report's structure.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDialogue {
    pub id: Spanned<String>,
    /// The report's dialogue variants (an A/B test): only in the report's own file.
    #[serde(default)]
    pub variants: Option<Spanned<RawVariants>>,
    pub start: Spanned<RawStart>,
    pub steps: Map<RawStep>,
}

/// `[variants]`: this file's dialogue's name, and every variant's share of the traffic
/// (the others live in sub-folders named after them).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawVariants {
    pub name: Spanned<String>,
    pub weights: Map<i64>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStart {
    pub new: Spanned<String>,
    pub returning: Spanned<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStep {
    pub next: Option<Spanned<String>>,
    pub unclear: Option<Spanned<String>>,
    pub options: Option<Spanned<Vec<Spanned<RawOption>>>>,
    #[serde(default)]
    pub purchase: Option<Spanned<bool>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOption {
    pub id: Spanned<String>,
    pub next: Spanned<String>,
    /// What people say for this reply, by the names of `[locales.<code>.intents]`.
    #[serde(default)]
    pub intents: Option<Spanned<Vec<Spanned<String>>>>,
}

/// `<locale>.toml`: a report's texts in one language.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLocale {
    /// Only in the report's own files: a variant's texts share the report's.
    #[serde(default)]
    pub title: Option<Spanned<String>>,
    /// This report's answers to questions asked at any step, over the catalogue's.
    #[serde(default)]
    pub asides: Option<Map<Vec<Spanned<String>>>>,
    pub steps: Map<RawStepTexts>,
    #[serde(default)]
    pub success: Option<Spanned<RawSuccess>>,
    #[serde(default)]
    pub failure: Option<Spanned<RawFailure>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawStepTexts {
    /// Optional here so that a table holding only `options` (its messages under a
    /// misspelt name) is a rule's error that can say so, not a parse error.
    pub messages: Option<Spanned<Vec<Spanned<String>>>>,
    pub options: Option<Map<RawReply>>,
}

/// A quick reply's texts in one locale: `id = "Label"`, or
/// `id = { text = "Label", phrases = ["typed", "answers"] }`.
pub struct RawReply {
    pub text: String,
    /// Where the text is written, in the table form; a plain label is the value itself.
    pub text_span: Option<Range<usize>>,
    pub phrases: Vec<Spanned<String>>,
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
pub struct RawSuccess {
    pub thanks: Spanned<Vec<Spanned<String>>>,
    pub link: Option<Spanned<String>>,
    pub goodbye: Spanned<Vec<Spanned<String>>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawFailure {
    pub messages: Spanned<Vec<Spanned<String>>>,
}

/// `catalogue.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCatalogue {
    pub locales: Map<RawLocaleDef>,
    #[serde(default)]
    pub currencies: Option<Map<CurrencyWords>>,
}

/// `[currencies.<CODE>]`: per locale code, a word per plural category.
pub type CurrencyWords =
    IndexMap<Spanned<String>, Spanned<IndexMap<Spanned<String>, Spanned<String>>>>;

/// `[locales.<code>]` of `catalogue.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawLocaleDef {
    pub name: Spanned<String>,
    pub ui: Map<String>,
    /// What people type for each intent (yes, no, buy, ...), in this language.
    #[serde(default)]
    pub intents: Option<Map<Vec<Spanned<String>>>>,
    /// Words that keep a longer message from buying (negations, hesitations, objections).
    #[serde(default)]
    pub hold_back: Option<Spanned<RawHoldBack>>,
    /// Answers to questions a visitor may ask at any step (price, contents, delivery,
    /// data), for every report in this language.
    #[serde(default)]
    pub asides: Option<Map<Vec<Spanned<String>>>>,
}

/// `[locales.<code>.hold_back]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawHoldBack {
    /// Words that hold a purchase back anywhere in the message.
    pub words: Spanned<Vec<Spanned<String>>>,
    /// Words that hold it back only in its own clause or one read as another answer.
    #[serde(default)]
    pub in_clause: Vec<Spanned<String>>,
    /// Words that, opening a sentence, make it a question.
    #[serde(default)]
    pub asking: Vec<Spanned<String>>,
    /// Words that, opening a clause, make it a condition of the purchase.
    #[serde(default)]
    pub conditions: Vec<Spanned<String>>,
    /// Words of time: they hold it back unless the visitor's own story comes first.
    #[serde(default)]
    pub times: Vec<Spanned<String>>,
    /// Words that tell no story of their own.
    #[serde(default)]
    pub plain: Vec<Spanned<String>>,
    /// Words that put a purchase after a time ("and", "then").
    #[serde(default)]
    pub sequence: Vec<Spanned<String>>,
    /// Words that make a question one about paying.
    #[serde(default)]
    pub pay: Vec<Spanned<String>>,
    /// Phrases whose words hold nothing back.
    #[serde(default)]
    pub idioms: Vec<Spanned<String>>,
    /// Phrases that say the visitor does not know: nothing inside them is heard.
    #[serde(default)]
    pub unsure: Vec<Spanned<String>>,
}
