//! [`SigningError`]: every way signing can refuse a request.

use core::fmt;

/// Why a request could not be signed.
///
/// Signing never panics on bad input; each refusal says what was wrong and, for
/// headers, which one (its index in [`SignableRequest::headers`]).
///
/// [`SignableRequest::headers`]: super::SignableRequest::headers
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SigningError {
    /// A caller-provided buffer cannot hold what was to be written into it.
    BufferTooSmall {
        /// How many bytes the buffer has.
        capacity: usize,
    },
    /// More headers would be signed than [`MAX_SIGNED_HEADERS`](super::MAX_SIGNED_HEADERS).
    TooManyHeaders {
        /// The limit.
        max: usize,
    },
    /// A header name is empty or holds a character that is not an HTTP token
    /// character (`A-Z a-z 0-9 ! # $ % & ' * + - . ^ _ \` | ~`).
    InvalidHeaderName {
        /// Index of the header in the request's header list.
        index: usize,
    },
    /// A header value holds a control character (CR, LF, NUL, …; only tab is
    /// allowed), so it cannot be sent or signed as given.
    InvalidHeaderValue {
        /// Index of the header in the request's header list.
        index: usize,
    },
    /// The request has no `host` header; SigV4 always signs it.
    MissingHost,
    /// The HTTP method is empty or not an HTTP token.
    InvalidMethod,
    /// The region is empty, longer than [`MAX_SCOPE_PART`](super::MAX_SCOPE_PART)
    /// bytes, or holds `/`, whitespace or control characters.
    InvalidRegion,
    /// The service signing name is empty, longer than
    /// [`MAX_SCOPE_PART`](super::MAX_SCOPE_PART) bytes, or holds `/`, whitespace or
    /// control characters.
    InvalidService,
    /// A precomputed payload hash is empty or holds whitespace, control or
    /// non-ASCII characters.
    InvalidPayloadHash,
    /// The names of the signed headers, joined by `;`, exceed
    /// [`SIGNED_HEADERS_CAPACITY`](super::SIGNED_HEADERS_CAPACITY).
    SignedHeadersTooLong,
    /// A presigned URL's lifetime is outside `1..=604800` seconds (7 days), the
    /// range AWS accepts.
    InvalidExpiry {
        /// The lifetime asked for.
        secs: u32,
    },
    /// The time is past year 9999, which SigV4's date form cannot express.
    TimeOutOfRange,
}

impl fmt::Display for SigningError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SigningError::BufferTooSmall { capacity } => {
                write!(f, "output buffer of {capacity} bytes is too small")
            }
            SigningError::TooManyHeaders { max } => {
                write!(f, "more than {max} headers to sign")
            }
            SigningError::InvalidHeaderName { index } => {
                write!(f, "header #{index} has an invalid name")
            }
            SigningError::InvalidHeaderValue { index } => {
                write!(f, "header #{index} has a control character in its value")
            }
            SigningError::MissingHost => f.write_str("request has no host header"),
            SigningError::InvalidMethod => f.write_str("HTTP method is empty or invalid"),
            SigningError::InvalidRegion => f.write_str("region is empty, too long or invalid"),
            SigningError::InvalidService => {
                f.write_str("service signing name is empty, too long or invalid")
            }
            SigningError::InvalidPayloadHash => f.write_str("precomputed payload hash is invalid"),
            SigningError::SignedHeadersTooLong => {
                f.write_str("signed header names exceed their capacity")
            }
            SigningError::InvalidExpiry { secs } => {
                write!(f, "presign expiry of {secs} s is outside 1..=604800")
            }
            SigningError::TimeOutOfRange => f.write_str("signing time is past year 9999"),
        }
    }
}

impl core::error::Error for SigningError {}
