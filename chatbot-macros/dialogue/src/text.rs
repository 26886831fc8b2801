//! Texts with placeholders: `{price}`, `{currency}`, and `{{`/`}}` for literal braces.

/// A piece of a message text after placeholders are resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    Literal(String),
    /// The price, formatted for the locale at run time.
    Price,
    /// The currency string exactly as the client sent it.
    Currency,
}

/// The names a text may use, in the order `help:` lines list them.
pub const PLACEHOLDERS: &[&str] = &["price", "currency"];

/// What is wrong with a text, and at which byte offset of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextError {
    pub offset: usize,
    pub len: usize,
    pub message: String,
    pub help: String,
}

/// Splits `text` into literal pieces and placeholders.
pub fn parse(text: &str) -> Result<Vec<Piece>, TextError> {
    let help_names = || {
        let names: Vec<String> = PLACEHOLDERS.iter().map(|n| format!("{{{n}}}")).collect();
        format!(
            "the placeholders are {}; write {{{{ and }}}} for literal braces",
            names.join(" and ")
        )
    };
    let mut pieces = Vec::new();
    let mut literal = String::new();
    let mut rest = text.char_indices().peekable();
    while let Some((i, c)) = rest.next() {
        match c {
            '{' if rest.peek().map(|&(_, c)| c) == Some('{') => {
                rest.next();
                literal.push('{');
            }
            '}' if rest.peek().map(|&(_, c)| c) == Some('}') => {
                rest.next();
                literal.push('}');
            }
            '{' => {
                let Some(close) = text[i..].find('}') else {
                    return Err(TextError {
                        offset: i,
                        len: 1,
                        message: "unclosed `{` in text".into(),
                        help: help_names(),
                    });
                };
                let name = &text[i + 1..i + close];
                let piece = match name {
                    "price" => Piece::Price,
                    "currency" => Piece::Currency,
                    _ => {
                        return Err(TextError {
                            offset: i,
                            len: close + 1,
                            message: format!("unknown placeholder `{{{name}}}`"),
                            help: help_names(),
                        });
                    }
                };
                if !literal.is_empty() {
                    pieces.push(Piece::Literal(std::mem::take(&mut literal)));
                }
                pieces.push(piece);
                while rest.peek().is_some_and(|&(j, _)| j <= i + close) {
                    rest.next();
                }
            }
            '}' => {
                return Err(TextError {
                    offset: i,
                    len: 1,
                    message: "unmatched `}` in text".into(),
                    help: help_names(),
                });
            }
            c => literal.push(c),
        }
    }
    if !literal.is_empty() {
        pieces.push(Piece::Literal(literal));
    }
    Ok(pieces)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_braces() {
        assert_eq!(
            parse("Only {price} {currency} {{now}}").unwrap(),
            vec![
                Piece::Literal("Only ".into()),
                Piece::Price,
                Piece::Literal(" ".into()),
                Piece::Currency,
                Piece::Literal(" {now}".into()),
            ]
        );
        assert_eq!(parse("").unwrap(), vec![]);
    }

    #[test]
    fn mistakes_are_located() {
        let e = parse("Price: {prise}!").unwrap_err();
        assert_eq!(
            (e.offset, e.len, e.message.as_str()),
            (7, 7, "unknown placeholder `{prise}`")
        );
        assert_eq!(parse("a { b").unwrap_err().message, "unclosed `{` in text");
        assert_eq!(parse("a } b").unwrap_err().offset, 2);
        assert_eq!(
            parse("ё{}").unwrap_err().message,
            "unknown placeholder `{}`"
        );
    }
}
