//! Service-wide facts from a model's `metadata` block: wire protocol, API
//! version, endpoint prefix, signing name and the auth schemes the service accepts.

/// A wire protocol, as botocore names it in `metadata.protocol` / `protocols`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Protocol {
    /// `json`: `POST /` with `X-Amz-Target` and a JSON body.
    Json,
    /// `rest-json`: HTTP bindings with a JSON body.
    RestJson,
    /// `rest-xml`: HTTP bindings with an XML body.
    RestXml,
    /// `query`: form-encoded request, XML response.
    Query,
    /// `ec2`: EC2's variant of `query`.
    Ec2,
    /// `smithy-rpc-v2-cbor`: RPC v2 with a CBOR body.
    SmithyRpcV2Cbor,
}

/// `(botocore name, protocol)`; one table serves both directions.
const PROTOCOL_NAMES: [(&str, Protocol); 6] = [
    ("json", Protocol::Json),
    ("rest-json", Protocol::RestJson),
    ("rest-xml", Protocol::RestXml),
    ("query", Protocol::Query),
    ("ec2", Protocol::Ec2),
    ("smithy-rpc-v2-cbor", Protocol::SmithyRpcV2Cbor),
];

impl Protocol {
    /// botocore's name, e.g. `"rest-json"`.
    ///
    /// ```
    /// use stratus_core::model::Protocol;
    /// assert_eq!(Protocol::RestJson.name(), "rest-json");
    /// assert_eq!(Protocol::from_name("smithy-rpc-v2-cbor"), Some(Protocol::SmithyRpcV2Cbor));
    /// ```
    pub fn name(self) -> &'static str {
        PROTOCOL_NAMES
            .iter()
            .find(|(_, p)| *p == self)
            .map(|(n, _)| *n)
            .unwrap_or("")
    }

    /// The protocol botocore calls `name`, if known.
    pub fn from_name(name: &str) -> Option<Protocol> {
        PROTOCOL_NAMES
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, p)| *p)
    }
}

/// `metadata.signatureVersion`: the service's legacy default signer.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SignatureVersion {
    /// `v4`
    V4,
    /// `s3v4`: SigV4 with S3's payload rules.
    S3V4,
    /// `s3`: legacy S3 signing (botocore upgrades it to `s3v4`).
    S3,
    /// `v2`: legacy query signing.
    V2,
    /// `bearer`: token auth (SSO OIDC style).
    Bearer,
}

/// One auth scheme a service or operation accepts (`aws.auth#sigv4`, …).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AuthScheme {
    /// `aws.auth#sigv4`
    SigV4,
    /// `aws.auth#sigv4a`
    SigV4a,
    /// `smithy.api#httpBearerAuth`
    Bearer,
    /// `smithy.api#noAuth`: the request is sent unsigned.
    NoAuth,
}

/// The model's `metadata` block.
#[derive(Debug)]
pub struct ServiceMetadata {
    /// `metadata.protocol`.
    pub protocol: Protocol,
    /// `metadata.protocols`, in preference order (just `[protocol]` when absent).
    pub protocols: &'static [Protocol],
    /// `metadata.apiVersion`, e.g. `2013-12-02`.
    pub api_version: &'static str,
    /// `metadata.endpointPrefix`, the host label of the service's endpoints.
    pub endpoint_prefix: &'static str,
    /// `metadata.signingName`, or the endpoint prefix when absent (as botocore does).
    pub signing_name: &'static str,
    /// `metadata.serviceId`, e.g. `Kinesis`.
    pub service_id: &'static str,
    /// `metadata.targetPrefix` (json protocol), e.g. `Kinesis_20131202`.
    pub target_prefix: Option<&'static str>,
    /// `metadata.jsonVersion`, e.g. `1.1`.
    pub json_version: Option<&'static str>,
    /// `metadata.xmlNamespace` (rest-xml / query).
    pub xml_namespace: Option<&'static str>,
    /// `metadata.globalEndpoint`, e.g. `sts.amazonaws.com`.
    pub global_endpoint: Option<&'static str>,
    /// `metadata.signatureVersion`.
    pub signature_version: SignatureVersion,
    /// `metadata.auth`, in preference order (derived from `signatureVersion` when absent).
    pub auth: &'static [AuthScheme],
    /// `metadata.awsQueryCompatible` is present: errors may carry a query-style code header.
    pub aws_query_compatible: bool,
    /// `metadata.checksumFormat`, e.g. `md5`, when the service names one.
    pub checksum_format: Option<&'static str>,
}
