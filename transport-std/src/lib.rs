//! # stratus-transport-std
//!
//! stratus on hosts and gateways:
//!
//! - [`net::StdTransport`]: a blocking HTTP/1.1 + TLS (rustls) transport over
//!   `std::net`, with a connection pool, timeouts and proxies;
//! - [`SystemClock`]: wall time, monotonic time and sleeping;
//! - [`config`] and [`credentials`]: botocore's shared config and credential
//!   chain (plus the AWS IoT credentials provider);
//! - [`default_session`]: `boto3.client('s3')` in one call;
//! - [`blocking`]: the blocking face of the async pipeline;
//! - [`cli`]: the `stratus` command-line tool.
//!
//! Features: `cli` (the tool, the `pages` drivers; clap, serde_json) and
//! `providers` (`credentials`, `default_session`; serde_json, the STS model)
//! are on by default. A program that makes its own calls with its own
//! credentials can leave them out (`default-features = false`): it keeps
//! `net`, `blocking`, `config` and [`SystemClock`].
#![warn(missing_docs)]

pub mod blocking;
#[cfg(feature = "cli")]
pub mod cli;
mod clock;
pub mod config;
#[cfg(feature = "providers")]
pub mod credentials;
#[cfg(feature = "providers")]
pub mod default_session;
pub mod net;
#[cfg(feature = "cli")]
pub mod pages;
#[cfg(feature = "resources")]
pub mod resources;

pub use clock::SystemClock;
