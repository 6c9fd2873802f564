//! adam: Keras-exact Adam (the "ε-hat" form): `m += (g−m)(1−β1)`, `v += (g²−v)(1−β2)`,
//! `θ −= α·m/(√v + ε)` with `α = lr·√(1−β2^t)/(1−β1^t)`, all in f32 as Keras does.

/// Adam state over one flat parameter vector.
#[derive(Debug, Clone)]
pub struct Adam {
    /// Learning rate (Keras default 1e-3).
    pub lr: f32,
    /// First-moment decay (0.9).
    pub beta1: f32,
    /// Second-moment decay (0.999).
    pub beta2: f32,
    /// ε added to √v (1e-7).
    pub epsilon: f32,
    /// First moments.
    pub m: Vec<f32>,
    /// Second moments.
    pub v: Vec<f32>,
    /// Steps taken so far (Keras `iterations`).
    pub t: u64,
}

impl Adam {
    /// Keras defaults (lr 1e-3, β1 0.9, β2 0.999, ε 1e-7) for `n` parameters.
    pub fn new(n: usize) -> Self {
        Self::with_lr(n, 1e-3)
    }

    /// Keras defaults with another learning rate.
    pub fn with_lr(n: usize, lr: f32) -> Self {
        Adam { lr, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, m: vec![0.0; n], v: vec![0.0; n], t: 0 }
    }

    /// One update of `params` with the (batch-mean) gradient `grads`.
    pub fn step(&mut self, params: &mut [f32], grads: &[f32]) {
        self.t += 1;
        let step = self.t as f32;
        let b1p = self.beta1.powf(step);
        let b2p = self.beta2.powf(step);
        let alpha = self.lr * (1.0 - b2p).sqrt() / (1.0 - b1p);
        let (one_b1, one_b2) = (1.0 - self.beta1, 1.0 - self.beta2);
        for (((p, g), m), v) in params.iter_mut().zip(grads).zip(self.m.iter_mut()).zip(self.v.iter_mut()) {
            *m += (g - *m) * one_b1;
            *v += (g * g - *v) * one_b2;
            *p -= (*m * alpha) / (v.sqrt() + self.epsilon);
        }
    }
}
