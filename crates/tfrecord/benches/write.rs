//! bench: the reference spec (`HLF_input` f32[14], `GRU_input` f32[801,19], `encoded_label` f32[3]) from an
//! Arrow batch to TFRecord bytes in memory: Examples + framing, and framing alone.

use std::sync::Arc;

use arrow_array::{ArrayRef, FixedSizeListArray, Float32Array, RecordBatch};
use arrow_schema::Field;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hadron_tfrecord::{Compression, RecordWriter, RowEncoder};

fn fixed(values: ArrayRef, size: i32) -> ArrayRef {
    let field = Arc::new(Field::new("item", values.data_type().clone(), false));
    Arc::new(FixedSizeListArray::new(field, size, values, None))
}

fn batch(rows: usize) -> RecordBatch {
    let mut x = 0x1234_5678u32;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        x as f32 / u32::MAX as f32
    };
    let mut col = |n: usize| -> ArrayRef { Arc::new((0..n).map(|_| next()).collect::<Float32Array>()) };
    let (hlf, gru, lab) = (col(rows * 14), col(rows * 801 * 19), col(rows * 3));
    RecordBatch::try_from_iter([
        ("HLF_input", fixed(hlf, 14)),
        ("GRU_input", fixed(fixed(gru, 19), 801)),
        ("encoded_label", fixed(lab, 3)),
    ])
    .expect("batch")
}

fn write(batch: &RecordBatch, compression: Compression) -> Vec<u8> {
    let enc = RowEncoder::new(batch).expect("encoder");
    let mut w = RecordWriter::new(Vec::with_capacity(64 << 20), compression, "mem");
    let mut buf = Vec::new();
    for row in 0..enc.rows() {
        enc.encode_row(row, &mut buf).expect("encode");
        w.write_record(&buf).expect("write");
    }
    w.finish().expect("finish")
}

fn bench(c: &mut Criterion) {
    let b = batch(256);
    let bytes = write(&b, Compression::None).len() as u64;
    let mut g = c.benchmark_group("tfrecord_write");
    g.sample_size(10);
    g.throughput(Throughput::Bytes(bytes));
    g.bench_function("reference_spec_256_rows", |bench| bench.iter(|| write(&b, Compression::None)));
    g.bench_function("reference_spec_256_rows_gzip", |bench| bench.iter(|| write(&b, Compression::Gzip)));
    let enc = RowEncoder::new(&b).expect("encoder");
    let payloads: Vec<Vec<u8>> = (0..enc.rows())
        .map(|r| {
            let mut v = Vec::new();
            enc.encode_row(r, &mut v).expect("encode");
            v
        })
        .collect();
    g.bench_function("framing_only_256_records", |bench| {
        bench.iter(|| {
            let mut w = RecordWriter::new(Vec::with_capacity(64 << 20), Compression::None, "mem");
            for p in &payloads {
                w.write_record(p).expect("write");
            }
            w.finish().expect("finish")
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
