//! `LOCATION 'root://…'` and `read_root('root://…')` against a real `xrootd` on loopback give the same
//! answers as the local files (globs and directories included); a missing file names its URL.

mod common;
#[path = "../../xrootd/tests/common/mod.rs"]
mod xrd;

use common::{scalar_f64, scalar_i64};
use hadron_datafusion::session_context;
use xrd::{Server, testdata, xrootd_available};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn root_urls_in_sql_read_like_local_files() {
    if !xrootd_available("root_urls_in_sql_read_like_local_files") {
        return;
    }
    let data = testdata();
    let server = Server::start(&data, "");
    let ctx = session_context();
    let remote = server.url("/compression/zlib-*.root");
    let local = format!("{}/compression/zlib-*.root", data.display());
    for (name, loc) in [("r", &remote), ("l", &local)] {
        let sql = format!("CREATE EXTERNAL TABLE {name} STORED AS ROOT LOCATION '{loc}' OPTIONS ('tree' 'sample')");
        ctx.sql(&sql).await.unwrap().collect().await.unwrap();
    }
    assert_eq!(scalar_i64(&ctx, "SELECT count(*) FROM r").await, 3600);
    let q = |t: &str| format!("SELECT sum(CAST(\"I\" AS BIGINT)) + sum(n) + sum(cardinality(vf)) FROM {t}");
    assert_eq!(scalar_i64(&ctx, &q("r")).await, scalar_i64(&ctx, &q("l")).await);

    let dir = format!(
        "CREATE EXTERNAL TABLE d STORED AS ROOT LOCATION '{}' OPTIONS ('tree' 'sample')",
        server.url("/compression/")
    );
    ctx.sql(&dir).await.unwrap().collect().await.unwrap();
    assert_eq!(scalar_i64(&ctx, "SELECT count(*) FROM d").await, 11 * 1200);

    let pt = |loc: &str| {
        format!("SELECT sum(array_sum(array_transform(\"Electron\", e -> e['PT']))) FROM read_root('{loc}', 'Delphes')")
    };
    let (a, b) = (
        scalar_f64(&ctx, &pt(&server.url("/delphes_like.root"))).await,
        scalar_f64(&ctx, &pt(&format!("{}/delphes_like.root", data.display()))).await,
    );
    assert_eq!(a, b);

    let missing = server.url("/missing.root");
    let err = match ctx.sql(&format!("SELECT * FROM read_root('{missing}', 'sample')")).await {
        Ok(df) => df.collect().await.unwrap_err().to_string(),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("missing.root"), "{err}");
}
