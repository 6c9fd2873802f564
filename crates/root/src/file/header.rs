//! file/header (layer 2): the TFile header at byte 0 (small 32-bit and big 64-bit layouts).

use crate::bytes::Cursor;
use crate::error::{Error, Result};

/// Bytes read at open: enough for any header and, usually, the root directory record.
pub const FIRST_READ: u64 = 1024;

/// The TFile header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHeader {
    /// `fVersion` without the 64-bit flag: 10000*major + 100*minor + patch.
    pub version: u32,
    /// Whether seeks are 64-bit (`fVersion >= 1000000`).
    pub big: bool,
    /// `fBEGIN`: first record.
    pub begin: u64,
    /// `fEND`: first free byte.
    pub end: u64,
    /// `fSeekFree`.
    pub seek_free: u64,
    /// `fNbytesFree`.
    pub nbytes_free: u32,
    /// `fNbytesName`: size of the TFile key's TNamed, so the root directory is at `begin + nbytes_name`.
    pub nbytes_name: u32,
    /// `fUnits` (4 or 8).
    pub units: u8,
    /// `fCompress`: algorithm*100 + level.
    pub compress: u32,
    /// `fSeekInfo`: the TStreamerInfo list record.
    pub seek_info: u64,
    /// `fNbytesInfo`.
    pub nbytes_info: u32,
}

impl FileHeader {
    /// Parses the header from the first bytes of the file.
    pub fn parse(data: &[u8]) -> Result<Self> {
        let mut c = Cursor::new(data);
        let magic = c.bytes(4).map_err(|_| Error::corrupt_at_file(0, "file is shorter than a ROOT header"))?;
        if magic != b"root" {
            return Err(Error::corrupt_at_file(
                0,
                format!("not a ROOT file: magic is {magic:02x?}, expected \"root\""),
            ));
        }
        let raw_version = c.i32()?;
        let big = raw_version >= 1_000_000;
        let version = (raw_version % 1_000_000) as u32;
        let begin = c.i32()? as u64;
        let seek =
            |c: &mut Cursor| -> Result<u64> { if big { Ok(c.i64()? as u64) } else { Ok(c.i32()? as u32 as u64) } };
        let end = seek(&mut c)?;
        let seek_free = seek(&mut c)?;
        let nbytes_free = c.i32()? as u32;
        let _nfree = c.i32()?;
        let nbytes_name = c.i32()? as u32;
        let units = c.u8()?;
        let compress = c.i32()? as u32;
        let seek_info = seek(&mut c)?;
        let nbytes_info = c.i32()? as u32;
        Ok(FileHeader {
            version,
            big,
            begin,
            end,
            seek_free,
            nbytes_free,
            nbytes_name,
            units,
            compress,
            seek_info,
            nbytes_info,
        })
    }

    /// ROOT version that wrote the file, as "6.22/08".
    pub fn root_version(&self) -> String {
        format!("{}.{:02}/{:02}", self.version / 10000, (self.version / 100) % 100, self.version % 100)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejects_non_root_magic() {
        let e = FileHeader::parse(b"PAR1xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx").unwrap_err();
        assert!(e.to_string().contains("not a ROOT file"), "{e}");
        assert!(FileHeader::parse(b"ro").is_err());
    }
}
