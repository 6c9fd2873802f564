//! expr_fn: the HEP functions as DataFrame expressions (`inv_mass(vec![...])`), as DataFusion's own
//! `expr_fn` modules do for its functions: the DataFrame API without SQL strings.

use datafusion::logical_expr::{Expr, ScalarUDF};

use super::{hep_aggregates, hep_functions};

fn call(name: &str, args: Vec<Expr>) -> Expr {
    let udf: ScalarUDF = hep_functions()
        .into_iter()
        .find(|f| f.name() == name)
        .unwrap_or_else(|| unreachable!("{name} is one of hep_functions()"));
    udf.call(args)
}

macro_rules! hep_fn {
    ($($name:ident: $doc:literal),* $(,)?) => {$(
        #[doc = $doc]
        pub fn $name(args: Vec<Expr>) -> Expr {
            call(stringify!($name), args)
        }
    )*};
}

hep_fn! {
    delta_phi: "`delta_phi(phi1, phi2)`: φ₁ − φ₂ wrapped into [−π, π).",
    delta_r: "`delta_r(eta1, phi1, eta2, phi2)`: √(Δη² + Δφ²).",
    px: "`px(pt, phi)`.",
    py: "`py(pt, phi)`.",
    pz: "`pz(pt, eta)`.",
    energy: "`energy(pt, eta, m)`.",
    mt: "`mt(pt1, phi1, pt2, phi2)`: transverse mass of two massless objects.",
    inv_mass: "`inv_mass(pt, eta, phi, m)` of lists (their summed four-vector) or `inv_mass(pt1, eta1, phi1, m1, pt2, eta2, phi2, m2)`.",
    cone_sum: "`cone_sum(particles, reference, radius, field [, min_dr])`: Σ field within ΔR < radius.",
    sort_by: "`sort_by(list, keys [, 'desc'])`.",
    pad_or_truncate: "`pad_or_truncate(list, n, fill)`.",
    fixed_matrix: "`fixed_matrix(particles, n, 'field,…')`: an n×m FixedSizeList<Float32> block.",
    combinations: "`combinations(list, k)`: every k-combination as a struct with fields '1'…'k'.",
    combination_p4: "`combination_p4(pt, eta, phi, m, k)`: the summed four-momentum {px, py, pz, e, pt, mass} of every k-combination.",
    closest_combination: "`closest_combination(pt, eta, phi, m, k, target [, charge])`: the k-combination whose mass is closest to target, as {px, py, pz, e, pt, mass, members}.",
    array_argmin: "`array_argmin(list)`: 1-based position of the first smallest element.",
    array_argmax: "`array_argmax(list)`: 1-based position of the first largest element.",
    array_drop: "`array_drop(list, positions)`: the list without the elements at the given 1-based positions.",
}

/// `histogram(x, nbins, lo, hi [, w])` (`args` in that order): the contents of a fixed-bin histogram (underflow,
/// nbins bins, overflow) as a list; a list `x` fills every element; `w` weighs (numbers) or selects (booleans).
pub fn histogram(args: Vec<Expr>) -> Expr {
    let udaf = hep_aggregates()
        .into_iter()
        .find(|f| f.name() == "histogram")
        .unwrap_or_else(|| unreachable!("histogram is one of hep_aggregates()"));
    udaf.call(args)
}
