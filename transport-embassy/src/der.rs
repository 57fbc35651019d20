//! Just enough DER to read what the transport checks itself in an X.509
//! certificate (its public key, its validity, its DNS names) and to find the
//! scalar of an EC private key. Every read is bounds-checked; malformed input
//! is `None`, never a panic.

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
const DNS_NAME: u8 = 0x82;
/// 2.5.29.17, subjectAltName.
const SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];

/// The fields of a certificate the transport reads itself.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CertFields<'a> {
    /// The whole SubjectPublicKeyInfo element (what a key pin hashes).
    pub spki: &'a [u8],
    /// The public key's bits (an uncompressed EC point for EC keys).
    pub public_key: &'a [u8],
    /// notBefore, notAfter.
    pub validity: (Option<UnixTime>, Option<UnixTime>),
    /// The subjectAltName extension's content (a GeneralNames sequence's
    /// content), if any.
    pub alt_names: Option<&'a [u8]>,
}

/// Reads a DER certificate's SubjectPublicKeyInfo, validity and names.
pub(crate) fn certificate(der: &[u8]) -> Option<CertFields<'_>> {
    let (cert, _) = expect(der, SEQUENCE)?;
    let (tbs, _) = expect(cert.value, SEQUENCE)?;
    let mut rest = tbs.value;
    if rest.first() == Some(&VERSION) {
        rest = read(rest)?.1;
    }
    let (_serial, rest) = expect(rest, INTEGER)?;
    let (_sig_alg, rest) = expect(rest, SEQUENCE)?;
    let (_issuer, rest) = expect(rest, SEQUENCE)?;
    let (validity, rest) = expect(rest, SEQUENCE)?;
    let (_subject, rest) = expect(rest, SEQUENCE)?;
    let (spki, mut rest) = expect(rest, SEQUENCE)?;
    let (_alg, key_rest) = expect(spki.value, SEQUENCE)?;
    let (bits, _) = expect(key_rest, BIT_STRING)?;
    // The first content byte of a BIT STRING counts unused bits: 0 for keys.
    let public_key = match bits.value.split_first() {
        Some((0, key)) => key,
        _ => return None,
    };
    let (not_before, after) = read(validity.value)?;
    let (not_after, _) = read(after)?;
    let mut alt_names = None;
    while !rest.is_empty() {
        let (field, next) = read(rest)?;
        rest = next;
        if field.tag == EXTENSIONS {
            alt_names = subject_alt_names(field.value)?;
        }
    }
    Some(CertFields {
        spki: spki.raw,
        public_key,
        validity: (time(not_before), time(not_after)),
        alt_names,
    })
}

/// The subjectAltName content from an `[3] { SEQUENCE OF Extension }`.
fn subject_alt_names(explicit: &[u8]) -> Option<Option<&[u8]>> {
    let (list, _) = expect(explicit, SEQUENCE)?;
    let mut rest = list.value;
    while !rest.is_empty() {
        let (ext, next) = expect(rest, SEQUENCE)?;
        rest = next;
        let (oid, mut fields) = expect(ext.value, OID)?;
        if oid.value != SUBJECT_ALT_NAME {
            continue;
        }
        // Skip `critical BOOLEAN` if present.
        if fields.first() == Some(&0x01) {
            fields = read(fields)?.1;
        }
        let (octets, _) = expect(fields, OCTET_STRING)?;
        let (names, _) = expect(octets.value, SEQUENCE)?;
        return Some(Some(names.value));
    }
    Some(None)
}

/// The DNS names of a GeneralNames content (others skipped).
pub(crate) fn dns_names(mut names: &[u8]) -> impl Iterator<Item = &[u8]> {
    core::iter::from_fn(move || {
        while !names.is_empty() {
            let (name, next) = read(names)?;
            names = next;
            if name.tag == DNS_NAME {
                return Some(name.value);
            }
        }
        None
    })
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
