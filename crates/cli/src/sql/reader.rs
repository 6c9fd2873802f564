//! reader: input lines → items to run: SQL statements (run when a line ends them with `;`, or at the
//! end of the input) and backslash commands (a line starting with `\` outside a statement).

use anyhow::Result;

use super::{engine, split};

/// One thing to run, with the 1-based line it starts on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Item {
    /// One SQL statement, without its `;`.
    Sql { text: String, line: usize },
    /// A backslash command line, trimmed (e.g. `\d events`).
    Command { text: String, line: usize },
}

impl Item {
    /// The line the item starts on.
    pub fn line(&self) -> usize {
        match self {
            Item::Sql { line, .. } | Item::Command { line, .. } => *line,
        }
    }

    /// The item's text.
    pub fn text(&self) -> &str {
        match self {
            Item::Sql { text, .. } | Item::Command { text, .. } => text,
        }
    }
}

/// Collects lines until they hold complete statements.
#[derive(Debug, Default)]
pub struct Reader {
    buffer: String,
    /// Line number of the buffer's first line.
    start: usize,
    /// Lines read so far.
    lines: usize,
}

impl Reader {
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a statement has begun and waits for more lines (the shell's continuation prompt).
    pub fn is_pending(&self) -> bool {
        let scan = split::scan(&self.buffer);
        !scan.statements.is_empty() || !scan.complete
    }

    /// Reads one line (without its newline); returns the items it completes.
    pub fn push_line(&mut self, line: &str) -> Result<Vec<Item>> {
        self.lines += 1;
        if !self.is_pending() && line.trim_start().starts_with('\\') {
            self.buffer.clear();
            return Ok(vec![Item::Command { text: line.trim().to_string(), line: self.lines }]);
        }
        if self.buffer.is_empty() {
            self.start = self.lines;
        }
        self.buffer.push_str(line);
        self.buffer.push('\n');
        let scan = split::scan(&self.buffer);
        if !scan.complete {
            return Ok(Vec::new());
        }
        if scan.statements.is_empty() {
            // Only blank lines and comments so far: nothing to keep them for.
            self.buffer.clear();
            return Ok(Vec::new());
        }
        self.take()
    }

    /// The end of the input: the unfinished statement, if any (it runs without its `;`).
    pub fn finish(&mut self) -> Result<Vec<Item>> {
        self.take()
    }

    /// Splits the buffer into statements and empties it.
    fn take(&mut self) -> Result<Vec<Item>> {
        let text = std::mem::take(&mut self.buffer);
        let mut items = Vec::new();
        let mut from = 0;
        for stmt in engine::split(&text)? {
            let line = match text[from..].find(stmt.as_str()) {
                Some(at) => {
                    let at = from + at;
                    from = at + stmt.len();
                    self.start + text[..at].matches('\n').count()
                }
                None => self.start,
            };
            items.push(Item::Sql { text: stmt, line });
        }
        Ok(items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Vec<Item> {
        let mut r = Reader::new();
        let mut items = Vec::new();
        for line in text.lines() {
            items.extend(r.push_line(line).unwrap());
        }
        items.extend(r.finish().unwrap());
        items
    }

    fn sql(text: &str, line: usize) -> Item {
        Item::Sql { text: text.into(), line }
    }

    #[test]
    fn statements_carry_the_line_they_start_on() {
        let items = read("-- head\nSELECT 1;\n\nSELECT\n  2; SELECT 3;\nSELECT 4");
        assert_eq!(items, vec![sql("SELECT 1", 2), sql("SELECT\n  2", 4), sql("SELECT 3", 5), sql("SELECT 4", 6)]);
    }

    #[test]
    fn backslash_lines_are_commands_only_outside_statements() {
        let items = read("\\d\nSELECT 'a\n\\d' AS x;\n  \\h abs  ");
        assert_eq!(
            items,
            vec![
                Item::Command { text: "\\d".into(), line: 1 },
                sql("SELECT 'a\n\\d' AS x", 2),
                Item::Command { text: "\\h abs".into(), line: 4 },
            ]
        );
    }

    #[test]
    fn pending_tracks_open_statements() {
        let mut r = Reader::new();
        assert!(!r.is_pending());
        assert!(r.push_line("SELECT").unwrap().is_empty());
        assert!(r.is_pending());
        assert_eq!(r.push_line("1;").unwrap(), vec![sql("SELECT\n1", 1)]);
        assert!(!r.is_pending());
        assert!(r.push_line("-- just a comment").unwrap().is_empty());
        assert!(!r.is_pending());
    }
}
