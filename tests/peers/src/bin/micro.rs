//! The in-process rows, one JSON line each: SigV4 signing (stratus, aws-sigv4,
//! the raw sha2/hmac floor), one PutRecord through each client to an in-memory
//! transport that writes the request's wire bytes and answers a canned 200
//! (stratus, aws-sdk-kinesis), and client creation (both).
//!
//! Run by the runner (`cargo xtask bench`); `micro [batches]`.

use std::cell::RefCell;
use std::hint::black_box;
use std::io::Write as _;
use std::time::SystemTime;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use stratus_core::client::{
    ClientConfig, HttpRequest, RawResponse, ResponseWriter, Session, Transport, TransportError,
};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_core::format::SliceSink;
use stratus_core::sigv4::{
    CanonicalRequest, SignableBody, SignableRequest, Signature, SigningKeyCache, SigningParams,
    SigningSettings, StringToSign, sign,
};
use stratus_core::time::UnixTime;
use stratus_models::kinesis::types::PutRecordInput;
use stratus_peers::*;
use stratus_transport_std::SystemClock;
use stratus_transport_std::blocking::{self, HeapBuffers};

#[global_allocator]
static GLOBAL: CountingAllocator = CountingAllocator;

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    m.update(msg);
    m.finalize().into_bytes().into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Headers stratus signs (x-amz-date included: the caller sets it).
const STRATUS_HEADERS: [(&str, &str); 4] = [
    ("host", HOST),
    ("content-type", "application/x-amz-json-1.1"),
    ("x-amz-target", "Kinesis_20131202.PutRecord"),
    ("x-amz-date", AMZ_DATE),
];

fn signing_rows(batches: usize) {
    let body = sign_body();
    let creds = Credentials::new(ACCESS_KEY_ID, SECRET, None, None).expect("valid keys");
    let time = UnixTime::parse_amz_date(AMZ_DATE).expect("valid date");
    let params = SigningParams {
        credentials: &creds,
        region: REGION,
        service: SERVICE,
        time,
        settings: SigningSettings::for_service(),
    };
    let request = SignableRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &STRATUS_HEADERS,
        body: SignableBody::Bytes(&body),
    };
    let stratus_sign = |cache: &mut SigningKeyCache| -> Signature {
        *sign(black_box(&request), black_box(&params), cache)
            .expect("signable")
            .signature()
    };

    // The floor's inputs: the exact texts the signature covers.
    let cr = CanonicalRequest::new(&request, &params).expect("signable");
    let mut buf = [0u8; 1024];
    let creq = cr.write_into(&mut buf).expect("fits").as_bytes().to_vec();
    let mut buf = [0u8; 256];
    let sts = StringToSign::new(&cr)
        .write_into(&mut buf)
        .expect("fits")
        .as_bytes()
        .to_vec();
    let aws4_secret = format!("AWS4{SECRET}").into_bytes();
    let derive = |secret: &[u8]| {
        let k = hmac(secret, &AMZ_DATE.as_bytes()[..8]);
        let k = hmac(&k, REGION.as_bytes());
        let k = hmac(&k, SERVICE.as_bytes());
        hmac(&k, b"aws4_request")
    };
    let k_signing = derive(&aws4_secret);
    let floor_cached = || {
        let h1 = Sha256::digest(black_box(&body));
        let h2 = Sha256::digest(black_box(&creq));
        black_box((h1, h2));
        hmac(black_box(&k_signing), black_box(&sts))
    };
    let floor_uncached = || {
        let h1 = Sha256::digest(black_box(&body));
        let h2 = Sha256::digest(black_box(&creq));
        black_box((h1, h2));
        hmac(&derive(black_box(&aws4_secret)), black_box(&sts))
    };

    // aws-sigv4 on the same request (it adds x-amz-date itself).
    let sdk_identity =
        aws_credential_types::Credentials::new(ACCESS_KEY_ID, SECRET, None, None, "bench").into();
    let sdk_time = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(AMZ_DATE_UNIX);
    let sdk_params: aws_sigv4::http_request::SigningParams<'_> =
        aws_sigv4::sign::v4::SigningParams::builder()
            .identity(&sdk_identity)
            .region(REGION)
            .name(SERVICE)
            .time(sdk_time)
            .settings(aws_sigv4::http_request::SigningSettings::default())
            .build()
            .expect("complete params")
            .into();
    let sdk_url = format!("https://{HOST}/");
    let sdk_sign = || -> String {
        let req = aws_sigv4::http_request::SignableRequest::new(
            "POST",
            sdk_url.as_str(),
            STRATUS_HEADERS[..3].iter().copied(),
            aws_sigv4::http_request::SignableBody::Bytes(black_box(&body)),
        )
        .expect("signable");
        let out = aws_sigv4::http_request::sign(req, black_box(&sdk_params)).expect("signs");
        out.signature().to_owned()
    };

    // All four compute one signature.
    let mut cache = SigningKeyCache::new();
    let ours = stratus_sign(&mut cache).to_string();
    assert_eq!(ours, hex(&floor_cached()), "floor and stratus disagree");
    assert_eq!(ours, hex(&floor_uncached()), "floor and stratus disagree");
    assert_eq!(ours, sdk_sign(), "aws-sigv4 and stratus disagree");
    println!(
        "{}",
        serde_json::json!({"row": "signature", "impl": "stratus", "signature": ours})
    );

    let n = 1000;
    emit(
        "sign_cached",
        "stratus",
        ns_per_op(batches, || {
            black_box(stratus_sign(&mut cache));
        }),
        Some(allocations_per_op(n, || {
            black_box(stratus_sign(&mut cache));
        })),
    );
    emit(
        "sign_uncached",
        "stratus",
        ns_per_op(batches, || {
            black_box(stratus_sign(&mut SigningKeyCache::new()));
        }),
        Some(allocations_per_op(n, || {
            black_box(stratus_sign(&mut SigningKeyCache::new()));
        })),
    );
    emit(
        "sign_uncached",
        "aws-sigv4",
        ns_per_op(batches, || {
            black_box(sdk_sign());
        }),
        Some(allocations_per_op(n, || {
            black_box(sdk_sign());
        })),
    );
    emit(
        "sign_cached",
        "floor",
        ns_per_op(batches, || {
            black_box(floor_cached());
        }),
        Some(allocations_per_op(n, || {
            black_box(floor_cached());
        })),
    );
    emit(
        "sign_uncached",
        "floor",
        ns_per_op(batches, || {
            black_box(floor_uncached());
        }),
        Some(allocations_per_op(n, || {
            black_box(floor_uncached());
        })),
    );
}

/// stratus's in-memory transport: writes the request's wire bytes (head and
/// body) into its own buffer and answers the canned PutRecord reply.
struct WireTransport {
    wire: RefCell<Vec<u8>>,
}

impl Transport for WireTransport {
    async fn send(
        &self,
        request: &HttpRequest<'_>,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        let mut wire = self.wire.borrow_mut();
        let len = {
            let mut sink = SliceSink::new(&mut wire[..]);
            stratus_core::http::write_head(request, &mut sink)
                .map_err(|_| TransportError::Unsupported)?;
            sink.len()
        };
        let end = len + request.body.len();
        wire.get_mut(len..end)
            .ok_or(TransportError::Unsupported)?
            .copy_from_slice(request.body);
        black_box(&wire[..end]);
        let mut w = ResponseWriter::new(buf, 200);
        w.header("x-amzn-RequestId", "c0ffee00-0000-4000-8000-000000000000")
            .map_err(|_| TransportError::ResponseTooLarge)?;
        w.header("Content-Type", "application/x-amz-json-1.1")
            .map_err(|_| TransportError::ResponseTooLarge)?;
        w.body(REPLY.as_bytes())
            .map_err(|_| TransportError::ResponseTooLarge)
    }
}

static CATALOG: [&stratus_core::client::ServiceEntry; 1] = [&stratus_models::kinesis::ENTRY];

fn stratus_rows(batches: usize) {
    let creds = StaticCredentials::new(
        Credentials::new(ACCESS_KEY_ID, SECRET, None, None).expect("valid keys"),
    );
    let session = Session::new(&CATALOG, &creds)
        .with_region(REGION)
        .with_partitions(&stratus_models::PARTITIONS);
    let transport = WireTransport {
        wire: RefCell::new(vec![0; 4096]),
    };
    let config = ClientConfig::default().endpoint_url("http://127.0.0.1:4566");
    let client = session
        .client_for(
            &stratus_models::kinesis::ENTRY,
            config.clone(),
            &transport,
            SystemClock,
        )
        .expect("a kinesis client");
    let input = PutRecordInput {
        stream_name: Some(STREAM),
        data: DATA,
        partition_key: PARTITION_KEY,
        ..Default::default()
    };
    let mut bufs = HeapBuffers::new(4096, 4096);
    let mut call = || {
        let out = blocking::call(&client, "PutRecord", &input, bufs.workspace())
            .expect("the in-memory call succeeds");
        assert_eq!(out.status(), 200);
        black_box(out.status());
    };
    call();
    {
        let wire = transport.wire.borrow();
        let end = wire
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("a head");
        eprintln!(
            "stratus request head:\n{}",
            String::from_utf8_lossy(&wire[..end])
        );
    }
    let t = ns_per_op(batches, &mut call);
    let a = allocations_per_op(1000, &mut call);
    emit("put_record_in_memory", "stratus", t, Some(a));

    let create = || {
        let c = session
            .client_for(
                &stratus_models::kinesis::ENTRY,
                black_box(config.clone()),
                &transport,
                SystemClock,
            )
            .expect("a kinesis client");
        black_box(&c);
    };
    let t = ns_per_op(batches, create);
    let a = allocations_per_op(1000, create);
    emit("client_create", "stratus", t, Some(a));

    // The same without the session (no creating-client-class event): where
    // the time goes.
    let new = || {
        let c = stratus_core::client::Client::new(
            &stratus_models::kinesis::ENTRY,
            black_box(config.clone()).region(REGION),
            &transport,
            &creds,
            SystemClock,
        );
        black_box(&c);
    };
    emit("client_new", "stratus", ns_per_op(batches, new), None);
    println!(
        "{}",
        serde_json::json!({
            "row": "client_size",
            "impl": "stratus",
            "bytes": std::mem::size_of_val(&client),
        })
    );
}

mod sdk {
    use aws_smithy_runtime_api::client::http::{
        HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpConnector,
    };
    use aws_smithy_runtime_api::client::orchestrator::HttpRequest;
    use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
    use aws_smithy_runtime_api::http::{Response, StatusCode};
    use aws_smithy_types::body::SdkBody;
    use std::hint::black_box;
    use std::io::Write as _;

    /// aws-sdk-kinesis's in-memory HTTP client: writes the request's wire
    /// bytes (request line, headers, body) and answers the canned reply.
    #[derive(Clone, Debug)]
    pub struct WireClient;

    impl HttpConnector for WireClient {
        fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
            let mut wire = Vec::with_capacity(1024);
            let uri = request.uri();
            let target = uri
                .find("://")
                .and_then(|s| uri[s + 3..].find('/').map(|p| &uri[s + 3 + p..]))
                .unwrap_or("/");
            let _ = write!(wire, "{} {} HTTP/1.1\r\n", request.method(), target);
            for (k, v) in request.headers() {
                let _ = write!(wire, "{k}: {v}\r\n");
            }
            wire.extend_from_slice(b"\r\n");
            if let Some(b) = request.body().bytes() {
                wire.extend_from_slice(b);
            }
            black_box(&wire);
            let mut resp = Response::new(
                StatusCode::try_from(200u16).expect("valid status"),
                SdkBody::from(super::REPLY),
            );
            resp.headers_mut()
                .insert("x-amzn-RequestId", "c0ffee00-0000-4000-8000-000000000000");
            resp.headers_mut()
                .insert("Content-Type", "application/x-amz-json-1.1");
            HttpConnectorFuture::ready(Ok(resp))
        }
    }

    impl HttpClient for WireClient {
        fn http_connector(
            &self,
            _settings: &HttpConnectorSettings,
            _components: &RuntimeComponents,
        ) -> SharedHttpConnector {
            SharedHttpConnector::new(self.clone())
        }
    }
}

fn sdk_rows(batches: usize) {
    use aws_sdk_kinesis::config::{BehaviorVersion, Region};
    use aws_smithy_types::Blob;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let creds = aws_credential_types::Credentials::new(ACCESS_KEY_ID, SECRET, None, None, "bench");
    let config = aws_sdk_kinesis::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(creds)
        .endpoint_url("http://127.0.0.1:4566")
        .http_client(sdk::WireClient)
        .build();
    let client = aws_sdk_kinesis::Client::from_conf(config.clone());
    let mut call = || {
        let out = rt
            .block_on(
                client
                    .put_record()
                    .stream_name(STREAM)
                    .partition_key(PARTITION_KEY)
                    .data(Blob::new(DATA))
                    .send(),
            )
            .expect("the in-memory call succeeds");
        black_box(out.shard_id().len());
    };
    call();
    let t = ns_per_op(batches, &mut call);
    let a = allocations_per_op(1000, &mut call);
    emit("put_record_in_memory", "aws-sdk-kinesis", t, Some(a));

    let _guard = rt.enter();
    let create = || {
        let c = aws_sdk_kinesis::Client::from_conf(black_box(config.clone()));
        black_box(&c);
    };
    let t = ns_per_op(batches, create);
    let a = allocations_per_op(1000, create);
    emit("client_create", "aws-sdk-kinesis", t, Some(a));
}

fn main() {
    let batches = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(15);
    signing_rows(batches);
    stratus_rows(batches);
    sdk_rows(batches);
    let _ = std::io::stdout().flush();
}
