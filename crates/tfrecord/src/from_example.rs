//! example → arrow: Examples to a `RecordBatch` following a feature spec (name, dtype, fixed shape or
//! variable length), like `tf.io.parse_example` with `FixedLenFeature` / `VarLenFeature`.
//! Fixed shapes become nested `FixedSizeList` columns (row-major), variable lengths `List` columns.

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use arrow_array::builder::{ArrayBuilder, BinaryBuilder};
use arrow_array::{Array, ArrayRef, BinaryArray, FixedSizeListArray, Float32Array, Int64Array, ListArray, RecordBatch};
use arrow_buffer::{OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Schema, SchemaRef};

use crate::error::{Error, Result};
use crate::example::{Example, Kind};

/// Value type of a feature, as TensorFlow's parse dtypes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    /// `tf.float32` (`FloatList`) → Arrow `Float32`.
    Float32,
    /// `tf.int64` (`Int64List`) → Arrow `Int64`.
    Int64,
    /// `tf.string` (`BytesList`) → Arrow `Binary`.
    Bytes,
}

impl DType {
    fn arrow(self) -> DataType {
        match self {
            DType::Float32 => DataType::Float32,
            DType::Int64 => DataType::Int64,
            DType::Bytes => DataType::Binary,
        }
    }

    fn list_name(self) -> &'static str {
        match self {
            DType::Float32 => "float_list",
            DType::Int64 => "int64_list",
            DType::Bytes => "bytes_list",
        }
    }
}

/// Shape of a feature's values in one Example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Shape {
    /// Exactly `product(dims)` values; `[]` is a scalar (`FixedLenFeature(shape)`).
    Fixed(Vec<usize>),
    /// Any number of values (`VarLenFeature`); a missing feature reads as an empty list.
    Variable,
}

/// One feature to read: name, value type and shape.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeatureSpec {
    /// Feature name (the Example map key, and the Arrow column name).
    pub name: String,
    /// Value type.
    pub dtype: DType,
    /// Fixed shape or variable length.
    pub shape: Shape,
}

impl FeatureSpec {
    /// A fixed-shape feature (`dims = []` for a scalar).
    pub fn fixed(name: impl Into<String>, dtype: DType, dims: &[usize]) -> Self {
        FeatureSpec { name: name.into(), dtype, shape: Shape::Fixed(dims.to_vec()) }
    }

    /// A variable-length feature.
    pub fn variable(name: impl Into<String>, dtype: DType) -> Self {
        FeatureSpec { name: name.into(), dtype, shape: Shape::Variable }
    }

    /// The Arrow field this feature reads into.
    pub fn field(&self) -> Field {
        let item = Field::new("item", self.dtype.arrow(), false);
        match &self.shape {
            Shape::Variable => Field::new(&self.name, DataType::List(Arc::new(item)), false),
            Shape::Fixed(dims) => {
                let mut t = item;
                for d in dims.iter().rev() {
                    t = Field::new("item", DataType::FixedSizeList(Arc::new(t), *d as i32), false);
                }
                Field::new(&self.name, t.data_type().clone(), false)
            }
        }
    }

    fn fixed_len(&self) -> Option<usize> {
        match &self.shape {
            Shape::Fixed(dims) => Some(dims.iter().product()),
            Shape::Variable => None,
        }
    }
}

impl fmt::Display for FeatureSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = match self.dtype {
            DType::Float32 => "float32",
            DType::Int64 => "int64",
            DType::Bytes => "bytes",
        };
        match &self.shape {
            Shape::Variable => write!(f, "{}:{t}[*]", self.name),
            Shape::Fixed(d) if d.is_empty() => write!(f, "{}:{t}", self.name),
            Shape::Fixed(d) => {
                let dims: Vec<String> = d.iter().map(|x| x.to_string()).collect();
                write!(f, "{}:{t}[{}]", self.name, dims.join(","))
            }
        }
    }
}

impl FromStr for FeatureSpec {
    type Err = Error;

    /// `name:dtype` (scalar), `name:dtype[801,19]` (fixed) or `name:dtype[*]` (variable);
    /// dtype is `float32`, `int64` or `bytes` (alias `string`).
    fn from_str(s: &str) -> Result<Self> {
        let bad = |why: &str| Error::unsupported(format!("feature spec '{s}': {why}"));
        let (name, rest) = s.rsplit_once(':').ok_or_else(|| bad("expected name:dtype[shape]"))?;
        let (t, shape) = match rest.split_once('[') {
            Some((t, dims)) => {
                let dims = dims.strip_suffix(']').ok_or_else(|| bad("missing ']'"))?;
                let shape = if dims.trim() == "*" {
                    Shape::Variable
                } else if dims.trim().is_empty() {
                    Shape::Fixed(vec![])
                } else {
                    let d: std::result::Result<Vec<usize>, _> = dims.split(',').map(|x| x.trim().parse()).collect();
                    Shape::Fixed(d.map_err(|_| bad("dimensions must be integers or '*'"))?)
                };
                (t, shape)
            }
            None => (rest, Shape::Fixed(vec![])),
        };
        let dtype = match t.trim() {
            "float32" | "float" => DType::Float32,
            "int64" => DType::Int64,
            "bytes" | "string" => DType::Bytes,
            other => return Err(bad(&format!("dtype '{other}' (use float32, int64 or bytes)"))),
        };
        Ok(FeatureSpec { name: name.to_string(), dtype, shape })
    }
}

/// The Arrow schema that [`ExampleBatchBuilder`] produces for `specs`.
pub fn spec_schema(specs: &[FeatureSpec]) -> SchemaRef {
    Arc::new(Schema::new(specs.iter().map(FeatureSpec::field).collect::<Vec<_>>()))
}

enum Values {
    Floats(Vec<f32>),
    Ints(Vec<i64>),
    Bytes(BinaryBuilder),
}

struct ColumnBuilder {
    spec: FeatureSpec,
    values: Values,
    /// Cumulative value counts, for variable-length features.
    offsets: Vec<i32>,
}

/// Where a record came from, for error messages.
#[derive(Debug, Clone, Copy)]
pub struct RecordOrigin<'a> {
    /// File name.
    pub file: &'a str,
    /// Record index in the file.
    pub record: u64,
    /// Byte offset of the record.
    pub offset: u64,
}

/// Accumulates Examples into columns following a spec, then yields a `RecordBatch`.
pub struct ExampleBatchBuilder {
    columns: Vec<ColumnBuilder>,
    rows: usize,
}

impl fmt::Debug for ExampleBatchBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let specs: Vec<String> = self.columns.iter().map(|c| c.spec.to_string()).collect();
        f.debug_struct("ExampleBatchBuilder").field("specs", &specs).field("rows", &self.rows).finish()
    }
}

impl ExampleBatchBuilder {
    /// A builder for `specs` (one column each, in order).
    pub fn new(specs: &[FeatureSpec]) -> Self {
        let columns = specs
            .iter()
            .map(|s| ColumnBuilder {
                spec: s.clone(),
                values: match s.dtype {
                    DType::Float32 => Values::Floats(Vec::new()),
                    DType::Int64 => Values::Ints(Vec::new()),
                    DType::Bytes => Values::Bytes(BinaryBuilder::new()),
                },
                offsets: vec![0],
            })
            .collect();
        ExampleBatchBuilder { columns, rows: 0 }
    }

    /// Rows added since the last [`finish`](Self::finish).
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// Adds one Example; on error nothing of it is kept.
    pub fn push(&mut self, ex: &Example, at: RecordOrigin<'_>) -> Result<()> {
        let mismatch = |feature: &str, what: String| Error::Mismatch {
            file: at.file.to_string(),
            record: at.record,
            offset: at.offset,
            feature: feature.to_string(),
            what,
        };
        // Validate everything first so a bad record leaves the columns untouched.
        for c in &self.columns {
            let spec = &c.spec;
            match ex.feature(&spec.name) {
                None | Some(crate::example::Feature { kind: None }) => {
                    if spec.fixed_len().is_some() {
                        return Err(mismatch(&spec.name, format!("missing (spec {spec} has no default)")));
                    }
                }
                Some(f) => {
                    let kind_ok = matches!(
                        (&f.kind, spec.dtype),
                        (Some(Kind::FloatList(_)), DType::Float32)
                            | (Some(Kind::Int64List(_)), DType::Int64)
                            | (Some(Kind::BytesList(_)), DType::Bytes)
                    );
                    if !kind_ok {
                        return Err(mismatch(
                            &spec.name,
                            format!("holds a {}, spec {spec} wants a {}", f.kind_name(), spec.dtype.list_name()),
                        ));
                    }
                    if let Some(n) = spec.fixed_len()
                        && f.len() != n
                    {
                        return Err(mismatch(&spec.name, format!("has {} values, spec {spec} wants {n}", f.len())));
                    }
                }
            }
        }
        for c in &mut self.columns {
            let kind = ex.feature(&c.spec.name).and_then(|f| f.kind.as_ref());
            match (&mut c.values, kind) {
                (Values::Floats(v), Some(Kind::FloatList(l))) => v.extend_from_slice(&l.value),
                (Values::Ints(v), Some(Kind::Int64List(l))) => v.extend_from_slice(&l.value),
                (Values::Bytes(b), Some(Kind::BytesList(l))) => l.value.iter().for_each(|x| b.append_value(x)),
                _ => {}
            }
            if c.spec.fixed_len().is_none() {
                let n = match &c.values {
                    Values::Floats(v) => v.len(),
                    Values::Ints(v) => v.len(),
                    Values::Bytes(b) => b.len(),
                };
                let n = i32::try_from(n).map_err(|_| {
                    Error::unsupported(format!("feature '{}': more than 2^31 values in one batch", c.spec.name))
                })?;
                c.offsets.push(n);
            }
        }
        self.rows += 1;
        Ok(())
    }

    /// The rows added so far as a batch (schema [`spec_schema`]); the builder starts empty again.
    pub fn finish(&mut self) -> Result<RecordBatch> {
        let specs: Vec<FeatureSpec> = self.columns.iter().map(|c| c.spec.clone()).collect();
        let schema = spec_schema(&specs);
        let rows = std::mem::take(&mut self.rows);
        let mut arrays: Vec<ArrayRef> = Vec::with_capacity(self.columns.len());
        for c in &mut self.columns {
            let leaf: ArrayRef = match &mut c.values {
                Values::Floats(v) => Arc::new(Float32Array::from(std::mem::take(v))),
                Values::Ints(v) => Arc::new(Int64Array::from(std::mem::take(v))),
                Values::Bytes(b) => Arc::new(BinaryArray::from(b.finish())),
            };
            let item = Arc::new(Field::new("item", c.spec.dtype.arrow(), false));
            let array: ArrayRef = match &c.spec.shape {
                Shape::Variable => {
                    let offsets = std::mem::replace(&mut c.offsets, vec![0]);
                    let offsets = OffsetBuffer::new(ScalarBuffer::from(offsets));
                    Arc::new(ListArray::try_new(item, offsets, leaf, None)?)
                }
                Shape::Fixed(dims) => {
                    let mut array = leaf;
                    let mut field = item;
                    for d in dims.iter().rev() {
                        let size = i32::try_from(*d)
                            .map_err(|_| Error::unsupported(format!("dimension {d} of '{}'", c.spec.name)))?;
                        let list = FixedSizeListArray::try_new(field.clone(), size, array, None)?;
                        field = Arc::new(Field::new("item", list.data_type().clone(), false));
                        array = Arc::new(list);
                    }
                    array
                }
            };
            arrays.push(array);
        }
        let options = arrow_array::RecordBatchOptions::new().with_row_count(Some(rows));
        Ok(RecordBatch::try_new_with_options(schema, arrays, &options)?)
    }
}

/// Parses `examples` into one batch following `specs` (errors name `file` and the record index).
pub fn examples_to_batch(examples: &[Example], specs: &[FeatureSpec], file: &str) -> Result<RecordBatch> {
    let mut b = ExampleBatchBuilder::new(specs);
    for (i, ex) in examples.iter().enumerate() {
        b.push(ex, RecordOrigin { file, record: i as u64, offset: 0 })?;
    }
    b.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spec_strings() {
        let s: FeatureSpec = "GRU_input:float32[801,19]".parse().unwrap();
        assert_eq!(s, FeatureSpec::fixed("GRU_input", DType::Float32, &[801, 19]));
        assert_eq!(s.to_string(), "GRU_input:float32[801,19]");
        assert_eq!("ids:int64[*]".parse::<FeatureSpec>().unwrap(), FeatureSpec::variable("ids", DType::Int64));
        assert_eq!("x:bytes".parse::<FeatureSpec>().unwrap(), FeatureSpec::fixed("x", DType::Bytes, &[]));
        assert!("x:float16[2]".parse::<FeatureSpec>().is_err());
        assert!("x".parse::<FeatureSpec>().is_err());
    }
}
