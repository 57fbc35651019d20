//! The response reader over wires cut every way, in both modes.

extern crate std;

use std::string::String;
use std::vec::Vec;

use super::*;

#[derive(Debug, PartialEq)]
struct Outcome {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    finished: Finished,
}

/// Feeds `wire` to a reader, each read giving at most the next of `pieces`
/// (cycled) bytes, then reports the connection closed.
fn run(
    method: &str,
    wire: &[u8],
    pieces: &[usize],
    stream: bool,
    buf_len: usize,
) -> Result<Outcome, ReadError> {
    let mut buf = std::vec![0u8; buf_len];
    let mut reader = if stream {
        ResponseReader::streaming(method)
    } else {
        ResponseReader::new(method)
    };
    let mut at = 0;
    let mut reads = 0;
    let mut streamed = Vec::new();
    let mut heads = 0;
    let finished = loop {
        match reader.next(&mut buf)? {
            Step::Read(r) => {
                let piece = pieces[reads % pieces.len()];
                reads += 1;
                let n = (r.end - r.start).min(piece).min(wire.len() - at);
                buf[r.start..r.start + n].copy_from_slice(&wire[at..at + n]);
                at += n;
                reader.filled(n);
            }
            Step::Head => heads += 1,
            Step::Data(r) => {
                assert!(stream, "whole mode hands out no data");
                assert_eq!(heads, 1, "data before the head");
                streamed.extend_from_slice(&buf[r.start..r.end]);
            }
            Step::Done(f) => break f,
        }
    };
    assert_eq!(heads, 1);
    // Done repeats.
    assert_eq!(reader.next(&mut buf), Ok(Step::Done(finished)));
    let view = reader.response().view(&buf);
    if stream {
        assert!(view.body.is_empty());
    } else {
        streamed = view.body.to_vec();
    }
    assert_eq!(reader.body_bytes(), streamed.len() as u64);
    Ok(Outcome {
        status: view.status,
        headers: view
            .headers
            .iter()
            .map(|(n, v)| (String::from(n), String::from(v)))
            .collect(),
        body: streamed,
        finished,
    })
}

/// `run` with the wire cut once at every byte (then read whole), byte by
/// byte, and whole, in both modes: all must agree.
fn every_cut(method: &str, wire: &[u8], buf_len: usize) -> Result<Outcome, ReadError> {
    let whole = run(method, wire, &[usize::MAX], false, buf_len);
    for stream in [false, true] {
        for cut in 1..=wire.len() {
            let got = run(method, wire, &[cut, usize::MAX], stream, buf_len);
            assert_eq!(got, whole, "cut at {cut}, stream {stream}");
        }
        let got = run(method, wire, &[1], stream, buf_len);
        assert_eq!(got, whole, "byte by byte, stream {stream}");
    }
    whole
}

const OK_LEN: &[u8] = b"HTTP/1.1 200 OK\r\nContent-Type: application/x-amz-json-1.1\r\n\
x-amzn-RequestId: abc\r\nContent-Length: 36\r\n\r\n{\"ShardId\":\"a\",\"SequenceNumber\":\"1\"}";

#[test]
fn content_length_bodies_read_at_every_cut() {
    let out = every_cut("POST", OK_LEN, 512).unwrap();
    assert_eq!(out.status, 200);
    assert_eq!(out.body, br#"{"ShardId":"a","SequenceNumber":"1"}"#);
    assert_eq!(out.headers.len(), 3);
    assert_eq!(out.headers[1], ("x-amzn-RequestId".into(), "abc".into()));
    assert_eq!(
        out.finished,
        Finished {
            reusable: true,
            extra: 0
        }
    );
}

#[test]
fn chunked_bodies_with_extensions_and_trailers_read_at_every_cut() {
    let wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\n\r\n\
5;name=value\r\nhello\r\n1 ; q=\"x;y\"\r\n,\r\n6\r\n world\r\n\
A\r\n0123456789\r\n0;last\r\nX-Trailer: t\r\nX-Other: u\r\n\r\n";
    let out = every_cut("GET", wire, 512).unwrap();
    assert_eq!(out.body, b"hello, world0123456789");
    // Trailers are skipped, not added to the headers.
    assert_eq!(out.headers.len(), 2);
    assert!(out.finished.reusable);

    // Bare LF line ends, upper-case hex, and no trailers.
    let wire = b"HTTP/1.1 200 OK\nTransfer-Encoding: gzip, chunked\n\n\
B\nhello world\n0\n\n";
    let out = every_cut("GET", wire, 256).unwrap();
    assert_eq!(out.body, b"hello world");
    assert!(out.finished.reusable);
}

#[test]
fn bodies_until_close_end_with_the_connection() {
    let wire = b"HTTP/1.1 200 OK\r\nServer: x\r\n\r\nall of this is body";
    let out = every_cut("GET", wire, 256).unwrap();
    assert_eq!(out.body, b"all of this is body");
    assert!(!out.finished.reusable);
    // A transfer coding other than chunked last: read until close.
    let wire = b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\nzz";
    let out = every_cut("GET", wire, 256).unwrap();
    assert_eq!(out.body, b"zz");
    assert!(!out.finished.reusable);
}

#[test]
fn streaming_needs_no_room_for_the_body() {
    let mut body = Vec::new();
    for i in 0..20_000u32 {
        body.push((i * 31 % 253) as u8);
    }
    let mut wire = Vec::from(&b"HTTP/1.1 200 OK\r\nContent-Length: 20000\r\n\r\n"[..]);
    wire.extend_from_slice(&body);
    for pieces in [&[usize::MAX][..], &[7, 300, 1]] {
        let out = run("GET", &wire, pieces, true, 256).unwrap();
        assert_eq!(out.body, body);
        assert!(out.finished.reusable);
        assert_eq!(
            run("GET", &wire, pieces, false, 256),
            Err(ReadError::TooLarge(Limit::Buffer))
        );
    }

    let mut wire = Vec::from(&b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"[..]);
    for piece in body.chunks(1000) {
        wire.extend_from_slice(std::format!("{:x};ext=1\r\n", piece.len()).as_bytes());
        wire.extend_from_slice(piece);
        wire.extend_from_slice(b"\r\n");
    }
    wire.extend_from_slice(b"0\r\nT: 1\r\n\r\n");
    for pieces in [&[usize::MAX][..], &[7, 300, 1], &[1]] {
        let out = run("GET", &wire, pieces, true, 128).unwrap();
        assert_eq!(out.body, body);
        assert!(out.finished.reusable);
        assert_eq!(
            run("GET", &wire, pieces, false, 1024),
            Err(ReadError::TooLarge(Limit::Buffer))
        );
    }
    // Big enough: whole mode decodes it all in place.
    let out = run("GET", &wire, &[333], false, 20_100).unwrap();
    assert_eq!(out.body, body);
}

#[test]
fn keep_alive_decisions() {
    /// Method, wire, reusable, body, extra bytes.
    type Case<'a> = (&'a str, &'a [u8], bool, &'a [u8], usize);
    let cases: &[Case<'_>] = &[
        ("GET", b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nab", true, b"ab", 0),
        (
            "GET",
            b"HTTP/1.1 200 OK\r\nConnection: close\r\nContent-Length: 2\r\n\r\nab",
            false,
            b"ab",
            0,
        ),
        (
            "GET",
            b"HTTP/1.1 200 OK\r\nConnection: Keep-Alive, CLOSE\r\nContent-Length: 2\r\n\r\nab",
            false,
            b"ab",
            0,
        ),
        (
            "GET",
            b"HTTP/1.0 200 OK\r\nContent-Length: 2\r\n\r\nab",
            false,
            b"ab",
            0,
        ),
        (
            "GET",
            b"HTTP/1.0 200 OK\r\nConnection: keep-alive\r\nContent-Length: 2\r\n\r\nab",
            true,
            b"ab",
            0,
        ),
        (
            "GET",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Length: 9\r\n\r\n2\r\nab\r\n0\r\n\r\n",
            false,
            b"ab",
            0,
        ),
        ("DELETE", b"HTTP/1.1 204 No Content\r\n\r\n", true, b"", 0),
        (
            "GET",
            b"HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n",
            true,
            b"",
            0,
        ),
        (
            "HEAD",
            b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n",
            true,
            b"",
            0,
        ),
        (
            "HEAD",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n",
            true,
            b"",
            0,
        ),
        // Bytes past the end of a response: the connection is not clean.
        ("GET", b"HTTP/1.1 204 No Content\r\n\r\nXYZ", false, b"", 3),
        (
            "GET",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nHTTP",
            false,
            b"",
            4,
        ),
        (
            "GET",
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n",
            false,
            b"",
            0,
        ),
        // A tunnel: the bytes after the head are the tunnel's.
        (
            "CONNECT",
            b"HTTP/1.1 200 Connection established\r\n\r\n\x16\x03",
            false,
            b"",
            2,
        ),
        // Interim responses are skipped.
        (
            "PUT",
            b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: x\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 1\r\n\r\nk",
            true,
            b"k",
            0,
        ),
    ];
    for (i, (method, wire, reusable, body, extra)) in cases.iter().enumerate() {
        // Bytes past the end are only seen when they come with the end.
        let out = if *extra > 0 {
            run(method, wire, &[usize::MAX], false, 256)
        } else {
            every_cut(method, wire, 256)
        };
        let out = out.unwrap_or_else(|e| panic!("case {i}: {e}"));
        std::println!(
            "case {i}: {} -> status {} reusable {} extra {}",
            method,
            out.status,
            out.finished.reusable,
            out.finished.extra
        );
        assert_eq!(out.finished.reusable, *reusable, "case {i}");
        assert_eq!(out.finished.extra, *extra, "case {i}");
        assert_eq!(out.body, *body, "case {i}");
    }
}

#[test]
fn every_error() {
    use ReadError::*;
    let many: String = (0..33)
        .map(|i| std::format!("H{i}: v\r\n"))
        .collect::<Vec<_>>()
        .concat();
    let many = std::format!("HTTP/1.1 200 OK\r\n{many}Content-Length: 0\r\n\r\n");
    let cases: &[(&str, &[u8], usize, ReadError)] = &[
        (
            "status",
            b"HTTP/1.1 2x0 OK\r\n\r\n",
            256,
            Malformed(super::Malformed::StatusLine),
        ),
        (
            "version",
            b"HTTP/2 200 OK\r\n\r\n",
            256,
            Malformed(super::Malformed::StatusLine),
        ),
        (
            "not http",
            b"SSH-2.0-OpenSSH\r\n\r\n",
            256,
            Malformed(super::Malformed::StatusLine),
        ),
        (
            "header name",
            b"HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n",
            256,
            Malformed(super::Malformed::Header),
        ),
        (
            "header value",
            b"HTTP/1.1 200 OK\r\nA: x\x01y\r\n\r\n",
            256,
            Malformed(super::Malformed::Header),
        ),
        ("headers", many.as_bytes(), 4096, TooLarge(Limit::Headers)),
        ("head buffer", OK_LEN, 40, TooLarge(Limit::Buffer)),
        ("body buffer", OK_LEN, 120, TooLarge(Limit::Buffer)),
        (
            "until close",
            b"HTTP/1.1 200 OK\r\n\r\n0123456789012345678901234567890123456789",
            50,
            TooLarge(Limit::Buffer),
        ),
        (
            "chunk buffer",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n100\r\n",
            100,
            TooLarge(Limit::Buffer),
        ),
        ("closed at once", b"", 256, NoResponse),
        (
            "closed in head",
            b"HTTP/1.1 200 OK\r\nContent-Le",
            256,
            Truncated,
        ),
        (
            "closed in body",
            b"HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n12345",
            256,
            Truncated,
        ),
        (
            "closed in chunk",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhel",
            256,
            Truncated,
        ),
        (
            "closed in size",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5",
            256,
            Truncated,
        ),
        (
            "closed after data",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\na\r",
            256,
            Truncated,
        ),
        (
            "closed in trailers",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n0\r\nX: y\r\n",
            256,
            Truncated,
        ),
        (
            "after interim",
            b"HTTP/1.1 100 Continue\r\n\r\n",
            256,
            Truncated,
        ),
        (
            "chunk size",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
            256,
            BadChunk,
        ),
        (
            "chunk empty size",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n\r\n",
            256,
            BadChunk,
        ),
        (
            "chunk junk",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5 x\r\n",
            256,
            BadChunk,
        ),
        (
            "chunk cr",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\r\n",
            256,
            BadChunk,
        ),
        (
            "chunk overflow",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10000000000000000\r\n",
            256,
            BadChunk,
        ),
        (
            "chunk end",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhelloXX\r\n",
            256,
            BadChunk,
        ),
        (
            "chunk end cr",
            b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\rX",
            256,
            BadChunk,
        ),
        (
            "length text",
            b"HTTP/1.1 200 OK\r\nContent-Length: abc\r\n\r\n",
            256,
            BadContentLength,
        ),
        (
            "length sign",
            b"HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n",
            256,
            BadContentLength,
        ),
        (
            "length plus",
            b"HTTP/1.1 200 OK\r\nContent-Length: +1\r\n\r\n",
            256,
            BadContentLength,
        ),
        (
            "length empty",
            b"HTTP/1.1 200 OK\r\nContent-Length: \r\n\r\n",
            256,
            BadContentLength,
        ),
        (
            "length list",
            b"HTTP/1.1 200 OK\r\nContent-Length: 5, 6\r\n\r\n",
            256,
            BadContentLength,
        ),
        (
            "length twice",
            b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n",
            256,
            BadContentLength,
        ),
        (
            "length overflow",
            b"HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n",
            256,
            BadContentLength,
        ),
    ];
    for (name, wire, buf_len, want) in cases {
        for stream in [false, true] {
            // Streaming has no body limit.
            if stream && matches!(*name, "body buffer" | "until close" | "chunk buffer") {
                continue;
            }
            for pieces in [&[usize::MAX][..], &[1]] {
                let got = run("GET", wire, pieces, stream, *buf_len);
                assert_eq!(got, Err(*want), "{name} stream {stream} pieces {pieces:?}");
            }
        }
        std::println!("{name}: {want}");
    }
    // Agreeing lengths are one length.
    let out = every_cut(
        "GET",
        b"HTTP/1.1 200 OK\r\nContent-Length: 3, 3\r\ncontent-length: 3\r\n\r\nabc",
        256,
    )
    .unwrap();
    assert_eq!(out.body, b"abc");
}

#[test]
fn misuse_is_an_error_not_a_panic() {
    let mut buf = [0u8; 64];
    let mut reader = ResponseReader::new("GET");
    let Ok(Step::Read(r)) = reader.next(&mut buf) else {
        panic!("expected a read")
    };
    reader.filled(r.end - r.start + 1);
    assert_eq!(reader.next(&mut buf), Err(ReadError::Misuse));
    // Errors stick.
    reader.filled(3);
    assert_eq!(reader.next(&mut buf), Err(ReadError::Misuse));

    let mut reader = ResponseReader::new("GET");
    let _ = reader.next(&mut buf);
    buf[..10].copy_from_slice(b"HTTP/1.1 2");
    reader.filled(10);
    assert_eq!(reader.next(&mut buf[..5]), Err(ReadError::Misuse));

    // Filled without a read offered.
    let mut reader = ResponseReader::new("GET");
    reader.filled(1);
    assert_eq!(reader.next(&mut buf), Err(ReadError::Misuse));
}

#[test]
fn the_head_is_in_the_buffer_while_streaming() {
    let wire = b"HTTP/1.1 200 OK\r\nX-Id: 7\r\nContent-Length: 300\r\n\r\n";
    let mut buf = [0u8; 64];
    let mut reader = ResponseReader::streaming("GET");
    let Ok(Step::Read(r)) = reader.next(&mut buf) else {
        panic!()
    };
    buf[r.start..r.start + wire.len()].copy_from_slice(wire);
    reader.filled(wire.len());
    assert_eq!(reader.next(&mut buf), Ok(Step::Head));
    assert_eq!(reader.response().view(&buf).header("x-id"), Some("7"));
    assert!(reader.received_any());
    // The next read leaves the head alone.
    let Ok(Step::Read(r)) = reader.next(&mut buf) else {
        panic!()
    };
    assert_eq!(r.start, wire.len());
}
