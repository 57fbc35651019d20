//! Credentials from the AWS IoT credentials provider: a device presents its
//! X.509 certificate (mutual TLS) to the account's `credentials.iot`
//! endpoint and receives temporary credentials for a role alias.

use std::fmt;
use std::sync::Arc;

use stratus_core::client::{Timeouts, Transport};
use stratus_core::credentials::{Credentials, CredentialsError, ProvideCredentials};
use stratus_core::time::Clock;

use super::cached::{Cached, Fetch, credentials, parse_expiry};
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

    /// The URL credentials are fetched from.
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
        Url::parse(&format!(
            "{base}/role-aliases/{}/credentials",
            self.role_alias
        ))
    }
}

pub(crate) struct IotSource<T> {
    transport: Arc<T>,
    settings: IotSettings,
}

impl<T: Transport> Fetch for IotSource<T> {
    const NAME: &'static str = NAME;

    async fn fetch(&self) -> Result<Credentials, ProviderError> {
        let fail = |error| ProviderError::Http {
            source: NAME,
            error,
        };
        let url = self.settings.url().map_err(fail)?;
        let mut headers = vec![("Accept", "application/json")];
        if let Some(thing) = &self.settings.thing_name {
            if thing.contains(['\r', '\n']) {
                return Err(fail(HttpError::TokenNotHeaderSafe));
            }
            headers.push(("x-amzn-iot-thingname", thing));
        }
        let reply = http::send(
            &*self.transport,
            "GET",
            &url,
            &headers,
            self.settings.timeouts,
        )
        .await
        .map_err(fail)?;
        if reply.status != 200 {
            return Err(fail(reply.status_error()));
        }
        let json: serde_json::Value =
            serde_json::from_slice(&reply.body).map_err(|_| fail(HttpError::NotJson))?;
        let creds = json
            .get("credentials")
            .ok_or(fail(HttpError::MissingField("credentials")))?;
        let field = |name| http::field(creds, name).map_err(fail);
        let expiry = parse_expiry(NAME, field("expiration")?)?;
        credentials(
            NAME,
            field("accessKeyId")?,
            field("secretAccessKey")?,
            Some(field("sessionToken")?),
            Some(expiry),
        )
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
