//! filter: a scan's pushed-down predicate (the `WHERE` of an event selection) applied to each batch it reads, so
//! no `FilterExec` copies the batch again; list columns (jagged branches) are filtered through their offsets — one
//! element mask from the rows' element ranges, one filter of the flat values — where arrow's generic `filter`
//! copies list rows one by one (a seventh of ADL Q8, whose ten lepton lists follow `nElectron + nMuon >= 3`).

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, BooleanBufferBuilder, GenericListArray, OffsetSizeTrait, RecordBatch,
    RecordBatchOptions,
};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::compute::{FilterBuilder, filter, prep_null_mask_filter};
use datafusion::arrow::datatypes::{DataType, SchemaRef};
use datafusion::error::{DataFusionError, Result};
use datafusion::physical_expr::PhysicalExpr;

/// A predicate over the columns a scan reads, and the leading columns it outputs.
#[derive(Debug, Clone)]
pub(crate) struct ScanFilter {
    /// Bound to the columns read (the output columns, then those only the predicate needs).
    pub(crate) predicate: Arc<dyn PhysicalExpr>,
    /// The output: the first `output.fields().len()` columns read.
    pub(crate) output: SchemaRef,
}

impl ScanFilter {
    /// The rows of `batch` where the predicate holds (NULL counts as false), in the output columns.
    pub(crate) fn apply(&self, batch: &RecordBatch) -> Result<RecordBatch> {
        let result = self.predicate.evaluate(batch)?.into_array(batch.num_rows())?;
        let mask = result.as_boolean_opt().ok_or_else(|| {
            DataFusionError::Internal(format!("the scan predicate {} gave {}", self.predicate, result.data_type()))
        })?;
        let mask = if mask.null_count() > 0 { prep_null_mask_filter(mask) } else { mask.clone() };
        let columns = &batch.columns()[..self.output.fields().len()];
        let rows = mask.true_count();
        let columns = if rows == batch.num_rows() {
            columns.to_vec()
        } else {
            // One predicate (its selectivity and strategy worked out once) for the flat columns.
            let flat = FilterBuilder::new(&mask).optimize().build();
            columns
                .iter()
                .map(|c| match c.data_type() {
                    DataType::List(_) | DataType::LargeList(_) => filter_column(c, &mask),
                    _ => Ok(flat.filter(c)?),
                })
                .collect::<Result<_>>()?
        };
        let options = RecordBatchOptions::new().with_row_count(Some(rows));
        Ok(RecordBatch::try_new_with_options(self.output.clone(), columns, &options)?)
    }
}

/// The rows of `array` selected by `mask` (no NULLs in it).
pub(crate) fn filter_column(array: &ArrayRef, mask: &BooleanArray) -> Result<ArrayRef> {
    match array.data_type() {
        DataType::List(_) => filter_list(array.as_list::<i32>(), mask),
        DataType::LargeList(_) => filter_list(array.as_list::<i64>(), mask),
        _ => Ok(filter(array, mask)?),
    }
}

/// A list's selected rows: lengths from the offsets, the values through one element mask built from the runs of
/// selected rows (each run of rows is one run of elements), not row by row.
fn filter_list<O: OffsetSizeTrait>(list: &GenericListArray<O>, mask: &BooleanArray) -> Result<ArrayRef> {
    let offsets = list.offsets();
    let (first, last) = (offsets[0].as_usize(), offsets[offsets.len() - 1].as_usize());
    let mut lengths = Vec::with_capacity(mask.true_count());
    let mut elements = BooleanBufferBuilder::new(last - first);
    let mut at = first;
    for (start, end) in mask.values().set_slices() {
        let (lo, hi) = (offsets[start].as_usize(), offsets[end].as_usize());
        elements.append_n(lo - at, false);
        elements.append_n(hi - lo, true);
        at = hi;
        lengths.extend(offsets[start..=end].windows(2).map(|w| (w[1] - w[0]).as_usize()));
    }
    elements.append_n(last - at, false);
    let values = list.values().slice(first, last - first);
    let values = filter_column(&values, &BooleanArray::new(elements.finish(), None))?;
    let nulls = match list.nulls() {
        Some(n) => {
            let kept = filter(&BooleanArray::new(n.inner().clone(), None), mask)?;
            Some(NullBuffer::new(kept.as_boolean().values().clone())).filter(|n| n.null_count() > 0)
        }
        None => None,
    };
    let field = match list.data_type() {
        DataType::List(f) | DataType::LargeList(f) => f.clone(),
        _ => unreachable!("a list array"),
    };
    Ok(Arc::new(GenericListArray::<O>::try_new(field, OffsetBuffer::from_lengths(lengths), values, nulls)?))
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::array::{Int32Array, ListArray};
    use datafusion::arrow::datatypes::Int32Type;

    use super::*;

    /// Arrow's generic filter (row by row through MutableArrayData) is the reference.
    fn check(array: ArrayRef, mask: &BooleanArray) {
        let want = filter(&array, mask).unwrap();
        let got = filter_column(&array, mask).unwrap();
        assert_eq!(got.to_data(), want.to_data(), "{array:?} by {mask:?}");
    }

    #[test]
    fn lists_filter_as_arrows_generic_filter() {
        let rows = vec![
            Some(vec![Some(1), Some(2)]),
            None,
            Some(vec![]),
            Some(vec![Some(3), None, Some(5)]),
            Some(vec![Some(6)]),
            Some(vec![]),
            Some(vec![Some(7), Some(8), Some(9), Some(10)]),
        ];
        let list: ArrayRef = Arc::new(ListArray::from_iter_primitive::<Int32Type, _, _>(rows));
        let masks = [
            BooleanArray::from(vec![true, false, true, true, false, true, true]),
            BooleanArray::from(vec![false; 7]),
            BooleanArray::from(vec![true; 7]),
            BooleanArray::from(vec![false, true, false, false, true, false, false]),
        ];
        for mask in &masks {
            check(list.clone(), mask);
            // A slice: offsets no longer start at 0.
            check(list.slice(2, 5), &mask.slice(1, 5));
        }
        // A list of lists (a vector<vector<float>> branch).
        let inner = list.slice(0, 6);
        let outer: ArrayRef = Arc::new(ListArray::new(
            Arc::new(datafusion::arrow::datatypes::Field::new_list_field(inner.data_type().clone(), true)),
            OffsetBuffer::from_lengths([2, 0, 3, 1]),
            inner,
            None,
        ));
        check(outer, &BooleanArray::from(vec![true, false, false, true]));
        // Other columns take arrow's filter.
        check(Arc::new(Int32Array::from(vec![Some(1), None, Some(3)])), &BooleanArray::from(vec![false, true, true]));
    }
}
