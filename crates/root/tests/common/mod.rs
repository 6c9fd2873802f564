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

/// Branches where uproot and ROOT disagree and ROOT is the truth: `(file name, tree, uproot's
/// branch paths, why)`. Their reference values come from `tests/peers/root_truth.py` (ROOT's RDataFrame).
pub const ROOT_IS_TRUTH: &[(&str, &str, &[&str], &str)] = &[
    (
        "uproot-double32-float16.root",
        "tree;1",
        &[
            "double32_32",
            "double32_30",
            "double32_20",
            "double32_10",
            "double32_5",
            "float16_16",
            "float16_10",
            "float16_5",
            "float16_3",
            "array_30",
            "array_10",
        ],
        // uproot 5.7.7 unpacks ranged Double32_t/Float16_t as `raw * ((xmax - xmin) / 2^nbits) + xmin`
        // in the output type (float32 for Float16_t), where ROOT's TBufferFile::ReadWithFactor computes
        // `raw / factor + xmin` in double with `factor = 2^nbits / (xmax - xmin)` (`0xffffffff` for
        // nbits 32) and casts last: the last bits differ (all bits for nbits = 32).
        "ranged Double32_t/Float16_t: uproot rounds differently from TBufferFile::ReadWithFactor",
    ),
    (
        "uproot-issue513.root",
        "Delphes;1",
        &[
            "Particle/Particle.fBits",
            "Track/Track.fBits",
            "EFlowTrack/EFlowTrack.fBits",
            "EFlowPhoton/EFlowPhoton.fBits",
            "EFlowNeutralHadron/EFlowNeutralHadron.fBits",
        ],
        // Objects referenced by a TRef have kIsReferenced in fBits, and TStreamerInfo writes their
        // 2-byte process id right after it: uproot 5.7.7 reads those bytes as more fBits values (and
        // cannot read GenParticle's at all). Reading them, ROOT also sets kMustCleanup on them.
        "fBits of referenced objects: uproot reads the process id after it as values",
    ),
];

/// Computes (or loads from cache) uproot's reference for `file` and compares hadron against it.
pub fn conformance_of(rt: &tokio::runtime::Runtime, python: &Path, file: &Path, base: &Path) -> harness::FileReport {
    let name = file.strip_prefix(base).unwrap_or(file).display().to_string();
    let reference = peers::cached_json(python, "uproot_reference.py", file, &["--all"])
        .and_then(|json| reference::parse(&json))
        .and_then(|mut r| {
            for (_, tree, branches, why) in ROOT_IS_TRUTH.iter().filter(|o| o.0 == name) {
                let json = peers::cached_json(python, "root_truth.py", file, &[tree, &branches.join(",")])?;
                reference::override_with_root(&mut r, tree, &json, why)?;
            }
            Ok(r)
        });
    let start = std::time::Instant::now();
    let mut report = rt.block_on(harness::check_file(file, &name, reference, Some(python)));
    report.seconds = start.elapsed().as_secs_f64();
    report
}
