//! botocore's legacy retry mode: the rules of `_retry.json`, applied as
//! `botocore/retryhandler.py` applies them.
//!
//! The rules are data. `stratus-codegen` compiles `models/data/_retry.json`
//! into one [`LegacyRules`] per service (`<service>::LEGACY_RETRY` in
//! `stratus-models`): the `__default__` entry merged with the entry named by
//! the service's endpoint prefix, `$ref`s resolved, as botocore's
//! `translate.build_retry_config` does. [`LegacyRules::DEFAULT`] is the
//! `__default__` entry alone.
//!
//! How a decision is made, following botocore:
//! * the policies are tried in order; the first that matches decides;
//! * a crc32 mismatch and a transport failure named by a socket-errors policy
//!   are exceptions in botocore: retried while attempts remain (when the rules
//!   hold more than one policy, as botocore only catches them then), and
//!   ending the call once they are used up;
//! * a matching attempt is retried after `base * growth_factor^(attempt-1)`
//!   seconds, `base` being a jitter draw when the rules say `"rand"`;
//! * there is no retry quota.

use super::classify::{self, Crc32Check};
use super::jitter::{self, Jitter};
use super::{AttemptOutcome, Decision, StopReason, TransportFailure, secs_to_ms};

/// One service's legacy retry rules, as compiled from `_retry.json`.
#[derive(Clone, Copy, PartialEq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LegacyRules {
    /// botocore's service name (`dynamodb`, `sts`). Standard and adaptive mode
    /// read it too: botocore retries DynamoDB CRC32 mismatches and STS's
    /// `IDPCommunicationError` there.
    pub service: &'static str,
    /// The service's `endpointPrefix`, the key botocore looks the rules up by.
    pub endpoint_prefix: &'static str,
    /// Most attempts of one call, the first included (`max_attempts`).
    pub max_attempts: u32,
    /// How long to wait before a retry (`delay`).
    pub delay: LegacyDelay,
    /// The policies in botocore's order: `__default__`'s, then the ones the
    /// service entry adds; a policy the service entry redefines keeps its
    /// place.
    pub policies: &'static [LegacyPolicy],
}

/// An exponential delay: `base * growth_factor^(attempt - 1)` seconds.
#[derive(Clone, Copy, PartialEq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LegacyDelay {
    /// The first retry's delay.
    pub base: DelayBase,
    /// Factor per further attempt.
    pub growth_factor: f64,
}

/// The `base` of a [`LegacyDelay`].
#[derive(Clone, Copy, PartialEq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DelayBase {
    /// `"rand"`: a fresh draw in `[0, 1)` seconds for each retry.
    Rand,
    /// A fixed number of seconds (greater than zero).
    Seconds(f64),
}

/// One named policy of the rules.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LegacyPolicy {
    /// The policy's key in `_retry.json` (`throttling_exception`, `crc32`).
    pub name: &'static str,
    /// When it asks for a retry.
    pub when: AppliesWhen,
}

/// The `applies_when` of a [`LegacyPolicy`].
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AppliesWhen {
    /// A response with this status and this service error code.
    ErrorCode {
        /// `http_status_code`.
        status: u16,
        /// `service_error_code`.
        code: &'static str,
    },
    /// A response with this status, whatever its code.
    Status(u16),
    /// A response whose `x-amz-crc32` header is not the CRC32 of its body
    /// (`crc32body`; the generator accepts no other header).
    Crc32Body,
    /// A transport failure of botocore's `GENERAL_CONNECTION_ERROR` group
    /// (`socket_errors`): `ConnectionError` (so connect failures and connect
    /// timeouts), `ConnectionClosedError`, `ReadTimeoutError`,
    /// `EndpointConnectionError` — every [`TransportFailure`] but `Other`.
    SocketErrors,
}

/// Shorthand for the default table below.
const fn code(name: &'static str, status: u16, code: &'static str) -> LegacyPolicy {
    LegacyPolicy {
        name,
        when: AppliesWhen::ErrorCode { status, code },
    }
}

/// Shorthand for the default table below.
const fn status(name: &'static str, status: u16) -> LegacyPolicy {
    LegacyPolicy {
        name,
        when: AppliesWhen::Status(status),
    }
}

impl LegacyRules {
    /// The `__default__` entry of botocore 1.43.11's `_retry.json`: five
    /// attempts, a random base doubling per attempt, and its twelve policies
    /// (connection errors; 500, 502, 503, 504, 509; four throttling codes with
    /// 400; 429; `ProvisionedThroughputExceededException` with 400). Services
    /// without an entry of their own get exactly these from the generator.
    pub const DEFAULT: LegacyRules = LegacyRules {
        service: "",
        endpoint_prefix: "",
        max_attempts: 5,
        delay: LegacyDelay {
            base: DelayBase::Rand,
            growth_factor: 2.0,
        },
        policies: &[
            LegacyPolicy {
                name: "general_socket_errors",
                when: AppliesWhen::SocketErrors,
            },
            status("general_server_error", 500),
            status("bad_gateway", 502),
            status("service_unavailable", 503),
            status("gateway_timeout", 504),
            status("limit_exceeded", 509),
            code("throttling_exception", 400, "ThrottlingException"),
            code("throttled_exception", 400, "ThrottledException"),
            code(
                "request_throttled_exception",
                400,
                "RequestThrottledException",
            ),
            code("throttling", 400, "Throttling"),
            status("too_many_requests", 429),
            code(
                "throughput_exceeded",
                400,
                "ProvisionedThroughputExceededException",
            ),
        ],
    };

    /// The seconds to wait before retrying after attempt `attempt` (1-based),
    /// drawing from `jitter` when the base is `"rand"`.
    pub fn delay_secs(&self, attempt: u32, jitter: &mut dyn Jitter) -> f64 {
        let base = match self.delay.base {
            DelayBase::Rand => jitter::draw(jitter),
            DelayBase::Seconds(s) => s,
        };
        base * growth(self.delay.growth_factor, attempt.saturating_sub(1))
    }

    fn has(&self, pred: impl Fn(&AppliesWhen) -> bool) -> bool {
        self.policies.iter().any(|p| pred(&p.when))
    }
}

/// `factor^exponent` as botocore's `growth_factor ** (attempts - 1)`.
///
/// Every model's factor is 2, whose integer powers doubling gives exactly
/// (as `pow` does, `inf` past `f64::MAX`), without `libm::pow` (2.4 KB of
/// flash). Other factors take `pow` (with the `float` feature) or repeated
/// multiplication, which may differ from `pow` in the last bit.
fn growth(factor: f64, exponent: u32) -> f64 {
    if factor == 2.0 {
        // 2^1024 is already infinite.
        let mut g = 1.0f64;
        for _ in 0..exponent.min(1100) {
            g *= 2.0;
        }
        return g;
    }
    #[cfg(feature = "float")]
    {
        libm::pow(factor, f64::from(exponent))
    }
    #[cfg(not(feature = "float"))]
    {
        let mut g = 1.0f64;
        for _ in 0..exponent.min(1100) {
            g *= factor;
        }
        g
    }
}

/// What botocore raises while checking an attempt.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Raised {
    /// `ChecksumError` from the crc32 policy.
    Checksum,
    /// `ValueError`: the crc32 header is not a number.
    BadHeader,
    /// The transport's exception, re-raised by the socket-errors policy.
    Transport(TransportFailure),
}

/// The result of running the policies over one attempt.
enum Checked {
    Match,
    NoMatch,
    Raised(Raised),
}

fn check(rules: &LegacyRules, outcome: &AttemptOutcome<'_>) -> Checked {
    for policy in rules.policies {
        let found = match (policy.when, outcome) {
            (
                AppliesWhen::ErrorCode { status, code },
                AttemptOutcome::Response {
                    status: s, code: c, ..
                },
            ) => (*s == status && *c == Some(code)).then_some(Checked::Match),
            (AppliesWhen::Status(status), AttemptOutcome::Response { status: s, .. }) => {
                (*s == status).then_some(Checked::Match)
            }
            (AppliesWhen::Crc32Body, AttemptOutcome::Response { .. }) if super::DYNAMODB_CRC32 => {
                match classify::crc32_check(outcome) {
                    Crc32Check::Pass => None,
                    Crc32Check::Mismatch => Some(Checked::Raised(Raised::Checksum)),
                    Crc32Check::Invalid => Some(Checked::Raised(Raised::BadHeader)),
                }
            }
            (AppliesWhen::SocketErrors, AttemptOutcome::Transport(failure)) => {
                Some(Checked::Raised(Raised::Transport(*failure)))
            }
            _ => None,
        };
        if let Some(found) = found {
            return found;
        }
    }
    Checked::NoMatch
}

/// Whether botocore's retry handler catches `raised` (it is one of the
/// exceptions its policies name).
fn caught(rules: &LegacyRules, raised: Raised) -> bool {
    match raised {
        Raised::Checksum => rules.has(|w| matches!(w, AppliesWhen::Crc32Body)),
        Raised::BadHeader => false,
        Raised::Transport(TransportFailure::Other) => false,
        Raised::Transport(_) => rules.has(|w| matches!(w, AppliesWhen::SocketErrors)),
    }
}

/// One legacy-mode decision for attempt `attempt` (1-based) of at most
/// `max_attempts`.
pub(crate) fn decide(
    rules: &LegacyRules,
    max_attempts: u32,
    attempt: u32,
    outcome: &AttemptOutcome<'_>,
    jitter: &mut dyn Jitter,
) -> Decision {
    let under_max = attempt < max_attempts;
    // botocore only catches the policies' exceptions when there is more than
    // one policy (a lone checker is not wrapped in a MultiChecker).
    let catches = rules.policies.len() != 1;
    let retry = match check(rules, outcome) {
        Checked::Match => true,
        Checked::NoMatch => false,
        Checked::Raised(raised) if catches && under_max && caught(rules, raised) => true,
        Checked::Raised(raised) => {
            // The exception leaves botocore's handler and ends the call.
            return Decision::Stop(match raised {
                Raised::Checksum => StopReason::Crc32Mismatch,
                Raised::BadHeader => StopReason::BadCrc32Header,
                Raised::Transport(_) if !under_max && caught(rules, raised) => {
                    StopReason::MaxAttempts
                }
                Raised::Transport(_) => StopReason::NotRetryable,
            });
        }
    };
    if !retry {
        Decision::Stop(if classify::is_2xx(outcome) {
            StopReason::Success
        } else {
            StopReason::NotRetryable
        })
    } else if !under_max {
        Decision::Stop(StopReason::MaxAttempts)
    } else {
        Decision::Retry {
            delay_ms: secs_to_ms(rules.delay_secs(attempt, jitter)),
        }
    }
}
