//! Differential test: seeded, generated requests signed by stratus and by the
//! installed botocore (`SigV4Auth`, `S3SigV4Auth`, and their query forms
//! `SigV4QueryAuth`, `S3SigV4QueryAuth`) at the same frozen time must give the
//! same Authorization header or presigned query, byte for byte. All cases go to
//! one python process (tests/oracle/sigv4_oracle.py).
//!
//! The generator covers methods in any case; paths with unicode, spaces,
//! reserved characters, percent-escapes, empty and dot segments; queries with
//! repeated, empty and valueless keys; headers with odd spacing, case, unicode
//! whitespace, repeats and ones botocore never signs; empty, text and binary
//! bodies; unsigned payloads; session tokens; S3 and other services.
//! Set `STRATUS_SIGV4_CASES` to change the count, `STRATUS_SIGV4_SEED` the seed.

mod sigv4_common;

use sigv4_common::{json_opt, json_str, run_oracle};
use stratus_core::credentials::Credentials;
use stratus_core::sigv4::{
    CanonicalRequest, PercentEncoded, SignableBody, SignableRequest, SigningKeyCache,
    SigningParams, SigningSettings, sign,
};
use stratus_core::time::UnixTime;

/// splitmix64: small, seeded, reproducible.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
    fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }
}

const PATH_SEGMENTS: &[&str] = &[
    "a",
    "bucket",
    "key.txt",
    "b c",
    "ሴ",
    "émoji😀",
    "%20",
    "%2F",
    "%41",
    "100%",
    ".",
    "..",
    "",
    "x~y",
    "!$&'()*+,;=:@",
    "-_.",
    "[brackets]",
    "a\"quote",
    "tab-less^`{}|",
];
const QUERY_KEYS: &[&str] = &[
    "a",
    "b",
    "Param",
    "param",
    "",
    "ሴ",
    "%E1%88%B4",
    "x-id",
    "list-type",
    "a+b",
    "key%20sp",
];
const QUERY_VALUES: &[&str] = &[
    "1", "", "value", "a=b", "%2F", "ሴ", "sp ace", "+", "~.-_", "Z", "%", "UPPER",
];
const HEADER_NAMES: &[&str] = &[
    "x-amz-meta-a",
    "X-Amz-Meta-A",
    "content-type",
    "Content-Type",
    "x-custom",
    "My-Header",
    "user-agent",
    "expect",
    "X-Amzn-Trace-Id",
    "transfer-encoding",
    "x-amz-date",
    "Authorization",
    "x-amz-security-token",
    "content-md5",
    "accept",
    "x-amz-target",
    "Content-Length",
    "x-amz-content-sha256",
];
const HEADER_VALUE_PARTS: &[&str] = &[
    "v",
    "value1",
    " ",
    "  ",
    "\t",
    "a  b",
    ",",
    "\"q\"",
    "ሴ",
    "\u{a0}",
    "\u{3000}",
    "application/json",
    "x=1;y=2",
    "Mixed Case",
    "",
];
const METHODS: &[&str] = &[
    "GET", "PUT", "POST", "DELETE", "HEAD", "PATCH", "get", "Post",
];
const SERVICES: &[&str] = &["service", "kinesis", "execute-api", "dynamodb", "iam"];
const REGIONS: &[&str] = &["us-east-1", "eu-west-3", "ap-southeast-2", "cn-north-1"];
const HOSTS: &[&str] = &[
    "example.amazonaws.com",
    "s3.amazonaws.com",
    "127.0.0.1:4566",
    "Bucket.S3.Amazonaws.com",
];

struct Case {
    method: String,
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    s3: bool,
    unsigned: bool,
    presign_expires: Option<u32>,
    service: String,
    region: String,
    token: Option<String>,
    time: UnixTime,
    host: String,
}

fn gen_path(rng: &mut Rng) -> String {
    let mut p = String::new();
    for _ in 0..rng.below(6) {
        p.push('/');
        p.push_str(rng.pick(PATH_SEGMENTS));
    }
    if p.is_empty() || rng.chance(20) {
        p.push('/');
    }
    p
}

fn gen_query(rng: &mut Rng, presign: bool) -> String {
    if rng.chance(40) {
        return String::new();
    }
    let n = 1 + rng.below(5);
    let mut parts: Vec<String> = Vec::new();
    if presign {
        // Presigning re-encodes the request's own parameters (botocore parses
        // them into a dict), so they are given in canonical form, keys unique.
        for i in 0..n {
            let v = rng.pick(QUERY_VALUES);
            parts.push(format!(
                "k{i}{}={}",
                rng.below(10),
                PercentEncoded::new(v, false)
            ));
        }
        parts.sort();
        parts.dedup_by(|a, b| a.split('=').next() == b.split('=').next());
        return parts.join("&");
    }
    for _ in 0..n {
        let k = rng.pick(QUERY_KEYS);
        match rng.below(10) {
            0 => parts.push(k.to_string()),
            1 => parts.push(String::new()),
            _ => parts.push(format!("{k}={}", rng.pick(QUERY_VALUES))),
        }
    }
    parts.join("&")
}

fn gen_value(rng: &mut Rng) -> String {
    (0..rng.below(5))
        .map(|_| rng.pick(HEADER_VALUE_PARTS))
        .collect()
}

fn gen_case(rng: &mut Rng) -> Case {
    let s3 = rng.chance(40);
    let presign_expires = rng.chance(20).then(|| 1 + rng.below(604_800) as u32);
    let unsigned = presign_expires.is_none() && rng.chance(15);
    let host = rng.pick(HOSTS).to_string();
    let mut headers = vec![(
        rng.pick(&["host", "Host", "HOST"]).to_string(),
        host.clone(),
    )];
    for _ in 0..rng.below(9) {
        let name = rng.pick(HEADER_NAMES);
        let value = if name.eq_ignore_ascii_case("x-amz-content-sha256") && rng.chance(50) {
            "0123abcd".repeat(8)
        } else {
            gen_value(rng)
        };
        headers.push((name.to_string(), value));
    }
    // Shuffle so repeats and the host land anywhere.
    for i in (1..headers.len()).rev() {
        let j = rng.below(i + 1);
        headers.swap(i, j);
    }
    // A presigned request has no body (botocore would move it into the query).
    let body = match if presign_expires.is_some() {
        0
    } else {
        rng.below(3)
    } {
        0 => Vec::new(),
        1 => (0..rng.below(300)).map(|_| rng.next() as u8).collect(),
        _ => format!(
            "{{\"Data\":\"{}\",\"n\":{}}}",
            "x".repeat(rng.below(200)),
            rng.next()
        )
        .into_bytes(),
    };
    let token = rng.chance(30).then(|| {
        let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
        (0..20 + rng.below(600))
            .map(|_| alphabet[rng.below(alphabet.len())] as char)
            .collect()
    });
    Case {
        method: rng.pick(METHODS).to_string(),
        path: gen_path(rng),
        query: gen_query(rng, presign_expires.is_some()),
        headers,
        body,
        s3,
        unsigned,
        presign_expires,
        service: if s3 {
            "s3".into()
        } else {
            rng.pick(SERVICES).into()
        },
        region: rng.pick(REGIONS).to_string(),
        token,
        // 2000-01-01 .. 2037-12-31
        time: UnixTime::from_secs(946_684_800 + rng.next() % 1_198_000_000),
        host,
    }
}

fn to_json(c: &Case) -> String {
    let url = format!(
        "https://{}{}{}{}",
        c.host,
        c.path,
        if c.query.is_empty() { "" } else { "?" },
        c.query
    );
    let headers: Vec<String> = c
        .headers
        .iter()
        .map(|(n, v)| format!("[{},{}]", json_str(n), json_str(v)))
        .collect();
    let body_hex: String = c.body.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        r#"{{"method":{},"url":{},"headers":[{}],"body_hex":"{}","s3":{},"unsigned":{},"presign_expires":{},"service":{},"region":{},"token":{},"time":{}}}"#,
        json_str(&c.method),
        json_str(&url),
        headers.join(","),
        body_hex,
        c.s3,
        c.unsigned,
        c.presign_expires
            .map(|e| e.to_string())
            .unwrap_or_else(|| "null".into()),
        json_str(&c.service),
        json_str(&c.region),
        json_opt(c.token.as_deref()),
        json_str(c.time.amz_date().as_str()),
    )
}

/// stratus's answer: the Authorization header, or the full presigned query; and
/// the canonical request for diagnostics.
fn stratus_sign(c: &Case, cache: &mut SigningKeyCache) -> Result<(String, String), String> {
    let creds = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        c.token.as_deref(),
        None,
    )
    .map_err(|e| e.to_string())?;
    let mut settings = if c.s3 {
        SigningSettings::s3()
    } else {
        SigningSettings::for_service()
    };
    if let Some(e) = c.presign_expires {
        settings = settings.presigned(e);
    }
    let params = SigningParams {
        credentials: &creds,
        region: &c.region,
        service: &c.service,
        time: c.time,
        settings,
    };
    let headers: Vec<(&str, &str)> = c
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    let body = if c.unsigned || (c.s3 && c.presign_expires.is_some()) {
        SignableBody::Unsigned
    } else {
        SignableBody::Bytes(&c.body)
    };
    let request = SignableRequest {
        method: &c.method,
        path: &c.path,
        query: &c.query,
        headers: &headers,
        body,
    };
    let mut buf = vec![0u8; 16384];
    let creq = CanonicalRequest::new(&request, &params)
        .and_then(|cr| cr.write_into(&mut buf).map(str::to_string))
        .map_err(|e| e.to_string())?;
    let out = sign(&request, &params, cache).map_err(|e| e.to_string())?;
    let answer = if c.presign_expires.is_some() {
        let mut q = vec![0u8; 16384];
        let auth = out.write_query(&mut q).map_err(|e| e.to_string())?;
        if c.query.is_empty() {
            auth.to_string()
        } else {
            format!("{}&{auth}", c.query)
        }
    } else {
        out.authorization().to_string()
    };
    Ok((answer, creq))
}

#[test]
fn signatures_match_botocore() {
    let count: usize = std::env::var("STRATUS_SIGV4_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1500);
    let seed: u64 = std::env::var("STRATUS_SIGV4_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x5157_4a54_5241_5455);
    let mut rng = Rng(seed);
    let cases: Vec<Case> = (0..count).map(|_| gen_case(&mut rng)).collect();
    let json: Vec<String> = cases.iter().map(to_json).collect();
    let started = std::time::Instant::now();
    let expected = run_oracle("sign", &json);
    let oracle_time = started.elapsed();

    let mut cache = SigningKeyCache::new();
    let mut mismatches = 0;
    let (mut s3, mut presigned, mut unsigned, mut tokens) = (0, 0, 0, 0);
    for (i, (c, line)) in cases.iter().zip(&expected).enumerate() {
        s3 += c.s3 as usize;
        presigned += c.presign_expires.is_some() as usize;
        unsigned += c.unsigned as usize;
        tokens += c.token.is_some() as usize;
        let (want, want_creq) = line.split_once('\t').unwrap_or((line.as_str(), ""));
        let want_creq = want_creq.replace("\\n", "\n").replace("\\\\", "\\");
        match stratus_sign(c, &mut cache) {
            Ok((got, _)) if got == want => {}
            Ok((got, creq)) => {
                mismatches += 1;
                if mismatches <= 5 {
                    println!(
                        "MISMATCH case {i}: {}\n  stratus:  {got}\n  botocore: {want}\n--- stratus creq:\n{creq}\n--- botocore creq:\n{want_creq}\n",
                        json[i]
                    );
                }
            }
            Err(e) => {
                mismatches += 1;
                println!("ERROR case {i}: {e}: {}", json[i]);
            }
        }
    }
    println!(
        "sigv4 differential vs botocore: {} compared ({s3} S3, {presigned} presigned, {unsigned} unsigned payload, {tokens} with session token), {mismatches} mismatches; oracle took {:.2?}",
        cases.len(),
        oracle_time
    );
    assert!(cases.len() >= 1000 || std::env::var("STRATUS_SIGV4_CASES").is_ok());
    assert_eq!(mismatches, 0);
}
