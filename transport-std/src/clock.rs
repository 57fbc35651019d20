//! The host's clocks: [`SystemClock`] tells wall time (for signing) and
//! monotonic time, and sleeps (between retries) by blocking the thread.

use std::sync::OnceLock;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use stratus_core::client::Timer;
use stratus_core::time::{Clock, UnixTime};

/// The host's wall clock, and a [`Timer`] over the monotonic clock.
///
/// `sleep_ms` blocks the calling thread (`std::thread::sleep`) inside its
/// `async fn`: the std face of the pipeline is driven by a blocking
/// `block_on` ([`blocking`](crate::blocking)), not by an executor with other
/// tasks to run meanwhile.
///
/// ```
/// use stratus_core::client::Timer;
/// use stratus_core::time::Clock;
/// use stratus_transport_std::SystemClock;
/// assert!(SystemClock.now().unwrap().as_secs() > 1_600_000_000);
/// let before = SystemClock.now_ms();
/// embassy_futures::block_on(SystemClock.sleep_ms(2));
/// assert!(SystemClock.now_ms() >= before + 2);
/// ```
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> Option<UnixTime> {
        SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .ok()
            .map(|d| UnixTime::from_secs(d.as_secs()))
    }
}

/// The instant the process first asked for monotonic time.
fn origin() -> Instant {
    static ORIGIN: OnceLock<Instant> = OnceLock::new();
    *ORIGIN.get_or_init(Instant::now)
}

impl Timer for SystemClock {
    fn now_ms(&self) -> u64 {
        u64::try_from(origin().elapsed().as_millis()).unwrap_or(u64::MAX)
    }

    async fn sleep_ms(&self, ms: u64) {
        std::thread::sleep(Duration::from_millis(ms));
    }
}
