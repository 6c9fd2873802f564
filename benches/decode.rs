//! Criterion benches: file and TTree metadata, and branch decoding through the public API — basket decompression, entry
//! decoding and Arrow assembly of a projection of flat and jagged branches (`TreeReader`), from
//! committed fixtures held in memory (no file I/O in the measured loop).

use std::sync::Arc;
use std::sync::atomic::Ordering;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use futures::executor::block_on;
use hadron::root::RootFile;
use hadron::root::arrow::{ReadOptions, TreeReader};
use hadron::root::bytes::MemorySource;
use hadron::root::tree::Tree;

/// A fixture opened from memory with its tree already read (metadata is not part of the measure).
struct Workload {
    file: RootFile,
    tree: Arc<Tree>,
    options: ReadOptions,
}

fn workload(rel: &str, tree: &str, branches: Option<&[&str]>) -> Workload {
    let path = format!("{}/testdata/{rel}", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let file = block_on(RootFile::open(Arc::new(MemorySource::new(rel, bytes)))).expect("open");
    let tree = Arc::new(block_on(file.tree(tree)).expect("tree"));
    let options =
        ReadOptions { branches: branches.map(|b| b.iter().map(|s| s.to_string()).collect()), ..Default::default() };
    Workload { file, tree, options }
}

/// Reads the whole projection; returns (rows, uncompressed basket bytes).
fn read_all(w: &Workload) -> (usize, u64) {
    let mut reader = block_on(TreeReader::from_tree(&w.file, w.tree.clone(), &w.options)).expect("reader");
    let mut rows = 0;
    while let Some(batch) = block_on(reader.next_batch()).expect("batch") {
        rows += batch.num_rows();
    }
    (rows, reader.metrics().uncompressed_bytes.load(Ordering::Relaxed))
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("decode");
    g.sample_size(20);
    // Flat leaves of several widths, a fixed array, counter-jagged `v[n]/D`, and `std::vector<float>`.
    let sample: &[&str] = &["I", "L", "F", "D", "arr", "n", "v", "vf"];
    let mut cases = vec![("nanoaod_like-lzma9/all".to_string(), workload("nanoaod_like.root", "Events", None))];
    for alg in ["uncompressed", "zlib-1", "lz4-4", "zstd-5"] {
        let w = workload(&format!("compression/{alg}.root"), "sample", Some(sample));
        cases.push((format!("sample-{alg}/flat+jagged"), w));
    }
    for (name, w) in &cases {
        let (rows, bytes) = read_all(w);
        assert_eq!(rows as u64, w.tree.entries, "{name}: rows");
        g.throughput(Throughput::Bytes(bytes));
        g.bench_function(name, |b| b.iter(|| read_all(w)));
    }
    g.finish();
}

/// Opening a file and reading its TTree's metadata (keys, streamers, branches and basket tables): what
/// `CREATE EXTERNAL TABLE` and every first scan of a file pay before any basket.
fn metadata(c: &mut Criterion) {
    let path = format!("{}/testdata/nanoaod_like.root", env!("CARGO_MANIFEST_DIR"));
    let bytes = bytes::Bytes::from(std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}")));
    let open = || {
        let file =
            block_on(RootFile::open(Arc::new(MemorySource::new("nanoaod_like.root", bytes.clone())))).expect("open");
        block_on(file.tree("Events")).expect("tree")
    };
    assert!(!open().branches.is_empty());
    c.bench_function("metadata/nanoaod_like/open+tree", |b| b.iter(open));
}

criterion_group!(benches, bench, metadata);
criterion_main!(benches);
