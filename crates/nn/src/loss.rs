//! loss: softmax fused with categorical cross-entropy (Keras `categorical_crossentropy` on a softmax output,
//! which Keras itself evaluates from the logits), plus softmax and accuracy helpers.

/// Softmax of each row of the n × c matrix `z`, in place.
pub fn softmax_rows(n: usize, c: usize, z: &mut [f32]) {
    for row in z[..n * c].chunks_exact_mut(c) {
        let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let mut sum = 0.0;
        for v in row.iter_mut() {
            *v = (*v - max).exp();
            sum += *v;
        }
        for v in row.iter_mut() {
            *v /= sum;
        }
    }
}

/// Fused softmax + categorical cross-entropy over `n` rows of `c` classes.
///
/// Writes the probabilities to `probs` and `dlogits = scale·(p − y)` (with `scale = 1/global batch` this is
/// the gradient of the batch-mean loss) and returns the *sum* over rows of `−Σ_j y_j·log p_j`, computed as
/// `Σ_j y_j·(logsumexp(z) − z_j)` in f64.
pub fn softmax_cross_entropy(
    n: usize,
    c: usize,
    logits: &[f32],
    labels: &[f32],
    scale: f32,
    probs: &mut [f32],
    dlogits: &mut [f32],
) -> f64 {
    let mut total = 0.0f64;
    for i in 0..n {
        let z = &logits[i * c..(i + 1) * c];
        let y = &labels[i * c..(i + 1) * c];
        let max = z.iter().copied().fold(f32::NEG_INFINITY, f32::max);
        let sum: f64 = z.iter().map(|v| ((v - max) as f64).exp()).sum();
        let lse = max as f64 + sum.ln();
        let p = &mut probs[i * c..(i + 1) * c];
        for j in 0..c {
            p[j] = ((z[j] as f64 - lse).exp()) as f32;
            total += y[j] as f64 * (lse - z[j] as f64);
            dlogits[i * c + j] = scale * (p[j] - y[j]);
        }
    }
    total
}

/// Number of rows whose largest probability is at the label's largest entry (Keras `accuracy` on one-hot labels).
pub fn count_correct(n: usize, c: usize, probs: &[f32], labels: &[f32]) -> usize {
    let argmax = |r: &[f32]| {
        r.iter().enumerate().fold((0, f32::NEG_INFINITY), |best, (j, &v)| if v > best.1 { (j, v) } else { best }).0
    };
    (0..n).filter(|&i| argmax(&probs[i * c..(i + 1) * c]) == argmax(&labels[i * c..(i + 1) * c])).count()
}
