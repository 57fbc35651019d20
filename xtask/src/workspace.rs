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
