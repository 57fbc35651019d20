//! `cargo xtask bench [--skip-build-time] [--calls N] [--batches N]`: the
//! benchmarks against the peers (aws-sigv4, aws-sdk-kinesis, botocore/boto3).
//!
//! The peers live in their own workspace, `tests/peers/`, so the main
//! workspace, its `Cargo.lock` and the test command never build them. This
//! task builds that workspace (release) into `<target>/peers` and starts its
//! runner, which measures everything in one run and prints the markdown table
//! on stdout (cargo's and the runner's progress go to stderr). It first
//! installs what it needs, as `cargo xtask setup` does: the pinned
//! botocore/boto3 its Python rows import (cargo fetches the Rust peers). Not
//! part of `cargo xtask test`.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::error::XtaskError;
use crate::steps::Outcome;
use crate::{setup, workspace};

/// The peers' target directory: `$CARGO_TARGET_DIR/peers`, else `target/peers`.
fn target_dir() -> PathBuf {
    workspace::target_dir().join("peers")
}

fn run(args: &[String]) -> Result<(), XtaskError> {
    eprintln!("bench: the pinned Python packages (botocore, boto3)");
    match setup::ensure_python_packages()? {
        Outcome::Ran => eprintln!("bench: installed"),
        Outcome::AlreadyDone(what) => eprintln!("bench: {what}"),
    }
    let root = workspace::root();
    let target = target_dir();
    let mut build = workspace::cargo();
    build
        .args(["build", "--release", "--bins", "--manifest-path"])
        .arg(root.join("tests/peers/Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .env_remove("CARGO_TARGET_DIR");
    let shown = workspace::show(&build);
    eprintln!("$ {shown}");
    let status = build.status().map_err(|source| XtaskError::Spawn {
        command: shown.clone(),
        source,
    })?;
    if !status.success() {
        return Err(XtaskError::CommandFailed {
            command: shown,
            status,
        });
    }
    let mut runner = workspace::command(target.join("release").join("stratus-peers"));
    runner.args(args).env(
        "CARGO",
        std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()),
    );
    let shown = workspace::show(&runner);
    eprintln!("$ {shown}");
    let status = runner.status().map_err(|source| XtaskError::Spawn {
        command: shown.clone(),
        source,
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(XtaskError::CommandFailed {
            command: shown,
            status,
        })
    }
}

/// Runs the task; its errors are printed here.
pub fn bench(args: &[String]) -> ExitCode {
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("xtask bench: {err}");
            ExitCode::FAILURE
        }
    }
}
