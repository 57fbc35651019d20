//! Shared by the `cli_*` tests: the built `stratus` binary with a clean
//! environment, and botocore as an oracle.
#![allow(dead_code)]

use std::process::{Command, Output};

/// The AWS documentation's example access key id (not a real key).
pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
/// The AWS documentation's example secret (not a real key).
pub const SECRET_ACCESS_KEY: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

/// `stratus` with nothing from the caller's environment but fixed example
/// credentials and empty config files, so no profile, region or key of the
/// machine can leak in.
pub fn stratus() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_stratus"));
    cmd.env_clear()
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("HOME", "/nonexistent");
    cmd
}

/// Runs `stratus` with `args`.
pub fn run(args: &[&str]) -> Output {
    stratus()
        .args(args)
        .output()
        .expect("the stratus binary runs")
}

/// stdout as text.
pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// stderr as text.
pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The exit code (-1 when killed by a signal).
pub fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

/// `python3` for botocore: the same example credentials, no config files,
/// no instance-metadata lookups.
pub fn python() -> Command {
    let mut cmd =
        Command::new(std::env::var("STRATUS_PYTHON").unwrap_or_else(|_| "python3".into()));
    cmd.env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", ACCESS_KEY_ID)
        .env("AWS_SECRET_ACCESS_KEY", SECRET_ACCESS_KEY)
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("PYTHONDONTWRITEBYTECODE", "1");
    cmd
}
