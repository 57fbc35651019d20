//! Request serialization for the six protocols, driven by the static model
//! tables and writing into one caller-provided buffer.
//!
//! [`serialize`] walks the input through the [`StructValue`] seam (so typed
//! inputs and dynamic [`JsonInput`](crate::format::json::JsonInput)s go through
//! the same code) and returns a [`SerializedRequest`]: method, request target
//! (path and query), host prefix, headers and body, all borrowed from the buffer
//! — except a blob or string payload (`payload` member of a rest protocol),
//! which is borrowed from the input and never copied.
//!
//! What it matches is botocore's `serialize.py`: member names, URI escaping
//! (greedy labels keep `/`), query and header formats, timestamps per location,
//! base64 blobs, empty bodies. Idempotency tokens come from a caller's
//! [`TokenSource`], so tests are deterministic.

mod cbor;
mod checksum;
mod compress;
mod json;
mod out;
mod query;
mod rest;
mod xml;

use core::fmt;

use crate::format::WriteError;
use crate::format::timestamp::Precision;
use crate::model::{
    HttpMethod, Member, MemberFlags, Operation, Protocol, ServiceModel, Shape, ShapeFlags,
    StructValue, Value,
};

pub use checksum::{RequestChecksumCalculation, checksum_base64};
pub use compress::{CompressionConfig, DEFAULT_MIN_COMPRESSION_SIZE};
#[cfg(feature = "alloc")]
pub use compress::{GzipError, gzip_into, gzip_to_vec};
pub use out::Span;

/// Most headers a serialized request carries.
pub const MAX_HEADERS: usize = 32;

/// Deepest nesting of structures, lists and maps serialized.
pub const MAX_DEPTH: usize = 64;

/// Why a request could not be serialized.
#[derive(Clone, PartialEq, Eq, Debug)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SerializeError {
    /// The request does not fit in the buffer.
    BufferFull,
    /// A value has no encoding in this protocol (e.g. a timestamp out of range).
    Unrepresentable,
    /// A structure, list or map was given where the model wants a scalar.
    NotAScalar,
    /// A value's kind does not match its shape (e.g. a list for a string shape).
    WrongKind(&'static str),
    /// The URI label named here has no value (botocore raises a KeyError).
    MissingUriLabel(&'static str),
    /// The host label named here is unset or not `[A-Za-z0-9.-]+`.
    InvalidHostLabel(&'static str),
    /// Input nests deeper than [`MAX_DEPTH`].
    TooDeep,
    /// More than [`MAX_HEADERS`] headers.
    TooManyHeaders,
    /// The model refers to a shape it does not have.
    BadModel,
    /// Parameter validation failed (see [`validate`](crate::protocol::validate)).
    Invalid(crate::protocol::validate::ValidationError),
    /// The checksum algorithm asked for is not one computed here (CRC32,
    /// SHA1, SHA256, SHA512 — botocore's set without the CRT).
    UnsupportedChecksum,
    /// The gzip encoder failed (request compression).
    CompressionFailed,
    /// The request needs a part of the core this build left out (its
    /// protocol, a SHA-1 or SHA-512 checksum, request checksums, a host
    /// prefix, a float, timestamp or document member, parameter validation).
    Disabled(crate::features::Disabled),
}

impl From<WriteError> for SerializeError {
    fn from(e: WriteError) -> Self {
        Fault::from(e).into()
    }
}

/// A protocol serializer's failure: a [`SerializeError`] other than
/// `Invalid`. Validation runs before the serializers, so they never fail
/// that way; without its ~100-byte member path each `?` in them moves a
/// few bytes instead of the whole error.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Fault {
    BufferFull,
    Unrepresentable,
    NotAScalar,
    WrongKind(&'static str),
    MissingUriLabel(&'static str),
    InvalidHostLabel(&'static str),
    TooDeep,
    TooManyHeaders,
    BadModel,
    UnsupportedChecksum,
    /// Only the `alloc` build compresses.
    #[cfg_attr(not(feature = "alloc"), allow(dead_code))]
    CompressionFailed,
    Disabled(crate::features::Disabled),
}

impl From<WriteError> for Fault {
    // Out of line: inlined, every `?` on a write grew a jump table.
    #[inline(never)]
    fn from(e: WriteError) -> Self {
        match e {
            WriteError::Full => Fault::BufferFull,
            WriteError::Fmt | WriteError::Unrepresentable => Fault::Unrepresentable,
            WriteError::FloatDisabled => Fault::Disabled(crate::features::Disabled::Float),
        }
    }
}

impl From<Fault> for SerializeError {
    fn from(f: Fault) -> Self {
        match f {
            Fault::BufferFull => SerializeError::BufferFull,
            Fault::Unrepresentable => SerializeError::Unrepresentable,
            Fault::NotAScalar => SerializeError::NotAScalar,
            Fault::WrongKind(m) => SerializeError::WrongKind(m),
            Fault::MissingUriLabel(m) => SerializeError::MissingUriLabel(m),
            Fault::InvalidHostLabel(m) => SerializeError::InvalidHostLabel(m),
            Fault::TooDeep => SerializeError::TooDeep,
            Fault::TooManyHeaders => SerializeError::TooManyHeaders,
            Fault::BadModel => SerializeError::BadModel,
            Fault::UnsupportedChecksum => SerializeError::UnsupportedChecksum,
            Fault::CompressionFailed => SerializeError::CompressionFailed,
            Fault::Disabled(d) => SerializeError::Disabled(d),
        }
    }
}

impl fmt::Display for SerializeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SerializeError::BufferFull => f.write_str("request does not fit in the buffer"),
            SerializeError::Unrepresentable => {
                f.write_str("a value cannot be written in this protocol")
            }
            SerializeError::NotAScalar => {
                f.write_str("a structure, list or map was given where a scalar belongs")
            }
            SerializeError::WrongKind(m) => write!(f, "{m}: value does not match its shape"),
            SerializeError::MissingUriLabel(m) => write!(f, "URI label {m} has no value"),
            SerializeError::InvalidHostLabel(m) => write!(
                f,
                "invalid value for host label {m}: must contain only alphanumeric characters, hyphen, or period"
            ),
            SerializeError::TooDeep => write!(f, "input nests deeper than {MAX_DEPTH}"),
            SerializeError::TooManyHeaders => write!(f, "more than {MAX_HEADERS} headers"),
            SerializeError::BadModel => f.write_str("the model refers to a missing shape"),
            SerializeError::Invalid(e) => write!(f, "{e}"),
            SerializeError::UnsupportedChecksum => {
                f.write_str("unsupported checksum algorithm (CRC32, SHA1, SHA256, SHA512 are)")
            }
            SerializeError::CompressionFailed => f.write_str("the gzip encoder failed"),
            SerializeError::Disabled(d) => write!(f, "{d}"),
        }
    }
}

/// Makes idempotency tokens (botocore: `uuid4()`), for members with the
/// `idempotencyToken` trait the caller left unset.
pub trait TokenSource {
    /// Writes a fresh token (a UUID's 36 characters) into `out`.
    fn token(&self, out: &mut [u8; 36]);
}

/// A token source that always returns the same token (tests).
///
/// ```
/// use stratus_core::protocol::serialize::{FixedToken, TokenSource};
/// let mut t = [0u8; 36];
/// FixedToken(*b"00000000-0000-4000-8000-000000000000").token(&mut t);
/// assert_eq!(&t[..8], b"00000000");
/// ```
#[derive(Clone, Copy, Debug)]
pub struct FixedToken(pub [u8; 36]);

impl TokenSource for FixedToken {
    fn token(&self, out: &mut [u8; 36]) {
        *out = self.0;
    }
}

/// Choices that change the serialized bytes.
#[derive(Clone, Copy)]
pub struct SerializeOptions<'a> {
    /// Validate the input first, as botocore's `ParamValidator` (default:
    /// on, or off in a build without the `validation` feature, where asking
    /// for it is [`SerializeError::Disabled`]).
    pub validate: bool,
    /// Where idempotency tokens come from; `None` leaves unset token members unset.
    pub tokens: Option<&'a dyn TokenSource>,
    /// Sub-second precision of timestamps (botocore's `timestamp_precision`).
    pub precision: Precision,
    /// Flexible request checksums as botocore's client adds them after
    /// serializing ([`RequestChecksumCalculation`]); `None` (the default)
    /// leaves the request as botocore's serializer alone builds it, which is
    /// what the protocol test suites compare. [`SerializeOptions::client`]
    /// turns it on.
    pub checksum: Option<RequestChecksumCalculation>,
    /// Request compression as botocore's client applies it before the
    /// checksum ([`CompressionConfig`]): operations with the
    /// `requestcompression` trait get a gzip body and `Content-Encoding: gzip`
    /// once the body reaches `min_size` bytes. `None` (the default) leaves the
    /// body as botocore's serializer alone builds it; [`SerializeOptions::client`]
    /// turns it on with botocore's defaults.
    ///
    /// **Compression needs the `alloc` feature** (the deflate encoder keeps
    /// its tables on the heap). Without `alloc` this setting is ignored and
    /// the body is always sent uncompressed — the same request botocore sends
    /// with `disable_request_compression = True`, which services accept.
    pub compression: Option<CompressionConfig>,
}

impl SerializeOptions<'_> {
    /// botocore's client defaults: validation on (with the `validation`
    /// feature), checksums `when_supported`,
    /// request compression from 10240 bytes (with the `alloc` feature).
    pub fn client() -> Self {
        SerializeOptions {
            checksum: Some(RequestChecksumCalculation::WhenSupported),
            compression: Some(CompressionConfig::default()),
            ..SerializeOptions::default()
        }
    }
}

impl Default for SerializeOptions<'_> {
    fn default() -> Self {
        SerializeOptions {
            validate: crate::features::VALIDATION,
            tokens: None,
            precision: Precision::Micros,
            checksum: None,
            compression: None,
        }
    }
}

impl fmt::Debug for SerializeOptions<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SerializeOptions")
            .field("validate", &self.validate)
            .field("tokens", &self.tokens.is_some())
            .field("precision", &self.precision)
            .field("checksum", &self.checksum)
            .field("compression", &self.compression)
            .finish()
    }
}

/// Where the body is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum BodyRef<'b> {
    /// No body.
    Empty,
    /// Written into the request buffer.
    Written(Span),
    /// A blob or string payload member, borrowed from the input (not copied).
    Payload(&'b [u8]),
}

/// A serialized request; every text is borrowed from the caller's buffer.
#[derive(Clone)]
pub struct SerializedRequest<'b> {
    /// The HTTP method.
    pub method: HttpMethod,
    buf: &'b [u8],
    target: Span,
    host_prefix: Option<Span>,
    headers: heapless::Vec<(Span, Span), MAX_HEADERS>,
    body: BodyRef<'b>,
}

fn text(buf: &[u8], span: Span) -> &str {
    core::str::from_utf8(span.of(buf)).unwrap_or("")
}

impl<'b> SerializedRequest<'b> {
    /// Path and query, e.g. `/bucket/key?uploads&max-uploads=5`.
    pub fn target(&self) -> &'b str {
        text(self.buf, self.target)
    }

    /// The path part of [`target`](Self::target).
    pub fn path(&self) -> &'b str {
        let t = self.target();
        crate::text::split_once_ascii(t, b'?').map_or(t, |(p, _)| p)
    }

    /// The query part of [`target`](Self::target), without `?` (empty if none).
    pub fn query(&self) -> &'b str {
        crate::text::split_once_ascii(self.target(), b'?').map_or("", |(_, q)| q)
    }

    /// The expanded `endpoint.hostPrefix`, e.g. `foo.data.`.
    pub fn host_prefix(&self) -> Option<&'b str> {
        self.host_prefix.map(|s| text(self.buf, s))
    }

    /// Headers as `(name, value)`, in the order they were added.
    pub fn headers(&self) -> impl Iterator<Item = (&'b str, &'b str)> + '_ {
        let buf = self.buf;
        self.headers
            .iter()
            .map(move |(n, v)| (text(buf, *n), text(buf, *v)))
    }

    /// The first header named `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&'b str> {
        self.headers()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v)
    }

    /// The body bytes (written or borrowed from the input).
    pub fn body(&self) -> &'b [u8] {
        match self.body {
            BodyRef::Empty => &[],
            BodyRef::Written(s) => s.of(self.buf),
            BodyRef::Payload(p) => p,
        }
    }

    /// Where the body is.
    pub fn body_ref(&self) -> BodyRef<'b> {
        self.body
    }
}

impl fmt::Debug for SerializedRequest<'_> {
    // Header values and bodies may carry secrets: show names and sizes only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SerializedRequest")
            .field("method", &self.method)
            .field("path", &self.path())
            .field("query_bytes", &self.query().len())
            .field("headers", &self.headers.len())
            .field("body_bytes", &self.body().len())
            .finish()
    }
}

/// State shared by the protocol serializers while one request is built.
pub(crate) struct Ctx<'o> {
    pub(crate) model: &'static ServiceModel,
    pub(crate) op: &'static Operation,
    /// The protocol spoken ([`resolved_protocol`](crate::protocol::resolved_protocol)).
    pub(crate) protocol: Protocol,
    pub(crate) precision: Precision,
    /// A token for top-level idempotency-token members left unset.
    pub(crate) token: Option<&'o str>,
    pub(crate) headers: heapless::Vec<(Span, Span), MAX_HEADERS>,
}

impl Ctx<'_> {
    /// The shape a member targets.
    pub(crate) fn target(&self, m: &Member) -> Result<&'static Shape, Fault> {
        self.model.shape(m.target).ok_or(Fault::BadModel)
    }

    /// Adds a header whose name and value are written into `out`.
    pub(crate) fn header(
        &mut self,
        out: &mut out::Out<'_>,
        name: &str,
        value: impl FnOnce(&mut out::Out<'_>) -> Result<(), Fault>,
    ) -> Result<(), Fault> {
        use crate::format::Sink;
        let n0 = out.pos();
        out.write_str(name)?;
        let name_span = out.since(n0);
        let v0 = out.pos();
        value(out)?;
        let value_span = out.since(v0);
        self.headers
            .push((name_span, value_span))
            .map_err(|_| Fault::TooManyHeaders)
    }

    /// Whether a header named `name` was added (case-insensitive).
    pub(crate) fn has_header(&self, out: &out::Out<'_>, name: &str) -> bool {
        let buf = out.written();
        self.headers
            .iter()
            .any(|(n, _)| n.of(buf).eq_ignore_ascii_case(name.as_bytes()))
    }
}

/// A member's name on the wire: the member's `locationName`, else the target
/// shape's, else the member name (botocore merges both into `serialization`).
pub(crate) fn wire_name(m: &Member, target: &Shape) -> &'static str {
    m.location_name
        .or_else(|| target.xml.and_then(|x| x.location_name))
        .unwrap_or(m.name)
}

/// Whether a list or map is flattened (on the member or on its shape).
pub(crate) fn is_flattened(m: &Member, target: &Shape) -> bool {
    m.flags.contains(MemberFlags::FLATTENED) || target.flags.contains(ShapeFlags::FLATTENED)
}

/// Member `i` of a top-level input, with an idempotency token filled in.
pub(crate) fn top_member<'v>(
    input: &'v dyn StructValue,
    i: usize,
    m: &Member,
    token: Option<&'v str>,
) -> Option<Value<'v>> {
    match input.member(i) {
        Some(v) => Some(v),
        None if m.flags.contains(MemberFlags::IDEMPOTENCY_TOKEN) => token.map(Value::Str),
        None => None,
    }
}

/// A top-level input as the serializer sees it: unset idempotency-token
/// members read as the token.
struct WithTokens<'v> {
    input: &'v dyn StructValue,
    members: &'static [Member],
    token: Option<&'v str>,
}

impl StructValue for WithTokens<'_> {
    fn member(&self, i: usize) -> Option<Value<'_>> {
        match self.members.get(i) {
            Some(m) => top_member(self.input, i, m, self.token),
            None => self.input.member(i),
        }
    }
}

/// Serializes `input` for `op` of `service` into `buf`.
///
/// The protocol is botocore's choice among the service's protocols
/// ([`resolved_protocol`](crate::protocol::resolved_protocol)). Validation runs
/// first unless `opts.validate` is off (in a build without the `validation`
/// feature, asking for it is [`Disabled::Validation`](crate::features::Disabled::Validation)).
pub fn serialize<'b>(
    service: &'static ServiceModel,
    op: &'static Operation,
    input: &'b dyn StructValue,
    opts: &SerializeOptions<'_>,
    buf: &'b mut [u8],
) -> Result<SerializedRequest<'b>, SerializeError> {
    let mut token_buf = [0u8; 36];
    let token = match opts.tokens {
        Some(src) => {
            src.token(&mut token_buf);
            core::str::from_utf8(&token_buf).ok()
        }
        None => None,
    };
    // A constant guard: without the feature the validator is not linked.
    if opts.validate && !crate::features::VALIDATION {
        return Err(SerializeError::Disabled(
            crate::features::Disabled::Validation,
        ));
    }
    if opts.validate
        && let Some(shape) = service.input_of(op)
    {
        // botocore fills idempotency tokens (a `before-parameter-build`
        // handler) before it validates, so a required token member left unset
        // is not an error when a token source is given.
        let filled = WithTokens {
            input,
            members: shape.members(),
            token,
        };
        crate::protocol::validate::validate(service, shape, &filled)
            .map_err(SerializeError::Invalid)?;
    }
    Ok(build(service, op, input, opts, token, buf)?)
}

/// [`serialize`] after validation: the protocol's serializer, the host
/// prefix, compression and the flexible checksum.
fn build<'b>(
    service: &'static ServiceModel,
    op: &'static Operation,
    input: &'b dyn StructValue,
    opts: &SerializeOptions<'_>,
    token: Option<&str>,
    buf: &'b mut [u8],
) -> Result<SerializedRequest<'b>, Fault> {
    let mut out = out::Out::new(buf);
    let mut cx = Ctx {
        model: service,
        op,
        protocol: crate::protocol::resolved_protocol(&service.metadata),
        precision: opts.precision,
        token,
        headers: heapless::Vec::new(),
    };
    // The guards are constants: a protocol left out of the build leaves its
    // serializer out of the binary too.
    use crate::features::protocol_enabled as on;
    let parts: Parts<'_> = match cx.protocol {
        Protocol::Json if on(Protocol::Json) => json::serialize_rpc(&mut cx, input, &mut out)?,
        p @ (Protocol::RestJson | Protocol::RestXml) if on(p) => {
            rest::serialize(&mut cx, input, &mut out)?
        }
        p @ (Protocol::Query | Protocol::Ec2) if on(p) => {
            query::serialize(&mut cx, input, &mut out)?
        }
        Protocol::SmithyRpcV2Cbor if on(Protocol::SmithyRpcV2Cbor) => {
            cbor::serialize(&mut cx, input, &mut out)?
        }
        p => {
            return Err(Fault::Disabled(crate::features::Disabled::Protocol(p)));
        }
    };
    let host_prefix = rest::host_prefix(&mut cx, input, &mut out)?;
    #[cfg(feature = "alloc")]
    let parts = match opts.compression {
        Some(cfg) => Parts {
            body: compress::apply(&mut cx, cfg, parts.body, &mut out)?,
            ..parts
        },
        None => parts,
    };
    if let Some(calculation) = opts.checksum {
        add_checksum(&mut cx, input, calculation, parts.body, &mut out)?;
    }
    let headers = core::mem::take(&mut cx.headers);
    Ok(SerializedRequest {
        method: op.http_method,
        buf: out.finish(),
        target: parts.target,
        host_prefix,
        headers,
        body: parts.body,
    })
}

/// Adds the flexible checksum headers botocore's client adds (see
/// [`checksum`]), unless the request already carries an `x-amz-checksum-*`.
/// A build without `request-checksums` refuses every request to an
/// operation that models a request checksum, rather than send one without
/// it.
fn add_checksum(
    cx: &mut Ctx<'_>,
    input: &dyn StructValue,
    calculation: RequestChecksumCalculation,
    body: BodyRef<'_>,
    out: &mut out::Out<'_>,
) -> Result<(), Fault> {
    if !crate::features::REQUEST_CHECKSUMS {
        return if checksum::modelled(cx.op) {
            Err(Fault::Disabled(crate::features::Disabled::RequestChecksums))
        } else {
            Ok(())
        };
    }
    let prefix = checksum::CHECKSUM_HEADER_PREFIX.as_bytes();
    let buf = out.written();
    let has_checksum = cx.headers.iter().any(|(n, _)| {
        n.of(buf)
            .get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    });
    if has_checksum {
        return Ok(());
    }
    let Some(plan) = checksum::resolve(cx.model, cx.op, input, calculation)? else {
        return Ok(());
    };
    let mut raw = [0u8; 64];
    let digest = {
        let bytes = match body {
            BodyRef::Empty => &[][..],
            BodyRef::Written(s) => s.of(out.written()),
            BodyRef::Payload(p) => p,
        };
        checksum::digest(plan.algorithm, bytes, &mut raw)?
    };
    cx.header(out, plan.header, |o| {
        Ok(crate::format::number::write_base64(o, digest)?)
    })?;
    if let Some(name) = plan.algorithm_header {
        use crate::format::Sink;
        cx.header(out, name, |o| Ok(o.write_str("CRC32")?))?;
    }
    Ok(())
}

/// What a protocol serializer produced besides headers.
pub(crate) struct Parts<'b> {
    pub(crate) target: Span,
    pub(crate) body: BodyRef<'b>,
}

/// Writes `input` (of `op`'s input shape) as JSON in the `json` protocol's
/// body form, whatever the service's protocol: every member, by wire name,
/// blobs in base64, timestamps as epoch seconds. Two inputs that give the
/// same bytes ask for the same thing, which is how the stubber compares
/// expected and actual parameters.
pub fn input_json<'b>(
    service: &'static ServiceModel,
    op: &'static Operation,
    input: &dyn StructValue,
    buf: &'b mut [u8],
) -> Result<&'b [u8], SerializeError> {
    use crate::format::Sink;
    let mut out = out::Out::new(buf);
    let cx = Ctx {
        model: service,
        op,
        protocol: Protocol::Json,
        precision: Precision::Micros,
        token: None,
        headers: heapless::Vec::new(),
    };
    match service.input_of(op) {
        Some(shape) => json::write_top(&cx, &mut out, shape, input, |_| true)?,
        None => out.write_str("{}")?,
    }
    Ok(out.finish())
}
