//! Credentials from the EC2 instance metadata service, IMDSv2 first
//! (botocore's `InstanceMetadataProvider`, method `iam-role`).

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use stratus_core::client::{Timeouts, Transport, TransportError};
use stratus_core::credentials::{Credentials, CredentialsError, ProvideCredentials};
use stratus_core::time::{Clock, UnixTime};

use super::cached::{Cached, Fetch, credentials, parse_expiry};
use super::http::{self, Url};
use super::{HttpError, ProviderError};
use crate::config::{ConfigError, SharedConfig, ensure_boolean, py_int};

/// botocore's IPv4 endpoint. stratus contacts it only when nothing else is
/// configured and metadata is not disabled; tests always set
/// `AWS_EC2_METADATA_SERVICE_ENDPOINT`.
pub const DEFAULT_IMDS_ENDPOINT: &str = "http://169.254.169.254/";
/// botocore's IPv6 endpoint (`ec2_metadata_service_endpoint_mode = IPv6`).
pub const DEFAULT_IMDS_ENDPOINT_V6: &str = "http://[fd00:ec2::254]/";

const NAME: &str = "iam-role";
const TOKEN_PATH: &str = "latest/api/token";
const TOKEN_TTL: &str = "21600";
const ROLE_PATH: &str = "latest/meta-data/iam/security-credentials/";
/// botocore's `ec2_credential_refresh_window` for the default chain (its
/// advisory refresh window).
const REFRESH_WINDOW_SECS: u64 = 15 * 60;

/// How the metadata service is reached.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ImdsSettings {
    /// Off when `AWS_EC2_METADATA_DISABLED` is `true` (any case).
    pub disabled: bool,
    /// The base URL.
    pub endpoint: String,
    /// Seconds per request (`metadata_service_timeout`, default 1).
    pub timeout_secs: u32,
    /// Attempts per request (`metadata_service_num_attempts`, default 1).
    pub attempts: u32,
    /// Never fall back to IMDSv1 (`ec2_metadata_v1_disabled`).
    pub v1_disabled: bool,
}

impl ImdsSettings {
    /// The settings botocore reads: `AWS_EC2_METADATA_DISABLED` (environment
    /// only), `ec2_metadata_service_endpoint` / `AWS_EC2_METADATA_SERVICE_ENDPOINT`,
    /// `ec2_metadata_service_endpoint_mode` (`IPv4` / `IPv6`) or
    /// `imds_use_ipv6`, `metadata_service_timeout`,
    /// `metadata_service_num_attempts`, `ec2_metadata_v1_disabled`.
    pub fn from_config(config: &SharedConfig) -> Result<Self, ConfigError> {
        let disabled = config
            .env()
            .get("AWS_EC2_METADATA_DISABLED")
            .is_some_and(ensure_boolean);
        let int = |setting: &'static str, env: &str, default: i64| -> Result<i64, ConfigError> {
            match config.lookup(&[env], Some(setting))? {
                None => Ok(default),
                Some(v) => py_int(v).ok_or_else(|| ConfigError::InvalidValue {
                    setting,
                    value: v.to_string(),
                    expected: "an integer",
                }),
            }
        };
        let timeout_secs = int(
            "metadata_service_timeout",
            "AWS_METADATA_SERVICE_TIMEOUT",
            1,
        )?;
        let attempts = int(
            "metadata_service_num_attempts",
            "AWS_METADATA_SERVICE_NUM_ATTEMPTS",
            1,
        )?;
        let mode = match config.lookup(
            &["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"],
            Some("ec2_metadata_service_endpoint_mode"),
        )? {
            Some(m) => match m.to_lowercase().as_str() {
                "ipv4" => false,
                "ipv6" => true,
                _ => {
                    return Err(ConfigError::InvalidValue {
                        setting: "ec2_metadata_service_endpoint_mode",
                        value: m.to_string(),
                        expected: "IPv4 or IPv6",
                    });
                }
            },
            None => config
                .lookup(&["AWS_IMDS_USE_IPV6"], Some("imds_use_ipv6"))?
                .is_some_and(ensure_boolean),
        };
        let endpoint = match config.lookup(
            &["AWS_EC2_METADATA_SERVICE_ENDPOINT"],
            Some("ec2_metadata_service_endpoint"),
        )? {
            Some(e) if !e.is_empty() => e.to_string(),
            _ if mode => DEFAULT_IMDS_ENDPOINT_V6.to_string(),
            _ => DEFAULT_IMDS_ENDPOINT.to_string(),
        };
        if Url::parse(&endpoint).is_err() {
            return Err(ConfigError::InvalidValue {
                setting: "ec2_metadata_service_endpoint",
                value: endpoint,
                expected: "an http(s) URL",
            });
        }
        let v1_disabled = config
            .lookup(
                &["AWS_EC2_METADATA_V1_DISABLED"],
                Some("ec2_metadata_v1_disabled"),
            )?
            .is_some_and(ensure_boolean);
        Ok(ImdsSettings {
            disabled,
            endpoint,
            timeout_secs: u32::try_from(timeout_secs.max(0)).unwrap_or(u32::MAX),
            attempts: u32::try_from(attempts.max(0)).unwrap_or(u32::MAX),
            v1_disabled,
        })
    }

    fn url(&self, path: &str) -> Result<Url, HttpError> {
        let sep = if self.endpoint.ends_with('/') {
            ""
        } else {
            "/"
        };
        Url::parse(&format!("{}{sep}{path}", self.endpoint))
    }

    fn timeouts(&self) -> Timeouts {
        let ms = self.timeout_secs.saturating_mul(1000);
        Timeouts {
            connect_ms: ms,
            read_ms: ms,
        }
    }
}

/// Why the metadata service gave no credentials (the chain moves on, as
/// botocore's does; [`ImdsProvider::last_miss`] keeps the reason).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ImdsMiss {
    /// `AWS_EC2_METADATA_DISABLED=true`.
    Disabled,
    /// The token request was refused with 400.
    BadTokenRequest,
    /// Every attempt at a request failed; the last failure.
    Unavailable {
        /// The path asked.
        path: &'static str,
        /// What happened.
        error: HttpError,
    },
    /// The credentials document lacks a field.
    MissingField(&'static str),
}

impl fmt::Display for ImdsMiss {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImdsMiss::Disabled => f.write_str("access to EC2 metadata has been disabled"),
            ImdsMiss::BadTokenRequest => f.write_str("the IMDSv2 token request was refused (400)"),
            ImdsMiss::Unavailable { path, error } => {
                write!(f, "no answer from the metadata service for {path}: {error}")
            }
            ImdsMiss::MissingField(n) => write!(f, "the credentials document has no {n}"),
        }
    }
}

pub(crate) struct ImdsSource<T, K> {
    transport: Arc<T>,
    clock: K,
    settings: ImdsSettings,
    miss: RefCell<Option<ImdsMiss>>,
}

enum Step<V> {
    Done(V),
    Miss(ImdsMiss),
}

impl<T: Transport, K: Clock> ImdsSource<T, K> {
    async fn token(&self) -> Result<Step<Option<String>>, HttpError> {
        let url = self.settings.url(TOKEN_PATH)?;
        let headers = [
            ("x-aws-ec2-metadata-token-ttl-seconds", TOKEN_TTL),
            ("User-Agent", "stratus"),
        ];
        for _ in 0..self.settings.attempts {
            match http::send(
                &*self.transport,
                "PUT",
                &url,
                &headers,
                self.settings.timeouts(),
            )
            .await
            {
                Ok(r) if r.status == 200 => {
                    return Ok(Step::Done(Some(
                        String::from_utf8_lossy(&r.body).into_owned(),
                    )));
                }
                Ok(r) if matches!(r.status, 403..=405) => return Ok(Step::Done(None)),
                Ok(r) if r.status == 400 => return Ok(Step::Miss(ImdsMiss::BadTokenRequest)),
                Err(HttpError::Transport(TransportError::ReadTimeout)) => {
                    return Ok(Step::Done(None));
                }
                _ => {}
            }
        }
        Ok(Step::Done(None))
    }

    /// GETs `path` until an answer passes `ok` or the attempts run out.
    async fn get(
        &self,
        label: &'static str,
        path: &str,
        token: Option<&str>,
        json: bool,
    ) -> Result<Step<Vec<u8>>, HttpError> {
        let url = self.settings.url(path)?;
        let mut headers = vec![("User-Agent", "stratus")];
        if let Some(t) = token {
            headers.push(("x-aws-ec2-metadata-token", t));
        }
        let mut last = HttpError::Transport(TransportError::Connect);
        for _ in 0..self.settings.attempts {
            match http::send(
                &*self.transport,
                "GET",
                &url,
                &headers,
                self.settings.timeouts(),
            )
            .await
            {
                Ok(r) if r.status != 200 => last = r.status_error(),
                Ok(r) if r.body.is_empty() => last = HttpError::MissingField("body"),
                Ok(r) if json && serde_json::from_slice::<serde_json::Value>(&r.body).is_err() => {
                    last = HttpError::NotJson
                }
                Ok(r) => return Ok(Step::Done(r.body)),
                Err(e) => last = e,
            }
        }
        Ok(Step::Miss(ImdsMiss::Unavailable {
            path: label,
            error: last,
        }))
    }

    async fn fetch_inner(&self) -> Result<Step<Credentials>, ProviderError> {
        let fail = |error| ProviderError::Http {
            source: NAME,
            error,
        };
        if self.settings.disabled {
            return Ok(Step::Miss(ImdsMiss::Disabled));
        }
        let token = match self.token().await.map_err(fail)? {
            Step::Done(t) => t,
            Step::Miss(m) => return Ok(Step::Miss(m)),
        };
        if token.is_none() && self.settings.v1_disabled {
            return Err(fail(HttpError::TokenRequired));
        }
        let role = match self
            .get(ROLE_PATH, ROLE_PATH, token.as_deref(), false)
            .await
            .map_err(fail)?
        {
            Step::Done(b) => String::from_utf8_lossy(&b).into_owned(),
            Step::Miss(m) => return Ok(Step::Miss(m)),
        };
        let path = format!("{ROLE_PATH}{role}");
        let body = match self
            .get(
                "latest/meta-data/iam/security-credentials/<role>",
                &path,
                token.as_deref(),
                true,
            )
            .await
            .map_err(fail)?
        {
            Step::Done(b) => b,
            Step::Miss(m) => return Ok(Step::Miss(m)),
        };
        let json: serde_json::Value =
            serde_json::from_slice(&body).map_err(|_| fail(HttpError::NotJson))?;
        let mut fields = [""; 4];
        for (slot, name) in
            fields
                .iter_mut()
                .zip(["AccessKeyId", "SecretAccessKey", "Token", "Expiration"])
        {
            match http::field(&json, name) {
                Ok(v) => *slot = v,
                Err(_) => return Ok(Step::Miss(ImdsMiss::MissingField(name))),
            }
        }
        let [id, secret, token, expiration] = fields;
        let mut expiry = parse_expiry(NAME, expiration)?;
        // botocore's static stability: credentials the service could not
        // renew are used a little longer rather than failing every call.
        if let Some(now) = self.clock.now() {
            let jitter = 120 + now.as_secs() % 481;
            let offset = REFRESH_WINDOW_SECS + jitter;
            if now.as_secs() >= expiry.as_secs().saturating_sub(offset) {
                expiry = UnixTime::from_secs(now.as_secs() + offset);
            }
        }
        credentials(NAME, id, secret, Some(token), Some(expiry)).map(Step::Done)
    }
}

impl<T: Transport, K: Clock> Fetch for ImdsSource<T, K> {
    const NAME: &'static str = NAME;

    async fn fetch(&self) -> Result<Credentials, ProviderError> {
        match self.fetch_inner().await? {
            Step::Done(c) => {
                self.miss.replace(None);
                Ok(c)
            }
            Step::Miss(m) => {
                self.miss.replace(Some(m));
                Err(ProviderError::NotConfigured)
            }
        }
    }
}

/// Credentials of the instance's role from the metadata service: a token
/// from `PUT /latest/api/token` (TTL 21600 s; without one, IMDSv1 unless
/// disabled), the role name from `GET /latest/meta-data/iam/security-credentials/`,
/// then the role's credentials.
///
/// Any failure reaching the service counts as "not configured" (the chain
/// moves on, as botocore's does); [`last_miss`](Self::last_miss) says why.
/// The endpoint is [`ImdsSettings::endpoint`]; tests point it at a local
/// server, never at `169.254.169.254`.
pub struct ImdsProvider<T, K> {
    cached: Cached<ImdsSource<T, K>, K>,
}

impl<T, K> fmt::Debug for ImdsProvider<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ImdsProvider")
            .field("settings", &self.cached.source().settings)
            .field("cached", &self.cached)
            .finish()
    }
}

impl<T: Transport, K: Clock + Clone> ImdsProvider<T, K> {
    /// With the settings `config` gives.
    pub fn new(config: &SharedConfig, transport: Arc<T>, clock: K) -> Result<Self, ConfigError> {
        Ok(Self::with_settings(
            ImdsSettings::from_config(config)?,
            transport,
            clock,
        ))
    }

    /// With explicit settings.
    pub fn with_settings(settings: ImdsSettings, transport: Arc<T>, clock: K) -> Self {
        let source = ImdsSource {
            transport,
            clock: clock.clone(),
            settings,
            miss: RefCell::new(None),
        };
        ImdsProvider {
            cached: Cached::new(source, clock),
        }
    }

    /// The settings in use.
    pub fn settings(&self) -> &ImdsSettings {
        &self.cached.source().settings
    }

    /// Why the last fetch found nothing, if it did not.
    pub fn last_miss(&self) -> Option<ImdsMiss> {
        self.cached.source().miss.borrow().clone()
    }

    /// Cached or fresh credentials, or the full reason there are none.
    pub async fn load(&self) -> Result<Credentials, ProviderError> {
        self.cached.load().await
    }
}

impl<T: Transport, K: Clock + Clone> ProvideCredentials for ImdsProvider<T, K> {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        self.load().await.map_err(|e| e.to_core())
    }
}
