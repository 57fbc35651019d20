//! Helpers for the credential provider tests: a local HTTP server on
//! 127.0.0.1 that records what it is asked, the std transport behind a guard
//! that refuses every host but loopback, a clock the test moves by
//! hand, and temporary config files.
#![allow(dead_code)]

use std::cell::Cell;
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use stratus_core::client::{HttpRequest, RawResponse, Timer, Transport, TransportError};
use stratus_core::time::{Clock, UnixTime};
use stratus_transport_std::config::Env;
use stratus_transport_std::net::StdTransport;

/// A request the server received.
#[derive(Clone, Debug)]
pub struct Seen {
    pub method: String,
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn body_text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A form field of an `application/x-www-form-urlencoded` body.
    pub fn form(&self, name: &str) -> Option<String> {
        self.body_text().split('&').find_map(|kv| {
            let (k, v) = kv.split_once('=')?;
            (k == name).then(|| decode_form(v))
        })
    }
}

fn decode_form(v: &str) -> String {
    let bytes = v.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                let hex = std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap();
                out.push(u8::from_str_radix(hex, 16).unwrap());
                i += 2;
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out).unwrap()
}

/// What the server answers.
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Reply {
    pub fn new(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Reply {
            status,
            headers: Vec::new(),
            body: body.into(),
        }
    }
}

type Handler = dyn Fn(&Seen) -> Reply + Send + Sync;

/// A one-request-per-connection HTTP/1.1 server on 127.0.0.1.
pub struct Server {
    pub port: u16,
    seen: Arc<Mutex<Vec<Seen>>>,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

fn read_request(stream: &mut TcpStream) -> Option<Seen> {
    let mut reader = BufReader::new(stream.try_clone().ok()?);
    let mut line = String::new();
    reader.read_line(&mut line).ok()?;
    let mut parts = line.split_whitespace();
    let method = parts.next()?.to_string();
    let target = parts.next()?.to_string();
    let mut headers = Vec::new();
    loop {
        let mut h = String::new();
        reader.read_line(&mut h).ok()?;
        let h = h.trim_end();
        if h.is_empty() {
            break;
        }
        let (n, v) = h.split_once(':')?;
        headers.push((n.trim().to_string(), v.trim().to_string()));
    }
    let len = headers
        .iter()
        .find(|(n, _)| n.eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0; len];
    reader.read_exact(&mut body).ok()?;
    Some(Seen {
        method,
        target,
        headers,
        body,
    })
}

impl Server {
    pub fn start(handler: impl Fn(&Seen) -> Reply + Send + Sync + 'static) -> Server {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let stop = Arc::new(AtomicBool::new(false));
        let handler: Arc<Handler> = Arc::new(handler);
        let (s2, stop2) = (seen.clone(), stop.clone());
        let thread = std::thread::spawn(move || {
            for conn in listener.incoming() {
                if stop2.load(Ordering::SeqCst) {
                    break;
                }
                let Ok(mut stream) = conn else { continue };
                let Some(req) = read_request(&mut stream) else {
                    continue;
                };
                s2.lock().unwrap().push(req.clone());
                let reply = handler(&req);
                let mut out = format!("HTTP/1.1 {} X\r\n", reply.status);
                for (n, v) in &reply.headers {
                    out.push_str(&format!("{n}: {v}\r\n"));
                }
                out.push_str(&format!(
                    "Content-Length: {}\r\nConnection: close\r\n\r\n",
                    reply.body.len()
                ));
                let _ = stream.write_all(out.as_bytes());
                let _ = stream.write_all(&reply.body);
            }
        });
        Server {
            port,
            seen,
            stop,
            thread: Some(thread),
        }
    }

    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().unwrap().clone()
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(("127.0.0.1", self.port));
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// The std transport behind a guard: requests to any host but a loopback
/// address are refused (and recorded in `refused`) before a connection is
/// tried, so no test can reach `169.254.169.254` or the internet.
pub struct LoopbackTransport {
    inner: StdTransport,
    pub refused: Mutex<Vec<String>>,
    pub sent: Mutex<Vec<String>>,
}

impl Default for LoopbackTransport {
    fn default() -> Self {
        LoopbackTransport {
            inner: StdTransport::new().expect("the std transport builds"),
            refused: Mutex::default(),
            sent: Mutex::default(),
        }
    }
}

impl Transport for LoopbackTransport {
    async fn send(
        &self,
        request: &HttpRequest<'_>,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        let host = request.host;
        let loopback = host == "localhost"
            || host
                .trim_start_matches('[')
                .trim_end_matches(']')
                .parse::<std::net::IpAddr>()
                .is_ok_and(|ip| ip.is_loopback());
        if !loopback {
            self.refused
                .lock()
                .unwrap()
                .push(format!("{}://{host}", request.scheme));
            return Err(TransportError::Connect);
        }
        self.sent
            .lock()
            .unwrap()
            .push(format!("{} {}{}", request.method, host, request.target));
        self.inner.send(request, buf).await
    }
}

/// Wall time the test sets; sleeping only records the wish.
#[derive(Clone)]
pub struct TestClock {
    secs: Rc<Cell<u64>>,
    pub slept_ms: Rc<Cell<u64>>,
}

impl TestClock {
    pub fn at(secs: u64) -> Self {
        TestClock {
            secs: Rc::new(Cell::new(secs)),
            slept_ms: Rc::new(Cell::new(0)),
        }
    }

    pub fn set(&self, secs: u64) {
        self.secs.set(secs);
    }

    pub fn now_secs(&self) -> u64 {
        self.secs.get()
    }
}

impl Clock for TestClock {
    fn now(&self) -> Option<UnixTime> {
        Some(UnixTime::from_secs(self.secs.get()))
    }
}

impl Timer for TestClock {
    fn now_ms(&self) -> u64 {
        self.secs.get() * 1000 + self.slept_ms.get()
    }
    async fn sleep_ms(&self, ms: u64) {
        self.slept_ms.set(self.slept_ms.get() + ms);
    }
}

/// 2023-11-14T22:13:20Z.
pub const T0: u64 = 1_700_000_000;

/// ISO 8601 (UTC) of a Unix time.
pub fn iso(secs: u64) -> String {
    let c = UnixTime::from_secs(secs).civil();
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z",
        c.year, c.month, c.day, c.hour, c.minute, c.second
    )
}

/// A temporary directory holding a config and a credentials file, and an
/// environment pointing at them with instance metadata disabled.
pub struct Files {
    pub dir: tempfile::TempDir,
}

impl Files {
    pub fn new(config: &str, credentials: &str) -> Files {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("config"), config).unwrap();
        std::fs::write(dir.path().join("credentials"), credentials).unwrap();
        Files { dir }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.path(name);
        std::fs::write(&p, text).unwrap();
        p
    }

    /// An executable shell script.
    pub fn script(&self, name: &str, body: &str) -> PathBuf {
        use std::os::unix::fs::PermissionsExt;
        let p = self.write(name, &format!("#!/bin/sh\n{body}\n"));
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        p
    }

    pub fn env(&self) -> Env {
        Env::from_pairs([
            ("AWS_CONFIG_FILE", s(&self.path("config"))),
            ("AWS_SHARED_CREDENTIALS_FILE", s(&self.path("credentials"))),
            ("AWS_EC2_METADATA_DISABLED", "true".to_string()),
            ("HOME", s(self.dir.path())),
        ])
    }
}

pub fn s(p: &Path) -> String {
    p.to_str().unwrap().to_string()
}

/// An STS `AssumeRole` / `AssumeRoleWithWebIdentity` answer.
pub fn sts_xml(operation: &str, key: &str, expiration: u64) -> String {
    format!(
        "<{operation}Response xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">\
         <{operation}Result><Credentials><AccessKeyId>{key}</AccessKeyId>\
         <SecretAccessKey>SECRET-{key}</SecretAccessKey><SessionToken>TOKEN-{key}</SessionToken>\
         <Expiration>{}</Expiration></Credentials>\
         <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/r/s</Arn>\
         <AssumedRoleId>AROA:s</AssumedRoleId></AssumedRoleUser></{operation}Result>\
         <ResponseMetadata><RequestId>req-1</RequestId></ResponseMetadata></{operation}Response>",
        iso(expiration)
    )
}

/// The access key id a SigV4 `Authorization` header names.
pub fn signing_key(seen: &Seen) -> Option<String> {
    let auth = seen.header("authorization")?;
    let cred = auth.split("Credential=").nth(1)?;
    Some(cred.split('/').next()?.to_string())
}

/// Runs a future to completion.
pub fn block<F: std::future::Future>(f: F) -> F::Output {
    embassy_futures::block_on(f)
}
