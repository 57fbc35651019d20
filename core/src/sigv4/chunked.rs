//! S3's `aws-chunked` streaming upload (`STREAMING-AWS4-HMAC-SHA256-PAYLOAD`).
//!
//! The request is signed with [`SignableBody::StreamingAwsChunked`]; its
//! signature is the seed. Each chunk is then framed as
//! `hex(len);chunk-signature=<sig>\r\n<data>\r\n`, where `<sig>` signs the
//! chunk's hash chained to the previous signature, and a final empty chunk
//! closes the body. Memory stays constant whatever the body size: one chunk is
//! hashed (or buffered) at a time.
//!
//! [`SignableBody::StreamingAwsChunked`]: super::SignableBody::StreamingAwsChunked

use sha2::{Digest, Sha256};

use super::encode::{hex_usize, hex32};
use super::request::EMPTY_SHA256;
use super::{
    SCOPE_CAPACITY, Signature, SigningError, SigningKey, SigningKeyCache, SigningOutput,
    SigningParams, Sink, SliceWriter,
};
use crate::time::AmzDate;

const CHUNK_ALGORITHM: &str = "AWS4-HMAC-SHA256-PAYLOAD";
const SIG_PREFIX: &[u8] = b";chunk-signature=";
/// Longest chunk header: 16 hex digits, `;chunk-signature=`, 64, CRLF.
pub const CHUNK_HEADER_CAPACITY: usize = 16 + 17 + 64 + 2;

/// Signs and frames the chunks of one aws-chunked body, each chained to the one
/// before, starting from the request's seed signature.
///
/// ```
/// use stratus_core::credentials::Credentials;
/// use stratus_core::sigv4::*;
/// use stratus_core::time::UnixTime;
/// let creds = Credentials::new("AKIDEXAMPLE", "secret", None, None).unwrap();
/// let params = SigningParams {
///     credentials: &creds, region: "us-east-1", service: "s3",
///     time: UnixTime::from_secs(1_369_353_600), settings: SigningSettings::s3(),
/// };
/// let data = [b'a'; 100];
/// let len = aws_chunked_encoded_len(data.len() as u64, 64).unwrap().to_string();
/// let headers = [("host", "s3.amazonaws.com"), ("content-encoding", "aws-chunked"),
///                ("content-length", len.as_str()), ("x-amz-decoded-content-length", "100")];
/// let req = SignableRequest { method: "PUT", path: "/bucket/key", query: "",
///     headers: &headers, body: SignableBody::StreamingAwsChunked };
/// let mut cache = SigningKeyCache::new();
/// let seed = sign(&req, &params, &mut cache).unwrap();
/// let mut chunks = ChunkSigner::from_params(&params, &seed, &mut cache);
/// let mut body = [0u8; 512];
/// let mut at = 0;
/// for chunk in data.chunks(64) {
///     at += chunks.encode_chunk(chunk, &mut body[at..]).unwrap();
/// }
/// at += chunks.encode_final(&mut body[at..]).unwrap();
/// assert_eq!(at.to_string(), len);
/// ```
#[derive(Clone, Debug)]
pub struct ChunkSigner {
    key: SigningKey,
    date: AmzDate,
    scope: heapless::String<SCOPE_CAPACITY>,
    previous: Signature,
}

/// One chunk's header line, `hex(len);chunk-signature=<sig>\r\n`, in a fixed array.
#[derive(Clone, Copy, Debug)]
pub struct ChunkHeader {
    bytes: [u8; CHUNK_HEADER_CAPACITY],
    len: usize,
    signature: Signature,
}

impl ChunkHeader {
    /// The header line, CRLF included.
    pub fn as_bytes(&self) -> &[u8] {
        self.bytes.get(..self.len).unwrap_or(&[])
    }

    /// The chunk's signature.
    pub fn signature(&self) -> &Signature {
        &self.signature
    }
}

impl ChunkSigner {
    /// Starts the chain from the seed (the request's signature) under `key`.
    pub fn new(key: &SigningKey, seed: &SigningOutput<'_>) -> Self {
        let mut scope = heapless::String::new();
        // The seed's scope was built within this capacity.
        let _ = core::fmt::Write::write_fmt(&mut scope, format_args!("{}", seed.scope()));
        ChunkSigner {
            key: key.clone(),
            date: seed.amz_date(),
            scope,
            previous: *seed.signature(),
        }
    }

    /// Like [`new`](Self::new), taking the key from `cache` (derived if needed).
    pub fn from_params(
        params: &SigningParams<'_>,
        seed: &SigningOutput<'_>,
        cache: &mut SigningKeyCache,
    ) -> Self {
        let key = cache.get(
            params.credentials,
            &params.time.amz_day(),
            params.region,
            params.service,
        );
        Self::new(key, seed)
    }

    /// The signature of the last chunk signed (the seed before any).
    pub fn previous_signature(&self) -> &Signature {
        &self.previous
    }

    /// Signs the next chunk given the SHA-256 of its data (for callers that hash
    /// while streaming) and advances the chain.
    pub fn sign_chunk_digest(&mut self, digest: &[u8; 32]) -> Signature {
        let mut mac = self.key.start();
        for part in [
            CHUNK_ALGORITHM.as_bytes(),
            b"\n",
            self.date.as_str().as_bytes(),
            b"\n",
            self.scope.as_bytes(),
            b"\n",
            self.previous.as_bytes(),
            b"\n",
            EMPTY_SHA256.as_bytes(),
            b"\n",
            &hex32(digest),
        ] {
            let _ = mac.put(part);
        }
        let sig = Signature::from_digest(&self.key.finish(mac));
        self.previous = sig;
        sig
    }

    /// Signs the next chunk's data and advances the chain.
    pub fn sign_chunk(&mut self, data: &[u8]) -> Signature {
        self.sign_chunk_digest(&Sha256::digest(data).into())
    }

    /// Signs a chunk of `len` bytes with data hash `digest` and returns its
    /// header line. Write the header, the data, then `\r\n`.
    pub fn chunk_header_for_digest(&mut self, len: usize, digest: &[u8; 32]) -> ChunkHeader {
        let signature = self.sign_chunk_digest(digest);
        let mut bytes = [0u8; CHUNK_HEADER_CAPACITY];
        let mut w = SliceWriter::new(&mut bytes);
        let (hex, used) = hex_usize(len);
        // Sized for the longest header: cannot fail.
        let _ = w.put(hex.get(..used).unwrap_or(b"0"));
        let _ = w.put(SIG_PREFIX);
        let _ = w.put(signature.as_bytes());
        let _ = w.put(b"\r\n");
        let len = w.len();
        ChunkHeader {
            bytes,
            len,
            signature,
        }
    }

    /// Signs `data` as the next chunk and returns its header line.
    pub fn chunk_header(&mut self, data: &[u8]) -> ChunkHeader {
        self.chunk_header_for_digest(data.len(), &Sha256::digest(data).into())
    }

    /// Signs and frames `data` as the next chunk into `out`; returns the bytes
    /// written. An empty `data` is the final chunk (see
    /// [`encode_final`](Self::encode_final)).
    pub fn encode_chunk(&mut self, data: &[u8], out: &mut [u8]) -> Result<usize, SigningError> {
        let needed = chunk_frame_len(data.len() as u64).ok_or(SigningError::BufferTooSmall {
            capacity: out.len(),
        })?;
        if needed > out.len() as u64 {
            return Err(SigningError::BufferTooSmall {
                capacity: out.len(),
            });
        }
        let header = self.chunk_header(data);
        let mut w = SliceWriter::new(out);
        w.put(header.as_bytes())?;
        w.put(data)?;
        w.put(b"\r\n")?;
        Ok(w.len())
    }

    /// Signs and frames the final, empty chunk into `out`; returns the bytes
    /// written.
    pub fn encode_final(&mut self, out: &mut [u8]) -> Result<usize, SigningError> {
        self.encode_chunk(&[], out)
    }
}

/// Bytes one chunk of `len` data bytes takes once framed.
fn chunk_frame_len(len: u64) -> Option<u64> {
    let digits = if len == 0 {
        1
    } else {
        (64 - len.leading_zeros() as u64).div_ceil(4)
    };
    digits
        .checked_add(SIG_PREFIX.len() as u64 + 64 + 2)?
        .checked_add(len)?
        .checked_add(2)
}

/// The `content-length` of an aws-chunked body: `decoded_len` bytes cut into
/// chunks of `chunk_size` (the last may be shorter), plus the final empty chunk.
/// `None` when `chunk_size` is 0 or the length overflows.
///
/// ```
/// use stratus_core::sigv4::aws_chunked_encoded_len;
/// assert_eq!(aws_chunked_encoded_len(66_560, 65_536), Some(66_824));
/// assert_eq!(aws_chunked_encoded_len(0, 65_536), Some(86));
/// assert_eq!(aws_chunked_encoded_len(1, 0), None);
/// ```
pub fn aws_chunked_encoded_len(decoded_len: u64, chunk_size: u64) -> Option<u64> {
    if chunk_size == 0 {
        return None;
    }
    let full = decoded_len / chunk_size;
    let rest = decoded_len % chunk_size;
    let mut total = chunk_frame_len(chunk_size)?.checked_mul(full)?;
    if rest > 0 {
        total = total.checked_add(chunk_frame_len(rest)?)?;
    }
    total.checked_add(chunk_frame_len(0)?)
}
