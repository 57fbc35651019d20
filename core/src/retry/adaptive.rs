//! botocore's client-side rate limiter for adaptive mode
//! (`botocore/retries/adaptive.py`, `bucket.py`, `throttling.py`): a token
//! bucket whose fill rate follows CUBIC, fed by the measured send rate.
//!
//! Until the first throttling response the limiter only watches; from then on
//! every send takes a token, and [`RetryState::before_send`](super::RetryState::before_send)
//! returns how long to wait for one instead of sleeping as botocore does.
//! All times are seconds as `f64`, converted from the caller's milliseconds.

/// CUBIC's scale constant `C` (botocore 1.43.11, `CubicCalculator._SCALE_CONSTANT`).
pub const SCALE_CONSTANT: f64 = 0.4;
/// CUBIC's multiplicative decrease `β` (botocore 1.43.11, `CubicCalculator._BETA`).
pub const BETA: f64 = 0.7;
/// The token bucket's lowest fill rate, tokens per second
/// (botocore 1.43.11, `TokenBucket._MIN_RATE`).
pub const MIN_FILL_RATE: f64 = 0.5;
/// The token bucket's rate when the client is made (`max_rate=1`).
pub const INITIAL_FILL_RATE: f64 = 1.0;
/// Weight of the newest bucket in the measured send rate
/// (botocore 1.43.11, `RateClocker._DEFAULT_SMOOTHING`).
pub const SMOOTHING: f64 = 0.8;
/// Width of a send-rate bucket, seconds (botocore 1.43.11, `RateClocker._TIME_BUCKET_RANGE`).
pub const TIME_BUCKET_RANGE: f64 = 0.5;
/// The fill rate never goes above this many times the measured rate
/// (botocore 1.43.11, `ClientRateLimiter._MAX_RATE_ADJUST_SCALE`).
pub const MAX_RATE_ADJUST_SCALE: f64 = 2.0;

/// A copy of the rate limiter's state, for tests and logs.
#[derive(Clone, Copy, PartialEq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RateLimiterSnapshot {
    /// Whether a throttling response has been seen (sends now take tokens).
    pub enabled: bool,
    /// The smoothed send rate, requests per second (`RateClocker`).
    pub measured_rate: f64,
    /// The token bucket's fill rate, tokens per second (its `max_rate`).
    pub fill_rate: f64,
    /// Most tokens the bucket holds.
    pub max_capacity: f64,
    /// Tokens in the bucket at its last refill.
    pub capacity: f64,
    /// CUBIC's `w_max`: the rate when throttling was last seen.
    pub last_max_rate: f64,
    /// CUBIC's `K`: seconds from the last throttle until the rate is back at `w_max`.
    pub k: f64,
    /// When throttling was last seen (or the client made), seconds.
    pub last_throttle_secs: f64,
}

/// botocore's `TokenBucket`, without its lock and sleeping.
#[derive(Clone, Copy, Debug)]
struct TokenBucket {
    fill_rate: f64,
    max_capacity: f64,
    capacity: f64,
    last: f64,
}

impl TokenBucket {
    fn new(now: f64) -> Self {
        let mut b = TokenBucket {
            fill_rate: 0.0,
            max_capacity: 0.0,
            capacity: 0.0,
            last: now,
        };
        b.set_max_rate(INITIAL_FILL_RATE, now);
        b
    }

    fn refill(&mut self, now: f64) {
        let fill = (now - self.last) * self.fill_rate;
        self.capacity = self.max_capacity.min(self.capacity + fill);
        self.last = now;
    }

    fn set_max_rate(&mut self, rate: f64, now: f64) {
        // Tokens up to now accrue at the old rate.
        self.refill(now);
        self.fill_rate = rate.max(MIN_FILL_RATE);
        self.max_capacity = if rate >= 1.0 { rate } else { 1.0 };
        self.capacity = self.capacity.min(self.max_capacity);
    }

    /// Takes one token; the seconds to wait for it first (0 when one is there).
    /// The bucket is left as it will be once that wait is over and the token taken.
    fn acquire(&mut self, now: f64) -> f64 {
        self.refill(now);
        if 1.0 <= self.capacity {
            self.capacity -= 1.0;
            return 0.0;
        }
        let wait = (1.0 - self.capacity) / self.fill_rate;
        // After the wait the bucket holds exactly one token, which is taken.
        self.last = now + wait;
        self.capacity = 0.0;
        wait
    }
}

/// botocore's `CubicCalculator`.
#[derive(Clone, Copy, Debug)]
struct Cubic {
    w_max: f64,
    k: f64,
    last_fail: f64,
}

impl Cubic {
    fn new(now: f64) -> Self {
        Cubic {
            w_max: 0.0,
            k: zero_point(0.0),
            last_fail: now,
        }
    }

    fn success_received(&self, now: f64) -> f64 {
        let dt = now - self.last_fail;
        SCALE_CONSTANT * libm::pow(dt - self.k, 3.0) + self.w_max
    }

    fn error_received(&mut self, rate: f64, now: f64) -> f64 {
        self.w_max = rate;
        self.k = zero_point(rate);
        self.last_fail = now;
        rate * BETA
    }
}

/// CUBIC's `K = cbrt(w_max * (1 - β) / C)`, computed as botocore does (a power of 1/3).
fn zero_point(w_max: f64) -> f64 {
    libm::pow((w_max * (1.0 - BETA)) / SCALE_CONSTANT, 1.0 / 3.0)
}

/// botocore's `RateClocker`: requests per half-second bucket, smoothed.
#[derive(Clone, Copy, Debug)]
struct RateClocker {
    measured: f64,
    last_bucket: f64,
    count: f64,
}

impl RateClocker {
    fn new(now: f64) -> Self {
        RateClocker {
            measured: 0.0,
            // botocore starts from the whole second, not the half-second bucket.
            last_bucket: libm::floor(now),
            count: 0.0,
        }
    }

    fn record(&mut self, now: f64) -> f64 {
        let scale = 1.0 / TIME_BUCKET_RANGE;
        let bucket = libm::floor(now * scale) / scale;
        self.count += 1.0;
        if bucket > self.last_bucket {
            let current = self.count / (bucket - self.last_bucket);
            self.measured = (current * SMOOTHING) + (self.measured * (1.0 - SMOOTHING));
            self.count = 0.0;
            self.last_bucket = bucket;
        }
        self.measured
    }
}

/// botocore's `ClientRateLimiter`.
#[derive(Clone, Copy, Debug)]
pub(crate) struct RateLimiter {
    bucket: TokenBucket,
    cubic: Cubic,
    clocker: RateClocker,
    enabled: bool,
}

impl RateLimiter {
    /// A limiter for a client made at `now` seconds.
    pub(crate) fn new(now: f64) -> Self {
        RateLimiter {
            bucket: TokenBucket::new(now),
            cubic: Cubic::new(now),
            clocker: RateClocker::new(now),
            enabled: false,
        }
    }

    /// `before-send`: seconds to wait for a token (0 until throttling is seen).
    pub(crate) fn on_sending(&mut self, now: f64) -> f64 {
        if self.enabled {
            self.bucket.acquire(now)
        } else {
            0.0
        }
    }

    /// `needs-retry`: an attempt ended at `now`, throttled or not.
    pub(crate) fn on_response(&mut self, now: f64, throttled: bool) {
        let measured = self.clocker.record(now);
        let new_rate = if throttled {
            let rate = if self.enabled {
                measured.min(self.bucket.fill_rate)
            } else {
                measured
            };
            self.enabled = true;
            self.cubic.error_received(rate, now)
        } else {
            self.cubic.success_received(now)
        };
        self.bucket
            .set_max_rate(new_rate.min(MAX_RATE_ADJUST_SCALE * measured), now);
    }

    pub(crate) fn fill_rate(&self) -> f64 {
        self.bucket.fill_rate
    }

    pub(crate) fn snapshot(&self) -> RateLimiterSnapshot {
        RateLimiterSnapshot {
            enabled: self.enabled,
            measured_rate: self.clocker.measured,
            fill_rate: self.bucket.fill_rate,
            max_capacity: self.bucket.max_capacity,
            capacity: self.bucket.capacity,
            last_max_rate: self.cubic.w_max,
            k: self.cubic.k,
            last_throttle_secs: self.cubic.last_fail,
        }
    }
}
