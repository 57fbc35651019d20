//! Event-stream outputs through the response parser: the typed face
//! (`Output::events`), in-stream exceptions and errors, a missing
//! `initial-response`, and corrupt messages, on a model built at test time.

use serde_json::json;
use stratus_codegen::model::parse_service;
use stratus_codegen::runtime::leak_service;
use stratus_core::format::SliceSink;
use stratus_core::format::eventstream::EventStreamError;
use stratus_core::model::ServiceModel;
use stratus_core::protocol::parse::{
    EventError, ParseError, Parsed, Response, ResponseParser, ToJsonError,
};

/// CRC-32 (IEEE, reflected), bit by bit: independent of the decoder's crate.
fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = !0u32;
    for &b in bytes {
        crc ^= u32::from(b);
        for _ in 0..8 {
            crc = if crc & 1 == 1 {
                (crc >> 1) ^ 0xEDB8_8320
            } else {
                crc >> 1
            };
        }
    }
    !crc
}

/// One event-stream message with string headers (test-side encoder).
fn message(headers: &[(&str, &str)], payload: &[u8]) -> Vec<u8> {
    let mut h = Vec::new();
    for (name, value) in headers {
        h.push(name.len() as u8);
        h.extend_from_slice(name.as_bytes());
        h.push(7);
        h.extend_from_slice(&(value.len() as u16).to_be_bytes());
        h.extend_from_slice(value.as_bytes());
    }
    let total = 12 + h.len() + payload.len() + 4;
    let mut m = Vec::new();
    m.extend_from_slice(&(total as u32).to_be_bytes());
    m.extend_from_slice(&(h.len() as u32).to_be_bytes());
    let crc = crc32(&m);
    m.extend_from_slice(&crc.to_be_bytes());
    m.extend_from_slice(&h);
    m.extend_from_slice(payload);
    let crc = crc32(&m);
    m.extend_from_slice(&crc.to_be_bytes());
    m
}

fn event(kind: &str, payload: &[u8]) -> Vec<u8> {
    message(
        &[(":message-type", "event"), (":event-type", kind)],
        payload,
    )
}

fn model() -> &'static ServiceModel {
    let doc = json!({
        "metadata": {"protocol": "json", "jsonVersion": "1.1", "targetPrefix": "Demo",
                     "apiVersion": "2020-01-01", "endpointPrefix": "demo", "signatureVersion": "v4",
                     "serviceId": "Demo"},
        "operations": {"Subscribe": {"name": "Subscribe",
                                     "http": {"method": "POST", "requestUri": "/"},
                                     "output": {"shape": "Out"}}},
        "shapes": {
            "Out": {"type": "structure", "members": {
                "Stream": {"shape": "Stream"}, "Id": {"shape": "Str"}}},
            "Stream": {"type": "structure", "eventstream": true, "members": {
                "Record": {"shape": "Record"},
                "Boom": {"shape": "Boom"}}},
            "Record": {"type": "structure", "event": true, "members": {
                "Data": {"shape": "Str"}, "Seq": {"shape": "Int"}}},
            "Boom": {"type": "structure", "exception": true, "members": {
                "message": {"shape": "Str"}}},
            "Str": {"type": "string"},
            "Int": {"type": "integer"}
        }
    });
    let ir = parse_service("demo", &doc).expect("model loads");
    leak_service(&ir)
}

fn body(parts: &[Vec<u8>]) -> Vec<u8> {
    parts.concat()
}

fn json_of(parser: &ResponseParser<'_>) -> Result<String, ToJsonError> {
    let mut buf = vec![0u8; 4096];
    let mut sink = SliceSink::new(&mut buf);
    match parser.parse().expect("parses") {
        Parsed::Output(o) => o.write_json(&mut sink)?,
        Parsed::Error(_) => panic!("not an error response"),
    }
    Ok(String::from_utf8(sink.written().to_vec()).unwrap())
}

#[test]
fn events_typed_and_dynamic() {
    let model = model();
    let op = model.operation("Subscribe").unwrap();
    let body = body(&[
        event("initial-response", br#"{"Id": "sub-1"}"#),
        event("Record", br#"{"Data": "a", "Seq": 1}"#),
        event("Unknown", b"{}"),
        event("Record", br#"{"Data": "b", "Seq": 2}"#),
    ]);
    let parser = ResponseParser::new(
        model,
        op,
        Response {
            status: 200,
            headers: Default::default(),
            body: &body,
        },
    );
    assert_eq!(
        json_of(&parser).unwrap(),
        r#"{"Stream":[{"Record":{"Data":"a","Seq":1}},{"Record":{"Data":"b","Seq":2}}],"Id":"sub-1"}"#
    );
    let out = parser.output().unwrap();
    let stream = &out.shape.unwrap().members()[0];
    let record = &model.shape(stream.target).unwrap().members()[0];
    let data = &model.shape(record.target).unwrap().members()[0];
    let mut seen = Vec::new();
    for ev in out.events().unwrap().expect("has a stream") {
        let ev = ev.expect("event");
        assert_eq!(ev.name(), "Record");
        let text = ev.node.member(data).unwrap().unwrap().text().unwrap();
        seen.push(text.as_plain().unwrap().to_string());
    }
    assert_eq!(seen, ["a", "b"]);
}

#[test]
fn exceptions_and_errors_in_stream() {
    let model = model();
    let op = model.operation("Subscribe").unwrap();
    let modelled = message(
        &[(":message-type", "exception"), (":exception-type", "Boom")],
        br#"{"message": "it broke"}"#,
    );
    let generic = message(
        &[
            (":message-type", "error"),
            (":error-code", "InternalFailure"),
            (":error-message", "try later"),
        ],
        b"",
    );
    for (err, code, text) in [
        (modelled, "Boom", "it broke"),
        (generic, "InternalFailure", "try later"),
    ] {
        let body = body(&[
            event("initial-response", b"{}"),
            event("Record", br#"{"Data": "a"}"#),
            err,
            event("Record", br#"{"Data": "never"}"#),
        ]);
        let parser = ResponseParser::new(
            model,
            op,
            Response {
                status: 200,
                headers: Default::default(),
                body: &body,
            },
        );
        assert_eq!(json_of(&parser), Err(ToJsonError::StreamException));
        let out = parser.output().unwrap();
        let mut events = out.events().unwrap().unwrap();
        assert!(events.next().unwrap().is_ok());
        match events.next() {
            Some(Err(EventError::Exception(x))) => {
                assert_eq!(x.code, code);
                assert!(x.message.unwrap().eq_str(text));
                assert_eq!(x.member.is_some(), code == "Boom");
            }
            other => panic!("expected an exception, got {other:?}"),
        }
        assert!(events.next().is_none(), "the stream ends at an exception");
    }
}

#[test]
fn missing_initial_response_and_corrupt_messages() {
    let model = model();
    let op = model.operation("Subscribe").unwrap();
    let parse = |body: &[u8]| {
        let parser = ResponseParser::new(
            model,
            op,
            Response {
                status: 200,
                headers: Default::default(),
                body,
            },
        );
        parser.output().map(|_| ())
    };
    assert_eq!(parse(b""), Err(ParseError::NoInitialResponse));
    assert_eq!(
        parse(&event("Record", b"{}")),
        Err(ParseError::NoInitialResponse)
    );
    let mut bad = event("initial-response", b"{}");
    let last = bad.len() - 1;
    bad[last] ^= 1;
    assert_eq!(
        parse(&bad),
        Err(ParseError::EventStream(EventStreamError::MessageCrc))
    );

    // A corrupt or cut event after good ones: the good ones, then the error.
    let mut tail = event("Record", br#"{"Data": "b"}"#);
    tail[20] ^= 0x10;
    let cut = event("Record", br#"{"Data": "c"}"#);
    for (broken, want) in [
        (tail, EventStreamError::MessageCrc),
        (
            cut[..cut.len() - 3].to_vec(),
            EventStreamError::Truncated { need: cut.len() },
        ),
    ] {
        let body = body(&[
            event("initial-response", b"{}"),
            event("Record", br#"{"Data": "a"}"#),
            broken,
        ]);
        let parser = ResponseParser::new(
            model,
            op,
            Response {
                status: 200,
                headers: Default::default(),
                body: &body,
            },
        );
        assert_eq!(json_of(&parser), Err(ToJsonError::EventStream(want)));
        let out = parser.output().unwrap();
        let results: Vec<_> = out.events().unwrap().unwrap().collect();
        assert_eq!(results.len(), 2);
        assert!(results[0].is_ok());
        assert!(matches!(results[1], Err(EventError::Decode(e)) if e == want));
    }
}
