//! rntuple/read (layer 5): RNTuple → Arrow record batches: per cluster, one coalesced read of every page of
//! the projected columns, parallel page decoding (rayon), then array assembly; one or more batches per cluster.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use arrow_array::{RecordBatch, RecordBatchOptions};
use arrow_schema::SchemaRef;
use rayon::prelude::*;
use xxhash_rust::xxh3::xxh3_64;

use crate::arrow::ReadOptions;
use crate::bytes::{CoalesceConfig, read_ranges};
use crate::compress;
use crate::error::{Error, Result, ResultExt};
use crate::file::RootFile;
use crate::rntuple::assemble::ClusterColumns;
use crate::rntuple::column::{ColumnValues, decode_page, page_bytes};
use crate::rntuple::schema::{ColumnPages, ColumnRecord};
use crate::rntuple::{Cluster, RNTuple, relocate};

/// Reads the RNTuple `name` of `file` into Arrow: `options.branches` selects top-level fields,
/// `options.entries` an entry range; batches hold at most `options.batch_size` rows and never span clusters.
pub async fn read_rntuple(file: &RootFile, name: &str, options: &ReadOptions) -> Result<(SchemaRef, Vec<RecordBatch>)> {
    let nt = RNTuple::open(file, name).await?;
    nt.read(options).await
}

impl RNTuple {
    /// Reads this RNTuple into Arrow (see [`read_rntuple`]).
    pub async fn read(&self, options: &ReadOptions) -> Result<(SchemaRef, Vec<RecordBatch>)> {
        let ids: Vec<usize> = match &options.branches {
            Some(names) => names.iter().map(|n| self.top_level_id(n)).collect::<Result<_>>()?,
            None => self.tree.top.clone(),
        };
        let fields = ids
            .iter()
            .map(|&id| self.tree.arrow_field(&self.header.schema, id))
            .collect::<Result<Vec<_>>>()
            .in_object(&self.path)
            .in_file(&self.file_name)?;
        let schema: SchemaRef = Arc::new(arrow_schema::Schema::new(fields));
        let range = options.entries.clone().unwrap_or(0..self.entries);
        let range = range.start.min(self.entries)..range.end.min(self.entries);
        let batch_size = options.batch_size.max(1);
        let mut batches = Vec::new();
        for (k, cluster) in self.clusters.iter().enumerate() {
            let first = cluster.summary.first_entry;
            let end = first + cluster.summary.entries;
            if end <= range.start || first >= range.end {
                continue;
            }
            let batch = self
                .read_cluster(cluster, &ids, &schema, options.parallel)
                .await
                .in_object_with(|| format!("{}/cluster {k}", self.path))
                .in_file(&self.file_name)?;
            let lo = range.start.max(first) - first;
            let hi = range.end.min(end) - first;
            let mut at = lo;
            while at < hi {
                let n = (hi - at).min(batch_size as u64);
                batches.push(batch.slice(at as usize, n as usize));
                at += n;
            }
        }
        Ok((schema, batches))
    }

    async fn read_cluster(
        &self,
        cluster: &Cluster,
        ids: &[usize],
        schema: &SchemaRef,
        parallel: bool,
    ) -> Result<RecordBatch> {
        let columns = &self.header.schema.columns;
        let mut needed = Vec::new();
        self.tree.needed_columns(&self.header.schema, &cluster.columns, ids, &mut needed);
        // One coalesced request for all pages of the needed columns.
        let mut ranges: Vec<Range<u64>> = Vec::new();
        let mut owners: Vec<(usize, usize)> = Vec::new();
        for &c in &needed {
            let Some(pages) = cluster.columns.get(c) else { continue };
            if pages.is_suppressed() {
                continue;
            }
            for (p, page) in pages.pages.iter().enumerate() {
                let extra = if page.has_checksum { 8 } else { 0 };
                let loc = page.locator;
                let end = loc.offset.checked_add(loc.size + extra).ok_or_else(|| {
                    Error::corrupt_at_file(loc.offset, "page locator overflows the file offset range")
                })?;
                if end > self.source.len() {
                    return Err(Error::corrupt_at_file(
                        loc.offset,
                        format!("page of column {c} ({} bytes) runs past the end of the file", loc.size),
                    ));
                }
                ranges.push(loc.offset..end);
                owners.push((c, p));
            }
        }
        let bytes = read_ranges(self.source.as_ref(), &ranges, CoalesceConfig::default()).await?;
        let mut per_column: HashMap<usize, Vec<&[u8]>> = HashMap::new();
        for ((c, _), b) in owners.iter().zip(bytes.iter()) {
            per_column.entry(*c).or_default().push(b.as_ref());
        }
        let decode = |&c: &usize| {
            let record = columns.get(c).ok_or_else(|| Error::Internal(format!("column {c} out of range")))?;
            let empty = Vec::new();
            let raw = per_column.get(&c).unwrap_or(&empty);
            let pages = cluster.columns.get(c);
            decode_column(record, pages, raw).map(|v| (c, v)).map_err(|e| e.in_object(&format!("column {c}")))
        };
        let decoded: Vec<(usize, ColumnValues)> = match parallel {
            true => needed.par_iter().map(decode).collect::<Result<_>>()?,
            false => needed.iter().map(decode).collect::<Result<_>>()?,
        };
        let cl = ClusterColumns {
            pages: &cluster.columns,
            values: decoded.into_iter().map(|(c, v)| (c, Arc::new(v))).collect(),
        };
        let n = usize::try_from(cluster.summary.entries)
            .map_err(|_| Error::corrupt(0, format!("cluster of {} entries", cluster.summary.entries)))?;
        let arrays =
            ids.iter().map(|&id| self.tree.build(&self.header.schema, &cl, id, n, 0)).collect::<Result<Vec<_>>>()?;
        let opts = RecordBatchOptions::new().with_row_count(Some(n));
        Ok(RecordBatch::try_new_with_options(schema.clone(), arrays, &opts)?)
    }
}

/// Decodes all pages of one column in one cluster (`raw`: the on-disk page bytes, with any checksum).
fn decode_column(record: &ColumnRecord, pages: Option<&ColumnPages>, raw: &[&[u8]]) -> Result<ColumnValues> {
    let mut out = ColumnValues::empty_for(record.kind)?;
    let Some(pages) = pages else { return Ok(out) };
    if pages.is_suppressed() {
        return Ok(out);
    }
    let mut buf = Vec::new();
    for (page, data) in pages.pages.iter().zip(raw) {
        let size = page.locator.size as usize;
        let (body, sum) = data.split_at(size.min(data.len()));
        if page.has_checksum {
            let mut s = [0u8; 8];
            if sum.len() != 8 {
                return Err(Error::corrupt_at_file(page.locator.offset, "page checksum is missing"));
            }
            s.copy_from_slice(sum);
            let (stored, computed) = (u64::from_le_bytes(s), xxh3_64(body));
            if stored != computed {
                return Err(Error::corrupt_at_file(
                    page.locator.offset,
                    format!("page checksum mismatch: stored {stored:#018x}, computed {computed:#018x}"),
                ));
            }
        }
        let n = page.elements as usize;
        let expected = page_bytes(record.kind, record.bits, n as u64)? as usize;
        buf.clear();
        compress::decompress_into(body, expected, &mut buf).map_err(|e| relocate(e, page.locator.offset))?;
        decode_page(record.kind, record.bits, record.range, &buf, n, &mut out)
            .map_err(|e| relocate(e, page.locator.offset))?;
    }
    Ok(out)
}
