//! A small hand-written shape table exercising every shape kind and XML trait,
//! plus walkers that decode everything a node or input holds. Used by this
//! module's tests, the fuzz targets and the allocation test; not part of the
//! SDK's surface.

use crate::model::view::{DecodeError, Node, ScalarKind};
use crate::model::*;

const fn member(name: &'static str, target: u16) -> Member {
    Member::new(name, ShapeId(target))
}

const fn named(name: &'static str, wire: &'static str, target: u16) -> Member {
    Member {
        location_name: Some(wire),
        ..member(name, target)
    }
}

const fn flattened(s: Shape) -> Shape {
    Shape {
        flags: ShapeFlags::FLATTENED,
        ..s
    }
}

/// Shape ids of [`MODEL`], by name.
pub mod ids {
    use crate::model::ShapeId;
    /// `Blob`
    pub const BLOB: ShapeId = ShapeId(0);
    /// `PutRecordInput`
    pub const PUT_RECORD_INPUT: ShapeId = ShapeId(8);
    /// `PutRecordOutput`
    pub const PUT_RECORD_OUTPUT: ShapeId = ShapeId(9);
    /// `Sample`
    pub const SAMPLE: ShapeId = ShapeId(10);
}

static STRING_MEMBER: Member = member("member", 12);
static FLAT_ITEM: Member = named("member", "item", 12);
static SAMPLE_MEMBER: Member = member("member", 10);
static KEY: Member = member("key", 12);
static VALUE: Member = member("value", 12);
static TAG_KEY: Member = named("key", "K", 12);
static TAG_VALUE: Member = named("value", "V", 12);

/// Members of `Sample`, in index order.
pub static SAMPLE_MEMBERS: [Member; 16] = [
    member("Name", 12),
    member("Data", 0),
    member("Count", 6),
    member("Size", 7),
    member("Ratio", 3),
    member("Enabled", 1),
    member("When", 15),
    member("Tags", 14),
    member("Items", 13),
    member("Flat", 4),
    member("FlatMap", 5),
    member("Nested", 10),
    member("Children", 11),
    Member {
        flags: MemberFlags::XML_ATTRIBUTE,
        ..named("Kind", "kind", 12)
    },
    member("Doc", 2),
    named("Renamed", "renamed_wire", 12),
];

static PUT_RECORD_INPUT: [Member; 6] = [
    member("Data", 0),
    member("ExplicitHashKey", 12),
    member("PartitionKey", 12),
    member("SequenceNumberForOrdering", 12),
    member("StreamARN", 12),
    member("StreamName", 12),
];

static PUT_RECORD_OUTPUT: [Member; 3] = [
    member("EncryptionType", 12),
    member("SequenceNumber", 12),
    member("ShardId", 12),
];

static SHAPES: [Shape; 16] = [
    Shape::new("Blob", ShapeKind::Blob),
    Shape::new("Boolean", ShapeKind::Boolean),
    Shape::new("Document", ShapeKind::Document),
    Shape::new("Double", ShapeKind::Double),
    flattened(Shape::new(
        "FlatList",
        ShapeKind::List { member: &FLAT_ITEM },
    )),
    flattened(Shape::new(
        "FlatMap",
        ShapeKind::Map {
            key: &KEY,
            value: &VALUE,
        },
    )),
    Shape::new("Integer", ShapeKind::Integer),
    Shape::new("Long", ShapeKind::Long),
    Shape::new(
        "PutRecordInput",
        ShapeKind::Structure {
            members: &PUT_RECORD_INPUT,
            payload: None,
        },
    ),
    Shape::new(
        "PutRecordOutput",
        ShapeKind::Structure {
            members: &PUT_RECORD_OUTPUT,
            payload: None,
        },
    ),
    Shape::new(
        "Sample",
        ShapeKind::Structure {
            members: &SAMPLE_MEMBERS,
            payload: None,
        },
    ),
    Shape::new(
        "SampleList",
        ShapeKind::List {
            member: &SAMPLE_MEMBER,
        },
    ),
    Shape::new("String", ShapeKind::String { enum_values: &[] }),
    Shape::new(
        "StringList",
        ShapeKind::List {
            member: &STRING_MEMBER,
        },
    ),
    Shape::new(
        "TagMap",
        ShapeKind::Map {
            key: &TAG_KEY,
            value: &TAG_VALUE,
        },
    ),
    Shape::new("Timestamp", ShapeKind::Timestamp),
];

/// The sample service.
pub static MODEL: ServiceModel = ServiceModel {
    name: "sample",
    metadata: ServiceMetadata {
        protocol: Protocol::Json,
        protocols: &[Protocol::Json],
        api_version: "2013-12-02",
        endpoint_prefix: "sample",
        signing_name: "sample",
        service_id: "Sample",
        target_prefix: Some("Sample_20131202"),
        json_version: Some("1.1"),
        xml_namespace: None,
        global_endpoint: None,
        signature_version: SignatureVersion::V4,
        auth: &[AuthScheme::SigV4],
        aws_query_compatible: false,
        checksum_format: None,
    },
    operations: &[],
    shapes: &SHAPES,
};

/// Decodes every value under the structure `node` (of shape `shape`) as the
/// model says, recursing at most `depth` levels; returns how many scalars were
/// read. Decode errors of single values are counted, not returned, so a fuzzer
/// reaches every value; structural errors are returned.
pub fn walk_node(
    node: &Node<'_>,
    shape: &'static Shape,
    depth: usize,
) -> Result<usize, DecodeError> {
    if depth == 0 {
        return Ok(0);
    }
    let mut n = 0;
    for m in shape.members() {
        if let Some(child) = node.member(m)? {
            n += walk_value(&child, m, depth - 1)?;
        }
    }
    Ok(n)
}

fn walk_value(node: &Node<'_>, via: &'static Member, depth: usize) -> Result<usize, DecodeError> {
    let Some(shape) = MODEL.shape(via.target) else {
        return Ok(0);
    };
    let reader = node.reader();
    match shape.kind {
        ShapeKind::Structure { .. } => walk_node(node, shape, depth),
        ShapeKind::List { member } => {
            let mut cursor = 0;
            let mut n = 0;
            while let Some(item) = reader.next_item(node, &mut cursor)? {
                n += walk_value(&item, member, depth.saturating_sub(1))?;
            }
            Ok(n)
        }
        ShapeKind::Map { key, value } => {
            let mut cursor = 0;
            let mut n = 0;
            while let Some((k, v)) = reader.next_entry(node, &mut cursor)? {
                n += walk_value(&k, key, depth.saturating_sub(1))?;
                n += walk_value(&v, value, depth.saturating_sub(1))?;
            }
            Ok(n)
        }
        _ => {
            let kind = match shape.kind {
                ShapeKind::String { .. } => ScalarKind::Text,
                ShapeKind::Integer | ShapeKind::Long => ScalarKind::Int,
                ShapeKind::Float | ShapeKind::Double => ScalarKind::Float,
                ShapeKind::Boolean => ScalarKind::Bool,
                ShapeKind::Blob => ScalarKind::Blob,
                ShapeKind::Timestamp => ScalarKind::Timestamp(shape.timestamp_format),
                _ => ScalarKind::Document,
            };
            let mut text = [0u8; 64];
            match node.scalar(kind) {
                Ok(crate::model::view::Scalar::Text(t)) => {
                    let _ = t.decode_into(&mut text);
                }
                Ok(crate::model::view::Scalar::Blob(b)) => {
                    let _ = b.decode_into(&mut text);
                }
                _ => {}
            }
            Ok(1)
        }
    }
}

/// Reads every value of the input `v` (a structure of shape `shape`) through
/// the value seam, at most `depth` levels deep; returns how many values were seen.
pub fn walk_input(v: &dyn StructValue, shape: &'static Shape, depth: usize) -> usize {
    if depth == 0 {
        return 0;
    }
    let mut n = 0;
    for (i, m) in shape.members().iter().enumerate() {
        if let (Some(value), Some(target)) = (v.member(i), MODEL.shape(m.target)) {
            n += walk_input_value(value, target, depth - 1);
        }
    }
    n
}

fn walk_input_value(v: Value<'_>, shape: &'static Shape, depth: usize) -> usize {
    match (v, &shape.kind) {
        (Value::Struct(s), _) => walk_input(s, shape, depth),
        (Value::List(l), ShapeKind::List { member }) => {
            let target = MODEL.shape(member.target);
            let mut n = 0;
            for i in 0..l.len() {
                if let (Some(item), Some(t)) = (l.get(i), target) {
                    n += walk_input_value(item, t, depth.saturating_sub(1));
                }
            }
            n
        }
        (Value::Map(m), ShapeKind::Map { value, .. }) => {
            let target = MODEL.shape(value.target);
            let mut n = 0;
            for i in 0..m.len() {
                if let (Some((_, item)), Some(t)) = (m.entry(i), target) {
                    n += 1 + walk_input_value(item, t, depth.saturating_sub(1));
                }
            }
            n
        }
        _ => 1,
    }
}
