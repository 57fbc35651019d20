//! The async drivers of paginators and waiters over [`Client::call`]: the
//! one engine every face (a device's task, the blocking std wrappers, the
//! CLI) runs.
//!
//! Both take the operation's input as JSON text (botocore's parameters)
//! because the tokens a paginator sets are named by the model; the text is
//! read by [`JsonInput`] into `N` caller-sized slots per request, so nothing
//! is allocated.

use core::fmt;

use super::output::{CallError, CallOutput};
use super::transport::{Timer, Transport};
use super::{Client, Workspace};
use crate::credentials::ProvideCredentials;
use crate::format::json::{InputError, InputSlots, JsonInput};
use crate::model::{NoMembers, Operation, ServiceModel, StructValue};
use crate::paginate::{Page, PageState, PaginationError};
use crate::protocol::parse::{Output, ParseError};
use crate::time::Clock;
use crate::waiter::{Outcome, WaitError, Waiter};

/// Why a pagination or a wait stopped without finishing.
#[derive(Debug)]
pub enum DriveError<E> {
    /// The paginator or waiter names an operation the model lacks.
    UnknownOperation(&'static str),
    /// The JSON input does not fit the operation's input shape.
    Input(InputError),
    /// The paginator refused (tokens, starting token, buffers).
    Pagination(PaginationError),
    /// The wait ended without success.
    Wait(WaitError),
    /// A response could not be parsed.
    Parse(ParseError),
    /// A call failed; the handler saw the [`CallError`] and did not stop.
    Call,
    /// The handler stopped with its own error.
    Stopped(E),
}

impl<E: fmt::Display> fmt::Display for DriveError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DriveError::UnknownOperation(op) => write!(f, "operation {op} is not in the model"),
            DriveError::Input(e) => write!(f, "input: {e}"),
            DriveError::Pagination(e) => write!(f, "{e}"),
            DriveError::Wait(e) => write!(f, "{e}"),
            DriveError::Parse(e) => write!(f, "{e}"),
            DriveError::Call => f.write_str("the call failed"),
            DriveError::Stopped(e) => write!(f, "{e}"),
        }
    }
}

impl<E> From<PaginationError> for DriveError<E> {
    fn from(e: PaginationError) -> Self {
        DriveError::Pagination(e)
    }
}

/// What a pagination hands its handler after each call.
pub enum PageResult<'r, 'w> {
    /// A page: the response, its parsed output and the window of primary
    /// result-key items that belong to it.
    Page {
        /// The response.
        output: &'r CallOutput<'w>,
        /// Its parsed output (what the paginator's expressions read).
        parsed: &'r Output<'r>,
        /// The item window and whether more pages follow.
        page: Page,
    },
    /// The call failed (a service error or any other [`CallError`]); the
    /// pagination ends with [`DriveError::Call`] unless the handler stops first.
    Failed(CallError<'w>),
}

/// The buffers of one paginated or waited call besides its [`Workspace`].
#[derive(Debug)]
pub struct DriveBuffers<'b> {
    /// Each request's JSON input (the caller's with the tokens set): the
    /// input's length plus twice the largest token.
    pub input: &'b mut [u8],
    /// What [`JsonInput`] cannot borrow from the text (unescaped strings,
    /// decoded blobs): about the input's length.
    pub scratch: &'b mut [u8],
}

/// What [`Client::wait`] hands each attempt's result to; an `Err` stops the wait.
pub type AttemptHandler<'h, E> =
    dyn FnMut(Result<&CallOutput<'_>, &CallError<'_>>) -> Result<(), E> + 'h;

/// Overrides of a waiter's model settings (botocore's `WaiterConfig`).
#[derive(Clone, Copy, Debug, Default)]
pub struct WaitConfig {
    /// Milliseconds between attempts (`Delay`, the model's `delay` seconds when `None`).
    pub delay_ms: Option<u64>,
    /// Attempts before giving up (`MaxAttempts`).
    pub max_attempts: Option<u32>,
}

fn reborrow<'s>(ws: &'s mut Workspace<'_>) -> Workspace<'s> {
    Workspace {
        request: &mut *ws.request,
        response: &mut *ws.response,
        headers: &mut *ws.headers,
        url: &mut *ws.url,
        scratch: &mut *ws.scratch,
    }
}

/// `text` read as the input of `op` into `slots` (`None` when the
/// operation has no input shape: it is sent with no members).
fn read_input<'a, const N: usize, E>(
    text: &'a str,
    model: &'static ServiceModel,
    op: &Operation,
    slots: &'a InputSlots<'a, N>,
    scratch: &'a mut [u8],
) -> Result<Option<JsonInput<'a>>, DriveError<E>> {
    op.input
        .map(|shape| JsonInput::new(text, model, shape, slots, scratch))
        .transpose()
        .map_err(DriveError::Input)
}

impl<T: Transport, C: ProvideCredentials, K: Clock + Timer> Client<'_, T, C, K> {
    /// Runs the pagination `state` (made with [`PageState::new`] for one of
    /// this service's paginators) to its end with JSON `input`: one call per
    /// page, each handed to `on_page`; returns the pages read. Afterwards
    /// [`PageState::resume_token`] gives botocore's resume token. `N` is the
    /// input slots per request (nodes of the input: 16 fit most).
    ///
    /// ```no_run
    /// # async fn demo<T: stratus_core::client::Transport,
    /// #     C: stratus_core::credentials::ProvideCredentials,
    /// #     K: stratus_core::time::Clock + stratus_core::client::Timer>(
    /// #     client: &stratus_core::client::Client<'_, T, C, K>,
    /// #     paginator: &'static stratus_core::paginate::Paginator,
    /// #     ws: &mut stratus_core::client::Workspace<'_>) {
    /// use stratus_core::client::paging::{DriveBuffers, PageResult};
    /// use stratus_core::paginate::{PageState, PaginationConfig};
    /// let (mut state_buf, mut input, mut scratch) = ([0u8; 1024], [0u8; 1024], [0u8; 256]);
    /// let config = PaginationConfig { max_items: Some(50), ..Default::default() };
    /// let mut state = PageState::new(paginator, &config, &mut state_buf).unwrap();
    /// let mut items = 0;
    /// let bufs = DriveBuffers { input: &mut input, scratch: &mut scratch };
    /// client.paginate::<16, ()>(&mut state, r#"{"Bucket": "b"}"#, bufs, ws, &mut |r| {
    ///     if let PageResult::Page { page, .. } = r { items += page.take.unwrap_or(0); }
    ///     Ok(())
    /// }).await.unwrap();
    /// # }
    /// ```
    pub async fn paginate<const N: usize, E>(
        &self,
        state: &mut PageState<'_>,
        input: &str,
        bufs: DriveBuffers<'_>,
        ws: &mut Workspace<'_>,
        on_page: &mut dyn FnMut(PageResult<'_, '_>) -> Result<(), E>,
    ) -> Result<u32, DriveError<E>> {
        let operation = state.paginator().operation;
        let model = self.service().model;
        let op = model
            .operation(operation)
            .ok_or(DriveError::UnknownOperation(operation))?;
        let mut pages = 0;
        while !state.is_done() {
            let text = state.input(input, &mut *bufs.input)?;
            let slots: InputSlots<'_, N> = InputSlots::new();
            let json = read_input(text, model, op, &slots, &mut *bufs.scratch)?;
            let value: &dyn StructValue = match &json {
                Some(json) => json,
                None => &NoMembers,
            };
            pages += 1;
            match self.call(operation, value, reborrow(ws)).await {
                Ok(output) => {
                    let parser = output.parser();
                    let parsed = parser.output().map_err(DriveError::Parse)?;
                    let page = state.after_page(&parsed)?;
                    on_page(PageResult::Page {
                        output: &output,
                        parsed: &parsed,
                        page,
                    })
                    .map_err(DriveError::Stopped)?;
                }
                Err(e) => {
                    on_page(PageResult::Failed(e)).map_err(DriveError::Stopped)?;
                    return Err(DriveError::Call);
                }
            }
        }
        Ok(pages)
    }

    /// Runs `waiter` (one of this service's) with JSON `input`: calls,
    /// matches the acceptors, and sleeps on the client's [`Timer`] between
    /// attempts, as botocore's `Waiter.wait`; `on_attempt` sees each call's
    /// result first. Returns the attempts made.
    ///
    /// ```no_run
    /// # async fn demo<T: stratus_core::client::Transport,
    /// #     C: stratus_core::credentials::ProvideCredentials,
    /// #     K: stratus_core::time::Clock + stratus_core::client::Timer>(
    /// #     client: &stratus_core::client::Client<'_, T, C, K>,
    /// #     waiter: &'static stratus_core::waiter::Waiter,
    /// #     ws: &mut stratus_core::client::Workspace<'_>) {
    /// use stratus_core::client::paging::{DriveBuffers, WaitConfig};
    /// let (mut input, mut scratch) = ([0u8; 256], [0u8; 256]);
    /// let bufs = DriveBuffers { input: &mut input, scratch: &mut scratch };
    /// let config = WaitConfig { delay_ms: Some(1_000), max_attempts: Some(10) };
    /// let attempts = client
    ///     .wait::<16, ()>(waiter, r#"{"TableName": "t"}"#, config, bufs, ws, &mut |_| Ok(()))
    ///     .await;
    /// # let _ = attempts;
    /// # }
    /// ```
    pub async fn wait<const N: usize, E>(
        &self,
        waiter: &'static Waiter,
        input: &str,
        config: WaitConfig,
        bufs: DriveBuffers<'_>,
        ws: &mut Workspace<'_>,
        on_attempt: &mut AttemptHandler<'_, E>,
    ) -> Result<u32, DriveError<E>> {
        let model = self.service().model;
        let op = model
            .operation(waiter.operation)
            .ok_or(DriveError::UnknownOperation(waiter.operation))?;
        let delay = config
            .delay_ms
            .unwrap_or(u64::from(waiter.delay).saturating_mul(1000));
        let text = bufs
            .input
            .get_mut(..input.len())
            .ok_or(DriveError::Pagination(PaginationError::BufferTooSmall))?;
        text.copy_from_slice(input.as_bytes());
        let text = core::str::from_utf8(text)
            .map_err(|_| DriveError::Pagination(PaginationError::BadInput))?;
        let mut matched = false;
        let mut attempt = 0;
        loop {
            attempt += 1;
            let done = {
                // Each attempt reads the input afresh: slots are filled once.
                let slots: InputSlots<'_, N> = InputSlots::new();
                let json = read_input(text, model, op, &slots, &mut *bufs.scratch)?;
                let value: &dyn StructValue = match &json {
                    Some(json) => json,
                    None => &NoMembers,
                };
                match self.call(waiter.operation, value, reborrow(ws)).await {
                    Ok(output) => {
                        on_attempt(Ok(&output)).map_err(DriveError::Stopped)?;
                        let parser = output.parser();
                        let parsed = parser.output().map_err(DriveError::Parse)?;
                        let outcome = Outcome::Output(&parsed, output.status());
                        waiter.step(&outcome, attempt, config.max_attempts, &mut matched)
                    }
                    Err(e) => {
                        on_attempt(Err(&e)).map_err(DriveError::Stopped)?;
                        let CallError::Service(out) = &e else {
                            return Err(DriveError::Call);
                        };
                        let code = out.error_code().unwrap_or_default();
                        let outcome = Outcome::Error(&code, out.status());
                        waiter.step(&outcome, attempt, config.max_attempts, &mut matched)
                    }
                }
                .map_err(DriveError::Wait)?
            };
            if done {
                return Ok(attempt);
            }
            self.clock().sleep_ms(delay).await;
        }
    }
}
