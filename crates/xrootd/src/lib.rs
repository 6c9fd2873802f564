//! hadron-xrootd: a native XRootD (`root://`) client in three layers: [`codec`] (the wire format, one
//! module per request, sans I/O) → [`client`] (async: connection pool, stream-id multiplexing,
//! redirects, waits, vector reads) → [`store`] (a thin `object_store::ObjectStore` adapter).

pub mod client;
pub mod codec;
pub mod error;
pub mod glob;
pub mod store;
pub mod url;

pub use client::{Client, ClientConfig, File, StatsSnapshot};
pub use error::{Error, Result};
pub use store::{XrootdStore, register};
pub use url::{Endpoint, XrdUrl};
