//! arrow/reader (layer 6): streams RecordBatches of a projection and entry range of a TTree.
//!
//! Each batch covers an entry range; the baskets of the projected branches that overlap it are
//! read in one coalesced request, decompressed in parallel (or, where the caller runs many readers at once, on
//! the calling thread), decoded, and dropped once behind.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

use arrow_array::{RecordBatch, RecordBatchOptions};
use arrow_schema::{Field, Schema, SchemaRef};
use rayon::prelude::*;

use crate::arrow::ReadOptions;
use crate::arrow::decode::{Piece, PieceSource, decode_plan};
use crate::arrow::plan::{BranchIndex, Plan, plan_column_lenient};
use crate::bytes::{CoalesceConfig, read_ranges};
use crate::dict::StreamerDb;
use crate::error::{Error, Result, ResultExt};
use crate::file::RootFile;
use crate::tree::basket::{BasketData, decode_basket, embedded_basket};
use crate::tree::{BasketLocator, Tree};

/// Work counters of a reader (shown by EXPLAIN ANALYZE and `--verbose`).
#[derive(Debug, Default)]
pub struct ReadMetrics {
    /// Baskets read and decoded.
    pub baskets: AtomicU64,
    /// Compressed basket bytes read.
    pub compressed_bytes: AtomicU64,
    /// Uncompressed basket bytes.
    pub uncompressed_bytes: AtomicU64,
    /// Time spent decompressing (nanoseconds, summed over threads).
    pub decompress_ns: AtomicU64,
    /// Time spent building Arrow arrays (nanoseconds).
    pub decode_ns: AtomicU64,
}

/// A streaming reader of one tree.
#[derive(Debug)]
pub struct TreeReader {
    file: RootFile,
    tree: Arc<Tree>,
    index: Arc<BranchIndex>,
    columns: Vec<Plan>,
    schema: SchemaRef,
    skipped: Vec<(String, Error)>,
    needed: Vec<usize>,
    range: Range<u64>,
    next: u64,
    batch_size: usize,
    /// Decompress and decode on rayon's pool (see `ReadOptions::parallel`).
    parallel: bool,
    cache: HashMap<usize, Vec<Arc<BasketData>>>,
    metrics: Arc<ReadMetrics>,
}

impl TreeReader {
    /// Opens a reader over `tree_path` in `file`.
    pub async fn open(file: &RootFile, tree_path: &str, options: &ReadOptions) -> Result<Self> {
        let key = file.key(tree_path).await?;
        let tree = crate::tree::read_tree(file, &key).await?;
        Self::from_tree(file, Arc::new(tree), options).await
    }

    /// A reader over an already-read tree.
    pub async fn from_tree(file: &RootFile, tree: Arc<Tree>, options: &ReadOptions) -> Result<Self> {
        let db = file.streamers().await.in_object(&tree.path)?;
        let index = Arc::new(BranchIndex::new(&tree));
        Self::with_index(file, tree, index, &db, options)
    }

    /// A reader over an already-read tree, its branch index and the file's streamers (share them
    /// across many readers of one tree).
    pub fn with_index(
        file: &RootFile,
        tree: Arc<Tree>,
        index: Arc<BranchIndex>,
        db: &StreamerDb,
        options: &ReadOptions,
    ) -> Result<Self> {
        let mut fields = Vec::new();
        let mut columns = Vec::new();
        let mut skipped = Vec::new();
        let ctx = |e: Error| e.in_object(&tree.path).in_file(file.name());
        match &options.branches {
            Some(names) => {
                for name in names {
                    let i = index.top_level(name).map_err(ctx)?;
                    let mut left_out = Vec::new();
                    let plan = plan_column_lenient(&index, db, i, &mut left_out).map_err(ctx)?;
                    skipped.extend(left_out.into_iter().map(|(n, e)| (n, ctx(e))));
                    fields.push(Field::new(name, plan.data_type(), false));
                    columns.push(plan);
                }
            }
            None => {
                for (n, &i) in index.top.iter().enumerate() {
                    let name = index.branches[i].name.clone();
                    // Two top-level branches with one name (a misconfigured Delphes card writes two
                    // `Particle`s): ROOT's TTree::GetBranch finds only the first; so does hadron.
                    if index.top[..n].iter().any(|&j| index.branches[j].name == name) {
                        let e = Error::unsupported(format!(
                            "a second top-level branch named '{name}' (only the first is readable by name)"
                        ));
                        skipped.push((name, ctx(e)));
                        continue;
                    }
                    let mut left_out = Vec::new();
                    match plan_column_lenient(&index, db, i, &mut left_out) {
                        Ok(plan) => {
                            skipped.extend(left_out.into_iter().map(|(n, e)| (n, ctx(e))));
                            fields.push(Field::new(&name, plan.data_type(), false));
                            columns.push(plan);
                        }
                        Err(e) if e.is_unsupported() => skipped.push((name, ctx(e))),
                        Err(e) => return Err(ctx(e)),
                    }
                }
            }
        }
        let mut needed = Vec::new();
        for p in &columns {
            BranchIndex::plan_branches(p, &mut needed);
        }
        needed.sort_unstable();
        needed.dedup();
        // A tree whose branches were filled one by one (`TBranch::Fill`, e.g. LHCb's `Refs`) never
        // counted its entries (fEntries = 0): read as far as every projected branch goes.
        let entries = if tree.entries == 0 {
            needed.iter().map(|&b| index.branches[b].entries).min().unwrap_or(0)
        } else {
            tree.entries
        };
        let range = match &options.entries {
            Some(r) => r.start.min(entries)..r.end.min(entries),
            None => 0..entries,
        };
        for &b in &needed {
            let br = &index.branches[b];
            if br.entries < range.end {
                return Err(ctx(Error::corrupt(
                    0,
                    format!("branch '{}' has {} entries, the tree {entries}", br.name, br.entries),
                )));
            }
        }
        Ok(TreeReader {
            file: file.clone(),
            schema: Arc::new(Schema::new(fields)),
            tree,
            index,
            columns,
            skipped,
            needed,
            next: range.start,
            range,
            batch_size: options.batch_size.max(1),
            parallel: options.parallel,
            cache: HashMap::new(),
            metrics: Arc::new(ReadMetrics::default()),
        })
    }

    /// The Arrow schema of the batches.
    pub fn schema(&self) -> SchemaRef {
        self.schema.clone()
    }

    /// What was left out because its type is not supported yet: whole columns of a read-everything
    /// projection (named by their branch), and members of split objects and collections (named by
    /// their sub-branch) left out of the columns that hold them.
    pub fn skipped(&self) -> &[(String, Error)] {
        &self.skipped
    }

    /// The tree.
    pub fn tree(&self) -> &Tree {
        &self.tree
    }

    /// The entry range being read.
    pub fn entry_range(&self) -> Range<u64> {
        self.range.clone()
    }

    /// The next entry to be read.
    pub fn position(&self) -> u64 {
        self.next
    }

    /// Work counters.
    pub fn metrics(&self) -> Arc<ReadMetrics> {
        self.metrics.clone()
    }

    /// Reads the next batch, or `None` at the end.
    pub async fn next_batch(&mut self) -> Result<Option<RecordBatch>> {
        if self.next >= self.range.end {
            return Ok(None);
        }
        let chunk = self.next..(self.next + self.batch_size as u64).min(self.range.end);
        let result = self.read_chunk(chunk.clone()).await;
        let batch = result.in_object(&self.tree.path).in_file(self.file.name())?;
        self.next = chunk.end;
        Ok(Some(batch))
    }

    async fn read_chunk(&mut self, chunk: Range<u64>) -> Result<RecordBatch> {
        // Drop baskets that end before this chunk; find the ones still missing.
        let mut wanted: Vec<(usize, BasketLocator)> = Vec::new();
        let mut embedded_new: Vec<(usize, Arc<BasketData>)> = Vec::new();
        for &b in &self.needed {
            let cached = self.cache.entry(b).or_default();
            cached.retain(|d| d.end_entry > chunk.start);
            let have: Vec<u64> = cached.iter().map(|d| d.first_entry).collect();
            let br = &self.index.branches[b];
            for loc in br.baskets.iter().filter(|l| l.first_entry < chunk.end && l.end_entry > chunk.start) {
                if !have.contains(&loc.first_entry) {
                    wanted.push((b, *loc));
                }
            }
            for e in br.embedded.iter().filter(|e| e.first_entry < chunk.end && e.end_entry > chunk.start) {
                if !have.contains(&e.first_entry) {
                    let d = embedded_basket(e).in_object(&br.name)?;
                    embedded_new.push((b, Arc::new(d)));
                }
            }
        }
        let ranges: Vec<Range<u64>> = wanted.iter().map(|(_, l)| l.seek..l.seek + l.bytes as u64).collect();
        let raw = read_ranges(self.file.source().as_ref(), &ranges, CoalesceConfig::default()).await?;
        let metrics = self.metrics.clone();
        let index = &self.index;
        let decode = |((b, loc), bytes): (&(usize, BasketLocator), &bytes::Bytes)| {
            let t = Instant::now();
            let d = decode_basket(bytes, loc)
                .in_object_with(|| format!("{}/basket@{}", index.branches[*b].name, loc.seek))?;
            metrics.decompress_ns.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
            metrics.baskets.fetch_add(1, Ordering::Relaxed);
            metrics.compressed_bytes.fetch_add(loc.bytes as u64, Ordering::Relaxed);
            metrics.uncompressed_bytes.fetch_add(d.data.len() as u64, Ordering::Relaxed);
            Ok((*b, Arc::new(d)))
        };
        let decoded: Vec<Result<(usize, Arc<BasketData>)>> = match self.parallel {
            true => wanted.par_iter().zip(raw.par_iter()).map(decode).collect(),
            false => wanted.iter().zip(raw.iter()).map(decode).collect(),
        };
        for d in decoded {
            let (b, basket) = d?;
            self.cache.entry(b).or_default().push(basket);
        }
        for (b, basket) in embedded_new {
            self.cache.entry(b).or_default().push(basket);
        }
        for v in self.cache.values_mut() {
            v.sort_by_key(|d| d.first_entry);
        }
        let t = Instant::now();
        let n = (chunk.end - chunk.start) as usize;
        let src = ChunkPieces { cache: &self.cache, chunk: chunk.clone(), index: &self.index };
        let decode =
            |(plan, field): (&Plan, &arrow_schema::FieldRef)| decode_plan(plan, &src, n).in_object(field.name());
        let arrays: Vec<Result<arrow_array::ArrayRef>> = match self.parallel {
            true => self.columns.par_iter().zip(self.schema.fields().par_iter()).map(decode).collect(),
            false => self.columns.iter().zip(self.schema.fields().iter()).map(decode).collect(),
        };
        let arrays = arrays.into_iter().collect::<Result<Vec<_>>>()?;
        self.metrics.decode_ns.fetch_add(t.elapsed().as_nanos() as u64, Ordering::Relaxed);
        let options = RecordBatchOptions::new().with_row_count(Some(n));
        Ok(RecordBatch::try_new_with_options(self.schema.clone(), arrays, &options)?)
    }
}

struct ChunkPieces<'a> {
    cache: &'a HashMap<usize, Vec<Arc<BasketData>>>,
    chunk: Range<u64>,
    index: &'a BranchIndex,
}

impl PieceSource for ChunkPieces<'_> {
    fn pieces(&self, branch: usize) -> Result<Vec<Piece<'_>>> {
        let mut out = Vec::new();
        let mut at = self.chunk.start;
        for d in self.cache.get(&branch).map(Vec::as_slice).unwrap_or_default() {
            if d.end_entry <= at || d.first_entry >= self.chunk.end {
                continue;
            }
            if d.first_entry > at {
                break;
            }
            let lo = (at - d.first_entry) as usize;
            let hi = (self.chunk.end.min(d.end_entry) - d.first_entry) as usize;
            out.push(Piece { basket: d, entries: lo..hi });
            at = d.first_entry + hi as u64;
        }
        if at < self.chunk.end {
            return Err(Error::corrupt(
                0,
                format!(
                    "branch '{}' has no basket holding entry {at} (of {}..{})",
                    self.index.branches[branch].name, self.chunk.start, self.chunk.end
                ),
            ));
        }
        Ok(out)
    }
}
