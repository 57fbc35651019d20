//! [`DefaultCredentialsChain`]: botocore's default credential resolver.

use std::cell::{Cell, RefCell};
use std::fmt;
use std::sync::Arc;

use stratus_core::client::{Timer, Transport};
use stratus_core::credentials::{Credentials, CredentialsError, ProvideCredentials, Resolved};
use stratus_core::time::Clock;

use super::ProviderError;
use super::container::ContainerProvider;
use super::env::EnvironmentProvider;
use super::imds::ImdsProvider;
use super::process::ProcessProvider;
use super::profile::{ConfigFileProvider, SharedCredentialsProvider};
use super::sts::{AssumeRoleProvider, Net, WebIdentityProvider};
use crate::config::{ConfigError, SharedConfig};

/// The sources of the default chain, in botocore's order, by botocore's
/// method names. (botocore also asks SSO, `login`, the legacy
/// `AWS_CREDENTIAL_FILE` and boto2's config; stratus does not.)
pub const DEFAULT_CHAIN: [&str; 8] = [
    "env",
    "assume-role",
    "assume-role-with-web-identity",
    "shared-credentials-file",
    "custom-process",
    "config-file",
    "container-role",
    "iam-role",
];

/// One source of the default chain.
pub enum ChainSource<T, K> {
    /// Environment variables.
    Env(EnvironmentProvider<K>),
    /// A profile's role.
    AssumeRole(AssumeRoleProvider<T, K>),
    /// A web identity role.
    WebIdentity(WebIdentityProvider<T, K>),
    /// The credentials file.
    SharedCredentials(SharedCredentialsProvider<K>),
    /// `credential_process`.
    Process(ProcessProvider<K>),
    /// The config file's keys.
    ConfigFile(ConfigFileProvider<K>),
    /// The container endpoint.
    Container(ContainerProvider<T, K>),
    /// The instance metadata service.
    Imds(ImdsProvider<T, K>),
}

impl<T, K> fmt::Debug for ChainSource<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ChainSource::Env(p) => p.fmt(f),
            ChainSource::AssumeRole(p) => p.fmt(f),
            ChainSource::WebIdentity(p) => p.fmt(f),
            ChainSource::SharedCredentials(p) => p.fmt(f),
            ChainSource::Process(p) => p.fmt(f),
            ChainSource::ConfigFile(p) => p.fmt(f),
            ChainSource::Container(p) => p.fmt(f),
            ChainSource::Imds(p) => p.fmt(f),
        }
    }
}

impl<T: Transport, K: Clock + Timer + Clone> ChainSource<T, K> {
    /// Asks the source, with its full error.
    pub async fn load(&self) -> Result<Credentials, ProviderError> {
        match self {
            ChainSource::Env(p) => p.load().await,
            ChainSource::AssumeRole(p) => p.load().await,
            ChainSource::WebIdentity(p) => p.load().await,
            ChainSource::SharedCredentials(p) => p.load().await,
            ChainSource::Process(p) => p.load().await,
            ChainSource::ConfigFile(p) => p.load().await,
            ChainSource::Container(p) => p.load().await,
            ChainSource::Imds(p) => p.load().await,
        }
    }
}

/// Knobs of the default chain that botocore does not read from the
/// environment.
#[derive(Clone, Debug, Default)]
pub struct ChainOptions {
    /// The base URL for `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` instead of
    /// `http://169.254.170.2` (tests point it at a local server).
    pub container_base_url: Option<String>,
}

/// botocore's default credential chain: environment, assume-role, web
/// identity, credentials file, `credential_process`, config file, container,
/// instance metadata ([`DEFAULT_CHAIN`]).
///
/// * A source with nothing configured is skipped; a configured source that
///   fails stops the chain with its error (as botocore's exceptions do).
/// * The first source with credentials is kept: later calls ask only it, and
///   it caches and refreshes what it gave (botocore's resolved `Credentials`
///   object).
/// * With none, [`ProviderError::NotFound`] names every source asked.
/// * An explicit profile ([`SharedConfig::load`] with `Some(name)`) drops the
///   environment source and the web identity environment variables, as
///   botocore's `Session(profile=…)` does.
pub struct DefaultCredentialsChain<T, K> {
    config: Arc<SharedConfig>,
    sources: Vec<(&'static str, ChainSource<T, K>)>,
    winner: Cell<Option<usize>>,
    last_error: RefCell<Option<ProviderError>>,
}

impl<T, K> fmt::Debug for DefaultCredentialsChain<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DefaultCredentialsChain")
            .field("profile", &self.config.profile_name())
            .field(
                "sources",
                &self.sources.iter().map(|(n, _)| *n).collect::<Vec<_>>(),
            )
            .field("resolved", &self.winner.get().map(|i| self.sources[i].0))
            .finish()
    }
}

impl<T: Transport, K: Clock + Timer + Clone> DefaultCredentialsChain<T, K> {
    /// The chain for `config`'s profile, its network sources over
    /// `transport`, timed by `clock`.
    pub fn new(
        config: Arc<SharedConfig>,
        transport: Arc<T>,
        clock: K,
    ) -> Result<Self, ConfigError> {
        Self::with_options(config, transport, clock, ChainOptions::default())
    }

    /// [`new`](Self::new) with [`ChainOptions`].
    pub fn with_options(
        config: Arc<SharedConfig>,
        transport: Arc<T>,
        clock: K,
        options: ChainOptions,
    ) -> Result<Self, ConfigError> {
        let profile = config.profile_name().to_string();
        let explicit = config.profile_is_explicit();
        let net = Net {
            transport: transport.clone(),
            clock: clock.clone(),
            config: config.clone(),
            container_base: options.container_base_url.clone(),
        };
        let imds = ImdsProvider::new(&config, transport.clone(), clock.clone())?;
        let mut container = ContainerProvider::new(config.env(), transport, clock.clone());
        if let Some(base) = &options.container_base_url {
            container = container.with_base_url(base);
        }
        let mut sources = Vec::with_capacity(DEFAULT_CHAIN.len());
        if !explicit {
            sources.push((
                "env",
                ChainSource::Env(EnvironmentProvider::with_clock(config.env(), clock.clone())),
            ));
        }
        sources.push((
            "assume-role",
            ChainSource::AssumeRole(AssumeRoleProvider::from_net(net.clone(), &profile)),
        ));
        sources.push((
            "assume-role-with-web-identity",
            ChainSource::WebIdentity(WebIdentityProvider::from_net(net, &profile, !explicit)),
        ));
        sources.push((
            "shared-credentials-file",
            ChainSource::SharedCredentials(SharedCredentialsProvider::with_clock(
                config.clone(),
                &profile,
                clock.clone(),
            )),
        ));
        sources.push((
            "custom-process",
            ChainSource::Process(ProcessProvider::with_clock(
                config.clone(),
                &profile,
                clock.clone(),
            )),
        ));
        sources.push((
            "config-file",
            ChainSource::ConfigFile(ConfigFileProvider::with_clock(
                config.clone(),
                &profile,
                clock,
            )),
        ));
        sources.push(("container-role", ChainSource::Container(container)));
        sources.push(("iam-role", ChainSource::Imds(imds)));
        Ok(DefaultCredentialsChain {
            config,
            sources,
            winner: Cell::new(None),
            last_error: RefCell::new(None),
        })
    }

    /// The shared config the chain reads.
    pub fn config(&self) -> &SharedConfig {
        &self.config
    }

    /// The sources' names, in the order they are asked.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.sources.iter().map(|(n, _)| *n)
    }

    /// The source named `name`.
    pub fn source(&self, name: &str) -> Option<&ChainSource<T, K>> {
        self.sources
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, s)| s)
    }

    /// The source that gave credentials, once one has.
    pub fn resolved_source(&self) -> Option<&'static str> {
        self.winner.get().map(|i| self.sources[i].0)
    }

    /// The full error of the last failed [`provide_credentials`] call.
    ///
    /// [`provide_credentials`]: ProvideCredentials::provide_credentials
    pub fn last_error(&self) -> Option<ProviderError> {
        self.last_error.borrow().clone()
    }

    /// Credentials and the name of the source that gave them, or the full
    /// reason there are none.
    pub async fn resolve(&self) -> Result<Resolved, ProviderError> {
        if let Some(i) = self.winner.get() {
            let (name, source) = &self.sources[i];
            return source.load().await.map(|credentials| Resolved {
                source: name,
                credentials,
            });
        }
        let mut tried = Vec::with_capacity(self.sources.len());
        for (i, (name, source)) in self.sources.iter().enumerate() {
            tried.push(*name);
            match source.load().await {
                Ok(credentials) => {
                    self.winner.set(Some(i));
                    return Ok(Resolved {
                        source: name,
                        credentials,
                    });
                }
                Err(ProviderError::NotConfigured) => {}
                Err(e) => return Err(e),
            }
        }
        Err(ProviderError::NotFound { tried })
    }
}

impl<T: Transport, K: Clock + Timer + Clone> ProvideCredentials for DefaultCredentialsChain<T, K> {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        match self.resolve().await {
            Ok(r) => Ok(r.credentials),
            Err(e) => {
                let core = e.to_core();
                self.last_error.replace(Some(e));
                Err(core)
            }
        }
    }
}
