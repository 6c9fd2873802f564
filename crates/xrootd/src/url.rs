//! url: `root://[user@]host[:port]//abs/path[?cgi]` parsing and normalisation (double slash → one
//! absolute path), and the `root://host:port` form every message uses.

use crate::codec::response::split_host_port;
use crate::error::{Error, Result};

/// The default XRootD port.
pub const DEFAULT_PORT: u16 = 1094;

/// A server: host and port.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Endpoint {
    /// Host name or address (IPv6 without brackets).
    pub host: String,
    /// TCP port.
    pub port: u16,
}

impl Endpoint {
    /// A server at `host:port`.
    pub fn new(host: impl Into<String>, port: u16) -> Self {
        Endpoint { host: host.into(), port }
    }

    /// `root://host:port//path` (the path made absolute; empty path → just the server).
    pub fn url(&self, path: &str) -> String {
        if path.is_empty() { self.to_string() } else { format!("{self}/{}", absolute(path)) }
    }
}

impl std::fmt::Display for Endpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.host.contains(':') {
            write!(f, "root://[{}]:{}", self.host, self.port)
        } else {
            write!(f, "root://{}:{}", self.host, self.port)
        }
    }
}

/// A parsed `root://` URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct XrdUrl {
    /// The server.
    pub endpoint: Endpoint,
    /// User name from `user@`, if any.
    pub user: Option<String>,
    /// Absolute path (one leading slash), with any `?cgi`.
    pub path: String,
}

impl XrdUrl {
    /// Parses `root://` or `xroot://` URLs; the path after the authority is made absolute with one
    /// leading slash (`root://h//a/b` and `root://h/a/b` both give `/a/b`).
    pub fn parse(url: &str) -> Result<Self> {
        let bad = |m: &str| Error::InvalidUrl { url: url.to_string(), message: m.to_string() };
        let rest = url
            .strip_prefix("root://")
            .or_else(|| url.strip_prefix("xroot://"))
            .ok_or_else(|| bad("the scheme must be root:// (roots:// with TLS is not supported)"))?;
        let (authority, path) = match rest.find('/') {
            Some(i) => (&rest[..i], &rest[i..]),
            None => (rest, "/"),
        };
        let (user, hostport) = match authority.rsplit_once('@') {
            Some((u, h)) => (Some(u.to_string()), h),
            None => (None, authority),
        };
        let (host, port) = split_host_port(hostport);
        if host.is_empty() {
            return Err(bad("no host"));
        }
        if hostport.ends_with(':') || (hostport.contains(':') && port.is_none() && !hostport.starts_with('[')) {
            return Err(bad("the port is not a number from 1 to 65535"));
        }
        Ok(XrdUrl { endpoint: Endpoint::new(host, port.unwrap_or(DEFAULT_PORT)), user, path: absolute(path) })
    }

    /// The path without its `?cgi`.
    pub fn path_only(&self) -> &str {
        self.path.split('?').next().unwrap_or_default()
    }
}

impl std::fmt::Display for XrdUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.endpoint.url(&self.path))
    }
}

/// `path` with exactly one leading slash and no repeated slashes before any `?cgi`.
pub fn absolute(path: &str) -> String {
    let (p, cgi) = match path.split_once('?') {
        Some((p, c)) => (p, Some(c)),
        None => (path, None),
    };
    let mut out = String::with_capacity(p.len() + 1);
    for seg in p.split('/').filter(|s| !s.is_empty()) {
        out.push('/');
        out.push_str(seg);
    }
    if out.is_empty() {
        out.push('/');
    }
    if let Some(c) = cgi {
        out.push('?');
        out.push_str(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn double_slash_is_normalised() {
        let u = XrdUrl::parse("root://eos.cern.ch:1094//eos/opendata/f.root").unwrap();
        assert_eq!(
            (u.endpoint.host.as_str(), u.endpoint.port, u.path.as_str()),
            ("eos.cern.ch", 1094, "/eos/opendata/f.root")
        );
        assert_eq!(u.to_string(), "root://eos.cern.ch:1094//eos/opendata/f.root");
        let u = XrdUrl::parse("root://alice@h/a//b?x=1").unwrap();
        assert_eq!((u.endpoint.port, u.path.as_str(), u.user.as_deref()), (1094, "/a/b?x=1", Some("alice")));
        assert_eq!(u.path_only(), "/a/b");
        let u = XrdUrl::parse("root://[::1]:2000//x").unwrap();
        assert_eq!((u.endpoint.host.as_str(), u.endpoint.port), ("::1", 2000));
        assert_eq!(u.endpoint.to_string(), "root://[::1]:2000");
        assert_eq!(XrdUrl::parse("root://h").unwrap().path, "/");
        assert!(XrdUrl::parse("http://h/x").is_err());
        assert!(XrdUrl::parse("root://h:99999//x").is_err());
        assert!(XrdUrl::parse("root://h:abc//x").is_err());
        assert!(XrdUrl::parse("root:///x").is_err());
    }
}
