//! codec/readv: `kXR_readv` (3025): many (handle, offset, length) chunks in one request. The server
//! limits a request to [`MAX_CHUNKS`] chunks of at most [`MAX_CHUNK_LEN`] bytes, and errors on a chunk
//! that crosses the end of the file; the answer repeats `fhandle[4] | rlen i32 | offset i64 | data`.

use bytes::{BufMut, Bytes, BytesMut};

use super::{FileHandle, Malformed, Request, be_i32, be_i64, request_code};

/// Most chunks per request (`readv_iov_max` of a 5.5 server).
pub const MAX_CHUNKS: usize = 1024;
/// Most bytes per chunk (`readv_ior_max` = 2 MiB buffer − 16).
pub const MAX_CHUNK_LEN: u32 = 2_097_136;
/// Size of one read-list element and of one answer header.
pub const ELEMENT_LEN: usize = 16;

/// One chunk of a vector read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Chunk {
    /// The open file.
    pub handle: FileHandle,
    /// Offset in the file.
    pub offset: u64,
    /// Length in bytes (≤ [`MAX_CHUNK_LEN`]).
    pub len: u32,
}

/// Builds `kXR_readv`: `reserved[15] | pathid u8`, payload = n × `fhandle[4] | rlen i32 | offset i64`.
pub fn request(chunks: &[Chunk]) -> Request {
    let mut p = BytesMut::with_capacity(chunks.len() * ELEMENT_LEN);
    for c in chunks {
        p.put_slice(&c.handle.0);
        p.put_u32(c.len);
        p.put_u64(c.offset);
    }
    Request { code: request_code::READV, body: [0u8; 16], payload: p.freeze() }
}

/// Parses the (concatenated) answer into one buffer per requested chunk, checking that every returned
/// element is the requested one (same handle, offset and full length), in order.
pub fn parse(body: &Bytes, chunks: &[Chunk]) -> Result<Vec<Bytes>, Malformed> {
    let mut out = Vec::with_capacity(chunks.len());
    let mut at = 0usize;
    for (i, c) in chunks.iter().enumerate() {
        let head = body.get(at..at + ELEMENT_LEN).ok_or_else(|| {
            Malformed::new("kXR_readv response", format!("ends after {} of {} chunks", i, chunks.len()))
        })?;
        let len = be_i32(head, 4).unwrap_or(-1);
        let offset = be_i64(head, 8).unwrap_or(-1);
        if head[..4] != c.handle.0 || offset != c.offset as i64 || len != c.len as i32 {
            return Err(Malformed::new(
                "kXR_readv response",
                format!(
                    "chunk {i}: got {len} bytes at {offset}, asked for {} bytes at {} (short read past the end?)",
                    c.len, c.offset
                ),
            ));
        }
        at += ELEMENT_LEN;
        if body.len() < at + c.len as usize {
            return Err(Malformed::new(
                "kXR_readv response",
                format!("chunk {i}: {} bytes announced, fewer follow", c.len),
            ));
        }
        out.push(body.slice(at..at + c.len as usize));
        at += c.len as usize;
    }
    if at != body.len() {
        return Err(Malformed::new("kXR_readv response", format!("{} bytes after the last chunk", body.len() - at)));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn answer(chunks: &[Chunk]) -> Bytes {
        let mut b = BytesMut::new();
        for c in chunks {
            b.put_slice(&c.handle.0);
            b.put_u32(c.len);
            b.put_u64(c.offset);
            b.extend((0..c.len).map(|k| (c.offset as u32 + k) as u8));
        }
        b.freeze()
    }

    #[test]
    fn round_trip() {
        let h = FileHandle([0, 0, 0, 1]);
        let chunks = [Chunk { handle: h, offset: 10, len: 3 }, Chunk { handle: h, offset: 100, len: 2 }];
        let r = request(&chunks);
        assert_eq!(r.payload.len(), 32);
        assert_eq!(&r.payload[..16], &[0, 0, 0, 1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 10]);
        let got = parse(&answer(&chunks), &chunks).unwrap();
        assert_eq!(&got[0][..], &[10, 11, 12]);
        assert_eq!(&got[1][..], &[100, 101]);
    }

    #[test]
    fn mismatches_are_malformed() {
        let h = FileHandle([0, 0, 0, 1]);
        let chunks = [Chunk { handle: h, offset: 10, len: 3 }];
        let a = answer(&chunks);
        assert!(parse(&a.slice(..a.len() - 1), &chunks).is_err());
        assert!(parse(&a, &[Chunk { handle: h, offset: 11, len: 3 }]).is_err());
        let mut longer = a.to_vec();
        longer.push(0);
        assert!(parse(&Bytes::from(longer), &chunks).is_err());
    }
}
