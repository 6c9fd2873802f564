//! shell: the interactive `hadron sql` — rustyline editing, history in `~/.hadron_history`
//! (`HADRON_HISTORY` overrides), prompts `hadron> ` / `     -> `, errors printed and the shell goes on.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use rustyline::Editor;
use rustyline::config::Config;
use rustyline::error::ReadlineError;
use rustyline::history::FileHistory;

use super::reader::{Item, Reader};
use super::session::{Flow, Session};

const PROMPT: &str = "hadron> ";
const CONTINUATION: &str = "     -> ";

/// Where the history lives: `$HADRON_HISTORY`, else `$HOME/.hadron_history`.
fn history_path() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HADRON_HISTORY") {
        return Some(PathBuf::from(p));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".hadron_history"))
}

/// Runs the shell until `\q` or end of input (Ctrl-D); Ctrl-C drops the statement being typed.
pub async fn run(session: &mut Session, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    let config = Config::builder().max_history_size(10_000)?.auto_add_history(false).build();
    let mut editor: Editor<(), FileHistory> = Editor::with_config(config).context("starting the line editor")?;
    let history = history_path();
    if let Some(path) = &history {
        // A first run has no history yet.
        let _ = editor.load_history(path);
    }
    writeln!(out, "hadron sql: statements end with ';'; \\? lists commands, \\q quits.")?;
    out.flush()?;
    let mut reader = Reader::new();
    // The statement being typed, one line per history entry.
    let mut entry = String::new();
    loop {
        let prompt = if reader.is_pending() { CONTINUATION } else { PROMPT };
        let items = match editor.readline(prompt) {
            Ok(line) => {
                if !entry.is_empty() {
                    entry.push(' ');
                }
                entry.push_str(line.trim());
                let items = reader.push_line(&line);
                if !reader.is_pending() && !entry.trim().is_empty() {
                    let _ = editor.add_history_entry(std::mem::take(&mut entry));
                }
                items
            }
            Err(ReadlineError::Interrupted) => {
                reader = Reader::new();
                entry.clear();
                continue;
            }
            Err(ReadlineError::Eof) => {
                let items = reader.finish().unwrap_or_default();
                run_items(session, &items, out, err).await;
                break;
            }
            Err(e) => return Err(e).context("reading a line"),
        };
        match items {
            Ok(items) => {
                if run_items(session, &items, out, err).await == Flow::Quit {
                    break;
                }
            }
            Err(e) => writeln!(err, "error: {}", crate::report::describe(&e))?,
        }
    }
    if let Some(path) = &history
        && let Err(e) = editor.save_history(path)
    {
        writeln!(err, "hadron: cannot save the history to {}: {e}", path.display())?;
    }
    Ok(())
}

/// Runs `items`, printing each failure and going on; stops at `\q`.
async fn run_items(session: &mut Session, items: &[Item], out: &mut dyn Write, err: &mut dyn Write) -> Flow {
    for item in items {
        match session.run(item, out, err).await {
            Ok(Flow::Quit) => return Flow::Quit,
            Ok(Flow::Continue) => {}
            Err(e) => {
                let _ = writeln!(err, "error: {}", crate::report::describe(&e));
            }
        }
    }
    Flow::Continue
}
