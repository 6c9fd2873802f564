//! kinematics: the per-object formulas (Δφ, ΔR, four-vector components, masses) on plain `f64`,
//! shared by the SQL functions. Massless or massive objects are given as (pT, η, φ, m).

use std::f64::consts::{PI, TAU};

/// `phi1 − phi2` wrapped into [−π, π).
#[inline]
pub fn delta_phi(phi1: f64, phi2: f64) -> f64 {
    wrap_phi(phi1 - phi2)
}

/// An angle wrapped into [−π, π): angle − 2π·⌊(angle + π) / 2π⌋, then one step back where rounding landed on the
/// open end. Within [−2π, 2π] (every difference of two angles in [−π, π]) the number of turns is read from two
/// comparisons instead of the floor — the same number, or (just below π, where the quotient rounds up to 1) a turn
/// that the last step takes back exactly — so the result is the same without a branch on the data.
#[inline]
pub fn wrap_phi(angle: f64) -> f64 {
    let turns = if angle.abs() <= TAU {
        ((angle >= PI) as i32 - (angle < -PI) as i32) as f64
    } else {
        ((angle + PI) / TAU).floor()
    };
    back_into_range(angle - TAU * turns)
}

/// The general formula, floor and all (the reference of `wrap_phi`'s comparisons in the tests).
#[cfg(test)]
fn wrap_phi_by_floor(angle: f64) -> f64 {
    back_into_range(angle - TAU * ((angle + PI) / TAU).floor())
}

/// Rounding can land exactly on the open end of the interval.
#[inline]
fn back_into_range(wrapped: f64) -> f64 {
    if wrapped >= PI {
        wrapped - TAU
    } else if wrapped < -PI {
        wrapped + TAU
    } else {
        wrapped
    }
}

/// √(Δη² + Δφ²), Δφ wrapped.
#[inline]
pub fn delta_r(eta1: f64, phi1: f64, eta2: f64, phi2: f64) -> f64 {
    let d_eta = eta1 - eta2;
    let d_phi = delta_phi(phi1, phi2);
    (d_eta * d_eta + d_phi * d_phi).sqrt()
}

/// pT·cos φ.
#[inline]
pub fn px(pt: f64, phi: f64) -> f64 {
    pt * phi.cos()
}

/// pT·sin φ.
#[inline]
pub fn py(pt: f64, phi: f64) -> f64 {
    pt * phi.sin()
}

/// pT·sinh η.
#[inline]
pub fn pz(pt: f64, eta: f64) -> f64 {
    pt * eta.sinh()
}

/// √(p² + m²) with |p| = pT·cosh η.
#[inline]
pub fn energy(pt: f64, eta: f64, m: f64) -> f64 {
    let p = pt * eta.cosh();
    (p * p + m * m).sqrt()
}

/// Transverse mass √(2·pT₁·pT₂·(1 − cos Δφ)).
#[inline]
pub fn mt(pt1: f64, phi1: f64, pt2: f64, phi2: f64) -> f64 {
    (2.0 * pt1 * pt2 * (1.0 - (phi1 - phi2).cos())).sqrt()
}

/// A Cartesian four-momentum, summed object by object.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct FourMomentum {
    pub e: f64,
    pub px: f64,
    pub py: f64,
    pub pz: f64,
}

impl FourMomentum {
    /// From (pT, η, φ, m).
    #[inline]
    pub fn from_pt_eta_phi_m(pt: f64, eta: f64, phi: f64, m: f64) -> Self {
        FourMomentum { e: energy(pt, eta, m), px: px(pt, phi), py: py(pt, phi), pz: pz(pt, eta) }
    }

    #[inline]
    pub fn add(&mut self, other: FourMomentum) {
        self.e += other.e;
        self.px += other.px;
        self.py += other.py;
        self.pz += other.pz;
    }

    /// Invariant mass √(E² − p²); a negative E² − p² (rounding) gives 0.
    #[inline]
    pub fn mass(&self) -> f64 {
        let m2 = self.e * self.e - self.px * self.px - self.py * self.py - self.pz * self.pz;
        m2.max(0.0).sqrt()
    }
}

/// Invariant mass of two objects.
#[inline]
pub fn inv_mass_pair(a: [f64; 4], b: [f64; 4]) -> f64 {
    let mut sum = FourMomentum::from_pt_eta_phi_m(a[0], a[1], a[2], a[3]);
    sum.add(FourMomentum::from_pt_eta_phi_m(b[0], b[1], b[2], b[3]));
    sum.mass()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() <= 1e-12 * a.abs().max(b.abs()).max(1.0)
    }

    #[test]
    fn wrap_by_comparisons_equals_wrap_by_floor() {
        let mut angles = vec![0.0, -0.0, f64::NAN, f64::INFINITY, f64::NEG_INFINITY, 1e300, -1e300];
        // Every edge of the comparisons and of the floor, and 256 ulps either side of it.
        for edge in [PI, -PI, TAU, -TAU, 3.0 * PI, -3.0 * PI, 0.0] {
            let mut up = edge;
            let mut down = edge;
            for _ in 0..256 {
                angles.extend([up, down]);
                up = up.next_up();
                down = down.next_down();
            }
        }
        // And a sweep over [-4π, 4π].
        angles.extend((0..200_001).map(|i| -4.0 * PI + 8.0 * PI * i as f64 / 200_000.0));
        for a in angles {
            let (got, want) = (wrap_phi(a), wrap_phi_by_floor(a));
            assert!(got.to_bits() == want.to_bits() || (got.is_nan() && want.is_nan()), "{a:e}: {got:e} vs {want:e}");
        }
    }

    #[test]
    fn delta_phi_wraps_into_half_open_interval() {
        assert!(close(delta_phi(3.0, -3.0), 6.0 - TAU));
        assert!(close(delta_phi(-3.0, 3.0), TAU - 6.0));
        assert_eq!(delta_phi(PI, 0.0), -PI);
        assert_eq!(delta_phi(0.0, PI), -PI);
        assert!(close(delta_phi(10.0 * PI + 0.5, 0.0), 0.5));
        for k in -50..50 {
            let d = delta_phi(k as f64 * 0.37, -1.3);
            assert!((-PI..PI).contains(&d), "{d}");
        }
    }

    #[test]
    fn delta_r_is_symmetric_and_wraps() {
        assert!(close(delta_r(0.5, 3.1, -0.5, -3.1), (1.0f64 + (TAU - 6.2).powi(2)).sqrt()));
        assert!(close(delta_r(1.0, 2.0, 3.0, 4.0), delta_r(3.0, 4.0, 1.0, 2.0)));
    }

    #[test]
    fn back_to_back_massless_pair_has_mass_of_twice_the_momentum() {
        // Two 40 GeV massless objects at η = 0, φ = 0 and π: E = 80, p = 0.
        assert!(close(inv_mass_pair([40.0, 0.0, 0.0, 0.0], [40.0, 0.0, PI, 0.0]), 80.0));
        // Same direction: mass 0.
        assert!(close(inv_mass_pair([40.0, 1.0, 0.3, 0.0], [10.0, 1.0, 0.3, 0.0]), 0.0));
        // A single massive object at rest in the transverse plane.
        let mut one = FourMomentum::default();
        one.add(FourMomentum::from_pt_eta_phi_m(0.0, 0.0, 0.0, 91.1876));
        assert!(close(one.mass(), 91.1876));
    }

    #[test]
    fn transverse_mass_of_back_to_back_pair() {
        assert!(close(mt(40.0, 0.0, 30.0, PI), (2.0f64 * 40.0 * 30.0 * 2.0).sqrt()));
        assert_eq!(mt(40.0, 1.0, 30.0, 1.0), 0.0);
    }
}
