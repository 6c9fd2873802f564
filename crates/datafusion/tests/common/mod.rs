//! Shared test helpers: the repository root, the peers' Python and uproot reference numbers, and
//! one-value SQL queries.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Float64Type, Int64Type};
use datafusion::prelude::SessionContext;

/// The repository root (the nearest ancestor of this crate holding `testdata/` and `.ci/`).
pub fn repo() -> PathBuf {
    let here = Path::new(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .find(|p| p.join("testdata").is_dir() && p.join(".ci").is_dir())
        .unwrap_or_else(|| panic!("no repository root above {}", here.display()))
        .to_path_buf()
}

/// The peers' Python (`HADRON_PYTHON`, set by `scripts/test`); `None` (skip, said on stderr)
/// outside CI, a failure under `CI=true`.
pub fn python(test: &str) -> Option<PathBuf> {
    match std::env::var_os("HADRON_PYTHON") {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var("CI").as_deref() == Ok("true") => panic!("{test}: HADRON_PYTHON is not set under CI"),
        None => {
            eprintln!("{test}: skipped (HADRON_PYTHON not set; run through scripts/test)");
            None
        }
    }
}

/// Runs `script args…` with the peers' Python; its stdout.
pub fn run_python(py: &Path, script: &Path, args: &[&str]) -> String {
    let out = Command::new(py).arg(script).args(args).output().unwrap();
    assert!(out.status.success(), "{}: {}", script.display(), String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).unwrap()
}

/// Numbers uproot computed from the fixtures (`tests/peers/root_reference.py`).
pub struct Reference(serde_json::Value);

impl Reference {
    pub fn load(test: &str) -> Option<Reference> {
        let py = python(test)?;
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/root_reference.py");
        let data = repo().join("testdata");
        let text = run_python(&py, &script, &[data.to_str().unwrap()]);
        Some(Reference(serde_json::from_str(&text).unwrap()))
    }

    pub fn i64(&self, key: &str) -> i64 {
        self.0[key].as_i64().unwrap_or_else(|| panic!("{key} missing"))
    }

    pub fn i64_list(&self, key: &str) -> Vec<i64> {
        let list = self.0[key].as_array().unwrap_or_else(|| panic!("{key} missing"));
        list.iter().map(|v| v.as_i64().unwrap_or_else(|| panic!("{key}: {v} is not an integer"))).collect()
    }

    pub fn f64(&self, key: &str) -> f64 {
        self.0[key].as_f64().unwrap_or_else(|| panic!("{key} missing"))
    }
}

/// Every batch of `sql`, panicking with the statement on error.
pub async fn collect(ctx: &SessionContext, sql: &str) -> Vec<datafusion::arrow::array::RecordBatch> {
    let df = ctx.sql(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    df.collect().await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn scalar(ctx: &SessionContext, sql: &str, to: &DataType) -> datafusion::arrow::array::ArrayRef {
    let batches = collect(ctx, sql).await;
    let b = batches.iter().find(|b| b.num_rows() > 0).unwrap_or_else(|| panic!("{sql}: no rows"));
    assert_eq!(b.num_rows(), 1, "{sql}");
    let c = cast(b.column(0), to).unwrap();
    assert!(!c.is_null(0), "{sql}: NULL");
    c
}

/// The one integer an SQL query returns.
pub async fn scalar_i64(ctx: &SessionContext, sql: &str) -> i64 {
    scalar(ctx, sql, &DataType::Int64).await.as_primitive::<Int64Type>().value(0)
}

/// The one float an SQL query returns.
pub async fn scalar_f64(ctx: &SessionContext, sql: &str) -> f64 {
    scalar(ctx, sql, &DataType::Float64).await.as_primitive::<Float64Type>().value(0)
}

/// A query's result (e.g. an `EXPLAIN ANALYZE` plan) as text.
pub async fn sql_text(ctx: &SessionContext, sql: &str) -> String {
    let batches = collect(ctx, sql).await;
    datafusion::arrow::util::pretty::pretty_format_batches(&batches).unwrap().to_string()
}
