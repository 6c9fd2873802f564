//! build: compiles `proto/tensorflow_example.proto` into prost messages with the pure-Rust protox compiler.

use std::path::PathBuf;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let proto_dir = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR")?).join("../../proto");
    let file = proto_dir.join("tensorflow_example.proto");
    println!("cargo:rerun-if-changed={}", file.display());
    let descriptors = protox::compile([&file], [&proto_dir])?;
    prost_build::Config::new()
        // Sorted map keys: the same bytes as protobuf's deterministic serialization.
        .btree_map(["."])
        .compile_fds(descriptors)?;
    Ok(())
}
