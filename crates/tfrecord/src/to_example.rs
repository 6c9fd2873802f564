//! arrow → example: one `tf.train.Example` per `RecordBatch` row. Numeric scalars and (nested) lists of
//! floats become `FloatList` (float64 cast to float32), of integers or booleans `Int64List`, strings and
//! binaries `BytesList`; nested lists are flattened row-major. A null row value leaves its feature out.

use std::borrow::Cow;

use arrow_array::cast::AsArray;
use arrow_array::types::*;
use arrow_array::{Array, ArrayRef, ArrowPrimitiveType, RecordBatch};
use arrow_buffer::NullBuffer;
use arrow_schema::DataType;
use prost::Message;

use crate::error::{Error, Result};
use crate::example::{Example, Feature, Features};

/// One list level between a column and its leaf values.
enum Level<'a> {
    Offsets32(&'a [i32], Option<&'a NullBuffer>),
    Offsets64(&'a [i64], Option<&'a NullBuffer>),
    Fixed(usize, Option<&'a NullBuffer>),
}

impl Level<'_> {
    fn map(&self, (a, b): (usize, usize)) -> (usize, usize) {
        match self {
            Level::Offsets32(o, _) => (o[a] as usize, o[b] as usize),
            Level::Offsets64(o, _) => (o[a] as usize, o[b] as usize),
            Level::Fixed(n, _) => (a * n, b * n),
        }
    }

    fn nulls(&self) -> Option<&NullBuffer> {
        match self {
            Level::Offsets32(_, n) | Level::Offsets64(_, n) | Level::Fixed(_, n) => *n,
        }
    }
}

/// Leaf values of a column, converted once to the Example value types.
enum Leaf<'a> {
    Floats(Cow<'a, [f32]>),
    Ints(Cow<'a, [i64]>),
    Bytes(&'a dyn Array),
}

struct Column<'a> {
    name: String,
    top_nulls: Option<&'a NullBuffer>,
    levels: Vec<Level<'a>>,
    leaf: Leaf<'a>,
    leaf_nulls: Option<&'a NullBuffer>,
}

fn floats<'a, T: ArrowPrimitiveType>(a: &'a dyn Array, f: impl Fn(T::Native) -> f32) -> Leaf<'a> {
    Leaf::Floats(Cow::Owned(a.as_primitive::<T>().values().iter().map(|v| f(*v)).collect()))
}

fn ints<'a, T: ArrowPrimitiveType>(a: &'a dyn Array) -> Leaf<'a>
where
    T::Native: Into<i64>,
{
    Leaf::Ints(Cow::Owned(a.as_primitive::<T>().values().iter().map(|v| (*v).into()).collect()))
}

fn leaf_of<'a>(name: &str, a: &'a dyn Array) -> Result<Leaf<'a>> {
    Ok(match a.data_type() {
        DataType::Float32 => Leaf::Floats(Cow::Borrowed(a.as_primitive::<Float32Type>().values())),
        DataType::Float64 => floats::<Float64Type>(a, |v| v as f32),
        DataType::Float16 => floats::<Float16Type>(a, |v| v.to_f32()),
        DataType::Int64 => Leaf::Ints(Cow::Borrowed(a.as_primitive::<Int64Type>().values())),
        DataType::Int8 => ints::<Int8Type>(a),
        DataType::Int16 => ints::<Int16Type>(a),
        DataType::Int32 => ints::<Int32Type>(a),
        DataType::UInt8 => ints::<UInt8Type>(a),
        DataType::UInt16 => ints::<UInt16Type>(a),
        DataType::UInt32 => ints::<UInt32Type>(a),
        DataType::UInt64 => {
            let p = a.as_primitive::<UInt64Type>();
            let mut out = Vec::with_capacity(p.len());
            for (i, v) in p.values().iter().enumerate() {
                match i64::try_from(*v) {
                    Ok(v) => out.push(v),
                    Err(_) if p.is_null(i) => out.push(0),
                    Err(_) => {
                        return Err(Error::unsupported(format!(
                            "column '{name}': uint64 value {v} does not fit Int64List"
                        )));
                    }
                }
            }
            Leaf::Ints(Cow::Owned(out))
        }
        DataType::Boolean => Leaf::Ints(Cow::Owned(a.as_boolean().values().iter().map(i64::from).collect())),
        DataType::Utf8
        | DataType::LargeUtf8
        | DataType::Utf8View
        | DataType::Binary
        | DataType::LargeBinary
        | DataType::BinaryView
        | DataType::FixedSizeBinary(_) => Leaf::Bytes(a),
        other => {
            return Err(Error::unsupported(format!(
                "column '{name}': Arrow type {other} has no tf.train.Feature form"
            )));
        }
    })
}

fn bytes_at(a: &dyn Array, i: usize) -> &[u8] {
    match a.data_type() {
        DataType::Utf8 => a.as_string::<i32>().value(i).as_bytes(),
        DataType::LargeUtf8 => a.as_string::<i64>().value(i).as_bytes(),
        DataType::Utf8View => a.as_string_view().value(i).as_bytes(),
        DataType::Binary => a.as_binary::<i32>().value(i),
        DataType::LargeBinary => a.as_binary::<i64>().value(i),
        DataType::BinaryView => a.as_binary_view().value(i),
        DataType::FixedSizeBinary(_) => a.as_fixed_size_binary().value(i),
        _ => &[],
    }
}

impl<'a> Column<'a> {
    fn new(name: &str, array: &'a ArrayRef) -> Result<Self> {
        let mut levels = Vec::new();
        let mut a: &'a dyn Array = array.as_ref();
        loop {
            match a.data_type() {
                DataType::List(_) => {
                    let l = a.as_list::<i32>();
                    levels.push(Level::Offsets32(l.value_offsets(), l.nulls()));
                    a = l.values().as_ref();
                }
                DataType::LargeList(_) => {
                    let l = a.as_list::<i64>();
                    levels.push(Level::Offsets64(l.value_offsets(), l.nulls()));
                    a = l.values().as_ref();
                }
                DataType::FixedSizeList(_, n) => {
                    let l = a.as_fixed_size_list();
                    levels.push(Level::Fixed(usize::try_from(*n).unwrap_or(0), l.nulls()));
                    a = l.values().as_ref();
                }
                _ => break,
            }
        }
        Ok(Column {
            name: name.to_string(),
            top_nulls: array.nulls(),
            levels,
            leaf: leaf_of(name, a)?,
            leaf_nulls: a.nulls(),
        })
    }

    /// The feature of `row`, or `None` when the row's value is null.
    fn feature(&self, row: usize) -> Result<Option<Feature>> {
        if self.top_nulls.is_some_and(|n| n.is_null(row)) {
            return Ok(None);
        }
        let mut range = (row, row + 1);
        for (depth, level) in self.levels.iter().enumerate() {
            if depth > 0 {
                self.check_no_nulls(level.nulls(), range, row)?;
            }
            range = level.map(range);
        }
        self.check_no_nulls(self.leaf_nulls, range, row)?;
        let (a, b) = range;
        Ok(Some(match &self.leaf {
            Leaf::Floats(v) => Feature::floats(v[a..b].to_vec()),
            Leaf::Ints(v) => Feature::int64s(v[a..b].to_vec()),
            Leaf::Bytes(arr) => Feature::bytes((a..b).map(|i| bytes_at(*arr, i).to_vec()).collect()),
        }))
    }

    fn check_no_nulls(&self, nulls: Option<&NullBuffer>, (a, b): (usize, usize), row: usize) -> Result<()> {
        if let Some(n) = nulls.filter(|n| n.null_count() > 0)
            && (a..b).any(|i| n.is_null(i))
        {
            return Err(Error::unsupported(format!(
                "column '{}', row {row}: a null inside a list has no tf.train.Feature form",
                self.name
            )));
        }
        Ok(())
    }
}

/// Turns the rows of one `RecordBatch` into Examples (one feature per column, named after it).
pub struct RowEncoder<'a> {
    columns: Vec<Column<'a>>,
    rows: usize,
}

impl std::fmt::Debug for RowEncoder<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names: Vec<&str> = self.columns.iter().map(|c| c.name.as_str()).collect();
        f.debug_struct("RowEncoder").field("columns", &names).field("rows", &self.rows).finish()
    }
}

impl<'a> RowEncoder<'a> {
    /// Checks every column's type up front: an unsupported one fails here, before any row is written.
    pub fn new(batch: &'a RecordBatch) -> Result<Self> {
        let schema = batch.schema_ref();
        let columns = schema
            .fields()
            .iter()
            .zip(batch.columns())
            .map(|(f, a)| Column::new(f.name(), a))
            .collect::<Result<Vec<_>>>()?;
        Ok(RowEncoder { columns, rows: batch.num_rows() })
    }

    /// Number of rows.
    pub fn rows(&self) -> usize {
        self.rows
    }

    /// The Example of `row` (`row < rows()`).
    pub fn example(&self, row: usize) -> Result<Example> {
        if row >= self.rows {
            return Err(Error::unsupported(format!("row {row} of a batch of {} rows", self.rows)));
        }
        let mut features = Features::default();
        for c in &self.columns {
            if let Some(f) = c.feature(row)? {
                features.feature.insert(c.name.clone(), f);
            }
        }
        Ok(Example { features: Some(features) })
    }

    /// Appends the serialized Example of `row` to `buf` (cleared first).
    pub fn encode_row(&self, row: usize, buf: &mut Vec<u8>) -> Result<()> {
        buf.clear();
        let ex = self.example(row)?;
        buf.reserve(ex.encoded_len());
        ex.encode_raw(buf);
        Ok(())
    }
}

/// Every row of `batch` as an Example.
pub fn batch_to_examples(batch: &RecordBatch) -> Result<Vec<Example>> {
    let enc = RowEncoder::new(batch)?;
    (0..enc.rows()).map(|r| enc.example(r)).collect()
}
