//! Serializing a Kinesis PutRecord allocates nothing: a counting global
//! allocator sees zero heap allocations while the typed input from
//! `stratus-models` (feature `kinesis`) is validated and serialized into a stack
//! buffer. Its own test binary, so no other test's allocations are counted.

use stratus_core::protocol::serialize::{SerializeOptions, serialize};
use stratus_models::kinesis::{SERVICE, types::PutRecordInput};

#[global_allocator]
static GLOBAL: stratus_tests::CountingAllocator = stratus_tests::CountingAllocator;

use stratus_tests::allocations_during;

#[test]
fn put_record_serializes_without_heap() {
    let counted = allocations_during(|| {
        let v: Vec<u8> = std::hint::black_box(Vec::with_capacity(64));
        drop(v);
    });
    assert!(counted >= 1, "the counting allocator does not count");

    let op = SERVICE
        .operation("PutRecord")
        .expect("kinesis has PutRecord");
    let input = PutRecordInput {
        stream_name: Some("my-stream"),
        data: b"temperature=21.5",
        partition_key: "sensor-7",
        ..Default::default()
    };
    let opts = SerializeOptions::default();
    let mut buf = [0u8; 512];
    let mut body_len = 0;
    let mut target = [0u8; 64];
    let mut target_len = 0;
    let n = allocations_during(|| {
        let req = serialize(SERVICE, op, &input, &opts, &mut buf).expect("serializes");
        body_len = req.body().len();
        let t = req.header("X-Amz-Target").unwrap_or("").as_bytes();
        target_len = t.len().min(64);
        target[..target_len].copy_from_slice(&t[..target_len]);
    });
    assert_eq!(n, 0, "serializing PutRecord allocated {n} times");
    assert_eq!(&target[..target_len], b"Kinesis_20131202.PutRecord");
    let req = serialize(SERVICE, op, &input, &opts, &mut buf).expect("serializes");
    assert_eq!(
        std::str::from_utf8(req.body()).expect("JSON is UTF-8"),
        r#"{"StreamName": "my-stream", "Data": "dGVtcGVyYXR1cmU9MjEuNQ==", "PartitionKey": "sensor-7"}"#
    );
    println!("PutRecord: {body_len} body bytes, 0 heap allocations");

    // Validation names the member path.
    let bad = PutRecordInput {
        stream_name: Some("my-stream"),
        data: b"x",
        partition_key: "",
        ..Default::default()
    };
    let err = serialize(SERVICE, op, &bad, &opts, &mut buf).expect_err("empty partition key");
    assert_eq!(err.to_string(), "PartitionKey: invalid length (below min)");
}
