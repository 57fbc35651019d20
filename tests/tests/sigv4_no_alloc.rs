//! Signing allocates nothing: a counting global allocator sees zero heap
//! allocations while requests are signed in header and presigned form and an
//! aws-chunked body is signed chunk by chunk. Its own test binary, so no other
//! test's allocations are counted.

use stratus_core::credentials::Credentials;
use stratus_core::sigv4::{
    ChunkSigner, SignableBody, SignableRequest, SigningKeyCache, SigningParams, SigningSettings,
    SliceWriter, sign,
};
use stratus_core::time::UnixTime;

#[global_allocator]
static GLOBAL: stratus_tests::CountingAllocator = stratus_tests::CountingAllocator;

use stratus_tests::allocations_during;

#[test]
fn signing_makes_no_heap_allocation() {
    // Sanity: the counter sees a real allocation.
    let counted = allocations_during(|| {
        let v: Vec<u8> = std::hint::black_box(Vec::with_capacity(64));
        drop(v);
    });
    assert!(counted >= 1, "the counting allocator does not count");

    // Everything the signer reads is built before counting starts.
    let creds = Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        Some("session-token+/="),
        None,
    )
    .unwrap();
    let body = [b'x'; 220];
    let chunk = [b'a'; 4096];
    let headers = [
        ("host", "kinesis.us-east-1.amazonaws.com"),
        ("content-type", "application/x-amz-json-1.1"),
        ("x-amz-target", "Kinesis_20131202.PutRecord"),
        ("X-Custom", "  odd   spacing "),
    ];
    let time = UnixTime::parse_amz_date("20150830T123600Z").unwrap();
    let mut cache = SigningKeyCache::new();
    let mut query_buf = [0u8; 2048];
    let mut frame = [0u8; 4096 + 128];
    let mut results = [[0u8; 64]; 4];

    let n = allocations_during(|| {
        // Header form, non-S3, body hashed.
        let params = SigningParams {
            credentials: &creds,
            region: "us-east-1",
            service: "kinesis",
            time,
            settings: SigningSettings::for_service(),
        };
        let req = SignableRequest {
            method: "POST",
            path: "/a/./b/../c d",
            query: "b=2&a=1&a=",
            headers: &headers,
            body: SignableBody::Bytes(&body),
        };
        let out = sign(&req, &params, &mut cache).expect("header signing");
        results[0] = *out.signature().as_bytes();
        assert!(out.headers().count() == 3);

        // Presigned S3 GET.
        let params = SigningParams {
            settings: SigningSettings::s3().presigned(3600),
            service: "s3",
            ..params
        };
        let req = SignableRequest {
            method: "GET",
            path: "/bucket/key%20name",
            query: "versionId=3",
            headers: &headers[..1],
            body: SignableBody::Unsigned,
        };
        let out = sign(&req, &params, &mut cache).expect("presigning");
        let q = out.write_query(&mut query_buf).expect("query");
        assert!(q.contains("X-Amz-Signature="));
        results[1] = *out.signature().as_bytes();

        // aws-chunked upload: seed, then chunks.
        let params = SigningParams {
            settings: SigningSettings::s3(),
            ..params
        };
        let req = SignableRequest {
            method: "PUT",
            path: "/bucket/big",
            query: "",
            headers: &headers[..1],
            body: SignableBody::StreamingAwsChunked,
        };
        let seed = sign(&req, &params, &mut cache).expect("seed");
        let mut chunks = ChunkSigner::from_params(&params, &seed, &mut cache);
        for _ in 0..3 {
            let written = chunks.encode_chunk(&chunk, &mut frame).expect("chunk");
            assert!(written > chunk.len());
        }
        chunks.encode_final(&mut frame).expect("final chunk");
        results[2] = *chunks.previous_signature().as_bytes();

        // The canonical request written into a caller buffer.
        let mut w = SliceWriter::new(&mut query_buf);
        let cr = stratus_core::sigv4::CanonicalRequest::new(&req, &params).expect("canonical");
        cr.write_to(&mut w).expect("write");
        results[3][..1].copy_from_slice(&[w.len() as u8]);
    });
    assert_eq!(n, 0, "signing made {n} heap allocations");
    assert!(
        results
            .iter()
            .take(3)
            .all(|r| r.iter().all(u8::is_ascii_hexdigit))
    );
    println!("heap allocations while signing (header, presigned, 3 chunks + final): {n}");
}
