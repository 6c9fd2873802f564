//! reader: TFRecord files of Examples → Arrow `RecordBatch`es following a feature spec.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use prost::Message;

use crate::error::{Error, Result};
use crate::example::Example;
use crate::from_example::{ExampleBatchBuilder, FeatureSpec, RecordOrigin, spec_schema};
use crate::record::{Compression, RecordReader};

/// Reads Examples from one TFRecord stream, `batch_size` rows per batch.
pub struct ExampleReader<R: Read> {
    records: RecordReader<R>,
    builder: ExampleBatchBuilder,
    schema: SchemaRef,
    batch_size: usize,
    buf: Vec<u8>,
}

impl<R: Read> std::fmt::Debug for ExampleReader<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExampleReader").field("records", &self.records).field("batch_size", &self.batch_size).finish()
    }
}

impl ExampleReader<BufReader<File>> {
    /// Opens `path`.
    pub fn open(
        path: impl AsRef<Path>,
        compression: Compression,
        specs: &[FeatureSpec],
        batch_size: usize,
    ) -> Result<Self> {
        Ok(ExampleReader::new(RecordReader::open(path, compression)?, specs, batch_size))
    }
}

impl<R: Read> ExampleReader<R> {
    /// Reads Examples from `records`.
    pub fn new(records: RecordReader<R>, specs: &[FeatureSpec], batch_size: usize) -> Self {
        ExampleReader {
            records,
            builder: ExampleBatchBuilder::new(specs),
            schema: spec_schema(specs),
            batch_size: batch_size.max(1),
            buf: Vec::new(),
        }
    }

    /// The schema of every batch.
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// The next batch (at most `batch_size` rows), or `None` when the stream is done.
    pub fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        while self.builder.rows() < self.batch_size {
            let record = self.records.records();
            let Some(offset) = self.records.read_record(&mut self.buf)? else { break };
            let ex = Example::decode(self.buf.as_slice()).map_err(|e| Error::Corrupt {
                file: self.records.label().to_string(),
                offset,
                what: format!("record {record} is not a tf.train.Example: {e}"),
            })?;
            self.builder.push(&ex, RecordOrigin { file: self.records.label(), record, offset })?;
        }
        if self.builder.rows() == 0 { Ok(None) } else { self.builder.finish().map(Some) }
    }
}

impl<R: Read> Iterator for ExampleReader<R> {
    type Item = Result<RecordBatch>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_batch().transpose()
    }
}
