//! Who signed what, without a heap: the server's chain walked from its leaf
//! to the trusted CA, and the TLS 1.3 handshake signature checked with the
//! leaf's key.
//!
//! Keys: EC P-256 always, EC P-384 with the `p384` feature, RSA (2048 to
//! 4096 bits) with the `rsa` feature. Certificate signatures: ECDSA with
//! SHA-256 (and SHA-384 with either feature), RSA PKCS #1 v1.5 with
//! SHA-256/384/512. Handshake signatures: the TLS 1.3 schemes for those
//! keys (ECDSA on the key's own curve, RSA-PSS).

use embedded_tls::{CertificateEntryRef, SignatureScheme};
use p256::ecdsa::signature::hazmat::PrehashVerifier;
use sha2::{Digest, Sha256};
use stratus_core::client::CertificateError;
use stratus_core::time::UnixTime;

use crate::der::{self, CertFields};

// Object identifiers, content bytes (RFC 5480, RFC 8017, RFC 5758).
const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const SECP256R1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
#[cfg(feature = "p384")]
const SECP384R1: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
#[cfg(feature = "rsa")]
const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
const ECDSA_WITH_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
#[cfg(any(feature = "p384", feature = "rsa"))]
const ECDSA_WITH_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
#[cfg(feature = "rsa")]
const SHA256_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
#[cfg(feature = "rsa")]
const SHA384_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c];
#[cfg(feature = "rsa")]
const SHA512_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d];

/// The hash a signature is made over.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Hash {
    Sha256,
    #[cfg(any(feature = "p384", feature = "rsa"))]
    Sha384,
    #[cfg(feature = "rsa")]
    Sha512,
}

/// A digest, `len` bytes of `bytes`.
pub(crate) struct Digested {
    bytes: [u8; 64],
    len: usize,
}

impl Digested {
    pub(crate) fn as_slice(&self) -> &[u8] {
        &self.bytes[..self.len]
    }
}

/// `message`'s digest under `hash`.
pub(crate) fn digest(hash: Hash, message: &[u8]) -> Digested {
    fn of<D: Digest>(message: &[u8]) -> Digested {
        let d = D::digest(message);
        let mut bytes = [0u8; 64];
        let len = d.len().min(64);
        bytes[..len].copy_from_slice(&d[..len]);
        Digested { bytes, len }
    }
    match hash {
        Hash::Sha256 => of::<Sha256>(message),
        #[cfg(any(feature = "p384", feature = "rsa"))]
        Hash::Sha384 => of::<sha2::Sha384>(message),
        #[cfg(feature = "rsa")]
        Hash::Sha512 => of::<sha2::Sha512>(message),
    }
}

/// A public key the transport can check signatures with.
#[derive(Clone, Copy, Debug)]
pub(crate) enum Key<'a> {
    /// An uncompressed (or compressed) P-256 point.
    P256(&'a [u8]),
    #[cfg(feature = "p384")]
    P384(&'a [u8]),
    #[cfg(feature = "rsa")]
    Rsa(crate::rsa::PublicKey<'a>),
}

/// The key in a SubjectPublicKeyInfo (DER), if it is one of [`Key`]'s.
pub(crate) fn key(spki: &[u8]) -> Option<Key<'_>> {
    let spki = der::spki(spki)?;
    match spki.algorithm {
        EC_PUBLIC_KEY => match spki.parameters.map(|p| p.value) {
            Some(SECP256R1) => Some(Key::P256(spki.key)),
            #[cfg(feature = "p384")]
            Some(SECP384R1) => Some(Key::P384(spki.key)),
            _ => None,
        },
        #[cfg(feature = "rsa")]
        RSA_ENCRYPTION => crate::rsa::PublicKey::from_der(spki.key).map(Key::Rsa),
        _ => None,
    }
}

/// How a signature is made.
#[derive(Clone, Copy, Debug)]
enum Scheme {
    Ecdsa(Hash),
    #[cfg(feature = "rsa")]
    RsaPkcs1(Hash),
    #[cfg(feature = "rsa")]
    RsaPss(Hash),
}

/// The scheme a certificate's `signatureAlgorithm` names.
fn certificate_scheme(oid: &[u8]) -> Option<Scheme> {
    match oid {
        ECDSA_WITH_SHA256 => Some(Scheme::Ecdsa(Hash::Sha256)),
        #[cfg(any(feature = "p384", feature = "rsa"))]
        ECDSA_WITH_SHA384 => Some(Scheme::Ecdsa(Hash::Sha384)),
        #[cfg(feature = "rsa")]
        SHA256_WITH_RSA => Some(Scheme::RsaPkcs1(Hash::Sha256)),
        #[cfg(feature = "rsa")]
        SHA384_WITH_RSA => Some(Scheme::RsaPkcs1(Hash::Sha384)),
        #[cfg(feature = "rsa")]
        SHA512_WITH_RSA => Some(Scheme::RsaPkcs1(Hash::Sha512)),
        _ => None,
    }
}

/// Whether a DER ECDSA `signature` over `digest` verifies under the SEC1
/// `point`, on the curve of crate `$curve` (`p256`, `p384`).
macro_rules! ecdsa_verifies {
    ($curve:ident, $point:expr, $signature:expr, $digest:expr) => {
        match (
            $curve::ecdsa::VerifyingKey::from_sec1_bytes($point),
            $curve::ecdsa::Signature::from_der($signature),
        ) {
            (Ok(key), Ok(sig)) => key.verify_prehash($digest, &sig).is_ok(),
            _ => false,
        }
    };
}

/// Whether `signature` over `message` verifies under `key` by `scheme`.
fn verifies(key: &Key<'_>, scheme: Scheme, message: &[u8], signature: &[u8]) -> bool {
    match (key, scheme) {
        (Key::P256(point), Scheme::Ecdsa(hash)) => {
            ecdsa_verifies!(p256, point, signature, digest(hash, message).as_slice())
        }
        #[cfg(feature = "p384")]
        (Key::P384(point), Scheme::Ecdsa(hash)) => {
            ecdsa_verifies!(p384, point, signature, digest(hash, message).as_slice())
        }
        #[cfg(feature = "rsa")]
        (Key::Rsa(key), Scheme::RsaPkcs1(hash)) => {
            crate::rsa::verify_pkcs1(key, hash, digest(hash, message).as_slice(), signature)
        }
        #[cfg(feature = "rsa")]
        (Key::Rsa(key), Scheme::RsaPss(hash)) => {
            crate::rsa::verify_pss(key, hash, digest(hash, message).as_slice(), signature)
        }
        #[allow(unreachable_patterns)]
        _ => false,
    }
}

/// Whether `issuer`'s key signed `subject`.
fn signed_by(issuer: &CertFields<'_>, subject: &CertFields<'_>) -> bool {
    match (
        key(issuer.spki),
        certificate_scheme(subject.signature_algorithm),
    ) {
        (Some(key), Some(scheme)) => verifies(&key, scheme, subject.tbs, subject.signature),
        _ => false,
    }
}

/// Whether `now` (when known) falls outside the certificate's validity.
pub(crate) fn expired(fields: &CertFields<'_>, now: Option<UnixTime>) -> bool {
    let Some(now) = now else { return false };
    let (from, until) = fields.validity;
    from.is_some_and(|t| now < t) || until.is_some_and(|t| now > t)
}

/// Walks the server's chain (`entries`, the leaf first) to one of the
/// trusted CAs (`anchors`, DER): each certificate must be signed by the
/// next one up, which must be a CA (basicConstraints; keyUsage, if
/// present, allowing certificate signing) named as the issuer and in its
/// validity period; the walk ends at a certificate an anchor
/// signed. Intermediates may come in any order; the anchor need not be
/// sent. An anchor that is not a certificate is skipped (none at all:
/// `Other`).
pub(crate) fn chain<'c>(
    anchors: &[&[u8]],
    entries: &[CertificateEntryRef<'c>],
    now: Option<UnixTime>,
) -> Result<(), CertificateError> {
    let anchors = || anchors.iter().filter_map(|der| der::certificate(der));
    if anchors().next().is_none() {
        return Err(CertificateError::Other);
    }
    let x509 = |entry: &CertificateEntryRef<'c>| match *entry {
        CertificateEntryRef::X509(der) => der::certificate(der),
        _ => None,
    };
    let mut current = entries
        .first()
        .and_then(x509)
        .ok_or(CertificateError::Other)?;
    // Each step moves one certificate up; a chain longer than what was sent
    // would repeat one.
    for _ in 0..entries.len() {
        if anchors().any(|anchor| anchor.subject == current.issuer && signed_by(&anchor, &current))
        {
            return Ok(());
        }
        let issuer = entries.iter().skip(1).filter_map(x509).find(|candidate| {
            candidate.is_ca
                && candidate.may_sign_certificates
                && candidate.subject == current.issuer
                && signed_by(candidate, &current)
        });
        match issuer {
            Some(next) if expired(&next, now) => return Err(CertificateError::Expired),
            Some(next) => current = next,
            None => break,
        }
    }
    Err(CertificateError::UnknownIssuer)
}

/// The TLS 1.3 `CertificateVerify` check: whether `signature` (by
/// `scheme`) over `message` verifies under the leaf's `key`.
pub(crate) fn handshake(
    key: &Key<'_>,
    scheme: SignatureScheme,
    message: &[u8],
    signature: &[u8],
) -> bool {
    // TLS 1.3 ties each ECDSA scheme to its curve, and allows RSA only as PSS.
    let scheme = match (key, scheme) {
        (Key::P256(_), SignatureScheme::EcdsaSecp256r1Sha256) => Scheme::Ecdsa(Hash::Sha256),
        #[cfg(feature = "p384")]
        (Key::P384(_), SignatureScheme::EcdsaSecp384r1Sha384) => Scheme::Ecdsa(Hash::Sha384),
        #[cfg(feature = "rsa")]
        (Key::Rsa(_), SignatureScheme::RsaPssRsaeSha256) => Scheme::RsaPss(Hash::Sha256),
        #[cfg(feature = "rsa")]
        (Key::Rsa(_), SignatureScheme::RsaPssRsaeSha384) => Scheme::RsaPss(Hash::Sha384),
        #[cfg(feature = "rsa")]
        (Key::Rsa(_), SignatureScheme::RsaPssRsaeSha512) => Scheme::RsaPss(Hash::Sha512),
        _ => return false,
    };
    verifies(key, scheme, message, signature)
}

#[cfg(all(test, feature = "rsa"))]
mod tests;
