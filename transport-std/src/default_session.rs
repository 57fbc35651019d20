//! A default session, as `boto3.client('s3')` uses one: built once from the
//! environment and the shared config, with every compiled-in service
//! ([`stratus_models::CATALOG`]), the partitions table, the default
//! credential chain and a [`StdTransport`] from the environment (proxies).
//!
//! Sessions are not `Sync` (their registries and the credential cache live
//! in `Cell`s), so the default is per thread: the first call on a thread
//! builds one and leaks it (one session per thread that asks, for the life of
//! the process); later calls on that thread get the same one. A failure is
//! returned and nothing is kept, so the next call tries again.
//!
//! ```no_run
//! use stratus_transport_std::{blocking, default_session};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // Region, endpoint, retries from AWS_* and ~/.aws/config; credentials from the chain.
//! let client = default_session::client("kinesis")?;
//! let input = stratus_models::kinesis::types::ListStreamsInput::default();
//! let mut bufs = blocking::HeapBuffers::new(16 * 1024, 256 * 1024);
//! let out = blocking::call(&client, "ListStreams", &input, bufs.workspace()).map_err(|e| e.to_string())?;
//! println!("{}", out.status());
//! # Ok(()) }
//! ```
//!
//! [`session_from`] builds the same thing from an explicit [`Env`], for
//! tests and for programs that hold their own configuration.

use std::cell::RefCell;
use std::fmt;
use std::sync::Arc;

use stratus_core::client::{Client, Session, SessionError};

use crate::SystemClock;
use crate::config::{ConfigError, Env, SharedConfig};
use crate::credentials::DefaultCredentialsChain;
use crate::net::{BuildError, ProxySettings, StdTransport, TlsSettings};

/// The default chain over the std transport and clock.
pub type DefaultChain = DefaultCredentialsChain<StdTransport, SystemClock>;

/// The default session's type.
pub type DefaultSession = Session<'static, DefaultChain>;

/// A client made from the default session.
pub type DefaultClient = Client<'static, &'static StdTransport, &'static DefaultChain, SystemClock>;

/// Why the default session or one of its clients could not be made.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum DefaultSessionError {
    /// The shared config or the environment is invalid (malformed file,
    /// missing profile, bad setting).
    Config(ConfigError),
    /// The transport could not be built (a proxy variable, TLS settings).
    Transport(BuildError),
    /// The session could not make the client (unknown or not compiled-in
    /// service, …).
    Session(SessionError),
}

impl fmt::Display for DefaultSessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DefaultSessionError::Config(e) => write!(f, "{e}"),
            DefaultSessionError::Transport(e) => write!(f, "{e}"),
            DefaultSessionError::Session(SessionError::UnknownService) => f.write_str(
                "unknown service: not compiled in (see transport-std's `services` feature)",
            ),
            DefaultSessionError::Session(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for DefaultSessionError {}

impl From<ConfigError> for DefaultSessionError {
    fn from(e: ConfigError) -> Self {
        DefaultSessionError::Config(e)
    }
}

impl From<BuildError> for DefaultSessionError {
    fn from(e: BuildError) -> Self {
        DefaultSessionError::Transport(e)
    }
}

/// What one thread's default holds.
struct Parts {
    session: &'static DefaultSession,
    transport: &'static StdTransport,
}

thread_local! {
    static DEFAULT: RefCell<Option<Parts>> = const { RefCell::new(None) };
}

/// A session, its transport and shared config, built from `env` and
/// `profile` (none: the one `env` names): the default credential chain,
/// the region (when one is set), every compiled-in service and the
/// partitions table.
pub fn session_from(
    env: Env,
    profile: Option<&str>,
) -> Result<(DefaultSession, Arc<StdTransport>, Arc<SharedConfig>), DefaultSessionError> {
    let config = Arc::new(SharedConfig::load(env, profile)?);
    let transport = transport_for(&config)?;
    let chain = DefaultCredentialsChain::new(config.clone(), transport.clone(), SystemClock)?;
    let mut session = Session::new(stratus_models::CATALOG, chain)
        .with_partitions(&stratus_models::PARTITIONS)
        .with_profile(config.profile_name());
    if let Some(region) = config.region_opt()? {
        session = session.with_region(&region);
    }
    Ok((session, transport, config))
}

/// A [`StdTransport`] as `config`'s environment and profile set it up:
/// `HTTPS_PROXY` / `HTTP_PROXY` / `NO_PROXY`, and botocore's `ca_bundle` /
/// `AWS_CA_BUNDLE` trusted besides the usual roots.
pub fn transport_for(config: &SharedConfig) -> Result<Arc<StdTransport>, DefaultSessionError> {
    let proxies = ProxySettings::from_lookup(|name| config.env().get(name).map(str::to_string))?;
    let mut tls = TlsSettings::new();
    if let Some(bundle) = config.lookup(&["AWS_CA_BUNDLE"], Some("ca_bundle"))? {
        tls = tls.with_ca_file(config.env().expand_path(bundle))?;
    }
    Ok(Arc::new(
        StdTransport::builder().tls(tls).proxies(proxies).build()?,
    ))
}

/// botocore's default credential chain over a [`StdTransport`], from the
/// process environment and the shared config, for `profile` (none: the one
/// the environment names; a named profile also turns off the environment
/// credentials, as botocore's `Session(profile=…)`).
///
/// ```no_run
/// use stratus_core::credentials::ProvideCredentials;
/// let chain = stratus_transport_std::default_session::default_provider(None)?;
/// match stratus_transport_std::blocking::block_on(chain.resolve()) {
///     Ok(found) => println!("credentials from {}", found.source),
///     Err(why) => println!("{why}"),
/// }
/// # Ok::<(), stratus_transport_std::default_session::DefaultSessionError>(())
/// ```
pub fn default_provider(profile: Option<&str>) -> Result<DefaultChain, DefaultSessionError> {
    let config = Arc::new(SharedConfig::load(Env::process(), profile)?);
    let transport = transport_for(&config)?;
    Ok(DefaultCredentialsChain::new(
        config,
        transport,
        SystemClock,
    )?)
}

fn parts() -> Result<(&'static DefaultSession, &'static StdTransport), DefaultSessionError> {
    DEFAULT.with(|slot| {
        if let Some(p) = &*slot.borrow() {
            return Ok((p.session, p.transport));
        }
        let (session, transport, _) = session_from(Env::process(), None)?;
        let transport: &'static Arc<StdTransport> = Box::leak(Box::new(transport));
        let parts = Parts {
            session: Box::leak(Box::new(session)),
            transport,
        };
        let out = (parts.session, parts.transport);
        slot.replace(Some(parts));
        Ok(out)
    })
}

/// This thread's default session, built at the first call from the process
/// environment and the shared config.
pub fn default_session() -> Result<&'static DefaultSession, DefaultSessionError> {
    parts().map(|(s, _)| s)
}

/// This thread's default transport (the one the default session's clients
/// and credential providers use).
pub fn default_transport() -> Result<&'static StdTransport, DefaultSessionError> {
    parts().map(|(_, t)| t)
}

/// A client of the default session for `service` (botocore's name:
/// `kinesis`, `s3`, `iot-data`), configured from the environment and the
/// shared config as botocore's `create_client` is (region, configured
/// endpoint, retries, S3 addressing, FIPS and dual-stack).
pub fn client(service: &str) -> Result<DefaultClient, DefaultSessionError> {
    let (session, transport) = parts()?;
    let entry = session
        .service(service)
        .ok_or(DefaultSessionError::Session(SessionError::UnknownService))?;
    let config = session.credentials().config().client_config(service)?;
    session
        .client_for(entry, config, transport, SystemClock)
        .map_err(DefaultSessionError::Session)
}
