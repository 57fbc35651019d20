//! Small pieces for examples and host tests: a virtual clock, a transport
//! that never connects, and a one-operation model. Not part of the API.

use core::cell::{Cell, RefCell};

use super::transport::{HttpRequest, RawResponse, Timer, Transport, TransportError};
use crate::model::*;
use crate::time::{Clock, UnixTime};

/// A clock that moves only when slept on; remembers every sleep.
#[derive(Debug)]
pub struct VirtualClock {
    /// Wall time in ms since the epoch.
    wall_ms: Cell<Option<u64>>,
    mono_ms: Cell<u64>,
    sleeps: RefCell<heapless::Vec<u64, 64>>,
}

impl VirtualClock {
    /// Wall time `secs` since the epoch, monotonic time 0.
    pub fn new(secs: u64) -> Self {
        VirtualClock {
            wall_ms: Cell::new(Some(secs * 1000)),
            mono_ms: Cell::new(0),
            sleeps: RefCell::new(heapless::Vec::new()),
        }
    }

    /// A clock that knows no wall time (no RTC).
    pub fn without_wall_time() -> Self {
        let c = Self::new(0);
        c.wall_ms.set(None);
        c
    }

    /// The sleeps so far, in ms.
    pub fn sleeps(&self) -> heapless::Vec<u64, 64> {
        self.sleeps.borrow().clone()
    }

    /// Moves both clocks on by `ms`.
    pub fn advance_ms(&self, ms: u64) {
        self.mono_ms.set(self.mono_ms.get() + ms);
        if let Some(w) = self.wall_ms.get() {
            self.wall_ms.set(Some(w + ms));
        }
    }
}

impl Clock for VirtualClock {
    fn now(&self) -> Option<UnixTime> {
        self.wall_ms.get().map(|ms| UnixTime::from_secs(ms / 1000))
    }
}

impl Timer for VirtualClock {
    fn now_ms(&self) -> u64 {
        self.mono_ms.get()
    }

    async fn sleep_ms(&self, ms: u64) {
        let _ = self.sleeps.borrow_mut().push(ms);
        self.advance_ms(ms);
    }
}

/// A transport that never connects.
#[derive(Clone, Copy, Debug)]
pub struct NoTransport;

impl Transport for NoTransport {
    async fn send(&self, _: &HttpRequest<'_>, _: &mut [u8]) -> Result<RawResponse, TransportError> {
        Err(TransportError::Connect)
    }
}

/// An input with no members set.
pub use crate::model::NoMembers as Empty;

static OPS: [Operation; 1] = [Operation {
    snake_name: "ping",
    cli_name: "ping",
    ..Operation::new("Ping")
}];

/// The metadata of [`DEMO`]: a `json` 1.1 service `demo` signed with SigV4
/// (a `const`, so tests can build their own models on it).
pub const DEMO_METADATA: ServiceMetadata = ServiceMetadata {
    protocol: Protocol::Json,
    protocols: &[Protocol::Json],
    api_version: "2020-01-01",
    endpoint_prefix: "demo",
    signing_name: "demo",
    service_id: "Demo",
    target_prefix: Some("Demo"),
    json_version: Some("1.1"),
    xml_namespace: None,
    global_endpoint: None,
    signature_version: SignatureVersion::V4,
    auth: &[AuthScheme::SigV4],
    aws_query_compatible: false,
    checksum_format: None,
};

/// A `json` service `demo` with one operation, `Ping`.
pub static DEMO: ServiceModel = ServiceModel {
    name: "demo",
    metadata: DEMO_METADATA,
    operations: &OPS,
    shapes: &[],
};

/// [`DEMO`].
pub fn demo_model() -> &'static ServiceModel {
    &DEMO
}
