//! boto3's resource walkthrough through stratus's resource engine against a
//! signature-checking moto (the example `resources_walkthrough`'s own code),
//! compared with boto3's resource API on the same server: EC2
//! `create_instances` → `Instance` (`image_id` loaded lazily, `stop()`), the
//! resource waiters `Instance.wait_until_running` / `wait_until_stopped`,
//! `Object.wait_until_exists` (also running out of attempts on an absent
//! key) and `Table.wait_until_exists` through the core's waiter driver, S3
//! `objects.all()` / `.filter(Prefix=…)` / `.limit(2)` / `.page_size(2)`
//! (paged through the ListObjects paginator) / batch delete, a
//! DynamoDB `Table` `put_item` / `get_item`, an SQS `Queue` `send_message` /
//! `receive_messages`.
//!
//! moto's signature check refuses any query value holding a `/`
//! (`ListObjects` with `Prefix=logs/`): it rebuilds the canonical query from
//! the decoded URL. boto3 fails the same way, which the test asserts, so the
//! walkthrough's keys hold no `/`.

#[path = "../../transport-std/examples/resources_walkthrough/walk.rs"]
mod walk;

use serde_json::{Value, json};
use stratus_core::client::{ClientConfig, Session};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_tests::moto::Moto;
use stratus_transport_std::SystemClock;
use stratus_transport_std::net::StdTransport;

#[test]
fn resource_walkthrough_matches_boto3() {
    let moto = Moto::start().expect("moto starts");
    let creds = StaticCredentials::new(
        Credentials::new(&moto.access_key_id, &moto.secret_access_key, None, None).unwrap(),
    );
    let session = Session::new(stratus_models::CATALOG, creds)
        .with_region("us-east-1")
        .with_partitions(&stratus_models::PARTITIONS)
        .with_config(ClientConfig::default().endpoint_url(&moto.endpoint));
    let transport = StdTransport::new().unwrap();
    let client = |name| session.client(name, &transport, SystemClock).unwrap();
    let (ec2, s3, dynamodb, sqs) = (
        client("ec2"),
        client("s3"),
        client("dynamodb"),
        client("sqs"),
    );
    let started = std::time::Instant::now();
    let r =
        walk::run(&ec2, &s3, &dynamodb, &sqs, "t1").unwrap_or_else(|e| panic!("walkthrough: {e}"));
    println!(
        "stratus walkthrough: {:.2} s\n{r:#?}",
        started.elapsed().as_secs_f64()
    );

    // What stratus saw, on its own terms.
    assert!(r.instance_id.starts_with("i-"), "{}", r.instance_id);
    assert!(
        !r.loaded_before,
        "a fresh Instance has no data until an attribute is read"
    );
    assert_eq!(r.image_id, walk::IMAGE_ID);
    assert!(
        ["stopping", "stopped"].contains(&r.state_after_stop.as_str()),
        "{}",
        r.state_after_stop
    );
    assert_eq!(r.all_keys, ["data-c.txt", "logs-a.txt", "logs-b.txt"]);
    assert_eq!(r.prefix_keys, ["logs-a.txt", "logs-b.txt"]);
    assert_eq!(r.limited_keys, ["data-c.txt", "logs-a.txt"]);
    assert_eq!(
        r.pages_of_two,
        [vec!["data-c.txt", "logs-a.txt"], vec!["logs-b.txt"]],
        "page_size(2) pages through the ListObjects paginator (MaxKeys, then Marker)"
    );
    assert_eq!(r.keys_after_delete, ["data-c.txt"]);
    for (what, attempts) in [
        ("wait_until_running", r.running_attempts),
        ("wait_until_stopped", r.stopped_attempts),
        ("Object.wait_until_exists", r.object_exists_attempts),
        ("Table.wait_until_exists", r.table_exists_attempts),
    ] {
        assert!((1..=20).contains(&attempts), "{what}: {attempts} attempts");
    }
    assert_eq!(
        r.absent_object_wait,
        "waiter ObjectExists: max attempts exceeded (2 attempts)"
    );

    // More objects, then pages, a limit across pages, and a query value
    // with `/`, which moto refuses for both clients.
    let s3r = stratus_transport_std::resources::ServiceResource::new(
        &s3,
        stratus_models::resources("s3").unwrap(),
    );
    let bucket = s3r.subresource("Bucket", &["walk-t1"]).unwrap();
    for key in ["e-1", "e-2", "e-3", "e-4"] {
        bucket
            .subresource("Object", &[key])
            .unwrap()
            .action("put", json!({}))
            .unwrap();
    }
    let objects = bucket.collection("objects").unwrap();
    let page_keys = |c: &stratus_transport_std::resources::Collection<'_>| -> Vec<Vec<String>> {
        c.pages()
            .map(|p| {
                p.unwrap()
                    .iter()
                    .map(|o| o.identifier_str("key").unwrap_or_default())
                    .collect()
            })
            .collect()
    };
    let pages3 = page_keys(&objects.all().page_size(3));
    let limited_paged = page_keys(&objects.all().page_size(2).limit(3));
    let slash = objects
        .filter(json!({"Prefix": "logs/"}))
        .unwrap()
        .items()
        .map(|_| String::from("ok"))
        .unwrap_or_else(|e| match e {
            stratus_core::resource::ResourceError::Service { code, .. } => code,
            e => panic!("{e}"),
        });
    assert_eq!(r.item, json!({"pk": {"S": "k1"}, "v": {"S": "hello"}}));
    assert_eq!(r.table_status, "ACTIVE");
    assert_eq!(r.bodies, ["hello from stratus"]);

    // boto3's resource API on the same server sees the same things.
    let script = format!(
        r#"
import json, os, boto3, botocore
kw = dict(endpoint_url=os.environ["STRATUS_MOTO_ENDPOINT"], region_name="us-east-1")
ec2 = boto3.resource("ec2", **kw)
i = ec2.Instance("{id}")
b = boto3.resource("s3", **kw).Bucket("walk-t1")
t = boto3.resource("dynamodb", **kw).Table("walk-t1")
def waited(f, n=20):
    try:
        f(WaiterConfig={{"Delay": 0.2, "MaxAttempts": n}})
        return "ok"
    except botocore.exceptions.WaiterError as e:
        return "max attempts" if "Max attempts exceeded" in str(e) else str(e)
fresh = ec2.create_instances(ImageId="{image}", MinCount=1, MaxCount=1)[0]
def slash():
    try:
        list(b.objects.filter(Prefix="logs/"))
        return "ok"
    except botocore.exceptions.ClientError as e:
        return e.response["Error"]["Code"]
print(json.dumps({{
    "image_id": i.image_id,
    "state": i.state["Name"],
    "keys": [o.key for o in b.objects.all()],
    "limited": [o.key for o in b.objects.all().limit(2)],
    "pages3": [[o.key for o in p] for p in b.objects.page_size(3).pages()],
    "limited_paged": [[o.key for o in p] for p in b.objects.page_size(2).limit(3).pages()],
    "slash": slash(),
    "item": t.get_item(Key={{"pk": "k1"}})["Item"],
    "table_status": t.table_status,
    "running": waited(fresh.wait_until_running),
    "stopped": waited(i.wait_until_stopped),
    "object_exists": waited(b.Object("data-c.txt").wait_until_exists),
    "absent_object": waited(b.Object("absent").wait_until_exists, 2),
    "table_exists": waited(t.wait_until_exists),
}}))
"#,
        id = r.instance_id,
        image = walk::IMAGE_ID
    );
    let boto3: Value = serde_json::from_str(&moto.python(&script).expect("boto3 runs")).unwrap();
    println!("boto3: {boto3}");
    let mut agree = 0;
    let mut check = |what: &str, ours: Value, theirs: &Value| {
        assert_eq!(&ours, theirs, "{what}: stratus and boto3 disagree");
        agree += 1;
    };
    check("image_id", json!(r.image_id), &boto3["image_id"]);
    check("state", json!(r.state_after_stop), &boto3["state"]);
    let all: Vec<String> = pages3.concat();
    check("keys", json!(all), &boto3["keys"]);
    check("limit(2)", json!(all[..2]), &boto3["limited"]);
    check("page_size(3) pages", json!(pages3), &boto3["pages3"]);
    check(
        "page_size(2).limit(3) pages",
        json!(limited_paged),
        &boto3["limited_paged"],
    );
    assert_eq!(
        slash, "SignatureDoesNotMatch",
        "moto's limit, as seen by stratus"
    );
    check("Prefix=logs/ refused", json!(slash), &boto3["slash"]);
    // boto3's DynamoDB resource (de)serializes attribute values; stratus
    // keeps botocore's typed form.
    check(
        "item",
        json!({"pk": r.item["pk"]["S"], "v": r.item["v"]["S"]}),
        &boto3["item"],
    );
    check(
        "table_status",
        json!(r.table_status),
        &boto3["table_status"],
    );
    // Resource waiters: each succeeds for both, and both run out of
    // attempts on an absent object.
    let outcome = |attempts: u32| json!(if attempts > 0 { "ok" } else { "no attempt" });
    check(
        "wait_until_running",
        outcome(r.running_attempts),
        &boto3["running"],
    );
    check(
        "wait_until_stopped",
        outcome(r.stopped_attempts),
        &boto3["stopped"],
    );
    check(
        "Object.wait_until_exists",
        outcome(r.object_exists_attempts),
        &boto3["object_exists"],
    );
    let absent = if r.absent_object_wait.contains("max attempts exceeded") {
        "max attempts"
    } else {
        r.absent_object_wait.as_str()
    };
    check(
        "Object(absent).wait_until_exists",
        json!(absent),
        &boto3["absent_object"],
    );
    check(
        "Table.wait_until_exists",
        outcome(r.table_exists_attempts),
        &boto3["table_exists"],
    );
    println!("stratus and boto3 agree on {agree} of 14 values");
}
