//! [`SigningOutput`]: what signing adds to the request, and [`OutputText`], the
//! values it writes from their parts on demand.

use core::fmt;

use super::canonical::PayloadHash;
use super::encode::{FmtSink, put_percent_encoded};
use super::names::{Scope, SignedNames};
use super::{
    ALGORITHM, CanonicalRequest, Signature, SignatureLocation, SigningError, Sink, SliceWriter,
};
use crate::time::{AmzDate, UnixTime};

/// The result of [`sign`](super::sign): the signature and the headers or query
/// parameters to add to the request.
///
/// In header mode, [`headers`](Self::headers) lists `x-amz-date`,
/// `x-amz-security-token` (with a session token), `x-amz-content-sha256` (when
/// the settings or an unsigned payload call for it) and `authorization`; they
/// replace any of the same name. In query mode,
/// [`query_params`](Self::query_params) lists the `X-Amz-*` parameters to append
/// after the request's own, and [`write_query`](Self::write_query) writes them
/// encoded.
///
/// It holds no text it can write from parts: the `Authorization` value,
/// credential, scope and signed-header list are [`OutputText`]s, written
/// straight into whatever sink the caller sends the request through (or shown,
/// or compared with a `&str`). That keeps the struct small (a few hundred
/// bytes) and signing free of copies.
///
/// `Debug` shows no session token.
#[derive(Clone)]
pub struct SigningOutput<'a> {
    signature: Signature,
    time: UnixTime,
    location: SignatureLocation,
    scope: Scope<'a>,
    names: SignedNames<'a>,
    security_token: Option<&'a str>,
    content_sha256: Option<PayloadHash<'a>>,
    expires: heapless::String<10>,
}

impl<'a> SigningOutput<'a> {
    #[inline]
    pub(crate) fn new<const QUERY: bool>(
        canonical: &CanonicalRequest<'a, QUERY>,
        location: SignatureLocation,
        signature: Signature,
    ) -> Result<Self, SigningError> {
        let mut expires = heapless::String::new();
        let _ = expires.push_str(canonical.expires());
        Ok(SigningOutput {
            signature,
            time: canonical.time(),
            location,
            scope: canonical.scope_parts(),
            names: canonical.signed_names().clone(),
            security_token: canonical.token(),
            content_sha256: canonical.adds_content_sha256().then(|| canonical.payload()),
            expires,
        })
    }

    /// The signature (in query mode, the `X-Amz-Signature` value; for
    /// aws-chunked uploads, the seed signature).
    pub fn signature(&self) -> &Signature {
        &self.signature
    }

    /// The signing time, `YYYYMMDDTHHMMSSZ`.
    pub fn amz_date(&self) -> AmzDate {
        self.time.amz_date()
    }

    /// `<day>/<region>/<service>/aws4_request`.
    pub fn scope(&self) -> OutputText<'_> {
        OutputText(Part::Scope(self))
    }

    /// `<access key id>/<scope>`, the `Credential=` value.
    pub fn credential(&self) -> OutputText<'_> {
        OutputText(Part::Credential(self))
    }

    /// The signed header names, `;`-joined.
    pub fn signed_headers(&self) -> OutputText<'_> {
        OutputText(Part::SignedHeaders(self))
    }

    /// The `Authorization` header value (empty in query mode), at most
    /// [`AUTHORIZATION_CAPACITY`](super::AUTHORIZATION_CAPACITY) bytes.
    pub fn authorization(&self) -> OutputText<'_> {
        if self.location == SignatureLocation::Headers {
            OutputText(Part::Authorization(self))
        } else {
            OutputText(Part::Text(""))
        }
    }

    /// Headers to set on the request, `(lowercase name, value)`; empty in query
    /// mode.
    pub fn headers(&self) -> impl Iterator<Item = (&'static str, OutputText<'_>)> {
        let header_mode = self.location == SignatureLocation::Headers;
        [
            ("x-amz-date", Some(OutputText(Part::Date(self)))),
            (
                "x-amz-security-token",
                self.security_token.map(|t| OutputText(Part::Text(t))),
            ),
            (
                "x-amz-content-sha256",
                self.content_sha256
                    .as_ref()
                    .map(|p| OutputText(Part::Text(p.as_str()))),
            ),
            ("authorization", Some(self.authorization())),
        ]
        .into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .filter(move |_| header_mode)
    }

    /// Query parameters to append after the request's own, `(name, raw value)`
    /// in botocore's order, ending with `X-Amz-Signature`; empty in header mode.
    /// Values are not percent-encoded; [`write_query`](Self::write_query) does
    /// that.
    pub fn query_params(&self) -> impl Iterator<Item = (&'static str, OutputText<'_>)> {
        let query_mode = self.location != SignatureLocation::Headers;
        let text = |v: Option<&'a str>| v.map(|v| OutputText(Part::Text(v)));
        [
            ("X-Amz-Algorithm", text(Some(ALGORITHM))),
            ("X-Amz-Credential", Some(self.credential())),
            ("X-Amz-Date", Some(OutputText(Part::Date(self)))),
            ("X-Amz-Expires", Some(OutputText(Part::Text(&self.expires)))),
            ("X-Amz-SignedHeaders", Some(self.signed_headers())),
            ("X-Amz-Security-Token", text(self.security_token)),
            (
                "X-Amz-Signature",
                Some(OutputText(Part::Text(self.signature.as_str()))),
            ),
        ]
        .into_iter()
        .filter_map(move |(k, v)| if query_mode { Some((k, v?)) } else { None })
    }

    /// Writes the query parameters, percent-encoded and `&`-joined, into any
    /// [`Sink`].
    pub fn write_query_to<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        for (i, (k, v)) in self.query_params().enumerate() {
            if i > 0 {
                sink.put_byte(b'&')?;
            }
            sink.put_str(k)?;
            sink.put_byte(b'=')?;
            v.write_to(&mut PercentEncoding(sink))?;
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

/// A [`Sink`] that percent-encodes what it is given into another.
struct PercentEncoding<'s, S: Sink + ?Sized>(&'s mut S);

impl<S: Sink + ?Sized> Sink for PercentEncoding<'_, S> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), SigningError> {
        put_percent_encoded(self.0, bytes, false)
    }
}

impl fmt::Debug for SigningOutput<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SigningOutput")
            .field("signature", &self.signature)
            .field("date", &OutputText(Part::Date(self)))
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

/// Which text an [`OutputText`] writes.
#[derive(Clone, Copy)]
enum Part<'o> {
    Text(&'o str),
    Date(&'o SigningOutput<'o>),
    Scope(&'o SigningOutput<'o>),
    Credential(&'o SigningOutput<'o>),
    SignedHeaders(&'o SigningOutput<'o>),
    Authorization(&'o SigningOutput<'o>),
}

/// A value of a [`SigningOutput`] (a header value, a query parameter value, the
/// credential, …), written from its parts when asked rather than stored.
///
/// Write it into any [`Sink`] ([`write_to`](Self::write_to)) or a buffer
/// ([`write_into`](Self::write_into)), show it (`Display`, e.g. `to_string()`
/// with `std`), or compare it with a `&str`.
///
/// ```
/// use stratus_core::credentials::Credentials;
/// use stratus_core::sigv4::{sign, SignableBody, SignableRequest, SigningKeyCache, SigningParams, SigningSettings};
/// use stratus_core::time::UnixTime;
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None, None).unwrap();
/// let params = SigningParams {
///     credentials: &creds, region: "us-east-1", service: "service",
///     time: UnixTime::parse_amz_date("20150830T123600Z").unwrap(),
///     settings: SigningSettings::for_service(),
/// };
/// let req = SignableRequest { method: "GET", path: "/", query: "", body: SignableBody::Bytes(b""),
///     headers: &[("Host", "example.amazonaws.com")] };
/// let out = sign(&req, &params, &mut SigningKeyCache::new()).unwrap();
/// assert_eq!(out.scope(), "20150830/us-east-1/service/aws4_request");
/// assert_eq!(out.signed_headers(), "host;x-amz-date");
/// let mut buf = [0u8; 256];
/// let auth = out.authorization().write_into(&mut buf).unwrap();
/// assert!(auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/"));
/// assert_eq!(out.authorization().len(), auth.len());
/// ```
#[derive(Clone, Copy)]
pub struct OutputText<'o>(Part<'o>);

impl OutputText<'_> {
    /// Writes the text into `sink`.
    pub fn write_to<S: Sink + ?Sized>(&self, sink: &mut S) -> Result<(), SigningError> {
        match self.0 {
            Part::Text(t) => sink.put_str(t),
            Part::Date(o) => sink.put(&o.scope.date),
            Part::Scope(o) => o.scope.write_scope(sink),
            Part::Credential(o) => o.scope.write_credential(sink),
            Part::SignedHeaders(o) => o.names.write_to(sink),
            Part::Authorization(o) => {
                sink.put(b"AWS4-HMAC-SHA256 Credential=")?;
                o.scope.write_credential(sink)?;
                sink.put(b", SignedHeaders=")?;
                o.names.write_to(sink)?;
                sink.put(b", Signature=")?;
                sink.put(o.signature.as_bytes())
            }
        }
    }

    /// Writes the text into `buf` and returns it.
    pub fn write_into<'b>(&self, buf: &'b mut [u8]) -> Result<&'b str, SigningError> {
        let mut w = SliceWriter::new(buf);
        self.write_to(&mut w)?;
        Ok(w.into_str())
    }

    /// Its length in bytes.
    pub fn len(&self) -> usize {
        let mut n = Counter(0);
        let _ = self.write_to(&mut n);
        n.0
    }

    /// Whether it is empty.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl fmt::Display for OutputText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_to(&mut FmtSink(f)).map_err(|_| fmt::Error)
    }
}

impl fmt::Debug for OutputText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")
    }
}

impl PartialEq<&str> for OutputText<'_> {
    fn eq(&self, other: &&str) -> bool {
        let mut cmp = Compare {
            rest: other.as_bytes(),
            equal: true,
        };
        let _ = self.write_to(&mut cmp);
        cmp.equal && cmp.rest.is_empty()
    }
}

impl PartialEq<str> for OutputText<'_> {
    fn eq(&self, other: &str) -> bool {
        *self == other
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

/// A [`Sink`] that checks what is written against expected text.
struct Compare<'e> {
    rest: &'e [u8],
    equal: bool,
}

impl Sink for Compare<'_> {
    fn put(&mut self, bytes: &[u8]) -> Result<(), SigningError> {
        match self.rest.strip_prefix(bytes) {
            Some(rest) if self.equal => self.rest = rest,
            _ => self.equal = false,
        }
        Ok(())
    }
}
