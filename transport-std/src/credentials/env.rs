//! Credentials from environment variables (botocore's `EnvProvider`, method
//! `env`).

use std::fmt;

use stratus_core::credentials::{Credentials, CredentialsError, ProvideCredentials};
use stratus_core::time::Clock;

use super::ProviderError;
use super::cached::{Cached, Fetch, credentials, parse_expiry};
use crate::SystemClock;
use crate::config::Env;

pub(crate) struct EnvSource {
    access_key_id: Option<String>,
    secret: Option<String>,
    token: Option<String>,
    expiry: Option<String>,
}

impl Fetch for EnvSource {
    const NAME: &'static str = "env";

    async fn fetch(&self) -> Result<Credentials, ProviderError> {
        let Some(id) = self.access_key_id.as_deref() else {
            return Err(ProviderError::NotConfigured);
        };
        let secret = self
            .secret
            .as_deref()
            .ok_or_else(|| ProviderError::MissingKey {
                source: Self::NAME,
                key: "AWS_SECRET_ACCESS_KEY".into(),
            })?;
        let expiry = match &self.expiry {
            Some(t) => Some(parse_expiry(Self::NAME, t)?),
            None => None,
        };
        credentials(Self::NAME, id, secret, self.token.as_deref(), expiry)
    }
}

/// Credentials from `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, the token
/// from `AWS_SECURITY_TOKEN` or `AWS_SESSION_TOKEN`, and an expiry from
/// `AWS_CREDENTIAL_EXPIRATION` (empty values count as unset).
///
/// Not configured when `AWS_ACCESS_KEY_ID` is unset; a key id without a
/// secret is [`ProviderError::MissingKey`]. Credentials with an expiry are
/// refreshed (re-read) in botocore's windows and fail once past it.
///
/// ```
/// use stratus_core::credentials::ProvideCredentials;
/// use stratus_transport_std::config::Env;
/// use stratus_transport_std::credentials::EnvironmentProvider;
/// let env = Env::from_pairs([("AWS_ACCESS_KEY_ID", "AKID"), ("AWS_SECRET_ACCESS_KEY", "SECRET")]);
/// let provider = EnvironmentProvider::new(&env);
/// let c = embassy_futures::block_on(provider.provide_credentials()).unwrap();
/// assert_eq!(c.access_key_id(), "AKID");
/// ```
pub struct EnvironmentProvider<K = SystemClock> {
    cached: Cached<EnvSource, K>,
}

impl<K> fmt::Debug for EnvironmentProvider<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("EnvironmentProvider")
            .field("cached", &self.cached)
            .finish()
    }
}

impl EnvironmentProvider<SystemClock> {
    /// Reads `env` (a snapshot; later changes are not seen) with the system
    /// clock.
    pub fn new(env: &Env) -> Self {
        Self::with_clock(env, SystemClock)
    }
}

impl<K: Clock> EnvironmentProvider<K> {
    /// Reads `env`, judging expiry by `clock`.
    pub fn with_clock(env: &Env, clock: K) -> Self {
        let get = |name: &str| env.non_empty(name).map(str::to_string);
        let source = EnvSource {
            access_key_id: get("AWS_ACCESS_KEY_ID"),
            secret: get("AWS_SECRET_ACCESS_KEY"),
            token: get("AWS_SECURITY_TOKEN").or_else(|| get("AWS_SESSION_TOKEN")),
            expiry: get("AWS_CREDENTIAL_EXPIRATION"),
        };
        EnvironmentProvider {
            cached: Cached::new(source, clock),
        }
    }

    /// Whether `AWS_ACCESS_KEY_ID` is set.
    pub fn is_configured(&self) -> bool {
        self.cached.source().access_key_id.is_some()
    }

    /// The credentials, or the full reason there are none.
    pub async fn load(&self) -> Result<Credentials, ProviderError> {
        self.cached.load().await
    }
}

impl<K: Clock> ProvideCredentials for EnvironmentProvider<K> {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        self.load().await.map_err(|e| e.to_core())
    }
}
