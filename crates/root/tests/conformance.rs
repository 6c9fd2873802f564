//! Conformance against uproot: every branch of every TTree in `../shared/testdata/scikit-hep/`,
//! read by `hadron_root::arrow::read_tree`, must equal uproot's reading of it (canonical form in
//! `common/canonical.rs`), or be reported `Error::Unsupported`.
//!
//! Environment: `HADRON_PYTHON` (peers interpreter, see `scripts/python-env`), `HADRON_SHARED`
//! (the shared folder, default `../shared` beside the repository),
//! `HADRON_CONFORMANCE_MIN` (minimum matched/total ratio, default 0), `HADRON_CONFORMANCE_JOBS`
//! (parallel files), `HADRON_CONFORMANCE_FILTER` (only files whose name contains it),
//! `CI=true` (a missing peer or corpus fails instead of skipping).

mod common;

use std::sync::Arc;

use arrow_array::{
    ArrayRef, BooleanArray, FixedSizeListArray, Float32Array, Float64Array, Int8Array, Int32Array, Int64Array,
    ListArray, MapArray, StringArray, StructArray, UInt64Array,
};
use arrow_buffer::OffsetBuffer;
use arrow_schema::{DataType, Field, Fields};

use common::canonical::{CANONICAL_NAN_BITS, Kind, canonical, project, sha256_hex};
use common::harness::{compare, field_name, field_path};
use common::reference::BranchRef;
use common::{peers, report};

#[test]
fn hadron_matches_uproot_on_scikit_hep_files() {
    let dir = peers::shared_scikit_hep();
    if !dir.is_dir() {
        peers::skip_or_fail(&format!("the shared corpus {} is absent", dir.display()));
        return;
    }
    let Some(python) = peers::python() else {
        peers::skip_or_fail("no peers Python (run scripts/python-env, or set HADRON_PYTHON)");
        return;
    };
    let filter = std::env::var("HADRON_CONFORMANCE_FILTER").unwrap_or_default();
    let files: Vec<_> = peers::root_files(&dir)
        .into_iter()
        .filter(|f| f.file_name().is_some_and(|n| n.to_string_lossy().contains(&filter)))
        .collect();
    assert!(!files.is_empty(), "no .root files in {}", dir.display());
    let rt = common::harness::runtime();
    let reports = common::harness::run_parallel(&files, |f| common::conformance_of(&rt, &python, f, &dir));
    let (summary, totals) = report::summarize("uproot conformance: ../shared/testdata/scikit-hep", &reports);
    report::publish("conformance-scikit-hep", &summary, &reports);

    assert_eq!(totals.reference_errors, 0, "uproot's reference could not be computed for some files (see above)");
    assert_eq!(totals.failed, 0, "hadron differs from uproot or fails on {} branches (see above)", totals.failed);
    let min = report::min_ratio("HADRON_CONFORMANCE_MIN");
    assert!(
        totals.ratio() >= min,
        "hadron matches uproot on {:.1}% of branches, below HADRON_CONFORMANCE_MIN = {:.1}%",
        100.0 * totals.ratio(),
        100.0 * min
    );
}

// ---- the canonical form, on hand-built Arrow arrays with hand-worked answers ----

fn le_i64(values: &[i64]) -> String {
    sha256_hex(&values.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<_>>())
}

fn le_f64(values: &[f64]) -> String {
    sha256_hex(&values.iter().flat_map(|v| v.to_le_bytes()).collect::<Vec<_>>())
}

fn one(array: ArrayRef) -> (u64, Vec<common::canonical::Part>) {
    canonical(&[array]).expect("canonical form")
}

#[test]
fn canonical_jagged_counts_and_values() {
    let values = Arc::new(Int32Array::from(vec![1, 2, 3]));
    let list = ListArray::new(
        Arc::new(Field::new("item", DataType::Int32, true)),
        OffsetBuffer::new(vec![0, 2, 2, 3].into()),
        values,
        None,
    );
    let (rows, parts) = one(Arc::new(list));
    assert_eq!(rows, 3);
    assert_eq!(parts.len(), 1);
    let p = &parts[0];
    assert_eq!(p.kind, Kind::Int64);
    assert_eq!(p.levels.len(), 1);
    assert_eq!((p.levels[0].n, p.levels[0].total), (3, 3));
    assert_eq!(p.levels[0].sha256, le_i64(&[2, 0, 1]));
    assert_eq!(p.values_sha256, le_i64(&[1, 2, 3]));
    assert_eq!(p.n_values, 3);
}

#[test]
fn canonical_batches_concatenate() {
    // Two batches hash exactly like their concatenation.
    let a: ArrayRef = Arc::new(Float64Array::from(vec![1.0, 2.0]));
    let b: ArrayRef = Arc::new(Float64Array::from(vec![3.0]));
    let (rows, parts) = canonical(&[a, b]).expect("canonical form");
    assert_eq!(rows, 3);
    assert_eq!(parts[0].values_sha256, le_f64(&[1.0, 2.0, 3.0]));
}

#[test]
fn canonical_sliced_list_uses_only_its_range() {
    let values = Arc::new(Float64Array::from(vec![9.0, 1.0, 2.0, 3.0, 9.0]));
    let list = ListArray::new(
        Arc::new(Field::new("item", DataType::Float64, true)),
        OffsetBuffer::new(vec![0, 1, 3, 4, 5].into()),
        values,
        None,
    );
    let sliced: ArrayRef = Arc::new(list.slice(1, 2));
    let (_, parts) = one(sliced);
    assert_eq!(parts[0].levels[0].sha256, le_i64(&[2, 1]));
    assert_eq!(parts[0].values_sha256, le_f64(&[1.0, 2.0, 3.0]));
}

#[test]
fn canonical_numbers_widen_wrap_and_fix_nan() {
    let (_, p) = one(Arc::new(UInt64Array::from(vec![u64::MAX, 1])));
    assert_eq!(p[0].values_sha256, le_i64(&[-1, 1]));
    let (_, p) = one(Arc::new(Int8Array::from(vec![-128, 127])));
    assert_eq!(p[0].values_sha256, le_i64(&[-128, 127]));
    let odd_nan = f32::from_bits(0x7FC0_1234);
    let (_, p) = one(Arc::new(Float32Array::from(vec![1.5, odd_nan, -0.0])));
    assert_eq!(p[0].values_sha256, le_f64(&[1.5, f64::from_bits(CANONICAL_NAN_BITS), -0.0]));
    let (_, p) = one(Arc::new(BooleanArray::from(vec![true, false])));
    assert_eq!((p[0].kind, p[0].values_sha256.clone()), (Kind::Bool, sha256_hex(&[1, 0])));
}

#[test]
fn canonical_strings_add_a_length_level() {
    let (_, p) = one(Arc::new(StringArray::from(vec!["ab", "", "c"])));
    assert_eq!(p[0].kind, Kind::Utf8);
    assert_eq!(p[0].levels[0].sha256, le_i64(&[2, 0, 1]));
    assert_eq!(p[0].values_sha256, sha256_hex(b"abc"));
    assert_eq!(p[0].n_values, 3);
}

#[test]
fn canonical_rejects_nulls() {
    let a: ArrayRef = Arc::new(Int32Array::from(vec![Some(1), None]));
    assert!(canonical(&[a]).is_err());
}

#[test]
fn projection_through_list_of_struct() {
    let a: ArrayRef = Arc::new(Int64Array::from(vec![1, 3, 5]));
    let b: ArrayRef = Arc::new(Float64Array::from(vec![2.5, 4.5, 6.5]));
    let fields =
        Fields::from(vec![Field::new("PT", DataType::Int64, false), Field::new("Eta", DataType::Float64, false)]);
    let structs = StructArray::new(fields.clone(), vec![a, b], None);
    let list: ArrayRef = Arc::new(ListArray::new(
        Arc::new(Field::new("item", DataType::Struct(fields), true)),
        OffsetBuffer::new(vec![0, 1, 1, 3].into()),
        Arc::new(structs),
        None,
    ));
    let eta = project(&list, "Eta").expect("projection");
    let (_, p) = one(eta);
    assert_eq!(p[0].levels[0].sha256, le_i64(&[1, 0, 2]));
    assert_eq!(p[0].values_sha256, le_f64(&[2.5, 4.5, 6.5]));
    let err = project(&list, "Phi").expect_err("no such field");
    assert!(err.contains("PT, Eta"), "{err}");
}

#[test]
fn branch_names_map_to_fields() {
    assert_eq!(field_name("Electron", "Electron.PT"), "PT");
    assert_eq!(field_name("Summary.", "Summary.seedStateAtStart"), "seedStateAtStart");
    assert_eq!(field_name("event", "d32arr[3]"), "d32arr[3]");
    assert_eq!(field_name("event", "vvf"), "vvf");
    assert_eq!(field_name("x", "xy"), "xy");
    assert_eq!(field_name("evt.a", "evt.a.b"), "b");
    let chain: Vec<String> = ["Jet", "Jet.PT"].iter().map(|s| s.to_string()).collect();
    assert_eq!(field_path(&chain), vec!["PT".to_string()]);
    assert!(field_path(&chain[..1]).is_empty());
}

/// The Arrow twins of `tests/peers/canonical_selftest.py`'s awkward arrays.
fn selftest_arrays() -> Vec<(&'static str, ArrayRef)> {
    let list = |item: DataType, offsets: Vec<i32>, values: ArrayRef| -> ArrayRef {
        Arc::new(ListArray::new(
            Arc::new(Field::new("item", item, true)),
            OffsetBuffer::new(offsets.into()),
            values,
            None,
        ))
    };
    let rec_fields =
        Fields::from(vec![Field::new("a", DataType::Int64, false), Field::new("b", DataType::Float64, false)]);
    let rec = StructArray::new(
        rec_fields.clone(),
        vec![Arc::new(Int64Array::from(vec![1, 3, 5])), Arc::new(Float64Array::from(vec![2.5, 4.5, 6.5]))],
        None,
    );
    let jagged_record = list(DataType::Struct(rec_fields), vec![0, 1, 1, 3], Arc::new(rec));
    let inner = list(DataType::Int32, vec![0, 1, 3, 3], Arc::new(Int32Array::from(vec![1, 2, 3])));
    let entries_fields =
        Fields::from(vec![Field::new("key", DataType::Int64, false), Field::new("value", DataType::Float64, true)]);
    let entries = StructArray::new(
        entries_fields.clone(),
        vec![Arc::new(Int64Array::from(vec![1, 3, 5])), Arc::new(Float64Array::from(vec![2.0, 4.0, 6.0]))],
        None,
    );
    let map = MapArray::new(
        Arc::new(Field::new("entries", DataType::Struct(entries_fields), false)),
        OffsetBuffer::new(vec![0, 1, 1, 3].into()),
        entries,
        None,
        false,
    );
    vec![
        ("int32", Arc::new(Int32Array::from(vec![1, -2, 3, i32::MAX]))),
        ("uint64", Arc::new(UInt64Array::from(vec![u64::MAX, 0, 1 << 63]))),
        ("int8", Arc::new(Int8Array::from(vec![-128, 127, 0]))),
        ("float32_nan", Arc::new(Float32Array::from(vec![1.5, f32::NAN, -0.0, f32::INFINITY]))),
        ("bool", Arc::new(BooleanArray::from(vec![true, false, true]))),
        (
            "jagged_float64",
            list(DataType::Float64, vec![0, 2, 2, 3], Arc::new(Float64Array::from(vec![1.0, 2.0, 3.0]))),
        ),
        (
            "fixed_float32",
            Arc::new(FixedSizeListArray::new(
                Arc::new(Field::new("item", DataType::Float32, true)),
                3,
                Arc::new(Float32Array::from(vec![0.0, 1.0, 2.0, 3.0, 4.0, 5.0])),
                None,
            )),
        ),
        ("strings", Arc::new(StringArray::from(vec!["a", "", "héllo"]))),
        ("jagged_strings", list(DataType::Utf8, vec![0, 2, 2, 3], Arc::new(StringArray::from(vec!["x", "yy", "zzz"])))),
        (
            "record",
            Arc::new(StructArray::new(
                Fields::from(vec![Field::new("x", DataType::Float64, false), Field::new("y", DataType::Int32, false)]),
                vec![Arc::new(Float64Array::from(vec![1.0, 2.0])), Arc::new(Int32Array::from(vec![1, 2]))],
                None,
            )),
        ),
        ("jagged_record_b", project(&jagged_record, "b").expect("projection")),
        ("jagged_record", jagged_record),
        (
            "nested_int32",
            list(DataType::List(Arc::new(Field::new("item", DataType::Int32, true))), vec![0, 2, 3, 3], inner),
        ),
        ("map_tuples", Arc::new(map)),
    ]
}

#[test]
fn rust_and_python_canonical_forms_agree() {
    let Some(python) = peers::python() else {
        peers::skip_or_fail("no peers Python (run scripts/python-env, or set HADRON_PYTHON)");
        return;
    };
    let out = tempfile::NamedTempFile::new().expect("temp file");
    let status = std::process::Command::new(&python)
        .arg(peers::script("canonical_selftest.py"))
        .arg(out.path())
        .status()
        .expect("run canonical_selftest.py");
    assert!(status.success(), "canonical_selftest.py failed: {status}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.path()).expect("read output")).expect("JSON");
    let cases = selftest_arrays();
    assert_eq!(cases.len(), json.as_object().map_or(0, |o| o.len()), "the case lists differ");
    for (name, array) in cases {
        let case = &json[name];
        let wrapped = serde_json::json!({"trees": [{"tree": "t", "branches": [
            {"branch": name, "chain": [name], "ok": true, "entries": case["entries"], "parts": case["parts"]}
        ]}]});
        let parsed = common::reference::parse(&wrapped).expect("parse");
        let reference: &BranchRef = &parsed.trees[0].branches[0];
        let (rows, parts) = canonical(&[array]).expect("canonical form");
        if let Err(e) = compare(reference, rows, &parts) {
            panic!("case {name}: Python and Rust canonical forms differ: {e}");
        }
    }
}
