//! How to sign: [`SigningParams`], [`SigningSettings`] and [`SignatureLocation`].

use crate::credentials::Credentials;
use crate::time::UnixTime;

/// Where the signature goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SignatureLocation {
    /// An `Authorization` header (plus `x-amz-date` and friends).
    Headers,
    /// Query parameters: a presigned URL valid for `expires_secs` seconds
    /// (`X-Amz-Expires`, 1..=604800).
    QueryString {
        /// Lifetime of the URL in seconds.
        expires_secs: u32,
    },
}

/// The per-service rules of SigV4, as botocore's `SigV4Auth` (most services)
/// and `S3SigV4Auth` (S3) apply them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SigningSettings {
    /// Remove `.`/`..` segments and repeated `/` from the path before signing
    /// (RFC 3986 5.2.4). Not for S3, where `a//b` and `a/./b` are distinct keys.
    pub normalize_path: bool,
    /// Percent-encode the (already encoded) path once more, so `%20` is signed as
    /// `%2520`. Not for S3.
    pub double_encode_path: bool,
    /// Add and sign `x-amz-content-sha256` with the payload hash (S3 requires it).
    pub payload_hash_header: bool,
    /// Authorization header or presigned query.
    pub location: SignatureLocation,
}

impl SigningSettings {
    /// The rules for every service but S3: normalise and double-encode the path,
    /// no payload-hash header, signature in the `Authorization` header.
    pub const fn for_service() -> Self {
        SigningSettings {
            normalize_path: true,
            double_encode_path: true,
            payload_hash_header: false,
            location: SignatureLocation::Headers,
        }
    }

    /// S3's rules: the path signed exactly as sent, and `x-amz-content-sha256`
    /// added and signed.
    pub const fn s3() -> Self {
        SigningSettings {
            normalize_path: false,
            double_encode_path: false,
            payload_hash_header: true,
            location: SignatureLocation::Headers,
        }
    }

    /// These rules, but signing into the query string (a presigned URL) that
    /// expires after `expires_secs` seconds.
    pub const fn presigned(self, expires_secs: u32) -> Self {
        SigningSettings {
            location: SignatureLocation::QueryString { expires_secs },
            ..self
        }
    }
}

impl Default for SigningSettings {
    fn default() -> Self {
        Self::for_service()
    }
}

/// Who signs, for which region and service, when, and under which rules.
#[derive(Clone, Copy, Debug)]
pub struct SigningParams<'a> {
    /// The credentials (their session token, if any, is added to the request).
    pub credentials: &'a Credentials,
    /// Region of the credential scope, e.g. `us-east-1`.
    pub region: &'a str,
    /// Signing name of the service, e.g. `s3`, `kinesis`.
    pub service: &'a str,
    /// Signing time.
    pub time: UnixTime,
    /// Per-service rules and signature location.
    pub settings: SigningSettings,
}
