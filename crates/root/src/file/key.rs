//! file/key (layer 2): TKey record headers, and the keys list of a directory.

use crate::bytes::Cursor;
use crate::error::Result;

/// A TKey header: where an object's payload lives and how big it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// `fNbytes`: key header + (compressed) payload.
    pub nbytes: u32,
    /// `fVersion` (> 1000 means 64-bit seeks).
    pub version: i16,
    /// `fObjlen`: uncompressed payload length.
    pub obj_len: u32,
    /// `fDatime`, packed.
    pub datime: u32,
    /// `fKeylen`: length of this header.
    pub key_len: u16,
    /// `fCycle`.
    pub cycle: i16,
    /// `fSeekKey`: file offset of this header.
    pub seek_key: u64,
    /// `fSeekPdir`: file offset of the parent directory.
    pub seek_pdir: u64,
    /// `fClassName`.
    pub class_name: String,
    /// `fName`.
    pub name: String,
    /// `fTitle`.
    pub title: String,
}

impl Key {
    /// Parses a key header at the cursor.
    pub fn parse(c: &mut Cursor) -> Result<Self> {
        let nbytes = c.i32()? as u32;
        let version = c.i16()?;
        let obj_len = c.i32()? as u32;
        let datime = c.u32()?;
        let key_len = c.i16()? as u16;
        let cycle = c.i16()?;
        let big = version > 1000;
        let (seek_key, seek_pdir) =
            if big { (c.i64()? as u64, c.i64()? as u64) } else { (c.i32()? as u32 as u64, c.i32()? as u32 as u64) };
        let class_name = c.string()?;
        let name = c.string()?;
        let title = c.string()?;
        Ok(Key { nbytes, version, obj_len, datime, key_len, cycle, seek_key, seek_pdir, class_name, name, title })
    }

    /// File range of the (possibly compressed) payload.
    pub fn payload_range(&self) -> std::ops::Range<u64> {
        let start = self.seek_key + self.key_len as u64;
        start..self.seek_key + self.nbytes as u64
    }

    /// Whether the payload is compressed.
    pub fn is_compressed(&self) -> bool {
        self.nbytes.saturating_sub(self.key_len as u32) != self.obj_len
    }

    /// `name;cycle`.
    pub fn path_name(&self) -> String {
        format!("{};{}", self.name, self.cycle)
    }

    /// Whether this key holds a directory.
    pub fn is_directory(&self) -> bool {
        matches!(self.class_name.as_str(), "TDirectory" | "TDirectoryFile")
    }

    /// Modification time as `YYYY-MM-DD hh:mm:ss`.
    pub fn datime_string(&self) -> String {
        let d = self.datime;
        format!(
            "{:04}-{:02}-{:02} {:02}:{:02}:{:02}",
            (d >> 26) + 1995,
            (d >> 22) & 0xf,
            (d >> 17) & 0x1f,
            (d >> 12) & 0x1f,
            (d >> 6) & 0x3f,
            d & 0x3f
        )
    }
}
