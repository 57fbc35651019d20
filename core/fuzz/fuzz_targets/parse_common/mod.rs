//! Shared by the response-parser fuzz targets: one small service, in each
//! protocol, whose output reaches every location a response parser reads
//! (headers, a comma-separated header list, a `headers` prefix map, the status
//! code, a blob payload, body scalars, lists, maps, recursion) plus an
//! exception; and a split of the fuzzer's bytes into status, headers and body.

use stratus_core::client::HeaderList;
use stratus_core::client::test_support::DEMO_METADATA;
use stratus_core::format::Sink;
use stratus_core::format::WriteError;
use stratus_core::model::view::FromNode;
use stratus_core::model::*;
use stratus_core::protocol::parse::{Parsed, Response, ResponseParser};

const fn member(name: &'static str, target: u16) -> Member {
    Member::new(name, ShapeId(target))
}

const fn at(name: &'static str, wire: &'static str, target: u16, location: Location) -> Member {
    Member {
        location_name: Some(wire),
        location,
        ..member(name, target)
    }
}



// Shape ids (shapes sorted by name).
const BLOB: u16 = 0;
const BOOLEAN: u16 = 1;
const DOUBLE: u16 = 2;
const FAULT: u16 = 3;
const HEADER_LIST: u16 = 4;
const INTEGER: u16 = 5;
const LONG: u16 = 6;
const OUTPUT: u16 = 7;
const PAYLOAD_OUTPUT: u16 = 8;
const STRING: u16 = 9;
const STRING_LIST: u16 = 10;
const TAG_MAP: u16 = 11;
const TIMESTAMP: u16 = 12;

static LIST_ITEM: Member = member("member", STRING);
static MAP_KEY: Member = member("key", STRING);
static MAP_VALUE: Member = member("value", STRING);

static FAULT_MEMBERS: [Member; 2] = [
    member("Message", STRING),
    at("Reason", "x-reason", STRING, Location::Header),
];

static OUTPUT_MEMBERS: [Member; 15] = [
    member("Name", STRING),
    member("Count", INTEGER),
    member("Big", LONG),
    member("Ratio", DOUBLE),
    member("Flag", BOOLEAN),
    member("Data", BLOB),
    member("When", TIMESTAMP),
    member("Items", STRING_LIST),
    member("Tags", TAG_MAP),
    member("Nested", OUTPUT),
    at("Hdr", "x-hdr", STRING, Location::Header),
    at("HdrList", "x-list", HEADER_LIST, Location::Header),
    at("HdrTime", "x-time", TIMESTAMP, Location::Header),
    at("Meta", "x-meta-", TAG_MAP, Location::Headers),
    Member {
        location: Location::StatusCode,
        ..member("Status", INTEGER)
    },
];

static PAYLOAD_MEMBERS: [Member; 2] = [
    member("Body", BLOB),
    at("Count", "x-count", INTEGER, Location::Header),
];

static FAULT_INFO: ErrorInfo = ErrorInfo {
    code: None,
    http_status: 400,
    sender_fault: true,
};

static SHAPES: [Shape; 13] = [
    Shape::new("Blob", ShapeKind::Blob),
    Shape::new("Boolean", ShapeKind::Boolean),
    Shape::new("Double", ShapeKind::Double),
    Shape {
        flags: ShapeFlags::EXCEPTION,
        error: Some(&FAULT_INFO),
        ..Shape::new(
            "Fault",
            ShapeKind::Structure {
                members: &FAULT_MEMBERS,
                payload: None,
            },
        )
    },
    Shape::new("HeaderList", ShapeKind::List { member: &LIST_ITEM }),
    Shape::new("Integer", ShapeKind::Integer),
    Shape::new("Long", ShapeKind::Long),
    Shape::new(
        "Output",
        ShapeKind::Structure {
            members: &OUTPUT_MEMBERS,
            payload: None,
        },
    ),
    Shape::new(
        "PayloadOutput",
        ShapeKind::Structure {
            members: &PAYLOAD_MEMBERS,
            payload: Some(0),
        },
    ),
    Shape::new("String", ShapeKind::String { enum_values: &[] }),
    Shape::new("StringList", ShapeKind::List { member: &LIST_ITEM }),
    Shape::new(
        "TagMap",
        ShapeKind::Map {
            key: &MAP_KEY,
            value: &MAP_VALUE,
        },
    ),
    Shape::new("Timestamp", ShapeKind::Timestamp),
];

const fn op(name: &'static str, output: u16, errors: &'static [ShapeId]) -> Operation {
    Operation {
        output: Some(ShapeId(output)),
        errors,
        ..Operation::new(name)
    }
}

static OPERATIONS: [Operation; 2] = [
    op("GetPayload", PAYLOAD_OUTPUT, &[]),
    op("Op", OUTPUT, &[ShapeId(FAULT)]),
];

const fn model(name: &'static str, protocol: Protocol) -> ServiceModel {
    ServiceModel {
        name,
        // The demo service's metadata, renamed and in `protocol`.
        metadata: ServiceMetadata {
            protocol,
            protocols: &[],
            endpoint_prefix: "fuzz",
            signing_name: "fuzz",
            service_id: "Fuzz",
            target_prefix: Some("Fuzz"),
            ..DEMO_METADATA
        },
        operations: &OPERATIONS,
        shapes: &SHAPES,
    }
}

/// The fuzz service in each protocol, and as `s3` (rest-xml with S3's
/// 200-with-an-error rule).
pub static MODELS: [ServiceModel; 7] = [
    model("fuzz", Protocol::Json),
    model("fuzz", Protocol::RestJson),
    model("fuzz", Protocol::RestXml),
    model("fuzz", Protocol::Query),
    model("fuzz", Protocol::Ec2),
    model("fuzz", Protocol::SmithyRpcV2Cbor),
    model("s3", Protocol::RestXml),
];

/// Counts bytes and drops them: the JSON writer must never fail but for size.
struct Discard;

impl Sink for Discard {
    fn write_bytes(&mut self, _: &[u8]) -> Result<(), WriteError> {
        Ok(())
    }
}

/// A typed view of `Output`, as generated code would decode it.
struct Typed<'a> {
    _name: Option<view::Text<'a>>,
    _count: Option<i32>,
    _when: Option<stratus_core::time::Timestamp>,
    _list: Option<view::ListView<'a, view::Text<'a>>>,
}

impl<'a> FromNode<'a> for Typed<'a> {
    fn from_node(node: view::Node<'a>) -> Result<Self, view::DecodeError> {
        let m = &OUTPUT_MEMBERS;
        Ok(Typed {
            _name: node.decode_member(&m[0])?,
            _count: node.decode_member(&m[1])?,
            _when: node.timestamp_member(&m[6], None)?,
            _list: node.decode_member(&m[11])?,
        })
    }
}

/// `data` = `[op, status, header-bytes length, headers…, body…]`; headers are
/// `name:value` lines, read in place by `HeaderList::from_http_lines`. Parses it with `model` and walks everything.
pub fn run(model: &'static ServiceModel, data: &[u8], status_choice: Option<u16>) {
    let [op_byte, status_byte, header_len, rest @ ..] = data else {
        return;
    };
    let header_len = usize::from(*header_len).min(rest.len());
    let (header_bytes, body) = rest.split_at(header_len);
    // Read in place as a transport's response hands them over: any bytes.
    let headers = HeaderList::from_http_lines(header_bytes);
    let op = &OPERATIONS[usize::from(*op_byte) % OPERATIONS.len()];
    let status = status_choice.unwrap_or(match status_byte % 6 {
        0 => 200,
        1 => 206,
        2 => 400,
        3 => 404,
        4 => 500,
        _ => 503,
    });
    let mut scratch = [0u8; 4096];
    let body = if model.metadata.protocol == Protocol::SmithyRpcV2Cbor {
        match stratus_core::format::cbor::join_chunked_strings(body, &mut scratch, 32) {
            Ok(b) => b,
            Err(_) => body,
        }
    } else {
        body
    };
    let parser = ResponseParser::new(
        model,
        op,
        Response {
            status,
            headers,
            body,
        },
    );
    let Ok(parsed) = parser.parse() else { return };
    let _ = parsed.write_json(&mut Discard);
    match parsed {
        Parsed::Output(out) => {
            if let Ok(t) = Typed::from_node(out.node) {
                if let Some(list) = t._list {
                    for item in list.iter() {
                        let _ = item;
                    }
                }
            }
        }
        Parsed::Error(err) => {
            let mut buf = [0u8; 64];
            if let Some(m) = err.message {
                let _ = m.decode_into(&mut buf);
            }
            let _ = err.node.decode_member::<view::Text<'_>>(&FAULT_MEMBERS[0]);
            let _ = err.node.decode_member::<view::Text<'_>>(&FAULT_MEMBERS[1]);
        }
    }
}
