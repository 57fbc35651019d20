//! TLS against moto: the server runs with a certificate from a CA this test
//! makes (`moto_server --ssl-cert --ssl-key`). With that CA given, calls
//! succeed and moto checks their signatures; without it, the transport refuses
//! the unknown issuer; for a host name the certificate does not name, it
//! refuses the mismatch. Each is a typed certificate error, not a panic.

use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, SanType};
use stratus_core::client::{
    Buffers, CallError, CertificateError, Client, ClientConfig, TransportError,
};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_tests::moto::{Moto, MotoTls};
use stratus_transport_std::SystemClock;
use stratus_transport_std::net::{StdTransport, TlsSettings};

/// A CA and a server certificate for `localhost` only, as PEM files in `dir`.
fn make_certs(dir: &std::path::Path) -> MotoTls {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca.distinguished_name
        .push(DnType::CommonName, "stratus test CA");
    ca.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca_cert = ca.self_signed(&ca_key).unwrap();
    let key = KeyPair::generate().unwrap();
    let mut leaf = CertificateParams::new(vec!["localhost".to_string()]).unwrap();
    leaf.subject_alt_names = vec![SanType::DnsName("localhost".try_into().unwrap())];
    leaf.distinguished_name
        .push(DnType::CommonName, "localhost");
    let cert = leaf.signed_by(&key, &ca_cert, &ca_key).unwrap();
    let tls = MotoTls {
        cert: dir.join("server.pem"),
        key: dir.join("server.key"),
        ca: dir.join("ca.pem"),
    };
    std::fs::write(&tls.cert, cert.pem()).unwrap();
    std::fs::write(&tls.key, key.serialize_pem()).unwrap();
    std::fs::write(&tls.ca, ca_cert.pem()).unwrap();
    tls
}

fn list_streams(
    endpoint: &str,
    transport: &StdTransport,
    moto: &Moto,
) -> Result<u16, TransportError> {
    let creds = StaticCredentials::new(
        Credentials::new(&moto.access_key_id, &moto.secret_access_key, None, None).unwrap(),
    );
    let config = ClientConfig::default()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .retries(stratus_core::retry::RetryConfig {
            mode: stratus_core::retry::RetryMode::Standard,
            max_attempts: Some(1),
        });
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        config,
        transport,
        creds,
        SystemClock,
    );
    let mut bufs = Box::new(Buffers::<8192, 16384>::new());
    match embassy_futures::block_on(client.call(
        "ListStreams",
        &stratus_core::client::test_support::Empty,
        bufs.workspace(),
    )) {
        Ok(out) => Ok(out.status()),
        Err(CallError::Transport { error, .. }) => Err(error),
        Err(e) => panic!("unexpected: {e}"),
    }
}

#[test]
fn tls_to_moto_verifies_the_certificate() {
    let dir = tempfile::tempdir().unwrap();
    let tls = make_certs(dir.path());
    let moto = Moto::start_tls(&tls).expect("moto starts with TLS");
    let with_ca = StdTransport::builder()
        .tls(TlsSettings::new().with_ca_file(&tls.ca).unwrap())
        .build()
        .unwrap();
    let without_ca = StdTransport::new().unwrap();

    assert_eq!(list_streams(&moto.endpoint, &with_ca, &moto), Ok(200));
    let unknown = list_streams(&moto.endpoint, &without_ca, &moto);
    assert_eq!(
        unknown,
        Err(TransportError::Certificate(CertificateError::UnknownIssuer))
    );
    let by_ip = format!("https://127.0.0.1:{}", moto.port);
    let mismatch = list_streams(&by_ip, &with_ca, &moto);
    assert_eq!(
        mismatch,
        Err(TransportError::Certificate(CertificateError::NameMismatch))
    );
    println!(
        "TLS to moto: with the test CA 200; without it {}; by IP address {}",
        unknown.unwrap_err(),
        mismatch.unwrap_err()
    );
}
