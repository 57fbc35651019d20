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

use super::encode::{copy_bytes, hex32, percent_encoded_bytes, put_percent_encoded};
use super::hash::Sha256Stream;
use super::request::{STREAMING_PAYLOAD, UNSIGNED_PAYLOAD};
use super::{
    CREDENTIAL_CAPACITY, MAX_SCOPE_PART, MAX_SIGNED_HEADERS, SIGNED_HEADERS_CAPACITY, SignableBody,
    SignableRequest, SignatureLocation, SigningError, SigningParams, SigningSettings, Sink,
    SliceWriter,
};
use crate::time::AmzDate;

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

/// Header names the signer treats specially, lowercase.
const SPECIAL_HEADERS: [(&str, Role); 16] = [
    ("connection", Role::Unsigned),
    ("expect", Role::Unsigned),
    ("keep-alive", Role::Unsigned),
    ("proxy-authenticate", Role::Unsigned),
    ("proxy-authorization", Role::Unsigned),
    ("te", Role::Unsigned),
    ("trailer", Role::Unsigned),
    ("transfer-encoding", Role::Unsigned),
    ("upgrade", Role::Unsigned),
    ("user-agent", Role::Unsigned),
    ("x-amzn-trace-id", Role::Unsigned),
    ("authorization", Role::Authorization),
    ("x-amz-date", Role::Date),
    ("x-amz-security-token", Role::SecurityToken),
    ("x-amz-content-sha256", Role::ContentSha256),
    ("host", Role::Host),
];

/// The role of a header name; `lower` says it holds no uppercase letter, so
/// plain comparison suffices.
fn role(name: &str, lower: bool) -> Role {
    SPECIAL_HEADERS
        .iter()
        .find(|(n, _)| {
            n.len() == name.len()
                && if lower {
                    *n == name
                } else {
                    n.eq_ignore_ascii_case(name)
                }
        })
        .map_or(Role::Other, |&(_, r)| r)
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

/// A header the signer adds itself.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Added {
    Date,
    SecurityToken,
    ContentSha256,
}

impl Added {
    const fn name(self) -> &'static str {
        match self {
            Added::Date => "x-amz-date",
            Added::SecurityToken => "x-amz-security-token",
            Added::ContentSha256 => "x-amz-content-sha256",
        }
    }

    const fn role(self) -> Role {
        match self {
            Added::Date => Role::Date,
            Added::SecurityToken => Role::SecurityToken,
            Added::ContentSha256 => Role::ContentSha256,
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
        sink.put(b"=")?;
        if self.encode_value {
            put_percent_encoded(sink, self.value.as_bytes(), false)
        } else {
            sink.put_str(self.value)
        }
    }
}

fn value_bytes(v: &str, encode: bool) -> impl Iterator<Item = u8> + '_ {
    let (plain, encoded) = if encode {
        (None, Some(percent_encoded_bytes(v.as_bytes())))
    } else {
        (Some(v.bytes()), None)
    };
    plain
        .into_iter()
        .flatten()
        .chain(encoded.into_iter().flatten())
}

/// Whether `b` may appear in an HTTP token (header names, methods).
const fn is_tchar(b: u8) -> bool {
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'!' | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'-'
                | b'.'
                | b'^'
                | b'_'
                | b'`'
                | b'|'
                | b'~'
        )
}

/// Per byte: [`TOKEN`] if it may appear in an HTTP token, [`UPPER`] if it is
/// an ASCII capital.
const NAME_BYTES: [u8; 256] = {
    let mut table = [0u8; 256];
    let mut b = 0usize;
    while b < 256 {
        let byte = b as u8;
        if is_tchar(byte) {
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

fn scan_name(name: &str) -> NameScan {
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

/// Bit 7 of each byte of `x` set where that byte is zero (exact).
const fn zero_bytes(x: u64) -> u64 {
    !(((x & !HIGH) + !HIGH) | x) & HIGH
}

fn scan_value(value: &str) -> ValueScan {
    let bytes = value.as_bytes();
    // Eight bytes at a time: printable ASCII (0x20..=0x7e) and no two spaces in
    // a row. Padding the last word with 'a' keeps it neutral.
    let mut plain = true;
    let mut doubled = false;
    let mut carry = 0u64; // 1 when the previous word ended in a space
    let mut at = 0;
    while at < bytes.len() {
        let mut w = [b'a'; 8];
        match bytes.get(at..at + 8) {
            Some(word) => w.copy_from_slice(word),
            None => copy_bytes(
                w.get_mut(..bytes.len() - at).unwrap_or(&mut []),
                bytes.get(at..).unwrap_or(&[]),
            ),
        }
        at += 8;
        let x = u64::from_le_bytes(w);
        // A byte below 0x20 or from 0x7f up: (b - 0x20) or (b + 1) reaches
        // bit 7, or b has it. Borrows and carries only ever add false alarms
        // after a true one.
        plain &= ((x.wrapping_sub(0x20 * LANES) | x.wrapping_add(LANES) | x) & HIGH) == 0;
        let spaces = zero_bytes(x ^ (0x20 * LANES)) >> 7;
        doubled |= (spaces & ((spaces >> 8) | carry)) != 0;
        carry = spaces >> 56;
    }
    let edges = matches!(bytes.first(), Some(b' ')) || matches!(bytes.last(), Some(b' '));
    if plain {
        return ValueScan {
            sendable: true,
            trimmed: !doubled && !edges,
        };
    }
    let bad = bytes.iter().any(|&b| (b < 0x20 && b != b'\t') || b == 0x7f);
    ValueScan {
        sendable: !bad,
        trimmed: false,
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
fn sort_key(name: &str) -> u64 {
    let mut k = [0u8; 8];
    for (d, s) in k.iter_mut().zip(name.bytes()) {
        *d = s.to_ascii_lowercase();
    }
    u64::from_be_bytes(k)
}

/// Writes `value` with leading/trailing whitespace removed and inner runs of
/// whitespace folded to one space (SigV4's "Trimall").
fn put_trimmed<S: Sink + ?Sized>(sink: &mut S, value: &str) -> Result<(), SigningError> {
    if value.is_ascii() {
        // Only space and tab can be whitespace here: other ASCII controls were
        // refused when the request was checked.
        let bytes = value.as_bytes();
        let mut first = true;
        for word in bytes
            .split(|&b| b == b' ' || b == b'\t')
            .filter(|w| !w.is_empty())
        {
            if !first {
                sink.put(b" ")?;
            }
            first = false;
            sink.put(word)?;
        }
        return Ok(());
    }
    let mut first = true;
    for word in value.split_whitespace() {
        if !first {
            sink.put(b" ")?;
        }
        first = false;
        sink.put_str(word)?;
    }
    Ok(())
}

/// Writes a header name lowercased (`lower`: it already is).
fn put_name<S: Sink + ?Sized>(sink: &mut S, name: &str, lower: bool) -> Result<(), SigningError> {
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

/// Whether path segment `index` survives dot-segment removal: it is a real
/// segment and no later `..` cancels it.
fn segment_kept(path: &str, index: usize, segment: &str) -> bool {
    if segment.is_empty() || segment == "." || segment == ".." {
        return false;
    }
    let mut depth = 0usize;
    for later in path.split('/').skip(index + 1) {
        match later {
            "" | "." => {}
            ".." if depth == 0 => return false,
            ".." => depth -= 1,
            _ => depth += 1,
        }
    }
    true
}

/// A signed header: its index in the combined list (the request's headers, then
/// the added ones) and what the checks found, packed for cheap sorting.
#[derive(Clone, Copy, Debug)]
struct Entry(u32);

impl Entry {
    const LOWER: u32 = 1 << 16;
    const TRIMMED: u32 = 1 << 17;

    fn new(index: u16, name: NameScan, value: ValueScan) -> Self {
        let mut bits = u32::from(index);
        if name.lower {
            bits |= Self::LOWER;
        }
        if value.trimmed {
            bits |= Self::TRIMMED;
        }
        Entry(bits)
    }

    fn index(self) -> u16 {
        self.0 as u16
    }

    fn lower(self) -> bool {
        self.0 & Self::LOWER != 0
    }

    fn trimmed(self) -> bool {
        self.0 & Self::TRIMMED != 0
    }
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
#[derive(Debug)]
pub struct CanonicalRequest<'a> {
    request: SignableRequest<'a>,
    settings: SigningSettings,
    access_key_id: &'a str,
    region: &'a str,
    service: &'a str,
    token: Option<&'a str>,
    date: AmzDate,
    /// `date` as bytes, read without re-checking UTF-8.
    date_text: [u8; 16],
    expires: heapless::String<10>,
    payload: PayloadHash<'a>,
    added: heapless::Vec<Added, 3>,
    /// The signed headers, sorted by lowercase name then send order.
    entries: heapless::Vec<Entry, MAX_SIGNED_HEADERS>,
    /// Bit `k` set: `entries[k]` starts a new header name.
    group_starts: u64,
}

impl<'a> CanonicalRequest<'a> {
    /// Checks `request` against `params` and settles what will be signed.
    pub fn new(
        request: &SignableRequest<'a>,
        params: &SigningParams<'a>,
    ) -> Result<Self, SigningError> {
        let settings = params.settings;
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
        let query_mode = match settings.location {
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
        let mut keys = [0u64; MAX_SIGNED_HEADERS];
        let mut has_host = false;
        let mut caller_hash: Option<&'a str> = None;
        for (index, &(name, value)) in headers.iter().enumerate() {
            let name_scan = scan_name(name);
            let role = role(name, name_scan.lower);
            let replaced = !query_mode
                && match role {
                    Role::Unsigned | Role::Authorization => true,
                    Role::Host | Role::Other => false,
                    r => added.iter().any(|a| a.role() == r),
                };
            if role == Role::Unsigned || replaced {
                continue;
            }
            if !name_scan.valid {
                return Err(SigningError::InvalidHeaderName { index });
            }
            let value_scan = scan_value(value);
            if !value_scan.sendable {
                return Err(SigningError::InvalidHeaderValue { index });
            }
            has_host |= role == Role::Host;
            if role == Role::ContentSha256 && caller_hash.is_none() {
                caller_hash = Some(value);
            }
            if let Some(key) = keys.get_mut(entries.len()) {
                *key = sort_key(name);
            }
            entries
                .push(Entry::new(index as u16, name_scan, value_scan))
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

        let date = params.time.amz_date();
        let mut date_text = [b'0'; 16];
        date_text.copy_from_slice(date.as_str().as_bytes().get(..16).unwrap_or(&[b'0'; 16]));
        let mut cr = CanonicalRequest {
            request: *request,
            settings,
            access_key_id,
            region: params.region,
            service: params.service,
            token,
            date,
            date_text,
            expires,
            payload,
            added,
            entries: heapless::Vec::new(),
            group_starts: 0,
        };
        for (i, &a) in cr.added.iter().enumerate() {
            let value = core::str::from_utf8(cr.added_value(a)).unwrap_or("");
            if let Some(key) = keys.get_mut(entries.len()) {
                *key = sort_key(a.name());
            }
            let name_scan = NameScan {
                valid: true,
                lower: true,
            };
            entries
                .push(Entry::new(
                    (headers.len() + i) as u16,
                    name_scan,
                    scan_value(value),
                ))
                .map_err(|_| too_many)?;
        }

        // Insertion sort of the entries (and their keys): few headers, stable
        // for repeats, most comparisons settled by the 8-byte keys.
        let n = entries.len();
        let (keys, entries_mut) = (&mut keys[..n.min(MAX_SIGNED_HEADERS)], &mut entries[..]);
        for i in 1..n {
            let mut j = i;
            while j > 0 {
                let ord = keys[j - 1]
                    .cmp(&keys[j])
                    .then_with(|| cr.name_cmp(entries_mut[j - 1], entries_mut[j]));
                if ord != Ordering::Greater {
                    break;
                }
                keys.swap(j - 1, j);
                entries_mut.swap(j - 1, j);
                j -= 1;
            }
        }
        let mut group_starts = 0u64;
        let mut signed_len = 0usize;
        for k in 0..n {
            let starts = k == 0
                || keys[k - 1] != keys[k]
                || cr.name_cmp(entries_mut[k - 1], entries_mut[k]) != Ordering::Equal;
            if starts {
                group_starts |= 1 << k;
                signed_len += usize::from(k > 0) + cr.name(entries_mut[k].index()).len();
            }
        }
        if signed_len > SIGNED_HEADERS_CAPACITY {
            return Err(SigningError::SignedHeadersTooLong);
        }
        cr.entries = entries;
        cr.group_starts = group_starts;
        Ok(cr)
    }

    /// Compares the lowercase names of two entries.
    fn name_cmp(&self, a: Entry, b: Entry) -> Ordering {
        let (x, y) = (self.name(a.index()), self.name(b.index()));
        if a.lower() && b.lower() {
            x.cmp(y)
        } else {
            lower_cmp(x, y)
        }
    }

    /// Name of header `i` of the combined list: the request's, then the added
    /// ones.
    fn name(&self, i: u16) -> &str {
        let i = i as usize;
        match self.request.headers.get(i) {
            Some(&(n, _)) => n,
            None => self
                .added
                .get(i - self.request.headers.len())
                .map_or("", |a| a.name()),
        }
    }

    /// Value of header `i` of the combined list.
    fn value(&self, i: u16) -> &[u8] {
        let i = i as usize;
        match self.request.headers.get(i) {
            Some(&(_, v)) => v.as_bytes(),
            None => self
                .added
                .get(i - self.request.headers.len())
                .map_or(&[], |&a| self.added_value(a)),
        }
    }

    fn added_value(&self, a: Added) -> &[u8] {
        match a {
            Added::Date => &self.date_text,
            Added::SecurityToken => self.token.unwrap_or("").as_bytes(),
            Added::ContentSha256 => self.payload.as_bytes(),
        }
    }

    /// `YYYYMMDD`, the credential-scope day, as bytes.
    pub(crate) fn day(&self) -> &[u8] {
        self.date_text.get(..8).unwrap_or(b"")
    }

    /// `YYYYMMDDTHHMMSSZ` as bytes.
    pub(crate) fn date_bytes(&self) -> &[u8; 16] {
        &self.date_text
    }

    /// The signed entries that start a header name, with their positions.
    fn group_heads(&self) -> impl Iterator<Item = (usize, Entry)> + '_ {
        self.entries
            .iter()
            .copied()
            .enumerate()
            .filter(|(k, _)| self.group_starts & (1 << k) != 0)
    }

    /// Writes the signed header names, lowercase, sorted, joined by `;`.
    pub fn write_signed_headers<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        for (k, e) in self.group_heads() {
            if k > 0 {
                sink.put(b";")?;
            }
            put_name(sink, self.name(e.index()), e.lower())?;
        }
        Ok(())
    }

    /// Writes the credential scope, `<day>/<region>/<service>/aws4_request`.
    pub fn write_scope<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        sink.put(self.day())?;
        sink.put(b"/")?;
        sink.put_str(self.region)?;
        sink.put(b"/")?;
        sink.put_str(self.service)?;
        sink.put(b"/aws4_request")
    }

    /// Writes the `Credential=` value, `<access key id>/<scope>`.
    pub fn write_credential<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        sink.put_str(self.access_key_id)?;
        sink.put(b"/")?;
        self.write_scope(sink)
    }

    /// The signing time as `YYYYMMDDTHHMMSSZ`.
    pub fn amz_date(&self) -> &AmzDate {
        &self.date
    }

    /// The payload hash line (hex, `UNSIGNED-PAYLOAD`, …).
    pub fn payload_hash(&self) -> &str {
        self.payload.as_str()
    }

    pub(crate) fn payload(&self) -> PayloadHash<'a> {
        self.payload
    }

    pub(crate) fn token(&self) -> Option<&'a str> {
        self.token
    }

    pub(crate) fn adds_content_sha256(&self) -> bool {
        self.added.contains(&Added::ContentSha256)
    }

    pub(crate) fn expires(&self) -> &str {
        &self.expires
    }

    fn query_mode(&self) -> bool {
        matches!(
            self.settings.location,
            SignatureLocation::QueryString { .. }
        )
    }

    fn write_path<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        let path = self.request.path;
        if path.is_empty() {
            return sink.put(b"/");
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
            return sink.put(b"/");
        }
        if path.starts_with('/') {
            sink.put(b"/")?;
        }
        let mut any = false;
        for (i, seg) in path.split('/').enumerate() {
            if segment_kept(path, i, seg) {
                if any {
                    sink.put(b"/")?;
                }
                any = true;
                put(sink, seg)?;
            }
        }
        if any && path.ends_with('/') {
            sink.put(b"/")?;
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
        let auth: [(&str, Option<&str>); 6] = [
            ("X-Amz-Algorithm", Some("AWS4-HMAC-SHA256")),
            ("X-Amz-Credential", Some(credential)),
            ("X-Amz-Date", Some(self.date.as_str())),
            ("X-Amz-Expires", Some(self.expires.as_str())),
            ("X-Amz-SignedHeaders", Some(signed)),
            ("X-Amz-Security-Token", self.token),
        ];
        let query_mode = self.query_mode();
        let items = || {
            let caller = raw.split('&').filter(move |_| !raw.is_empty()).map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
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
                    sink.put(b"&")?;
                }
                first = false;
                item.write_to(sink)?;
            }
            last = Some(item);
        }
    }

    fn write_headers<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        for (k, &e) in self.entries.iter().enumerate() {
            let (name, value) = (self.name(e.index()), self.value(e.index()));
            if self.group_starts & (1 << k) != 0 {
                if k > 0 {
                    sink.put(b"\n")?;
                }
                put_name(sink, name, e.lower())?;
                sink.put(b":")?;
            } else {
                sink.put(b",")?;
            }
            if e.trimmed() {
                sink.put(value)?;
            } else {
                // Values are UTF-8: the caller's are `&str`, the added ASCII.
                put_trimmed(sink, core::str::from_utf8(value).unwrap_or(""))?;
            }
        }
        sink.put(b"\n")
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
        sink.put(b"\n")?;
        self.write_path(sink)?;
        sink.put(b"\n")?;
        self.write_query(sink)?;
        sink.put(b"\n")?;
        self.write_headers(sink)?;
        sink.put(b"\n")?;
        self.write_signed_headers(sink)?;
        sink.put(b"\n")?;
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

const _: () = assert!(MAX_SIGNED_HEADERS <= 64, "group_starts is a u64 bitmask");

#[cfg(test)]
mod tests {
    use super::*;

    fn kept(path: &str) -> heapless::Vec<&str, 16> {
        let mut v = heapless::Vec::new();
        for (i, s) in path.split('/').enumerate() {
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
                let got = scan_value(text);
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
            let got = scan_value(v);
            assert_eq!((got.sendable, got.trimmed), scan_value_slowly(v), "{v:?}");
        }
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
