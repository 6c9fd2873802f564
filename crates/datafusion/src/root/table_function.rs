//! table_function: `SELECT … FROM read_root('path-or-glob-or-URL' [, 'tree'])`.

use std::sync::Arc;

use datafusion::catalog::{Session, TableFunctionArgs, TableFunctionImpl, TableProvider};
use datafusion::common::ScalarValue;
use datafusion::error::{DataFusionError, Result};
use datafusion::logical_expr::Expr;

use super::file_format::RootOptions;
use super::table::root_table;

/// The `read_root` table function.
#[derive(Debug, Default)]
pub struct ReadRootFunction;

fn string_arg(e: &Expr, what: &str) -> Result<String> {
    match e {
        Expr::Literal(
            ScalarValue::Utf8(Some(s)) | ScalarValue::LargeUtf8(Some(s)) | ScalarValue::Utf8View(Some(s)),
            _,
        ) => Ok(s.clone()),
        other => Err(DataFusionError::Plan(format!("read_root: {what} must be a string literal, got {other}"))),
    }
}

impl TableFunctionImpl for ReadRootFunction {
    fn call_with_args(&self, args: TableFunctionArgs) -> Result<Arc<dyn TableProvider>> {
        let exprs = args.exprs();
        if exprs.is_empty() || exprs.len() > 2 {
            return Err(DataFusionError::Plan("usage: read_root('path, glob or URL' [, 'tree'])".into()));
        }
        let location = string_arg(&exprs[0], "the location")?;
        let tree = exprs.get(1).map(|e| string_arg(e, "the tree name")).transpose()?;
        let options = RootOptions { tree };
        let table = block_on_thread(args.session(), location, options)?;
        Ok(table)
    }
}

/// Table functions are called synchronously inside async planning: build the table (which reads
/// the first file) on a scoped thread with its own runtime, so any runtime flavour keeps working.
fn block_on_thread(state: &dyn Session, location: String, options: RootOptions) -> Result<Arc<dyn TableProvider>> {
    std::thread::scope(|s| {
        s.spawn(|| {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
            let table = rt.block_on(root_table(state, &[location], options))?;
            Ok(table as Arc<dyn TableProvider>)
        })
        .join()
        .map_err(|_| DataFusionError::Execution("read_root: schema inference panicked".into()))?
    })
}
