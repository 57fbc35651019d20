//! Just enough DER to check an X.509 chain without a heap (the signed
//! bytes, the signature and its algorithm, the names, the public key, the
//! validity, whether it is a CA, its DNS and IP names), to read an RSA
//! public key, and to find the scalar of an EC private key. Every read is
//! bounds-checked; malformed input is `None`, never a panic.

use stratus_core::time::{CivilTime, UnixTime};

/// One DER element: its tag, its content, and what follows it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Tlv<'a> {
    pub tag: u8,
    pub value: &'a [u8],
    /// The whole element, header included.
    pub raw: &'a [u8],
}

/// Reads the element at the start of `input`; returns it and the rest.
pub(crate) fn read(input: &[u8]) -> Option<(Tlv<'_>, &[u8])> {
    let (&tag, rest) = input.split_first()?;
    if tag & 0x1f == 0x1f {
        // High tag numbers: not used by anything read here.
        return None;
    }
    let (&first, rest) = rest.split_first()?;
    let (len, rest) = if first < 0x80 {
        (usize::from(first), rest)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return None;
        }
        let (digits, rest) = rest.split_at(n);
        let len = digits
            .iter()
            .fold(0usize, |acc, &d| (acc << 8) | usize::from(d));
        (len, rest)
    };
    if rest.len() < len {
        return None;
    }
    let header = input.len() - rest.len();
    let (value, after) = rest.split_at(len);
    Some((
        Tlv {
            tag,
            value,
            raw: &input[..header + len],
        },
        after,
    ))
}

/// Reads the element at the start of `input` if its tag is `tag`.
pub(crate) fn expect(input: &[u8], tag: u8) -> Option<(Tlv<'_>, &[u8])> {
    let (tlv, rest) = read(input)?;
    (tlv.tag == tag).then_some((tlv, rest))
}

const SEQUENCE: u8 = 0x30;
const INTEGER: u8 = 0x02;
const OCTET_STRING: u8 = 0x04;
const BIT_STRING: u8 = 0x03;
const OID: u8 = 0x06;
const UTC_TIME: u8 = 0x17;
const GENERALIZED_TIME: u8 = 0x18;
const VERSION: u8 = 0xa0;
const EXTENSIONS: u8 = 0xa3;
const BOOLEAN: u8 = 0x01;
/// GeneralName choices: `[2] dNSName`, `[7] iPAddress`.
pub(crate) const DNS_NAME: u8 = 0x82;
pub(crate) const IP_ADDRESS: u8 = 0x87;
/// 2.5.29.17, subjectAltName.
const SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];
/// 2.5.29.19, basicConstraints.
const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
/// 2.5.29.15, keyUsage.
const KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
/// keyUsage's `keyCertSign` (bit 5) in the BIT STRING's first byte.
const KEY_CERT_SIGN: u8 = 0x80 >> 5;

/// The fields of a certificate the transport reads itself.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CertFields<'a> {
    /// The signed part, `tbsCertificate`, header included.
    pub tbs: &'a [u8],
    /// The OID (content bytes) of the algorithm the issuer signed with.
    pub signature_algorithm: &'a [u8],
    /// The issuer's signature (the BIT STRING's bytes).
    pub signature: &'a [u8],
    /// The issuer's and the subject's names, DER as written.
    pub issuer: &'a [u8],
    pub subject: &'a [u8],
    /// The whole SubjectPublicKeyInfo element (what a key pin hashes).
    pub spki: &'a [u8],
    /// notBefore, notAfter.
    pub validity: (Option<UnixTime>, Option<UnixTime>),
    /// The subjectAltName extension's content (a GeneralNames sequence's
    /// content), if any.
    pub alt_names: Option<&'a [u8]>,
    /// basicConstraints says `cA: TRUE`.
    pub is_ca: bool,
    /// The key may sign certificates: no keyUsage extension, or one with
    /// `keyCertSign`.
    pub may_sign_certificates: bool,
}

/// A SubjectPublicKeyInfo's parts.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Spki<'a> {
    /// The key algorithm's OID (content bytes).
    pub algorithm: &'a [u8],
    /// The algorithm's parameters element (a curve's OID for EC keys), if
    /// any; its content bytes.
    pub parameters: Option<Tlv<'a>>,
    /// The key's bits: an uncompressed point for EC keys, an
    /// `RSAPublicKey` for RSA keys.
    pub key: &'a [u8],
}

/// Reads a SubjectPublicKeyInfo element.
pub(crate) fn spki(der: &[u8]) -> Option<Spki<'_>> {
    let (spki, _) = expect(der, SEQUENCE)?;
    let (alg, key_rest) = expect(spki.value, SEQUENCE)?;
    let (algorithm, params) = expect(alg.value, OID)?;
    let parameters = match read(params) {
        Some((tlv, _)) => Some(tlv),
        None if params.is_empty() => None,
        None => return None,
    };
    let (bits, _) = expect(key_rest, BIT_STRING)?;
    Some(Spki {
        algorithm: algorithm.value,
        parameters,
        key: bit_string_bytes(bits)?,
    })
}

/// A BIT STRING's bytes; its first content byte counts unused bits, 0 for
/// keys and signatures.
fn bit_string_bytes(bits: Tlv<'_>) -> Option<&[u8]> {
    match bits.value.split_first() {
        Some((0, bytes)) => Some(bytes),
        _ => None,
    }
}

/// Reads what [`CertFields`] holds from a DER certificate.
pub(crate) fn certificate(der: &[u8]) -> Option<CertFields<'_>> {
    let (cert, _) = expect(der, SEQUENCE)?;
    let (tbs, after_tbs) = expect(cert.value, SEQUENCE)?;
    let (outer_alg, after_alg) = expect(after_tbs, SEQUENCE)?;
    let (signature_algorithm, _) = expect(outer_alg.value, OID)?;
    let (signature, _) = expect(after_alg, BIT_STRING)?;
    let mut rest = tbs.value;
    if rest.first() == Some(&VERSION) {
        rest = read(rest)?.1;
    }
    let (_serial, rest) = expect(rest, INTEGER)?;
    let (inner_alg, rest) = expect(rest, SEQUENCE)?;
    // The algorithm inside the signed part must be the one outside it.
    if inner_alg.raw != outer_alg.raw {
        return None;
    }
    let (issuer, rest) = expect(rest, SEQUENCE)?;
    let (validity, rest) = expect(rest, SEQUENCE)?;
    let (subject, rest) = expect(rest, SEQUENCE)?;
    let (spki_tlv, mut rest) = expect(rest, SEQUENCE)?;
    spki(spki_tlv.raw)?;
    let (not_before, after) = read(validity.value)?;
    let (not_after, _) = read(after)?;
    let mut extensions = None;
    while !rest.is_empty() {
        let (field, next) = read(rest)?;
        rest = next;
        if field.tag == EXTENSIONS {
            extensions = Some(field.value);
        }
    }
    let mut fields = CertFields {
        tbs: tbs.raw,
        signature_algorithm: signature_algorithm.value,
        signature: bit_string_bytes(signature)?,
        issuer: issuer.raw,
        subject: subject.raw,
        spki: spki_tlv.raw,
        validity: (time(not_before), time(not_after)),
        alt_names: None,
        is_ca: false,
        may_sign_certificates: true,
    };
    if let Some(explicit) = extensions {
        read_extensions(explicit, &mut fields)?;
    }
    Some(fields)
}

/// Fills in subjectAltName, basicConstraints and keyUsage from an
/// `[3] { SEQUENCE OF Extension }`.
fn read_extensions<'a>(explicit: &'a [u8], fields: &mut CertFields<'a>) -> Option<()> {
    let (list, _) = expect(explicit, SEQUENCE)?;
    let mut rest = list.value;
    while !rest.is_empty() {
        let (ext, next) = expect(rest, SEQUENCE)?;
        rest = next;
        let (oid, mut value) = expect(ext.value, OID)?;
        // Skip `critical BOOLEAN` if present.
        if value.first() == Some(&BOOLEAN) {
            value = read(value)?.1;
        }
        let (octets, _) = expect(value, OCTET_STRING)?;
        if oid.value == SUBJECT_ALT_NAME {
            fields.alt_names = Some(expect(octets.value, SEQUENCE)?.0.value);
        } else if oid.value == BASIC_CONSTRAINTS {
            // SEQUENCE { cA BOOLEAN DEFAULT FALSE, pathLenConstraint … }
            let (constraints, _) = expect(octets.value, SEQUENCE)?;
            fields.is_ca = matches!(
                expect(constraints.value, BOOLEAN),
                Some((Tlv { value: [v], .. }, _)) if *v != 0
            );
        } else if oid.value == KEY_USAGE {
            let (bits, _) = expect(octets.value, BIT_STRING)?;
            // The first content byte counts unused bits; then the flags.
            fields.may_sign_certificates =
                bits.value.get(1).is_some_and(|b| b & KEY_CERT_SIGN != 0);
        }
    }
    Some(())
}

/// The names of one kind (`DNS_NAME`, `IP_ADDRESS`) in a GeneralNames
/// content (others skipped).
pub(crate) fn names_of(mut names: &[u8], kind: u8) -> impl Iterator<Item = &[u8]> {
    core::iter::from_fn(move || {
        while !names.is_empty() {
            let (name, next) = read(names)?;
            names = next;
            if name.tag == kind {
                return Some(name.value);
            }
        }
        None
    })
}

/// An `RSAPublicKey`'s modulus (leading zero bytes dropped) and public
/// exponent (at most 8 bytes).
#[cfg(feature = "rsa")]
pub(crate) fn rsa_public_key(der: &[u8]) -> Option<(&[u8], u64)> {
    let (key, _) = expect(der, SEQUENCE)?;
    let (modulus, rest) = expect(key.value, INTEGER)?;
    let (exponent, _) = expect(rest, INTEGER)?;
    let first_digit = modulus.value.iter().position(|&b| b != 0)?;
    let e = exponent.value;
    let e_digits = e.get(e.iter().position(|&b| b != 0)?..)?;
    let negative = |v: &[u8]| v.first().is_some_and(|&b| b & 0x80 != 0);
    if e_digits.len() > 8 || negative(modulus.value) || negative(e) {
        // Larger exponents are not used; a set top bit is a negative number.
        return None;
    }
    let e = e_digits
        .iter()
        .fold(0u64, |acc, &d| (acc << 8) | u64::from(d));
    Some((&modulus.value[first_digit..], e))
}

/// A UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime (`YYYYMMDDHHMMSSZ`).
fn time(tlv: Tlv<'_>) -> Option<UnixTime> {
    let (year, rest) = match tlv.tag {
        UTC_TIME if tlv.value.len() == 13 => {
            let yy = digits(&tlv.value[..2])?;
            (
                if yy >= 50 { 1900 + yy } else { 2000 + yy },
                &tlv.value[2..],
            )
        }
        GENERALIZED_TIME if tlv.value.len() == 15 => (digits(&tlv.value[..4])?, &tlv.value[4..]),
        _ => return None,
    };
    if rest.last() != Some(&b'Z') {
        return None;
    }
    let field = |i: usize| digits(rest.get(i..i + 2)?).and_then(|v| u8::try_from(v).ok());
    UnixTime::from_civil(CivilTime {
        year,
        month: field(0)?,
        day: field(2)?,
        hour: field(4)?,
        minute: field(6)?,
        second: field(8)?,
    })
    .ok()
}

fn digits(text: &[u8]) -> Option<u32> {
    text.iter().try_fold(0u32, |acc, &b| {
        b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
    })
}

/// The private scalar of an EC key given as SEC1 `ECPrivateKey` DER or as
/// PKCS#8 `PrivateKeyInfo` DER wrapping one.
#[cfg(feature = "client-identity")]
pub(crate) fn ec_private_scalar(der: &[u8]) -> Option<&[u8]> {
    let (outer, _) = expect(der, SEQUENCE)?;
    let (version, rest) = expect(outer.value, INTEGER)?;
    match version.value {
        // SEC1: version 1, then the key.
        [1] => Some(expect(rest, OCTET_STRING)?.0.value),
        // PKCS#8: version 0, the algorithm, then the SEC1 key in an OCTET STRING.
        [0] => {
            let (_alg, rest) = expect(rest, SEQUENCE)?;
            let (inner, _) = expect(rest, OCTET_STRING)?;
            ec_private_scalar(inner.value)
        }
        _ => None,
    }
}

/// Whether `host` is one of the certificate's names (RFC 6125: exact, case
/// insensitive; a `*.` wildcard stands for exactly one left-most label of
/// a name with at least three labels).
pub(crate) fn name_matches(pattern: &[u8], host: &[u8]) -> bool {
    if pattern.eq_ignore_ascii_case(host) {
        return true;
    }
    let Some(suffix) = pattern.strip_prefix(b"*.") else {
        return false;
    };
    if suffix.contains(&b'*') || !suffix.contains(&b'.') {
        return false;
    }
    match host.iter().position(|&b| b == b'.') {
        Some(dot) if dot > 0 => host[dot + 1..].eq_ignore_ascii_case(suffix),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lengths_and_bounds() {
        assert!(read(&[0x30, 0x03, 1, 2]).is_none());
        let (t, rest) = read(&[0x04, 0x81, 0x01, 9, 7]).unwrap();
        assert_eq!((t.tag, t.value, rest), (0x04, &[9u8][..], &[7u8][..]));
        assert!(read(&[0x04, 0x85, 0, 0, 0, 0, 1]).is_none());
        assert!(read(&[]).is_none());
    }

    #[test]
    fn wildcards() {
        assert!(name_matches(b"*.example.com", b"api.example.com"));
        assert!(name_matches(b"Moto.Test", b"moto.test"));
        assert!(!name_matches(b"*.example.com", b"a.b.example.com"));
        assert!(!name_matches(b"*.com", b"example.com"));
        assert!(!name_matches(b"*.example.com", b".example.com"));
    }

    #[test]
    fn times() {
        let utc = time(Tlv {
            tag: UTC_TIME,
            value: b"240102030405Z",
            raw: &[],
        });
        assert_eq!(utc.unwrap().amz_date().as_str(), "20240102T030405Z");
        let generalized = time(Tlv {
            tag: GENERALIZED_TIME,
            value: b"20991231235959Z",
            raw: &[],
        });
        assert_eq!(generalized.unwrap().amz_date().as_str(), "20991231T235959Z");
    }
}
