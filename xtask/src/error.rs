//! What can go wrong in an xtask, as one enum whose messages say what to do next.

use std::fmt;
use std::io;
use std::path::PathBuf;
use std::process::ExitStatus;

/// Why an xtask step failed.
#[derive(Debug)]
pub enum XtaskError {
    /// The command line was not understood.
    Usage(String),
    /// A program could not be started at all (not installed, not on `PATH`).
    Spawn {
        /// The command line as shown to the user.
        command: String,
        /// The operating system's reason.
        source: io::Error,
    },
    /// A program ran and exited unsuccessfully.
    CommandFailed {
        /// The command line as shown to the user.
        command: String,
        /// How it exited.
        status: ExitStatus,
    },
    /// A program's output could not be understood.
    UnexpectedOutput {
        /// The command line as shown to the user.
        command: String,
        /// What was wrong with it.
        why: String,
    },
    /// Reading or writing a file or folder failed.
    Io {
        /// What was being done ("create", "rename", …).
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// A downloaded archive does not have the pinned sha256.
    ChecksumMismatch {
        /// The archive.
        path: PathBuf,
        /// The pinned digest.
        expected: &'static str,
        /// The digest of the file on disk.
        actual: String,
    },
    /// Something an install step should have provided is still missing afterwards.
    StillMissing(String),
    /// `STRATUS_BOTOCORE_SDIST` names a folder that lacks the test data.
    BadSdistOverride {
        /// The folder named by the variable.
        path: PathBuf,
        /// The first expected sub-folder that is missing.
        missing: &'static str,
    },
    /// `cargo xtask import-models` reported an error.
    ImportModels(String),
    /// The local moto server for `cargo xtask demo` did not start.
    Moto(stratus_moto::MotoError),
}

impl fmt::Display for XtaskError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            XtaskError::Usage(why) => write!(f, "{why}"),
            XtaskError::Spawn { command, source } => {
                write!(f, "could not start `{command}`: {source}")
            }
            XtaskError::CommandFailed { command, status } => {
                write!(f, "`{command}` failed ({status})")
            }
            XtaskError::UnexpectedOutput { command, why } => {
                write!(f, "`{command}` gave unexpected output: {why}")
            }
            XtaskError::Io {
                action,
                path,
                source,
            } => write!(f, "could not {action} {}: {source}", path.display()),
            XtaskError::ChecksumMismatch {
                path,
                expected,
                actual,
            } => write!(
                f,
                "{} has sha256 {actual}, expected {expected}; delete it and run again",
                path.display()
            ),
            XtaskError::StillMissing(what) => write!(f, "still missing after install: {what}"),
            XtaskError::BadSdistOverride { path, missing } => write!(
                f,
                "STRATUS_BOTOCORE_SDIST={} has no {missing}; point it at an unpacked botocore sdist \
                 or unset it to let xtask fetch one",
                path.display()
            ),
            XtaskError::ImportModels(why) => write!(f, "import-models: {why}"),
            XtaskError::Moto(why) => write!(f, "local moto: {why}"),
        }
    }
}

impl std::error::Error for XtaskError {}
