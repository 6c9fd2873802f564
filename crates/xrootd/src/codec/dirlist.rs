//! codec/dirlist: `kXR_dirlist` (3004): the names in a directory, with `kXR_dstat` one stat line per
//! entry. The answer may come in several `kXR_oksofar` parts; parse the concatenation.

use super::stat::{StatInfo, parse as parse_stat};
use super::{Malformed, Request, path_payload, request_code};

/// Option `kXR_dstat`: add a stat line per entry.
pub const DSTAT: u8 = 2;

/// Builds `kXR_dirlist`: `reserved[15] | options u8`, payload = directory path.
pub fn request(path: &str, with_stat: bool) -> Request {
    let mut body = [0u8; 16];
    body[15] = if with_stat { DSTAT } else { 0 };
    Request { code: request_code::DIRLIST, body, payload: path_payload(path) }
}

/// One directory entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirEntry {
    /// Name relative to the directory.
    pub name: String,
    /// Its stat, with `kXR_dstat`.
    pub stat: Option<StatInfo>,
}

/// Parses a (concatenated) answer. With stat: `".\n0 0 0 0\n"` then `name\nstat\n` pairs.
pub fn parse(body: &[u8], with_stat: bool) -> Result<Vec<DirEntry>, Malformed> {
    let text = super::text(body);
    let mut lines = text.split('\n').filter(|l| !l.is_empty());
    let mut out = Vec::new();
    if !with_stat {
        return Ok(lines.map(|n| DirEntry { name: n.to_string(), stat: None }).collect());
    }
    while let Some(name) = lines.next() {
        let Some(stat) = lines.next() else {
            return Err(Malformed::new("kXR_dirlist response", format!("entry '{name}' has no stat line")));
        };
        if name == "." && stat.trim() == "0 0 0 0" {
            continue;
        }
        out.push(DirEntry { name: name.to_string(), stat: Some(parse_stat(stat.as_bytes())?) });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_and_dstat() {
        let plain = parse(b"a.root\nsub\0", false).unwrap();
        assert_eq!(plain.iter().map(|e| e.name.as_str()).collect::<Vec<_>>(), ["a.root", "sub"]);
        let d = parse(b".\n0 0 0 0\na.root\n1 100 16 5\nsub\n2 4096 18 6\n\0", true).unwrap();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].stat.as_ref().unwrap().size, 100);
        assert!(d[1].stat.as_ref().unwrap().is_dir());
        assert!(parse(b".\n0 0 0 0\nlonely\n", true).is_err());
        assert_eq!(request("/d", true).body[15], DSTAT);
    }
}
