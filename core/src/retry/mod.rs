//! Retries as botocore 1.43.11 decides them, in its three modes, as pure
//! decision logic: no clock, no sleeping, no heap.
//!
//! * **legacy** (botocore's default): the per-service rules of `_retry.json`
//!   ([`LegacyRules`], compiled by `stratus-codegen` into
//!   `stratus_models::<service>::LEGACY_RETRY`);
//! * **standard**: transient errors, throttling and modeled-retryable errors,
//!   paid for from a client-wide retry quota, with capped exponential backoff;
//! * **adaptive**: standard plus a client-side rate limiter (token bucket and
//!   CUBIC) that, once throttled, paces every send.
//!
//! A client keeps one [`RetryState`] (the quota and the rate limiter are per
//! client in botocore); each call keeps a [`CallRetry`]. After every attempt
//! the pipeline describes what happened as an [`AttemptOutcome`] and asks
//! [`RetryState::decide`]; it sleeps the returned delay and sends again, or
//! stops. Randomness comes from a [`Jitter`], so tests can replay botocore's
//! draws.
//!
//! ```
//! use stratus_core::retry::{
//!     AttemptOutcome, CallRetry, Decision, FixedJitter, RetryConfig, RetryMode, RetryState,
//!     StopReason,
//! };
//!
//! let state = RetryState::new(RetryConfig { mode: RetryMode::Standard, max_attempts: None }, None);
//! let mut call = CallRetry::new();
//! let mut jitter = FixedJitter(0.5);
//! let busy = AttemptOutcome::Response {
//!     status: 503, code: None, modeled: None, crc32_header: None, body: b"",
//! };
//! // First and second attempt: retried after rand * 1 s, then rand * 2 s.
//! assert_eq!(state.decide(&mut call, &busy, &mut jitter), Decision::Retry { delay_ms: 500 });
//! assert_eq!(state.decide(&mut call, &busy, &mut jitter), Decision::Retry { delay_ms: 1000 });
//! // Third attempt: standard mode's three attempts are used up.
//! assert_eq!(state.decide(&mut call, &busy, &mut jitter), Decision::Stop(StopReason::MaxAttempts));
//! assert_eq!(state.quota_available(), 490);
//! ```
//!
//! The adaptive limiter is driven with a monotonic clock in milliseconds:
//!
//! ```
//! use stratus_core::retry::{RetryConfig, RetryMode, RetryState};
//! let state = RetryState::new(RetryConfig { mode: RetryMode::Adaptive, max_attempts: None }, None);
//! assert_eq!(state.before_send(0), 0); // nothing throttled yet: no waiting
//! state.after_response(100, true); // a throttling response turns the limiter on
//! let wait_ms = state.before_send(200);
//! assert!(wait_ms > 0);
//! assert!(state.send_rate().is_some());
//! ```
#![deny(
    clippy::indexing_slicing,
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic
)]

mod adaptive;
mod classify;
mod jitter;
mod legacy;
mod quota;
mod standard;

#[cfg(test)]
mod tests;

use core::cell::Cell;

pub use adaptive::{
    BETA, INITIAL_FILL_RATE, MAX_RATE_ADJUST_SCALE, MIN_FILL_RATE, RateLimiterSnapshot,
    SCALE_CONSTANT, SMOOTHING, TIME_BUCKET_RANGE,
};
pub use classify::{THROTTLING_ERROR_CODES, TRANSIENT_ERROR_CODES, TRANSIENT_STATUS_CODES};
pub use jitter::{FixedJitter, Jitter, SeededJitter};
pub use legacy::{AppliesWhen, DelayBase, LegacyDelay, LegacyPolicy, LegacyRules};
pub use quota::{INITIAL_CAPACITY, NO_RETRY_INCREMENT, RETRY_COST, TIMEOUT_RETRY_COST};
pub use standard::{DEFAULT_MAX_ATTEMPTS, MAX_BACKOFF_SECS};

/// Which of botocore's retry modes a client uses (`retries.mode`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum RetryMode {
    /// `_retry.json`'s per-service rules; botocore's default (needs the
    /// `legacy-retry` feature).
    Legacy,
    /// Transient, throttling and modeled errors, with a retry quota; the
    /// default of a build without `legacy-retry`.
    Standard,
    /// Standard plus a client-side rate limiter.
    Adaptive,
}

impl Default for RetryMode {
    /// botocore's default, legacy mode; standard mode in a build without the
    /// `legacy-retry` feature.
    ///
    /// ```
    /// use stratus_core::retry::RetryMode;
    /// let default = RetryMode::default();
    /// assert_eq!(default == RetryMode::Legacy, cfg!(feature = "legacy-retry"));
    /// ```
    fn default() -> Self {
        if LEGACY {
            RetryMode::Legacy
        } else {
            RetryMode::Standard
        }
    }
}

/// A client's retry configuration.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RetryConfig {
    /// The mode.
    pub mode: RetryMode,
    /// Most attempts of one call, the first included (botocore's
    /// `total_max_attempts`, i.e. `retries.max_attempts + 1`, or
    /// `AWS_MAX_ATTEMPTS`). `None`: the mode's default, the rules'
    /// `max_attempts` in legacy mode (5 unless the service says otherwise) and
    /// 3 in standard and adaptive mode.
    pub max_attempts: Option<u32>,
}

/// What one attempt ended with, as the retry rules see it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AttemptOutcome<'a> {
    /// A response came back.
    Response {
        /// The HTTP status.
        status: u16,
        /// The parsed service error code; `None` (or `""`) for a success or a
        /// response without one.
        code: Option<&'a str>,
        /// The `retryable` trait of the error shape `code` names, if it has one
        /// ([`ModeledRetry::from_model`] finds it).
        modeled: Option<ModeledRetry>,
        /// The value of the `x-amz-crc32` response header, if present.
        crc32_header: Option<&'a str>,
        /// The response body (read only for the CRC32 check).
        body: &'a [u8],
    },
    /// The transport failed.
    Transport(TransportFailure),
}

/// The error shape has smithy's `retryable` trait.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ModeledRetry {
    /// The trait's `throttling` flag.
    pub throttling: bool,
}

/// How the transport failed, in botocore's exception classes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum TransportFailure {
    /// The connection could not be made (`EndpointConnectionError`).
    Connect,
    /// Connecting timed out (`ConnectTimeoutError`).
    ConnectTimeout,
    /// Waiting for the response timed out (`ReadTimeoutError`).
    ReadTimeout,
    /// The peer closed the connection mid-exchange (`ConnectionClosedError`).
    ConnectionClosed,
    /// Any other transport failure (botocore's generic `HTTPClientError`):
    /// retried by standard mode, not by legacy mode.
    Other,
}

/// What to do after an attempt.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Decision {
    /// Sleep this long, then send again.
    Retry {
        /// Milliseconds to wait (botocore's seconds, rounded to the nearest ms).
        delay_ms: u64,
    },
    /// Stop: the attempt's outcome is the call's.
    Stop(StopReason),
}

/// Why no further attempt is made.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum StopReason {
    /// A 2xx response that nothing asks to retry.
    Success,
    /// An error (response or transport) the mode does not retry.
    NotRetryable,
    /// Retryable, but the attempts are used up.
    MaxAttempts,
    /// Retryable, but the client's retry quota cannot pay (standard, adaptive).
    QuotaExhausted,
    /// Legacy mode: the `x-amz-crc32` check failed on the last attempt; botocore
    /// raises `ChecksumError`, so the call must fail rather than return the
    /// response.
    Crc32Mismatch,
    /// The `x-amz-crc32` header is not a number; botocore's check raises
    /// (`ValueError`) and the call fails. Only when the check is reached: legacy
    /// mode's crc32 policy, or standard mode's DynamoDB check while attempts remain.
    BadCrc32Header,
}

/// Per call: counts attempts and remembers what the last retry took from the
/// quota.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CallRetry {
    attempts: u32,
    acquired: Option<u32>,
}

impl CallRetry {
    /// A call that has made no attempt yet.
    pub const fn new() -> Self {
        CallRetry {
            attempts: 0,
            acquired: None,
        }
    }

    /// Attempts decided so far.
    pub const fn attempts(&self) -> u32 {
        self.attempts
    }

    /// What this call's last retry took from the quota (standard, adaptive).
    pub const fn quota_acquired(&self) -> Option<u32> {
        self.acquired
    }
}

/// A client's retry state: its configuration, rules, retry quota and rate
/// limiter. Shared by the client's calls through `&self` (interior mutability
/// with [`Cell`]; for single-threaded executors, so it is not `Sync`).
#[derive(Debug)]
pub struct RetryState {
    config: RetryConfig,
    rules: &'static LegacyRules,
    quota: Cell<u32>,
    limiter: Cell<adaptive::RateLimiter>,
}

/// Whether this build has the adaptive limiter (`adaptive-retry`); a
/// constant, so without it the limiter's float maths is not linked.
const ADAPTIVE: bool = cfg!(feature = "adaptive-retry");
/// Whether this build has legacy mode (`legacy-retry`).
const LEGACY: bool = cfg!(feature = "legacy-retry");
/// Whether this build checks DynamoDB's `x-amz-crc32` (`dynamodb-crc32`).
pub(crate) const DYNAMODB_CRC32: bool = cfg!(feature = "dynamodb-crc32");

/// Milliseconds from botocore's seconds, to the nearest (saturating; NaN is 0).
pub(crate) fn secs_to_ms(secs: f64) -> u64 {
    saturating_u64(libm::round(secs * 1000.0))
}

/// `x as u64` for a whole `x` (NaN and negatives 0, too large `u64::MAX`),
/// through 32-bit halves that the FPU converts: a Cortex-M links a 64-bit
/// conversion routine for `as u64` on an `f64`.
fn saturating_u64(x: f64) -> u64 {
    const TWO_32: f64 = 4_294_967_296.0;
    if x.is_nan() || x <= 0.0 {
        return 0;
    }
    if x >= TWO_32 * TWO_32 {
        return u64::MAX;
    }
    // Exact: `x` is whole and below 2^64, so both halves are whole and below 2^32.
    let hi = (x / TWO_32) as u32;
    let lo = (x - f64::from(hi) * TWO_32) as u32;
    (u64::from(hi) << 32) | u64::from(lo)
}

/// Seconds from a millisecond clock reading.
fn ms_to_secs(ms: u64) -> f64 {
    ms as f64 / 1000.0
}

impl RetryState {
    /// A client's retry state. `legacy` is the service's compiled rules
    /// (`stratus_models::<service>::LEGACY_RETRY`); pass them in every mode:
    /// legacy mode follows them, and standard and adaptive mode read their
    /// `service` name for botocore's DynamoDB and STS special cases. `None`
    /// means [`LegacyRules::DEFAULT`] and no service name.
    ///
    /// The rate limiter counts from time 0 of the caller's clock; see
    /// [`started_at`](Self::started_at).
    pub fn new(config: RetryConfig, legacy: Option<&'static LegacyRules>) -> Self {
        RetryState {
            config,
            rules: legacy.unwrap_or(&LegacyRules::DEFAULT),
            quota: Cell::new(INITIAL_CAPACITY),
            limiter: Cell::new(adaptive::RateLimiter::new(0.0)),
        }
    }

    /// The same state with the rate limiter started at `now_ms` (botocore
    /// starts it when the client is made).
    pub fn started_at(self, now_ms: u64) -> Self {
        if ADAPTIVE {
            self.limiter
                .set(adaptive::RateLimiter::new(ms_to_secs(now_ms)));
        }
        self
    }

    /// `Err` when the configured mode needs a part this build left out
    /// (adaptive mode without the `adaptive-retry` feature, legacy mode
    /// without `legacy-retry`), or the service does (DynamoDB without
    /// `dynamodb-crc32`); clients check it before every call rather than
    /// retry in another mode or skip the check.
    ///
    /// ```
    /// use stratus_core::retry::{RetryConfig, RetryMode, RetryState};
    /// let state = RetryState::new(RetryConfig { mode: RetryMode::Standard, max_attempts: None }, None);
    /// assert!(state.check_features().is_ok());
    /// ```
    pub fn check_features(&self) -> Result<(), crate::features::Disabled> {
        use crate::features::Disabled;
        match self.config.mode {
            RetryMode::Adaptive if !ADAPTIVE => return Err(Disabled::AdaptiveRetry),
            RetryMode::Legacy if !LEGACY => return Err(Disabled::LegacyRetry),
            _ => {}
        }
        if self.rules.service == "dynamodb" && !DYNAMODB_CRC32 {
            return Err(Disabled::DynamodbCrc32);
        }
        Ok(())
    }

    /// Whether the adaptive limiter runs: adaptive mode in a build that has it.
    fn limiting(&self) -> bool {
        ADAPTIVE && self.config.mode == RetryMode::Adaptive
    }

    /// The configuration.
    pub fn config(&self) -> RetryConfig {
        self.config
    }

    /// The legacy rules in use ([`LegacyRules::DEFAULT`] when none were given).
    pub fn rules(&self) -> &'static LegacyRules {
        self.rules
    }

    /// Most attempts of one call in this configuration.
    pub fn max_attempts(&self) -> u32 {
        match (self.config.max_attempts, self.config.mode) {
            (Some(n), _) => n,
            (None, RetryMode::Legacy) => self.rules.max_attempts,
            (None, RetryMode::Standard | RetryMode::Adaptive) => DEFAULT_MAX_ATTEMPTS,
        }
    }

    /// Decides what follows the attempt that ended with `outcome`, counting it
    /// in `call`. Draws from `jitter` only when a retry's delay needs it, as
    /// botocore calls `random.random()`.
    pub fn decide(
        &self,
        call: &mut CallRetry,
        outcome: &AttemptOutcome<'_>,
        jitter: &mut dyn Jitter,
    ) -> Decision {
        call.attempts = call.attempts.saturating_add(1);
        let max = self.max_attempts();
        match self.config.mode {
            RetryMode::Legacy if LEGACY => {
                legacy::decide(self.rules, max, call.attempts, outcome, jitter)
            }
            // Without `legacy-retry` a client refuses legacy mode before its
            // first attempt (`check_features`); asked anyway, no retry.
            RetryMode::Legacy => Decision::Stop(StopReason::NotRetryable),
            RetryMode::Standard | RetryMode::Adaptive => {
                let step = standard::decide(
                    self.rules.service,
                    max,
                    call.attempts,
                    self.quota.get(),
                    call.acquired,
                    outcome,
                    jitter,
                );
                self.quota.set(step.quota);
                if step.acquired.is_some() {
                    call.acquired = step.acquired;
                }
                step.decision
            }
        }
    }

    /// Adaptive mode: call before every send (retries included); returns how
    /// many milliseconds to wait first (rounded up). `now_ms` is a monotonic
    /// clock. Other modes return 0.
    ///
    /// The token is taken now, as if the wait had already been slept: the
    /// pipeline must sleep the whole wait before sending.
    pub fn before_send(&self, now_ms: u64) -> u64 {
        if !self.limiting() {
            return 0;
        }
        let mut limiter = self.limiter.get();
        let wait = limiter.on_sending(ms_to_secs(now_ms));
        self.limiter.set(limiter);
        libm::ceil(wait * 1000.0) as u64
    }

    /// Adaptive mode: record that an attempt ended at `now_ms`, throttled
    /// ([`is_throttle`](Self::is_throttle)) or not; transport failures count as
    /// not throttled. A no-op in other modes.
    ///
    /// Call it for every attempt, after [`decide`](Self::decide), except when
    /// `decide` stopped with [`StopReason::BadCrc32Header`]: botocore runs the
    /// limiter's hook after the retry handler's, and not at all when that one
    /// raised.
    pub fn after_response(&self, now_ms: u64, throttled: bool) {
        if !self.limiting() {
            return;
        }
        let mut limiter = self.limiter.get();
        limiter.on_response(ms_to_secs(now_ms), throttled);
        self.limiter.set(limiter);
    }

    /// Whether `outcome` is a throttling error as botocore's adaptive limiter
    /// sees it: a code of [`THROTTLING_ERROR_CODES`], or a modeled error whose
    /// `retryable` trait says `throttling`.
    pub fn is_throttle(outcome: &AttemptOutcome<'_>) -> bool {
        classify::is_throttle(outcome)
    }

    /// Capacity left in the client's retry quota (standard and adaptive; legacy
    /// mode never touches it, so it stays at [`INITIAL_CAPACITY`]).
    pub fn quota_available(&self) -> u32 {
        self.quota.get()
    }

    /// Adaptive mode: the rate limiter's current send rate (its token bucket's
    /// fill rate, requests per second). `None` in other modes.
    pub fn send_rate(&self) -> Option<f64> {
        self.limiting().then(|| self.limiter.get().fill_rate())
    }

    /// Adaptive mode: the whole rate limiter state. `None` in other modes.
    pub fn rate_limiter(&self) -> Option<RateLimiterSnapshot> {
        self.limiting().then(|| self.limiter.get().snapshot())
    }
}
