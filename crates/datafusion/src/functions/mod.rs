//! functions: HEP functions (ΔR, invariant mass, isolation, list kernels) and ML preparation.

use datafusion::prelude::SessionContext;

/// Registers every Hadron function in `ctx`.
pub fn register_all(_ctx: &SessionContext) {}
