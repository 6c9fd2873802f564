//! `hadron train`: trains a model preset or JSON model on Parquet / TFRecord shards with hadron-train, with a
//! Keras-style progress bar; writes `model.onnx`, `metrics.json`, `roc.png` and a checkpoint into `--out`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::Result;
use clap::{Args, ValueEnum};
use hadron_train::dist::Cluster;
use hadron_train::metrics::{EpochMetrics, class_names};
use hadron_train::{Format, Observer, Progress, Table, TrainConfig};
use indicatif::{ProgressBar, ProgressStyle};

/// Shard format choice.
#[derive(Debug, Clone, Copy, ValueEnum)]
enum ShardFormat {
    Parquet,
    Tfrecord,
}

/// Arguments of `hadron train`.
#[derive(Debug, Args)]
pub struct TrainArgs {
    /// Model: a preset (`hlf`, `gru`, `inclusive`) or a JSON model file.
    #[arg(long)]
    model: String,
    /// Training shards: a directory (searched recursively) or one file.
    #[arg(long)]
    train: PathBuf,
    /// Test shards: a directory (searched recursively) or one file.
    #[arg(long)]
    test: PathBuf,
    /// Output directory: model.onnx, metrics.json, roc.png, checkpoint.bin.
    #[arg(long)]
    out: PathBuf,
    /// Epochs to reach (a resumed run counts the checkpoint's).
    #[arg(long, default_value_t = 5)]
    epochs: usize,
    /// Events per batch.
    #[arg(long, default_value_t = 128)]
    batch: usize,
    /// Worker threads (results do not depend on it).
    #[arg(long, default_value_t = 1)]
    threads: usize,
    /// Micro-batches per batch: the fixed unit of the gradient sum (must be ≥ threads; results depend on it).
    #[arg(long, default_value_t = 8)]
    micro_batches: usize,
    /// Adam learning rate.
    #[arg(long, default_value_t = 1e-3)]
    lr: f32,
    /// Seed of initialisation, shuffling and dropout.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Events held in the shuffle buffer.
    #[arg(long, default_value_t = 2048)]
    shuffle_buffer: usize,
    /// Events per test batch.
    #[arg(long, default_value_t = 1024)]
    test_batch: usize,
    /// Shard format when a directory holds both (default: Parquet).
    #[arg(long, value_enum)]
    format: Option<ShardFormat>,
    /// Run every sequence step, even those padded in a whole micro-batch.
    #[arg(long)]
    no_skip_padded: bool,
    /// The reference's scaling rule: batch × n and learning rate × n, n = threads × workers.
    #[arg(long)]
    scale_lr_with_workers: bool,
    /// Train with other processes: every replica's host:port in rank order (the first one serves the
    /// gradient exchange over gRPC). Every replica runs the same command with its own --rank.
    #[arg(long, value_name = "HOST:PORT,...")]
    workers: Option<String>,
    /// This process's index in --workers.
    #[arg(long, default_value_t = 0, requires = "workers")]
    rank: usize,
    /// Continue from OUT/checkpoint.bin.
    #[arg(long)]
    resume: bool,
    /// Memory for decoded events, in MiB: when the training and test shards fit, they are decoded once and
    /// every epoch reads them from memory (as Keras's fit on arrays); 0 decodes the shards every epoch.
    #[arg(long, value_name = "MIB", default_value_t = hadron_train::DEFAULT_CACHE_BYTES >> 20)]
    cache_mb: u64,
}

/// Keras-like console output: a bar per epoch on stderr (hidden when not a terminal), a line per epoch on `out`.
struct Console<'a> {
    out: &'a mut dyn Write,
    bar: Option<ProgressBar>,
    batch: usize,
    classes: Vec<String>,
}

impl Observer for Console<'_> {
    fn cached(&mut self, part: &str, t: &Table) {
        let _ = writeln!(
            self.out,
            "{part} events in memory: {} events, {:.1} MB, decoded in {:.2}s",
            t.n,
            t.bytes() as f64 / 1e6,
            t.load_seconds
        );
    }

    fn epoch_start(&mut self, epoch: usize, epochs: usize, events: Option<u64>) {
        let _ = writeln!(self.out, "Epoch {epoch}/{epochs}");
        let bar = match events {
            Some(n) => {
                let b = ProgressBar::new(n.div_ceil(self.batch as u64));
                let style = ProgressStyle::with_template("{pos:>6}/{len} [{bar:30}] {elapsed} - {msg}")
                    .map(|s| s.progress_chars("=>."))
                    .unwrap_or_else(|_| ProgressStyle::default_bar());
                b.set_style(style);
                b
            }
            None => ProgressBar::new_spinner(),
        };
        self.bar = Some(bar);
    }

    fn batch(&mut self, p: &Progress) {
        if let Some(b) = &self.bar {
            b.inc(1);
            b.set_message(format!(
                "loss: {:.4} - accuracy: {:.4} - {:.0} events/s",
                p.loss, p.accuracy, p.events_per_second
            ));
        }
    }

    fn testing(&mut self) {
        if let Some(b) = &self.bar {
            b.set_message(format!("{} - testing", b.message()));
        }
    }

    fn epoch_end(&mut self, m: &EpochMetrics) {
        if let Some(b) = self.bar.take() {
            b.finish_and_clear();
        }
        let auc: Vec<String> = self.classes.iter().zip(&m.auc).map(|(c, a)| format!("{c} {a:.4}")).collect();
        let _ = writeln!(
            self.out,
            "{} events - {:.1}s - {:.0} events/s - loss: {:.4} - accuracy: {:.4} - test_loss: {:.4} - test_accuracy: {:.4} - auc: {}",
            m.events,
            m.seconds,
            m.events_per_second,
            m.loss,
            m.accuracy,
            m.test_loss,
            m.test_accuracy,
            auc.join(", ")
        );
    }
}

/// Runs `hadron train`.
pub fn run(a: TrainArgs, out: &mut dyn Write) -> Result<()> {
    let model = hadron_train::resolve_model(&a.model)?;
    let mut cfg = TrainConfig::new(model, a.train, a.test, a.out);
    cfg.format = a.format.map(|f| match f {
        ShardFormat::Parquet => Format::Parquet,
        ShardFormat::Tfrecord => Format::TfRecord,
    });
    cfg.epochs = a.epochs;
    cfg.batch = a.batch;
    cfg.threads = a.threads;
    cfg.micro_batches = a.micro_batches;
    cfg.learning_rate = a.lr;
    cfg.seed = a.seed;
    cfg.shuffle_buffer = a.shuffle_buffer;
    cfg.test_batch = a.test_batch;
    cfg.skip_padded = !a.no_skip_padded;
    cfg.scale_lr_with_workers = a.scale_lr_with_workers;
    cfg.resume = a.resume;
    cfg.cache_bytes = a.cache_mb.saturating_mul(1 << 20);
    cfg.cluster = a.workers.as_deref().map(|w| Cluster::parse(w, a.rank)).transpose()?;
    let classes = class_names(cfg.model.classes);
    let mut console = Console { out, bar: None, batch: cfg.effective().0, classes };
    hadron_train::train(&cfg, &mut console)?;
    writeln!(console.out, "wrote {}/{{model.onnx, metrics.json, roc.png}}", cfg.out.display())?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use hadron_train::Format;
    use hadron_train::metrics::Metrics;
    use hadron_train::synth::Synth;

    #[test]
    fn trains_and_writes_parseable_outputs() {
        let d = tempfile::tempdir().unwrap();
        Synth::new(400, 2, 1, false).write(&d.path().join("train"), Format::TfRecord).unwrap();
        Synth::new(100, 1, 2, false).write(&d.path().join("test"), Format::TfRecord).unwrap();
        let p = |s: &str| d.path().join(s).display().to_string();
        let args: Vec<String> = ["hadron", "train", "--model", "hlf", "--train", &p("train"), "--test", &p("test")]
            .iter()
            .map(|s| s.to_string())
            .chain(["--out".into(), p("out"), "--epochs".into(), "2".into(), "--threads".into(), "2".into()])
            .collect();
        let (mut out, mut err) = (Vec::new(), Vec::new());
        let code = crate::run(&args, &mut out, &mut err);
        let (out, err) = (String::from_utf8(out).unwrap(), String::from_utf8(err).unwrap());
        assert_eq!(code, 0, "{out}\n{err}");
        assert!(out.contains("Epoch 1/2") && out.contains("Epoch 2/2"), "{out}");
        assert!(out.contains("400 events") && out.contains("auc: qcd "), "{out}");
        let m: Metrics =
            serde_json::from_str(&std::fs::read_to_string(d.path().join("out/metrics.json")).unwrap()).unwrap();
        assert_eq!((m.epochs.len(), m.threads, m.batch, m.test_events), (2, 2, 128, 100));
        assert!(d.path().join("out/model.onnx").is_file() && d.path().join("out/roc.png").is_file());
        // Resuming to 3 epochs runs one more.
        let mut more = args.clone();
        let n = more.len();
        more[n - 3] = "3".into();
        more.push("--resume".into());
        let mut out = Vec::new();
        assert_eq!(crate::run(&more, &mut out, &mut Vec::new()), 0);
        let out = String::from_utf8(out).unwrap();
        assert!(out.contains("Epoch 3/3") && !out.contains("Epoch 2/3"), "{out}");
        // A missing directory is an error that names it.
        let bad: Vec<String> =
            ["hadron", "train", "--model", "hlf", "--train", "/nonexistent/x", "--test", "/x", "--out", "/tmp/x"]
                .iter()
                .map(|s| s.to_string())
                .collect();
        let mut err = Vec::new();
        assert_eq!(crate::run(&bad, &mut Vec::new(), &mut err), 1);
        assert!(String::from_utf8(err).unwrap().contains("/nonexistent/x"));
    }
}
