//! What the gateway needs before it sends: the stream (created when missing,
//! then waited on until `ACTIVE`) and the bucket (created when missing).
//! Both are found again by name (DescribeStreamSummary, HeadBucket), so a
//! second run reuses them.

use std::time::{Duration, Instant};

use stratus_models::{kinesis, s3};
use stratus_transport_std::blocking::HeapBuffers;

use crate::aws::{Aws, GatewayError, decode};

/// How long a new stream may take to become `ACTIVE` (AWS: about 30 s).
const STREAM_WAIT: Duration = Duration::from_secs(180);

/// Creates the stream unless it exists, then waits until it is `ACTIVE`.
/// Says whether it was created.
pub fn ensure_stream(aws: &Aws<'_>, stream: &str, shards: i32) -> Result<bool, GatewayError> {
    let mut bufs = HeapBuffers::new(4096, 64 * 1024);
    let input = kinesis::types::CreateStreamInput {
        stream_name: stream,
        shard_count: Some(shards),
        ..Default::default()
    };
    let created = match aws.call(&aws.kinesis, "CreateStream", &input, 0, bufs.workspace()) {
        Ok(_) => true,
        Err(GatewayError::Service { code, .. }) if code == "ResourceInUseException" => false,
        Err(e) => return Err(e),
    };
    let started = Instant::now();
    loop {
        let input = kinesis::types::DescribeStreamSummaryInput {
            stream_name: Some(stream),
            ..Default::default()
        };
        let out = aws.call(
            &aws.kinesis,
            "DescribeStreamSummary",
            &input,
            0,
            bufs.workspace(),
        )?;
        let parser = out.parser();
        let summary: kinesis::output::DescribeStreamSummaryOutput<'_> =
            decode("kinesis DescribeStreamSummary", &parser)?;
        let status = summary
            .stream_description_summary
            .and_then(|s| s.stream_status)
            .map(|s| s.as_str().to_string())
            .unwrap_or_default();
        if status == "ACTIVE" {
            return Ok(created);
        }
        if started.elapsed() > STREAM_WAIT {
            return Err(GatewayError::StreamNotActive {
                status,
                waited: STREAM_WAIT,
            });
        }
        std::thread::sleep(Duration::from_secs(1));
    }
}

/// Creates the bucket unless it is there (HeadBucket). Says whether it
/// was created.
pub fn ensure_bucket(aws: &Aws<'_>, bucket: &str, region: &str) -> Result<bool, GatewayError> {
    let mut bufs = HeapBuffers::new(4096, 16 * 1024);
    let head = s3::types::HeadBucketRequest {
        bucket,
        ..Default::default()
    };
    match aws.call(&aws.s3, "HeadBucket", &head, 0, bufs.workspace()) {
        Ok(_) => return Ok(false),
        Err(GatewayError::Service { status: 404, .. }) => {}
        Err(GatewayError::Service { status: 403, .. }) => {
            return Err(GatewayError::Settings(format!(
                "the bucket {bucket:?} is not yours (HeadBucket: 403); pass --bucket with a name of your own"
            )));
        }
        Err(e) => return Err(e),
    }
    // Outside us-east-1, S3 wants the region named in the request.
    let config = s3::types::CreateBucketConfiguration {
        location_constraint: Some(s3::types::BucketLocationConstraint::from_wire(region)),
        ..Default::default()
    };
    let input = s3::types::CreateBucketRequest {
        bucket,
        create_bucket_configuration: (region != "us-east-1").then_some(&config),
        ..Default::default()
    };
    match aws.call(&aws.s3, "CreateBucket", &input, 0, bufs.workspace()) {
        Ok(_) => Ok(true),
        // Made meanwhile by another run.
        Err(GatewayError::Service { code, .. }) if code == "BucketAlreadyOwnedByYou" => Ok(false),
        Err(GatewayError::Service { code, .. }) if code == "BucketAlreadyExists" => {
            Err(GatewayError::Settings(format!(
                "the bucket name {bucket:?} belongs to another account; pass --bucket with a name of your own"
            )))
        }
        Err(e) => Err(e),
    }
}
