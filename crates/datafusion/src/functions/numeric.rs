//! numeric: Float64 arguments — constants, per-row columns or lists of numbers — brought to one
//! element layout, so a kernel runs as one loop over contiguous `f64` slices and list results reuse
//! the offsets of the first list argument.
//!
//! Rules shared by every element-wise HEP function:
//! * any numeric type is accepted and cast to Float64 (`coerce_types`); the result is Float64;
//! * if any argument is a list, the result is a list shaped like the first list argument; other
//!   list arguments must have the same length row by row; a number (or per-row column) is used for
//!   every element of its row;
//! * a NULL row in any argument gives a NULL row; a NULL element gives a NULL element.

use std::sync::Arc;

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, new_null_array};
use datafusion::arrow::buffer::{NullBuffer, ScalarBuffer};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Field, Float64Type};
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::ColumnarValue;

use super::lists::{ListView, is_list, list_field, list_type_like};

/// One argument of an element-wise function.
#[derive(Debug)]
pub(crate) enum Operand {
    /// A literal (NULL = `None`).
    Const(Option<f64>),
    /// One number per row.
    Rows(Float64Array),
    /// A list per row; the child is Float64.
    List(ListView),
}

impl Operand {
    /// Reads argument `position` (1-based, for errors) of function `name`.
    pub(crate) fn from_arg(arg: &ColumnarValue, rows: usize, name: &str, position: usize) -> Result<Operand> {
        match arg {
            ColumnarValue::Scalar(scalar) if scalar.is_null() && !is_list(&scalar.data_type()) => {
                Ok(Operand::Const(None))
            }
            ColumnarValue::Scalar(scalar) if !is_list(&scalar.data_type()) => {
                match scalar.cast_to(&DataType::Float64)? {
                    ScalarValue::Float64(v) => Ok(Operand::Const(v)),
                    other => Err(not_numeric(name, position, &other.data_type())),
                }
            }
            ColumnarValue::Scalar(scalar) => Self::from_array(&scalar.to_array_of_size(rows)?, name, position),
            ColumnarValue::Array(array) => Self::from_array(array, name, position),
        }
    }

    fn from_array(array: &ArrayRef, name: &str, position: usize) -> Result<Operand> {
        let data_type = array.data_type();
        if let Some(mut list) = ListView::try_new(array) {
            list.values = to_f64(&list.values, name, position)?;
            return Ok(Operand::List(list));
        }
        if matches!(data_type, DataType::FixedSizeList(_, _)) {
            let as_list = cast(array, &list_type_like(data_type, DataType::Float64))?;
            return Self::from_array(&as_list, name, position);
        }
        if *data_type == DataType::Null {
            return Ok(Operand::Const(None));
        }
        Ok(Operand::Rows(to_f64(array, name, position)?.as_primitive::<Float64Type>().clone()))
    }
}

fn to_f64(array: &ArrayRef, name: &str, position: usize) -> Result<ArrayRef> {
    match array.data_type() {
        DataType::Float64 => Ok(array.clone()),
        t if t.is_numeric() || *t == DataType::Null => Ok(cast(array, &DataType::Float64)?),
        t => Err(not_numeric(name, position, t)),
    }
}

fn not_numeric(name: &str, position: usize, data_type: &DataType) -> DataFusionError {
    DataFusionError::Plan(format!("{name}: argument {position} must be a number or a list of numbers, got {data_type}"))
}

/// `coerce_types` for element-wise functions of `arity` arguments: numbers → Float64, lists of
/// numbers → `List<Float64>` (`LargeList<Float64>` if any argument is a `LargeList`).
pub(crate) fn coerce_numeric(name: &str, arities: &[usize], arg_types: &[DataType]) -> Result<Vec<DataType>> {
    if !arities.contains(&arg_types.len()) {
        let expected: Vec<String> = arities.iter().map(|a| a.to_string()).collect();
        return Err(DataFusionError::Plan(format!(
            "{name} takes {} arguments, got {}",
            expected.join(" or "),
            arg_types.len()
        )));
    }
    let any_large = arg_types.iter().any(|t| matches!(t, DataType::LargeList(_)));
    let item = Arc::new(Field::new_list_field(DataType::Float64, true));
    let list_type = if any_large { DataType::LargeList(item) } else { DataType::List(item) };
    arg_types
        .iter()
        .enumerate()
        .map(|(i, t)| match t {
            t if t.is_numeric() || *t == DataType::Null => Ok(DataType::Float64),
            t if is_list(t) => {
                let element = list_field(t);
                if element.data_type().is_numeric() || *element.data_type() == DataType::Null {
                    Ok(list_type.clone())
                } else {
                    Err(not_numeric(name, i + 1, t))
                }
            }
            t => Err(not_numeric(name, i + 1, t)),
        })
        .collect()
}

/// The result type of an element-wise function over (coerced) `arg_types`.
pub(crate) fn elementwise_return_type(arg_types: &[DataType]) -> DataType {
    match arg_types.iter().find(|t| is_list(t)) {
        Some(_) if arg_types.iter().any(|t| matches!(t, DataType::LargeList(_))) => {
            DataType::LargeList(Arc::new(Field::new_list_field(DataType::Float64, true)))
        }
        Some(_) => DataType::List(Arc::new(Field::new_list_field(DataType::Float64, true))),
        None => DataType::Float64,
    }
}

/// A column of the common layout: a constant, or one value per element.
#[derive(Debug)]
pub(crate) enum Column {
    Const(f64),
    Values(ScalarBuffer<f64>),
}

impl Column {
    #[inline(always)]
    pub(crate) fn at(&self, j: usize) -> f64 {
        match self {
            Column::Const(c) => *c,
            Column::Values(v) => v[j],
        }
    }
}

/// Operands in one layout: `len` elements (rows, or the child positions of `lead`).
#[derive(Debug)]
pub(crate) struct Aligned {
    pub(crate) columns: Vec<Column>,
    /// Element-level nulls (per row when there is no list).
    pub(crate) element_nulls: Option<NullBuffer>,
    /// Row-level nulls of the list result.
    pub(crate) row_nulls: Option<NullBuffer>,
    pub(crate) lead: Option<ListView>,
    pub(crate) len: usize,
    /// A NULL literal among the operands: every row is NULL.
    pub(crate) all_null: bool,
}

impl Aligned {
    /// Brings `operands` to the layout of the first list among them (or to rows).
    pub(crate) fn new(operands: Vec<Operand>, rows: usize, name: &str) -> Result<Aligned> {
        let lead = operands.iter().find_map(|op| match op {
            Operand::List(l) => Some(l.clone()),
            _ => None,
        });
        let len = lead.as_ref().map_or(rows, |l| l.values.len());
        let mut aligned = Aligned {
            columns: Vec::with_capacity(operands.len()),
            element_nulls: None,
            row_nulls: None,
            lead,
            len,
            all_null: false,
        };
        let mut row_of_element: Option<Vec<usize>> = None;
        for (position, operand) in operands.into_iter().enumerate() {
            let column = match operand {
                Operand::Const(Some(c)) => Column::Const(c),
                Operand::Const(None) => {
                    aligned.all_null = true;
                    Column::Const(f64::NAN)
                }
                Operand::Rows(values) => {
                    aligned.row_nulls = NullBuffer::union(aligned.row_nulls.as_ref(), values.nulls());
                    match &aligned.lead {
                        None => Column::Values(values.values().clone()),
                        Some(lead) => {
                            let row_of = row_of_element.get_or_insert_with(|| lead.row_of_element());
                            let per_row = values.values();
                            Column::Values(ScalarBuffer::from(row_of.iter().map(|&r| per_row[r]).collect::<Vec<f64>>()))
                        }
                    }
                }
                Operand::List(list) => {
                    let lead = aligned.lead.as_ref().expect("a list operand implies a lead list");
                    aligned.row_nulls = NullBuffer::union(aligned.row_nulls.as_ref(), list.nulls.as_ref());
                    let values = lead.align(&list, &format!("{name} argument {}", position + 1))?;
                    let values = values.as_primitive::<Float64Type>();
                    aligned.element_nulls = NullBuffer::union(aligned.element_nulls.as_ref(), values.nulls());
                    Column::Values(values.values().clone())
                }
            };
            aligned.columns.push(column);
        }
        if aligned.lead.is_none() {
            aligned.element_nulls = aligned.row_nulls.take();
        }
        Ok(aligned)
    }

    /// Runs `kernel` over every element of `K` columns.
    pub(crate) fn map<const K: usize>(&self, kernel: impl Fn([f64; K]) -> f64) -> Vec<f64> {
        let columns: [&Column; K] = std::array::from_fn(|k| &self.columns[k]);
        (0..self.len).map(|j| kernel(std::array::from_fn(|k| columns[k].at(j)))).collect()
    }

    /// Wraps element results into the result array of type `return_type`.
    pub(crate) fn finish(self, values: Vec<f64>, return_type: &DataType, rows: usize) -> Result<ArrayRef> {
        if self.all_null {
            return Ok(new_null_array(return_type, rows));
        }
        let values: ArrayRef = Arc::new(Float64Array::new(values.into(), self.element_nulls));
        match &self.lead {
            None => Ok(values),
            Some(lead) => lead.with_values(list_field(return_type), values, self.row_nulls),
        }
    }
}
