//! Benchmark driver (see `benches/compare/xrootd_read.py`): reads over `root://` and prints one JSON
//! line of timings and request counts.
//!
//! `xrd_read get URL` — whole file through `ObjectStore::get` (concurrent `kXR_read`s).
//! `xrd_read sparse URL TREE a,b,c` — a few branches through hadron-root with range coalescing
//! (`kXR_readv`), then the same baskets fetched one `kXR_read` per basket (the uncoalesced baseline).

use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use futures::StreamExt;
use hadron_root::arrow::ReadOptions;
use hadron_root::bytes::ObjectStoreSource;
use hadron_root::{RootFile, TableReader};
use hadron_xrootd::XrootdStore;
use object_store::ObjectStoreExt;

type Res<T> = Result<T, Box<dyn std::error::Error>>;

async fn whole(url: &str) -> Res<String> {
    let (store, path) = XrootdStore::from_url(url)?;
    let t = Instant::now();
    let mut stream = store.get(&path).await?.into_stream();
    let mut bytes = 0u64;
    while let Some(b) = stream.next().await {
        bytes += b?.len() as u64;
    }
    let secs = t.elapsed().as_secs_f64();
    let s = store.client().stats();
    Ok(format!(
        r#"{{"mode":"get","url":"{url}","bytes":{bytes},"secs":{secs:.3},"mb_per_s":{:.1},"requests":{},"reads":{},"connections":{}}}"#,
        bytes as f64 / secs / 1e6,
        s.requests,
        s.reads,
        s.connections
    ))
}

async fn sparse(url: &str, tree: &str, branches: &str) -> Res<String> {
    let (store, path) = XrootdStore::from_url(url)?;
    let store = Arc::new(store);
    let names: Vec<String> = branches.split(',').map(str::to_string).collect();
    // Coalesced: hadron-root merges neighbouring basket ranges, the store sends kXR_readv.
    let t = Instant::now();
    let source = ObjectStoreSource::open(store.clone(), path.clone(), url).await?;
    let file = RootFile::open(Arc::new(source)).await?;
    let options = ReadOptions { branches: Some(names.clone()), ..Default::default() };
    let mut reader = TableReader::open(&file, tree, &options).await?;
    let mut rows = 0usize;
    while let Some(b) = reader.next_batch().await? {
        rows += b.num_rows();
    }
    let coalesced_secs = t.elapsed().as_secs_f64();
    let (_, ranges, bytes) = file.source().stats().snapshot();
    let s = store.client().stats();
    // Baskets of the chosen branches (and their sub-branches).
    let meta = file.tree(tree).await?;
    let baskets: Vec<(u64, u32)> = meta
        .branches
        .iter()
        .filter(|b| names.iter().any(|n| b.name == *n || b.name.starts_with(&format!("{n}."))))
        .flat_map(|b| b.baskets.iter().map(|k| (k.seek, k.bytes)))
        .collect();
    // Uncoalesced baseline: one kXR_read per basket, one after another, as a naive reader would.
    let (plain, plain_path) = XrootdStore::from_url(url)?;
    let t = Instant::now();
    let mut plain_bytes = 0u64;
    for (seek, n) in &baskets {
        plain_bytes += plain.get_range(&plain_path, *seek..seek + u64::from(*n)).await?.len() as u64;
    }
    let plain_secs = t.elapsed().as_secs_f64();
    let p = plain.client().stats();
    Ok(format!(
        concat!(
            r#"{{"mode":"sparse","url":"{}","tree":"{}","branches":"{}","rows":{},"baskets":{},"ranges_asked":{},"#,
            r#""coalesced":{{"round_trips":{},"readvs":{},"readv_chunks":{},"reads":{},"bytes":{},"secs":{:.3}}},"#,
            r#""per_basket":{{"round_trips":{},"reads":{},"bytes":{},"secs":{:.3}}}}}"#
        ),
        url,
        tree,
        branches,
        rows,
        baskets.len(),
        ranges,
        s.requests,
        s.readvs,
        s.readv_chunks,
        s.reads,
        bytes,
        coalesced_secs,
        p.requests,
        p.reads,
        plain_bytes,
        plain_secs
    ))
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let line = match args.get(1).map(String::as_str) {
        Some("get") if args.len() == 3 => rt.block_on(whole(&args[2]))?,
        Some("sparse") if args.len() == 5 => rt.block_on(sparse(&args[2], &args[3], &args[4]))?,
        _ => return Err("usage: xrd_read get URL | xrd_read sparse URL TREE branch,branch".into()),
    };
    writeln!(std::io::stdout().lock(), "{line}")?;
    Ok(())
}
