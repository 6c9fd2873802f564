//! `hadron convert`: TTrees or RNTuples of ROOT files → one Parquet file, one TFRecord file, or N TFRecord
//! shards in a directory; every output file is written under a temporary name and renamed when complete.

use std::fs::File;
use std::io::Write;
use std::ops::Range;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use arrow_array::RecordBatch;
use arrow_schema::SchemaRef;
use clap::Args;
use hadron_root::TableReader;
use hadron_root::arrow::ReadOptions;
use hadron_tfrecord::{ExampleFileWriter, ShardWriter};
use indicatif::{ProgressBar, ProgressStyle};
use parquet::arrow::ArrowWriter;
use parquet::basic::{Compression, ZstdLevel};
use parquet::file::properties::WriterProperties;

/// Arguments of `hadron convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Input ROOT files (read in order, concatenated).
    #[arg(required = true)]
    inputs: Vec<String>,
    /// TTree or RNTuple path inside each file (e.g. `Events` or `dir/tree;2`).
    #[arg(long)]
    tree: String,
    /// Output: `FILE.parquet`, `FILE.tfrecord` (one `tf.train.Example` per entry), or a directory
    /// `DIR/` with `--shards N` (TFRecord shards `part-0000i-of-0000N.tfrecord`, entries dealt round-robin).
    #[arg(long)]
    to: PathBuf,
    /// Number of TFRecord shards written into the `--to` directory.
    #[arg(long)]
    shards: Option<usize>,
    /// Comma-separated top-level branches to convert (default: every readable branch).
    #[arg(long, value_delimiter = ',')]
    branches: Option<Vec<String>>,
    /// Entry range `A:B` (half-open; either side may be omitted), applied to each file.
    #[arg(long)]
    entries: Option<String>,
    /// Rows per record batch / Parquet row-group slice.
    #[arg(long, default_value_t = 65_536)]
    batch_size: usize,
    /// Compression: Parquet none, snappy, zstd (default zstd); TFRecord none, gzip (default none).
    #[arg(long)]
    compression: Option<String>,
}

/// What `--to` asks for.
enum Output {
    Parquet(Compression),
    TfRecord(hadron_tfrecord::Compression),
    TfRecordShards(usize, hadron_tfrecord::Compression),
}

fn output_of(args: &ConvertArgs) -> Result<Output> {
    let to = args.to.to_string_lossy();
    let is_dir = to.ends_with('/') || to.ends_with(std::path::MAIN_SEPARATOR);
    let tf_compression =
        || -> Result<hadron_tfrecord::Compression> { Ok(args.compression.as_deref().unwrap_or("none").parse()?) };
    if is_dir || args.shards.is_some() {
        let Some(n) = args.shards.filter(|n| *n > 0) else {
            bail!("--to {to}: a directory output needs --shards N (N >= 1)");
        };
        if !is_dir {
            bail!("--shards {n}: --to must be a directory ending in '/' (got {to})");
        }
        return Ok(Output::TfRecordShards(n, tf_compression()?));
    }
    match args.to.extension().and_then(|e| e.to_str()) {
        Some("parquet") => Ok(Output::Parquet(match args.compression.as_deref().unwrap_or("zstd") {
            "none" => Compression::UNCOMPRESSED,
            "snappy" => Compression::SNAPPY,
            "zstd" => Compression::ZSTD(ZstdLevel::try_new(1)?),
            c => bail!("--compression {c}: use none, snappy or zstd"),
        })),
        Some("tfrecord") => Ok(Output::TfRecord(tf_compression()?)),
        other => bail!(
            "--to {to}: unsupported output format {:?} (use .parquet, .tfrecord or DIR/ with --shards N)",
            other.unwrap_or("")
        ),
    }
}

fn parse_entries(s: &str) -> Result<Range<u64>> {
    let (a, b) = s.split_once(':').with_context(|| format!("--entries '{s}' is not of the form A:B"))?;
    let a = if a.is_empty() { 0 } else { a.parse().with_context(|| format!("--entries start '{a}'"))? };
    let b = if b.is_empty() { u64::MAX } else { b.parse().with_context(|| format!("--entries end '{b}'"))? };
    if b < a {
        bail!("--entries {a}:{b} is empty (end before start)");
    }
    Ok(a..b)
}

fn temp_path(to: &Path) -> PathBuf {
    let name = to.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    to.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

pub async fn run(args: ConvertArgs, out: &mut dyn Write, err: &mut dyn Write) -> Result<()> {
    let output = output_of(&args)?;
    let options = ReadOptions {
        branches: args.branches.clone(),
        entries: args.entries.as_deref().map(parse_entries).transpose()?,
        batch_size: args.batch_size.max(1),
        parallel: true,
    };
    // Open every input first: a bad file fails before anything is written.
    let inputs = crate::input::expand(&args.inputs).await?;
    let mut readers = Vec::with_capacity(inputs.len());
    for input in &inputs {
        let file = crate::input::open(input).await.with_context(|| format!("opening {input}"))?;
        let reader = TableReader::open(&file, &args.tree, &options).await?;
        for (name, why) in reader.skipped() {
            writeln!(err, "hadron: skipping branch '{name}': {why}")?;
        }
        readers.push((input.clone(), reader));
    }
    let schema: SchemaRef = match readers.first() {
        Some((_, r)) => r.schema(),
        None => bail!("no input files"),
    };
    for (input, r) in &readers[1..] {
        if r.schema() != schema {
            bail!("schema of {input} differs from {}: {} vs {}", inputs[0], r.schema(), schema);
        }
    }
    let total: u64 = readers.iter().map(|(_, r)| r.entry_range().end - r.entry_range().start).sum();
    let bar = ProgressBar::new(total).with_style(
        ProgressStyle::with_template(
            "{spinner} [{elapsed_precise}] {bar:40} {pos}/{len} entries ({per_sec}, eta {eta})",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    if let Some(dir) = args.to.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let compression = match output {
        Output::Parquet(c) => c,
        Output::TfRecord(c) => {
            let mut w = ExampleFileWriter::create(&args.to, c)?;
            // On error `w` is dropped unfinished, which removes its temporary file.
            let rows = for_each_batch(&mut readers, &bar, |b| Ok(w.write_batch(b)?)).await?;
            bar.finish_and_clear();
            w.finish()?;
            writeln!(out, "wrote {rows} entries from {} file(s) to {}", inputs.len(), args.to.display())?;
            return Ok(());
        }
        Output::TfRecordShards(n, c) => {
            let mut w = ShardWriter::create(&args.to, n, c)?;
            let rows = for_each_batch(&mut readers, &bar, |b| Ok(w.write_batch(b)?)).await?;
            bar.finish_and_clear();
            w.finish()?;
            let to = args.to.display();
            writeln!(out, "wrote {rows} entries from {} file(s) to {to} ({n} shards)", inputs.len())?;
            return Ok(());
        }
    };
    let tmp = temp_path(&args.to);
    let result = write_parquet(&tmp, schema, &mut readers, compression, &bar).await;
    bar.finish_and_clear();
    let rows = match result {
        Ok(rows) => rows,
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            return Err(e);
        }
    };
    std::fs::rename(&tmp, &args.to).with_context(|| format!("renaming {} to {}", tmp.display(), args.to.display()))?;
    writeln!(out, "wrote {rows} entries from {} file(s) to {}", inputs.len(), args.to.display())?;
    Ok(())
}

async fn write_parquet(
    tmp: &Path,
    schema: SchemaRef,
    readers: &mut [(String, TableReader)],
    compression: Compression,
    bar: &ProgressBar,
) -> Result<u64> {
    let file = File::create(tmp).with_context(|| format!("creating {}", tmp.display()))?;
    let props = WriterProperties::builder().set_compression(compression).build();
    let mut writer = ArrowWriter::try_new(file, schema, Some(props))?;
    let rows = for_each_batch(readers, bar, |b| Ok(writer.write(b)?)).await?;
    writer.close()?;
    Ok(rows)
}

/// The reader loop shared by every output: each batch of each input, in order. Returns the rows seen.
async fn for_each_batch(
    readers: &mut [(String, TableReader)],
    bar: &ProgressBar,
    mut write: impl FnMut(&RecordBatch) -> Result<()>,
) -> Result<u64> {
    let mut rows = 0u64;
    for (_, reader) in readers.iter_mut() {
        while let Some(batch) = reader.next_batch().await? {
            rows += batch.num_rows() as u64;
            bar.inc(batch.num_rows() as u64);
            write(&batch)?;
        }
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entry_ranges_parse() {
        assert_eq!(parse_entries("10:20").unwrap(), 10..20);
        assert_eq!(parse_entries(":5").unwrap(), 0..5);
        assert_eq!(parse_entries("7:").unwrap(), 7..u64::MAX);
        assert!(parse_entries("5:1").is_err());
        assert!(parse_entries("x").is_err());
    }
}
