//! Reading a response: a state machine told where to read and how many bytes
//! came, decoding in the caller's buffer.
//!
//! The buffer is laid out as
//!
//! ```text
//! [0, head_end)          the head (status line and headers), once parsed
//! [head_end, body_end)   decoded body (whole mode; empty when streaming)
//! [body_end, raw_start)  free (chunk size lines already decoded away)
//! [raw_start, raw_end)   received bytes not yet decoded
//! [raw_end, len)         free: where the next read goes
//! ```
//!
//! Decoded bytes only ever move towards the start, so decoding in place never
//! overwrites bytes not yet read.

use core::fmt;

use crate::client::transport::{MAX_RESPONSE_HEADERS, Range, RawResponse};

/// Which limit a response went over.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Limit {
    /// The buffer cannot hold the head, or (reading the whole body) the head
    /// and the body.
    Buffer,
    /// More than [`MAX_RESPONSE_HEADERS`] headers.
    Headers,
}

/// Which part of a response head is not HTTP/1.x.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Malformed {
    /// The status line (version, status code, reason).
    StatusLine,
    /// A header line.
    Header,
}

/// Why a response could not be read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ReadError {
    /// The head is not HTTP/1.x.
    Malformed(Malformed),
    /// The response is larger than a limit.
    TooLarge(Limit),
    /// The connection closed before any byte of a response came (on a reused
    /// connection: the server had closed it; safe to retry on a new one).
    NoResponse,
    /// The connection closed in the middle of the head or the body.
    Truncated,
    /// A chunk of a chunked body is not `hex-size [;ext] CRLF data CRLF`, or
    /// its size does not fit 64 bits.
    BadChunk,
    /// A `Content-Length` is not a number, or several disagree.
    BadContentLength,
    /// The caller broke the protocol: a buffer shorter than the bytes already
    /// received into it, or more bytes filled than were asked for.
    Misuse,
}

impl fmt::Display for ReadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReadError::Malformed(Malformed::StatusLine) => {
                f.write_str("the response's status line is not HTTP/1.x")
            }
            ReadError::Malformed(Malformed::Header) => {
                f.write_str("a response header line is not HTTP/1.x")
            }
            ReadError::TooLarge(Limit::Buffer) => {
                f.write_str("the response does not fit the response buffer")
            }
            ReadError::TooLarge(Limit::Headers) => write!(
                f,
                "the response has more than {MAX_RESPONSE_HEADERS} headers"
            ),
            ReadError::NoResponse => f.write_str("the connection closed before a response came"),
            ReadError::Truncated => {
                f.write_str("the connection closed in the middle of the response")
            }
            ReadError::BadChunk => f.write_str("the chunked response body is malformed"),
            ReadError::BadContentLength => {
                f.write_str("the response's Content-Length is not a single number")
            }
            ReadError::Misuse => {
                f.write_str("the response reader was given a different buffer or byte count")
            }
        }
    }
}

/// How a finished response left the connection.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Finished {
    /// The connection may carry another request: HTTP/1.1 without
    /// `Connection: close` (HTTP/1.0 only with `Connection: keep-alive`), a
    /// body with a known end, and no bytes past it. Always `false` after a
    /// `CONNECT` (the connection is now a tunnel) or a 101.
    pub reusable: bool,
    /// Bytes received past the response's end (they follow the body in the
    /// buffer). Never part of the body; a tunnel's first bytes after
    /// `CONNECT`.
    pub extra: usize,
}

/// What the caller does next ([`ResponseReader::next`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Step {
    /// Read from the connection into this range of the buffer, then call
    /// [`ResponseReader::filled`] with the count (`0` when the peer closed).
    Read(Range),
    /// The head is parsed: [`ResponseReader::response`] has the status and
    /// the headers. Call `next` again for the body.
    Head,
    /// Streaming only: body bytes at this range of the buffer; they are
    /// overwritten after the next call.
    Data(Range),
    /// The response is complete (whole mode: its body is in
    /// [`ResponseReader::response`]). Further calls return this again.
    Done(Finished),
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Chunk {
    /// Expecting a size line.
    Size,
    /// Inside a chunk's data.
    Data { remaining: u64 },
    /// Expecting the CRLF after a chunk's data.
    DataEnd,
    /// After the last chunk: trailer lines up to an empty line.
    Trailers,
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum State {
    Head,
    Length { remaining: u64 },
    Chunked(Chunk),
    UntilClose,
    Done(Finished),
    Failed(ReadError),
}

/// Reads one response from the bytes of a connection, in the caller's
/// buffer. See the [module docs](super) for a whole loop.
///
/// The caller calls [`next`](Self::next) with the same buffer each time and
/// does what the [`Step`] says. In whole mode ([`new`](Self::new)) the head
/// and the decoded body end up in the buffer and
/// [`response`](Self::response) gives their ranges; in streaming mode
/// ([`streaming`](Self::streaming)) the body is handed out in
/// [`Step::Data`] pieces and the buffer need only hold the head and one read.
#[derive(Clone, Debug)]
pub struct ResponseReader {
    no_body: bool,
    connect: bool,
    stream: bool,
    state: State,
    response: RawResponse,
    keep_alive: bool,
    head_end: usize,
    body_end: usize,
    raw_start: usize,
    raw_end: usize,
    /// The range last offered by [`Step::Read`], until filled.
    offered: Option<Range>,
    eof: bool,
    got_bytes: bool,
    body_bytes: u64,
}

impl ResponseReader {
    /// A reader for the response to a `method` request, collecting the whole
    /// body in the buffer. A `HEAD` response has no body; a 2xx to `CONNECT`
    /// neither (the tunnel starts after its head).
    pub fn new(method: &str) -> Self {
        ResponseReader {
            no_body: method.eq_ignore_ascii_case("HEAD"),
            connect: method.eq_ignore_ascii_case("CONNECT"),
            stream: false,
            state: State::Head,
            response: RawResponse::default(),
            keep_alive: false,
            head_end: 0,
            body_end: 0,
            raw_start: 0,
            raw_end: 0,
            offered: None,
            eof: false,
            got_bytes: false,
            body_bytes: 0,
        }
    }

    /// As [`new`](Self::new), handing the body out in [`Step::Data`] pieces.
    pub fn streaming(method: &str) -> Self {
        ResponseReader {
            stream: true,
            ..Self::new(method)
        }
    }

    /// The response so far: status and headers once [`Step::Head`] was
    /// returned; the body's range (whole mode) once [`Step::Done`] was.
    /// Ranges are into the buffer given to [`next`](Self::next).
    pub fn response(&self) -> &RawResponse {
        &self.response
    }

    /// Gives the response back (see [`response`](Self::response)).
    pub fn into_response(self) -> RawResponse {
        self.response
    }

    /// Whether any byte has come yet.
    pub fn received_any(&self) -> bool {
        self.got_bytes
    }

    /// Decoded body bytes so far (in both modes).
    pub fn body_bytes(&self) -> u64 {
        self.body_bytes
    }

    /// Tells the reader that `n` bytes were read into the range of the last
    /// [`Step::Read`]; `0` means the connection was closed by the peer.
    pub fn filled(&mut self, n: usize) {
        if matches!(self.state, State::Failed(_) | State::Done(_)) {
            return;
        }
        if n == 0 {
            self.eof = true;
            return;
        }
        match self.offered.take() {
            Some(r) if n <= r.end - r.start => {
                self.raw_end += n;
                self.got_bytes = true;
            }
            _ => self.state = State::Failed(ReadError::Misuse),
        }
    }

    /// What the caller does next, given the buffer the response is read into
    /// (the same one every call).
    pub fn next(&mut self, buf: &mut [u8]) -> Result<Step, ReadError> {
        if buf.len() < self.raw_end {
            self.state = State::Failed(ReadError::Misuse);
        }
        let step = self.advance(buf);
        if let Err(e) = step {
            self.state = State::Failed(e);
        }
        step
    }

    fn advance(&mut self, buf: &mut [u8]) -> Result<Step, ReadError> {
        loop {
            match self.state {
                State::Failed(e) => return Err(e),
                State::Done(f) => return Ok(Step::Done(f)),
                State::Head => {
                    if self.parse_head(buf)? {
                        return Ok(Step::Head);
                    }
                    if self.eof {
                        return Err(if !self.got_bytes {
                            ReadError::NoResponse
                        } else {
                            ReadError::Truncated
                        });
                    }
                    return self.read_step(buf, usize::MAX);
                }
                State::Length { remaining } => {
                    let (k, data) = self.take(buf, remaining);
                    let remaining = remaining - k;
                    self.state = State::Length { remaining };
                    if remaining == 0 {
                        self.finish(true);
                    }
                    if let Some(d) = data {
                        return Ok(Step::Data(d));
                    }
                    if remaining == 0 {
                        continue;
                    }
                    if self.eof {
                        return Err(ReadError::Truncated);
                    }
                    let avail = (self.raw_end - self.raw_start) as u64;
                    let want = usize::try_from(remaining - avail).unwrap_or(usize::MAX);
                    return self.read_step(buf, want);
                }
                State::UntilClose => {
                    let (_, data) = self.take(buf, u64::MAX);
                    if let Some(d) = data {
                        return Ok(Step::Data(d));
                    }
                    if self.eof {
                        self.finish(false);
                        continue;
                    }
                    return self.read_step(buf, usize::MAX);
                }
                State::Chunked(chunk) => {
                    if let Some(step) = self.chunked(buf, chunk)? {
                        return Ok(step);
                    }
                }
            }
        }
    }

    /// Offers the free tail of the buffer (at most `want` bytes) for the next
    /// read, first moving undecoded bytes down over decoded-away ones.
    fn read_step(&mut self, buf: &mut [u8], want: usize) -> Result<Step, ReadError> {
        if self.raw_start > self.body_end {
            buf.copy_within(self.raw_start..self.raw_end, self.body_end);
            self.raw_end -= self.raw_start - self.body_end;
            self.raw_start = self.body_end;
        }
        let end = buf.len().min(self.raw_end.saturating_add(want));
        if end <= self.raw_end {
            return Err(ReadError::TooLarge(Limit::Buffer));
        }
        let r = Range {
            start: self.raw_end,
            end,
        };
        self.offered = Some(r);
        Ok(Step::Read(r))
    }

    /// Takes up to `max` undecoded bytes as body: moved down to the decoded
    /// body (whole mode) or handed out where they are (streaming).
    fn take(&mut self, buf: &mut [u8], max: u64) -> (u64, Option<Range>) {
        let avail = self.raw_end - self.raw_start;
        let k = usize::try_from(max).map_or(avail, |m| m.min(avail));
        if k == 0 {
            return (0, None);
        }
        let from = self.raw_start;
        self.raw_start += k;
        self.body_bytes += k as u64;
        if self.stream {
            (
                k as u64,
                Some(Range {
                    start: from,
                    end: from + k,
                }),
            )
        } else {
            buf.copy_within(from..from + k, self.body_end);
            self.body_end += k;
            (k as u64, None)
        }
    }

    /// Marks the response complete.
    fn finish(&mut self, known_end: bool) {
        let extra = self.raw_end - self.raw_start;
        self.response.body = Range {
            start: self.head_end,
            end: self.body_end,
        };
        self.state = State::Done(Finished {
            reusable: known_end && self.keep_alive && extra == 0 && !self.eof,
            extra,
        });
    }

    /// Parses the head if it has all come; `true` once it has (the state
    /// then says how the body comes).
    fn parse_head(&mut self, buf: &mut [u8]) -> Result<bool, ReadError> {
        loop {
            if self.raw_end == 0 {
                return Ok(false);
            }
            let mut headers = [httparse::EMPTY_HEADER; MAX_RESPONSE_HEADERS];
            let mut parsed = httparse::Response::new(&mut headers);
            let head = &buf[..self.raw_end];
            let n = match parsed.parse(head) {
                Ok(httparse::Status::Complete(n)) => n,
                Ok(httparse::Status::Partial) => return Ok(false),
                Err(e) => return Err(head_error(e)),
            };
            let code = parsed.code.unwrap_or(0);
            let version = parsed.version.unwrap_or(0);
            if (100..200).contains(&code) && code != 101 {
                // An interim response (100 Continue, 103 Early Hints): skip it.
                buf.copy_within(n..self.raw_end, 0);
                self.raw_end -= n;
                continue;
            }
            let base = head.as_ptr().addr();
            let mut framing = Framing::default();
            let mut raw = RawResponse {
                status: code,
                ..RawResponse::default()
            };
            // The header lines stay where they are: from the first name to
            // the end of the last value.
            if let (Some(first), Some(last)) = (parsed.headers.first(), parsed.headers.last()) {
                raw.head = Range {
                    start: first.name.as_ptr().addr() - base,
                    end: last.value.as_ptr().addr() - base + last.value.len(),
                };
            }
            for h in parsed.headers.iter() {
                framing.see(h.name.as_bytes(), h.value);
            }
            self.response = raw;
            self.head_end = n;
            self.body_end = n;
            self.raw_start = n;
            let no_body = self.no_body
                || code == 101
                || code == 204
                || code == 304
                || (self.connect && (200..300).contains(&code));
            self.keep_alive = if version == 1 {
                !framing.close
            } else {
                framing.keep_alive && !framing.close
            };
            if code == 101 || self.connect {
                self.keep_alive = false;
            }
            if no_body {
                self.finish(true);
                return Ok(true);
            }
            if framing.transfer_encoding {
                if framing.content_length.is_some() {
                    // Both: the encoding wins, and the connection is not
                    // trusted for another request (RFC 9112 §6.3).
                    self.keep_alive = false;
                }
                self.state = if framing.chunked {
                    State::Chunked(Chunk::Size)
                } else {
                    State::UntilClose
                };
                return Ok(true);
            }
            match framing.content_length {
                Some(Ok(len)) => {
                    if !self.stream && (n as u64).saturating_add(len) > buf.len() as u64 {
                        return Err(ReadError::TooLarge(Limit::Buffer));
                    }
                    self.state = State::Length { remaining: len };
                }
                Some(Err(())) => return Err(ReadError::BadContentLength),
                None => self.state = State::UntilClose,
            }
            return Ok(true);
        }
    }

    /// One step of a chunked body; `None` to go round again.
    fn chunked(&mut self, buf: &mut [u8], chunk: Chunk) -> Result<Option<Step>, ReadError> {
        match chunk {
            Chunk::Size => {
                let Some((line, next)) = self.line(buf) else {
                    return self.need_more(buf).map(Some);
                };
                let size = chunk_size(line)?;
                self.raw_start = next;
                if size == 0 {
                    self.state = State::Chunked(Chunk::Trailers);
                } else {
                    if !self.stream
                        && (self.body_end as u64).saturating_add(size) > buf.len() as u64
                    {
                        return Err(ReadError::TooLarge(Limit::Buffer));
                    }
                    self.state = State::Chunked(Chunk::Data { remaining: size });
                }
                Ok(None)
            }
            Chunk::Data { remaining } => {
                let (k, data) = self.take(buf, remaining);
                let remaining = remaining - k;
                self.state = State::Chunked(if remaining == 0 {
                    Chunk::DataEnd
                } else {
                    Chunk::Data { remaining }
                });
                if let Some(d) = data {
                    return Ok(Some(Step::Data(d)));
                }
                if remaining == 0 {
                    return Ok(None);
                }
                self.need_more(buf).map(Some)
            }
            Chunk::DataEnd => {
                let rest = &buf[self.raw_start..self.raw_end];
                match rest {
                    [b'\n', ..] => self.raw_start += 1,
                    [b'\r', b'\n', ..] => self.raw_start += 2,
                    [b'\r'] | [] => return self.need_more(buf).map(Some),
                    _ => return Err(ReadError::BadChunk),
                }
                self.state = State::Chunked(Chunk::Size);
                Ok(None)
            }
            Chunk::Trailers => {
                let Some((line, next)) = self.line(buf) else {
                    return self.need_more(buf).map(Some);
                };
                let empty = line.is_empty();
                self.raw_start = next;
                if empty {
                    self.finish(true);
                }
                Ok(None)
            }
        }
    }

    /// The next line of undecoded bytes (without CRLF or LF) and where the
    /// one after it starts, once its LF has come.
    fn line<'b>(&self, buf: &'b [u8]) -> Option<(&'b [u8], usize)> {
        let rest = &buf[self.raw_start..self.raw_end];
        let lf = rest.iter().position(|&b| b == b'\n')?;
        let line = &rest[..lf];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        Some((line, self.raw_start + lf + 1))
    }

    fn need_more(&mut self, buf: &mut [u8]) -> Result<Step, ReadError> {
        if self.eof {
            return Err(ReadError::Truncated);
        }
        self.read_step(buf, usize::MAX)
    }
}

fn head_error(e: httparse::Error) -> ReadError {
    match e {
        httparse::Error::TooManyHeaders => ReadError::TooLarge(Limit::Headers),
        httparse::Error::Status | httparse::Error::Version | httparse::Error::Token => {
            ReadError::Malformed(Malformed::StatusLine)
        }
        _ => ReadError::Malformed(Malformed::Header),
    }
}

/// `hex-size [BWS] [; extensions]` of a chunk size line.
fn chunk_size(line: &[u8]) -> Result<u64, ReadError> {
    let digits = line.iter().take_while(|b| b.is_ascii_hexdigit()).count();
    if digits == 0 {
        return Err(ReadError::BadChunk);
    }
    let mut size: u64 = 0;
    for &b in &line[..digits] {
        let d = (b as char).to_digit(16).unwrap_or(0) as u64;
        size = size
            .checked_mul(16)
            .and_then(|s| s.checked_add(d))
            .ok_or(ReadError::BadChunk)?;
    }
    let rest = &line[digits..];
    let blank = rest
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    let rest = &rest[blank..];
    match rest.first() {
        None => {}
        Some(b';') if !rest.iter().any(|&b| b == b'\r' || b == 0) => {}
        Some(_) => return Err(ReadError::BadChunk),
    }
    Ok(size)
}

/// What the headers say about the body and the connection.
#[derive(Default)]
struct Framing {
    transfer_encoding: bool,
    /// The last transfer coding is `chunked`.
    chunked: bool,
    /// `Some(Err)` when a value is not a number or values disagree.
    content_length: Option<Result<u64, ()>>,
    close: bool,
    keep_alive: bool,
}

impl Framing {
    fn see(&mut self, name: &[u8], value: &[u8]) {
        if name.eq_ignore_ascii_case(b"transfer-encoding") {
            // The last coding of the last header is the one applied last.
            if let Some(last) = super::list_items(value).last() {
                self.transfer_encoding = true;
                self.chunked = last.eq_ignore_ascii_case(b"chunked");
            }
        } else if name.eq_ignore_ascii_case(b"content-length") {
            let mut items = super::list_items(value).peekable();
            if items.peek().is_none() {
                self.content_length = Some(Err(()));
            }
            for item in items {
                let n = parse_decimal(item);
                self.content_length = match (self.content_length, n) {
                    (Some(Err(())), _) | (_, None) => Some(Err(())),
                    (Some(Ok(a)), Some(b)) if a != b => Some(Err(())),
                    (_, Some(b)) => Some(Ok(b)),
                };
            }
        } else if name.eq_ignore_ascii_case(b"connection") {
            for item in super::list_items(value) {
                self.close |= item.eq_ignore_ascii_case(b"close");
                self.keep_alive |= item.eq_ignore_ascii_case(b"keep-alive");
            }
        }
    }
}

fn parse_decimal(digits: &[u8]) -> Option<u64> {
    if digits.is_empty() {
        return None;
    }
    digits.iter().try_fold(0u64, |n, &b| {
        if !b.is_ascii_digit() {
            return None;
        }
        n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
    })
}
