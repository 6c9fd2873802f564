//! Writes seeded synthetic shards with the pipeline's columns (separable classes) for tests and benchmarks.
//!
//! `cargo run --release -p hadron-train --example synth -- DIR EVENTS [--shards N] [--seed S]
//!  [--sequence] [--format parquet|tfrecord]`

use hadron_train::Format;
use hadron_train::synth::Synth;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(events)) = (args.get(1), args.get(2)) else {
        return Err("usage: synth DIR EVENTS [--shards N] [--seed S] [--sequence] [--format parquet|tfrecord]".into());
    };
    let opt = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1));
    let shards = opt("--shards").map_or(Ok(4), |s| s.parse())?;
    let seed = opt("--seed").map_or(Ok(1), |s| s.parse())?;
    let format = match opt("--format").map(String::as_str) {
        None | Some("parquet") => Format::Parquet,
        Some("tfrecord") => Format::TfRecord,
        Some(other) => return Err(format!("unknown format {other}").into()),
    };
    let s = Synth::new(events.parse()?, shards, seed, args.iter().any(|a| a == "--sequence"));
    let paths = s.write(std::path::Path::new(dir), format)?;
    let line = format!("wrote {} events in {} shards under {dir}\n", s.events, paths.len());
    std::io::Write::write_all(&mut std::io::stderr(), line.as_bytes())?;
    Ok(())
}
