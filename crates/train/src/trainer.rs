//! trainer: the training loop. Per epoch: a shuffled pass over the training shards, one deterministic data-
//! parallel gradient and one Adam step per batch, a test pass (loss, accuracy, per-class ROC AUC), a
//! checkpoint and `metrics.json`; at the end `model.onnx` and `roc.png`. All randomness is a function of
//! the seed, the epoch and the global step, so a resumed run equals an uninterrupted one. Shards whose decoded
//! events fit `cache_bytes` are decoded once into a [`Table`]; the batches are the same either way.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use hadron_nn::onnx::{ExportOptions, export};
use hadron_nn::{Adam, Model};

use crate::atomic;
use crate::checkpoint::{Checkpoint, RunKey};
use crate::dist::{self, Cluster};
use crate::error::{Error, Result};
use crate::loader::{self, Pass, Source};
use crate::metrics::{EpochMetrics, Metrics, TestScores, class_names, score};
use crate::parallel::{Engine, mix};
use crate::plot::roc_figure;
use crate::shards::{self, Columns, Format};
use crate::table::Table;

/// File names inside the output directory.
pub const MODEL_FILE: &str = "model.onnx";
/// See [`MODEL_FILE`].
pub const METRICS_FILE: &str = "metrics.json";
/// See [`MODEL_FILE`].
pub const ROC_FILE: &str = "roc.png";
/// See [`MODEL_FILE`].
pub const CHECKPOINT_FILE: &str = "checkpoint.bin";

/// Everything a training run needs.
#[derive(Debug, Clone)]
pub struct TrainConfig {
    /// The model.
    pub model: Model,
    /// Training shards (a file or a directory).
    pub train: PathBuf,
    /// Test shards (a file or a directory).
    pub test: PathBuf,
    /// Output directory.
    pub out: PathBuf,
    /// Shard format when a directory holds both (default: Parquet).
    pub format: Option<Format>,
    /// Epochs to reach (counting those of a resumed checkpoint).
    pub epochs: usize,
    /// Events per batch (before `scale_lr_with_workers`).
    pub batch: usize,
    /// Worker threads.
    pub threads: usize,
    /// Micro-batches per batch: the unit of work of a thread and of the fixed-order gradient sum. The
    /// result depends on it, not on `threads`; it bounds the useful thread count.
    pub micro_batches: usize,
    /// Adam learning rate (before `scale_lr_with_workers`).
    pub learning_rate: f32,
    /// Seed of initialisation, shard order, shuffling and dropout.
    pub seed: u64,
    /// Events in the shuffle buffer.
    pub shuffle_buffer: usize,
    /// Events per test batch.
    pub test_batch: usize,
    /// Skip steps of masked sequence inputs that are padding in every event of a micro-batch.
    pub skip_padded: bool,
    /// The reference's scaling rule: batch × n and learning rate × n, n = threads × replicas.
    pub scale_lr_with_workers: bool,
    /// Other processes training the same model (`--workers`, `--rank`): gradients are exchanged over gRPC.
    pub cluster: Option<Cluster>,
    /// Continue from `out/checkpoint.bin`.
    pub resume: bool,
    /// Memory budget for decoded events: training and test shards that fit together are decoded once and
    /// kept (0: decode every pass).
    pub cache_bytes: u64,
}

/// Default of [`TrainConfig::cache_bytes`]: 4 GiB.
pub const DEFAULT_CACHE_BYTES: u64 = 4 << 30;

impl TrainConfig {
    /// A run with the reference's settings (batch 128, Adam 1e-3) and one thread.
    pub fn new(model: Model, train: impl Into<PathBuf>, test: impl Into<PathBuf>, out: impl Into<PathBuf>) -> Self {
        TrainConfig {
            model,
            train: train.into(),
            test: test.into(),
            out: out.into(),
            format: None,
            epochs: 5,
            batch: 128,
            threads: 1,
            micro_batches: 8,
            learning_rate: 1e-3,
            seed: 42,
            shuffle_buffer: 2048,
            test_batch: 1024,
            skip_padded: true,
            scale_lr_with_workers: false,
            cluster: None,
            resume: false,
            cache_bytes: DEFAULT_CACHE_BYTES,
        }
    }

    /// Batch and learning rate after the scaling rule.
    pub fn effective(&self) -> (usize, f32) {
        if self.scale_lr_with_workers {
            let n = self.threads * self.cluster.as_ref().map_or(1, Cluster::size);
            (self.batch * n, self.learning_rate * n as f32)
        } else {
            (self.batch, self.learning_rate)
        }
    }
}

/// Running figures of the epoch in progress.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Progress {
    /// Events so far in this epoch.
    pub events: u64,
    /// Mean training loss so far.
    pub loss: f64,
    /// Training accuracy so far.
    pub accuracy: f64,
    /// Events per second so far.
    pub events_per_second: f64,
}

/// Receives progress (the CLI draws a Keras-style bar with it).
pub trait Observer {
    /// The `part` ("training" or "test") events were decoded into memory.
    fn cached(&mut self, _part: &str, _table: &Table) {}
    /// An epoch begins; `events` is the training set size when known.
    fn epoch_start(&mut self, _epoch: usize, _epochs: usize, _events: Option<u64>) {}
    /// A batch was trained.
    fn batch(&mut self, _p: &Progress) {}
    /// The test pass begins.
    fn testing(&mut self) {}
    /// An epoch ended.
    fn epoch_end(&mut self, _m: &EpochMetrics) {}
}

/// An observer that ignores everything.
#[derive(Debug, Default)]
pub struct Quiet;

impl Observer for Quiet {}

/// What a run produced.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The `metrics.json` document.
    pub metrics: Metrics,
    /// Final parameters.
    pub params: Vec<f32>,
}

fn test_pass(engine: &mut Engine, params: &[f32], source: &Source, cols: &Columns, batch: usize) -> Result<TestScores> {
    let rx = loader::start(Pass { source: source.clone(), columns: cols.clone(), batch, shuffle: None })?;
    let (mut probs, mut labels) = (Vec::new(), Vec::new());
    for b in rx {
        let b = b?;
        probs.extend(engine.predict(params, &b)?);
        labels.extend_from_slice(&b.labels);
    }
    Ok(score(&probs, &labels, cols.classes))
}

fn write_json(path: &Path, m: &Metrics) -> Result<()> {
    let text =
        serde_json::to_string_pretty(m).map_err(|e| Error::Config(format!("cannot encode {}: {e}", path.display())))?;
    atomic::write(path, format!("{text}\n").as_bytes())
}

/// Where the passes read: decoded tables when training and test events fit `cfg.cache_bytes` together.
fn sources(
    cfg: &TrainConfig,
    train: &[PathBuf],
    test: &[PathBuf],
    cols: &Columns,
    obs: &mut dyn Observer,
) -> Result<(Source, Source)> {
    let files = || (Source::Files(train.to_vec()), Source::Files(test.to_vec()));
    if cfg.cache_bytes == 0 || Table::decoded_bytes(train, cols)? + Table::decoded_bytes(test, cols)? > cfg.cache_bytes
    {
        return Ok(files());
    }
    let tr = Table::load(train, cols)?;
    obs.cached("training", &tr);
    let te = Table::load(test, cols)?;
    obs.cached("test", &te);
    Ok((Source::Table(Arc::new(tr)), Source::Table(Arc::new(te))))
}

/// Trains as `cfg` says, writing `model.onnx`, `metrics.json`, `roc.png` and `checkpoint.bin` into `cfg.out`.
pub fn train(cfg: &TrainConfig, obs: &mut dyn Observer) -> Result<Outcome> {
    let (batch, lr) = cfg.effective();
    if cfg.epochs == 0 || cfg.test_batch == 0 {
        return Err(Error::Config("epochs and test batch must be at least 1".into()));
    }
    let model = &cfg.model;
    let cols = Columns::of(model);
    let train_files = shards::find(&cfg.train, cfg.format)?;
    let test_files = shards::find(&cfg.test, cfg.format)?;
    std::fs::create_dir_all(&cfg.out).map_err(|e| Error::io(format!("creating {}", cfg.out.display()), e))?;
    let key = RunKey {
        model: model.spec.clone(),
        seed: cfg.seed,
        batch,
        micro_batches: cfg.micro_batches,
        learning_rate: lr,
    };
    let ck_path = cfg.out.join(CHECKPOINT_FILE);
    let (mut params, mut adam, mut history) = if cfg.resume {
        let ck = Checkpoint::load(&ck_path)?;
        if ck.key != key {
            return Err(Error::Checkpoint {
                file: ck_path.display().to_string(),
                what: "written by a run with another model, seed, batch, micro-batches or learning rate".into(),
            });
        }
        (ck.params, ck.adam, ck.history)
    } else {
        (model.init_params(cfg.seed), Adam::with_lr(model.num_params(), lr), Vec::new())
    };
    // Decoded only once the run is known to be valid (a refused checkpoint costs no decoding).
    let (train_src, test_src) = sources(cfg, &train_files, &test_files, &cols, obs)?;
    let mut known: Option<u64> = match &train_src {
        Source::Table(t) => Some(t.n as u64),
        Source::Files(f) if f.iter().all(|f| Format::of(f) == Some(Format::Parquet)) => {
            Some(f.iter().map(|f| shards::count(f)).sum::<Result<u64>>()?)
        }
        Source::Files(_) => None,
    };
    let mut engine = Engine::new(model.clone(), cfg.threads, cfg.micro_batches, batch, cfg.skip_padded)?;
    if let Some(cluster) = &cfg.cluster {
        let reducer = dist::connect(cluster, dist::run_identity(&key), cfg.micro_batches, model.num_params(), adam.t)?;
        engine = engine.with_replicas(cluster.rank, cluster.size(), reducer)?;
    }
    let mut metrics = Metrics {
        model: model.spec.name.clone(),
        classes: class_names(model.classes),
        threads: cfg.threads,
        batch,
        learning_rate: lr,
        seed: cfg.seed,
        test_events: 0,
        epochs: history.clone(),
        auc: history.last().map(|m| m.auc.clone()).unwrap_or_default(),
    };
    let mut last_scores = None;
    for epoch in history.len() + 1..=cfg.epochs {
        obs.epoch_start(epoch, cfg.epochs, known);
        let pass = Pass {
            source: train_src.clone(),
            columns: cols.clone(),
            batch,
            shuffle: Some((cfg.shuffle_buffer, mix(cfg.seed ^ mix(epoch as u64)))),
        };
        let mut rx = loader::start(pass)?;
        let start = Instant::now();
        let counts0 = engine.step_counts();
        let (mut events, mut loss, mut correct) = (0u64, 0.0f64, 0u64);
        while let Some(next) = rx.next_ref() {
            let next = next?;
            let b = next.as_ref();
            let st = engine.step(&mut params, &mut adam, b, cfg.seed)?;
            events += b.len() as u64;
            loss += st.loss_sum;
            correct += st.correct as u64;
            let e = events.max(1) as f64;
            let secs = start.elapsed().as_secs_f64();
            obs.batch(&Progress {
                events,
                loss: loss / e,
                accuracy: correct as f64 / e,
                events_per_second: events as f64 / secs.max(1e-9),
            });
        }
        let seconds = start.elapsed().as_secs_f64();
        known = Some(events);
        let counts1 = engine.step_counts();
        let (dk, dt) = (counts1.0 - counts0.0, counts1.1 - counts0.1);
        obs.testing();
        let sc = test_pass(&mut engine, &params, &test_src, &cols, cfg.test_batch)?;
        let e = events.max(1) as f64;
        let m = EpochMetrics {
            epoch,
            loss: loss / e,
            accuracy: correct as f64 / e,
            test_loss: sc.loss,
            test_accuracy: sc.accuracy,
            auc: sc.auc.clone(),
            events,
            seconds,
            events_per_second: events as f64 / seconds.max(1e-9),
            steps_kept: if dt == 0 { 1.0 } else { dk as f64 / dt as f64 },
        };
        history.push(m.clone());
        metrics.epochs = history.clone();
        metrics.auc = sc.auc.clone();
        metrics.test_events = sc.events as u64;
        Checkpoint { key: key.clone(), epoch, params: params.clone(), adam: adam.clone(), history: history.clone() }
            .save(&ck_path)?;
        write_json(&cfg.out.join(METRICS_FILE), &metrics)?;
        obs.epoch_end(&m);
        last_scores = Some(sc);
    }
    let sc = match last_scores {
        Some(s) => s,
        None => test_pass(&mut engine, &params, &test_src, &cols, cfg.test_batch)?,
    };
    metrics.test_events = sc.events as u64;
    metrics.auc = sc.auc.clone();
    write_json(&cfg.out.join(METRICS_FILE), &metrics)?;
    atomic::write(&cfg.out.join(ROC_FILE), &roc_figure(&sc.roc, &sc.auc).png())?;
    atomic::write(&cfg.out.join(MODEL_FILE), &export(model, &params, ExportOptions::default())?)?;
    Ok(Outcome { metrics, params })
}
