//! lists: one view over `List` and `LargeList` arguments (offsets, child values, row nulls) so the
//! kernels walk Arrow buffers directly and hand the offsets back unchanged.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, GenericListArray, UInt64Array};
use datafusion::arrow::buffer::{NullBuffer, OffsetBuffer};
use datafusion::arrow::compute::take;
use datafusion::arrow::datatypes::{DataType, FieldRef};
use datafusion::error::{DataFusionError, Result};

/// The offsets of a `List` (i32) or `LargeList` (i64).
#[derive(Debug, Clone)]
pub(crate) enum Offsets {
    Small(OffsetBuffer<i32>),
    Large(OffsetBuffer<i64>),
}

impl Offsets {
    pub(crate) fn rows(&self) -> usize {
        match self {
            Offsets::Small(o) => o.len() - 1,
            Offsets::Large(o) => o.len() - 1,
        }
    }

    /// The child-value range of row `i`.
    #[inline]
    pub(crate) fn range(&self, i: usize) -> std::ops::Range<usize> {
        match self {
            Offsets::Small(o) => o[i] as usize..o[i + 1] as usize,
            Offsets::Large(o) => o[i] as usize..o[i + 1] as usize,
        }
    }

    /// Same buffer or same values: element `j` of one list is element `j` of the other.
    pub(crate) fn same_layout(&self, other: &Offsets) -> bool {
        match (self, other) {
            (Offsets::Small(a), Offsets::Small(b)) => a.inner().inner().ptr_eq(b.inner().inner()) || a[..] == b[..],
            (Offsets::Large(a), Offsets::Large(b)) => a.inner().inner().ptr_eq(b.inner().inner()) || a[..] == b[..],
            _ => false,
        }
    }

    /// Offsets for rows of the given lengths, starting at 0, in the same width as `self`.
    pub(crate) fn with_lengths(&self, lengths: impl IntoIterator<Item = usize>) -> Offsets {
        match self {
            Offsets::Small(_) => Offsets::Small(OffsetBuffer::from_lengths(lengths)),
            Offsets::Large(_) => Offsets::Large(OffsetBuffer::from_lengths(lengths)),
        }
    }
}

/// A `List`/`LargeList` array taken apart.
#[derive(Debug, Clone)]
pub(crate) struct ListView {
    pub(crate) offsets: Offsets,
    pub(crate) values: ArrayRef,
    pub(crate) nulls: Option<NullBuffer>,
}

impl ListView {
    /// Takes `array` apart if it is a `List` or `LargeList`; `None` for other types.
    pub(crate) fn try_new(array: &ArrayRef) -> Option<ListView> {
        match array.data_type() {
            DataType::List(_) => {
                let list = array.as_list::<i32>();
                Some(ListView {
                    offsets: Offsets::Small(list.offsets().clone()),
                    values: list.values().clone(),
                    nulls: list.nulls().cloned(),
                })
            }
            DataType::LargeList(_) => {
                let list = array.as_list::<i64>();
                Some(ListView {
                    offsets: Offsets::Large(list.offsets().clone()),
                    values: list.values().clone(),
                    nulls: list.nulls().cloned(),
                })
            }
            _ => None,
        }
    }

    pub(crate) fn rows(&self) -> usize {
        self.offsets.rows()
    }

    #[inline]
    pub(crate) fn is_null(&self, i: usize) -> bool {
        self.nulls.as_ref().is_some_and(|n| n.is_null(i))
    }

    /// Rebuilds a list array with these offsets and row nulls around new child `values`, whose
    /// element `j` stands where element `j` of the old child stood.
    pub(crate) fn with_values(&self, field: FieldRef, values: ArrayRef, nulls: Option<NullBuffer>) -> Result<ArrayRef> {
        rebuild(&self.offsets, field, values, nulls)
    }

    /// The child values of `other` (a list of the same row count, row for row of the same
    /// lengths) moved into this list's element positions. Positions outside every row are null.
    /// `what` names the argument in the error for a row whose lengths differ.
    pub(crate) fn align(&self, other: &ListView, what: &str) -> Result<ArrayRef> {
        if self.offsets.same_layout(&other.offsets) {
            return Ok(other.values.clone());
        }
        let mut indices: Vec<Option<u64>> = vec![None; self.values.len()];
        for i in 0..self.rows() {
            if self.is_null(i) || other.is_null(i) {
                continue;
            }
            let (mine, theirs) = (self.offsets.range(i), other.offsets.range(i));
            if mine.len() != theirs.len() {
                return Err(DataFusionError::Execution(format!(
                    "{what}: lists differ in length at row {i} ({} vs {})",
                    mine.len(),
                    theirs.len()
                )));
            }
            for (slot, j) in indices[mine].iter_mut().zip(theirs) {
                *slot = Some(j as u64);
            }
        }
        Ok(take(other.values.as_ref(), &UInt64Array::from(indices), None)?)
    }

    /// For each child position, the row it belongs to (positions in gaps get row 0).
    pub(crate) fn row_of_element(&self) -> Vec<usize> {
        let mut rows = vec![0usize; self.values.len()];
        for i in 0..self.rows() {
            rows[self.offsets.range(i)].fill(i);
        }
        rows
    }
}

/// A list array of `offsets` around `values`.
pub(crate) fn rebuild(
    offsets: &Offsets,
    field: FieldRef,
    values: ArrayRef,
    nulls: Option<NullBuffer>,
) -> Result<ArrayRef> {
    Ok(match offsets {
        Offsets::Small(o) => Arc::new(GenericListArray::<i32>::try_new(field, o.clone(), values, nulls)?),
        Offsets::Large(o) => Arc::new(GenericListArray::<i64>::try_new(field, o.clone(), values, nulls)?),
    })
}

/// The element field of a list type (panics on other types: callers matched the type first).
pub(crate) fn list_field(data_type: &DataType) -> FieldRef {
    match data_type {
        DataType::List(f) | DataType::LargeList(f) | DataType::FixedSizeList(f, _) => f.clone(),
        other => unreachable!("list_field called on {other}"),
    }
}

/// `true` for `List`, `LargeList` and `FixedSizeList`.
pub(crate) fn is_list(data_type: &DataType) -> bool {
    matches!(data_type, DataType::List(_) | DataType::LargeList(_) | DataType::FixedSizeList(_, _))
}

/// The same list kind as `like` (`LargeList` stays large; `List` and `FixedSizeList` give `List`)
/// with elements of `element` type.
pub(crate) fn list_type_like(like: &DataType, element: DataType) -> DataType {
    let field = Arc::new(datafusion::arrow::datatypes::Field::new_list_field(element, true));
    match like {
        DataType::LargeList(_) => DataType::LargeList(field),
        _ => DataType::List(field),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use datafusion::arrow::array::{Float64Array, ListArray};
    use datafusion::arrow::datatypes::Field;

    fn list(offsets: Vec<i32>, values: Vec<f64>) -> ArrayRef {
        let field = Arc::new(Field::new_list_field(DataType::Float64, true));
        let values = Arc::new(Float64Array::from(values));
        Arc::new(ListArray::new(field, OffsetBuffer::new(offsets.into()), values, None))
    }

    #[test]
    fn aligns_a_list_with_other_offsets_row_by_row() {
        let lead = ListView::try_new(&list(vec![0, 2, 2, 5], vec![0.0; 5])).unwrap();
        let other = ListView::try_new(&list(vec![1, 3, 3, 6], vec![-1.0, 10.0, 11.0, 20.0, 21.0, 22.0])).unwrap();
        let aligned = lead.align(&other, "test").unwrap();
        let aligned = aligned.as_primitive::<datafusion::arrow::datatypes::Float64Type>();
        assert_eq!(aligned.values().as_ref(), &[10.0, 11.0, 20.0, 21.0, 22.0]);
        assert_eq!(lead.row_of_element(), vec![0, 0, 2, 2, 2]);
    }

    #[test]
    fn rows_of_different_lengths_do_not_align() {
        let lead = ListView::try_new(&list(vec![0, 2, 3], vec![0.0; 3])).unwrap();
        let other = ListView::try_new(&list(vec![0, 1, 3], vec![0.0; 3])).unwrap();
        let err = lead.align(&other, "delta_r argument 3").unwrap_err().to_string();
        assert!(err.contains("delta_r argument 3: lists differ in length at row 0 (2 vs 1)"), "{err}");
    }

    #[test]
    fn same_offsets_share_the_child() {
        let a = list(vec![0, 1, 3], vec![1.0, 2.0, 3.0]);
        let lead = ListView::try_new(&a).unwrap();
        let other = ListView::try_new(&list(vec![0, 1, 3], vec![4.0, 5.0, 6.0])).unwrap();
        assert!(lead.offsets.same_layout(&other.offsets));
        assert!(Arc::ptr_eq(&lead.align(&other, "x").unwrap(), &other.values));
    }
}
