//! # stratus-transport-std
//!
//! stratus on hosts and gateways: the std [`SystemClock`], and (as later work
//! lands) a blocking HTTPS transport over `std::net` + rustls, the std credential
//! providers and the `stratus` CLI.
#![warn(missing_docs)]

pub mod blocking;
pub mod cli;
mod clock;
pub mod config;
pub mod credentials;
pub mod default_session;
pub mod net;

pub use clock::SystemClock;
