//! session: runs items (SQL statements, backslash commands) one after another in one context, with
//! the output settings (`--format`, `--quiet`, `\timing`, the progress line).

use std::io::Write;
use std::time::{Duration, Instant};

use anyhow::Result;
use datafusion::arrow::array::RecordBatch;
use datafusion::prelude::SessionContext;
use futures::StreamExt;

use super::output::{Emitter, Format};
use super::progress::{Progress, TICK};
use super::reader::Item;
use super::{engine, meta};

/// Whether to go on after an item.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    /// `\q`: stop reading.
    Quit,
}

/// One `hadron sql` run: its context and output settings.
pub struct Session {
    pub ctx: SessionContext,
    pub format: Format,
    /// No footers ("N rows in …", "OK") and no progress line.
    pub quiet: bool,
    /// Footers carry the elapsed time (`\timing`).
    pub timing: bool,
    /// stderr is a terminal: draw the progress line.
    pub progress: bool,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session").field("session_id", &self.ctx.session_id()).finish_non_exhaustive()
    }
}

impl Session {
    pub fn new(format: Format, quiet: bool, progress: bool) -> Self {
        Self { ctx: engine::context(), format, quiet, timing: format == Format::Table, progress }
    }

    /// Runs one item.
    pub async fn run(&mut self, item: &Item, out: &mut dyn Write, err: &mut dyn Write) -> Result<Flow> {
        let flow = match item {
            Item::Sql { text, .. } => {
                self.sql(text, out, err).await?;
                Flow::Continue
            }
            Item::Command { text, .. } => meta::run(self, text, out).await?,
        };
        out.flush()?;
        Ok(flow)
    }

    /// Runs one statement, streaming its rows to `out`.
    async fn sql(&mut self, text: &str, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
        let start = Instant::now();
        let df = engine::run_statement(&self.ctx, text).await?;
        if engine::is_done(&df) {
            // DDL and SET ran while planning; their empty answer needs no physical plan.
            return self.footer(0, true, start.elapsed(), out, err);
        }
        let mut stream = df.execute_stream().await?;
        let mut emitter = Emitter::new(self.format, stream.schema());
        let mut progress = Progress::new(self.progress && !self.quiet, start);
        let mut tick = tokio::time::interval(TICK);
        loop {
            tokio::select! {
                next = stream.next() => match next {
                    Some(batch) => {
                        let batch = batch?;
                        progress.clear(err);
                        emitter.push(batch, out)?;
                    }
                    None => break,
                },
                _ = tick.tick() => progress.draw(emitter.rows(), err),
            }
        }
        progress.clear(err);
        let columnless = emitter.is_columnless();
        let rows = emitter.finish(out)?;
        self.footer(rows, columnless, start.elapsed(), out, err)
    }

    /// Writes `batch` (a backslash command's answer) in the session's format.
    pub fn emit(&self, batch: RecordBatch, out: &mut dyn Write) -> Result<()> {
        let mut emitter = Emitter::new(self.format, batch.schema());
        emitter.push(batch, out)?;
        emitter.finish(out)?;
        Ok(())
    }

    /// Table format, not quiet: "N rows in X.XXX s", or "OK in X.XXX s" for a statement without
    /// columns (the time left out when `\timing` is off). CSV and JSON keep stdout to the rows: with
    /// `\timing on` the time goes to stderr as "Time: X.XXXXXX s".
    fn footer(
        &self,
        rows: usize,
        columnless: bool,
        elapsed: Duration,
        out: &mut dyn Write,
        err: &mut dyn Write,
    ) -> Result<()> {
        if self.format != Format::Table {
            if self.timing {
                writeln!(err, "Time: {:.6} s", elapsed.as_secs_f64())?;
            }
            return Ok(());
        }
        if self.quiet {
            return Ok(());
        }
        let what = match (columnless, rows) {
            (true, _) => "OK".to_string(),
            (false, 1) => "1 row".to_string(),
            (false, n) => format!("{n} rows"),
        };
        if self.timing {
            writeln!(out, "{what} in {:.3} s", elapsed.as_secs_f64())?;
        } else {
            writeln!(out, "{what}")?;
        }
        Ok(())
    }
}
