//! botocore's standard retry mode (`botocore/retries/standard.py`, with the
//! 1.43.11 defaults): which attempts are retried, the retry quota's part, and
//! the backoff.
//!
//! An attempt is retried when attempts remain and it is
//! * transient: a code of [`TRANSIENT_ERROR_CODES`](super::TRANSIENT_ERROR_CODES),
//!   a status of [`TRANSIENT_STATUS_CODES`](super::TRANSIENT_STATUS_CODES), or
//!   any transport failure;
//! * throttling: a code of [`THROTTLING_ERROR_CODES`](super::THROTTLING_ERROR_CODES);
//! * modeled: the error shape has smithy's `retryable` trait;
//! * or one of botocore's two special cases: STS's `IDPCommunicationError`,
//!   and a DynamoDB response whose `x-amz-crc32` is not its body's CRC32;
//!
//! and the client's retry quota can pay for it. The delay is
//! `rand * min(2^(attempt-1), 20)` seconds.

use super::classify::{self, Crc32Check};
use super::jitter::{self, Jitter};
use super::quota;
use super::{AttemptOutcome, Decision, StopReason, secs_to_ms};

/// Attempts of one call when the configuration gives none
/// (botocore 1.43.11, `standard.DEFAULT_MAX_ATTEMPTS`).
pub const DEFAULT_MAX_ATTEMPTS: u32 = 3;
/// Longest backoff, in seconds (botocore 1.43.11, `ExponentialBackoff._MAX_BACKOFF`).
pub const MAX_BACKOFF_SECS: u32 = 20;

/// Whether standard mode's checkers (all but the attempt count) call the
/// attempt retryable; `Err` when botocore raises instead (a DynamoDB
/// `x-amz-crc32` that is not a number).
pub(crate) fn is_retryable(
    service: &str,
    outcome: &AttemptOutcome<'_>,
) -> Result<bool, StopReason> {
    if classify::is_transient(outcome)
        || classify::is_throttling_code(outcome)
        || classify::is_modeled_retryable(outcome)
    {
        return Ok(true);
    }
    if service == "sts" && classify::code_of(outcome) == Some("IDPCommunicationError") {
        return Ok(true);
    }
    if service == "dynamodb" && super::DYNAMODB_CRC32 {
        return match classify::crc32_check(outcome) {
            Crc32Check::Pass => Ok(false),
            Crc32Check::Mismatch => Ok(true),
            Crc32Check::Invalid => Err(StopReason::BadCrc32Header),
        };
    }
    Ok(false)
}

/// The backoff before retrying after attempt `attempt` (1-based), seconds.
pub(crate) fn backoff_secs(attempt: u32, jitter: &mut dyn Jitter) -> f64 {
    let exp = attempt.saturating_sub(1);
    let scale = if exp >= 5 {
        MAX_BACKOFF_SECS
    } else {
        (1u32 << exp).min(MAX_BACKOFF_SECS)
    };
    jitter::draw(jitter) * f64::from(scale)
}

/// What a standard-mode decision does to the client's quota and the call.
pub(crate) struct Step {
    pub decision: Decision,
    /// The quota's new level.
    pub quota: u32,
    /// What this retry took from the quota (`Some` only when retrying).
    pub acquired: Option<u32>,
}

/// One standard-mode decision for attempt `attempt` (1-based) of at most
/// `max_attempts`, with `available` quota and `last_acquired` the cost of this
/// call's last retry so far.
pub(crate) fn decide(
    service: &str,
    max_attempts: u32,
    attempt: u32,
    available: u32,
    last_acquired: Option<u32>,
    outcome: &AttemptOutcome<'_>,
    jitter: &mut dyn Jitter,
) -> Step {
    let stop = |reason: StopReason| {
        // botocore's after-call hook gives quota back when the call ends with a
        // 2xx response; an exception out of the retry handler skips it.
        let quota = if classify::is_2xx(outcome) && reason != StopReason::BadCrc32Header {
            quota::release(available, last_acquired)
        } else {
            available
        };
        Step {
            decision: Decision::Stop(reason),
            quota,
            acquired: None,
        }
    };
    if attempt >= max_attempts {
        // botocore does not run the other checks once attempts are used up, so
        // nothing raises here; the reason only says what stopped the call.
        return stop(match is_retryable(service, outcome) {
            Ok(true) => StopReason::MaxAttempts,
            _ if classify::is_2xx(outcome) => StopReason::Success,
            _ => StopReason::NotRetryable,
        });
    }
    match is_retryable(service, outcome) {
        Err(reason) => stop(reason),
        Ok(false) if classify::is_2xx(outcome) => stop(StopReason::Success),
        Ok(false) => stop(StopReason::NotRetryable),
        Ok(true) => {
            let cost = if classify::is_timeout(outcome) {
                quota::TIMEOUT_RETRY_COST
            } else {
                quota::RETRY_COST
            };
            match quota::acquire(available, cost) {
                None => stop(StopReason::QuotaExhausted),
                Some(left) => Step {
                    decision: Decision::Retry {
                        delay_ms: secs_to_ms(backoff_secs(attempt, jitter)),
                    },
                    quota: left,
                    acquired: Some(cost),
                },
            }
        }
    }
}
