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
    boto3_full_of(moto, "s3", "list_objects_v2", "Bucket='pages'", config)
}

/// boto3's `build_full_result` of `service`'s paginator `op` with `params`
/// (Python keyword arguments) and `config`.
fn boto3_full_of(moto: &Moto, service: &str, op: &str, params: &str, config: &str) -> Json {
    let script = format!(
        "import boto3, json, os\n\
         c = boto3.client('{service}', region_name='us-east-1', endpoint_url=os.environ['STRATUS_MOTO_ENDPOINT'])\n\
         r = c.get_paginator('{op}').paginate({params}, PaginationConfig={config}).build_full_result()\n\
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
         s3.create_bucket(Bucket='tree')\n\
         for i in range(30):\n\
         \x20   s3.put_object(Bucket='tree', Key='d%02d-x' % i, Body=b'x')\n\
         for i in range(60):\n\
         \x20   s3.put_object(Bucket='tree', Key='k%04d' % i, Body=b'x')\n\
         db = boto3.client('dynamodb', region_name='us-east-1', endpoint_url=os.environ['STRATUS_MOTO_ENDPOINT'])\n\
         db.create_table(TableName='t', KeySchema=[{'AttributeName': 'id', 'KeyType': 'HASH'}], AttributeDefinitions=[{'AttributeName': 'id', 'AttributeType': 'S'}], BillingMode='PAY_PER_REQUEST')\n\
         for i in range(25):\n\
         \x20   db.put_item(TableName='t', Item={'id': {'S': 'i%02d' % i}})\n",
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

    // A secondary result key (CommonPrefixes) on a page resumed from a
    // StartingToken: botocore blanks it, since the cut page gave it already.
    let tree = [
        "s3",
        "list-objects-v2",
        "--input",
        r#"{"Bucket": "tree", "Delimiter": "-"}"#,
        "--paginate",
    ];
    // `-`, not `/`: moto checks signatures over the decoded query, so a
    // percent-encoded delimiter fails there for boto3 as for stratus.
    let params = "Bucket='tree', Delimiter='-'";
    let cut = stratus_json(
        &moto,
        &[&tree[..], &["--page-size", "50", "--max-items", "10"]].concat(),
    );
    assert_eq!(
        cut,
        boto3_full_of(
            &moto,
            "s3",
            "list_objects_v2",
            params,
            "{'PageSize': 50, 'MaxItems': 10}"
        )
    );
    let token = cut["NextToken"].as_str().expect("a NextToken").to_string();
    let rest = stratus_json(
        &moto,
        &[
            &tree[..],
            &["--page-size", "50", "--starting-token", &token],
        ]
        .concat(),
    );
    let theirs = boto3_full_of(
        &moto,
        "s3",
        "list_objects_v2",
        params,
        &format!("{{'PageSize': 50, 'StartingToken': '{token}'}}"),
    );
    assert_eq!(
        rest["CommonPrefixes"], theirs["CommonPrefixes"],
        "a resumed page's CommonPrefixes differ from build_full_result"
    );
    assert_eq!(
        rest, theirs,
        "the resumed listing differs from build_full_result"
    );
    let prefixes = |j: &Json| j["CommonPrefixes"].as_array().map_or(0, Vec::len);
    println!(
        "s3 list-objects-v2 --delimiter resume: {} + {} common prefixes, {} + {} keys: same as botocore",
        prefixes(&cut),
        prefixes(&rest),
        cut["Contents"].as_array().map_or(0, Vec::len),
        rest["Contents"].as_array().map_or(0, Vec::len)
    );

    // DynamoDB Scan: numeric secondary keys (Count, ScannedCount) summed,
    // and kept on a resumed page.
    let scan = [
        "dynamodb",
        "scan",
        "--input",
        r#"{"TableName": "t"}"#,
        "--paginate",
        "--page-size",
        "10",
    ];
    let ddb = |config: &str| boto3_full_of(&moto, "dynamodb", "scan", "TableName='t'", config);
    let cut = stratus_json(&moto, &[&scan[..], &["--max-items", "15"]].concat());
    assert_eq!(
        cut,
        ddb("{'PageSize': 10, 'MaxItems': 15}"),
        "scan --max-items 15"
    );
    let token = cut["NextToken"].as_str().expect("a NextToken").to_string();
    let rest = stratus_json(&moto, &[&scan[..], &["--starting-token", &token]].concat());
    let theirs = ddb(&format!("{{'PageSize': 10, 'StartingToken': '{token}'}}"));
    assert_eq!(rest, theirs, "scan resumed");
    println!(
        "dynamodb scan --paginate: Count {} + {}, ScannedCount {} + {}: same as botocore",
        cut["Count"], rest["Count"], cut["ScannedCount"], rest["ScannedCount"]
    );

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
