//! file_format: `STORED AS ROOT` — the format factory (options `tree`), schema inference from the
//! first file, exact row counts from TTree/RNTuple metadata, and the `DataSourceExec` plan.

use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use async_trait::async_trait;
use datafusion::arrow::datatypes::{Schema, SchemaRef};
use datafusion::catalog::Session;
use datafusion::common::stats::Precision;
use datafusion::common::{GetExt, Statistics};
use datafusion::datasource::file_format::file_compression_type::FileCompressionType;
use datafusion::datasource::file_format::{FileFormat, FileFormatFactory};
use datafusion::datasource::physical_plan::{FileScanConfig, FileSource};
use datafusion::datasource::source::DataSourceExec;
use datafusion::datasource::table_schema::TableSchema;
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::object_store::ObjectStoreUrl;
use datafusion::physical_plan::ExecutionPlan;
use hadron_root::RootFile;
use hadron_root::arrow::ReadOptions;
use object_store::{ObjectMeta, ObjectStore};

use super::layout::{Table, display_name, open_table};
use super::schema::{SCHEMA_SOURCE, check_same_columns};
use super::source::RootSource;

/// Options of a ROOT table: `OPTIONS ('tree' 'Events')` (also `format.tree`, `root.tree`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RootOptions {
    /// TTree or RNTuple path inside each file (`dir/name;cycle`); `None`: the file's only one.
    pub tree: Option<String>,
}

impl RootOptions {
    /// Reads options given to `CREATE EXTERNAL TABLE`, `COPY` or `read_root`; unknown keys are errors
    /// that list the known ones.
    pub fn from_map(options: &HashMap<String, String>) -> Result<Self> {
        let mut out = RootOptions::default();
        for (k, v) in options {
            let key = k.strip_prefix("format.").or_else(|| k.strip_prefix("root.")).unwrap_or(k);
            match key.to_ascii_lowercase().as_str() {
                "tree" | "ntuple" | "rntuple" => out.tree = Some(v.clone()),
                _ => {
                    return Err(DataFusionError::Configuration(format!(
                        "unknown ROOT table option '{k}' (known: 'tree')"
                    )));
                }
            }
        }
        Ok(out)
    }
}

/// Makes [`RootFormat`]s for `STORED AS ROOT`.
#[derive(Debug, Default)]
pub struct RootFormatFactory;

impl FileFormatFactory for RootFormatFactory {
    fn create(&self, _state: &dyn Session, options: &HashMap<String, String>) -> Result<Arc<dyn FileFormat>> {
        Ok(Arc::new(RootFormat::new(RootOptions::from_map(options)?)))
    }

    fn default(&self) -> Arc<dyn FileFormat> {
        Arc::new(RootFormat::default())
    }
}

impl GetExt for RootFormatFactory {
    fn get_ext(&self) -> String {
        "root".to_string()
    }
}

/// The ROOT file format.
#[derive(Debug, Default, Clone)]
pub struct RootFormat {
    options: RootOptions,
    store_url: Option<ObjectStoreUrl>,
}

impl RootFormat {
    /// A format reading `options.tree`.
    pub fn new(options: RootOptions) -> Self {
        RootFormat { options, store_url: None }
    }

    /// Names the store the table's files come from (`root://host:1094/`), for messages and the
    /// local-file fast path; without it local stores are recognised and others named by the store.
    pub fn with_store_url(mut self, url: ObjectStoreUrl) -> Self {
        self.store_url = Some(url);
        self
    }

    fn store_url(&self, store: &Arc<dyn ObjectStore>) -> ObjectStoreUrl {
        if let Some(u) = &self.store_url {
            return u.clone();
        }
        if store.to_string().starts_with("LocalFileSystem") {
            return ObjectStoreUrl::local_filesystem();
        }
        ObjectStoreUrl::parse(format!("store://{}/", sanitize(&store.to_string())))
            .unwrap_or_else(|_| ObjectStoreUrl::local_filesystem())
    }

    /// The options.
    pub fn options(&self) -> &RootOptions {
        &self.options
    }

    /// The schema of one file's table, with the file's name in the schema metadata.
    pub async fn file_schema(
        &self,
        store: &Arc<dyn ObjectStore>,
        url: &ObjectStoreUrl,
        meta: &ObjectMeta,
    ) -> Result<Schema> {
        let (file, name, table) = open_table(store, url, meta, self.options.tree.as_deref()).await?;
        read_schema(&file, &name, table, display_name(url, meta)).await
    }
}

/// The columns of `table` (`name` in `file`), with `origin` in the schema metadata.
async fn read_schema(file: &RootFile, name: &str, table: Table, origin: String) -> Result<Schema> {
    let options = ReadOptions { branches: None, entries: Some(0..0), ..Default::default() };
    let reader = table.reader(file, name, &options).await?;
    for (column, why) in reader.skipped() {
        log::warn!("{}: column '{column}' left out: {why}", file.name());
    }
    let metadata = HashMap::from([(SCHEMA_SOURCE.to_string(), origin)]);
    Ok(Schema::new(reader.schema().fields().clone()).with_metadata(metadata))
}

/// A store's description reduced to characters an URL authority takes.
fn sanitize(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' { c } else { '_' }).collect()
}

#[async_trait]
impl FileFormat for RootFormat {
    fn get_ext(&self) -> String {
        "root".to_string()
    }

    fn get_ext_with_compression(&self, _c: &FileCompressionType) -> Result<String> {
        Ok(self.get_ext())
    }

    fn compression_type(&self) -> Option<FileCompressionType> {
        None
    }

    async fn infer_schema(
        &self,
        _state: &dyn Session,
        store: &Arc<dyn ObjectStore>,
        objects: &[ObjectMeta],
    ) -> Result<SchemaRef> {
        let first = objects
            .iter()
            .min_by(|a, b| a.location.cmp(&b.location))
            .ok_or_else(|| DataFusionError::Plan("no ROOT file matches the table's location".to_string()))?;
        Ok(Arc::new(self.file_schema(store, &self.store_url(store), first).await?))
    }

    async fn infer_stats(
        &self,
        _state: &dyn Session,
        store: &Arc<dyn ObjectStore>,
        table_schema: SchemaRef,
        object: &ObjectMeta,
    ) -> Result<Statistics> {
        let url = self.store_url(store);
        let (file, tree, table) = open_table(store, &url, object, self.options.tree.as_deref()).await?;
        let entries = table.entries();
        let name = display_name(&url, object);
        if table_schema.metadata().get(SCHEMA_SOURCE) != Some(&name) {
            let schema = read_schema(&file, &tree, table, name.clone()).await?;
            check_same_columns(&name, &schema, &table_schema)?;
        }
        Ok(Statistics::new_unknown(&table_schema)
            .with_num_rows(Precision::Exact(entries as usize))
            .with_total_byte_size(Precision::Inexact(object.size as usize)))
    }

    async fn create_physical_plan(&self, _state: &dyn Session, conf: FileScanConfig) -> Result<Arc<dyn ExecutionPlan>> {
        Ok(DataSourceExec::from_data_source(conf))
    }

    fn file_source(&self, table_schema: TableSchema) -> Arc<dyn FileSource> {
        Arc::new(RootSource::new(table_schema, self.options.tree.clone()))
    }
}

impl fmt::Display for RootFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "ROOT")
    }
}
