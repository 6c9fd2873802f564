//! synth: a small seeded generator of shards with the pipeline's columns (`HLF_input` 14 floats, `GRU_input`
//! 801×19 floats flattened particle-major and zero-padded after the event's particles, `encoded_label`
//! one-hot, `label`), with separable classes so that accuracy and AUC mean something; written as Parquet
//! or TFRecord shards. It stands in for the pipeline's shards in tests and benchmarks.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use arrow_array::builder::{Float32Builder, ListBuilder};
use arrow_array::{ArrayRef, Int64Array, RecordBatch};
use hadron_nn::Rng;
use hadron_tfrecord::{Compression, ExampleFileWriter, shard_name};
use parquet::arrow::ArrowWriter;

use crate::error::{Error, Result};
use crate::parallel::mix;
use crate::shards::Format;

/// One generated event: HLF values, GRU values (empty unless `sequence`), class.
type Row = (Vec<f32>, Vec<f32>, usize);

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct Synth {
    /// Total events.
    pub events: usize,
    /// Number of shard files (events dealt in contiguous runs).
    pub shards: usize,
    /// Seed; shard s draws from its own stream, so shards can be made independently.
    pub seed: u64,
    /// Write `GRU_input` (801×19 per event: large); off for HLF-only data.
    pub sequence: bool,
    /// Steps of `GRU_input`.
    pub steps: usize,
    /// Features per step.
    pub features: usize,
    /// `HLF_input` width.
    pub hlf: usize,
    /// Classes.
    pub classes: usize,
    /// Class separation (feature shift of the informative features).
    pub shift: f32,
}

impl Synth {
    /// The reference shapes (14 HLF, 801×19 LLF, 3 classes).
    pub fn new(events: usize, shards: usize, seed: u64, sequence: bool) -> Self {
        Synth {
            events,
            shards: shards.max(1),
            seed,
            sequence,
            steps: 801,
            features: 19,
            hlf: 14,
            classes: 3,
            shift: 0.25,
        }
    }

    /// Events of shard `s`.
    pub fn shard_events(&self, s: usize) -> usize {
        (s + 1) * self.events / self.shards - s * self.events / self.shards
    }

    /// Generates shard `s`'s events as (HLF, GRU (empty unless `sequence`), class).
    pub fn generate(&self, s: usize, f: &mut dyn FnMut(Vec<f32>, Vec<f32>, usize) -> Result<()>) -> Result<()> {
        let mut rng = Rng::seed(mix(self.seed ^ mix(s as u64)));
        let c = self.classes;
        for _ in 0..self.shard_events(s) {
            let k = ((rng.uniform() * c as f32) as usize).min(c - 1);
            let hlf =
                (0..self.hlf).map(|i| rng.uniform() + if i % c == k { self.shift } else { 0.0 }).collect::<Vec<f32>>();
            let mut gru = Vec::new();
            if self.sequence {
                let f = self.features;
                gru = vec![0.0f32; self.steps * f];
                // Particle count grows with the class; features of live particles are shifted by class.
                let live = ((8.0 + 8.0 * k as f32 + rng.uniform() * 24.0) as usize).min(self.steps);
                for t in 0..live {
                    for j in 0..f {
                        let v = 0.01 + rng.uniform() + if j % c == k { self.shift } else { 0.0 };
                        gru[t * f + j] = v;
                    }
                }
            }
            f(hlf, gru, k)?;
        }
        Ok(())
    }

    /// The Arrow batch of rows (hlf, gru, class).
    fn batch(&self, rows: &[Row]) -> Result<RecordBatch> {
        let list = |get: &dyn Fn(&Row) -> Vec<f32>| -> ArrayRef {
            let mut b = ListBuilder::new(Float32Builder::new());
            for r in rows {
                b.values().append_slice(&get(r));
                b.append(true);
            }
            Arc::new(b.finish())
        };
        let c = self.classes;
        let mut cols: Vec<(&str, ArrayRef)> = vec![("HLF_input", list(&|r| r.0.clone()))];
        if self.sequence {
            cols.push(("GRU_input", list(&|r| r.1.clone())));
        }
        cols.push(("encoded_label", list(&|r| (0..c).map(|i| if i == r.2 { 1.0 } else { 0.0 }).collect())));
        cols.push(("label", Arc::new(Int64Array::from_iter_values(rows.iter().map(|r| r.2 as i64)))));
        RecordBatch::try_from_iter(cols).map_err(|e| Error::Config(format!("synthetic batch: {e}")))
    }

    /// Writes the shards into `dir` (created) as `part-0000s-of-0000N.{parquet,tfrecord}`; returns their paths.
    pub fn write(&self, dir: &Path, format: Format) -> Result<Vec<PathBuf>> {
        std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
        let mut paths = Vec::new();
        for s in 0..self.shards {
            let name = match format {
                Format::TfRecord => shard_name(s, self.shards, Compression::None),
                Format::Parquet => format!("part-{s:05}-of-{:05}.parquet", self.shards),
            };
            let path = dir.join(name);
            let file = path.display().to_string();
            let mut rows: Vec<Row> = Vec::new();
            match format {
                Format::TfRecord => {
                    let mut w = ExampleFileWriter::create(&path, Compression::None)
                        .map_err(|e| Error::shard(&file, e.to_string()))?;
                    let mut flush = |rows: &mut Vec<Row>| -> Result<()> {
                        let b = self.batch(rows)?;
                        rows.clear();
                        w.write_batch(&b).map_err(|e| Error::shard(&file, e.to_string()))
                    };
                    self.generate(s, &mut |h, g, k| {
                        rows.push((h, g, k));
                        if rows.len() == 256 { flush(&mut rows) } else { Ok(()) }
                    })?;
                    flush(&mut rows)?;
                    w.finish().map_err(|e| Error::shard(&file, e.to_string()))?;
                }
                Format::Parquet => {
                    let tmp = crate::atomic::temp_path(&path);
                    let fh =
                        std::fs::File::create(&tmp).map_err(|e| Error::io(format!("creating {}", tmp.display()), e))?;
                    let mut w: Option<ArrowWriter<std::fs::File>> = None;
                    let mut fh = Some(fh);
                    let mut flush = |rows: &mut Vec<Row>| -> Result<()> {
                        let b = self.batch(rows)?;
                        rows.clear();
                        if w.is_none() {
                            let f = fh.take().ok_or_else(|| Error::shard(&file, "writer lost"))?;
                            w = Some(
                                ArrowWriter::try_new(f, b.schema(), None)
                                    .map_err(|e| Error::shard(&file, e.to_string()))?,
                            );
                        }
                        match w.as_mut() {
                            Some(w) => w.write(&b).map_err(|e| Error::shard(&file, e.to_string())),
                            None => Ok(()),
                        }
                    };
                    self.generate(s, &mut |h, g, k| {
                        rows.push((h, g, k));
                        if rows.len() == 256 { flush(&mut rows) } else { Ok(()) }
                    })?;
                    flush(&mut rows)?;
                    if let Some(w) = w {
                        w.close().map_err(|e| Error::shard(&file, e.to_string()))?;
                    }
                    std::fs::rename(&tmp, &path).map_err(|e| Error::io(format!("renaming {}", tmp.display()), e))?;
                }
            }
            paths.push(path);
        }
        Ok(paths)
    }
}
