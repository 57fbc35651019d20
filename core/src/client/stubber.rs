//! [`Stubber`]: botocore's `Stubber` for host-side tests, on `no_std` too.
//!
//! Queue the operations a test expects, each with a canned response (status,
//! headers, body as the service would send them) or a client error (code,
//! message, status: the body is written in the service's protocol), and
//! optionally the parameters expected (JSON text, compared after both are put
//! in the same canonical form). Register the stubber on the client for `*`:
//! at `before-call` it checks the next expectation and answers, so nothing is
//! sent. A call that does not match fails with [`CallError::Handler`]
//! naming the mismatch; [`Stubber::assert_no_pending_responses`] checks that
//! every expectation was used.
//!
//! [`CallError::Handler`]: super::CallError::Handler

use core::cell::RefCell;
use core::fmt;

use super::data::{EventData, Reply};
use super::events::{Event, Handler};
use super::transport::ResponseWriter;
use crate::format::json::{InputSlots, JsonInput};
use crate::model::{Protocol, StructValue};
use crate::protocol::serialize::input_json;

/// Bytes each side of a parameter comparison may take.
pub const STUB_COMPARE_BYTES: usize = 1024;

/// What the stubber found wrong.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum StubError {
    /// The queue is full.
    Full,
    /// A call came with no expectation left.
    UnexpectedCall,
    /// A call was not the operation expected next.
    WrongOperation,
    /// The parameters differ from the expected ones.
    ParamsMismatch,
    /// The expected parameters are not valid input for the operation.
    BadExpectedParams,
    /// The canned response does not fit the response buffer.
    ResponseTooLarge,
    /// Expectations are left unused.
    PendingResponses(usize),
}

impl StubError {
    /// A short message, for [`Event::fail`].
    pub const fn message(self) -> &'static str {
        match self {
            StubError::Full => "the stubber's queue is full",
            StubError::UnexpectedCall => "stubber: a call was made with no response queued",
            StubError::WrongOperation => {
                "stubber: operation mismatch, not the operation queued next"
            }
            StubError::ParamsMismatch => "stubber: the parameters differ from the expected ones",
            StubError::BadExpectedParams => "stubber: the expected parameters are not valid input",
            StubError::ResponseTooLarge => "stubber: the canned response does not fit the buffer",
            StubError::PendingResponses(_) => "stubber: queued responses were not used",
        }
    }
}

impl fmt::Display for StubError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            StubError::PendingResponses(n) => {
                write!(f, "stubber: {n} queued responses were not used")
            }
            other => f.write_str(other.message()),
        }
    }
}

#[derive(Clone, Copy)]
enum Answer<'s> {
    Response {
        status: u16,
        headers: &'s [(&'s str, &'s str)],
        body: &'s [u8],
    },
    Error {
        code: &'s str,
        message: &'s str,
        status: u16,
    },
}

#[derive(Clone, Copy)]
struct Stub<'s> {
    operation: &'s str,
    answer: Answer<'s>,
    expected_params: Option<&'s str>,
}

struct Compare {
    actual: [u8; STUB_COMPARE_BYTES],
    expected: [u8; STUB_COMPARE_BYTES],
    scratch: [u8; STUB_COMPARE_BYTES],
}

/// A queue of up to `N` expected calls. See the [module docs](self).
pub struct Stubber<'s, const N: usize> {
    queue: RefCell<heapless::Deque<Stub<'s>, N>>,
    compare: RefCell<Compare>,
    failure: core::cell::Cell<Option<StubError>>,
}

impl<const N: usize> Default for Stubber<'_, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize> fmt::Debug for Stubber<'_, N> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stubber")
            .field("pending", &self.pending())
            .field("failure", &self.failure.get())
            .finish()
    }
}

impl<'s, const N: usize> Stubber<'s, N> {
    /// An empty stubber.
    pub const fn new() -> Self {
        Stubber {
            queue: RefCell::new(heapless::Deque::new()),
            compare: RefCell::new(Compare {
                actual: [0; STUB_COMPARE_BYTES],
                expected: [0; STUB_COMPARE_BYTES],
                scratch: [0; STUB_COMPARE_BYTES],
            }),
            failure: core::cell::Cell::new(None),
        }
    }

    fn push(&self, stub: Stub<'s>) -> Result<(), StubError> {
        self.queue
            .try_borrow_mut()
            .map_err(|_| StubError::Full)?
            .push_back(stub)
            .map_err(|_| StubError::Full)
    }

    /// Expects `operation` next and answers it with `status`, `headers` and
    /// `body`; with `expected_params` (JSON), the call's parameters must equal them.
    pub fn add_response(
        &self,
        operation: &'s str,
        status: u16,
        headers: &'s [(&'s str, &'s str)],
        body: &'s [u8],
        expected_params: Option<&'s str>,
    ) -> Result<(), StubError> {
        self.push(Stub {
            operation,
            answer: Answer::Response {
                status,
                headers,
                body,
            },
            expected_params,
        })
    }

    /// Expects `operation` next and answers with the error `code`, `message`
    /// and `status`, written as the service's protocol writes errors.
    pub fn add_client_error(
        &self,
        operation: &'s str,
        code: &'s str,
        message: &'s str,
        status: u16,
        expected_params: Option<&'s str>,
    ) -> Result<(), StubError> {
        self.push(Stub {
            operation,
            answer: Answer::Error {
                code,
                message,
                status,
            },
            expected_params,
        })
    }

    /// Expectations not yet used.
    pub fn pending(&self) -> usize {
        self.queue.try_borrow().map_or(0, |q| q.len())
    }

    /// The first mismatch seen, if any.
    pub fn failure(&self) -> Option<StubError> {
        self.failure.get()
    }

    /// `Ok` when every expectation was used and no call mismatched.
    pub fn assert_no_pending_responses(&self) -> Result<(), StubError> {
        if let Some(f) = self.failure.get() {
            return Err(f);
        }
        match self.pending() {
            0 => Ok(()),
            n => Err(StubError::PendingResponses(n)),
        }
    }

    fn check_params(
        &self,
        event: &Event<'_, '_>,
        expected: &str,
        params: &dyn StructValue,
        model: &'static crate::model::ServiceModel,
    ) -> Result<(), StubError> {
        let op = event
            .name
            .operation
            .and_then(|o| model.operation(o))
            .ok_or(StubError::WrongOperation)?;
        let mut guard = self.compare.try_borrow_mut().map_err(|_| StubError::Full)?;
        let Compare {
            actual,
            expected: expected_buf,
            scratch,
        } = &mut *guard;
        let actual = input_json(model, op, params, actual).map_err(|_| StubError::Full)?;
        let Some(shape) = op.input else {
            return if expected.trim() == "{}" && actual == b"{}" {
                Ok(())
            } else {
                Err(StubError::ParamsMismatch)
            };
        };
        let slots: InputSlots<'_, 64> = InputSlots::new();
        let parsed = JsonInput::new(expected, model, shape, &slots, scratch)
            .map_err(|_| StubError::BadExpectedParams)?;
        let expected = input_json(model, op, &parsed, expected_buf)
            .map_err(|_| StubError::BadExpectedParams)?;
        if actual == expected {
            Ok(())
        } else {
            Err(StubError::ParamsMismatch)
        }
    }

    fn answer(&self, event: &mut Event<'_, '_>) -> Result<(), StubError> {
        let EventData::BeforeCall { params, .. } = &event.data else {
            return Ok(());
        };
        let model = params.model();
        let stub = {
            let mut q = self.queue.try_borrow_mut().map_err(|_| StubError::Full)?;
            let front = q.front().copied().ok_or(StubError::UnexpectedCall)?;
            let named = event.name.operation.and_then(|o| model.operation(o));
            if !named.is_some_and(|op| op.is_named(front.operation)) {
                return Err(StubError::WrongOperation);
            }
            q.pop_front();
            front
        };
        if let Some(expected) = stub.expected_params {
            self.check_params(event, expected, *params, model)?;
        }
        let protocol = crate::protocol::resolved_protocol(&model.metadata);
        let EventData::BeforeCall { reply, .. } = &mut event.data else {
            return Ok(());
        };
        match stub.answer {
            Answer::Response {
                status,
                headers,
                body,
            } => reply.respond(status, headers, body),
            Answer::Error {
                code,
                message,
                status,
            } => write_error(reply, protocol, code, message, status),
        }
        .map_err(|_| StubError::ResponseTooLarge)
    }
}

impl<const N: usize> Handler for Stubber<'_, N> {
    fn handle(&self, event: &mut Event<'_, '_>) {
        if let Err(e) = self.answer(event) {
            if self.failure.get().is_none() {
                self.failure.set(Some(e));
            }
            event.fail(e.message());
        }
    }
}

/// Text written with XML's five escapes.
struct XmlText<'a>(&'a str);

impl fmt::Display for XmlText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '&' => f.write_str("&amp;")?,
                '<' => f.write_str("&lt;")?,
                '>' => f.write_str("&gt;")?,
                '"' => f.write_str("&quot;")?,
                '\'' => f.write_str("&apos;")?,
                c => fmt::Write::write_char(f, c)?,
            }
        }
        Ok(())
    }
}

/// Text written as a JSON string's contents.
struct JsonText<'a>(&'a str);

impl fmt::Display for JsonText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in self.0.chars() {
            match c {
                '"' => f.write_str("\\\"")?,
                '\\' => f.write_str("\\\\")?,
                c if (c as u32) < 0x20 => write!(f, "\\u{:04x}", c as u32)?,
                c => fmt::Write::write_char(f, c)?,
            }
        }
        Ok(())
    }
}

struct SliceFmt<'b> {
    buf: &'b mut [u8],
    at: usize,
}

impl SliceFmt<'_> {
    fn byte(&mut self, b: u8) -> fmt::Result {
        *self.buf.get_mut(self.at).ok_or(fmt::Error)? = b;
        self.at += 1;
        Ok(())
    }
}

impl fmt::Write for SliceFmt<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        let end = self.at + s.len();
        self.buf
            .get_mut(self.at..end)
            .ok_or(fmt::Error)?
            .copy_from_slice(s.as_bytes());
        self.at = end;
        Ok(())
    }
}

fn cbor_text(out: &mut SliceFmt<'_>, s: &str) -> fmt::Result {
    let len = s.len();
    if len <= 23 {
        out.byte(0x60 | len as u8)?;
    } else if let Ok(n) = u8::try_from(len) {
        out.byte(0x78)?;
        out.byte(n)?;
    } else {
        let n = u16::try_from(len).map_err(|_| fmt::Error)?.to_be_bytes();
        out.byte(0x79)?;
        out.byte(n[0])?;
        out.byte(n[1])?;
    }
    fmt::Write::write_str(out, s)
}

/// Writes an error response for `code` and `message` as `protocol` does.
fn write_error(
    reply: &mut Reply<'_>,
    protocol: Protocol,
    code: &str,
    message: &str,
    status: u16,
) -> Result<(), super::ReplyError> {
    use fmt::Write as _;
    reply.respond_with(|buf| {
        let (content_type, cbor) = match protocol {
            Protocol::Json | Protocol::RestJson => ("application/x-amz-json-1.1", false),
            Protocol::SmithyRpcV2Cbor => ("application/cbor", true),
            _ => ("text/xml", false),
        };
        let mut w = ResponseWriter::new(buf, status);
        w.header("Content-Type", content_type).ok()?;
        if cbor {
            w.header("smithy-protocol", "rpc-v2-cbor").ok()?;
        }
        w.body_with(|body| {
            let mut out = SliceFmt { buf: body, at: 0 };
            let r = match protocol {
                Protocol::Json | Protocol::RestJson => write!(
                    out,
                    r#"{{"__type":"{}","message":"{}"}}"#,
                    JsonText(code),
                    JsonText(message)
                ),
                Protocol::SmithyRpcV2Cbor => out.byte(0xA2).and_then(|()| {
                    cbor_text(&mut out, "__type")?;
                    cbor_text(&mut out, code)?;
                    cbor_text(&mut out, "message")?;
                    cbor_text(&mut out, message)
                }),
                Protocol::Query => write!(
                    out,
                    "<ErrorResponse><Error><Type>Sender</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>stubbed</RequestId></ErrorResponse>",
                    XmlText(code),
                    XmlText(message)
                ),
                Protocol::Ec2 => write!(
                    out,
                    "<Response><Errors><Error><Code>{}</Code><Message>{}</Message></Error></Errors><RequestID>stubbed</RequestID></Response>",
                    XmlText(code),
                    XmlText(message)
                ),
                Protocol::RestXml => write!(
                    out,
                    "<ErrorResponse><Error><Type>Sender</Type><Code>{}</Code><Message>{}</Message></Error><RequestId>stubbed</RequestId></ErrorResponse>",
                    XmlText(code),
                    XmlText(message)
                ),
            };
            r.ok().map(|()| out.at)
        })
        .ok()
    })
}
