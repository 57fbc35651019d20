//! The verifier against chains made by rcgen and signatures made by ring
//! (host only). The RSA keys are test keys generated for these tests
//! (`testdata/`, PKCS #8 DER); the EC keys are made per run.

extern crate std;

use std::string::ToString;
use std::vec::Vec;

use embedded_tls::{CertificateEntryRef, SignatureScheme};
use rcgen::{
    BasicConstraints, CertificateParams, DnType, IsCa, KeyPair, KeyUsagePurpose,
    PKCS_ECDSA_P256_SHA256, PKCS_RSA_SHA256, PKCS_RSA_SHA384, PKCS_RSA_SHA512, SignatureAlgorithm,
};
use ring::rand::SystemRandom;
use ring::signature::{self as rs, RsaKeyPair};
use stratus_core::client::CertificateError;
use stratus_core::time::UnixTime;

use super::{Hash, Key, chain, digest, handshake, key};
use crate::der;

const RSA_2048: &[u8] = include_bytes!("../../testdata/rsa-2048.pk8.der");
const RSA_3072: &[u8] = include_bytes!("../../testdata/rsa-3072.pk8.der");
const RSA_4096: &[u8] = include_bytes!("../../testdata/rsa-4096.pk8.der");

fn rsa_pair(pkcs8: &[u8], alg: &'static SignatureAlgorithm) -> KeyPair {
    KeyPair::from_pkcs8_der_and_sign_algo(&pkcs8.to_vec().into(), alg).unwrap()
}

/// A CA or leaf: its DER and the key pair that signs with it.
struct Made {
    cert: rcgen::Certificate,
    key: KeyPair,
}

fn params(name: &str, ca: bool, sans: &[&str]) -> CertificateParams {
    let mut p =
        CertificateParams::new(sans.iter().map(|s| s.to_string()).collect::<Vec<_>>()).unwrap();
    p.distinguished_name.push(DnType::CommonName, name);
    if ca {
        p.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    }
    p
}

fn root(name: &str, key: KeyPair) -> Made {
    let cert = params(name, true, &[]).self_signed(&key).unwrap();
    Made { cert, key }
}

fn issue(by: &Made, name: &str, ca: bool, sans: &[&str], key: KeyPair) -> Made {
    let cert = params(name, ca, sans)
        .signed_by(&key, &by.cert, &by.key)
        .unwrap();
    Made { cert, key }
}

fn entries<'a>(certs: &[&'a Made]) -> Vec<CertificateEntryRef<'a>> {
    certs
        .iter()
        .map(|m| CertificateEntryRef::X509(m.cert.der()))
        .collect()
}

/// Root (RSA 4096, SHA-512) → intermediate (RSA 3072, SHA-384) → leaf
/// (RSA 2048), each signing with its own hash.
fn rsa_chain() -> (Made, Made, Made) {
    let root = root("Test RSA Root", rsa_pair(RSA_4096, &PKCS_RSA_SHA512));
    let int = issue(
        &root,
        "Test RSA Intermediate",
        true,
        &[],
        rsa_pair(RSA_3072, &PKCS_RSA_SHA384),
    );
    let leaf = issue(
        &int,
        "kinesis.test",
        false,
        &["kinesis.test"],
        rsa_pair(RSA_2048, &PKCS_RSA_SHA256),
    );
    (root, int, leaf)
}

/// An RSA intermediate made from `p` under `root`, and an EC leaf for
/// `kinesis.test` under it.
fn under(root: &Made, p: CertificateParams) -> (Made, Made) {
    let key = rsa_pair(RSA_3072, &PKCS_RSA_SHA256);
    let int = Made {
        cert: p.signed_by(&key, &root.cert, &root.key).unwrap(),
        key,
    };
    let leaf = issue(
        &int,
        "kinesis.test",
        false,
        &["kinesis.test"],
        KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap(),
    );
    (int, leaf)
}

#[test]
fn an_rsa_chain_leads_to_its_root_in_any_order() {
    let (root, int, leaf) = rsa_chain();
    let anchor = root.cert.der();
    for sent in [
        entries(&[&leaf, &int]),
        entries(&[&leaf, &int, &root]),
        entries(&[&leaf, &root, &int]),
    ] {
        assert_eq!(chain(&[anchor], &sent, None), Ok(()));
    }
    // Without the intermediate, or to another root, it leads nowhere.
    assert_eq!(
        chain(&[anchor], &entries(&[&leaf]), None),
        Err(CertificateError::UnknownIssuer)
    );
    let other = root_named_like(&root);
    assert_eq!(
        chain(&[other.cert.der()], &entries(&[&leaf, &int]), None),
        Err(CertificateError::UnknownIssuer)
    );
    // Among several anchors (Trust::AnyCa), the right one is found.
    assert_eq!(
        chain(&[other.cert.der(), anchor], &entries(&[&leaf, &int]), None),
        Ok(())
    );
    assert_eq!(
        chain(&[b"not a certificate"], &entries(&[&leaf, &int]), None),
        Err(CertificateError::Other)
    );
}

/// A root with the same name as `like` but another key.
fn root_named_like(_like: &Made) -> Made {
    root("Test RSA Root", rsa_pair(RSA_2048, &PKCS_RSA_SHA256))
}

#[test]
fn a_leaf_cannot_sign_another_leaf() {
    let (root, int, leaf) = rsa_chain();
    // `leaf` (no CA flag) signs a certificate for another name.
    let forged = issue(
        &leaf,
        "other.test",
        false,
        &["other.test"],
        KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap(),
    );
    assert_eq!(
        chain(&[root.cert.der()], &entries(&[&forged, &leaf, &int]), None),
        Err(CertificateError::UnknownIssuer)
    );
}

#[test]
fn an_issuer_whose_key_usage_forbids_certificate_signing_is_refused() {
    let (root, _, _) = rsa_chain();
    let chain_under = |usages: Vec<KeyUsagePurpose>| {
        let mut p = params("Usage Intermediate", true, &[]);
        p.key_usages = usages;
        let (int, leaf) = under(&root, p);
        chain(&[root.cert.der()], &entries(&[&leaf, &int]), None)
    };
    assert_eq!(
        chain_under(std::vec![KeyUsagePurpose::DigitalSignature]),
        Err(CertificateError::UnknownIssuer)
    );
    assert_eq!(
        chain_under(std::vec![
            KeyUsagePurpose::KeyCertSign,
            KeyUsagePurpose::CrlSign
        ]),
        Ok(())
    );
}

#[test]
fn a_tampered_signature_breaks_the_chain() {
    let (root, int, leaf) = rsa_chain();
    let mut bad = leaf.cert.der().to_vec();
    let last = bad.len() - 1;
    bad[last] ^= 1;
    let sent = [
        CertificateEntryRef::X509(&bad),
        CertificateEntryRef::X509(int.cert.der()),
    ];
    assert_eq!(
        chain(&[root.cert.der()], &sent, None),
        Err(CertificateError::UnknownIssuer)
    );
}

#[test]
fn an_expired_intermediate_is_told_apart() {
    let (root, _, _) = rsa_chain();
    let mut p = params("Old Intermediate", true, &[]);
    p.not_after = rcgen::date_time_ymd(2001, 1, 1);
    p.not_before = rcgen::date_time_ymd(2000, 1, 1);
    let (int, leaf) = under(&root, p);
    let sent = entries(&[&leaf, &int]);
    assert_eq!(chain(&[root.cert.der()], &sent, None), Ok(()));
    let now = UnixTime::from_secs(1_800_000_000);
    assert_eq!(
        chain(&[root.cert.der()], &sent, Some(now)),
        Err(CertificateError::Expired)
    );
}

#[test]
fn ec_and_rsa_mix_in_one_chain() {
    let ec_root = root(
        "Test EC Root",
        KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap(),
    );
    let rsa_int = issue(
        &ec_root,
        "RSA under EC",
        true,
        &[],
        rsa_pair(RSA_2048, &PKCS_RSA_SHA256),
    );
    let ec_leaf = issue(
        &rsa_int,
        "iot.test",
        false,
        &["iot.test"],
        KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap(),
    );
    assert_eq!(
        chain(&[ec_root.cert.der()], &entries(&[&ec_leaf, &rsa_int]), None),
        Ok(())
    );
}

fn spki_of(made: &Made) -> Vec<u8> {
    der::certificate(made.cert.der()).unwrap().spki.to_vec()
}

/// The TLS 1.3 server signature input, as `Verifier` builds it.
const MESSAGE: &[u8] = b"                                                                TLS 1.3, server CertificateVerify\x00 and a transcript hash";

#[test]
fn rsa_pss_handshake_signatures_verify_for_every_hash_and_size() {
    let rng = SystemRandom::new();
    let schemes = [
        (&rs::RSA_PSS_SHA256, SignatureScheme::RsaPssRsaeSha256),
        (&rs::RSA_PSS_SHA384, SignatureScheme::RsaPssRsaeSha384),
        (&rs::RSA_PSS_SHA512, SignatureScheme::RsaPssRsaeSha512),
    ];
    for pkcs8 in [RSA_2048, RSA_3072, RSA_4096] {
        let pair = RsaKeyPair::from_pkcs8(pkcs8).unwrap();
        let made = root("k", rsa_pair(pkcs8, &PKCS_RSA_SHA256));
        let spki = spki_of(&made);
        let key = key(&spki).expect("an RSA key");
        for (padding, scheme) in schemes {
            let mut sig = std::vec![0u8; pair.public().modulus_len()];
            pair.sign(padding, &rng, MESSAGE, &mut sig).unwrap();
            assert!(handshake(&key, scheme, MESSAGE, &sig), "{scheme:?}");
            // Another message, another scheme, a flipped bit: refused.
            assert!(!handshake(&key, scheme, b"another message", &sig));
            let mut bad = sig.clone();
            bad[10] ^= 0x40;
            assert!(!handshake(&key, scheme, MESSAGE, &bad));
            // PKCS #1 v1.5 is not a TLS 1.3 handshake scheme.
            assert!(!handshake(
                &key,
                SignatureScheme::RsaPkcs1Sha256,
                MESSAGE,
                &sig
            ));
        }
    }
}

#[test]
fn rsa_pkcs1_signatures_verify_and_malformed_ones_do_not() {
    let rng = SystemRandom::new();
    let pair = RsaKeyPair::from_pkcs8(RSA_2048).unwrap();
    let made = root("k", rsa_pair(RSA_2048, &PKCS_RSA_SHA256));
    let spki = spki_of(&made);
    let Some(Key::Rsa(key)) = key(&spki) else {
        panic!("an RSA key");
    };
    for (padding, hash) in [
        (&rs::RSA_PKCS1_SHA256, Hash::Sha256),
        (&rs::RSA_PKCS1_SHA384, Hash::Sha384),
        (&rs::RSA_PKCS1_SHA512, Hash::Sha512),
    ] {
        let mut sig = std::vec![0u8; 256];
        pair.sign(padding, &rng, MESSAGE, &mut sig).unwrap();
        let d = digest(hash, MESSAGE);
        assert!(crate::rsa::verify_pkcs1(&key, hash, d.as_slice(), &sig));
        // A PKCS #1 signature is not a PSS one.
        assert!(!crate::rsa::verify_pss(&key, hash, d.as_slice(), &sig));
        // Wrong lengths, a value not below the modulus, all zeros.
        assert!(!crate::rsa::verify_pkcs1(
            &key,
            hash,
            d.as_slice(),
            &sig[1..]
        ));
        let mut long = sig.clone();
        long.push(0);
        assert!(!crate::rsa::verify_pkcs1(&key, hash, d.as_slice(), &long));
        assert!(!crate::rsa::verify_pkcs1(
            &key,
            hash,
            d.as_slice(),
            &[0xff; 256]
        ));
        assert!(!crate::rsa::verify_pkcs1(
            &key,
            hash,
            d.as_slice(),
            &[0; 256]
        ));
    }
}

#[test]
fn keys_outside_the_supported_range_are_refused_without_panicking() {
    // RSAPublicKey { n, e } with: an even modulus, a 1024-bit one, e = 1,
    // a negative modulus, garbage.
    fn rsa_key(n: &[u8], e: &[u8]) -> Vec<u8> {
        let int = |v: &[u8]| {
            let mut out = std::vec![0x02, 0x82, (v.len() >> 8) as u8, v.len() as u8];
            out.extend_from_slice(v);
            out
        };
        let body = [int(n), int(e)].concat();
        let mut out = std::vec![0x30, 0x82, (body.len() >> 8) as u8, body.len() as u8];
        out.extend_from_slice(&body);
        out
    }
    let mut n = std::vec![0x00, 0xc0];
    n.extend(std::iter::repeat_n(0x5a, 255));
    n.push(0x01);
    assert!(crate::rsa::PublicKey::from_der(&rsa_key(&n, &[1, 0, 1])).is_some());
    let mut even = n.clone();
    *even.last_mut().unwrap() = 0x02;
    assert!(crate::rsa::PublicKey::from_der(&rsa_key(&even, &[1, 0, 1])).is_none());
    assert!(crate::rsa::PublicKey::from_der(&rsa_key(&n[..130], &[1, 0, 1])).is_none());
    assert!(crate::rsa::PublicKey::from_der(&rsa_key(&n, &[1])).is_none());
    assert!(crate::rsa::PublicKey::from_der(&rsa_key(&n[1..], &[1, 0, 1])).is_none());
    assert!(crate::rsa::PublicKey::from_der(&[0x30, 0x03, 0x02, 0x01]).is_none());
}

#[test]
fn ecdsa_keys_answer_only_their_own_curve_s_scheme() {
    let pair = KeyPair::generate_for(&PKCS_ECDSA_P256_SHA256).unwrap();
    let made = root("ec", pair);
    let spki = spki_of(&made);
    let key = key(&spki).expect("a P-256 key");
    let rng = SystemRandom::new();
    let ec = rs::EcdsaKeyPair::from_pkcs8(
        &rs::ECDSA_P256_SHA256_ASN1_SIGNING,
        &made.key.serialize_der(),
        &rng,
    )
    .unwrap();
    let sig = ec.sign(&rng, MESSAGE).unwrap();
    assert!(handshake(
        &key,
        SignatureScheme::EcdsaSecp256r1Sha256,
        MESSAGE,
        sig.as_ref()
    ));
    assert!(!handshake(
        &key,
        SignatureScheme::RsaPssRsaeSha256,
        MESSAGE,
        sig.as_ref()
    ));
    assert!(!handshake(
        &key,
        SignatureScheme::EcdsaSecp384r1Sha384,
        MESSAGE,
        sig.as_ref()
    ));
}
