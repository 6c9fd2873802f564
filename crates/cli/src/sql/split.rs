//! split: a lexical SQL splitter — a `;` outside quotes and comments ends a statement.
//!
//! Knows `'…'` strings and `"…"` identifiers (a doubled quote stays inside), `-- …` line comments
//! and `/* … */` block comments. It does not parse SQL: the engine does.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Code,
    Single,
    Double,
    Line,
    Block,
}

/// What one pass over some SQL text found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scan {
    /// Byte ranges of the statements: from their first code character (leading comments and
    /// whitespace left out) to their last one before the `;` (the `;` left out).
    pub statements: Vec<Range<usize>>,
    /// Whether the text ends outside any quote or block comment with no code after the last `;`:
    /// nothing is waiting for more lines.
    pub complete: bool,
}

/// Scans `sql` once.
pub fn scan(sql: &str) -> Scan {
    let bytes = sql.as_bytes();
    let mut state = State::Code;
    let mut statements = Vec::new();
    // First and one-past-last byte of code in the current statement.
    let mut code: Option<Range<usize>> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let next = bytes.get(i + 1).copied();
        match state {
            State::Code => match b {
                b';' => {
                    statements.extend(code.take());
                }
                b'\'' => {
                    state = State::Single;
                    mark(&mut code, i, 1);
                }
                b'"' => {
                    state = State::Double;
                    mark(&mut code, i, 1);
                }
                b'-' if next == Some(b'-') => {
                    state = State::Line;
                    i += 1;
                }
                b'/' if next == Some(b'*') => {
                    state = State::Block;
                    i += 1;
                }
                b if b.is_ascii_whitespace() => {}
                _ => mark(&mut code, i, 1),
            },
            State::Single | State::Double => {
                mark(&mut code, i, 1);
                let quote = if state == State::Single { b'\'' } else { b'"' };
                if b == quote {
                    state = State::Code;
                }
            }
            State::Line => {
                if b == b'\n' {
                    state = State::Code;
                }
            }
            State::Block => {
                if b == b'*' && next == Some(b'/') {
                    state = State::Code;
                    i += 1;
                }
            }
        }
        i += 1;
    }
    let complete = code.is_none() && matches!(state, State::Code | State::Line);
    statements.extend(code);
    Scan { statements, complete }
}

/// Extends the current statement's code range to byte `at` (every byte of a multi-byte character is
/// marked, so ranges end on character boundaries).
fn mark(code: &mut Option<Range<usize>>, at: usize, len: usize) {
    match code {
        Some(r) => r.end = at + len,
        None => *code = Some(at..at + len),
    }
}

/// The statements of `sql`, in order, without their `;` and without empty ones.
pub fn statements(sql: &str) -> Vec<String> {
    scan(sql).statements.into_iter().map(|r| sql[r].to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_on_semicolons_outside_quotes_and_comments() {
        let sql = "SELECT ';' AS \"a;b\"; -- x; y\nSELECT 2 /* ; */ ;\n\n;  SELECT 'it''s;'";
        assert_eq!(statements(sql), vec!["SELECT ';' AS \"a;b\"", "SELECT 2", "SELECT 'it''s;'"]);
        assert!(!scan(sql).complete, "the last statement has no ';'");
    }

    #[test]
    fn leading_comments_are_left_out_and_completeness_is_tracked() {
        let sql = "-- head\n/* block */ SELECT 1;\n-- trailing comment";
        let s = scan(sql);
        assert_eq!(s.statements, vec![20..28]);
        assert_eq!(&sql[20..28], "SELECT 1");
        assert!(s.complete);
        assert!(!scan("SELECT 'open;").complete);
        assert!(!scan("SELECT 1 /* open;").complete);
        assert!(scan("  -- only a comment").complete);
        assert!(scan("  -- only a comment").statements.is_empty());
    }

    #[test]
    fn multibyte_text_keeps_char_boundaries() {
        assert_eq!(statements("SELECT 'ΔR' AS ΔR;SELECT 'é'"), vec!["SELECT 'ΔR' AS ΔR", "SELECT 'é'"]);
    }
}
