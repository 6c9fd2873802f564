//! arrow/refs (layer 6): `TRef` and `TRefArray` members of split collections → Arrow structs.
//!
//! Both have hand-written streamers (no TStreamerInfo to follow). A `TRef` is its `TObject`
//! (version, `fUniqueID` = the referenced object's id, `fBits`, plus a process id when
//! `kIsReferenced`) and a 2-byte process id: it becomes `{ref: UInt32}`. A `TRefArray` is a byte
//! count and version, its `TObject`, `fName`, `Int_t` size, `Int_t fLowerBound`, a 2-byte process
//! id and `size` × `UInt_t` ids: it becomes `{fName: Utf8, fSize: Int32, refs: List<Int32>}`.
//! (The field names `ref`/`refs` are uproot's, so that both read the same.)

use std::sync::Arc;

use arrow_array::{ArrayRef, Int32Array, StructArray, UInt32Array};
use arrow_buffer::{OffsetBuffer, ScalarBuffer};
use arrow_schema::{DataType, Field, Fields};

use crate::arrow::plan::item;
use crate::arrow::values::Strings;
use crate::bytes::Cursor;
use crate::error::{Error, Result};

/// `TObject::kIsReferenced`: its streamer writes a 2-byte process id after `fBits`.
pub const K_IS_REFERENCED: u32 = 1 << 4;

/// The Arrow type of a `TRef` member.
pub fn ref_type() -> DataType {
    DataType::Struct(ref_fields())
}

fn ref_fields() -> Fields {
    Fields::from(vec![Field::new("ref", DataType::UInt32, false)])
}

/// The Arrow type of a `TRefArray` member.
pub fn ref_array_type() -> DataType {
    DataType::Struct(ref_array_fields())
}

fn ref_array_fields() -> Fields {
    Fields::from(vec![
        Field::new("fName", DataType::Utf8, false),
        Field::new("fSize", DataType::Int32, false),
        Field::new("refs", DataType::List(item(DataType::Int32)), false),
    ])
}

/// Reads a `TObject` as `TObject::Streamer` writes it; returns `fUniqueID`.
fn tobject(c: &mut Cursor) -> Result<u32> {
    let version = c.u16()?;
    if version & 0x4000 != 0 {
        // That was the high half of a byte count: skip its low half and the real version.
        c.skip(4)?;
    }
    let unique_id = c.u32()?;
    let bits = c.u32()?;
    if bits & K_IS_REFERENCED != 0 {
        c.skip(2)?;
    }
    Ok(unique_id)
}

/// Decodes `n` consecutive `TRef`s from the entry byte runs in `runs`.
pub fn decode_refs<'a>(runs: impl Iterator<Item = &'a [u8]>, n: usize) -> Result<ArrayRef> {
    let mut refs = Vec::with_capacity(n);
    for bytes in runs {
        let mut c = Cursor::new(bytes);
        while !c.is_empty() {
            refs.push(tobject(&mut c)?);
            c.skip(2)?; // the process id of the reference
        }
    }
    if refs.len() != n {
        return Err(Error::corrupt(0, format!("member holds {} TRefs, the collection sizes say {n}", refs.len())));
    }
    let columns: Vec<ArrayRef> = vec![Arc::new(UInt32Array::from(refs))];
    Ok(Arc::new(StructArray::try_new(ref_fields(), columns, None)?))
}

/// Decodes `n` consecutive `TRefArray`s from the entry byte runs in `runs`.
pub fn decode_ref_arrays<'a>(runs: impl Iterator<Item = &'a [u8]>, n: usize) -> Result<ArrayRef> {
    let mut names = Strings::new();
    let mut sizes = Vec::with_capacity(n);
    let mut offsets = vec![0i32];
    let mut ids: Vec<i32> = Vec::new();
    for bytes in runs {
        let mut c = Cursor::new(bytes);
        while !c.is_empty() {
            let header = c.object_header()?;
            tobject(&mut c)?;
            names.push_root_string(&mut c)?;
            let size = c.i32()?;
            c.skip(4 + 2)?; // fLowerBound, process id
            let count = usize::try_from(size).map_err(|_| Error::corrupt(0, format!("TRefArray of size {size}")))?;
            let body = c.bytes(count.saturating_mul(4))?;
            ids.extend(body.chunks_exact(4).map(|b| i32::from_be_bytes([b[0], b[1], b[2], b[3]])));
            sizes.push(size);
            offsets.push(i32::try_from(ids.len()).map_err(|_| Error::unsupported("more than 2^31 TRefArray ids"))?);
            if let Some(end) = header.end()
                && c.pos() != end
            {
                return Err(Error::corrupt(0, format!("TRefArray ends at {}, its byte count says {end}", c.pos())));
            }
        }
    }
    if sizes.len() != n {
        let k = sizes.len();
        return Err(Error::corrupt(0, format!("member holds {k} TRefArrays, the collection sizes say {n}")));
    }
    let refs = arrow_array::ListArray::try_new(
        item(DataType::Int32),
        OffsetBuffer::new(ScalarBuffer::from(offsets)),
        Arc::new(Int32Array::from(ids)),
        None,
    )?;
    let columns: Vec<ArrayRef> = vec![names.finish()?, Arc::new(Int32Array::from(sizes)), Arc::new(refs)];
    Ok(Arc::new(StructArray::try_new(ref_array_fields(), columns, None)?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use arrow_array::Array;
    use arrow_array::cast::AsArray;
    use arrow_array::types::{Int32Type, UInt32Type};

    #[test]
    fn trefs_hold_the_referenced_unique_id() {
        // Delphes `Track.Particle` (uproot-issue513.root): version 1, fUniqueID 0x525, fBits, pid 0.
        let bytes = [0, 1, 0, 0, 5, 0x25, 3, 0, 0, 0, 0, 0, 0, 1, 0, 0, 5, 0x26, 3, 0, 0, 0, 0, 0];
        let a = decode_refs([&bytes[..]].into_iter(), 2).unwrap();
        let refs = a.as_struct().column(0).as_primitive::<UInt32Type>().values().to_vec();
        assert_eq!(refs, [1317, 1318]);
        assert!(decode_refs([&bytes[..]].into_iter(), 3).is_err());
        assert!(decode_refs([&bytes[..23]].into_iter(), 2).is_err());
    }

    #[test]
    fn trefarrays_hold_their_ids() {
        // Delphes `EFlowPhoton.Particles`: byte count 27, version 1, TObject, fName "", size 1,
        // fLowerBound 0, pid 0, id 0x914.
        let one =
            [0x40, 0, 0, 0x1b, 0, 1, 0, 1, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 9, 0x14];
        let a = decode_ref_arrays([&one[..], &one[..]].into_iter(), 2).unwrap();
        let s = a.as_struct();
        assert_eq!(s.column(0).as_string::<i32>().value(0), "");
        assert_eq!(s.column(1).as_primitive::<Int32Type>().values().to_vec(), [1, 1]);
        let refs = s.column(2).as_list::<i32>();
        assert_eq!(refs.len(), 2);
        assert_eq!(refs.values().as_primitive::<Int32Type>().values().to_vec(), [2324, 2324]);
        // A byte count that disagrees with the content is corrupt.
        let mut bad = one;
        bad[3] = 0x1c;
        assert!(decode_ref_arrays([&bad[..]].into_iter(), 1).is_err());
    }
}
