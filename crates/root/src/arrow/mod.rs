//! arrow (layer 6): TTree branches → Arrow arrays: schema mapping, decoders, and batch streaming.
//!
//! Mapping (DESIGN.md): leaf → primitive; counter-jagged or `std::vector` → `List`; split class or
//! `TClonesArray` → `List<Struct>` named after the parent branch; leaf-list → `Struct`; strings → `Utf8`.
//!
//! Field names of sub-branches: a sub-branch `child` of branch `parent` is the struct field named
//! `child` minus the prefix `parent.` (or `parent` when that ends in a dot) and minus trailing `[N]`
//! dimensions: `evt/ArrayI16[10]` → field `ArrayI16` of column `evt`, `P3/P3.Px` → `Px` of `P3`.
//! Members that ROOT flattens into one collection (`demtch.poca.fCoordinates.fX` directly under
//! `demtch`) keep their dotted relative name, `poca.fCoordinates.fX`, so they never collide.

mod decode;
mod memberwise;
pub mod object;
mod object_read;
mod plan;
mod reader;
mod refs;
pub mod types;
mod values;

use std::ops::Range;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;

pub use plan::{BranchIndex, Content, Member, Plan, Skipped, plan_column, plan_column_lenient};
pub use reader::{ReadMetrics, TreeReader};

use crate::error::Result;
use crate::file::RootFile;

/// What to read from a tree.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Top-level branch (column) names to read; `None` reads every column.
    pub branches: Option<Vec<String>>,
    /// Entry range to read; `None` reads all entries.
    pub entries: Option<Range<u64>>,
    /// Target rows per batch (batches are also cut at cluster boundaries).
    pub batch_size: usize,
    /// Decompress a batch's baskets and decode its columns on rayon's pool (the default); a caller that already
    /// keeps every core busy with readers of its own (DataFusion's partitions) reads on the calling thread and
    /// saves the hand-over to the pool and back on every batch.
    pub parallel: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions { branches: None, entries: None, batch_size: 65_536, parallel: true }
    }
}

/// Reads a whole projection of a tree into memory (convenience for tests and small files).
pub async fn read_tree(
    file: &RootFile,
    tree_path: &str,
    options: &ReadOptions,
) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let mut reader = TreeReader::open(file, tree_path, options).await?;
    let mut batches = Vec::new();
    while let Some(b) = reader.next_batch().await? {
        batches.push(b);
    }
    Ok((reader.schema(), batches))
}
