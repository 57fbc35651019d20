//! The call pipeline: sessions make clients; a client runs each call through
//! botocore's events, resolves its endpoint from the rule set, serializes,
//! signs, sends over a [`Transport`], retries, corrects clock skew and parses.
//!
//! A call, step by step (event names as botocore's, `<service-id>.<Operation>`
//! appended):
//!
//! 1. `provide-client-params`, `before-parameter-build` — handlers see the
//!    input as [`Params`] and may edit it;
//! 2. `before-endpoint-resolution` — the [`Builtins`]; then the rule set
//!    resolves the endpoint (static and input context parameters included);
//! 3. the input is serialized into the request buffer (validated first);
//! 4. `before-call` — a handler may answer ([`Reply`]) and nothing is sent;
//! 5. per attempt: `request-created`, `choose-signer`, `before-sign`, SigV4,
//!    `before-send` (a handler may answer instead of the transport), send,
//!    `before-parse`, `response-received`, `needs-retry`;
//! 6. `after-call` with the [`CallOutput`] (handlers may edit it), or
//!    `after-call-error` when the transport failed on the last attempt.
//!
//! Nothing allocates: the caller lends a [`Workspace`] (request, response,
//! header, URL and scratch buffers), handlers live in flash or in fixed
//! registries, and every result borrows the workspace.
//!
//! ```
//! use stratus_core::client::{Buffers, Client, ClientConfig, Event, EventData, ServiceEntry, Stubber};
//! use stratus_core::credentials::{Credentials, StaticCredentials};
//! # use stratus_core::client::test_support::{VirtualClock, NoTransport, DEMO};
//! static ENTRY: ServiceEntry = ServiceEntry { model: &DEMO, endpoint_rules: None, legacy_retry: None };
//! let creds = StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).unwrap());
//! let config = ClientConfig::default().region("us-east-1").endpoint_url("http://127.0.0.1:1");
//! let stubber: Stubber<'_, 2> = Stubber::new();
//! stubber.add_response("Ping", 200, &[], b"{}", None).unwrap();
//! let clock = VirtualClock::new(1_700_000_000);
//! let client = Client::new(&ENTRY, config, NoTransport, &creds, &clock);
//! client.register("*", &stubber, Default::default(), None).unwrap();
//! let mut bufs: Buffers<1024, 1024> = Buffers::new();
//! # let input = stratus_core::client::test_support::Empty;
//! let out = embassy_futures::block_on(client.call("Ping", &input, bufs.workspace())).unwrap();
//! assert_eq!(out.status(), 200);
//! stubber.assert_no_pending_responses().unwrap();
//! ```

// Without a heap, results and errors travel by value: a call's error can
// carry the whole response view (`CallError::Service`) and a rule-set message.
// Boxing them, as clippy would have it, needs the allocator this module must
// not use; callers keep them in the task's state, not in a deep stack.
#![allow(clippy::result_large_err, clippy::large_enum_variant)]

pub mod config;
pub mod custom;
mod data;
pub mod endpoint;
pub mod events;
mod headers;
#[cfg(feature = "alloc")]
mod heap;
pub mod output;
#[cfg(feature = "alloc")]
pub mod pages;
pub mod paging;
pub mod params;
mod pipeline;
mod presign_query;
pub mod session;
pub mod skew;
mod streaming;
pub mod stubber;
#[doc(hidden)]
pub mod test_support;
pub mod transport;

pub use config::{AddressingStyle, ClientConfig, SignatureVersionChoice};
pub use custom::{CustomOperation, CustomOperations};
pub use data::{EventData, Reply, ReplyError, Request, SignerChoice};
pub use endpoint::{Builtins, EndpointError};
pub use events::{Event, EventKind, EventName, Handler, Order, Registry, StaticHandler};
pub use headers::{HeaderBlock, HeaderIter, HeaderList, HeadersFull};
#[cfg(feature = "alloc")]
pub use heap::HeapBuffers;
pub use output::{CallError, CallErrorKind, CallOutput, EditError, TextRef};
pub use params::{ParamError, Params};
pub use pipeline::{CLIENT_HANDLERS, Client, PresignOptions, PresignedPost, StreamingError};
pub use presign_query::PresignError;
pub use session::{Session, SessionError};
pub use streaming::AwsChunkedBody;
pub use stubber::{StubError, Stubber};
pub use transport::{
    CertificateError, HttpRequest, RawResponse, ResponseView, ResponseWriter, Timeouts, Timer,
    Transport, TransportError,
};

use crate::model::ServiceModel;
use crate::retry::LegacyRules;

/// `s` in a fixed-capacity string, cut at the last whole character that fits.
pub(crate) fn bounded<const N: usize>(s: &str) -> heapless::String<N> {
    let mut out = heapless::String::new();
    // Always fits: the prefix is at most N bytes.
    let _ = out.push_str(crate::text::prefix_within(s, N));
    out
}

/// What a client needs of a compiled-in service: its tables, its endpoint
/// rule set and its legacy retry rules (the models crate makes one per
/// service).
#[derive(Debug)]
pub struct ServiceEntry {
    /// The service's tables.
    pub model: &'static ServiceModel,
    /// The compiled endpoint rule set, if the service has one.
    pub endpoint_rules: Option<&'static [u8]>,
    /// `_retry.json` for this service, for the legacy retry mode.
    pub legacy_retry: Option<&'static LegacyRules>,
}

/// Bytes for the request headers ([`Buffers`]).
pub const HEADER_BYTES: usize = 4096;
/// Bytes for the host and path of the request ([`Buffers`]).
pub const URL_BYTES: usize = 2048;
/// Bytes for endpoint resolution and result edits ([`Buffers`]).
pub const SCRATCH_BYTES: usize = 2048;

/// The buffers one call borrows.
#[derive(Debug)]
pub struct Workspace<'w> {
    /// The serialized request (body included).
    pub request: &'w mut [u8],
    /// The response (headers and body).
    pub response: &'w mut [u8],
    /// The request headers.
    pub headers: &'w mut [u8],
    /// The request's host and path.
    pub url: &'w mut [u8],
    /// Endpoint resolution, then `after-call` edits.
    pub scratch: &'w mut [u8],
}

/// Owned buffers for calls: `REQ` bytes of request and `RESP` of response,
/// plus [`HEADER_BYTES`], [`URL_BYTES`] and [`SCRATCH_BYTES`]. Put it in a
/// `static` (or a task's state) on a device.
#[derive(Debug)]
pub struct Buffers<const REQ: usize, const RESP: usize> {
    request: [u8; REQ],
    response: [u8; RESP],
    headers: [u8; HEADER_BYTES],
    url: [u8; URL_BYTES],
    scratch: [u8; SCRATCH_BYTES],
}

impl<const REQ: usize, const RESP: usize> Default for Buffers<REQ, RESP> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const REQ: usize, const RESP: usize> Buffers<REQ, RESP> {
    /// Zeroed buffers.
    pub const fn new() -> Self {
        Buffers {
            request: [0; REQ],
            response: [0; RESP],
            headers: [0; HEADER_BYTES],
            url: [0; URL_BYTES],
            scratch: [0; SCRATCH_BYTES],
        }
    }

    /// The buffers lent to one call.
    pub fn workspace(&mut self) -> Workspace<'_> {
        Workspace {
            request: &mut self.request,
            response: &mut self.response,
            headers: &mut self.headers,
            url: &mut self.url,
            scratch: &mut self.scratch,
        }
    }
}
