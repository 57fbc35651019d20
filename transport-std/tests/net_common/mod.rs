//! Small servers on 127.0.0.1 for the transport tests: plain and TLS
//! listeners that count connections and record requests, a CA of their own
//! (rcgen), and a `CONNECT` proxy.
#![allow(dead_code)]

use std::io::{self, Read, Write};
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, ServerConnection, StreamOwned};
use stratus_core::client::{HttpRequest, Timeouts};

/// A request as a test server read it.
#[derive(Clone, Debug, Default)]
pub struct Received {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// The head exactly as it came.
    pub head: String,
}

impl Received {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Reads one request (`Content-Length` or chunked body); `None` at EOF
/// before a request.
pub fn read_request<R: Read + ?Sized>(s: &mut R) -> Option<Received> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match s.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let mut lines = text.split("\r\n");
    let mut first = lines.next()?.split(' ');
    let method = first.next()?.to_string();
    let target = first.next()?.to_string();
    let headers: Vec<(String, String)> = lines
        .filter(|l| !l.is_empty())
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.to_string(), v.trim().to_string()))
        .collect();
    let mut r = Received {
        method,
        target,
        headers,
        body: Vec::new(),
        head: text,
    };
    if let Some(len) = r.header("content-length") {
        let mut body = vec![0u8; len.parse().ok()?];
        s.read_exact(&mut body).ok()?;
        r.body = body;
    } else if r.header("transfer-encoding").is_some() {
        loop {
            let mut line = Vec::new();
            while !line.ends_with(b"\r\n") {
                s.read_exact(&mut byte).ok()?;
                line.push(byte[0]);
            }
            let size =
                usize::from_str_radix(std::str::from_utf8(&line[..line.len() - 2]).ok()?, 16)
                    .ok()?;
            let mut data = vec![0u8; size + 2];
            s.read_exact(&mut data).ok()?;
            if size == 0 {
                break;
            }
            r.body.extend_from_slice(&data[..size]);
        }
    }
    Some(r)
}

/// A listener on 127.0.0.1 whose connections a handler serves, each on its
/// own thread; it takes at most `max_conns` connections, then stops.
pub struct Server {
    pub port: u16,
    pub accepted: Arc<AtomicUsize>,
    pub requests: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }
    pub fn requests(&self) -> Vec<Received> {
        self.requests.lock().unwrap().clone()
    }
}

/// What a handler is given: the stream, the connection's number (from 0),
/// and where to record requests.
pub type Handler = dyn Fn(&mut dyn ReadWrite, usize, &Mutex<Vec<Received>>) + Send + Sync;

pub trait ReadWrite: Read + Write {}
impl<T: Read + Write> ReadWrite for T {}

pub fn serve(
    max_conns: usize,
    handler: impl Fn(&mut dyn ReadWrite, usize, &Mutex<Vec<Received>>) + Send + Sync + 'static,
) -> Server {
    serve_with(max_conns, None, Arc::new(handler))
}

pub fn serve_tls(
    max_conns: usize,
    config: Arc<ServerConfig>,
    handler: impl Fn(&mut dyn ReadWrite, usize, &Mutex<Vec<Received>>) + Send + Sync + 'static,
) -> Server {
    serve_with(max_conns, Some(config), Arc::new(handler))
}

fn serve_with(max_conns: usize, tls: Option<Arc<ServerConfig>>, handler: Arc<Handler>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let (a, r) = (accepted.clone(), requests.clone());
    thread::spawn(move || {
        for n in 0..max_conns {
            let Ok((tcp, _)) = listener.accept() else {
                return;
            };
            a.fetch_add(1, Ordering::SeqCst);
            let (handler, r, tls) = (handler.clone(), r.clone(), tls.clone());
            thread::spawn(move || {
                tcp.set_read_timeout(Some(Duration::from_secs(20))).unwrap();
                match tls {
                    None => {
                        let mut tcp = tcp;
                        handler(&mut tcp, n, &r);
                    }
                    Some(config) => {
                        let conn = ServerConnection::new(config).unwrap();
                        let mut stream = StreamOwned::new(conn, tcp);
                        let mut ok = true;
                        while stream.conn.is_handshaking() {
                            if stream.conn.complete_io(&mut stream.sock).is_err() {
                                ok = false;
                                break;
                            }
                        }
                        if ok {
                            handler(&mut stream, n, &r);
                            stream.conn.send_close_notify();
                            let _ = stream.conn.complete_io(&mut stream.sock);
                        } else {
                            // Let the alert reach the client before closing.
                            let _ = stream.conn.complete_io(&mut stream.sock);
                            linger(&mut stream.sock);
                        }
                    }
                }
            });
        }
    });
    Server {
        port,
        accepted,
        requests,
    }
}

/// Half-closes and drains until the peer closes (bounded by the read timeout).
pub fn linger(tcp: &mut TcpStream) {
    let _ = tcp.shutdown(Shutdown::Write);
    let mut sink = [0u8; 1024];
    while matches!(tcp.read(&mut sink), Ok(n) if n > 0) {}
}

/// Serves requests on one connection with `respond` until the client closes.
pub fn keep_serving(
    s: &mut dyn ReadWrite,
    reqs: &Mutex<Vec<Received>>,
    respond: impl Fn(&Received) -> Vec<u8>,
) {
    while let Some(req) = read_request(s) {
        let reply = respond(&req);
        reqs.lock().unwrap().push(req);
        if s.write_all(&reply).is_err() {
            return;
        }
        let _ = s.flush();
    }
}

pub fn ok_response(body: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

/// A request to 127.0.0.1:`port`.
pub fn request<'a>(
    scheme: &'a str,
    port: u16,
    target: &'a str,
    headers: &'a [(&'a str, &'a str)],
    body: &'a [u8],
) -> HttpRequest<'a> {
    HttpRequest {
        method: if body.is_empty() { "GET" } else { "POST" },
        scheme,
        host: "127.0.0.1",
        port: Some(port),
        target,
        headers: headers.into(),
        body,
        timeouts: Timeouts {
            connect_ms: 5_000,
            read_ms: 10_000,
        },
    }
}

/// A CA of the test's own and certificates it signs.
pub struct TestCa {
    pub cert: rcgen::Certificate,
    pub key: KeyPair,
}

pub struct Leaf {
    pub cert_pem: String,
    pub key_pem: String,
}

impl TestCa {
    pub fn new(name: &str) -> TestCa {
        let key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.distinguished_name.push(DnType::CommonName, name);
        let cert = params.self_signed(&key).unwrap();
        TestCa { cert, key }
    }

    pub fn pem(&self) -> String {
        self.cert.pem()
    }

    /// A leaf for `names` (IP addresses become IP SANs).
    pub fn leaf(&self, names: &[&str], expired: bool) -> Leaf {
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        params.distinguished_name.push(DnType::CommonName, names[0]);
        if expired {
            params.not_before = rcgen::date_time_ymd(2001, 1, 1);
            params.not_after = rcgen::date_time_ymd(2002, 1, 1);
        }
        let cert = params.signed_by(&key, &self.cert, &self.key).unwrap();
        Leaf {
            cert_pem: cert.pem(),
            key_pem: key.serialize_pem(),
        }
    }
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// A server configuration presenting `leaf`; with `client_ca`, client
/// certificates signed by it are required.
pub fn server_config(leaf: &Leaf, client_ca: Option<&TestCa>) -> Arc<ServerConfig> {
    let chain: Vec<CertificateDer<'static>> =
        CertificateDer::pem_slice_iter(leaf.cert_pem.as_bytes())
            .collect::<Result<_, _>>()
            .unwrap();
    let key = PrivateKeyDer::from_pem_slice(leaf.key_pem.as_bytes()).unwrap();
    let builder = ServerConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .unwrap();
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = RootCertStore::empty();
            roots.add(ca.cert.der().clone()).unwrap();
            let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider())
                .build()
                .unwrap();
            builder.with_client_cert_verifier(verifier)
        }
    };
    Arc::new(builder.with_single_cert(chain, key).unwrap())
}

/// A `CONNECT` proxy on 127.0.0.1 that tunnels to 127.0.0.1 only, answering
/// `refuse` (e.g. 407) instead when set; records each `CONNECT` head.
pub fn connect_proxy(max_conns: usize, refuse: Option<u16>) -> Server {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicUsize::new(0));
    let requests = Arc::new(Mutex::new(Vec::new()));
    let (a, r) = (accepted.clone(), requests.clone());
    thread::spawn(move || {
        for _ in 0..max_conns {
            let Ok((mut client, _)) = listener.accept() else {
                return;
            };
            a.fetch_add(1, Ordering::SeqCst);
            let r = r.clone();
            thread::spawn(move || {
                client
                    .set_read_timeout(Some(Duration::from_secs(20)))
                    .unwrap();
                let Some(req) = read_request(&mut client) else {
                    return;
                };
                r.lock().unwrap().push(req.clone());
                if let Some(status) = refuse {
                    let reply = format!("HTTP/1.1 {status} No\r\nContent-Length: 0\r\n\r\n");
                    let _ = client.write_all(reply.as_bytes());
                    return;
                }
                assert!(
                    req.target.starts_with("127.0.0.1:"),
                    "the test proxy only reaches 127.0.0.1"
                );
                let port: u16 = req.target.rsplit_once(':').unwrap().1.parse().unwrap();
                let mut upstream =
                    TcpStream::connect(SocketAddr::from(([127, 0, 0, 1], port))).unwrap();
                upstream
                    .set_read_timeout(Some(Duration::from_secs(20)))
                    .unwrap();
                client
                    .write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")
                    .unwrap();
                let (mut c2, mut u2) = (client.try_clone().unwrap(), upstream.try_clone().unwrap());
                let back = thread::spawn(move || {
                    let _ = io::copy(&mut u2, &mut c2);
                    let _ = c2.shutdown(Shutdown::Write);
                });
                let _ = io::copy(&mut client, &mut upstream);
                let _ = upstream.shutdown(Shutdown::Write);
                let _ = back.join();
            });
        }
    });
    Server {
        port,
        accepted,
        requests,
    }
}
