//! The S3 chunked-upload example from the S3 API reference ("Signature
//! Calculations for the Authorization Header: Transferring Payload in Multiple
//! Chunks"): seed signature, the three chunk signatures and the encoded length.

use stratus_core::credentials::Credentials;
use stratus_core::sigv4::{
    ChunkSigner, SignableBody, SignableRequest, SigningKeyCache, SigningParams, SigningSettings,
    aws_chunked_encoded_len, sign,
};
use stratus_core::time::UnixTime;

const SEED: &str = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
const CHUNKS: [&str; 3] = [
    "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
    "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
    "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
];
const CHUNK_SIZE: usize = 64 * 1024;

#[test]
fn s3_chunked_upload_example() {
    let creds = Credentials::new(
        "AKIAIOSFODNN7EXAMPLE",
        "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
        None,
        None,
    )
    .unwrap();
    let params = SigningParams {
        credentials: &creds,
        region: "us-east-1",
        service: "s3",
        time: UnixTime::parse_amz_date("20130524T000000Z").unwrap(),
        settings: SigningSettings::s3(),
    };
    let decoded_len = 65_536 + 1_024;
    let encoded_len = aws_chunked_encoded_len(decoded_len, CHUNK_SIZE as u64).unwrap();
    assert_eq!(encoded_len, 66_824);
    let content_length = encoded_len.to_string();
    let decoded = decoded_len.to_string();
    let headers = [
        ("host", "s3.amazonaws.com"),
        ("x-amz-date", "20130524T000000Z"),
        ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
        ("content-encoding", "aws-chunked"),
        ("content-length", content_length.as_str()),
        ("x-amz-decoded-content-length", decoded.as_str()),
        ("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"),
    ];
    let request = SignableRequest {
        method: "PUT",
        path: "/examplebucket/chunkObject.txt",
        query: "",
        headers: &headers,
        body: SignableBody::StreamingAwsChunked,
    };
    let mut cache = SigningKeyCache::new();
    let seed = sign(&request, &params, &mut cache).unwrap();
    println!("seed signature {}", seed.signature());
    assert_eq!(seed.signature().as_str(), SEED);
    assert_eq!(
        seed.signed_headers(),
        "content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;\
         x-amz-decoded-content-length;x-amz-storage-class"
    );

    // Stream the body chunk by chunk through one chunk-sized buffer.
    let body = vec![b'a'; decoded_len as usize];
    let mut signer = ChunkSigner::from_params(&params, &seed, &mut cache);
    let mut frame = vec![0u8; CHUNK_SIZE + 128];
    let mut encoded = Vec::new();
    let mut signatures = Vec::new();
    for chunk in body.chunks(CHUNK_SIZE).chain([&[][..]]) {
        let n = signer.encode_chunk(chunk, &mut frame).unwrap();
        signatures.push(signer.previous_signature().as_str().to_string());
        encoded.extend_from_slice(&frame[..n]);
    }
    for (i, s) in signatures.iter().enumerate() {
        println!("chunk {i} signature {s}");
    }
    assert_eq!(signatures, CHUNKS);
    assert_eq!(encoded.len() as u64, encoded_len);
    assert_eq!(encoded.len(), 66_824);
    let first = format!("10000;chunk-signature={}\r\n", CHUNKS[0]);
    assert!(encoded.starts_with(first.as_bytes()));
    let last = format!("0;chunk-signature={}\r\n\r\n", CHUNKS[2]);
    assert!(encoded.ends_with(last.as_bytes()));
    assert_eq!(
        cache.derivations(),
        1,
        "the chunk signer reuses the cached key"
    );

    // The header-only form gives the same chain.
    let mut again = ChunkSigner::from_params(&params, &seed, &mut cache);
    let h = again.chunk_header(&body[..CHUNK_SIZE]);
    assert_eq!(h.signature().as_str(), CHUNKS[0]);
    assert_eq!(h.as_bytes(), first.as_bytes());

    // A frame buffer too small is a typed error, not a panic.
    let mut small = [0u8; 100];
    assert!(again.encode_chunk(&body[..1024], &mut small).is_err());
}
