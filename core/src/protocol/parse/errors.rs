//! Error responses: the code and message by each protocol's rules, as
//! botocore's parsers find them, and the exception shape the code names.
//!
//! | protocol | code | message |
//! |---|---|---|
//! | `json`, `smithy-rpc-v2-cbor` | body `__type` (after `:` cut, after last `#`), else the status | body `message` / `Message` |
//! | `rest-json` | header `x-amzn-errortype`, else body `code` / `Code`, else as `json` | as `json` |
//! | `rest-xml` | `<Error><Code>` (S3: root `<Error>`), else the status | `<Message>` beside it |
//! | `query`, `ec2` | `<Errors><Error><Code>` or `<Error><Code>` | `<Message>` beside it |
//!
//! All protocols first treat a 5xx with an empty or `<html>` body as a generic
//! error (code = status, message = reason phrase). With `x-amzn-query-error:
//! Code;Type` (awsQueryCompatible services) the code becomes the query code and
//! the protocol's code is kept in [`QueryError`]. S3 replies `200` with an
//! `<Error>` body (or a cut-off body) for some operations; those are errors too.
//! The exception shape is looked up among the operation's errors, then among all
//! the service's exceptions (botocore's `shape_for_error_code`).

use super::{ParseError, ResponseParser, ServiceModel, raw_payload};
use crate::format::json::TAG_OBJECT;
use crate::model::view::{DecodeError, Escape, Node, Text};
use crate::model::{Location, Member, MemberFlags, Protocol, Shape, ShapeFlags, ShapeId};

/// The codes of an `awsQueryCompatible` error (`x-amzn-query-error`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct QueryError<'a> {
    /// The code the protocol itself gave (botocore's `QueryErrorCode`).
    pub protocol_code: &'a str,
    /// `Sender` or `Receiver` (botocore's `Type`).
    pub fault: &'a str,
}

/// An error response.
#[derive(Clone, Copy, Debug)]
pub struct ServiceError<'a> {
    /// The HTTP status (500 for an S3 200-with-error reply).
    pub status: u16,
    /// The error code, e.g. `ResourceNotFoundException`; `""` when the body names none.
    pub code: &'a str,
    /// The message, if the response has one.
    pub message: Option<Text<'a>>,
    /// Set when `x-amzn-query-error` translated the code.
    pub query_error: Option<QueryError<'a>>,
    /// The exception shape `code` names, if the model has one.
    pub shape: Option<&'static Shape>,
    /// A node over the error structure: decode the exception's members from it
    /// (generated error enums take it in `from_code`).
    pub node: Node<'a>,
    /// The body was no protocol error at all (an HTML page or nothing, on a 5xx).
    pub generic: bool,
    /// The service the shape belongs to.
    pub model: &'static ServiceModel,
}

/// Reason phrases of the 5xx codes services send (Python's
/// `http.client.responses`): every protocol's generic error reads these.
const SERVER_REASONS: [(u16, &str); 7] = [
    (500, "Internal Server Error"),
    (501, "Not Implemented"),
    (502, "Bad Gateway"),
    (503, "Service Unavailable"),
    (504, "Gateway Timeout"),
    (505, "HTTP Version Not Supported"),
    (511, "Network Authentication Required"),
];

/// The 3xx and 4xx ones: only a `rest-xml` error without a body reads them,
/// so a build without that protocol carries none of them.
const OTHER_REASONS: [(u16, &str); 33] = [
    (300, "Multiple Choices"),
    (301, "Moved Permanently"),
    (302, "Found"),
    (303, "See Other"),
    (304, "Not Modified"),
    (307, "Temporary Redirect"),
    (308, "Permanent Redirect"),
    (400, "Bad Request"),
    (401, "Unauthorized"),
    (402, "Payment Required"),
    (403, "Forbidden"),
    (404, "Not Found"),
    (405, "Method Not Allowed"),
    (406, "Not Acceptable"),
    (407, "Proxy Authentication Required"),
    (408, "Request Timeout"),
    (409, "Conflict"),
    (410, "Gone"),
    (411, "Length Required"),
    (412, "Precondition Failed"),
    (413, "Request Entity Too Large"),
    (414, "Request-URI Too Long"),
    (415, "Unsupported Media Type"),
    (416, "Requested Range Not Satisfiable"),
    (417, "Expectation Failed"),
    (421, "Misdirected Request"),
    (422, "Unprocessable Entity"),
    (423, "Locked"),
    (424, "Failed Dependency"),
    (428, "Precondition Required"),
    (429, "Too Many Requests"),
    (431, "Request Header Fields Too Large"),
    (451, "Unavailable For Legal Reasons"),
];

fn lookup(table: &[(u16, &'static str)], status: u16) -> &'static str {
    table
        .iter()
        .find(|(s, _)| *s == status)
        .map_or("", |(_, r)| r)
}

/// Python's reason phrase for `status`, or `""`.
pub fn reason_phrase(status: u16) -> &'static str {
    if status >= 500 {
        lookup(&SERVER_REASONS, status)
    } else {
        lookup(&OTHER_REASONS, status)
    }
}

/// A body-key probe for JSON error bodies (the reader only needs the name).
const fn key(name: &'static str) -> Member {
    Member {
        name,
        location_name: None,
        target: ShapeId(0),
        location: Location::Body,
        flags: MemberFlags::EMPTY,
        extra: None,
    }
}
static TYPE_KEY: Member = key("__type");
static LOWER_MESSAGE: Member = key("message");
static UPPER_MESSAGE: Member = key("Message");
static LOWER_CODE: Member = key("code");
static UPPER_CODE: Member = key("Code");

/// botocore's code cleanup: cut at the first `:`, keep what follows the last `#`.
pub fn sanitize_code(code: &str) -> &str {
    let code = crate::text::split_once_ascii(code, b':').map_or(code, |(head, _)| head);
    crate::text::rsplit_once_ascii(code, b'#').map_or(code, |(_, tail)| tail)
}

/// The status botocore acts on: S3's 200-with-an-error replies count as 500.
pub(super) fn effective_status(p: &ResponseParser<'_>) -> u16 {
    let status = p.response.status;
    if p.model.name != "s3"
        || status != 200
        || p.response.body.is_empty()
        || !crate::features::protocol_enabled(Protocol::RestXml)
    {
        return status;
    }
    let Some(out) = p.model.output_of(p.op) else {
        return status;
    };
    let streams = out
        .members()
        .iter()
        .filter_map(|m| p.model.shape(m.target))
        .any(|s| s.flags.contains(ShapeFlags::EVENT_STREAM));
    if streams || raw_payload(p.model, out) {
        return status;
    }
    match p.xml.root(p.response.body) {
        Err(_) => 500,
        Ok(root) if root_local_name(root.raw()) == Some("Error") => 500,
        Ok(_) => status,
    }
}

/// The local name of the element starting `raw` (`<p:Name …`).
fn root_local_name(raw: &[u8]) -> Option<&str> {
    let rest = raw.strip_prefix(b"<")?;
    let end = rest
        .iter()
        .position(|b| matches!(b, b' ' | b'\t' | b'\r' | b'\n' | b'/' | b'>'))?;
    let name = core::str::from_utf8(rest.get(..end)?).ok()?;
    Some(crate::text::rsplit_once_ascii(name, b':').map_or(name, |(_, local)| local))
}

/// Code, message and structure span found in the body.
struct Found<'a> {
    code: &'a str,
    message: Option<Text<'a>>,
    span: &'a [u8],
}

pub(super) fn parse_error<'a>(
    p: &'a ResponseParser<'_>,
    status: u16,
) -> Result<ServiceError<'a>, ParseError> {
    let body = p.response.body;
    let blank = body.trim_ascii().is_empty();
    let generic = status >= 500 && (blank || body.trim_ascii().starts_with(b"<html>"));
    let found = if generic {
        Found {
            code: p.status_str(),
            // `generic` holds only for a 5xx.
            message: Some(Text::new(lookup(&SERVER_REASONS, status), Escape::None)),
            span: b"",
        }
    } else {
        match p.protocol {
            Protocol::Json | Protocol::SmithyRpcV2Cbor => json_error(p, false),
            Protocol::RestJson => json_error(p, true),
            // `parse` refused a protocol left out of the build; the constant
            // guards keep the XML readers out of such builds.
            Protocol::RestXml if crate::features::XML => rest_xml_error(p, status),
            Protocol::Query | Protocol::Ec2 if crate::features::XML => query_error(p)?,
            p => return Err(crate::features::Disabled::Protocol(p).into()),
        }
    };
    let mut code = found.code;
    let mut query = None;
    let query_compatible =
        !generic && matches!(p.protocol, Protocol::Json | Protocol::SmithyRpcV2Cbor);
    if let Some((qcode, fault)) = p
        .header("x-amzn-query-error")
        .filter(|_| query_compatible)
        .and_then(|h| crate::text::split_once_ascii(h, b';'))
        .filter(|(qcode, fault)| !qcode.is_empty() && !fault.contains(';'))
    {
        query = Some(QueryError {
            protocol_code: code,
            fault,
        });
        code = qcode;
    }
    let shape = if generic { None } else { error_shape(p, code) };
    let id = shape
        .and_then(|s| p.model.shape_by_name(s.name))
        .map(|(id, _)| id);
    Ok(ServiceError {
        status,
        code,
        message: found.message,
        query_error: query,
        shape,
        node: p.top(found.span, id),
        generic,
        model: p.model,
    })
}

/// The exception shape for `code`: the operation's errors first, then any.
fn error_shape(p: &ResponseParser<'_>, code: &str) -> Option<&'static Shape> {
    if code.is_empty() {
        return None;
    }
    p.model.error_of(p.op, code).or_else(|| {
        p.model
            .shapes
            .iter()
            .find(|s| s.is_exception() && s.error_code() == code)
    })
}

/// The text of a JSON string member, if the member is a string.
fn json_text<'a>(root: &Node<'a>, member: &'static Member) -> Option<Text<'a>> {
    root.member(member)
        .ok()
        .flatten()
        .and_then(|n| n.text().ok())
}

fn json_error<'a>(p: &'a ResponseParser<'_>, rest: bool) -> Found<'a> {
    let body = p.response.body;
    let (root, object_tag) = match p.protocol {
        Protocol::SmithyRpcV2Cbor if crate::features::CBOR => (p.cbor.root(body), super::CBOR_MAP),
        _ => (p.json.root(body), TAG_OBJECT),
    };
    let root = match root {
        Ok(root) if root.tag() == object_tag => Some(root),
        Ok(_) => None,
        Err(_) => {
            // botocore keeps an unreadable body as the message.
            let message = core::str::from_utf8(body)
                .ok()
                .filter(|s| !s.is_empty())
                .map(|s| Text::new(s, Escape::None));
            return Found {
                code: p.status_str(),
                message,
                span: b"{}",
            };
        }
    };
    let Some(root) = root else {
        return Found {
            code: p.status_str(),
            message: None,
            span: b"{}",
        };
    };
    let message = json_text(&root, &LOWER_MESSAGE).or_else(|| json_text(&root, &UPPER_MESSAGE));
    let mut code = json_text(&root, &TYPE_KEY).map_or(p.status_str(), |t| sanitize_code(t.raw()));
    if rest {
        if let Some(h) = p.header("x-amzn-errortype") {
            code = sanitize_code(h);
        } else if let Some(t) =
            json_text(&root, &LOWER_CODE).or_else(|| json_text(&root, &UPPER_CODE))
        {
            code = sanitize_code(t.raw());
        }
    }
    Found {
        code,
        message,
        span: root.raw(),
    }
}

/// `<Code>` and `<Message>` children of `node`.
fn code_and_message<'a>(
    p: &'a ResponseParser<'_>,
    node: &Node<'a>,
) -> Result<(&'a str, Option<Text<'a>>), DecodeError> {
    let code = match p.xml.child(node, "Code")? {
        Some(c) => c.text()?.raw(),
        None => "",
    };
    let message = match p.xml.child(node, "Message")? {
        Some(m) => Some(m.text()?),
        None => None,
    };
    Ok((code, message))
}

fn rest_xml_error<'a>(p: &'a ResponseParser<'_>, status: u16) -> Found<'a> {
    let from_status = Found {
        code: p.status_str(),
        message: Some(Text::new(reason_phrase(status), Escape::None)),
        span: b"",
    };
    if p.response.body.is_empty() {
        return from_status;
    }
    let parse = || -> Result<Found<'a>, DecodeError> {
        let root = p.xml.root(p.response.body)?;
        let local = root_local_name(root.raw());
        let error = if local == Some("Error") {
            root
        } else {
            match p.xml.child(&root, "Error")? {
                Some(e) => e,
                None => {
                    return Ok(Found {
                        code: "",
                        message: None,
                        span: root.raw(),
                    });
                }
            }
        };
        let (code, message) = code_and_message(p, &error)?;
        let span = if local == Some("ErrorResponse") {
            error.raw()
        } else {
            root.raw()
        };
        Ok(Found {
            code,
            message,
            span,
        })
    };
    parse().unwrap_or(from_status)
}

fn query_error<'a>(p: &'a ResponseParser<'_>) -> Result<Found<'a>, ParseError> {
    let root = p.xml.root(p.response.body)?;
    let errors = p.xml.child(&root, "Errors")?;
    let error = match errors {
        Some(errors) => p.xml.child(&errors, "Error")?,
        None => None,
    };
    let error = match error {
        Some(e) => Some(e),
        None => p.xml.child(&root, "Error")?,
    };
    let Some(error) = error else {
        return Ok(Found {
            code: "",
            message: None,
            span: root.raw(),
        });
    };
    let (code, message) = code_and_message(p, &error)?;
    // botocore's `_get_error_root`: query unwraps `<ErrorResponse><Error>`,
    // ec2 `<Response><Errors><Error>`.
    let unwrap = match p.protocol {
        Protocol::Ec2 => errors.is_some(),
        _ => root_local_name(root.raw()) == Some("ErrorResponse"),
    };
    Ok(Found {
        code,
        message,
        span: if unwrap { error.raw() } else { root.raw() },
    })
}
