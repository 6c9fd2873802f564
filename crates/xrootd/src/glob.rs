//! glob: `*` / `?` patterns in `root://` paths, expanded with `kXR_dirlist` one path segment at a time
//! (`root://h//data/run*/f_?.root`).

use crate::client::Client;
use crate::error::Result;
use crate::url::XrdUrl;

/// Whether a path has glob characters (`*` or `?` before any `?cgi` is ambiguous, so only `*` and
/// `?` inside path segments count; a CGI part must not be used with globs).
pub fn has_glob(path: &str) -> bool {
    path.contains('*') || path.contains('?')
}

/// Whether `name` matches `pattern` (`*` any run, `?` any one character, everything else literal).
pub fn matches(pattern: &str, name: &str) -> bool {
    let (p, n): (Vec<char>, Vec<char>) = (pattern.chars().collect(), name.chars().collect());
    let (mut pi, mut ni) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ni < n.len() {
        match p.get(pi) {
            Some('*') => {
                star = Some((pi, ni));
                pi += 1;
            }
            Some(c) if *c == '?' || *c == n[ni] => {
                pi += 1;
                ni += 1;
            }
            _ => match star {
                Some((sp, sn)) => {
                    pi = sp + 1;
                    ni = sn + 1;
                    star = Some((sp, sn + 1));
                }
                None => return false,
            },
        }
    }
    p[pi.min(p.len())..].iter().all(|c| *c == '*')
}

/// Expands the glob segments of `url`'s path into the matching files, sorted. A path without glob
/// characters is returned as is (not checked).
pub async fn expand(client: &Client, url: &XrdUrl) -> Result<Vec<XrdUrl>> {
    if !has_glob(&url.path) {
        return Ok(vec![url.clone()]);
    }
    let segments: Vec<&str> = url.path.split('/').filter(|s| !s.is_empty()).collect();
    // (path so far, is a directory)
    let mut current: Vec<String> = vec![String::new()];
    for (i, seg) in segments.iter().enumerate() {
        let last = i + 1 == segments.len();
        let mut next = Vec::new();
        for base in &current {
            if !has_glob(seg) {
                next.push(format!("{base}/{seg}"));
                continue;
            }
            let dir = XrdUrl { path: if base.is_empty() { "/".into() } else { base.clone() }, ..url.clone() };
            for e in client.dirlist(&dir, true).await? {
                let is_dir = e.stat.as_ref().is_some_and(|s| s.is_dir());
                if matches(seg, &e.name) && (last != is_dir) {
                    next.push(format!("{base}/{}", e.name));
                }
            }
        }
        current = next;
    }
    current.sort();
    Ok(current.into_iter().map(|path| XrdUrl { path, ..url.clone() }).collect())
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn glob_matching() {
        assert!(matches("*.root", "a.root"));
        assert!(matches("*.root", ".root"));
        assert!(!matches("*.root", "a.root.bak"));
        assert!(matches("f_?.root", "f_1.root"));
        assert!(!matches("f_?.root", "f_12.root"));
        assert!(matches("*", ""));
        assert!(matches("a*b*c", "aXXbYYc"));
        assert!(!matches("a*b*c", "aXXbYY"));
        assert!(matches("zlib-*", "zlib-9.root"));
    }
}
