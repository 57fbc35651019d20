//! [`EmbassyTransport`]: HTTP/1.1 over an embassy-net TCP socket, with TLS
//! 1.3 through embedded-tls. See the [crate docs](crate) for an example.

use core::cell::Cell;
use core::future::Future;

use embassy_net::dns::DnsQueryType;
use embassy_net::tcp::{ConnectError, State, TcpSocket};
use embassy_net::{IpAddress, Stack};
use embassy_sync::blocking_mutex::raw::NoopRawMutex;
use embassy_sync::mutex::Mutex;
use embassy_time::{Duration, Instant, TimeoutError, with_deadline, with_timeout};
use embedded_io_async::Write as _;
use embedded_tls::{TlsConfig, TlsConnection, TlsContext, TlsError};
use rand_core::{CryptoRng, RngCore};
use stratus_core::client::{
    CertificateError, HttpRequest, RawResponse, Timeouts, Transport, TransportError,
};
use stratus_core::format::SliceSink;
use stratus_core::http::{
    BodyEncoder, BodyFraming, BodySource, Finished, HeadError, Limit, ReadError, ResponseReader,
    Step, write_head, write_streaming_head,
};

use crate::fmt::{debug, warning};
use crate::tls::{Provider, ServerVerifier, Suite, TlsSettings, tls_error};

/// Longest host name the transport connects to (DNS allows 253).
pub const MAX_HOST: usize = 253;

/// How long closing a socket may wait for its last segment to leave.
const CLOSE_MS: u64 = 1_000;

/// The memory a transport works in, sized at compile time: `RX` and `TX`
/// bytes for the TCP socket's receive and send windows, `TLS_RX` and
/// `TLS_TX` for embedded-tls's record buffers.
///
/// `TLS_RX` must hold the largest record the server sends: 16 640 bytes
/// (16 KiB of data plus overhead) unless the server is known to send less.
/// `TLS_TX` must hold one record the transport writes (at least 256 bytes;
/// larger writes are split) and, being the larger of the two if so, the
/// handshake. A plain-HTTP-only transport can take `TLS_RX = TLS_TX = 0`.
///
/// Put it in a `static` (e.g. through `static_cell`) or in a task's state:
/// it is large.
#[derive(Debug)]
pub struct Resources<const RX: usize, const TX: usize, const TLS_RX: usize, const TLS_TX: usize> {
    pub(crate) socket_rx: [u8; RX],
    pub(crate) socket_tx: [u8; TX],
    pub(crate) tls_rx: [u8; TLS_RX],
    pub(crate) tls_tx: [u8; TLS_TX],
}

impl<const RX: usize, const TX: usize, const TLS_RX: usize, const TLS_TX: usize> Default
    for Resources<RX, TX, TLS_RX, TLS_TX>
{
    fn default() -> Self {
        Self::new()
    }
}

impl<const RX: usize, const TX: usize, const TLS_RX: usize, const TLS_TX: usize>
    Resources<RX, TX, TLS_RX, TLS_TX>
{
    /// Zeroed buffers.
    pub const fn new() -> Self {
        Resources {
            socket_rx: [0; RX],
            socket_tx: [0; TX],
            tls_rx: [0; TLS_RX],
            tls_tx: [0; TLS_TX],
        }
    }
}

/// Where the open plain-HTTP connection goes.
#[derive(Clone, PartialEq, Eq, Debug)]
pub(crate) struct Route {
    pub(crate) host: heapless::String<MAX_HOST>,
    pub(crate) port: u16,
}

impl Route {
    /// Where `request` goes, and whether it is `https`. A scheme other than
    /// `https` and `http`, or `http` in a build without the `plain-http`
    /// feature, is [`TransportError::Unsupported`].
    pub(crate) fn of(request: &HttpRequest<'_>) -> Result<(Route, bool), TransportError> {
        let secure = if request.scheme.eq_ignore_ascii_case("https") {
            true
        } else if request.scheme.eq_ignore_ascii_case("http") && cfg!(feature = "plain-http") {
            false
        } else {
            return Err(TransportError::Unsupported);
        };
        let host = bare_host(request.host);
        let route = Route {
            host: heapless::String::try_from(host).map_err(|_| TransportError::Unsupported)?,
            port: request.port.unwrap_or(if secure { 443 } else { 80 }),
        };
        Ok((route, secure))
    }
}

struct Inner<'a, R> {
    socket: TcpSocket<'a>,
    tls_rx: &'a mut [u8],
    tls_tx: &'a mut [u8],
    rng: R,
    /// The plain-HTTP connection kept open for the next request.
    idle: Option<Route>,
}

/// Counts of what the transport did, for tests and diagnostics.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Stats {
    /// TCP connections opened.
    pub connections: u32,
    /// TLS handshakes completed.
    pub handshakes: u32,
    /// Requests sent on a connection kept from an earlier request.
    pub reused: u32,
}

/// An HTTP/1.1 transport over embassy-net, with TLS 1.3 through
/// embedded-tls. One request at a time (concurrent calls wait their turn).
///
/// * Host names are looked up with the stack's DNS (`Stack::dns_query`, A
///   records); IPv4 literals are used as they are (IPv6 with the `ipv6`
///   feature).
/// * `http` connections are kept open for the next request to the same host
///   and port when the response allows it (HTTP/1.1 keep-alive, a known body
///   end); a kept connection the server closed meanwhile is replaced once,
///   transparently, for bodies held in memory. Without the `plain-http`
///   feature an `http` request is [`TransportError::Unsupported`].
/// * `https` needs [`TlsSettings`] ([`with_tls`](Self::with_tls)); without
///   them an `https` request is [`TransportError::Unsupported`]. The server is
///   always verified ([`crate::tls`]). Each `https` request runs on its own
///   TLS session: embedded-tls's connection keeps its record buffers for its
///   whole life and never hands them back, so a session cannot outlive the
///   call that lent them. To keep one open across calls to one host, use a
///   [`TlsSession`](crate::TlsSession) instead.
/// * `HttpRequest::timeouts`: `connect_ms` bounds the DNS look-up and the TCP
///   connect ([`TransportError::ConnectTimeout`]); `read_ms` bounds the TLS
///   handshake and each read or write ([`TransportError::ReadTimeout`]);
///   `0` is no limit.
/// * The request head is written into the response buffer before it is
///   sent (the buffer is free until the response comes), so no other buffer
///   is needed; a head that does not fit is [`TransportError::Unsupported`].
pub struct EmbassyTransport<'a, R> {
    stack: Stack<'a>,
    tls: Option<TlsSettings<'a>>,
    inner: Mutex<NoopRawMutex, Inner<'a, R>>,
    stats: Cell<Stats>,
}

impl<R> core::fmt::Debug for EmbassyTransport<'_, R> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("EmbassyTransport")
            .field("tls", &self.tls)
            .field("stats", &self.stats.get())
            .finish()
    }
}

/// What follows the head on the wire.
pub(crate) enum Body<'b> {
    Bytes(&'b [u8]),
    /// A streamed body, behind a trait object: only a build that calls
    /// `send_body` makes its vtable, so only such a build links the
    /// streaming head and the body encoder (about 1 KB on a Cortex-M).
    Source(&'b mut dyn Streamed),
}

/// A streamed body's part of an exchange: its head and its pieces.
pub(crate) trait Streamed {
    /// Writes the head, with the framing the source's length calls for.
    fn write_head(
        &self,
        request: &HttpRequest<'_>,
        sink: &mut SliceSink<'_>,
    ) -> Result<(), HeadError>;
    /// The next piece of the framed body, built in `buf`; `None` at its end.
    fn next_piece<'b>(&mut self, buf: &'b mut [u8]) -> Result<Option<&'b [u8]>, TransportError>;
}

/// A [`BodySource`] and the encoder that frames it.
pub(crate) struct SourceBody<'s> {
    source: &'s mut dyn BodySource,
    framing: BodyFraming,
    encoder: BodyEncoder,
}

impl<'s> SourceBody<'s> {
    pub(crate) fn new(source: &'s mut dyn BodySource) -> Self {
        let framing = BodyEncoder::framing_of(&*source);
        SourceBody {
            source,
            framing,
            encoder: BodyEncoder::new(framing),
        }
    }
}

impl Streamed for SourceBody<'_> {
    fn write_head(
        &self,
        request: &HttpRequest<'_>,
        sink: &mut SliceSink<'_>,
    ) -> Result<(), HeadError> {
        write_streaming_head(request, self.framing, sink)
    }

    fn next_piece<'b>(&mut self, buf: &'b mut [u8]) -> Result<Option<&'b [u8]>, TransportError> {
        self.encoder
            .next(&mut *self.source, buf)
            .map_err(|_| TransportError::Body)
    }
}

impl<'a, R: RngCore + CryptoRng> EmbassyTransport<'a, R> {
    /// A plain-HTTP transport on `stack`, working in `resources`; `rng`
    /// (a hardware RNG on a device) seeds TLS key exchanges once TLS is set.
    pub fn new<const RX: usize, const TX: usize, const TLS_RX: usize, const TLS_TX: usize>(
        stack: Stack<'a>,
        resources: &'a mut Resources<RX, TX, TLS_RX, TLS_TX>,
        rng: R,
    ) -> Self {
        let Resources {
            socket_rx,
            socket_tx,
            tls_rx,
            tls_tx,
        } = resources;
        let mut socket = TcpSocket::new(stack, socket_rx, socket_tx);
        socket.set_nagle_enabled(false);
        EmbassyTransport {
            stack,
            tls: None,
            inner: Mutex::new(Inner {
                socket,
                tls_rx,
                tls_tx,
                rng,
                idle: None,
            }),
            stats: Cell::new(Stats::default()),
        }
    }

    /// Speaks `https` too, verifying servers as `settings` says.
    pub fn with_tls(mut self, settings: TlsSettings<'a>) -> Self {
        self.tls = Some(settings);
        self
    }

    /// What the transport did so far.
    pub fn stats(&self) -> Stats {
        self.stats.get()
    }

    /// Whether a plain-HTTP connection is held open for reuse.
    pub fn has_idle_connection(&self) -> bool {
        self.inner.try_lock().is_ok_and(|i| i.idle.is_some())
    }

    /// Closes the connection held for reuse, if any.
    pub async fn close_idle(&self) {
        let mut inner = self.inner.lock().await;
        inner.idle = None;
        close(&mut inner.socket).await;
    }

    fn count(&self, f: impl FnOnce(&mut Stats)) {
        let mut s = self.stats.get();
        f(&mut s);
        self.stats.set(s);
    }

    async fn exchange(
        &self,
        request: &HttpRequest<'_>,
        mut body: Body<'_>,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        let (route, secure) = Route::of(request)?;
        let mut guard = self.inner.lock().await;
        let inner = &mut *guard;
        if secure {
            let settings = self.tls.as_ref().ok_or(TransportError::Unsupported)?;
            self.secure(inner, settings, request, &route, &mut body, buf)
                .await
        } else {
            // Without the feature `Route::of` refused `http` already.
            #[cfg(feature = "plain-http")]
            return self.plain(inner, request, route, &mut body, buf).await;
            #[cfg(not(feature = "plain-http"))]
            return Err(TransportError::Unsupported);
        }
    }

    #[cfg(feature = "plain-http")]
    async fn plain(
        &self,
        inner: &mut Inner<'a, R>,
        request: &HttpRequest<'_>,
        route: Route,
        body: &mut Body<'_>,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        let replayable = matches!(body, Body::Bytes(_));
        let mut reused = inner.idle.take().is_some_and(|r| r == route)
            && inner.socket.state() == State::Established
            && !inner.socket.can_recv();
        if reused {
            self.count(|s| s.reused += 1);
            debug!(
                "reusing the connection to {}:{}",
                route.host.as_str(),
                route.port
            );
        } else {
            self.connect(&mut inner.socket, &route, request.timeouts)
                .await?;
        }
        loop {
            let head = head_into(request, body, buf)?;
            match attempt(&mut inner.socket, head, body, buf, request).await {
                Ok((response, done)) => {
                    if done.reusable {
                        inner.idle = Some(route);
                    } else {
                        close(&mut inner.socket).await;
                    }
                    return Ok(response);
                }
                // The server closed a kept connection before answering:
                // once, on a new one.
                Err((TransportError::ConnectionClosed, false)) if reused && replayable => {
                    debug!("kept connection closed by the server; reconnecting");
                    self.connect(&mut inner.socket, &route, request.timeouts)
                        .await?;
                    reused = false;
                }
                Err((e, _)) => {
                    abort(&mut inner.socket).await;
                    return Err(e);
                }
            }
        }
    }

    async fn secure(
        &self,
        inner: &mut Inner<'a, R>,
        settings: &TlsSettings<'a>,
        request: &HttpRequest<'_>,
        route: &Route,
        body: &mut Body<'_>,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        inner.idle = None;
        let t = request.timeouts;
        self.connect(&mut inner.socket, route, t).await?;
        let result = {
            // Made in place: a `TlsConnection` moved into a `TlsConn` after
            // the handshake would be held twice in this future (1.3 KB).
            let mut conn = TlsConn {
                tls: TlsConnection::new(&mut inner.socket, inner.tls_rx, inner.tls_tx),
                refused_hint: false,
            };
            match handshake(&mut conn, settings, &route.host, &mut inner.rng, t.read_ms).await {
                Err(e) => Err(e),
                Ok(()) => {
                    self.count(|s| s.handshakes += 1);
                    match head_into(request, body, buf) {
                        Err(e) => Err(e),
                        Ok(head) => match attempt(&mut conn, head, body, buf, request).await {
                            Ok((response, _)) => {
                                // close_notify; the server may already be gone.
                                let _ = limit(t.read_ms, conn.tls.close()).await;
                                Ok(response)
                            }
                            Err((e, _)) => Err(e),
                        },
                    }
                }
            }
        };
        match result {
            Ok(_) => close(&mut inner.socket).await,
            Err(_) => abort(&mut inner.socket).await,
        }
        result
    }

    /// Connects `socket` to `route` (after closing what it had open).
    async fn connect(
        &self,
        socket: &mut TcpSocket<'a>,
        route: &Route,
        t: Timeouts,
    ) -> Result<(), TransportError> {
        connect(self.stack, socket, route, t).await?;
        self.count(|s| s.connections += 1);
        Ok(())
    }
}

/// Connects `socket` to `route` through `stack` (after dropping what it had
/// open), within the connect timeout.
pub(crate) async fn connect(
    stack: Stack<'_>,
    socket: &mut TcpSocket<'_>,
    route: &Route,
    t: Timeouts,
) -> Result<(), TransportError> {
    abort(socket).await;
    let host = route.host.as_str();
    let connecting = async {
        let addr = resolve(stack, host).await?;
        socket
            .connect((addr, route.port))
            .await
            .map_err(|e| match e {
                ConnectError::TimedOut => TransportError::ConnectTimeout,
                ConnectError::ConnectionReset
                | ConnectError::NoRoute
                | ConnectError::InvalidState => TransportError::Connect,
            })
    };
    let result = limit(t.connect_ms, connecting)
        .await
        .ok()
        .unwrap_or(Err(TransportError::ConnectTimeout));
    match result {
        Ok(()) => {
            debug!("connected to {}:{}", host, route.port);
            Ok(())
        }
        Err(e) => {
            warning!("connecting to {}:{} failed: {}", host, route.port, e);
            abort(socket).await;
            Err(e)
        }
    }
}

/// Runs the TLS 1.3 handshake on `conn` with `host` (its name sent as SNI
/// unless it is an address), verifying the server as `settings` say, within
/// `read_ms`.
pub(crate) async fn handshake<S, R>(
    conn: &mut TlsConn<'_, S>,
    settings: &TlsSettings<'_>,
    host: &str,
    rng: &mut R,
    read_ms: u32,
) -> Result<(), TransportError>
where
    S: embedded_io_async::Read + embedded_io_async::Write,
    R: RngCore + CryptoRng,
{
    let mut config = TlsConfig::new();
    if cfg!(feature = "rsa") {
        // Offer the RSA schemes too (PKCS #1 for chains, PSS for the
        // handshake): without them a server with only an RSA key refuses.
        config = config.enable_rsa_signatures();
    }
    if !is_ip_literal(host) {
        config = config.with_server_name(host);
    }
    let mut provider = Provider {
        rng,
        verifier: ServerVerifier::new(settings.trust, host),
        #[cfg(feature = "client-identity")]
        identity: settings.identity.as_ref(),
        cert_requested: false,
    };
    let opened = limit(
        read_ms,
        conn.tls.open(TlsContext::new(&config, &mut provider)),
    )
    .await
    .ok();
    match opened {
        None => Err(TransportError::ReadTimeout),
        Some(Err(e)) => {
            let e = tls_error(e, provider.verifier.failure());
            warning!("TLS handshake with {} failed: {}", host, e);
            Err(e)
        }
        Some(Ok(())) => {
            conn.refused_hint = provider.cert_requested;
            Ok(())
        }
    }
}

impl<R: RngCore + CryptoRng> Transport for EmbassyTransport<'_, R> {
    async fn send(
        &self,
        request: &HttpRequest<'_>,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        self.exchange(request, Body::Bytes(request.body), buf).await
    }

    async fn send_body(
        &self,
        request: &HttpRequest<'_>,
        body: &mut dyn BodySource,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        self.exchange(request, Body::Source(&mut SourceBody::new(body)), buf)
            .await
    }
}

/// The host without IPv6 brackets.
pub(crate) fn bare_host(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// Whether `host` (without brackets) is an IP address rather than a name
/// (no SNI is sent for it).
pub(crate) fn is_ip_literal(host: &str) -> bool {
    ip_literal(host).is_some()
}

/// The address `host` (without brackets) spells, if it is an IP literal
/// rather than a name: an IPv4 dotted quad, or anything holding `:` (a name
/// never does), which is an IPv6 address with the `ipv6` feature and
/// [`TransportError::Unsupported`] otherwise or when malformed.
pub(crate) fn ip_literal(host: &str) -> Option<Result<IpAddress, TransportError>> {
    if let Some(v4) = ipv4_literal(host) {
        return Some(Ok(IpAddress::Ipv4(v4)));
    }
    if !host.contains(':') {
        return None;
    }
    #[cfg(feature = "ipv6")]
    let v6 = host
        .parse::<core::net::Ipv6Addr>()
        .map(IpAddress::Ipv6)
        .map_err(|_| TransportError::Unsupported);
    #[cfg(not(feature = "ipv6"))]
    let v6 = Err(TransportError::Unsupported);
    Some(v6)
}

/// A dotted-quad IPv4 literal (`core::net`'s strict form: four decimal
/// parts of 0..=255, no leading zeros).
///
/// Read here rather than with `core::net::IpAddr`'s parser, which would link
/// its IPv4 and IPv6 readers (about 1.9 KB) into a device's firmware.
fn ipv4_literal(host: &str) -> Option<core::net::Ipv4Addr> {
    let mut octets = [0u8; 4];
    // Split as bytes: `str::split(char)` would link core's char searcher.
    let mut parts = host.as_bytes().split(|&b| b == b'.');
    for octet in &mut octets {
        let digits = parts.next()?;
        if digits.is_empty()
            || digits.len() > 3
            || (digits.len() > 1 && digits.first() == Some(&b'0'))
            || !digits.iter().all(u8::is_ascii_digit)
        {
            return None;
        }
        let value = digits
            .iter()
            .fold(0u16, |n, d| n * 10 + u16::from(d - b'0'));
        *octet = u8::try_from(value).ok()?;
    }
    parts
        .next()
        .is_none()
        .then_some(core::net::Ipv4Addr::from(octets))
}

/// The address of `host`: a literal as it is, a name through DNS.
async fn resolve(stack: Stack<'_>, host: &str) -> Result<IpAddress, TransportError> {
    if let Some(literal) = ip_literal(host) {
        return literal;
    }
    let found = stack
        .dns_query(host, DnsQueryType::A)
        .await
        .map_err(|_| TransportError::Connect)?;
    found.first().copied().ok_or(TransportError::Connect)
}

/// Runs `f` for at most `ms` milliseconds (`0`: no limit); `Err` when the
/// time ran out.
///
/// A plain function, not an `async fn`: an `async fn` would hold `f` twice
/// in its state (once as its argument, once being awaited), and the TLS
/// futures it wraps are kilobytes. `0` waits until `Instant::MAX` (never).
pub(crate) fn limit<F: Future>(
    ms: u32,
    f: F,
) -> impl Future<Output = Result<F::Output, TimeoutError>> {
    let deadline = if ms == 0 {
        Instant::MAX
    } else {
        Instant::now() + Duration::from_millis(u64::from(ms))
    };
    with_deadline(deadline, f)
}

/// Closes gracefully (FIN) and lets the last segment leave.
pub(crate) async fn close(socket: &mut TcpSocket<'_>) {
    if socket.state() != State::Closed {
        socket.close();
        let _ = with_timeout(Duration::from_millis(CLOSE_MS), socket.flush()).await;
    }
}

/// Drops the connection at once (RST) so the socket can connect again.
pub(crate) async fn abort(socket: &mut TcpSocket<'_>) {
    if socket.state() != State::Closed {
        socket.abort();
        let _ = with_timeout(Duration::from_millis(CLOSE_MS), socket.flush()).await;
    }
}

/// Writes the request head into `buf`; its length.
pub(crate) fn head_into(
    request: &HttpRequest<'_>,
    body: &Body<'_>,
    buf: &mut [u8],
) -> Result<usize, TransportError> {
    let mut sink = SliceSink::new(buf);
    let written = match body {
        Body::Bytes(bytes) => {
            let sent = HttpRequest {
                body: bytes,
                ..*request
            };
            write_head(&sent, &mut sink)
        }
        Body::Source(source) => source.write_head(request, &mut sink),
    };
    written.map_err(|_| TransportError::Unsupported)?;
    Ok(sink.len())
}

/// Byte I/O of one connection, failures already as the pipeline's.
pub(crate) trait Conn {
    /// `Ok(0)` at the end of the stream.
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, TransportError>;
    async fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError>;
    async fn flush(&mut self) -> Result<(), TransportError>;
}

impl Conn for TcpSocket<'_> {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        TcpSocket::read(self, buf)
            .await
            .map_err(|_| TransportError::ConnectionClosed)
    }

    async fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        embedded_io_async::Write::write_all(self, bytes)
            .await
            .map_err(|_| TransportError::ConnectionClosed)
    }

    async fn flush(&mut self) -> Result<(), TransportError> {
        TcpSocket::flush(self)
            .await
            .map_err(|_| TransportError::ConnectionClosed)
    }
}

/// A TLS session over a socket `S` (the transport's, borrowed for one
/// request, or a [`TlsSession`](crate::TlsSession)'s own).
pub(crate) struct TlsConn<'c, S: embedded_io_async::Read + embedded_io_async::Write> {
    pub(crate) tls: TlsConnection<'c, S, Suite>,
    /// The server asked for a client certificate: an alert on the first
    /// read is its refusal of ours (TLS 1.3 sends it after the handshake).
    pub(crate) refused_hint: bool,
}

impl<S: embedded_io_async::Read + embedded_io_async::Write> TlsConn<'_, S> {
    fn error(&self, e: TlsError) -> TransportError {
        match e {
            TlsError::InternalError if self.refused_hint => {
                TransportError::Certificate(CertificateError::Refused)
            }
            other => tls_error(other, None),
        }
    }
}

impl<S: embedded_io_async::Read + embedded_io_async::Write> Conn for TlsConn<'_, S> {
    async fn read(&mut self, buf: &mut [u8]) -> Result<usize, TransportError> {
        match self.tls.read(buf).await {
            Ok(n) => Ok(n),
            // close_notify, or the socket's end without one: the end of the
            // stream (the response reader tells a cut response).
            Err(TlsError::ConnectionClosed | TlsError::IoError) => Ok(0),
            Err(e) => Err(self.error(e)),
        }
    }

    async fn write_all(&mut self, bytes: &[u8]) -> Result<(), TransportError> {
        match self.tls.write_all(bytes).await {
            Ok(()) => Ok(()),
            Err(e) => Err(self.error(e)),
        }
    }

    async fn flush(&mut self) -> Result<(), TransportError> {
        match self.tls.flush().await {
            Ok(()) => Ok(()),
            Err(e) => Err(self.error(e)),
        }
    }
}

/// A response reader's error as the pipeline sees it.
fn read_error(e: ReadError) -> TransportError {
    match e {
        ReadError::TooLarge(Limit::Buffer | Limit::Headers) => TransportError::ResponseTooLarge,
        ReadError::NoResponse | ReadError::Truncated => TransportError::ConnectionClosed,
        ReadError::Malformed(_)
        | ReadError::BadChunk
        | ReadError::BadContentLength
        | ReadError::Misuse => TransportError::Malformed,
    }
}

/// Sends the head (`buf[..head]`) and the body, then reads the whole
/// response into `buf`. On failure, also says whether any response byte had
/// come.
pub(crate) async fn attempt<C: Conn>(
    conn: &mut C,
    head: usize,
    body: &mut Body<'_>,
    buf: &mut [u8],
    request: &HttpRequest<'_>,
) -> Result<(RawResponse, Finished), (TransportError, bool)> {
    let t = request.timeouts.read_ms;
    let fail = |e| (e, false);
    let timed = |r: Option<Result<(), TransportError>>| {
        r.unwrap_or(Err(TransportError::ReadTimeout)).map_err(fail)
    };
    timed(limit(t, conn.write_all(&buf[..head])).await.ok())?;
    match body {
        Body::Bytes(bytes) => timed(limit(t, conn.write_all(bytes)).await.ok())?,
        Body::Source(source) => {
            // The head is out: the buffer holds body pieces now.
            while let Some(piece) = source.next_piece(buf).map_err(fail)? {
                timed(limit(t, conn.write_all(piece)).await.ok())?;
            }
        }
    }
    timed(limit(t, conn.flush()).await.ok())?;

    let mut reader = ResponseReader::new(request.method);
    loop {
        let step = reader.next(buf);
        let step = step.map_err(|e| (read_error(e), reader.received_any()))?;
        match step {
            Step::Read(r) => {
                let got = limit(t, conn.read(&mut buf[r.start..r.end])).await.ok();
                let n = got
                    .unwrap_or(Err(TransportError::ReadTimeout))
                    .map_err(|e| (e, reader.received_any()))?;
                reader.filled(n);
            }
            Step::Head | Step::Data(_) => {}
            Step::Done(done) => return Ok((reader.into_response(), done)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The IPv4 reader agrees with `core::net` (the reference it replaces).
    #[test]
    fn ipv4_literals_read_as_core_net_reads_them() {
        for host in [
            "127.0.0.1",
            "0.0.0.0",
            "255.255.255.255",
            "10.200.0.1",
            "256.0.0.1",
            "1.2.3",
            "1.2.3.4.5",
            "01.2.3.4",
            "1.2.3.04",
            "1..3.4",
            "1.2.3.4.",
            "a.b.c.d",
            "1.2.3.-4",
            "+1.2.3.4",
            "1234.1.1.1",
            "",
            "kinesis.eu-west-1.amazonaws.com",
            "::1",
        ] {
            assert_eq!(
                ipv4_literal(host),
                host.parse::<core::net::Ipv4Addr>().ok(),
                "{host}"
            );
        }
        assert!(is_ip_literal("::1"));
        assert!(is_ip_literal("192.168.1.10"));
        assert!(!is_ip_literal("localhost"));
    }

    fn route(scheme: &str, port: Option<u16>) -> Result<(Route, bool), TransportError> {
        Route::of(&HttpRequest {
            method: "POST",
            scheme,
            host: "[::1]",
            port,
            target: "/",
            headers: stratus_core::client::HeaderList::EMPTY,
            body: b"",
            timeouts: Default::default(),
        })
    }

    /// `https` always; `http` only with the `plain-http` feature (the test
    /// command runs these tests with and without it); nothing else.
    #[test]
    fn routes_follow_the_scheme_and_the_features() {
        let (r, secure) = route("HTTPS", None).unwrap();
        assert!(secure);
        assert_eq!((r.host.as_str(), r.port), ("::1", 443));
        let plain = route("http", Some(5000));
        if cfg!(feature = "plain-http") {
            let (r, secure) = plain.unwrap();
            assert!(!secure);
            assert_eq!((r.host.as_str(), r.port), ("::1", 5000));
            assert_eq!(route("http", None).unwrap().0.port, 80);
        } else {
            assert_eq!(plain, Err(TransportError::Unsupported));
        }
        assert_eq!(route("ftp", None), Err(TransportError::Unsupported));
        assert_eq!(route("", None), Err(TransportError::Unsupported));
    }
}
