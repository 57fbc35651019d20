//! What each event carries, and what a handler may change through it.

use core::fmt;

use super::custom::CustomOperations;
use super::endpoint::Builtins;
use super::headers::HeaderBlock;
use super::output::CallOutput;
use super::params::Params;
use super::transport::{RawResponse, ResponseView, TransportFailure};
use crate::model::HttpMethod;
use crate::retry::{AttemptOutcome, Decision};

/// The data of one event. Each variant is named after its [`EventKind`](super::events::EventKind).
pub enum EventData<'e, 'b> {
    /// `creating-client-class`: add custom operations to the client.
    CreatingClientClass(&'e mut CustomOperations),
    /// `provide-client-params`: the caller's parameters; edits stick.
    ProvideClientParams(&'e mut Params<'b>),
    /// `before-parameter-build`: the parameters; edits stick.
    BeforeParameterBuild(&'e mut Params<'b>),
    /// `before-endpoint-resolution`: the endpoint built-ins; edits stick.
    BeforeEndpointResolution(&'e mut Builtins),
    /// `before-call`: the parameters, and a [`Reply`] that, when set, is the
    /// call's response: nothing is sent (how stubbing works).
    BeforeCall {
        /// The parameters as they will be serialized.
        params: &'e Params<'b>,
        /// Answer here to skip sending.
        reply: Reply<'e>,
    },
    /// `request-created`: the attempt's request, before signing.
    RequestCreated(&'e mut Request<'b>),
    /// `choose-signer`: which signer signs the attempt.
    ChooseSigner(&'e mut SignerChoice),
    /// `before-sign`: the request, last chance to edit what is signed.
    BeforeSign(&'e mut Request<'b>),
    /// `before-send`: the signed request, and a [`Reply`] that, when set, is
    /// used instead of sending.
    BeforeSend {
        /// The signed request.
        request: &'e Request<'b>,
        /// Answer here to skip sending.
        reply: Reply<'e>,
    },
    /// `before-parse`: the raw response.
    BeforeParse(&'e ResponseView<'e>),
    /// `response-received`: the response, or how the transport failed.
    ResponseReceived(Result<&'e ResponseView<'e>, TransportFailure>),
    /// `needs-retry`: set `decision` to decide for the retry rules.
    NeedsRetry {
        /// Attempts made so far (1 after the first).
        attempt: u32,
        /// How the attempt ended.
        outcome: &'e AttemptOutcome<'e>,
        /// `None` leaves the decision to the client's retry rules.
        decision: &'e mut Option<Decision>,
    },
    /// `after-call`: the HTTP status and the parsed result, to edit.
    AfterCall {
        /// The response's status (the effective one: 500 for S3's 200-with-error).
        status: u16,
        /// The parsed result; handlers replace members through it.
        result: &'e mut CallOutput<'b>,
    },
    /// `after-call-error`: the call failed without a response to parse.
    AfterCallError(TransportFailure),
}

/// A response a handler gives instead of sending: copied into the call's
/// response buffer, then parsed like any response.
pub struct Reply<'b> {
    buf: &'b mut [u8],
    response: Option<RawResponse>,
}

/// Why a [`Reply`] could not be set.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ReplyError {
    /// The response does not fit the call's response buffer.
    TooLarge,
    /// An earlier handler already answered.
    AlreadySet,
}

impl fmt::Display for ReplyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReplyError::TooLarge => "the reply does not fit the response buffer",
            ReplyError::AlreadySet => "another handler already answered this event",
        })
    }
}

impl<'b> Reply<'b> {
    pub(crate) fn new(buf: &'b mut [u8]) -> Self {
        Reply {
            buf,
            response: None,
        }
    }

    /// Answers with `status`, `headers` and `body` (copied).
    pub fn respond(
        &mut self,
        status: u16,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> Result<(), ReplyError> {
        if self.response.is_some() {
            return Err(ReplyError::AlreadySet);
        }
        let mut w = super::transport::ResponseWriter::new(self.buf, status);
        for (n, v) in headers {
            w.header(n, v).map_err(|_| ReplyError::TooLarge)?;
        }
        self.response = Some(w.body(body).map_err(|_| ReplyError::TooLarge)?);
        Ok(())
    }

    /// Whether a handler answered.
    pub fn is_set(&self) -> bool {
        self.response.is_some()
    }

    pub(crate) fn take(&mut self) -> Option<RawResponse> {
        self.response.take()
    }

    /// The buffer answers are written to, for writers that build the body in
    /// place (the stubber's error bodies): write through `f`, which returns
    /// the response it wrote.
    pub fn respond_with(
        &mut self,
        f: impl FnOnce(&mut [u8]) -> Option<RawResponse>,
    ) -> Result<(), ReplyError> {
        if self.response.is_some() {
            return Err(ReplyError::AlreadySet);
        }
        self.response = Some(f(self.buf).ok_or(ReplyError::TooLarge)?);
        Ok(())
    }
}

/// How an attempt is signed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SignerChoice {
    /// SigV4 for the signing name and region the endpoint gave.
    SigV4,
    /// Not signed (botocore's `UNSIGNED`).
    Unsigned,
}

/// The request of one attempt: method, URL parts, headers and body.
///
/// Headers live in a [`HeaderBlock`] so handlers can add, replace and remove
/// them; the body is the serialized one (read-only).
pub struct Request<'b> {
    /// The method.
    pub method: HttpMethod,
    /// `https` or `http`.
    pub scheme: &'b str,
    /// Host name (with a host prefix applied), without the port.
    pub host: &'b str,
    /// The port, when the URL names one.
    pub port: Option<u16>,
    /// Path and query, as sent.
    pub target: &'b str,
    /// The headers.
    pub headers: HeaderBlock<'b>,
    /// The body.
    pub body: &'b [u8],
    /// The region signed for.
    pub signing_region: &'b str,
    /// The service name signed for.
    pub signing_name: &'b str,
}

impl fmt::Debug for Request<'_> {
    // Header values may carry secrets: names and sizes only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Request")
            .field("method", &self.method)
            .field("host", &self.host)
            .field("target_bytes", &self.target.len())
            .field("headers", &self.headers.len())
            .field("body_bytes", &self.body.len())
            .finish()
    }
}
