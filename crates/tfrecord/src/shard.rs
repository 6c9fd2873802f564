//! shard: Arrow batches → TFRecord files of Examples, written under a temporary name and renamed
//! when complete, so a killed job never leaves a partial file under the final name.

use std::fs::File;
use std::io::BufWriter;
use std::path::{Path, PathBuf};

use arrow_array::RecordBatch;

use crate::error::{Error, Result};
use crate::record::{Compression, RecordWriter};
use crate::to_example::RowEncoder;

/// The hidden name a file is written under before its rename: `.NAME.PID.tmp` beside it.
pub fn temp_path(path: &Path) -> PathBuf {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    path.with_file_name(format!(".{name}.{}.tmp", std::process::id()))
}

/// One TFRecord file of Examples, written atomically (temporary name, rename on [`finish`](Self::finish)).
#[derive(Debug)]
pub struct ExampleFileWriter {
    path: PathBuf,
    tmp: PathBuf,
    writer: Option<RecordWriter<BufWriter<File>>>,
    buf: Vec<u8>,
}

impl ExampleFileWriter {
    /// Starts writing `path` (under its temporary name).
    pub fn create(path: impl Into<PathBuf>, compression: Compression) -> Result<Self> {
        let path = path.into();
        let tmp = temp_path(&path);
        let writer = RecordWriter::create(&tmp, compression)?;
        Ok(ExampleFileWriter { path, tmp, writer: Some(writer), buf: Vec::new() })
    }

    /// Final path of the file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Records written so far.
    pub fn records(&self) -> u64 {
        self.writer.as_ref().map_or(0, RecordWriter::records)
    }

    /// Writes one serialized record.
    pub fn write_record(&mut self, payload: &[u8]) -> Result<()> {
        match &mut self.writer {
            Some(w) => w.write_record(payload),
            None => Err(Error::unsupported(format!("{} is already finished", self.path.display()))),
        }
    }

    /// Writes every row of `batch` as one Example.
    pub fn write_batch(&mut self, batch: &RecordBatch) -> Result<()> {
        let enc = RowEncoder::new(batch)?;
        let mut buf = std::mem::take(&mut self.buf);
        for row in 0..enc.rows() {
            enc.encode_row(row, &mut buf)?;
            self.write_record(&buf)?;
        }
        self.buf = buf;
        Ok(())
    }

    /// Flushes, then renames the temporary file to its final name. Returns the records written.
    pub fn finish(mut self) -> Result<u64> {
        let Some(w) = self.writer.take() else { return Ok(0) };
        let records = w.records();
        let file = w
            .finish()?
            .into_inner()
            .map_err(|e| Error::io(format!("flushing {}", self.tmp.display()), e.into_error()))?;
        file.sync_all().map_err(|e| Error::io(format!("syncing {}", self.tmp.display()), e))?;
        std::fs::rename(&self.tmp, &self.path)
            .map_err(|e| Error::io(format!("renaming {} to {}", self.tmp.display(), self.path.display()), e))?;
        Ok(records)
    }
}

impl Drop for ExampleFileWriter {
    /// An unfinished file (error or early return) is removed.
    fn drop(&mut self) {
        if self.writer.take().is_some() {
            let _ = std::fs::remove_file(&self.tmp);
        }
    }
}

/// The name of shard `index` of `count`: `part-00000-of-00004.tfrecord` (`.tfrecord.gz` when GZIP).
pub fn shard_name(index: usize, count: usize, compression: Compression) -> String {
    let ext = match compression {
        Compression::None => "tfrecord",
        Compression::Gzip => "tfrecord.gz",
    };
    format!("part-{index:05}-of-{count:05}.{ext}")
}

/// Writes rows into N shard files in one directory, **round-robin**: row `k` of the whole stream
/// (counting across batches) goes to shard `k mod N`, so shards differ by at most one record and
/// no total row count is needed up front. Every shard exists after [`finish`](Self::finish), even
/// an empty one; until then each lives under a hidden temporary name.
#[derive(Debug)]
pub struct ShardWriter {
    shards: Vec<ExampleFileWriter>,
    next: usize,
}

impl ShardWriter {
    /// Creates `dir` if needed and starts `count` shards (at least one).
    pub fn create(dir: impl AsRef<Path>, count: usize, compression: Compression) -> Result<Self> {
        let dir = dir.as_ref();
        let count = count.max(1);
        std::fs::create_dir_all(dir).map_err(|e| Error::io(format!("creating {}", dir.display()), e))?;
        let shards = (0..count)
            .map(|i| ExampleFileWriter::create(dir.join(shard_name(i, count, compression)), compression))
            .collect::<Result<Vec<_>>>()?;
        Ok(ShardWriter { shards, next: 0 })
    }

    /// Final paths of the shards.
    pub fn paths(&self) -> Vec<PathBuf> {
        self.shards.iter().map(|s| s.path().to_path_buf()).collect()
    }

    /// Writes every row of `batch`, continuing the round-robin where the previous batch stopped.
    pub fn write_batch(&mut self, batch: &RecordBatch) -> Result<()> {
        let enc = RowEncoder::new(batch)?;
        let mut buf = Vec::new();
        let n = self.shards.len();
        for row in 0..enc.rows() {
            enc.encode_row(row, &mut buf)?;
            self.shards[self.next].write_record(&buf)?;
            self.next = (self.next + 1) % n;
        }
        Ok(())
    }

    /// Finishes and renames every shard; returns the records per shard.
    pub fn finish(self) -> Result<Vec<u64>> {
        let mut counts = Vec::with_capacity(self.shards.len());
        let mut first_err = None;
        for s in self.shards {
            match s.finish() {
                Ok(n) => counts.push(n),
                Err(e) => {
                    first_err.get_or_insert(e);
                }
            }
        }
        match first_err {
            Some(e) => Err(e),
            None => Ok(counts),
        }
    }
}
