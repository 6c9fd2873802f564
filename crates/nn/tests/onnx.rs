//! ONNX export against two independent runtimes: tract-onnx (Rust) and onnxruntime (Python peer) reproduce
//! Hadron's forward probabilities within 1e-5 (absolute) for the three presets, with masked GRU steps leading,
//! in the middle and trailing (the `Scan` form), and for an unmasked GRU model (the fused `GRU` op).

mod common;

use hadron_nn::onnx::{ExportOptions, export};
use hadron_nn::{Model, ModelSpec};
use tract_onnx::prelude::*;

const TOL: f32 = 1e-5;

fn max_abs_diff(a: &[f32], b: &[f32]) -> f32 {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| (x - y).abs()).fold(0.0, f32::max)
}

fn tract_run(bytes: &[u8], model: &Model, inputs: &[Vec<f32>], n: usize) -> Vec<f32> {
    let mut m = tract_onnx::onnx().model_for_read(&mut &bytes[..]).unwrap();
    let mut shapes = Vec::new();
    for (i, spec) in model.spec.inputs.iter().enumerate() {
        let mut shape = vec![n];
        shape.extend(&spec.shape);
        m = m.with_input_fact(i, f32::fact(&shape).into()).unwrap();
        shapes.push(shape);
    }
    let plan = m.into_optimized().unwrap().into_runnable().unwrap();
    let tensors: TVec<TValue> =
        inputs.iter().zip(&shapes).map(|(x, s)| Tensor::from_shape(s, x).unwrap().into()).collect();
    let out = plan.run(tensors).unwrap();
    out[0].to_plain_array_view::<f32>().unwrap().iter().copied().collect()
}

fn ort_run(bytes: &[u8], model: &Model, inputs: &[Vec<f32>], n: usize) -> Option<Vec<f32>> {
    let py = common::python("onnxruntime")?;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("model.onnx");
    std::fs::write(&path, bytes).unwrap();
    for (i, (x, spec)) in inputs.iter().zip(&model.spec.inputs).enumerate() {
        let mut shape = vec![n];
        shape.extend(&spec.shape);
        common::write_npy(&dir.path().join(format!("in{i}.npy")), &shape, x);
    }
    common::run_peer(&py, "ort_run.py", &[path.to_str().unwrap(), dir.path().to_str().unwrap()]);
    Some(common::read_npy(&dir.path().join("out.npy")))
}

fn check(model: &Model, opts: ExportOptions, n: usize) {
    let params = model.init_params(7);
    let (inputs, _) = common::batch(model, n, 21);
    let refs: Vec<&[f32]> = inputs.iter().map(|v| v.as_slice()).collect();
    let ours = model.predict(&params, &refs, n, &mut model.workspace(n)).unwrap();
    let bytes = export(model, &params, opts).unwrap();
    let t = tract_run(&bytes, model, &inputs, n);
    let d = max_abs_diff(&t, &ours);
    eprintln!("{} tract: max |Δ| {d:.2e}", model.spec.name);
    assert!(d <= TOL, "tract differs by {d}");
    if let Some(o) = ort_run(&bytes, model, &inputs, n) {
        let d = max_abs_diff(&o, &ours);
        eprintln!("{} onnxruntime: max |Δ| {d:.2e}", model.spec.name);
        assert!(d <= TOL, "onnxruntime differs by {d}");
    }
}

#[test]
fn hlf_export() {
    check(&Model::preset("hlf").unwrap(), ExportOptions::default(), 64);
}

#[test]
fn gru_export_scan_keeps_masked_steps() {
    check(&Model::preset("gru").unwrap(), ExportOptions::default(), 8);
}

#[test]
fn inclusive_export_scan_keeps_masked_steps() {
    check(&Model::preset("inclusive").unwrap(), ExportOptions::default(), 8);
}

#[test]
fn unmasked_gru_exports_the_fused_op() {
    let mut spec = ModelSpec::preset("inclusive").unwrap();
    spec.branches[0].layers.retain(|l| !matches!(l, hadron_nn::spec::LayerSpec::Masking { .. }));
    spec.name = "inclusive_unmasked".into();
    let model = Model::new(spec).unwrap();
    let bytes = export(&model, &model.init_params(1), ExportOptions::default()).unwrap();
    assert!(bytes.windows(3).any(|w| w == b"GRU") && !bytes.windows(4).any(|w| w == b"Scan"));
    check(&model, ExportOptions::default(), 8);
}

#[test]
fn ignore_masking_is_exact_without_masked_steps() {
    let model = Model::preset("gru").unwrap();
    let n = 4;
    let params = model.init_params(3);
    let mut rng = hadron_nn::Rng::seed(8);
    let x: Vec<f32> = (0..n * 801 * 19).map(|_| rng.uniform() + 0.01).collect();
    let ours = model.predict(&params, &[&x], n, &mut model.workspace(n)).unwrap();
    let bytes = export(&model, &params, ExportOptions { ignore_masking: true }).unwrap();
    assert!(!bytes.windows(4).any(|w| w == b"Scan"));
    let d = max_abs_diff(&tract_run(&bytes, &model, &[x], n), &ours);
    eprintln!("gru fused op, no masked steps, tract: max |Δ| {d:.2e}");
    assert!(d <= TOL);
}
