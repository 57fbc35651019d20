//! StdTransport over TLS against rustls servers on 127.0.0.1 whose
//! certificates come from a CA the test makes (rcgen): trusted when the CA
//! is given, and each certificate failure named by kind; mutual TLS with and
//! without a client certificate.

mod net_common;

use net_common::{TestCa, keep_serving, ok_response, request, serve_tls, server_config};
use stratus_core::client::{CertificateError, TransportError};
use stratus_transport_std::net::{BuildError, StdTransport, TlsSettings};

fn with_ca(ca: &TestCa) -> StdTransport {
    let tls = TlsSettings::new().with_ca_pem(ca.pem().as_bytes()).unwrap();
    StdTransport::builder().tls(tls).build().unwrap()
}

#[test]
fn the_test_ca_given_the_server_is_trusted_and_connections_reused() {
    let ca = TestCa::new("stratus test CA");
    let leaf = ca.leaf(&["127.0.0.1", "localhost"], false);
    let server = serve_tls(4, server_config(&leaf, None), |s, _, reqs| {
        keep_serving(s, reqs, |_| ok_response(r#"{"tls":true}"#))
    });
    let t = with_ca(&ca);
    let mut buf = [0u8; 1024];
    for i in 0..3 {
        let raw = t
            .send_blocking(
                &request("https", server.port, "/", &[("Host", "127.0.0.1")], b""),
                &mut buf,
            )
            .unwrap();
        println!(
            "https request {i}: status {} body {:?}",
            raw.status,
            String::from_utf8_lossy(raw.view(&buf).body)
        );
        assert_eq!(raw.view(&buf).body, br#"{"tls":true}"#);
    }
    println!("3 https requests: {} TLS connection(s)", server.accepted());
    assert_eq!(server.accepted(), 1);
}

#[test]
fn without_the_ca_the_issuer_is_unknown() {
    let ca = TestCa::new("stratus test CA");
    let leaf = ca.leaf(&["127.0.0.1"], false);
    let server = serve_tls(1, server_config(&leaf, None), |s, _, reqs| {
        keep_serving(s, reqs, |_| ok_response("{}"))
    });
    let mut buf = [0u8; 1024];
    let err = StdTransport::new()
        .unwrap()
        .send_blocking(&request("https", server.port, "/", &[], b""), &mut buf)
        .unwrap_err();
    println!("webpki roots only: {err:?} ({err})");
    assert_eq!(
        err,
        TransportError::Certificate(CertificateError::UnknownIssuer)
    );
    assert!(server.requests().is_empty());
}

#[test]
fn a_certificate_for_another_name_is_a_name_mismatch() {
    let ca = TestCa::new("stratus test CA");
    let leaf = ca.leaf(&["other.example"], false);
    let server = serve_tls(1, server_config(&leaf, None), |s, _, reqs| {
        keep_serving(s, reqs, |_| ok_response("{}"))
    });
    let mut buf = [0u8; 1024];
    let err = with_ca(&ca)
        .send_blocking(&request("https", server.port, "/", &[], b""), &mut buf)
        .unwrap_err();
    println!("certificate for other.example at 127.0.0.1: {err:?} ({err})");
    assert_eq!(
        err,
        TransportError::Certificate(CertificateError::NameMismatch)
    );
}

#[test]
fn an_expired_certificate_is_expired() {
    let ca = TestCa::new("stratus test CA");
    let leaf = ca.leaf(&["127.0.0.1"], true);
    let server = serve_tls(1, server_config(&leaf, None), |s, _, reqs| {
        keep_serving(s, reqs, |_| ok_response("{}"))
    });
    let mut buf = [0u8; 1024];
    let err = with_ca(&ca)
        .send_blocking(&request("https", server.port, "/", &[], b""), &mut buf)
        .unwrap_err();
    println!("certificate valid 2001-2002: {err:?} ({err})");
    assert_eq!(err, TransportError::Certificate(CertificateError::Expired));
}

#[test]
fn mutual_tls_with_and_without_a_client_certificate() {
    let server_ca = TestCa::new("stratus server CA");
    let client_ca = TestCa::new("stratus client CA");
    let leaf = server_ca.leaf(&["127.0.0.1"], false);
    let device = client_ca.leaf(&["device-1"], false);
    let server = serve_tls(4, server_config(&leaf, Some(&client_ca)), |s, _, reqs| {
        keep_serving(s, reqs, |_| ok_response(r#"{"credentials":{}}"#))
    });
    let mut buf = [0u8; 1024];

    let tls = TlsSettings::new()
        .with_ca_pem(server_ca.pem().as_bytes())
        .unwrap()
        .with_client_auth(device.cert_pem.as_bytes(), device.key_pem.as_bytes())
        .unwrap();
    assert!(!format!("{tls:?}").contains("PRIVATE"));
    let with_cert = StdTransport::builder().tls(tls).build().unwrap();
    let raw = with_cert
        .send_blocking(
            &request(
                "https",
                server.port,
                "/role-aliases/r/credentials",
                &[],
                b"",
            ),
            &mut buf,
        )
        .unwrap();
    println!("with the device certificate: status {}", raw.status);
    assert_eq!(raw.status, 200);

    let err = with_ca(&server_ca)
        .send_blocking(
            &request(
                "https",
                server.port,
                "/role-aliases/r/credentials",
                &[],
                b"",
            ),
            &mut buf,
        )
        .unwrap_err();
    println!("without a client certificate: {err:?} ({err})");
    assert_eq!(err, TransportError::Certificate(CertificateError::Refused));

    // A certificate from a CA the server does not trust is refused too.
    let stranger = TestCa::new("stranger CA").leaf(&["device-2"], false);
    let tls = TlsSettings::new()
        .with_ca_pem(server_ca.pem().as_bytes())
        .unwrap()
        .with_client_auth(stranger.cert_pem.as_bytes(), stranger.key_pem.as_bytes())
        .unwrap();
    let err = StdTransport::builder()
        .tls(tls)
        .build()
        .unwrap()
        .send_blocking(&request("https", server.port, "/", &[], b""), &mut buf)
        .unwrap_err();
    println!("with an untrusted client certificate: {err:?}");
    assert_eq!(err, TransportError::Certificate(CertificateError::Refused));
    assert_eq!(server.requests().len(), 1);
}

#[test]
fn bad_pem_is_a_build_error() {
    let ca = TestCa::new("stratus test CA");
    let leaf = ca.leaf(&["device"], false);
    let cases = [
        (
            TlsSettings::new().with_ca_pem(b"no pem here").unwrap_err(),
            BuildError::NoCertificates { what: "CA bundle" },
        ),
        (
            TlsSettings::new()
                .with_ca_pem(b"-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----\n")
                .unwrap_err(),
            BuildError::BadPem { what: "CA bundle" },
        ),
        (
            TlsSettings::new()
                .with_client_auth(leaf.cert_pem.as_bytes(), b"")
                .unwrap_err(),
            BuildError::NoPrivateKey,
        ),
        (
            TlsSettings::new()
                .with_ca_file("/nonexistent/stratus-ca.pem")
                .unwrap_err(),
            BuildError::ReadFile {
                path: "/nonexistent/stratus-ca.pem".into(),
                error: std::io::ErrorKind::NotFound,
            },
        ),
        (
            TlsSettings::new()
                .without_webpki_roots()
                .client_config()
                .unwrap_err(),
            BuildError::NoRoots,
        ),
    ];
    for (got, want) in cases {
        println!("{got}");
        assert_eq!(got, want);
    }
    // A key that is not the certificate's.
    let other = ca.leaf(&["other"], false);
    let err = TlsSettings::new()
        .with_client_auth(leaf.cert_pem.as_bytes(), other.key_pem.as_bytes())
        .unwrap_err();
    println!("mismatched key: {err}");
    assert!(matches!(err, BuildError::Tls(_)));
}

#[cfg(feature = "platform-roots")]
#[test]
fn the_platform_roots_load() {
    // Roots from the OS store (`--features platform-roots`); the test CA is
    // not among them.
    let ca = TestCa::new("stratus test CA");
    let leaf = ca.leaf(&["127.0.0.1"], false);
    let server = serve_tls(1, server_config(&leaf, None), |s, _, reqs| {
        keep_serving(s, reqs, |_| ok_response("{}"))
    });
    let tls = TlsSettings::new()
        .without_webpki_roots()
        .with_platform_roots();
    let t = StdTransport::builder().tls(tls).build().unwrap();
    let mut buf = [0u8; 1024];
    let err = t
        .send_blocking(&request("https", server.port, "/", &[], b""), &mut buf)
        .unwrap_err();
    println!("platform roots only: {err:?}");
    assert_eq!(
        err,
        TransportError::Certificate(CertificateError::UnknownIssuer)
    );
}
