//! Credential providers for hosts, in botocore 1.43.11's default order, and
//! the default chain that asks them.
//!
//! | botocore method | provider | configured by |
//! |---|---|---|
//! | `env` | [`EnvironmentProvider`] | `AWS_ACCESS_KEY_ID`, `AWS_SECRET_ACCESS_KEY`, `AWS_SESSION_TOKEN`, `AWS_CREDENTIAL_EXPIRATION` |
//! | `assume-role` | [`AssumeRoleProvider`] | `role_arn` + `source_profile` / `credential_source` |
//! | `assume-role-with-web-identity` | [`WebIdentityProvider`] | `AWS_WEB_IDENTITY_TOKEN_FILE` + `AWS_ROLE_ARN`, or the profile's keys |
//! | `shared-credentials-file` | [`SharedCredentialsProvider`] | `~/.aws/credentials` |
//! | `custom-process` | [`ProcessProvider`] | `credential_process` |
//! | `config-file` | [`ConfigFileProvider`] | `aws_access_key_id` in `~/.aws/config` |
//! | `container-role` | [`ContainerProvider`] | `AWS_CONTAINER_CREDENTIALS_RELATIVE_URI` / `_FULL_URI` |
//! | `iam-role` | [`ImdsProvider`] | the instance metadata service (IMDSv2, then v1) |
//!
//! [`DefaultCredentialsChain`] asks them in that order.
//! [`IotCredentialsProvider`] (AWS IoT's credentials endpoint, mutual TLS
//! with the device certificate) stands outside the chain. Each provider
//! implements the core's [`ProvideCredentials`] and also offers `load()`,
//! which gives the full [`ProviderError`] (the core's error keeps a short
//! static phrase). Every provider caches what it gets in the core's
//! [`RefreshingProvider`]: credentials without expiry are kept, temporary
//! ones are refreshed in botocore's advisory (15 min) and mandatory (10 min)
//! windows before use.
//!
//! Providers that make requests are generic over the core's
//! [`Transport`](stratus_core::client::Transport) and a clock that is both
//! [`Clock`](stratus_core::time::Clock) and
//! [`Timer`](stratus_core::client::Timer).
//!
//! ```
//! use std::sync::Arc;
//! use stratus_transport_std::config::{Env, SharedConfig};
//! use stratus_transport_std::credentials::DefaultCredentialsChain;
//! # use stratus_core::client::{HttpRequest, RawResponse, Timer, Transport, TransportError};
//! # #[derive(Clone)] struct Clk;
//! # impl stratus_core::time::Clock for Clk { fn now(&self) -> Option<stratus_core::time::UnixTime> { None } }
//! # impl Timer for Clk { fn now_ms(&self) -> u64 { 0 } async fn sleep_ms(&self, _: u64) {} }
//! # struct NoNet;
//! # impl Transport for NoNet {
//! #     async fn send(&self, _: &HttpRequest<'_>, _: &mut [u8]) -> Result<RawResponse, TransportError> {
//! #         Err(TransportError::Connect)
//! #     }
//! # }
//! let env = Env::from_pairs([
//!     ("AWS_ACCESS_KEY_ID", "AKID"),
//!     ("AWS_SECRET_ACCESS_KEY", "SECRET"),
//!     ("AWS_CONFIG_FILE", "/nonexistent"),
//!     ("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent"),
//!     ("AWS_EC2_METADATA_DISABLED", "true"),
//! ]);
//! let config = Arc::new(SharedConfig::load(env, None).unwrap());
//! let chain = DefaultCredentialsChain::new(config, Arc::new(NoNet), Clk).unwrap();
//! let found = embassy_futures::block_on(chain.resolve()).unwrap();
//! assert_eq!((found.source, found.credentials.access_key_id()), ("env", "AKID"));
//! ```
//!
//! [`ProvideCredentials`]: stratus_core::credentials::ProvideCredentials
//! [`RefreshingProvider`]: stratus_core::credentials::RefreshingProvider

mod cached;
mod chain;
mod container;
mod env;
mod error;
mod http;
mod imds;
mod iot;
mod process;
mod profile;
mod sts;

pub use chain::{ChainOptions, ChainSource, DEFAULT_CHAIN, DefaultCredentialsChain};
pub use container::{ContainerProvider, DEFAULT_CONTAINER_BASE_URL};
pub use env::EnvironmentProvider;
pub use error::{HttpError, ProcessError, ProviderError, StsError};
pub use imds::{
    DEFAULT_IMDS_ENDPOINT, DEFAULT_IMDS_ENDPOINT_V6, ImdsMiss, ImdsProvider, ImdsSettings,
};
pub use iot::{IotCredentialsProvider, IotSettings};
pub use process::ProcessProvider;
pub use profile::{ConfigFileProvider, SharedCredentialsProvider};
pub use sts::{AssumeRoleProvider, STS_FALLBACK_REGION, WebIdentityProvider};
