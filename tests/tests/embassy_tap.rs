//! The embassy transport for real: `stratus-transport-embassy` under
//! embassy-executor (std platform) with embassy-net on a TAP device, inside a
//! network namespace each test makes and removes.
//!
//! In the namespace: the TAP device's kernel side is 10.42.0.1/24, the
//! device (embassy-net, static) 10.42.0.2/24; a small DNS server on
//! 10.42.0.1:53 answers `moto.stratus.test` with 10.42.0.1; moto listens on
//! 10.42.0.1 with TLS, its certificate from a test CA (rcgen) naming
//! `moto.stratus.test`. Every address of the run lives in the namespace.
//!
//! * `embassy_tap_moto_over_tls`: 100 Kinesis PutRecord and 10 IoT Data
//!   Publish through the pipeline, each signature checked by moto, over TLS
//!   1.3 with embedded-tls verifying moto's certificate against the test CA
//!   (and 5 more with its public key pinned), and 20 more over kept
//!   `TlsSession`s (moto closes each connection after its response, so
//!   each call opens one); moto's stream is then read back with boto3 and
//!   must hold every record.
//! * `embassy_tap_faults`: a certificate from another CA, a wrong pin, a
//!   certificate for another name, an expired one, a server closing mid
//!   response (plain and TLS), one that never answers, an address nobody
//!   has, a closed port and an unknown name each give their typed error, and
//!   the next PutRecord on the same transport succeeds; plain-HTTP keep-alive
//!   is counted on a local server; mutual TLS (a server wanting a client
//!   certificate) answers with the device's certificate and refuses without;
//!   a `TlsSession` to a keep-alive TLS server sends five requests on one
//!   handshake, refuses another port, ends with a typed error when the
//!   server cuts it, and a new one opens from the same resources.
//! * `embassy_tap_iot_credentials`: the core's AWS IoT credentials provider
//!   over this transport with mutual TLS, from a small endpoint in the
//!   namespace handing out role credentials made by moto's STS; PutRecord
//!   signed with them is accepted by moto.
//!
//! They need root and `/dev/net/tun`; without them they fail saying which is
//! missing.

use std::future::Future;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, TcpListener, UdpSocket};
use std::path::Path;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, mpsc};
use std::time::Duration;

use embassy_net::{Config, Ipv4Cidr, Stack, StackResources, StaticConfigV4};
use embassy_net_tuntap::TunTapDevice;
use rand_core::OsRng;
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, KeyPair};
use sha2::{Digest, Sha256};
use stratus_core::client::{
    Buffers, CallError, CertificateError, Client, ClientConfig, HttpRequest, Timeouts, Transport,
    TransportError,
};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_core::http::SliceSource;
use stratus_core::retry::{RetryConfig, RetryMode};
use stratus_core::time::UnixTime;
use stratus_models::iot_data::types::PublishRequest;
use stratus_models::kinesis::types::{CreateStreamInput, PutRecordInput};
use stratus_tests::moto::{Moto, MotoTls};
use stratus_tests::netns::{CHILD_ENV, Netns};
use stratus_transport_embassy::tls::{ClientIdentity, TlsSettings, Trust};
use stratus_transport_embassy::{EmbassyClock, EmbassyTransport, Resources, TlsSession};

const TAP: &str = "tap0";
const KERNEL_IP: Ipv4Addr = Ipv4Addr::new(10, 42, 0, 1);
const DEVICE_IP: Ipv4Addr = Ipv4Addr::new(10, 42, 0, 2);
const MOTO_NAME: &str = "moto.stratus.test";

/// Runs `test` inside a new namespace with the TAP device, or, in the
/// namespace, says to go on.
fn in_namespace(test: &str, tag: &str) -> bool {
    if std::env::var_os(CHILD_ENV).is_some() {
        return true;
    }
    let ns = Netns::create(tag).unwrap_or_else(|e| panic!("{e}"));
    ns.add_tap(TAP, &format!("{KERNEL_IP}/24"))
        .unwrap_or_else(|e| panic!("{e}"));
    let out = ns.run_test(test, &[]).unwrap_or_else(|e| panic!("{e}"));
    print!("{}", String::from_utf8_lossy(&out.stdout));
    eprint!("{}", String::from_utf8_lossy(&out.stderr));
    assert!(
        out.status.success(),
        "the run inside namespace {} failed ({})",
        ns.name(),
        out.status
    );
    false
}

// ---------------------------------------------------------------- certificates

struct Pki {
    ca_key: KeyPair,
    ca: rcgen::Certificate,
}

/// A certificate and its key, DER and as moto takes them (PEM files).
struct Leaf {
    der: Vec<u8>,
    key_der: Vec<u8>,
    spki_sha256: [u8; 32],
    /// Intermediates the server sends after the leaf.
    intermediates: Vec<Vec<u8>>,
}

impl Pki {
    fn new(name: &str) -> Pki {
        let ca_key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, name);
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = params.self_signed(&ca_key).unwrap();
        Pki { ca_key, ca }
    }

    fn ca_der(&self) -> Vec<u8> {
        self.ca.der().to_vec()
    }

    /// A leaf for `names` (DNS names or IP addresses), valid until
    /// `not_after` (rcgen's far-future default when `None`).
    fn leaf(&self, names: &[&str], not_after: Option<(i32, u8, u8)>) -> (Leaf, String, String) {
        let key = KeyPair::generate().unwrap();
        let mut params =
            CertificateParams::new(names.iter().map(|s| s.to_string()).collect::<Vec<_>>())
                .unwrap();
        params.distinguished_name.push(DnType::CommonName, names[0]);
        if let Some((y, m, d)) = not_after {
            params.not_before = rcgen::date_time_ymd(y - 1, m, d);
            params.not_after = rcgen::date_time_ymd(y, m, d);
        }
        let cert = params.signed_by(&key, &self.ca, &self.ca_key).unwrap();
        let spki_sha256 = Sha256::digest(key.public_key_der()).into();
        (
            Leaf {
                der: cert.der().to_vec(),
                key_der: key.serialize_der(),
                spki_sha256,
                intermediates: Vec::new(),
            },
            cert.pem(),
            key.serialize_pem(),
        )
    }
}

/// An RSA chain for `MOTO_NAME`: a root (RSA 4096, signing with SHA-512),
/// an intermediate (RSA 3072, SHA-384) and a leaf (RSA 2048), from the test
/// keys in `transport-embassy/testdata`. Returns the root (DER) and the leaf.
fn rsa_chain() -> (Vec<u8>, Leaf) {
    use rcgen::{PKCS_RSA_SHA256, PKCS_RSA_SHA384, PKCS_RSA_SHA512, SignatureAlgorithm};
    let pair = |der: &[u8], alg: &'static SignatureAlgorithm| {
        KeyPair::from_pkcs8_der_and_sign_algo(&der.to_vec().into(), alg).unwrap()
    };
    let root_key = pair(
        include_bytes!("../../transport-embassy/testdata/rsa-4096.pk8.der"),
        &PKCS_RSA_SHA512,
    );
    let int_key = pair(
        include_bytes!("../../transport-embassy/testdata/rsa-3072.pk8.der"),
        &PKCS_RSA_SHA384,
    );
    let leaf_key = pair(
        include_bytes!("../../transport-embassy/testdata/rsa-2048.pk8.der"),
        &PKCS_RSA_SHA256,
    );
    let ca = |name: &str| {
        let mut p = CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name.push(DnType::CommonName, name);
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        p
    };
    let root = ca("stratus test RSA root").self_signed(&root_key).unwrap();
    let int = ca("stratus test RSA intermediate")
        .signed_by(&int_key, &root, &root_key)
        .unwrap();
    let leaf = CertificateParams::new(vec![MOTO_NAME.to_string()])
        .unwrap()
        .signed_by(&leaf_key, &int, &int_key)
        .unwrap();
    (
        root.der().to_vec(),
        Leaf {
            der: leaf.der().to_vec(),
            key_der: leaf_key.serialize_der(),
            spki_sha256: Sha256::digest(leaf_key.public_key_der()).into(),
            intermediates: vec![int.der().to_vec()],
        },
    )
}

fn moto_tls(dir: &Path, pki: &Pki) -> (MotoTls, Leaf) {
    let (leaf, cert_pem, key_pem) = pki.leaf(&[MOTO_NAME, &KERNEL_IP.to_string()], None);
    let tls = MotoTls {
        cert: dir.join("moto.pem"),
        key: dir.join("moto.key"),
        ca: dir.join("ca.pem"),
    };
    std::fs::write(&tls.cert, cert_pem).unwrap();
    std::fs::write(&tls.key, key_pem).unwrap();
    std::fs::write(&tls.ca, pki.ca.pem()).unwrap();
    (tls, leaf)
}

// ------------------------------------------------------------------------ DNS

/// Answers A queries for `MOTO_NAME` with `KERNEL_IP`, NXDOMAIN otherwise;
/// counts the queries answered.
fn start_dns() -> Arc<AtomicU32> {
    let socket = UdpSocket::bind((KERNEL_IP, 53)).expect("DNS server binds 10.42.0.1:53");
    let answered = Arc::new(AtomicU32::new(0));
    let count = answered.clone();
    std::thread::spawn(move || {
        let mut buf = [0u8; 512];
        while let Ok((n, from)) = socket.recv_from(&mut buf) {
            if let Some(reply) = dns_reply(&buf[..n]) {
                let _ = socket.send_to(&reply, from);
                count.fetch_add(1, Ordering::SeqCst);
            }
        }
    });
    answered
}

fn dns_reply(query: &[u8]) -> Option<Vec<u8>> {
    if query.len() < 12 {
        return None;
    }
    // The question: labels up to the root, then type and class.
    let mut at = 12;
    let mut labels = Vec::new();
    loop {
        let len = usize::from(*query.get(at)?);
        at += 1;
        if len == 0 {
            break;
        }
        labels.push(String::from_utf8_lossy(query.get(at..at + len)?).to_ascii_lowercase());
        at += len;
    }
    let qtype = u16::from_be_bytes([*query.get(at)?, *query.get(at + 1)?]);
    let question_end = at + 4;
    let known = labels.join(".") == MOTO_NAME && qtype == 1;
    let mut reply = query[..2].to_vec();
    reply.extend_from_slice(&[0x81, if known { 0x80 } else { 0x83 }]);
    reply.extend_from_slice(&[0, 1, 0, u8::from(known), 0, 0, 0, 0]);
    reply.extend_from_slice(query.get(12..question_end)?);
    if known {
        reply.extend_from_slice(&[0xc0, 12, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4]);
        reply.extend_from_slice(&KERNEL_IP.octets());
    }
    Some(reply)
}

// ------------------------------------------------------------- the device side

static DONE: AtomicBool = AtomicBool::new(false);

#[embassy_executor::task]
async fn net_task(mut runner: embassy_net::Runner<'static, TunTapDevice>) -> ! {
    runner.run().await
}

#[embassy_executor::task]
async fn scenario_task(scenario: Pin<Box<dyn Future<Output = ()>>>) {
    scenario.await;
    DONE.store(true, Ordering::SeqCst);
}

/// Runs `scenario` on an embassy-net stack over the TAP device, under
/// embassy-executor in its own thread; returns what it sends, or fails after
/// `limit`.
fn run_device<T: Send + 'static>(
    limit: Duration,
    scenario: impl FnOnce(Stack<'static>, mpsc::Sender<T>) -> Pin<Box<dyn Future<Output = ()>>>
    + Send
    + 'static,
) -> T {
    let (tx, rx) = mpsc::channel();
    // Debug builds of the handshake and the pipeline want a deep stack.
    let thread = std::thread::Builder::new().stack_size(64 << 20);
    let _ = thread.spawn(move || {
        let device = TunTapDevice::new(TAP).expect("the TAP device opens");
        let mut ip = StaticConfigV4 {
            address: Ipv4Cidr::new(DEVICE_IP, 24),
            gateway: None,
            dns_servers: Default::default(),
        };
        ip.dns_servers.push(KERNEL_IP).unwrap();
        let resources = Box::leak(Box::new(StackResources::<8>::new()));
        let (stack, runner) = embassy_net::new(
            device,
            Config::ipv4_static(ip),
            resources,
            rand_core::RngCore::next_u64(&mut OsRng),
        );
        let future = scenario(stack, tx);
        let executor = Box::leak(Box::new(embassy_executor::Executor::new()));
        executor.run_until(
            |spawner| {
                spawner.spawn(net_task(runner).unwrap());
                spawner.spawn(scenario_task(future).unwrap());
            },
            || DONE.load(Ordering::SeqCst),
        );
    });
    rx.recv_timeout(limit)
        .unwrap_or_else(|e| panic!("the device run gave no result within {limit:?}: {e}"))
}

fn client_config(endpoint: &str) -> ClientConfig {
    ClientConfig::default()
        .region("us-east-1")
        .endpoint_url(endpoint)
        .retries(RetryConfig {
            mode: RetryMode::Standard,
            max_attempts: Some(1),
        })
}

fn describe<T>(r: &Result<T, CallError<'_>>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(CallError::Service(out)) => {
            format!("service error {:?} ({})", out.error_code(), out.status())
        }
        Err(e) => e.to_string(),
    }
}

/// One PutRecord through the pipeline; its status or what failed.
async fn put_record<T: Transport>(
    transport: &T,
    creds: &StaticCredentials,
    endpoint: &str,
    data: &[u8],
) -> Result<u16, String> {
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        client_config(endpoint),
        transport,
        creds,
        EmbassyClock::new(),
    );
    let mut bufs = Box::new(Buffers::<8192, 16384>::new());
    let input = PutRecordInput {
        stream_name: Some("readings"),
        data,
        partition_key: "dev-1",
        ..Default::default()
    };
    let r = client.call("PutRecord", &input, bufs.workspace()).await;
    match r {
        Ok(out) if out.status() == 200 => Ok(out.status()),
        other => Err(describe(&other)),
    }
}

/// The device's resources in these tests: 8 KiB socket windows, TLS records
/// up to 16 KiB in, 8 KiB out.
type TestResources = Resources<8192, 8192, 16640, 8192>;

/// A [`TlsSession`] to `MOTO_NAME:port`, trusting the test CA `ca`.
async fn open_session<'b>(
    stack: Stack<'b>,
    resources: &'b mut TestResources,
    ca: &[u8],
    port: u16,
    timeouts: Timeouts,
) -> Result<TlsSession<'b>, TransportError> {
    let settings = TlsSettings::new(Trust::Ca(ca));
    TlsSession::open(
        stack, resources, &mut OsRng, &settings, MOTO_NAME, port, timeouts,
    )
    .await
}

// ------------------------------------------------------------ the moto run

struct RunReport {
    created: Result<u16, String>,
    puts_ok: u32,
    put_failures: Vec<String>,
    publishes_ok: u32,
    publish_failures: Vec<String>,
    pinned_ok: u32,
    pinned_failures: Vec<String>,
    stats: stratus_transport_embassy::Stats,
    learned_time: bool,
    /// PutRecords over kept TLS sessions: successes, failures, sessions
    /// opened, requests sent on an open session.
    session: (u32, Vec<String>, u32, u32),
}

#[test]
fn embassy_tap_moto_over_tls() {
    if !in_namespace("embassy_tap_moto_over_tls", "moto") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("stratus test CA");
    let (tls, leaf) = moto_tls(dir.path(), &pki);
    let moto = Moto::start_in_netns(KERNEL_IP.into(), MOTO_NAME, &tls).expect("moto starts");
    let dns = start_dns();
    let ca: &'static [u8] = Box::leak(pki.ca_der().into_boxed_slice());
    let endpoint = moto.endpoint.clone();
    let moto_port = moto.port;
    let (key_id, secret) = (moto.access_key_id.clone(), moto.secret_access_key.clone());
    let pin = leaf.spki_sha256;

    let report = run_device(Duration::from_secs(600), move |stack, tx| {
        Box::pin(async move {
            let creds =
                StaticCredentials::new(Credentials::new(&key_id, &secret, None, None).unwrap());
            let mut resources = Box::new(TestResources::new());
            let transport = EmbassyTransport::new(stack, &mut *resources, OsRng)
                .with_tls(TlsSettings::new(Trust::Ca(ca)));
            let clock = EmbassyClock::new();
            assert_eq!(
                stratus_core::time::Clock::now(&clock),
                None,
                "no wall time set"
            );

            let kinesis = Client::new(
                &stratus_models::kinesis::ENTRY,
                client_config(&endpoint),
                &transport,
                &creds,
                clock,
            );
            let mut bufs = Box::new(Buffers::<8192, 16384>::new());
            let create = CreateStreamInput {
                stream_name: "readings",
                shard_count: Some(1),
                ..Default::default()
            };
            let created = match kinesis
                .call("CreateStream", &create, bufs.workspace())
                .await
            {
                Ok(out) => Ok(out.status()),
                other => Err(describe(&other)),
            };

            let (mut puts_ok, mut put_failures) = (0, Vec::new());
            for i in 0..100 {
                let data = format!("reading={i}");
                let input = PutRecordInput {
                    stream_name: Some("readings"),
                    data: data.as_bytes(),
                    partition_key: "dev-1",
                    ..Default::default()
                };
                match kinesis.call("PutRecord", &input, bufs.workspace()).await {
                    Ok(out) if out.status() == 200 => puts_ok += 1,
                    other => put_failures.push(format!("PutRecord {i}: {}", describe(&other))),
                }
            }

            let iot = Client::new(
                &stratus_models::iot_data::ENTRY,
                client_config(&endpoint),
                &transport,
                &creds,
                clock,
            );
            let (mut publishes_ok, mut publish_failures) = (0, Vec::new());
            for i in 0..10 {
                let payload = format!("{{\"t\":{i}}}");
                let input = PublishRequest {
                    topic: "sensors",
                    payload: Some(payload.as_bytes()),
                    ..Default::default()
                };
                match iot.call("Publish", &input, bufs.workspace()).await {
                    Ok(out) if out.status() == 200 => publishes_ok += 1,
                    other => publish_failures.push(format!("Publish {i}: {}", describe(&other))),
                }
            }
            let stats = transport.stats();

            // The same server, its public key pinned instead of the CA.
            let mut pinned_resources = Box::new(TestResources::new());
            let pinned = EmbassyTransport::new(stack, &mut *pinned_resources, OsRng)
                .with_tls(TlsSettings::new(Trust::PinnedKey(pin)));
            let (mut pinned_ok, mut pinned_failures) = (0, Vec::new());
            for i in 0..5 {
                let data = format!("pinned={i}");
                match put_record(&pinned, &creds, &endpoint, data.as_bytes()).await {
                    Ok(_) => pinned_ok += 1,
                    Err(e) => pinned_failures.push(e),
                }
            }
            // Kept TLS sessions: one handshake for as many PutRecords as
            // the server keeps the connection open; a closed session is
            // replaced from the same resources.
            let mut session_resources = Box::new(TestResources::new());
            let (mut sent, mut session_ok, mut session_failures) = (0, 0, Vec::new());
            let (mut sessions, mut session_reused) = (0, 0);
            while sent < 20 && sessions < 25 {
                sessions += 1;
                let opened = open_session(
                    stack,
                    &mut session_resources,
                    ca,
                    moto_port,
                    Timeouts::default(),
                )
                .await;
                let session = match opened {
                    Ok(s) => s,
                    Err(e) => {
                        session_failures.push(format!("open: {e}"));
                        continue;
                    }
                };
                let client = Client::new(
                    &stratus_models::kinesis::ENTRY,
                    client_config(&endpoint),
                    &session,
                    &creds,
                    clock,
                );
                while session.is_open() && sent < 20 {
                    sent += 1;
                    let data = format!("session={sent}");
                    let input = PutRecordInput {
                        stream_name: Some("readings"),
                        data: data.as_bytes(),
                        partition_key: "dev-1",
                        ..Default::default()
                    };
                    match client.call("PutRecord", &input, bufs.workspace()).await {
                        Ok(out) if out.status() == 200 => session_ok += 1,
                        other => {
                            session_failures.push(format!("PutRecord {sent}: {}", describe(&other)))
                        }
                    }
                }
                session_reused += session.stats().reused;
                session.close().await;
            }

            let _ = tx.send(RunReport {
                session: (session_ok, session_failures, sessions, session_reused),
                created,
                puts_ok,
                put_failures,
                publishes_ok,
                publish_failures,
                pinned_ok,
                pinned_failures,
                stats,
                learned_time: stratus_core::time::Clock::now(&clock).is_none(),
            });
        })
    });

    // moto's own account of the stream, read with boto3 by address.
    let stored = moto
        .python(&format!(
            "import boto3\n\
             k = boto3.client('kinesis', region_name='us-east-1', endpoint_url='https://{KERNEL_IP}:{port}', verify='{ca}')\n\
             shard = k.list_shards(StreamName='readings')['Shards'][0]['ShardId']\n\
             it = k.get_shard_iterator(StreamName='readings', ShardId=shard, ShardIteratorType='TRIM_HORIZON')['ShardIterator']\n\
             print(len(k.get_records(ShardIterator=it, Limit=1000)['Records']))",
            port = moto.port,
            ca = tls.ca.display()
        ))
        .map(|s| s.trim().to_string());
    let queries = dns.load(Ordering::SeqCst);
    println!(
        "embassy over TAP, TLS 1.3 (embedded-tls, test CA): CreateStream {:?}; \
         PutRecord {}/100 ok; IoT Data Publish {}/10 ok; pinned key: PutRecord {}/5 ok; \
         {} TCP connections, {} TLS handshakes, {} reused; DNS queries answered: {queries}; \
         records moto holds: {stored:?}; wall time still unset (learned from Date): {}",
        report.created,
        report.puts_ok,
        report.publishes_ok,
        report.pinned_ok,
        report.stats.connections,
        report.stats.handshakes,
        report.stats.reused,
        report.learned_time,
    );
    for f in report
        .put_failures
        .iter()
        .chain(&report.publish_failures)
        .chain(&report.pinned_failures)
        .take(5)
    {
        println!("  failure: {f}");
    }
    assert_eq!(report.created, Ok(200));
    assert_eq!(report.puts_ok, 100, "{:?}", report.put_failures);
    assert_eq!(report.publishes_ok, 10, "{:?}", report.publish_failures);
    assert_eq!(report.pinned_ok, 5, "{:?}", report.pinned_failures);
    assert!(report.stats.handshakes >= 111, "{:?}", report.stats);
    assert!(queries >= 1, "the transport looked the name up through DNS");
    let (session_ok, session_failures, sessions, session_reused) = &report.session;
    println!(
        "kept TLS sessions: PutRecord {session_ok}/20 ok over {sessions} session(s) \
         (one handshake each; moto closes after each response), {session_reused} request(s) \
         on an already open session"
    );
    assert_eq!(*session_ok, 20, "{session_failures:?}");
    // moto answers `Connection: close`: each session ends after its
    // response, and the next call opens a new one (reuse itself is shown
    // against a keep-alive TLS server in `embassy_tap_faults`).
    assert_eq!(
        sessions + session_reused,
        20,
        "every request opened a session or reused one"
    );
    assert_eq!(stored, Ok("125".to_string()), "moto holds every record");
}

// ------------------------------------------------------------------ the faults

/// What a local fault server does with each connection.
#[derive(Clone, Copy, Debug)]
enum Behaviour {
    /// Answers every request on the connection with a small 200 (keep-alive).
    Answer,
    /// Sends the head and part of the body, then closes.
    CloseMidResponse,
    /// Reads the request and never answers.
    Silent,
    /// Answers every request with 200 and this JSON, noting each request
    /// head in `HEADS`.
    Json(&'static str),
}

/// Request heads the `Json` servers saw.
static HEADS: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

/// Reads one request head (and a Content-Length body); false at the end.
fn read_request(stream: &mut impl Read) -> bool {
    read_head(stream).is_some()
}

/// Reads one request (head and Content-Length body); its head.
fn read_head(stream: &mut impl Read) -> Option<String> {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        match stream.read(&mut byte) {
            Ok(1) => head.push(byte[0]),
            _ => return None,
        }
    }
    let text = String::from_utf8_lossy(&head).to_ascii_lowercase();
    let len = text
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = vec![0u8; len];
    stream.read_exact(&mut body).ok()?;
    Some(String::from_utf8_lossy(&head).into_owned())
}

fn serve(stream: &mut (impl Read + Write), behaviour: Behaviour) {
    match behaviour {
        Behaviour::Answer => {
            while read_request(stream) {
                if stream
                    .write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
                    .and_then(|_| stream.flush())
                    .is_err()
                {
                    return;
                }
            }
        }
        Behaviour::CloseMidResponse => {
            if read_request(stream) {
                let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{\"par");
                let _ = stream.flush();
            }
        }
        Behaviour::Json(json) => {
            while let Some(head) = read_head(stream) {
                HEADS.lock().unwrap().push(head);
                let reply = format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{json}",
                    json.len()
                );
                if stream
                    .write_all(reply.as_bytes())
                    .and_then(|_| stream.flush())
                    .is_err()
                {
                    return;
                }
            }
        }
        Behaviour::Silent => {
            if read_request(stream) {
                std::thread::sleep(Duration::from_secs(30));
            }
        }
    }
}

/// A plain server on 10.42.0.1; its port and a count of connections.
fn plain_server(behaviour: Behaviour) -> (u16, Arc<AtomicU32>) {
    let listener = TcpListener::bind((KERNEL_IP, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    let accepted = Arc::new(AtomicU32::new(0));
    let count = accepted.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            count.fetch_add(1, Ordering::SeqCst);
            std::thread::spawn(move || {
                let mut stream = stream;
                serve(&mut stream, behaviour);
            });
        }
    });
    (port, accepted)
}

/// A TLS 1.3 server (rustls) on 10.42.0.1 showing `leaf`; its port. With
/// `client_ca`, it wants a client certificate signed by that CA (DER).
fn tls_server(leaf: &Leaf, behaviour: Behaviour, client_ca: Option<&[u8]>) -> u16 {
    use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let builder = rustls::ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&[&rustls::version::TLS13])
        .unwrap();
    let builder = match client_ca {
        None => builder.with_no_client_auth(),
        Some(ca) => {
            let mut roots = rustls::RootCertStore::empty();
            roots.add(CertificateDer::from(ca.to_vec())).unwrap();
            let verifier = rustls::server::WebPkiClientVerifier::builder_with_provider(
                Arc::new(roots),
                provider,
            )
            .build()
            .unwrap();
            builder.with_client_cert_verifier(verifier)
        }
    };
    let chain = std::iter::once(&leaf.der)
        .chain(&leaf.intermediates)
        .map(|der| CertificateDer::from(der.clone()))
        .collect();
    let config = builder
        .with_single_cert(
            chain,
            PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(leaf.key_der.clone())),
        )
        .unwrap();
    let config = Arc::new(config);
    let listener = TcpListener::bind((KERNEL_IP, 0)).unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let config = config.clone();
            std::thread::spawn(move || {
                let Ok(conn) = rustls::ServerConnection::new(config) else {
                    return;
                };
                let mut tls = rustls::StreamOwned::new(conn, stream);
                serve(&mut tls, behaviour);
                tls.conn.send_close_notify();
                let _ = tls.flush();
            });
        }
    });
    port
}

/// One GET straight through the transport (no pipeline, no retries).
async fn get<T: Transport>(
    transport: &T,
    scheme: &str,
    host: &str,
    port: u16,
    timeouts: Timeouts,
) -> Result<u16, TransportError> {
    let authority = format!("{host}:{port}");
    let headers = [("Host", authority.as_str())];
    let request = HttpRequest {
        method: "GET",
        scheme,
        host,
        port: Some(port),
        target: "/",
        headers: (&headers).into(),
        body: b"",
        timeouts,
    };
    let mut buf = vec![0u8; 4096];
    transport.send(&request, &mut buf).await.map(|r| r.status)
}

struct Fault {
    name: &'static str,
    expected: Result<u16, TransportError>,
    got: Result<u16, TransportError>,
    next_call: Result<u16, String>,
}

#[test]
fn embassy_tap_faults() {
    if !in_namespace("embassy_tap_faults", "faults") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("stratus test CA");
    let (tls, moto_leaf) = moto_tls(dir.path(), &pki);
    let moto = Moto::start_in_netns(KERNEL_IP.into(), MOTO_NAME, &tls).expect("moto starts");
    // The stream the good calls write to, made with boto3.
    moto.python(&format!(
        "import boto3\n\
         boto3.client('kinesis', region_name='us-east-1', endpoint_url='https://{KERNEL_IP}:{}', \
         verify='{}').create_stream(StreamName='readings', ShardCount=1)",
        moto.port,
        tls.ca.display()
    ))
    .expect("the stream is made");
    let _dns = start_dns();

    let other_ca = Pki::new("another CA");
    let (foreign, _, _) = other_ca.leaf(&[MOTO_NAME], None);
    let (misnamed, _, _) = pki.leaf(&["other.stratus.test"], None);
    let (expired, _, _) = pki.leaf(&[MOTO_NAME], Some((2020, 1, 1)));
    let (valid, _, _) = pki.leaf(&[MOTO_NAME], None);
    let ports = [
        tls_server(&foreign, Behaviour::Answer, None),
        tls_server(&misnamed, Behaviour::Answer, None),
        tls_server(&expired, Behaviour::Answer, None),
        tls_server(&valid, Behaviour::CloseMidResponse, None),
        tls_server(&valid, Behaviour::Answer, Some(&pki.ca_der())),
        tls_server(&valid, Behaviour::Answer, None),
    ];
    // An RSA chain (the handshake then signs with RSA-PSS).
    let (rsa_root, rsa_leaf) = rsa_chain();
    let rsa_port = tls_server(&rsa_leaf, Behaviour::Answer, None);
    let rsa_root: &'static [u8] = Box::leak(rsa_root.into_boxed_slice());
    let (device, _, _) = pki.leaf(&["device-1.stratus.test"], None);
    let (cut_port, _) = plain_server(Behaviour::CloseMidResponse);
    let (silent_port, _) = plain_server(Behaviour::Silent);
    let (keep_port, keep_accepted) = plain_server(Behaviour::Answer);
    let closed_port = TcpListener::bind((KERNEL_IP, 0))
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let ca: &'static [u8] = Box::leak(pki.ca_der().into_boxed_slice());
    let endpoint = moto.endpoint.clone();
    let (key_id, secret) = (moto.access_key_id.clone(), moto.secret_access_key.clone());
    let moto_pin = moto_leaf.spki_sha256;

    let (faults, mtls_report, streamed, reuse, sessions) =
        run_device(Duration::from_secs(600), move |stack, tx| {
            Box::pin(async move {
                // The wall time, as SNTP would give it: certificate dates count.
                EmbassyClock::new().set_unix_time(UnixTime::from_secs(
                    std::time::SystemTime::now()
                        .duration_since(std::time::UNIX_EPOCH)
                        .unwrap()
                        .as_secs(),
                ));
                let creds =
                    StaticCredentials::new(Credentials::new(&key_id, &secret, None, None).unwrap());
                let mut resources = Box::new(TestResources::new());
                let transport = EmbassyTransport::new(stack, &mut *resources, OsRng)
                    .with_tls(TlsSettings::new(Trust::Ca(ca)));
                let mut pinned_resources = Box::new(TestResources::new());
                let pinned = EmbassyTransport::new(stack, &mut *pinned_resources, OsRng)
                    .with_tls(TlsSettings::new(Trust::PinnedKey(moto_pin)));
                let quick = Timeouts {
                    connect_ms: 1_500,
                    read_ms: 1_500,
                };
                let normal = Timeouts::default();
                let mut faults = Vec::new();
                let mut check = async |name, expected, got, on: &EmbassyTransport<'_, OsRng>| {
                    let next_call = put_record(on, &creds, &endpoint, b"after a fault").await;
                    faults.push(Fault {
                        name,
                        expected,
                        got,
                        next_call,
                    });
                };
                let cert = |kind| Err(TransportError::Certificate(kind));

                let got = get(&transport, "https", MOTO_NAME, ports[0], normal).await;
                check(
                    "certificate from another CA",
                    cert(CertificateError::UnknownIssuer),
                    got,
                    &transport,
                )
                .await;
                let got = get(&pinned, "https", MOTO_NAME, ports[0], normal).await;
                check(
                    "wrong pinned key",
                    cert(CertificateError::UnknownIssuer),
                    got,
                    &pinned,
                )
                .await;
                let got = get(&transport, "https", MOTO_NAME, ports[1], normal).await;
                check(
                    "certificate for another name",
                    cert(CertificateError::NameMismatch),
                    got,
                    &transport,
                )
                .await;
                let got = get(&transport, "https", MOTO_NAME, ports[2], normal).await;
                check(
                    "expired certificate",
                    cert(CertificateError::Expired),
                    got,
                    &transport,
                )
                .await;
                let mut rsa_resources = Box::new(TestResources::new());
                let rsa = EmbassyTransport::new(stack, &mut *rsa_resources, OsRng)
                    .with_tls(TlsSettings::new(Trust::Ca(rsa_root)));
                let got = get(&rsa, "https", MOTO_NAME, rsa_port, normal).await;
                check("RSA chain to its root (no fault)", Ok(200), got, &transport).await;
                let got = get(&transport, "https", MOTO_NAME, rsa_port, normal).await;
                check(
                    "RSA chain to an untrusted root",
                    cert(CertificateError::UnknownIssuer),
                    got,
                    &transport,
                )
                .await;
                let got = get(&transport, "https", MOTO_NAME, ports[3], normal).await;
                check(
                    "TLS server closes mid-response",
                    Err(TransportError::ConnectionClosed),
                    got,
                    &transport,
                )
                .await;
                let got = get(&transport, "http", MOTO_NAME, cut_port, normal).await;
                check(
                    "server closes mid-response",
                    Err(TransportError::ConnectionClosed),
                    got,
                    &transport,
                )
                .await;
                let got = get(&transport, "http", MOTO_NAME, silent_port, quick).await;
                check(
                    "server never answers",
                    Err(TransportError::ReadTimeout),
                    got,
                    &transport,
                )
                .await;
                let got = get(&transport, "http", "10.42.0.99", 80, quick).await;
                check(
                    "nobody at the address",
                    Err(TransportError::ConnectTimeout),
                    got,
                    &transport,
                )
                .await;
                let got = get(&transport, "http", MOTO_NAME, closed_port, normal).await;
                check("closed port", Err(TransportError::Connect), got, &transport).await;
                let got = get(&transport, "http", "nowhere.stratus.test", 80, normal).await;
                check(
                    "unknown name",
                    Err(TransportError::Connect),
                    got,
                    &transport,
                )
                .await;

                // Mutual TLS: with the device's certificate the server answers;
                // without one, it refuses.
                let mut mtls_resources = Box::new(TestResources::new());
                let identity = ClientIdentity::new(&device.der, &device.key_der).unwrap();
                let mtls = EmbassyTransport::new(stack, &mut *mtls_resources, OsRng)
                    .with_tls(TlsSettings::new(Trust::Ca(ca)).with_identity(identity));
                let with_cert = get(&mtls, "https", MOTO_NAME, ports[4], normal).await;
                let without_cert = get(&transport, "https", MOTO_NAME, ports[4], normal).await;
                let after_refusal = put_record(&transport, &creds, &endpoint, b"after mTLS").await;
                let mtls_report = (with_cert, without_cert, after_refusal);

                // A body pulled from a source (send_body), 20 000 bytes.
                let authority = format!("{MOTO_NAME}:{keep_port}");
                let headers = [("Host", authority.as_str())];
                let request = HttpRequest {
                    method: "PUT",
                    scheme: "http",
                    host: MOTO_NAME,
                    port: Some(keep_port),
                    target: "/upload",
                    headers: (&headers).into(),
                    body: b"",
                    timeouts: normal,
                };
                let big = vec![b'x'; 20_000];
                let mut source = SliceSource::new(&big);
                let mut buf = vec![0u8; 4096];
                let streamed = transport
                    .send_body(&request, &mut source, &mut buf)
                    .await
                    .map(|r| r.status);
                transport.close_idle().await;

                // Keep-alive: five requests, one connection.
                let before = transport.stats();
                let mut statuses = Vec::new();
                for _ in 0..5 {
                    statuses.push(get(&transport, "http", MOTO_NAME, keep_port, normal).await);
                }
                let after = transport.stats();

                // A kept TLS session: five requests, one handshake; a
                // session the server cuts ends with a typed error, stays
                // closed, and the next one opens from the same resources.
                let mut session_resources = Box::new(TestResources::new());
                let mut session_statuses = Vec::new();
                let kept = open_session(stack, &mut session_resources, ca, ports[5], normal)
                    .await
                    .expect("a session opens");
                for _ in 0..5 {
                    session_statuses.push(get(&kept, "https", MOTO_NAME, ports[5], normal).await);
                }
                let other_port = get(&kept, "https", MOTO_NAME, ports[4], normal).await;
                let kept_stats = (kept.stats(), kept.is_open());
                kept.close().await;
                let cut = open_session(stack, &mut session_resources, ca, ports[3], normal)
                    .await
                    .expect("a session opens");
                let cut_first = get(&cut, "https", MOTO_NAME, ports[3], normal).await;
                let cut_after = get(&cut, "https", MOTO_NAME, ports[3], normal).await;
                let cut_open = cut.is_open();
                drop(cut);
                let bad_cert = open_session(stack, &mut session_resources, ca, ports[0], normal)
                    .await
                    .err();
                let reopened =
                    match open_session(stack, &mut session_resources, ca, ports[5], normal).await {
                        Ok(s) => get(&s, "https", MOTO_NAME, ports[5], normal).await,
                        Err(e) => Err(e),
                    };
                let sessions = SessionReport {
                    statuses: session_statuses,
                    other_port,
                    stats: kept_stats.0,
                    open_after: kept_stats.1,
                    cut_first,
                    cut_after,
                    cut_open,
                    bad_cert,
                    reopened,
                };

                let _ = tx.send((
                    faults,
                    mtls_report,
                    streamed,
                    (
                        statuses,
                        after.connections - before.connections,
                        after.reused - before.reused,
                    ),
                    sessions,
                ));
            })
        });

    let mut wrong = 0;
    for f in &faults {
        let ok = f.got == f.expected && f.next_call == Ok(200);
        wrong += usize::from(!ok);
        println!(
            "{} {:<34} got {:?} (expected {:?}); next PutRecord on the same transport: {:?}",
            if ok { "ok  " } else { "FAIL" },
            f.name,
            f.got,
            f.expected,
            f.next_call
        );
    }
    let (with_cert, without_cert, after_refusal) = mtls_report;
    println!(
        "mutual TLS: with the device certificate {with_cert:?}; without one {without_cert:?}; \
         next PutRecord {after_refusal:?}"
    );
    println!("send_body, 20 000 bytes from a source: {streamed:?}");
    let (statuses, connections, reused) = reuse;
    println!(
        "keep-alive: statuses {statuses:?}; transport opened {connections} connection(s), reused {reused} time(s); \
         the server accepted {}",
        keep_accepted.load(Ordering::SeqCst)
    );
    assert_eq!(faults.len(), 12);
    assert_eq!(wrong, 0, "{wrong} fault(s) did not give their typed error");
    assert!(statuses.iter().all(|s| *s == Ok(200)), "{statuses:?}");
    assert_eq!((connections, reused), (1, 4));
    assert_eq!(
        keep_accepted.load(Ordering::SeqCst),
        2,
        "one for send_body, one for the five"
    );
    assert_eq!(with_cert, Ok(200));
    assert_eq!(
        without_cert,
        Err(TransportError::Certificate(CertificateError::Refused))
    );
    assert_eq!(after_refusal, Ok(200));
    assert_eq!(streamed, Ok(200));

    let s = sessions;
    println!(
        "TLS session: statuses {:?}; {:?}; open after: {}; another port: {:?}; \
         server cuts: {:?}, then {:?} (open: {}); bad certificate: {:?}; reopened: {:?}",
        s.statuses,
        s.stats,
        s.open_after,
        s.other_port,
        s.cut_first,
        s.cut_after,
        s.cut_open,
        s.bad_cert,
        s.reopened
    );
    assert!(s.statuses.iter().all(|r| *r == Ok(200)), "{:?}", s.statuses);
    assert_eq!(
        (s.stats.connections, s.stats.handshakes, s.stats.reused),
        (1, 1, 4)
    );
    assert!(s.open_after);
    assert_eq!(s.other_port, Err(TransportError::Unsupported));
    assert_eq!(s.cut_first, Err(TransportError::ConnectionClosed));
    assert_eq!(s.cut_after, Err(TransportError::ConnectionClosed));
    assert!(!s.cut_open);
    assert_eq!(
        s.bad_cert,
        Some(TransportError::Certificate(CertificateError::UnknownIssuer))
    );
    assert_eq!(s.reopened, Ok(200));
}

/// What the kept TLS sessions of `embassy_tap_faults` did.
struct SessionReport {
    statuses: Vec<Result<u16, TransportError>>,
    other_port: Result<u16, TransportError>,
    stats: stratus_transport_embassy::Stats,
    open_after: bool,
    cut_first: Result<u16, TransportError>,
    cut_after: Result<u16, TransportError>,
    cut_open: bool,
    bad_cert: Option<TransportError>,
    reopened: Result<u16, TransportError>,
}

// ------------------------------------------------------ IoT credentials (mTLS)

#[test]
fn embassy_tap_iot_credentials() {
    use stratus_core::credentials::iot::RESPONSE_BUFFER_LEN;
    use stratus_core::credentials::{
        IotCredentials, IotEndpoint, IotError, ProvideCredentials, RefreshingProvider,
    };
    if !in_namespace("embassy_tap_iot_credentials", "iot") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let pki = Pki::new("stratus test CA");
    let (tls, _) = moto_tls(dir.path(), &pki);
    let moto = Moto::start_in_netns(KERNEL_IP.into(), MOTO_NAME, &tls).expect("moto starts");
    let _dns = start_dns();
    // Temporary credentials for a role, from moto's STS: what the IoT
    // endpoint hands out.
    let sts = moto
        .python(&format!(
            "import boto3, json\n\
             b = boto3.client('kinesis', region_name='us-east-1', endpoint_url='https://{KERNEL_IP}:{port}', verify='{ca}')\n\
             b.create_stream(StreamName='readings', ShardCount=1)\n\
             i = boto3.client('iam', region_name='us-east-1', endpoint_url='https://{KERNEL_IP}:{port}', verify='{ca}')\n\
             trust = json.dumps({{'Version': '2012-10-17', 'Statement': [{{'Effect': 'Allow', 'Principal': {{'AWS': '*'}}, 'Action': 'sts:AssumeRole'}}]}})\n\
             arn = i.create_role(RoleName='sensor-role', AssumeRolePolicyDocument=trust)['Role']['Arn']\n\
             policy = [p['Arn'] for p in i.list_policies(Scope='Local')['Policies'] if p['PolicyName'] == 'stratus-all'][0]\n\
             i.attach_role_policy(RoleName='sensor-role', PolicyArn=policy)\n\
             s = boto3.client('sts', region_name='us-east-1', endpoint_url='https://{KERNEL_IP}:{port}', verify='{ca}')\n\
             c = s.assume_role(RoleArn=arn, RoleSessionName='sensor-7')['Credentials']\n\
             print(json.dumps([c['AccessKeyId'], c['SecretAccessKey'], c['SessionToken']]))",
            port = moto.port,
            ca = tls.ca.display()
        ))
        .expect("moto's STS gives a session");
    let [key, secret, token]: [String; 3] = serde_json::from_str(sts.trim()).unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let expires = UnixTime::from_secs(now + 3600).civil();
    let json: &'static str = Box::leak(
        serde_json::json!({"credentials": {
            "accessKeyId": key, "secretAccessKey": secret, "sessionToken": token,
            "expiration": format!("{:04}-{:02}-{:02}T{:02}:{:02}:{:02}Z", expires.year, expires.month,
                expires.day, expires.hour, expires.minute, expires.second)}})
        .to_string()
        .into_boxed_str(),
    );
    let (server_leaf, _, _) = pki.leaf(&[MOTO_NAME], None);
    let iot_port = tls_server(&server_leaf, Behaviour::Json(json), Some(&pki.ca_der()));
    let (device, _, _) = pki.leaf(&["sensor-7.stratus.test"], None);
    let ca: &'static [u8] = Box::leak(pki.ca_der().into_boxed_slice());
    let endpoint = moto.endpoint.clone();

    let (without_cert, fetched, puts) = run_device(Duration::from_secs(300), move |stack, tx| {
        Box::pin(async move {
            let clock = EmbassyClock::new();
            clock.set_unix_time(UnixTime::from_secs(now));
            let mut plain_resources = Box::new(TestResources::new());
            let transport = EmbassyTransport::new(stack, &mut *plain_resources, OsRng)
                .with_tls(TlsSettings::new(Trust::Ca(ca)));
            let mut mtls_resources = Box::new(TestResources::new());
            let identity = ClientIdentity::new(&device.der, &device.key_der).unwrap();
            let mtls = EmbassyTransport::new(stack, &mut *mtls_resources, OsRng)
                .with_tls(TlsSettings::new(Trust::Ca(ca)).with_identity(identity));
            let iot_endpoint = IotEndpoint::new(MOTO_NAME, "sensor-role")
                .with_port(iot_port)
                .with_thing_name("sensor-7");

            // Without the device certificate the endpoint refuses.
            let mut buf = vec![0u8; RESPONSE_BUFFER_LEN];
            let without_cert = iot_endpoint
                .fetch(&transport, &clock, &mut buf)
                .await
                .map(|c| c.access_key_id().to_string());

            let mut iot_buf = vec![0u8; RESPONSE_BUFFER_LEN];
            let iot: IotCredentials<_, _> =
                IotCredentials::new(iot_endpoint, &mtls, &clock, &mut iot_buf[..]);
            let provider: RefreshingProvider<_, _> = RefreshingProvider::new(iot, &clock);
            let fetched = provider
                .provide_credentials()
                .await
                .map(|c| (c.access_key_id().to_string(), c.expiry().is_some()))
                .map_err(|e| e.to_string());
            let client = Client::new(
                &stratus_models::kinesis::ENTRY,
                client_config(&endpoint),
                &transport,
                &provider,
                clock,
            );
            let mut bufs = Box::new(Buffers::<8192, 16384>::new());
            let mut puts = Vec::new();
            for i in 0..3 {
                let data = format!("iot={i}");
                let input = PutRecordInput {
                    stream_name: Some("readings"),
                    data: data.as_bytes(),
                    partition_key: "sensor-7",
                    ..Default::default()
                };
                let r = client.call("PutRecord", &input, bufs.workspace()).await;
                puts.push(match r {
                    Ok(out) => Ok(out.status()),
                    other => Err(describe(&other)),
                });
            }
            let _ = tx.send((without_cert, fetched, puts));
        })
    });
    let heads = HEADS.lock().unwrap().clone();
    println!(
        "IoT credentials over mutual TLS (embedded-tls, device certificate): without the certificate \
         {without_cert:?}; with it {fetched:?} after {} request(s) to the endpoint; PutRecord signed \
         with them, checked by moto: {puts:?}",
        heads.len()
    );
    assert_eq!(
        without_cert,
        Err(IotError::Transport(TransportError::Certificate(
            CertificateError::Refused
        )))
    );
    let (got_key, has_expiry) = fetched.expect("credentials fetched");
    assert!(
        got_key.starts_with("ASIA") || !got_key.is_empty(),
        "{got_key}"
    );
    assert!(has_expiry);
    assert_eq!(heads.len(), 1, "fetched once, then cached: {heads:?}");
    assert!(
        heads[0].starts_with("GET /role-aliases/sensor-role/credentials HTTP/1.1\r\n"),
        "{}",
        heads[0]
    );
    assert!(
        heads[0]
            .to_ascii_lowercase()
            .contains("x-amzn-iot-thingname: sensor-7\r\n")
    );
    assert_eq!(puts, vec![Ok(200), Ok(200), Ok(200)]);
}
