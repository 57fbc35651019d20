//! The resource walkthrough itself, shared by the example's `main` and the
//! live test (`tests/tests/live_moto_resources.rs`), which compares its
//! report with boto3's resource API on the same server.

use serde_json::{Value, json};
use stratus_core::resource::{Caller, ResourceError};
use stratus_transport_std::resources::{Collection, ServiceResource};

/// An AMI moto knows.
pub const IMAGE_ID: &str = "ami-12c6146b";

/// What the walkthrough saw.
#[derive(Debug, Default)]
pub struct Report {
    /// The instance `create_instances` made.
    pub instance_id: String,
    /// Its `image_id`, loaded lazily through a fresh `ec2.Instance(id)`.
    pub image_id: String,
    /// Whether that fresh instance had data before `image_id` was read.
    pub loaded_before: bool,
    /// Attempts `instance.wait_until_running()` made after `create_instances`.
    pub running_attempts: u32,
    /// Its state after `stop()` and `reload()`.
    pub state_after_stop: String,
    /// Attempts `instance.wait_until_stopped()` made after `stop()`.
    pub stopped_attempts: u32,
    /// Attempts `Object("data-c.txt").wait_until_exists()` made after its put.
    pub object_exists_attempts: u32,
    /// `Object("absent").wait_until_exists()` with two attempts: the
    /// waiter's error, as text.
    pub absent_object_wait: String,
    /// Attempts `table.wait_until_exists()` made after `create_table`.
    pub table_exists_attempts: u32,
    /// `bucket.objects.all()` keys.
    pub all_keys: Vec<String>,
    /// `bucket.objects.filter(Prefix="logs-")` keys.
    pub prefix_keys: Vec<String>,
    /// `bucket.objects.all().limit(2)` keys.
    pub limited_keys: Vec<String>,
    /// `bucket.objects.page_size(2).pages()`: the keys of each page.
    pub pages_of_two: Vec<Vec<String>>,
    /// Keys left after `bucket.objects.filter(Prefix="logs-").delete()`.
    pub keys_after_delete: Vec<String>,
    /// The item `table.get_item` returned.
    pub item: Value,
    /// The table's `item_count` attribute (lazily loaded).
    pub table_status: String,
    /// The bodies `queue.receive_messages` returned.
    pub bodies: Vec<String>,
}

/// botocore's `WaiterConfig` with short delays.
fn quick(max_attempts: u32) -> Value {
    json!({"WaiterConfig": {"Delay": 0.2, "MaxAttempts": max_attempts}})
}

/// The `key` identifiers of a collection of S3 objects.
fn keys(c: &Collection<'_>) -> Result<Vec<String>, ResourceError> {
    Ok(c.items()?
        .iter()
        .map(|o| o.identifier_str("key").unwrap_or_default())
        .collect())
}

/// Runs the walkthrough against the four clients; `suffix` keeps names
/// apart between runs.
pub fn run(
    ec2: &dyn Caller,
    s3: &dyn Caller,
    dynamodb: &dyn Caller,
    sqs: &dyn Caller,
    suffix: &str,
) -> Result<Report, ResourceError> {
    let model = |name| {
        stratus_models::resources(name).expect("the service's resource model is compiled in")
    };
    let mut report = Report::default();

    // EC2: create_instances -> Instance; image_id loads lazily; stop().
    let ec2 = ServiceResource::new(ec2, model("ec2"));
    let made = ec2
        .action(
            "create_instances",
            json!({"ImageId": IMAGE_ID, "MinCount": 1, "MaxCount": 1}),
        )?
        .into_resources();
    let instance = made.first().ok_or(ResourceError::UnknownResource {
        name: "Instance".into(),
    })?;
    report.instance_id = instance.id();
    report.running_attempts = instance.wait_until("wait_until_running", quick(20))?;
    let fresh = ec2.subresource("Instance", &[&report.instance_id])?;
    report.loaded_before = fresh.data().is_some();
    report.image_id = fresh
        .get("image_id")?
        .as_str()
        .unwrap_or_default()
        .to_string();
    instance.action("stop", json!({}))?;
    instance.reload()?;
    report.state_after_stop = instance.get("state")?["Name"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    report.stopped_attempts = instance.wait_until("wait_until_stopped", quick(20))?;

    // S3: a bucket, objects under two prefixes, all / filter / limit /
    // page_size, batch delete. The keys hold no `/`: moto's signature check
    // refuses any query value with one (`Prefix=logs/`, or a `Marker` of
    // the next page), for boto3 as for stratus.
    let s3 = ServiceResource::new(s3, model("s3"));
    let bucket = s3.subresource("Bucket", &[&format!("walk-{suffix}")])?;
    bucket.action("create", json!({}))?;
    for key in ["logs-a.txt", "logs-b.txt", "data-c.txt"] {
        bucket
            .subresource("Object", &[key])?
            .action("put", json!({"Body": "aGVsbG8="}))?;
    }
    report.object_exists_attempts = bucket
        .subresource("Object", &["data-c.txt"])?
        .wait_until("wait_until_exists", quick(20))?;
    report.absent_object_wait = match bucket
        .subresource("Object", &["absent"])?
        .wait_until("wait_until_exists", quick(2))
    {
        Ok(n) => format!("succeeded after {n} attempt(s)"),
        Err(e) => e.to_string(),
    };
    let objects = bucket.collection("objects")?;
    report.all_keys = keys(&objects.all())?;
    report.prefix_keys = keys(&objects.filter(json!({"Prefix": "logs-"}))?)?;
    report.limited_keys = keys(&objects.all().limit(2))?;
    for page in objects.all().page_size(2).pages() {
        report.pages_of_two.push(
            page?
                .iter()
                .map(|o| o.identifier_str("key").unwrap_or_default())
                .collect(),
        );
    }
    objects
        .filter(json!({"Prefix": "logs-"}))?
        .batch("delete", json!({}))?;
    report.keys_after_delete = keys(&objects.all())?;

    // DynamoDB: a Table, put_item / get_item.
    let dynamodb = ServiceResource::new(dynamodb, model("dynamodb"));
    let table = dynamodb
        .action(
            "create_table",
            json!({
                "TableName": format!("walk-{suffix}"),
                "KeySchema": [{"AttributeName": "pk", "KeyType": "HASH"}],
                "AttributeDefinitions": [{"AttributeName": "pk", "AttributeType": "S"}],
                "BillingMode": "PAY_PER_REQUEST"
            }),
        )?
        .into_resources()
        .remove(0);
    report.table_exists_attempts = table.wait_until("wait_until_exists", quick(20))?;
    table.action(
        "put_item",
        json!({"Item": {"pk": {"S": "k1"}, "v": {"S": "hello"}}}),
    )?;
    let got = table.action("get_item", json!({"Key": {"pk": {"S": "k1"}}}))?;
    report.item = got.into_response().unwrap_or_default()["Item"].clone();
    report.table_status = table
        .get("table_status")?
        .as_str()
        .unwrap_or_default()
        .to_string();

    // SQS: a Queue, send_message / receive_messages.
    let sqs = ServiceResource::new(sqs, model("sqs"));
    let queue = sqs
        .action(
            "create_queue",
            json!({"QueueName": format!("walk-{suffix}")}),
        )?
        .into_resources()
        .remove(0);
    queue.action("send_message", json!({"MessageBody": "hello from stratus"}))?;
    let messages = queue
        .action("receive_messages", json!({"MaxNumberOfMessages": 1}))?
        .into_resources();
    for m in &messages {
        report
            .bodies
            .push(m.get("body")?.as_str().unwrap_or_default().to_string());
        m.action("delete", json!({}))?;
    }
    Ok(report)
}
