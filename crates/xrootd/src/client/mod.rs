//! client (layer 1): the async XRootD client. A small pool of connections per server (one reader task
//! each, many requests in flight), the request driver (`kXR_wait` resends, `kXR_waitresp` deferred
//! answers, timeouts), redirects (≤ 16 hops, opaque CGI carried to the next server), and the path
//! requests `stat`, `dirlist` and `open`; reads live in [`File`].

mod conn;
mod file;

pub use conn::Connection;
pub use file::File;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use bytes::Bytes;
use tokio::time::Instant;

use crate::codec::dirlist::{self, DirEntry};
use crate::codec::response::Redirect;
use crate::codec::stat::{self, StatInfo};
use crate::codec::{Request, ping};
use crate::error::{Error, Result};
use crate::url::{DEFAULT_PORT, Endpoint, XrdUrl};
use conn::{Event, Reply};

/// Client settings; the defaults follow XrdCl where it makes sense for a reader.
#[derive(Debug, Clone)]
pub struct ClientConfig {
    /// Limit for connecting and logging in.
    pub connect_timeout: Duration,
    /// Attempts to connect when the server refuses (a server restarting), 250 ms apart.
    pub connect_attempts: u32,
    /// Limit for one answer (extended by `kXR_waitresp` and `kXR_wait`).
    pub request_timeout: Duration,
    /// Connections per server (the 5.5 server serves one connection's requests one after another).
    pub connections_per_server: usize,
    /// Most redirects followed for one request (XrdCl: 16).
    pub max_redirects: u32,
    /// Longest single `kXR_wait` honoured before giving up.
    pub max_wait: Duration,
    /// User name sent at login and in `unix` credentials.
    pub user: String,
    /// Group name sent in `unix` credentials.
    pub group: String,
    /// Bytes per `kXR_read` request; larger reads are split and sent concurrently.
    pub read_chunk: u32,
    /// Most requests of one read or vector read in flight at once.
    pub max_in_flight: usize,
    /// Most bytes in one `kXR_readv` (besides the 1024-chunk limit), so big vector reads spread
    /// over the connections.
    pub readv_max_bytes: u64,
}

impl Default for ClientConfig {
    fn default() -> Self {
        let user = std::env::var("USER").ok().filter(|u| !u.is_empty()).unwrap_or_else(|| "hadron".into());
        ClientConfig {
            connect_timeout: Duration::from_secs(30),
            connect_attempts: 3,
            request_timeout: Duration::from_secs(300),
            connections_per_server: 4,
            max_redirects: 16,
            max_wait: Duration::from_secs(600),
            group: user.clone(),
            user,
            read_chunk: 8 << 20,
            max_in_flight: 8,
            readv_max_bytes: 32 << 20,
        }
    }
}

/// Counters of what the client sent (shared, cheap).
#[derive(Debug, Default)]
pub struct ClientStats {
    /// Requests sent (every round trip, resends included).
    pub requests: AtomicU64,
    /// `kXR_read` requests.
    pub reads: AtomicU64,
    /// `kXR_readv` requests.
    pub readvs: AtomicU64,
    /// Chunks in all `kXR_readv` requests.
    pub readv_chunks: AtomicU64,
    /// Data bytes received by reads.
    pub bytes: AtomicU64,
    /// Connections made.
    pub connections: AtomicU64,
    /// Reads retried on a new connection after one dropped.
    pub retries: AtomicU64,
    /// Redirects followed.
    pub redirects: AtomicU64,
    /// `kXR_wait` answers honoured.
    pub waits: AtomicU64,
}

/// A copy of [`ClientStats`] at one moment.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StatsSnapshot {
    /// Requests sent (every round trip).
    pub requests: u64,
    /// `kXR_read` requests.
    pub reads: u64,
    /// `kXR_readv` requests.
    pub readvs: u64,
    /// Chunks in `kXR_readv` requests.
    pub readv_chunks: u64,
    /// Data bytes received by reads.
    pub bytes: u64,
    /// Connections made.
    pub connections: u64,
    /// Reads retried after a dropped connection.
    pub retries: u64,
    /// Redirects followed.
    pub redirects: u64,
    /// `kXR_wait` answers honoured.
    pub waits: u64,
}

impl ClientStats {
    /// The counters now.
    pub fn snapshot(&self) -> StatsSnapshot {
        let g = |a: &AtomicU64| a.load(Ordering::Relaxed);
        StatsSnapshot {
            requests: g(&self.requests),
            reads: g(&self.reads),
            readvs: g(&self.readvs),
            readv_chunks: g(&self.readv_chunks),
            bytes: g(&self.bytes),
            connections: g(&self.connections),
            retries: g(&self.retries),
            redirects: g(&self.redirects),
            waits: g(&self.waits),
        }
    }
}

fn bump(a: &AtomicU64, n: u64) {
    a.fetch_add(n, Ordering::Relaxed);
}

/// Where a path request finally landed: the server (after redirects) and what it must be sent with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct Target {
    pub(crate) endpoint: Endpoint,
    /// Login CGI from the redirect (selects its own connections).
    pub(crate) token: String,
    /// CGI appended to the path.
    pub(crate) opaque: String,
}

impl Target {
    fn path(&self, path: &str) -> String {
        match (self.opaque.is_empty(), path.contains('?')) {
            (true, _) => path.to_string(),
            (false, false) => format!("{path}?{}", self.opaque),
            (false, true) => format!("{path}&{}", self.opaque),
        }
    }
}

#[derive(Debug)]
struct Pool {
    slots: Vec<tokio::sync::Mutex<Option<Arc<Connection>>>>,
    next: AtomicUsize,
}

#[derive(Debug)]
struct Inner {
    config: ClientConfig,
    pools: Mutex<HashMap<(Endpoint, String), Arc<Pool>>>,
    stats: ClientStats,
    next_connection: AtomicU64,
}

/// An XRootD client: cheap to clone, all clones share connections and counters.
#[derive(Debug, Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl Default for Client {
    fn default() -> Self {
        Client::new(ClientConfig::default())
    }
}

/// The outcome of one request on one server.
pub(crate) enum Outcome {
    Ok(Bytes),
    Redirect(Redirect),
}

impl Client {
    /// A client with `config`; connects lazily.
    pub fn new(config: ClientConfig) -> Self {
        let inner = Inner {
            config,
            pools: Mutex::default(),
            stats: ClientStats::default(),
            next_connection: AtomicU64::new(1),
        };
        Client { inner: Arc::new(inner) }
    }

    /// The settings.
    pub fn config(&self) -> &ClientConfig {
        &self.inner.config
    }

    /// The request counters.
    pub fn stats(&self) -> StatsSnapshot {
        self.inner.stats.snapshot()
    }

    pub(crate) fn counters(&self) -> &ClientStats {
        &self.inner.stats
    }

    fn pool(&self, target: &Target) -> Arc<Pool> {
        let mut pools = self.inner.pools.lock().unwrap_or_else(|p| p.into_inner());
        let key = (target.endpoint.clone(), target.token.clone());
        pools
            .entry(key)
            .or_insert_with(|| {
                let n = self.inner.config.connections_per_server.max(1);
                Arc::new(Pool {
                    slots: (0..n).map(|_| tokio::sync::Mutex::new(None)).collect(),
                    next: AtomicUsize::new(0),
                })
            })
            .clone()
    }

    /// The next connection slot to use for `target` (round robin).
    pub(crate) fn pick(&self, target: &Target) -> usize {
        self.pool(target).next.fetch_add(1, Ordering::Relaxed)
    }

    /// The live connection in `slot` of `target`'s pool, connecting (again) when needed.
    pub(crate) async fn connection(&self, target: &Target, slot: usize) -> Result<Arc<Connection>> {
        let pool = self.pool(target);
        let mut guard = pool.slots[slot % pool.slots.len()].lock().await;
        if let Some(c) = guard.as_ref().filter(|c| !c.is_closed()) {
            return Ok(c.clone());
        }
        *guard = None;
        let config = &self.inner.config;
        let mut attempt = 0;
        let conn = loop {
            let id = self.inner.next_connection.fetch_add(1, Ordering::Relaxed);
            match Connection::connect(&target.endpoint, config, &target.token, id).await {
                Ok(c) => break c,
                Err(Error::Io { source, .. })
                    if source.kind() == std::io::ErrorKind::ConnectionRefused
                        && attempt + 1 < config.connect_attempts.max(1) =>
                {
                    attempt += 1;
                    tokio::time::sleep(Duration::from_millis(250)).await;
                }
                Err(e) => return Err(e),
            }
        };
        bump(&self.inner.stats.connections, 1);
        let conn = Arc::new(conn);
        *guard = Some(conn.clone());
        Ok(conn)
    }

    /// Sends `req` on `conn` and waits for its final answer: resends after `kXR_wait`, keeps waiting
    /// after `kXR_waitresp`, maps `kXR_error` to [`Error::Server`] naming `url`.
    pub(crate) async fn roundtrip(&self, conn: &Connection, req: &Request, hint: usize, url: &str) -> Result<Outcome> {
        let config = &self.inner.config;
        let what = || format!("waiting for the {} answer", req.name());
        loop {
            bump(&self.inner.stats.requests, 1);
            let mut rx = conn.send(req, hint).await.map_err(|e| with_url(e, url))?;
            let mut deadline = Instant::now() + config.request_timeout;
            let reply = loop {
                match tokio::time::timeout_at(deadline, rx.recv()).await {
                    Err(_) => {
                        return Err(Error::Timeout {
                            url: url.to_string(),
                            what: what(),
                            secs: config.request_timeout.as_secs(),
                        });
                    }
                    Ok(None) => break Reply::Closed(String::from("the connection was dropped")),
                    Ok(Some(Event::WaitResp(secs))) => {
                        deadline =
                            deadline.max(Instant::now() + Duration::from_secs(secs.into()) + config.request_timeout);
                    }
                    Ok(Some(Event::Final(r))) => break r,
                }
            };
            match reply {
                Reply::Ok(b) => return Ok(Outcome::Ok(b)),
                Reply::Redirect(r) => return Ok(Outcome::Redirect(r)),
                Reply::Error(e) => {
                    return Err(Error::Server { url: url.to_string(), code: e.code, message: e.message });
                }
                Reply::Wait(secs) => {
                    let wait = Duration::from_secs(secs.max(1).into());
                    if wait > config.max_wait {
                        return Err(Error::Timeout {
                            url: url.to_string(),
                            what: format!("the server asked to wait {secs} s for {}", req.name()),
                            secs: config.max_wait.as_secs(),
                        });
                    }
                    bump(&self.inner.stats.waits, 1);
                    tokio::time::sleep(wait).await;
                }
                Reply::AuthMore => {
                    return Err(Error::Unsupported {
                        url: url.to_string(),
                        message: "kXR_authmore outside login".into(),
                    });
                }
                Reply::Malformed(source) => return Err(Error::Protocol { url: url.to_string(), source }),
                Reply::Closed(reason) => {
                    let e = std::io::Error::new(std::io::ErrorKind::ConnectionReset, reason);
                    return Err(Error::Io { url: url.to_string(), what: what(), source: e });
                }
            }
        }
    }

    /// Sends a path request built by `make(path_with_cgi)`, following redirects; returns the connection
    /// and target that answered, and the answer.
    pub(crate) async fn path_request(
        &self,
        url: &XrdUrl,
        make: impl Fn(&str) -> Request,
    ) -> Result<(Arc<Connection>, Target, Bytes)> {
        let mut target = Target { endpoint: url.endpoint.clone(), token: String::new(), opaque: String::new() };
        let limit = self.inner.config.max_redirects;
        for _ in 0..=limit {
            let where_ = target.endpoint.url(&url.path);
            let conn = self.connection(&target, self.pick(&target)).await.map_err(|e| with_url(e, &where_))?;
            let req = make(&target.path(&url.path));
            match self.roundtrip(&conn, &req, 0, &where_).await? {
                Outcome::Ok(b) => return Ok((conn, target, b)),
                Outcome::Redirect(r) => {
                    bump(&self.inner.stats.redirects, 1);
                    let port = if r.port == 0 { DEFAULT_PORT } else { r.port };
                    target = Target { endpoint: Endpoint::new(r.host, port), token: r.token, opaque: r.opaque };
                }
            }
        }
        Err(Error::TooManyRedirects { url: url.to_string(), limit, last: target.endpoint.url(&url.path) })
    }

    /// `kXR_stat` of a path.
    pub async fn stat(&self, url: &XrdUrl) -> Result<StatInfo> {
        let (_, target, body) = self.path_request(url, stat::request).await?;
        stat::parse(&body).map_err(|source| Error::Protocol { url: target.endpoint.url(&url.path), source })
    }

    /// `kXR_dirlist` of a directory; with `with_stat` every entry has its stat.
    pub async fn dirlist(&self, url: &XrdUrl, with_stat: bool) -> Result<Vec<DirEntry>> {
        let (_, target, body) = self.path_request(url, |p| dirlist::request(p, with_stat)).await?;
        dirlist::parse(&body, with_stat)
            .map_err(|source| Error::Protocol { url: target.endpoint.url(&url.path), source })
    }

    /// Opens a file for reading (following redirects).
    pub async fn open(&self, url: &XrdUrl) -> Result<File> {
        File::open(self.clone(), url.clone()).await
    }

    /// `kXR_ping` on a connection to `endpoint`.
    pub async fn ping(&self, endpoint: &Endpoint) -> Result<()> {
        let target = Target { endpoint: endpoint.clone(), token: String::new(), opaque: String::new() };
        let conn = self.connection(&target, self.pick(&target)).await?;
        self.roundtrip(&conn, &ping::request(), 0, &endpoint.to_string()).await.map(|_| ())
    }
}

/// Replaces the server-only URL of a connection error by the request's URL.
pub(crate) fn with_url(e: Error, url: &str) -> Error {
    match e {
        Error::Io { what, source, .. } => Error::Io { url: url.to_string(), what, source },
        Error::Timeout { what, secs, .. } => Error::Timeout { url: url.to_string(), what, secs },
        other => other,
    }
}
