//! Wall-clock time as signing needs it: seconds since the Unix epoch, a [`Clock`]
//! trait the pipeline reads, and the two SigV4 text forms (`20130524T000000Z`,
//! `20130524`) written into fixed arrays.
//!
//! A device may boot with no idea of the date, so [`Clock::now`] may return `None`;
//! the pipeline then takes the time from a response's `Date` header.

use core::fmt;

use crate::format::number::padded_decimal;

/// A UTC instant, whole seconds since 1970-01-01T00:00:00Z.
///
/// ```
/// use stratus_core::time::UnixTime;
/// let t = UnixTime::from_secs(1_369_353_600); // 2013-05-24T00:00:00Z
/// assert_eq!(t.amz_date().as_str(), "20130524T000000Z");
/// assert_eq!(t.amz_day().as_str(), "20130524");
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct UnixTime(u64);

/// Calendar fields of a [`UnixTime`] in UTC.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CivilTime {
    /// Full year, e.g. 2013.
    pub year: u32,
    /// 1..=12
    pub month: u8,
    /// 1..=31
    pub day: u8,
    /// 0..=23
    pub hour: u8,
    /// 0..=59
    pub minute: u8,
    /// 0..=59
    pub second: u8,
}

/// Why a time text could not be read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum TimeParseError {
    /// The text is not `YYYYMMDDTHHMMSSZ`.
    BadFormat,
    /// A field is out of its range (month 13, hour 24, …) or before 1970.
    OutOfRange,
}

impl fmt::Display for TimeParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TimeParseError::BadFormat => f.write_str("time is not in the form YYYYMMDDTHHMMSSZ"),
            TimeParseError::OutOfRange => f.write_str("a time field is out of range"),
        }
    }
}

impl UnixTime {
    /// From seconds since the epoch.
    pub const fn from_secs(secs: u64) -> Self {
        UnixTime(secs)
    }

    /// Seconds since the epoch.
    pub const fn as_secs(self) -> u64 {
        self.0
    }

    /// This instant moved by `delta` seconds (saturating at the epoch).
    pub const fn offset(self, delta: i64) -> Self {
        if delta >= 0 {
            UnixTime(self.0.saturating_add(delta as u64))
        } else {
            UnixTime(self.0.saturating_sub(delta.unsigned_abs()))
        }
    }

    /// Calendar fields in UTC.
    pub const fn civil(self) -> CivilTime {
        let days = (self.0 / 86_400) as i64;
        let rem = self.0 % 86_400;
        let (year, month, day) = civil_from_days(days);
        CivilTime {
            year: year as u32,
            month,
            day,
            hour: (rem / 3600) as u8,
            minute: ((rem / 60) % 60) as u8,
            second: (rem % 60) as u8,
        }
    }

    /// From calendar fields in UTC.
    pub fn from_civil(c: CivilTime) -> Result<Self, TimeParseError> {
        if !(1..=12).contains(&c.month)
            || c.day == 0
            || c.day > days_in_month(c.year, c.month)
            || c.hour > 23
            || c.minute > 59
            || c.second > 60
            || c.year < 1970
        {
            return Err(TimeParseError::OutOfRange);
        }
        let days = days_from_civil(c.year as i64, c.month, c.day);
        let secs =
            days as u64 * 86_400 + c.hour as u64 * 3600 + c.minute as u64 * 60 + c.second as u64;
        Ok(UnixTime(secs))
    }

    /// Reads SigV4's basic ISO 8601 form, `YYYYMMDDTHHMMSSZ`.
    ///
    /// ```
    /// use stratus_core::time::UnixTime;
    /// let t = UnixTime::parse_amz_date("20150830T123600Z").unwrap();
    /// assert_eq!(t.amz_date().as_str(), "20150830T123600Z");
    /// assert!(UnixTime::parse_amz_date("2015-08-30").is_err());
    /// ```
    pub fn parse_amz_date(text: &str) -> Result<Self, TimeParseError> {
        let b = text.as_bytes();
        if b.len() != 16 || b[8] != b'T' || b[15] != b'Z' {
            return Err(TimeParseError::BadFormat);
        }
        let num = |r: core::ops::Range<usize>| -> Result<u32, TimeParseError> {
            let mut v = 0u32;
            for &c in &b[r] {
                if !c.is_ascii_digit() {
                    return Err(TimeParseError::BadFormat);
                }
                v = v * 10 + (c - b'0') as u32;
            }
            Ok(v)
        };
        Self::from_civil(CivilTime {
            year: num(0..4)?,
            month: num(4..6)? as u8,
            day: num(6..8)? as u8,
            hour: num(9..11)? as u8,
            minute: num(11..13)? as u8,
            second: num(13..15)? as u8,
        })
    }

    /// `YYYYMMDDTHHMMSSZ`, the `X-Amz-Date` form.
    pub fn amz_date(self) -> AmzDate {
        let c = self.civil();
        let mut out = [0u8; 16];
        padded_decimal(&mut out[0..4], u64::from(c.year));
        padded_decimal(&mut out[4..6], u64::from(c.month));
        padded_decimal(&mut out[6..8], u64::from(c.day));
        out[8] = b'T';
        padded_decimal(&mut out[9..11], u64::from(c.hour));
        padded_decimal(&mut out[11..13], u64::from(c.minute));
        padded_decimal(&mut out[13..15], u64::from(c.second));
        out[15] = b'Z';
        AmzDate(out)
    }

    /// `YYYYMMDD`, the credential-scope date.
    pub fn amz_day(self) -> AmzDay {
        let d = self.amz_date();
        let mut out = [0u8; 8];
        out.copy_from_slice(&d.0[..8]);
        AmzDay(out)
    }
}

/// `YYYYMMDDTHHMMSSZ` in a fixed array.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct AmzDate([u8; 16]);

/// `YYYYMMDD` in a fixed array.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct AmzDay([u8; 8]);

impl AmzDate {
    /// The text.
    pub fn as_str(&self) -> &str {
        // Only ASCII digits, 'T' and 'Z' are ever written.
        core::str::from_utf8(&self.0).unwrap_or("")
    }
}

impl AmzDay {
    /// The text.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or("")
    }
}

const fn is_leap(y: u32) -> bool {
    (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400)
}

pub(crate) const fn days_in_month(y: u32, m: u8) -> u8 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(y) => 29,
        2 => 28,
        _ => 0,
    }
}

// Howard Hinnant's days/civil conversions (public-domain algorithms).
pub(crate) const fn civil_from_days(z: i64) -> (i64, u8, u8) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u8;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

pub(crate) const fn days_from_civil(y: i64, m: u8, d: u8) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = if m > 2 { m as i64 - 3 } else { m as i64 + 9 };
    let doy = (153 * mp + 2) / 5 + d as i64 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Where signing reads the time from.
///
/// `now` returns `None` while the device does not know the date (no RTC, no SNTP
/// yet); the pipeline then learns it from a response's `Date` header.
pub trait Clock {
    /// The current UTC time, if known.
    fn now(&self) -> Option<UnixTime>;
}

/// A clock stopped at one instant: for tests, `--signing-time`, and reproducible
/// signatures.
///
/// ```
/// use stratus_core::time::{Clock, FixedClock, UnixTime};
/// let c = FixedClock(UnixTime::from_secs(0));
/// assert_eq!(c.now(), Some(UnixTime::from_secs(0)));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct FixedClock(pub UnixTime);

impl Clock for FixedClock {
    fn now(&self) -> Option<UnixTime> {
        Some(self.0)
    }
}

impl<C: Clock + ?Sized> Clock for &C {
    fn now(&self) -> Option<UnixTime> {
        (**self).now()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_across_leap_years() {
        for secs in [
            0u64,
            951_782_400,
            1_369_353_600,
            1_709_164_800,
            4_102_444_799,
        ] {
            let t = UnixTime::from_secs(secs);
            assert_eq!(UnixTime::from_civil(t.civil()).unwrap(), t);
            assert_eq!(UnixTime::parse_amz_date(t.amz_date().as_str()).unwrap(), t);
        }
        assert_eq!(
            UnixTime::from_secs(951_782_400).amz_day().as_str(),
            "20000229"
        );
    }

    #[test]
    fn rejects_bad_text() {
        assert_eq!(
            UnixTime::parse_amz_date("20130230T000000Z"),
            Err(TimeParseError::OutOfRange)
        );
        assert_eq!(
            UnixTime::parse_amz_date("2013023xT000000Z"),
            Err(TimeParseError::BadFormat)
        );
        assert_eq!(UnixTime::parse_amz_date(""), Err(TimeParseError::BadFormat));
    }
}

/// An instant with sub-second precision, as model `timestamp` shapes carry it:
/// whole seconds since the epoch (negative before 1970) plus nanoseconds.
///
/// ```
/// use stratus_core::time::Timestamp;
/// let t = Timestamp::from_secs(1_369_353_600);
/// assert_eq!((t.secs, t.nanos), (1_369_353_600, 0));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Timestamp {
    /// Seconds since 1970-01-01T00:00:00Z.
    pub secs: i64,
    /// Nanoseconds within the second, `0..1_000_000_000`.
    pub nanos: u32,
}

impl Timestamp {
    /// Whole seconds since the epoch.
    pub const fn from_secs(secs: i64) -> Self {
        Timestamp { secs, nanos: 0 }
    }
}
