//! codec/handshake: the 20-byte initial handshake and the server's 16-byte answer.

use super::{Malformed, be_i32};
use crate::codec::response::ResponseHeader;

/// The client's handshake: five big-endian i32 `0, 0, 0, 4, 2012`.
pub const HANDSHAKE: [u8; 20] = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0x07, 0xDC];

/// Length of the server's answer: a response header (`dlen` 8) plus `protover i32 | msgval i32`.
pub const REPLY_LEN: usize = 16;

/// The server's answer to the handshake.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServerHello {
    /// Protocol version (0x511 for 5.5).
    pub protocol_version: i32,
    /// 1 for a data server, 0 for a load-balancing server (redirector).
    pub server_type: i32,
}

/// Parses the 16-byte handshake answer.
pub fn parse_reply(b: &[u8]) -> Result<ServerHello, Malformed> {
    let h = ResponseHeader::parse(b)?;
    if h.status != 0 || h.dlen != 8 {
        return Err(Malformed::new(
            "handshake reply",
            format!("status {} dlen {} (not an XRootD server?)", h.status, h.dlen),
        ));
    }
    match (be_i32(b, 8), be_i32(b, 12)) {
        (Some(protocol_version), Some(server_type)) => Ok(ServerHello { protocol_version, server_type }),
        _ => Err(Malformed::new("handshake reply", format!("{} bytes, need 16", b.len()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_data_server_hello() {
        let b = [0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 5, 0x11, 0, 0, 0, 1];
        assert_eq!(parse_reply(&b).unwrap(), ServerHello { protocol_version: 0x511, server_type: 1 });
        assert!(parse_reply(&b"HTTP/1.1 400 Bad"[..]).is_err());
    }
}
