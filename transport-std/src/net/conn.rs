//! One connection: TCP (with a connect timeout), maybe a `CONNECT` tunnel
//! through a proxy, maybe TLS; read and write timeouts; I/O errors as
//! [`TransportError`]s.

use std::io::{self, Read, Write};
use std::net::{IpAddr, SocketAddr, TcpStream, ToSocketAddrs};
use std::sync::Arc;
use std::time::Duration;

use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, StreamOwned};
use stratus_core::client::{HttpRequest, Timeouts, TransportError};
use stratus_core::http::{BodyFraming, ResponseReader, Step, write_streaming_head};

use super::VecSink;
use super::proxy::Proxy;
use super::tls::tls_error;

/// A plain or TLS stream.
pub(crate) enum Conn {
    Plain(TcpStream),
    Tls(Box<StreamOwned<ClientConnection, TcpStream>>),
}

impl Conn {
    fn tcp(&self) -> &TcpStream {
        match self {
            Conn::Plain(s) => s,
            Conn::Tls(s) => s.get_ref(),
        }
    }

    /// Applies the read timeout (also used for writes): `0` is none.
    pub(crate) fn set_timeouts(&self, t: Timeouts) -> Result<(), TransportError> {
        let d = (t.read_ms > 0).then(|| Duration::from_millis(u64::from(t.read_ms)));
        let tcp = self.tcp();
        tcp.set_read_timeout(d)
            .and_then(|_| tcp.set_write_timeout(d))
            .map_err(|_| TransportError::Connect)
    }

    /// Whether an idle connection still looks open: nothing to read and no
    /// end of stream (a server that closed an idle connection shows EOF).
    pub(crate) fn looks_open(&self) -> bool {
        let tcp = self.tcp();
        if tcp.set_nonblocking(true).is_err() {
            return false;
        }
        let mut probe = [0u8; 1];
        let open = matches!(tcp.peek(&mut probe), Err(e) if e.kind() == io::ErrorKind::WouldBlock);
        tcp.set_nonblocking(false).is_ok() && open
    }
}

impl Read for Conn {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.read(buf),
            Conn::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Conn {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Conn::Plain(s) => s.write(buf),
            Conn::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Conn::Plain(s) => s.flush(),
            Conn::Tls(s) => s.flush(),
        }
    }
}

/// The host as `to_socket_addrs` and TLS take it (no IPv6 brackets).
pub(crate) fn bare_host(host: &str) -> &str {
    host.strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host)
}

/// Opens a TCP connection to `host:port`, trying each address in turn.
pub(crate) fn connect_tcp(host: &str, port: u16, t: Timeouts) -> Result<TcpStream, TransportError> {
    let host = bare_host(host);
    let addrs: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => (host, port)
            .to_socket_addrs()
            .map_err(|_| TransportError::Connect)?
            .collect(),
    };
    let mut timed_out = false;
    for addr in addrs {
        let attempt = if t.connect_ms == 0 {
            TcpStream::connect(addr)
        } else {
            TcpStream::connect_timeout(&addr, Duration::from_millis(u64::from(t.connect_ms)))
        };
        match attempt {
            Ok(s) => {
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
            Err(e) => {
                timed_out |= matches!(
                    e.kind(),
                    io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock
                )
            }
        }
    }
    Err(if timed_out {
        TransportError::ConnectTimeout
    } else {
        TransportError::Connect
    })
}

/// Asks `proxy` (already connected as `tcp`) for a tunnel to `host:port`.
pub(crate) fn tunnel(
    tcp: &mut TcpStream,
    proxy: &Proxy,
    host: &str,
    port: u16,
    t: Timeouts,
) -> Result<(), TransportError> {
    let authority = if bare_host(host).contains(':') {
        format!("[{}]:{port}", bare_host(host))
    } else {
        format!("{host}:{port}")
    };
    let mut headers = vec![("Host", authority.as_str())];
    if let Some(auth) = proxy.authorization() {
        headers.push(("Proxy-Authorization", auth));
    }
    let request = HttpRequest {
        method: "CONNECT",
        scheme: "http",
        host: proxy.host(),
        port: Some(proxy.port()),
        target: &authority,
        headers: headers.as_slice().into(),
        body: b"",
        timeouts: t,
    };
    let mut head = VecSink::default();
    write_streaming_head(&request, BodyFraming::None, &mut head)
        .map_err(|_| TransportError::Unsupported)?;
    let mut conn = Conn::Plain(tcp.try_clone().map_err(|_| TransportError::Connect)?);
    conn.set_timeouts(t)?;
    conn.write_all(&head.0).map_err(|e| write_error(&e))?;
    let mut buf = [0u8; 4096];
    let mut reader = ResponseReader::new("CONNECT");
    let done = loop {
        match reader.next(&mut buf).map_err(super::read_error)? {
            Step::Read(r) => {
                let n = read_some(&mut conn, &mut buf[r.start..r.end])?;
                reader.filled(n);
            }
            Step::Head | Step::Data(_) => {}
            Step::Done(done) => break done,
        }
    };
    let status = reader.response().status;
    if !(200..300).contains(&status) {
        return Err(TransportError::Proxy { status });
    }
    if done.extra > 0 {
        // The proxy spoke before the server could: not a clean tunnel.
        return Err(TransportError::Malformed);
    }
    Ok(())
}

/// Wraps `tcp` in TLS for `host` and completes the handshake, so a
/// certificate failure shows here, by kind.
pub(crate) fn tls(
    tcp: TcpStream,
    config: &Arc<ClientConfig>,
    host: &str,
    t: Timeouts,
) -> Result<Conn, TransportError> {
    let name = ServerName::try_from(bare_host(host).to_string())
        .map_err(|_| TransportError::Unsupported)?;
    let session =
        ClientConnection::new(config.clone(), name).map_err(|e| super::tls::from_rustls(&e))?;
    let mut stream = StreamOwned::new(session, tcp);
    let conn_timeouts = Conn::Plain(
        stream
            .get_ref()
            .try_clone()
            .map_err(|_| TransportError::Connect)?,
    );
    conn_timeouts.set_timeouts(t)?;
    while stream.conn.is_handshaking() {
        stream
            .conn
            .complete_io(&mut stream.sock)
            .map_err(|e| read_error_io(&e))?;
    }
    Ok(Conn::Tls(Box::new(stream)))
}

/// Reads into `buf`; `0` at the end of the stream (a TLS peer closing without
/// `close_notify` too).
pub(crate) fn read_some(conn: &mut Conn, buf: &mut [u8]) -> Result<usize, TransportError> {
    loop {
        match conn.read(buf) {
            Ok(n) => return Ok(n),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) if e.kind() == io::ErrorKind::UnexpectedEof => return Ok(0),
            Err(e) => return Err(read_error_io(&e)),
        }
    }
}

/// A failed read or handshake as a transport error.
pub(crate) fn read_error_io(e: &io::Error) -> TransportError {
    if let Some(t) = tls_error(e) {
        return t;
    }
    match e.kind() {
        io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => TransportError::ReadTimeout,
        _ => TransportError::ConnectionClosed,
    }
}

/// A failed write as a transport error (a write timing out is a stalled
/// peer: a read timeout in botocore's terms).
pub(crate) fn write_error(e: &io::Error) -> TransportError {
    read_error_io(e)
}
