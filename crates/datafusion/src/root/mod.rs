//! root: ROOT files as DataFusion tables, in the layers of DataFusion's own format crates:
//! `file_format` (factory, options, schema, statistics) → `source` (`FileSource`) → `opener`
//! (`FileOpener`), with `layout` (finding the table and its clusters in a file), `schema` (checks
//! across files) and `metrics` (`EXPLAIN ANALYZE`); `table` builds tables from locations.

pub mod file_format;
mod filter;
pub mod layout;
pub mod metrics;
pub mod opener;
pub mod schema;
pub mod source;
pub mod table;
pub mod table_function;

pub use file_format::{RootFormat, RootFormatFactory, RootOptions};
pub use source::RootSource;
pub use table::{RootTableFactory, listing_url, root_table};
pub use table_function::ReadRootFunction;
