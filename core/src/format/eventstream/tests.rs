use super::*;

/// A header to encode: name, type byte, value bytes.
type TestHeader<'a> = (&'a str, u8, &'a [u8]);

/// Encodes one message into `out` (test-side encoder, independent of the decoder).
fn encode(headers: &[TestHeader], payload: &[u8], out: &mut [u8; 512]) -> usize {
    let mut h = [0u8; 256];
    let mut hl = 0;
    for (name, ty, value) in headers {
        h[hl] = name.len() as u8;
        hl += 1;
        h[hl..hl + name.len()].copy_from_slice(name.as_bytes());
        hl += name.len();
        h[hl] = *ty;
        hl += 1;
        h[hl..hl + value.len()].copy_from_slice(value);
        hl += value.len();
    }
    let total = 12 + hl + payload.len() + 4;
    out[0..4].copy_from_slice(&(total as u32).to_be_bytes());
    out[4..8].copy_from_slice(&(hl as u32).to_be_bytes());
    let crc = crate::crc32::crc32(&out[..8]);
    out[8..12].copy_from_slice(&crc.to_be_bytes());
    out[12..12 + hl].copy_from_slice(&h[..hl]);
    out[12 + hl..12 + hl + payload.len()].copy_from_slice(payload);
    let crc = crate::crc32::crc32(&out[..total - 4]);
    out[total - 4..total].copy_from_slice(&crc.to_be_bytes());
    total
}

const UUID: [u8; 16] = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16];

#[test]
fn every_header_type() {
    let mut buf = [0u8; 512];
    let n = encode(
        &[
            ("t", 0, &[]),
            ("f", 1, &[]),
            ("b", 2, &[0xff]),
            ("s", 3, &[0x80, 0x00]),
            ("i", 4, &[0, 0, 0, 123]),
            ("l", 5, &[0xff; 8]),
            ("a", 6, &[0, 3, 1, 2, 3]),
            ("str", 7, &[0, 2, b'h', b'i']),
            ("ts", 8, &1_422_172_800_000i64.to_be_bytes()),
            ("u", 9, &UUID),
        ],
        b"payload",
        &mut buf,
    );
    let (m, used) = Message::decode(&buf[..n]).unwrap();
    assert_eq!(used, n);
    assert_eq!(m.payload(), b"payload");
    let want = [
        ("t", HeaderValue::Bool(true)),
        ("f", HeaderValue::Bool(false)),
        ("b", HeaderValue::Byte(-1)),
        ("s", HeaderValue::Short(i16::MIN)),
        ("i", HeaderValue::Int(123)),
        ("l", HeaderValue::Long(-1)),
        ("a", HeaderValue::Bytes(&[1, 2, 3])),
        ("str", HeaderValue::String("hi")),
        ("ts", HeaderValue::Timestamp(1_422_172_800_000)),
        ("u", HeaderValue::Uuid(&UUID)),
    ];
    assert_eq!(m.headers().count(), want.len());
    for ((name, value), h) in want.iter().zip(m.headers()) {
        assert_eq!((h.name, h.value), (*name, *value));
        assert_eq!(m.header(name), Some(*value));
    }
    assert_eq!(m.header("missing"), None);
    assert_eq!(m.header("i").and_then(|v| v.as_int()), Some(123));
}

#[test]
fn event_headers_and_iteration() {
    let mut buf = [0u8; 512];
    let n = encode(
        &[
            (":message-type", 7, b"\x00\x05event"),
            (":event-type", 7, b"\x00\x05TypeA"),
        ],
        b"x",
        &mut buf,
    );
    let mut two = [0u8; 1024];
    two[..n].copy_from_slice(&buf[..n]);
    two[n..2 * n].copy_from_slice(&buf[..n]);
    assert_eq!(Messages::new(&two[..2 * n]).count(), 2);
    for m in Messages::new(&two[..2 * n]) {
        let m = m.unwrap();
        assert_eq!(m.message_type(), Some("event"));
        assert_eq!(m.event_type(), Some("TypeA"));
    }
    assert_eq!(Messages::new(&[]).count(), 0);
    // A partial second message: one message, then Truncated, then the end.
    let mut it = Messages::new(&two[..2 * n - 1]);
    assert!(it.next().unwrap().is_ok());
    assert_eq!(
        it.next(),
        Some(Err(EventStreamError::Truncated { need: n }))
    );
    assert_eq!(it.next(), None);
}

#[test]
fn empty_message() {
    let mut buf = [0u8; 512];
    let n = encode(&[], b"", &mut buf);
    assert_eq!(n, MIN_MESSAGE_LEN);
    let (m, _) = Message::decode(&buf[..n]).unwrap();
    assert_eq!(m.headers().count(), 0);
    assert!(m.payload().is_empty());
}

#[test]
fn corrupt_crcs() {
    let mut buf = [0u8; 512];
    let n = encode(&[("a", 7, b"\x00\x01z")], b"body", &mut buf);
    let mut bad = buf;
    bad[9] ^= 1;
    assert_eq!(
        Message::decode(&bad[..n]),
        Err(EventStreamError::PreludeCrc)
    );
    for at in [12, n - 5, n - 1] {
        let mut bad = buf;
        bad[at] ^= 0x40;
        assert_eq!(
            Message::decode(&bad[..n]),
            Err(EventStreamError::MessageCrc),
            "flip at {at}"
        );
    }
}

#[test]
fn truncated_everywhere() {
    let mut buf = [0u8; 512];
    let n = encode(&[("a", 7, b"\x00\x01z")], b"body", &mut buf);
    for cut in 0..n {
        let want = if cut < PRELUDE_LEN { PRELUDE_LEN } else { n };
        assert_eq!(
            Message::decode(&buf[..cut]),
            Err(EventStreamError::Truncated { need: want }),
            "cut at {cut}"
        );
    }
}

/// A message with a prelude of the given lengths and a correct prelude CRC.
fn prelude(total: u32, headers: u32) -> [u8; 16] {
    let mut b = [0u8; 16];
    b[0..4].copy_from_slice(&total.to_be_bytes());
    b[4..8].copy_from_slice(&headers.to_be_bytes());
    let crc = crate::crc32::crc32(&b[..8]);
    b[8..12].copy_from_slice(&crc.to_be_bytes());
    b
}

#[test]
fn oversized_and_inconsistent_lengths() {
    let cases = [
        (0, 0, EventStreamError::BadLength),
        (15, 0, EventStreamError::BadLength),
        (16, 1, EventStreamError::BadLength),
        (u32::MAX, 0, EventStreamError::PayloadTooLong),
        (u32::MAX, u32::MAX, EventStreamError::HeadersTooLong),
        (200_000, 128 * 1024 + 1, EventStreamError::HeadersTooLong),
        (
            (MAX_PAYLOAD_LEN + MIN_MESSAGE_LEN + 1) as u32,
            0,
            EventStreamError::PayloadTooLong,
        ),
    ];
    for (total, headers, want) in cases {
        assert_eq!(
            Message::decode(&prelude(total, headers)),
            Err(want),
            "total {total} headers {headers}"
        );
    }
    // At the limits: only more bytes are missing.
    let total = (MAX_PAYLOAD_LEN + MIN_MESSAGE_LEN) as u32;
    assert_eq!(
        Message::decode(&prelude(total, 0)),
        Err(EventStreamError::Truncated {
            need: total as usize
        })
    );
}

#[test]
fn bad_headers() {
    let mut buf = [0u8; 512];
    let cases: [(&[TestHeader], EventStreamError); 6] = [
        (&[("a", 10, &[])], EventStreamError::UnknownHeaderType(10)),
        (&[("a", 4, &[0, 0])], EventStreamError::HeaderTruncated),
        (
            &[("a", 7, &[0, 9, b'x'])],
            EventStreamError::HeaderTruncated,
        ),
        (&[("a", 7, &[0, 1, 0xff])], EventStreamError::NotUtf8),
        (&[("a", 9, &[0; 15])], EventStreamError::HeaderTruncated),
        (
            &[("a", 0, &[]), ("a", 1, &[])],
            EventStreamError::DuplicateHeader,
        ),
    ];
    for (headers, want) in cases {
        let n = encode(headers, b"", &mut buf);
        assert_eq!(Message::decode(&buf[..n]), Err(want), "{headers:?}");
    }
    // A name length past the section.
    let n = encode(&[], b"", &mut buf);
    let mut raw = [0u8; 64];
    let hdr = [5u8, b'a'];
    let total = n + hdr.len();
    raw[..16].copy_from_slice(&prelude(total as u32, hdr.len() as u32));
    raw[12..14].copy_from_slice(&hdr);
    let crc = crate::crc32::crc32(&raw[..total - 4]);
    raw[total - 4..total].copy_from_slice(&crc.to_be_bytes());
    assert_eq!(
        Message::decode(&raw[..total]),
        Err(EventStreamError::HeaderTruncated)
    );
}

/// The first message of botocore's "RPC JSON Event Stream" output case.
#[test]
fn botocore_suite_message() {
    let msg: &[u8] = b"\x00\x00\x00\x6c\x00\x00\x00\x53\xcb\x82\x45\x6b\x0d:message-type\x07\x00\x05event\x0b:event-type\x07\x00\x05TypeA\x0d:content-type\x07\x00\x18application/octet-streamsomebytes\x1e\xb2\x3d\x87";
    let (m, used) = Message::decode(msg).unwrap();
    assert_eq!(used, msg.len());
    assert_eq!(m.event_type(), Some("TypeA"));
    assert_eq!(
        m.header_str(":content-type"),
        Some("application/octet-stream")
    );
    assert_eq!(m.payload(), b"somebytes");
}
