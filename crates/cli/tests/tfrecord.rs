//! `hadron convert … --to X.tfrecord` and `--to DIR/ --shards N`: TensorFlow reads the records and their
//! values equal uproot's (peer script in crates/tfrecord/tests/peers).

use std::path::PathBuf;
use std::process::Command;

mod support;
use support::{repo, run};

fn python() -> Option<PathBuf> {
    support::peers_python("tensorflow, uproot")
}

#[test]
fn convert_to_tfrecord_read_by_tensorflow() {
    let dir = tempfile::tempdir().unwrap();
    let f = repo().join("testdata/nanoaod_like.root");
    let file = dir.path().join("x.tfrecord");
    let base =
        ["convert", f.to_str().unwrap(), "--tree", "Events", "--branches", "MET_pt,Muon_pt", "--batch-size", "3000"];
    let (code, out, err) = run(&[&base[..], &["--to", file.to_str().unwrap()]].concat());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("wrote 10000 entries"), "{out}");
    let shards = format!("{}/shards/", dir.path().display());
    let (code, out, err) = run(&[&base[..], &["--to", &shards, "--shards", "4", "--compression", "gzip"]].concat());
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("(4 shards)"), "{out}");
    let mut names: Vec<String> =
        std::fs::read_dir(&shards).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    assert_eq!(names, (0..4).map(|i| format!("part-{i:05}-of-00004.tfrecord.gz")).collect::<Vec<_>>());
    let (code, _, err) = run(&[&base[..], &["--to", &shards]].concat());
    assert_ne!(code, 0);
    assert!(err.contains("--shards N"), "{err}");

    let Some(py) = python() else { return };
    let script = repo().join("crates/tfrecord/tests/peers/check_convert.py");
    let o = Command::new(py)
        .arg(script)
        .args([f.to_str().unwrap(), "Events", file.to_str().unwrap(), &shards, "4"])
        .output()
        .unwrap();
    let (so, se) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "{so}{se}");
    assert_eq!(so.trim(), "ok 10000");
}
