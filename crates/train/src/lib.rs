//! hadron-train: training hadron-nn models on Parquet / TFRecord shards. Layers: [`shards`] (files → events;
//! [`table`]: decoded once into memory) → [`loader`] (shuffle buffer, batches, background thread) → [`compact`] (skip padded steps) →
//! [`parallel`] (threads, micro-batches, fixed-order gradient sum; [`dist`]: across processes over gRPC) → [`trainer`] (epochs, test pass,
//! [`metrics`], [`plot`], [`checkpoint`], ONNX); [`synth`] makes shards with the pipeline's columns.

pub mod atomic;
pub mod checkpoint;
pub mod compact;
pub mod dist;
pub mod error;
pub mod loader;
pub mod metrics;
pub mod parallel;
pub mod plot;
pub mod shards;
pub mod synth;
pub mod table;
pub mod team;
pub mod trainer;

pub use error::{Error, Result};
pub use shards::{Event, Format};
pub use table::Table;
pub use trainer::{DEFAULT_CACHE_BYTES, Observer, Outcome, Progress, Quiet, TrainConfig, train};

/// A model by preset name (`hlf`, `gru`, `inclusive`) or JSON file path.
pub fn resolve_model(name: &str) -> Result<hadron_nn::Model> {
    if hadron_nn::ModelSpec::preset_names().any(|n| n == name) {
        return Ok(hadron_nn::Model::preset(name)?);
    }
    let path = std::path::Path::new(name);
    if !path.exists() {
        let known: Vec<&str> = hadron_nn::ModelSpec::preset_names().collect();
        return Err(Error::Config(format!("model {name}: not a preset ({}) nor a file", known.join(", "))));
    }
    Ok(hadron_nn::Model::new(hadron_nn::ModelSpec::from_file(path)?)?)
}
