//! Parsing allocates nothing: a counting global allocator sees zero heap
//! allocations while a Kinesis PutRecord response is parsed into the generated
//! typed output (and its fields read), an error response into the operation's
//! error enum, and the output written as JSON into a caller's buffer. Its own
//! test binary, so no other test's allocations are counted.

use stratus_core::format::SliceSink;
use stratus_core::model::view::FromNode;
use stratus_core::protocol::parse::{Parsed, Response, ResponseParser};
use stratus_models::kinesis;

#[global_allocator]
static GLOBAL: stratus_tests::CountingAllocator = stratus_tests::CountingAllocator;

use stratus_tests::allocations_during;

const OK_BODY: &[u8] = br#"{"ShardId":"shardId-000000000001","SequenceNumber":"49590338271490256608559692538361571095921575989136588898","EncryptionType":"KMS"}"#;
const ERR_BODY: &[u8] = br#"{"__type":"ResourceNotFoundException","message":"Stream s not found"}"#;
const HEADERS: [(&str, &str); 2] = [
    ("x-amzn-RequestId", "c5b1a1e0-0000-4000-8000-000000000000"),
    ("Content-Type", "application/x-amz-json-1.1"),
];

#[test]
fn parsing_put_record_makes_no_heap_allocation() {
    // Sanity: the counter sees a real allocation.
    let counted = allocations_during(|| {
        std::hint::black_box(Box::new(7u8));
    });
    assert!(counted >= 1, "the counting allocator is not installed");

    let model = kinesis::SERVICE;
    let op = model.operation("PutRecord").expect("kinesis has PutRecord");
    let mut shard = [0u8; 64];
    let mut json = [0u8; 512];
    let mut json_len = 0;
    let mut error_matches = false;
    let mut message = [0u8; 64];

    let n = allocations_during(|| {
        let ok = ResponseParser::new(
            model,
            op,
            Response {
                status: 200,
                headers: (&HEADERS).into(),
                body: OK_BODY,
            },
        );
        let Ok(Parsed::Output(out)) = ok.parse() else {
            panic!("expected an output")
        };
        let typed = kinesis::output::PutRecordOutput::from_node(out.node).expect("decodes");
        let id = typed.shard_id.expect("ShardId");
        let id = id.decode_into(&mut shard).expect("fits");
        assert_eq!(id, "shardId-000000000001");
        assert!(
            typed
                .sequence_number
                .expect("SequenceNumber")
                .eq_str("49590338271490256608559692538361571095921575989136588898")
        );
        assert!(typed.encryption_type.is_some());
        let mut sink = SliceSink::new(&mut json);
        out.write_json(&mut sink).expect("json fits");
        json_len = sink.len();

        let err = ResponseParser::new(
            model,
            op,
            Response {
                status: 400,
                headers: (&HEADERS).into(),
                body: ERR_BODY,
            },
        );
        let Ok(Parsed::Error(e)) = err.parse() else {
            panic!("expected an error")
        };
        let typed = kinesis::errors::PutRecordError::from_code(e.code, e.node, e.message)
            .expect("error decodes");
        error_matches = matches!(
            typed,
            kinesis::errors::PutRecordError::ResourceNotFoundException(_)
        ) && typed.code() == "ResourceNotFoundException";
        let text = e.message.expect("message");
        let _ = text.decode_into(&mut message).expect("fits");
    });
    println!("heap allocations while parsing PutRecord output, error and JSON: {n}");
    assert_eq!(n, 0, "parsing allocated {n} times");
    assert!(
        error_matches,
        "the error decodes as ResourceNotFoundException"
    );
    let json = std::str::from_utf8(&json[..json_len]).expect("utf-8");
    assert_eq!(
        json,
        r#"{"ShardId":"shardId-000000000001","SequenceNumber":"49590338271490256608559692538361571095921575989136588898","EncryptionType":"KMS"}"#
    );
}
