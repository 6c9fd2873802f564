//! array_filter: DataFusion's `array_filter(list, x -> predicate)` (alias `list_filter`; the seed's
//! `FILTER(list, e -> …)` becomes it) with the kept elements counted in one pass over the predicate's set
//! bits. DataFusion 55 counts each row by slicing the predicate's bitmap — a slice, a popcount setup and two
//! atomic reference counts per row, a fifth of `cardinality(array_filter(Jet_pt, x -> x > 40))`. Signature,
//! lambda parameters, return type and documentation stay DataFusion's; the results are the same.
//! `array_count(list, x -> predicate)` counts the elements where the predicate holds (ROOT's `Sum(Jet_pt > 40)`,
//! awkward's `ak.sum(jets.pt > 40, axis=1)`) from the same bits, without building the filtered list.

use std::sync::{Arc, OnceLock};

use super::HEP_SECTION;
use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, GenericListArray, OffsetSizeTrait, UInt32Array, UInt64Array, new_null_array,
};
use datafusion::arrow::buffer::{BooleanBuffer, OffsetBuffer, ScalarBuffer};
use datafusion::arrow::compute::{filter, take_arrays};
use datafusion::arrow::datatypes::{DataType, Field, FieldRef};
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result};
use datafusion::functions_nested::array_filter::ArrayFilter;
use datafusion::logical_expr::{
    ColumnarValue, Documentation, HigherOrderFunctionArgs, HigherOrderReturnFieldArgs, HigherOrderSignature,
    HigherOrderUDFImpl, LambdaArgument, LambdaParametersProgress, ValueOrLambda,
};

/// `array_filter` with a one-pass offsets kernel for `List` and `LargeList`; DataFusion's own for the rest.
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub struct ArrayFilterUdf {
    inner: ArrayFilter,
}

impl HigherOrderUDFImpl for ArrayFilterUdf {
    fn name(&self) -> &str {
        self.inner.name()
    }

    fn aliases(&self) -> &[String] {
        self.inner.aliases()
    }

    fn signature(&self) -> &HigherOrderSignature {
        self.inner.signature()
    }

    fn lambda_parameters(
        &self,
        step: usize,
        fields: &[ValueOrLambda<FieldRef, Option<FieldRef>>],
    ) -> Result<LambdaParametersProgress> {
        self.inner.lambda_parameters(step, fields)
    }

    fn return_field_from_args(&self, args: HigherOrderReturnFieldArgs) -> Result<FieldRef> {
        self.inner.return_field_from_args(args)
    }

    fn coerce_value_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        self.inner.coerce_value_types(arg_types)
    }

    fn documentation(&self) -> Option<&Documentation> {
        self.inner.documentation()
    }

    fn invoke_with_args(&self, args: HigherOrderFunctionArgs) -> Result<ColumnarValue> {
        let (list, lambda) = match args.args.as_slice() {
            [ValueOrLambda::Value(list), ValueOrLambda::Lambda(lambda)] => (list, lambda),
            _ => return self.inner.invoke_with_args(args),
        };
        let list = list.to_array(args.number_rows)?;
        match list.data_type() {
            DataType::List(_) => filter_list(list.as_list::<i32>(), lambda, &args),
            DataType::LargeList(_) => filter_list(list.as_list::<i64>(), lambda, &args),
            _ => self.inner.invoke_with_args(args),
        }
    }
}

/// What a lambda keeps of a list's elements (from the first row's start to the last row's end).
enum Kept {
    All,
    Bits(BooleanBuffer),
}

/// Evaluates `lambda` once over the flat elements of `list` (captured columns spread to one value per element).
fn kept<O: OffsetSizeTrait>(list: &GenericListArray<O>, lambda: &LambdaArgument, name: &str) -> Result<Kept> {
    let rows = list.len();
    let offsets = list.value_offsets();
    let first = offsets[0].as_usize();
    let total = offsets[rows].as_usize() - first;
    let values = list.values().slice(first, total);
    let spread = |captured: &[ArrayRef]| {
        let mut row_of = Vec::with_capacity(total);
        for i in 0..rows {
            row_of.extend(std::iter::repeat_n(i as u32, offsets[i + 1].as_usize() - offsets[i].as_usize()));
        }
        Ok(take_arrays(captured, &UInt32Array::from(row_of), None)?)
    };
    let elements: &dyn Fn() -> Result<ArrayRef> = &|| Ok(values.clone());
    let keep = match lambda.evaluate(&[elements], spread)? {
        ColumnarValue::Scalar(ScalarValue::Boolean(Some(true))) => return Ok(Kept::All),
        ColumnarValue::Scalar(ScalarValue::Boolean(_)) => BooleanBuffer::new_unset(total),
        ColumnarValue::Array(a) if a.data_type() == &DataType::Boolean => {
            let a = a.as_boolean();
            match a.nulls() {
                Some(nulls) => a.values() & nulls.inner(), // NULL keeps nothing
                None => a.values().clone(),
            }
        }
        other => {
            return Err(DataFusionError::Execution(format!(
                "{name} lambda must return boolean, got {}",
                other.data_type()
            )));
        }
    };
    Ok(if keep.count_set_bits() == total { Kept::All } else { Kept::Bits(keep) })
}

fn filter_list<O: OffsetSizeTrait>(
    list: &GenericListArray<O>,
    lambda: &LambdaArgument,
    args: &HigherOrderFunctionArgs,
) -> Result<ColumnarValue> {
    let return_type = args.return_type();
    let rows = list.len();
    if list.null_count() == rows {
        return Ok(ColumnarValue::Array(new_null_array(return_type, rows)));
    }
    let (DataType::List(field) | DataType::LargeList(field)) = return_type else {
        return Err(DataFusionError::Internal(format!("array_filter: return type {return_type} is not a list")));
    };
    let Kept::Bits(keep) = kept(list, lambda, "array_filter")? else {
        return Ok(ColumnarValue::Array(Arc::new(list.clone())));
    };
    let offsets = list.value_offsets();
    let first = offsets[0].as_usize();
    let values = list.values().slice(first, offsets[rows].as_usize() - first);
    let new_offsets = kept_offsets::<O>(offsets, first, &keep);
    let kept = filter(&values, &BooleanArray::new(keep, None))?;
    Ok(ColumnarValue::Array(Arc::new(GenericListArray::<O>::try_new(
        field.clone(),
        new_offsets,
        kept,
        list.nulls().cloned(),
    )?)))
}

/// Per row, how many elements the lambda keeps (NULL for a NULL row).
fn count_list<O: OffsetSizeTrait>(list: &GenericListArray<O>, lambda: &LambdaArgument) -> Result<ColumnarValue> {
    let rows = list.len();
    if list.null_count() == rows {
        return Ok(ColumnarValue::Array(new_null_array(&DataType::UInt64, rows)));
    }
    let offsets = list.value_offsets();
    let counts: Vec<u64> = match kept(list, lambda, "array_count")? {
        Kept::All => offsets.windows(2).map(|w| (w[1] - w[0]).as_usize() as u64).collect(),
        Kept::Bits(keep) => {
            let kept = kept_offsets::<O>(offsets, offsets[0].as_usize(), &keep);
            kept.windows(2).map(|w| (w[1] - w[0]).as_usize() as u64).collect()
        }
    };
    Ok(ColumnarValue::Array(Arc::new(UInt64Array::new(counts.into(), list.nulls().cloned()))))
}

/// array_filter's checks, in array_count's name.
fn in_own_name(e: DataFusionError) -> DataFusionError {
    match e {
        DataFusionError::Plan(m) => DataFusionError::Plan(m.replace("array_filter", "array_count")),
        other => other,
    }
}

/// `array_count(list, x -> predicate)`: the number of elements of each row where the predicate is true.
#[derive(Debug, Default, PartialEq, Eq, Hash)]
pub struct ArrayCountUdf {
    inner: ArrayFilter,
}

impl HigherOrderUDFImpl for ArrayCountUdf {
    fn name(&self) -> &str {
        "array_count"
    }

    fn aliases(&self) -> &[String] {
        &[]
    }

    fn signature(&self) -> &HigherOrderSignature {
        self.inner.signature()
    }

    fn lambda_parameters(
        &self,
        step: usize,
        fields: &[ValueOrLambda<FieldRef, Option<FieldRef>>],
    ) -> Result<LambdaParametersProgress> {
        self.inner.lambda_parameters(step, fields).map_err(in_own_name)
    }

    fn return_field_from_args(&self, _args: HigherOrderReturnFieldArgs) -> Result<FieldRef> {
        Ok(Arc::new(Field::new(self.name(), DataType::UInt64, true)))
    }

    fn coerce_value_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        self.inner.coerce_value_types(arg_types).map_err(in_own_name)
    }

    fn documentation(&self) -> Option<&Documentation> {
        static DOC: OnceLock<Documentation> = OnceLock::new();
        Some(DOC.get_or_init(|| {
            Documentation::builder(
                HEP_SECTION,
                "The number of elements of each row's list for which the lambda is true (NULL and false are not \
                 counted): cardinality(array_filter(list, x -> predicate)) without building the filtered list, \
                 as ROOT's Sum(Jet_pt > 40) or awkward's ak.sum(jets.pt > 40, axis=1). A NULL row gives NULL, an \
                 empty one 0. The lambda may read other columns of the row.",
                "array_count(list, x -> predicate)",
            )
            .with_sql_example(
                "> SELECT array_count([25.0, 41.5, 60.0, NULL], x -> x > 40);\n\
                 2\n\
                 > SELECT MET_pt FROM events WHERE array_count(Jet_pt, x -> x > 40) >= 2;",
            )
            .with_argument("list", "A list (List or LargeList).")
            .with_argument("x -> predicate", "A lambda from an element to a boolean.")
            .build()
        }))
    }

    fn invoke_with_args(&self, args: HigherOrderFunctionArgs) -> Result<ColumnarValue> {
        let (list, lambda) = match args.args.as_slice() {
            [ValueOrLambda::Value(list), ValueOrLambda::Lambda(lambda)] => (list, lambda),
            _ => return Err(DataFusionError::Plan("array_count takes a list and a lambda".to_string())),
        };
        let list = list.to_array(args.number_rows)?;
        match list.data_type() {
            DataType::List(_) => count_list(list.as_list::<i32>(), lambda),
            DataType::LargeList(_) => count_list(list.as_list::<i64>(), lambda),
            DataType::Null => Ok(ColumnarValue::Array(new_null_array(&DataType::UInt64, list.len()))),
            other => Err(DataFusionError::Plan(format!("array_count: the first argument must be a list, got {other}"))),
        }
    }
}

/// The offsets of the kept elements: each row's start becomes the number of set bits of `keep` before it (rows
/// start at `offsets[i] − first`), read from per-word prefix counts — no pass per row.
fn kept_offsets<O: OffsetSizeTrait>(offsets: &[O], first: usize, keep: &BooleanBuffer) -> OffsetBuffer<O> {
    let chunks = keep.bit_chunks();
    let mut words: Vec<u64> = chunks.iter().collect();
    words.push(chunks.remainder_bits()); // also the word a position equal to the length falls in
    let mut before_word = Vec::with_capacity(words.len());
    let mut count = 0usize;
    for w in &words {
        before_word.push(count);
        count += w.count_ones() as usize;
    }
    let set_before = |position: usize| {
        let (word, bit) = (position / 64, position % 64);
        before_word[word] + (words[word] & ((1u64 << bit) - 1)).count_ones() as usize
    };
    OffsetBuffer::new(ScalarBuffer::from(
        offsets.iter().map(|o| O::usize_as(set_before(o.as_usize() - first))).collect::<Vec<O>>(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kept_offsets_count_each_rows_set_bits() {
        // Rows of 2, 0, 3, 1 elements starting at offset 5; keep elements 1, 2, 4 and 5 of the 6.
        let offsets = [5i32, 7, 7, 10, 11];
        let keep = BooleanBuffer::from(vec![false, true, true, false, true, true]);
        let out = kept_offsets::<i32>(&offsets, 5, &keep);
        assert_eq!(out.as_ref(), &[0, 1, 1, 3, 4]);
        // Across 64-bit words and from a bit offset: every third of 200 bits set, rows of 7, counted by hand.
        let bits: Vec<bool> = (0..203).map(|j| j >= 3 && (j - 3) % 3 == 0).collect();
        let keep = BooleanBuffer::from(bits).slice(3, 200);
        let offsets: Vec<i64> = (0..=28).map(|r| (r * 7).min(200)).collect();
        let out = kept_offsets::<i64>(&offsets, 0, &keep);
        let expected: Vec<i64> = offsets.iter().map(|&o| (o + 2) / 3).collect();
        assert_eq!(out.as_ref(), expected.as_slice());
        let none = kept_offsets::<i64>(&[0i64, 3, 3], 0, &BooleanBuffer::new_unset(3));
        assert_eq!(none.as_ref(), &[0, 0, 0]);
    }
}
