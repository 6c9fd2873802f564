//! codec (layer 0): the XRootD wire format, sans I/O. One module per request builds its 24-byte header,
//! body and payload and parses its answer; [`response`] decodes the 8-byte response header and the
//! status answers every request may get (ok, oksofar, error, redirect, wait, waitresp, attn).
//!
//! Every integer on the wire is big-endian. Layouts follow "The XRootD Protocol, Version 5.1.1" and the
//! server's `XProtocol.hh` (protocol version 0x511).

pub mod auth;
pub mod close;
pub mod dirlist;
pub mod endsess;
pub mod handshake;
pub mod login;
pub mod open;
pub mod ping;
pub mod protocol;
pub mod query;
pub mod read;
pub mod readv;
pub mod response;
pub mod stat;

use bytes::{BufMut, Bytes, BytesMut};

/// Size of every request header: `streamid[2] | requestid u16 | body[16] | dlen i32`.
pub const REQUEST_HEADER_LEN: usize = 24;
/// Size of every response header: `streamid[2] | status u16 | dlen i32`.
pub const RESPONSE_HEADER_LEN: usize = 8;

/// Request codes (`XRequestTypes`) used by this client.
pub mod request_code {
    /// `kXR_auth`.
    pub const AUTH: u16 = 3000;
    /// `kXR_query`.
    pub const QUERY: u16 = 3001;
    /// `kXR_close`.
    pub const CLOSE: u16 = 3003;
    /// `kXR_dirlist`.
    pub const DIRLIST: u16 = 3004;
    /// `kXR_protocol`.
    pub const PROTOCOL: u16 = 3006;
    /// `kXR_login`.
    pub const LOGIN: u16 = 3007;
    /// `kXR_open`.
    pub const OPEN: u16 = 3010;
    /// `kXR_ping`.
    pub const PING: u16 = 3011;
    /// `kXR_read`.
    pub const READ: u16 = 3013;
    /// `kXR_stat`.
    pub const STAT: u16 = 3017;
    /// `kXR_endsess`.
    pub const ENDSESS: u16 = 3023;
    /// `kXR_readv`.
    pub const READV: u16 = 3025;
}

/// A 4-byte file handle returned by `kXR_open`; valid only on the connection (session) that opened it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FileHandle(pub [u8; 4]);

/// A response that does not have the layout its status promises.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("malformed {what}: {detail}")]
pub struct Malformed {
    /// Which message was malformed (`kXR_open response`, `kXR_redirect`, ...).
    pub what: &'static str,
    /// What is wrong with it.
    pub detail: String,
}

impl Malformed {
    /// A malformed-message error.
    pub fn new(what: &'static str, detail: impl Into<String>) -> Self {
        Malformed { what, detail: detail.into() }
    }
}

/// One request: its code, the 16 request-specific header bytes and the payload that follows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    /// Request code (`kXR_open` = 3010, ...).
    pub code: u16,
    /// The 16 request-specific bytes of the header.
    pub body: [u8; 16],
    /// The `dlen` bytes after the header (path, credentials, read list...).
    pub payload: Bytes,
}

impl Request {
    /// A request with an empty payload.
    pub fn new(code: u16, body: [u8; 16]) -> Self {
        Request { code, body, payload: Bytes::new() }
    }

    /// Appends the encoded request (header with `stream`, then payload) to `out`.
    pub fn encode(&self, stream: [u8; 2], out: &mut BytesMut) {
        out.reserve(REQUEST_HEADER_LEN + self.payload.len());
        out.put_slice(&stream);
        out.put_u16(self.code);
        out.put_slice(&self.body);
        out.put_i32(i32::try_from(self.payload.len()).unwrap_or(i32::MAX));
        out.put_slice(&self.payload);
    }

    /// The encoded request as one buffer.
    pub fn to_bytes(&self, stream: [u8; 2]) -> Bytes {
        let mut out = BytesMut::new();
        self.encode(stream, &mut out);
        out.freeze()
    }

    /// The name of the request code, for messages.
    pub fn name(&self) -> &'static str {
        request_name(self.code)
    }
}

/// The `kXR_*` name of a request code.
pub fn request_name(code: u16) -> &'static str {
    use request_code::*;
    match code {
        AUTH => "kXR_auth",
        QUERY => "kXR_query",
        CLOSE => "kXR_close",
        DIRLIST => "kXR_dirlist",
        PROTOCOL => "kXR_protocol",
        LOGIN => "kXR_login",
        OPEN => "kXR_open",
        PING => "kXR_ping",
        READ => "kXR_read",
        STAT => "kXR_stat",
        ENDSESS => "kXR_endsess",
        READV => "kXR_readv",
        _ => "request",
    }
}

/// A path payload: the path bytes (which may carry `?cgi`), never NUL-terminated.
pub(crate) fn path_payload(path: &str) -> Bytes {
    Bytes::copy_from_slice(path.as_bytes())
}

/// Reads a big-endian u32 at `at`, if present.
pub(crate) fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    let s = b.get(at..at.checked_add(4)?)?;
    Some(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
}

/// Reads a big-endian i32 at `at`, if present.
pub(crate) fn be_i32(b: &[u8], at: usize) -> Option<i32> {
    be_u32(b, at).map(|v| v as i32)
}

/// Reads a big-endian i64 at `at`, if present.
pub(crate) fn be_i64(b: &[u8], at: usize) -> Option<i64> {
    let s = b.get(at..at.checked_add(8)?)?;
    let mut a = [0u8; 8];
    a.copy_from_slice(s);
    Some(i64::from_be_bytes(a))
}

/// Text of a response body: up to the first NUL, lossily decoded.
pub(crate) fn text(b: &[u8]) -> String {
    let end = b.iter().position(|&c| c == 0).unwrap_or(b.len());
    String::from_utf8_lossy(&b[..end]).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_header_layout() {
        let mut body = [0u8; 16];
        body[0] = 0xAA;
        body[15] = 0xBB;
        let r = Request { code: request_code::STAT, body, payload: Bytes::from_static(b"/x") };
        let b = r.to_bytes([0x01, 0x02]);
        assert_eq!(b.len(), 26);
        assert_eq!(&b[..4], &[0x01, 0x02, 0x0B, 0xC9]); // 3017 = 0x0BC9
        assert_eq!(b[4], 0xAA);
        assert_eq!(b[19], 0xBB);
        assert_eq!(&b[20..24], &[0, 0, 0, 2]);
        assert_eq!(&b[24..], b"/x");
    }

    #[test]
    fn readers_refuse_short_input() {
        assert_eq!(be_u32(&[1, 2, 3], 0), None);
        assert_eq!(be_i64(&[0; 8], 1), None);
        assert_eq!(be_i32(&[0xFF; 4], 0), Some(-1));
        assert_eq!(text(b"abc\0def"), "abc");
    }
}
