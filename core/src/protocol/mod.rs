//! The wire protocols botocore speaks, driven by the static model tables:
//! request serialization and response parsing for `json`, `rest-json`,
//! `rest-xml`, `query`, `ec2` and `smithy-rpc-v2-cbor`, without a heap.

pub mod parse;
pub mod serialize;
pub mod validate;
