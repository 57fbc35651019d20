//! The parts of the core a build can leave out, and the error a call to one
//! of them gets.
//!
//! Every part is on by default; a device turns off what it does not call to
//! keep it out of flash (see `core/Cargo.toml`):
//!
//! | feature | what it holds |
//! |---|---|
//! | `proto-json`, `proto-rest-json`, `proto-rest-xml`, `proto-query`, `proto-ec2`, `proto-cbor` | one protocol's serializer and parser each (`rest-xml`, `query` and `ec2` share the XML reader, `proto-cbor` the CBOR one) |
//! | `checksums` | SHA-1 and SHA-512 flexible checksums, and table-driven CRC32 (without it CRC32 is computed bit by bit and SHA-256 stays) |
//! | `adaptive-retry` | botocore's adaptive retry mode (the CUBIC rate limiter) |
//! | `legacy-retry` | botocore's legacy retry mode, its default (`_retry.json`'s per-service rules): without it [`RetryMode::default`](crate::retry::RetryMode) is standard mode and a config asking for legacy mode gets [`Disabled::LegacyRetry`] |
//! | `dynamodb-crc32` | the check of DynamoDB's `x-amz-crc32` response header: without it a DynamoDB client's calls get [`Disabled::DynamodbCrc32`] |
//! | `event-streams` | event-stream outputs (`SubscribeToShard`, `SelectObjectContent`, …) |
//! | `host-prefix` | operations' `endpoint.hostPrefix` (a host label such as `data-` or `{AccountId}.` put before the endpoint's host): without it a call to such an operation fails with [`Disabled::HostPrefix`] before anything is sent |
//! | `request-checksums` | flexible request checksums (`x-amz-checksum-*` headers botocore adds to operations that model `httpChecksum` or `httpChecksumRequired`): without it every request to such an operation fails with [`Disabled::RequestChecksums`] before anything is sent (whether or not the settings would add one) |
//! | `request-documents` | writing document members and `jsonvalue` members (headers as base64 of compact JSON) into requests: without it a request that holds one fails with [`Disabled::RequestDocuments`] before anything is sent; documents in responses are read as before |
//! | `request-timestamps` | writing timestamp members into requests (ISO 8601, RFC 822 and epoch-seconds text, CBOR's tagged epoch): without it a request that holds a timestamp member fails with [`Disabled::RequestTimestamps`] before anything is sent; timestamps in responses, and the `Date` header read for clock skew, are read as before |
//! | `float` | `float` / `double` members, and timestamps whose seconds value needs a float to be written or read |
//! | `endpoint-rules` | the endpoint rules engine: without it a client resolves no endpoint and is given its `endpoint_url` (signing with the client's region and the model's signing name) |
//! | `validation` | client-side parameter validation: without it `ClientConfig::default()` does not validate (the service still does), and a config that asks for it gets [`Disabled::Validation`] |
//! | `handlers` | the event system's dispatch: without it a call emits no events, and a client given any handler (its own, a session's or static ones) fails its calls with [`Disabled::Handlers`]; [`Params`](crate::client::Params) edits, the handlers' tool, get `ParamError::HandlersDisabled` |
//!
//! A call that needs a part this build left out fails with
//! [`Disabled`], never a panic.

use core::fmt;

use crate::model::{ChecksumAlgorithm, Protocol};

/// A part of the core that this build left out (its cargo feature is off).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Disabled {
    /// The service speaks a protocol whose `proto-*` feature is off.
    Protocol(Protocol),
    /// A flexible checksum (SHA-1, SHA-512) that needs the `checksums` feature.
    Checksum(ChecksumAlgorithm),
    /// Adaptive retries (`RetryMode::Adaptive`) need the `adaptive-retry` feature.
    AdaptiveRetry,
    /// Legacy retries (`RetryMode::Legacy`) need the `legacy-retry` feature.
    LegacyRetry,
    /// A DynamoDB client needs the `dynamodb-crc32` feature, which checks
    /// its responses' `x-amz-crc32` header as botocore does.
    DynamodbCrc32,
    /// An event-stream output needs the `event-streams` feature.
    EventStreams,
    /// An operation whose model puts a prefix before the endpoint's host
    /// (`endpoint.hostPrefix`) needs the `host-prefix` feature.
    HostPrefix,
    /// A request to an operation that models a request checksum
    /// (`httpChecksum`, `httpChecksumRequired`) needs the `request-checksums`
    /// feature, which computes it.
    RequestChecksums,
    /// A document or `jsonvalue` member in a request needs the
    /// `request-documents` feature, which writes it as JSON.
    RequestDocuments,
    /// A timestamp member in a request needs the `request-timestamps`
    /// feature, which writes it.
    RequestTimestamps,
    /// A float or double member, or a timestamp outside the range written and
    /// read with integers, needs the `float` feature.
    Float,
    /// A client without an `endpoint_url` needs the `endpoint-rules` feature
    /// to resolve its endpoint.
    EndpointRules,
    /// Client-side parameter validation (`parameter_validation`) needs the
    /// `validation` feature.
    Validation,
    /// A client with event handlers registered (on it, its session, or as
    /// static handlers) needs the `handlers` feature to run them.
    Handlers,
}

impl Disabled {
    /// The cargo feature of `stratus-core` that turns the part on.
    ///
    /// ```
    /// use stratus_core::features::Disabled;
    /// assert_eq!(Disabled::AdaptiveRetry.feature(), "adaptive-retry");
    /// ```
    pub fn feature(&self) -> &'static str {
        match self {
            Disabled::Protocol(p) => protocol_feature(*p),
            Disabled::Checksum(_) => "checksums",
            Disabled::AdaptiveRetry => "adaptive-retry",
            Disabled::LegacyRetry => "legacy-retry",
            Disabled::DynamodbCrc32 => "dynamodb-crc32",
            Disabled::EventStreams => "event-streams",
            Disabled::HostPrefix => "host-prefix",
            Disabled::RequestChecksums => "request-checksums",
            Disabled::RequestDocuments => "request-documents",
            Disabled::RequestTimestamps => "request-timestamps",
            Disabled::Float => "float",
            Disabled::EndpointRules => "endpoint-rules",
            Disabled::Validation => "validation",
            Disabled::Handlers => "handlers",
        }
    }
}

impl fmt::Display for Disabled {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Disabled::Protocol(p) => write!(f, "the {p:?} protocol")?,
            Disabled::Checksum(a) => write!(f, "the {a:?} checksum")?,
            Disabled::AdaptiveRetry => f.write_str("adaptive retries")?,
            Disabled::LegacyRetry => f.write_str("legacy retries")?,
            Disabled::DynamodbCrc32 => f.write_str("DynamoDB's CRC32 response check")?,
            Disabled::EventStreams => f.write_str("event-stream outputs")?,
            Disabled::HostPrefix => f.write_str("host prefixes")?,
            Disabled::RequestChecksums => f.write_str("flexible request checksums")?,
            Disabled::RequestDocuments => f.write_str("document members in requests")?,
            Disabled::RequestTimestamps => f.write_str("timestamp members in requests")?,
            Disabled::Float => f.write_str("float values")?,
            Disabled::EndpointRules => f.write_str("endpoint resolution")?,
            Disabled::Validation => f.write_str("parameter validation")?,
            Disabled::Handlers => f.write_str("event handlers")?,
        }
        write!(
            f,
            " left out of this build (stratus-core feature `{}`)",
            self.feature()
        )
    }
}

/// The `proto-*` feature of `protocol`.
fn protocol_feature(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Json => "proto-json",
        Protocol::RestJson => "proto-rest-json",
        Protocol::RestXml => "proto-rest-xml",
        Protocol::Query => "proto-query",
        Protocol::Ec2 => "proto-ec2",
        Protocol::SmithyRpcV2Cbor => "proto-cbor",
    }
}

/// Whether this build speaks `protocol`.
///
/// ```
/// use stratus_core::model::Protocol;
/// // The default features keep every protocol.
/// assert!(stratus_core::features::protocol_enabled(Protocol::RestXml));
/// ```
pub const fn protocol_enabled(protocol: Protocol) -> bool {
    match protocol {
        Protocol::Json => cfg!(feature = "proto-json"),
        Protocol::RestJson => cfg!(feature = "proto-rest-json"),
        Protocol::RestXml => cfg!(feature = "proto-rest-xml"),
        Protocol::Query => cfg!(feature = "proto-query"),
        Protocol::Ec2 => cfg!(feature = "proto-ec2"),
        Protocol::SmithyRpcV2Cbor => cfg!(feature = "proto-cbor"),
    }
}

/// `Ok` when this build speaks `protocol`, else which feature is missing.
pub(crate) fn require_protocol(protocol: Protocol) -> Result<(), Disabled> {
    if protocol_enabled(protocol) {
        Ok(())
    } else {
        Err(Disabled::Protocol(protocol))
    }
}

/// Whether a protocol that reads XML bodies is on (`rest-xml`, `query`, `ec2`):
/// a constant, so code behind `if XML` is dropped when it is false.
pub(crate) const XML: bool = protocol_enabled(Protocol::RestXml)
    || protocol_enabled(Protocol::Query)
    || protocol_enabled(Protocol::Ec2);

/// Whether client-side parameter validation is on: a constant, so the
/// validator is not linked when it is false.
pub(crate) const VALIDATION: bool = cfg!(feature = "validation");

/// Whether operations may put a prefix before the endpoint's host: a
/// constant, so the prefix writer is not linked when it is false.
pub(crate) const HOST_PREFIX: bool = cfg!(feature = "host-prefix");

/// Whether requests get the flexible checksums their operations model: a
/// constant, so the digests and their headers are not linked when it is
/// false.
pub(crate) const REQUEST_CHECKSUMS: bool = cfg!(feature = "request-checksums");

/// Whether requests may hold document and `jsonvalue` members: a constant,
/// so the JSON document writer is not linked when it is false.
pub(crate) const REQUEST_DOCUMENTS: bool = cfg!(feature = "request-documents");

/// Whether requests may hold timestamp members: a constant, so the
/// timestamp writers are not linked when it is false.
pub(crate) const REQUEST_TIMESTAMPS: bool = cfg!(feature = "request-timestamps");

/// Whether the event system dispatches to handlers: a constant, so the
/// handler lookup and the events' construction are not linked when it is
/// false.
pub(crate) const HANDLERS: bool = cfg!(feature = "handlers");

/// Whether the endpoint rules engine is on: a constant, so the evaluator is
/// not linked when it is false.
pub(crate) const ENDPOINT_RULES: bool = cfg!(feature = "endpoint-rules");

/// `rules` when this build has the endpoint rules engine, else `None`.
///
/// The models crate's service entries hold their rule set through this, so
/// a build without `endpoint-rules` links neither the engine nor any rule
/// set.
///
/// ```
/// static RULES: [u8; 3] = *b"SER";
/// let kept = stratus_core::features::endpoint_rules(&RULES);
/// // The default features keep the engine.
/// assert_eq!(kept, Some(&RULES[..]));
/// ```
pub const fn endpoint_rules(rules: &'static [u8]) -> Option<&'static [u8]> {
    if ENDPOINT_RULES { Some(rules) } else { None }
}

/// Whether `smithy-rpc-v2-cbor` is on.
pub(crate) const CBOR: bool = protocol_enabled(Protocol::SmithyRpcV2Cbor);
