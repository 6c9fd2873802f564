//! tree/read (layer 5): reading a TTree record with the file's own streamers into [`Tree`], and the
//! `RootFile` entry points `tree(path)` and `tree_paths()`.

use std::collections::HashMap;

use crate::bytes::Cursor;
use crate::dict::StreamerDb;
use crate::error::{Error, Result, ResultExt};
use crate::file::{Directory, Key, RootFile};
use crate::model::{ObjectReader, Value};
use crate::tree::Tree;
use crate::tree::build::build_tree;

/// Key classes that hold a TTree.
pub const TREE_CLASSES: [&str; 3] = ["TTree", "TNtuple", "TNtupleD"];

/// Whether a key of class `class` holds a TTree.
pub fn is_tree_class(class: &str) -> bool {
    TREE_CLASSES.contains(&class)
}

/// Reads the TTree stored under `key` (its `path` is `name;cycle`; [`RootFile::tree`] adds the directory).
pub async fn read_tree(file: &RootFile, key: &Key) -> Result<Tree> {
    let inner = async {
        let db = file.streamers().await?;
        let payload = file.read_payload(key).await?;
        decode_tree(&payload, key, &db, key.path_name())
    };
    inner.await.in_object(&key.path_name()).in_file(file.name())
}

/// Decodes a TTree record payload (decompressed) read under `key`.
pub fn decode_tree(payload: &[u8], key: &Key, db: &StreamerDb, path: String) -> Result<Tree> {
    let mut c = Cursor::new(payload).with_displacement(i64::from(key.key_len));
    let mut reader = ObjectReader::new(db);
    match reader.read_class(&mut c, &key.class_name)? {
        Value::Object(tree) => build_tree(&tree, db, path),
        Value::Skipped { class, reason } => Err(Error::unsupported(format!("{class}: {reason}"))),
        _ => Err(Error::corrupt(0, format!("a {} record did not decode to an object", key.class_name))),
    }
}

impl RootFile {
    /// Reads the tree at `path` (`dir/name`, optionally `;cycle`; the highest cycle by default).
    ///
    /// A missing tree gives [`Error::NotFound`] naming the nearest tree paths.
    pub async fn tree(&self, path: &str) -> Result<Tree> {
        let path = path.trim_start_matches('/');
        let dir_path = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("");
        let key = match self.key(path).await {
            Ok(key) => key,
            Err(Error::NotFound { .. }) => {
                let trees = self.tree_paths().await.unwrap_or_default();
                let names: Vec<String> = trees.into_iter().map(|(p, _)| p).collect();
                return Err(Error::not_found("tree", path, names.iter().map(String::as_str)).in_file(self.name()));
            }
            Err(e) => return Err(e),
        };
        if !is_tree_class(&key.class_name) {
            return Err(
                Error::unsupported(format!("'{path}' is a {}, not a TTree", key.class_name)).in_file(self.name())
            );
        }
        let mut tree = read_tree(self, &key).await?;
        tree.path = if dir_path.is_empty() { key.path_name() } else { format!("{dir_path}/{}", key.path_name()) };
        Ok(tree)
    }

    /// Every TTree / TNtuple / TNtupleD in the file, recursively through directories: (path
    /// `dir/name;cycle`, class), the highest cycle of each name, in key order.
    pub async fn tree_paths(&self) -> Result<Vec<(String, String)>> {
        let mut out = Vec::new();
        let mut pending: Vec<Directory> = vec![self.root_directory().clone()];
        while let Some(dir) = pending.pop() {
            for key in highest_cycles(&dir.keys) {
                let prefix = if dir.path.is_empty() { String::new() } else { format!("{}/", dir.path) };
                if is_tree_class(&key.class_name) {
                    out.push((format!("{prefix}{}", key.path_name()), key.class_name.clone()));
                } else if key.is_directory() {
                    pending.push(self.subdirectory(&dir, key).await?);
                }
            }
        }
        Ok(out)
    }
}

/// The keys of `keys` that carry the highest cycle of their name, in key order.
fn highest_cycles(keys: &[Key]) -> Vec<&Key> {
    let mut best: HashMap<&str, i16> = HashMap::new();
    for k in keys {
        let e = best.entry(k.name.as_str()).or_insert(k.cycle);
        *e = (*e).max(k.cycle);
    }
    keys.iter().filter(|k| best.get(k.name.as_str()) == Some(&k.cycle)).collect()
}
