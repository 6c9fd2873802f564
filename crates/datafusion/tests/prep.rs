//! ML-preparation functions through `session_context()`: one_hot, the MinMax and standard
//! scalers (SQL and Rust API, JSON round trip), seeded hashing, undersampling, shuffle and split.
//!
//! Expected values are worked out independently of the code under test: by hand (written as the
//! arithmetic they come from) and checked with numpy in the project venv:
//! `a = np.array([[1,10,5],[2,20,5],[4,30,5],[5,60,5]]); a.min(0), a.max(0), a.mean(0),
//! a.std(0, ddof=1)` → `[1,10,5] [5,60,5] [3,30,5] [1.82574186 21.60246899 0]`.
//! Larger inputs are checked against a plain two-pass computation in this file.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, FixedSizeListArray, Float32Array, Float64Array, Int64Array, RecordBatch,
};
use datafusion::arrow::datatypes::{DataType, Field, Float64Type, Int64Type, Schema};
use datafusion::datasource::MemTable;
use datafusion::prelude::{DataFrame, SessionContext, col};
use hadron_datafusion::prep::{self, Scaler, ScalerKind};
use hadron_datafusion::session_context;

/// The four feature vectors of the hand-worked example (third element constant).
const VECTORS: [[f64; 3]; 4] = [[1., 10., 5.], [2., 20., 5.], [4., 30., 5.], [5., 60., 5.]];

async fn rows(ctx: &SessionContext, sql: &str) -> Vec<RecordBatch> {
    let df = ctx.sql(sql).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
    df.collect().await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

async fn error_of(ctx: &SessionContext, sql: &str) -> String {
    let result = match ctx.sql(sql).await {
        Ok(df) => df.collect().await.map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => panic!("{sql}: expected an error"),
        Err(e) => e.to_string(),
    }
}

/// One list column of `batches` as `Option<Vec<f64>>` per row.
fn lists(batches: &[RecordBatch], column: usize) -> Vec<Option<Vec<f64>>> {
    let mut out = Vec::new();
    for b in batches {
        let a = b.column(column);
        for i in 0..a.len() {
            if a.is_null(i) {
                out.push(None);
                continue;
            }
            let v = match a.data_type() {
                DataType::FixedSizeList(_, _) => a.as_fixed_size_list().value(i),
                DataType::List(_) => a.as_list::<i32>().value(i),
                other => panic!("not a list: {other}"),
            };
            let v = datafusion::arrow::compute::cast(&v, &DataType::Float64).unwrap();
            out.push(Some(v.as_primitive::<Float64Type>().values().to_vec()));
        }
    }
    out
}

fn strings(batches: &[RecordBatch], column: usize) -> Vec<Option<String>> {
    batches
        .iter()
        .flat_map(|b| {
            let a = datafusion::arrow::compute::cast(b.column(column), &DataType::Utf8).unwrap();
            let a = a.as_string::<i32>().clone();
            (0..a.len()).map(|i| a.is_valid(i).then(|| a.value(i).to_string())).collect::<Vec<_>>()
        })
        .collect()
}

fn int64s(batches: &[RecordBatch], column: usize) -> Vec<i64> {
    batches
        .iter()
        .flat_map(|b| {
            let a = datafusion::arrow::compute::cast(b.column(column), &DataType::Int64).unwrap();
            a.as_primitive::<Int64Type>().values().to_vec()
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-12 * (1.0 + b.abs())
}

fn assert_vec_close(got: &[f64], want: &[f64], what: &str) {
    assert_eq!(got.len(), want.len(), "{what}: {got:?} vs {want:?}");
    for (g, w) in got.iter().zip(want) {
        assert!(close(*g, *w), "{what}: got {got:?}, want {want:?}");
    }
}

/// Registers `features(id, v)` with `v` a `FixedSizeList<Float32>(3)` of [`VECTORS`], split
/// over two partitions so that aggregates merge partial states.
fn register_vectors(ctx: &SessionContext) {
    let item = Arc::new(Field::new_list_field(DataType::Float32, true));
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("v", DataType::FixedSizeList(item.clone(), 3), true),
    ]));
    let batch = |ids: std::ops::Range<usize>| {
        let values: Vec<f32> = ids.clone().flat_map(|i| VECTORS[i].map(|x| x as f32)).collect();
        let v = FixedSizeListArray::new(item.clone(), 3, Arc::new(Float32Array::from(values)), None);
        RecordBatch::try_new(
            schema.clone(),
            vec![Arc::new(Int64Array::from_iter_values(ids.map(|i| i as i64))), Arc::new(v)],
        )
        .unwrap()
    };
    let table = MemTable::try_new(schema.clone(), vec![vec![batch(0..1)], vec![batch(1..4)]]).unwrap();
    ctx.register_table("features", Arc::new(table)).unwrap();
}

#[tokio::test]
async fn one_hot_encodes_labels_as_float32_vectors() {
    let ctx = session_context();
    let b = rows(&ctx, "SELECT one_hot(label, 3) FROM (VALUES (0), (1), (2), (NULL)) AS t(label)").await;
    let field = b[0].schema().field(0).clone();
    assert_eq!(
        field.data_type(),
        &DataType::FixedSizeList(Arc::new(Field::new_list_field(DataType::Float32, true)), 3)
    );
    assert_eq!(lists(&b, 0), vec![Some(vec![1., 0., 0.]), Some(vec![0., 1., 0.]), Some(vec![0., 0., 1.]), None]);
    // Whole-number floats and decimals, and unsigned labels, are accepted.
    let b = rows(
        &ctx,
        "SELECT one_hot(2.0, 4), one_hot(CAST(1 AS DECIMAL(6,2)), 2), one_hot(CAST(0 AS TINYINT UNSIGNED), 1)",
    )
    .await;
    assert_eq!(lists(&b, 0), vec![Some(vec![0., 0., 1., 0.])]);
    assert_eq!(lists(&b, 1), vec![Some(vec![0., 1.])]);
    assert_eq!(lists(&b, 2), vec![Some(vec![1.])]);
}

#[tokio::test]
async fn one_hot_rejects_bad_labels_and_class_counts() {
    let ctx = session_context();
    let e = error_of(&ctx, "SELECT one_hot(label, 3) FROM (VALUES (0), (3)) AS t(label)").await;
    assert!(e.contains("label 3 is out of range") && e.contains("0..2"), "{e}");
    let e = error_of(&ctx, "SELECT one_hot(-1, 3)").await;
    assert!(e.contains("label -1 is out of range"), "{e}");
    let e = error_of(&ctx, "SELECT one_hot(1.5, 3)").await;
    assert!(e.contains("1.5") && e.contains("not a whole number"), "{e}");
    let e = error_of(&ctx, "SELECT one_hot(1, 0)").await;
    assert!(e.contains("n must be a positive integer constant"), "{e}");
    let e = error_of(&ctx, "SELECT one_hot(x, x) FROM (VALUES (1)) AS t(x)").await;
    assert!(e.contains("got a column"), "{e}");
    let e = error_of(&ctx, "SELECT one_hot('a', 3)").await;
    assert!(e.contains("label must be a number"), "{e}");
}

#[tokio::test]
async fn minmax_fit_and_scale_feature_vectors() {
    let ctx = session_context();
    register_vectors(&ctx);
    let b = rows(&ctx, "SELECT minmax_fit(v) FROM features").await;
    let state = strings(&b, 0)[0].clone().unwrap();
    let Scaler::MinMax(s) = Scaler::from_json(&state, "test").unwrap() else { panic!("{state}") };
    assert_eq!(s.min, vec![1., 10., 5.]);
    assert_eq!(s.max, vec![5., 60., 5.]);

    // (x − min)/(max − min); the constant third element gives Spark's 0.5.
    let b = rows(&ctx, "SELECT minmax_scale(v, (SELECT minmax_fit(v) FROM features)) FROM features ORDER BY id").await;
    assert_eq!(
        b[0].schema().field(0).data_type(),
        &DataType::FixedSizeList(Arc::new(Field::new_list_field(DataType::Float32, true)), 3),
        "Float32 vectors stay Float32"
    );
    let want = [
        [0., 0., 0.5],
        [(2. - 1.) / 4., (20. - 10.) / 50., 0.5],
        [(4. - 1.) / 4., (30. - 10.) / 50., 0.5],
        [1., 1., 0.5],
    ];
    for (got, want) in lists(&b, 0).iter().zip(want) {
        let want: Vec<f64> = want.iter().map(|&x| x as f32 as f64).collect();
        assert_eq!(got.as_ref().unwrap(), &want);
    }
}

#[tokio::test]
async fn standard_fit_uses_the_sample_std() {
    let ctx = session_context();
    register_vectors(&ctx);
    let b = rows(&ctx, "SELECT standard_fit(v) FROM features").await;
    let state = strings(&b, 0)[0].clone().unwrap();
    let Scaler::Standard(s) = Scaler::from_json(&state, "test").unwrap() else { panic!("{state}") };
    // means 12/4, 120/4, 20/4; squared deviations 4+1+1+4 and 400+100+0+900, over n − 1 = 3.
    assert_vec_close(&s.mean, &[3., 30., 5.], "mean");
    assert_vec_close(&s.std, &[(10f64 / 3.).sqrt(), (1400f64 / 3.).sqrt(), 0.], "sample std");
    assert!(s.with_mean && s.with_std);

    let scaled = lists(&rows(&ctx, &format!("SELECT standard_scale(v, '{state}') FROM features ORDER BY id")).await, 0);
    for (got, x) in scaled.iter().zip(VECTORS) {
        let want = [
            (x[0] - 3.) / (10f64 / 3.).sqrt(),
            (x[1] - 30.) / (1400f64 / 3.).sqrt(),
            0., // std 0 → 0, as Spark
        ];
        // Float32 output: within f32 precision of the f64 formula.
        let got = got.as_ref().unwrap();
        for (g, w) in got.iter().zip(want) {
            assert!((g - w).abs() <= 1e-6 * (1.0 + w.abs()), "{got:?} vs {want:?}");
        }
    }
}

#[tokio::test]
async fn scalers_on_scalar_columns_with_nulls_and_many_partitions() {
    // 1000 values over two partitions: compared with a plain two-pass computation.
    let xs: Vec<Option<f64>> =
        (0..1000).map(|i| (i % 17 != 0).then(|| ((i * 7) % 13) as f64 + i as f64 * 0.01)).collect();
    let schema = Arc::new(Schema::new(vec![Field::new("x", DataType::Float64, true)]));
    let part = |r: std::ops::Range<usize>| {
        vec![
            RecordBatch::try_new(schema.clone(), vec![Arc::new(Float64Array::from(xs[r].to_vec())) as ArrayRef])
                .unwrap(),
        ]
    };
    let ctx = session_context();
    let table = MemTable::try_new(schema.clone(), vec![part(0..400), part(400..1000)]).unwrap();
    ctx.register_table("xs", Arc::new(table)).unwrap();

    let valid: Vec<f64> = xs.iter().flatten().copied().collect();
    let n = valid.len() as f64;
    let mean = valid.iter().sum::<f64>() / n;
    let var = valid.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1.);
    let min = valid.iter().copied().fold(f64::INFINITY, f64::min);
    let max = valid.iter().copied().fold(f64::NEG_INFINITY, f64::max);

    let df = ctx.table("xs").await.unwrap();
    let Scaler::Standard(s) = Scaler::fit(&df, "x", ScalerKind::Standard).await.unwrap() else { panic!() };
    assert!((s.mean[0] - mean).abs() < 1e-9 && (s.std[0] - var.sqrt()).abs() < 1e-9);
    let mm = Scaler::fit(&df, "x", ScalerKind::MinMax).await.unwrap();
    // The fitted state travels as JSON: serde_json's float parsing may land one ulp away.
    let Scaler::MinMax(m) = &mm else { panic!("{mm:?}") };
    let close = |a: f64, b: f64| (a - b).abs() <= 4.0 * f64::EPSILON * b.abs();
    assert!(m.min.len() == 1 && close(m.min[0], min) && close(m.max[0], max), "{m:?} vs {min} {max}");

    // Transform through the Rust API: nulls stay null, values map to (x − min)/(max − min).
    let b = df.select(vec![mm.transform_expr(col("x")).alias("s")]).unwrap().collect().await.unwrap();
    let got: Vec<Option<f64>> =
        b.iter().flat_map(|b| b.column(0).as_primitive::<Float64Type>().iter().collect::<Vec<_>>()).collect();
    let mut want: Vec<Option<f64>> = xs.iter().map(|x| x.map(|x| (x - min) / (max - min))).collect();
    let key = |v: &Option<f64>| v.map(f64::to_bits);
    let mut got_sorted = got.clone();
    got_sorted.sort_by_key(key);
    want.sort_by_key(key);
    assert_eq!(got_sorted.len(), want.len());
    for (g, w) in got_sorted.iter().zip(&want) {
        match (g, w) {
            (None, None) => {}
            (Some(g), Some(w)) => assert!((g - w).abs() <= 1e-12, "{g} vs {w}"),
            _ => panic!("null mismatch: {g:?} vs {w:?}"),
        }
    }
}

#[tokio::test]
async fn scaler_json_round_trip_and_errors() {
    let ctx = session_context();
    register_vectors(&ctx);
    let df = ctx.table("features").await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    for kind in [ScalerKind::MinMax, ScalerKind::Standard] {
        let scaler = Scaler::fit(&df, "v", kind).await.unwrap();
        let path = dir.path().join(format!("{kind:?}.json"));
        scaler.save_json(&path).unwrap();
        let names: Vec<_> =
            std::fs::read_dir(dir.path()).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        assert!(names.iter().all(|n| !n.contains(".tmp")), "{names:?}");
        let loaded = Scaler::load_json(&path).unwrap();
        assert_eq!(loaded, scaler, "{kind:?}: exact round trip of f64 values");
        // The Rust transform equals the SQL one with the fitted state.
        let via_rust = lists(
            &df.clone()
                .sort(vec![col("id").sort(true, true)])
                .unwrap()
                .select(vec![loaded.transform_column("v")])
                .unwrap()
                .collect()
                .await
                .unwrap(),
            0,
        );
        let sql = format!(
            "SELECT {}(v, (SELECT {}(v) FROM features)) FROM features ORDER BY id",
            kind.scale_name(),
            kind.fit_name()
        );
        assert_eq!(via_rust, lists(&rows(&ctx, &sql).await, 0), "{kind:?}");
    }
    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, r#"{"kind":"min_max","min":[1.0],"max":[2.0,3.0]}"#).unwrap();
    let e = Scaler::load_json(&bad).unwrap_err().to_string();
    assert!(e.contains("bad.json") && e.contains("same, non-zero length"), "{e}");
    let e = Scaler::load_json(dir.path().join("missing.json")).unwrap_err().to_string();
    assert!(e.contains("missing.json"), "{e}");

    let e =
        error_of(&ctx, r#"SELECT minmax_scale(v, '{"kind":"standard","mean":[1,2,3],"std":[1,1,1]}') FROM features"#)
            .await;
    assert!(e.contains("apply it with standard_scale"), "{e}");
    let e = error_of(&ctx, r#"SELECT minmax_scale(v, '{"kind":"min_max","min":[0],"max":[1]}') FROM features"#).await;
    assert!(e.contains("has 3 elements but the scaler was fitted on 1"), "{e}");
    let e =
        error_of(&ctx, "SELECT minmax_fit(v) FROM (VALUES (make_array(1.0, 2.0)), (make_array(1.0))) AS t(v)").await;
    assert!(e.contains("different lengths"), "{e}");
    let e = error_of(&ctx, "SELECT minmax_fit(s) FROM (VALUES ('a')) AS t(s)").await;
    assert!(e.contains("expected a numeric column or a list of numbers"), "{e}");
}

#[tokio::test]
async fn scalers_accept_variable_lists() {
    let ctx = session_context();
    let b = rows(
        &ctx,
        "WITH t(v) AS (VALUES (make_array(1.0, 10.0)), (make_array(3.0, 30.0)), (NULL))
         SELECT minmax_scale(v, (SELECT minmax_fit(v) FROM t)) FROM t",
    )
    .await;
    assert!(matches!(b[0].schema().field(0).data_type(), DataType::List(_)));
    let mut got = lists(&b, 0);
    got.sort_by(|a, b| a.partial_cmp(b).unwrap());
    assert_eq!(got, vec![None, Some(vec![0., 0.]), Some(vec![1., 1.])]);
}

/// `n` rows `(id, label)`; labels from `label_of(id)`.
fn labelled(ctx: &SessionContext, n: i64, label_of: impl Fn(i64) -> i64) -> DataFrame {
    let schema = Arc::new(Schema::new(vec![
        Field::new("id", DataType::Int64, false),
        Field::new("label", DataType::Int64, true),
    ]));
    let batch = RecordBatch::try_new(
        schema,
        vec![
            Arc::new(Int64Array::from_iter_values(0..n)),
            Arc::new(Int64Array::from_iter_values((0..n).map(label_of))),
        ],
    )
    .unwrap();
    ctx.read_batch(batch).unwrap()
}

async fn ids_by_label(df: DataFrame) -> BTreeMap<i64, BTreeSet<i64>> {
    let b = df.select_columns(&["id", "label"]).unwrap().collect().await.unwrap();
    let mut out: BTreeMap<i64, BTreeSet<i64>> = BTreeMap::new();
    for (id, label) in int64s(&b, 0).into_iter().zip(int64s(&b, 1)) {
        assert!(out.entry(label).or_default().insert(id), "id {id} twice");
    }
    out
}

#[tokio::test]
async fn undersample_keeps_the_smallest_class_size_reproducibly() {
    let ctx = session_context();
    // class 0: ids ≡ 0 mod 10 (50 rows); class 1: 1..=6 mod 10 (300); class 2: 7..=9 (150).
    let label_of = |i: i64| match i % 10 {
        0 => 0,
        1..=6 => 1,
        _ => 2,
    };
    let df = labelled(&ctx, 500, label_of);
    let kept = ids_by_label(prep::undersample(df.clone(), "label", 7).await.unwrap()).await;
    let sizes: Vec<usize> = kept.values().map(BTreeSet::len).collect();
    assert_eq!(sizes, vec![50, 50, 50]);
    let all_zero: BTreeSet<i64> = (0..500).filter(|i| i % 10 == 0).collect();
    assert_eq!(kept[&0], all_zero, "the smallest class is kept whole");
    for (label, ids) in &kept {
        assert!(ids.iter().all(|&i| label_of(i) == *label));
    }
    let again = ids_by_label(prep::undersample(df.clone(), "label", 7).await.unwrap()).await;
    assert_eq!(again, kept, "same seed, same rows");
    let other = ids_by_label(prep::undersample(df, "label", 8).await.unwrap()).await;
    assert_eq!(other.values().map(BTreeSet::len).collect::<Vec<_>>(), vec![50, 50, 50]);
    assert_ne!(other[&1], kept[&1], "another seed, other rows");
}

#[tokio::test]
async fn undersample_is_exact_with_identical_rows() {
    let ctx = session_context();
    // 7 rows of class 0; class 1 is 40 identical rows (one key), so its cut is a tie.
    let df = ctx
        .sql(
            "SELECT * FROM (VALUES (0, 0), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (6, 0)) AS a(id, label)
             UNION ALL SELECT 99 AS id, 1 AS label FROM (SELECT unnest(range(40)))",
        )
        .await
        .unwrap();
    let out = prep::undersample(df, "label", 3).await.unwrap().collect().await.unwrap();
    let labels = int64s(&out, 1);
    assert_eq!(labels.iter().filter(|&&l| l == 0).count(), 7);
    assert_eq!(labels.iter().filter(|&&l| l == 1).count(), 7);
}

#[tokio::test]
async fn split_is_disjoint_complete_and_seeded() {
    let ctx = session_context();
    let df = labelled(&ctx, 10_000, |i| i % 3);
    let ids = |df: DataFrame| async move {
        let b = df.collect().await.unwrap();
        int64s(&b, 0)
    };
    let (train, test) = prep::split(df.clone(), 0.8, 42).unwrap();
    let (train_ids, test_ids) = (ids(train).await, ids(test).await);
    let train_set: BTreeSet<i64> = train_ids.iter().copied().collect();
    let test_set: BTreeSet<i64> = test_ids.iter().copied().collect();
    assert!(train_set.is_disjoint(&test_set));
    assert_eq!(train_set.len() + test_set.len(), 10_000);
    assert_eq!(train_set.union(&test_set).count(), 10_000);
    // Binomial(10000, 0.8): σ = 40; allow 5σ.
    assert!((train_set.len() as i64 - 8000).abs() <= 200, "{}", train_set.len());

    let (again, _) = prep::split(df.clone(), 0.8, 42).unwrap();
    assert_eq!(ids(again).await.into_iter().collect::<BTreeSet<_>>(), train_set);
    let (other, _) = prep::split(df.clone(), 0.8, 43).unwrap();
    assert_ne!(ids(other).await.into_iter().collect::<BTreeSet<_>>(), train_set);

    // The SQL form with the same seed and columns selects the same rows.
    ctx.register_table("events", df.into_view()).unwrap();
    let b = rows(&ctx, "SELECT id FROM events WHERE split_fraction(42, id, label) < 0.8").await;
    assert_eq!(int64s(&b, 0).into_iter().collect::<BTreeSet<_>>(), train_set);

    let e = prep::split(labelled(&ctx, 1, |_| 0), 1.5, 1).err().unwrap().to_string();
    assert!(e.contains("fraction must be in [0, 1]"), "{e}");
}

#[tokio::test]
async fn shuffle_is_a_seeded_permutation() {
    let ctx = session_context();
    let df = labelled(&ctx, 1000, |i| i % 2);
    let order = |seed| {
        let df = df.clone();
        async move { int64s(&prep::shuffle(df, seed).unwrap().collect().await.unwrap(), 0) }
    };
    let a = order(5).await;
    let mut sorted = a.clone();
    sorted.sort();
    assert_eq!(sorted, (0..1000).collect::<Vec<_>>(), "a permutation");
    assert_ne!(a, sorted, "not the input order");
    assert_eq!(order(5).await, a, "same seed, same order");
    assert_ne!(order(6).await, a, "another seed, another order");
}

#[tokio::test]
async fn seeded_rand_is_uniform_and_depends_on_seed_and_keys_only() {
    let ctx = session_context();
    ctx.register_table("events", labelled(&ctx, 10_000, |i| i % 3).into_view()).unwrap();
    let b = rows(
        &ctx,
        "SELECT avg(r), min(r), max(r), count(DISTINCT r),
                avg(CASE WHEN r < 0.25 THEN 1.0 ELSE 0.0 END)
         FROM (SELECT seeded_rand(1, id) AS r FROM events)",
    )
    .await;
    let get = |c: usize| {
        let a = datafusion::arrow::compute::cast(b[0].column(c), &DataType::Float64).unwrap();
        a.as_primitive::<Float64Type>().value(0)
    };
    // Uniform [0, 1): mean 1/2 (σ/√n = 0.0029), P(r < 1/4) = 1/4 (σ = 0.0043).
    assert!((get(0) - 0.5).abs() < 0.015, "{}", get(0));
    assert!(get(1) >= 0.0 && get(2) < 1.0);
    assert_eq!(get(3), 10_000.0);
    assert!((get(4) - 0.25).abs() < 0.02, "{}", get(4));

    // Equal keys give equal values whatever the row order and batching; the seed matters.
    let b = rows(
        &ctx,
        "SELECT count(*) FROM
           (SELECT id, seeded_hash(9, id) AS h, seeded_hash(10, id) AS g FROM events) a
           JOIN (SELECT id, seeded_hash(9, id) AS h FROM (SELECT id FROM events ORDER BY id DESC LIMIT 5000)) b
           USING (id)
         WHERE a.h = b.h AND a.g <> a.h",
    )
    .await;
    assert_eq!(int64s(&b, 0), vec![5000]);
    let e = error_of(&ctx, "SELECT seeded_rand(1.5, id) FROM events").await;
    assert!(e.contains("seed must be an integer"), "{e}");
    let e = error_of(&ctx, "SELECT seeded_hash(1) FROM events").await;
    assert!(e.contains("at least one key"), "{e}");
}

#[tokio::test]
async fn every_prep_function_is_documented() {
    let ctx = session_context();
    let state = ctx.state();
    for name in ["one_hot", "minmax_scale", "standard_scale", "seeded_hash", "seeded_rand", "split_fraction"] {
        let udf = state.scalar_functions().get(name).unwrap_or_else(|| panic!("{name}"));
        let doc = udf.documentation().unwrap_or_else(|| panic!("{name} has no documentation"));
        assert!(doc.sql_example.is_some() && !doc.description.is_empty(), "{name}");
    }
    for name in ["minmax_fit", "standard_fit"] {
        let udaf = state.aggregate_functions().get(name).unwrap_or_else(|| panic!("{name}"));
        let doc = udaf.documentation().unwrap_or_else(|| panic!("{name}"));
        assert!(doc.sql_example.is_some() && !doc.description.is_empty(), "{name}");
    }
}
