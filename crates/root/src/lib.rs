//! hadron-root: a native reader of CERN ROOT files (TTree, RNTuple) that produces Apache Arrow.
//!
//! Layers, each depending only on those above it in this list:
//! `bytes` (byte sources, cursor) → `compress` → `file` (header, keys, directories) → `dict`
//! (TStreamerInfo) → `model` (streamed objects) → `tree` (TTree/TBranch/TBasket) → `arrow`;
//! `rntuple` sits beside `tree`.

pub mod arrow;
pub mod bytes;
pub mod compress;
pub mod dict;
pub mod error;
pub mod file;
pub mod model;
pub mod tree;

pub use error::{Error, Location, Result, ResultExt};
pub use file::{Directory, Key, RootFile};
