//! Against real `xrootd` 5.5 servers on loopback: every ROOT fixture read over `root://` gives the same
//! bytes and Arrow data as the local file; vector reads are coalesced, split and clamped; stat and
//! listing; errors name server, path and code; redirects (followed, and a loop stopped at 16); unix
//! authentication; a server killed and restarted in the middle of a scan.

mod common;

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use common::{Server, free_port, pseudo_random, shared_tempdir, testdata, xrootd_available};
use futures::TryStreamExt;
use hadron_root::RootFile;
use hadron_root::arrow::ReadOptions;
use hadron_root::bytes::ObjectStoreSource;
use hadron_root::{Directory, TableReader};
use hadron_xrootd::{Client, ClientConfig, Error, XrdUrl, XrootdStore};
use object_store::path::Path as ObjPath;
use object_store::{ObjectStore, ObjectStoreExt};

fn root_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "root") {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// Tree and RNTuple paths of a file (every directory level).
async fn tables(file: &RootFile) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack: Vec<Directory> = vec![file.root_directory().clone()];
    while let Some(dir) = stack.pop() {
        for key in &dir.keys {
            let path = if dir.path.is_empty() { key.path_name() } else { format!("{}/{}", dir.path, key.path_name()) };
            if key.is_directory() {
                stack.push(file.subdirectory(&dir, key).await.expect("subdirectory"));
            } else if hadron_root::tree::is_tree_class(&key.class_name)
                || hadron_root::rntuple::ANCHOR_CLASSES.contains(&key.class_name.as_str())
            {
                out.push(path);
            }
        }
    }
    out
}

/// Every batch of `table`, or the error (with the file name replaced, so local and remote compare).
async fn read_all(file: &RootFile, table: &str) -> Result<Vec<arrow_array::RecordBatch>, String> {
    let options = ReadOptions { batch_size: 1000, ..Default::default() };
    let err = |e: hadron_root::Error| e.to_string().replace(file.name(), "<file>");
    let mut reader = TableReader::open(file, table, &options).await.map_err(err)?;
    let mut out = Vec::new();
    while let Some(b) = reader.next_batch().await.map_err(err)? {
        out.push(b);
    }
    Ok(out)
}

async fn remote_file(store: &Arc<XrootdStore>, rel: &str) -> RootFile {
    let url = store.url(&ObjPath::from(rel)).to_string();
    let source = ObjectStoreSource::open(store.clone(), ObjPath::from(rel), url).await.expect("open over root://");
    RootFile::open(Arc::new(source)).await.expect("ROOT file over root://")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_fixture_reads_the_same_over_root_as_locally() {
    if !xrootd_available("every_fixture_reads_the_same_over_root_as_locally") {
        return;
    }
    let data = testdata();
    let server = Server::start(&data, "");
    let (store, _) = XrootdStore::from_url(&server.url("/")).unwrap();
    let store = Arc::new(store);
    let (mut files, mut compared) = (0, 0);
    for path in root_files(&data) {
        let rel = path.strip_prefix(&data).unwrap().to_string_lossy().into_owned();
        // Whole-file bytes.
        let got = store.get(&ObjPath::from(rel.as_str())).await.unwrap().bytes().await.unwrap();
        assert_eq!(got, std::fs::read(&path).unwrap(), "{rel}: bytes differ");
        // Arrow data of every tree / RNTuple.
        let local = RootFile::open_path(&path).await.unwrap();
        let remote = remote_file(&store, &rel).await;
        for table in tables(&local).await {
            let (a, b) = (read_all(&local, &table).await, read_all(&remote, &table).await);
            assert_eq!(a, b, "{rel}:{table}: root:// reading differs from the local one");
            compared += usize::from(a.is_ok());
        }
        files += 1;
    }
    eprintln!("{files} fixture files, {compared} tables read identically over root://");
    assert_eq!(files, 15, "fixture count changed");
    // nested.root's tree is Unsupported locally too (same error both ways, checked above).
    assert!(compared >= 14, "only {compared} tables compared");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn get_ranges_coalesces_splits_and_clamps() {
    if !xrootd_available("get_ranges_coalesces_splits_and_clamps") {
        return;
    }
    let dir = shared_tempdir();
    let big = pseudo_random(5_000_000, 7);
    std::fs::write(dir.path().join("big.bin"), &big).unwrap();
    let server = Server::start(dir.path(), "");
    let loc = ObjPath::from("big.bin");
    let slice = |r: &std::ops::Range<u64>| &big[r.start as usize..r.end.min(big.len() as u64) as usize];

    // 300 small ranges 1000 bytes apart: one merged range, one kXR_readv, one chunk.
    let (store, _) = XrootdStore::from_url(&server.url("/big.bin")).unwrap();
    let ranges: Vec<_> = (0..300u64).map(|i| i * 1000..i * 1000 + 100).collect();
    let got = store.get_ranges(&loc, &ranges).await.unwrap();
    for (r, g) in ranges.iter().zip(&got) {
        assert_eq!(&g[..], slice(r));
    }
    let s = store.client().stats();
    assert_eq!((s.readvs, s.readv_chunks, s.reads), (1, 1, 0), "{s:?}");

    // Without merging (gap 0): 300 chunks, still one kXR_readv; 2000 ranges need two (1024 per request).
    let (store, _) = XrootdStore::from_url(&server.url("/big.bin")).unwrap();
    let store = store.with_coalesce_gap(0);
    store.get_ranges(&loc, &ranges).await.unwrap();
    assert_eq!((store.client().stats().readvs, store.client().stats().readv_chunks), (1, 300));
    let many: Vec<_> = (0..2000u64).map(|i| i * 2000..i * 2000 + 10).collect();
    let got = store.get_ranges(&loc, &many).await.unwrap();
    assert!(many.iter().zip(&got).all(|(r, g)| &g[..] == slice(r)));
    assert_eq!((store.client().stats().readvs, store.client().stats().readv_chunks), (3, 2300));

    // A 4.5 MB range is cut into chunks of ≤ 2,097,136 bytes; a range past the end is clamped.
    let (store, _) = XrootdStore::from_url(&server.url("/big.bin")).unwrap();
    let ranges = vec![100..4_500_100, 4_999_990..5_000_500];
    let got = store.get_ranges(&loc, &ranges).await.unwrap();
    assert_eq!(&got[0][..], slice(&ranges[0]));
    assert_eq!(&got[1][..], &big[4_999_990..]);
    let s = store.client().stats();
    assert_eq!(s.readv_chunks, 4, "{s:?}");
    // get_range and whole get.
    assert_eq!(&store.get_range(&loc, 10..20).await.unwrap()[..], &big[10..20]);
    assert_eq!(store.get(&loc).await.unwrap().bytes().await.unwrap(), big);

    // A whole-file read in 1 MiB pieces, 3 in flight over 4 connections, arrives complete and in order.
    let config = ClientConfig { read_chunk: 1 << 20, max_in_flight: 3, ..Default::default() };
    let store = XrootdStore::new(hadron_xrootd::Endpoint::new("127.0.0.1", server.port), Client::new(config));
    assert_eq!(store.get(&loc).await.unwrap().bytes().await.unwrap(), big);
    let got = store
        .get_opts(&loc, object_store::GetOptions { range: Some((1_000_000..4_200_000).into()), ..Default::default() });
    assert_eq!(got.await.unwrap().bytes().await.unwrap(), &big[1_000_000..4_200_000]);
    let s = store.client().stats();
    assert_eq!(s.reads, 5 + 4, "{s:?}");
    assert!(s.connections >= 2, "{s:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stat_and_list() {
    if !xrootd_available("stat_and_list") {
        return;
    }
    let data = testdata();
    let server = Server::start(&data, "");
    let (store, _) = XrootdStore::from_url(&server.url("/")).unwrap();
    let meta = store.head(&ObjPath::from("compression/zlib-1.root")).await.unwrap();
    assert_eq!(meta.size, std::fs::metadata(data.join("compression/zlib-1.root")).unwrap().len());
    assert!(meta.e_tag.is_some());
    let err = store.head(&ObjPath::from("compression")).await.unwrap_err();
    assert!(matches!(err, object_store::Error::NotFound { .. }), "{err}");

    // Recursive list = every file under testdata/.
    let mut want = BTreeSet::new();
    let mut stack = vec![data.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                want.insert(e.path().strip_prefix(&data).unwrap().to_string_lossy().into_owned());
            }
        }
    }
    let listed: Vec<_> = store.list(None).try_collect().await.unwrap();
    let got: BTreeSet<String> = listed.iter().map(|m| m.location.to_string()).collect();
    assert_eq!(got, want);
    for m in &listed {
        assert_eq!(m.size, std::fs::metadata(data.join(m.location.as_ref())).unwrap().len(), "{}", m.location);
    }
    let sub: Vec<_> = store.list(Some(&ObjPath::from("compression"))).try_collect().await.unwrap();
    assert_eq!(sub.len(), 11);
    let top = store.list_with_delimiter(None).await.unwrap();
    assert_eq!(top.common_prefixes, vec![ObjPath::from("compression")]);
    assert!(top.objects.iter().any(|m| m.location.as_ref() == "nanoaod_like.root"));
    let none: Vec<_> = store.list(Some(&ObjPath::from("no/such/dir"))).try_collect().await.unwrap();
    assert!(none.is_empty());

    // Globs.
    let client = store.client().clone();
    let url = XrdUrl::parse(&server.url("/compression/zlib-*.root")).unwrap();
    let found = hadron_xrootd::glob::expand(&client, &url).await.unwrap();
    let names: Vec<String> = found.iter().map(|u| u.path.clone()).collect();
    assert_eq!(names, ["/compression/zlib-1.root", "/compression/zlib-6.root", "/compression/zlib-9.root"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn errors_name_server_path_and_code() {
    if !xrootd_available("errors_name_server_path_and_code") {
        return;
    }
    let dir = shared_tempdir();
    std::fs::write(dir.path().join("secret.bin"), b"no").unwrap();
    std::fs::write(dir.path().join("open.bin"), b"yes").unwrap();
    let mut perms = std::fs::metadata(dir.path().join("secret.bin")).unwrap().permissions();
    std::os::unix::fs::PermissionsExt::set_mode(&mut perms, 0o000);
    std::fs::set_permissions(dir.path().join("secret.bin"), perms).unwrap();
    let server = Server::start(dir.path(), "");
    let (store, _) = XrootdStore::from_url(&server.url("/")).unwrap();
    let host = format!("root://127.0.0.1:{}", server.port);

    // Missing file.
    let err = store.get(&ObjPath::from("nope.root")).await.unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, object_store::Error::NotFound { .. }), "{msg}");
    assert!(
        msg.contains(&format!("{host}//nope.root")) && msg.contains("3011") && msg.contains("kXR_NotFound"),
        "{msg}"
    );

    // Permission denied (the server runs as another user, or the file is mode 000 for a non-root one).
    let is_root = std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    if is_root {
        let err = store.get(&ObjPath::from("secret.bin")).await.unwrap_err();
        let msg = err.to_string();
        assert!(matches!(err, object_store::Error::PermissionDenied { .. }), "{msg}");
        assert!(msg.contains(&format!("{host}//secret.bin")) && msg.contains("3010"), "{msg}");
    }
    assert_eq!(&store.get(&ObjPath::from("open.bin")).await.unwrap().bytes().await.unwrap()[..], b"yes");

    // Writes.
    let err = store.put(&ObjPath::from("new.bin"), b"x".to_vec().into()).await.unwrap_err();
    assert!(matches!(err, object_store::Error::NotSupported { .. }) && err.to_string().contains("read-only"), "{err}");

    // Refused port.
    let port = free_port();
    let client = Client::new(ClientConfig { connect_attempts: 1, ..Default::default() });
    let err = client.stat(&XrdUrl::parse(&format!("root://127.0.0.1:{port}//x.root")).unwrap()).await.unwrap_err();
    let msg = err.to_string();
    assert!(
        matches!(&err, Error::Io { source, .. } if source.kind() == std::io::ErrorKind::ConnectionRefused),
        "{msg}"
    );
    assert!(msg.contains(&format!("root://127.0.0.1:{port}//x.root")) && msg.contains("connecting"), "{msg}");

    // Unreachable host: a name that cannot resolve, and an address nobody answers (short timeout).
    let err = client.stat(&XrdUrl::parse("root://no-such-host.invalid:1094//x.root").unwrap()).await.unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("root://no-such-host.invalid:1094") && msg.contains("connecting"), "{msg}");
    let quick = Client::new(ClientConfig { connect_timeout: Duration::from_secs(2), ..Default::default() });
    let err = quick.stat(&XrdUrl::parse("root://192.0.2.1:1094//x.root").unwrap()).await.unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("root://192.0.2.1:1094") && msg.contains("connecting"), "{msg}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn redirects_are_followed_and_loops_stopped() {
    if !xrootd_available("redirects_are_followed_and_loops_stopped") {
        return;
    }
    let data = testdata();
    let target = Server::start(&data, "");
    let empty = shared_tempdir();
    let redirect = format!(
        "xrootd.redirect 127.0.0.1:{p} /\nxrootd.redirect 127.0.0.1:{p} stat dirlist locate\n",
        p = target.port
    );
    let redirector = Server::start(empty.path(), &redirect);
    let (store, loc) = XrootdStore::from_url(&redirector.url("/nanoaod_like.root")).unwrap();
    let got = store.get(&loc).await.unwrap().bytes().await.unwrap();
    assert_eq!(got, std::fs::read(data.join("nanoaod_like.root")).unwrap());
    let meta = store.head(&loc).await.unwrap();
    assert_eq!(meta.size, got.len() as u64);
    let file = store.open(&loc).await.unwrap();
    assert_eq!(file.data_server().port, target.port);
    assert!(store.client().stats().redirects >= 2, "{:?}", store.client().stats());
    let remote = remote_file(&Arc::new(store), "nanoaod_like.root").await;
    let local = RootFile::open_path(data.join("nanoaod_like.root")).await.unwrap();
    assert_eq!(read_all(&remote, "Events").await, read_all(&local, "Events").await);

    // A server that redirects to itself: stopped after 16 hops with a clear error.
    let port = free_port();
    let looping = Server::start_on(port, empty.path(), &format!("xrootd.redirect 127.0.0.1:{port} /\n"));
    let client = Client::default();
    let err = client.open(&XrdUrl::parse(&looping.url("/a.root")).unwrap()).await.unwrap_err();
    assert!(matches!(err, Error::TooManyRedirects { limit: 16, .. }), "{err}");
    assert!(err.to_string().contains("more than 16 redirects"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unix_authentication() {
    if !xrootd_available("unix_authentication") {
        return;
    }
    let server = Server::start(&testdata(), "xrootd.seclib libXrdSec.so\nsec.protocol unix\n");
    let client = Client::default();
    let url = XrdUrl::parse(&server.url("/nested.root")).unwrap();
    let s = client.stat(&url).await.unwrap();
    assert_eq!(s.size, std::fs::metadata(testdata().join("nested.root")).unwrap().len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn server_killed_and_restarted_mid_scan() {
    if !xrootd_available("server_killed_and_restarted_mid_scan") {
        return;
    }
    let data = testdata();
    let want = std::fs::read(data.join("nanoaod_like.root")).unwrap();
    let mut server = Server::start(&data, "");
    let (store, loc) = XrootdStore::from_url(&server.url("/nanoaod_like.root")).unwrap();
    let store = Arc::new(store);

    // A byte scan in 16 KiB steps; the server dies and comes back in the middle: reads are retried once
    // on a new connection and the bytes are exact.
    let step = 16 * 1024u64;
    let mut got = Vec::new();
    let mut at = 0u64;
    while at < want.len() as u64 {
        if at == 10 * step {
            server.restart();
        }
        let end = (at + step).min(want.len() as u64);
        got.extend_from_slice(&store.get_range(&loc, at..end).await.unwrap());
        at = end;
    }
    assert_eq!(got, want);
    let s = store.client().stats();
    assert!(s.connections > 1, "no reconnect after the restart: {s:?}");

    // A table scan across a restart gives the local data (or fails clearly, never wrong data).
    let local = RootFile::open_path(data.join("nanoaod_like.root")).await.unwrap();
    let remote = remote_file(&store, "nanoaod_like.root").await;
    let options = ReadOptions { batch_size: 500, ..Default::default() };
    let mut a = TableReader::open(&local, "Events", &options).await.unwrap();
    let mut b = TableReader::open(&remote, "Events", &options).await.unwrap();
    let mut n = 0;
    while let Some(x) = a.next_batch().await.unwrap() {
        if n == 2 {
            server.restart();
        }
        match b.next_batch().await {
            Ok(Some(y)) => assert_eq!(x, y, "batch {n} differs after a restart"),
            Ok(None) => panic!("remote scan ended early at batch {n}"),
            Err(e) => {
                let msg = e.to_string();
                assert!(msg.contains(&format!("127.0.0.1:{}", server.port)), "unclear error: {msg}");
                break;
            }
        }
        n += 1;
    }

    // Server gone for good: a clear error naming the server, not a hang or wrong data.
    server.kill();
    let fresh = Client::new(ClientConfig { connect_attempts: 2, ..Default::default() });
    let store = XrootdStore::new(hadron_xrootd::Endpoint::new("127.0.0.1", server.port), fresh);
    let err = store.get_range(&loc, 0..100).await.unwrap_err().to_string();
    assert!(err.contains(&format!("root://127.0.0.1:{}", server.port)) && err.contains("refused"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connection_dropped_mid_read_is_retried_once() {
    if !xrootd_available("connection_dropped_mid_read_is_retried_once") {
        return;
    }
    let dir = shared_tempdir();
    let big = pseudo_random(6_000_000, 11);
    std::fs::write(dir.path().join("big.bin"), &big).unwrap();
    let server = Server::start(dir.path(), "");
    let proxy = common::Proxy::start(server.port).await;
    let client = Client::new(ClientConfig { connections_per_server: 1, ..Default::default() });
    let store = XrootdStore::new(hadron_xrootd::Endpoint::new("127.0.0.1", proxy.port), client);
    let loc = ObjPath::from("big.bin");
    assert_eq!(&store.get_range(&loc, 0..10).await.unwrap()[..], &big[..10]);
    // Cut the connection after 1 MB of the next answer: the read is retried on a new connection.
    proxy.cut_after(1_000_000);
    let got = store.get(&loc).await.unwrap().bytes().await.unwrap();
    assert_eq!(got, big);
    let s = store.client().stats();
    assert_eq!((s.retries, s.connections), (1, 2), "{s:?}");
    // The same for a vector read.
    proxy.cut_after(500_000);
    let ranges = vec![0..1_000_000, 2_000_000..3_000_000, 5_999_000..6_000_000];
    let got = store.get_ranges(&loc, &ranges).await.unwrap();
    for (r, g) in ranges.iter().zip(&got) {
        assert_eq!(&g[..], &big[r.start as usize..r.end as usize]);
    }
    assert_eq!(store.client().stats().retries, 2);
    // Two cuts in one read: only one retry, then a clear error naming the server and the path.
    proxy.cut_after(100_000);
    proxy.cut_again_after(100_000);
    let err = store.get_range(&loc, 0..3_000_000).await.unwrap_err().to_string();
    assert!(err.contains(&format!("root://127.0.0.1:{}//big.bin", proxy.port)), "{err}");
}
