//! `hadron sql` through `hadron_cli::run` (and the binary, for piped stdin): every format on hand-worked
//! results, a script failing in statement 2, backslash commands, COPY TO PARQUET read back by pyarrow.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

mod support;
use support::run;

const VALUES: &str = "SELECT * FROM (VALUES (1, 'a'), (2, NULL)) AS t(x, y) ORDER BY x";

/// The last line of `out`, checked to read "`what` in N.NNN s".
fn assert_timed_footer(out: &str, what: &str) {
    let last = out.lines().last().unwrap_or("");
    let time = last.strip_prefix(&format!("{what} in ")).and_then(|t| t.strip_suffix(" s"));
    let ok = time.is_some_and(|t| t.len() >= 5 && t.split_once('.').is_some_and(|(_, f)| f.len() == 3));
    assert!(ok && time.unwrap().parse::<f64>().is_ok(), "footer {last:?} of {out}");
}

#[test]
fn values_query_in_each_format() {
    let (code, out, err) = run(&["sql", "-c", VALUES, "--format", "csv"]);
    assert_eq!((code, out.as_str()), (0, "x,y\n1,a\n2,\n"), "{err}");
    let (code, out, err) = run(&["sql", "-c", VALUES, "--format", "json"]);
    assert_eq!((code, out.as_str()), (0, "{\"x\":1,\"y\":\"a\"}\n{\"x\":2,\"y\":null}\n"), "{err}");
    let table = "+---+---+\n| x | y |\n+---+---+\n| 1 | a |\n| 2 |   |\n+---+---+\n";
    let (code, out, err) = run(&["sql", "-c", VALUES, "--quiet"]);
    assert_eq!((code, out.as_str()), (0, table), "{err}");
    let (code, out, err) = run(&["sql", "-c", VALUES]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with(table), "{out}");
    assert_timed_footer(&out, "2 rows");
    assert_eq!(err, "", "no progress line when stderr is not a terminal");
}

#[test]
fn csv_table_created_and_queried_in_one_command() {
    let dir = tempfile::tempdir().unwrap();
    let csv = dir.path().join("particles.csv");
    std::fs::write(&csv, "name,pt\nmu,10.5\ne,3.25\nmu,4.0\n").unwrap();
    let sql = format!(
        "CREATE EXTERNAL TABLE p STORED AS CSV LOCATION '{}' OPTIONS ('format.has_header' 'true');\n\
         SELECT name, sum(pt) AS total, count(*) AS n FROM p GROUP BY name ORDER BY name;",
        csv.display()
    );
    let (code, out, err) = run(&["sql", "-c", &sql, "--format", "csv"]);
    assert_eq!((code, out.as_str()), (0, "name,total,n\ne,3.25,1\nmu,14.5,2\n"), "{err}");
    let (code, out, err) = run(&["sql", "-c", &sql, "--format", "json"]);
    let json = "{\"name\":\"e\",\"total\":3.25,\"n\":1}\n{\"name\":\"mu\",\"total\":14.5,\"n\":2}\n";
    assert_eq!((code, out.as_str()), (0, json), "{err}");
    let (code, out, err) = run(&["sql", "-c", &sql]);
    assert_eq!(code, 0, "{err}");
    let (ok_line, rest) = out.split_once('\n').unwrap();
    assert_timed_footer(ok_line, "OK");
    let table = "+------+-------+---+\n| name | total | n |\n+------+-------+---+\n\
                 | e    | 3.25  | 1 |\n| mu   | 14.5  | 2 |\n+------+-------+---+\n";
    assert!(rest.starts_with(table), "{out}");
    assert_timed_footer(rest, "2 rows");
}

#[test]
fn script_stops_at_the_failing_statement_and_names_its_line() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("q.sql");
    std::fs::write(
        &file,
        "-- a comment line\nSELECT 1 AS one;\n\nSELECT nope\n  FROM (VALUES (1)) AS v(x);\nSELECT 3 AS three;\n",
    )
    .unwrap();
    let (code, out, err) = run(&["sql", "-f", file.to_str().unwrap(), "--format", "csv"]);
    assert_eq!(code, 1);
    assert_eq!(out, "one\n1\n", "statement 3 must not run");
    let expected = format!("hadron: error: statement 2 at line 4 of {} (`SELECT nope …`): ", file.display());
    assert!(err.starts_with(&expected), "{err}");
    assert!(err.contains("nope"), "{err}");

    let (code, out, err) = run(&["sql", "-c", "SELECT 1 AS a; SELECT nope; SELECT 3 AS c", "--format", "csv"]);
    assert_eq!((code, out.as_str()), (1, "a\n1\n"));
    assert!(err.starts_with("hadron: error: statement 2 at line 1 of -c (`SELECT nope`): "), "{err}");
    // DataFusion's schema error prints its cause inside its own text: the line says it once.
    assert_eq!(err.matches("No field named nope").count(), 1, "{err}");

    let (code, _, err) = run(&["sql", "-f", "/nonexistent/q.sql"]);
    assert_eq!(code, 1);
    assert!(err.starts_with("hadron: error: reading /nonexistent/q.sql: "), "{err}");
}

#[test]
fn backslash_commands_describe_tables_and_functions() {
    let sql = "CREATE TABLE t (x INT NOT NULL, y DOUBLE);\n\\d\n\\d t\n\\h abs\n\\d tt";
    let (code, out, err) = run(&["sql", "-c", sql, "--format", "csv"]);
    assert_eq!(code, 1, "\\d tt fails");
    let tables = "schema,name,kind\ndatafusion.public,t,table\n";
    let columns = "column,type,nullable\nx,Int32,false\ny,Float64,true\n";
    let abs =
        "abs (scalar function)\n  Returns the absolute value of a number.\n\nSyntax:\n  abs(numeric_expression)\n";
    assert!(out.starts_with(&format!("{tables}{columns}{abs}")), "{out}");
    assert!(
        err.starts_with("hadron: error: statement 5 at line 5 of -c (`\\d tt`): \\d tt: no such table (nearest: t)"),
        "{err}"
    );

    let (code, out, err) = run(&["sql", "-c", "\\h", "--format", "csv"]);
    assert_eq!(code, 0, "{err}");
    for line in ["abs,scalar,Returns the absolute value of a number.", "sum,aggregate,", "row_number,window,"] {
        assert!(out.lines().any(|l| l.starts_with(line)), "{line} missing from \\h");
    }

    let (code, out, err) = run(&["sql", "-c", "\\timing\nSELECT 1 AS one;\n\\q\nSELECT 2 AS two"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "Timing is off.\n+-----+\n| one |\n+-----+\n| 1   |\n+-----+\n1 row\n");

    // CSV keeps stdout to the rows: no time unless asked for, and then on stderr.
    let (code, out, err) = run(&["sql", "-c", "SELECT 1 AS one", "--format", "csv"]);
    assert_eq!((code, out.as_str()), (0, "one\n1\n"), "{err}");
    assert!(!err.contains("Time:"), "{err}");
    let (code, out, err) = run(&["sql", "-c", "\\timing on\nSELECT 1 AS one", "--format", "csv"]);
    assert_eq!((code, out.as_str()), (0, "one\n1\n"), "{err}");
    let secs: f64 = err.lines().find_map(|l| l.strip_prefix("Time: ")?.strip_suffix(" s")?.parse().ok()).expect(&err);
    assert!((0.0..60.0).contains(&secs), "{err}");

    let (code, _, err) = run(&["sql", "-c", "\\x"]);
    assert_eq!(code, 1);
    assert!(err.contains("\\x: unknown command (\\? lists the commands)"), "{err}");
}

#[test]
fn piped_stdin_runs_statements_and_commands() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_hadron"))
        .args(["sql", "--format", "json"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let script = "SELECT 1 AS a;\nSELECT 'x'\n  AS b; -- two lines\n\\q\nSELECT 3 AS c;\n";
    child.stdin.take().unwrap().write_all(script.as_bytes()).unwrap();
    let o = child.wait_with_output().unwrap();
    let (out, err) = (String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
    assert!(o.status.success(), "{err}");
    assert_eq!(out, "{\"a\":1}\n{\"b\":\"x\"}\n", "\\q stops before SELECT 3");
    assert_eq!(err, "");
}

/// The Parquet files under `dir` (none half-written: no staging name left behind).
fn parquet_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    for f in &files {
        let name = f.file_name().unwrap().to_string_lossy();
        assert!(name.ends_with(".parquet") && !name.contains('#'), "unexpected file {name}");
    }
    files
}

#[test]
fn copy_to_parquet_shards_read_back() {
    let dir = tempfile::tempdir().unwrap();
    let shards = dir.path().join("shards");
    let copy = format!(
        "COPY (SELECT * FROM (VALUES (1, 'a', 0.5), (2, 'b', 1.5), (3, 'c', 2.5)) AS t(id, tag, w)) \
         TO '{}/' STORED AS PARQUET",
        shards.display()
    );
    let (code, out, err) = run(&["sql", "-c", &copy, "--format", "csv"]);
    assert_eq!((code, out.as_str()), (0, "count\n3\n"), "{err}");
    let files = parquet_files(&shards);
    assert!(!files.is_empty());

    // Read back by the parquet crate…
    let mut rows = 0;
    for f in &files {
        let reader = parquet::file::serialized_reader::SerializedFileReader::new(std::fs::File::open(f).unwrap());
        rows += parquet::file::reader::FileReader::metadata(&reader.unwrap()).file_metadata().num_rows();
    }
    assert_eq!(rows, 3);
    // …by hadron sql as a Parquet table…
    let read = format!(
        "CREATE EXTERNAL TABLE s STORED AS PARQUET LOCATION '{}/';\n\
         SELECT count(*) AS n, sum(id) AS ids, sum(w) AS w, string_agg(tag, '' ORDER BY id) AS tags FROM s",
        shards.display()
    );
    let (code, out, err) = run(&["sql", "-c", &read, "--format", "csv"]);
    assert_eq!((code, out.as_str()), (0, "n,ids,w,tags\n3,6,4.5,abc\n"), "{err}");
    // …and by pyarrow.
    let Some(py) = support::peers_python("pyarrow") else { return };
    let script = r#"
import sys, pyarrow.parquet as pq
t = pq.read_table(sys.argv[1]).sort_by("id").to_pydict()
assert t == {"id": [1, 2, 3], "tag": ["a", "b", "c"], "w": [0.5, 1.5, 2.5]}, t
print("ok")
"#;
    let o = Command::new(py).args(["-c", script, shards.to_str().unwrap()]).output().unwrap();
    assert!(o.status.success(), "{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr));
}
