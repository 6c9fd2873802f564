//! hadron-tfrecord: TFRecord files that TensorFlow reads as they are, and `tf.train.Example` ↔ Apache Arrow.
//!
//! Layers: [`crc`] (masked CRC32C) → [`record`] (framing, GZIP) → [`example`] (prost messages from
//! `proto/tensorflow_example.proto`) → [`to_example`] / [`from_example`] (Arrow rows ↔ Examples) →
//! [`reader`] / [`shard`] (files: batches in, batches out, atomic sharded writes).

pub mod crc;
pub mod error;
pub mod example;
pub mod from_example;
pub mod reader;
pub mod record;
pub mod shard;
pub mod to_example;

pub use error::{Error, Result};
pub use example::{Example, Feature, Features};
pub use from_example::{DType, ExampleBatchBuilder, FeatureSpec, Shape, examples_to_batch, spec_schema};
pub use reader::ExampleReader;
pub use record::{Compression, RecordReader, RecordWriter};
pub use shard::{ExampleFileWriter, ShardWriter, shard_name};
pub use to_example::{RowEncoder, batch_to_examples};
