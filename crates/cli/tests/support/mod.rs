//! Helpers shared by the CLI integration tests: the repo root, `run(args)` through
//! `hadron_cli::run`, and the peers interpreter (a failure under `CI=true` when missing).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `hadron ARGS…` in-process: (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let mut argv = vec!["hadron".to_string()];
    argv.extend(args.iter().map(|s| s.to_string()));
    let (mut out, mut err) = (Vec::new(), Vec::new());
    let code = hadron_cli::run(&argv, &mut out, &mut err);
    (code, String::from_utf8_lossy(&out).into_owned(), String::from_utf8_lossy(&err).into_owned())
}

/// The peers interpreter (`HADRON_PYTHON` or the cached venv) if it exists and can import `modules`
/// (comma-separated; empty = existence only). Missing under `CI=true` is a failure, else a skip.
pub fn peers_python(modules: &str) -> Option<PathBuf> {
    let p = std::env::var_os("HADRON_PYTHON")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/hadron/venv/bin/python")))?;
    let ok = p.exists()
        && (modules.is_empty()
            || Command::new(&p)
                .args(["-c", &format!("import {modules}")])
                .env("TF_CPP_MIN_LOG_LEVEL", "3")
                .output()
                .is_ok_and(|o| o.status.success()));
    if ok {
        Some(p)
    } else if std::env::var("CI").as_deref() == Ok("true") {
        panic!("CI=true but the peers interpreter {} cannot import [{modules}] (run scripts/python-env)", p.display());
    } else {
        eprintln!("skipping: peers interpreter {} cannot import [{modules}] (run scripts/python-env)", p.display());
        None
    }
}
