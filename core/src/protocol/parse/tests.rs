//! Parser behaviour the botocore suites do not reach: S3's 200-with-an-error
//! replies, generic 5xx pages, unreadable error bodies, missing query wrappers,
//! truncated bodies, `jsonvalue` headers.

use super::*;
use crate::client::test_support::DEMO_METADATA;
use crate::format::SliceSink;
use crate::model::view;
use crate::model::*;

const fn member(name: &'static str, target: u16) -> Member {
    Member::new(name, ShapeId(target))
}

static OUT_MEMBERS: [Member; 3] = [
    member("Name", 3),
    Member {
        location_name: Some("x-doc"),
        location: Location::Header,
        flags: MemberFlags::JSON_VALUE,
        ..member("Doc", 3)
    },
    member("Blob", 0),
];
static STREAM_MEMBERS: [Member; 1] = [member("Body", 0)];
static FAULT_MEMBERS: [Member; 1] = [member("Message", 3)];

static SHAPES: [Shape; 5] = [
    Shape::new("Blob", ShapeKind::Blob),
    Shape {
        flags: ShapeFlags::EXCEPTION,
        ..Shape::new(
            "NoSuchKey",
            ShapeKind::Structure {
                members: &FAULT_MEMBERS,
                payload: None,
            },
        )
    },
    Shape::new(
        "Out",
        ShapeKind::Structure {
            members: &OUT_MEMBERS,
            payload: None,
        },
    ),
    Shape::new("String", ShapeKind::String { enum_values: &[] }),
    Shape::new(
        "StreamOut",
        ShapeKind::Structure {
            members: &STREAM_MEMBERS,
            payload: Some(0),
        },
    ),
];

const fn op(name: &'static str, output: u16) -> Operation {
    Operation {
        http_method: HttpMethod::Get,
        output: Some(ShapeId(output)),
        errors: &[ShapeId(1)],
        ..Operation::new(name)
    }
}

static OPS: [Operation; 2] = [op("Get", 2), op("GetObject", 4)];

const fn model(name: &'static str, protocol: Protocol) -> ServiceModel {
    ServiceModel {
        name,
        metadata: ServiceMetadata {
            protocol,
            protocols: &[],
            api_version: "2006-03-01",
            endpoint_prefix: "t",
            signing_name: "t",
            service_id: "T",
            target_prefix: None,
            json_version: None,
            ..DEMO_METADATA
        },
        operations: &OPS,
        shapes: &SHAPES,
    }
}

static S3: ServiceModel = model("s3", Protocol::RestXml);
static REST_JSON: ServiceModel = model("t", Protocol::RestJson);
static QUERY: ServiceModel = model("t", Protocol::Query);

fn parse_with<R>(
    m: &'static ServiceModel,
    op: &str,
    status: u16,
    headers: &[(&str, &str)],
    body: &[u8],
    f: impl FnOnce(Result<Parsed<'_>, ParseError>) -> R,
) -> R {
    let op = m.operation(op).unwrap();
    let p = ResponseParser::new(
        m,
        op,
        Response {
            status,
            headers: headers.into(),
            body,
        },
    );
    f(p.parse())
}

fn json_of(p: &Parsed<'_>) -> heapless::String<256> {
    let mut buf = [0u8; 256];
    let mut sink = SliceSink::new(&mut buf);
    p.write_json(&mut sink).unwrap();
    let mut s = heapless::String::new();
    s.push_str(core::str::from_utf8(sink.written()).unwrap())
        .unwrap();
    s
}

#[test]
fn s3_200_with_error_body_is_an_error() {
    let body = b"<Error><Code>NoSuchKey</Code><Message>gone</Message></Error>";
    parse_with(&S3, "Get", 200, &[], body, |r| {
        let Ok(Parsed::Error(e)) = r else {
            panic!("{r:?}")
        };
        assert_eq!((e.status, e.code), (500, "NoSuchKey"));
        assert_eq!(e.shape.map(|s| s.name), Some("NoSuchKey"));
        let p = Parsed::Error(e);
        assert_eq!(
            json_of(&p).as_str(),
            r#"{"Error":{"Code":"NoSuchKey","Message":"gone"},"Message":"gone"}"#
        );
    });
    // A cut-off body on a 200 is an error too (botocore retries it as a 500).
    parse_with(&S3, "Get", 200, &[], b"<Out><Name>a</Na", |r| {
        let Ok(Parsed::Error(e)) = r else {
            panic!("{r:?}")
        };
        assert_eq!((e.status, e.code), (500, "500"));
    });
    // A streaming (blob payload) output is never taken for an error.
    parse_with(&S3, "GetObject", 200, &[], b"<Error/>", |r| {
        assert!(matches!(r, Ok(Parsed::Output(_))));
    });
    // Not S3: a 200 is an output.
    parse_with(&REST_JSON, "Get", 200, &[], b"{}", |r| {
        assert!(matches!(r, Ok(Parsed::Output(_))));
    });
}

#[test]
fn generic_and_unreadable_error_bodies() {
    parse_with(
        &REST_JSON,
        "Get",
        503,
        &[],
        b"<html><body>busy</body></html>",
        |r| {
            let Ok(Parsed::Error(e)) = r else {
                panic!("{r:?}")
            };
            assert!(e.generic);
            assert_eq!(e.code, "503");
            assert!(e.message.unwrap().eq_str("Service Unavailable"));
        },
    );
    // JSON that does not parse becomes the message (botocore's fallback).
    parse_with(&REST_JSON, "Get", 400, &[], b"not json", |r| {
        let Ok(Parsed::Error(e)) = r else {
            panic!("{r:?}")
        };
        assert_eq!(e.code, "400");
        assert!(e.message.unwrap().eq_str("not json"));
    });
    // Unreadable rest-xml error bodies fall back to the status.
    parse_with(&S3, "Get", 404, &[], b"<Error><Code>", |r| {
        let Ok(Parsed::Error(e)) = r else {
            panic!("{r:?}")
        };
        assert_eq!(e.code, "404");
        assert!(e.message.unwrap().eq_str("Not Found"));
    });
    // x-amzn-errortype wins over the body in rest-json, cut at ':'.
    parse_with(
        &REST_JSON,
        "Get",
        404,
        &[("X-Amzn-ErrorType", "NoSuchKey:http://internal/")],
        br#"{"code": "Other", "Message": "m"}"#,
        |r| {
            let Ok(Parsed::Error(e)) = r else {
                panic!("{r:?}")
            };
            assert_eq!(e.code, "NoSuchKey");
            assert_eq!(e.shape.map(|s| s.name), Some("NoSuchKey"));
        },
    );
}

#[test]
fn malformed_outputs_are_typed_errors() {
    parse_with(&QUERY, "Get", 200, &[], b"<GetResponse/>", |r| {
        assert_eq!(r.err(), Some(ParseError::MissingResultWrapper));
    });
    parse_with(&QUERY, "Get", 200, &[], b"<GetResponse><GetResult>", |r| {
        assert_eq!(r.err(), Some(ParseError::Body(DecodeError::Malformed)));
    });
    parse_with(&REST_JSON, "Get", 200, &[], br#"{"Name": "#, |r| {
        assert!(matches!(r, Err(ParseError::Body(_))));
    });
    // A blob that is not base64 fails when written, not with a panic.
    parse_with(&REST_JSON, "Get", 200, &[], br#"{"Blob": "@@"}"#, |r| {
        let p = r.unwrap();
        let mut buf = [0u8; 64];
        let err = p.write_json(&mut SliceSink::new(&mut buf)).unwrap_err();
        assert_eq!(err, ToJsonError::Decode(DecodeError::BadBase64));
    });
    // A full buffer is reported as such.
    parse_with(&REST_JSON, "Get", 200, &[], br#"{"Name": "abcdef"}"#, |r| {
        let p = r.unwrap();
        let mut buf = [0u8; 8];
        let err = p.write_json(&mut SliceSink::new(&mut buf)).unwrap_err();
        assert_eq!(err, ToJsonError::Write(crate::format::WriteError::Full));
    });
}

#[test]
fn json_value_headers_and_raw_payloads() {
    // {"a": [1]} in base64.
    let headers = [("x-doc", "eyJhIjogWzFdfQ==")];
    parse_with(&REST_JSON, "Get", 200, &headers, br#"{"Name": "n"}"#, |r| {
        let p = r.unwrap();
        assert_eq!(json_of(&p).as_str(), r#"{"Name":"n","Doc":{"a": [1]}}"#);
    });
    parse_with(&S3, "GetObject", 200, &[], b"\x00\xffbytes", |r| {
        let Ok(Parsed::Output(out)) = r else { panic!() };
        let body = out.node.member(&STREAM_MEMBERS[0]).unwrap().unwrap();
        let blob: view::Blob<'_> = view::FromNode::from_node(body).unwrap();
        assert_eq!(blob.raw(), b"\x00\xffbytes");
        assert_eq!(
            json_of(&Parsed::Output(out)).as_str(),
            r#"{"Body":"AP9ieXRlcw=="}"#
        );
    });
}
