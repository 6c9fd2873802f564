//! pass: one forward/backward pass of a [`Model`] over a batch, in a reusable [`Workspace`]: dropout masks,
//! branch concatenation, fused softmax-CE, and gradients accumulated into a flat vector.

use crate::error::{Error, Result};
use crate::gru::GruWs;
use crate::loss::{count_correct, softmax_cross_entropy, softmax_rows};
use crate::model::{Model, Stage};
use crate::rng::Rng;

#[derive(Debug, Default)]
struct StageWs {
    width: usize,
    y: Vec<f32>,
    dy: Vec<f32>,
    mask: Vec<f32>,
}

#[derive(Debug, Default)]
struct BranchWs {
    gru: Option<GruWs>,
    h: Vec<f32>,
    dh: Vec<f32>,
    dout: Vec<f32>,
    stages: Vec<StageWs>,
}

/// Every buffer one pass needs, for batches of up to `cap` samples; reuse it across steps.
#[derive(Debug)]
pub struct Workspace {
    cap: usize,
    branches: Vec<BranchWs>,
    concat: Vec<f32>,
    dconcat: Vec<f32>,
    head: Vec<StageWs>,
    probs: Vec<f32>,
    dlogits: Vec<f32>,
}

/// Loss and accuracy of one pass.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct StepStats {
    /// Sum over the samples of the cross-entropy.
    pub loss_sum: f64,
    /// Samples whose arg-max prediction equals the label's.
    pub correct: usize,
    /// Samples in the pass.
    pub samples: usize,
}

fn stage_ws(stages: &[Stage], mut width: usize, cap: usize) -> Vec<StageWs> {
    stages
        .iter()
        .map(|s| {
            width = s.out_width(width);
            let mask = if matches!(s, Stage::Dropout(_)) { vec![0.0; cap * width] } else { Vec::new() };
            StageWs { width, y: vec![0.0; cap * width], dy: vec![0.0; cap * width], mask }
        })
        .collect()
}

/// Forward through a chain of stages; `train` carries the dropout generator.
fn chain_forward(
    stages: &[Stage],
    ws: &mut [StageWs],
    n: usize,
    input: &[f32],
    params: &[f32],
    mut train: Option<&mut Rng>,
) {
    for (i, st) in stages.iter().enumerate() {
        let (before, rest) = ws.split_at_mut(i);
        let x = if i == 0 { input } else { &before[i - 1].y[..] };
        let cur = &mut rest[0];
        let m = n * cur.width;
        match st {
            Stage::Dense(d, off) => d.forward(n, x, &params[*off..*off + d.num_params()], &mut cur.y),
            Stage::Dropout(dr) => match train.as_deref_mut() {
                Some(rng) => dr.forward_train(&x[..m], rng, &mut cur.mask[..m], &mut cur.y[..m]),
                None => {
                    cur.y[..m].copy_from_slice(&x[..m]);
                    cur.mask[..m].fill(1.0);
                }
            },
        }
    }
}

/// Backward through a chain: `d_out` is the gradient at its output; `d_in` receives the gradient at its input.
#[allow(clippy::too_many_arguments)]
fn chain_backward(
    stages: &[Stage],
    ws: &mut [StageWs],
    n: usize,
    input: &[f32],
    params: &[f32],
    grads: &mut [f32],
    d_out: &[f32],
    mut d_in: Option<&mut [f32]>,
) {
    let Some(last) = ws.last_mut() else {
        if let Some(d) = d_in {
            d[..d_out.len()].copy_from_slice(d_out);
        }
        return;
    };
    let m = n * last.width;
    last.dy[..m].copy_from_slice(&d_out[..m]);
    for i in (0..stages.len()).rev() {
        let (before, rest) = ws.split_at_mut(i);
        let cur = &mut rest[0];
        let (x, dx): (&[f32], Option<&mut [f32]>) = match before.last_mut() {
            Some(prev) => (&prev.y, Some(&mut prev.dy)),
            None => (input, d_in.as_deref_mut()),
        };
        match &stages[i] {
            Stage::Dense(d, off) => {
                let r = *off..*off + d.num_params();
                d.backward(n, x, &cur.y, &mut cur.dy, &params[r.clone()], &mut grads[r], dx);
            }
            Stage::Dropout(dr) => {
                let m = n * cur.width;
                if let Some(dx) = dx {
                    dr.backward(&cur.dy[..m], &cur.mask[..m], &mut dx[..m]);
                }
            }
        }
    }
}

impl Model {
    /// Work buffers for batches of up to `cap` samples.
    pub fn workspace(&self, cap: usize) -> Workspace {
        let branches = self
            .branches
            .iter()
            .map(|b| BranchWs {
                gru: b.gru.as_ref().map(|(g, _)| g.workspace(cap)),
                h: if b.gru.is_some() { vec![0.0; cap * b.in_width] } else { Vec::new() },
                dh: if b.gru.is_some() { vec![0.0; cap * b.in_width] } else { Vec::new() },
                dout: vec![0.0; cap * b.out_width],
                stages: stage_ws(&b.stages, b.in_width, cap),
            })
            .collect();
        Workspace {
            cap,
            branches,
            concat: vec![0.0; cap * self.concat_width],
            dconcat: vec![0.0; cap * self.concat_width],
            head: stage_ws(&self.head, self.concat_width, cap),
            probs: vec![0.0; cap * self.classes],
            dlogits: vec![0.0; cap * self.classes],
        }
    }

    fn check(&self, inputs: &[&[f32]], n: usize, ws: &Workspace) -> Result<()> {
        if n > ws.cap {
            return Err(Error::shape(format!("batch of {n} over the workspace capacity {}", ws.cap)));
        }
        if inputs.len() != self.input_sizes.len() {
            return Err(Error::shape(format!(
                "{} inputs given, model {} takes {}",
                inputs.len(),
                self.spec.name,
                self.input_sizes.len()
            )));
        }
        for ((x, size), spec) in inputs.iter().zip(&self.input_sizes).zip(&self.spec.inputs) {
            if x.len() != n * size {
                return Err(Error::shape(format!("input {}: {} values for {n} samples of {size}", spec.name, x.len())));
            }
        }
        Ok(())
    }

    /// Forward to the logits (n × classes) for the first `n` samples; dropout is active when `train` is given.
    fn forward_logits<'w>(
        &self,
        params: &[f32],
        inputs: &[&[f32]],
        n: usize,
        ws: &'w mut Workspace,
        mut train: Option<&mut Rng>,
    ) -> &'w [f32] {
        let cw = self.concat_width;
        let mut col = 0;
        for (b, bws) in self.branches.iter().zip(ws.branches.iter_mut()) {
            let x = inputs[b.input];
            if let (Some((g, off)), Some(gws)) = (&b.gru, bws.gru.as_mut()) {
                let h = g.forward(n, x, &params[*off..*off + g.num_params()], gws);
                bws.h[..h.len()].copy_from_slice(h);
            }
            let bin: &[f32] = if b.gru.is_some() { &bws.h } else { x };
            chain_forward(&b.stages, &mut bws.stages, n, bin, params, train.as_deref_mut());
            let out: &[f32] = bws.stages.last().map_or(bin, |s| &s.y[..]);
            let w = b.out_width;
            for i in 0..n {
                ws.concat[i * cw + col..i * cw + col + w].copy_from_slice(&out[i * w..(i + 1) * w]);
            }
            col += w;
        }
        chain_forward(&self.head, &mut ws.head, n, &ws.concat, params, train);
        let c = self.classes;
        ws.head.last().map_or(&ws.concat[..n * c], |s| &s.y[..n * c])
    }

    /// One training pass over `n` samples: forward (dropout drawn from `dropout` when given, off otherwise),
    /// fused softmax-CE against `labels` (n × classes), and backward. Gradients of `scale ×` the loss sum are
    /// *added* to `grads` (use `scale = 1/global batch`, and zero `grads` before the first pass of a step).
    #[allow(clippy::too_many_arguments)]
    pub fn forward_backward(
        &self,
        params: &[f32],
        inputs: &[&[f32]],
        labels: &[f32],
        n: usize,
        ws: &mut Workspace,
        grads: &mut [f32],
        dropout: Option<&mut Rng>,
        scale: f32,
    ) -> Result<StepStats> {
        self.check(inputs, n, ws)?;
        let c = self.classes;
        if labels.len() != n * c {
            return Err(Error::shape(format!("labels: {} values for {n} samples of {c} classes", labels.len())));
        }
        if params.len() != self.num_params() || grads.len() != self.num_params() {
            return Err(Error::shape(format!(
                "parameter vectors of {}/{} for {} parameters",
                params.len(),
                grads.len(),
                self.num_params()
            )));
        }
        let logits = self.forward_logits(params, inputs, n, ws, dropout).to_vec();
        let loss_sum = softmax_cross_entropy(n, c, &logits, labels, scale, &mut ws.probs, &mut ws.dlogits);
        let correct = count_correct(n, c, &ws.probs, labels);
        chain_backward(&self.head, &mut ws.head, n, &ws.concat, params, grads, &ws.dlogits, Some(&mut ws.dconcat));
        let cw = self.concat_width;
        let mut col = 0;
        for (b, bws) in self.branches.iter().zip(ws.branches.iter_mut()) {
            let w = b.out_width;
            for i in 0..n {
                bws.dout[i * w..(i + 1) * w].copy_from_slice(&ws.dconcat[i * cw + col..i * cw + col + w]);
            }
            col += w;
            let x = inputs[b.input];
            let bin: &[f32] = if b.gru.is_some() { &bws.h } else { x };
            let d_in = if b.gru.is_some() { Some(&mut bws.dh[..]) } else { None };
            chain_backward(&b.stages, &mut bws.stages, n, bin, params, grads, &bws.dout, d_in);
            if let (Some((g, off)), Some(gws)) = (&b.gru, bws.gru.as_mut()) {
                let r = *off..*off + g.num_params();
                g.backward(&params[r.clone()], gws, &bws.dh, &mut grads[r]);
            }
        }
        Ok(StepStats { loss_sum, correct, samples: n })
    }

    /// Inference: class probabilities (n × classes) for `n` samples, in chunks of the workspace capacity.
    pub fn predict(&self, params: &[f32], inputs: &[&[f32]], n: usize, ws: &mut Workspace) -> Result<Vec<f32>> {
        if inputs.len() != self.input_sizes.len() {
            return Err(Error::shape(format!(
                "{} inputs given, model {} takes {}",
                inputs.len(),
                self.spec.name,
                self.input_sizes.len()
            )));
        }
        let c = self.classes;
        let mut out = vec![0.0; n * c];
        let mut start = 0;
        while start < n {
            let k = (n - start).min(ws.cap.max(1));
            let chunk: Vec<&[f32]> = inputs
                .iter()
                .zip(&self.input_sizes)
                .map(|(x, s)| x.get(start * s..(start + k) * s).unwrap_or(&[]))
                .collect();
            self.check(&chunk, k, ws)?;
            let logits = self.forward_logits(params, &chunk, k, ws, None);
            out[start * c..(start + k) * c].copy_from_slice(logits);
            start += k;
        }
        softmax_rows(n, c, &mut out);
        Ok(out)
    }
}
