//! [`ConfigError`]: what can be wrong with the shared config, the environment
//! or a profile's credential settings.

use std::fmt;
use std::io;
use std::path::PathBuf;

use super::ini::IniError;

/// Why the shared config could not give what was asked.
///
/// Each variant names the file, line, profile or setting at fault. None holds
/// a secret: values are quoted only for settings that are not credentials.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum ConfigError {
    /// A config or credentials file is malformed (botocore's
    /// `ConfigParseError`).
    Parse {
        /// The file.
        path: PathBuf,
        /// The 1-based line.
        line: usize,
        /// What is wrong there.
        error: IniError,
    },
    /// A file exists but reading it failed part way.
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error's kind.
        kind: io::ErrorKind,
    },
    /// The profile asked for (explicitly, or by `AWS_PROFILE` /
    /// `AWS_DEFAULT_PROFILE`) is in neither file (botocore's `ProfileNotFound`).
    ProfileNotFound {
        /// The profile.
        profile: String,
    },
    /// A setting has a value it cannot take.
    InvalidValue {
        /// The setting (`max_attempts`, `retry_mode`, …).
        setting: &'static str,
        /// The value found.
        value: String,
        /// What it must be.
        expected: &'static str,
    },
    /// A setting is longer than stratus keeps (`region`, `endpoint_url`).
    TooLong {
        /// The setting.
        setting: &'static str,
        /// Its capacity in bytes.
        capacity: usize,
    },
    /// The profile's `services = name` names no `[services name]` section, or
    /// an empty one.
    ServicesSectionNotFound {
        /// The section named.
        section: String,
    },
    /// No region is configured (botocore's `NoRegionError`).
    NoRegion {
        /// The profile that was read.
        profile: String,
        /// The config file that was read.
        config_file: PathBuf,
    },
    /// The region is not a valid host label (botocore's `InvalidRegionError`).
    InvalidRegion {
        /// The region.
        region: String,
    },
    /// A profile has both `source_profile` and `credential_source`.
    RoleSourceConflict {
        /// The profile.
        profile: String,
    },
    /// A profile has `role_arn` but neither `source_profile` nor
    /// `credential_source`.
    RoleWithoutSource {
        /// The profile.
        profile: String,
    },
    /// `source_profile` names a profile that does not exist.
    SourceProfileNotFound {
        /// The profile holding `source_profile`.
        profile: String,
        /// The profile it names.
        source_profile: String,
    },
    /// `credential_source` is not `Environment`, `EcsContainer` or
    /// `Ec2InstanceMetadata`.
    InvalidCredentialSource {
        /// The profile.
        profile: String,
        /// The value found.
        source: String,
    },
    /// Source profiles lead back to one already visited (botocore's
    /// `InfiniteLoopConfigError`).
    InfiniteLoop {
        /// The profile reached a second time.
        source_profile: String,
        /// The profiles visited, in order.
        visited: Vec<String>,
    },
    /// A source profile has no credentials of any kind.
    SourceProfileWithoutCredentials {
        /// The source profile.
        profile: String,
    },
    /// A web identity token file is configured but no role ARN.
    WebIdentityWithoutRoleArn,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::Parse { path, line, error } => write!(
                f,
                "unable to parse config file {}, line {line}: {error}",
                path.display()
            ),
            ConfigError::Read { path, kind } => {
                write!(f, "unable to read {}: {kind}", path.display())
            }
            ConfigError::ProfileNotFound { profile } => {
                write!(f, "the config profile ({profile}) could not be found")
            }
            ConfigError::InvalidValue {
                setting,
                value,
                expected,
            } => write!(f, "invalid value {value:?} for {setting}: {expected}"),
            ConfigError::TooLong { setting, capacity } => {
                write!(f, "{setting} is longer than {capacity} bytes")
            }
            ConfigError::ServicesSectionNotFound { section } => write!(
                f,
                "the profile is configured to use the services section but the \"{section}\" \
                 services configuration does not exist"
            ),
            ConfigError::NoRegion {
                profile,
                config_file,
            } => write!(
                f,
                "You must specify a region. Set it with --region (the stratus CLI), the \
                 AWS_DEFAULT_REGION environment variable (botocore does not read AWS_REGION), or \
                 `region = ...` in the [{}] section of {}.",
                if profile == "default" {
                    "default".to_string()
                } else {
                    format!("profile {profile}")
                },
                config_file.display()
            ),
            ConfigError::InvalidRegion { region } => {
                write!(
                    f,
                    "provided region_name '{region}' doesn't match a supported format"
                )
            }
            ConfigError::RoleSourceConflict { profile } => write!(
                f,
                "the profile \"{profile}\" contains both source_profile and credential_source"
            ),
            ConfigError::RoleWithoutSource { profile } => write!(
                f,
                "the profile \"{profile}\" has role_arn but neither source_profile nor \
                 credential_source"
            ),
            ConfigError::SourceProfileNotFound {
                profile,
                source_profile,
            } => write!(
                f,
                "the source_profile \"{source_profile}\" referenced in the profile \"{profile}\" \
                 does not exist"
            ),
            ConfigError::InvalidCredentialSource { profile, source } => write!(
                f,
                "the credential source \"{source}\" referenced in profile \"{profile}\" is not \
                 valid (Environment, EcsContainer or Ec2InstanceMetadata)"
            ),
            ConfigError::InfiniteLoop {
                source_profile,
                visited,
            } => write!(
                f,
                "infinite loop in credential configuration detected: attempting to load from \
                 profile {source_profile} which has already been visited (visited: {})",
                visited.join(", ")
            ),
            ConfigError::SourceProfileWithoutCredentials { profile } => {
                write!(f, "the source profile \"{profile}\" must have credentials")
            }
            ConfigError::WebIdentityWithoutRoleArn => f.write_str(
                "a web identity token file is configured but no role ARN: set role_arn in the \
                 profile or AWS_ROLE_ARN",
            ),
        }
    }
}

impl std::error::Error for ConfigError {}
