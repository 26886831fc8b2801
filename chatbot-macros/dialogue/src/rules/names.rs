//! What a name may look like: report ids (URLs), step names (Rust variants) and option
//! ids, in one place for every rule that checks one.

/// Non-empty words of `a-z` and `0-9` joined by single `separator`s.
pub fn is_words(s: &str, separator: char) -> bool {
    s.split(separator).all(|word| {
        !word.is_empty()
            && word
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
    })
}

/// `new-job`: a report id, used in URLs.
pub fn is_slug(s: &str) -> bool {
    is_words(s, '-')
}

/// `ask_budget`: snake case without doubled or trailing `_`, so that the generated
/// CamelCase variant names (`AskBudget`) stay distinct.
pub fn is_step_name(s: &str) -> bool {
    s.bytes().next().is_some_and(|b| b.is_ascii_lowercase()) && is_words(s, '_')
}

pub fn is_option_id(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_' || b == b'-')
}
