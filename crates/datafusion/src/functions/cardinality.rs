//! cardinality: DataFusion's `cardinality(list)` with a fast path for lists of non-nested values (jet pT, muon
//! charges…): the count is the difference of neighbouring offsets, where DataFusion 55 slices every row into an
//! array of its own (a fifth of a whole `SELECT sum(cardinality(Jet_pt))`). Everything else — nested lists,
//! maps, scalars — and the signature, types and documentation are DataFusion's own.

use std::sync::Arc;

use datafusion::arrow::array::UInt64Array;
use datafusion::arrow::datatypes::DataType;
use datafusion::error::Result;
use datafusion::functions_nested::cardinality::cardinality_udf;
use datafusion::logical_expr::{ColumnarValue, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl};

use super::lists::{ListView, list_field};
use super::wrapped::delegate_to_inner;

/// `cardinality`, DataFusion's function behind a faster kernel for flat lists.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct CardinalityUdf {
    inner: Arc<ScalarUDF>,
}

impl Default for CardinalityUdf {
    fn default() -> Self {
        CardinalityUdf { inner: cardinality_udf() }
    }
}

impl ScalarUDFImpl for CardinalityUdf {
    delegate_to_inner!();

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        if let [ColumnarValue::Array(array)] = &args.args[..]
            && matches!(array.data_type(), DataType::List(_) | DataType::LargeList(_))
            && !list_field(array.data_type()).data_type().is_nested()
            && let Some(list) = ListView::try_new(array)
        {
            let counts: Vec<u64> = (0..list.rows()).map(|i| list.offsets.range(i).len() as u64).collect();
            return Ok(ColumnarValue::Array(Arc::new(UInt64Array::new(counts.into(), list.nulls))));
        }
        self.inner.invoke_with_args(args)
    }
}
