//! error: the one error type of hadron-root, and the location (file, object path, offset) it carries.

use std::fmt;

/// Where in a ROOT file something went wrong: file URL, object path and byte offset.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// File name or URL.
    pub file: Option<String>,
    /// Object path inside the file, e.g. `dir/events;1/Jet_Px`.
    pub object: Option<String>,
    /// Byte offset: in the file when `in_payload` is false, else inside a (decompressed) object payload.
    pub offset: Option<u64>,
    /// Whether `offset` counts from the start of an object's decompressed payload.
    pub in_payload: bool,
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = 0;
        if let Some(file) = &self.file {
            write!(f, "{file}")?;
            parts += 1;
        }
        if let Some(object) = &self.object {
            write!(f, "{}{object}", if parts > 0 { ": " } else { "" })?;
            parts += 1;
        }
        if let Some(offset) = self.offset {
            let what = if self.in_payload { "payload byte" } else { "byte" };
            write!(f, "{}{what} {offset}", if parts > 0 { " at " } else { "at " })?;
            parts += 1;
        }
        if parts == 0 {
            write!(f, "<unknown location>")?;
        }
        Ok(())
    }
}

/// Every failure of hadron-root.
#[non_exhaustive]
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The bytes do not follow the ROOT format (truncated, bad magic, bad checksum, ...).
    #[error("{at}: corrupt ROOT data: {msg}")]
    Corrupt { at: Box<Location>, msg: String },
    /// Valid ROOT data that this reader cannot decode (yet).
    #[error("{at}: not supported: {what}")]
    Unsupported { at: Box<Location>, what: String },
    /// A named object (tree, branch, key) is not there.
    #[error("{at}: no {kind} named '{name}'{}", nearest_hint(.nearest))]
    NotFound { at: Box<Location>, kind: &'static str, name: String, nearest: Vec<String> },
    /// Reading bytes failed.
    #[error("{at}: I/O error: {source}")]
    Io {
        at: Box<Location>,
        #[source]
        source: std::io::Error,
    },
    /// An Arrow error while assembling output (a bug or a resource limit).
    #[error("{at}: Arrow error: {source}")]
    Arrow {
        at: Box<Location>,
        #[source]
        source: arrow_schema::ArrowError,
    },
    /// A broken invariant inside hadron-root: always a bug.
    #[error("internal error in hadron-root (please report): {0}")]
    Internal(String),
}

fn nearest_hint(nearest: &[String]) -> String {
    if nearest.is_empty() { String::new() } else { format!("; nearest: {}", nearest.join(", ")) }
}

/// Results of hadron-root.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Corrupt data at a payload offset.
    pub fn corrupt(offset: u64, msg: impl Into<String>) -> Self {
        Error::Corrupt {
            at: Location { offset: Some(offset), in_payload: true, ..Default::default() }.into(),
            msg: msg.into(),
        }
    }

    /// Corrupt data at a file offset.
    pub fn corrupt_at_file(offset: u64, msg: impl Into<String>) -> Self {
        Error::Corrupt { at: Location { offset: Some(offset), ..Default::default() }.into(), msg: msg.into() }
    }

    /// Valid but unsupported data.
    pub fn unsupported(what: impl Into<String>) -> Self {
        Error::Unsupported { at: Box::default(), what: what.into() }
    }

    /// A missing name, with the nearest candidates from `candidates`.
    pub fn not_found<'a>(kind: &'static str, name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Self {
        Error::NotFound { at: Box::default(), kind, name: name.to_string(), nearest: nearest_names(name, candidates) }
    }

    /// The location, for every variant that has one.
    pub fn location_mut(&mut self) -> Option<&mut Location> {
        match self {
            Error::Corrupt { at, .. }
            | Error::Unsupported { at, .. }
            | Error::NotFound { at, .. }
            | Error::Io { at, .. }
            | Error::Arrow { at, .. } => Some(at),
            Error::Internal(_) => None,
        }
    }

    /// The location, for every variant that has one.
    pub fn location(&self) -> Option<&Location> {
        match self {
            Error::Corrupt { at, .. }
            | Error::Unsupported { at, .. }
            | Error::NotFound { at, .. }
            | Error::Io { at, .. }
            | Error::Arrow { at, .. } => Some(at),
            Error::Internal(_) => None,
        }
    }

    /// Sets the file name unless one is set already.
    pub fn in_file(mut self, file: &str) -> Self {
        if let Some(at) = self.location_mut()
            && at.file.is_none()
        {
            at.file = Some(file.to_string());
        }
        self
    }

    /// Prefixes the object path with `object` (outer objects are added last).
    pub fn in_object(mut self, object: &str) -> Self {
        if let Some(at) = self.location_mut() {
            at.object = Some(match at.object.take() {
                Some(inner) if !inner.is_empty() => format!("{object}/{inner}"),
                _ => object.to_string(),
            });
        }
        self
    }

    /// Whether this error is "valid but not supported" (as opposed to corrupt input or I/O).
    pub fn is_unsupported(&self) -> bool {
        matches!(self, Error::Unsupported { .. })
    }
}

impl From<arrow_schema::ArrowError> for Error {
    fn from(source: arrow_schema::ArrowError) -> Self {
        Error::Arrow { at: Box::default(), source }
    }
}

/// Adds location context to results.
pub trait ResultExt<T> {
    /// Adds the file name.
    fn in_file(self, file: &str) -> Result<T>;
    /// Adds an object path segment (outer objects are added last).
    fn in_object(self, object: &str) -> Result<T>;
    /// Adds an object path segment computed lazily.
    fn in_object_with(self, object: impl FnOnce() -> String) -> Result<T>;
}

impl<T> ResultExt<T> for Result<T> {
    fn in_file(self, file: &str) -> Result<T> {
        self.map_err(|e| e.in_file(file))
    }
    fn in_object(self, object: &str) -> Result<T> {
        self.map_err(|e| e.in_object(object))
    }
    fn in_object_with(self, object: impl FnOnce() -> String) -> Result<T> {
        self.map_err(|e| e.in_object(&object()))
    }
}

/// Up to three names from `candidates` closest to `name` (edit distance, then shared prefix).
pub fn nearest_names<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let lower = name.to_lowercase();
    let mut scored: Vec<(usize, &str)> =
        candidates.into_iter().map(|c| (edit_distance(&lower, &c.to_lowercase()), c)).collect();
    scored.sort();
    scored.dedup_by(|a, b| a.1 == b.1);
    let limit = (name.len() / 2).max(3);
    scored.into_iter().filter(|(d, _)| *d <= limit).take(3).map(|(_, c)| c.to_string()).collect()
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != *cb);
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn location_is_printed_outer_to_inner() {
        let e = Error::corrupt(12, "bad byte count").in_object("Jet_Px").in_object("events;1").in_file("a.root");
        assert_eq!(e.to_string(), "a.root: events;1/Jet_Px at payload byte 12: corrupt ROOT data: bad byte count");
    }

    #[test]
    fn nearest_names_prefers_small_edits() {
        let n = nearest_names("Jet_PX", ["Jet_Px", "Jet_Py", "Muon_Px", "NJet"]);
        assert_eq!(n[0], "Jet_Px");
        assert!(nearest_names("zzzzzzzzzzzz", ["a"]).is_empty());
    }
}
