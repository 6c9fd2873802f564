//! bytes (layer 0): the one vectored byte-source trait, range coalescing, I/O counters, and adapters.
//!
//! Every reader above this layer asks for byte ranges through [`ByteSource::read_ranges`]; neighbouring
//! ranges are merged by [`coalesce`] before they reach the transport, and every request is counted.

/// Defines a reader method `$name` returning `$t` decoded from the next bytes with `$t::$from_bytes`
/// (`from_be_bytes` for ROOT buffers, `from_le_bytes` for RNTuple envelopes); the type needs `fn bytes(n)`.
macro_rules! fixed_width_reader {
    ($name:ident, $t:ty, $from_bytes:ident) => {
        #[doc = concat!("Reads a `", stringify!($t), "` (", stringify!($from_bytes), ").")]
        #[inline]
        pub fn $name(&mut self) -> Result<$t> {
            const N: usize = std::mem::size_of::<$t>();
            let b = self.bytes(N)?;
            let mut a = [0u8; N];
            a.copy_from_slice(b);
            Ok(<$t>::$from_bytes(a))
        }
    };
}
pub(crate) use fixed_width_reader;

mod cursor;
mod local;
mod object_store;

pub use cursor::{BYTE_COUNT_MASK, CLASS_MASK, Cursor, MAP_OFFSET, NEW_CLASS_TAG, ObjectHeader, STREAMED_MEMBERWISE};
pub use local::LocalFile;
pub use object_store::ObjectStoreSource;

use std::ops::Range;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use async_trait::async_trait;
use bytes::Bytes;

use crate::error::Result;

/// A random-access source of bytes: local file, object store, XRootD, memory.
#[async_trait]
pub trait ByteSource: Send + Sync + std::fmt::Debug {
    /// The name shown in errors (path or URL).
    fn name(&self) -> &str;
    /// Total size in bytes.
    fn len(&self) -> u64;
    /// Whether the source holds no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }
    /// Reads each range (already coalesced by the caller); returns one buffer per range, in order.
    async fn fetch(&self, ranges: &[Range<u64>]) -> Result<Vec<Bytes>>;
    /// Counters of requests and bytes (shared, cheap to clone).
    fn stats(&self) -> &IoStats;
}

/// Coalescing policy, as uproot's and parquet's: merge ranges separated by small gaps.
#[derive(Debug, Clone, Copy)]
pub struct CoalesceConfig {
    /// Largest gap (bytes) bridged when merging two ranges.
    pub max_gap: u64,
    /// Largest merged request (bytes); ranges larger than this stay single.
    pub max_request: u64,
}

impl Default for CoalesceConfig {
    fn default() -> Self {
        CoalesceConfig { max_gap: 32 * 1024, max_request: 16 * 1024 * 1024 }
    }
}

/// Request and byte counters of a source.
#[derive(Debug, Default)]
pub struct IoStats {
    /// Number of transport requests (after coalescing).
    pub requests: AtomicU64,
    /// Number of ranges asked for (before coalescing).
    pub ranges: AtomicU64,
    /// Bytes transferred.
    pub bytes: AtomicU64,
}

impl IoStats {
    /// Records one transport request of `bytes` bytes.
    pub fn record(&self, requests: u64, ranges: u64, bytes: u64) {
        self.requests.fetch_add(requests, Ordering::Relaxed);
        self.ranges.fetch_add(ranges, Ordering::Relaxed);
        self.bytes.fetch_add(bytes, Ordering::Relaxed);
    }
    /// (requests, ranges, bytes) so far.
    pub fn snapshot(&self) -> (u64, u64, u64) {
        (self.requests.load(Ordering::Relaxed), self.ranges.load(Ordering::Relaxed), self.bytes.load(Ordering::Relaxed))
    }
}

/// Merges sorted-or-unsorted ranges into fewer requests; returns the merged ranges.
pub fn coalesce(ranges: &[Range<u64>], config: CoalesceConfig) -> Vec<Range<u64>> {
    let mut sorted: Vec<Range<u64>> = ranges.iter().filter(|r| r.start < r.end).cloned().collect();
    sorted.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<u64>> = Vec::with_capacity(sorted.len());
    for r in sorted {
        if let Some(last) = merged.last_mut()
            && r.start <= last.end.saturating_add(config.max_gap)
            && r.end.max(last.end) - last.start <= config.max_request
        {
            last.end = last.end.max(r.end);
            continue;
        }
        merged.push(r);
    }
    merged
}

/// Reads `ranges` through `source`, coalescing neighbours; returns one buffer per requested range.
pub async fn read_ranges(source: &dyn ByteSource, ranges: &[Range<u64>], config: CoalesceConfig) -> Result<Vec<Bytes>> {
    if ranges.is_empty() {
        return Ok(Vec::new());
    }
    let merged = coalesce(ranges, config);
    let fetched = source.fetch(&merged).await?;
    source.stats().record(0, ranges.len() as u64, 0);
    let mut out = Vec::with_capacity(ranges.len());
    for r in ranges {
        if r.start >= r.end {
            out.push(Bytes::new());
            continue;
        }
        // merged is sorted by start: find the one that contains r.
        let i = merged.partition_point(|m| m.start <= r.start).saturating_sub(1);
        let (m, buf) = (&merged[i], &fetched[i]);
        let lo = (r.start - m.start) as usize;
        let hi = (r.end - m.start) as usize;
        if hi > buf.len() || lo > hi {
            return Err(crate::Error::corrupt_at_file(
                r.start,
                format!("range {}..{} is past the end of the file ({} bytes)", r.start, r.end, source.len()),
            )
            .in_file(source.name()));
        }
        out.push(buf.slice(lo..hi));
    }
    Ok(out)
}

/// Reads one range.
pub async fn read_range(source: &dyn ByteSource, range: Range<u64>) -> Result<Bytes> {
    let mut v = read_ranges(source, std::slice::from_ref(&range), CoalesceConfig::default()).await?;
    Ok(v.pop().unwrap_or_default())
}

/// An in-memory source (tests, embedded data).
#[derive(Debug)]
pub struct MemorySource {
    name: String,
    data: Bytes,
    stats: IoStats,
}

impl MemorySource {
    /// Wraps `data` under `name`.
    pub fn new(name: impl Into<String>, data: impl Into<Bytes>) -> Self {
        MemorySource { name: name.into(), data: data.into(), stats: IoStats::default() }
    }
}

#[async_trait]
impl ByteSource for MemorySource {
    fn name(&self) -> &str {
        &self.name
    }
    fn len(&self) -> u64 {
        self.data.len() as u64
    }
    async fn fetch(&self, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        let mut out = Vec::with_capacity(ranges.len());
        let mut bytes = 0;
        for r in ranges {
            let end = r.end.min(self.len());
            let start = r.start.min(end);
            out.push(self.data.slice(start as usize..end as usize));
            bytes += end - start;
        }
        self.stats.record(ranges.len() as u64, 0, bytes);
        Ok(out)
    }
    fn stats(&self) -> &IoStats {
        &self.stats
    }
}

/// A shared byte source.
pub type SharedSource = Arc<dyn ByteSource>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn coalesce_merges_close_ranges_only() {
        let cfg = CoalesceConfig { max_gap: 10, max_request: 1000 };
        let m = coalesce(&[50..60, 0..10, 15..20, 200..210], cfg);
        assert_eq!(m, vec![0..20, 50..60, 200..210]);
    }

    #[test]
    fn coalesce_respects_max_request() {
        let cfg = CoalesceConfig { max_gap: 10, max_request: 25 };
        assert_eq!(coalesce(&[0..10, 12..20, 22..30], cfg), vec![0..20, 22..30]);
    }

    #[test]
    fn read_ranges_slices_merged_buffers() {
        let src = MemorySource::new("mem", (0u8..100).collect::<Vec<u8>>());
        let out =
            futures::executor::block_on(read_ranges(&src, &[5..8, 1..3, 90..92], CoalesceConfig::default())).unwrap();
        assert_eq!(&out[0][..], &[5, 6, 7]);
        assert_eq!(&out[1][..], &[1, 2]);
        assert_eq!(&out[2][..], &[90, 91]);
        assert_eq!(src.stats().snapshot(), (1, 3, 91));
    }

    #[test]
    fn read_past_end_is_an_error() {
        let src = MemorySource::new("mem", vec![0u8; 10]);
        let err = futures::executor::block_on(read_range(&src, 5..20)).unwrap_err();
        assert!(err.to_string().contains("past the end"), "{err}");
    }
}
