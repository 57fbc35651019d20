//! [`ResourceError`]: what went wrong in a resource, collection or action.

use alloc::string::String;
use core::fmt;

/// Why a resource operation failed. Every variant names what it was about.
#[derive(Clone, Debug, PartialEq)]
pub enum ResourceError {
    /// The service's resource model has no resource of this name.
    UnknownResource {
        /// The name asked for.
        name: String,
    },
    /// The resource has no action, reference, sub-resource, collection,
    /// waiter or attribute of this name.
    UnknownName {
        /// The resource (`Instance`, `ServiceResource`).
        resource: &'static str,
        /// What was looked for (`action`, `attribute`, …).
        kind: &'static str,
        /// The name asked for.
        name: String,
    },
    /// A resource was made with the wrong number of identifiers.
    Identifiers {
        /// The resource.
        resource: &'static str,
        /// How many it has.
        expected: usize,
        /// How many were given.
        given: usize,
    },
    /// An identifier is not a string or number (or is missing in a response).
    BadIdentifier {
        /// The resource.
        resource: &'static str,
        /// The identifier.
        identifier: &'static str,
    },
    /// The resource has no `load` and no data: its attributes are unknown
    /// (boto3's `ResourceLoadException`).
    CannotLoad {
        /// The resource.
        resource: &'static str,
    },
    /// The model names an operation the client's service lacks.
    UnknownOperation {
        /// The operation.
        operation: &'static str,
    },
    /// Caller parameters are not a JSON object, or a model's parameter
    /// target cannot be built (`Foo[x]`), or the input does not fit its shape.
    BadParams {
        /// The operation.
        operation: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// A model path could not be evaluated (a bad expression or data that
    /// does not fit the shape).
    Path {
        /// The expression.
        path: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// The service answered with an error.
    Service {
        /// The operation.
        operation: &'static str,
        /// The HTTP status.
        status: u16,
        /// The error code (`InvalidInstanceID.NotFound`).
        code: String,
        /// The error message, if any.
        message: String,
    },
    /// The call failed before the service answered (transport, signing,
    /// endpoint, a buffer too small, …).
    Call {
        /// The operation.
        operation: &'static str,
        /// The pipeline's error, as text.
        reason: String,
    },
    /// The response could not be turned into JSON.
    Output {
        /// The operation.
        operation: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// A collection's paginator refused: `page_size` on an operation whose
    /// paginator has no limit key, or the service sent the same next token
    /// twice (botocore's `PaginationError`).
    Pagination {
        /// The operation.
        operation: &'static str,
        /// Why.
        error: crate::paginate::PaginationError,
    },
    /// A resource waiter gave up or failed.
    Waiter {
        /// The client waiter (`InstanceRunning`).
        waiter: &'static str,
        /// What happened.
        reason: String,
    },
}

impl fmt::Display for ResourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResourceError::UnknownResource { name } => {
                write!(f, "the resource model has no resource `{name}`")
            }
            ResourceError::UnknownName {
                resource,
                kind,
                name,
            } => write!(f, "{resource} has no {kind} `{name}`"),
            ResourceError::Identifiers {
                resource,
                expected,
                given,
            } => write!(
                f,
                "{resource} takes {expected} identifier(s), {given} given"
            ),
            ResourceError::BadIdentifier {
                resource,
                identifier,
            } => write!(
                f,
                "{resource}'s identifier {identifier} is missing or not a string or number"
            ),
            ResourceError::CannotLoad { resource } => {
                write!(f, "{resource} has no load method and no data")
            }
            ResourceError::UnknownOperation { operation } => {
                write!(f, "the service has no operation {operation}")
            }
            ResourceError::BadParams { operation, reason } => {
                write!(f, "bad parameters for {operation}: {reason}")
            }
            ResourceError::Path { path, reason } => {
                write!(f, "cannot evaluate `{path}`: {reason}")
            }
            ResourceError::Service {
                operation,
                status,
                code,
                message,
            } => write!(
                f,
                "{operation} failed: {code} (HTTP {status}){}{message}",
                if message.is_empty() { "" } else { ": " }
            ),
            ResourceError::Call { operation, reason } => {
                write!(f, "{operation} could not be called: {reason}")
            }
            ResourceError::Output { operation, reason } => {
                write!(f, "{operation}'s response cannot be read: {reason}")
            }
            ResourceError::Pagination { operation, error } => {
                write!(f, "paginating {operation}: {error}")
            }
            ResourceError::Waiter { waiter, reason } => write!(f, "waiter {waiter}: {reason}"),
        }
    }
}

impl core::error::Error for ResourceError {}
