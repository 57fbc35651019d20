//! Shared helpers for stratus's integration tests: where the fetched botocore
//! sdist lives, and how to run the installed botocore as an oracle.
//!
//! The sdist is fetched by `cargo xtask test` into `.cache/sdist/` at the
//! workspace root (git-ignored). `STRATUS_BOTOCORE_SDIST` overrides the location.
#![warn(missing_docs)]

use std::path::{Path, PathBuf};
use std::process::Command;

/// The botocore release every conformance and differential test is pinned to.
pub const BOTOCORE_VERSION: &str = "1.43.11";

/// The workspace root (the folder holding the workspace `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// The unpacked botocore sdist, or an error telling how to fetch it.
///
/// Tests call this and fail (not skip) when it is missing: a conformance suite
/// that silently runs no case proves nothing.
pub fn sdist_dir() -> Result<PathBuf, String> {
    let dir = match std::env::var_os("STRATUS_BOTOCORE_SDIST") {
        Some(d) => PathBuf::from(d),
        None => workspace_root()
            .join(".cache/sdist")
            .join(format!("botocore-{BOTOCORE_VERSION}")),
    };
    if dir.join("tests").is_dir() {
        Ok(dir)
    } else {
        Err(format!(
            "botocore {BOTOCORE_VERSION} sdist not found at {}; run `cargo xtask test` (it fetches it) \
             or set STRATUS_BOTOCORE_SDIST",
            dir.display()
        ))
    }
}

/// A `python3` command set up to use the installed botocore as an oracle:
/// static, fake credentials and no instance-metadata lookups, so nothing it does
/// can leave this machine.
pub fn python() -> Command {
    let mut cmd =
        Command::new(std::env::var("STRATUS_PYTHON").unwrap_or_else(|_| "python3".into()));
    cmd.env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        )
        .env("AWS_DEFAULT_REGION", "us-east-1")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_SESSION_TOKEN")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("PYTHONDONTWRITEBYTECODE", "1");
    cmd
}
