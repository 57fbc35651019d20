//! The `stratus` CLI's `--paginate` and `wait` against a signature-checking
//! moto, compared with botocore's `build_full_result` and `WaiterError` on
//! the same server.

use std::process::{Command, Output};

use serde_json::Value as Json;
use stratus_tests::moto::Moto;

fn stratus(moto: &Moto, args: &[&str]) -> Output {
    Command::new(stratus_tests::stratus_bin())
        .args(args)
        .args(["--region", "us-east-1", "--endpoint-url", &moto.endpoint])
        .env("AWS_ACCESS_KEY_ID", &moto.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", &moto.secret_access_key)
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("stratus runs")
}

fn stratus_json(moto: &Moto, args: &[&str]) -> Json {
    let out = stratus(moto, args);
    assert!(
        out.status.success(),
        "stratus {args:?}: exit {:?}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is JSON")
}

/// boto3's `build_full_result` of S3 ListObjectsV2 on `Bucket: pages` with `config`.
fn boto3_full(moto: &Moto, config: &str) -> Json {
    let script = format!(
        "import boto3, json, os\n\
         s3 = boto3.client('s3', region_name='us-east-1', endpoint_url=os.environ['STRATUS_MOTO_ENDPOINT'])\n\
         r = s3.get_paginator('list_objects_v2').paginate(Bucket='pages', PaginationConfig={config}).build_full_result()\n\
         print(json.dumps(r, default=lambda d: d.isoformat()))\n"
    );
    serde_json::from_str(&moto.python(&script).unwrap()).unwrap()
}

#[test]
fn paginate_and_wait_match_botocore() {
    let moto = Moto::start().expect("moto starts");
    moto.python(
        "import boto3, os\n\
         s3 = boto3.client('s3', region_name='us-east-1', endpoint_url=os.environ['STRATUS_MOTO_ENDPOINT'])\n\
         s3.create_bucket(Bucket='pages')\n\
         for i in range(300):\n\
         \x20   s3.put_object(Bucket='pages', Key='k%04d' % i, Body=b'x')\n\
         db = boto3.client('dynamodb', region_name='us-east-1', endpoint_url=os.environ['STRATUS_MOTO_ENDPOINT'])\n\
         db.create_table(TableName='t', KeySchema=[{'AttributeName': 'id', 'KeyType': 'HASH'}], AttributeDefinitions=[{'AttributeName': 'id', 'AttributeType': 'S'}], BillingMode='PAY_PER_REQUEST')\n",
    )
    .unwrap();
    let input = r#"{"Bucket": "pages"}"#;
    let base = ["s3", "list-objects-v2", "--input", input, "--paginate"];

    // Every page, merged.
    let ours = stratus_json(&moto, &[&base[..], &["--page-size", "70"]].concat());
    let theirs = boto3_full(&moto, "{'PageSize': 70}");
    assert_eq!(ours["Contents"].as_array().map(Vec::len), Some(300));
    assert_eq!(
        ours, theirs,
        "--paginate --page-size 70 differs from build_full_result"
    );

    // MaxItems cuts a page: the resume token, then the rest from it.
    let cut = stratus_json(
        &moto,
        &[&base[..], &["--page-size", "70", "--max-items", "150"]].concat(),
    );
    let theirs = boto3_full(&moto, "{'PageSize': 70, 'MaxItems': 150}");
    assert_eq!(cut["Contents"].as_array().map(Vec::len), Some(150));
    assert_eq!(
        cut, theirs,
        "--max-items 150 differs from build_full_result"
    );
    let token = cut["NextToken"].as_str().expect("a NextToken").to_string();
    let rest = stratus_json(&moto, &[&base[..], &["--starting-token", &token]].concat());
    let theirs = boto3_full(&moto, &format!("{{'StartingToken': '{token}'}}"));
    assert_eq!(rest["Contents"].as_array().map(Vec::len), Some(150));
    assert_eq!(
        rest, theirs,
        "--starting-token differs from build_full_result"
    );
    println!("s3 list-objects-v2 --paginate: 300 keys, MaxItems 150 + resume: same as botocore");

    // Waiters: both spellings succeed (exit 0, nothing printed).
    for (args, what) in [
        (
            vec![
                "dynamodb",
                "wait",
                "table-exists",
                "--input",
                r#"{"TableName": "t"}"#,
            ],
            "dynamodb table-exists",
        ),
        (
            vec![
                "s3",
                "wait",
                "ObjectExists",
                "--input",
                r#"{"Bucket": "pages", "Key": "k0001"}"#,
            ],
            "s3 ObjectExists",
        ),
    ] {
        let out = stratus(&moto, &args);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{what}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(out.stdout.is_empty());
    }

    // A hopeless wait: exit 255 with botocore's WaiterError text.
    let t0 = std::time::Instant::now();
    let out = stratus(
        &moto,
        &[
            "s3",
            "wait",
            "object-exists",
            "--input",
            r#"{"Bucket": "pages", "Key": "missing"}"#,
            "--delay",
            "0.1",
            "--max-attempts",
            "3",
        ],
    );
    let elapsed = t0.elapsed();
    let want = moto
        .python(
            "import boto3, os\n\
             s3 = boto3.client('s3', region_name='us-east-1', endpoint_url=os.environ['STRATUS_MOTO_ENDPOINT'])\n\
             try:\n\
             \x20   s3.get_waiter('object_exists').wait(Bucket='pages', Key='missing', WaiterConfig={'Delay': 0, 'MaxAttempts': 3})\n\
             except Exception as e:\n\
             \x20   print(e)\n",
        )
        .unwrap();
    assert_eq!(out.status.code(), Some(255));
    assert_eq!(String::from_utf8_lossy(&out.stderr).trim(), want.trim());
    assert!(
        elapsed >= std::time::Duration::from_millis(200),
        "two delays of 0.1 s: {elapsed:?}"
    );
    println!(
        "s3 wait object-exists on a missing key: `{}` in {elapsed:?}",
        want.trim()
    );
}
