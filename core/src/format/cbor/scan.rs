//! CBOR item boundaries: the header of an item, where it ends (checked, with a
//! bounded nesting depth), and joining indefinite-length strings.
//!
//! minicbor's `Decoder::skip` cannot step over nested indefinite-length arrays
//! and maps without `alloc`, so the walk is done here; minicbor decodes the
//! scalars (see the reader).

use crate::model::view::DecodeError;

/// The deepest nesting the CBOR walkers accept.
pub const MAX_CBOR_DEPTH: usize = 64;

/// Major types.
pub(crate) const UINT: u8 = 0;
pub(crate) const NINT: u8 = 1;
pub(crate) const BYTES: u8 = 2;
pub(crate) const TEXT: u8 = 3;
pub(crate) const ARRAY: u8 = 4;
pub(crate) const MAP: u8 = 5;
pub(crate) const TAG: u8 = 6;
pub(crate) const SIMPLE: u8 = 7;

/// The break byte ending indefinite-length items.
pub(crate) const BREAK: u8 = 0xff;

/// An item's initial byte and argument.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Header {
    pub major: u8,
    /// The argument (length, value, tag number); `None` for indefinite length.
    pub arg: Option<u64>,
    /// Index after the header.
    pub next: usize,
}

/// Reads the header at `i`.
pub(crate) fn header(b: &[u8], i: usize) -> Result<Header, DecodeError> {
    let first = *b.get(i).ok_or(DecodeError::Malformed)?;
    let major = first >> 5;
    let info = first & 0x1f;
    let (arg, next) = match info {
        0..=23 => (Some(u64::from(info)), i + 1),
        24..=27 => {
            let n = 1usize << (info - 24);
            let bytes = b.get(i + 1..i + 1 + n).ok_or(DecodeError::Malformed)?;
            let v = bytes.iter().fold(0u64, |acc, x| (acc << 8) | u64::from(*x));
            (Some(v), i + 1 + n)
        }
        31 if matches!(major, BYTES | TEXT | ARRAY | MAP | SIMPLE) => (None, i + 1),
        _ => return Err(DecodeError::Malformed),
    };
    Ok(Header { major, arg, next })
}

fn skip_bytes(b: &[u8], from: usize, len: u64) -> Result<usize, DecodeError> {
    let len = usize::try_from(len).map_err(|_| DecodeError::Malformed)?;
    let end = from.checked_add(len).ok_or(DecodeError::Malformed)?;
    if end > b.len() {
        return Err(DecodeError::Malformed);
    }
    Ok(end)
}

/// Where the item at `i` ends; the item is checked, nested at most `depth` deep.
/// Reports through `chunked` whether an indefinite-length string was met.
pub(crate) fn item_end(
    b: &[u8],
    i: usize,
    depth: usize,
    chunked: &mut bool,
) -> Result<usize, DecodeError> {
    let h = header(b, i)?;
    match (h.major, h.arg) {
        (UINT | NINT, _) => Ok(h.next),
        (BYTES | TEXT, Some(len)) => skip_bytes(b, h.next, len),
        (BYTES | TEXT, None) => {
            *chunked = true;
            let mut j = h.next;
            loop {
                if b.get(j) == Some(&BREAK) {
                    return Ok(j + 1);
                }
                let c = header(b, j)?;
                let len = match (c.major == h.major, c.arg) {
                    (true, Some(len)) => len,
                    _ => return Err(DecodeError::Malformed),
                };
                j = skip_bytes(b, c.next, len)?;
            }
        }
        (ARRAY | MAP, arg) => {
            let depth = depth.checked_sub(1).ok_or(DecodeError::Malformed)?;
            let per = if h.major == MAP { 2 } else { 1 };
            let mut j = h.next;
            match arg {
                Some(n) => {
                    let items = n.checked_mul(per).ok_or(DecodeError::Malformed)?;
                    // Every item takes at least a byte: refuse counts the body cannot hold.
                    if items > (b.len() - j.min(b.len())) as u64 {
                        return Err(DecodeError::Malformed);
                    }
                    for _ in 0..items {
                        j = item_end(b, j, depth, chunked)?;
                    }
                    Ok(j)
                }
                None => {
                    let mut count = 0u64;
                    while b.get(j) != Some(&BREAK) {
                        j = item_end(b, j, depth, chunked)?;
                        count += 1;
                    }
                    if !count.is_multiple_of(per) {
                        return Err(DecodeError::Malformed);
                    }
                    Ok(j + 1)
                }
            }
        }
        (TAG, _) => {
            let depth = depth.checked_sub(1).ok_or(DecodeError::Malformed)?;
            item_end(b, h.next, depth, chunked)
        }
        (SIMPLE, None) => Err(DecodeError::Malformed), // a stray break
        (SIMPLE, Some(_)) => {
            // Simple values 24..=31 in the one-byte form are not well-formed.
            let first = b.get(i).copied().unwrap_or(0);
            if first == 0xf8 && h.arg.is_some_and(|v| v < 32) {
                return Err(DecodeError::Malformed);
            }
            Ok(h.next)
        }
        _ => Err(DecodeError::Malformed),
    }
}

/// Writes a header with the shortest argument encoding.
fn put_header(out: &mut [u8], at: &mut usize, major: u8, arg: u64) -> Result<(), DecodeError> {
    let mut bytes = [0u8; 9];
    let n = match arg {
        0..=23 => {
            bytes[0] = (major << 5) | arg as u8;
            1
        }
        24..=0xff => {
            bytes[0] = (major << 5) | 24;
            bytes[1] = arg as u8;
            2
        }
        0x100..=0xffff => {
            bytes[0] = (major << 5) | 25;
            bytes[1..3].copy_from_slice(&(arg as u16).to_be_bytes());
            3
        }
        0x1_0000..=0xffff_ffff => {
            bytes[0] = (major << 5) | 26;
            bytes[1..5].copy_from_slice(&(arg as u32).to_be_bytes());
            5
        }
        _ => {
            bytes[0] = (major << 5) | 27;
            bytes[1..9].copy_from_slice(&arg.to_be_bytes());
            9
        }
    };
    put(out, at, bytes.get(..n).unwrap_or(&[]))
}

fn put(out: &mut [u8], at: &mut usize, bytes: &[u8]) -> Result<(), DecodeError> {
    let end = at
        .checked_add(bytes.len())
        .ok_or(DecodeError::BufferTooSmall)?;
    out.get_mut(*at..end)
        .ok_or(DecodeError::BufferTooSmall)?
        .copy_from_slice(bytes);
    *at = end;
    Ok(())
}

/// Copies the item at `i` into `out`, rewriting indefinite-length strings as
/// definite ones; returns the index after the item in `b`.
fn copy_joined(b: &[u8], i: usize, out: &mut [u8], at: &mut usize) -> Result<usize, DecodeError> {
    let h = header(b, i)?;
    match (h.major, h.arg) {
        (BYTES | TEXT, None) => {
            // First pass: total length; second: the chunks.
            let mut total = 0u64;
            let mut j = h.next;
            while b.get(j) != Some(&BREAK) {
                let c = header(b, j)?;
                let len = c.arg.ok_or(DecodeError::Malformed)?;
                total = total.checked_add(len).ok_or(DecodeError::Malformed)?;
                j = skip_bytes(b, c.next, len)?;
            }
            put_header(out, at, h.major, total)?;
            let mut j = h.next;
            while b.get(j) != Some(&BREAK) {
                let c = header(b, j)?;
                let end = skip_bytes(b, c.next, c.arg.ok_or(DecodeError::Malformed)?)?;
                put(out, at, b.get(c.next..end).ok_or(DecodeError::Malformed)?)?;
                j = end;
            }
            Ok(j + 1)
        }
        (ARRAY | MAP, arg) => {
            put(out, at, b.get(i..h.next).ok_or(DecodeError::Malformed)?)?;
            let mut j = h.next;
            match arg {
                Some(n) => {
                    let items = if h.major == MAP {
                        n.saturating_mul(2)
                    } else {
                        n
                    };
                    for _ in 0..items {
                        j = copy_joined(b, j, out, at)?;
                    }
                }
                None => {
                    while b.get(j) != Some(&BREAK) {
                        j = copy_joined(b, j, out, at)?;
                    }
                    put(out, at, &[BREAK])?;
                    j += 1;
                }
            }
            Ok(j)
        }
        (TAG, _) => {
            put(out, at, b.get(i..h.next).ok_or(DecodeError::Malformed)?)?;
            copy_joined(b, h.next, out, at)
        }
        _ => {
            let mut ignored = false;
            let end = item_end(b, i, 1, &mut ignored)?;
            put(out, at, b.get(i..end).ok_or(DecodeError::Malformed)?)?;
            Ok(end)
        }
    }
}

/// Checks that `body` is one CBOR item nested at most `max_depth` deep and
/// makes every string in it contiguous, so readers can borrow them.
///
/// Returns `body` itself when it holds no indefinite-length (chunked) string;
/// otherwise writes a copy with each chunked string joined into a definite one
/// into `scratch` (never longer than `body`) and returns that.
///
/// ```
/// use stratus_core::format::cbor::join_chunked_strings;
/// // "ab" as two chunks ("a", "b"), then the same as one definite string.
/// let chunked = [0x7f, 0x61, b'a', 0x61, b'b', 0xff];
/// let mut scratch = [0u8; 8];
/// assert_eq!(join_chunked_strings(&chunked, &mut scratch, 8).unwrap(), &[0x62, b'a', b'b']);
/// ```
pub fn join_chunked_strings<'a>(
    body: &'a [u8],
    scratch: &'a mut [u8],
    max_depth: usize,
) -> Result<&'a [u8], DecodeError> {
    let mut chunked = false;
    let end = item_end(body, 0, max_depth.min(MAX_CBOR_DEPTH), &mut chunked)?;
    if end != body.len() {
        return Err(DecodeError::Malformed);
    }
    if !chunked {
        return Ok(body);
    }
    let mut at = 0;
    copy_joined(body, 0, scratch, &mut at)?;
    let scratch: &'a [u8] = scratch;
    scratch.get(..at).ok_or(DecodeError::BufferTooSmall)
}
