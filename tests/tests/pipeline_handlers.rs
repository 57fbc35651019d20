//! What handlers can do to a call, and what the session and stubber do:
//! rewrite parameters, edit the request before signing, choose no signer,
//! answer at `before-send`, decide a retry, fail a call; sessions making
//! clients by name with `creating-client-class` custom operations, regions
//! from the rule sets, and a clear error without a region; the stubber's
//! mismatches.

use std::cell::Cell;

use stratus_core::client::test_support::{NoTransport, VirtualClock};
use stratus_core::client::{
    Buffers, CallError, Client, ClientConfig, CustomOperation, Event, EventData, EventKind, Order,
    Params, Session, SessionError, SignerChoice, StubError, Stubber,
};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_core::retry::Decision;
use stratus_models::kinesis::types::PutRecordInput;
use stratus_tests::pipeline::{Scripted, ScriptedTransport};

const OK: &[u8] = br#"{"ShardId":"a","SequenceNumber":"1"}"#;

fn creds() -> StaticCredentials {
    StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).unwrap())
}

fn config() -> ClientConfig {
    ClientConfig::default()
        .region("us-east-1")
        .endpoint_url("http://127.0.0.1:9")
}

fn input() -> PutRecordInput<'static> {
    PutRecordInput {
        stream_name: Some("s"),
        data: b"hi",
        partition_key: "p",
        ..Default::default()
    }
}

#[test]
fn handlers_rewrite_params_and_edit_the_signed_request() {
    let rename = |e: &mut Event<'_, '_>| {
        if let EventData::BeforeParameterBuild(params) = &mut e.data {
            params.set_str("StreamName", "renamed").unwrap();
        }
    };
    let add_header = |e: &mut Event<'_, '_>| {
        if let EventData::BeforeSign(request) = &mut e.data {
            request.headers.set("X-Amz-Meta-Trace", "t-1").unwrap();
        }
    };
    let transport = ScriptedTransport::new([Scripted::status(200, OK)]);
    let clock = VirtualClock::new(1_700_000_000);
    let creds = creds();
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        config(),
        &transport,
        &creds,
        &clock,
    );
    client
        .register(
            "before-parameter-build.kinesis.PutRecord",
            &rename,
            Order::Normal,
            None,
        )
        .unwrap();
    client
        .register("before-sign", &add_header, Order::Normal, None)
        .unwrap();
    let mut bufs = Box::new(Buffers::<4096, 4096>::new());
    embassy_futures::block_on(client.call("put_record", &input(), bufs.workspace())).unwrap();
    let sent = &transport.sent()[0];
    let body = String::from_utf8(sent.body.clone()).unwrap();
    assert!(body.contains(r#""StreamName": "renamed""#), "{body}");
    assert_eq!(sent.header("x-amz-meta-trace"), Some("t-1"));
    let auth = sent.header("authorization").unwrap();
    assert!(
        auth.contains("x-amz-meta-trace"),
        "the edited header is signed: {auth}"
    );
}

#[test]
fn choose_signer_can_send_unsigned_and_before_send_can_answer() {
    let unsigned = |e: &mut Event<'_, '_>| {
        if let EventData::ChooseSigner(choice) = &mut e.data {
            **choice = SignerChoice::Unsigned;
        }
    };
    let answer = |e: &mut Event<'_, '_>| {
        if let EventData::BeforeSend { request, reply } = &mut e.data {
            assert!(request.headers.get("authorization").is_none());
            reply.respond(200, &[], OK).unwrap();
        }
    };
    let clock = VirtualClock::new(1_700_000_000);
    let creds = creds();
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        config(),
        NoTransport,
        &creds,
        &clock,
    );
    client
        .register("choose-signer", &unsigned, Order::Normal, None)
        .unwrap();
    client
        .register("before-send", &answer, Order::Normal, None)
        .unwrap();
    let mut bufs = Box::new(Buffers::<4096, 4096>::new());
    let out = embassy_futures::block_on(client.call("PutRecord", &input(), bufs.workspace()))
        .expect("the before-send handler answered; nothing was sent");
    assert_eq!(out.status(), 200);
}

#[test]
fn needs_retry_handlers_decide_and_handlers_can_fail_a_call() {
    let calls = Cell::new(0);
    let no_retries = |e: &mut Event<'_, '_>| {
        if let EventData::NeedsRetry { decision, .. } = &mut e.data {
            calls.set(calls.get() + 1);
            **decision = Some(Decision::Stop(
                stratus_core::retry::StopReason::NotRetryable,
            ));
        }
    };
    let veto = |e: &mut Event<'_, '_>| e.fail("calls are switched off");
    let transport = ScriptedTransport::new([Scripted::status(500, b""), Scripted::status(200, OK)]);
    let clock = VirtualClock::new(1_700_000_000);
    let creds = creds();
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        config(),
        &transport,
        &creds,
        &clock,
    );
    client
        .register("needs-retry", &no_retries, Order::Normal, None)
        .unwrap();
    let mut bufs = Box::new(Buffers::<4096, 4096>::new());
    match embassy_futures::block_on(client.call("PutRecord", &input(), bufs.workspace())) {
        Err(CallError::Service(out)) => assert_eq!(out.attempts(), 1),
        other => panic!("expected the 500, got {other:?}"),
    }
    assert_eq!(calls.get(), 1);

    client
        .register("before-call", &veto, Order::First, None)
        .unwrap();
    match embassy_futures::block_on(client.call("PutRecord", &input(), bufs.workspace())) {
        Err(CallError::Handler { event, reason }) => {
            assert_eq!(event, EventKind::BeforeCall);
            assert_eq!(reason, "calls are switched off");
        }
        other => panic!("expected the handler's failure, got {other:?}"),
    }
}

fn text_key(p: &mut Params<'_>) {
    p.set_str("PartitionKey", "text").unwrap();
}

#[test]
fn sessions_make_clients_with_custom_operations_and_know_regions() {
    let add_custom = |e: &mut Event<'_, '_>| {
        if let EventData::CreatingClientClass(ops) = &mut e.data {
            ops.add(CustomOperation {
                name: "put_text",
                target: "PutRecord",
                prepare: Some(text_key),
            })
            .unwrap();
        }
    };
    let session = Session::new(stratus_models::CATALOG, creds())
        .with_region("eu-west-1")
        .with_partitions(&stratus_models::PARTITIONS);
    session
        .register(
            "creating-client-class.kinesis",
            &add_custom,
            Order::Normal,
            None,
        )
        .unwrap();
    let transport = ScriptedTransport::new([Scripted::status(200, OK)]);
    let clock = VirtualClock::new(1_700_000_000);
    let client = session.client("kinesis", &transport, &clock).unwrap();
    assert_eq!(client.config().region.as_deref(), Some("eu-west-1"));
    assert!(client.custom_operations().get("put_text").is_some());
    let s3 = session.client("s3", &transport, &clock).unwrap();
    assert!(s3.custom_operations().get("put_text").is_none());
    assert!(matches!(
        session.client("no-such-service", &transport, &clock),
        Err(SessionError::UnknownService)
    ));

    let mut bufs = Box::new(Buffers::<4096, 4096>::new());
    let unkeyed = PutRecordInput {
        partition_key: "",
        ..input()
    };
    embassy_futures::block_on(client.call("put_text", &unkeyed, bufs.workspace())).unwrap();
    let sent = &transport.sent()[0];
    assert_eq!(sent.host, "kinesis.eu-west-1.amazonaws.com");
    assert!(String::from_utf8_lossy(&sent.body).contains(r#""PartitionKey": "text""#));

    let mut regions = Vec::new();
    let n = session
        .available_regions("kinesis", "aws", |r| regions.push(r.to_string()))
        .unwrap();
    assert_eq!(n, regions.len());
    assert!(regions.iter().any(|r| r == "us-east-1") && regions.iter().any(|r| r == "eu-west-1"));
    // The same lists as botocore's `get_available_regions`.
    let services = [
        "kinesis",
        "s3",
        "lambda",
        "dynamodb",
        "sqs",
        "ec2",
        "sts",
        "cloudwatch",
    ];
    let out = stratus_tests::python()
        .args([
            "-c",
            "import json, botocore.session\n\
             s = botocore.session.get_session()\n\
             print(json.dumps({f'{v} {p}': sorted(s.get_available_regions(v, p))\n\
               for v in ['kinesis','s3','lambda','dynamodb','sqs','ec2','sts','cloudwatch']\n\
               for p in ['aws', 'aws-cn', 'aws-us-gov']}))",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let want: std::collections::BTreeMap<String, Vec<String>> =
        serde_json::from_slice(&out.stdout).unwrap();
    let mut compared = 0;
    for svc in services {
        for partition in ["aws", "aws-cn", "aws-us-gov"] {
            let mut got = Vec::new();
            session
                .available_regions(svc, partition, |r| got.push(r.to_string()))
                .unwrap();
            got.sort();
            assert_eq!(
                got,
                want[&format!("{svc} {partition}")],
                "{svc} in {partition}"
            );
            compared += got.len();
        }
    }
    println!("available_regions: {compared} regions of 8 services x 3 partitions match botocore");
}

#[test]
fn no_region_is_a_clear_error() {
    let session =
        Session::new(stratus_models::CATALOG, creds()).with_partitions(&stratus_models::PARTITIONS);
    let clock = VirtualClock::new(1_700_000_000);
    let client = session.client("kinesis", NoTransport, &clock).unwrap();
    let mut bufs = Box::new(Buffers::<4096, 4096>::new());
    let err = embassy_futures::block_on(client.call("PutRecord", &input(), bufs.workspace()))
        .unwrap_err();
    assert!(matches!(err, CallError::NoRegion), "{err:?}");
    assert!(err.to_string().contains("specify a region"), "{err}");
}

#[test]
fn the_stubber_rejects_mismatches_and_reports_pending_responses() {
    let stubber: Stubber<'_, 4> = Stubber::new();
    let clock = VirtualClock::new(1_700_000_000);
    let creds = creds();
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        config(),
        NoTransport,
        &creds,
        &clock,
    );
    client.register("*", &stubber, Order::Normal, None).unwrap();
    let mut bufs = Box::new(Buffers::<4096, 4096>::new());

    // Wrong operation.
    stubber
        .add_response("DescribeStream", 200, &[], b"{}", None)
        .unwrap();
    {
        let err = embassy_futures::block_on(client.call("PutRecord", &input(), bufs.workspace()))
            .unwrap_err();
        assert!(matches!(err, CallError::Handler { .. }), "{err:?}");
    }
    assert_eq!(stubber.failure(), Some(StubError::WrongOperation));
    assert_eq!(stubber.pending(), 1);

    // Parameters differ, then match; an error answer in the protocol's form.
    let stubber: Stubber<'_, 4> = Stubber::new();
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        config(),
        NoTransport,
        &creds,
        &clock,
    );
    client.register("*", &stubber, Order::Normal, None).unwrap();
    let expected = r#"{"StreamName": "other", "Data": "aGk=", "PartitionKey": "p"}"#;
    stubber
        .add_response("PutRecord", 200, &[], OK, Some(expected))
        .unwrap();
    {
        let err = embassy_futures::block_on(client.call("PutRecord", &input(), bufs.workspace()))
            .unwrap_err();
        assert!(err.to_string().contains("parameters differ"), "{err}");
    }
    let stubber: Stubber<'_, 4> = Stubber::new();
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        config(),
        NoTransport,
        &creds,
        &clock,
    );
    client.register("*", &stubber, Order::Normal, None).unwrap();
    let expected = r#"{"PartitionKey": "p", "Data": "aGk=", "StreamName": "s"}"#;
    stubber
        .add_client_error(
            "PutRecord",
            "ResourceNotFoundException",
            "no stream",
            400,
            Some(expected),
        )
        .unwrap();
    stubber
        .add_response("PutRecord", 200, &[], OK, None)
        .unwrap();
    match embassy_futures::block_on(client.call("PutRecord", &input(), bufs.workspace())) {
        Err(CallError::Service(out)) => {
            assert_eq!(
                out.error_code().as_deref(),
                Some("ResourceNotFoundException")
            )
        }
        other => panic!("expected the stubbed error, got {other:?}"),
    }
    assert_eq!(
        stubber.assert_no_pending_responses(),
        Err(StubError::PendingResponses(1))
    );
    embassy_futures::block_on(client.call("PutRecord", &input(), bufs.workspace())).unwrap();
    stubber.assert_no_pending_responses().unwrap();
}

#[test]
fn a_url_buffer_too_small_for_the_signature_says_so() {
    let transport = ScriptedTransport::new([Scripted::status(200, OK)]);
    let clock = VirtualClock::new(1_700_000_000);
    let creds = creds();
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        config(),
        &transport,
        &creds,
        &clock,
    );
    let mut bufs = SmallUrl::new(64);
    let err = embassy_futures::block_on(client.call("PutRecord", &input(), bufs.workspace()))
        .unwrap_err();
    assert!(
        matches!(err, CallError::WorkspaceTooSmall { buffer: "url", .. }),
        "{err:?}"
    );
    assert!(err.to_string().contains("url buffer is too small"), "{err}");
    assert_eq!(transport.sent().len(), 0);
}

/// An endpoint-rule refusal carries the rule's whole message (botocore's
/// `EndpointResolutionError` text for this input), borrowed from the
/// workspace's URL buffer; a shorter buffer cuts it at a character boundary.
#[test]
fn endpoint_rule_refusals_carry_the_rules_message() {
    let transport = ScriptedTransport::new([Scripted::status(200, OK)]);
    let clock = VirtualClock::new(1_700_000_000);
    let session = Session::new(stratus_models::CATALOG, creds())
        .with_region("us-east-1")
        .with_partitions(&stratus_models::PARTITIONS);
    let client = session.client("kinesis", &transport, &clock).unwrap();
    let input = PutRecordInput {
        stream_arn: Some("arn:aws-cn:kinesis:cn-north-1:123456789012:stream/s"),
        ..input()
    };
    // botocore 1.43.11: EndpointResolutionError for the same client and input.
    let botocore = "Partition: aws-cn from ARN doesn't match with partition name: aws.";
    let mut bufs = Box::new(Buffers::<4096, 4096>::new());
    let err =
        embassy_futures::block_on(client.call("PutRecord", &input, bufs.workspace())).unwrap_err();
    assert!(
        matches!(err, CallError::EndpointRule(m) if m == botocore),
        "{err:?}"
    );
    assert_eq!(err.to_string(), format!("endpoint rules: {botocore}"));

    let mut bufs = SmallUrl::new(16);
    let err =
        embassy_futures::block_on(client.call("PutRecord", &input, bufs.workspace())).unwrap_err();
    assert!(
        matches!(err, CallError::EndpointRule("Partition: aws-c")),
        "{err:?}"
    );
    assert_eq!(transport.sent().len(), 0, "nothing is sent");
}

/// A workspace whose URL buffer holds only `url` bytes (the others roomy).
struct SmallUrl {
    bufs: [Vec<u8>; 5],
}

impl SmallUrl {
    fn new(url: usize) -> Self {
        SmallUrl {
            bufs: [4096, 4096, 4096, url, 2048].map(|n| vec![0u8; n]),
        }
    }

    fn workspace(&mut self) -> stratus_core::client::Workspace<'_> {
        let [request, response, headers, url, scratch] = &mut self.bufs;
        stratus_core::client::Workspace {
            request,
            response,
            headers,
            url,
            scratch,
        }
    }
}
