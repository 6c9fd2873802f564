//! hadron-nn: neural-network layers with explicit forward and backward passes (Dense, Keras GRU with masking,
//! Dropout, Concat, fused softmax cross-entropy), Keras initialisers, Keras-exact Adam, declarative models
//! with the reference presets, and ONNX export.

pub mod act;
pub mod adam;
pub mod dense;
pub mod dropout;
pub mod error;
pub mod gemm;
pub mod gru;
pub mod init;
pub mod loss;
pub mod model;
pub mod onnx;
pub mod pass;
pub mod rng;
pub mod spec;

pub use adam::{Adam, AdamStep};
pub use error::{Error, Result};
pub use model::Model;
pub use pass::{StepStats, Workspace};
pub use rng::Rng;
pub use spec::ModelSpec;
