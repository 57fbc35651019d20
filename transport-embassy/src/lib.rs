//! # stratus-transport-embassy
//!
//! stratus on microcontrollers. The transport over embassy-net and embedded-tls
//! is not written yet; this crate currently only re-exports the core so the
//! workspace layout is in place.
#![no_std]
#![warn(missing_docs)]

pub use stratus_core as core;
