//! Event order, differential against botocore: the same calls, over the six
//! protocols, with the same scripted responses (success, service error, a
//! retried 500, connection failures, stubbed answers), run through botocore
//! 1.43.11 (`tests/oracle/event_oracle.py`) and through stratus's pipeline;
//! the events each emits, by name and in order, must be identical. A second
//! group registers handlers at every matching level (`*`, event, service,
//! operation, wildcards) and compares which handler ran for which event, in
//! which order.

use base64::Engine as _;
use serde_json::{Value as Json, json};
use stratus_core::client::test_support::{Empty, VirtualClock};
use stratus_core::client::{
    Buffers, CallError, ClientConfig, Order, ServiceEntry, Session, Stubber, TransportError,
};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_core::format::json::{InputSlots, JsonInput};
use stratus_core::model::StructValue;
use stratus_core::retry::{RetryConfig, RetryMode};
use stratus_tests::pipeline::{LogTo, Recorder, Scripted, ScriptedTransport, SharedLog};

/// One protocol's call: service, operation (model and snake name), params,
/// blob params, a success body and an error response.
struct Call {
    service: &'static str,
    op: &'static str,
    method: &'static str,
    params: Json,
    blobs: &'static [&'static str],
    ok: (u16, Vec<(String, String)>, Vec<u8>),
    err: (u16, Vec<(String, String)>, Vec<u8>),
    /// A response botocore's Stubber accepts (it validates against the output shape).
    stub: Option<Json>,
    /// Run against a copy of the model that offers only `smithy-rpc-v2-cbor`
    /// (botocore prefers `json` where both are offered, and every 1.43.11
    /// model offering CBOR offers JSON too).
    cbor_only: bool,
}

fn h(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(a, b)| (a.to_string(), b.to_string()))
        .collect()
}

fn cbor_error(code: &str) -> Vec<u8> {
    let mut b = vec![0xA1, 0x66];
    b.extend_from_slice(b"__type");
    b.push(0x60 | code.len() as u8);
    b.extend_from_slice(code.as_bytes());
    b
}

fn calls() -> Vec<Call> {
    let json_ct = h(&[("Content-Type", "application/x-amz-json-1.1")]);
    let xml = h(&[("Content-Type", "text/xml")]);
    let cbor = h(&[
        ("smithy-protocol", "rpc-v2-cbor"),
        ("Content-Type", "application/cbor"),
    ]);
    vec![
        Call {
            service: "kinesis",
            op: "PutRecord",
            method: "put_record",
            params: json!({"StreamName": "s", "Data": "aGk=", "PartitionKey": "p"}),
            blobs: &["Data"],
            ok: (200, json_ct.clone(), br#"{"ShardId":"a","SequenceNumber":"1"}"#.to_vec()),
            err: (
                400,
                json_ct.clone(),
                br#"{"__type":"ResourceNotFoundException","message":"no"}"#.to_vec(),
            ),
            stub: Some(json!({"ShardId": "a", "SequenceNumber": "1"})),
            cbor_only: false,
        },
        Call {
            service: "lambda",
            op: "GetPolicy",
            method: "get_policy",
            params: json!({"FunctionName": "f"}),
            blobs: &[],
            ok: (200, h(&[("Content-Type", "application/json")]), br#"{"RevisionId":"r"}"#.to_vec()),
            err: (
                404,
                h(&[("x-amzn-errortype", "ResourceNotFoundException")]),
                br#"{"message":"no"}"#.to_vec(),
            ),
            stub: Some(json!({})),
            cbor_only: false,
        },
        Call {
            service: "s3",
            op: "ListObjectsV2",
            method: "list_objects_v2",
            params: json!({"Bucket": "bucket"}),
            blobs: &[],
            ok: (
                200,
                xml.clone(),
                b"<ListBucketResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Name>bucket</Name></ListBucketResult>".to_vec(),
            ),
            err: (
                404,
                xml.clone(),
                b"<Error><Code>NoSuchBucket</Code><Message>no</Message></Error>".to_vec(),
            ),
            stub: Some(json!({})),
            cbor_only: false,
        },
        Call {
            service: "sts",
            op: "GetCallerIdentity",
            method: "get_caller_identity",
            params: json!({}),
            blobs: &[],
            ok: (
                200,
                xml.clone(),
                b"<GetCallerIdentityResponse><GetCallerIdentityResult><Account>1</Account></GetCallerIdentityResult></GetCallerIdentityResponse>".to_vec(),
            ),
            err: (
                403,
                xml.clone(),
                b"<ErrorResponse><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>no</Message></Error></ErrorResponse>".to_vec(),
            ),
            stub: None,
            cbor_only: false,
        },
        Call {
            service: "ec2",
            op: "DescribeRegions",
            method: "describe_regions",
            params: json!({}),
            blobs: &[],
            ok: (200, xml.clone(), b"<DescribeRegionsResponse><regionInfo/></DescribeRegionsResponse>".to_vec()),
            err: (
                400,
                xml.clone(),
                b"<Response><Errors><Error><Code>InvalidParameterValue</Code><Message>no</Message></Error></Errors></Response>".to_vec(),
            ),
            stub: None,
            cbor_only: false,
        },
        Call {
            service: "cloudwatch",
            op: "ListDashboards",
            method: "list_dashboards",
            params: json!({}),
            blobs: &[],
            ok: (200, cbor.clone(), vec![0xA0]),
            err: (400, cbor.clone(), cbor_error("InvalidParameterValue")),
            stub: None,
            cbor_only: true,
        },
    ]
}

/// A scenario: the scripted answers, or a stubbed one, and the handler patterns.
#[derive(Clone)]
enum Answers {
    Script(Vec<Scripted>),
    Stub(Json),
    StubError(&'static str, u16),
}

struct Case<'c> {
    name: String,
    call: &'c Call,
    answers: Answers,
    handlers: Option<Vec<&'static str>>,
}

fn scripted_json(s: &Scripted) -> Json {
    let b64 = |b: &[u8]| base64::engine::general_purpose::STANDARD.encode(b);
    match s {
        Scripted::Response(status, headers, body) => json!({
            "status": status,
            "headers": headers
                .iter()
                .map(|(k, v)| (k.clone(), Json::String(v.clone())))
                .collect::<serde_json::Map<_, _>>(),
            "body_b64": b64(body),
        }),
        Scripted::Fail(TransportError::Connect) => json!({"error": "connect"}),
        Scripted::Fail(TransportError::ReadTimeout) => json!({"error": "read_timeout"}),
        Scripted::Fail(_) => json!({"error": "closed"}),
    }
}

fn case_json(c: &Case<'_>) -> Json {
    let mut v = json!({
        "service": c.call.service,
        "method": c.call.method,
        "params": c.call.params,
        "blobs": c.call.blobs,
        "responses": [],
        "stub": null,
        "handlers": c.handlers,
        "cbor_only": c.call.cbor_only,
    });
    match &c.answers {
        Answers::Script(s) => v["responses"] = Json::Array(s.iter().map(scripted_json).collect()),
        Answers::Stub(body) => {
            v["stub"] = json!({"status": 200, "body_b64":
                base64::engine::general_purpose::STANDARD.encode(body.to_string())})
        }
        Answers::StubError(code, status) => v["stub"] = json!({"status": status, "code": code}),
    }
    v
}

fn resp(r: &(u16, Vec<(String, String)>, Vec<u8>)) -> Scripted {
    Scripted::Response(r.0, r.1.clone(), r.2.clone())
}

fn cases(calls: &[Call]) -> Vec<Case<'_>> {
    let mut out = Vec::new();
    for c in calls {
        let fail = |e| Scripted::Fail(e);
        let scripts = [
            ("ok", vec![resp(&c.ok)]),
            ("service-error", vec![resp(&c.err)]),
            ("500-then-ok", vec![Scripted::status(500, b""), resp(&c.ok)]),
            (
                "connection-errors",
                vec![
                    fail(TransportError::Connect),
                    fail(TransportError::ConnectionClosed),
                    fail(TransportError::ReadTimeout),
                ],
            ),
        ];
        for (name, script) in scripts {
            out.push(Case {
                name: format!("{}.{} {name}", c.service, c.op),
                call: c,
                answers: Answers::Script(script),
                handlers: None,
            });
        }
        if let Some(stub) = &c.stub {
            out.push(Case {
                name: format!("{}.{} stubbed", c.service, c.op),
                call: c,
                answers: Answers::Stub(stub.clone()),
                handlers: None,
            });
        }
    }
    let kinesis = &calls[0];
    out.push(Case {
        name: "kinesis.PutRecord stubbed error".into(),
        call: kinesis,
        answers: Answers::StubError("ResourceNotFoundException", 400),
        handlers: None,
    });
    let patterns = vec![
        "before-call.kinesis.PutRecord",
        "*",
        "before-call",
        "before-call.*.PutRecord",
        "before-call.kinesis",
        "after-call.kinesis",
        "*.kinesis",
        "after-call.*",
        "request-created.kinesis.PutRecord",
        "needs-retry",
    ];
    out.push(Case {
        name: "first, normal and last within patterns".into(),
        call: kinesis,
        answers: Answers::Script(vec![resp(&kinesis.ok)]),
        handlers: Some(vec![
            "last:before-call.kinesis",
            "before-call.kinesis",
            "first:before-call.kinesis",
            "last:*",
            "first:*",
            "*",
            "first:after-call",
            "after-call.kinesis.PutRecord",
        ]),
    });
    out.push(Case {
        name: "matching levels and order".into(),
        call: kinesis,
        answers: Answers::Script(vec![Scripted::status(500, b""), resp(&kinesis.ok)]),
        handlers: Some(patterns),
    });
    out
}

fn entry(service: &str) -> &'static ServiceEntry {
    stratus_models::CATALOG
        .iter()
        .copied()
        .find(|e| e.model.name == service)
        .unwrap_or_else(|| panic!("{service} compiled in"))
}

/// `service` with a model that offers only `smithy-rpc-v2-cbor`, loaded at
/// run time from the committed model (as the oracle does to botocore's).
fn cbor_only_entry(service: &str) -> &'static ServiceEntry {
    let path =
        stratus_tests::workspace_root().join(format!("models/data/{service}/service-2.json"));
    let mut doc: Json = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    doc["metadata"]["protocols"] = json!(["smithy-rpc-v2-cbor"]);
    doc["metadata"]["protocol"] = json!("smithy-rpc-v2-cbor");
    let ir = stratus_codegen::model::parse_service(service, &doc).unwrap();
    let compiled = entry(service);
    Box::leak(Box::new(ServiceEntry {
        model: stratus_codegen::runtime::leak_service(&ir),
        endpoint_rules: compiled.endpoint_rules,
        legacy_retry: compiled.legacy_retry,
    }))
}

/// Runs one case through stratus: the events seen, and the error code.
fn run_stratus(c: &Case<'_>) -> (Vec<String>, Option<String>) {
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
        .endpoint_url("http://127.0.0.1:9")
        .retries(RetryConfig {
            mode: RetryMode::Standard,
            max_attempts: None,
        });
    let recorder = Recorder::new();
    let log = SharedLog::default();
    let loggers: Vec<LogTo<'_>> = c
        .handlers
        .iter()
        .flatten()
        .map(|p| LogTo {
            label: p.to_string(),
            log: &log,
        })
        .collect();
    // botocore's Stubber takes the parsed response; stratus's the wire response.
    let stub_headers: Vec<(&str, &str)> = c
        .call
        .ok
        .1
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let stubber: Stubber<'_, 2> = Stubber::new();
    let session = Session::new(stratus_models::CATALOG, creds)
        .with_region("us-east-1")
        .with_partitions(&stratus_models::PARTITIONS)
        .with_config(config);
    match &c.handlers {
        Some(patterns) => {
            for (p, l) in patterns.iter().zip(&loggers) {
                let (order, bare) = match p.split_once(':') {
                    Some(("first", bare)) => (Order::First, bare),
                    Some(("last", bare)) => (Order::Last, bare),
                    _ => (Order::Normal, *p),
                };
                session.register(bare, l, order, None).unwrap();
            }
        }
        None => {
            session
                .register("*", &recorder, Order::Normal, None)
                .unwrap();
        }
    }
    let script = match &c.answers {
        Answers::Script(s) => s.clone(),
        _ => Vec::new(),
    };
    let transport = ScriptedTransport::new(script);
    let clock = VirtualClock::new(1_700_000_000);
    let service = if c.call.cbor_only {
        cbor_only_entry(c.call.service)
    } else {
        entry(c.call.service)
    };
    let client = session
        .client_for(service, session.config().clone(), &transport, &clock)
        .unwrap();
    match &c.answers {
        Answers::Stub(_) => {
            stubber
                .add_response(c.call.op, c.call.ok.0, &stub_headers, &c.call.ok.2, None)
                .unwrap();
            client.register("*", &stubber, Order::Normal, None).unwrap();
        }
        Answers::StubError(code, status) => {
            stubber
                .add_client_error(c.call.op, code, "stubbed", *status, None)
                .unwrap();
            client.register("*", &stubber, Order::Normal, None).unwrap();
        }
        Answers::Script(_) => {}
    }
    let model = service.model;
    let op = model.operation(c.call.op).unwrap();
    let text = c.call.params.to_string();
    let slots: InputSlots<'_, 64> = InputSlots::new();
    let mut scratch = [0u8; 512];
    let json_input;
    let input: &dyn StructValue = match op.input {
        Some(shape) => {
            json_input = JsonInput::new(&text, model, shape, &slots, &mut scratch).unwrap();
            &json_input
        }
        None => &Empty,
    };
    let mut bufs: Box<Buffers<8192, 8192>> = Box::new(Buffers::new());
    let result = embassy_futures::block_on(client.call(c.call.op, input, bufs.workspace()));
    let error = match result {
        Ok(_) => None,
        Err(CallError::Service(out)) => out.error_code().map(|c| c.to_string()),
        Err(CallError::Transport { .. }) => Some("transport".into()),
        Err(e) => Some(format!("{e}")),
    };
    let events = match &c.handlers {
        Some(_) => log.0.borrow().clone(),
        None => recorder.seen(),
    };
    (events, error)
}

#[test]
fn events_match_botocore_over_six_protocols() {
    let calls = calls();
    let cases = cases(&calls);
    let input = Json::Array(cases.iter().map(case_json).collect());
    let mut oracle = stratus_tests::python();
    oracle.arg(stratus_tests::workspace_root().join("tests/oracle/event_oracle.py"));
    let expected: Vec<Json> = serde_json::from_value(stratus_tests::oracle_json(
        oracle,
        input.to_string().as_bytes(),
        "the event oracle",
    ))
    .unwrap();
    assert_eq!(expected.len(), cases.len());

    let (mut passed, mut failed, mut events_compared) = (0, 0, 0);
    for (c, want) in cases.iter().zip(&expected) {
        let want_events: Vec<String> = want["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        let (got, error) = run_stratus(c);
        events_compared += want_events.len();
        let want_error = want["error"].as_str().map(str::to_string);
        // botocore names transport failures by exception class.
        let error_ok = match (&want_error, &error) {
            (Some(w), Some(g)) if g == "transport" => w.ends_with("Error"),
            (w, g) => w == g,
        };
        if got == want_events && error_ok {
            passed += 1;
        } else {
            failed += 1;
            println!(
                "MISMATCH {}:\n  botocore: {want_events:?} {want_error:?}\n  stratus:  {got:?} {error:?}",
                c.name
            );
        }
    }
    println!(
        "event order vs botocore {}: {passed} cases passed, {failed} failed ({events_compared} events compared)",
        stratus_tests::BOTOCORE_VERSION
    );
    assert_eq!(failed, 0);
    assert!(passed >= 30, "too few cases ran: {passed}");
    assert_eq!(passed, cases.len());
}
