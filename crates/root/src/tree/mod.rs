//! tree (layer 5): TTree metadata — branches, leaves, basket locations — and basket reading.
//!
//! `meta` holds the types (the contract with the `arrow` layer); `read` fills them from a TTree
//! key using the bootstrap streamers; `basket` turns basket bytes into per-entry data.

pub mod basket;
mod build;
mod meta;
mod read;

pub use build::title_dims;
pub use meta::{BasketLocator, Branch, BranchElementInfo, BranchKind, EmbeddedBasket, Leaf, LeafKind, Tree};
pub use read::{TREE_CLASSES, decode_tree, is_tree_class, read_tree};
