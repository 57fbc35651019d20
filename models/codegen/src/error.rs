//! Why generation failed.

use std::fmt;
use std::path::PathBuf;

/// A generation failure, saying which file, service or shape is at fault.
#[derive(Debug)]
pub enum GenError {
    /// A model file could not be read or an output file written.
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// A model file is not valid JSON.
    Json {
        /// The file.
        path: PathBuf,
        /// The parse error.
        source: serde_json::Error,
    },
    /// The model is valid JSON but not a model this generator understands.
    Model {
        /// botocore service name.
        service: String,
        /// What is wrong, naming the shape / operation / key.
        problem: String,
    },
    /// `keep_operations` names an operation the service does not have.
    UnknownOperation {
        /// botocore service name.
        service: String,
        /// The operation as given.
        operation: String,
    },
    /// The operation filter text (`STRATUS_KEEP_OPERATIONS`) is malformed.
    BadFilter(String),
    /// An endpoint rule set or `partitions.json` could not be encoded.
    Endpoint {
        /// The file.
        path: PathBuf,
        /// What the encoder rejected.
        source: crate::endpoints::EndpointEncodeError,
    },
}

impl fmt::Display for GenError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            GenError::Io { path, source } => write!(f, "{}: {source}", path.display()),
            GenError::Json { path, source } => {
                write!(f, "{}: invalid JSON: {source}", path.display())
            }
            GenError::Model { service, problem } => write!(f, "model {service}: {problem}"),
            GenError::UnknownOperation { service, operation } => {
                write!(f, "service {service} has no operation {operation:?}")
            }
            GenError::BadFilter(text) => write!(
                f,
                "bad operation filter {text:?}: expected service=Op,Op;service=Op"
            ),
            GenError::Endpoint { path, source } => write!(f, "{}: {source}", path.display()),
        }
    }
}

impl std::error::Error for GenError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            GenError::Io { source, .. } => Some(source),
            GenError::Json { source, .. } => Some(source),
            GenError::Endpoint { source, .. } => Some(source),
            _ => None,
        }
    }
}

/// Shorthand for a [`GenError::Model`].
pub(crate) fn model_err(service: &str, problem: impl Into<String>) -> GenError {
    GenError::Model {
        service: service.to_string(),
        problem: problem.into(),
    }
}
