//! The DataFrame API on a NanoAOD-like file: events with at least two muons, their count, mean
//! missing transverse momentum and the mean leading-muon pT.
//!
//! `cargo run --example dataframe [-- FILE.root]` (default: `testdata/nanoaod_like.root`).

use datafusion::arrow::array::RecordBatch;
use datafusion::functions_aggregate::expr_fn::{avg, count};
use datafusion::functions_nested::expr_fn::array_element;
use hadron::prelude::*;

/// Events with `nMuon >= 2`: one row with `events`, `mean_met`, `mean_lead_mu_pt`.
pub async fn dimuon_summary(file: &str) -> datafusion::error::Result<Vec<RecordBatch>> {
    let ctx = HadronContext::new();
    let events = ctx.read_root(file, Some("Events")).await?;
    events
        .filter(ident("nMuon").gt_eq(lit(2)))?
        .aggregate(
            vec![],
            vec![
                count(lit(1)).alias("events"),
                avg(ident("MET_pt")).alias("mean_met"),
                avg(array_element(ident("Muon_pt"), lit(1))).alias("mean_lead_mu_pt"),
            ],
        )?
        .collect()
        .await
}

#[tokio::main]
async fn main() -> datafusion::error::Result<()> {
    let file = std::env::args().nth(1).unwrap_or_else(|| "testdata/nanoaod_like.root".to_string());
    let batches = dimuon_summary(&file).await?;
    let table = datafusion::arrow::util::pretty::pretty_format_batches(&batches)?;
    #[allow(clippy::print_stdout)]
    {
        println!("{table}");
    }
    Ok(())
}
