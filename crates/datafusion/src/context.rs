//! context: the `SessionContext` Hadron runs every query in — ROOT and TFRecord formats, the
//! `read_root` table function, the `root://` / `s3://` / `http(s)://` stores, and a SQL dialect that
//! parses lambdas (`e -> e['PT'] > 23`).

use std::sync::Arc;

use datafusion::execution::SessionStateBuilder;
use datafusion::execution::runtime_env::RuntimeEnvBuilder;
use datafusion::prelude::{SessionConfig, SessionContext};

use crate::root::{ReadRootFunction, RootFormatFactory, RootTableFactory};
use crate::stores::HadronStoreRegistry;
use crate::tfrecord::TfRecordFormatFactory;
use crate::{functions, prep};

/// The session configuration Hadron starts from: information schema on (`\d`, `SHOW TABLES`), the
/// DuckDB dialect (lambdas), `target_partitions` = the number of cores, and leaf-expression pushdown
/// off.
///
/// DataFusion 55's leaf-expression pushdown moves a struct field access `f(...)['x']` towards the
/// scan by substituting the columns it reads with the expressions that computed them: a field of a
/// computed list element (`p4[array_argmin(...)]['pt']`) then re-evaluates the whole computation once
/// per field, inside the scan (ADL Q6 ran the trijet sums four times). ROOT columns gain nothing
/// from it: the reader already prunes branches by column.
pub fn session_config() -> SessionConfig {
    let mut config = SessionConfig::new().with_information_schema(true);
    let options = config.options_mut();
    options.sql_parser.dialect = datafusion::config::Dialect::DuckDB;
    options.optimizer.enable_leaf_expression_pushdown = false;
    config
}

/// A `SessionContext` with everything Hadron adds (see the module docs).
pub fn session_context() -> SessionContext {
    session_context_with(session_config())
}

/// [`session_context`] with a caller's configuration (the dialect is kept as given).
pub fn session_context_with(config: SessionConfig) -> SessionContext {
    let runtime = RuntimeEnvBuilder::new()
        .with_object_store_registry(Arc::new(HadronStoreRegistry::new()))
        .build_arc()
        .expect("a runtime environment with default limits");
    let mut state = SessionStateBuilder::new()
        .with_config(config)
        .with_runtime_env(runtime)
        .with_default_features()
        .with_table_factory("ROOT".to_string(), Arc::new(RootTableFactory))
        .build();
    state
        .register_file_format(Arc::new(RootFormatFactory), true)
        .and_then(|_| state.register_file_format(Arc::new(TfRecordFormatFactory), true))
        .expect("registering Hadron's file formats");
    let ctx = SessionContext::new_with_state(state);
    ctx.register_udtf("read_root", Arc::new(ReadRootFunction));
    functions::register_all(&ctx);
    prep::register_all(&ctx);
    ctx
}

#[cfg(test)]
mod tests {
    use datafusion::arrow::util::pretty::pretty_format_batches;

    use super::*;

    /// A field of a computed list element is computed once, not pushed down once per field.
    #[tokio::test]
    async fn struct_fields_of_a_computed_element_do_not_repeat_the_computation() {
        let ctx = session_context();
        let sql = "EXPLAIN SELECT t[i]['pt'] AS pt, t[i]['mass'] AS mass FROM (\
                   SELECT t, array_argmin(array_transform(t, x -> abs(x['mass'] - 91.2))) AS i FROM (\
                   SELECT combination_p4(pt, eta, phi, 0.0, 2) AS t FROM (\
                   VALUES ([40.0, 30.0, 20.0], [0.0, 1.0, -1.0], [0.0, 2.0, -2.0])) AS v(pt, eta, phi)))";
        let plan = ctx.sql(sql).await.unwrap().collect().await.unwrap();
        let text = pretty_format_batches(&plan).unwrap().to_string();
        let physical = text.split("physical_plan").nth(1).expect("an EXPLAIN with a physical plan");
        assert_eq!(physical.matches("combination_p4(").count(), 1, "{text}");
        assert_eq!(physical.matches("array_transform(").count(), 1, "{text}");
    }
}
