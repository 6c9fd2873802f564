//! `hadron sql`: the interactive shell (stdin a terminal, no `-c`/`-f`), or statements from `-c`,
//! `-f FILE` or piped stdin run in order until the first failure; backslash commands work in all.

mod batch;
mod engine;
mod help;
mod meta;
mod nearest;
mod output;
mod progress;
mod reader;
mod session;
mod shell;
mod split;

use std::io::{BufRead, Write};
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use output::Format;
use session::Session;

/// Arguments of `hadron sql`.
#[derive(Debug, Args)]
pub struct SqlArgs {
    /// SQL to run: one or more statements separated by ';' (backslash commands on their own line).
    #[arg(short = 'c', long = "command", value_name = "SQL", conflicts_with = "file")]
    command: Option<String>,
    /// A file of statements ('--' comments; backslash commands on their own line).
    #[arg(short = 'f', long = "file", value_name = "FILE")]
    file: Option<PathBuf>,
    /// Result format: boxed table, CSV with a header, or JSON (one object per line).
    #[arg(long, value_enum, default_value_t = Format::Table)]
    format: Format,
    /// No "N rows in X s" / "OK" footers and no progress line.
    #[arg(short, long)]
    quiet: bool,
}

/// Runs `hadron sql`; `terminal` says which standard streams are terminals.
pub async fn run(args: SqlArgs, terminal: crate::Terminal, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    let mut session = Session::new(args.format, args.quiet, terminal.stderr);
    if let Some(sql) = &args.command {
        return batch::run(&mut session, sql.lines().map(|l| Ok(l.to_string())), "-c", out, err).await;
    }
    if let Some(path) = &args.file {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let source = path.display().to_string();
        return batch::run(&mut session, text.lines().map(|l| Ok(l.to_string())), &source, out, err).await;
    }
    if terminal.stdin {
        return shell::run(&mut session, out, err).await;
    }
    let stdin = std::io::stdin().lock();
    batch::run(&mut session, stdin.lines(), "stdin", out, err).await
}
