//! hadron-cli: the `hadron` command line (`ls`, `convert`, `sql`), as a `run(args, out, err)` function.

mod convert;
mod input;
mod ls;
mod report;
mod sql;
mod train;

use std::io::{IsTerminal, Write};

use clap::{Parser, Subcommand};

/// Hadron: ROOT files to Arrow, Parquet and SQL.
#[derive(Debug, Parser)]
#[command(name = "hadron", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// List keys, trees and branches (with their Arrow types and entry counts) of ROOT files.
    Ls(ls::LsArgs),
    /// Convert TTrees of one or more ROOT files to one Parquet file.
    Convert(convert::ConvertArgs),
    /// Run SQL: an interactive shell, or statements from -c, -f FILE or piped stdin.
    Sql(sql::SqlArgs),
    /// Train a model on Parquet / TFRecord shards; writes model.onnx, metrics.json, roc.png.
    Train(train::TrainArgs),
}

/// Which standard streams are terminals: `hadron sql` starts its shell when stdin is one and draws
/// a progress line when stderr is one. [`run`] assumes neither.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Terminal {
    pub stdin: bool,
    pub stderr: bool,
}

impl Terminal {
    /// The process's own standard streams.
    pub fn detect() -> Self {
        Self { stdin: std::io::stdin().is_terminal(), stderr: std::io::stderr().is_terminal() }
    }
}

/// Runs the command line `args` (including the program name); returns the exit code.
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    run_with(args, Terminal::default(), out, err)
}

/// [`run`] with the standard streams' terminal status (the binary passes [`Terminal::detect`]).
pub fn run_with(args: &[String], terminal: Terminal, out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let text = e.render().ansi().to_string();
            let _ = if e.use_stderr() { write!(err, "{text}") } else { write!(out, "{text}") };
            return code;
        }
    };
    let result = match cli.command {
        // Training is synchronous (threads, and its own network runtime with --workers): no async context.
        Command::Train(a) => train::run(a, out),
        command => {
            let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
                Ok(r) => r,
                Err(e) => {
                    let _ = writeln!(err, "hadron: cannot start the async runtime: {e}");
                    return 1;
                }
            };
            runtime.block_on(async {
                match command {
                    Command::Ls(a) => ls::run(a, out).await,
                    Command::Convert(a) => convert::run(a, out, err).await,
                    Command::Sql(a) => sql::run(a, terminal, out, err).await,
                    Command::Train(a) => train::run(a, out),
                }
            })
        }
    };
    match result {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(err, "hadron: error: {}", report::describe(&e));
            1
        }
    }
}
