//! Dynamic access and typed inputs on the generated kinesis tables
//! (`cargo test -p stratus-models --features kinesis`).
#![cfg(feature = "kinesis")]

use stratus_core::model::{
    AuthScheme, HttpMethod, Location, Protocol, ShapeKind, StructValue, Value,
};
use stratus_models::kinesis;

#[test]
fn operations_by_any_name() {
    let svc = stratus_models::service("kinesis").expect("kinesis compiled in");
    assert_eq!(svc.metadata.protocol, Protocol::Json);
    assert_eq!(svc.metadata.target_prefix, Some("Kinesis_20131202"));
    for name in ["PutRecord", "put_record", "put-record"] {
        let op = svc.operation(name).unwrap();
        assert_eq!(op.name, "PutRecord");
        assert_eq!(op.http_method, HttpMethod::Post);
        assert_eq!(op.auth, [AuthScheme::SigV4]);
    }
    assert!(svc.operation("PutRecordz").is_none());
    assert!(svc.operation("").is_none());
    // Sorted for binary search, and every name form round-trips.
    assert!(svc.operations.windows(2).all(|w| w[0].name < w[1].name));
    for op in svc.operations() {
        assert!(core::ptr::eq(svc.operation(op.snake_name).unwrap(), op));
        assert!(core::ptr::eq(svc.operation(op.cli_name).unwrap(), op));
    }
    println!(
        "kinesis: {} operations, {} shapes",
        svc.operations.len(),
        svc.shapes.len()
    );
}

#[test]
fn shapes_walk() {
    let svc = kinesis::SERVICE;
    let op = svc.operation("PutRecord").unwrap();
    let input = svc.input_of(op).unwrap();
    assert_eq!(input.name, "PutRecordInput");
    let (_, data) = input.member("Data").unwrap();
    assert!(data.is_required());
    assert_eq!(data.location, Location::Body);
    assert!(matches!(
        svc.shape(data.target).unwrap().kind,
        ShapeKind::Blob
    ));
    for shape in svc.shapes {
        for m in shape.members() {
            assert!(svc.shape(m.target).is_some(), "{}.{}", shape.name, m.name);
        }
        let (id, found) = svc.shape_by_name(shape.name).unwrap();
        assert!(core::ptr::eq(found, shape));
        assert!(core::ptr::eq(svc.shape(id).unwrap(), shape));
    }
    let err = svc.error_of(op, "ResourceNotFoundException").unwrap();
    assert!(err.is_exception());
}

#[test]
fn typed_input_is_a_struct_value() {
    let input = kinesis::types::PutRecordInput {
        data: b"hello",
        partition_key: "pk",
        stream_name: Some("s"),
        ..Default::default()
    };
    let shape = kinesis::SERVICE
        .shape(kinesis::types::PutRecordInput::SHAPE)
        .unwrap();
    // Walk members by table index, as a serializer does.
    let mut seen = 0;
    for (i, m) in shape.members().iter().enumerate() {
        match (m.name, input.member(i)) {
            ("Data", Some(Value::Blob(b))) => assert_eq!(b, b"hello"),
            ("PartitionKey", Some(Value::Str(s))) => assert_eq!(s, "pk"),
            ("StreamName", Some(Value::Str(s))) => assert_eq!(s, "s"),
            (_, None) => continue,
            (name, v) => panic!("{name}: unexpected {v:?}"),
        }
        seen += 1;
    }
    assert_eq!(seen, 3);
    let entries = [kinesis::types::PutRecordsRequestEntry {
        data: b"x",
        partition_key: "k",
        explicit_hash_key: None,
    }];
    let batch = kinesis::types::PutRecordsInput {
        records: &entries,
        ..Default::default()
    };
    let shape = kinesis::SERVICE
        .shape(kinesis::types::PutRecordsInput::SHAPE)
        .unwrap();
    let (i, _) = shape.member("Records").unwrap();
    match batch.member(i) {
        Some(Value::List(l)) => {
            assert_eq!(l.len(), 1);
            assert!(matches!(l.get(0), Some(Value::Struct(_))));
        }
        other => panic!("Records: {other:?}"),
    }
    let status = kinesis::types::StreamStatus::from_wire("ACTIVE");
    assert_eq!(status, kinesis::types::StreamStatus::Active);
    assert_eq!(
        kinesis::types::StreamStatus::from_wire("NEW").as_str(),
        "NEW"
    );
}
