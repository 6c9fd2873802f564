//! The `hadron` binary: a thin clap front over the Hadron libraries.

fn main() {}
