//! dict/tags (layer 3): class tags and object references of `TBufferFile::ReadObjectAny`, plus the
//! TObject / TNamed headers every streamed object starts with.

use std::collections::HashMap;

use crate::bytes::{BYTE_COUNT_MASK, CLASS_MASK, Cursor, MAP_OFFSET, NEW_CLASS_TAG};
use crate::error::Result;

/// `TObject::kIsReferenced`: a `UShort_t` process-id follows the bits.
pub const IS_REFERENCED: u32 = 1 << 4;

/// What `ReadObjectAny` found at the cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ObjectTag {
    /// A null pointer.
    Null,
    /// A reference to an object read earlier, by its map offset.
    Ref(u64),
    /// A new object of `class` follows at the cursor.
    New {
        /// Class name (from a `kNewClassTag` or a `kClassMask` back-reference).
        class: String,
        /// Offset under which ROOT maps this object (references to it use this value).
        map_offset: u64,
        /// Cursor position just past the object, from its byte count (absent in very old files).
        end: Option<usize>,
    },
}

/// The class names seen so far in one buffer, by map offset (ROOT's `fMap` for classes).
#[derive(Debug, Clone, Default)]
pub struct ClassTags {
    classes: HashMap<u64, String>,
}

impl ClassTags {
    /// Reads one object tag (`[byte count] tag [class name]`), registering new class names.
    pub fn read(&mut self, c: &mut Cursor) -> Result<ObjectTag> {
        let start = c.pos();
        let first = c.u32()?;
        let (tag, tag_pos, end) = if first & BYTE_COUNT_MASK == 0 || first == NEW_CLASS_TAG {
            (first, start, None)
        } else {
            let end = start as u64 + 4 + u64::from(first & !BYTE_COUNT_MASK);
            if end > c.data().len() as u64 {
                return Err(
                    c.error(format!("object byte count runs {} bytes past the buffer", end - c.data().len() as u64))
                );
            }
            (c.u32()?, start + 4, Some(end as usize))
        };
        let displacement = c.displacement();
        let map = |pos: usize| (pos as i64 + displacement + i64::from(MAP_OFFSET)) as u64;
        let map_offset = map(start);
        if tag & CLASS_MASK == 0 {
            return Ok(if tag == 0 { ObjectTag::Null } else { ObjectTag::Ref(u64::from(tag)) });
        }
        let class = if tag == NEW_CLASS_TAG {
            let class = c.cstring()?;
            self.classes.insert(map(tag_pos), class.clone());
            class
        } else {
            let at = u64::from(tag & !CLASS_MASK);
            match self.classes.get(&at) {
                Some(class) => class.clone(),
                None => return Err(c.error(format!("class tag refers to offset {at}, where no class was read"))),
            }
        };
        Ok(ObjectTag::New { class, map_offset, end })
    }
}

/// `TObject` as streamed: `fUniqueID` and `fBits` (the process id, if any, is skipped).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct TObjectHeader {
    /// `fUniqueID`.
    pub unique_id: u32,
    /// `fBits`.
    pub bits: u32,
}

/// Reads a `TObject` (version, `fUniqueID`, `fBits`, and the pidf when `kIsReferenced` is set).
pub fn read_tobject(c: &mut Cursor) -> Result<TObjectHeader> {
    let header = c.object_header()?;
    let unique_id = c.u32()?;
    let bits = c.u32()?;
    if bits & IS_REFERENCED != 0 {
        c.u16()?;
    }
    c.finish(&header, "TObject")?;
    Ok(TObjectHeader { unique_id, bits })
}

/// Reads a `TNamed` (version, TObject, `fName`, `fTitle`); returns (name, title).
pub fn read_tnamed(c: &mut Cursor) -> Result<(String, String)> {
    let header = c.object_header()?;
    read_tobject(c)?;
    let name = c.string()?;
    let title = c.string()?;
    c.finish(&header, "TNamed")?;
    Ok((name, title))
}

/// `TObjArray::Streamer` up to its items: header, TObject (v > 2), name (v > 1), count, lower bound.
/// Returns the header and the item count (checked against the bytes left).
pub fn read_objarray_head(c: &mut Cursor) -> Result<(crate::bytes::ObjectHeader, usize)> {
    let header = c.object_header()?;
    if header.version > 2 {
        read_tobject(c)?;
    }
    if header.version > 1 {
        c.string()?;
    }
    let n = c.i32()?;
    let _lower_bound = c.i32()?;
    if n < 0 || n as usize > c.remaining() {
        return Err(c.error(format!("TObjArray claims {n} objects in {} bytes", c.remaining())));
    }
    Ok((header, n as usize))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn new_class_then_back_reference() {
        // object 1: byte count, kNewClassTag, "TFoo\0", 2 payload bytes
        let mut data = vec![0x40, 0, 0, 11, 0xff, 0xff, 0xff, 0xff, b'T', b'F', b'o', b'o', 0, 7, 7];
        // object 2: byte count, class tag pointing at the first tag (pos 4 + displacement 100 + 2)
        data.extend([0x40, 0, 0, 4, 0x80, 0, 0, 106]);
        // null pointer, then a reference to object 1 (pos 0 + 100 + 2)
        data.extend([0, 0, 0, 0, 0, 0, 0, 102]);
        let mut c = Cursor::new(&data).with_displacement(100);
        let mut tags = ClassTags::default();
        let t = tags.read(&mut c).unwrap();
        assert_eq!(t, ObjectTag::New { class: "TFoo".into(), map_offset: 102, end: Some(15) });
        c.seek(15).unwrap();
        let t = tags.read(&mut c).unwrap();
        assert_eq!(t, ObjectTag::New { class: "TFoo".into(), map_offset: 117, end: Some(23) });
        assert_eq!(tags.read(&mut c).unwrap(), ObjectTag::Null);
        assert_eq!(tags.read(&mut c).unwrap(), ObjectTag::Ref(102));
    }

    #[test]
    fn unknown_class_reference_is_an_error() {
        let data = [0x40, 0, 0, 4, 0x80, 0, 0, 50];
        assert!(ClassTags::default().read(&mut Cursor::new(&data)).is_err());
    }

    #[test]
    fn tobject_with_process_id() {
        let data = [0, 1, 0, 0, 0, 0, 0x03, 0, 0, 0x10, 0, 5, 0xaa];
        let mut c = Cursor::new(&data);
        let o = read_tobject(&mut c).unwrap();
        assert_eq!(o, TObjectHeader { unique_id: 0, bits: 0x0300_0010 });
        assert_eq!(c.pos(), 12);
    }
}
