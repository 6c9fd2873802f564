//! The DataFrame example (`examples/dataframe.rs`) gives the numbers uproot + numpy give.

#[path = "../crates/datafusion/tests/common/mod.rs"]
mod common;
#[allow(dead_code)]
#[path = "../examples/dataframe.rs"]
mod example;

use std::path::Path;

use datafusion::arrow::array::{Array, AsArray};
use datafusion::arrow::datatypes::{Float64Type, Int64Type};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dataframe_example_matches_uproot() {
    let Some(py) = common::python("dataframe_example_matches_uproot") else { return };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let file = repo.join("testdata/nanoaod_like.root");
    let script = repo.join("tests/peers/dimuon_reference.py");
    let dir = tempfile::tempdir().unwrap();
    let parquet = dir.path().join("dimuon/");
    let parquet = parquet.to_str().unwrap();
    example::dimuon_features(file.to_str().unwrap(), parquet).await.unwrap();
    let out = common::run_python(&py, &script, &[file.to_str().unwrap(), parquet]);
    let want: serde_json::Value = serde_json::from_str(&out).unwrap();
    // The Parquet features, read by pyarrow, equal numpy's four-vector formulas on uproot's arrays.
    assert_eq!(want["same_events"], serde_json::Value::Bool(true), "{out}");
    assert_eq!(want["features_rows"], want["events"], "{out}");
    assert!(want["max_mass_diff"].as_f64().unwrap() < 1e-9, "{out}");
    assert!(want["max_dr_diff"].as_f64().unwrap() < 1e-9, "{out}");

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
