//! Clock skew: a device may have no real-time clock, or a wrong one.
//!
//! The client signs with `clock.now()` plus an offset it keeps. When a service
//! rejects a request for its time — `RequestTimeTooSkewed`, `RequestExpired`,
//! `RequestInTheFuture`, or `InvalidSignatureException` /
//! `SignatureDoesNotMatch` while the response's `Date` is more than four
//! minutes from the client's time — the offset becomes the difference to the
//! response's `Date`, and the call is signed again and retried once, at once
//! and outside the retry rules (it takes no quota and no attempt). A client
//! whose clock knows no time at all takes the time from the first response
//! that carries a `Date`, and counts on from it with the monotonic timer.

use core::cell::Cell;

use crate::format::timestamp::parse_rfc822;
use crate::time::UnixTime;

/// Error codes that say the request's time was refused outright.
pub const SKEW_ERROR_CODES: [&str; 3] = [
    "RequestTimeTooSkewed",
    "RequestExpired",
    "RequestInTheFuture",
];
/// Signature errors that count as skew when the server's time is far off.
pub const SIGNATURE_ERROR_CODES: [&str; 3] = [
    "InvalidSignatureException",
    "SignatureDoesNotMatch",
    "AuthFailure",
];
/// How far (seconds) the server's `Date` must be from the client's time for a
/// signature error to count as skew.
pub const SIGNATURE_SKEW_SECS: i64 = 240;

/// The client's correction to its clock.
#[derive(Debug, Default)]
pub struct Skew {
    offset_secs: Cell<i64>,
    /// Wall time learned from a `Date` and the monotonic ms it was learned at.
    learned: Cell<Option<(u64, u64)>>,
}

fn add(t: UnixTime, secs: i64) -> UnixTime {
    UnixTime::from_secs(t.as_secs().saturating_add_signed(secs))
}

impl Skew {
    /// No correction.
    pub const fn new() -> Self {
        Skew {
            offset_secs: Cell::new(0),
            learned: Cell::new(None),
        }
    }

    /// The offset added to the clock, in seconds.
    pub fn offset_secs(&self) -> i64 {
        self.offset_secs.get()
    }

    /// The time to sign with: the clock plus the offset; without a clock, the
    /// learned time advanced by the monotonic clock (the epoch when nothing
    /// is known yet, which any service refuses, teaching the time).
    pub fn now(&self, clock: Option<UnixTime>, mono_ms: u64) -> UnixTime {
        match (clock, self.learned.get()) {
            (Some(t), _) => add(t, self.offset_secs.get()),
            (None, Some((wall, at_ms))) => {
                UnixTime::from_secs(wall.saturating_add(mono_ms.saturating_sub(at_ms) / 1000))
            }
            (None, None) => UnixTime::from_secs(0),
        }
    }

    /// Looks at a response: learns the time when the clock knows none, and
    /// says whether the error `code` was a refusal of the request's time
    /// (after which the call should be signed again and retried).
    pub fn observe(
        &self,
        clock: Option<UnixTime>,
        mono_ms: u64,
        date: Option<&str>,
        code: Option<&str>,
    ) -> bool {
        let Some(server) = date.and_then(|d| parse_rfc822(crate::text::py_strip(d)).ok()) else {
            return false;
        };
        let Ok(server_secs) = u64::try_from(server.secs) else {
            return false;
        };
        let ours = self.now(clock, mono_ms);
        let diff = i64::try_from(server_secs).unwrap_or(i64::MAX)
            - i64::try_from(ours.as_secs()).unwrap_or(i64::MAX);
        let code = code.unwrap_or("");
        let refused = SKEW_ERROR_CODES.contains(&code)
            || (SIGNATURE_ERROR_CODES.contains(&code) && diff.abs() > SIGNATURE_SKEW_SECS);
        match clock {
            None if self.learned.get().is_none() || refused => {
                self.learned.set(Some((server_secs, mono_ms)));
            }
            Some(t) if refused => {
                let t = i64::try_from(t.as_secs()).unwrap_or(i64::MAX);
                self.offset_secs
                    .set(i64::try_from(server_secs).unwrap_or(i64::MAX) - t);
            }
            _ => {}
        }
        refused
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DATE: &str = "Sun, 22 Nov 2026 08:00:00 GMT";
    const SECS: u64 = 1_795_334_400;

    #[test]
    fn learns_offset_from_a_skew_refusal() {
        let s = Skew::new();
        let wrong = Some(UnixTime::from_secs(SECS - 7200));
        assert!(!s.observe(wrong, 0, Some(DATE), None));
        assert_eq!(s.offset_secs(), 0);
        assert!(s.observe(wrong, 0, Some(DATE), Some("RequestTimeTooSkewed")));
        assert_eq!(s.now(wrong, 0).as_secs(), SECS);
        // A signature error with a close clock is not skew.
        let t = Skew::new();
        assert!(!t.observe(
            Some(UnixTime::from_secs(SECS - 10)),
            0,
            Some(DATE),
            Some("SignatureDoesNotMatch")
        ));
    }

    #[test]
    fn a_clockless_client_learns_and_counts_on() {
        let s = Skew::new();
        assert_eq!(s.now(None, 5).as_secs(), 0);
        s.observe(None, 1000, Some(DATE), Some("InvalidSignatureException"));
        assert_eq!(s.now(None, 4000).as_secs(), SECS + 3);
    }
}
