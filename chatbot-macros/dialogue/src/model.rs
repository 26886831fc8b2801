//! The validated catalogue: what the code generator and the graph export consume.
//! Everything here is known to be consistent (every transition resolves, every text exists).

use crate::text::Piece;

/// A language every report is written in. The protocol fixes these three, with no fallback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LocaleDef {
    pub code: &'static str,
    /// Used when a price has cents: `19.99` in `en`, `19,99` in `ru` and `pl`.
    pub decimal_separator: char,
}

pub const LOCALES: &[LocaleDef] = &[
    LocaleDef {
        code: "ru",
        decimal_separator: ',',
    },
    LocaleDef {
        code: "en",
        decimal_separator: '.',
    },
    LocaleDef {
        code: "pl",
        decimal_separator: ',',
    },
];

#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    pub reports: Vec<Report>,
    /// Every file the catalogue was read from: its absolute path, so generated code can
    /// `include_bytes!` it and cargo rebuilds when it changes, and its name as shown.
    pub files: Vec<(std::path::PathBuf, String)>,
}

#[derive(Debug, Clone)]
pub struct Report {
    pub id: String,
    /// Index into `steps` of the first step for a new and for a returning visitor.
    pub start_new: usize,
    pub start_returning: usize,
    pub steps: Vec<Step>,
    /// One entry per `LOCALES` entry, in that order.
    pub texts: Vec<LocaleTexts>,
}

#[derive(Debug, Clone)]
pub struct Step {
    pub name: String,
    /// The step an answer without a (known) option leads to; `None` for the purchase.
    pub next: Option<usize>,
    pub options: Vec<QuickReply>,
    pub purchase: bool,
}

#[derive(Debug, Clone)]
pub struct QuickReply {
    pub id: String,
    pub next: usize,
}

#[derive(Debug, Clone)]
pub struct LocaleTexts {
    pub title: String,
    /// One entry per step, in `Report::steps` order.
    pub steps: Vec<StepTexts>,
    pub success: Success,
    pub failure: Vec<Text>,
}

#[derive(Debug, Clone)]
pub struct StepTexts {
    pub messages: Vec<Text>,
    /// One label per option, in `Step::options` order.
    pub options: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct Success {
    pub thanks: Vec<Text>,
    /// The message that carries `report_url`.
    pub link: Text,
    pub goodbye: Vec<Text>,
}

#[derive(Debug, Clone)]
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
