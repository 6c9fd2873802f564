//! client/file: a file opened for reading. Its handle is per connection, so the file is re-opened
//! lazily on each pooled connection it reads through. Big reads are split into concurrent `kXR_read`s;
//! vector reads are clamped to the file size and cut into `kXR_readv`s within the server's limits
//! (1024 chunks of ≤ 2,097,136 bytes). A read whose connection drops is retried once on a new
//! connection, after checking that the file did not change.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, Mutex, Weak};

use bytes::{Bytes, BytesMut};
use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};

use super::{Client, Connection, Outcome, Target, bump};
use crate::codec::readv::{self, Chunk, MAX_CHUNK_LEN, MAX_CHUNKS};
use crate::codec::stat::StatInfo;
use crate::codec::{FileHandle, Malformed, close, open, read};
use crate::error::{Error, Result};
use crate::url::{Endpoint, XrdUrl};

/// One request of a read: a plain range or a list of (offset, len) chunks.
#[derive(Debug, Clone)]
enum Op {
    Read { offset: u64, len: u32 },
    ReadV(Vec<(u64, u32)>),
}

#[derive(Debug)]
struct FileInner {
    client: Client,
    url: XrdUrl,
    target: Target,
    stat: StatInfo,
    handles: Mutex<HashMap<u64, (Weak<Connection>, FileHandle)>>,
}

impl Drop for FileInner {
    fn drop(&mut self) {
        let handles = std::mem::take(self.handles.get_mut().unwrap_or_else(|p| p.into_inner()));
        let Ok(rt) = tokio::runtime::Handle::try_current() else { return };
        for (_, (conn, handle)) in handles {
            if let Some(conn) = conn.upgrade() {
                rt.spawn(async move {
                    // Best effort: the answer is not awaited; a dropped connection closes the handle anyway.
                    let _ = conn.send(&close::request(handle), 0).await;
                });
            }
        }
    }
}

/// An open remote file (cheap to clone).
#[derive(Debug, Clone)]
pub struct File {
    inner: Arc<FileInner>,
}

impl File {
    pub(crate) async fn open(client: Client, url: XrdUrl) -> Result<File> {
        let (conn, target, body) = client.path_request(&url, open::read_request).await?;
        let where_ = target.endpoint.url(&url.path);
        let reply = open::parse(&body).map_err(|source| Error::Protocol { url: where_.clone(), source })?;
        let stat = reply.stat.ok_or_else(|| Error::Protocol {
            url: where_,
            source: Malformed::new("kXR_open response", "no stat text although kXR_retstat was asked for"),
        })?;
        let mut handles = HashMap::new();
        handles.insert(conn.id, (Arc::downgrade(&conn), reply.handle));
        Ok(File { inner: Arc::new(FileInner { client, url, target, stat, handles: Mutex::new(handles) }) })
    }

    /// Size in bytes (from the open).
    pub fn size(&self) -> u64 {
        self.inner.stat.size
    }

    /// The stat returned by the open.
    pub fn stat(&self) -> &StatInfo {
        &self.inner.stat
    }

    /// The URL asked for.
    pub fn url(&self) -> &XrdUrl {
        &self.inner.url
    }

    /// The data server that holds the file (after redirects).
    pub fn data_server(&self) -> &Endpoint {
        &self.inner.target.endpoint
    }

    fn where_(&self) -> String {
        self.inner.target.endpoint.url(&self.inner.url.path)
    }

    fn cached_handle(&self, conn: &Connection) -> Option<FileHandle> {
        let handles = self.inner.handles.lock().unwrap_or_else(|p| p.into_inner());
        handles.get(&conn.id).map(|(_, h)| *h)
    }

    /// This file's handle on `conn`, opening it there when needed (and checking it is the same file).
    async fn handle_on(&self, conn: &Arc<Connection>) -> Result<FileHandle> {
        if let Some(h) = self.cached_handle(conn) {
            return Ok(h);
        }
        let inner = &self.inner;
        let req = open::read_request(&inner.target.path(&inner.url.path));
        let body = match inner.client.roundtrip(conn, &req, 0, &self.where_()).await? {
            Outcome::Ok(b) => b,
            Outcome::Redirect(r) => {
                return Err(Error::Unsupported {
                    url: self.where_(),
                    message: format!("the data server redirected a re-open to {}:{}", r.host, r.port),
                });
            }
        };
        let reply = open::parse(&body).map_err(|source| Error::Protocol { url: self.where_(), source })?;
        if let Some(s) = &reply.stat
            && (s.size != inner.stat.size || s.mtime != inner.stat.mtime)
        {
            return Err(Error::Io {
                url: self.where_(),
                what: "re-opening after a reconnect".into(),
                source: std::io::Error::other(format!(
                    "the file changed on the server (size {} → {}, mtime {} → {})",
                    inner.stat.size, s.size, inner.stat.mtime, s.mtime
                )),
            });
        }
        let mut handles = inner.handles.lock().unwrap_or_else(|p| p.into_inner());
        handles.retain(|_, (c, _)| c.strong_count() > 0);
        handles.insert(conn.id, (Arc::downgrade(conn), reply.handle));
        Ok(reply.handle)
    }

    async fn exec(&self, slot: usize, op: &Op) -> Result<Vec<Bytes>> {
        let inner = &self.inner;
        let stats = inner.client.counters();
        let url = self.where_();
        let conn = inner.client.connection(&inner.target, slot).await.map_err(|e| super::with_url(e, &url))?;
        let handle = self.handle_on(&conn).await?;
        let short = |what: String| Error::Protocol { url: url.clone(), source: Malformed::new("read answer", what) };
        match op {
            Op::Read { offset, len } => {
                bump(&stats.reads, 1);
                let req = read::request(handle, *offset, *len);
                let Outcome::Ok(b) = inner.client.roundtrip(&conn, &req, *len as usize, &url).await? else {
                    return Err(short("redirect in answer to kXR_read".into()));
                };
                if b.len() != *len as usize {
                    return Err(short(format!("{} bytes at {offset} instead of {len}", b.len())));
                }
                bump(&stats.bytes, b.len() as u64);
                Ok(vec![b])
            }
            Op::ReadV(list) => {
                bump(&stats.readvs, 1);
                bump(&stats.readv_chunks, list.len() as u64);
                let chunks: Vec<Chunk> = list.iter().map(|&(offset, len)| Chunk { handle, offset, len }).collect();
                let total: usize = list.iter().map(|c| c.1 as usize + readv::ELEMENT_LEN).sum();
                let Outcome::Ok(b) = inner.client.roundtrip(&conn, &readv::request(&chunks), total, &url).await? else {
                    return Err(short("redirect in answer to kXR_readv".into()));
                };
                let out = readv::parse(&b, &chunks).map_err(|source| Error::Protocol { url: url.clone(), source })?;
                bump(&stats.bytes, out.iter().map(|b| b.len() as u64).sum());
                Ok(out)
            }
        }
    }

    /// Runs `op`; after a dropped connection, once more on a fresh connection.
    async fn exec_retry(&self, op: Op) -> Result<Vec<Bytes>> {
        let client = &self.inner.client;
        let slot = client.pick(&self.inner.target);
        match self.exec(slot, &op).await {
            Err(e) if e.is_connection_lost() => {
                bump(&client.counters().retries, 1);
                self.exec(slot, &op).await
            }
            r => r,
        }
    }

    fn pieces(&self, range: Range<u64>) -> Vec<(u64, u32)> {
        let end = range.end.min(self.size());
        let step = u64::from(self.inner.client.config().read_chunk.max(1));
        let mut out = Vec::new();
        let mut at = range.start.min(end);
        while at < end {
            let n = (end - at).min(step);
            out.push((at, n as u32));
            at += n;
        }
        out
    }

    /// Reads `range` (clamped to the file size) as ordered pieces of at most `read_chunk` bytes, with up to
    /// `max_in_flight` `kXR_read`s in flight over the pooled connections.
    pub fn read_stream(&self, range: Range<u64>) -> BoxStream<'static, Result<Bytes>> {
        let pieces = self.pieces(range);
        let file = self.clone();
        let k = self.inner.client.config().max_in_flight.max(1);
        stream::iter(pieces)
            .map(move |(offset, len)| {
                let f = file.clone();
                async move { f.exec_retry(Op::Read { offset, len }).await.map(|mut v| v.pop().unwrap_or_default()) }
            })
            .buffered(k)
            .boxed()
    }

    /// Reads `range` (clamped to the file size) into one buffer.
    pub async fn read(&self, range: Range<u64>) -> Result<Bytes> {
        let parts: Vec<Bytes> = self.read_stream(range).try_collect().await?;
        Ok(concat(parts))
    }

    /// Reads many ranges with `kXR_readv`: each clamped to the file size, cut into chunks of at most
    /// 2,097,136 bytes, grouped ≤ 1024 chunks (and ≤ `readv_max_bytes`) per request, requests sent
    /// concurrently. Returns one buffer per range, in order. Callers merge neighbouring ranges first.
    pub async fn read_ranges(&self, ranges: &[Range<u64>]) -> Result<Vec<Bytes>> {
        let size = self.size();
        let max_bytes = self.inner.client.config().readv_max_bytes.max(u64::from(MAX_CHUNK_LEN));
        // (range index, offset, len) in order; batches of consecutive pieces.
        let mut owner = Vec::new();
        let mut batches: Vec<Vec<(u64, u32)>> = vec![Vec::new()];
        let mut batch_bytes = 0u64;
        for (i, r) in ranges.iter().enumerate() {
            let end = r.end.min(size);
            let mut at = r.start.min(end);
            while at < end {
                let n = (end - at).min(u64::from(MAX_CHUNK_LEN));
                let full = batches
                    .last()
                    .is_some_and(|b| b.len() >= MAX_CHUNKS || (batch_bytes + n > max_bytes && !b.is_empty()));
                if full {
                    batches.push(Vec::new());
                    batch_bytes = 0;
                }
                if let Some(b) = batches.last_mut() {
                    b.push((at, n as u32));
                }
                batch_bytes += n;
                owner.push(i);
                at += n;
            }
        }
        batches.retain(|b| !b.is_empty());
        let k = self.inner.client.config().max_in_flight.max(1);
        let results: Vec<Vec<Bytes>> =
            stream::iter(batches).map(|b| self.exec_retry(Op::ReadV(b))).buffered(k).try_collect().await?;
        let mut parts: Vec<Vec<Bytes>> = vec![Vec::new(); ranges.len()];
        for (i, b) in owner.into_iter().zip(results.into_iter().flatten()) {
            if let Some(p) = parts.get_mut(i) {
                p.push(b);
            }
        }
        Ok(parts.into_iter().map(concat).collect())
    }

    /// Closes every handle of this file (also done, without waiting, when the last clone is dropped).
    pub async fn close(&self) -> Result<()> {
        let handles: Vec<(Weak<Connection>, FileHandle)> = {
            let mut h = self.inner.handles.lock().unwrap_or_else(|p| p.into_inner());
            h.drain().map(|(_, v)| v).collect()
        };
        for (conn, handle) in handles {
            if let Some(conn) = conn.upgrade() {
                self.inner.client.roundtrip(&conn, &close::request(handle), 0, &self.where_()).await?;
            }
        }
        Ok(())
    }
}

fn concat(mut parts: Vec<Bytes>) -> Bytes {
    match parts.len() {
        0 => Bytes::new(),
        1 => parts.pop().unwrap_or_default(),
        _ => {
            let mut b = BytesMut::with_capacity(parts.iter().map(|p| p.len()).sum());
            for p in parts {
                b.extend_from_slice(&p);
            }
            b.freeze()
        }
    }
}
