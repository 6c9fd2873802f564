//! `hadron ls` and `hadron convert` on `root://` inputs (globs included) against a real `xrootd` on
//! loopback give the same listing and the same Parquet data as on the local files.

#[path = "../../xrootd/tests/common/mod.rs"]
mod common;
mod support;

use std::fs::File;

use arrow_array::RecordBatch;
use common::{Server, testdata, xrootd_available};
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;
use support::run;

fn batches(path: &std::path::Path) -> Vec<RecordBatch> {
    let reader = ParquetRecordBatchReaderBuilder::try_new(File::open(path).unwrap()).unwrap().build().unwrap();
    reader.map(|b| b.unwrap()).collect()
}

#[test]
fn ls_and_convert_read_root_urls_like_local_files() {
    if !xrootd_available("ls_and_convert_read_root_urls_like_local_files") {
        return;
    }
    let data = testdata();
    let server = Server::start(&data, "");

    let local = data.join("nanoaod_like.root");
    let (code, want, err) = run(&["ls", local.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let url = server.url("/nanoaod_like.root");
    let (code, got, err) = run(&["ls", &url]);
    assert_eq!(code, 0, "{err}");
    assert!(got.starts_with(&url), "{got}");
    // Same listing after the header line (which names the file).
    assert_eq!(got.lines().skip(1).collect::<Vec<_>>(), want.lines().skip(1).collect::<Vec<_>>());

    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("remote.parquet"), dir.path().join("local.parquet"));
    let glob = server.url("/compression/zlib-*.root");
    let (code, out, err) = run(&["convert", &glob, "--tree", "sample", "--to", a.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("from 3 file(s)"), "{out}");
    let locals: Vec<String> = ["zlib-1", "zlib-6", "zlib-9"]
        .iter()
        .map(|n| data.join(format!("compression/{n}.root")).to_string_lossy().into_owned())
        .collect();
    let mut args = vec!["convert"];
    args.extend(locals.iter().map(String::as_str));
    args.extend(["--tree", "sample", "--to", b.to_str().unwrap()]);
    let (code, _, err) = run(&args);
    assert_eq!(code, 0, "{err}");
    let (x, y) = (batches(&a), batches(&b));
    assert!(!x.is_empty());
    assert_eq!(x, y);

    let (code, _, err) = run(&["ls", &server.url("/missing.root")]);
    assert_eq!(code, 1);
    assert!(err.contains(&server.url("/missing.root")) && err.contains("3011"), "{err}");
}
