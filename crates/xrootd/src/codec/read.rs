//! codec/read: `kXR_read` (3013): one byte range of an open file. The data comes back as `kXR_oksofar`
//! parts (2 MiB each on a 5.5 server) and a final `kXR_ok`; a read at or past the end is short, not an error.

use super::{FileHandle, Request, request_code};

/// Builds `kXR_read`: `fhandle[4] | offset i64 | rlen i32`.
pub fn request(handle: FileHandle, offset: u64, len: u32) -> Request {
    let mut body = [0u8; 16];
    body[..4].copy_from_slice(&handle.0);
    body[4..12].copy_from_slice(&offset.to_be_bytes());
    body[12..16].copy_from_slice(&len.min(i32::MAX as u32).to_be_bytes());
    Request::new(request_code::READ, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout() {
        let r = request(FileHandle([0, 0, 0, 7]), 0x0102_0304_0506, 1 << 20);
        assert_eq!(&r.body, &[0, 0, 0, 7, 0, 0, 1, 2, 3, 4, 5, 6, 0, 0x10, 0, 0]);
        assert!(r.payload.is_empty());
    }
}
