//! StdTransport over plain http against small servers on 127.0.0.1: bodies
//! by length and chunked, connection reuse (counted at the server), a server
//! closing mid-body, a stalled server, a closed port, a pooled connection the
//! server closed, streamed bodies both ways, and the head on the wire being
//! `write_head`'s bytes.

mod net_common;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use net_common::{keep_serving, ok_response, read_request, request, serve};
use stratus_core::client::{Timeouts, TransportError};
use stratus_core::format::SliceSink;
use stratus_core::http::BodyError;
use stratus_core::http::write_head;
use stratus_transport_std::net::{ReadSource, StdTransport, StreamError};

fn transport() -> StdTransport {
    StdTransport::new().unwrap()
}

#[test]
fn content_length_and_chunked_bodies() {
    let server = serve(4, |s, _, reqs| {
        keep_serving(s, reqs, |req| match req.target.as_str() {
            "/len" => ok_response(r#"{"by":"length"}"#),
            "/chunked" => b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\
                7;ext=1\r\n{\"by\":\"\r\n9\r\nchunked\"}\r\n0\r\nX-Checksum: t\r\n\r\n"
                .to_vec(),
            _ => b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n".to_vec(),
        })
    });
    let t = transport();
    let mut buf = [0u8; 1024];
    for (target, body) in [
        ("/len", r#"{"by":"length"}"#),
        ("/chunked", r#"{"by":"chunked"}"#),
    ] {
        let raw = t
            .send_blocking(
                &request("http", server.port, target, &[("Host", "h")], b""),
                &mut buf,
            )
            .unwrap();
        let view = raw.view(&buf);
        println!(
            "{target}: status {} body {:?}",
            view.status,
            std::str::from_utf8(view.body).unwrap()
        );
        assert_eq!(view.status, 200);
        assert_eq!(view.body, body.as_bytes());
    }
    let raw = t
        .send_blocking(&request("http", server.port, "/none", &[], b""), &mut buf)
        .unwrap();
    assert_eq!(raw.status, 404);
    println!("connections accepted for 3 requests: {}", server.accepted());
    assert_eq!(server.accepted(), 1);
}

#[test]
fn keep_alive_reuses_connections_until_the_server_says_close() {
    let server = serve(10, |s, _, reqs| {
        keep_serving(s, reqs, |req| {
            if req.target == "/close" {
                b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nok".to_vec()
            } else {
                ok_response("{}")
            }
        })
    });
    let t = transport();
    let mut buf = [0u8; 512];
    for _ in 0..5 {
        t.send_blocking(&request("http", server.port, "/", &[], b"x"), &mut buf)
            .unwrap();
    }
    println!(
        "5 keep-alive requests: {} connection(s), {} idle",
        server.accepted(),
        t.idle_connections()
    );
    assert_eq!(server.accepted(), 1);
    assert_eq!(t.idle_connections(), 1);
    t.send_blocking(&request("http", server.port, "/close", &[], b""), &mut buf)
        .unwrap();
    assert_eq!(t.idle_connections(), 0);
    t.send_blocking(&request("http", server.port, "/", &[], b""), &mut buf)
        .unwrap();
    println!("after Connection: close: {} connections", server.accepted());
    assert_eq!(server.accepted(), 2);
    assert_eq!(server.requests().len(), 7);

    // Reuse off: one connection per request.
    let server = serve(10, |s, _, reqs| {
        keep_serving(s, reqs, |_| ok_response("{}"))
    });
    let t = StdTransport::builder()
        .max_idle_per_host(0)
        .build()
        .unwrap();
    for _ in 0..3 {
        t.send_blocking(&request("http", server.port, "/", &[], b""), &mut buf)
            .unwrap();
    }
    println!(
        "3 requests without a pool: {} connections",
        server.accepted()
    );
    assert_eq!(server.accepted(), 3);
}

#[test]
fn a_server_closing_mid_body_is_connection_closed() {
    let server = serve(1, |s, _, _| {
        read_request(s);
        let _ = s.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b");
    });
    let mut buf = [0u8; 512];
    let err = transport()
        .send_blocking(&request("http", server.port, "/", &[], b""), &mut buf)
        .unwrap_err();
    println!("closed mid-body: {err:?} ({err})");
    assert_eq!(err, TransportError::ConnectionClosed);
}

#[test]
fn a_stalled_server_is_a_read_timeout() {
    let server = serve(1, |s, _, _| {
        read_request(s);
        // Answer nothing; wait for the client to give up and close.
        read_request(s);
    });
    let mut req = request("http", server.port, "/", &[], b"");
    req.timeouts = Timeouts {
        connect_ms: 5_000,
        read_ms: 300,
    };
    let mut buf = [0u8; 512];
    let start = Instant::now();
    let err = transport().send_blocking(&req, &mut buf).unwrap_err();
    let took = start.elapsed();
    println!("stalled server: {err:?} after {took:?} (read timeout 300 ms)");
    assert_eq!(err, TransportError::ReadTimeout);
    assert!(took < Duration::from_secs(20), "took {took:?}");
}

#[test]
fn a_closed_port_is_connect() {
    let port = {
        let l = TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut buf = [0u8; 512];
    let err = transport()
        .send_blocking(&request("http", port, "/", &[], b""), &mut buf)
        .unwrap_err();
    println!("closed port {port}: {err:?} ({err})");
    assert_eq!(err, TransportError::Connect);
    let err = transport()
        .send_blocking(&request("ftp", port, "/", &[], b""), &mut buf)
        .unwrap_err();
    assert_eq!(err, TransportError::Unsupported);
}

#[test]
fn a_pooled_connection_closed_by_the_server_is_replaced_once() {
    // Connection 0 answers one request, then reads the next and closes
    // without answering (an idle timeout racing the request).
    let server = serve(5, |s, n, reqs| {
        if n == 0 {
            let first = read_request(s).unwrap();
            reqs.lock().unwrap().push(first);
            s.write_all(&ok_response(r#"{"conn":0}"#)).unwrap();
            if let Some(second) = read_request(s) {
                reqs.lock().unwrap().push(second);
            }
        } else {
            keep_serving(s, reqs, |_| ok_response(r#"{"conn":1}"#));
        }
    });
    let t = transport();
    let mut buf = [0u8; 512];
    let raw = t
        .send_blocking(&request("http", server.port, "/", &[], b"a"), &mut buf)
        .unwrap();
    assert_eq!(raw.view(&buf).body, br#"{"conn":0}"#);
    let raw = t
        .send_blocking(&request("http", server.port, "/", &[], b"b"), &mut buf)
        .unwrap();
    let body = raw.view(&buf).body.to_vec();
    println!(
        "second request: {:?} after {} connections, {} requests seen by the server",
        String::from_utf8_lossy(&body),
        server.accepted(),
        server.requests().len()
    );
    assert_eq!(body, br#"{"conn":1}"#);
    assert_eq!(server.accepted(), 2);
    assert_eq!(server.requests().len(), 3);

    // A fresh connection closing without an answer is not retried.
    let server = serve(2, |s, _, _| {
        read_request(s);
    });
    let err = t
        .send_blocking(&request("http", server.port, "/", &[], b""), &mut buf)
        .unwrap_err();
    println!(
        "fresh connection closed before a response: {err:?}, {} connection(s)",
        server.accepted()
    );
    assert_eq!(err, TransportError::ConnectionClosed);
    assert_eq!(server.accepted(), 1);
}

#[test]
fn an_idle_connection_the_server_closed_is_not_reused() {
    let server = serve(5, |s, _, reqs| {
        let req = read_request(s).unwrap();
        reqs.lock().unwrap().push(req);
        s.write_all(&ok_response("{}")).unwrap();
        // Close right away, as an idle timeout would later.
    });
    let t = transport();
    let mut buf = [0u8; 512];
    t.send_blocking(&request("http", server.port, "/", &[], b""), &mut buf)
        .unwrap();
    std::thread::sleep(Duration::from_millis(100));
    t.send_blocking(&request("http", server.port, "/", &[], b""), &mut buf)
        .unwrap();
    println!(
        "{} connections, {} requests",
        server.accepted(),
        server.requests().len()
    );
    assert_eq!(server.accepted(), 2);
    assert_eq!(server.requests().len(), 2);
}

#[test]
fn responses_larger_than_the_buffer_are_refused() {
    let server = serve(1, |s, _, reqs| {
        keep_serving(s, reqs, |_| ok_response(&"x".repeat(4000)))
    });
    let mut buf = [0u8; 1024];
    let err = transport()
        .send_blocking(&request("http", server.port, "/", &[], b""), &mut buf)
        .unwrap_err();
    println!("4000-byte body into 1024 bytes: {err:?}");
    assert_eq!(err, TransportError::ResponseTooLarge);
}

#[test]
fn streamed_bodies_both_ways() {
    let server = serve(2, |s, _, reqs| {
        keep_serving(s, reqs, |req| {
            // Echo the request body 1000 times.
            let body = req.body.repeat(1000);
            let mut r =
                format!("HTTP/1.1 200 OK\r\nContent-Length: {}\r\n\r\n", body.len()).into_bytes();
            r.extend_from_slice(&body);
            r
        })
    });
    let payload: Vec<u8> = (0..50_000u32).map(|i| (i % 251) as u8).collect();
    let t = transport();
    let mut head_buf = [0u8; 1024];
    let mut out = Vec::new();
    // Length unknown: sent chunked.
    let mut source = ReadSource::new(&payload[..], None);
    let mut req = request("http", server.port, "/upload", &[], b"");
    req.method = "PUT";
    let raw = t
        .send_streaming(&req, Some(&mut source), &mut head_buf, &mut out)
        .unwrap();
    let received = server.requests();
    println!(
        "streamed {} bytes up (chunked: {:?}), {} bytes down through a {}-byte buffer",
        received[0].body.len(),
        received[0].header("transfer-encoding"),
        out.len(),
        head_buf.len()
    );
    assert_eq!(raw.status, 200);
    assert_eq!(received[0].header("transfer-encoding"), Some("chunked"));
    assert_eq!(received[0].body, payload);
    assert_eq!(out.len(), payload.len() * 1000);
    assert!(out.chunks(payload.len()).all(|c| c == payload));
    // Length known: Content-Length, on the same connection.
    let mut source = ReadSource::new(&payload[..10], Some(10));
    out.clear();
    t.send_streaming(&req, Some(&mut source), &mut head_buf, &mut out)
        .unwrap();
    let received = server.requests();
    assert_eq!(received[1].header("content-length"), Some("10"));
    assert_eq!(out.len(), 10_000);
    // The whole response into the buffer, the body from a source.
    let mut source = ReadSource::new(&payload[..3], Some(3));
    let mut buf = [0u8; 4096];
    let raw = t.send_source(&req, &mut source, &mut buf).unwrap();
    assert_eq!(raw.view(&buf).body, payload[..3].repeat(1000));
    // A source shorter than it said: a typed error, nothing read past it.
    let mut short = ReadSource::new(&payload[..2], Some(5));
    let err = t.send_source(&req, &mut short, &mut buf).unwrap_err();
    println!("source shorter than its length: {err}");
    assert!(matches!(
        err,
        StreamError::Body(BodyError::LengthMismatch {
            declared: 5,
            produced: 2
        })
    ));
    assert_eq!(server.accepted(), 1);
}

#[test]
fn the_head_on_the_wire_is_write_head() {
    let server = serve(1, |s, _, reqs| keep_serving(s, reqs, |_| ok_response("{}")));
    let headers = [
        ("Host", "127.0.0.1"),
        ("X-Amz-Target", "Kinesis_20131202.ListStreams"),
        ("Content-Type", "application/x-amz-json-1.1"),
    ];
    let req = request("http", server.port, "/a/b?c=d%20e", &headers, b"{}");
    let mut buf = [0u8; 512];
    transport().send_blocking(&req, &mut buf).unwrap();
    let mut head = [0u8; 512];
    let mut sink = SliceSink::new(&mut head);
    write_head(&req, &mut sink).unwrap();
    let got = &server.requests()[0];
    println!("{}", got.head.escape_debug());
    assert_eq!(got.head.as_bytes(), sink.written());
    assert_eq!(got.body, b"{}");

    // A header value with CR LF is refused before anything is sent.
    let bad = [("X-Evil", "a\r\nInjected: 1")];
    let err = transport()
        .send_blocking(&request("http", server.port, "/", &bad, b""), &mut buf)
        .unwrap_err();
    assert_eq!(err, TransportError::Unsupported);
}

#[test]
fn the_transport_can_be_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<StdTransport>();
    let server = serve(4, |s, _, reqs| keep_serving(s, reqs, |_| ok_response("{}")));
    let t = std::sync::Arc::new(transport());
    let workers: Vec<_> = (0..2)
        .map(|_| {
            let t = t.clone();
            std::thread::spawn(move || {
                let mut buf = [0u8; 256];
                for _ in 0..3 {
                    t.send_blocking(&request("http", server.port, "/", &[], b""), &mut buf)
                        .unwrap();
                }
            })
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    println!(
        "6 requests from 2 threads: {} connections, {} idle",
        server.accepted(),
        t.idle_connections()
    );
    assert_eq!(server.requests().len(), 6);
    assert!(server.accepted() <= 4);
}
