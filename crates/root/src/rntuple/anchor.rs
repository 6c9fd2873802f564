//! rntuple/anchor (layer 5): the `ROOT::RNTuple` key payload (big-endian) that locates header and footer,
//! with its XXH3-64 checksum.

use xxhash_rust::xxh3::xxh3_64;

use crate::bytes::{BYTE_COUNT_MASK, Cursor};
use crate::error::{Error, Result};

/// Key classes of RNTuple anchors (v1 files written by ROOT 6.34+, and by earlier 6.3x as `Experimental`).
pub const ANCHOR_CLASSES: [&str; 2] = ["ROOT::RNTuple", "ROOT::Experimental::RNTuple"];

/// Bytes of the anchor's versioned fields (4 × u16 + 7 × u64).
const ANCHOR_FIELDS_LEN: usize = 4 * 2 + 7 * 8;

/// The RNTuple anchor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Anchor {
    /// Format epoch (1 for v1).
    pub epoch: u16,
    /// Major version.
    pub major: u16,
    /// Minor version.
    pub minor: u16,
    /// Patch version.
    pub patch: u16,
    /// File offset of the header envelope.
    pub seek_header: u64,
    /// Compressed header size.
    pub nbytes_header: u64,
    /// Uncompressed header size.
    pub len_header: u64,
    /// File offset of the footer envelope.
    pub seek_footer: u64,
    /// Compressed footer size.
    pub nbytes_footer: u64,
    /// Uncompressed footer size.
    pub len_footer: u64,
    /// Largest RBlob key; bigger payloads are split over several keys.
    pub max_key_size: u64,
}

impl Anchor {
    /// Parses the (decompressed) key payload; `at` is its file offset, used in errors.
    pub fn parse(payload: &[u8], at: u64) -> Result<Self> {
        let mut c = Cursor::new(payload).with_origin(at);
        let count = c.u32()?;
        if count & BYTE_COUNT_MASK == 0 {
            return Err(c.error("RNTuple anchor has no byte count"));
        }
        let _class_version = c.u16()?;
        let start = c.pos();
        let epoch = c.u16()?;
        let major = c.u16()?;
        let minor = c.u16()?;
        let patch = c.u16()?;
        let a = Anchor {
            epoch,
            major,
            minor,
            patch,
            seek_header: c.u64()?,
            nbytes_header: c.u64()?,
            len_header: c.u64()?,
            seek_footer: c.u64()?,
            nbytes_footer: c.u64()?,
            len_footer: c.u64()?,
            max_key_size: c.u64()?,
        };
        let fields = &payload[start..start + ANCHOR_FIELDS_LEN];
        let sum_at = c.pos();
        let stored = c.u64()?;
        let computed = xxh3_64(fields);
        if stored != computed {
            return Err(Error::corrupt_at_file(
                at + sum_at as u64,
                format!("RNTuple anchor checksum mismatch: stored {stored:#018x}, computed {computed:#018x}"),
            ));
        }
        if epoch != 1 {
            return Err(Error::Unsupported {
                at: crate::error::Location { offset: Some(at + start as u64), ..Default::default() }.into(),
                what: format!("RNTuple format {epoch}.{major}.{minor}.{patch} (only epoch 1, i.e. 1.x.y.z, is read)"),
            });
        }
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn anchor_bytes() -> Vec<u8> {
        let mut fields = Vec::new();
        for v in [1u16, 0, 0, 0] {
            fields.extend_from_slice(&v.to_be_bytes());
        }
        for v in [100u64, 50, 80, 200, 40, 60, 1 << 30] {
            fields.extend_from_slice(&v.to_be_bytes());
        }
        let mut b = (BYTE_COUNT_MASK | 74).to_be_bytes().to_vec();
        b.extend_from_slice(&2u16.to_be_bytes());
        b.extend_from_slice(&fields);
        b.extend_from_slice(&xxh3_64(&fields).to_be_bytes());
        b
    }

    #[test]
    fn parses_a_hand_made_anchor() {
        let a = Anchor::parse(&anchor_bytes(), 0).unwrap();
        assert_eq!((a.epoch, a.seek_header, a.len_footer, a.max_key_size), (1, 100, 60, 1 << 30));
    }

    #[test]
    fn flipped_anchor_byte_fails_the_checksum() {
        let mut b = anchor_bytes();
        b[20] ^= 1;
        let err = Anchor::parse(&b, 1000).unwrap_err();
        assert!(err.to_string().contains("anchor checksum mismatch") && err.to_string().contains("byte 1070"), "{err}");
    }
}
