//! Criterion benches: ROOT block decompression per algorithm (the floor of any basket read).

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use hadron::root::compress::{Algorithm, compress, decompress};

/// 4 MiB of big-endian float32 "physics" values (smooth, partly repetitive like real baskets).
fn payload() -> Vec<u8> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut out = Vec::with_capacity(4 << 20);
    while out.len() < 4 << 20 {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        let u = (state >> 40) as f32 / (1u64 << 24) as f32;
        let pt = 20.0 + 30.0 * (-u.max(1e-6).ln());
        out.extend_from_slice(&((pt * 100.0).round() / 100.0).to_be_bytes());
    }
    out
}

fn bench(c: &mut Criterion) {
    let data = payload();
    let mut g = c.benchmark_group("decompress");
    g.throughput(Throughput::Bytes(data.len() as u64));
    g.sample_size(20);
    for (alg, level) in [(Algorithm::Zlib, 1), (Algorithm::Zlib, 6), (Algorithm::Lz4, 4), (Algorithm::Zstd, 5), (Algorithm::Lzma, 1)] {
        let packed = compress(&data, alg, level).expect("compress");
        g.bench_function(format!("{}-{level}", alg.tag()), |b| b.iter(|| decompress(&packed, data.len()).expect("decompress")));
    }
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
