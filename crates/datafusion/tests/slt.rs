//! slt: a small sqllogictest runner — every `tests/slt/*.slt` file against
//! `hadron_datafusion::session_context()`, statements run through `hadron_datafusion::lambda::sql`.
//!
//! Records (a blank line ends one; `#` starts a comment line):
//! * `statement ok` + SQL — must succeed;
//! * `statement error <substring>` + SQL — must fail with a message containing the substring;
//! * `query <types> [rowsort]` + SQL + `----` + expected rows — one letter per column (`I`, `R`,
//!   `T`, `B`, `?`); values rendered with Arrow's display formatter, columns separated by one space,
//!   NULL as `NULL`, the empty string as `(empty)`; numbers (also inside lists and structs) compare
//!   with relative tolerance 1e-6, everything else exactly; `rowsort` sorts both sides' rows.
//!
//! `__TMP__` in SQL is replaced by a fresh temporary directory per file.

use std::path::{Path, PathBuf};

use datafusion::arrow::array::RecordBatch;
use datafusion::arrow::util::display::{ArrayFormatter, FormatOptions};
use datafusion::error::Result;
use hadron_datafusion::{lambda, session_context};

#[derive(Debug)]
enum Expect {
    Ok,
    Error(String),
    Rows { types: String, rowsort: bool, rows: Vec<String> },
}

#[derive(Debug)]
struct Record {
    line: usize,
    sql: String,
    expect: Expect,
}

fn parse(text: &str, file: &Path) -> Vec<Record> {
    let lines: Vec<&str> = text.lines().collect();
    let mut records = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let header = lines[i].trim();
        if header.is_empty() || header.starts_with('#') {
            i += 1;
            continue;
        }
        let line = i + 1;
        let mut words = header.split_whitespace();
        let (kind, rest) = (words.next().unwrap_or(""), words.collect::<Vec<_>>());
        i += 1;
        let mut sql = Vec::new();
        while i < lines.len() && !lines[i].trim().is_empty() && lines[i].trim() != "----" {
            sql.push(lines[i]);
            i += 1;
        }
        let expect = match (kind, rest.first().copied()) {
            ("statement", Some("ok")) => Expect::Ok,
            ("statement", Some("error")) => {
                Expect::Error(header.splitn(3, char::is_whitespace).nth(2).unwrap_or("").trim().to_string())
            }
            ("query", Some(types)) => {
                let mut rows = Vec::new();
                if i < lines.len() && lines[i].trim() == "----" {
                    i += 1;
                    while i < lines.len() && !lines[i].trim().is_empty() {
                        rows.push(lines[i].trim().to_string());
                        i += 1;
                    }
                }
                Expect::Rows { types: types.to_string(), rowsort: rest.contains(&"rowsort"), rows }
            }
            _ => panic!("{}:{line}: unknown record header '{header}'", file.display()),
        };
        records.push(Record { line, sql: sql.join("\n"), expect });
    }
    records
}

fn render(batches: &[RecordBatch]) -> Result<(usize, Vec<String>)> {
    let options = FormatOptions::default().with_null("NULL");
    let columns = batches.first().map_or(0, |b| b.num_columns());
    let mut rows = Vec::new();
    for batch in batches {
        let formatters = batch
            .columns()
            .iter()
            .map(|c| ArrayFormatter::try_new(c.as_ref(), &options))
            .collect::<std::result::Result<Vec<_>, _>>()?;
        for r in 0..batch.num_rows() {
            let cells: Vec<String> = formatters
                .iter()
                .map(|f| {
                    let s = f.value(r).to_string();
                    if s.is_empty() { "(empty)".to_string() } else { s }
                })
                .collect();
            rows.push(cells.join(" "));
        }
    }
    Ok((columns, rows))
}

/// Splits a rendered row into number and non-number pieces (whitespace dropped).
fn tokens(row: &str) -> Vec<String> {
    let is_number_char = |c: char| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E');
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut current_is_number = false;
    for c in row.chars() {
        if c.is_whitespace() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let number = is_number_char(c);
        if !current.is_empty() && number != current_is_number {
            out.push(std::mem::take(&mut current));
        }
        current_is_number = number;
        current.push(c);
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

fn same_value(expected: &str, actual: &str) -> bool {
    match (expected.parse::<f64>(), actual.parse::<f64>()) {
        (Ok(e), Ok(a)) => e == a || (e - a).abs() <= 1e-6 * e.abs().max(a.abs()) + 1e-12,
        _ => expected == actual,
    }
}

fn same_row(expected: &str, actual: &str) -> bool {
    let (e, a) = (tokens(expected), tokens(actual));
    e.len() == a.len() && e.iter().zip(&a).all(|(x, y)| same_value(x, y))
}

async fn run_record(
    ctx: &datafusion::prelude::SessionContext,
    record: &Record,
    sql: &str,
) -> std::result::Result<(), String> {
    let outcome = async { lambda::sql(ctx, sql).await?.collect().await }.await;
    match (&record.expect, outcome) {
        (Expect::Ok, Ok(_)) => Ok(()),
        (Expect::Ok, Err(e)) => Err(format!("expected success, got error: {e}")),
        (Expect::Error(want), Err(e)) if e.to_string().contains(want.as_str()) => Ok(()),
        (Expect::Error(want), Err(e)) => Err(format!("expected an error containing '{want}', got: {e}")),
        (Expect::Error(want), Ok(_)) => Err(format!("expected an error containing '{want}', got success")),
        (Expect::Rows { .. }, Err(e)) => Err(format!("query failed: {e}")),
        (Expect::Rows { types, rowsort, rows }, Ok(batches)) => {
            let (columns, mut actual) = render(&batches).map_err(|e| e.to_string())?;
            let mut expected = rows.clone();
            if *rowsort {
                actual.sort();
                expected.sort();
            }
            let mut problems = Vec::new();
            if !actual.is_empty() && columns != types.len() {
                problems.push(format!("{columns} columns, header says {} ('{types}')", types.len()));
            }
            let matches = expected.len() == actual.len() && expected.iter().zip(&actual).all(|(e, a)| same_row(e, a));
            if !matches {
                problems.push(format!("expected:\n  {}\nactual:\n  {}", expected.join("\n  "), actual.join("\n  ")));
            }
            if problems.is_empty() { Ok(()) } else { Err(problems.join("\n")) }
        }
    }
}

async fn run_file(path: &Path) -> (usize, Vec<String>) {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let tmp = tempfile::tempdir().expect("temporary directory");
    let tmp_path = tmp.path().to_string_lossy().to_string();
    let ctx = session_context();
    let mut passed = 0;
    let mut failures = Vec::new();
    for record in parse(&text, path) {
        let sql = record.sql.replace("__TMP__", &tmp_path);
        match run_record(&ctx, &record, &sql).await {
            Ok(()) => passed += 1,
            Err(why) => failures.push(format!("{}:{}\n{sql}\n{why}\n", path.display(), record.line)),
        }
    }
    (passed, failures)
}

fn slt_files() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/slt");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "slt"))
        .collect();
    files.sort();
    files
}

#[test]
fn sqllogictest() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let files = slt_files();
    assert!(!files.is_empty(), "no .slt files");
    let (mut passed, mut failures) = (0, Vec::new());
    for file in &files {
        let (p, f) = runtime.block_on(run_file(file));
        eprintln!("{}: {p} records passed, {} failed", file.display(), f.len());
        passed += p;
        failures.extend(f);
    }
    for failure in &failures {
        eprintln!("FAILED {failure}");
    }
    eprintln!("sqllogictest: {} files, {passed} records passed, {} failed", files.len(), failures.len());
    assert!(failures.is_empty(), "{} of {} records failed", failures.len(), passed + failures.len());
    assert!(passed > 0, "no record ran");
}

#[test]
fn row_comparison_tolerates_float_noise_only() {
    assert!(same_row("[1.0, -2.5e-3] abc", "[1.0000000001, -0.0025] abc"));
    assert!(same_row("0", "6.123233995736766e-17"));
    assert!(!same_row("1.0", "1.001"));
    assert!(!same_row("[1.0, 2.0]", "[1.0, 2.0, 3.0]"));
    assert!(!same_row("NULL", "0"));
    assert!(!same_row("{a: 1}", "{b: 1}"));
}

#[test]
fn parses_records() {
    let text = "# c\nstatement ok\nCREATE TABLE t AS VALUES (1)\n\nquery IT rowsort\nSELECT 1,\n 'a'\n----\n1 a\n2 b\n\nstatement error No field\nSELECT x\n";
    let records = parse(text, Path::new("x.slt"));
    assert_eq!(records.len(), 3);
    assert!(matches!(records[0].expect, Expect::Ok));
    assert_eq!(records[1].line, 5);
    assert_eq!(records[1].sql, "SELECT 1,\n 'a'");
    assert!(matches!(&records[1].expect, Expect::Rows { rowsort: true, rows, .. } if rows.len() == 2));
    assert!(matches!(&records[2].expect, Expect::Error(s) if s == "No field"));
}

/// The SQL examples in the functions' documentation hold: every `> SELECT …;` line followed by a
/// result line is run and compared like a query record.
#[test]
fn documentation_examples_hold() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("runtime");
    let ctx = session_context();
    let mut checked = 0;
    let scalars = hadron_datafusion::functions::hep_functions();
    let aggregates = hadron_datafusion::functions::hep_aggregates();
    let docs = scalars
        .iter()
        .map(|f| (f.name(), f.documentation()))
        .chain(aggregates.iter().map(|f| (f.name(), f.documentation())));
    for (name, doc) in docs {
        let doc = doc.unwrap_or_else(|| panic!("{name} has no documentation"));
        assert!(doc.syntax_example.starts_with(name), "{name}: syntax '{}'", doc.syntax_example);
        let example = doc.sql_example.as_deref().unwrap_or_else(|| panic!("{name} has no SQL example"));
        let lines: Vec<&str> = example.lines().collect();
        for pair in lines.windows(2) {
            let (Some(sql), expected) = (pair[0].strip_prefix("> "), pair[1]) else { continue };
            if expected.starts_with("> ") {
                continue;
            }
            let batches = runtime
                .block_on(async { lambda::sql(&ctx, sql).await?.collect().await })
                .unwrap_or_else(|e| panic!("{name}: example '{sql}' fails: {e}"));
            let (_, rows) = render(&batches).expect("render");
            assert_eq!(rows.len(), 1, "{name}: '{sql}'");
            assert!(same_row(expected, &rows[0]), "{name}: '{sql}' gives {}, the doc says {expected}", rows[0]);
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} examples checked");
}
