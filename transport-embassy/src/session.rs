//! [`TlsSession`]: one TLS connection kept open to one host for many
//! requests, so a device pays for the handshake once, not per call.
//!
//! embedded-tls keeps a connection's record buffers for the connection's
//! whole life and never hands them back, and this crate has no `unsafe`:
//! so a session borrows its [`Resources`] for as long as it lives, and a
//! session the server closed stays closed. Its calls then fail with
//! [`TransportError::ConnectionClosed`]; drop it and open the next one from
//! the same `Resources` (the borrow ends with the session).

use core::cell::Cell;

use embassy_net::Stack;
use embassy_net::tcp::TcpSocket;
use embassy_sync::blocking_mutex::raw::NoopRawMutex;
use embassy_sync::mutex::Mutex;
use embedded_tls::TlsConnection;
use rand_core::{CryptoRng, RngCore};
use stratus_core::client::{HttpRequest, RawResponse, Timeouts, Transport, TransportError};
use stratus_core::http::BodySource;

use crate::fmt::debug;
use crate::tls::TlsSettings;
use crate::transport::{
    Body, Route, SourceBody, TlsConn, abort, attempt, connect, handshake, head_into, limit,
};
use crate::{Resources, Stats};

/// A TLS 1.3 connection to one host, kept open between requests (HTTP/1.1
/// keep-alive): a [`Transport`] for a [`Client`](stratus_core::client::Client)
/// whose requests all go to that host.
///
/// * [`open`](Self::open) looks the host up, connects and runs the
///   handshake, verifying the server as the [`TlsSettings`] say.
/// * Each request is sent on the open connection. A request for another
///   host, port or scheme is [`TransportError::Unsupported`].
/// * When the server closes the connection, a response says
///   `Connection: close`, or an exchange fails, the session ends; later
///   requests fail with [`TransportError::ConnectionClosed`] and
///   [`is_open`](Self::is_open) is `false`. Open a new session then.
///
/// ```no_run
/// # async fn demo(stack: embassy_net::Stack<'static>,
/// #     mut rng: impl rand_core::RngCore + rand_core::CryptoRng,
/// #     settings: stratus_transport_embassy::tls::TlsSettings<'static>,
/// #     entry: &'static stratus_core::client::ServiceEntry,
/// #     creds: &stratus_core::credentials::StaticCredentials,
/// #     input: &dyn stratus_core::model::StructValue) {
/// use stratus_core::client::{Buffers, Client, ClientConfig, Timeouts};
/// use stratus_transport_embassy::{EmbassyClock, Resources, TlsSession};
/// let mut resources: Resources<4096, 4096, 16640, 4096> = Resources::new();
/// let host = "kinesis.eu-west-1.amazonaws.com";
/// let mut bufs: Buffers<2048, 4096> = Buffers::new();
/// loop {
///     let Ok(session) = TlsSession::open(stack, &mut resources, &mut rng, &settings,
///                                        host, 443, Timeouts::default()).await else {
///         // A typed error (no network, certificate refused): wait, try again.
///         embassy_time::Timer::after_secs(10).await;
///         continue;
///     };
///     let client = Client::new(entry, ClientConfig::default().region("eu-west-1"),
///                              &session, creds, EmbassyClock::new());
///     // One handshake for as many calls as the server keeps the connection.
///     while session.is_open() {
///         let _ = client.call("PutRecord", input, bufs.workspace()).await;
///     }
/// }
/// # }
/// ```
pub struct TlsSession<'b> {
    route: Route,
    read_ms: u32,
    conn: Mutex<NoopRawMutex, Option<TlsConn<'b, TcpSocket<'b>>>>,
    stats: Cell<Stats>,
    /// A request has been sent (the next one reuses the connection).
    used: Cell<bool>,
}

impl core::fmt::Debug for TlsSession<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("TlsSession")
            .field("host", &self.route.host.as_str())
            .field("port", &self.route.port)
            .field("open", &self.is_open())
            .field("stats", &self.stats.get())
            .finish()
    }
}

impl<'b> TlsSession<'b> {
    /// Connects to `host:port` through `stack` (DNS for a name) and runs the
    /// TLS handshake, in `resources` (borrowed for the session's life);
    /// `rng` seeds the key exchange. `timeouts` bound the connect and the
    /// handshake as for a request.
    pub async fn open<
        R,
        const RX: usize,
        const TX: usize,
        const TLS_RX: usize,
        const TLS_TX: usize,
    >(
        stack: Stack<'b>,
        resources: &'b mut Resources<RX, TX, TLS_RX, TLS_TX>,
        rng: &mut R,
        settings: &TlsSettings<'_>,
        host: &str,
        port: u16,
        timeouts: Timeouts,
    ) -> Result<Self, TransportError>
    where
        R: RngCore + CryptoRng,
    {
        let route = Route {
            host: heapless::String::try_from(host).map_err(|_| TransportError::Unsupported)?,
            port,
        };
        let Resources {
            socket_rx,
            socket_tx,
            tls_rx,
            tls_tx,
        } = resources;
        let mut socket = TcpSocket::new(stack, socket_rx, socket_tx);
        socket.set_nagle_enabled(false);
        connect(stack, &mut socket, &route, timeouts).await?;
        let mut conn = TlsConn {
            tls: TlsConnection::new(socket, tls_rx, tls_tx),
            refused_hint: false,
        };
        if let Err(e) = handshake(&mut conn, settings, host, rng, timeouts.read_ms).await {
            end(conn, timeouts.read_ms).await;
            return Err(e);
        }
        debug!("TLS session open to {}:{}", host, port);
        Ok(TlsSession {
            route,
            read_ms: timeouts.read_ms,
            conn: Mutex::new(Some(conn)),
            stats: Cell::new(Stats {
                connections: 1,
                handshakes: 1,
                reused: 0,
            }),
            used: Cell::new(false),
        })
    }

    /// Whether the connection is still open (no request has found it closed).
    pub fn is_open(&self) -> bool {
        self.conn.try_lock().is_ok_and(|c| c.is_some())
    }

    /// What the session did: one connection and one handshake, and the
    /// requests sent after the first (`reused`).
    pub fn stats(&self) -> Stats {
        self.stats.get()
    }

    /// Ends the session: `close_notify`, then the TCP close.
    pub async fn close(self) {
        if let Some(conn) = self.conn.into_inner() {
            end(conn, self.read_ms).await;
        }
    }

    async fn exchange(
        &self,
        request: &HttpRequest<'_>,
        mut body: Body<'_>,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        let (route, secure) = Route::of(request)?;
        if !secure || route != self.route {
            return Err(TransportError::Unsupported);
        }
        let mut slot = self.conn.lock().await;
        let conn = slot.as_mut().ok_or(TransportError::ConnectionClosed)?;
        let head = head_into(request, &body, buf)?;
        let sent = attempt(conn, head, &mut body, buf, request).await;
        if self.used.replace(true) {
            let mut stats = self.stats.get();
            stats.reused += 1;
            self.stats.set(stats);
        }
        match sent {
            Ok((response, done)) => {
                if !done.reusable
                    && let Some(conn) = slot.take()
                {
                    end(conn, request.timeouts.read_ms).await;
                }
                Ok(response)
            }
            Err((e, _)) => {
                if let Some(conn) = slot.take() {
                    end(conn, request.timeouts.read_ms).await;
                }
                Err(e)
            }
        }
    }
}

/// Sends `close_notify` (the server may be gone) and drops the TCP
/// connection; the record buffers go with the connection.
async fn end(conn: TlsConn<'_, TcpSocket<'_>>, read_ms: u32) {
    debug!("TLS session closed");
    if let Ok(Ok(mut socket) | Err((mut socket, _))) = limit(read_ms, conn.tls.close()).await {
        abort(&mut socket).await;
    }
}

impl Transport for TlsSession<'_> {
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
