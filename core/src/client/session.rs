//! [`Session`]: region, profile, credentials, shared handlers and default
//! config; it makes clients for any compiled-in service.
//!
//! Making a client emits `creating-client-class.<service-id>` to the static
//! and session handlers, which may add [`CustomOperation`](super::CustomOperation)s.
//! Clients read the session's registry live, so a handler registered on the
//! session reaches every client it made (botocore copies the registry into
//! each client instead).

use core::fmt;

use super::ServiceEntry;
use super::bounded;
use super::config::{ClientConfig, REGION_CAPACITY};
use super::custom::CustomOperations;
use super::data::EventData;
use super::events::{
    Event, EventKind, EventName, Handler, HandlerSet, Matches, Order, Registry, RegistryError,
    ServiceId, StaticHandler,
};
use super::pipeline::Client;
use super::transport::{Timer, Transport};
use crate::credentials::ProvideCredentials;
use crate::endpoint::{EvalError, Outcome, ParamValue, Partitions, RuleSet};
use crate::time::Clock;

/// Handlers a session's registry holds.
pub const SESSION_HANDLERS: usize = 16;

/// Why a session could not do what was asked.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SessionError {
    /// No compiled-in service has that name.
    UnknownService,
    /// The session has no partitions table (`with_partitions`).
    NoPartitions,
    /// The service has no endpoint rule set.
    NoRules,
    /// The partitions or rules could not be read.
    Endpoint(EvalError),
    /// Too many handlers match `creating-client-class`, or one failed.
    Handlers,
}

impl fmt::Display for SessionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionError::UnknownService => f.write_str("unknown service: not compiled in"),
            SessionError::NoPartitions => f.write_str("the session has no partitions table"),
            SessionError::NoRules => f.write_str("the service has no endpoint rule set"),
            SessionError::Endpoint(e) => write!(f, "{e}"),
            SessionError::Handlers => f.write_str("a creating-client-class handler failed"),
        }
    }
}

impl core::error::Error for SessionError {}

/// A session. See the [module docs](self).
///
/// ```
/// use stratus_core::client::{ClientConfig, Session, ServiceEntry};
/// use stratus_core::credentials::{Credentials, StaticCredentials};
/// # use stratus_core::client::test_support::{demo_model, NoTransport, VirtualClock};
/// # static ENTRY: ServiceEntry = ServiceEntry { model: &stratus_core::client::test_support::DEMO, endpoint_rules: None, legacy_retry: None };
/// static CATALOG: [&ServiceEntry; 1] = [&ENTRY];
/// let creds = StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).unwrap());
/// let session = Session::new(&CATALOG, creds)
///     .with_region("eu-west-1")
///     .with_config(ClientConfig::default().endpoint_url("http://127.0.0.1:1"));
/// let clock = VirtualClock::new(0);
/// let client = session.client("demo", NoTransport, &clock).unwrap();
/// assert_eq!(client.config().region.as_deref(), Some("eu-west-1"));
/// ```
pub struct Session<'a, C> {
    region: Option<heapless::String<REGION_CAPACITY>>,
    profile: Option<heapless::String<64>>,
    credentials: C,
    handlers: Registry<'a, SESSION_HANDLERS>,
    statics: &'static [StaticHandler],
    config: ClientConfig,
    catalog: &'static [&'static ServiceEntry],
    partitions: Option<&'static [u8]>,
}

impl<C> fmt::Debug for Session<'_, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("region", &self.region)
            .field("profile", &self.profile)
            .field("services", &self.catalog.len())
            .field("handlers", &self.handlers)
            .finish()
    }
}

impl<'a, C: ProvideCredentials> Session<'a, C> {
    /// A session over the compiled-in services `catalog`
    /// (`stratus_models::CATALOG`) with `credentials`.
    pub fn new(catalog: &'static [&'static ServiceEntry], credentials: C) -> Self {
        Session {
            region: None,
            profile: None,
            credentials,
            handlers: Registry::new(),
            statics: &[],
            config: ClientConfig::default(),
            catalog,
            partitions: None,
        }
    }

    /// With a region for its clients.
    pub fn with_region(mut self, region: &str) -> Self {
        self.region = Some(bounded(region));
        self
    }

    /// With a profile name (the std providers read it).
    pub fn with_profile(mut self, profile: &str) -> Self {
        self.profile = Some(bounded(profile));
        self
    }

    /// With the default config for its clients.
    pub fn with_config(mut self, config: ClientConfig) -> Self {
        self.config = config;
        self
    }

    /// With the compiled partitions table (`stratus_models::PARTITIONS`).
    pub fn with_partitions(mut self, partitions: &'static [u8]) -> Self {
        self.partitions = Some(partitions);
        self
    }

    /// With handlers in flash, shared by its clients.
    pub fn with_static_handlers(mut self, handlers: &'static [StaticHandler]) -> Self {
        self.statics = handlers;
        self
    }

    /// The region.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The profile name.
    pub fn profile_name(&self) -> Option<&str> {
        self.profile.as_deref()
    }

    /// The credentials provider.
    pub fn credentials(&self) -> &C {
        &self.credentials
    }

    /// The default client config.
    pub fn config(&self) -> &ClientConfig {
        &self.config
    }

    /// Registers a handler every client of this session runs.
    pub fn register(
        &self,
        pattern: &'a str,
        handler: &'a dyn Handler,
        order: Order,
        unique_id: Option<&'a str>,
    ) -> Result<bool, RegistryError> {
        self.handlers.register(pattern, handler, order, unique_id)
    }

    /// The session's handler registry.
    pub fn handlers(&self) -> &Registry<'a, SESSION_HANDLERS> {
        &self.handlers
    }

    /// The names of the compiled-in services.
    pub fn available_services(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.catalog.iter().map(|e| e.model.name)
    }

    /// The compiled-in service botocore calls `name`.
    pub fn service(&self, name: &str) -> Option<&'static ServiceEntry> {
        self.catalog.iter().copied().find(|e| e.model.name == name)
    }

    /// The partitions table.
    pub fn partitions(&self) -> Result<Partitions<'static>, SessionError> {
        let bytes = self.partitions.ok_or(SessionError::NoPartitions)?;
        Partitions::new(bytes).map_err(SessionError::Endpoint)
    }

    /// Calls `f` with each region of `partition` (`aws`, …) where `service`'s
    /// endpoint rules give an endpoint; returns how many. The partition's
    /// `<partition>-global` pseudo-region is not a region and is left out.
    /// (botocore reads `endpoints.json`; stratus asks the rule set itself.)
    pub fn available_regions(
        &self,
        service: &str,
        partition: &str,
        mut f: impl FnMut(&str),
    ) -> Result<usize, SessionError> {
        let entry = self.service(service).ok_or(SessionError::UnknownService)?;
        let rules = RuleSet::new(entry.endpoint_rules.ok_or(SessionError::NoRules)?)
            .map_err(SessionError::Endpoint)?;
        let partitions = self.partitions()?;
        let mut count = 0;
        let mut failed = None;
        let mut buf = [0u8; 512];
        partitions
            .for_each_region(partition, |region| {
                if region.ends_with("-global") {
                    return;
                }
                let params = [("Region", ParamValue::Str(region))];
                match rules.resolve::<_, { super::endpoint::RULE_SLOTS }>(
                    &partitions,
                    &params[..],
                    &mut buf,
                ) {
                    Ok(Outcome::Endpoint(_)) => {
                        count += 1;
                        f(region);
                    }
                    Ok(Outcome::Error(_)) => {}
                    Err(e) => failed = Some(e),
                }
            })
            .map_err(SessionError::Endpoint)?;
        match failed {
            Some(e) => Err(SessionError::Endpoint(e)),
            None => Ok(count),
        }
    }

    /// A client for the service botocore calls `name`.
    pub fn client<'s, T: Transport, K: Clock + Timer>(
        &'s self,
        name: &str,
        transport: T,
        clock: K,
    ) -> Result<Client<'s, T, &'s C, K>, SessionError> {
        let entry = self.service(name).ok_or(SessionError::UnknownService)?;
        self.client_for(entry, self.config.clone(), transport, clock)
    }

    /// A client for `entry` (a typed service handle:
    /// `stratus_models::kinesis::ENTRY`) with `config` (its unset region taken
    /// from the session).
    pub fn client_for<'s, T: Transport, K: Clock + Timer>(
        &'s self,
        entry: &'static ServiceEntry,
        mut config: ClientConfig,
        transport: T,
        clock: K,
    ) -> Result<Client<'s, T, &'s C, K>, SessionError> {
        if config.region.is_none() {
            config.region = self.region.clone();
        }
        let mut custom = CustomOperations::new();
        // Without the `handlers` feature the event is not emitted; a session
        // holding handlers gives them to the client, whose calls then fail
        // with `Disabled::Handlers`.
        if crate::features::HANDLERS {
            let service_id = ServiceId::hyphenize(entry.model.metadata.service_id);
            let name = EventName::new(EventKind::CreatingClientClass, service_id.as_str(), None);
            let own: &dyn HandlerSet = &self.handlers;
            let matches =
                Matches::gather(&name, self.statics, &[own]).map_err(|_| SessionError::Handlers)?;
            let mut event = Event::new(name, EventData::CreatingClientClass(&mut custom));
            matches.run(&mut event, |_| false);
            if event.failure().is_some() {
                return Err(SessionError::Handlers);
            }
        }
        let mut client = Client::new(entry, config, transport, &self.credentials, clock)
            .with_static_handlers(self.statics)
            .with_session_handlers(&self.handlers)
            .with_custom_operations(custom);
        if let Some(p) = self.partitions {
            client = client.with_partitions(p);
        }
        Ok(client)
    }
}
