//! tree/read (layer 5): decoding a TTree record into [`Tree`] with the bootstrap streamers.

use crate::error::Result;
use crate::file::{Key, RootFile};
use crate::tree::Tree;

/// Reads the TTree stored under `key`.
pub async fn read_tree(_file: &RootFile, _key: &Key) -> Result<Tree> {
    Err(crate::Error::Internal("TTree reading lands with the tree layer".into()))
}
