//! gemm: the one bridge to `matrixmultiply::sgemm`; dense row-major f32 products with optional transposes,
//! every extent checked against the slices before the unsafe call.
#![allow(unsafe_code)]

/// How an operand is stored: as given (`N`, rows × cols row-major) or transposed (`T`, stored cols × rows).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// The matrix as stored.
    N,
    /// The transpose of the stored matrix.
    T,
}

/// `c = a·b + beta·c` with `a` m×k, `b` k×n and `c` m×n, all densely packed row-major
/// (`a` stored k×m when `ta == Op::T`, `b` stored n×k when `tb == Op::T`). `beta == 0` ignores what `c` held.
///
/// Panics if a slice is shorter than its matrix: shapes are the caller's invariant, never input data.
#[allow(clippy::too_many_arguments)]
pub fn gemm(m: usize, k: usize, n: usize, a: &[f32], ta: Op, b: &[f32], tb: Op, beta: f32, c: &mut [f32]) {
    assert!(a.len() >= m * k, "gemm: a has {} floats, needs {}", a.len(), m * k);
    assert!(b.len() >= k * n, "gemm: b has {} floats, needs {}", b.len(), k * n);
    assert!(c.len() >= m * n, "gemm: c has {} floats, needs {}", c.len(), m * n);
    if m == 0 || n == 0 {
        return;
    }
    let (rsa, csa) = match ta {
        Op::N => (k as isize, 1),
        Op::T => (1, m as isize),
    };
    let (rsb, csb) = match tb {
        Op::N => (n as isize, 1),
        Op::T => (1, k as isize),
    };
    // SAFETY: with the strides above the largest element read from `a` is (m-1)·rsa + (k-1)·csa = m·k - 1
    // (both layouts), from `b` k·n - 1 and written to `c` m·n - 1; the asserts keep all inside the slices,
    // and `c` is a unique borrow so it cannot alias `a` or `b`.
    unsafe {
        matrixmultiply::sgemm(
            m,
            k,
            n,
            1.0,
            a.as_ptr(),
            rsa,
            csa,
            b.as_ptr(),
            rsb,
            csb,
            beta,
            c.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

/// Adds the column sums of the m×n row-major `a` to `out` (length n): bias gradients.
pub fn add_col_sums(m: usize, n: usize, a: &[f32], out: &mut [f32]) {
    for row in a[..m * n].chunks_exact(n) {
        for (o, v) in out[..n].iter_mut().zip(row) {
            *o += v;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(m: usize, k: usize, n: usize, a: &[f32], ta: Op, b: &[f32], tb: Op) -> Vec<f32> {
        let mut c = vec![0.0; m * n];
        for i in 0..m {
            for j in 0..n {
                let mut s = 0.0;
                for p in 0..k {
                    let av = if ta == Op::N { a[i * k + p] } else { a[p * m + i] };
                    let bv = if tb == Op::N { b[p * n + j] } else { b[j * k + p] };
                    s += av * bv;
                }
                c[i * n + j] = s;
            }
        }
        c
    }

    #[test]
    fn all_transposes_match_naive_product() {
        let (m, k, n) = (5, 7, 3);
        let a: Vec<f32> = (0..m * k).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..k * n).map(|i| (i as f32 * 0.71).cos()).collect();
        for ta in [Op::N, Op::T] {
            for tb in [Op::N, Op::T] {
                let want = naive(m, k, n, &a, ta, &b, tb);
                let mut c = vec![1.0; m * n];
                gemm(m, k, n, &a, ta, &b, tb, 1.0, &mut c);
                for (x, y) in c.iter().zip(&want) {
                    assert!((x - (y + 1.0)).abs() < 1e-5);
                }
            }
        }
    }
}
