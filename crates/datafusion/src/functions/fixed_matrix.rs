//! fixed_matrix: a list of structs → one flat `FixedSizeList<Float32>` of n × m values per row
//! (particle-major, zero-padded): the 801 × 19 low-level-feature matrix of the reference pipeline.

use std::sync::{Arc, OnceLock};

use datafusion::arrow::array::{Array, AsArray, FixedSizeListArray, Float32Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, FieldRef, Float32Type};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ReturnFieldArgs, ScalarFunctionArgs, ScalarUDFImpl, Signature, Volatility,
};

use super::HEP_SECTION;
use super::lists::{ListView, is_list, list_field};
use super::pad::{count_literal, count_scalar};
use super::sort_by::variable_list;
use super::structs::{field_column, is_string, string_literal, to_array};

/// `fixed_matrix(list_of_struct, n, 'f1,f2,…')`.
#[derive(Debug, PartialEq, Eq, Hash)]
pub struct FixedMatrixUdf {
    signature: Signature,
}

impl Default for FixedMatrixUdf {
    fn default() -> Self {
        FixedMatrixUdf { signature: Signature::user_defined(Volatility::Immutable) }
    }
}

/// The field names of the `'f1,f2,…'` argument, trimmed.
fn field_names(spec: &str) -> Result<Vec<String>> {
    let names: Vec<String> = spec.split(',').map(|s| s.trim().to_string()).collect();
    if names.iter().any(|n| n.is_empty()) {
        return Err(DataFusionError::Plan(format!("fixed_matrix: empty field name in '{spec}'")));
    }
    Ok(names)
}

fn matrix_type(n: usize, m: usize) -> Result<DataType> {
    let size = n
        .checked_mul(m)
        .and_then(|s| i32::try_from(s).ok())
        .ok_or_else(|| DataFusionError::Plan(format!("fixed_matrix: {n} × {m} values do not fit a FixedSizeList")))?;
    Ok(DataType::FixedSizeList(Arc::new(Field::new_list_field(DataType::Float32, false)), size))
}

impl ScalarUDFImpl for FixedMatrixUdf {
    fn name(&self) -> &str {
        "fixed_matrix"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> Result<Vec<DataType>> {
        let plan_err = |m: String| Err(DataFusionError::Plan(format!("fixed_matrix: {m}")));
        if arg_types.len() != 3 {
            return plan_err(format!("takes 3 arguments (list_of_struct, n, 'f1,f2,...'), got {}", arg_types.len()));
        }
        let structs = is_list(&arg_types[0]) && matches!(list_field(&arg_types[0]).data_type(), DataType::Struct(_));
        if !structs {
            return plan_err(format!("the first argument must be a list of structs, got {}", arg_types[0]));
        }
        if !arg_types[1].is_integer() {
            return plan_err(format!("n must be an integer, got {}", arg_types[1]));
        }
        if !is_string(&arg_types[2]) {
            return plan_err(format!("the field list must be a string, got {}", arg_types[2]));
        }
        Ok(vec![variable_list(&arg_types[0]), DataType::Int64, DataType::Utf8])
    }

    fn return_type(&self, _arg_types: &[DataType]) -> Result<DataType> {
        Err(DataFusionError::Internal("fixed_matrix: return_field_from_args gives the type".to_string()))
    }

    fn return_field_from_args(&self, args: ReturnFieldArgs) -> Result<FieldRef> {
        let constant = |k: usize, what: &str| {
            args.scalar_arguments
                .get(k)
                .copied()
                .flatten()
                .ok_or_else(|| DataFusionError::Plan(format!("fixed_matrix: {what} must be a constant")))
        };
        let n = count_scalar(constant(1, "n")?, self.name(), "n")?;
        let spec = constant(2, "the field list")?;
        let spec = spec.try_as_str().flatten().ok_or_else(|| {
            DataFusionError::Plan("fixed_matrix: the field list must be a non-NULL string".to_string())
        })?;
        let m = field_names(spec)?.len();
        Ok(Arc::new(Field::new(self.name(), matrix_type(n, m)?, true)))
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let rows = args.number_rows;
        let array = to_array(&args.args[0], rows)?;
        let list = ListView::try_new(&array)
            .ok_or_else(|| DataFusionError::Execution(format!("fixed_matrix: not a list: {}", array.data_type())))?;
        let n = count_literal(&args.args[1], self.name(), "n")?;
        let names = field_names(&string_literal(&args.args[2], self.name(), "the field list")?)?;
        let m = names.len();
        let structs = list.values.as_struct();
        let columns = names
            .iter()
            .map(|name| {
                let column = field_column(structs, name, self.name())?;
                match column.data_type() {
                    t if t.is_numeric() || t.is_null() || *t == DataType::Boolean => {
                        Ok(cast(column, &DataType::Float32)?)
                    }
                    t => Err(DataFusionError::Execution(format!("fixed_matrix: field '{name}' is {t}, not a number"))),
                }
            })
            .collect::<Result<Vec<_>>>()?;
        let columns: Vec<&Float32Array> = columns.iter().map(|c| c.as_primitive::<Float32Type>()).collect();

        let mut out = vec![0f32; rows * n * m];
        for i in 0..rows {
            if list.is_null(i) {
                continue;
            }
            let matrix = &mut out[i * n * m..(i + 1) * n * m];
            for (k, j) in list.offsets.range(i).take(n).enumerate() {
                if structs.is_null(j) {
                    continue;
                }
                for (c, column) in columns.iter().enumerate() {
                    if column.is_valid(j) {
                        matrix[k * m + c] = column.value(j);
                    }
                }
            }
        }
        let DataType::FixedSizeList(item, size) = args.return_field.data_type() else {
            return Err(DataFusionError::Internal("fixed_matrix: return type is not a FixedSizeList".to_string()));
        };
        if *size as usize != n * m {
            return Err(DataFusionError::Internal(format!("fixed_matrix: planned size {size}, computed {}", n * m)));
        }
        let values = Arc::new(Float32Array::from(out));
        let matrix = FixedSizeListArray::try_new(item.clone(), *size, values, list.nulls.clone())?;
        Ok(ColumnarValue::Array(Arc::new(matrix)))
    }

    fn documentation(&self) -> Option<&Documentation> {
        static DOC: OnceLock<Documentation> = OnceLock::new();
        Some(DOC.get_or_init(|| {
            Documentation::builder(
                HEP_SECTION,
                "Flattens each row's list of structs into a FixedSizeList<Float32> of n × m values, row-major \
                 (element k, field c at k * m + c): the first n elements are kept, missing elements are rows of \
                 zeros, and NULL elements or NULL field values are 0 too. Fields (any numeric or boolean type) are \
                 named in one string, comma-separated, matched exactly, else ignoring case. A NULL list gives NULL. \
                 Builds the reference pipeline's 801 × 19 GRU input (15,219 floats).",
                "fixed_matrix(list_of_struct, n, 'f1,f2,...')",
            )
            .with_sql_example(
                "> SELECT fixed_matrix([named_struct('PT', 1.0, 'Eta', 2.0)], 2, 'PT,Eta');\n[1.0, 2.0, 0.0, 0.0]\n\
                 > SELECT fixed_matrix(particles, 801, 'E,Px,Py,Pz,PT,Eta,Phi,X,Y,Z,IsoCh,IsoGamma,IsoNeu,isChHad,isNeuHad,isGamma,isEle,isMu,Charge') FROM llf;",
            )
            .with_argument("list_of_struct", "The objects of the row, in order (e.g. lepton, tracks, photons, neutrals).")
            .with_argument("n", "Number of object rows in the matrix (constant).")
            .with_argument("fields", "Comma-separated field names, one matrix column each (constant).")
            .build()
        }))
    }
}
