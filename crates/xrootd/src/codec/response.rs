//! codec/response: the 8-byte response header and the status answers any request may get:
//! `kXR_ok`, `kXR_oksofar` (one part of a longer answer), `kXR_error`, `kXR_redirect`, `kXR_wait`,
//! `kXR_waitresp` (real answer later in a `kXR_attn`), `kXR_attn` and `kXR_status` framing.

use super::{Malformed, RESPONSE_HEADER_LEN, be_i32, be_u32, text};

/// Response status codes (`XResponseType`).
pub mod status {
    /// `kXR_ok`: final answer.
    pub const OK: u16 = 0;
    /// `kXR_oksofar`: part of an answer; more follows on the same stream.
    pub const OKSOFAR: u16 = 4000;
    /// `kXR_attn`: unsolicited message (deferred response, server message).
    pub const ATTN: u16 = 4001;
    /// `kXR_authmore`: another authentication round.
    pub const AUTHMORE: u16 = 4002;
    /// `kXR_error`: `errnum i32 | message`.
    pub const ERROR: u16 = 4003;
    /// `kXR_redirect`: `port i32 | host[?opaque[?token]]`.
    pub const REDIRECT: u16 = 4004;
    /// `kXR_wait`: `seconds i32 | message`; resend after that time.
    pub const WAIT: u16 = 4005;
    /// `kXR_waitresp`: `seconds i32`; the answer comes later in a `kXR_attn`.
    pub const WAITRESP: u16 = 4006;
    /// `kXR_status`: pgread/pgwrite framing with raw data beyond `dlen`.
    pub const STATUS: u16 = 4007;
}

/// `kXR_attn` action: a deferred response (`kXR_asynresp`).
pub const ATTN_ASYNRESP: i32 = 5008;
/// `kXR_attn` action: a message for the client (`kXR_asyncms`).
pub const ATTN_ASYNCMS: i32 = 5002;

/// A decoded response header.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ResponseHeader {
    /// The stream id of the request this answers.
    pub stream: [u8; 2],
    /// The status code.
    pub status: u16,
    /// Length of the body that follows.
    pub dlen: u32,
}

impl ResponseHeader {
    /// Decodes the 8 header bytes. A negative `dlen` is malformed.
    pub fn parse(b: &[u8]) -> Result<Self, Malformed> {
        let Some(h) = b.get(..RESPONSE_HEADER_LEN) else {
            return Err(Malformed::new("response header", format!("{} bytes, need 8", b.len())));
        };
        let dlen = be_i32(h, 4).unwrap_or(-1);
        if dlen < 0 {
            return Err(Malformed::new("response header", format!("negative dlen {dlen}")));
        }
        Ok(ResponseHeader { stream: [h[0], h[1]], status: u16::from_be_bytes([h[2], h[3]]), dlen: dlen as u32 })
    }
}

/// A `kXR_error` body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerError {
    /// `errnum` (3000..3034).
    pub code: u32,
    /// The server's message.
    pub message: String,
}

/// Parses a `kXR_error` body: `errnum i32 | message\0`.
pub fn parse_error(body: &[u8]) -> Result<ServerError, Malformed> {
    let code = be_u32(body, 0).ok_or_else(|| Malformed::new("kXR_error", format!("{} bytes", body.len())))?;
    Ok(ServerError { code, message: text(body.get(4..).unwrap_or_default()) })
}

/// A `kXR_redirect` target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// Host to go to (name or address, IPv6 without brackets).
    pub host: String,
    /// Port; 0 when the server gave none (then the default 1094, or the URL's).
    pub port: u16,
    /// CGI to append to the path of the resent request (may be empty).
    pub opaque: String,
    /// Token to send in the `kXR_login` CGI at the new server (may be empty).
    pub token: String,
}

/// Parses a `kXR_redirect` body: `port i32 | host[?opaque[?token]]` (no NUL). A negative port carries
/// flags and the host is then a URL (`root://host:port/...`).
pub fn parse_redirect(body: &[u8]) -> Result<Redirect, Malformed> {
    let port = be_i32(body, 0).ok_or_else(|| Malformed::new("kXR_redirect", format!("{} bytes", body.len())))?;
    let target = text(body.get(4..).unwrap_or_default());
    let (hostpart, rest) = match target.split_once('?') {
        Some((h, r)) => (h.to_string(), r.to_string()),
        None => (target.clone(), String::new()),
    };
    let (opaque, token) = match rest.split_once('?') {
        Some((o, t)) => (o.to_string(), t.to_string()),
        None => (rest, String::new()),
    };
    let (mut host, mut port) = (hostpart.clone(), if port > 0 && port <= 65535 { port as u16 } else { 0 });
    if let Some(after) = hostpart.split_once("://").map(|(_, a)| a) {
        // URL form: scheme://[user@]host[:port][/path]
        let authority = after.split('/').next().unwrap_or_default();
        let authority = authority.rsplit_once('@').map(|(_, a)| a).unwrap_or(authority);
        let (h, p) = split_host_port(authority);
        host = h;
        if let Some(p) = p {
            port = p;
        }
    } else if port == 0 {
        let (h, p) = split_host_port(&hostpart);
        host = h;
        port = p.unwrap_or(0);
    }
    if host.is_empty() {
        return Err(Malformed::new("kXR_redirect", format!("no host in '{target}'")));
    }
    Ok(Redirect { host, port, opaque, token })
}

/// Splits `host[:port]` or `[v6]:port`.
pub(crate) fn split_host_port(s: &str) -> (String, Option<u16>) {
    if let Some(rest) = s.strip_prefix('[') {
        let (h, tail) = rest.split_once(']').unwrap_or((rest, ""));
        return (h.to_string(), tail.strip_prefix(':').and_then(|p| p.parse().ok()));
    }
    match s.rsplit_once(':') {
        Some((h, p)) if !h.contains(':') => match p.parse() {
            Ok(p) => (h.to_string(), Some(p)),
            Err(_) => (s.to_string(), None),
        },
        _ => (s.to_string(), None),
    }
}

/// Parses a `kXR_wait` body: `seconds i32 | message`; returns (seconds, message).
pub fn parse_wait(body: &[u8]) -> Result<(u32, String), Malformed> {
    let secs = be_i32(body, 0).ok_or_else(|| Malformed::new("kXR_wait", format!("{} bytes", body.len())))?;
    Ok((secs.max(0) as u32, text(body.get(4..).unwrap_or_default())))
}

/// Parses a `kXR_waitresp` body: `seconds i32`.
pub fn parse_waitresp(body: &[u8]) -> Result<u32, Malformed> {
    let secs = be_i32(body, 0).ok_or_else(|| Malformed::new("kXR_waitresp", format!("{} bytes", body.len())))?;
    Ok(secs.max(0) as u32)
}

/// What a `kXR_attn` asks of the client.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attn<'a> {
    /// `kXR_asynresp`: the deferred answer to an earlier `kXR_waitresp`, with its own header and body.
    AsynResp {
        /// The embedded header (original stream id, real status, body length).
        header: ResponseHeader,
        /// The embedded body.
        body: &'a [u8],
    },
    /// `kXR_asyncms`: a message to show.
    Message(String),
    /// An obsolete or unknown action code.
    Other(i32),
}

/// Parses a `kXR_attn` body: `actnum i32 | ...`; for `kXR_asynresp`, `reserved[4] | header[8] | body`.
pub fn parse_attn(body: &[u8]) -> Result<Attn<'_>, Malformed> {
    let act = be_i32(body, 0).ok_or_else(|| Malformed::new("kXR_attn", format!("{} bytes", body.len())))?;
    match act {
        ATTN_ASYNRESP => {
            let inner = body.get(8..).unwrap_or_default();
            let header = ResponseHeader::parse(inner)?;
            let rest = inner.get(RESPONSE_HEADER_LEN..).unwrap_or_default();
            let body = rest.get(..header.dlen as usize).ok_or_else(|| {
                Malformed::new(
                    "kXR_attn asynresp",
                    format!("embedded dlen {} but {} bytes follow", header.dlen, rest.len()),
                )
            })?;
            Ok(Attn::AsynResp { header, body })
        }
        ATTN_ASYNCMS => Ok(Attn::Message(text(body.get(8..).unwrap_or_default()))),
        other => Ok(Attn::Other(other)),
    }
}

/// For a `kXR_status` response: how many raw bytes follow beyond `dlen` (the body's own `dlen` at byte 12).
pub fn status_extra_len(body: &[u8]) -> Result<u32, Malformed> {
    let n = be_i32(body, 12).ok_or_else(|| Malformed::new("kXR_status", format!("{} bytes", body.len())))?;
    u32::try_from(n).map_err(|_| Malformed::new("kXR_status", format!("negative data length {n}")))
}

/// The `kXR_*` name of an error number (`XErrorCode`).
pub fn error_name(code: u32) -> &'static str {
    const NAMES: [&str; 35] = [
        "kXR_ArgInvalid",
        "kXR_ArgMissing",
        "kXR_ArgTooLong",
        "kXR_FileLocked",
        "kXR_FileNotOpen",
        "kXR_FSError",
        "kXR_InvalidRequest",
        "kXR_IOError",
        "kXR_NoMemory",
        "kXR_NoSpace",
        "kXR_NotAuthorized",
        "kXR_NotFound",
        "kXR_ServerError",
        "kXR_Unsupported",
        "kXR_noserver",
        "kXR_NotFile",
        "kXR_isDirectory",
        "kXR_Cancelled",
        "kXR_ItExists",
        "kXR_ChkSumErr",
        "kXR_inProgress",
        "kXR_overQuota",
        "kXR_SigVerErr",
        "kXR_DecryptErr",
        "kXR_Overloaded",
        "kXR_fsReadOnly",
        "kXR_BadPayload",
        "kXR_AttrNotFound",
        "kXR_TLSRequired",
        "kXR_noReplicas",
        "kXR_AuthFailed",
        "kXR_Impossible",
        "kXR_Conflict",
        "kXR_TooManyErrs",
        "kXR_ReqTimedOut",
    ];
    code.checked_sub(3000).and_then(|i| NAMES.get(i as usize)).copied().unwrap_or("kXR_unknown")
}

/// Error number `kXR_NotAuthorized`.
pub const ERR_NOT_AUTHORIZED: u32 = 3010;
/// Error number `kXR_NotFound`.
pub const ERR_NOT_FOUND: u32 = 3011;
/// Error number `kXR_AuthFailed`.
pub const ERR_AUTH_FAILED: u32 = 3030;
/// Error number `kXR_isDirectory`.
pub const ERR_IS_DIRECTORY: u32 = 3016;
/// Error number `kXR_FSError` (also "not a directory").
pub const ERR_FS_ERROR: u32 = 3005;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_error() {
        let h = ResponseHeader::parse(&[0, 7, 0x0F, 0xA3, 0, 0, 0, 9]).unwrap();
        assert_eq!(h, ResponseHeader { stream: [0, 7], status: status::ERROR, dlen: 9 });
        assert!(ResponseHeader::parse(&[0, 0, 0, 0, 0xFF, 0, 0, 0]).is_err());
        let e = parse_error(b"\0\0\x0b\xc3nope\0").unwrap();
        assert_eq!((e.code, e.message.as_str(), error_name(e.code)), (3011, "nope", "kXR_NotFound"));
        assert_eq!(error_name(42), "kXR_unknown");
    }

    #[test]
    fn redirect_forms() {
        let mut b = 21094i32.to_be_bytes().to_vec();
        b.extend_from_slice(b"127.0.0.1");
        assert_eq!(
            parse_redirect(&b).unwrap(),
            Redirect { host: "127.0.0.1".into(), port: 21094, opaque: String::new(), token: String::new() }
        );
        let mut b = 1095i32.to_be_bytes().to_vec();
        b.extend_from_slice(b"fst.cern.ch?cap.sym=x&mgm.id=1?tok");
        let r = parse_redirect(&b).unwrap();
        assert_eq!(
            (r.host.as_str(), r.opaque.as_str(), r.token.as_str()),
            ("fst.cern.ch", "cap.sym=x&mgm.id=1", "tok")
        );
        let mut b = (-1i32).to_be_bytes().to_vec();
        b.extend_from_slice(b"root://user@[::1]:2000//path?x=1");
        let r = parse_redirect(&b).unwrap();
        assert_eq!((r.host.as_str(), r.port), ("::1", 2000));
        assert!(parse_redirect(&[0, 0]).is_err());
        assert!(parse_redirect(&[0, 0, 0, 1]).is_err());
    }

    #[test]
    fn attn_asynresp_unwraps_the_embedded_answer() {
        let mut b = ATTN_ASYNRESP.to_be_bytes().to_vec();
        b.extend_from_slice(&[0; 4]);
        b.extend_from_slice(&[0, 3, 0, 0, 0, 0, 0, 2, b'h', b'i']);
        match parse_attn(&b).unwrap() {
            Attn::AsynResp { header, body } => {
                assert_eq!((header.stream, header.status, body), ([0, 3], status::OK, &b"hi"[..]))
            }
            other => panic!("{other:?}"),
        }
        b.pop();
        assert!(parse_attn(&b).is_err());
    }
}
