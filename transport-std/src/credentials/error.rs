//! [`ProviderError`]: why a credential source gave no credentials, in full
//! (the core's `CredentialsError` keeps a static phrase of it).

use std::fmt;
use std::io;
use std::path::PathBuf;

use stratus_core::client::TransportError;
use stratus_core::credentials::{CredentialsError, SourcesTried};

use crate::config::ConfigError;

/// What went wrong talking to a credentials endpoint (container, instance
/// metadata, IoT).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum HttpError {
    /// The URL is not `http(s)://host[:port]/path`.
    InvalidUrl(String),
    /// A full container URI over plain HTTP names a host that is neither
    /// loopback nor one of the container hosts botocore allows.
    HostNotAllowed(String),
    /// The transport failed.
    Transport(TransportError),
    /// The endpoint answered with another status than 200 (the start of the
    /// body is kept; credential endpoints do not echo secrets in errors).
    Status {
        /// The status.
        status: u16,
        /// The body's first 200 bytes, lossily decoded.
        body: String,
    },
    /// The body is not the JSON expected.
    NotJson,
    /// The JSON lacks a field (or it is not a string).
    MissingField(&'static str),
    /// The authorization token file could not be read.
    TokenFile {
        /// The file.
        path: PathBuf,
        /// The I/O error's kind.
        kind: io::ErrorKind,
    },
    /// The authorization token holds a CR or LF, so it cannot be a header.
    TokenNotHeaderSafe,
    /// An answer does not fit the response buffer or a header is too long.
    TooLarge,
    /// No IMDSv2 token could be had and IMDSv1 is disabled
    /// (`ec2_metadata_v1_disabled`).
    TokenRequired,
}

impl fmt::Display for HttpError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HttpError::InvalidUrl(u) => write!(f, "invalid URL {u:?}"),
            HttpError::HostNotAllowed(h) => write!(
                f,
                "unsupported host '{h}': can only retrieve metadata from a loopback address or \
                 one of 169.254.170.2, 169.254.170.23, fd00:ec2::23, localhost"
            ),
            HttpError::Transport(e) => write!(f, "{e}"),
            HttpError::Status { status, body } => {
                write!(f, "received non 200 response {status}: {body}")
            }
            HttpError::NotJson => f.write_str("the response is not the JSON expected"),
            HttpError::MissingField(name) => write!(f, "the response has no {name}"),
            HttpError::TokenFile { path, kind } => {
                write!(f, "cannot read token file {}: {kind}", path.display())
            }
            HttpError::TokenNotHeaderSafe => {
                f.write_str("the authorization token is not a legal header value")
            }
            HttpError::TooLarge => f.write_str("the request or response is too large"),
            HttpError::TokenRequired => f.write_str(
                "unable to retrieve token for use in IMDSv2 call and IMDSv1 has been disabled",
            ),
        }
    }
}

/// What went wrong running `credential_process`.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ProcessError {
    /// The command line has an unclosed quote or a trailing backslash.
    BadCommandLine,
    /// The command line is empty.
    EmptyCommand,
    /// The program could not be started.
    Spawn {
        /// The program.
        program: String,
        /// The I/O error's kind.
        kind: io::ErrorKind,
    },
    /// The program exited unsuccessfully.
    Failed {
        /// The exit code (`None` when a signal ended it).
        code: Option<i32>,
        /// What it wrote on stderr (first 500 bytes, lossily decoded).
        stderr: String,
    },
    /// Its output is not a JSON object.
    NotJson,
    /// `Version` is not 1 (the value as text, or `<Version key not provided>`).
    UnsupportedVersion(String),
    /// A required key is missing or not a string.
    MissingKey(&'static str),
}

impl fmt::Display for ProcessError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProcessError::BadCommandLine => {
                f.write_str("credential_process has an unclosed quote or a trailing backslash")
            }
            ProcessError::EmptyCommand => f.write_str("credential_process is empty"),
            ProcessError::Spawn { program, kind } => write!(f, "cannot run {program:?}: {kind}"),
            ProcessError::Failed { code, stderr } => match code {
                Some(c) => write!(f, "the process exited with status {c}: {stderr}"),
                None => write!(f, "the process was killed by a signal: {stderr}"),
            },
            ProcessError::NotJson => f.write_str("the process did not print a JSON object"),
            ProcessError::UnsupportedVersion(v) => write!(
                f,
                "unsupported version '{v}' for credential process provider, supported versions: 1"
            ),
            ProcessError::MissingKey(k) => write!(f, "missing required key in response: {k}"),
        }
    }
}

/// What went wrong calling STS.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum StsError {
    /// The transport failed (after the client's retries).
    Transport(TransportError),
    /// STS answered with an error.
    Service {
        /// The HTTP status.
        status: u16,
        /// The error code (`AccessDenied`, `ExpiredTokenException`, …).
        code: String,
        /// The message.
        message: String,
    },
    /// The call failed before or after the exchange (the pipeline's reason).
    Call(String),
    /// The STS client's settings in the shared config are invalid.
    ClientConfig(ConfigError),
    /// The response has no `Credentials`.
    NoCredentials,
    /// The web identity token file could not be read.
    TokenFile {
        /// The file.
        path: PathBuf,
        /// The I/O error's kind.
        kind: io::ErrorKind,
    },
}

impl fmt::Display for StsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StsError::Transport(e) => write!(f, "{e}"),
            StsError::Service {
                status,
                code,
                message,
            } => write!(f, "STS answered {status} {code}: {message}"),
            StsError::Call(why) => f.write_str(why),
            StsError::ClientConfig(e) => write!(f, "the STS client's config: {e}"),
            StsError::NoCredentials => f.write_str("the response holds no Credentials"),
            StsError::TokenFile { path, kind } => write!(
                f,
                "cannot read web identity token file {}: {kind}",
                path.display()
            ),
        }
    }
}

/// Why a credential source gave no credentials.
///
/// [`NotConfigured`](Self::NotConfigured) means "nothing here, ask the next
/// source"; every other variant stops a chain, as botocore's exceptions do.
/// No variant holds a secret.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ProviderError {
    /// The source has nothing configured here.
    NotConfigured,
    /// The shared config is malformed or inconsistent.
    Config(ConfigError),
    /// Credentials are only partly configured (botocore's
    /// `PartialCredentialsError`).
    MissingKey {
        /// The source (botocore's method name).
        source: &'static str,
        /// The missing variable or key.
        key: String,
    },
    /// A value does not fit stratus's credentials (too long, empty).
    Invalid {
        /// The source.
        source: &'static str,
        /// What is wrong.
        error: Box<CredentialsError>,
    },
    /// An expiry time could not be read.
    BadExpiration {
        /// The source.
        source: &'static str,
        /// The text found.
        value: String,
    },
    /// The source handed back credentials that had already expired, and none
    /// fresh could be had.
    Expired {
        /// The source.
        source: &'static str,
    },
    /// `credential_process` failed.
    Process(ProcessError),
    /// A credentials endpoint failed.
    Http {
        /// The source (`container-role`, `iam-role`, `iot`).
        source: &'static str,
        /// What failed.
        error: HttpError,
    },
    /// An STS call failed.
    Sts {
        /// The operation (`AssumeRole`, `AssumeRoleWithWebIdentity`).
        operation: &'static str,
        /// What failed.
        error: StsError,
    },
    /// A profile's `credential_source` gave no credentials.
    CredentialSourceEmpty {
        /// The source named.
        source: String,
        /// The profile naming it.
        profile: String,
    },
    /// No source had credentials (botocore's `NoCredentialsError`).
    NotFound {
        /// Every source asked, in order.
        tried: Vec<&'static str>,
    },
    /// The core reported a failure without more detail.
    Core(Box<CredentialsError>),
}

impl ProviderError {
    /// The core's form of this error (for [`ProvideCredentials`]): a short,
    /// static description.
    ///
    /// [`ProvideCredentials`]: stratus_core::credentials::ProvideCredentials
    pub fn to_core(&self) -> CredentialsError {
        let why = match self {
            ProviderError::NotConfigured => return CredentialsError::NotConfigured,
            ProviderError::Invalid { error, .. } | ProviderError::Core(error) => return **error,
            ProviderError::Expired { .. } => return CredentialsError::Expired,
            ProviderError::NotFound { tried } => {
                let mut t = SourcesTried::new();
                for name in tried {
                    t.push(name);
                }
                return CredentialsError::NotFound { tried: t };
            }
            ProviderError::Config(_) => "the shared config is invalid",
            ProviderError::MissingKey { .. } => "credentials are only partly configured",
            ProviderError::BadExpiration { .. } => "an expiry time could not be read",
            ProviderError::Process(_) => "credential_process failed",
            ProviderError::Http { source, .. } => match *source {
                "container-role" => "the container credentials endpoint failed",
                "iam-role" => "the instance metadata service failed",
                _ => "the IoT credentials endpoint failed",
            },
            ProviderError::Sts { operation, .. } => match *operation {
                "AssumeRole" => "STS AssumeRole failed",
                _ => "STS AssumeRoleWithWebIdentity failed",
            },
            ProviderError::CredentialSourceEmpty { .. } => {
                "the profile's credential_source has no credentials"
            }
        };
        CredentialsError::ProviderFailed(why)
    }

    pub(crate) fn from_core(source: &'static str, e: CredentialsError) -> Self {
        match e {
            CredentialsError::NotConfigured => ProviderError::NotConfigured,
            CredentialsError::Expired => ProviderError::Expired { source },
            e @ (CredentialsError::TooLong { .. } | CredentialsError::Empty(_)) => {
                ProviderError::Invalid {
                    source,
                    error: Box::new(e),
                }
            }
            e => ProviderError::Core(Box::new(e)),
        }
    }
}

impl From<ConfigError> for ProviderError {
    fn from(e: ConfigError) -> Self {
        ProviderError::Config(e)
    }
}

impl fmt::Display for ProviderError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ProviderError::NotConfigured => f.write_str("credential source is not configured here"),
            ProviderError::Config(e) => write!(f, "{e}"),
            ProviderError::MissingKey { source, key } => {
                write!(f, "partial credentials found in {source}, missing: {key}")
            }
            ProviderError::Invalid { source, error } => write!(f, "{source}: {error}"),
            ProviderError::BadExpiration { source, value } => {
                write!(f, "{source}: cannot read the expiry time {value:?}")
            }
            ProviderError::Expired { source } => write!(
                f,
                "{source}: credentials expired and could not be refreshed"
            ),
            ProviderError::Process(e) => {
                write!(
                    f,
                    "error when retrieving credentials from custom-process: {e}"
                )
            }
            ProviderError::Http { source, error } => {
                write!(
                    f,
                    "error when retrieving credentials from {source}: {error}"
                )
            }
            ProviderError::Sts { operation, error } => write!(
                f,
                "an error occurred when calling the {operation} operation: {error}"
            ),
            ProviderError::CredentialSourceEmpty { source, profile } => write!(
                f,
                "error when retrieving credentials from {source}: no credentials found in \
                 credential_source referenced in profile {profile}"
            ),
            ProviderError::NotFound { tried } => write!(
                f,
                "Unable to locate credentials (tried: {})",
                if tried.is_empty() {
                    "none".to_string()
                } else {
                    tried.join(", ")
                }
            ),
            ProviderError::Core(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for ProviderError {}
