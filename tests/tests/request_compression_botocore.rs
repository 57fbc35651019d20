//! Request compression against botocore 1.43.11's client: for each case
//! `tests/oracle/compression_oracle.py` builds the request with botocore
//! (compressed by its `compress.py` step, stopped before sending) and prints
//! its `Content-Encoding` and body; stratus serializes the same input with
//! `SerializeOptions { compression: Some(..) }` and must agree on whether the
//! body is compressed (same `Content-Encoding`), produce a valid gzip member
//! (header, CRC32 and ISIZE checked by `flate2`), and decompress to the same
//! bytes as botocore's body.

use std::io::Read;

use serde_json::{Value as J, json};
use stratus_core::format::json::{InputSlots, JsonInput};
use stratus_core::model::{Operation, ServiceModel};
use stratus_core::protocol::serialize::{
    CompressionConfig, DEFAULT_MIN_COMPRESSION_SIZE, SerializeOptions, SerializedRequest,
    gzip_to_vec, serialize,
};

/// One case: what it shows, the PutMetricData params, and the settings.
struct Case {
    what: String,
    params: J,
    cfg: CompressionConfig,
}

fn cloudwatch() -> (&'static ServiceModel, &'static Operation) {
    let model = stratus_models::service("cloudwatch").expect("cloudwatch built");
    let op = model.operation("PutMetricData").expect("PutMetricData");
    (model, op)
}

/// PutMetricData with `n` metrics named by 100 `m`s, the last one named by
/// `last` `x`s.
fn metrics(n: usize, last: usize) -> J {
    let mut data: Vec<J> = (1..n)
        .map(|i| json!({"MetricName": "m".repeat(100), "Value": i as f64 + 0.5}))
        .collect();
    data.push(json!({"MetricName": "x".repeat(last), "Value": 2.5, "Unit": "Count"}));
    json!({"Namespace": "stratus/test", "MetricData": data})
}

/// Serializes `params` with `opts` and hands the request to `f`.
fn with_request<R>(
    params: &J,
    opts: &SerializeOptions<'_>,
    f: impl FnOnce(&SerializedRequest<'_>) -> R,
) -> R {
    let (model, op) = cloudwatch();
    let text = params.to_string();
    let slots: InputSlots<'_, 4096> = InputSlots::new();
    let mut scratch = vec![0u8; 1 << 17];
    let input = JsonInput::new(&text, model, op.input.expect("input"), &slots, &mut scratch)
        .unwrap_or_else(|e| panic!("input: {e}"));
    let mut buf = vec![0u8; 1 << 17];
    let req = serialize(model, op, &input, opts, &mut buf).unwrap_or_else(|e| panic!("{e}"));
    f(&req)
}

/// Uncompressed body length of `params`.
fn plain_len(params: &J) -> usize {
    with_request(params, &SerializeOptions::default(), |r| r.body().len())
}

/// PutMetricData params whose uncompressed body is exactly `target` bytes
/// (found by growing the metric count, then sizing the last name).
fn params_of_len(target: usize) -> J {
    for n in 1..1000 {
        if plain_len(&metrics(n, 255)) < target {
            continue;
        }
        for last in 1..=255 {
            let p = metrics(n, last);
            if plain_len(&p) == target {
                return p;
            }
        }
    }
    panic!("no PutMetricData input serializes to {target} bytes");
}

fn cases() -> Vec<Case> {
    let on = CompressionConfig::default();
    let min = DEFAULT_MIN_COMPRESSION_SIZE;
    vec![
        Case {
            what: "large body (120 metrics)".into(),
            params: metrics(120, 40),
            cfg: on,
        },
        Case {
            what: "small body (1 metric)".into(),
            params: metrics(1, 10),
            cfg: on,
        },
        Case {
            what: format!("body of exactly min_size ({min}) bytes"),
            params: params_of_len(min),
            cfg: on,
        },
        Case {
            what: format!("body of min_size - 1 ({}) bytes", min - 1),
            params: params_of_len(min - 1),
            cfg: on,
        },
        Case {
            what: "large body, compression disabled".into(),
            params: metrics(120, 40),
            cfg: CompressionConfig {
                disabled: true,
                ..on
            },
        },
        Case {
            what: "small body, min_size 1".into(),
            params: metrics(1, 10),
            cfg: CompressionConfig { min_size: 1, ..on },
        },
    ]
}

fn oracle(cases: &J) -> Vec<J> {
    let script = stratus_tests::workspace_root().join("tests/oracle/compression_oracle.py");
    let mut oracle = stratus_tests::python();
    oracle.arg(script);
    let out = stratus_tests::oracle_json(
        oracle,
        cases.to_string().as_bytes(),
        "the compression oracle",
    );
    serde_json::from_value::<Vec<J>>(out).expect("oracle prints a JSON list")
}

fn b64_decode(s: &str) -> Vec<u8> {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = Vec::new();
    let (mut acc, mut bits) = (0u32, 0);
    for c in s.bytes().filter(|&c| c != b'=') {
        let v = A.iter().position(|&a| a == c).expect("base64 digit") as u32;
        acc = (acc << 6) | v;
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
        }
    }
    out
}

/// Decompresses one gzip member, checking its CRC32 and ISIZE.
fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut d = flate2::read::GzDecoder::new(bytes);
    let mut out = Vec::new();
    d.read_to_end(&mut out).expect("valid gzip");
    out
}

#[test]
fn put_metric_data_compresses_as_botocore() {
    let cases = cases();
    let list: Vec<J> = cases
        .iter()
        .map(|c| {
            json!({"service": "cloudwatch", "method": "put_metric_data", "params": c.params,
                   "min_size": c.cfg.min_size, "disabled": c.cfg.disabled})
        })
        .collect();
    let expected = oracle(&J::Array(list));
    assert_eq!(expected.len(), cases.len());
    let mut compressed = 0;
    for (case, want) in cases.iter().zip(&expected) {
        let opts = SerializeOptions {
            compression: Some(case.cfg),
            ..SerializeOptions::default()
        };
        let plain = with_request(&case.params, &SerializeOptions::default(), |r| {
            r.body().to_vec()
        });
        let (encoding, body) = with_request(&case.params, &opts, |r| {
            (
                r.header("Content-Encoding").map(str::to_owned),
                r.body().to_vec(),
            )
        });
        let want_encoding = want["content_encoding"].as_str().map(str::to_owned);
        assert_eq!(encoding, want_encoding, "{}: Content-Encoding", case.what);
        let want_body = b64_decode(want["body"].as_str().expect("body"));
        let (ours, theirs) = if encoding.as_deref() == Some("gzip") {
            compressed += 1;
            assert_eq!(&body[..3], &[0x1f, 0x8b, 8], "{}: gzip magic", case.what);
            (gunzip(&body), gunzip(&want_body))
        } else {
            (body, want_body)
        };
        assert_eq!(ours, plain, "{}: decompresses to the plain body", case.what);
        assert_eq!(
            String::from_utf8_lossy(&ours),
            String::from_utf8_lossy(&theirs),
            "{}: body differs from botocore's",
            case.what
        );
        println!(
            "ok  {:<40} {:>6} bytes, Content-Encoding {:?}",
            case.what,
            plain.len(),
            encoding
        );
    }
    println!(
        "request compression: {}/{} cases match botocore ({compressed} compressed)",
        cases.len(),
        cases.len()
    );
}

#[test]
fn client_options_compress_and_default_does_not() {
    let params = metrics(120, 40);
    let client = with_request(&params, &SerializeOptions::client(), |r| {
        r.header("Content-Encoding").map(str::to_owned)
    });
    assert_eq!(client.as_deref(), Some("gzip"));
    let plain = with_request(&params, &SerializeOptions::default(), |r| {
        r.header("Content-Encoding").map(str::to_owned)
    });
    assert_eq!(plain, None);
}

#[test]
fn gzip_round_trips_and_fails_typed_when_full() {
    use stratus_core::protocol::serialize::{GzipError, gzip_into};
    for body in [&b""[..], b"a", &[7u8; 100_000], b"{\"Namespace\": \"x\"}"] {
        let mut out = Vec::new();
        gzip_to_vec(body, &mut out).expect("gzip");
        assert_eq!(gunzip(&out), body);
    }
    let mut small = [0u8; 12];
    assert_eq!(
        gzip_into(&[1u8; 1000], &mut small),
        Err(GzipError::OutputFull)
    );
}
