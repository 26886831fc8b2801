//! "Did you mean …?": the nearest of the defined names to a misspelt one, for the help
//! line of any diagnostic that names something undefined.

/// "did you mean" for a misspelt name, or the list of the defined ones (each once).
pub fn suggest<'a>(wrong: &str, names: impl Iterator<Item = &'a str>) -> String {
    let mut names: Vec<&str> = names.collect();
    let mut seen = Vec::new();
    names.retain(|n| {
        let first = !seen.contains(n);
        seen.push(*n);
        first
    });
    match closest(wrong, names.iter().copied()) {
        Some(name) => format!("did you mean `{name}`?"),
        None => format!("the defined ones are: {}", names.join(", ")),
    }
}

/// The name at most two edits from `wrong`, the nearest first.
pub fn closest<'a>(wrong: &str, names: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    names
        .map(|n| (edit_distance(wrong, n), n))
        .filter(|&(d, _)| d <= 2)
        .min_by_key(|&(d, _)| d)
        .map(|(_, n)| n)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_names_are_suggested_and_lists_name_each_once() {
        assert_eq!(
            suggest("planet", ["planets", "offer"].into_iter()),
            "did you mean `planets`?"
        );
        assert_eq!(
            suggest("price", ["yes", "yes", "later"].into_iter()),
            "the defined ones are: yes, later"
        );
        assert_eq!(
            closest("expencive", ["buy", "expensive"].into_iter()),
            Some("expensive")
        );
    }
}
