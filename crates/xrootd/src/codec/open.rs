//! codec/open: `kXR_open` (3010) for reading; the answer is a 4-byte file handle, plus the stat text
//! when `kXR_retstat` was asked for (saves a `kXR_stat` round trip).

use super::stat::{StatInfo, parse as parse_stat};
use super::{FileHandle, Malformed, Request, path_payload, request_code};

/// Option `kXR_open_read`.
pub const OPEN_READ: u16 = 0x0010;
/// Option `kXR_retstat`: return the stat text with the handle.
pub const RETSTAT: u16 = 0x0400;

/// Builds `kXR_open`: `mode u16 | options u16 | reserved[12]`, payload = path (with any CGI).
pub fn request(path: &str, options: u16) -> Request {
    let mut body = [0u8; 16];
    body[2..4].copy_from_slice(&options.to_be_bytes());
    Request { code: request_code::OPEN, body, payload: path_payload(path) }
}

/// A read-only open that also returns the file's stat.
pub fn read_request(path: &str) -> Request {
    request(path, OPEN_READ | RETSTAT)
}

/// The answer to `kXR_open`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OpenReply {
    /// The file handle.
    pub handle: FileHandle,
    /// The stat, when asked for with `kXR_retstat`.
    pub stat: Option<StatInfo>,
}

/// Parses the answer: `fhandle[4] | [cpsize i32 | cptype[4] | stat text]`.
pub fn parse(body: &[u8]) -> Result<OpenReply, Malformed> {
    let Some(h) = body.get(..4) else {
        return Err(Malformed::new("kXR_open response", format!("{} bytes, need 4", body.len())));
    };
    let handle = FileHandle([h[0], h[1], h[2], h[3]]);
    let stat = match body.get(12..) {
        Some(text) if !text.is_empty() => Some(parse_stat(text)?),
        _ => None,
    };
    Ok(OpenReply { handle, stat })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn open_with_retstat() {
        let r = read_request("/data/f.root");
        assert_eq!(&r.body[..4], &[0, 0, 0x04, 0x10]);
        let mut b = vec![1, 2, 3, 4, 0, 0, 0, 0, 0, 0, 0, 0];
        b.extend_from_slice(b"42 5000000 48 1795970419\0");
        let o = parse(&b).unwrap();
        assert_eq!(o.handle, FileHandle([1, 2, 3, 4]));
        assert_eq!(o.stat.unwrap().size, 5_000_000);
        assert_eq!(parse(&[9, 9, 9, 9]).unwrap().stat, None);
        assert!(parse(&[1, 2]).is_err());
    }
}
