//! The server's own capacity: a minimal raw HTTP/1.1 client sending one fixed
//! PutRecord request (no serializing, no signing: the bytes are built once)
//! over one kept-alive connection, `raw_client PORT CALLS`.

use std::io::{Read, Write};
use std::net::TcpStream;

fn main() {
    let (_, start_rss) = stratus_peers::rusage();
    let mut args = std::env::args().skip(1);
    let port: u16 = args
        .next()
        .and_then(|a| a.parse().ok())
        .expect("usage: raw_client PORT CALLS");
    let calls: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let body = stratus_peers::sign_body();
    let mut request = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nContent-Type: application/x-amz-json-1.1\r\n\
         X-Amz-Target: Kinesis_20131202.PutRecord\r\nContent-Length: {}\r\n\r\n",
        body.len()
    )
    .into_bytes();
    request.extend_from_slice(&body);
    let expected = stratus_peers::canned_response().len();
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect to the server");
    s.set_nodelay(true).expect("nodelay");
    let mut buf = vec![0u8; 4096];
    stratus_peers::sequential("raw", calls, start_rss, || {
        s.write_all(&request).map_err(|e| e.to_string())?;
        // The reply's length is known: read exactly that much.
        let mut got = 0;
        while got < expected {
            match s.read(&mut buf[got..]) {
                Ok(0) => return Err("closed".into()),
                Ok(n) => got += n,
                Err(e) => return Err(e.to_string()),
            }
        }
        Ok(())
    });
}
