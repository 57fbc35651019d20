//! aws-sdk-kinesis (its default HTTP client, a current-thread tokio runtime):
//! `seq_sdk PORT CALLS` sequential PutRecord calls against the canned server.

use aws_sdk_kinesis::config::{BehaviorVersion, Region};
use aws_smithy_types::Blob;
use stratus_peers::*;

fn main() {
    let (_, start_rss) = stratus_peers::rusage();
    let mut args = std::env::args().skip(1);
    let port: u16 = args
        .next()
        .and_then(|a| a.parse().ok())
        .expect("usage: seq_sdk PORT CALLS");
    let calls: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    let creds = aws_credential_types::Credentials::new(ACCESS_KEY_ID, SECRET, None, None, "bench");
    let config = aws_sdk_kinesis::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(REGION))
        .credentials_provider(creds)
        .endpoint_url(format!("http://127.0.0.1:{port}"))
        .build();
    let client = aws_sdk_kinesis::Client::from_conf(config);
    sequential("aws-sdk-kinesis", calls, start_rss, || {
        rt.block_on(
            client
                .put_record()
                .stream_name(STREAM)
                .partition_key(PARTITION_KEY)
                .data(Blob::new(DATA))
                .send(),
        )
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
    });
}
