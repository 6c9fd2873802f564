//! codec/stat: `kXR_stat` (3017) by path or by handle, and the ASCII stat text shared with `kXR_open`
//! (`kXR_retstat`) and `kXR_dirlist` (`kXR_dstat`): `id size flags mtime [ctime atime mode owner group]`.

use super::{FileHandle, Malformed, Request, path_payload, request_code};

/// Stat flag: directory (`kXR_isDir`).
pub const FLAG_IS_DIR: u32 = 2;
/// Stat flag: neither file nor directory (`kXR_other`).
pub const FLAG_OTHER: u32 = 4;
/// Stat flag: offline (`kXR_offline`).
pub const FLAG_OFFLINE: u32 = 8;
/// Stat flag: readable (`kXR_readable`).
pub const FLAG_READABLE: u32 = 16;

/// Builds `kXR_stat` of a path: `options u8 | reserved[11] | fhandle[4]`, payload = path.
pub fn request(path: &str) -> Request {
    Request { code: request_code::STAT, body: [0u8; 16], payload: path_payload(path) }
}

/// Builds `kXR_stat` of an open file (empty payload, handle in the body).
pub fn handle_request(handle: FileHandle) -> Request {
    let mut body = [0u8; 16];
    body[12..16].copy_from_slice(&handle.0);
    Request::new(request_code::STAT, body)
}

/// A parsed stat line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatInfo {
    /// Server's id (`st_dev << 32 | st_ino`), as text.
    pub id: String,
    /// Size in bytes.
    pub size: u64,
    /// `kXR_*` flags (`FLAG_*`).
    pub flags: u32,
    /// Modification time, seconds since the epoch.
    pub mtime: i64,
}

impl StatInfo {
    /// Whether this is a directory.
    pub fn is_dir(&self) -> bool {
        self.flags & FLAG_IS_DIR != 0
    }
    /// Whether this is neither file nor directory.
    pub fn is_other(&self) -> bool {
        self.flags & FLAG_OTHER != 0
    }
}

/// Parses a stat text (first 4 fields required, the rest optional; NUL or newline ends it).
pub fn parse(b: &[u8]) -> Result<StatInfo, Malformed> {
    let text = super::text(b);
    let mut f = text.split_ascii_whitespace();
    let bad = |what: &str| Malformed::new("stat text", format!("{what} in '{text}'"));
    let id = f.next().ok_or_else(|| bad("no id"))?.to_string();
    let size = f.next().and_then(|s| s.parse::<u64>().ok()).ok_or_else(|| bad("no size"))?;
    let flags = f.next().and_then(|s| s.parse::<u32>().ok()).ok_or_else(|| bad("no flags"))?;
    let mtime = f.next().and_then(|s| s.parse::<i64>().ok()).ok_or_else(|| bad("no mtime"))?;
    Ok(StatInfo { id, size, flags, mtime })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_text() {
        let s = parse(b"43251420182412800 5000000 16 1795970419 1795970419 1795970442 0444 xrootd xrootd\0").unwrap();
        assert_eq!((s.size, s.flags, s.mtime, s.is_dir()), (5_000_000, 16, 1_795_970_419, false));
        assert!(parse(b"1 2 3 4").is_ok());
        assert!(parse(b"1 2 x 4").is_err());
        assert!(parse(b"").is_err());
        let h = handle_request(FileHandle([1, 2, 3, 4]));
        assert_eq!(&h.body[12..], &[1, 2, 3, 4]);
    }
}
