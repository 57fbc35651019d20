//! Presigning against botocore 1.43.11 at one frozen time:
//! `Client::presign_url_with` equals `generate_presigned_url` (query, ec2,
//! json and rest-json operations moved into the query as botocore moves them,
//! S3 with signed headers, HTTP method overrides, session tokens), the
//! operations botocore cannot presign usefully give a typed error, and
//! `Client::presign_post` equals `generate_presigned_post` field by field,
//! with the decoded policy compared byte for byte.

use base64::Engine as _;
use serde_json::{Value as Json, json};
use stratus_core::client::test_support::{Empty, NoTransport, VirtualClock};
use stratus_core::client::{
    AddressingStyle, Buffers, CallError, Client, ClientConfig, PresignError, PresignOptions,
    ServiceEntry,
};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_core::format::json::{InputSlots, JsonInput};
use stratus_core::model::{HttpMethod, StructValue};
use stratus_core::sigv4::post::{Condition, PostPolicy};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TOKEN: &str = "FwoGZXIvYXdzEXAMPLE+token/==";
const TIME: u64 = 1_795_334_400; // 2026-11-22T08:00:00Z

const ORACLE: &str = r#"
import base64, datetime, json, sys
import botocore.auth, botocore.session, botocore.signers
from botocore.config import Config
now = datetime.datetime(2026, 11, 22, 8, 0, 0)
botocore.auth.get_current_datetime = lambda *a, **k: now
botocore.signers.get_current_datetime = lambda *a, **k: now
def client(c):
    cfg = Config(signature_version="s3v4", s3={"addressing_style": c["style"]}) if c["service"] == "s3" else None
    return botocore.session.Session().create_client(c["service"], region_name=c["region"],
        endpoint_url=c["endpoint"], aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=c["secret"],
        aws_session_token=c["token"], config=cfg)
clients = {}
def cached(c):
    k = (c["service"], c["region"], c["endpoint"], c["token"], c["style"])
    if k not in clients:
        clients[k] = client(c)
    return clients[k]
out = []
for c in json.load(sys.stdin):
    try:
        if c["kind"] == "url":
            out.append({"url": cached(c).generate_presigned_url(c["op"], Params=c["params"],
                ExpiresIn=c["expires"], HttpMethod=c["method"])})
        else:
            p = cached(c).generate_presigned_post(c["bucket"], c["key"], Fields=dict(c["fields"]),
                Conditions=c["conditions"], ExpiresIn=c["expires"])
            out.append({"url": p["url"], "fields": list(p["fields"].items()),
                "policy": base64.b64decode(p["fields"]["policy"]).decode()})
    except Exception as e:
        out.append({"error": type(e).__name__})
print(json.dumps(out))
"#;

fn entry(service: &str) -> &'static ServiceEntry {
    match service {
        "sts" => &stratus_models::sts::ENTRY,
        "ec2" => &stratus_models::ec2::ENTRY,
        "sqs" => &stratus_models::sqs::ENTRY,
        "dynamodb" => &stratus_models::dynamodb::ENTRY,
        "kinesis" => &stratus_models::kinesis::ENTRY,
        "lambda" => &stratus_models::lambda::ENTRY,
        "s3" => &stratus_models::s3::ENTRY,
        other => panic!("no entry for {other}"),
    }
}

/// `(service, operation, params, method)`: what a presigned URL is made for.
/// The params are in the model's member order: botocore writes a body or a
/// query in the order of the caller's dict, stratus in the model's (a typed
/// input has no other). ListObjectsV2 names `EncodingType`, which botocore
/// would otherwise add by a handler stratus does not have.
fn url_operations() -> Vec<(&'static str, &'static str, Json, Option<&'static str>)> {
    vec![
        ("sts", "GetCallerIdentity", json!({}), Some("GET")),
        ("sts", "GetCallerIdentity", json!({}), None),
        (
            "sts",
            "GetSessionToken",
            json!({"DurationSeconds": 900}),
            Some("GET"),
        ),
        (
            "ec2",
            "DescribeRegions",
            json!({"RegionNames": ["eu-west-1", "us-east-1"], "AllRegions": true}),
            None,
        ),
        (
            "ec2",
            "DescribeInstances",
            json!({"Filters": [{"Name": "tag:a b", "Values": ["x~y/é"]}]}),
            Some("GET"),
        ),
        (
            "sqs",
            "GetQueueUrl",
            json!({"QueueName": "a b~c/é\"q"}),
            None,
        ),
        (
            "dynamodb",
            "ListTables",
            json!({"ExclusiveStartTableName": "x y", "Limit": 5}),
            None,
        ),
        ("kinesis", "ListStreams", json!({}), Some("POST")),
        (
            "lambda",
            "GetFunction",
            json!({"FunctionName": "f", "Qualifier": "1"}),
            None,
        ),
        (
            "lambda",
            "ListFunctions",
            json!({"Marker": "a+b c", "MaxItems": 10}),
            None,
        ),
        (
            "s3",
            "GetObject",
            json!({"Bucket": "stratus-bucket", "Key": "a b/c.txt",
            "ResponseContentType": "a/b c", "VersionId": "v1"}),
            None,
        ),
        (
            "s3",
            "PutObject",
            json!({"Bucket": "stratus-bucket", "Key": "r.json",
            "ContentType": "application/json", "Metadata": {"device": "m7"}}),
            None,
        ),
        (
            "s3",
            "GetObjectTagging",
            json!({"Bucket": "stratus-bucket", "Key": "k"}),
            None,
        ),
        (
            "s3",
            "ListObjectsV2",
            json!({"Bucket": "stratus-bucket", "EncodingType": "url", "Prefix": "readings/"}),
            None,
        ),
        (
            "s3",
            "DeleteObject",
            json!({"Bucket": "stratus-bucket", "Key": "k"}),
            Some("DELETE"),
        ),
        (
            "s3",
            "HeadObject",
            json!({"Bucket": "stratus-bucket", "Key": "k"}),
            Some("GET"),
        ),
    ]
}

/// Operations botocore cannot presign into a usable URL: stratus's typed
/// error, and what botocore does instead.
fn refused_operations() -> Vec<(&'static str, &'static str, Json, PresignError, &'static str)> {
    vec![
        (
            "lambda",
            "CreateAlias",
            json!({"FunctionName": "f", "Name": "n", "FunctionVersion": "1",
                "RoutingConfig": {"AdditionalVersionWeights": {"2": 0.5}}}),
            PresignError::MemberNotQueryable { index: 2 },
            "url with Python's repr of RoutingConfig",
        ),
        (
            "dynamodb",
            "GetItem",
            json!({"TableName": "t", "Key": {"id": {"S": "1"}}}),
            PresignError::MemberNotQueryable { index: 1 },
            "url with Python's repr of Key",
        ),
        (
            "s3",
            "PutBucketTagging",
            json!({"Bucket": "stratus-bucket", "Tagging": {"TagSet": [{"Key": "a", "Value": "b"}]}}),
            PresignError::BodyNotJsonObject,
            "JSONDecodeError",
        ),
    ]
}

fn settings() -> Vec<(
    Option<&'static str>,
    &'static str,
    Option<&'static str>,
    &'static str,
)> {
    let mut out = Vec::new();
    for (endpoint, style) in [(Some("http://127.0.0.1:5000"), "path"), (None, "virtual")] {
        for token in [None, Some(TOKEN)] {
            for region in ["us-east-1", "eu-west-1"] {
                out.push((endpoint, style, token, region));
            }
        }
    }
    out
}

fn oracle(cases: &[Json]) -> Vec<Json> {
    let mut oracle = stratus_tests::python();
    oracle.args(["-c", ORACLE]);
    let input = Json::Array(cases.to_vec()).to_string();
    serde_json::from_value(stratus_tests::oracle_json(
        oracle,
        input.as_bytes(),
        "botocore",
    ))
    .unwrap()
}

fn client<'a>(
    c: &Json,
    creds: &'a StaticCredentials,
    clock: &'a VirtualClock,
) -> Client<'a, NoTransport, &'a StaticCredentials, &'a VirtualClock> {
    let mut config = ClientConfig::default().region(c["region"].as_str().unwrap());
    if let Some(e) = c["endpoint"].as_str() {
        config = config.endpoint_url(e);
    }
    config = config.addressing_style(match c["style"].as_str() {
        Some("path") => AddressingStyle::Path,
        _ => AddressingStyle::Virtual,
    });
    Client::new(
        entry(c["service"].as_str().unwrap()),
        config,
        NoTransport,
        creds,
        clock,
    )
    .with_partitions(&stratus_models::PARTITIONS)
}

fn creds(c: &Json) -> StaticCredentials {
    StaticCredentials::new(
        Credentials::new("AKIDEXAMPLE", SECRET, c["token"].as_str(), None).unwrap(),
    )
}

fn method(m: Option<&str>) -> Option<HttpMethod> {
    m.map(|m| match m {
        "GET" => HttpMethod::Get,
        "POST" => HttpMethod::Post,
        "PUT" => HttpMethod::Put,
        "DELETE" => HttpMethod::Delete,
        other => panic!("no method {other}"),
    })
}

/// stratus's URL (or error) for a URL case.
fn stratus_url(c: &Json, clock: &VirtualClock) -> Result<String, PresignError> {
    let creds = creds(c);
    let client = client(c, &creds, clock);
    let model = client.service().model;
    let op = model.operation(c["model_op"].as_str().unwrap()).unwrap();
    let text = c["params"].to_string();
    let slots: InputSlots<'_, 64> = InputSlots::new();
    let mut scratch = vec![0u8; 4096];
    let json_input;
    let input: &dyn StructValue = match op.input {
        Some(shape) => {
            json_input = JsonInput::new(&text, model, shape, &slots, &mut scratch).unwrap();
            &json_input
        }
        None => &Empty,
    };
    let opts = PresignOptions {
        expires_secs: c["expires"].as_u64().unwrap() as u32,
        http_method: method(c["method"].as_str()),
    };
    let mut bufs = Box::new(Buffers::<4096, 1024>::new());
    let r =
        embassy_futures::block_on(client.presign_url_with(op.name, input, &opts, bufs.workspace()));
    match r {
        Ok(url) => Ok(url.to_string()),
        Err(CallError::Presign(e)) => Err(e),
        Err(e) => panic!("{c}: {e}"),
    }
}

fn snake(op: &str) -> String {
    let mut out = String::new();
    for (i, ch) in op.chars().enumerate() {
        if ch.is_ascii_uppercase() && i > 0 {
            out.push('_');
        }
        out.push(ch.to_ascii_lowercase());
    }
    out
}

#[test]
fn presigned_urls_match_botocore() {
    let mut cases = Vec::new();
    for (endpoint, style, token, region) in settings() {
        for (service, op, params, method) in url_operations() {
            // A custom endpoint only for S3 (path-style); the others resolve.
            let endpoint = if service == "s3" { endpoint } else { None };
            cases.push(json!({
                "kind": "url", "service": service, "op": snake(op), "model_op": op,
                "params": params, "method": method, "expires": 900, "region": region,
                "endpoint": endpoint, "style": style, "token": token, "secret": SECRET,
            }));
        }
    }
    let refused: Vec<Json> = refused_operations()
        .into_iter()
        .map(|(service, op, params, _, _)| {
            json!({
                "kind": "url", "service": service, "op": snake(op), "model_op": op,
                "params": params, "method": null, "expires": 900, "region": "us-east-1",
                "endpoint": null, "style": "virtual", "token": null, "secret": SECRET,
            })
        })
        .collect();
    let mut all = cases.clone();
    all.extend(refused.iter().cloned());
    let want = oracle(&all);
    let clock = VirtualClock::new(TIME);

    let mut mismatches = 0;
    for (c, want) in cases.iter().zip(&want) {
        let got = stratus_url(c, &clock).map_err(|e| e.to_string());
        if got.as_deref().ok() != want["url"].as_str() {
            mismatches += 1;
            println!("MISMATCH {c}\n  stratus:  {got:?}\n  botocore: {want}");
        }
    }
    println!(
        "presigned URLs vs botocore generate_presigned_url: {} compared over {} operations, {mismatches} mismatches",
        cases.len(),
        url_operations().len()
    );
    assert_eq!(mismatches, 0);

    for ((c, want), (_, op, _, error, botocore_does)) in refused
        .iter()
        .zip(&want[cases.len()..])
        .zip(refused_operations())
    {
        let got = stratus_url(c, &clock);
        println!("refused {op}: stratus {got:?}; botocore {want} ({botocore_does})");
        assert!(got == Err(error), "{op}: {got:?}");
        match want["url"].as_str() {
            // botocore's URL carries Python's repr of a structure (`{'`).
            Some(url) => assert!(url.contains("%7B%27"), "{url}"),
            None => assert_eq!(want["error"], botocore_does),
        }
    }
    println!(
        "presign refusals: {} operations refused with a typed error (botocore: repr in the URL or an exception)",
        refused.len()
    );
}

#[test]
fn presigned_posts_match_botocore() {
    let fields_sets: [&[(&str, &str)]; 3] = [
        &[],
        &[("acl", "private"), ("success_action_status", "201")],
        &[
            ("Content-Type", "image/png"),
            ("key", "ignored"),
            ("x-amz-meta-device", "m7 \"é\""),
        ],
    ];
    let conditions_sets: [&[Condition<'_>]; 3] = [
        &[],
        &[
            Condition::Equals {
                field: "acl",
                value: "private",
            },
            Condition::StartsWith {
                field: "Content-Type",
                prefix: "image/",
            },
            Condition::ContentLengthRange {
                min: 1,
                max: 1_048_576,
            },
        ],
        &[
            Condition::StartsWith {
                field: "x-amz-meta-device",
                prefix: "",
            },
            Condition::Equals {
                field: "success_action_status",
                value: "201",
            },
        ],
    ];
    let conditions_json = |cs: &[Condition<'_>]| -> Json {
        cs.iter()
            .map(|c| match *c {
                Condition::Equals { field, value } => json!({ field: value }),
                Condition::StartsWith { field, prefix } => {
                    json!(["starts-with", format!("${field}"), prefix])
                }
                Condition::ContentLengthRange { min, max } => {
                    json!(["content-length-range", min, max])
                }
            })
            .collect()
    };
    let mut cases = Vec::new();
    let mut inputs = Vec::new();
    for (endpoint, style, token, region) in settings() {
        for key in ["uploads/${filename}", "readings/2026-11-22 08:00.json"] {
            for i in 0..fields_sets.len() {
                cases.push(json!({
                    "kind": "post", "service": "s3", "bucket": "stratus-bucket", "key": key,
                    "fields": fields_sets[i], "conditions": conditions_json(conditions_sets[i]),
                    "expires": 600 + 3600 * i, "region": region, "endpoint": endpoint,
                    "style": style, "token": token, "secret": SECRET,
                }));
                inputs.push((key, i));
            }
        }
    }
    let want = oracle(&cases);
    let clock = VirtualClock::new(TIME);
    let (mut compared, mut mismatches) = (0, 0);
    for ((c, want), (key, i)) in cases.iter().zip(&want).zip(&inputs) {
        let creds = creds(c);
        let client = client(c, &creds, &clock);
        let policy = PostPolicy {
            bucket: "stratus-bucket",
            key,
            fields: fields_sets[*i],
            conditions: conditions_sets[*i],
            expires_secs: c["expires"].as_u64().unwrap() as u32,
        };
        let mut bufs = Box::new(Buffers::<4096, 1024>::new());
        let post = embassy_futures::block_on(client.presign_post(&policy, bufs.workspace()))
            .unwrap_or_else(|e| panic!("{c}: {e}"));
        let fields: Vec<(String, String)> = post
            .form
            .fields()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect();
        let want_fields: Vec<(String, String)> =
            serde_json::from_value(want["fields"].clone()).unwrap();
        let policy_text = base64::engine::general_purpose::STANDARD
            .decode(post.form.policy())
            .unwrap();
        compared += 1;
        let same = post.url == want["url"].as_str().unwrap()
            && fields == want_fields
            && policy_text == want["policy"].as_str().unwrap().as_bytes();
        if !same {
            mismatches += 1;
            println!(
                "MISMATCH {c}\n  stratus:  {} {fields:?}\n  {}\n  botocore: {want}",
                post.url,
                String::from_utf8_lossy(&policy_text)
            );
        }
    }
    println!(
        "presigned POSTs vs botocore generate_presigned_post: {compared} compared (url, fields in order, policy bytes), {mismatches} mismatches"
    );
    assert_eq!(mismatches, 0);
}
