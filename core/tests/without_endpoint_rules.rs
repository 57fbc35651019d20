//! A build without the `endpoint-rules` feature, as a device with fixed
//! endpoint URLs builds the core (and, as the firmware does, without
//! `validation`, `handlers`, `legacy-retry`, `dynamodb-crc32`,
//! `request-timestamps`, `request-documents`, `request-checksums` and
//! `host-prefix`).
//! `cargo xtask test` runs it as
//! `cargo test -p stratus-core --no-default-features --features proto-json --test without_endpoint_rules`;
//! with the default features it holds no test.
#![cfg(not(feature = "endpoint-rules"))]

use core::cell::RefCell;

use stratus_core::client::test_support::{DEMO, DEMO_METADATA, Empty, VirtualClock};
use stratus_core::client::{
    Buffers, CallError, Client, ClientConfig, HttpRequest, RawResponse, ResponseWriter,
    ServiceEntry, Transport, TransportError,
};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_core::features::{self, Disabled};
use stratus_core::protocol::serialize::SerializeError;

/// Any bytes: the entry must not keep them in this build.
static RULES: [u8; 4] = *b"SER\x01";

static ENTRY: ServiceEntry = ServiceEntry {
    model: &DEMO,
    endpoint_rules: features::endpoint_rules(&RULES),
    legacy_retry: None,
};

/// Answers 200 `{}` and keeps the host, target and `Authorization` it saw.
#[derive(Default)]
struct Recorder {
    seen: RefCell<Vec<(String, String, String)>>,
}

impl Transport for Recorder {
    async fn send(
        &self,
        request: &HttpRequest<'_>,
        buf: &mut [u8],
    ) -> Result<RawResponse, TransportError> {
        self.seen.borrow_mut().push((
            request.host.to_string(),
            request.target.to_string(),
            request
                .headers
                .get("authorization")
                .unwrap_or_default()
                .to_string(),
        ));
        let mut w = ResponseWriter::new(buf, 200);
        w.header("Content-Type", "application/x-amz-json-1.1")
            .map_err(|_| TransportError::ResponseTooLarge)?;
        w.body(b"{}").map_err(|_| TransportError::ResponseTooLarge)
    }
}

fn client<'a>(
    config: ClientConfig,
    transport: &'a Recorder,
    creds: &'a StaticCredentials,
    clock: &'a VirtualClock,
) -> Client<'a, &'a Recorder, &'a StaticCredentials, &'a VirtualClock> {
    Client::new(&ENTRY, config, transport, creds, clock)
}

/// The keys every test signs with.
fn keys() -> StaticCredentials {
    StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).unwrap())
}

/// 2023-11-14T22:13:20Z.
fn at_fixed_time() -> VirtualClock {
    VirtualClock::new(1_700_000_000)
}

/// A client config in `eu-west-1` with `url` as its endpoint.
fn endpoint_config(url: &str) -> ClientConfig {
    ClientConfig::default()
        .region("eu-west-1")
        .endpoint_url(url)
}

#[test]
fn service_entries_keep_no_rule_set() {
    assert_eq!(ENTRY.endpoint_rules, None);
    assert_eq!(Disabled::EndpointRules.feature(), "endpoint-rules");
}

#[test]
fn a_client_without_an_endpoint_url_fails_typed() {
    let (creds, clock) = (keys(), at_fixed_time());
    let transport = Recorder::default();
    let config = ClientConfig::default().region("eu-west-1");
    let client = client(config, &transport, &creds, &clock);
    let mut bufs: Buffers<1024, 1024> = Buffers::new();
    let err = embassy_futures::block_on(client.call("Ping", &Empty, bufs.workspace()))
        .expect_err("no endpoint");
    assert!(
        matches!(err, CallError::Disabled(Disabled::EndpointRules)),
        "{err:?}"
    );
    assert!(transport.seen.borrow().is_empty(), "nothing is sent");
}

#[test]
fn a_client_with_an_endpoint_url_signs_for_its_region() {
    let (creds, clock) = (keys(), at_fixed_time());
    let transport = Recorder::default();
    let config = endpoint_config("https://demo.eu-west-1.example.com/base");
    let client = client(config, &transport, &creds, &clock);
    let mut bufs: Buffers<1024, 1024> = Buffers::new();
    let out = embassy_futures::block_on(client.call("Ping", &Empty, bufs.workspace()))
        .expect("the call goes to the endpoint URL");
    assert_eq!(out.status(), 200);
    let seen = transport.seen.borrow();
    let (host, target, authorization) = &seen[0];
    assert_eq!(host, "demo.eu-west-1.example.com");
    assert_eq!(target, "/base");
    assert!(
        authorization.contains("/20231114/eu-west-1/demo/aws4_request"),
        "{authorization}"
    );
}

/// Without `validation` the default config does not validate (the call goes
/// out); a config that asks for validation fails typed, sending nothing.
#[cfg(not(feature = "validation"))]
#[test]
fn a_build_without_validation_refuses_to_validate_typed() {
    let (creds, clock) = (keys(), at_fixed_time());
    let transport = Recorder::default();
    let config = endpoint_config("https://demo.eu-west-1.example.com");
    assert!(!config.parameter_validation, "off by default in this build");
    let mut asking = config.clone();
    asking.parameter_validation = true;

    let client_default = client(config, &transport, &creds, &clock);
    let mut bufs: Buffers<1024, 1024> = Buffers::new();
    let out = embassy_futures::block_on(client_default.call("Ping", &Empty, bufs.workspace()))
        .expect("sent unvalidated");
    assert_eq!(out.status(), 200);
    assert_eq!(transport.seen.borrow().len(), 1);

    let client_asking = client(asking, &transport, &creds, &clock);
    let err = embassy_futures::block_on(client_asking.call("Ping", &Empty, bufs.workspace()))
        .expect_err("validation is not in this build");
    assert!(
        matches!(
            err,
            CallError::Serialize(SerializeError::Disabled(Disabled::Validation))
        ),
        "{err:?}"
    );
    assert_eq!(Disabled::Validation.feature(), "validation");
    assert_eq!(transport.seen.borrow().len(), 1, "nothing more is sent");
}

/// Without `handlers` a call emits no events: a client with none calls as
/// before, and one given a handler (registered on it, static, or through its
/// session) fails typed before sending anything, rather than skip it.
#[cfg(not(feature = "handlers"))]
#[test]
fn a_build_without_handlers_refuses_clients_that_have_some() {
    use stratus_core::client::{Order, Session, StaticHandler};

    static STATICS: [StaticHandler; 1] = [StaticHandler::new("before-call", |_| {})];
    static CATALOG: [&ServiceEntry; 1] = [&ENTRY];
    let (creds, clock) = (keys(), at_fixed_time());
    let transport = Recorder::default();
    let config = endpoint_config("https://demo.eu-west-1.example.com");
    let mut bufs: Buffers<1024, 1024> = Buffers::new();
    let refused = |err: CallError<'_>| matches!(err, CallError::Disabled(Disabled::Handlers));

    let plain = client(config.clone(), &transport, &creds, &clock);
    let out = embassy_futures::block_on(plain.call("Ping", &Empty, bufs.workspace()))
        .expect("no handlers: the call goes out");
    assert_eq!(out.status(), 200);
    assert_eq!(transport.seen.borrow().len(), 1);

    let handler = |_: &mut stratus_core::client::Event<'_, '_>| {};
    let own = client(config.clone(), &transport, &creds, &clock);
    assert_eq!(
        own.register("before-call", &handler, Order::Normal, None),
        Ok(true)
    );
    let err = embassy_futures::block_on(own.call("Ping", &Empty, bufs.workspace()))
        .expect_err("a registered handler cannot run");
    assert!(refused(err));

    let statics = client(config.clone(), &transport, &creds, &clock).with_static_handlers(&STATICS);
    let err = embassy_futures::block_on(statics.call("Ping", &Empty, bufs.workspace()))
        .expect_err("a static handler cannot run");
    assert!(refused(err));

    let session = Session::new(&CATALOG, &creds);
    let quiet = session
        .client_for(&ENTRY, config.clone(), &transport, &clock)
        .expect("a session without handlers");
    let out = embassy_futures::block_on(quiet.call("Ping", &Empty, bufs.workspace()))
        .expect("an empty session registry is no handler");
    assert_eq!(out.status(), 200);
    assert_eq!(transport.seen.borrow().len(), 2);
    assert_eq!(
        session.register("before-call", &handler, Order::Normal, None),
        Ok(true)
    );
    let from_session = session
        .client_for(&ENTRY, config, &transport, &clock)
        .expect("the client is made; its calls are refused");
    let err = embassy_futures::block_on(from_session.call("Ping", &Empty, bufs.workspace()))
        .expect_err("a session's handler cannot run");
    assert!(refused(err));

    assert_eq!(transport.seen.borrow().len(), 2, "nothing more is sent");
    assert_eq!(Disabled::Handlers.feature(), "handlers");

    // Parameter edits are the handlers' tool: refused, not silently dropped.
    let mut params = stratus_core::client::Params::new(&DEMO, None, &Empty);
    assert_eq!(
        params.set_str("StreamName", "edited"),
        Err(stratus_core::client::ParamError::HandlersDisabled)
    );
    assert!(!params.is_edited());
}

/// Without `legacy-retry` the default config retries in standard mode and
/// its calls go out; one asking for legacy mode fails typed, sending
/// nothing. Without `dynamodb-crc32` a DynamoDB client's calls fail typed
/// rather than skip botocore's `x-amz-crc32` check.
#[cfg(not(any(feature = "legacy-retry", feature = "dynamodb-crc32")))]
#[test]
fn a_build_without_legacy_retries_or_the_dynamodb_check_refuses_them_typed() {
    use stratus_core::retry::{LegacyRules, RetryConfig, RetryMode};

    static DYNAMODB_RULES: LegacyRules = LegacyRules {
        service: "dynamodb",
        endpoint_prefix: "dynamodb",
        ..LegacyRules::DEFAULT
    };
    static DYNAMODB: ServiceEntry = ServiceEntry {
        legacy_retry: Some(&DYNAMODB_RULES),
        ..ENTRY
    };
    let (creds, clock) = (keys(), at_fixed_time());
    let transport = Recorder::default();
    let config = endpoint_config("https://demo.eu-west-1.example.com");
    assert_eq!(config.retries.mode, RetryMode::Standard, "the default here");
    let mut bufs: Buffers<1024, 1024> = Buffers::new();

    let standard = client(config.clone(), &transport, &creds, &clock);
    let out = embassy_futures::block_on(standard.call("Ping", &Empty, bufs.workspace()))
        .expect("standard mode: the call goes out");
    assert_eq!(out.status(), 200);
    assert_eq!(transport.seen.borrow().len(), 1);

    let legacy = client(
        config.clone().retries(RetryConfig {
            mode: RetryMode::Legacy,
            max_attempts: None,
        }),
        &transport,
        &creds,
        &clock,
    );
    let err = embassy_futures::block_on(legacy.call("Ping", &Empty, bufs.workspace()))
        .expect_err("legacy mode is not in this build");
    assert!(
        matches!(err, CallError::Disabled(Disabled::LegacyRetry)),
        "{err:?}"
    );

    let dynamodb = Client::new(&DYNAMODB, config, &transport, &creds, &clock);
    let err = embassy_futures::block_on(dynamodb.call("Ping", &Empty, bufs.workspace()))
        .expect_err("DynamoDB's CRC32 check is not in this build");
    assert!(
        matches!(err, CallError::Disabled(Disabled::DynamodbCrc32)),
        "{err:?}"
    );

    assert_eq!(transport.seen.borrow().len(), 1, "nothing more is sent");
    assert_eq!(Disabled::LegacyRetry.feature(), "legacy-retry");
    assert_eq!(Disabled::DynamodbCrc32.feature(), "dynamodb-crc32");
}

/// Without `request-timestamps`, `request-documents`, `request-checksums`
/// and `host-prefix` a request that holds a timestamp or a document member,
/// or goes to an operation that models a request checksum or a host
/// prefix, fails typed before anything is sent; the same operation without
/// them goes out.
#[cfg(not(any(
    feature = "request-timestamps",
    feature = "request-documents",
    feature = "request-checksums",
    feature = "host-prefix"
)))]
#[test]
fn a_build_without_optional_request_parts_refuses_them_typed() {
    use stratus_core::model::{
        Member, Operation, OperationFlags, ServiceModel, Shape, ShapeId, ShapeKind, StructValue,
        Value,
    };
    use stratus_core::time::Timestamp;

    const fn member(name: &'static str, target: u16) -> Member {
        Member::new(name, ShapeId(target))
    }
    static MEMBERS: [Member; 3] = [member("At", 1), member("Note", 2), member("Doc", 3)];
    static SHAPES: [Shape; 4] = [
        Shape::new(
            "StampInput",
            ShapeKind::Structure {
                members: &MEMBERS,
                payload: None,
            },
        ),
        Shape::new("Time", ShapeKind::Timestamp),
        Shape::new("Text", ShapeKind::String { enum_values: &[] }),
        Shape::new("Json", ShapeKind::Document),
    ];
    const fn operation(
        name: &'static str,
        flags: OperationFlags,
        host_prefix: Option<&'static str>,
    ) -> Operation {
        Operation {
            host_prefix,
            input: Some(ShapeId(0)),
            flags,
            ..Operation::new(name)
        }
    }
    static OPS: [Operation; 3] = [
        operation("Stamp", OperationFlags::EMPTY, None),
        operation("Summed", OperationFlags::HTTP_CHECKSUM_REQUIRED, None),
        operation("Prefixed", OperationFlags::EMPTY, Some("data-")),
    ];
    static MODEL: ServiceModel = ServiceModel {
        name: "demo",
        metadata: DEMO_METADATA,
        operations: &OPS,
        shapes: &SHAPES,
    };
    static STAMP: ServiceEntry = ServiceEntry {
        model: &MODEL,
        ..ENTRY
    };

    /// `At` and `Doc` when set, and always `Note`.
    #[derive(Default)]
    struct Input {
        at: Option<Timestamp>,
        doc: Option<&'static str>,
    }
    impl StructValue for Input {
        fn member(&self, index: usize) -> Option<Value<'_>> {
            match index {
                0 => self.at.map(Value::Timestamp),
                1 => Some(Value::Str("reading")),
                2 => self.doc.map(Value::Document),
                _ => None,
            }
        }
    }

    let (creds, clock) = (keys(), at_fixed_time());
    let transport = Recorder::default();
    let config = endpoint_config("https://demo.eu-west-1.example.com");
    let client = Client::new(&STAMP, config, &transport, &creds, &clock);
    let mut bufs: Buffers<1024, 1024> = Buffers::new();

    let out = embassy_futures::block_on(client.call("Stamp", &Input::default(), bufs.workspace()))
        .expect("no timestamp member: the call goes out");
    assert_eq!(out.status(), 200);
    assert_eq!(transport.seen.borrow().len(), 1);

    // The `Disabled` part a call was refused for, or what happened instead.
    let mut refused = |op: &str, input: &Input| -> Result<Disabled, String> {
        match embassy_futures::block_on(client.call(op, input, bufs.workspace())) {
            Err(CallError::Serialize(SerializeError::Disabled(d))) => Ok(d),
            Err(e) => Err(format!("{e:?}")),
            Ok(out) => Err(format!("sent, status {}", out.status())),
        }
    };

    let stamped = Input {
        at: Some(Timestamp {
            secs: 1_700_000_000,
            nanos: 0,
        }),
        ..Input::default()
    };
    assert_eq!(
        refused("Stamp", &stamped),
        Ok(Disabled::RequestTimestamps),
        "timestamps are not written in this build"
    );

    let documented = Input {
        doc: Some(r#"{"celsius": 21.5}"#),
        ..Input::default()
    };
    assert_eq!(
        refused("Stamp", &documented),
        Ok(Disabled::RequestDocuments),
        "documents are not written in this build"
    );

    assert_eq!(
        refused("Summed", &Input::default()),
        Ok(Disabled::RequestChecksums),
        "request checksums are not computed in this build"
    );

    assert_eq!(
        refused("Prefixed", &Input::default()),
        Ok(Disabled::HostPrefix),
        "host prefixes are not written in this build"
    );
    assert_eq!(transport.seen.borrow().len(), 1, "nothing more is sent");
    assert_eq!(Disabled::HostPrefix.feature(), "host-prefix");
    assert_eq!(Disabled::RequestChecksums.feature(), "request-checksums");
    assert_eq!(Disabled::RequestTimestamps.feature(), "request-timestamps");
    assert_eq!(Disabled::RequestDocuments.feature(), "request-documents");
}

/// Without an XML protocol, XML-escaped text is refused typed (the build's
/// own readers never make it); JSON escapes decode as before.
#[cfg(not(any(
    feature = "proto-rest-xml",
    feature = "proto-query",
    feature = "proto-ec2"
)))]
#[test]
fn a_build_without_xml_refuses_xml_entities_typed() {
    use stratus_core::model::view::{DecodeError, Escape, Text};

    let mut buf = [0u8; 16];
    assert_eq!(
        Text::new("a&amp;b", Escape::Xml).decode_into(&mut buf),
        Err(DecodeError::XmlDisabled)
    );
    assert_eq!(
        Text::new(r"a\u00e9b", Escape::Json).decode_into(&mut buf),
        Ok("a\u{e9}b")
    );
    assert_eq!(
        Text::new("plain", Escape::Xml).decode_into(&mut buf),
        Ok("plain")
    );
}
