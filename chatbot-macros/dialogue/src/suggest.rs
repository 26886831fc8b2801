//! "Did you mean …?": the nearest of the defined names to a misspelt one, for the help
//! line of any diagnostic that names something undefined.

/// "did you mean" for a misspelt name.
pub fn suggest<'a>(wrong: &str, names: impl Iterator<Item = &'a str>) -> String {
    let names: Vec<&str> = names.collect();
    let close = names
        .iter()
        .copied()
        .filter(|n| edit_distance(wrong, n) <= 2)
        .min_by_key(|n| edit_distance(wrong, n));
    match close {
        Some(name) => format!("did you mean `{name}`?"),
        None => format!("the defined ones are: {}", names.join(", ")),
    }
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
