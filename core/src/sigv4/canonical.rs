//! Step 1 of SigV4: the canonical request.
//!
//! [`CanonicalRequest::new`] checks the request in one pass over each header
//! and settles everything the signature covers (headers to add, payload hash,
//! sorted header order); [`CanonicalRequest::write_to`] then streams the
//! canonical text into any [`Sink`]: SHA-256 when signing, a buffer for tests.
//! Nothing is copied: headers stay in the caller's slice and are sorted as
//! indices, and the signed-header list and credential scope are written from
//! their parts whenever they are needed.

use core::cmp::Ordering;

use sha2::{Digest, Sha256};

use super::encode::{EncodedBytes, hex32, put_percent_encoded};
use super::hash::Sha256Stream;
use super::names::{Added, Entry, Scope, SignedNames, amz_date_bytes, name_of, put_name};
use super::request::{STREAMING_PAYLOAD, UNSIGNED_PAYLOAD};
use super::{
    CREDENTIAL_CAPACITY, MAX_SCOPE_PART, MAX_SIGNED_HEADERS, SIGNED_HEADERS_CAPACITY, SignableBody,
    SignableRequest, SignatureLocation, SigningError, SigningParams, SigningSettings, Sink,
    SliceWriter,
};
use crate::text::copy_bytes;
use crate::time::{AmzDate, UnixTime};

/// What the signer does with a header, by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    /// Never signed: hop-by-hop headers and ones proxies rewrite (botocore's
    /// list).
    Unsigned,
    /// Replaced by the signer's own in header mode.
    Authorization,
    /// Replaced by the signer's `x-amz-date` in header mode.
    Date,
    /// Replaced by the signer's session token header in header mode (when it has
    /// a token).
    SecurityToken,
    /// The caller's payload hash; replaced when the signer adds its own.
    ContentSha256,
    /// Required.
    Host,
    /// Signed as given.
    Other,
}

/// A header name the signer treats specially: its [`sort_key`] (first eight
/// bytes, lowercase), the rest, and its role.
struct Special {
    key: u64,
    name: &'static str,
    role: Role,
}

const fn special(name: &'static str, role: Role) -> Special {
    let bytes = name.as_bytes();
    let mut key = 0u64;
    let mut i = 0;
    while i < 8 {
        key <<= 8;
        if i < bytes.len() {
            key |= bytes[i] as u64;
        }
        i += 1;
    }
    Special { key, name, role }
}

/// Header names the signer treats specially (all lowercase), by length.
const SPECIAL_HEADERS: [&[Special]; 21] = {
    const NONE: &[Special] = &[];
    let mut by_len = [NONE; 21];
    by_len[2] = &[special("te", Role::Unsigned)];
    by_len[4] = &[special("host", Role::Host)];
    by_len[6] = &[special("expect", Role::Unsigned)];
    by_len[7] = &[
        special("trailer", Role::Unsigned),
        special("upgrade", Role::Unsigned),
    ];
    by_len[10] = &[
        special("connection", Role::Unsigned),
        special("keep-alive", Role::Unsigned),
        special("user-agent", Role::Unsigned),
        special("x-amz-date", Role::Date),
    ];
    by_len[13] = &[special("authorization", Role::Authorization)];
    by_len[15] = &[special("x-amzn-trace-id", Role::Unsigned)];
    by_len[17] = &[special("transfer-encoding", Role::Unsigned)];
    by_len[18] = &[special("proxy-authenticate", Role::Unsigned)];
    by_len[19] = &[special("proxy-authorization", Role::Unsigned)];
    by_len[20] = &[
        special("x-amz-security-token", Role::SecurityToken),
        special("x-amz-content-sha256", Role::ContentSha256),
    ];
    by_len
};

/// The role of a header name whose [`sort_key`] is `key`. Candidates are
/// found by length; their keys settle almost every comparison, so the rest of a
/// name is compared only on a match.
#[inline]
fn role(name: &str, key: u64) -> Role {
    let candidates: &[Special] = SPECIAL_HEADERS.get(name.len()).copied().unwrap_or(&[]);
    candidates
        .iter()
        .find(|s| {
            s.key == key
                && s.name
                    .as_bytes()
                    .get(8..)
                    .unwrap_or(b"")
                    .eq_ignore_ascii_case(name.as_bytes().get(8..).unwrap_or(b""))
        })
        .map_or(Role::Other, |s| s.role)
}

/// The role of the header the signer adds.
const fn added_role(a: Added) -> Role {
    match a {
        Added::Date => Role::Date,
        Added::SecurityToken => Role::SecurityToken,
        Added::ContentSha256 => Role::ContentSha256,
    }
}

/// The payload hash line: hex computed here, or text given by the caller.
#[derive(Clone, Copy, Debug)]
pub(crate) enum PayloadHash<'a> {
    Hex([u8; 64]),
    Text(&'a str),
}

impl<'a> PayloadHash<'a> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            PayloadHash::Hex(h) => core::str::from_utf8(h).unwrap_or(""),
            PayloadHash::Text(t) => t,
        }
    }

    fn as_bytes(&self) -> &[u8] {
        match self {
            PayloadHash::Hex(h) => h,
            PayloadHash::Text(t) => t.as_bytes(),
        }
    }
}

/// A query parameter: key and value as they enter the canonical query. Values the
/// signer adds (`X-Amz-Credential`, …) are raw and get percent-encoded on output.
#[derive(Clone, Copy)]
struct QueryItem<'q> {
    key: &'q str,
    value: &'q str,
    encode_value: bool,
}

impl QueryItem<'_> {
    fn cmp(&self, other: &QueryItem<'_>) -> Ordering {
        self.key
            .cmp(other.key)
            .then_with(|| match (self.encode_value, other.encode_value) {
                (false, false) => self.value.cmp(other.value),
                (a, b) => value_bytes(self.value, a).cmp(value_bytes(other.value, b)),
            })
    }

    fn write_to<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        sink.put_str(self.key)?;
        sink.put_byte(b'=')?;
        if self.encode_value {
            put_percent_encoded(sink, self.value.as_bytes(), false)
        } else {
            sink.put_str(self.value)
        }
    }
}

fn value_bytes(v: &str, encode: bool) -> EncodedBytes<'_> {
    EncodedBytes::new(v.as_bytes(), encode)
}

/// Per byte: [`TOKEN`] if it may appear in an HTTP token, [`UPPER`] if it is
/// an ASCII capital.
const NAME_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0usize;
    while b < 256 {
        let byte = b as u8;
        if crate::http::is_tchar(byte) {
            table[b] |= TOKEN;
        }
        if byte.is_ascii_uppercase() {
            table[b] |= UPPER;
        }
        b += 1;
    }
    table
};
const TOKEN: u8 = 1;
const UPPER: u8 = 2;

fn is_token(s: &str) -> bool {
    scan_name(s).valid
}

/// What one pass over a header name found.
#[derive(Clone, Copy)]
struct NameScan {
    /// Non-empty and all token characters.
    valid: bool,
    /// No uppercase letter: written as is.
    lower: bool,
}

/// Bit 7 of each byte of `x` set where that byte lies in `lo..=hi` (exact for
/// bytes below 0x80: `(b | 0x80) - lo` and `(hi | 0x80) - b` never borrow).
const fn bytes_in(x: u64, lo: u8, hi: u8) -> u64 {
    let at_least = (x | HIGH).wrapping_sub(lo as u64 * LANES);
    let at_most = (((hi as u64) * LANES) | HIGH).wrapping_sub(x);
    at_least & at_most & HIGH
}

/// Whether all eight bytes of `x` are `a-z`, `0-9` or `-`: the common header
/// name, a token with nothing to lowercase.
const fn plain_name_word(x: u64) -> bool {
    if x & HIGH != 0 {
        return false;
    }
    let ok = bytes_in(x, b'a', b'z') | bytes_in(x, b'0', b'9') | bytes_in(x, b'-', b'-');
    ok == HIGH
}

#[inline]
fn scan_name(name: &str) -> NameScan {
    // Eight bytes at a time for plain names (the last word may overlap the
    // one before); anything else takes the table.
    let bytes = name.as_bytes();
    let word = |w: &[u8]| {
        let mut a = [0u8; 8];
        a.copy_from_slice(w);
        plain_name_word(u64::from_le_bytes(a))
    };
    if bytes.len() >= 8
        && bytes.chunks_exact(8).fold(true, |all, w| all & word(w))
        && bytes.get(bytes.len() - 8..).is_some_and(word)
    {
        return NameScan {
            valid: true,
            lower: true,
        };
    }
    let (all, any) = name.bytes().fold((TOKEN, 0u8), |(all, any), b| {
        let class = NAME_BYTES[b as usize];
        (all & class, any | class)
    });
    NameScan {
        valid: all & TOKEN != 0 && !name.is_empty(),
        lower: any & UPPER == 0,
    }
}

/// What one pass over a header value found.
#[derive(Clone, Copy)]
struct ValueScan {
    /// No control character but tab.
    sendable: bool,
    /// Printable ASCII with no leading, trailing or doubled space: trimming
    /// would leave it as it is.
    trimmed: bool,
}

const LANES: u64 = 0x0101_0101_0101_0101;
const HIGH: u64 = 0x8080_8080_8080_8080;

#[inline]
fn scan_value(bytes: &[u8]) -> ValueScan {
    // Most values are visible ASCII without spaces (0x21..=0x7e): checked eight
    // bytes at a time, they need no trimming. A byte outside that range gives
    // (b - 0x21) or (b + 1) bit 7, or has it; borrows and carries only ever add
    // false alarms after a true one, and an alarm just takes the exact path.
    let graphic_word = |word: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(word);
        let x = u64::from_le_bytes(w);
        ((x.wrapping_sub(0x21 * LANES) | x.wrapping_add(LANES) | x) & HIGH) == 0
    };
    let graphic = match bytes.len() {
        // The last word may overlap the one before: checking twice is harmless.
        8.. => {
            bytes
                .chunks_exact(8)
                .fold(true, |all, w| all & graphic_word(w))
                && bytes.get(bytes.len() - 8..).is_some_and(graphic_word)
        }
        _ => bytes.iter().all(|&b| (0x21..0x7f).contains(&b)),
    };
    if graphic {
        return ValueScan {
            sendable: true,
            trimmed: true,
        };
    }
    // Exact: no control character but tab; trimmed if printable ASCII with no
    // leading, trailing or doubled space.
    let mut sendable = true;
    let mut plain = true;
    let mut doubled = false;
    let mut previous_space = false;
    for &b in bytes {
        sendable &= (b >= 0x20 || b == b'\t') && b != 0x7f;
        plain &= (0x20..0x7f).contains(&b);
        let space = b == b' ';
        doubled |= space & previous_space;
        previous_space = space;
    }
    let edges = matches!(bytes.first(), Some(b' ')) || matches!(bytes.last(), Some(b' '));
    ValueScan {
        sendable,
        trimmed: plain && !doubled && !edges,
    }
}

fn is_scope_part(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= MAX_SCOPE_PART
        && s.bytes().all(|b| b.is_ascii_graphic() && b != b'/')
}

fn lower_cmp(a: &str, b: &str) -> Ordering {
    for (x, y) in a.bytes().zip(b.bytes()) {
        let (x, y) = (x.to_ascii_lowercase(), y.to_ascii_lowercase());
        if x != y {
            return x.cmp(&y);
        }
    }
    a.len().cmp(&b.len())
}

/// The first 8 bytes of a header name, lowercased, as a big-endian number:
/// names with different keys compare as their keys do (shorter names are
/// zero-padded, and no token character is zero).
#[inline]
fn sort_key(name: &str, lower: bool) -> u64 {
    let bytes = name.as_bytes();
    let mut k = [0u8; 8];
    match bytes.get(..8) {
        Some(prefix) => k.copy_from_slice(prefix),
        None => copy_bytes(k.get_mut(..bytes.len()).unwrap_or(&mut []), bytes),
    }
    if !lower {
        k = k.map(|c| c.to_ascii_lowercase());
    }
    u64::from_be_bytes(k)
}

/// Writes `value` with leading/trailing whitespace removed and inner runs of
/// whitespace folded to one space (SigV4's "Trimall").
fn put_trimmed<S: Sink + ?Sized>(sink: &mut S, value: &str) -> Result<(), SigningError> {
    let mut first = true;
    // botocore's `' '.join(value.split())`, at Python's whitespace (of
    // which a value that was let through has only space, tab and non-ASCII).
    for word in crate::text::py_words(value) {
        if !first {
            sink.put_byte(b' ')?;
        }
        first = false;
        sink.put_str(word)?;
    }
    Ok(())
}

/// Whether path segment `index` survives dot-segment removal: it is a real
/// segment and no later `..` cancels it.
fn segment_kept(path: &str, index: usize, segment: &str) -> bool {
    if segment.is_empty() || segment == "." || segment == ".." {
        return false;
    }
    let mut depth = 0usize;
    for later in crate::text::split_ascii(path, b'/').skip(index + 1) {
        match later {
            "" | "." => {}
            ".." if depth == 0 => return false,
            ".." => depth -= 1,
            _ => depth += 1,
        }
    }
    true
}

/// The canonical request of one request under one set of [`SigningParams`],
/// checked and ready to write.
///
/// ```
/// use stratus_core::credentials::Credentials;
/// use stratus_core::sigv4::{CanonicalRequest, SignableBody, SignableRequest, SigningParams, SigningSettings};
/// use stratus_core::time::UnixTime;
/// let creds = Credentials::new("AKIDEXAMPLE", "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY", None, None).unwrap();
/// let params = SigningParams {
///     credentials: &creds, region: "us-east-1", service: "service",
///     time: UnixTime::parse_amz_date("20150830T123600Z").unwrap(),
///     settings: SigningSettings::for_service(),
/// };
/// let req = SignableRequest {
///     method: "GET", path: "/", query: "", body: SignableBody::Bytes(b""),
///     headers: &[("Host", "example.amazonaws.com")],
/// };
/// let mut buf = [0u8; 512];
/// let text = CanonicalRequest::new(&req, &params).unwrap().write_into(&mut buf).unwrap();
/// assert!(text.starts_with("GET\n/\n\nhost:example.amazonaws.com\nx-amz-date:20150830T123600Z\n\n"));
/// ```
///
/// `QUERY` is whether the signature may go in the query string (presigning):
/// the pipeline's calls, which always sign in headers, use
/// `CanonicalRequest<'_, false>`, whose presign paths are compiled out.
#[derive(Debug)]
pub struct CanonicalRequest<'a, const QUERY: bool = true> {
    request: SignableRequest<'a>,
    settings: SigningSettings,
    scope: Scope<'a>,
    token: Option<&'a str>,
    time: UnixTime,
    expires: heapless::String<10>,
    payload: PayloadHash<'a>,
    names: SignedNames<'a>,
}

impl<'a> CanonicalRequest<'a> {
    /// Checks `request` against `params` and settles what will be signed.
    pub fn new(
        request: &SignableRequest<'a>,
        params: &SigningParams<'a>,
    ) -> Result<Self, SigningError> {
        Self::build(request, params)
    }
}

impl<'a> CanonicalRequest<'a, false> {
    /// [`CanonicalRequest::new`] for a signature in the headers, whatever
    /// `params.settings.location` says.
    pub(crate) fn in_headers(
        request: &SignableRequest<'a>,
        params: &SigningParams<'a>,
    ) -> Result<Self, SigningError> {
        Self::build(request, params)
    }
}

impl<'a, const QUERY: bool> CanonicalRequest<'a, QUERY> {
    fn build(
        request: &SignableRequest<'a>,
        params: &SigningParams<'a>,
    ) -> Result<Self, SigningError> {
        let mut settings = params.settings;
        if !QUERY {
            settings.location = SignatureLocation::Headers;
        }
        if !is_token(request.method) {
            return Err(SigningError::InvalidMethod);
        }
        if !is_scope_part(params.region) {
            return Err(SigningError::InvalidRegion);
        }
        if !is_scope_part(params.service) {
            return Err(SigningError::InvalidService);
        }
        // 10000-01-01T00:00:00Z: SigV4's four-digit year ends just before.
        if params.time.as_secs() >= 253_402_300_800 {
            return Err(SigningError::TimeOutOfRange);
        }
        let query_mode = QUERY
            && match settings.location {
                SignatureLocation::Headers => false,
                SignatureLocation::QueryString { expires_secs } => {
                    if !(1..=604_800).contains(&expires_secs) {
                        return Err(SigningError::InvalidExpiry { secs: expires_secs });
                    }
                    true
                }
            };
        let access_key_id = params.credentials.access_key_id();
        if access_key_id.len() + 1 + 8 + 1 + params.region.len() + 1 + params.service.len() + 13
            > CREDENTIAL_CAPACITY
        {
            return Err(SigningError::InvalidService);
        }
        let token = params.credentials.session_token();
        let mut expires = heapless::String::new();
        if let SignatureLocation::QueryString { expires_secs } = settings.location {
            let _ = core::fmt::Write::write_fmt(&mut expires, format_args!("{expires_secs}"));
        }

        // Headers the signer adds replace the caller's of the same name.
        let mut added = heapless::Vec::new();
        let adds_hash_header =
            !query_mode && (settings.payload_hash_header || request.body == SignableBody::Unsigned);
        if !query_mode {
            let _ = added.push(Added::Date);
            if token.is_some() {
                let _ = added.push(Added::SecurityToken);
            }
            if adds_hash_header {
                let _ = added.push(Added::ContentSha256);
            }
        }

        let headers = request.headers;
        if headers.len() + added.len() > u16::MAX as usize {
            return Err(SigningError::TooManyHeaders {
                max: MAX_SIGNED_HEADERS,
            });
        }
        let too_many = SigningError::TooManyHeaders {
            max: MAX_SIGNED_HEADERS,
        };
        let mut entries: heapless::Vec<Entry, MAX_SIGNED_HEADERS> = heapless::Vec::new();
        let mut keys: heapless::Vec<u64, MAX_SIGNED_HEADERS> = heapless::Vec::new();
        let mut has_host = false;
        let mut caller_hash: Option<&'a str> = None;
        for (index, &(name, value)) in headers.iter().enumerate() {
            let name_scan = scan_name(name);
            let key = sort_key(name, name_scan.lower);
            let role = role(name, key);
            let replaced = !query_mode
                && match role {
                    Role::Unsigned | Role::Authorization => true,
                    Role::Host | Role::Other => false,
                    r => added.iter().any(|&a| added_role(a) == r),
                };
            if role == Role::Unsigned || replaced {
                continue;
            }
            if !name_scan.valid {
                return Err(SigningError::InvalidHeaderName { index });
            }
            let value_scan = scan_value(value.as_bytes());
            if !value_scan.sendable {
                return Err(SigningError::InvalidHeaderValue { index });
            }
            has_host |= role == Role::Host;
            if role == Role::ContentSha256 && caller_hash.is_none() {
                caller_hash = Some(value);
            }
            // Fits while `entries` does (same capacity).
            let _ = keys.push(key);
            entries
                .push(Entry::new(
                    index as u16,
                    name_scan.lower,
                    value_scan.trimmed,
                ))
                .map_err(|_| too_many)?;
        }
        if !has_host {
            return Err(SigningError::MissingHost);
        }
        if entries.len() + added.len() > MAX_SIGNED_HEADERS {
            return Err(too_many);
        }

        let body_hash = match request.body {
            // A caller's own x-amz-content-sha256 is what gets signed, unless
            // the signer sets that header itself (botocore does the same): then
            // the body need not be hashed.
            SignableBody::Bytes(_) if caller_hash.is_some() && !adds_hash_header => {
                PayloadHash::Text("")
            }
            SignableBody::Bytes(b) => PayloadHash::Hex(hex32(&Sha256::digest(b).into())),
            SignableBody::Unsigned => PayloadHash::Text(UNSIGNED_PAYLOAD),
            SignableBody::StreamingAwsChunked => PayloadHash::Text(STREAMING_PAYLOAD),
            SignableBody::Precomputed(h) => {
                if h.is_empty() || !h.bytes().all(|b| b.is_ascii_graphic()) {
                    return Err(SigningError::InvalidPayloadHash);
                }
                PayloadHash::Text(h)
            }
        };
        let payload = match caller_hash {
            Some(h) if !adds_hash_header => PayloadHash::Text(h),
            _ => body_hash,
        };

        let date_text = amz_date_bytes(params.time);
        for (i, &a) in added.iter().enumerate() {
            let value: &[u8] = match a {
                Added::Date => &date_text,
                Added::SecurityToken => token.unwrap_or("").as_bytes(),
                Added::ContentSha256 => payload.as_bytes(),
            };
            let _ = keys.push(sort_key(a.name(), true));
            entries
                .push(Entry::new(
                    (headers.len() + i) as u16,
                    true,
                    scan_value(value).trimmed,
                ))
                .map_err(|_| too_many)?;
        }
        // Insertion sort of the entries (and their keys): few headers, stable
        // for repeats, most comparisons settled by the 8-byte keys.
        let name = |e: Entry| name_of(headers, &added, e.index());
        let cmp = |a: Entry, b: Entry| {
            if a.lower() && b.lower() {
                name(a).cmp(name(b))
            } else {
                lower_cmp(name(a), name(b))
            }
        };
        let n = entries.len();
        // Both hold `n` (one key per entry): with the lengths known equal,
        // the sort's indexing needs no bounds checks.
        let (Some(keys), Some(list)) = (keys.get_mut(..n), entries.get_mut(..n)) else {
            return Err(too_many);
        };
        for i in 1..n {
            let mut j = i;
            while j > 0 {
                let ord = keys[j - 1]
                    .cmp(&keys[j])
                    .then_with(|| cmp(list[j - 1], list[j]));
                if ord != Ordering::Greater {
                    break;
                }
                keys.swap(j - 1, j);
                list.swap(j - 1, j);
                j -= 1;
            }
        }
        let mut group_starts = 0u64;
        let mut signed_len = 0usize;
        for k in 0..n {
            let starts =
                k == 0 || keys[k - 1] != keys[k] || cmp(list[k - 1], list[k]) != Ordering::Equal;
            if starts {
                group_starts |= 1 << k;
                signed_len += usize::from(k > 0) + name(list[k]).len();
            }
        }
        if signed_len > SIGNED_HEADERS_CAPACITY {
            return Err(SigningError::SignedHeadersTooLong);
        }
        Ok(CanonicalRequest {
            request: *request,
            settings,
            scope: Scope {
                access_key_id,
                date: date_text,
                region: params.region,
                service: params.service,
            },
            token,
            time: params.time,
            expires,
            payload,
            names: SignedNames {
                headers,
                added,
                entries,
                group_starts,
            },
        })
    }

    fn name(&self, i: u16) -> &str {
        self.names.name(i)
    }

    /// Value of header `i` of the combined list: the request's, then the added
    /// ones.
    #[inline]
    fn value(&self, i: u16) -> &[u8] {
        let i = i as usize;
        match self.request.headers.get(i) {
            Some(&(_, v)) => v.as_bytes(),
            None => self
                .names
                .added
                .get(i - self.request.headers.len())
                .map_or(&[], |&a| self.added_value(a)),
        }
    }

    fn added_value(&self, a: Added) -> &[u8] {
        match a {
            Added::Date => &self.scope.date,
            Added::SecurityToken => self.token.unwrap_or("").as_bytes(),
            Added::ContentSha256 => self.payload.as_bytes(),
        }
    }

    /// `YYYYMMDD`, the credential-scope day, as bytes.
    pub(crate) fn day(&self) -> &[u8] {
        self.scope.day()
    }

    /// `YYYYMMDDTHHMMSSZ` as bytes.
    pub(crate) fn date_bytes(&self) -> &[u8; 16] {
        &self.scope.date
    }

    pub(crate) fn scope_parts(&self) -> Scope<'a> {
        self.scope
    }

    pub(crate) fn signed_names(&self) -> &SignedNames<'a> {
        &self.names
    }

    /// Writes the signed header names, lowercase, sorted, joined by `;`.
    pub fn write_signed_headers<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        self.names.write_to(sink)
    }

    /// Writes the credential scope, `<day>/<region>/<service>/aws4_request`.
    pub fn write_scope<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        self.scope.write_scope(sink)
    }

    /// Writes the `Credential=` value, `<access key id>/<scope>`.
    pub fn write_credential<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        self.scope.write_credential(sink)
    }

    /// The signing time as `YYYYMMDDTHHMMSSZ`.
    pub fn amz_date(&self) -> AmzDate {
        self.time.amz_date()
    }

    /// The payload hash line (hex, `UNSIGNED-PAYLOAD`, …).
    pub fn payload_hash(&self) -> &str {
        self.payload.as_str()
    }

    pub(crate) fn payload(&self) -> PayloadHash<'a> {
        self.payload
    }

    pub(crate) fn time(&self) -> UnixTime {
        self.time
    }

    pub(crate) fn token(&self) -> Option<&'a str> {
        self.token
    }

    pub(crate) fn adds_content_sha256(&self) -> bool {
        self.names.added.contains(&Added::ContentSha256)
    }

    pub(crate) fn expires(&self) -> &str {
        &self.expires
    }

    fn query_mode(&self) -> bool {
        QUERY
            && matches!(
                self.settings.location,
                SignatureLocation::QueryString { .. }
            )
    }

    fn write_path<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        let path = self.request.path;
        if path.is_empty() {
            return sink.put_byte(b'/');
        }
        let encode = self.settings.double_encode_path;
        let put = |sink: &mut S, s: &str| {
            if encode {
                put_percent_encoded(sink, s.as_bytes(), true)
            } else {
                sink.put_str(s)
            }
        };
        if !self.settings.normalize_path {
            return put(sink, path);
        }
        if path == "/" {
            return sink.put_byte(b'/');
        }
        if path.starts_with('/') {
            sink.put_byte(b'/')?;
        }
        let mut any = false;
        for (i, seg) in crate::text::split_ascii(path, b'/').enumerate() {
            if segment_kept(path, i, seg) {
                if any {
                    sink.put_byte(b'/')?;
                }
                any = true;
                put(sink, seg)?;
            }
        }
        if any && path.ends_with('/') {
            sink.put_byte(b'/')?;
        }
        Ok(())
    }

    fn write_query<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        let raw = self.request.query;
        if raw.is_empty() && !self.query_mode() {
            return Ok(());
        }
        // The presign parameters in botocore's order, values raw (encoded on
        // output); credential and signed headers are written out for them.
        let mut credential = [0u8; CREDENTIAL_CAPACITY];
        let mut signed = [0u8; SIGNED_HEADERS_CAPACITY];
        let (credential, signed) = if self.query_mode() {
            let mut c = SliceWriter::new(&mut credential);
            self.write_credential(&mut c)?;
            let mut s = SliceWriter::new(&mut signed);
            self.write_signed_headers(&mut s)?;
            (c.into_str(), s.into_str())
        } else {
            ("", "")
        };
        let date = core::str::from_utf8(self.date_bytes()).unwrap_or("");
        let auth: [(&str, Option<&str>); 6] = [
            ("X-Amz-Algorithm", Some("AWS4-HMAC-SHA256")),
            ("X-Amz-Credential", Some(credential)),
            ("X-Amz-Date", Some(date)),
            ("X-Amz-Expires", Some(self.expires.as_str())),
            ("X-Amz-SignedHeaders", Some(signed)),
            ("X-Amz-Security-Token", self.token),
        ];
        let query_mode = self.query_mode();
        let items = || {
            let caller = crate::text::split_ascii(raw, b'&')
                .filter(move |_| !raw.is_empty())
                .map(|pair| {
                    let (key, value) =
                        crate::text::split_once_ascii(pair, b'=').unwrap_or((pair, ""));
                    QueryItem {
                        key,
                        value,
                        encode_value: false,
                    }
                });
            let added = auth
                .iter()
                .filter(move |_| query_mode)
                .filter_map(|&(key, value)| {
                    Some(QueryItem {
                        key,
                        value: value?,
                        encode_value: true,
                    })
                });
            caller.chain(added)
        };
        // Selection by successive minimum: sorts without storage; equal pairs
        // are written as often as they occur.
        let mut last: Option<QueryItem<'_>> = None;
        let mut first = true;
        loop {
            let mut best: Option<(QueryItem<'_>, usize)> = None;
            for item in items() {
                if let Some(l) = &last
                    && item.cmp(l) != Ordering::Greater
                {
                    continue;
                }
                best = match best {
                    None => Some((item, 1)),
                    Some((b, n)) => match item.cmp(&b) {
                        Ordering::Less => Some((item, 1)),
                        Ordering::Equal => Some((b, n + 1)),
                        Ordering::Greater => Some((b, n)),
                    },
                };
            }
            let Some((item, count)) = best else {
                return Ok(());
            };
            for _ in 0..count {
                if !first {
                    sink.put_byte(b'&')?;
                }
                first = false;
                item.write_to(sink)?;
            }
            last = Some(item);
        }
    }

    #[inline]
    fn write_headers<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        for (k, &e) in self.names.entries.iter().enumerate() {
            let (name, value) = (self.name(e.index()), self.value(e.index()));
            if self.names.starts_group(k) {
                if k > 0 {
                    sink.put_byte(b'\n')?;
                }
                put_name(sink, name, e.lower())?;
                sink.put_byte(b':')?;
            } else {
                sink.put_byte(b',')?;
            }
            if e.trimmed() {
                sink.put(value)?;
            } else {
                // Values are UTF-8: the caller's are `&str`, the added ASCII.
                put_trimmed(sink, core::str::from_utf8(value).unwrap_or(""))?;
            }
        }
        sink.put_byte(b'\n')
    }

    /// Streams the canonical request into `sink`.
    pub fn write_to<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        let method = self.request.method;
        if method.bytes().any(|b| b.is_ascii_lowercase()) {
            for b in method.bytes() {
                sink.put(&[b.to_ascii_uppercase()])?;
            }
        } else {
            sink.put_str(method)?;
        }
        sink.put_byte(b'\n')?;
        self.write_path(sink)?;
        sink.put_byte(b'\n')?;
        self.write_query(sink)?;
        sink.put_byte(b'\n')?;
        self.write_headers(sink)?;
        sink.put_byte(b'\n')?;
        self.write_signed_headers(sink)?;
        sink.put_byte(b'\n')?;
        sink.put(self.payload.as_bytes())
    }

    /// Writes the canonical request into `buf` and returns it as text.
    pub fn write_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, SigningError> {
        let mut w = SliceWriter::new(buf);
        self.write_to(&mut w)?;
        Ok(w.into_str())
    }

    /// SHA-256 of the canonical request, computed by streaming it.
    pub fn digest(&self) -> [u8; 32] {
        let mut h = Sha256Stream::new();
        // Writing into a hasher cannot fail.
        let _ = self.write_to(&mut h);
        h.finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(path: &str) -> heapless::Vec<&str, 16> {
        let mut v = heapless::Vec::new();
        for (i, s) in crate::text::split_ascii(path, b'/').enumerate() {
            if segment_kept(path, i, s) {
                let _ = v.push(s);
            }
        }
        v
    }

    /// The plain definition `scan_value` must agree with.
    fn scan_value_slowly(v: &str) -> (bool, bool) {
        let b = v.as_bytes();
        let sendable = b.iter().all(|&c| c == b'\t' || (c >= 0x20 && c != 0x7f));
        let trimmed = b.iter().all(|&c| (0x20..0x7f).contains(&c))
            && !b.windows(2).any(|w| w == b"  ")
            && b.first() != Some(&b' ')
            && b.last() != Some(&b' ');
        (sendable, trimmed)
    }

    #[test]
    fn value_scan_matches_its_definition() {
        let alphabet = [
            b'a', b' ', b'\t', 0x1f, 0x7f, 0x7e, 0x20, 0x80, 0xff, 0x00, b'Z',
        ];
        let mut state = 0x2545_f491_4f6c_dd1du64;
        for len in 0..40usize {
            for _ in 0..300 {
                let mut buf = [0u8; 40];
                for b in buf.iter_mut().take(len) {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    *b = alphabet[(state % alphabet.len() as u64) as usize];
                }
                // Only valid UTF-8 reaches the scan; map stray high bytes to a
                // two-byte character.
                let text = match core::str::from_utf8(&buf[..len]) {
                    Ok(t) => t,
                    Err(_) => continue,
                };
                let got = scan_value(text.as_bytes());
                assert_eq!(
                    (got.sendable, got.trimmed),
                    scan_value_slowly(text),
                    "{text:?}"
                );
            }
        }
        for v in [
            "",
            " ",
            "a",
            "a  b",
            "a b",
            "12345678 ",
            "1234567  8",
            "1234567 ",
            "ሴ",
        ] {
            let got = scan_value(v.as_bytes());
            assert_eq!((got.sendable, got.trimmed), scan_value_slowly(v), "{v:?}");
        }
    }

    #[test]
    fn plain_name_words_are_exactly_lowercase_digits_and_dashes() {
        for b in 0..=255u8 {
            let plain = b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-';
            for at in 0..8 {
                let mut w = *b"abc-0123";
                w[at] = b;
                assert_eq!(
                    plain_name_word(u64::from_le_bytes(w)),
                    plain,
                    "{b:#x} at {at}"
                );
            }
        }
        let long = "x-amz-content-sha256";
        assert_eq!((scan_name(long).valid, scan_name(long).lower), (true, true));
        let mixed = "X-Amz-Content-Sha256";
        assert_eq!(
            (scan_name(mixed).valid, scan_name(mixed).lower),
            (true, false)
        );
        let bad = "x-amz-content:sha256";
        assert!(!scan_name(bad).valid);
    }

    #[test]
    fn name_scan() {
        for (name, valid, lower) in [
            ("host", true, true),
            ("Host", true, false),
            ("", false, true),
            ("a b", false, true),
            ("ሴ", false, true),
            ("x-Amz~!#$%&'*+.^_`|", true, false),
        ] {
            let got = scan_name(name);
            assert_eq!((got.valid, got.lower), (valid, lower), "{name:?}");
        }
    }

    #[test]
    fn dot_segments_cancel_like_a_stack() {
        assert_eq!(kept("/a/b/../c"), ["a", "c"]);
        assert_eq!(kept("/a/b/../../c"), ["c"]);
        assert_eq!(kept("/../../a"), ["a"]);
        assert_eq!(kept("/a/./b//c/.."), ["a", "b"]);
        assert_eq!(kept("/a/b/c/../x/../../d"), ["a", "d"]);
    }
}
