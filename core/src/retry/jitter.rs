//! Where retry delays get their randomness.
//!
//! botocore draws `random.random()` (uniform in `[0, 1)`) once for each retry
//! whose delay uses jitter: every retry in standard and adaptive mode, and in
//! legacy mode every retry when the rules' delay base is `"rand"`. The retry
//! logic calls [`Jitter::next_unit`] at exactly those points, so feeding the
//! same numbers gives the same delays as botocore.

/// A source of uniform numbers in `[0, 1)`, like Python's `random.random()`.
pub trait Jitter {
    /// The next number, in `[0, 1)`. Values outside are clamped by the caller.
    fn next_unit(&mut self) -> f64;
}

/// Always the same number: `FixedJitter(0.5)` halves every jittered delay.
///
/// Values outside `[0, 1)` are clamped by the retry logic (to 0 and to just
/// under 1), so a fixed source cannot stretch a delay past botocore's bounds.
#[derive(Clone, Copy, PartialEq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FixedJitter(pub f64);

impl Jitter for FixedJitter {
    fn next_unit(&mut self) -> f64 {
        self.0
    }
}

/// A small seedable generator (SplitMix64) for tests and for devices without
/// an entropy source. Not cryptographic; a delay does not need to be.
///
/// ```
/// use stratus_core::retry::{Jitter, SeededJitter};
/// let mut a = SeededJitter::new(7);
/// let mut b = SeededJitter::new(7);
/// let x = a.next_unit();
/// assert_eq!(x, b.next_unit());
/// assert!((0.0..1.0).contains(&x));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SeededJitter {
    state: u64,
}

impl SeededJitter {
    /// A generator whose sequence is fixed by `seed`.
    pub const fn new(seed: u64) -> Self {
        SeededJitter { state: seed }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
}

impl Jitter for SeededJitter {
    fn next_unit(&mut self) -> f64 {
        // The top 53 bits, scaled into [0, 1): every value is exact and below 1.
        u53_to_f64(self.next_u64() >> 11) * (1.0 / 9_007_199_254_740_992.0)
    }
}

/// `n as f64` for `n` below 2^53, from its two 32-bit halves, each converted
/// exactly by the FPU: a Cortex-M links a 64-bit conversion routine for
/// `as f64` on a `u64`.
pub(crate) fn u53_to_f64(n: u64) -> f64 {
    f64::from((n >> 32) as u32) * 4_294_967_296.0 + f64::from(n as u32)
}

/// The largest `f64` below 1.
const BELOW_ONE: f64 = 1.0 - f64::EPSILON / 2.0;

/// One draw from `jitter`, forced into `[0, 1)` (NaN counts as 0).
pub(crate) fn draw(jitter: &mut dyn Jitter) -> f64 {
    let x = jitter.next_unit();
    if x >= 0.0 { x.min(BELOW_ONE) } else { 0.0 }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_draws_stay_in_unit_interval_and_vary() {
        let mut j = SeededJitter::new(0);
        let mut distinct = 0;
        let mut prev = -1.0;
        for _ in 0..10_000 {
            let x = j.next_unit();
            assert!((0.0..1.0).contains(&x), "{x}");
            if x != prev {
                distinct += 1;
            }
            prev = x;
        }
        assert!(distinct > 9_990);
    }

    #[test]
    fn halves_convert_as_as_does() {
        let mut j = SeededJitter::new(42);
        for n in [0, 1, u64::from(u32::MAX), 1 << 32, (1 << 53) - 1] {
            assert_eq!(u53_to_f64(n), n as f64, "{n}");
        }
        for _ in 0..10_000 {
            let n = j.next_u64() >> 11;
            assert_eq!(u53_to_f64(n), n as f64, "{n}");
        }
    }

    #[test]
    fn draw_clamps() {
        assert_eq!(draw(&mut FixedJitter(-3.0)), 0.0);
        assert_eq!(draw(&mut FixedJitter(f64::NAN)), 0.0);
        assert!(draw(&mut FixedJitter(7.0)) < 1.0);
        assert_eq!(draw(&mut FixedJitter(0.25)), 0.25);
    }
}
