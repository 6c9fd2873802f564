//! Reading through `object_store` (here its local-filesystem store) gives the same Arrow data as a local file,
//! in fewer requests than baskets thanks to range coalescing.

use std::path::Path;
use std::sync::Arc;

use hadron_root::RootFile;
use hadron_root::arrow::{ReadOptions, read_tree};
use hadron_root::bytes::ObjectStoreSource;
use object_store::local::LocalFileSystem;

#[tokio::test]
async fn object_store_source_reads_the_same_batches_as_a_local_file() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    let store = Arc::new(LocalFileSystem::new_with_prefix(&dir).unwrap());
    let source =
        ObjectStoreSource::open(store, "nanoaod_like.root".into(), "file:///testdata/nanoaod_like.root").await.unwrap();
    let remote = RootFile::open(Arc::new(source)).await.unwrap();
    let local = RootFile::open_path(dir.join("nanoaod_like.root")).await.unwrap();
    let options =
        ReadOptions { branches: Some(vec!["Muon_pt".into(), "nJet".into(), "MET_pt".into()]), ..Default::default() };
    let (schema_a, a) = read_tree(&remote, "Events", &options).await.unwrap();
    let (schema_b, b) = read_tree(&local, "Events", &options).await.unwrap();
    assert_eq!(schema_a, schema_b);
    assert_eq!(a, b);
    let (requests, ranges, bytes) = remote.source().stats().snapshot();
    let tree = remote.tree("Events").await.unwrap();
    let baskets: usize = tree
        .branches
        .iter()
        .filter(|b| ["Muon_pt", "nJet", "MET_pt"].contains(&b.name.as_str()))
        .map(|b| b.baskets.len())
        .sum();
    assert!(requests > 0 && bytes > 0 && ranges as usize >= baskets);
    assert!((requests as usize) < baskets, "{requests} requests for {baskets} baskets: ranges were not coalesced");
}

#[tokio::test]
async fn missing_object_is_an_io_error_naming_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    let store = Arc::new(LocalFileSystem::new_with_prefix(&dir).unwrap());
    let err = ObjectStoreSource::open(store, "nope.root".into(), "s3://bucket/nope.root").await.unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("s3://bucket/nope.root") && msg.contains("I/O error"), "{msg}");
}
