//! Numbers and base64 as botocore writes them.
//!
//! * Floats are written as Python's `repr(float)` prints them (what `json.dumps`
//!   and `str()` emit): the shortest text that reads back to the same `f64`,
//!   fixed notation for decimal exponents `-4..16` (`0.0001`, `1.0`,
//!   `1234567890123456.0`), scientific otherwise (`1e-05`, `1.5e+16`). Rust's
//!   `{:e}` gives the same shortest digits; only the layout is Python's.
//! * The special values are botocore's strings `NaN`, `Infinity`, `-Infinity`
//!   (`Serializer._handle_float`).
//! * Base64 is the standard alphabet with `=` padding (`base64.b64encode`).

use super::sink::{Sink, WriteError, write_fmt};
use core::fmt::Write as _;

/// Whether this build reads and writes floats (the `float` feature); a
/// constant, so without it `core::fmt`'s float code is not linked.
pub const FLOAT: bool = cfg!(feature = "float");

/// Name botocore gives a non-finite float, `None` for finite ones.
pub fn special_float_name(x: f64) -> Option<&'static str> {
    if x.is_nan() {
        Some("NaN")
    } else if x == f64::INFINITY {
        Some("Infinity")
    } else if x == f64::NEG_INFINITY {
        Some("-Infinity")
    } else {
        None
    }
}

/// The float named `NaN`, `Infinity` or `-Infinity`, as botocore's parsers accept them.
pub fn parse_special_float(s: &str) -> Option<f64> {
    match s {
        "NaN" => Some(f64::NAN),
        "Infinity" => Some(f64::INFINITY),
        "-Infinity" => Some(f64::NEG_INFINITY),
        _ => None,
    }
}

/// A tiny fixed buffer that `core::fmt` can write into.
struct Scratch {
    buf: [u8; 40],
    len: usize,
}

impl core::fmt::Write for Scratch {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        let end = self.len + s.len();
        let slot = self.buf.get_mut(self.len..end).ok_or(core::fmt::Error)?;
        slot.copy_from_slice(s.as_bytes());
        self.len = end;
        Ok(())
    }
}

/// Writes a finite `x` as Python's `repr(x)`; non-finite values as botocore's
/// names (`NaN`, `Infinity`, `-Infinity`).
///
/// ```
/// use stratus_core::format::{number::write_py_float, SliceSink};
/// let mut buf = [0u8; 32];
/// for (x, text) in [(1.0, "1.0"), (1e16, "1e+16"), (1.5e-7, "1.5e-07"), (0.1, "0.1")] {
///     let mut s = SliceSink::new(&mut buf);
///     write_py_float(&mut s, x).unwrap();
///     assert_eq!(s.written(), text.as_bytes());
/// }
/// ```
pub fn write_py_float<S: Sink + ?Sized>(sink: &mut S, x: f64) -> Result<(), WriteError> {
    if !cfg!(feature = "float") {
        return Err(WriteError::FloatDisabled);
    }
    if let Some(name) = special_float_name(x) {
        return sink.write_str(name);
    }
    let mut sci = Scratch {
        buf: [0; 40],
        len: 0,
    };
    write!(sci, "{x:e}").map_err(|_| WriteError::Fmt)?;
    let text =
        core::str::from_utf8(sci.buf.get(..sci.len).unwrap_or(&[])).map_err(|_| WriteError::Fmt)?;
    let (mantissa, exp) = text.split_once('e').ok_or(WriteError::Fmt)?;
    let exp: i32 = exp.parse().map_err(|_| WriteError::Fmt)?;
    let (negative, mantissa) = match mantissa.strip_prefix('-') {
        Some(m) => (true, m),
        None => (false, mantissa),
    };
    let (lead, frac) = mantissa.split_once('.').unwrap_or((mantissa, ""));
    if negative {
        sink.write_str("-")?;
    }
    if (-4..16).contains(&exp) {
        write_fixed(sink, lead, frac, exp)
    } else {
        sink.write_str(lead)?;
        if !frac.is_empty() {
            sink.write_str(".")?;
            sink.write_str(frac)?;
        }
        let sign = if exp < 0 { '-' } else { '+' };
        write_fmt(sink, format_args!("e{sign}{:02}", exp.unsigned_abs()))
    }
}

/// Fixed notation of the digits `lead` `frac` (one leading digit) times `10^exp`.
fn write_fixed<S: Sink + ?Sized>(
    sink: &mut S,
    lead: &str,
    frac: &str,
    exp: i32,
) -> Result<(), WriteError> {
    const ZEROS: &str = "0000000000000000";
    let zeros = |n: usize| ZEROS.get(..n).ok_or(WriteError::Fmt);
    if exp < 0 {
        sink.write_str("0.")?;
        sink.write_str(zeros((-exp - 1) as usize)?)?;
        sink.write_str(lead)?;
        return sink.write_str(frac);
    }
    let int_digits = exp as usize;
    sink.write_str(lead)?;
    if frac.len() > int_digits {
        let (int_part, frac_part) = frac.split_at(int_digits);
        sink.write_str(int_part)?;
        sink.write_str(".")?;
        sink.write_str(frac_part)
    } else {
        sink.write_str(frac)?;
        sink.write_str(zeros(int_digits - frac.len())?)?;
        sink.write_str(".0")
    }
}

/// Writes `n` in decimal, as Python's `str(int)` does.
pub fn write_int<S: Sink + ?Sized>(sink: &mut S, n: i64) -> Result<(), WriteError> {
    let mut buf = [0u8; DECIMAL_DIGITS];
    if n < 0 {
        sink.write_bytes(b"-")?;
    }
    sink.write_bytes(decimal(n.unsigned_abs(), &mut buf))
}

/// The most decimal digits a `u64` has.
pub(crate) const DECIMAL_DIGITS: usize = 20;

/// The decimal digits of `n`, written into the tail of `buf`: the one digit
/// writer the core's numbers, status codes, ports and lengths share, so no
/// build links `core::fmt`'s integer formatting for them.
pub(crate) fn decimal(n: u64, buf: &mut [u8; DECIMAL_DIGITS]) -> &[u8] {
    let mut len = 0;
    let mut rest = n;
    for slot in buf.iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
        len += 1;
        if rest == 0 {
            break;
        }
    }
    let start = buf.len() - len;
    buf.get(start..).unwrap_or(&[])
}

/// `n`'s last `out.len()` decimal digits, zero-padded, into `out`.
pub(crate) fn padded_decimal(out: &mut [u8], n: u64) {
    let mut rest = n;
    for slot in out.iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
    }
}

const BASE64_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// Number of characters [`write_base64`] writes for `n` bytes.
pub const fn base64_len(n: usize) -> usize {
    n.div_ceil(3) * 4
}

/// Writes `bytes` as padded standard base64.
///
/// ```
/// use stratus_core::format::{number::write_base64, SliceSink};
/// let mut buf = [0u8; 8];
/// let mut s = SliceSink::new(&mut buf);
/// write_base64(&mut s, b"hello").unwrap();
/// assert_eq!(s.written(), b"aGVsbG8=");
/// ```
pub fn write_base64<S: Sink + ?Sized>(sink: &mut S, bytes: &[u8]) -> Result<(), WriteError> {
    for chunk in bytes.chunks(3) {
        let b = |i: usize| chunk.get(i).copied().unwrap_or(0) as usize;
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        let digit = |shift: usize| BASE64_ALPHABET[(n >> shift) & 63];
        let mut out = [digit(18), digit(12), digit(6), digit(0)];
        if chunk.len() < 3 {
            out[3] = b'=';
        }
        if chunk.len() < 2 {
            out[2] = b'=';
        }
        sink.write_bytes(&out)?;
    }
    Ok(())
}

/// Bytes decoded from base64 text of length `n`, at most.
pub const fn base64_decoded_max(n: usize) -> usize {
    n / 4 * 3 + 3
}

/// Parses a decimal integer, allowing the ASCII whitespace Python's `int()` allows.
pub fn parse_int(text: &str) -> Option<i64> {
    match text.trim_ascii().as_bytes() {
        [b'-', digits @ ..] => decimal_i64(digits, true),
        [b'+', digits @ ..] => decimal_i64(digits, false),
        digits => decimal_i64(digits, false),
    }
}

/// The value of `digits` (one or more ASCII digits and nothing else),
/// negated when `negative`; `None` for anything else or when it does not fit
/// an `i64`. What `str::parse::<i64>` gives for such text, without linking
/// its general parser.
pub(crate) fn decimal_i64(digits: &[u8], negative: bool) -> Option<i64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0i64, |acc, &b| {
        let d = b.wrapping_sub(b'0');
        if d > 9 {
            return None;
        }
        let acc = acc.checked_mul(10)?;
        if negative {
            acc.checked_sub(i64::from(d))
        } else {
            acc.checked_add(i64::from(d))
        }
    })
}

/// Parses a float as Python's `float()` would for what services send: decimal
/// or scientific text, or `NaN` / `Infinity` / `-Infinity`.
///
/// Without the `float` feature nothing parses (`None`): readers check
/// [`FLOAT`] first and report [`DecodeError::FloatDisabled`](crate::model::view::DecodeError::FloatDisabled).
pub fn parse_float(text: &str) -> Option<f64> {
    if !FLOAT {
        return None;
    }
    let t = text.trim_ascii();
    if let Some(x) = parse_special_float(t) {
        return Some(x);
    }
    let ok = !t.is_empty()
        && t.bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'-' | b'+' | b'.' | b'e' | b'E'));
    if ok { t.parse().ok() } else { None }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::SliceSink;

    fn repr(x: f64) -> heapless::String<40> {
        let mut buf = [0u8; 40];
        let mut s = SliceSink::new(&mut buf);
        write_py_float(&mut s, x).unwrap();
        let mut out = heapless::String::new();
        out.push_str(core::str::from_utf8(s.written()).unwrap())
            .unwrap();
        out
    }

    /// Expected texts are Python 3 `repr()` outputs.
    #[test]
    fn floats_print_as_python_repr() {
        let cases: &[(f64, &str)] = &[
            (1.0, "1.0"),
            (-0.0, "-0.0"),
            (0.0, "0.0"),
            (0.1, "0.1"),
            (1e16, "1e+16"),
            (1e15, "1000000000000000.0"),
            (1234567890123456.7, "1234567890123456.8"),
            (1.2345678901234568e17, "1.2345678901234568e+17"),
            (1.5e-7, "1.5e-07"),
            (1e-5, "1e-05"),
            (0.0001, "0.0001"),
            (2.5e-5, "2.5e-05"),
            (123.456, "123.456"),
            (1e22, "1e+22"),
            (1e300, "1e+300"),
            (5e-324, "5e-324"),
            (f64::MAX, "1.7976931348623157e+308"),
            (-12.5, "-12.5"),
            (f64::NAN, "NaN"),
            (f64::INFINITY, "Infinity"),
            (f64::NEG_INFINITY, "-Infinity"),
        ];
        for (x, want) in cases {
            assert_eq!(repr(*x).as_str(), *want, "repr of {x:e}");
        }
    }

    #[test]
    fn base64_round_trips() {
        use crate::model::view::{Blob, BlobEncoding};
        let data = b"\x00\xffhello world\x10";
        for n in 0..data.len() {
            let mut buf = [0u8; 32];
            let mut s = SliceSink::new(&mut buf);
            write_base64(&mut s, &data[..n]).unwrap();
            assert_eq!(s.len(), base64_len(n));
            let mut out = [0u8; 32];
            let text = s.written();
            let back = Blob::new(text, BlobEncoding::Base64)
                .decode_into(&mut out)
                .unwrap();
            assert_eq!(back, &data[..n]);
        }
    }

    #[test]
    fn numbers_parse_strictly() {
        assert_eq!(parse_int(" 42 "), Some(42));
        assert_eq!(parse_int("-7"), Some(-7));
        assert_eq!(parse_int("4.0"), None);
        assert_eq!(parse_int(""), None);
        assert_eq!(parse_int("99999999999999999999"), None);
        assert_eq!(parse_float("1.5e3"), Some(1500.0));
        assert!(parse_float("NaN").unwrap().is_nan());
        assert_eq!(parse_float("inf"), None);
        assert_eq!(parse_float("1,5"), None);
    }

    /// The digit fold agrees with `str::parse::<i64>` on signed digit runs,
    /// the limits and one past them included; other text is refused.
    #[test]
    fn parse_int_agrees_with_str_parse() {
        let cases = [
            "0",
            "-0",
            "+0",
            "007",
            "9223372036854775807",
            "9223372036854775808",
            "-9223372036854775808",
            "-9223372036854775809",
            "+9223372036854775807",
            "12345678901234567890",
            "1_000",
            "--1",
            "+-1",
            "-",
            "+",
            " 1 2 ",
            "\u{663}",
            "1e3",
        ];
        for case in cases {
            let expected = case.trim_ascii().parse::<i64>().ok();
            let expected = expected.filter(|_| !case.contains('_'));
            assert_eq!(parse_int(case), expected, "{case:?}");
        }
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for _ in 0..10_000 {
            x = x.rotate_left(17).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            let n = x as i64 >> (x % 60);
            let mut buf = [0u8; 24];
            let mut sink = SliceSink::new(&mut buf);
            core::fmt::Write::write_fmt(&mut FmtAdapter(&mut sink), format_args!("{n}")).unwrap();
            let text = core::str::from_utf8(sink.written()).unwrap();
            assert_eq!(parse_int(text), Some(n), "{text}");
        }
    }

    #[test]
    fn integers_are_written_as_core_fmt_writes_them() {
        let check = |n: i64| {
            let (mut want, mut got) = ([0u8; 24], [0u8; 24]);
            let mut expected = SliceSink::new(&mut want);
            core::fmt::Write::write_fmt(&mut FmtAdapter(&mut expected), format_args!("{n}"))
                .unwrap();
            let mut sink = SliceSink::new(&mut got);
            write_int(&mut sink, n).unwrap();
            assert_eq!(sink.written(), expected.written(), "{n}");
        };
        for n in [0, 1, -1, i64::MAX, i64::MIN, i64::MIN + 1] {
            check(n);
        }
        let mut p = 1i64;
        while let Some(next) = p.checked_mul(10) {
            for n in [p - 1, p, p + 1, -p, 1 - p] {
                check(n);
            }
            p = next;
        }
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        for _ in 0..10_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            check(x as i64 >> (x % 64));
        }
        let mut short = [0u8; 3];
        assert_eq!(
            write_int(&mut SliceSink::new(&mut short), -1234),
            Err(WriteError::Full)
        );
        let mut out = [0u8; 4];
        padded_decimal(&mut out, 7);
        assert_eq!(&out, b"0007");
        padded_decimal(&mut out, 123_456);
        assert_eq!(&out, b"3456");
    }

    struct FmtAdapter<'a, 'b>(&'a mut SliceSink<'b>);

    impl core::fmt::Write for FmtAdapter<'_, '_> {
        fn write_str(&mut self, s: &str) -> core::fmt::Result {
            self.0
                .write_bytes(s.as_bytes())
                .map_err(|_| core::fmt::Error)
        }
    }
}
