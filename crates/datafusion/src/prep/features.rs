//! features: a numeric column or a feature-vector column (`FixedSizeList` / `List` /
//! `LargeList` of numbers) seen as rows of `f64` elements, and the inverse (rebuilding a column
//! of the same shape from element-wise results).

use std::ops::Range;
use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, FixedSizeListArray, Float64Array, LargeListArray, ListArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Float64Type};
use datafusion::error::{DataFusionError, Result};

/// How a feature column holds its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// One number per row.
    Scalar,
    /// `FixedSizeList` of numbers, with its length.
    Fixed(usize),
    /// `List` of numbers.
    List,
    /// `LargeList` of numbers.
    LargeList,
}

fn is_number(dt: &DataType) -> bool {
    dt.is_numeric() || matches!(dt, DataType::Null)
}

/// The shape of a feature column of type `dt`; `what` names the function for the error.
pub(crate) fn shape_of(dt: &DataType, what: &str) -> Result<Shape> {
    let shape = match dt {
        DataType::FixedSizeList(f, n) if is_number(f.data_type()) => Shape::Fixed(*n as usize),
        DataType::List(f) if is_number(f.data_type()) => Shape::List,
        DataType::LargeList(f) if is_number(f.data_type()) => Shape::LargeList,
        dt if is_number(dt) => Shape::Scalar,
        other => {
            return Err(DataFusionError::Plan(format!(
                "{what}: expected a numeric column or a list of numbers, got {other}"
            )));
        }
    };
    Ok(shape)
}

/// The element type of the output of an element-wise transform: `Float32` stays `Float32`
/// (and `Float16` becomes `Float32`), everything else becomes `Float64`, as in Spark ML.
fn output_element(dt: &DataType) -> DataType {
    let element = match dt {
        DataType::FixedSizeList(f, _) | DataType::List(f) | DataType::LargeList(f) => f.data_type(),
        other => other,
    };
    match element {
        DataType::Float32 | DataType::Float16 => DataType::Float32,
        _ => DataType::Float64,
    }
}

/// The type an element-wise transform of a column of type `dt` returns.
pub(crate) fn output_type(dt: &DataType, what: &str) -> Result<DataType> {
    let element = output_element(dt);
    let item = Arc::new(Field::new_list_field(element.clone(), true));
    Ok(match shape_of(dt, what)? {
        Shape::Scalar => element,
        Shape::Fixed(n) => DataType::FixedSizeList(item, n as i32),
        Shape::List => DataType::List(item),
        Shape::LargeList => DataType::LargeList(item),
    })
}

/// A feature column as `f64` elements: row `i` is `values[ranges[i]]`, `None` for a null row.
#[derive(Debug)]
pub(crate) struct FeatureRows {
    /// All elements, as `f64` (null elements stay null).
    pub values: Float64Array,
    /// The element range of each row, `None` where the row is null.
    pub ranges: Vec<Option<Range<usize>>>,
    shape: Shape,
    source: ArrayRef,
}

impl FeatureRows {
    /// Views `array` (a numeric or list-of-numbers column) as rows of `f64`.
    pub fn new(array: &ArrayRef, what: &str) -> Result<Self> {
        let shape = shape_of(array.data_type(), what)?;
        let to_f64 = |a: &ArrayRef| -> Result<Float64Array> {
            Ok(cast(a, &DataType::Float64)?.as_primitive::<Float64Type>().clone())
        };
        let row = |valid: bool, r: Range<usize>| valid.then_some(r);
        let (values, ranges) = match shape {
            Shape::Scalar => {
                let values = to_f64(array)?;
                let ranges = (0..array.len()).map(|i| row(array.is_valid(i), i..i + 1)).collect();
                (values, ranges)
            }
            Shape::Fixed(n) => {
                let list = array.as_fixed_size_list();
                let ranges = (0..list.len()).map(|i| row(list.is_valid(i), i * n..(i + 1) * n)).collect();
                (to_f64(list.values())?, ranges)
            }
            Shape::List => {
                let list = array.as_list::<i32>();
                let o = list.value_offsets();
                let ranges = (0..list.len()).map(|i| row(list.is_valid(i), o[i] as usize..o[i + 1] as usize)).collect();
                (to_f64(list.values())?, ranges)
            }
            Shape::LargeList => {
                let list = array.as_list::<i64>();
                let o = list.value_offsets();
                let ranges = (0..list.len()).map(|i| row(list.is_valid(i), o[i] as usize..o[i + 1] as usize)).collect();
                (to_f64(list.values())?, ranges)
            }
        };
        Ok(Self { values, ranges, shape, source: Arc::clone(array) })
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.ranges.len()
    }

    /// Element `j` of the flat values, `None` when null.
    pub fn value(&self, j: usize) -> Option<f64> {
        self.values.is_valid(j).then(|| self.values.value(j))
    }

    /// Element `j` of the flat values, `None` when null or NaN.
    pub fn element(&self, j: usize) -> Option<f64> {
        let x = self.value(j)?;
        (!x.is_nan()).then_some(x)
    }

    /// A column of the same shape as the input whose flat elements are `elements` (aligned with
    /// [`Self::values`]), cast to [`output_type`]'s element type.
    pub fn rebuild(&self, elements: Float64Array) -> Result<ArrayRef> {
        let element = output_element(self.source.data_type());
        let child = cast(&(Arc::new(elements) as ArrayRef), &element)?;
        let item = Arc::new(Field::new_list_field(element, true));
        let out: ArrayRef = match self.shape {
            Shape::Scalar => {
                // Row nulls are already element nulls.
                child
            }
            Shape::Fixed(n) => {
                let list = self.source.as_fixed_size_list();
                Arc::new(FixedSizeListArray::try_new(item, n as i32, child, list.nulls().cloned())?)
            }
            Shape::List => {
                let list = self.source.as_list::<i32>();
                Arc::new(ListArray::try_new(item, list.offsets().clone(), child, list.nulls().cloned())?)
            }
            Shape::LargeList => {
                let list = self.source.as_list::<i64>();
                Arc::new(LargeListArray::try_new(item, list.offsets().clone(), child, list.nulls().cloned())?)
            }
        };
        Ok(out)
    }
}
