//! tests/common: the JSON answers of `tests/peers/uproot_reference.py`, parsed.

use serde_json::Value;

use super::canonical::{Kind, Level, Part};

/// uproot's reading of one file.
#[derive(Debug)]
pub struct FileRef {
    /// uproot could not open the file.
    pub error: Option<String>,
    /// Every TTree (highest cycle).
    pub trees: Vec<TreeRef>,
}

/// uproot's reading of one tree.
#[derive(Debug)]
pub struct TreeRef {
    /// Path with cycle, e.g. `dir/events;1`.
    pub tree: String,
    /// Entry count, when uproot could open the tree.
    pub entries: Option<u64>,
    /// uproot could not open the tree.
    pub error: Option<String>,
    /// Every branch without sub-branches.
    pub branches: Vec<BranchRef>,
}

/// uproot's reading of one branch.
#[derive(Debug)]
pub struct BranchRef {
    /// uproot's full path, `P/P.m`.
    pub branch: String,
    /// Branch names from the top-level branch down to this one.
    pub chain: Vec<String>,
    /// uproot's C++ type name.
    pub typename: String,
    /// uproot's interpretation (repr).
    pub interpretation: String,
    /// Whether uproot read it (when not, `error` says why and the branch is not counted).
    pub ok: bool,
    /// uproot's error.
    pub error: Option<String>,
    /// Entry count of uproot's array.
    pub entries: Option<u64>,
    /// Canonical parts.
    pub parts: Vec<Part>,
}

fn s(v: &Value, key: &str) -> String {
    v.get(key).and_then(Value::as_str).unwrap_or_default().to_string()
}

fn opt_s(v: &Value, key: &str) -> Option<String> {
    v.get(key).and_then(Value::as_str).map(str::to_string)
}

fn arr<'a>(v: &'a Value, key: &str) -> &'a [Value] {
    v.get(key).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default()
}

fn strings(v: &Value, key: &str) -> Vec<String> {
    arr(v, key).iter().map(|x| x.as_str().map(str::to_string).unwrap_or_else(|| x.to_string())).collect()
}

fn kind(name: &str) -> Result<Kind, String> {
    Ok(match name {
        "int64" => Kind::Int64,
        "float64" => Kind::Float64,
        "bool" => Kind::Bool,
        "utf8" => Kind::Utf8,
        other => return Err(format!("unknown kind '{other}' in reference")),
    })
}

fn part(v: &Value) -> Result<Part, String> {
    Ok(Part {
        field: strings(v, "field"),
        levels: arr(v, "levels")
            .iter()
            .map(|l| Level {
                n: l.get("n").and_then(Value::as_u64).unwrap_or_default(),
                total: l.get("total").and_then(Value::as_i64).unwrap_or_default(),
                sha256: s(l, "sha256"),
            })
            .collect(),
        kind: kind(&s(v, "kind"))?,
        dtype: s(v, "dtype"),
        n_values: v.get("n_values").and_then(Value::as_u64).unwrap_or_default(),
        values_sha256: s(v, "values_sha256"),
        head: strings(v, "head"),
    })
}

fn branch(b: &Value) -> Result<BranchRef, String> {
    Ok(BranchRef {
        branch: s(b, "branch"),
        chain: strings(b, "chain"),
        typename: s(b, "typename"),
        interpretation: s(b, "interpretation"),
        ok: b.get("ok").and_then(Value::as_bool).unwrap_or(false),
        error: opt_s(b, "error"),
        entries: b.get("entries").and_then(Value::as_u64),
        parts: arr(b, "parts").iter().map(part).collect::<Result<_, _>>()?,
    })
}

/// Replaces the values of some branches of `tree` in `file` by ROOT's (the JSON of
/// `tests/peers/root_truth.py`), keeping uproot's names and types for the messages.
pub fn override_with_root(file: &mut FileRef, tree: &str, root: &Value, why: &str) -> Result<(), String> {
    let t =
        file.trees.iter_mut().find(|t| t.tree == tree).ok_or_else(|| format!("no tree {tree} in uproot's answer"))?;
    for b in arr(root, "branches") {
        let ours = branch(b)?;
        let theirs = t
            .branches
            .iter_mut()
            .find(|x| x.chain == ours.chain)
            .ok_or_else(|| format!("no branch {} in uproot's answer for {tree}", ours.branch))?;
        theirs.ok = ours.ok;
        theirs.error = ours.error;
        theirs.entries = ours.entries;
        theirs.parts = ours.parts;
        theirs.interpretation = format!("ROOT ({why}); uproot: {}", theirs.interpretation);
    }
    Ok(())
}

/// Parses the reference JSON of one file.
pub fn parse(v: &Value) -> Result<FileRef, String> {
    let mut trees = Vec::new();
    for t in arr(v, "trees") {
        let branches = arr(t, "branches").iter().map(branch).collect::<Result<Vec<_>, _>>()?;
        trees.push(TreeRef {
            tree: s(t, "tree"),
            entries: t.get("entries").and_then(Value::as_u64),
            error: opt_s(t, "error"),
            branches,
        });
    }
    Ok(FileRef { error: opt_s(v, "error"), trees })
}
