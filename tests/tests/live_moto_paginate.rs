//! Paginators and waiters against a signature-checking moto, compared with
//! boto3's paginators and waiters on the same server.

use serde_json::Value as Json;
use stratus_core::client::{ClientConfig, Session};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_core::paginate::full::page_items;
use stratus_core::paginate::{PaginationConfig, Paginator};
use stratus_core::protocol::parse::TimestampStyle;
use stratus_tests::moto::Moto;
use stratus_transport_std::SystemClock;
use stratus_transport_std::net::StdTransport;
use stratus_transport_std::pages::{PagesError, paginate, wait};

fn session(moto: &Moto) -> Session<'static, StaticCredentials> {
    let creds = StaticCredentials::new(
        Credentials::new(&moto.access_key_id, &moto.secret_access_key, None, None).unwrap(),
    );
    Session::new(stratus_models::CATALOG, creds)
        .with_region("us-east-1")
        .with_partitions(&stratus_models::PARTITIONS)
        .with_config(ClientConfig::default().endpoint_url(&moto.endpoint))
}

/// Pages (each a list of `field` values) and the resume token.
fn stratus_pages(
    moto: &Moto,
    service: &str,
    paginator: &'static Paginator,
    input: &str,
    config: &PaginationConfig<'_>,
    field: &str,
) -> (Vec<Vec<String>>, Option<String>) {
    let s = session(moto);
    let transport = StdTransport::new().unwrap();
    let client = s.client(service, &transport, SystemClock).unwrap();
    let field_of = |item: Json| item[field].to_string();
    let mut pages = Vec::new();
    let resume = paginate(&client, paginator, input, config, &mut |out, page| {
        let items = page_items(paginator, out, page, TimestampStyle::Iso8601)?;
        pages.push(items.into_iter().map(field_of).collect());
        Ok(())
    })
    .unwrap();
    // The item face gives the same items, in order, and the same token.
    let mut items = Vec::new();
    let items_resume =
        stratus_transport_std::pages::items(&client, paginator, input, config, &mut |item| {
            items.push(field_of(item));
            Ok(())
        })
        .unwrap();
    assert_eq!(
        items,
        pages.concat(),
        "items() differs from the pages' items"
    );
    assert_eq!(
        items_resume, resume,
        "items() ends with another resume token"
    );
    (pages, resume)
}

fn boto3_pages(
    moto: &Moto,
    service: &str,
    op: &str,
    params: &str,
    config: &str,
    key: &str,
    field: &str,
) -> (Vec<Vec<String>>, Option<String>) {
    let py_op = if op == "Scan" {
        "scan"
    } else {
        "list_objects_v2"
    };
    let script = format!(
        "import boto3, json, os\n\
         c = boto3.client('{service}', region_name='us-east-1', endpoint_url=os.environ['STRATUS_MOTO_ENDPOINT'])\n\
         it = c.get_paginator('{py_op}').paginate(**json.loads('{params}'), PaginationConfig=json.loads('{config}'))\n\
         pages = [[json.dumps(i['{field}']) for i in p.get('{key}', [])] for p in it]\n\
         print(json.dumps({{'pages': pages, 'resume': it.resume_token}}))\n"
    );
    let out: Json = serde_json::from_str(&moto.python(&script).unwrap()).unwrap();
    let pages = out["pages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            p.as_array()
                .unwrap()
                .iter()
                .map(|s| {
                    // boto3 prints json.dumps of the item; compare parsed values.
                    let v: Json = serde_json::from_str(s.as_str().unwrap()).unwrap();
                    v.to_string()
                })
                .collect()
        })
        .collect();
    (pages, out["resume"].as_str().map(str::to_string))
}

fn paginator(list: &'static [Paginator], op: &str) -> &'static Paginator {
    list.iter().find(|p| p.operation == op).unwrap()
}

#[test]
fn s3_and_dynamodb_pages_match_boto3() {
    let moto = Moto::start().expect("moto starts");
    let t0 = std::time::Instant::now();
    moto.python(
        "import boto3, os\n\
         from concurrent.futures import ThreadPoolExecutor\n\
         s3 = boto3.client('s3', region_name='us-east-1', endpoint_url=os.environ['STRATUS_MOTO_ENDPOINT'])\n\
         s3.create_bucket(Bucket='pages')\n\
         with ThreadPoolExecutor(16) as ex:\n\
         \x20   list(ex.map(lambda i: s3.put_object(Bucket='pages', Key='k%05d' % i, Body=b'x'), range(2500)))\n\
         db = boto3.client('dynamodb', region_name='us-east-1', endpoint_url=os.environ['STRATUS_MOTO_ENDPOINT'])\n\
         db.create_table(TableName='t', KeySchema=[{'AttributeName': 'id', 'KeyType': 'HASH'}], AttributeDefinitions=[{'AttributeName': 'id', 'AttributeType': 'S'}], BillingMode='PAY_PER_REQUEST')\n\
         with ThreadPoolExecutor(16) as ex:\n\
         \x20   list(ex.map(lambda i: db.put_item(TableName='t', Item={'id': {'S': 'i%04d' % i}}), range(300)))\n",
    )
    .unwrap();
    println!("setup: 2500 objects, 300 items in {:?}", t0.elapsed());
    let s3p = paginator(stratus_models::s3::PAGINATORS, "ListObjectsV2");
    let ddbp = paginator(stratus_models::dynamodb::PAGINATORS, "Scan");
    let s3 = |label, max, size| Case {
        service: "s3",
        paginator: s3p,
        op: "ListObjectsV2",
        params: r#"{"Bucket": "pages"}"#,
        key: "Contents",
        field: "Key",
        label,
        max,
        size,
    };
    let scan = |label, max, size| Case {
        service: "dynamodb",
        paginator: ddbp,
        op: "Scan",
        params: r#"{"TableName": "t"}"#,
        key: "Items",
        field: "id",
        label,
        max,
        size,
    };
    let cases = [
        s3("page size 100", None, Some(100)),
        s3("max items 250, page size 100", Some(250), Some(100)),
        s3("max items 300, page size 100", Some(300), Some(100)),
        scan("page size 40", None, Some(40)),
        scan("max items 90, page size 40", Some(90), Some(40)),
    ];
    let mut passed = 0;
    for Case {
        service,
        paginator: p,
        op,
        params,
        key,
        field,
        label,
        max,
        size,
    } in cases
    {
        let config = PaginationConfig {
            max_items: max,
            page_size: size,
            starting_token: None,
        };
        let (ours, resume) = stratus_pages(&moto, service, p, params, &config, field);
        let py_config = format!(
            "{{{}{}}}",
            size.map(|s| format!("\"PageSize\": {s}"))
                .unwrap_or_default(),
            max.map(|m| format!(", \"MaxItems\": {m}"))
                .unwrap_or_default()
        );
        let (theirs, their_resume) =
            boto3_pages(&moto, service, op, params, &py_config, key, field);
        assert_eq!(ours, theirs, "{service} {op} {label}: pages differ");
        assert_eq!(
            resume, their_resume,
            "{service} {op} {label}: resume tokens differ"
        );
        let items: usize = ours.iter().map(Vec::len).sum();
        println!(
            "{service} {op} {label}: {} pages, {items} items, resume {:?}: same as boto3",
            ours.len(),
            resume
        );
        passed += 1;
        if let Some(token) = resume {
            // Resume where boto3 would: the rest of the items, same pages.
            let config = PaginationConfig {
                max_items: max,
                page_size: size,
                starting_token: Some(&token),
            };
            let (ours, resume2) = stratus_pages(&moto, service, p, params, &config, field);
            let py_config = format!(
                "{{\"PageSize\": {}, \"MaxItems\": {}, \"StartingToken\": \"{token}\"}}",
                size.unwrap_or(0),
                max.unwrap_or(0)
            );
            let (theirs, their_resume2) =
                boto3_pages(&moto, service, op, params, &py_config, key, field);
            assert_eq!(ours, theirs, "{service} {op} {label} resumed: pages differ");
            assert_eq!(
                resume2, their_resume2,
                "{service} {op} {label} resumed: resume tokens differ"
            );
            println!(
                "{service} {op} {label} resumed: {} pages, first {:?}: same as boto3",
                ours.len(),
                ours.first().and_then(|p| p.first())
            );
            passed += 1;
        }
    }
    println!("paginators vs boto3: {passed} runs agree");
}

#[test]
fn waiters_succeed_and_fail_as_botocore() {
    let moto = Moto::start().expect("moto starts");
    let out = moto
        .python(
            "import boto3, os\n\
             e = os.environ['STRATUS_MOTO_ENDPOINT']\n\
             ec2 = boto3.client('ec2', region_name='us-east-1', endpoint_url=e)\n\
             r = ec2.run_instances(ImageId='ami-12c6146b', MinCount=1, MaxCount=1)\n\
             boto3.client('s3', region_name='us-east-1', endpoint_url=e).create_bucket(Bucket='waitbucket')\n\
             boto3.client('s3', region_name='us-east-1', endpoint_url=e).put_object(Bucket='waitbucket', Key='there', Body=b'x')\n\
             boto3.client('dynamodb', region_name='us-east-1', endpoint_url=e).create_table(TableName='wt', KeySchema=[{'AttributeName': 'id', 'KeyType': 'HASH'}], AttributeDefinitions=[{'AttributeName': 'id', 'AttributeType': 'S'}], BillingMode='PAY_PER_REQUEST')\n\
             print(r['Instances'][0]['InstanceId'])\n",
        )
        .unwrap();
    let instance = out.trim().to_string();
    let s = session(&moto);
    let transport = StdTransport::new().unwrap();
    let waiter = |list: &'static [stratus_core::waiter::Waiter], name: &str| {
        list.iter().find(|w| w.name == name).unwrap()
    };
    let zero = Some(std::time::Duration::from_millis(0));
    let ec2 = s.client("ec2", &transport, SystemClock).unwrap();
    let n = wait(
        &ec2,
        waiter(stratus_models::ec2::WAITERS, "InstanceRunning"),
        &format!(r#"{{"InstanceIds": ["{instance}"]}}"#),
        zero,
        None,
    )
    .unwrap();
    println!("ec2 InstanceRunning: success after {n} attempt(s)");
    let ddb = s.client("dynamodb", &transport, SystemClock).unwrap();
    let n = wait(
        &ddb,
        waiter(stratus_models::dynamodb::WAITERS, "TableExists"),
        r#"{"TableName": "wt"}"#,
        zero,
        None,
    )
    .unwrap();
    println!("dynamodb TableExists: success after {n} attempt(s)");
    let s3 = s.client("s3", &transport, SystemClock).unwrap();
    let exists = waiter(stratus_models::s3::WAITERS, "ObjectExists");
    let n = wait(
        &s3,
        exists,
        r#"{"Bucket": "waitbucket", "Key": "there"}"#,
        zero,
        None,
    )
    .unwrap();
    println!("s3 ObjectExists: success after {n} attempt(s)");
    let t0 = std::time::Instant::now();
    let err = wait(
        &s3,
        exists,
        r#"{"Bucket": "waitbucket", "Key": "missing"}"#,
        Some(std::time::Duration::from_millis(100)),
        Some(3),
    )
    .unwrap_err();
    assert!(
        matches!(
            err,
            PagesError::Wait(stratus_core::waiter::WaitError::MaxAttempts { attempts: 3, .. })
        ),
        "{err:?}"
    );
    println!(
        "s3 ObjectExists on a missing key: `{err}` after {:?}",
        t0.elapsed()
    );
    // botocore fails the same way on the same server.
    let py = moto.python(
        "import boto3, os\n\
         s3 = boto3.client('s3', region_name='us-east-1', endpoint_url=os.environ['STRATUS_MOTO_ENDPOINT'])\n\
         try:\n\
         \x20   s3.get_waiter('object_exists').wait(Bucket='waitbucket', Key='missing', WaiterConfig={'Delay': 0, 'MaxAttempts': 3})\n\
         except Exception as e:\n\
         \x20   print(type(e).__name__, e)\n",
    ).unwrap();
    assert!(py.contains("Max attempts exceeded"), "{py}");
}

/// One paginator run compared with boto3's: the operation, its params, the
/// result key and the item field compared, and the pagination config.
struct Case<'a> {
    service: &'static str,
    paginator: &'a Paginator,
    op: &'static str,
    params: &'static str,
    key: &'static str,
    field: &'static str,
    label: &'static str,
    max: Option<usize>,
    size: Option<u32>,
}
