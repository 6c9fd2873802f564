//! Keras parity: the same model built in Keras (tensorflow-cpu peer, `peers/keras_parity.py`) from the same
//! initial weights gives the same forward probabilities, loss, gradients and weights after Adam steps, for the
//! three presets, with masked GRU steps leading, in the middle and trailing. Dropout is off on both sides.
//!
//! Tolerances (f32 on both sides, different summation orders; 801 recurrent steps for the GRU presets):
//! probabilities: |Δ| ≤ 1e-5·|keras| + 1e-8; losses: |Δ| ≤ 1e-5·|keras|;
//! gradients: |Δ| ≤ 1e-4·|keras| + 1e-8 (BPTT over 801 steps sums in another order than TensorFlow);
//! weights after 3 Adam steps: |Δ| ≤ 1e-5·|keras| + 1e-7 (1e-7 is 1e-4 of one Adam step of lr = 1e-3; it
//! matters only for weights that started near zero).

mod common;

use hadron_nn::{Adam, Model};

const STEPS: usize = 3;

/// Largest |a − b| / (|b| + atol/rtol) over the slices, as a multiple of `rtol` (≤ 1 passes).
fn worst(what: &str, ours: &[f32], keras: &[f32], rtol: f64, atol: f64) -> f64 {
    assert_eq!(ours.len(), keras.len(), "{what}: lengths");
    let mut worst = 0.0f64;
    let mut at = 0;
    for (i, (a, b)) in ours.iter().zip(keras).enumerate() {
        let r = (*a as f64 - *b as f64).abs() / (rtol * (*b as f64).abs() + atol);
        if r > worst {
            worst = r;
            at = i;
        }
    }
    eprintln!("{what}: worst {worst:.3} of tolerance (at {at}: ours {} keras {})", ours[at], keras[at]);
    worst
}

fn parity(preset: &str, n: usize) {
    let Some(py) = common::python("tensorflow") else { return };
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let model = Model::preset(preset).unwrap();
    let mut params = model.init_params(42);
    std::fs::write(d.join("spec.json"), model.spec.to_json()).unwrap();
    let save = |sub: &str, p: &[f32]| {
        std::fs::create_dir_all(d.join(sub)).unwrap();
        for t in &model.tensors {
            let file = d.join(sub).join(format!("{}.npy", t.name.replace('/', "__")));
            common::write_npy(&file, &t.shape, &p[t.offset..t.offset + t.len()]);
        }
    };
    save("w0", &params);
    let batches: Vec<_> = (0..STEPS).map(|k| common::batch(&model, n, 100 + k as u64)).collect();
    for (k, (inputs, labels)) in batches.iter().enumerate() {
        for (i, (x, spec)) in inputs.iter().zip(&model.spec.inputs).enumerate() {
            let mut shape = vec![n];
            shape.extend(&spec.shape);
            common::write_npy(&d.join(format!("batch{k}_in{i}.npy")), &shape, x);
        }
        common::write_npy(&d.join(format!("batch{k}_labels.npy")), &[n, model.classes], labels);
    }
    let out = common::run_peer(&py, "keras_parity.py", &[d.to_str().unwrap(), &STEPS.to_string()]);
    eprintln!("{preset}: keras {out}");
    let load = |sub: &str| -> Vec<f32> {
        model
            .tensors
            .iter()
            .flat_map(|t| common::read_npy(&d.join(sub).join(format!("{}.npy", t.name.replace('/', "__")))))
            .collect()
    };

    let mut ws = model.workspace(n);
    let refs = |k: usize| -> Vec<&[f32]> { batches[k].0.iter().map(|v| v.as_slice()).collect() };
    let probs = model.predict(&params, &refs(0), n, &mut ws).unwrap();
    assert!(worst(&format!("{preset} probs"), &probs, &common::read_npy(&d.join("probs0.npy")), 1e-5, 1e-8) <= 1.0);

    let keras_losses = common::read_npy(&d.join("loss.npy"));
    let mut adam = Adam::new(model.num_params());
    let mut grads = vec![0.0; model.num_params()];
    let mut losses = Vec::new();
    for (k, (_, labels)) in batches.iter().enumerate() {
        grads.fill(0.0);
        let st =
            model.forward_backward(&params, &refs(k), labels, n, &mut ws, &mut grads, None, 1.0 / n as f32).unwrap();
        losses.push((st.loss_sum / n as f64) as f32);
        if k == 0 {
            assert!(worst(&format!("{preset} grads"), &grads, &load("grads0"), 1e-4, 1e-8) <= 1.0);
        }
        adam.step(&mut params, &grads);
    }
    assert!(worst(&format!("{preset} losses"), &losses, &keras_losses, 1e-5, 0.0) <= 1.0);
    let keras_w = load("wK");
    for t in &model.tensors {
        let r = t.offset..t.offset + t.len();
        let w = worst(&format!("{preset} {} after {STEPS} steps", t.name), &params[r.clone()], &keras_w[r], 1e-5, 1e-7);
        assert!(w <= 1.0, "{}", t.name);
    }
}

#[test]
fn hlf_matches_keras() {
    parity("hlf", 64);
}

#[test]
fn gru_matches_keras_with_masked_steps() {
    parity("gru", 16);
}

#[test]
fn inclusive_matches_keras_with_masked_steps() {
    parity("inclusive", 16);
}
