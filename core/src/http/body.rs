//! Streamed request bodies: a [`BodySource`] is pulled piece by piece and a
//! [`BodyEncoder`] frames the pieces for the wire.

use core::fmt;

use super::BodyFraming;

/// A body source failed (a file could not be read, a sensor did not answer).
/// What went wrong is the source's to tell; the encoder only passes this on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SourceError;

impl fmt::Display for SourceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the request body's source failed")
    }
}

/// A request body the caller does not hold whole: pulled in pieces.
///
/// ```
/// use stratus_core::http::{BodySource, SliceSource};
/// let mut source = SliceSource::new(b"hello");
/// assert_eq!(source.length(), Some(5));
/// let mut buf = [0u8; 3];
/// assert_eq!(source.read(&mut buf), Ok(3));
/// assert_eq!(source.read(&mut buf), Ok(2));
/// assert_eq!(source.read(&mut buf), Ok(0));
/// ```
pub trait BodySource {
    /// Writes the next bytes into `buf` and says how many; `0` means the body
    /// has ended (and is only returned then, or when `buf` is empty).
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, SourceError>;

    /// The body's total length, when known before sending: it is then sent
    /// under `Content-Length`, otherwise chunked.
    fn length(&self) -> Option<u64>;
}

impl<B: BodySource + ?Sized> BodySource for &mut B {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, SourceError> {
        (**self).read(buf)
    }
    fn length(&self) -> Option<u64> {
        (**self).length()
    }
}

/// A [`BodySource`] over bytes in memory.
#[derive(Clone, Debug)]
pub struct SliceSource<'a> {
    rest: &'a [u8],
    total: u64,
}

impl<'a> SliceSource<'a> {
    /// A source giving `bytes`.
    pub fn new(bytes: &'a [u8]) -> Self {
        SliceSource {
            rest: bytes,
            total: bytes.len() as u64,
        }
    }
}

impl BodySource for SliceSource<'_> {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, SourceError> {
        let n = buf.len().min(self.rest.len());
        let (now, rest) = self.rest.split_at(n);
        buf[..n].copy_from_slice(now);
        self.rest = rest;
        Ok(n)
    }
    fn length(&self) -> Option<u64> {
        Some(self.total)
    }
}

/// Why a body could not be encoded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum BodyError {
    /// The source failed.
    Source(SourceError),
    /// The source gave a different number of bytes than the declared
    /// `Content-Length` (`produced` counts up to the first byte too many).
    LengthMismatch {
        /// The declared length.
        declared: u64,
        /// Bytes the source gave.
        produced: u64,
    },
    /// The buffer given for a chunk is shorter than [`MIN_CHUNK_BUFFER`].
    BufferTooSmall,
}

impl fmt::Display for BodyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BodyError::Source(e) => e.fmt(f),
            BodyError::LengthMismatch { declared, produced } => write!(
                f,
                "the body source gave {produced} bytes, not the declared {declared}"
            ),
            BodyError::BufferTooSmall => {
                write!(f, "a chunk buffer needs at least {MIN_CHUNK_BUFFER} bytes")
            }
        }
    }
}

impl From<SourceError> for BodyError {
    fn from(e: SourceError) -> Self {
        BodyError::Source(e)
    }
}

/// The smallest buffer [`BodyEncoder::next`] takes for chunked framing (a
/// size line, at least one byte of data and the CRLF after it).
pub const MIN_CHUNK_BUFFER: usize = 8;

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum EncState {
    Body,
    Done,
}

/// Turns a [`BodySource`] into the bytes that follow a request head.
///
/// Each [`next`](Self::next) fills the caller's buffer with the next piece for
/// the wire: source bytes as they are under [`BodyFraming::Length`] (checked
/// against the declared length), or one chunk (`size CRLF data CRLF`, the last
/// one `0 CRLF CRLF`) under [`BodyFraming::Chunked`].
///
/// ```
/// use stratus_core::http::{BodyEncoder, BodyFraming, SliceSource};
/// let mut source = SliceSource::new(b"hello, world");
/// let mut enc = BodyEncoder::new(BodyFraming::Chunked);
/// let mut buf = [0u8; 12];
/// let mut wire = heapless::Vec::<u8, 64>::new();
/// while let Some(piece) = enc.next(&mut source, &mut buf).unwrap() {
///     wire.extend_from_slice(piece).unwrap();
/// }
/// // A 12-byte buffer: 3 bytes of size line, 7 of data, 2 of CRLF.
/// assert_eq!(&wire[..], b"7\r\nhello, \r\n5\r\nworld\r\n0\r\n\r\n");
/// ```
#[derive(Clone, Debug)]
pub struct BodyEncoder {
    framing: BodyFraming,
    produced: u64,
    state: EncState,
}

impl BodyEncoder {
    /// An encoder for a body framed as `framing` (the framing given to
    /// [`write_streaming_head`](super::write_streaming_head)).
    pub fn new(framing: BodyFraming) -> Self {
        BodyEncoder {
            framing,
            produced: 0,
            state: EncState::Body,
        }
    }

    /// The framing for `source`: its length if known, else chunked.
    pub fn framing_of<B: BodySource + ?Sized>(source: &B) -> BodyFraming {
        match source.length() {
            Some(n) => BodyFraming::Length(n),
            None => BodyFraming::Chunked,
        }
    }

    /// Body bytes taken from the source so far.
    pub fn produced(&self) -> u64 {
        self.produced
    }

    /// The next bytes to send, written into `buf`; `None` once the body (and,
    /// chunked, its last chunk) has been given.
    pub fn next<'b, B: BodySource + ?Sized>(
        &mut self,
        source: &mut B,
        buf: &'b mut [u8],
    ) -> Result<Option<&'b [u8]>, BodyError> {
        if self.state == EncState::Done {
            return Ok(None);
        }
        match self.framing {
            BodyFraming::None => {
                self.state = EncState::Done;
                Ok(None)
            }
            BodyFraming::Length(declared) => {
                let left = declared - self.produced;
                if left == 0 {
                    self.state = EncState::Done;
                    // The source must be at its end too.
                    let mut probe = [0u8; 1];
                    return match source.read(&mut probe)? {
                        0 => Ok(None),
                        _ => Err(BodyError::LengthMismatch {
                            declared,
                            produced: declared + 1,
                        }),
                    };
                }
                let room = usize::try_from(left).unwrap_or(usize::MAX).min(buf.len());
                if room == 0 {
                    return Err(BodyError::BufferTooSmall);
                }
                let n = source.read(&mut buf[..room])?.min(room);
                if n == 0 {
                    self.state = EncState::Done;
                    return Err(BodyError::LengthMismatch {
                        declared,
                        produced: self.produced,
                    });
                }
                self.produced += n as u64;
                Ok(Some(&buf[..n]))
            }
            BodyFraming::Chunked => {
                if buf.len() < MIN_CHUNK_BUFFER {
                    return Err(BodyError::BufferTooSmall);
                }
                // Room for the longest size line this buffer could need.
                let reserve = hex_len(buf.len() as u64) + 2;
                let data_end = buf.len() - 2;
                let n = source.read(&mut buf[reserve..data_end])?;
                let n = n.min(data_end - reserve);
                if n == 0 {
                    self.state = EncState::Done;
                    buf[..5].copy_from_slice(b"0\r\n\r\n");
                    return Ok(Some(&buf[..5]));
                }
                self.produced += n as u64;
                let digits = hex_len(n as u64);
                let start = reserve - digits - 2;
                let mut v = n;
                for i in (start..start + digits).rev() {
                    buf[i] = b"0123456789abcdef"[v % 16];
                    v /= 16;
                }
                buf[reserve - 2..reserve].copy_from_slice(b"\r\n");
                buf[reserve + n..reserve + n + 2].copy_from_slice(b"\r\n");
                Ok(Some(&buf[start..reserve + n + 2]))
            }
        }
    }
}

/// Hex digits of `n` (at least one).
fn hex_len(n: u64) -> usize {
    let bits = 64 - n.leading_zeros() as usize;
    bits.div_ceil(4).max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Gives bytes in pieces of at most `step`, failing after `fail_at`.
    struct Trickle<'a> {
        data: &'a [u8],
        step: usize,
        length: Option<u64>,
        fail_at: Option<usize>,
        given: usize,
    }

    impl BodySource for Trickle<'_> {
        fn read(&mut self, buf: &mut [u8]) -> Result<usize, SourceError> {
            if self.fail_at.is_some_and(|f| self.given >= f) {
                return Err(SourceError);
            }
            let n = self.step.min(buf.len()).min(self.data.len());
            buf[..n].copy_from_slice(&self.data[..n]);
            self.data = &self.data[n..];
            self.given += n;
            Ok(n)
        }
        fn length(&self) -> Option<u64> {
            self.length
        }
    }

    fn encode<B: BodySource>(
        mut source: B,
        framing: BodyFraming,
        buf_len: usize,
    ) -> Result<heapless::Vec<u8, 8192>, BodyError> {
        let mut enc = BodyEncoder::new(framing);
        let mut buf = [0u8; 256];
        let mut out = heapless::Vec::new();
        while let Some(piece) = enc.next(&mut source, &mut buf[..buf_len])? {
            out.extend_from_slice(piece).unwrap();
        }
        Ok(out)
    }

    /// Decodes chunked bytes the simple way, for checking the encoder.
    fn dechunk(mut wire: &[u8]) -> heapless::Vec<u8, 4096> {
        let mut out = heapless::Vec::new();
        loop {
            let line_end = wire.windows(2).position(|w| w == b"\r\n").unwrap();
            let size = usize::from_str_radix(core::str::from_utf8(&wire[..line_end]).unwrap(), 16)
                .unwrap();
            wire = &wire[line_end + 2..];
            if size == 0 {
                assert_eq!(wire, b"\r\n");
                return out;
            }
            out.extend_from_slice(&wire[..size]).unwrap();
            assert_eq!(&wire[size..size + 2], b"\r\n");
            wire = &wire[size + 2..];
        }
    }

    #[test]
    fn chunked_round_trips_for_every_buffer_and_piece_size() {
        let mut data = [0u8; 700];
        for (i, b) in data.iter_mut().enumerate() {
            *b = (i * 7 % 251) as u8;
        }
        for buf_len in [MIN_CHUNK_BUFFER, 9, 17, 18, 19, 20, 64, 255, 256] {
            for step in [1, 3, 100, 1000] {
                let src = Trickle {
                    data: &data,
                    step,
                    length: None,
                    fail_at: None,
                    given: 0,
                };
                let wire = encode(src, BodyFraming::Chunked, buf_len).unwrap();
                assert_eq!(&dechunk(&wire)[..], &data[..], "buf {buf_len} step {step}");
            }
        }
        assert_eq!(
            &encode(SliceSource::new(b""), BodyFraming::Chunked, 16).unwrap()[..],
            b"0\r\n\r\n"
        );
    }

    #[test]
    fn length_framing_checks_the_source() {
        let wire = encode(SliceSource::new(b"abcdef"), BodyFraming::Length(6), 4).unwrap();
        assert_eq!(&wire[..], b"abcdef");
        assert_eq!(
            encode(SliceSource::new(b"abc"), BodyFraming::Length(5), 4),
            Err(BodyError::LengthMismatch {
                declared: 5,
                produced: 3
            })
        );
        assert_eq!(
            encode(SliceSource::new(b"abcdef"), BodyFraming::Length(5), 4),
            Err(BodyError::LengthMismatch {
                declared: 5,
                produced: 6
            })
        );
        assert_eq!(
            encode(SliceSource::new(b""), BodyFraming::None, 4)
                .unwrap()
                .len(),
            0
        );
        assert_eq!(
            encode(SliceSource::new(b"abc"), BodyFraming::Chunked, 7),
            Err(BodyError::BufferTooSmall)
        );
        assert_eq!(
            encode(SliceSource::new(b"abc"), BodyFraming::Length(3), 0),
            Err(BodyError::BufferTooSmall)
        );
        let failing = Trickle {
            data: b"abcdef",
            step: 2,
            length: Some(6),
            fail_at: Some(2),
            given: 0,
        };
        assert_eq!(
            encode(failing, BodyFraming::Length(6), 4),
            Err(BodyError::Source(SourceError))
        );
        assert_eq!(
            BodyEncoder::framing_of(&SliceSource::new(b"ab")),
            BodyFraming::Length(2)
        );
    }
}
