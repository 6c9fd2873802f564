//! error: the one error type of hadron-train; data errors name the shard file and the record (row).

use std::path::PathBuf;

/// Every failure of hadron-train.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A shard whose content does not fit the model (missing column, wrong length, null, bad type).
    #[error("{file}: record {record}: {what}")]
    Data {
        /// The shard file.
        file: String,
        /// Record (row) index inside the file.
        record: u64,
        /// What is wrong.
        what: String,
    },
    /// A shard that cannot be decoded at all (bad Parquet footer, TFRecord framing, unknown column).
    #[error("{file}: {what}")]
    Shard {
        /// The shard file.
        file: String,
        /// What is wrong.
        what: String,
    },
    /// No shards where some were expected.
    #[error("{dir}: no .parquet or .tfrecord shards found")]
    NoShards {
        /// The directory searched.
        dir: PathBuf,
    },
    /// A bad option or an option combination that cannot work.
    #[error("invalid configuration: {0}")]
    Config(String),
    /// A checkpoint that cannot be read or does not belong to this run.
    #[error("checkpoint {file}: {what}")]
    Checkpoint {
        /// The checkpoint file.
        file: String,
        /// What is wrong.
        what: String,
    },
    /// An error of the network library (model description, shapes).
    #[error(transparent)]
    Nn(#[from] hadron_nn::Error),
    /// Reading or writing a file failed.
    #[error("{context}: I/O error: {source}")]
    Io {
        /// The file and action.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// Results of hadron-train.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error with its context.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { context: context.into(), source }
    }

    /// A data error at one record of one file.
    pub fn data(file: impl Into<String>, record: u64, what: impl Into<String>) -> Self {
        Error::Data { file: file.into(), record, what: what.into() }
    }

    /// A whole-shard error.
    pub fn shard(file: impl Into<String>, what: impl Into<String>) -> Self {
        Error::Shard { file: file.into(), what: what.into() }
    }
}
