//! A zero-copy XML response reader on `xmlparser`, implementing [`Reader`] for
//! rest-xml, query and ec2 bodies the way botocore's `BaseXMLResponseParser`
//! reads them.
//!
//! [`XmlReader::root`] tokenizes the whole body once: well-formedness as
//! `xmlparser` sees it, plus matching end-tag names (which `xmlparser` leaves to
//! its user), one root element, no DTD, and nesting at most
//! [`MAX_XML_DEPTH`] deep. Nodes are then spans of the body:
//!
//! * [`TAG_ELEMENT`] — one element, `<A …>…</A>` or `<A/>`;
//! * [`TAG_ATTRIBUTE`] — an attribute value (an `xmlAttribute` member);
//! * [`TAG_FLAT`] — a flattened list or map: the run of sibling elements from the
//!   first one named like the member to the parent's last child.
//!
//! Matching follows botocore: element names are compared without their
//! namespace prefix; a member's element name is its `locationName` or name,
//! except a flattened list whose member has a `locationName`, which uses that;
//! wrapped lists take every child element as an item whatever its name
//! (`member`, or the list member's `locationName`); map entries hold `key` /
//! `value` elements or the key / value members' `locationName`s, and any other
//! element in an entry is an error. A scalar's text is the element's text before
//! its first child (ElementTree's `.text`), with entities left for [`Text`] to
//! decode (`Escape::Xml`); a CDATA section is handed out as is (`Escape::None`).
//! Booleans are `true` when the text is `true`, else false (botocore's rule).
//! Base64 text is trimmed of surrounding whitespace but must otherwise be
//! plain base64 (Python's decoder would also skip inner line breaks).

use xmlparser::{ElementEnd, Token, Tokenizer};

use crate::format::number::{parse_float, parse_int};
use crate::model::view::{
    Blob, BlobEncoding, DecodeError, Escape, Node, RawTimestamp, Reader, Scalar, ScalarKind, Text,
};
use crate::model::{Member, MemberFlags, ServiceModel, Shape, ShapeFlags, ShapeKind};

/// Node tag: an element.
pub const TAG_ELEMENT: u32 = 1;
/// Node tag: an attribute value.
pub const TAG_ATTRIBUTE: u32 = 2;
/// Node tag: the sibling run of a flattened list or map.
pub const TAG_FLAT: u32 = 3;

/// The deepest element nesting any [`XmlReader`] accepts.
pub const MAX_XML_DEPTH: usize = 64;

/// Reads XML response bodies against a service's shapes (it needs them to
/// know which lists and maps are flattened and what their parts are called).
#[derive(Clone, Copy, Debug)]
pub struct XmlReader {
    model: &'static ServiceModel,
    max_depth: usize,
}

/// One element found in a span: its local name and byte range.
#[derive(Clone, Copy, Debug)]
struct Elem<'a> {
    local: &'a str,
    start: usize,
    end: usize,
}

fn malformed<T>(_: T) -> DecodeError {
    DecodeError::Malformed
}

/// The next element at depth 0 of `text[from..]`; stops (None) at the end or at
/// a close tag of the enclosing element. Text, comments and PIs are skipped.
fn next_element(text: &str, from: usize) -> Result<Option<Elem<'_>>, DecodeError> {
    if from >= text.len() {
        return Ok(None);
    }
    let mut depth = 0usize;
    let mut current: Option<Elem<'_>> = None;
    for token in Tokenizer::from_fragment(text, from..text.len()) {
        match token.map_err(malformed)? {
            Token::ElementStart { local, span, .. } => {
                if depth == 0 {
                    current = Some(Elem {
                        local: local.as_str(),
                        start: span.start(),
                        end: span.end(),
                    });
                }
                depth += 1;
            }
            Token::ElementEnd { end, span } => match end {
                ElementEnd::Open => {}
                ElementEnd::Close(..) | ElementEnd::Empty => {
                    if depth == 0 {
                        return Ok(None);
                    }
                    depth -= 1;
                    if depth == 0 {
                        let mut e = current.ok_or(DecodeError::Malformed)?;
                        e.end = span.end();
                        return Ok(Some(e));
                    }
                }
            },
            Token::Attribute { .. }
            | Token::Text { .. }
            | Token::Cdata { .. }
            | Token::Comment { .. }
            | Token::ProcessingInstruction { .. } => {}
            _ => return Err(DecodeError::Malformed),
        }
    }
    if depth == 0 {
        Ok(None)
    } else {
        Err(DecodeError::Malformed)
    }
}

/// Where the content of the element `raw` starts; `None` for `<A/>`.
fn content_start(raw: &str) -> Result<Option<usize>, DecodeError> {
    for token in Tokenizer::from_fragment(raw, 0..raw.len()) {
        match token.map_err(malformed)? {
            Token::ElementStart { .. } | Token::Attribute { .. } => {}
            Token::ElementEnd {
                end: ElementEnd::Open,
                span,
            } => return Ok(Some(span.end())),
            Token::ElementEnd {
                end: ElementEnd::Empty,
                ..
            } => return Ok(None),
            _ => return Err(DecodeError::Malformed),
        }
    }
    Err(DecodeError::Malformed)
}

/// The element's text before its first child, and whether it is CDATA.
fn element_text(raw: &str) -> Result<(&str, bool), DecodeError> {
    let Some(start) = content_start(raw)? else {
        return Ok(("", false));
    };
    for token in Tokenizer::from_fragment(raw, start..raw.len()) {
        match token.map_err(malformed)? {
            Token::Text { text } => return Ok((text.as_str(), false)),
            Token::Cdata { text, .. } => return Ok((text.as_str(), true)),
            Token::Comment { .. } | Token::ProcessingInstruction { .. } => {}
            _ => return Ok(("", false)),
        }
    }
    Ok(("", false))
}

/// The value of attribute `wire` (`name` or `prefix:name`) on the element `raw`.
fn attribute<'a>(raw: &'a str, wire: &str) -> Result<Option<&'a str>, DecodeError> {
    let (want_prefix, want_local) = wire.split_once(':').unwrap_or(("", wire));
    for token in Tokenizer::from_fragment(raw, 0..raw.len()) {
        match token.map_err(malformed)? {
            Token::ElementStart { .. } => {}
            Token::Attribute {
                prefix,
                local,
                value,
                ..
            } => {
                if prefix.as_str() == want_prefix && local.as_str() == want_local {
                    return Ok(Some(value.as_str()));
                }
            }
            _ => return Ok(None),
        }
    }
    Ok(None)
}

fn as_str(raw: &[u8]) -> Result<&str, DecodeError> {
    core::str::from_utf8(raw).map_err(malformed)
}

impl XmlReader {
    /// A reader for `model`'s shapes, refusing bodies nested deeper than
    /// `max_depth` (at most [`MAX_XML_DEPTH`]).
    pub const fn new(model: &'static ServiceModel, max_depth: usize) -> Self {
        let max_depth = if max_depth > MAX_XML_DEPTH {
            MAX_XML_DEPTH
        } else {
            max_depth
        };
        XmlReader { model, max_depth }
    }

    /// The root element of `body`, after checking the whole body.
    pub fn root<'a>(&'a self, body: &'a [u8]) -> Result<Node<'a>, DecodeError> {
        let text = as_str(body)?;
        let mut stack: heapless::Vec<(&str, &str), MAX_XML_DEPTH> = heapless::Vec::new();
        let mut root: Option<(usize, usize)> = None;
        for token in Tokenizer::from(text) {
            match token.map_err(malformed)? {
                Token::ElementStart {
                    prefix,
                    local,
                    span,
                } => {
                    if stack.is_empty() && root.is_some() {
                        return Err(DecodeError::Malformed);
                    }
                    if stack.len() >= self.max_depth {
                        return Err(DecodeError::Malformed);
                    }
                    if stack.is_empty() {
                        root = Some((span.start(), span.end()));
                    }
                    stack
                        .push((prefix.as_str(), local.as_str()))
                        .map_err(malformed)?;
                }
                Token::ElementEnd { end, span } => {
                    let closed = match end {
                        ElementEnd::Open => continue,
                        ElementEnd::Empty => stack.pop(),
                        ElementEnd::Close(prefix, local) => match stack.pop() {
                            Some(open) if open == (prefix.as_str(), local.as_str()) => Some(open),
                            _ => return Err(DecodeError::Malformed),
                        },
                    };
                    closed.ok_or(DecodeError::Malformed)?;
                    if let (true, Some((s, _))) = (stack.is_empty(), root) {
                        root = Some((s, span.end()));
                    }
                }
                Token::DtdStart { .. }
                | Token::EmptyDtd { .. }
                | Token::EntityDeclaration { .. }
                | Token::DtdEnd { .. } => return Err(DecodeError::Malformed),
                _ => {}
            }
        }
        let (s, e) = root.ok_or(DecodeError::Malformed)?;
        if !stack.is_empty() {
            return Err(DecodeError::Malformed);
        }
        let raw = body.get(s..e).ok_or(DecodeError::Malformed)?;
        Ok(Node::new(raw, TAG_ELEMENT, None, self))
    }

    /// The first child element of `node` named `name` (local name), for the
    /// protocol layer's fixed wrappers (`<OpResult>`, `<Error>`, `<Code>`).
    pub fn child<'a>(&self, node: &Node<'a>, name: &str) -> Result<Option<Node<'a>>, DecodeError> {
        let raw = as_str(node.raw())?;
        let Some(mut pos) = content_start(raw)? else {
            return Ok(None);
        };
        while let Some(e) = next_element(raw, pos)? {
            if e.local == name {
                let span = node
                    .raw()
                    .get(e.start..e.end)
                    .ok_or(DecodeError::Malformed)?;
                return Ok(Some(Node::new(span, TAG_ELEMENT, None, node.reader())));
            }
            pos = e.end;
        }
        Ok(None)
    }

    fn shape(&self, member: &'static Member) -> Result<&'static Shape, DecodeError> {
        self.model
            .shape(member.target)
            .ok_or(DecodeError::WrongType)
    }

    /// Whether `member` is a flattened list or map.
    fn is_flattened(&self, member: &'static Member, shape: &'static Shape) -> bool {
        let collection = matches!(shape.kind, ShapeKind::List { .. } | ShapeKind::Map { .. });
        collection
            && (member.flags.contains(MemberFlags::FLATTENED)
                || shape.flags.contains(ShapeFlags::FLATTENED))
    }

    /// botocore's `_member_key_name`: the element name of `member` in its parent.
    fn element_name(&self, member: &'static Member, shape: &'static Shape) -> &'static str {
        if let ShapeKind::List { member: item } = shape.kind
            && self.is_flattened(member, shape)
            && let Some(name) = item.location_name
        {
            return name;
        }
        member.wire_name()
    }

    /// The elements holding a list's items or a map's entries, one per call.
    fn next_part<'a>(
        &self,
        node: &Node<'a>,
        cursor: &mut usize,
    ) -> Result<Option<&'a [u8]>, DecodeError> {
        let raw = as_str(node.raw())?;
        let via = node.via().ok_or(DecodeError::WrongType)?;
        let shape = self.shape(via)?;
        let e = match node.tag() {
            TAG_FLAT => {
                let name = self.element_name(via, shape);
                let mut pos = *cursor;
                loop {
                    match next_element(raw, pos)? {
                        Some(e) if e.local == name => break Some(e),
                        Some(e) => pos = e.end,
                        None => break None,
                    }
                }
            }
            TAG_ELEMENT => {
                if *cursor == 0 {
                    match content_start(raw)? {
                        Some(start) => *cursor = start,
                        None => return Ok(None),
                    }
                }
                next_element(raw, *cursor)?
            }
            _ => return Err(DecodeError::WrongType),
        };
        let Some(e) = e else { return Ok(None) };
        *cursor = e.end;
        node.raw()
            .get(e.start..e.end)
            .map(Some)
            .ok_or(DecodeError::Malformed)
    }
}

impl Reader for XmlReader {
    fn member<'a>(
        &self,
        parent: &Node<'a>,
        member: &'static Member,
    ) -> Result<Option<Node<'a>>, DecodeError> {
        if parent.tag() != TAG_ELEMENT {
            return Err(DecodeError::WrongType);
        }
        let raw = as_str(parent.raw())?;
        if member.flags.contains(MemberFlags::XML_ATTRIBUTE) {
            return Ok(attribute(raw, member.wire_name())?
                .map(|v| Node::new(v.as_bytes(), TAG_ATTRIBUTE, Some(member), parent.reader())));
        }
        let shape = self.shape(member)?;
        let name = self.element_name(member, shape);
        let flattened = self.is_flattened(member, shape);
        let Some(mut pos) = content_start(raw)? else {
            return Ok(None);
        };
        let mut first: Option<usize> = None;
        while let Some(e) = next_element(raw, pos)? {
            pos = e.end;
            if first.is_none() && e.local == name {
                if !flattened {
                    let span = parent
                        .raw()
                        .get(e.start..e.end)
                        .ok_or(DecodeError::Malformed)?;
                    return Ok(Some(Node::new(
                        span,
                        TAG_ELEMENT,
                        Some(member),
                        parent.reader(),
                    )));
                }
                first = Some(e.start);
            }
        }
        let Some(start) = first else { return Ok(None) };
        let span = parent.raw().get(start..pos).ok_or(DecodeError::Malformed)?;
        Ok(Some(Node::new(
            span,
            TAG_FLAT,
            Some(member),
            parent.reader(),
        )))
    }

    fn next_item<'a>(
        &self,
        list: &Node<'a>,
        cursor: &mut usize,
    ) -> Result<Option<Node<'a>>, DecodeError> {
        let via = list.via().ok_or(DecodeError::WrongType)?;
        let ShapeKind::List { member: item } = self.shape(via)?.kind else {
            return Err(DecodeError::WrongType);
        };
        Ok(self
            .next_part(list, cursor)?
            .map(|raw| Node::new(raw, TAG_ELEMENT, Some(item), list.reader())))
    }

    fn next_entry<'a>(
        &self,
        map: &Node<'a>,
        cursor: &mut usize,
    ) -> Result<Option<(Node<'a>, Node<'a>)>, DecodeError> {
        let via = map.via().ok_or(DecodeError::WrongType)?;
        let ShapeKind::Map { key, value } = self.shape(via)?.kind else {
            return Err(DecodeError::WrongType);
        };
        let Some(entry) = self.next_part(map, cursor)? else {
            return Ok(None);
        };
        let text = as_str(entry)?;
        let key_name = key.location_name.unwrap_or("key");
        let value_name = value.location_name.unwrap_or("value");
        let (mut k, mut v) = (None, None);
        let mut pos = content_start(text)?.ok_or(DecodeError::Malformed)?;
        while let Some(e) = next_element(text, pos)? {
            pos = e.end;
            let span = entry.get(e.start..e.end).ok_or(DecodeError::Malformed)?;
            if e.local == key_name {
                k = Some(Node::new(span, TAG_ELEMENT, Some(key), map.reader()));
            } else if e.local == value_name {
                v = Some(Node::new(span, TAG_ELEMENT, Some(value), map.reader()));
            } else {
                return Err(DecodeError::Malformed);
            }
        }
        match (k, v) {
            (Some(k), Some(v)) => Ok(Some((k, v))),
            _ => Err(DecodeError::Malformed),
        }
    }

    fn scalar<'a>(&self, node: &Node<'a>, kind: ScalarKind) -> Result<Scalar<'a>, DecodeError> {
        let (text, escape) = scalar_text(node)?;
        let plain = || {
            Text::new(text, escape)
                .as_plain()
                .ok_or(DecodeError::BadNumber)
        };
        match kind {
            ScalarKind::Text => Ok(Scalar::Text(Text::new(text, escape))),
            ScalarKind::Int => parse_int(plain()?)
                .map(Scalar::Int)
                .ok_or(DecodeError::BadNumber),
            ScalarKind::Float if !crate::format::number::FLOAT => Err(DecodeError::FloatDisabled),
            ScalarKind::Float => parse_float(plain()?)
                .map(Scalar::Float)
                .ok_or(DecodeError::BadNumber),
            ScalarKind::Bool => Ok(Scalar::Bool(Text::new(text, escape).eq_str("true"))),
            ScalarKind::Blob => Ok(Scalar::Blob(Blob::new(
                text.trim_ascii().as_bytes(),
                BlobEncoding::Base64,
            ))),
            ScalarKind::Timestamp(_) => Err(DecodeError::WrongType),
            ScalarKind::Document => Err(DecodeError::WrongType),
        }
    }

    fn timestamp<'a>(&self, node: &Node<'a>) -> Result<RawTimestamp<'a>, DecodeError> {
        let (text, escape) = scalar_text(node)?;
        Text::new(text, escape)
            .as_plain()
            .map(RawTimestamp::Text)
            .ok_or(DecodeError::BadTimestamp)
    }
}

/// The text of an attribute or a simple element, and how it is escaped.
fn scalar_text<'a>(node: &Node<'a>) -> Result<(&'a str, Escape), DecodeError> {
    let raw = as_str(node.raw())?;
    let (text, cdata) = match node.tag() {
        TAG_ATTRIBUTE => (raw, false),
        TAG_ELEMENT => element_text(raw)?,
        _ => return Err(DecodeError::WrongType),
    };
    Ok((text, if cdata { Escape::None } else { Escape::Xml }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::sample::{MODEL, SAMPLE_MEMBERS, ids, walk_node};
    use crate::model::view::{FromNode, ListView, MapView};

    const BODY: &[u8] = br#"<?xml version="1.0" encoding="UTF-8"?>
<SampleResponse xmlns="urn:x" kind="k&amp;1">
  <Name>a &amp; b &#233;</Name>
  <Data> aGVsbG8= </Data>
  <Count> 7 </Count>
  <Enabled>true</Enabled>
  <When>2013-05-24T00:00:00Z</When>
  <Tags><entry><K>a</K><V>1</V></entry><entry><K>b</K><V>2</V></entry></Tags>
  <Items><member>x</member><!-- c --><member><![CDATA[<y>]]></member></Items>
  <item>f1</item><Other/><item>f2</item>
  <FlatMap><key>k1</key><value>v1</value></FlatMap>
  <x:Nested xmlns:x="urn:y"><Name>inner</Name><Children><member><Count>1</Count></member></Children></x:Nested>
  <renamed_wire/>
</SampleResponse>"#;

    fn m(name: &str) -> &'static Member {
        SAMPLE_MEMBERS.iter().find(|m| m.name == name).unwrap()
    }

    #[test]
    fn reads_botocore_shapes_of_xml() {
        let r = XmlReader::new(&MODEL, 16);
        let root = r.root(BODY).unwrap();
        let name: Text<'_> = root.decode_member(m("Name")).unwrap().unwrap();
        assert!(name.eq_str("a & b é"));
        let data: Blob<'_> = root.decode_member(m("Data")).unwrap().unwrap();
        assert_eq!(data.decode_into(&mut [0u8; 8]).unwrap(), b"hello");
        assert_eq!(root.decode_member::<i32>(m("Count")), Ok(Some(7)));
        assert_eq!(root.decode_member::<bool>(m("Enabled")), Ok(Some(true)));
        let when = root.timestamp_member(m("When"), None).unwrap().unwrap();
        assert_eq!(when.secs, 1_369_353_600);
        let kind: Text<'_> = root.decode_member(m("Kind")).unwrap().unwrap();
        assert!(kind.eq_str("k&1"));
        let tags: MapView<'_, Text<'_>> = root.decode_member(m("Tags")).unwrap().unwrap();
        assert!(tags.get("b").unwrap().unwrap().eq_str("2"));
        let items: ListView<'_, Text<'_>> = root.decode_member(m("Items")).unwrap().unwrap();
        let mut it = items.iter();
        assert!(it.next().unwrap().unwrap().eq_str("x"));
        let y = it.next().unwrap().unwrap();
        assert_eq!((y.raw(), y.escape()), ("<y>", Escape::None));
        assert!(it.next().is_none());
        let flat: ListView<'_, Text<'_>> = root.decode_member(m("Flat")).unwrap().unwrap();
        let got: heapless::Vec<&str, 4> = flat.iter().map(|t| t.unwrap().raw()).collect();
        assert_eq!(got.as_slice(), &["f1", "f2"]);
        let fm: MapView<'_, Text<'_>> = root.decode_member(m("FlatMap")).unwrap().unwrap();
        assert!(fm.get("k1").unwrap().unwrap().eq_str("v1"));
        let renamed: Text<'_> = root.decode_member(m("Renamed")).unwrap().unwrap();
        assert_eq!(renamed.raw(), "");
        let nested = root.member(m("Nested")).unwrap().unwrap();
        assert!(
            nested
                .decode_member::<Text<'_>>(m("Name"))
                .unwrap()
                .unwrap()
                .eq_str("inner")
        );
        assert!(root.member(m("Doc")).unwrap().is_none());
        let shape = MODEL.shape(ids::SAMPLE).unwrap();
        assert_eq!(walk_node(&root, shape, 16), Ok(19));
        let child = r.child(&root, "Count").unwrap().unwrap();
        assert_eq!(i64::from_node(child), Ok(7));
        assert!(r.child(&root, "Nope").unwrap().is_none());
    }

    #[test]
    fn bad_bodies_are_typed_errors() {
        let r = XmlReader::new(&MODEL, 4);
        let bad: &[&[u8]] = &[
            b"",
            b"<a>",
            b"<a></b>",
            b"<a><b></a></b>",
            b"<a/><b/>",
            b"<a><b><c><d><e/></d></c></b></a>",
            b"<!DOCTYPE a [<!ENTITY x \"y\">]><a>&x;</a>",
            b"<a x=1/>",
            b"\xff<a/>",
            b"text",
        ];
        for body in bad {
            assert_eq!(
                r.root(body).err(),
                Some(DecodeError::Malformed),
                "{:?}",
                core::str::from_utf8(body)
            );
        }
        let root = r.root(b"<a><Count>x</Count><Name>&bogus;</Name><Tags><entry><K>a</K><Z/></entry></Tags></a>").unwrap();
        assert_eq!(
            root.decode_member::<i64>(m("Count")),
            Err(DecodeError::BadNumber)
        );
        let name: Text<'_> = root.decode_member(m("Name")).unwrap().unwrap();
        assert_eq!(name.decode_into(&mut [0u8; 8]), Err(DecodeError::BadEscape));
        let tags: MapView<'_, Text<'_>> = root.decode_member(m("Tags")).unwrap().unwrap();
        assert_eq!(
            tags.iter().next().unwrap().err(),
            Some(DecodeError::Malformed)
        );
    }
}
