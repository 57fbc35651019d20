//! # stratus-transport-std
//!
//! stratus on hosts and gateways: the std [`SystemClock`], and (as later work
//! lands) a blocking HTTPS transport over `std::net` + rustls, the std credential
//! providers and the `stratus` CLI.
#![warn(missing_docs)]

pub mod cli;
pub mod config;
pub mod credentials;

use std::time::{SystemTime, UNIX_EPOCH};

use stratus_core::time::{Clock, UnixTime};

/// The host's wall clock.
///
/// ```
/// use stratus_core::time::Clock;
/// use stratus_transport_std::SystemClock;
/// assert!(SystemClock.now().unwrap().as_secs() > 1_600_000_000);
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
