//! tree/basket (layer 5): one TBasket: key header, decompression, entry-offset table.
//!
//! A free-standing basket is a TKey whose header continues with `version, fBufferSize,
//! fNevBufSize, fNevBuf, fLast, flag`; its payload holds `fLast - fKeylen` bytes of entry data,
//! then (for variable-size entries) `int32 n` and the entry offsets, counted from the key start.

use bytes::Bytes;

use crate::bytes::Cursor;
use crate::compress;
use crate::error::{Error, Result};
use crate::file::Key;
use crate::tree::{BasketLocator, EmbeddedBasket};

/// `kGenerateOffsetMap` in `fIOBits`: offsets were not stored and must be recomputed.
const GENERATE_OFFSET_MAP: u8 = 1;

/// The decoded content of one basket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BasketData {
    /// First entry.
    pub first_entry: u64,
    /// One past the last entry.
    pub end_entry: u64,
    /// Entry data bytes.
    pub data: Bytes,
    /// Start offset of each entry in `data` plus a final `data.len()`; `None` for fixed-size entries.
    pub offsets: Option<Vec<u32>>,
}

impl BasketData {
    /// Number of entries.
    pub fn len(&self) -> usize {
        self.end_entry.saturating_sub(self.first_entry) as usize
    }

    /// Whether the basket holds no entry.
    pub fn is_empty(&self) -> bool {
        self.end_entry == self.first_entry
    }

    /// The byte range of local entry `i` (fixed-size entries split the data evenly).
    pub fn entry_range(&self, i: usize) -> std::ops::Range<usize> {
        match &self.offsets {
            Some(o) => o[i] as usize..o[i + 1] as usize,
            None => {
                let size = self.data.len() / self.len().max(1);
                i * size..(i + 1) * size
            }
        }
    }

    /// The bytes of local entries `range`, contiguous.
    pub fn entries_bytes(&self, range: std::ops::Range<usize>) -> &[u8] {
        if range.is_empty() {
            return &[];
        }
        let lo = self.entry_range(range.start).start;
        let hi = self.entry_range(range.end - 1).end;
        &self.data[lo..hi]
    }

    /// Checks the offsets are monotonic, in bounds and one per entry (so `entry_range` cannot panic).
    fn validate(self, at: u64) -> Result<Self> {
        if self.end_entry < self.first_entry {
            return Err(Error::corrupt_at_file(
                at,
                format!("basket entries {}..{} run backwards", self.first_entry, self.end_entry),
            ));
        }
        let n = self.len();
        match &self.offsets {
            Some(o) => {
                if o.len() != n + 1 {
                    return Err(Error::corrupt_at_file(
                        at,
                        format!("basket has {} entry offsets for {n} entries", o.len()),
                    ));
                }
                if o.windows(2).any(|w| w[0] > w[1]) || o.last().copied().unwrap_or(0) as usize > self.data.len() {
                    return Err(Error::corrupt_at_file(at, "basket entry offsets are not increasing within the data"));
                }
            }
            None => {
                if n > 0 && !self.data.len().is_multiple_of(n) {
                    return Err(Error::corrupt_at_file(
                        at,
                        format!("basket of {} bytes cannot hold {n} fixed-size entries", self.data.len()),
                    ));
                }
            }
        }
        Ok(self)
    }
}

impl From<&EmbeddedBasket> for BasketData {
    fn from(e: &EmbeddedBasket) -> Self {
        BasketData {
            first_entry: e.first_entry,
            end_entry: e.end_entry,
            data: e.data.clone(),
            offsets: e.offsets.clone(),
        }
    }
}

/// Validates an embedded basket the same way as a free-standing one.
pub fn embedded_basket(e: &EmbeddedBasket) -> Result<BasketData> {
    BasketData::from(e).validate(0)
}

/// Decodes a free-standing basket from its `fBasketBytes` raw bytes read at `fBasketSeek`.
pub fn decode_basket(raw: &[u8], loc: &BasketLocator) -> Result<BasketData> {
    let mut c = Cursor::new(raw).with_origin(loc.seek);
    let key = Key::parse(&mut c)?;
    let _version = c.i16()?;
    let _buffer_size = c.i32()?;
    let nev_buf_size = c.i32()?;
    let io_bits = if nev_buf_size < 0 { c.u8()? } else { 0 };
    let nev_buf = c.i32()?;
    let last = c.i32()?;
    let _flag = c.i8()?;
    let n_entries = loc.end_entry.checked_sub(loc.first_entry).ok_or_else(|| {
        Error::corrupt_at_file(loc.seek, format!("basket entries {}..{} run backwards", loc.first_entry, loc.end_entry))
    })? as usize;
    if nev_buf < 0 || nev_buf as usize != n_entries {
        return Err(Error::corrupt_at_file(
            loc.seek,
            format!("basket holds {nev_buf} entries, branch index says {n_entries}"),
        ));
    }
    let key_len = key.key_len as usize;
    let body = raw.get(key_len..key.nbytes as usize).ok_or_else(|| {
        Error::corrupt_at_file(loc.seek, format!("basket key says {} bytes, only {} read", key.nbytes, raw.len()))
    })?;
    let payload =
        compress::decompress(body, key.obj_len as usize).map_err(|e| relocate(e, loc.seek + key_len as u64))?;
    let border = (last as usize).checked_sub(key_len).filter(|&b| b <= payload.len()).ok_or_else(|| {
        Error::corrupt_at_file(
            loc.seek,
            format!("fLast {last} is outside the basket (fKeylen {key_len}, {} bytes)", payload.len()),
        )
    })?;
    let offsets = if border < payload.len() {
        if io_bits & GENERATE_OFFSET_MAP != 0 {
            return Err(Error::unsupported("basket with generated offset maps (fIOBits kGenerateOffsetMap)"));
        }
        let table = &payload[border..];
        let n = Cursor::new(table).with_origin(border as u64).i32()?;
        let values =
            table.get(4..4 + 4 * n_entries).filter(|_| n >= 0 && n as usize >= n_entries).ok_or_else(|| {
                Error::corrupt_at_file(loc.seek, format!("entry-offset table has {n} values for {n_entries} entries"))
            })?;
        let mut o = Vec::with_capacity(n_entries + 1);
        o.extend(
            values
                .chunks_exact(4)
                .map(|c| (i32::from_be_bytes([c[0], c[1], c[2], c[3]]) as i64 - key_len as i64).max(0) as u32),
        );
        o.push(border as u32);
        Some(o)
    } else {
        None
    };
    let mut payload = payload;
    payload.truncate(border);
    BasketData { first_entry: loc.first_entry, end_entry: loc.end_entry, data: Bytes::from(payload), offsets }
        .validate(loc.seek)
}

fn relocate(e: Error, base: u64) -> Error {
    match e {
        Error::Corrupt { mut at, msg } => {
            at.offset = at.offset.map(|o| o + base);
            at.in_payload = false;
            Error::Corrupt { at, msg }
        }
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key_header(nbytes: i32, objlen: i32, keylen: i16) -> Vec<u8> {
        let mut v = Vec::new();
        v.extend(nbytes.to_be_bytes());
        v.extend(4i16.to_be_bytes());
        v.extend(objlen.to_be_bytes());
        v.extend(0u32.to_be_bytes());
        v.extend(keylen.to_be_bytes());
        v.extend(1i16.to_be_bytes());
        v.extend(0i32.to_be_bytes());
        v.extend(0i32.to_be_bytes());
        for s in ["TBasket", "x", "t"] {
            v.push(s.len() as u8);
            v.extend(s.as_bytes());
        }
        v
    }

    /// A basket laid out by hand as TBasket::WriteBuffer does: 3 entries of sizes 4, 0, 8.
    #[test]
    fn variable_size_entries_use_the_offset_table() {
        let data: Vec<u8> = (1..=12).collect();
        let head_len = key_header(0, 0, 0).len() + 2 + 4 + 4 + 4 + 4 + 1;
        let keylen = head_len as i32;
        let mut table = Vec::new();
        table.extend(4i32.to_be_bytes());
        for o in [0, 4, 4] {
            table.extend((o + keylen).to_be_bytes());
        }
        table.extend(0i32.to_be_bytes());
        let objlen = (data.len() + table.len()) as i32;
        let mut raw = key_header(keylen + objlen, objlen, keylen as i16);
        raw.extend(3i16.to_be_bytes());
        raw.extend(32000i32.to_be_bytes());
        raw.extend(1000i32.to_be_bytes());
        raw.extend(3i32.to_be_bytes());
        raw.extend((keylen + 12).to_be_bytes());
        raw.push(0);
        assert_eq!(raw.len(), head_len);
        raw.extend(&data);
        raw.extend(&table);
        let loc = BasketLocator { seek: 100, bytes: raw.len() as u32, first_entry: 10, end_entry: 13 };
        let b = decode_basket(&raw, &loc).unwrap();
        assert_eq!(b.offsets.as_deref(), Some(&[0, 4, 4, 12][..]));
        assert_eq!(b.entry_range(2), 4..12);
        assert_eq!(b.entries_bytes(1..3), &data[4..12]);

        let bad = BasketLocator { end_entry: 15, ..loc };
        assert!(decode_basket(&raw, &bad).unwrap_err().to_string().contains("basket holds 3 entries"));
        assert!(decode_basket(&raw[..raw.len() - 5], &loc).is_err());
    }
}
