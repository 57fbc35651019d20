//! Shared by the sigv4 differential tests: running the botocore oracle
//! (`tests/oracle/sigv4_oracle.py`) in one batch process, and JSON strings.

use std::io::{BufRead, BufReader, Write};
use std::process::Stdio;

/// Runs the oracle in `mode` over `cases` (one JSON object each) and returns
/// one output line per case.
pub fn run_oracle(mode: &str, cases: &[String]) -> Vec<String> {
    let script = stratus_tests::workspace_root().join("tests/oracle/sigv4_oracle.py");
    let mut child = stratus_tests::python()
        .arg(&script)
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start python3 for {}: {e}", script.display()));
    let mut stdin = child.stdin.take().expect("piped stdin");
    let input: String = cases.iter().map(|c| format!("{c}\n")).collect();
    let writer = std::thread::spawn(move || {
        stdin
            .write_all(input.as_bytes())
            .expect("writing to the oracle");
    });
    let stdout = child.stdout.take().expect("piped stdout");
    let lines: Vec<String> = BufReader::new(stdout)
        .lines()
        .map(|l| l.expect("reading the oracle"))
        .collect();
    writer.join().expect("oracle writer thread");
    let status = child.wait().expect("waiting for the oracle");
    assert!(status.success(), "oracle exited with {status}");
    assert_eq!(
        lines.len(),
        cases.len(),
        "the oracle answered {} of {} cases",
        lines.len(),
        cases.len()
    );
    lines
}

/// `s` as a JSON string literal.
pub fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `Some(s)` as a JSON string, `None` as `null`.
pub fn json_opt(s: Option<&str>) -> String {
    s.map(json_str).unwrap_or_else(|| "null".into())
}
