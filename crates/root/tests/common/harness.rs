//! tests/common: reads every branch uproot reads through `hadron_root::arrow::read_tree` and
//! compares the canonical forms.
//!
//! Column mapping (the Arrow layer's contract): a top-level branch `x` is column `x`; a branch
//! deeper down, `P/P.m`, is field `m` (its name minus the parent's name and a dot, and minus any
//! `[N]` dimensions) of column `P`, reached through any `List`/`FixedSizeList` (TClonesArray,
//! `vector<Class>`) or directly (a single split object). A member ROOT flattened under its
//! collection, `P/P.a.b`, is the one field `a.b`, not a path a → b. A leaf-list branch is a
//! struct column whose fields are compared with uproot's record fields.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use arrow_array::{ArrayRef, new_empty_array};
use std::sync::Arc;

use hadron_root::arrow::{BranchIndex, ReadOptions, TreeReader};
use hadron_root::dict::StreamerDb;
use hadron_root::tree::Tree;
use hadron_root::{Error, RootFile};

use super::canonical::{Part, canonical, project};
use super::reference::{BranchRef, FileRef, TreeRef};

/// What happened to one branch.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// hadron's values equal uproot's.
    Match,
    /// hadron's values differ from uproot's but equal ROOT's own (the message is uproot's difference).
    MatchRoot(String),
    /// hadron says `Error::Unsupported` (allowed; the message names what).
    Unsupported(String),
    /// A mismatch or another error.
    Failed(String),
    /// uproot itself cannot read it: not counted.
    UprootCannot(String),
}

/// The outcome of every branch of one file.
#[derive(Debug, Default)]
pub struct FileReport {
    /// File name (relative to the corpus folder).
    pub name: String,
    /// Trees compared.
    pub trees: usize,
    /// `(tree, branch, typename, outcome)`.
    pub branches: Vec<(String, String, String, Outcome)>,
    /// The reference could not be computed, or uproot could not open the file.
    pub reference_error: Option<String>,
    /// Wall time of the whole check (reference included).
    pub seconds: f64,
}

impl FileReport {
    /// Counts: (matched, unsupported, failed, uproot cannot).
    pub fn counts(&self) -> (usize, usize, usize, usize) {
        let mut c = (0, 0, 0, 0);
        for (_, _, _, o) in &self.branches {
            match o {
                Outcome::Match | Outcome::MatchRoot(_) => c.0 += 1,
                Outcome::Unsupported(_) => c.1 += 1,
                Outcome::Failed(_) => c.2 += 1,
                Outcome::UprootCannot(_) => c.3 += 1,
            }
        }
        c
    }
}

/// A tokio runtime for the async reader.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime for the tests")
}

/// The field path of a branch inside its top-level column (see the module docs).
pub fn field_path(chain: &[String]) -> Vec<String> {
    chain.windows(2).map(|w| field_name(&w[0], &w[1])).collect()
}

/// A sub-branch's field name: its name minus `parent.` (or minus `parent` when that ends in a
/// dot). Array dimensions (`d32arr[3]`) stay; `project_path` also tries the name without them.
pub fn field_name(parent: &str, child: &str) -> String {
    if let Some(rest) = child.strip_prefix(parent) {
        if parent.ends_with('.') && !rest.is_empty() {
            return rest.to_string();
        }
        if let Some(rest) = rest.strip_prefix('.').filter(|r| !r.is_empty()) {
            return rest.to_string();
        }
    }
    child.to_string()
}

/// `name` without trailing `[N]` dimensions, if it has any.
fn without_dims(name: &str) -> Option<&str> {
    match name.find('[') {
        Some(i) if i > 0 && name.ends_with(']') => Some(&name[..i]),
        _ => None,
    }
}

/// Projects a column's batches onto a field path (a dotted field name is one field: the rule of
/// `hadron_root::arrow`'s module docs).
fn project_path(arrays: &[ArrayRef], path: &[String]) -> Result<Vec<ArrayRef>, String> {
    let mut out = arrays.to_vec();
    for name in path {
        let mut next = Vec::with_capacity(out.len());
        for a in &out {
            let projected = project(a, name).or_else(|first| {
                if let Some(Ok(p)) = without_dims(name).map(|bare| project(a, bare)) {
                    return Ok(p);
                }
                if !name.contains('.') {
                    return Err(first);
                }
                name.split('.').try_fold(a.clone(), |acc, part| project(&acc, part)).map_err(|_| first)
            })?;
            next.push(projected);
        }
        out = next;
    }
    Ok(out)
}

/// Compares hadron's canonical parts with uproot's.
pub fn compare(reference: &BranchRef, rows: u64, ours: &[Part]) -> Result<(), String> {
    compare_detail(reference, rows, ours).map_err(|m| m.message)
}

/// Why two canonical forms differ.
#[derive(Debug)]
pub struct Mismatch {
    /// Only the values differ (same kind, same list structure): ROOT may arbitrate.
    pub values_only: bool,
    /// What differs.
    pub message: String,
}

fn other(message: String) -> Mismatch {
    Mismatch { values_only: false, message }
}

/// Compares hadron's canonical parts with a reference, saying whether only values differ.
pub fn compare_detail(reference: &BranchRef, rows: u64, ours: &[Part]) -> Result<(), Mismatch> {
    if let Some(entries) = reference.entries
        && entries != rows
    {
        return Err(other(format!("entries: uproot {entries}, hadron {rows}")));
    }
    let theirs = &reference.parts;
    if theirs.len() != ours.len() {
        let names = |p: &[Part]| p.iter().map(|x| x.field.join(".")).collect::<Vec<_>>().join(", ");
        return Err(other(format!(
            "uproot has {} leaf fields [{}], hadron {} [{}]",
            theirs.len(),
            names(theirs),
            ours.len(),
            names(ours)
        )));
    }
    let by_name = theirs.iter().all(|t| ours.iter().any(|o| o.field == t.field));
    for (i, t) in theirs.iter().enumerate() {
        let o = if by_name { ours.iter().find(|o| o.field == t.field).unwrap_or(&ours[i]) } else { &ours[i] };
        compare_part(t, o).map_err(|mut m| {
            if !t.field.is_empty() {
                m.message = format!("field {}: {}", t.field.join("."), m.message);
            }
            m
        })?;
    }
    Ok(())
}

fn compare_part(t: &Part, o: &Part) -> Result<(), Mismatch> {
    if t.kind != o.kind {
        return Err(other(format!(
            "kind: uproot {} ({}), hadron {} ({})",
            t.kind.name(),
            t.dtype,
            o.kind.name(),
            o.dtype
        )));
    }
    if t.levels.len() != o.levels.len() {
        return Err(other(format!(
            "nesting: uproot {} list levels ({}), hadron {} ({})",
            t.levels.len(),
            t.dtype,
            o.levels.len(),
            o.dtype
        )));
    }
    for (depth, (tl, ol)) in t.levels.iter().zip(&o.levels).enumerate() {
        if tl != ol {
            return Err(other(format!(
                "list level {depth}: uproot {} lists / {} items, hadron {} lists / {} items{}",
                tl.n,
                tl.total,
                ol.n,
                ol.total,
                if tl.n == ol.n && tl.total == ol.total { " (same totals, different lengths)" } else { "" }
            )));
        }
    }
    if t.n_values != o.n_values || t.values_sha256 != o.values_sha256 {
        let message = format!(
            "values ({}, {} values; uproot {} → hadron {}): uproot head [{}], hadron head [{}] (n={})",
            t.kind.name(),
            t.n_values,
            t.dtype,
            o.dtype,
            t.head.join(", "),
            o.head.join(", "),
            o.n_values
        );
        return Err(Mismatch { values_only: true, message });
    }
    Ok(())
}

fn classify(e: &Error) -> Outcome {
    match e {
        Error::Unsupported { what, .. } if !what.trim().is_empty() => Outcome::Unsupported(e.to_string()),
        Error::Unsupported { .. } => Outcome::Failed(format!("Unsupported error that does not say what: {e}")),
        _ => Outcome::Failed(e.to_string()),
    }
}

/// A tree read once, with its branch index, shared by the readers of all its columns.
struct OpenTree {
    tree: Arc<Tree>,
    index: Arc<BranchIndex>,
    db: Arc<StreamerDb>,
}

/// A column's batches with the members the reader left out of it (sub-branch name, why).
type Batches = (arrow_schema::SchemaRef, Vec<arrow_array::RecordBatch>, Vec<(String, Outcome)>);

async fn read_open_tree(file: &RootFile, tree: &OpenTree, options: &ReadOptions) -> Result<Batches, Error> {
    let mut reader = TreeReader::with_index(file, tree.tree.clone(), tree.index.clone(), &tree.db, options)?;
    let mut batches = Vec::new();
    while let Some(b) = reader.next_batch().await? {
        batches.push(b);
    }
    let left_out = reader.skipped().iter().map(|(n, e)| (n.clone(), classify(e))).collect();
    Ok((reader.schema(), batches, left_out))
}

/// One column read: rows, arrays, and the members left out of it as unsupported.
type Column = (u64, Vec<ArrayRef>, Vec<(String, Outcome)>);

/// Reads one column of a tree: `Ok(None)` when the schema has no such column.
async fn read_column(file: &RootFile, tree: &OpenTree, column: &str) -> Result<Option<Column>, Error> {
    // A top-level branch named `P.` may become column `P.` or `P`.
    let candidates: Vec<&str> =
        if column.ends_with('.') { vec![column, column.trim_end_matches('.')] } else { vec![column] };
    let mut first_not_found = None;
    for (k, name) in candidates.iter().enumerate() {
        let options = ReadOptions { branches: Some(vec![name.to_string()]), ..ReadOptions::default() };
        match read_open_tree(file, tree, &options).await {
            Ok((schema, batches, left_out)) => {
                if let Ok(index) = schema.index_of(name) {
                    let rows = batches.iter().map(|b| b.num_rows() as u64).sum();
                    let mut arrays: Vec<ArrayRef> = batches.iter().map(|b| b.column(index).clone()).collect();
                    if arrays.is_empty() {
                        // No batch (an empty tree): the column's type still has a canonical form.
                        arrays.push(new_empty_array(schema.field(index).data_type()));
                    }
                    return Ok(Some((rows, arrays, left_out)));
                }
            }
            Err(e @ Error::NotFound { .. }) if k + 1 < candidates.len() => {
                first_not_found.get_or_insert(e);
            }
            Err(e) => return Err(first_not_found.unwrap_or(e)),
        }
    }
    Ok(None)
}

async fn check_tree(file: &RootFile, path: &Path, tree: &TreeRef, python: Option<&Path>, report: &mut FileReport) {
    // Columns keyed by (top-level name, occurrence): a tree may hold two top-level branches of one
    // name (uproot lists each one's sub-branches together, so a new run of a name is a new one).
    let mut columns: BTreeMap<(&str, usize), Vec<&BranchRef>> = BTreeMap::new();
    let mut order = Vec::new();
    let mut previous: Option<&str> = None;
    for b in &tree.branches {
        let Some(top) = b.chain.first() else { continue };
        if previous != Some(top.as_str()) {
            let seen = order.iter().filter(|(name, _)| *name == top.as_str()).count();
            order.push((top.as_str(), seen));
            previous = Some(top.as_str());
        }
        let Some(&key) = order.last() else { continue };
        if !b.ok {
            let why = b.error.clone().unwrap_or_default();
            report.branches.push((tree.tree.clone(), b.branch.clone(), b.typename.clone(), Outcome::UprootCannot(why)));
            continue;
        }
        columns.entry(key).or_default().push(b);
    }
    // Read the tree record and index its branches once for all its columns.
    let open = match (file.tree(&tree.tree).await, file.streamers().await) {
        (Ok(t), Ok(db)) => {
            let t = Arc::new(t);
            Ok(OpenTree { index: Arc::new(BranchIndex::new(&t)), tree: t, db })
        }
        (Err(e), _) | (_, Err(e)) => Err(e),
    };
    for key in order {
        let Some(branches) = columns.get(&key) else { continue };
        let (column, occurrence) = key;
        if occurrence > 0 {
            // Only the first branch of a name is readable by name: hadron must say so.
            let outcome = skipped_column(file, &tree.tree, column).await;
            for b in branches {
                report.branches.push((tree.tree.clone(), b.branch.clone(), b.typename.clone(), outcome.clone()));
            }
            continue;
        }
        let result = match &open {
            Ok(open) => read_column(file, open, column).await,
            Err(e) => Err(Error::Internal(format!("tree '{}' could not be read: {e}", tree.tree))),
        };
        for b in branches {
            let outcome = match &result {
                Err(e) => classify(e),
                Ok(None) => Outcome::Failed(format!("read_tree returned no column '{column}'")),
                // A member the reader left out of the column (its type unsupported): that branch
                // and any below it are unsupported, with the reader's reason.
                Ok(Some((_, _, left_out))) if left_out.iter().any(|(n, _)| b.chain.iter().skip(1).any(|c| c == n)) => {
                    let (_, why) =
                        left_out.iter().find(|(n, _)| b.chain.iter().skip(1).any(|c| c == n)).expect("found");
                    why.clone()
                }
                Ok(Some((rows, arrays, _))) => check_branch(b, *rows, arrays, |parts| {
                    python.and_then(|py| root_agrees(py, path, &tree.tree, b, *rows, parts))
                }),
            };
            let outcome = match outcome {
                Outcome::Failed(why) if uproot_misreads(path, &tree.tree, &b.branch) => Outcome::UprootCannot(format!(
                    "uproot misreads this branch (see UPROOT_MISREADS); it differs: {why}"
                )),
                other => other,
            };
            report.branches.push((tree.tree.clone(), b.branch.clone(), b.typename.clone(), outcome));
        }
    }
}

/// Branches uproot 5.7.7 decodes wrongly, where hadron's values were checked against ROOT's own
/// `TTree::Scan` by hand (`file name`, tree, uproot branch path). `uproot-issue-513.root`'s
/// `ROOT::Math::DisplacementVector3D<Cartesian3D<float>>` members: uproot returns garbage floats
/// (e.g. -3240432.25, 2.1e-23), ROOT's Scan prints hadron's -24.909, -27.737, 38.698. They count
/// as "uproot cannot read" until `root_truth.py` can compare struct members against ROOT itself.
const UPROOT_MISREADS: &[(&str, &str, &str)] = &[
    ("uproot-issue-513.root", "TrkAnaNeg/trkana;1", "demc/_opos"),
    ("uproot-issue-513.root", "TrkAnaNeg/trkana;1", "demcent/_mom"),
    ("uproot-issue-513.root", "TrkAnaNeg/trkana;1", "demcent/_pos"),
    ("uproot-issue-513.root", "TrkAnaNeg/trkana;1", "demcmid/_mom"),
    ("uproot-issue-513.root", "TrkAnaNeg/trkana;1", "demcmid/_pos"),
    ("uproot-issue-513.root", "TrkAnaNeg/trkana;1", "demcxit/_mom"),
    ("uproot-issue-513.root", "TrkAnaNeg/trkana;1", "demcxit/_pos"),
    ("uproot-issue-513.root", "TrkAnaPos/trkana;1", "demc/_opos"),
];

fn uproot_misreads(path: &Path, tree: &str, branch: &str) -> bool {
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
    UPROOT_MISREADS.iter().any(|&(f, t, b)| f == name && t == tree && b == branch)
}

/// The outcome of a later top-level branch named `column`: the reason a read-everything
/// projection gives for leaving it out.
async fn skipped_column(file: &RootFile, tree: &str, column: &str) -> Outcome {
    match TreeReader::open(file, tree, &ReadOptions::default()).await {
        Ok(reader) => match reader.skipped().iter().rev().find(|(name, _)| name == column) {
            Some((_, e)) => classify(e),
            None => Outcome::Failed(format!("a second top-level branch '{column}' is not reported skipped")),
        },
        Err(e) => classify(&e),
    }
}

fn check_branch(
    b: &BranchRef,
    rows: u64,
    arrays: &[ArrayRef],
    root_agrees: impl FnOnce(&[Part]) -> Option<bool>,
) -> Outcome {
    let path = field_path(&b.chain);
    // A sub-branch that uproot reads with 0 entries in a tree with rows was never filled (it was
    // disabled when the tree was written; ROOT refuses to read it): hadron leaves it out.
    if b.chain.len() > 1 && b.entries == Some(0) && rows > 0 {
        return match project_path(arrays, &path) {
            Err(_) => Outcome::Match,
            Ok(_) => Outcome::Failed(format!("never-filled branch is field {} of hadron's column", path.join("."))),
        };
    }
    let projected = match project_path(arrays, &path) {
        Ok(p) => p,
        Err(e) => return Outcome::Failed(format!("field {}: {e}", path.join("."))),
    };
    let (rows_seen, parts) = match canonical(&projected) {
        Ok(x) => x,
        Err(e) => return Outcome::Failed(format!("hadron's array: {e}")),
    };
    debug_assert!(arrays.is_empty() || rows_seen == rows);
    match compare_detail(b, rows, &parts) {
        Ok(()) => Outcome::Match,
        Err(m) if m.values_only && root_agrees(&parts) == Some(true) => Outcome::MatchRoot(m.message),
        Err(m) => Outcome::Failed(m.message),
    }
}

/// Asks ROOT itself (`peers/root_reference.py`) for a branch's values: `Some(true)` when hadron's
/// parts equal ROOT's, `None` when ROOT's answer cannot be had.
fn root_agrees(python: &Path, file: &Path, tree: &str, b: &BranchRef, rows: u64, parts: &[Part]) -> Option<bool> {
    let mut columns: Vec<String> = Vec::new();
    for c in
        [b.chain.last().cloned(), Some(b.chain.join(".")), b.chain.get(1..).map(|c| c.join("."))].into_iter().flatten()
    {
        if !c.is_empty() && !columns.contains(&c) {
            columns.push(c);
        }
    }
    let mut args: Vec<&str> = vec![tree];
    args.extend(columns.iter().map(String::as_str));
    let json = super::peers::cached_json(python, "root_reference.py", file, &args).ok()?;
    if json.get("ok").and_then(serde_json::Value::as_bool) != Some(true) {
        return None;
    }
    let wrapped = serde_json::json!({"trees": [{"tree": tree, "branches": [{
        "branch": b.branch, "chain": b.chain, "ok": true, "entries": json["entries"], "parts": json["parts"]
    }]}]});
    let parsed = super::reference::parse(&wrapped).ok()?;
    let root = parsed.trees.first()?.branches.first()?;
    Some(compare_detail(root, rows, parts).is_ok())
}

/// Compares every tree of one file against its reference.
pub async fn check_file(
    path: &Path,
    name: &str,
    reference: Result<FileRef, String>,
    python: Option<&Path>,
) -> FileReport {
    let mut report = FileReport { name: name.to_string(), ..FileReport::default() };
    let reference = match reference {
        Ok(r) => r,
        Err(e) => {
            report.reference_error = Some(e);
            return report;
        }
    };
    if let Some(e) = &reference.error {
        report.reference_error = Some(format!("uproot cannot open the file: {e}"));
        return report;
    }
    let readable = reference.trees.iter().any(|t| t.branches.iter().any(|b| b.ok));
    let file = match RootFile::open_path(path).await {
        Ok(f) => Some(f),
        Err(e) => {
            if readable {
                let outcome = classify(&e);
                for t in &reference.trees {
                    for b in &t.branches {
                        let o = if b.ok {
                            outcome.clone()
                        } else {
                            Outcome::UprootCannot(b.error.clone().unwrap_or_default())
                        };
                        report.branches.push((t.tree.clone(), b.branch.clone(), b.typename.clone(), o));
                    }
                }
            }
            None
        }
    };
    let Some(file) = file else { return report };
    for tree in &reference.trees {
        report.trees += 1;
        if let Some(e) = &tree.error {
            report.branches.push((tree.tree.clone(), String::new(), String::new(), Outcome::UprootCannot(e.clone())));
            continue;
        }
        check_tree(&file, path, tree, python, &mut report).await;
    }
    report
}

/// Runs `work` over `files` on a few threads (the Python reference is the slow part on a first run).
pub fn run_parallel<T: Send>(files: &[PathBuf], work: impl Fn(&Path) -> T + Sync) -> Vec<T> {
    let jobs = std::env::var("HADRON_CONFORMANCE_JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or_else(|| std::thread::available_parallelism().map(usize::from).unwrap_or(2))
        .max(1);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, T)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..jobs.min(files.len().max(1)) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::SeqCst);
                    let Some(f) = files.get(i) else { break };
                    let r = work(f);
                    results.lock().expect("results lock").push((i, r));
                }
            });
        }
    });
    let mut results = results.into_inner().expect("results lock");
    results.sort_by_key(|(i, _)| *i);
    results.into_iter().map(|(_, r)| r).collect()
}
