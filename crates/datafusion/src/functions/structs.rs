//! structs: finding and reading fields of struct arguments (Delphes objects such as
//! `Electron: List<Struct<PT, Eta, Phi, …>>`) by name, exact match first, then ignoring case.

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, StructArray};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Fields, Float64Type};
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::ColumnarValue;

/// Index of the field called `name`: the exact name, else the only one equal ignoring case.
pub(crate) fn field_index(fields: &Fields, name: &str) -> Option<usize> {
    fields.iter().position(|f| f.name() == name).or_else(|| {
        let mut matches = fields.iter().enumerate().filter(|(_, f)| f.name().eq_ignore_ascii_case(name));
        match (matches.next(), matches.next()) {
            (Some((i, _)), None) => Some(i),
            _ => None,
        }
    })
}

/// The column `name` of `structs` (see [`field_index`]) cast to Float64; `function` names the
/// caller in errors, which list the available fields.
pub(crate) fn field_f64(structs: &StructArray, name: &str, function: &str) -> Result<Float64Array> {
    let column = field_column(structs, name, function)?;
    let values = match column.data_type() {
        DataType::Float64 => column.clone(),
        t if t.is_numeric() || *t == DataType::Null => cast(column, &DataType::Float64)?,
        t => {
            return Err(DataFusionError::Execution(format!("{function}: field '{name}' must be numeric, got {t}")));
        }
    };
    Ok(values.as_primitive::<Float64Type>().clone())
}

/// The column `name` of `structs`, uncast.
pub(crate) fn field_column<'a>(structs: &'a StructArray, name: &str, function: &str) -> Result<&'a ArrayRef> {
    let index = field_index(structs.fields(), name).ok_or_else(|| {
        let names: Vec<&str> = structs.fields().iter().map(|f| f.name().as_str()).collect();
        DataFusionError::Execution(format!(
            "{function}: no field '{name}' in the struct (fields: {})",
            names.join(", ")
        ))
    })?;
    Ok(structs.column(index))
}

/// The value of a constant string argument, e.g. a field name; `what` describes it in errors.
pub(crate) fn string_literal(arg: &ColumnarValue, function: &str, what: &str) -> Result<String> {
    match arg {
        ColumnarValue::Scalar(ScalarValue::Utf8(Some(s)))
        | ColumnarValue::Scalar(ScalarValue::LargeUtf8(Some(s)))
        | ColumnarValue::Scalar(ScalarValue::Utf8View(Some(s))) => Ok(s.clone()),
        _ => Err(DataFusionError::Execution(format!("{function}: {what} must be a non-NULL string literal"))),
    }
}

/// The argument as an array of `rows` rows (scalars repeated).
pub(crate) fn to_array(arg: &ColumnarValue, rows: usize) -> Result<ArrayRef> {
    arg.to_array(rows)
}

/// `true` for string types.
pub(crate) fn is_string(data_type: &DataType) -> bool {
    matches!(data_type, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}
