//! argminmax: `array_argmin(list)` / `array_argmax(list)` — the 1-based position of each row's smallest or
//! largest element in one pass (awkward's `ak.argmin` / `ak.argmax`): the trijet closest to the top mass, the
//! lepton pair closest to the Z, without `array_position(l, array_min(l))`'s second pass.

use std::cmp::Ordering;
use std::sync::{Arc, OnceLock};

use datafusion::arrow::array::{Array, Int64Array, make_comparator};
use datafusion::arrow::compute::SortOptions;
use datafusion::arrow::datatypes::DataType;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};

use super::HEP_SECTION;
use super::lists::{ListView, is_list};
use super::sort_by::variable_list;
use super::structs::to_array;

/// `array_argmin` (`Ordering::Less` wins) or `array_argmax` (`Ordering::Greater` wins).
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct ArgExtremumUdf {
    signature: Signature,
    wins: Ordering,
}

impl ArgExtremumUdf {
    /// `array_argmin`.
    pub fn argmin() -> Self {
        ArgExtremumUdf { signature: Signature::user_defined(Volatility::Immutable), wins: Ordering::Less }
    }

    /// `array_argmax`.
    pub fn argmax() -> Self {
        ArgExtremumUdf { signature: Signature::user_defined(Volatility::Immutable), wins: Ordering::Greater }
    }
}

impl ScalarUDFImpl for ArgExtremumUdf {
    fn name(&self) -> &str {
        if self.wins == Ordering::Less { "array_argmin" } else { "array_argmax" }
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        match arg_types {
            [t] if is_list(t) => Ok(vec![variable_list(t)]),
            [t] => Err(DataFusionError::Plan(format!("{}: the argument must be a list, got {t}", self.name()))),
            _ => {
                Err(DataFusionError::Plan(format!("{}: takes 1 argument (list), got {}", self.name(), arg_types.len())))
            }
        }
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Ok(DataType::Int64)
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let array = to_array(&args.args[0], args.number_rows)?;
        let list = ListView::try_new(&array)
            .ok_or_else(|| DataFusionError::Execution(format!("{}: not a list: {}", self.name(), array.data_type())))?;
        let values = list.values.as_ref();
        let compare = make_comparator(values, values, SortOptions { descending: false, nulls_first: false })?;
        let positions = (0..list.rows()).map(|row| {
            if list.is_null(row) {
                return None;
            }
            let range = list.offsets.range(row);
            let start = range.start;
            let mut best: Option<usize> = None;
            for j in range {
                if values.is_null(j) {
                    continue;
                }
                best = match best {
                    Some(b) if compare(j, b) != self.wins => Some(b),
                    _ => Some(j),
                };
            }
            best.map(|b| (b - start + 1) as i64)
        });
        Ok(ColumnarValue::Array(Arc::new(positions.collect::<Int64Array>())))
    }

    fn documentation(&self) -> Option<&Documentation> {
        static MIN: OnceLock<Documentation> = OnceLock::new();
        static MAX: OnceLock<Documentation> = OnceLock::new();
        let (cell, word, example) = if self.wins == Ordering::Less {
            (
                &MIN,
                "smallest",
                "> SELECT array_argmin([3.0, 1.0, 2.0, 1.0]);\n2\n\
              > SELECT t[array_argmin(array_transform(t, x -> abs(x['m'] - 172.5)))] FROM trijets;",
            )
        } else {
            (
                &MAX,
                "largest",
                "> SELECT array_argmax([3.0, 1.0, 3.0]);\n1\n\
              > SELECT Jet_eta[array_argmax(Jet_pt)] FROM events;",
            )
        };
        Some(cell.get_or_init(|| {
            Documentation::builder(
                HEP_SECTION,
                format!(
                    "The 1-based position of the {word} element of each row's list (the first one on ties), in one \
                     pass; use it to index the list or a parallel list. NULL elements are skipped; NaN counts as \
                     larger than every number. A NULL list, an empty list or one of only NULLs gives NULL. \
                     Elements may be of any orderable type."
                ),
                format!("{}(list)", self.name()),
            )
            .with_sql_example(example)
            .with_argument("list", "A list (List, LargeList or FixedSizeList).")
            .build()
        }))
    }
}
