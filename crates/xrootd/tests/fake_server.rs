//! Answers a 5.5 server rarely gives on loopback, from a scripted fake server: `kXR_wait` (the request
//! is resent after the delay), `kXR_waitresp` + `kXR_attn`/`kXR_asynresp` (the deferred answer is
//! routed by its embedded stream id), `kXR_oksofar` parts glued in order, and answers to two requests
//! in flight coming back in reverse order.

use std::time::{Duration, Instant};

use hadron_xrootd::{Client, ClientConfig, XrdUrl};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn frame(stream: [u8; 2], status: u16, body: &[u8]) -> Vec<u8> {
    let mut f = stream.to_vec();
    f.extend_from_slice(&status.to_be_bytes());
    f.extend_from_slice(&(body.len() as u32).to_be_bytes());
    f.extend_from_slice(body);
    f
}

async fn read_request(s: &mut TcpStream) -> ([u8; 2], u16, Vec<u8>) {
    let mut h = [0u8; 24];
    s.read_exact(&mut h).await.unwrap();
    let mut payload = vec![0u8; u32::from_be_bytes([h[20], h[21], h[22], h[23]]) as usize];
    s.read_exact(&mut payload).await.unwrap();
    ([h[0], h[1]], u16::from_be_bytes([h[2], h[3]]), payload)
}

async fn setup(s: &mut TcpStream) {
    let mut first = [0u8; 44];
    s.read_exact(&mut first).await.unwrap();
    let mut out = vec![0, 0, 0, 0, 0, 0, 0, 8, 0, 0, 5, 0x11, 0, 0, 0, 1];
    out.extend(frame([0, 1], 0, &[0, 0, 5, 0x11, 0, 0x30, 0, 1]));
    s.write_all(&out).await.unwrap();
    let (sid, _, _) = read_request(s).await;
    s.write_all(&frame(sid, 0, &[9u8; 16])).await.unwrap();
}

const STAT: &[u8] = b"1 4242 16 1795970419\0";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wait_waitresp_attn_oksofar_and_out_of_order_answers() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let server = tokio::spawn(async move {
        let (mut s, _) = listener.accept().await.unwrap();
        setup(&mut s).await;
        // 1. stat: kXR_wait 1 s, then (on the resend) the answer.
        let (sid, code, _) = read_request(&mut s).await;
        assert_eq!(code, 3017);
        s.write_all(&frame(sid, 4005, &1i32.to_be_bytes())).await.unwrap();
        let (sid, code, _) = read_request(&mut s).await;
        assert_eq!(code, 3017);
        s.write_all(&frame(sid, 0, STAT)).await.unwrap();
        // 2. stat: kXR_waitresp, then the answer inside kXR_attn (kXR_asynresp).
        let (sid, _, _) = read_request(&mut s).await;
        s.write_all(&frame(sid, 4006, &5i32.to_be_bytes())).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
        let mut attn = 5008i32.to_be_bytes().to_vec();
        attn.extend_from_slice(&[0; 4]);
        attn.extend(frame(sid, 0, STAT));
        s.write_all(&frame([0, 0], 4001, &attn)).await.unwrap();
        // 3. dirlist in three kXR_oksofar/kXR_ok parts.
        let (sid, code, _) = read_request(&mut s).await;
        assert_eq!(code, 3004);
        let mut out = frame(sid, 4000, b".\n0 0 0 0\na.root\n1 10 16 5\n");
        out.extend(frame(sid, 4000, b"b.root\n2 20 16 6\n"));
        out.extend(frame(sid, 0, b"c\n3 4096 18 7\n\0"));
        s.write_all(&out).await.unwrap();
        // 4. two stats in flight, answered in reverse order with different sizes.
        let (a, _, pa) = read_request(&mut s).await;
        let (b, _, pb) = read_request(&mut s).await;
        let size = |p: &[u8]| if p.ends_with(b"/one") { "1 1 16 1\0" } else { "2 2 16 2\0" };
        s.write_all(&frame(b, 0, size(&pb).as_bytes())).await.unwrap();
        s.write_all(&frame(a, 0, size(&pa).as_bytes())).await.unwrap();
        tokio::time::sleep(Duration::from_millis(200)).await;
    });
    let client = Client::new(ClientConfig { connections_per_server: 1, ..Default::default() });
    let url = |p: &str| XrdUrl::parse(&format!("root://127.0.0.1:{port}/{p}")).unwrap();

    let t = Instant::now();
    assert_eq!(client.stat(&url("/f")).await.unwrap().size, 4242);
    assert!(t.elapsed() >= Duration::from_secs(1), "kXR_wait not honoured");
    assert_eq!(client.stats().waits, 1);

    assert_eq!(client.stat(&url("/f")).await.unwrap().size, 4242);

    let entries = client.dirlist(&url("/d"), true).await.unwrap();
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["a.root", "b.root", "c"]);
    assert!(entries[2].stat.as_ref().unwrap().is_dir());

    let (u1, u2) = (url("/one"), url("/two"));
    let (one, two) = tokio::join!(client.stat(&u1), client.stat(&u2));
    assert_eq!((one.unwrap().size, two.unwrap().size), (1, 2));
    server.await.unwrap();
}
