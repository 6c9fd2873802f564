//! gru: the Keras GRU (`reset_after=True`, gates z, r, h in Keras's kernel order) with Keras masking
//! (a step whose features all equal the mask value carries the state through, at any position).
//! The input projection and the weight gradients are single GEMMs over all steps; the recurrence does
//! one small GEMM per step forward and one per step backward.

use crate::act::{sigmoid, tanh};
use crate::gemm::{Op, add_col_sums, gemm};
use crate::init::{glorot_uniform, orthogonal};
use crate::rng::Rng;

/// A GRU returning its last state. Parameters, in Keras order: `kernel` (inputs × 3·units),
/// `recurrent_kernel` (units × 3·units), `bias` (2 × 3·units: input bias, then recurrent bias);
/// the 3·units columns are the z, r, h gates.
#[derive(Debug, Clone, PartialEq)]
pub struct Gru {
    /// Time steps per sequence.
    pub steps: usize,
    /// Features per step.
    pub inputs: usize,
    /// State width.
    pub units: usize,
    /// Keras `Masking(mask_value)` in front of the GRU, if any.
    pub mask_value: Option<f32>,
}

/// Buffers of one GRU forward/backward, reused across batches (sized for at most `cap` sequences).
#[derive(Debug, Default)]
pub struct GruWs {
    cap: usize,
    n: usize,
    xt: Vec<f32>,
    mask: Vec<bool>,
    active: Vec<bool>,
    xp: Vec<f32>,
    hs: Vec<f32>,
    z: Vec<f32>,
    r: Vec<f32>,
    nn: Vec<f32>,
    hh: Vec<f32>,
    hp: Vec<f32>,
    dhp: Vec<f32>,
    dh: Vec<f32>,
    dh2: Vec<f32>,
}

/// Per-step caches of one sequence: gates z, r, candidate n and the recurrent h-projection hh (with bias).
struct Cache<'a> {
    z: &'a mut [f32],
    r: &'a mut [f32],
    n: &'a mut [f32],
    hh: &'a mut [f32],
}

/// One live step of one sequence: `xp` = x·W + b_in and `hp` = h·U (3h each, gates z, r, h).
fn cell_forward(h: usize, xp: &[f32], hp: &[f32], b_rec: &[f32], hprev: &[f32], hnext: &mut [f32], c: Cache) {
    let (xz, xr, xh) = (&xp[..h], &xp[h..2 * h], &xp[2 * h..3 * h]);
    let (hz, hr, hc) = (&hp[..h], &hp[h..2 * h], &hp[2 * h..3 * h]);
    let (bz, br, bh) = (&b_rec[..h], &b_rec[h..2 * h], &b_rec[2 * h..3 * h]);
    let (hprev, hnext) = (&hprev[..h], &mut hnext[..h]);
    let (cz, cr, cn, chh) = (&mut c.z[..h], &mut c.r[..h], &mut c.n[..h], &mut c.hh[..h]);
    for j in 0..h {
        let z = sigmoid(xz[j] + hz[j] + bz[j]);
        let r = sigmoid(xr[j] + hr[j] + br[j]);
        let hh = hc[j] + bh[j];
        let nv = tanh(xh[j] + r * hh);
        hnext[j] = z * hprev[j] + (1.0 - z) * nv;
        cz[j] = z;
        cr[j] = r;
        cn[j] = nv;
        chh[j] = hh;
    }
}

/// Backward of one live step of one sequence: writes dXP = [dz, dr, dn] and dHP = [dz, dr, dn ⊙ r].
fn cell_backward(
    h: usize,
    dh: &[f32],
    hprev: &[f32],
    c: (&[f32], &[f32], &[f32], &[f32]),
    dxp: &mut [f32],
    dhp: &mut [f32],
) {
    let (dh, hprev) = (&dh[..h], &hprev[..h]);
    let (cz, cr, cn, chh) = (&c.0[..h], &c.1[..h], &c.2[..h], &c.3[..h]);
    let (dxz, rest) = dxp[..3 * h].split_at_mut(h);
    let (dxr, dxh) = rest.split_at_mut(h);
    let (dhz, rest) = dhp[..3 * h].split_at_mut(h);
    let (dhr, dhh) = rest.split_at_mut(h);
    for j in 0..h {
        let (z, r, nv) = (cz[j], cr[j], cn[j]);
        let dz = dh[j] * (hprev[j] - nv) * z * (1.0 - z);
        let dn = dh[j] * (1.0 - z) * (1.0 - nv * nv);
        let dr = dn * chh[j] * r * (1.0 - r);
        dxz[j] = dz;
        dxr[j] = dr;
        dxh[j] = dn;
        dhz[j] = dz;
        dhr[j] = dr;
        dhh[j] = dn * r;
    }
}

impl Gru {
    /// Number of parameters: 3·units·(inputs + units + 2).
    pub fn num_params(&self) -> usize {
        3 * self.units * (self.inputs + self.units + 2)
    }

    /// Keras initialisation: glorot_uniform kernel, orthogonal recurrent kernel, zero biases.
    pub fn init(&self, rng: &mut Rng, params: &mut [f32]) {
        let (f, h3) = (self.inputs, 3 * self.units);
        let (w, rest) = params.split_at_mut(f * h3);
        let (u, b) = rest.split_at_mut(self.units * h3);
        glorot_uniform(f, h3, rng, w);
        orthogonal(self.units, h3, rng, u);
        b[..2 * h3].fill(0.0);
    }

    /// Work buffers for batches of up to `cap` sequences.
    pub fn workspace(&self, cap: usize) -> GruWs {
        let (t, f, h) = (self.steps, self.inputs, self.units);
        GruWs {
            cap,
            n: 0,
            xt: vec![0.0; t * cap * f],
            mask: vec![false; t * cap],
            active: vec![false; t],
            xp: vec![0.0; t * cap * 3 * h],
            hs: vec![0.0; (t + 1) * cap * h],
            z: vec![0.0; t * cap * h],
            r: vec![0.0; t * cap * h],
            nn: vec![0.0; t * cap * h],
            hh: vec![0.0; t * cap * h],
            hp: vec![0.0; cap * 3 * h],
            dhp: vec![0.0; t * cap * 3 * h],
            dh: vec![0.0; cap * h],
            dh2: vec![0.0; cap * h],
        }
    }

    fn split<'a>(&self, params: &'a [f32]) -> (&'a [f32], &'a [f32], &'a [f32], &'a [f32]) {
        let (f, h3) = (self.inputs, 3 * self.units);
        let (w, rest) = params.split_at(f * h3);
        let (u, rest) = rest.split_at(self.units * h3);
        let (b_in, b_rec) = rest.split_at(h3);
        (w, u, b_in, &b_rec[..h3])
    }

    /// Forward over `n ≤ cap` sequences `x` (n × steps × inputs, batch-major). Returns the last state (n × units).
    pub fn forward<'w>(&self, n: usize, x: &[f32], params: &[f32], ws: &'w mut GruWs) -> &'w [f32] {
        assert!(n <= ws.cap, "GRU batch {n} over workspace capacity {}", ws.cap);
        let (t_len, f, h) = (self.steps, self.inputs, self.units);
        let h3 = 3 * h;
        let (w, u, b_in, b_rec) = self.split(params);
        ws.n = n;
        // Time-major copy of the input and the Keras mask (any feature != mask value).
        for b in 0..n {
            for t in 0..t_len {
                let src = &x[(b * t_len + t) * f..(b * t_len + t + 1) * f];
                ws.xt[(t * n + b) * f..(t * n + b + 1) * f].copy_from_slice(src);
                ws.mask[t * n + b] = match self.mask_value {
                    Some(mv) => src.iter().any(|&v| v != mv),
                    None => true,
                };
            }
        }
        for t in 0..t_len {
            ws.active[t] = ws.mask[t * n..(t + 1) * n].iter().any(|&m| m);
        }
        // Input projection of every step at once: XP = X·W + b_in.
        let rows = t_len * n;
        gemm(rows, f, h3, &ws.xt, Op::N, w, Op::N, 0.0, &mut ws.xp);
        for row in ws.xp[..rows * h3].chunks_exact_mut(h3) {
            for (v, b) in row.iter_mut().zip(b_in) {
                *v += b;
            }
        }
        ws.hs[..n * h].fill(0.0);
        for t in 0..t_len {
            let (prev_all, next_all) = ws.hs.split_at_mut((t + 1) * n * h);
            let prev = &prev_all[t * n * h..];
            let next = &mut next_all[..n * h];
            if !ws.active[t] {
                next.copy_from_slice(prev);
                continue;
            }
            gemm(n, h, h3, prev, Op::N, u, Op::N, 0.0, &mut ws.hp);
            for b in 0..n {
                let (hprev, hnext) = (&prev[b * h..(b + 1) * h], &mut next[b * h..(b + 1) * h]);
                if !ws.mask[t * n + b] {
                    hnext.copy_from_slice(hprev);
                    continue;
                }
                let xp = &ws.xp[(t * n + b) * h3..(t * n + b + 1) * h3];
                let hp = &ws.hp[b * h3..(b + 1) * h3];
                let c = (t * n + b) * h..(t * n + b + 1) * h;
                let cache = Cache {
                    z: &mut ws.z[c.clone()],
                    r: &mut ws.r[c.clone()],
                    n: &mut ws.nn[c.clone()],
                    hh: &mut ws.hh[c],
                };
                cell_forward(h, xp, hp, b_rec, hprev, hnext, cache);
            }
        }
        &ws.hs[t_len * n * h..(t_len + 1) * n * h]
    }

    /// Backward of the last [`Gru::forward`] on `ws`, from the gradient at the last state (`dh_last`,
    /// n × units). Kernel, recurrent-kernel and bias gradients are *added* to `grads`.
    pub fn backward(&self, params: &[f32], ws: &mut GruWs, dh_last: &[f32], grads: &mut [f32]) {
        let (t_len, f, h, n) = (self.steps, self.inputs, self.units, ws.n);
        let h3 = 3 * h;
        let (_, u, _, _) = self.split(params);
        ws.dh[..n * h].copy_from_slice(&dh_last[..n * h]);
        // The input projection is no longer needed: its buffer receives dXP.
        for t in (0..t_len).rev() {
            let blk = t * n * h3..(t + 1) * n * h3;
            if !ws.active[t] {
                ws.xp[blk.clone()].fill(0.0);
                ws.dhp[blk].fill(0.0);
                continue;
            }
            let hprev_all = &ws.hs[t * n * h..(t + 1) * n * h];
            for b in 0..n {
                let row = (t * n + b) * h3;
                let (dxp, dhp) = (&mut ws.xp[row..row + h3], &mut ws.dhp[row..row + h3]);
                if !ws.mask[t * n + b] {
                    dxp.fill(0.0);
                    dhp.fill(0.0);
                    continue;
                }
                let c = (t * n + b) * h..(t * n + b + 1) * h;
                let cache = (&ws.z[c.clone()], &ws.r[c.clone()], &ws.nn[c.clone()], &ws.hh[c]);
                cell_backward(h, &ws.dh[b * h..(b + 1) * h], &hprev_all[b * h..(b + 1) * h], cache, dxp, dhp);
            }
            // dh_prev = dHP·Uᵀ (+ dh ⊙ z on live rows, dh itself on masked rows).
            gemm(n, h3, h, &ws.dhp[t * n * h3..(t + 1) * n * h3], Op::N, u, Op::T, 0.0, &mut ws.dh2);
            for b in 0..n {
                let (dh, dh2) = (&ws.dh[b * h..(b + 1) * h], &mut ws.dh2[b * h..(b + 1) * h]);
                if ws.mask[t * n + b] {
                    let z = &ws.z[(t * n + b) * h..(t * n + b + 1) * h];
                    for j in 0..h {
                        dh2[j] += dh[j] * z[j];
                    }
                } else {
                    dh2.copy_from_slice(dh);
                }
            }
            std::mem::swap(&mut ws.dh, &mut ws.dh2);
        }
        let rows = t_len * n;
        let (gw, rest) = grads.split_at_mut(f * h3);
        let (gu, gb) = rest.split_at_mut(h * h3);
        let (gb_in, gb_rec) = gb.split_at_mut(h3);
        gemm(f, rows, h3, &ws.xt, Op::T, &ws.xp, Op::N, 1.0, gw);
        gemm(h, rows, h3, &ws.hs, Op::T, &ws.dhp, Op::N, 1.0, gu);
        add_col_sums(rows, h3, &ws.xp, gb_in);
        add_col_sums(rows, h3, &ws.dhp, gb_rec);
    }
}
