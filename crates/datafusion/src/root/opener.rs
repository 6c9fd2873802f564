//! opener: one ROOT file (or one byte range of it) → a stream of record batches.
//!
//! A `PartitionedFile` range `[start, end)` of a file of `size` bytes selects the clusters whose
//! position `first_entry · size / entries` falls in it: ranges that tile the file give every cluster
//! to exactly one partition, so one big file is read by every core, cut at cluster boundaries.

use std::ops::Range;
use std::sync::Arc;
use std::time::Instant;

use datafusion::arrow::datatypes::SchemaRef;
use datafusion::datasource::listing::PartitionedFile;
use datafusion::datasource::physical_plan::{FileOpenFuture, FileOpener};
use datafusion::error::{DataFusionError, Result};
use datafusion::execution::object_store::ObjectStoreUrl;
use futures::StreamExt;
use hadron_root::arrow::ReadOptions;
use object_store::ObjectStore;

use super::filter::ScanFilter;
use super::layout::{display_name, open_table};
use super::metrics::{Progress, RootScanMetrics};
use super::schema::check_file_schema;

/// Opens ROOT files for one partition of a scan.
#[derive(Debug)]
pub struct RootOpener {
    pub(crate) store: Arc<dyn ObjectStore>,
    pub(crate) store_url: ObjectStoreUrl,
    pub(crate) tree: Option<String>,
    /// The file columns to read: the output's in output order, then those only `filter` needs.
    pub(crate) projected: SchemaRef,
    /// The pushed-down predicate and the output columns, if any.
    pub(crate) filter: Option<ScanFilter>,
    pub(crate) batch_size: usize,
    /// Whether one reader may use rayon's pool (the scan runs as one partition) or reads on its own thread.
    pub(crate) parallel: bool,
    pub(crate) limit: Option<usize>,
    pub(crate) metrics: RootScanMetrics,
}

impl FileOpener for RootOpener {
    fn open(&self, file: PartitionedFile) -> Result<FileOpenFuture> {
        let store = self.store.clone();
        let url = self.store_url.clone();
        let tree = self.tree.clone();
        let projected = self.projected.clone();
        let filter = self.filter.clone();
        let batch_size = self.batch_size;
        let parallel = self.parallel;
        let limit = self.limit;
        let metrics = self.metrics.clone();
        Ok(Box::pin(async move {
            let t0 = Instant::now();
            let meta = &file.object_meta;
            let (root, name, table) = open_table(&store, &url, meta, tree.as_deref()).await?;
            let mut entries = match &file.range {
                Some(r) => entry_range(&table.cluster_starts(), table.entries(), meta.size, r.start, r.end),
                None => 0..table.entries(),
            };
            // The limit counts rows after the predicate (FileStream stops there): only without one does it bound
            // the entries read.
            if let Some(l) = limit.filter(|_| filter.is_none()) {
                entries.end = entries.end.min(entries.start + l as u64);
            }
            let branches = projected.fields().iter().map(|f| f.name().clone()).collect();
            let options = ReadOptions { branches: Some(branches), entries: Some(entries), batch_size, parallel };
            let reader = table.reader(&root, &name, &options).await?;
            check_file_schema(&display_name(&url, meta), &reader.schema(), &projected)?;
            metrics.open_time.add_elapsed(t0);
            let state = (root, reader, Progress::default(), metrics, filter);
            let stream =
                futures::stream::try_unfold(state, |(root, mut reader, mut progress, metrics, filter)| async move {
                    let batch = reader.next_batch().await.map_err(super::layout::root_err)?;
                    progress.record(&metrics, &root, &reader);
                    let Some(batch) = batch else { return Ok::<_, DataFusionError>(None) };
                    metrics.entries.add(batch.num_rows());
                    let batch = match &filter {
                        Some(f) => f.apply(&batch)?,
                        None => batch,
                    };
                    Ok(Some((batch, (root, reader, progress, metrics, filter))))
                });
            Ok(stream.boxed())
        }))
    }
}

/// The entries of the clusters (first entries `starts`, of `entries` in all) whose position in a file
/// of `size` bytes falls in `[start, end)`.
pub fn entry_range(starts: &[u64], entries: u64, size: u64, start: i64, end: i64) -> Range<u64> {
    let (start, end) = (start.max(0) as u128, end.max(0) as u128);
    let position = |first: u64| first as u128 * size as u128 / entries.max(1) as u128;
    let chosen: Vec<usize> = (0..starts.len()).filter(|&i| (start..end).contains(&position(starts[i]))).collect();
    match (chosen.first(), chosen.last()) {
        (Some(&a), Some(&b)) => starts[a]..starts.get(b + 1).copied().unwrap_or(entries),
        _ => 0..0,
    }
}

#[cfg(test)]
mod tests {
    use super::entry_range;

    #[test]
    fn ranges_that_tile_a_file_give_each_cluster_to_one_partition() {
        // 4 clusters of 250 entries in a 1000-byte file: cluster k sits at byte 250 k.
        let starts = [0, 250, 500, 750];
        let cuts = [0i64, 300, 600, 1000];
        let parts: Vec<_> = cuts.windows(2).map(|w| entry_range(&starts, 1000, 1000, w[0], w[1])).collect();
        assert_eq!(parts, vec![0..500, 500..750, 750..1000]);
        // A range holding no cluster position reads nothing.
        assert_eq!(entry_range(&starts, 1000, 1000, 10, 200), 0..0);
    }
}
