//! The DataFrame example (`examples/dataframe.rs`) gives the numbers uproot + numpy give.

#[allow(dead_code)]
#[path = "../examples/dataframe.rs"]
mod example;

use std::path::{Path, PathBuf};
use std::process::Command;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{Float64Type, Int64Type};

/// The peers' Python (`HADRON_PYTHON`, set by `scripts/test`), or `None` (skip) outside CI.
fn python(test: &str) -> Option<PathBuf> {
    match std::env::var_os("HADRON_PYTHON") {
        Some(p) => Some(PathBuf::from(p)),
        None if std::env::var("CI").as_deref() == Ok("true") => panic!("{test}: HADRON_PYTHON is not set under CI"),
        None => {
            eprintln!("{test}: skipped (HADRON_PYTHON not set; run through scripts/test)");
            None
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dataframe_example_matches_uproot() {
    let Some(py) = python("dataframe_example_matches_uproot") else { return };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = repo.join("testdata/nanoaod_like.root");
    let out = Command::new(py).arg(repo.join("tests/peers/dimuon_reference.py")).arg(&file).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let want: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();

    let batches = example::dimuon_summary(file.to_str().unwrap()).await.unwrap();
    let b = &batches[0];
    assert_eq!(b.num_rows(), 1);
    let events = b.column_by_name("events").unwrap().as_primitive::<Int64Type>().value(0);
    assert_eq!(events, want["events"].as_i64().unwrap());
    assert!(events > 0);
    for key in ["mean_met", "mean_lead_mu_pt"] {
        let col = b.column_by_name(key).unwrap().as_primitive::<Float64Type>();
        assert!(!col.is_null(0));
        let (got, exp) = (col.value(0), want[key].as_f64().unwrap());
        assert!((got - exp).abs() <= 1e-9 * exp.abs().max(1.0), "{key}: hadron {got}, uproot {exp}");
    }
}
