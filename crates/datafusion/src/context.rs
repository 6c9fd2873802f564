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
/// DuckDB dialect (lambdas), and `target_partitions` = the number of cores.
pub fn session_config() -> SessionConfig {
    let mut config = SessionConfig::new().with_information_schema(true);
    config.options_mut().sql_parser.dialect = datafusion::config::Dialect::DuckDB;
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
