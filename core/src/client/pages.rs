//! The owned-JSON faces of paginators and waiters (feature `alloc`): the
//! drivers of [`paging`](super::paging) with heap buffers, pages handed out
//! whole ([`Client::paginate_json`]), item by item ([`Client::paginate_items`])
//! or merged ([`Client::full_result`]), and waits with JSON input
//! ([`Client::wait_json`]). Errors own their text ([`PagesError`]).
//!
//! The blocking wrappers of `stratus-transport-std` (`pages`) run these on
//! the calling thread.

use alloc::boxed::Box;
use alloc::string::{String, ToString};
use alloc::vec;
use core::fmt;

use serde_json::Value as Json;

use super::Client;
use super::heap::HeapBuffers;
use super::output::{CallError, CallOutput};
use super::paging::{DriveBuffers, DriveError, PageResult, WaitConfig};
use super::transport::{Timer, Transport};
use crate::credentials::ProvideCredentials;
use crate::format::json::InputError;
use crate::paginate::full::{FullResult, OwnedError, page_items};
use crate::paginate::{Page, PageState, PaginationConfig, PaginationError, Paginator};
use crate::protocol::parse::{Output, ParseError, Parsed, TimestampStyle};
use crate::time::Clock;
use crate::waiter::{WaitError, Waiter};

/// Input members JSON input can hold.
const SLOTS: usize = 1024;
/// Bytes of state for the tokens of one pagination.
const STATE_BYTES: usize = 16 * 1024;
/// Request bytes per call (body included).
const REQUEST_BYTES: usize = 256 * 1024;
/// Response bytes per call (head and body): one page.
const RESPONSE_BYTES: usize = 4 * 1024 * 1024;

/// Why a pagination or wait failed, its text owned.
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
    /// A page could not be made owned JSON.
    Owned(OwnedError),
    /// The operation the paginator or waiter names is not in the model.
    UnknownOperation(&'static str),
    /// The page or item handler stopped with this message.
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
            PagesError::Owned(e) => write!(f, "{e}"),
            PagesError::UnknownOperation(op) => write!(f, "operation {op} is not in the model"),
            PagesError::Stopped(e) => f.write_str(e),
        }
    }
}

impl core::error::Error for PagesError {}

impl From<PaginationError> for PagesError {
    fn from(e: PaginationError) -> Self {
        PagesError::Pagination(e)
    }
}

impl From<OwnedError> for PagesError {
    fn from(e: OwnedError) -> Self {
        PagesError::Owned(e)
    }
}

/// A service error's code and message as botocore's `ClientError` shows
/// them (`Unknown` for either when the response does not say).
///
/// ```
/// # fn demo(out: &stratus_core::client::CallOutput<'_>) {
/// let (code, message) = stratus_core::client::pages::service_error_text(out);
/// println!("An error occurred ({code}): {message}");
/// # }
/// ```
pub fn service_error_text(out: &CallOutput<'_>) -> (String, String) {
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

/// What [`Client::paginate_json`] hands each page to.
pub type PageHandler<'h> = dyn FnMut(&Output<'_>, Page) -> Result<(), PagesError> + 'h;

impl<T: Transport, C: ProvideCredentials, K: Clock + Timer> Client<'_, T, C, K> {
    /// Runs `paginator` (one of this service's) with JSON `input` and
    /// `config` on heap buffers, handing each parsed page and its item
    /// window to `on_page`; returns botocore's resume token, if any.
    ///
    /// ```no_run
    /// # async fn demo<T: stratus_core::client::Transport,
    /// #     C: stratus_core::credentials::ProvideCredentials,
    /// #     K: stratus_core::time::Clock + stratus_core::client::Timer>(
    /// #     client: &stratus_core::client::Client<'_, T, C, K>,
    /// #     paginator: &'static stratus_core::paginate::Paginator) {
    /// use stratus_core::paginate::PaginationConfig;
    /// let config = PaginationConfig { page_size: Some(100), ..Default::default() };
    /// let mut pages = 0;
    /// client
    ///     .paginate_json(paginator, r#"{"Bucket": "b"}"#, &config, &mut |_, _| {
    ///         pages += 1;
    ///         Ok(())
    ///     })
    ///     .await
    ///     .unwrap();
    /// # }
    /// ```
    pub async fn paginate_json(
        &self,
        paginator: &'static Paginator,
        input: &str,
        config: &PaginationConfig<'_>,
        on_page: &mut PageHandler<'_>,
    ) -> Result<Option<String>, PagesError> {
        let mut state_buf = vec![0u8; STATE_BYTES];
        let mut state = PageState::new(paginator, config, &mut state_buf)?;
        let mut bufs = HeapBuffers::new(REQUEST_BYTES, RESPONSE_BYTES);
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
        // Boxed: the input slots would otherwise sit in the caller's future.
        let run = Box::pin(self.paginate::<SLOTS, PagesError>(
            &mut state,
            input,
            DriveBuffers {
                input: &mut text_buf,
                scratch: &mut scratch,
            },
            &mut ws,
            &mut handler,
        ));
        run.await.map_err(|e| from_drive(e, failed.take()))?;
        let mut out = vec![0u8; 4 * STATE_BYTES];
        Ok(state.resume_token(&mut out)?.map(str::to_string))
    }

    /// Runs `paginator` as [`paginate_json`](Self::paginate_json) does and
    /// hands each item of the primary result key to `on_item`, page after
    /// page (botocore's `result_key_iters()[0]`): `MaxItems` and a
    /// `StartingToken` cut as in botocore. Returns the resume token, if any.
    ///
    /// ```no_run
    /// # async fn demo<T: stratus_core::client::Transport,
    /// #     C: stratus_core::credentials::ProvideCredentials,
    /// #     K: stratus_core::time::Clock + stratus_core::client::Timer>(
    /// #     client: &stratus_core::client::Client<'_, T, C, K>,
    /// #     paginator: &'static stratus_core::paginate::Paginator) {
    /// use stratus_core::paginate::PaginationConfig;
    /// let config = PaginationConfig { max_items: Some(250), ..Default::default() };
    /// let mut keys = Vec::new();
    /// let resume = client
    ///     .paginate_items(paginator, r#"{"Bucket": "b"}"#, &config, &mut |item| {
    ///         keys.push(item["Key"].as_str().unwrap_or_default().to_string());
    ///         Ok(())
    ///     })
    ///     .await
    ///     .unwrap();
    /// # let _ = resume;
    /// # }
    /// ```
    pub async fn paginate_items(
        &self,
        paginator: &'static Paginator,
        input: &str,
        config: &PaginationConfig<'_>,
        on_item: &mut dyn FnMut(Json) -> Result<(), PagesError>,
    ) -> Result<Option<String>, PagesError> {
        self.paginate_json(paginator, input, config, &mut |output, page| {
            for item in page_items(paginator, output, page, TimestampStyle::Iso8601)? {
                on_item(item)?;
            }
            Ok(())
        })
        .await
    }

    /// botocore's `build_full_result` over `paginator` with JSON `input`
    /// and `config`: every page's result keys merged, the non-aggregate
    /// keys, and `NextToken` when `MaxItems` left more (what the aws CLI's
    /// `--paginate` prints).
    ///
    /// ```no_run
    /// # async fn demo<T: stratus_core::client::Transport,
    /// #     C: stratus_core::credentials::ProvideCredentials,
    /// #     K: stratus_core::time::Clock + stratus_core::client::Timer>(
    /// #     client: &stratus_core::client::Client<'_, T, C, K>,
    /// #     paginator: &'static stratus_core::paginate::Paginator) {
    /// let all = client
    ///     .full_result(paginator, r#"{"TableName": "t"}"#, &Default::default())
    ///     .await
    ///     .unwrap();
    /// println!("{} items", all["Items"].as_array().map_or(0, Vec::len));
    /// # }
    /// ```
    pub async fn full_result(
        &self,
        paginator: &'static Paginator,
        input: &str,
        config: &PaginationConfig<'_>,
    ) -> Result<Json, PagesError> {
        let mut full = FullResult::new(paginator);
        let resume = self
            .paginate_json(paginator, input, config, &mut |output, page| {
                full.add_page(output, page).map_err(PagesError::Owned)
            })
            .await?;
        Ok(full.finish(resume.as_deref()))
    }

    /// Runs `waiter` (one of this service's) with JSON `input` on heap
    /// buffers, `config` overriding the model's delay and attempts; returns
    /// the attempts made. An error no acceptor expects ends the wait with
    /// that error ([`PagesError::Service`]), as botocore reports it.
    ///
    /// ```no_run
    /// # async fn demo<T: stratus_core::client::Transport,
    /// #     C: stratus_core::credentials::ProvideCredentials,
    /// #     K: stratus_core::time::Clock + stratus_core::client::Timer>(
    /// #     client: &stratus_core::client::Client<'_, T, C, K>,
    /// #     waiter: &'static stratus_core::waiter::Waiter) {
    /// use stratus_core::client::paging::WaitConfig;
    /// let config = WaitConfig { delay_ms: Some(500), max_attempts: Some(20) };
    /// let attempts = client.wait_json(waiter, r#"{"TableName": "t"}"#, config).await.unwrap();
    /// # let _ = attempts;
    /// # }
    /// ```
    pub async fn wait_json(
        &self,
        waiter: &'static Waiter,
        input: &str,
        config: WaitConfig,
    ) -> Result<u32, PagesError> {
        let mut bufs = HeapBuffers::new(REQUEST_BYTES, RESPONSE_BYTES);
        let mut text_buf = vec![0u8; input.len()];
        let mut scratch = vec![0u8; input.len() + 16];
        let mut failed = None;
        let mut ws = bufs.workspace();
        let mut handler = |r: Result<&CallOutput<'_>, &CallError<'_>>| {
            failed = r.err().map(call_failure);
            Ok(())
        };
        let run = Box::pin(self.wait::<SLOTS, PagesError>(
            waiter,
            input,
            config,
            DriveBuffers {
                input: &mut text_buf,
                scratch: &mut scratch,
            },
            &mut ws,
            &mut handler,
        ));
        run.await.map_err(|e| match e {
            // botocore's reason for an error no acceptor expects.
            DriveError::Wait(WaitError::UnexpectedError) => failed
                .take()
                .unwrap_or(PagesError::Wait(WaitError::UnexpectedError)),
            e => from_drive(e, failed.take()),
        })
    }
}
