//! Credentials from the AWS IoT credentials provider: a device presents its
//! X.509 certificate (mutual TLS) to the account's `credentials.iot`
//! endpoint and receives temporary credentials for a role alias.

use std::fmt;
use std::sync::Arc;

use stratus_core::client::{Timeouts, Transport};
use stratus_core::credentials::iot::{EndpointError, IotEndpoint, IotError};
use stratus_core::credentials::{Credentials, CredentialsError, ProvideCredentials};
use stratus_core::time::{Clock, UnixTime};

use super::cached::{Cached, Fetch};
use super::http::{self, Url};
use super::{HttpError, ProviderError};

const NAME: &str = "iot";

/// Where the IoT credentials provider is and what to ask it for.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct IotSettings {
    /// The account's credentials endpoint: `https://host[:port]` (from
    /// `aws iot describe-endpoint --endpoint-type iot:CredentialProvider`),
    /// or a bare `host[:port]`.
    pub endpoint: String,
    /// The role alias.
    pub role_alias: String,
    /// The thing name, sent as `x-amzn-iot-thingname` (needed when the
    /// role's policy uses thing variables).
    pub thing_name: Option<String>,
    /// Connect and read timeouts.
    pub timeouts: Timeouts,
}

impl IotSettings {
    /// Settings for `endpoint` and `role_alias`, 5 s timeouts, no thing name.
    pub fn new(endpoint: &str, role_alias: &str) -> Self {
        IotSettings {
            endpoint: endpoint.to_string(),
            role_alias: role_alias.to_string(),
            thing_name: None,
            timeouts: Timeouts {
                connect_ms: 5_000,
                read_ms: 5_000,
            },
        }
    }

    /// With a thing name.
    pub fn thing_name(mut self, name: &str) -> Self {
        self.thing_name = Some(name.to_string());
        self
    }

    /// The endpoint's URL (`scheme://host[:port]`, no path), after checking
    /// the role alias against AWS IoT's pattern (`[\w=,@-]+`).
    fn url(&self) -> Result<Url, HttpError> {
        let alias_ok = !self.role_alias.is_empty()
            && self
                .role_alias
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_=,@-".contains(c));
        if !alias_ok {
            return Err(HttpError::InvalidUrl(format!(
                "role alias {:?}",
                self.role_alias
            )));
        }
        let base = if self.endpoint.contains("://") {
            self.endpoint.trim_end_matches('/').to_string()
        } else {
            format!("https://{}", self.endpoint.trim_end_matches('/'))
        };
        let url = Url::parse(&base)?;
        if url.target != "/" {
            // The request's path is the provider's own.
            return Err(HttpError::InvalidUrl(base));
        }
        Ok(url)
    }
}

pub(crate) struct IotSource<T> {
    transport: Arc<T>,
    settings: IotSettings,
}

/// The clock the core's fetch is given: none, so it does not judge the
/// expiration itself; the [`RefreshingProvider`] around it does, with the
/// provider's clock.
///
/// [`RefreshingProvider`]: stratus_core::credentials::RefreshingProvider
struct NoClock;

impl Clock for NoClock {
    fn now(&self) -> Option<UnixTime> {
        None
    }
}

impl<T: Transport> Fetch for IotSource<T> {
    const NAME: &'static str = NAME;

    async fn fetch(&self) -> Result<Credentials, ProviderError> {
        let fail = |error| ProviderError::Http {
            source: NAME,
            error,
        };
        let url = self.settings.url().map_err(fail)?;
        let mut endpoint = IotEndpoint::new(&url.host, &self.settings.role_alias)
            .with_scheme(&url.scheme)
            .with_timeouts(self.settings.timeouts);
        endpoint.port = url.port;
        if let Some(thing) = &self.settings.thing_name {
            endpoint = endpoint.with_thing_name(thing);
        }
        let mut buf = vec![0u8; http::RESPONSE_BYTES];
        endpoint
            .fetch(&*self.transport, &NoClock, &mut buf)
            .await
            .map_err(provider_error)
    }
}

/// The core's error in this crate's terms.
fn provider_error(e: IotError) -> ProviderError {
    let http = |error| ProviderError::Http {
        source: NAME,
        error,
    };
    match e {
        IotError::Endpoint(EndpointError::ThingName) => http(HttpError::TokenNotHeaderSafe),
        IotError::Endpoint(e) => http(HttpError::InvalidUrl(e.to_string())),
        IotError::Transport(e) => http(HttpError::Transport(e)),
        IotError::Status {
            status,
            code,
            message,
        } => http(HttpError::Status {
            status,
            body: match (code, message) {
                (Some(c), Some(m)) => format!("{c}: {m}"),
                (Some(c), None) => c.to_string(),
                (None, Some(m)) => m.to_string(),
                (None, None) => String::new(),
            },
        }),
        IotError::Malformed(_) => http(HttpError::NotJson),
        IotError::MissingField(f) | IotError::WrongType(f) => {
            http(HttpError::MissingField(f.wire_name()))
        }
        IotError::BadExpiration(text) => ProviderError::BadExpiration {
            source: NAME,
            value: text.to_string(),
        },
        IotError::Expired { .. } => ProviderError::Expired { source: NAME },
        e @ (IotError::TooLong { .. } | IotError::Empty(_)) => match e.to_core() {
            core @ (CredentialsError::TooLong { .. } | CredentialsError::Empty(_)) => {
                ProviderError::Invalid {
                    source: NAME,
                    error: Box::new(core),
                }
            }
            // A length or emptiness problem of a field Credentials does not
            // hold: the answer is not what was expected.
            _ => http(HttpError::NotJson),
        },
    }
}

/// Temporary credentials from AWS IoT's credentials provider:
/// `GET /role-aliases/<alias>/credentials` over mutual TLS, answered with
/// `{"credentials": {"accessKeyId", "secretAccessKey", "sessionToken",
/// "expiration"}}`. The transport must present the device certificate
/// (`TlsSettings::with_client_auth` for [`StdTransport`]); the credentials
/// are cached and fetched again before they expire (botocore's refresh
/// windows).
///
/// The request and the answer are the core's
/// ([`stratus_core::credentials::iot`]); this wrapper adds URL-style
/// settings, a heap buffer and errors with owned text.
///
/// [`StdTransport`]: crate::net::StdTransport
pub struct IotCredentialsProvider<T, K> {
    cached: Cached<IotSource<T>, K>,
}

impl<T, K> fmt::Debug for IotCredentialsProvider<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("IotCredentialsProvider")
            .field("settings", &self.cached.source().settings)
            .field("cached", &self.cached)
            .finish()
    }
}

impl<T: Transport, K: Clock> IotCredentialsProvider<T, K> {
    /// Asks the endpoint in `settings` over `transport` (which holds the
    /// device certificate), judging expiry by `clock`.
    pub fn new(settings: IotSettings, transport: Arc<T>, clock: K) -> Self {
        IotCredentialsProvider {
            cached: Cached::new(
                IotSource {
                    transport,
                    settings,
                },
                clock,
            ),
        }
    }

    /// The settings in use.
    pub fn settings(&self) -> &IotSettings {
        &self.cached.source().settings
    }

    /// Drops the cached credentials (after a service refused them).
    pub fn invalidate(&self) {
        self.cached.invalidate();
    }

    /// Cached or fresh credentials, or the full reason there are none.
    pub async fn load(&self) -> Result<Credentials, ProviderError> {
        self.cached.load().await
    }
}

impl<T: Transport, K: Clock> ProvideCredentials for IotCredentialsProvider<T, K> {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        self.load().await.map_err(|e| e.to_core())
    }
}
