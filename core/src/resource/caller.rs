//! [`Caller`]: what the resource engine needs of a client — a call with JSON
//! parameters giving botocore's parsed dict as JSON — and its implementation
//! for [`Client`] over any transport.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec;
use alloc::vec::Vec;
use core::future::Future;
use core::pin::Pin;

use serde_json::Value;

use super::ResourceError;
use crate::client::{
    CallError, Client, HEADER_BYTES, SCRATCH_BYTES, Timer, Transport, URL_BYTES, Workspace,
};
use crate::credentials::ProvideCredentials;
use crate::format::FmtSink;
use crate::format::json::{InputSlots, JsonInput};
use crate::model::{ServiceModel, StructValue, Value as SeamValue};
use crate::protocol::parse::Parsed;
use crate::time::Clock;

/// A boxed future borrowing its caller (the engine runs on one thread).
pub type LocalFuture<'s, T> = Pin<Box<dyn Future<Output = T> + 's>>;

/// Nodes one dynamic input may have (the slots live on the heap).
const INPUT_SLOTS: usize = 4096;
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
}

/// An input with no members (operations without an input shape).
struct NoInput;

impl StructValue for NoInput {
    fn member(&self, _: usize) -> Option<SeamValue<'_>> {
        None
    }
}

/// Heap buffers for one call.
struct HeapWorkspace {
    request: Vec<u8>,
    response: Vec<u8>,
    headers: Vec<u8>,
    url: Vec<u8>,
    scratch: Vec<u8>,
}

impl HeapWorkspace {
    fn new() -> Self {
        HeapWorkspace {
            request: vec![0; REQUEST_BYTES],
            response: vec![0; RESPONSE_BYTES],
            headers: vec![0; HEADER_BYTES * 4],
            url: vec![0; URL_BYTES * 4],
            scratch: vec![0; SCRATCH_BYTES * 4],
        }
    }

    fn workspace(&mut self) -> Workspace<'_> {
        Workspace {
            request: &mut self.request,
            response: &mut self.response,
            headers: &mut self.headers,
            url: &mut self.url,
            scratch: &mut self.scratch,
        }
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
        None if text == "{}" => &NoInput,
        None => return Err(bad("the operation takes no input".into())),
    };
    let mut bufs = HeapWorkspace::new();
    let out = match client.call(operation, input, bufs.workspace()).await {
        Ok(out) => out,
        Err(CallError::Service(out)) => {
            let parser = out.parser();
            let (code, message) = match parser.parse() {
                Ok(Parsed::Error(e)) => (
                    e.code.to_string(),
                    e.message
                        .map(|m| m.chars().filter_map(Result::ok).collect())
                        .unwrap_or_default(),
                ),
                _ => (String::from("Unknown"), String::new()),
            };
            return Err(ResourceError::Service {
                operation,
                status: out.status(),
                code,
                message,
            });
        }
        Err(e) => {
            return Err(ResourceError::Call {
                operation,
                reason: e.to_string(),
            });
        }
    };
    let output = |reason: String| ResourceError::Output { operation, reason };
    let mut sink = FmtSink(String::new());
    out.write_json(&mut sink)
        .map_err(|e| output(e.to_string()))?;
    serde_json::from_str(&sink.0).map_err(|e| output(e.to_string()))
}
