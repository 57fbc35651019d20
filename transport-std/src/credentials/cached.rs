//! The wrapper every provider here shares: a source's full errors kept beside
//! the core's [`RefreshingProvider`], which caches what the source gives
//! (credentials without expiry for good, expiring ones until botocore's
//! refresh windows).

use std::cell::RefCell;
use std::fmt;

use stratus_core::credentials::{
    Credentials, CredentialsError, ProvideCredentials, RefreshingProvider,
};
use stratus_core::time::{Clock, UnixTime};

use super::ProviderError;

/// A source of credentials with full errors.
#[allow(async_fn_in_trait)]
pub(crate) trait Fetch {
    /// botocore's method name, for errors.
    const NAME: &'static str;
    /// Produces fresh credentials.
    async fn fetch(&self) -> Result<Credentials, ProviderError>;
}

/// A [`Fetch`] seen as a core provider; the full error of the last failure is
/// kept for [`Cached::load`].
pub(crate) struct Rich<S> {
    pub(crate) source: S,
    last: RefCell<Option<ProviderError>>,
}

impl<S: Fetch> ProvideCredentials for Rich<S> {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        match self.source.fetch().await {
            Ok(c) => {
                self.last.replace(None);
                Ok(c)
            }
            Err(e) => {
                let core = e.to_core();
                self.last.replace(Some(e));
                Err(core)
            }
        }
    }
}

/// A source behind a [`RefreshingProvider`].
pub(crate) struct Cached<S, K> {
    inner: RefreshingProvider<Rich<S>, K>,
}

impl<S, K> fmt::Debug for Cached<S, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // The core's Debug shows the cached key id and expiry, never secrets.
        self.inner.fmt(f)
    }
}

impl<S, K> Cached<S, K> {
    pub(crate) fn source(&self) -> &S {
        &self.inner.source().source
    }
}

impl<S: Fetch, K: Clock> Cached<S, K> {
    pub(crate) fn new(source: S, clock: K) -> Self {
        Cached {
            inner: RefreshingProvider::new(
                Rich {
                    source,
                    last: RefCell::new(None),
                },
                clock,
            ),
        }
    }

    pub(crate) fn invalidate(&self) {
        self.inner.invalidate();
    }

    /// Cached or fresh credentials, with the source's full error on failure.
    pub(crate) async fn load(&self) -> Result<Credentials, ProviderError> {
        match self.inner.provide_credentials().await {
            Ok(c) => Ok(c),
            Err(e) => {
                let rich = self.inner.source().last.borrow_mut().take();
                Err(rich.unwrap_or_else(|| ProviderError::from_core(S::NAME, e)))
            }
        }
    }
}

/// Reads an expiry as botocore's sources write it (ISO 8601, RFC 822 or
/// epoch seconds).
pub(crate) fn parse_expiry(source: &'static str, text: &str) -> Result<UnixTime, ProviderError> {
    let bad = || ProviderError::BadExpiration {
        source,
        value: text.to_string(),
    };
    let ts = stratus_core::format::timestamp::parse_any(text).map_err(|_| bad())?;
    u64::try_from(ts.secs)
        .map(UnixTime::from_secs)
        .map_err(|_| bad())
}

/// Builds credentials, naming the source when a field does not fit.
pub(crate) fn credentials(
    source: &'static str,
    access_key_id: &str,
    secret: &str,
    token: Option<&str>,
    expiry: Option<UnixTime>,
) -> Result<Credentials, ProviderError> {
    Credentials::new(access_key_id, secret, token, expiry).map_err(|error| ProviderError::Invalid {
        source,
        error: Box::new(error),
    })
}
