//! AWS event-stream messages (`application/vnd.amazon.eventstream`), decoded
//! in place from a byte buffer.
//!
//! A message is laid out as botocore's `eventstream.py` reads it, all integers
//! big-endian:
//!
//! | bytes | field |
//! |---|---|
//! | 4 | total length (the whole message, these 4 bytes and the CRCs included) |
//! | 4 | headers length |
//! | 4 | prelude CRC32 (of the 8 bytes before it) |
//! | headers length | headers: name length `u8`, name, type `u8`, value |
//! | rest | payload |
//! | 4 | message CRC32 (of every byte before it) |
//!
//! Header values by type byte: 0 `true`, 1 `false`, 2 `i8`, 3 `i16`, 4 `i32`,
//! 5 `i64`, 6 byte array (`u16` length), 7 UTF-8 string (`u16` length),
//! 8 timestamp (`i64` milliseconds since the epoch), 9 UUID (16 bytes).
//!
//! [`Message::decode`] checks both CRCs, the length limits botocore applies
//! ([`MAX_HEADERS_LEN`], [`MAX_PAYLOAD_LEN`]) and every header (known type,
//! in bounds, UTF-8 names and strings, no duplicate names) once; afterwards
//! headers and payload are borrowed slices of the buffer. [`Messages`] walks
//! the messages one after another. Bad input is an [`EventStreamError`],
//! never a panic.
//!
//! ```
//! use stratus_core::format::eventstream::{HeaderValue, Message};
//! // One message: header `:event-type` = "Ping" (string), payload "hi".
//! let msg: &[u8] = &[
//!     0, 0, 0, 37, 0, 0, 0, 19, 0xe8, 0xbd, 0x3e, 0xc3, 11, b':', b'e', b'v',
//!     b'e', b'n', b't', b'-', b't', b'y', b'p', b'e', 7, 0, 4, b'P', b'i', b'n',
//!     b'g', b'h', b'i', 0x24, 0x79, 0xb2, 0x60,
//! ];
//! let (message, used) = Message::decode(msg).unwrap();
//! assert_eq!(used, msg.len());
//! assert_eq!(message.header(":event-type"), Some(HeaderValue::String("Ping")));
//! assert_eq!(message.payload(), b"hi");
//! ```

use core::fmt;

/// Bytes of the prelude: total length, headers length, prelude CRC.
pub const PRELUDE_LEN: usize = 12;
/// The smallest possible message: a prelude and the message CRC.
pub const MIN_MESSAGE_LEN: usize = PRELUDE_LEN + 4;
/// Largest headers section accepted (botocore's `_MAX_HEADERS_LENGTH`, 128 KiB).
pub const MAX_HEADERS_LEN: usize = 128 * 1024;
/// Largest payload accepted (botocore's `_MAX_PAYLOAD_LENGTH`, 24 MiB).
pub const MAX_PAYLOAD_LEN: usize = 24 * 1024 * 1024;

/// Why bytes are not a valid event-stream message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EventStreamError {
    /// The buffer ends inside a message; `need` bytes make up the prelude or
    /// the whole message (a streaming caller can wait for that many).
    Truncated {
        /// Bytes needed from the message's start.
        need: usize,
    },
    /// The prelude CRC does not match the prelude.
    PreludeCrc,
    /// The message CRC does not match the message.
    MessageCrc,
    /// The total length is below [`MIN_MESSAGE_LEN`], or the headers do not
    /// fit in it.
    BadLength,
    /// The headers section is longer than [`MAX_HEADERS_LEN`].
    HeadersTooLong,
    /// The payload is longer than [`MAX_PAYLOAD_LEN`].
    PayloadTooLong,
    /// A header runs past the end of the headers section.
    HeaderTruncated,
    /// A header has a type byte outside 0..=9.
    UnknownHeaderType(u8),
    /// A header name or string value is not UTF-8.
    NotUtf8,
    /// Two headers have the same name.
    DuplicateHeader,
}

impl fmt::Display for EventStreamError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventStreamError::Truncated { need } => {
                write!(f, "event-stream message truncated ({need} bytes needed)")
            }
            EventStreamError::PreludeCrc => f.write_str("event-stream prelude CRC mismatch"),
            EventStreamError::MessageCrc => f.write_str("event-stream message CRC mismatch"),
            EventStreamError::BadLength => f.write_str("event-stream message lengths inconsistent"),
            EventStreamError::HeadersTooLong => f.write_str("event-stream headers too long"),
            EventStreamError::PayloadTooLong => f.write_str("event-stream payload too long"),
            EventStreamError::HeaderTruncated => f.write_str("event-stream header truncated"),
            EventStreamError::UnknownHeaderType(t) => {
                write!(f, "event-stream header has unknown type {t}")
            }
            EventStreamError::NotUtf8 => f.write_str("event-stream header text is not UTF-8"),
            EventStreamError::DuplicateHeader => f.write_str("event-stream header repeated"),
        }
    }
}

/// One header value, borrowed from the message.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum HeaderValue<'a> {
    /// Types 0 (`true`) and 1 (`false`).
    Bool(bool),
    /// Type 2: a signed byte.
    Byte(i8),
    /// Type 3: a 16-bit integer.
    Short(i16),
    /// Type 4: a 32-bit integer.
    Int(i32),
    /// Type 5: a 64-bit integer.
    Long(i64),
    /// Type 6: bytes.
    Bytes(&'a [u8]),
    /// Type 7: UTF-8 text.
    String(&'a str),
    /// Type 8: milliseconds since the epoch.
    Timestamp(i64),
    /// Type 9: a UUID's 16 bytes.
    Uuid(&'a [u8; 16]),
}

impl<'a> HeaderValue<'a> {
    /// The value as a whole number (byte, short, int, long, timestamp).
    pub fn as_int(&self) -> Option<i64> {
        match *self {
            HeaderValue::Byte(n) => Some(n.into()),
            HeaderValue::Short(n) => Some(n.into()),
            HeaderValue::Int(n) => Some(n.into()),
            HeaderValue::Long(n) | HeaderValue::Timestamp(n) => Some(n),
            _ => None,
        }
    }

    /// The value as text (string headers only).
    pub fn as_str(&self) -> Option<&'a str> {
        match *self {
            HeaderValue::String(s) => Some(s),
            _ => None,
        }
    }
}

/// One header: its name and value.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Header<'a> {
    /// The header name.
    pub name: &'a str,
    /// The header value.
    pub value: HeaderValue<'a>,
}

fn be_bytes<const N: usize>(bytes: &[u8], at: usize) -> Option<[u8; N]> {
    bytes.get(at..at.checked_add(N)?)?.try_into().ok()
}

fn be_u32(bytes: &[u8], at: usize) -> Option<u32> {
    be_bytes::<4>(bytes, at).map(u32::from_be_bytes)
}

/// Fixed value sizes by type byte (`None`: length-prefixed).
const FIXED_SIZE: [Option<usize>; 10] = [
    Some(0),
    Some(0),
    Some(1),
    Some(2),
    Some(4),
    Some(8),
    None,
    None,
    Some(8),
    Some(16),
];

/// Decodes the header at `at` of `headers`: the header and the next offset.
fn header_at(headers: &[u8], at: usize) -> Result<(Header<'_>, usize), EventStreamError> {
    use EventStreamError::{HeaderTruncated, NotUtf8, UnknownHeaderType};
    let name_len = usize::from(*headers.get(at).ok_or(HeaderTruncated)?);
    let name_end = at + 1 + name_len;
    let name = headers.get(at + 1..name_end).ok_or(HeaderTruncated)?;
    let name = core::str::from_utf8(name).map_err(|_| NotUtf8)?;
    let ty = *headers.get(name_end).ok_or(HeaderTruncated)?;
    let start = name_end + 1;
    let size = FIXED_SIZE
        .get(usize::from(ty))
        .ok_or(UnknownHeaderType(ty))?;
    let (data_start, len) = match size {
        Some(n) => (start, *n),
        None => {
            let len = be_bytes::<2>(headers, start).ok_or(HeaderTruncated)?;
            (start + 2, usize::from(u16::from_be_bytes(len)))
        }
    };
    let end = data_start + len;
    let data = headers.get(data_start..end).ok_or(HeaderTruncated)?;
    let value = match ty {
        0 => HeaderValue::Bool(true),
        1 => HeaderValue::Bool(false),
        2 => HeaderValue::Byte(i8::from_be_bytes(be_bytes(data, 0).ok_or(HeaderTruncated)?)),
        3 => HeaderValue::Short(i16::from_be_bytes(
            be_bytes(data, 0).ok_or(HeaderTruncated)?,
        )),
        4 => HeaderValue::Int(i32::from_be_bytes(
            be_bytes(data, 0).ok_or(HeaderTruncated)?,
        )),
        5 => HeaderValue::Long(i64::from_be_bytes(
            be_bytes(data, 0).ok_or(HeaderTruncated)?,
        )),
        6 => HeaderValue::Bytes(data),
        7 => HeaderValue::String(core::str::from_utf8(data).map_err(|_| NotUtf8)?),
        8 => HeaderValue::Timestamp(i64::from_be_bytes(
            be_bytes(data, 0).ok_or(HeaderTruncated)?,
        )),
        _ => HeaderValue::Uuid(data.try_into().map_err(|_| HeaderTruncated)?),
    };
    Ok((Header { name, value }, end))
}

/// One decoded message: headers and payload borrowed from the buffer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Message<'a> {
    headers: &'a [u8],
    payload: &'a [u8],
}

impl<'a> Message<'a> {
    /// Decodes the message at the start of `buf`, returning it and its length
    /// (where the next message starts). Both CRCs, the lengths and every
    /// header are checked.
    pub fn decode(buf: &'a [u8]) -> Result<(Self, usize), EventStreamError> {
        let truncated = |need| EventStreamError::Truncated { need };
        let total = be_u32(buf, 0).ok_or(truncated(PRELUDE_LEN))?;
        let headers_len = be_u32(buf, 4).ok_or(truncated(PRELUDE_LEN))?;
        let prelude_crc = be_u32(buf, 8).ok_or(truncated(PRELUDE_LEN))?;
        let prelude = buf.get(..8).ok_or(truncated(PRELUDE_LEN))?;
        if crate::crc32::crc32(prelude) != prelude_crc {
            return Err(EventStreamError::PreludeCrc);
        }
        let total = usize::try_from(total).map_err(|_| EventStreamError::PayloadTooLong)?;
        let headers_len =
            usize::try_from(headers_len).map_err(|_| EventStreamError::HeadersTooLong)?;
        if headers_len > MAX_HEADERS_LEN {
            return Err(EventStreamError::HeadersTooLong);
        }
        let payload_len = total
            .checked_sub(MIN_MESSAGE_LEN)
            .and_then(|rest| rest.checked_sub(headers_len))
            .ok_or(EventStreamError::BadLength)?;
        if payload_len > MAX_PAYLOAD_LEN {
            return Err(EventStreamError::PayloadTooLong);
        }
        let message = buf.get(..total).ok_or(truncated(total))?;
        let crc_at = total - 4;
        let message_crc = be_u32(message, crc_at).ok_or(truncated(total))?;
        let covered = message.get(..crc_at).ok_or(truncated(total))?;
        if crate::crc32::crc32(covered) != message_crc {
            return Err(EventStreamError::MessageCrc);
        }
        let headers_end = PRELUDE_LEN + headers_len;
        let headers = covered
            .get(PRELUDE_LEN..headers_end)
            .ok_or(EventStreamError::BadLength)?;
        let payload = covered
            .get(headers_end..)
            .ok_or(EventStreamError::BadLength)?;
        validate_headers(headers)?;
        Ok((Message { headers, payload }, total))
    }

    /// The headers, in wire order.
    pub fn headers(&self) -> Headers<'a> {
        Headers {
            bytes: self.headers,
            at: 0,
        }
    }

    /// The value of the header `name` (names are unique within a message).
    pub fn header(&self, name: &str) -> Option<HeaderValue<'a>> {
        self.headers().find(|h| h.name == name).map(|h| h.value)
    }

    /// A string header's text (`None` when absent or not a string).
    pub fn header_str(&self, name: &str) -> Option<&'a str> {
        self.header(name).and_then(|v| v.as_str())
    }

    /// The payload.
    pub fn payload(&self) -> &'a [u8] {
        self.payload
    }

    /// `:message-type` (`event`, `error` or `exception`).
    pub fn message_type(&self) -> Option<&'a str> {
        self.header_str(":message-type")
    }

    /// `:event-type` of an `event` message.
    pub fn event_type(&self) -> Option<&'a str> {
        self.header_str(":event-type")
    }
}

/// Checks every header of a headers section: in bounds, known types, UTF-8,
/// unique names (botocore's `DuplicateHeader`).
fn validate_headers(bytes: &[u8]) -> Result<(), EventStreamError> {
    let mut at = 0;
    while at < bytes.len() {
        let (header, next) = header_at(bytes, at)?;
        let mut earlier = Headers {
            bytes: bytes.get(..at).unwrap_or(&[]),
            at: 0,
        };
        if earlier.any(|h| h.name == header.name) {
            return Err(EventStreamError::DuplicateHeader);
        }
        at = next;
    }
    Ok(())
}

/// The headers of a [`Message`], in wire order.
#[derive(Clone, Debug)]
pub struct Headers<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Headers<'a> {
    type Item = Header<'a>;

    fn next(&mut self) -> Option<Header<'a>> {
        if self.at >= self.bytes.len() {
            return None;
        }
        // Checked by `Message::decode`; a failure here only ends the walk.
        match header_at(self.bytes, self.at) {
            Ok((header, next)) => {
                self.at = next;
                Some(header)
            }
            Err(_) => {
                self.at = self.bytes.len();
                None
            }
        }
    }
}

/// The messages of a buffer, one after another. After the first error the
/// iterator ends; a buffer ending inside a message gives
/// [`EventStreamError::Truncated`].
#[derive(Clone, Debug)]
pub struct Messages<'a> {
    rest: &'a [u8],
    failed: bool,
}

impl<'a> Messages<'a> {
    /// The messages of `buf`.
    pub fn new(buf: &'a [u8]) -> Self {
        Messages {
            rest: buf,
            failed: false,
        }
    }

    /// The bytes not decoded yet.
    pub fn remaining(&self) -> &'a [u8] {
        self.rest
    }
}

impl<'a> Iterator for Messages<'a> {
    type Item = Result<Message<'a>, EventStreamError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed || self.rest.is_empty() {
            return None;
        }
        match Message::decode(self.rest) {
            Ok((message, used)) => {
                self.rest = self.rest.get(used..).unwrap_or(&[]);
                Some(Ok(message))
            }
            Err(e) => {
                self.failed = true;
                Some(Err(e))
            }
        }
    }
}

#[cfg(test)]
mod tests;
