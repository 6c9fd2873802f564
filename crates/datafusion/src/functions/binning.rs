//! The fixed-bin axis of `histogram` and its fills, a block of values at a time: bin numbers computed without
//! branches (values spilling over both edges cost no mispredicted jumps, and the loop vectorises: AVX2 where the
//! CPU has it), then counted into interleaved sub-histograms (consecutive values in one bin do not wait on each
//! other's increment). Two unsafe calls, each with its proof beside it: the float-to-integer truncation of a
//! clamped value (the saturating `as` does not vectorise) and the call of the AVX2 copy after the CPU check.
#![allow(unsafe_code)]

use datafusion::arrow::buffer::BooleanBuffer;

/// Values binned per block (the bin numbers of a block live on the stack).
const BLOCK: usize = 1024;

/// Sub-histograms for axes of at most this many bins (larger ones are counted directly: their values rarely
/// share a bin, and four copies would be big).
const SUB_HISTOGRAMS_UP_TO: usize = 4096;

/// The axis: `nbins` equal bins over [lo, hi).
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Axis {
    nbins: usize,
    lo: f64,
    hi: f64,
}

impl Axis {
    /// `nbins` must fit an `i32` (histogram's `MAX_BINS` is far below).
    pub(super) fn new(nbins: usize, lo: f64, hi: f64) -> Axis {
        assert!(nbins < i32::MAX as usize, "histogram axis of {nbins} bins");
        Axis { nbins, lo, hi }
    }

    /// Underflow, bins and overflow.
    pub(super) fn len(&self) -> usize {
        self.nbins + 2
    }

    /// ROOT's `TAxis::FindBin` on a fixed-bin axis: 0 below `lo`, nbins + 1 at or above `hi` (and for NaN), else
    /// 1 + ⌊nbins (x − lo) / (hi − lo)⌋ computed in that order, in double precision, as ROOT does (where that
    /// rounds up to nbins just below `hi`, the overflow, as in ROOT). Selects, no jumps.
    #[inline(always)]
    pub(super) fn bin(&self, x: f64) -> usize {
        let nbins = self.nbins as f64;
        let t = nbins * (x - self.lo) / (self.hi - self.lo);
        // Clamped into [0, nbins] (NaN to 0) the truncation is exact and needs no saturation; the selects below
        // decide the values outside [lo, hi).
        let t = if t > 0.0 { t } else { 0.0 };
        let t = if t < nbins { t } else { nbins };
        // SAFETY: t is finite and within [0, nbins], and nbins < i32::MAX (checked in `new`).
        let inside = 1 + unsafe { t.to_int_unchecked::<i32>() } as usize;
        let b = if x < self.lo { 0 } else { inside };
        if x < self.hi { b } else { self.nbins + 1 }
    }

    /// The bins of `xs` into `out` (as long as `xs`).
    fn bins<T: AsF64>(&self, xs: &[T], out: &mut [u32]) {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") {
            // SAFETY: the CPU has AVX2.
            return unsafe { self.bins_avx2(xs, out) };
        }
        self.bins_portable(xs, out)
    }

    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    fn bins_avx2<T: AsF64>(&self, xs: &[T], out: &mut [u32]) {
        self.bins_portable(xs, out)
    }

    #[inline(always)]
    fn bins_portable<T: AsF64>(&self, xs: &[T], out: &mut [u32]) {
        for (o, &x) in out.iter_mut().zip(xs) {
            *o = self.bin(x.as_f64()) as u32;
        }
    }
}

/// A number of any element type as `f64`.
pub(super) trait AsF64: Copy {
    fn as_f64(self) -> f64;
}

macro_rules! as_f64 {
    ($($t:ty),*) => {$(
        impl AsF64 for $t {
            #[inline(always)]
            fn as_f64(self) -> f64 {
                self as f64
            }
        }
    )*};
}
as_f64!(f64, f32, i8, i16, i32, i64, u8, u16, u32, u64);

/// Counts `xs` into `counts` (the axis' `len()`); only the values whose bit is set in `keep` (as long as `xs`)
/// where it is given.
pub(super) fn count<T: AsF64>(counts: &mut [i64], axis: Axis, xs: &[T], keep: Option<&BooleanBuffer>) {
    let n = axis.len();
    // Bin n of each sub-histogram takes the values `keep` leaves out.
    let lanes = if n <= SUB_HISTOGRAMS_UP_TO { 4 } else { 1 };
    let width = n + 1;
    let mut sub = vec![0i64; lanes * width];
    let mut bins = [0u32; BLOCK];
    for (block, start) in xs.chunks(BLOCK).zip((0..).step_by(BLOCK)) {
        let bins = &mut bins[..block.len()];
        axis.bins(block, bins);
        if let Some(keep) = keep {
            drop_unkept(bins, &keep.slice(start, block.len()), n as u32);
        }
        if lanes == 4 {
            let (a, rest) = sub.split_at_mut(width);
            let (b, rest) = rest.split_at_mut(width);
            let (c, d) = rest.split_at_mut(width);
            let mut quads = bins.chunks_exact(4);
            for q in &mut quads {
                a[q[0] as usize] += 1;
                b[q[1] as usize] += 1;
                c[q[2] as usize] += 1;
                d[q[3] as usize] += 1;
            }
            quads.remainder().iter().for_each(|&i| a[i as usize] += 1);
        } else {
            bins.iter().for_each(|&i| sub[i as usize] += 1);
        }
    }
    for lane in sub.chunks_exact(width) {
        counts.iter_mut().zip(lane).for_each(|(c, s)| *c += s);
    }
}

/// Adds `ws` to the bins of `xs` in order (sums stay those of a fill value by value); only where `keep` is set.
pub(super) fn sum<T: AsF64>(sums: &mut [f64], axis: Axis, xs: &[T], ws: &[f64], keep: Option<&BooleanBuffer>) {
    let mut bins = [0u32; BLOCK];
    for ((block, weights), start) in xs.chunks(BLOCK).zip(ws.chunks(BLOCK)).zip((0..).step_by(BLOCK)) {
        let bins = &mut bins[..block.len()];
        axis.bins(block, bins);
        match keep {
            None => bins.iter().zip(weights).for_each(|(&i, &w)| sums[i as usize] += w),
            Some(keep) => {
                let keep = keep.slice(start, block.len());
                for j in keep.set_indices() {
                    sums[bins[j] as usize] += weights[j];
                }
            }
        }
    }
}

/// Sends the bins whose `keep` bit is clear to `discard` (selects on 32-bit halves of the mask words: that loop
/// vectorises).
fn drop_unkept(bins: &mut [u32], keep: &BooleanBuffer, discard: u32) {
    let mut words = [0u64; BLOCK / 64];
    let chunks = keep.bit_chunks();
    for (w, word) in words.iter_mut().zip(chunks.iter().chain(std::iter::once(chunks.remainder_bits()))) {
        *w = word;
    }
    let halves = words.iter().flat_map(|&w| [w as u32, (w >> 32) as u32]);
    for (half, bins) in halves.zip(bins.chunks_mut(32)) {
        for (k, b) in bins.iter_mut().enumerate() {
            let m = ((half >> k) & 1).wrapping_neg();
            *b = (*b & m) | (discard & !m);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// ROOT's formula with its jumps, as TAxis::FindBin writes it.
    fn find_bin(axis: Axis, x: f64) -> usize {
        if x < axis.lo {
            0
        } else if x >= axis.hi || x.is_nan() {
            axis.nbins + 1
        } else {
            1 + (axis.nbins as f64 * (x - axis.lo) / (axis.hi - axis.lo)) as usize
        }
    }

    #[test]
    fn bins_follow_root_find_bin() {
        let axis = Axis::new(4, 0.0, 2.0);
        let xs = [-1.0, -0.0, 0.0, 0.49, 0.5, 1.99, 2.0, 5.0, f64::NAN, f64::NEG_INFINITY, f64::INFINITY, -1e-320];
        let bins: Vec<usize> = xs.iter().map(|&x| axis.bin(x)).collect();
        assert_eq!(bins, [0, 1, 1, 1, 2, 4, 5, 5, 5, 0, 5, 0]);
        let mut block = vec![0u32; xs.len()];
        axis.bins(&xs, &mut block);
        assert_eq!(block.iter().map(|&b| b as usize).collect::<Vec<_>>(), bins);
        // Just below hi, where nbins (x − lo) / (hi − lo) rounds up to nbins: ROOT says overflow.
        let axis = Axis::new(3, 0.0, 2.9);
        let x = f64::from_bits(2.9f64.to_bits() - 1);
        assert_eq!(3.0 * x / 2.9, 3.0);
        assert_eq!(axis.bin(x), 4);
        assert_eq!(axis.bin(x), find_bin(axis, x));
    }

    /// A deterministic spread of values over and beyond an axis, some of them NaN.
    fn values(n: usize) -> Vec<f32> {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        (0..n)
            .map(|i| {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                if i % 97 == 0 { f32::NAN } else { (state % 100_000) as f32 / 1000.0 - 20.0 }
            })
            .collect()
    }

    #[test]
    fn block_counts_equal_value_by_value_counts() {
        let xs = values(5000);
        let keep = BooleanBuffer::from_iter((0..xs.len()).map(|i| i % 3 != 1));
        for axis in [Axis::new(100, 15.0, 60.0), Axis::new(5000, -10.0, 70.0), Axis::new(1, 0.0, 1.0)] {
            let mut want = vec![0i64; axis.len()];
            let mut want_kept = vec![0i64; axis.len()];
            let mut want_sums = vec![0f64; axis.len()];
            for (j, &x) in xs.iter().enumerate() {
                want[find_bin(axis, x as f64)] += 1;
                if keep.value(j) {
                    want_kept[find_bin(axis, x as f64)] += 1;
                    want_sums[find_bin(axis, x as f64)] += j as f64 * 0.5;
                }
            }
            let mut got = vec![0i64; axis.len()];
            count(&mut got, axis, &xs, None);
            assert_eq!(got, want, "{axis:?}");
            let mut got = vec![0i64; axis.len()];
            count(&mut got, axis, &xs, Some(&keep));
            assert_eq!(got, want_kept, "{axis:?} kept");
            let ws: Vec<f64> = (0..xs.len()).map(|j| j as f64 * 0.5).collect();
            let mut sums = vec![0f64; axis.len()];
            sum(&mut sums, axis, &xs, &ws, Some(&keep));
            assert_eq!(sums, want_sums, "{axis:?} sums");
        }
    }
}
