//! Blocking faces of the core's paginators and waiters: thin wrappers that
//! run the core's async drivers ([`Client::paginate`], [`Client::wait`])
//! on this thread, with heap buffers.
//!
//! [`paginate`] runs a [`Paginator`] page by page with JSON input (the
//! dynamic face) and hands each parsed page with its item window to a
//! callback; [`wait`] runs a [`Waiter`], sleeping on the client's timer
//! between attempts.

use std::fmt;

use serde_json::Value as Json;
use stratus_core::client::paging::{DriveBuffers, DriveError, PageResult, WaitConfig};
use stratus_core::client::{CallError, CallOutput, Client, Timer, Transport};
use stratus_core::credentials::ProvideCredentials;
use stratus_core::format::json::InputError;
use stratus_core::jmespath::{Value, search};
use stratus_core::paginate::{Page, PageState, PaginationConfig, PaginationError, Paginator};
use stratus_core::protocol::parse::{Output, ParseError, Parsed, TimestampStyle};
use stratus_core::time::Clock;
use stratus_core::waiter::{WaitError, Waiter};

use crate::blocking::HeapBuffers;

/// Input members JSON input can hold.
const SLOTS: usize = 1024;
/// Bytes of state for the tokens of one pagination.
const STATE_BYTES: usize = 16 * 1024;

/// Why a pagination or wait failed.
#[derive(Debug)]
pub enum PagesError {
    /// The input JSON does not fit the operation's input shape.
    Input(InputError),
    /// The paginator's state machine refused (tokens, starting token, buffers).
    Pagination(PaginationError),
    /// A wait ended without success.
    Wait(WaitError),
    /// The service answered with an error.
    Service {
        /// Its code (`Unknown` when the response names none).
        code: String,
        /// Its message (`Unknown` when it has none).
        message: String,
    },
    /// The call failed before a response was parsed.
    Call(String),
    /// A response could not be parsed.
    Parse(ParseError),
    /// The operation the paginator or waiter names is not in the model.
    UnknownOperation(&'static str),
    /// The page handler stopped with this message.
    Stopped(String),
}

impl fmt::Display for PagesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PagesError::Input(e) => write!(f, "input: {e}"),
            PagesError::Pagination(e) => write!(f, "{e}"),
            PagesError::Wait(e) => write!(f, "{e}"),
            PagesError::Service { code, message } => {
                write!(f, "An error occurred ({code}): {message}")
            }
            PagesError::Call(e) => write!(f, "call failed: {e}"),
            PagesError::Parse(e) => write!(f, "{e}"),
            PagesError::UnknownOperation(op) => write!(f, "operation {op} is not in the model"),
            PagesError::Stopped(e) => f.write_str(e),
        }
    }
}

impl std::error::Error for PagesError {}

impl From<PaginationError> for PagesError {
    fn from(e: PaginationError) -> Self {
        PagesError::Pagination(e)
    }
}

/// A service error's code and message as botocore's `ClientError` shows
/// them (`Unknown` for either when the response does not say).
pub(crate) fn service_error_text(out: &CallOutput<'_>) -> (String, String) {
    let (mut code, mut message) = (String::new(), String::new());
    if let Ok(Parsed::Error(se)) = out.parser().parse() {
        code = se.code.to_string();
        if let Some(m) = se.message {
            message = m.chars().filter_map(Result::ok).collect();
        }
    }
    if code.is_empty() {
        code = "Unknown".into();
    }
    if message.is_empty() {
        message = "Unknown".into();
    }
    (code, message)
}

/// A failed call as a [`PagesError`] (a service error's code and message kept).
pub fn call_failure(e: &CallError<'_>) -> PagesError {
    match e {
        CallError::Service(out) => {
            let (code, message) = service_error_text(out);
            PagesError::Service { code, message }
        }
        other => PagesError::Call(other.to_string()),
    }
}

/// The core driver's error, the failed call's own error when there was one.
fn from_drive(e: DriveError<PagesError>, failed: Option<PagesError>) -> PagesError {
    match e {
        DriveError::UnknownOperation(op) => PagesError::UnknownOperation(op),
        DriveError::Input(e) => PagesError::Input(e),
        DriveError::Pagination(e) => PagesError::Pagination(e),
        DriveError::Wait(e) => PagesError::Wait(e),
        DriveError::Parse(e) => PagesError::Parse(e),
        DriveError::Call => failed.unwrap_or(PagesError::Call("the call failed".into())),
        DriveError::Stopped(e) => e,
    }
}

/// Runs `paginator` with JSON `input` and `config`, handing each page and its
/// item window to `on_page`; returns botocore's resume token, if any.
///
/// ```no_run
/// # fn demo<T: stratus_core::client::Transport, C: stratus_core::credentials::ProvideCredentials,
/// #          K: stratus_core::time::Clock + stratus_core::client::Timer>(
/// #     client: &stratus_core::client::Client<'_, T, C, K>,
/// #     paginator: &'static stratus_core::paginate::Paginator) {
/// use stratus_core::paginate::PaginationConfig;
/// let config = PaginationConfig { page_size: Some(100), ..Default::default() };
/// let mut pages = 0;
/// stratus_transport_std::pages::paginate(client, paginator, r#"{"Bucket": "b"}"#, &config,
///     &mut |_page, _window| { pages += 1; Ok(()) }).unwrap();
/// # }
/// ```
pub fn paginate<T, C, K>(
    client: &Client<'_, T, C, K>,
    paginator: &'static Paginator,
    input: &str,
    config: &PaginationConfig<'_>,
    on_page: &mut dyn FnMut(&Output<'_>, Page) -> Result<(), PagesError>,
) -> Result<Option<String>, PagesError>
where
    T: Transport,
    C: ProvideCredentials,
    K: Clock + Timer,
{
    let mut state_buf = vec![0u8; STATE_BYTES];
    let mut state = PageState::new(paginator, config, &mut state_buf)?;
    let mut bufs = HeapBuffers::new(256 * 1024, 4 * 1024 * 1024);
    let mut text_buf = vec![0u8; input.len() + STATE_BYTES];
    let mut scratch = vec![0u8; input.len() + STATE_BYTES];
    let mut failed = None;
    let mut ws = bufs.workspace();
    let mut handler = |r: PageResult<'_, '_>| match r {
        PageResult::Page { parsed, page, .. } => on_page(parsed, page),
        PageResult::Failed(e) => {
            failed = Some(call_failure(&e));
            Ok(())
        }
    };
    let run = client.paginate::<SLOTS, PagesError>(
        &mut state,
        input,
        DriveBuffers {
            input: &mut text_buf,
            scratch: &mut scratch,
        },
        &mut ws,
        &mut handler,
    );
    let result = embassy_futures::block_on(run);
    result.map_err(|e| from_drive(e, failed.take()))?;
    let mut out = vec![0u8; 4 * STATE_BYTES];
    Ok(state.resume_token(&mut out)?.map(str::to_string))
}

/// Runs `waiter` with JSON `input`: calls, matches the acceptors, sleeps
/// `delay` (the model's unless given) between attempts; returns the
/// attempts made.
pub fn wait<T, C, K>(
    client: &Client<'_, T, C, K>,
    waiter: &'static Waiter,
    input: &str,
    delay: Option<std::time::Duration>,
    max_attempts: Option<u32>,
) -> Result<u32, PagesError>
where
    T: Transport,
    C: ProvideCredentials,
    K: Clock + Timer,
{
    let mut bufs = HeapBuffers::new(256 * 1024, 4 * 1024 * 1024);
    let mut text_buf = vec![0u8; input.len()];
    let mut scratch = vec![0u8; input.len() + 16];
    let config = WaitConfig {
        delay_ms: delay.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        max_attempts,
    };
    let mut failed = None;
    let mut ws = bufs.workspace();
    let mut handler = |r: Result<&CallOutput<'_>, &CallError<'_>>| {
        failed = r.err().map(call_failure);
        Ok(())
    };
    let run = client.wait::<SLOTS, PagesError>(
        waiter,
        input,
        config,
        DriveBuffers {
            input: &mut text_buf,
            scratch: &mut scratch,
        },
        &mut ws,
        &mut handler,
    );
    let result = embassy_futures::block_on(run);
    result.map_err(|e| match e {
        // botocore's reason for an error no acceptor expects.
        DriveError::Wait(WaitError::UnexpectedError) => failed
            .take()
            .unwrap_or(PagesError::Wait(WaitError::UnexpectedError)),
        e => from_drive(e, failed.take()),
    })
}

/// A value of a page as JSON (timestamps ISO 8601, blobs base64, as the
/// aws CLI prints them).
fn value_json(v: &Value<'_>) -> Result<Json, PagesError> {
    Ok(match v {
        Value::Null => Json::Null,
        Value::Bool(b) => Json::Bool(*b),
        Value::Int(i) => Json::from(*i),
        Value::Float(x) => Json::from(*x),
        Value::Str(s) => Json::from(*s),
        Value::Node(t) => {
            let mut sink = stratus_core::format::FmtSink(String::new());
            Output {
                node: t.node,
                shape: Some(t.shape),
                model: t.model,
            }
            .write_json_styled(&mut sink, TimestampStyle::Iso8601)
            .map_err(|e| PagesError::Stopped(format!("cannot write a page as JSON: {e}")))?;
            serde_json::from_str(&sink.0)
                .map_err(|e| PagesError::Stopped(format!("a page's JSON: {e}")))?
        }
        Value::List(..) => {
            let mut items = Vec::new();
            let mut failed = None;
            let _ = v
                .for_each(&mut |x| {
                    match value_json(&x) {
                        Ok(j) => items.push(j),
                        Err(e) => failed = Some(e),
                    }
                    Ok(std::ops::ControlFlow::Continue(()))
                })
                .map_err(|e| PagesError::Pagination(PaginationError::Eval(e)))?;
            if let Some(e) = failed {
                return Err(e);
            }
            Json::Array(items)
        }
    })
}

/// `expression`'s value in `doc` when it is a dotted path (what botocore's
/// `set_value_from_jmespath` supports).
fn get_path<'j>(doc: &'j Json, expression: &str) -> Option<&'j Json> {
    expression
        .split('.')
        .try_fold(doc, |d, k| d.get(k))
        .filter(|v| !v.is_null())
}

/// botocore's `set_value_from_jmespath`: sets a dotted path, making objects.
fn set_path(doc: &mut serde_json::Map<String, Json>, expression: &str, value: Json) {
    let mut parts = expression.split('.').peekable();
    let mut map = doc;
    while let Some(k) = parts.next() {
        if parts.peek().is_none() {
            map.insert(k.to_string(), value);
            return;
        }
        let entry = map
            .entry(k.to_string())
            .or_insert_with(|| Json::Object(serde_json::Map::new()));
        if !entry.is_object() {
            *entry = Json::Object(serde_json::Map::new());
        }
        let Json::Object(next) = entry else { return };
        map = next;
    }
}

/// botocore's `merge_dicts`: `extra`'s members into `into`, objects merged.
fn merge(into: &mut serde_json::Map<String, Json>, extra: serde_json::Map<String, Json>) {
    for (k, v) in extra {
        match (into.get_mut(&k), v) {
            (Some(Json::Object(a)), Json::Object(b)) => merge(a, b),
            (_, v) => {
                into.insert(k, v);
            }
        }
    }
}

/// Builds botocore's `build_full_result` (what the aws CLI's `--paginate`
/// prints) page by page: the result keys of every page merged (lists
/// extended, strings and numbers added), the non-aggregate keys of the
/// first page, and `NextToken` when `MaxItems` left more.
#[derive(Debug)]
pub struct FullResult {
    paginator: &'static Paginator,
    complete: serde_json::Map<String, Json>,
    non_aggregate: Option<serde_json::Map<String, Json>>,
}

impl FullResult {
    /// An empty result for `paginator`.
    pub fn new(paginator: &'static Paginator) -> Self {
        FullResult {
            paginator,
            complete: serde_json::Map::new(),
            non_aggregate: None,
        }
    }

    /// Adds one page with its item window.
    pub fn add_page(&mut self, output: &Output<'_>, page: Page) -> Result<(), PagesError> {
        let Some(shape) = output.shape else {
            return Ok(());
        };
        let root = Value::root(output.node, shape, output.model);
        let eval = |e| PagesError::Pagination(PaginationError::Eval(e));
        if self.non_aggregate.is_none() {
            let mut map = serde_json::Map::new();
            for key in self.paginator.non_aggregate_keys {
                let v = value_json(&search(&key.expr, root).map_err(eval)?)?;
                set_path(&mut map, key.text, v);
            }
            self.non_aggregate = Some(map);
        }
        for (i, key) in self.paginator.result_key.iter().enumerate() {
            let mut v = value_json(&search(&key.expr, root).map_err(eval)?)?;
            if v.is_null() {
                continue;
            }
            if let (0, Json::Array(items)) = (i, &mut v) {
                let kept: Vec<Json> = items
                    .drain(..)
                    .skip(page.skip)
                    .take(page.take.unwrap_or(usize::MAX))
                    .collect();
                *items = kept;
            }
            let merged = match (get_path(&Json::Object(self.complete.clone()), key.text), v) {
                (None, v) => v,
                (Some(Json::Array(old)), Json::Array(new)) => {
                    Json::Array(old.iter().cloned().chain(new).collect())
                }
                (Some(Json::String(old)), Json::String(new)) => Json::String(format!("{old}{new}")),
                (Some(Json::Number(old)), Json::Number(new)) => {
                    match (old.as_i64(), new.as_i64()) {
                        (Some(a), Some(b)) => Json::from(a.saturating_add(b)),
                        _ => Json::from(old.as_f64().unwrap_or(0.0) + new.as_f64().unwrap_or(0.0)),
                    }
                }
                (Some(old), _) => old.clone(),
            };
            set_path(&mut self.complete, key.text, merged);
        }
        Ok(())
    }

    /// The full result, `resume_token` (when pagination stopped early) as `NextToken`.
    pub fn finish(mut self, resume_token: Option<String>) -> Json {
        if let Some(extra) = self.non_aggregate.take() {
            merge(&mut self.complete, extra);
        }
        if let Some(t) = resume_token {
            self.complete.insert("NextToken".into(), Json::String(t));
        }
        Json::Object(self.complete)
    }
}
