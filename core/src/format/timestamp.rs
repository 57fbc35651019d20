//! Timestamps on the wire: parsing what services send and writing what botocore
//! sends.
//!
//! Parsing mirrors botocore's `default_timestamp_parser`, which accepts any
//! common form whatever the model says: epoch seconds (`1369353600`,
//! `1369353600.5`), ISO 8601 (`2013-05-24T00:00:00Z`, with fractions and
//! `+hh:mm` offsets) and RFC 822 / HTTP dates (`Fri, 24 May 2013 00:00:00 GMT`).
//! Writing gives botocore's three `timestampFormat`s.

use super::sink::{Sink, WriteError, write_fmt};
use crate::time::{Timestamp, civil_from_days, days_from_civil, days_in_month};

/// Why a timestamp text could not be read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum TimestampError {
    /// The text is in none of the accepted forms.
    BadFormat,
    /// A field is out of range (month 13, second 61, a year past 9999, …).
    OutOfRange,
}

const NANOS: i64 = 1_000_000_000;

/// The years read and written: Python's `datetime` holds 1 to 9999. One
/// range for both directions, so nothing is written that cannot be read back.
const YEARS: core::ops::RangeInclusive<i64> = 1..=9999;

/// Calendar fields to a timestamp, checking ranges (a leap second 60 is accepted
/// and folded into the next minute, as dateutil does not but services never send).
fn from_fields(
    y: i64,
    mo: u32,
    d: u32,
    h: u32,
    mi: u32,
    s: u32,
    nanos: u32,
) -> Result<Timestamp, TimestampError> {
    let ok = YEARS.contains(&y)
        && (1..=12).contains(&mo)
        && d >= 1
        && d <= u32::from(days_in_month(y as u32, mo as u8))
        && h < 24
        && mi < 60
        && s <= 60;
    if !ok {
        return Err(TimestampError::OutOfRange);
    }
    // Ranges were checked above, so the narrowing casts are exact.
    let secs = days_from_civil(y, mo as u8, d as u8) * 86_400 + i64::from(h * 3600 + mi * 60 + s);
    Ok(Timestamp { secs, nanos })
}

/// A cursor over ASCII text with small parsing steps.
struct Cur<'a> {
    b: &'a [u8],
    i: usize,
}

impl Cur<'_> {
    fn digits(&mut self, n: usize) -> Result<u32, TimestampError> {
        let mut v = 0u32;
        for _ in 0..n {
            match self.b.get(self.i) {
                Some(c) if c.is_ascii_digit() => v = v * 10 + u32::from(c - b'0'),
                _ => return Err(TimestampError::BadFormat),
            }
            self.i += 1;
        }
        Ok(v)
    }
    fn eat(&mut self, c: u8) -> bool {
        let hit = self
            .b
            .get(self.i)
            .is_some_and(|x| x.eq_ignore_ascii_case(&c));
        if hit {
            self.i += 1;
        }
        hit
    }
    fn expect(&mut self, c: u8) -> Result<(), TimestampError> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(TimestampError::BadFormat)
        }
    }
    /// `.ddd…` fraction as nanoseconds (digits past the ninth are dropped).
    fn fraction(&mut self) -> Result<u32, TimestampError> {
        if !self.eat(b'.') {
            return Ok(0);
        }
        let start = self.i;
        let mut nanos = 0u32;
        let mut scale = 100_000_000u32;
        while let Some(c) = self.b.get(self.i).filter(|c| c.is_ascii_digit()) {
            nanos += u32::from(c - b'0') * scale;
            scale /= 10;
            self.i += 1;
        }
        if self.i == start {
            return Err(TimestampError::BadFormat);
        }
        Ok(nanos)
    }
    fn done(&self) -> bool {
        self.i >= self.b.len()
    }
}

/// Parses ISO 8601 `YYYY-MM-DDTHH:MM:SS[.fff][Z|±hh:mm]` (no zone means UTC).
pub fn parse_iso8601(text: &str) -> Result<Timestamp, TimestampError> {
    let mut c = Cur {
        b: text.as_bytes(),
        i: 0,
    };
    let y = c.digits(4)?;
    c.expect(b'-')?;
    let mo = c.digits(2)?;
    c.expect(b'-')?;
    let d = c.digits(2)?;
    if !c.eat(b'T') {
        c.expect(b' ')?;
    }
    let h = c.digits(2)?;
    c.expect(b':')?;
    let mi = c.digits(2)?;
    c.expect(b':')?;
    let s = c.digits(2)?;
    let nanos = c.fraction()?;
    let mut offset = 0i64;
    if !c.eat(b'Z') {
        let sign = if c.eat(b'+') {
            -1
        } else if c.eat(b'-') {
            1
        } else {
            0
        };
        if sign != 0 {
            let oh = c.digits(2)?;
            c.eat(b':');
            let om = c.digits(2)?;
            if oh > 23 || om > 59 {
                return Err(TimestampError::OutOfRange);
            }
            offset = sign * i64::from(oh * 3600 + om * 60);
        }
    }
    if !c.done() {
        return Err(TimestampError::BadFormat);
    }
    let t = from_fields(i64::from(y), mo, d, h, mi, s, nanos)?;
    Ok(Timestamp {
        secs: t.secs + offset,
        nanos,
    })
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];
const WEEKDAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];

/// Parses an RFC 822 / HTTP date: `[Fri, ]24 May 2013 00:00:00 GMT` (also `UTC`,
/// `Z`, `+0000`).
pub fn parse_rfc822(text: &str) -> Result<Timestamp, TimestampError> {
    let text = text.trim_ascii();
    // A byte search and the space after it: `split_once(", ")` would link
    // core's substring searcher for this one use.
    let rest = match crate::text::split_once_ascii(text, b',') {
        Some((day, rest)) if WEEKDAYS.iter().any(|w| w.eq_ignore_ascii_case(day)) => {
            rest.strip_prefix(' ').ok_or(TimestampError::BadFormat)?
        }
        Some(_) => return Err(TimestampError::BadFormat),
        None => text,
    };
    let mut parts = crate::text::split_ascii(rest, b' ').filter(|p| !p.is_empty());
    let mut next = || parts.next().ok_or(TimestampError::BadFormat);
    let (day, month, year, clock, zone) = (next()?, next()?, next()?, next()?, next()?);
    if parts.next().is_some() {
        return Err(TimestampError::BadFormat);
    }
    if !matches!(zone, "GMT" | "UTC" | "Z" | "+0000" | "-0000" | "UT") {
        return Err(TimestampError::BadFormat);
    }
    let num = |s: &str, max_len: usize| -> Result<u32, TimestampError> {
        if s.is_empty() || s.len() > max_len || !s.bytes().all(|b| b.is_ascii_digit()) {
            return Err(TimestampError::BadFormat);
        }
        // At most four checked digits: no overflow.
        Ok(s.bytes().fold(0, |n, b| n * 10 + u32::from(b - b'0')))
    };
    let mo = MONTHS
        .iter()
        .position(|m| m.eq_ignore_ascii_case(month))
        .ok_or(TimestampError::BadFormat)? as u32
        + 1;
    let mut c = Cur {
        b: clock.as_bytes(),
        i: 0,
    };
    let h = c.digits(2)?;
    c.expect(b':')?;
    let mi = c.digits(2)?;
    c.expect(b':')?;
    let s = c.digits(2)?;
    let nanos = c.fraction()?;
    if !c.done() {
        return Err(TimestampError::BadFormat);
    }
    from_fields(i64::from(num(year, 4)?), mo, num(day, 2)?, h, mi, s, nanos)
}

/// Parses epoch seconds written as decimal text (`1369353600`, `-1.5`,
/// `1369353600.123`), exactly to the nanosecond; scientific text goes through `f64`.
pub fn parse_epoch_text(text: &str) -> Result<Timestamp, TimestampError> {
    let t = text.trim_ascii();
    let (neg, body) = match t.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    if body.contains(['e', 'E']) {
        if !super::number::FLOAT {
            return Err(TimestampError::BadFormat);
        }
        let x: f64 = t.parse().map_err(|_| TimestampError::BadFormat)?;
        return from_epoch_f64(x);
    }
    let (int, frac) = crate::text::split_once_ascii(body, b'.').unwrap_or((body, ""));
    let all_digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    if int.is_empty()
        || !all_digits(int)
        || !all_digits(frac)
        || (body.contains('.') && frac.is_empty())
    {
        return Err(TimestampError::BadFormat);
    }
    let secs =
        super::number::decimal_i64(int.as_bytes(), false).ok_or(TimestampError::OutOfRange)?;
    let mut nanos = 0u32;
    let mut scale = 100_000_000u32;
    for d in frac.bytes().take(9) {
        nanos += u32::from(d - b'0') * scale;
        scale /= 10;
    }
    Ok(signed(neg, secs, nanos))
}

fn signed(neg: bool, secs: i64, nanos: u32) -> Timestamp {
    match (neg, nanos) {
        (false, _) => Timestamp { secs, nanos },
        (true, 0) => Timestamp {
            secs: -secs,
            nanos: 0,
        },
        (true, n) => Timestamp {
            secs: -secs - 1,
            nanos: 1_000_000_000 - n,
        },
    }
}

/// Epoch seconds as a float (JSON numbers, CBOR tag 1 floats) to a timestamp,
/// rounded to the microsecond as botocore's `datetime` keeps it.
pub fn from_epoch_f64(x: f64) -> Result<Timestamp, TimestampError> {
    // Bound to years 1..=9999, as Python's datetime.
    if !x.is_finite() || !(-62_135_596_800.0..=253_402_300_799.0).contains(&x) {
        return Err(TimestampError::OutOfRange);
    }
    // `f64::round` needs std; `as` truncates toward zero, so add the half first.
    let y = x * 1e6;
    let micros = if y >= 0.0 {
        (y + 0.5) as i64
    } else {
        (y - 0.5) as i64
    };
    let secs = micros.div_euclid(1_000_000);
    let nanos = (micros.rem_euclid(1_000_000) * 1000) as u32;
    Ok(Timestamp { secs, nanos })
}

/// Parses any form botocore's default parser accepts: epoch text, ISO 8601 or RFC 822.
///
/// ```
/// use stratus_core::format::timestamp::parse_any;
/// let want = 1_369_353_600;
/// for t in ["1369353600", "2013-05-24T00:00:00Z", "2013-05-24T02:00:00+02:00", "Fri, 24 May 2013 00:00:00 GMT"] {
///     assert_eq!(parse_any(t).unwrap().secs, want);
/// }
/// ```
pub fn parse_any(text: &str) -> Result<Timestamp, TimestampError> {
    let t = text.trim_ascii();
    let first = t.as_bytes().first().copied().unwrap_or(b' ');
    if t.len() >= 10 && t.as_bytes().get(4) == Some(&b'-') {
        parse_iso8601(t)
    } else if first.is_ascii_digit() || first == b'-' || first == b'+' {
        match parse_epoch_text(t) {
            Ok(ts) => Ok(ts),
            Err(_) => parse_rfc822(t),
        }
    } else {
        parse_rfc822(t)
    }
}

/// Sub-second precision of an ISO 8601 text botocore writes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Precision {
    /// botocore's default: `.ffffffZ` microseconds when non-zero, else whole seconds.
    Micros,
    /// `timestamp_precision = millisecond`: always `.fffZ`.
    Millis,
}

/// The civil fields of `t`, for [`YEARS`] only (year 0 is not one: the
/// fuzzer found a `0000-…` text no reader would take back).
fn civil(t: Timestamp) -> Result<(i64, u32, u32, u32, u32, u32), WriteError> {
    let days = t.secs.div_euclid(86_400);
    let rem = t.secs.rem_euclid(86_400) as u32;
    let (y, m, d) = civil_from_days(days);
    let (m, d) = (u32::from(m), u32::from(d));
    if !YEARS.contains(&y) || i64::from(t.nanos) >= NANOS {
        return Err(WriteError::Unrepresentable);
    }
    Ok((y, m, d, rem / 3600, rem / 60 % 60, rem % 60))
}

/// Writes `t` as botocore's ISO 8601 (`%Y-%m-%dT%H:%M:%SZ`, fractions per `precision`).
///
/// ```
/// use stratus_core::format::{timestamp::{write_iso8601, Precision}, SliceSink};
/// use stratus_core::time::Timestamp;
/// let mut buf = [0u8; 32];
/// let mut s = SliceSink::new(&mut buf);
/// write_iso8601(&mut s, Timestamp { secs: 1_369_353_600, nanos: 5_000_000 }, Precision::Micros).unwrap();
/// assert_eq!(s.written(), b"2013-05-24T00:00:00.005000Z");
/// ```
pub fn write_iso8601<S: Sink + ?Sized>(
    sink: &mut S,
    t: Timestamp,
    precision: Precision,
) -> Result<(), WriteError> {
    let (y, mo, d, h, mi, s) = civil(t)?;
    write_fmt(
        sink,
        format_args!("{y:04}-{mo:02}-{d:02}T{h:02}:{mi:02}:{s:02}"),
    )?;
    let micros = t.nanos / 1000;
    match precision {
        Precision::Millis => write_fmt(sink, format_args!(".{:03}Z", micros / 1000)),
        Precision::Micros if micros > 0 => write_fmt(sink, format_args!(".{micros:06}Z")),
        Precision::Micros => sink.write_str("Z"),
    }
}

/// Writes `t` as an RFC 822 date (`email.utils.formatdate(usegmt=True)`), whole seconds.
pub fn write_rfc822<S: Sink + ?Sized>(sink: &mut S, t: Timestamp) -> Result<(), WriteError> {
    let (y, mo, d, h, mi, s) = civil(t)?;
    let wd = WEEKDAYS
        .get(t.secs.div_euclid(86_400).rem_euclid(7) as usize)
        .ok_or(WriteError::Unrepresentable)?;
    let mon = MONTHS
        .get((mo as usize).wrapping_sub(1))
        .ok_or(WriteError::Unrepresentable)?;
    write_fmt(
        sink,
        format_args!("{wd}, {d:02} {mon} {y:04} {h:02}:{mi:02}:{s:02} GMT"),
    )
}

/// From 1024 seconds (where `secs + millis / 1000.0` rounds to the double
/// nearest the decimal `secs.mmm`: the error of `millis / 1000.0` is under
/// 2^-54, closer than any rounding midpoint gets to such a decimal) to 2^33
/// seconds (year 2242, where a double's spacing is still under 10^-6), Python's
/// shortest repr of that float is the decimal with its trailing zeros cut
/// (`.0` when no millisecond). Below 1024 it is not always
/// (`1 + 0.14` prints as `1.1400000000000001`).
const MILLIS_EXACT: core::ops::Range<i64> = 1024..1 << 33;

/// `secs.mmm` as Python prints the float (`1.5`, `1422172800.123`, `7.0`),
/// with integers only: no `core::fmt` float code.
fn write_millis<S: Sink + ?Sized>(sink: &mut S, secs: i64, millis: u32) -> Result<(), WriteError> {
    super::number::write_int(sink, secs)?;
    let digits = [
        b'0' + (millis / 100 % 10) as u8,
        b'0' + (millis / 10 % 10) as u8,
        b'0' + (millis % 10) as u8,
    ];
    let keep = if millis.is_multiple_of(100) {
        1
    } else if millis.is_multiple_of(10) {
        2
    } else {
        3
    };
    sink.write_str(".")?;
    sink.write_bytes(digits.get(..keep).unwrap_or(b"0"))
}

/// Writes `t` as epoch seconds: an integer (botocore's default), or with
/// `Precision::Millis` a float with millisecond fraction as Python prints it.
pub fn write_epoch<S: Sink + ?Sized>(
    sink: &mut S,
    t: Timestamp,
    precision: Precision,
) -> Result<(), WriteError> {
    match precision {
        Precision::Micros => super::number::write_int(sink, t.secs),
        // Python's repr of the float `secs + millis / 1000`, written from the
        // integers where that repr is the plain decimal (see `write_millis`).
        Precision::Millis if MILLIS_EXACT.contains(&t.secs) => {
            write_millis(sink, t.secs, t.nanos / 1_000_000)
        }
        Precision::Millis => {
            let x = t.secs as f64 + f64::from(t.nanos / 1_000_000) / 1000.0;
            super::number::write_py_float(sink, x)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::SliceSink;

    /// The integer-only millisecond path writes what Python's float repr
    /// (`write_py_float`) writes, over the whole range it is used for.
    #[cfg(feature = "float")]
    #[test]
    fn millis_match_the_float_repr() {
        let mut checked = 0;
        let edges = [
            MILLIS_EXACT.start,
            MILLIS_EXACT.start + 1,
            MILLIS_EXACT.end - 1,
        ];
        // Powers of two (where the spacing changes) and a spread in between.
        let spread = (10..33)
            .map(|k| 1i64 << k)
            .chain((0..400).map(|i| 1024 + i * 21_474_833));
        for secs in edges.into_iter().chain(spread) {
            for millis in 0..1000 {
                let mut a = [0u8; 40];
                let mut b = [0u8; 40];
                let mut fast = SliceSink::new(&mut a);
                write_millis(&mut fast, secs, millis).unwrap();
                let mut repr = SliceSink::new(&mut b);
                let x = secs as f64 + f64::from(millis) / 1000.0;
                crate::format::number::write_py_float(&mut repr, x).unwrap();
                assert_eq!(fast.written(), repr.written(), "{secs}.{millis:03}");
                checked += 1;
            }
        }
        assert!(checked > 400_000);
    }

    #[test]
    fn parses_every_form_botocore_accepts() {
        let base = 1_369_353_600;
        let cases: &[(&str, i64, u32)] = &[
            ("1369353600", base, 0),
            ("1369353600.5", base, 500_000_000),
            ("-1.25", -2, 750_000_000),
            ("1.3693536e9", base, 0),
            ("2013-05-24T00:00:00Z", base, 0),
            ("2013-05-24T00:00:00.123456789Z", base, 123_456_789),
            ("2013-05-24t00:00:00z", base, 0),
            ("2013-05-24T00:00:00", base, 0),
            ("2013-05-23T19:00:00-05:00", base, 0),
            ("Fri, 24 May 2013 00:00:00 GMT", base, 0),
            ("24 May 2013 00:00:00 UTC", base, 0),
            ("Fri,  24 May 2013 00:00:00 GMT", base, 0),
            ("fri, 24 may 2013 00:00:00 GMT", base, 0),
            ("1970-01-01T00:00:00Z", 0, 0),
        ];
        for (text, secs, nanos) in cases {
            let t = parse_any(text).unwrap_or_else(|e| panic!("{text}: {e:?}"));
            assert_eq!((t.secs, t.nanos), (*secs, *nanos), "{text}");
        }
    }

    #[test]
    fn rejects_bad_timestamps() {
        for bad in [
            "",
            "2013-13-01T00:00:00Z",
            "2013-02-29T00:00:00Z",
            "2013-05-24T24:00:00Z",
            "2013-05-24T00:00:00.Z",
            "2013-05-24T00:00:00Zjunk",
            "Fri, 24 Foo 2013 00:00:00 GMT",
            "Fri, 24 May 2013 00:00:00 PST",
            "Fri,24 May 2013 00:00:00 GMT",
            "24 May, 2013 00:00:00 GMT",
            "Fri, Sat, 24 May 2013 00:00:00 GMT",
            "Fri, 24 May 2013 00:00:00",
            "1.",
            "abc",
            "99999999999999999999",
        ] {
            assert!(parse_any(bad).is_err(), "{bad:?} should fail");
        }
        assert_eq!(from_epoch_f64(f64::NAN), Err(TimestampError::OutOfRange));
        assert_eq!(from_epoch_f64(1e300), Err(TimestampError::OutOfRange));
    }

    #[test]
    fn writes_only_years_the_readers_take_back() {
        // 0001-01-01T00:00:00Z, and the second before it (year 0).
        let first = Timestamp {
            secs: -62_135_596_800,
            nanos: 0,
        };
        let before = Timestamp {
            secs: first.secs - 1,
            nanos: 0,
        };
        let mut buf = [0u8; 40];
        let mut s = SliceSink::new(&mut buf);
        write_rfc822(&mut s, first).unwrap();
        assert_eq!(s.written(), b"Mon, 01 Jan 0001 00:00:00 GMT");
        let text = core::str::from_utf8(s.written()).unwrap();
        assert_eq!(parse_rfc822(text).unwrap().secs, first.secs);
        let mut s = SliceSink::new(&mut buf);
        assert_eq!(
            write_rfc822(&mut s, before),
            Err(WriteError::Unrepresentable)
        );
        assert_eq!(
            write_iso8601(&mut s, before, Precision::Micros),
            Err(WriteError::Unrepresentable)
        );
    }

    #[test]
    fn writes_botocore_forms() {
        let mut buf = [0u8; 40];
        let t = Timestamp {
            secs: 1_369_353_600,
            nanos: 123_456_789,
        };
        let mut s = SliceSink::new(&mut buf);
        write_iso8601(&mut s, t, Precision::Millis).unwrap();
        assert_eq!(s.written(), b"2013-05-24T00:00:00.123Z");
        let mut s = SliceSink::new(&mut buf);
        write_iso8601(
            &mut s,
            Timestamp::from_secs(1_369_353_600),
            Precision::Micros,
        )
        .unwrap();
        assert_eq!(s.written(), b"2013-05-24T00:00:00Z");
        let mut s = SliceSink::new(&mut buf);
        write_rfc822(&mut s, t).unwrap();
        assert_eq!(s.written(), b"Fri, 24 May 2013 00:00:00 GMT");
        let mut s = SliceSink::new(&mut buf);
        write_epoch(&mut s, t, Precision::Millis).unwrap();
        assert_eq!(s.written(), b"1369353600.123");
        let mut s = SliceSink::new(&mut buf);
        write_epoch(&mut s, t, Precision::Micros).unwrap();
        assert_eq!(s.written(), b"1369353600");
    }
}
