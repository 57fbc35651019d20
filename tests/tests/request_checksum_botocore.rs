//! Flexible request checksums against botocore 1.43.11's client: for each case
//! `tests/oracle/checksum_oracle.py` builds the request with botocore (stopped
//! before sending) and prints its checksum headers; stratus serializes the same
//! input with `SerializeOptions { checksum: Some(..) }` and must produce the
//! same checksum headers over the same body.

use std::collections::BTreeMap;

use serde_json::{Value as J, json};
use stratus_core::format::json::{InputSlots, JsonInput};
use stratus_core::protocol::serialize::{
    FixedToken, RequestChecksumCalculation, SerializeError, SerializeOptions, serialize,
};

const TOKEN: &[u8; 36] = b"00000000-0000-4000-8000-000000000000";

/// One case: `(service, model operation, python method, calculation, params, blob members)`.
type Case = (
    &'static str,
    &'static str,
    &'static str,
    &'static str,
    J,
    Vec<&'static str>,
);

fn cases() -> Vec<Case> {
    let hello = "aGVsbG8gd29ybGQ="; // b"hello world"
    let delete = json!({"Bucket": "b", "Delete": {"Objects": [{"Key": "a"}, {"Key": "b/c"}]}});
    let cors = json!({"Bucket": "b", "CORSConfiguration": {"CORSRules": [
        {"AllowedMethods": ["GET"], "AllowedOrigins": ["*"]}]}});
    vec![
        (
            "s3",
            "PutObject",
            "put_object",
            "when_supported",
            json!({"Bucket": "b", "Key": "k", "Body": hello}),
            vec!["Body"],
        ),
        (
            "s3",
            "PutObject",
            "put_object",
            "when_supported",
            json!({"Bucket": "b", "Key": "k", "Body": ""}),
            vec!["Body"],
        ),
        (
            "s3",
            "PutObject",
            "put_object",
            "when_required",
            json!({"Bucket": "b", "Key": "k", "Body": hello}),
            vec!["Body"],
        ),
        (
            "s3",
            "PutObject",
            "put_object",
            "when_supported",
            json!({"Bucket": "b", "Key": "k", "Body": hello, "ChecksumAlgorithm": "SHA256"}),
            vec!["Body"],
        ),
        (
            "s3",
            "PutObject",
            "put_object",
            "when_required",
            json!({"Bucket": "b", "Key": "k", "Body": hello, "ChecksumAlgorithm": "SHA1"}),
            vec!["Body"],
        ),
        (
            "s3",
            "PutObject",
            "put_object",
            "when_supported",
            json!({"Bucket": "b", "Key": "k", "Body": hello, "ChecksumAlgorithm": "CRC32"}),
            vec!["Body"],
        ),
        (
            "s3",
            "PutObject",
            "put_object",
            "when_supported",
            json!({"Bucket": "b", "Key": "k", "Body": hello, "ChecksumCRC32": "AAAAAA=="}),
            vec!["Body"],
        ),
        (
            "s3",
            "DeleteObjects",
            "delete_objects",
            "when_required",
            delete.clone(),
            vec![],
        ),
        (
            "s3",
            "DeleteObjects",
            "delete_objects",
            "when_supported",
            delete,
            vec![],
        ),
        (
            "s3",
            "PutBucketCors",
            "put_bucket_cors",
            "when_required",
            cors,
            vec![],
        ),
        (
            "s3",
            "UploadPart",
            "upload_part",
            "when_supported",
            json!({"Bucket": "b", "Key": "k", "PartNumber": 1, "UploadId": "u", "Body": hello}),
            vec!["Body"],
        ),
        (
            "s3",
            "GetObject",
            "get_object",
            "when_supported",
            json!({"Bucket": "b", "Key": "k"}),
            vec![],
        ),
    ]
}

fn oracle(cases: &J) -> Vec<J> {
    let script = stratus_tests::workspace_root().join("tests/oracle/checksum_oracle.py");
    let mut oracle = stratus_tests::python();
    oracle.arg(script);
    let out =
        stratus_tests::oracle_json(oracle, cases.to_string().as_bytes(), "the checksum oracle");
    serde_json::from_value::<Vec<J>>(out).expect("oracle prints a JSON list")
}

fn b64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut s = String::new();
    for c in bytes.chunks(3) {
        let b = |i: usize| c.get(i).copied().unwrap_or(0) as usize;
        let n = (b(0) << 16) | (b(1) << 8) | b(2);
        for k in 0..4 {
            if k <= c.len() {
                s.push(A[(n >> (18 - 6 * k)) & 63] as char);
            } else {
                s.push('=');
            }
        }
    }
    s
}

#[test]
fn request_checksums_match_botocore() {
    let cases = cases();
    let list: Vec<J> = cases
        .iter()
        .map(|(svc, _, method, calc, params, blobs)| {
            json!({"service": svc, "method": method, "calc": calc, "params": params, "blobs": blobs})
        })
        .collect();
    let expected = oracle(&J::Array(list));
    assert_eq!(expected.len(), cases.len());
    let mut passed = 0;
    for ((svc, op_name, _, calc, params, _), want) in cases.iter().zip(&expected) {
        let model = stratus_models::service(svc).expect("service built");
        let op = model.operation(op_name).expect("operation in model");
        let text = params.to_string();
        let slots: InputSlots<'_, 64> = InputSlots::new();
        let mut scratch = vec![0u8; 4096];
        let input = JsonInput::new(&text, model, op.input.expect("input"), &slots, &mut scratch)
            .unwrap_or_else(|e| panic!("{op_name}: input: {e}"));
        let tokens = FixedToken(*TOKEN);
        let calculation = match *calc {
            "when_required" => RequestChecksumCalculation::WhenRequired,
            _ => RequestChecksumCalculation::WhenSupported,
        };
        let opts = SerializeOptions {
            tokens: Some(&tokens),
            checksum: Some(calculation),
            ..SerializeOptions::default()
        };
        let mut buf = vec![0u8; 1 << 14];
        let req = serialize(model, op, &input, &opts, &mut buf)
            .unwrap_or_else(|e| panic!("{op_name}: serialize: {e}"));
        let got: BTreeMap<String, String> = req
            .headers()
            .filter(|(n, _)| {
                let n = n.to_ascii_lowercase();
                n.starts_with("x-amz-checksum-")
                    || n == "x-amz-sdk-checksum-algorithm"
                    || n == "content-md5"
            })
            .map(|(n, v)| (n.to_ascii_lowercase(), v.to_string()))
            .collect();
        let mut want_headers: BTreeMap<String, String> =
            serde_json::from_value(want["headers"].clone()).expect("headers object");
        // botocore's response-checksum validation (`response_checksum_validation`,
        // `requestValidationModeMember`) asks for checksums on GetObject's reply;
        // stratus does not validate response checksums yet, so it does not ask.
        if want_headers.remove("x-amz-checksum-mode").is_some() {
            println!(
                "note {op_name}: x-amz-checksum-mode (response validation) not sent: not implemented"
            );
        }
        assert_eq!(
            b64(req.body()),
            want["body"].as_str().unwrap_or(""),
            "{op_name} {params}: body differs from botocore's"
        );
        assert_eq!(got, want_headers, "{op_name} ({calc}) {params}");
        println!("ok  {op_name:<14} {calc:<15} {got:?}");
        passed += 1;
    }
    println!("request checksums: {passed}/{} match botocore", cases.len());
}

#[test]
fn unsupported_algorithms_are_typed_errors() {
    let model = stratus_models::service("s3").expect("s3 built");
    let op = model.operation("PutObject").expect("PutObject");
    // CRC32C needs botocore's optional CRT; neither computes it here.
    let text = r#"{"Bucket": "b", "Key": "k", "ChecksumAlgorithm": "CRC32C"}"#;
    let slots: InputSlots<'_, 16> = InputSlots::new();
    let mut scratch = [0u8; 256];
    let input =
        JsonInput::new(text, model, op.input.expect("input"), &slots, &mut scratch).expect("input");
    let mut buf = [0u8; 2048];
    let r = serialize(model, op, &input, &SerializeOptions::client(), &mut buf);
    assert_eq!(r.err(), Some(SerializeError::UnsupportedChecksum));
    // Off (the serializer alone), the same input serializes without a checksum.
    let plain = serialize(model, op, &input, &SerializeOptions::default(), &mut buf).expect("ok");
    assert!(
        plain
            .headers()
            .all(|(n, _)| !n.starts_with("x-amz-checksum-"))
    );
}
