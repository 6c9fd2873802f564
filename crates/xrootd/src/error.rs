//! error: the crate's one error type. Every message names the server (`root://host:port`), the path
//! when there is one, and for server errors the `kXR_*` code and the server's text.

use crate::codec::Malformed;
use crate::codec::response::{ERR_AUTH_FAILED, ERR_NOT_AUTHORIZED, ERR_NOT_FOUND, error_name};

/// Result with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What went wrong talking to an XRootD server.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The server answered `kXR_error`.
    #[error("{url}: server error {code} ({name}): {message}", name = error_name(*code))]
    Server {
        /// `root://host:port//path` of the request.
        url: String,
        /// `errnum` (3000..3034).
        code: u32,
        /// The server's message.
        message: String,
    },
    /// Connecting, sending or receiving failed (unreachable host, refused port, dropped connection).
    #[error("{url}: {what}: {source}")]
    Io {
        /// `root://host:port[//path]`.
        url: String,
        /// What was being done (`connecting`, `reading 1048576 bytes at 0`...).
        what: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// No answer in time.
    #[error("{url}: {what}: no answer within {secs} s")]
    Timeout {
        /// `root://host:port[//path]`.
        url: String,
        /// What was being waited for.
        what: String,
        /// The limit.
        secs: u64,
    },
    /// The server sent bytes that do not follow the protocol.
    #[error("{url}: protocol error: {source}")]
    Protocol {
        /// `root://host:port[//path]`.
        url: String,
        /// What was malformed.
        #[source]
        source: Malformed,
    },
    /// The server wants something this client does not do (TLS, an authentication protocol, writes).
    #[error("{url}: not supported: {message}")]
    Unsupported {
        /// `root://host:port[//path]`.
        url: String,
        /// What is not supported.
        message: String,
    },
    /// More than the allowed number of redirects.
    #[error("{url}: more than {limit} redirects (last to {last})")]
    TooManyRedirects {
        /// The URL first asked for.
        url: String,
        /// The limit (16).
        limit: u32,
        /// The last redirect target.
        last: String,
    },
    /// A URL that is not `root://host[:port]//path`.
    #[error("invalid XRootD URL '{url}': {message}")]
    InvalidUrl {
        /// The URL given.
        url: String,
        /// Why it is invalid.
        message: String,
    },
}

impl Error {
    /// The server error code, if the server answered `kXR_error`.
    pub fn server_code(&self) -> Option<u32> {
        match self {
            Error::Server { code, .. } => Some(*code),
            _ => None,
        }
    }

    /// Whether the path does not exist (`kXR_NotFound`).
    pub fn is_not_found(&self) -> bool {
        self.server_code() == Some(ERR_NOT_FOUND)
    }

    /// Whether access was refused (`kXR_NotAuthorized`, `kXR_AuthFailed`).
    pub fn is_permission_denied(&self) -> bool {
        matches!(self.server_code(), Some(ERR_NOT_AUTHORIZED) | Some(ERR_AUTH_FAILED))
    }

    /// Whether the connection broke (so an idempotent request may be retried on a new one).
    pub fn is_connection_lost(&self) -> bool {
        matches!(self, Error::Io { .. })
    }
}
