//! Words a visitor did not type as listed: one typo (an edit) away, a letter doubled by
//! mistake ("nooo" for "no"), or drawn out for emphasis ("yesss").

/// Whether `word` has the same letter twice in a row.
pub(super) fn has_double(word: &str) -> bool {
    let mut chars = word.chars();
    let mut last = chars.next();
    for c in chars {
        if last == Some(c) {
            return true;
        }
        last = Some(c);
    }
    false
}

/// `text` with every run of one letter three times or more written once (`goooo` ->
/// `go`); a letter written twice stays (`good`). `None` when there is no such run.
pub(super) fn calm(text: &str) -> Option<String> {
    let mut run = (None, 0);
    let drawn_out = text.chars().any(|c| {
        run = if run.0 == Some(c) {
            (run.0, run.1 + 1)
        } else {
            (Some(c), 1)
        };
        run.1 >= 3 && c.is_alphabetic()
    });
    if !drawn_out {
        return None;
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let run = chars[i..].iter().take_while(|&&c| c == chars[i]).count();
        let keep = if run >= 3 && chars[i].is_alphabetic() {
            1
        } else {
            run
        };
        out.extend(std::iter::repeat_n(chars[i], keep));
        i += run;
    }
    Some(out)
}

/// `word` with every run of one letter written once (`nooo` -> `no`).
pub(super) fn squeeze(word: &str) -> String {
    let mut out = String::with_capacity(word.len());
    for c in word.chars() {
        if !out.ends_with(c) {
            out.push(c);
        }
    }
    out
}

/// Whether `a` becomes `b` by one insertion, deletion, substitution or swap of two
/// neighbours (not zero: equal words matched already). No allocation: it runs for many
/// phrases on every unmatched message.
pub(super) fn one_edit_apart(a: &str, b: &str) -> bool {
    fn skip(s: &str) -> &str {
        let mut c = s.chars();
        c.next();
        c.as_str()
    }
    let (mut x, mut y) = (a.chars(), b.chars());
    // Past the common beginning.
    loop {
        let (cx, cy) = (x.clone().next(), y.clone().next());
        match (cx, cy) {
            (Some(p), Some(q)) if p == q => {
                x.next();
                y.next();
            }
            _ => break,
        }
    }
    let (ra, rb) = (x.as_str(), y.as_str());
    let (la, lb) = (ra.chars().count(), rb.chars().count());
    match la.cmp(&lb) {
        std::cmp::Ordering::Equal if la == 0 => false,
        std::cmp::Ordering::Equal => {
            skip(ra) == skip(rb) || {
                // Two neighbours swapped: `xy…` against `yx…`.
                let (mut p, mut q) = (ra.chars(), rb.chars());
                let (a0, a1, b0, b1) = (p.next(), p.next(), q.next(), q.next());
                a1.is_some() && a0 == b1 && a1 == b0 && p.as_str() == q.as_str()
            }
        }
        std::cmp::Ordering::Greater => skip(ra) == rb,
        std::cmp::Ordering::Less => ra == skip(rb),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_edit_is_an_insertion_a_deletion_a_substitution_or_a_swap() {
        for (a, b, apart) in [
            ("abcde", "abcdf", true),
            ("abcde", "abcde", false),
            ("abcde", "bacde", true),
            ("abcde", "abced", true),
            ("abcde", "abcd", true),
            ("abcd", "abcde", true),
            ("abcde", "xbcde", true),
            ("abcde", "axcye", false),
            ("abcde", "edcba", false),
            ("жёлтый", "жолтый", true),
        ] {
            assert_eq!(one_edit_apart(a, b), apart, "{a} {b}");
        }
    }

    #[test]
    fn only_a_letter_three_times_or_more_is_drawn_out() {
        assert_eq!(calm("lets goooo"), Some("lets go".into()));
        assert_eq!(calm("good yess"), None);
        assert_eq!(calm("111"), None);
    }
}
