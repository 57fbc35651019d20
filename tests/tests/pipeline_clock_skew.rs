//! Clock skew: a transport that, like a service, refuses requests signed more
//! than 5 minutes from its own clock and sends `Date` on every response. A
//! client 2 hours behind and a client with no time at all both succeed on
//! their second attempt, and keep the correction for later calls.

use std::cell::RefCell;

use stratus_core::client::test_support::VirtualClock;
use stratus_core::client::{
    Buffers, Client, ClientConfig, HttpRequest, RawResponse, Transport, TransportError,
};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_core::format::timestamp::write_rfc822;
use stratus_core::time::{Timestamp, UnixTime};
use stratus_models::kinesis::types::PutRecordInput;
use stratus_tests::pipeline::write_response;

/// The service's clock: 2026-11-22T08:00:00Z.
const SERVER_SECS: u64 = 1_795_334_400;

struct SkewCheckingService {
    /// `x-amz-date` of every request seen.
    seen: RefCell<Vec<String>>,
}

impl Transport for SkewCheckingService {
    async fn send(
        &self,
        request: &HttpRequest<'_>,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        let amz_date = request
            .headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case("x-amz-date"))
            .map(|(_, v)| v.to_string())
            .unwrap_or_default();
        self.seen.borrow_mut().push(amz_date.clone());
        let mut date: heapless::Vec<u8, 40> = heapless::Vec::new();
        write_rfc822(&mut date, Timestamp::from_secs(SERVER_SECS as i64)).unwrap();
        let date = String::from_utf8(date.to_vec()).unwrap();
        let signed = UnixTime::parse_amz_date(&amz_date).map(UnixTime::as_secs);
        let headers = vec![
            ("Date".to_string(), date),
            ("Content-Type".into(), "application/x-amz-json-1.1".into()),
        ];
        match signed {
            Ok(t) if t.abs_diff(SERVER_SECS) <= 300 => write_response(
                buf,
                200,
                &headers,
                br#"{"ShardId":"a","SequenceNumber":"1"}"#,
            ),
            _ => write_response(
                buf,
                400,
                &headers,
                format!(
                    r#"{{"__type":"InvalidSignatureException","message":"Signature expired: {amz_date} is now earlier than 20261122T075500Z (20261122T080000Z - 5 min.)"}}"#
                )
                .as_bytes(),
            ),
        }
    }
}

fn run(clock: &VirtualClock) -> (Vec<u32>, Vec<String>) {
    let service = SkewCheckingService {
        seen: RefCell::new(Vec::new()),
    };
    let creds = StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).unwrap());
    let config = ClientConfig::default()
        .region("us-east-1")
        .endpoint_url("http://127.0.0.1:9");
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        config,
        &service,
        &creds,
        clock,
    );
    let input = PutRecordInput {
        stream_name: Some("s"),
        data: b"x",
        partition_key: "p",
        ..Default::default()
    };
    let mut bufs = Box::new(Buffers::<4096, 4096>::new());
    let mut attempts = Vec::new();
    for _ in 0..3 {
        let out = embassy_futures::block_on(client.call("PutRecord", &input, bufs.workspace()))
            .expect("the call succeeds");
        attempts.push(out.attempts());
        clock.advance_ms(1_000);
    }
    let seen = service.seen.borrow().clone();
    (attempts, seen)
}

#[test]
fn a_client_two_hours_behind_succeeds_on_the_second_attempt() {
    let clock = VirtualClock::new(SERVER_SECS - 7_200);
    let (attempts, seen) = run(&clock);
    assert_eq!(attempts, [2, 1, 1], "{seen:?}");
    assert_eq!(seen[0], "20261122T060000Z");
    assert_eq!(seen[1], "20261122T080000Z");
    // No backoff sleep for a skew retry: it is re-signed and sent at once.
    assert!(clock.sleeps().is_empty());
    println!("2 h behind: attempts {attempts:?}, signed {seen:?}");
}

#[test]
fn a_client_without_a_clock_learns_the_time_from_date() {
    let clock = VirtualClock::without_wall_time();
    let (attempts, seen) = run(&clock);
    assert_eq!(attempts, [2, 1, 1], "{seen:?}");
    assert_eq!(seen[0], "19700101T000000Z");
    assert_eq!(seen[1], "20261122T080000Z");
    // Later calls count on from the learned time with the monotonic clock.
    assert_eq!(seen[2], "20261122T080001Z");
    println!("no clock: attempts {attempts:?}, signed {seen:?}");
}
