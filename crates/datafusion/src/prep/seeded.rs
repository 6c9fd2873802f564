//! seeded: `seeded_hash(seed, key, ...)` and `seeded_rand(seed, key, ...)` (alias
//! `split_fraction`) — a reproducible pseudo-random number per row, a function of the seed and
//! the row's key values only (never of the row's position, partition or thread).
//!
//! The keys of a row are encoded with Arrow's row format (`arrow::row`, which covers nested
//! lists and structs) and hashed with XXH3-64 seeded with `seed`. The result therefore depends
//! on the key *types* as well as values (`1::INT` and `1::BIGINT` differ): cast keys to one
//! type when tables are to agree. Identical key values always get the same number.

use std::sync::{Arc, LazyLock};

use datafusion::arrow::array::{Array, ArrayRef, AsArray, Float64Array, UInt64Array};
use datafusion::arrow::compute::cast;
use datafusion::arrow::datatypes::{DataType, Int64Type};
use datafusion::arrow::row::{RowConverter, SortField};
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::{
    ColumnarValue, Documentation, ScalarFunctionArgs, ScalarUDF, ScalarUDFImpl, Signature, Volatility,
};
use xxhash_rust::xxh3::xxh3_64_with_seed;

use super::DOC_SECTION_PREP;

/// `seeded_hash(seed, key, ...)`: `UInt64`.
pub fn seeded_hash_udf() -> ScalarUDF {
    ScalarUDF::from(Seeded::new(Output::Hash))
}

/// `seeded_rand(seed, key, ...)`, alias `split_fraction`: `Float64` uniform in `[0, 1)`.
pub fn seeded_rand_udf() -> ScalarUDF {
    ScalarUDF::from(Seeded::new(Output::Fraction))
}

/// The `[0, 1)` fraction of a 64-bit hash: its top 53 bits over 2⁵³ (exact in `f64`).
pub fn hash_fraction(hash: u64) -> f64 {
    (hash >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// A new seed derived from `seed` and a step number (SplitMix64 finaliser), so that steps run
/// with one user seed (undersample, split, shuffle) draw independent numbers.
pub fn derive_seed(seed: u64, step: u64) -> u64 {
    let mut z = seed ^ step.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

static HASH_DOC: LazyLock<Documentation> = LazyLock::new(|| {
    Documentation::builder(
        DOC_SECTION_PREP,
        "A reproducible 64-bit hash of the key values of a row under a seed (XXH3-64 of the \
         keys in Arrow row format). Rows with equal keys get equal hashes; the value depends \
         only on the seed and the keys (their values and types), not on row order or \
         partitioning. Use it to rank rows in a seeded random order, e.g. for undersampling. \
         Use different seeds for different steps: ranks under one seed are correlated.",
        "seeded_hash(seed, key[, key ...])",
    )
    .with_argument("seed", "Integer seed.")
    .with_argument("key", "One or more columns identifying the row (any types, nested too).")
    .with_sql_example(
        "```sql\n-- keep 1000 random events of each class, reproducibly:\n\
         > SELECT * FROM (\n\
         \x20   SELECT *, row_number() OVER (PARTITION BY label ORDER BY seeded_hash(7, event)) AS r\n\
         \x20   FROM events) WHERE r <= 1000;\n```",
    )
    .with_related_udf("seeded_rand")
    .build()
});

static RAND_DOC: LazyLock<Documentation> = LazyLock::new(|| {
    Documentation::builder(
        DOC_SECTION_PREP,
        "A reproducible pseudo-random number in [0, 1) for a row, from a seed and the row's key \
         values: the top 53 bits of seeded_hash(seed, key, ...) divided by 2^53. Uniform over \
         distinct keys, so `WHERE seeded_rand(42, event) < 0.8` keeps about 80% of the rows \
         and `>= 0.8` exactly the others: a disjoint, reproducible train/test split. Alias \
         split_fraction. ORDER BY seeded_rand(seed, ...) gives a reproducible shuffle.",
        "seeded_rand(seed, key[, key ...])",
    )
    .with_alternative_syntax("split_fraction(seed, key[, key ...])")
    .with_argument("seed", "Integer seed.")
    .with_argument("key", "One or more columns identifying the row (any types, nested too).")
    .with_sql_example(
        "```sql\n> CREATE TABLE train AS SELECT * FROM events WHERE split_fraction(42, event) < 0.8;\n\
         > CREATE TABLE test  AS SELECT * FROM events WHERE split_fraction(42, event) >= 0.8;\n\
         > SELECT * FROM train ORDER BY seeded_rand(43, event);\n```",
    )
    .with_related_udf("seeded_hash")
    .build()
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Output {
    Hash,
    Fraction,
}

#[derive(Debug, PartialEq, Eq, Hash)]
struct Seeded {
    output: Output,
    signature: Signature,
    aliases: Vec<String>,
}

impl Seeded {
    fn new(output: Output) -> Self {
        let aliases = match output {
            Output::Hash => vec![],
            Output::Fraction => vec!["split_fraction".to_string()],
        };
        Self { output, signature: Signature::variadic_any(Volatility::Immutable), aliases }
    }
}

/// XXH3-64 under `seeds[i]` of row `i` of `keys` (Arrow row format); null where the seed is.
pub fn hash_rows(seeds: &ArrayRef, keys: &[ArrayRef]) -> Result<UInt64Array> {
    let fields = keys.iter().map(|k| SortField::new(k.data_type().clone())).collect();
    let converter = RowConverter::new(fields)?;
    let rows = converter.convert_columns(keys)?;
    let seeds = cast(seeds, &DataType::Int64)?;
    let seeds = seeds.as_primitive::<Int64Type>();
    Ok(seeds
        .iter()
        .enumerate()
        .map(|(i, seed)| seed.map(|s| xxh3_64_with_seed(rows.row(i).as_ref(), s as u64)))
        .collect())
}

impl ScalarUDFImpl for Seeded {
    fn name(&self) -> &str {
        match self.output {
            Output::Hash => "seeded_hash",
            Output::Fraction => "seeded_rand",
        }
    }

    fn aliases(&self) -> &[String] {
        &self.aliases
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, arg_types: &[DataType]) -> Result<DataType> {
        if arg_types.len() < 2 {
            return Err(DataFusionError::Plan(format!(
                "{}: expected a seed and at least one key, got {} argument(s)",
                self.name(),
                arg_types.len()
            )));
        }
        if !(arg_types[0].is_integer() || arg_types[0] == DataType::Null) {
            return Err(DataFusionError::Plan(format!(
                "{}: the seed must be an integer, got {}",
                self.name(),
                arg_types[0]
            )));
        }
        Ok(match self.output {
            Output::Hash => DataType::UInt64,
            Output::Fraction => DataType::Float64,
        })
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> Result<ColumnarValue> {
        let n = args.number_rows;
        let arrays = args.args.iter().map(|a| a.to_array(n)).collect::<Result<Vec<_>>>()?;
        let hashes = hash_rows(&arrays[0], &arrays[1..])?;
        let out: ArrayRef = match self.output {
            Output::Hash => Arc::new(hashes),
            Output::Fraction => Arc::new(hashes.iter().map(|h| h.map(hash_fraction)).collect::<Float64Array>()),
        };
        Ok(ColumnarValue::Array(out))
    }

    fn documentation(&self) -> Option<&Documentation> {
        Some(match self.output {
            Output::Hash => &HASH_DOC,
            Output::Fraction => &RAND_DOC,
        })
    }
}
