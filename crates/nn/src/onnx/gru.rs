//! onnx/gru: the Keras GRU written two ways: the fused ONNX `GRU` op (`linear_before_reset=1`, W = kernelᵀ,
//! R = recurrent_kernelᵀ, B = [input bias, recurrent bias]) and a `Scan` over the time axis whose cell keeps
//! the previous state where every feature of the step equals the mask value (Keras masking).

use super::graph::{self, Builder};
use super::proto::data_type;
use crate::gru::Gru;

/// Transpose of the rows × cols row-major matrix `m`.
fn transpose(rows: usize, cols: usize, m: &[f32]) -> Vec<f32> {
    let mut t = vec![0.0; rows * cols];
    for r in 0..rows {
        for c in 0..cols {
            t[c * rows + r] = m[r * cols + c];
        }
    }
    t
}

/// The fused `GRU` op on `x` (N × T × F); returns the last state (N × H). Ignores any mask.
pub fn fused(b: &mut Builder, g: &Gru, p: &[f32], x: &str, _name: &str) -> String {
    let (f, h) = (g.inputs, g.units);
    let (kernel, rest) = p.split_at(f * 3 * h);
    let (rec, bias) = rest.split_at(h * 3 * h);
    let w = b.constant(&[1, 3 * h, f], &transpose(f, 3 * h, kernel));
    let r = b.constant(&[1, 3 * h, h], &transpose(h, 3 * h, rec));
    let bb = b.constant(&[1, 6 * h], &bias[..6 * h]);
    let xt = b.node("Transpose", &[x.into()], vec![graph::ints("perm", &[1, 0, 2])]);
    let yh = b.fresh("gru_y_h");
    b.node_n(
        "GRU",
        &[xt, w, r, bb],
        &[String::new(), yh.clone()],
        vec![graph::int("hidden_size", h as i64), graph::int("linear_before_reset", 1)],
    );
    let axes = b.constant_i64(&[1], &[0]);
    b.node("Squeeze", &[yh, axes], vec![])
}

/// A `Scan` over axis 1 of `x` (N × T × F) with a Keras GRU cell and masking; returns the last state (N × H).
pub fn scan(b: &mut Builder, g: &Gru, p: &[f32], x: &str, name: &str) -> String {
    let (f, h) = (g.inputs, g.units);
    let (kernel, rest) = p.split_at(f * 3 * h);
    let (rec, bias) = rest.split_at(h * 3 * h);
    // Weights live in the outer graph; the body refers to them by name.
    let wk = b.constant(&[f, 3 * h], kernel);
    let uk = b.constant(&[h, 3 * h], rec);
    let b_in = b.constant(&[3 * h], &bias[..3 * h]);
    let b_rec = b.constant(&[3 * h], &bias[3 * h..6 * h]);
    let split = b.constant_i64(&[3], &[h as i64; 3]);
    let zero = b.constant(&[], &[0.0]);
    let mask_value = g.mask_value.unwrap_or(0.0);
    let mv = b.constant(&[], &[mask_value]);

    // h0 = zeros(N, H), N taken from the input's shape.
    let shape = b.node("Shape", &[x.into()], vec![]);
    let (s0, s1) = (b.constant_i64(&[1], &[0]), b.constant_i64(&[1], &[1]));
    let n = b.node("Slice", &[shape, s0, s1], vec![]);
    let hdim = b.constant_i64(&[1], &[h as i64]);
    let dims = b.node("Concat", &[n, hdim], vec![graph::int("axis", 0)]);
    let zero_t = graph::f32_tensor("", &[1], &[0.0]);
    let h0 = b.node("ConstantOfShape", &[dims], vec![graph::tensor("value", zero_t)]);

    // The cell. Body inputs and outputs carry no shape: tract cannot unify a symbolic batch inside Scan.
    let mut c = Builder::with_prefix(&format!("{name}_body_"));
    let (h_prev, x_t) = (c.fresh("h_prev"), c.fresh("x_t"));
    c.raw_input(graph::value_info(&h_prev, data_type::FLOAT, None));
    c.raw_input(graph::value_info(&x_t, data_type::FLOAT, None));
    let xw = c.node("MatMul", &[x_t.clone(), wk], vec![]);
    let xw = c.node("Add", &[xw, b_in], vec![]);
    let hu = c.node("MatMul", &[h_prev.clone(), uk], vec![]);
    let hu = c.node("Add", &[hu, b_rec], vec![]);
    let xs = [c.fresh("xz"), c.fresh("xr"), c.fresh("xh")];
    c.node_n("Split", &[xw, split.clone()], &xs, vec![graph::int("axis", 1)]);
    let hs = [c.fresh("hz"), c.fresh("hr"), c.fresh("hh")];
    c.node_n("Split", &[hu, split], &hs, vec![graph::int("axis", 1)]);
    let z = c.node("Add", &[xs[0].clone(), hs[0].clone()], vec![]);
    let z = c.node("Sigmoid", &[z], vec![]);
    let r = c.node("Add", &[xs[1].clone(), hs[1].clone()], vec![]);
    let r = c.node("Sigmoid", &[r], vec![]);
    let rh = c.node("Mul", &[r, hs[2].clone()], vec![]);
    let nn = c.node("Add", &[xs[2].clone(), rh], vec![]);
    let nn = c.node("Tanh", &[nn], vec![]);
    // h' = z·h + (1 − z)·n, written n + z·(h − n).
    let d = c.node("Sub", &[h_prev.clone(), nn.clone()], vec![]);
    let zd = c.node("Mul", &[z, d], vec![]);
    let h_new = c.node("Add", &[nn, zd], vec![]);
    // Keras mask: the step counts when some feature differs from the mask value.
    let diff = c.node("Sub", &[x_t, mv], vec![]);
    let a = c.node("Abs", &[diff], vec![]);
    let mx = c.node("ReduceMax", &[a], vec![graph::ints("axes", &[1]), graph::int("keepdims", 1)]);
    let live = c.node("Greater", &[mx, zero], vec![]);
    let h_out = c.node("Where", &[live, h_new, h_prev], vec![]);
    c.raw_output(graph::value_info(&h_out, data_type::FLOAT, None));
    let body = c.finish(&format!("{name}_cell"));

    let last = b.fresh("gru_h");
    b.node_n(
        "Scan",
        &[h0, x.into()],
        std::slice::from_ref(&last),
        vec![graph::graph("body", body), graph::int("num_scan_inputs", 1), graph::ints("scan_input_axes", &[1])],
    );
    last
}
