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
    /// Always the full `Authorization` value; credential, scope and signed
    /// headers are ranges of it, so they are stored once.
    authorization: heapless::String<AUTHORIZATION_CAPACITY>,
    credential: core::ops::Range<usize>,
    scope_start: usize,
    signed_headers: core::ops::Range<usize>,
    security_token: Option<&'a str>,
    content_sha256: Option<PayloadHash<'a>>,
    expires: heapless::String<10>,
}

impl<'a> SigningOutput<'a> {
    pub(crate) fn new(
        canonical: &CanonicalRequest<'a>,
        location: SignatureLocation,
        signature: Signature,
    ) -> Result<Self, SigningError> {
        let mut expires = heapless::String::new();
        let _ = expires.push_str(canonical.expires());
        let mut authorization = heapless::String::new();
        let mut ranges = [0..0, 0..0];
        for (i, part) in [
            "AWS4-HMAC-SHA256 Credential=",
            canonical.credential(),
            ", SignedHeaders=",
            canonical.signed_headers(),
            ", Signature=",
            signature.as_str(),
        ]
        .into_iter()
        .enumerate()
        {
            let start = authorization.len();
            authorization
                .push_str(part)
                .map_err(|_| SigningError::SignedHeadersTooLong)?;
            if let Some(r) = ranges.get_mut(i / 2).filter(|_| i % 2 == 1) {
                *r = start..authorization.len();
            }
        }
        let [credential, signed_headers] = ranges;
        Ok(SigningOutput {
            signature,
            date: *canonical.amz_date(),
            location,
            scope_start: credential.end - canonical.scope().len(),
            credential,
            signed_headers,
            security_token: canonical.token(),
            content_sha256: canonical.adds_content_sha256().then(|| canonical.payload()),
            expires,
            authorization,
        })
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
        self.authorization
            .get(self.scope_start..self.credential.end)
            .unwrap_or("")
    }

    /// `<access key id>/<scope>`, the `Credential=` value.
    pub fn credential(&self) -> &str {
        self.authorization
            .get(self.credential.clone())
            .unwrap_or("")
    }

    /// The signed header names, `;`-joined.
    pub fn signed_headers(&self) -> &str {
        self.authorization
            .get(self.signed_headers.clone())
            .unwrap_or("")
    }

    /// The `Authorization` header value (empty in query mode).
    pub fn authorization(&self) -> &str {
        if self.location == SignatureLocation::Headers {
            &self.authorization
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
