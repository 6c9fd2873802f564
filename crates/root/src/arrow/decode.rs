//! arrow/decode (layer 6): decoded baskets of one entry range → the Arrow array of one column plan.

use std::ops::Range;
use std::sync::Arc;

use arrow_array::{Array, ArrayRef, FixedSizeListArray, ListArray, StructArray, UInt32Array};
use arrow_buffer::{OffsetBuffer, ScalarBuffer};
use arrow_schema::{Field, Fields};

use crate::arrow::object_read::decode_object;
use crate::arrow::plan::{Content, Member, Plan, item};
use crate::arrow::refs::{self, K_IS_REFERENCED};
use crate::arrow::types::Prim;
use crate::arrow::values::{Strings, Values};
use crate::bytes::Cursor;
use crate::error::{Error, Result};
use crate::tree::basket::BasketData;

/// Some entries of one basket.
#[derive(Debug, Clone)]
pub struct Piece<'a> {
    /// The basket.
    pub basket: &'a BasketData,
    /// Local entry indexes.
    pub entries: Range<usize>,
}

impl Piece<'_> {
    fn entry_bytes(&self, i: usize) -> &[u8] {
        &self.basket.data[self.basket.entry_range(i)]
    }
}

/// Pieces of every branch a plan reads, by branch index.
pub trait PieceSource {
    /// The pieces of branch `branch` covering the current entry range, in entry order.
    fn pieces(&self, branch: usize) -> Result<Vec<Piece<'_>>>;
}

fn product(d: &[usize]) -> usize {
    d.iter().product::<usize>().max(if d.is_empty() { 1 } else { 0 })
}

fn wrap_fixed(mut values: ArrayRef, dims: &[usize]) -> Result<ArrayRef> {
    for &n in dims.iter().rev() {
        let dt = values.data_type().clone();
        values = Arc::new(FixedSizeListArray::try_new(item(dt), n as i32, values, None)?);
    }
    Ok(values)
}

fn list(offsets: Vec<i32>, values: ArrayRef) -> Result<ArrayRef> {
    let dt = values.data_type().clone();
    Ok(Arc::new(ListArray::try_new(item(dt), OffsetBuffer::new(ScalarBuffer::from(offsets)), values, None)?))
}

/// Appends the list offsets of the counter-jagged entries of `p` (items of `group` bytes, no header) after `total`
/// items; returns the new total. Entry lengths come from the basket's entry offsets: a shift for the usual
/// power-of-two item sizes (no division per entry), every entry checked to hold whole items.
fn counter_offsets(p: &Piece, group: usize, total: usize, offsets: &mut Vec<i32>) -> Result<usize> {
    let group = group.max(1);
    let entries = p.entries.clone();
    let bytes = p.basket.entries_bytes(entries.clone()).len();
    if to_i32(total + bytes / group).is_err() {
        return Err(Error::unsupported("more than 2^31 list elements in one batch"));
    }
    let (Some(starts), true) = (&p.basket.offsets, group.is_power_of_two()) else {
        let mut total = total;
        for i in entries {
            let len = p.basket.entry_range(i).len();
            if !len.is_multiple_of(group) {
                return Err(not_whole_items(len, group));
            }
            total += len / group;
            offsets.push(to_i32(total)?);
        }
        return Ok(total);
    };
    let (shift, mask) = (group.trailing_zeros(), group as u32 - 1);
    let base = starts.get(entries.start);
    let (mut ragged, mut start) = (0u32, base);
    offsets.reserve(entries.len());
    starts.for_each_through(entries.start + 1..entries.end, |end| {
        ragged |= (end - start) & mask;
        start = end;
        offsets.push((total + ((end - base) >> shift) as usize) as i32);
    });
    if ragged != 0 {
        let len =
            entries.map(|i| p.basket.entry_range(i).len()).find(|len| !len.is_multiple_of(group)).unwrap_or_default();
        return Err(not_whole_items(len, group));
    }
    Ok(total + bytes / group)
}

fn not_whole_items(len: usize, group: usize) -> Error {
    Error::corrupt(0, format!("entry of {len} bytes is not a whole number of {group}-byte items"))
}

fn to_i32(n: usize) -> Result<i32> {
    i32::try_from(n).map_err(|_| Error::unsupported("more than 2^31 list elements in one batch"))
}

/// Builds the column array of `plan` for `n` entries.
pub fn decode_plan(plan: &Plan, src: &dyn PieceSource, n: usize) -> Result<ArrayRef> {
    match plan {
        Plan::Branch { branch, content } => decode_content(content, &src.pieces(*branch)?, n),
        Plan::Struct { fields } => {
            let mut fs = Vec::with_capacity(fields.len());
            let mut arrays = Vec::with_capacity(fields.len());
            for (name, p) in fields {
                let a = decode_plan(p, src, n).map_err(|e| e.in_object(name))?;
                fs.push(Field::new(name, a.data_type().clone(), false));
                arrays.push(a);
            }
            if arrays.is_empty() {
                return Ok(Arc::new(StructArray::new_empty_fields(n, None)));
            }
            Ok(Arc::new(StructArray::try_new(Fields::from(fs), arrays, None)?))
        }
        Plan::Clones { count, members } => decode_clones(*count, members, src, n),
        Plan::Object { branch, decoder } => decode_object(decoder, &src.pieces(*branch)?, n, None),
    }
}

fn decode_clones(
    count: usize,
    members: &[(String, usize, Member)],
    src: &dyn PieceSource,
    n: usize,
) -> Result<ArrayRef> {
    let counts = decode_content(&Content::Fixed { prim: Prim::I32, dims: Vec::new() }, &src.pieces(count)?, n)?;
    let counts = counts
        .as_any()
        .downcast_ref::<arrow_array::Int32Array>()
        .ok_or_else(|| Error::Internal("collection counts are not Int32".into()))?;
    let mut offsets = Vec::with_capacity(n + 1);
    offsets.push(0i32);
    let mut total = 0usize;
    for &c in counts.values().iter() {
        if c < 0 {
            return Err(Error::corrupt(0, format!("negative collection size {c}")));
        }
        total += c as usize;
        offsets.push(to_i32(total)?);
    }
    let mut fs = Vec::with_capacity(members.len());
    let mut arrays = Vec::with_capacity(members.len());
    for (name, b, m) in members {
        let pieces = src.pieces(*b)?;
        let a = decode_member(m, &pieces, counts.values(), total).map_err(|e| e.in_object(name))?;
        fs.push(Field::new(name, a.data_type().clone(), false));
        arrays.push(a);
    }
    let values: ArrayRef = if arrays.is_empty() {
        Arc::new(StructArray::new_empty_fields(total, None))
    } else {
        Arc::new(StructArray::try_new(Fields::from(fs), arrays, None)?)
    };
    list(offsets, values)
}

fn decode_member(m: &Member, pieces: &[Piece], counts: &[i32], total: usize) -> Result<ArrayRef> {
    match m {
        Member::Object(d) => {
            let a = decode_object(d, pieces, counts.len(), Some(counts))?;
            if a.len() != total {
                return Err(Error::corrupt(
                    0,
                    format!("member holds {} values, the collection sizes say {total}", a.len()),
                ));
            }
            Ok(a)
        }
        Member::Values { prim, inner } => {
            let per = product(inner);
            let mut v = Values::with_capacity(*prim, total * per);
            for p in pieces {
                v.extend_from_be(*prim, p.basket.entries_bytes(p.entries.clone()))?;
            }
            if v.len() != total * per {
                return Err(Error::corrupt(
                    0,
                    format!("member holds {} values, the collection sizes say {}", v.len(), total * per),
                ));
            }
            wrap_fixed(v.finish(), inner)
        }
        Member::Bits => {
            let mut v = Vec::with_capacity(total);
            for p in pieces {
                read_bits(p.basket.entries_bytes(p.entries.clone()), &mut v)?;
            }
            if v.len() != total {
                return Err(Error::corrupt(
                    0,
                    format!("member holds {} fBits values, the collection sizes say {total}", v.len()),
                ));
            }
            Ok(Arc::new(UInt32Array::from(v)))
        }
        Member::Ref => refs::decode_refs(pieces.iter().map(|p| p.basket.entries_bytes(p.entries.clone())), total),
        Member::RefArray => {
            refs::decode_ref_arrays(pieces.iter().map(|p| p.basket.entries_bytes(p.entries.clone())), total)
        }
        Member::Str => {
            let mut s = Strings::new();
            let mut entry = 0usize;
            for p in pieces {
                for i in p.entries.clone() {
                    let bytes = p.entry_bytes(i);
                    let mut c = Cursor::new(bytes);
                    let k = counts.get(entry).copied().unwrap_or(0);
                    for _ in 0..k {
                        s.push_root_string(&mut c)?;
                    }
                    entry += 1;
                }
            }
            s.finish()
        }
    }
}

/// Builds the array of one branch's content over `pieces` (which hold exactly `n` entries).
pub fn decode_content(content: &Content, pieces: &[Piece], n: usize) -> Result<ArrayRef> {
    let have: usize = pieces.iter().map(|p| p.entries.len()).sum();
    if have != n {
        return Err(Error::Internal(format!("pieces hold {have} entries, {n} expected")));
    }
    match content {
        Content::Fixed { prim, dims } => {
            let per = product(dims);
            let mut v = Values::with_capacity(*prim, n * per);
            for p in pieces {
                let bytes = p.basket.entries_bytes(p.entries.clone());
                if bytes.len() != p.entries.len() * per * prim.disk_size() {
                    return Err(Error::corrupt(
                        0,
                        format!(
                            "{} entries of {per} × {}-byte values need {} bytes, basket has {}",
                            p.entries.len(),
                            prim.disk_size(),
                            p.entries.len() * per * prim.disk_size(),
                            bytes.len()
                        ),
                    ));
                }
                v.extend_from_be(*prim, bytes)?;
            }
            wrap_fixed(v.finish(), dims)
        }
        Content::Jagged { prim, header, inner } => {
            let group = product(inner) * prim.disk_size();
            let mut v = Values::with_capacity(
                *prim,
                pieces.iter().map(|p| p.basket.entries_bytes(p.entries.clone()).len()).sum::<usize>()
                    / prim.disk_size(),
            );
            let mut offsets = Vec::with_capacity(n + 1);
            offsets.push(0i32);
            let mut total = 0usize;
            for p in pieces {
                if *header == 0 {
                    total = counter_offsets(p, group, total, &mut offsets)?;
                    v.extend_from_be(*prim, p.basket.entries_bytes(p.entries.clone()))?;
                } else {
                    for i in p.entries.clone() {
                        let bytes = p.entry_bytes(i);
                        let body = if bytes.is_empty() {
                            bytes
                        } else {
                            bytes.get(*header..).ok_or_else(|| header_error(bytes.len(), *header))?
                        };
                        if body.len() % group.max(1) != 0 {
                            return Err(Error::corrupt(
                                0,
                                format!(
                                    "entry body of {} bytes is not a whole number of {group}-byte items",
                                    body.len()
                                ),
                            ));
                        }
                        let k = body.len() / group.max(1);
                        if *header == 10 {
                            let declared = i32::from_be_bytes([bytes[6], bytes[7], bytes[8], bytes[9]]);
                            if declared as usize != k {
                                return Err(Error::corrupt(
                                    0,
                                    format!("vector says {declared} elements but holds {k}"),
                                ));
                            }
                        }
                        total += k;
                        offsets.push(to_i32(total)?);
                        v.extend_from_be(*prim, body)?;
                    }
                }
            }
            list(offsets, wrap_fixed(v.finish(), inner)?)
        }
        Content::Str { header } => {
            let mut s = Strings::new();
            for p in pieces {
                for i in p.entries.clone() {
                    let bytes = p.entry_bytes(i);
                    if bytes.is_empty() {
                        s.push(b"")?;
                        continue;
                    }
                    let mut c = Cursor::new(bytes);
                    c.skip(*header)?;
                    s.push_root_string(&mut c)?;
                }
            }
            s.finish()
        }
        Content::VecStr => {
            let mut s = Strings::new();
            let mut offsets = vec![0i32];
            for p in pieces {
                for i in p.entries.clone() {
                    let mut c = Cursor::new(p.entry_bytes(i));
                    if !c.is_empty() {
                        c.skip(6)?;
                        let k = c.i32()?;
                        for _ in 0..k.max(0) {
                            s.push_root_string(&mut c)?;
                        }
                    }
                    offsets.push(to_i32(s.len())?);
                }
            }
            list(offsets, s.finish()?)
        }
        Content::VecVec { prim } => {
            let mut v = Values::with_capacity(*prim, 0);
            let (mut outer, mut inner) = (vec![0i32], vec![0i32]);
            let mut total = 0usize;
            for p in pieces {
                for i in p.entries.clone() {
                    let mut c = Cursor::new(p.entry_bytes(i));
                    if !c.is_empty() {
                        c.skip(6)?;
                        let k = c.i32()?;
                        for _ in 0..k.max(0) {
                            let m = c.i32()?;
                            let bytes = c.bytes((m.max(0) as usize).saturating_mul(prim.disk_size()))?;
                            v.extend_from_be(*prim, bytes)?;
                            total += m.max(0) as usize;
                            inner.push(to_i32(total)?);
                        }
                    }
                    outer.push(to_i32(inner.len() - 1)?);
                }
            }
            list(outer, list(inner, v.finish())?)
        }
        Content::Bits => {
            let mut v = Vec::with_capacity(n);
            for p in pieces {
                for i in p.entries.clone() {
                    if read_bits(p.entry_bytes(i), &mut v)? != 1 {
                        return Err(Error::corrupt(0, "an fBits entry does not hold exactly one value"));
                    }
                }
            }
            Ok(Arc::new(UInt32Array::from(v)))
        }
        Content::LeafList { fields } => {
            let sizes: Vec<usize> = fields.iter().map(|(_, p, d)| product(d) * p.disk_size()).collect();
            let stride: usize = sizes.iter().sum();
            let mut cols: Vec<Values> =
                fields.iter().map(|(_, p, d)| Values::with_capacity(*p, n * product(d))).collect();
            for p in pieces {
                let bytes = p.basket.entries_bytes(p.entries.clone());
                if bytes.len() != p.entries.len() * stride {
                    return Err(Error::corrupt(
                        0,
                        format!("leaf-list entries of {stride} bytes do not fill {} bytes", bytes.len()),
                    ));
                }
                for entry in bytes.chunks_exact(stride.max(1)) {
                    let mut at = 0;
                    for ((col, (_, prim, _)), size) in cols.iter_mut().zip(fields).zip(&sizes) {
                        col.extend_from_be(*prim, &entry[at..at + size])?;
                        at += size;
                    }
                }
            }
            let mut fs = Vec::with_capacity(fields.len());
            let mut arrays = Vec::with_capacity(fields.len());
            for (col, (name, _, dims)) in cols.into_iter().zip(fields) {
                let a = wrap_fixed(col.finish(), dims)?;
                fs.push(Field::new(name, a.data_type().clone(), false));
                arrays.push(a);
            }
            Ok(Arc::new(StructArray::try_new(Fields::from(fs), arrays, None)?))
        }
    }
}

/// `TObject::kMustCleanup`, which ROOT sets on a referenced object when it registers it with its
/// `TProcessID` on reading (`TProcessID::PutObjectWithID`).
const K_MUST_CLEANUP: u32 = 1 << 3;

/// Appends the `fBits` values in `bytes` (each a big-endian `u32`, then 2 bytes of process id when
/// `kIsReferenced` is set, as `TStreamerInfo::ReadBuffer` reads `kBits`); returns how many. The
/// values are what ROOT's objects hold after reading: referenced ones gain `kMustCleanup`.
fn read_bits(bytes: &[u8], out: &mut Vec<u32>) -> Result<usize> {
    let mut c = Cursor::new(bytes);
    let mut k = 0;
    while !c.is_empty() {
        let mut bits = c.u32()?;
        if bits & K_IS_REFERENCED != 0 {
            c.skip(2)?;
            bits |= K_MUST_CLEANUP;
        }
        out.push(bits);
        k += 1;
    }
    Ok(k)
}

fn header_error(len: usize, header: usize) -> Error {
    Error::corrupt(0, format!("entry of {len} bytes is shorter than its {header}-byte header"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn referenced_objects_carry_a_process_id_after_fbits() {
        // 0x03000000 (kNotDeleted | kIsOnHeap), then 0x03000010 (kIsReferenced) + pid 0x0001.
        let bytes = [0x03, 0, 0, 0, 0x03, 0, 0, 0x10, 0, 1, 0x03, 0, 0, 0];
        let mut v = Vec::new();
        assert_eq!(read_bits(&bytes, &mut v).unwrap(), 3);
        assert_eq!(v, [0x0300_0000, 0x0300_0018, 0x0300_0000]);
        assert!(read_bits(&[0, 0, 0, 0x10, 0], &mut Vec::new()).is_err());
    }
}
