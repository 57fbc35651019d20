//! [`ClientConfig`]: botocore's `Config`, where it fits a device.
//!
//! ```
//! use stratus_core::client::{AddressingStyle, ClientConfig, SignatureVersionChoice};
//! use stratus_core::retry::{RetryConfig, RetryMode};
//! let config = ClientConfig::default()
//!     .region("eu-west-1")
//!     .retries(RetryConfig { mode: RetryMode::Standard, max_attempts: Some(5) })
//!     .addressing_style(AddressingStyle::Path);
//! assert_eq!(config.region.as_deref(), Some("eu-west-1"));
//! assert_eq!(config.signature_version, SignatureVersionChoice::SigV4);
//! ```

use super::bounded;
use super::transport::Timeouts;
use crate::retry::RetryConfig;

/// Longest region name kept.
pub const REGION_CAPACITY: usize = 32;
/// Longest `endpoint_url` kept.
pub const ENDPOINT_URL_CAPACITY: usize = 256;
/// Longest `user_agent_extra` kept.
pub const USER_AGENT_EXTRA_CAPACITY: usize = 64;

/// S3 bucket addressing (botocore's `s3.addressing_style`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AddressingStyle {
    /// The rule set chooses (virtual where the bucket name allows).
    #[default]
    Auto,
    /// `https://s3.region.amazonaws.com/bucket/key`.
    Path,
    /// `https://bucket.s3.region.amazonaws.com/key`.
    Virtual,
}

/// How requests are signed (botocore's `signature_version`).
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SignatureVersionChoice {
    /// SigV4, the model's default.
    #[default]
    SigV4,
    /// Not signed (botocore's `UNSIGNED`).
    Unsigned,
}

/// A client's settings. Fields left `None` come from the session.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientConfig {
    /// The region, e.g. `us-east-1`.
    pub region: Option<heapless::String<REGION_CAPACITY>>,
    /// A fixed endpoint (`SDK::Endpoint`), e.g. `http://127.0.0.1:5000`.
    pub endpoint_url: Option<heapless::String<ENDPOINT_URL_CAPACITY>>,
    /// Retry mode and attempts.
    pub retries: RetryConfig,
    /// Connect and read timeouts.
    pub timeouts: Timeouts,
    /// S3 bucket addressing.
    pub addressing_style: AddressingStyle,
    /// S3 Transfer Acceleration (`AWS::S3::Accelerate`).
    pub use_accelerate_endpoint: bool,
    /// Dual-stack endpoints (`AWS::UseDualStack`).
    pub use_dualstack_endpoint: bool,
    /// FIPS endpoints (`AWS::UseFIPS`).
    pub use_fips_endpoint: bool,
    /// Appended to the `User-Agent` header.
    pub user_agent_extra: heapless::String<USER_AGENT_EXTRA_CAPACITY>,
    /// Signed or not.
    pub signature_version: SignatureVersionChoice,
    /// Check inputs against the model before sending (botocore's
    /// `parameter_validation`, on by default). A build without the
    /// `validation` feature starts with it off, and a call that asks for it
    /// fails with [`Disabled::Validation`](crate::features::Disabled::Validation).
    pub parameter_validation: bool,
    /// Smallest body compressed for operations that allow it (botocore's
    /// `request_min_compression_size_bytes`, 10240 by default).
    pub request_min_compression_size_bytes: u32,
    /// Never compress request bodies (botocore's `disable_request_compression`).
    pub disable_request_compression: bool,
}

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            region: None,
            endpoint_url: None,
            retries: RetryConfig::default(),
            timeouts: Timeouts::default(),
            addressing_style: AddressingStyle::Auto,
            use_accelerate_endpoint: false,
            use_dualstack_endpoint: false,
            use_fips_endpoint: false,
            user_agent_extra: heapless::String::new(),
            signature_version: SignatureVersionChoice::SigV4,
            parameter_validation: crate::features::VALIDATION,
            request_min_compression_size_bytes: 10_240,
            disable_request_compression: false,
        }
    }
}

impl ClientConfig {
    /// With `region` (cut at [`REGION_CAPACITY`]).
    pub fn region(mut self, region: &str) -> Self {
        self.region = Some(bounded(region));
        self
    }

    /// With a fixed endpoint URL (cut at [`ENDPOINT_URL_CAPACITY`]).
    pub fn endpoint_url(mut self, url: &str) -> Self {
        self.endpoint_url = Some(bounded(url));
        self
    }

    /// With these retry settings.
    pub fn retries(mut self, retries: RetryConfig) -> Self {
        self.retries = retries;
        self
    }

    /// With this S3 addressing style.
    pub fn addressing_style(mut self, style: AddressingStyle) -> Self {
        self.addressing_style = style;
        self
    }

    /// With this `User-Agent` suffix.
    pub fn user_agent_extra(mut self, extra: &str) -> Self {
        self.user_agent_extra = bounded(extra);
        self
    }

    /// Signed or unsigned.
    pub fn signature_version(mut self, v: SignatureVersionChoice) -> Self {
        self.signature_version = v;
        self
    }
}
