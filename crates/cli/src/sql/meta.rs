//! meta: backslash commands — `\d` (tables), `\d NAME` (columns and types), `\h` (functions),
//! `\h NAME` (a function's documentation), `\timing [on|off]`, `\q`, `\?`.

use std::io::Write;
use std::sync::Arc;

use anyhow::{Context, Result, bail};
use datafusion::arrow::array::{BooleanArray, RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::datasource::TableType;

use super::help;
use super::nearest::nearest;
use super::output::Format;
use super::session::{Flow, Session};

const USAGE: &str = "\
\\d             list tables
\\d NAME        columns of table NAME with their types
\\h             list functions
\\h NAME        documentation of function NAME
\\timing [on|off]  show elapsed time after each statement (toggles without an argument; default on for
                  table output; with csv/json it goes to stderr)
\\q             quit
\\?             this list
";

/// Runs the backslash command `text` (e.g. `\d events`).
pub async fn run(session: &mut Session, text: &str, out: &mut dyn Write) -> Result<Flow> {
    let body = text.strip_prefix('\\').unwrap_or(text).trim().trim_end_matches(';');
    let mut words = body.split_whitespace();
    let cmd = words.next().unwrap_or("");
    let arg = words.next();
    if let Some(extra) = words.next() {
        bail!("{text}: unexpected '{extra}' (\\? lists the commands)");
    }
    match (cmd, arg) {
        ("q" | "quit", None) => return Ok(Flow::Quit),
        ("d", None) => session.emit(tables(session).await?, out)?,
        ("d", Some(name)) => session.emit(columns(session, name).await?, out)?,
        ("h", None) => session.emit(help::list(&session.ctx)?, out)?,
        ("h", Some(name)) => help::show(&session.ctx, name, out)?,
        ("timing", arg) => {
            session.timing = match arg {
                None => !session.timing,
                Some("on") => true,
                Some("off") => false,
                Some(other) => bail!("{text}: expected on or off, got '{other}'"),
            };
            if session.format == Format::Table {
                writeln!(out, "Timing is {}.", if session.timing { "on" } else { "off" })?;
            }
        }
        ("?", None) => write!(out, "{USAGE}")?,
        _ => bail!("{text}: unknown command (\\? lists the commands)"),
    }
    Ok(Flow::Continue)
}

/// Every table of every catalog and schema but `information_schema`: schema, name, kind.
async fn tables(session: &Session) -> Result<RecordBatch> {
    let ctx = &session.ctx;
    let mut rows: Vec<(String, String, &'static str)> = Vec::new();
    let mut catalogs = ctx.catalog_names();
    catalogs.sort();
    for catalog_name in catalogs {
        let Some(catalog) = ctx.catalog(&catalog_name) else { continue };
        let mut schemas = catalog.schema_names();
        schemas.sort();
        for schema_name in schemas.into_iter().filter(|s| s != "information_schema") {
            let Some(schema) = catalog.schema(&schema_name) else { continue };
            let mut names = schema.table_names();
            names.sort();
            for name in names {
                let provider = schema.table(&name).await.with_context(|| format!("opening table {name}"))?;
                let kind = match provider.map(|p| p.table_type()) {
                    Some(TableType::Base) => "table",
                    Some(TableType::View) => "view",
                    Some(TableType::Temporary) => "temporary",
                    None => "unknown",
                };
                rows.push((format!("{catalog_name}.{schema_name}"), name, kind));
            }
        }
    }
    let schema = Schema::new(vec![
        Field::new("schema", DataType::Utf8, false),
        Field::new("name", DataType::Utf8, false),
        Field::new("kind", DataType::Utf8, false),
    ]);
    Ok(RecordBatch::try_new(
        Arc::new(schema),
        vec![
            Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.0.as_str()))),
            Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.1.as_str()))),
            Arc::new(StringArray::from_iter_values(rows.iter().map(|r| r.2))),
        ],
    )?)
}

/// The columns of table `name`: column, type, nullable.
async fn columns(session: &Session, name: &str) -> Result<RecordBatch> {
    let provider = match session.ctx.table_provider(name).await {
        Ok(p) => p,
        Err(e) => {
            let known = tables(session).await?;
            let names = known.column(1).as_any().downcast_ref::<StringArray>().context("table names")?;
            let near = nearest(name, names.iter().flatten(), 5);
            let hint = if near.is_empty() { String::new() } else { format!(" (nearest: {})", near.join(", ")) };
            return Err(anyhow::Error::new(e).context(format!("\\d {name}: no such table{hint}")));
        }
    };
    let table_schema = provider.schema();
    let fields = table_schema.fields();
    let schema = Schema::new(vec![
        Field::new("column", DataType::Utf8, false),
        Field::new("type", DataType::Utf8, false),
        Field::new("nullable", DataType::Boolean, false),
    ]);
    Ok(RecordBatch::try_new(
        Arc::new(schema),
        vec![
            Arc::new(StringArray::from_iter_values(fields.iter().map(|f| f.name().as_str()))),
            Arc::new(StringArray::from_iter_values(fields.iter().map(|f| f.data_type().to_string()))),
            Arc::new(BooleanArray::from_iter(fields.iter().map(|f| Some(f.is_nullable())))),
        ],
    )?)
}
