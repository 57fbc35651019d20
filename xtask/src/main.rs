//! `cargo xtask`: stratus's task runner.
//!
//! ```text
//! cargo xtask test             install what is missing, then fmt, clippy, the
//!                              thumbv7em build and every test (what CI runs)
//! cargo xtask setup            only the install steps
//! cargo xtask demo [gateway options]
//!                              the stratus gateway against a local moto
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
mod demo;
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
  demo [--devices N] [--duration 10s] [--rate N] [...]
                       the stratus gateway: simulated devices sending to
                       Kinesis, CloudWatch, IoT Data and S3 through stratus
                       against a local signature-checking moto, then a
                       read-back (`cargo xtask demo --help`: every option)
  import-models [...]  regenerate models/data from the pinned PyPI packages
  bench [--skip-build-time] [--calls N] [--batches N]
                       benchmarks against aws-sigv4, aws-sdk-kinesis and
                       botocore/boto3 (tests/peers/); prints a markdown table
  help                 this text";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (task, rest) = match args.split_first() {
        Some((task, rest)) => (task.as_str(), rest),
        None => ("help", &[][..]),
    };
    match task {
        "test" => run_all("test", &checks::steps()),
        "setup" => run_all("setup", &setup::steps()),
        "demo" => demo::demo(rest),
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
