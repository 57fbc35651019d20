//! Steps 2 and 3 of SigV4: the string to sign and the signature over it.

use core::fmt;

use hmac::{Hmac, Mac};
use sha2::Sha256;

use super::encode::hex32;
use super::{CanonicalRequest, SigningError, SigningKey, Sink, SliceWriter};

impl Sink for Hmac<Sha256> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), SigningError> {
        self.update(bytes);
        Ok(())
    }
}

/// `AWS4-HMAC-SHA256`, the algorithm line.
pub const ALGORITHM: &str = "AWS4-HMAC-SHA256";

/// The string to sign:
/// `AWS4-HMAC-SHA256\n<date>\n<scope>\n<hex sha256 of canonical request>`.
#[derive(Clone, Debug)]
pub struct StringToSign<'c, const QUERY: bool = true> {
    canonical: &'c CanonicalRequest<'c, QUERY>,
    digest_hex: [u8; 64],
}

impl<'c, const QUERY: bool> StringToSign<'c, QUERY> {
    /// The string to sign for a canonical request (hashing it once).
    pub fn new(canonical: &'c CanonicalRequest<'_, QUERY>) -> Self {
        StringToSign {
            canonical,
            digest_hex: hex32(&canonical.digest()),
        }
    }

    /// Streams the string to sign into `sink`.
    pub fn write_to<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        sink.put(ALGORITHM.as_bytes())?;
        sink.put_byte(b'\n')?;
        sink.put(self.canonical.date_bytes())?;
        sink.put_byte(b'\n')?;
        self.canonical.write_scope(sink)?;
        sink.put_byte(b'\n')?;
        sink.put(&self.digest_hex)
    }

    /// Writes the string to sign into `buf` and returns it as text.
    pub fn write_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, SigningError> {
        let mut w = SliceWriter::new(buf);
        self.write_to(&mut w)?;
        Ok(w.into_str())
    }

    /// HMAC-SHA256 of this string under `key`: the signature.
    pub fn sign(&self, key: &SigningKey) -> Signature {
        let mut mac = key.start();
        // Writing into a MAC cannot fail.
        let _ = self.write_to(&mut mac);
        Signature::from_digest(&key.finish(mac))
    }
}

/// A SigV4 signature: 64 lowercase hex digits, held in a fixed array.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Signature([u8; 64]);

impl Signature {
    /// The hex form of a 32-byte HMAC.
    pub fn from_digest(digest: &[u8; 32]) -> Self {
        Signature(hex32(digest))
    }

    /// The 64 hex digits.
    pub fn as_str(&self) -> &str {
        core::str::from_utf8(&self.0).unwrap_or("")
    }

    /// The 64 hex digits as bytes.
    pub fn as_bytes(&self) -> &[u8; 64] {
        &self.0
    }
}

impl fmt::Display for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Signature {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Signature({})", self.as_str())
    }
}

#[cfg(feature = "defmt")]
impl defmt::Format for Signature {
    fn format(&self, f: defmt::Formatter<'_>) {
        defmt::write!(f, "Signature({=str})", self.as_str())
    }
}
