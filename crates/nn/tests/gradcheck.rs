//! Gradient checks: every layer's backward against central finite differences of the loss, on small models
//! built from JSON descriptions (dense ReLU/linear/softmax, dropout with a fixed mask, concat of branches,
//! GRU with masked steps at the start, middle and end of sequences).

use hadron_nn::{Model, ModelSpec, Rng};

/// Loss (batch mean) and its analytic gradient.
fn loss_and_grad(
    model: &Model,
    params: &[f32],
    inputs: &[&[f32]],
    labels: &[f32],
    n: usize,
    seed: Option<u64>,
) -> (f64, Vec<f32>) {
    let mut ws = model.workspace(n);
    let mut grads = vec![0.0; model.num_params()];
    let mut rng = seed.map(Rng::seed);
    let st =
        model.forward_backward(params, inputs, labels, n, &mut ws, &mut grads, rng.as_mut(), 1.0 / n as f32).unwrap();
    (st.loss_sum / n as f64, grads)
}

/// Checks every parameter: |fd − g| ≤ atol + rtol·max(|fd|, |g|); returns the worst relative error seen.
fn check(spec_json: &str, inputs: &[Vec<f32>], labels: &[f32], n: usize, dropout_seed: Option<u64>) -> f64 {
    let model = Model::new(ModelSpec::from_json("test", spec_json).unwrap()).unwrap();
    let mut params = model.init_params(3);
    // Non-zero biases so their gradients are exercised away from the symmetric start.
    let mut r = Rng::seed(11);
    for t in &model.tensors {
        if t.name.ends_with("bias") {
            for p in &mut params[t.offset..t.offset + t.len()] {
                *p = 0.2 * (2.0 * r.uniform() - 1.0);
            }
        }
    }
    let refs: Vec<&[f32]> = inputs.iter().map(|v| v.as_slice()).collect();
    let (_, g) = loss_and_grad(&model, &params, &refs, labels, n, dropout_seed);
    let eps = 1e-2f32;
    let (atol, rtol) = (1e-4, 1e-2);
    let mut worst: f64 = 0.0;
    for i in 0..params.len() {
        let keep = params[i];
        params[i] = keep + eps;
        let (lp, _) = loss_and_grad(&model, &params, &refs, labels, n, dropout_seed);
        params[i] = keep - eps;
        let (lm, _) = loss_and_grad(&model, &params, &refs, labels, n, dropout_seed);
        params[i] = keep;
        let fd = (lp - lm) / (2.0 * eps as f64);
        let an = g[i] as f64;
        let err = (fd - an).abs();
        let tensor = model.tensors.iter().rfind(|t| t.offset <= i).map_or("?", |t| t.name.as_str());
        assert!(err <= atol + rtol * fd.abs().max(an.abs()), "param {i} ({tensor}): fd {fd} analytic {an}");
        if fd.abs().max(an.abs()) > 1e-3 {
            worst = worst.max(err / fd.abs().max(an.abs()));
        }
    }
    worst
}

fn data(n: usize, size: usize, seed: u64) -> Vec<f32> {
    let mut r = Rng::seed(seed);
    (0..n * size).map(|_| 2.0 * r.uniform() - 1.0).collect()
}

fn labels(n: usize, c: usize) -> Vec<f32> {
    let mut y = vec![0.0; n * c];
    for i in 0..n {
        y[i * c + (i * 7 + 1) % c] = 1.0;
    }
    y
}

#[test]
fn dense_relu_linear_softmax() {
    let spec = r#"{"name":"d","inputs":[{"name":"x","shape":[5]}],"branches":[{"input":"x","layers":[
        {"type":"dense","units":7,"activation":"relu"},{"type":"dense","units":4,"activation":"linear"},
        {"type":"dense","units":3,"activation":"softmax"}]}]}"#;
    let worst = check(spec, &[data(6, 5, 1)], &labels(6, 3), 6, None);
    eprintln!("dense: worst relative error {worst:.2e}");
}

#[test]
fn dropout_with_fixed_mask() {
    let spec = r#"{"name":"d","inputs":[{"name":"x","shape":[6]}],"branches":[{"input":"x","layers":[
        {"type":"dropout","rate":0.3},{"type":"dense","units":8,"activation":"relu"},{"type":"dropout","rate":0.5},
        {"type":"dense","units":3,"activation":"softmax"}]}]}"#;
    let worst = check(spec, &[data(5, 6, 2)], &labels(5, 3), 5, Some(99));
    eprintln!("dropout: worst relative error {worst:.2e}");
}

/// Sequences of `t` steps with all-zero (masked) steps at the start, in the middle and at the end.
fn masked_sequences(n: usize, t: usize, f: usize) -> Vec<f32> {
    let mut x = data(n, t * f, 5);
    for b in 0..n {
        for s in 0..t {
            let masked = (b % 2 == 0 && s == 0) || s == t / 2 || (b % 3 == 1 && s == t - 1) || (b == 1 && s == 2);
            if masked {
                x[(b * t + s) * f..(b * t + s + 1) * f].fill(0.0);
            }
        }
    }
    x
}

#[test]
fn masked_gru() {
    let spec = r#"{"name":"g","inputs":[{"name":"s","shape":[7,3]}],"branches":[{"input":"s","layers":[
        {"type":"masking","value":0.0},{"type":"gru","units":4},{"type":"dense","units":3,"activation":"softmax"}]}]}"#;
    let worst = check(spec, &[masked_sequences(4, 7, 3)], &labels(4, 3), 4, None);
    eprintln!("masked GRU: worst relative error {worst:.2e}");
}

#[test]
fn unmasked_gru() {
    let spec = r#"{"name":"g","inputs":[{"name":"s","shape":[5,2]}],"branches":[{"input":"s","layers":[
        {"type":"gru","units":3},{"type":"dense","units":3,"activation":"softmax"}]}]}"#;
    let worst = check(spec, &[data(3, 10, 8)], &labels(3, 3), 3, None);
    eprintln!("GRU: worst relative error {worst:.2e}");
}

#[test]
fn inclusive_shape_concat_with_dropout() {
    let spec = r#"{"name":"i","inputs":[{"name":"s","shape":[6,3]},{"name":"h","shape":[4]}],
        "branches":[{"input":"s","layers":[{"type":"masking","value":0.0},{"type":"gru","units":4},{"type":"dropout","rate":0.2}]},
                    {"input":"h","layers":[{"type":"dropout","rate":0.2}]}],
        "head":[{"type":"dense","units":5,"activation":"relu"},{"type":"dense","units":3,"activation":"softmax"}]}"#;
    let worst = check(spec, &[masked_sequences(5, 6, 3), data(5, 4, 9)], &labels(5, 3), 5, Some(4));
    eprintln!("inclusive-shaped: worst relative error {worst:.2e}");
}
