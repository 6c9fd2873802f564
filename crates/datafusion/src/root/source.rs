//! source: ROOT as a DataFusion `FileSource` inside `DataSourceExec` (projection pushdown, byte
//! ranges cut at cluster boundaries, per-partition metrics).

use std::fmt;
use std::sync::Arc;

use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::datasource::physical_plan::{FileOpener, FileScanConfig, FileSource};
use datafusion::datasource::projection::{ProjectionOpener, SplitProjection};
use datafusion::datasource::table_schema::TableSchema;
use datafusion::error::Result;
use datafusion::physical_expr::PhysicalExpr;
use datafusion::physical_plan::DisplayFormatType;
use datafusion::physical_plan::metrics::ExecutionPlanMetricsSet;
use datafusion::physical_plan::projection::ProjectionExprs;
use object_store::ObjectStore;

use super::metrics::RootScanMetrics;
use super::opener::RootOpener;

/// Scans the TTree or RNTuple `tree` of ROOT files.
#[derive(Debug, Clone)]
pub struct RootSource {
    table_schema: TableSchema,
    projection: SplitProjection,
    tree: Option<String>,
    batch_size: Option<usize>,
    metrics: ExecutionPlanMetricsSet,
}

impl RootSource {
    /// A source reading every column of `table_schema` from `tree` (the file's only table if `None`).
    pub fn new(table_schema: TableSchema, tree: Option<String>) -> Self {
        RootSource {
            projection: SplitProjection::unprojected(&table_schema),
            table_schema,
            tree,
            batch_size: None,
            metrics: ExecutionPlanMetricsSet::new(),
        }
    }

    /// The table name inside each file.
    pub fn tree(&self) -> Option<&str> {
        self.tree.as_deref()
    }
}

impl FileSource for RootSource {
    fn create_file_opener(
        &self,
        object_store: Arc<dyn ObjectStore>,
        base_config: &FileScanConfig,
        partition: usize,
    ) -> Result<Arc<dyn FileOpener>> {
        let file_schema = self.table_schema.file_schema();
        let projected = Arc::new(file_schema.project(&self.projection.file_indices)?);
        let inner = Arc::new(RootOpener {
            store: object_store,
            store_url: base_config.object_store_url.clone(),
            tree: self.tree.clone(),
            projected,
            batch_size: self.batch_size.unwrap_or(8192),
            limit: base_config.limit,
            metrics: RootScanMetrics::new(&self.metrics, partition),
        });
        ProjectionOpener::try_new(self.projection.clone(), inner, file_schema)
    }

    fn table_schema(&self) -> &TableSchema {
        &self.table_schema
    }

    fn with_batch_size(&self, batch_size: usize) -> Arc<dyn FileSource> {
        let mut s = self.clone();
        s.batch_size = Some(batch_size);
        Arc::new(s)
    }

    fn try_pushdown_projection(&self, projection: &ProjectionExprs) -> Result<Option<Arc<dyn FileSource>>> {
        let mut s = self.clone();
        let merged = self.projection.source.try_merge(projection)?;
        s.projection = SplitProjection::new(self.table_schema.file_schema(), &merged);
        Ok(Some(Arc::new(s)))
    }

    fn projection(&self) -> Option<&ProjectionExprs> {
        Some(&self.projection.source)
    }

    fn metrics(&self) -> &ExecutionPlanMetricsSet {
        &self.metrics
    }

    fn file_type(&self) -> &str {
        "root"
    }

    fn fmt_extra(&self, _t: DisplayFormatType, f: &mut fmt::Formatter) -> fmt::Result {
        match &self.tree {
            Some(t) => write!(f, ", tree={t}"),
            None => Ok(()),
        }
    }

    fn apply_expressions(
        &self,
        f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        datafusion::physical_plan::execution_plan::apply_expression_roots(self.projection.source.iter(), f)
    }
}
