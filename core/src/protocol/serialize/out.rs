//! The request buffer: one caller-provided byte slice filled front to back with
//! the request target, header names and values and the body, each remembered
//! as a [`Span`]; plus the text helpers every protocol shares (percent
//! encoding, scalars as text).

use crate::features::{Disabled, REQUEST_TIMESTAMPS};
use crate::format::number::{special_float_name, write_base64, write_int, write_py_float};
use crate::format::timestamp::{Precision, write_epoch, write_iso8601, write_rfc822};
use crate::format::{Sink, WriteError};
use crate::model::{Member, Shape, TimestampFormat, Value};

use super::Fault;

/// A byte range of the request buffer.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// The bytes of `buf` this span covers (empty if out of range).
    pub fn of(self, buf: &[u8]) -> &[u8] {
        buf.get(self.start..self.end).unwrap_or(&[])
    }

    /// Number of bytes covered.
    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers nothing.
    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

/// The caller's buffer, filled front to back.
pub(crate) struct Out<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> Out<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Out { buf, len: 0 }
    }

    /// Current end of the written bytes.
    pub(crate) fn pos(&self) -> usize {
        self.len
    }

    /// The span from `start` to the current end.
    pub(crate) fn since(&self, start: usize) -> Span {
        Span {
            start,
            end: self.len,
        }
    }

    /// The bytes written so far.
    pub(crate) fn written(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// The bytes written so far and the free space after them, for a step
    /// that reads earlier output while appending (request compression).
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    pub(crate) fn split(&mut self) -> (&[u8], &mut [u8]) {
        let (written, free) = self.buf.split_at_mut(self.len.min(self.buf.len()));
        (written, free)
    }

    /// Marks `n` bytes of the free space (filled through [`split`](Self::split)) as written.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    pub(crate) fn advance(&mut self, n: usize) -> Result<(), WriteError> {
        let end = self.len.checked_add(n).ok_or(WriteError::Full)?;
        if end > self.buf.len() {
            return Err(WriteError::Full);
        }
        self.len = end;
        Ok(())
    }

    /// Hands the whole buffer back, read-only, for the request's lifetime.
    pub(crate) fn finish(self) -> &'b [u8] {
        let len = self.len;
        let buf: &'b [u8] = self.buf;
        buf.get(..len).unwrap_or(&[])
    }
}

impl Sink for Out<'_> {
    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        let end = self.len.checked_add(bytes.len()).ok_or(WriteError::Full)?;
        let slot = self.buf.get_mut(self.len..end).ok_or(WriteError::Full)?;
        crate::text::copy_bytes(slot, bytes);
        self.len = end;
        Ok(())
    }
}

/// Percent-encodes everything written through it, as botocore's
/// `percent_encode` (`urllib.parse.quote`) does: letters, digits and `-._~`
/// stay; with `keep_slash` (greedy URI labels) `/` stays too.
pub(crate) struct PercentEncode<'s, S: Sink + ?Sized> {
    pub(crate) inner: &'s mut S,
    pub(crate) keep_slash: bool,
}

const HEX: &[u8; 16] = b"0123456789ABCDEF";

impl<S: Sink + ?Sized> Sink for PercentEncode<'_, S> {
    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        for &b in bytes {
            let plain = b.is_ascii_alphanumeric()
                || matches!(b, b'-' | b'.' | b'_' | b'~')
                || (self.keep_slash && b == b'/');
            if plain {
                self.inner.write_bytes(&[b])?;
            } else {
                let esc = [b'%', HEX[usize::from(b >> 4)], HEX[usize::from(b & 0x0f)]];
                self.inner.write_bytes(&esc)?;
            }
        }
        Ok(())
    }
}

/// Writes `t` in `format` as botocore does (ISO 8601 with microseconds when
/// present, RFC 822 in whole seconds, epoch seconds as an integer unless
/// `precision` asks for milliseconds). A build without `request-timestamps`
/// refuses, so that none of the three writers is linked.
pub(crate) fn write_timestamp<S: Sink + ?Sized>(
    sink: &mut S,
    t: crate::time::Timestamp,
    format: TimestampFormat,
    precision: Precision,
) -> Result<(), Fault> {
    if !REQUEST_TIMESTAMPS {
        return Err(Fault::Disabled(Disabled::RequestTimestamps));
    }
    Ok(match format {
        TimestampFormat::Iso8601 => write_iso8601(sink, t, precision),
        TimestampFormat::Rfc822 => write_rfc822(sink, t),
        TimestampFormat::UnixTimestamp => write_epoch(sink, t, precision),
    }?)
}

/// Writes a scalar the way botocore turns it into text for URIs, query strings,
/// headers and query-protocol bodies: `str()` of the value, booleans in lower
/// case, floats as Python's `repr` (non-finite as `NaN` / `Infinity`), blobs in
/// base64 and timestamps in `format` (see [`ts_format`]). One instance for
/// every sink (`dyn`), so a device links it once.
pub(crate) fn write_scalar_text(
    sink: &mut dyn Sink,
    value: Value<'_>,
    format: TimestampFormat,
    precision: Precision,
) -> Result<(), Fault> {
    match value {
        Value::Str(s) | Value::Document(s) => sink.write_str(s)?,
        Value::Int(n) => write_int(sink, n)?,
        Value::Bool(b) => sink.write_str(if b { "true" } else { "false" })?,
        Value::Float(x) => match special_float_name(x) {
            Some(name) => sink.write_str(name)?,
            None => write_py_float(sink, x)?,
        },
        Value::Blob(b) => write_base64(sink, b)?,
        Value::Timestamp(t) => write_timestamp(sink, t, format, precision)?,
        Value::Struct(_) | Value::List(_) | Value::Map(_) => {
            return Err(Fault::NotAScalar);
        }
    }
    Ok(())
}

/// The timestamp format of a value of `shape` reached through `member`: the
/// member's `timestampFormat`, else the shape's, else the location's
/// `default` (botocore's `serialization.get('timestampFormat')` over the
/// merged member and shape traits).
pub(crate) fn ts_format(
    member: Option<&Member>,
    shape: &Shape,
    default: TimestampFormat,
) -> TimestampFormat {
    member
        .map_or(shape.timestamp_format, |m| m.timestamp_format(shape))
        .unwrap_or(default)
}

/// Formats a timestamp into a small stack buffer, for writers that take `&str`.
pub(crate) fn timestamp_text(
    buf: &mut [u8; 48],
    t: crate::time::Timestamp,
    format: TimestampFormat,
    precision: Precision,
) -> Result<&str, Fault> {
    let mut sink = crate::format::SliceSink::new(buf);
    write_timestamp(&mut sink, t, format, precision)?;
    core::str::from_utf8(sink.into_written()).map_err(|_| Fault::Unrepresentable)
}
