//! Faults over a real socket: a local server that closes mid-body, answers
//! 500 / 503 / throttling, or stalls past the read timeout. Through
//! `StdTransport` and the pipeline, each is retried as the retry mode says
//! (or ends in a clear timeout error), and every retry re-sends the same
//! request.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::thread;
use std::time::Duration;

use stratus_core::client::{Buffers, CallError, Client, ClientConfig, Timeouts, TransportError};
use stratus_core::credentials::{Credentials, StaticCredentials};
use stratus_core::retry::{RetryConfig, RetryMode};
use stratus_models::kinesis::types::PutRecordInput;
use stratus_transport_std::SystemClock;
use stratus_transport_std::net::StdTransport;

/// What the server does with one request.
#[derive(Clone, Copy, Debug)]
enum Act {
    /// Answers with a status and body.
    Answer(u16, &'static str),
    /// Sends a head promising 100 bytes, 10 of them, then closes.
    CloseMidBody,
    /// Reads the request and never answers (until the test ends).
    Stall,
}

const OK: &str = r#"{"ShardId":"shardId-000000000000","SequenceNumber":"1"}"#;

/// A request as received: the head (minus the varying date and signature)
/// and the body.
#[derive(Clone, Debug, PartialEq)]
struct Seen {
    request_line: String,
    body: Vec<u8>,
    target_header: String,
}

fn read_request(s: &mut TcpStream) -> Option<Seen> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    let header = |name: &str| {
        head.lines()
            .find_map(|l| {
                let (n, v) = l.split_once(':')?;
                n.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
            .unwrap_or_default()
    };
    let len: usize = header("content-length").parse().unwrap_or(0);
    while buf.len() < head_end + len {
        let n = s.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    Some(Seen {
        request_line: head.lines().next().unwrap_or("").to_string(),
        body: buf[head_end..head_end + len].to_vec(),
        target_header: header("x-amz-target"),
    })
}

/// Serves `script`, one act per request, each on its own connection.
fn serve(script: Vec<Act>) -> (u16, Arc<Mutex<Vec<Seen>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = seen.clone();
    thread::spawn(move || {
        let mut stalled = Vec::new();
        for act in script {
            let Ok((mut s, _)) = listener.accept() else {
                return;
            };
            let Some(req) = read_request(&mut s) else {
                continue;
            };
            log.lock().unwrap().push(req);
            match act {
                Act::Answer(status, body) => {
                    let _ = write!(
                        s,
                        "HTTP/1.1 {status} X\r\nContent-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                }
                Act::CloseMidBody => {
                    let _ =
                        s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n0123456789");
                }
                Act::Stall => stalled.push(s),
            }
        }
        thread::sleep(Duration::from_secs(5));
        drop(stalled);
    });
    (port, seen)
}

fn call(port: u16, mode: RetryMode, read_ms: u32) -> (Result<u32, String>, Vec<u64>) {
    let transport = StdTransport::new().unwrap();
    let creds = StaticCredentials::new(Credentials::new("AKID", "SECRET", None, None).unwrap());
    let mut config = ClientConfig::default()
        .region("us-east-1")
        .endpoint_url(&format!("http://127.0.0.1:{port}"))
        .retries(RetryConfig {
            mode,
            max_attempts: None,
        });
    config.timeouts = Timeouts {
        connect_ms: 2_000,
        read_ms,
    };
    let clock = SystemClock;
    let client = Client::new(
        &stratus_models::kinesis::ENTRY,
        config,
        &transport,
        &creds,
        clock,
    )
    .with_jitter_seed(7);
    let input = PutRecordInput {
        stream_name: Some("s"),
        data: b"reading=21.5",
        partition_key: "p",
        ..Default::default()
    };
    let mut bufs = Box::new(Buffers::<8192, 8192>::new());
    let r = embassy_futures::block_on(client.call("PutRecord", &input, bufs.workspace()));
    let r = match r {
        Ok(out) => Ok(out.attempts()),
        Err(CallError::Service(out)) => Err(format!(
            "service error {:?} after {} attempts",
            out.error_code(),
            out.attempts()
        )),
        Err(CallError::Transport { error, attempts }) => {
            Err(format!("transport {error:?} after {attempts} attempts"))
        }
        Err(e) => Err(e.to_string()),
    };
    (r, Vec::new())
}

fn all_same(seen: &[Seen]) -> bool {
    seen.windows(2).all(|w| w[0] == w[1])
}

#[test]
fn faults_are_retried_and_each_retry_resends_the_same_request() {
    let script = vec![
        Act::CloseMidBody,
        Act::Answer(500, "{}"),
        Act::Answer(503, "{}"),
        Act::Answer(
            400,
            r#"{"__type":"ThrottlingException","message":"slow down"}"#,
        ),
        Act::Answer(200, OK),
    ];
    let (port, seen) = serve(script);
    // Legacy mode (botocore's default): 5 attempts.
    let (r, _) = call(port, RetryMode::Legacy, 5_000);
    assert_eq!(r, Ok(5));
    let seen = seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 5);
    assert!(all_same(&seen), "{seen:#?}");
    assert_eq!(seen[0].target_header, "Kinesis_20131202.PutRecord");
    println!("mid-body close, 500, 503, throttling, then 200: 5 attempts, 5 identical requests");
}

#[test]
fn standard_mode_gives_up_after_three_attempts_with_the_last_error() {
    let (port, seen) = serve(vec![
        Act::Answer(503, "{}"),
        Act::Answer(500, "{}"),
        Act::Answer(503, "{}"),
        Act::Answer(200, OK),
    ]);
    let (r, _) = call(port, RetryMode::Standard, 5_000);
    let err = r.unwrap_err();
    assert!(err.contains("after 3 attempts"), "{err}");
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[test]
fn a_stalled_server_gives_a_read_timeout_after_the_retries() {
    let (port, seen) = serve(vec![Act::Stall, Act::Stall, Act::Stall]);
    let (r, _) = call(port, RetryMode::Standard, 300);
    let err = r.unwrap_err();
    assert!(
        err.contains(&format!("{:?}", TransportError::ReadTimeout)) && err.contains("3 attempts"),
        "{err}"
    );
    assert_eq!(seen.lock().unwrap().len(), 3);
    println!("stalled server: {err}");
}
