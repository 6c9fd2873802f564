//! Read-throughput probe (benchmark aid): reads a tree projection with `TreeReader` into Arrow, or
//! only decompresses its baskets (`--decompress-only`, the floor of any reader), and prints one JSON
//! line `{events, seconds, uncompressed_bytes, compressed_bytes, baskets, decompress_seconds, ...}`.
//!
//! Usage: `read_throughput FILE --tree T [--branches a,b,c] [--decompress-only] [--batch-size N]`.
//! Threads come from rayon's global pool: set `RAYON_NUM_THREADS`. `seconds` is wall time from
//! opening the file to the last batch; `decompress_seconds` is basket decompression time summed
//! over threads.
#![allow(clippy::print_stdout)]

use std::ops::Range;
use std::process::ExitCode;
use std::sync::atomic::Ordering;
use std::time::Instant;

use futures::executor::block_on;
use hadron_root::RootFile;
use hadron_root::arrow::{BranchIndex, ReadOptions, TreeReader, plan_column};
use hadron_root::bytes::{CoalesceConfig, read_ranges};
use hadron_root::tree::BasketLocator;
use hadron_root::tree::basket::decode_basket;
use rayon::prelude::*;

/// Raw basket bytes read per request group in `--decompress-only` mode.
const GROUP_BYTES: u64 = 64 << 20;

#[derive(Debug, Default)]
struct Args {
    file: String,
    tree: String,
    branches: Option<Vec<String>>,
    decompress_only: bool,
    batch_size: usize,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args { batch_size: ReadOptions::default().batch_size, ..Args::default() };
    let mut it = std::env::args().skip(1);
    while let Some(arg) = it.next() {
        let mut value = |flag: &str| it.next().ok_or_else(|| format!("{flag} needs a value"));
        match arg.as_str() {
            "--tree" => a.tree = value("--tree")?,
            "--branches" => {
                a.branches = Some(value("--branches")?.split(',').filter(|s| !s.is_empty()).map(String::from).collect())
            }
            "--batch-size" => {
                a.batch_size = value("--batch-size")?.parse().map_err(|e| format!("--batch-size: {e}"))?
            }
            "--decompress-only" => a.decompress_only = true,
            s if s.starts_with("--") => return Err(format!("unknown flag {s}")),
            s if a.file.is_empty() => a.file = s.to_string(),
            s => return Err(format!("unexpected argument {s}")),
        }
    }
    if a.file.is_empty() || a.tree.is_empty() {
        return Err("usage: read_throughput FILE --tree T [--branches a,b] [--decompress-only] [--batch-size N]".into());
    }
    Ok(a)
}

/// Counters common to both modes.
#[derive(Debug, Default)]
struct Report {
    events: u64,
    uncompressed_bytes: u64,
    compressed_bytes: u64,
    baskets: u64,
    decompress_ns: u64,
    decode_ns: u64,
    columns: usize,
}

async fn read_arrow(a: &Args) -> hadron_root::Result<Report> {
    let file = RootFile::open_path(&a.file).await?;
    let options = ReadOptions { branches: a.branches.clone(), entries: None, batch_size: a.batch_size, parallel: true };
    let mut reader = TreeReader::open(&file, &a.tree, &options).await?;
    let mut r = Report { columns: reader.schema().fields().len(), ..Report::default() };
    while let Some(batch) = reader.next_batch().await? {
        r.events += batch.num_rows() as u64;
    }
    let m = reader.metrics();
    r.uncompressed_bytes = m.uncompressed_bytes.load(Ordering::Relaxed);
    r.compressed_bytes = m.compressed_bytes.load(Ordering::Relaxed);
    r.baskets = m.baskets.load(Ordering::Relaxed);
    r.decompress_ns = m.decompress_ns.load(Ordering::Relaxed);
    r.decode_ns = m.decode_ns.load(Ordering::Relaxed);
    Ok(r)
}

/// Reads and decompresses every free-standing basket of the projected branches, in file order.
async fn read_floor(a: &Args) -> hadron_root::Result<Report> {
    let file = RootFile::open_path(&a.file).await?;
    let tree = file.tree(&a.tree).await?;
    let index = BranchIndex::new(&tree);
    let db = file.streamers().await?;
    let mut plans = Vec::new();
    match &a.branches {
        Some(names) => {
            for name in names {
                plans.push(plan_column(&index, &db, index.top_level(name)?)?);
            }
        }
        None => plans.extend(index.top.iter().filter_map(|&i| plan_column(&index, &db, i).ok())),
    }
    let mut needed = Vec::new();
    for p in &plans {
        BranchIndex::plan_branches(p, &mut needed);
    }
    needed.sort_unstable();
    needed.dedup();
    let mut baskets: Vec<BasketLocator> =
        needed.iter().flat_map(|&b| index.branches[b].baskets.iter().copied()).collect();
    baskets.sort_by_key(|l| l.seek);
    let mut r = Report { events: tree.entries, columns: plans.len(), ..Report::default() };
    let mut start = 0;
    while start < baskets.len() {
        let mut end = start;
        let mut bytes = 0u64;
        while end < baskets.len() && (end == start || bytes + u64::from(baskets[end].bytes) <= GROUP_BYTES) {
            bytes += u64::from(baskets[end].bytes);
            end += 1;
        }
        let group = &baskets[start..end];
        let ranges: Vec<Range<u64>> = group.iter().map(|l| l.seek..l.seek + u64::from(l.bytes)).collect();
        let raw = read_ranges(file.source().as_ref(), &ranges, CoalesceConfig::default()).await?;
        let sizes: Vec<hadron_root::Result<(usize, u64)>> = group
            .par_iter()
            .zip(raw.par_iter())
            .map(|(l, b)| {
                let t = Instant::now();
                decode_basket(b, l).map(|d| (d.data.len(), t.elapsed().as_nanos() as u64))
            })
            .collect();
        for s in sizes {
            let (n, ns) = s?;
            r.uncompressed_bytes += n as u64;
            r.decompress_ns += ns;
        }
        r.compressed_bytes += bytes;
        r.baskets += group.len() as u64;
        start = end;
    }
    Ok(r)
}

fn main() -> ExitCode {
    let a = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("read_throughput: {e}");
            return ExitCode::from(2);
        }
    };
    let t = Instant::now();
    let result = if a.decompress_only { block_on(read_floor(&a)) } else { block_on(read_arrow(&a)) };
    let seconds = t.elapsed().as_secs_f64();
    match result {
        Ok(r) => {
            println!(
                "{{\"events\": {}, \"seconds\": {seconds:.6}, \"uncompressed_bytes\": {}, \"compressed_bytes\": {}, \
                 \"baskets\": {}, \"decompress_seconds\": {:.6}, \"decode_seconds\": {:.6}, \"columns\": {}, \
                 \"threads\": {}, \"mode\": \"{}\"}}",
                r.events,
                r.uncompressed_bytes,
                r.compressed_bytes,
                r.baskets,
                r.decompress_ns as f64 * 1e-9,
                r.decode_ns as f64 * 1e-9,
                r.columns,
                rayon::current_num_threads(),
                if a.decompress_only { "decompress-only" } else { "arrow" },
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("read_throughput: {e}");
            ExitCode::FAILURE
        }
    }
}
