//! Owned forms (`alloc`): owned inputs serialize to the same bytes as borrowed
//! ones (one engine), and owned outputs decode from parsed responses
//! (`cargo test -p stratus-models --features kinesis,alloc`).
#![cfg(all(feature = "kinesis", feature = "alloc"))]

use stratus_core::model::view::{DecodeError, FromNode};
use stratus_core::protocol::parse::{Parsed, Response, ResponseParser};
use stratus_core::protocol::serialize::{SerializeOptions, serialize};
use stratus_core::time::Timestamp;
use stratus_models::kinesis::{SERVICE, output, owned, types};

/// Method-independent parts of a serialized request: target, path, query,
/// headers and body, as owned text so two requests can be compared.
fn serialized(op: &str, input: &dyn stratus_core::model::StructValue) -> (Vec<String>, Vec<u8>) {
    let op = SERVICE.operation(op).expect("kinesis operation");
    let mut buf = [0u8; 2048];
    let req =
        serialize(SERVICE, op, input, &SerializeOptions::default(), &mut buf).expect("serializes");
    let mut parts = vec![
        req.target().to_string(),
        req.path().to_string(),
        req.query().to_string(),
    ];
    parts.extend(req.headers().map(|(k, v)| format!("{k}: {v}")));
    (parts, req.body().to_vec())
}

#[test]
fn owned_put_record_serializes_like_borrowed() {
    let borrowed = types::PutRecordInput {
        stream_name: Some("my-stream"),
        data: b"temperature=21.5",
        partition_key: "sensor-7",
        explicit_hash_key: Some("42"),
        ..Default::default()
    };
    let owned = owned::PutRecordInput {
        stream_name: Some("my-stream".into()),
        data: b"temperature=21.5".to_vec(),
        partition_key: "sensor-7".into(),
        explicit_hash_key: Some("42".into()),
        ..Default::default()
    };
    let a = serialized("PutRecord", &borrowed);
    let b = serialized("PutRecord", &owned);
    assert_eq!(a, b);
    assert!(!a.1.is_empty());
    // A different owned value gives different bytes: the comparison can fail.
    let other = owned::PutRecordInput {
        partition_key: "sensor-8".into(),
        ..owned.clone()
    };
    assert_ne!(serialized("PutRecord", &other).1, b.1);
    println!(
        "PutRecord: owned and borrowed inputs give the same {} body bytes",
        a.1.len()
    );
}

#[test]
fn owned_lists_and_maps_serialize_like_borrowed() {
    let entries = [
        types::PutRecordsRequestEntry {
            data: b"a",
            partition_key: "p1",
            ..Default::default()
        },
        types::PutRecordsRequestEntry {
            data: b"\x00\xff",
            partition_key: "p\u{e9}",
            explicit_hash_key: Some("7"),
        },
    ];
    let borrowed = types::PutRecordsInput {
        records: &entries,
        stream_name: Some("s"),
        ..Default::default()
    };
    let owned = owned::PutRecordsInput {
        records: vec![
            owned::PutRecordsRequestEntry {
                data: b"a".to_vec(),
                partition_key: "p1".into(),
                ..Default::default()
            },
            owned::PutRecordsRequestEntry {
                data: vec![0, 0xff],
                partition_key: "p\u{e9}".into(),
                explicit_hash_key: Some("7".into()),
            },
        ],
        stream_name: Some("s".into()),
        ..Default::default()
    };
    assert_eq!(
        serialized("PutRecords", &borrowed),
        serialized("PutRecords", &owned)
    );

    let tags = [("team", "iot"), ("env", "prod")];
    let borrowed = types::AddTagsToStreamInput {
        stream_name: Some("s"),
        tags: &tags,
        ..Default::default()
    };
    let owned = owned::AddTagsToStreamInput {
        stream_name: Some("s".into()),
        tags: tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        ..Default::default()
    };
    let (_, body) = serialized("AddTagsToStream", &owned);
    assert_eq!(serialized("AddTagsToStream", &borrowed).1, body);
    let text = String::from_utf8(body).expect("JSON");
    assert!(
        text.find("team") < text.find("env"),
        "map keeps entry order: {text}"
    );
}

fn parse_output<T>(
    op: &str,
    body: &[u8],
    f: impl FnOnce(stratus_core::model::view::Node<'_>) -> T,
) -> T {
    let op = SERVICE.operation(op).expect("kinesis operation");
    let headers = [("x-amzn-RequestId", "r-1")];
    let parser = ResponseParser::new(
        SERVICE,
        op,
        Response {
            status: 200,
            headers: (&headers).into(),
            body,
        },
    );
    let out = match parser.parse() {
        Ok(Parsed::Output(out)) => out,
        other => panic!("expected an output, got {other:?}"),
    };
    f(out.node)
}

#[test]
fn owned_put_record_output_from_view() {
    let body = br#"{"ShardId":"shardId-000000000001","SequenceNumber":"4959\u0030","EncryptionType":"KMS"}"#;
    let owned = parse_output("PutRecord", body, |node| {
        let view = output::PutRecordOutput::from_node(node).expect("view decodes");
        let a = view.decode_owned().expect("owned decodes");
        let b = owned::PutRecordOutput::try_from(view).expect("owned decodes");
        assert_eq!(a, b);
        a
    });
    assert_eq!(owned.shard_id.as_deref(), Some("shardId-000000000001"));
    assert_eq!(
        owned.sequence_number.as_deref(),
        Some("49590"),
        "escape decoded"
    );
    assert_eq!(owned.encryption_type, Some(owned::EncryptionType::Kms));
}

#[test]
fn owned_list_output_decodes_lists_enums_timestamps() {
    let body = br#"{"StreamNames":["a","b\n"],"HasMoreStreams":true,
        "StreamSummaries":[{"StreamName":"a","StreamARN":"arn:a","StreamStatus":"ACTIVE",
          "StreamModeDetails":{"StreamMode":"ON_DEMAND"},"StreamCreationTimestamp":1700000000},
          {"StreamName":"b","StreamARN":"arn:b","StreamStatus":"R\u00e9SIZING"}]}"#;
    let out = parse_output("ListStreams", body, |node| {
        output::ListStreamsOutput::from_node(node)
            .and_then(|v| v.decode_owned())
            .expect("decodes")
    });
    assert_eq!(
        out.stream_names,
        Some(vec!["a".to_string(), "b\n".to_string()])
    );
    assert_eq!(out.has_more_streams, Some(true));
    let summaries = out.stream_summaries.expect("summaries");
    assert_eq!(summaries.len(), 2);
    assert_eq!(
        summaries[0].stream_status,
        Some(owned::StreamStatus::Active)
    );
    assert_eq!(
        summaries[0]
            .stream_mode_details
            .as_ref()
            .map(|d| &d.stream_mode),
        Some(&Some(owned::StreamMode::OnDemand))
    );
    assert_eq!(
        summaries[0].stream_creation_timestamp,
        Some(Timestamp {
            secs: 1_700_000_000,
            nanos: 0
        })
    );
    // Values outside the model stay, decoded.
    assert_eq!(
        summaries[1].stream_status,
        Some(owned::StreamStatus::Unknown("R\u{e9}SIZING".into()))
    );
    // The owned output is a StructValue too: it serializes like any input.
    let shape = SERVICE
        .shape(owned::ListStreamsOutput::SHAPE)
        .expect("shape");
    assert_eq!(shape.name, "ListStreamsOutput");
}

#[test]
fn owned_decode_reports_bad_data() {
    let cases: [(&[u8], DecodeError); 2] = [
        (
            br#"{"ShardId":7,"SequenceNumber":"1"}"#,
            DecodeError::WrongType,
        ),
        (
            br#"{"ShardId":"s","SequenceNumber":"1","EncryptionType":"\ud800"}"#,
            DecodeError::BadEscape,
        ),
    ];
    for (body, want) in cases {
        let got = parse_output("PutRecord", body, |node| {
            output::PutRecordOutput::from_node(node).and_then(|v| v.decode_owned())
        });
        assert_eq!(got, Err(want), "{}", String::from_utf8_lossy(body));
    }
    let body = br#"{"Records":[{"Data":"not*base64","PartitionKey":"p"}]}"#;
    let got = parse_output("GetRecords", body, |node| {
        output::GetRecordsOutput::from_node(node).and_then(|v| v.decode_owned())
    });
    assert!(matches!(got, Err(DecodeError::BadBase64)), "{got:?}");
    println!("owned decode: 3 malformed responses give typed DecodeErrors");
}
