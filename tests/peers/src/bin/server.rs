//! A canned-response HTTP/1.1 server on 127.0.0.1 for the sequential-calls
//! row: every request (head + `Content-Length` body) on a kept-alive
//! connection gets the same PutRecord reply. One thread per connection.
//!
//! Prints `port=N` on stdout once listening and exits when its standard input
//! closes (the runner holds the other end), so it never outlives the run.

use std::io::{BufRead, Read, Write};
use std::net::{TcpListener, TcpStream};

fn content_length(head: &[u8]) -> Option<usize> {
    let text = std::str::from_utf8(head).ok()?;
    text.split("\r\n").skip(1).find_map(|line| {
        let (name, value) = line.split_once(':')?;
        if name.trim().eq_ignore_ascii_case("content-length") {
            value.trim().parse().ok()
        } else {
            None
        }
    })
}

fn serve(mut s: TcpStream, reply: &[u8]) {
    let _ = s.set_nodelay(true);
    let mut buf = vec![0u8; 64 * 1024];
    let mut filled = 0;
    loop {
        // One whole request: the head, then its body.
        let head_end = loop {
            if let Some(p) = buf[..filled].windows(4).position(|w| w == b"\r\n\r\n") {
                break p + 4;
            }
            if filled == buf.len() {
                return;
            }
            match s.read(&mut buf[filled..]) {
                Ok(0) | Err(_) => return,
                Ok(n) => filled += n,
            }
        };
        let Some(body) = content_length(&buf[..head_end]) else {
            let _ = s.write_all(
                b"HTTP/1.1 411 Length Required\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
            );
            return;
        };
        let end = head_end + body;
        if end > buf.len() {
            return;
        }
        while filled < end {
            match s.read(&mut buf[filled..]) {
                Ok(0) | Err(_) => return,
                Ok(n) => filled += n,
            }
        }
        if s.write_all(reply).is_err() {
            return;
        }
        buf.copy_within(end..filled, 0);
        filled -= end;
    }
}

fn main() {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind 127.0.0.1");
    let port = listener.local_addr().expect("an address").port();
    println!("port={port}");
    let _ = std::io::stdout().flush();
    // Exit when the runner closes our stdin.
    std::thread::spawn(|| {
        let mut line = String::new();
        let stdin = std::io::stdin();
        let mut lock = stdin.lock();
        while matches!(lock.read_line(&mut line), Ok(n) if n > 0) {
            line.clear();
        }
        std::process::exit(0);
    });
    let reply: &'static [u8] = stratus_peers::canned_response().leak();
    for s in listener.incoming().flatten() {
        std::thread::spawn(move || serve(s, reply));
    }
}
