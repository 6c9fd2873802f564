//! table: ROOT tables from locations — local paths, directories and globs, `root://` (double slash
//! or not, globs included), `s3://`, `http(s)://` — for `CREATE EXTERNAL TABLE … STORED AS ROOT`.

use std::sync::Arc;

use async_trait::async_trait;
use datafusion::catalog::{Session, TableProvider, TableProviderFactory};
use datafusion::datasource::listing::{ListingOptions, ListingTable, ListingTableConfig, ListingTableUrl};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::CreateExternalTable;

use super::file_format::{RootFormat, RootOptions};

/// Characters that start a glob in a path.
const GLOB_CHARS: [char; 3] = ['*', '?', '['];

/// The listing URL of one location. Local paths go through DataFusion's parser (relative paths and
/// globs); URLs have `root://host//abs` normalised to one slash (object paths have no leading
/// slash) and a glob in their path split off as DataFusion does for local paths. A directory
/// (ending in `/`) lists its `*.root` files.
pub fn listing_url(location: &str) -> Result<ListingTableUrl> {
    let url = match location.split_once("://") {
        None => ListingTableUrl::parse(location)?,
        Some((scheme, rest)) => {
            let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
            let path = path.trim_start_matches('/');
            let (prefix, glob) = match path.find(GLOB_CHARS) {
                None => (path, None),
                Some(at) => {
                    let cut = path[..at].rfind('/').map_or(0, |i| i + 1);
                    (&path[..cut], Some(&path[cut..]))
                }
            };
            let text = format!("{scheme}://{authority}/{prefix}");
            let parsed =
                url::Url::parse(&text).map_err(|e| DataFusionError::Plan(format!("LOCATION '{location}': {e}")))?;
            let pattern = glob
                .map(|g| {
                    glob::Pattern::new(g)
                        .map_err(|e| DataFusionError::Plan(format!("LOCATION '{location}': bad glob: {e}")))
                })
                .transpose()?;
            ListingTableUrl::try_new(parsed, pattern)?
        }
    };
    if url.is_collection() && url.get_glob().is_none() { url.with_glob("*.root") } else { Ok(url) }
}

/// A table over `locations` (all on one store) reading `options.tree`; the schema comes from the
/// first file, every other file is checked against it when the statistics are read.
pub async fn root_table(state: &dyn Session, locations: &[String], options: RootOptions) -> Result<Arc<ListingTable>> {
    let urls = locations.iter().map(|l| listing_url(l)).collect::<Result<Vec<_>>>()?;
    let first = urls.first().ok_or_else(|| DataFusionError::Plan("a ROOT table needs at least one location".into()))?;
    if let Some(other) = urls.iter().find(|u| u.object_store() != first.object_store()) {
        return Err(DataFusionError::Plan(format!(
            "all locations of a ROOT table must be on one store: {} and {}",
            first.object_store().as_str(),
            other.object_store().as_str()
        )));
    }
    let format = RootFormat::new(options).with_store_url(first.object_store());
    let listing = ListingOptions::new(Arc::new(format)).with_file_extension("");
    let schema = listing.infer_schema(state, first).await.map_err(|e| match e {
        DataFusionError::Plan(m) if m.starts_with("no ROOT file") => {
            DataFusionError::Plan(format!("{m}: {}", locations.join(", ")))
        }
        e => e,
    })?;
    let config = ListingTableConfig::new_with_multi_paths(urls).with_listing_options(listing).with_schema(schema);
    Ok(Arc::new(ListingTable::try_new(config)?))
}

/// `CREATE EXTERNAL TABLE t STORED AS ROOT LOCATION '…' OPTIONS ('tree' 'Events')`.
#[derive(Debug, Default)]
pub struct RootTableFactory;

#[async_trait]
impl TableProviderFactory for RootTableFactory {
    async fn create(&self, state: &dyn Session, cmd: &CreateExternalTable) -> Result<Arc<dyn TableProvider>> {
        if !cmd.table_partition_cols.is_empty() {
            return Err(DataFusionError::NotImplemented("PARTITIONED BY on ROOT tables".into()));
        }
        let options = RootOptions::from_map(&cmd.options)?;
        let table = root_table(state, &cmd.locations, options).await?;
        Ok(table)
    }
}
