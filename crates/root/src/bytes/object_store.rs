//! bytes/object_store: any `object_store::ObjectStore` (S3, HTTP, local, XRootD adapter) as a byte source.

use std::ops::Range;
use std::sync::Arc;

use async_trait::async_trait;
use bytes::Bytes;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt};

use super::{ByteSource, IoStats};
use crate::error::{Error, Location, Result};

/// An object in an object store, read with vectored `get_ranges`.
#[derive(Debug)]
pub struct ObjectStoreSource {
    store: Arc<dyn ObjectStore>,
    path: Path,
    name: String,
    len: u64,
    stats: IoStats,
}

impl ObjectStoreSource {
    /// Wraps `path` in `store`; `name` is the URL shown in errors. Asks the store for the size.
    pub async fn open(store: Arc<dyn ObjectStore>, path: Path, name: impl Into<String>) -> Result<Self> {
        let name = name.into();
        let meta = store.head(&path).await.map_err(|e| io_error(&name, None, e))?;
        Ok(Self::with_size(store, path, name, meta.size))
    }

    /// Wraps `path` of known size `len`.
    pub fn with_size(store: Arc<dyn ObjectStore>, path: Path, name: impl Into<String>, len: u64) -> Self {
        ObjectStoreSource { store, path, name: name.into(), len, stats: IoStats::default() }
    }
}

fn io_error(name: &str, offset: Option<u64>, e: object_store::Error) -> Error {
    let kind = match &e {
        object_store::Error::NotFound { .. } => std::io::ErrorKind::NotFound,
        object_store::Error::PermissionDenied { .. } => std::io::ErrorKind::PermissionDenied,
        _ => std::io::ErrorKind::Other,
    };
    Error::Io {
        at: Location { file: Some(name.to_string()), offset, ..Default::default() }.into(),
        source: std::io::Error::new(kind, e),
    }
}

#[async_trait]
impl ByteSource for ObjectStoreSource {
    fn name(&self) -> &str {
        &self.name
    }
    fn len(&self) -> u64 {
        self.len
    }
    async fn fetch(&self, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        let clamped: Vec<Range<u64>> = ranges
            .iter()
            .map(|r| {
                let end = r.end.min(self.len);
                r.start.min(end)..end
            })
            .collect();
        let out = self
            .store
            .get_ranges(&self.path, &clamped)
            .await
            .map_err(|e| io_error(&self.name, clamped.first().map(|r| r.start), e))?;
        let bytes = out.iter().map(|b| b.len() as u64).sum();
        self.stats.record(1, 0, bytes);
        Ok(out)
    }
    fn stats(&self) -> &IoStats {
        &self.stats
    }
}
