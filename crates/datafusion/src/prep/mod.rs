//! prep: ML preparation of event tables — one-hot labels, MinMax / standard scalers, seeded
//! hashing, class undersampling, shuffle and train/test split (SQL functions and DataFrame API).
//!
//! Definitions follow the reference pipeline (`reference/PIPELINE.md` §6, Spark ML): one-hot
//! without dropping the last class, MinMaxScaler to `[0, 1]` with `0.5` for a constant feature,
//! StandardScaler with the sample standard deviation and `0` for a constant feature. Unlike the
//! reference, every random step is seeded and reproducible: a row's random key is a hash of the
//! seed and the row's content ([`seeded_hash`](crate::prep::seeded)), not of its position.
//!
//! SQL functions registered by [`register_all`]:
//!
//! | function | kind | returns |
//! |---|---|---|
//! | `one_hot(label, n)` | scalar | `FixedSizeList<Float32>(n)` |
//! | `minmax_fit(x)`, `standard_fit(x)` | aggregate | fitted state as a JSON string |
//! | `minmax_scale(x, state)`, `standard_scale(x, state)` | scalar | `x` scaled element-wise |
//! | `seeded_hash(seed, key, ...)` | scalar | `UInt64` |
//! | `seeded_rand(seed, key, ...)` (alias `split_fraction`) | scalar | `Float64` in `[0, 1)` |

mod error;
mod features;
mod fit;
mod one_hot;
mod sample;
mod scale;
mod scaler;
pub mod seeded;

pub use error::{PrepError, Result};
pub use fit::{minmax_fit_udaf, standard_fit_udaf};
pub use one_hot::one_hot_udf;
pub use sample::{shuffle, split, undersample};
pub use scale::{minmax_scale_udf, standard_scale_udf};
pub use scaler::{MinMaxScaler, Scaler, ScalerKind, StandardScaler};
pub use seeded::{seeded_hash_udf, seeded_rand_udf};

use datafusion::logical_expr::DocSection;
use datafusion::prelude::SessionContext;

/// The documentation section every ML-preparation function is listed under.
pub(crate) const DOC_SECTION_PREP: DocSection = DocSection {
    include: true,
    label: "ML Preparation Functions",
    description: Some("Label encoding, feature scaling and seeded sampling for training sets."),
};

/// Registers the ML-preparation functions (`one_hot`, the scalers, the seeded hashes) in `ctx`.
pub fn register_all(ctx: &SessionContext) {
    ctx.register_udf(one_hot_udf());
    ctx.register_udf(minmax_scale_udf());
    ctx.register_udf(standard_scale_udf());
    ctx.register_udf(seeded_hash_udf());
    ctx.register_udf(seeded_rand_udf());
    ctx.register_udaf(minmax_fit_udaf());
    ctx.register_udaf(standard_fit_udaf());
}
