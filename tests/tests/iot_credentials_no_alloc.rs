//! Fetching credentials from the AWS IoT credentials provider allocates
//! nothing: a counting global allocator sees zero heap allocations while the
//! core's `IotCredentials`, behind a `RefreshingProvider`, builds the request,
//! sends it through a scripted transport, reads a real-shaped answer (about
//! 1.1 KB, an 884-character session token) in the caller's buffer, caches it,
//! refreshes it in the advisory window, and reads a refusal's code and
//! message. Its own test binary, so no other test's allocations are counted.

use core::cell::Cell;

use embassy_futures::block_on;
use stratus_core::client::{HttpRequest, RawResponse, ResponseWriter, Transport, TransportError};
use stratus_core::credentials::iot::{RESPONSE_BUFFER_LEN, parse_credentials};
use stratus_core::credentials::{
    IotCredentials, IotEndpoint, IotError, ProvideCredentials, RefreshingProvider,
};
use stratus_core::time::{Clock, UnixTime};

#[global_allocator]
static GLOBAL: stratus_tests::CountingAllocator = stratus_tests::CountingAllocator;

use stratus_tests::allocations_during;

const T0: u64 = 1_700_000_000; // 2023-11-14T22:13:20Z

/// An answer shaped as the service's: expires at T0 + 3600 (first) or
/// T0 + 7200 (second); the token is 884 base64 characters.
const BODY_PREFIX: &str = r#"{"credentials":{"accessKeyId":"ASIAQX4EXAMPLE7KEYID","secretAccessKey":"wJalrXUtnFEMI\/K7MDENG+bPxRfiCYEXAMPLEKEY","sessionToken":""#;
const EXPIRIES: [&str; 2] = ["2023-11-14T23:13:20Z", "2023-11-15T00:13:20Z"];

/// A transport that writes its answers in place: nothing of its own on the
/// heap either.
struct Scripted {
    calls: Cell<usize>,
    /// Answer with 403 from this call on.
    refuse_from: usize,
    /// Whether the last request's target and headers were the documented ones.
    target_ok: Cell<bool>,
}

const TOKEN_CHUNK: &str = "IQoJb3JpZ2luX2VjEHgaCWV1LXdlc3QtMSJHMEUCIQD3example+token/value";

impl Transport for Scripted {
    async fn send(
        &self,
        request: &HttpRequest<'_>,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        let n = self.calls.get();
        self.calls.set(n + 1);
        self.target_ok.set(
            request.target == "/role-aliases/sensor-role/credentials"
                && request.headers.iter().eq([
                    ("Host", "c1a2b3.credentials.iot.eu-west-1.amazonaws.com"),
                    ("Accept", "application/json"),
                    ("x-amzn-iot-thingname", "sensor-7"),
                ]),
        );
        let full = |_| TransportError::ResponseTooLarge;
        if n >= self.refuse_from {
            let mut w = ResponseWriter::new(buf, 403);
            w.header("x-amzn-ErrorType", "AccessDeniedException")
                .map_err(full)?;
            return w
                .body(br#"{"message":"Certificate is invalid on this endpoint"}"#)
                .map_err(full);
        }
        let mut w = ResponseWriter::new(buf, 200);
        w.header("Content-Type", "application/json").map_err(full)?;
        w.header("x-amzn-RequestId", "36ecd80d-bfc4-c9d0-0871-6bec7744a237")
            .map_err(full)?;
        let expiry = EXPIRIES[n.min(1)];
        w.body_with(|out| {
            let mut at = 0;
            let mut put = |bytes: &[u8]| -> Option<()> {
                out.get_mut(at..at + bytes.len())?.copy_from_slice(bytes);
                at += bytes.len();
                Some(())
            };
            put(BODY_PREFIX.as_bytes())?;
            for _ in 0..14 {
                put(TOKEN_CHUNK.as_bytes())?;
            }
            put(b"==\",\"expiration\":\"")?;
            put(expiry.as_bytes())?;
            put(b"\"}}")?;
            Some(at)
        })
        .map_err(full)
    }
}

struct TestClock(Cell<u64>);

impl Clock for TestClock {
    fn now(&self) -> Option<UnixTime> {
        Some(UnixTime::from_secs(self.0.get()))
    }
}

#[test]
fn fetching_iot_credentials_makes_no_heap_allocation() {
    // Sanity: the counter sees a real allocation.
    let counted = allocations_during(|| {
        std::hint::black_box(Box::new(7u8));
    });
    assert!(counted >= 1, "the counting allocator is not installed");

    let transport = Scripted {
        calls: Cell::new(0),
        refuse_from: 2,
        target_ok: Cell::new(false),
    };
    let clock = TestClock(Cell::new(T0));
    let mut buf = [0u8; RESPONSE_BUFFER_LEN];
    let endpoint = IotEndpoint::new(
        "c1a2b3.credentials.iot.eu-west-1.amazonaws.com",
        "sensor-role",
    )
    .with_thing_name("sensor-7");
    let iot: IotCredentials<_, _> = IotCredentials::new(endpoint, &transport, &clock, &mut buf[..]);
    let provider: RefreshingProvider<_, _> = RefreshingProvider::new(iot, &clock);

    let mut token_len = 0;
    let mut expiries = [0u64; 3];
    let mut refused = None;
    let mut escaped_ok = false;
    let n = allocations_during(|| {
        // Nothing cached: fetch.
        let c = block_on(provider.provide_credentials()).expect("first fetch");
        token_len = c.session_token().map_or(0, str::len);
        expiries[0] = c.expiry().map_or(0, UnixTime::as_secs);
        assert_eq!(
            c.secret_access_key(),
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"
        );
        // Cached.
        let c = block_on(provider.provide_credentials()).expect("cached");
        expiries[1] = c.expiry().map_or(0, UnixTime::as_secs);
        // 14 minutes before expiry: refreshed.
        clock.0.set(T0 + 3600 - 14 * 60);
        let c = block_on(provider.provide_credentials()).expect("refreshed");
        expiries[2] = c.expiry().map_or(0, UnixTime::as_secs);
        // The endpoint now refuses: the full error, code and message.
        refused = Some(block_on(provider.source().fetch()));
        // And the body parser alone, with escapes decoded in place.
        let mut body = *br#"{"credentials":{"accessKeyId":"ASIAX","secretAccessKey":"a\/b\u00e9","sessionToken":"t","expiration":"2023-11-14T23:13:20Z"}}"#;
        escaped_ok =
            parse_credentials(&mut body, None).is_ok_and(|c| c.secret_access_key() == "a/b\u{e9}");
    });
    println!(
        "{n} allocations for 3 fetches (2 answers, 1 refusal) and 1 cached call; \
         token {token_len} characters; expiries {expiries:?}; requests {}",
        transport.calls.get()
    );
    let refused = refused.expect("ran");
    println!("refusal: {}", refused.as_ref().unwrap_err());
    assert_eq!(n, 0, "fetching IoT credentials allocated");
    assert!(
        transport.target_ok.get(),
        "the request's target and headers"
    );
    assert_eq!(token_len, 14 * TOKEN_CHUNK.len() + 2);
    assert_eq!(expiries, [T0 + 3600, T0 + 3600, T0 + 7200]);
    assert_eq!(transport.calls.get(), 3);
    assert!(matches!(
        refused,
        Err(IotError::Status { status: 403, code: Some(ref c), message: Some(ref m) })
            if c == "AccessDeniedException" && m == "Certificate is invalid on this endpoint"
    ));
    assert!(escaped_ok);
}
