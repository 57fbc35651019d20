//! Retries through the whole pipeline, against a scripted transport and a
//! virtual clock: the attempts, the backoff sleeps (seeded jitter), the retry
//! quota and its exhaustion in standard mode; `_retry.json` in legacy mode;
//! the client-side rate limiter in adaptive mode. Each expectation is computed
//! here from the rules botocore documents, not read back from stratus.

use stratus_core::client::test_support::VirtualClock;
use stratus_core::client::{
    Buffers, CallError, Client, ClientConfig, Event, EventData, Order, TransportError,
};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_core::retry::{Decision, Jitter, RetryConfig, RetryMode, SeededJitter};
use stratus_models::kinesis::types::PutRecordInput;
use stratus_tests::pipeline::{Scripted, ScriptedTransport};

const SEED: u64 = 0x5EED;

fn creds() -> StaticCredentials {
    StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).unwrap())
}

fn config(mode: RetryMode, max_attempts: Option<u32>) -> ClientConfig {
    ClientConfig::default()
        .region("us-east-1")
        .endpoint_url("http://127.0.0.1:9")
        .retries(RetryConfig { mode, max_attempts })
}

fn input() -> PutRecordInput<'static> {
    PutRecordInput {
        stream_name: Some("s"),
        data: b"hi",
        partition_key: "p",
        ..Default::default()
    }
}

const OK: &[u8] = br#"{"ShardId":"a","SequenceNumber":"1"}"#;

/// Standard mode's delay after failed attempt `n` (1-based): `min(r * 2^(n-1), 20 s)`.
fn standard_delay_ms(r: f64, n: u32) -> u64 {
    ((r * f64::from(1u32 << (n - 1))).min(20.0) * 1000.0).round() as u64
}

#[test]
fn standard_mode_retries_each_kind_of_failure_then_succeeds() {
    let transport = ScriptedTransport::new([
        Scripted::json_error(400, "ThrottlingException"),
        Scripted::status(500, b""),
        Scripted::status(503, b""),
        Scripted::Fail(TransportError::ConnectionClosed),
        Scripted::Fail(TransportError::ReadTimeout),
        Scripted::status(200, OK),
    ]);
    let clock = VirtualClock::new(1_700_000_000);
    let creds = creds();
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        config(RetryMode::Standard, Some(6)),
        &transport,
        &creds,
        &clock,
    )
    .with_jitter_seed(SEED);
    let mut bufs = Box::new(Buffers::<4096, 4096>::new());
    let out = embassy_futures::block_on(client.call("PutRecord", &input(), bufs.workspace()))
        .expect("the sixth attempt succeeds");
    assert_eq!(out.attempts(), 6);
    assert_eq!(transport.sent().len(), 6);

    let mut jitter = SeededJitter::new(SEED);
    let expected: Vec<u64> = (1..=5)
        .map(|n| standard_delay_ms(jitter.next_unit(), n))
        .collect();
    assert_eq!(clock.sleeps().as_slice(), expected.as_slice());
    // Four retries cost 5, the read timeout 10; success refunds the last cost.
    assert_eq!(
        client.retry_state().quota_available(),
        500 - 5 * 4 - 10 + 10
    );
    // Every attempt was signed again: distinct signatures, same request.
    let sent = transport.sent();
    assert!(sent.windows(2).all(|w| w[0].body == w[1].body));
    println!(
        "standard: 6 attempts, sleeps {:?} ms, quota {}",
        clock.sleeps(),
        client.retry_state().quota_available()
    );
}

#[test]
fn standard_mode_stops_when_the_quota_runs_out() {
    let transport = ScriptedTransport::new(std::iter::repeat_n(Scripted::status(500, b""), 400));
    let clock = VirtualClock::new(1_700_000_000);
    let creds = creds();
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        config(RetryMode::Standard, None),
        &transport,
        &creds,
        &clock,
    );
    let mut bufs = Box::new(Buffers::<4096, 4096>::new());
    let mut attempts = Vec::new();
    for _ in 0..52 {
        match embassy_futures::block_on(client.call("PutRecord", &input(), bufs.workspace())) {
            Err(CallError::Service(out)) => attempts.push(out.attempts()),
            other => panic!("expected a 500, got {other:?}"),
        }
    }
    // 3 attempts (2 retries of 5 tokens) per call while 500 tokens last: 50
    // calls; then a retry cannot be paid for and each call makes 1 attempt.
    assert!(attempts[..50].iter().all(|&a| a == 3), "{attempts:?}");
    assert_eq!(&attempts[50..], &[1, 1]);
    assert_eq!(client.retry_state().quota_available(), 0);
    assert_eq!(transport.sent().len(), 50 * 3 + 2);
    println!(
        "standard quota: 50 calls retried twice, then {:?}",
        &attempts[50..]
    );
}

#[test]
fn legacy_mode_follows_retry_json_for_dynamodb() {
    // `_retry.json`: dynamodb has max_attempts 10, delay base 0.05 s, growth 2.
    let transport = ScriptedTransport::new(std::iter::repeat_n(Scripted::status(500, b""), 12));
    let clock = VirtualClock::new(1_700_000_000);
    let creds = creds();
    let client = Client::new(
        &stratus_models::dynamodb::ENTRY,
        config(RetryMode::Legacy, None),
        &transport,
        &creds,
        &clock,
    );
    let input = stratus_models::dynamodb::types::DescribeTableInput { table_name: "t" };
    let mut bufs = Box::new(Buffers::<4096, 4096>::new());
    let r = embassy_futures::block_on(client.call("DescribeTable", &input, bufs.workspace()));
    match r {
        Err(CallError::Service(out)) => assert_eq!(out.attempts(), 10),
        other => panic!("expected the tenth 500, got {other:?}"),
    }
    let expected: Vec<u64> = (0..9).map(|i| 50u64 << i).collect();
    assert_eq!(clock.sleeps().as_slice(), expected.as_slice());
    println!(
        "legacy dynamodb: 10 attempts, sleeps {:?} ms",
        clock.sleeps()
    );
}

#[test]
fn adaptive_mode_slows_sending_after_throttling() {
    // Backoff off (a needs-retry handler retries at once), so every sleep is
    // the rate limiter's.
    let retry_now = |e: &mut Event<'_, '_>| {
        if let EventData::NeedsRetry {
            outcome, decision, ..
        } = &mut e.data
            && matches!(
                outcome,
                stratus_core::retry::AttemptOutcome::Response { status: 400, .. }
            )
        {
            **decision = Some(Decision::Retry { delay_ms: 0 });
        }
    };
    let script = || {
        let mut s = Vec::new();
        for _ in 0..6 {
            s.push(Scripted::json_error(400, "ThrottlingException"));
            s.push(Scripted::status(200, OK));
        }
        s
    };
    let run = |mode| {
        let transport = ScriptedTransport::new(script());
        let clock = VirtualClock::new(1_700_000_000);
        let creds = creds();
        let client = Client::new(
            &stratus_models::kinesis::ENTRY,
            config(mode, Some(3)),
            &transport,
            &creds,
            &clock,
        );
        client
            .register("needs-retry", &retry_now, Order::Normal, None)
            .unwrap();
        let mut bufs = Box::new(Buffers::<4096, 4096>::new());
        for _ in 0..6 {
            embassy_futures::block_on(client.call("PutRecord", &input(), bufs.workspace()))
                .expect("second attempt succeeds");
            clock.advance_ms(10);
        }
        (clock.sleeps(), client.retry_state().send_rate())
    };
    let (standard_sleeps, _) = run(RetryMode::Standard);
    let (adaptive_sleeps, rate) = run(RetryMode::Adaptive);
    assert!(standard_sleeps.is_empty(), "{standard_sleeps:?}");
    assert!(
        !adaptive_sleeps.is_empty(),
        "the rate limiter made no call wait"
    );
    // The limiter's numbers themselves are compared with botocore's in
    // `retry_botocore`; here it must have made sends wait.
    let rate = rate.expect("adaptive mode measures a rate");
    assert!(rate.is_finite() && rate > 0.0, "send rate: {rate}");
    println!(
        "adaptive: rate-limiter waits {adaptive_sleeps:?} ms, fill rate now {rate:.3}/s; standard waited {standard_sleeps:?}"
    );
}
