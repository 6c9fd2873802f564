//! file_format: the TFRECORD format of `COPY … STORED AS TFRECORD` (write side; options `shards`
//! and `compression`).

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::SchemaRef;
use datafusion::catalog::Session;
use datafusion::common::{GetExt, Statistics};
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use datafusion::datasource::file_format::{FileFormat, FileFormatFactory};
use datafusion::datasource::physical_plan::{FileScanConfig, FileSinkConfig, FileSource};
use datafusion::datasource::sink::DataSinkExec;
use datafusion::datasource::table_schema::TableSchema;
use datafusion::error::{DataFusionError, Result};
use datafusion::physical_expr::LexRequirement;
use datafusion::physical_plan::ExecutionPlan;
use hadron_tfrecord::Compression;
use object_store::{ObjectMeta, ObjectStore};

use super::sink::TfRecordSink;

/// Options of a TFRecord output.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TfRecordOptions {
    /// Number of shards of a directory output (rows dealt round-robin); `None`: one file when the
    /// target ends in `.tfrecord`, else one shard.
    pub shards: Option<usize>,
    /// Record compression.
    pub compression: Compression,
}

impl Default for TfRecordOptions {
    fn default() -> Self {
        TfRecordOptions { shards: None, compression: Compression::None }
    }
}

impl TfRecordOptions {
    /// Reads `shards` and `compression` (also as `format.*` / `tfrecord.*`); unknown keys are errors.
    pub fn from_map(options: &HashMap<String, String>) -> Result<Self> {
        let mut out = TfRecordOptions::default();
        for (k, v) in options {
            let key = k.strip_prefix("format.").or_else(|| k.strip_prefix("tfrecord.")).unwrap_or(k);
            match key.to_ascii_lowercase().as_str() {
                "shards" => {
                    let n: usize = v.trim().parse().map_err(|_| {
                        DataFusionError::Configuration(format!(
                            "TFRecord option 'shards': '{v}' is not a positive integer"
                        ))
                    })?;
                    if n == 0 {
                        return Err(DataFusionError::Configuration(
                            "TFRecord option 'shards' must be at least 1".into(),
                        ));
                    }
                    out.shards = Some(n);
                }
                "compression" => {
                    out.compression = v.to_ascii_lowercase().parse().map_err(|e| {
                        DataFusionError::Configuration(format!(
                            "TFRecord option 'compression': {e} (use 'none' or 'gzip')"
                        ))
                    })?;
                }
                _ => {
                    return Err(DataFusionError::Configuration(format!(
                        "unknown TFRecord option '{k}' (known: 'shards', 'compression')"
                    )));
                }
            }
        }
        Ok(out)
    }
}

/// Makes [`TfRecordFormat`]s for `STORED AS TFRECORD`.
#[derive(Debug, Default)]
pub struct TfRecordFormatFactory;

impl FileFormatFactory for TfRecordFormatFactory {
    fn create(&self, _state: &dyn Session, options: &HashMap<String, String>) -> Result<Arc<dyn FileFormat>> {
        Ok(Arc::new(TfRecordFormat { options: TfRecordOptions::from_map(options)? }))
    }

    fn default(&self) -> Arc<dyn FileFormat> {
        Arc::new(TfRecordFormat::default())
    }
}

impl GetExt for TfRecordFormatFactory {
    fn get_ext(&self) -> String {
        "tfrecord".to_string()
    }
}

/// The TFRecord format (writing).
#[derive(Debug, Default, Clone)]
pub struct TfRecordFormat {
    options: TfRecordOptions,
}

impl TfRecordFormat {
    /// A format writing with `options`.
    pub fn new(options: TfRecordOptions) -> Self {
        TfRecordFormat { options }
    }
}

fn read_unsupported<T>() -> Result<T> {
    Err(DataFusionError::NotImplemented(
        "reading TFRecord in SQL (TFRecord is an output: COPY … TO 'dir/' STORED AS TFRECORD); read shards with hadron-tfrecord".into(),
    ))
}

#[async_trait]
impl FileFormat for TfRecordFormat {
    fn get_ext(&self) -> String {
        "tfrecord".to_string()
    }

    fn get_ext_with_compression(&self, _c: &FileCompressionType) -> Result<String> {
        Ok(self.get_ext())
    }

    fn compression_type(&self) -> Option<FileCompressionType> {
        None
    }

    async fn infer_schema(&self, _s: &dyn Session, _st: &Arc<dyn ObjectStore>, _o: &[ObjectMeta]) -> Result<SchemaRef> {
        read_unsupported()
    }

    async fn infer_stats(
        &self,
        _s: &dyn Session,
        _st: &Arc<dyn ObjectStore>,
        _t: SchemaRef,
        _o: &ObjectMeta,
    ) -> Result<Statistics> {
        read_unsupported()
    }

    async fn create_physical_plan(&self, _s: &dyn Session, _c: FileScanConfig) -> Result<Arc<dyn ExecutionPlan>> {
        read_unsupported()
    }

    async fn create_writer_physical_plan(
        &self,
        input: Arc<dyn ExecutionPlan>,
        _state: &dyn Session,
        conf: FileSinkConfig,
        order: Option<LexRequirement>,
    ) -> Result<Arc<dyn ExecutionPlan>> {
        if !conf.table_partition_cols.is_empty() {
            return Err(DataFusionError::NotImplemented("PARTITIONED BY with STORED AS TFRECORD".into()));
        }
        let sink = Arc::new(TfRecordSink::new(conf, self.options)?);
        Ok(Arc::new(DataSinkExec::new(input, sink, order)))
    }

    fn file_source(&self, _table_schema: TableSchema) -> Arc<dyn FileSource> {
        unreachable_source()
    }
}

/// `file_source` is only asked for by scans, which `create_physical_plan` refuses first.
fn unreachable_source() -> Arc<dyn FileSource> {
    Arc::new(crate::root::RootSource::new(
        TableSchema::from(Arc::new(datafusion::arrow::datatypes::Schema::empty())),
        None,
    ))
}

impl fmt::Display for TfRecordFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "TFRECORD")
    }
}
