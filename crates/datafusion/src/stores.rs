//! stores: the object-store registry behind every Hadron session — local files, `root://` /
//! `xroot://` (hadron-xrootd, one shared client), `s3://` (credentials and endpoint from the usual
//! `AWS_*` environment) and `http(s)://`, each store made on first use of its `scheme://host:port`.

use std::sync::{Arc, OnceLock};

use datafusion::error::{DataFusionError, Result};
use datafusion::execution::object_store::{DefaultObjectStoreRegistry, ObjectStoreRegistry};
use hadron_xrootd::{Client, Endpoint, XrootdStore};
use object_store::ObjectStore;
use object_store::aws::AmazonS3Builder;
use object_store::http::HttpBuilder;
use url::Url;

/// One XRootD client per process: its connection pool is shared by every `root://` store.
pub fn xrootd_client() -> Client {
    static CLIENT: OnceLock<Client> = OnceLock::new();
    CLIENT.get_or_init(Client::default).clone()
}

/// Makes the store for `url`'s `scheme://host:port` (the schemes DataFusion does not know itself).
pub fn make_store(url: &Url) -> Result<Arc<dyn ObjectStore>> {
    let host = url.host_str().unwrap_or_default();
    let store: Arc<dyn ObjectStore> = match url.scheme() {
        "root" | "xroot" => {
            let port = url.port().unwrap_or(1094);
            Arc::new(XrootdStore::new(Endpoint::new(host, port), xrootd_client()))
        }
        "s3" | "s3a" => {
            let s3 = AmazonS3Builder::from_env().with_bucket_name(host).build().map_err(|e| store_err(url, e))?;
            Arc::new(s3)
        }
        "http" | "https" => {
            let base = &url[..url::Position::BeforePath];
            Arc::new(HttpBuilder::new().with_url(base).build().map_err(|e| store_err(url, e))?)
        }
        other => {
            return Err(DataFusionError::Configuration(format!(
                "{url}: no object store for scheme '{other}' (Hadron reads file, root, xroot, s3, http and https)"
            )));
        }
    };
    Ok(store)
}

fn store_err(url: &Url, e: object_store::Error) -> DataFusionError {
    DataFusionError::Configuration(format!("{url}: {e}"))
}

/// DataFusion's registry, plus stores made on demand by [`make_store`].
#[derive(Debug, Default)]
pub struct HadronStoreRegistry {
    inner: DefaultObjectStoreRegistry,
}

impl HadronStoreRegistry {
    /// A registry holding the local file system.
    pub fn new() -> Self {
        Self::default()
    }
}

impl ObjectStoreRegistry for HadronStoreRegistry {
    fn register_store(&self, url: &Url, store: Arc<dyn ObjectStore>) -> Option<Arc<dyn ObjectStore>> {
        self.inner.register_store(url, store)
    }

    fn deregister_store(&self, url: &Url) -> Result<Arc<dyn ObjectStore>> {
        self.inner.deregister_store(url)
    }

    fn get_store(&self, url: &Url) -> Result<Arc<dyn ObjectStore>> {
        if let Ok(s) = self.inner.get_store(url) {
            return Ok(s);
        }
        let store = make_store(url)?;
        self.inner.register_store(url, store.clone());
        Ok(store)
    }
}
