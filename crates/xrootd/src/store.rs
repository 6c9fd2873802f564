//! store (layer 2): `object_store::ObjectStore` over the client, for one server. `get`/`get_range`
//! stream concurrent `kXR_read`s, `get_ranges` merges neighbouring ranges into `kXR_readv`s, `head` is
//! `kXR_stat`, `list` walks `kXR_dirlist` with stat; every write answers `NotSupported`. Object paths
//! are the server's absolute paths without the leading slash.

use std::ops::Range;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use bytes::Bytes;
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use object_store::path::Path;
use object_store::{
    Attributes, CopyOptions, GetOptions, GetResult, GetResultPayload, ListResult, MultipartUpload, ObjectMeta,
    ObjectStore, PutMultipartOptions, PutOptions, PutPayload, PutResult,
};

use crate::client::{Client, File};
use crate::codec::response::{ERR_AUTH_FAILED, ERR_FS_ERROR, ERR_NOT_AUTHORIZED, ERR_NOT_FOUND};
use crate::codec::stat::StatInfo;
use crate::error::Error;
use crate::url::{Endpoint, XrdUrl};

const STORE: &str = "XRootD";
/// Open files kept for reuse (handles cost a round trip to open).
const OPEN_FILES: usize = 16;

/// An object store over one XRootD server.
#[derive(Debug)]
pub struct XrootdStore {
    client: Client,
    endpoint: Endpoint,
    /// Ranges of one `get_ranges` closer than this are merged into one chunk.
    coalesce_gap: u64,
    files: Mutex<Vec<(Path, File)>>,
}

impl std::fmt::Display for XrootdStore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "XrootdStore({})", self.endpoint)
    }
}

impl XrootdStore {
    /// A store for `endpoint` using `client` (which may be shared by several stores).
    pub fn new(endpoint: Endpoint, client: Client) -> Self {
        XrootdStore { client, endpoint, coalesce_gap: 32 * 1024, files: Mutex::default() }
    }

    /// A store for the server of `url` (`root://host[:port]//path`) with a default client, and the
    /// object path of `url` in it (`//a/b.root` → `a/b.root`).
    pub fn from_url(url: &str) -> crate::Result<(Self, Path)> {
        let u = XrdUrl::parse(url)?;
        let path = Path::from(u.path_only());
        Ok((XrootdStore::new(u.endpoint, Client::default()), path))
    }

    /// Sets the gap below which `get_ranges` merges neighbouring ranges (default 32 KiB; 0 merges only
    /// touching or overlapping ranges).
    pub fn with_coalesce_gap(mut self, gap: u64) -> Self {
        self.coalesce_gap = gap;
        self
    }

    /// The client (for its counters).
    pub fn client(&self) -> &Client {
        &self.client
    }

    /// The server.
    pub fn endpoint(&self) -> &Endpoint {
        &self.endpoint
    }

    /// The `root://` URL of an object path.
    pub fn url(&self, location: &Path) -> XrdUrl {
        XrdUrl { endpoint: self.endpoint.clone(), user: None, path: format!("/{location}") }
    }

    /// The open file at `location`, reusing a recently opened one.
    pub async fn open(&self, location: &Path) -> object_store::Result<File> {
        if let Some(f) = self.lock_files().iter().find(|(p, _)| p == location).map(|(_, f)| f.clone()) {
            return Ok(f);
        }
        let file = self.client.open(&self.url(location)).await.map_err(|e| to_store_error(location, e))?;
        let mut files = self.lock_files();
        if files.len() >= OPEN_FILES {
            files.remove(0);
        }
        files.push((location.clone(), file.clone()));
        Ok(file)
    }

    fn lock_files(&self) -> std::sync::MutexGuard<'_, Vec<(Path, File)>> {
        self.files.lock().unwrap_or_else(|p| p.into_inner())
    }

    fn forget(&self, location: &Path) {
        self.lock_files().retain(|(p, _)| p != location);
    }

    /// Merges `ranges` (sorted copies) whose gaps are at most the coalesce gap; returns the merged ranges.
    pub fn coalesce(&self, ranges: &[Range<u64>]) -> Vec<Range<u64>> {
        let mut sorted: Vec<Range<u64>> = ranges.iter().filter(|r| r.start < r.end).cloned().collect();
        sorted.sort_by_key(|r| r.start);
        let mut merged: Vec<Range<u64>> = Vec::with_capacity(sorted.len());
        for r in sorted {
            match merged.last_mut() {
                Some(last) if r.start <= last.end.saturating_add(self.coalesce_gap) => last.end = last.end.max(r.end),
                _ => merged.push(r),
            }
        }
        merged
    }
}

/// Builds a store for the server of `url` and hands it to `register_store` under its key
/// `root://host:port` (how a DataFusion / `object_store` registry keys stores); returns the object
/// path of `url` in it.
pub fn register(url: &str, register_store: impl FnOnce(&str, Arc<dyn ObjectStore>)) -> crate::Result<Path> {
    let (store, path) = XrootdStore::from_url(url)?;
    let key = store.endpoint.to_string();
    register_store(&key, Arc::new(store));
    Ok(path)
}

/// Maps a client error to the `object_store` error kind (not found, permission denied, generic), keeping
/// the full message (server, path, code).
pub fn to_store_error(location: &Path, e: Error) -> object_store::Error {
    let path = location.to_string();
    match e.server_code() {
        Some(ERR_NOT_FOUND) => object_store::Error::NotFound { path, source: Box::new(e) },
        Some(ERR_NOT_AUTHORIZED) => object_store::Error::PermissionDenied { path, source: Box::new(e) },
        Some(ERR_AUTH_FAILED) => object_store::Error::Unauthenticated { path, source: Box::new(e) },
        _ => object_store::Error::Generic { store: STORE, source: Box::new(e) },
    }
}

fn not_supported(what: &str) -> object_store::Error {
    object_store::Error::NotSupported {
        source: format!("the XRootD store is read-only: {what} is not supported").into(),
    }
}

fn meta_of(location: Path, s: &StatInfo) -> ObjectMeta {
    ObjectMeta {
        location,
        last_modified: chrono::DateTime::from_timestamp(s.mtime, 0).unwrap_or_default(),
        size: s.size,
        e_tag: Some(format!("{}-{}-{}", s.id, s.mtime, s.size)),
        version: None,
    }
}

/// Every file under `dir` (recursively), as object metadata.
async fn walk(client: Client, endpoint: Endpoint, dir: Option<Path>, recursive: bool) -> crate::Result<ListResult> {
    let mut out = ListResult { common_prefixes: Vec::new(), objects: Vec::new() };
    let mut queue = vec![dir.clone().unwrap_or_default()];
    let mut first = true;
    while let Some(d) = queue.pop() {
        let url = XrdUrl { endpoint: endpoint.clone(), user: None, path: format!("/{d}") };
        let entries = match client.dirlist(&url, true).await {
            Ok(e) => e,
            // A prefix that is no directory lists nothing, as in other stores.
            Err(e) if first && matches!(e.server_code(), Some(ERR_NOT_FOUND) | Some(ERR_FS_ERROR)) => return Ok(out),
            Err(e) => return Err(e),
        };
        first = false;
        for e in entries {
            let child = d.clone().join(e.name.as_str());
            match &e.stat {
                Some(s) if s.is_dir() => {
                    if recursive {
                        queue.push(child);
                    } else {
                        out.common_prefixes.push(child);
                    }
                }
                Some(s) if !s.is_other() => out.objects.push(meta_of(child, s)),
                _ => {}
            }
        }
    }
    Ok(out)
}

#[async_trait]
impl ObjectStore for XrootdStore {
    async fn put_opts(&self, _: &Path, _: PutPayload, _: PutOptions) -> object_store::Result<PutResult> {
        Err(not_supported("put"))
    }

    async fn put_multipart_opts(
        &self,
        _: &Path,
        _: PutMultipartOptions,
    ) -> object_store::Result<Box<dyn MultipartUpload>> {
        Err(not_supported("multipart put"))
    }

    async fn get_opts(&self, location: &Path, options: GetOptions) -> object_store::Result<GetResult> {
        if options.head {
            let meta = self.head_meta(location).await?;
            options.check_preconditions(&meta)?;
            let payload = GetResultPayload::Stream(stream::empty().boxed());
            return Ok(GetResult { payload, meta, range: 0..0, attributes: Attributes::default() });
        }
        let file = self.open(location).await?;
        let meta = meta_of(location.clone(), file.stat());
        options.check_preconditions(&meta)?;
        let range = match &options.range {
            Some(r) => {
                r.as_range(meta.size).map_err(|e| object_store::Error::Generic { store: STORE, source: Box::new(e) })?
            }
            None => 0..meta.size,
        };
        let loc = location.clone();
        let payload =
            GetResultPayload::Stream(file.read_stream(range.clone()).map_err(move |e| to_store_error(&loc, e)).boxed());
        Ok(GetResult { payload, meta, range, attributes: Attributes::default() })
    }

    async fn get_ranges(&self, location: &Path, ranges: &[Range<u64>]) -> object_store::Result<Vec<Bytes>> {
        let file = self.open(location).await?;
        let size = file.size();
        let merged = self.coalesce(ranges);
        let data = match file.read_ranges(&merged).await {
            Ok(d) => d,
            Err(e) => {
                self.forget(location);
                return Err(to_store_error(location, e));
            }
        };
        let mut out = Vec::with_capacity(ranges.len());
        for r in ranges {
            let (start, end) = (r.start.min(size), r.end.min(size));
            if start >= end {
                out.push(Bytes::new());
                continue;
            }
            let i = merged.partition_point(|m| m.start <= start).saturating_sub(1);
            let (Some(m), Some(buf)) = (merged.get(i), data.get(i)) else {
                return Err(object_store::Error::Generic { store: STORE, source: "range lost in coalescing".into() });
            };
            let (lo, hi) = ((start - m.start) as usize, (end - m.start) as usize);
            if hi > buf.len() {
                return Err(object_store::Error::Generic { store: STORE, source: "short vector read".into() });
            }
            out.push(buf.slice(lo..hi));
        }
        Ok(out)
    }

    fn delete_stream(
        &self,
        locations: BoxStream<'static, object_store::Result<Path>>,
    ) -> BoxStream<'static, object_store::Result<Path>> {
        locations.map(|_| Err(not_supported("delete"))).boxed()
    }

    fn list(&self, prefix: Option<&Path>) -> BoxStream<'static, object_store::Result<ObjectMeta>> {
        let (client, endpoint, prefix) = (self.client.clone(), self.endpoint.clone(), prefix.cloned());
        let loc = prefix.clone().unwrap_or_default();
        stream::once(async move { walk(client, endpoint, prefix, true).await })
            .map_ok(|r| stream::iter(r.objects.into_iter().map(Ok)))
            .map_err(move |e| to_store_error(&loc, e))
            .try_flatten()
            .boxed()
    }

    async fn list_with_delimiter(&self, prefix: Option<&Path>) -> object_store::Result<ListResult> {
        let loc = prefix.cloned().unwrap_or_default();
        walk(self.client.clone(), self.endpoint.clone(), prefix.cloned(), false)
            .await
            .map_err(|e| to_store_error(&loc, e))
    }

    async fn copy_opts(&self, _: &Path, _: &Path, _: CopyOptions) -> object_store::Result<()> {
        Err(not_supported("copy"))
    }
}

impl XrootdStore {
    async fn head_meta(&self, location: &Path) -> object_store::Result<ObjectMeta> {
        let s = self.client.stat(&self.url(location)).await.map_err(|e| to_store_error(location, e))?;
        if s.is_dir() {
            return Err(object_store::Error::NotFound {
                path: location.to_string(),
                source: format!("{} is a directory", self.url(location)).into(),
            });
        }
        Ok(meta_of(location.clone(), &s))
    }
}
