//! The shared config and credentials files, profiles and environment, read as
//! botocore 1.43.11 reads them, and turned into a client's
//! [`ClientConfig`].
//!
//! * Files: `AWS_CONFIG_FILE` (default `~/.aws/config`) with `[default]`,
//!   `[profile name]`, `[services name]` and `[sso-session name]` sections,
//!   and `AWS_SHARED_CREDENTIALS_FILE` (default `~/.aws/credentials`) with
//!   `[name]` sections. Paths expand `$VARS` and `~` (`HOME`). A missing file
//!   is empty; a malformed one is an error naming the file and line
//!   ([`ini`] reads botocore's dialect).
//! * The profile: the one given to [`SharedConfig::load`], else
//!   `AWS_DEFAULT_PROFILE`, else `AWS_PROFILE`, else `default`. A profile
//!   named but present in neither file is [`ConfigError::ProfileNotFound`].
//!   Credentials-file sections are merged over config-file profiles of the
//!   same name, as botocore's `full_config`.
//! * Settings: the environment variable first (set, even empty, wins), then
//!   the profile's key, then the default (botocore's `ConfigChainFactory`).
//!
//! ```
//! use stratus_transport_std::config::{Env, SharedConfig};
//! use stratus_core::retry::RetryMode;
//! let dir = std::env::temp_dir().join(format!("stratus-doc-config-{}", std::process::id()));
//! std::fs::create_dir_all(&dir).unwrap();
//! let path = dir.join("config");
//! std::fs::write(&path, "[profile dev]\nregion = eu-west-1\nretry_mode = standard\n\
//!     services = local\n[services local]\nkinesis =\n  endpoint_url = http://127.0.0.1:4567\n").unwrap();
//! let env = Env::from_pairs([
//!     ("AWS_CONFIG_FILE", path.to_str().unwrap()),
//!     ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
//!     ("AWS_MAX_ATTEMPTS", "5"),
//! ]);
//! let shared = SharedConfig::load(env, Some("dev")).unwrap();
//! let config = shared.client_config("kinesis").unwrap();
//! assert_eq!(config.region.as_deref(), Some("eu-west-1"));
//! assert_eq!(config.endpoint_url.as_deref(), Some("http://127.0.0.1:4567"));
//! assert_eq!((config.retries.mode, config.retries.max_attempts), (RetryMode::Standard, Some(5)));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

mod env;
mod error;
pub mod ini;

pub use env::Env;
pub use error::ConfigError;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use stratus_core::client::config::{ENDPOINT_URL_CAPACITY, REGION_CAPACITY};
use stratus_core::client::{AddressingStyle, ClientConfig};
use stratus_core::retry::{RetryConfig, RetryMode};

use ini::{IniFile, Section, Value};

/// The default config file, before `~` expansion.
pub const DEFAULT_CONFIG_FILE: &str = "~/.aws/config";
/// The default credentials file, before `~` expansion.
pub const DEFAULT_CREDENTIALS_FILE: &str = "~/.aws/credentials";

/// Client names whose environment-variable and `[services]` key differ from
/// the name itself: botocore 1.43.11's
/// `utils.CLIENT_NAME_TO_HYPHENIZED_SERVICE_ID_OVERRIDES` (the hyphenated
/// service id; for every other service the two agree).
const SERVICE_ID_OVERRIDES: &[(&str, &str)] = &[
    ("apigateway", "api-gateway"),
    ("application-autoscaling", "application-auto-scaling"),
    ("appmesh", "app-mesh"),
    ("autoscaling", "auto-scaling"),
    ("autoscaling-plans", "auto-scaling-plans"),
    ("ce", "cost-explorer"),
    ("cloudhsmv2", "cloudhsm-v2"),
    ("cloudsearchdomain", "cloudsearch-domain"),
    ("cognito-idp", "cognito-identity-provider"),
    ("config", "config-service"),
    ("cur", "cost-and-usage-report-service"),
    ("datapipeline", "data-pipeline"),
    ("directconnect", "direct-connect"),
    ("devicefarm", "device-farm"),
    ("discovery", "application-discovery-service"),
    ("dms", "database-migration-service"),
    ("ds", "directory-service"),
    ("ds-data", "directory-service-data"),
    ("dynamodbstreams", "dynamodb-streams"),
    ("elasticbeanstalk", "elastic-beanstalk"),
    ("elb", "elastic-load-balancing"),
    ("elbv2", "elastic-load-balancing-v2"),
    ("es", "elasticsearch-service"),
    ("events", "eventbridge"),
    ("globalaccelerator", "global-accelerator"),
    ("iot-data", "iot-data-plane"),
    ("iot-jobs-data", "iot-jobs-data-plane"),
    ("iotevents-data", "iot-events-data"),
    ("iotevents", "iot-events"),
    ("iotwireless", "iot-wireless"),
    ("kinesisanalytics", "kinesis-analytics"),
    ("kinesisanalyticsv2", "kinesis-analytics-v2"),
    ("kinesisvideo", "kinesis-video"),
    ("lex-models", "lex-model-building-service"),
    ("lexv2-models", "lex-models-v2"),
    ("lex-runtime", "lex-runtime-service"),
    ("lexv2-runtime", "lex-runtime-v2"),
    ("logs", "cloudwatch-logs"),
    ("machinelearning", "machine-learning"),
    (
        "marketplacecommerceanalytics",
        "marketplace-commerce-analytics",
    ),
    ("marketplace-entitlement", "marketplace-entitlement-service"),
    ("meteringmarketplace", "marketplace-metering"),
    ("mgh", "migration-hub"),
    ("sms-voice", "pinpoint-sms-voice"),
    ("resourcegroupstaggingapi", "resource-groups-tagging-api"),
    ("route53", "route-53"),
    ("route53domains", "route-53-domains"),
    ("s3control", "s3-control"),
    ("sdb", "simpledb"),
    ("secretsmanager", "secrets-manager"),
    ("serverlessrepo", "serverlessapplicationrepository"),
    ("servicecatalog", "service-catalog"),
    ("servicecatalog-appregistry", "service-catalog-appregistry"),
    ("stepfunctions", "sfn"),
    ("storagegateway", "storage-gateway"),
];

/// The key a service's endpoint settings use: botocore's snake-case service
/// id (`iot-data` → `iot_data_plane`, `kinesis` → `kinesis`).
///
/// ```
/// use stratus_transport_std::config::service_config_key;
/// assert_eq!(service_config_key("iot-data"), "iot_data_plane");
/// assert_eq!(service_config_key("logs"), "cloudwatch_logs");
/// assert_eq!(service_config_key("dynamodb"), "dynamodb");
/// ```
pub fn service_config_key(client_name: &str) -> String {
    let name = if client_name == "runtime.sagemaker" {
        "sagemaker-runtime"
    } else {
        client_name
    };
    let id = SERVICE_ID_OVERRIDES
        .iter()
        .find(|(n, _)| *n == name)
        .map_or(name, |(_, id)| *id);
    id.replace('-', "_")
}

/// botocore's `defaults_mode`, which changes the default retry mode and
/// connect timeout (`sdk-default-configuration.json`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub enum DefaultsMode {
    /// No changes (botocore's default).
    #[default]
    Legacy,
    /// Standard retries, 3.1 s connect timeout.
    Standard,
    /// Standard retries, 1.1 s connect timeout.
    InRegion,
    /// Standard retries, 3.1 s connect timeout.
    CrossRegion,
    /// Standard retries, 30 s connect timeout.
    Mobile,
    /// In-region or cross-region when `AWS_EXECUTION_ENV` and a current
    /// region tell; otherwise standard (botocore also asks the instance
    /// metadata service for the region; stratus does not).
    Auto,
}

impl DefaultsMode {
    fn parse(text: &str) -> Option<Self> {
        Some(match text.to_lowercase().as_str() {
            "legacy" => DefaultsMode::Legacy,
            "standard" => DefaultsMode::Standard,
            "in-region" => DefaultsMode::InRegion,
            "cross-region" => DefaultsMode::CrossRegion,
            "mobile" => DefaultsMode::Mobile,
            "auto" => DefaultsMode::Auto,
            _ => return None,
        })
    }

    fn connect_timeout_ms(self) -> Option<u32> {
        match self {
            DefaultsMode::Legacy | DefaultsMode::Auto => None,
            DefaultsMode::InRegion => Some(1100),
            DefaultsMode::Standard | DefaultsMode::CrossRegion => Some(3100),
            DefaultsMode::Mobile => Some(30_000),
        }
    }
}

/// The `s3` settings botocore gathers (`get_config_variable('s3')`): the
/// profile's nested `s3 =` block, with the typed keys converted and the
/// environment overrides applied.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct S3Config {
    /// `addressing_style`: `auto`, `virtual` or `path`.
    pub addressing_style: Option<String>,
    /// `use_accelerate_endpoint`.
    pub use_accelerate_endpoint: Option<bool>,
    /// `use_dualstack_endpoint`.
    pub use_dualstack_endpoint: Option<bool>,
    /// `payload_signing_enabled`.
    pub payload_signing_enabled: Option<bool>,
    /// `use_arn_region` (`AWS_S3_USE_ARN_REGION`, `s3_use_arn_region`).
    pub use_arn_region: Option<bool>,
    /// `us_east_1_regional_endpoint` (`AWS_S3_US_EAST_1_REGIONAL_ENDPOINT`,
    /// `s3_us_east_1_regional_endpoint`).
    pub us_east_1_regional_endpoint: Option<String>,
    /// `s3_disable_multiregion_access_points`
    /// (`AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS`).
    pub s3_disable_multiregion_access_points: Option<bool>,
    /// The block's other keys, as written.
    pub other: BTreeMap<String, String>,
    /// Whether botocore would report an `s3` config at all (a block, or an
    /// override from the environment).
    pub present: bool,
    /// The profile has `s3 =` with nothing under it: botocore reports `""`
    /// and cannot make clients from it ([`SharedConfig::client_config`]
    /// refuses it).
    pub blank: bool,
}

/// botocore's `ensure_boolean` on text: `true` in any case is true,
/// anything else false.
pub fn ensure_boolean(text: &str) -> bool {
    text.eq_ignore_ascii_case("true")
}

/// Python's `int(text)` for decimal text: blanks around, one sign, digits
/// with single `_` between them.
pub fn py_int(text: &str) -> Option<i64> {
    let t = text.trim_matches(|c: char| c.is_whitespace());
    let (neg, digits) = match t.as_bytes().first() {
        Some(b'-') => (true, &t[1..]),
        Some(b'+') => (false, &t[1..]),
        _ => (false, t),
    };
    if digits.is_empty()
        || digits.starts_with('_')
        || digits.ends_with('_')
        || digits.contains("__")
    {
        return None;
    }
    let mut value: i64 = 0;
    for c in digits.chars() {
        if c == '_' {
            continue;
        }
        let d = c.to_digit(10)?;
        value = value.checked_mul(10)?.checked_add(i64::from(d))?;
    }
    Some(if neg { -value } else { value })
}

/// botocore's `validate_region_name`: a host label of letters, digits and
/// `-`, at most 63, not all digits, no `-` at either end.
fn valid_region(region: &str) -> bool {
    region.len() <= 63
        && region
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-')
        && !region.starts_with('-')
        && !region.ends_with('-')
        && (region.is_empty() || !region.chars().all(|c| c.is_ascii_digit()))
}

fn load_file(path: &Path) -> Result<Option<IniFile>, ConfigError> {
    if !path.is_file() {
        return Ok(None);
    }
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        // configparser ignores a file it cannot open (botocore then sees no
        // file); a read that fails part way is reported.
        Err(e)
            if matches!(
                e.kind(),
                std::io::ErrorKind::PermissionDenied | std::io::ErrorKind::NotFound
            ) =>
        {
            return Ok(None);
        }
        Err(e) => {
            return Err(ConfigError::Read {
                path: path.to_path_buf(),
                kind: e.kind(),
            });
        }
    };
    ini::parse(&bytes)
        .map(Some)
        .map_err(|error| ConfigError::Parse {
            path: path.to_path_buf(),
            line: error.line(),
            error,
        })
}

/// The name a `[profile x]` / `[services x]` header gives, as botocore's
/// `_parse_section`: the header split as a shell would, exactly two words.
fn second_word(header: &str) -> Option<String> {
    let mut words = ini::shlex_split(header)?;
    (words.len() == 2).then(|| words.swap_remove(1))
}

/// The config file's sections sorted as botocore's `build_profile_map` does.
#[derive(Clone, Debug, Default)]
struct ProfileMap {
    profiles: BTreeMap<String, Section>,
    services: BTreeMap<String, Section>,
    sso_sessions: BTreeMap<String, Section>,
}

fn build_profile_map(file: &IniFile) -> ProfileMap {
    let mut map = ProfileMap::default();
    for (name, section) in file.sections() {
        if name.starts_with("profile") {
            if let Some(p) = second_word(name) {
                map.profiles.insert(p, section.clone());
            }
        } else if name.starts_with("sso-session") {
            if let Some(p) = second_word(name) {
                map.sso_sessions.insert(p, section.clone());
            }
        } else if name.starts_with("services") {
            if let Some(p) = second_word(name) {
                map.services.insert(p, section.clone());
            }
        } else if name == "default" {
            map.profiles.insert(name.to_string(), section.clone());
        }
    }
    map
}

/// The shared config as botocore reads it for one profile. See the
/// [module docs](self).
///
/// `Debug` shows the files, the profile and the profiles' keys; secret
/// values are hidden ([`Section`]'s `Debug`).
#[derive(Clone, Debug)]
pub struct SharedConfig {
    env: Env,
    explicit_profile: Option<String>,
    profile: Option<String>,
    config_path: PathBuf,
    credentials_path: PathBuf,
    config_file: ProfileMap,
    credentials_file: IniFile,
    /// Config-file profiles with credentials-file sections merged over them.
    profiles: BTreeMap<String, Section>,
}

impl SharedConfig {
    /// Reads the files `env` points at, for `profile` (or the one the
    /// environment names). An explicit profile also turns off the
    /// environment credentials, as botocore's `Session(profile=…)`.
    pub fn load(env: Env, profile: Option<&str>) -> Result<Self, ConfigError> {
        let config_path = PathBuf::from(
            env.expand_path(env.get("AWS_CONFIG_FILE").unwrap_or(DEFAULT_CONFIG_FILE)),
        );
        let credentials_path = PathBuf::from(
            env.expand_path(
                env.get("AWS_SHARED_CREDENTIALS_FILE")
                    .unwrap_or(DEFAULT_CREDENTIALS_FILE),
            ),
        );
        let config = load_file(&config_path)?.unwrap_or_default();
        let credentials = load_file(&credentials_path)?.unwrap_or_default();
        let config_file = build_profile_map(&config);
        let mut profiles = config_file.profiles.clone();
        for (name, section) in credentials.sections() {
            let merged = profiles.entry(name.to_string()).or_default();
            for (k, v) in section.iter() {
                merged.insert(k.to_string(), v.clone());
            }
        }
        let explicit_profile = profile.map(str::to_string);
        let profile = explicit_profile.clone().or_else(|| {
            env.get("AWS_DEFAULT_PROFILE")
                .or_else(|| env.get("AWS_PROFILE"))
                .map(str::to_string)
        });
        Ok(SharedConfig {
            env,
            explicit_profile,
            profile,
            config_path,
            credentials_path,
            config_file,
            credentials_file: credentials,
            profiles,
        })
    }

    /// [`load`](Self::load) with the process environment and the profile it
    /// names.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::load(Env::process(), None)
    }

    /// The environment the config was read with.
    pub fn env(&self) -> &Env {
        &self.env
    }

    /// The profile in use: the one named, or `default`.
    pub fn profile_name(&self) -> &str {
        self.profile.as_deref().unwrap_or("default")
    }

    /// Whether a profile was named (given, or from the environment).
    pub fn profile_is_named(&self) -> bool {
        self.profile.is_some()
    }

    /// Whether the profile was given to [`load`](Self::load) (botocore's
    /// session `profile` variable), which turns off environment credentials.
    pub fn profile_is_explicit(&self) -> bool {
        self.explicit_profile.is_some()
    }

    /// The config file's path (it may not exist).
    pub fn config_path(&self) -> &Path {
        &self.config_path
    }

    /// The credentials file's path (it may not exist).
    pub fn credentials_path(&self) -> &Path {
        &self.credentials_path
    }

    /// Every profile of both files (credentials-file keys over config-file
    /// keys), botocore's `full_config['profiles']`.
    pub fn profiles(&self) -> &BTreeMap<String, Section> {
        &self.profiles
    }

    /// One merged profile.
    pub fn profile(&self, name: &str) -> Option<&Section> {
        self.profiles.get(name)
    }

    /// A profile as the config file alone has it (for the `config-file`
    /// credential source).
    pub fn config_file_profile(&self, name: &str) -> Option<&Section> {
        self.config_file.profiles.get(name)
    }

    /// A section of the credentials file alone (for the
    /// `shared-credentials-file` credential source).
    pub fn credentials_file_section(&self, name: &str) -> Option<&Section> {
        self.credentials_file.section(name)
    }

    /// A `[services name]` section of the config file.
    pub fn services_section(&self, name: &str) -> Option<&Section> {
        self.config_file.services.get(name)
    }

    /// An `[sso-session name]` section of the config file.
    pub fn sso_session(&self, name: &str) -> Option<&Section> {
        self.config_file.sso_sessions.get(name)
    }

    /// The profile in use (botocore's `get_scoped_config`): the named
    /// profile, which must exist, or `default`, which may be absent.
    pub fn scoped(&self) -> Result<Option<&Section>, ConfigError> {
        match &self.profile {
            None => Ok(self.profiles.get("default")),
            Some(name) => match self.profiles.get(name) {
                Some(s) => Ok(Some(s)),
                None => Err(ConfigError::ProfileNotFound {
                    profile: name.clone(),
                }),
            },
        }
    }

    /// A setting: the first of `env_names` that is set, else the profile's
    /// `key` (text values only).
    pub fn lookup(
        &self,
        env_names: &[&str],
        key: Option<&str>,
    ) -> Result<Option<&str>, ConfigError> {
        for name in env_names {
            if let Some(v) = self.env.get(name) {
                return Ok(Some(v));
            }
        }
        let Some(key) = key else { return Ok(None) };
        Ok(self.scoped()?.and_then(|s| s.text(key)))
    }

    fn lookup_bool(&self, env_name: &str, key: &str) -> Result<Option<bool>, ConfigError> {
        Ok(self.lookup(&[env_name], Some(key))?.map(ensure_boolean))
    }

    fn lookup_int(
        &self,
        setting: &'static str,
        env_name: &str,
    ) -> Result<Option<i64>, ConfigError> {
        match self.lookup(&[env_name], Some(setting))? {
            None => Ok(None),
            Some(v) => py_int(v)
                .map(Some)
                .ok_or_else(|| ConfigError::InvalidValue {
                    setting,
                    value: v.to_string(),
                    expected: "an integer",
                }),
        }
    }

    /// The region (`AWS_DEFAULT_REGION`, then the profile's `region`), if
    /// one is set and not empty. botocore 1.43.11 does not read `AWS_REGION`.
    pub fn region_opt(&self) -> Result<Option<String>, ConfigError> {
        let region = self.lookup(&["AWS_DEFAULT_REGION"], Some("region"))?;
        match region {
            None | Some("") => Ok(None),
            Some(r) if !valid_region(r) => Err(ConfigError::InvalidRegion {
                region: r.to_string(),
            }),
            Some(r) => Ok(Some(r.to_string())),
        }
    }

    /// The region, or [`ConfigError::NoRegion`] saying how to set one.
    pub fn region(&self) -> Result<String, ConfigError> {
        self.region_opt()?.ok_or_else(|| ConfigError::NoRegion {
            profile: self.profile_name().to_string(),
            config_file: self.config_path.clone(),
        })
    }

    /// `defaults_mode` (`AWS_DEFAULTS_MODE`), `legacy` when unset.
    pub fn defaults_mode(&self) -> Result<DefaultsMode, ConfigError> {
        match self.lookup(&["AWS_DEFAULTS_MODE"], Some("defaults_mode"))? {
            None => Ok(DefaultsMode::Legacy),
            Some(v) => DefaultsMode::parse(v).ok_or_else(|| ConfigError::InvalidValue {
                setting: "defaults_mode",
                value: v.to_string(),
                expected: "one of legacy, auto, standard, in-region, cross-region, mobile",
            }),
        }
    }

    /// The defaults mode with `auto` resolved for a client in `region`.
    fn effective_defaults_mode(&self, region: Option<&str>) -> Result<DefaultsMode, ConfigError> {
        let mode = self.defaults_mode()?;
        if mode != DefaultsMode::Auto {
            return Ok(mode);
        }
        let current = if self
            .env
            .get("AWS_EXECUTION_ENV")
            .is_some_and(|v| !v.is_empty())
        {
            self.env
                .get("AWS_REGION")
                .or_else(|| self.env.get("AWS_DEFAULT_REGION"))
                .filter(|r| !r.is_empty())
        } else {
            None
        };
        Ok(match current {
            Some(c) if Some(c) == region => DefaultsMode::InRegion,
            Some(_) => DefaultsMode::CrossRegion,
            None => DefaultsMode::Standard,
        })
    }

    /// Retry mode and total attempts: `AWS_RETRY_MODE` / `retry_mode`
    /// (`legacy`, or `standard` under a non-legacy defaults mode) and
    /// `AWS_MAX_ATTEMPTS` / `max_attempts` (at least 1).
    pub fn retry_config(&self) -> Result<RetryConfig, ConfigError> {
        let region = self.region_opt().ok().flatten();
        self.retry_config_for(region.as_deref())
    }

    fn retry_config_for(&self, region: Option<&str>) -> Result<RetryConfig, ConfigError> {
        // botocore reads max_attempts (int() may fail) before the mode, and
        // its Config checks total attempts before the mode.
        let max_attempts = match self.lookup_int("max_attempts", "AWS_MAX_ATTEMPTS")? {
            None => None,
            Some(n) if n >= 1 => Some(u32::try_from(n).unwrap_or(u32::MAX)),
            Some(n) => {
                return Err(ConfigError::InvalidValue {
                    setting: "max_attempts",
                    value: n.to_string(),
                    expected: "an integer greater than or equal to 1",
                });
            }
        };
        let mode = match self.lookup(&["AWS_RETRY_MODE"], Some("retry_mode"))? {
            Some("legacy") => RetryMode::Legacy,
            Some("standard") => RetryMode::Standard,
            Some("adaptive") => RetryMode::Adaptive,
            Some(other) => {
                return Err(ConfigError::InvalidValue {
                    setting: "retry_mode",
                    value: other.to_string(),
                    expected: "one of legacy, standard, adaptive",
                });
            }
            None => match self.effective_defaults_mode(region)? {
                DefaultsMode::Legacy => RetryMode::Legacy,
                _ => RetryMode::Standard,
            },
        };
        Ok(RetryConfig { mode, max_attempts })
    }

    /// The `s3` settings (botocore's `get_config_variable('s3')`).
    pub fn s3_config(&self) -> Result<S3Config, ConfigError> {
        let (block, empty_text) = match self.scoped()?.and_then(|s| s.get("s3")) {
            Some(Value::Nested(m)) => (Some(m.clone()), false),
            // botocore ignores an `s3` key that is text, overrides and all…
            Some(Value::Text(t)) if !t.is_empty() => return Ok(S3Config::default()),
            // …unless the text is empty, which it then fails to update.
            Some(Value::Text(_)) => (None, true),
            None => (None, false),
        };
        let mut out = S3Config {
            present: block.is_some(),
            ..S3Config::default()
        };
        let block = block.unwrap_or_default();
        let from_block = |k: &str| block.get(k).map(String::as_str);
        let scoped_text = |k: &str| -> Result<Option<String>, ConfigError> {
            Ok(self.scoped()?.and_then(|s| s.text(k)).map(str::to_string))
        };
        for (k, v) in &block {
            match k.as_str() {
                "addressing_style"
                | "use_accelerate_endpoint"
                | "use_dualstack_endpoint"
                | "payload_signing_enabled"
                | "use_arn_region"
                | "us_east_1_regional_endpoint"
                | "s3_disable_multiregion_access_points" => {}
                _ => {
                    out.other.insert(k.clone(), v.clone());
                }
            }
        }
        out.addressing_style = from_block("addressing_style").map(str::to_string);
        out.use_accelerate_endpoint = from_block("use_accelerate_endpoint").map(ensure_boolean);
        out.use_dualstack_endpoint = from_block("use_dualstack_endpoint").map(ensure_boolean);
        out.payload_signing_enabled = from_block("payload_signing_enabled").map(ensure_boolean);
        out.use_arn_region = match self.env.get("AWS_S3_USE_ARN_REGION") {
            Some(v) => Some(v.to_string()),
            None => match scoped_text("s3_use_arn_region")? {
                Some(v) => Some(v),
                None => from_block("use_arn_region").map(str::to_string),
            },
        }
        .map(|v| ensure_boolean(&v));
        out.us_east_1_regional_endpoint = match self.env.get("AWS_S3_US_EAST_1_REGIONAL_ENDPOINT") {
            Some(v) => Some(v.to_string()),
            None => match scoped_text("s3_us_east_1_regional_endpoint")? {
                Some(v) => Some(v),
                None => from_block("us_east_1_regional_endpoint").map(str::to_string),
            },
        };
        out.s3_disable_multiregion_access_points =
            match self.env.get("AWS_S3_DISABLE_MULTIREGION_ACCESS_POINTS") {
                Some(v) => Some(ensure_boolean(v)),
                None => from_block("s3_disable_multiregion_access_points").map(ensure_boolean),
            };
        if out.use_arn_region.is_some()
            || out.us_east_1_regional_endpoint.is_some()
            || out.s3_disable_multiregion_access_points.is_some()
        {
            if empty_text {
                return Err(ConfigError::InvalidValue {
                    setting: "s3",
                    value: String::new(),
                    expected: "a nested block of settings (`s3 =` then indented lines); \
                               an empty one cannot be updated",
                });
            }
            out.present = true;
        }
        out.blank = empty_text;
        Ok(out)
    }

    /// The endpoint configured for `service` (a botocore client name), in
    /// botocore's order: `AWS_ENDPOINT_URL_<SERVICE>`, `AWS_ENDPOINT_URL`,
    /// the profile's `[services]` section, the profile's `endpoint_url`;
    /// none when `AWS_IGNORE_CONFIGURED_ENDPOINT_URLS` /
    /// `ignore_configured_endpoint_urls` is true. Empty values are skipped.
    pub fn configured_endpoint_url(&self, service: &str) -> Result<Option<String>, ConfigError> {
        if self
            .lookup_bool(
                "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS",
                "ignore_configured_endpoint_urls",
            )?
            .unwrap_or(false)
        {
            return Ok(None);
        }
        let key = service_config_key(service);
        let env_name = format!("AWS_ENDPOINT_URL_{}", key.to_uppercase());
        for name in [env_name.as_str(), "AWS_ENDPOINT_URL"] {
            if let Some(v) = self.env.non_empty(name) {
                return Ok(Some(v.to_string()));
            }
        }
        let scoped = self.scoped()?;
        if let Some(section_name) = scoped.and_then(|s| s.text("services")) {
            let section = self
                .services_section(section_name)
                .filter(|s| !s.is_empty())
                .ok_or_else(|| ConfigError::ServicesSectionNotFound {
                    section: section_name.to_string(),
                })?;
            match section.get(&key.to_lowercase()) {
                Some(Value::Nested(m)) => {
                    if let Some(url) = m.get("endpoint_url").filter(|u| !u.is_empty()) {
                        return Ok(Some(url.clone()));
                    }
                }
                Some(Value::Text(_)) => {
                    return Err(ConfigError::InvalidValue {
                        setting: "services",
                        value: key,
                        expected: "a nested block of settings (`service =` then indented lines)",
                    });
                }
                None => {}
            }
        }
        Ok(scoped
            .and_then(|s| s.text("endpoint_url"))
            .filter(|u| !u.is_empty())
            .map(str::to_string))
    }

    /// Everything a client of `service` (a botocore client name: `kinesis`,
    /// `iot-data`, `s3`) takes from the environment and the profile, with
    /// botocore's precedence: region, configured endpoint, retries, connect
    /// timeout from `defaults_mode`, S3 addressing, accelerate, dual-stack
    /// and FIPS endpoints, parameter validation, request compression.
    ///
    /// The region may be absent (the session's then applies; a call without
    /// one fails with the core's `NoRegion`); [`region`](Self::region) gives
    /// the error that says how to set it.
    pub fn client_config(&self, service: &str) -> Result<ClientConfig, ConfigError> {
        // In the order botocore meets them, so the first error is the same.
        let mut config = ClientConfig::default();
        let mut region = self.region_opt()?;
        let defaults_mode = self.effective_defaults_mode(region.as_deref())?;
        self.scoped()?;
        let s3 = self.s3_config()?;
        let endpoint_url = self.configured_endpoint_url(service)?;
        config.retries = self.retry_config_for(region.as_deref())?;
        // botocore fails on a blank `s3 =` later, resolving the endpoint.
        if s3.blank {
            return Err(ConfigError::InvalidValue {
                setting: "s3",
                value: String::new(),
                expected: "a nested block of settings (`s3 =` then indented lines), not empty",
            });
        }
        let mut fips = self
            .lookup_bool("AWS_USE_FIPS_ENDPOINT", "use_fips_endpoint")?
            .unwrap_or(false);
        if let Some(r) = &region {
            let normal = r.replace("fips-", "").replace("-fips", "");
            if &normal != r {
                fips = true;
                region = Some(normal);
            }
        }
        if let Some(r) = &region {
            if r.len() > REGION_CAPACITY {
                return Err(ConfigError::TooLong {
                    setting: "region",
                    capacity: REGION_CAPACITY,
                });
            }
            config = config.region(r);
        }
        if let Some(url) = endpoint_url {
            if url.len() > ENDPOINT_URL_CAPACITY {
                return Err(ConfigError::TooLong {
                    setting: "endpoint_url",
                    capacity: ENDPOINT_URL_CAPACITY,
                });
            }
            config = config.endpoint_url(&url);
        }
        if let Some(ms) = defaults_mode.connect_timeout_ms() {
            config.timeouts.connect_ms = ms;
        }
        config.addressing_style = match s3.addressing_style.as_deref() {
            None | Some("auto") => AddressingStyle::Auto,
            Some("path") => AddressingStyle::Path,
            Some("virtual") => AddressingStyle::Virtual,
            Some(other) => {
                return Err(ConfigError::InvalidValue {
                    setting: "s3.addressing_style",
                    value: other.to_string(),
                    expected: "one of auto, virtual, path",
                });
            }
        };
        config.use_accelerate_endpoint = s3.use_accelerate_endpoint.unwrap_or(false);
        let s3_dualstack = matches!(service, "s3" | "s3control" | "s3-control")
            && self
                .scoped()?
                .and_then(|s| s.nested("s3"))
                .and_then(|m| m.get("use_dualstack_endpoint"))
                .is_some_and(|v| v == "true" || v == "True");
        config.use_dualstack_endpoint = s3_dualstack
            || self
                .lookup_bool("AWS_USE_DUALSTACK_ENDPOINT", "use_dualstack_endpoint")?
                .unwrap_or(false);
        config.use_fips_endpoint = fips;
        if let Some(v) = self.scoped()?.and_then(|s| s.text("parameter_validation")) {
            config.parameter_validation = ensure_boolean(v);
        }
        if let Some(n) = self.lookup_int(
            "request_min_compression_size_bytes",
            "AWS_REQUEST_MIN_COMPRESSION_SIZE_BYTES",
        )? {
            if !(1..=1_048_576).contains(&n) {
                return Err(ConfigError::InvalidValue {
                    setting: "request_min_compression_size_bytes",
                    value: n.to_string(),
                    expected: "an integer between 1 and 1048576",
                });
            }
            config.request_min_compression_size_bytes = n as u32;
        }
        config.disable_request_compression = self
            .lookup_bool(
                "AWS_DISABLE_REQUEST_COMPRESSION",
                "disable_request_compression",
            )?
            .unwrap_or(false);
        Ok(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn py_int_matches_python() {
        for (text, want) in [
            ("3", Some(3)),
            (" +4 ", Some(4)),
            ("-2", Some(-2)),
            ("1_000", Some(1000)),
            ("1__0", None),
            ("_1", None),
            ("1.5", None),
            ("", None),
            ("0x10", None),
        ] {
            assert_eq!(py_int(text), want, "{text:?}");
        }
    }

    #[test]
    fn region_labels() {
        for (r, ok) in [
            ("us-east-1", true),
            ("", true),
            ("123", false),
            ("-us", false),
            ("us east", false),
            ("fips-us-east-1", true),
        ] {
            assert_eq!(valid_region(r), ok, "{r:?}");
        }
    }
}
