//! `Client::presign_url` (botocore's `generate_presigned_url`) for S3
//! GetObject and PutObject, through the whole front half of the pipeline
//! (params, endpoint rules, serializer, signer), equals botocore's URL at the
//! same frozen time: path-style against a custom endpoint, virtual-hosted
//! against AWS, with and without a session token.

use serde_json::{Value as Json, json};
use stratus_core::client::test_support::VirtualClock;
use stratus_core::client::{AddressingStyle, Buffers, Client, ClientConfig};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_models::s3::types::{GetObjectRequest, PutObjectRequest};

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const TIME: u64 = 1_795_334_400; // 2026-11-22T08:00:00Z

const ORACLE: &str = r#"
import datetime, json, sys
import botocore.auth, botocore.session
from botocore.config import Config
now = datetime.datetime(2026, 11, 22, 8, 0, 0)
botocore.auth.get_current_datetime = lambda *a, **k: now
out = []
for c in json.load(sys.stdin):
    session = botocore.session.Session()
    client = session.create_client("s3", region_name=c["region"], endpoint_url=c["endpoint"],
        aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key=c["secret"],
        aws_session_token=c["token"], config=Config(signature_version="s3v4",
        s3={"addressing_style": c["style"]}))
    out.append(client.generate_presigned_url(c["method"], Params={"Bucket": c["bucket"], "Key": c["key"]},
        ExpiresIn=c["expires"]))
print(json.dumps(out))
"#;

#[test]
fn presigned_urls_match_botocore() {
    let mut cases = Vec::new();
    for (endpoint, style) in [
        (Some("http://127.0.0.1:5000"), "path"),
        (None, "virtual"),
        (None, "path"),
    ] {
        for token in [None, Some("FwoGZXIvYXdzEXAMPLE+token/==")] {
            for (method, key) in [
                ("get_object", "readings/2026-11-22.json"),
                ("put_object", "a b/c.txt"),
            ] {
                for region in ["us-east-1", "eu-west-1"] {
                    cases.push(json!({
                        "endpoint": endpoint, "style": style, "token": token, "method": method,
                        "bucket": "stratus-bucket", "key": key, "expires": 900,
                        "region": region, "secret": SECRET,
                    }));
                }
            }
        }
    }
    let mut oracle = stratus_tests::python();
    oracle.args(["-c", ORACLE]);
    let input = Json::Array(cases.clone()).to_string();
    let want: Vec<String> = serde_json::from_value(stratus_tests::oracle_json(
        oracle,
        input.as_bytes(),
        "botocore",
    ))
    .unwrap();

    let clock = VirtualClock::new(TIME);
    let mut mismatches = 0;
    for (c, want) in cases.iter().zip(&want) {
        let token = c["token"].as_str();
        let creds =
            StaticCredentials::new(Credentials::new("AKIDEXAMPLE", SECRET, token, None).unwrap());
        let mut config = ClientConfig::default().region(c["region"].as_str().unwrap());
        if let Some(e) = c["endpoint"].as_str() {
            config = config.endpoint_url(e);
        }
        config = config.addressing_style(match c["style"].as_str() {
            Some("path") => AddressingStyle::Path,
            _ => AddressingStyle::Virtual,
        });
        let client = Client::new(
            &stratus_models::s3::ENTRY,
            config,
            stratus_core::client::test_support::NoTransport,
            &creds,
            &clock,
        )
        .with_partitions(&stratus_models::PARTITIONS);
        let key = c["key"].as_str().unwrap();
        let mut bufs = Box::new(Buffers::<4096, 1024>::new());
        let got = match c["method"].as_str() {
            Some("get_object") => {
                let input = GetObjectRequest {
                    bucket: "stratus-bucket",
                    key,
                    ..Default::default()
                };
                embassy_futures::block_on(client.presign_url(
                    "GetObject",
                    &input,
                    900,
                    bufs.workspace(),
                ))
                .map(str::to_string)
            }
            _ => {
                let input = PutObjectRequest {
                    bucket: "stratus-bucket",
                    key,
                    ..Default::default()
                };
                embassy_futures::block_on(client.presign_url(
                    "PutObject",
                    &input,
                    900,
                    bufs.workspace(),
                ))
                .map(str::to_string)
            }
        }
        .map_err(|e| e.to_string());
        if got.as_deref() != Ok(want.as_str()) {
            mismatches += 1;
            println!("MISMATCH {c}\n  stratus:  {got:?}\n  botocore: {want}");
        }
    }
    println!(
        "presigned URLs through the client vs botocore: {} compared, {mismatches} mismatches",
        cases.len()
    );
    assert_eq!(mismatches, 0);
}
