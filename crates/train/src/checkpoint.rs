//! checkpoint: the whole training state after an epoch (parameters, Adam moments and step, epoch, the
//! metrics so far, and what the run was started with), as one file written atomically:
//! `HADRONCK`, u32 version, u64 header length, JSON header, then parameters, m and v as little-endian f32.

use std::path::Path;

use hadron_nn::{Adam, ModelSpec};
use serde::{Deserialize, Serialize};

use crate::atomic;
use crate::error::{Error, Result};
use crate::metrics::EpochMetrics;

const MAGIC: &[u8; 8] = b"HADRONCK";
const VERSION: u32 = 1;

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
    history: Vec<EpochMetrics>,
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
            history: self.history.clone(),
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
        Ok(Checkpoint { key: h.key, epoch: h.epoch, params, adam, history: h.history })
    }
}
