//! bytes/local: a local file as a byte source (positioned reads, no shared cursor).

use std::fs::File;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};

use async_trait::async_trait;
use bytes::Bytes;

use super::{ByteSource, IoStats};
use crate::error::{Error, Location, Result};

/// A local file read with `pread`.
#[derive(Debug)]
pub struct LocalFile {
    path: PathBuf,
    name: String,
    file: File,
    len: u64,
    stats: IoStats,
}

impl LocalFile {
    /// Opens `path` for reading.
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let name = path.display().to_string();
        let io = |source| Error::Io { at: Location { file: Some(name.clone()), ..Default::default() }.into(), source };
        let file = File::open(&path).map_err(io)?;
        let len = file.metadata().map_err(io)?.len();
        Ok(LocalFile { path, name, file, len, stats: IoStats::default() })
    }

    /// The path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Reads ranges synchronously (used by `fetch`; also handy from blocking code).
    pub fn read_blocking(&self, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        let mut out = Vec::with_capacity(ranges.len());
        let mut total = 0;
        for r in ranges {
            let end = r.end.min(self.len);
            let start = r.start.min(end);
            let mut buf = vec![0u8; (end - start) as usize];
            self.file.read_exact_at(&mut buf, start).map_err(|source| Error::Io {
                at: Location { file: Some(self.name.clone()), offset: Some(start), ..Default::default() }.into(),
                source,
            })?;
            total += buf.len() as u64;
            out.push(Bytes::from(buf));
        }
        self.stats.record(ranges.len() as u64, 0, total);
        Ok(out)
    }
}

#[async_trait]
impl ByteSource for LocalFile {
    fn name(&self) -> &str {
        &self.name
    }
    fn len(&self) -> u64 {
        self.len
    }
    async fn fetch(&self, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        // Local reads are fast and the page cache usually holds the data: read in place.
        self.read_blocking(ranges)
    }
    fn stats(&self) -> &IoStats {
        &self.stats
    }
}
