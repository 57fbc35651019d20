//! Request checksums, as botocore 1.43's `httpchecksum.py` adds them after
//! serializing (`resolve_request_checksum_algorithm` then
//! `apply_request_checksum`).
//!
//! botocore 1.43 no longer sends `Content-MD5`: an operation with
//! `httpChecksumRequired` or `httpChecksum.requestChecksumRequired` gets a
//! CRC32 flexible checksum instead, and so does any operation with a
//! `requestAlgorithmMember` while `request_checksum_calculation` is
//! `when_supported` (its default). A value the caller gives for the algorithm
//! member picks the algorithm; without the optional CRT, botocore computes
//! CRC32, SHA1, SHA256 and SHA512, and so does this module. A caller-set
//! `x-amz-checksum-*` header turns the whole step off.
//!
//! The checksum always travels in a header here. botocore moves it to an
//! `aws-chunked` trailer for streaming input sent over HTTPS; that framing is
//! not written yet.

#[cfg(feature = "checksums")]
use sha1::Sha1;
#[cfg(feature = "checksums")]
use sha2::Sha512;
use sha2::{Digest, Sha256};

use crate::format::number::write_base64;
use crate::format::{Sink, SliceSink};
use crate::model::{
    ChecksumAlgorithm, Operation, OperationFlags, ServiceModel, StructValue, Value,
};

use super::Fault;

/// botocore's `request_checksum_calculation` setting.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum RequestChecksumCalculation {
    /// `when_supported` (botocore's default): every operation that models a
    /// request checksum gets one.
    #[default]
    WhenSupported,
    /// `when_required`: only operations that require one.
    WhenRequired,
}

/// `(algorithm member value, algorithm, header)` for the algorithms computed here.
const SUPPORTED: [(&str, ChecksumAlgorithm, &str); 4] = [
    ("crc32", ChecksumAlgorithm::Crc32, "x-amz-checksum-crc32"),
    ("sha1", ChecksumAlgorithm::Sha1, "x-amz-checksum-sha1"),
    ("sha256", ChecksumAlgorithm::Sha256, "x-amz-checksum-sha256"),
    ("sha512", ChecksumAlgorithm::Sha512, "x-amz-checksum-sha512"),
];

/// The prefix of every flexible-checksum header.
pub(crate) const CHECKSUM_HEADER_PREFIX: &str = "x-amz-checksum-";

/// What [`resolve`] decided for one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Plan {
    /// The algorithm to compute.
    pub(crate) algorithm: ChecksumAlgorithm,
    /// `x-amz-checksum-<algorithm>`.
    pub(crate) header: &'static str,
    /// The algorithm member's header, set to `CRC32` when the algorithm was
    /// chosen by default (botocore's `request_algorithm_header`).
    pub(crate) algorithm_header: Option<&'static str>,
}

fn plan_for(algorithm: ChecksumAlgorithm, algorithm_header: Option<&'static str>) -> Plan {
    let header = SUPPORTED
        .iter()
        .find(|(_, a, _)| *a == algorithm)
        .map_or("x-amz-checksum-crc32", |(_, _, h)| h);
    Plan {
        algorithm,
        header,
        algorithm_header,
    }
}

/// Which checksum, if any, `op` gets for `input` (botocore's
/// `resolve_request_checksum_algorithm`).
pub(crate) fn resolve(
    model: &'static ServiceModel,
    op: &'static Operation,
    input: &dyn StructValue,
    calculation: RequestChecksumCalculation,
) -> Result<Option<Plan>, Fault> {
    let trait_ = op.http_checksum();
    let required = op.flags.contains(OperationFlags::HTTP_CHECKSUM_REQUIRED)
        || trait_.is_some_and(|t| t.request_checksum_required);
    let algorithm_member = trait_
        .and_then(|t| t.request_algorithm_member)
        .and_then(|name| model.input_of(op)?.member(name));
    if let Some((i, _)) = algorithm_member
        && let Some(v) = input.member(i)
    {
        let Value::Str(name) = v else {
            return Err(Fault::UnsupportedChecksum);
        };
        let (_, algorithm, _) = SUPPORTED
            .iter()
            .find(|(n, _, _)| n.eq_ignore_ascii_case(name))
            .ok_or(Fault::UnsupportedChecksum)?;
        return Ok(Some(plan_for(*algorithm, None)));
    }
    let has_member = trait_.is_some_and(|t| t.request_algorithm_member.is_some());
    if required || (has_member && calculation == RequestChecksumCalculation::WhenSupported) {
        let header = algorithm_member.and_then(|(_, m)| m.location_name);
        return Ok(Some(plan_for(ChecksumAlgorithm::Crc32, header)));
    }
    Ok(None)
}

/// Whether `op` models a request checksum at all (`httpChecksumRequired`, or
/// an `httpChecksum` that requires one or names an algorithm member).
pub(crate) fn modelled(op: &Operation) -> bool {
    op.flags.contains(OperationFlags::HTTP_CHECKSUM_REQUIRED)
        || op
            .http_checksum()
            .is_some_and(|t| t.request_checksum_required || t.request_algorithm_member.is_some())
}

/// The digest of `body` under `algorithm`, into `out`; the digest's bytes.
pub(crate) fn digest<'o>(
    algorithm: ChecksumAlgorithm,
    body: &[u8],
    out: &'o mut [u8; 64],
) -> Result<&'o [u8], Fault> {
    let n = match algorithm {
        ChecksumAlgorithm::Crc32 => copy(out, &crate::crc32::crc32(body).to_be_bytes()),
        #[cfg(feature = "checksums")]
        ChecksumAlgorithm::Sha1 => copy(out, &Sha1::digest(body)),
        ChecksumAlgorithm::Sha256 => copy(out, &Sha256::digest(body)),
        #[cfg(feature = "checksums")]
        ChecksumAlgorithm::Sha512 => copy(out, &Sha512::digest(body)),
        #[cfg(not(feature = "checksums"))]
        a @ (ChecksumAlgorithm::Sha1 | ChecksumAlgorithm::Sha512) => {
            return Err(Fault::Disabled(crate::features::Disabled::Checksum(a)));
        }
        _ => return Err(Fault::UnsupportedChecksum),
    };
    Ok(out.get(..n).unwrap_or(&[]))
}

fn copy(out: &mut [u8; 64], bytes: &[u8]) -> usize {
    let n = bytes.len().min(out.len());
    if let (Some(dst), Some(src)) = (out.get_mut(..n), bytes.get(..n)) {
        dst.copy_from_slice(src);
    }
    n
}

/// Writes the base64 digest of `body` under `algorithm` into `sink` (the
/// value of its `x-amz-checksum-*` header).
pub(crate) fn write_value<S: Sink + ?Sized>(
    sink: &mut S,
    algorithm: ChecksumAlgorithm,
    body: &[u8],
) -> Result<(), Fault> {
    let mut raw = [0u8; 64];
    let d = digest(algorithm, body, &mut raw)?;
    Ok(write_base64(sink, d)?)
}

/// The base64 digest of `body` under `algorithm`, written into `buf`
/// (88 bytes hold the longest, SHA512).
///
/// ```
/// use stratus_core::model::ChecksumAlgorithm;
/// use stratus_core::protocol::serialize::checksum_base64;
/// let mut buf = [0u8; 88];
/// // botocore: Crc32Checksum().handle(b"hello") == "NhCmhg=="
/// assert_eq!(checksum_base64(ChecksumAlgorithm::Crc32, b"hello", &mut buf), Ok("NhCmhg=="));
/// ```
pub fn checksum_base64<'b>(
    algorithm: ChecksumAlgorithm,
    body: &[u8],
    buf: &'b mut [u8; 88],
) -> Result<&'b str, super::SerializeError> {
    let mut sink = SliceSink::new(buf);
    write_value(&mut sink, algorithm, body)?;
    core::str::from_utf8(sink.into_written()).map_err(|_| Fault::Unrepresentable.into())
}
