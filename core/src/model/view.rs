//! Zero-copy views of responses: generated outputs borrow from the response
//! buffer and decode text, numbers and lists only as they are read.
//!
//! The protocol-specific part is the [`Reader`] trait: given a [`Node`] (a span
//! of the response plus the reader's own tag) it finds a member's node, walks
//! list items and map entries, and reads scalars. The protocol work implements it
//! once per wire format; generated outputs only call [`FromNode`].
//!
//! ```
//! use stratus_core::model::view::{Escape, Text};
//! let t = Text::new(r#"caf\u00e9 \"x\""#, Escape::Json);
//! let mut buf = [0u8; 16];
//! assert_eq!(t.decode_into(&mut buf).unwrap(), "café \"x\"");
//! assert!(t.eq_str("café \"x\""));
//! ```

use core::fmt;
use core::marker::PhantomData;

use super::shape::{Member, TimestampFormat};
use super::value::RawJson;
use crate::time::Timestamp;

/// Why a response value could not be read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum DecodeError {
    /// The body is not well-formed for its protocol.
    Malformed,
    /// A value has another type than the model says (text where a number belongs, …).
    WrongType,
    /// An escape sequence (`\u12`, `&bogus;`) is invalid.
    BadEscape,
    /// A number does not parse or does not fit the shape's type.
    BadNumber,
    /// A timestamp does not parse in the expected format.
    BadTimestamp,
    /// Base64 text is invalid.
    BadBase64,
    /// The caller's buffer is too small for the decoded value.
    BufferTooSmall,
    /// A float or double value, which this build does not read (the
    /// `float` feature of stratus-core is off).
    FloatDisabled,
    /// An XML entity in [`Escape::Xml`] text, which a build without an XML
    /// protocol (`proto-rest-xml`, `proto-query`, `proto-ec2`) does not
    /// decode; its own readers never make such text.
    XmlDisabled,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            DecodeError::Malformed => "response body is malformed",
            DecodeError::WrongType => "value has a different type than the model says",
            DecodeError::BadEscape => "invalid escape sequence in text",
            DecodeError::BadNumber => "number is invalid or out of range",
            DecodeError::BadTimestamp => "timestamp is invalid",
            DecodeError::BadBase64 => "base64 text is invalid",
            DecodeError::BufferTooSmall => "buffer too small for the decoded value",
            DecodeError::FloatDisabled => {
                "float value left out of this build (stratus-core feature `float`)"
            }
            DecodeError::XmlDisabled => {
                "XML entity left out of this build (no stratus-core `proto-*` XML protocol)"
            }
        })
    }
}

/// How a [`Text`]'s raw slice is escaped.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Escape {
    /// Taken as is (headers, CBOR text).
    None,
    /// JSON string escapes (`\n`, `\"`, `\u00e9`, surrogate pairs).
    Json,
    /// XML entities (`&amp;`, `&#233;`, `&#xE9;`); decoded in builds with
    /// an XML protocol, [`DecodeError::XmlDisabled`] in others.
    Xml,
}

/// Text in a response, left as it sits in the buffer and unescaped on demand.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Text<'a> {
    raw: &'a str,
    escape: Escape,
}

impl fmt::Debug for Text<'_> {
    // Text may come from a `sensitive` member: print only its size.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Text({} raw bytes, {:?})", self.raw.len(), self.escape)
    }
}

impl<'a> Text<'a> {
    /// Text whose raw slice is escaped as `escape` says.
    pub const fn new(raw: &'a str, escape: Escape) -> Self {
        Text { raw, escape }
    }

    /// The slice as it sits in the response, escapes included.
    pub const fn raw(&self) -> &'a str {
        self.raw
    }

    /// How [`raw`](Self::raw) is escaped.
    pub const fn escape(&self) -> Escape {
        self.escape
    }

    /// The text itself when it holds no escape, so no decoding is needed.
    pub fn as_plain(&self) -> Option<&'a str> {
        let special = match self.escape {
            Escape::None => return Some(self.raw),
            Escape::Json => b'\\',
            Escape::Xml => b'&',
        };
        (!self.raw.as_bytes().contains(&special)).then_some(self.raw)
    }

    /// The decoded characters.
    pub fn chars(&self) -> Chars<'a> {
        Chars {
            rest: self.raw,
            escape: self.escape,
        }
    }

    /// Decodes into `buf` and returns the text written there.
    pub fn decode_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, DecodeError> {
        let mut len = 0;
        for c in self.chars() {
            let c = c?;
            let n = c.len_utf8();
            let slot = buf
                .get_mut(len..len + n)
                .ok_or(DecodeError::BufferTooSmall)?;
            c.encode_utf8(slot);
            len += n;
        }
        let written = buf.get(..len).ok_or(DecodeError::BufferTooSmall)?;
        core::str::from_utf8(written).map_err(|_| DecodeError::BadEscape)
    }

    /// Whether the decoded text equals `s` (false when an escape is invalid).
    pub fn eq_str(&self, s: &str) -> bool {
        let mut expected = s.chars();
        for c in self.chars() {
            match (c, expected.next()) {
                (Ok(a), Some(b)) if a == b => {}
                _ => return false,
            }
        }
        expected.next().is_none()
    }
}

/// Iterator over the decoded characters of a [`Text`].
#[derive(Clone, Debug)]
pub struct Chars<'a> {
    rest: &'a str,
    escape: Escape,
}

impl Iterator for Chars<'_> {
    type Item = Result<char, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        let mut it = self.rest.chars();
        let c = it.next()?;
        let special = match self.escape {
            Escape::Json => c == '\\',
            Escape::Xml => c == '&',
            Escape::None => false,
        };
        if !special {
            self.rest = it.as_str();
            return Some(Ok(c));
        }
        let decoded = match self.escape {
            Escape::Json => json_escape(self.rest),
            _ if !crate::features::XML => Err(DecodeError::XmlDisabled),
            _ => xml_entity(self.rest),
        };
        match decoded {
            Ok((c, used)) => {
                self.rest = self.rest.get(used..).unwrap_or("");
                Some(Ok(c))
            }
            Err(e) => {
                self.rest = "";
                Some(Err(e))
            }
        }
    }
}

fn hex_value(digits: &str, radix: u32) -> Result<u32, DecodeError> {
    if digits.is_empty() {
        return Err(DecodeError::BadEscape);
    }
    u32::from_str_radix(digits, radix).map_err(|_| DecodeError::BadEscape)
}

/// `s` starts with `\`; returns the character and the bytes consumed.
fn json_escape(s: &str) -> Result<(char, usize), DecodeError> {
    let b = s.as_bytes();
    let simple = match b.get(1) {
        Some(b'"') => '"',
        Some(b'\\') => '\\',
        Some(b'/') => '/',
        Some(b'b') => '\u{8}',
        Some(b'f') => '\u{c}',
        Some(b'n') => '\n',
        Some(b'r') => '\r',
        Some(b't') => '\t',
        Some(b'u') => return json_unicode(s),
        _ => return Err(DecodeError::BadEscape),
    };
    Ok((simple, 2))
}

fn json_unicode(s: &str) -> Result<(char, usize), DecodeError> {
    let unit = |at: usize| -> Result<u32, DecodeError> {
        let digits = s.get(at..at + 4).ok_or(DecodeError::BadEscape)?;
        if !digits.bytes().all(|d| d.is_ascii_hexdigit()) {
            return Err(DecodeError::BadEscape);
        }
        hex_value(digits, 16)
    };
    let hi = unit(2)?;
    if (0xD800..0xDC00).contains(&hi) {
        if s.get(6..8) != Some("\\u") {
            return Err(DecodeError::BadEscape);
        }
        let lo = unit(8)?;
        if !(0xDC00..0xE000).contains(&lo) {
            return Err(DecodeError::BadEscape);
        }
        let cp = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
        return char::from_u32(cp)
            .map(|c| (c, 12))
            .ok_or(DecodeError::BadEscape);
    }
    char::from_u32(hi)
        .map(|c| (c, 6))
        .ok_or(DecodeError::BadEscape)
}

/// `(entity, character)` for XML's predefined entities.
const XML_ENTITIES: [(&str, char); 5] = [
    ("amp", '&'),
    ("lt", '<'),
    ("gt", '>'),
    ("quot", '"'),
    ("apos", '\''),
];

/// `s` starts with `&`; returns the character and the bytes consumed.
fn xml_entity(s: &str) -> Result<(char, usize), DecodeError> {
    let end = crate::text::find_ascii(s, b';').ok_or(DecodeError::BadEscape)?;
    let name = s.get(1..end).ok_or(DecodeError::BadEscape)?;
    let c = if let Some(hex) = name.strip_prefix("#x").or_else(|| name.strip_prefix("#X")) {
        char::from_u32(hex_value(hex, 16)?)
    } else if let Some(dec) = name.strip_prefix('#') {
        char::from_u32(hex_value(dec, 10)?)
    } else {
        XML_ENTITIES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, c)| *c)
    };
    c.map(|c| (c, end + 1)).ok_or(DecodeError::BadEscape)
}

/// How a [`Blob`]'s raw bytes are encoded.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum BlobEncoding {
    /// The bytes themselves (payloads, CBOR).
    Raw,
    /// Standard base64 text (JSON, XML, headers).
    Base64,
}

/// Binary data in a response, decoded on demand.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct Blob<'a> {
    raw: &'a [u8],
    encoding: BlobEncoding,
}

impl fmt::Debug for Blob<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Blob({} raw bytes, {:?})", self.raw.len(), self.encoding)
    }
}

impl<'a> Blob<'a> {
    /// A blob whose raw bytes are encoded as `encoding` says.
    pub const fn new(raw: &'a [u8], encoding: BlobEncoding) -> Self {
        Blob { raw, encoding }
    }

    /// The bytes as they sit in the response.
    pub const fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The encoding of [`raw`](Self::raw).
    pub const fn encoding(&self) -> BlobEncoding {
        self.encoding
    }

    /// Decodes into `buf` and returns the bytes written.
    ///
    /// ```
    /// use stratus_core::model::view::{Blob, BlobEncoding};
    /// let mut buf = [0u8; 8];
    /// let b = Blob::new(b"aGVsbG8=", BlobEncoding::Base64);
    /// assert_eq!(b.decode_into(&mut buf).unwrap(), b"hello");
    /// ```
    pub fn decode_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b [u8], DecodeError> {
        match self.encoding {
            BlobEncoding::Raw => {
                let out = buf
                    .get_mut(..self.raw.len())
                    .ok_or(DecodeError::BufferTooSmall)?;
                out.copy_from_slice(self.raw);
                Ok(out)
            }
            BlobEncoding::Base64 => base64_decode(self.raw, buf),
        }
    }
}

fn base64_digit(c: u8) -> Result<u32, DecodeError> {
    Ok(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'+' => 62,
        b'/' => 63,
        _ => return Err(DecodeError::BadBase64),
    } as u32)
}

fn base64_decode<'b>(text: &[u8], buf: &'b mut [u8]) -> Result<&'b [u8], DecodeError> {
    let text = match text {
        [rest @ .., b'=', b'='] => rest,
        [rest @ .., b'='] => rest,
        _ => text,
    };
    if text.len() % 4 == 1 {
        return Err(DecodeError::BadBase64);
    }
    let mut len = 0;
    for chunk in text.chunks(4) {
        let mut acc = 0u32;
        for &c in chunk {
            acc = (acc << 6) | base64_digit(c)?;
        }
        acc <<= 6 * (4 - chunk.len() as u32);
        let bytes = acc.to_be_bytes();
        let n = chunk.len() - 1;
        let out = buf
            .get_mut(len..len + n)
            .ok_or(DecodeError::BufferTooSmall)?;
        out.copy_from_slice(bytes.get(1..1 + n).ok_or(DecodeError::BadBase64)?);
        len += n;
    }
    buf.get(..len).ok_or(DecodeError::BufferTooSmall)
}

/// What a generated output asks a [`Reader`] to read.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ScalarKind {
    /// `string`.
    Text,
    /// `integer` / `long`.
    Int,
    /// `float` / `double`.
    Float,
    /// `boolean`.
    Bool,
    /// `blob`.
    Blob,
    /// `timestamp`, in the shape's format or the protocol's default.
    Timestamp(Option<TimestampFormat>),
    /// A JSON document.
    Document,
}

/// A scalar read by a [`Reader`].
#[derive(Clone, Copy, Debug)]
pub enum Scalar<'a> {
    /// Text, still escaped.
    Text(Text<'a>),
    /// A whole number.
    Int(i64),
    /// A fractional number.
    Float(f64),
    /// A boolean.
    Bool(bool),
    /// Binary data, still encoded.
    Blob(Blob<'a>),
    /// An instant.
    Timestamp(Timestamp),
    /// A JSON document's text.
    Document(&'a str),
}

/// A timestamp as the response holds it, before it is read: [`Node::timestamp`]
/// parses it. Kept apart from [`Reader::scalar`] so that a program whose
/// outputs hold no timestamp links no timestamp parser.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawTimestamp<'a> {
    /// Text in any form botocore reads: ISO 8601, RFC 822 or epoch seconds
    /// (headers, XML, JSON strings).
    Text(&'a str),
    /// A JSON number of epoch seconds, as written (`1369353600`, `1.5e9`).
    EpochNumber(&'a str),
    /// Already an instant (CBOR, event-stream headers).
    Instant(Timestamp),
}

impl RawTimestamp<'_> {
    /// The instant this stands for.
    ///
    /// ```
    /// use stratus_core::model::view::RawTimestamp;
    /// let want = 1_369_353_600;
    /// for raw in [
    ///     RawTimestamp::Text("2013-05-24T00:00:00Z"),
    ///     RawTimestamp::Text("Fri, 24 May 2013 00:00:00 GMT"),
    ///     RawTimestamp::EpochNumber("1369353600"),
    ///     RawTimestamp::EpochNumber("1.3693536e9"),
    /// ] {
    ///     assert_eq!(raw.parse().unwrap().secs, want);
    /// }
    /// ```
    pub fn parse(self) -> Result<Timestamp, DecodeError> {
        use crate::format::timestamp::{from_epoch_f64, parse_any, parse_epoch_text};
        match self {
            RawTimestamp::Text(text) => parse_any(text),
            RawTimestamp::EpochNumber(text) if text.contains(['e', 'E']) => {
                let x =
                    crate::format::number::parse_float(text).ok_or(DecodeError::BadTimestamp)?;
                from_epoch_f64(x)
            }
            RawTimestamp::EpochNumber(text) => parse_epoch_text(text),
            RawTimestamp::Instant(t) => Ok(t),
        }
        .map_err(|_| DecodeError::BadTimestamp)
    }
}

/// The protocol-specific half of response decoding.
///
/// Implemented once per wire format (JSON, XML, CBOR, headers) by the protocol
/// layer; what a node's [`tag`](Node::tag) means is up to the reader.
///
/// The reader is borrowed for as long as the nodes it hands out (`&'a self`), so
/// a reader may also hand out spans it holds itself, such as the response
/// headers a protocol parser keeps beside the body. Implementations are free to
/// take a shorter `&self`.
pub trait Reader {
    /// The node of `member` inside the structure `parent`; `None` when absent.
    fn member<'a>(
        &'a self,
        parent: &Node<'a>,
        member: &'static Member,
    ) -> Result<Option<Node<'a>>, DecodeError>;

    /// The list item after `cursor` (start at 0), advancing it.
    fn next_item<'a>(
        &'a self,
        list: &Node<'a>,
        cursor: &mut usize,
    ) -> Result<Option<Node<'a>>, DecodeError>;

    /// The map entry after `cursor` (start at 0), advancing it.
    fn next_entry<'a>(
        &'a self,
        map: &Node<'a>,
        cursor: &mut usize,
    ) -> Result<Option<(Node<'a>, Node<'a>)>, DecodeError>;

    /// The scalar at `node`, read as `kind`. Timestamps are read by
    /// [`timestamp`](Reader::timestamp) instead ([`Node::scalar`] sends them
    /// there), so a reader need not handle `ScalarKind::Timestamp` here.
    fn scalar<'a>(&'a self, node: &Node<'a>, kind: ScalarKind) -> Result<Scalar<'a>, DecodeError>;

    /// The timestamp at `node`, as the response holds it.
    fn timestamp<'a>(&'a self, node: &Node<'a>) -> Result<RawTimestamp<'a>, DecodeError>;
}

/// One value in a response: a span of the buffer, the member it was reached
/// through, and the [`Reader`] that understands it.
#[derive(Clone, Copy)]
pub struct Node<'a> {
    raw: &'a [u8],
    tag: u32,
    via: Option<&'static Member>,
    reader: &'a dyn Reader,
}

impl fmt::Debug for Node<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("raw_len", &self.raw.len())
            .field("tag", &self.tag)
            .field("via", &self.via.map(|m| m.name))
            .finish()
    }
}

impl<'a> Node<'a> {
    /// A node over `raw`, with a reader-defined `tag`, reached through `via`.
    pub fn new(
        raw: &'a [u8],
        tag: u32,
        via: Option<&'static Member>,
        reader: &'a dyn Reader,
    ) -> Self {
        Node {
            raw,
            tag,
            via,
            reader,
        }
    }

    /// The span of the response this node covers.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The reader's tag.
    pub fn tag(&self) -> u32 {
        self.tag
    }

    /// The member this node was reached through (`None` for the top level).
    pub fn via(&self) -> Option<&'static Member> {
        self.via
    }

    /// The reader.
    pub fn reader(&self) -> &'a dyn Reader {
        self.reader
    }

    /// The node of `member` in this structure.
    pub fn member(&self, member: &'static Member) -> Result<Option<Node<'a>>, DecodeError> {
        self.reader.member(self, member)
    }

    /// Reads `member` and decodes it as `T`.
    pub fn decode_member<T: FromNode<'a>>(
        &self,
        member: &'static Member,
    ) -> Result<Option<T>, DecodeError> {
        self.member(member)?.map(T::from_node).transpose()
    }

    /// Reads `member` as a timestamp in `format` (the shape's `timestampFormat`).
    pub fn timestamp_member(
        &self,
        member: &'static Member,
        format: Option<TimestampFormat>,
    ) -> Result<Option<Timestamp>, DecodeError> {
        self.member(member)?
            .map(|n| n.timestamp(format))
            .transpose()
    }

    /// The scalar at this node.
    ///
    /// Inlined so that a call with a fixed `kind` other than a timestamp
    /// leaves out the timestamp parsers.
    #[inline]
    pub fn scalar(&self, kind: ScalarKind) -> Result<Scalar<'a>, DecodeError> {
        match kind {
            ScalarKind::Timestamp(format) => self.timestamp(format).map(Scalar::Timestamp),
            _ => self.reader.scalar(self, kind),
        }
    }

    /// This node as text.
    pub fn text(&self) -> Result<Text<'a>, DecodeError> {
        match self.scalar(ScalarKind::Text)? {
            Scalar::Text(t) => Ok(t),
            _ => Err(DecodeError::WrongType),
        }
    }

    /// This node as a timestamp. Every format botocore reads is accepted
    /// whatever `format` (the shape's `timestampFormat`) says, as botocore's
    /// parsers do.
    pub fn timestamp(&self, format: Option<TimestampFormat>) -> Result<Timestamp, DecodeError> {
        let _ = format;
        self.reader.timestamp(self)?.parse()
    }
}

/// A value that can be decoded from a [`Node`]: scalars, generated output
/// structures, enums, lists and maps.
pub trait FromNode<'a>: Sized {
    /// Decodes the value at `node`.
    fn from_node(node: Node<'a>) -> Result<Self, DecodeError>;
}

macro_rules! from_scalar {
    ($($t:ty => $kind:ident, $pat:pat => $out:expr;)*) => {
        $(impl<'a> FromNode<'a> for $t {
            fn from_node(node: Node<'a>) -> Result<Self, DecodeError> {
                match node.scalar(ScalarKind::$kind)? {
                    $pat => $out,
                    _ => Err(DecodeError::WrongType),
                }
            }
        })*
    };
}

from_scalar! {
    Text<'a> => Text, Scalar::Text(t) => Ok(t);
    Blob<'a> => Blob, Scalar::Blob(b) => Ok(b);
    bool => Bool, Scalar::Bool(b) => Ok(b);
    i64 => Int, Scalar::Int(i) => Ok(i);
    i32 => Int, Scalar::Int(i) => i32::try_from(i).map_err(|_| DecodeError::BadNumber);
    f64 => Float, Scalar::Float(x) => Ok(x);
    f32 => Float, Scalar::Float(x) => Ok(x as f32);
    RawJson<'a> => Document, Scalar::Document(d) => Ok(RawJson(d));
}

impl<'a> FromNode<'a> for Timestamp {
    fn from_node(node: Node<'a>) -> Result<Self, DecodeError> {
        node.timestamp(None)
    }
}

/// A list in a response, decoded item by item as it is walked.
pub struct ListView<'a, T> {
    node: Node<'a>,
    _item: PhantomData<fn() -> T>,
}

impl<T> Clone for ListView<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for ListView<'_, T> {}

impl<T> fmt::Debug for ListView<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("ListView").field(&self.node).finish()
    }
}

impl<'a, T: FromNode<'a>> ListView<'a, T> {
    /// The items, each decoded when reached.
    pub fn iter(&self) -> ListIter<'a, T> {
        ListIter {
            node: self.node,
            cursor: 0,
            done: false,
            _item: PhantomData,
        }
    }

    /// The list's node.
    pub fn node(&self) -> Node<'a> {
        self.node
    }
}

impl<'a, T> FromNode<'a> for ListView<'a, T> {
    fn from_node(node: Node<'a>) -> Result<Self, DecodeError> {
        Ok(ListView {
            node,
            _item: PhantomData,
        })
    }
}

/// Iterator of a [`ListView`]; stops after the first error.
pub struct ListIter<'a, T> {
    node: Node<'a>,
    cursor: usize,
    done: bool,
    _item: PhantomData<fn() -> T>,
}

impl<'a, T: FromNode<'a>> Iterator for ListIter<'a, T> {
    type Item = Result<T, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let reader = self.node.reader;
        let item = reader
            .next_item(&self.node, &mut self.cursor)
            .and_then(|n| n.map(T::from_node).transpose());
        match item {
            Ok(Some(v)) => Some(Ok(v)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// A map in a response, decoded entry by entry as it is walked.
pub struct MapView<'a, V> {
    node: Node<'a>,
    _value: PhantomData<fn() -> V>,
}

impl<V> Clone for MapView<'_, V> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<V> Copy for MapView<'_, V> {}

impl<V> fmt::Debug for MapView<'_, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("MapView").field(&self.node).finish()
    }
}

impl<'a, V: FromNode<'a>> MapView<'a, V> {
    /// The entries as (key text, value), each decoded when reached.
    pub fn iter(&self) -> MapIter<'a, V> {
        MapIter {
            node: self.node,
            cursor: 0,
            done: false,
            _value: PhantomData,
        }
    }

    /// The value under `key`, decoded.
    pub fn get(&self, key: &str) -> Result<Option<V>, DecodeError> {
        for entry in self.iter() {
            let (k, v) = entry?;
            if k.eq_str(key) {
                return Ok(Some(v));
            }
        }
        Ok(None)
    }
}

impl<'a, V> FromNode<'a> for MapView<'a, V> {
    fn from_node(node: Node<'a>) -> Result<Self, DecodeError> {
        Ok(MapView {
            node,
            _value: PhantomData,
        })
    }
}

/// Iterator of a [`MapView`]; stops after the first error.
pub struct MapIter<'a, V> {
    node: Node<'a>,
    cursor: usize,
    done: bool,
    _value: PhantomData<fn() -> V>,
}

impl<'a, V: FromNode<'a>> Iterator for MapIter<'a, V> {
    type Item = Result<(Text<'a>, V), DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let reader = self.node.reader;
        let entry = reader
            .next_entry(&self.node, &mut self.cursor)
            .and_then(|e| {
                e.map(|(k, v)| Ok((k.text()?, V::from_node(v)?)))
                    .transpose()
            });
        match entry {
            Ok(Some(kv)) => Some(Ok(kv)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

/// A nested structure decoded only when asked: breaks recursion in output types.
pub struct Lazy<'a, T> {
    node: Node<'a>,
    _value: PhantomData<fn() -> T>,
}

impl<T> Clone for Lazy<'_, T> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<T> Copy for Lazy<'_, T> {}

impl<T> fmt::Debug for Lazy<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Lazy").field(&self.node).finish()
    }
}

impl<'a, T: FromNode<'a>> Lazy<'a, T> {
    /// Decodes the structure.
    pub fn get(&self) -> Result<T, DecodeError> {
        T::from_node(self.node)
    }
}

impl<'a, T> FromNode<'a> for Lazy<'a, T> {
    fn from_node(node: Node<'a>) -> Result<Self, DecodeError> {
        Ok(Lazy {
            node,
            _value: PhantomData,
        })
    }
}
