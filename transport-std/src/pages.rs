//! Blocking faces of the core's paginators and waiters: call, read, repeat.
//!
//! [`paginate`] runs a [`Paginator`] page by page with JSON input (the
//! dynamic face) and hands each parsed page with its item window to a
//! callback; [`wait`] runs a [`Waiter`] with `std::thread::sleep` between
//! attempts.

use std::fmt;

use stratus_core::client::{CallError, Client, Timer, Transport};
use stratus_core::credentials::ProvideCredentials;
use stratus_core::format::json::{InputError, InputSlots, JsonInput};
use stratus_core::model::StructValue;
use stratus_core::paginate::{Page, PageState, PaginationConfig, PaginationError, Paginator};
use stratus_core::protocol::parse::{Output, ParseError};
use stratus_core::time::Clock;
use stratus_core::waiter::{Outcome, WaitError, Waiter};

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
    /// The service answered with an error (its code, or `""`).
    Service(String),
    /// The call failed before a response was parsed.
    Call(String),
    /// A response could not be parsed.
    Parse(ParseError),
    /// The operation the paginator or waiter names is not in the model.
    UnknownOperation(&'static str),
}

impl fmt::Display for PagesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PagesError::Input(e) => write!(f, "input: {e}"),
            PagesError::Pagination(e) => write!(f, "{e}"),
            PagesError::Wait(e) => write!(f, "{e}"),
            PagesError::Service(code) => write!(f, "service error {code}"),
            PagesError::Call(e) => write!(f, "call failed: {e}"),
            PagesError::Parse(e) => write!(f, "{e}"),
            PagesError::UnknownOperation(op) => write!(f, "operation {op} is not in the model"),
        }
    }
}

impl std::error::Error for PagesError {}

impl From<PaginationError> for PagesError {
    fn from(e: PaginationError) -> Self {
        PagesError::Pagination(e)
    }
}

/// Calls `op` with JSON `text` and hands the result (output or service
/// error) to `f`.
fn call_json<T, C, K, R>(
    client: &Client<'_, T, C, K>,
    op: &'static str,
    text: &str,
    bufs: &mut HeapBuffers,
    f: impl FnOnce(Result<(&Output<'_>, u16), (&str, u16)>) -> Result<R, PagesError>,
) -> Result<R, PagesError>
where
    T: Transport,
    C: ProvideCredentials,
    K: Clock + Timer,
{
    let model = client.service().model;
    let operation = model
        .operation(op)
        .ok_or(PagesError::UnknownOperation(op))?;
    let slots: Box<InputSlots<'_, SLOTS>> = Box::new(InputSlots::new());
    let mut scratch = vec![0u8; text.len() + 16];
    let json_input;
    let input: &dyn StructValue = match operation.input {
        Some(shape) => {
            json_input = JsonInput::new(text, model, shape, &slots, &mut scratch)
                .map_err(PagesError::Input)?;
            &json_input
        }
        None => &stratus_core::client::test_support::Empty,
    };
    match crate::blocking::call(client, op, input, bufs.workspace()) {
        Ok(out) => {
            let parser = out.parser();
            let output = parser.output().map_err(PagesError::Parse)?;
            f(Ok((&output, out.status())))
        }
        Err(CallError::Service(out)) => {
            let code = out.error_code().map(|c| c.to_string()).unwrap_or_default();
            f(Err((&code, out.status())))
        }
        Err(e) => Err(PagesError::Call(e.to_string())),
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
    while !state.is_done() {
        let text = state.input(input, &mut text_buf)?.to_string();
        call_json(client, paginator.operation, &text, &mut bufs, |r| match r {
            Ok((output, _)) => {
                let page = state.after_page(output)?;
                on_page(output, page)
            }
            Err((code, _)) => Err(PagesError::Service(code.to_string())),
        })?;
    }
    let mut out = vec![0u8; 4 * STATE_BYTES];
    Ok(state.resume_token(&mut out)?.map(str::to_string))
}

/// Runs `waiter` with JSON `input`: calls, matches the acceptors, sleeps
/// `delay` seconds (the model's unless given) between attempts; returns the
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
    let delay = delay.unwrap_or(std::time::Duration::from_secs(u64::from(waiter.delay)));
    let mut attempt = 0;
    loop {
        attempt += 1;
        let done = call_json(client, waiter.operation, input, &mut bufs, |r| {
            let outcome = match r {
                Ok((output, status)) => Outcome::Output(output, status),
                Err((code, status)) => Outcome::Error(code, status),
            };
            waiter
                .step(&outcome, attempt, max_attempts)
                .map_err(PagesError::Wait)
        })?;
        if done {
            return Ok(attempt);
        }
        std::thread::sleep(delay);
    }
}
