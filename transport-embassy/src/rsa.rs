//! RSA signature checks without a heap (feature `rsa`): PKCS #1 v1.5 for
//! the certificates of a chain, PSS for the TLS 1.3 handshake signature
//! (RFC 8017 sections 8.2.2 and 8.1.2, RFC 8446 section 4.2.3).
//!
//! embedded-tls offers RSA only through the `rsa` crate, which needs an
//! allocator. The arithmetic here is crypto-bigint's, in fixed-size
//! integers: moduli of 2048 to 4096 bits, public exponents up to 64 bits.
//! A public-key operation needs no constant time; each check is one
//! exponentiation, `s^e mod n`, by square and multiply.
//!
//! Everything this module reads comes from the network: a malformed key or
//! signature is `false`, never a panic.

use crypto_bigint::modular::runtime_mod::{DynResidue, DynResidueParams};
use crypto_bigint::{Limb, U2048, U4096, Uint, Word};
use sha2::digest::{Digest, FixedOutputReset};
use sha2::{Sha256, Sha384, Sha512};

use crate::verify::Hash;

/// The largest modulus accepted, in bytes (4096 bits).
const MAX_BYTES: usize = 512;
/// The smallest modulus accepted, in bytes (2048 bits).
const MIN_BYTES: usize = 256;

/// An RSA public key as the certificate gives it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct PublicKey<'a> {
    /// The modulus, big-endian, no leading zeros.
    n: &'a [u8],
    e: u64,
}

impl<'a> PublicKey<'a> {
    /// Reads an `RSAPublicKey` (the key bits of an `rsaEncryption`
    /// SubjectPublicKeyInfo); `None` for sizes outside 2048–4096 bits, an
    /// even modulus or an exponent below 3.
    pub(crate) fn from_der(der: &'a [u8]) -> Option<Self> {
        let (n, e) = crate::der::rsa_public_key(der)?;
        let odd = n.last().is_some_and(|b| b & 1 == 1);
        ((MIN_BYTES..=MAX_BYTES).contains(&n.len()) && odd && e >= 3 && e & 1 == 1)
            .then_some(PublicKey { n, e })
    }

    /// The modulus's length in bits.
    fn bits(&self) -> usize {
        let top = self.n.first().copied().unwrap_or(0);
        self.n.len() * 8 - top.leading_zeros() as usize
    }

    /// `signature^e mod n` as `k` big-endian bytes (`k` the modulus's
    /// length) at the end of `out`; `None` when the signature is not `k`
    /// bytes or not below `n`. Moduli up to 2048 bits are worked in
    /// 2048-bit integers, which takes half the stack of 4096-bit ones.
    fn open<'o>(&self, signature: &[u8], out: &'o mut [u8; MAX_BYTES]) -> Option<&'o [u8]> {
        let k = self.n.len();
        if signature.len() != k {
            return None;
        }
        if k <= MIN_BYTES {
            power::<{ U2048::LIMBS }>(self.n, signature, self.e, out)?;
        } else {
            power::<{ U4096::LIMBS }>(self.n, signature, self.e, out)?;
        }
        out.get(MAX_BYTES - k..)
    }
}

/// `s^e mod n` by square and multiply in `LIMBS`-limb integers, written
/// big-endian at the end of `out`; `None` unless `s < n`. `n` is odd (checked
/// when the key was read), as Montgomery form needs, and at most `LIMBS`
/// limbs long. Kept out of line so that the two sizes' frames do not add
/// up in the caller's.
#[inline(never)]
fn power<const LIMBS: usize>(n: &[u8], s: &[u8], e: u64, out: &mut [u8; MAX_BYTES]) -> Option<()> {
    let n = widen::<LIMBS>(n)?;
    let s = widen::<LIMBS>(s)?;
    if s >= n {
        return None;
    }
    let params = DynResidueParams::new(&n);
    let base = DynResidue::new(&s, params);
    let mut acc = base;
    for bit in (0..63 - e.leading_zeros()).rev() {
        acc = acc.square();
        if e >> bit & 1 == 1 {
            acc = acc.mul(&base);
        }
    }
    let words = acc.retrieve().to_words();
    let width = LIMBS * Limb::BYTES;
    let tail = out.get_mut(MAX_BYTES.checked_sub(width)?..)?;
    for (chunk, word) in tail.chunks_exact_mut(Limb::BYTES).zip(words.iter().rev()) {
        chunk.copy_from_slice(&Word::to_be_bytes(*word));
    }
    Some(())
}

/// `bytes` (big-endian) as a `LIMBS`-limb integer; `None` if too long.
fn widen<const LIMBS: usize>(bytes: &[u8]) -> Option<Uint<LIMBS>> {
    let mut padded = [0u8; MAX_BYTES];
    let width = LIMBS * Limb::BYTES;
    let field = padded.get_mut(MAX_BYTES.checked_sub(width)?..)?;
    field
        .get_mut(width.checked_sub(bytes.len())?..)?
        .copy_from_slice(bytes);
    Some(Uint::from_be_slice(field))
}

/// The DER `DigestInfo` header before each hash's digest (RFC 8017 section
/// 9.2, note 1).
fn digest_info_prefix(hash: Hash) -> &'static [u8] {
    match hash {
        Hash::Sha256 => &[
            0x30, 0x31, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x01, 0x05, 0x00, 0x04, 0x20,
        ],
        Hash::Sha384 => &[
            0x30, 0x41, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x02, 0x05, 0x00, 0x04, 0x30,
        ],
        Hash::Sha512 => &[
            0x30, 0x51, 0x30, 0x0d, 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02,
            0x03, 0x05, 0x00, 0x04, 0x40,
        ],
    }
}

/// RSASSA-PKCS1-v1_5: whether `signature` signs `digest` (made with
/// `hash`) under `key`.
pub(crate) fn verify_pkcs1(
    key: &PublicKey<'_>,
    hash: Hash,
    digest: &[u8],
    signature: &[u8],
) -> bool {
    let mut buf = [0u8; MAX_BYTES];
    let Some(em) = key.open(signature, &mut buf) else {
        return false;
    };
    // EM = 00 01 FF…FF 00 DigestInfo, with at least eight FF bytes.
    let prefix = digest_info_prefix(hash);
    let t_len = prefix.len() + digest.len();
    let Some(pad_len) = em.len().checked_sub(t_len + 3) else {
        return false;
    };
    let (head, rest) = em.split_at(2);
    let (padding, rest) = rest.split_at(pad_len);
    let (zero, info) = rest.split_at(1);
    let (info_prefix, info_digest) = info.split_at(prefix.len());
    head == [0, 1]
        && pad_len >= 8
        && padding.iter().all(|&b| b == 0xff)
        && zero == [0]
        && info_prefix == prefix
        && info_digest == digest
}

/// RSASSA-PSS with MGF1 and a salt as long as the digest (what TLS 1.3
/// sends): whether `signature` signs `digest` (made with `hash`) under
/// `key`.
pub(crate) fn verify_pss(key: &PublicKey<'_>, hash: Hash, digest: &[u8], signature: &[u8]) -> bool {
    match hash {
        Hash::Sha256 => pss::<Sha256>(key, digest, signature),
        Hash::Sha384 => pss::<Sha384>(key, digest, signature),
        Hash::Sha512 => pss::<Sha512>(key, digest, signature),
    }
}

fn pss<D: Digest + FixedOutputReset>(key: &PublicKey<'_>, m_hash: &[u8], signature: &[u8]) -> bool {
    let h_len = <D as Digest>::output_size();
    let s_len = h_len;
    let mut buf = [0u8; MAX_BYTES];
    let Some(opened) = key.open(signature, &mut buf) else {
        return false;
    };
    // emBits = modBits - 1: when modBits - 1 is a multiple of 8 the encoded
    // message is one byte shorter than the modulus, whose first byte is 0.
    let em_bits = key.bits() - 1;
    let em_len = em_bits.div_ceil(8);
    let Some((lead, em)) = opened.split_at_checked(opened.len() - em_len) else {
        return false;
    };
    if lead.iter().any(|&b| b != 0) || m_hash.len() != h_len || em_len < h_len + s_len + 2 {
        return false;
    }
    let (masked_db, tail) = em.split_at(em_len - h_len - 1);
    let (h, trailer) = tail.split_at(h_len);
    let top_mask = 0xffu8 >> (8 * em_len - em_bits);
    if trailer != [0xbc] || masked_db.first().is_some_and(|&b| b & !top_mask != 0) {
        return false;
    }
    // DB = maskedDB XOR MGF1(H), in place.
    let mut db_buf = [0u8; MAX_BYTES];
    let db = &mut db_buf[..masked_db.len()];
    db.copy_from_slice(masked_db);
    let mut hasher = D::new();
    for (counter, chunk) in (0u32..).zip(db.chunks_mut(h_len)) {
        Digest::update(&mut hasher, h);
        Digest::update(&mut hasher, counter.to_be_bytes());
        let mask = hasher.finalize_reset();
        chunk.iter_mut().zip(mask.iter()).for_each(|(b, m)| *b ^= m);
    }
    if let Some(first) = db.first_mut() {
        *first &= top_mask;
    }
    // DB = 00…00 01 salt
    let (zeros, rest) = db.split_at(db.len() - s_len - 1);
    let (one, salt) = rest.split_at(1);
    if zeros.iter().any(|&b| b != 0) || one != [1] {
        return false;
    }
    Digest::update(&mut hasher, [0u8; 8]);
    Digest::update(&mut hasher, m_hash);
    Digest::update(&mut hasher, salt);
    hasher.finalize_reset().as_slice() == h
}
