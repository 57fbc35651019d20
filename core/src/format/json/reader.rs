//! A zero-copy JSON response reader: implements [`Reader`] over the body as it
//! sits in the receive buffer.
//!
//! [`JsonReader::root`] checks the whole body once (grammar, UTF-8, nesting
//! depth); after that each lookup re-walks only the object or array it is asked
//! about. A [`Node`]'s span is one JSON value and its tag one of the `TAG_*`
//! constants. Lookups follow botocore's `BaseJSONParser`:
//!
//! * a structure member is found by its wire name (`locationName` or member
//!   name); when a key repeats the last one wins (Python's `json.loads`);
//! * a member whose value is `null` is absent;
//! * map entries whose value is `null` are skipped (nothing to decode them to);
//! * timestamps may be epoch numbers or any text form botocore's
//!   `default_timestamp_parser` reads; floats may be `"NaN"`, `"Infinity"`,
//!   `"-Infinity"`;
//! * blobs are base64 strings, handed out still encoded ([`BlobEncoding::Base64`]).
//!   A base64 string written with JSON escapes (`\/`) is refused as `BadBase64`.
//!
//! JSON needs no shape facts to walk lists and maps, so item and entry nodes
//! carry no `via` member (only member nodes do).

use super::scan::{Items, MAX_DEPTH_LIMIT, Pairs, skip_ws, whole_value};
use crate::format::number::{parse_float, parse_int, parse_special_float};
use crate::model::Member;
use crate::model::view::{
    Blob, BlobEncoding, DecodeError, Escape, Node, RawTimestamp, Reader, Scalar, ScalarKind, Text,
};

/// Node tag: an object.
pub const TAG_OBJECT: u32 = 1;
/// Node tag: an array.
pub const TAG_ARRAY: u32 = 2;
/// Node tag: a string.
pub const TAG_STRING: u32 = 3;
/// Node tag: a number.
pub const TAG_NUMBER: u32 = 4;
/// Node tag: `true` or `false`.
pub const TAG_BOOL: u32 = 5;
/// Node tag: `null`.
pub const TAG_NULL: u32 = 6;

/// The tag of the value starting with byte `b`.
fn tag_of(b: Option<&u8>) -> u32 {
    match b {
        Some(b'{') => TAG_OBJECT,
        Some(b'[') => TAG_ARRAY,
        Some(b'"') => TAG_STRING,
        Some(b't' | b'f') => TAG_BOOL,
        Some(b'n') => TAG_NULL,
        _ => TAG_NUMBER,
    }
}

/// Reads JSON response bodies (json 1.0/1.1 and rest-json).
///
/// ```
/// use stratus_core::format::json::JsonReader;
/// use stratus_core::model::*;
///
/// static SEQ: Member = Member {
///     name: "SequenceNumber", location_name: None, target: ShapeId(0),
///     location: Location::Body, flags: MemberFlags::EMPTY, extra: None,
/// };
/// let reader = JsonReader::new(32);
/// let root = reader.root(br#"{"ShardId":"s-1","SequenceNumber":"4955"}"#).unwrap();
/// let seq = root.member(&SEQ).unwrap().unwrap().text().unwrap();
/// assert!(seq.eq_str("4955"));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct JsonReader {
    max_depth: usize,
    by_member_name: bool,
}

impl Default for JsonReader {
    fn default() -> Self {
        JsonReader::new(64)
    }
}

impl JsonReader {
    /// A reader refusing bodies nested deeper than `max_depth` (at most
    /// [`MAX_DEPTH_LIMIT`]).
    pub const fn new(max_depth: usize) -> Self {
        let max_depth = if max_depth > MAX_DEPTH_LIMIT {
            MAX_DEPTH_LIMIT
        } else {
            max_depth
        };
        JsonReader {
            max_depth,
            by_member_name: false,
        }
    }

    /// A reader of botocore's parsed dict written as JSON (what
    /// `CallOutput::write_json` writes): members are found by their member
    /// names, not their wire names, whatever the protocol.
    ///
    /// ```
    /// use stratus_core::format::json::JsonReader;
    /// use stratus_core::model::*;
    /// static ID: Member = Member {
    ///     name: "InstanceId", location_name: Some("instanceId"), target: ShapeId(0),
    ///     location: Location::Body, flags: MemberFlags::EMPTY, extra: None,
    /// };
    /// let reader = JsonReader::by_member_name();
    /// let root = reader.root(br#"{"InstanceId": "i-1"}"#).unwrap();
    /// assert!(root.member(&ID).unwrap().unwrap().text().unwrap().eq_str("i-1"));
    /// ```
    pub const fn by_member_name() -> Self {
        JsonReader {
            max_depth: MAX_DEPTH_LIMIT,
            by_member_name: true,
        }
    }

    /// The top-level value of `body`, after checking the whole body.
    ///
    /// An empty (or all-whitespace) body reads as `{}`, as botocore treats it.
    pub fn root<'a>(&'a self, body: &'a [u8]) -> Result<Node<'a>, DecodeError> {
        core::str::from_utf8(body).map_err(|_| DecodeError::Malformed)?;
        if skip_ws(body, 0) == body.len() {
            return Ok(Node::new(b"{}", TAG_OBJECT, None, self));
        }
        let (s, e) = whole_value(body, self.max_depth)?;
        let raw = body.get(s..e).ok_or(DecodeError::Malformed)?;
        Ok(Node::new(raw, tag_of(raw.first()), None, self))
    }
}

/// The text inside a string token (without quotes), as `str`.
pub(crate) fn string_inner(raw: &[u8]) -> Result<&str, DecodeError> {
    let inner = match raw {
        [b'"', inner @ .., b'"'] => inner,
        _ => return Err(DecodeError::WrongType),
    };
    core::str::from_utf8(inner).map_err(|_| DecodeError::Malformed)
}

/// Whether the string token `raw` decodes to `want`.
pub(crate) fn key_is(raw: &[u8], want: &str) -> bool {
    match string_inner(raw) {
        Ok(inner) if !inner.contains('\\') => inner == want,
        Ok(inner) => Text::new(inner, Escape::Json).eq_str(want),
        Err(_) => false,
    }
}

fn number_text(raw: &[u8]) -> Result<&str, DecodeError> {
    core::str::from_utf8(raw).map_err(|_| DecodeError::Malformed)
}

impl Reader for JsonReader {
    fn member<'a>(
        &self,
        parent: &Node<'a>,
        member: &'static Member,
    ) -> Result<Option<Node<'a>>, DecodeError> {
        let raw = parent.raw();
        let mut pairs = Pairs::new(raw, self.max_depth)?;
        let wire = if self.by_member_name {
            member.name
        } else {
            member.wire_name()
        };
        let mut found = None;
        while let Some(p) = pairs.next_pair()? {
            let key = raw.get(p.key.0..p.key.1).ok_or(DecodeError::Malformed)?;
            if key_is(key, wire) {
                found = Some(p.value);
            }
        }
        let Some((s, e)) = found else { return Ok(None) };
        let v = raw.get(s..e).ok_or(DecodeError::Malformed)?;
        let tag = tag_of(v.first());
        Ok((tag != TAG_NULL).then(|| Node::new(v, tag, Some(member), parent.reader())))
    }

    fn next_item<'a>(
        &self,
        list: &Node<'a>,
        cursor: &mut usize,
    ) -> Result<Option<Node<'a>>, DecodeError> {
        let raw = list.raw();
        let mut items = if *cursor == 0 {
            Items::new(raw, self.max_depth)?
        } else {
            Items::resume(raw, *cursor, self.max_depth)
        };
        let Some((s, e)) = items.next_item()? else {
            return Ok(None);
        };
        *cursor = items.position();
        let v = raw.get(s..e).ok_or(DecodeError::Malformed)?;
        Ok(Some(Node::new(v, tag_of(v.first()), None, list.reader())))
    }

    fn next_entry<'a>(
        &self,
        map: &Node<'a>,
        cursor: &mut usize,
    ) -> Result<Option<(Node<'a>, Node<'a>)>, DecodeError> {
        let raw = map.raw();
        let mut pairs = if *cursor == 0 {
            Pairs::new(raw, self.max_depth)?
        } else {
            Pairs::resume(raw, *cursor, self.max_depth)
        };
        while let Some(p) = pairs.next_pair()? {
            *cursor = pairs.position();
            let v = raw
                .get(p.value.0..p.value.1)
                .ok_or(DecodeError::Malformed)?;
            if tag_of(v.first()) == TAG_NULL {
                continue;
            }
            let k = raw.get(p.key.0..p.key.1).ok_or(DecodeError::Malformed)?;
            return Ok(Some((
                Node::new(k, TAG_STRING, None, map.reader()),
                Node::new(v, tag_of(v.first()), None, map.reader()),
            )));
        }
        Ok(None)
    }

    fn scalar<'a>(&self, node: &Node<'a>, kind: ScalarKind) -> Result<Scalar<'a>, DecodeError> {
        let raw = node.raw();
        let tag = tag_of(raw.first());
        match (kind, tag) {
            (ScalarKind::Text, TAG_STRING) => {
                Ok(Scalar::Text(Text::new(string_inner(raw)?, Escape::Json)))
            }
            (ScalarKind::Int, TAG_NUMBER) => parse_int(number_text(raw)?)
                .map(Scalar::Int)
                .ok_or(DecodeError::BadNumber),
            (ScalarKind::Float, _) if !crate::format::number::FLOAT => {
                Err(DecodeError::FloatDisabled)
            }
            (ScalarKind::Float, TAG_NUMBER) => parse_float(number_text(raw)?)
                .map(Scalar::Float)
                .ok_or(DecodeError::BadNumber),
            (ScalarKind::Float, TAG_STRING) => parse_special_float(string_inner(raw)?)
                .map(Scalar::Float)
                .ok_or(DecodeError::BadNumber),
            (ScalarKind::Bool, TAG_BOOL) => Ok(Scalar::Bool(raw.first() == Some(&b't'))),
            (ScalarKind::Blob, TAG_STRING) => {
                let inner = string_inner(raw)?;
                if inner.contains('\\') {
                    return Err(DecodeError::BadBase64);
                }
                Ok(Scalar::Blob(Blob::new(
                    inner.as_bytes(),
                    BlobEncoding::Base64,
                )))
            }
            (ScalarKind::Document, _) => Ok(Scalar::Document(number_text(raw)?)),
            _ => Err(DecodeError::WrongType),
        }
    }

    fn timestamp<'a>(&self, node: &Node<'a>) -> Result<RawTimestamp<'a>, DecodeError> {
        let raw = node.raw();
        match tag_of(raw.first()) {
            TAG_NUMBER => Ok(RawTimestamp::EpochNumber(number_text(raw)?)),
            TAG_STRING => Ok(RawTimestamp::Text(string_inner(raw)?)),
            _ => Err(DecodeError::WrongType),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::view::{FromNode, ListView, MapView};
    use crate::model::{Location, MemberFlags, ShapeId};

    const fn m(name: &'static str, location_name: Option<&'static str>) -> Member {
        Member {
            name,
            location_name,
            target: ShapeId(0),
            location: Location::Body,
            flags: MemberFlags::EMPTY,
            extra: None,
        }
    }
    static A: Member = m("A", None);
    static B: Member = m("Bee", Some("b"));
    static C: Member = m("C", None);
    static MISSING: Member = m("Missing", None);

    #[test]
    fn reads_members_lists_maps_and_scalars() {
        let body = br#" {"A": "x\u00e9\"", "b": [1, 2, null, 3], "C": {"k": 1.5, "n": null, "k\u0032": -2e1},
            "A": "last", "Missing": null, "T": 1369353600.5} "#;
        let r = JsonReader::default();
        let root = r.root(body).unwrap();
        assert!(
            root.member(&A)
                .unwrap()
                .unwrap()
                .text()
                .unwrap()
                .eq_str("last")
        );
        assert!(root.member(&MISSING).unwrap().is_none());
        let list = root.member(&B).unwrap().unwrap();
        let mut tags: heapless::Vec<u32, 8> = heapless::Vec::new();
        let mut cursor = 0;
        while let Some(n) = r.next_item(&list, &mut cursor).unwrap() {
            tags.push(n.tag()).unwrap();
        }
        assert_eq!(
            tags.as_slice(),
            &[TAG_NUMBER, TAG_NUMBER, TAG_NULL, TAG_NUMBER]
        );
        let ints: ListView<'_, i64> = root.decode_member(&B).unwrap().unwrap();
        let mut it = ints.iter();
        assert_eq!(it.next(), Some(Ok(1)));
        assert_eq!(it.next(), Some(Ok(2)));
        assert_eq!(it.next(), Some(Err(DecodeError::WrongType)));
        let map: MapView<'_, f64> = root.decode_member(&C).unwrap().unwrap();
        let mut it = map.iter();
        let (k, v) = it.next().unwrap().unwrap();
        assert!(k.eq_str("k") && v == 1.5);
        let (k, v) = it.next().unwrap().unwrap();
        assert!(k.eq_str("k2") && v == -20.0);
        assert!(it.next().is_none());
        assert_eq!(map.get("k2").unwrap(), Some(-20.0));
        static T: Member = m("T", None);
        let t = root.timestamp_member(&T, None).unwrap().unwrap();
        assert_eq!((t.secs, t.nanos), (1_369_353_600, 500_000_000));
    }

    #[test]
    fn scalars_check_their_type() {
        let r = JsonReader::default();
        let n = |s: &'static [u8]| r.root(s).unwrap();
        assert_eq!(i64::from_node(n(b"12")), Ok(12));
        assert_eq!(i64::from_node(n(b"1.5")), Err(DecodeError::BadNumber));
        assert_eq!(
            i64::from_node(n(b"99999999999999999999")),
            Err(DecodeError::BadNumber)
        );
        assert_eq!(i64::from_node(n(b"\"12\"")), Err(DecodeError::WrongType));
        assert_eq!(
            i32::from_node(n(b"3000000000")),
            Err(DecodeError::BadNumber)
        );
        assert!(f64::from_node(n(b"\"NaN\"")).unwrap().is_nan());
        assert_eq!(f64::from_node(n(b"\"nan\"")), Err(DecodeError::BadNumber));
        assert_eq!(bool::from_node(n(b"false")), Ok(false));
        let blob = Blob::from_node(n(b"\"aGk=\"")).unwrap();
        assert_eq!(blob.decode_into(&mut [0u8; 4]).unwrap(), b"hi");
        assert_eq!(
            Blob::from_node(n(b"\"a\\/k=\"")),
            Err(DecodeError::BadBase64)
        );
        let doc = crate::model::RawJson::from_node(n(b"{\"x\": [1]}")).unwrap();
        assert_eq!(doc.0, "{\"x\": [1]}");
        assert_eq!(
            crate::time::Timestamp::from_node(n(b"\"2013-05-24T00:00:00Z\"")).map(|t| t.secs),
            Ok(1_369_353_600)
        );
        assert_eq!(
            crate::time::Timestamp::from_node(n(b"\"yesterday\"")),
            Err(DecodeError::BadTimestamp)
        );
        assert_eq!(n(b"[1]").member(&A).unwrap_err(), DecodeError::WrongType);
    }

    #[test]
    fn bad_bodies_are_typed_errors() {
        let r = JsonReader::new(8);
        assert!(r.root(b"   ").is_ok());
        for bad in [
            &b"{\"a\": 1"[..],
            b"{\"a\": 1} x",
            b"[[[[[[[[[1]]]]]]]]]",
            b"\xff",
            b"{\"a\":\"\\q\"}",
            b"nul",
        ] {
            assert!(r.root(bad).is_err(), "{:?}", core::str::from_utf8(bad));
        }
    }
}
