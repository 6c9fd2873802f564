//! array_concat: DataFusion's `array_concat(list, list, …)` with a fast path for `List` columns of one type
//! without NULL rows (electrons then muons of an event): the arguments' child values are joined once and each
//! output row gathered from them with one `take`, where DataFusion 55 copies row by row through
//! `MutableArrayData` (a tenth of ADL Q7). Everything else — NULL rows, scalars, mixed or nested list types —
//! and the signature, types and documentation are DataFusion's own.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, ListArray, UInt32Array};
use datafusion::arrow::buffer::OffsetBuffer;
use datafusion::arrow::compute::{concat, take};
use datafusion::arrow::datatypes::DataType;
use datafusion::error::Result;
use datafusion::functions_nested::concat::array_concat_udf;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl};

use super::lists::{ListView, list_field};
use super::wrapped::delegate_to_inner;

/// `array_concat`, DataFusion's function behind a gathering kernel for `List` columns.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ArrayConcatUdf {
    inner: Arc<ScalarUDF>,
}

impl Default for ArrayConcatUdf {
    fn default() -> Self {
        ArrayConcatUdf { inner: array_concat_udf() }
    }
}

impl ScalarUDFImpl for ArrayConcatUdf {
    delegate_to_inner!();

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        if let Some(result) = gather(&args)? {
            return Ok(ColumnarValue::Array(result));
        }
        self.inner.invoke_with_args(args)
    }
}

/// The concatenation of `List` columns of the return type without NULL rows; `None` where the arguments are
/// anything else (DataFusion's kernel takes those).
fn gather(args: &ScalarFunctionArgs) -> Result<Option<ArrayRef>> {
    let out_type = args.return_field.data_type();
    if !matches!(out_type, DataType::List(_)) || args.args.len() < 2 {
        return Ok(None);
    }
    let mut lists = Vec::with_capacity(args.args.len());
    for arg in &args.args {
        let ColumnarValue::Array(array) = arg else { return Ok(None) };
        if array.data_type() != out_type || array.null_count() > 0 {
            return Ok(None);
        }
        lists.push(ListView::try_new(array).expect("a List array"));
    }
    let values: Vec<&dyn Array> = lists.iter().map(|l| l.values.as_ref()).collect();
    let total: usize = values.iter().map(|v| v.len()).sum();
    if total > u32::MAX as usize {
        return Ok(None);
    }
    // Where each argument's child values start in the joined values.
    let bases: Vec<u32> = values.iter().scan(0u32, |at, v| Some(std::mem::replace(at, *at + v.len() as u32))).collect();
    let rows = args.number_rows;
    let mut lengths = Vec::with_capacity(rows);
    let mut indices = Vec::new();
    for i in 0..rows {
        let before = indices.len();
        for (list, &base) in lists.iter().zip(&bases) {
            let r = list.offsets.range(i);
            indices.extend(r.start as u32 + base..r.end as u32 + base);
        }
        lengths.push(indices.len() - before);
    }
    let joined = concat(&values)?;
    let gathered = take(joined.as_ref(), &UInt32Array::from(indices), None)?;
    let list = ListArray::try_new(list_field(out_type), OffsetBuffer::from_lengths(lengths), gathered, None)?;
    Ok(Some(Arc::new(list)))
}
