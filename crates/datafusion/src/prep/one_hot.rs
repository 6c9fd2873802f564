//! one_hot: `one_hot(label, n)` — a class label `0..n` as a one-hot `FixedSizeList<Float32>(n)`
//! (Spark `OneHotEncoder` with `dropLast = false`: label 0 → `[1, 0, 0]`).

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{Array, ArrayRef, AsArray, FixedSizeListArray, Float32Array};
use datafusion::arrow::buffer::NullBuffer;
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float64Type};
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};

use super::DOC_SECTION_PREP;

/// The largest number of classes `one_hot` accepts.
const MAX_CLASSES: i64 = 1 << 20;

/// `one_hot(label, n)`.
pub fn one_hot_udf() -> ScalarUDF {
    ScalarUDF::from(OneHot::new())
}

static DOC: LazyLock<Documentation> = LazyLock::new(|| {
    Documentation::builder(
        DOC_SECTION_PREP,
        "One-hot encodes a class label: label k in 0..n-1 gives a FixedSizeList<Float32>(n) with \
         1 at position k (1-based index k + 1) and 0 elsewhere, as Spark's OneHotEncoder with \
         dropLast = false. The label may be an integer, or a float or decimal holding a whole \
         number; any other value is an error naming it. A null label gives null.",
        "one_hot(label, n)",
    )
    .with_argument("label", "Class label, a whole number in 0..n-1.")
    .with_argument("n", "Number of classes, a positive integer constant.")
    .with_sql_example(
        "```sql\n> SELECT one_hot(1, 3);\n\
         +------------------------------+\n\
         | one_hot(Int64(1),Int64(3))   |\n\
         +------------------------------+\n\
         | [0.0, 1.0, 0.0]              |\n\
         +------------------------------+\n```",
    )
    .build()
});

#[derive(Debug, PartialEq, Eq, Hash)]
struct OneHot {
    signature: Signature,
}

impl OneHot {
    fn new() -> Self {
        Self { signature: Signature::any(2, Volatility::Immutable) }
    }
}

fn item_field() -> FieldRef {
    Arc::new(Field::new_list_field(DataType::Float32, true))
}

/// `n` from the constant second argument.
fn classes(n: Option<&ScalarValue>) -> Result<usize> {
    let bad = |what: String| {
        DataFusionError::Plan(format!(
            "one_hot: n must be a positive integer constant (at most {MAX_CLASSES}), got {what}"
        ))
    };
    let Some(n) = n else {
        return Err(bad("a column".to_string()));
    };
    if !n.data_type().is_integer() {
        return Err(bad(format!("{n} of type {}", n.data_type())));
    }
    let v = n
        .cast_to(&DataType::Int64)
        .ok()
        .and_then(|v| match v {
            ScalarValue::Int64(v) => v,
            _ => None,
        })
        .ok_or_else(|| bad(n.to_string()))?;
    if !(1..=MAX_CLASSES).contains(&v) {
        return Err(bad(v.to_string()));
    }
    Ok(v as usize)
}

impl ScalarUDFImpl for OneHot {
    fn name(&self) -> &str {
        "one_hot"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Err(DataFusionError::Internal("one_hot: return_field_from_args should be called instead".to_string()))
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let label = args.arg_fields[0].data_type();
        if !(label.is_numeric() || label == &DataType::Null) {
            return Err(DataFusionError::Plan(format!("one_hot: the label must be a number, got {label}")));
        }
        let n = classes(args.scalar_arguments[1])?;
        Ok(Arc::new(Field::new(
            self.name(),
            DataType::FixedSizeList(item_field(), n as i32),
            args.arg_fields[0].is_nullable(),
        )))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let n = match args.return_field.data_type() {
            DataType::FixedSizeList(_, n) => *n as usize,
            other => {
                return Err(DataFusionError::Internal(format!(
                    "one_hot: planned return type {other} is not a FixedSizeList"
                )));
            }
        };
        let labels = args.args[0].to_array(args.number_rows)?;
        let as_f64 = cast(&labels, &DataType::Float64)?;
        let as_f64 = as_f64.as_primitive::<Float64Type>();
        let mut values = vec![0f32; labels.len() * n];
        for (i, label) in as_f64.iter().enumerate() {
            let Some(x) = label else { continue };
            if x.fract() != 0.0 || !(0.0..n as f64).contains(&x) {
                let shown = ScalarValue::try_from_array(&labels, i)?;
                let why = if x.is_finite() && x.fract() != 0.0 { "is not a whole number" } else { "is out of range" };
                return Err(DataFusionError::Execution(format!(
                    "one_hot: label {shown} {why}; expected a class in 0..{} (n = {n})",
                    n - 1
                )));
            }
            values[i * n + x as usize] = 1.0;
        }
        let nulls: Option<NullBuffer> = labels.logical_nulls();
        let list = FixedSizeListArray::try_new(item_field(), n as i32, Arc::new(Float32Array::from(values)), nulls)?;
        let out: ArrayRef = Arc::new(list);
        Ok(ColumnarValue::Array(out))
    }

    fn documentation(&self) -> Option<&Documentation> {
        Some(&DOC)
    }
}
