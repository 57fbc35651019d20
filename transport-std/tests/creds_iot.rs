//! The AWS IoT credentials provider over mutual TLS: a local TLS server on
//! 127.0.0.1 with a certificate from the test's own CA (made with rcgen)
//! requires a client certificate from a second CA. A device transport that
//! presents its certificate gets credentials (refreshed before they expire);
//! one without a certificate is refused during the handshake and never gets
//! to send its request.

mod creds_support;

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use creds_support::{T0, TestClock, block, iso};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig, ServerConnection, StreamOwned};
use stratus_transport_std::credentials::{
    HttpError, IotCredentialsProvider, IotSettings, ProviderError,
};
use stratus_transport_std::net::{StdTransport, TlsSettings};

struct Ca {
    cert: rcgen::Certificate,
    key: KeyPair,
}

fn ca(name: &str) -> Ca {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
    params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    params.distinguished_name.push(DnType::CommonName, name);
    Ca {
        cert: params.self_signed(&key).unwrap(),
        key,
    }
}

/// A certificate for `name` signed by `ca`, as (chain PEM, key PEM).
fn leaf(ca: &Ca, name: &str) -> (String, String) {
    let key = KeyPair::generate().unwrap();
    let mut params = CertificateParams::new(vec![name.to_string()]).unwrap();
    params.distinguished_name.push(DnType::CommonName, name);
    let cert = params.signed_by(&key, &ca.cert, &ca.key).unwrap();
    (cert.pem(), key.serialize_pem())
}

#[derive(Default)]
struct Log {
    handshakes_failed: usize,
    requests: Vec<(String, Option<String>, Option<String>)>,
}

/// The IoT credentials endpoint: mutual TLS, then one request per
/// connection, answered with credentials valid for an hour after `now`.
fn iot_server(server_ca: &Ca, device_ca: &Ca, now: Arc<Mutex<u64>>) -> (u16, Arc<Mutex<Log>>) {
    let (cert_pem, key_pem) = leaf(server_ca, "localhost");
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let mut roots = RootCertStore::empty();
    roots.add(device_ca.cert.der().clone()).unwrap();
    let verifier = WebPkiClientVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .unwrap();
    let chain: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(cert_pem.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap();
    let key = PrivateKeyDer::from_pem_slice(key_pem.as_bytes()).unwrap();
    let config = Arc::new(
        ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .unwrap()
            .with_client_cert_verifier(verifier)
            .with_single_cert(chain, key)
            .unwrap(),
    );
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let log = Arc::new(Mutex::new(Log::default()));
    let log2 = log.clone();
    std::thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(tcp) = conn else { continue };
            let tls = ServerConnection::new(config.clone()).unwrap();
            let mut stream = StreamOwned::new(tls, tcp);
            let mut reader = BufReader::new(&mut stream);
            let mut line = String::new();
            if reader.read_line(&mut line).is_err() || line.is_empty() {
                log2.lock().unwrap().handshakes_failed += 1;
                continue;
            }
            let (mut thing, mut accept) = (None, None);
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).is_err() {
                    break;
                }
                let h = h.trim_end();
                if h.is_empty() {
                    break;
                }
                if let Some((n, v)) = h.split_once(':') {
                    match n.trim().to_ascii_lowercase().as_str() {
                        "x-amzn-iot-thingname" => thing = Some(v.trim().to_string()),
                        "accept" => accept = Some(v.trim().to_string()),
                        _ => {}
                    }
                }
            }
            let target = line.split_whitespace().nth(1).unwrap_or("").to_string();
            log2.lock()
                .unwrap()
                .requests
                .push((target.clone(), thing, accept));
            let (status, body) = if target == "/role-aliases/sensor-role/credentials" {
                let n = log2.lock().unwrap().requests.len();
                let expires = *now.lock().unwrap() + 3600;
                (
                    200,
                    format!(
                        "{{\"credentials\":{{\"accessKeyId\":\"ASIAIOT{n}\",\
                         \"secretAccessKey\":\"iot-secret\",\"sessionToken\":\"TOKEN-iot\",\
                         \"expiration\":\"{}\"}}}}",
                        iso(expires)
                    ),
                )
            } else {
                (
                    404,
                    "{\"message\":\"Role alias does not exist\"}".to_string(),
                )
            };
            let reply = format!(
                "HTTP/1.1 {status} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\
                 Connection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = stream.write_all(reply.as_bytes());
            stream.conn.send_close_notify();
            let _ = stream.flush();
        }
    });
    (port, log)
}

#[test]
fn device_certificate_gets_credentials_and_refreshes() {
    let server_ca = ca("stratus test server CA");
    let device_ca = ca("stratus test device CA");
    let now = Arc::new(Mutex::new(T0));
    let (port, log) = iot_server(&server_ca, &device_ca, now.clone());
    let (device_cert, device_key) = leaf(&device_ca, "sensor-7");
    let server_roots = server_ca.cert.pem();

    let device = StdTransport::builder()
        .tls(
            TlsSettings::new()
                .without_webpki_roots()
                .with_ca_pem(server_roots.as_bytes())
                .unwrap()
                .with_client_auth(device_cert.as_bytes(), device_key.as_bytes())
                .unwrap(),
        )
        .build()
        .unwrap();
    let clock = TestClock::at(T0);
    let settings = IotSettings::new(&format!("https://localhost:{port}"), "sensor-role")
        .thing_name("sensor-7");
    let p = IotCredentialsProvider::new(settings, Arc::new(device), clock.clone());
    let c = block(p.load()).unwrap();
    println!("iot: {c:?}");
    assert_eq!(c.access_key_id(), "ASIAIOT1");
    assert_eq!(c.session_token(), Some("TOKEN-iot"));
    assert_eq!(c.expiry().map(|t| t.as_secs()), Some(T0 + 3600));
    {
        let log = log.lock().unwrap();
        assert_eq!(
            log.requests[0],
            (
                "/role-aliases/sensor-role/credentials".to_string(),
                Some("sensor-7".to_string()),
                Some("application/json".to_string())
            )
        );
    }
    // Cached, then refreshed inside the advisory window.
    block(p.load()).unwrap();
    assert_eq!(log.lock().unwrap().requests.len(), 1);
    clock.set(T0 + 3600 - 14 * 60);
    *now.lock().unwrap() = T0 + 3600 - 14 * 60;
    let c = block(p.load()).unwrap();
    println!(
        "after the advisory window: {c:?}, requests {}",
        log.lock().unwrap().requests.len()
    );
    assert_eq!(c.access_key_id(), "ASIAIOT2");

    // A role alias the endpoint does not know: its status and message.
    let settings = IotSettings::new(&format!("localhost:{port}"), "other-role");
    let device = StdTransport::builder()
        .tls(
            TlsSettings::new()
                .without_webpki_roots()
                .with_ca_pem(server_roots.as_bytes())
                .unwrap()
                .with_client_auth(device_cert.as_bytes(), device_key.as_bytes())
                .unwrap(),
        )
        .build()
        .unwrap();
    let err =
        block(IotCredentialsProvider::new(settings, Arc::new(device), clock).load()).unwrap_err();
    println!("unknown alias: {err}");
    assert!(matches!(
        err,
        ProviderError::Http {
            source: "iot",
            error: HttpError::Status { status: 404, .. }
        }
    ));
}

#[test]
fn without_a_client_certificate_the_server_refuses() {
    let server_ca = ca("stratus test server CA");
    let device_ca = ca("stratus test device CA");
    let (port, log) = iot_server(&server_ca, &device_ca, Arc::new(Mutex::new(T0)));
    let bare = StdTransport::builder()
        .tls(
            TlsSettings::new()
                .without_webpki_roots()
                .with_ca_pem(server_ca.cert.pem().as_bytes())
                .unwrap(),
        )
        .build()
        .unwrap();
    let settings = IotSettings::new(&format!("https://localhost:{port}"), "sensor-role");
    let err =
        block(IotCredentialsProvider::new(settings, Arc::new(bare), TestClock::at(T0)).load())
            .unwrap_err();
    println!("no client certificate: {err}");
    assert!(
        matches!(
            err,
            ProviderError::Http {
                source: "iot",
                error: HttpError::Transport(_)
            }
        ),
        "{err:?}"
    );
    // A certificate from another CA is refused too.
    let stranger = ca("someone else");
    let (cert, key) = leaf(&stranger, "intruder");
    let other = StdTransport::builder()
        .tls(
            TlsSettings::new()
                .without_webpki_roots()
                .with_ca_pem(server_ca.cert.pem().as_bytes())
                .unwrap()
                .with_client_auth(cert.as_bytes(), key.as_bytes())
                .unwrap(),
        )
        .build()
        .unwrap();
    let settings = IotSettings::new(&format!("https://localhost:{port}"), "sensor-role");
    let err =
        block(IotCredentialsProvider::new(settings, Arc::new(other), TestClock::at(T0)).load())
            .unwrap_err();
    println!("foreign client certificate: {err}");
    assert!(matches!(
        err,
        ProviderError::Http {
            error: HttpError::Transport(_),
            ..
        }
    ));
    // The client sees the server's alert before the server's thread has
    // logged the refused connection, so wait for the log to catch up.
    let log = settled(&log, |l| l.handshakes_failed >= 2);
    println!(
        "requests served: {}, refused connections: {}",
        log.requests.len(),
        log.handshakes_failed
    );
    assert!(log.requests.is_empty(), "no request got past the handshake");
    assert!(log.handshakes_failed >= 2);
}

/// The server's log once `done` holds of it, or after ten seconds if it
/// never does (the caller's assertions then say what is missing).
fn settled<'a>(log: &'a Mutex<Log>, done: impl Fn(&Log) -> bool) -> std::sync::MutexGuard<'a, Log> {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let guard = log.lock().unwrap();
        if done(&guard) || std::time::Instant::now() >= deadline {
            return guard;
        }
        drop(guard);
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
}

#[test]
fn bad_settings_are_typed_errors() {
    let t = Arc::new(StdTransport::new().unwrap());
    for (endpoint, alias) in [
        ("localhost:1", "a/b"),
        ("localhost:1", ""),
        ("ftp://x", "r"),
    ] {
        let err = block(
            IotCredentialsProvider::new(
                IotSettings::new(endpoint, alias),
                t.clone(),
                TestClock::at(T0),
            )
            .load(),
        )
        .unwrap_err();
        println!("{endpoint} {alias:?}: {err}");
        assert!(matches!(
            err,
            ProviderError::Http {
                error: HttpError::InvalidUrl(_),
                ..
            }
        ));
    }
}
