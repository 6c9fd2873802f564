//! End-to-end tests of hadron-train on synthetic shards: determinism across thread counts, resume, shard
//! round trips through both formats, events decoded once into memory giving the same batches, exact padded-step
//! skipping, output files, and data errors.

use std::path::Path;

use hadron_nn::{Adam, Model};
use hadron_train::loader::{self, BatchRef, Pass, Source};
use hadron_train::metrics::Metrics;
use hadron_train::parallel::Engine;
use hadron_train::shards::{self, Columns};
use hadron_train::synth::Synth;
use hadron_train::{Format, Quiet, Table, TrainConfig, train};

fn shards(dir: &Path, events: usize, shards: usize, seed: u64, sequence: bool, format: Format) {
    Synth::new(events, shards, seed, sequence).write(dir, format).unwrap();
}

fn config(model: &str, data: &Path, out: &Path) -> TrainConfig {
    let mut c = TrainConfig::new(Model::preset(model).unwrap(), data.join("train"), data.join("test"), out);
    c.epochs = 1;
    c.batch = 24;
    c.micro_batches = 6;
    c.shuffle_buffer = 50;
    c.test_batch = 40;
    c
}

#[test]
fn same_seed_same_weights_for_any_thread_count() {
    let d = tempfile::tempdir().unwrap();
    shards(&d.path().join("train"), 100, 3, 1, true, Format::TfRecord);
    shards(&d.path().join("test"), 30, 1, 2, true, Format::TfRecord);
    let mut results = Vec::new();
    for t in [1, 2, 3] {
        let mut c = config("inclusive", d.path(), &d.path().join(format!("out{t}")));
        c.threads = t;
        c.epochs = 2;
        let o = train(&c, &mut Quiet).unwrap();
        results.push((o.params, o.metrics.epochs.iter().map(|e| (e.loss, e.test_loss)).collect::<Vec<_>>()));
    }
    let bits = |p: &[f32]| p.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&results[0].0), bits(&results[1].0), "T=1 vs T=2");
    assert_eq!(bits(&results[0].0), bits(&results[2].0), "T=1 vs T=3");
    assert_eq!(results[0].1, results[2].1);
    assert_ne!(bits(&results[0].0), bits(&Model::preset("inclusive").unwrap().init_params(42)), "it trained");
}

#[test]
fn resume_equals_uninterrupted() {
    let d = tempfile::tempdir().unwrap();
    shards(&d.path().join("train"), 120, 2, 3, false, Format::Parquet);
    shards(&d.path().join("test"), 40, 1, 4, false, Format::Parquet);
    let mut c = config("hlf", d.path(), &d.path().join("full"));
    c.epochs = 3;
    let full = train(&c, &mut Quiet).unwrap();
    let mut c = config("hlf", d.path(), &d.path().join("parts"));
    c.epochs = 1;
    train(&c, &mut Quiet).unwrap();
    c.epochs = 3;
    c.resume = true;
    let resumed = train(&c, &mut Quiet).unwrap();
    assert_eq!(full.params, resumed.params);
    let figures = |m: &Metrics| {
        m.epochs.iter().map(|e| (e.epoch, e.loss, e.accuracy, e.test_loss, e.auc.clone())).collect::<Vec<_>>()
    };
    assert_eq!(figures(&full.metrics), figures(&resumed.metrics));
    // A checkpoint of another run is refused.
    c.seed = 7;
    let err = train(&c, &mut Quiet).unwrap_err().to_string();
    assert!(err.contains("checkpoint.bin") && err.contains("another model, seed"), "{err}");
}

#[test]
fn tfrecord_and_parquet_shards_read_back_equal() {
    let d = tempfile::tempdir().unwrap();
    let s = Synth::new(37, 2, 9, true);
    let tf = s.write(&d.path().join("tf"), Format::TfRecord).unwrap();
    let pq = s.write(&d.path().join("pq"), Format::Parquet).unwrap();
    let model = Model::preset("inclusive").unwrap();
    let cols = Columns::of(&model);
    let read = |files: &[std::path::PathBuf]| {
        let mut evs = Vec::new();
        for f in files {
            shards::read(f, &cols, &mut |e| {
                evs.push(e);
                Ok(())
            })
            .unwrap();
        }
        evs
    };
    let (a, b) = (read(&tf), read(&pq));
    assert_eq!(a.len(), 37);
    assert_eq!(a, b);
    // And both equal what the generator made (inputs in the model's order: GRU_input, HLF_input).
    let mut i = 0;
    for sh in 0..2 {
        s.generate(sh, &mut |h, g, k| {
            assert_eq!(a[i].inputs, vec![g, h]);
            assert_eq!(a[i].label.iter().position(|&v| v == 1.0), Some(k));
            i += 1;
            Ok(())
        })
        .unwrap();
    }
    assert_eq!(shards::count(&tf[0]).unwrap() + shards::count(&tf[1]).unwrap(), 37);
    assert_eq!(shards::count(&pq[0]).unwrap() + shards::count(&pq[1]).unwrap(), 37);
    // The shuffled pass delivers every event exactly once.
    let rx = loader::start(Pass {
        source: Source::Files(pq.clone()),
        columns: cols.clone(),
        batch: 8,
        shuffle: Some((10, 5)),
    })
    .unwrap();
    let mut seen: Vec<Vec<u32>> = Vec::new();
    for b in rx {
        let b = b.unwrap();
        seen.extend(b.inputs[1].chunks(14).map(|r| r.iter().map(|v| v.to_bits()).collect()));
    }
    let mut want: Vec<Vec<u32>> = b.iter().map(|e| e.inputs[1].iter().map(|v| v.to_bits()).collect()).collect();
    assert_ne!(seen, want, "shuffled");
    seen.sort();
    want.sort();
    assert_eq!(seen, want);
}

#[test]
fn memory_table_gives_the_same_batches_as_decoding() {
    let d = tempfile::tempdir().unwrap();
    let s = Synth::new(53, 3, 12, true);
    let cols = Columns::of(&Model::preset("inclusive").unwrap());
    for format in [Format::Parquet, Format::TfRecord] {
        let files = s.write(&d.path().join(format!("{format:?}")), format).unwrap();
        let table = std::sync::Arc::new(Table::load(&files, &cols).unwrap());
        assert_eq!((table.n, table.files.clone()), (53, vec![0..17, 17..35, 35..53]));
        assert_eq!(table.bytes(), Table::decoded_bytes(&files, &cols).unwrap());
        for shuffle in [None, Some((10, 5)), Some((100, 6))] {
            let pass = |source| {
                let p = Pass { source, columns: cols.clone(), batch: 8, shuffle };
                loader::start(p).unwrap().map(Result::unwrap).collect::<Vec<_>>()
            };
            let (a, b) = (pass(Source::Files(files.clone())), pass(Source::Table(table.clone())));
            assert_eq!(a.len(), 7);
            assert!(a == b, "{format:?} {shuffle:?}: the table's batches differ from the files'");
        }
    }
}

#[test]
fn training_from_memory_equals_training_from_files() {
    let d = tempfile::tempdir().unwrap();
    shards(&d.path().join("train"), 90, 2, 8, true, Format::Parquet);
    shards(&d.path().join("test"), 30, 1, 9, true, Format::Parquet);
    let run = |cache_bytes, out: &str| {
        let mut c = config("inclusive", d.path(), &d.path().join(out));
        c.epochs = 2;
        c.cache_bytes = cache_bytes;
        train(&c, &mut Quiet).unwrap()
    };
    let (mem, files) = (run(1 << 30, "mem"), run(0, "files"));
    let bits = |p: &[f32]| p.iter().map(|v| v.to_bits()).collect::<Vec<_>>();
    assert_eq!(bits(&mem.params), bits(&files.params));
    let figures = |m: &Metrics| m.epochs.iter().map(|e| (e.loss, e.test_loss, e.auc.clone())).collect::<Vec<_>>();
    assert_eq!(figures(&mem.metrics), figures(&files.metrics));
}

#[test]
fn skipping_padded_steps_is_exact() {
    let d = tempfile::tempdir().unwrap();
    let files = Synth::new(40, 1, 11, true).write(d.path(), Format::TfRecord).unwrap();
    let model = Model::preset("gru").unwrap();
    let params = model.init_params(5);
    let rx =
        loader::start(Pass { source: Source::Files(files), columns: Columns::of(&model), batch: 40, shuffle: None })
            .unwrap();
    let batch = rx.into_iter().next().unwrap().unwrap();
    let mut skip = Engine::new(model.clone(), 2, 4, 40, true).unwrap();
    let mut full = Engine::new(model.clone(), 1, 4, 40, false).unwrap();
    let (a, b) = (skip.predict(&params, &batch).unwrap(), full.predict(&params, &batch).unwrap());
    for (x, y) in a.iter().zip(&b) {
        assert!((x - y).abs() < 1e-5, "{x} vs {y}");
    }
    let (kept, total) = skip.step_counts();
    assert!(kept * 10 < total, "kept {kept} of {total} steps");
    let n = model.num_params();
    let (mut pa, mut pb) = (params.clone(), params.clone());
    let sa = skip.step(&mut pa, &mut Adam::new(n), BatchRef::Packed(&batch), 1).unwrap();
    let ga = skip.grad().to_vec();
    let sb = full.step(&mut pb, &mut Adam::new(n), BatchRef::Packed(&batch), 1).unwrap();
    assert!((sa.loss_sum - sb.loss_sum).abs() < 1e-4 * sb.loss_sum.abs());
    let scale = full.grad().iter().fold(0.0f32, |m, v| m.max(v.abs()));
    for (x, y) in ga.iter().zip(full.grad()) {
        assert!((x - y).abs() <= 1e-4 * scale, "{x} vs {y}");
    }
}

#[test]
fn writes_model_metrics_and_roc_and_learns() {
    let d = tempfile::tempdir().unwrap();
    shards(&d.path().join("train"), 3000, 2, 21, false, Format::Parquet);
    shards(&d.path().join("test"), 600, 1, 22, false, Format::TfRecord);
    let out = d.path().join("out");
    let mut c = config("hlf", d.path(), &out);
    c.format = None;
    c.test = d.path().join("test");
    c.batch = 64;
    c.epochs = 4;
    c.shuffle_buffer = 500;
    c.threads = 2;
    let o = train(&c, &mut Quiet).unwrap();
    let m: Metrics = serde_json::from_str(&std::fs::read_to_string(out.join("metrics.json")).unwrap()).unwrap();
    assert_eq!((m.epochs.len(), &m.classes), (o.metrics.epochs.len(), &o.metrics.classes));
    assert!((m.epochs[3].loss - o.metrics.epochs[3].loss).abs() < 1e-12);
    assert_eq!(m.epochs.len(), 4);
    assert_eq!(m.test_events, 600);
    assert_eq!(m.epochs[0].events, 3000);
    assert_eq!(m.classes, ["qcd", "tt", "wjets"]);
    assert!(m.epochs[3].loss < m.epochs[0].loss);
    for a in &m.auc {
        assert!(*a > 0.75 && *a <= 1.0, "auc {a}");
    }
    let png = std::fs::read(out.join("roc.png")).unwrap();
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
    let onnx = std::fs::read(out.join("model.onnx")).unwrap();
    let proto = <hadron_nn::onnx::proto::ModelProto as prost::Message>::decode(onnx.as_slice()).unwrap();
    assert_eq!(proto.graph.unwrap().name, "hlf");
    let names: Vec<String> =
        std::fs::read_dir(&out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    assert!(names.iter().all(|n| !n.starts_with('.')), "no temporaries left: {names:?}");
}

#[test]
fn bad_shard_names_file_and_record() {
    let d = tempfile::tempdir().unwrap();
    let mut s = Synth::new(10, 1, 1, false);
    s.hlf = 13;
    let f = s.write(d.path(), Format::Parquet).unwrap();
    let cols = Columns::of(&Model::preset("hlf").unwrap());
    let err = shards::read(&f[0], &cols, &mut |_| Ok(())).unwrap_err().to_string();
    assert!(err.contains("part-00000-of-00001.parquet: record 0: HLF_input has 13 values"), "{err}");
    let err = Table::load(&f, &cols).unwrap_err().to_string();
    assert!(err.contains("part-00000-of-00001.parquet: record 0: HLF_input has 13 values"), "{err}");
    let f = s.write(d.path(), Format::TfRecord).unwrap();
    let err = shards::read(&f[0], &cols, &mut |_| Ok(())).unwrap_err().to_string();
    assert!(err.contains("part-00000-of-00001.tfrecord: record 0: HLF_input has 13 values"), "{err}");
    let cols = Columns::of(&Model::preset("gru").unwrap());
    let err = shards::read(&f[0], &cols, &mut |_| Ok(())).unwrap_err().to_string();
    assert!(err.contains("record 0: no feature GRU_input"), "{err}");
}
