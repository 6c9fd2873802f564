//! The DataFrame API on a NanoAOD-like file, without SQL strings: events with at least two muons, their
//! count, mean missing transverse momentum and mean leading-muon pT; then per event the dimuon features
//! (invariant mass and ΔR of the two leading muons) written as Parquet.
//!
//! `cargo run --example dataframe [-- FILE.root [OUT_DIR]]` (default: `testdata/nanoaod_like.root`,
//! `out/dimuon/`).

use datafusion::arrow::array::RecordBatch;
use datafusion::dataframe::DataFrameWriteOptions;
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

/// Events with `nMuon >= 2`: `event`, `MET_pt`, `mumu_mass` and `mumu_dr` of the two leading muons,
/// written as Parquet files into the directory `out`.
pub async fn dimuon_features(file: &str, out: &str) -> datafusion::error::Result<()> {
    let ctx = HadronContext::new();
    let events = ctx.read_root(file, Some("Events")).await?;
    let mu = |branch: &str, i: i64| array_element(ident(branch), lit(i));
    let features = events.filter(ident("nMuon").gt_eq(lit(2)))?.select(vec![
        ident("event"),
        ident("MET_pt"),
        hep::inv_mass(vec![
            mu("Muon_pt", 1),
            mu("Muon_eta", 1),
            mu("Muon_phi", 1),
            mu("Muon_mass", 1),
            mu("Muon_pt", 2),
            mu("Muon_eta", 2),
            mu("Muon_phi", 2),
            mu("Muon_mass", 2),
        ])
        .alias("mumu_mass"),
        hep::delta_r(vec![mu("Muon_eta", 1), mu("Muon_phi", 1), mu("Muon_eta", 2), mu("Muon_phi", 2)]).alias("mumu_dr"),
    ])?;
    features.write_parquet(out, DataFrameWriteOptions::new(), None).await?;
    Ok(())
}

#[tokio::main]
async fn main() -> datafusion::error::Result<()> {
    let file = std::env::args().nth(1).unwrap_or_else(|| "testdata/nanoaod_like.root".to_string());
    let out = std::env::args().nth(2).unwrap_or_else(|| "out/dimuon/".to_string());
    let batches = dimuon_summary(&file).await?;
    let table = datafusion::arrow::util::pretty::pretty_format_batches(&batches)?;
    dimuon_features(&file, &out).await?;
    #[allow(clippy::print_stdout)]
    {
        println!("{table}");
        println!("wrote {out} (event, MET_pt, mumu_mass, mumu_dr)");
    }
    Ok(())
}
