//! compress (layer 1): ROOT's block compression: every 9-byte-headed block of ZL, XZ, L4, ZS payloads.
//!
//! A payload is a sequence of blocks `[tag:2][method:1][csize:3 LE][usize:3 LE] data`; objects larger
//! than 16 MiB have several. Each block is dispatched on its own tag: ROOT mixes algorithms in one file.

use std::io::Read;

use crate::error::{Error, Result};

/// Length of a block header.
pub const BLOCK_HEADER_LEN: usize = 9;

/// A compression algorithm as found in a block tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Algorithm {
    /// `ZL`: zlib stream.
    Zlib,
    /// `XZ`: xz container (LZMA2).
    Lzma,
    /// `L4`: xxhash64 checksum + LZ4 block.
    Lz4,
    /// `ZS`: zstd frame.
    Zstd,
    /// `CS`: the pre-2000 ROOT algorithm (not supported).
    OldRoot,
}

impl Algorithm {
    /// The algorithm of a two-byte tag.
    pub fn from_tag(tag: [u8; 2]) -> Option<Self> {
        match &tag {
            b"ZL" => Some(Algorithm::Zlib),
            b"XZ" => Some(Algorithm::Lzma),
            b"L4" => Some(Algorithm::Lz4),
            b"ZS" => Some(Algorithm::Zstd),
            b"CS" => Some(Algorithm::OldRoot),
            _ => None,
        }
    }

    /// The two-byte tag.
    pub fn tag(self) -> &'static str {
        match self {
            Algorithm::Zlib => "ZL",
            Algorithm::Lzma => "XZ",
            Algorithm::Lz4 => "L4",
            Algorithm::Zstd => "ZS",
            Algorithm::OldRoot => "CS",
        }
    }
}

fn le24(b: &[u8]) -> usize {
    b[0] as usize | (b[1] as usize) << 8 | (b[2] as usize) << 16
}

/// Decompresses a whole payload of `expected` uncompressed bytes.
///
/// If `data.len() == expected` the payload is stored raw and returned as is. Offsets in errors are
/// relative to the start of `data`.
pub fn decompress(data: &[u8], expected: usize) -> Result<Vec<u8>> {
    let mut out = Vec::with_capacity(expected);
    decompress_into(data, expected, &mut out)?;
    Ok(out)
}

/// As [`decompress`], appending to `out` (so callers can reuse buffers).
pub fn decompress_into(data: &[u8], expected: usize, out: &mut Vec<u8>) -> Result<()> {
    if data.len() == expected {
        out.extend_from_slice(data);
        return Ok(());
    }
    let start_len = out.len();
    let mut pos = 0usize;
    while out.len() - start_len < expected {
        if data.len() - pos < BLOCK_HEADER_LEN {
            return Err(Error::corrupt(
                pos as u64,
                format!(
                    "compressed payload ends after {} of {expected} bytes (need a {BLOCK_HEADER_LEN}-byte block header)",
                    out.len() - start_len
                ),
            ));
        }
        let header = &data[pos..pos + BLOCK_HEADER_LEN];
        let csize = le24(&header[3..6]);
        let usize_ = le24(&header[6..9]);
        let body_start = pos + BLOCK_HEADER_LEN;
        let body_end = body_start.checked_add(csize).filter(|&e| e <= data.len()).ok_or_else(|| {
            Error::corrupt(
                pos as u64,
                format!("block of {csize} compressed bytes runs past the payload ({} bytes)", data.len()),
            )
        })?;
        let remaining = expected - (out.len() - start_len);
        if usize_ > remaining {
            return Err(Error::corrupt(
                pos as u64,
                format!("block says {usize_} uncompressed bytes but only {remaining} remain of {expected}"),
            ));
        }
        let body = &data[body_start..body_end];
        let before = out.len();
        let tag = [header[0], header[1]];
        match Algorithm::from_tag(tag) {
            Some(Algorithm::Zlib) => inflate_zlib(body, usize_, out).map_err(|m| Error::corrupt(pos as u64, m))?,
            Some(Algorithm::Zstd) => unzstd(body, usize_, out).map_err(|m| Error::corrupt(pos as u64, m))?,
            Some(Algorithm::Lz4) => unlz4(body, usize_, out).map_err(|m| Error::corrupt(pos as u64, m))?,
            Some(Algorithm::Lzma) => unxz(body, usize_, out).map_err(|m| Error::corrupt(pos as u64, m))?,
            Some(Algorithm::OldRoot) => {
                return Err(Error::Unsupported {
                    at: crate::error::Location { offset: Some(pos as u64), in_payload: true, ..Default::default() }
                        .into(),
                    what: "compression algorithm 'CS' (ROOT's pre-2000 algorithm)".into(),
                });
            }
            None => {
                return Err(Error::corrupt(
                    pos as u64,
                    format!(
                        "unknown compression block tag {:?} (bytes {:02x} {:02x})",
                        String::from_utf8_lossy(&tag),
                        tag[0],
                        tag[1]
                    ),
                ));
            }
        }
        if out.len() - before != usize_ {
            return Err(Error::corrupt(
                pos as u64,
                format!(
                    "{} block gave {} bytes, header says {usize_}",
                    String::from_utf8_lossy(&tag),
                    out.len() - before
                ),
            ));
        }
        pos = body_end;
    }
    Ok(())
}

fn inflate_zlib(body: &[u8], n: usize, out: &mut Vec<u8>) -> std::result::Result<(), String> {
    let mut d = flate2::Decompress::new(true);
    let start = out.len();
    out.reserve(n);
    // decompress_vec writes into spare capacity only.
    let status = d.decompress_vec(body, out, flate2::FlushDecompress::Finish).map_err(|e| format!("zlib: {e}"))?;
    if out.len() - start != n || status != flate2::Status::StreamEnd {
        return Err(format!("zlib block inflated to {} bytes, expected {n}", out.len() - start));
    }
    Ok(())
}

thread_local! {
    /// One zstd decompression context per thread, reused across blocks.
    static ZSTD: std::cell::RefCell<Option<zstd::bulk::Decompressor<'static>>> = const { std::cell::RefCell::new(None) };
}

/// Appends the `n` bytes of one ZSTD block to `out`, decompressed straight into its spare capacity (no zeroing
/// of the block's bytes first: a cursor at `out`'s end hands zstd the uninitialised room and sets the length).
fn unzstd(body: &[u8], n: usize, out: &mut Vec<u8>) -> std::result::Result<(), String> {
    let start = out.len();
    out.reserve(n);
    let got = ZSTD.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            *slot = Some(zstd::bulk::Decompressor::new().map_err(|e| format!("zstd: {e}"))?);
        }
        let mut end = std::io::Cursor::new(&mut *out);
        end.set_position(start as u64);
        match slot.as_mut() {
            Some(d) => d.decompress_to_buffer(body, &mut end).map_err(|e| format!("zstd: {e}")),
            None => Err("zstd: no decompression context".to_string()),
        }
    })?;
    if got > n || out.len() != start + got {
        return Err(format!("zstd: block decompresses to {got} bytes, {n} declared"));
    }
    Ok(())
}

fn unlz4(body: &[u8], n: usize, out: &mut Vec<u8>) -> std::result::Result<(), String> {
    if body.len() < 8 {
        return Err("LZ4 block shorter than its 8-byte checksum".into());
    }
    let (sum, block) = body.split_at(8);
    let want = u64::from_be_bytes(sum.try_into().unwrap_or_default());
    let got = xxhash_rust::xxh64::xxh64(block, 0);
    if want != got {
        return Err(format!("LZ4 block checksum mismatch: stored {want:016x}, computed {got:016x}"));
    }
    let start = out.len();
    out.resize(start + n, 0);
    let written = lz4_flex::block::decompress_into(block, &mut out[start..]).map_err(|e| format!("lz4: {e}"))?;
    out.truncate(start + written);
    Ok(())
}

fn unxz(body: &[u8], n: usize, out: &mut Vec<u8>) -> std::result::Result<(), String> {
    let start = out.len();
    out.reserve(n);
    let mut dec = liblzma::read::XzDecoder::new(body);
    dec.read_to_end(out).map_err(|e| format!("xz: {e}"))?;
    if out.len() - start != n {
        return Err(format!("xz block gave {} bytes, expected {n}", out.len() - start));
    }
    Ok(())
}

/// Compresses `data` into one or more ROOT blocks (used by tests and fixture writers).
pub fn compress(data: &[u8], algorithm: Algorithm, level: u32) -> Result<Vec<u8>> {
    const MAX_BLOCK: usize = 0xff_ffff;
    let mut out = Vec::new();
    for chunk in data.chunks(MAX_BLOCK) {
        let body = match algorithm {
            Algorithm::Zlib => {
                use std::io::Write;
                let mut e = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::new(level.min(9)));
                e.write_all(chunk).and_then(|_| e.finish()).map_err(|e| Error::Internal(format!("zlib: {e}")))?
            }
            Algorithm::Zstd => {
                zstd::bulk::compress(chunk, level as i32).map_err(|e| Error::Internal(format!("zstd: {e}")))?
            }
            Algorithm::Lz4 => {
                let block = lz4_flex::block::compress(chunk);
                let mut b = xxhash_rust::xxh64::xxh64(&block, 0).to_be_bytes().to_vec();
                b.extend_from_slice(&block);
                b
            }
            Algorithm::Lzma => {
                let mut e = liblzma::read::XzEncoder::new(chunk, level.min(9));
                let mut b = Vec::new();
                e.read_to_end(&mut b).map_err(|e| Error::Internal(format!("xz: {e}")))?;
                b
            }
            Algorithm::OldRoot => return Err(Error::unsupported("writing 'CS' compression")),
        };
        if body.len() > MAX_BLOCK {
            return Err(Error::Internal("compressed block larger than 16 MiB".into()));
        }
        out.extend_from_slice(algorithm.tag().as_bytes());
        out.push(match algorithm {
            Algorithm::Zlib => 8,
            Algorithm::Zstd => 1,
            Algorithm::Lz4 => 1,
            _ => 0,
        });
        for v in [body.len(), chunk.len()] {
            out.extend_from_slice(&(v as u32).to_le_bytes()[..3]);
        }
        out.extend_from_slice(&body);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample(n: usize) -> Vec<u8> {
        (0..n).map(|i| ((i * 7919) % 251) as u8 ^ (i / 1000) as u8).collect()
    }

    #[test]
    fn round_trips_every_algorithm_single_and_multi_block() {
        for alg in [Algorithm::Zlib, Algorithm::Zstd, Algorithm::Lz4, Algorithm::Lzma] {
            for n in [1usize, 1000, 0xff_ffff + 12345] {
                let data = sample(n);
                let c = compress(&data, alg, 1).unwrap();
                assert_ne!(c.len(), data.len());
                let d = decompress(&c, data.len()).unwrap();
                assert!(d == data, "{alg:?} n={n}");
            }
        }
    }

    #[test]
    fn raw_payload_is_returned_as_is() {
        assert_eq!(decompress(b"abc", 3).unwrap(), b"abc");
    }

    #[test]
    fn old_root_algorithm_is_unsupported_not_corrupt() {
        let mut c = b"CS\x08".to_vec();
        c.extend_from_slice(&[4, 0, 0, 10, 0, 0, 1, 2, 3, 4]);
        let e = decompress(&c, 10).unwrap_err();
        assert!(e.is_unsupported(), "{e}");
        assert!(e.to_string().contains("'CS'"), "{e}");
    }

    #[test]
    fn lz4_checksum_is_verified() {
        let data = sample(5000);
        let mut c = compress(&data, Algorithm::Lz4, 1).unwrap();
        let last = c.len() - 1;
        c[last] ^= 0xff;
        let e = decompress(&c, data.len()).unwrap_err();
        assert!(e.to_string().contains("checksum"), "{e}");
    }

    #[test]
    fn garbage_never_panics() {
        for seed in 0..200u32 {
            let mut bytes: Vec<u8> =
                (0..64).map(|i| (seed.wrapping_mul(2654435761).wrapping_add(i * 97) >> 7) as u8).collect();
            bytes[0] = b"ZXLZ"[seed as usize % 4];
            bytes[1] = b"LZ4S"[seed as usize % 4];
            let _ = decompress(&bytes, 100);
        }
    }
}
