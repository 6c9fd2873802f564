//! Fuzz-style robustness of response parsing (seeded, reproducible): random and mutated bytes given to
//! every parser of the codec, and to a client whose fake server answers with mutated frames, never
//! panic; the client always ends with a result or an error.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::Bytes;
use hadron_xrootd::codec::readv::Chunk;
use hadron_xrootd::codec::response::{self, ResponseHeader};
use hadron_xrootd::codec::{FileHandle, dirlist, handshake, login, open, protocol, query, readv, stat};
use hadron_xrootd::{Client, ClientConfig, XrdUrl};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn bytes(&mut self, n: usize) -> Vec<u8> {
        (0..n).map(|_| self.next() as u8).collect()
    }
}

/// Well-formed bodies of every kind, to mutate.
fn samples() -> Vec<Vec<u8>> {
    let mut redirect = 21094i32.to_be_bytes().to_vec();
    redirect.extend_from_slice(b"host.example?a=b&c=d?tok");
    let mut attn = 5008i32.to_be_bytes().to_vec();
    attn.extend_from_slice(&[0; 4]);
    attn.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 3, 1, 2, 3]);
    let mut readv_answer = vec![0, 0, 0, 1, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 8];
    readv_answer.extend_from_slice(b"abcd");
    let mut login = vec![1u8; 16];
    login.extend_from_slice(b"&P=unix&P=sss,0.+13:");
    let mut open = vec![0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0];
    open.extend_from_slice(b"123 549569 16 1795970419 1795970419 1795970442 0444 xrootd xrootd\0");
    vec![
        vec![0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 5, 0x11, 0, 0, 0, 1],
        vec![0, 0, 0x0B, 0xC3, b'n', b'o', 0],
        redirect,
        attn,
        readv_answer,
        login,
        open,
        b".\n0 0 0 0\na.root\n1 100 16 5\nsub\n2 4096 18 6\n\0".to_vec(),
        b"2097136\n1024\n".to_vec(),
        vec![0, 0, 0, 10, b'm', b's', b'g'],
        vec![0xFF; 24],
    ]
}

fn mutate(rng: &mut Rng, base: &[u8]) -> Vec<u8> {
    let mut b = base.to_vec();
    match rng.below(5) {
        0 => {
            let n = rng.below(64);
            rng.bytes(n)
        }
        1 => {
            b.truncate(rng.below(b.len() + 1));
            b
        }
        2 => {
            let extra = rng.below(32);
            b.extend(rng.bytes(extra));
            b
        }
        _ => {
            for _ in 0..=rng.below(4) {
                if !b.is_empty() {
                    let i = rng.below(b.len());
                    b[i] ^= 1 << rng.below(8);
                    if rng.below(3) == 0 {
                        b[i] = rng.next() as u8;
                    }
                }
            }
            b
        }
    }
}

#[test]
fn parsers_never_panic_on_random_or_mutated_bytes() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let samples = samples();
    let h = FileHandle([0, 0, 0, 1]);
    let chunk_lists =
        [vec![Chunk { handle: h, offset: 8, len: 4 }], vec![Chunk { handle: h, offset: 0, len: 0 }; 3], vec![]];
    let mut accepted = 0usize;
    for _ in 0..50_000 {
        let base = &samples[rng.below(samples.len())];
        let b = mutate(&mut rng, base);
        let results = [
            ResponseHeader::parse(&b).is_ok(),
            response::parse_error(&b).is_ok(),
            response::parse_redirect(&b).is_ok(),
            response::parse_wait(&b).is_ok(),
            response::parse_waitresp(&b).is_ok(),
            response::parse_attn(&b).is_ok(),
            response::status_extra_len(&b).is_ok(),
            handshake::parse_reply(&b).is_ok(),
            protocol::parse(&b).is_ok(),
            login::parse(&b).is_ok(),
            open::parse(&b).is_ok(),
            stat::parse(&b).is_ok(),
            dirlist::parse(&b, true).is_ok(),
            dirlist::parse(&b, false).is_ok(),
            readv::parse(&Bytes::from(b.clone()), &chunk_lists[rng.below(3)]).is_ok(),
            !query::parse_config(&b).is_empty(),
        ];
        accepted += results.iter().filter(|ok| **ok).count();
    }
    // Some mutations stay valid, most do not; the point is that none panicked.
    assert!(accepted > 0);
}

static PANICS: AtomicUsize = AtomicUsize::new(0);

/// A fake server: a correct handshake, protocol and login, then for the first request a few frames
/// (mutated, on the request's stream id or not), then it closes the connection.
async fn fake_server(listener: tokio::net::TcpListener, seed: u64) {
    let mut rng = Rng(seed);
    let samples = samples();
    while let Ok((mut s, _)) = listener.accept().await {
        let mut first = [0u8; 44];
        if s.read_exact(&mut first).await.is_err() {
            continue;
        }
        let mut out = vec![0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 5, 0x11, 0, 0, 0, 1];
        out.extend_from_slice(&[0, 1, 0, 0, 0, 0, 0, 8, 0, 0, 5, 0x11, 0, 0x30, 0, 1]);
        let _ = s.write_all(&out).await;
        let mut login = [0u8; 24];
        if s.read_exact(&mut login).await.is_err() {
            continue;
        }
        let dlen = u32::from_be_bytes([login[20], login[21], login[22], login[23]]) as usize;
        let mut cgi = vec![0u8; dlen.min(4096)];
        let _ = s.read_exact(&mut cgi).await;
        let mut reply = vec![0, 2, 0, 0, 0, 0, 0, 16];
        reply.extend_from_slice(&[7u8; 16]);
        let _ = s.write_all(&reply).await;
        let mut req = [0u8; 24];
        if s.read_exact(&mut req).await.is_err() {
            continue;
        }
        let dlen = u32::from_be_bytes([req[20], req[21], req[22], req[23]]) as usize;
        let mut payload = vec![0u8; dlen.min(1 << 20)];
        let _ = s.read_exact(&mut payload).await;
        let statuses = [0u16, 4000, 4001, 4002, 4003, 4004, 4005, 4006, 4007, 1234];
        let mut frames = Vec::new();
        for _ in 0..=rng.below(4) {
            let pick = rng.below(samples.len());
            let body = mutate(&mut rng, &samples[pick]);
            let stream = if rng.below(4) == 0 { [rng.next() as u8, 0] } else { [req[0], req[1]] };
            frames.extend_from_slice(&stream);
            frames.extend_from_slice(&statuses[rng.below(statuses.len())].to_be_bytes());
            let len = if rng.below(8) == 0 { rng.next() as u32 } else { body.len() as u32 };
            frames.extend_from_slice(&len.to_be_bytes());
            frames.extend_from_slice(&body);
        }
        let _ = s.write_all(&frames).await;
        let _ = s.shutdown().await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_survives_mutated_server_answers() {
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        default_hook(info);
    }));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(fake_server(listener, 0xDEAD_BEEF_1234_5678));
    let config = ClientConfig {
        connect_attempts: 1,
        connections_per_server: 1,
        max_redirects: 0,
        max_wait: Duration::ZERO,
        request_timeout: Duration::from_secs(2),
        connect_timeout: Duration::from_secs(2),
        ..Default::default()
    };
    let client = Client::new(config);
    let url = XrdUrl::parse(&format!("root://127.0.0.1:{port}//f.root")).unwrap();
    let (mut ok, mut err) = (0, 0);
    for i in 0..300 {
        let r = tokio::time::timeout(Duration::from_secs(10), async {
            if i % 2 == 0 { client.stat(&url).await.map(|_| ()) } else { client.dirlist(&url, true).await.map(|_| ()) }
        })
        .await
        .expect("the client hung on a mutated answer");
        match r {
            Ok(()) => ok += 1,
            Err(e) => {
                assert!(e.to_string().contains(&format!("127.0.0.1:{port}")), "error without the server: {e}");
                err += 1;
            }
        }
    }
    server.abort();
    eprintln!("{ok} answers accepted, {err} refused with an error");
    assert_eq!(PANICS.load(Ordering::SeqCst), 0, "a parser or the reader task panicked");
    assert_eq!(ok + err, 300);
}
