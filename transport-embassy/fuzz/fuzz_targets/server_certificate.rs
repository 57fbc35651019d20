//! Arbitrary bytes as a server's certificate chain, trust anchors and
//! handshake signature through `tls::ServerVerifier`, the check every TLS
//! handshake of the transport runs: DER certificates and keys, the chain
//! walk, and ECDSA / RSA signature checks. Must never panic; a refused
//! certificate always says why (`failure()`), an accepted one never does.
//!
//! Input: a mode byte (trust kind), a signature-scheme byte, a host byte,
//! then blobs, each a big-endian `u16` length and its bytes: the anchor,
//! the certificates the server sends (leaf first), and last the signature.
#![no_main]

use embedded_tls::{
    Aes128GcmSha256, CertificateEntryRef, CertificateRef, CertificateVerifyRef, SignatureScheme,
    TlsVerifier,
};
use libfuzzer_sys::fuzz_target;
use sha2::{Digest, Sha256};
use stratus_transport_embassy::tls::{ServerVerifier, Trust};

const SCHEMES: [SignatureScheme; 8] = [
    SignatureScheme::EcdsaSecp256r1Sha256,
    SignatureScheme::EcdsaSecp384r1Sha384,
    SignatureScheme::RsaPssRsaeSha256,
    SignatureScheme::RsaPssRsaeSha384,
    SignatureScheme::RsaPssRsaeSha512,
    SignatureScheme::RsaPkcs1Sha256,
    SignatureScheme::Ed25519,
    SignatureScheme::RsaPssPssSha256,
];
const HOSTS: [&str; 4] = ["kinesis.test", "10.42.0.1", "[::1]", "Amazon Root CA 1"];

fn blobs(mut data: &[u8]) -> Vec<&[u8]> {
    let mut out = Vec::new();
    while let [hi, lo, rest @ ..] = data {
        let len = usize::from(u16::from_be_bytes([*hi, *lo])).min(rest.len());
        let (blob, after) = rest.split_at(len);
        out.push(blob);
        data = after;
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let [mode, scheme, host, rest @ ..] = data else { return };
    let parts = blobs(rest);
    let [anchor, middle @ .., signature] = &parts[..] else { return };
    let (anchor, signature) = (*anchor, *signature);
    let leaf = middle.first().copied().unwrap_or(&[]);
    let anchors = [anchor, leaf];
    let trust = match mode % 4 {
        0 => Trust::Ca(anchor),
        1 => Trust::AnyCa(&anchors),
        2 => Trust::PinnedCertificate(Sha256::digest(leaf).into()),
        _ => Trust::PinnedKey(Sha256::digest(anchor).into()),
    };
    let mut verifier = ServerVerifier::new(trust, HOSTS[usize::from(*host) % HOSTS.len()]);
    let mut cert = CertificateRef::with_context(&[]);
    for der in middle {
        if cert.add(CertificateEntryRef::X509(der)).is_err() {
            break;
        }
    }
    let accepted =
        TlsVerifier::<Aes128GcmSha256>::verify_certificate(&mut verifier, &Sha256::new(), cert);
    assert_eq!(accepted.is_ok(), verifier.failure().is_none());
    let verify = CertificateVerifyRef {
        signature_scheme: SCHEMES[usize::from(*scheme) % SCHEMES.len()],
        signature,
    };
    let signed = TlsVerifier::<Aes128GcmSha256>::verify_signature(&mut verifier, verify);
    // No certificate accepted, no signature accepted.
    assert!(accepted.is_ok() || signed.is_err());
});
