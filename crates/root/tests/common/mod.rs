//! tests/common: shared code of the conformance tests (`conformance.rs`, `fixtures.rs`): the
//! canonical form of Arrow arrays, the Python peers (uproot, ROOT) and their cached answers, the
//! branch-by-branch comparison, and the summary.
#![allow(dead_code)]

pub mod canonical;
pub mod harness;
pub mod peers;
pub mod reference;
pub mod report;

use std::path::Path;

/// Computes (or loads from cache) uproot's reference for `file` and compares hadron against it.
pub fn conformance_of(rt: &tokio::runtime::Runtime, python: &Path, file: &Path, base: &Path) -> harness::FileReport {
    let name = file.strip_prefix(base).unwrap_or(file).display().to_string();
    let reference =
        peers::cached_json(python, "uproot_reference.py", file, &["--all"]).and_then(|json| reference::parse(&json));
    let start = std::time::Instant::now();
    let mut report = rt.block_on(harness::check_file(file, &name, reference, Some(python)));
    report.seconds = start.elapsed().as_secs_f64();
    report
}
