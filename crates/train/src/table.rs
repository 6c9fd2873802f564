//! table: shard files decoded once into memory, column by column (one flat `events × size` vector per model
//! input and one for the labels), as Keras's `fit` holds numpy arrays or `tf.data`'s `cache()` does. Epochs
//! then shuffle row numbers and gather rows instead of decoding Parquet again; the loader uses it when the
//! decoded size fits the memory budget (`--cache-mb`).

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::error::{Error, Result};
use crate::shards::{self, Columns, Format};

/// Events of several shard files, held column by column.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Table {
    /// Number of events.
    pub n: usize,
    /// One flat vector (`n × size`) per model input.
    pub inputs: Vec<Vec<f32>>,
    /// One-hot labels, flat (`n × classes`).
    pub labels: Vec<f32>,
    /// Rows of each file, in the order of the files given to [`Table::load`].
    pub files: Vec<Range<usize>>,
    /// Seconds [`Table::load`] took.
    pub load_seconds: f64,
}

impl Table {
    /// Bytes the events of `files` take decoded (counted from Parquet footers / TFRecord framing).
    pub fn decoded_bytes(files: &[PathBuf], cols: &Columns) -> Result<u64> {
        let per_event = (cols.sizes.iter().sum::<usize>() + cols.classes) as u64 * 4;
        let mut events = 0;
        for f in files {
            events += shards::count(f)?;
        }
        Ok(events * per_event)
    }

    /// Decodes every event of `files` (checked against `cols` as the streaming reader checks them).
    pub fn load(files: &[PathBuf], cols: &Columns) -> Result<Table> {
        let start = Instant::now();
        let mut t = Table { inputs: vec![Vec::new(); cols.inputs.len()], ..Table::default() };
        for f in files {
            let first = t.n;
            match Format::of(f) {
                Some(Format::Parquet) => t.append_parquet(f, cols)?,
                _ => shards::read(f, cols, &mut |ev| {
                    for (dst, src) in t.inputs.iter_mut().zip(&ev.inputs) {
                        dst.extend_from_slice(src);
                    }
                    t.labels.extend_from_slice(&ev.label);
                    t.n += 1;
                    Ok(())
                })?,
            }
            t.files.push(first..t.n);
        }
        t.load_seconds = start.elapsed().as_secs_f64();
        Ok(t)
    }

    /// Parquet without a per-event step: each record batch's columns are checked and appended whole.
    fn append_parquet(&mut self, path: &Path, cols: &Columns) -> Result<()> {
        shards::read_parquet_columns(path, cols, &mut |record, flat| {
            let (label, inputs) = flat.split_last().expect("the label column is always read");
            let rows = label.1.len() - 1;
            for row in 0..rows {
                for (col, (_, o)) in flat.iter().enumerate() {
                    if let Some(what) = cols.size_error(col, o[row + 1] - o[row]) {
                        return Err(Error::data(path.display().to_string(), record + row as u64, what));
                    }
                }
            }
            for (dst, (v, o)) in self.inputs.iter_mut().zip(inputs) {
                dst.extend_from_slice(&v[o[0]..o[rows]]);
            }
            self.labels.extend_from_slice(&label.0[label.1[0]..label.1[rows]]);
            self.n += rows;
            Ok(())
        })
    }

    /// Decoded size in bytes.
    pub fn bytes(&self) -> u64 {
        (self.inputs.iter().map(Vec::len).sum::<usize>() + self.labels.len()) as u64 * 4
    }
}
