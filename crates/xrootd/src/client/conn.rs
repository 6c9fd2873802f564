//! client/conn (layer 1): one logged-in TCP connection. Setup runs handshake, `kXR_protocol`,
//! `kXR_login` and `kXR_auth` in order; then one reader task reads every response and routes it by
//! stream id to the waiting request, gluing `kXR_oksofar` parts and unwrapping `kXR_attn` deferred
//! answers, so that many requests can be in flight on one connection.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use bytes::{Bytes, BytesMut};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;

use super::ClientConfig;
use crate::codec::response::{self, Attn, Redirect, ResponseHeader, ServerError, status};
use crate::codec::{Malformed, RESPONSE_HEADER_LEN, Request, auth, handshake, login, protocol};
use crate::error::{Error, Result};
use crate::url::Endpoint;

/// How a request ended (the final message on its stream).
#[derive(Debug)]
pub(crate) enum Reply {
    /// `kXR_ok` (with every `kXR_oksofar` part before it).
    Ok(Bytes),
    /// `kXR_error`.
    Error(ServerError),
    /// `kXR_redirect`.
    Redirect(Redirect),
    /// `kXR_wait`: resend after `secs`.
    Wait(u32),
    /// `kXR_authmore`.
    AuthMore,
    /// A message that does not follow the protocol.
    Malformed(Malformed),
    /// The connection ended before the answer (the reason).
    Closed(String),
}

/// What a waiting request hears.
#[derive(Debug)]
pub(crate) enum Event {
    /// `kXR_waitresp`: the answer will come later (in at most about `secs`).
    WaitResp(u32),
    /// The final answer.
    Final(Reply),
}

#[derive(Debug)]
struct Slot {
    tx: mpsc::UnboundedSender<Event>,
    buf: BytesMut,
}

#[derive(Debug, Default)]
struct Streams {
    slots: HashMap<u16, Slot>,
    next: u16,
    closed: Option<String>,
}

/// One connection to a server, shared by the requests in flight on it.
#[derive(Debug)]
pub struct Connection {
    pub(crate) id: u64,
    pub(crate) endpoint: Endpoint,
    writer: tokio::sync::Mutex<OwnedWriteHalf>,
    streams: Arc<Mutex<Streams>>,
    reader: JoinHandle<()>,
}

impl Drop for Connection {
    fn drop(&mut self) {
        self.reader.abort();
    }
}

fn io_err(endpoint: &Endpoint, what: &str, e: std::io::Error) -> Error {
    Error::Io { url: endpoint.to_string(), what: what.to_string(), source: e }
}

fn lock(m: &Mutex<Streams>) -> std::sync::MutexGuard<'_, Streams> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Connection {
    /// Connects, logs in (sending `token` as login CGI after a redirect) and authenticates.
    pub(crate) async fn connect(endpoint: &Endpoint, config: &ClientConfig, token: &str, id: u64) -> Result<Self> {
        let secs = config.connect_timeout.as_secs();
        let timeout = |what: &str| Error::Timeout { url: endpoint.to_string(), what: what.to_string(), secs };
        let addr = (endpoint.host.as_str(), endpoint.port);
        let stream = tokio::time::timeout(config.connect_timeout, TcpStream::connect(addr))
            .await
            .map_err(|_| timeout("connecting"))?
            .map_err(|e| io_err(endpoint, "connecting", e))?;
        let _ = stream.set_nodelay(true);
        let (rd, mut wr) = stream.into_split();
        let mut rd = BufReader::with_capacity(256 * 1024, rd);
        tokio::time::timeout(config.connect_timeout, setup(endpoint, config, token, &mut rd, &mut wr))
            .await
            .map_err(|_| timeout("logging in"))??;
        let streams = Arc::new(Mutex::new(Streams { next: 1, ..Default::default() }));
        let reader = tokio::spawn(read_loop(rd, streams.clone()));
        Ok(Connection { id, endpoint: endpoint.clone(), writer: tokio::sync::Mutex::new(wr), streams, reader })
    }

    /// Whether the connection has ended (also when its reader task is gone with the runtime it ran on).
    pub(crate) fn is_closed(&self) -> bool {
        lock(&self.streams).closed.is_some() || self.reader.is_finished()
    }

    /// Sends `req` on a fresh stream id; `size_hint` pre-sizes the answer buffer. The receiver gets the
    /// events of that stream. Fails (with the reason) when the connection is closed.
    pub(crate) async fn send(&self, req: &Request, size_hint: usize) -> Result<mpsc::UnboundedReceiver<Event>> {
        let (tx, rx) = mpsc::unbounded_channel();
        let id = {
            let mut s = lock(&self.streams);
            if let Some(reason) = &s.closed {
                let e = std::io::Error::new(std::io::ErrorKind::ConnectionAborted, reason.clone());
                return Err(io_err(&self.endpoint, &format!("sending {}", req.name()), e));
            }
            let mut id = s.next;
            let mut tries = 0u32;
            while id == 0 || s.slots.contains_key(&id) {
                id = id.wrapping_add(1);
                tries += 1;
                if tries > u16::MAX as u32 {
                    let e = std::io::Error::other("all 65535 stream ids are in use");
                    return Err(io_err(&self.endpoint, "sending", e));
                }
            }
            s.next = id.wrapping_add(1);
            s.slots.insert(id, Slot { tx, buf: BytesMut::with_capacity(size_hint) });
            id
        };
        let bytes = req.to_bytes(id.to_be_bytes());
        let mut w = self.writer.lock().await;
        if let Err(e) = w.write_all(&bytes).await {
            drop(w);
            let mut s = lock(&self.streams);
            s.slots.remove(&id);
            s.closed.get_or_insert_with(|| e.to_string());
            return Err(io_err(&self.endpoint, &format!("sending {}", req.name()), e));
        }
        Ok(rx)
    }
}

/// Reads one whole message (header and body) during setup, before the reader task runs.
async fn read_message<R: AsyncRead + Unpin>(rd: &mut R) -> std::io::Result<(ResponseHeader, Vec<u8>)> {
    let mut h = [0u8; RESPONSE_HEADER_LEN];
    rd.read_exact(&mut h).await?;
    let header = ResponseHeader::parse(&h).map_err(std::io::Error::other)?;
    if header.dlen > 1 << 20 {
        return Err(std::io::Error::other(format!("setup message of {} bytes", header.dlen)));
    }
    let mut body = vec![0u8; header.dlen as usize];
    rd.read_exact(&mut body).await?;
    Ok((header, body))
}

async fn setup(
    ep: &Endpoint,
    config: &ClientConfig,
    token: &str,
    rd: &mut BufReader<OwnedReadHalf>,
    wr: &mut OwnedWriteHalf,
) -> Result<()> {
    let protocol_err = |source: Malformed| Error::Protocol { url: ep.to_string(), source };
    // Handshake and kXR_protocol in one write; two answers.
    let mut first = handshake::HANDSHAKE.to_vec();
    first.extend_from_slice(&protocol::request().to_bytes([0, 1]));
    wr.write_all(&first).await.map_err(|e| io_err(ep, "sending the handshake", e))?;
    let mut hello = [0u8; handshake::REPLY_LEN];
    rd.read_exact(&mut hello).await.map_err(|e| io_err(ep, "reading the handshake answer", e))?;
    handshake::parse_reply(&hello).map_err(protocol_err)?;
    let (h, body) = read_message(rd).await.map_err(|e| io_err(ep, "reading the kXR_protocol answer", e))?;
    expect_ok(ep, h, &body, "kXR_protocol")?;
    let info = protocol::parse(&body).map_err(protocol_err)?;
    if info.flags & (protocol::SERVER_GOTO_TLS | protocol::SERVER_TLS_LOGIN) != 0 {
        return Err(Error::Unsupported {
            url: ep.to_string(),
            message: "the server requires TLS (roots://); this client speaks plain root:// only".into(),
        });
    }
    let cgi = if token.is_empty() { String::from("xrd.rn=hadron") } else { token.to_string() };
    let req = login::request(std::process::id(), &config.user, &cgi);
    wr.write_all(&req.to_bytes([0, 2])).await.map_err(|e| io_err(ep, "sending kXR_login", e))?;
    let (h, body) = read_message(rd).await.map_err(|e| io_err(ep, "reading the kXR_login answer", e))?;
    expect_ok(ep, h, &body, "kXR_login")?;
    let reply = login::parse(&body).map_err(protocol_err)?;
    if reply.security.is_empty() {
        return Ok(());
    }
    if !reply.security.iter().any(|p| p.name == "unix") {
        let names: Vec<&str> = reply.security.iter().map(|p| p.name.as_str()).collect();
        return Err(Error::Unsupported {
            url: ep.to_string(),
            message: format!(
                "the server requires authentication with {}; this client speaks unix only",
                names.join(", ")
            ),
        });
    }
    let creds = auth::unix_credentials(&config.user, &config.group);
    wr.write_all(&auth::request("unix", creds).to_bytes([0, 3]))
        .await
        .map_err(|e| io_err(ep, "sending kXR_auth", e))?;
    let (h, body) = read_message(rd).await.map_err(|e| io_err(ep, "reading the kXR_auth answer", e))?;
    expect_ok(ep, h, &body, "kXR_auth (unix)")
}

fn expect_ok(ep: &Endpoint, h: ResponseHeader, body: &[u8], what: &'static str) -> Result<()> {
    match h.status {
        status::OK => Ok(()),
        status::ERROR => {
            let e = response::parse_error(body).map_err(|source| Error::Protocol { url: ep.to_string(), source })?;
            Err(Error::Server { url: ep.to_string(), code: e.code, message: format!("{what}: {}", e.message) })
        }
        other => Err(Error::Protocol {
            url: ep.to_string(),
            source: Malformed::new("setup answer", format!("status {other} to {what}")),
        }),
    }
}

/// The reader task: routes every message to its stream until the connection ends, then fails every
/// request still waiting with the reason.
async fn read_loop(mut rd: BufReader<OwnedReadHalf>, streams: Arc<Mutex<Streams>>) {
    let reason = match route(&mut rd, &streams).await {
        Ok(()) => String::from("the server closed the connection"),
        Err(e) => format!("connection lost: {e}"),
    };
    let slots = {
        let mut s = lock(&streams);
        s.closed = Some(reason.clone());
        std::mem::take(&mut s.slots)
    };
    for (_, slot) in slots {
        let _ = slot.tx.send(Event::Final(Reply::Closed(reason.clone())));
    }
}

async fn route(rd: &mut BufReader<OwnedReadHalf>, streams: &Mutex<Streams>) -> std::io::Result<()> {
    loop {
        let mut h = [0u8; RESPONSE_HEADER_LEN];
        match rd.read_exact(&mut h).await {
            Ok(_) => {}
            Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => return Ok(()),
            Err(e) => return Err(e),
        }
        let header = ResponseHeader::parse(&h).map_err(std::io::Error::other)?;
        let id = u16::from_be_bytes(header.stream);
        match header.status {
            status::OK | status::OKSOFAR => {
                // Data straight into the request's buffer, no intermediate copy.
                let taken = lock(streams).slots.get_mut(&id).map(|s| std::mem::take(&mut s.buf));
                match taken {
                    Some(mut buf) => {
                        read_into(rd, &mut buf, header.dlen as usize).await?;
                        deliver(streams, id, header.status, buf);
                    }
                    None => skip(rd, header.dlen as u64).await?,
                }
            }
            status::STATUS => {
                let body = read_body(rd, header.dlen).await?;
                let extra = response::status_extra_len(&body).map_err(std::io::Error::other)?;
                skip(rd, extra as u64).await?;
                let m = Malformed::new("answer", "kXR_status (pgread/pgwrite) answers are not used by this client");
                finish(streams, id, Reply::Malformed(m));
            }
            status::ATTN => {
                let body = read_body(rd, header.dlen).await?;
                if let Ok(Attn::AsynResp { header: inner, body }) = response::parse_attn(&body) {
                    let id = u16::from_be_bytes(inner.stream);
                    dispatch(streams, id, inner.status, body);
                }
            }
            other => {
                let body = read_body(rd, header.dlen).await?;
                dispatch(streams, id, other, &body);
            }
        }
    }
}

async fn read_body(rd: &mut BufReader<OwnedReadHalf>, dlen: u32) -> std::io::Result<Vec<u8>> {
    // Non-data answers are small; refuse absurd lengths rather than allocate them.
    if dlen > 64 << 20 {
        return Err(std::io::Error::other(format!("message of {dlen} bytes")));
    }
    let mut body = vec![0u8; dlen as usize];
    rd.read_exact(&mut body).await?;
    Ok(body)
}

/// Largest single message accepted (a 5.5 server sends data in parts of ≤ 2 MiB).
const MAX_MESSAGE: usize = 256 << 20;

async fn read_into(rd: &mut BufReader<OwnedReadHalf>, buf: &mut BytesMut, n: usize) -> std::io::Result<()> {
    if n > MAX_MESSAGE || buf.len() + n > i32::MAX as usize {
        return Err(std::io::Error::other(format!("data message of {n} bytes (after {} bytes)", buf.len())));
    }
    let target = buf.len() + n;
    while buf.len() < target {
        let want = (target - buf.len()) as u64;
        // Grow step by step: a corrupt length must not allocate before the bytes arrive.
        buf.reserve((want as usize).min(4 << 20));
        let got = (&mut *rd).take(want).read_buf(buf).await?;
        if got == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
    }
    Ok(())
}

async fn skip(rd: &mut BufReader<OwnedReadHalf>, n: u64) -> std::io::Result<()> {
    let copied = tokio::io::copy(&mut (&mut *rd).take(n), &mut tokio::io::sink()).await?;
    if copied < n { Err(std::io::ErrorKind::UnexpectedEof.into()) } else { Ok(()) }
}

/// Puts `buf` back as the stream's partial answer, or completes the stream on `kXR_ok`.
fn deliver(streams: &Mutex<Streams>, id: u16, st: u16, buf: BytesMut) {
    let mut s = lock(streams);
    if st == status::OK {
        if let Some(slot) = s.slots.remove(&id) {
            let _ = slot.tx.send(Event::Final(Reply::Ok(buf.freeze())));
        }
    } else if let Some(slot) = s.slots.get_mut(&id) {
        slot.buf = buf;
    }
}

fn finish(streams: &Mutex<Streams>, id: u16, reply: Reply) {
    if let Some(slot) = lock(streams).slots.remove(&id) {
        let _ = slot.tx.send(Event::Final(reply));
    }
}

/// Handles a whole (non-streamed) message for stream `id`.
fn dispatch(streams: &Mutex<Streams>, id: u16, st: u16, body: &[u8]) {
    let reply = match st {
        status::OK | status::OKSOFAR => {
            let taken = lock(streams).slots.get_mut(&id).map(|s| std::mem::take(&mut s.buf));
            if let Some(mut buf) = taken {
                buf.extend_from_slice(body);
                deliver(streams, id, st, buf);
            }
            return;
        }
        status::WAITRESP => {
            let secs = response::parse_waitresp(body).unwrap_or(0);
            if let Some(slot) = lock(streams).slots.get(&id) {
                let _ = slot.tx.send(Event::WaitResp(secs));
            }
            return;
        }
        status::ERROR => response::parse_error(body).map(Reply::Error),
        status::REDIRECT => response::parse_redirect(body).map(Reply::Redirect),
        status::WAIT => response::parse_wait(body).map(|(secs, _)| Reply::Wait(secs)),
        status::AUTHMORE => Ok(Reply::AuthMore),
        other => Err(Malformed::new("answer", format!("unknown status {other}"))),
    };
    finish(streams, id, reply.unwrap_or_else(Reply::Malformed));
}
