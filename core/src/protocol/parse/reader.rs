//! [`Reader`] for a whole response: the parser's own nodes (top-level
//! structures, headers, status code, raw payload) are read here; every other
//! node is a body node and goes to the protocol's body reader.

use super::headers;
use super::{ResponseParser, tag};
use crate::model::view::{
    Blob, BlobEncoding, DecodeError, Escape, Node, RawTimestamp, Reader, Scalar, ScalarKind, Text,
};
use crate::model::{Location, Member, Protocol, ShapeId, ShapeKind};

impl<'r> ResponseParser<'r> {
    /// The body reader of this protocol.
    fn body_reader(&self) -> &dyn Reader {
        // A protocol left out of the build never gets here (`parse` and
        // `output` refuse it first); the constant guards keep its reader out.
        match self.protocol {
            Protocol::RestXml | Protocol::Query | Protocol::Ec2 if crate::features::XML => {
                &self.xml
            }
            Protocol::SmithyRpcV2Cbor if crate::features::CBOR => &self.cbor,
            _ => &self.json,
        }
    }

    /// `member` of the top-level structure `parent`.
    fn top_member<'a>(
        &'a self,
        parent: &Node<'a>,
        member: &'static Member,
    ) -> Result<Option<Node<'a>>, DecodeError> {
        let rest = matches!(self.protocol, Protocol::RestJson | Protocol::RestXml);
        let reader = parent.reader();
        if super::event_stream::is_stream_member(self.model, member) {
            let span = self.stream_span();
            return Ok(Some(Node::new(
                span,
                tag::EVENT_STREAM,
                Some(member),
                reader,
            )));
        }
        if rest {
            match member.location {
                Location::Header => {
                    let Some(value) = self.header(member.wire_name()) else {
                        return Ok(None);
                    };
                    let is_list = self
                        .model
                        .shape(member.target)
                        .is_some_and(|s| matches!(s.kind, ShapeKind::List { .. }));
                    let t = if is_list {
                        tag::HEADER_LIST
                    } else {
                        tag::HEADER
                    };
                    return Ok(Some(Node::new(value.as_bytes(), t, Some(member), reader)));
                }
                Location::Headers => {
                    return Ok(Some(Node::new(b"", tag::HEADER_MAP, Some(member), reader)));
                }
                Location::StatusCode => {
                    let digits = self.status_str().as_bytes();
                    return Ok(Some(Node::new(digits, tag::STATUS, Some(member), reader)));
                }
                Location::Body | Location::Uri | Location::QueryString => {}
            }
            let id = ShapeId((parent.tag() & 0xFFFF) as u16);
            let payload = self.model.shape(id).and_then(|s| s.payload());
            if payload.is_some_and(|p| core::ptr::eq(p, member)) {
                let kind = self.model.shape(member.target).map(|s| &s.kind);
                if matches!(kind, Some(ShapeKind::Blob | ShapeKind::String { .. })) {
                    let body = self.response.body;
                    return Ok(Some(Node::new(body, tag::PAYLOAD, Some(member), reader)));
                }
                if parent.raw().is_empty() {
                    return Ok(None);
                }
                let t = self.body_struct_tag();
                return Ok(Some(Node::new(parent.raw(), t, Some(member), reader)));
            }
            if payload.is_some() {
                // With a payload member, the body holds nothing else.
                return Ok(None);
            }
        } else if matches!(self.protocol, Protocol::Query | Protocol::Ec2)
            && member.location != Location::Body
        {
            // botocore's XML structure walk skips header-bound members.
            return Ok(None);
        }
        if parent.raw().is_empty() {
            return Ok(None);
        }
        let body_node = Node::new(parent.raw(), self.body_struct_tag(), None, reader);
        self.body_reader().member(&body_node, member)
    }
}

impl Reader for ResponseParser<'_> {
    fn member<'a>(
        &'a self,
        parent: &Node<'a>,
        member: &'static Member,
    ) -> Result<Option<Node<'a>>, DecodeError> {
        match parent.tag() {
            t if t & 0xFF00_0000 == tag::TOP => self.top_member(parent, member),
            // Event nodes exist only with `event-streams`.
            tag::EVENT if cfg!(feature = "event-streams") => self.event_member(parent, member),
            t if t >= tag::FIRST_OWN => Err(DecodeError::WrongType),
            _ => self.body_reader().member(parent, member),
        }
    }

    fn next_item<'a>(
        &'a self,
        list: &Node<'a>,
        cursor: &mut usize,
    ) -> Result<Option<Node<'a>>, DecodeError> {
        match list.tag() {
            tag::HEADER_LIST => {
                let text = core::str::from_utf8(list.raw()).map_err(|_| DecodeError::Malformed)?;
                let item_member = list
                    .via()
                    .and_then(|m| self.model.shape(m.target))
                    .and_then(|s| match s.kind {
                        ShapeKind::List { member } => Some(member),
                        _ => None,
                    });
                Ok(headers::next_list_item(text, cursor).map(|item| {
                    Node::new(item.as_bytes(), tag::HEADER, item_member, list.reader())
                }))
            }
            // Only made with `event-streams` on; the guard keeps the event
            // reader out of builds without it.
            tag::EVENT_STREAM if cfg!(feature = "event-streams") => self.next_event(list, cursor),
            t if t >= tag::FIRST_OWN => Err(DecodeError::WrongType),
            _ => self.body_reader().next_item(list, cursor),
        }
    }

    fn next_entry<'a>(
        &'a self,
        map: &Node<'a>,
        cursor: &mut usize,
    ) -> Result<Option<(Node<'a>, Node<'a>)>, DecodeError> {
        match map.tag() {
            tag::HEADER_MAP => {
                let via = map.via().ok_or(DecodeError::WrongType)?;
                let (key_member, value_member) = match self.model.shape(via.target).map(|s| &s.kind)
                {
                    Some(ShapeKind::Map { key, value }) => (*key, *value),
                    _ => return Err(DecodeError::WrongType),
                };
                // botocore's prefix is the `locationName`, or nothing (every header).
                let prefix = via.location_name.unwrap_or("");
                let mut rest = self.response.headers.iter_from(*cursor);
                while let Some((name, value)) = rest.next() {
                    *cursor = rest.position();
                    if let Some(key) = headers::strip_prefix_ignore_case(name, prefix) {
                        return Ok(Some((
                            Node::new(key.as_bytes(), tag::HEADER, Some(key_member), map.reader()),
                            Node::new(
                                value.as_bytes(),
                                tag::HEADER,
                                Some(value_member),
                                map.reader(),
                            ),
                        )));
                    }
                }
                Ok(None)
            }
            t if t >= tag::FIRST_OWN => Err(DecodeError::WrongType),
            _ => self.body_reader().next_entry(map, cursor),
        }
    }

    fn scalar<'a>(&'a self, node: &Node<'a>, kind: ScalarKind) -> Result<Scalar<'a>, DecodeError> {
        match node.tag() {
            tag::HEADER => {
                let text = core::str::from_utf8(node.raw()).map_err(|_| DecodeError::Malformed)?;
                headers::scalar(text, kind, self.protocol == Protocol::RestXml)
            }
            tag::EVENT_HEADER if cfg!(feature = "event-streams") => {
                self.event_header_scalar(node, kind)
            }
            tag::STATUS => {
                let text = self.status_str();
                headers::scalar(text, kind, false)
            }
            tag::PAYLOAD => match kind {
                ScalarKind::Blob => Ok(Scalar::Blob(Blob::new(node.raw(), BlobEncoding::Raw))),
                ScalarKind::Text => {
                    let text =
                        core::str::from_utf8(node.raw()).map_err(|_| DecodeError::Malformed)?;
                    Ok(Scalar::Text(Text::new(text, Escape::None)))
                }
                _ => Err(DecodeError::WrongType),
            },
            t if t >= tag::FIRST_OWN => Err(DecodeError::WrongType),
            _ => self.body_reader().scalar(node, kind),
        }
    }

    fn timestamp<'a>(&'a self, node: &Node<'a>) -> Result<RawTimestamp<'a>, DecodeError> {
        match node.tag() {
            tag::HEADER => {
                let text = core::str::from_utf8(node.raw()).map_err(|_| DecodeError::Malformed)?;
                Ok(RawTimestamp::Text(crate::text::py_strip(text)))
            }
            tag::EVENT_HEADER if cfg!(feature = "event-streams") => {
                self.event_header_timestamp(node)
            }
            tag::STATUS => Ok(RawTimestamp::Text(self.status_str())),
            tag::PAYLOAD => Err(DecodeError::WrongType),
            t if t >= tag::FIRST_OWN => Err(DecodeError::WrongType),
            _ => self.body_reader().timestamp(node),
        }
    }
}
