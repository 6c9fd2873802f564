//! TTree metadata of every tree in the scikit-hep test files, compared with uproot (tests/peers/tree_meta.py).
//!
//! The peer runs with `HADRON_PYTHON` (default `$HOME/.cache/hadron/venv/bin/python`); when it or the
//! test data is missing the comparison is skipped with a message, or fails when `CI=true`.

use std::path::{Path, PathBuf};
use std::process::Command;

use hadron_root::tree::{Branch, LeafKind, Tree};
use hadron_root::{Error, RootFile};
use serde_json::Value as Json;

const TESTDATA: &str = "/work/shared/testdata/scikit-hep";

fn skip_or_fail(why: &str) -> bool {
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("{why} (CI=true: a missing peer is a failure)");
    }
    eprintln!("skipping: {why}");
    false
}

fn python() -> PathBuf {
    match std::env::var_os("HADRON_PYTHON") {
        Some(p) => PathBuf::from(p),
        None => Path::new(&std::env::var("HOME").unwrap_or_default()).join(".cache/hadron/venv/bin/python"),
    }
}

fn root_files() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(TESTDATA)
        .map(|d| {
            d.filter_map(|e| e.ok().map(|e| e.path())).filter(|p| p.extension().is_some_and(|x| x == "root")).collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// Runs a peer script from tests/peers with `args`; its stdout, or `None` when it cannot run (and
/// that is allowed).
fn run_peer(script: &str, args: &[PathBuf]) -> Option<Vec<u8>> {
    let python = python();
    if !python.exists() {
        skip_or_fail(&format!("python peer {} not found (set HADRON_PYTHON)", python.display()));
        return None;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers").join(script);
    let out = Command::new(&python).arg(&script).args(args).output().expect("run the python peer");
    if !out.status.success() {
        skip_or_fail(&format!("peer {} failed: {}", script.display(), String::from_utf8_lossy(&out.stderr)));
        return None;
    }
    Some(out.stdout)
}

/// Runs the uproot peer over `files`.
fn uproot_peer(files: &[PathBuf]) -> Option<Json> {
    run_peer("tree_meta.py", files).map(|out| serde_json::from_slice(&out).expect("peer prints JSON"))
}

fn leaf_class(kind: LeafKind) -> &'static str {
    match kind {
        LeafKind::B => "TLeafB",
        LeafKind::S => "TLeafS",
        LeafKind::I => "TLeafI",
        LeafKind::L => "TLeafL",
        LeafKind::F => "TLeafF",
        LeafKind::D => "TLeafD",
        LeafKind::O => "TLeafO",
        LeafKind::C => "TLeafC",
        LeafKind::F16 => "TLeafF16",
        LeafKind::D32 => "TLeafD32",
        LeafKind::Element => "TLeafElement",
        LeafKind::Object => "TLeafObject",
        LeafKind::G => "TLeafG",
    }
}

fn flatten<'t>(branches: &'t [Branch], out: &mut Vec<&'t Branch>) {
    for b in branches {
        out.push(b);
        flatten(&b.branches, out);
    }
}

/// Differences between our tree and uproot's (empty when they agree); `peer_gaps` counts branches
/// uproot itself could not read (those are not compared).
fn compare_tree(ours: &Tree, peer: &Json, peer_gaps: &mut Vec<String>) -> Vec<String> {
    let mut diffs = Vec::new();
    if peer["entries"].as_u64() != Some(ours.entries) {
        diffs.push(format!("entries: ours {} uproot {}", ours.entries, peer["entries"]));
    }
    let mut flat = Vec::new();
    flatten(&ours.branches, &mut flat);
    let peer_branches = peer["branches"].as_array().cloned().unwrap_or_default();
    let our_names: Vec<&str> = flat.iter().map(|b| b.name.as_str()).collect();
    let peer_names: Vec<&str> = peer_branches.iter().map(|b| b["name"].as_str().unwrap_or("?")).collect();
    if our_names != peer_names {
        diffs.push(format!("branch names differ: ours {} uproot {}", our_names.len(), peer_names.len()));
        return diffs;
    }
    for (b, p) in flat.iter().zip(&peer_branches) {
        if let Some(err) = p["error"].as_str() {
            peer_gaps.push(format!("{}: {}", b.name, err.lines().next().unwrap_or("")));
            continue;
        }
        let mut d = Vec::new();
        if p["entries"].as_u64() != Some(b.entries) {
            d.push(format!("entries {} vs {}", b.entries, p["entries"]));
        }
        let classes: Vec<&str> = b.leaves.iter().map(|l| leaf_class(l.kind)).collect();
        if Json::from(classes.clone()) != p["leaf_classes"] {
            d.push(format!("leaf classes {classes:?} vs {}", p["leaf_classes"]));
        }
        let names: Vec<&str> = b.leaves.iter().map(|l| l.name.as_str()).collect();
        if Json::from(names.clone()) != p["leaf_names"] {
            d.push(format!("leaf names {names:?} vs {}", p["leaf_names"]));
        }
        let counts: Vec<Option<&str>> = b.leaves.iter().map(|l| l.count_leaf.as_deref()).collect();
        if Json::from(counts.clone()) != p["count_leaves"] {
            d.push(format!("count leaves {counts:?} vs {}", p["count_leaves"]));
        }
        let ranges: Vec<[u64; 2]> = b
            .baskets
            .iter()
            .map(|k| [k.first_entry, k.end_entry])
            .chain(b.embedded.iter().map(|e| [e.first_entry, e.end_entry]))
            .collect();
        if p["num_baskets"].as_u64() != Some(ranges.len() as u64) {
            d.push(format!("{} baskets vs {}", ranges.len(), p["num_baskets"]));
        }
        if serde_json::to_value(&ranges).ok().as_ref() != Some(&p["basket_ranges"]) {
            d.push(format!("basket ranges {ranges:?} vs {}", p["basket_ranges"]));
        }
        for e in &b.embedded {
            let n = (e.end_entry - e.first_entry) as usize;
            if let Some(o) = &e.offsets
                && (o.len() != n + 1
                    || o.last().copied() != Some(e.data.len() as u32)
                    || o.windows(2).any(|w| w[0] > w[1]))
            {
                d.push(format!("embedded basket offsets malformed: {} offsets for {n} entries", o.len()));
            }
        }
        if !d.is_empty() {
            diffs.push(format!("{}: {}", b.name, d.join("; ")));
        }
    }
    diffs
}

#[tokio::test]
async fn every_tree_matches_uproot() {
    let files = root_files();
    if files.is_empty() {
        skip_or_fail(&format!("no test files in {TESTDATA}"));
        return;
    }
    let Some(peer) = uproot_peer(&files) else { return };
    let (mut total, mut matching) = (0, 0);
    let mut mismatches = Vec::new();
    let mut peer_gaps = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
        let p = &peer[path.to_string_lossy().as_ref()];
        let file = RootFile::open_path(path).await.unwrap_or_else(|e| panic!("open {name}: {e}"));
        let trees = p["trees"].as_object().cloned().unwrap_or_default();
        if !trees.is_empty() || p["latest"].as_array().is_some_and(|l| !l.is_empty()) {
            let mut ours: Vec<String> =
                file.tree_paths().await.unwrap_or_else(|e| panic!("{name}: {e}")).into_iter().map(|(p, _)| p).collect();
            ours.sort();
            let theirs: Vec<String> = p["latest"]
                .as_array()
                .map(|l| l.iter().filter_map(|s| s.as_str().map(String::from)).collect())
                .unwrap_or_default();
            if ours != theirs {
                mismatches.push(format!("{name}: tree_paths {ours:?} vs uproot {theirs:?}"));
            }
        }
        for (key, pt) in &trees {
            total += 1;
            let tree = match file.tree(key).await {
                Ok(t) => t,
                Err(e) => {
                    mismatches.push(format!("{name} {key}: {e}"));
                    continue;
                }
            };
            if let Some(err) = pt["error"].as_str() {
                peer_gaps.push(format!("{name} {key}: uproot cannot read the tree: {err}"));
                matching += 1;
                continue;
            }
            let mut gaps = Vec::new();
            let diffs = compare_tree(&tree, pt, &mut gaps);
            peer_gaps.extend(gaps.into_iter().map(|g| format!("{name} {key}: uproot cannot read {g}")));
            if diffs.is_empty() {
                matching += 1;
            } else {
                let shown: Vec<_> = diffs.iter().take(5).cloned().collect();
                mismatches.push(format!("{name} {key}: {} differences, e.g. {}", diffs.len(), shown.join(" | ")));
            }
        }
    }
    eprintln!("{matching} of {total} trees match uproot");
    for g in &peer_gaps {
        eprintln!("  not compared (uproot fails): {g}");
    }
    for m in &mismatches {
        eprintln!("  MISMATCH {m}");
    }
    assert!(mismatches.is_empty(), "{} mismatches (see stderr)", mismatches.len());
    assert!(total > 200, "expected the corpus to hold over 200 trees, found {total}");
}

#[tokio::test]
async fn missing_tree_names_the_nearest() {
    let path = Path::new(TESTDATA).join("uproot-HZZ.root");
    if !path.exists() {
        skip_or_fail(&format!("{} is missing", path.display()));
        return;
    }
    let file = RootFile::open_path(&path).await.unwrap();
    match file.tree("event").await {
        Err(Error::NotFound { nearest, kind, .. }) => {
            assert_eq!(kind, "tree");
            assert_eq!(nearest.first().map(String::as_str), Some("events;1"));
        }
        other => panic!("expected NotFound, got {other:?}"),
    }
    let tree = file.tree("events").await.unwrap();
    assert_eq!((tree.path.as_str(), tree.entries, tree.branches.len()), ("events;1", 2421, 51));
}

#[tokio::test]
async fn nanoaod_keeps_its_data_in_embedded_baskets() {
    let path = Path::new(TESTDATA).join("nanoAOD_2015_CMS_Open_Data_ttbar.root");
    if !path.exists() {
        skip_or_fail(&format!("{} is missing", path.display()));
        return;
    }
    let file = RootFile::open_path(&path).await.unwrap();
    let tree = file.tree("Events").await.unwrap();
    assert_eq!(tree.entries, 200);
    let embedded: usize = tree.branches.iter().map(|b| b.embedded.len()).sum();
    assert!(embedded > 0);
    // Jagged branches: offsets cover every entry; the counter leaf is named.
    let jet_pt = tree.branches.iter().find(|b| b.name == "Jet_pt").expect("Jet_pt");
    assert_eq!(jet_pt.leaves[0].count_leaf.as_deref(), Some("nJet"));
    let e = &jet_pt.embedded[0];
    let offsets = e.offsets.as_ref().expect("jagged branch has offsets");
    assert_eq!(offsets.len() as u64, e.end_entry - e.first_entry + 1);
    // Each Jet_pt entry holds nJet floats: the entry sizes are 4 * nJet.
    let njet = tree.branches.iter().find(|b| b.name == "nJet").expect("nJet");
    let n = &njet.embedded[0];
    assert!(n.offsets.is_none());
    for (i, w) in offsets.windows(2).enumerate() {
        let count = i32::from_be_bytes(n.data[i * 4..i * 4 + 4].try_into().unwrap());
        assert_eq!(w[1] - w[0], 4 * count as u32, "entry {i}");
    }
}

#[tokio::test]
async fn tree_written_by_current_root_matches_uproot() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("root_tree.root");
    let Some(out) = run_peer("make_root_tree.py", std::slice::from_ref(&path)) else { return };
    let versions = String::from_utf8_lossy(&out).trim().to_string();
    eprintln!("ROOT version, TStreamerInfo class version: {versions}");
    let Some(peer) = uproot_peer(std::slice::from_ref(&path)) else { return };
    let file = RootFile::open_path(&path).await.unwrap();

    let db = file.streamers().await.unwrap();
    assert!(db.get("TTree").is_some() && db.get("TBranchElement").is_some());
    let hit = db.get("Hit").expect("streamer of the Hit struct");
    let names: Vec<&str> = hit.elements.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(names, ["x", "e", "n", "v"]);
    let e = &hit.elements[1];
    assert_eq!((e.type_code, e.type_name.as_str()), (hadron_root::dict::code::DOUBLE32, "Double32_t"));
    assert_eq!(e.range, Some(hadron_root::dict::FloatRange { xmin: 0.0, xmax: 100.0, nbits: 16 }));
    assert_eq!(hit.elements[3].stl, Some((hadron_root::dict::stl::VECTOR, hadron_root::dict::code::FLOAT)));

    let tree = file.tree("t").await.unwrap();
    let pt = &peer[path.to_string_lossy().as_ref()]["trees"]["t;1"];
    let mut gaps = Vec::new();
    let diffs = compare_tree(&tree, pt, &mut gaps);
    assert!(diffs.is_empty() && gaps.is_empty(), "{diffs:?} {gaps:?}");
    assert_eq!((tree.entries, tree.auto_flush), (25, 7));

    let hit_branch = tree.branches.iter().find(|b| b.name == "hit").expect("hit branch");
    let sub = hit_branch.branches.iter().find(|b| b.name == "e").expect("hit/e branch");
    let info = sub.element.as_ref().expect("a TBranchElement");
    assert_eq!(info.class_name, "Hit");
    assert_eq!(info.streamer.as_ref().map(|s| s.name.as_str()), Some("e"));
    let a = tree.branches.iter().find(|b| b.name == "a").unwrap();
    assert_eq!(a.leaves[0].count_leaf.as_deref(), Some("n"));
    let d32 = tree.branches.iter().find(|b| b.name == "d32").unwrap();
    assert_eq!(d32.leaves[0].kind, LeafKind::D32);
    assert_eq!(d32.leaves[0].range, Some(hadron_root::dict::FloatRange { xmin: 0.0, xmax: 10.0, nbits: 12 }));
}
