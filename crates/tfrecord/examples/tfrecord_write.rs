//! Hadron's half of `benches/compare/tfrecord_write.py`: reads raw float32 arrays the script wrote
//! (`hlf.f32` N×14, `gru.f32` N×801×19, `label.f32` N×3), writes them as Examples to `DIR/hadron.tfrecord`
//! and re-frames the payloads of `DIR/tf.tfrecord` to `DIR/hadron_frame.tfrecord`, timing both.
//! Prints one JSON line: seconds (best of REPS) and bytes.
//!
//! usage: tfrecord_write DIR N [REPS]

use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use arrow_array::{ArrayRef, FixedSizeListArray, Float32Array, RecordBatch};
use arrow_schema::Field;
use hadron_tfrecord::{Compression, RecordReader, RecordWriter, RowEncoder};

type Res<T> = Result<T, Box<dyn std::error::Error>>;

fn fixed(values: ArrayRef, size: i32) -> ArrayRef {
    let field = Arc::new(Field::new("item", values.data_type().clone(), false));
    Arc::new(FixedSizeListArray::new(field, size, values, None))
}

fn floats(path: &std::path::Path, n: usize) -> Res<ArrayRef> {
    let bytes = std::fs::read(path)?;
    if bytes.len() != n * 4 {
        return Err(format!("{}: {} bytes, expected {}", path.display(), bytes.len(), n * 4).into());
    }
    Ok(Arc::new(bytes.chunks_exact(4).map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]])).collect::<Float32Array>()))
}

fn main() -> Res<()> {
    let args: Vec<String> = std::env::args().collect();
    let (Some(dir), Some(n)) = (args.get(1), args.get(2)) else {
        return Err("usage: tfrecord_write DIR N [REPS]".into());
    };
    let dir = std::path::Path::new(dir);
    let n: usize = n.parse()?;
    let reps: usize = args.get(3).map(|r| r.parse()).transpose()?.unwrap_or(3);
    let batch = RecordBatch::try_from_iter([
        ("HLF_input", fixed(floats(&dir.join("hlf.f32"), n * 14)?, 14)),
        ("GRU_input", fixed(fixed(floats(&dir.join("gru.f32"), n * 801 * 19)?, 19), 801)),
        ("encoded_label", fixed(floats(&dir.join("label.f32"), n * 3)?, 3)),
    ])?;
    let mut best_examples = f64::INFINITY;
    let mut bytes = 0;
    for _ in 0..reps {
        let t = Instant::now();
        let enc = RowEncoder::new(&batch)?;
        let mut w = RecordWriter::create(dir.join("hadron.tfrecord"), Compression::None)?;
        let mut buf = Vec::new();
        for row in 0..enc.rows() {
            enc.encode_row(row, &mut buf)?;
            w.write_record(&buf)?;
        }
        bytes = w.bytes();
        w.finish()?;
        best_examples = best_examples.min(t.elapsed().as_secs_f64());
    }
    let mut payloads = Vec::new();
    let mut r = RecordReader::open(dir.join("tf.tfrecord"), Compression::None)?;
    while let Some(p) = r.next_record()? {
        payloads.push(p);
    }
    let mut best_frame = f64::INFINITY;
    let mut frame_bytes = 0;
    for _ in 0..reps {
        let t = Instant::now();
        let mut w = RecordWriter::create(dir.join("hadron_frame.tfrecord"), Compression::None)?;
        for p in &payloads {
            w.write_record(p)?;
        }
        frame_bytes = w.bytes();
        w.finish()?;
        best_frame = best_frame.min(t.elapsed().as_secs_f64());
    }
    writeln!(
        std::io::stdout(),
        "{{\"examples_s\": {best_examples}, \"examples_bytes\": {bytes}, \"frame_s\": {best_frame}, \"frame_bytes\": {frame_bytes}, \"records\": {}}}",
        payloads.len()
    )?;
    Ok(())
}
