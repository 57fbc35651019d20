//! Byte sinks and the encodings SigV4 needs: lowercase hex and AWS
//! percent-encoding, all written without allocating.

use core::fmt;

use sha2::{Digest, Sha256};

use super::SigningError;

const HEX: &[u8; 16] = b"0123456789abcdef";
const HEX_UPPER: &[u8; 16] = b"0123456789ABCDEF";

/// Where canonical text is written: a SHA-256 hasher while signing, a
/// [`SliceWriter`] for tests and debugging.
pub trait Sink {
    /// Appends `bytes`.
    fn put(&mut self, bytes: &[u8]) -> Result<(), SigningError>;

    /// Appends a string.
    #[inline]
    fn put_str(&mut self, s: &str) -> Result<(), SigningError> {
        self.put(s.as_bytes())
    }

    /// Appends one byte (separators: sinks may store it without a copy).
    fn put_byte(&mut self, byte: u8) -> Result<(), SigningError> {
        self.put(&[byte])
    }
}

impl Sink for Sha256 {
    fn put(&mut self, bytes: &[u8]) -> Result<(), SigningError> {
        self.update(bytes);
        Ok(())
    }
}

/// A [`Sink`] over a caller's buffer; writing past its end is
/// [`SigningError::BufferTooSmall`].
///
/// ```
/// use stratus_core::sigv4::{SliceWriter, Sink};
/// let mut buf = [0u8; 8];
/// let mut w = SliceWriter::new(&mut buf);
/// w.put_str("abc").unwrap();
/// assert_eq!(w.as_str(), "abc");
/// assert!(w.put_str("too long!").is_err());
/// ```
#[derive(Debug)]
pub struct SliceWriter<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> SliceWriter<'b> {
    /// An empty writer over `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        SliceWriter { buf, len: 0 }
    }

    /// Bytes written so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing was written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// What was written, as text. Everything signing writes is UTF-8; if raw
    /// bytes that are not were put, this is empty.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(self.buf.get(..self.len).unwrap_or(&[])).unwrap_or("")
    }

    /// Gives back the written part of the buffer as text, for the buffer's lifetime.
    pub fn into_str(self) -> &'b str {
        let len = self.len;
        let bytes: &'b [u8] = self.buf;
        core::str::from_utf8(bytes.get(..len).unwrap_or(&[])).unwrap_or("")
    }

    /// Gives back the written bytes, for the buffer's lifetime.
    pub fn into_bytes(self) -> &'b [u8] {
        let len = self.len;
        let bytes: &'b [u8] = self.buf;
        bytes.get(..len).unwrap_or(&[])
    }
}

impl Sink for SliceWriter<'_> {
    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<(), SigningError> {
        let capacity = self.buf.len();
        match self
            .buf
            .get_mut(self.len..)
            .and_then(|rest| rest.get_mut(..bytes.len()))
        {
            Some(dst) => {
                crate::text::copy_bytes(dst, bytes);
                self.len += bytes.len();
                Ok(())
            }
            None => Err(SigningError::BufferTooSmall { capacity }),
        }
    }

    #[inline]
    fn put_byte(&mut self, byte: u8) -> Result<(), SigningError> {
        match self.buf.get_mut(self.len) {
            Some(slot) => {
                *slot = byte;
                self.len += 1;
                Ok(())
            }
            None => Err(SigningError::BufferTooSmall {
                capacity: self.buf.len(),
            }),
        }
    }
}

/// The lowercase hex digit of a nibble, by arithmetic rather than a table so the
/// loop in [`hex32`] vectorises: `'0' + n`, plus 39 (to reach `'a'`) past 9.
const fn hex_digit(n: u8) -> u8 {
    b'0' + n + (9u8.wrapping_sub(n) >> 7) * 39
}

/// Lowercase hex of a 32-byte digest.
pub(crate) fn hex32(bytes: &[u8; 32]) -> [u8; 64] {
    let mut hi = [0u8; 32];
    let mut lo = [0u8; 32];
    for ((h, l), b) in hi.iter_mut().zip(lo.iter_mut()).zip(bytes) {
        *h = hex_digit(b >> 4);
        *l = hex_digit(b & 0x0f);
    }
    let mut out = [0u8; 64];
    for ((pair, h), l) in out.chunks_exact_mut(2).zip(hi).zip(lo) {
        pair.copy_from_slice(&[h, l]);
    }
    out
}

/// Lowercase hex of `n` without leading zeros (`0` for zero), as aws-chunked
/// writes chunk sizes. Returns the buffer and how many bytes of it are used.
pub(crate) fn hex_usize(mut n: usize) -> ([u8; 16], usize) {
    let mut digits = [0u8; 16];
    let mut i = digits.len();
    loop {
        i -= 1;
        digits[i] = HEX[n & 0x0f];
        n >>= 4;
        if n == 0 || i == 0 {
            break;
        }
    }
    let used = digits.len() - i;
    let mut out = [0u8; 16];
    out[..used].copy_from_slice(&digits[i..]);
    (out, used)
}

/// Whether a byte is left as is by AWS percent-encoding (RFC 3986 unreserved).
pub(crate) const fn is_unreserved(b: u8) -> bool {
    b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~')
}

/// Writes `input` percent-encoded the AWS way: RFC 3986 unreserved bytes as is
/// (and `/` too if `keep_slash`), every other byte as `%XX` in uppercase hex.
pub(crate) fn put_percent_encoded<S: Sink + ?Sized>(
    sink: &mut S,
    input: &[u8],
    keep_slash: bool,
) -> Result<(), SigningError> {
    put_percent_encoded_dyn(&mut Forward(sink), input, keep_slash)
}

/// A sink of any type behind `&mut dyn Sink`: the writers that take it are
/// compiled once instead of once per sink type (the signer's hasher and the
/// output's sinks), which saves flash on a device.
pub(crate) struct Forward<'s, S: Sink + ?Sized>(pub(crate) &'s mut S);

impl<S: Sink + ?Sized> Sink for Forward<'_, S> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), SigningError> {
        self.0.put(bytes)
    }
}

/// [`put_percent_encoded`]'s one compiled copy.
#[inline(never)]
fn put_percent_encoded_dyn(
    sink: &mut dyn Sink,
    input: &[u8],
    keep_slash: bool,
) -> Result<(), SigningError> {
    let mut run_start = 0;
    for (i, &b) in input.iter().enumerate() {
        if is_unreserved(b) || (keep_slash && b == b'/') {
            continue;
        }
        if let Some(run) = input.get(run_start..i)
            && !run.is_empty()
        {
            sink.put(run)?;
        }
        sink.put(&[
            b'%',
            HEX_UPPER[(b >> 4) as usize],
            HEX_UPPER[(b & 0x0f) as usize],
        ])?;
        run_start = i + 1;
    }
    if let Some(run) = input.get(run_start..)
        && !run.is_empty()
    {
        sink.put(run)?;
    }
    Ok(())
}

/// The bytes of `input`, percent-encoded when `encode`, one at a time, for
/// comparing encoded forms without writing them out. A plain state machine
/// rather than iterator adapters, which on a microcontroller cost more code
/// than the comparison they serve.
pub(crate) struct EncodedBytes<'a> {
    input: &'a [u8],
    encode: bool,
    /// The hex digits still owed for the last `%`, last first.
    owed: [u8; 2],
    owed_len: u8,
}

impl<'a> EncodedBytes<'a> {
    pub(crate) fn new(input: &'a [u8], encode: bool) -> Self {
        EncodedBytes {
            input,
            encode,
            owed: [0; 2],
            owed_len: 0,
        }
    }
}

impl Iterator for EncodedBytes<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        if self.owed_len > 0 {
            self.owed_len -= 1;
            return Some(self.owed[usize::from(self.owed_len)]);
        }
        let (&b, rest) = self.input.split_first()?;
        self.input = rest;
        if !self.encode || is_unreserved(b) {
            return Some(b);
        }
        self.owed = [
            HEX_UPPER[usize::from(b & 0x0f)],
            HEX_UPPER[usize::from(b >> 4)],
        ];
        self.owed_len = 2;
        Some(b'%')
    }
}

/// Text percent-encoded the way AWS services expect, as a [`fmt::Display`]
/// adapter: writes straight into any formatter, no allocation.
///
/// RFC 3986 unreserved characters (`A-Z a-z 0-9 - _ . ~`) stay; every other
/// UTF-8 byte becomes `%XX`. With `keep_slash`, `/` stays too (the form for URI
/// paths and S3 keys).
///
/// ```
/// use stratus_core::sigv4::PercentEncoded;
/// assert_eq!(format!("{}", PercentEncoded::new("a b/ሴ", false)), "a%20b%2F%E1%88%B4");
/// assert_eq!(format!("{}", PercentEncoded::new("a b/c", true)), "a%20b/c");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct PercentEncoded<'a> {
    text: &'a str,
    keep_slash: bool,
}

impl<'a> PercentEncoded<'a> {
    /// Wraps `text` for encoding.
    pub fn new(text: &'a str, keep_slash: bool) -> Self {
        PercentEncoded { text, keep_slash }
    }
}

pub(crate) struct FmtSink<'f, 'g>(pub(crate) &'f mut fmt::Formatter<'g>);

impl Sink for FmtSink<'_, '_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), SigningError> {
        // Only ASCII is ever put by the encoder.
        let s = core::str::from_utf8(bytes).unwrap_or("");
        self.0
            .write_str(s)
            .map_err(|_| SigningError::BufferTooSmall { capacity: 0 })
    }
}

impl fmt::Display for PercentEncoded<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        put_percent_encoded(&mut FmtSink(f), self.text.as_bytes(), self.keep_slash)
            .map_err(|_| fmt::Error)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_forms() {
        let mut d = [0u8; 32];
        d[0] = 0xab;
        d[31] = 0x01;
        let h = hex32(&d);
        assert_eq!(&h[..2], b"ab");
        assert_eq!(&h[62..], b"01");
        let all: [u8; 32] = core::array::from_fn(|i| (i * 8 + 7) as u8);
        let mut want = [0u8; 64];
        for (pair, b) in want.chunks_exact_mut(2).zip(all) {
            pair[0] = HEX[(b >> 4) as usize];
            pair[1] = HEX[(b & 0x0f) as usize];
        }
        assert_eq!(hex32(&all), want);
        for n in 0..16u8 {
            assert_eq!(hex_digit(n), HEX[n as usize]);
        }
        for (n, s) in [(0usize, "0"), (0x400, "400"), (0x10000, "10000"), (15, "f")] {
            let (b, used) = hex_usize(n);
            assert_eq!(&b[..used], s.as_bytes());
        }
    }

    #[test]
    fn encoded_iterator_matches_writer() {
        let input = "a b/ሴ~%";
        let mut buf = [0u8; 64];
        let mut w = SliceWriter::new(&mut buf);
        put_percent_encoded(&mut w, input.as_bytes(), false).unwrap();
        let written = w.into_bytes();
        assert!(EncodedBytes::new(input.as_bytes(), true).eq(written.iter().copied()));
        assert_eq!(written, b"a%20b%2F%E1%88%B4~%25");
        // Every byte value, encoded and as it is.
        let all: [u8; 256] = core::array::from_fn(|i| i as u8);
        let mut buf = [0u8; 768];
        let mut w = SliceWriter::new(&mut buf);
        put_percent_encoded(&mut w, &all, false).unwrap();
        let written = w.into_bytes();
        assert!(EncodedBytes::new(&all, true).eq(written.iter().copied()));
        assert!(EncodedBytes::new(&all, false).eq(all.iter().copied()));
    }
}
