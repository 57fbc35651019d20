//! The derived signing key and the small cache that keeps it while the day,
//! region and service stay the same.
//!
//! `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")`.
//! The key is held as a ready-keyed HMAC state, so each signature costs only the
//! hashing of its message, not the key set-up.

use core::fmt;

use hmac::digest::KeyInit;
use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

use crate::credentials::{ACCESS_KEY_ID_CAPACITY, Credentials};
use crate::time::AmzDay;

use super::MAX_SCOPE_PART;

/// HMAC-SHA256 keyed with `key`, any length (keys over a block are hashed first,
/// as RFC 2104 says). Infallible, unlike `Mac::new_from_slice`.
pub(crate) fn hmac_with_key_parts(parts: &[&[u8]]) -> Hmac<Sha256> {
    let total: usize = parts.iter().map(|p| p.len()).sum();
    let mut block = [0u8; 64];
    if total > block.len() {
        let mut h = Sha256::new();
        for p in parts {
            h.update(p);
        }
        block[..32].copy_from_slice(&h.finalize());
    } else {
        let mut at = 0;
        for p in parts {
            block[at..at + p.len()].copy_from_slice(p);
            at += p.len();
        }
    }
    <Hmac<Sha256> as KeyInit>::new(&block.into())
}

fn hmac_once(key: &[u8], msg: &[u8]) -> [u8; 32] {
    let mut m = hmac_with_key_parts(&[key]);
    m.update(msg);
    m.finalize().into_bytes().into()
}

/// A SigV4 signing key for one (secret, day, region, service), ready to MAC.
///
/// Its `Debug` form never shows the key.
#[derive(Clone)]
pub struct SigningKey {
    mac: Hmac<Sha256>,
}

impl SigningKey {
    /// Derives the key: four chained HMACs from `"AWS4" + secret`.
    pub fn derive(secret: &str, day: &AmzDay, region: &str, service: &str) -> Self {
        let mut m = hmac_with_key_parts(&[b"AWS4", secret.as_bytes()]);
        m.update(day.as_str().as_bytes());
        let k_date: [u8; 32] = m.finalize().into_bytes().into();
        let k_region = hmac_once(&k_date, region.as_bytes());
        let k_service = hmac_once(&k_region, service.as_bytes());
        let k_signing = hmac_once(&k_service, b"aws4_request");
        SigningKey {
            mac: hmac_with_key_parts(&[&k_signing]),
        }
    }

    /// A fresh HMAC keyed with this key, to feed a message into.
    pub(crate) fn mac(&self) -> Hmac<Sha256> {
        self.mac.clone()
    }

    /// HMAC-SHA256 of `msg` under this key.
    pub fn sign(&self, msg: &[u8]) -> [u8; 32] {
        let mut m = self.mac();
        m.update(msg);
        m.finalize().into_bytes().into()
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(** redacted **)")
    }
}

/// A 64-bit FNV-1a of the secret: tells the cache the secret changed without the
/// cache keeping a copy of it.
fn secret_tag(secret: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in secret.as_bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

struct CachedKey {
    access_key_id: heapless::String<ACCESS_KEY_ID_CAPACITY>,
    secret_tag: u64,
    day: AmzDay,
    region: heapless::String<MAX_SCOPE_PART>,
    service: heapless::String<MAX_SCOPE_PART>,
    key: SigningKey,
}

/// Keeps the last derived [`SigningKey`] and gives it back while the credentials,
/// day, region and service are unchanged, so the four derivation HMACs run once a
/// day per region and service rather than on every request.
///
/// The caller owns it (one per client or task); it holds no secret, only the
/// derived key and what it was derived from. `Debug` shows no key.
///
/// ```
/// use stratus_core::credentials::Credentials;
/// use stratus_core::sigv4::SigningKeyCache;
/// use stratus_core::time::UnixTime;
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None, None).unwrap();
/// let day = UnixTime::from_secs(1_440_938_160).amz_day();
/// let mut cache = SigningKeyCache::new();
/// let _ = cache.get(&creds, &day, "us-east-1", "s3");
/// assert_eq!(cache.derivations(), 1);
/// let _ = cache.get(&creds, &day, "us-east-1", "s3");
/// assert_eq!(cache.derivations(), 1); // reused
/// let _ = cache.get(&creds, &day, "eu-west-1", "s3");
/// assert_eq!(cache.derivations(), 2); // region changed
/// ```
#[derive(Default)]
pub struct SigningKeyCache {
    entry: Option<CachedKey>,
    derivations: u32,
}

impl SigningKeyCache {
    /// An empty cache.
    pub const fn new() -> Self {
        SigningKeyCache {
            entry: None,
            derivations: 0,
        }
    }

    /// How many times a key was derived (not reused) through this cache.
    pub fn derivations(&self) -> u32 {
        self.derivations
    }

    /// Forgets the cached key.
    pub fn clear(&mut self) {
        self.entry = None;
    }

    /// The signing key for these inputs: the cached one if they match, else a
    /// newly derived one (which replaces it). Region and service longer than
    /// [`MAX_SCOPE_PART`] are derived but not cached.
    pub fn get(
        &mut self,
        credentials: &Credentials,
        day: &AmzDay,
        region: &str,
        service: &str,
    ) -> &SigningKey {
        let tag = secret_tag(credentials.secret_access_key());
        let hit = matches!(&self.entry, Some(e)
            if e.day == *day
                && e.secret_tag == tag
                && e.region.as_str() == region
                && e.service.as_str() == service
                && e.access_key_id.as_str() == credentials.access_key_id());
        if !hit {
            self.entry = None;
        }
        let derivations = &mut self.derivations;
        let entry = self.entry.get_or_insert_with(|| {
            *derivations = derivations.wrapping_add(1);
            let key = SigningKey::derive(credentials.secret_access_key(), day, region, service);
            let mut access_key_id = heapless::String::new();
            let mut r = heapless::String::new();
            let mut s = heapless::String::new();
            let fits = access_key_id.push_str(credentials.access_key_id()).is_ok()
                && r.push_str(region).is_ok()
                && s.push_str(service).is_ok();
            // When the inputs do not fit, the entry is marked so it never matches.
            CachedKey {
                access_key_id,
                secret_tag: if fits { tag } else { !tag },
                day: *day,
                region: r,
                service: s,
                key,
            }
        });
        &entry.key
    }
}

impl fmt::Debug for SigningKeyCache {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut d = f.debug_struct("SigningKeyCache");
        if let Some(e) = &self.entry {
            d.field("day", &e.day.as_str())
                .field("region", &e.region.as_str())
                .field("service", &e.service.as_str());
        }
        d.field("derivations", &self.derivations).finish()
    }
}
