//! schema: the table schema of a set of ROOT files (inferred from the first file) and the check that
//! every other file agrees, with errors naming both files and the column.

use datafusion::arrow::datatypes::Schema;
use datafusion::error::{DataFusionError, Result};

/// Schema metadata key holding the file the table schema was inferred from.
pub const SCHEMA_SOURCE: &str = "hadron.schema_from";

/// Checks that a file's `found` columns hold every column of `expected` with the same type.
/// `file` names the file checked; the table's origin file is read from `expected`'s metadata.
pub fn check_file_schema(file: &str, found: &Schema, expected: &Schema) -> Result<()> {
    let origin = expected.metadata().get(SCHEMA_SOURCE).map(String::as_str).unwrap_or("the table schema");
    for want in expected.fields() {
        match found.field_with_name(want.name()) {
            Err(_) => {
                return Err(DataFusionError::Execution(format!(
                    "schema mismatch: column '{}' of {origin} is missing in {file}",
                    want.name()
                )));
            }
            Ok(got) if got.data_type() != want.data_type() => {
                return Err(DataFusionError::Execution(format!(
                    "schema mismatch: column '{}' is {} in {origin} but {} in {file}",
                    want.name(),
                    want.data_type(),
                    got.data_type()
                )));
            }
            Ok(_) => {}
        }
    }
    Ok(())
}

/// Checks two whole file schemas: same columns, same types (order may differ).
pub fn check_same_columns(file: &str, found: &Schema, expected: &Schema) -> Result<()> {
    check_file_schema(file, found, expected)?;
    if let Some(extra) = found.fields().iter().find(|f| expected.field_with_name(f.name()).is_err()) {
        let origin = expected.metadata().get(SCHEMA_SOURCE).map(String::as_str).unwrap_or("the table schema");
        return Err(DataFusionError::Plan(format!(
            "schema mismatch: column '{}' of {file} is not in {origin}",
            extra.name()
        )));
    }
    Ok(())
}
