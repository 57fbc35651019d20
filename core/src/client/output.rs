//! What a call gives back: [`CallOutput`] (the response, parsed on demand,
//! with the edits `after-call` handlers made) and [`CallError`].

use core::fmt;

use super::endpoint::EndpointError;
use super::events::TooManyHandlers;
use super::headers::HeadersFull;
use super::transport::{ResponseView, TransportError};
use crate::credentials::CredentialsError;
use crate::format::Sink;
use crate::model::{Operation, ServiceModel};
use crate::protocol::parse::{
    MemberOverride, MemberOverrides, ParseError, Parsed, ResponseParser, TimestampStyle,
    ToJsonError,
};
use crate::protocol::serialize::SerializeError;
use crate::sigv4::SigningError;

/// Most members `after-call` handlers may replace in one result.
pub const MAX_RESULT_EDITS: usize = 4;

/// Text an `after-call` handler copied into the call's scratch buffer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct TextRef {
    start: usize,
    end: usize,
}

/// Why a result edit was refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EditError {
    /// The output shape has no such member.
    UnknownMember,
    /// The member is not text, or its value cannot be decoded.
    NotText,
    /// The text is not valid JSON.
    NotJson,
    /// The scratch buffer or the edit table is full.
    Full,
    /// The response could not be parsed.
    Parse(ParseError),
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::UnknownMember => f.write_str("the output has no such member"),
            EditError::NotText => f.write_str("the member is not text"),
            EditError::NotJson => f.write_str("the text is not valid JSON"),
            EditError::Full => f.write_str("no room for another result edit"),
            EditError::Parse(e) => write!(f, "{e}"),
        }
    }
}

#[derive(Clone, Copy)]
enum Edit {
    Json(TextRef),
    Omit,
}

/// A call's response, with the edits `after-call` handlers made.
///
/// Parse it with [`parser`](Self::parser) (typed: decode the output node with
/// the generated `FromNode` types), or write it as botocore's parsed dict with
/// [`write_json`](Self::write_json), which applies the edits.
pub struct CallOutput<'w> {
    model: &'static ServiceModel,
    op: &'static Operation,
    response: ResponseView<'w>,
    scratch: &'w mut [u8],
    used: usize,
    edits: heapless::Vec<(&'static str, Edit), MAX_RESULT_EDITS>,
    attempts: u32,
}

impl fmt::Debug for CallOutput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallOutput")
            .field("operation", &self.op.name)
            .field("status", &self.response.status)
            .field("body_bytes", &self.response.body.len())
            .field("edits", &self.edits.len())
            .field("attempts", &self.attempts)
            .finish()
    }
}

impl<'w> CallOutput<'w> {
    pub(crate) fn new(
        model: &'static ServiceModel,
        op: &'static Operation,
        response: ResponseView<'w>,
        scratch: &'w mut [u8],
        attempts: u32,
    ) -> Self {
        CallOutput {
            model,
            op,
            response,
            scratch,
            used: 0,
            edits: heapless::Vec::new(),
            attempts,
        }
    }

    /// The operation called.
    pub fn operation(&self) -> &'static Operation {
        self.op
    }

    /// The HTTP response.
    pub fn response(&self) -> &ResponseView<'w> {
        &self.response
    }

    /// How many attempts the call took.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// A parser over the response.
    pub fn parser(&self) -> ResponseParser<'_> {
        ResponseParser::new(self.model, self.op, self.response.as_response())
    }

    /// The status the response is judged by (500 for S3's 200-with-error).
    pub fn status(&self) -> u16 {
        self.parser().status()
    }

    /// The error code, when the response is an error (copied, cut at 64
    /// bytes); see [`error_code_of`].
    pub fn error_code(&self) -> Option<heapless::String<64>> {
        error_code_of(&self.parser())
    }

    /// Whether the service refused the request's signature or credentials
    /// (`SignatureDoesNotMatch`, `InvalidSignatureException`, EC2's
    /// `AuthFailure`, an unknown key id, …): the secret, the key or the
    /// clock is wrong, and retrying the same request cannot help.
    pub fn is_signature_refused(&self) -> bool {
        self.error_code()
            .is_some_and(|c| SIGNATURE_REFUSALS.contains(&c.as_str()))
    }

    /// Writes the result as botocore's parsed dict, as JSON, with the edits.
    pub fn write_json<S: Sink>(&self, sink: &mut S) -> Result<(), ToJsonError> {
        let parser = self.parser();
        match parser.parse().map_err(|e| match e {
            ParseError::Body(d) => ToJsonError::Decode(d),
            _ => ToJsonError::UnknownShape,
        })? {
            Parsed::Output(o) => o.write_json_with(sink, self),
            Parsed::Error(e) => e.write_json(sink),
        }
    }

    /// As [`write_json`](Self::write_json), with timestamps written in
    /// `style` (`TimestampStyle::Iso8601` for the aws CLI's output form).
    pub fn write_json_styled<S: Sink>(
        &self,
        sink: &mut S,
        style: TimestampStyle,
    ) -> Result<(), ToJsonError> {
        let parser = self.parser();
        match parser.parse().map_err(|e| match e {
            ParseError::Body(d) => ToJsonError::Decode(d),
            _ => ToJsonError::UnknownShape,
        })? {
            Parsed::Output(o) => o.write_json_with_styled(sink, self, style),
            Parsed::Error(e) => e.write_json_styled(sink, style),
        }
    }

    /// Decodes string member `name` of the output into the scratch buffer.
    pub fn copy_text(&mut self, name: &str) -> Result<Option<TextRef>, EditError> {
        let member = self
            .model
            .output_of(self.op)
            .and_then(|s| s.members().iter().find(|m| m.name == name))
            .ok_or(EditError::UnknownMember)?;
        let parser = ResponseParser::new(self.model, self.op, self.response.as_response());
        let out = parser.output().map_err(EditError::Parse)?;
        let Some(node) = out.node.member(member).map_err(|_| EditError::NotText)? else {
            return Ok(None);
        };
        let text = node.text().map_err(|_| EditError::NotText)?;
        let free = self.scratch.get_mut(self.used..).ok_or(EditError::Full)?;
        let len = text.decode_into(free).map_err(|_| EditError::Full)?.len();
        let r = TextRef {
            start: self.used,
            end: self.used + len,
        };
        self.used += len;
        Ok(Some(r))
    }

    /// Copies `text` into the scratch buffer.
    pub fn keep_text(&mut self, text: &str) -> Result<TextRef, EditError> {
        let end = self.used + text.len();
        self.scratch
            .get_mut(self.used..end)
            .ok_or(EditError::Full)?
            .copy_from_slice(text.as_bytes());
        let r = TextRef {
            start: self.used,
            end,
        };
        self.used = end;
        Ok(r)
    }

    /// The text of `r`.
    pub fn text(&self, r: TextRef) -> &str {
        core::str::from_utf8(self.scratch.get(r.start..r.end).unwrap_or(&[])).unwrap_or("")
    }

    fn member_name(&self, name: &str) -> Result<&'static str, EditError> {
        self.model
            .output_of(self.op)
            .and_then(|s| s.members().iter().find(|m| m.name == name))
            .map(|m| m.name)
            .ok_or(EditError::UnknownMember)
    }

    fn put(&mut self, name: &str, edit: Edit) -> Result<(), EditError> {
        let name = self.member_name(name)?;
        if let Some(slot) = self.edits.iter_mut().find(|(n, _)| *n == name) {
            slot.1 = edit;
            return Ok(());
        }
        self.edits.push((name, edit)).map_err(|_| EditError::Full)
    }

    /// Replaces member `name` with the JSON value in `json` (checked): the
    /// result then shows it as that value, not as a string.
    pub fn set_json(&mut self, name: &str, json: TextRef) -> Result<(), EditError> {
        let bytes = self.scratch.get(json.start..json.end).unwrap_or(&[]);
        crate::format::json::validate(bytes).map_err(|_| EditError::NotJson)?;
        self.put(name, Edit::Json(json))
    }

    /// Leaves member `name` out of the result.
    pub fn omit(&mut self, name: &str) -> Result<(), EditError> {
        self.put(name, Edit::Omit)
    }

    /// The JSON text a handler set for member `name`.
    pub fn edited_json(&self, name: &str) -> Option<&str> {
        self.edits.iter().find_map(|(n, e)| match e {
            Edit::Json(r) if *n == name => Some(self.text(*r)),
            _ => None,
        })
    }
}

impl MemberOverrides for CallOutput<'_> {
    fn member(&self, name: &str) -> Option<MemberOverride<'_>> {
        self.edits
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, e)| match e {
                Edit::Json(r) => MemberOverride::Json(self.text(*r)),
                Edit::Omit => MemberOverride::Omit,
            })
    }
}

/// Error codes with which services refuse a request's signature or key.
pub const SIGNATURE_REFUSALS: [&str; 7] = [
    "SignatureDoesNotMatch",
    "InvalidSignatureException",
    "AuthFailure",
    "IncompleteSignature",
    "InvalidClientTokenId",
    "UnrecognizedClientException",
    "InvalidAccessKeyId",
];

/// Writes a URL into the call's scratch buffer (presigning).
pub(crate) struct UrlSink<'w> {
    pub(crate) buf: &'w mut [u8],
    pub(crate) at: usize,
}

impl<'w> UrlSink<'w> {
    pub(crate) fn push(&mut self, s: &str) -> Result<(), crate::sigv4::SigningError> {
        crate::sigv4::Sink::put(self, s.as_bytes())
    }

    pub(crate) fn finish(self) -> &'w str {
        let at = self.at;
        core::str::from_utf8(self.buf.get(..at).unwrap_or(&[])).unwrap_or("")
    }
}

impl crate::sigv4::Sink for UrlSink<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), crate::sigv4::SigningError> {
        let end = self.at + bytes.len();
        let capacity = self.buf.len();
        self.buf
            .get_mut(self.at..end)
            .ok_or(crate::sigv4::SigningError::BufferTooSmall { capacity })?
            .copy_from_slice(bytes);
        self.at = end;
        Ok(())
    }
}

/// The `<Code>` element's text in an XML body, if there is one: the text
/// after the first `<Code>` (any namespace prefix, any attributes) up to the
/// next tag, trimmed. A plain scan rather than the XML reader, so builds
/// without an XML protocol do not link one for this.
fn xml_code(body: &[u8]) -> Option<&str> {
    let find = |bytes: &[u8], b: u8| bytes.iter().position(|&c| c == b);
    let mut rest = body;
    while let Some(open) = find(rest, b'<') {
        let tag = rest.get(open + 1..)?;
        let close = find(tag, b'>')?;
        let inside = tag.get(..close)?;
        let after = tag.get(close + 1..)?;
        rest = after;
        if inside.last() == Some(&b'/') || matches!(inside.first(), Some(b'/' | b'?' | b'!')) {
            continue;
        }
        let name = inside
            .split(u8::is_ascii_whitespace)
            .next()
            .unwrap_or_default();
        let local = name.rsplit(|&c| c == b':').next().unwrap_or_default();
        if local != b"Code" {
            continue;
        }
        let value = after.get(..find(after, b'<').unwrap_or(after.len()))?;
        if !value.is_empty() {
            // XML's white space is ASCII.
            return core::str::from_utf8(value.trim_ascii()).ok();
        }
    }
    None
}

/// The error code of an error response, by the protocol's rules; when those
/// find none (or only the status) and the body is XML — a JSON service's
/// front end refusing a signature answers so, as AWS's and moto's do — the
/// body's `<Code>`. botocore reports the status there; stratus names the
/// error so a wrong secret reads as `SignatureDoesNotMatch` on every protocol.
pub fn error_code_of(parser: &ResponseParser<'_>) -> Option<heapless::String<64>> {
    let Ok(Parsed::Error(e)) = parser.parse() else {
        return None;
    };
    let protocol_gave_none = e.code.is_empty() || e.code.bytes().all(|b| b.is_ascii_digit());
    let body = parser.response().body;
    if protocol_gave_none
        && body.trim_ascii_start().first() == Some(&b'<')
        && let Some(code) = xml_code(body)
    {
        return Some(super::bounded(code));
    }
    Some(super::bounded(e.code))
}

/// Why a call failed.
#[derive(Debug)]
pub enum CallError<'w> {
    /// No operation (or custom operation) of that name.
    UnknownOperation,
    /// No region was configured and the endpoint rules need one (botocore's
    /// `NoRegionError`): set it in the client config or the session.
    NoRegion,
    /// The input could not be serialized (includes parameter validation).
    Serialize(SerializeError),
    /// No endpoint could be resolved.
    Endpoint(EndpointError),
    /// The endpoint rules refused the parameters with this message (held in
    /// the workspace's URL buffer, cut at its length).
    EndpointRule(&'w str),
    /// No credentials.
    Credentials(CredentialsError),
    /// The request could not be signed.
    Signing(SigningError),
    /// The request headers do not fit their buffer.
    Headers(HeadersFull),
    /// A buffer of the [`Workspace`](super::Workspace) is too small.
    WorkspaceTooSmall {
        /// Which buffer.
        buffer: &'static str,
        /// What it had to hold.
        holds: &'static str,
    },
    /// Too many handlers match one event.
    Handlers(TooManyHandlers),
    /// A handler failed the call ([`Event::fail`](super::Event::fail)).
    Handler {
        /// The event the handler ran for.
        event: super::EventKind,
        /// The handler's reason.
        reason: &'static str,
    },
    /// The transport failed on the last attempt.
    Transport {
        /// What failed.
        error: TransportError,
        /// Attempts made.
        attempts: u32,
    },
    /// The response could not be parsed.
    Parse(ParseError),
    /// A streamed call could not be made.
    Streaming(super::StreamingError),
    /// The call needs a part of the core this build left out (e.g. adaptive
    /// retries without the `adaptive-retry` feature).
    Disabled(crate::features::Disabled),
    /// A URL or POST could not be presigned as botocore presigns it.
    Presign(super::PresignError),
    /// The service answered with an error; the response is here to read.
    Service(CallOutput<'w>),
}

/// What kind of failure a [`CallError`] is, without its details: for logs
/// and counters on a device, where formatting every detail of every error
/// costs flash. The variants are [`CallError`]'s.
///
/// ```
/// use stratus_core::client::{CallError, CallErrorKind};
/// assert_eq!(CallError::NoRegion.kind(), CallErrorKind::NoRegion);
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[allow(missing_docs)]
pub enum CallErrorKind {
    UnknownOperation,
    NoRegion,
    Serialize,
    Endpoint,
    EndpointRule,
    Credentials,
    Signing,
    Headers,
    WorkspaceTooSmall,
    Handlers,
    Handler,
    Transport,
    Parse,
    Streaming,
    Disabled,
    Presign,
    Service,
}

impl CallError<'_> {
    /// The kind of failure, without its details.
    pub fn kind(&self) -> CallErrorKind {
        match self {
            CallError::UnknownOperation => CallErrorKind::UnknownOperation,
            CallError::NoRegion => CallErrorKind::NoRegion,
            CallError::Serialize(_) => CallErrorKind::Serialize,
            CallError::Endpoint(_) => CallErrorKind::Endpoint,
            CallError::EndpointRule(_) => CallErrorKind::EndpointRule,
            CallError::Credentials(_) => CallErrorKind::Credentials,
            CallError::Signing(_) => CallErrorKind::Signing,
            CallError::Headers(_) => CallErrorKind::Headers,
            CallError::WorkspaceTooSmall { .. } => CallErrorKind::WorkspaceTooSmall,
            CallError::Handlers(_) => CallErrorKind::Handlers,
            CallError::Handler { .. } => CallErrorKind::Handler,
            CallError::Transport { .. } => CallErrorKind::Transport,
            CallError::Parse(_) => CallErrorKind::Parse,
            CallError::Streaming(_) => CallErrorKind::Streaming,
            CallError::Disabled(_) => CallErrorKind::Disabled,
            CallError::Presign(_) => CallErrorKind::Presign,
            CallError::Service(_) => CallErrorKind::Service,
        }
    }
}

impl fmt::Display for CallError<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CallError::UnknownOperation => f.write_str("the service has no such operation"),
            CallError::NoRegion => f.write_str(
                "you must specify a region: set it in the client config, the session, or AWS_DEFAULT_REGION",
            ),
            CallError::Serialize(e) => write!(f, "{e}"),
            CallError::Endpoint(e) => write!(f, "{e}"),
            CallError::EndpointRule(m) => write!(f, "endpoint rules: {m}"),
            CallError::Credentials(e) => write!(f, "{e}"),
            CallError::Signing(e) => write!(f, "{e}"),
            CallError::Headers(e) => write!(f, "{e}"),
            CallError::WorkspaceTooSmall { buffer, holds } => {
                write!(f, "the workspace's {buffer} buffer is too small to hold {holds}")
            }
            CallError::Handlers(e) => write!(f, "{e}"),
            CallError::Handler { event, reason } => {
                write!(f, "a {} handler failed the call: {reason}", event.as_str())
            }
            CallError::Transport { error, attempts } => {
                write!(f, "{error} (after {attempts} attempts)")
            }
            CallError::Parse(e) => write!(f, "{e}"),
            CallError::Streaming(e) => write!(f, "{e}"),
            CallError::Disabled(d) => write!(f, "{d}"),
            CallError::Presign(e) => write!(f, "{e}"),
            CallError::Service(out) => match out.error_code() {
                Some(code) => write!(
                    f,
                    "an error occurred ({code}) when calling the {} operation",
                    out.operation().name
                ),
                None => write!(f, "the {} operation failed", out.operation().name),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::HeaderList;
    use crate::client::test_support::DEMO;
    use crate::protocol::parse::Response;

    fn code(status: u16, body: &[u8]) -> Option<heapless::String<64>> {
        let op = DEMO.operation("Ping").unwrap();
        let parser = ResponseParser::new(
            &DEMO,
            op,
            Response {
                status,
                headers: HeaderList::EMPTY,
                body,
            },
        );
        error_code_of(&parser)
    }

    #[test]
    fn codes_come_from_the_protocol_then_from_an_xml_body() {
        assert_eq!(
            code(400, br#"{"__type":"ThrottlingException"}"#).as_deref(),
            Some("ThrottlingException")
        );
        let moto = b"<?xml version=\"1.0\"?><ErrorResponse><Errors><Error><Code>SignatureDoesNotMatch</Code>\
            <Message>no</Message></Error></Errors></ErrorResponse>";
        assert_eq!(code(403, moto).as_deref(), Some("SignatureDoesNotMatch"));
        assert_eq!(
            xml_code(b"<a:Error><a:Code x=\"1\"> Bad </a:Code></a:Error>"),
            Some("Bad")
        );
        assert_eq!(
            xml_code(b"<E><Code/><Code></Code><!-- <Code>c</Code> --><Code>Second</Code></E>"),
            Some("Second")
        );
        assert_eq!(xml_code(b"<E><Coder>x</Coder></E>"), None);
        assert_eq!(xml_code(b"<E><Code"), None);
        assert_eq!(code(200, b"{}"), None);
        assert!(code(500, b"").is_some());
    }
}
