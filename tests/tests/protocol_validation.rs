//! Parameter validation runs before serialization in every protocol and names
//! the member path; turning it off lets the same input through.

use serde_json::json;
use stratus_codegen::model::parse_service;
use stratus_codegen::runtime::leak_service;
use stratus_core::format::json::{InputSlots, JsonInput};
use stratus_core::protocol::serialize::{SerializeError, SerializeOptions, serialize};

const PROTOCOLS: [&str; 6] = [
    "json",
    "rest-json",
    "rest-xml",
    "query",
    "ec2",
    "smithy-rpc-v2-cbor",
];

/// `(input JSON, expected error text)`.
const CASES: [(&str, &str); 5] = [
    (
        r#"{"Records": [{"PartitionKey": "a"}, {"Data": "eA=="}]}"#,
        "Records[1].PartitionKey: required",
    ),
    (r#"{}"#, "Records: required"),
    (r#"{"Records": []}"#, "Records: invalid length (below min)"),
    (
        r#"{"Records": [{"PartitionKey": ""}]}"#,
        "Records[0].PartitionKey: invalid length (below min)",
    ),
    (
        r#"{"Records": [{"PartitionKey": "a"}], "Count": -1, "Tags": {"env": ""}}"#,
        "Count: invalid range (below min)",
    ),
];

fn model(protocol: &str) -> &'static stratus_core::model::ServiceModel {
    let doc = json!({
        "metadata": {"protocol": protocol, "apiVersion": "2020-01-01", "endpointPrefix": "svc",
                     "serviceId": "Svc", "signatureVersion": "v4", "targetPrefix": "Svc",
                     "jsonVersion": "1.1"},
        "operations": {"PutRecords": {"name": "PutRecords",
            "http": {"method": "POST", "requestUri": "/records"},
            "input": {"shape": "PutRecordsInput", "locationName": "PutRecordsRequest"}}},
        "shapes": {
            "PutRecordsInput": {"type": "structure", "required": ["Records"], "members": {
                "Records": {"shape": "RecordList"},
                "Count": {"shape": "Count"},
                "Tags": {"shape": "Tags"}}},
            "RecordList": {"type": "list", "member": {"shape": "Record"}, "min": 1},
            "Record": {"type": "structure", "required": ["PartitionKey"], "members": {
                "PartitionKey": {"shape": "Key"}, "Data": {"shape": "Data"}}},
            "Key": {"type": "string", "min": 1},
            "Data": {"type": "blob"},
            "Count": {"type": "integer", "min": 0},
            "Tags": {"type": "map", "key": {"shape": "Key"}, "value": {"shape": "Key"}},
        },
    });
    leak_service(&parse_service("svc", &doc).expect("model parses"))
}

#[test]
fn invalid_inputs_name_the_member_path_in_every_protocol() {
    let mut checked = 0;
    for protocol in PROTOCOLS {
        let model = model(protocol);
        let op = model.operation("PutRecords").expect("operation");
        let shape = op.input.expect("input");
        for (text, want) in CASES {
            let slots: InputSlots<'_, 32> = InputSlots::new();
            let mut scratch = [0u8; 256];
            let input =
                JsonInput::new(text, model, shape, &slots, &mut scratch).expect("input parses");
            let mut buf = [0u8; 2048];
            match serialize(model, op, &input, &SerializeOptions::default(), &mut buf) {
                Err(SerializeError::Invalid(e)) => {
                    assert_eq!(e.to_string(), want, "{protocol}: {text}")
                }
                other => panic!("{protocol}: {text}: expected a validation error, got {other:?}"),
            }
            let off = SerializeOptions {
                validate: false,
                ..SerializeOptions::default()
            };
            let mut buf = [0u8; 2048];
            serialize(model, op, &input, &off, &mut buf)
                .unwrap_or_else(|e| panic!("{protocol}: {text}: without validation: {e}"));
            checked += 1;
        }
    }
    println!(
        "{checked} invalid inputs rejected with their member path over {} protocols",
        PROTOCOLS.len()
    );
}
