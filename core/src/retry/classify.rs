//! What kind of failure an attempt ended with: the error-code and status lists
//! of botocore's standard retry mode, the throttling test the adaptive rate
//! limiter uses, and the DynamoDB CRC32 check.

use crate::model::{Operation, ServiceModel, ShapeFlags};

use super::{AttemptOutcome, ModeledRetry, TransportFailure};

/// Error codes standard mode retries as transient, whatever the status
/// (botocore 1.43.11, `retries/standard.py`, `TransientRetryableChecker`).
pub const TRANSIENT_ERROR_CODES: [&str; 3] = [
    "RequestTimeout",
    "RequestTimeoutException",
    "PriorRequestNotComplete",
];

/// HTTP statuses standard mode retries as transient
/// (botocore 1.43.11, `retries/standard.py`, `TransientRetryableChecker`).
pub const TRANSIENT_STATUS_CODES: [u16; 4] = [500, 502, 503, 504];

/// Error codes standard mode treats as throttling, and the adaptive rate
/// limiter reacts to (botocore 1.43.11, `retries/standard.py`,
/// `ThrottledRetryableChecker`).
pub const THROTTLING_ERROR_CODES: [&str; 14] = [
    "Throttling",
    "ThrottlingException",
    "ThrottledException",
    "RequestThrottledException",
    "TooManyRequestsException",
    "ProvisionedThroughputExceededException",
    "TransactionInProgressException",
    "RequestLimitExceeded",
    "BandwidthLimitExceeded",
    "LimitExceededException",
    "RequestThrottled",
    "SlowDown",
    "PriorRequestNotComplete",
    "EC2ThrottledException",
];

impl ModeledRetry {
    /// The `retryable` trait of the error `code` of `op`, as botocore finds it:
    /// the first of the operation's error shapes that has the trait and whose
    /// error code (`error.code`, else the shape name) is `code`.
    ///
    /// ```
    /// use stratus_core::model::ServiceModel;
    /// use stratus_core::retry::ModeledRetry;
    /// // What the pipeline does with a parsed error code.
    /// fn lookup(svc: &ServiceModel) -> Option<ModeledRetry> {
    ///     let op = svc.operations.first()?;
    ///     ModeledRetry::from_model(svc, op, "ThrottlingException")
    /// }
    /// ```
    pub fn from_model(service: &ServiceModel, op: &Operation, code: &str) -> Option<ModeledRetry> {
        op.errors
            .iter()
            .filter_map(|id| service.shape(*id))
            .filter(|s| s.flags.contains(ShapeFlags::RETRYABLE))
            .find(|s| s.error_code() == code)
            .map(|s| ModeledRetry {
                throttling: s.flags.contains(ShapeFlags::THROTTLING),
            })
    }
}

/// The error code of a response outcome (`None` for a transport failure or a
/// response without one).
pub(crate) fn code_of<'a>(outcome: &AttemptOutcome<'a>) -> Option<&'a str> {
    match outcome {
        AttemptOutcome::Response { code, .. } => *code,
        AttemptOutcome::Transport(_) => None,
    }
}

/// The status of a response outcome.
pub(crate) fn status_of(outcome: &AttemptOutcome<'_>) -> Option<u16> {
    match outcome {
        AttemptOutcome::Response { status, .. } => Some(*status),
        AttemptOutcome::Transport(_) => None,
    }
}

/// Whether `outcome` is a response with a 2xx status.
pub(crate) fn is_2xx(outcome: &AttemptOutcome<'_>) -> bool {
    matches!(status_of(outcome), Some(200..=299))
}

/// The modeled `retryable` trait, counted only when the response has a code
/// (botocore looks the trait up by code).
fn modeled_of(outcome: &AttemptOutcome<'_>) -> Option<ModeledRetry> {
    match outcome {
        AttemptOutcome::Response {
            code: Some(_),
            modeled,
            ..
        } => *modeled,
        _ => None,
    }
}

/// botocore's `TransientRetryableChecker`: a transient code, a transient
/// status, or any transport failure (all are `ConnectionError` or
/// `HTTPClientError` in botocore).
pub(crate) fn is_transient(outcome: &AttemptOutcome<'_>) -> bool {
    match outcome {
        AttemptOutcome::Response { status, code, .. } => {
            code.is_some_and(|c| TRANSIENT_ERROR_CODES.contains(&c))
                || TRANSIENT_STATUS_CODES.contains(status)
        }
        AttemptOutcome::Transport(_) => true,
    }
}

/// botocore's `ThrottledRetryableChecker`: the code is one of
/// [`THROTTLING_ERROR_CODES`].
pub(crate) fn is_throttling_code(outcome: &AttemptOutcome<'_>) -> bool {
    code_of(outcome).is_some_and(|c| THROTTLING_ERROR_CODES.contains(&c))
}

/// botocore's `ModeledRetryableChecker`: the code names an error shape with
/// the `retryable` trait.
pub(crate) fn is_modeled_retryable(outcome: &AttemptOutcome<'_>) -> bool {
    modeled_of(outcome).is_some()
}

/// botocore's `ThrottlingErrorDetector`: a throttling code, or a modeled
/// error whose `retryable` trait says `throttling`.
pub(crate) fn is_throttle(outcome: &AttemptOutcome<'_>) -> bool {
    is_throttling_code(outcome) || modeled_of(outcome).is_some_and(|m| m.throttling)
}

/// Whether a transport failure is one of the timeouts botocore's retry quota
/// charges more for (`ConnectTimeoutError`, `ReadTimeoutError`).
pub(crate) fn is_timeout(outcome: &AttemptOutcome<'_>) -> bool {
    matches!(
        outcome,
        AttemptOutcome::Transport(TransportFailure::ConnectTimeout | TransportFailure::ReadTimeout)
    )
}

/// What the CRC32 check of a response found.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Crc32Check {
    /// No header, or the header matches the body.
    Pass,
    /// The header is a number that is not the body's CRC32.
    Mismatch,
    /// The header is not a number (botocore's `int()` raises `ValueError`).
    Invalid,
}

/// Checks the `x-amz-crc32` value of a response against its body, as botocore
/// does (`int(header)` against `crc32(body) & 0xffffffff`). Transport failures
/// pass.
pub(crate) fn crc32_check(outcome: &AttemptOutcome<'_>) -> Crc32Check {
    let AttemptOutcome::Response {
        crc32_header: Some(header),
        body,
        ..
    } = outcome
    else {
        return Crc32Check::Pass;
    };
    let actual = crate::crc32::crc32(body);
    match parse_python_int(header) {
        None => Crc32Check::Invalid,
        Some(Some(expected)) if expected == u64::from(actual) => Crc32Check::Pass,
        Some(_) => Crc32Check::Mismatch,
    }
}

/// Python's `int(text)` for a decimal string: surrounding whitespace,
/// an optional sign, digits with single underscores between them. `None` when
/// Python would raise; `Some(None)` for a valid integer that is negative or
/// does not fit in a `u64` (it can equal no CRC32); `Some(Some(n))` otherwise.
pub(crate) fn parse_python_int(text: &str) -> Option<Option<u64>> {
    let t = crate::text::py_strip(text);
    let (negative, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, t.get(1..)?),
        Some(b'+') => (false, t.get(1..)?),
        _ => (false, t),
    };
    if digits.is_empty() || digits.starts_with('_') || digits.ends_with('_') {
        return None;
    }
    let mut value: Option<u64> = Some(0);
    let mut prev_underscore = false;
    for b in digits.bytes() {
        match b {
            b'0'..=b'9' => {
                prev_underscore = false;
                value = value
                    .and_then(|v| v.checked_mul(10))
                    .and_then(|v| v.checked_add(u64::from(b - b'0')));
            }
            b'_' if !prev_underscore => prev_underscore = true,
            _ => return None,
        }
    }
    Some(match value {
        Some(0) => Some(0),
        Some(v) if !negative => Some(v),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn resp<'a>(status: u16, code: Option<&'a str>) -> AttemptOutcome<'a> {
        AttemptOutcome::Response {
            status,
            code,
            modeled: None,
            crc32_header: None,
            body: b"",
        }
    }

    #[test]
    fn python_int() {
        assert_eq!(parse_python_int("123"), Some(Some(123)));
        assert_eq!(parse_python_int(" +1_000\t"), Some(Some(1000)));
        assert_eq!(parse_python_int("-0"), Some(Some(0)));
        assert_eq!(parse_python_int("-5"), Some(None));
        assert_eq!(parse_python_int("99999999999999999999999"), Some(None));
        assert_eq!(parse_python_int(""), None);
        assert_eq!(parse_python_int("1__0"), None);
        assert_eq!(parse_python_int("_1"), None);
        assert_eq!(parse_python_int("1_"), None);
        assert_eq!(parse_python_int("0x10"), None);
        assert_eq!(parse_python_int("+"), None);
        assert_eq!(parse_python_int("1 2"), None);
    }

    #[test]
    fn crc32_against_body() {
        let body = b"{\"Items\":[]}";
        let good = crate::crc32::crc32(body);
        let mut text = heapless::String::<12>::new();
        let _ = core::fmt::write(&mut text, format_args!("{good}"));
        let with = |h: &'static str| AttemptOutcome::Response {
            status: 200,
            code: None,
            modeled: None,
            crc32_header: Some(h),
            body,
        };
        let ok = AttemptOutcome::Response {
            status: 200,
            code: None,
            modeled: None,
            crc32_header: Some(text.as_str()),
            body,
        };
        assert_eq!(crc32_check(&ok), Crc32Check::Pass);
        assert_eq!(crc32_check(&with("1")), Crc32Check::Mismatch);
        assert_eq!(crc32_check(&with("abc")), Crc32Check::Invalid);
        assert_eq!(crc32_check(&resp(200, None)), Crc32Check::Pass);
    }

    #[test]
    fn lists() {
        assert!(is_transient(&resp(503, None)));
        assert!(is_transient(&resp(400, Some("RequestTimeout"))));
        assert!(!is_transient(&resp(429, None)));
        assert!(is_throttling_code(&resp(400, Some("SlowDown"))));
        assert!(!is_throttling_code(&resp(400, Some("Slowdown"))));
        assert!(is_transient(&AttemptOutcome::Transport(
            TransportFailure::Other
        )));
        let modeled = AttemptOutcome::Response {
            status: 400,
            code: Some("X"),
            modeled: Some(ModeledRetry { throttling: true }),
            crc32_header: None,
            body: b"",
        };
        assert!(is_throttle(&modeled));
        assert!(is_modeled_retryable(&modeled));
        let uncoded = AttemptOutcome::Response {
            status: 400,
            code: None,
            modeled: Some(ModeledRetry { throttling: true }),
            crc32_header: None,
            body: b"",
        };
        assert!(!is_throttle(&uncoded));
        assert!(!is_modeled_retryable(&uncoded));
    }
}
