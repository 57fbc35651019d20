//! [`AwsChunkedBody`]: S3's signed `aws-chunked` upload as a
//! [`BodySource`], so a payload is signed and sent chunk by chunk, never
//! held whole.
//!
//! Each chunk's header carries a signature over the chunk's data, so a chunk
//! is read from the inner source into a caller-given buffer, signed, then
//! handed out as `hex(len);chunk-signature=<sig>\r\n<data>\r\n`; an empty
//! final chunk closes the body. Memory is one chunk buffer.
//!
//! ```
//! use stratus_core::client::AwsChunkedBody;
//! use stratus_core::credentials::Credentials;
//! use stratus_core::http::{BodySource, SliceSource};
//! use stratus_core::sigv4::*;
//! use stratus_core::time::UnixTime;
//!
//! let creds = Credentials::new("AKIDEXAMPLE", "secret", None, None).unwrap();
//! let params = SigningParams { credentials: &creds, region: "us-east-1", service: "s3",
//!     time: UnixTime::from_secs(1_369_353_600), settings: SigningSettings::s3() };
//! let data = [b'a'; 100];
//! let len = aws_chunked_encoded_len(100, 64).unwrap().to_string();
//! let headers = [("host", "s3.amazonaws.com"), ("content-encoding", "aws-chunked"),
//!                ("content-length", len.as_str()), ("x-amz-decoded-content-length", "100")];
//! let req = SignableRequest { method: "PUT", path: "/bucket/key", query: "",
//!     headers: &headers, body: SignableBody::StreamingAwsChunked };
//! let mut cache = SigningKeyCache::new();
//! let seed = sign(&req, &params, &mut cache).unwrap();
//! let signer = ChunkSigner::from_params(&params, &seed, &mut cache);
//!
//! let mut chunk = [0u8; 64];
//! let mut body = AwsChunkedBody::new(SliceSource::new(&data), signer, &mut chunk);
//! assert_eq!(body.length().map(|n| n.to_string()), Some(len.clone()));
//! let mut wire = [0u8; 512];
//! let mut at = 0;
//! loop {
//!     let n = body.read(&mut wire[at..]).unwrap();
//!     if n == 0 { break; }
//!     at += n;
//! }
//! assert_eq!(at.to_string(), len);
//! assert!(wire[..at].starts_with(b"40;chunk-signature="));
//! ```

use crate::http::{BodySource, SourceError};
use crate::sigv4::{ChunkHeader, ChunkSigner, aws_chunked_encoded_len};

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Phase {
    /// Read the next chunk from the inner source.
    Fill,
    /// Hand out the header, then the data, then CRLF.
    Header,
    Data,
    Crlf,
    /// The final chunk's header and closing CRLF went out.
    Done,
}

/// A signed `aws-chunked` body over an inner source: each chunk is read into
/// the chunk buffer, signed, then handed out framed.
pub struct AwsChunkedBody<'b, S> {
    inner: S,
    signer: ChunkSigner,
    chunk: &'b mut [u8],
    filled: usize,
    header: Option<ChunkHeader>,
    at: usize,
    last: bool,
    phase: Phase,
}

impl<S> core::fmt::Debug for AwsChunkedBody<'_, S> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AwsChunkedBody")
            .field("chunk_size", &self.chunk.len())
            .field("phase", &self.phase)
            .finish()
    }
}

impl<'b, S: BodySource> AwsChunkedBody<'b, S> {
    /// Frames `inner` in chunks of `chunk.len()` bytes, signing each with
    /// `signer` (made from the request's seed signature). S3 wants chunks of
    /// at least 8 KiB but the last.
    pub fn new(inner: S, signer: ChunkSigner, chunk: &'b mut [u8]) -> Self {
        AwsChunkedBody {
            inner,
            signer,
            chunk,
            filled: 0,
            header: None,
            at: 0,
            last: false,
            phase: Phase::Fill,
        }
    }

    /// Reads the next chunk (as much as the buffer holds) from the source.
    fn fill(&mut self) -> Result<(), SourceError> {
        self.filled = 0;
        while self.filled < self.chunk.len() {
            let free = self.chunk.get_mut(self.filled..).unwrap_or(&mut []);
            let n = self.inner.read(free)?;
            if n == 0 {
                break;
            }
            self.filled += n;
        }
        let data = self.chunk.get(..self.filled).unwrap_or(&[]);
        self.last = data.is_empty();
        self.header = Some(self.signer.chunk_header(data));
        self.at = 0;
        self.phase = Phase::Header;
        Ok(())
    }
}

/// Copies what is left of `from` (from `*at`) into `out`; returns how much.
fn give(from: &[u8], at: &mut usize, out: &mut [u8]) -> usize {
    let rest = from.get(*at..).unwrap_or(&[]);
    let n = rest.len().min(out.len());
    if let (Some(dst), Some(src)) = (out.get_mut(..n), rest.get(..n)) {
        dst.copy_from_slice(src);
    }
    *at += n;
    n
}

impl<S: BodySource> BodySource for AwsChunkedBody<'_, S> {
    fn read(&mut self, out: &mut [u8]) -> Result<usize, SourceError> {
        if self.chunk.is_empty() {
            return Err(SourceError);
        }
        loop {
            if out.is_empty() {
                return Ok(0);
            }
            match self.phase {
                Phase::Fill => self.fill()?,
                Phase::Header => {
                    let header = self.header.ok_or(SourceError)?;
                    let n = give(header.as_bytes(), &mut self.at, out);
                    if self.at >= header.as_bytes().len() {
                        self.at = 0;
                        self.phase = if self.last { Phase::Crlf } else { Phase::Data };
                    }
                    if n > 0 {
                        return Ok(n);
                    }
                }
                Phase::Data => {
                    let data = self.chunk.get(..self.filled).unwrap_or(&[]);
                    let n = give(data, &mut self.at, out);
                    if self.at >= self.filled {
                        self.at = 0;
                        self.phase = Phase::Crlf;
                    }
                    if n > 0 {
                        return Ok(n);
                    }
                }
                Phase::Crlf => {
                    let n = give(b"\r\n", &mut self.at, out);
                    if self.at >= 2 {
                        self.at = 0;
                        self.phase = if self.last { Phase::Done } else { Phase::Fill };
                    }
                    if n > 0 {
                        return Ok(n);
                    }
                }
                Phase::Done => return Ok(0),
            }
        }
    }

    fn length(&self) -> Option<u64> {
        aws_chunked_encoded_len(self.inner.length()?, self.chunk.len() as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::credentials::Credentials;
    use crate::http::SliceSource;
    use crate::sigv4::*;
    use crate::time::UnixTime;

    /// The aws-chunked example of the S3 API reference (also checked in
    /// `tests/tests/sigv4_s3_chunked.rs`): 65 KiB of 'a' in 64 KiB chunks.
    #[test]
    fn streams_the_s3_reference_example_in_small_reads() {
        let creds = Credentials::new(
            "AKIAIOSFODNN7EXAMPLE",
            "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            None,
            None,
        )
        .unwrap();
        let params = SigningParams {
            credentials: &creds,
            region: "us-east-1",
            service: "s3",
            time: UnixTime::parse_amz_date("20130524T000000Z").unwrap(),
            settings: SigningSettings::s3(),
        };
        let headers = [
            ("host", "s3.amazonaws.com"),
            ("x-amz-date", "20130524T000000Z"),
            ("x-amz-storage-class", "REDUCED_REDUNDANCY"),
            ("content-encoding", "aws-chunked"),
            ("x-amz-decoded-content-length", "66560"),
            ("content-length", "66824"),
        ];
        let req = SignableRequest {
            method: "PUT",
            path: "/examplebucket/chunkObject.txt",
            query: "",
            headers: &headers,
            body: SignableBody::StreamingAwsChunked,
        };
        let mut cache = SigningKeyCache::new();
        let seed = sign(&req, &params, &mut cache).unwrap();
        assert_eq!(
            seed.signature().as_str(),
            "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9"
        );
        let signer = ChunkSigner::from_params(&params, &seed, &mut cache);
        let data = [b'a'; 66_560];
        let mut chunk = [0u8; 65_536];
        let mut body = AwsChunkedBody::new(SliceSource::new(&data), signer, &mut chunk);
        assert_eq!(body.length(), Some(66_824));
        let mut wire = [0u8; 70_000];
        let mut at = 0;
        loop {
            // Odd-sized reads cross every phase boundary.
            let end = (at + 333).min(wire.len());
            let n = body.read(&mut wire[at..end]).unwrap();
            if n == 0 {
                break;
            }
            at += n;
        }
        assert_eq!(at, 66_824);
        let text = &wire[..at];
        let sig = |s: &str| text.windows(s.len()).any(|w| w == s.as_bytes());
        // The three chunk signatures the reference gives.
        assert!(sig(
            "10000;chunk-signature=ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648\r\n"
        ));
        assert!(sig(
            "400;chunk-signature=0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497\r\n"
        ));
        assert!(text.ends_with(b"0;chunk-signature=b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9\r\n\r\n"));
    }
}
