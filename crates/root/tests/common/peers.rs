//! tests/common: the Python peers (uproot, ROOT): finding the interpreter, running the helper
//! scripts in `tests/peers/`, and caching their JSON answers under `$CARGO_TARGET_DIR/uproot-ref/`.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::canonical::sha256_hex;

/// Whether this run is CI (`CI=true`): a missing peer fails instead of skipping.
pub fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| v == "true" || v == "1")
}

/// Skips the calling test with a message, or fails it under CI.
pub fn skip_or_fail(why: &str) {
    assert!(!in_ci(), "CI=true and a peer is missing: {why}");
    super::report::note(&format!("SKIPPED (not under CI=true): {why}"));
}

/// The peers' Python: `$HADRON_PYTHON`, else the venv of `scripts/python-env` if it exists.
pub fn python() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("HADRON_PYTHON").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(p));
    }
    let venv = match std::env::var_os("HADRON_VENV").filter(|p| !p.is_empty()) {
        Some(v) => PathBuf::from(v),
        None => PathBuf::from(std::env::var_os("HOME")?).join(".cache/hadron/venv"),
    };
    let python = venv.join("bin/python");
    python.is_file().then_some(python)
}

/// `crates/root/tests/peers/NAME`.
pub fn script(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers").join(name)
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shared real-file corpus: `$HADRON_SHARED/testdata/scikit-hep`, by default the `shared/`
/// folder beside the repository (`../shared`, as CI lays it out).
pub fn shared_scikit_hep() -> PathBuf {
    let shared = match std::env::var_os("HADRON_SHARED").filter(|s| !s.is_empty()) {
        Some(s) => PathBuf::from(s),
        None => repo_root().join("../shared"),
    };
    shared.join("testdata/scikit-hep")
}

/// The cargo target folder (from this test binary's `CARGO_TARGET_TMPDIR`, `<target>/tmp`).
pub fn target_dir() -> PathBuf {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    tmp.parent().map(Path::to_path_buf).unwrap_or_else(|| tmp.to_path_buf())
}

/// The cache folder for peer answers.
pub fn cache_dir() -> PathBuf {
    target_dir().join("uproot-ref")
}

/// SHA-256 of a file's bytes.
pub fn file_sha256(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(sha256_hex(&bytes))
}

/// Runs `python SCRIPT FILE ARGS... OUT.json` unless its cached answer exists, and returns the
/// JSON. The cache key is the file's SHA-256 and the script's SHA-256, so a changed file or
/// script recomputes.
pub fn cached_json(python: &Path, script_name: &str, file: &Path, args: &[&str]) -> Result<serde_json::Value, String> {
    let script = script(script_name);
    let script_hash = file_sha256(&script)?;
    let file_hash = file_sha256(file)?;
    let stem = file.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    let tag = script_name.trim_end_matches(".py");
    let key = format!("{stem}.{tag}.{}.{}.{}.json", &file_hash[..16], &script_hash[..16], args.join("_"));
    let key = key.replace(['/', ' ', ';'], "_");
    let dir = cache_dir();
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let out = dir.join(key);
    if !out.is_file() {
        let tmp = out.with_extension(format!("tmp{}", std::process::id()));
        let output = Command::new(python)
            .arg(&script)
            .arg(file)
            .args(args)
            .arg(&tmp)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", python.display()))?;
        if !output.status.success() {
            let _ = std::fs::remove_file(&tmp);
            let stderr = String::from_utf8_lossy(&output.stderr);
            let tail: String =
                stderr.lines().rev().take(15).collect::<Vec<_>>().into_iter().rev().collect::<Vec<_>>().join("\n");
            return Err(format!("{} {} failed ({}):\n{tail}", script.display(), file.display(), output.status));
        }
        std::fs::rename(&tmp, &out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let text = std::fs::read_to_string(&out).map_err(|e| format!("{}: {e}", out.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: bad JSON: {e}", out.display()))
}

/// Every `*.root` file under `dir` (recursively), sorted.
pub fn root_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else { continue };
        for e in entries.flatten() {
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
