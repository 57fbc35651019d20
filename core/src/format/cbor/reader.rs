//! A zero-copy CBOR reader for smithy-rpc-v2-cbor bodies, implementing
//! [`Reader`] the way botocore's `RpcV2CBORParser` reads them.
//!
//! Call [`join_chunked_strings`](super::join_chunked_strings) first: it checks
//! the body and makes every string contiguous so it can be borrowed; then
//! [`CborReader::root`]. A [`Node`] is one item's bytes, its tag the item's
//! major type (0–7). Rules, as botocore's:
//!
//! * structures are maps keyed by text member names (botocore looks up the
//!   member name; a `locationName`, if a model had one, is also accepted);
//! * a `null` / `undefined` value means the member or map entry is absent;
//! * timestamps are tag 1 with an integer or float of epoch seconds (an
//!   untagged number is accepted too);
//! * floats may be half, single or double precision; a float shape also reads
//!   an integer; blobs are byte strings handed out raw.

use minicbor::Decoder;

use super::scan::{
    ARRAY, BREAK, BYTES, MAP, MAX_CBOR_DEPTH, NINT, SIMPLE, TAG, TEXT, UINT, header, item_end,
};
use crate::format::timestamp::from_epoch_f64;
use crate::model::Member;
use crate::model::view::{
    Blob, BlobEncoding, DecodeError, Escape, Node, RawTimestamp, Reader, Scalar, ScalarKind, Text,
};
use crate::time::Timestamp;

/// Reads CBOR bodies whose strings are contiguous.
///
/// ```
/// use stratus_core::format::cbor::{CborReader, join_chunked_strings};
/// use stratus_core::model::*;
/// static SHARD: Member = Member {
///     name: "ShardId", location_name: None, target: ShapeId(0),
///     location: Location::Body, flags: MemberFlags::EMPTY, extra: None,
/// };
/// // {"ShardId": "s-1"}
/// let body = [0xa1, 0x67, b'S', b'h', b'a', b'r', b'd', b'I', b'd', 0x63, b's', b'-', b'1'];
/// let mut scratch = [0u8; 0];
/// let body = join_chunked_strings(&body, &mut scratch, 16).unwrap();
/// let reader = CborReader::new(16);
/// let root = reader.root(body).unwrap();
/// assert!(root.member(&SHARD).unwrap().unwrap().text().unwrap().eq_str("s-1"));
/// ```
#[derive(Clone, Copy, Debug)]
pub struct CborReader {
    max_depth: usize,
}

impl Default for CborReader {
    fn default() -> Self {
        CborReader::new(MAX_CBOR_DEPTH)
    }
}

fn malformed<T>(_: T) -> DecodeError {
    DecodeError::Malformed
}

/// The item at `i` of `b` as a node of `reader`.
fn node_at<'a>(
    b: &'a [u8],
    i: usize,
    via: Option<&'static Member>,
    reader: &'a dyn Reader,
) -> Result<(Node<'a>, usize), DecodeError> {
    let mut chunked = false;
    let end = item_end(b, i, MAX_CBOR_DEPTH, &mut chunked)?;
    let raw = b.get(i..end).ok_or(DecodeError::Malformed)?;
    let major = raw.first().map_or(0, |x| x >> 5);
    Ok((Node::new(raw, u32::from(major), via, reader), end))
}

fn is_null(raw: &[u8]) -> bool {
    matches!(raw, [0xf6] | [0xf7])
}

/// Where the next item of the array or map `raw` starts, given the cursor
/// (0 = before the first); `None` at the end.
fn next_pos(raw: &[u8], cursor: usize, major: u8) -> Result<Option<usize>, DecodeError> {
    let h = header(raw, 0)?;
    if h.major != major {
        return Err(DecodeError::WrongType);
    }
    let pos = if cursor == 0 { h.next } else { cursor };
    let at_end = pos >= raw.len() || (h.arg.is_none() && raw.get(pos) == Some(&BREAK));
    Ok((!at_end).then_some(pos))
}

fn text_of(raw: &[u8]) -> Result<&str, DecodeError> {
    Decoder::new(raw).str().map_err(|_| DecodeError::WrongType)
}

/// A half-precision float's bits as `f64`.
fn f16_to_f64(bits: u16) -> f64 {
    let sign = if bits & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = (bits >> 10) & 0x1f;
    let mant = f64::from(bits & 0x3ff);
    match exp {
        0 => sign * mant / 16_777_216.0,
        31 if mant == 0.0 => sign * f64::INFINITY,
        31 => f64::NAN,
        e => {
            let bits64 = (u64::from(e) + 1023 - 15) << 52 | (u64::from(bits & 0x3ff) << 42);
            sign * f64::from_bits(bits64)
        }
    }
}

/// A number item (integer or float) as `f64`.
fn number(raw: &[u8]) -> Result<f64, DecodeError> {
    let mut d = Decoder::new(raw);
    match raw {
        [0xf9, hi, lo] => Ok(f16_to_f64(u16::from_be_bytes([*hi, *lo]))),
        [0xfa, ..] => d.f32().map(f64::from).map_err(malformed),
        [0xfb, ..] => d.f64().map_err(malformed),
        [first, ..] if matches!(first >> 5, UINT | NINT) => d
            .i64()
            .map(|i| i as f64)
            .map_err(|_| DecodeError::BadNumber),
        _ => Err(DecodeError::WrongType),
    }
}

fn timestamp(raw: &[u8]) -> Result<Timestamp, DecodeError> {
    let h = header(raw, 0)?;
    let inner = if h.major == TAG {
        if h.arg != Some(1) {
            return Err(DecodeError::BadTimestamp);
        }
        raw.get(h.next..).ok_or(DecodeError::Malformed)?
    } else {
        raw
    };
    if matches!(inner.first().map(|x| x >> 5), Some(UINT | NINT)) {
        let secs = Decoder::new(inner)
            .i64()
            .map_err(|_| DecodeError::BadTimestamp)?;
        // Bound to the years 1..=9999, like every other timestamp here.
        if !(-62_135_596_800..=253_402_300_799).contains(&secs) {
            return Err(DecodeError::BadTimestamp);
        }
        return Ok(Timestamp::from_secs(secs));
    }
    let x = number(inner).map_err(|_| DecodeError::BadTimestamp)?;
    from_epoch_f64(x).map_err(|_| DecodeError::BadTimestamp)
}

impl CborReader {
    /// A reader refusing bodies nested deeper than `max_depth` (at most
    /// [`MAX_CBOR_DEPTH`]).
    pub const fn new(max_depth: usize) -> Self {
        let max_depth = if max_depth > MAX_CBOR_DEPTH {
            MAX_CBOR_DEPTH
        } else {
            max_depth
        };
        CborReader { max_depth }
    }

    /// The top-level item of `body`, after checking it. Chunked strings are
    /// refused here (`WrongType` when read); join them first.
    pub fn root<'a>(&'a self, body: &'a [u8]) -> Result<Node<'a>, DecodeError> {
        if body.is_empty() {
            // botocore reads an empty body as an empty structure.
            return Ok(Node::new(&[0xa0], u32::from(MAP), None, self));
        }
        let mut chunked = false;
        let end = item_end(body, 0, self.max_depth, &mut chunked)?;
        if end != body.len() {
            return Err(DecodeError::Malformed);
        }
        Ok(node_at(body, 0, None, self)?.0)
    }
}

impl Reader for CborReader {
    fn member<'a>(
        &self,
        parent: &Node<'a>,
        member: &'static Member,
    ) -> Result<Option<Node<'a>>, DecodeError> {
        let raw = parent.raw();
        let mut cursor = 0;
        let mut found = None;
        while let Some(pos) = next_pos(raw, cursor, MAP)? {
            let (key, after_key) = node_at(raw, pos, None, parent.reader())?;
            let (value, end) = node_at(raw, after_key, Some(member), parent.reader())?;
            cursor = end;
            if key.tag() == u32::from(TEXT) {
                let k = text_of(key.raw())?;
                if k == member.name || k == member.wire_name() {
                    found = Some(value);
                }
            }
        }
        Ok(found.filter(|v| !is_null(v.raw())))
    }

    fn next_item<'a>(
        &self,
        list: &Node<'a>,
        cursor: &mut usize,
    ) -> Result<Option<Node<'a>>, DecodeError> {
        let raw = list.raw();
        let Some(pos) = next_pos(raw, *cursor, ARRAY)? else {
            return Ok(None);
        };
        let (item, end) = node_at(raw, pos, None, list.reader())?;
        *cursor = end;
        Ok(Some(item))
    }

    fn next_entry<'a>(
        &self,
        map: &Node<'a>,
        cursor: &mut usize,
    ) -> Result<Option<(Node<'a>, Node<'a>)>, DecodeError> {
        let raw = map.raw();
        while let Some(pos) = next_pos(raw, *cursor, MAP)? {
            let (key, after_key) = node_at(raw, pos, None, map.reader())?;
            let (value, end) = node_at(raw, after_key, None, map.reader())?;
            *cursor = end;
            if !is_null(value.raw()) {
                return Ok(Some((key, value)));
            }
        }
        Ok(None)
    }

    fn scalar<'a>(&self, node: &Node<'a>, kind: ScalarKind) -> Result<Scalar<'a>, DecodeError> {
        let raw = node.raw();
        let major = raw.first().map_or(0xff, |x| x >> 5);
        match (kind, major) {
            (ScalarKind::Text, TEXT) => Ok(Scalar::Text(Text::new(text_of(raw)?, Escape::None))),
            (ScalarKind::Int, UINT | NINT) => Decoder::new(raw)
                .i64()
                .map(Scalar::Int)
                .map_err(|_| DecodeError::BadNumber),
            (ScalarKind::Float, UINT | NINT | SIMPLE) => number(raw).map(Scalar::Float),
            (ScalarKind::Bool, SIMPLE) => match raw {
                [0xf4] => Ok(Scalar::Bool(false)),
                [0xf5] => Ok(Scalar::Bool(true)),
                _ => Err(DecodeError::WrongType),
            },
            (ScalarKind::Blob, BYTES) => Decoder::new(raw)
                .bytes()
                .map(|b| Scalar::Blob(Blob::new(b, BlobEncoding::Raw)))
                .map_err(|_| DecodeError::WrongType),
            _ => Err(DecodeError::WrongType),
        }
    }

    fn timestamp<'a>(&self, node: &Node<'a>) -> Result<RawTimestamp<'a>, DecodeError> {
        let raw = node.raw();
        match raw.first().map_or(0xff, |x| x >> 5) {
            TAG | UINT | NINT | SIMPLE => timestamp(raw).map(RawTimestamp::Instant),
            _ => Err(DecodeError::WrongType),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::SliceSink;
    use crate::format::cbor::{CborWriter, join_chunked_strings};
    use crate::format::sample::{MODEL, SAMPLE_MEMBERS, ids, walk_node};
    use crate::model::view::{FromNode, ListView, MapView};

    fn m(name: &str) -> &'static Member {
        SAMPLE_MEMBERS.iter().find(|m| m.name == name).unwrap()
    }

    /// A sample body written with the writer, with indefinite containers.
    fn sample(buf: &mut [u8]) -> usize {
        let mut w = CborWriter::new(SliceSink::new(buf));
        w.begin_map().unwrap();
        w.str("Name").unwrap();
        w.str("é").unwrap();
        w.str("Count").unwrap();
        w.int(-500).unwrap();
        w.str("Ratio").unwrap();
        w.float32(1.5).unwrap();
        w.str("Enabled").unwrap();
        w.bool(true).unwrap();
        w.str("When").unwrap();
        w.timestamp(Timestamp {
            secs: 10,
            nanos: 500_000_000,
        })
        .unwrap();
        w.str("Data").unwrap();
        w.bytes(b"hi").unwrap();
        w.str("Items").unwrap();
        w.begin_array().unwrap();
        w.str("a").unwrap();
        w.str("b").unwrap();
        w.end().unwrap();
        w.str("Tags").unwrap();
        w.map(2).unwrap();
        w.str("k").unwrap();
        w.str("v").unwrap();
        w.str("gone").unwrap();
        w.null().unwrap();
        w.str("Nested").unwrap();
        w.map(1).unwrap();
        w.str("Size").unwrap();
        w.int(i64::MIN).unwrap();
        w.str("Doc").unwrap();
        w.null().unwrap();
        w.end().unwrap();
        w.into_sink().len()
    }

    #[test]
    fn reads_what_the_writer_wrote() {
        let mut buf = [0u8; 128];
        let n = sample(&mut buf);
        let body = &buf[..n];
        let r = CborReader::default();
        let root = r.root(body).unwrap();
        assert!(
            root.decode_member::<Text<'_>>(m("Name"))
                .unwrap()
                .unwrap()
                .eq_str("é")
        );
        assert_eq!(root.decode_member::<i32>(m("Count")), Ok(Some(-500)));
        assert_eq!(root.decode_member::<f64>(m("Ratio")), Ok(Some(1.5)));
        assert_eq!(root.decode_member::<bool>(m("Enabled")), Ok(Some(true)));
        let t = root.timestamp_member(m("When"), None).unwrap().unwrap();
        assert_eq!((t.secs, t.nanos), (10, 500_000_000));
        let data: Blob<'_> = root.decode_member(m("Data")).unwrap().unwrap();
        assert_eq!(data.raw(), b"hi");
        let items: ListView<'_, Text<'_>> = root.decode_member(m("Items")).unwrap().unwrap();
        let got: heapless::Vec<&str, 4> = items.iter().map(|t| t.unwrap().raw()).collect();
        assert_eq!(got.as_slice(), &["a", "b"]);
        let tags: MapView<'_, Text<'_>> = root.decode_member(m("Tags")).unwrap().unwrap();
        assert_eq!(tags.iter().count(), 1, "null entries are skipped");
        let nested = root.member(m("Nested")).unwrap().unwrap();
        assert_eq!(nested.decode_member::<i64>(m("Size")), Ok(Some(i64::MIN)));
        assert!(root.member(m("Doc")).unwrap().is_none());
        let mut scratch = [0u8; 0];
        assert_eq!(join_chunked_strings(body, &mut scratch, 8).unwrap(), body);
        let shape = MODEL.shape(ids::SAMPLE).unwrap();
        assert_eq!(walk_node(&root, shape, 8), Ok(11));
    }

    #[test]
    fn floats_of_every_width_and_chunked_strings() {
        let r = CborReader::default();
        let f = |b: &'static [u8]| f64::from_node(r.root(b).unwrap());
        assert_eq!(f(&[0xf9, 0x3c, 0x00]), Ok(1.0));
        assert_eq!(f(&[0xf9, 0x00, 0x01]), Ok(5.960464477539063e-8));
        assert_eq!(f(&[0xf9, 0xc0, 0x00]), Ok(-2.0));
        assert_eq!(f(&[0xf9, 0x7c, 0x00]), Ok(f64::INFINITY));
        assert!(f(&[0xf9, 0x7e, 0x00]).unwrap().is_nan());
        assert_eq!(f(&[0xfa, 0x3f, 0xc0, 0, 0]), Ok(1.5));
        assert_eq!(f(&[0x18, 0x64]), Ok(100.0));
        assert_eq!(f(&[0x61, b'x']), Err(DecodeError::WrongType));
        let t = |b: &'static [u8]| Timestamp::from_node(r.root(b).unwrap());
        assert_eq!(
            t(&[0xc1, 0xfb, 0x41, 0xd4, 0x67, 0xab, 0x60, 0, 0, 0]).map(|t| t.secs),
            Ok(1_369_353_600)
        );
        assert_eq!(t(&[0xc2, 0x00]), Err(DecodeError::BadTimestamp));
        assert_eq!(
            t(&[0xc1, 0x1b, 0xff, 0, 0, 0, 0, 0, 0, 0]),
            Err(DecodeError::BadTimestamp)
        );

        // {"Name": (_ "ab" "c"), "Data": (_ h'01' h'0203')}
        let chunked = [
            0xa2, 0x64, b'N', b'a', b'm', b'e', 0x7f, 0x62, b'a', b'b', 0x61, b'c', 0xff, 0x64,
            b'D', b'a', b't', b'a', 0x5f, 0x41, 1, 0x42, 2, 3, 0xff,
        ];
        assert_eq!(
            Text::from_node(
                r.root(&chunked)
                    .unwrap()
                    .member(m("Name"))
                    .unwrap()
                    .unwrap()
            ),
            Err(DecodeError::WrongType)
        );
        let mut scratch = [0u8; 32];
        let body = join_chunked_strings(&chunked, &mut scratch, 8).unwrap();
        assert!(body.len() < chunked.len());
        let root = r.root(body).unwrap();
        assert!(
            root.decode_member::<Text<'_>>(m("Name"))
                .unwrap()
                .unwrap()
                .eq_str("abc")
        );
        let data: Blob<'_> = root.decode_member(m("Data")).unwrap().unwrap();
        assert_eq!(data.raw(), &[1, 2, 3]);
        let mut small = [0u8; 4];
        assert_eq!(
            join_chunked_strings(&chunked, &mut small, 8),
            Err(DecodeError::BufferTooSmall)
        );
    }

    #[test]
    fn bad_bodies_are_typed_errors() {
        let bad: &[&[u8]] = &[
            &[0xa1, 0x61, b'a'],                                     // truncated map
            &[0x62, b'a'],                                           // short string
            &[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], // huge count
            &[0x7f, 0x41, b'a', 0xff],                               // byte chunk in a text string
            &[0xbf, 0x61, b'a', 0xff],                               // odd indefinite map
            &[0xff],                                                 // stray break
            &[0x1c],                                                 // reserved info
            &[0x81, 0x81, 0x81, 0x81, 0x81, 0x00],                   // too deep for 4
            &[0x00, 0x00],                                           // trailing bytes
            &[0xf8, 0x10],                                           // bad simple
        ];
        let r = CborReader::new(4);
        for b in bad {
            assert_eq!(r.root(b).err(), Some(DecodeError::Malformed), "{b:02x?}");
            let mut scratch = [0u8; 16];
            assert!(join_chunked_strings(b, &mut scratch, 4).is_err());
        }
        let root = r
            .root(&[0xa1, 0x64, b'N', b'a', b'm', b'e', 0x62, 0xff, 0xfe])
            .unwrap();
        assert_eq!(
            root.decode_member::<Text<'_>>(m("Name")).err(),
            Some(DecodeError::WrongType)
        );
        let root = r
            .root(&[
                0xa1, 0x65, b'C', b'o', b'u', b'n', b't', 0x1b, 0xff, 0, 0, 0, 0, 0, 0, 0,
            ])
            .unwrap();
        assert_eq!(
            root.decode_member::<i64>(m("Count")).err(),
            Some(DecodeError::BadNumber)
        );
        assert_eq!(
            r.root(&[0x01]).unwrap().member(m("Name")).err(),
            Some(DecodeError::WrongType)
        );
    }
}
