//! codec/endsess: `kXR_endsess` (3023): ends an earlier session (by its session id) after a reconnect.
//! Sent with the current session's id the server closes the connection without answering.

use super::{Request, request_code};

/// Builds `kXR_endsess`: `sessid[16]`.
pub fn request(session: [u8; 16]) -> Request {
    Request::new(request_code::ENDSESS, session)
}
