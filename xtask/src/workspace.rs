//! Where the workspace is, and how xtask starts the programs it drives.
//!
//! Every child process starts in the workspace root with
//! `AWS_EC2_METADATA_DISABLED=true`, so nothing xtask runs (tests that call
//! botocore, moto) can ask an instance-metadata endpoint for credentials.

use std::ffi::OsString;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::error::XtaskError;

/// The workspace root: the folder above `xtask/`.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Cargo's target directory: `CARGO_TARGET_DIR` (relative to the root when
/// relative), else `target/` in the root.
pub fn target_dir() -> PathBuf {
    let root = root();
    std::env::var_os("CARGO_TARGET_DIR")
        .map(|dir| root.join(dir))
        .unwrap_or_else(|| root.join("target"))
}

/// Bytes on disk under `dir`, each file counted once however many hard links
/// it has (cargo links its outputs from `deps/`). Unreadable entries are
/// skipped: the figure is for the log, not a check.
pub fn disk_usage(dir: &Path) -> u64 {
    let mut seen = std::collections::HashSet::new();
    let mut total = 0u64;
    let mut pending = vec![dir.to_path_buf()];
    while let Some(dir) = pending.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let Ok(meta) = entry.metadata() else {
                continue;
            };
            if meta.is_dir() {
                pending.push(entry.path());
            } else if first_link(&mut seen, &meta) {
                total += on_disk(&meta);
            }
        }
    }
    total
}

#[cfg(unix)]
fn first_link(seen: &mut std::collections::HashSet<(u64, u64)>, meta: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    meta.nlink() <= 1 || seen.insert((meta.dev(), meta.ino()))
}

#[cfg(not(unix))]
fn first_link(_: &mut std::collections::HashSet<(u64, u64)>, _: &std::fs::Metadata) -> bool {
    true
}

#[cfg(unix)]
fn on_disk(meta: &std::fs::Metadata) -> u64 {
    use std::os::unix::fs::MetadataExt;
    meta.blocks() * 512
}

#[cfg(not(unix))]
fn on_disk(meta: &std::fs::Metadata) -> u64 {
    meta.len()
}

/// A command for `program`, started in the workspace root with the safe environment.
pub fn command(program: impl Into<OsString>) -> Command {
    let mut cmd = Command::new(program.into());
    cmd.current_dir(root())
        .env("AWS_EC2_METADATA_DISABLED", "true");
    cmd
}

/// A `cargo` command: the cargo that started xtask when known, else `cargo` on `PATH`.
pub fn cargo() -> Command {
    command(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// A Python command: `STRATUS_PYTHON` if set (as the tests use), else `python3`.
pub fn python() -> Command {
    command(std::env::var_os("STRATUS_PYTHON").unwrap_or_else(|| "python3".into()))
}

/// The command line as a user would type it, for messages.
pub fn show(cmd: &Command) -> String {
    let program = Path::new(cmd.get_program())
        .file_name()
        .unwrap_or(cmd.get_program())
        .to_string_lossy()
        .into_owned();
    cmd.get_args().fold(program, |mut line, arg| {
        line.push(' ');
        line.push_str(&arg.to_string_lossy());
        line
    })
}

/// Runs a command with its output shown, echoing the command line first.
pub fn run(cmd: &mut Command) -> Result<(), XtaskError> {
    let command = show(cmd);
    println!("$ {command}");
    let status = cmd.status().map_err(|source| XtaskError::Spawn {
        command: command.clone(),
        source,
    })?;
    if status.success() {
        Ok(())
    } else {
        Err(XtaskError::CommandFailed { command, status })
    }
}

/// Runs a command quietly and returns its standard output as text.
pub fn capture(cmd: &mut Command) -> Result<String, XtaskError> {
    let command = show(cmd);
    let out = cmd
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|source| XtaskError::Spawn {
            command: command.clone(),
            source,
        })?;
    if !out.status.success() {
        return Err(XtaskError::CommandFailed {
            command,
            status: out.status,
        });
    }
    String::from_utf8(out.stdout).map_err(|_| XtaskError::UnexpectedOutput {
        command,
        why: "not UTF-8".into(),
    })
}
