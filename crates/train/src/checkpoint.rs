//! checkpoint: the whole training state after an epoch (parameters, Adam moments and step, epoch, the
//! metrics so far, and what the run was started with), as one file written atomically:
//! `HADRONCK`, u32 version, u64 header length, JSON header (floats of the metrics as bit patterns), then
//! parameters, m and v as little-endian f32.

use std::path::Path;

use hadron_nn::{Adam, ModelSpec};
use serde::{Deserialize, Serialize};

use crate::atomic;
use crate::error::{Error, Result};
use crate::metrics::EpochMetrics;

const MAGIC: &[u8; 8] = b"HADRONCK";
const VERSION: u32 = 2;

/// What must match for a run to resume from a checkpoint.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunKey {
    /// The model description.
    pub model: ModelSpec,
    /// Seed.
    pub seed: u64,
    /// Events per batch.
    pub batch: usize,
    /// Micro-batches per batch.
    pub micro_batches: usize,
    /// Learning rate.
    pub learning_rate: f32,
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    key: RunKey,
    epoch: usize,
    adam_t: u64,
    params: usize,
    history: Vec<EpochBits>,
}

/// An epoch's figures with every float as its bit pattern: serde_json's parser can round a float written
/// as text one ulp away, and a resumed run must report exactly what an uninterrupted one does.
#[derive(Debug, Serialize, Deserialize)]
struct EpochBits {
    epoch: usize,
    events: u64,
    loss: u64,
    accuracy: u64,
    test_loss: u64,
    test_accuracy: u64,
    auc: Vec<u64>,
    seconds: u64,
    events_per_second: u64,
    steps_kept: u64,
}

impl From<&EpochMetrics> for EpochBits {
    fn from(m: &EpochMetrics) -> Self {
        EpochBits {
            epoch: m.epoch,
            events: m.events,
            loss: m.loss.to_bits(),
            accuracy: m.accuracy.to_bits(),
            test_loss: m.test_loss.to_bits(),
            test_accuracy: m.test_accuracy.to_bits(),
            auc: m.auc.iter().map(|a| a.to_bits()).collect(),
            seconds: m.seconds.to_bits(),
            events_per_second: m.events_per_second.to_bits(),
            steps_kept: m.steps_kept.to_bits(),
        }
    }
}

impl From<EpochBits> for EpochMetrics {
    fn from(b: EpochBits) -> Self {
        EpochMetrics {
            epoch: b.epoch,
            events: b.events,
            loss: f64::from_bits(b.loss),
            accuracy: f64::from_bits(b.accuracy),
            test_loss: f64::from_bits(b.test_loss),
            test_accuracy: f64::from_bits(b.test_accuracy),
            auc: b.auc.into_iter().map(f64::from_bits).collect(),
            seconds: f64::from_bits(b.seconds),
            events_per_second: f64::from_bits(b.events_per_second),
            steps_kept: f64::from_bits(b.steps_kept),
        }
    }
}

/// A training state.
#[derive(Debug, Clone)]
pub struct Checkpoint {
    /// What the run was started with.
    pub key: RunKey,
    /// Epochs completed.
    pub epoch: usize,
    /// Parameters.
    pub params: Vec<f32>,
    /// Optimiser state.
    pub adam: Adam,
    /// Metrics of the completed epochs.
    pub history: Vec<EpochMetrics>,
}

impl Checkpoint {
    /// Writes the checkpoint to `path` atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        let h = Header {
            key: self.key.clone(),
            epoch: self.epoch,
            adam_t: self.adam.t,
            params: self.params.len(),
            history: self.history.iter().map(EpochBits::from).collect(),
        };
        let json = serde_json::to_vec(&h).map_err(|e| Error::Checkpoint {
            file: path.display().to_string(),
            what: format!("cannot encode header: {e}"),
        })?;
        let mut out = Vec::with_capacity(20 + json.len() + 12 * self.params.len());
        out.extend_from_slice(MAGIC);
        out.extend_from_slice(&VERSION.to_le_bytes());
        out.extend_from_slice(&(json.len() as u64).to_le_bytes());
        out.extend_from_slice(&json);
        for v in [&self.params, &self.adam.m, &self.adam.v] {
            out.extend(v.iter().flat_map(|x| x.to_le_bytes()));
        }
        atomic::write(path, &out)
    }

    /// Reads a checkpoint written by [`Checkpoint::save`].
    pub fn load(path: &Path) -> Result<Self> {
        let file = path.display().to_string();
        let bad = |what: String| Error::Checkpoint { file: file.clone(), what };
        let bytes = std::fs::read(path).map_err(|e| Error::io(format!("reading {file}"), e))?;
        if bytes.len() < 20 || &bytes[..8] != MAGIC {
            return Err(bad("not a hadron checkpoint (bad magic)".into()));
        }
        let version = u32::from_le_bytes([bytes[8], bytes[9], bytes[10], bytes[11]]);
        if version != VERSION {
            return Err(bad(format!("version {version}, this build reads {VERSION}")));
        }
        let mut len8 = [0u8; 8];
        len8.copy_from_slice(&bytes[12..20]);
        let hlen = usize::try_from(u64::from_le_bytes(len8)).unwrap_or(usize::MAX);
        let body = bytes.get(20..).unwrap_or_default();
        let json = body.get(..hlen).ok_or_else(|| bad(format!("header of {hlen} bytes past the end")))?;
        let h: Header = serde_json::from_slice(json).map_err(|e| bad(format!("bad header: {e}")))?;
        let floats = &body[hlen..];
        if floats.len() != 12 * h.params {
            return Err(bad(format!(
                "{} bytes of state for {} parameters (want {})",
                floats.len(),
                h.params,
                12 * h.params
            )));
        }
        let mut vecs = floats
            .chunks_exact(4 * h.params.max(1))
            .map(|c| c.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect::<Vec<f32>>());
        let mut next = || vecs.next().unwrap_or_default();
        let (params, m, v) = (next(), next(), next());
        let mut adam = Adam::with_lr(h.params, h.key.learning_rate);
        adam.m = m;
        adam.v = v;
        adam.t = h.adam_t;
        let history = h.history.into_iter().map(EpochMetrics::from).collect();
        Ok(Checkpoint { key: h.key, epoch: h.epoch, params, adam, history })
    }
}
