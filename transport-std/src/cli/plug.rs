//! Where the CLI meets the std pieces: one function each for the settings
//! ([`settings`]: the shared config, then the command line), the credentials
//! ([`credentials`]: botocore's default chain), the transports
//! ([`network`], [`transport`]) and the clock ([`clock`]).
//!
//! `--dry-run` swaps the network transport for one that captures the
//! request ([`CliTransport::Capture`]).

use std::cell::{Cell, RefCell};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

use stratus_core::client::{
    ClientConfig, HttpRequest, RawResponse, Timer, Transport, TransportError,
};
use stratus_core::format::{Sink, WriteError};
use stratus_core::retry::RetryConfig;
use stratus_core::time::{Clock, UnixTime};

use super::{Args, CliError};
use crate::SystemClock;
use crate::config::{Env, SharedConfig};
use crate::credentials::DefaultCredentialsChain;
use crate::net::{ProxySettings, StdTransport, TlsSettings};

/// What the shared config and the command line settle before a call.
#[derive(Clone)]
pub struct Settings {
    /// The shared config (files, profile, environment) as botocore reads it.
    pub shared: Arc<SharedConfig>,
    /// The client config: the shared config's for the service, with
    /// `--region` and `--endpoint-url` over it.
    pub config: ClientConfig,
    /// `--ca-bundle`, else `AWS_CA_BUNDLE`, else the profile's `ca_bundle`.
    pub ca_bundle: Option<PathBuf>,
    /// `--signing-time`, parsed.
    pub signing_time: Option<UnixTime>,
    /// `--dry-run`.
    pub dry_run: bool,
}

impl std::fmt::Debug for Settings {
    // The shared config holds the credentials file's keys: name the profile only.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Settings")
            .field("profile", &self.shared.profile_name())
            .field("config", &self.config)
            .field("ca_bundle", &self.ca_bundle)
            .field("signing_time", &self.signing_time)
            .field("dry_run", &self.dry_run)
            .finish()
    }
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

/// The settings for a call to `service`: the shared config (environment,
/// profile, files: region, endpoint URL, retries, …), then the command line
/// over it. `--profile` names the profile explicitly (which, as botocore's
/// `Session(profile=…)`, turns off the environment's credentials).
pub fn settings(args: &Args, service: &str, env: &Env) -> Result<Settings, CliError> {
    let profile = args.profile.as_deref().filter(|p| !p.is_empty());
    let shared =
        SharedConfig::load(env.clone(), profile).map_err(|e| CliError::Setting(e.to_string()))?;
    let mut config = shared
        .client_config(service)
        .map_err(|e| CliError::Setting(e.to_string()))?;
    if let Some(r) = args.region.as_deref().filter(|r| !r.is_empty()) {
        if !valid_region(r) {
            return Err(CliError::Setting(format!(
                "invalid region name {r:?}: a region is letters, digits and hyphens (at most {} characters)",
                stratus_core::client::config::REGION_CAPACITY
            )));
        }
        config = config.region(r);
    }
    if let Some(url) = args.endpoint_url.as_deref().filter(|u| !u.is_empty()) {
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
        config = config.endpoint_url(url);
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
    let ca_bundle = match &args.ca_bundle {
        Some(path) => Some(path.clone()),
        None => shared
            .lookup(&["AWS_CA_BUNDLE"], Some("ca_bundle"))
            .map_err(|e| CliError::Setting(e.to_string()))?
            .filter(|p| !p.is_empty())
            .map(|p| PathBuf::from(env.expand_path(p))),
    };
    Ok(Settings {
        shared: Arc::new(shared),
        config,
        ca_bundle,
        signing_time,
        dry_run: args.dry_run,
    })
}

/// The CLI's credentials: botocore's default chain for the settings'
/// profile (environment, assume-role, web identity, credentials file,
/// `credential_process`, config file, container, instance metadata).
pub type CliCredentials = DefaultCredentialsChain<NetworkTransport, CliClock>;

/// The credentials for `settings`; the chain's network sources (STS, the
/// container and instance-metadata endpoints) use a sending transport even
/// in a dry run.
pub fn credentials(
    settings: &Settings,
    network: Arc<NetworkTransport>,
) -> Result<CliCredentials, CliError> {
    DefaultCredentialsChain::new(settings.shared.clone(), network, CliClock::system())
        .map_err(|e| CliError::Setting(e.to_string()))
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

/// The transport that puts requests on the network: the std transport.
pub type NetworkTransport = StdTransport;

/// The network transport for `settings` (calls and the credential chain's
/// network sources share it): proxies from the environment (`HTTPS_PROXY`,
/// `NO_PROXY`, …); with a CA bundle, its certificates are the only roots
/// trusted, as botocore's `verify=<bundle>`.
pub fn network(settings: &Settings) -> Result<Arc<NetworkTransport>, CliError> {
    let env = settings.shared.env();
    let proxies = ProxySettings::from_lookup(|name| env.get(name).map(str::to_string))
        .map_err(|e| CliError::Setting(format!("proxy settings: {e}")))?;
    let mut tls = TlsSettings::new();
    if let Some(path) = &settings.ca_bundle {
        tls = tls
            .without_webpki_roots()
            .with_ca_file(path)
            .map_err(|e| CliError::Setting(format!("--ca-bundle: {e}")))?;
    }
    let transport = StdTransport::builder()
        .tls(tls)
        .proxies(proxies)
        .build()
        .map_err(|e| CliError::Setting(format!("cannot set up the transport: {e}")))?;
    Ok(Arc::new(transport))
}

/// The CLI's transport for calls: captures the request (`--dry-run`) or
/// sends it.
#[derive(Debug)]
pub enum CliTransport {
    /// Writes the request as HTTP/1.1 bytes and sends nothing; the attempt
    /// then fails with [`TransportError::Unsupported`] (the dry run's end).
    Capture(RefCell<Option<Result<Vec<u8>, String>>>),
    /// Sends over the network.
    Network(Arc<NetworkTransport>),
}

/// The transport for calls with `settings`.
pub fn transport(settings: &Settings, network: &Arc<NetworkTransport>) -> CliTransport {
    if settings.dry_run {
        return CliTransport::Capture(RefCell::new(None));
    }
    CliTransport::Network(network.clone())
}

impl CliTransport {
    /// The captured request's bytes (dry run), or why they could not be written.
    pub fn captured(&self) -> Option<Result<Vec<u8>, String>> {
        match self {
            CliTransport::Capture(c) => c.borrow().clone(),
            CliTransport::Network(_) => None,
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
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        match self {
            CliTransport::Capture(slot) => {
                slot.replace(Some(wire_bytes(request)));
                Err(TransportError::Unsupported)
            }
            CliTransport::Network(network) => network.send(request, buf).await,
        }
    }
}

/// Wall time and monotonic time for the CLI: the host's, or a fixed wall
/// time (`--signing-time`) under which sleeping only advances a counter.
#[derive(Debug, Clone)]
pub struct CliClock {
    fixed: Option<UnixTime>,
    start: Instant,
    slept_ms: Cell<u64>,
}

/// The clock for `settings`: fixed at `--signing-time` when given.
pub fn clock(settings: &Settings) -> CliClock {
    CliClock {
        fixed: settings.signing_time,
        ..CliClock::system()
    }
}

impl CliClock {
    /// The host's clocks.
    pub fn system() -> Self {
        CliClock {
            fixed: None,
            start: Instant::now(),
            slept_ms: Cell::new(0),
        }
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
    fn settings_debug_hides_the_credentials_file() {
        let dir = std::env::temp_dir().join(format!("stratus-cli-settings-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let creds = dir.join("credentials");
        std::fs::write(
            &creds,
            "[default]\naws_access_key_id = AKIDFILE\naws_secret_access_key = FILESECRETVALUE\n",
        )
        .unwrap();
        let env = Env::from_pairs([
            ("AWS_CONFIG_FILE", "/nonexistent"),
            ("AWS_SHARED_CREDENTIALS_FILE", creds.to_str().unwrap()),
        ]);
        let settings = settings(&Args::default(), "kinesis", &env).unwrap();
        let text = format!("{settings:?}");
        std::fs::remove_dir_all(&dir).unwrap();
        assert!(!text.contains("FILESECRETVALUE"), "{text}");
        assert!(text.contains("profile: \"default\""), "{text}");
    }

    #[test]
    fn fixed_clock_sleeps_without_waiting() {
        let c = CliClock {
            fixed: Some(UnixTime::from_secs(1_795_334_400)),
            ..CliClock::system()
        };
        embassy_futures::block_on(c.sleep_ms(60_000));
        assert_eq!(c.now_ms(), 60_000);
        assert_eq!(c.now().unwrap().as_secs(), 1_795_334_400);
    }
}
