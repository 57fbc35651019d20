//! The minimal one-call stratus program of the size and build-time rows: one
//! Kinesis PutRecord to the endpoint given (`min-stratus http://127.0.0.1:PORT`)
//! with static example keys, over the std transport; prints the status.

use stratus_core::client::{Client, ClientConfig};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_models::kinesis::types::PutRecordInput;
use stratus_transport_std::SystemClock;
use stratus_transport_std::blocking::{self, HeapBuffers};
use stratus_transport_std::net::StdTransport;

fn main() -> std::process::ExitCode {
    let endpoint = std::env::args().nth(1).unwrap_or_default();
    let Ok(creds) = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
        None,
    ) else {
        return std::process::ExitCode::FAILURE;
    };
    let creds = StaticCredentials::new(creds);
    let Ok(transport) = StdTransport::new() else {
        return std::process::ExitCode::FAILURE;
    };
    let config = ClientConfig::default()
        .region("us-east-1")
        .endpoint_url(&endpoint);
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        config,
        &transport,
        &creds,
        SystemClock,
    )
    .with_partitions(&stratus_models::PARTITIONS);
    let input = PutRecordInput {
        stream_name: Some("sensor-stream"),
        data: b"hello",
        partition_key: "device-0042",
        ..Default::default()
    };
    let mut bufs = HeapBuffers::new(4096, 4096);
    match blocking::call(&client, "PutRecord", &input, bufs.workspace()) {
        Ok(out) => {
            println!("{}", out.status());
            std::process::ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{e}");
            std::process::ExitCode::FAILURE
        }
    }
}
