//! layout: opens one ROOT file from an object store and finds its table (TTree or RNTuple), its entry
//! count and its cluster starts — what planning (schema, statistics) and scanning (ranges) need.

use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

use datafusion::error::{DataFusionError, Result};
use datafusion::execution::object_store::ObjectStoreUrl;
use hadron_root::arrow::{ReadOptions, TreeReader};
use hadron_root::bytes::{LocalFile, ObjectStoreSource, SharedSource};
use hadron_root::rntuple::{ANCHOR_CLASSES, RNTuple};
use hadron_root::tree::{Tree, is_tree_class, read_tree};
use hadron_root::{RootFile, TableReader};
use object_store::{ObjectMeta, ObjectStore};

/// A hadron-root error as a DataFusion error (its text names the file, object and offset).
pub fn root_err(e: hadron_root::Error) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

/// The user-facing name of an object: a local path, or the store URL + object path.
pub fn display_name(url: &ObjectStoreUrl, meta: &ObjectMeta) -> String {
    if url.as_str() == "file:///" {
        format!("/{}", meta.location)
    } else {
        format!("{}{}", url.as_str(), meta.location)
    }
}

/// Opens `meta` in `store`: local files memory-mapped ([`LocalFile`]), everything else through the store
/// (vectored `get_ranges`, so `root://` reads become `kXR_readv`).
pub async fn open_file(store: &Arc<dyn ObjectStore>, url: &ObjectStoreUrl, meta: &ObjectMeta) -> Result<RootFile> {
    RootFile::open(byte_source(store, url, meta)?).await.map_err(root_err)
}

/// A fresh byte source for `meta` (a local file descriptor, or a handle on the store), with its own I/O counters.
fn byte_source(store: &Arc<dyn ObjectStore>, url: &ObjectStoreUrl, meta: &ObjectMeta) -> Result<SharedSource> {
    let name = display_name(url, meta);
    if url.as_str() == "file:///" {
        return Ok(Arc::new(LocalFile::open(&name).map_err(root_err)?));
    }
    Ok(Arc::new(ObjectStoreSource::with_size(store.clone(), meta.location.clone(), name, meta.size)))
}

/// The files [`open_table`] opened, by object (store, path, size, modification time, e-tag) and table name.
type OpenedKey = (String, String, u64, i64, Option<String>, Option<String>);

/// At most this many opened tables are kept; the cache starts over when it is full.
const OPENED_MAX: usize = 64;

/// An opened file, the name of its table and the table.
type Opened = (RootFile, String, Table);

static OPENED: LazyLock<Mutex<HashMap<OpenedKey, Opened>>> = LazyLock::new(Default::default);

/// Opens `meta` and finds its table `name` (see [`Table::find`]), once per process for an unchanged object.
///
/// One query opens a file several times — for its schema (`CREATE EXTERNAL TABLE`), its statistics (planning)
/// and once per partition scanning it — and each time would read and parse the same header, keys and TTree
/// metadata again (a millisecond or more for a NanoAOD tree). The parsed file and table are kept instead, keyed
/// by the object's size, modification time and e-tag, so a rewritten file is opened afresh. Every caller reads
/// through a byte source of its own, so a scan's `bytes_read` and `requests` count its own reads only.
pub async fn open_table(
    store: &Arc<dyn ObjectStore>,
    url: &ObjectStoreUrl,
    meta: &ObjectMeta,
    name: Option<&str>,
) -> Result<Opened> {
    let key: OpenedKey = (
        url.as_str().to_string(),
        meta.location.to_string(),
        meta.size,
        meta.last_modified.timestamp_nanos_opt().unwrap_or(i64::MIN),
        meta.e_tag.clone(),
        name.map(str::to_string),
    );
    let cached = OPENED.lock().unwrap_or_else(|e| e.into_inner()).get(&key).cloned();
    if let Some((file, found, table)) = cached {
        return Ok((file.with_source(byte_source(store, url, meta)?).map_err(root_err)?, found, table));
    }
    let file = open_file(store, url, meta).await?;
    let (found, table) = Table::find(&file, name).await?;
    let opened = (file, found, table);
    let mut cache = OPENED.lock().unwrap_or_else(|e| e.into_inner());
    if cache.len() >= OPENED_MAX {
        cache.clear();
    }
    cache.insert(key, opened.clone());
    Ok(opened)
}

/// A table found in a file.
#[derive(Debug, Clone)]
pub enum Table {
    /// A TTree, with its metadata read.
    Tree(Arc<Tree>),
    /// An RNTuple (`name;cycle`).
    RNTuple(Box<RNTuple>),
}

impl Table {
    /// Finds `name` in `file`, or — when `name` is `None` — the one TTree or RNTuple of the top
    /// directory (an error lists them when there are several).
    pub async fn find(file: &RootFile, name: Option<&str>) -> Result<(String, Table)> {
        let name = match name {
            Some(n) => n.to_string(),
            None => only_table(file)?,
        };
        let key = file.key(&name).await.map_err(root_err)?;
        if ANCHOR_CLASSES.contains(&key.class_name.as_str()) {
            let nt = RNTuple::open(file, &name).await.map_err(root_err)?;
            return Ok((name, Table::RNTuple(Box::new(nt))));
        }
        if is_tree_class(&key.class_name) {
            let tree = read_tree(file, &key).await.map_err(root_err)?;
            return Ok((name, Table::Tree(Arc::new(tree))));
        }
        Err(DataFusionError::Plan(format!("{}: '{name}' is a {}, not a TTree or RNTuple", file.name(), key.class_name)))
    }

    /// Number of entries (rows).
    pub fn entries(&self) -> u64 {
        match self {
            Table::Tree(t) => t.entries,
            Table::RNTuple(n) => n.entries,
        }
    }

    /// First entry of every cluster, ascending, starting at 0. For a TTree, the basket boundaries
    /// of the top-level branch with the fewest baskets (ROOT flushes every branch at each cluster
    /// boundary, so these are cluster starts).
    pub fn cluster_starts(&self) -> Vec<u64> {
        let mut starts: Vec<u64> = match self {
            Table::RNTuple(n) => n.clusters.iter().map(|c| c.summary.first_entry).collect(),
            Table::Tree(t) => t
                .branches
                .iter()
                .map(|b| b.baskets.iter().map(|l| l.first_entry).collect::<Vec<u64>>())
                .filter(|s| !s.is_empty())
                .min_by_key(|s| s.len())
                .unwrap_or_default(),
        };
        starts.push(0);
        starts.sort_unstable();
        starts.dedup();
        starts.retain(|&s| s < self.entries().max(1));
        starts
    }

    /// A streaming reader of `options` (projection, entry range, batch size).
    pub async fn reader(self, file: &RootFile, name: &str, options: &ReadOptions) -> Result<TableReader> {
        match self {
            Table::Tree(tree) => {
                let r = TreeReader::from_tree(file, tree, options).await.map_err(root_err)?;
                Ok(TableReader::Tree(Box::new(r)))
            }
            Table::RNTuple(_) => TableReader::open(file, name, options).await.map_err(root_err),
        }
    }
}

/// The name (`name;cycle`) of the only TTree or RNTuple in the top directory of `file`.
fn only_table(file: &RootFile) -> Result<String> {
    let mut found: Vec<String> = Vec::new();
    for k in &file.root_directory().keys {
        let is_table = is_tree_class(&k.class_name) || ANCHOR_CLASSES.contains(&k.class_name.as_str());
        if is_table && !found.iter().any(|n| n == &k.name) {
            found.push(k.name.clone());
        }
    }
    match found.len() {
        1 => Ok(found.remove(0)),
        0 => Err(DataFusionError::Plan(format!(
            "{}: no TTree or RNTuple in the top directory; name one with OPTIONS ('tree' 'dir/name')",
            file.name()
        ))),
        _ => Err(DataFusionError::Plan(format!(
            "{}: several tables ({}); choose one with OPTIONS ('tree' 'NAME') or read_root(path, 'NAME')",
            file.name(),
            found.join(", ")
        ))),
    }
}
