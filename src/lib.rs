//! Hadron: the Rust facade over the Hadron libraries — a DataFrame API over ROOT files
//! ([`HadronContext`]), the ROOT reader ([`root`]) and the SQL engine ([`sql`]).

use std::ops::Deref;

use datafusion::dataframe::DataFrame;
use datafusion::error::Result;
use datafusion::prelude::{SessionConfig, SessionContext};
use hadron_datafusion::root::{RootOptions, root_table};

pub use hadron_datafusion as sql;
pub use hadron_root as root;

/// A DataFusion `SessionContext` with everything Hadron adds: ROOT tables, `read_root`, TFRecord
/// output, `root://` / `s3://` / `http(s)://` stores.
///
/// ```no_run
/// # async fn demo() -> datafusion::error::Result<()> {
/// use hadron::prelude::*;
/// let ctx = HadronContext::new();
/// let events = ctx.read_root("testdata/nanoaod_like.root", Some("Events")).await?;
/// let muons = events.filter(ident("nMuon").gt(lit(1)))?.select(vec![ident("event"), ident("MET_pt")])?;
/// muons.show_limit(5).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct HadronContext {
    ctx: SessionContext,
}

impl std::fmt::Debug for HadronContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HadronContext").field("session_id", &self.ctx.session_id()).finish()
    }
}

impl Default for HadronContext {
    fn default() -> Self {
        Self::new()
    }
}

impl HadronContext {
    /// A context with Hadron's default configuration (one partition per core).
    pub fn new() -> Self {
        HadronContext { ctx: hadron_datafusion::session_context() }
    }

    /// A context with `config` (start from [`hadron_datafusion::session_config`] to keep the
    /// lambda dialect).
    pub fn with_config(config: SessionConfig) -> Self {
        HadronContext { ctx: hadron_datafusion::session_context_with(config) }
    }

    /// The ROOT files at `location` (a path, directory, glob or `root://` / `s3://` / `http(s)://`
    /// URL) as a DataFrame of the TTree or RNTuple `tree` (the files' only one when `None`).
    pub async fn read_root(&self, location: &str, tree: Option<&str>) -> Result<DataFrame> {
        let options = RootOptions { tree: tree.map(str::to_string) };
        let table = root_table(&self.ctx.state(), &[location.to_string()], options).await?;
        self.ctx.read_table(table)
    }

    /// Registers the ROOT files at `location` as table `name` for SQL.
    pub async fn register_root(&self, name: &str, location: &str, tree: Option<&str>) -> Result<()> {
        let options = RootOptions { tree: tree.map(str::to_string) };
        let table = root_table(&self.ctx.state(), &[location.to_string()], options).await?;
        self.ctx.register_table(name, table)?;
        Ok(())
    }

    /// Runs one SQL statement (Hadron's dialect parses lambdas: `array_filter(l, x -> x > 1)`).
    pub async fn sql(&self, sql: &str) -> Result<DataFrame> {
        hadron_datafusion::lambda::sql(&self.ctx, sql).await
    }

    /// The underlying DataFusion context.
    pub fn session(&self) -> &SessionContext {
        &self.ctx
    }
}

impl Deref for HadronContext {
    type Target = SessionContext;

    fn deref(&self) -> &SessionContext {
        &self.ctx
    }
}

/// The names most programs need: [`HadronContext`], DataFusion's DataFrame prelude (`col`, `ident`,
/// `lit`, aggregate and array functions), TFRecord output, and the ROOT reader's entry points.
pub mod prelude {
    pub use crate::HadronContext;
    pub use datafusion::prelude::*;
    pub use hadron_datafusion::functions::expr_fn as hep;
    pub use hadron_datafusion::tfrecord::{TfRecordOptions, write_tfrecord};
    pub use hadron_root::{Error as RootError, RootFile};
}
