//! error: the one error type of hadron-tfrecord; corrupt input carries the file and byte offset.

/// Every failure of hadron-tfrecord.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bytes that are not a valid TFRecord stream or `tf.train.Example` (bad CRC, truncated, bad protobuf).
    #[error("{file}: corrupt TFRecord at byte {offset}: {what}")]
    Corrupt {
        /// File name (or a caller-chosen label for a stream).
        file: String,
        /// Byte offset of the record where the problem starts (in the decompressed stream for GZIP files).
        offset: u64,
        /// What is wrong.
        what: String,
    },
    /// A valid record whose features do not match what was asked for (missing feature, wrong kind or length).
    #[error("{file}: record {record} at byte {offset}: feature '{feature}': {what}")]
    Mismatch {
        /// File name (or stream label).
        file: String,
        /// Index of the record in the file (0-based).
        record: u64,
        /// Byte offset of the record.
        offset: u64,
        /// Feature name.
        feature: String,
        /// What does not match.
        what: String,
    },
    /// Valid input this crate cannot convert (an Arrow type without an Example equivalent, a null inside a list, ...).
    #[error("not supported: {what}")]
    Unsupported {
        /// What is not supported, naming the column or feature.
        what: String,
    },
    /// Reading or writing bytes failed.
    #[error("{context}: I/O error: {source}")]
    Io {
        /// The file and action, e.g. `writing out/part-00000-of-00004.tfrecord`.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// An Arrow error while assembling output (a bug or a resource limit).
    #[error("Arrow error: {0}")]
    Arrow(#[from] arrow_schema::ArrowError),
}

/// Results of hadron-tfrecord.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// An I/O error with its context (file and action).
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { context: context.into(), source }
    }

    /// An unsupported-input error.
    pub fn unsupported(what: impl Into<String>) -> Self {
        Error::Unsupported { what: what.into() }
    }
}
