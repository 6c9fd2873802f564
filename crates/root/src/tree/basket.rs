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
    pub offsets: Option<EntryOffsets>,
}

/// Where each entry of a basket starts in its data, and the data's end (one more value than entries).
///
/// A free-standing basket keeps TBasket's own table — big-endian `int32`s counted from the key start, right
/// after the entry data in the same decompressed buffer — and reads it in place: decoding it into a vector cost a
/// megabyte of fresh memory per jagged branch per 250k-entry basket.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryOffsets {
    /// Decoded offsets (embedded baskets).
    Decoded(Vec<u32>),
    /// TBasket's `fEntryOffset`: `table` holds one big-endian `int32` per entry, each less `key_len`
    /// (negative results read as 0, as ROOT's reader does); the last offset is `end`.
    Table {
        /// The entries' `fEntryOffset` values, 4 bytes each.
        table: Bytes,
        /// `fKeylen`, subtracted from every value.
        key_len: u32,
        /// End of the entry data (`fLast - fKeylen`).
        end: u32,
    },
}

impl EntryOffsets {
    /// Number of offsets (entries + 1).
    pub fn len(&self) -> usize {
        match self {
            EntryOffsets::Decoded(v) => v.len(),
            EntryOffsets::Table { table, .. } => table.len() / 4 + 1,
        }
    }

    /// Whether there is no offset at all (never for a validated basket).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Offset `i` (`i < len()`).
    #[inline]
    pub fn get(&self, i: usize) -> u32 {
        match self {
            EntryOffsets::Decoded(v) => v[i],
            EntryOffsets::Table { table, key_len, end } => match table.get(4 * i..4 * i + 4) {
                Some(c) => (i32::from_be_bytes([c[0], c[1], c[2], c[3]]) as i64 - *key_len as i64).max(0) as u32,
                None => *end,
            },
        }
    }

    /// Calls `f` with offsets `range.start ..= range.end`, in order (a loop per representation: validation and
    /// list offsets go through every entry of a basket).
    #[inline]
    pub fn for_each_through(&self, range: std::ops::Range<usize>, mut f: impl FnMut(u32)) {
        if range.start > range.end {
            return;
        }
        match self {
            EntryOffsets::Decoded(v) => v[range.start..=range.end].iter().for_each(|&x| f(x)),
            EntryOffsets::Table { table, key_len, end } => {
                let n = table.len() / 4;
                let hi = (range.end + 1).min(n);
                if range.start < hi {
                    let key_len = *key_len as i64;
                    table[4 * range.start..4 * hi]
                        .chunks_exact(4)
                        .for_each(|c| f((i32::from_be_bytes([c[0], c[1], c[2], c[3]]) as i64 - key_len).max(0) as u32));
                }
                if range.end >= n {
                    f(*end);
                }
            }
        }
    }

    /// All offsets as a vector (tests, debugging).
    pub fn to_vec(&self) -> Vec<u32> {
        let mut v = Vec::with_capacity(self.len());
        self.for_each_through(0..self.len() - 1, |x| v.push(x));
        v
    }
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
            Some(o) => o.get(i) as usize..o.get(i + 1) as usize,
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
                let (mut previous, mut backwards) = (0u32, false);
                o.for_each_through(0..n, |v| {
                    backwards |= v < previous;
                    previous = v;
                });
                if backwards || previous as usize > self.data.len() {
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
            offsets: e.offsets.clone().map(EntryOffsets::Decoded),
        }
    }
}

/// Validates an embedded basket the same way as a free-standing one.
pub fn embedded_basket(e: &EmbeddedBasket) -> Result<BasketData> {
    BasketData::from(e).validate(0)
}

/// Decodes a free-standing basket from its `fBasketBytes` raw bytes read at `fBasketSeek`. An uncompressed
/// payload is used in place (a slice of `raw`), a compressed one is decompressed into a fresh buffer.
pub fn decode_basket(raw: &Bytes, loc: &BasketLocator) -> Result<BasketData> {
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
    let payload = match body.len() == key.obj_len as usize {
        true => raw.slice(key_len..key.nbytes as usize),
        false => {
            compress::decompress(body, key.obj_len as usize).map_err(|e| relocate(e, loc.seek + key_len as u64))?.into()
        }
    };
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
        let n = Cursor::new(&payload[border..]).with_origin(border as u64).i32()?;
        let table = border + 4..border + 4 + 4 * n_entries;
        if n < 0 || (n as usize) < n_entries || table.end > payload.len() {
            return Err(Error::corrupt_at_file(
                loc.seek,
                format!("entry-offset table has {n} values for {n_entries} entries"),
            ));
        }
        Some(EntryOffsets::Table { table: payload.slice(table), key_len: key_len as u32, end: border as u32 })
    } else {
        None
    };
    BasketData { first_entry: loc.first_entry, end_entry: loc.end_entry, data: payload.slice(..border), offsets }
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

    /// A basket laid out by hand as TBasket::WriteBuffer does: 3 entries of sizes 4, 0, 8 (bytes 1..=12), its
    /// payload stored raw or ZSTD-compressed; the `fEntryOffset` values are `offsets` plus fKeylen.
    fn hand_basket(compressed: bool, offsets: [i32; 3]) -> (Bytes, BasketLocator) {
        let data: Vec<u8> = (1..=12).collect();
        let head_len = key_header(0, 0, 0).len() + 2 + 4 + 4 + 4 + 4 + 1;
        let keylen = head_len as i32;
        let mut payload = data.clone();
        payload.extend(4i32.to_be_bytes());
        for o in offsets {
            payload.extend((o + keylen).to_be_bytes());
        }
        payload.extend(0i32.to_be_bytes());
        let objlen = payload.len() as i32;
        if compressed {
            payload = compress::compress(&payload, compress::Algorithm::Zstd, 1).unwrap();
        }
        let mut raw = key_header(keylen + payload.len() as i32, objlen, keylen as i16);
        raw.extend(3i16.to_be_bytes());
        raw.extend(32000i32.to_be_bytes());
        raw.extend(1000i32.to_be_bytes());
        raw.extend(3i32.to_be_bytes());
        raw.extend((keylen + 12).to_be_bytes());
        raw.push(0);
        assert_eq!(raw.len(), head_len);
        raw.extend(&payload);
        let loc = BasketLocator { seek: 100, bytes: raw.len() as u32, first_entry: 10, end_entry: 13 };
        (Bytes::from(raw), loc)
    }

    #[test]
    fn variable_size_entries_use_the_offset_table_raw_or_compressed() {
        let data: Vec<u8> = (1..=12).collect();
        for compressed in [false, true] {
            let (raw, loc) = hand_basket(compressed, [0, 4, 4]);
            let b = decode_basket(&raw, &loc).unwrap();
            assert_eq!(b.offsets.as_ref().map(EntryOffsets::to_vec), Some(vec![0, 4, 4, 12]));
            assert_eq!(b.entry_range(0), 0..4);
            assert_eq!(b.entry_range(1), 4..4);
            assert_eq!(b.entry_range(2), 4..12);
            assert_eq!(b.entries_bytes(1..3), &data[4..12]);
            assert_eq!(&b.data[..], &data[..]);
            // A raw payload is the read bytes themselves, not a copy.
            let inside = raw.as_ptr_range().contains(&b.data.as_ptr());
            assert_eq!(inside, !compressed);

            let bad = BasketLocator { end_entry: 15, ..loc };
            assert!(decode_basket(&raw, &bad).unwrap_err().to_string().contains("basket holds 3 entries"));
            assert!(decode_basket(&raw.slice(..raw.len() - 5), &loc).is_err());
        }
    }

    #[test]
    fn both_offset_forms_give_the_same_runs() {
        let (raw, loc) = hand_basket(true, [0, 4, 4]);
        let table = decode_basket(&raw, &loc).unwrap().offsets.unwrap();
        let decoded = EntryOffsets::Decoded(vec![0, 4, 4, 12]);
        for o in [&table, &decoded] {
            assert_eq!((o.len(), o.get(0), o.get(2), o.get(3)), (4, 0, 4, 12));
            for (a, b) in [(0, 3), (1, 3), (3, 3), (0, 0), (2, 1), (4, 3)] {
                let mut got = Vec::new();
                o.for_each_through(a..b, |x| got.push(x));
                let want: Vec<u32> = if a > b { vec![] } else { [0, 4, 4, 12][a..=b].to_vec() };
                assert_eq!(got, want, "{a}..={b}");
            }
        }
    }

    #[test]
    fn offsets_before_the_key_end_read_as_zero_and_backwards_offsets_are_corrupt() {
        let (raw, loc) = hand_basket(false, [-3, 4, 4]);
        let b = decode_basket(&raw, &loc).unwrap();
        assert_eq!(b.offsets.as_ref().map(EntryOffsets::to_vec), Some(vec![0, 4, 4, 12]));
        let (raw, loc) = hand_basket(true, [0, 8, 4]);
        let e = decode_basket(&raw, &loc).unwrap_err().to_string();
        assert!(e.contains("not increasing"), "{e}");
        let (raw, loc) = hand_basket(false, [0, 4, 13]);
        let e = decode_basket(&raw, &loc).unwrap_err().to_string();
        assert!(e.contains("not increasing"), "{e}");
    }
}
