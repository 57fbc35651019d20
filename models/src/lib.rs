//! # stratus-models
//!
//! botocore's JSON service models, compiled at build time into static tables and
//! typed shapes for `stratus-core`, one cargo feature per service (named as
//! botocore names the service: `kinesis`, `iot-data`, …). Without a service's
//! feature nothing of it is compiled.
//!
//! Each enabled service is a module (`iot-data` → `iot_data`) holding
//! `SERVICE` (its `&'static ServiceModel`), `types` (borrowed request
//! structures and string enums), `output` (zero-copy response views) and `errors`
//! (one error enum per operation).
//!
//! To keep only some operations, set `STRATUS_KEEP_OPERATIONS`, e.g. in a
//! firmware's `.cargo/config.toml`:
//!
//! ```toml
//! [env]
//! STRATUS_KEEP_OPERATIONS = "kinesis=PutRecord,PutRecords;iot-data=Publish"
//! ```
#![no_std]
#![warn(missing_docs)]

include!(concat!(env!("OUT_DIR"), "/services.rs"));

/// The compiled-in service botocore calls `name` (`kinesis`, `iot-data`).
pub fn service(name: &str) -> Option<&'static stratus_core::model::ServiceModel> {
    SERVICES.iter().copied().find(|s| s.name == name)
}
