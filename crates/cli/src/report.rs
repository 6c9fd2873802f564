//! report: an error and its causes on one line, each cause once.
//!
//! DataFusion's errors often print their source inside their own text (`Schema error: No field named x`, whose
//! source says `No field named x`), so anyhow's `{:#}` repeated the same sentence two or three times.

/// `error: cause: cause …`, leaving out a cause whose text is already part of the line.
pub fn describe(error: &anyhow::Error) -> String {
    let mut line = String::new();
    for cause in error.chain() {
        let text = cause.to_string();
        if line.contains(text.as_str()) {
            continue;
        }
        if !line.is_empty() {
            line.push_str(": ");
        }
        line.push_str(&text);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug)]
    struct Wrapped(&'static str, std::io::Error);

    impl std::fmt::Display for Wrapped {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            write!(f, "{}: {}", self.0, self.1)
        }
    }

    impl std::error::Error for Wrapped {
        fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
            Some(&self.1)
        }
    }

    #[test]
    fn a_cause_already_in_the_text_is_left_out() {
        let inner = std::io::Error::other("No field named met_pt");
        let e = anyhow::Error::new(Wrapped("Schema error", inner)).context("statement 4 at line 4");
        assert_eq!(describe(&e), "statement 4 at line 4: Schema error: No field named met_pt");
        assert_eq!(format!("{e:#}").matches("No field named").count(), 2, "anyhow's own form repeats it");
    }

    #[test]
    fn distinct_causes_are_all_kept() {
        let e = anyhow::anyhow!("disk full").context("writing shard 3").context("COPY");
        assert_eq!(describe(&e), "COPY: writing shard 3: disk full");
    }
}
