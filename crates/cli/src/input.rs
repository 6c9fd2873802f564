//! input: opens the ROOT files named on the command line: local paths, or `root://host:port//path`
//! URLs read through the XRootD object store (globs in a URL's path expanded by directory listing).

use std::sync::{Arc, OnceLock};

use anyhow::{Context, Result};
use hadron_root::RootFile;
use hadron_root::bytes::ObjectStoreSource;
use hadron_xrootd::{Client, XrdUrl, XrootdStore};

fn is_xrootd(input: &str) -> bool {
    input.starts_with("root://") || input.starts_with("xroot://")
}

/// One XRootD client per process: its connections are shared by every input.
fn client() -> Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(Client::default).clone()
}

/// The inputs with `root://` globs (`*`, `?`) replaced by the matching files, sorted.
pub async fn expand(inputs: &[String]) -> Result<Vec<String>> {
    let mut out = Vec::with_capacity(inputs.len());
    for input in inputs {
        if !is_xrootd(input) || !hadron_xrootd::glob::has_glob(input) {
            out.push(input.clone());
            continue;
        }
        let url = XrdUrl::parse(input)?;
        let found = hadron_xrootd::glob::expand(&client(), &url).await?;
        anyhow::ensure!(!found.is_empty(), "{input}: no file matches");
        out.extend(found.iter().map(|u| u.to_string()));
    }
    Ok(out)
}

/// Opens a local ROOT file or a `root://` one.
pub async fn open(input: &str) -> Result<RootFile> {
    if !is_xrootd(input) {
        return Ok(RootFile::open_path(input).await?);
    }
    let url = XrdUrl::parse(input)?;
    let (store, path) = XrootdStore::from_url(input)?;
    let store = XrootdStore::new(store.endpoint().clone(), client());
    let source = ObjectStoreSource::open(Arc::new(store), path, url.to_string())
        .await
        .with_context(|| format!("opening {url}"))?;
    Ok(RootFile::open(Arc::new(source)).await?)
}
