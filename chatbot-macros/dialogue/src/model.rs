//! The validated catalogue: what the code generator and the graph export consume.
//! Everything here is known to be consistent (every transition resolves, every text exists).

use crate::runtime::{Aside, Intent};
use crate::text::Piece;

/// A language of the catalogue (`[locales.<code>]` in `catalogue.toml`).
#[derive(Debug, Clone)]
pub struct LocaleDef {
    /// The code clients send as `lang` (`ru`), a BCP 47 language tag.
    pub code: String,
    /// The language's name for itself (`Русский`), for language pickers.
    pub name: String,
    /// The demo pages' words in this language, by key; every locale has the same keys,
    /// in the order of the first locale.
    pub ui: Vec<(String, String)>,
    /// How typed answers are understood in this language.
    pub listening: Listening,
}

/// What people type in one language (`[locales.<code>.intents]`, `hold_back`, `asides`
/// of `catalogue.toml`).
#[derive(Debug, Clone, Default)]
pub struct Listening {
    /// Per intent, in [`Intent::ALL`] order: its phrases, normalized (empty when the
    /// catalogue declares none).
    pub intents: Vec<Vec<String>>,
    /// What keeps a longer message from buying: each list normalized, sorted, unique.
    pub hold_back: HoldBackLists,
    /// Per aside, in [`Aside::ALL`] order: the answer every report gives, unless its own
    /// `[asides]` says otherwise; `None` when the catalogue declares none.
    pub asides: Vec<Option<Vec<Text>>>,
}

/// `[locales.<code>.hold_back]`, compiled (see [`crate::runtime::HoldBack`]).
#[derive(Debug, Clone, Default)]
pub struct HoldBackLists {
    pub words: Vec<String>,
    pub in_clause: Vec<String>,
    pub asking: Vec<String>,
    pub conditions: Vec<String>,
    pub times: Vec<String>,
    pub plain: Vec<String>,
    pub sequence: Vec<String>,
    pub pay: Vec<String>,
    pub idioms: Vec<String>,
    pub unsure: Vec<String>,
}

impl Listening {
    /// The phrases of `intent`.
    pub fn phrases(&self, intent: Intent) -> &[String] {
        self.intents.get(intent as usize).map_or(&[], Vec::as_slice)
    }
}

/// A currency whose words the catalogue knows (`[currencies.<CODE>]`).
#[derive(Debug, Clone)]
pub struct CurrencyDef {
    /// ISO 4217: three capital letters.
    pub code: String,
    /// Per locale (in `Catalogue::locales` order), the word for each plural category in
    /// `runtime::PLURAL_CATEGORIES` order; categories the locale never needs are empty.
    pub words: Vec<[String; 6]>,
}

#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub locales: Vec<LocaleDef>,
    pub currencies: Vec<CurrencyDef>,
    pub reports: Vec<Report>,
    /// Every file the catalogue was read from: its absolute path, so generated code can
    /// `include_bytes!` it and cargo rebuilds when it changes, and its name as shown.
    pub files: Vec<(std::path::PathBuf, String)>,
}

/// A report's dialogue; the report's own (`dialogue.toml` at the top of its folder) also
/// holds the other variants of an A/B test in `variants`.
#[derive(Debug, Clone)]
pub struct Report {
    pub id: String,
    /// This dialogue's variant name (`default` where the report declares no variants).
    pub variant: String,
    /// Its share of the visitors that take part in the experiment (0: built, no traffic).
    pub weight: u32,
    /// The report's other variants, each a whole dialogue (only on the report's own).
    pub variants: Vec<Report>,
    /// Index into `steps` of the first step for a new and for a returning visitor.
    pub start_new: usize,
    pub start_returning: usize,
    pub steps: Vec<Step>,
    /// One entry per locale of the catalogue, in its order.
    pub texts: Vec<LocaleTexts>,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub name: String,
    /// The step an answer without a (known) option leads to; `None` for the purchase.
    pub next: Option<usize>,
    /// Where a typed answer that matches no quick reply goes instead of `next`
    /// (required where `next` is the purchase: no sale on an unclear answer).
    pub unclear: Option<usize>,
    pub options: Vec<QuickReply>,
    pub purchase: bool,
}

#[derive(Debug, Clone)]
pub struct QuickReply {
    pub id: String,
    pub next: usize,
    /// What people say for it, beyond its label and phrases (`intents = [...]`).
    pub intents: Vec<Intent>,
}

#[derive(Debug, Clone)]
pub struct LocaleTexts {
    pub title: String,
    /// One entry per step, in `Report::steps` order.
    pub steps: Vec<StepTexts>,
    pub success: Success,
    pub failure: Vec<Text>,
    /// Per aside, in [`Aside::ALL`] order: its answer in this report (empty when neither
    /// the report nor the catalogue has one: then no step answers it).
    pub asides: Vec<Vec<Text>>,
}

#[derive(Debug, Clone)]
pub struct StepTexts {
    pub messages: Vec<Text>,
    /// One label per option, in `Step::options` order.
    pub options: Vec<String>,
    /// Every phrase that picks an option, labels included: normalized, sorted, unique.
    pub phrases: Vec<Phrase>,
}

/// A typed answer and what it picks at its step (see `crate::answer`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Phrase {
    pub text: String,
    pub target: Target,
}

/// What a phrase picks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// Index into `Step::options`; `buys` when that reply leads to the purchase,
    /// `declines` when it takes `no`, `later` or `expensive`.
    Reply {
        option: usize,
        buys: bool,
        declines: bool,
    },
    Aside(Aside),
}

#[derive(Debug, Clone, Default)]
pub struct Success {
    pub thanks: Vec<Text>,
    /// The message that carries `report_url`.
    pub link: Text,
    pub goodbye: Vec<Text>,
}

#[derive(Debug, Clone, Default)]
pub struct Text {
    /// As the author wrote it (placeholders included).
    pub source: String,
    pub pieces: Vec<Piece>,
}

impl Report {
    /// The steps a visitor who never picks an option walks through, from `start`.
    /// Ends at the purchase step; stops early (without repeating) if the path loops.
    pub fn default_path(&self, start: usize) -> Vec<usize> {
        let mut path = vec![start];
        let mut at = start;
        while let Some(next) = self.steps[at].next {
            if path.contains(&next) {
                break;
            }
            path.push(next);
            at = next;
        }
        path
    }
}
