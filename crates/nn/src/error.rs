//! error: the one error type of hadron-nn; a bad model file or shape says which layer and why.

/// Every failure of hadron-nn.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A model description that cannot be built (unknown input, zero width, GRU not first in its branch, ...).
    #[error("model {model}: {what}")]
    Spec {
        /// Model name (or file name).
        model: String,
        /// What is wrong, naming the layer.
        what: String,
    },
    /// Data whose shape does not match the model (batch of the wrong size, missing input).
    #[error("shape mismatch: {what}")]
    Shape {
        /// What does not match, with expected and found sizes.
        what: String,
    },
    /// A valid request this crate does not do (a layer kind the exporter cannot write, ...).
    #[error("not supported: {what}")]
    Unsupported {
        /// What is not supported.
        what: String,
    },
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

/// Results of hadron-nn.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// A model-description error.
    pub fn spec(model: impl Into<String>, what: impl Into<String>) -> Self {
        Error::Spec { model: model.into(), what: what.into() }
    }

    /// A shape mismatch.
    pub fn shape(what: impl Into<String>) -> Self {
        Error::Shape { what: what.into() }
    }

    /// An I/O error with its context.
    pub fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Error::Io { context: context.into(), source }
    }
}
