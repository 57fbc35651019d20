//! Retries against botocore 1.43.11: several hundred scripted scenarios (calls
//! of attempts ending in responses of many statuses and error codes, transport
//! failures, and DynamoDB CRC32 headers right, wrong and garbled) run through
//! `stratus_core::retry` and, with the same attempts and the same random
//! draws, through the retry objects botocore registers on a client
//! (`tests/oracle/retry_oracle.py`): the legacy handler built from
//! `_retry.json`, the standard handler and its quota, and the adaptive rate
//! limiter on a fake clock. Every decision, delay (to 1 ms), stop reason,
//! quota level, limiter wait and limiter state must agree.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::Stdio;

use serde_json::{Value as J, json};
use stratus_core::model::ServiceModel;
use stratus_core::retry::{
    AttemptOutcome, CallRetry, Decision, Jitter, LegacyRules, ModeledRetry, RateLimiterSnapshot,
    RetryConfig, RetryMode, RetryState, SeededJitter, StopReason, TransportFailure,
};

/// A service under test: botocore name, an operation, its tables and rules.
struct Svc {
    name: &'static str,
    op: &'static str,
    model: &'static ServiceModel,
    legacy: &'static LegacyRules,
}

fn services() -> Vec<Svc> {
    use stratus_models as m;
    vec![
        Svc {
            name: "dynamodb",
            op: "PutItem",
            model: m::dynamodb::SERVICE,
            legacy: &m::dynamodb::LEGACY_RETRY,
        },
        Svc {
            name: "s3",
            op: "GetObject",
            model: m::s3::SERVICE,
            legacy: &m::s3::LEGACY_RETRY,
        },
        Svc {
            name: "kinesis",
            op: "PutRecord",
            model: m::kinesis::SERVICE,
            legacy: &m::kinesis::LEGACY_RETRY,
        },
        Svc {
            name: "ec2",
            op: "DescribeInstances",
            model: m::ec2::SERVICE,
            legacy: &m::ec2::LEGACY_RETRY,
        },
        Svc {
            name: "sqs",
            op: "SendMessage",
            model: m::sqs::SERVICE,
            legacy: &m::sqs::LEGACY_RETRY,
        },
        Svc {
            name: "sts",
            op: "AssumeRoleWithWebIdentity",
            model: m::sts::SERVICE,
            legacy: &m::sts::LEGACY_RETRY,
        },
        Svc {
            name: "cloudwatch",
            op: "PutMetricData",
            model: m::cloudwatch::SERVICE,
            legacy: &m::cloudwatch::LEGACY_RETRY,
        },
        Svc {
            name: "inspector-scan",
            op: "ScanSbom",
            model: m::inspector_scan::SERVICE,
            legacy: &m::inspector_scan::LEGACY_RETRY,
        },
    ]
}

/// `(status, code)` pairs the rules of some service or mode name, plus
/// unrelated ones.
const PAIRS: &[(u16, Option<&str>)] = &[
    (400, Some("ValidationException")),
    (403, Some("AccessDenied")),
    (404, Some("ResourceNotFoundException")),
    (400, Some("Throttling")),
    (400, Some("ThrottlingException")),
    (400, Some("ThrottledException")),
    (400, Some("RequestThrottledException")),
    (429, None),
    (429, Some("TooManyRequestsException")),
    (400, Some("TooManyRequestsException")),
    (400, Some("ProvisionedThroughputExceededException")),
    (400, Some("TransactionInProgressException")),
    (400, Some("RequestTimeout")),
    (408, Some("RequestTimeoutException")),
    (400, Some("PriorRequestNotComplete")),
    (503, Some("SlowDown")),
    (503, Some("RequestLimitExceeded")),
    (503, Some("EC2ThrottledException")),
    (509, Some("BandwidthLimitExceeded")),
    (509, None),
    (400, Some("LimitExceededException")),
    (403, Some("RequestThrottled")),
    (400, Some("BadDigest")),
    (500, None),
    (500, Some("InternalError")),
    (502, None),
    (503, None),
    (504, None),
    (400, Some("IDPCommunicationError")),
    (409, Some("ReplicatedWriteConflictException")),
    (400, Some("InternalServerException")),
    (400, Some("SomethingElse")),
];
const STATUSES: &[u16] = &[200, 400, 403, 429, 500, 502, 503, 504, 509];
const TRANSPORTS: &[(TransportFailure, &str)] = &[
    (TransportFailure::Connect, "Connect"),
    (TransportFailure::ConnectTimeout, "ConnectTimeout"),
    (TransportFailure::ReadTimeout, "ReadTimeout"),
    (TransportFailure::ConnectionClosed, "ConnectionClosed"),
    (TransportFailure::Other, "Other"),
];

/// Script generator (independent of the draws the retry logic gets).
struct Rng(SeededJitter);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        (self.0.next_u64() % n as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.0.next_u64() % 100 < percent
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len())]
    }
}

/// One scripted attempt, owned.
#[derive(Clone)]
enum Attempt {
    Response {
        status: u16,
        code: Option<&'static str>,
        crc: Option<String>,
        body: String,
    },
    Transport(TransportFailure, &'static str),
}

impl Attempt {
    fn outcome<'a>(&'a self, svc: &Svc) -> AttemptOutcome<'a> {
        match self {
            Attempt::Response {
                status,
                code,
                crc,
                body,
            } => AttemptOutcome::Response {
                status: *status,
                code: *code,
                modeled: code.and_then(|c| {
                    let op = svc.model.operation(svc.op)?;
                    ModeledRetry::from_model(svc.model, op, c)
                }),
                crc32_header: crc.as_deref(),
                body: body.as_bytes(),
            },
            Attempt::Transport(f, _) => AttemptOutcome::Transport(*f),
        }
    }

    fn json(&self) -> J {
        match self {
            Attempt::Response {
                status,
                code,
                crc,
                body,
            } => json!({"status": status, "code": code, "crc": crc, "body": body}),
            Attempt::Transport(_, name) => json!({"transport": name}),
        }
    }
}

fn gen_attempt(rng: &mut Rng, svc: &Svc, seq: usize, failing: bool) -> Attempt {
    if failing && rng.chance(15) {
        let (f, name) = rng.pick(TRANSPORTS);
        return Attempt::Transport(f, name);
    }
    let (status, code) = if !failing || rng.chance(25) {
        (200, None)
    } else if rng.chance(60) {
        rng.pick(PAIRS)
    } else {
        let status = rng.pick(STATUSES);
        let code = if status == 200 || rng.chance(30) {
            None
        } else {
            rng.pick(PAIRS).1
        };
        (status, code)
    };
    let body = format!(
        "{{\"seq\":{seq},\"pad\":\"{}\"}}",
        "x".repeat(rng.below(20))
    );
    let good = crc32fast::hash(body.as_bytes());
    let roll = rng.below(100);
    let crc = if svc.name == "dynamodb" {
        match roll {
            0..40 => Some(good.to_string()),
            40..58 => Some((good ^ 0x10).to_string()),
            58..61 => Some("not-a-number".to_string()),
            61..63 => Some(format!(" +{good} ")),
            _ => None,
        }
    } else if roll < 10 {
        Some((good ^ 1).to_string())
    } else {
        None
    };
    Attempt::Response {
        status,
        code,
        crc,
        body,
    }
}

/// Hands out seeded draws and remembers them, so botocore gets the same.
struct Recorded {
    rng: SeededJitter,
    drawn: Vec<f64>,
}

impl Jitter for Recorded {
    fn next_unit(&mut self) -> f64 {
        let x = self.rng.next_unit();
        self.drawn.push(x);
        x
    }
}

/// What stratus decided at one attempt.
struct Step {
    decision: Decision,
    quota: u32,
    wait_ms: Option<u64>,
    limiter: Option<RateLimiterSnapshot>,
}

struct Scenario {
    id: usize,
    mode: RetryMode,
    svc: usize,
    max_attempts: Option<u32>,
    start_ms: u64,
    /// Per call, the attempts actually made (stratus stops the script early).
    calls: Vec<Vec<(Attempt, u64, u64)>>,
    steps: Vec<Vec<Step>>,
    draws: Vec<f64>,
}

fn mode_name(m: RetryMode) -> &'static str {
    match m {
        RetryMode::Legacy => "legacy",
        RetryMode::Standard => "standard",
        RetryMode::Adaptive => "adaptive",
    }
}

/// What a scenario's calls are made of.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Random attempts (see `gen_attempt`).
    Mixed,
    /// Long calls of 503s, to drain the retry quota.
    Drain,
    /// 2xx responses whose CRC32 header is mostly wrong, with few attempts.
    Crc,
}

/// Builds and runs one scenario through stratus.
fn run_stratus(id: usize, mode: RetryMode, svc_index: usize, svc: &Svc, kind: Kind) -> Scenario {
    let drain = kind == Kind::Drain;
    let mut rng = Rng(SeededJitter::new(0x5EED_0000 + id as u64));
    let max_attempts = if drain {
        Some(40)
    } else if kind == Kind::Crc {
        Some(rng.pick(&[1u32, 2, 3]))
    } else if rng.chance(50) {
        None
    } else {
        Some(rng.pick(&[1u32, 2, 3, 4, 6, 8]))
    };
    let start_ms = rng.pick(&[0u64, 1_234, 2_600, 7_777_700]);
    let state =
        RetryState::new(RetryConfig { mode, max_attempts }, Some(svc.legacy)).started_at(start_ms);
    let mut jitter = Recorded {
        rng: SeededJitter::new(0xD4A3_0000 + id as u64),
        drawn: Vec::new(),
    };
    let n_calls = if drain { 6 } else { 1 + rng.below(6) };
    let mut now = start_ms;
    let mut calls = Vec::new();
    let mut steps = Vec::new();
    for _ in 0..n_calls {
        // Some calls fail a lot, some hardly at all.
        let failing = drain || rng.chance(70);
        let script: Vec<Attempt> = (0..if drain { 45 } else { 12 })
            .map(|seq| {
                if drain {
                    Attempt::Response {
                        status: 503,
                        code: None,
                        crc: None,
                        body: String::new(),
                    }
                } else if kind == Kind::Crc {
                    let body = format!("{{\"Item\":{seq}}}");
                    let good = crc32fast::hash(body.as_bytes());
                    let crc = if rng.chance(70) { good ^ 4 } else { good };
                    Attempt::Response {
                        status: 200,
                        code: None,
                        crc: Some(crc.to_string()),
                        body,
                    }
                } else {
                    gen_attempt(&mut rng, svc, seq, failing)
                }
            })
            .collect();
        now += rng.below(400) as u64;
        let mut call = CallRetry::new();
        let mut made = Vec::new();
        let mut call_steps = Vec::new();
        for attempt in script {
            let send_ms = now;
            let wait = state.before_send(now);
            now += wait + 1 + rng.below(250) as u64;
            let recv_ms = now;
            let outcome = attempt.outcome(svc);
            let decision = state.decide(&mut call, &outcome, &mut jitter);
            if decision != Decision::Stop(StopReason::BadCrc32Header) {
                state.after_response(recv_ms, RetryState::is_throttle(&outcome));
            }
            call_steps.push(Step {
                decision,
                quota: state.quota_available(),
                wait_ms: (mode == RetryMode::Adaptive).then_some(wait),
                limiter: state.rate_limiter(),
            });
            made.push((attempt, send_ms, recv_ms));
            match decision {
                Decision::Retry { delay_ms } => now += delay_ms,
                Decision::Stop(_) => break,
            }
        }
        calls.push(made);
        steps.push(call_steps);
    }
    Scenario {
        id,
        mode,
        svc: svc_index,
        max_attempts,
        start_ms,
        calls,
        steps,
        draws: jitter.drawn,
    }
}

fn scenario_json(s: &Scenario, svc: &Svc) -> J {
    let mut draws = s.draws.clone();
    // Spare draws, so a botocore that retries more than stratus shows as a
    // difference rather than a crash.
    let mut spare = SeededJitter::new(s.id as u64);
    draws.extend((0..64).map(|_| spare.next_unit()));
    let calls: Vec<J> = s
        .calls
        .iter()
        .map(|c| {
            J::Array(
                c.iter()
                    .map(|(a, send, recv)| {
                        let mut j = a.json();
                        j["send_ms"] = json!(send);
                        j["recv_ms"] = json!(recv);
                        j
                    })
                    .collect(),
            )
        })
        .collect();
    json!({
        "id": s.id,
        "mode": mode_name(s.mode),
        "service": svc.name,
        "op": svc.op,
        "max_attempts": s.max_attempts,
        "start_ms": s.start_ms,
        "draws": draws,
        "calls": calls,
    })
}

fn reason_name(r: StopReason) -> &'static str {
    match r {
        StopReason::Success => "Success",
        StopReason::NotRetryable => "NotRetryable",
        StopReason::MaxAttempts => "MaxAttempts",
        StopReason::QuotaExhausted => "QuotaExhausted",
        StopReason::Crc32Mismatch => "Crc32Mismatch",
        StopReason::BadCrc32Header => "BadCrc32Header",
    }
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 + 1e-9 * a.abs().max(b.abs())
}

#[derive(Default)]
struct Tally {
    scenarios: BTreeMap<&'static str, usize>,
    attempts: usize,
    retries: usize,
    delays_nonzero: usize,
    stops: BTreeMap<&'static str, usize>,
    quota_steps: usize,
    quota_min: u32,
    waits: usize,
    waits_nonzero: usize,
    limiter_states: usize,
    throttled_enabled: usize,
    draws: usize,
}

fn compare(s: &Scenario, svc: &Svc, py: &J, tally: &mut Tally, bad: &mut Vec<String>) {
    let name = format!(
        "#{} {} {} max={:?}",
        s.id,
        mode_name(s.mode),
        svc.name,
        s.max_attempts
    );
    let py_calls = py["calls"].as_array().cloned().unwrap_or_default();
    if py_calls.len() != s.steps.len() {
        bad.push(format!(
            "{name}: {} calls vs botocore {}",
            s.steps.len(),
            py_calls.len()
        ));
        return;
    }
    let used = py["draws_used"].as_u64().unwrap_or(u64::MAX);
    if used != s.draws.len() as u64 {
        bad.push(format!(
            "{name}: {} draws vs botocore {used}",
            s.draws.len()
        ));
    }
    tally.draws += s.draws.len();
    for (ci, (ours, theirs)) in s.steps.iter().zip(&py_calls).enumerate() {
        let theirs = theirs.as_array().cloned().unwrap_or_default();
        if ours.len() != theirs.len() {
            bad.push(format!(
                "{name} call {ci}: {} attempts vs botocore {}",
                ours.len(),
                theirs.len()
            ));
        }
        for (ai, (o, t)) in ours.iter().zip(&theirs).enumerate() {
            let at = format!("{name} call {ci} attempt {}", ai + 1);
            tally.attempts += 1;
            match (o.decision, t["decision"].as_str()) {
                (Decision::Retry { delay_ms }, Some("retry")) => {
                    let secs = t["delay"].as_f64().unwrap_or(f64::NAN);
                    if !((delay_ms as f64) - secs * 1000.0).abs().le(&1.0) {
                        bad.push(format!("{at}: delay {delay_ms} ms vs botocore {secs} s"));
                    }
                    tally.retries += 1;
                    if delay_ms > 0 {
                        tally.delays_nonzero += 1;
                    }
                }
                (Decision::Stop(r), Some("stop")) => {
                    let want = t["reason"].as_str().unwrap_or("?");
                    if reason_name(r) != want {
                        bad.push(format!("{at}: stop {r:?} vs botocore {want}"));
                    }
                    *tally.stops.entry(reason_name(r)).or_default() += 1;
                }
                (d, other) => bad.push(format!("{at}: {d:?} vs botocore {other:?} ({t})")),
            }
            if s.mode != RetryMode::Legacy {
                tally.quota_steps += 1;
                tally.quota_min = tally.quota_min.min(o.quota);
                if t["quota"].as_u64() != Some(u64::from(o.quota)) {
                    bad.push(format!(
                        "{at}: quota {} vs botocore {}",
                        o.quota, t["quota"]
                    ));
                }
            }
            if let Some(wait) = o.wait_ms {
                let secs = t["wait"].as_f64().unwrap_or(f64::NAN);
                tally.waits += 1;
                if wait > 0 {
                    tally.waits_nonzero += 1;
                }
                // stratus rounds the wait up to whole milliseconds (botocore's
                // fake clock adds float noise of about 1e-13 ms).
                let diff = wait as f64 - secs * 1000.0;
                if !(-1e-6..=1.0).contains(&diff) {
                    bad.push(format!("{at}: wait {wait} ms vs botocore {secs} s"));
                }
            }
            if let Some(l) = o.limiter {
                if o.decision == Decision::Stop(StopReason::BadCrc32Header) {
                    continue;
                }
                let tl = &t["limiter"];
                tally.limiter_states += 1;
                if l.enabled {
                    tally.throttled_enabled += 1;
                }
                let fields = [
                    ("measured_rate", l.measured_rate),
                    ("fill_rate", l.fill_rate),
                    ("max_capacity", l.max_capacity),
                    ("capacity", l.capacity),
                    ("last_max_rate", l.last_max_rate),
                    ("k", l.k),
                    ("last_throttle_secs", l.last_throttle_secs),
                ];
                for (field, ours) in fields {
                    let theirs = tl[field].as_f64().unwrap_or(f64::NAN);
                    if !close(ours, theirs) {
                        bad.push(format!("{at}: limiter {field} {ours} vs botocore {theirs}"));
                    }
                }
                if tl["enabled"].as_bool() != Some(l.enabled) {
                    bad.push(format!(
                        "{at}: limiter enabled {} vs botocore {}",
                        l.enabled, tl["enabled"]
                    ));
                }
            }
        }
    }
}

#[test]
fn retries_match_botocore() {
    let svcs = services();
    let mut scenarios = Vec::new();
    let mut id = 0;
    for mode in [RetryMode::Legacy, RetryMode::Standard, RetryMode::Adaptive] {
        for i in 0..160 {
            let si = i % svcs.len();
            scenarios.push(run_stratus(id, mode, si, &svcs[si], Kind::Mixed));
            id += 1;
        }
        // DynamoDB's CRC32 check on the last attempts.
        for _ in 0..8 {
            scenarios.push(run_stratus(id, mode, 0, &svcs[0], Kind::Crc));
            id += 1;
        }
        if mode != RetryMode::Legacy {
            // Calls long enough to drain the retry quota.
            for si in [0, 2, 4] {
                scenarios.push(run_stratus(id, mode, si, &svcs[si], Kind::Drain));
                id += 1;
            }
        }
    }
    let input = J::Array(
        scenarios
            .iter()
            .map(|s| scenario_json(s, &svcs[s.svc]))
            .collect(),
    );
    let oracle = stratus_tests::workspace_root().join("tests/oracle/retry_oracle.py");
    let mut child = stratus_tests::python()
        .env_remove("AWS_RETRY_MODE")
        .env_remove("AWS_MAX_ATTEMPTS")
        .env_remove("AWS_NEW_RETRIES_2026")
        .arg(&oracle)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    {
        let mut stdin = child.stdin.take().expect("stdin");
        stdin
            .write_all(input.to_string().as_bytes())
            .expect("write scenarios");
    }
    let out = child.wait_with_output().expect("oracle finishes");
    assert!(
        out.status.success(),
        "retry oracle failed:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<J> = serde_json::from_slice(&out.stdout).expect("oracle prints JSON");
    assert_eq!(results.len(), scenarios.len());

    let mut tally = Tally {
        quota_min: u32::MAX,
        ..Tally::default()
    };
    let mut bad = Vec::new();
    for (s, py) in scenarios.iter().zip(&results) {
        assert_eq!(py["id"].as_u64(), Some(s.id as u64));
        *tally.scenarios.entry(mode_name(s.mode)).or_default() += 1;
        compare(s, &svcs[s.svc], py, &mut tally, &mut bad);
    }
    println!(
        "retry scenarios compared with botocore: {:?}",
        tally.scenarios
    );
    println!(
        "attempts {}, retries {} ({} with a non-zero delay), random draws {}",
        tally.attempts, tally.retries, tally.delays_nonzero, tally.draws
    );
    println!("stop reasons: {:?}", tally.stops);
    println!(
        "quota levels compared {} (lowest {}); limiter waits {} ({} non-zero); limiter states {} ({} after throttling)",
        tally.quota_steps,
        tally.quota_min,
        tally.waits,
        tally.waits_nonzero,
        tally.limiter_states,
        tally.throttled_enabled
    );
    println!("differences: {}", bad.len());
    for b in bad.iter().take(30) {
        println!("  {b}");
    }
    assert!(bad.is_empty(), "{} differences from botocore", bad.len());
    // The scripts must reach every kind of stop, or the comparison proves little.
    for reason in [
        "Success",
        "NotRetryable",
        "MaxAttempts",
        "QuotaExhausted",
        "Crc32Mismatch",
        "BadCrc32Header",
    ] {
        assert!(
            tally.stops.contains_key(reason),
            "no scenario stopped with {reason}"
        );
    }
    assert!(tally.waits_nonzero > 0 && tally.throttled_enabled > 0);
}

/// Services without an entry in `_retry.json` get exactly its `__default__`,
/// which the core also carries as `LegacyRules::DEFAULT`.
#[test]
fn generated_default_rules_equal_core_default() {
    let cw = &stratus_models::cloudwatch::LEGACY_RETRY;
    assert_eq!(cw.service, "cloudwatch");
    assert_eq!(cw.endpoint_prefix, "monitoring");
    assert_eq!(
        LegacyRules {
            service: "",
            endpoint_prefix: "",
            ..*cw
        },
        LegacyRules::DEFAULT
    );
    // dynamodb's own entry: ten attempts, a fixed 50 ms base, the crc32 policy last.
    let ddb = &stratus_models::dynamodb::LEGACY_RETRY;
    assert_eq!(ddb.max_attempts, 10);
    assert_eq!(ddb.policies.last().map(|p| p.name), Some("crc32"));
}
