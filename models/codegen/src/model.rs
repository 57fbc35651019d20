//! A botocore `service-2.json` read into plain Rust data (the generator's
//! intermediate form), with every botocore trait the tables carry.

use std::collections::BTreeMap;

use serde_json::{Map, Value};

use crate::error::{GenError, model_err};
use crate::names::xform_name;

/// Shape flag bits; equal to `stratus_core::model::ShapeFlags`.
pub mod shape_flag {
    #![allow(missing_docs)]
    pub const UNION: u16 = 1 << 0;
    pub const EXCEPTION: u16 = 1 << 1;
    pub const FAULT: u16 = 1 << 2;
    pub const STREAMING: u16 = 1 << 3;
    pub const EVENT_STREAM: u16 = 1 << 4;
    pub const EVENT: u16 = 1 << 5;
    pub const REQUIRES_LENGTH: u16 = 1 << 6;
    pub const SENSITIVE: u16 = 1 << 7;
    pub const FLATTENED: u16 = 1 << 8;
    pub const WRAPPER: u16 = 1 << 9;
    pub const SPARSE: u16 = 1 << 10;
    pub const RETRYABLE: u16 = 1 << 11;
    pub const THROTTLING: u16 = 1 << 12;
    pub const DEPRECATED: u16 = 1 << 13;
}

/// Member flag bits; equal to `stratus_core::model::MemberFlags`.
pub mod member_flag {
    #![allow(missing_docs)]
    pub const REQUIRED: u16 = 1 << 0;
    pub const IDEMPOTENCY_TOKEN: u16 = 1 << 1;
    pub const JSON_VALUE: u16 = 1 << 2;
    pub const HOST_LABEL: u16 = 1 << 3;
    pub const XML_ATTRIBUTE: u16 = 1 << 4;
    pub const FLATTENED: u16 = 1 << 5;
    pub const EVENT_PAYLOAD: u16 = 1 << 6;
    pub const STREAMING: u16 = 1 << 7;
    pub const DEPRECATED: u16 = 1 << 8;
    pub const EVENT_HEADER: u16 = 1 << 9;
}

/// Operation flag bits; equal to `stratus_core::model::OperationFlags`.
pub mod op_flag {
    #![allow(missing_docs)]
    pub const IDEMPOTENT: u16 = 1 << 0;
    pub const UNSIGNED_PAYLOAD: u16 = 1 << 1;
    pub const HTTP_CHECKSUM_REQUIRED: u16 = 1 << 2;
    pub const READONLY: u16 = 1 << 3;
    pub const DEPRECATED: u16 = 1 << 4;
    pub const ENDPOINT_DISCOVERY: u16 = 1 << 5;
    pub const ENDPOINT_DISCOVERY_REQUIRED: u16 = 1 << 6;
    pub const ENDPOINT_OPERATION: u16 = 1 << 7;
}

/// `(flag key in the model, bit)` tables: data, not repeated match arms.
const SHAPE_BOOL_TRAITS: [(&str, u16); 11] = [
    ("union", shape_flag::UNION),
    ("exception", shape_flag::EXCEPTION),
    ("fault", shape_flag::FAULT),
    ("streaming", shape_flag::STREAMING),
    ("eventstream", shape_flag::EVENT_STREAM),
    ("event", shape_flag::EVENT),
    ("requiresLength", shape_flag::REQUIRES_LENGTH),
    ("sensitive", shape_flag::SENSITIVE),
    ("flattened", shape_flag::FLATTENED),
    ("wrapper", shape_flag::WRAPPER),
    ("sparse", shape_flag::SPARSE),
];
const MEMBER_BOOL_TRAITS: [(&str, u16); 9] = [
    ("idempotencyToken", member_flag::IDEMPOTENCY_TOKEN),
    ("jsonvalue", member_flag::JSON_VALUE),
    ("hostLabel", member_flag::HOST_LABEL),
    ("xmlAttribute", member_flag::XML_ATTRIBUTE),
    ("flattened", member_flag::FLATTENED),
    ("eventpayload", member_flag::EVENT_PAYLOAD),
    ("eventheader", member_flag::EVENT_HEADER),
    ("streaming", member_flag::STREAMING),
    ("deprecated", member_flag::DEPRECATED),
];
const OP_BOOL_TRAITS: [(&str, u16); 5] = [
    ("idempotent", op_flag::IDEMPOTENT),
    ("unsignedPayload", op_flag::UNSIGNED_PAYLOAD),
    ("httpChecksumRequired", op_flag::HTTP_CHECKSUM_REQUIRED),
    ("readonly", op_flag::READONLY),
    ("deprecated", op_flag::DEPRECATED),
];

/// `(botocore location, core Location variant)`.
pub const LOCATIONS: [(&str, &str); 5] = [
    ("uri", "Uri"),
    ("querystring", "QueryString"),
    ("header", "Header"),
    ("headers", "Headers"),
    ("statusCode", "StatusCode"),
];
/// `(botocore protocol, core Protocol variant)`.
pub const PROTOCOLS: [(&str, &str); 6] = [
    ("json", "Json"),
    ("rest-json", "RestJson"),
    ("rest-xml", "RestXml"),
    ("query", "Query"),
    ("ec2", "Ec2"),
    ("smithy-rpc-v2-cbor", "SmithyRpcV2Cbor"),
];
/// `(signatureVersion, core SignatureVersion variant)`.
pub const SIGNATURE_VERSIONS: [(&str, &str); 5] = [
    ("v4", "V4"),
    ("s3v4", "S3V4"),
    ("s3", "S3"),
    ("v2", "V2"),
    ("bearer", "Bearer"),
];
/// `(auth trait id, core AuthScheme variant)`.
pub const AUTH_SCHEMES: [(&str, &str); 4] = [
    ("aws.auth#sigv4", "SigV4"),
    ("aws.auth#sigv4a", "SigV4a"),
    ("smithy.api#httpBearerAuth", "Bearer"),
    ("smithy.api#noAuth", "NoAuth"),
];
/// `(timestampFormat, core TimestampFormat variant)`.
pub const TIMESTAMP_FORMATS: [(&str, &str); 3] = [
    ("iso8601", "Iso8601"),
    ("rfc822", "Rfc822"),
    ("unixTimestamp", "UnixTimestamp"),
];
/// `(HTTP method, core HttpMethod variant)`.
pub const METHODS: [(&str, &str); 6] = [
    ("GET", "Get"),
    ("POST", "Post"),
    ("PUT", "Put"),
    ("DELETE", "Delete"),
    ("PATCH", "Patch"),
    ("HEAD", "Head"),
];
/// `(checksum algorithm, core ChecksumAlgorithm variant)`.
pub const CHECKSUMS: [(&str, &str); 10] = [
    ("SHA512", "Sha512"),
    ("MD5", "Md5"),
    ("XXHASH64", "XxHash64"),
    ("XXHASH3", "XxHash3"),
    ("XXHASH128", "XxHash128"),
    ("CRC32", "Crc32"),
    ("CRC32C", "Crc32c"),
    ("CRC64NVME", "Crc64Nvme"),
    ("SHA1", "Sha1"),
    ("SHA256", "Sha256"),
];
/// `(shape type, core ShapeKind variant)` for the scalar kinds.
pub const SCALAR_KINDS: [(&str, &str); 8] = [
    ("integer", "Integer"),
    ("long", "Long"),
    ("float", "Float"),
    ("double", "Double"),
    ("boolean", "Boolean"),
    ("blob", "Blob"),
    ("timestamp", "Timestamp"),
    ("string", "String"),
];

/// Looks `key` up in a `(botocore name, variant)` table.
pub fn lookup(table: &[(&str, &'static str)], key: &str) -> Option<&'static str> {
    table.iter().find(|(k, _)| *k == key).map(|(_, v)| *v)
}

/// An XML namespace.
#[derive(Clone, Debug, PartialEq)]
pub struct XmlNs {
    /// Prefix.
    pub prefix: Option<String>,
    /// URI.
    pub uri: String,
}

/// A min / max bound.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum BoundIr {
    /// Whole number.
    Int(i64),
    /// Fraction.
    Float(f64),
}

/// A member (or list member / map key / value).
#[derive(Clone, Debug)]
pub struct MemberIr {
    /// Member name.
    pub name: String,
    /// Target shape name.
    pub target: String,
    /// `locationName`.
    pub location_name: Option<String>,
    /// Core `Location` variant.
    pub location: &'static str,
    /// Member flag bits.
    pub flags: u16,
    /// `xmlNamespace`.
    pub xml_namespace: Option<XmlNs>,
    /// `queryName`.
    pub query_name: Option<String>,
    /// `contextParam.name`.
    pub context_param: Option<String>,
    /// Core `TimestampFormat` variant set on the member reference (it overrides
    /// the target shape's).
    pub timestamp_format: Option<&'static str>,
}

/// The parts of a shape by kind.
#[derive(Clone, Debug)]
pub enum KindIr {
    /// Structure with members and the payload member index.
    Structure {
        /// Members in model order.
        members: Vec<MemberIr>,
        /// Payload member index.
        payload: Option<usize>,
    },
    /// List.
    List(Box<MemberIr>),
    /// Map.
    Map(Box<MemberIr>, Box<MemberIr>),
    /// String with enum values (empty: free-form).
    String(Vec<String>),
    /// Another scalar: core `ShapeKind` variant name.
    Scalar(&'static str),
    /// A `document` structure.
    Document,
}

/// A shape.
#[derive(Clone, Debug)]
pub struct ShapeIr {
    /// Name.
    pub name: String,
    /// Kind.
    pub kind: KindIr,
    /// Shape flag bits.
    pub flags: u16,
    /// `error`: (code, status, sender fault).
    pub error: Option<(Option<String>, u16, bool)>,
    /// (`min`, `max`).
    pub limits: Option<(Option<BoundIr>, Option<BoundIr>)>,
    /// Core `TimestampFormat` variant.
    pub timestamp_format: Option<&'static str>,
    /// Shape-level `locationName`.
    pub location_name: Option<String>,
    /// Shape-level `xmlNamespace`.
    pub xml_namespace: Option<XmlNs>,
}

/// `httpChecksum`.
#[derive(Clone, Debug, Default)]
pub struct ChecksumIr {
    /// `requestChecksumRequired`.
    pub required: bool,
    /// `requestAlgorithmMember`.
    pub algorithm_member: Option<String>,
    /// `requestValidationModeMember`.
    pub validation_member: Option<String>,
    /// Core `ChecksumAlgorithm` variants.
    pub response_algorithms: Vec<&'static str>,
}

/// A static context parameter value.
#[derive(Clone, Debug)]
pub enum ContextIr {
    /// Boolean.
    Bool(bool),
    /// String.
    Str(String),
}

/// An operation.
#[derive(Clone, Debug)]
pub struct OperationIr {
    /// Model name.
    pub name: String,
    /// `xform_name(name, '_')`.
    pub snake_name: String,
    /// `xform_name(name, '-')`.
    pub cli_name: String,
    /// Core `HttpMethod` variant.
    pub method: &'static str,
    /// `requestUri`.
    pub request_uri: String,
    /// `responseCode`.
    pub response_code: u16,
    /// `endpoint.hostPrefix`.
    pub host_prefix: Option<String>,
    /// Input shape name.
    pub input: Option<String>,
    /// Output shape name.
    pub output: Option<String>,
    /// Error shape names.
    pub errors: Vec<String>,
    /// Core `AuthScheme` variants, resolved.
    pub auth: Vec<&'static str>,
    /// Operation flag bits.
    pub flags: u16,
    /// `httpChecksum`.
    pub http_checksum: Option<ChecksumIr>,
    /// `requestcompression.encodings` (core `Encoding` variants).
    pub request_compression: Vec<&'static str>,
    /// `staticContextParams`.
    pub static_context_params: Vec<(String, ContextIr)>,
    /// `operationContextParams`.
    pub operation_context_params: Vec<(String, String)>,
    /// `locationName` on the `input` reference.
    pub input_location_name: Option<String>,
    /// `xmlNamespace` on the `input` reference.
    pub input_xml_namespace: Option<XmlNs>,
}

/// Service metadata.
#[derive(Clone, Debug)]
pub struct MetadataIr {
    /// Core `Protocol` variant.
    pub protocol: &'static str,
    /// Core `Protocol` variants in preference order.
    pub protocols: Vec<&'static str>,
    /// `apiVersion`.
    pub api_version: String,
    /// `endpointPrefix`.
    pub endpoint_prefix: String,
    /// `signingName` or the endpoint prefix.
    pub signing_name: String,
    /// `serviceId`.
    pub service_id: String,
    /// `targetPrefix`.
    pub target_prefix: Option<String>,
    /// `jsonVersion`.
    pub json_version: Option<String>,
    /// `xmlNamespace`.
    pub xml_namespace: Option<String>,
    /// `globalEndpoint`.
    pub global_endpoint: Option<String>,
    /// Core `SignatureVersion` variant.
    pub signature_version: &'static str,
    /// Core `AuthScheme` variants.
    pub auth: Vec<&'static str>,
    /// `awsQueryCompatible` present.
    pub aws_query_compatible: bool,
    /// `checksumFormat`.
    pub checksum_format: Option<String>,
}

/// A whole service model.
#[derive(Clone, Debug)]
pub struct ServiceIr {
    /// botocore service name (the directory name).
    pub name: String,
    /// Metadata.
    pub metadata: MetadataIr,
    /// Operations by name.
    pub operations: BTreeMap<String, OperationIr>,
    /// Shapes by name.
    pub shapes: BTreeMap<String, ShapeIr>,
}

struct Ctx<'a> {
    service: &'a str,
}

impl Ctx<'_> {
    fn err(&self, problem: impl Into<String>) -> GenError {
        model_err(self.service, problem)
    }

    fn obj<'v>(&self, v: &'v Value, what: &str) -> Result<&'v Map<String, Value>, GenError> {
        v.as_object()
            .ok_or_else(|| self.err(format!("{what} is not an object")))
    }

    fn str_of(&self, o: &Map<String, Value>, key: &str, what: &str) -> Result<String, GenError> {
        o.get(key)
            .and_then(Value::as_str)
            .map(str::to_string)
            .ok_or_else(|| self.err(format!("{what}: missing string {key:?}")))
    }

    fn table(
        &self,
        table: &[(&str, &'static str)],
        key: &str,
        what: &str,
    ) -> Result<&'static str, GenError> {
        lookup(table, key).ok_or_else(|| self.err(format!("{what}: unknown value {key:?}")))
    }
}

fn opt_str(o: &Map<String, Value>, key: &str) -> Option<String> {
    o.get(key).and_then(Value::as_str).map(str::to_string)
}

fn flag(o: &Map<String, Value>, key: &str) -> bool {
    o.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn flags(o: &Map<String, Value>, table: &[(&str, u16)]) -> u16 {
    table
        .iter()
        .filter(|(k, _)| flag(o, k))
        .fold(0, |acc, (_, bit)| acc | bit)
}

fn xml_ns(v: Option<&Value>) -> Option<XmlNs> {
    // botocore accepts a bare URI string as well as `{prefix, uri}`.
    if let Some(uri) = v?.as_str() {
        return Some(XmlNs {
            prefix: None,
            uri: uri.to_string(),
        });
    }
    let o = v?.as_object()?;
    Some(XmlNs {
        prefix: opt_str(o, "prefix"),
        uri: opt_str(o, "uri").unwrap_or_default(),
    })
}

fn bound(v: Option<&Value>) -> Option<BoundIr> {
    let v = v?;
    if let Some(i) = v.as_i64() {
        return Some(BoundIr::Int(i));
    }
    v.as_f64().map(|f| {
        if f.fract() == 0.0 && f.abs() < 9.0e15 {
            BoundIr::Int(f as i64)
        } else {
            BoundIr::Float(f)
        }
    })
}

/// Parses a `service-2.json` document for service `name`.
pub fn parse_service(name: &str, doc: &Value) -> Result<ServiceIr, GenError> {
    let cx = Ctx { service: name };
    let root = cx.obj(doc, "model")?;
    let metadata = parse_metadata(
        &cx,
        cx.obj(root.get("metadata").unwrap_or(&Value::Null), "metadata")?,
    )?;
    let mut shapes = BTreeMap::new();
    let raw_shapes = cx.obj(root.get("shapes").unwrap_or(&Value::Null), "shapes")?;
    for (sname, sv) in raw_shapes {
        shapes.insert(sname.clone(), parse_shape(&cx, sname, cx.obj(sv, sname)?)?);
    }
    inherit_shape_locations(&cx, raw_shapes, &mut shapes)?;
    let mut operations = BTreeMap::new();
    for (oname, ov) in cx.obj(root.get("operations").unwrap_or(&Value::Null), "operations")? {
        operations.insert(
            oname.clone(),
            parse_operation(&cx, &metadata, oname, cx.obj(ov, oname)?)?,
        );
    }
    Ok(ServiceIr {
        name: name.to_string(),
        metadata,
        operations,
        shapes,
    })
}

/// botocore resolves a member by merging the member reference's traits over
/// its target shape's (`ShapeResolver.resolve_shape_ref`), so a `location`
/// written on the shape (legacy models do this for `headers` maps) applies to
/// every member that targets it and gives none of its own; the shape's
/// `locationName` (the header prefix) comes along unless the member names one.
fn inherit_shape_locations(
    cx: &Ctx,
    raw: &Map<String, Value>,
    shapes: &mut BTreeMap<String, ShapeIr>,
) -> Result<(), GenError> {
    let mut shape_locations = BTreeMap::new();
    for (sname, sv) in raw {
        if let Some(l) = sv.get("location").and_then(Value::as_str) {
            let loc = cx.table(&LOCATIONS, l, &format!("{sname}.location"))?;
            shape_locations.insert(
                sname.clone(),
                (loc, opt_str(cx.obj(sv, sname)?, "locationName")),
            );
        }
    }
    if shape_locations.is_empty() {
        return Ok(());
    }
    for shape in shapes.values_mut() {
        let members: Vec<&mut MemberIr> = match &mut shape.kind {
            KindIr::Structure { members, .. } => members.iter_mut().collect(),
            KindIr::List(m) => vec![m.as_mut()],
            KindIr::Map(k, v) => vec![k.as_mut(), v.as_mut()],
            _ => Vec::new(),
        };
        for m in members {
            let Some((loc, name)) = shape_locations.get(&m.target) else {
                continue;
            };
            if m.location == "Body" {
                m.location = loc;
                if m.location_name.is_none() {
                    m.location_name.clone_from(name);
                }
            }
        }
    }
    Ok(())
}

fn parse_metadata(cx: &Ctx, m: &Map<String, Value>) -> Result<MetadataIr, GenError> {
    let protocol = cx.table(
        &PROTOCOLS,
        &cx.str_of(m, "protocol", "metadata")?,
        "metadata.protocol",
    )?;
    let protocols = match m.get("protocols").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .map(|p| cx.table(&PROTOCOLS, p.as_str().unwrap_or(""), "metadata.protocols"))
            .collect::<Result<Vec<_>, _>>()?,
        None => vec![protocol],
    };
    let signature_version = cx.table(
        &SIGNATURE_VERSIONS,
        &cx.str_of(m, "signatureVersion", "metadata")?,
        "metadata.signatureVersion",
    )?;
    let auth = match m.get("auth").and_then(Value::as_array) {
        Some(list) => list
            .iter()
            .map(|a| cx.table(&AUTH_SCHEMES, a.as_str().unwrap_or(""), "metadata.auth"))
            .collect::<Result<Vec<_>, _>>()?,
        None if signature_version == "Bearer" => vec!["Bearer"],
        None => vec!["SigV4"],
    };
    let endpoint_prefix = cx.str_of(m, "endpointPrefix", "metadata")?;
    Ok(MetadataIr {
        protocol,
        protocols,
        api_version: cx.str_of(m, "apiVersion", "metadata")?,
        signing_name: opt_str(m, "signingName").unwrap_or_else(|| endpoint_prefix.clone()),
        endpoint_prefix,
        service_id: cx.str_of(m, "serviceId", "metadata")?,
        target_prefix: opt_str(m, "targetPrefix"),
        json_version: opt_str(m, "jsonVersion"),
        xml_namespace: opt_str(m, "xmlNamespace"),
        global_endpoint: opt_str(m, "globalEndpoint"),
        signature_version,
        auth,
        aws_query_compatible: m.contains_key("awsQueryCompatible"),
        checksum_format: opt_str(m, "checksumFormat"),
    })
}

fn parse_member(cx: &Ctx, owner: &str, name: &str, v: &Value) -> Result<MemberIr, GenError> {
    let o = cx.obj(v, &format!("{owner}.{name}"))?;
    let location = match opt_str(o, "location") {
        None => "Body",
        Some(l) => cx.table(&LOCATIONS, &l, &format!("{owner}.{name}.location"))?,
    };
    Ok(MemberIr {
        name: name.to_string(),
        target: cx.str_of(o, "shape", &format!("{owner}.{name}"))?,
        location_name: opt_str(o, "locationName"),
        location,
        flags: flags(o, &MEMBER_BOOL_TRAITS),
        xml_namespace: xml_ns(o.get("xmlNamespace")),
        query_name: opt_str(o, "queryName"),
        context_param: o
            .get("contextParam")
            .and_then(|c| c.get("name"))
            .and_then(Value::as_str)
            .map(str::to_string),
        timestamp_format: match opt_str(o, "timestampFormat") {
            None => None,
            Some(f) => Some(cx.table(
                &TIMESTAMP_FORMATS,
                &f,
                &format!("{owner}.{name}.timestampFormat"),
            )?),
        },
    })
}

fn parse_shape(cx: &Ctx, name: &str, o: &Map<String, Value>) -> Result<ShapeIr, GenError> {
    let ty = cx.str_of(o, "type", name)?;
    let kind = match ty.as_str() {
        "structure" if flag(o, "document") => KindIr::Document,
        "structure" => {
            let required: Vec<&str> = o
                .get("required")
                .and_then(Value::as_array)
                .map(|r| r.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let mut members = Vec::new();
            if let Some(ms) = o.get("members").and_then(Value::as_object) {
                for (mname, mv) in ms {
                    let mut m = parse_member(cx, name, mname, mv)?;
                    if required.contains(&mname.as_str()) {
                        m.flags |= member_flag::REQUIRED;
                    }
                    members.push(m);
                }
            }
            let payload = match opt_str(o, "payload") {
                None => None,
                Some(p) => Some(
                    members
                        .iter()
                        .position(|m| m.name == p)
                        .ok_or_else(|| cx.err(format!("{name}: payload {p:?} is not a member")))?,
                ),
            };
            KindIr::Structure { members, payload }
        }
        "list" => KindIr::List(Box::new(parse_member(
            cx,
            name,
            "member",
            o.get("member").unwrap_or(&Value::Null),
        )?)),
        "map" => KindIr::Map(
            Box::new(parse_member(
                cx,
                name,
                "key",
                o.get("key").unwrap_or(&Value::Null),
            )?),
            Box::new(parse_member(
                cx,
                name,
                "value",
                o.get("value").unwrap_or(&Value::Null),
            )?),
        ),
        "string" => KindIr::String(
            o.get("enum")
                .and_then(Value::as_array)
                .map(|e| {
                    e.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_string)
                        .collect()
                })
                .unwrap_or_default(),
        ),
        other => KindIr::Scalar(cx.table(&SCALAR_KINDS, other, &format!("{name}.type"))?),
    };
    let mut shape_flags = flags(o, &SHAPE_BOOL_TRAITS);
    if o.contains_key("deprecated") {
        shape_flags |= shape_flag::DEPRECATED;
    }
    if let Some(r) = o.get("retryable") {
        shape_flags |= shape_flag::RETRYABLE;
        if r.get("throttling").and_then(Value::as_bool) == Some(true) {
            shape_flags |= shape_flag::THROTTLING;
        }
    }
    let error = o.get("error").and_then(Value::as_object).map(|e| {
        (
            opt_str(e, "code"),
            e.get("httpStatusCode").and_then(Value::as_u64).unwrap_or(0) as u16,
            flag(e, "senderFault"),
        )
    });
    let (min, max) = (bound(o.get("min")), bound(o.get("max")));
    let timestamp_format = match opt_str(o, "timestampFormat") {
        None => None,
        Some(f) => Some(cx.table(&TIMESTAMP_FORMATS, &f, &format!("{name}.timestampFormat"))?),
    };
    Ok(ShapeIr {
        name: name.to_string(),
        kind,
        flags: shape_flags,
        error,
        limits: (min.is_some() || max.is_some()).then_some((min, max)),
        timestamp_format,
        location_name: opt_str(o, "locationName"),
        xml_namespace: xml_ns(o.get("xmlNamespace")),
    })
}

fn parse_operation(
    cx: &Ctx,
    meta: &MetadataIr,
    name: &str,
    o: &Map<String, Value>,
) -> Result<OperationIr, GenError> {
    let http = cx.obj(
        o.get("http").unwrap_or(&Value::Null),
        &format!("{name}.http"),
    )?;
    let shape_of = |key: &str| -> Option<String> {
        o.get(key)
            .and_then(|v| v.get("shape"))
            .and_then(Value::as_str)
            .map(str::to_string)
    };
    let input_ref = o.get("input").and_then(Value::as_object);
    let mut op_flags = flags(o, &OP_BOOL_TRAITS);
    let authtype = opt_str(o, "authtype");
    let auth = if let Some(list) = o.get("auth").and_then(Value::as_array) {
        list.iter()
            .map(|a| {
                cx.table(
                    &AUTH_SCHEMES,
                    a.as_str().unwrap_or(""),
                    &format!("{name}.auth"),
                )
            })
            .collect::<Result<Vec<_>, _>>()?
    } else {
        match authtype.as_deref() {
            Some("none") => vec!["NoAuth"],
            Some("bearer") => vec!["Bearer"],
            Some("v4a") => vec!["SigV4a"],
            _ => meta.auth.clone(),
        }
    };
    if authtype.as_deref() == Some("v4-unsigned-body") {
        op_flags |= op_flag::UNSIGNED_PAYLOAD;
    }
    if let Some(d) = o.get("endpointdiscovery") {
        op_flags |= op_flag::ENDPOINT_DISCOVERY;
        if d.get("required").and_then(Value::as_bool) == Some(true) {
            op_flags |= op_flag::ENDPOINT_DISCOVERY_REQUIRED;
        }
    }
    if flag(o, "endpointoperation") {
        op_flags |= op_flag::ENDPOINT_OPERATION;
    }
    let http_checksum = match o.get("httpChecksum").and_then(Value::as_object) {
        None => None,
        Some(c) => Some(ChecksumIr {
            required: flag(c, "requestChecksumRequired"),
            algorithm_member: opt_str(c, "requestAlgorithmMember"),
            validation_member: opt_str(c, "requestValidationModeMember"),
            response_algorithms: c
                .get("responseAlgorithms")
                .and_then(Value::as_array)
                .map(|a| {
                    a.iter()
                        .map(|x| cx.table(&CHECKSUMS, x.as_str().unwrap_or(""), name))
                        .collect::<Result<Vec<_>, _>>()
                })
                .transpose()?
                .unwrap_or_default(),
        }),
    };
    let request_compression = match o
        .get("requestcompression")
        .and_then(|r| r.get("encodings"))
        .and_then(Value::as_array)
    {
        None => vec![],
        Some(list) => list
            .iter()
            .map(|e| match e.as_str() {
                Some("gzip") => Ok("Gzip"),
                other => Err(cx.err(format!("{name}: unknown encoding {other:?}"))),
            })
            .collect::<Result<Vec<_>, _>>()?,
    };
    let mut static_context_params = Vec::new();
    if let Some(params) = o.get("staticContextParams").and_then(Value::as_object) {
        for (pname, pv) in params {
            let value = match pv.get("value") {
                Some(Value::Bool(b)) => ContextIr::Bool(*b),
                Some(Value::String(s)) => ContextIr::Str(s.clone()),
                other => {
                    return Err(cx.err(format!(
                        "{name}: static context param {pname} has unsupported value {other:?}"
                    )));
                }
            };
            static_context_params.push((pname.clone(), value));
        }
    }
    let operation_context_params = o
        .get("operationContextParams")
        .and_then(Value::as_object)
        .map(|p| {
            p.iter()
                .map(|(k, v)| {
                    let path = v.get("path").and_then(Value::as_str).unwrap_or("");
                    (k.clone(), path.to_string())
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(OperationIr {
        name: name.to_string(),
        snake_name: xform_name(name, '_'),
        cli_name: xform_name(name, '-'),
        method: cx.table(
            &METHODS,
            &cx.str_of(http, "method", name)?,
            &format!("{name}.http.method"),
        )?,
        request_uri: cx.str_of(http, "requestUri", name)?,
        response_code: http
            .get("responseCode")
            .and_then(Value::as_u64)
            .unwrap_or(200) as u16,
        host_prefix: o
            .get("endpoint")
            .and_then(|e| e.get("hostPrefix"))
            .and_then(Value::as_str)
            .map(str::to_string),
        input: shape_of("input"),
        output: shape_of("output"),
        errors: o
            .get("errors")
            .and_then(Value::as_array)
            .map(|e| {
                e.iter()
                    .filter_map(|x| x.get("shape").and_then(Value::as_str))
                    .map(str::to_string)
                    .collect()
            })
            .unwrap_or_default(),
        auth,
        flags: op_flags,
        http_checksum,
        request_compression,
        static_context_params,
        operation_context_params,
        input_location_name: input_ref.and_then(|r| opt_str(r, "locationName")),
        input_xml_namespace: input_ref.and_then(|r| xml_ns(r.get("xmlNamespace"))),
    })
}

impl ShapeIr {
    /// Names of the shapes this shape refers to.
    pub fn targets(&self) -> Vec<&str> {
        match &self.kind {
            KindIr::Structure { members, .. } => {
                members.iter().map(|m| m.target.as_str()).collect()
            }
            KindIr::List(m) => vec![m.target.as_str()],
            KindIr::Map(k, v) => vec![k.target.as_str(), v.target.as_str()],
            _ => vec![],
        }
    }

    /// Members of a structure; empty otherwise.
    pub fn members(&self) -> &[MemberIr] {
        match &self.kind {
            KindIr::Structure { members, .. } => members,
            _ => &[],
        }
    }
}

impl OperationIr {
    /// Whether any of the rare traits kept in core's out-of-line
    /// `OperationTraits` is present.
    pub fn has_traits(&self) -> bool {
        self.http_checksum.is_some()
            || !self.request_compression.is_empty()
            || !self.static_context_params.is_empty()
            || !self.operation_context_params.is_empty()
            || self.input_location_name.is_some()
            || self.input_xml_namespace.is_some()
    }

    /// Input, output and error shape names.
    pub fn shape_refs(&self) -> Vec<&str> {
        self.input
            .iter()
            .chain(self.output.iter())
            .chain(self.errors.iter())
            .map(String::as_str)
            .collect()
    }
}
