//! TTree metadata of every tree in the scikit-hep test files, compared with uproot (tests/peers/tree_meta.py).
//!
//! The peer runs with `HADRON_PYTHON` (default `$HOME/.cache/hadron/venv/bin/python`); when it or the
//! test data is missing the comparison is skipped with a message, or fails when `CI=true`.

use std::path::{Path, PathBuf};
use std::process::Command;

use hadron_root::dict::ElementKind;
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
    let start = std::time::Instant::now();
    let tree = file.tree("Events").await.unwrap();
    eprintln!("NanoAOD Events metadata ({} branches) read in {:?}", tree.branches.len(), start.elapsed());
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

    let peer_trees = peer[path.to_string_lossy().as_ref()]["trees"].as_object().cloned().unwrap_or_default();
    let keys: Vec<&str> = peer_trees.keys().map(String::as_str).collect();
    assert_eq!(keys, ["nt;1", "ntd;1", "t;1"]);
    let mut ours: Vec<(String, String)> = file.tree_paths().await.unwrap();
    ours.sort();
    let classes: Vec<&str> = ours.iter().map(|(_, c)| c.as_str()).collect();
    assert_eq!(classes, ["TNtuple", "TNtupleD", "TTree"]);
    for (key, pt) in &peer_trees {
        let tree = file.tree(key).await.unwrap();
        let mut gaps = Vec::new();
        let diffs = compare_tree(&tree, pt, &mut gaps);
        assert!(diffs.is_empty() && gaps.is_empty(), "{key}: {diffs:?} {gaps:?}");
        assert_eq!(pt["class"].as_str(), Some(tree.class_name.as_str()));
    }
    let nt = file.tree("nt").await.unwrap();
    let names: Vec<&str> = nt.branches.iter().map(|b| b.name.as_str()).collect();
    assert_eq!((nt.entries, names), (12, vec!["x", "y", "z"]));

    let tree = file.tree("t").await.unwrap();
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

fn element_class(kind: ElementKind) -> &'static str {
    match kind {
        ElementKind::Base => "TStreamerBase",
        ElementKind::BasicType => "TStreamerBasicType",
        ElementKind::BasicPointer => "TStreamerBasicPointer",
        ElementKind::Loop => "TStreamerLoop",
        ElementKind::Object => "TStreamerObject",
        ElementKind::ObjectAny => "TStreamerObjectAny",
        ElementKind::ObjectPointer => "TStreamerObjectPointer",
        ElementKind::ObjectAnyPointer => "TStreamerObjectAnyPointer",
        ElementKind::String => "TStreamerString",
        ElementKind::Stl => "TStreamerSTL",
        ElementKind::StlString => "TStreamerSTLstring",
        ElementKind::Artificial => "TStreamerArtificial",
    }
}

/// A C++ type name with ROOT's typedefs spelled as the C++ types (uproot reports them that way) and
/// no spaces before `>`.
fn canonical_type(name: &str) -> String {
    const ALIASES: [(&str, &str); 14] = [
        ("Char_t", "char"),
        ("UChar_t", "unsigned char"),
        ("Short_t", "short"),
        ("UShort_t", "unsigned short"),
        ("Int_t", "int"),
        ("UInt_t", "unsigned int"),
        ("Long_t", "long"),
        ("ULong_t", "unsigned long"),
        ("Long64_t", "long long"),
        ("ULong64_t", "unsigned long long"),
        ("Float_t", "float"),
        ("Double_t", "double"),
        ("Bool_t", "bool"),
        ("Size_t", "float"),
    ];
    let mut out = String::new();
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        let w = ALIASES.iter().find(|(a, _)| a == word).map(|(_, b)| *b).unwrap_or(word);
        out.push_str(w);
        word.clear();
    };
    for ch in name.chars() {
        if ch.is_alphanumeric() || ch == '_' {
            word.push(ch);
        } else {
            flush(&mut word, &mut out);
            out.push(ch);
        }
    }
    flush(&mut word, &mut out);
    hadron_root::dict::normalize_class_name(&out)
}

#[tokio::test]
async fn every_streamer_info_matches_uproot() {
    let files = root_files();
    if files.is_empty() {
        skip_or_fail(&format!("no test files in {TESTDATA}"));
        return;
    }
    let Some(out) = run_peer("streamers.py", &files) else { return };
    let peer: Json = serde_json::from_slice(&out).expect("peer prints JSON");
    let (mut total, mut matching) = (0, 0);
    let mut mismatches = Vec::new();
    for path in &files {
        let name = path.file_name().unwrap_or_default().to_string_lossy().to_string();
        let p = &peer[path.to_string_lossy().as_ref()];
        let file = RootFile::open_path(path).await.unwrap_or_else(|e| panic!("open {name}: {e}"));
        let db = file.streamers().await.unwrap_or_else(|e| panic!("{name}: {e}"));
        for (key, elements) in p["classes"].as_object().cloned().unwrap_or_default() {
            total += 1;
            let (class, version) = key.rsplit_once(';').unwrap_or((&key, "0"));
            let version: i32 = version.parse().unwrap_or(0);
            let class = canonical_type(class);
            let Some(info) = db.infos().find(|i| canonical_type(&i.name) == class && i.class_version == version) else {
                mismatches.push(format!("{name}: {key} missing"));
                continue;
            };
            let ours: Vec<Json> = info
                .elements
                .iter()
                .map(|e| {
                    // uproot reports a fixed basic array's fType without the kOffsetL (20) ROOT stores.
                    let fixed = e.kind == ElementKind::BasicType && (21..40).contains(&e.type_code);
                    let t = if fixed { e.type_code - 20 } else { e.type_code };
                    serde_json::json!([element_class(e.kind), e.name, t, canonical_type(&e.type_name), e.array_length])
                })
                .collect();
            let elements: Vec<Json> = elements
                .as_array()
                .cloned()
                .unwrap_or_default()
                .into_iter()
                .map(|mut e| {
                    e[3] = Json::from(canonical_type(e[3].as_str().unwrap_or("")));
                    e
                })
                .collect();
            if ours == elements {
                matching += 1;
            } else {
                mismatches.push(format!("{name}: {key}: ours {ours:?} uproot {elements:?}"));
            }
        }
    }
    eprintln!("{matching} of {total} TStreamerInfo records match uproot");
    for m in mismatches.iter().take(20) {
        eprintln!("  MISMATCH {m}");
    }
    assert!(mismatches.is_empty(), "{} mismatches (see stderr)", mismatches.len());
}
