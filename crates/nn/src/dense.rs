//! dense: the fully connected layer `y = act(x·W + b)` (Keras `Dense`, kernel stored in × out) with its backward.

use crate::gemm::{Op, add_col_sums, gemm};
use crate::init::glorot_uniform;
use crate::rng::Rng;
use serde::{Deserialize, Serialize};

/// The activation after a dense layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Activation {
    /// Identity.
    Linear,
    /// max(0, x).
    Relu,
    /// Softmax over the units. Only allowed as the last layer: forward leaves logits, and the loss
    /// ([`crate::loss::softmax_cross_entropy`]) or [`crate::loss::softmax_rows`] applies it.
    Softmax,
}

/// A dense layer; its parameters are the kernel (`inputs × units`, row-major) followed by the bias (`units`).
#[derive(Debug, Clone, PartialEq)]
pub struct Dense {
    /// Input width.
    pub inputs: usize,
    /// Output width.
    pub units: usize,
    /// Activation.
    pub activation: Activation,
}

impl Dense {
    /// Number of parameters: `inputs·units + units`.
    pub fn num_params(&self) -> usize {
        self.inputs * self.units + self.units
    }

    /// Keras initialisation: glorot_uniform kernel, zero bias.
    pub fn init(&self, rng: &mut Rng, params: &mut [f32]) {
        let (w, b) = params.split_at_mut(self.inputs * self.units);
        glorot_uniform(self.inputs, self.units, rng, w);
        b[..self.units].fill(0.0);
    }

    /// `y = act(x·W + b)` for `n` rows (`x`: n × inputs, `y`: n × units); softmax layers leave logits.
    pub fn forward(&self, n: usize, x: &[f32], params: &[f32], y: &mut [f32]) {
        let (w, b) = params.split_at(self.inputs * self.units);
        let y = &mut y[..n * self.units];
        gemm(n, self.inputs, self.units, x, Op::N, w, Op::N, 0.0, y);
        for row in y.chunks_exact_mut(self.units) {
            for (v, bias) in row.iter_mut().zip(b) {
                *v += bias;
            }
            if self.activation == Activation::Relu {
                for v in row.iter_mut() {
                    *v = v.max(0.0);
                }
            }
        }
    }

    /// Backward: `dy` (n × units) is the gradient at the output (for softmax: at the logits); it is
    /// overwritten with the gradient at the pre-activation. Kernel and bias gradients are *added* to
    /// `grads`; `dx` (n × inputs), when given, receives the input gradient.
    #[allow(clippy::too_many_arguments)]
    pub fn backward(
        &self,
        n: usize,
        x: &[f32],
        y: &[f32],
        dy: &mut [f32],
        params: &[f32],
        grads: &mut [f32],
        dx: Option<&mut [f32]>,
    ) {
        let dy = &mut dy[..n * self.units];
        if self.activation == Activation::Relu {
            for (d, v) in dy.iter_mut().zip(y) {
                if *v <= 0.0 {
                    *d = 0.0;
                }
            }
        }
        let (gw, gb) = grads.split_at_mut(self.inputs * self.units);
        gemm(self.inputs, n, self.units, x, Op::T, dy, Op::N, 1.0, gw);
        add_col_sums(n, self.units, dy, gb);
        if let Some(dx) = dx {
            let w = &params[..self.inputs * self.units];
            gemm(n, self.units, self.inputs, dy, Op::N, w, Op::T, 0.0, dx);
        }
    }
}
