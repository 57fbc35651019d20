//! A CBOR writer on minicbor's encoder, making the choices botocore's
//! `CBORSerializer` makes so bytes can match:
//!
//! * definite lengths for strings, arrays and maps, shortest integer forms;
//! * `float` shapes as single precision, `double` as double precision, and the
//!   non-finite values as half precision (`f9 7c00`, `f9 fc00`, `f9 7e00`);
//! * timestamps as tag 1 with integer seconds (a double when there is a
//!   sub-second part).
//!
//! Indefinite-length maps and arrays are also available for streaming.

use minicbor::Encoder;
use minicbor::data::Tag;
use minicbor::encode::Write;

use crate::format::sink::{Sink, WriteError};
use crate::time::Timestamp;

/// Adapts a [`Sink`] to minicbor's `Write`.
#[derive(Debug)]
pub struct SinkWriter<S>(pub S);

impl<S: Sink> Write for SinkWriter<S> {
    type Error = WriteError;
    fn write_all(&mut self, buf: &[u8]) -> Result<(), WriteError> {
        self.0.write_bytes(buf)
    }
}

/// Writes CBOR items into a [`Sink`].
///
/// ```
/// use stratus_core::format::{cbor::CborWriter, SliceSink};
/// let mut buf = [0u8; 32];
/// let mut w = CborWriter::new(SliceSink::new(&mut buf));
/// w.map(1).unwrap();
/// w.str("n").unwrap();
/// w.int(-500).unwrap();
/// assert_eq!(w.into_sink().written(), &[0xa1, 0x61, b'n', 0x39, 0x01, 0xf3]);
/// ```
#[derive(Debug)]
pub struct CborWriter<S: Sink> {
    enc: Encoder<SinkWriter<S>>,
}

fn err(e: minicbor::encode::Error<WriteError>) -> WriteError {
    // minicbor's error only wraps our sink's error for these calls.
    e.into_write().unwrap_or(WriteError::Unrepresentable)
}

/// botocore's half-precision encoding of a non-finite value.
fn special(x: f64) -> Option<[u8; 3]> {
    if x.is_nan() {
        Some([0xf9, 0x7e, 0x00])
    } else if x == f64::INFINITY {
        Some([0xf9, 0x7c, 0x00])
    } else if x == f64::NEG_INFINITY {
        Some([0xf9, 0xfc, 0x00])
    } else {
        None
    }
}

impl<S: Sink> CborWriter<S> {
    /// A writer into `sink`.
    pub fn new(sink: S) -> Self {
        CborWriter {
            enc: Encoder::new(SinkWriter(sink)),
        }
    }

    /// Gives the sink back.
    pub fn into_sink(self) -> S {
        self.enc.into_writer().0
    }

    fn raw(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        self.enc.writer_mut().write_all(bytes)
    }

    /// A map header for `len` entries (each a key then a value).
    pub fn map(&mut self, len: u64) -> Result<(), WriteError> {
        self.enc.map(len).map(drop).map_err(err)
    }

    /// An array header for `len` items.
    pub fn array(&mut self, len: u64) -> Result<(), WriteError> {
        self.enc.array(len).map(drop).map_err(err)
    }

    /// Starts an indefinite-length map; close it with [`end`](Self::end).
    pub fn begin_map(&mut self) -> Result<(), WriteError> {
        self.enc.begin_map().map(drop).map_err(err)
    }

    /// Starts an indefinite-length array; close it with [`end`](Self::end).
    pub fn begin_array(&mut self) -> Result<(), WriteError> {
        self.enc.begin_array().map(drop).map_err(err)
    }

    /// The break ending an indefinite-length item.
    pub fn end(&mut self) -> Result<(), WriteError> {
        self.enc.end().map(drop).map_err(err)
    }

    /// A text string.
    pub fn str(&mut self, s: &str) -> Result<(), WriteError> {
        self.enc.str(s).map(drop).map_err(err)
    }

    /// A byte string.
    pub fn bytes(&mut self, b: &[u8]) -> Result<(), WriteError> {
        self.enc.bytes(b).map(drop).map_err(err)
    }

    /// An integer, shortest form.
    pub fn int(&mut self, n: i64) -> Result<(), WriteError> {
        self.enc.i64(n).map(drop).map_err(err)
    }

    /// A `float` shape: single precision (non-finite as half).
    pub fn float32(&mut self, x: f32) -> Result<(), WriteError> {
        match special(f64::from(x)) {
            Some(b) => self.raw(&b),
            None => self.enc.f32(x).map(drop).map_err(err),
        }
    }

    /// A `double` shape: double precision (non-finite as half).
    pub fn float64(&mut self, x: f64) -> Result<(), WriteError> {
        match special(x) {
            Some(b) => self.raw(&b),
            None => self.enc.f64(x).map(drop).map_err(err),
        }
    }

    /// `true` / `false`.
    pub fn bool(&mut self, b: bool) -> Result<(), WriteError> {
        self.enc.bool(b).map(drop).map_err(err)
    }

    /// `null`.
    pub fn null(&mut self) -> Result<(), WriteError> {
        self.enc.null().map(drop).map_err(err)
    }

    /// Tag 1 with epoch seconds: an integer, or a double with the fraction.
    pub fn timestamp(&mut self, t: Timestamp) -> Result<(), WriteError> {
        self.enc.tag(Tag::new(1)).map_err(err)?;
        if t.nanos == 0 {
            self.int(t.secs)
        } else {
            self.float64(t.secs as f64 + f64::from(t.nanos) / 1e9)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::SliceSink;

    fn hex(f: impl FnOnce(&mut CborWriter<SliceSink<'_>>), out: &mut [u8]) -> usize {
        let mut w = CborWriter::new(SliceSink::new(out));
        f(&mut w);
        w.into_sink().len()
    }

    /// Expected bytes are botocore 1.43.11 `CBORSerializer._serialize_type_*` output.
    #[test]
    fn matches_botocore_cbor_serializer() {
        type Case<'c> = (&'c dyn Fn(&mut CborWriter<SliceSink<'_>>), &'c [u8]);
        let cases: &[Case<'_>] = &[
            (&|w| w.str("é").unwrap(), &[0x62, 0xc3, 0xa9]),
            (&|w| w.int(-500).unwrap(), &[0x39, 0x01, 0xf3]),
            (&|w| w.int(24).unwrap(), &[0x18, 0x18]),
            (
                &|w| w.int(1 << 40).unwrap(),
                &[0x1b, 0, 0, 1, 0, 0, 0, 0, 0],
            ),
            (
                &|w| w.float64(1.5).unwrap(),
                &[0xfb, 0x3f, 0xf8, 0, 0, 0, 0, 0, 0],
            ),
            (&|w| w.float64(f64::INFINITY).unwrap(), &[0xf9, 0x7c, 0x00]),
            (&|w| w.float64(f64::NAN).unwrap(), &[0xf9, 0x7e, 0x00]),
            (&|w| w.float32(1.5).unwrap(), &[0xfa, 0x3f, 0xc0, 0, 0]),
            (
                &|w| w.float32(f32::NEG_INFINITY).unwrap(),
                &[0xf9, 0xfc, 0x00],
            ),
            (&|w| w.bytes(b"hi").unwrap(), &[0x42, b'h', b'i']),
            (&|w| w.bool(true).unwrap(), &[0xf5]),
            (
                &|w| w.timestamp(Timestamp::from_secs(1_369_353_600)).unwrap(),
                &[0xc1, 0x1a, 0x51, 0x9e, 0xad, 0x80],
            ),
        ];
        for (i, (f, want)) in cases.iter().enumerate() {
            let mut buf = [0u8; 16];
            let n = hex(f, &mut buf);
            assert_eq!(&buf[..n], *want, "case {i}");
        }
        let mut buf = [0u8; 2];
        let mut w = CborWriter::new(SliceSink::new(&mut buf));
        assert_eq!(w.str("abc"), Err(WriteError::Full));
    }
}
