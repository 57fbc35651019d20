//! The blocking face of the async pipeline: [`call`] runs a client's call to
//! completion on the calling thread, and [`HeapBuffers`] owns a call's
//! buffers on the heap, sized at run time.
//!
//! The pipeline is `async` so that it runs under embassy on a device; on a
//! host, [`StdTransport`](crate::net::StdTransport) blocks inside its
//! `async fn` and [`SystemClock`](crate::SystemClock) sleeps the thread, so
//! a plain `block_on` drives a call with no executor.
//!
//! ```
//! use stratus_core::client::{Client, ClientConfig, Stubber};
//! use stratus_core::client::test_support::{Empty, NoTransport, DEMO};
//! use stratus_core::client::ServiceEntry;
//! use stratus_core::credentials::{Credentials, StaticCredentials};
//! use stratus_transport_std::{blocking, SystemClock};
//! static ENTRY: ServiceEntry = ServiceEntry { model: &DEMO, endpoint_rules: None, legacy_retry: None };
//! let creds = StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).unwrap());
//! let config = ClientConfig::default().region("us-east-1").endpoint_url("http://127.0.0.1:1");
//! let stubber: Stubber<'_, 1> = Stubber::new();
//! let client = Client::new(&ENTRY, config, NoTransport, &creds, SystemClock);
//! stubber.add_response("Ping", 200, &[], b"{}", None).unwrap();
//! client.register("*", &stubber, Default::default(), None).unwrap();
//! let mut bufs = blocking::HeapBuffers::new(4096, 4096);
//! let out = blocking::call(&client, "Ping", &Empty, bufs.workspace()).unwrap();
//! assert_eq!(out.status(), 200);
//! ```

use stratus_core::client::{CallError, CallOutput, Client, Timer, Transport, Workspace};
use stratus_core::credentials::ProvideCredentials;
use stratus_core::model::StructValue;
use stratus_core::time::Clock;

/// Runs `client.call(op, input, ws)` to completion on this thread.
// The pipeline's own result type: errors carry the response view by value
// (see `stratus_core::client`).
#[allow(clippy::result_large_err)]
pub fn call<'w, T, C, K>(
    client: &Client<'_, T, C, K>,
    op: &str,
    input: &dyn StructValue,
    ws: Workspace<'w>,
) -> Result<CallOutput<'w>, CallError<'w>>
where
    T: Transport,
    C: ProvideCredentials,
    K: Clock + Timer,
{
    embassy_futures::block_on(client.call(op, input, ws))
}

/// Runs any future of the pipeline (a credentials provider's, a transport's)
/// to completion on this thread.
pub fn block_on<F: core::future::Future>(future: F) -> F::Output {
    embassy_futures::block_on(future)
}

pub use stratus_core::client::HeapBuffers;
