//! engine: the one door from `hadron sql` to the SQL engine — the session context, one statement to a
//! `DataFrame`, and a script split into statements.
//!
//! Statements go through Hadron's lambda front (`FILTER(list, e -> e.PT > 23)`); nothing else in the
//! CLI calls the engine's SQL entry points.

use anyhow::Result;
use datafusion::dataframe::DataFrame;
use datafusion::logical_expr::LogicalPlan;
use datafusion::prelude::SessionContext;

/// The context every statement of one `hadron sql` run shares.
pub fn context() -> SessionContext {
    hadron_datafusion::session_context()
}

/// Plans ONE statement (DDL runs now, queries when their `DataFrame` is executed).
pub async fn run_statement(ctx: &SessionContext, sql: &str) -> Result<DataFrame> {
    Ok(hadron_datafusion::lambda::sql(ctx, sql).await?)
}

/// Whether `df` is the answer of a statement that already ran (DDL, `SET`): DataFusion gives those an
/// empty relation without columns, which would still go through the optimizers and the physical planner.
pub fn is_done(df: &DataFrame) -> bool {
    matches!(df.logical_plan(), LogicalPlan::EmptyRelation(e) if !e.produce_one_row && e.schema.fields().is_empty())
}

/// The statements of `sql` in order, without their `;`, each a substring of `sql` (callers locate
/// statements in the text for line numbers, and fall back to the text's first line if they cannot).
pub fn split(sql: &str) -> Result<Vec<String>> {
    Ok(super::split::statements(sql))
}
