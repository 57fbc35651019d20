//! The minimal one-call aws-sdk-kinesis program of the size and build-time
//! rows: one PutRecord to the endpoint given (`min-sdk http://127.0.0.1:PORT`)
//! with static example keys; prints the shard id.

use aws_sdk_kinesis::config::{BehaviorVersion, Credentials, Region};
use aws_sdk_kinesis::primitives::Blob;

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), aws_sdk_kinesis::Error> {
    let endpoint = std::env::args().nth(1).unwrap_or_default();
    let config = aws_sdk_kinesis::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .credentials_provider(Credentials::new(
            "AKIDEXAMPLE",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
            None,
            None,
            "static",
        ))
        .endpoint_url(endpoint)
        .build();
    let client = aws_sdk_kinesis::Client::from_conf(config);
    let out = client
        .put_record()
        .stream_name("sensor-stream")
        .partition_key("device-0042")
        .data(Blob::new("hello"))
        .send()
        .await?;
    println!("{}", out.shard_id());
    Ok(())
}
