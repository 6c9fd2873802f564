//! table (layer 7): one streaming reader over either a TTree or an RNTuple, chosen by the key's class.

use std::ops::Range;

use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;

use crate::arrow::{ReadOptions, TreeReader};
use crate::error::{Error, Result};
use crate::file::RootFile;
use crate::rntuple::{ANCHOR_CLASSES, RNTuple};

/// Streams RecordBatches of a TTree or an RNTuple.
#[derive(Debug)]
pub enum TableReader {
    /// A TTree (or TNtuple).
    Tree(Box<TreeReader>),
    /// An RNTuple, read one cluster at a time.
    RNTuple {
        /// The RNTuple.
        ntuple: Box<RNTuple>,
        /// Projection and batch size.
        options: ReadOptions,
        /// Output schema.
        schema: SchemaRef,
        /// Entries to read.
        range: Range<u64>,
        /// Next entry.
        next: u64,
        /// Batches read but not yet returned.
        pending: std::collections::VecDeque<RecordBatch>,
    },
}

impl TableReader {
    /// Opens the TTree or RNTuple called `name` (`dir/name;cycle`).
    pub async fn open(file: &RootFile, name: &str, options: &ReadOptions) -> Result<Self> {
        let key = file.key(name).await?;
        if ANCHOR_CLASSES.contains(&key.class_name.as_str()) {
            let ntuple = RNTuple::open(file, name).await?;
            let entries = ntuple.entries;
            let range = match &options.entries {
                Some(r) => r.start.min(entries)..r.end.min(entries),
                None => 0..entries,
            };
            let probe = ReadOptions { entries: Some(range.start..range.start), ..options.clone() };
            let (schema, _) = ntuple.read(&probe).await?;
            return Ok(TableReader::RNTuple {
                ntuple: Box::new(ntuple),
                options: options.clone(),
                schema,
                next: range.start,
                range,
                pending: Default::default(),
            });
        }
        if crate::tree::is_tree_class(&key.class_name) {
            return Ok(TableReader::Tree(Box::new(TreeReader::open(file, name, options).await?)));
        }
        Err(Error::unsupported(format!("'{name}' is a {}, not a TTree or RNTuple", key.class_name))
            .in_file(file.name()))
    }

    /// The Arrow schema.
    pub fn schema(&self) -> SchemaRef {
        match self {
            TableReader::Tree(t) => t.schema(),
            TableReader::RNTuple { schema, .. } => schema.clone(),
        }
    }

    /// The entry range being read.
    pub fn entry_range(&self) -> Range<u64> {
        match self {
            TableReader::Tree(t) => t.entry_range(),
            TableReader::RNTuple { range, .. } => range.clone(),
        }
    }

    /// Columns left out because their type is not supported yet (TTrees only).
    pub fn skipped(&self) -> &[(String, Error)] {
        match self {
            TableReader::Tree(t) => t.skipped(),
            TableReader::RNTuple { .. } => &[],
        }
    }

    /// The next batch, or `None` at the end.
    pub async fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        match self {
            TableReader::Tree(t) => t.next_batch().await,
            TableReader::RNTuple { ntuple, options, range, next, pending, .. } => loop {
                if let Some(b) = pending.pop_front() {
                    return Ok(Some(b));
                }
                if *next >= range.end {
                    return Ok(None);
                }
                // One cluster at a time keeps memory bounded.
                let cluster_end = ntuple
                    .clusters
                    .iter()
                    .map(|c| c.summary.first_entry + c.summary.entries)
                    .find(|&e| e > *next)
                    .unwrap_or(range.end)
                    .min(range.end);
                let opts = ReadOptions { entries: Some(*next..cluster_end), ..options.clone() };
                let (_, batches) = ntuple.read(&opts).await?;
                pending.extend(batches.into_iter().filter(|b| b.num_rows() > 0));
                *next = cluster_end;
            },
        }
    }
}
