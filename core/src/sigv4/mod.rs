//! AWS Signature Version 4, without a heap.
//!
//! Signing runs in three named steps, each public so tests can compare them
//! byte for byte with the AWS test suite and botocore:
//!
//! 1. [`CanonicalRequest`]: method, canonical path, sorted query, trimmed and
//!    sorted headers, signed header list, payload hash. Streamed into SHA-256
//!    (never materialised) when signing; [`CanonicalRequest::write_into`] writes
//!    it into a buffer for inspection.
//! 2. [`StringToSign`]: algorithm, date, credential scope, canonical request hash.
//! 3. [`Signature`]: HMAC of the string to sign under the derived
//!    [`SigningKey`], which a caller-owned [`SigningKeyCache`] keeps per
//!    (credentials, day, region, service).
//!
//! [`sign`] runs all three and returns a [`SigningOutput`] holding the headers
//! (or presigned query parameters) to add. The per-service rules follow
//! botocore 1.43: [`SigningSettings::for_service`] is `SigV4Auth` (path
//! normalised and encoded a second time), [`SigningSettings::s3`] is
//! `S3SigV4Auth` (path as sent, `x-amz-content-sha256` signed), and
//! [`SigningSettings::presigned`] turns either into the query-string form.
//! S3's aws-chunked uploads are signed chunk by chunk by [`ChunkSigner`].
//!
//! Differences from botocore, by design: the caller supplies the `host` header
//! (botocore derives it from the URL); an empty path is signed as `/`; a
//! caller's `Date` header is signed as given and `x-amz-date` is still added
//! (botocore would rewrite `Date` and omit `x-amz-date`).

mod canonical;
mod chunked;
mod encode;
mod error;
mod hash;
mod key;
mod names;
mod output;
pub mod post;
mod request;
mod settings;
mod signature;

pub use canonical::CanonicalRequest;
pub use chunked::{CHUNK_HEADER_CAPACITY, ChunkHeader, ChunkSigner, aws_chunked_encoded_len};
pub(crate) use encode::put_percent_encoded;
pub use encode::{PercentEncoded, Sink, SliceWriter};
pub use error::SigningError;
pub use key::{SigningKey, SigningKeyCache};
pub use output::{OutputText, SigningOutput};
pub use request::{
    EMPTY_SHA256, STREAMING_PAYLOAD, SignableBody, SignableRequest, UNSIGNED_PAYLOAD,
};
pub use settings::{SignatureLocation, SigningParams, SigningSettings};
pub use signature::{ALGORITHM, Signature, StringToSign};

/// Most headers one request may sign (including those the signer adds).
pub const MAX_SIGNED_HEADERS: usize = 32;
/// Longest region or service signing name accepted.
pub const MAX_SCOPE_PART: usize = 63;
/// Capacity of the credential scope, `<day>/<region>/<service>/aws4_request`.
pub const SCOPE_CAPACITY: usize = 8 + 1 + MAX_SCOPE_PART + 1 + MAX_SCOPE_PART + 13;
/// Capacity of `<access key id>/<scope>`.
pub const CREDENTIAL_CAPACITY: usize =
    crate::credentials::ACCESS_KEY_ID_CAPACITY + 1 + SCOPE_CAPACITY;
/// Capacity of the `;`-joined signed header names.
pub const SIGNED_HEADERS_CAPACITY: usize = 512;
/// Capacity of the `Authorization` value (always enough for the parts above).
pub const AUTHORIZATION_CAPACITY: usize =
    28 + CREDENTIAL_CAPACITY + 16 + SIGNED_HEADERS_CAPACITY + 12 + 64;

/// Signs `request`: canonical request, string to sign, signature, then the
/// headers or query parameters to add.
///
/// The signing key comes from `cache` (derived and stored on a miss). Nothing
/// is allocated; every refusal is a [`SigningError`].
///
/// ```
/// use stratus_core::credentials::Credentials;
/// use stratus_core::sigv4::{sign, SignableBody, SignableRequest, SigningKeyCache, SigningParams, SigningSettings};
/// use stratus_core::time::UnixTime;
///
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None)
///     .expect("valid credentials");
/// let params = SigningParams {
///     credentials: &creds,
///     region: "us-east-1",
///     service: "service",
///     time: UnixTime::parse_amz_date("20150830T123600Z").unwrap(),
///     settings: SigningSettings::for_service(),
/// };
/// let request = SignableRequest {
///     method: "GET",
///     path: "/",
///     query: "",
///     headers: &[("Host", "example.amazonaws.com")],
///     body: SignableBody::Bytes(b""),
/// };
/// let mut cache = SigningKeyCache::new();
/// let out = sign(&request, &params, &mut cache)?;
/// // The AWS test suite's get-vanilla case:
/// assert_eq!(out.signature().as_str(),
///            "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
/// for (name, value) in out.headers() {
///     // set `name: value` on the outgoing request
///     # let _ = (name, value);
/// }
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[inline]
pub fn sign<'a>(
    request: &SignableRequest<'a>,
    params: &SigningParams<'a>,
    cache: &mut SigningKeyCache,
) -> Result<SigningOutput<'a>, SigningError> {
    signed(CanonicalRequest::new(request, params)?, params, cache)
}

/// [`sign`] with the signature in the headers, whatever
/// `params.settings.location` says: every call the pipeline sends
/// (presigning uses [`sign`]). The query-string paths are not compiled into
/// it, which keeps them out of a device's flash.
pub(crate) fn sign_in_headers<'a>(
    request: &SignableRequest<'a>,
    params: &SigningParams<'a>,
    cache: &mut SigningKeyCache,
) -> Result<SigningOutput<'a>, SigningError> {
    let params = SigningParams {
        settings: SigningSettings {
            location: SignatureLocation::Headers,
            ..params.settings
        },
        ..*params
    };
    signed(
        CanonicalRequest::in_headers(request, &params)?,
        &params,
        cache,
    )
}

/// Steps 2 and 3: the string to sign and the signature.
#[inline]
fn signed<'a, const QUERY: bool>(
    canonical: CanonicalRequest<'a, QUERY>,
    params: &SigningParams<'a>,
    cache: &mut SigningKeyCache,
) -> Result<SigningOutput<'a>, SigningError> {
    let string_to_sign = StringToSign::new(&canonical);
    let key = cache.get_for_day(
        params.credentials,
        canonical.day(),
        params.region,
        params.service,
    );
    let signature = string_to_sign.sign(key);
    SigningOutput::new(&canonical, params.settings.location, signature)
}

#[cfg(test)]
mod tests;
