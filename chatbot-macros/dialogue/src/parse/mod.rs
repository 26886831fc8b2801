//! TOML in, raw values with spans out: the one place a catalogue file is parsed. A
//! syntax mistake becomes one diagnostic worded for an author ([`syntax`]); everything
//! after this is a rule over the [`raw`] values.

mod raw;
mod syntax;
mod unclosed;

use indexmap::IndexMap;
use toml::Spanned;

use crate::diagnostic::{Errors, Source};

pub use raw::*;

/// A TOML table whose keys and values keep where they were written.
pub type Map<T> = Spanned<IndexMap<Spanned<String>, Spanned<T>>>;

/// Parses `source` as `T`; on a mistake, records one diagnostic and returns `None`.
pub fn parse<T: serde::de::DeserializeOwned>(source: &Source, errors: &mut Errors) -> Option<T> {
    match toml::from_str::<T>(&source.text) {
        Ok(value) => Some(value),
        Err(e) => {
            let span = e.span().unwrap_or(0..0);
            let message = e.message().trim_end().replace('\n', " ");
            if message == "duplicate key"
                && let Some((message, help)) = syntax::duplicate(&source.text, span.clone())
            {
                errors.at(source, span, message, help);
                return None;
            }
            let about_data = [
                "unknown field",
                "missing field",
                "invalid type",
                "invalid value",
            ]
            .iter()
            .any(|m| message.starts_with(m));
            if !about_data && let Some(u) = unclosed::find(&source.text, span.start) {
                errors.at(source, u.span, u.message, u.help);
                return None;
            }
            if message.starts_with("missing comma between array elements")
                && let Some(end) = syntax::end_of_previous_line(&source.text, span.start)
            {
                // The parser stops at the next element; the comma is missing where the
                // element before it ends.
                let help = "add `,` at the end of this line, after the element";
                errors.at(source, end..end + 1, message, help.into());
                return None;
            }
            let help = if message.starts_with("unknown field") {
                "remove the key or correct its spelling".to_owned()
            } else if message.starts_with("missing field") {
                "add the missing key; see dialogues/README.md for the format".to_owned()
            } else {
                "see dialogues/README.md for the format of dialogue files".to_owned()
            };
            errors.at(source, span, message, help);
            None
        }
    }
}
