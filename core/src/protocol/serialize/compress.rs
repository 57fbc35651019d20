//! Request compression, as botocore 1.43's client applies it after
//! serializing and before adding a checksum (`compress.py`,
//! `maybe_compress_request`).
//!
//! An operation with the `requestcompression` trait listing `gzip` gets its
//! body gzip-compressed when compression is not disabled and either
//!
//! - the input has a streaming payload without `requiresLength` (compressed
//!   whatever its size), or
//! - the body is at least [`CompressionConfig::min_size`] bytes (botocore's
//!   `request_min_compression_size_bytes`, 10240 by default).
//!
//! It then sets `Content-Encoding: gzip`, or appends `,gzip` to a
//! `Content-Encoding` the input already set. Query and EC2 bodies are
//! compressed as the urlencoded text they are sent as, as botocore does.
//!
//! The deflate encoder ([`miniz_oxide`]) keeps its tables on the heap, so
//! compression needs the `alloc` feature. Without it the body is sent
//! uncompressed — the same request botocore sends with
//! `disable_request_compression`, which every service accepts.
//!
//! The compressed member is written into the free space of the request buffer
//! after the uncompressed body (which stays there unused), so the buffer must
//! hold both.

#[cfg(feature = "alloc")]
use crate::model::{Encoding, MemberFlags, Operation, ServiceModel, Shape, ShapeFlags};

#[cfg(feature = "alloc")]
use super::{BodyRef, Ctx, Fault, out::Out};

/// botocore's default `request_min_compression_size_bytes`.
pub const DEFAULT_MIN_COMPRESSION_SIZE: usize = 10240;

/// botocore's request-compression settings
/// (`request_min_compression_size_bytes`, `disable_request_compression`).
///
/// ```
/// use stratus_core::protocol::serialize::CompressionConfig;
/// let c = CompressionConfig::default();
/// assert_eq!((c.min_size, c.disabled), (10240, false));
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CompressionConfig {
    /// Smallest body, in bytes, that is compressed (streaming payloads are
    /// compressed whatever their size).
    pub min_size: usize,
    /// Never compress (botocore's `disable_request_compression`).
    pub disabled: bool,
}

impl Default for CompressionConfig {
    fn default() -> Self {
        CompressionConfig {
            min_size: DEFAULT_MIN_COMPRESSION_SIZE,
            disabled: false,
        }
    }
}

/// The input's streaming payload target shape, if it has one
/// (botocore's `OperationModel.get_streaming_input`).
#[cfg(feature = "alloc")]
fn streaming_input(model: &'static ServiceModel, input: &Shape) -> Option<&'static Shape> {
    let member = input.payload()?;
    let target = model.shape(member.target)?;
    let streaming = target.flags.contains(ShapeFlags::STREAMING)
        || member.flags.contains(MemberFlags::STREAMING);
    streaming.then_some(target)
}

/// Whether botocore would compress a body of `body_len` bytes for `op`
/// (`_should_compress_request`).
#[cfg(feature = "alloc")]
fn should_compress(
    model: &'static ServiceModel,
    op: &'static Operation,
    cfg: CompressionConfig,
    body_len: usize,
) -> bool {
    if cfg.disabled || !op.request_compression().contains(&Encoding::Gzip) {
        return false;
    }
    if let Some(target) = model
        .input_of(op)
        .and_then(|input| streaming_input(model, input))
    {
        return !target.flags.contains(ShapeFlags::REQUIRES_LENGTH);
    }
    cfg.min_size <= body_len
}

/// Why a body could not be gzip-compressed.
#[cfg(feature = "alloc")]
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum GzipError {
    /// The output does not fit in the space given.
    OutputFull,
    /// The deflate encoder reported an error.
    Encoder,
}

#[cfg(feature = "alloc")]
impl core::fmt::Display for GzipError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            GzipError::OutputFull => "gzip output does not fit",
            GzipError::Encoder => "the deflate encoder failed",
        })
    }
}

/// gzip member header: magic, deflate, no flags, mtime 0, no extra flags, OS unknown.
#[cfg(feature = "alloc")]
const GZIP_HEADER: [u8; 10] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff];

/// Deflate level (zlib's default).
#[cfg(feature = "alloc")]
const LEVEL: u8 = 6;

/// Writes `body` as one gzip member (RFC 1952: header, raw deflate, CRC32,
/// ISIZE) into `out`, returning the number of bytes written.
///
/// ```
/// use stratus_core::protocol::serialize::gzip_into;
/// let mut out = [0u8; 64];
/// let n = gzip_into(b"hello hello hello", &mut out).unwrap();
/// assert_eq!(&out[..2], &[0x1f, 0x8b]);
/// assert_eq!(&out[n - 4..n], &17u32.to_le_bytes());
/// ```
#[cfg(feature = "alloc")]
pub fn gzip_into(body: &[u8], out: &mut [u8]) -> Result<usize, GzipError> {
    use miniz_oxide::DataFormat;
    use miniz_oxide::deflate::core::{CompressorOxide, TDEFLFlush, TDEFLStatus, compress};

    let header = out
        .get_mut(..GZIP_HEADER.len())
        .ok_or(GzipError::OutputFull)?;
    header.copy_from_slice(&GZIP_HEADER);
    let mut pos = GZIP_HEADER.len();

    let mut comp = CompressorOxide::default();
    comp.set_format_and_level(DataFormat::Raw, LEVEL);
    let mut input = body;
    loop {
        let free = out.get_mut(pos..).ok_or(GzipError::OutputFull)?;
        let (status, read, written) = compress(&mut comp, input, free, TDEFLFlush::Finish);
        input = input.get(read..).unwrap_or(&[]);
        pos += written;
        match status {
            TDEFLStatus::Done => break,
            // Out of output space with input or buffered output left.
            TDEFLStatus::Okay if written == 0 && read == 0 => return Err(GzipError::OutputFull),
            TDEFLStatus::Okay => {}
            TDEFLStatus::BadParam | TDEFLStatus::PutBufFailed => return Err(GzipError::Encoder),
        }
    }

    let crc = crate::crc32::crc32(body);
    // ISIZE is the length modulo 2^32 (RFC 1952).
    let isize = (body.len() as u64 & 0xffff_ffff) as u32;
    let trailer = out.get_mut(pos..pos + 8).ok_or(GzipError::OutputFull)?;
    trailer[..4].copy_from_slice(&crc.to_le_bytes());
    trailer[4..].copy_from_slice(&isize.to_le_bytes());
    Ok(pos + 8)
}

/// Appends `body` gzip-compressed to `out` (a convenience over [`gzip_into`]).
///
/// ```
/// use stratus_core::protocol::serialize::gzip_to_vec;
/// let mut out = Vec::new();
/// gzip_to_vec(&[b'a'; 1000], &mut out).unwrap();
/// assert!(out.len() < 100);
/// ```
#[cfg(feature = "alloc")]
pub fn gzip_to_vec(body: &[u8], out: &mut alloc::vec::Vec<u8>) -> Result<(), GzipError> {
    // Stored blocks bound the output: 5 bytes per 16 KiB block plus framing.
    let bound = body.len() + body.len() / 16384 * 5 + 64;
    let start = out.len();
    out.resize(start + bound, 0);
    let tail = out.get_mut(start..).ok_or(GzipError::OutputFull)?;
    match gzip_into(body, tail) {
        Ok(n) => {
            out.truncate(start + n);
            Ok(())
        }
        Err(e) => {
            out.truncate(start);
            Err(e)
        }
    }
}

/// Compresses the serialized body in place of the old one when botocore would
/// (see the module docs), returning the body to send.
#[cfg(feature = "alloc")]
pub(crate) fn apply<'b>(
    cx: &mut Ctx<'_>,
    cfg: CompressionConfig,
    body: BodyRef<'b>,
    out: &mut Out<'_>,
) -> Result<BodyRef<'b>, Fault> {
    let len = match body {
        BodyRef::Empty => 0,
        BodyRef::Written(s) => s.len(),
        BodyRef::Payload(p) => p.len(),
    };
    if !should_compress(cx.model, cx.op, cfg, len) {
        return Ok(body);
    }
    let start = out.pos();
    let n = {
        let (written, free) = out.split();
        let bytes = match body {
            BodyRef::Empty => &[][..],
            BodyRef::Written(s) => s.of(written),
            BodyRef::Payload(p) => p,
        };
        gzip_into(bytes, free).map_err(|e| match e {
            GzipError::OutputFull => Fault::BufferFull,
            GzipError::Encoder => Fault::CompressionFailed,
        })?
    };
    out.advance(n)?;
    let compressed = out.since(start);
    set_encoding_header(cx, out)?;
    Ok(BodyRef::Written(compressed))
}

/// `Content-Encoding: gzip`, or `<existing>,gzip` (botocore's `_set_compression_header`).
#[cfg(feature = "alloc")]
fn set_encoding_header(cx: &mut Ctx<'_>, out: &mut Out<'_>) -> Result<(), Fault> {
    use crate::format::Sink;
    const NAME: &str = "Content-Encoding";
    let existing = {
        let buf = out.written();
        cx.headers
            .iter()
            .position(|(n, _)| n.of(buf).eq_ignore_ascii_case(NAME.as_bytes()))
    };
    let Some(i) = existing else {
        return cx.header(out, NAME, |o| Ok(o.write_str("gzip")?));
    };
    let old = cx.headers.get(i).map(|(_, v)| *v).unwrap_or_default();
    let start = out.pos();
    {
        let (written, free) = out.split();
        let old = old.of(written);
        let slot = free.get_mut(..old.len()).ok_or(Fault::BufferFull)?;
        slot.copy_from_slice(old);
    }
    out.advance(old.len())?;
    out.write_str(",gzip")?;
    let value = out.since(start);
    if let Some(h) = cx.headers.get_mut(i) {
        h.1 = value;
    }
    Ok(())
}
