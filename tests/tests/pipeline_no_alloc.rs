//! A stubbed Kinesis PutRecord through the whole pipeline — events, params,
//! endpoint rules, serialization, the stubber's answer, parsing and the
//! `after-call` result — makes no heap allocation. Its own test binary, so no
//! other test's allocations are counted; everything is set up before counting.

use stratus_core::client::test_support::VirtualClock;
use stratus_core::client::{Buffers, Client, ClientConfig, Order, Stubber};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_core::format::SliceSink;
use stratus_models::kinesis::types::PutRecordInput;
use stratus_tests::{allocations_during, pipeline::ScriptedTransport};

#[global_allocator]
static GLOBAL: stratus_tests::CountingAllocator = stratus_tests::CountingAllocator;

const OK: &[u8] = br#"{"ShardId":"shardId-000000000001","SequenceNumber":"4959"}"#;
const HEADERS: [(&str, &str); 1] = [("Content-Type", "application/x-amz-json-1.1")];

#[test]
fn a_stubbed_put_record_makes_no_heap_allocation() {
    let counted = allocations_during(|| {
        std::hint::black_box(Box::new(7u8));
    });
    assert!(counted >= 1, "the counting allocator is not installed");

    // Handlers outlive the client that borrows them.
    let stubber: Stubber<'_, 4> = Stubber::new();
    let transport = ScriptedTransport::new([]);
    let clock = VirtualClock::new(1_700_000_000);
    let creds = StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).unwrap());
    let config = ClientConfig::default().region("eu-west-1");
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        config,
        &transport,
        &creds,
        &clock,
    )
    .with_partitions(&stratus_models::PARTITIONS);
    stubber
        .add_response(
            "PutRecord",
            200,
            &HEADERS,
            OK,
            Some(r#"{"StreamName": "s", "Data": "aGk=", "PartitionKey": "p"}"#),
        )
        .unwrap();
    client.register("*", &stubber, Order::Normal, None).unwrap();
    let input = PutRecordInput {
        stream_name: Some("s"),
        data: b"hi",
        partition_key: "p",
        ..Default::default()
    };
    let mut bufs = Box::new(Buffers::<4096, 4096>::new());
    let mut json = [0u8; 256];
    let mut json_len = 0;

    let n = allocations_during(|| {
        let out = embassy_futures::block_on(client.call("PutRecord", &input, bufs.workspace()))
            .expect("the stub answers");
        let mut sink = SliceSink::new(&mut json);
        out.write_json(&mut sink).expect("fits");
        json_len = sink.len();
    });
    assert_eq!(n, 0, "the stubbed call allocated {n} times");
    assert_eq!(
        &json[..json_len],
        br#"{"ShardId":"shardId-000000000001","SequenceNumber":"4959"}"#
    );
    stubber.assert_no_pending_responses().unwrap();
    assert_eq!(transport.sent().len(), 0, "nothing was sent");
    println!("stubbed PutRecord through the pipeline: {n} heap allocations");
}
