//! What gets signed: [`SignableRequest`] and its [`SignableBody`].

/// The request to sign, borrowed from the caller, exactly as it will be sent.
///
/// - `path` is the raw request path as it goes on the wire (already
///   percent-encoded by the serializer), without the query. An empty path is
///   taken as `/`.
/// - `query` is the raw query string without the `?`, also as sent. It is split
///   on `&` and `=` and sorted but not re-encoded, as botocore does, so it must
///   already be in AWS's encoding (RFC 3986 unreserved characters bare, all else
///   `%XX`).
/// - `headers` are `(name, value)` pairs in send order; names in any case,
///   repeats allowed (their values are joined with `,` in send order). A `host`
///   header is required.
#[derive(Clone, Copy, Debug)]
pub struct SignableRequest<'a> {
    /// HTTP method, e.g. `GET` (written upper-cased).
    pub method: &'a str,
    /// Raw path as sent, e.g. `/examplebucket/my%20key`.
    pub path: &'a str,
    /// Raw query as sent, without `?`; empty for none.
    pub query: &'a str,
    /// Headers in send order.
    pub headers: &'a [(&'a str, &'a str)],
    /// The body, or how its hash is given.
    pub body: SignableBody<'a>,
}

/// How the payload enters the signature.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignableBody<'a> {
    /// The whole body; its SHA-256 is signed.
    Bytes(&'a [u8]),
    /// The payload is not signed: `UNSIGNED-PAYLOAD` (and, in header mode, the
    /// `x-amz-content-sha256` header says so). Use it for S3 presigned URLs.
    Unsigned,
    /// The lowercase hex SHA-256 of the body, computed by the caller (e.g. while
    /// streaming it from flash).
    Precomputed(&'a str),
    /// S3's `aws-chunked` upload, `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`: the
    /// request signature is the seed for a
    /// [`ChunkSigner`](super::ChunkSigner) that signs each chunk.
    StreamingAwsChunked,
}

/// `UNSIGNED-PAYLOAD`.
pub const UNSIGNED_PAYLOAD: &str = "UNSIGNED-PAYLOAD";
/// `STREAMING-AWS4-HMAC-SHA256-PAYLOAD`.
pub const STREAMING_PAYLOAD: &str = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD";
/// The SHA-256 of nothing, in hex.
pub const EMPTY_SHA256: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
