//! act: the GRU's sigmoid and tanh on a branch-free exp (range reduction to 2^k·e^r and a degree-6
//! polynomial, within 2 ulp of `f32::exp`) so that the per-step cell loops vectorise.

const LOG2E: f32 = std::f32::consts::LOG2_E;
// ln 2 split so that k·LN2_HI is exact for |k| < 2^9.
const LN2_HI: f32 = 0.693_359_4;
const LN2_LO: f32 = -2.121_944_4e-4;
// 1.5·2^23: adding and subtracting it rounds to the nearest integer.
const ROUND: f32 = 12_582_912.0;

/// e^x for finite x, clamped to the f32 range (e^x of x < −87.3 gives ≈ 1.2e-38, of x > 88.7 ≈ 3.3e38).
#[inline(always)]
pub fn exp(x: f32) -> f32 {
    let x = x.clamp(-87.3, 88.7);
    let k = (x * LOG2E + ROUND) - ROUND;
    let r = x - k * LN2_HI - k * LN2_LO;
    let p = 1.987_569_1e-4;
    let p = p * r + 1.398_199_9e-3;
    let p = p * r + 8.333_452e-3;
    let p = p * r + 4.166_579_6e-2;
    let p = p * r + 1.666_666_5e-1;
    let p = p * r + 0.5;
    let y = p * r * r + r + 1.0;
    y * f32::from_bits(((k as i32 + 127) << 23) as u32)
}

/// The logistic function 1/(1 + e^−x).
#[inline(always)]
pub fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + exp(-x))
}

/// tanh x = sign(x)·(1 − e^−2|x|)/(1 + e^−2|x|); absolute error below 1.5e-7.
#[inline(always)]
pub fn tanh(x: f32) -> f32 {
    let e = exp(-2.0 * x.abs());
    ((1.0 - e) / (1.0 + e)).copysign(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_to_libm() {
        let mut worst = (0.0f32, 0.0f32, 0.0f32);
        for i in -200_000..=200_000 {
            let x = i as f32 * 4e-4;
            let (e, s) = (exp(x), x.exp());
            worst.0 = worst.0.max(((e - s) / s).abs());
            worst.1 = worst.1.max((sigmoid(x) - 1.0 / (1.0 + (-x).exp())).abs());
            worst.2 = worst.2.max((tanh(x) - x.tanh()).abs());
        }
        assert!(worst.0 < 3e-7, "exp relative error {}", worst.0);
        assert!(worst.1 < 1.5e-7, "sigmoid error {}", worst.1);
        assert!(worst.2 < 1.5e-7, "tanh error {}", worst.2);
        assert_eq!(exp(-200.0), exp(-87.3));
        assert!(exp(0.0) == 1.0 && tanh(0.0) == 0.0);
    }
}
