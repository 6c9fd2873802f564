//! combination_p4: `combination_p4(pt, eta, phi, m, k)` — the summed four-momentum of every k-combination of
//! each row's objects (in `combinations` order) as structs {px, py, pz, e, pt, mass}, in one pass over the
//! objects' Cartesian components: trijets, dilepton pairs, without materialising the combined objects.

use std::sync::{Arc, OnceLock};

use datafusion::arrow::array::{ArrayRef, Float64Array, StructArray, new_null_array};
use datafusion::arrow::buffer::{BooleanBuffer, NullBuffer};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};

use super::combinations::{check_k, choose, for_each_combination};
use super::kinematics::FourMomentum;
use super::lists::{Offsets, is_list, list_field, list_type_like, rebuild};
use super::numeric::{Aligned, Operand, coerce_numeric};
use super::pad::{count_literal, count_scalar};
use super::{HEP_SECTION, TYPE_RULES};

/// The struct fields of one combination, in this order.
pub(super) const FIELDS: [&str; 6] = ["px", "py", "pz", "e", "pt", "mass"];

/// `combination_p4(pt, eta, phi, m, k)`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct CombinationP4Udf {
    signature: Signature,
}

impl Default for CombinationP4Udf {
    fn default() -> Self {
        CombinationP4Udf { signature: Signature::user_defined(Volatility::Immutable) }
    }
}

fn p4_struct() -> DataType {
    DataType::Struct(Fields::from(FIELDS.iter().map(|f| Field::new(*f, DataType::Float64, true)).collect::<Vec<_>>()))
}

/// The six output columns ([`FIELDS`]) and the validity of each combination.
#[derive(Default)]
pub(super) struct Sums {
    pub(super) cols: [Vec<f64>; 6],
    pub(super) valid: Vec<bool>,
}

impl Sums {
    pub(super) fn with_capacity(n: usize, nulls: bool) -> Self {
        Sums {
            cols: std::array::from_fn(|_| Vec::with_capacity(n)),
            valid: if nulls { Vec::with_capacity(n) } else { Vec::new() },
        }
    }

    #[inline]
    pub(super) fn push(&mut self, s: &FourMomentum) {
        let [px, py, pz, e, pt, mass] = &mut self.cols;
        px.push(s.px);
        py.push(s.py);
        pz.push(s.pz);
        e.push(s.e);
        pt.push((s.px * s.px + s.py * s.py).sqrt());
        mass.push(s.mass());
    }
}

/// Appends the sums of every k-combination of `objects` (positions i₁ < … < i_k, lexicographic): the
/// four-momenta are added in position order, i₁ first, as `a + b + c` would be in SQL.
fn enumerate(objects: &[FourMomentum], valid: Option<&[bool]>, k: usize, out: &mut Sums) {
    for_each_combination(objects.len(), k, |idx| {
        let mut sum = objects[idx[0]];
        for &i in &idx[1..] {
            sum.add(objects[i]);
        }
        out.push(&sum);
        if let Some(v) = valid {
            out.valid.push(idx.iter().all(|&i| v[i]));
        }
    });
}

impl ScalarUDFImpl for CombinationP4Udf {
    fn name(&self) -> &str {
        "combination_p4"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let plan_err = |m: String| Err(DataFusionError::Plan(format!("combination_p4: {m}")));
        if arg_types.len() != 5 {
            return plan_err(format!("takes 5 arguments (pt, eta, phi, m, k), got {}", arg_types.len()));
        }
        if !arg_types[..4].iter().any(is_list) {
            return plan_err("pt, eta, phi (and m) must be lists of the objects of each row".to_string());
        }
        if !arg_types[4].is_integer() {
            return plan_err(format!("k must be an integer constant, got {}", arg_types[4]));
        }
        let mut coerced = coerce_numeric(self.name(), &[4], &arg_types[..4])?;
        coerced.push(DataType::Int64);
        Ok(coerced)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Err(DataFusionError::Internal("combination_p4: return_field_from_args gives the type".to_string()))
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let k = args
            .scalar_arguments
            .get(4)
            .copied()
            .flatten()
            .ok_or_else(|| DataFusionError::Plan("combination_p4: k must be a constant".to_string()))?;
        check_k(count_scalar(k, self.name(), "k")?, self.name())?;
        let like = args.arg_fields[..4].iter().map(|f| f.data_type()).find(|t| is_list(t)).unwrap_or(&DataType::Null);
        Ok(Arc::new(Field::new(self.name(), list_type_like(like, p4_struct()), true)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let k = check_k(count_literal(&args.args[4], self.name(), "k")?, self.name())?;
        let operands = args.args[..4]
            .iter()
            .enumerate()
            .map(|(i, a)| Operand::from_arg(a, rows, self.name(), i + 1))
            .collect::<Result<Vec<_>>>()?;
        let aligned = Aligned::new(operands, rows, self.name())?;
        let return_type = args.return_field.data_type();
        let Some(lead) = &aligned.lead else {
            return Err(DataFusionError::Internal("combination_p4: no list argument".to_string()));
        };
        if aligned.all_null {
            return Ok(ColumnarValue::Array(new_null_array(return_type, rows)));
        }
        let [pt, eta, phi, m] = [0, 1, 2, 3].map(|c| &aligned.columns[c]);
        let objects: Vec<FourMomentum> = (0..aligned.len)
            .map(|j| FourMomentum::from_pt_eta_phi_m(pt.at(j), eta.at(j), phi.at(j), m.at(j)))
            .collect();
        let valid: Option<Vec<bool>> =
            aligned.element_nulls.as_ref().map(|n| (0..aligned.len).map(|j| n.is_valid(j)).collect());
        let row_null = |i: usize| aligned.row_nulls.as_ref().is_some_and(|n| n.is_null(i));
        let counts: Vec<usize> =
            (0..rows).map(|i| if row_null(i) { 0 } else { choose(lead.offsets.range(i).len(), k) }).collect();
        let total: usize = counts.iter().sum();
        if matches!(lead.offsets, Offsets::Small(_)) && total > i32::MAX as usize {
            return Err(DataFusionError::Execution(format!(
                "combination_p4: {total} combinations of {k} overflow a List; use a LargeList"
            )));
        }
        let mut sums = Sums::with_capacity(total, valid.is_some());
        for i in (0..rows).filter(|&i| !row_null(i)) {
            let r = lead.offsets.range(i);
            enumerate(&objects[r.clone()], valid.as_ref().map(|v| &v[r]), k, &mut sums);
        }
        let nulls = valid.map(|_| NullBuffer::new(BooleanBuffer::from(std::mem::take(&mut sums.valid))));
        let DataType::Struct(fields) = list_field(return_type).data_type().clone() else {
            return Err(DataFusionError::Internal("combination_p4: return type is not a list of structs".to_string()));
        };
        let children: Vec<ArrayRef> =
            sums.cols.into_iter().map(|c| Arc::new(Float64Array::new(c.into(), nulls.clone())) as ArrayRef).collect();
        let structs: ArrayRef = Arc::new(StructArray::try_new(fields, children, None)?);
        let offsets = lead.offsets.with_lengths(counts);
        Ok(ColumnarValue::Array(rebuild(&offsets, list_field(return_type), structs, aligned.row_nulls.clone())?))
    }

    fn documentation(&self) -> Option<&Documentation> {
        static DOC: OnceLock<Documentation> = OnceLock::new();
        Some(DOC.get_or_init(|| {
            Documentation::builder(
                HEP_SECTION,
                format!(
                    "The summed four-momentum of every combination of k distinct objects of each row (positions \
                     i₁ < … < i_k in lexicographic order, the order of combinations(list, k)), as structs {{px, py, \
                     pz, e, pt, mass}}: pt = sqrt(px² + py²), mass = sqrt(max(e² − p², 0)). Each object's \
                     four-momentum is px = pt cos(phi), py = pt sin(phi), pz = pt sinh(eta), E = sqrt((pt \
                     cosh(eta))² + m²), added in position order. A row with fewer than k objects gives an empty \
                     list; a combination holding an object with a NULL component has NULL fields. Pick one with \
                     array_argmin over a lambda, and other columns of the same combination with combinations(list, \
                     k)[i]. {TYPE_RULES}"
                ),
                "combination_p4(pt, eta, phi, m, k)",
            )
            .with_sql_example(
                "> SELECT combination_p4([40.0, 40.0, 10.0], [0.0, 0.0, 0.0], [0.0, pi(), 0.0], 0.0, 2)[1]['mass'];\n\
                 80.0\n\
                 > SELECT t[i]['pt'] FROM (SELECT t, array_argmin(array_transform(t, x -> abs(x['mass'] - 172.5))) AS i \
                 FROM (SELECT combination_p4(Jet_pt, Jet_eta, Jet_phi, Jet_mass, 3) AS t FROM events WHERE nJet >= 3));",
            )
            .with_argument("pt", "Transverse momenta of the row's objects (a list).")
            .with_argument("eta", "Pseudorapidities (a list).")
            .with_argument("phi", "Azimuths, radians (a list).")
            .with_argument("m", "Masses (a list, or a number such as 0 for massless objects).")
            .with_argument("k", "Objects per combination, an integer constant from 1 to 8.")
            .build()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn p(px: f64, py: f64, pz: f64, e: f64) -> FourMomentum {
        FourMomentum { e, px, py, pz }
    }

    #[test]
    fn sums_in_combination_order() {
        // Four objects with unit vectors along x, y, z and at rest: pairs in order (0,1) (0,2) (0,3) (1,2) (1,3) (2,3).
        let objects = [p(1.0, 0.0, 0.0, 1.0), p(0.0, 1.0, 0.0, 1.0), p(0.0, 0.0, 1.0, 1.0), p(0.0, 0.0, 0.0, 2.0)];
        let mut out = Sums::with_capacity(6, false);
        enumerate(&objects, None, 2, &mut out);
        let [px, py, pz, e, pt, mass] = &out.cols;
        assert_eq!(px, &[1.0, 1.0, 1.0, 0.0, 0.0, 0.0]);
        assert_eq!(py, &[1.0, 0.0, 0.0, 1.0, 1.0, 0.0]);
        assert_eq!(pz, &[0.0, 1.0, 0.0, 1.0, 0.0, 1.0]);
        assert_eq!(e, &[2.0, 2.0, 3.0, 2.0, 3.0, 3.0]);
        assert_eq!(pt[0], 2f64.sqrt());
        // (0,1): E² − p² = 4 − 2; (0,3): 9 − 1.
        assert_eq!(mass[0], 2f64.sqrt());
        assert_eq!(mass[2], 8f64.sqrt());
        let mut out = Sums::with_capacity(4, true);
        enumerate(&objects, Some(&[true, false, true, true]), 3, &mut out);
        assert_eq!(out.valid, [false, false, true, false]);
        assert_eq!(out.cols[3], [3.0, 4.0, 4.0, 4.0]);
    }
}
