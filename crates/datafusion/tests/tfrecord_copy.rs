//! `COPY (query) TO 'dir/' STORED AS TFRECORD` and `write_tfrecord`: TensorFlow parses the shards with
//! the reference spec (`HLF_input` 14, `GRU_input` 801×19, `encoded_label` 3, float32) and finds the
//! values pyarrow reads from the Parquet of the same query; a failing query leaves no shard.

mod common;

use common::{python, repo, run_python};
use hadron_datafusion::session_context;
use hadron_datafusion::tfrecord::{TfRecordOptions, write_tfrecord};

/// A query with the reference pipeline's columns, from a NanoAOD-like file (every 37th event).
fn features() -> String {
    let file = repo().join("testdata/nanoaod_like.root");
    let hlf: Vec<String> = (1..=14).map(|k| format!("CAST(\"MET_pt\" * {k} + \"nMuon\" AS REAL)")).collect();
    format!(
        "SELECT CAST(event AS BIGINT) AS event, make_array({}) AS \"HLF_input\", \
         array_repeat(CAST(\"MET_phi\" AS REAL), 801 * 19) AS \"GRU_input\", \
         CASE \"nMuon\" % 3 WHEN 0 THEN make_array(CAST(1 AS REAL), 0, 0) WHEN 1 THEN make_array(CAST(0 AS REAL), 1, 0) \
         ELSE make_array(CAST(0 AS REAL), 0, 1) END AS encoded_label \
         FROM read_root('{}', 'Events') WHERE event % 37 = 0",
        hlf.join(", "),
        file.display()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn copy_to_tfrecord_is_read_by_tensorflow_with_parquet_values() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = session_context();
    let (tf, pq, one) = (dir.path().join("tf"), dir.path().join("pq"), dir.path().join("one.tfrecord"));
    let copy = format!(
        "COPY ({}) TO '{}/' STORED AS TFRECORD OPTIONS ('shards' '3', 'compression' 'gzip')",
        features(),
        tf.display()
    );
    let batches = ctx.sql(&copy).await.unwrap().collect().await.unwrap();
    let written = datafusion::arrow::util::pretty::pretty_format_batches(&batches).unwrap().to_string();
    ctx.sql(&format!("COPY ({}) TO '{}/' STORED AS PARQUET", features(), pq.display()))
        .await
        .unwrap()
        .collect()
        .await
        .unwrap();
    let df = ctx.sql(&features()).await.unwrap();
    let n = write_tfrecord(df, one.to_str().unwrap(), TfRecordOptions::default()).await.unwrap();
    assert!(n > 100, "{n} records");
    assert!(written.contains(&format!(" {n} ")), "COPY reported {written}, DataFrame wrote {n}");

    let Some(py) = python("copy_to_tfrecord_is_read_by_tensorflow_with_parquet_values") else { return };
    let script = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/check_tfrecord_copy.py");
    let args = [tf.to_str().unwrap(), "3", "gzip", pq.to_str().unwrap(), one.to_str().unwrap()];
    let out = run_python(&py, &script, &args);
    assert_eq!(out.trim(), format!("ok {n}"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_copy_leaves_no_shard() {
    let dir = tempfile::tempdir().unwrap();
    let ctx = session_context();
    let file = repo().join("testdata/nanoaod_like.root");
    // The cast fails only for late events, after earlier batches were written.
    let copy = format!(
        "COPY (SELECT CAST(CASE WHEN event > 9000 THEN 'x' ELSE '1' END AS INT) AS v FROM read_root('{}', 'Events')) \
         TO '{}/' STORED AS TFRECORD OPTIONS ('shards' '2')",
        file.display(),
        dir.path().join("out").display()
    );
    let err = match ctx.sql(&copy).await {
        Ok(df) => df.collect().await.unwrap_err().to_string(),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("x"), "{err}");
    let left: Vec<_> = std::fs::read_dir(dir.path().join("out"))
        .map(|d| d.map(|e| e.unwrap().file_name()).collect())
        .unwrap_or_default();
    assert!(left.is_empty(), "left behind: {left:?}");

    let bad =
        format!("COPY (SELECT 1 AS a) TO '{}/' STORED AS TFRECORD OPTIONS ('shards' 'many')", dir.path().display());
    let err = match ctx.sql(&bad).await {
        Ok(df) => df.collect().await.unwrap_err().to_string(),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("shards") && err.contains("many"), "{err}");
}
