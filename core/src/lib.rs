//! # stratus-core
//!
//! The `no_std`, heap-free heart of stratus, an AWS SDK for microcontrollers,
//! constrained edge gateways and host-side tests.
//!
//! This crate holds what every target shares: time and credentials behind traits,
//! the SigV4 signer, the model table types, the JSON / XML / CBOR formats and the
//! six protocols, endpoint rule sets, botocore's retry rules, and the call
//! pipeline ([`client`]: sessions, clients, events and handlers, the stubber),
//! generic over a transport.
//!
//! Nothing here allocates on the default features; buffers are given by the caller
//! or sized in the type (`heapless`). The `alloc` feature adds owned conveniences.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

#[cfg(feature = "alloc")]
extern crate alloc;

pub mod client;
mod crc32;
pub mod credentials;
pub mod endpoint;
pub mod features;
pub mod format;
pub mod http;
pub mod jmespath;
pub mod model;
pub mod paginate;
pub mod protocol;
#[cfg(feature = "resources")]
pub mod resource;
pub mod retry;
pub mod sigv4;
mod text;
pub mod time;
pub mod waiter;
