//! Blocking faces of the core's paginators and waiters: the owned-JSON
//! drivers of `stratus_core::client::pages` ([`Client::paginate_json`],
//! [`Client::paginate_items`], [`Client::full_result`],
//! [`Client::wait_json`]) run on this thread.
//!
//! [`paginate`] hands each parsed page with its item window to a callback,
//! [`items`] each item of the primary result key, [`full_result`] returns
//! botocore's `build_full_result`; [`wait`] runs a [`Waiter`], sleeping on
//! the client's timer between attempts.

use serde_json::Value as Json;
use stratus_core::client::paging::WaitConfig;
use stratus_core::client::{Client, Timer, Transport};
use stratus_core::credentials::ProvideCredentials;
use stratus_core::paginate::{Page, PaginationConfig, Paginator};
use stratus_core::protocol::parse::Output;
use stratus_core::time::Clock;
use stratus_core::waiter::Waiter;

pub use stratus_core::client::pages::{PagesError, call_failure, service_error_text};
pub use stratus_core::paginate::full::FullResult;

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
    embassy_futures::block_on(client.paginate_json(paginator, input, config, on_page))
}

/// Runs `paginator` and hands each item of its primary result key to
/// `on_item`, page after page; returns botocore's resume token, if any.
///
/// ```no_run
/// # fn demo<T: stratus_core::client::Transport, C: stratus_core::credentials::ProvideCredentials,
/// #          K: stratus_core::time::Clock + stratus_core::client::Timer>(
/// #     client: &stratus_core::client::Client<'_, T, C, K>,
/// #     paginator: &'static stratus_core::paginate::Paginator) {
/// let mut keys = Vec::new();
/// stratus_transport_std::pages::items(client, paginator, r#"{"Bucket": "b"}"#,
///     &Default::default(), &mut |item| { keys.push(item["Key"].to_string()); Ok(()) }).unwrap();
/// # }
/// ```
pub fn items<T, C, K>(
    client: &Client<'_, T, C, K>,
    paginator: &'static Paginator,
    input: &str,
    config: &PaginationConfig<'_>,
    on_item: &mut dyn FnMut(Json) -> Result<(), PagesError>,
) -> Result<Option<String>, PagesError>
where
    T: Transport,
    C: ProvideCredentials,
    K: Clock + Timer,
{
    embassy_futures::block_on(client.paginate_items(paginator, input, config, on_item))
}

/// botocore's `build_full_result` of `paginator` with JSON `input` and `config`.
///
/// ```no_run
/// # fn demo<T: stratus_core::client::Transport, C: stratus_core::credentials::ProvideCredentials,
/// #          K: stratus_core::time::Clock + stratus_core::client::Timer>(
/// #     client: &stratus_core::client::Client<'_, T, C, K>,
/// #     paginator: &'static stratus_core::paginate::Paginator) {
/// let all = stratus_transport_std::pages::full_result(client, paginator,
///     r#"{"TableName": "t"}"#, &Default::default()).unwrap();
/// # let _ = all;
/// # }
/// ```
pub fn full_result<T, C, K>(
    client: &Client<'_, T, C, K>,
    paginator: &'static Paginator,
    input: &str,
    config: &PaginationConfig<'_>,
) -> Result<Json, PagesError>
where
    T: Transport,
    C: ProvideCredentials,
    K: Clock + Timer,
{
    embassy_futures::block_on(client.full_result(paginator, input, config))
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
    let config = WaitConfig {
        delay_ms: delay.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX)),
        max_attempts,
    };
    embassy_futures::block_on(client.wait_json(waiter, input, config))
}
