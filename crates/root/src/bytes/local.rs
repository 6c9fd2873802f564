//! bytes/local: a local file as a byte source: memory-mapped (zero-copy slices of the page cache), `pread` where
//! a mapping is not possible or not wanted.
#![allow(unsafe_code)]

use std::fs::File;
use std::ops::Range;
use std::os::unix::fs::FileExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use memmap2::{Advice, Mmap};

use super::{ByteSource, IoStats};
use crate::error::{Error, Location, Result};

/// Environment variable that turns memory mapping off (`HADRON_MMAP=0`): every read becomes a `pread` copy.
pub const MMAP_ENV: &str = "HADRON_MMAP";

/// A local file, read through a read-only memory map when one can be made, else with `pread`.
///
/// Mapped reads hand out slices of the page cache: no buffer is allocated, zeroed or copied, and the pages of a
/// range are mapped in one `madvise(MADV_POPULATE_READ)` instead of a page fault every 64 KiB. A basket's
/// compressed bytes thus cost no memory of the process. A range whose pages the kernel cannot bring in (an I/O
/// error, or a file shrunk since it was opened) is read with `pread`, so its error is reported as one. As with
/// every mapped reader (ripgrep, polars), a file truncated by another process while a range already handed out
/// is being decoded makes the reader fail hard (`SIGBUS`); `HADRON_MMAP=0` reads with `pread` only.
#[derive(Debug)]
pub struct LocalFile {
    path: PathBuf,
    name: String,
    file: File,
    len: u64,
    /// The map (for `madvise`) and the whole file as one [`Bytes`] over it (reads are slices of it).
    map: Option<(Arc<Mmap>, Bytes)>,
    stats: IoStats,
}

/// The owner of the whole-file [`Bytes`]: the shared map.
#[derive(Debug)]
struct Mapped(Arc<Mmap>);

impl AsRef<[u8]> for Mapped {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl LocalFile {
    /// Opens `path` for reading (mapped unless `HADRON_MMAP=0`).
    pub fn open(path: impl AsRef<Path>) -> Result<Self> {
        let mmap = std::env::var_os(MMAP_ENV).is_none_or(|v| v != "0");
        Self::open_with(path, mmap)
    }

    /// Opens `path` for reading, mapped or not.
    pub fn open_with(path: impl AsRef<Path>, mmap: bool) -> Result<Self> {
        let path = path.as_ref().to_path_buf();
        let name = path.display().to_string();
        let io = |source| Error::Io { at: Location { file: Some(name.clone()), ..Default::default() }.into(), source };
        let file = File::open(&path).map_err(io)?;
        let meta = file.metadata().map_err(io)?;
        let len = meta.len();
        // SAFETY: the map is read-only and private to this reader; its bytes are only read through `Bytes` slices
        // within `len`. Rust's aliasing rules assume nobody changes them: another process writing or truncating
        // the file while it is read can change bytes under a slice or fault (SIGBUS), the documented trade of a
        // mapped reader (see the type's doc and `HADRON_MMAP`). Only regular, non-empty files are mapped.
        let map = (mmap && meta.is_file() && len > 0).then(|| unsafe { Mmap::map(&file) }.ok()).flatten().map(|m| {
            let m = Arc::new(m);
            (m.clone(), Bytes::from_owner(Mapped(m)))
        });
        Ok(LocalFile { path, name, file, len, map, stats: IoStats::default() })
    }

    /// The path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether reads are slices of a memory map.
    pub fn is_mapped(&self) -> bool {
        self.map.is_some()
    }

    /// Reads ranges synchronously (used by `fetch`; also handy from blocking code).
    pub fn read_blocking(&self, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        let mut out = Vec::with_capacity(ranges.len());
        let mut total = 0;
        for r in ranges {
            let end = r.end.min(self.len);
            let start = r.start.min(end);
            let bytes = match self.mapped(start..end) {
                Some(b) => b,
                None => self.pread(start..end)?,
            };
            total += bytes.len() as u64;
            out.push(bytes);
        }
        self.stats.record(ranges.len() as u64, 0, total);
        Ok(out)
    }

    /// `range` of the map with its pages mapped in, or `None` (no map, or the kernel could not bring them in).
    fn mapped(&self, range: Range<u64>) -> Option<Bytes> {
        let (map, whole) = self.map.as_ref()?;
        let (start, len) = (range.start as usize, (range.end - range.start) as usize);
        if len > 0
            && let Err(e) = populate(map, start, len)
        {
            // Kernels before 5.14 lack MADV_POPULATE_READ (EINVAL): the pages then come in on first touch. Any
            // other failure (an I/O error, a file shrunk under the map) goes to `pread`, which reports it.
            if e.kind() != std::io::ErrorKind::InvalidInput || map.advise_range(Advice::WillNeed, start, len).is_err() {
                return None;
            }
        }
        Some(whole.slice(start..start + len))
    }

    fn pread(&self, range: Range<u64>) -> Result<Bytes> {
        let mut buf = vec![0u8; (range.end - range.start) as usize];
        self.file.read_exact_at(&mut buf, range.start).map_err(|source| Error::Io {
            at: Location { file: Some(self.name.clone()), offset: Some(range.start), ..Default::default() }.into(),
            source,
        })?;
        Ok(Bytes::from(buf))
    }
}

/// Maps the pages of `len` bytes at `start` in one call (Linux's `MADV_POPULATE_READ`; elsewhere a read-ahead hint).
fn populate(map: &Mmap, start: usize, len: usize) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    let advice = Advice::PopulateRead;
    #[cfg(not(target_os = "linux"))]
    let advice = Advice::WillNeed;
    map.advise_range(advice, start, len)
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn mapped_and_pread_reads_agree_and_clip_at_the_end() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 31 % 251) as u8).collect();
        f.write_all(&data).unwrap();
        f.flush().unwrap();
        let mapped = LocalFile::open_with(f.path(), true).unwrap();
        let copied = LocalFile::open_with(f.path(), false).unwrap();
        assert!(mapped.is_mapped());
        assert!(!copied.is_mapped());
        let ranges = [0..10, 4090..4200, 99_990..100_500, 70_000..70_000, 200_000..200_010];
        for src in [&mapped, &copied] {
            let got = src.read_blocking(&ranges).unwrap();
            assert_eq!(&got[0][..], &data[0..10]);
            assert_eq!(&got[1][..], &data[4090..4200]);
            assert_eq!(&got[2][..], &data[99_990..]);
            assert!(got[3].is_empty() && got[4].is_empty());
            let (requests, _, bytes) = src.stats().snapshot();
            assert_eq!((requests, bytes), (5, 10 + 110 + 10));
        }
    }

    #[test]
    fn a_file_shrunk_after_opening_gives_an_error_not_a_fault() {
        let mut f = tempfile::NamedTempFile::new().unwrap();
        f.write_all(&vec![7u8; 100_000]).unwrap();
        f.flush().unwrap();
        let src = LocalFile::open_with(f.path(), true).unwrap();
        assert!(src.is_mapped());
        f.as_file().set_len(10_000).unwrap();
        // Pages past the new end cannot be populated: the read falls back to `pread`, which names the offset.
        let e = src.read_blocking(std::slice::from_ref(&(50_000..60_000))).unwrap_err().to_string();
        assert!(e.contains("50000"), "{e}");
        assert_eq!(&src.read_blocking(std::slice::from_ref(&(0..10))).unwrap()[0][..], &[7u8; 10]);
    }

    #[test]
    fn an_empty_file_is_read_without_a_map() {
        let f = tempfile::NamedTempFile::new().unwrap();
        let src = LocalFile::open_with(f.path(), true).unwrap();
        assert!(!src.is_mapped());
        assert!(src.read_blocking(std::slice::from_ref(&(0..10))).unwrap()[0].is_empty());
    }
}
