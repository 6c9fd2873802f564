//! ROOT tables in SQL (`CREATE EXTERNAL TABLE … STORED AS ROOT`, `read_root`) give the numbers uproot
//! gives; `COUNT(*)` reads no basket; a big file is split at clusters; errors name the files.

mod common;

use common::{Reference, repo, scalar_f64, scalar_i64, sql_text};
use datafusion::prelude::SessionContext;
use hadron_datafusion::{session_config, session_context, session_context_with};

fn testdata(rel: &str) -> String {
    repo().join("testdata").join(rel).to_string_lossy().into_owned()
}

async fn create_sample(ctx: &SessionContext) {
    let sql = format!(
        "CREATE EXTERNAL TABLE s STORED AS ROOT LOCATION '{}' OPTIONS ('tree' 'sample')",
        testdata("compression/zlib-6.root")
    );
    ctx.sql(&sql).await.unwrap().collect().await.unwrap();
}

#[tokio::test]
async fn create_external_table_sums_equal_uproot() {
    let Some(want) = Reference::load("create_external_table_sums_equal_uproot") else { return };
    let ctx = session_context();
    create_sample(&ctx).await;
    assert_eq!(scalar_i64(&ctx, "SELECT count(*) FROM s").await, want.i64("sample_entries"));
    assert_eq!(scalar_i64(&ctx, "SELECT sum(CAST(\"I\" AS BIGINT)) FROM s").await, want.i64("sample_sum_I"));
    assert_eq!(scalar_i64(&ctx, "SELECT sum(n) FROM s").await, want.i64("sample_sum_n"));
    let v = scalar_f64(&ctx, "SELECT sum(array_sum(v)) FROM s").await;
    assert!((v - want.f64("sample_sum_v")).abs() < 1e-9 * v.abs());
    let pos = "SELECT sum(cardinality(array_filter(v, x -> x > 0))) FROM s";
    assert_eq!(scalar_i64(&ctx, pos).await, want.i64("sample_count_v_pos"));
}

#[tokio::test]
async fn read_root_globs_directories_split_collections_and_rntuple() {
    let Some(want) = Reference::load("read_root_globs_directories_split_collections_and_rntuple") else { return };
    let ctx = session_context();
    let per_file = want.i64("sample_entries");
    let glob = format!("SELECT count(*) FROM read_root('{}', 'sample')", testdata("compression/zstd-*.root"));
    assert_eq!(scalar_i64(&ctx, &glob).await, want.i64("zstd_files") * per_file);
    let dir = format!(
        "CREATE EXTERNAL TABLE c STORED AS ROOT LOCATION '{}/' OPTIONS ('tree' 'sample')",
        testdata("compression")
    );
    ctx.sql(&dir).await.unwrap().collect().await.unwrap();
    assert_eq!(scalar_i64(&ctx, "SELECT count(*) FROM c").await, want.i64("compression_files") * per_file);
    assert_eq!(
        scalar_i64(&ctx, "SELECT sum(CAST(\"I\" AS BIGINT)) FROM c").await,
        want.i64("compression_files") * want.i64("sample_sum_I")
    );

    // Split TClonesArray: `Electron` is a List<Struct> with a field per sub-branch.
    let d = format!("read_root('{}')", testdata("delphes_like.root"));
    assert_eq!(scalar_i64(&ctx, &format!("SELECT count(*) FROM {d}")).await, want.i64("delphes_entries"));
    let n = format!("SELECT sum(cardinality(\"Electron\")) FROM {d}");
    assert_eq!(scalar_i64(&ctx, &n).await, want.i64("delphes_electrons"));
    let hard = format!("SELECT sum(cardinality(array_filter(\"Electron\", e -> e['PT'] > 23))) FROM {d}");
    assert_eq!(scalar_i64(&ctx, &hard).await, want.i64("delphes_electrons_pt_gt_23"));

    let r = format!("SELECT count(*) FROM read_root('{}')", testdata("rntuple_basic.root"));
    assert_eq!(scalar_i64(&ctx, &r).await, want.i64("rntuple_entries"));
}

#[tokio::test]
async fn count_star_over_many_files_reads_no_basket() {
    let ctx = session_context();
    let sql = format!("SELECT count(*) FROM read_root('{}', 'sample')", testdata("compression/*.root"));
    let plan = sql_text(&ctx, &format!("EXPLAIN ANALYZE {sql}")).await;
    // Answered from TTree entry counts: no scan in the executed plan.
    assert!(!plan.contains("DataSourceExec"), "{plan}");
    let counted = scalar_i64(&ctx, &sql).await;
    assert_eq!(counted, 11 * 1200);
}

#[tokio::test]
async fn one_file_is_split_at_clusters_and_explain_analyze_shows_scan_metrics() {
    let Some(want) = Reference::load("one_file_is_split_at_clusters_and_explain_analyze_shows_scan_metrics") else {
        return;
    };
    // Small batches: DataFusion does not split a scan whose rows fit in one batch.
    let mut config = session_config().with_target_partitions(4).with_batch_size(100);
    config.options_mut().optimizer.repartition_file_min_size = 0;
    let ctx = session_context_with(config);
    create_sample(&ctx).await;
    let q = "SELECT count(\"I\"), sum(CAST(\"I\" AS BIGINT)), sum(n) FROM s";
    let plan = sql_text(&ctx, &format!("EXPLAIN ANALYZE {q}")).await;
    assert!(plan.contains("4 groups"), "one file split in 4 ranges: {plan}");
    for metric in ["bytes_read=", "requests=", "baskets=", "decompress_time=", "entries=1.20 K"] {
        assert!(plan.contains(metric), "{metric} missing in {plan}");
    }
    let batches = ctx.sql(q).await.unwrap().collect().await.unwrap();
    let row = datafusion::arrow::util::pretty::pretty_format_batches(&batches).unwrap().to_string();
    for key in ["sample_entries", "sample_sum_I", "sample_sum_n"] {
        assert!(row.contains(&format!(" {} ", want.i64(key))), "{key} = {} not in\n{row}", want.i64(key));
    }
    // A scan counts its own reads: the same query again in the same session (the file's metadata parsed once,
    // shared) reports the same bytes, at least the compressed baskets of `n` that uproot finds.
    let q = "EXPLAIN ANALYZE SELECT sum(n) FROM s";
    let (first, second) = (sql_text(&ctx, q).await, sql_text(&ctx, q).await);
    let metric = |plan: &str, name: &str| -> u64 {
        plan.split(name)
            .skip(1)
            .map(|t| t.chars().take_while(char::is_ascii_digit).collect::<String>().parse::<u64>().unwrap_or(0))
            .sum()
    };
    assert_eq!(metric(&first, "requests="), metric(&second, "requests="), "{first}\n{second}");
    let bytes = |plan: &str| plan.split("bytes_read=").nth(1).map(|t| t.split(',').next().unwrap_or("").to_string());
    assert_eq!(bytes(&first), bytes(&second), "{first}\n{second}");
    let read = bytes(&first).unwrap_or_default(); // DataFusion's count display: "812", "1.35 K", "3.67 M"
    let (number, scale) = match read.split_once(' ') {
        Some((n, "K")) => (n, 1e3),
        Some((n, "M")) => (n, 1e6),
        _ => (read.as_str(), 1.0),
    };
    let read = number.parse::<f64>().unwrap_or(0.0) * scale;
    let baskets = want.i64("sample_n_compressed_bytes") as f64;
    assert!(read >= baskets * 0.99, "bytes_read {read} < the {baskets} compressed bytes of n's baskets\n{first}");
}

#[tokio::test]
async fn limit_and_projection_read_only_what_is_asked() {
    let ctx = session_context();
    create_sample(&ctx).await;
    let plan = sql_text(&ctx, "EXPLAIN ANALYZE SELECT n FROM s LIMIT 5").await;
    assert!(plan.contains("projection=[n]"), "{plan}");
    let all = sql_text(&ctx, "EXPLAIN ANALYZE SELECT * FROM s").await;
    let baskets = |p: &str| -> u64 {
        p.split("baskets=")
            .skip(1)
            .map(|t| t.chars().take_while(char::is_ascii_digit).collect::<String>().parse::<u64>().unwrap_or(0))
            .sum()
    };
    assert!(baskets(&plan) >= 1, "{plan}");
    assert!(
        baskets(&plan) * 10 < baskets(&all),
        "limit 5 of one column: {} baskets, all: {}",
        baskets(&plan),
        baskets(&all)
    );
}

#[tokio::test]
async fn where_is_evaluated_in_the_scan_and_keeps_uproots_events() {
    let Some(want) = Reference::load("where_is_evaluated_in_the_scan_and_keeps_uproots_events") else { return };
    // Small batches: the selection meets many batches, some partly kept, and two partitions.
    let mut config = session_config().with_target_partitions(2).with_batch_size(333);
    config.options_mut().optimizer.repartition_file_min_size = 0;
    config.options_mut().sql_parser.enable_ident_normalization = false;
    let ctx = session_context_with(config);
    let sql = format!(
        "CREATE EXTERNAL TABLE e STORED AS ROOT LOCATION '{}' OPTIONS ('tree' 'Events')",
        testdata("nanoaod_like.root")
    );
    ctx.sql(&sql).await.unwrap().collect().await.unwrap();
    let selected = "FROM e WHERE nJet >= 3 AND MET_pt > 20";
    // The predicate runs in the scan (it reads nJet and MET_pt besides the output): no FilterExec above it.
    let plan = sql_text(&ctx, &format!("EXPLAIN SELECT Jet_pt {selected}")).await;
    assert!(plan.contains("predicate=nJet@") && !plan.contains("FilterExec"), "{plan}");
    assert_eq!(scalar_i64(&ctx, &format!("SELECT count(*) {selected}")).await, want.i64("nano_selected"));
    let jets = format!("SELECT sum(cardinality(Jet_pt)) {selected}");
    assert_eq!(scalar_i64(&ctx, &jets).await, want.i64("nano_selected_jets"));
    let pt = scalar_f64(&ctx, &format!("SELECT sum(array_sum(CAST(Jet_pt AS DOUBLE[]))) {selected}")).await;
    assert!((pt - want.f64("nano_selected_jet_pt_sum")).abs() < 1e-9 * pt.abs(), "{pt}");
    let charge = format!("SELECT sum(array_sum(CAST(Muon_charge AS BIGINT[]))) {selected}");
    assert_eq!(scalar_i64(&ctx, &charge).await, want.i64("nano_selected_muon_charge_sum"));
    // A limit counts selected events, not entries read.
    let first = sql_text(&ctx, &format!("SELECT event {selected} ORDER BY event LIMIT 7")).await;
    let events = want.i64_list("nano_first_selected_events");
    assert_eq!(events.len(), 7);
    for e in events {
        assert!(first.contains(&format!(" {} ", e)), "event {e} missing in\n{first}");
    }
    let limited = format!("SELECT count(*) FROM (SELECT Jet_pt {selected} LIMIT 7)");
    assert_eq!(scalar_i64(&ctx, &limited).await, 7);
}

#[tokio::test]
async fn errors_name_the_files() {
    let ctx = session_context();
    // Two files whose only tables differ: the second file is named with the first.
    let sql = format!(
        "CREATE EXTERNAL TABLE m STORED AS ROOT LOCATION ('{}', '{}')",
        testdata("compression/zlib-1.root"),
        testdata("nanoaod_like.root")
    );
    ctx.sql(&sql).await.unwrap().collect().await.unwrap();
    let err = match ctx.sql("SELECT count(*) FROM m").await {
        Ok(df) => df.collect().await.unwrap_err().to_string(),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains("schema mismatch") && err.contains("zlib-1.root") && err.contains("nanoaod_like.root"),
        "{err}"
    );

    let missing = format!("SELECT * FROM read_root('{}', 'nope')", testdata("nanoaod_like.root"));
    let err = ctx.sql(&missing).await.map(|_| ()).unwrap_err().to_string();
    assert!(err.contains("nanoaod_like.root") && err.contains("nope"), "{err}");

    let nothing = format!("SELECT * FROM read_root('{}')", testdata("compression/none-*.root"));
    let err = ctx.sql(&nothing).await.map(|_| ()).unwrap_err().to_string();
    assert!(err.contains("compression"), "the error names the location: {err}");

    let bad = "CREATE EXTERNAL TABLE b STORED AS ROOT LOCATION 'x.root' OPTIONS ('trees' 'x')";
    let err = ctx.sql(bad).await.map(|_| ()).unwrap_err().to_string();
    assert!(err.contains("unknown ROOT table option") && err.contains("trees"), "{err}");
}
