//! Unit tests: typed errors and the building blocks.

use super::*;
use crate::credentials::Credentials;
use crate::time::UnixTime;

fn creds() -> Credentials {
    Credentials::new(
        "AKIDEXAMPLE",
        "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        None,
        None,
    )
    .unwrap()
}

fn params(c: &Credentials) -> SigningParams<'_> {
    SigningParams {
        credentials: c,
        region: "us-east-1",
        service: "service",
        time: UnixTime::parse_amz_date("20150830T123600Z").unwrap(),
        settings: SigningSettings::for_service(),
    }
}

fn request<'a>(headers: &'a [(&'a str, &'a str)]) -> SignableRequest<'a> {
    SignableRequest {
        method: "GET",
        path: "/",
        query: "",
        headers,
        body: SignableBody::Bytes(b""),
    }
}

const HOST: (&str, &str) = ("host", "example.amazonaws.com");

#[test]
fn get_vanilla_signature() {
    let c = creds();
    let out = sign(&request(&[HOST]), &params(&c), &mut SigningKeyCache::new()).unwrap();
    assert_eq!(
        out.authorization(),
        "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, \
         SignedHeaders=host;x-amz-date, \
         Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"
    );
    assert_eq!(out.scope(), "20150830/us-east-1/service/aws4_request");
    assert_eq!(out.query_params().count(), 0);
}

#[test]
fn buffer_too_small() {
    let c = creds();
    let p = params(&c);
    let cr = CanonicalRequest::new(&request(&[HOST]), &p).unwrap();
    let mut small = [0u8; 16];
    assert_eq!(
        cr.write_into(&mut small),
        Err(SigningError::BufferTooSmall { capacity: 16 })
    );
    let mut big = [0u8; 512];
    assert!(cr.write_into(&mut big).is_ok());
    let sts = StringToSign::new(&cr);
    assert_eq!(
        sts.write_into(&mut small),
        Err(SigningError::BufferTooSmall { capacity: 16 })
    );
}

#[test]
fn too_many_headers() {
    let c = creds();
    let names: [&str; 40] = core::array::from_fn(|i| {
        const N: [&str; 40] = [
            "h00", "h01", "h02", "h03", "h04", "h05", "h06", "h07", "h08", "h09", "h10", "h11",
            "h12", "h13", "h14", "h15", "h16", "h17", "h18", "h19", "h20", "h21", "h22", "h23",
            "h24", "h25", "h26", "h27", "h28", "h29", "h30", "h31", "h32", "h33", "h34", "h35",
            "h36", "h37", "h38", "h39",
        ];
        N[i]
    });
    let mut headers = [HOST; 40];
    for (h, n) in headers.iter_mut().zip(names).skip(1) {
        *h = (n, "v");
    }
    assert_eq!(
        sign(&request(&headers), &params(&c), &mut SigningKeyCache::new()).unwrap_err(),
        SigningError::TooManyHeaders {
            max: MAX_SIGNED_HEADERS
        }
    );
    // Blacklisted headers do not count.
    let mut ok = [("user-agent", "x"); 40];
    ok[0] = HOST;
    assert!(sign(&request(&ok), &params(&c), &mut SigningKeyCache::new()).is_ok());
}

#[test]
fn bad_header_values_and_names() {
    let c = creds();
    let p = params(&c);
    let cache = &mut SigningKeyCache::new();
    for bad in ["a\r\nx-evil: 1", "nul\0", "bell\x07", "del\x7f"] {
        assert_eq!(
            sign(&request(&[HOST, ("x-a", bad)]), &p, cache).unwrap_err(),
            SigningError::InvalidHeaderValue { index: 1 }
        );
    }
    assert!(sign(&request(&[HOST, ("x-a", "tab\tok ሴ")]), &p, cache).is_ok());
    for bad in ["", "bad name", "colon:", "ሴ"] {
        assert_eq!(
            sign(&request(&[("x-a", "1"), HOST, (bad, "v")]), &p, cache).unwrap_err(),
            SigningError::InvalidHeaderName { index: 2 }
        );
    }
}

#[test]
fn other_refusals() {
    let c = creds();
    let cache = &mut SigningKeyCache::new();
    assert_eq!(
        sign(&request(&[("x-a", "1")]), &params(&c), cache).unwrap_err(),
        SigningError::MissingHost
    );
    let mut r = request(&[HOST]);
    r.method = "GE T";
    assert_eq!(
        sign(&r, &params(&c), cache).unwrap_err(),
        SigningError::InvalidMethod
    );
    let mut p = params(&c);
    p.region = "us/east";
    assert_eq!(
        sign(&request(&[HOST]), &p, cache).unwrap_err(),
        SigningError::InvalidRegion
    );
    let mut p = params(&c);
    p.service = "";
    assert_eq!(
        sign(&request(&[HOST]), &p, cache).unwrap_err(),
        SigningError::InvalidService
    );
    let mut p = params(&c);
    p.settings = SigningSettings::s3().presigned(604_801);
    assert_eq!(
        sign(&request(&[HOST]), &p, cache).unwrap_err(),
        SigningError::InvalidExpiry { secs: 604_801 }
    );
    let mut r = request(&[HOST]);
    r.body = SignableBody::Precomputed("has space");
    assert_eq!(
        sign(&r, &params(&c), cache).unwrap_err(),
        SigningError::InvalidPayloadHash
    );
    let mut p = params(&c);
    p.time = UnixTime::from_secs(253_402_300_800); // year 10000
    assert_eq!(
        sign(&request(&[HOST]), &p, cache).unwrap_err(),
        SigningError::TimeOutOfRange
    );
    let long = [b'h'; 300];
    let long = core::str::from_utf8(&long).unwrap();
    let headers = [HOST, (&long[..200], "1"), (&long[..250], "2"), (long, "3")];
    assert_eq!(
        sign(&request(&headers), &params(&c), cache).unwrap_err(),
        SigningError::SignedHeadersTooLong
    );
}

#[test]
fn key_cache_recomputes_only_on_change() {
    let c = creds();
    let mut p = params(&c);
    let cache = &mut SigningKeyCache::new();
    let a = sign(&request(&[HOST]), &p, cache).unwrap();
    let b = sign(&request(&[HOST]), &p, cache).unwrap();
    assert_eq!(cache.derivations(), 1);
    assert_eq!(a.signature(), b.signature());
    p.time = p.time.offset(60); // same day
    sign(&request(&[HOST]), &p, cache).unwrap();
    assert_eq!(cache.derivations(), 1);
    p.time = p.time.offset(86_400); // next day
    sign(&request(&[HOST]), &p, cache).unwrap();
    assert_eq!(cache.derivations(), 2);
    p.service = "s3";
    sign(&request(&[HOST]), &p, cache).unwrap();
    assert_eq!(cache.derivations(), 3);
    let other = Credentials::new("AKIDEXAMPLE", "another-secret", None, None).unwrap();
    p.credentials = &other;
    let d = sign(&request(&[HOST]), &p, cache).unwrap();
    assert_eq!(cache.derivations(), 4);
    let fresh = sign(&request(&[HOST]), &p, &mut SigningKeyCache::new()).unwrap();
    assert_eq!(d.signature(), fresh.signature());
}

#[test]
fn secrets_stay_out_of_debug() {
    extern crate std;
    use std::format;
    let c = Credentials::new("AKID", "SECRETSECRET", Some("TOKENTOKEN"), None).unwrap();
    let p = params(&c);
    let cache = &mut SigningKeyCache::new();
    let out = sign(&request(&[HOST]), &p, cache).unwrap();
    let shown = format!(
        "{out:?} {cache:?} {:?}",
        SigningKey::derive("SECRETSECRET", &p.time.amz_day(), "r", "s")
    );
    assert!(
        !shown.contains("SECRET") && !shown.contains("TOKEN"),
        "{shown}"
    );
}

#[test]
fn signing_structs_stay_small() {
    // Signing returns these by value; they hold references and indices, not
    // text (about 450 bytes each on 64-bit targets).
    assert!(core::mem::size_of::<CanonicalRequest<'_>>() <= 512);
    assert!(core::mem::size_of::<SigningOutput<'_>>() <= 512);
}

#[test]
fn digest_of_long_canonical_requests_streams() {
    use sha2::{Digest, Sha256};
    let c = creds();
    let p = params(&c);
    let long = [b'v'; 700];
    let long = core::str::from_utf8(&long).unwrap();
    for len in [0, 100, 300, 420, 450, 500, 700] {
        let headers = [HOST, ("x-long", &long[..len])];
        let cr = CanonicalRequest::new(&request(&headers), &p).unwrap();
        let mut buf = [0u8; 2048];
        let text = cr.write_into(&mut buf).unwrap();
        let want: [u8; 32] = Sha256::digest(text.as_bytes()).into();
        assert_eq!(cr.digest(), want, "value of {len} bytes");
    }
}
