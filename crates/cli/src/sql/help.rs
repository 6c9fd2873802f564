//! help: `\h` lists the session's functions (name, kind, first line of their description) and
//! `\h NAME` prints one function's documentation (`ScalarUDF::documentation()` and its aggregate and
//! window kin, and the lambda functions: description, syntax, arguments, example).

use std::io::Write;
use std::sync::Arc;

use anyhow::{Result, bail};
use datafusion::arrow::array::{RecordBatch, StringArray};
use datafusion::arrow::datatypes::{DataType, Field, Schema};
use datafusion::logical_expr::Documentation;
use datafusion::prelude::SessionContext;

use super::nearest::nearest;

/// One registered function name (aliases are names too).
#[derive(Debug)]
struct Entry {
    name: String,
    kind: &'static str,
    /// The function's own name when `name` is an alias.
    alias_of: Option<String>,
    doc: Option<Documentation>,
}

/// Every function name of the session, sorted by name then kind.
fn entries(ctx: &SessionContext) -> Vec<Entry> {
    let state = ctx.state();
    let mut all = Vec::new();
    let mut add = |name: &str, own: &str, kind, doc: Option<&Documentation>| {
        let alias_of = (name != own).then(|| own.to_string());
        all.push(Entry { name: name.to_string(), kind, alias_of, doc: doc.cloned() });
    };
    for (name, f) in state.scalar_functions() {
        add(name, f.name(), "scalar", f.documentation());
    }
    for (name, f) in state.aggregate_functions() {
        add(name, f.name(), "aggregate", f.documentation());
    }
    for (name, f) in state.window_functions() {
        add(name, f.name(), "window", f.documentation());
    }
    for (name, f) in state.higher_order_functions() {
        add(name, f.name(), "lambda", f.documentation());
    }
    for (name, f) in state.table_functions() {
        add(name, f.name(), "table", None);
    }
    all.sort_by(|a, b| (&a.name, a.kind).cmp(&(&b.name, b.kind)));
    all
}

/// `\h`: name, kind and summary of every function, as a batch.
pub fn list(ctx: &SessionContext) -> Result<RecordBatch> {
    let all = entries(ctx);
    let summary = |e: &Entry| match (&e.alias_of, &e.doc) {
        (Some(own), _) => format!("alias of {own}"),
        (None, Some(doc)) => doc.description.lines().next().unwrap_or("").trim().to_string(),
        (None, None) => String::new(),
    };
    let schema = Schema::new(vec![
        Field::new("name", DataType::Utf8, false),
        Field::new("kind", DataType::Utf8, false),
        Field::new("description", DataType::Utf8, false),
    ]);
    Ok(RecordBatch::try_new(
        Arc::new(schema),
        vec![
            Arc::new(StringArray::from_iter_values(all.iter().map(|e| e.name.as_str()))),
            Arc::new(StringArray::from_iter_values(all.iter().map(|e| e.kind))),
            Arc::new(StringArray::from_iter_values(all.iter().map(summary))),
        ],
    )?)
}

/// `\h NAME`: the documentation of every function called `name` (case-insensitive).
pub fn show(ctx: &SessionContext, name: &str, out: &mut dyn Write) -> Result<()> {
    let all = entries(ctx);
    let wanted = name.to_lowercase();
    let found: Vec<&Entry> = all.iter().filter(|e| e.name.to_lowercase() == wanted).collect();
    if found.is_empty() {
        let near = nearest(name, all.iter().map(|e| e.name.as_str()), 5);
        if near.is_empty() {
            bail!("\\h {name}: no function of that name (\\h lists them all)");
        }
        bail!("\\h {name}: no function of that name; nearest: {}", near.join(", "));
    }
    for e in found {
        let alias = e.alias_of.as_ref().map(|own| format!(", alias of {own}")).unwrap_or_default();
        writeln!(out, "{} ({} function{alias})", e.name, e.kind)?;
        match &e.doc {
            Some(doc) => write_doc(doc, out)?,
            None => writeln!(out, "  no documentation")?,
        }
    }
    Ok(())
}

fn write_doc(doc: &Documentation, out: &mut dyn Write) -> Result<()> {
    writeln!(out, "  {}", doc.description.trim())?;
    writeln!(out, "\nSyntax:\n  {}", doc.syntax_example)?;
    for alt in doc.alternative_syntax.iter().flatten() {
        writeln!(out, "  {alt}")?;
    }
    if let Some(args) = doc.arguments.as_ref().filter(|a| !a.is_empty()) {
        writeln!(out, "\nArguments:")?;
        for (arg, text) in args {
            writeln!(out, "  {arg}: {}", text.trim())?;
        }
    }
    if let Some(example) = &doc.sql_example {
        writeln!(out, "\nExample:")?;
        for line in example.lines().filter(|l| !l.trim_start().starts_with("```")) {
            writeln!(out, "  {line}")?;
        }
    }
    if let Some(related) = doc.related_udfs.as_ref().filter(|r| !r.is_empty()) {
        writeln!(out, "\nRelated: {}", related.join(", "))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use datafusion::logical_expr::{ColumnarValue, Volatility, create_udf};

    use super::*;

    fn show_text(ctx: &SessionContext, name: &str) -> Result<String> {
        let mut out = Vec::new();
        show(ctx, name, &mut out)?;
        Ok(String::from_utf8(out).unwrap())
    }

    #[test]
    fn a_function_without_documentation_says_so() {
        let ctx = SessionContext::new();
        let f = create_udf(
            "undocumented_fn",
            vec![DataType::Int64],
            DataType::Int64,
            Volatility::Immutable,
            Arc::new(|args: &[ColumnarValue]| -> datafusion::error::Result<ColumnarValue> { Ok(args[0].clone()) }),
        );
        ctx.register_udf(f);
        assert_eq!(
            show_text(&ctx, "UNDOCUMENTED_FN").unwrap(),
            "undocumented_fn (scalar function)\n  no documentation\n"
        );
    }

    #[test]
    fn documented_functions_show_description_syntax_and_example() {
        let ctx = SessionContext::new();
        let text = show_text(&ctx, "abs").unwrap();
        assert!(text.starts_with("abs (scalar function)\n  Returns the absolute value of a number.\n"), "{text}");
        assert!(text.contains("\nSyntax:\n  abs(numeric_expression)\n"), "{text}");
        assert!(text.contains("  > SELECT abs(-5);"), "{text}");
        let e = show_text(&ctx, "abss").unwrap_err().to_string();
        assert!(e.contains("no function of that name; nearest: abs"), "{e}");
        // Lambda (higher-order) functions too: DataFusion's array_filter and Hadron's array_count.
        let ctx = hadron_datafusion::session_context();
        let text = show_text(&ctx, "array_count").unwrap();
        assert!(text.starts_with("array_count (lambda function)\n"), "{text}");
        assert!(text.contains("array_count(list, x -> predicate)"), "{text}");
        assert!(show_text(&ctx, "array_filter").unwrap().starts_with("array_filter (lambda function)"));
    }
}
