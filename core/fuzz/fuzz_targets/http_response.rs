//! Arbitrary bytes as a response through `http::ResponseReader`: read whole
//! and streamed, in one piece and in pieces of a size the input picks, into a
//! buffer of a size the input picks. Must never panic; every range it gives
//! lies in the buffer; the cuts never change the outcome, and streaming only
//! differs from whole mode where the body did not fit the buffer.
#![no_main]

use libfuzzer_sys::fuzz_target;
use stratus_core::http::{Finished, Limit, ReadError, ResponseReader, Step};

#[derive(Debug, PartialEq)]
struct Outcome {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    finished: Finished,
}

fn run(
    method: &str,
    wire: &[u8],
    piece: usize,
    stream: bool,
    buf_len: usize,
) -> Result<Outcome, ReadError> {
    let mut buf = vec![0u8; buf_len];
    let mut reader = if stream {
        ResponseReader::streaming(method)
    } else {
        ResponseReader::new(method)
    };
    let mut at = 0;
    let mut body = Vec::new();
    let mut steps = 0usize;
    let finished = loop {
        steps += 1;
        assert!(steps < 4 * wire.len() + 64, "the reader does not progress");
        match reader.next(&mut buf)? {
            Step::Read(r) => {
                assert!(r.start < r.end && r.end <= buf.len());
                let n = (r.end - r.start).min(piece).min(wire.len() - at);
                buf[r.start..r.start + n].copy_from_slice(&wire[at..at + n]);
                at += n;
                reader.filled(n);
            }
            Step::Head => {}
            Step::Data(r) => {
                assert!(stream && r.start < r.end && r.end <= buf.len());
                body.extend_from_slice(&buf[r.start..r.end]);
            }
            Step::Done(f) => break f,
        }
    };
    let raw = reader.response();
    assert!(raw.head.start <= raw.head.end && raw.head.end <= buf.len());
    assert!(raw.body.start <= raw.body.end && raw.body.end <= buf.len());
    let view = raw.view(&buf);
    if !stream {
        body = view.body.to_vec();
    }
    assert_eq!(reader.body_bytes(), body.len() as u64);
    Ok(Outcome {
        status: view.status,
        headers: view
            .headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body,
        finished,
    })
}

/// The outcome without what depends on how the bytes were cut: bytes past the
/// end are only seen when they came in the same read as the end.
fn uncut(r: &Result<Outcome, ReadError>) -> Result<(u16, &[(String, String)], &[u8]), ReadError> {
    r.as_ref()
        .map(|o| (o.status, &o.headers[..], &o.body[..]))
        .map_err(|e| *e)
}

fuzz_target!(|data: &[u8]| {
    let [m, p, b, wire @ ..] = data else { return };
    let method = ["GET", "HEAD", "CONNECT", "POST"][usize::from(*m % 4)];
    let piece = usize::from(*p).max(1);
    let buf_len = 16 + usize::from(*b) * 16;
    let whole = run(method, wire, usize::MAX, false, buf_len);
    let whole_cut = run(method, wire, piece, false, buf_len);
    assert_eq!(uncut(&whole), uncut(&whole_cut));
    let stream = run(method, wire, usize::MAX, true, buf_len);
    let stream_cut = run(method, wire, piece, true, buf_len);
    assert_eq!(uncut(&stream), uncut(&stream_cut));
    if whole != Err(ReadError::TooLarge(Limit::Buffer)) {
        assert_eq!(uncut(&whole), uncut(&stream));
        // Reads land differently in the two modes, so bytes past the end
        // may come with the end in one and not the other.
        if let (Ok(w), Ok(s)) = (&whole, &stream)
            && w.finished.extra == 0
            && s.finished.extra == 0
        {
            assert_eq!(w.finished, s.finished);
        }
    }
});
