//! tests/common: the conformance summary (per-file table, totals, failures, unsupported reasons),
//! written straight to stderr so that it shows even when the test passes (cargo captures only
//! the print macros).

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;

use super::harness::{FileReport, Outcome};

/// Writes a line to stderr, bypassing the test harness's capture.
pub fn note(msg: &str) {
    let _ = writeln!(std::io::stderr(), "{msg}");
}

/// Totals over all files.
#[derive(Debug, Default, Clone, Copy)]
pub struct Totals {
    /// Branches uproot reads.
    pub total: usize,
    /// ... of which hadron matches.
    pub matched: usize,
    /// ... of which hadron says unsupported.
    pub unsupported: usize,
    /// ... of which hadron fails or differs.
    pub failed: usize,
    /// Branches uproot cannot read (not counted in `total`).
    pub uproot_cannot: usize,
    /// Files whose reference could not be made.
    pub reference_errors: usize,
}

impl Totals {
    /// matched / total (0 when nothing was compared).
    pub fn ratio(&self) -> f64 {
        if self.total == 0 { 0.0 } else { self.matched as f64 / self.total as f64 }
    }
}

/// The summary text and totals of a run.
pub fn summarize(title: &str, reports: &[FileReport]) -> (String, Totals) {
    let mut out = String::new();
    let mut t = Totals::default();
    let _ = writeln!(out, "\n=== {title} ===");
    let width = reports.iter().map(|r| r.name.len()).max().unwrap_or(4).clamp(4, 60);
    let _ = writeln!(
        out,
        "{:<width$}  {:>5}  {:>11}  {:>6}  {:>6}  {:>8}",
        "file", "trees", "read/total", "unsup", "failed", "uproot✗"
    );
    for r in reports {
        let (m, u, f, k) = r.counts();
        t.matched += m;
        t.unsupported += u;
        t.failed += f;
        t.uproot_cannot += k;
        t.total += m + u + f;
        let note = match &r.reference_error {
            Some(e) => {
                t.reference_errors += 1;
                format!("  REFERENCE ERROR: {}", e.lines().next().unwrap_or_default())
            }
            None => String::new(),
        };
        let _ = writeln!(
            out,
            "{:<width$}  {:>5}  {:>11}  {:>6}  {:>6}  {:>8}{note}",
            r.name,
            r.trees,
            format!("{m}/{}", m + u + f),
            u,
            f,
            k
        );
    }
    let _ = writeln!(
        out,
        "\nhadron matches uproot on {} of {} branches ({} unsupported, {} failed); {:.1}%; uproot itself cannot read {} more",
        t.matched,
        t.total,
        t.unsupported,
        t.failed,
        100.0 * t.ratio(),
        t.uproot_cannot
    );

    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut failures = Vec::new();
    let mut root_arbitrated = Vec::new();
    for r in reports {
        for (tree, branch, typename, o) in &r.branches {
            match o {
                Outcome::Unsupported(why) => *reasons.entry(reason_key(why)).or_default() += 1,
                Outcome::Failed(why) => failures.push(format!("{}:{tree}/{branch} ({typename}): {why}", r.name)),
                Outcome::MatchRoot(_) => root_arbitrated.push(format!("{}:{tree}/{branch} ({typename})", r.name)),
                _ => {}
            }
        }
    }
    if !root_arbitrated.is_empty() {
        let _ = writeln!(
            out,
            "\nuproot's values differ but hadron equals ROOT's own on {} branches (counted as matched): {}",
            root_arbitrated.len(),
            root_arbitrated.iter().take(12).cloned().collect::<Vec<_>>().join(", ")
        );
    }
    let mut slow: Vec<&FileReport> = reports.iter().collect();
    slow.sort_by(|a, b| b.seconds.total_cmp(&a.seconds));
    let slowest: Vec<String> = slow.iter().take(5).map(|r| format!("{} {:.1}s", r.name, r.seconds)).collect();
    let _ = writeln!(out, "slowest files: {}", slowest.join(", "));
    if !reasons.is_empty() {
        let mut sorted: Vec<_> = reasons.into_iter().collect();
        sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        let _ = writeln!(out, "\nunsupported (top reasons):");
        for (why, n) in sorted.iter().take(25) {
            let _ = writeln!(out, "  {n:>6}  {why}");
        }
    }
    if !failures.is_empty() {
        let _ = writeln!(out, "\nfailures ({}; first 60):", failures.len());
        for f in failures.iter().take(60) {
            let _ = writeln!(out, "  {f}");
        }
    }
    (out, t)
}

/// The part of an "unsupported" message that names what, without file and object locations.
fn reason_key(why: &str) -> String {
    let what = why.rsplit_once("not supported: ").map(|(_, w)| w).unwrap_or(why);
    let what: String = what.chars().take(120).collect();
    what
}

/// Writes the summary to stderr and to `<cache>/NAME.txt` (with every failure, for inspection).
pub fn publish(name: &str, summary: &str, reports: &[FileReport]) {
    note(summary);
    let dir = super::peers::cache_dir();
    let mut full = summary.to_string();
    let _ = writeln!(full, "\nall failures and unsupported branches:");
    for r in reports {
        if let Some(e) = &r.reference_error {
            let _ = writeln!(full, "{}: REFERENCE ERROR: {e}", r.name);
        }
        for (tree, branch, typename, o) in &r.branches {
            match o {
                Outcome::Failed(why) => {
                    let _ = writeln!(full, "FAILED {}:{tree}/{branch} ({typename}): {why}", r.name);
                }
                Outcome::Unsupported(why) => {
                    let _ = writeln!(full, "UNSUPPORTED {}:{tree}/{branch} ({typename}): {why}", r.name);
                }
                _ => {}
            }
        }
    }
    if std::fs::create_dir_all(&dir).is_ok() {
        let path = dir.join(format!("{name}.txt"));
        if std::fs::write(&path, full).is_ok() {
            note(&format!("(full report: {})", path.display()));
        }
    }
}

/// The minimum matched/total ratio from an environment variable (default 0).
pub fn min_ratio(var: &str) -> f64 {
    std::env::var(var).ok().and_then(|v| v.trim().parse::<f64>().ok()).unwrap_or(0.0)
}
