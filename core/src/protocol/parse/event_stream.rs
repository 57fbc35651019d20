//! Event-stream outputs (`application/vnd.amazon.eventstream`), read as
//! botocore's `EventStream` and `BaseEventStreamParser` read them.
//!
//! * In `json` and `smithy-rpc-v2-cbor`, the first message must be an
//!   `initial-response` event; its payload holds the output's other members.
//!   In the REST protocols the other members come from the HTTP headers.
//! * The event-stream member is a node over the remaining messages
//!   (`tag::EVENT_STREAM`). [`Events`] walks it: each `event` message picks the
//!   stream's member named by `:event-type` (unknown types are skipped, as
//!   botocore drops their empty dicts) and becomes an event node whose members
//!   come from message headers (`eventheader`) and the payload (`eventpayload`
//!   blob / string / structure, or the whole payload parsed as the event
//!   structure when no member is the payload).
//! * An `error` or `exception` message ends the walk with a
//!   [`StreamException`]: the `:exception-type` (a modelled exception, its
//!   members parsed from the payload) or `:error-code` / `:error-message`.
//!
//! Messages are decoded in place by [`format::eventstream`](crate::format::eventstream);
//! nothing is copied.

use core::fmt;

use super::{Output, ParseError, ResponseParser, tag};
use crate::format::eventstream::{EventStreamError, HeaderValue, Message};
use crate::model::view::{
    Blob, BlobEncoding, DecodeError, Escape, Node, RawTimestamp, Scalar, ScalarKind, Text,
};
use crate::model::{Member, MemberFlags, Protocol, ServiceModel, Shape, ShapeFlags, ShapeKind};
use crate::time::Timestamp;

/// The member of `shape` whose target is an `eventstream` shape.
pub(super) fn stream_member(
    model: &'static ServiceModel,
    shape: &'static Shape,
) -> Option<&'static Member> {
    shape.members().iter().find(|m| is_stream_member(model, m))
}

/// Whether `member` targets an `eventstream` shape (never, without the
/// `event-streams` feature: `output` refuses such outputs first, and the
/// event-stream readers are not linked).
pub(super) fn is_stream_member(model: &'static ServiceModel, member: &Member) -> bool {
    cfg!(feature = "event-streams") && targets_stream(model, member)
}

/// Whether `member`'s target shape is an `eventstream`.
pub(super) fn targets_stream(model: &'static ServiceModel, member: &Member) -> bool {
    model
        .shape(member.target)
        .is_some_and(|s| s.flags.contains(ShapeFlags::EVENT_STREAM))
}

/// Whether the protocol opens a stream with an `initial-response` event.
fn has_initial_response(protocol: Protocol) -> bool {
    matches!(protocol, Protocol::Json | Protocol::SmithyRpcV2Cbor)
}

impl<'r> ResponseParser<'r> {
    /// The span of the output structure of an event-stream output: the
    /// `initial-response` payload (RPC protocols) or nothing (REST).
    pub(super) fn stream_output_span(&self) -> Result<&[u8], ParseError> {
        if !has_initial_response(self.protocol) {
            return Ok(b"");
        }
        let (first, _) = Message::decode(self.response.body).map_err(|e| match e {
            EventStreamError::Truncated { .. } if self.response.body.is_empty() => {
                ParseError::NoInitialResponse
            }
            e => ParseError::EventStream(e),
        })?;
        if first.event_type() != Some("initial-response") {
            return Err(ParseError::NoInitialResponse);
        }
        let payload = first.payload();
        if payload.trim_ascii().is_empty() {
            return Ok(b"");
        }
        let root = match self.protocol {
            Protocol::SmithyRpcV2Cbor if crate::features::CBOR => self.cbor.root(payload)?,
            _ => self.json.root(payload)?,
        };
        Ok(root.raw())
    }

    /// The messages of the stream: the body, after the `initial-response`
    /// message in the RPC protocols.
    pub(super) fn stream_span(&self) -> &'r [u8] {
        let body = self.response.body;
        if !has_initial_response(self.protocol) {
            return body;
        }
        match Message::decode(body) {
            Ok((_, used)) => body.get(used..).unwrap_or(&[]),
            Err(_) => b"",
        }
    }

    /// The structure node over an event payload, `None` when it is blank.
    fn payload_root<'a>(&'a self, payload: &'a [u8]) -> Result<Option<Node<'a>>, DecodeError> {
        if payload.trim_ascii().is_empty() {
            return Ok(None);
        }
        let root = match self.protocol {
            Protocol::RestXml | Protocol::Query | Protocol::Ec2 if crate::features::XML => {
                self.xml.root(payload)?
            }
            Protocol::SmithyRpcV2Cbor if crate::features::CBOR => self.cbor.root(payload)?,
            _ => self.json.root(payload)?,
        };
        Ok(Some(Node::new(
            root.raw(),
            self.body_struct_tag(),
            None,
            root.reader(),
        )))
    }

    /// `member` of the event (or exception) node `event`, whose raw bytes are
    /// the whole message and whose `via` is the stream member naming its shape.
    pub(super) fn event_member<'a>(
        &'a self,
        event: &Node<'a>,
        member: &'static Member,
    ) -> Result<Option<Node<'a>>, DecodeError> {
        let (message, _) = Message::decode(event.raw()).map_err(|_| DecodeError::Malformed)?;
        let reader = event.reader();
        if member.flags.contains(MemberFlags::EVENT_HEADER) {
            if message.header(member.name).is_none() {
                return Ok(None);
            }
            return Ok(Some(Node::new(
                event.raw(),
                tag::EVENT_HEADER,
                Some(member),
                reader,
            )));
        }
        let payload = message.payload();
        if member.flags.contains(MemberFlags::EVENT_PAYLOAD) {
            let kind = self.model.shape(member.target).map(|s| &s.kind);
            if matches!(kind, Some(ShapeKind::Blob | ShapeKind::String { .. })) {
                return Ok(Some(Node::new(payload, tag::PAYLOAD, Some(member), reader)));
            }
            let Some(root) = self.payload_root(payload)? else {
                return Ok(None);
            };
            return Ok(Some(Node::new(
                root.raw(),
                root.tag(),
                Some(member),
                root.reader(),
            )));
        }
        let event_shape = event.via().and_then(|v| self.model.shape(v.target));
        let has_payload_member = event_shape.is_some_and(|s| {
            s.members()
                .iter()
                .any(|m| m.flags.contains(MemberFlags::EVENT_PAYLOAD))
        });
        if has_payload_member {
            return Ok(None);
        }
        match self.payload_root(payload)? {
            Some(root) => root.member(member),
            None => Ok(None),
        }
    }

    /// The next event node of the stream node `stream` from `cursor`.
    pub(super) fn next_event<'a>(
        &'a self,
        stream: &Node<'a>,
        cursor: &mut usize,
    ) -> Result<Option<Node<'a>>, DecodeError> {
        let mut events = Events {
            node: *stream,
            model: self.model,
            cursor: *cursor,
            done: false,
        };
        let next = events.next();
        *cursor = events.cursor;
        match next {
            None => Ok(None),
            Some(Ok(event)) => Ok(Some(event.node)),
            Some(Err(_)) => Err(DecodeError::Malformed),
        }
    }

    /// The scalar of an `eventheader` member (node raw: the message).
    pub(super) fn event_header_scalar<'a>(
        &'a self,
        node: &Node<'a>,
        kind: ScalarKind,
    ) -> Result<Scalar<'a>, DecodeError> {
        let (message, _) = Message::decode(node.raw()).map_err(|_| DecodeError::Malformed)?;
        let name = node.via().ok_or(DecodeError::WrongType)?.name;
        let value = message.header(name).ok_or(DecodeError::WrongType)?;
        header_scalar(value, kind)
    }

    /// The timestamp of an `eventheader` member (milliseconds since the
    /// epoch on the wire).
    pub(super) fn event_header_timestamp<'a>(
        &'a self,
        node: &Node<'a>,
    ) -> Result<RawTimestamp<'a>, DecodeError> {
        match self.event_header_scalar(node, ScalarKind::Timestamp(None))? {
            Scalar::Timestamp(t) => Ok(RawTimestamp::Instant(t)),
            _ => Err(DecodeError::WrongType),
        }
    }
}

/// A header value as the scalar `kind` asks for.
fn header_scalar(value: HeaderValue<'_>, kind: ScalarKind) -> Result<Scalar<'_>, DecodeError> {
    let scalar = match (kind, value) {
        (ScalarKind::Bool, HeaderValue::Bool(b)) => Scalar::Bool(b),
        (ScalarKind::Int, v) => Scalar::Int(v.as_int().ok_or(DecodeError::WrongType)?),
        (ScalarKind::Float, v) => Scalar::Float(v.as_int().ok_or(DecodeError::WrongType)? as f64),
        (ScalarKind::Text, HeaderValue::String(s)) => Scalar::Text(Text::new(s, Escape::None)),
        (ScalarKind::Blob, HeaderValue::Bytes(b)) => Scalar::Blob(Blob::new(b, BlobEncoding::Raw)),
        (ScalarKind::Blob, HeaderValue::String(s)) => {
            Scalar::Blob(Blob::new(s.as_bytes(), BlobEncoding::Raw))
        }
        (ScalarKind::Blob, HeaderValue::Uuid(u)) => Scalar::Blob(Blob::new(u, BlobEncoding::Raw)),
        (ScalarKind::Timestamp(_), v) => {
            // Event-stream timestamps are milliseconds since the epoch.
            let ms = v.as_int().ok_or(DecodeError::WrongType)?;
            let nanos = u32::try_from(ms.rem_euclid(1000) * 1_000_000)
                .map_err(|_| DecodeError::BadTimestamp)?;
            Scalar::Timestamp(Timestamp {
                secs: ms.div_euclid(1000),
                nanos,
            })
        }
        _ => return Err(DecodeError::WrongType),
    };
    Ok(scalar)
}

/// One event of a stream.
#[derive(Clone, Copy, Debug)]
pub struct Event<'a> {
    /// The stream's member naming the event (its `:event-type`).
    pub member: &'static Member,
    /// The event structure; decode it with the event shape's
    /// [`FromNode`](crate::model::view::FromNode), or read its members.
    pub node: Node<'a>,
}

impl Event<'_> {
    /// The event type, e.g. `Records`.
    pub fn name(&self) -> &'static str {
        self.member.name
    }
}

/// An `error` or `exception` message in the stream (botocore's `EventStreamError`).
#[derive(Clone, Copy, Debug)]
pub struct StreamException<'a> {
    /// `:exception-type`, or `:error-code` (empty when absent).
    pub code: &'a str,
    /// The exception's `Message` / `message` member, or `:error-message`.
    pub message: Option<Text<'a>>,
    /// The stream member of a modelled exception.
    pub member: Option<&'static Member>,
    /// The exception structure of a modelled exception.
    pub node: Option<Node<'a>>,
}

/// Why the next event could not be read.
#[derive(Clone, Copy, Debug)]
pub enum EventError<'a> {
    /// The message bytes are malformed, corrupt or truncated.
    Decode(EventStreamError),
    /// The service sent an error or exception in the stream.
    Exception(StreamException<'a>),
}

impl fmt::Display for EventError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EventError::Decode(e) => write!(f, "event stream: {e}"),
            EventError::Exception(x) => write!(f, "event stream error {}", x.code),
        }
    }
}

/// The events of an event-stream member, in order. Ends after the first error.
#[derive(Clone, Debug)]
pub struct Events<'a> {
    node: Node<'a>,
    model: &'static ServiceModel,
    cursor: usize,
    done: bool,
}

impl<'a> Events<'a> {
    /// The events of `node`, an event-stream member's node (as
    /// [`Output::events`] finds it) of a response to a `model` operation.
    pub fn new(node: Node<'a>, model: &'static ServiceModel) -> Self {
        Events {
            node,
            model,
            cursor: 0,
            done: false,
        }
    }

    /// The stream shape's member named `name`.
    fn stream_member(&self, name: &str) -> Option<&'static Member> {
        let stream = self.node.via().and_then(|v| self.model.shape(v.target))?;
        stream.members().iter().find(|m| m.name == name)
    }

    fn exception(&self, message: &Message<'a>, raw: &'a [u8]) -> StreamException<'a> {
        let known = message
            .header_str(":exception-type")
            .and_then(|t| Some((t, self.stream_member(t)?)));
        let Some((code, member)) = known else {
            return StreamException {
                code: message.header_str(":error-code").unwrap_or(""),
                message: message
                    .header_str(":error-message")
                    .map(|m| Text::new(m, Escape::None)),
                member: None,
                node: None,
            };
        };
        let node = Node::new(raw, tag::EVENT, Some(member), self.node.reader());
        let text = self.model.shape(member.target).and_then(|s| {
            ["Message", "message"].iter().find_map(|name| {
                let m = s.members().iter().find(|m| m.name == *name)?;
                node.member(m).ok().flatten()?.text().ok()
            })
        });
        StreamException {
            code,
            message: text,
            member: Some(member),
            node: Some(node),
        }
    }
}

impl<'a> Iterator for Events<'a> {
    type Item = Result<Event<'a>, EventError<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        let raw = self.node.raw();
        while !self.done {
            let rest = raw.get(self.cursor..).unwrap_or(&[]);
            if rest.is_empty() {
                self.done = true;
                break;
            }
            let (message, used) = match Message::decode(rest) {
                Ok(ok) => ok,
                Err(e) => {
                    self.done = true;
                    return Some(Err(EventError::Decode(e)));
                }
            };
            let bytes = rest.get(..used).unwrap_or(&[]);
            self.cursor += used;
            if matches!(message.message_type(), Some("error" | "exception")) {
                self.done = true;
                return Some(Err(EventError::Exception(self.exception(&message, bytes))));
            }
            let member = message.event_type().and_then(|t| self.stream_member(t));
            if let Some(member) = member {
                let node = Node::new(bytes, tag::EVENT, Some(member), self.node.reader());
                return Some(Ok(Event { member, node }));
            }
        }
        None
    }
}

impl<'a> Output<'a> {
    /// The events of the output's event-stream member (`None` when the
    /// output has none).
    pub fn events(&self) -> Result<Option<Events<'a>>, DecodeError> {
        let Some(shape) = self.shape else {
            return Ok(None);
        };
        let Some(member) = stream_member(self.model, shape) else {
            return Ok(None);
        };
        Ok(self
            .node
            .member(member)?
            .map(|node| Events::new(node, self.model)))
    }
}
