//! `chatbot graph <report>`: a report's dialogue as Mermaid or dot, from the same
//! parser the compiler uses, run over the dialogue files compiled into the binary.

use std::path::Path;

use chatbot_dialogue::graph::Format;
use chatbot_dialogue::{Source, compile_sources};

use crate::catalogue::SOURCES;
use crate::config::GraphFormat;

#[derive(Debug, thiserror::Error)]
pub enum GraphError {
    #[error("the dialogues do not compile:\n{0}")]
    Dialogues(#[from] chatbot_dialogue::Error),
    #[error("no report `{0}` in the catalogue")]
    UnknownReport(String),
    #[error("report `{report}` has no variant `{variant}`; its variants: {known}")]
    UnknownVariant {
        report: String,
        variant: String,
        known: String,
    },
}

/// The graph of `report` (its `variant`, or its own dialogue), from `dir` if given, else
/// from the compiled-in catalogue.
pub fn render(
    report: &str,
    variant: Option<&str>,
    format: GraphFormat,
    dir: Option<&Path>,
) -> Result<String, GraphError> {
    let catalogue = match dir {
        Some(dir) => chatbot_dialogue::load(dir, dir)?,
        None => {
            let sources: Vec<Source> = SOURCES
                .iter()
                .map(|(name, bytes)| Source {
                    display: (*name).to_owned(),
                    text: String::from_utf8_lossy(bytes).into_owned(),
                })
                .collect();
            compile_sources(&sources)?
        }
    };
    let found = catalogue
        .reports
        .iter()
        .find(|r| r.id == report)
        .ok_or_else(|| GraphError::UnknownReport(report.to_owned()))?;
    let found = match variant {
        None => found,
        Some(name) => std::iter::once(found)
            .chain(&found.variants)
            .find(|d| d.variant == name)
            .ok_or_else(|| GraphError::UnknownVariant {
                report: report.to_owned(),
                variant: name.to_owned(),
                known: std::iter::once(found)
                    .chain(&found.variants)
                    .map(|d| d.variant.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            })?,
    };
    let format = match format {
        GraphFormat::Mermaid => Format::Mermaid,
        GraphFormat::Dot => Format::Dot,
    };
    Ok(chatbot_dialogue::graph::render(found, format))
}
