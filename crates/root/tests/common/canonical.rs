//! tests/common: the canonical form of Arrow arrays that the conformance tests compare with uproot.
//!
//! The same form is computed on the Python side by `tests/peers/uproot_reference.py` (its module
//! docstring is the specification): per list level, the list lengths hashed as little-endian
//! int64; per leaf, every value in entry order as little-endian int64 (all integer types, u64
//! wrapping), float64 (all floating types, one canonical NaN), one byte (booleans), or the UTF-8
//! bytes of strings (whose byte lengths form one more, innermost level). A struct splits the array
//! into one part per field (struct fields named by Arrow; map entries as the tuple fields "0", "1").

use std::collections::HashMap;

use arrow_array::cast::AsArray;
use arrow_array::types::{
    ArrowPrimitiveType, Float16Type, Float32Type, Float64Type, Int8Type, Int16Type, Int32Type, Int64Type, UInt8Type,
    UInt16Type, UInt32Type, UInt64Type,
};
use arrow_array::{Array, ArrayRef, FixedSizeListArray, LargeListArray, ListArray};
use arrow_schema::{DataType, Field};
use sha2::{Digest, Sha256};

/// The canonical NaN every floating NaN is written as.
pub const CANONICAL_NAN_BITS: u64 = 0x7FF8_0000_0000_0000;

/// How many leading values a part keeps for messages.
const HEAD: usize = 5;

/// The value kind of a canonical part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Every integer type, as little-endian int64.
    Int64,
    /// Every floating type, as little-endian float64.
    Float64,
    /// Booleans, one byte each.
    Bool,
    /// Strings (or binary): UTF-8 bytes, lengths in an extra level.
    Utf8,
}

impl Kind {
    /// The name used in the reference JSON.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Int64 => "int64",
            Kind::Float64 => "float64",
            Kind::Bool => "bool",
            Kind::Utf8 => "utf8",
        }
    }
}

/// One list level: how many lists, the sum of their lengths, and the hash of the lengths.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Level {
    /// Number of lists at this level.
    pub n: u64,
    /// Sum of the list lengths.
    pub total: i64,
    /// SHA-256 (hex) of the lengths as little-endian int64.
    pub sha256: String,
}

/// The canonical form of one leaf of an array.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// Struct field names from the outside in (empty for a non-struct array).
    pub field: Vec<String>,
    /// List levels from the outside in.
    pub levels: Vec<Level>,
    /// Value kind.
    pub kind: Kind,
    /// The Arrow data type of the leaf (for messages only).
    pub dtype: String,
    /// Number of values (strings for `Utf8`).
    pub n_values: u64,
    /// SHA-256 (hex) of the canonical value bytes.
    pub values_sha256: String,
    /// The first values, as text (for messages only).
    pub head: Vec<String>,
}

#[derive(Debug, Default)]
struct LevelAcc {
    n: u64,
    total: i64,
    hash: Sha256,
}

#[derive(Debug)]
struct PartAcc {
    field: Vec<String>,
    levels: Vec<LevelAcc>,
    kind: Kind,
    dtype: String,
    n_values: u64,
    hash: Sha256,
    head: Vec<String>,
}

/// Accumulates the canonical form of a column over several batches (entry order is batch order).
#[derive(Debug, Default)]
pub struct Canonicalizer {
    parts: Vec<PartAcc>,
    index: HashMap<Vec<String>, usize>,
    /// Rows seen so far.
    pub rows: u64,
}

impl Canonicalizer {
    /// A new, empty accumulator.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds one batch's array of the column.
    pub fn push(&mut self, array: &dyn Array) -> Result<(), String> {
        self.rows += array.len() as u64;
        let mut field = Vec::new();
        let mut counts = Vec::new();
        self.walk(array, &mut field, &mut counts)
    }

    /// The finished parts, in walk order.
    pub fn finish(self) -> Vec<Part> {
        self.parts
            .into_iter()
            .map(|p| Part {
                field: p.field,
                levels: p
                    .levels
                    .into_iter()
                    .map(|l| Level { n: l.n, total: l.total, sha256: hex(l.hash.finalize().as_slice()) })
                    .collect(),
                kind: p.kind,
                dtype: p.dtype,
                n_values: p.n_values,
                values_sha256: hex(p.hash.finalize().as_slice()),
                head: p.head,
            })
            .collect()
    }

    /// Walks `array`; `counts` holds the list lengths of each level above it, for this batch.
    fn walk(&mut self, array: &dyn Array, field: &mut Vec<String>, counts: &mut Vec<Vec<i64>>) -> Result<(), String> {
        if array.null_count() > 0 {
            return Err(format!(
                "{} null values in a {} array: nullable data has no canonical form",
                array.null_count(),
                array.data_type()
            ));
        }
        match array.data_type() {
            DataType::List(_) => {
                let list = array.as_list::<i32>();
                let offsets = list.value_offsets();
                let (first, last) = first_last(offsets)?;
                let (first, last) = (first as usize, last as usize);
                counts.push(offsets.windows(2).map(|w| i64::from(w[1] - w[0])).collect());
                let values = list.values().slice(first, last - first);
                let r = self.walk(values.as_ref(), field, counts);
                counts.pop();
                r
            }
            DataType::LargeList(_) => {
                let list = array.as_list::<i64>();
                let offsets = list.value_offsets();
                let (first, last) = first_last(offsets)?;
                counts.push(offsets.windows(2).map(|w| w[1] - w[0]).collect());
                let values = list.values().slice(first as usize, (last - first) as usize);
                let r = self.walk(values.as_ref(), field, counts);
                counts.pop();
                r
            }
            DataType::FixedSizeList(_, size) => {
                let list = array.as_fixed_size_list();
                counts.push(vec![i64::from(*size); list.len()]);
                let r = self.walk(list.values().as_ref(), field, counts);
                counts.pop();
                r
            }
            DataType::Map(_, _) => {
                let map = array.as_map();
                let offsets = map.value_offsets();
                let (first, last) = first_last(offsets)?;
                let (first, last) = (first as usize, last as usize);
                counts.push(offsets.windows(2).map(|w| i64::from(w[1] - w[0])).collect());
                let entries = map.entries().slice(first, last - first);
                let mut r = Ok(());
                for (i, column) in entries.columns().iter().enumerate() {
                    field.push(i.to_string());
                    r = self.walk(column.as_ref(), field, counts);
                    field.pop();
                    if r.is_err() {
                        break;
                    }
                }
                counts.pop();
                r
            }
            DataType::Struct(fields) => {
                let structure = array.as_struct();
                for (f, column) in fields.iter().zip(structure.columns()) {
                    field.push(f.name().clone());
                    let r = self.walk(column.as_ref(), field, counts);
                    field.pop();
                    r?;
                }
                Ok(())
            }
            DataType::Utf8 => {
                let a = array.as_string::<i32>();
                self.strings(field, counts, array.data_type(), a.iter().map(|s| s.unwrap_or("").as_bytes()))
            }
            DataType::LargeUtf8 => {
                let a = array.as_string::<i64>();
                self.strings(field, counts, array.data_type(), a.iter().map(|s| s.unwrap_or("").as_bytes()))
            }
            DataType::Utf8View => {
                let a = array.as_string_view();
                self.strings(field, counts, array.data_type(), a.iter().map(|s| s.unwrap_or("").as_bytes()))
            }
            DataType::Binary => {
                let a = array.as_binary::<i32>();
                self.strings(field, counts, array.data_type(), a.iter().map(|s| s.unwrap_or(b"")))
            }
            DataType::LargeBinary => {
                let a = array.as_binary::<i64>();
                self.strings(field, counts, array.data_type(), a.iter().map(|s| s.unwrap_or(b"")))
            }
            DataType::BinaryView => {
                let a = array.as_binary_view();
                self.strings(field, counts, array.data_type(), a.iter().map(|s| s.unwrap_or(b"")))
            }
            DataType::Boolean => {
                let a = array.as_boolean();
                let bytes: Vec<u8> = a.iter().map(|b| u8::from(b.unwrap_or(false))).collect();
                let head = a.iter().take(HEAD).map(|b| if b.unwrap_or(false) { "True" } else { "False" }.to_string());
                self.leaf(field, counts, Kind::Bool, array.data_type(), bytes.len() as u64, &bytes, head.collect())
            }
            DataType::Int8 => self.ints(field, counts, array, widen::<Int8Type>(array)),
            DataType::Int16 => self.ints(field, counts, array, widen::<Int16Type>(array)),
            DataType::Int32 => self.ints(field, counts, array, widen::<Int32Type>(array)),
            DataType::Int64 => self.ints(field, counts, array, widen::<Int64Type>(array)),
            DataType::UInt8 => self.ints(field, counts, array, widen::<UInt8Type>(array)),
            DataType::UInt16 => self.ints(field, counts, array, widen::<UInt16Type>(array)),
            DataType::UInt32 => self.ints(field, counts, array, widen::<UInt32Type>(array)),
            // Two's-complement wrap, exactly numpy's `astype(int64)`.
            DataType::UInt64 => {
                let values = array.as_primitive::<UInt64Type>().values().iter().map(|&v| v as i64).collect();
                self.ints(field, counts, array, values)
            }
            DataType::Float16 => {
                let values = array.as_primitive::<Float16Type>().values().iter().map(|v| v.to_f64()).collect();
                self.floats(field, counts, array, values)
            }
            DataType::Float32 => self.floats(field, counts, array, widen_float::<Float32Type>(array)),
            DataType::Float64 => self.floats(field, counts, array, widen_float::<Float64Type>(array)),
            DataType::Null if array.is_empty() => {
                self.leaf(field, counts, Kind::Float64, array.data_type(), 0, &[], Vec::new())
            }
            other => Err(format!("Arrow type {other} has no canonical form")),
        }
    }

    fn ints(
        &mut self,
        field: &[String],
        counts: &[Vec<i64>],
        array: &dyn Array,
        values: Vec<i64>,
    ) -> Result<(), String> {
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        let head = values.iter().take(HEAD).map(|v| v.to_string()).collect();
        self.leaf(field, counts, Kind::Int64, array.data_type(), values.len() as u64, &bytes, head)
    }

    fn floats(
        &mut self,
        field: &[String],
        counts: &[Vec<i64>],
        array: &dyn Array,
        mut values: Vec<f64>,
    ) -> Result<(), String> {
        for v in values.iter_mut().filter(|v| v.is_nan()) {
            *v = f64::from_bits(CANONICAL_NAN_BITS);
        }
        let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
        let head = values.iter().take(HEAD).map(|v| format!("{v:?}")).collect();
        self.leaf(field, counts, Kind::Float64, array.data_type(), values.len() as u64, &bytes, head)
    }

    fn strings<'a>(
        &mut self,
        field: &[String],
        counts: &[Vec<i64>],
        dtype: &DataType,
        values: impl Iterator<Item = &'a [u8]>,
    ) -> Result<(), String> {
        let mut lengths = Vec::new();
        let mut bytes = Vec::new();
        let mut head = Vec::new();
        for v in values {
            lengths.push(v.len() as i64);
            bytes.extend_from_slice(v);
            if head.len() < HEAD {
                let text = String::from_utf8_lossy(v);
                head.push(if text.chars().count() <= 60 {
                    text.into_owned()
                } else {
                    text.chars().take(57).collect::<String>() + "..."
                });
            }
        }
        let n = lengths.len() as u64;
        let mut all = counts.to_vec();
        all.push(lengths);
        self.leaf(field, &all, Kind::Utf8, dtype, n, &bytes, head)
    }

    #[allow(clippy::too_many_arguments)]
    fn leaf(
        &mut self,
        field: &[String],
        counts: &[Vec<i64>],
        kind: Kind,
        dtype: &DataType,
        n_values: u64,
        bytes: &[u8],
        head: Vec<String>,
    ) -> Result<(), String> {
        let i = match self.index.get(field) {
            Some(&i) => i,
            None => {
                self.parts.push(PartAcc {
                    field: field.to_vec(),
                    levels: (0..counts.len()).map(|_| LevelAcc::default()).collect(),
                    kind,
                    dtype: dtype.to_string(),
                    n_values: 0,
                    hash: Sha256::new(),
                    head: Vec::new(),
                });
                self.index.insert(field.to_vec(), self.parts.len() - 1);
                self.parts.len() - 1
            }
        };
        let part = &mut self.parts[i];
        if part.kind != kind || part.levels.len() != counts.len() {
            return Err(format!("field {field:?} changes type between batches"));
        }
        for (acc, level) in part.levels.iter_mut().zip(counts) {
            acc.n += level.len() as u64;
            for c in level {
                acc.total += c;
                acc.hash.update(c.to_le_bytes());
            }
        }
        part.n_values += n_values;
        part.hash.update(bytes);
        let room = HEAD.saturating_sub(part.head.len());
        part.head.extend(head.into_iter().take(room));
        Ok(())
    }
}

/// The values of an integer array widened to i64.
fn widen<T: ArrowPrimitiveType>(array: &dyn Array) -> Vec<i64>
where
    T::Native: Into<i64>,
{
    array.as_primitive::<T>().values().iter().map(|&v| v.into()).collect()
}

/// The values of a float array widened to f64.
fn widen_float<T: ArrowPrimitiveType>(array: &dyn Array) -> Vec<f64>
where
    T::Native: Into<f64>,
{
    array.as_primitive::<T>().values().iter().map(|&v| v.into()).collect()
}

fn first_last<T: Copy>(offsets: &[T]) -> Result<(T, T), String> {
    match (offsets.first(), offsets.last()) {
        (Some(&a), Some(&b)) => Ok((a, b)),
        _ => Err("list array without offsets".to_string()),
    }
}

/// The canonical form of a whole column given as batches.
pub fn canonical(arrays: &[ArrayRef]) -> Result<(u64, Vec<Part>), String> {
    let mut c = Canonicalizer::new();
    for a in arrays {
        c.push(a.as_ref())?;
    }
    let rows = c.rows;
    Ok((rows, c.finish()))
}

/// Projects `array` onto struct field `name`, through any lists above the struct: a
/// `List<Struct{a, b}>` projected on `a` is `List<a>` with the same offsets.
pub fn project(array: &ArrayRef, name: &str) -> Result<ArrayRef, String> {
    match array.data_type() {
        DataType::Struct(fields) => {
            let structure = array.as_struct();
            if let Some(column) = structure.column_by_name(name) {
                return Ok(column.clone());
            }
            let names: Vec<&str> = fields.iter().map(|f| f.name().as_str()).collect();
            Err(format!("no field '{name}' in struct; fields: {}", names.join(", ")))
        }
        DataType::List(_) => {
            let list = array.as_list::<i32>();
            let values = project(list.values(), name)?;
            let field = Field::new("item", values.data_type().clone(), true);
            let out = ListArray::try_new(field.into(), list.offsets().clone(), values, list.nulls().cloned())
                .map_err(|e| e.to_string())?;
            Ok(std::sync::Arc::new(out))
        }
        DataType::LargeList(_) => {
            let list = array.as_list::<i64>();
            let values = project(list.values(), name)?;
            let field = Field::new("item", values.data_type().clone(), true);
            let out = LargeListArray::try_new(field.into(), list.offsets().clone(), values, list.nulls().cloned())
                .map_err(|e| e.to_string())?;
            Ok(std::sync::Arc::new(out))
        }
        DataType::FixedSizeList(_, size) => {
            let list = array.as_fixed_size_list();
            let values = project(list.values(), name)?;
            let field = Field::new("item", values.data_type().clone(), true);
            let out = FixedSizeListArray::try_new(field.into(), *size, values, list.nulls().cloned())
                .map_err(|e| e.to_string())?;
            Ok(std::sync::Arc::new(out))
        }
        other => Err(format!("cannot find field '{name}' inside a {other} array")),
    }
}

/// Lower-case hex of bytes.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// SHA-256 (hex) of bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(Sha256::digest(bytes).as_slice())
}
