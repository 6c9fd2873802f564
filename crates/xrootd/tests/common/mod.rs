//! tests/common: starts throw-away `xrootd` 5.5 servers on free loopback ports (read-only, no auth
//! unless asked), with the readiness check and clean-up; skips (or fails under `CI=true`) when the
//! `xrootd` binary is missing.
#![allow(dead_code)]

use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// The repository's `testdata/`.
pub fn testdata() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata").canonicalize().expect("testdata/")
}

/// Whether `xrootd` can be run; under `CI=true` a missing binary fails the test, otherwise the test
/// is skipped with the reason on stderr.
pub fn xrootd_available(test: &str) -> bool {
    let found = Command::new("xrootd").arg("-v").stdout(Stdio::null()).stderr(Stdio::null()).status().is_ok();
    if !found {
        let why = "the xrootd binary is not installed (Debian: apt-get install xrootd-server xrootd-client)";
        if std::env::var("CI").as_deref() == Ok("true") {
            panic!("{test}: {why}; CI=true requires it");
        }
        eprintln!("{test}: SKIPPED: {why}");
    }
    found
}

fn is_root() -> bool {
    Command::new("id").arg("-u").output().map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0").unwrap_or(false)
}

/// A port nobody listens on (right now).
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").and_then(|l| l.local_addr()).map(|a| a.port()).expect("free port")
}

/// A running `xrootd`; killed (and its work directory removed) on drop.
#[derive(Debug)]
pub struct Server {
    /// Its port.
    pub port: u16,
    /// The exported directory (`oss.localroot`).
    pub data: PathBuf,
    extra: String,
    work: tempfile::TempDir,
    _copy: Option<tempfile::TempDir>,
    child: Option<Child>,
}

impl Server {
    /// Starts a server exporting `data` read-only, with `extra` config lines, on a free port.
    pub fn start(data: &Path, extra: &str) -> Server {
        Server::start_on(free_port(), data, extra)
    }

    /// Starts a server on `port`.
    pub fn start_on(port: u16, data: &Path, extra: &str) -> Server {
        let work = tempfile::Builder::new().prefix("hadron-xrd").tempdir().expect("work dir");
        // As root the server runs as the `xrootd` user: when it cannot reach `data` (a clone under a
        // private home), it exports an identical copy instead.
        let copy = (is_root() && !reachable_by_others(data)).then(|| copy_tree(data));
        let exported = copy.as_ref().map(|c| c.path().to_path_buf()).unwrap_or_else(|| data.to_path_buf());
        let mut s = Server { port, data: exported, extra: extra.to_string(), work, _copy: copy, child: None };
        s.launch();
        s
    }

    fn launch(&mut self) {
        let w = self.work.path();
        for d in ["admin", "run", "logs"] {
            std::fs::create_dir_all(w.join(d)).expect("work dirs");
        }
        let cfg = format!(
            "xrd.port {port}\nxrd.network nodnr\nxrd.allow host localhost\nxrd.allow host 127.0.0.1\n\
             all.export / r/o\noss.localroot {data}\nall.adminpath {w}/admin\nall.pidpath {w}/run\n{extra}\n",
            port = self.port,
            data = self.data.display(),
            w = w.display(),
            extra = self.extra,
        );
        std::fs::write(w.join("xrootd.cfg"), cfg).expect("config");
        let mut cmd = Command::new("xrootd");
        if is_root() {
            // xrootd refuses to run as root; it switches to the Debian package's user.
            let _ = Command::new("chown").arg("-R").arg("xrootd:xrootd").arg(w).status();
            let _ = Command::new("chmod").arg("755").arg(w).status();
            cmd.args(["-R", "xrootd"]);
        }
        let log = w.join("logs/xrootd.log");
        let child = cmd
            .arg("-c")
            .arg(w.join("xrootd.cfg"))
            .arg("-l")
            .arg(&log)
            .args(["-n", "t"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn xrootd");
        self.child = Some(child);
        let started = Instant::now();
        let logfile = w.join("logs/t/xrootd.log");
        loop {
            let text = std::fs::read_to_string(&logfile).unwrap_or_default();
            let ready =
                text.contains("initialization completed") && TcpStream::connect(("127.0.0.1", self.port)).is_ok();
            if ready {
                return;
            }
            if let Some(Ok(Some(status))) = self.child.as_mut().map(|c| c.try_wait()) {
                panic!("xrootd exited ({status}) on port {}:\n{text}", self.port);
            }
            if started.elapsed() > Duration::from_secs(20) {
                panic!("xrootd on port {} not ready after 20 s:\n{text}", self.port);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// `root://127.0.0.1:PORT//path`.
    pub fn url(&self, path: &str) -> String {
        format!("root://127.0.0.1:{}//{}", self.port, path.trim_start_matches('/'))
    }

    /// Kills the server (SIGKILL) and waits for it.
    pub fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
        // A fresh log for the next start's readiness check.
        let _ = std::fs::remove_file(self.work.path().join("logs/t/xrootd.log"));
    }

    /// Starts it again on the same port.
    pub fn restart(&mut self) {
        self.kill();
        self.launch();
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.kill();
    }
}

/// Whether every directory from `/` down to `dir` lets others through (mode o+x).
fn reachable_by_others(dir: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    dir.ancestors().all(|d| std::fs::metadata(d).is_ok_and(|m| m.permissions().mode() & 0o001 != 0))
}

/// A world-readable copy of the tree `src` in a fresh temporary directory.
fn copy_tree(src: &Path) -> tempfile::TempDir {
    let dst = shared_tempdir();
    let mut stack = vec![src.to_path_buf()];
    while let Some(d) = stack.pop() {
        let target = dst.path().join(d.strip_prefix(src).expect("inside src"));
        std::fs::create_dir_all(&target).expect("mkdir");
        let _ = Command::new("chmod").arg("755").arg(&target).status();
        for e in std::fs::read_dir(&d).expect("read_dir").flatten() {
            if e.path().is_dir() {
                stack.push(e.path());
            } else {
                std::fs::copy(e.path(), target.join(e.file_name())).expect("copy");
            }
        }
    }
    dst
}

/// A directory the `xrootd` user can read: `tempfile` makes 0700 directories.
pub fn shared_tempdir() -> tempfile::TempDir {
    let d = tempfile::Builder::new().prefix("hadron-xrd-data").tempdir().expect("temp dir");
    let _ = Command::new("chmod").arg("755").arg(d.path()).status();
    d
}

/// Deterministic pseudo-random bytes (xorshift64*).
pub fn pseudo_random(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x >> 12;
            x ^= x << 25;
            x ^= x >> 27;
            (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8
        })
        .collect()
}

/// A TCP proxy in front of a server that can cut its connections after a number of bytes sent to
/// the client (to drop a connection in the middle of an answer).
#[derive(Debug)]
pub struct Proxy {
    /// Its port.
    pub port: u16,
    cuts: std::sync::Arc<std::sync::Mutex<Vec<u64>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Proxy {
    /// Starts a proxy to `127.0.0.1:target`.
    pub async fn start(target: u16) -> Proxy {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let port = listener.local_addr().expect("addr").port();
        let cuts: std::sync::Arc<std::sync::Mutex<Vec<u64>>> = Default::default();
        let cuts2 = cuts.clone();
        let task = tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let Ok(server) = tokio::net::TcpStream::connect(("127.0.0.1", target)).await else { continue };
                let cuts = cuts2.clone();
                tokio::spawn(async move {
                    let (mut cr, mut cw) = client.into_split();
                    let (mut sr, mut sw) = server.into_split();
                    let up = tokio::spawn(async move {
                        let _ = tokio::io::copy(&mut cr, &mut sw).await;
                    });
                    let mut buf = vec![0u8; 64 * 1024];
                    let mut sent_since_armed = 0u64;
                    loop {
                        let n = match sr.read(&mut buf).await {
                            Ok(0) | Err(_) => break,
                            Ok(n) => n,
                        };
                        let limit = cuts.lock().unwrap().first().copied();
                        if let Some(limit) = limit {
                            if sent_since_armed + n as u64 > limit {
                                let keep = (limit - sent_since_armed) as usize;
                                let _ = cw.write_all(&buf[..keep]).await;
                                cuts.lock().unwrap().remove(0);
                                break;
                            }
                            sent_since_armed += n as u64;
                        }
                        if cw.write_all(&buf[..n]).await.is_err() {
                            break;
                        }
                    }
                    up.abort();
                });
            }
        });
        Proxy { port, cuts, task }
    }

    /// Cuts the next connection that sends `n` more bytes to the client.
    pub fn cut_after(&self, n: u64) {
        self.cuts.lock().unwrap().push(n);
    }

    /// Queues a second cut (applied to a later connection, after the first one fired).
    pub fn cut_again_after(&self, n: u64) {
        self.cuts.lock().unwrap().push(n);
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        self.task.abort();
    }
}
