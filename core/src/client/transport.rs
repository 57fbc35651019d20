//! The seams between the pipeline and the outside world: [`Transport`] sends a
//! request and writes the response into a caller's buffer; [`Timer`] sleeps
//! between retries and measures time for the adaptive rate limiter.
//!
//! A transport is small on purpose (as embassy's drivers): `transport-std`
//! implements it over `std::net` and rustls, `transport-embassy` over
//! embassy-net, and tests over scripts. The response is returned as offsets
//! into the buffer ([`RawResponse`]), so a retried attempt can reuse it.
//!
//! ```
//! use stratus_core::client::{HeaderList, HttpRequest, RawResponse, ResponseWriter, Transport, TransportError};
//! struct Always200;
//! impl Transport for Always200 {
//!     async fn send(&self, _req: &HttpRequest<'_>, buf: &mut [u8]) -> Result<RawResponse, TransportError> {
//!         let mut w = ResponseWriter::new(buf, 200);
//!         w.header("Content-Type", "application/json").map_err(|_| TransportError::ResponseTooLarge)?;
//!         w.body(b"{}").map_err(|_| TransportError::ResponseTooLarge)
//!     }
//! }
//! let mut buf = [0u8; 128];
//! let req = HttpRequest { method: "GET", scheme: "https", host: "example.com", port: None,
//!     target: "/", headers: HeaderList::EMPTY, body: b"", timeouts: Default::default() };
//! let raw = embassy_futures::block_on(Always200.send(&req, &mut buf)).unwrap();
//! let view = raw.view(&buf);
//! assert_eq!(view.status, 200);
//! assert_eq!(view.header("content-type"), Some("application/json"));
//! ```

use core::fmt;

use super::HeaderList;

use crate::protocol::parse::Response;
pub use crate::retry::TransportFailure;

/// Most headers a response may have: [`ResponseReader`](crate::http::ResponseReader)
/// checks a head with httparse in a list of this many, on the stack.
pub const MAX_RESPONSE_HEADERS: usize = 32;

/// Connect and read timeouts (botocore's `connect_timeout`, `read_timeout`:
/// 60 s each by default).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Timeouts {
    /// Milliseconds to establish a connection.
    pub connect_ms: u32,
    /// Milliseconds to wait for data.
    pub read_ms: u32,
}

impl Default for Timeouts {
    fn default() -> Self {
        Timeouts {
            connect_ms: 60_000,
            read_ms: 60_000,
        }
    }
}

/// A request ready to send.
#[derive(Clone, Copy)]
pub struct HttpRequest<'a> {
    /// `GET`, `POST`, …
    pub method: &'a str,
    /// `https` or `http`.
    pub scheme: &'a str,
    /// The host name.
    pub host: &'a str,
    /// The port, when not the scheme's default.
    pub port: Option<u16>,
    /// Path and query.
    pub target: &'a str,
    /// Headers in send order (`Host` included).
    pub headers: HeaderList<'a>,
    /// The body.
    pub body: &'a [u8],
    /// Timeouts the transport applies.
    pub timeouts: Timeouts,
}

impl fmt::Debug for HttpRequest<'_> {
    // Header values may be secret: names only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("HttpRequest")
            .field("method", &self.method)
            .field("scheme", &self.scheme)
            .field("host", &self.host)
            .field("port", &self.port)
            .field("target_bytes", &self.target.len())
            .field("headers", &self.headers.len())
            .field("body_bytes", &self.body.len())
            .finish()
    }
}

/// Why a transport could not deliver a response.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum TransportError {
    /// The connection could not be made (refused, unreachable, DNS).
    Connect,
    /// Connecting took longer than the connect timeout.
    ConnectTimeout,
    /// No data within the read timeout.
    ReadTimeout,
    /// The peer closed or reset the connection mid-exchange.
    ConnectionClosed,
    /// The TLS handshake or record layer failed (certificate checks included).
    Tls,
    /// The response does not fit the response buffer.
    ResponseTooLarge,
    /// The response is not well-formed HTTP.
    Malformed,
    /// The transport cannot send this request (unsupported scheme, too many
    /// headers, …).
    Unsupported,
    /// The request body's source failed, or gave another length than it
    /// declared.
    Body,
    /// A certificate check failed: the server's certificate is not trusted,
    /// or the server refused ours.
    Certificate(CertificateError),
    /// The proxy refused to open a tunnel (`CONNECT`) with this status
    /// (407: the proxy wants credentials).
    Proxy {
        /// The proxy's HTTP status.
        status: u16,
    },
}

/// Which certificate check failed ([`TransportError::Certificate`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CertificateError {
    /// The server's certificate chains to no trusted root (a private CA not
    /// given to the transport, a self-signed certificate).
    UnknownIssuer,
    /// The server's certificate is not for the host name connected to.
    NameMismatch,
    /// The server's certificate has expired (or is not valid yet).
    Expired,
    /// The server refused the client certificate, or wanted one and got
    /// none (mutual TLS).
    Refused,
    /// Another certificate problem (bad encoding, revoked, wrong usage, …).
    Other,
}

impl fmt::Display for CertificateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            CertificateError::UnknownIssuer => {
                "the server's certificate is not signed by a trusted authority"
            }
            CertificateError::NameMismatch => {
                "the server's certificate is not valid for the host name"
            }
            CertificateError::Expired => "the server's certificate has expired or is not yet valid",
            CertificateError::Refused => {
                "the server refused the client certificate (or its absence)"
            }
            CertificateError::Other => "the server's certificate is invalid",
        })
    }
}

impl TransportError {
    /// How the retry rules see this failure.
    pub fn failure(self) -> TransportFailure {
        match self {
            TransportError::Connect => TransportFailure::Connect,
            TransportError::ConnectTimeout => TransportFailure::ConnectTimeout,
            TransportError::ReadTimeout => TransportFailure::ReadTimeout,
            TransportError::ConnectionClosed => TransportFailure::ConnectionClosed,
            TransportError::Proxy { .. } => TransportFailure::Connect,
            TransportError::Tls
            | TransportError::Body
            | TransportError::ResponseTooLarge
            | TransportError::Malformed
            | TransportError::Unsupported
            | TransportError::Certificate(_) => TransportFailure::Other,
        }
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            TransportError::Connect => "could not connect to the endpoint",
            TransportError::ConnectTimeout => "connecting to the endpoint timed out",
            TransportError::ReadTimeout => "reading the response timed out",
            TransportError::ConnectionClosed => "the connection was closed mid-request",
            TransportError::Tls => "TLS failed",
            TransportError::ResponseTooLarge => "the response does not fit the response buffer",
            TransportError::Malformed => "the response is not well-formed HTTP",
            TransportError::Unsupported => "the transport cannot send this request",
            TransportError::Body => "the request body's source failed or gave the wrong length",
            TransportError::Certificate(e) => {
                return write!(f, "TLS certificate check failed: {e}");
            }
            TransportError::Proxy { status } => {
                return write!(f, "the proxy refused the tunnel with status {status}");
            }
        };
        f.write_str(text)
    }
}

/// Sends requests. See the [module docs](self).
// `async fn` in a public trait: callers cannot require `Send` futures, which
// single-threaded executors (embassy) do not need.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Sends `request` and writes the response into `buf`.
    async fn send(
        &self,
        request: &HttpRequest<'_>,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError>;

    /// Sends `request` with its body pulled from `body` (its length is
    /// `body.length()`, sent as `Content-Length`; `request.body` is not
    /// looked at) and writes the response into `buf`. A body pulled once
    /// cannot be pulled again: transports must not re-send it on their own.
    ///
    /// The default refuses ([`TransportError::Unsupported`]) for transports
    /// that only send bodies held in memory.
    async fn send_body(
        &self,
        request: &HttpRequest<'_>,
        body: &mut dyn crate::http::BodySource,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        let _ = (request, body, buf);
        Err(TransportError::Unsupported)
    }
}

impl<T: Transport + ?Sized> Transport for &T {
    async fn send(
        &self,
        request: &HttpRequest<'_>,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        (**self).send(request, buf).await
    }

    async fn send_body(
        &self,
        request: &HttpRequest<'_>,
        body: &mut dyn crate::http::BodySource,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        (**self).send_body(request, body, buf).await
    }
}

/// Sleeps and tells monotonic time (embassy-time on devices, std on hosts, a
/// virtual clock in tests).
#[allow(async_fn_in_trait)]
pub trait Timer {
    /// Milliseconds on a monotonic clock.
    fn now_ms(&self) -> u64;
    /// Waits `ms` milliseconds.
    async fn sleep_ms(&self, ms: u64);
}

impl<T: Timer + ?Sized> Timer for &T {
    fn now_ms(&self) -> u64 {
        (**self).now_ms()
    }
    async fn sleep_ms(&self, ms: u64) {
        (**self).sleep_ms(ms).await
    }
}

/// A byte range of the response buffer.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Range {
    /// First byte.
    pub start: usize,
    /// One past the last.
    pub end: usize,
}

impl Range {
    fn of(self, buf: &[u8]) -> &[u8] {
        buf.get(self.start..self.end).unwrap_or(&[])
    }
}

/// A response as offsets into the buffer it was written to: its header
/// lines (`name: value`, as they came) and its body. A few words, whatever
/// the number of headers: the headers stay in the buffer and are read in
/// place ([`HeaderList::from_http_lines`]).
#[derive(Clone, Copy, Debug, Default)]
pub struct RawResponse {
    /// HTTP status.
    pub status: u16,
    /// The header lines: after the status line, before the blank line.
    pub head: Range,
    /// The body's range.
    pub body: Range,
}

impl RawResponse {
    /// The response read from `buf`, the buffer it was written to.
    pub fn view<'a>(&self, buf: &'a [u8]) -> ResponseView<'a> {
        ResponseView {
            status: self.status,
            headers: self.headers(buf),
            body: self.body.of(buf),
        }
    }

    /// The headers, read from `buf`, the buffer the response was written to.
    pub fn headers<'a>(&self, buf: &'a [u8]) -> HeaderList<'a> {
        HeaderList::from_http_lines(self.head.of(buf))
    }
}

/// A response borrowed from its buffer.
#[derive(Clone, Copy, Debug)]
pub struct ResponseView<'a> {
    /// HTTP status.
    pub status: u16,
    /// Headers in the order received (read in place; `Debug` shows names
    /// only).
    pub headers: HeaderList<'a>,
    /// The body.
    pub body: &'a [u8],
}

impl<'a> ResponseView<'a> {
    /// The first header called `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.headers.get(name)
    }

    /// The response as the protocol parsers take it.
    pub fn as_response(&self) -> Response<'a> {
        Response {
            status: self.status,
            headers: self.headers,
            body: self.body,
        }
    }
}

/// The response buffer is full, or a header cannot be written as an HTTP
/// header line (a name that is empty or holds `:`, CR or LF; a value that
/// holds CR or LF).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ResponseFull;

/// Writes a response into a buffer as a [`RawResponse`]: for transports that
/// decode a response themselves, canned replies and tests.
///
/// ```
/// use stratus_core::client::ResponseWriter;
/// let mut buf = [0u8; 64];
/// let mut w = ResponseWriter::new(&mut buf, 404);
/// w.header("x-amzn-ErrorType", "NotFound").unwrap();
/// assert!(w.header("X-Bad", "one\r\nInjected: two").is_err());
/// assert!(w.header("X:Bad", "1").is_err());
/// let raw = w.body(b"{}").unwrap();
/// let view = raw.view(&buf);
/// assert_eq!(view.headers.len(), 1);
/// assert_eq!(view.header("x-amzn-errortype"), Some("NotFound"));
/// assert_eq!(view.body, b"{}");
/// ```
pub struct ResponseWriter<'b> {
    buf: &'b mut [u8],
    at: usize,
    raw: RawResponse,
}

impl<'b> ResponseWriter<'b> {
    /// Starts a response with `status`.
    pub fn new(buf: &'b mut [u8], status: u16) -> Self {
        ResponseWriter {
            buf,
            at: 0,
            raw: RawResponse {
                status,
                ..RawResponse::default()
            },
        }
    }

    fn put(&mut self, bytes: &[u8]) -> Result<Range, ResponseFull> {
        let end = self.at + bytes.len();
        self.buf
            .get_mut(self.at..end)
            .ok_or(ResponseFull)?
            .copy_from_slice(bytes);
        let r = Range {
            start: self.at,
            end,
        };
        self.at = end;
        Ok(r)
    }

    /// Adds a header, as the line `name: value` (whitespace around the
    /// value is not kept, as in HTTP).
    pub fn header(&mut self, name: &str, value: &str) -> Result<(), ResponseFull> {
        let breaks = |b: &u8| matches!(b, b'\r' | b'\n');
        if name.is_empty()
            || name.bytes().any(|b| b == b':' || breaks(&b))
            || value.bytes().any(|b| breaks(&b))
        {
            return Err(ResponseFull);
        }
        if self.raw.head.end > self.raw.head.start {
            self.put(b"\r\n")?;
        } else {
            self.raw.head.start = self.at;
        }
        self.put(name.as_bytes())?;
        self.put(b": ")?;
        self.put(value.as_bytes())?;
        self.raw.head.end = self.at;
        Ok(())
    }

    /// Writes the body and finishes.
    pub fn body(mut self, body: &[u8]) -> Result<RawResponse, ResponseFull> {
        self.raw.body = self.put(body)?;
        Ok(self.raw)
    }

    /// Finishes with a body of `len` bytes written by `f` into the space after
    /// the headers (for bodies built in place).
    pub fn body_with(
        mut self,
        f: impl FnOnce(&mut [u8]) -> Option<usize>,
    ) -> Result<RawResponse, ResponseFull> {
        let free = self.buf.get_mut(self.at..).ok_or(ResponseFull)?;
        let len = f(free).ok_or(ResponseFull)?;
        self.raw.body = Range {
            start: self.at,
            end: self.at + len,
        };
        Ok(self.raw)
    }
}
