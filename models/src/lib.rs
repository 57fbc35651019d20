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

#[cfg(feature = "alloc")]
extern crate alloc;

include!(concat!(env!("OUT_DIR"), "/services.rs"));

/// The compiled-in service botocore calls `name` (`kinesis`, `iot-data`).
pub fn service(name: &str) -> Option<&'static stratus_core::model::ServiceModel> {
    SERVICES.iter().copied().find(|s| s.name == name)
}

/// The encoded endpoint rule set of the compiled-in service botocore calls
/// `name`, for [`RuleSet::new`](stratus_core::endpoint::RuleSet::new); `None`
/// when the service is not compiled in or has no rule set. Resolve it against
/// [`PARTITIONS`].
///
/// ```
/// # #[cfg(feature = "kinesis")] {
/// use stratus_core::endpoint::{Outcome, ParamValue, Partitions, RuleSet};
/// let rules = RuleSet::new(stratus_models::endpoint_rules("kinesis").unwrap()).unwrap();
/// let partitions = Partitions::new(&stratus_models::PARTITIONS).unwrap();
/// let mut buf = [0u8; 512];
/// let params = [("Region", ParamValue::Str("us-east-1"))];
/// match rules.resolve::<_, 32>(&partitions, &params[..], &mut buf).unwrap() {
///     Outcome::Endpoint(ep) => assert_eq!(ep.url(), "https://kinesis.us-east-1.amazonaws.com"),
///     Outcome::Error(message) => panic!("{message}"),
/// }
/// # }
/// ```
pub fn endpoint_rules(name: &str) -> Option<&'static [u8]> {
    ENDPOINT_RULE_SETS
        .iter()
        .find(|(service, _)| *service == name)
        .map(|(_, rules)| *rules)
}

/// The paginators (botocore's `paginators-1.json`) of the compiled-in
/// service botocore calls `name`; `None` when it is not compiled in.
///
/// ```
/// # #[cfg(feature = "s3")] {
/// let s3 = stratus_models::paginators("s3").unwrap();
/// let list = s3.iter().find(|p| p.operation == "ListObjectsV2").unwrap();
/// assert_eq!(list.input_token, ["ContinuationToken"]);
/// # }
/// ```
pub fn paginators(name: &str) -> Option<&'static [stratus_core::paginate::Paginator]> {
    PAGING
        .iter()
        .find(|(service, ..)| *service == name)
        .map(|(_, p, _)| *p)
}

/// The waiters (botocore's `waiters-2.json`) of the compiled-in service
/// botocore calls `name`; `None` when it is not compiled in.
///
/// ```
/// # #[cfg(feature = "dynamodb")] {
/// let ddb = stratus_models::waiters("dynamodb").unwrap();
/// assert!(ddb.iter().any(|w| w.name == "TableExists"));
/// # }
/// ```
pub fn waiters(name: &str) -> Option<&'static [stratus_core::waiter::Waiter]> {
    PAGING
        .iter()
        .find(|(service, ..)| *service == name)
        .map(|(.., w)| *w)
}

/// boto3's resource model of the compiled-in service botocore calls `name`
/// (`ec2`, `s3`), for the resource engine (`stratus_core::resource`); `None`
/// when the service is not compiled in or has no resource model.
///
/// ```
/// # #[cfg(feature = "ec2")] {
/// let ec2 = stratus_models::resources("ec2").unwrap();
/// let instance = ec2.resource("Instance").unwrap();
/// assert_eq!(instance.identifiers[0].name, "Id");
/// assert_eq!(instance.attribute("image_id"), Some("ImageId"));
/// # }
/// ```
#[cfg(feature = "resources")]
pub fn resources(name: &str) -> Option<&'static stratus_core::resource::model::ResourceService> {
    RESOURCE_SERVICES
        .iter()
        .copied()
        .find(|s| s.service == name)
}
