//! context: the `SessionContext` Hadron runs every query in (formats, stores, functions, dialect).

use datafusion::prelude::{SessionConfig, SessionContext};

/// A `SessionContext` with everything Hadron adds: the ROOT and TFRecord formats, the `root://`,
/// `s3://` and `http(s)://` stores, the HEP and ML-preparation functions, and a SQL dialect that
/// parses lambdas (`x -> x > 23`).
pub fn session_context() -> SessionContext {
    let mut config = SessionConfig::new().with_information_schema(true);
    config.options_mut().sql_parser.dialect = datafusion::config::Dialect::DuckDB;
    let ctx = SessionContext::new_with_config(config);
    functions::register_all(&ctx);
    prep::register_all(&ctx);
    ctx
}

use crate::{functions, prep};
