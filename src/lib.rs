//! Hadron: the Rust facade over the Hadron libraries (ROOT reader today; DataFrame API next).

pub use hadron_root as root;

/// The names most programs need.
pub mod prelude {
    pub use hadron_root::{Error as RootError, RootFile};
}
