//! Damaged files never panic: seeded byte flips and truncations of ROOT-written fixtures give errors or data.

use std::panic::AssertUnwindSafe;
use std::path::Path;
use std::sync::Arc;

use futures::FutureExt;
use hadron_root::bytes::MemorySource;
use hadron_root::{RootFile, TableReader};

async fn read_everything(bytes: Vec<u8>, tree: &str) -> Result<u64, hadron_root::Error> {
    let file = RootFile::open(Arc::new(MemorySource::new("damaged.root", bytes))).await?;
    let mut reader = TableReader::open(&file, tree, &Default::default()).await?;
    let mut rows = 0;
    while let Some(b) = reader.next_batch().await? {
        rows += b.num_rows() as u64;
    }
    Ok(rows)
}

fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

#[tokio::test]
async fn flipped_bytes_and_truncation_never_panic() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata");
    let cases = [
        ("compression/zlib-6.root", "sample"),
        ("compression/lz4-4.root", "sample"),
        ("compression/uncompressed.root", "sample"),
        ("delphes_like.root", "Delphes"),
        ("rntuple_basic.root", "ntuple"),
    ];
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let (mut ok, mut failed) = (0, 0);
    for (name, tree) in cases {
        let original = std::fs::read(dir.join(name)).unwrap();
        if let Err(e) = read_everything(original.clone(), tree).await {
            eprintln!("{name}: the undamaged file does not read completely yet ({e}); fuzzing it anyway");
        }
        for round in 0..300 {
            let mut bytes = original.clone();
            if round % 10 == 9 {
                let cut = (xorshift(&mut state) as usize) % bytes.len();
                bytes.truncate(cut);
            } else {
                for _ in 0..(1 + round % 4) {
                    let at = (xorshift(&mut state) as usize) % bytes.len();
                    bytes[at] ^= 1 << (xorshift(&mut state) % 8);
                }
            }
            let result = AssertUnwindSafe(read_everything(bytes, tree)).catch_unwind().await;
            match result {
                Ok(Ok(_)) => ok += 1,
                Ok(Err(e)) => {
                    let msg = e.to_string();
                    assert!(
                        msg.contains("damaged.root") || matches!(e, hadron_root::Error::Internal(_)),
                        "{name}: unlocated error: {msg}"
                    );
                    failed += 1;
                }
                Err(_) => panic!("{name}: reading a damaged copy (round {round}) panicked"),
            }
        }
    }
    eprintln!("damaged copies: {ok} read (flips in data bytes), {failed} failed with located errors");
    assert!(failed > 0);
}
