//! Syntax mistakes in an author's words: the TOML parser knows where it stopped, not
//! what the author forgot, so these helpers look at the text around the error.

use std::ops::Range;

/// Where the last line with content before `at` ends, when `at` begins its own line
/// (only spaces before it); a `#` comment is not content.
pub(super) fn end_of_previous_line(text: &str, at: usize) -> Option<usize> {
    let line_start = text.get(..at)?.rfind('\n').map_or(0, |i| i + 1);
    if !text[line_start..at].trim().is_empty() {
        return None;
    }
    let mut end = line_start.checked_sub(1)?;
    loop {
        let start = text[..end].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end];
        let content = line[..comment_start(line)].trim_end();
        if !content.trim().is_empty() {
            return Some(start + content.len() - 1);
        }
        end = start.checked_sub(1)?;
    }
}

/// Where a `#` comment begins in `line` (outside quotes), or its length.
pub(super) fn comment_start(line: &str) -> usize {
    let (mut quote, mut escaped) = (None, false);
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some('"'), '\\') if !escaped => {
                escaped = true;
                continue;
            }
            (Some(q), c) if c == q && !escaped => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => return i,
            _ => {}
        }
        escaped = false;
    }
    line.len()
}

/// What a `duplicate key` at `span` is, in an author's words, with the line of the first
/// one: a step table written twice, another table, or a key twice in one table.
pub(super) fn duplicate(text: &str, span: Range<usize>) -> Option<(String, String)> {
    let line_start = text[..span.start.min(text.len())]
        .rfind('\n')
        .map_or(0, |i| i + 1);
    let line = text[line_start..].lines().next()?.trim();
    let header = line
        .strip_prefix('[')
        .and_then(|rest| rest.split_once(']'))
        .map(|(path, _)| path.trim())
        .filter(|path| !path.starts_with('['));
    let Some(header) = header else {
        let key = text.get(span)?.trim();
        return Some((
            format!("`{key}` is written twice in this table"),
            "keep one of them".into(),
        ));
    };
    let first = text.lines().position(|l| {
        l.trim()
            .strip_prefix('[')
            .and_then(|r| r.split_once(']'))
            .is_some_and(|(p, _)| p.trim() == header)
    })? + 1;
    let message = match header.strip_prefix("steps.") {
        Some(step) => format!("step `{step}` is defined twice"),
        None => format!("[{header}] is written twice"),
    };
    Some((
        message,
        format!(
            "its first [{header}] is on line {first}: merge the two, or give this one another name"
        ),
    ))
}
