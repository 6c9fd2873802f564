//! rntuple/assemble (layer 5): the RNTuple field tree → Arrow types, and decoded cluster columns → Arrow arrays.
//!
//! Mapping: leaf → primitive (Bit → Boolean), `std::string` → Utf8, collections (`std::vector`, `RVec`, sets,
//! maps, untyped collections) → List, records (classes, pairs, tuples, untyped records) → Struct with base
//! classes inlined, fixed-size arrays and `std::bitset` → FixedSizeList, `std::optional`/`std::unique_ptr` →
//! nullable, `std::variant` → dense Union (type ID `k` = alternative `_k`), atomics and enums → their
//! underlying type, `RNTupleCardinality` → collection sizes.

use std::borrow::Cow;
use std::collections::HashMap;
use std::sync::Arc;

use arrow_array::types::*;
use arrow_array::{
    Array, ArrayRef, BooleanArray, FixedSizeListArray, ListArray, PrimitiveArray, StringArray, StructArray,
    UInt32Array, UnionArray,
};
use arrow_buffer::{OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Fields, UnionFields, UnionMode};

use crate::error::{Error, Result};
use crate::rntuple::column::ColumnValues;
use crate::rntuple::schema::{ColumnPages, FIELD_REPETITIVE, FieldRole, Schema};

/// Deepest field nesting we follow (guards against corrupt parent links).
const MAX_DEPTH: usize = 64;

/// The field hierarchy and each field's columns, grouped by representation.
#[derive(Debug, Clone)]
pub(crate) struct FieldTree {
    /// Top-level field IDs in order.
    pub top: Vec<usize>,
    /// Subfields of each field, in ID order.
    pub children: Vec<Vec<usize>>,
    /// Per field, per representation index, the physical column IDs (aliases resolved).
    pub columns: Vec<Vec<Vec<usize>>>,
}

/// Members contributed by one base class (its type name) or by the record itself (`None`).
type MemberGroup<'a> = (Option<&'a str>, Vec<(String, usize)>);

/// How a field becomes an Arrow array.
#[derive(Debug, Clone)]
enum Shape {
    Primitive(DataType),
    String,
    Cardinality(DataType),
    Bitset(usize),
    Passthrough(usize),
    FixedArray(usize, usize),
    List(usize),
    Optional(usize),
    Struct(Vec<(String, usize)>),
    Variant(Vec<usize>),
}

impl FieldTree {
    /// Builds the tree; fails on dangling field or column references.
    pub fn new(schema: &Schema) -> Result<Self> {
        let n = schema.fields.len();
        let mut top = Vec::new();
        let mut children = vec![Vec::new(); n];
        for (id, f) in schema.fields.iter().enumerate() {
            let parent = f.parent as usize;
            if parent == id {
                top.push(id);
            } else if parent < n {
                children[parent].push(id);
            } else {
                return Err(Error::corrupt(0, format!("field {id} '{}' has parent {parent} of {n} fields", f.name)));
            }
        }
        let mut columns: Vec<Vec<Vec<usize>>> = vec![Vec::new(); n];
        let mut add = |field: usize, physical: usize, repr: usize| {
            let reprs = &mut columns[field];
            if reprs.len() <= repr {
                reprs.resize(repr + 1, Vec::new());
            }
            reprs[repr].push(physical);
        };
        for (id, c) in schema.columns.iter().enumerate() {
            if c.field as usize >= n {
                return Err(Error::corrupt(0, format!("column {id} belongs to field {} of {n}", c.field)));
            }
            add(c.field as usize, id, c.representation as usize);
        }
        for a in &schema.aliases {
            let phys = schema.columns.get(a.physical as usize);
            match phys {
                Some(c) if (a.field as usize) < n => {
                    add(a.field as usize, a.physical as usize, c.representation as usize)
                }
                _ => {
                    return Err(Error::corrupt(
                        0,
                        format!("alias column for field {} points to column {}", a.field, a.physical),
                    ));
                }
            }
        }
        Ok(FieldTree { top, children, columns })
    }

    /// Dotted path of a field, for messages.
    fn path(&self, schema: &Schema, id: usize) -> String {
        let mut parts = Vec::new();
        let mut cur = id;
        for _ in 0..MAX_DEPTH {
            let Some(f) = schema.fields.get(cur) else { break };
            parts.push(f.name.as_str());
            if f.parent as usize == cur {
                break;
            }
            cur = f.parent as usize;
        }
        parts.reverse();
        parts.join(".")
    }

    fn unsupported(&self, schema: &Schema, id: usize, why: &str) -> Error {
        let ty = schema.fields.get(id).map(|f| f.type_name.as_str()).unwrap_or("?");
        Error::unsupported(format!("field '{}' of type '{ty}': {why}", self.path(schema, id)))
    }

    fn first_repr(&self, id: usize) -> &[usize] {
        self.columns.get(id).and_then(|r| r.first()).map(|v| v.as_slice()).unwrap_or(&[])
    }

    fn shape(&self, schema: &Schema, id: usize) -> Result<Shape> {
        let f = &schema.fields[id];
        let kids = &self.children[id];
        let ncols = self.first_repr(id).len();
        let ty = f.type_name.as_str();
        let repetitive = f.flags & FIELD_REPETITIVE != 0;
        match f.role {
            FieldRole::Leaf if repetitive && kids.len() == 1 && ncols == 0 => {
                Ok(Shape::FixedArray(kids[0], self.repetition(schema, id)?))
            }
            FieldRole::Leaf if repetitive && kids.is_empty() && ncols == 1 => {
                let col = self.first_repr(id)[0];
                if schema.columns[col].kind == crate::rntuple::ColumnType::Bit {
                    Ok(Shape::Bitset(self.repetition(schema, id)?))
                } else {
                    Err(self.unsupported(schema, id, "repetitive leaf that is not a bitset"))
                }
            }
            FieldRole::Leaf if ncols == 0 && kids.len() == 1 => Ok(Shape::Passthrough(kids[0])),
            FieldRole::Leaf if ty == "std::string" && ncols == 2 => Ok(Shape::String),
            FieldRole::Leaf if ty.starts_with("ROOT::RNTupleCardinality<") && ncols == 1 => {
                let dt = if ty.contains("uint64") { DataType::UInt64 } else { DataType::UInt32 };
                Ok(Shape::Cardinality(dt))
            }
            FieldRole::Leaf if ncols == 1 && kids.is_empty() => match primitive_type(ty) {
                Some(dt) => Ok(Shape::Primitive(dt)),
                None => Err(self.unsupported(schema, id, "no Arrow mapping for this leaf type")),
            },
            FieldRole::Leaf => Err(self.unsupported(schema, id, &format!("leaf with {ncols} columns"))),
            FieldRole::Collection if kids.len() == 1 && ncols == 1 => {
                if ty.starts_with("std::optional<") || ty.starts_with("std::unique_ptr<") {
                    Ok(Shape::Optional(kids[0]))
                } else {
                    Ok(Shape::List(kids[0]))
                }
            }
            FieldRole::Collection => {
                Err(self.unsupported(schema, id, &format!("collection with {} subfields, {ncols} columns", kids.len())))
            }
            FieldRole::Record if repetitive => Err(self.unsupported(schema, id, "repetitive record")),
            FieldRole::Record => Ok(Shape::Struct(self.record_members(schema, id, 0)?)),
            FieldRole::Variant if ncols == 1 && !kids.is_empty() && kids.len() <= 125 => {
                Ok(Shape::Variant(kids.clone()))
            }
            FieldRole::Variant => {
                Err(self.unsupported(schema, id, &format!("variant with {} alternatives, {ncols} columns", kids.len())))
            }
            FieldRole::Streamer => Err(self.unsupported(schema, id, "ROOT-streamed (unsplit) field")),
            FieldRole::Unknown(r) => Err(self.unsupported(schema, id, &format!("structural role {r:#x}"))),
        }
    }

    fn repetition(&self, schema: &Schema, id: usize) -> Result<usize> {
        let n = schema.fields[id].repetition;
        match i32::try_from(n) {
            Ok(v) if v > 0 => Ok(v as usize),
            _ => Err(Error::corrupt(0, format!("field '{}' repeats {n} times", self.path(schema, id)))),
        }
    }

    /// Members of a record with base classes (`:_N` subfields) inlined; clashing names get `Base::` prefixes.
    fn record_members(&self, schema: &Schema, id: usize, depth: usize) -> Result<Vec<(String, usize)>> {
        if depth > MAX_DEPTH {
            return Err(Error::corrupt(0, format!("field '{}' nests too deep", self.path(schema, id))));
        }
        let mut groups: Vec<MemberGroup> = Vec::new();
        let mut own = Vec::new();
        for &k in &self.children[id] {
            let f = &schema.fields[k];
            if f.name.starts_with(':') && f.role == FieldRole::Record {
                groups.push((Some(f.type_name.as_str()), self.record_members(schema, k, depth + 1)?));
            } else {
                own.push((f.name.clone(), k));
            }
        }
        groups.push((None, own));
        let mut counts: HashMap<&str, usize> = HashMap::new();
        for (_, members) in &groups {
            for (name, _) in members {
                *counts.entry(name.as_str()).or_default() += 1;
            }
        }
        let mut out = Vec::new();
        for (base, members) in &groups {
            for (name, k) in members {
                let clash = counts.get(name.as_str()).copied().unwrap_or(0) > 1;
                let name = match base {
                    Some(b) if clash => format!("{b}::{name}"),
                    _ => name.clone(),
                };
                out.push((name, *k));
            }
        }
        Ok(out)
    }

    /// The Arrow field of field `id`.
    pub fn arrow_field(&self, schema: &Schema, id: usize) -> Result<Field> {
        let name = schema.fields[id].name.clone();
        Ok(Field::new(name, self.arrow_type(schema, id, 0)?, self.nullable(schema, id)))
    }

    fn arrow_type(&self, schema: &Schema, id: usize, depth: usize) -> Result<DataType> {
        if depth > MAX_DEPTH {
            return Err(Error::corrupt(0, format!("field '{}' nests too deep", self.path(schema, id))));
        }
        Ok(match self.shape(schema, id)? {
            Shape::Primitive(dt) | Shape::Cardinality(dt) => dt,
            Shape::String => DataType::Utf8,
            Shape::Bitset(n) => {
                DataType::FixedSizeList(Arc::new(Field::new("item", DataType::Boolean, false)), n as i32)
            }
            Shape::Passthrough(k) => self.arrow_type(schema, k, depth + 1)?,
            Shape::FixedArray(k, n) => DataType::FixedSizeList(Arc::new(self.item_field(schema, k, depth)?), n as i32),
            Shape::List(k) => DataType::List(Arc::new(self.item_field(schema, k, depth)?)),
            Shape::Optional(k) => self.arrow_type(schema, k, depth + 1)?,
            Shape::Struct(members) => {
                let fields = members
                    .iter()
                    .map(|(name, k)| {
                        Ok(Field::new(name, self.arrow_type(schema, *k, depth + 1)?, self.nullable(schema, *k)))
                    })
                    .collect::<Result<Vec<_>>>()?;
                DataType::Struct(Fields::from(fields))
            }
            Shape::Variant(kids) => DataType::Union(self.union_fields(schema, &kids, depth)?, UnionMode::Dense),
        })
    }

    /// Union members of a variant: type ID `k` is alternative `_k` (on-disk tag `k + 1`).
    fn union_fields(&self, schema: &Schema, kids: &[usize], depth: usize) -> Result<UnionFields> {
        let fields = kids
            .iter()
            .map(|&k| {
                let name = schema.fields[k].name.clone();
                Ok(Field::new(name, self.arrow_type(schema, k, depth + 1)?, self.nullable(schema, k)))
            })
            .collect::<Result<Vec<_>>>()?;
        let ids = (0..fields.len() as i8).collect::<Vec<_>>();
        Ok(UnionFields::try_new(ids, fields)?)
    }

    fn item_field(&self, schema: &Schema, k: usize, depth: usize) -> Result<Field> {
        Ok(Field::new("item", self.arrow_type(schema, k, depth + 1)?, self.nullable(schema, k)))
    }

    /// Whether field `k` yields nulls (optionals, possibly behind atomics).
    fn nullable(&self, schema: &Schema, k: usize) -> bool {
        let mut cur = k;
        for _ in 0..MAX_DEPTH {
            match self.shape(schema, cur) {
                Ok(Shape::Optional(_)) => return true,
                Ok(Shape::Passthrough(c)) => cur = c,
                _ => return false,
            }
        }
        false
    }

    /// Builds the array of field `id` over its first `len` elements in a cluster.
    pub fn build(&self, schema: &Schema, cl: &ClusterColumns, id: usize, len: usize, depth: usize) -> Result<ArrayRef> {
        if depth > MAX_DEPTH {
            return Err(Error::corrupt(0, format!("field '{}' nests too deep", self.path(schema, id))));
        }
        let col = |i: usize, expected: usize| -> Result<Cow<'_, ColumnValues>> {
            let cols = self.cluster_repr(cl, id);
            let c = *cols.get(i).ok_or_else(|| Error::Internal(format!("field {id} has no column {i}")))?;
            cl.values(c, expected).map_err(|e| e.in_object(&self.path(schema, id)))
        };
        let at = |e: Error| e.in_object(&self.path(schema, id));
        Ok(match self.shape(schema, id)? {
            Shape::Primitive(dt) => primitive(col(0, len)?.as_ref(), &dt).map_err(at)?,
            Shape::String => {
                let offsets = offsets(col(0, len)?.as_ref()).map_err(at)?;
                let total = offsets.last().copied().unwrap_or(0) as usize;
                let chars = col(1, total)?;
                let bytes: Vec<u8> = match chars.as_ref() {
                    ColumnValues::I8(v) => v.iter().map(|&b| b as u8).collect(),
                    ColumnValues::U8(v) => v.clone(),
                    _ => return Err(at(Error::corrupt(0, "string characters are not in a Char column"))),
                };
                let arr = StringArray::try_new(OffsetBuffer::new(ScalarBuffer::from(offsets)), bytes.into(), None)
                    .map_err(|e| at(Error::corrupt(0, format!("string data: {e}"))))?;
                Arc::new(arr)
            }
            Shape::Cardinality(dt) => {
                let o = offsets(col(0, len)?.as_ref()).map_err(at)?;
                let sizes = o.windows(2).map(|w| (w[1] - w[0]) as u64);
                if dt == DataType::UInt64 {
                    Arc::new(PrimitiveArray::<UInt64Type>::from_iter_values(sizes))
                } else {
                    Arc::new(PrimitiveArray::<UInt32Type>::from_iter_values(sizes.map(|s| s as u32)))
                }
            }
            Shape::Bitset(n) => {
                let total = len.checked_mul(n).ok_or_else(|| at(Error::corrupt(0, "bitset too large")))?;
                let bits = primitive(col(0, total)?.as_ref(), &DataType::Boolean).map_err(at)?;
                let item = Arc::new(Field::new("item", DataType::Boolean, false));
                Arc::new(FixedSizeListArray::try_new(item, n as i32, bits, None)?)
            }
            Shape::Passthrough(k) => self.build(schema, cl, k, len, depth + 1)?,
            Shape::FixedArray(k, n) => {
                let total = len.checked_mul(n).ok_or_else(|| at(Error::corrupt(0, "array too large")))?;
                let child = self.build(schema, cl, k, total, depth + 1)?;
                let item = Arc::new(self.item_field(schema, k, depth)?);
                Arc::new(FixedSizeListArray::try_new(item, n as i32, child, None)?)
            }
            Shape::List(k) => {
                let o = offsets(col(0, len)?.as_ref()).map_err(at)?;
                let total = o.last().copied().unwrap_or(0) as usize;
                let child = self.build(schema, cl, k, total, depth + 1)?;
                let item = Arc::new(self.item_field(schema, k, depth)?);
                Arc::new(ListArray::try_new(item, OffsetBuffer::new(ScalarBuffer::from(o)), child, None)?)
            }
            Shape::Optional(k) => {
                let o = offsets(col(0, len)?.as_ref()).map_err(at)?;
                let total = o.last().copied().unwrap_or(0) as usize;
                let child = self.build(schema, cl, k, total, depth + 1)?;
                let mut idx = Vec::with_capacity(len);
                for w in o.windows(2) {
                    match w[1] - w[0] {
                        0 => idx.push(None),
                        1 => idx.push(Some(w[0] as u32)),
                        n => return Err(at(Error::corrupt(0, format!("optional holds {n} values")))),
                    }
                }
                arrow_select::take::take(&child, &UInt32Array::from(idx), None)?
            }
            Shape::Struct(members) => {
                if members.is_empty() {
                    Arc::new(StructArray::new_empty_fields(len, None))
                } else {
                    let mut fields = Vec::with_capacity(members.len());
                    let mut arrays = Vec::with_capacity(members.len());
                    for (name, k) in &members {
                        let a = self.build(schema, cl, *k, len, depth + 1)?;
                        fields.push(Field::new(name, a.data_type().clone(), self.nullable(schema, *k)));
                        arrays.push(a);
                    }
                    Arc::new(StructArray::try_new(Fields::from(fields), arrays, None)?)
                }
            }
            Shape::Variant(kids) => {
                let col0 = col(0, len)?;
                let ColumnValues::Switch(switch) = col0.as_ref() else {
                    return Err(at(Error::corrupt(0, "variant tags are not in a Switch column")));
                };
                let mut lens = vec![0usize; kids.len()];
                let mut type_ids = Vec::with_capacity(len);
                let mut offsets = Vec::with_capacity(len);
                for &(index, tag) in switch {
                    let k = match tag as usize {
                        0 => return Err(at(Error::unsupported("variant in the invalid state (tag 0)"))),
                        t if t <= kids.len() => t - 1,
                        t => return Err(at(Error::corrupt(0, format!("variant tag {t} of {}", kids.len())))),
                    };
                    let o =
                        i32::try_from(index).map_err(|_| at(Error::corrupt(0, format!("variant index {index}"))))?;
                    lens[k] = lens[k].max(index as usize + 1);
                    type_ids.push(k as i8);
                    offsets.push(o);
                }
                let children = kids
                    .iter()
                    .zip(&lens)
                    .map(|(&k, &n)| self.build(schema, cl, k, n, depth + 1))
                    .collect::<Result<Vec<_>>>()?;
                let fields = self.union_fields(schema, &kids, depth)?;
                Arc::new(UnionArray::try_new(fields, type_ids.into(), Some(offsets.into()), children)?)
            }
        })
    }

    /// The columns of the representation of field `id` that is active in this cluster.
    fn cluster_repr<'a>(&'a self, cl: &ClusterColumns, id: usize) -> &'a [usize] {
        let reprs = match self.columns.get(id) {
            Some(r) => r,
            None => return &[],
        };
        for r in reprs {
            match r.first().and_then(|&c| cl.pages.get(c)) {
                Some(p) if p.is_suppressed() => continue,
                _ => return r,
            }
        }
        reprs.first().map(|v| v.as_slice()).unwrap_or(&[])
    }

    /// Physical columns needed for `ids` in a cluster (active representations only).
    pub fn needed_columns(&self, schema: &Schema, pages: &[ColumnPages], ids: &[usize], out: &mut Vec<usize>) {
        let cl = ClusterColumns { pages, values: HashMap::new() };
        let mut stack: Vec<(usize, usize)> = ids.iter().map(|&i| (i, 0)).collect();
        while let Some((id, depth)) = stack.pop() {
            if depth > MAX_DEPTH || id >= schema.fields.len() {
                continue;
            }
            out.extend_from_slice(self.cluster_repr(&cl, id));
            stack.extend(self.children[id].iter().map(|&k| (k, depth + 1)));
        }
        out.sort_unstable();
        out.dedup();
    }
}

/// The decoded columns of one cluster.
#[derive(Debug)]
pub(crate) struct ClusterColumns<'a> {
    /// Page lists of this cluster, by physical column ID.
    pub pages: &'a [ColumnPages],
    /// Decoded values, by physical column ID.
    pub values: HashMap<usize, Arc<ColumnValues>>,
}

impl ClusterColumns<'_> {
    /// The first `expected` elements of column `c`; missing leading elements of deferred columns read as zeros.
    fn values(&self, c: usize, expected: usize) -> Result<Cow<'_, ColumnValues>> {
        let v = self.values.get(&c).ok_or_else(|| Error::Internal(format!("column {c} was not decoded")))?;
        let have = v.len();
        if have == expected {
            Ok(Cow::Borrowed(v.as_ref()))
        } else if have < expected {
            let mut owned = v.as_ref().clone();
            owned.prepend_zeros(expected - have);
            Ok(Cow::Owned(owned))
        } else {
            Err(Error::corrupt(0, format!("column {c} has {have} elements in a cluster where {expected} are expected")))
        }
    }
}

/// Arrow type of a fundamental C++ type name.
fn primitive_type(ty: &str) -> Option<DataType> {
    Some(match ty {
        "bool" => DataType::Boolean,
        "char" | "std::int8_t" => DataType::Int8,
        "std::byte" | "std::uint8_t" => DataType::UInt8,
        "std::int16_t" => DataType::Int16,
        "std::uint16_t" => DataType::UInt16,
        "std::int32_t" => DataType::Int32,
        "std::uint32_t" => DataType::UInt32,
        "std::int64_t" => DataType::Int64,
        "std::uint64_t" => DataType::UInt64,
        "float" => DataType::Float32,
        "double" => DataType::Float64,
        _ => return None,
    })
}

/// Arrow list offsets from a cluster-relative Index column: `[0, idx[0], idx[1], ...]`.
fn offsets(values: &ColumnValues) -> Result<Vec<i32>> {
    let ColumnValues::Index(idx) = values else {
        return Err(Error::corrupt(0, "collection offsets are not in an Index column"));
    };
    let mut out = Vec::with_capacity(idx.len() + 1);
    out.push(0i32);
    let mut prev = 0u64;
    for (i, &v) in idx.iter().enumerate() {
        if v < prev {
            return Err(Error::corrupt(0, format!("collection offset {i} goes back from {prev} to {v}")));
        }
        let o = i32::try_from(v).map_err(|_| Error::unsupported(format!("collection offset {v} exceeds 2^31")))?;
        out.push(o);
        prev = v;
    }
    Ok(out)
}

/// Converts decoded column values to the field's Arrow primitive type.
fn primitive(values: &ColumnValues, dt: &DataType) -> Result<ArrayRef> {
    use ColumnValues as V;
    macro_rules! cast {
        ($t:ty, $n:ty) => {{
            let v: Vec<$n> = match values {
                V::Bool(v) => v.iter().map(|&x| x as u8 as $n).collect(),
                V::I8(v) => v.iter().map(|&x| x as $n).collect(),
                V::U8(v) => v.iter().map(|&x| x as $n).collect(),
                V::I16(v) => v.iter().map(|&x| x as $n).collect(),
                V::U16(v) => v.iter().map(|&x| x as $n).collect(),
                V::I32(v) => v.iter().map(|&x| x as $n).collect(),
                V::U32(v) => v.iter().map(|&x| x as $n).collect(),
                V::I64(v) => v.iter().map(|&x| x as $n).collect(),
                V::U64(v) => v.iter().map(|&x| x as $n).collect(),
                V::F32(v) => v.iter().map(|&x| x as $n).collect(),
                V::F64(v) => v.iter().map(|&x| x as $n).collect(),
                V::Index(_) | V::Switch(_) => {
                    return Err(Error::corrupt(0, format!("an index column cannot hold {dt} values")));
                }
            };
            Arc::new(PrimitiveArray::<$t>::from(v)) as ArrayRef
        }};
    }
    Ok(match dt {
        DataType::Boolean => {
            let b: Vec<bool> = match values {
                V::Bool(v) => v.clone(),
                V::I8(v) => v.iter().map(|&x| x != 0).collect(),
                V::U8(v) => v.iter().map(|&x| x != 0).collect(),
                V::I16(v) => v.iter().map(|&x| x != 0).collect(),
                V::U16(v) => v.iter().map(|&x| x != 0).collect(),
                V::I32(v) => v.iter().map(|&x| x != 0).collect(),
                V::U32(v) => v.iter().map(|&x| x != 0).collect(),
                V::I64(v) => v.iter().map(|&x| x != 0).collect(),
                V::U64(v) => v.iter().map(|&x| x != 0).collect(),
                _ => return Err(Error::unsupported("bool stored in a non-integer column")),
            };
            Arc::new(BooleanArray::from(b))
        }
        DataType::Int8 => cast!(Int8Type, i8),
        DataType::UInt8 => cast!(UInt8Type, u8),
        DataType::Int16 => cast!(Int16Type, i16),
        DataType::UInt16 => cast!(UInt16Type, u16),
        DataType::Int32 => cast!(Int32Type, i32),
        DataType::UInt32 => cast!(UInt32Type, u32),
        DataType::Int64 => cast!(Int64Type, i64),
        DataType::UInt64 => cast!(UInt64Type, u64),
        DataType::Float32 => cast!(Float32Type, f32),
        DataType::Float64 => cast!(Float64Type, f64),
        other => return Err(Error::Internal(format!("no primitive conversion to {other}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_start_at_zero_and_must_not_decrease() {
        assert_eq!(offsets(&ColumnValues::Index(vec![1, 1, 3])).unwrap(), vec![0, 1, 1, 3]);
        assert!(offsets(&ColumnValues::Index(vec![2, 1])).is_err());
    }
}
