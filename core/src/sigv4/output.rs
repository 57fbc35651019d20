//! [`SigningOutput`]: what signing adds to the request.

use super::canonical::PayloadHash;
use super::encode::put_percent_encoded;
use super::{
    AUTHORIZATION_CAPACITY, CanonicalRequest, Signature, SignatureLocation, SigningError, Sink,
    SliceWriter,
};
use crate::time::AmzDate;

/// The result of [`sign`](super::sign): the signature and the headers or query
/// parameters to add to the request, in fixed-capacity storage.
///
/// In header mode, [`headers`](Self::headers) lists `x-amz-date`,
/// `x-amz-security-token` (with a session token), `x-amz-content-sha256` (when
/// the settings or an unsigned payload call for it) and `authorization`; they
/// replace any of the same name. In query mode,
/// [`query_params`](Self::query_params) lists the `X-Amz-*` parameters to append
/// after the request's own, and [`write_query`](Self::write_query) writes them
/// encoded.
///
/// `Debug` shows no session token.
pub struct SigningOutput<'a> {
    signature: Signature,
    date: AmzDate,
    location: SignatureLocation,
    /// Always the full `Authorization` value (ASCII); credential, scope and
    /// signed headers are ranges of it, so they are stored once.
    authorization: [u8; AUTHORIZATION_CAPACITY],
    authorization_len: usize,
    credential: core::ops::Range<usize>,
    scope_start: usize,
    signed_headers: core::ops::Range<usize>,
    security_token: Option<&'a str>,
    content_sha256: Option<PayloadHash<'a>>,
    expires: heapless::String<10>,
}

impl<'a> SigningOutput<'a> {
    #[inline]
    pub(crate) fn new(
        canonical: &CanonicalRequest<'a>,
        location: SignatureLocation,
        signature: Signature,
    ) -> Result<Self, SigningError> {
        let mut expires = heapless::String::new();
        let _ = expires.push_str(canonical.expires());
        let mut out = SigningOutput {
            signature,
            date: *canonical.amz_date(),
            location,
            authorization: [0; AUTHORIZATION_CAPACITY],
            authorization_len: 0,
            credential: 0..0,
            scope_start: 0,
            signed_headers: 0..0,
            security_token: canonical.token(),
            content_sha256: canonical.adds_content_sha256().then(|| canonical.payload()),
            expires,
        };
        let mut w = SliceWriter::new(&mut out.authorization);
        // The capacity covers the longest credential and signed-header list.
        let too_long = |_| SigningError::SignedHeadersTooLong;
        w.put(b"AWS4-HMAC-SHA256 Credential=").map_err(too_long)?;
        let credential_start = w.len();
        canonical.write_credential(&mut w).map_err(too_long)?;
        let credential = credential_start..w.len();
        w.put(b", SignedHeaders=").map_err(too_long)?;
        let signed_start = w.len();
        canonical.write_signed_headers(&mut w).map_err(too_long)?;
        let signed_headers = signed_start..w.len();
        w.put(b", Signature=").map_err(too_long)?;
        w.put(signature.as_bytes()).map_err(too_long)?;
        out.authorization_len = w.len();
        let scope_len = {
            let mut n = Counter(0);
            let _ = canonical.write_scope(&mut n);
            n.0
        };
        out.scope_start = credential.end - scope_len;
        out.credential = credential;
        out.signed_headers = signed_headers;
        Ok(out)
    }

    /// Part `range` of the `Authorization` value as text.
    fn text(&self, range: core::ops::Range<usize>) -> &str {
        // Only ASCII is written into it.
        core::str::from_utf8(self.authorization.get(range).unwrap_or(&[])).unwrap_or("")
    }

    /// The signature (in query mode, the `X-Amz-Signature` value; for
    /// aws-chunked uploads, the seed signature).
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The signing time, `YYYYMMDDTHHMMSSZ`.
    pub fn amz_date(&self) -> &AmzDate {
        &self.date
    }

    /// `<day>/<region>/<service>/aws4_request`.
    pub fn scope(&self) -> &str {
        self.text(self.scope_start..self.credential.end)
    }

    /// `<access key id>/<scope>`, the `Credential=` value.
    pub fn credential(&self) -> &str {
        self.text(self.credential.clone())
    }

    /// The signed header names, `;`-joined.
    pub fn signed_headers(&self) -> &str {
        self.text(self.signed_headers.clone())
    }

    /// The `Authorization` header value (empty in query mode).
    pub fn authorization(&self) -> &str {
        if self.location == SignatureLocation::Headers {
            self.text(0..self.authorization_len)
        } else {
            ""
        }
    }

    /// Headers to set on the request, `(lowercase name, value)`; empty in query
    /// mode.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let header_mode = self.location == SignatureLocation::Headers;
        [
            ("x-amz-date", Some(self.date.as_str())),
            ("x-amz-security-token", self.security_token),
            (
                "x-amz-content-sha256",
                self.content_sha256.as_ref().map(|p| p.as_str()),
            ),
            ("authorization", Some(self.authorization())),
        ]
        .into_iter()
        .filter_map(move |(k, v)| if header_mode { Some((k, v?)) } else { None })
    }

    /// Query parameters to append after the request's own, `(name, raw value)`
    /// in botocore's order, ending with `X-Amz-Signature`; empty in header mode.
    /// Values are not percent-encoded; [`write_query`](Self::write_query) does
    /// that.
    pub fn query_params(&self) -> impl Iterator<Item = (&'static str, &str)> {
        let query_mode = self.location != SignatureLocation::Headers;
        [
            ("X-Amz-Algorithm", Some("AWS4-HMAC-SHA256")),
            ("X-Amz-Credential", Some(self.credential())),
            ("X-Amz-Date", Some(self.date.as_str())),
            ("X-Amz-Expires", Some(self.expires.as_str())),
            ("X-Amz-SignedHeaders", Some(self.signed_headers())),
            ("X-Amz-Security-Token", self.security_token),
            ("X-Amz-Signature", Some(self.signature.as_str())),
        ]
        .into_iter()
        .filter_map(move |(k, v)| if query_mode { Some((k, v?)) } else { None })
    }

    /// Writes the query parameters, percent-encoded and `&`-joined, into any
    /// [`Sink`].
    pub fn write_query_to<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        for (i, (k, v)) in self.query_params().enumerate() {
            if i > 0 {
                sink.put(b"&")?;
            }
            sink.put_str(k)?;
            sink.put(b"=")?;
            put_percent_encoded(sink, v.as_bytes(), false)?;
        }
        Ok(())
    }

    /// Writes the query parameters, percent-encoded and `&`-joined, into `buf`:
    /// append them to the request's query (after a `&` if it has one).
    pub fn write_query<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, SigningError> {
        let mut w = SliceWriter::new(buf);
        self.write_query_to(&mut w)?;
        Ok(w.into_str())
    }
}

/// A [`Sink`] that only counts bytes.
struct Counter(usize);

impl Sink for Counter {
    fn put(&mut self, bytes: &[u8]) -> Result<(), SigningError> {
        self.0 += bytes.len();
        Ok(())
    }
}

impl core::fmt::Debug for SigningOutput<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SigningOutput")
            .field("signature", &self.signature)
            .field("date", &self.date.as_str())
            .field("location", &self.location)
            .field("credential", &self.credential())
            .field("signed_headers", &self.signed_headers())
            .field(
                "security_token",
                &self.security_token.map(|_| "** redacted **"),
            )
            .finish()
    }
}
