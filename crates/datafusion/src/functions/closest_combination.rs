//! closest_combination: `closest_combination(pt, eta, phi, m, k, target [, charge])` — per row, the k-combination
//! of objects whose invariant mass is closest to `target` (the trijet nearest the top mass, the lepton pair nearest
//! the Z), found in one pass without materialising the other combinations: its summed four-momentum and the
//! positions of its objects.

use std::sync::{Arc, OnceLock};

use datafusion::arrow::array::{ArrayRef, Float64Array, Int64Array, ListArray, StructArray, new_null_array};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields};
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};

use super::combination_p4::{FIELDS, Sums};
use super::combinations::{MAX_K, check_k, for_each_combination};
use super::kinematics::FourMomentum;
use super::lists::is_list;
use super::numeric::{Aligned, Operand, coerce_numeric};
use super::pad::{count_literal, count_scalar};
use super::{HEP_SECTION, TYPE_RULES};

const NAME: &str = "closest_combination";

/// `closest_combination(pt, eta, phi, m, k, target [, charge])`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ClosestCombinationUdf {
    signature: Signature,
}

impl Default for ClosestCombinationUdf {
    fn default() -> Self {
        ClosestCombinationUdf { signature: Signature::user_defined(Volatility::Immutable) }
    }
}

fn plan_err<T>(message: impl std::fmt::Display) -> Result<T> {
    Err(DataFusionError::Plan(format!("{NAME}: {message}")))
}

fn members_field() -> FieldRef {
    Arc::new(Field::new("members", DataType::List(Arc::new(Field::new_list_field(DataType::Int64, false))), true))
}

/// The struct's fields; each is NULL where the struct is (a field read from a NULL row is NULL, not a 0).
fn result_fields() -> Fields {
    let mut fields: Vec<FieldRef> = FIELDS.iter().map(|f| Arc::new(Field::new(*f, DataType::Float64, true))).collect();
    fields.push(members_field());
    Fields::from(fields)
}

/// The target mass: a finite numeric constant.
fn target_of(scalar: &ScalarValue) -> Result<f64> {
    match scalar.cast_to(&DataType::Float64)? {
        ScalarValue::Float64(Some(t)) if t.is_finite() => Ok(t),
        other => plan_err(format!("target must be a finite number, got {other}")),
    }
}

/// The best combination of one row so far.
struct Best {
    distance: f64,
    sum: FourMomentum,
    members: [usize; MAX_K],
}

/// Whether some k-combination of `charges` sums to zero.
fn any_neutral(charges: &[f64], k: usize) -> bool {
    let mut found = false;
    for_each_combination(charges.len(), k, |idx| found |= idx.iter().map(|&i| charges[i]).sum::<f64>() == 0.0);
    found
}

/// Searches the objects of one row; `None` when no combination qualifies.
fn closest(objects: &[FourMomentum], valid: &[bool], charges: Option<&[f64]>, k: usize, target: f64) -> Option<Best> {
    let mut best: Option<Best> = None;
    for_each_combination(objects.len(), k, |idx| {
        if !idx.iter().all(|&i| valid[i]) {
            return;
        }
        if let Some(q) = charges
            && idx.iter().map(|&i| q[i]).sum::<f64>() != 0.0
        {
            return;
        }
        let mut sum = objects[idx[0]];
        for &i in &idx[1..] {
            sum.add(objects[i]);
        }
        let distance = (sum.mass() - target).abs();
        if best.as_ref().is_none_or(|b| distance < b.distance) {
            let mut members = [0; MAX_K];
            members[..k].copy_from_slice(idx);
            best = Some(Best { distance, sum, members });
        }
    });
    best
}

impl ScalarUDFImpl for ClosestCombinationUdf {
    fn name(&self) -> &str {
        NAME
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        if !(6..=7).contains(&arg_types.len()) {
            return plan_err(format!(
                "takes 6 or 7 arguments (pt, eta, phi, m, k, target [, charge]), got {}",
                arg_types.len()
            ));
        }
        if !arg_types[..4].iter().any(is_list) {
            return plan_err("pt, eta, phi (and m) must be lists of the objects of each row");
        }
        if !arg_types[4].is_integer() {
            return plan_err(format!("k must be an integer constant, got {}", arg_types[4]));
        }
        if !arg_types[5].is_numeric() {
            return plan_err(format!("target must be a numeric constant, got {}", arg_types[5]));
        }
        if arg_types.len() == 7 && !is_list(&arg_types[6]) {
            return plan_err(format!("charge must be a list (one charge per object), got {}", arg_types[6]));
        }
        let numeric: Vec<DataType> = arg_types[..4].iter().chain(arg_types.get(6)).cloned().collect();
        let mut coerced = coerce_numeric(NAME, &[numeric.len()], &numeric)?;
        let charge = (coerced.len() == 5).then(|| coerced.pop()).flatten();
        coerced.extend([DataType::Int64, DataType::Float64]);
        coerced.extend(charge);
        Ok(coerced)
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Struct(result_fields()))
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let constant = |i: usize, what: &str| {
            args.scalar_arguments
                .get(i)
                .copied()
                .flatten()
                .ok_or_else(|| DataFusionError::Plan(format!("{NAME}: {what} must be a constant")))
        };
        check_k(count_scalar(constant(4, "k")?, NAME, "k")?, NAME)?;
        target_of(constant(5, "target")?)?;
        Ok(Arc::new(Field::new(NAME, DataType::Struct(result_fields()), true)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let return_type = args.return_field.data_type().clone();
        let k = check_k(count_literal(&args.args[4], NAME, "k")?, NAME)?;
        let ColumnarValue::Scalar(target) = &args.args[5] else {
            return plan_err("target must be a constant");
        };
        let target = target_of(target)?;
        let operands = [0, 1, 2, 3, 6]
            .into_iter()
            .filter_map(|i| args.args.get(i).map(|a| (i, a)))
            .map(|(i, a)| Operand::from_arg(a, rows, NAME, i + 1))
            .collect::<Result<Vec<_>>>()?;
        let aligned = Aligned::new(operands, rows, NAME)?;
        if aligned.all_null {
            return Ok(ColumnarValue::Array(new_null_array(&return_type, rows)));
        }
        let Some(lead) = &aligned.lead else {
            return Err(DataFusionError::Internal(format!("{NAME}: no list argument")));
        };
        let [pt, eta, phi, m] = [0, 1, 2, 3].map(|c| &aligned.columns[c]);
        let charge = aligned.columns.get(4);

        let mut sums = Sums::with_capacity(rows, true); // valid: a combination was found
        let mut members: Vec<i64> = Vec::with_capacity(rows * k);
        let mut member_counts: Vec<usize> = Vec::with_capacity(rows);
        let (mut objects, mut valid, mut charges) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..rows {
            let r = lead.offsets.range(i);
            let row_null = aligned.row_nulls.as_ref().is_some_and(|n| n.is_null(i));
            if !row_null && r.len() >= k {
                charges.clear();
                charges.extend(charge.iter().flat_map(|q| r.clone().map(|j| q.at(j))));
            }
            // With charges, a row none of whose combinations is neutral (two muons of one sign) has no answer:
            // its four-momenta (sinh, cosh, sin, cos each) are not computed.
            let best = if row_null || r.len() < k || (charge.is_some() && !any_neutral(&charges, k)) {
                None
            } else {
                objects.clear();
                objects.extend(
                    r.clone().map(|j| FourMomentum::from_pt_eta_phi_m(pt.at(j), eta.at(j), phi.at(j), m.at(j))),
                );
                valid.clear();
                valid.extend(r.clone().map(|j| aligned.element_nulls.as_ref().is_none_or(|n| n.is_valid(j))));
                closest(&objects, &valid, charge.map(|_| charges.as_slice()), k, target)
            };
            sums.push(&best.as_ref().map_or(FourMomentum::default(), |b| b.sum));
            sums.valid.push(best.is_some());
            match &best {
                Some(b) => {
                    members.extend(b.members[..k].iter().map(|&p| p as i64 + 1));
                    member_counts.push(k);
                }
                None => member_counts.push(0),
            }
        }
        let DataType::Struct(fields) = return_type else {
            return Err(DataFusionError::Internal(format!("{NAME}: the return type is not a struct")));
        };
        let nulls = NullBuffer::from(std::mem::take(&mut sums.valid));
        let nulls = (nulls.null_count() > 0).then_some(nulls);
        let mut children: Vec<ArrayRef> =
            sums.cols.into_iter().map(|c| Arc::new(Float64Array::new(c.into(), nulls.clone())) as ArrayRef).collect();
        let DataType::List(member_item) = fields[6].data_type().clone() else {
            return Err(DataFusionError::Internal(format!("{NAME}: members is not a list")));
        };
        children.push(Arc::new(ListArray::try_new(
            member_item,
            OffsetBuffer::from_lengths(member_counts),
            Arc::new(Int64Array::from(members)),
            nulls.clone(),
        )?));
        Ok(ColumnarValue::Array(Arc::new(StructArray::try_new(fields, children, nulls)?)))
    }

    fn documentation(&self) -> Option<&Documentation> {
        static DOC: OnceLock<Documentation> = OnceLock::new();
        Some(DOC.get_or_init(|| {
            Documentation::builder(
                HEP_SECTION,
                format!(
                    "Per row, the combination of k distinct objects whose invariant mass is closest to target — \
                     the trijet nearest the top mass, the lepton pair nearest the Z — searched in one pass over \
                     the row's combinations without building them. Returns a struct {{px, py, pz, e, pt, mass, \
                     members}}: the combination's summed four-momentum (as combination_p4) and the 1-based positions \
                     of its objects (members[1] < … < members[k]). With charge, only combinations whose charges add \
                     up to 0 are considered (opposite-charge pairs). Ties go to the first combination in \
                     combinations(list, k) order; combinations holding a NULL component, or whose mass is NaN, are \
                     skipped; a row with no qualifying combination (fewer than k objects) gives NULL. {TYPE_RULES}"
                ),
                "closest_combination(pt, eta, phi, m, k, target [, charge])",
            )
            .with_sql_example(
                "> SELECT closest_combination([40.0, 40.0, 10.0], [0.0, 0.0, 0.0], [0.0, pi(), 0.0], 0.0, 2, 50.0)['members'];\n\
                 [2, 3]\n\
                 > SELECT c['pt'], greatest(Jet_btag[c['members'][1]], Jet_btag[c['members'][2]], Jet_btag[c['members'][3]]) \
                 FROM (SELECT closest_combination(Jet_pt, Jet_eta, Jet_phi, Jet_mass, 3, 172.5) AS c, Jet_btag FROM events);",
            )
            .with_argument("pt", "Transverse momenta of the row's objects (a list).")
            .with_argument("eta", "Pseudorapidities (a list).")
            .with_argument("phi", "Azimuths, radians (a list).")
            .with_argument("m", "Masses (a list, or a number such as 0 for massless objects).")
            .with_argument("k", "Objects per combination, an integer constant from 1 to 8.")
            .with_argument("target", "The mass to come closest to, a constant.")
            .with_argument("charge", "Optional: the objects' charges (a list); only combinations of total charge 0.")
            .build()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn massless(px: f64, py: f64, pz: f64) -> FourMomentum {
        FourMomentum { e: (px * px + py * py + pz * pz).sqrt(), px, py, pz }
    }

    #[test]
    fn picks_the_pair_nearest_the_target_first_on_ties() {
        // Worked by hand: 0 and 1 are back to back along x with |p| = 1 (mass 2), 2 and 3 back to back along y
        // with |p| = 3 (mass 6); every other pair is at a right angle: E = 4, |p|² = 1 + 9, mass √6.
        let objects =
            [massless(1.0, 0.0, 0.0), massless(-1.0, 0.0, 0.0), massless(0.0, 3.0, 0.0), massless(0.0, -3.0, 0.0)];
        let valid = [true; 4];
        let best = closest(&objects, &valid, None, 2, 5.9).unwrap();
        assert_eq!(&best.members[..2], &[2, 3]);
        assert!((best.sum.mass() - 6.0).abs() < 1e-12);
        let best = closest(&objects, &valid, None, 2, 2.4).unwrap();
        assert_eq!(&best.members[..2], &[0, 2], "√6 ≈ 2.449 beats 2 for target 2.4");
        // Equal distances: (0, 2) and (0, 3) both have mass √6; the first in combination order wins.
        let best = closest(&objects, &valid, None, 2, 6f64.sqrt()).unwrap();
        assert_eq!(&best.members[..2], &[0, 2]);
        // Charges: only pairs summing to 0; (0, 2) is excluded, (0, 3) is next.
        let best = closest(&objects, &valid, Some(&[1.0, 1.0, 1.0, -1.0]), 2, 6f64.sqrt()).unwrap();
        assert_eq!(&best.members[..2], &[0, 3]);
        // A NULL object is never part of the answer; nothing qualifies → None.
        let best = closest(&objects, &[true, true, false, true], None, 2, 5.9).unwrap();
        assert_ne!(best.members[..2], [2, 3]);
        assert!(closest(&objects, &valid, Some(&[1.0, 1.0, 1.0, 1.0]), 2, 5.9).is_none());
        assert!(closest(&objects[..1], &valid, None, 2, 5.9).is_none());
    }

    #[test]
    fn a_row_without_a_neutral_combination_is_skipped_before_its_four_momenta() {
        assert!(any_neutral(&[1.0, -1.0], 2));
        assert!(any_neutral(&[1.0, 1.0, -1.0], 2));
        assert!(!any_neutral(&[1.0, 1.0, 1.0], 2));
        assert!(!any_neutral(&[-1.0, -1.0], 2));
        assert!(any_neutral(&[1.0, 1.0, -2.0], 3));
        assert!(!any_neutral(&[1.0, 1.0, -1.0], 3));
        assert!(!any_neutral(&[f64::NAN, -1.0], 2));
        // The skip agrees with the search: no neutral combination, no answer.
        let objects = [massless(1.0, 0.0, 0.0), massless(-1.0, 0.0, 0.0), massless(0.0, 3.0, 0.0)];
        for charges in [[1.0, 1.0, 1.0], [1.0, -1.0, 1.0], [-1.0, -1.0, 1.0], [1.0, 1.0, -1.0]] {
            let found = closest(&objects, &[true; 3], Some(&charges), 2, 2.0).is_some();
            assert_eq!(found, any_neutral(&charges, 2), "{charges:?}");
        }
    }
}
