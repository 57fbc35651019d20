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
#![warn(missing_docs)]

pub mod blocking;
pub mod cli;
mod clock;
pub mod config;
pub mod credentials;
pub mod default_session;
pub mod net;
pub mod pages;
#[cfg(feature = "resources")]
pub mod resources;

pub use clock::SystemClock;
