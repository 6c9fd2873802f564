//! source: ROOT as a DataFusion `FileSource` inside `DataSourceExec` (projection and filter pushdown, byte
//! ranges cut at cluster boundaries, per-partition metrics).

use std::fmt;
use std::sync::Arc;

use datafusion::common::config::ConfigOptions;
use datafusion::common::tree_node::TreeNodeRecursion;
use datafusion::datasource::physical_plan::{FileOpener, FileScanConfig, FileSource};
use datafusion::datasource::projection::{ProjectionOpener, SplitProjection};
use datafusion::datasource::table_schema::TableSchema;
use datafusion::error::Result;
use datafusion::physical_expr::utils::{collect_columns, reassign_expr_columns};
use datafusion::physical_expr::{PhysicalExpr, conjunction};
use datafusion::physical_plan::DisplayFormatType;
use datafusion::physical_plan::filter_pushdown::{FilterPushdownPropagation, PushedDown};
use datafusion::physical_plan::metrics::ExecutionPlanMetricsSet;
use datafusion::physical_plan::projection::ProjectionExprs;
use object_store::ObjectStore;

use super::filter::ScanFilter;
use super::metrics::RootScanMetrics;
use super::opener::RootOpener;

/// Scans the TTree or RNTuple `tree` of ROOT files.
#[derive(Debug, Clone)]
pub struct RootSource {
    table_schema: TableSchema,
    projection: SplitProjection,
    tree: Option<String>,
    batch_size: Option<usize>,
    /// The pushed-down `WHERE` (over the file columns), evaluated on every batch read.
    predicate: Option<Arc<dyn PhysicalExpr>>,
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
            predicate: None,
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
        // With a predicate, the branches it needs besides the output are read after the output's.
        let (read, filter) = match &self.predicate {
            None => (projected.clone(), None),
            Some(predicate) => {
                let mut indices = self.projection.file_indices.clone();
                let mut needed: Vec<usize> = collect_columns(predicate).iter().map(|c| c.index()).collect();
                needed.sort_unstable();
                indices.extend(needed.into_iter().filter(|i| !self.projection.file_indices.contains(i)));
                let read = Arc::new(file_schema.project(&indices)?);
                let predicate = reassign_expr_columns(predicate.clone(), &read)?;
                (read, Some(ScanFilter { predicate, output: projected.clone() }))
            }
        };
        let inner = Arc::new(RootOpener {
            store: object_store,
            store_url: base_config.object_store_url.clone(),
            tree: self.tree.clone(),
            projected: read,
            filter,
            batch_size: self.batch_size.unwrap_or(8192),
            // Several partitions already keep the cores busy: each reads on its own thread.
            parallel: base_config.file_groups.len() <= 1,
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

    /// Takes every filter over the file's columns: the opener reads the branches they need with the batch and
    /// keeps the rows where they hold (lists filtered by their offsets), so no `FilterExec` stays above the scan.
    fn try_pushdown_filters(
        &self,
        filters: Vec<Arc<dyn PhysicalExpr>>,
        _config: &ConfigOptions,
    ) -> Result<FilterPushdownPropagation<Arc<dyn FileSource>>> {
        let columns = self.table_schema.file_schema().fields().len();
        let pushed: Vec<PushedDown> = filters
            .iter()
            .map(|f| match collect_columns(f).iter().all(|c| c.index() < columns) {
                true => PushedDown::Yes,
                false => PushedDown::No,
            })
            .collect();
        let accepted: Vec<_> =
            filters.iter().zip(&pushed).filter(|(_, p)| matches!(p, PushedDown::Yes)).map(|(f, _)| f.clone()).collect();
        if accepted.is_empty() {
            return Ok(FilterPushdownPropagation::with_parent_pushdown_result(pushed));
        }
        let mut s = self.clone();
        s.predicate = Some(conjunction(self.predicate.iter().cloned().chain(accepted)));
        Ok(FilterPushdownPropagation::with_parent_pushdown_result(pushed).with_updated_node(Arc::new(s) as _))
    }

    fn filter(&self) -> Option<Arc<dyn PhysicalExpr>> {
        self.predicate.clone()
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
        if let Some(t) = &self.tree {
            write!(f, ", tree={t}")?;
        }
        match &self.predicate {
            Some(p) => write!(f, ", predicate={p}"),
            None => Ok(()),
        }
    }

    fn apply_expressions(
        &self,
        f: &mut dyn FnMut(&Arc<dyn PhysicalExpr>) -> Result<TreeNodeRecursion>,
    ) -> Result<TreeNodeRecursion> {
        datafusion::physical_plan::execution_plan::apply_expression_roots(
            self.projection.source.iter().map(|p| &p.expr).chain(self.predicate.iter()),
            f,
        )
    }
}
