//! HTTP/1.1 without I/O: what a transport writes and how it reads what comes
//! back, shared by the std transport (blocking sockets) and the embassy one
//! (async `embedded-io`).
//!
//! Nothing here touches a socket. Each part is a function or a small state
//! machine the transport drives:
//!
//! * [`write_head`] writes a request's head (request line, headers, the
//!   `Content-Length` botocore would add, the blank line) into a
//!   [`Sink`](crate::format::Sink); these are exactly the bytes that go on the
//!   wire before the body. Header names and values are checked, so no CR, LF
//!   or NUL can smuggle a header in.
//! * [`BodyEncoder`] turns a [`BodySource`] (a body pulled piece by piece, not
//!   held whole) into wire bytes: as is under a `Content-Length`, or framed in
//!   chunked transfer-encoding.
//! * [`ResponseReader`] is told where to read ([`Step::Read`]) and how many
//!   bytes came ([`ResponseReader::filled`]); it parses the head (with
//!   `httparse`), records status and headers as a
//!   [`RawResponse`](crate::client::RawResponse), decodes the body
//!   (`Content-Length`, chunked, or until close; none for `HEAD`, 1xx, 204,
//!   304) in place, and says whether the connection may carry another request.
//!   The body comes whole into the buffer, or, in streaming mode, piece by
//!   piece ([`Step::Data`]) so the buffer need not hold it.
//!
//! ```
//! use stratus_core::client::{HttpRequest, Timeouts};
//! use stratus_core::format::SliceSink;
//! use stratus_core::http::{write_head, ResponseReader, Step};
//!
//! let headers = [("Host", "example.com"), ("X-Amz-Target", "Kinesis_20131202.ListStreams")];
//! let request = HttpRequest { method: "POST", scheme: "https", host: "example.com", port: None,
//!     target: "/", headers: (&headers).into(), body: b"{}", timeouts: Timeouts::default() };
//! let mut head = [0u8; 256];
//! let mut sink = SliceSink::new(&mut head);
//! write_head(&request, &mut sink).unwrap();
//! assert_eq!(sink.written(), &b"POST / HTTP/1.1\r\nHost: example.com\r\n\
//!     X-Amz-Target: Kinesis_20131202.ListStreams\r\nContent-Length: 2\r\n\r\n"[..]);
//!
//! // The response arrives in two reads.
//! let mut wire: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello";
//! let mut buf = [0u8; 128];
//! let mut reader = ResponseReader::new("POST");
//! let done = loop {
//!     match reader.next(&mut buf).unwrap() {
//!         Step::Read(range) => {
//!             let n = (range.end - range.start).min(wire.len()).min(20);
//!             buf[range.start..range.start + n].copy_from_slice(&wire[..n]);
//!             wire = &wire[n..];
//!             reader.filled(n);
//!         }
//!         Step::Head | Step::Data(_) => {}
//!         Step::Done(done) => break done,
//!     }
//! };
//! assert!(done.reusable);
//! let view = reader.response().view(&buf);
//! assert_eq!((view.status, view.body), (200, &b"hello"[..]));
//! ```

mod body;
pub mod form_data;
mod request;
mod response;
#[cfg(test)]
mod tests;

pub use body::{BodyEncoder, BodyError, BodySource, MIN_CHUNK_BUFFER, SliceSource, SourceError};
pub use request::{BodyFraming, HeadError, write_head, write_streaming_head};
pub use response::{Finished, Limit, Malformed, ReadError, ResponseReader, Step};

/// Whether `b` may appear in an HTTP token (RFC 9110 `tchar`: header names,
/// methods).
pub(crate) const fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

/// Whether `name` is an HTTP token (`tchar`s, at least one).
pub(crate) fn is_token(name: &[u8]) -> bool {
    !name.is_empty() && name.iter().all(|&b| is_tchar(b))
}

/// Comma-separated tokens of a header value, trimmed, empty ones skipped.
pub(crate) fn list_items(value: &[u8]) -> impl Iterator<Item = &[u8]> {
    value.split(|&b| b == b',').filter_map(|item| {
        let item = item.trim_ascii();
        (!item.is_empty()).then_some(item)
    })
}
