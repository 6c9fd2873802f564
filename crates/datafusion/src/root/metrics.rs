//! metrics: what a ROOT scan reports in `EXPLAIN ANALYZE` — bytes and requests on the wire, baskets,
//! decompression and decoding time.

use std::time::Duration;

use datafusion::physical_plan::metrics::{Count, ExecutionPlanMetricsSet, MetricBuilder, Time};
use hadron_root::TableReader;
use hadron_root::file::RootFile;

/// Per-partition counters of one ROOT scan.
#[derive(Debug, Clone)]
pub struct RootScanMetrics {
    /// Entries (rows) produced.
    pub entries: Count,
    /// Bytes read from the file or server.
    pub bytes_read: Count,
    /// Read requests sent (after coalescing).
    pub requests: Count,
    /// Baskets decompressed.
    pub baskets: Count,
    /// Bytes after decompression.
    pub uncompressed_bytes: Count,
    /// Time spent opening files (header, keys, streamers, tree metadata).
    pub open_time: Time,
    /// Time spent decompressing baskets (summed over threads).
    pub decompress_time: Time,
    /// Time spent decoding baskets into Arrow.
    pub decode_time: Time,
}

impl RootScanMetrics {
    /// Registers the counters of `partition` in `metrics`.
    pub fn new(metrics: &ExecutionPlanMetricsSet, partition: usize) -> Self {
        let count = |name: &'static str| MetricBuilder::new(metrics).counter(name, partition);
        let time = |name: &'static str| MetricBuilder::new(metrics).subset_time(name, partition);
        RootScanMetrics {
            entries: count("entries"),
            bytes_read: count("bytes_read"),
            requests: count("requests"),
            baskets: count("baskets"),
            uncompressed_bytes: count("uncompressed_bytes"),
            open_time: time("open_time"),
            decompress_time: time("decompress_time"),
            decode_time: time("decode_time"),
        }
    }
}

/// Turns the reader's and the byte source's running totals into metric increments.
#[derive(Debug, Default)]
pub(crate) struct Progress {
    requests: u64,
    bytes: u64,
    baskets: u64,
    uncompressed: u64,
    decompress_ns: u64,
    decode_ns: u64,
}

impl Progress {
    /// Adds to `m` what happened since the last call.
    pub(crate) fn record(&mut self, m: &RootScanMetrics, file: &RootFile, reader: &TableReader) {
        use std::sync::atomic::Ordering::Relaxed;
        let (requests, _, bytes) = file.source().stats().snapshot();
        m.requests.add((requests - self.requests.min(requests)) as usize);
        m.bytes_read.add((bytes - self.bytes.min(bytes)) as usize);
        self.requests = requests;
        self.bytes = bytes;
        if let TableReader::Tree(t) = reader {
            let r = t.metrics();
            let (baskets, unc) = (r.baskets.load(Relaxed), r.uncompressed_bytes.load(Relaxed));
            let (dns, cns) = (r.decompress_ns.load(Relaxed), r.decode_ns.load(Relaxed));
            m.baskets.add((baskets - self.baskets.min(baskets)) as usize);
            m.uncompressed_bytes.add((unc - self.uncompressed.min(unc)) as usize);
            m.decompress_time.add_duration(Duration::from_nanos(dns - self.decompress_ns.min(dns)));
            m.decode_time.add_duration(Duration::from_nanos(cns - self.decode_ns.min(cns)));
            (self.baskets, self.uncompressed, self.decompress_ns, self.decode_ns) = (baskets, unc, dns, cns);
        }
    }
}
