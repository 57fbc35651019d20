//! Credentials from the AWS IoT credentials provider, for devices: no `std`, no
//! heap, any [`Transport`].
//!
//! A device that holds an X.509 certificate registered with AWS IoT trades it
//! for temporary AWS credentials. The exchange, as the AWS IoT developer guide
//! ("Authorizing direct calls to AWS services using AWS IoT Core credential
//! provider") describes it:
//!
//! * `GET /role-aliases/<role alias>/credentials` on the account's
//!   `credentials.iot` endpoint (`aws iot describe-endpoint --endpoint-type
//!   iot:CredentialProvider`), over mutual TLS with the device certificate;
//! * optionally the header `x-amzn-iot-thingname` (needed when the role's
//!   policy uses thing variables);
//! * no SigV4 signature: the certificate is the authentication;
//! * the answer is `{"credentials": {"accessKeyId", "secretAccessKey",
//!   "sessionToken", "expiration"}}`, the expiration in ISO 8601; a refusal
//!   carries `x-amzn-ErrorType` and `{"message": "…"}`.
//!
//! Presenting the certificate is the transport's job (rustls client auth in
//! `transport-std`, embedded-tls on devices). This module builds the request,
//! sends it, and reads the answer in the caller's buffer:
//!
//! * [`IotEndpoint`] says where to ask and for what, and [`IotEndpoint::fetch`]
//!   does one exchange;
//! * [`IotCredentials`] holds an endpoint, a transport, a clock and a response
//!   buffer, and implements [`ProvideCredentials`];
//! * wrapped in a [`RefreshingProvider`](super::RefreshingProvider) it is asked
//!   again before `expiration` (botocore's 15 and 10 minute windows);
//! * every failure is an [`IotError`] (the service's error code and message
//!   included); [`IotCredentials::last_error`] keeps the last one, since
//!   [`ProvideCredentials`] can only pass on the short [`CredentialsError`].
//!
//! Nothing allocates: the request's `Host` and target are built in
//! fixed-capacity strings, the answer is parsed where the transport wrote it
//! (JSON escapes are decoded in place), and the only copy is into the
//! [`Credentials`]' own fixed-capacity fields.
//!
//! ```
//! use stratus_core::client::{HttpRequest, RawResponse, ResponseWriter, Transport, TransportError};
//! use stratus_core::credentials::iot::RESPONSE_BUFFER_LEN;
//! use stratus_core::credentials::{IotCredentials, IotEndpoint, ProvideCredentials, RefreshingProvider};
//! use stratus_core::time::{FixedClock, UnixTime};
//!
//! /// Stands in for the device's mutual-TLS transport.
//! struct Endpoint;
//! impl Transport for Endpoint {
//!     async fn send(&self, req: &HttpRequest<'_>, buf: &mut [u8]) -> Result<RawResponse, TransportError> {
//!         assert_eq!(req.target, "/role-aliases/sensor-role/credentials");
//!         let body = br#"{"credentials":{"accessKeyId":"ASIAEXAMPLE","secretAccessKey":"s3cr3t",
//!             "sessionToken":"token","expiration":"2023-11-14T23:13:20Z"}}"#;
//!         let w = ResponseWriter::new(buf, 200);
//!         w.body(body).map_err(|_| TransportError::ResponseTooLarge)
//!     }
//! }
//!
//! let clock = FixedClock(UnixTime::from_secs(1_700_000_000)); // 2023-11-14T22:13:20Z
//! let endpoint = IotEndpoint::new("c1a2b3.credentials.iot.eu-west-1.amazonaws.com", "sensor-role")
//!     .with_thing_name("sensor-7");
//! let mut buf = [0u8; RESPONSE_BUFFER_LEN];
//! let iot: IotCredentials<_, _> = IotCredentials::new(endpoint, Endpoint, &clock, &mut buf[..]);
//! // Cached, and asked again from 15 minutes before `expiration`.
//! let provider: RefreshingProvider<_, _> = RefreshingProvider::new(iot, &clock);
//! let c = embassy_futures::block_on(provider.provide_credentials()).unwrap();
//! assert_eq!(c.access_key_id(), "ASIAEXAMPLE");
//! assert_eq!(c.expiry(), Some(UnixTime::from_secs(1_700_003_600)));
//! ```

// `IotError` keeps the service's error code and message (about 230 bytes);
// the results that carry it hold `Credentials` (2.3 KB) on their `Ok` side,
// so the error does not make them larger.
#![allow(clippy::result_large_err)]

use core::cell::RefCell;
use core::fmt;

use embassy_sync::blocking_mutex::Mutex as BlockingMutex;
use embassy_sync::blocking_mutex::raw::{NoopRawMutex, RawMutex};
use embassy_sync::mutex::Mutex;
use heapless::String;

use super::{CredentialField, Credentials, CredentialsError, ProvideCredentials};
use crate::client::{HttpRequest, RawResponse, ResponseView, Timeouts, Transport, TransportError};
use crate::format::json::{JsonReader, TAG_OBJECT, TAG_STRING};
use crate::format::timestamp::parse_any;
use crate::model::view::{DecodeError, Escape, Node, Text};
use crate::model::{Location, Member, MemberFlags, ShapeId};
use crate::time::{Clock, UnixTime};

/// Longest role alias accepted: AWS IoT's limit (`CreateRoleAlias`: 1 to 128
/// characters of `[\w=,@-]`).
pub const ROLE_ALIAS_CAPACITY: usize = 128;
/// Longest host name accepted (a DNS name is at most 253 characters).
pub const HOST_CAPACITY: usize = 253;
/// Longest error code kept in [`IotError::Status`]; longer ones are cut.
pub const ERROR_CODE_CAPACITY: usize = 64;
/// Longest error message kept in [`IotError::Status`]; longer ones are cut.
pub const ERROR_MESSAGE_CAPACITY: usize = 128;
/// Longest unreadable `expiration` kept in [`IotError::BadExpiration`]
/// (ISO 8601 with nanoseconds and an offset is 35 characters).
pub const EXPIRATION_TEXT_CAPACITY: usize = 40;
/// A response buffer that holds any answer [`Credentials`] can hold: a session
/// token at [`SESSION_TOKEN_CAPACITY`](super::SESSION_TOKEN_CAPACITY) (2048),
/// the key id and secret at their capacities, the expiration and the JSON
/// around them (about 2.4 KB), plus 512 bytes of response headers. Real
/// answers are smaller (about 1.1 KB of body).
pub const RESPONSE_BUFFER_LEN: usize = 3072;

const TARGET_PREFIX: &str = "/role-aliases/";
const TARGET_SUFFIX: &str = "/credentials";
/// The target with the longest alias, every byte percent-encoded.
const TARGET_CAPACITY: usize = TARGET_PREFIX.len() + 3 * ROLE_ALIAS_CAPACITY + TARGET_SUFFIX.len();
/// `[` IPv6 `]` `:65535`.
const HOST_HEADER_CAPACITY: usize = HOST_CAPACITY + 2 + 6;
/// The answer is two objects deep; a little room for what a service may add.
const MAX_DEPTH: usize = 8;

/// The header naming the thing (AWS IoT's name for it).
pub const THING_NAME_HEADER: &str = "x-amzn-iot-thingname";

/// Where the IoT credentials provider is and what to ask it for.
///
/// The strings are borrowed (from flash, typically); the host is given
/// without scheme, port or brackets (an IPv6 literal is written bare and
/// bracketed in the `Host` header).
///
/// ```
/// use stratus_core::credentials::IotEndpoint;
/// let e = IotEndpoint::new("c1a2b3.credentials.iot.eu-west-1.amazonaws.com", "sensor-role")
///     .with_thing_name("sensor-7");
/// assert_eq!((e.scheme, e.port, e.thing_name), ("https", None, Some("sensor-7")));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct IotEndpoint<'a> {
    /// `https` (the default) or `http` (for local test servers only: AWS IoT
    /// needs TLS).
    pub scheme: &'a str,
    /// The account's credentials endpoint, e.g.
    /// `c1a2b3.credentials.iot.eu-west-1.amazonaws.com`.
    pub host: &'a str,
    /// A port other than the scheme's default.
    pub port: Option<u16>,
    /// The role alias to get credentials for.
    pub role_alias: &'a str,
    /// The thing name, sent as `x-amzn-iot-thingname`.
    pub thing_name: Option<&'a str>,
    /// Connect and read timeouts for the transport.
    pub timeouts: Timeouts,
}

/// What is wrong with an [`IotEndpoint`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EndpointError {
    /// The scheme is neither `https` nor `http`.
    Scheme,
    /// The host is empty, longer than [`HOST_CAPACITY`], or holds a character
    /// no host has (space, control, `/`, `?`, `#`, `@`, `[`, `]`, `\`).
    Host,
    /// The role alias is empty.
    EmptyRoleAlias,
    /// The role alias is longer than [`ROLE_ALIAS_CAPACITY`].
    RoleAliasTooLong,
    /// The thing name is empty or holds a control character (so it cannot be
    /// a header value).
    ThingName,
}

impl fmt::Display for EndpointError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EndpointError::Scheme => f.write_str("the scheme is neither https nor http"),
            EndpointError::Host => write!(
                f,
                "the host is empty, longer than {HOST_CAPACITY} bytes or not a host name"
            ),
            EndpointError::EmptyRoleAlias => f.write_str("the role alias is empty"),
            EndpointError::RoleAliasTooLong => {
                write!(
                    f,
                    "the role alias is longer than {ROLE_ALIAS_CAPACITY} bytes"
                )
            }
            EndpointError::ThingName => {
                f.write_str("the thing name is empty or not a legal header value")
            }
        }
    }
}

/// A field of the provider's answer, for errors.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum IotField {
    /// The `credentials` object.
    Credentials,
    /// `accessKeyId`.
    AccessKeyId,
    /// `secretAccessKey`.
    SecretAccessKey,
    /// `sessionToken`.
    SessionToken,
    /// `expiration`.
    Expiration,
}

impl IotField {
    /// The JSON key, as the service writes it.
    pub const fn wire_name(self) -> &'static str {
        match self {
            IotField::Credentials => "credentials",
            IotField::AccessKeyId => "accessKeyId",
            IotField::SecretAccessKey => "secretAccessKey",
            IotField::SessionToken => "sessionToken",
            IotField::Expiration => "expiration",
        }
    }

    const fn of(field: CredentialField) -> Self {
        match field {
            CredentialField::AccessKeyId => IotField::AccessKeyId,
            CredentialField::SecretAccessKey => IotField::SecretAccessKey,
            CredentialField::SessionToken => IotField::SessionToken,
        }
    }

    const fn credential_field(self) -> Option<CredentialField> {
        match self {
            IotField::AccessKeyId => Some(CredentialField::AccessKeyId),
            IotField::SecretAccessKey => Some(CredentialField::SecretAccessKey),
            IotField::SessionToken => Some(CredentialField::SessionToken),
            IotField::Credentials | IotField::Expiration => None,
        }
    }
}

impl fmt::Display for IotField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.wire_name())
    }
}

/// Why the IoT credentials provider gave no credentials. No variant holds a
/// secret: the service's error message is kept, field values are not.
#[derive(Clone, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum IotError {
    /// The [`IotEndpoint`] cannot make a request.
    Endpoint(EndpointError),
    /// The transport failed (a refused client certificate shows here as
    /// [`TransportError::Certificate`] or [`TransportError::Tls`]).
    Transport(TransportError),
    /// The endpoint answered with another status than 200.
    Status {
        /// The HTTP status (403: the certificate or its policy does not allow
        /// this role alias; 404: no such role alias).
        status: u16,
        /// The error code, from `x-amzn-ErrorType` or the body's `__type` /
        /// `code` (e.g. `AccessDeniedException`), cut to
        /// [`ERROR_CODE_CAPACITY`].
        code: Option<String<ERROR_CODE_CAPACITY>>,
        /// The body's `message`, or the start of a body that is not JSON (a
        /// proxy's HTML page), cut to [`ERROR_MESSAGE_CAPACITY`]. A JSON body
        /// without a message is not echoed.
        message: Option<String<ERROR_MESSAGE_CAPACITY>>,
    },
    /// The 200 answer is not a JSON object.
    Malformed(DecodeError),
    /// A field is absent (or `null`).
    MissingField(IotField),
    /// A field is not of its type (`credentials` not an object, a value not a
    /// string).
    WrongType(IotField),
    /// A field is longer than the [`Credentials`] capacity for it.
    TooLong {
        /// Which field.
        field: IotField,
        /// The capacity it exceeds, in bytes.
        capacity: usize,
    },
    /// A field is empty.
    Empty(IotField),
    /// `expiration` is not a timestamp (ISO 8601 is what the service sends),
    /// or is before 1970; its text, cut to [`EXPIRATION_TEXT_CAPACITY`].
    BadExpiration(String<EXPIRATION_TEXT_CAPACITY>),
    /// `expiration` is already past.
    Expired {
        /// The expiration received.
        expiry: UnixTime,
        /// The clock's time.
        now: UnixTime,
    },
}

impl IotError {
    /// The core's short form (what [`ProvideCredentials`] returns): lengths,
    /// empties and expiry keep their meaning, the rest become
    /// [`CredentialsError::ProviderFailed`] with a static phrase.
    ///
    /// ```
    /// use stratus_core::client::TransportError;
    /// use stratus_core::credentials::{CredentialsError, IotError};
    /// assert_eq!(
    ///     IotError::Transport(TransportError::Connect).to_core(),
    ///     CredentialsError::ProviderFailed("the IoT credentials endpoint could not be reached")
    /// );
    /// ```
    pub fn to_core(&self) -> CredentialsError {
        let why = match self {
            IotError::TooLong { field, capacity } => match field.credential_field() {
                Some(field) => {
                    return CredentialsError::TooLong {
                        field,
                        capacity: *capacity,
                    };
                }
                None => "the IoT credentials endpoint's answer is malformed",
            },
            IotError::Empty(field) => match field.credential_field() {
                Some(field) => return CredentialsError::Empty(field),
                None => "the IoT credentials endpoint's answer is malformed",
            },
            IotError::Expired { .. } => return CredentialsError::Expired,
            IotError::Endpoint(_) => "the IoT credentials endpoint settings are invalid",
            IotError::Transport(_) => "the IoT credentials endpoint could not be reached",
            IotError::Status { .. } => "the IoT credentials endpoint refused the request",
            IotError::Malformed(_)
            | IotError::MissingField(_)
            | IotError::WrongType(_)
            | IotError::BadExpiration(_) => "the IoT credentials endpoint's answer is malformed",
        };
        CredentialsError::ProviderFailed(why)
    }
}

impl From<EndpointError> for IotError {
    fn from(e: EndpointError) -> Self {
        IotError::Endpoint(e)
    }
}

impl fmt::Display for IotError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IotError::Endpoint(e) => write!(f, "IoT credentials endpoint: {e}"),
            IotError::Transport(e) => write!(f, "IoT credentials endpoint: {e}"),
            IotError::Status {
                status,
                code,
                message,
            } => {
                write!(f, "the IoT credentials endpoint answered {status}")?;
                if let Some(code) = code {
                    write!(f, " {code}")?;
                }
                if let Some(message) = message {
                    write!(f, ": {message}")?;
                }
                Ok(())
            }
            IotError::Malformed(e) => {
                write!(
                    f,
                    "the IoT credentials answer is not the JSON expected: {e}"
                )
            }
            IotError::MissingField(field) => {
                write!(f, "the IoT credentials answer has no {field}")
            }
            IotError::WrongType(field) => {
                write!(f, "the IoT credentials answer's {field} has the wrong type")
            }
            IotError::TooLong { field, capacity } => write!(
                f,
                "the IoT credentials answer's {field} is longer than {capacity} bytes"
            ),
            IotError::Empty(field) => write!(f, "the IoT credentials answer's {field} is empty"),
            IotError::BadExpiration(text) => write!(
                f,
                "the IoT credentials answer's expiration {text:?} is not a timestamp"
            ),
            IotError::Expired { expiry, now } => write!(
                f,
                "the IoT credentials expired at {} (now {})",
                expiry.amz_date().as_str(),
                now.amz_date().as_str()
            ),
        }
    }
}

impl From<CredentialsError> for IotError {
    fn from(e: CredentialsError) -> Self {
        match e {
            CredentialsError::TooLong { field, capacity } => IotError::TooLong {
                field: IotField::of(field),
                capacity,
            },
            CredentialsError::Empty(field) => IotError::Empty(IotField::of(field)),
            // `Credentials::new` fails only with the two above.
            _ => IotError::Malformed(DecodeError::Malformed),
        }
    }
}

/// The request's `Host` value and target, built without a heap.
struct Parts {
    host: String<HOST_HEADER_CAPACITY>,
    target: String<TARGET_CAPACITY>,
}

/// Whether `c` may stand in a path segment as it is (RFC 3986 `pchar`
/// without `%`: unreserved, sub-delims, `:` and `@`). Every character AWS
/// allows in a role alias (`[\w=,@-]`) is one.
fn segment_safe(c: u8) -> bool {
    c.is_ascii_alphanumeric() || b"-._~!$&'()*+,;=:@".contains(&c)
}

impl<'a> IotEndpoint<'a> {
    /// `https://host/role-aliases/<role_alias>/credentials`, no thing name,
    /// 5 s connect and read timeouts.
    pub const fn new(host: &'a str, role_alias: &'a str) -> Self {
        IotEndpoint {
            scheme: "https",
            host,
            port: None,
            role_alias,
            thing_name: None,
            timeouts: Timeouts {
                connect_ms: 5_000,
                read_ms: 5_000,
            },
        }
    }

    /// With a port other than the scheme's.
    pub const fn with_port(mut self, port: u16) -> Self {
        self.port = Some(port);
        self
    }

    /// With a thing name (the `x-amzn-iot-thingname` header).
    pub const fn with_thing_name(mut self, thing_name: &'a str) -> Self {
        self.thing_name = Some(thing_name);
        self
    }

    /// With another scheme (`http` for a local test server).
    pub const fn with_scheme(mut self, scheme: &'a str) -> Self {
        self.scheme = scheme;
        self
    }

    /// With other timeouts.
    pub const fn with_timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    fn parts(&self) -> Result<Parts, EndpointError> {
        if self.scheme != "https" && self.scheme != "http" {
            return Err(EndpointError::Scheme);
        }
        let host = self.host.as_bytes();
        let bad_host = |c: &u8| c.is_ascii_control() || b" /?#@[]\\".contains(c);
        if host.is_empty() || host.len() > HOST_CAPACITY || host.iter().any(bad_host) {
            return Err(EndpointError::Host);
        }
        if let Some(thing) = self.thing_name {
            let bad = |c: char| c.is_control();
            if thing.is_empty() || thing.contains(bad) {
                return Err(EndpointError::ThingName);
            }
        }
        if self.role_alias.is_empty() {
            return Err(EndpointError::EmptyRoleAlias);
        }
        if self.role_alias.len() > ROLE_ALIAS_CAPACITY {
            return Err(EndpointError::RoleAliasTooLong);
        }

        // The capacities cover the longest inputs accepted above, so the
        // pushes cannot fail; a failure would still be an error, not a panic.
        let full = |_| EndpointError::Host;
        let mut header = String::new();
        let v6 = self.host.contains(':');
        if v6 {
            header.push('[').map_err(full)?;
        }
        header.push_str(self.host).map_err(full)?;
        if v6 {
            header.push(']').map_err(full)?;
        }
        if let Some(port) = self.port {
            use core::fmt::Write;
            write!(header, ":{port}").map_err(|_| EndpointError::Host)?;
        }

        let full = |_| EndpointError::RoleAliasTooLong;
        let mut target = String::new();
        target.push_str(TARGET_PREFIX).map_err(full)?;
        for &b in self.role_alias.as_bytes() {
            if segment_safe(b) {
                target.push(char::from(b)).map_err(full)?;
            } else {
                const HEX: &[u8; 16] = b"0123456789ABCDEF";
                for c in [b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 15)]] {
                    target.push(char::from(c)).map_err(full)?;
                }
            }
        }
        target.push_str(TARGET_SUFFIX).map_err(full)?;
        Ok(Parts {
            host: header,
            target,
        })
    }

    fn request<'r>(
        &'r self,
        parts: &'r Parts,
        headers: &'r [(&'r str, &'r str)],
    ) -> HttpRequest<'r> {
        HttpRequest {
            method: "GET",
            scheme: self.scheme,
            host: self.host,
            port: self.port,
            target: &parts.target,
            headers: headers.into(),
            body: b"",
            timeouts: self.timeouts,
        }
    }

    /// Calls `f` with the request [`fetch`](Self::fetch) sends: `GET`, the
    /// role alias percent-encoded as a path segment, headers `Host`,
    /// `Accept: application/json` and (with a thing name)
    /// `x-amzn-iot-thingname`, no body, no signature. For logs and dry runs.
    ///
    /// ```
    /// use stratus_core::credentials::IotEndpoint;
    /// let e = IotEndpoint::new("::1", "a/b").with_port(8443).with_thing_name("t");
    /// e.with_request(|r| {
    ///     assert_eq!(r.target, "/role-aliases/a%2Fb/credentials");
    ///     assert_eq!(r.headers.get("host"), Some("[::1]:8443"));
    ///     assert_eq!(r.headers.iter().nth(2), Some(("x-amzn-iot-thingname", "t")));
    /// })
    /// .unwrap();
    /// assert!(IotEndpoint::new("host", "").with_request(|_| ()).is_err());
    /// ```
    pub fn with_request<R>(&self, f: impl FnOnce(&HttpRequest<'_>) -> R) -> Result<R, IotError> {
        let parts = self.parts()?;
        let (headers, n) = self.headers(&parts);
        Ok(f(&self.request(&parts, headers.get(..n).unwrap_or(&[]))))
    }

    fn headers<'r>(&'r self, parts: &'r Parts) -> ([(&'r str, &'r str); 3], usize) {
        let host = ("Host", parts.host.as_str());
        let accept = ("Accept", "application/json");
        match self.thing_name {
            Some(thing) => ([host, accept, (THING_NAME_HEADER, thing)], 3),
            None => ([host, accept, ("", "")], 2),
        }
    }

    /// Asks for credentials once: sends the request over `transport` (which
    /// must present the device certificate), with the response written into
    /// `buf` ([`RESPONSE_BUFFER_LEN`] holds any answer), and reads the
    /// answer there. `clock` is read when the answer has arrived; an
    /// `expiration` before its time is [`IotError::Expired`] (a clock that does
    /// not know the time skips that check).
    ///
    /// ```
    /// use stratus_core::client::{HttpRequest, RawResponse, ResponseWriter, Transport, TransportError};
    /// use stratus_core::credentials::{IotEndpoint, IotError};
    /// use stratus_core::time::{FixedClock, UnixTime};
    ///
    /// struct Refuses;
    /// impl Transport for Refuses {
    ///     async fn send(&self, _: &HttpRequest<'_>, buf: &mut [u8]) -> Result<RawResponse, TransportError> {
    ///         let mut w = ResponseWriter::new(buf, 403);
    ///         w.header("x-amzn-ErrorType", "AccessDeniedException").unwrap();
    ///         Ok(w.body(br#"{"message":"Access Denied"}"#).unwrap())
    ///     }
    /// }
    /// let endpoint = IotEndpoint::new("creds.example", "role");
    /// let clock = FixedClock(UnixTime::from_secs(1_700_000_000));
    /// let mut buf = [0u8; 256];
    /// let err = embassy_futures::block_on(endpoint.fetch(&Refuses, &clock, &mut buf)).unwrap_err();
    /// assert_eq!(err.to_string(), "the IoT credentials endpoint answered 403 AccessDeniedException: Access Denied");
    /// ```
    pub async fn fetch<T: Transport + ?Sized, C: Clock + ?Sized>(
        &self,
        transport: &T,
        clock: &C,
        buf: &mut [u8],
    ) -> Result<Credentials, IotError> {
        let raw = self.exchange(transport, buf).await?;
        read_response(&raw, buf, clock.now())
    }

    /// Sends the request; only the `Host` value, the target and the headers'
    /// slice live across the await (about 700 bytes).
    async fn exchange<T: Transport + ?Sized>(
        &self,
        transport: &T,
        buf: &mut [u8],
    ) -> Result<RawResponse, IotError> {
        let parts = self.parts()?;
        let (headers, n) = self.headers(&parts);
        let request = self.request(&parts, headers.get(..n).unwrap_or(&[]));
        transport
            .send(&request, buf)
            .await
            .map_err(IotError::Transport)
    }
}

/// Reads a response the transport wrote into `buf`.
fn read_response(
    raw: &RawResponse,
    buf: &mut [u8],
    now: Option<UnixTime>,
) -> Result<Credentials, IotError> {
    if raw.status != 200 {
        return Err(status_error(&raw.view(buf)));
    }
    let body = buf
        .get_mut(raw.body.start..raw.body.end)
        .ok_or(IotError::Transport(TransportError::Malformed))?;
    let result = parse_credentials(body, now);
    // The answer holds the secret and the token: leave no copy behind but
    // the one in `Credentials`.
    body.fill(0);
    result
}

const fn member(name: &'static str) -> Member {
    Member {
        name,
        location_name: None,
        target: ShapeId(0),
        location: Location::Body,
        flags: MemberFlags::EMPTY,
        extra: None,
    }
}

static CREDENTIALS: Member = member("credentials");
static ACCESS_KEY_ID: Member = member("accessKeyId");
static SECRET_ACCESS_KEY: Member = member("secretAccessKey");
static SESSION_TOKEN: Member = member("sessionToken");
static EXPIRATION: Member = member("expiration");
static MESSAGE: [Member; 3] = [member("message"), member("Message"), member("errorMessage")];
static CODE: [Member; 2] = [member("__type"), member("code")];

/// The fields read, in this order.
const FIELDS: [(&Member, IotField); 4] = [
    (&ACCESS_KEY_ID, IotField::AccessKeyId),
    (&SECRET_ACCESS_KEY, IotField::SecretAccessKey),
    (&SESSION_TOKEN, IotField::SessionToken),
    (&EXPIRATION, IotField::Expiration),
];

/// Where `inner` starts within `outer`, if it lies inside it.
fn offset_in(outer: &[u8], inner: &[u8]) -> Option<usize> {
    let at = (inner.as_ptr() as usize).checked_sub(outer.as_ptr() as usize)?;
    (at.checked_add(inner.len())? <= outer.len()).then_some(at)
}

/// The spans (inside the quotes) of the four string fields of `body`.
fn field_spans(body: &[u8]) -> Result<[(usize, usize); 4], IotError> {
    let reader = JsonReader::new(MAX_DEPTH);
    let root = reader.root(body).map_err(IotError::Malformed)?;
    if root.tag() != TAG_OBJECT {
        return Err(IotError::Malformed(DecodeError::WrongType));
    }
    let credentials = root
        .member(&CREDENTIALS)
        .map_err(IotError::Malformed)?
        .ok_or(IotError::MissingField(IotField::Credentials))?;
    if credentials.tag() != TAG_OBJECT {
        return Err(IotError::WrongType(IotField::Credentials));
    }
    let mut spans = [(0, 0); 4];
    for (span, (m, field)) in spans.iter_mut().zip(FIELDS) {
        let node = credentials
            .member(m)
            .map_err(IotError::Malformed)?
            .ok_or(IotError::MissingField(field))?;
        if node.tag() != TAG_STRING {
            return Err(IotError::WrongType(field));
        }
        let raw = node.raw();
        let start = offset_in(body, raw).ok_or(IotError::Malformed(DecodeError::Malformed))?;
        // A string token is at least its two quotes.
        *span = (start + 1, start + raw.len().saturating_sub(1).max(1));
    }
    Ok(spans)
}

/// Decodes the JSON escapes of `text` in place and returns the decoded length.
/// Decoding never lengthens text (`\n` → 1 byte, `\uXXXX` → at most 3, a
/// surrogate pair's 12 → 4), so the write position never passes the read one.
fn unescape_in_place(text: &mut [u8]) -> Result<usize, DecodeError> {
    let (mut read, mut write) = (0, 0);
    while let Some(&b) = text.get(read) {
        if b != b'\\' {
            if let Some(slot) = text.get_mut(write) {
                *slot = b;
            }
            read += 1;
            write += 1;
            continue;
        }
        // The longest escape is 12 bytes, all ASCII; a cut multi-byte
        // character after it is dropped by `valid_up_to`.
        let ahead = text.get(read..(read + 12).min(text.len())).unwrap_or(&[]);
        let ahead = match core::str::from_utf8(ahead) {
            Ok(s) => s,
            Err(e) => core::str::from_utf8(ahead.get(..e.valid_up_to()).unwrap_or(&[]))
                .map_err(|_| DecodeError::BadEscape)?,
        };
        let c = Text::new(ahead, Escape::Json)
            .chars()
            .next()
            .ok_or(DecodeError::BadEscape)??;
        let used = match ahead.as_bytes().get(1) {
            Some(b'u') if u32::from(c) > 0xFFFF => 12,
            Some(b'u') => 6,
            _ => 2,
        };
        let mut utf8 = [0u8; 4];
        let encoded = c.encode_utf8(&mut utf8).as_bytes();
        text.get_mut(write..write + encoded.len())
            .ok_or(DecodeError::BadEscape)?
            .copy_from_slice(encoded);
        read += used;
        write += encoded.len();
    }
    Ok(write)
}

/// Reads the provider's 200 answer, `{"credentials": {"accessKeyId",
/// "secretAccessKey", "sessionToken", "expiration"}}`, from `body`, decoding
/// JSON escapes in place (so `body` is changed). With `now` known, an
/// `expiration` before it is [`IotError::Expired`].
///
/// For transports that cannot implement [`Transport`] (a cellular modem that
/// does the mutual TLS and the HTTP itself): hand it the body.
///
/// ```
/// use stratus_core::credentials::iot::{parse_credentials, IotError, IotField};
/// let mut body = *br#"{"credentials":{"accessKeyId":"ASIAX","secretAccessKey":"a\/b",
///     "sessionToken":"t","expiration":"2023-11-14T22:13:20Z"}}"#;
/// let c = parse_credentials(&mut body, None).unwrap();
/// assert_eq!((c.secret_access_key(), c.expiry().unwrap().as_secs()), ("a/b", 1_700_000_000));
///
/// let mut body = *br#"{"credentials":{"accessKeyId":"ASIAX"}}"#;
/// assert_eq!(parse_credentials(&mut body, None), Err(IotError::MissingField(IotField::SecretAccessKey)));
/// ```
pub fn parse_credentials(body: &mut [u8], now: Option<UnixTime>) -> Result<Credentials, IotError> {
    let spans = field_spans(body)?;
    let mut lens = [0usize; 4];
    for (len, (&(start, end), (_, field))) in lens.iter_mut().zip(spans.iter().zip(FIELDS)) {
        let text = body
            .get_mut(start..end)
            .ok_or(IotError::Malformed(DecodeError::Malformed))?;
        *len = unescape_in_place(text).map_err(|e| match e {
            DecodeError::BadEscape => IotError::Malformed(e),
            _ => IotError::WrongType(field),
        })?;
    }
    let body = &*body;
    let text = |i: usize| -> Result<&str, IotError> {
        let start = spans.get(i).map_or(0, |s| s.0);
        let len = lens.get(i).copied().unwrap_or(0);
        body.get(start..start + len)
            .and_then(|b| core::str::from_utf8(b).ok())
            .ok_or(IotError::Malformed(DecodeError::BadEscape))
    };
    let expiration = text(3)?;
    let expiry = parse_any(expiration)
        .ok()
        .and_then(|t| u64::try_from(t.secs).ok())
        .map(UnixTime::from_secs)
        .ok_or_else(|| IotError::BadExpiration(bounded(expiration.chars())))?;
    let token = text(2)?;
    if token.is_empty() {
        // Temporary keys are useless without their token.
        return Err(IotError::Empty(IotField::SessionToken));
    }
    let credentials = Credentials::new(text(0)?, text(1)?, Some(token), Some(expiry))?;
    match now {
        // As `RefreshingProvider`: credentials are good up to their expiry
        // instant.
        Some(now) if expiry < now => Err(IotError::Expired { expiry, now }),
        _ => Ok(credentials),
    }
}

/// Up to `N` bytes of `chars`, whole characters only; control characters
/// become spaces.
fn bounded<const N: usize>(chars: impl Iterator<Item = char>) -> String<N> {
    let mut out = String::new();
    for c in chars {
        let c = if c.is_control() { ' ' } else { c };
        if out.push(c).is_err() {
            break;
        }
    }
    out
}

/// The first of `members` that is a string in `root`.
fn text_member<'a>(root: Option<&Node<'a>>, members: &'static [Member]) -> Option<Text<'a>> {
    let root = root?;
    members.iter().find_map(|m| {
        root.member(m)
            .ok()
            .flatten()
            .filter(|n| n.tag() == TAG_STRING)
            .and_then(|n| n.text().ok())
    })
}

fn decoded(t: Text<'_>) -> impl Iterator<Item = char> + '_ {
    t.chars().map_while(Result::ok)
}

/// [`IotError::Status`] from a non-200 response: the code from
/// `x-amzn-ErrorType` (`AccessDeniedException:http://…` → its part before
/// `:`) or the body's `__type` (after a `#`) / `code`; the message from the
/// body's `message` / `Message` / `errorMessage`, else the start of a body
/// that is not JSON (an HTML page from a proxy).
fn status_error(view: &ResponseView<'_>) -> IotError {
    let reader = JsonReader::new(MAX_DEPTH);
    let root = reader
        .root(view.body)
        .ok()
        .filter(|n| n.tag() == TAG_OBJECT);
    let code = match view.header("x-amzn-ErrorType") {
        Some(v) => Some(bounded(v.split(':').next().unwrap_or(v).trim().chars())),
        None => text_member(root.as_ref(), &CODE).map(|t| {
            let s: String<ERROR_CODE_CAPACITY> = bounded(decoded(t));
            match crate::text::rsplit_once_ascii(&s, b'#') {
                Some((_, short)) => bounded(short.chars()),
                None => s,
            }
        }),
    };
    let message = match text_member(root.as_ref(), &MESSAGE) {
        Some(t) => Some(bounded(decoded(t))),
        None => {
            let body = match core::str::from_utf8(view.body) {
                Ok(s) => s,
                Err(e) => core::str::from_utf8(view.body.get(..e.valid_up_to()).unwrap_or(&[]))
                    .unwrap_or(""),
            };
            let body = body.trim();
            // A JSON body without a message is not echoed: it might be
            // credentials under an unexpected status.
            (!body.starts_with(['{', '['])).then(|| bounded(body.chars()))
        }
    };
    IotError::Status {
        status: view.status,
        code: code.filter(|c: &String<ERROR_CODE_CAPACITY>| !c.is_empty()),
        message: message.filter(|m| !m.trim().is_empty()),
    }
}

/// The IoT credentials provider as a [`ProvideCredentials`]: an
/// [`IotEndpoint`], the transport that presents the device certificate, a
/// clock, and the buffer responses are written into.
///
/// * `B` is the buffer: a borrowed `&mut [u8]` (the default), or an owned
///   `[u8; N]` so the provider can live in a `static`. [`RESPONSE_BUFFER_LEN`]
///   holds any answer.
/// * Each [`provide_credentials`](ProvideCredentials::provide_credentials)
///   call asks the endpoint; wrap the provider in a
///   [`RefreshingProvider`](super::RefreshingProvider) to cache the
///   credentials and ask again only before `expiration` (see the
///   [module docs](self)).
/// * Calls that overlap take turns on the buffer (an async lock from
///   `embassy-sync`; `M` as in `RefreshingProvider`).
/// * The full [`IotError`] of the last call is kept for
///   [`last_error`](Self::last_error).
///
/// Only `Clock` is asked of `K`: the provider does not sleep or retry (a
/// failed refresh is tried again at the next call, as `RefreshingProvider`
/// does).
pub struct IotCredentials<'a, T, K, B = &'a mut [u8], M: RawMutex = NoopRawMutex> {
    endpoint: IotEndpoint<'a>,
    transport: T,
    clock: K,
    buffer: Mutex<M, B>,
    last_error: BlockingMutex<M, RefCell<Option<IotError>>>,
}

impl<'a, T, K, B, M: RawMutex> IotCredentials<'a, T, K, B, M> {
    /// Asks `endpoint` over `transport`, writing responses into `buffer` and
    /// judging `expiration` by `clock`. `const` so a provider can live in a
    /// `static`.
    pub const fn new(endpoint: IotEndpoint<'a>, transport: T, clock: K, buffer: B) -> Self {
        IotCredentials {
            endpoint,
            transport,
            clock,
            buffer: Mutex::new(buffer),
            last_error: BlockingMutex::new(RefCell::new(None)),
        }
    }

    /// Where credentials are asked for.
    pub fn endpoint(&self) -> &IotEndpoint<'a> {
        &self.endpoint
    }

    /// The transport.
    pub fn transport(&self) -> &T {
        &self.transport
    }

    /// Why the last call failed, or `None` when it succeeded (or none was
    /// made).
    pub fn last_error(&self) -> Option<IotError> {
        self.last_error.lock(|e| e.borrow().clone())
    }
}

impl<T: Transport, K: Clock, B: AsMut<[u8]>, M: RawMutex> IotCredentials<'_, T, K, B, M> {
    /// Asks the endpoint once, with the full error on failure.
    ///
    /// ```
    /// use stratus_core::client::{HttpRequest, RawResponse, Transport, TransportError};
    /// use stratus_core::credentials::iot::RESPONSE_BUFFER_LEN;
    /// use stratus_core::credentials::{IotCredentials, IotEndpoint, IotError};
    /// use stratus_core::time::FixedClock;
    ///
    /// struct Offline;
    /// impl Transport for Offline {
    ///     async fn send(&self, _: &HttpRequest<'_>, _: &mut [u8]) -> Result<RawResponse, TransportError> {
    ///         Err(TransportError::Connect)
    ///     }
    /// }
    /// // The buffer owned, so the provider could be a `static`.
    /// let iot: IotCredentials<_, _, [u8; RESPONSE_BUFFER_LEN]> = IotCredentials::new(
    ///     IotEndpoint::new("creds.example", "role"),
    ///     Offline,
    ///     FixedClock(Default::default()),
    ///     [0; RESPONSE_BUFFER_LEN],
    /// );
    /// let err = embassy_futures::block_on(iot.fetch()).unwrap_err();
    /// assert_eq!(err, IotError::Transport(TransportError::Connect));
    /// assert_eq!(iot.last_error(), Some(err));
    /// ```
    pub async fn fetch(&self) -> Result<Credentials, IotError> {
        let mut buffer = self.buffer.lock().await;
        let result = self
            .endpoint
            .fetch(&self.transport, &self.clock, buffer.as_mut())
            .await;
        self.last_error
            .lock(|e| e.replace(result.as_ref().err().cloned()));
        result
    }
}

impl<T: Transport, K: Clock, B: AsMut<[u8]>, M: RawMutex> ProvideCredentials
    for IotCredentials<'_, T, K, B, M>
{
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        self.fetch().await.map_err(|e| e.to_core())
    }
}

/// Shows the endpoint and the last error; never the transport, clock or
/// buffer (the answer's body is zeroed once read, but headers stay).
impl<T, K, B, M: RawMutex> fmt::Debug for IotCredentials<'_, T, K, B, M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.last_error.lock(|e| {
            f.debug_struct("IotCredentials")
                .field("endpoint", &self.endpoint)
                .field("last_error", &*e.borrow())
                .finish()
        })
    }
}

#[cfg(test)]
mod tests {
    extern crate std;

    use core::cell::Cell;
    use std::collections::VecDeque;
    use std::string::{String as StdString, ToString};
    use std::vec::Vec;
    use std::{format, println, vec};

    use embassy_futures::{block_on, join::join, yield_now};

    use super::*;
    use crate::client::ResponseWriter;
    use crate::credentials::{RefreshingProvider, SESSION_TOKEN_CAPACITY};
    use crate::format::SliceSink;
    use crate::http::write_head;

    const T0: u64 = 1_700_000_000; // 2023-11-14T22:13:20Z
    const HOST: &str = "c1a2b3example-ats.credentials.iot.eu-west-1.amazonaws.com";
    const KEY_ID: &str = "ASIAQX4EXAMPLE7KEYID";
    const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

    /// A session token shaped as the service's (base64, about 900
    /// characters: the whole answer is about 1.1 KB).
    fn token() -> StdString {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut t = StdString::from("IQoJb3JpZ2luX2VjE");
        let mut x = 7u32;
        while t.len() < 904 {
            x = x.wrapping_mul(1_103_515_245).wrapping_add(12_345);
            t.push(char::from(alphabet[(x >> 16) as usize % 64]));
        }
        t.push_str("==");
        t
    }

    fn iso(secs: u64) -> StdString {
        let c = UnixTime::from_secs(secs).civil();
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
            c.year, c.month, c.day, c.hour, c.minute, c.second
        )
    }

    fn answer(expires: u64) -> StdString {
        format!(
            "{{\"credentials\":{{\"accessKeyId\":\"{KEY_ID}\",\"secretAccessKey\":\"{SECRET}\",\
             \"sessionToken\":\"{}\",\"expiration\":\"{}\"}}}}",
            token(),
            iso(expires)
        )
    }

    struct TestClock(Cell<Option<u64>>);

    impl TestClock {
        fn at(secs: u64) -> Self {
            TestClock(Cell::new(Some(secs)))
        }
    }

    impl Clock for TestClock {
        fn now(&self) -> Option<UnixTime> {
            self.0.get().map(UnixTime::from_secs)
        }
    }

    enum Reply {
        Answer {
            status: u16,
            headers: Vec<(&'static str, StdString)>,
            body: Vec<u8>,
        },
        Fail(TransportError),
    }

    fn ok(body: &str) -> Reply {
        Reply::Answer {
            status: 200,
            headers: vec![
                ("Date", "Tue, 14 Nov 2023 22:13:20 GMT".into()),
                ("Content-Type", "application/json".into()),
                ("Content-Length", body.len().to_string()),
                ("Connection", "keep-alive".into()),
                (
                    "x-amzn-RequestId",
                    "36ecd80d-bfc4-c9d0-0871-6bec7744a237".into(),
                ),
            ],
            body: body.as_bytes().to_vec(),
        }
    }

    fn refused(status: u16, headers: &[(&'static str, &str)], body: &str) -> Reply {
        Reply::Answer {
            status,
            headers: headers.iter().map(|(n, v)| (*n, v.to_string())).collect(),
            body: body.as_bytes().to_vec(),
        }
    }

    /// What a request looked like to the transport: its head as
    /// `http::write_head` writes it on the wire, and the connection facts.
    #[derive(Debug, PartialEq)]
    struct Seen {
        head: StdString,
        scheme: StdString,
        host: StdString,
        port: Option<u16>,
        timeouts: Timeouts,
    }

    /// Answers from a script; yields once per request, so overlapping calls
    /// really overlap.
    #[derive(Default)]
    struct Scripted {
        replies: RefCell<VecDeque<Reply>>,
        seen: RefCell<Vec<Seen>>,
    }

    impl Scripted {
        fn with(replies: impl IntoIterator<Item = Reply>) -> Self {
            Scripted {
                replies: RefCell::new(replies.into_iter().collect()),
                seen: RefCell::default(),
            }
        }

        fn requests(&self) -> usize {
            self.seen.borrow().len()
        }
    }

    impl Transport for Scripted {
        async fn send(
            &self,
            request: &HttpRequest<'_>,
            buf: &mut [u8],
        ) -> Result<RawResponse, TransportError> {
            let mut head = [0u8; 1024];
            let mut sink = SliceSink::new(&mut head);
            write_head(request, &mut sink).expect("a well-formed head");
            let head = StdString::from_utf8(sink.written().to_vec()).unwrap();
            self.seen.borrow_mut().push(Seen {
                head,
                scheme: request.scheme.into(),
                host: request.host.into(),
                port: request.port,
                timeouts: request.timeouts,
            });
            yield_now().await;
            let reply = self.replies.borrow_mut().pop_front();
            match reply.expect("a scripted reply") {
                Reply::Fail(e) => Err(e),
                Reply::Answer {
                    status,
                    headers,
                    body,
                } => {
                    let full = |_| TransportError::ResponseTooLarge;
                    let mut w = ResponseWriter::new(buf, status);
                    for (n, v) in &headers {
                        w.header(n, v).map_err(full)?;
                    }
                    w.body(&body).map_err(full)
                }
            }
        }
    }

    fn fetch_with(
        endpoint: IotEndpoint<'_>,
        reply: Reply,
        now: u64,
    ) -> Result<Credentials, IotError> {
        let t = Scripted::with([reply]);
        let mut buf = [0u8; RESPONSE_BUFFER_LEN];
        block_on(endpoint.fetch(&t, &TestClock::at(now), &mut buf))
    }

    fn fetch_body(body: &str) -> Result<Credentials, IotError> {
        fetch_with(IotEndpoint::new(HOST, "sensor-role"), ok(body), T0)
    }

    #[test]
    fn request_is_byte_for_byte_the_documented_get() {
        let t = Scripted::with([ok(&answer(T0 + 3600)), ok(&answer(T0 + 3600))]);
        let mut buf = [0u8; RESPONSE_BUFFER_LEN];
        let clock = TestClock::at(T0);
        let with_thing = IotEndpoint::new(HOST, "sensor-role").with_thing_name("sensor-7");
        block_on(with_thing.fetch(&t, &clock, &mut buf)).unwrap();
        let bare = IotEndpoint::new("127.0.0.1", "sensor-role")
            .with_scheme("http")
            .with_port(8080);
        block_on(bare.fetch(&t, &clock, &mut buf)).unwrap();
        let seen = t.seen.borrow();
        println!("request with thing name:\n{}", seen[0].head);
        assert_eq!(
            seen[0],
            Seen {
                head: format!(
                    "GET /role-aliases/sensor-role/credentials HTTP/1.1\r\nHost: {HOST}\r\n\
                     Accept: application/json\r\nx-amzn-iot-thingname: sensor-7\r\n\r\n"
                ),
                scheme: "https".into(),
                host: HOST.into(),
                port: None,
                timeouts: Timeouts {
                    connect_ms: 5_000,
                    read_ms: 5_000
                },
            }
        );
        assert_eq!(
            seen[1].head,
            "GET /role-aliases/sensor-role/credentials HTTP/1.1\r\nHost: 127.0.0.1:8080\r\n\
             Accept: application/json\r\n\r\n"
        );
        assert_eq!(
            (seen[1].scheme.as_str(), seen[1].port),
            ("http", Some(8080))
        );
    }

    #[test]
    fn role_alias_is_one_percent_encoded_path_segment() {
        for (alias, target) in [
            // Every character AWS allows in an alias goes as it is.
            (
                "Sensor_role=1,a@b-c",
                "/role-aliases/Sensor_role=1,a@b-c/credentials",
            ),
            (
                "a/b c%\u{e9}?#",
                "/role-aliases/a%2Fb%20c%25%C3%A9%3F%23/credentials",
            ),
            ("..", "/role-aliases/../credentials"),
        ] {
            let got = IotEndpoint::new(HOST, alias)
                .with_request(|r| StdString::from(r.target))
                .unwrap();
            assert_eq!(got, target, "{alias:?}");
        }
        // The longest alias, every byte encoded, fits the target.
        let alias = "/".repeat(ROLE_ALIAS_CAPACITY);
        let got = IotEndpoint::new(HOST, &alias)
            .with_request(|r| r.target.len())
            .unwrap();
        assert_eq!(got, TARGET_CAPACITY);
        // IPv6 literals are bracketed in Host.
        let host = IotEndpoint::new("::1", "r")
            .with_request(|r| StdString::from(r.headers.iter().next().map_or("", |h| h.1)))
            .unwrap();
        assert_eq!(host, "[::1]");
    }

    #[test]
    fn real_shaped_answer_gives_credentials_and_leaves_no_copy() {
        let body = answer(T0 + 3600);
        let t = Scripted::with([ok(&body)]);
        let mut buf = [0u8; RESPONSE_BUFFER_LEN];
        let clock = TestClock::at(T0);
        let c =
            block_on(IotEndpoint::new(HOST, "sensor-role").fetch(&t, &clock, &mut buf)).unwrap();
        println!(
            "answer: {} bytes of body, token {} characters, into a {} byte buffer; {c:?}",
            body.len(),
            token().len(),
            buf.len()
        );
        assert_eq!(c.access_key_id(), KEY_ID);
        assert_eq!(c.secret_access_key(), SECRET);
        assert_eq!(c.session_token(), Some(token().as_str()));
        assert_eq!(c.expiry(), Some(UnixTime::from_secs(T0 + 3600)));
        // The token fits with room to spare.
        assert!(token().len() * 2 <= SESSION_TOKEN_CAPACITY);
        // The body (secret and token) was wiped from the buffer.
        let raw = StdString::from_utf8_lossy(&buf).into_owned();
        assert!(!raw.contains("wJalr") && !raw.contains("IQoJ"), "{raw}");
        assert!(raw.contains("x-amzn-RequestId"));
    }

    #[test]
    fn expiration_forms_and_escapes() {
        // Fractions and offsets (ISO 8601) are read; escapes decoded in place.
        let body = concat!(
            r#"{"credentials":{"expiration":"2023-11-15T00:13:20.500+01:00","#,
            r#""sessionToken":"a\u0042c\/d","accessKeyId":"ASIA\u00c9\ud83d\ude00","#,
            r#""secretAccessKey":"s\\\"\n"},"extra":[1,{}]}"#
        );
        let c = fetch_body(body).unwrap();
        assert_eq!(c.access_key_id(), "ASIA\u{c9}\u{1f600}");
        assert_eq!(c.secret_access_key(), "s\\\"\n");
        assert_eq!(c.session_token(), Some("aBc/d"));
        assert_eq!(c.expiry(), Some(UnixTime::from_secs(T0 + 3600)));

        let mut text = *b"x\\u00e9\\ud83d\\ude00\\t\\u0041";
        let n = unescape_in_place(&mut text).unwrap();
        assert_eq!(core::str::from_utf8(&text[..n]), Ok("x\u{e9}\u{1f600}\tA"));
        for bad in [&b"\\x"[..], b"\\u12", b"\\ud83d", b"\\"] {
            let mut t = bad.to_vec();
            assert_eq!(
                unescape_in_place(&mut t),
                Err(DecodeError::BadEscape),
                "{bad:?}"
            );
        }
    }

    #[test]
    fn refusals_carry_the_services_code_and_message() {
        let cases: [(Reply, IotError); 6] = [
            (
                refused(
                    403,
                    &[(
                        "x-amzn-ErrorType",
                        "AccessDeniedException:http://internal.example/",
                    )],
                    r#"{"message":"Certificate is invalid on this endpoint"}"#,
                ),
                IotError::Status {
                    status: 403,
                    code: Some("AccessDeniedException".try_into().unwrap()),
                    message: Some(
                        "Certificate is invalid on this endpoint"
                            .try_into()
                            .unwrap(),
                    ),
                },
            ),
            (
                refused(404, &[], r#"{"message":"Role alias does not exist"}"#),
                IotError::Status {
                    status: 404,
                    code: None,
                    message: Some("Role alias does not exist".try_into().unwrap()),
                },
            ),
            (
                refused(
                    400,
                    &[],
                    r#"{"__type":"com.amazonaws#InvalidRequestException","Message":"bad \"thing\""}"#,
                ),
                IotError::Status {
                    status: 400,
                    code: Some("InvalidRequestException".try_into().unwrap()),
                    message: Some("bad \"thing\"".try_into().unwrap()),
                },
            ),
            (
                refused(503, &[], "<html>\r\nService Unavailable</html>\n"),
                IotError::Status {
                    status: 503,
                    code: None,
                    message: Some("<html>  Service Unavailable</html>".try_into().unwrap()),
                },
            ),
            (
                refused(500, &[], ""),
                IotError::Status {
                    status: 500,
                    code: None,
                    message: None,
                },
            ),
            (
                // A 200 is the only success, even with credentials in it.
                refused(201, &[], &answer(T0 + 3600)),
                // Its body is not echoed (it holds a secret).
                IotError::Status {
                    status: 201,
                    code: None,
                    message: None,
                },
            ),
        ];
        for (reply, want) in cases {
            let got = fetch_with(IotEndpoint::new(HOST, "sensor-role"), reply, T0).unwrap_err();
            println!("{got}");
            assert_eq!(got, want);
            assert_eq!(
                got.to_core(),
                CredentialsError::ProviderFailed(
                    "the IoT credentials endpoint refused the request"
                )
            );
        }
        // Long messages are cut at a character boundary.
        let long = format!("{{\"message\":\"{}\"}}", "\u{e9}".repeat(200));
        let IotError::Status { message, .. } =
            fetch_with(IotEndpoint::new(HOST, "r"), refused(403, &[], &long), T0).unwrap_err()
        else {
            panic!()
        };
        assert_eq!(message.unwrap().chars().count(), ERROR_MESSAGE_CAPACITY / 2);
    }

    fn with_field(field: &str, value: &str) -> StdString {
        let mut parts = [
            ("accessKeyId", format!("\"{KEY_ID}\"")),
            ("secretAccessKey", format!("\"{SECRET}\"")),
            ("sessionToken", "\"TOKEN\"".to_string()),
            ("expiration", format!("\"{}\"", iso(T0 + 3600))),
        ];
        let mut fields = Vec::new();
        for (name, v) in parts.iter_mut() {
            if *name == field {
                if value == "<absent>" {
                    continue;
                }
                *v = value.to_string();
            }
            fields.push(format!("\"{name}\":{v}"));
        }
        format!("{{\"credentials\":{{{}}}}}", fields.join(","))
    }

    #[test]
    fn malformed_answers_are_typed_errors() {
        let too_long_token = format!("\"{}\"", "t".repeat(SESSION_TOKEN_CAPACITY + 1));
        let too_long_key = format!("\"{}\"", "A".repeat(129));
        let cases: Vec<(StdString, IotError)> = vec![
            (
                "{\"credentials\":".into(),
                IotError::Malformed(DecodeError::Malformed),
            ),
            (
                "not json".into(),
                IotError::Malformed(DecodeError::Malformed),
            ),
            ("[1]".into(), IotError::Malformed(DecodeError::WrongType)),
            ("".into(), IotError::MissingField(IotField::Credentials)),
            ("{}".into(), IotError::MissingField(IotField::Credentials)),
            (
                "{\"credentials\":null}".into(),
                IotError::MissingField(IotField::Credentials),
            ),
            (
                "{\"credentials\":\"x\"}".into(),
                IotError::WrongType(IotField::Credentials),
            ),
            (
                with_field("accessKeyId", "<absent>"),
                IotError::MissingField(IotField::AccessKeyId),
            ),
            (
                with_field("secretAccessKey", "null"),
                IotError::MissingField(IotField::SecretAccessKey),
            ),
            (
                with_field("sessionToken", "<absent>"),
                IotError::MissingField(IotField::SessionToken),
            ),
            (
                with_field("expiration", "<absent>"),
                IotError::MissingField(IotField::Expiration),
            ),
            (
                with_field("expiration", "1700000000"),
                IotError::WrongType(IotField::Expiration),
            ),
            (
                with_field("accessKeyId", "[\"A\"]"),
                IotError::WrongType(IotField::AccessKeyId),
            ),
            (
                with_field("sessionToken", &too_long_token),
                IotError::TooLong {
                    field: IotField::SessionToken,
                    capacity: SESSION_TOKEN_CAPACITY,
                },
            ),
            (
                with_field("accessKeyId", &too_long_key),
                IotError::TooLong {
                    field: IotField::AccessKeyId,
                    capacity: 128,
                },
            ),
            (
                with_field("accessKeyId", "\"\""),
                IotError::Empty(IotField::AccessKeyId),
            ),
            (
                with_field("secretAccessKey", "\"\""),
                IotError::Empty(IotField::SecretAccessKey),
            ),
            (
                with_field("sessionToken", "\"\""),
                IotError::Empty(IotField::SessionToken),
            ),
            (
                with_field("expiration", "\"tomorrow\""),
                IotError::BadExpiration("tomorrow".try_into().unwrap()),
            ),
            (
                with_field("expiration", "\"\""),
                IotError::BadExpiration(Default::default()),
            ),
            (
                with_field("expiration", "\"1969-12-31T23:59:59Z\""),
                IotError::BadExpiration("1969-12-31T23:59:59Z".try_into().unwrap()),
            ),
            (
                with_field("sessionToken", "\"a\\qb\""),
                IotError::Malformed(DecodeError::BadEscape),
            ),
        ];
        for (body, want) in cases {
            let got = fetch_body(&body).unwrap_err();
            println!(
                "{:<40} → {got}",
                body.chars().take(40).collect::<StdString>()
            );
            assert_eq!(got, want, "{body}");
            // Nothing of the secret in the error or its forms.
            let shown = format!("{got} {got:?} {:?}", got.to_core());
            assert!(!shown.contains("wJalr"), "{shown}");
        }
        assert_eq!(
            fetch_body(&with_field("sessionToken", &too_long_token))
                .unwrap_err()
                .to_core(),
            CredentialsError::TooLong {
                field: CredentialField::SessionToken,
                capacity: SESSION_TOKEN_CAPACITY
            }
        );
        assert_eq!(
            fetch_body(&with_field("accessKeyId", "\"\""))
                .unwrap_err()
                .to_core(),
            CredentialsError::Empty(CredentialField::AccessKeyId)
        );
        assert_eq!(
            fetch_body("{}").unwrap_err().to_core(),
            CredentialsError::ProviderFailed("the IoT credentials endpoint's answer is malformed")
        );
    }

    #[test]
    fn an_expiration_in_the_past_is_refused() {
        let endpoint = IotEndpoint::new(HOST, "r");
        let err = fetch_with(endpoint, ok(&answer(T0 - 1)), T0).unwrap_err();
        println!("{err}");
        assert_eq!(
            err,
            IotError::Expired {
                expiry: UnixTime::from_secs(T0 - 1),
                now: UnixTime::from_secs(T0)
            }
        );
        assert_eq!(err.to_core(), CredentialsError::Expired);
        // Good up to the instant itself, as RefreshingProvider judges.
        assert!(fetch_with(endpoint, ok(&answer(T0)), T0).is_ok());
        // A clock that does not know the time cannot judge.
        let t = Scripted::with([ok(&answer(T0 - 1))]);
        let mut buf = [0u8; RESPONSE_BUFFER_LEN];
        let unknown = TestClock(Cell::new(None));
        assert!(block_on(endpoint.fetch(&t, &unknown, &mut buf)).is_ok());
    }

    #[test]
    fn transport_failures_and_small_buffers() {
        for e in [
            TransportError::Connect,
            TransportError::ReadTimeout,
            TransportError::Certificate(crate::client::CertificateError::Refused),
            TransportError::Tls,
        ] {
            let got = fetch_with(IotEndpoint::new(HOST, "r"), Reply::Fail(e), T0).unwrap_err();
            println!("{got}");
            assert_eq!(got, IotError::Transport(e));
            assert_eq!(
                got.to_core(),
                CredentialsError::ProviderFailed(
                    "the IoT credentials endpoint could not be reached"
                )
            );
        }
        let t = Scripted::with([ok(&answer(T0 + 3600))]);
        let mut small = [0u8; 512];
        let got = block_on(IotEndpoint::new(HOST, "r").fetch(&t, &TestClock::at(T0), &mut small));
        assert_eq!(
            got.unwrap_err(),
            IotError::Transport(TransportError::ResponseTooLarge)
        );
    }

    #[test]
    fn bad_endpoints_are_refused_before_sending() {
        let long_alias = "r".repeat(ROLE_ALIAS_CAPACITY + 1);
        let long_host = "h".repeat(HOST_CAPACITY + 1);
        let cases = [
            (
                IotEndpoint::new(HOST, "r").with_scheme("ftp"),
                EndpointError::Scheme,
            ),
            (IotEndpoint::new("", "r"), EndpointError::Host),
            (IotEndpoint::new("a b", "r"), EndpointError::Host),
            (IotEndpoint::new("h/x", "r"), EndpointError::Host),
            (IotEndpoint::new("u@h", "r"), EndpointError::Host),
            (IotEndpoint::new("h\r\nX: 1", "r"), EndpointError::Host),
            (IotEndpoint::new(&long_host, "r"), EndpointError::Host),
            (IotEndpoint::new(HOST, ""), EndpointError::EmptyRoleAlias),
            (
                IotEndpoint::new(HOST, &long_alias),
                EndpointError::RoleAliasTooLong,
            ),
            (
                IotEndpoint::new(HOST, "r").with_thing_name(""),
                EndpointError::ThingName,
            ),
            (
                IotEndpoint::new(HOST, "r").with_thing_name("t\r\nX-Injected: 1"),
                EndpointError::ThingName,
            ),
        ];
        for (endpoint, want) in cases {
            let t = Scripted::default();
            let mut buf = [0u8; 64];
            let got = block_on(endpoint.fetch(&t, &TestClock::at(T0), &mut buf)).unwrap_err();
            println!("{got}");
            assert_eq!(got, IotError::Endpoint(want));
            assert_eq!(t.requests(), 0);
            assert_eq!(
                got.to_core(),
                CredentialsError::ProviderFailed(
                    "the IoT credentials endpoint settings are invalid"
                )
            );
        }
        // The longest host, as an IPv6-looking name with a port, fits Host.
        let host = ":".repeat(HOST_CAPACITY);
        let len = IotEndpoint::new(&host, "r")
            .with_port(65535)
            .with_request(|r| r.headers.iter().next().map_or(0, |h| h.1.len()))
            .unwrap();
        assert_eq!(len, HOST_HEADER_CAPACITY);
    }

    #[test]
    fn refreshing_provider_asks_again_before_expiration() {
        let t = Scripted::with([
            ok(&answer(T0 + 3600)),
            ok(&answer(T0 + 2 * 3600)),
            Reply::Fail(TransportError::Connect),
            Reply::Fail(TransportError::Connect),
        ]);
        let clock = TestClock::at(T0);
        let mut buf = [0u8; RESPONSE_BUFFER_LEN];
        let iot: IotCredentials<_, _> = IotCredentials::new(
            IotEndpoint::new(HOST, "sensor-role").with_thing_name("sensor-7"),
            &t,
            &clock,
            &mut buf[..],
        );
        let p: RefreshingProvider<_, _> = RefreshingProvider::new(iot, &clock);
        let first = block_on(p.provide_credentials()).unwrap();
        assert_eq!(first.expiry().unwrap().as_secs(), T0 + 3600);
        block_on(p.provide_credentials()).unwrap();
        assert_eq!(t.requests(), 1, "cached");

        // 14 minutes before expiry: inside the advisory window.
        clock.0.set(Some(T0 + 3600 - 14 * 60));
        let second = block_on(p.provide_credentials()).unwrap();
        assert_eq!(second.expiry().unwrap().as_secs(), T0 + 2 * 3600);
        assert_eq!(t.requests(), 2);

        // Advisory window, endpoint down: the cached credentials still serve.
        clock.0.set(Some(T0 + 2 * 3600 - 14 * 60));
        let kept = block_on(p.provide_credentials()).unwrap();
        assert_eq!(kept.expiry().unwrap().as_secs(), T0 + 2 * 3600);
        assert_eq!(
            p.source().last_error(),
            Some(IotError::Transport(TransportError::Connect))
        );
        // Mandatory window, endpoint down: an error, the full one kept.
        clock.0.set(Some(T0 + 2 * 3600 - 5 * 60));
        let err = block_on(p.provide_credentials()).unwrap_err();
        println!("mandatory window, endpoint down: {err}; {:?}", p.source());
        assert_eq!(
            err,
            CredentialsError::ProviderFailed("the IoT credentials endpoint could not be reached")
        );
        assert_eq!(t.requests(), 4);
    }

    #[test]
    fn overlapping_calls_take_turns_on_the_buffer() {
        let t = Scripted::with([ok(&answer(T0 + 3600)), ok(&answer(T0 + 7200))]);
        let clock = TestClock::at(T0);
        let iot: IotCredentials<_, _, [u8; RESPONSE_BUFFER_LEN]> = IotCredentials::new(
            IotEndpoint::new(HOST, "r"),
            &t,
            &clock,
            [0; RESPONSE_BUFFER_LEN],
        );
        let (a, b) = block_on(join(iot.provide_credentials(), iot.provide_credentials()));
        assert_eq!(a.unwrap().expiry().unwrap().as_secs(), T0 + 3600);
        assert_eq!(b.unwrap().expiry().unwrap().as_secs(), T0 + 7200);
        assert_eq!(t.requests(), 2);
        assert_eq!(iot.last_error(), None);
    }

    #[test]
    fn futures_stay_small_and_debug_shows_no_secret() {
        let t = Scripted::with([ok(&answer(T0 + 3600))]);
        let clock = TestClock::at(T0);
        let mut buf = [0u8; RESPONSE_BUFFER_LEN];
        let iot: IotCredentials<_, _> =
            IotCredentials::new(IotEndpoint::new(HOST, "r"), &t, &clock, &mut buf[..]);
        let fetch = iot.fetch();
        let provide = iot.provide_credentials();
        println!(
            "future sizes: fetch {} bytes, provide_credentials {} bytes (Credentials {} bytes, \
             IotCredentials {} bytes)",
            core::mem::size_of_val(&fetch),
            core::mem::size_of_val(&provide),
            core::mem::size_of::<Credentials>(),
            core::mem::size_of_val(&iot),
        );
        // No Credentials (nor a response) is held across the transport's await.
        assert!(core::mem::size_of_val(&provide) < core::mem::size_of::<Credentials>());
        drop((fetch, provide));

        // What the provider adds to a transport whose future is empty.
        struct Instant;
        impl Transport for Instant {
            async fn send(
                &self,
                _: &HttpRequest<'_>,
                _: &mut [u8],
            ) -> Result<RawResponse, TransportError> {
                Err(TransportError::Connect)
            }
        }
        let bare: IotCredentials<_, _> =
            IotCredentials::new(IotEndpoint::new(HOST, "r"), Instant, &clock, &mut [][..]);
        let own = core::mem::size_of_val(&bare.provide_credentials());
        println!("provide_credentials future over an empty transport future: {own} bytes");
        // The Host value and target (about 680 bytes of capacity), the
        // headers and the request; debug builds add some.
        assert!(own <= 1280, "{own}");
        let c = block_on(iot.provide_credentials()).unwrap();
        let shown = format!("{iot:?} {c:?} {c}");
        println!("{shown}");
        assert!(!shown.contains("wJalr") && !shown.contains("IQoJ"));
    }
}
