//! hadron-datafusion: ROOT files under DataFusion — `STORED AS ROOT`, `read_root(...)`, `COPY … STORED
//! AS TFRECORD`, the `root://` / `s3://` / `http(s)://` object stores.
//!
//! Shaped like DataFusion's own format crates: [`root`] (`file_format` → `source` → `opener`, with
//! `metrics` for `EXPLAIN ANALYZE`), [`tfrecord`] (`file_format` → `sink`), [`stores`], and
//! [`context`], which puts them all in one `SessionContext`.

pub mod context;
pub mod functions;
pub mod lambda;
pub mod prep;
pub mod root;
pub mod stores;
pub mod tfrecord;

pub use context::{session_config, session_context, session_context_with};
