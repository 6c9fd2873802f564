//! sink: writes the rows of a query as `tf.train.Example` records — one file (`x.tfrecord`) or N
//! shards `part-0000i-of-0000N.tfrecord` in a directory, rows dealt round-robin — each under a
//! temporary name renamed when complete, so a failed or killed query leaves no partial shard.

use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::datasource::physical_plan::FileSinkConfig;
use datafusion::datasource::sink::DataSink;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::{SendableRecordBatchStream, TaskContext};
use datafusion::physical_plan::{DisplayAs, DisplayFormatType};
use futures::StreamExt;
use hadron_tfrecord::{ExampleFileWriter, ShardWriter};

use super::file_format::TfRecordOptions;

/// Where the records go.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Target {
    /// One file.
    File(PathBuf),
    /// A directory of shards.
    Shards(PathBuf, usize),
}

/// The TFRecord sink of one `COPY … STORED AS TFRECORD`.
#[derive(Debug)]
pub struct TfRecordSink {
    schema: SchemaRef,
    target: Target,
    options: TfRecordOptions,
}

impl TfRecordSink {
    /// A sink writing to the local path of `config` (a `.tfrecord` file or a directory).
    pub fn new(config: FileSinkConfig, options: TfRecordOptions) -> Result<Self> {
        let url = &config.table_paths[0];
        if url.scheme() != "file" {
            return Err(DataFusionError::NotImplemented(format!(
                "TFRecord output to {}: only local paths are written (write locally, then copy)",
                config.original_url
            )));
        }
        let path = PathBuf::from(format!("/{}", url.prefix()));
        let single = config.original_url.ends_with(".tfrecord") || config.original_url.ends_with(".tfrecord.gz");
        let target = match (single, options.shards) {
            (true, None) => Target::File(path),
            (true, Some(_)) => {
                return Err(DataFusionError::Configuration(format!(
                    "{}: 'shards' needs a directory target ('dir/'), not a file name",
                    config.original_url
                )));
            }
            (false, n) => Target::Shards(path, n.unwrap_or(1)),
        };
        Ok(TfRecordSink { schema: config.output_schema.clone(), target, options })
    }
}

fn tf_err(e: hadron_tfrecord::Error) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

/// A file or a set of shards being written.
enum Writer {
    File(ExampleFileWriter),
    Shards(ShardWriter),
}

#[async_trait]
impl DataSink for TfRecordSink {
    fn schema(&self) -> &SchemaRef {
        &self.schema
    }

    async fn write_all(&self, mut data: SendableRecordBatchStream, _context: &Arc<TaskContext>) -> Result<u64> {
        let compression = self.options.compression;
        let mut writer = match &self.target {
            Target::File(p) => {
                if let Some(dir) = p.parent() {
                    std::fs::create_dir_all(dir).map_err(DataFusionError::IoError)?;
                }
                Writer::File(ExampleFileWriter::create(p.clone(), compression).map_err(tf_err)?)
            }
            Target::Shards(dir, n) => Writer::Shards(ShardWriter::create(dir, *n, compression).map_err(tf_err)?),
        };
        let mut rows = 0u64;
        while let Some(batch) = data.next().await {
            let batch = batch?;
            rows += batch.num_rows() as u64;
            match &mut writer {
                Writer::File(w) => w.write_batch(&batch),
                Writer::Shards(w) => w.write_batch(&batch),
            }
            .map_err(tf_err)?;
        }
        match writer {
            Writer::File(w) => w.finish().map(|_| ()),
            Writer::Shards(w) => w.finish().map(|_| ()),
        }
        .map_err(tf_err)?;
        Ok(rows)
    }
}

impl DisplayAs for TfRecordSink {
    fn fmt_as(&self, _t: DisplayFormatType, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.target {
            Target::File(p) => write!(f, "TfRecordSink(file={})", p.display()),
            Target::Shards(d, n) => write!(f, "TfRecordSink(dir={}, shards={n})", d.display()),
        }
    }
}
