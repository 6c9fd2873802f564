//! Integration test of the RNTuple reader: every top-level field of every `*rntuple*.root` in the
//! scikit-hep testdata, read by hadron into Arrow, must equal what uproot reads (floats bit for bit,
//! NaN-aware); plus corrupt-input tests (flipped bytes → checksum errors naming file and offset).
//!
//! Peers: `HADRON_PYTHON` (default `$HOME/.cache/hadron/venv/bin/python`) with uproot and awkward; data in
//! `HADRON_TESTDATA` (default `/work/shared/testdata/scikit-hep`). Missing peers skip with a message, or
//! fail under `CI=true`.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef};
use arrow_schema::DataType;
use hadron_root::RootFile;
use hadron_root::arrow::ReadOptions;
use hadron_root::bytes::MemorySource;
use hadron_root::rntuple::{RNTuple, read_rntuple, rntuple_names};
use serde_json::Value;

fn ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Skips (prints why) or, under CI, fails.
fn skip(why: &str) {
    assert!(!ci(), "CI=true: {why}");
    eprintln!("SKIPPED: {why}");
}

fn testdata() -> Option<PathBuf> {
    let dir = std::env::var("HADRON_TESTDATA").unwrap_or_else(|_| "/work/shared/testdata/scikit-hep".into());
    let dir = PathBuf::from(dir);
    if dir.is_dir() { Some(dir) } else { None }
}

fn rntuple_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(dir).map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect()).unwrap_or_default();
    files.retain(|p| {
        p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.contains("rntuple") && n.ends_with(".root"))
    });
    files.sort();
    files
}

fn python() -> Result<PathBuf, String> {
    let py = match std::env::var("HADRON_PYTHON") {
        Ok(p) => PathBuf::from(p),
        Err(_) => {
            let home = std::env::var("HOME").map_err(|_| "HOME is not set".to_string())?;
            PathBuf::from(home).join(".cache/hadron/venv/bin/python")
        }
    };
    let ok = Command::new(&py).args(["-c", "import uproot, awkward"]).output().map(|o| o.status.success());
    match ok {
        Ok(true) => Ok(py),
        Ok(false) => Err(format!("{} cannot import uproot and awkward", py.display())),
        Err(e) => Err(format!("python peer {} is not runnable: {e}", py.display())),
    }
}

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    futures::executor::block_on(f)
}

/// Encodes one Arrow value like the python helper encodes uproot's `ak.to_list` values.
fn encode(a: &ArrayRef, i: usize) -> Value {
    if a.is_null(i) {
        return Value::Null;
    }
    fn float(x: f64) -> Value {
        if x.is_nan() { Value::from("f:nan") } else { Value::from(format!("f:{:016x}", x.to_bits())) }
    }
    match a.data_type() {
        DataType::Boolean => Value::from(a.as_boolean().value(i)),
        DataType::Int8 => Value::from(a.as_primitive::<Int8Type>().value(i)),
        DataType::Int16 => Value::from(a.as_primitive::<Int16Type>().value(i)),
        DataType::Int32 => Value::from(a.as_primitive::<Int32Type>().value(i)),
        DataType::Int64 => Value::from(a.as_primitive::<Int64Type>().value(i)),
        DataType::UInt8 => Value::from(a.as_primitive::<UInt8Type>().value(i)),
        DataType::UInt16 => Value::from(a.as_primitive::<UInt16Type>().value(i)),
        DataType::UInt32 => Value::from(a.as_primitive::<UInt32Type>().value(i)),
        DataType::UInt64 => Value::from(a.as_primitive::<UInt64Type>().value(i)),
        DataType::Float32 => float(a.as_primitive::<Float32Type>().value(i) as f64),
        DataType::Float64 => float(a.as_primitive::<Float64Type>().value(i)),
        DataType::Utf8 => Value::from(format!("s:{}", a.as_string::<i32>().value(i))),
        DataType::List(_) => {
            let v = a.as_list::<i32>().value(i);
            Value::Array((0..v.len()).map(|j| encode(&v, j)).collect())
        }
        DataType::FixedSizeList(_, _) => {
            let v = a.as_fixed_size_list().value(i);
            Value::Array((0..v.len()).map(|j| encode(&v, j)).collect())
        }
        DataType::Struct(fields) => {
            let s = a.as_struct();
            let mut m = serde_json::Map::new();
            for (f, col) in fields.iter().zip(s.columns()) {
                m.insert(f.name().clone(), encode(col, i));
            }
            Value::Object(m)
        }
        DataType::Union(_, _) => {
            let u = a.as_union();
            encode(u.child(u.type_id(i)), u.value_offset(i))
        }
        other => Value::from(format!("<unencoded {other}>")),
    }
}

/// First differing path between two encoded values, for the failure message.
fn first_diff(a: &Value, b: &Value, path: String) -> Option<String> {
    match (a, b) {
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(format!("{path}: length {} vs {}", x.len(), y.len()));
            }
            x.iter().zip(y).enumerate().find_map(|(i, (p, q))| first_diff(p, q, format!("{path}[{i}]")))
        }
        (Value::Object(x), Value::Object(y)) => {
            let kx: Vec<_> = x.keys().collect();
            let ky: Vec<_> = y.keys().collect();
            if kx != ky {
                return Some(format!("{path}: keys {kx:?} vs {ky:?}"));
            }
            x.iter().find_map(|(k, v)| first_diff(v, &y[k], format!("{path}.{k}")))
        }
        _ if a == b => None,
        _ => Some(format!("{path}: {a} vs {b}")),
    }
}

/// Tallies of one comparison run.
#[derive(Default)]
struct Tally {
    matched: usize,
    total: usize,
    unsupported: Vec<String>,
    uproot_failed: Vec<String>,
    mismatches: Vec<String>,
    /// Fields where ROOT's own reading (a `FILE.FIELD.json` sidecar) replaced uproot's, and whether they differed.
    root_truth: Vec<String>,
}

impl Tally {
    fn report(&self, what: &str) {
        eprintln!("{what}: {} of {} fields match ({} unsupported)", self.matched, self.total, self.unsupported.len());
        for u in &self.unsupported {
            eprintln!("unsupported: {u}");
        }
        for u in &self.uproot_failed {
            eprintln!("skipped (uproot cannot read): {u}");
        }
        for u in &self.root_truth {
            eprintln!("compared with ROOT instead of uproot: {u}");
        }
        assert!(self.mismatches.is_empty(), "{} mismatches:\n{}", self.mismatches.len(), self.mismatches.join("\n"));
    }
}

/// Runs the uproot peer on `file` and compares every top-level field with hadron's Arrow output.
fn compare_file(py: &Path, file: &Path, tmp: &Path, tally: &mut Tally) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/rntuple_reference.py");
    let stem = file.file_stem().unwrap().to_string_lossy().to_string();
    let out = tmp.join(format!("{stem}.json"));
    let status = Command::new(py).arg(&script).arg(file).arg(&out).status().expect("run python peer");
    assert!(status.success(), "python peer failed on {}", file.display());
    let reference: Value = serde_json::from_slice(&std::fs::read(&out).unwrap()).unwrap();
    let rf = block_on(RootFile::open_path(file)).unwrap();
    let names = rntuple_names(&rf);
    let ntuples = reference["ntuples"].as_object().unwrap();
    assert_eq!(names.len(), ntuples.len(), "{stem}: RNTuple keys {names:?} vs uproot {:?}", ntuples.keys());
    for (name, nt_ref) in ntuples {
        let nt = block_on(RNTuple::open(&rf, name)).unwrap_or_else(|e| panic!("{stem}/{name}: {e}"));
        assert_eq!(nt.entries, nt_ref["entries"].as_u64().unwrap(), "{stem}/{name} entries");
        for (field, err) in nt_ref["failed"].as_object().unwrap() {
            tally.uproot_failed.push(format!("{stem}/{name}/{field}: {err}"));
        }
        let mine: Vec<&str> = nt.field_names();
        for (field, uproot_values) in nt_ref["fields"].as_object().unwrap() {
            tally.total += 1;
            // ROOT's own values, where the writer script left them beside the file.
            let sidecar = PathBuf::from(format!("{}.{field}.json", file.display()));
            let root_values: Option<Value> =
                std::fs::read(&sidecar).ok().map(|b| serde_json::from_slice(&b).expect("sidecar JSON"));
            let expected = match &root_values {
                Some(v) => {
                    let note = match first_diff(uproot_values, v, String::new()) {
                        Some(d) => format!("uproot differs from ROOT at {field}{d} (uproot vs ROOT)"),
                        None => "uproot agrees".into(),
                    };
                    tally.root_truth.push(format!("{stem}/{name}/{field} ({note})"));
                    v
                }
                None => uproot_values,
            };
            assert!(mine.contains(&field.as_str()), "{stem}/{name}: hadron lacks field {field}");
            let opts = ReadOptions { branches: Some(vec![field.clone()]), ..Default::default() };
            match block_on(nt.read(&opts)) {
                Ok((_, batches)) => {
                    let mut got = Vec::new();
                    for b in &batches {
                        let col: ArrayRef = Arc::clone(b.column(0));
                        got.extend((0..col.len()).map(|i| encode(&col, i)));
                    }
                    match first_diff(&Value::Array(got), expected, String::new()) {
                        None => tally.matched += 1,
                        Some(d) => tally.mismatches.push(format!("{stem}/{name}/{field}{d} (hadron vs reference)")),
                    }
                }
                Err(e) if e.is_unsupported() => tally.unsupported.push(format!("{stem}/{name}/{field}: {e}")),
                Err(e) => tally.mismatches.push(format!("{stem}/{name}/{field}: error {e}")),
            }
        }
    }
}

#[test]
fn rntuple_fields_match_uproot() {
    let Some(dir) = testdata() else { return skip("no scikit-hep testdata (set HADRON_TESTDATA)") };
    let files = rntuple_files(&dir);
    if files.is_empty() {
        return skip(&format!("no *rntuple*.root files in {}", dir.display()));
    }
    let py = match python() {
        Ok(p) => p,
        Err(why) => return skip(&why),
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut tally = Tally::default();
    for file in &files {
        compare_file(&py, file, tmp.path(), &mut tally);
    }
    tally.report("scikit-hep testdata");
}

/// Writes the ROOT-made cases (compression setting `compression`) into `dir`; None (after skip) without ROOT.
fn write_root_cases(py: &Path, dir: &Path, compression: u32) -> Option<PathBuf> {
    let ok = Command::new(py).args(["-c", "import ROOT"]).output().is_ok_and(|o| o.status.success());
    if !ok {
        skip(&format!("{} cannot import ROOT (the peer writer)", py.display()));
        return None;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers/rntuple_write_cases.py");
    let out = dir.join(format!("cases_{compression}_rntuple.root"));
    let o = Command::new(py).arg(&script).arg(&out).arg(compression.to_string()).output().expect("run ROOT writer");
    assert!(o.status.success(), "ROOT writer failed: {}", String::from_utf8_lossy(&o.stderr));
    Some(out)
}

#[test]
fn root_written_cases_match_uproot() {
    let py = match python() {
        Ok(p) => p,
        Err(why) => return skip(&why),
    };
    let tmp = tempfile::tempdir().unwrap();
    let mut tally = Tally::default();
    for compression in [0, 505] {
        let Some(file) = write_root_cases(&py, tmp.path(), compression) else { return };
        compare_file(&py, &file, tmp.path(), &mut tally);
    }
    tally.report("ROOT-written cases");
}

fn corpus_file(name: &str) -> Option<PathBuf> {
    let p = testdata()?.join(name);
    p.is_file().then_some(p)
}

#[test]
fn entry_range_and_projection() {
    let Some(path) = corpus_file("test_multiple_cluster_groups_rntuple_v1-0-0-0.root") else {
        return skip("test_multiple_cluster_groups_rntuple_v1-0-0-0.root is absent");
    };
    let rf = block_on(RootFile::open_path(&path)).unwrap();
    let all = ReadOptions { branches: Some(vec!["one".into()]), ..Default::default() };
    let (_, full) = block_on(read_rntuple(&rf, "ntuple", &all)).unwrap();
    let full: Vec<i32> = full.iter().flat_map(|b| b.column(0).as_primitive::<Int32Type>().values().to_vec()).collect();
    assert_eq!(full.len(), 1000);
    let part =
        ReadOptions { branches: Some(vec!["one".into()]), entries: Some(95..412), batch_size: 50, parallel: true };
    let (schema, batches) = block_on(read_rntuple(&rf, "ntuple", &part)).unwrap();
    assert_eq!(schema.fields().len(), 1);
    assert!(batches.iter().all(|b| b.num_rows() <= 50));
    let got: Vec<i32> =
        batches.iter().flat_map(|b| b.column(0).as_primitive::<Int32Type>().values().to_vec()).collect();
    assert_eq!(got, full[95..412]);
}

#[test]
fn missing_names_list_the_nearest() {
    let Some(path) = corpus_file("test_int_float_rntuple_v1-0-0-0.root") else {
        return skip("test_int_float_rntuple_v1-0-0-0.root is absent");
    };
    let rf = block_on(RootFile::open_path(&path)).unwrap();
    let err = block_on(RNTuple::open(&rf, "ntupel")).unwrap_err();
    assert!(err.to_string().contains("nearest: ntuple"), "{err}");
    let nt = block_on(RNTuple::open(&rf, "ntuple")).unwrap();
    let opts = ReadOptions { branches: Some(vec!["two_float".into()]), ..Default::default() };
    let err = block_on(nt.read(&opts)).unwrap_err();
    assert!(err.to_string().contains("nearest: two_floats"), "{err}");
}

/// Opens `bytes` (a whole ROOT file) from memory and returns the error of opening RNTuple `name`.
fn open_error(bytes: Vec<u8>, file: &str, name: &str) -> String {
    let src = Arc::new(MemorySource::new(file, bytes));
    let rf = block_on(RootFile::open(src)).unwrap();
    block_on(RNTuple::open(&rf, name)).unwrap_err().to_string()
}

#[test]
fn flipped_anchor_byte_is_a_checksum_error() {
    let Some(path) = corpus_file("test_int_float_rntuple_v1-0-0-0.root") else {
        return skip("test_int_float_rntuple_v1-0-0-0.root is absent");
    };
    let rf = block_on(RootFile::open_path(&path)).unwrap();
    let key = rf.root_directory().key("ntuple").unwrap().clone();
    assert!(!key.is_compressed());
    let mut bytes = std::fs::read(&path).unwrap();
    // Payload: 6-byte version header, then the anchor fields; flip a bit of fSeekHeader.
    let payload = (key.seek_key + key.key_len as u64) as usize;
    bytes[payload + 6 + 8 + 7] ^= 0x01;
    let msg = open_error(bytes, "flipped.root", "ntuple");
    let checksum_at = payload + 6 + 64;
    assert!(msg.contains("flipped.root"), "{msg}");
    assert!(msg.contains("anchor checksum mismatch"), "{msg}");
    assert!(msg.contains(&format!("byte {checksum_at}")), "{msg}");
}

#[test]
fn flipped_envelope_byte_is_a_checksum_error() {
    let py = match python() {
        Ok(p) => p,
        Err(why) => return skip(&why),
    };
    let tmp = tempfile::tempdir().unwrap();
    // Uncompressed, so that a flipped byte reaches the envelope checksum rather than the decompressor.
    let Some(path) = write_root_cases(&py, tmp.path(), 0) else { return };
    let rf = block_on(RootFile::open_path(&path)).unwrap();
    let nt = block_on(RNTuple::open(&rf, "cases")).unwrap();
    let a = nt.anchor;
    assert_eq!((a.nbytes_header, a.nbytes_footer), (a.len_header, a.len_footer));
    for (seek, kind) in [(a.seek_header, "header"), (a.seek_footer, "footer")] {
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[seek as usize + 12] ^= 0x40;
        let msg = open_error(bytes, "flipped.root", "cases");
        assert!(msg.contains("flipped.root"), "{msg}");
        assert!(msg.contains(&format!("{kind} envelope checksum mismatch")), "{msg}");
        assert!(msg.contains(&format!("byte {seek}")), "{msg}");
    }
}
