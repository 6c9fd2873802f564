//! file (layer 2): a ROOT file opened through a byte source: header, directories, keys, payloads.

mod directory;
mod header;
mod key;

pub use directory::{Directory, DirectoryRecord, split_cycle};
pub use header::{FIRST_READ, FileHeader};
pub use key::Key;

use std::path::Path;
use std::sync::Arc;

use bytes::Bytes;

use crate::bytes::{ByteSource, Cursor, LocalFile, SharedSource, read_range};
use crate::compress;
use crate::dict::{StreamerDb, parse_streamer_list};
use crate::error::{Error, Result, ResultExt};

/// An open ROOT file: header and root directory read, everything else on demand.
#[derive(Debug, Clone)]
pub struct RootFile {
    source: SharedSource,
    header: FileHeader,
    root: Arc<Directory>,
    /// The file's TStreamerInfo records, read on first use and shared by clones.
    streamers: Arc<tokio::sync::OnceCell<Arc<StreamerDb>>>,
}

impl RootFile {
    /// Opens a local file.
    pub async fn open_path(path: impl AsRef<Path>) -> Result<Self> {
        let f = LocalFile::open(path)?;
        Self::open(Arc::new(f)).await
    }

    /// Opens a file from any byte source: reads the header, the root directory and its keys.
    pub async fn open(source: SharedSource) -> Result<Self> {
        let name = source.name().to_string();
        Self::open_inner(source).await.in_file(&name)
    }

    async fn open_inner(source: SharedSource) -> Result<Self> {
        let len = source.len();
        let first = read_range(source.as_ref(), 0..FIRST_READ.min(len)).await?;
        let header = FileHeader::parse(&first)?;
        if header.begin == 0 || header.begin >= len {
            return Err(Error::corrupt_at_file(
                8,
                format!("fBEGIN {} is outside the file ({len} bytes)", header.begin),
            ));
        }
        let dir_at = header.begin + header.nbytes_name as u64;
        if dir_at >= len {
            return Err(Error::corrupt_at_file(
                8,
                format!("root directory at fBEGIN + fNbytesName = {dir_at} is outside the file ({len} bytes)"),
            ));
        }
        let dir_bytes = slice_or_read(source.as_ref(), &first, dir_at..(dir_at + 64).min(len)).await?;
        let record = DirectoryRecord::parse(&mut Cursor::new(&dir_bytes).with_origin(dir_at))?;
        let keys = read_keys(source.as_ref(), &record, len).await.in_object("<root directory keys>")?;
        let root = Arc::new(Directory { path: String::new(), record, keys });
        Ok(RootFile { source, header, root, streamers: Arc::default() })
    }

    /// The same file read through another byte source of the same length — its own connection and I/O counters
    /// — sharing the header, root directory and streamers already read.
    pub fn with_source(&self, source: SharedSource) -> Result<RootFile> {
        if source.len() != self.source.len() {
            return Err(Error::Internal(format!(
                "{}: a {}-byte source cannot stand for a {}-byte file",
                self.name(),
                source.len(),
                self.source.len()
            )));
        }
        Ok(RootFile { source, ..self.clone() })
    }

    /// The file name or URL.
    pub fn name(&self) -> &str {
        self.source.name()
    }

    /// The byte source (for readers above this layer).
    pub fn source(&self) -> &SharedSource {
        &self.source
    }

    /// The header.
    pub fn header(&self) -> &FileHeader {
        &self.header
    }

    /// The root directory.
    pub fn root_directory(&self) -> &Directory {
        &self.root
    }

    /// The directory at `path` ("" or "/" for the root; "a/b" nested).
    pub async fn directory(&self, path: &str) -> Result<Directory> {
        let mut dir = (*self.root).clone();
        for part in path.split('/').filter(|p| !p.is_empty()) {
            let key = dir.key(part).in_file(self.name())?.clone();
            dir = self.subdirectory(&dir, &key).await?;
        }
        Ok(dir)
    }

    /// Reads the subdirectory that `key` (inside `parent`) points to.
    pub async fn subdirectory(&self, parent: &Directory, key: &Key) -> Result<Directory> {
        let path = if parent.path.is_empty() { key.name.clone() } else { format!("{}/{}", parent.path, key.name) };
        let inner = async {
            if !key.is_directory() {
                return Err(Error::unsupported(format!("'{}' is a {}, not a directory", key.name, key.class_name)));
            }
            let payload = self.read_payload(key).await?;
            let record = DirectoryRecord::parse(&mut Cursor::new(&payload))?;
            let keys = read_keys(self.source.as_ref(), &record, self.source.len()).await?;
            Ok(Directory { path: path.clone(), record, keys })
        };
        inner.await.in_object(&path).in_file(self.name())
    }

    /// Finds a key by path `dir/sub/name;cycle`.
    pub async fn key(&self, path: &str) -> Result<Key> {
        let path = path.trim_start_matches('/');
        let (dir_path, name) = match path.rsplit_once('/') {
            Some((d, n)) => (d, n),
            None => ("", path),
        };
        let dir = self.directory(dir_path).await?;
        dir.key(name).cloned().in_file(self.name())
    }

    /// Reads and decompresses the payload of `key`.
    pub async fn read_payload(&self, key: &Key) -> Result<Vec<u8>> {
        let raw = read_range(self.source.as_ref(), key.payload_range()).await?;
        decompress_payload(&raw, key).in_object(&key.path_name()).in_file(self.name())
    }

    /// Reads and decompresses the TStreamerInfo list record (`fSeekInfo`).
    pub async fn streamer_info_payload(&self) -> Result<(Key, Vec<u8>)> {
        let h = &self.header;
        if h.seek_info == 0 || h.nbytes_info == 0 {
            return Err(
                Error::corrupt_at_file(0, "file has no TStreamerInfo record (fSeekInfo is 0)").in_file(self.name())
            );
        }
        let raw = read_range(self.source.as_ref(), h.seek_info..h.seek_info + h.nbytes_info as u64).await?;
        let key = Key::parse(&mut Cursor::new(&raw).with_origin(h.seek_info)).in_file(self.name())?;
        let body = raw.get(key.key_len as usize..).unwrap_or_default();
        let payload = decompress_payload(body, &key).in_object("StreamerInfo").in_file(self.name())?;
        Ok((key, payload))
    }

    /// The file's class layouts (the TStreamerInfo list), read once and cached.
    ///
    /// A file without a StreamerInfo record (`fSeekInfo` = 0) gives an empty database.
    pub async fn streamers(&self) -> Result<Arc<StreamerDb>> {
        let db = self
            .streamers
            .get_or_try_init(|| async {
                if self.header.seek_info == 0 || self.header.nbytes_info == 0 {
                    return Ok(Arc::new(StreamerDb::default()));
                }
                let (key, payload) = self.streamer_info_payload().await?;
                let infos =
                    parse_streamer_list(&payload, key.key_len).in_object("StreamerInfo").in_file(self.name())?;
                Ok::<_, Error>(Arc::new(StreamerDb::new(infos)))
            })
            .await?;
        Ok(db.clone())
    }
}

/// Decompresses a key's payload bytes (`nbytes - keylen` long) into `obj_len` bytes.
pub fn decompress_payload(raw: &[u8], key: &Key) -> Result<Vec<u8>> {
    if raw.len() < key.nbytes.saturating_sub(key.key_len as u32) as usize {
        return Err(Error::corrupt_at_file(
            key.seek_key,
            format!("record is truncated: {} of {} bytes", raw.len(), key.nbytes),
        ));
    }
    compress::decompress(raw, key.obj_len as usize).map_err(|e| match e {
        Error::Corrupt { mut at, msg } => {
            at.offset = at.offset.map(|o| o + key.seek_key + key.key_len as u64);
            at.in_payload = false;
            Error::Corrupt { at, msg }
        }
        other => other,
    })
}

async fn slice_or_read(source: &dyn ByteSource, first: &Bytes, range: std::ops::Range<u64>) -> Result<Bytes> {
    if range.start <= range.end && range.end <= first.len() as u64 {
        Ok(first.slice(range.start as usize..range.end as usize))
    } else {
        read_range(source, range).await
    }
}

async fn read_keys(source: &dyn ByteSource, record: &DirectoryRecord, len: u64) -> Result<Vec<Key>> {
    if record.seek_keys == 0 {
        return Ok(Vec::new());
    }
    let end = record.seek_keys + record.nbytes_keys as u64;
    if end > len {
        return Err(Error::corrupt_at_file(
            record.seek_keys,
            format!("keys list ({} bytes) runs past the end of the file ({len} bytes)", record.nbytes_keys),
        ));
    }
    let data = read_range(source, record.seek_keys..end).await?;
    Directory::parse_keys(&data, record.seek_keys)
}
