//! hadron-datafusion: ROOT files under DataFusion — `STORED AS ROOT` / `TFRECORD`, `read_root(...)`,
//! `root://` / `s3://` / `http(s)://` object stores, HEP and ML-preparation functions.
//!
//! Shaped like DataFusion's own format crates: `file_format` (factory + format) → `source`
//! (`FileSource`) → `opener` (`FileOpener`, one ROOT file or entry range → record batches), with
//! `metrics` for `EXPLAIN ANALYZE`.

pub mod context;
pub mod functions;
pub mod prep;

pub use context::session_context;
