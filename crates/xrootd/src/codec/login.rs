//! codec/login: `kXR_login` (3007): process id, user name and capabilities; the answer is a 16-byte
//! session id, optionally followed by the authentication protocols the server requires (`&P=unix...`).

use bytes::Bytes;

use super::{Malformed, Request, request_code};

/// `kXR_asyncap | kXR_ver005`: the client accepts asynchronous responses (`kXR_attn`).
pub const CAPVER: u8 = 0x85;

/// Builds `kXR_login`: `pid i32 | username[8] | ability2 | ability | capver | reserved`, payload = CGI
/// (after a redirect, the redirect token).
pub fn request(pid: u32, user: &str, cgi: &str) -> Request {
    let mut body = [0u8; 16];
    body[..4].copy_from_slice(&pid.to_be_bytes());
    for (dst, src) in body[4..12].iter_mut().zip(user.bytes().filter(|b| *b != 0)) {
        *dst = src;
    }
    body[14] = CAPVER;
    Request { code: request_code::LOGIN, body, payload: Bytes::copy_from_slice(cgi.as_bytes()) }
}

/// One authentication protocol offered by the server: `&P=<name>[,<params>]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecurityProtocol {
    /// Protocol name (`unix`, `sss`, `krb5`, `gsi`, ...).
    pub name: String,
    /// Its parameters (may be empty).
    pub params: String,
}

/// The answer to `kXR_login`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoginReply {
    /// Session id (used by `kXR_endsess`).
    pub session: [u8; 16],
    /// Protocols the client must authenticate with, in the server's order; empty = no authentication.
    pub security: Vec<SecurityProtocol>,
}

/// Parses the answer body: `sessid[16] | optional security string`.
pub fn parse(body: &[u8]) -> Result<LoginReply, Malformed> {
    let Some(sess) = body.get(..16) else {
        return Err(Malformed::new("kXR_login response", format!("{} bytes, need 16", body.len())));
    };
    let mut session = [0u8; 16];
    session.copy_from_slice(sess);
    let sec = super::text(body.get(16..).unwrap_or_default());
    let security = sec
        .split("&P=")
        .skip(1)
        .map(|p| {
            let p = p.trim_end_matches('&');
            let (name, params) = p.split_once(',').unwrap_or((p, ""));
            SecurityProtocol { name: name.to_string(), params: params.to_string() }
        })
        .filter(|p| !p.name.is_empty())
        .collect();
    Ok(LoginReply { session, security })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_layout() {
        let r = request(0x01020304, "averyverylongname", "xrd.rn=hadron");
        assert_eq!(&r.body[..4], &[1, 2, 3, 4]);
        assert_eq!(&r.body[4..12], b"averyver");
        assert_eq!(r.body[14], CAPVER);
        assert_eq!(&r.payload[..], b"xrd.rn=hadron");
    }

    #[test]
    fn security_protocols_parse() {
        let mut b = vec![7u8; 16];
        b.extend_from_slice(b"&P=krb5,xrootd/eos@CERN.CH&P=sss,0.13:/etc/k&P=unix");
        let r = parse(&b).unwrap();
        let names: Vec<&str> = r.security.iter().map(|p| p.name.as_str()).collect();
        assert_eq!(names, ["krb5", "sss", "unix"]);
        assert_eq!(r.security[1].params, "0.13:/etc/k");
        assert!(parse(&[0u8; 16]).unwrap().security.is_empty());
        assert!(parse(&[0u8; 15]).is_err());
    }
}
