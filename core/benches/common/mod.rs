//! The workload both SigV4 benches measure: a Kinesis PutRecord-sized request
//! (220-byte JSON body, 4 headers) and the floor, the raw SHA-256/HMAC work its
//! signature needs (hash the body, hash the canonical request, HMAC the string
//! to sign; plus the 4 key-derivation HMACs when the key is not cached).
//!
//! Shared so that the criterion bench (`sigv4`) and the instruction-count bench
//! (`sigv4_insns`) time exactly the same calls.

use std::hint::black_box;

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};
use stratus_core::credentials::Credentials;
use stratus_core::sigv4::{
    CanonicalRequest, SignableBody, SignableRequest, Signature, SigningKeyCache, SigningParams,
    SigningSettings, StringToSign, sign,
};
use stratus_core::time::UnixTime;

const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
const REGION: &str = "us-east-1";
const SERVICE: &str = "kinesis";
const DATE: &str = "20150830T123600Z";
const HEADERS: [(&str, &str); 4] = [
    ("host", "kinesis.us-east-1.amazonaws.com"),
    ("content-type", "application/x-amz-json-1.1"),
    ("x-amz-target", "Kinesis_20131202.PutRecord"),
    ("x-amz-date", DATE),
];

/// Owned inputs of the workload; requests and params borrow from it.
pub struct Fixture {
    body: Vec<u8>,
    creds: Credentials,
    time: UnixTime,
    /// The canonical request text the signature hashes.
    creq: Vec<u8>,
    /// The string to sign.
    sts: Vec<u8>,
    /// `"AWS4" + secret`, the first derivation key.
    aws4_secret: Vec<u8>,
    /// The derived signing key.
    k_signing: [u8; 32],
}

fn hmac(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("any key length");
    m.update(msg);
    m.finalize().into_bytes().into()
}

impl Fixture {
    pub fn new() -> Self {
        let mut body =
            br#"{"StreamName":"sensor-stream","PartitionKey":"device-0042","Data":""#.to_vec();
        while body.len() < 218 {
            body.push(b'Q');
        }
        body.extend_from_slice(b"\"}");
        assert_eq!(body.len(), 220);
        let creds = Credentials::new(ACCESS_KEY_ID, SECRET, None, None).expect("valid keys");
        let time = UnixTime::parse_amz_date(DATE).expect("valid date");
        let aws4_secret = format!("AWS4{SECRET}").into_bytes();
        let k_signing = {
            let k = hmac(&aws4_secret, &DATE.as_bytes()[..8]);
            let k = hmac(&k, REGION.as_bytes());
            let k = hmac(&k, SERVICE.as_bytes());
            hmac(&k, b"aws4_request")
        };
        let mut f = Fixture {
            body,
            creds,
            time,
            creq: Vec::new(),
            sts: Vec::new(),
            aws4_secret,
            k_signing,
        };
        // The exact texts the signature covers, for the floor.
        let (creq, sts) = {
            let request = f.request();
            let params = f.params();
            let cr = CanonicalRequest::new(&request, &params).expect("signable");
            let mut buf = [0u8; 1024];
            let creq = cr.write_into(&mut buf).expect("fits").as_bytes().to_vec();
            let mut buf = [0u8; 256];
            let sts = StringToSign::new(&cr)
                .write_into(&mut buf)
                .expect("fits")
                .as_bytes()
                .to_vec();
            (creq, sts)
        };
        f.creq = creq;
        f.sts = sts;
        // The floor must compute the very signature the signer does.
        let signed = f.sign(&mut SigningKeyCache::new());
        assert_eq!(signed, Signature::from_digest(&f.floor_key_cached()));
        assert_eq!(signed, Signature::from_digest(&f.floor_key_uncached()));
        f
    }

    pub fn params(&self) -> SigningParams<'_> {
        SigningParams {
            credentials: &self.creds,
            region: REGION,
            service: SERVICE,
            time: self.time,
            settings: SigningSettings::for_service(),
        }
    }

    pub fn request(&self) -> SignableRequest<'_> {
        SignableRequest {
            method: "POST",
            path: "/",
            query: "",
            headers: &HEADERS,
            body: SignableBody::Bytes(&self.body),
        }
    }

    /// One signature through `cache` (cached when it already holds the key).
    #[inline(never)]
    pub fn sign(&self, cache: &mut SigningKeyCache) -> Signature {
        let out =
            sign(black_box(&self.request()), black_box(&self.params()), cache).expect("signable");
        *out.signature()
    }

    /// One signature with a fresh cache: the key is derived every time.
    #[inline(never)]
    pub fn sign_key_uncached(&self) -> Signature {
        self.sign(&mut SigningKeyCache::new())
    }

    /// The floor with the signing key known: the raw signature bytes (not hex).
    #[inline(never)]
    pub fn floor_key_cached(&self) -> [u8; 32] {
        let h1 = Sha256::digest(black_box(&self.body));
        let h2 = Sha256::digest(black_box(&self.creq));
        black_box((h1, h2));
        hmac(black_box(&self.k_signing), black_box(&self.sts))
    }

    /// The floor deriving the signing key first: the raw signature bytes.
    #[inline(never)]
    pub fn floor_key_uncached(&self) -> [u8; 32] {
        let h1 = Sha256::digest(black_box(&self.body));
        let h2 = Sha256::digest(black_box(&self.creq));
        black_box((h1, h2));
        let k = hmac(black_box(&self.aws4_secret), &DATE.as_bytes()[..8]);
        let k = hmac(&k, REGION.as_bytes());
        let k = hmac(&k, SERVICE.as_bytes());
        let k = hmac(&k, b"aws4_request");
        hmac(&k, black_box(&self.sts))
    }
}
