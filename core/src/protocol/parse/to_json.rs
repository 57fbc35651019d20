//! The dynamic face of response parsing: a parsed response written as JSON
//! text, walking the output shape as botocore's parsers build their dict.
//!
//! Keys are member names (not wire names); absent and `null` members are left
//! out; lists keep `null` items (botocore treats every list as sparse); blobs are
//! base64 strings; timestamps are epoch seconds (an integer, or a fraction when
//! the instant has one), the form botocore's protocol-test runner compares, or
//! ISO 8601 text as the aws CLI prints them ([`TimestampStyle`], through the
//! `*_styled` writers);
//! non-finite floats are the strings `"NaN"`, `"Infinity"`, `"-Infinity"`;
//! documents are copied as they sit in the body. Errors are
//! `{"Error": {"Code": …, "Message": …}, …exception members}`.
//!
//! The writer streams into a [`Sink`]; nothing is buffered beyond a few bytes.

use core::fmt;

use super::event_stream::{EventError, Events};
use super::{Output, ServiceError, tag};
use crate::format::json::TAG_NULL;
use crate::format::number::{write_int, write_py_float};
use crate::format::{Sink, WriteError};
use crate::model::view::{Blob, BlobEncoding, DecodeError, Escape, Node, Scalar, ScalarKind, Text};
use crate::model::{MemberFlags, ServiceModel, Shape, ShapeFlags, ShapeKind};

/// The node tag CBOR bodies give simple values such as `null` (major type 7).
const CBOR_SIMPLE: u32 = 7;

/// Deepest shape nesting the JSON writer follows.
pub const MAX_JSON_DEPTH: usize = 64;

/// Why a parsed response could not be written as JSON.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ToJsonError {
    /// A value in the response could not be decoded.
    Decode(DecodeError),
    /// The sink refused the bytes (usually: the buffer is full).
    Write(WriteError),
    /// The value nests deeper than [`MAX_JSON_DEPTH`].
    TooDeep,
    /// A member refers to a shape the model does not have.
    UnknownShape,
    /// An event-stream message is malformed, corrupt or truncated.
    EventStream(crate::format::eventstream::EventStreamError),
    /// The event stream carries an error or exception message (read it with
    /// [`Output::events`](super::Output::events) for its code and members).
    StreamException,
}

impl fmt::Display for ToJsonError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ToJsonError::Decode(e) => write!(f, "cannot decode response value: {e}"),
            ToJsonError::Write(e) => write!(f, "cannot write JSON: {e}"),
            ToJsonError::TooDeep => f.write_str("response nests too deeply"),
            ToJsonError::UnknownShape => f.write_str("member refers to an unknown shape"),
            ToJsonError::EventStream(e) => write!(f, "event stream: {e}"),
            ToJsonError::StreamException => f.write_str("event stream carries an error"),
        }
    }
}

impl From<DecodeError> for ToJsonError {
    fn from(e: DecodeError) -> Self {
        ToJsonError::Decode(e)
    }
}

impl From<WriteError> for ToJsonError {
    fn from(e: WriteError) -> Self {
        ToJsonError::Write(e)
    }
}

/// How the JSON writer writes timestamp members.
///
/// ```
/// use stratus_core::protocol::parse::TimestampStyle;
/// assert_eq!(TimestampStyle::default(), TimestampStyle::EpochSeconds);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum TimestampStyle {
    /// Epoch seconds: an integer, or a float when the instant has a fraction
    /// (`1369353600`, `1369353600.5`): what botocore's protocol-test runner
    /// compares, and what [`Output::write_json`] writes.
    #[default]
    EpochSeconds,
    /// ISO 8601 text in UTC as the aws CLI prints a parsed timestamp
    /// (Python's `datetime.isoformat()`): `"2013-05-24T00:00:00+00:00"`, with
    /// six fraction digits when the instant has a fraction
    /// (`"2013-05-24T00:00:00.500000+00:00"`). botocore gives epoch values in
    /// the host's local zone; stratus always writes UTC.
    Iso8601,
}

impl Output<'_> {
    /// Writes the output as a JSON object (`{}` when the operation has no output).
    ///
    /// ```
    /// # use stratus_core::model::*;
    /// # use stratus_core::protocol::parse::{Response, ResponseParser};
    /// # use stratus_core::format::SliceSink;
    /// # static SHAPES: [Shape; 0] = [];
    /// # static OPS: [Operation; 1] = [Operation {
    /// #     name: "Ping", snake_name: "ping", cli_name: "ping", http_method: HttpMethod::Post,
    /// #     request_uri: "/", response_code: 200, host_prefix: None, input: None, output: None,
    /// #     errors: &[], auth: &[AuthScheme::SigV4], flags: OperationFlags::EMPTY, traits: None,
    /// # }];
    /// # static MODEL: ServiceModel = ServiceModel {
    /// #     name: "demo",
    /// #     metadata: ServiceMetadata {
    /// #         protocol: Protocol::Json, protocols: &[Protocol::Json], api_version: "2020-01-01",
    /// #         endpoint_prefix: "demo", signing_name: "demo", service_id: "Demo",
    /// #         target_prefix: Some("Demo"), json_version: Some("1.1"), xml_namespace: None,
    /// #         global_endpoint: None, signature_version: SignatureVersion::V4,
    /// #         auth: &[AuthScheme::SigV4], aws_query_compatible: false, checksum_format: None,
    /// #     },
    /// #     operations: &OPS, shapes: &SHAPES,
    /// # };
    /// let op = MODEL.operation("Ping").unwrap();
    /// let parser = ResponseParser::new(&MODEL, op, Response { status: 200, headers: Default::default(), body: b"{}" });
    /// let mut buf = [0u8; 16];
    /// let mut sink = SliceSink::new(&mut buf);
    /// parser.output().unwrap().write_json(&mut sink).unwrap();
    /// assert_eq!(sink.written(), b"{}");
    /// ```
    pub fn write_json<S: Sink>(&self, sink: &mut S) -> Result<(), ToJsonError> {
        self.write_json_styled(sink, TimestampStyle::EpochSeconds)
    }

    /// As [`write_json`](Self::write_json), with timestamps written in `style`.
    ///
    /// ```
    /// # use stratus_core::model::*;
    /// # use stratus_core::protocol::parse::{Response, ResponseParser, TimestampStyle};
    /// # use stratus_core::format::SliceSink;
    /// # static MEMBERS: [Member; 1] = [Member { name: "At", location_name: None, target: ShapeId(1),
    /// #     location: Location::Body, flags: MemberFlags::EMPTY, extra: None }];
    /// # const fn shape(name: &'static str, kind: ShapeKind) -> Shape {
    /// #     Shape { name, kind, flags: ShapeFlags::EMPTY, error: None, limits: None, timestamp_format: None, xml: None }
    /// # }
    /// # static SHAPES: [Shape; 2] = [
    /// #     shape("PingOutput", ShapeKind::Structure { members: &MEMBERS, payload: None }),
    /// #     shape("At", ShapeKind::Timestamp),
    /// # ];
    /// # static OPS: [Operation; 1] = [Operation {
    /// #     name: "Ping", snake_name: "ping", cli_name: "ping", http_method: HttpMethod::Post,
    /// #     request_uri: "/", response_code: 200, host_prefix: None, input: None, output: Some(ShapeId(0)),
    /// #     errors: &[], auth: &[AuthScheme::SigV4], flags: OperationFlags::EMPTY, traits: None,
    /// # }];
    /// # static MODEL: ServiceModel = ServiceModel {
    /// #     name: "demo",
    /// #     metadata: ServiceMetadata {
    /// #         protocol: Protocol::Json, protocols: &[Protocol::Json], api_version: "2020-01-01",
    /// #         endpoint_prefix: "demo", signing_name: "demo", service_id: "Demo",
    /// #         target_prefix: Some("Demo"), json_version: Some("1.1"), xml_namespace: None,
    /// #         global_endpoint: None, signature_version: SignatureVersion::V4,
    /// #         auth: &[AuthScheme::SigV4], aws_query_compatible: false, checksum_format: None,
    /// #     },
    /// #     operations: &OPS, shapes: &SHAPES,
    /// # };
    /// let op = MODEL.operation("Ping").unwrap();
    /// let body = br#"{"At": 1369353600.5}"#;
    /// let parser = ResponseParser::new(&MODEL, op, Response { status: 200, headers: Default::default(), body });
    /// let mut buf = [0u8; 64];
    /// let mut sink = SliceSink::new(&mut buf);
    /// parser.output().unwrap().write_json_styled(&mut sink, TimestampStyle::Iso8601).unwrap();
    /// assert_eq!(sink.written(), br#"{"At":"2013-05-24T00:00:00.500000+00:00"}"#);
    /// ```
    pub fn write_json_styled<S: Sink>(
        &self,
        sink: &mut S,
        style: TimestampStyle,
    ) -> Result<(), ToJsonError> {
        let mut w = Writer::new(sink, self.model);
        w.timestamps = style;
        match self.shape {
            Some(shape) => w.value(&self.node, shape, 0),
            None => {
                w.sink.write_str("{}")?;
                Ok(())
            }
        }
    }
}

/// A replacement for one top-level output member when writing JSON (what
/// `after-call` handlers leave in a call's result).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum MemberOverride<'a> {
    /// Write this JSON text as the member's value.
    Json(&'a str),
    /// Leave the member out.
    Omit,
}

/// Where [`Output::write_json_with`] looks up replacements, by member name.
pub trait MemberOverrides {
    /// The replacement for top-level member `name`, if any.
    fn member(&self, name: &str) -> Option<MemberOverride<'_>>;
}

impl Output<'_> {
    /// As [`write_json`](Self::write_json), with top-level members replaced as
    /// `overrides` says (members it sets that the response lacks are written
    /// too, in model order).
    pub fn write_json_with<S: Sink>(
        &self,
        sink: &mut S,
        overrides: &dyn MemberOverrides,
    ) -> Result<(), ToJsonError> {
        self.write_json_with_styled(sink, overrides, TimestampStyle::EpochSeconds)
    }

    /// As [`write_json_with`](Self::write_json_with), with timestamps written
    /// in `style`.
    pub fn write_json_with_styled<S: Sink>(
        &self,
        sink: &mut S,
        overrides: &dyn MemberOverrides,
        style: TimestampStyle,
    ) -> Result<(), ToJsonError> {
        let mut w = Writer::new(sink, self.model);
        w.overrides = Some(overrides);
        w.timestamps = style;
        match self.shape {
            Some(shape) => w.value(&self.node, shape, 0),
            None => {
                w.sink.write_str("{}")?;
                Ok(())
            }
        }
    }
}

impl ServiceError<'_> {
    /// Writes the error as botocore's parsed dict:
    /// `{"Error": {"Code": …, "Message": …}}` plus the exception's members.
    pub fn write_json<S: Sink>(&self, sink: &mut S) -> Result<(), ToJsonError> {
        self.write_json_styled(sink, TimestampStyle::EpochSeconds)
    }

    /// As [`write_json`](Self::write_json), with the exception's timestamp
    /// members written in `style`.
    pub fn write_json_styled<S: Sink>(
        &self,
        sink: &mut S,
        style: TimestampStyle,
    ) -> Result<(), ToJsonError> {
        let mut w = Writer::new(sink, self.model);
        w.timestamps = style;
        w.begin('{')?;
        w.key("Error")?;
        w.begin('{')?;
        w.key("Code")?;
        w.text_str(self.code)?;
        w.key("Message")?;
        match self.message {
            Some(m) => w.text(&m)?,
            None => w.text_str("")?,
        }
        w.end('}')?;
        if let Some(shape) = self.shape {
            w.members(&self.node, shape, 0)?;
        }
        w.end('}')?;
        Ok(())
    }
}

struct Writer<'s, S: Sink> {
    sink: &'s mut S,
    model: &'static ServiceModel,
    need_comma: bool,
    /// Replacements for the top-level members (depth 0 only).
    overrides: Option<&'s dyn MemberOverrides>,
    /// How timestamps are written.
    timestamps: TimestampStyle,
}

fn base64_digit(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return None,
    }))
}

/// Decodes base64 `text` in 4-character steps, handing each 1–3 bytes to `out`.
fn base64_each(
    text: &[u8],
    mut out: impl FnMut(&[u8]) -> Result<(), ToJsonError>,
) -> Result<(), ToJsonError> {
    let text = match text {
        [rest @ .., b'=', b'='] => rest,
        [rest @ .., b'='] => rest,
        _ => text,
    };
    if text.len() % 4 == 1 {
        return Err(DecodeError::BadBase64.into());
    }
    for chunk in text.chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = (acc << 6) | base64_digit(c).ok_or(DecodeError::BadBase64)?;
        }
        acc <<= 6 * (4 - chunk.len() as u32);
        let bytes = acc.to_be_bytes();
        let n = chunk.len() - 1;
        out(bytes.get(1..1 + n).ok_or(DecodeError::BadBase64)?)?;
    }
    Ok(())
}

/// The name of the first member present in a union's body that the model
/// does not know (a newer service's member), JSON's `__type` aside.
fn unknown_union_tag<'a>(node: &Node<'a>) -> Result<Option<Text<'a>>, DecodeError> {
    let raw = node.raw();
    if raw.first() == Some(&b'<') {
        let text = core::str::from_utf8(raw).map_err(|_| DecodeError::Malformed)?;
        let mut depth = 0usize;
        for token in xmlparser::Tokenizer::from_fragment(text, 0..text.len()) {
            match token.map_err(|_| DecodeError::Malformed)? {
                xmlparser::Token::ElementStart { local, .. } => {
                    if depth == 1 {
                        return Ok(Some(Text::new(local.as_str(), Escape::None)));
                    }
                    depth += 1;
                }
                xmlparser::Token::ElementEnd { end, .. } => match end {
                    xmlparser::ElementEnd::Open => {}
                    _ => depth = depth.saturating_sub(1),
                },
                _ => {}
            }
        }
        return Ok(None);
    }
    if raw.first() != Some(&b'{') {
        return Ok(None);
    }
    let reader = node.reader();
    let mut cursor = 0;
    while let Some((k, _)) = reader.next_entry(node, &mut cursor)? {
        let key = k.text()?;
        if !key.eq_str("__type") {
            return Ok(Some(key));
        }
    }
    Ok(None)
}

/// `n` in decimal, zero-padded to `width` digits (at most 6).
fn write_padded<S: Sink + ?Sized>(sink: &mut S, n: i64, width: usize) -> Result<(), WriteError> {
    let mut buf = [b'0'; 6];
    let width = width.min(buf.len());
    let digits = buf.get_mut(..width).unwrap_or(&mut []);
    crate::format::number::padded_decimal(digits, n.unsigned_abs());
    sink.write_bytes(digits)
}

/// `t` as Python's `datetime.isoformat()` of a UTC datetime, quoted:
/// `"YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00"` (sub-microsecond digits dropped, as
/// a datetime holds microseconds).
fn write_iso_utc<S: Sink + ?Sized>(
    sink: &mut S,
    t: crate::time::Timestamp,
) -> Result<(), WriteError> {
    let days = t.secs.div_euclid(86_400);
    let rem = t.secs.rem_euclid(86_400);
    let (y, mo, d) = crate::time::civil_from_days(days);
    if !(1..=9999).contains(&y) || t.nanos >= 1_000_000_000 {
        return Err(WriteError::Unrepresentable);
    }
    let parts: [(&str, i64, usize); 6] = [
        ("\"", y, 4),
        ("-", i64::from(mo), 2),
        ("-", i64::from(d), 2),
        ("T", rem / 3600, 2),
        (":", rem / 60 % 60, 2),
        (":", rem % 60, 2),
    ];
    for (sep, n, width) in parts {
        sink.write_str(sep)?;
        write_padded(sink, n, width)?;
    }
    let micros = i64::from(t.nanos / 1000);
    if micros > 0 {
        sink.write_str(".")?;
        write_padded(sink, micros, 6)?;
    }
    sink.write_str("+00:00\"")
}

/// Whether `node` is a JSON `null` or a CBOR `null` / `undefined`.
pub fn is_null_node(node: &Node<'_>) -> bool {
    let json_null = node.tag() == TAG_NULL && node.raw() == b"null";
    let cbor_null = node.tag() == CBOR_SIMPLE && matches!(node.raw(), [0xf6] | [0xf7]);
    json_null || cbor_null
}

impl<'s, S: Sink> Writer<'s, S> {
    fn new(sink: &'s mut S, model: &'static ServiceModel) -> Self {
        Writer {
            sink,
            model,
            need_comma: false,
            overrides: None,
            timestamps: TimestampStyle::EpochSeconds,
        }
    }

    fn before_value(&mut self) -> Result<(), WriteError> {
        if self.need_comma {
            self.sink.write_str(",")?;
        }
        self.need_comma = true;
        Ok(())
    }

    fn begin(&mut self, c: char) -> Result<(), WriteError> {
        self.before_value()?;
        self.need_comma = false;
        self.sink.write_str(if c == '{' { "{" } else { "[" })
    }

    fn end(&mut self, c: char) -> Result<(), WriteError> {
        self.need_comma = true;
        self.sink.write_str(if c == '}' { "}" } else { "]" })
    }

    fn key(&mut self, k: &str) -> Result<(), WriteError> {
        self.text_str(k)?;
        self.need_comma = false;
        self.sink.write_str(":")
    }

    fn escaped_char(&mut self, c: char) -> Result<(), WriteError> {
        match c {
            '"' => self.sink.write_str("\\\""),
            '\\' => self.sink.write_str("\\\\"),
            c if (c as u32) < 0x20 => {
                const HEX: &[u8; 16] = b"0123456789abcdef";
                let n = c as usize;
                let hi = HEX.get(n >> 4).copied().unwrap_or(b'0');
                let lo = HEX.get(n & 0xf).copied().unwrap_or(b'0');
                self.sink.write_bytes(&[b'\\', b'u', b'0', b'0', hi, lo])
            }
            c => {
                let mut buf = [0u8; 4];
                self.sink.write_str(c.encode_utf8(&mut buf))
            }
        }
    }

    fn text_str(&mut self, s: &str) -> Result<(), WriteError> {
        self.before_value()?;
        self.sink.write_str("\"")?;
        for c in s.chars() {
            self.escaped_char(c)?;
        }
        self.sink.write_str("\"")
    }

    fn text(&mut self, t: &Text<'_>) -> Result<(), ToJsonError> {
        if let Some(plain) = t.as_plain() {
            return Ok(self.text_str(plain)?);
        }
        self.before_value()?;
        self.sink.write_str("\"")?;
        for c in t.chars() {
            self.escaped_char(c?)?;
        }
        Ok(self.sink.write_str("\"")?)
    }

    fn blob(&mut self, b: &Blob<'_>) -> Result<(), ToJsonError> {
        self.before_value()?;
        self.sink.write_str("\"")?;
        match b.encoding() {
            BlobEncoding::Raw => crate::format::number::write_base64(self.sink, b.raw())?,
            BlobEncoding::Base64 => {
                base64_each(b.raw(), |_| Ok(()))?;
                self.sink.write_bytes(b.raw())?;
            }
        }
        Ok(self.sink.write_str("\"")?)
    }

    fn float(&mut self, x: f64) -> Result<(), WriteError> {
        if x.is_finite() {
            self.before_value()?;
            write_py_float(self.sink, x)
        } else {
            let name = if x.is_nan() {
                "NaN"
            } else if x > 0.0 {
                "Infinity"
            } else {
                "-Infinity"
            };
            self.text_str(name)
        }
    }

    fn shape(&self, member: &crate::model::Member) -> Result<&'static Shape, ToJsonError> {
        self.model
            .shape(member.target)
            .ok_or(ToJsonError::UnknownShape)
    }

    /// The members of structure `node` as `"Name": value` pairs, into the open object.
    fn members(
        &mut self,
        node: &Node<'_>,
        shape: &'static Shape,
        depth: usize,
    ) -> Result<(), ToJsonError> {
        let mut written = 0usize;
        for m in shape.members() {
            if depth == 0
                && let Some(o) = self.overrides.and_then(|o| o.member(m.name))
            {
                if let MemberOverride::Json(text) = o {
                    written += 1;
                    self.key(m.name)?;
                    self.before_value()?;
                    self.sink.write_str(text)?;
                }
                continue;
            }
            let Some(child) = node.member(m)? else {
                continue;
            };
            written += 1;
            let target = self.shape(m)?;
            self.key(m.name)?;
            if m.flags.contains(MemberFlags::JSON_VALUE) && child.tag() == tag::HEADER {
                self.json_value_header(child.raw())?;
            } else {
                self.value(&child, target, depth + 1)?;
            }
        }
        let union = written == 0 && shape.flags.contains(ShapeFlags::UNION);
        if union && let Some(name) = unknown_union_tag(node)? {
            // botocore's `_handle_unknown_tagged_union_member`.
            self.key("SDK_UNKNOWN_MEMBER")?;
            self.begin('{')?;
            self.key("name")?;
            self.text(&name)?;
            self.end('}')?;
        }
        Ok(())
    }

    /// An event stream as botocore's runner lists it: `[{"<EventType>": {…}}, …]`.
    fn events(&mut self, node: &Node<'_>, depth: usize) -> Result<(), ToJsonError> {
        self.begin('[')?;
        for event in Events::new(*node, self.model) {
            let event = event.map_err(|e| match e {
                EventError::Decode(e) => ToJsonError::EventStream(e),
                EventError::Exception(_) => ToJsonError::StreamException,
            })?;
            let target = self.shape(event.member)?;
            self.begin('{')?;
            self.key(event.name())?;
            self.value(&event.node, target, depth + 1)?;
            self.end('}')?;
        }
        self.end(']')?;
        Ok(())
    }

    /// A `jsonvalue` header: base64 of JSON text, copied out decoded.
    fn json_value_header(&mut self, raw: &[u8]) -> Result<(), ToJsonError> {
        self.before_value()?;
        let sink = &mut *self.sink;
        base64_each(raw.trim_ascii(), |bytes| Ok(sink.write_bytes(bytes)?))
    }

    fn value(
        &mut self,
        node: &Node<'_>,
        shape: &'static Shape,
        depth: usize,
    ) -> Result<(), ToJsonError> {
        if depth > MAX_JSON_DEPTH {
            return Err(ToJsonError::TooDeep);
        }
        if is_null_node(node) {
            self.before_value()?;
            self.sink.write_str("null")?;
            return Ok(());
        }
        match shape.kind {
            ShapeKind::Structure { .. } if shape.flags.contains(ShapeFlags::EVENT_STREAM) => {
                self.events(node, depth)?;
            }
            ShapeKind::Structure { .. } => {
                self.begin('{')?;
                self.members(node, shape, depth)?;
                self.end('}')?;
            }
            ShapeKind::List { member } => {
                let item_shape = self.shape(member)?;
                self.begin('[')?;
                let reader = node.reader();
                let mut cursor = 0;
                while let Some(item) = reader.next_item(node, &mut cursor)? {
                    self.value(&item, item_shape, depth + 1)?;
                }
                self.end(']')?;
            }
            ShapeKind::Map { key, value } => {
                self.shape(key)?;
                let value_shape = self.shape(value)?;
                self.begin('{')?;
                let reader = node.reader();
                let mut cursor = 0;
                while let Some((k, v)) = reader.next_entry(node, &mut cursor)? {
                    self.text(&k.text()?)?;
                    self.need_comma = false;
                    self.sink.write_str(":")?;
                    self.value(&v, value_shape, depth + 1)?;
                }
                self.end('}')?;
            }
            ShapeKind::String { .. } => match node.text() {
                Ok(text) => self.text(&text)?,
                // botocore's JSON parsers hand a scalar through untouched
                // (`_default_scalar` is the identity), so a string-typed member
                // holding an object or array comes out as that JSON value.
                Err(DecodeError::WrongType) => match node.scalar(ScalarKind::Document) {
                    Ok(Scalar::Document(d)) => {
                        self.before_value()?;
                        self.sink.write_str(d)?;
                    }
                    _ => return Err(DecodeError::WrongType.into()),
                },
                Err(e) => return Err(e.into()),
            },
            ShapeKind::Integer | ShapeKind::Long => match node.scalar(ScalarKind::Int)? {
                Scalar::Int(n) => {
                    self.before_value()?;
                    write_int(self.sink, n)?;
                }
                _ => return Err(DecodeError::WrongType.into()),
            },
            ShapeKind::Float | ShapeKind::Double => match node.scalar(ScalarKind::Float)? {
                Scalar::Float(x) => self.float(x)?,
                _ => return Err(DecodeError::WrongType.into()),
            },
            ShapeKind::Boolean => match node.scalar(ScalarKind::Bool)? {
                Scalar::Bool(b) => {
                    self.before_value()?;
                    self.sink.write_str(if b { "true" } else { "false" })?;
                }
                _ => return Err(DecodeError::WrongType.into()),
            },
            ShapeKind::Blob => match node.scalar(ScalarKind::Blob)? {
                Scalar::Blob(b) => self.blob(&b)?,
                _ => return Err(DecodeError::WrongType.into()),
            },
            ShapeKind::Timestamp => {
                let t = node.timestamp(shape.timestamp_format)?;
                self.before_value()?;
                if self.timestamps == TimestampStyle::Iso8601 {
                    write_iso_utc(self.sink, t)?;
                } else if t.nanos == 0 {
                    write_int(self.sink, t.secs)?;
                } else {
                    let x = t.secs as f64 + f64::from(t.nanos) / 1e9;
                    write_py_float(self.sink, x)?;
                }
            }
            ShapeKind::Document => match node.scalar(ScalarKind::Document)? {
                Scalar::Document(d) => {
                    self.before_value()?;
                    self.sink.write_str(d)?;
                }
                _ => return Err(DecodeError::WrongType.into()),
            },
        }
        Ok(())
    }
}

#[cfg(test)]
mod iso_tests {
    use super::write_iso_utc;
    use crate::format::{SliceSink, WriteError};
    use crate::time::Timestamp;

    fn iso(secs: i64, nanos: u32) -> Result<heapless::String<48>, WriteError> {
        let mut buf = [0u8; 48];
        let mut sink = SliceSink::new(&mut buf);
        write_iso_utc(&mut sink, Timestamp { secs, nanos })?;
        let mut s = heapless::String::new();
        s.push_str(core::str::from_utf8(sink.written()).unwrap_or(""))
            .map_err(|_| WriteError::Full)?;
        Ok(s)
    }

    #[test]
    fn iso_utc_as_python_isoformat() {
        // Expected texts from Python 3.11:
        // datetime.fromtimestamp(x, timezone.utc).isoformat(), built from
        // exact seconds and microseconds (a float input rounds the last digit).
        let cases: &[(i64, u32, &str)] = &[
            (0, 0, "\"1970-01-01T00:00:00+00:00\""),
            (
                1_369_353_600,
                500_000_000,
                "\"2013-05-24T00:00:00.500000+00:00\"",
            ),
            (-2, 750_000_000, "\"1969-12-31T23:59:58.750000+00:00\""),
            (1_795_334_400, 999, "\"2026-11-22T08:00:00+00:00\""),
            (
                253_402_300_799,
                123_456_000,
                "\"9999-12-31T23:59:59.123456+00:00\"",
            ),
        ];
        for (secs, nanos, want) in cases {
            assert_eq!(
                iso(*secs, *nanos).unwrap().as_str(),
                *want,
                "{secs}.{nanos}"
            );
        }
        assert_eq!(iso(253_402_300_800, 0), Err(WriteError::Unrepresentable));
    }
}
