//! Operations: the HTTP binding, input / output / error shapes and the traits
//! that change how a request is signed, checksummed, compressed or routed.

use super::metadata::AuthScheme;
use super::shape::{ShapeId, XmlNamespace, flag_set};

/// An HTTP request method.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum HttpMethod {
    /// `GET`
    Get,
    /// `POST`
    Post,
    /// `PUT`
    Put,
    /// `DELETE`
    Delete,
    /// `PATCH`
    Patch,
    /// `HEAD`
    Head,
}

impl HttpMethod {
    /// The method as written on the request line.
    pub fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
            HttpMethod::Patch => "PATCH",
            HttpMethod::Head => "HEAD",
        }
    }
}

flag_set! {
    /// Boolean traits of an [`Operation`], one bit each.
    OperationFlags {
        /// `idempotent`.
        IDEMPOTENT = 0,
        /// `unsignedPayload` or `authtype: v4-unsigned-body`: sign with `UNSIGNED-PAYLOAD`.
        UNSIGNED_PAYLOAD = 1,
        /// `httpChecksumRequired`: send `Content-MD5` (or a flexible checksum).
        HTTP_CHECKSUM_REQUIRED = 2,
        /// `readonly`.
        READONLY = 3,
        /// `deprecated`.
        DEPRECATED = 4,
        /// `endpointdiscovery` present.
        ENDPOINT_DISCOVERY = 5,
        /// `endpointdiscovery.required`.
        ENDPOINT_DISCOVERY_REQUIRED = 6,
        /// `endpointoperation`: this operation discovers endpoints.
        ENDPOINT_OPERATION = 7,
    }
}

/// A checksum algorithm named by `httpChecksum`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ChecksumAlgorithm {
    /// `CRC32`
    Crc32,
    /// `CRC32C`
    Crc32c,
    /// `CRC64NVME`
    Crc64Nvme,
    /// `SHA1`
    Sha1,
    /// `SHA256`
    Sha256,
    /// `SHA512`
    Sha512,
    /// `MD5`
    Md5,
    /// `XXHASH64`
    XxHash64,
    /// `XXHASH3`
    XxHash3,
    /// `XXHASH128`
    XxHash128,
}

/// The `httpChecksum` trait (flexible checksums).
#[derive(Debug)]
pub struct HttpChecksum {
    /// `requestChecksumRequired`.
    pub request_checksum_required: bool,
    /// `requestAlgorithmMember`: input member naming the algorithm.
    pub request_algorithm_member: Option<&'static str>,
    /// `requestValidationModeMember`: input member that enables response validation.
    pub request_validation_mode_member: Option<&'static str>,
    /// `responseAlgorithms`, in preference order.
    pub response_algorithms: &'static [ChecksumAlgorithm],
}

/// A request-body encoding from `requestcompression.encodings`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Encoding {
    /// `gzip`
    Gzip,
}

/// The value of a static context parameter.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ContextValue {
    /// A boolean value.
    Bool(bool),
    /// A string value.
    Str(&'static str),
}

/// One `staticContextParams` entry: an endpoint-rule parameter fixed per operation.
#[derive(Debug)]
pub struct StaticContextParam {
    /// Parameter name, e.g. `UseS3ExpressControlEndpoint`.
    pub name: &'static str,
    /// Its value.
    pub value: ContextValue,
}

/// One `operationContextParams` entry: an endpoint-rule parameter read from the
/// input by a JMESPath expression.
#[derive(Debug)]
pub struct OperationContextParam {
    /// Parameter name, e.g. `ResourceArnList`.
    pub name: &'static str,
    /// JMESPath over the input, e.g. `keys(RequestItems)`.
    pub path: &'static str,
}

/// Rarely present operation traits, kept out of line to keep [`Operation`] small.
#[derive(Debug)]
pub struct OperationTraits {
    /// `httpChecksum`.
    pub http_checksum: Option<HttpChecksum>,
    /// `requestcompression.encodings`.
    pub request_compression: &'static [Encoding],
    /// `staticContextParams`.
    pub static_context_params: &'static [StaticContextParam],
    /// `operationContextParams`.
    pub operation_context_params: &'static [OperationContextParam],
    /// `locationName` on the `input` reference: the rest-xml body's root
    /// element name (botocore merges the reference's traits over the shape's).
    pub input_location_name: Option<&'static str>,
    /// `xmlNamespace` on the `input` reference: the rest-xml body root's `xmlns`.
    pub input_xml_namespace: Option<XmlNamespace>,
}

/// One operation of a service.
#[derive(Debug)]
pub struct Operation {
    /// The model name, e.g. `PutRecord`.
    pub name: &'static str,
    /// botocore's `xform_name(name, '_')`, e.g. `put_record`.
    pub snake_name: &'static str,
    /// botocore's `xform_name(name, '-')`, e.g. `put-record`.
    pub cli_name: &'static str,
    /// `http.method`.
    pub http_method: HttpMethod,
    /// `http.requestUri`, e.g. `/{Bucket}/{Key+}?uploads`.
    pub request_uri: &'static str,
    /// `http.responseCode` (200 when absent).
    pub response_code: u16,
    /// `endpoint.hostPrefix`, e.g. `{AccountId}.`.
    pub host_prefix: Option<&'static str>,
    /// `input` shape.
    pub input: Option<ShapeId>,
    /// `output` shape.
    pub output: Option<ShapeId>,
    /// `errors`, the modeled exceptions.
    pub errors: &'static [ShapeId],
    /// Auth schemes in preference order, already resolved from the operation's
    /// `auth` / `authtype` or else the service's; `[NoAuth]` for unsigned operations.
    pub auth: &'static [AuthScheme],
    /// Boolean traits.
    pub flags: OperationFlags,
    /// Rare traits, when any is present.
    pub traits: Option<&'static OperationTraits>,
}

impl Operation {
    /// A SigV4-signed `POST /` named `name` (its snake and CLI names too)
    /// with no input, output, errors or traits: the start of a hand-written
    /// table (tests, samples).
    ///
    /// ```
    /// use stratus_core::model::{HttpMethod, Operation};
    /// let op = Operation::new("Ping");
    /// assert_eq!((op.http_method, op.request_uri, op.response_code), (HttpMethod::Post, "/", 200));
    /// assert!(op.input.is_none() && !op.is_unsigned());
    /// ```
    pub const fn new(name: &'static str) -> Operation {
        Operation {
            name,
            snake_name: name,
            cli_name: name,
            http_method: HttpMethod::Post,
            request_uri: "/",
            response_code: 200,
            host_prefix: None,
            input: None,
            output: None,
            errors: &[],
            auth: &[AuthScheme::SigV4],
            flags: OperationFlags::EMPTY,
            traits: None,
        }
    }

    /// `idempotent`.
    pub fn is_idempotent(&self) -> bool {
        self.flags.contains(OperationFlags::IDEMPOTENT)
    }

    /// Whether the request is sent unsigned (`auth: [smithy.api#noAuth]`, `authtype: none`).
    pub fn is_unsigned(&self) -> bool {
        matches!(self.auth, [AuthScheme::NoAuth])
    }

    /// `httpChecksum`, if present.
    pub fn http_checksum(&self) -> Option<&'static HttpChecksum> {
        self.traits.and_then(|t| t.http_checksum.as_ref())
    }

    /// `requestcompression.encodings`; empty when the trait is absent.
    pub fn request_compression(&self) -> &'static [Encoding] {
        self.traits.map_or(&[], |t| t.request_compression)
    }

    /// `staticContextParams`; empty when absent.
    pub fn static_context_params(&self) -> &'static [StaticContextParam] {
        self.traits.map_or(&[], |t| t.static_context_params)
    }

    /// `operationContextParams`; empty when absent.
    pub fn operation_context_params(&self) -> &'static [OperationContextParam] {
        self.traits.map_or(&[], |t| t.operation_context_params)
    }

    /// `locationName` on the `input` reference, if present.
    pub fn input_location_name(&self) -> Option<&'static str> {
        self.traits.and_then(|t| t.input_location_name)
    }

    /// `xmlNamespace` on the `input` reference, if present.
    pub fn input_xml_namespace(&self) -> Option<&'static XmlNamespace> {
        self.traits.and_then(|t| t.input_xml_namespace.as_ref())
    }

    /// Whether `name` is one of this operation's three names (`PutRecord`,
    /// `put_record`, `put-record`).
    pub fn is_named(&self, name: &str) -> bool {
        name == self.name || name == self.snake_name || name == self.cli_name
    }
}
