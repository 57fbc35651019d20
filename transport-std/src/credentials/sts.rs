//! Roles: botocore's `AssumeRoleProvider` (method `assume-role`: a profile's
//! `role_arn` with `source_profile` or `credential_source`) and
//! `AssumeRoleWithWebIdentityProvider` (method
//! `assume-role-with-web-identity`), calling STS through a stratus
//! [`Client`].

use std::cell::RefCell;
use std::fmt;
use std::future::Future;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;

use stratus_core::client::{Buffers, CallError, Client, SignatureVersionChoice, Timer, Transport};
use stratus_core::credentials::{
    Credentials, CredentialsError, ProvideCredentials, StaticCredentials,
};
use stratus_core::model::StructValue;
use stratus_core::model::view::FromNode;
use stratus_core::protocol::parse::Parsed;
use stratus_core::time::{Clock, UnixTime};
use stratus_models::sts;

use super::cached::{Cached, Fetch, credentials};
use super::container::ContainerProvider;
use super::env::EnvironmentProvider;
use super::imds::ImdsProvider;
use super::process::ProcessProvider;
use super::profile::{ConfigFileProvider, SharedCredentialsProvider};
use super::{ProviderError, StsError};
use crate::config::{ConfigError, SharedConfig, py_int};

/// The region an STS client uses when none is configured (botocore would use
/// the global endpoint, which signs for `us-east-1`).
pub const STS_FALLBACK_REGION: &str = "us-east-1";

/// What the providers that make requests share.
pub(crate) struct Net<T, K> {
    pub(crate) transport: Arc<T>,
    pub(crate) clock: K,
    pub(crate) config: Arc<SharedConfig>,
    pub(crate) container_base: Option<String>,
}

impl<T, K: Clone> Clone for Net<T, K> {
    fn clone(&self) -> Self {
        Net {
            transport: self.transport.clone(),
            clock: self.clock.clone(),
            config: self.config.clone(),
            container_base: self.container_base.clone(),
        }
    }
}

/// A provider for unsigned calls: it is never asked.
struct NoCredentials;

impl ProvideCredentials for NoCredentials {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        Err(CredentialsError::NotConfigured)
    }
}

fn text(t: Option<stratus_core::model::view::Text<'_>>) -> Option<String> {
    t?.chars().collect::<Result<String, _>>().ok()
}

/// botocore's session name when none is configured.
fn default_session_name<K: Clock>(clock: &K) -> String {
    format!(
        "botocore-session-{}",
        clock.now().map_or(0, |t| t.as_secs())
    )
}

/// Calls `operation` of STS with `input`, signed with `signing` (unsigned
/// when `None`), and reads the `Credentials` of the answer.
async fn call_sts<T: Transport, K: Clock + Timer>(
    net: &Net<T, K>,
    operation: &'static str,
    input: &dyn StructValue,
    signing: Option<Credentials>,
) -> Result<Credentials, ProviderError> {
    let fail = |error| ProviderError::Sts { operation, error };
    let mut config = net
        .config
        .client_config("sts")
        .map_err(|e| fail(StsError::ClientConfig(e)))?;
    if config.region.is_none() {
        config = config.region(STS_FALLBACK_REGION);
    }
    let signed = signing.is_some();
    if !signed {
        config.signature_version = SignatureVersionChoice::Unsigned;
    }
    let static_creds = signing.map(StaticCredentials::new);
    let mut bufs: Box<Buffers<32768, 16384>> = Box::new(Buffers::new());
    let result = match &static_creds {
        Some(creds) => {
            let client = Client::new(&sts::ENTRY, config, &*net.transport, creds, &net.clock);
            read_credentials(
                operation,
                client.call(operation, input, bufs.workspace()).await,
            )
        }
        None => {
            let client = Client::new(
                &sts::ENTRY,
                config,
                &*net.transport,
                &NoCredentials,
                &net.clock,
            );
            read_credentials(
                operation,
                client.call(operation, input, bufs.workspace()).await,
            )
        }
    };
    result.map_err(fail)?
}

fn read_credentials(
    operation: &'static str,
    result: Result<stratus_core::client::CallOutput<'_>, CallError<'_>>,
) -> Result<Result<Credentials, ProviderError>, StsError> {
    let out = match result {
        Ok(out) => out,
        Err(CallError::Transport { error, .. }) => return Err(StsError::Transport(error)),
        Err(CallError::Service(out)) => {
            let parser = out.parser();
            let (code, message) = match parser.parse() {
                Ok(Parsed::Error(e)) => (e.code.to_string(), text(e.message).unwrap_or_default()),
                _ => (String::new(), String::new()),
            };
            return Err(StsError::Service {
                status: out.response().status,
                code,
                message,
            });
        }
        Err(other) => return Err(StsError::Call(other.to_string())),
    };
    let parser = out.parser();
    let output = parser
        .output()
        .map_err(|e| StsError::Call(format!("cannot parse the response: {e}")))?;
    let decode = |e: stratus_core::model::view::DecodeError| {
        StsError::Call(format!("cannot decode the response: {e:?}"))
    };
    let creds = if operation == "AssumeRole" {
        sts::output::AssumeRoleResponse::from_node(output.node)
            .map_err(decode)?
            .credentials
    } else {
        sts::output::AssumeRoleWithWebIdentityResponse::from_node(output.node)
            .map_err(decode)?
            .credentials
    };
    let c = creds.ok_or(StsError::NoCredentials)?;
    let (Some(id), Some(secret)) = (text(c.access_key_id), text(c.secret_access_key)) else {
        return Err(StsError::NoCredentials);
    };
    let token = text(c.session_token);
    let expiry = c
        .expiration
        .and_then(|t| u64::try_from(t.secs).ok())
        .map(UnixTime::from_secs);
    let source = if operation == "AssumeRole" {
        "assume-role"
    } else {
        "assume-role-with-web-identity"
    };
    Ok(credentials(source, &id, &secret, token.as_deref(), expiry))
}

// ---------------------------------------------------------------------------
// Web identity

/// Where a web identity role is configured.
#[derive(Clone, PartialEq, Eq, Debug)]
struct WebIdentityConfig {
    token_file: PathBuf,
    role_arn: String,
    session_name: String,
}

pub(crate) struct WebIdentitySource<T, K> {
    net: Net<T, K>,
    profile: String,
    use_env: bool,
    /// The session name botocore generates once per provider.
    default_name: String,
}

impl<T, K> WebIdentitySource<T, K> {
    /// `None` when no token file is configured.
    fn settings(&self) -> Result<Option<WebIdentityConfig>, ProviderError> {
        let env = self.net.config.env();
        let profile = self.net.config.profile(&self.profile);
        let get = |key: &str, var: &str| -> Option<String> {
            if let Some(v) = env.get(var).filter(|_| self.use_env) {
                return Some(v.to_string());
            }
            profile.and_then(|p| p.text(key)).map(str::to_string)
        };
        let Some(token_file) =
            get("web_identity_token_file", "AWS_WEB_IDENTITY_TOKEN_FILE").filter(|p| !p.is_empty())
        else {
            return Ok(None);
        };
        let role_arn = get("role_arn", "AWS_ROLE_ARN")
            .filter(|r| !r.is_empty())
            .ok_or(ConfigError::WebIdentityWithoutRoleArn)?;
        let session_name = get("role_session_name", "AWS_ROLE_SESSION_NAME")
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| self.default_name.clone());
        Ok(Some(WebIdentityConfig {
            token_file: PathBuf::from(token_file),
            role_arn,
            session_name,
        }))
    }
}

impl<T: Transport, K: Clock + Timer> Fetch for WebIdentitySource<T, K> {
    const NAME: &'static str = "assume-role-with-web-identity";

    async fn fetch(&self) -> Result<Credentials, ProviderError> {
        const OP: &str = "AssumeRoleWithWebIdentity";
        let settings = self.settings()?.ok_or(ProviderError::NotConfigured)?;
        let token =
            std::fs::read_to_string(&settings.token_file).map_err(|e| ProviderError::Sts {
                operation: OP,
                error: StsError::TokenFile {
                    path: settings.token_file.clone(),
                    kind: e.kind(),
                },
            })?;
        let input = sts::types::AssumeRoleWithWebIdentityRequest {
            role_arn: &settings.role_arn,
            role_session_name: &settings.session_name,
            web_identity_token: &token,
            ..Default::default()
        };
        call_sts(&self.net, OP, &input, None).await
    }
}

/// A role assumed with a web identity token (EKS service accounts, OIDC):
/// `AWS_WEB_IDENTITY_TOKEN_FILE`, `AWS_ROLE_ARN`, `AWS_ROLE_SESSION_NAME`,
/// each falling back to the profile's `web_identity_token_file`, `role_arn`,
/// `role_session_name`. The call is unsigned; the token file is read at each
/// refresh.
///
/// Not configured without a token file; a token file without a role ARN is
/// [`ConfigError::WebIdentityWithoutRoleArn`].
pub struct WebIdentityProvider<T, K> {
    cached: Cached<WebIdentitySource<T, K>, K>,
}

impl<T, K> fmt::Debug for WebIdentityProvider<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WebIdentityProvider")
            .field("profile", &self.cached.source().profile)
            .field("cached", &self.cached)
            .finish()
    }
}

impl<T: Transport, K: Clock + Timer + Clone> WebIdentityProvider<T, K> {
    /// For `profile` of `config`; with `use_env` false the environment
    /// variables are ignored (botocore's `disable_env_vars`, set when a
    /// profile is named explicitly).
    pub fn new(
        config: Arc<SharedConfig>,
        profile: &str,
        use_env: bool,
        transport: Arc<T>,
        clock: K,
    ) -> Self {
        let net = Net {
            transport,
            clock,
            config,
            container_base: None,
        };
        Self::from_net(net, profile, use_env)
    }

    pub(crate) fn from_net(net: Net<T, K>, profile: &str, use_env: bool) -> Self {
        let clock = net.clock.clone();
        let default_name = default_session_name(&clock);
        WebIdentityProvider {
            cached: Cached::new(
                WebIdentitySource {
                    net,
                    profile: profile.to_string(),
                    use_env,
                    default_name,
                },
                clock,
            ),
        }
    }

    /// Whether a token file is configured.
    pub fn is_configured(&self) -> bool {
        matches!(self.cached.source().settings(), Ok(Some(_)) | Err(_))
    }

    /// Cached or fresh credentials, or the full reason there are none.
    pub async fn load(&self) -> Result<Credentials, ProviderError> {
        self.cached.load().await
    }
}

impl<T: Transport, K: Clock + Timer + Clone> ProvideCredentials for WebIdentityProvider<T, K> {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        self.load().await.map_err(|e| e.to_core())
    }
}

// ---------------------------------------------------------------------------
// Assume role

/// The providers botocore asks for a source profile's credentials
/// (`ProfileProviderBuilder.providers` with environment variables off):
/// web identity, the credentials file, `credential_process`, the config file.
struct ProfileChain<T, K> {
    web_identity: WebIdentityProvider<T, K>,
    shared: SharedCredentialsProvider<K>,
    process: ProcessProvider<K>,
    config_file: ConfigFileProvider<K>,
}

impl<T: Transport, K: Clock + Timer + Clone> ProfileChain<T, K> {
    fn new(net: &Net<T, K>, profile: &str) -> Self {
        let config = net.config.clone();
        let clock = net.clock.clone();
        ProfileChain {
            web_identity: WebIdentityProvider::from_net(net.clone(), profile, false),
            shared: SharedCredentialsProvider::with_clock(config.clone(), profile, clock.clone()),
            process: ProcessProvider::with_clock(config.clone(), profile, clock.clone()),
            config_file: ConfigFileProvider::with_clock(config, profile, clock),
        }
    }

    async fn load(&self) -> Result<Credentials, ProviderError> {
        macro_rules! ask {
            ($p:expr) => {
                match $p.load().await {
                    Err(ProviderError::NotConfigured) => {}
                    other => return other,
                }
            };
        }
        ask!(self.web_identity);
        ask!(self.shared);
        ask!(self.process);
        ask!(self.config_file);
        Err(ProviderError::NotConfigured)
    }
}

/// Where a role's source credentials come from.
enum RoleSource<T, K> {
    Environment(EnvironmentProvider<K>),
    Container(ContainerProvider<T, K>),
    Imds(ImdsProvider<T, K>),
    Profile {
        profile: String,
        chain: Box<ProfileChain<T, K>>,
    },
    Role(Box<AssumeRoleProvider<T, K>>),
}

/// A validated role: what to ask STS for and with which credentials.
struct RolePlan<T, K> {
    profile: String,
    role_arn: String,
    session_name: String,
    external_id: Option<String>,
    duration_seconds: Option<i32>,
    source: RoleSource<T, K>,
}

fn has_static_credentials(section: &crate::config::ini::Section) -> bool {
    section.contains("aws_access_key_id") || section.contains("aws_secret_access_key")
}

fn has_role(section: &crate::config::ini::Section) -> bool {
    section.contains("role_arn") && !section.contains("web_identity_token_file")
}

impl<T: Transport, K: Clock + Timer + Clone> RolePlan<T, K> {
    /// botocore's `_get_role_config` and source resolution, for `profile`
    /// (which has `role_arn`), with `visited` the profiles seen so far.
    fn build(
        net: &Net<T, K>,
        profile: &str,
        visited: &mut Vec<String>,
    ) -> Result<Self, ProviderError> {
        let config = &net.config;
        let section = config
            .profile(profile)
            .ok_or_else(|| ConfigError::ProfileNotFound {
                profile: profile.to_string(),
            })?;
        let get = |k: &str| section.text(k).map(str::to_string);
        let role_arn = get("role_arn").unwrap_or_default();
        let source_profile = get("source_profile");
        let credential_source = get("credential_source");
        if get("mfa_serial").is_some() {
            return Err(ConfigError::InvalidValue {
                setting: "mfa_serial",
                value: profile.to_string(),
                expected: "unset: stratus cannot prompt for an MFA code",
            }
            .into());
        }
        let duration_seconds = get("duration_seconds")
            .and_then(|d| py_int(&d))
            .and_then(|d| i32::try_from(d).ok());
        let source = match (&source_profile, &credential_source) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::RoleSourceConflict {
                    profile: profile.to_string(),
                }
                .into());
            }
            (None, None) => {
                return Err(ProviderError::MissingKey {
                    source: "assume-role",
                    key: "source_profile or credential_source".into(),
                });
            }
            (None, Some(cs)) => match cs.as_str() {
                "Environment" => RoleSource::Environment(EnvironmentProvider::with_clock(
                    config.env(),
                    net.clock.clone(),
                )),
                "EcsContainer" => {
                    let mut p = ContainerProvider::new(
                        config.env(),
                        net.transport.clone(),
                        net.clock.clone(),
                    );
                    if let Some(base) = &net.container_base {
                        p = p.with_base_url(base);
                    }
                    RoleSource::Container(p)
                }
                "Ec2InstanceMetadata" => RoleSource::Imds(ImdsProvider::new(
                    config,
                    net.transport.clone(),
                    net.clock.clone(),
                )?),
                _ => {
                    return Err(ConfigError::InvalidCredentialSource {
                        profile: profile.to_string(),
                        source: cs.clone(),
                    }
                    .into());
                }
            },
            (Some(sp), None) => {
                let Some(source_section) = config.profile(sp) else {
                    return Err(ConfigError::SourceProfileNotFound {
                        profile: profile.to_string(),
                        source_profile: sp.clone(),
                    }
                    .into());
                };
                if visited.contains(sp)
                    && (sp != profile || !has_static_credentials(source_section))
                {
                    return Err(ConfigError::InfiniteLoop {
                        source_profile: sp.clone(),
                        visited: visited.clone(),
                    }
                    .into());
                }
                visited.push(sp.clone());
                if has_static_credentials(source_section) || !has_role(source_section) {
                    RoleSource::Profile {
                        profile: sp.clone(),
                        chain: Box::new(ProfileChain::new(net, sp)),
                    }
                } else {
                    let plan = RolePlan::build(net, sp, visited)?;
                    RoleSource::Role(Box::new(AssumeRoleProvider::from_plan(net.clone(), plan)))
                }
            }
        };
        let session_name =
            get("role_session_name").unwrap_or_else(|| default_session_name(&net.clock));
        Ok(RolePlan {
            profile: profile.to_string(),
            role_arn,
            session_name,
            external_id: get("external_id"),
            duration_seconds,
            source,
        })
    }

    async fn source_credentials(&self) -> Result<Credentials, ProviderError> {
        match &self.source {
            RoleSource::Environment(p) => {
                empty_source(p.load().await, "Environment", &self.profile)
            }
            RoleSource::Container(p) => empty_source(p.load().await, "EcsContainer", &self.profile),
            RoleSource::Imds(p) => {
                empty_source(p.load().await, "Ec2InstanceMetadata", &self.profile)
            }
            RoleSource::Profile { profile, chain } => match chain.load().await {
                Err(ProviderError::NotConfigured) => {
                    Err(ConfigError::SourceProfileWithoutCredentials {
                        profile: profile.clone(),
                    }
                    .into())
                }
                other => other,
            },
            RoleSource::Role(inner) => {
                // Role chains recurse: the inner role's future is boxed.
                let future: Pin<Box<dyn Future<Output = Result<Credentials, ProviderError>> + '_>> =
                    Box::pin(inner.load());
                future.await
            }
        }
    }
}

fn empty_source(
    result: Result<Credentials, ProviderError>,
    source: &str,
    profile: &str,
) -> Result<Credentials, ProviderError> {
    match result {
        Err(ProviderError::NotConfigured) => Err(ProviderError::CredentialSourceEmpty {
            source: source.to_string(),
            profile: profile.to_string(),
        }),
        other => other,
    }
}

pub(crate) struct AssumeRoleSource<T, K> {
    net: Net<T, K>,
    profile: String,
    plan: RefCell<Option<Arc<RolePlan<T, K>>>>,
}

impl<T: Transport, K: Clock + Timer + Clone> AssumeRoleSource<T, K> {
    fn plan(&self) -> Result<Option<Arc<RolePlan<T, K>>>, ProviderError> {
        if let Some(p) = &*self.plan.borrow() {
            return Ok(Some(p.clone()));
        }
        let configured = self.net.config.profile(&self.profile).is_some_and(has_role);
        if !configured {
            return Ok(None);
        }
        let mut visited = vec![self.profile.clone()];
        let plan = Arc::new(RolePlan::build(&self.net, &self.profile, &mut visited)?);
        self.plan.replace(Some(plan.clone()));
        Ok(Some(plan))
    }
}

impl<T: Transport, K: Clock + Timer + Clone> Fetch for AssumeRoleSource<T, K> {
    const NAME: &'static str = "assume-role";

    async fn fetch(&self) -> Result<Credentials, ProviderError> {
        let plan = self.plan()?.ok_or(ProviderError::NotConfigured)?;
        let source = plan.source_credentials().await?;
        let input = sts::types::AssumeRoleRequest {
            role_arn: &plan.role_arn,
            role_session_name: &plan.session_name,
            external_id: plan.external_id.as_deref(),
            duration_seconds: plan.duration_seconds,
            ..Default::default()
        };
        call_sts(&self.net, "AssumeRole", &input, Some(source)).await
    }
}

/// A role assumed from a profile: `role_arn` with `source_profile` (another
/// profile's credentials, which may itself assume a role; loops are
/// refused) or `credential_source` (`Environment`, `EcsContainer`,
/// `Ec2InstanceMetadata`); `role_session_name`, `external_id`,
/// `duration_seconds` go into the `AssumeRole` call.
///
/// Not configured when the profile has no `role_arn` (or has a
/// `web_identity_token_file`, which [`WebIdentityProvider`] handles). The
/// profile is checked at the first fetch; errors are botocore's
/// (`InvalidConfigError`, `InfiniteLoopConfigError`, …) as [`ConfigError`]s.
/// The credentials are refreshed before they expire, with fresh source
/// credentials.
pub struct AssumeRoleProvider<T, K> {
    cached: Cached<AssumeRoleSource<T, K>, K>,
}

impl<T, K> fmt::Debug for AssumeRoleProvider<T, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AssumeRoleProvider")
            .field("profile", &self.cached.source().profile)
            .field("cached", &self.cached)
            .finish()
    }
}

impl<T: Transport, K: Clock + Timer + Clone> AssumeRoleProvider<T, K> {
    /// For `profile` of `config`.
    pub fn new(config: Arc<SharedConfig>, profile: &str, transport: Arc<T>, clock: K) -> Self {
        Self::from_net(
            Net {
                transport,
                clock,
                config,
                container_base: None,
            },
            profile,
        )
    }

    pub(crate) fn from_net(net: Net<T, K>, profile: &str) -> Self {
        let clock = net.clock.clone();
        AssumeRoleProvider {
            cached: Cached::new(
                AssumeRoleSource {
                    net,
                    profile: profile.to_string(),
                    plan: RefCell::new(None),
                },
                clock,
            ),
        }
    }

    fn from_plan(net: Net<T, K>, plan: RolePlan<T, K>) -> Self {
        let p = Self::from_net(net, &plan.profile.clone());
        p.cached.source().plan.replace(Some(Arc::new(plan)));
        p
    }

    /// Uses `base` instead of `http://169.254.170.2` when `credential_source
    /// = EcsContainer` reads `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI`.
    pub fn with_container_base_url(mut self, base: &str) -> Self {
        let source = self.cached.source();
        let mut net = source.net.clone();
        net.container_base = Some(base.to_string());
        let profile = source.profile.clone();
        self = Self::from_net(net, &profile);
        self
    }

    /// Whether the profile has `role_arn` (and no web identity token file).
    pub fn is_configured(&self) -> bool {
        let source = self.cached.source();
        source
            .net
            .config
            .profile(&source.profile)
            .is_some_and(has_role)
    }

    /// The profiles the role's source credentials come through, in order
    /// (`["dev", "base"]` for `dev` with `source_profile = base`), checking the
    /// configuration without calling anything. Empty when not configured.
    pub fn source_profiles(&self) -> Result<Vec<String>, ProviderError> {
        let mut out = Vec::new();
        let mut plan = self.cached.source().plan()?;
        while let Some(p) = plan {
            out.push(p.profile.clone());
            plan = match &p.source {
                RoleSource::Role(inner) => inner.cached.source().plan()?,
                RoleSource::Profile { profile, .. } => {
                    out.push(profile.clone());
                    None
                }
                _ => None,
            };
        }
        Ok(out)
    }

    /// Cached or fresh credentials, or the full reason there are none.
    pub async fn load(&self) -> Result<Credentials, ProviderError> {
        self.cached.load().await
    }
}

impl<T: Transport, K: Clock + Timer + Clone> ProvideCredentials for AssumeRoleProvider<T, K> {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        self.load().await.map_err(|e| e.to_core())
    }
}
