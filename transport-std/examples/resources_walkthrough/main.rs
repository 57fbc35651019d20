//! boto3's resource walkthrough with stratus's resource engine: EC2
//! `create_instances` → `Instance` (`wait_until_running()`, its `image_id`
//! loaded lazily, `stop()`, `wait_until_stopped()`), S3
//! `Bucket(name).objects.all()` / `.filter(Prefix=…)` / batch delete,
//! `Object.wait_until_exists()`, a DynamoDB `Table` (`wait_until_exists()`,
//! `put_item` / `get_item`), an SQS `Queue` `send_message` /
//! `receive_messages`. Waiters run with `WaiterConfig` delays of 0.2 s.
//!
//! ```text
//! cargo run -p stratus-transport-std --features resources \
//!     --example resources_walkthrough -- --endpoint-url http://127.0.0.1:5000
//! ```
//!
//! Credentials come from the environment (`AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`); the region is `us-east-1`.

mod walk;

use stratus_core::client::{ClientConfig, Session};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_transport_std::SystemClock;
use stratus_transport_std::net::StdTransport;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let mut endpoint = None;
    while let Some(a) = args.next() {
        match a.as_str() {
            "--endpoint-url" => endpoint = args.next(),
            other => {
                return Err(format!("unknown argument `{other}` (use --endpoint-url URL)").into());
            }
        }
    }
    let endpoint = endpoint.ok_or("--endpoint-url URL is required (a moto server)")?;
    let key = std::env::var("AWS_ACCESS_KEY_ID").unwrap_or_else(|_| "testing".into());
    let secret = std::env::var("AWS_SECRET_ACCESS_KEY").unwrap_or_else(|_| "testing".into());
    let creds = StaticCredentials::new(Credentials::new(&key, &secret, None, None)?);
    let session = Session::new(stratus_models::CATALOG, creds)
        .with_region("us-east-1")
        .with_partitions(&stratus_models::PARTITIONS)
        .with_config(ClientConfig::default().endpoint_url(&endpoint));
    let transport = StdTransport::new()?;
    let client = |name| session.client(name, &transport, SystemClock);
    let (ec2, s3, dynamodb, sqs) = (
        client("ec2")?,
        client("s3")?,
        client("dynamodb")?,
        client("sqs")?,
    );
    let suffix = std::process::id().to_string();
    let report = walk::run(&ec2, &s3, &dynamodb, &sqs, &suffix)?;
    println!("{report:#?}");
    Ok(())
}
