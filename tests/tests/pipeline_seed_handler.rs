//! The seed example: a handler on `after-call.lambda.GetPolicy` that parses
//! the `Policy` string into JSON, in both registration forms (a static
//! registry in flash, and a closure in the client's runtime registry). The
//! result must equal botocore's with the same handler registered and the same
//! response.

use serde_json::Value as Json;
use stratus_core::client::test_support::VirtualClock;
use stratus_core::client::{
    Buffers, Client, ClientConfig, Event, EventData, Order, StaticHandler, Stubber,
};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_models::lambda::types::GetPolicyRequest;

const BODY: &str = r#"{"Policy":"{\"Version\":\"2012-10-17\",\"Id\":\"default\",\"Statement\":[{\"Sid\":\"s3\",\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"s3.amazonaws.com\"},\"Action\":\"lambda:InvokeFunction\",\"Resource\":\"arn:aws:lambda:us-east-1:123456789012:function:f\"}]}","RevisionId":"4c2d-9e1f"}"#;

/// The handler: `Policy` (a string holding JSON) becomes that JSON.
fn policy_as_json(event: &mut Event<'_, '_>) {
    if let EventData::AfterCall { result, .. } = &mut event.data
        && let Ok(Some(text)) = result.copy_text("Policy")
        && result.set_json("Policy", text).is_err()
    {
        event.fail("Policy is not JSON");
    }
}

static HANDLERS: [StaticHandler; 1] = [StaticHandler::new(
    "after-call.lambda.GetPolicy",
    policy_as_json,
)];

fn botocore_result() -> Json {
    let script = r#"
import json, sys
import botocore.session
from botocore.awsrequest import AWSResponse

class Raw:
    def __init__(self, b): self.b = b
    def stream(self, **_): yield self.b

body = sys.stdin.read().encode()
session = botocore.session.Session()
client = session.create_client("lambda", region_name="us-east-1", endpoint_url="http://127.0.0.1:9",
    aws_access_key_id="AKID", aws_secret_access_key="SECRET")

def policy_as_json(parsed, **_):
    if "Policy" in parsed:
        parsed["Policy"] = json.loads(parsed["Policy"])

client.meta.events.register("after-call.lambda.GetPolicy", policy_as_json)
client.meta.events.register("before-send", lambda request, **_: AWSResponse(
    request.url, 200, {"Content-Type": "application/json"}, Raw(body)))
out = client.get_policy(FunctionName="f")
out.pop("ResponseMetadata", None)
print(json.dumps(out))
"#;
    let mut oracle = stratus_tests::python();
    oracle.args(["-c", script]);
    serde_json::from_value(stratus_tests::oracle_json(
        oracle,
        BODY.as_bytes(),
        "botocore",
    ))
    .unwrap()
}

/// Runs GetPolicy against a stubbed response, with the handler registered
/// statically or at run time; returns the result as JSON.
fn stratus_result(static_form: bool) -> Json {
    let closure = |e: &mut Event<'_, '_>| policy_as_json(e);
    let headers = [("Content-Type", "application/json")];
    let stubber: Stubber<'_, 1> = Stubber::new();
    stubber
        .add_response("GetPolicy", 200, &headers, BODY.as_bytes(), None)
        .unwrap();
    let transport = stratus_core::client::test_support::NoTransport;
    let clock = VirtualClock::new(1_700_000_000);
    let creds = StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).unwrap());
    let config = ClientConfig::default()
        .region("us-east-1")
        .endpoint_url("http://127.0.0.1:9");
    let mut client = Client::new(
        &stratus_models::lambda::ENTRY,
        config,
        transport,
        &creds,
        &clock,
    )
    .with_partitions(&stratus_models::PARTITIONS);
    if static_form {
        client = client.with_static_handlers(&HANDLERS);
    } else {
        client
            .register("after-call.lambda.GetPolicy", &closure, Order::Normal, None)
            .unwrap();
    }
    client.register("*", &stubber, Order::Normal, None).unwrap();
    let input = GetPolicyRequest {
        function_name: "f",
        ..Default::default()
    };
    let mut bufs = Box::new(Buffers::<4096, 4096>::new());
    let out = embassy_futures::block_on(client.call("GetPolicy", &input, bufs.workspace()))
        .expect("stubbed call succeeds");
    assert!(out.edited_json("Policy").is_some());
    let mut json: heapless::Vec<u8, 2048> = heapless::Vec::new();
    out.write_json(&mut json).unwrap();
    serde_json::from_slice(&json).unwrap()
}

#[test]
fn get_policy_handler_matches_botocore_in_both_registration_forms() {
    let want = botocore_result();
    assert!(want["Policy"].is_object(), "botocore's handler ran: {want}");
    for static_form in [true, false] {
        let got = stratus_result(static_form);
        assert_eq!(got, want, "static registry: {static_form}");
    }
    println!(
        "after-call.lambda.GetPolicy: static and runtime handlers give botocore's result: {want}"
    );
}
