//! error: the one error type of the ML-preparation API (scaler files, states, DataFusion).

use std::path::PathBuf;

use datafusion::error::DataFusionError;

/// Result of the ML-preparation API.
pub type Result<T, E = PrepError> = std::result::Result<T, E>;

/// What went wrong while fitting, saving, loading or applying a preparation step.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PrepError {
    /// Reading or writing a scaler file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        source: std::io::Error,
    },
    /// A scaler state is not valid JSON of the expected shape.
    #[error("{origin}: invalid scaler state: {source}")]
    Json {
        /// Where the state came from (a file path or `SQL argument`).
        origin: String,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// A scaler state parsed but is inconsistent (lengths differ, non-finite values, ...).
    #[error("{origin}: invalid scaler state: {reason}")]
    InvalidState {
        /// Where the state came from.
        origin: String,
        /// What is wrong with it.
        reason: String,
    },
    /// An argument is outside its domain (fraction not in `[0, 1]`, unknown column, ...).
    #[error("{0}")]
    InvalidArgument(String),
    /// The query that computes the step failed.
    #[error(transparent)]
    DataFusion(#[from] DataFusionError),
}

impl From<PrepError> for DataFusionError {
    fn from(e: PrepError) -> Self {
        match e {
            PrepError::DataFusion(e) => e,
            other => DataFusionError::Execution(other.to_string()),
        }
    }
}
