//! nearest: the known names closest to a missing one (edit distance), for "did you mean" messages.

/// Up to `n` of `known` nearest to `name` (case-insensitive edit distance at most a third of the
/// name's length, at least 2), closest first; ties in name order.
pub fn nearest<'a>(name: &str, known: impl IntoIterator<Item = &'a str>, n: usize) -> Vec<String> {
    let name = name.to_lowercase();
    let limit = (name.chars().count() / 3).max(2);
    let mut scored: Vec<(usize, String)> = known
        .into_iter()
        .map(|k| (distance(&name, &k.to_lowercase()), k.to_string()))
        .filter(|(d, _)| *d <= limit)
        .collect();
    scored.sort();
    scored.dedup();
    scored.into_iter().take(n).map(|(_, k)| k).collect()
}

/// Levenshtein distance over characters.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diag = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let next = (diag + usize::from(ca != *cb)).min(row[j] + 1).min(row[j + 1] + 1);
            diag = row[j + 1];
            row[j + 1] = next;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_by_hand() {
        assert_eq!(distance("kitten", "sitting"), 3);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("ΔR", "ΔR"), 0);
    }

    #[test]
    fn closest_first_within_the_limit() {
        let known = ["events", "event", "muons", "jets"];
        assert_eq!(nearest("Evnts", known, 3), vec!["events", "event"]);
        assert!(nearest("zzzzzz", known, 3).is_empty());
    }
}
