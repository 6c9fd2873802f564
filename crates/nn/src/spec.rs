//! spec: the declarative model description (JSON: inputs, branches of layers, a head after their
//! concatenation) and the three reference presets `hlf`, `gru`, `inclusive`.

use crate::dense::Activation;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};

/// A model: named inputs, one branch per input use (concatenated in order), then a head.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ModelSpec {
    /// Model name (used in messages and the ONNX graph name).
    pub name: String,
    /// Inputs in the order batches give them.
    pub inputs: Vec<InputSpec>,
    /// Branches; their outputs are concatenated (first branch first) and fed to the head.
    pub branches: Vec<BranchSpec>,
    /// Layers after the concatenation; may be empty for a single branch. The model's last layer must be
    /// a softmax `dense` (the loss is categorical cross-entropy).
    #[serde(default)]
    pub head: Vec<LayerSpec>,
}

/// One input: a vector (`[features]`) or a sequence (`[steps, features]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct InputSpec {
    /// Name (the shard column, e.g. `HLF_input`, `GRU_input`).
    pub name: String,
    /// Shape of one sample.
    pub shape: Vec<usize>,
}

/// A chain of layers applied to one input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BranchSpec {
    /// Name of the input this branch reads.
    pub input: String,
    /// Layers in order. A sequence input must start with an optional `masking` and a `gru`.
    pub layers: Vec<LayerSpec>,
}

/// One layer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "lowercase", deny_unknown_fields)]
pub enum LayerSpec {
    /// Keras `Masking(mask_value)`: steps whose features all equal `value` are skipped by the next GRU.
    Masking {
        /// The mask value.
        value: f32,
    },
    /// Keras `GRU(units)` (reset_after, tanh / sigmoid), returning the last state.
    Gru {
        /// State width.
        units: usize,
    },
    /// Keras `Dropout(rate)`.
    Dropout {
        /// Fraction dropped at train time.
        rate: f32,
    },
    /// Keras `Dense(units, activation)`.
    Dense {
        /// Output width.
        units: usize,
        /// Activation.
        activation: Activation,
    },
}

const PRESETS: [(&str, &str); 3] = [
    ("hlf", include_str!("../models/hlf.json")),
    ("gru", include_str!("../models/gru.json")),
    ("inclusive", include_str!("../models/inclusive.json")),
];

impl ModelSpec {
    /// Parses a JSON model description; `label` names it in errors (e.g. the file name).
    pub fn from_json(label: &str, text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| Error::spec(label, format!("invalid model description: {e}")))
    }

    /// Reads a JSON model description from a file.
    pub fn from_file(path: &std::path::Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(format!("reading {}", path.display()), e))?;
        Self::from_json(&path.display().to_string(), &text)
    }

    /// One of the reference presets: `hlf`, `gru` or `inclusive`.
    pub fn preset(name: &str) -> Result<Self> {
        let (_, text) = PRESETS.iter().find(|(n, _)| *n == name).ok_or_else(|| {
            let known: Vec<&str> = PRESETS.iter().map(|(n, _)| *n).collect();
            Error::spec(name, format!("no such preset (known: {})", known.join(", ")))
        })?;
        Self::from_json(name, text)
    }

    /// Names of the presets.
    pub fn preset_names() -> impl Iterator<Item = &'static str> {
        PRESETS.iter().map(|(n, _)| *n)
    }

    /// The description as pretty JSON.
    pub fn to_json(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}
