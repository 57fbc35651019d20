//! `Client::call_streaming` refuses a payload it cannot stream (no known
//! length, no chunk buffer) with a typed error, before anything is sent.

use stratus_core::client::test_support::VirtualClock;
use stratus_core::client::{Buffers, CallError, Client, ClientConfig, StreamingError};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_core::http::{BodySource, SliceSource};
use stratus_models::s3::types::PutObjectRequest;
use stratus_tests::pipeline::{Scripted, ScriptedTransport};

/// A body that cannot say how long it is.
struct Unsized;

impl BodySource for Unsized {
    fn length(&self) -> Option<u64> {
        None
    }
    fn read(&mut self, _: &mut [u8]) -> Result<usize, stratus_core::http::SourceError> {
        Ok(0)
    }
}

fn refused(body: &mut dyn BodySource, chunk: &mut [u8]) -> Option<StreamingError> {
    let transport = ScriptedTransport::new([Scripted::status(200, b"")]);
    let creds = StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).unwrap());
    let client = Client::new(
        &stratus_models::s3::ENTRY,
        ClientConfig::default()
            .region("us-east-1")
            .endpoint_url("https://127.0.0.1:9"),
        &transport,
        &creds,
        VirtualClock::new(1_700_000_000),
    );
    let input = PutObjectRequest {
        bucket: "b",
        key: "k",
        ..Default::default()
    };
    let mut bufs = Box::new(Buffers::<4096, 4096>::new());
    let result = embassy_futures::block_on(client.call_streaming(
        "PutObject",
        &input,
        body,
        chunk,
        bufs.workspace(),
    ));
    assert!(
        transport.sent().is_empty(),
        "a refused payload sends nothing"
    );
    match result {
        Err(CallError::Streaming(e)) => Some(e),
        _ => None,
    }
}

#[test]
fn a_body_without_a_length_is_refused() {
    let mut chunk = [0u8; 64];
    assert_eq!(
        refused(&mut Unsized, &mut chunk),
        Some(StreamingError::UnknownLength)
    );
}

#[test]
fn an_empty_chunk_buffer_is_refused() {
    let mut body = SliceSource::new(b"payload");
    assert_eq!(
        refused(&mut body, &mut []),
        Some(StreamingError::EmptyChunkBuffer)
    );
}
