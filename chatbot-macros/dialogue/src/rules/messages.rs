//! Message texts wherever they are written (steps, asides, the post-payment dialogue):
//! not empty, placeholders known where they can be filled, no message twice in a row.

use toml::Spanned;

use crate::diagnostic::{Diagnostic, Errors, Source};
use crate::model::Text;
use crate::text::{self, Piece};

pub fn check_text(
    source: &Source,
    text: &Spanned<String>,
    placeholders: bool,
    errors: &mut Errors,
) -> Option<Text> {
    let value = text.get_ref();
    if value.trim().is_empty() {
        errors.at(
            source,
            text.span(),
            "empty message text".into(),
            "write the message or remove it".into(),
        );
        return None;
    }
    match text::parse(value) {
        Ok(pieces) if !placeholders && pieces.iter().any(|p| !matches!(p, Piece::Literal(_))) => {
            errors.at(
                source,
                text.span(),
                "the post-payment dialogue has no price or currency to show".into(),
                "remove `{price}` and `{currency}` from [success] and [failure] texts".into(),
            );
            None
        }
        Ok(pieces) => Some(Text {
            source: value.clone(),
            pieces,
        }),
        Err(e) => {
            // Point inside the string when it is written without escapes, else at the string.
            let span = text.span();
            let raw = source.text.get(span.clone()).unwrap_or_default();
            let span = if raw.len() == value.len() + 2 && &raw[1..raw.len() - 1] == value {
                span.start + 1 + e.offset..span.start + 1 + e.offset + e.len
            } else {
                span
            };
            errors.at(source, span, e.message, e.help);
            None
        }
    }
}

/// `placeholders`: whether `{price}` and `{currency}` are known where these are sent
/// (not in the post-payment dialogue, which has no price).
pub fn check_messages(
    source: &Source,
    list: &Spanned<Vec<Spanned<String>>>,
    what: &str,
    placeholders: bool,
    errors: &mut Errors,
) -> Vec<Text> {
    if list.get_ref().is_empty() {
        errors.at(
            source,
            list.span(),
            format!("{what} has no messages"),
            "a chunk needs at least one message: add one to the list".into(),
        );
    }
    for pair in list.get_ref().windows(2) {
        if let [first, second] = pair
            && first.get_ref().trim() == second.get_ref().trim()
            && !first.get_ref().trim().is_empty()
        {
            let line = Diagnostic::new(source, first.span(), "").line;
            errors.at(
                source,
                second.span(),
                format!("{what} sends the same message twice in a row"),
                format!("the message before it (line {line}) is the same: remove one of the two"),
            );
        }
    }
    list.get_ref()
        .iter()
        .filter_map(|t| check_text(source, t, placeholders, errors))
        .collect()
}
