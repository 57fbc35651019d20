//! Credentials from the container credentials endpoint (ECS, EKS Pod
//! Identity; botocore's `ContainerProvider`, method `container-role`).

use std::cell::RefCell;
use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use stratus_core::client::{Timeouts, Timer, Transport};
use stratus_core::credentials::{Credentials, CredentialsError, ProvideCredentials};
use stratus_core::time::Clock;

use super::cached::{Cached, Fetch, credentials, parse_expiry};
use super::http::{self, Url};
use super::{HttpError, ProviderError};
use crate::config::Env;

/// botocore's base for `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`.
pub const DEFAULT_CONTAINER_BASE_URL: &str = "http://169.254.170.2";

/// Hosts a plain-HTTP full URI may name besides loopback addresses
/// (botocore's `ContainerMetadataFetcher._ALLOWED_HOSTS`).
const ALLOWED_HOSTS: [&str; 4] = [
    "169.254.170.2",
    "169.254.170.23",
    "fd00:ec2::23",
    "localhost",
];

/// botocore's container fetcher: 2 s timeout, 3 attempts, 1 s apart.
const TIMEOUT_MS: u32 = 2_000;
const ATTEMPTS: u32 = 3;
const SLEEP_MS: u64 = 1_000;

const NAME: &str = "container-role";

#[derive(Clone)]
enum Auth {
    None,
    Token(String),
    File(PathBuf),
}

pub(crate) struct ContainerSource<T, K> {
    transport: Arc<T>,
    timer: K,
    /// `None`: no container variable is set.
    url: RefCell<Option<String>>,
    /// Whether the URL came from the full-URI variable (and must be checked).
    full: bool,
    auth: Auth,
}

impl<T, K> ContainerSource<T, K> {
    fn header_token(&self) -> Result<Option<String>, HttpError> {
        let token = match &self.auth {
            Auth::None => return Ok(None),
            Auth::Token(t) => t.clone(),
            Auth::File(path) => {
                std::fs::read_to_string(path).map_err(|e| HttpError::TokenFile {
                    path: path.clone(),
                    kind: e.kind(),
                })?
            }
        };
        if token.contains(['\r', '\n']) {
            return Err(HttpError::TokenNotHeaderSafe);
        }
        Ok(Some(token))
    }
}

/// Checks a full URI as botocore does: HTTPS anywhere; plain HTTP only to
/// loopback or the container hosts.
fn check_full_uri(url: &Url) -> Result<(), HttpError> {
    if url.scheme == "https" || url.is_loopback() || ALLOWED_HOSTS.contains(&url.host.as_str()) {
        Ok(())
    } else {
        Err(HttpError::HostNotAllowed(url.host.clone()))
    }
}

impl<T: Transport, K: Timer> ContainerSource<T, K> {
    async fn attempt(
        &self,
        url: &Url,
        token: Option<&str>,
    ) -> Result<serde_json::Value, HttpError> {
        let mut headers = vec![("Accept", "application/json")];
        if let Some(t) = token {
            headers.push(("Authorization", t));
        }
        let timeouts = Timeouts {
            connect_ms: TIMEOUT_MS,
            read_ms: TIMEOUT_MS,
        };
        let reply = http::send(&*self.transport, "GET", url, &headers, timeouts).await?;
        if reply.status != 200 {
            return Err(reply.status_error());
        }
        serde_json::from_slice(&reply.body).map_err(|_| HttpError::NotJson)
    }
}

impl<T: Transport, K: Timer> Fetch for ContainerSource<T, K> {
    const NAME: &'static str = NAME;

    async fn fetch(&self) -> Result<Credentials, ProviderError> {
        let fail = |error| ProviderError::Http {
            source: NAME,
            error,
        };
        let Some(text) = self.url.borrow().clone() else {
            return Err(ProviderError::NotConfigured);
        };
        let url = Url::parse(&text).map_err(fail)?;
        if self.full {
            check_full_uri(&url).map_err(fail)?;
        }
        let token = self.header_token().map_err(fail)?;
        let mut attempt = 0;
        let json = loop {
            attempt += 1;
            match self.attempt(&url, token.as_deref()).await {
                Ok(json) => break json,
                Err(e) if attempt >= ATTEMPTS => return Err(fail(e)),
                Err(_) => self.timer.sleep_ms(SLEEP_MS).await,
            }
        };
        let field = |name| http::field(&json, name).map_err(fail);
        let expiry = parse_expiry(NAME, field("Expiration")?)?;
        credentials(
            NAME,
            field("AccessKeyId")?,
            field("SecretAccessKey")?,
            Some(field("Token")?),
            Some(expiry),
        )
    }
}

/// Credentials from the container endpoint: `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`
/// appended to a base URL (botocore's `http://169.254.170.2`, changed with
/// [`with_base_url`](Self::with_base_url)), else
/// `AWS_CONTAINER_CREDENTIALS_FULL_URI`, which over plain HTTP must name a
/// loopback address or a container host (`169.254.170.2`, `169.254.170.23`,
/// `fd00:ec2::23`, `localhost`). The `Authorization` header comes from the
/// file `AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE` (read at each fetch) or
/// `AWS_CONTAINER_AUTHORIZATION_TOKEN`.
///
/// Not configured when neither URI variable is set. Each fetch makes up to 3
/// attempts, 1 s apart, with a 2 s timeout. The credentials are refreshed
/// before their `Expiration`.
///
/// ```
/// use stratus_transport_std::config::Env;
/// use stratus_transport_std::credentials::ContainerProvider;
/// # use stratus_core::client::{HttpRequest, RawResponse, Timer, Transport, TransportError};
/// # #[derive(Clone)] struct Clk;
/// # impl stratus_core::time::Clock for Clk { fn now(&self) -> Option<stratus_core::time::UnixTime> { None } }
/// # impl Timer for Clk { fn now_ms(&self) -> u64 { 0 } async fn sleep_ms(&self, _: u64) {} }
/// # struct NoNet;
/// # impl Transport for NoNet {
/// #     async fn send(&self, _: &HttpRequest<'_>, _: &mut [u8]) -> Result<RawResponse, TransportError> {
/// #         Err(TransportError::Connect)
/// #     }
/// # }
/// let env = Env::from_pairs([("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "/v2/credentials/abc")]);
/// let provider = ContainerProvider::new(&env, std::sync::Arc::new(NoNet), Clk)
///     .with_base_url("http://127.0.0.1:9");
/// assert_eq!(provider.url().as_deref(), Some("http://127.0.0.1:9/v2/credentials/abc"));
/// ```
pub struct ContainerProvider<T, K> {
    cached: Cached<ContainerSource<T, K>, K>,
    relative: Option<String>,
}

impl<T, K> fmt::Debug for ContainerProvider<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ContainerProvider")
            .field("url", &*self.cached.source().url.borrow())
            .field("cached", &self.cached)
            .finish()
    }
}

impl<T: Transport, K: Clock + Timer + Clone> ContainerProvider<T, K> {
    /// Reads the container variables of `env`.
    pub fn new(env: &Env, transport: Arc<T>, clock: K) -> Self {
        let relative = env
            .get("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
            .map(str::to_string);
        let (url, full) = match &relative {
            Some(r) => (Some(format!("{DEFAULT_CONTAINER_BASE_URL}{r}")), false),
            None => match env.get("AWS_CONTAINER_CREDENTIALS_FULL_URI") {
                Some(u) => (Some(u.to_string()), true),
                None => (None, false),
            },
        };
        let auth = if let Some(p) = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE") {
            Auth::File(PathBuf::from(p))
        } else if let Some(t) = env.get("AWS_CONTAINER_AUTHORIZATION_TOKEN") {
            Auth::Token(t.to_string())
        } else {
            Auth::None
        };
        let source = ContainerSource {
            transport,
            timer: clock.clone(),
            url: RefCell::new(url),
            full,
            auth,
        };
        ContainerProvider {
            cached: Cached::new(source, clock),
            relative,
        }
    }

    /// Uses `base` (e.g. `http://127.0.0.1:8080`) instead of
    /// `http://169.254.170.2` for the relative URI.
    pub fn with_base_url(self, base: &str) -> Self {
        if let Some(relative) = &self.relative {
            let url = format!("{}{relative}", base.trim_end_matches('/'));
            self.cached.source().url.replace(Some(url));
            self.cached.invalidate();
        }
        self
    }

    /// The URL credentials are fetched from, if configured.
    pub fn url(&self) -> Option<String> {
        self.cached.source().url.borrow().clone()
    }

    /// Whether a container variable is set.
    pub fn is_configured(&self) -> bool {
        self.cached.source().url.borrow().is_some()
    }

    /// Cached or fresh credentials, or the full reason there are none.
    pub async fn load(&self) -> Result<Credentials, ProviderError> {
        self.cached.load().await
    }
}

impl<T: Transport, K: Clock + Timer + Clone> ProvideCredentials for ContainerProvider<T, K> {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        self.load().await.map_err(|e| e.to_core())
    }
}
