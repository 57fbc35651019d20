//! [`Caller`]: what the resource engine needs of a client — a call with JSON
//! parameters giving botocore's parsed dict as JSON, and a client waiter run
//! with JSON parameters — and its implementation for [`Client`] over any
//! transport (waiters through the core's driver, [`Client::wait`]).

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec;
use core::future::Future;
use core::pin::Pin;

use serde_json::Value;

use super::ResourceError;
use crate::client::paging::{DriveBuffers, DriveError, WaitConfig};
use crate::client::{CallError, Client, HeapBuffers, Timer, Transport};
use crate::credentials::ProvideCredentials;
use crate::format::FmtSink;
use crate::format::json::{InputSlots, JsonInput};
use crate::model::{NoMembers, ServiceModel, StructValue};
use crate::protocol::parse::Parsed;
use crate::time::Clock;
use crate::waiter::Waiter;

/// A boxed future borrowing its caller (the engine runs on one thread).
pub type LocalFuture<'s, T> = Pin<Box<dyn Future<Output = T> + 's>>;

/// Nodes one dynamic input may have (the slots live on the heap).
const INPUT_SLOTS: usize = 4096;
/// Nodes one waiter input may have (resource waiters send identifiers and a
/// few caller parameters; the driver keeps them inside its future).
const WAIT_SLOTS: usize = 256;
/// Request bytes per call (body included).
pub const REQUEST_BYTES: usize = 1 << 20;
/// Response bytes per call (head and body).
pub const RESPONSE_BYTES: usize = 4 << 20;

/// A client the resource engine can call: JSON parameters in, botocore's
/// parsed dict (as JSON) out. [`Client`] implements it; tests may script one.
pub trait Caller {
    /// The client's service tables.
    fn model(&self) -> &'static ServiceModel;

    /// Calls `operation` with `params` (a JSON object of the input shape).
    fn call_json<'s>(
        &'s self,
        operation: &'static str,
        params: &'s Value,
    ) -> LocalFuture<'s, Result<Value, ResourceError>>;

    /// Runs the client waiter `waiter` (one of this service's `WAITERS`)
    /// with `params` until it succeeds, as botocore's `Waiter.wait`; returns
    /// the attempts made. A [`Client`] runs the core's driver
    /// ([`Client::wait`]); the default refuses with
    /// [`ResourceError::Waiter`], for callers that only script calls.
    fn wait<'s>(
        &'s self,
        waiter: &'static Waiter,
        params: &'s Value,
        config: WaitConfig,
    ) -> LocalFuture<'s, Result<u32, ResourceError>> {
        let _ = (params, config);
        Box::pin(async move {
            Err(ResourceError::Waiter {
                waiter: waiter.name,
                reason: "this caller runs no waiters".into(),
            })
        })
    }
}

impl<T: Transport, C: ProvideCredentials, K: Clock + Timer> Caller for Client<'_, T, C, K> {
    fn model(&self) -> &'static ServiceModel {
        self.service().model
    }

    fn call_json<'s>(
        &'s self,
        operation: &'static str,
        params: &'s Value,
    ) -> LocalFuture<'s, Result<Value, ResourceError>> {
        Box::pin(call_json(self, operation, params))
    }

    fn wait<'s>(
        &'s self,
        waiter: &'static Waiter,
        params: &'s Value,
        config: WaitConfig,
    ) -> LocalFuture<'s, Result<u32, ResourceError>> {
        Box::pin(wait_json(self, waiter, params, config))
    }
}

/// Heap buffers for one call: resource calls send long keys and many
/// parameters, so headers, URL and scratch get four times the core's room.
fn heap_buffers() -> HeapBuffers {
    HeapBuffers::new(REQUEST_BYTES, RESPONSE_BYTES).with_head_room(4)
}

/// A service error as [`ResourceError::Service`] (code and message parsed).
fn service_error(operation: &'static str, e: &CallError<'_>) -> ResourceError {
    let CallError::Service(out) = e else {
        return ResourceError::Call {
            operation,
            reason: e.to_string(),
        };
    };
    let (code, message) = match out.parser().parse() {
        Ok(Parsed::Error(e)) => (
            e.code.to_string(),
            e.message
                .map(|m| m.chars().filter_map(Result::ok).collect())
                .unwrap_or_default(),
        ),
        _ => (String::from("Unknown"), String::new()),
    };
    ResourceError::Service {
        operation,
        status: out.status(),
        code,
        message,
    }
}

/// [`Caller::wait`] for a [`Client`]: the JSON parameters as text, heap
/// buffers, and the core's waiter driver.
async fn wait_json<T: Transport, C: ProvideCredentials, K: Clock + Timer>(
    client: &Client<'_, T, C, K>,
    waiter: &'static Waiter,
    params: &Value,
    config: WaitConfig,
) -> Result<u32, ResourceError> {
    let operation = waiter.operation;
    if !params.is_object() {
        return Err(ResourceError::BadParams {
            operation,
            reason: "the parameters are not a JSON object".into(),
        });
    }
    let text = params.to_string();
    let mut input = vec![0u8; text.len()];
    let mut scratch = vec![0u8; text.len() + 16];
    let mut heap = heap_buffers();
    let mut ws = heap.workspace();
    // The last failed call, for an error no acceptor expected.
    let mut last_error = None;
    let bufs = DriveBuffers {
        input: &mut input,
        scratch: &mut scratch,
    };
    let waited = client
        .wait::<WAIT_SLOTS, core::convert::Infallible>(
            waiter,
            &text,
            config,
            bufs,
            &mut ws,
            &mut |r| {
                if let Err(e) = r {
                    last_error = Some(service_error(operation, e));
                }
                Ok(())
            },
        )
        .await;
    let failed = |reason: String| ResourceError::Waiter {
        waiter: waiter.name,
        reason,
    };
    match waited {
        Ok(attempts) => Ok(attempts),
        Err(DriveError::Wait(e)) => Err(failed(match last_error {
            Some(last) if matches!(e, crate::waiter::WaitError::UnexpectedError) => {
                alloc::format!("{e}: {last}")
            }
            _ => e.to_string(),
        })),
        Err(DriveError::Call) => {
            Err(last_error.unwrap_or_else(|| failed("the call failed".into())))
        }
        Err(DriveError::UnknownOperation(operation)) => {
            Err(ResourceError::UnknownOperation { operation })
        }
        Err(DriveError::Input(e)) => Err(ResourceError::BadParams {
            operation,
            reason: e.to_string(),
        }),
        Err(DriveError::Parse(e)) => Err(ResourceError::Output {
            operation,
            reason: e.to_string(),
        }),
        Err(DriveError::Pagination(e)) => Err(failed(e.to_string())),
        Err(DriveError::Stopped(never)) => match never {},
    }
}

async fn call_json<T: Transport, C: ProvideCredentials, K: Clock + Timer>(
    client: &Client<'_, T, C, K>,
    operation: &'static str,
    params: &Value,
) -> Result<Value, ResourceError> {
    let model = client.service().model;
    let op = model
        .operation(operation)
        .ok_or(ResourceError::UnknownOperation { operation })?;
    let bad = |reason: String| ResourceError::BadParams { operation, reason };
    if !params.is_object() {
        return Err(bad("the parameters are not a JSON object".into()));
    }
    let text = params.to_string();
    let slots: Box<InputSlots<'_, INPUT_SLOTS>> = Box::default();
    let mut scratch = vec![0u8; text.len() + 16];
    let json_input;
    let input: &dyn StructValue = match op.input {
        Some(shape) => {
            json_input = JsonInput::new(&text, model, shape, &slots, &mut scratch)
                .map_err(|e| bad(e.to_string()))?;
            &json_input
        }
        None if text == "{}" => &NoMembers,
        None => return Err(bad("the operation takes no input".into())),
    };
    let mut bufs = heap_buffers();
    let out = match client.call(operation, input, bufs.workspace()).await {
        Ok(out) => out,
        Err(e) => return Err(service_error(operation, &e)),
    };
    let output = |reason: String| ResourceError::Output { operation, reason };
    let mut sink = FmtSink(String::new());
    out.write_json(&mut sink)
        .map_err(|e| output(e.to_string()))?;
    serde_json::from_str(&sink.0).map_err(|e| output(e.to_string()))
}
