//! The parts of a signature that are written more than once — the signed
//! header list and the credential scope — kept as references and small indices
//! and written out from them whenever needed, never stored as text.

use super::{MAX_SIGNED_HEADERS, SigningError, Sink};
use crate::time::UnixTime;

/// `"00"` to `"99"`.
const DIGIT_PAIRS: [[u8; 2]; 100] = {
    let mut pairs = [[0u8; 2]; 100];
    let mut n = 0;
    while n < 100 {
        pairs[n] = [b'0' + (n / 10) as u8, b'0' + (n % 10) as u8];
        n += 1;
    }
    pairs
};

/// `YYYYMMDDTHHMMSSZ` for `time` (years past 9999 wrap), the text
/// [`UnixTime::amz_date`] gives, written two digits at a time.
pub(crate) fn amz_date_bytes(time: UnixTime) -> [u8; 16] {
    let c = time.civil();
    let mut out = *b"00000000T000000Z";
    let fields = [
        (0, c.year / 100),
        (2, c.year),
        (4, u32::from(c.month)),
        (6, u32::from(c.day)),
        (9, u32::from(c.hour)),
        (11, u32::from(c.minute)),
        (13, u32::from(c.second)),
    ];
    for (at, value) in fields {
        if let (Some(dst), Some(pair)) = (
            out.get_mut(at..at + 2),
            DIGIT_PAIRS.get((value % 100) as usize),
        ) {
            dst.copy_from_slice(pair);
        }
    }
    out
}

/// A header the signer adds itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Added {
    Date,
    SecurityToken,
    ContentSha256,
}

impl Added {
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Added::Date => "x-amz-date",
            Added::SecurityToken => "x-amz-security-token",
            Added::ContentSha256 => "x-amz-content-sha256",
        }
    }
}

/// A signed header: its index in the combined list (the request's headers, then
/// the added ones) and what the checks found, packed for cheap sorting.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Entry(u32);

impl Entry {
    const LOWER: u32 = 1 << 16;
    const TRIMMED: u32 = 1 << 17;

    /// `lower`: the name has no uppercase letter; `trimmed`: the value needs no
    /// trimming.
    pub(crate) fn new(index: u16, lower: bool, trimmed: bool) -> Self {
        let mut bits = u32::from(index);
        if lower {
            bits |= Self::LOWER;
        }
        if trimmed {
            bits |= Self::TRIMMED;
        }
        Entry(bits)
    }

    pub(crate) fn index(self) -> u16 {
        self.0 as u16
    }

    pub(crate) fn lower(self) -> bool {
        self.0 & Self::LOWER != 0
    }

    pub(crate) fn trimmed(self) -> bool {
        self.0 & Self::TRIMMED != 0
    }
}

/// Name of header `i` of the combined list: `headers`, then `added`.
#[inline]
pub(crate) fn name_of<'a>(headers: &[(&'a str, &str)], added: &[Added], i: u16) -> &'a str {
    let i = i as usize;
    match headers.get(i) {
        Some(&(n, _)) => n,
        None => added.get(i - headers.len()).map_or("", |a| a.name()),
    }
}

/// The signed headers in canonical order, as indices into the caller's headers
/// and the added ones.
#[derive(Clone, Debug)]
pub(crate) struct SignedNames<'a> {
    pub(crate) headers: &'a [(&'a str, &'a str)],
    pub(crate) added: heapless::Vec<Added, 3>,
    /// Sorted by lowercase name, then send order.
    pub(crate) entries: heapless::Vec<Entry, MAX_SIGNED_HEADERS>,
    /// Bit `k` set: `entries[k]` starts a new header name.
    pub(crate) group_starts: u64,
}

const _: () = assert!(MAX_SIGNED_HEADERS <= 64, "group_starts is a u64 bitmask");

impl<'a> SignedNames<'a> {
    /// Name of header `i` of the combined list.
    #[inline]
    pub(crate) fn name(&self, i: u16) -> &'a str {
        name_of(self.headers, &self.added, i)
    }

    /// Whether `entries[k]` starts a new header name.
    pub(crate) fn starts_group(&self, k: usize) -> bool {
        self.group_starts & (1 << k) != 0
    }

    /// Writes the names, lowercase, sorted, joined by `;`.
    #[inline]
    pub(crate) fn write_to<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        for (k, e) in self.entries.iter().enumerate() {
            if !self.starts_group(k) {
                continue;
            }
            if k > 0 {
                sink.put_byte(b';')?;
            }
            put_name(sink, self.name(e.index()), e.lower())?;
        }
        Ok(())
    }
}

/// Writes a header name lowercased (`lower`: it already is).
#[inline]
pub(crate) fn put_name<S: Sink + ?Sized>(
    sink: &mut S,
    name: &str,
    lower: bool,
) -> Result<(), SigningError> {
    if lower {
        return sink.put_str(name);
    }
    let mut chunk = [0u8; 32];
    for part in name.as_bytes().chunks(chunk.len()) {
        let out = chunk.get_mut(..part.len()).unwrap_or(&mut []);
        for (d, s) in out.iter_mut().zip(part) {
            *d = s.to_ascii_lowercase();
        }
        sink.put(out)?;
    }
    Ok(())
}

/// Who signs for what: access key id, day, region, service.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Scope<'a> {
    pub(crate) access_key_id: &'a str,
    /// `YYYYMMDDTHHMMSSZ`; the scope uses its first eight bytes.
    pub(crate) date: [u8; 16],
    pub(crate) region: &'a str,
    pub(crate) service: &'a str,
}

impl Scope<'_> {
    /// `YYYYMMDD`.
    pub(crate) fn day(&self) -> &[u8] {
        self.date.get(..8).unwrap_or(b"")
    }

    /// Writes `<day>/<region>/<service>/aws4_request`.
    #[inline]
    pub(crate) fn write_scope<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        sink.put(self.day())?;
        sink.put_byte(b'/')?;
        sink.put_str(self.region)?;
        sink.put_byte(b'/')?;
        sink.put_str(self.service)?;
        sink.put(b"/aws4_request")
    }

    /// Writes `<access key id>/<scope>`.
    pub(crate) fn write_credential<S: Sink + ?Sized>(
        &self,
        sink: &mut S,
    ) -> Result<(), SigningError> {
        self.write_credential_dyn(&mut super::encode::Forward(sink))
    }

    /// [`Self::write_credential`]'s one compiled copy.
    #[inline(never)]
    fn write_credential_dyn(&self, sink: &mut dyn Sink) -> Result<(), SigningError> {
        sink.put_str(self.access_key_id)?;
        sink.put_byte(b'/')?;
        self.write_scope(sink)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn date_text_matches_time_module() {
        let mut t = 0u64;
        while t < 253_402_300_800 {
            let time = UnixTime::from_secs(t);
            assert_eq!(&amz_date_bytes(time), time.amz_date().as_str().as_bytes());
            t += 86_399 * 7 + 3_607;
        }
        for t in [
            0,
            951_782_400,
            1_440_938_160,
            4_107_542_399,
            253_402_300_799,
        ] {
            let time = UnixTime::from_secs(t);
            assert_eq!(&amz_date_bytes(time), time.amz_date().as_str().as_bytes());
        }
    }
}
