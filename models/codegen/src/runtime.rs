//! Run-time models for tests: builds the same `stratus_core::model` tables that
//! [`tables`](crate::tables) emits as source, but as values leaked onto the heap
//! (`Box::leak`), so a test can load any model JSON (a conformance suite's
//! embedded `shapes`, a service file) without a build step.
//!
//! Test-time only: every call leaks the whole model for the life of the process.
//!
//! ```
//! let doc = serde_json::json!({
//!     "metadata": {"protocol": "json", "apiVersion": "2013-12-02",
//!                  "endpointPrefix": "kinesis", "serviceId": "Kinesis",
//!                  "signatureVersion": "v4", "targetPrefix": "Kinesis_20131202",
//!                  "jsonVersion": "1.1"},
//!     "operations": {"DescribeStream": {"name": "DescribeStream",
//!         "http": {"method": "POST", "requestUri": "/"}, "input": {"shape": "In"}}},
//!     "shapes": {"In": {"type": "structure", "members": {"StreamName": {"shape": "S"}}},
//!                "S": {"type": "string"}},
//! });
//! let ir = stratus_codegen::model::parse_service("kinesis", &doc).unwrap();
//! let model = stratus_codegen::runtime::leak_service(&ir);
//! let op = model.operation("describe_stream").unwrap();
//! assert_eq!(model.input_of(op).unwrap().members()[0].name, "StreamName");
//! ```

use stratus_core::model::{
    AuthScheme, Bound, ChecksumAlgorithm, ContextValue, Encoding, ErrorInfo, HttpChecksum,
    HttpMethod, Limits, Location, Member, MemberExtra, MemberFlags, Operation,
    OperationContextParam, OperationFlags, OperationTraits, Protocol, ServiceMetadata,
    ServiceModel, Shape, ShapeFlags, ShapeId, ShapeKind, ShapeXml, SignatureVersion,
    StaticContextParam, TimestampFormat, XmlNamespace,
};

use crate::model::{BoundIr, ContextIr, KindIr, MemberIr, ServiceIr, ShapeIr, XmlNs};
use crate::tables::{ShapeIndex, shape_index};

/// `(IR variant name, core value)` tables: the IR names variants by their Rust
/// spelling (what [`tables`](crate::tables) pastes into source).
const PROTOCOLS: [(&str, Protocol); 6] = [
    ("Json", Protocol::Json),
    ("RestJson", Protocol::RestJson),
    ("RestXml", Protocol::RestXml),
    ("Query", Protocol::Query),
    ("Ec2", Protocol::Ec2),
    ("SmithyRpcV2Cbor", Protocol::SmithyRpcV2Cbor),
];
const SIGNATURE_VERSIONS: [(&str, SignatureVersion); 5] = [
    ("V4", SignatureVersion::V4),
    ("S3V4", SignatureVersion::S3V4),
    ("S3", SignatureVersion::S3),
    ("V2", SignatureVersion::V2),
    ("Bearer", SignatureVersion::Bearer),
];
const AUTH_SCHEMES: [(&str, AuthScheme); 4] = [
    ("SigV4", AuthScheme::SigV4),
    ("SigV4a", AuthScheme::SigV4a),
    ("Bearer", AuthScheme::Bearer),
    ("NoAuth", AuthScheme::NoAuth),
];
const LOCATIONS: [(&str, Location); 6] = [
    ("Body", Location::Body),
    ("Uri", Location::Uri),
    ("QueryString", Location::QueryString),
    ("Header", Location::Header),
    ("Headers", Location::Headers),
    ("StatusCode", Location::StatusCode),
];
const TIMESTAMP_FORMATS: [(&str, TimestampFormat); 3] = [
    ("Iso8601", TimestampFormat::Iso8601),
    ("Rfc822", TimestampFormat::Rfc822),
    ("UnixTimestamp", TimestampFormat::UnixTimestamp),
];
const METHODS: [(&str, HttpMethod); 6] = [
    ("Get", HttpMethod::Get),
    ("Post", HttpMethod::Post),
    ("Put", HttpMethod::Put),
    ("Delete", HttpMethod::Delete),
    ("Patch", HttpMethod::Patch),
    ("Head", HttpMethod::Head),
];
const CHECKSUMS: [(&str, ChecksumAlgorithm); 10] = [
    ("Crc32", ChecksumAlgorithm::Crc32),
    ("Crc32c", ChecksumAlgorithm::Crc32c),
    ("Crc64Nvme", ChecksumAlgorithm::Crc64Nvme),
    ("Sha1", ChecksumAlgorithm::Sha1),
    ("Sha256", ChecksumAlgorithm::Sha256),
    ("Sha512", ChecksumAlgorithm::Sha512),
    ("Md5", ChecksumAlgorithm::Md5),
    ("XxHash64", ChecksumAlgorithm::XxHash64),
    ("XxHash3", ChecksumAlgorithm::XxHash3),
    ("XxHash128", ChecksumAlgorithm::XxHash128),
];
const ENCODINGS: [(&str, Encoding); 1] = [("Gzip", Encoding::Gzip)];

/// The core value the IR names `name`. The IR only holds names taken from these
/// same tables (see [`model`](crate::model)), so a miss is a generator bug.
fn variant<T: Copy>(table: &[(&str, T)], name: &str) -> T {
    match table.iter().find(|(n, _)| *n == name) {
        Some((_, v)) => *v,
        None => panic!("runtime model: the IR holds unknown variant {name:?}"),
    }
}

fn leak<T>(value: T) -> &'static T {
    Box::leak(Box::new(value))
}

fn leak_slice<T>(values: Vec<T>) -> &'static [T] {
    Box::leak(values.into_boxed_slice())
}

fn leak_str(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn leak_opt(s: Option<&String>) -> Option<&'static str> {
    s.map(|s| leak_str(s))
}

fn namespace(ns: &XmlNs) -> XmlNamespace {
    XmlNamespace {
        prefix: leak_opt(ns.prefix.as_ref()),
        uri: leak_str(&ns.uri),
    }
}

fn bound(b: Option<BoundIr>) -> Option<Bound> {
    b.map(|b| match b {
        BoundIr::Int(i) => Bound::Int(i),
        BoundIr::Float(f) => Bound::Float(f),
    })
}

fn member(m: &MemberIr, idx: &ShapeIndex) -> Member {
    let has_extra = m.xml_namespace.is_some()
        || m.query_name.is_some()
        || m.context_param.is_some()
        || m.timestamp_format.is_some();
    Member {
        name: leak_str(&m.name),
        location_name: leak_opt(m.location_name.as_ref()),
        // Same fallback as the emitted tables: a dangling target is u16::MAX.
        target: ShapeId(idx.get(&m.target).copied().unwrap_or(u16::MAX)),
        location: variant(&LOCATIONS, m.location),
        flags: MemberFlags(m.flags),
        extra: has_extra.then(|| {
            leak(MemberExtra {
                xml_namespace: m.xml_namespace.as_ref().map(namespace),
                query_name: leak_opt(m.query_name.as_ref()),
                context_param: leak_opt(m.context_param.as_ref()),
                timestamp_format: m.timestamp_format.map(|f| variant(&TIMESTAMP_FORMATS, f)),
            })
        }),
    }
}

fn shape(s: &ShapeIr, idx: &ShapeIndex) -> Shape {
    let kind = match &s.kind {
        KindIr::Structure { members, payload } => ShapeKind::Structure {
            members: leak_slice(members.iter().map(|m| member(m, idx)).collect()),
            payload: payload.and_then(|p| u16::try_from(p).ok()),
        },
        KindIr::List(m) => ShapeKind::List {
            member: leak(member(m, idx)),
        },
        KindIr::Map(k, v) => ShapeKind::Map {
            key: leak(member(k, idx)),
            value: leak(member(v, idx)),
        },
        KindIr::String(values) => ShapeKind::String {
            enum_values: leak_slice(values.iter().map(|v| leak_str(v)).collect()),
        },
        KindIr::Scalar(v) => match *v {
            "String" => ShapeKind::String { enum_values: &[] },
            "Integer" => ShapeKind::Integer,
            "Long" => ShapeKind::Long,
            "Float" => ShapeKind::Float,
            "Double" => ShapeKind::Double,
            "Boolean" => ShapeKind::Boolean,
            "Blob" => ShapeKind::Blob,
            "Timestamp" => ShapeKind::Timestamp,
            other => panic!("runtime model: the IR holds unknown scalar kind {other:?}"),
        },
        KindIr::Document => ShapeKind::Document,
    };
    let has_xml = s.location_name.is_some() || s.xml_namespace.is_some();
    Shape {
        name: leak_str(&s.name),
        kind,
        flags: ShapeFlags(s.flags),
        error: s.error.as_ref().map(|(code, status, sender)| {
            leak(ErrorInfo {
                code: leak_opt(code.as_ref()),
                http_status: *status,
                sender_fault: *sender,
            })
        }),
        limits: s.limits.map(|(min, max)| {
            leak(Limits {
                min: bound(min),
                max: bound(max),
            })
        }),
        timestamp_format: s.timestamp_format.map(|f| variant(&TIMESTAMP_FORMATS, f)),
        xml: has_xml.then(|| {
            leak(ShapeXml {
                location_name: leak_opt(s.location_name.as_ref()),
                namespace: s.xml_namespace.as_ref().map(namespace),
            })
        }),
    }
}

fn operation(op: &crate::model::OperationIr, idx: &ShapeIndex) -> Operation {
    let sid = |n: &Option<String>| n.as_ref().and_then(|n| idx.get(n)).map(|i| ShapeId(*i));
    let has_traits = op.has_traits();
    let traits = has_traits.then(|| {
        leak(OperationTraits {
            http_checksum: op.http_checksum.as_ref().map(|c| HttpChecksum {
                request_checksum_required: c.required,
                request_algorithm_member: leak_opt(c.algorithm_member.as_ref()),
                request_validation_mode_member: leak_opt(c.validation_member.as_ref()),
                response_algorithms: leak_slice(
                    c.response_algorithms
                        .iter()
                        .map(|a| variant(&CHECKSUMS, a))
                        .collect(),
                ),
            }),
            request_compression: leak_slice(
                op.request_compression
                    .iter()
                    .map(|e| variant(&ENCODINGS, e))
                    .collect(),
            ),
            static_context_params: leak_slice(
                op.static_context_params
                    .iter()
                    .map(|(n, v)| StaticContextParam {
                        name: leak_str(n),
                        value: match v {
                            ContextIr::Bool(b) => ContextValue::Bool(*b),
                            ContextIr::Str(s) => ContextValue::Str(leak_str(s)),
                        },
                    })
                    .collect(),
            ),
            operation_context_params: leak_slice(
                op.operation_context_params
                    .iter()
                    .map(|(n, p)| OperationContextParam {
                        name: leak_str(n),
                        path: leak_str(p),
                    })
                    .collect(),
            ),
            input_location_name: leak_opt(op.input_location_name.as_ref()),
            input_xml_namespace: op.input_xml_namespace.as_ref().map(namespace),
        })
    });
    Operation {
        name: leak_str(&op.name),
        snake_name: leak_str(&op.snake_name),
        cli_name: leak_str(&op.cli_name),
        http_method: variant(&METHODS, op.method),
        request_uri: leak_str(&op.request_uri),
        response_code: op.response_code,
        host_prefix: leak_opt(op.host_prefix.as_ref()),
        input: sid(&op.input),
        output: sid(&op.output),
        errors: leak_slice(
            op.errors
                .iter()
                .filter_map(|e| idx.get(e))
                .map(|i| ShapeId(*i))
                .collect(),
        ),
        auth: leak_slice(op.auth.iter().map(|a| variant(&AUTH_SCHEMES, a)).collect()),
        flags: OperationFlags(op.flags),
        traits,
    }
}

/// Builds `ir`'s core tables on the heap and leaks them; equal (field by field,
/// as `Debug` shows) to what [`tables::emit_tables`](crate::tables::emit_tables)
/// generates for the same IR.
pub fn leak_service(ir: &ServiceIr) -> &'static ServiceModel {
    let idx = shape_index(ir);
    let m = &ir.metadata;
    let metadata = ServiceMetadata {
        protocol: variant(&PROTOCOLS, m.protocol),
        protocols: leak_slice(m.protocols.iter().map(|p| variant(&PROTOCOLS, p)).collect()),
        api_version: leak_str(&m.api_version),
        endpoint_prefix: leak_str(&m.endpoint_prefix),
        signing_name: leak_str(&m.signing_name),
        service_id: leak_str(&m.service_id),
        target_prefix: leak_opt(m.target_prefix.as_ref()),
        json_version: leak_opt(m.json_version.as_ref()),
        xml_namespace: leak_opt(m.xml_namespace.as_ref()),
        global_endpoint: leak_opt(m.global_endpoint.as_ref()),
        signature_version: variant(&SIGNATURE_VERSIONS, m.signature_version),
        auth: leak_slice(m.auth.iter().map(|a| variant(&AUTH_SCHEMES, a)).collect()),
        aws_query_compatible: m.aws_query_compatible,
        checksum_format: leak_opt(m.checksum_format.as_ref()),
    };
    leak(ServiceModel {
        name: leak_str(&ir.name),
        metadata,
        operations: leak_slice(ir.operations.values().map(|o| operation(o, &idx)).collect()),
        shapes: leak_slice(ir.shapes.values().map(|s| shape(s, &idx)).collect()),
    })
}
