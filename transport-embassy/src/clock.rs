//! Time on a device: [`EmbassyClock`] is the pipeline's [`Clock`] (wall
//! time, unknown until set) and [`Timer`] (embassy-time's monotonic clock).
//!
//! A device usually boots without the date. Until [`EmbassyClock::set_unix_time`]
//! is called (from SNTP, a GNSS fix or an RTC, if the device has one),
//! [`Clock::now`] is `None` and the pipeline learns the time from the first
//! response's `Date` header (see `stratus_core::client::skew`). The wall time
//! set here is also what the TLS verifier checks certificate validity dates
//! against; while it is unknown, validity dates are not checked (the chain,
//! the host name and the handshake signature still are).

use core::sync::atomic::{AtomicU32, Ordering};

use embassy_time::{Instant, Timer as EmbassyTimer};
use stratus_core::client::Timer;
use stratus_core::time::{Clock, UnixTime};

/// Unix seconds at embassy-time's zero (boot), `0` while unknown. One per
/// program: a device has one wall clock. 32 bits hold seconds until 2106.
static BOOT_UNIX_SECS: AtomicU32 = AtomicU32::new(0);

/// The wall time, if it was set.
pub(crate) fn wall_now() -> Option<UnixTime> {
    let boot = BOOT_UNIX_SECS.load(Ordering::Relaxed);
    (boot != 0).then(|| UnixTime::from_secs(u64::from(boot) + Instant::now().as_secs()))
}

/// The device's clocks: wall time once set, monotonic time and sleeping
/// through embassy-time.
///
/// ```no_run
/// use stratus_core::client::Timer;
/// use stratus_core::time::{Clock, UnixTime};
/// use stratus_transport_embassy::EmbassyClock;
/// let clock = EmbassyClock::new();
/// assert_eq!(clock.now(), None); // not known at boot
/// clock.set_unix_time(UnixTime::from_secs(1_700_000_000)); // e.g. from SNTP
/// assert!(clock.now().unwrap().as_secs() >= 1_700_000_000);
/// let _uptime_ms = clock.now_ms();
/// ```
#[derive(Clone, Copy, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct EmbassyClock;

impl EmbassyClock {
    /// A clock. Every `EmbassyClock` of a program shares one wall time.
    pub const fn new() -> Self {
        EmbassyClock
    }

    /// Sets the wall time to `now` (from SNTP, an RTC, …). Times before
    /// boot plus 1970 or past 2106 are ignored.
    pub fn set_unix_time(&self, now: UnixTime) {
        let boot = now.as_secs().saturating_sub(Instant::now().as_secs());
        if let Ok(boot) = u32::try_from(boot)
            && boot != 0
        {
            BOOT_UNIX_SECS.store(boot, Ordering::Relaxed);
        }
    }

    /// Forgets the wall time (it is unknown again).
    pub fn clear_unix_time(&self) {
        BOOT_UNIX_SECS.store(0, Ordering::Relaxed);
    }
}

impl Clock for EmbassyClock {
    fn now(&self) -> Option<UnixTime> {
        wall_now()
    }
}

impl Timer for EmbassyClock {
    fn now_ms(&self) -> u64 {
        Instant::now().as_millis()
    }

    async fn sleep_ms(&self, ms: u64) {
        EmbassyTimer::after_millis(ms).await
    }
}
