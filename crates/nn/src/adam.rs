//! adam: Keras-exact Adam (the "ε-hat" form): `m += (g−m)(1−β1)`, `v += (g²−v)(1−β2)`,
//! `θ −= α·m/(√v + ε)` with `α = lr·√(1−β2^t)/(1−β1^t)`, all in f32 as Keras does.

/// Adam state over one flat parameter vector.
#[derive(Debug, Clone)]
pub struct Adam {
    /// Learning rate (Keras default 1e-3).
    pub lr: f32,
    /// First-moment decay (0.9). Kept in f64 like Keras's Python float: `1 − β` is formed in f64 and then
    /// rounded to f32 (forming it from the f32 β would differ by 1.3e-5 relative for β2 = 0.999).
    pub beta1: f64,
    /// Second-moment decay (0.999), see `beta1`.
    pub beta2: f64,
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
        let k = self.begin();
        k.update(params, grads, &mut self.m, &mut self.v);
    }

    /// Counts the step and returns its coefficients, to update the parameters range by range (from several
    /// threads) with [`AdamStep::update`]: element-wise, so any split gives the same values as [`Adam::step`].
    pub fn begin(&mut self) -> AdamStep {
        self.t += 1;
        // As Keras: the powers from β cast to f32, raised in f32; 1 − β in f64 then cast.
        let step = self.t as f32;
        let b1p = (self.beta1 as f32).powf(step);
        let b2p = (self.beta2 as f32).powf(step);
        AdamStep {
            alpha: self.lr * (1.0 - b2p).sqrt() / (1.0 - b1p),
            one_b1: (1.0 - self.beta1) as f32,
            one_b2: (1.0 - self.beta2) as f32,
            epsilon: self.epsilon,
        }
    }

    /// First and second moments, to split alongside the parameters for [`AdamStep::update`].
    pub fn moments(&mut self) -> (&mut [f32], &mut [f32]) {
        (&mut self.m, &mut self.v)
    }
}

/// The coefficients of one Adam step ([`Adam::begin`]).
#[derive(Debug, Clone, Copy)]
pub struct AdamStep {
    alpha: f32,
    one_b1: f32,
    one_b2: f32,
    epsilon: f32,
}

impl AdamStep {
    /// Updates `params` and their moments `m`, `v` (same length) with `grads`.
    pub fn update(&self, params: &mut [f32], grads: &[f32], m: &mut [f32], v: &mut [f32]) {
        let AdamStep { alpha, one_b1, one_b2, epsilon } = *self;
        for (((p, g), m), v) in params.iter_mut().zip(grads).zip(m.iter_mut()).zip(v.iter_mut()) {
            *m += (g - *m) * one_b1;
            *v += (g * g - *v) * one_b2;
            *p -= (*m * alpha) / (v.sqrt() + epsilon);
        }
    }
}
