//! A blocking HTTP/1.1 client over `std::net` and rustls: [`StdTransport`],
//! the std face of [`Transport`].
//!
//! It speaks `http` and `https` (rustls with the ring provider; the Mozilla
//! roots from `webpki-roots`, optionally the platform's, plus any CA bundle
//! given; verification is always on; a client certificate for mutual TLS),
//! applies the request's connect and read timeouts, keeps idle connections
//! per host for reuse, and goes through `HTTPS_PROXY` (a `CONNECT` tunnel) or
//! `HTTP_PROXY` unless `NO_PROXY` says otherwise. The HTTP/1.1 bytes are
//! [`stratus_core::http`]'s: the head from `write_head`, the response read by
//! `ResponseReader`.
//!
//! `send` does blocking I/O inside its `async fn`; drive it with a blocking
//! `block_on` ([`crate::blocking`]), not on an executor shared with other
//! tasks.
//!
//! ```
//! use stratus_transport_std::net::{NoProxy, Proxy, ProxySettings, StdTransport, TlsSettings};
//! # fn main() -> Result<(), stratus_transport_std::net::BuildError> {
//! let transport = StdTransport::builder()
//!     .tls(TlsSettings::new())
//!     .proxies(ProxySettings {
//!         https: Some(Proxy::parse("http://127.0.0.1:3128")?),
//!         http: None,
//!         no_proxy: NoProxy::parse("localhost,.internal"),
//!     })
//!     .max_idle_per_host(2)
//!     .build()?;
//! assert_eq!(transport.idle_connections(), 0);
//! # Ok(()) }
//! ```
//!
//! A whole call, with a client (see [`crate::blocking`]):
//!
//! ```no_run
//! use stratus_core::client::{Client, ClientConfig};
//! use stratus_core::credentials::{Credentials, StaticCredentials};
//! use stratus_transport_std::{blocking, net::StdTransport, SystemClock};
//! # fn run(entry: &'static stratus_core::client::ServiceEntry,
//! #        input: &dyn stratus_core::model::StructValue) -> Result<(), Box<dyn std::error::Error>> {
//! let transport = StdTransport::from_env()?;
//! let creds = StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).map_err(|e| e.to_string())?);
//! let client = Client::new(entry, ClientConfig::default().region("eu-west-1"), &transport, &creds, SystemClock);
//! let mut bufs = blocking::HeapBuffers::new(64 * 1024, 1024 * 1024);
//! let out = blocking::call(&client, "PutRecord", input, bufs.workspace()).map_err(|e| e.to_string())?;
//! println!("{}", out.status());
//! # Ok(()) }
//! ```

mod conn;
mod pool;
mod proxy;
mod tls;

use std::fmt;
use std::io::{self, Write};
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use rustls::ClientConfig;
use stratus_core::client::{HttpRequest, RawResponse, Transport, TransportError};
use stratus_core::format::{Sink, WriteError};
use stratus_core::http::{
    BodyEncoder, BodyError, BodySource, Finished, Limit, ReadError, ResponseReader, SourceError,
    Step, write_head, write_streaming_head,
};

use conn::Conn;
use pool::{Pool, Route};
pub use proxy::{NoProxy, Proxy, ProxySettings};
pub use tls::TlsSettings;

/// Why a transport (or its TLS or proxy settings) could not be built.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum BuildError {
    /// A certificate or key file could not be read.
    ReadFile {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        error: io::ErrorKind,
    },
    /// A PEM text could not be read.
    BadPem {
        /// Which (`"CA bundle"`, `"client certificate chain"`, `"client private key"`).
        what: &'static str,
    },
    /// A PEM text holds no `CERTIFICATE` block.
    NoCertificates {
        /// Which (`"CA bundle"`, `"client certificate chain"`).
        what: &'static str,
    },
    /// The client key PEM holds no private key.
    NoPrivateKey,
    /// No root certificate to trust (the Mozilla roots turned off and none
    /// given).
    NoRoots,
    /// rustls refused a certificate, the client key, or the configuration.
    Tls(String),
    /// The platform's root certificates could not be loaded.
    PlatformRoots(String),
    /// A proxy URL is not usable.
    ProxyUrl {
        /// Why.
        reason: &'static str,
    },
    /// A proxy variable of the environment is not usable (its value is not
    /// repeated: it may hold a password).
    ProxyVariable {
        /// The variable (lower-case form).
        name: &'static str,
        /// Why.
        reason: &'static str,
    },
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildError::ReadFile { path, error } => {
                write!(f, "cannot read {}: {error}", path.display())
            }
            BuildError::BadPem { what } => write!(f, "the {what} is not valid PEM"),
            BuildError::NoCertificates { what } => {
                write!(f, "the {what} holds no PEM certificate")
            }
            BuildError::NoPrivateKey => f.write_str("the client key file holds no PEM private key"),
            BuildError::NoRoots => f.write_str("no root certificate is trusted"),
            BuildError::Tls(e) => write!(f, "TLS configuration refused: {e}"),
            BuildError::PlatformRoots(e) => {
                write!(f, "cannot load the platform's root certificates: {e}")
            }
            BuildError::ProxyUrl { reason } => write!(f, "proxy URL: {reason}"),
            BuildError::ProxyVariable { name, reason } => write!(f, "{name}: {reason}"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Why a streamed exchange ([`StdTransport::send_streaming`]) failed.
#[derive(Debug)]
pub enum StreamError {
    /// The transport failed.
    Transport(TransportError),
    /// The request body's source failed or gave the wrong length.
    Body(BodyError),
    /// Writing the response body to the caller's writer failed.
    Sink(io::Error),
}

impl fmt::Display for StreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StreamError::Transport(e) => e.fmt(f),
            StreamError::Body(e) => write!(f, "request body: {e}"),
            StreamError::Sink(e) => write!(f, "writing the response body: {e}"),
        }
    }
}

impl std::error::Error for StreamError {}

impl From<TransportError> for StreamError {
    fn from(e: TransportError) -> Self {
        StreamError::Transport(e)
    }
}

/// A [`BodySource`] over any [`io::Read`] (a file, a pipe), with its length
/// if known (sent chunked otherwise).
///
/// ```
/// use stratus_core::http::BodySource;
/// use stratus_transport_std::net::ReadSource;
/// let mut s = ReadSource::new(&b"abc"[..], Some(3));
/// let mut buf = [0u8; 8];
/// assert_eq!(s.read(&mut buf), Ok(3));
/// ```
#[derive(Debug)]
pub struct ReadSource<R> {
    inner: R,
    length: Option<u64>,
    error: Option<io::ErrorKind>,
}

impl<R: io::Read> ReadSource<R> {
    /// A source reading `inner`, `length` bytes long if known.
    pub fn new(inner: R, length: Option<u64>) -> Self {
        ReadSource {
            inner,
            length,
            error: None,
        }
    }

    /// The I/O error that made the source fail, if it did.
    pub fn error(&self) -> Option<io::ErrorKind> {
        self.error
    }
}

impl<R: io::Read> BodySource for ReadSource<R> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, SourceError> {
        loop {
            match self.inner.read(buf) {
                Ok(n) => return Ok(n),
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    self.error = Some(e.kind());
                    return Err(SourceError);
                }
            }
        }
    }
    fn length(&self) -> Option<u64> {
        self.length
    }
}

/// Collects a request head.
#[derive(Default)]
pub(crate) struct VecSink(pub Vec<u8>);

impl Sink for VecSink {
    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        self.0.extend_from_slice(bytes);
        Ok(())
    }
}

/// A response reader's error as the pipeline sees it.
pub(crate) fn read_error(e: ReadError) -> TransportError {
    match e {
        ReadError::TooLarge(Limit::Buffer | Limit::Headers) => TransportError::ResponseTooLarge,
        ReadError::NoResponse | ReadError::Truncated => TransportError::ConnectionClosed,
        ReadError::Malformed(_)
        | ReadError::BadChunk
        | ReadError::BadContentLength
        | ReadError::Misuse => TransportError::Malformed,
    }
}

/// Builds a [`StdTransport`].
#[derive(Clone, Debug)]
pub struct StdTransportBuilder {
    tls: TlsSettings,
    proxies: ProxySettings,
    per_host: usize,
    total: usize,
    idle_timeout: Duration,
}

impl StdTransportBuilder {
    /// TLS roots and client certificate (default: [`TlsSettings::new`]).
    pub fn tls(mut self, tls: TlsSettings) -> Self {
        self.tls = tls;
        self
    }

    /// Proxies (default: none; [`StdTransport::from_env`] reads them).
    pub fn proxies(mut self, proxies: ProxySettings) -> Self {
        self.proxies = proxies;
        self
    }

    /// Idle connections kept per host (default 4; 0 turns reuse off).
    pub fn max_idle_per_host(mut self, n: usize) -> Self {
        self.per_host = n;
        self
    }

    /// Idle connections kept in all (default 16).
    pub fn max_idle(mut self, n: usize) -> Self {
        self.total = n;
        self
    }

    /// How long an idle connection is kept (default 50 s: AWS endpoints
    /// close idle connections after about a minute).
    pub fn idle_timeout(mut self, d: Duration) -> Self {
        self.idle_timeout = d;
        self
    }

    /// The transport. Settings other than the defaults are turned into a
    /// rustls configuration now, so their errors show here; the defaults
    /// (the Mozilla roots, no client certificate) are built at the first
    /// `https` connection and shared by every such transport in the process,
    /// so a transport that only speaks plain `http` never pays for the root
    /// store.
    pub fn build(self) -> Result<StdTransport, BuildError> {
        let tls = if self.tls.is_mozilla_only() {
            TlsConfig::SharedMozilla
        } else {
            TlsConfig::Built(self.tls.client_config()?)
        };
        Ok(StdTransport {
            tls,
            settings: self.tls,
            proxies: self.proxies,
            pool: Pool::new(self.per_host, self.total, self.idle_timeout),
        })
    }
}

/// A transport's rustls configuration.
enum TlsConfig {
    /// Built from non-default settings when the transport was built.
    Built(Arc<ClientConfig>),
    /// The default settings' configuration, [`MOZILLA_ONLY`].
    SharedMozilla,
}

/// The rustls configuration of the default settings, built at the first
/// `https` connection of any transport using them (`None`: rustls refused
/// it, which its ring provider's safe defaults do not do).
static MOZILLA_ONLY: OnceLock<Option<Arc<ClientConfig>>> = OnceLock::new();

impl TlsConfig {
    fn get(&self) -> Result<&Arc<ClientConfig>, TransportError> {
        match self {
            TlsConfig::Built(config) => Ok(config),
            TlsConfig::SharedMozilla => MOZILLA_ONLY
                .get_or_init(|| TlsSettings::new().client_config().ok())
                .as_ref()
                .ok_or(TransportError::Tls),
        }
    }
}

/// The std transport. See the [module docs](self).
pub struct StdTransport {
    tls: TlsConfig,
    settings: TlsSettings,
    proxies: ProxySettings,
    pool: Pool,
}

impl fmt::Debug for StdTransport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StdTransport")
            .field("tls", &self.settings)
            .field("proxies", &self.proxies)
            .field("idle_connections", &self.pool.len())
            .finish()
    }
}

/// What follows the head on the wire.
enum Body<'a> {
    Bytes(&'a [u8]),
    Source(&'a mut dyn BodySource),
}

/// Why one attempt on one connection failed.
enum Failure {
    Transport(TransportError),
    Body(BodyError),
    Sink(io::Error),
}

impl From<TransportError> for Failure {
    fn from(e: TransportError) -> Self {
        Failure::Transport(e)
    }
}

impl StdTransport {
    /// A transport trusting the Mozilla roots, with no proxy.
    pub fn new() -> Result<Self, BuildError> {
        Self::builder().build()
    }

    /// A builder with the defaults of [`new`](Self::new).
    pub fn builder() -> StdTransportBuilder {
        StdTransportBuilder {
            tls: TlsSettings::new(),
            proxies: ProxySettings::none(),
            per_host: 4,
            total: 16,
            idle_timeout: Duration::from_secs(50),
        }
    }

    /// A transport set from the environment, read now: proxies
    /// ([`ProxySettings::from_env`]) and `AWS_CA_BUNDLE` (a PEM file whose
    /// certificates are trusted besides the Mozilla roots).
    pub fn from_env() -> Result<Self, BuildError> {
        let mut tls = TlsSettings::new();
        if let Some(path) = std::env::var_os("AWS_CA_BUNDLE").filter(|p| !p.is_empty()) {
            tls = tls.with_ca_file(PathBuf::from(path))?;
        }
        Self::builder()
            .tls(tls)
            .proxies(ProxySettings::from_env()?)
            .build()
    }

    /// The proxies in use.
    pub fn proxies(&self) -> &ProxySettings {
        &self.proxies
    }

    /// The TLS settings in use.
    pub fn tls_settings(&self) -> &TlsSettings {
        &self.settings
    }

    /// Idle connections held for reuse now.
    pub fn idle_connections(&self) -> usize {
        self.pool.len()
    }

    /// Closes every idle connection.
    pub fn clear_idle(&self) {
        self.pool.clear();
    }

    /// Sends `request` and reads the whole response into `buf`, blocking
    /// (what [`Transport::send`] does).
    pub fn send_blocking(
        &self,
        request: &HttpRequest<'_>,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        let mut sink = io::sink();
        self.exchange(request, Body::Bytes(request.body), buf, false, &mut sink)
            .map_err(|e| match e {
                Failure::Transport(t) => t,
                Failure::Body(_) | Failure::Sink(_) => TransportError::Unsupported,
            })
    }

    /// Sends `request` with its body pulled from `body` (or `request.body`
    /// when `None`), and writes the response body to `sink` as it comes;
    /// `buf` need only hold the response head. The returned response has
    /// the status and the headers (ranges into `buf`) and an empty body.
    ///
    /// A body from a source is not sent twice: a reused connection that
    /// turns out closed is an error here, not retried (idle connections are
    /// checked before reuse).
    pub fn send_streaming(
        &self,
        request: &HttpRequest<'_>,
        body: Option<&mut dyn BodySource>,
        buf: &mut [u8],
        sink: &mut dyn Write,
    ) -> Result<RawResponse, StreamError> {
        let body = match body {
            Some(source) => Body::Source(source),
            None => Body::Bytes(request.body),
        };
        self.exchange(request, body, buf, true, sink)
            .map_err(|e| match e {
                Failure::Transport(t) => StreamError::Transport(t),
                Failure::Body(b) => StreamError::Body(b),
                Failure::Sink(s) => StreamError::Sink(s),
            })
    }

    /// Sends `request` with its body pulled from `body` (`Content-Length`
    /// when `body.length()` is known, chunked otherwise; `request.body` is
    /// not looked at) and reads the whole response into `buf`. As with
    /// [`send_streaming`](Self::send_streaming), the body is never sent twice.
    pub fn send_source(
        &self,
        request: &HttpRequest<'_>,
        body: &mut dyn BodySource,
        buf: &mut [u8],
    ) -> Result<RawResponse, StreamError> {
        let mut sink = io::sink();
        self.exchange(request, Body::Source(body), buf, false, &mut sink)
            .map_err(|e| match e {
                Failure::Transport(t) => StreamError::Transport(t),
                Failure::Body(b) => StreamError::Body(b),
                Failure::Sink(s) => StreamError::Sink(s),
            })
    }

    fn route(&self, request: &HttpRequest<'_>) -> Result<(Route, Option<&Proxy>), TransportError> {
        let scheme = match request.scheme {
            s if s.eq_ignore_ascii_case("https") => "https",
            s if s.eq_ignore_ascii_case("http") => "http",
            _ => return Err(TransportError::Unsupported),
        };
        let port = request
            .port
            .unwrap_or(if scheme == "https" { 443 } else { 80 });
        let host = request.host.to_ascii_lowercase();
        let proxy = self.proxies.for_target(scheme, &host, port);
        Ok((
            Route {
                scheme,
                host,
                port,
                via: proxy.map(|p| (p.host().to_ascii_lowercase(), p.port())),
            },
            proxy,
        ))
    }

    /// A new connection along `route`.
    fn open(
        &self,
        route: &Route,
        proxy: Option<&Proxy>,
        request: &HttpRequest<'_>,
    ) -> Result<Conn, TransportError> {
        let t = request.timeouts;
        let conn = match (route.scheme, proxy) {
            ("https", Some(proxy)) => {
                let mut tcp = conn::connect_tcp(proxy.host(), proxy.port(), t)?;
                conn::tunnel(&mut tcp, proxy, &route.host, route.port, t)?;
                conn::tls(tcp, self.tls.get()?, &route.host, t)?
            }
            ("https", None) => {
                let tcp = conn::connect_tcp(&route.host, route.port, t)?;
                conn::tls(tcp, self.tls.get()?, &route.host, t)?
            }
            (_, Some(proxy)) => Conn::Plain(conn::connect_tcp(proxy.host(), proxy.port(), t)?),
            (_, None) => Conn::Plain(conn::connect_tcp(&route.host, route.port, t)?),
        };
        conn.set_timeouts(t)?;
        Ok(conn)
    }

    fn exchange(
        &self,
        request: &HttpRequest<'_>,
        mut body: Body<'_>,
        buf: &mut [u8],
        stream: bool,
        sink: &mut dyn Write,
    ) -> Result<RawResponse, Failure> {
        let (route, proxy) = self.route(request)?;
        // Plain http through a proxy: the absolute form, and the proxy's
        // credentials.
        let forward = route.scheme == "http" && proxy.is_some();
        let absolute;
        let mut headers: Vec<(&str, &str)>;
        let mut sent = *request;
        if let (true, Some(p)) = (forward, proxy) {
            let port = match request.port {
                Some(port) if port != 80 => format!(":{port}"),
                _ => String::new(),
            };
            let host = if conn::bare_host(request.host).contains(':') {
                format!("[{}]", conn::bare_host(request.host))
            } else {
                request.host.to_string()
            };
            absolute = format!("http://{host}{port}{}", request.target);
            sent.target = &absolute;
            headers = request.headers.iter().collect();
            if let Some(auth) = p.authorization() {
                headers.push(("Proxy-Authorization", auth));
            }
            sent.headers = headers.as_slice().into();
        }
        let mut head = VecSink::default();
        let written = match &body {
            Body::Bytes(bytes) => {
                sent.body = bytes;
                write_head(&sent, &mut head)
            }
            Body::Source(source) => {
                write_streaming_head(&sent, BodyEncoder::framing_of(&**source), &mut head)
            }
        };
        written.map_err(|_| TransportError::Unsupported)?;
        let replayable = matches!(body, Body::Bytes(_));

        let (mut conn, mut reused) = match self.pool.take(&route) {
            Some(c) => (c, true),
            None => (self.open(&route, proxy, request)?, false),
        };
        loop {
            if reused {
                conn.set_timeouts(request.timeouts)?;
            }
            let mut reader = if stream {
                ResponseReader::streaming(request.method)
            } else {
                ResponseReader::new(request.method)
            };
            match attempt(&mut conn, &head.0, &mut body, &mut reader, buf, sink) {
                Ok(done) => {
                    if done.reusable {
                        self.pool.put(route, conn);
                    }
                    return Ok(reader.into_response());
                }
                // The server closed an idle connection before answering:
                // once, on a new connection.
                Err(Failure::Transport(TransportError::ConnectionClosed))
                    if reused && replayable && !reader.received_any() =>
                {
                    conn = self.open(&route, proxy, request)?;
                    reused = false;
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Writes the request and reads the response on one connection.
fn attempt(
    conn: &mut Conn,
    head: &[u8],
    body: &mut Body<'_>,
    reader: &mut ResponseReader,
    buf: &mut [u8],
    sink: &mut dyn Write,
) -> Result<Finished, Failure> {
    match body {
        Body::Bytes(bytes) if bytes.len() <= 16 * 1024 => {
            // One write: no delayed-ACK stall between head and body.
            let mut whole = Vec::with_capacity(head.len() + bytes.len());
            whole.extend_from_slice(head);
            whole.extend_from_slice(bytes);
            conn.write_all(&whole).map_err(|e| conn::write_error(&e))?;
        }
        Body::Bytes(bytes) => {
            conn.write_all(head).map_err(|e| conn::write_error(&e))?;
            conn.write_all(bytes).map_err(|e| conn::write_error(&e))?;
        }
        Body::Source(source) => {
            conn.write_all(head).map_err(|e| conn::write_error(&e))?;
            let mut encoder = BodyEncoder::new(BodyEncoder::framing_of(&**source));
            let mut piece = vec![0u8; 16 * 1024];
            while let Some(bytes) = encoder
                .next(&mut **source, &mut piece)
                .map_err(Failure::Body)?
            {
                conn.write_all(bytes).map_err(|e| conn::write_error(&e))?;
            }
        }
    }
    conn.flush().map_err(|e| conn::write_error(&e))?;
    loop {
        match reader.next(buf).map_err(read_error)? {
            Step::Read(r) => {
                let n = conn::read_some(conn, &mut buf[r.start..r.end])?;
                reader.filled(n);
            }
            Step::Head => {}
            Step::Data(r) => sink
                .write_all(&buf[r.start..r.end])
                .map_err(Failure::Sink)?,
            Step::Done(done) => return Ok(done),
        }
    }
}

impl Transport for StdTransport {
    async fn send(
        &self,
        request: &HttpRequest<'_>,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        self.send_blocking(request, buf)
    }

    async fn send_body(
        &self,
        request: &HttpRequest<'_>,
        body: &mut dyn BodySource,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        self.send_source(request, body, buf).map_err(|e| match e {
            StreamError::Transport(t) => t,
            StreamError::Body(_) | StreamError::Sink(_) => TransportError::Body,
        })
    }
}
