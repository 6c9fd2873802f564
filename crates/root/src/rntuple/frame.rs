//! rntuple/frame (layer 5): little-endian reader over an RNTuple envelope: integers, strings, record and
//! list frames (skipped by their declared size, for forward compatibility), locators and envelope links.

use crate::bytes::fixed_width_reader;
use crate::error::{Error, Result};

/// A bounds-checked little-endian reader over one decompressed envelope.
#[derive(Debug, Clone)]
pub struct LeReader<'a> {
    data: &'a [u8],
    pos: usize,
}

/// Where a byte range of a page or envelope lives in the file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Locator {
    /// Bytes to read (compressed size).
    pub size: u64,
    /// File offset.
    pub offset: u64,
}

/// A reference to an envelope: its uncompressed length and where it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EnvelopeLink {
    /// Uncompressed envelope length.
    pub length: u64,
    /// Where the (compressed) envelope is.
    pub locator: Locator,
}

/// An open frame: where its payload ends and, for list frames, its item count.
#[derive(Debug, Clone, Copy)]
pub struct Frame {
    /// Position just past the frame.
    pub end: usize,
    /// Number of items (list frames only).
    pub items: Option<u32>,
}

impl<'a> LeReader<'a> {
    /// A reader at the start of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        LeReader { data, pos: 0 }
    }

    /// Current position.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// A corrupt-data error at the current position (an offset inside the envelope).
    pub fn error(&self, msg: impl Into<String>) -> Error {
        Error::corrupt(self.pos as u64, msg)
    }

    /// Reads `n` raw bytes.
    pub fn bytes(&mut self, n: usize) -> Result<&'a [u8]> {
        match self.pos.checked_add(n) {
            Some(end) if end <= self.data.len() => {
                let s = &self.data[self.pos..end];
                self.pos = end;
                Ok(s)
            }
            _ => Err(self.error(format!(
                "need {n} bytes but only {} remain of {}",
                self.data.len().saturating_sub(self.pos),
                self.data.len()
            ))),
        }
    }

    fixed_width_reader!(u16, u16, from_le_bytes);
    fixed_width_reader!(u32, u32, from_le_bytes);
    fixed_width_reader!(i32, i32, from_le_bytes);
    fixed_width_reader!(u64, u64, from_le_bytes);
    fixed_width_reader!(i64, i64, from_le_bytes);
    fixed_width_reader!(f64, f64, from_le_bytes);

    /// Reads a string (u32 length, UTF-8 bytes).
    pub fn string(&mut self) -> Result<String> {
        let n = self.u32()? as usize;
        let at = self.pos;
        let b = self.bytes(n)?;
        String::from_utf8(b.to_vec()).map_err(|_| Error::corrupt(at as u64, "string is not valid UTF-8"))
    }

    /// Moves to `pos`, which must lie inside the buffer.
    pub fn seek(&mut self, pos: usize) -> Result<()> {
        if pos > self.data.len() {
            return Err(self.error(format!("frame end {pos} is past the envelope end {}", self.data.len())));
        }
        self.pos = pos;
        Ok(())
    }

    /// Reads feature flags (continued while the signed value is negative); fails on any set bit we do not know.
    pub fn feature_flags(&mut self) -> Result<()> {
        loop {
            let at = self.pos;
            let f = self.i64()?;
            if f & 0x7fff_ffff_ffff_ffff != 0 {
                return Err(Error::Unsupported {
                    at: crate::error::Location { offset: Some(at as u64), in_payload: true, ..Default::default() }
                        .into(),
                    what: format!("RNTuple feature flags {f:#x} (this reader knows none)"),
                });
            }
            if f >= 0 {
                return Ok(());
            }
        }
    }

    /// Opens a frame of either kind.
    pub fn frame(&mut self) -> Result<Frame> {
        let start = self.pos;
        let size = self.i64_frame_size()?;
        let (len, items) = if size < 0 {
            let n = self.u32()?;
            (size.unsigned_abs(), Some(n))
        } else {
            (size as u64, None)
        };
        let min = if items.is_some() { 12 } else { 8 };
        if len < min {
            return Err(Error::corrupt(start as u64, format!("frame size {len} is smaller than its preamble")));
        }
        let end = start
            .checked_add(len as usize)
            .filter(|&e| e <= self.data.len())
            .ok_or_else(|| Error::corrupt(start as u64, format!("frame of {len} bytes runs past the envelope")))?;
        Ok(Frame { end, items })
    }

    fn i64_frame_size(&mut self) -> Result<i64> {
        self.i64()
    }

    /// Opens a record frame (fails on a list frame).
    pub fn record_frame(&mut self) -> Result<Frame> {
        let at = self.pos;
        let f = self.frame()?;
        if f.items.is_some() {
            return Err(Error::corrupt(at as u64, "expected a record frame, found a list frame"));
        }
        Ok(f)
    }

    /// Opens a list frame; returns the frame and its item count.
    pub fn list_frame(&mut self) -> Result<(Frame, u32)> {
        let at = self.pos;
        let f = self.frame()?;
        match f.items {
            Some(n) => {
                // Every item needs at least one byte: reject absurd counts before allocating.
                if n as usize > f.end - self.pos && n as usize > (f.end - self.pos) * 8 {
                    return Err(Error::corrupt(at as u64, format!("list frame claims {n} items")));
                }
                Ok((f, n))
            }
            None => Err(Error::corrupt(at as u64, "expected a list frame, found a record frame")),
        }
    }

    /// Leaves a frame: skips whatever a newer writer appended; fails if we read past its end.
    pub fn end_frame(&mut self, f: Frame) -> Result<()> {
        if self.pos > f.end {
            return Err(self.error(format!("read {} bytes past the end of a frame", self.pos - f.end)));
        }
        self.pos = f.end;
        Ok(())
    }

    /// Reads a locator (standard: `i32 size, u64 offset`; non-standard type 0x01: large, `u64 size, u64 offset`).
    pub fn locator(&mut self) -> Result<Locator> {
        let at = self.pos;
        let head = self.i32()?;
        if head >= 0 {
            let offset = self.u64()?;
            return Ok(Locator { size: head as u64, offset });
        }
        // Non-standard: the negated head holds the locator's own size (bits 0-15) and type (bits 24-30).
        let raw = head.unsigned_abs();
        let own_size = (raw & 0xffff) as usize;
        let kind = (raw >> 24) & 0x7f;
        let end = at.checked_add(own_size).filter(|&e| e <= self.data.len() && own_size >= 4);
        let Some(end) = end else {
            return Err(Error::corrupt(at as u64, format!("locator of {own_size} bytes runs past the envelope")));
        };
        match kind {
            0x01 => {
                let size = self.u64()?;
                let offset = self.u64()?;
                self.seek(end.max(self.pos))?;
                Ok(Locator { size, offset })
            }
            other => Err(Error::Unsupported {
                at: crate::error::Location { offset: Some(at as u64), in_payload: true, ..Default::default() }.into(),
                what: format!("RNTuple locator type {other:#x} (only in-file and large locators are read)"),
            }),
        }
    }

    /// Reads an envelope link (`u64` uncompressed length, then a locator).
    pub fn envelope_link(&mut self) -> Result<EnvelopeLink> {
        let length = self.u64()?;
        let locator = self.locator()?;
        Ok(EnvelopeLink { length, locator })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_frame_is_skipped_by_its_size() {
        // list frame: size -(8+4+3) = -15, 1 item, 3 payload bytes (one unknown); then a u16.
        let mut b = (-15i64).to_le_bytes().to_vec();
        b.extend_from_slice(&1u32.to_le_bytes());
        b.extend_from_slice(&[7, 0, 0xEE]);
        b.extend_from_slice(&0xBEEFu16.to_le_bytes());
        let mut r = LeReader::new(&b);
        let (f, n) = r.list_frame().unwrap();
        assert_eq!(n, 1);
        assert_eq!(r.u16().unwrap(), 7);
        r.end_frame(f).unwrap();
        assert_eq!(r.u16().unwrap(), 0xBEEF);
    }

    #[test]
    fn large_locator() {
        // type 0x01, own size 20, stored negated.
        let head: i32 = -((0x01 << 24) | 20);
        let mut b = head.to_le_bytes().to_vec();
        b.extend_from_slice(&(5u64 << 32).to_le_bytes());
        b.extend_from_slice(&1234u64.to_le_bytes());
        let loc = LeReader::new(&b).locator().unwrap();
        assert_eq!(loc, Locator { size: 5u64 << 32, offset: 1234 });
    }

    #[test]
    fn truncated_frame_is_corrupt() {
        let b = 100i64.to_le_bytes();
        let err = LeReader::new(&b).record_frame().unwrap_err();
        assert!(err.to_string().contains("runs past"), "{err}");
    }
}
