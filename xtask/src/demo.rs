//! `cargo xtask demo`: the stratus gateway (`transport-std/examples/gateway/`)
//! against a local, signature-checking moto server, on a fresh machine.
//!
//! Steps: the pinned Python packages (moto among them), a build of the
//! gateway, then moto started on 127.0.0.1 (`stratus-moto`, as the live tests
//! start it: an IAM user and access key made first, every later signature
//! checked) and the gateway run against it with that key, `us-east-1` and no
//! shared config files. moto is stopped when the run ends, failed or not.
//! The gateway's own options pass through (`--devices`, `--duration`,
//! `--rate`, …); given `--endpoint-url`, no moto is started and the
//! gateway's settings come from the environment as usual.

use std::process::Command;

use stratus_moto::{Launch, MotoServer};

use crate::error::XtaskError;
use crate::steps::{Outcome, Step, run_all};
use crate::workspace::{cargo, run};
use std::process::ExitCode;

/// The region the local run uses unless `--region` is given.
const LOCAL_REGION: &str = "us-east-1";

/// The gateway as `build` left it (run directly: a `cargo run` would
/// rebuild it if a source changed meanwhile).
fn gateway(args: &[String]) -> Command {
    let program = crate::workspace::target_dir()
        .join("debug")
        .join("examples")
        .join(format!("gateway{}", std::env::consts::EXE_SUFFIX));
    let mut cmd = crate::workspace::command(program);
    cmd.args(args);
    cmd
}

fn build() -> Result<Outcome, XtaskError> {
    run(cargo().args([
        "build",
        "-p",
        "stratus-transport-std",
        "--example",
        "gateway",
    ]))?;
    Ok(Outcome::Ran)
}

fn gives(args: &[String], flag: &str) -> bool {
    let with_value = format!("{flag}=");
    args.iter().any(|a| a == flag || a.starts_with(&with_value))
}

/// Runs the gateway against a moto of its own (stopped on return).
fn against_local_moto(args: &[String]) -> Result<Outcome, XtaskError> {
    let moto = MotoServer::start(&Launch::loopback()).map_err(XtaskError::Moto)?;
    println!(
        "moto {} (pid {}), signatures checked",
        moto.endpoint,
        moto.pid()
    );
    let mut full = vec!["--endpoint-url".to_string(), moto.endpoint.clone()];
    if !gives(args, "--region") {
        full.extend(["--region".to_string(), LOCAL_REGION.to_string()]);
    }
    full.extend(args.iter().cloned());
    let mut cmd = gateway(&full);
    // Only moto's key: nothing from the caller's profile, files or session.
    cmd.env("AWS_ACCESS_KEY_ID", &moto.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &moto.secret_access_key)
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null");
    run(&mut cmd)?;
    Ok(Outcome::Ran)
}

/// `cargo xtask demo [gateway options]`.
pub fn demo(args: &[String]) -> ExitCode {
    if gives(args, "--help") || gives(args, "-h") {
        return match build().and_then(|_| run(&mut gateway(args))) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("xtask demo: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let own_endpoint = gives(args, "--endpoint-url");
    let steps = vec![
        Step::new("python packages", crate::setup::ensure_python_packages),
        Step::new("build the gateway", build),
        if own_endpoint {
            Step::new("gateway", move || {
                run(&mut gateway(args))?;
                Ok(Outcome::Ran)
            })
        } else {
            Step::new("gateway against a local moto", move || {
                against_local_moto(args)
            })
        },
    ];
    run_all("demo", &steps)
}

#[cfg(test)]
mod tests {
    use super::gives;

    #[test]
    fn flags_with_and_without_values() {
        let a: Vec<String> = ["--devices", "2", "--region=eu-west-1"]
            .map(String::from)
            .to_vec();
        assert!(gives(&a, "--region"));
        assert!(gives(&a, "--devices"));
        assert!(!gives(&a, "--endpoint-url"));
    }
}
