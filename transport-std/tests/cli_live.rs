//! `stratus` against a local HTTP server this test starts on 127.0.0.1 (a
//! canned answer per server): the parsed result as JSON on stdout with exit
//! 0, and service errors as botocore's `ClientError` text on stderr with
//! exit 254. The error texts are compared with what botocore 1.43.11 prints
//! for the same canned answers (botocore called against the same server).

mod cli_common;

use std::io::Write as _;
use std::process::Stdio;

use cli_common::{CannedServer, code, python, stderr, stdout, stratus};

const PUT_RECORD: &str = r#"{"StreamName":"s","Data":"aGVsbG8=","PartitionKey":"p"}"#;
const JSON_11: (&str, &str) = ("Content-Type", "application/x-amz-json-1.1");

fn call(server: &CannedServer, service: &str, op: &str, input: &str) -> std::process::Output {
    call_with_attempts(server, service, op, input, 1)
}

fn call_with_attempts(
    server: &CannedServer,
    service: &str,
    op: &str,
    input: &str,
    attempts: u32,
) -> std::process::Output {
    stratus()
        .env("AWS_MAX_ATTEMPTS", attempts.to_string())
        .args([
            service,
            op,
            "--input",
            input,
            "--region",
            "us-east-1",
            "--endpoint-url",
            &server.url(),
        ])
        .output()
        .expect("stratus runs")
}

/// What botocore's `str(ClientError)` is for `method(**params)` against
/// `url`, with at most `attempts` attempts.
fn botocore_error(service: &str, method: &str, params: &str, url: &str, attempts: u32) -> String {
    let script = r#"
import json, sys
import botocore.session
from botocore.config import Config
from botocore.exceptions import ClientError
service, method, params, url, attempts = sys.argv[1:6]
client = botocore.session.get_session().create_client(
    service, region_name="us-east-1", endpoint_url=url,
    config=Config(retries={"total_max_attempts": int(attempts)}))
params = json.loads(params)
for k in ("Data",):
    if k in params:
        params[k] = params[k].encode()
try:
    getattr(client, method)(**params)
    print("no error")
except ClientError as e:
    print(str(e))
"#;
    let mut child = python()
        .args([
            "-c",
            script,
            service,
            method,
            params,
            url,
            &attempts.to_string(),
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("python3 runs");
    let _ = child.stdin.take().map(|mut s| s.flush());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "botocore failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim_end().to_string()
}

#[test]
fn result_is_json_on_stdout_with_exit_0() {
    let server = CannedServer::start(
        200,
        &[JSON_11],
        br#"{"ShardId":"shardId-000000000000","SequenceNumber":"49590338271490256608559692538361571095921575989136588898"}"#,
    );
    let o = call(&server, "kinesis", "put-record", PUT_RECORD);
    println!("stdout:\n{}stderr: {:?}", stdout(&o), stderr(&o));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(
        stdout(&o),
        "{\n    \"ShardId\": \"shardId-000000000000\",\n    \"SequenceNumber\": \"49590338271490256608559692538361571095921575989136588898\"\n}\n"
    );
    assert!(o.stderr.is_empty());
    let requests = server.requests();
    assert_eq!(requests.len(), 1, "one request sent");
    let request = String::from_utf8_lossy(&requests[0]);
    println!("the server got:\n{request}");
    assert!(request.starts_with("POST / HTTP/1.1\r\n"));
    assert!(request.contains("X-Amz-Target: Kinesis_20131202.PutRecord\r\n"));
    assert!(request.contains("Credential=AKIDEXAMPLE/"));
    assert!(request.ends_with(r#"{"StreamName": "s", "Data": "aGVsbG8=", "PartitionKey": "p"}"#));
}

#[test]
fn blobs_base64_and_timestamps_iso_8601_in_the_output() {
    let server = CannedServer::start(
        200,
        &[JSON_11],
        br#"{"Records":[{"SequenceNumber":"1","ApproximateArrivalTimestamp":1795334400.5,"Data":"aGVsbG8=","PartitionKey":"p"}],"NextShardIterator":"it","MillisBehindLatest":0}"#,
    );
    let o = call(
        &server,
        "kinesis",
        "get-records",
        r#"{"ShardIterator":"it"}"#,
    );
    println!("{}", stdout(&o));
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let want = r#"{
    "Records": [
        {
            "SequenceNumber": "1",
            "ApproximateArrivalTimestamp": "2026-11-22T08:00:00.500000+00:00",
            "Data": "aGVsbG8=",
            "PartitionKey": "p"
        }
    ],
    "NextShardIterator": "it",
    "MillisBehindLatest": 0
}
"#;
    assert_eq!(stdout(&o), want);
}

#[test]
fn service_errors_print_botocores_text_and_exit_254() {
    struct ErrorCase {
        service: &'static str,
        op: &'static str,
        method: &'static str,
        input: &'static str,
        status: u16,
        headers: &'static [(&'static str, &'static str)],
        body: &'static [u8],
        attempts: u32,
    }
    let cases = [
        ErrorCase {
            service: "kinesis",
            op: "put-record",
            method: "put_record",
            input: PUT_RECORD,
            status: 400,
            headers: &[JSON_11],
            body: br#"{"__type":"ResourceNotFoundException","message":"Stream s under account 123456789012 not found."}"#,
            attempts: 1,
        },
        // Retried to the last attempt: botocore adds "(reached max retries: N)".
        ErrorCase {
            service: "kinesis",
            op: "put-record",
            method: "put_record",
            input: PUT_RECORD,
            status: 500,
            headers: &[JSON_11],
            body: br#"{"__type":"InternalFailure","message":"try again"}"#,
            attempts: 2,
        },
        ErrorCase {
            service: "s3",
            op: "get-object",
            method: "get_object",
            input: r#"{"Bucket":"bucket","Key":"missing.txt"}"#,
            status: 404,
            headers: &[("Content-Type", "application/xml")],
            body: b"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>NoSuchKey</Code><Message>The specified key does not exist.</Message><Key>missing.txt</Key></Error>",
            attempts: 1,
        },
        ErrorCase {
            service: "sts",
            op: "get-caller-identity",
            method: "get_caller_identity",
            input: "{}",
            status: 403,
            headers: &[("Content-Type", "text/xml")],
            body: b"<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><Error><Type>Sender</Type><Code>InvalidClientTokenId</Code><Message>The security token included in the request is invalid.</Message></Error><RequestId>r</RequestId></ErrorResponse>",
            attempts: 1,
        },
        ErrorCase {
            service: "lambda",
            op: "get-function",
            method: "get_function",
            input: r#"{"FunctionName":"f"}"#,
            status: 404,
            headers: &[
                ("Content-Type", "application/json"),
                ("x-amzn-ErrorType", "ResourceNotFoundException"),
            ],
            body: br#"{"Type":"User","Message":"Function not found: arn:aws:lambda:us-east-1:123456789012:function:f"}"#,
            attempts: 1,
        },
    ];
    let mut compared = 0;
    for c in &cases {
        let server = CannedServer::start(c.status, c.headers, c.body);
        let o = call_with_attempts(&server, c.service, c.op, c.input, c.attempts);
        let want = botocore_error(c.service, c.method, c.input, &server.url(), c.attempts);
        println!(
            "{} {}: exit {}\n  stratus:  {}\n  botocore: {want}",
            c.service,
            c.op,
            code(&o),
            stderr(&o).trim_end()
        );
        assert_eq!(code(&o), 254, "{}", stderr(&o));
        assert_eq!(stderr(&o), format!("{want}\n"));
        assert!(o.stdout.is_empty());
        // Each attempt reached the server (botocore's as well: twice as many).
        assert_eq!(server.requests().len() as u32, 2 * c.attempts);
        compared += 1;
    }
    println!("service error texts identical to botocore's: {compared}");
    assert_eq!(compared, cases.len());
}

#[test]
fn nothing_listening_is_exit_255() {
    // Bind then drop: a port on 127.0.0.1 where nothing listens now.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let o = stratus()
        .env("AWS_MAX_ATTEMPTS", "1")
        .args([
            "kinesis",
            "put-record",
            "--input",
            PUT_RECORD,
            "--region",
            "us-east-1",
            "--endpoint-url",
            &format!("http://127.0.0.1:{port}"),
        ])
        .output()
        .unwrap();
    println!("exit {}: {}", code(&o), stderr(&o).trim_end());
    assert_eq!(code(&o), 255);
    assert!(
        stderr(&o).starts_with("stratus: error: could not send the request: could not connect"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn ca_bundle_problems_are_exit_255() {
    let dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"));
    let not_pem = dir.join("stratus-cli-not-a-bundle.pem");
    std::fs::write(&not_pem, "not a certificate\n").unwrap();
    let missing = dir.join("stratus-cli-no-such-bundle.pem");
    for (path, want) in [(&missing, "--ca-bundle"), (&not_pem, "--ca-bundle")] {
        let o = stratus()
            .args([
                "sts",
                "get-caller-identity",
                "--region",
                "us-east-1",
                "--endpoint-url",
                "https://127.0.0.1:9",
                "--ca-bundle",
            ])
            .arg(path)
            .output()
            .unwrap();
        println!(
            "{} -> exit {}: {}",
            path.display(),
            code(&o),
            stderr(&o).trim_end()
        );
        assert_eq!(code(&o), 255);
        assert!(stderr(&o).contains(want), "{}", stderr(&o));
        assert!(o.stdout.is_empty());
    }
}
