//! Unit tests of the three modes. The differential test against botocore is
//! `tests/tests/retry_botocore.rs`.
#![allow(clippy::unwrap_used, clippy::indexing_slicing, clippy::panic)]

use super::*;

const NO_BODY: &[u8] = b"";

fn resp(status: u16, code: Option<&'static str>) -> AttemptOutcome<'static> {
    AttemptOutcome::Response {
        status,
        code,
        modeled: None,
        crc32_header: None,
        body: NO_BODY,
    }
}

const OK: AttemptOutcome<'static> = AttemptOutcome::Response {
    status: 200,
    code: None,
    modeled: None,
    crc32_header: None,
    body: NO_BODY,
};

fn state(
    mode: RetryMode,
    max_attempts: Option<u32>,
    rules: Option<&'static LegacyRules>,
) -> RetryState {
    RetryState::new(RetryConfig { mode, max_attempts }, rules)
}

/// Runs `outcomes` as one call until a stop; the decisions in order.
fn run(
    s: &RetryState,
    outcomes: &[AttemptOutcome<'_>],
    jitter: &mut dyn Jitter,
) -> heapless::Vec<Decision, 16> {
    let mut call = CallRetry::new();
    let mut out = heapless::Vec::new();
    for o in outcomes {
        let d = s.decide(&mut call, o, jitter);
        out.push(d).unwrap();
        if matches!(d, Decision::Stop(_)) {
            break;
        }
    }
    out
}

static DDB: LegacyRules = LegacyRules {
    service: "dynamodb",
    endpoint_prefix: "dynamodb",
    max_attempts: 10,
    delay: LegacyDelay {
        base: DelayBase::Seconds(0.05),
        growth_factor: 2.0,
    },
    policies: &[
        LegacyPolicy {
            name: "general_socket_errors",
            when: AppliesWhen::SocketErrors,
        },
        LegacyPolicy {
            name: "throughput_exceeded",
            when: AppliesWhen::ErrorCode {
                status: 400,
                code: "ProvisionedThroughputExceededException",
            },
        },
        LegacyPolicy {
            name: "crc32",
            when: AppliesWhen::Crc32Body,
        },
    ],
};

static STS: LegacyRules = LegacyRules {
    service: "sts",
    endpoint_prefix: "sts",
    ..LegacyRules::DEFAULT
};

static ONLY_SOCKETS: LegacyRules = LegacyRules {
    policies: &[LegacyPolicy {
        name: "general_socket_errors",
        when: AppliesWhen::SocketErrors,
    }],
    ..LegacyRules::DEFAULT
};

/// A body and a header value holding its CRC32 in decimal.
fn crc_pair(body: &[u8]) -> heapless::String<12> {
    let mut s = heapless::String::new();
    core::fmt::write(&mut s, format_args!("{}", crate::crc32::crc32(body))).unwrap();
    s
}

// ---------------------------------------------------------------- standard

#[test]
fn standard_retries_transient_until_max_attempts_with_doubling_backoff() {
    let s = state(RetryMode::Standard, None, None);
    let busy = resp(500, None);
    let d = run(&s, &[busy, busy, busy, busy], &mut FixedJitter(0.75));
    let want_first = secs_to_ms(0.75);
    let want_second = secs_to_ms(0.75 * 2.0);
    assert_eq!(
        &d[..],
        &[
            Decision::Retry {
                delay_ms: want_first
            },
            Decision::Retry {
                delay_ms: want_second
            },
            Decision::Stop(StopReason::MaxAttempts),
        ]
    );
    assert_eq!(s.quota_available(), INITIAL_CAPACITY - 2 * RETRY_COST);
}

#[test]
fn standard_backoff_caps_at_twenty_seconds() {
    let s = state(RetryMode::Standard, Some(12), None);
    let busy = resp(503, None);
    let d = run(&s, &[busy; 12], &mut FixedJitter(0.5));
    let delays: heapless::Vec<u64, 16> = d
        .iter()
        .filter_map(|d| match d {
            Decision::Retry { delay_ms } => Some(*delay_ms),
            Decision::Stop(_) => None,
        })
        .collect();
    assert_eq!(delays.len(), 11);
    for (i, ms) in delays.iter().enumerate() {
        let scale = (1u64 << i.min(10)).min(u64::from(MAX_BACKOFF_SECS));
        assert_eq!(*ms, scale * 500, "retry {i}");
    }
}

#[test]
fn standard_classifies_codes_statuses_and_transport() {
    let retryable = [
        resp(400, Some("RequestTimeout")),
        resp(400, Some("PriorRequestNotComplete")),
        resp(400, Some("ThrottlingException")),
        resp(503, Some("SlowDown")),
        resp(502, None),
        resp(504, Some("Whatever")),
        AttemptOutcome::Transport(TransportFailure::Connect),
        AttemptOutcome::Transport(TransportFailure::ConnectionClosed),
        AttemptOutcome::Transport(TransportFailure::Other),
        AttemptOutcome::Response {
            status: 409,
            code: Some("ReplicatedWriteConflictException"),
            modeled: Some(ModeledRetry { throttling: false }),
            crc32_header: None,
            body: NO_BODY,
        },
    ];
    for o in retryable {
        let s = state(RetryMode::Standard, None, None);
        let d = run(&s, &[o], &mut FixedJitter(0.0));
        assert_eq!(&d[..], &[Decision::Retry { delay_ms: 0 }], "{o:?}");
    }
    let not = [
        resp(400, Some("ValidationException")),
        resp(403, Some("AccessDenied")),
        resp(429, None),
        resp(509, None),
        resp(404, None),
        resp(501, None),
        resp(400, Some("IDPCommunicationError")),
    ];
    for o in not {
        let s = state(RetryMode::Standard, None, None);
        let d = run(&s, &[o], &mut FixedJitter(0.0));
        assert_eq!(&d[..], &[Decision::Stop(StopReason::NotRetryable)], "{o:?}");
        assert_eq!(s.quota_available(), INITIAL_CAPACITY);
    }
}

#[test]
fn standard_sts_idp_error_is_retried_for_sts_only() {
    let idp = resp(400, Some("IDPCommunicationError"));
    let s = state(RetryMode::Standard, None, Some(&STS));
    assert!(matches!(
        run(&s, &[idp], &mut FixedJitter(0.1))[0],
        Decision::Retry { .. }
    ));
    let s = state(RetryMode::Standard, None, Some(&DDB));
    assert_eq!(
        run(&s, &[idp], &mut FixedJitter(0.1))[0],
        Decision::Stop(StopReason::NotRetryable)
    );
}

#[test]
fn standard_dynamodb_crc32() {
    let body = b"{\"Count\":0}";
    let good = crc_pair(body);
    let with = |h: &'static str| AttemptOutcome::Response {
        status: 200,
        code: None,
        modeled: None,
        crc32_header: Some(h),
        body,
    };
    let matching = AttemptOutcome::Response {
        status: 200,
        code: None,
        modeled: None,
        crc32_header: Some(good.as_str()),
        body,
    };
    let s = state(RetryMode::Standard, None, Some(&DDB));
    let d = run(
        &s,
        &[with("12"), with("12"), with("12")],
        &mut FixedJitter(0.0),
    );
    // Retried twice, then the mismatching 2xx is the call's: quota comes back.
    assert_eq!(d[2], Decision::Stop(StopReason::MaxAttempts));
    assert_eq!(s.quota_available(), INITIAL_CAPACITY - RETRY_COST);
    let s = state(RetryMode::Standard, None, Some(&DDB));
    assert_eq!(
        run(&s, &[matching], &mut FixedJitter(0.0))[0],
        Decision::Stop(StopReason::Success)
    );
    let s = state(RetryMode::Standard, None, Some(&DDB));
    assert_eq!(
        run(&s, &[with("not a number")], &mut FixedJitter(0.0))[0],
        Decision::Stop(StopReason::BadCrc32Header)
    );
    // Other services do not look at the header.
    let s = state(RetryMode::Standard, None, Some(&STS));
    assert_eq!(
        run(&s, &[with("12")], &mut FixedJitter(0.0))[0],
        Decision::Stop(StopReason::Success)
    );
}

#[test]
fn standard_quota_costs_refunds_and_exhaustion() {
    let s = state(RetryMode::Standard, Some(1000), None);
    let mut j = FixedJitter(0.0);
    // A success never retried gives one unit back, up to the initial capacity.
    assert_eq!(
        run(&s, &[OK], &mut j)[0],
        Decision::Stop(StopReason::Success)
    );
    assert_eq!(s.quota_available(), INITIAL_CAPACITY);

    // A timeout costs more; success after it refunds that last cost.
    let mut call = CallRetry::new();
    let rt = AttemptOutcome::Transport(TransportFailure::ReadTimeout);
    let ct = AttemptOutcome::Transport(TransportFailure::ConnectTimeout);
    assert!(matches!(
        s.decide(&mut call, &resp(500, None), &mut j),
        Decision::Retry { .. }
    ));
    assert!(matches!(
        s.decide(&mut call, &rt, &mut j),
        Decision::Retry { .. }
    ));
    assert!(matches!(
        s.decide(&mut call, &ct, &mut j),
        Decision::Retry { .. }
    ));
    assert_eq!(call.quota_acquired(), Some(TIMEOUT_RETRY_COST));
    let after = INITIAL_CAPACITY - RETRY_COST - 2 * TIMEOUT_RETRY_COST;
    assert_eq!(s.quota_available(), after);
    assert_eq!(
        s.decide(&mut call, &OK, &mut j),
        Decision::Stop(StopReason::Success)
    );
    assert_eq!(s.quota_available(), after + TIMEOUT_RETRY_COST);

    // A failed call gives nothing back.
    let before = s.quota_available();
    assert_eq!(
        run(&s, &[resp(400, Some("AccessDenied"))], &mut j)[0],
        Decision::Stop(StopReason::NotRetryable)
    );
    assert_eq!(s.quota_available(), before);

    // Drain the quota with one long call of 503s.
    let mut call = CallRetry::new();
    let mut retries = 0u32;
    loop {
        match s.decide(&mut call, &resp(503, None), &mut j) {
            Decision::Retry { .. } => retries += 1,
            Decision::Stop(r) => {
                assert_eq!(r, StopReason::QuotaExhausted);
                break;
            }
        }
    }
    assert_eq!(retries, before / RETRY_COST);
    assert_eq!(s.quota_available(), before % RETRY_COST);
    // Nothing is retried now, not even a fresh call's first failure.
    assert_eq!(
        run(&s, &[resp(500, None)], &mut j)[0],
        Decision::Stop(StopReason::QuotaExhausted)
    );
    // A success refunds one unit at a time.
    let low = s.quota_available();
    run(&s, &[OK], &mut j);
    assert_eq!(s.quota_available(), low + NO_RETRY_INCREMENT);
}

#[test]
fn standard_draws_jitter_only_for_retries() {
    struct Counting(u32);
    impl Jitter for Counting {
        fn next_unit(&mut self) -> f64 {
            self.0 += 1;
            0.5
        }
    }
    let s = state(RetryMode::Standard, None, None);
    let mut j = Counting(0);
    run(
        &s,
        &[resp(500, None), resp(500, None), resp(500, None)],
        &mut j,
    );
    assert_eq!(j.0, 2);
    run(&s, &[resp(400, None)], &mut j);
    assert_eq!(j.0, 2);
}

// ---------------------------------------------------------------- legacy

#[test]
fn legacy_default_rules() {
    let s = state(RetryMode::Legacy, None, None);
    assert_eq!(s.max_attempts(), 5);
    let busy = resp(509, None);
    let d = run(&s, &[busy; 6], &mut FixedJitter(0.3));
    assert_eq!(d.len(), 5);
    for (i, d) in d.iter().take(4).enumerate() {
        let want = secs_to_ms(0.3 * f64::from(1u32 << i));
        assert_eq!(*d, Decision::Retry { delay_ms: want });
    }
    assert_eq!(d[4], Decision::Stop(StopReason::MaxAttempts));
    // The quota is not legacy's.
    assert_eq!(s.quota_available(), INITIAL_CAPACITY);

    for (o, retried) in [
        (resp(400, Some("Throttling")), true),
        (resp(429, None), true),
        (resp(400, Some("SlowDown")), false),
        (resp(400, Some("RequestTimeout")), false),
        (resp(403, Some("Throttling")), false),
        (
            AttemptOutcome::Transport(TransportFailure::ReadTimeout),
            true,
        ),
        (
            AttemptOutcome::Transport(TransportFailure::ConnectTimeout),
            true,
        ),
        (AttemptOutcome::Transport(TransportFailure::Other), false),
        (OK, false),
    ] {
        let d = run(&s, &[o], &mut FixedJitter(0.0))[0];
        assert_eq!(matches!(d, Decision::Retry { .. }), retried, "{o:?}");
    }
    assert_eq!(
        run(&s, &[OK], &mut FixedJitter(0.0))[0],
        Decision::Stop(StopReason::Success)
    );
}

#[test]
fn legacy_config_overrides_max_attempts() {
    let s = state(RetryMode::Legacy, Some(2), Some(&DDB));
    let t = resp(400, Some("ProvisionedThroughputExceededException"));
    let d = run(&s, &[t, t, t], &mut FixedJitter(0.9));
    // Fixed base: no jitter; 0.05 s for the first retry.
    assert_eq!(
        &d[..],
        &[
            Decision::Retry { delay_ms: 50 },
            Decision::Stop(StopReason::MaxAttempts)
        ]
    );
    let s = state(RetryMode::Legacy, None, Some(&DDB));
    assert_eq!(s.max_attempts(), 10);
    let d = run(&s, &[t; 10], &mut FixedJitter(0.9));
    assert_eq!(
        d[8],
        Decision::Retry {
            delay_ms: secs_to_ms(0.05 * 256.0)
        }
    );
    assert_eq!(d[9], Decision::Stop(StopReason::MaxAttempts));
}

#[test]
fn legacy_crc32_and_transport_exceptions() {
    let body = b"{}";
    let bad = AttemptOutcome::Response {
        status: 200,
        code: None,
        modeled: None,
        crc32_header: Some("1"),
        body,
    };
    let s = state(RetryMode::Legacy, Some(3), Some(&DDB));
    let d = run(&s, &[bad, bad, bad], &mut FixedJitter(0.0));
    assert_eq!(d[1], Decision::Retry { delay_ms: 100 });
    assert_eq!(d[2], Decision::Stop(StopReason::Crc32Mismatch));
    let garbled = AttemptOutcome::Response {
        status: 200,
        code: None,
        modeled: None,
        crc32_header: Some("x"),
        body,
    };
    assert_eq!(
        run(&s, &[garbled], &mut FixedJitter(0.0))[0],
        Decision::Stop(StopReason::BadCrc32Header)
    );
    // No crc32 policy, no check.
    let s = state(RetryMode::Legacy, None, None);
    assert_eq!(
        run(&s, &[garbled], &mut FixedJitter(0.0))[0],
        Decision::Stop(StopReason::Success)
    );

    // A connection error on the last attempt ends the call as used up.
    let s = state(RetryMode::Legacy, Some(2), Some(&DDB));
    let c = AttemptOutcome::Transport(TransportFailure::Connect);
    let d = run(&s, &[c, c], &mut FixedJitter(0.0));
    assert_eq!(d[1], Decision::Stop(StopReason::MaxAttempts));
    // botocore only catches the policies' exceptions when there are several.
    let s = state(RetryMode::Legacy, None, Some(&ONLY_SOCKETS));
    assert_eq!(
        run(&s, &[c], &mut FixedJitter(0.0))[0],
        Decision::Stop(StopReason::NotRetryable)
    );
}

// ---------------------------------------------------------------- adaptive

#[test]
fn adaptive_uses_standard_rules_and_quota() {
    let s = state(RetryMode::Adaptive, None, None);
    let d = run(&s, &[resp(500, None), OK], &mut FixedJitter(0.5));
    assert_eq!(
        &d[..],
        &[
            Decision::Retry { delay_ms: 500 },
            Decision::Stop(StopReason::Success)
        ]
    );
    assert_eq!(s.quota_available(), INITIAL_CAPACITY);
    assert_eq!(state(RetryMode::Standard, None, None).send_rate(), None);
    assert_eq!(state(RetryMode::Legacy, None, None).before_send(5), 0);
}

#[test]
fn adaptive_limiter_waits_only_after_throttling() {
    let s = state(RetryMode::Adaptive, None, None).started_at(1_000);
    // Ten quick successes: no waiting, limiter off.
    let mut now = 1_000;
    for _ in 0..10 {
        assert_eq!(s.before_send(now), 0);
        now += 100;
        s.after_response(now, false);
    }
    let snap = s.rate_limiter().unwrap();
    assert!(!snap.enabled);
    assert!(snap.measured_rate > 0.0);
    assert!(snap.fill_rate >= MIN_FILL_RATE);

    // A throttle: the new rate is β times the measured rate (floored), CUBIC's
    // w_max is that measured rate.
    s.after_response(now, true);
    let snap = s.rate_limiter().unwrap();
    assert!(snap.enabled);
    assert_eq!(snap.last_max_rate, snap.measured_rate);
    let want = (snap.measured_rate * BETA).min(MAX_RATE_ADJUST_SCALE * snap.measured_rate);
    assert_eq!(snap.fill_rate, want.max(MIN_FILL_RATE));
    let k = libm::pow(
        snap.measured_rate * (1.0 - BETA) / SCALE_CONSTANT,
        1.0 / 3.0,
    );
    assert_eq!(snap.k, k);

    // Sending as fast as possible now waits for each token: after the first
    // wait the bucket is empty, so every later wait is one token's time.
    now += s.before_send(now);
    let rate = s.send_rate().unwrap();
    now += 10_000_000; // long enough to refill whatever the first wait left
    let full = s.rate_limiter().unwrap().max_capacity;
    let mut free = 0;
    loop {
        let w = s.before_send(now);
        if w > 0 {
            now += w;
            break;
        }
        free += 1;
    }
    // The refilled bucket gave its whole capacity (whole tokens) for free.
    assert_eq!(f64::from(free), libm::floor(full));
    for _ in 0..5 {
        let w = s.before_send(now);
        let one_token_ms = 1000.0 / rate;
        assert!(
            (w as f64 - one_token_ms).abs() <= 1.0,
            "{w} vs {one_token_ms}"
        );
        now += w;
    }
}

#[test]
fn adaptive_rate_recovers_along_cubic() {
    let s = state(RetryMode::Adaptive, None, None);
    // Build up a measured rate of about 10/s over two seconds.
    let mut now = 0;
    for _ in 0..20 {
        s.after_response(now, false);
        now += 100;
    }
    s.after_response(now, true);
    let at_throttle = s.rate_limiter().unwrap();
    let throttle_secs = now as f64 / 1000.0;
    // Later successes follow C * (t - K)^3 + w_max, capped at twice the
    // measured rate and floored at the bucket's minimum.
    for step in 1..=20u64 {
        let t = now + step * 250;
        s.after_response(t, false);
        let snap = s.rate_limiter().unwrap();
        let dt = t as f64 / 1000.0 - throttle_secs;
        let cubic = SCALE_CONSTANT * libm::pow(dt - at_throttle.k, 3.0) + at_throttle.last_max_rate;
        let want = cubic
            .min(MAX_RATE_ADJUST_SCALE * snap.measured_rate)
            .max(MIN_FILL_RATE);
        assert!(
            (snap.fill_rate - want).abs() < 1e-12,
            "step {step}: {} vs {want}",
            snap.fill_rate
        );
    }
}

#[test]
fn whole_seconds_convert_as_as_does() {
    let two_32 = 4_294_967_296.0;
    let edges = [
        0.0,
        -0.0,
        -1.0,
        0.5,
        1.0,
        two_32 - 1.0,
        two_32,
        two_32 + 1.0,
        9_007_199_254_740_993.0,
        18_446_744_073_709_549_568.0,
        18_446_744_073_709_551_616.0,
        1e300,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
    ];
    let mut j = super::jitter::SeededJitter::new(7);
    let random = (0..10_000).map(|_| f64::from_bits(j.next_u64() >> 2));
    for x in edges.into_iter().chain(random) {
        assert_eq!(super::saturating_u64(x), x as u64, "{x}");
    }
}
