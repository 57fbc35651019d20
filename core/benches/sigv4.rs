//! ns per SigV4 signature of a Kinesis PutRecord-sized request (220-byte JSON
//! body, 4 headers), with the signing key cached and not, next to the floor:
//! the raw SHA-256/HMAC work the same signature needs (hash the body, hash the
//! canonical request, HMAC the string to sign; plus the 4 key-derivation HMACs
//! for the uncached floor).
//!
//! `cargo bench -p stratus-core --bench sigv4 -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use stratus_core::credentials::Credentials;
use stratus_core::sigv4::{
    CanonicalRequest, SignableBody, SignableRequest, SigningKeyCache, SigningParams,
    SigningSettings, StringToSign, sign,
};
use stratus_core::time::UnixTime;

const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";

fn body() -> Vec<u8> {
    let mut b = br#"{"StreamName":"sensor-stream","PartitionKey":"device-0042","Data":""#.to_vec();
    while b.len() < 218 {
        b.push(b'Q');
    }
    b.extend_from_slice(b"\"}");
    b
}

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    m.update(msg);
    m.finalize().into_bytes().into()
}

fn bench(c: &mut Criterion) {
    let body = body();
    assert_eq!(body.len(), 220);
    let creds = Credentials::new("AKIDEXAMPLE", SECRET, None, None).unwrap();
    let time = UnixTime::parse_amz_date("20150830T123600Z").unwrap();
    let params = SigningParams {
        credentials: &creds,
        region: "us-east-1",
        service: "kinesis",
        time,
        settings: SigningSettings::for_service(),
    };
    let headers = [
        ("host", "kinesis.us-east-1.amazonaws.com"),
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", "Kinesis_20131202.PutRecord"),
        ("x-amz-date", "20150830T123600Z"),
    ];
    let request = SignableRequest {
        method: "POST",
        path: "/",
        query: "",
        headers: &headers,
        body: SignableBody::Bytes(&body),
    };

    // The exact texts the signature hashes, for the floor.
    let cr = CanonicalRequest::new(&request, &params).unwrap();
    let mut buf = [0u8; 1024];
    let creq = cr.write_into(&mut buf).unwrap().as_bytes().to_vec();
    let mut buf2 = [0u8; 256];
    let sts = StringToSign::new(&cr)
        .write_into(&mut buf2)
        .unwrap()
        .as_bytes()
        .to_vec();
    let k_signing = {
        let k = hmac(format!("AWS4{SECRET}").as_bytes(), b"20150830");
        let k = hmac(&k, b"us-east-1");
        let k = hmac(&k, b"kinesis");
        hmac(&k, b"aws4_request")
    };

    let mut g = c.benchmark_group("sigv4_kinesis_put_record");
    let mut cache = SigningKeyCache::new();
    g.bench_function("sign_key_cached", |b| {
        b.iter(|| {
            let out = sign(black_box(&request), black_box(&params), &mut cache).unwrap();
            black_box(*out.signature())
        })
    });
    g.bench_function("floor_key_cached", |b| {
        b.iter(|| {
            let h1 = Sha256::digest(black_box(&body));
            let h2 = Sha256::digest(black_box(&creq));
            let sig = hmac(black_box(&k_signing), black_box(&sts));
            black_box((h1, h2, sig))
        })
    });
    g.bench_function("sign_key_uncached", |b| {
        b.iter(|| {
            let mut fresh = SigningKeyCache::new();
            let out = sign(black_box(&request), black_box(&params), &mut fresh).unwrap();
            black_box(*out.signature())
        })
    });
    let aws4_secret = format!("AWS4{SECRET}").into_bytes();
    g.bench_function("floor_key_uncached", |b| {
        b.iter(|| {
            let h1 = Sha256::digest(black_box(&body));
            let h2 = Sha256::digest(black_box(&creq));
            let k = hmac(black_box(&aws4_secret), b"20150830");
            let k = hmac(&k, b"us-east-1");
            let k = hmac(&k, b"kinesis");
            let k = hmac(&k, b"aws4_request");
            let sig = hmac(&k, black_box(&sts));
            black_box((h1, h2, sig))
        })
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
