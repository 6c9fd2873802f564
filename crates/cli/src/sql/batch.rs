//! batch: statements from `-c`, `-f FILE` or piped stdin, run in order; the first failure stops the
//! run with an error naming the statement, its line and its first words.

use std::io::Write;

use anyhow::{Context, Result};

use super::reader::{Item, Reader};
use super::session::{Flow, Session};

/// Runs the items of `lines` (read from `source`: a file name, `-c` or `stdin`).
pub async fn run(
    session: &mut Session,
    lines: impl Iterator<Item = std::io::Result<String>>,
    source: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<()> {
    // A buffer: csv and json write row by row.
    let mut out = std::io::BufWriter::new(out);
    let mut reader = Reader::new();
    let mut count = 0;
    for (n, line) in lines.enumerate() {
        let line = line.with_context(|| format!("reading line {} of {source}", n + 1))?;
        for item in reader.push_line(&line)? {
            count += 1;
            if run_item(session, &item, count, source, &mut out, err).await? == Flow::Quit {
                return Ok(());
            }
        }
    }
    for item in reader.finish()? {
        count += 1;
        if run_item(session, &item, count, source, &mut out, err).await? == Flow::Quit {
            break;
        }
    }
    out.flush()?;
    Ok(())
}

async fn run_item(
    session: &mut Session,
    item: &Item,
    count: usize,
    source: &str,
    out: &mut dyn Write,
    err: &mut dyn Write,
) -> Result<Flow> {
    let result = session.run(item, out, err).await;
    // What was written before the failure goes out before the message.
    out.flush()?;
    result.with_context(|| format!("statement {count} at line {} of {source} ({})", item.line(), snippet(item.text())))
}

/// The statement's first line, cut to 60 characters.
fn snippet(text: &str) -> String {
    let first = text.lines().next().unwrap_or("").trim();
    let mut s: String = first.chars().take(60).collect();
    if s.len() < first.len() || text.trim().lines().count() > 1 {
        s.push_str(" …");
    }
    format!("`{s}`")
}

#[cfg(test)]
mod tests {
    use super::snippet;

    #[test]
    fn snippet_is_the_first_line_cut_short() {
        assert_eq!(snippet("SELECT 1"), "`SELECT 1`");
        assert_eq!(snippet("SELECT nope\n  FROM t"), "`SELECT nope …`");
        assert_eq!(snippet(&"x".repeat(70)), format!("`{} …`", "x".repeat(60)));
    }
}
