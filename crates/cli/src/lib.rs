//! hadron-cli: the `hadron` command line (`ls`, `convert`), as a `run(args, out, err)` function.

mod convert;
mod input;
mod ls;
mod train;

use std::io::Write;

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
    /// Train a model on Parquet / TFRecord shards; writes model.onnx, metrics.json, roc.png.
    Train(train::TrainArgs),
}

/// Runs the command line `args` (including the program name); returns the exit code.
pub fn run(args: &[String], out: &mut dyn Write, err: &mut dyn Write) -> i32 {
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let text = e.render().ansi().to_string();
            let _ = if e.use_stderr() { write!(err, "{text}") } else { write!(out, "{text}") };
            return code;
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(r) => r,
        Err(e) => {
            let _ = writeln!(err, "hadron: cannot start the async runtime: {e}");
            return 1;
        }
    };
    let result = runtime.block_on(async {
        match cli.command {
            Command::Ls(a) => ls::run(a, out).await,
            Command::Convert(a) => convert::run(a, out, err).await,
            Command::Train(a) => train::run(a, out),
        }
    });
    match result {
        Ok(()) => 0,
        Err(e) => {
            let _ = writeln!(err, "hadron: error: {e:#}");
            1
        }
    }
}
