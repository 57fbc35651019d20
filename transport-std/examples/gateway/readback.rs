//! The check that nothing was lost: every record read back from its shard
//! by sequence number (GetShardIterator `AT_SEQUENCE_NUMBER` from the
//! shard's first record of the run, then GetRecords) and compared byte for
//! byte with what was sent; the batch file read back with GetObject and
//! compared byte for byte.

use std::collections::{BTreeMap, HashMap};

use stratus_models::{kinesis, s3};
use stratus_transport_std::blocking::HeapBuffers;

use crate::aws::{Aws, GatewayError, decode, text};
use crate::devices::Reading;
use crate::send::Placed;

/// Most records one GetRecords asks for.
const GET_RECORDS_LIMIT: i32 = 1000;
/// Most GetRecords calls per shard before the read-back gives up.
const MAX_GET_RECORDS: u32 = 10_000;

/// What the read-back found.
#[derive(Debug, Default)]
pub struct ReadBack {
    /// Records sent.
    pub expected: usize,
    /// Records found with the bytes sent.
    pub found: usize,
    /// Records found under their sequence number with other bytes.
    pub differ: usize,
    /// Records sent that Kinesis gave no sequence number for.
    pub unplaced: usize,
    /// Shards read.
    pub shards: usize,
    /// GetRecords calls.
    pub get_records: u64,
    /// The object's size as read back.
    pub object_bytes: usize,
    /// Whether the object equals the batch file.
    pub object_equal: bool,
}

impl ReadBack {
    /// Every record found unchanged and the object equal.
    pub fn passed(&self) -> bool {
        self.found == self.expected && self.differ == 0 && self.unplaced == 0 && self.object_equal
    }
}

/// A sequence number's order: longer is later, then by digits.
fn seq_key(s: &str) -> (usize, &str) {
    (s.len(), s)
}

/// Reads every placed record back from its shard.
pub fn kinesis(
    aws: &Aws<'_>,
    stream: &str,
    readings: &[Reading],
    placed: &[Option<Placed>],
    out: &mut ReadBack,
) -> Result<(), GatewayError> {
    out.expected = readings.len();
    out.unplaced = placed.iter().filter(|p| p.is_none()).count();
    // shard -> (sequence -> record index)
    let mut by_shard: BTreeMap<&str, HashMap<&str, usize>> = BTreeMap::new();
    for (i, p) in placed.iter().enumerate() {
        if let Some(p) = p {
            by_shard
                .entry(p.shard.as_str())
                .or_default()
                .insert(p.sequence.as_str(), i);
        }
    }
    out.shards = by_shard.len();
    let mut bufs = HeapBuffers::new(16 * 1024, 8 * 1024 * 1024);
    let mut data = Vec::new();
    for (shard, mut wanted) in by_shard {
        let Some(first) = wanted.keys().min_by_key(|s| seq_key(s)).copied() else {
            continue;
        };
        let input = kinesis::types::GetShardIteratorInput {
            stream_name: Some(stream),
            shard_id: shard,
            shard_iterator_type: kinesis::types::ShardIteratorType::AtSequenceNumber,
            starting_sequence_number: Some(first),
            timestamp: None,
            stream_arn: None,
            stream_id: None,
        };
        let mut iterator = {
            let res = aws.call(
                &aws.kinesis,
                "GetShardIterator",
                &input,
                0,
                bufs.workspace(),
            )?;
            let parser = res.parser();
            let it: kinesis::output::GetShardIteratorOutput<'_> =
                decode("kinesis GetShardIterator", &parser)?;
            text(it.shard_iterator)
        };
        let mut calls = 0;
        while !wanted.is_empty() && !iterator.is_empty() && calls < MAX_GET_RECORDS {
            calls += 1;
            out.get_records += 1;
            let input = kinesis::types::GetRecordsInput {
                shard_iterator: &iterator,
                limit: Some(GET_RECORDS_LIMIT),
                ..Default::default()
            };
            let res = aws.call(&aws.kinesis, "GetRecords", &input, 0, bufs.workspace())?;
            let parser = res.parser();
            let page: kinesis::output::GetRecordsOutput<'_> =
                decode("kinesis GetRecords", &parser)?;
            let bad = |error: String| GatewayError::Response {
                operation: "kinesis GetRecords".into(),
                error,
            };
            let mut got = 0;
            for record in page.records.iter().flat_map(|l| l.iter()) {
                got += 1;
                let record = record.map_err(|e| bad(e.to_string()))?;
                let seq = text(record.sequence_number);
                let Some(i) = wanted.remove(seq.as_str()) else {
                    continue; // another run's record, or one already seen
                };
                let Some(blob) = record.data else {
                    out.differ += 1;
                    continue;
                };
                data.resize(blob.raw().len(), 0);
                let bytes = blob
                    .decode_into(&mut data)
                    .map_err(|e| bad(e.to_string()))?;
                if bytes == readings[i].line.as_bytes() {
                    out.found += 1;
                } else {
                    out.differ += 1;
                }
            }
            let caught_up = page.millis_behind_latest.unwrap_or(0) == 0;
            iterator = text(page.next_shard_iterator);
            if got == 0 && caught_up {
                break;
            }
        }
    }
    Ok(())
}

/// Reads the object back and compares it with `file`.
pub fn object(
    aws: &Aws<'_>,
    bucket: &str,
    key: &str,
    file: &[u8],
    out: &mut ReadBack,
) -> Result<(), GatewayError> {
    let mut bufs = HeapBuffers::new(16 * 1024, file.len() + 64 * 1024);
    let input = s3::types::GetObjectRequest {
        bucket,
        key,
        ..Default::default()
    };
    let res = aws.call(&aws.s3, "GetObject", &input, 0, bufs.workspace())?;
    let parser = res.parser();
    let object: s3::output::GetObjectOutput<'_> = decode("s3 GetObject", &parser)?;
    let body = object.body.map(|b| b.raw()).unwrap_or_default();
    out.object_bytes = body.len();
    out.object_equal = body == file;
    Ok(())
}
