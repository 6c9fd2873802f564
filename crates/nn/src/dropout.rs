//! dropout: inverted dropout (Keras `Dropout`): at train time keep each value with probability 1 − rate and
//! scale it by 1/(1 − rate); identity at inference.

use crate::rng::Rng;

/// A dropout layer.
#[derive(Debug, Clone, PartialEq)]
pub struct Dropout {
    /// Fraction of values dropped, in [0, 1).
    pub rate: f32,
}

impl Dropout {
    /// Train-time forward: draws `mask` (0 or 1/(1−rate) per value) from `rng` and writes `y = x ⊙ mask`.
    pub fn forward_train(&self, x: &[f32], rng: &mut Rng, mask: &mut [f32], y: &mut [f32]) {
        let keep = 1.0 / (1.0 - self.rate);
        for ((m, yv), xv) in mask.iter_mut().zip(y.iter_mut()).zip(x) {
            *m = if rng.uniform() >= self.rate { keep } else { 0.0 };
            *yv = xv * *m;
        }
    }

    /// Backward of [`Dropout::forward_train`]: `dx = dy ⊙ mask`.
    pub fn backward(&self, dy: &[f32], mask: &[f32], dx: &mut [f32]) {
        for ((d, g), m) in dx.iter_mut().zip(dy).zip(mask) {
            *d = g * m;
        }
    }
}
