//! bench: Arrow batch (the reference spec) → serialized Examples → TFRecord bytes in memory.
fn main() {}
