//! `cargo xtask`: stratus's task runner.
//!
//! ```text
//! cargo xtask test             install what is missing, then fmt, clippy, the
//!                              thumbv7em build and every test (what CI runs)
//! cargo xtask setup            only the install steps
//! cargo xtask demo [--signing-time YYYYMMDDTHHMMSSZ]
//!                              sign a sample Kinesis request and print it
//! cargo xtask import-models …  regenerate models/data from the pinned packages
//! cargo xtask bench [--skip-build-time]
//!                              stratus against aws-sigv4, aws-sdk-kinesis and
//!                              botocore/boto3 (tests/peers/); not part of `test`
//! ```
//!
//! Plain std plus `sha2`; child processes run in the workspace root with
//! `AWS_EC2_METADATA_DISABLED=true`.

mod bench;
mod checks;
mod error;
mod import_models;
mod sdist;
mod setup;
mod steps;
mod workspace;

use std::process::ExitCode;

use error::XtaskError;
use steps::run_all;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  test                 install what is missing, then fmt, clippy, the
                       thumbv7em-none-eabihf core build and every test
  setup                only the install steps (Rust target and components,
                       pinned botocore/boto3/moto, the botocore sdist)
  demo [--signing-time YYYYMMDDTHHMMSSZ]
                       sign a sample Kinesis PutRecord request and print it
                       (at the current time unless one is given)
  import-models [...]  regenerate models/data from the pinned PyPI packages
  bench [--skip-build-time] [--calls N] [--batches N]
                       benchmarks against aws-sigv4, aws-sdk-kinesis and
                       botocore/boto3 (tests/peers/); prints a markdown table
  help                 this text";

/// `cargo xtask demo [--signing-time YYYYMMDDTHHMMSSZ]`: runs the example with
/// these arguments. Its stdout is the signed request byte for byte, so nothing
/// of xtask's own is printed there.
fn demo(args: &[String]) -> ExitCode {
    let mut cmd = workspace::cargo();
    cmd.args([
        "run",
        "-p",
        "stratus-transport-std",
        "--example",
        "sign_request",
        "--quiet",
        "--",
    ])
    .args(args);
    let shown = workspace::show(&cmd);
    match cmd.status() {
        Ok(status) if status.success() => ExitCode::SUCCESS,
        Ok(status) => {
            let err = XtaskError::CommandFailed {
                command: shown,
                status,
            };
            eprintln!("xtask demo: {err}");
            ExitCode::FAILURE
        }
        Err(source) => {
            let err = XtaskError::Spawn {
                command: shown,
                source,
            };
            eprintln!("xtask demo: {err}");
            ExitCode::FAILURE
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = match args.split_first() {
        Some((task, rest)) => (task.as_str(), rest),
        None => ("help", &[][..]),
    };
    match task {
        "test" => run_all("test", &checks::steps()),
        "setup" => run_all("setup", &setup::steps()),
        "demo" => demo(rest),
        "bench" => bench::bench(rest),
        "import-models" => match import_models::run(rest) {
            Ok(()) => ExitCode::SUCCESS,
            Err(why) => {
                eprintln!("xtask: {}", XtaskError::ImportModels(why));
                ExitCode::FAILURE
            }
        },
        "help" | "-h" | "--help" => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        other => {
            let err = XtaskError::Usage(format!("unknown task `{other}`"));
            eprintln!("xtask: {err}\n\n{USAGE}");
            ExitCode::from(2)
        }
    }
}
