//! Shared test helpers: the Python peers interpreter (TensorFlow / onnxruntime), `.npy` files for exchanging
//! arrays with it, and seeded batches with masked (all-zero) GRU steps.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::Command;

use hadron_nn::{Model, Rng};

/// The peers interpreter (`HADRON_PYTHON`, default the cached venv) if it can import `module`.
/// Under `CI=true` a missing peer is a failure; otherwise the test is skipped with the reason.
pub fn python(module: &str) -> Option<PathBuf> {
    let p = std::env::var_os("HADRON_PYTHON")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| Path::new(&h).join(".cache/hadron/venv/bin/python")));
    let why = match &p {
        None => "neither HADRON_PYTHON nor HOME is set".to_string(),
        Some(p) if !p.exists() => format!("no peers interpreter at {} (run scripts/python-env)", p.display()),
        Some(p) => {
            match Command::new(p).args(["-c", &format!("import {module}")]).env("TF_CPP_MIN_LOG_LEVEL", "3").output() {
                Ok(o) if o.status.success() => return Some(p.clone()),
                Ok(o) => format!("{} cannot import {module}: {}", p.display(), String::from_utf8_lossy(&o.stderr)),
                Err(e) => format!("cannot run {}: {e}", p.display()),
            }
        }
    };
    if std::env::var("CI").as_deref() == Ok("true") {
        panic!("CI=true but the {module} peer is missing: {why}");
    }
    eprintln!("skipping: {why}");
    None
}

/// Runs `tests/peers/<script>` with `args`; panics with its output if it fails.
pub fn run_peer(py: &Path, script: &str, args: &[&str]) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/peers").join(script);
    let o = Command::new(py)
        .arg(path)
        .args(args)
        .env("TF_CPP_MIN_LOG_LEVEL", "3")
        .env("CUDA_VISIBLE_DEVICES", "")
        .output()
        .expect("run python");
    let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "{script} failed:\n{out}\n{err}");
    out.trim().to_string()
}

/// Writes a little-endian f32 `.npy` (format 1.0).
pub fn write_npy(path: &Path, shape: &[usize], data: &[f32]) {
    assert_eq!(shape.iter().product::<usize>(), data.len(), "{}", path.display());
    let dims: Vec<String> = shape.iter().map(|d| d.to_string()).collect();
    let tuple = if dims.len() == 1 { format!("({},)", dims[0]) } else { format!("({})", dims.join(", ")) };
    let mut header = format!("{{'descr': '<f4', 'fortran_order': False, 'shape': {tuple}, }}");
    while (10 + header.len() + 1) % 64 != 0 {
        header.push(' ');
    }
    header.push('\n');
    let mut bytes = b"\x93NUMPY\x01\x00".to_vec();
    bytes.extend_from_slice(&(header.len() as u16).to_le_bytes());
    bytes.extend_from_slice(header.as_bytes());
    for v in data {
        bytes.extend_from_slice(&v.to_le_bytes());
    }
    std::fs::write(path, bytes).unwrap();
}

/// Reads a little-endian f32 `.npy` (format 1.0, C order) written by numpy.
pub fn read_npy(path: &Path) -> Vec<f32> {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    assert_eq!(&bytes[..6], b"\x93NUMPY", "{}", path.display());
    let hlen = u16::from_le_bytes([bytes[8], bytes[9]]) as usize;
    let header = std::str::from_utf8(&bytes[10..10 + hlen]).unwrap();
    assert!(header.contains("'<f4'") && header.contains("False"), "{}: {header}", path.display());
    bytes[10 + hlen..].chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect()
}

/// A seeded batch for `model`: uniform inputs in [-1, 1] (HLF in [0, 1]) with, in sequence inputs, all-zero
/// steps leading in some samples, in the middle (runs of several steps) and trailing in others; one-hot labels.
pub fn batch(model: &Model, n: usize, seed: u64) -> (Vec<Vec<f32>>, Vec<f32>) {
    let mut rng = Rng::seed(seed);
    let mut inputs = Vec::new();
    for spec in &model.spec.inputs {
        let size: usize = spec.shape.iter().product();
        let mut x: Vec<f32> = (0..n * size)
            .map(|_| if spec.shape.len() == 1 { rng.uniform() } else { 2.0 * rng.uniform() - 1.0 })
            .collect();
        if let [t, f] = spec.shape[..] {
            for b in 0..n {
                for s in 0..t {
                    let masked = (b % 3 == 0 && s < 5)
                        || (b % 2 == 1 && (t / 3..t / 3 + 40).contains(&s))
                        || (b % 4 == 2 && s + 100 >= t)
                        || (s * 7 + b) % 13 == 0;
                    if masked {
                        x[(b * t + s) * f..(b * t + s + 1) * f].fill(0.0);
                    }
                }
            }
        }
        inputs.push(x);
    }
    let c = model.classes;
    let mut labels = vec![0.0; n * c];
    for i in 0..n {
        labels[i * c + (rng.uniform() * c as f32) as usize % c] = 1.0;
    }
    (inputs, labels)
}
