//! The derived signing key and the small cache that keeps it while the day,
//! region and service stay the same.
//!
//! `kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, day), region), service), "aws4_request")`.
//! The key is held as a ready-keyed HMAC state, so each signature costs only the
//! hashing of its message, not the key set-up.

use core::fmt;

use crate::credentials::{ACCESS_KEY_ID_CAPACITY, Credentials};
use crate::time::AmzDay;

use super::MAX_SCOPE_PART;
use super::hash::{HmacKey, Sha256Stream};

/// A SigV4 signing key for one (secret, day, region, service), ready to MAC.
///
/// Its `Debug` form never shows the key.
#[derive(Clone)]
pub struct SigningKey {
    key: HmacKey,
}

impl SigningKey {
    /// Derives the key: four chained HMACs from `"AWS4" + secret`.
    pub fn derive(secret: &str, day: &AmzDay, region: &str, service: &str) -> Self {
        Self::derive_for_day(secret, day.as_str().as_bytes(), region, service)
    }

    fn derive_for_day(secret: &str, day: &[u8], region: &str, service: &str) -> Self {
        let k_date = HmacKey::new(&[b"AWS4", secret.as_bytes()]).mac(day);
        let k_region = HmacKey::new(&[&k_date]).mac(region.as_bytes());
        let k_service = HmacKey::new(&[&k_region]).mac(service.as_bytes());
        let k_signing = HmacKey::new(&[&k_service]).mac(b"aws4_request");
        SigningKey {
            key: HmacKey::new(&[&k_signing]),
        }
    }

    /// A MAC under this key, to stream the message into.
    pub(crate) fn start(&self) -> Sha256Stream {
        self.key.start()
    }

    /// Completes a MAC begun with [`start`](Self::start).
    pub(crate) fn finish(&self, mac: Sha256Stream) -> [u8; 32] {
        self.key.finish(mac)
    }

    /// HMAC-SHA256 of `msg` under this key.
    pub fn sign(&self, msg: &[u8]) -> [u8; 32] {
        self.key.mac(msg)
    }
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SigningKey(** redacted **)")
    }
}

/// A 64-bit FNV-1a-style mix of the secret, taken 8 bytes at a time: tells the
/// cache the secret changed without the cache keeping a copy of it.
fn secret_tag(secret: &str) -> u64 {
    let bytes = secret.as_bytes();
    let mut h: u64 = 0xcbf2_9ce4_8422_2325 ^ bytes.len() as u64;
    let mut words = bytes.chunks_exact(8);
    for w in &mut words {
        let mut word = [0u8; 8];
        word.copy_from_slice(w);
        h = (h ^ u64::from_le_bytes(word)).wrapping_mul(0x0000_0100_0000_01b3);
        h ^= h >> 29;
    }
    for &b in words.remainder() {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

struct CachedKey {
    access_key_id: heapless::String<ACCESS_KEY_ID_CAPACITY>,
    secret_tag: u64,
    day: [u8; 8],
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
        self.get_for_day(credentials, day.as_str().as_bytes(), region, service)
    }

    /// [`get`](Self::get) for a `YYYYMMDD` day given as bytes.
    pub(crate) fn get_for_day(
        &mut self,
        credentials: &Credentials,
        day: &[u8],
        region: &str,
        service: &str,
    ) -> &SigningKey {
        let tag = secret_tag(credentials.secret_access_key());
        let hit = matches!(&self.entry, Some(e)
            if e.day.as_slice() == day
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
            let key =
                SigningKey::derive_for_day(credentials.secret_access_key(), day, region, service);
            let mut access_key_id = heapless::String::new();
            let mut r = heapless::String::new();
            let mut s = heapless::String::new();
            let mut day_bytes = [0u8; 8];
            let fits = day.len() == day_bytes.len()
                && access_key_id.push_str(credentials.access_key_id()).is_ok()
                && r.push_str(region).is_ok()
                && s.push_str(service).is_ok();
            // When the inputs do not fit, the entry is marked so it never matches.
            CachedKey {
                access_key_id,
                secret_tag: if fits { tag } else { !tag },
                day: {
                    if let Some(src) = day.get(..8) {
                        day_bytes.copy_from_slice(src);
                    }
                    day_bytes
                },
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
            d.field("day", &core::str::from_utf8(&e.day).unwrap_or(""))
                .field("region", &e.region.as_str())
                .field("service", &e.service.as_str());
        }
        d.field("derivations", &self.derivations).finish()
    }
}
