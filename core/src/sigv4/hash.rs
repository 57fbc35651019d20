//! SHA-256 and HMAC-SHA256 streamed straight into `sha2`'s block function.
//!
//! [`Sha256Stream`] keeps one 64-byte block and the chaining state, so every
//! small piece of canonical text is one copy into the block, and a full block
//! goes to `sha2::compress256` (SHA extensions where the CPU has them).
//! [`HmacKey`] holds an HMAC key as the two chaining states after its inner and
//! outer pad blocks, so a MAC under a known key costs only its message's blocks
//! and one outer block; cloning it copies 64 bytes.

use sha2::compress256;
use sha2::digest::generic_array::GenericArray;
use sha2::digest::typenum::U64;

use super::{SigningError, Sink};
use crate::text::copy_bytes;

/// SHA-256's initial chaining state (FIPS 180-4, 5.3.3).
const IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

const BLOCK: usize = 64;

/// A SHA-256 computation in progress.
#[derive(Clone)]
pub(crate) struct Sha256Stream {
    state: [u32; 8],
    block: GenericArray<u8, U64>,
    /// Bytes of `block` in use, always below 64.
    used: usize,
    /// Blocks already compressed into `state`.
    blocks: u64,
}

impl Sha256Stream {
    /// A fresh hash.
    pub(crate) fn new() -> Self {
        Self::resume(IV, 0)
    }

    /// Continues from `state` after `blocks` whole blocks.
    fn resume(state: [u32; 8], blocks: u64) -> Self {
        Sha256Stream {
            state,
            block: GenericArray::default(),
            used: 0,
            blocks,
        }
    }

    /// Appends `bytes`.
    #[inline]
    pub(crate) fn update(&mut self, bytes: &[u8]) {
        let end = self.used + bytes.len();
        match self.block.get_mut(self.used..end) {
            Some(dst) if end < BLOCK => {
                copy_bytes(dst, bytes);
                self.used = end;
            }
            _ => self.update_across(bytes),
        }
    }

    /// `update` when `bytes` fills the block at least once.
    #[inline(never)]
    fn update_across(&mut self, bytes: &[u8]) {
        // Checked splits (both always succeed): no panic path is linked.
        let fill = bytes.len().min(BLOCK.saturating_sub(self.used));
        let (head, rest) = bytes.split_at_checked(fill).unwrap_or((bytes, &[]));
        if let Some(dst) = self.block.get_mut(self.used..) {
            copy_bytes(dst, head);
        }
        self.compress_block();
        let mut chunks = rest.chunks_exact(BLOCK);
        for chunk in &mut chunks {
            compress256(
                &mut self.state,
                core::slice::from_ref(GenericArray::from_slice(chunk)),
            );
            self.blocks += 1;
        }
        let tail = chunks.remainder();
        if let Some(dst) = self.block.get_mut(..tail.len()) {
            copy_bytes(dst, tail);
        }
        self.used = tail.len();
    }

    fn compress_block(&mut self) {
        compress256(&mut self.state, core::slice::from_ref(&self.block));
        self.blocks += 1;
        self.used = 0;
    }

    /// Pads, compresses the last block(s) and returns the digest.
    pub(crate) fn finish(mut self) -> [u8; 32] {
        let bits = (self.blocks * BLOCK as u64 + self.used as u64).wrapping_mul(8);
        let used = self.used;
        if let Some(rest) = self.block.get_mut(used..) {
            rest.fill(0);
            if let Some(first) = rest.first_mut() {
                *first = 0x80;
            }
        }
        if used + 1 > BLOCK - 8 {
            self.compress_block();
            self.block.fill(0);
        }
        if let Some(len) = self.block.get_mut(BLOCK - 8..) {
            len.copy_from_slice(&bits.to_be_bytes());
        }
        compress256(&mut self.state, core::slice::from_ref(&self.block));
        words_to_bytes(&self.state)
    }
}

impl Sink for Sha256Stream {
    #[inline]
    fn put(&mut self, bytes: &[u8]) -> Result<(), SigningError> {
        self.update(bytes);
        Ok(())
    }

    #[inline]
    fn put_byte(&mut self, byte: u8) -> Result<(), SigningError> {
        match self.block.get_mut(self.used) {
            Some(slot) if self.used + 1 < BLOCK => {
                *slot = byte;
                self.used += 1;
            }
            _ => self.update_across(&[byte]),
        }
        Ok(())
    }
}

/// A SHA-256 chaining state as the big-endian digest bytes.
fn words_to_bytes(state: &[u32; 8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    for (dst, word) in out.chunks_exact_mut(4).zip(state) {
        dst.copy_from_slice(&word.to_be_bytes());
    }
    out
}

/// An HMAC-SHA256 key, kept as the chaining states after the inner
/// (`key ^ 0x36..`) and outer (`key ^ 0x5c..`) pad blocks. No `Debug`: it is key
/// material.
#[derive(Clone)]
pub(crate) struct HmacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl HmacKey {
    /// The key made of `parts` joined; a key longer than a block is hashed
    /// first (RFC 2104).
    pub(crate) fn new(parts: &[&[u8]]) -> Self {
        let total: usize = parts.iter().map(|p| p.len()).sum();
        let mut key = [0u8; BLOCK];
        if total > BLOCK {
            let mut h = Sha256Stream::new();
            parts.iter().for_each(|p| h.update(p));
            if let Some(first) = key.first_chunk_mut::<32>() {
                *first = h.finish();
            }
        } else {
            let mut at = 0;
            for p in parts {
                if let Some(dst) = key.get_mut(at..at + p.len()) {
                    copy_bytes(dst, p);
                }
                at += p.len();
            }
        }
        let pad = |byte: u8| {
            let mut block = GenericArray::<u8, U64>::default();
            for (b, k) in block.iter_mut().zip(key) {
                *b = k ^ byte;
            }
            let mut state = IV;
            compress256(&mut state, core::slice::from_ref(&block));
            state
        };
        HmacKey {
            inner: pad(0x36),
            outer: pad(0x5c),
        }
    }

    /// A MAC under this key, to feed the message into.
    pub(crate) fn start(&self) -> Sha256Stream {
        Sha256Stream::resume(self.inner, 1)
    }

    /// Completes a MAC begun with [`start`](Self::start).
    pub(crate) fn finish(&self, inner: Sha256Stream) -> [u8; 32] {
        // The outer message is always the pad block then the 32-byte inner
        // digest: one block of fixed layout, padding and length included.
        const OUTER_BITS: u64 = (BLOCK as u64 + 32) * 8;
        let mut bytes = [0u8; BLOCK];
        if let Some((digest, tail)) = bytes.split_first_chunk_mut::<32>() {
            *digest = inner.finish();
            if let Some((first, rest)) = tail.split_first_mut() {
                *first = 0x80;
                if let Some(len) = rest.last_chunk_mut::<8>() {
                    *len = OUTER_BITS.to_be_bytes();
                }
            }
        }
        let block = GenericArray::<u8, U64>::from(bytes);
        let mut state = self.outer;
        compress256(&mut state, core::slice::from_ref(&block));
        words_to_bytes(&state)
    }

    /// HMAC-SHA256 of `msg`.
    pub(crate) fn mac(&self, msg: &[u8]) -> [u8; 32] {
        let mut m = self.start();
        m.update(msg);
        self.finish(m)
    }
}

#[cfg(test)]
mod tests {
    use hmac::{Hmac, Mac};
    use sha2::{Digest, Sha256};

    use super::*;

    #[test]
    fn stream_matches_sha2_for_every_length_and_split() {
        let data: [u8; 300] = core::array::from_fn(|i| (i * 7 + 3) as u8);
        for len in 0..data.len() {
            let want: [u8; 32] = Sha256::digest(&data[..len]).into();
            for split in [1usize, 3, 17, 63, 64, 65, 200] {
                let mut h = Sha256Stream::new();
                data[..len].chunks(split).for_each(|c| h.update(c));
                assert_eq!(h.finish(), want, "len {len} split {split}");
            }
        }
    }

    #[test]
    fn hmac_matches_the_hmac_crate() {
        let bytes: [u8; 200] = core::array::from_fn(|i| (i * 13 + 1) as u8);
        for key_len in [0usize, 1, 20, 32, 63, 64, 65, 131] {
            let key = &bytes[..key_len];
            for msg_len in [0usize, 1, 55, 56, 64, 119, 120, 200] {
                let msg = &bytes[..msg_len];
                let mut want = <Hmac<Sha256> as Mac>::new_from_slice(key).unwrap();
                want.update(msg);
                let want: [u8; 32] = want.finalize().into_bytes().into();
                let (a, b) = key.split_at(key_len / 2);
                assert_eq!(HmacKey::new(&[a, b]).mac(msg), want, "{key_len}/{msg_len}");
            }
        }
    }

    #[test]
    fn rfc4231_case_2() {
        let got = HmacKey::new(&[b"Jefe"]).mac(b"what do ya want for nothing?");
        let want = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843";
        assert_eq!(super::super::encode::hex32(&got), want.as_bytes());
    }
}
