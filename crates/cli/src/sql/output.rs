//! output: record batches → `table` (boxed, printed once all rows are in), `csv` (a header, then
//! rows as they stream) or `json` (one object per row and line, nulls written out).

use std::io::Write;

use anyhow::{Context, Result};
use clap::ValueEnum;
use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::csv;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::arrow::json::{self, writer::LineDelimited};
use datafusion::arrow::util::pretty::pretty_format_batches_with_schema;

/// How results are written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Boxed table (all rows are gathered first).
    Table,
    /// Comma-separated values with a header line.
    Csv,
    /// One JSON object per line.
    Json,
}

/// Writes one result's batches in a format.
#[derive(Debug)]
pub struct Emitter {
    format: Format,
    schema: SchemaRef,
    /// Table format: the batches gathered so far.
    held: Vec<RecordBatch>,
    /// Csv format: whether the header is out.
    header_done: bool,
    rows: usize,
}

impl Emitter {
    pub fn new(format: Format, schema: SchemaRef) -> Self {
        Self { format, schema, held: Vec::new(), header_done: false, rows: 0 }
    }

    /// Whether the result has no columns at all (DDL, `SET`, …): nothing is written for it.
    pub fn is_columnless(&self) -> bool {
        self.schema.fields().is_empty()
    }

    /// Rows seen so far.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Writes (csv, json) or keeps (table) one batch.
    pub fn push(&mut self, batch: RecordBatch, out: &mut dyn Write) -> Result<()> {
        self.rows += batch.num_rows();
        match self.format {
            Format::Table => self.held.push(batch),
            Format::Csv => self.write_csv(&batch, out)?,
            Format::Json => {
                let mut w = json::WriterBuilder::new().with_explicit_nulls(true).build::<_, LineDelimited>(&mut *out);
                w.write(&batch).context("writing JSON lines")?;
                w.finish().context("writing JSON lines")?;
            }
        }
        Ok(())
    }

    /// Writes what is left (the table; a csv header when no row came); returns the number of rows.
    pub fn finish(mut self, out: &mut dyn Write) -> Result<usize> {
        if self.is_columnless() {
            return Ok(self.rows);
        }
        match self.format {
            Format::Table => {
                let table = pretty_format_batches_with_schema(self.schema.clone(), &self.held)
                    .context("formatting the result table")?;
                writeln!(out, "{table}")?;
            }
            Format::Csv if !self.header_done => {
                let empty = RecordBatch::new_empty(self.schema.clone());
                self.write_csv(&empty, out)?;
            }
            Format::Csv | Format::Json => {}
        }
        Ok(self.rows)
    }

    fn write_csv(&mut self, batch: &RecordBatch, out: &mut dyn Write) -> Result<()> {
        let mut w = csv::WriterBuilder::new().with_header(!self.header_done).build(&mut *out);
        w.write(batch).context("writing CSV")?;
        self.header_done = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use datafusion::arrow::array::{Int64Array, StringArray};
    use datafusion::arrow::datatypes::{DataType, Field, Schema};

    use super::*;

    fn batch() -> RecordBatch {
        let schema = Schema::new(vec![Field::new("n", DataType::Int64, true), Field::new("s", DataType::Utf8, true)]);
        RecordBatch::try_new(
            Arc::new(schema),
            vec![Arc::new(Int64Array::from(vec![Some(1), None])), Arc::new(StringArray::from(vec![Some("a,b"), None]))],
        )
        .unwrap()
    }

    fn emit(format: Format, batches: Vec<RecordBatch>) -> String {
        let mut out = Vec::new();
        let mut e = Emitter::new(format, batch().schema());
        for b in batches {
            e.push(b, &mut out).unwrap();
        }
        e.finish(&mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn csv_has_one_header_and_quotes_commas() {
        assert_eq!(emit(Format::Csv, vec![batch(), batch()]), "n,s\n1,\"a,b\"\n,\n1,\"a,b\"\n,\n");
        assert_eq!(emit(Format::Csv, vec![]), "n,s\n");
    }

    #[test]
    fn json_writes_one_object_per_row_with_nulls() {
        assert_eq!(emit(Format::Json, vec![batch()]), "{\"n\":1,\"s\":\"a,b\"}\n{\"n\":null,\"s\":null}\n");
        assert_eq!(emit(Format::Json, vec![]), "");
    }

    #[test]
    fn table_shows_the_header_even_without_rows() {
        assert_eq!(emit(Format::Table, vec![]), "+---+---+\n| n | s |\n+---+---+\n+---+---+\n");
    }
}
