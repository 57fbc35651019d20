//! Response parsing for the six protocols, as botocore's `parsers.py` does it,
//! without a heap.
//!
//! A [`ResponseParser`] holds one HTTP response (status, headers, body — all
//! borrowed from the caller) together with the service tables, and implements
//! [`Reader`](crate::model::view::Reader) over all of it: structure members
//! found in headers (`header`, `headers` prefix maps, `statusCode`), in a raw
//! payload, or in the body (delegated to the [`format`](crate::format) readers).
//! [`ResponseParser::parse`] decides between output and error by botocore's
//! rules and returns a [`Parsed`]:
//!
//! * [`Output`] — a [`Node`] over the output structure; generated output views
//!   decode it with [`FromNode`](crate::model::view::FromNode), and
//!   [`Output::write_json`] writes it as JSON text (the dynamic face);
//! * [`ServiceError`] — the error code and message by the protocol's rules
//!   (see [`errors`]) and, when the code names an exception shape, a node over
//!   its members.
//!
//! Nothing is copied: text, blobs and numbers are read from the buffers when a
//! view asks for them. Malformed, truncated or too deeply nested bodies give a
//! [`ParseError`] or a [`DecodeError`], never a panic.
//!
//! ```
//! use stratus_core::model::*;
//! use stratus_core::protocol::parse::{Parsed, Response, ResponseParser};
//! # static SHAPES: [Shape; 0] = [];
//! # static OPS: [Operation; 1] = [Operation {
//! #     name: "Ping", snake_name: "ping", cli_name: "ping", http_method: HttpMethod::Post,
//! #     request_uri: "/", response_code: 200, host_prefix: None, input: None, output: None,
//! #     errors: &[], auth: &[AuthScheme::SigV4], flags: OperationFlags::EMPTY, traits: None,
//! # }];
//! # static MODEL: ServiceModel = ServiceModel {
//! #     name: "demo",
//! #     metadata: ServiceMetadata {
//! #         protocol: Protocol::Json, protocols: &[Protocol::Json], api_version: "2020-01-01",
//! #         endpoint_prefix: "demo", signing_name: "demo", service_id: "Demo",
//! #         target_prefix: Some("Demo"), json_version: Some("1.1"), xml_namespace: None,
//! #         global_endpoint: None, signature_version: SignatureVersion::V4,
//! #         auth: &[AuthScheme::SigV4], aws_query_compatible: false, checksum_format: None,
//! #     },
//! #     operations: &OPS, shapes: &SHAPES,
//! # };
//! let op = MODEL.operation("Ping").unwrap();
//! let headers = [("x-amzn-RequestId", "r-1")];
//! let body = br#"{"__type": "com.demo#Throttled", "message": "slow down"}"#;
//! let response = Response { status: 400, headers: (&headers).into(), body };
//! let parser = ResponseParser::new(&MODEL, op, response);
//! let Ok(Parsed::Error(err)) = parser.parse() else { panic!() };
//! assert_eq!(err.code, "Throttled");
//! assert!(err.message.unwrap().eq_str("slow down"));
//! ```

pub mod errors;
pub mod event_stream;
mod headers;
mod reader;
mod to_json;

use core::fmt;

use crate::client::HeaderList;
use crate::format::cbor::CborReader;
use crate::format::json::{JsonReader, TAG_OBJECT};
use crate::format::xml::{TAG_ELEMENT, XmlReader};
use crate::model::view::{DecodeError, Node};
use crate::model::{Operation, Protocol, ServiceModel, Shape, ShapeId, ShapeKind};

pub use errors::{QueryError, ServiceError};
pub use event_stream::{Event, EventError, Events, StreamException};
pub use to_json::{
    MAX_JSON_DEPTH, MemberOverride, MemberOverrides, TimestampStyle, ToJsonError, is_null_node,
};

/// Deepest body nesting the parser's readers accept.
pub const MAX_BODY_DEPTH: usize = 64;

/// One HTTP response, borrowed from the transport's buffers.
#[derive(Clone, Copy, Debug)]
pub struct Response<'a> {
    /// The HTTP status code.
    pub status: u16,
    /// The headers (a slice of pairs is `(&pairs).into()`); names compare
    /// case-insensitively.
    pub headers: HeaderList<'a>,
    /// The whole body.
    pub body: &'a [u8],
}

/// Why a response could not be parsed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ParseError {
    /// The body is not well-formed for the protocol (or nested too deeply).
    Body(DecodeError),
    /// A `query` response lacks its `<OperationResult>` wrapper element.
    MissingResultWrapper,
    /// The `initial-response` message of an event-stream output is malformed.
    EventStream(crate::format::eventstream::EventStreamError),
    /// An event-stream output (`json`, `smithy-rpc-v2-cbor`) does not start
    /// with an `initial-response` event.
    NoInitialResponse,
    /// The response needs a part of the core this build left out (its
    /// protocol, event streams).
    Disabled(crate::features::Disabled),
}

impl From<crate::features::Disabled> for ParseError {
    fn from(d: crate::features::Disabled) -> Self {
        ParseError::Disabled(d)
    }
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ParseError::Body(e) => write!(f, "response body: {e}"),
            ParseError::MissingResultWrapper => {
                f.write_str("query response lacks its <OperationResult> element")
            }
            ParseError::EventStream(e) => write!(f, "event-stream output: {e}"),
            ParseError::NoInitialResponse => {
                f.write_str("event stream does not start with an initial-response event")
            }
            ParseError::Disabled(d) => write!(f, "{d}"),
        }
    }
}

impl From<DecodeError> for ParseError {
    fn from(e: DecodeError) -> Self {
        ParseError::Body(e)
    }
}

/// A parsed response: the modelled output, or an error.
#[derive(Clone, Copy, Debug)]
pub enum Parsed<'a> {
    /// A success response.
    Output(Output<'a>),
    /// An error response.
    Error(ServiceError<'a>),
}

impl Parsed<'_> {
    /// Writes the response as JSON text, as botocore's parsed dict (see
    /// [`Output::write_json`] and [`ServiceError::write_json`]).
    pub fn write_json<S: crate::format::Sink>(&self, sink: &mut S) -> Result<(), ToJsonError> {
        match self {
            Parsed::Output(o) => o.write_json(sink),
            Parsed::Error(e) => e.write_json(sink),
        }
    }
}

/// A success response: a node over the output structure.
#[derive(Clone, Copy, Debug)]
pub struct Output<'a> {
    /// The output structure; decode it with the generated output type's
    /// [`FromNode`](crate::model::view::FromNode).
    pub node: Node<'a>,
    /// The output shape (`None` when the operation has no output).
    pub shape: Option<&'static Shape>,
    /// The service the shape belongs to.
    pub model: &'static ServiceModel,
}

/// Node tags of the parser's own nodes; body readers use small numbers.
pub(crate) mod tag {
    /// A top-level structure (output or error); the low 16 bits are its shape id
    /// (`0xFFFF`: no shape).
    pub const TOP: u32 = 0x0100_0000;
    /// One header value (or one item of a comma-separated header list).
    pub const HEADER: u32 = 0x0200_0000;
    /// A comma-separated header list.
    pub const HEADER_LIST: u32 = 0x0200_0001;
    /// A `headers` prefix map.
    pub const HEADER_MAP: u32 = 0x0200_0002;
    /// The status code.
    pub const STATUS: u32 = 0x0200_0003;
    /// A blob or string payload: the whole body (or an event's payload).
    pub const PAYLOAD: u32 = 0x0200_0004;
    /// An event-stream member: the stream's messages.
    pub const EVENT_STREAM: u32 = 0x0200_0005;
    /// One event (or modelled exception) of a stream: the whole message.
    pub const EVENT: u32 = 0x0200_0006;
    /// An `eventheader` member: the whole message; the member names the header.
    pub const EVENT_HEADER: u32 = 0x0200_0007;
    /// The first tag owned by the parser.
    pub const FIRST_OWN: u32 = TOP;
    /// The shape id meaning "no shape".
    pub const NO_SHAPE: u32 = 0xFFFF;
}

/// One response and the tables to read it with. See the [module docs](self).
///
/// For `smithy-rpc-v2-cbor`, pass a body whose strings are contiguous: run it
/// through [`join_chunked_strings`](crate::format::cbor::join_chunked_strings)
/// first (a chunked string reads as `WrongType`).
#[derive(Debug)]
pub struct ResponseParser<'a> {
    model: &'static ServiceModel,
    op: &'static Operation,
    protocol: Protocol,
    response: Response<'a>,
    /// The status botocore acts on (S3's 200-with-an-error replies: 500).
    status: u16,
    /// `status` in decimal, zero-padded to five digits.
    status_text: [u8; 5],
    json: JsonReader,
    xml: XmlReader,
    cbor: CborReader,
}

/// The node tag CBOR bodies give a map (major type 5, RFC 8949).
const CBOR_MAP: u32 = 5;

impl<'a> ResponseParser<'a> {
    /// A parser for `response` to `op` of `model`, in the model's protocol.
    pub fn new(
        model: &'static ServiceModel,
        op: &'static Operation,
        response: Response<'a>,
    ) -> Self {
        let mut parser = ResponseParser {
            model,
            op,
            protocol: crate::protocol::resolved_protocol(&model.metadata),
            response,
            status: response.status,
            status_text: [0u8; 5],
            json: JsonReader::new(MAX_BODY_DEPTH),
            xml: XmlReader::new(model, MAX_BODY_DEPTH),
            cbor: CborReader::new(MAX_BODY_DEPTH),
        };
        parser.status = errors::effective_status(&parser);
        crate::format::number::padded_decimal(&mut parser.status_text, u64::from(parser.status));
        parser
    }

    /// The status the response is judged by: the HTTP status, except that S3's
    /// 200-with-an-error replies count as 500 (as botocore rewrites them).
    pub fn status(&self) -> u16 {
        self.status
    }

    /// The protocol responses are read in.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The response.
    pub fn response(&self) -> &Response<'a> {
        &self.response
    }

    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'a str> {
        self.response.headers.get(name)
    }

    /// botocore's `RequestId`: `x-amzn-requestid`, else `x-amz-request-id`.
    pub fn request_id(&self) -> Option<&'a str> {
        self.header("x-amzn-requestid")
            .or_else(|| self.header("x-amz-request-id"))
    }

    /// The status code as text, borrowed from the parser.
    fn status_str(&self) -> &str {
        // Zero-padded to five digits (any `u16`); the zeros are dropped.
        let digits = &self.status_text;
        let start = digits.iter().position(|&d| d != b'0').unwrap_or(4);
        core::str::from_utf8(digits.get(start..).unwrap_or(&[])).unwrap_or("")
    }

    /// Parses the response: an output, or an error by the protocol's rules.
    pub fn parse(&self) -> Result<Parsed<'_>, ParseError> {
        crate::features::require_protocol(self.protocol)?;
        if self.status >= 301 {
            return errors::parse_error(self, self.status).map(Parsed::Error);
        }
        self.output().map(Parsed::Output)
    }

    /// Parses the response as the operation's output, whatever its status.
    pub fn output(&self) -> Result<Output<'_>, ParseError> {
        crate::features::require_protocol(self.protocol)?;
        let shape = self.model.output_of(self.op);
        let id = self.op.output;
        let Some(out) = shape else {
            return Ok(Output {
                node: self.top(b"", None),
                shape: None,
                model: self.model,
            });
        };
        if !cfg!(feature = "event-streams")
            && out
                .members()
                .iter()
                .any(|m| event_stream::targets_stream(self.model, m))
        {
            return Err(crate::features::Disabled::EventStreams.into());
        }
        let span = if event_stream::stream_member(self.model, out).is_some() {
            self.stream_output_span()?
        } else {
            self.output_span(out)?
        };
        Ok(Output {
            node: self.top(span, id),
            shape,
            model: self.model,
        })
    }

    /// A top-level node over the structure `span` of shape `id`.
    fn top<'s>(&'s self, span: &'s [u8], id: Option<ShapeId>) -> Node<'s> {
        let low = id.map_or(tag::NO_SHAPE, |id| u32::from(id.0));
        Node::new(span, tag::TOP | low, None, self)
    }

    /// The tag body readers give a structure span in this protocol.
    fn body_struct_tag(&self) -> u32 {
        match self.protocol {
            Protocol::Json | Protocol::RestJson => TAG_OBJECT,
            Protocol::SmithyRpcV2Cbor => CBOR_MAP,
            Protocol::RestXml | Protocol::Query | Protocol::Ec2 => TAG_ELEMENT,
        }
    }

    /// Whether the body holds nothing but whitespace.
    fn body_is_blank(&self) -> bool {
        self.response.body.trim_ascii().is_empty()
    }

    /// The span of the body that holds the output structure's members.
    fn output_span(&self, out: &'static Shape) -> Result<&[u8], ParseError> {
        use crate::features::{CBOR, protocol_enabled as on};
        let body = self.response.body;
        // The guards are constants: a protocol left out of the build leaves
        // its reader out too.
        match self.protocol {
            Protocol::Json => Ok(self.json.root(body)?.raw()),
            Protocol::RestJson => {
                if raw_payload(self.model, out) || self.body_is_blank() {
                    return Ok(b"");
                }
                Ok(self.json.root(body)?.raw())
            }
            Protocol::RestXml if on(Protocol::RestXml) => {
                if raw_payload(self.model, out) || self.body_is_blank() {
                    return Ok(b"");
                }
                Ok(self.xml.root(body)?.raw())
            }
            Protocol::Ec2 if on(Protocol::Ec2) => {
                if self.body_is_blank() {
                    return Ok(b"");
                }
                Ok(self.xml.root(body)?.raw())
            }
            Protocol::Query if on(Protocol::Query) => {
                if out.members().is_empty() || self.body_is_blank() {
                    return Ok(b"");
                }
                let root = self.xml.root(body)?;
                let mut name: heapless::String<160> = heapless::String::new();
                name.push_str(self.op.name)
                    .and_then(|()| name.push_str("Result"))
                    .map_err(|()| ParseError::MissingResultWrapper)?;
                let wrapper = self
                    .xml
                    .child(&root, &name)?
                    .ok_or(ParseError::MissingResultWrapper)?;
                Ok(wrapper.raw())
            }
            Protocol::SmithyRpcV2Cbor if CBOR => Ok(self.cbor.root(body)?.raw()),
            p => Err(crate::features::Disabled::Protocol(p).into()),
        }
    }
}

/// Whether `shape`'s payload member is a blob or string (the body as is).
fn raw_payload(model: &'static ServiceModel, shape: &'static Shape) -> bool {
    shape
        .payload()
        .and_then(|m| model.shape(m.target))
        .is_some_and(|s| matches!(s.kind, ShapeKind::Blob | ShapeKind::String { .. }))
}

#[cfg(test)]
mod tests;
