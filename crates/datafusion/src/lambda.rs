//! lambda: the SQL front that runs the seed pipeline's lambda forms — `FILTER(Electron, e -> e.PT > 23)`.
//!
//! DataFusion 55 plans `array_filter(l, e -> e['PT'] > 23)` under a lambda-capable dialect, but not
//! the Spark spelling the reference pipeline uses: `FILTER`/`TRANSFORM` are not function names it
//! knows, and `e.PT` on a lambda parameter fails with "No field named e.PT". [`sql`] parses with
//! DataFusion's own [`DFParser`] (so `CREATE EXTERNAL TABLE`, `COPY … TO`, `EXPLAIN` and `RESET`
//! keep their DataFusion meaning), rewrites the sqlparser AST, then plans and runs the statement:
//!
//! * inside a lambda body, `p.a.b` where `p` is a parameter of an enclosing lambda becomes
//!   `p['a']['b']` (field names keep their case exactly: `e.PT` reads field `PT`);
//! * a call `FILTER(list, lambda)` (any case) becomes `array_filter`, `TRANSFORM(list, lambda)`
//!   becomes `array_transform`; calls without a lambda argument are left alone.
//!
//! [`split_statements`] cuts a script into statements at top-level semicolons with the same
//! tokenizer, so a shell can run a file statement by statement.

use std::ops::ControlFlow;

use datafusion::dataframe::DataFrame;
use datafusion::error::{DataFusionError, Result};
use datafusion::prelude::SessionContext;
use datafusion::sql::parser::{CopyToSource, DFParserBuilder, Statement};
use datafusion::sql::sqlparser::ast::{
    AccessExpr, Expr, Function, FunctionArg, FunctionArgExpr, FunctionArguments, Ident, ObjectNamePart, Subscript,
    Value, VisitMut, VisitorMut,
};
use datafusion::sql::sqlparser::dialect::{Dialect, dialect_from_str};
use datafusion::sql::sqlparser::tokenizer::{Location, Token, Tokenizer};

/// Plans and runs ONE SQL statement in `ctx` after the lambda rewrite described in the module
/// docs. The statement may be anything `SessionContext::sql` accepts (queries, DDL, `SET`,
/// `CREATE EXTERNAL TABLE`, `COPY … TO`, `EXPLAIN`); a trailing semicolon is allowed.
pub async fn sql(ctx: &SessionContext, sql: &str) -> Result<DataFrame> {
    let state = ctx.state();
    // The dialect is not `Send`: parse and rewrite before the first await.
    let statement = {
        let options = &state.config().options().sql_parser;
        let dialect = session_dialect(options.dialect.as_ref())?;
        let mut statements = DFParserBuilder::new(sql)
            .with_dialect(dialect.as_ref())
            .with_recursion_limit(options.recursion_limit.get())
            .build()?
            .parse_statements()?;
        if statements.len() > 1 {
            return Err(DataFusionError::Plan(format!(
                "lambda::sql runs one statement, got {}; split the text with lambda::split_statements",
                statements.len()
            )));
        }
        let mut statement =
            statements.pop_front().ok_or_else(|| DataFusionError::Plan("no SQL statement in the text".to_string()))?;
        rewrite_statement(&mut statement, options.enable_ident_normalization);
        statement
    };
    let plan = state.statement_to_plan(statement).await?;
    ctx.execute_logical_plan(plan).await
}

/// Splits a script into statements at top-level semicolons (semicolons inside strings, quoted
/// identifiers and comments do not count). Returns each statement's text without its semicolon,
/// trimmed; pieces that hold only whitespace or comments are dropped. Uses the DuckDB dialect's
/// tokenizer, the dialect [`crate::session_context`] parses with.
pub fn split_statements(sql: &str) -> Result<Vec<String>> {
    let dialect = session_dialect("duckdb")?;
    let tokens = Tokenizer::new(dialect.as_ref(), sql)
        .tokenize_with_location()
        .map_err(|e| DataFusionError::Plan(format!("cannot split SQL script: {e}")))?;
    let offsets = LineIndex::new(sql);
    let mut statements = Vec::new();
    let mut start = 0usize;
    let mut has_content = false;
    for token in &tokens {
        match &token.token {
            Token::SemiColon => {
                let end = offsets.byte_offset(token.span.start);
                if has_content {
                    statements.push(sql[start..end].trim().to_string());
                }
                start = end + 1;
                has_content = false;
            }
            Token::Whitespace(_) | Token::EOF => {}
            _ => has_content = true,
        }
    }
    if has_content {
        statements.push(sql[start..].trim().to_string());
    }
    Ok(statements)
}

/// Rewrites the lambda forms in every SQL part of a DataFusion statement, in place.
pub fn rewrite_statement(statement: &mut Statement, normalize_idents: bool) {
    let mut rewriter = LambdaRewriter { scopes: Vec::new(), normalize_idents };
    match statement {
        Statement::Statement(inner) => {
            let _ = inner.as_mut().visit(&mut rewriter);
        }
        Statement::CopyTo(copy) => {
            if let CopyToSource::Query(query) = &mut copy.source {
                let _ = query.as_mut().visit(&mut rewriter);
            }
        }
        Statement::Explain(explain) => rewrite_statement(&mut explain.statement, normalize_idents),
        Statement::CreateExternalTable(_) | Statement::Reset(_) => {}
    }
}

fn session_dialect(name: &str) -> Result<Box<dyn Dialect>> {
    dialect_from_str(name).ok_or_else(|| DataFusionError::Plan(format!("unsupported SQL dialect: {name}")))
}

/// The AST pass: a stack of the parameter names of the lambdas around the current node.
struct LambdaRewriter {
    scopes: Vec<Vec<String>>,
    normalize_idents: bool,
}

impl LambdaRewriter {
    /// The name DataFusion will resolve for `ident` (unquoted names fold to lower case).
    fn key(&self, ident: &Ident) -> String {
        if self.normalize_idents && ident.quote_style.is_none() {
            ident.value.to_lowercase()
        } else {
            ident.value.clone()
        }
    }

    fn is_parameter(&self, ident: &Ident) -> bool {
        let key = self.key(ident);
        self.scopes.iter().any(|scope| scope.contains(&key))
    }
}

impl VisitorMut for LambdaRewriter {
    type Break = ();

    fn pre_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        match expr {
            Expr::Lambda(lambda) => {
                let names = lambda.params.iter().map(|p| self.key(&p.name)).collect();
                self.scopes.push(names);
            }
            Expr::Function(function) => rename_higher_order(function),
            _ => {}
        }
        ControlFlow::Continue(())
    }

    fn post_visit_expr(&mut self, expr: &mut Expr) -> ControlFlow<()> {
        match expr {
            Expr::Lambda(_) => {
                self.scopes.pop();
            }
            Expr::CompoundIdentifier(parts) if parts.len() > 1 && self.is_parameter(&parts[0]) => {
                let root = Expr::Identifier(parts[0].clone());
                let chain = parts[1..].iter().map(|p| field_subscript(&p.value)).collect();
                *expr = Expr::CompoundFieldAccess { root: Box::new(root), access_chain: chain };
            }
            Expr::CompoundFieldAccess { root, access_chain } => {
                // `e.a[1].b` arrives as a field access whose root may already be rewritten.
                if matches!(root.as_ref(), Expr::CompoundFieldAccess { .. }) {
                    let inner = std::mem::replace(root.as_mut(), Expr::value(Value::Null));
                    if let Expr::CompoundFieldAccess { root: inner_root, access_chain: mut inner_chain } = inner {
                        inner_chain.append(access_chain);
                        *access_chain = inner_chain;
                        *root = inner_root;
                    }
                }
                let on_parameter = matches!(root.as_ref(), Expr::Identifier(id) if self.is_parameter(id));
                if on_parameter {
                    for access in access_chain.iter_mut() {
                        if let AccessExpr::Dot(Expr::Identifier(field)) = access {
                            *access = field_subscript(&field.value);
                        }
                    }
                }
            }
            _ => {}
        }
        ControlFlow::Continue(())
    }
}

/// `['name']`: the subscript DataFusion plans as `get_field(…, 'name')`.
fn field_subscript(name: &str) -> AccessExpr {
    AccessExpr::Subscript(Subscript::Index { index: Expr::value(Value::SingleQuotedString(name.to_string())) })
}

/// `FILTER(l, x -> …)` → `array_filter(l, x -> …)`, `TRANSFORM(l, x -> …)` → `array_transform`.
fn rename_higher_order(function: &mut Function) {
    let [ObjectNamePart::Identifier(name)] = function.name.0.as_mut_slice() else {
        return;
    };
    if name.quote_style.is_some() {
        return;
    }
    let target = if name.value.eq_ignore_ascii_case("filter") {
        "array_filter"
    } else if name.value.eq_ignore_ascii_case("transform") {
        "array_transform"
    } else {
        return;
    };
    let FunctionArguments::List(list) = &function.args else {
        return;
    };
    let has_lambda = list.args.iter().any(|arg| {
        let expr = match arg {
            FunctionArg::Unnamed(e) => e,
            FunctionArg::Named { arg, .. } | FunctionArg::ExprNamed { arg, .. } => arg,
        };
        matches!(expr, FunctionArgExpr::Expr(Expr::Lambda(_)))
    });
    if has_lambda {
        name.value = target.to_string();
    }
}

/// Maps the tokenizer's (line, column) locations, columns counted in characters, to byte offsets.
struct LineIndex<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, line_starts }
    }

    fn byte_offset(&self, location: Location) -> usize {
        let line = (location.line.max(1) - 1) as usize;
        let Some(&start) = self.line_starts.get(line) else {
            return self.text.len();
        };
        let column = (location.column.max(1) - 1) as usize;
        self.text[start..].char_indices().nth(column).map_or(self.text.len(), |(i, _)| start + i)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_at_top_level_semicolons_only() {
        let script = "SELECT 'a;b' AS \"x;y\"; -- c;d\n\n  SELECT 2 /* ; */ ;\n;  -- only a comment\n SELECT 3";
        let parts = split_statements(script).unwrap();
        assert_eq!(
            parts,
            vec!["SELECT 'a;b' AS \"x;y\"", "-- c;d\n\n  SELECT 2 /* ; */", "-- only a comment\n SELECT 3"]
        );
    }

    #[test]
    fn splits_after_multibyte_characters() {
        let parts = split_statements("SELECT 'Δφ'; SELECT 'η'").unwrap();
        assert_eq!(parts, vec!["SELECT 'Δφ'", "SELECT 'η'"]);
    }

    fn rewritten(sql: &str) -> String {
        let dialect = session_dialect("duckdb").unwrap();
        let mut statements =
            DFParserBuilder::new(sql).with_dialect(dialect.as_ref()).build().unwrap().parse_statements().unwrap();
        let mut statement = statements.pop_front().unwrap();
        rewrite_statement(&mut statement, true);
        statement.to_string()
    }

    #[test]
    fn rewrites_fields_of_lambda_parameters_only() {
        assert_eq!(
            rewritten("SELECT FILTER(Electron, e -> e.PT > 23 AND t.PT > 1) FROM t"),
            "SELECT array_filter(Electron, e -> e['PT'] > 23 AND t.PT > 1) FROM t"
        );
        assert_eq!(
            rewritten("SELECT transform(a, x -> x.b.C + filter(y, z -> z.w > x.v)) FROM t"),
            "SELECT array_transform(a, x -> x['b']['C'] + array_filter(y, z -> z['w'] > x['v'])) FROM t"
        );
        assert_eq!(rewritten("SELECT filter FROM t"), "SELECT filter FROM t");
    }
}
