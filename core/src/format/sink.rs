//! Where writers put their bytes: a [`Sink`], with impls for a caller's slice
//! ([`SliceSink`]), a `heapless::Vec`, any `core::fmt::Write` ([`FmtSink`]) and a
//! byte counter ([`CountingSink`], for `Content-Length` before writing).

use core::fmt;

/// Why a writer could not write.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum WriteError {
    /// The sink has no room for the bytes.
    Full,
    /// A `core::fmt::Write` sink refused the text.
    Fmt,
    /// The value cannot be written in this format (e.g. a CBOR float with no encoding).
    Unrepresentable,
    /// A float, which this build does not write (the `float` feature of
    /// stratus-core is off).
    FloatDisabled,
}

impl fmt::Display for WriteError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            WriteError::Full => "output buffer is full",
            WriteError::Fmt => "the text sink refused the write",
            WriteError::Unrepresentable => "value cannot be written in this format",
            WriteError::FloatDisabled => {
                "float value left out of this build (stratus-core feature `float`)"
            }
        })
    }
}

/// A byte destination for the JSON, XML and CBOR writers.
///
/// Writers only ever hand over whole UTF-8 sequences for text formats, so a sink
/// that wants `str` (like [`FmtSink`]) never sees a split character.
pub trait Sink {
    /// Appends `bytes`, all or nothing.
    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), WriteError>;

    /// Appends `s`.
    fn write_str(&mut self, s: &str) -> Result<(), WriteError> {
        self.write_bytes(s.as_bytes())
    }
}

impl<S: Sink + ?Sized> Sink for &mut S {
    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        (**self).write_bytes(bytes)
    }
    fn write_str(&mut self, s: &str) -> Result<(), WriteError> {
        (**self).write_str(s)
    }
}

/// Writes into a caller's buffer and remembers how much is filled.
///
/// ```
/// use stratus_core::format::{Sink, SliceSink, WriteError};
/// let mut buf = [0u8; 4];
/// let mut sink = SliceSink::new(&mut buf);
/// sink.write_str("abc").unwrap();
/// assert_eq!(sink.write_str("de"), Err(WriteError::Full));
/// assert_eq!(sink.written(), b"abc");
/// ```
#[derive(Debug)]
pub struct SliceSink<'b> {
    buf: &'b mut [u8],
    len: usize,
}

impl<'b> SliceSink<'b> {
    /// An empty sink over `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        SliceSink { buf, len: 0 }
    }

    /// The bytes written so far.
    pub fn written(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }

    /// Number of bytes written so far.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether nothing has been written.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Gives back the buffer's filled part, for the buffer's whole lifetime.
    pub fn into_written(self) -> &'b [u8] {
        let len = self.len;
        let buf: &'b [u8] = self.buf;
        buf.get(..len).unwrap_or(&[])
    }
}

impl Sink for SliceSink<'_> {
    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        let end = self.len.checked_add(bytes.len()).ok_or(WriteError::Full)?;
        let slot = self.buf.get_mut(self.len..end).ok_or(WriteError::Full)?;
        crate::text::copy_bytes(slot, bytes);
        self.len = end;
        Ok(())
    }
}

impl<const N: usize> Sink for heapless::Vec<u8, N> {
    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        self.extend_from_slice(bytes).map_err(|_| WriteError::Full)
    }
}

/// Adapts any [`core::fmt::Write`] (a `heapless::String`, a `Formatter`, a
/// `String` with `alloc`) into a [`Sink`].
#[derive(Debug)]
pub struct FmtSink<W>(pub W);

impl<W: fmt::Write> Sink for FmtSink<W> {
    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        let s = core::str::from_utf8(bytes).map_err(|_| WriteError::Fmt)?;
        self.0.write_str(s).map_err(|_| WriteError::Fmt)
    }
    fn write_str(&mut self, s: &str) -> Result<(), WriteError> {
        self.0.write_str(s).map_err(|_| WriteError::Fmt)
    }
}

/// Counts bytes without storing them: run a writer once into it to learn the
/// body length, then again into the real buffer.
#[derive(Clone, Copy, Debug, Default)]
pub struct CountingSink(pub usize);

impl Sink for CountingSink {
    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        self.0 = self.0.checked_add(bytes.len()).ok_or(WriteError::Full)?;
        Ok(())
    }
}

/// Lets a `core::fmt` formatting call write into a [`Sink`], keeping the first error.
pub(crate) struct FmtAdapter<'s, S: Sink + ?Sized> {
    pub(crate) sink: &'s mut S,
    pub(crate) error: Option<WriteError>,
}

impl<S: Sink + ?Sized> fmt::Write for FmtAdapter<'_, S> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.sink.write_str(s).map_err(|e| {
            self.error = Some(e);
            fmt::Error
        })
    }
}

/// Writes `args` into `sink`.
pub(crate) fn write_fmt<S: Sink + ?Sized>(
    sink: &mut S,
    args: fmt::Arguments<'_>,
) -> Result<(), WriteError> {
    let mut a = FmtAdapter { sink, error: None };
    fmt::write(&mut a, args).map_err(|_| a.error.unwrap_or(WriteError::Fmt))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sinks_report_full_and_keep_what_fit() {
        let mut buf = [0u8; 3];
        let mut s = SliceSink::new(&mut buf);
        assert_eq!(s.write_bytes(b"abcd"), Err(WriteError::Full));
        assert!(s.is_empty());
        s.write_bytes(b"ab").unwrap();
        assert_eq!(s.into_written(), b"ab");

        let mut v: heapless::Vec<u8, 2> = heapless::Vec::new();
        assert_eq!(v.write_bytes(b"abc"), Err(WriteError::Full));

        let mut c = CountingSink::default();
        write_fmt(&mut c, format_args!("{}-{}", 12, "ab")).unwrap();
        assert_eq!(c.0, 5);

        let mut f = FmtSink(heapless::String::<4>::new());
        assert_eq!(f.write_str("abcde"), Err(WriteError::Fmt));
        assert_eq!(f.write_bytes(&[0xff]), Err(WriteError::Fmt));
    }
}
