//! codec/protocol: `kXR_protocol` (3006): the client's protocol version and what it can do; the answer
//! carries the server's version and flags (data server or manager, TLS requirements).

use super::{Malformed, Request, be_u32, request_code};

/// The protocol version this client speaks.
pub const CLIENT_PROTOCOL_VERSION: u32 = 0x511;
/// Client flag: send the security requirements (`kXR_secreqs`).
pub const FLAG_SECREQS: u8 = 0x01;
/// Server flag: data server.
pub const SERVER_IS_SERVER: u32 = 0x1;
/// Server flag: manager (redirector).
pub const SERVER_IS_MANAGER: u32 = 0x2;
/// Server flag: the server requires TLS (`kXR_gotoTLS`); this client does not speak TLS.
pub const SERVER_GOTO_TLS: u32 = 0x4000_0000;
/// Server flag: TLS required before login (`kXR_tlsLogin`).
pub const SERVER_TLS_LOGIN: u32 = 0x0400_0000;

/// Builds `kXR_protocol`: `clientpv i32 | flags u8 | expect u8 (kXR_ExpLogin) | reserved[10]`.
pub fn request() -> Request {
    let mut body = [0u8; 16];
    body[..4].copy_from_slice(&CLIENT_PROTOCOL_VERSION.to_be_bytes());
    body[4] = FLAG_SECREQS;
    body[5] = 3; // kXR_ExpLogin
    Request::new(request_code::PROTOCOL, body)
}

/// The server's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProtocolInfo {
    /// The server's protocol version.
    pub version: u32,
    /// Server flags (`SERVER_*`).
    pub flags: u32,
}

/// Parses the answer body: `pval i32 | flags u32 | optional sections`.
pub fn parse(body: &[u8]) -> Result<ProtocolInfo, Malformed> {
    match (be_u32(body, 0), be_u32(body, 4)) {
        (Some(version), Some(flags)) => Ok(ProtocolInfo { version, flags }),
        _ => Err(Malformed::new("kXR_protocol response", format!("{} bytes, need 8", body.len()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_and_answer() {
        let r = request();
        assert_eq!(&r.body[..6], &[0, 0, 5, 0x11, 1, 3]);
        assert_eq!(
            parse(&[0, 0, 5, 0x11, 0, 0x30, 0, 1]).unwrap(),
            ProtocolInfo { version: 0x511, flags: 0x0030_0001 }
        );
        assert!(parse(&[0; 7]).is_err());
    }
}
