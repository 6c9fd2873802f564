//! CLI behaviour through `hadron_cli::run(args, out, err)`: listing, conversion checked with pyarrow + uproot, errors.

use std::path::PathBuf;
use std::process::Command;

mod support;
use support::{repo, run};

fn python() -> Option<PathBuf> {
    support::peers_python("")
}

#[test]
fn ls_lists_trees_branches_and_arrow_types() {
    let f = repo().join("testdata/nanoaod_like.root");
    let (code, out, err) = run(&["ls", f.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Events;1"), "{out}");
    assert!(out.contains("10000 entries"), "{out}");
    let muon_pt = out.lines().find(|l| l.trim_start().starts_with("Muon_pt ")).expect("Muon_pt listed");
    assert!(muon_pt.contains("List(Float32)"), "{muon_pt}");
    let rn = repo().join("testdata/rntuple_basic.root");
    let (code, out, err) = run(&["ls", rn.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("ROOT::RNTuple") && out.contains("1000 entries"), "{out}");
}

#[test]
fn convert_matches_uproot_through_pyarrow() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let f = repo().join("testdata/nanoaod_like.root");
    let out_path = dir.path().join("sub/nano.parquet");
    let (code, out, err) = run(&[
        "convert",
        f.to_str().unwrap(),
        "--tree",
        "Events",
        "--to",
        out_path.to_str().unwrap(),
        "--branches",
        "nMuon,Muon_pt,Muon_charge,MET_pt,event",
        "--entries",
        "100:2100",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("wrote 2000 entries"), "{out}");
    let script = r#"
import sys, pyarrow.parquet as pq, uproot, awkward as ak, numpy as np
t = pq.read_table(sys.argv[2])
u = uproot.open(sys.argv[1])["Events"].arrays(["nMuon","Muon_pt","Muon_charge","MET_pt","event"], entry_start=100, entry_stop=2100)
assert t.column_names == ["nMuon","Muon_pt","Muon_charge","MET_pt","event"], t.column_names
for c in t.column_names:
    a, b = ak.from_arrow(t[c]), u[c]
    assert ak.to_list(ak.num(a, axis=-1) if a.ndim > 1 else [len(a)]) == ak.to_list(ak.num(b, axis=-1) if b.ndim > 1 else [len(b)]), c
    assert np.array_equal(np.asarray(ak.flatten(a, axis=None)), np.asarray(ak.flatten(b, axis=None))), c
print("ok", t.num_rows)
"#;
    let o = Command::new(py).args(["-c", script, f.to_str().unwrap(), out_path.to_str().unwrap()]).output().unwrap();
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert_eq!(String::from_utf8_lossy(&o.stdout).trim(), "ok 2000");
}

#[test]
fn missing_tree_names_the_nearest_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let f = repo().join("testdata/nanoaod_like.root");
    let out_path = dir.path().join("x.parquet");
    let (code, _, err) = run(&["convert", f.to_str().unwrap(), "--tree", "Event", "--to", out_path.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("no key named 'Event'") && err.contains("nearest: Events"), "{err}");
    assert!(!out_path.exists());
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "no temporary file left behind");
}

#[test]
fn missing_branch_and_non_root_input_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let f = repo().join("testdata/nanoaod_like.root");
    let out_path = dir.path().join("x.parquet");
    let (code, _, err) = run(&[
        "convert",
        f.to_str().unwrap(),
        "--tree",
        "Events",
        "--to",
        out_path.to_str().unwrap(),
        "--branches",
        "Muon_PT",
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("no branch named 'Muon_PT'") && err.contains("Muon_pt"), "{err}");
    let bogus = dir.path().join("bogus.root");
    std::fs::write(&bogus, b"PAR1 this is not a ROOT file at all, but long enough to have a header").unwrap();
    let (code, _, err) = run(&["ls", bogus.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(err.contains("bogus.root") && err.contains("not a ROOT file"), "{err}");
}

#[test]
fn truncated_file_fails_without_output() {
    let dir = tempfile::tempdir().unwrap();
    let src = std::fs::read(repo().join("testdata/compression/zlib-6.root")).unwrap();
    let cut = dir.path().join("cut.root");
    std::fs::write(&cut, &src[..src.len() * 2 / 3]).unwrap();
    let out_path = dir.path().join("cut.parquet");
    let (code, _, err) =
        run(&["convert", cut.to_str().unwrap(), "--tree", "sample", "--to", out_path.to_str().unwrap()]);
    assert_eq!(code, 1, "a truncated file must fail");
    assert!(err.contains("cut.root"), "{err}");
    assert!(!out_path.exists());
}
