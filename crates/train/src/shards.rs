//! shards: finding Parquet / TFRecord shard files and streaming their rows as [`Event`]s (the model's input
//! columns, e.g. `HLF_input` and `GRU_input`, and `encoded_label`), checked against the model's sizes.

use std::fs::File;
use std::path::{Path, PathBuf};

use arrow_array::cast::AsArray;
use arrow_array::types::{Float32Type, Float64Type};
use arrow_array::{Array, RecordBatch};
use arrow_schema::DataType;
use hadron_nn::Model;
use hadron_tfrecord::example::{Kind, Message};
use hadron_tfrecord::{Compression, Example, RecordReader};
use parquet::arrow::ProjectionMask;
use parquet::arrow::arrow_reader::ParquetRecordBatchReaderBuilder;

use crate::error::{Error, Result};

/// The name of the one-hot label column.
pub const LABEL: &str = "encoded_label";

/// One event: the values of each model input (flattened, in the model's input order) and the one-hot label.
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    /// One vector per model input (`steps·features` values for a sequence).
    pub inputs: Vec<Vec<f32>>,
    /// One-hot label (`classes` values).
    pub label: Vec<f32>,
}

/// File format of a shard.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Apache Parquet (`.parquet`).
    Parquet,
    /// TFRecord of `tf.train.Example` (`.tfrecord`, `.tfrecord.gz` GZIP).
    TfRecord,
}

impl Format {
    /// The format of `path` by its extension.
    pub fn of(path: &Path) -> Option<Format> {
        let name = path.file_name()?.to_string_lossy();
        if name.starts_with('.') {
            return None; // temporaries of atomic writers
        }
        if name.ends_with(".parquet") {
            Some(Format::Parquet)
        } else if name.ends_with(".tfrecord") || name.ends_with(".tfrecord.gz") || name.ends_with(".tfrecords") {
            Some(Format::TfRecord)
        } else {
            None
        }
    }
}

/// The columns to read and the sizes the model expects.
#[derive(Debug, Clone)]
pub struct Columns {
    /// Input column names, in the model's input order.
    pub inputs: Vec<String>,
    /// Values per event of each input.
    pub sizes: Vec<usize>,
    /// Number of classes (values of the label).
    pub classes: usize,
}

impl Columns {
    /// The columns `model` reads.
    pub fn of(model: &Model) -> Self {
        Columns {
            inputs: model.spec.inputs.iter().map(|i| i.name.clone()).collect(),
            sizes: model.input_sizes.clone(),
            classes: model.classes,
        }
    }

    /// Names of the columns read: the inputs, then the label.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.inputs.iter().map(String::as_str).chain([LABEL])
    }

    /// Values per event of column `col` of [`Columns::names`].
    pub fn size(&self, col: usize) -> usize {
        self.sizes.get(col).copied().unwrap_or(self.classes)
    }

    /// The complaint when column `col` of [`Columns::names`] has `have` values in one event.
    pub fn size_error(&self, col: usize, have: usize) -> Option<String> {
        let want = self.size(col);
        if have == want {
            return None;
        }
        Some(match self.inputs.get(col) {
            Some(name) => format!("{name} has {have} values, the model expects {want}"),
            None => format!("{LABEL} has {have} values, the model has {want} classes"),
        })
    }

    fn check(&self, file: &str, record: u64, ev: &Event) -> Result<()> {
        let lens = ev.inputs.iter().map(Vec::len).chain([ev.label.len()]);
        for (col, have) in lens.enumerate() {
            if let Some(what) = self.size_error(col, have) {
                return Err(Error::data(file, record, what));
            }
        }
        Ok(())
    }
}

/// The shard files under `path` (a file, or a directory searched recursively), sorted by name. When a
/// directory holds both formats, `prefer` picks one (default: Parquet).
pub fn find(path: &Path, prefer: Option<Format>) -> Result<Vec<PathBuf>> {
    if path.is_file() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut all = Vec::new();
    walk(path, &mut all)?;
    all.sort();
    let has = |f: Format| all.iter().any(|p| Format::of(p) == Some(f));
    let pick = match prefer {
        Some(f) => f,
        None if has(Format::Parquet) => Format::Parquet,
        None => Format::TfRecord,
    };
    let files: Vec<PathBuf> = all.into_iter().filter(|p| Format::of(p) == Some(pick)).collect();
    if files.is_empty() {
        return Err(Error::NoShards { dir: path.to_path_buf() });
    }
    Ok(files)
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> Result<()> {
    let rd = std::fs::read_dir(dir).map_err(|e| Error::io(format!("listing {}", dir.display()), e))?;
    for entry in rd {
        let p = entry.map_err(|e| Error::io(format!("listing {}", dir.display()), e))?.path();
        if p.is_dir() {
            walk(&p, out)?;
        } else if Format::of(&p).is_some() {
            out.push(p);
        }
    }
    Ok(())
}

/// Number of events in `path` (Parquet: from the footer; TFRecord: by reading the framing).
pub fn count(path: &Path) -> Result<u64> {
    let file = path.display().to_string();
    match Format::of(path) {
        Some(Format::Parquet) => {
            let f = File::open(path).map_err(|e| Error::io(format!("opening {file}"), e))?;
            let b = ParquetRecordBatchReaderBuilder::try_new(f).map_err(|e| Error::shard(&file, e.to_string()))?;
            Ok(b.metadata().file_metadata().num_rows().max(0) as u64)
        }
        _ => {
            let mut r = tf_reader(path)?;
            let mut buf = Vec::new();
            let mut n = 0;
            while r.read_record(&mut buf).map_err(|e| Error::shard(&file, e.to_string()))?.is_some() {
                n += 1;
            }
            Ok(n)
        }
    }
}

/// Streams every event of the shard `path` into `f`, in file order.
pub fn read(path: &Path, cols: &Columns, f: &mut dyn FnMut(Event) -> Result<()>) -> Result<()> {
    match Format::of(path) {
        Some(Format::Parquet) => read_parquet(path, cols, f),
        Some(Format::TfRecord) => read_tfrecord(path, cols, f),
        None => Err(Error::shard(path.display().to_string(), "not a .parquet or .tfrecord file")),
    }
}

fn tf_reader(path: &Path) -> Result<RecordReader<std::io::BufReader<File>>> {
    let gz = path.to_string_lossy().ends_with(".gz");
    let c = if gz { Compression::Gzip } else { Compression::None };
    RecordReader::open(path, c).map_err(|e| Error::shard(path.display().to_string(), e.to_string()))
}

fn read_tfrecord(path: &Path, cols: &Columns, f: &mut dyn FnMut(Event) -> Result<()>) -> Result<()> {
    let file = path.display().to_string();
    let mut r = tf_reader(path)?;
    let mut buf = Vec::new();
    let mut record = 0u64;
    while r.read_record(&mut buf).map_err(|e| Error::shard(&file, e.to_string()))?.is_some() {
        let ex = Example::decode(buf.as_slice())
            .map_err(|e| Error::data(&file, record, format!("not a tf.train.Example: {e}")))?;
        let get = |name: &str| -> Result<Vec<f32>> {
            let feat = ex.feature(name).ok_or_else(|| Error::data(&file, record, format!("no feature {name}")))?;
            match &feat.kind {
                Some(Kind::FloatList(l)) => Ok(l.value.clone()),
                Some(Kind::Int64List(l)) => Ok(l.value.iter().map(|&v| v as f32).collect()),
                _ => Err(Error::data(
                    &file,
                    record,
                    format!("feature {name} is a {}, not a float_list", feat.kind_name()),
                )),
            }
        };
        let inputs = cols.inputs.iter().map(|n| get(n)).collect::<Result<Vec<_>>>()?;
        let ev = Event { inputs, label: get(LABEL)? };
        cols.check(&file, record, &ev)?;
        f(ev)?;
        record += 1;
    }
    Ok(())
}

fn read_parquet(path: &Path, cols: &Columns, f: &mut dyn FnMut(Event) -> Result<()>) -> Result<()> {
    let file = path.display().to_string();
    read_parquet_columns(path, cols, &mut |record, flat| {
        for row in 0..flat[0].1.len() - 1 {
            let mut vals = flat.iter().map(|(v, o)| v[o[row]..o[row + 1]].to_vec()).collect::<Vec<_>>();
            let label = vals.pop().unwrap_or_default();
            let ev = Event { inputs: vals, label };
            cols.check(&file, record + row as u64, &ev)?;
            f(ev)?;
        }
        Ok(())
    })
}

/// Values and row offsets of the columns ([`Columns::names`]).
pub type Flat = [(Vec<f32>, Vec<usize>)];

/// Streams the Parquet shard `path` as record batches of flattened columns (inputs then label, each as f32
/// values with row offsets; sizes not yet checked) into `f`, with the file's record number of the first row.
pub fn read_parquet_columns(path: &Path, cols: &Columns, f: &mut dyn FnMut(u64, &Flat) -> Result<()>) -> Result<()> {
    let file = path.display().to_string();
    let fh = File::open(path).map_err(|e| Error::io(format!("opening {file}"), e))?;
    let builder = ParquetRecordBatchReaderBuilder::try_new(fh).map_err(|e| Error::shard(&file, e.to_string()))?;
    let schema = builder.schema().clone();
    let wanted: Vec<&str> = cols.names().collect();
    let mut roots = Vec::new();
    for name in &wanted {
        let i = schema.index_of(name).map_err(|_| {
            let have: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
            Error::shard(&file, format!("no column {name} (columns: {})", have.join(", ")))
        })?;
        roots.push(i);
    }
    let mask = ProjectionMask::roots(builder.parquet_schema(), roots);
    let reader =
        builder.with_projection(mask).with_batch_size(1024).build().map_err(|e| Error::shard(&file, e.to_string()))?;
    let mut record = 0u64;
    for batch in reader {
        let batch = batch.map_err(|e| Error::shard(&file, format!("after record {record}: {e}")))?;
        let flat = wanted.iter().map(|n| column(&batch, n, &file, record)).collect::<Result<Vec<_>>>()?;
        f(record, &flat)?;
        record += batch.num_rows() as u64;
    }
    Ok(())
}

/// A column flattened to f32 values with row offsets.
fn column(batch: &RecordBatch, name: &str, file: &str, first: u64) -> Result<(Vec<f32>, Vec<usize>)> {
    let arr = batch.column_by_name(name).ok_or_else(|| Error::shard(file, format!("no column {name}")))?;
    if arr.null_count() > 0 {
        let row = (0..arr.len()).find(|&i| arr.is_null(i)).unwrap_or(0);
        return Err(Error::data(file, first + row as u64, format!("{name} is null")));
    }
    flatten(arr.as_ref()).map_err(|what| Error::data(file, first, format!("column {name}: {what}")))
}

/// Values (as f32) and per-row offsets of a float / double column, or a (nested) list of them.
fn flatten(arr: &dyn Array) -> std::result::Result<(Vec<f32>, Vec<usize>), String> {
    let n = arr.len();
    match arr.data_type() {
        DataType::Float32 => Ok((arr.as_primitive::<Float32Type>().values().to_vec(), (0..=n).collect())),
        DataType::Float64 => {
            Ok((arr.as_primitive::<Float64Type>().values().iter().map(|&v| v as f32).collect(), (0..=n).collect()))
        }
        DataType::List(_) => {
            let l = arr.as_list::<i32>();
            let (v, co) = flatten(l.values().as_ref())?;
            Ok((v, l.value_offsets().iter().map(|&o| co[o as usize]).collect()))
        }
        DataType::LargeList(_) => {
            let l = arr.as_list::<i64>();
            let (v, co) = flatten(l.values().as_ref())?;
            Ok((v, l.value_offsets().iter().map(|&o| co[o as usize]).collect()))
        }
        DataType::FixedSizeList(_, k) => {
            let l = arr.as_fixed_size_list();
            let (v, co) = flatten(l.values().as_ref())?;
            let k = *k as usize;
            Ok((v, (0..=n).map(|r| co[l.value_offset(0) as usize + r * k]).collect()))
        }
        other => Err(format!("type {other} is not float, double or a list of them")),
    }
}
