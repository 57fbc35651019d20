//! botocore's client-wide retry quota (`retries/quota.py` and
//! `RetryQuotaChecker` in `retries/standard.py`), used by standard and
//! adaptive mode.
//!
//! Every retry must first take capacity from the quota; a call that ends with
//! a 2xx response gives back what its last retry took, or one unit when it was
//! never retried, never above the initial capacity.

/// Capacity a new client starts with, and the most it can hold
/// (botocore 1.43.11, `RetryQuota.INITIAL_CAPACITY`).
pub const INITIAL_CAPACITY: u32 = 500;
/// Capacity a retry takes (botocore 1.43.11, `RetryQuotaChecker._RETRY_COST`).
pub const RETRY_COST: u32 = 5;
/// Capacity a retry after a connect or read timeout takes
/// (botocore 1.43.11, `RetryQuotaChecker._TIMEOUT_RETRY_REQUEST`).
pub const TIMEOUT_RETRY_COST: u32 = 10;
/// Capacity a call that succeeds without a retry gives back
/// (botocore 1.43.11, `RetryQuotaChecker._NO_RETRY_INCREMENT`).
pub const NO_RETRY_INCREMENT: u32 = 1;

/// Takes `cost` from `available` if there is that much; the new level, or
/// `None` when the quota cannot pay.
pub(crate) fn acquire(available: u32, cost: u32) -> Option<u32> {
    available.checked_sub(cost)
}

/// Gives back what a successful call owes: `acquired` (its last retry's cost)
/// or [`NO_RETRY_INCREMENT`], capped at [`INITIAL_CAPACITY`].
pub(crate) fn release(available: u32, acquired: Option<u32>) -> u32 {
    let amount = acquired.unwrap_or(NO_RETRY_INCREMENT);
    available.saturating_add(amount).min(INITIAL_CAPACITY)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acquire_and_release() {
        assert_eq!(acquire(500, RETRY_COST), Some(495));
        assert_eq!(acquire(9, TIMEOUT_RETRY_COST), None);
        assert_eq!(acquire(10, TIMEOUT_RETRY_COST), Some(0));
        assert_eq!(release(495, None), 496);
        assert_eq!(release(495, Some(10)), 500);
        assert_eq!(release(500, None), 500);
        assert_eq!(release(0, Some(5)), 5);
    }
}
