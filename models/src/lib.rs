//! # stratus-models
//!
//! botocore's JSON service models, compiled at build time into static tables and
//! typed shapes for `stratus-core`, one cargo feature per service.
#![no_std]
#![warn(missing_docs)]
