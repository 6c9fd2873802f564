//! combinations: `combinations(list, k)` — every row's k-element combinations (i₁ < i₂ < … < i_k, in
//! lexicographic order, as awkward's `ak.combinations`) as structs with fields `'1'`…`'k'`, built with one
//! `take` per field over the list's values: pairs of muons, trijets, same-flavour lepton pairs.

use std::sync::{Arc, OnceLock};

use datafusion::arrow::array::{ArrayRef, StructArray, UInt64Array};
use datafusion::arrow::compute::take;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Fields};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};

use super::HEP_SECTION;
use super::lists::{ListView, Offsets, is_list, list_field, list_type_like, rebuild};
use super::pad::{count_literal, count_scalar};
use super::sort_by::variable_list;
use super::structs::to_array;

/// Largest k: the combinations of one row are enumerated with k nested counters.
pub(super) const MAX_K: usize = 8;

/// `combinations(list, k)`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct CombinationsUdf {
    signature: Signature,
}

impl Default for CombinationsUdf {
    fn default() -> Self {
        CombinationsUdf { signature: Signature::user_defined(Volatility::Immutable) }
    }
}

/// The struct of one combination: fields `'1'`…`'k'` of the element type.
fn combination_struct(element: &DataType, k: usize) -> DataType {
    DataType::Struct(Fields::from(
        (1..=k).map(|i| Field::new(i.to_string(), element.clone(), true)).collect::<Vec<_>>(),
    ))
}

/// `k` if it is from 1 to [`MAX_K`], else a plan error of function `name`.
pub(super) fn check_k(k: usize, name: &str) -> Result<usize> {
    if (1..=MAX_K).contains(&k) {
        Ok(k)
    } else {
        Err(DataFusionError::Plan(format!("{name}: k must be between 1 and {MAX_K}, got {k}")))
    }
}

/// C(n, k) without overflow for the sizes of event lists.
pub(super) fn choose(n: usize, k: usize) -> usize {
    if k > n {
        return 0;
    }
    (0..k).fold(1usize, |c, i| c.saturating_mul(n - i) / (i + 1))
}

/// Calls `f` with the positions (i₁ < … < i_k, indices into 0..n) of every k-combination of n elements, in
/// lexicographic order; nothing when k > n.
#[inline]
pub(super) fn for_each_combination(n: usize, k: usize, mut f: impl FnMut(&[usize])) {
    if k > n {
        return;
    }
    let mut positions = [0usize; MAX_K];
    let idx = &mut positions[..k];
    for (p, slot) in idx.iter_mut().enumerate() {
        *slot = p;
    }
    loop {
        f(idx);
        // Advance the rightmost counter that can still move, then reset those right of it.
        let mut p = k;
        while p > 0 && idx[p - 1] == n - k + p - 1 {
            p -= 1;
        }
        if p == 0 {
            return;
        }
        idx[p - 1] += 1;
        for q in p..k {
            idx[q] = idx[q - 1] + 1;
        }
    }
}

/// Appends, for each of the k slots, the element positions of every combination of `start..end`.
fn enumerate(start: usize, end: usize, k: usize, slots: &mut [Vec<u64>]) {
    for_each_combination(end - start, k, |idx| {
        for (slot, &i) in slots.iter_mut().zip(idx) {
            slot.push((start + i) as u64);
        }
    });
}

impl ScalarUDFImpl for CombinationsUdf {
    fn name(&self) -> &str {
        "combinations"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let plan_err = |m: String| Err(DataFusionError::Plan(format!("combinations: {m}")));
        if arg_types.len() != 2 {
            return plan_err(format!("takes 2 arguments (list, k), got {}", arg_types.len()));
        }
        if !is_list(&arg_types[0]) {
            return plan_err(format!("the first argument must be a list, got {}", arg_types[0]));
        }
        if !arg_types[1].is_integer() {
            return plan_err(format!("k must be an integer constant, got {}", arg_types[1]));
        }
        Ok(vec![variable_list(&arg_types[0]), DataType::Int64])
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Err(DataFusionError::Internal("combinations: return_field_from_args gives the type".to_string()))
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let k = args
            .scalar_arguments
            .get(1)
            .copied()
            .flatten()
            .ok_or_else(|| DataFusionError::Plan("combinations: k must be a constant".to_string()))?;
        let k = check_k(count_scalar(k, self.name(), "k")?, self.name())?;
        let list = args.arg_fields[0].data_type();
        let element = list_field(list).data_type().clone();
        Ok(Arc::new(Field::new(self.name(), list_type_like(list, combination_struct(&element, k)), true)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let array = to_array(&args.args[0], rows)?;
        let list = ListView::try_new(&array)
            .ok_or_else(|| DataFusionError::Execution(format!("combinations: not a list: {}", array.data_type())))?;
        let k = check_k(count_literal(&args.args[1], self.name(), "k")?, self.name())?;
        let counts: Vec<usize> =
            (0..rows).map(|i| if list.is_null(i) { 0 } else { choose(list.offsets.range(i).len(), k) }).collect();
        let total: usize = counts.iter().sum();
        if matches!(list.offsets, Offsets::Small(_)) && total > i32::MAX as usize {
            return Err(DataFusionError::Execution(format!(
                "combinations: {total} combinations of {k} overflow a List; use a LargeList"
            )));
        }
        let mut slots: Vec<Vec<u64>> = (0..k).map(|_| Vec::with_capacity(total)).collect();
        for i in 0..rows {
            if !list.is_null(i) {
                let r = list.offsets.range(i);
                enumerate(r.start, r.end, k, &mut slots);
            }
        }
        let DataType::Struct(fields) = list_field(args.return_field.data_type()).data_type().clone() else {
            return Err(DataFusionError::Internal("combinations: return type is not a list of structs".to_string()));
        };
        let children = slots
            .into_iter()
            .map(|s| take(list.values.as_ref(), &UInt64Array::from(s), None))
            .collect::<std::result::Result<Vec<ArrayRef>, _>>()?;
        let structs: ArrayRef = Arc::new(StructArray::try_new(fields, children, None)?);
        let offsets = list.offsets.with_lengths(counts);
        let field = list_field(args.return_field.data_type());
        Ok(ColumnarValue::Array(rebuild(&offsets, field, structs, list.nulls.clone())?))
    }

    fn documentation(&self) -> Option<&Documentation> {
        static DOC: OnceLock<Documentation> = OnceLock::new();
        Some(DOC.get_or_init(|| {
            Documentation::builder(
                HEP_SECTION,
                "Every combination of k distinct elements of each row's list (positions i₁ < … < i_k, in \
                 lexicographic order, as awkward's ak.combinations), as structs with fields '1' … 'k'. A row with \
                 fewer than k elements gives an empty list; a NULL list stays NULL. Combine with arrays_zip to \
                 carry several columns, and with the lambda functions to select pairs.",
                "combinations(list, k)",
            )
            .with_sql_example(
                "> SELECT combinations([10, 20, 30], 2);\n\
                 [{1: 10, 2: 20}, {1: 10, 2: 30}, {1: 20, 2: 30}]\n\
                 > SELECT cardinality(array_filter(combinations(arrays_zip(Muon_pt, Muon_eta, Muon_phi, Muon_mass, \
                 Muon_charge), 2), p -> p['1']['5'] <> p['2']['5'] AND inv_mass(p['1']['1'], p['1']['2'], p['1']['3'], \
                 p['1']['4'], p['2']['1'], p['2']['2'], p['2']['3'], p['2']['4']) BETWEEN 60 AND 120)) > 0 FROM events;",
            )
            .with_argument("list", "The list (any element type; a struct list carries whole objects).")
            .with_argument("k", "Elements per combination, an integer constant from 1 to 8.")
            .build()
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enumerates_in_lexicographic_order() {
        let mut slots = vec![Vec::new(), Vec::new(), Vec::new()];
        enumerate(10, 14, 3, &mut slots);
        let combos: Vec<(u64, u64, u64)> =
            (0..slots[0].len()).map(|i| (slots[0][i], slots[1][i], slots[2][i])).collect();
        assert_eq!(combos, vec![(10, 11, 12), (10, 11, 13), (10, 12, 13), (11, 12, 13)]);
        assert_eq!(choose(4, 3), 4);
        assert_eq!(choose(10, 3), 120);
        assert_eq!(choose(2, 3), 0);
        let mut slots = vec![Vec::new(), Vec::new()];
        enumerate(0, 1, 2, &mut slots);
        assert!(slots[0].is_empty());
    }
}
