//! pad: `pad_or_truncate(list, n, fill)` — every row's list cut to its first `n` elements or
//! padded at the end with `fill` up to `n` (the reference's fixed particle counts: 450 tracks …).

use std::sync::OnceLock;

use datafusion::arrow::array::{Array, ArrayRef, UInt64Array};
use datafusion::arrow::compute::{cast, concat, take};
use datafusion::arrow::datatypes::DataType;
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};

use super::HEP_SECTION;
use super::lists::{ListView, Offsets, is_list, list_field, rebuild};
use super::sort_by::variable_list;
use super::structs::to_array;

/// `pad_or_truncate(list, n, fill)`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct PadOrTruncateUdf {
    signature: Signature,
}

impl Default for PadOrTruncateUdf {
    fn default() -> Self {
        PadOrTruncateUdf { signature: Signature::user_defined(Volatility::Immutable) }
    }
}

/// The constant, non-negative integer argument `what` of `function`.
pub(crate) fn count_literal(arg: &ColumnarValue, function: &str, what: &str) -> Result<usize> {
    let ColumnarValue::Scalar(scalar) = arg else {
        return Err(DataFusionError::Execution(format!("{function}: {what} must be a constant")));
    };
    count_scalar(scalar, function, what)
}

pub(crate) fn count_scalar(scalar: &ScalarValue, function: &str, what: &str) -> Result<usize> {
    match scalar.cast_to(&DataType::Int64)? {
        ScalarValue::Int64(Some(n)) if n >= 0 => Ok(n as usize),
        other => {
            Err(DataFusionError::Execution(format!("{function}: {what} must be a non-negative integer, got {other}")))
        }
    }
}

impl ScalarUDFImpl for PadOrTruncateUdf {
    fn name(&self) -> &str {
        "pad_or_truncate"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let plan_err = |m: String| Err(DataFusionError::Plan(format!("pad_or_truncate: {m}")));
        if arg_types.len() != 3 {
            return plan_err(format!("takes 3 arguments (list, n, fill), got {}", arg_types.len()));
        }
        if !is_list(&arg_types[0]) {
            return plan_err(format!("the first argument must be a list, got {}", arg_types[0]));
        }
        if !arg_types[1].is_integer() && arg_types[1] != DataType::Null {
            return plan_err(format!("n must be an integer, got {}", arg_types[1]));
        }
        let list = variable_list(&arg_types[0]);
        let element = list_field(&list).data_type().clone();
        Ok(vec![list, DataType::Int64, element])
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(arg_types[0].clone())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let array = to_array(&args.args[0], rows)?;
        let list = ListView::try_new(&array)
            .ok_or_else(|| DataFusionError::Execution(format!("pad_or_truncate: not a list: {}", array.data_type())))?;
        let n = count_literal(&args.args[1], self.name(), "n")?;
        if matches!(list.offsets, Offsets::Small(_)) && n.saturating_mul(rows) > i32::MAX as usize {
            return Err(DataFusionError::Execution(format!(
                "pad_or_truncate: {rows} rows of {n} elements overflow a List; use a LargeList"
            )));
        }
        // A constant fill is one extra value; a per-row fill is one per row.
        let (fill, per_row_fill) = match &args.args[2] {
            ColumnarValue::Scalar(s) => (s.to_array_of_size(1)?, false),
            ColumnarValue::Array(a) => (a.clone(), true),
        };
        let fill =
            if fill.data_type() == list.values.data_type() { fill } else { cast(&fill, list.values.data_type())? };
        let fill_base = list.values.len() as u64;
        let combined: ArrayRef = concat(&[list.values.as_ref(), fill.as_ref()])?;

        let mut indices: Vec<u64> = Vec::with_capacity(n * rows);
        for i in 0..rows {
            if list.is_null(i) {
                continue;
            }
            let range = list.offsets.range(i);
            let kept = range.len().min(n);
            indices.extend((range.start..range.start + kept).map(|j| j as u64));
            let fill_index = fill_base + if per_row_fill { i as u64 } else { 0 };
            indices.extend(std::iter::repeat_n(fill_index, n - kept));
        }
        let values = take(combined.as_ref(), &UInt64Array::from(indices), None)?;
        let offsets = list.offsets.with_lengths((0..rows).map(|i| if list.is_null(i) { 0 } else { n }));
        let field = list_field(args.return_field.data_type());
        Ok(ColumnarValue::Array(rebuild(&offsets, field, values, list.nulls.clone())?))
    }

    fn documentation(&self) -> Option<&Documentation> {
        static DOC: OnceLock<Documentation> = OnceLock::new();
        Some(DOC.get_or_init(|| {
            Documentation::builder(
                HEP_SECTION,
                "Makes every row's list exactly n long: keeps the first n elements, or appends `fill` until there \
                 are n. `fill` is cast to the element type (NULL pads with NULLs; a column gives each row its own \
                 fill). Element type and list kind are kept (a FixedSizeList input gives a List). A NULL list stays \
                 NULL.",
                "pad_or_truncate(list, n, fill)",
            )
            .with_sql_example(
                "> SELECT pad_or_truncate([1.0, 2.0, 3.0], 5, 0.0), pad_or_truncate([1, 2, 3], 2, 0);\n\
                 [1.0, 2.0, 3.0, 0.0, 0.0] [1, 2]",
            )
            .with_argument("list", "The list (any element type).")
            .with_argument("n", "The length of every result list, a non-negative integer constant.")
            .with_argument("fill", "The value appended to short lists.")
            .build()
        }))
    }
}
