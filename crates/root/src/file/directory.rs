//! file/directory (layer 2): TDirectory records and their keys lists; name;cycle lookup.

use crate::bytes::Cursor;
use crate::error::{Error, Result};
use crate::file::Key;

/// A TDirectory record (the fields a reader needs).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryRecord {
    /// Class version (> 1000 means 64-bit seeks).
    pub version: i16,
    /// `fNbytesKeys`: size of the keys list record.
    pub nbytes_keys: u32,
    /// `fNbytesName`.
    pub nbytes_name: u32,
    /// `fSeekDir`.
    pub seek_dir: u64,
    /// `fSeekParent`.
    pub seek_parent: u64,
    /// `fSeekKeys`: the keys list record.
    pub seek_keys: u64,
}

impl DirectoryRecord {
    /// Parses a directory record at the cursor.
    pub fn parse(c: &mut Cursor) -> Result<Self> {
        let version = c.i16()?;
        let _ctime = c.u32()?;
        let _mtime = c.u32()?;
        let nbytes_keys = c.i32()? as u32;
        let nbytes_name = c.i32()? as u32;
        let big = version > 1000;
        let seek =
            |c: &mut Cursor| -> Result<u64> { if big { Ok(c.i64()? as u64) } else { Ok(c.i32()? as u32 as u64) } };
        Ok(DirectoryRecord {
            version,
            nbytes_keys,
            nbytes_name,
            seek_dir: seek(c)?,
            seek_parent: seek(c)?,
            seek_keys: seek(c)?,
        })
    }
}

/// A directory: its record and its keys.
#[derive(Debug, Clone)]
pub struct Directory {
    /// Path from the root directory ("" for the root).
    pub path: String,
    /// The record.
    pub record: DirectoryRecord,
    /// The keys, in file order.
    pub keys: Vec<Key>,
}

impl Directory {
    /// Parses the keys list record (`TKey` header, `int32 n`, `n` key headers).
    pub fn parse_keys(data: &[u8], origin: u64) -> Result<Vec<Key>> {
        let mut c = Cursor::new(data).with_origin(origin);
        let _own = Key::parse(&mut c)?;
        let n = c.i32()?;
        if n < 0 || n as usize > data.len() / 20 {
            return Err(c.error(format!("keys list claims {n} keys in {} bytes", data.len())));
        }
        (0..n).map(|_| Key::parse(&mut c)).collect()
    }

    /// The key called `name` (optionally `name;cycle`); without a cycle, the highest cycle.
    pub fn key(&self, name: &str) -> Result<&Key> {
        let (base, cycle) = split_cycle(name);
        let found =
            self.keys.iter().filter(|k| k.name == base && cycle.is_none_or(|c| k.cycle == c)).max_by_key(|k| k.cycle);
        found.ok_or_else(|| {
            let what = if self.path.is_empty() { String::new() } else { format!("{}/", self.path) };
            let e = Error::not_found("key", name, self.keys.iter().map(|k| k.name.as_str()));
            if what.is_empty() { e } else { e.in_object(what.trim_end_matches('/')) }
        })
    }
}

/// Splits `name;3` into (`name`, Some(3)).
pub fn split_cycle(name: &str) -> (&str, Option<i16>) {
    match name.rsplit_once(';') {
        Some((base, cycle)) => match cycle.parse() {
            Ok(c) => (base, Some(c)),
            Err(_) => (name, None),
        },
        None => (name, None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_cycles() {
        assert_eq!(split_cycle("events;2"), ("events", Some(2)));
        assert_eq!(split_cycle("events"), ("events", None));
        assert_eq!(split_cycle("a;b"), ("a;b", None));
    }
}
