//! End to end: a kinesis client calls PutRecord through StdTransport against
//! a local server answering canned JSON; the server's view of the request
//! (method, path, headers, signature, body) is checked.

mod net_common;

use net_common::{keep_serving, serve};
use stratus_core::client::{Client, ClientConfig};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_core::format::FmtSink;
use stratus_models::kinesis::types::PutRecordInput;
use stratus_transport_std::SystemClock;
use stratus_transport_std::blocking::{self, HeapBuffers};
use stratus_transport_std::net::StdTransport;

const REPLY: &str = r#"{"ShardId":"shardId-000000000000","SequenceNumber":"49590338271490256608559692538361571095921575989136588898","EncryptionType":"NONE"}"#;

#[test]
fn put_record_through_the_std_transport() {
    let server = serve(2, |s, _, reqs| {
        keep_serving(s, reqs, |_| {
            format!(
                "HTTP/1.1 200 OK\r\nx-amzn-RequestId: d2f1f1c6-0000\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\n\r\n{REPLY}",
                REPLY.len()
            )
            .into_bytes()
        })
    });
    let endpoint = format!("http://127.0.0.1:{}", server.port);
    let transport = StdTransport::new().unwrap();
    let creds = StaticCredentials::new(
        Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
        )
        .unwrap(),
    );
    let config = ClientConfig::default()
        .region("us-east-1")
        .endpoint_url(&endpoint);
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        config,
        &transport,
        &creds,
        SystemClock,
    );
    let input = PutRecordInput {
        stream_name: Some("example-stream"),
        data: b"hello from stratus",
        partition_key: "sensor-1",
        ..Default::default()
    };
    let mut bufs = HeapBuffers::new(16 * 1024, 16 * 1024);
    for _ in 0..2 {
        let out = blocking::call(&client, "PutRecord", &input, bufs.workspace()).unwrap();
        let mut json = FmtSink(String::new());
        out.write_json(&mut json).unwrap();
        println!("output: {}", json.0);
        assert_eq!(out.status(), 200);
        assert!(json.0.contains("shardId-000000000000"), "{}", json.0);
    }

    let reqs = server.requests();
    let req = &reqs[0];
    println!("{}", req.head.escape_debug());
    println!("body: {}", String::from_utf8_lossy(&req.body));
    assert_eq!(req.method, "POST");
    assert_eq!(req.target, "/");
    assert_eq!(
        req.header("host"),
        Some(format!("127.0.0.1:{}", server.port).as_str())
    );
    assert_eq!(
        req.header("x-amz-target"),
        Some("Kinesis_20131202.PutRecord")
    );
    assert_eq!(
        req.header("content-type"),
        Some("application/x-amz-json-1.1")
    );
    assert_eq!(
        req.header("content-length"),
        Some(req.body.len().to_string().as_str())
    );
    let date = req.header("x-amz-date").unwrap();
    assert_eq!(date.len(), 16);
    let auth = req.header("authorization").unwrap();
    let scope = format!(
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/{}/us-east-1/kinesis/aws4_request, SignedHeaders=",
        &date[..8]
    );
    assert!(auth.starts_with(&scope), "{auth}");
    let signed = auth
        .split("SignedHeaders=")
        .nth(1)
        .unwrap()
        .split(',')
        .next()
        .unwrap();
    for h in ["content-type", "host", "x-amz-date", "x-amz-target"] {
        assert!(
            signed.split(';').any(|s| s == h),
            "{h} not signed: {signed}"
        );
    }
    let signature = auth.rsplit("Signature=").next().unwrap();
    assert_eq!(signature.len(), 64);
    assert!(signature.bytes().all(|b| b.is_ascii_hexdigit()));
    let body: serde_json::Value = serde_json::from_slice(&req.body).unwrap();
    assert_eq!(
        body,
        serde_json::json!({
            "StreamName": "example-stream",
            "Data": "aGVsbG8gZnJvbSBzdHJhdHVz",
            "PartitionKey": "sensor-1"
        })
    );
    // Both calls on one kept-alive connection.
    assert_eq!(reqs.len(), 2);
    assert_eq!(server.accepted(), 1);
}
