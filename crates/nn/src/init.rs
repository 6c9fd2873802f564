//! init: Keras initialisers (glorot_uniform kernels, orthogonal recurrent kernels, zero biases) on the seeded Rng.

use crate::rng::Rng;

/// Keras `glorot_uniform`: U(−l, l) with l = √(6 / (fan_in + fan_out)), written row-major into `out`
/// (fan_in × fan_out).
pub fn glorot_uniform(fan_in: usize, fan_out: usize, rng: &mut Rng, out: &mut [f32]) {
    let limit = (6.0 / (fan_in + fan_out) as f64).sqrt() as f32;
    for w in out[..fan_in * fan_out].iter_mut() {
        *w = (2.0 * rng.uniform() - 1.0) * limit;
    }
}

/// Keras `Orthogonal(gain=1)` for a rows × cols matrix: QR of a normal matrix of shape
/// (max, min), Q's columns signed so that diag(R) > 0, transposed when rows < cols.
/// The result has orthonormal rows (rows ≤ cols) or columns (rows ≥ cols).
pub fn orthogonal(rows: usize, cols: usize, rng: &mut Rng, out: &mut [f32]) {
    let (big, small) = (rows.max(cols), rows.min(cols));
    // a: big × small, column-major in f64 so that Gram–Schmidt works on contiguous columns.
    let mut q: Vec<f64> = (0..big * small).map(|_| rng.normal()).collect();
    // Modified Gram–Schmidt (run twice for orthogonality to f64 rounding); diag(R) = column norms > 0,
    // which is exactly Keras's sign convention.
    for j in 0..small {
        for _ in 0..2 {
            for p in 0..j {
                let dot: f64 = (0..big).map(|i| q[p * big + i] * q[j * big + i]).sum();
                for i in 0..big {
                    q[j * big + i] -= dot * q[p * big + i];
                }
            }
        }
        let norm = (0..big).map(|i| q[j * big + i].powi(2)).sum::<f64>().sqrt();
        for i in 0..big {
            q[j * big + i] /= norm;
        }
    }
    // Q is big × small with column j at q[j*big..]. Write rows × cols row-major.
    for r in 0..rows {
        for c in 0..cols {
            let v = if rows >= cols { q[c * big + r] } else { q[r * big + c] };
            out[r * cols + c] = v as f32;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn orthogonal_rows_are_orthonormal() {
        let mut rng = Rng::seed(7);
        let (rows, cols) = (5, 15);
        let mut w = vec![0.0; rows * cols];
        orthogonal(rows, cols, &mut rng, &mut w);
        for a in 0..rows {
            for b in 0..rows {
                let dot: f32 = (0..cols).map(|c| w[a * cols + c] * w[b * cols + c]).sum();
                let want = if a == b { 1.0 } else { 0.0 };
                assert!((dot - want).abs() < 1e-5, "{a},{b}: {dot}");
            }
        }
    }

    #[test]
    fn glorot_within_limit_and_spread() {
        let mut rng = Rng::seed(1);
        let mut w = vec![0.0; 19 * 150];
        glorot_uniform(19, 150, &mut rng, &mut w);
        let limit = (6.0f32 / 169.0).sqrt();
        assert!(w.iter().all(|x| x.abs() <= limit));
        let var = w.iter().map(|x| x * x).sum::<f32>() / w.len() as f32;
        // U(-l, l) has variance l²/3.
        assert!((var - limit * limit / 3.0).abs() < 0.1 * limit * limit / 3.0);
    }
}
