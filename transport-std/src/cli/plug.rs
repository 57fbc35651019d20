//! Where the CLI meets the std pieces: one function each for the transport,
//! the credentials, the settings (region, endpoint, profile) and the clock.
//!
//! STAND-INS: until the std transport, the std credential chain and the
//! shared-config reader land in this crate, [`credentials`] reads only the
//! `AWS_*` environment variables, [`settings`] only the command line and the
//! environment, and [`transport`] can only capture (`--dry-run`); each is
//! replaced here, in one place, when the real piece appears.

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::time::Instant;

use stratus_core::client::{
    ClientConfig, HttpRequest, RawResponse, Timer, Transport, TransportError,
};
use stratus_core::credentials::{
    CredentialField, Credentials, CredentialsError, ProvideCredentials,
};
use stratus_core::format::{Sink, WriteError};
use stratus_core::retry::RetryConfig;
use stratus_core::time::{Clock, UnixTime};

use super::{Args, CliError, Env};
use crate::SystemClock;

/// What the command line and the environment settle before a call.
#[derive(Debug, Clone)]
pub struct Settings {
    /// The region, when one is known.
    pub region: Option<String>,
    /// The profile named with `--profile` or `AWS_PROFILE`.
    pub profile: Option<String>,
    /// The client config (endpoint URL, retries).
    pub config: ClientConfig,
    /// `--ca-bundle` (or `AWS_CA_BUNDLE`).
    pub ca_bundle: Option<PathBuf>,
    /// `--signing-time`, parsed.
    pub signing_time: Option<UnixTime>,
    /// `--dry-run`.
    pub dry_run: bool,
}

/// Whether `region` is a name botocore accepts (its `validate_region_name`:
/// a host label of letters, digits and hyphens).
fn valid_region(region: &str) -> bool {
    let b = region.as_bytes();
    !b.is_empty()
        && b.len() <= stratus_core::client::config::REGION_CAPACITY
        && b.iter().all(|c| c.is_ascii_alphanumeric() || *c == b'-')
        && b.first() != Some(&b'-')
        && b.last() != Some(&b'-')
}

/// The settings for a call: the command line first, then the environment.
pub fn settings(args: &Args, env: &Env<'_>) -> Result<Settings, CliError> {
    let nonempty = |v: Option<String>| v.filter(|s| !s.is_empty());
    // STAND-IN: the shared config (`~/.aws/config`, the profile's region)
    // is read by the std config helper once it lands.
    let region = nonempty(args.region.clone())
        .or_else(|| nonempty(env("AWS_REGION")))
        .or_else(|| nonempty(env("AWS_DEFAULT_REGION")));
    if let Some(r) = &region
        && !valid_region(r)
    {
        return Err(CliError::Setting(format!(
            "invalid region name {r:?}: a region is letters, digits and hyphens (at most {} characters)",
            stratus_core::client::config::REGION_CAPACITY
        )));
    }
    let profile = nonempty(args.profile.clone()).or_else(|| nonempty(env("AWS_PROFILE")));
    let mut config = ClientConfig::default();
    if let Some(r) = &region {
        config = config.region(r);
    }
    if let Some(url) = nonempty(args.endpoint_url.clone()) {
        let scheme_ok = url.starts_with("http://") || url.starts_with("https://");
        let host_ok = url
            .split_once("://")
            .is_some_and(|(_, rest)| !rest.is_empty() && !rest.starts_with('/'));
        if !scheme_ok || !host_ok {
            return Err(CliError::Setting(format!(
                "invalid --endpoint-url {url:?}: give a URL such as http://127.0.0.1:4566"
            )));
        }
        let cap = stratus_core::client::config::ENDPOINT_URL_CAPACITY;
        if url.len() > cap {
            return Err(CliError::Setting(format!(
                "--endpoint-url is {} bytes long; at most {cap} are kept",
                url.len()
            )));
        }
        config = config.endpoint_url(&url);
    }
    let signing_time = match &args.signing_time {
        Some(t) => Some(UnixTime::parse_amz_date(t).map_err(|e| {
            CliError::Setting(format!(
                "invalid --signing-time {t:?} ({e}): give YYYYMMDDTHHMMSSZ, e.g. 20261122T080000Z"
            ))
        })?),
        None => None,
    };
    if args.dry_run {
        // One attempt: the captured request is the answer.
        let retries = RetryConfig {
            max_attempts: Some(1),
            ..config.retries
        };
        config = config.retries(retries);
    }
    let ca_bundle = args
        .ca_bundle
        .clone()
        .or_else(|| nonempty(env("AWS_CA_BUNDLE")).map(PathBuf::from));
    Ok(Settings {
        region,
        profile,
        config,
        ca_bundle,
        signing_time,
        dry_run: args.dry_run,
    })
}

/// The CLI's credentials.
///
/// STAND-IN: `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY` and
/// `AWS_SESSION_TOKEN` only, until the std default chain lands.
pub struct CliCredentials(Result<Credentials, CredentialsError>);

impl std::fmt::Debug for CliCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `Credentials` redacts its secrets itself.
        f.debug_tuple("CliCredentials").field(&self.0).finish()
    }
}

impl ProvideCredentials for CliCredentials {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        self.0.clone()
    }
}

/// The credentials for `settings`.
pub fn credentials(_settings: &Settings, env: &Env<'_>) -> CliCredentials {
    let get = |k: &str| env(k).filter(|v| !v.is_empty());
    let found = match (get("AWS_ACCESS_KEY_ID"), get("AWS_SECRET_ACCESS_KEY")) {
        (Some(id), Some(secret)) => {
            let token = get("AWS_SESSION_TOKEN");
            Credentials::new(&id, &secret, token.as_deref(), None)
        }
        (Some(_), None) => Err(CredentialsError::Empty(CredentialField::SecretAccessKey)),
        (None, _) => Err(CredentialsError::NotConfigured),
    };
    CliCredentials(found)
}

/// A growable [`Sink`].
#[derive(Debug, Default)]
pub struct VecSink(pub Vec<u8>);

impl Sink for VecSink {
    fn write_bytes(&mut self, bytes: &[u8]) -> Result<(), WriteError> {
        self.0.extend_from_slice(bytes);
        Ok(())
    }
}

/// The CLI's transport: captures the request (`--dry-run`) or sends it.
#[derive(Debug)]
pub enum CliTransport {
    /// Writes the request as HTTP/1.1 bytes and sends nothing; the attempt
    /// then fails with [`TransportError::Unsupported`] (the dry run's end).
    Capture(RefCell<Option<Result<Vec<u8>, String>>>),
    /// Sends over the network.
    ///
    /// STAND-IN: the std transport has not landed; every send fails.
    Network {
        /// The CA bundle the transport will trust.
        ca_bundle: Option<PathBuf>,
    },
}

/// The transport for `settings`.
pub fn transport(settings: &Settings) -> Result<CliTransport, CliError> {
    if settings.dry_run {
        return Ok(CliTransport::Capture(RefCell::new(None)));
    }
    Ok(CliTransport::Network {
        ca_bundle: settings.ca_bundle.clone(),
    })
}

impl CliTransport {
    /// The captured request's bytes (dry run), or why they could not be written.
    pub fn captured(&self) -> Option<Result<Vec<u8>, String>> {
        match self {
            CliTransport::Capture(c) => c.borrow().clone(),
            CliTransport::Network { .. } => None,
        }
    }
}

/// `request` as the bytes a send writes: the head as
/// [`stratus_core::http::write_head`] writes it (the transports' own writer),
/// then the body.
pub fn wire_bytes(request: &HttpRequest<'_>) -> Result<Vec<u8>, String> {
    let mut sink = VecSink::default();
    stratus_core::http::write_head(request, &mut sink).map_err(|e| e.to_string())?;
    sink.0.extend_from_slice(request.body);
    Ok(sink.0)
}

impl Transport for CliTransport {
    async fn send(
        &self,
        request: &HttpRequest<'_>,
        _buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        match self {
            CliTransport::Capture(slot) => {
                slot.replace(Some(wire_bytes(request)));
                Err(TransportError::Unsupported)
            }
            CliTransport::Network { .. } => Err(TransportError::Unsupported),
        }
    }
}

/// Wall time and monotonic time for the CLI: the host's, or a fixed wall
/// time (`--signing-time`) under which sleeping only advances a counter.
#[derive(Debug)]
pub struct CliClock {
    fixed: Option<UnixTime>,
    start: Instant,
    slept_ms: Cell<u64>,
}

/// The clock for `settings`.
pub fn clock(settings: &Settings) -> CliClock {
    CliClock {
        fixed: settings.signing_time,
        start: Instant::now(),
        slept_ms: Cell::new(0),
    }
}

impl Clock for CliClock {
    fn now(&self) -> Option<UnixTime> {
        match self.fixed {
            Some(t) => Some(t),
            None => SystemClock.now(),
        }
    }
}

impl Timer for CliClock {
    fn now_ms(&self) -> u64 {
        match self.fixed {
            Some(_) => self.slept_ms.get(),
            None => u64::try_from(self.start.elapsed().as_millis()).unwrap_or(u64::MAX),
        }
    }

    async fn sleep_ms(&self, ms: u64) {
        match self.fixed {
            Some(_) => self.slept_ms.set(self.slept_ms.get().saturating_add(ms)),
            None => std::thread::sleep(std::time::Duration::from_millis(ms)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regions() {
        for ok in ["us-east-1", "eu-west-3", "local"] {
            assert!(valid_region(ok), "{ok}");
        }
        for bad in ["", "us east", "-us", "us-", "a/b", &"x".repeat(33)] {
            assert!(!valid_region(bad), "{bad}");
        }
    }

    #[test]
    fn fixed_clock_sleeps_without_waiting() {
        let settings = Settings {
            region: None,
            profile: None,
            config: ClientConfig::default(),
            ca_bundle: None,
            signing_time: Some(UnixTime::from_secs(1_795_334_400)),
            dry_run: true,
        };
        let c = clock(&settings);
        embassy_futures::block_on(c.sleep_ms(60_000));
        assert_eq!(c.now_ms(), 60_000);
        assert_eq!(c.now().unwrap().as_secs(), 1_795_334_400);
    }
}
