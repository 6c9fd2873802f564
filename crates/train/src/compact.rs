//! compact: skipping fully padded steps of masked sequence inputs. For one micro-batch, a step whose features
//! equal the mask value in *every* event only carries the GRU state through (Keras masking), so dropping it
//! changes nothing but the work: the live steps are packed (order kept), the length rounded up to a multiple
//! of [`ROUND`] with masked steps, and a variant of the model with that many steps (same parameters) runs.

use std::collections::HashMap;

use hadron_nn::Model;

use crate::error::Result;

/// Packed lengths are rounded up to a multiple of this (fewer model variants, still exact).
pub const ROUND: usize = 8;

/// A sequence input that can be compacted.
#[derive(Debug, Clone, PartialEq)]
struct SeqInput {
    input: usize,
    steps: usize,
    features: usize,
    mask: f32,
}

/// Which inputs of a model can be compacted: sequence inputs read only by a masked GRU.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Skipper {
    seqs: Vec<SeqInput>,
}

impl Skipper {
    /// The compactable inputs of `model` (none when no GRU has a `masking` layer in front).
    pub fn new(model: &Model) -> Self {
        let mut seqs = Vec::new();
        for (i, _) in model.spec.inputs.iter().enumerate() {
            let readers: Vec<_> = model.branches.iter().filter(|b| b.input == i).collect();
            if let [b] = readers.as_slice()
                && let Some((g, _)) = &b.gru
                && let Some(mask) = g.mask_value
            {
                seqs.push(SeqInput { input: i, steps: g.steps, features: g.inputs, mask });
            }
        }
        Skipper { seqs }
    }

    /// True when nothing can be skipped for this model.
    pub fn is_empty(&self) -> bool {
        self.seqs.is_empty()
    }
}

/// Per-worker buffers and model variants for compaction, with counts of steps kept and seen.
#[derive(Debug, Default)]
pub struct Compactor {
    variants: HashMap<Vec<usize>, Model>,
    bufs: Vec<Vec<f32>>,
    /// Sequence steps run (after packing and rounding), summed over events.
    pub kept: u64,
    /// Sequence steps in the data, summed over events.
    pub total: u64,
}

impl Compactor {
    /// The model and inputs to run for `n` events: `base` and `inputs` themselves when nothing can be
    /// dropped, else a shorter variant of the model and the packed sequences.
    pub fn apply<'a>(
        &'a mut self,
        sk: &Skipper,
        base: &'a Model,
        inputs: &[&'a [f32]],
        n: usize,
    ) -> Result<(&'a Model, Vec<&'a [f32]>)> {
        if sk.seqs.is_empty() || n == 0 {
            return Ok((base, inputs.to_vec()));
        }
        self.bufs.resize(sk.seqs.len(), Vec::new());
        let mut lens = Vec::with_capacity(sk.seqs.len());
        for (s, buf) in sk.seqs.iter().zip(self.bufs.iter_mut()) {
            let len = pack(s, inputs[s.input], n, buf);
            self.kept += (len * n) as u64;
            self.total += (s.steps * n) as u64;
            lens.push(len);
        }
        if lens.iter().zip(&sk.seqs).all(|(l, s)| *l == s.steps) {
            return Ok((base, inputs.to_vec()));
        }
        if !self.variants.contains_key(&lens) {
            let mut spec = base.spec.clone();
            for (s, l) in sk.seqs.iter().zip(&lens) {
                spec.inputs[s.input].shape = vec![*l, s.features];
            }
            self.variants.insert(lens.clone(), Model::new(spec)?);
        }
        let this: &'a Compactor = self;
        let model = &this.variants[&lens];
        let mut out = inputs.to_vec();
        for (s, buf) in sk.seqs.iter().zip(&this.bufs) {
            out[s.input] = buf.as_slice();
        }
        Ok((model, out))
    }
}

/// Packs the live steps of `n` sequences into `buf`; returns the packed (rounded) length.
fn pack(s: &SeqInput, x: &[f32], n: usize, buf: &mut Vec<f32>) -> usize {
    let (t_len, f) = (s.steps, s.features);
    let live: Vec<usize> = (0..t_len)
        .filter(|&t| (0..n).any(|b| x[(b * t_len + t) * f..(b * t_len + t + 1) * f].iter().any(|&v| v != s.mask)))
        .collect();
    let len = live.len().div_ceil(ROUND).max(1) * ROUND;
    if len >= t_len {
        return t_len;
    }
    buf.clear();
    buf.resize(n * len * f, s.mask);
    for b in 0..n {
        for (k, &t) in live.iter().enumerate() {
            let src = &x[(b * t_len + t) * f..(b * t_len + t + 1) * f];
            buf[(b * len + k) * f..(b * len + k + 1) * f].copy_from_slice(src);
        }
    }
    len
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packs_live_steps_in_order_and_pads_with_mask() {
        let s = SeqInput { input: 0, steps: 20, features: 2, mask: 0.0 };
        let mut x = vec![0.0f32; 2 * 20 * 2];
        x[(3) * 2] = 1.0; // event 0, step 3
        x[(20 + 7) * 2 + 1] = 2.0; // event 1, step 7
        x[(20 + 3) * 2] = 3.0; // event 1, step 3
        let mut buf = Vec::new();
        let len = pack(&s, &x, 2, &mut buf);
        assert_eq!(len, ROUND);
        assert_eq!(&buf[..4], &[1.0, 0.0, 0.0, 0.0]); // event 0: step 3, then step 7 (masked for it)
        assert_eq!(&buf[len * 2..len * 2 + 4], &[3.0, 0.0, 0.0, 2.0]);
        assert!(buf[4..len * 2].iter().all(|&v| v == 0.0));
    }
}
