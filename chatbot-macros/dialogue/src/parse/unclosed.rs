//! Unclosed strings and arrays. The TOML parser reads on past a missing `"` or `]` and
//! stops later, where it finds something it did not expect, and calls it a missing
//! comma; an author needs the line where the quote or bracket is missing instead. This
//! scans the text the way TOML reads it (strings, comments, brackets) and names the first
//! string or array that is left open.

use std::ops::Range;

/// A string or array left open, with where it starts and what to write to close it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unclosed {
    /// The opening quote or bracket (and, for a string, its text on that line).
    pub span: Range<usize>,
    pub message: String,
    pub help: String,
}

/// The first string or array of `text` left open at or before the line of byte `stop`
/// (where the parser gave up), if any.
pub fn find(text: &str, stop: usize) -> Option<Unclosed> {
    let stop_line = text.get(..stop.min(text.len()))?.matches('\n').count();
    // Open `[` and `{` of values, with where they are.
    let mut open: Vec<(char, usize)> = Vec::new();
    // Inside a multi-line string: its delimiter.
    let mut multiline: Option<&str> = None;
    let mut line_start = 0;
    for (number, line) in text.split('\n').enumerate() {
        if number > stop_line {
            return None;
        }
        let mut at = 0;
        if let Some(delimiter) = multiline {
            match line.find(delimiter) {
                Some(end) => {
                    multiline = None;
                    at = end + delimiter.len();
                }
                None => {
                    line_start += line.len() + 1;
                    continue;
                }
            }
        }
        let trimmed = line.trim_start();
        if at == 0 && is_header(trimmed) {
            if let Some(&('[', opened)) = open.last() {
                return Some(unclosed_array(text, opened, line_start));
            }
            // A table header ends every value before it.
            open.clear();
            line_start += line.len() + 1;
            continue;
        }
        if at == 0
            && matches!(open.last(), Some(('[', _)))
            && let Some((key, _)) = trimmed.split_once('=')
            && !key.trim().is_empty()
            && key
                .trim()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.')
            && let Some(&(_, opened)) = open.last()
        {
            // `key = ...` where an array element should be.
            return Some(unclosed_array(text, opened, line_start));
        }
        let bytes = line.as_bytes();
        while at < bytes.len() {
            let c = bytes[at];
            match c {
                b'#' => break,
                b'"' | b'\'' => {
                    let quote = c as char;
                    let triple = if c == b'"' { "\"\"\"" } else { "'''" };
                    if line[at..].starts_with(triple) {
                        match line[at + 3..].find(triple) {
                            Some(end) => at += 3 + end + 3,
                            None => {
                                multiline = Some(triple);
                                break;
                            }
                        }
                        continue;
                    }
                    let Some(close) = closing_quote(&line[at + 1..], quote) else {
                        return Some(unclosed_string(line, line_start, at));
                    };
                    let end = at + 1 + close + 1;
                    let after = line[end..].trim_start();
                    if after
                        .chars()
                        .next()
                        .is_some_and(|n| n.is_alphanumeric() || n == '"' || n == '\'')
                    {
                        // `"yeah, "yep"`: a quote is missing inside, so this string ends
                        // where the next one should begin.
                        return Some(closed_early(line, line_start, at, end));
                    }
                    at = end;
                    continue;
                }
                b'[' | b'{' => open.push((c as char, line_start + at)),
                b']' | b'}' => {
                    let opening = if c == b']' { '[' } else { '{' };
                    if open.last().is_some_and(|&(o, _)| o == opening) {
                        open.pop();
                    }
                }
                _ => {}
            }
            at += 1;
        }
        line_start += line.len() + 1;
    }
    None
}

/// A table header such as `[steps.welcome]` or `[[x]]`: a bare first key, then dotted keys.
fn is_header(line: &str) -> bool {
    let Some(rest) = line.strip_prefix('[') else {
        return false;
    };
    let rest = rest.strip_prefix('[').unwrap_or(rest).trim_start();
    let Some((path, after)) = rest.split_once(']') else {
        return false;
    };
    let after = after.strip_prefix(']').unwrap_or(after).trim();
    let first = path.split('.').next().unwrap_or_default().trim();
    !first.is_empty()
        && first
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
        && !path.contains(',')
        && (after.is_empty() || after.starts_with('#'))
}

/// Where the string that starts after its opening `quote` ends in `rest`, if on this line.
fn closing_quote(rest: &str, quote: char) -> Option<usize> {
    let mut escaped = false;
    for (i, c) in rest.char_indices() {
        match c {
            '\\' if quote == '"' && !escaped => {
                escaped = true;
                continue;
            }
            c if c == quote && !escaped => return Some(i),
            _ => {}
        }
        escaped = false;
    }
    None
}

fn unclosed_string(line: &str, line_start: usize, at: usize) -> Unclosed {
    let rest = line[at..].trim_end();
    let quote = &rest[..1];
    let body = &rest[1..];
    // `"of course] }`: the brackets and commas at the end belong after the string.
    let text = body.trim_end_matches([']', '}', ',', ' ', '\t']);
    let help = if text.len() < body.len() && !text.trim().is_empty() {
        format!(
            "end the text with `{quote}`: `{quote}{text}{quote}{}`",
            &body[text.len()..]
        )
    } else {
        format!("end the text with `{quote}` on this line")
    };
    Unclosed {
        span: line_start + at..line_start + at + rest.len(),
        message: format!("unclosed string: this text has no closing `{quote}`"),
        help,
    }
}

fn closed_early(line: &str, line_start: usize, at: usize, end: usize) -> Unclosed {
    let string = &line[at..end];
    let quote = &string[..1];
    let body = &string[1..string.len() - 1];
    let next: String = line[end..]
        .trim_start()
        .chars()
        .take_while(|&c| c != '"' && c != ',')
        .collect();
    let (span_end, help) = match body.split_once(',') {
        Some((text, _)) if !text.trim().is_empty() => (
            at + 1 + text.len(),
            format!(
                "close it after `{text}`, before the comma: `{quote}{text}{quote}, {quote}{}{quote}`",
                next.trim()
            ),
        ),
        _ => (
            end - 1,
            format!("a quote is missing near here: write each text as `{quote}...{quote}`"),
        ),
    };
    Unclosed {
        span: line_start + at..line_start + span_end,
        message: format!("unclosed string: this text has no closing `{quote}`"),
        help,
    }
}

fn unclosed_array(text: &str, opened: usize, stopped_line_start: usize) -> Unclosed {
    // The last line with content before the line where the parser stopped.
    let before = &text[..stopped_line_start.min(text.len())];
    let last = before
        .lines()
        .enumerate()
        .filter(|(_, l)| {
            let l = l.trim();
            !l.is_empty() && !l.starts_with('#')
        })
        .map(|(i, _)| i + 1)
        .last()
        .unwrap_or(1);
    Unclosed {
        span: opened..opened + 1,
        message: "unclosed array: this `[` has no closing `]`".into(),
        help: format!("add `]` after the array's last element, on line {last}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str, stop: &str) -> Option<Unclosed> {
        find(text, text.find(stop).unwrap_or(text.len()))
    }

    #[test]
    fn a_string_open_to_the_end_of_its_line() {
        let text = "a = [\"yes\", \"of course] }\nb = 1\n";
        let u = at(text, "b =").expect("found");
        assert_eq!(&text[u.span.clone()], "\"of course] }");
        assert_eq!(u.help, "end the text with `\"`: `\"of course\"] }`");
    }

    #[test]
    fn a_string_closed_where_the_next_begins() {
        let text = "a = [\"yes\", \"yeah, \"yep\", \"ok\"]\n";
        let u = at(text, "yep").expect("found");
        assert_eq!(&text[u.span.clone()], "\"yeah");
        assert!(u.help.contains("`\"yeah\", \"yep\"`"), "{}", u.help);
    }

    #[test]
    fn an_array_open_at_the_next_table() {
        let text = "[s]\nmessages = [\n  \"Hi\",\n  \"There\",\n\n[s.options]\nyes = \"Yes\"\n";
        let u = at(text, "[s.options]").expect("found");
        assert_eq!(u.span.start, text.find("[\n").unwrap_or_default());
        assert!(u.help.ends_with("on line 4"), "{}", u.help);
        assert!(u.message.starts_with("unclosed array"));
    }

    #[test]
    fn valid_toml_has_nothing_open() {
        let text = "# \"quoted\" [ in a comment\n[steps.\"a b\"]\nx = { a = \"x\", b = ['y'] }\n\
                    m = [\n  \"a # b\",\n  '''multi\nline''',\n  \"\"\"x\"\"\",\n]\n\"k\".d = \"\\\"\"\n";
        assert_eq!(find(text, text.len()), None);
    }

    #[test]
    fn only_before_the_stop() {
        let text = "a = 1 x\nb = \"open\n";
        assert_eq!(at(text, "x"), None);
        assert!(at(text, "open").is_some());
    }
}
