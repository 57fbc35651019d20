//! The request head: request line, headers, the framing header, blank line.

use core::fmt;

use crate::client::HttpRequest;
use crate::format::number::{DECIMAL_DIGITS, decimal};
use crate::format::{Sink, WriteError};

/// Why a request head could not be written.
///
/// Header errors name the header by its index in
/// [`HttpRequest::headers`], never by its value (values may be secret).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum HeadError {
    /// The method is empty or not an HTTP token.
    Method,
    /// The request target is empty or holds a space or a control byte
    /// (CR, LF, NUL, …).
    Target,
    /// The header at this index has an empty name or a name that is not an
    /// HTTP token (a colon, space, CR, LF, NUL, …).
    HeaderName {
        /// Index in the request's headers.
        index: usize,
    },
    /// The value of the header at this index holds CR, LF or NUL.
    HeaderValue {
        /// Index in the request's headers.
        index: usize,
    },
    /// The sink refused the bytes (full, or a text sink refused them).
    Write(WriteError),
}

impl fmt::Display for HeadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            HeadError::Method => f.write_str("the HTTP method is empty or not a token"),
            HeadError::Target => {
                f.write_str("the request target is empty or holds a space or control byte")
            }
            HeadError::HeaderName { index } => {
                write!(f, "header {index} has a name that is not an HTTP token")
            }
            HeadError::HeaderValue { index } => {
                write!(f, "header {index} has a value holding CR, LF or NUL")
            }
            HeadError::Write(e) => write!(f, "writing the request head: {e}"),
        }
    }
}

impl From<WriteError> for HeadError {
    fn from(e: WriteError) -> Self {
        HeadError::Write(e)
    }
}

/// How a request's body is framed on the wire.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum BodyFraming {
    /// No body and no framing header (a `GET` without a body).
    None,
    /// `Content-Length: n`, then `n` bytes.
    Length(u64),
    /// `Transfer-Encoding: chunked`, then chunks (see
    /// [`BodyEncoder`](super::BodyEncoder)).
    Chunked,
}

impl BodyFraming {
    /// The framing botocore 1.43.11 gives a body of `len` bytes: its
    /// `AWSPreparedRequest` adds `Content-Length` for every method but `GET`,
    /// `HEAD` and `OPTIONS`, `0` for an empty body; `http.client` adds it for
    /// a non-empty body of any method.
    ///
    /// ```
    /// use stratus_core::http::BodyFraming;
    /// assert_eq!(BodyFraming::for_body("GET", 0), BodyFraming::None);
    /// assert_eq!(BodyFraming::for_body("GET", 3), BodyFraming::Length(3));
    /// assert_eq!(BodyFraming::for_body("PUT", 0), BodyFraming::Length(0));
    /// assert_eq!(BodyFraming::for_body("DELETE", 0), BodyFraming::Length(0));
    /// ```
    pub fn for_body(method: &str, len: u64) -> Self {
        let no_length_when_empty = ["GET", "HEAD", "OPTIONS"]
            .iter()
            .any(|m| m.eq_ignore_ascii_case(method));
        if len == 0 && no_length_when_empty {
            BodyFraming::None
        } else {
            BodyFraming::Length(len)
        }
    }
}

/// Writes `request`'s head, the bytes before the body, into `sink`:
/// `METHOD target HTTP/1.1`, the headers in order, `Content-Length` as
/// [`BodyFraming::for_body`] says (unless a `Content-Length` or
/// `Transfer-Encoding` header is already there), and the blank line. These
/// are the bytes a transport sends, followed by `request.body`.
///
/// Nothing is written past the first error except what the sink already
/// took.
///
/// ```
/// use stratus_core::client::{HttpRequest, Timeouts};
/// use stratus_core::format::SliceSink;
/// use stratus_core::http::{write_head, HeadError};
/// let headers = [("Host", "example.com"), ("X-Evil", "a\r\nInjected: 1")];
/// let request = HttpRequest { method: "GET", scheme: "https", host: "example.com", port: None,
///     target: "/", headers: headers[..1].into(), body: b"", timeouts: Timeouts::default() };
/// let mut buf = [0u8; 64];
/// let mut sink = SliceSink::new(&mut buf);
/// write_head(&request, &mut sink).unwrap();
/// assert_eq!(sink.written(), b"GET / HTTP/1.1\r\nHost: example.com\r\n\r\n");
///
/// let request = HttpRequest { headers: (&headers).into(), ..request };
/// let mut sink = SliceSink::new(&mut buf);
/// assert_eq!(write_head(&request, &mut sink), Err(HeadError::HeaderValue { index: 1 }));
/// ```
pub fn write_head<S: Sink + ?Sized>(
    request: &HttpRequest<'_>,
    sink: &mut S,
) -> Result<(), HeadError> {
    let framing = BodyFraming::for_body(request.method, request.body.len() as u64);
    write_streaming_head(request, framing, sink)
}

/// Writes `request`'s head for a body framed as `framing` (the body is sent
/// separately, e.g. through a [`BodyEncoder`](super::BodyEncoder));
/// `request.body` is not looked at. As [`write_head`] otherwise: a
/// `Content-Length` or `Transfer-Encoding` header already among the request's
/// headers wins, and no framing header is added.
pub fn write_streaming_head<S: Sink + ?Sized>(
    request: &HttpRequest<'_>,
    framing: BodyFraming,
    sink: &mut S,
) -> Result<(), HeadError> {
    check(request)?;
    sink.write_str(request.method)?;
    sink.write_bytes(b" ")?;
    sink.write_str(request.target)?;
    sink.write_bytes(b" HTTP/1.1\r\n")?;
    let mut framed = false;
    for (name, value) in request.headers.iter() {
        framed |= name.eq_ignore_ascii_case("content-length")
            || name.eq_ignore_ascii_case("transfer-encoding");
        sink.write_str(name)?;
        sink.write_bytes(b": ")?;
        sink.write_str(value)?;
        sink.write_bytes(b"\r\n")?;
    }
    if !framed {
        match framing {
            BodyFraming::None => {}
            BodyFraming::Length(n) => {
                sink.write_bytes(b"Content-Length: ")?;
                let mut digits = [0u8; DECIMAL_DIGITS];
                sink.write_bytes(decimal(n, &mut digits))?;
                sink.write_bytes(b"\r\n")?;
            }
            BodyFraming::Chunked => sink.write_bytes(b"Transfer-Encoding: chunked\r\n")?,
        }
    }
    sink.write_bytes(b"\r\n")?;
    Ok(())
}

/// Refuses a head that would not parse as the request meant, before a byte
/// is written.
fn check(request: &HttpRequest<'_>) -> Result<(), HeadError> {
    if !super::is_token(request.method.as_bytes()) {
        return Err(HeadError::Method);
    }
    let target = request.target.as_bytes();
    if target.is_empty() || target.iter().any(|&b| b <= b' ' || b == 0x7f) {
        return Err(HeadError::Target);
    }
    for (index, (name, value)) in request.headers.iter().enumerate() {
        if !super::is_token(name.as_bytes()) {
            return Err(HeadError::HeaderName { index });
        }
        if value.bytes().any(|b| matches!(b, b'\r' | b'\n' | 0)) {
            return Err(HeadError::HeaderValue { index });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::Timeouts;
    use crate::format::{CountingSink, SliceSink};

    fn request<'a>(
        method: &'a str,
        headers: &'a [(&'a str, &'a str)],
        body: &'a [u8],
    ) -> HttpRequest<'a> {
        HttpRequest {
            method,
            scheme: "https",
            host: "h",
            port: None,
            target: "/p?q=1",
            headers: headers.into(),
            body,
            timeouts: Timeouts::default(),
        }
    }

    fn head(req: &HttpRequest<'_>) -> Result<heapless::String<512>, HeadError> {
        let mut buf = [0u8; 512];
        let mut sink = SliceSink::new(&mut buf);
        write_head(req, &mut sink)?;
        let mut s = heapless::String::new();
        s.push_str(core::str::from_utf8(sink.written()).unwrap())
            .unwrap();
        Ok(s)
    }

    #[test]
    fn content_length_follows_botocore() {
        let h = [("Host", "h")];
        let cases: [(&str, &[u8], &str); 8] = [
            ("GET", b"", "GET /p?q=1 HTTP/1.1\r\nHost: h\r\n\r\n"),
            ("HEAD", b"", "HEAD /p?q=1 HTTP/1.1\r\nHost: h\r\n\r\n"),
            ("OPTIONS", b"", "OPTIONS /p?q=1 HTTP/1.1\r\nHost: h\r\n\r\n"),
            (
                "GET",
                b"ab",
                "GET /p?q=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 2\r\n\r\n",
            ),
            (
                "POST",
                b"",
                "POST /p?q=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
            ),
            (
                "PUT",
                b"",
                "PUT /p?q=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
            ),
            (
                "DELETE",
                b"",
                "DELETE /p?q=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 0\r\n\r\n",
            ),
            (
                "POST",
                b"0123456789",
                "POST /p?q=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 10\r\n\r\n",
            ),
        ];
        for (method, body, want) in cases {
            assert_eq!(head(&request(method, &h, body)).unwrap(), want, "{method}");
        }
    }

    #[test]
    fn given_length_or_encoding_is_kept() {
        let h = [("Host", "h"), ("content-length", "3")];
        assert_eq!(
            head(&request("POST", &h, b"abc")).unwrap(),
            "POST /p?q=1 HTTP/1.1\r\nHost: h\r\ncontent-length: 3\r\n\r\n"
        );
        let h = [("Transfer-Encoding", "chunked")];
        assert_eq!(
            head(&request("PUT", &h, b"")).unwrap(),
            "PUT /p?q=1 HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
        );
    }

    #[test]
    fn streaming_heads_frame_the_body() {
        let h = [("Host", "h")];
        let req = request("PUT", &h, b"ignored");
        let mut buf = [0u8; 128];
        let mut sink = SliceSink::new(&mut buf);
        write_streaming_head(&req, BodyFraming::Chunked, &mut sink).unwrap();
        assert_eq!(
            sink.written(),
            b"PUT /p?q=1 HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n"
        );
        let mut sink = SliceSink::new(&mut buf);
        write_streaming_head(&req, BodyFraming::Length(u64::MAX), &mut sink).unwrap();
        assert_eq!(
            sink.written(),
            &b"PUT /p?q=1 HTTP/1.1\r\nHost: h\r\nContent-Length: 18446744073709551615\r\n\r\n"[..]
        );
        let mut sink = SliceSink::new(&mut buf);
        write_streaming_head(&req, BodyFraming::None, &mut sink).unwrap();
        assert_eq!(sink.written(), b"PUT /p?q=1 HTTP/1.1\r\nHost: h\r\n\r\n");
    }

    #[test]
    fn injection_and_bad_tokens_are_refused() {
        let bad_values = ["a\rb", "a\nb", "a\0b", "\r\nX: y"];
        for v in bad_values {
            let h = [("Host", "h"), ("X-A", v)];
            assert_eq!(
                head(&request("GET", &h, b"")),
                Err(HeadError::HeaderValue { index: 1 })
            );
        }
        let bad_names = ["", "A B", "A:B", "A\r\nB", "A\0", "Ä"];
        for n in bad_names {
            let h = [(n, "v")];
            assert_eq!(
                head(&request("GET", &h, b"")),
                Err(HeadError::HeaderName { index: 0 }),
                "{n:?}"
            );
        }
        for m in ["", "GE T", "GET\r\n"] {
            assert_eq!(head(&request(m, &[], b"")), Err(HeadError::Method));
        }
        for t in ["", "/a b", "/a\r\nX: y", "/\0", "/\x7f"] {
            let req = HttpRequest {
                target: t,
                ..request("GET", &[], b"")
            };
            assert_eq!(head(&req), Err(HeadError::Target), "{t:?}");
        }
        // Tabs and non-ASCII text are fine in values.
        let h = [("X-A", "a\tb ü")];
        assert!(head(&request("GET", &h, b"")).is_ok());
    }

    #[test]
    fn a_full_sink_is_an_error_and_counting_gives_the_length() {
        let h = [("Host", "h")];
        let req = request("POST", &h, b"xyz");
        let mut c = CountingSink::default();
        write_head(&req, &mut c).unwrap();
        let full = head(&req).unwrap();
        assert_eq!(c.0, full.len());
        for cap in 0..full.len() {
            let mut buf = [0u8; 512];
            let mut sink = SliceSink::new(&mut buf[..cap]);
            assert_eq!(
                write_head(&req, &mut sink),
                Err(HeadError::Write(WriteError::Full))
            );
        }
    }
}
