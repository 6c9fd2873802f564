//! codec/auth: `kXR_auth` (3000) and the credentials of the protocols this client speaks (`unix`).

use bytes::Bytes;

use super::{Request, request_code};

/// Builds `kXR_auth`: `reserved[12] | credtype[4]` (the protocol name), payload = credentials.
pub fn request(credtype: &str, credentials: Bytes) -> Request {
    let mut body = [0u8; 16];
    for (dst, src) in body[12..16].iter_mut().zip(credtype.bytes()) {
        *dst = src;
    }
    Request { code: request_code::AUTH, body, payload: credentials }
}

/// The `unix` protocol's credentials: `"unix\0<user> <group>\0"`.
pub fn unix_credentials(user: &str, group: &str) -> Bytes {
    let mut c = Vec::with_capacity(user.len() + group.len() + 7);
    c.extend_from_slice(b"unix\0");
    c.extend_from_slice(user.as_bytes());
    c.push(b' ');
    c.extend_from_slice(group.as_bytes());
    c.push(0);
    Bytes::from(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unix_auth_request() {
        let r = request("unix", unix_credentials("alice", "users"));
        assert_eq!(&r.body[12..], b"unix");
        assert_eq!(&r.payload[..], b"unix\0alice users\0");
    }
}
