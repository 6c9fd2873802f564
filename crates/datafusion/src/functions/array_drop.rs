//! array_drop: `array_drop(list, positions)` — every row's list without the elements at the given 1-based positions
//! (ROOT's `VecOps::Drop`): "the leading lepton not in the Z candidate" without a lambda that captures the lists.

use std::sync::OnceLock;

use datafusion::arrow::array::{Array, AsArray, UInt64Array};
use datafusion::arrow::buffer::NullBuffer;
use datafusion::arrow::compute::take;
use datafusion::arrow::datatypes::{DataType, Field, Int64Type};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};

use super::HEP_SECTION;
use super::lists::{ListView, is_list, list_field, rebuild};
use super::sort_by::variable_list;
use super::structs::to_array;

/// `array_drop(list, positions)`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ArrayDropUdf {
    signature: Signature,
}

impl Default for ArrayDropUdf {
    fn default() -> Self {
        ArrayDropUdf { signature: Signature::user_defined(Volatility::Immutable) }
    }
}

impl ScalarUDFImpl for ArrayDropUdf {
    fn name(&self) -> &str {
        "array_drop"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let plan_err = |m: String| Err(DataFusionError::Plan(format!("array_drop: {m}")));
        if arg_types.len() != 2 {
            return plan_err(format!("takes 2 arguments (list, positions), got {}", arg_types.len()));
        }
        if !is_list(&arg_types[0]) {
            return plan_err(format!("the first argument must be a list, got {}", arg_types[0]));
        }
        let positions_ok = arg_types[1] == DataType::Null
            || is_list(&arg_types[1])
                && matches!(list_field(&arg_types[1]).data_type(), t if t.is_integer() || *t == DataType::Null);
        if !positions_ok {
            return plan_err(format!("positions must be a list of integers, got {}", arg_types[1]));
        }
        let positions = DataType::List(std::sync::Arc::new(Field::new_list_field(DataType::Int64, true)));
        Ok(vec![variable_list(&arg_types[0]), positions])
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(arg_types[0].clone())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let array = to_array(&args.args[0], rows)?;
        let list = ListView::try_new(&array)
            .ok_or_else(|| DataFusionError::Execution(format!("array_drop: not a list: {}", array.data_type())))?;
        let positions = to_array(&args.args[1], rows)?;
        // coerce_types made the positions a List<Int64> (a bare NULL included).
        let drop = ListView::try_new(&positions).ok_or_else(|| {
            DataFusionError::Execution(format!("array_drop: positions not a list: {}", positions.data_type()))
        })?;
        let wanted = drop.values.as_primitive::<Int64Type>();
        let nulls = NullBuffer::union(list.nulls.as_ref(), drop.nulls.as_ref());
        let mut indices: Vec<u64> = Vec::with_capacity(list.values.len());
        let mut lengths = Vec::with_capacity(rows);
        let mut dropped: Vec<usize> = Vec::new();
        for i in 0..rows {
            if nulls.as_ref().is_some_and(|n| n.is_null(i)) {
                lengths.push(0);
                continue;
            }
            let range = list.offsets.range(i);
            // This row's positions that fall inside its list, as 0-based local indices.
            dropped.clear();
            dropped.extend(
                drop.offsets
                    .range(i)
                    .filter(|&j| wanted.is_valid(j))
                    .filter_map(|j| usize::try_from(wanted.value(j)).ok())
                    .filter(|&p| (1..=range.len()).contains(&p))
                    .map(|p| p - 1),
            );
            let before = indices.len();
            indices.extend(range.clone().enumerate().filter(|(k, _)| !dropped.contains(k)).map(|(_, j)| j as u64));
            lengths.push(indices.len() - before);
        }
        let values = take(list.values.as_ref(), &UInt64Array::from(indices), None)?;
        let offsets = list.offsets.with_lengths(lengths);
        Ok(ColumnarValue::Array(rebuild(&offsets, list_field(args.return_field.data_type()), values, nulls)?))
    }

    fn documentation(&self) -> Option<&Documentation> {
        static DOC: OnceLock<Documentation> = OnceLock::new();
        Some(DOC.get_or_init(|| {
            Documentation::builder(
                HEP_SECTION,
                "Every row's list without the elements at the given 1-based positions (ROOT's VecOps::Drop), in \
                 their order: the objects left once a candidate's members are taken out. Positions outside the \
                 list, repeated positions and NULL positions are ignored; a NULL list or a NULL list of positions \
                 gives NULL. Element type and list kind are kept (a FixedSizeList input gives a List).",
                "array_drop(list, positions)",
            )
            .with_sql_example(
                "> SELECT array_drop([50.0, 30.0, 20.0, 10.0], [2, 4]), array_drop(['a', 'b'], [3]);\n\
                 [50.0, 20.0] [a, b]",
            )
            .with_argument("list", "The list (any element type).")
            .with_argument(
                "positions",
                "A list of 1-based positions (integers), e.g. closest_combination(...)['members'].",
            )
            .build()
        }))
    }
}
