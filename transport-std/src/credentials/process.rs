//! Credentials from an external command (botocore's `ProcessProvider`,
//! method `custom-process`): the profile's `credential_process`.

use std::fmt;
use std::process::{Command, Stdio};
use std::sync::Arc;

use stratus_core::credentials::{Credentials, CredentialsError, ProvideCredentials};
use stratus_core::time::Clock;

use super::cached::{Cached, Fetch, credentials, parse_expiry};
use super::{ProcessError, ProviderError};
use crate::SystemClock;
use crate::config::SharedConfig;
use crate::config::ini::shlex_split;

/// Runs `command_line` (split as a POSIX shell would, run without a shell)
/// and reads its `Version: 1` JSON. The output is never shown: errors name
/// the exit status and stderr only.
pub(crate) fn run_credential_process(command_line: &str) -> Result<Credentials, ProviderError> {
    const NAME: &str = "custom-process";
    let err = ProviderError::Process;
    let words = shlex_split(command_line).ok_or(err(ProcessError::BadCommandLine))?;
    let (program, args) = words.split_first().ok_or(err(ProcessError::EmptyCommand))?;
    let output = Command::new(program)
        .args(args)
        .stdin(Stdio::inherit())
        .output()
        .map_err(|e| {
            err(ProcessError::Spawn {
                program: program.clone(),
                kind: e.kind(),
            })
        })?;
    if !output.status.success() {
        let end = output.stderr.len().min(500);
        return Err(err(ProcessError::Failed {
            code: output.status.code(),
            stderr: String::from_utf8_lossy(&output.stderr[..end])
                .trim_end()
                .to_string(),
        }));
    }
    let parsed: serde_json::Value =
        serde_json::from_slice(&output.stdout).map_err(|_| err(ProcessError::NotJson))?;
    let object = parsed.as_object().ok_or(err(ProcessError::NotJson))?;
    match object.get("Version") {
        // Python's `version != 1`: 1, 1.0 and true all equal 1.
        Some(v) if v.as_f64() == Some(1.0) || v.as_bool() == Some(true) => {}
        Some(v) => {
            let shown = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            return Err(err(ProcessError::UnsupportedVersion(shown)));
        }
        None => {
            return Err(err(ProcessError::UnsupportedVersion(
                "<Version key not provided>".into(),
            )));
        }
    }
    let text = |key: &'static str| -> Result<Option<&str>, ProviderError> {
        match object.get(key) {
            None | Some(serde_json::Value::Null) => Ok(None),
            Some(serde_json::Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(err(ProcessError::MissingKey(key))),
        }
    };
    let id = text("AccessKeyId")?.ok_or(err(ProcessError::MissingKey("AccessKeyId")))?;
    let secret =
        text("SecretAccessKey")?.ok_or(err(ProcessError::MissingKey("SecretAccessKey")))?;
    let token = text("SessionToken")?;
    let expiry = match text("Expiration")? {
        Some(t) => Some(parse_expiry(NAME, t)?),
        None => None,
    };
    credentials(NAME, id, secret, token, expiry)
}

pub(crate) struct ProcessSource {
    config: Arc<SharedConfig>,
    profile: String,
}

impl Fetch for ProcessSource {
    const NAME: &'static str = "custom-process";

    async fn fetch(&self) -> Result<Credentials, ProviderError> {
        let command = self
            .config
            .profile(&self.profile)
            .and_then(|p| p.text("credential_process"))
            .ok_or(ProviderError::NotConfigured)?;
        run_credential_process(command)
    }
}

/// Runs the profile's `credential_process` and reads its JSON:
/// `{"Version": 1, "AccessKeyId": …, "SecretAccessKey": …, "SessionToken": …,
/// "Expiration": "2030-01-01T00:00:00Z"}` (the last two optional).
///
/// Not configured when the profile has no `credential_process`. A non-zero
/// exit, output that is not that JSON, another `Version` or a missing key is
/// a [`ProcessError`]; the output is never echoed. Credentials with an
/// `Expiration` are refreshed by running the command again.
///
/// ```
/// use std::sync::Arc;
/// use stratus_core::credentials::ProvideCredentials;
/// use stratus_transport_std::config::{Env, SharedConfig};
/// use stratus_transport_std::credentials::ProcessProvider;
/// let dir = std::env::temp_dir().join(format!("stratus-doc-process-{}", std::process::id()));
/// std::fs::create_dir_all(&dir).unwrap();
/// let config = dir.join("config");
/// std::fs::write(&config, "[default]\ncredential_process = echo \
///     '{\"Version\": 1, \"AccessKeyId\": \"AKID\", \"SecretAccessKey\": \"SECRET\"}'\n").unwrap();
/// let env = Env::from_pairs([("AWS_CONFIG_FILE", config.to_str().unwrap()),
///     ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")]);
/// let shared = Arc::new(SharedConfig::load(env, None).unwrap());
/// let p = ProcessProvider::new(shared, "default");
/// assert_eq!(embassy_futures::block_on(p.provide_credentials()).unwrap().access_key_id(), "AKID");
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub struct ProcessProvider<K = SystemClock> {
    cached: Cached<ProcessSource, K>,
}

impl<K> fmt::Debug for ProcessProvider<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ProcessProvider")
            .field("profile", &self.cached.source().profile)
            .field("cached", &self.cached)
            .finish()
    }
}

impl ProcessProvider<SystemClock> {
    /// For `profile` of `config`.
    pub fn new(config: Arc<SharedConfig>, profile: &str) -> Self {
        Self::with_clock(config, profile, SystemClock)
    }
}

impl<K: Clock> ProcessProvider<K> {
    /// For `profile` of `config`, judging expiry by `clock`.
    pub fn with_clock(config: Arc<SharedConfig>, profile: &str, clock: K) -> Self {
        ProcessProvider {
            cached: Cached::new(
                ProcessSource {
                    config,
                    profile: profile.to_string(),
                },
                clock,
            ),
        }
    }

    /// The credentials, or the full reason there are none.
    pub async fn load(&self) -> Result<Credentials, ProviderError> {
        self.cached.load().await
    }
}

impl<K: Clock> ProvideCredentials for ProcessProvider<K> {
    async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
        self.load().await.map_err(|e| e.to_core())
    }
}
