//! functions: HEP functions (ΔR, invariant mass, isolation, list kernels) and ML preparation.
//!
//! Every function is a [`ScalarUDFImpl`](datafusion::logical_expr::ScalarUDFImpl) that works on
//! whole Arrow arrays (list offsets reused, nulls propagated) and carries its documentation, so a
//! shell can show it (`\h delta_r`).

pub mod argminmax;
pub mod array_concat;
pub mod array_drop;
pub mod array_filter;
mod binning;
pub mod cardinality;
pub mod closest_combination;
pub mod combination_p4;
pub mod combinations;
pub mod cone_sum;
pub mod elementwise;
pub mod expr_fn;
pub mod fixed_matrix;
pub mod histogram;
pub mod inv_mass;
pub mod kinematics;
mod lists;
mod numeric;
pub mod pad;
pub mod sort_by;
mod structs;
mod wrapped;

use std::sync::Arc;

use datafusion::logical_expr::{AggregateUDF, DocSection, HigherOrderUDF, ScalarUDF};
use datafusion::prelude::SessionContext;

use argminmax::ArgExtremumUdf;
use array_concat::ArrayConcatUdf;
use array_drop::ArrayDropUdf;
use array_filter::{ArrayCountUdf, ArrayFilterUdf};
use cardinality::CardinalityUdf;
use closest_combination::ClosestCombinationUdf;
use combination_p4::CombinationP4Udf;
use combinations::CombinationsUdf;
use cone_sum::ConeSumUdf;
use elementwise::{ElementwiseUdf, Kinematic};
use fixed_matrix::FixedMatrixUdf;
use histogram::HistogramUdaf;
use inv_mass::InvMassUdf;
use pad::PadOrTruncateUdf;
use sort_by::SortByUdf;

/// The documentation section of the HEP functions.
pub(crate) const HEP_SECTION: DocSection = DocSection {
    include: true,
    label: "HEP functions",
    description: Some("Kinematics, isolation and fixed-shape list functions for jagged event data."),
};

/// The type rules shared by the element-wise kinematics functions (appended to their docs).
pub(crate) const TYPE_RULES: &str = "Arguments may be numbers of any numeric type (cast to Float64) or lists of \
numbers (List, LargeList or FixedSizeList); if any argument is a list the result is a List<Float64> shaped like the \
first list argument, other lists must match its length row by row and numbers apply to every element of their row. \
A NULL row in any argument gives NULL; NULL elements give NULL elements.";

/// Every HEP scalar function, ready to register.
pub fn hep_functions() -> Vec<ScalarUDF> {
    let mut udfs: Vec<ScalarUDF> =
        Kinematic::ALL.iter().map(|&kind| ScalarUDF::new_from_impl(ElementwiseUdf::new(kind))).collect();
    udfs.push(ScalarUDF::new_from_impl(InvMassUdf::default()));
    udfs.push(ScalarUDF::new_from_impl(ConeSumUdf::default()));
    udfs.push(ScalarUDF::new_from_impl(SortByUdf::default()));
    udfs.push(ScalarUDF::new_from_impl(PadOrTruncateUdf::default()));
    udfs.push(ScalarUDF::new_from_impl(FixedMatrixUdf::default()));
    udfs.push(ScalarUDF::new_from_impl(CombinationsUdf::default()));
    udfs.push(ScalarUDF::new_from_impl(CombinationP4Udf::default()));
    udfs.push(ScalarUDF::new_from_impl(ClosestCombinationUdf::default()));
    udfs.push(ScalarUDF::new_from_impl(ArgExtremumUdf::argmin()));
    udfs.push(ScalarUDF::new_from_impl(ArgExtremumUdf::argmax()));
    udfs.push(ScalarUDF::new_from_impl(ArrayDropUdf::default()));
    udfs
}

/// Every HEP aggregate function, ready to register.
pub fn hep_aggregates() -> Vec<AggregateUDF> {
    vec![AggregateUDF::new_from_impl(HistogramUdaf::default())]
}

/// Registers every Hadron function in `ctx`, and DataFusion's `cardinality` and `array_filter` with faster kernels
/// for flat lists ([`cardinality`], [`array_filter`]; same results, DataFusion's documentation).
pub fn register_all(ctx: &SessionContext) {
    for udf in hep_functions() {
        ctx.register_udf(udf);
    }
    for udaf in hep_aggregates() {
        ctx.register_udaf(udaf);
    }
    ctx.register_udf(ScalarUDF::new_from_impl(CardinalityUdf::default()));
    ctx.register_udf(ScalarUDF::new_from_impl(ArrayConcatUdf::default()));
    ctx.register_higher_order_function(Arc::new(HigherOrderUDF::new_from_impl(ArrayFilterUdf::default())));
    ctx.register_higher_order_function(Arc::new(HigherOrderUDF::new_from_impl(ArrayCountUdf::default())));
}
