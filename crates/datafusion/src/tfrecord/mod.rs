//! tfrecord: `COPY (query) TO 'dir/' STORED AS TFRECORD OPTIONS ('shards' 'N', 'compression' 'gzip')`
//! — `file_format` (factory and options) → `sink` (atomic shard files of `tf.train.Example`s).

pub mod file_format;
pub mod sink;
pub mod write;

pub use file_format::{TfRecordFormat, TfRecordFormatFactory, TfRecordOptions};
pub use sink::TfRecordSink;
pub use write::write_tfrecord;
