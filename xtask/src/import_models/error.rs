//! What can go wrong while importing the models, one variant per cause.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Why `cargo xtask import-models` stopped.
#[derive(Debug)]
pub enum ImportError {
    /// The command line was not understood.
    Usage(String),
    /// `pip download` could not be started.
    PipSpawn(io::Error),
    /// `pip download` ran and failed.
    PipFailed {
        /// The command line as shown to the user.
        command: String,
        /// Its exit code, if it exited normally.
        code: Option<i32>,
    },
    /// A wheel is still missing after `pip download` succeeded.
    WheelMissing(PathBuf),
    /// Reading, writing or listing a file or folder failed.
    Io {
        /// What was being done ("read", "write", …).
        action: &'static str,
        /// The path involved.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// A wheel is not a readable zip archive, or one of its entries is not.
    Zip {
        /// The wheel's file name.
        wheel: String,
        /// The entry being read, if the failure was in one entry.
        entry: Option<String>,
        /// The zip reader's reason.
        reason: String,
    },
    /// An entry the import needs is not in the wheel.
    MissingEntry {
        /// The wheel's file name.
        wheel: String,
        /// The entry's path inside the wheel.
        entry: String,
    },
    /// An entry (or its gzip content) is larger than the import accepts.
    TooLarge {
        /// The entry's path inside the wheel.
        entry: String,
        /// The limit in bytes.
        limit: u64,
    },
    /// A `.json.gz` entry is not valid gzip.
    Gzip {
        /// The entry's path inside the wheel.
        entry: String,
        /// The decoder's reason.
        source: io::Error,
    },
    /// An entry is not valid JSON.
    Json {
        /// The entry's path inside the wheel.
        entry: String,
        /// The parser's reason.
        source: serde_json::Error,
    },
    /// An entry is valid JSON but not shaped as the import expects.
    Shape {
        /// The entry's path inside the wheel.
        entry: String,
        /// What was expected.
        expected: &'static str,
    },
    /// A folder name in a wheel is not safe to use as an output folder name.
    BadName {
        /// The entry's path inside the wheel.
        entry: String,
    },
    /// The botocore wheel holds no service models at all.
    NoServices,
    /// `--check` found the folder differs from what the import would write.
    Stale {
        /// The output folder.
        out: PathBuf,
        /// Relative paths that are missing, extra or different, with the kind.
        differences: Vec<String>,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportError::Usage(why) => write!(f, "{why}"),
            ImportError::PipSpawn(source) => {
                write!(f, "could not start python3 -m pip: {source}")
            }
            ImportError::PipFailed { command, code } => match code {
                Some(code) => write!(f, "`{command}` exited with code {code}"),
                None => write!(f, "`{command}` was stopped by a signal"),
            },
            ImportError::WheelMissing(path) => write!(
                f,
                "{} is missing although pip download succeeded",
                path.display()
            ),
            ImportError::Io {
                action,
                path,
                source,
            } => write!(f, "could not {action} {}: {source}", path.display()),
            ImportError::Zip {
                wheel,
                entry,
                reason,
            } => match entry {
                Some(entry) => write!(f, "{wheel}: cannot read {entry}: {reason}"),
                None => write!(f, "{wheel} is not a readable zip archive: {reason}"),
            },
            ImportError::MissingEntry { wheel, entry } => {
                write!(f, "{wheel} has no {entry}")
            }
            ImportError::TooLarge { entry, limit } => {
                write!(f, "{entry} is larger than {limit} bytes")
            }
            ImportError::Gzip { entry, source } => {
                write!(f, "{entry} is not valid gzip: {source}")
            }
            ImportError::Json { entry, source } => {
                write!(f, "{entry} is not valid JSON: {source}")
            }
            ImportError::Shape { entry, expected } => {
                write!(f, "{entry}: expected {expected}")
            }
            ImportError::BadName { entry } => write!(
                f,
                "{entry}: folder name is not a plain model name (a-z, 0-9, '.', '-', '_')"
            ),
            ImportError::NoServices => write!(f, "the botocore wheel holds no service-2 models"),
            ImportError::Stale { out, differences } => {
                write!(
                    f,
                    "{} differs from a fresh import in {} file(s); run `cargo xtask import-models`:",
                    out.display(),
                    differences.len()
                )?;
                for line in differences.iter().take(20) {
                    write!(f, "\n  {line}")?;
                }
                if differences.len() > 20 {
                    write!(f, "\n  … and {} more", differences.len() - 20)?;
                }
                Ok(())
            }
        }
    }
}

impl std::error::Error for ImportError {}
