//! stratus (std transport, blocking face): `seq_stratus PORT CALLS`
//! sequential PutRecord calls against the canned server.

use stratus_core::client::{Client, ClientConfig};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_models::kinesis::types::PutRecordInput;
use stratus_peers::*;
use stratus_transport_std::SystemClock;
use stratus_transport_std::blocking::{self, HeapBuffers};
use stratus_transport_std::net::StdTransport;

fn main() {
    let (_, start_rss) = stratus_peers::rusage();
    let mut args = std::env::args().skip(1);
    let port: u16 = args
        .next()
        .and_then(|a| a.parse().ok())
        .expect("usage: seq_stratus PORT CALLS");
    let calls: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(2_000);
    let endpoint = format!("http://127.0.0.1:{port}");
    let transport = StdTransport::new().expect("a transport");
    let creds = StaticCredentials::new(
        Credentials::new(ACCESS_KEY_ID, SECRET, None, None).expect("valid keys"),
    );
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        ClientConfig::default()
            .region(REGION)
            .endpoint_url(&endpoint),
        &transport,
        &creds,
        SystemClock,
    )
    .with_partitions(&stratus_models::PARTITIONS);
    let input = PutRecordInput {
        stream_name: Some(STREAM),
        data: DATA,
        partition_key: PARTITION_KEY,
        ..Default::default()
    };
    let mut bufs = HeapBuffers::new(4096, 4096);
    sequential("stratus", calls, start_rss, || {
        let out = blocking::call(&client, "PutRecord", &input, bufs.workspace())
            .map_err(|e| e.to_string())?;
        if out.status() != 200 {
            return Err(format!("status {}", out.status()));
        }
        Ok(())
    });
}
