//! Seconds per epoch of `hadron train` (the library's `train`, events in memory) at several thread counts on
//! seeded synthetic Parquet shards, for quick thread-scaling checks without building the CLI.
//!
//! `cargo run --release -p hadron-train --example threads -- [PRESET] [EVENTS] [EPOCHS] [THREADS,…]`
//! (defaults: hlf 200000 3 1,2). Prints one JSON line per thread count.

use std::time::Instant;

use hadron_train::synth::Synth;
use hadron_train::{Format, Quiet, TrainConfig, resolve_model, train};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let preset = args.first().map_or("hlf", String::as_str);
    let events: usize = args.get(1).map_or(Ok(200_000), |s| s.parse())?;
    let epochs: usize = args.get(2).map_or(Ok(3), |s| s.parse())?;
    let threads: Vec<usize> =
        args.get(3).map_or("1,2", String::as_str).split(',').map(str::parse).collect::<Result<_, _>>()?;
    let model = resolve_model(preset)?;
    let sequence = model.spec.inputs.len() > 1;
    let dir = tempfile::tempdir()?;
    let t0 = Instant::now();
    Synth::new(events, 4, 7, sequence).write(&dir.path().join("train"), Format::Parquet)?;
    Synth::new(events / 10, 1, 8, sequence).write(&dir.path().join("test"), Format::Parquet)?;
    eprintln!("shards written in {:.1} s", t0.elapsed().as_secs_f64());
    for t in threads {
        let mut cfg = TrainConfig::new(
            model.clone(),
            dir.path().join("train"),
            dir.path().join("test"),
            dir.path().join(format!("out{t}")),
        );
        cfg.epochs = epochs;
        cfg.threads = t;
        let out = train(&cfg, &mut Quiet)?;
        let secs: Vec<f64> = out.metrics.epochs.iter().map(|e| e.seconds).collect();
        let steady = if secs.len() > 1 { &secs[1..] } else { &secs[..] };
        let mean = steady.iter().sum::<f64>() / steady.len() as f64;
        let auc: Vec<String> = out.metrics.auc.iter().map(|a| format!("{a:.4}")).collect();
        let line = format!(
            "{{\"preset\":\"{preset}\",\"threads\":{t},\"seconds_per_epoch\":{mean:.4},\"epochs\":{secs:?},\"auc\":[{}]}}\n",
            auc.join(",")
        );
        std::io::Write::write_all(&mut std::io::stdout(), line.as_bytes())?;
    }
    Ok(())
}
