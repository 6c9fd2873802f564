//! codec/close: `kXR_close` (3003): releases a file handle; the answer is an empty `kXR_ok`.

use super::{FileHandle, Request, request_code};

/// Builds `kXR_close`: `fhandle[4] | reserved[12]`.
pub fn request(handle: FileHandle) -> Request {
    let mut body = [0u8; 16];
    body[..4].copy_from_slice(&handle.0);
    Request::new(request_code::CLOSE, body)
}
