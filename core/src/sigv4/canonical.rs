//! Step 1 of SigV4: the canonical request.
//!
//! [`CanonicalRequest::new`] checks the request and settles everything the
//! signature covers (headers to add, payload hash, signed header list, scope);
//! [`CanonicalRequest::write_to`] then streams the canonical text into any
//! [`Sink`]: a SHA-256 hasher when signing, a buffer for tests.

use core::cmp::Ordering;

use sha2::{Digest, Sha256};

use super::encode::{hex32, percent_encoded_bytes, put_percent_encoded};
use super::request::{STREAMING_PAYLOAD, UNSIGNED_PAYLOAD};
use super::{
    CREDENTIAL_CAPACITY, MAX_SCOPE_PART, MAX_SIGNED_HEADERS, SIGNED_HEADERS_CAPACITY, SignableBody,
    SignableRequest, SignatureLocation, SigningError, SigningParams, SigningSettings, Sink,
    SliceWriter,
};
use crate::time::AmzDate;

/// Headers botocore never signs: hop-by-hop headers and ones proxies rewrite.
pub(crate) const UNSIGNED_HEADERS: [&str; 11] = [
    "connection",
    "expect",
    "keep-alive",
    "proxy-authenticate",
    "proxy-authorization",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "user-agent",
    "x-amzn-trace-id",
];

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

fn is_token(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(is_tchar)
}

/// A header value may hold tab but no other control character.
fn is_sendable_value(v: &str) -> bool {
    v.bytes().all(|b| b == b'\t' || (b >= 0x20 && b != 0x7f))
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

fn put_lower<S: Sink + ?Sized>(sink: &mut S, name: &str) -> Result<(), SigningError> {
    if name.bytes().any(|b| b.is_ascii_uppercase()) {
        for b in name.bytes() {
            sink.put(&[b.to_ascii_lowercase()])?;
        }
        Ok(())
    } else {
        sink.put_str(name)
    }
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
    token: Option<&'a str>,
    date: AmzDate,
    credential: heapless::String<CREDENTIAL_CAPACITY>,
    scope_start: usize,
    expires: heapless::String<10>,
    payload: PayloadHash<'a>,
    added: heapless::Vec<Added, 3>,
    /// Indices of the signed headers, sorted by lowercase name then send order;
    /// indices past the request's headers point into `added`.
    order: heapless::Vec<u16, MAX_SIGNED_HEADERS>,
    /// Bit `k` set: `order[k]` starts a new header name.
    group_starts: u64,
    signed_headers: heapless::String<SIGNED_HEADERS_CAPACITY>,
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
        if params.time.civil().year > 9999 {
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
        let token = params.credentials.session_token();
        let date = params.time.amz_date();

        // Credential: <access key id>/<day>/<region>/<service>/aws4_request
        let mut credential = heapless::String::new();
        let akid = params.credentials.access_key_id();
        let scope_start = akid.len() + 1;
        let parts = [
            akid,
            "/",
            date.as_str().get(..8).unwrap_or(""),
            "/",
            params.region,
            "/",
            params.service,
            "/aws4_request",
        ];
        for p in parts {
            // Capacity covers the longest access key id, region and service.
            credential
                .push_str(p)
                .map_err(|_| SigningError::InvalidService)?;
        }
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
        let replaced = |name: &str| {
            !query_mode
                && (name.eq_ignore_ascii_case("authorization")
                    || added.iter().any(|a| name.eq_ignore_ascii_case(a.name())))
        };

        let headers = request.headers;
        if headers.len() + added.len() > u16::MAX as usize {
            return Err(SigningError::TooManyHeaders {
                max: MAX_SIGNED_HEADERS,
            });
        }
        let mut order: heapless::Vec<u16, MAX_SIGNED_HEADERS> = heapless::Vec::new();
        let mut has_host = false;
        let mut caller_hash: Option<&'a str> = None;
        for (index, &(name, value)) in headers.iter().enumerate() {
            if UNSIGNED_HEADERS
                .iter()
                .any(|u| name.eq_ignore_ascii_case(u))
                || replaced(name)
            {
                continue;
            }
            if !is_token(name) {
                return Err(SigningError::InvalidHeaderName { index });
            }
            if !is_sendable_value(value) {
                return Err(SigningError::InvalidHeaderValue { index });
            }
            has_host |= name.eq_ignore_ascii_case("host");
            if name.eq_ignore_ascii_case("x-amz-content-sha256") && caller_hash.is_none() {
                caller_hash = Some(value);
            }
            order
                .push(index as u16)
                .map_err(|_| SigningError::TooManyHeaders {
                    max: MAX_SIGNED_HEADERS,
                })?;
        }
        if !has_host {
            return Err(SigningError::MissingHost);
        }
        for i in 0..added.len() {
            order
                .push((headers.len() + i) as u16)
                .map_err(|_| SigningError::TooManyHeaders {
                    max: MAX_SIGNED_HEADERS,
                })?;
        }

        let body_hash = match request.body {
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
        // A caller's own x-amz-content-sha256 is what gets signed, unless the
        // signer sets that header itself (botocore does the same).
        let payload = match caller_hash {
            Some(h) if !adds_hash_header => PayloadHash::Text(h),
            _ => body_hash,
        };

        let mut cr = CanonicalRequest {
            request: *request,
            settings,
            token,
            date,
            credential,
            scope_start,
            expires,
            payload,
            added,
            order: heapless::Vec::new(),
            group_starts: 0,
            signed_headers: heapless::String::new(),
        };
        // Insertion sort: few headers, no allocation, stable for repeats.
        for i in 1..order.len() {
            let mut j = i;
            while j > 0 {
                let (a, b) = (order[j - 1], order[j]);
                if lower_cmp(cr.header(a).0, cr.header(b).0) == Ordering::Greater {
                    order.swap(j - 1, j);
                    j -= 1;
                } else {
                    break;
                }
            }
        }
        let mut group_starts = 0u64;
        let mut names: heapless::Vec<u8, SIGNED_HEADERS_CAPACITY> = heapless::Vec::new();
        for (k, &i) in order.iter().enumerate() {
            let name = cr.header(i).0;
            let starts = match k.checked_sub(1).and_then(|p| order.get(p)) {
                Some(&prev) => lower_cmp(cr.header(prev).0, name) != Ordering::Equal,
                None => true,
            };
            if starts {
                group_starts |= 1 << k;
                if k > 0 {
                    names
                        .push(b';')
                        .map_err(|_| SigningError::SignedHeadersTooLong)?;
                }
                for b in name.bytes() {
                    names
                        .push(b.to_ascii_lowercase())
                        .map_err(|_| SigningError::SignedHeadersTooLong)?;
                }
            }
        }
        cr.order = order;
        cr.group_starts = group_starts;
        // Header names are checked HTTP tokens, so ASCII.
        cr.signed_headers =
            heapless::String::from_utf8(names).map_err(|_| SigningError::SignedHeadersTooLong)?;
        Ok(cr)
    }

    /// Header `i` of the combined list: the request's, then the added ones.
    fn header(&self, i: u16) -> (&str, &str) {
        let i = i as usize;
        match self.request.headers.get(i) {
            Some(&(n, v)) => (n, v),
            None => match self.added.get(i - self.request.headers.len()) {
                Some(&a) => (a.name(), self.added_value(a)),
                None => ("", ""),
            },
        }
    }

    fn added_value(&self, a: Added) -> &str {
        match a {
            Added::Date => self.date.as_str(),
            Added::SecurityToken => self.token.unwrap_or(""),
            Added::ContentSha256 => self.payload.as_str(),
        }
    }

    /// Calls `f(name, group)` once per distinct header name in canonical order;
    /// `group` holds the indices sharing that name, in send order.
    fn for_each_group(
        &self,
        mut f: impl FnMut(&str, &[u16]) -> Result<(), SigningError>,
    ) -> Result<(), SigningError> {
        let mut start = 0;
        while let Some(&first) = self.order.get(start) {
            let mut end = start + 1;
            while end < self.order.len() && self.group_starts & (1 << end) == 0 {
                end += 1;
            }
            f(
                self.header(first).0,
                self.order.get(start..end).unwrap_or(&[]),
            )?;
            start = end;
        }
        Ok(())
    }

    /// Signed header names, lowercase, sorted, joined by `;`.
    pub fn signed_headers(&self) -> &str {
        &self.signed_headers
    }

    /// The signing time as `YYYYMMDDTHHMMSSZ`.
    pub fn amz_date(&self) -> &AmzDate {
        &self.date
    }

    /// `<day>/<region>/<service>/aws4_request`.
    pub fn scope(&self) -> &str {
        self.credential.get(self.scope_start..).unwrap_or("")
    }

    /// `<access key id>/<scope>`, the `Credential=` value.
    pub fn credential(&self) -> &str {
        &self.credential
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

    /// The presign parameters in botocore's order, values raw (not encoded).
    pub(crate) fn auth_query_params(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let query_mode = matches!(
            self.settings.location,
            SignatureLocation::QueryString { .. }
        );
        [
            ("X-Amz-Algorithm", Some("AWS4-HMAC-SHA256")),
            ("X-Amz-Credential", Some(self.credential.as_str())),
            ("X-Amz-Date", Some(self.date.as_str())),
            ("X-Amz-Expires", Some(self.expires.as_str())),
            ("X-Amz-SignedHeaders", Some(self.signed_headers.as_str())),
            ("X-Amz-Security-Token", self.token),
        ]
        .into_iter()
        .filter_map(move |(k, v)| if query_mode { Some((k, v?)) } else { None })
    }

    fn query_items(&self) -> impl Iterator<Item = QueryItem<'_>> {
        let raw = self.request.query;
        let caller = raw.split('&').filter(move |_| !raw.is_empty()).map(|pair| {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            QueryItem {
                key,
                value,
                encode_value: false,
            }
        });
        caller.chain(self.auth_query_params().map(|(key, value)| QueryItem {
            key,
            value,
            encode_value: true,
        }))
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
        // Selection by successive minimum: sorts without storage; equal pairs
        // are written as often as they occur.
        let mut last: Option<QueryItem<'_>> = None;
        let mut first = true;
        loop {
            let mut best: Option<(QueryItem<'_>, usize)> = None;
            for item in self.query_items() {
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
        self.for_each_group(|name, group| {
            put_lower(sink, name)?;
            sink.put(b":")?;
            for (k, &i) in group.iter().enumerate() {
                if k > 0 {
                    sink.put(b",")?;
                }
                put_trimmed(sink, self.header(i).1)?;
            }
            sink.put(b"\n")
        })?;
        sink.put(b"\n")?;
        sink.put_str(&self.signed_headers)?;
        sink.put(b"\n")?;
        sink.put_str(self.payload.as_str())
    }

    /// Writes the canonical request into `buf` and returns it as text.
    pub fn write_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, SigningError> {
        let mut w = SliceWriter::new(buf);
        self.write_to(&mut w)?;
        Ok(w.into_str())
    }

    /// SHA-256 of the canonical request, computed by streaming it.
    pub fn digest(&self) -> [u8; 32] {
        let mut h = StagedHasher {
            hasher: Sha256::new(),
            buf: [0; STAGE],
            len: 0,
        };
        // Writing into a hasher cannot fail.
        let _ = self.write_to(&mut h);
        h.finish()
    }
}

const STAGE: usize = 256;
const _: () = assert!(MAX_SIGNED_HEADERS <= 64, "group_starts is a u64 bitmask");

/// A SHA-256 sink that gathers the many small pieces of a canonical request
/// into a stack buffer and hashes them in a few large updates.
struct StagedHasher {
    hasher: Sha256,
    buf: [u8; STAGE],
    len: usize,
}

impl StagedHasher {
    fn finish(mut self) -> [u8; 32] {
        self.hasher.update(self.buf.get(..self.len).unwrap_or(&[]));
        self.hasher.finalize().into()
    }
}

impl Sink for StagedHasher {
    fn put(&mut self, bytes: &[u8]) -> Result<(), SigningError> {
        let end = self.len + bytes.len();
        if let Some(dst) = self.buf.get_mut(self.len..end) {
            dst.copy_from_slice(bytes);
            self.len = end;
        } else {
            self.hasher.update(self.buf.get(..self.len).unwrap_or(&[]));
            self.len = 0;
            if let Some(dst) = self.buf.get_mut(..bytes.len()) {
                dst.copy_from_slice(bytes);
                self.len = bytes.len();
            } else {
                self.hasher.update(bytes);
            }
        }
        Ok(())
    }
}

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

    #[test]
    fn dot_segments_cancel_like_a_stack() {
        assert_eq!(kept("/a/b/../c"), ["a", "c"]);
        assert_eq!(kept("/a/b/../../c"), ["c"]);
        assert_eq!(kept("/../../a"), ["a"]);
        assert_eq!(kept("/a/./b//c/.."), ["a", "b"]);
        assert_eq!(kept("/a/b/c/../x/../../d"), ["a", "d"]);
    }
}
