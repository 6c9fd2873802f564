//! sort_by: reorders the elements of each row's list by a parallel key list, or by a field of
//! struct elements — e.g. the particles of an event by descending ΔR from the lepton.

use std::sync::OnceLock;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, UInt64Array, make_comparator};
use datafusion::arrow::compute::{SortOptions, take};
use datafusion::arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};

use super::HEP_SECTION;
use super::lists::{ListView, is_list, list_field, list_type_like};
use super::structs::{field_column, is_string, string_literal, to_array};

/// `sort_by(list, keys [, 'asc' | 'desc'])`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct SortByUdf {
    signature: Signature,
}

impl Default for SortByUdf {
    fn default() -> Self {
        SortByUdf { signature: Signature::user_defined(Volatility::Immutable) }
    }
}

/// `FixedSizeList` becomes `List` of the same element type; other list types stay.
pub(crate) fn variable_list(t: &DataType) -> DataType {
    match t {
        DataType::FixedSizeList(field, _) => list_type_like(&DataType::Null, field.data_type().clone()),
        other => other.clone(),
    }
}

impl ScalarUDFImpl for SortByUdf {
    fn name(&self) -> &str {
        "sort_by"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let plan_err = |m: String| Err(DataFusionError::Plan(format!("sort_by: {m}")));
        if !(2..=3).contains(&arg_types.len()) {
            return plan_err(format!("takes 2 or 3 arguments (list, keys [, order]), got {}", arg_types.len()));
        }
        if !is_list(&arg_types[0]) {
            return plan_err(format!("the first argument must be a list, got {}", arg_types[0]));
        }
        let keys = match &arg_types[1] {
            t if is_string(t) => DataType::Utf8,
            t if is_list(t) => variable_list(t),
            t => return plan_err(format!("keys must be a list or a field name, got {t}")),
        };
        let mut coerced = vec![variable_list(&arg_types[0]), keys];
        if let Some(order) = arg_types.get(2) {
            if !is_string(order) {
                return plan_err(format!("order must be 'asc' or 'desc', got type {order}"));
            }
            coerced.push(DataType::Utf8);
        }
        Ok(coerced)
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        Ok(arg_types[0].clone())
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let array = to_array(&args.args[0], rows)?;
        let list = ListView::try_new(&array)
            .ok_or_else(|| DataFusionError::Execution(format!("sort_by: not a list: {}", array.data_type())))?;
        let descending = match args.args.get(2) {
            None => false,
            Some(arg) => match string_literal(arg, self.name(), "order")?.to_ascii_lowercase().as_str() {
                "asc" => false,
                "desc" => true,
                other => {
                    return Err(DataFusionError::Execution(format!(
                        "sort_by: order must be 'asc' or 'desc', got '{other}'"
                    )));
                }
            },
        };
        let keys: ArrayRef = match &args.args[1] {
            ColumnarValue::Scalar(s) if is_string(&s.data_type()) => {
                let name = string_literal(&args.args[1], self.name(), "the key field name")?;
                let DataType::Struct(_) = list.values.data_type() else {
                    return Err(DataFusionError::Execution(format!(
                        "sort_by: a key field name needs a list of structs, got elements of type {}",
                        list.values.data_type()
                    )));
                };
                field_column(list.values.as_struct(), &name, self.name())?.clone()
            }
            arg => {
                let keys_array = to_array(arg, rows)?;
                let keys = ListView::try_new(&keys_array)
                    .ok_or_else(|| DataFusionError::Execution("sort_by: keys must be a list".to_string()))?;
                list.align(&keys, "sort_by keys")?
            }
        };
        let compare = make_comparator(keys.as_ref(), keys.as_ref(), SortOptions { descending, nulls_first: false })?;
        let mut order: Vec<u64> = (0..list.values.len() as u64).collect();
        for i in 0..list.rows() {
            if !list.is_null(i) {
                // `sort_by` is stable: equal keys keep their order, also when descending.
                order[list.offsets.range(i)].sort_by(|&a, &b| compare(a as usize, b as usize));
            }
        }
        let values = take(list.values.as_ref(), &UInt64Array::from(order), None)?;
        let field = list_field(args.return_field.data_type());
        Ok(ColumnarValue::Array(list.with_values(field, values, list.nulls.clone())?))
    }

    fn documentation(&self) -> Option<&Documentation> {
        static DOC: OnceLock<Documentation> = OnceLock::new();
        Some(DOC.get_or_init(|| {
            Documentation::builder(
                HEP_SECTION,
                "Sorts the elements of each row's list by a parallel list of keys (same length per row), or by the \
                 named field of struct elements (exact name, else ignoring case). Ascending by default, 'desc' for \
                 descending. The sort is stable: equal keys keep their original order in both directions (like \
                 Python's sort with reverse=True). NULL keys go last; NaN sorts above every number. Keys may be of \
                 any orderable type; the list's type is kept. A NULL list stays NULL.",
                "sort_by(list, keys [, order])",
            )
            .with_sql_example(
                "> SELECT sort_by(['a', 'b', 'c'], [2.0, 3.0, 1.0], 'desc');\n[b, a, c]\n\
                 > SELECT sort_by(Jet, 'PT', 'desc') FROM events;\n\
                 > SELECT sort_by(p, array_transform(p, x -> delta_r(x['Eta'], x['Phi'], lep['Eta'], lep['Phi'])), 'desc') FROM t;",
            )
            .with_argument("list", "The list to reorder (any element type).")
            .with_argument("keys", "A list of keys, one per element, or the name of a struct field as a string.")
            .with_argument("order", "'asc' (default) or 'desc'.")
            .build()
        }))
    }
}
