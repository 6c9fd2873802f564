//! codec/query: `kXR_query` (3001) with `kXR_Qconfig`: server settings such as the readv limits
//! (`readv_iov_max readv_ior_max`); one answer line per key.

use bytes::Bytes;

use super::{Request, request_code};

/// `infotype` of a configuration query.
pub const QCONFIG: u16 = 7;

/// Builds `kXR_query` config for the space-separated `keys`.
pub fn config_request(keys: &str) -> Request {
    let mut body = [0u8; 16];
    body[..2].copy_from_slice(&QCONFIG.to_be_bytes());
    Request { code: request_code::QUERY, body, payload: Bytes::copy_from_slice(keys.as_bytes()) }
}

/// Splits the answer into one value per key (a key the server does not know echoes its name).
pub fn parse_config(body: &[u8]) -> Vec<String> {
    super::text(body).lines().map(|l| l.trim().to_string()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_query() {
        let r = config_request("readv_iov_max readv_ior_max");
        assert_eq!(&r.body[..2], &[0, 7]);
        assert_eq!(parse_config(b"1024\n2097136\n"), ["1024", "2097136"]);
    }
}
