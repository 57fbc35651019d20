//! The wire protocols botocore speaks, driven by the static model tables:
//! request serialization and response parsing for `json`, `rest-json`,
//! `rest-xml`, `query`, `ec2` and `smithy-rpc-v2-cbor`, without a heap.

pub mod parse;
pub mod serialize;
pub mod validate;

use crate::model::{Protocol, ServiceMetadata};

/// botocore's preference when a service lists several protocols
/// (`PRIORITY_ORDERED_SUPPORTED_PROTOCOLS` in its `utils.py`).
const PROTOCOL_PRIORITY: [Protocol; 6] = [
    Protocol::Json,
    Protocol::RestJson,
    Protocol::RestXml,
    Protocol::SmithyRpcV2Cbor,
    Protocol::Query,
    Protocol::Ec2,
];

/// The protocol a client speaks to this service, as botocore's
/// `ServiceModel.resolved_protocol` picks it: the first of its priority order
/// that the service's `protocols` list names, else `protocol`. CloudWatch, for
/// one, lists `smithy-rpc-v2-cbor`, `json` and `query`; botocore 1.43 speaks
/// `json` to it.
///
/// ```
/// use stratus_core::model::{Protocol, ServiceMetadata, SignatureVersion, AuthScheme};
/// use stratus_core::protocol::resolved_protocol;
/// let meta = ServiceMetadata {
///     protocol: Protocol::SmithyRpcV2Cbor,
///     protocols: &[Protocol::SmithyRpcV2Cbor, Protocol::Json, Protocol::Query],
///     api_version: "2010-08-01", endpoint_prefix: "monitoring", signing_name: "monitoring",
///     service_id: "CloudWatch", target_prefix: None, json_version: Some("1.0"),
///     xml_namespace: None, global_endpoint: None, signature_version: SignatureVersion::V4,
///     auth: &[AuthScheme::SigV4], aws_query_compatible: true, checksum_format: None,
/// };
/// assert_eq!(resolved_protocol(&meta), Protocol::Json);
/// ```
pub fn resolved_protocol(meta: &ServiceMetadata) -> Protocol {
    PROTOCOL_PRIORITY
        .iter()
        .copied()
        .find(|p| meta.protocols.contains(p))
        .unwrap_or(meta.protocol)
}
