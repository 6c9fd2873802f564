//! bytes/cursor: a big-endian reader over one decoded buffer (ROOT's TBufferFile primitives).
//!
//! Every read is bounds-checked and fails with the payload offset; nothing here panics on input.

use crate::error::{Error, Result};

/// `kByteCountMask`: set in the 4-byte byte count that precedes a versioned object.
pub const BYTE_COUNT_MASK: u32 = 0x4000_0000;
/// `kNewClassTag`: a class name follows.
pub const NEW_CLASS_TAG: u32 = 0xFFFF_FFFF;
/// `kClassMask`: a back-reference to a class seen earlier.
pub const CLASS_MASK: u32 = 0x8000_0000;
/// `kMapOffset`: offsets in class tags are shifted by this.
pub const MAP_OFFSET: u32 = 2;
/// `kStreamedMemberWise`: bit in an STL collection's version.
pub const STREAMED_MEMBERWISE: u16 = 1 << 14;

/// The header ROOT writes before a versioned object: optional byte count, then version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ObjectHeader {
    /// Cursor position of the header's first byte.
    pub start: usize,
    /// Byte count (bytes after the count field), when the object carried one.
    pub byte_count: Option<u32>,
    /// Class version (may carry `STREAMED_MEMBERWISE` for STL collections).
    pub version: i16,
}

impl ObjectHeader {
    /// Position just past the object, when the byte count is known.
    pub fn end(&self) -> Option<usize> {
        self.byte_count.map(|n| self.start + 4 + n as usize)
    }
}

/// A bounds-checked big-endian reader over `data`.
#[derive(Debug, Clone)]
pub struct Cursor<'a> {
    data: &'a [u8],
    pos: usize,
    /// Added to `pos` to get the offset ROOT uses in class-tag back-references (the key length for key payloads).
    displacement: i64,
    /// Added to `pos` in error messages (file offset of byte 0, or 0 for decompressed payloads).
    origin: u64,
}

impl<'a> Cursor<'a> {
    /// A cursor at the start of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Cursor { data, pos: 0, displacement: 0, origin: 0 }
    }

    /// Sets the displacement used for class-tag offsets (ROOT: the key length of the record).
    pub fn with_displacement(mut self, displacement: i64) -> Self {
        self.displacement = displacement;
        self
    }

    /// Sets the offset reported for byte 0 in errors.
    pub fn with_origin(mut self, origin: u64) -> Self {
        self.origin = origin;
        self
    }

    /// The whole buffer.
    pub fn data(&self) -> &'a [u8] {
        self.data
    }
    /// Current position.
    pub fn pos(&self) -> usize {
        self.pos
    }
    /// Displacement for class-tag offsets.
    pub fn displacement(&self) -> i64 {
        self.displacement
    }
    /// Bytes left.
    pub fn remaining(&self) -> usize {
        self.data.len().saturating_sub(self.pos)
    }
    /// Whether the end is reached.
    pub fn is_empty(&self) -> bool {
        self.remaining() == 0
    }

    /// An error at the current position.
    pub fn error(&self, msg: impl Into<String>) -> Error {
        Error::corrupt(self.origin + self.pos as u64, msg)
    }

    /// Moves to `pos` (which may equal the length).
    pub fn seek(&mut self, pos: usize) -> Result<()> {
        if pos > self.data.len() {
            return Err(self.error(format!("seek to {pos} past the end of a {}-byte buffer", self.data.len())));
        }
        self.pos = pos;
        Ok(())
    }

    /// Skips `n` bytes.
    pub fn skip(&mut self, n: usize) -> Result<()> {
        self.bytes(n).map(|_| ())
    }

    /// Reads `n` raw bytes.
    #[inline]
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        match self.pos.checked_add(n) {
            Some(end) if end <= self.data.len() => {
                let s = &self.data[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            _ => Err(self.error(format!("need {n} bytes, only {} left", self.remaining()))),
        }
    }

    fixed_width_reader!(u8, u8, from_be_bytes);
    fixed_width_reader!(i8, i8, from_be_bytes);
    fixed_width_reader!(u16, u16, from_be_bytes);
    fixed_width_reader!(i16, i16, from_be_bytes);
    fixed_width_reader!(u32, u32, from_be_bytes);
    fixed_width_reader!(i32, i32, from_be_bytes);
    fixed_width_reader!(u64, u64, from_be_bytes);
    fixed_width_reader!(i64, i64, from_be_bytes);
    fixed_width_reader!(f32, f32, from_be_bytes);
    fixed_width_reader!(f64, f64, from_be_bytes);

    /// Reads a `Bool_t` (one byte, non-zero is true).
    pub fn bool(&mut self) -> Result<bool> {
        Ok(self.u8()? != 0)
    }

    /// Reads a ROOT string (`TString` layout): 1-byte length, or 255 then a 4-byte length.
    pub fn string_bytes(&mut self) -> Result<&'a [u8]> {
        let n = match self.u8()? {
            255 => self.u32()? as usize,
            n => n as usize,
        };
        self.bytes(n)
    }

    /// Reads a ROOT string as UTF-8 (lossy: ROOT does not promise UTF-8).
    pub fn string(&mut self) -> Result<String> {
        Ok(String::from_utf8_lossy(self.string_bytes()?).into_owned())
    }

    /// Reads a NUL-terminated C string.
    pub fn cstring(&mut self) -> Result<String> {
        let rest = &self.data[self.pos.min(self.data.len())..];
        match rest.iter().position(|&b| b == 0) {
            Some(n) => {
                let s = String::from_utf8_lossy(&rest[..n]).into_owned();
                self.pos += n + 1;
                Ok(s)
            }
            None => Err(self.error("unterminated C string")),
        }
    }

    /// Reads the optional byte count and the version of an object (`TBufferFile::ReadVersion`).
    pub fn object_header(&mut self) -> Result<ObjectHeader> {
        let start = self.pos;
        if self.remaining() < 4 {
            return Ok(ObjectHeader { start, byte_count: None, version: self.i16()? });
        }
        let first = self.u32()?;
        let (byte_count, version) = if first & BYTE_COUNT_MASK != 0 {
            let count = first & !BYTE_COUNT_MASK;
            if count < 2 || start as u64 + 4 + count as u64 > self.data.len() as u64 {
                return Err(Error::corrupt(
                    self.origin + start as u64,
                    format!("byte count {count} runs past the end of the buffer ({} bytes)", self.data.len()),
                ));
            }
            (Some(count), self.i16()?)
        } else {
            // No byte count: the first two bytes were the version.
            self.pos = start;
            (None, self.i16()?)
        };
        if version <= 0 && byte_count.is_some_and(|c| c >= 6) {
            // Foreign class: a 4-byte checksum identifies the streamer.
            self.u32()?;
        }
        Ok(ObjectHeader { start, byte_count, version })
    }

    /// Reads a version that has no byte count in front (e.g. inside a TBasket header).
    pub fn version_only(&mut self) -> Result<i16> {
        self.i16()
    }

    /// Checks the cursor ended exactly where the header's byte count says; jumps there if it is short.
    ///
    /// Reading less than the byte count is forward compatible (newer members we skip); reading
    /// more means we mis-decoded, which is reported.
    pub fn finish(&mut self, header: &ObjectHeader, class: &str) -> Result<()> {
        if let Some(end) = header.end() {
            if self.pos > end {
                return Err(self.error(format!(
                    "{class} v{} read {} bytes past its byte count",
                    header.version,
                    self.pos - end
                )));
            }
            self.pos = end;
        }
        Ok(())
    }

    /// Skips a whole object given its header (requires a byte count).
    pub fn skip_object(&mut self, header: &ObjectHeader, class: &str) -> Result<()> {
        match header.end() {
            Some(end) => self.seek(end),
            None => Err(self.error(format!("cannot skip {class} v{}: it has no byte count", header.version))),
        }
    }

    /// Reads `n` big-endian values with `f`.
    pub fn array<T>(&mut self, n: usize, mut f: impl FnMut(&mut Self) -> Result<T>) -> Result<Vec<T>> {
        if n > self.remaining() {
            return Err(self.error(format!("array of {n} elements is longer than the {} bytes left", self.remaining())));
        }
        (0..n).map(|_| f(self)).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_big_endian_numbers() {
        let data = [0x00, 0x01, 0xff, 0xff, 0xff, 0xfe, 0x3f, 0x80, 0x00, 0x00];
        let mut c = Cursor::new(&data);
        assert_eq!(c.u16().unwrap(), 1);
        assert_eq!(c.i32().unwrap(), -2);
        assert_eq!(c.f32().unwrap(), 1.0);
        assert!(c.is_empty());
        let err = c.u8().unwrap_err();
        assert!(err.to_string().contains("payload byte 10"), "{err}");
    }

    #[test]
    fn reads_short_and_long_strings() {
        let mut data = vec![3, b'a', b'b', b'c', 255, 0, 0, 1, 0];
        data.extend(std::iter::repeat_n(b'x', 256));
        let mut c = Cursor::new(&data);
        assert_eq!(c.string().unwrap(), "abc");
        assert_eq!(c.string().unwrap().len(), 256);
    }

    #[test]
    fn object_header_with_and_without_byte_count() {
        // byte count 6 (version 2 + 4 payload bytes), version 2
        let data = [0x40, 0, 0, 6, 0, 2, 1, 2, 3, 4];
        let mut c = Cursor::new(&data);
        let h = c.object_header().unwrap();
        assert_eq!(h, ObjectHeader { start: 0, byte_count: Some(6), version: 2 });
        assert_eq!(h.end(), Some(10));
        c.finish(&h, "T").unwrap();
        assert!(c.is_empty());

        let mut c = Cursor::new(&[0, 5, 9]);
        assert_eq!(c.object_header().unwrap().version, 5);
        assert_eq!(c.pos(), 2);
    }

    #[test]
    fn byte_count_past_end_is_corrupt() {
        let data = [0x40, 0, 0, 60, 0, 2];
        assert!(Cursor::new(&data).object_header().is_err());
    }
}
