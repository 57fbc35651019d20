//! Static keys from the shared files: botocore's `SharedCredentialProvider`
//! (method `shared-credentials-file`, the credentials file's `[name]`
//! section) and `ConfigProvider` (method `config-file`, the config file's
//! `[profile name]` / `[default]` section).

use std::fmt;
use std::sync::Arc;

use stratus_core::credentials::{Credentials, CredentialsError, ProvideCredentials};
use stratus_core::time::Clock;

use super::ProviderError;
use super::cached::{Cached, Fetch, credentials};
use crate::SystemClock;
use crate::config::SharedConfig;
use crate::config::ini::Section;

/// Static credentials from a section holding `aws_access_key_id`; `None`
/// when it holds none.
pub(crate) fn static_credentials(
    source: &'static str,
    section: &Section,
) -> Option<Result<Credentials, ProviderError>> {
    if !section.contains("aws_access_key_id") {
        return None;
    }
    let missing = |key: &str| ProviderError::MissingKey {
        source,
        key: key.to_string(),
    };
    Some((|| {
        let id = section
            .text("aws_access_key_id")
            .ok_or_else(|| missing("aws_access_key_id"))?;
        let secret = section
            .text("aws_secret_access_key")
            .ok_or_else(|| missing("aws_secret_access_key"))?;
        let token = ["aws_security_token", "aws_session_token"]
            .iter()
            .find(|k| section.contains(k))
            .and_then(|k| section.text(k));
        credentials(source, id, secret, token, None)
    })())
}

pub(crate) struct FileSource {
    config: Arc<SharedConfig>,
    profile: String,
    credentials_file: bool,
}

impl FileSource {
    fn name(&self) -> &'static str {
        if self.credentials_file {
            "shared-credentials-file"
        } else {
            "config-file"
        }
    }
}

impl Fetch for FileSource {
    const NAME: &'static str = "shared-file";

    async fn fetch(&self) -> Result<Credentials, ProviderError> {
        let section = if self.credentials_file {
            self.config.credentials_file_section(&self.profile)
        } else {
            self.config.config_file_profile(&self.profile)
        };
        section
            .and_then(|s| static_credentials(self.name(), s))
            .unwrap_or(Err(ProviderError::NotConfigured))
    }
}

macro_rules! file_provider {
    ($(#[$doc:meta])* $name:ident, $creds_file:expr) => {
        $(#[$doc])*
        pub struct $name<K = SystemClock> {
            cached: Cached<FileSource, K>,
        }

        impl<K> fmt::Debug for $name<K> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($name))
                    .field("profile", &self.cached.source().profile)
                    .finish()
            }
        }

        impl $name<SystemClock> {
            /// Reads `profile` of `config`'s files.
            pub fn new(config: Arc<SharedConfig>, profile: &str) -> Self {
                Self::with_clock(config, profile, SystemClock)
            }
        }

        impl<K: Clock> $name<K> {
            /// Reads `profile` of `config`'s files, with `clock`.
            pub fn with_clock(config: Arc<SharedConfig>, profile: &str, clock: K) -> Self {
                $name {
                    cached: Cached::new(
                        FileSource {
                            config,
                            profile: profile.to_string(),
                            credentials_file: $creds_file,
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

        impl<K: Clock> ProvideCredentials for $name<K> {
            async fn provide_credentials(&self) -> Result<Credentials, CredentialsError> {
                self.load().await.map_err(|e| e.to_core())
            }
        }
    };
}

file_provider! {
    /// `aws_access_key_id`, `aws_secret_access_key` and `aws_session_token`
    /// (or `aws_security_token`) of a `[name]` section of the credentials
    /// file. Not configured without `aws_access_key_id`; a key id without a
    /// secret is [`ProviderError::MissingKey`].
    ///
    /// ```
    /// use std::sync::Arc;
    /// use stratus_core::credentials::ProvideCredentials;
    /// use stratus_transport_std::config::{Env, SharedConfig};
    /// use stratus_transport_std::credentials::SharedCredentialsProvider;
    /// let dir = std::env::temp_dir().join(format!("stratus-doc-shared-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir).unwrap();
    /// let path = dir.join("credentials");
    /// std::fs::write(&path, "[dev]\naws_access_key_id = AKID\naws_secret_access_key = SECRET\n").unwrap();
    /// let env = Env::from_pairs([("AWS_SHARED_CREDENTIALS_FILE", path.to_str().unwrap()),
    ///     ("AWS_CONFIG_FILE", "/nonexistent")]);
    /// let config = Arc::new(SharedConfig::load(env, None).unwrap());
    /// let p = SharedCredentialsProvider::new(config, "dev");
    /// assert_eq!(embassy_futures::block_on(p.provide_credentials()).unwrap().access_key_id(), "AKID");
    /// # std::fs::remove_dir_all(&dir).unwrap();
    /// ```
    SharedCredentialsProvider, true
}

file_provider! {
    /// The same keys in a profile of the config file (`[default]` or
    /// `[profile name]`).
    ConfigFileProvider, false
}
