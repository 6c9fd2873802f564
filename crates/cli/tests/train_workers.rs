//! `hadron train --workers`: two processes exchanging gradients over gRPC on loopback end with the same
//! weights (the same `model.onnx` bytes) and the same losses as one process with the same global batch; a
//! replica of another run is refused with an error naming the difference.

use std::net::TcpListener;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};

use hadron_train::Format;
use hadron_train::metrics::Metrics;
use hadron_train::synth::Synth;

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

fn train_args(d: &Path, out: &str, extra: &[String]) -> Vec<String> {
    let p = |s: &str| d.join(s).display().to_string();
    let mut a: Vec<String> =
        ["train", "--model", "inclusive", "--epochs", "2", "--batch", "24", "--micro-batches", "6"]
            .iter()
            .map(|s| s.to_string())
            .collect();
    a.extend(["--shuffle-buffer".into(), "50".into(), "--test-batch".into(), "40".into()]);
    a.extend(["--train".into(), p("train"), "--test".into(), p("test"), "--out".into(), p(out)]);
    a.extend(extra.iter().cloned());
    a
}

fn spawn(args: &[String]) -> Child {
    Command::new(env!("CARGO_BIN_EXE_hadron"))
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("starting hadron")
}

fn done(c: Child) -> Output {
    c.wait_with_output().expect("waiting for hadron")
}

fn text(o: &Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

fn losses(dir: &Path) -> Vec<(f64, f64, f64)> {
    let m: Metrics = serde_json::from_str(&std::fs::read_to_string(dir.join("metrics.json")).unwrap()).unwrap();
    m.epochs.iter().map(|e| (e.loss, e.accuracy, e.test_loss)).collect()
}

fn data() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    Synth::new(150, 2, 11, true).write(&d.path().join("train"), Format::Parquet).unwrap();
    Synth::new(40, 1, 12, true).write(&d.path().join("test"), Format::Parquet).unwrap();
    d
}

#[test]
fn two_processes_equal_one_process() {
    let d = data();
    let workers = format!("127.0.0.1:{0},127.0.0.1:{0}", free_port());
    let w = |rank: &str| vec!["--workers".to_string(), workers.clone(), "--rank".into(), rank.into()];
    // The follower starts first: it waits for replica 0.
    let r1 = spawn(&train_args(d.path(), "r1", &w("1")));
    let r0 = spawn(&train_args(d.path(), "r0", &w("0")));
    let single = spawn(&train_args(d.path(), "single", &["--threads".into(), "2".into()]));
    let (o0, o1, os) = (done(r0), done(r1), done(single));
    assert!(o0.status.success(), "rank 0: {}", text(&o0));
    assert!(o1.status.success(), "rank 1: {}", text(&o1));
    assert!(os.status.success(), "single: {}", text(&os));
    let onnx = |dir: &str| std::fs::read(d.path().join(dir).join("model.onnx")).unwrap();
    assert!(onnx("single") == onnx("r0"), "replica 0's weights differ from the one-process run");
    assert!(onnx("r0") == onnx("r1"), "the replicas' weights differ");
    assert_eq!(losses(&d.path().join("r0")), losses(&d.path().join("single")));
    assert_eq!(losses(&d.path().join("r1")), losses(&d.path().join("single")));
    let untrained = hadron_nn::onnx::export(
        &hadron_nn::Model::preset("inclusive").unwrap(),
        &hadron_nn::Model::preset("inclusive").unwrap().init_params(42),
        hadron_nn::onnx::ExportOptions::default(),
    )
    .unwrap();
    assert!(onnx("r0") != untrained, "it trained");
}

#[test]
fn a_replica_of_another_run_is_refused() {
    let d = data();
    let workers = format!("127.0.0.1:{0},127.0.0.1:{0}", free_port());
    let w = |rank: &str, seed: &str| {
        vec!["--workers".to_string(), workers.clone(), "--rank".into(), rank.into(), "--seed".into(), seed.into()]
    };
    let r0 = spawn(&train_args(d.path(), "r0", &w("0", "42")));
    let r1 = spawn(&train_args(d.path(), "r1", &w("1", "7")));
    let (o0, o1) = (done(r0), done(r1));
    assert!(!o0.status.success() && !o1.status.success(), "{}\n{}", text(&o0), text(&o1));
    for o in [&o0, &o1] {
        let t = text(o);
        assert!(t.contains("replica 1 runs") && t.contains("seed 7"), "{t}");
    }
    assert!(!d.path().join("r0/model.onnx").exists(), "a failed run writes no model");
}
