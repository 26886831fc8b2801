//! Compile errors that read like rustc's: the headline, `--> file:line:col`, the offending
//! line with a caret under the mistake, and a `help:` line.
//!
//! A proc-macro span cannot point into a TOML file, so (like askama) the location travels
//! inside the message text and the span goes on the macro call.

use std::fmt;
use std::ops::Range;

/// One TOML file of the catalogue, kept in memory so diagnostics can quote it.
#[derive(Debug, Clone)]
pub struct Source {
    /// The path shown to authors, relative to the crate root (`dialogues/newjob/en.toml`).
    pub display: String,
    pub text: String,
}

/// A mistake in a dialogue, located in a source file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub message: String,
    pub file: String,
    /// 1-based line and column (in characters) of the start of the mistake.
    pub line: usize,
    pub column: usize,
    /// The whole offending line, and how many characters of it the caret underlines.
    pub snippet: String,
    pub width: usize,
    pub help: Option<String>,
}

impl Diagnostic {
    /// Locates `span` (byte offsets) in `source`; an empty or out-of-range span points at
    /// the nearest valid position, so a diagnostic never panics on odd input.
    pub fn new(source: &Source, span: Range<usize>, message: impl Into<String>) -> Self {
        let text = &source.text;
        let mut start = span.start.min(text.len());
        while !text.is_char_boundary(start) {
            start -= 1;
        }
        let line_start = text[..start].rfind('\n').map_or(0, |i| i + 1);
        let line_end = text[start..].find('\n').map_or(text.len(), |i| start + i);
        let snippet = text[line_start..line_end].trim_end_matches('\r').to_owned();
        let line = text[..start].matches('\n').count() + 1;
        let column = text[line_start..start].chars().count() + 1;
        let end = span.end.clamp(start, line_end);
        let width = text.get(start..end).map_or(1, |s| s.chars().count().max(1));
        Diagnostic {
            message: message.into(),
            file: source.display.clone(),
            line,
            column,
            snippet,
            width,
            help: None,
        }
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let number = self.line.to_string();
        let pad = " ".repeat(number.len());
        writeln!(f, "{}", self.message)?;
        writeln!(f, "{pad}--> {}:{}:{}", self.file, self.line, self.column)?;
        writeln!(f, "{pad} |")?;
        writeln!(f, "{number} | {}", self.snippet)?;
        let indent: String = self
            .snippet
            .chars()
            .take(self.column - 1)
            .map(|c| if c == '\t' { '\t' } else { ' ' })
            .collect();
        write!(f, "{pad} | {indent}{}", "^".repeat(self.width))?;
        if let Some(help) = &self.help {
            write!(f, "\n{pad} |\n{pad} = help: {help}")?;
        }
        Ok(())
    }
}

/// Collects diagnostics; every check pushes here and carries on.
pub(crate) struct Errors(pub(crate) Vec<Diagnostic>);

impl Errors {
    pub(crate) fn len(&self) -> usize {
        self.0.len()
    }

    pub(crate) fn at(
        &mut self,
        source: &Source,
        span: Range<usize>,
        message: String,
        help: String,
    ) {
        self.0
            .push(Diagnostic::new(source, span, message).help(help));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_like_rustc() {
        let source = Source {
            display: "dialogues/x/dialogue.toml".into(),
            text: "id = \"x\"\n[steps.a]\nnext = \"b\"\n".into(),
        };
        let d = Diagnostic::new(&source, 26..29, "step `a` leads to undefined step `b`")
            .help("define [steps.b]");
        assert_eq!(
            d.to_string(),
            "step `a` leads to undefined step `b`\n --> dialogues/x/dialogue.toml:3:8\n  |\n\
             3 | next = \"b\"\n  |        ^^^\n  |\n  = help: define [steps.b]"
        );
    }

    #[test]
    fn odd_spans_do_not_panic() {
        let source = Source {
            display: "f".into(),
            text: "é".into(),
        };
        #[allow(clippy::reversed_empty_ranges)]
        for span in [0..0, 1..1, 5..2, 0..100] {
            let d = Diagnostic::new(&source, span, "m");
            assert_eq!(d.line, 1);
            assert!(d.to_string().contains("f:1:"));
        }
    }
}
