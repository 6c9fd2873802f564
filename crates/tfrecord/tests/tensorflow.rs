//! TFRecord files against the real TensorFlow (`tensorflow-cpu` in the peers venv): TF reads what Hadron
//! writes (values and Example bytes), Hadron reads what `tf.io.TFRecordWriter` writes, and corrupt or
//! truncated files give located errors.

use std::fs::File;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

use arrow_array::builder::{BooleanBuilder, Int64Builder, ListBuilder, StringBuilder};
use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Int64Type};
use arrow_array::{Array, ArrayRef, FixedSizeListArray, Float32Array, Float64Array, Int32Array, RecordBatch};
use arrow_schema::Field;
use hadron_tfrecord::example::Message;
use hadron_tfrecord::{
    Compression, DType, Example, ExampleFileWriter, ExampleReader, FeatureSpec, RecordReader, ShardWriter,
};

fn peers() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers")
}

/// The peers interpreter (`HADRON_PYTHON`, default the cached venv) if it has TensorFlow.
fn python() -> Option<PathBuf> {
    let p = std::env::var_os("HADRON_PYTHON")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/hadron/venv/bin/python")));
    let ci = std::env::var("CI").as_deref() == Ok("true");
    let why = match &p {
        None => "neither HADRON_PYTHON nor HOME is set".to_string(),
        Some(p) if !p.exists() => format!("no peers interpreter at {} (run scripts/python-env)", p.display()),
        Some(p) => match Command::new(p).args(["-c", "import tensorflow"]).env("TF_CPP_MIN_LOG_LEVEL", "3").output() {
            Ok(o) if o.status.success() => return Some(p.clone()),
            Ok(o) => format!("{} cannot import tensorflow: {}", p.display(), String::from_utf8_lossy(&o.stderr)),
            Err(e) => format!("cannot run {}: {e}", p.display()),
        },
    };
    if ci {
        panic!("CI=true but the TensorFlow peer is missing: {why}");
    }
    eprintln!("skipping: {why}");
    None
}

fn run_peer(py: &Path, script: &str, args: &[&Path]) -> String {
    let o = Command::new(py).arg(peers().join(script)).args(args).output().expect("run python");
    let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "{script} failed:\n{out}\n{err}");
    out.trim().to_string()
}

/// splitmix64: a seeded generator without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn fixed(values: ArrayRef, size: i32) -> ArrayRef {
    let field = Arc::new(Field::new("item", values.data_type().clone(), false));
    Arc::new(FixedSizeListArray::new(field, size, values, None))
}

/// The reference spec (`HLF_input` f64[14] cast to float32, `GRU_input` f32[801,19], `encoded_label` f32[3])
/// plus scalars, strings, a null and nested jagged lists, from a seeded generator.
fn seeded_batch(rows: usize, seed: u64) -> RecordBatch {
    let mut rng = Rng(seed);
    let hlf: Float64Array = (0..rows * 14).map(|_| rng.unit() * 2e3 - 1e3).collect();
    let gru: Float32Array = (0..rows * 801 * 19).map(|_| (rng.unit() * 10.0 - 5.0) as f32).collect();
    let label: Vec<usize> = (0..rows).map(|_| (rng.next() % 3) as usize).collect();
    let onehot: Float32Array = (0..rows * 3).map(|i| if label[i / 3] == i % 3 { 1.0 } else { 0.0 }).collect();
    let mut names = StringBuilder::new();
    let mut flags = BooleanBuilder::new();
    let mut hits = ListBuilder::new(Int64Builder::new());
    let mut jagged = ListBuilder::new(ListBuilder::new(arrow_array::builder::Float64Builder::new()));
    for r in 0..rows {
        names.append_value(format!("event-{r}-é"));
        flags.append_value(rng.next().is_multiple_of(2));
        if r == 3 {
            hits.append_null();
        } else {
            for _ in 0..rng.next() % 6 {
                hits.values().append_value(rng.next() as i64);
            }
            hits.append(true);
        }
        for _ in 0..rng.next() % 4 {
            for _ in 0..rng.next() % 3 {
                jagged.values().values().append_value(rng.unit() - 0.5);
            }
            jagged.values().append(true);
        }
        jagged.append(true);
    }
    let columns: Vec<(&str, ArrayRef)> = vec![
        ("HLF_input", fixed(Arc::new(hlf), 14)),
        ("GRU_input", fixed(fixed(Arc::new(gru), 19), 801)),
        ("encoded_label", fixed(Arc::new(onehot), 3)),
        ("label", Arc::new(label.iter().map(|l| *l as i32).collect::<Int32Array>())),
        ("flag", Arc::new(flags.finish())),
        ("name", Arc::new(names.finish())),
        ("hits", Arc::new(hits.finish())),
        ("jagged", Arc::new(jagged.finish())),
    ];
    RecordBatch::try_from_iter(columns).unwrap()
}

fn write_parquet(batch: &RecordBatch, path: &Path) {
    let mut w = parquet::arrow::ArrowWriter::try_new(File::create(path).unwrap(), batch.schema(), None).unwrap();
    w.write(batch).unwrap();
    w.close().unwrap();
}

fn reference_specs() -> Vec<FeatureSpec> {
    vec![
        FeatureSpec::fixed("HLF_input", DType::Float32, &[14]),
        FeatureSpec::fixed("GRU_input", DType::Float32, &[801, 19]),
        FeatureSpec::fixed("encoded_label", DType::Float32, &[3]),
    ]
}

#[test]
fn hadron_records_read_by_tensorflow() {
    let dir = tempfile::tempdir().unwrap();
    let rows = 23;
    let batch = seeded_batch(rows, 42);
    let parquet = dir.path().join("data.parquet");
    write_parquet(&batch, &parquet);
    // One plain file, written in two batches to cross a batch boundary.
    let plain = dir.path().join("all.tfrecord");
    let mut w = ExampleFileWriter::create(&plain, Compression::None).unwrap();
    w.write_batch(&batch.slice(0, 10)).unwrap();
    w.write_batch(&batch.slice(10, rows - 10)).unwrap();
    assert!(!plain.exists(), "the final name appears only at finish");
    assert_eq!(w.finish().unwrap(), rows as u64);
    // Three GZIP shards.
    let shards = dir.path().join("shards");
    let mut s = ShardWriter::create(&shards, 3, Compression::Gzip).unwrap();
    s.write_batch(&batch.slice(0, 5)).unwrap();
    s.write_batch(&batch.slice(5, rows - 5)).unwrap();
    assert_eq!(s.finish().unwrap(), vec![8, 8, 7]);
    let names: Vec<String> =
        std::fs::read_dir(&shards).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert_eq!(names.len(), 3, "no temporary files left: {names:?}");

    // Hadron reads its own file back under the reference spec: float64 → float32, row-major nesting.
    let mut reader = ExampleReader::open(&plain, Compression::None, &reference_specs(), 10).unwrap();
    let got: Vec<RecordBatch> = reader.by_ref().collect::<Result<_, _>>().unwrap();
    assert_eq!(got.iter().map(RecordBatch::num_rows).collect::<Vec<_>>(), vec![10, 10, 3]);
    let hlf_in = batch.column(0).as_fixed_size_list().values().as_primitive::<arrow_array::types::Float64Type>();
    let hlf_out: Vec<f32> = got
        .iter()
        .flat_map(|b| b.column(0).as_fixed_size_list().values().as_primitive::<Float32Type>().values().to_vec())
        .collect();
    assert_eq!(hlf_out, hlf_in.values().iter().map(|v| *v as f32).collect::<Vec<_>>());
    assert_eq!(
        got[0].schema().field(1).data_type().to_string(),
        "FixedSizeList(801 x non-null FixedSizeList(19 x non-null Float32))"
    );

    let Some(py) = python() else { return };
    let out = run_peer(&py, "check_hadron_records.py", &[&parquet, &plain, &shards, Path::new("3")]);
    assert_eq!(out, format!("ok {rows}"));
}

#[test]
fn tensorflow_records_read_by_hadron() {
    let Some(py) = python() else { return };
    let dir = tempfile::tempdir().unwrap();
    let rows = 50;
    assert_eq!(run_peer(&py, "write_tf_records.py", &[dir.path(), Path::new("50"), Path::new("7")]), "ok 50");
    let specs: Vec<FeatureSpec> = ["x:float32[5]", "m:float32[3,4]", "ids:int64[*]", "label:int64", "tag:bytes"]
        .iter()
        .map(|s| s.parse().unwrap())
        .collect();
    let file = File::open(dir.path().join("data.parquet")).unwrap();
    let want = parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder::try_new(file).unwrap().build().unwrap();
    let want: Vec<RecordBatch> = want.collect::<Result<_, _>>().unwrap();
    let want = arrow_select_concat(&want);
    for (name, compression) in [("tf.tfrecord", Compression::None), ("tf.tfrecord.gz", Compression::Gzip)] {
        let reader = ExampleReader::open(dir.path().join(name), compression, &specs, 16).unwrap();
        let got: Vec<RecordBatch> = reader.collect::<Result<_, _>>().unwrap();
        let got = arrow_select_concat(&got);
        assert_eq!(got.num_rows(), rows);
        // Fixed shapes: same flattened values as the Parquet lists, whose rows all have the full length.
        for (c, len) in [("x", 5), ("m", 12)] {
            let w = want.column_by_name(c).unwrap().as_list::<i32>();
            assert!(w.value_offsets().windows(2).all(|o| o[1] - o[0] == len));
            let mut g = got.column_by_name(c).unwrap().clone();
            while let Some(l) = g.as_fixed_size_list_opt() {
                g = l.values().clone();
            }
            assert_eq!(g.as_primitive::<Float32Type>(), w.values().as_primitive::<Float32Type>(), "{name} {c}");
        }
        let (g, w) =
            (got.column_by_name("ids").unwrap().as_list::<i32>(), want.column_by_name("ids").unwrap().as_list::<i32>());
        assert_eq!(g.value_offsets(), w.value_offsets(), "{name} ids lengths");
        assert_eq!(g.values().as_primitive::<Int64Type>(), w.values().as_primitive::<Int64Type>(), "{name} ids");
        assert_eq!(
            got.column_by_name("label").unwrap().as_primitive::<Int64Type>(),
            want.column_by_name("label").unwrap().as_primitive::<Int64Type>()
        );
        assert_eq!(
            got.column_by_name("tag").unwrap().as_binary::<i32>(),
            want.column_by_name("tag").unwrap().as_binary::<i32>()
        );
    }
    // Byte identity: decoding TensorFlow's Example bytes and encoding them again gives the same bytes.
    let mut r = RecordReader::open(dir.path().join("tf.tfrecord"), Compression::None).unwrap();
    let mut offsets = Vec::new();
    let mut buf = Vec::new();
    while let Some(off) = r.read_record(&mut buf).unwrap() {
        assert_eq!(Example::decode(buf.as_slice()).unwrap().encode_to_vec(), buf, "record at byte {off}");
        offsets.push(off);
    }
    assert_eq!(offsets.len(), rows);

    // A flipped payload byte in record 17 → payload CRC error naming the file and the record's offset.
    let bytes = std::fs::read(dir.path().join("tf.tfrecord")).unwrap();
    let bad = dir.path().join("bad.tfrecord");
    let mut b = bytes.clone();
    b[offsets[17] as usize + 12 + 5] ^= 0x10;
    std::fs::write(&bad, &b).unwrap();
    let err = ExampleReader::open(&bad, Compression::None, &specs, 100).unwrap().next_batch().unwrap_err().to_string();
    let want_msg = format!("{}: corrupt TFRecord at byte {}: payload CRC mismatch", bad.display(), offsets[17]);
    assert!(err.starts_with(&want_msg), "{err}");
    // A flipped length byte → length CRC error.
    let mut b = bytes.clone();
    b[offsets[30] as usize + 1] ^= 0x01;
    std::fs::write(&bad, &b).unwrap();
    let err = ExampleReader::open(&bad, Compression::None, &specs, 100).unwrap().next_batch().unwrap_err().to_string();
    assert!(err.contains(&format!("at byte {}: length CRC mismatch", offsets[30])), "{err}");
    // Truncated inside record 49's payload, then inside its header.
    for (cut, what) in [(bytes.len() - 10, "truncated record:"), (offsets[49] as usize + 5, "truncated record header")]
    {
        std::fs::write(&bad, &bytes[..cut]).unwrap();
        let err =
            ExampleReader::open(&bad, Compression::None, &specs, 100).unwrap().next_batch().unwrap_err().to_string();
        let want_msg = format!("{}: corrupt TFRecord at byte {}: {what}", bad.display(), offsets[49]);
        assert!(err.starts_with(&want_msg), "{err}");
    }
    // A record whose feature does not match the spec is located too.
    let wrong: Vec<FeatureSpec> = vec!["x:float32[6]".parse().unwrap()];
    let err = ExampleReader::open(dir.path().join("tf.tfrecord"), Compression::None, &wrong, 100)
        .unwrap()
        .next_batch()
        .unwrap_err()
        .to_string();
    assert!(err.contains("record 0 at byte 0: feature 'x': has 5 values, spec x:float32[6] wants 6"), "{err}");
}

fn arrow_select_concat(batches: &[RecordBatch]) -> RecordBatch {
    arrow_select::concat::concat_batches(&batches[0].schema(), batches).unwrap()
}

#[test]
fn unsupported_columns_fail_before_writing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.tfrecord");
    let a: ArrayRef = Arc::new(arrow_array::Date32Array::from(vec![1, 2]));
    let batch = RecordBatch::try_from_iter([("day", a)]).unwrap();
    let mut w = ExampleFileWriter::create(&path, Compression::None).unwrap();
    let err = w.write_batch(&batch).unwrap_err().to_string();
    assert_eq!(err, "not supported: column 'day': Arrow type Date32 has no tf.train.Feature form");
    drop(w);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0, "the temporary file is removed");
}
