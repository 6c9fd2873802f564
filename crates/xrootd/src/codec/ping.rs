//! codec/ping: `kXR_ping` (3011): checks that the session is alive; the answer is an empty `kXR_ok`.

use super::{Request, request_code};

/// Builds `kXR_ping`: 16 reserved bytes.
pub fn request() -> Request {
    Request::new(request_code::PING, [0u8; 16])
}
