//! The gateway's sends: readings as Kinesis `PutRecords` batches (records
//! the stream refused are sent again, so none is lost), a tick's values as
//! CloudWatch metrics, each device's latest state as an IoT Data `Publish`,
//! and the run's records as one S3 object streamed with aws-chunked signing.

use std::time::Duration;

use stratus_core::http::SliceSource;
use stratus_models::{cloudwatch, iot_data, kinesis, s3};
use stratus_transport_std::blocking::HeapBuffers;

use crate::aws::{Aws, GatewayError, decode, text};
use crate::devices::Reading;

/// Most records in one `PutRecords` (the service's limit).
pub const BATCH_RECORDS: usize = 500;
/// Most data bytes in one `PutRecords` (well under the service's 10 MiB).
pub const BATCH_BYTES: usize = 1024 * 1024;
/// Rounds of re-sending refused records before giving up.
const RESEND_ROUNDS: u32 = 8;
/// Most datums in one `PutMetricData` (the service's limit).
const METRIC_DATUMS: usize = 1000;

/// Where Kinesis put a record.
#[derive(Clone, Debug)]
pub struct Placed {
    /// The shard.
    pub shard: String,
    /// Its sequence number there.
    pub sequence: String,
}

/// Buffers reused across the run's calls.
pub struct Sender {
    records: HeapBuffers,
    small: HeapBuffers,
    /// Records sent again after `PutRecords` refused them.
    pub resent: u64,
    /// `PutRecords` calls.
    pub batches: u64,
}

impl Sender {
    /// Buffers for the run's calls.
    pub fn new() -> Self {
        Sender {
            // Base64 makes data 4/3 larger; the JSON around each record is small.
            records: HeapBuffers::new(BATCH_BYTES * 3 / 2 + 64 * 1024, 512 * 1024),
            small: HeapBuffers::new(256 * 1024, 64 * 1024),
            resent: 0,
            batches: 0,
        }
    }

    /// Sends `readings` (at most [`BATCH_RECORDS`]) in one `PutRecords`,
    /// then again those the stream refused, until every one is in; `placed`
    /// gets where each went. `ids` are the devices' ids (partition keys).
    pub fn put_records(
        &mut self,
        aws: &Aws<'_>,
        stream: &str,
        ids: &[String],
        readings: &[Reading],
        placed: &mut [Option<Placed>],
    ) -> Result<(), GatewayError> {
        let mut pending: Vec<usize> = (0..readings.len()).collect();
        let mut last_code = String::new();
        for round in 0..RESEND_ROUNDS {
            if pending.is_empty() {
                return Ok(());
            }
            if round > 0 {
                self.resent += pending.len() as u64;
                std::thread::sleep(Duration::from_millis(50 << round.min(5)));
            }
            let entries: Vec<kinesis::types::PutRecordsRequestEntry<'_>> = pending
                .iter()
                .map(|&i| kinesis::types::PutRecordsRequestEntry {
                    data: readings[i].line.as_bytes(),
                    partition_key: &ids[readings[i].device],
                    ..Default::default()
                })
                .collect();
            let payload: usize = entries.iter().map(|e| e.data.len()).sum();
            let input = kinesis::types::PutRecordsInput {
                records: &entries,
                stream_name: Some(stream),
                ..Default::default()
            };
            self.batches += 1;
            let out = aws.call(
                &aws.kinesis,
                "PutRecords",
                &input,
                payload as u64,
                self.records.workspace(),
            )?;
            let parser = out.parser();
            let result: kinesis::output::PutRecordsOutput<'_> =
                decode("kinesis PutRecords", &parser)?;
            let bad = |error: &str| GatewayError::Response {
                operation: "kinesis PutRecords".into(),
                error: error.into(),
            };
            let results = result.records.ok_or_else(|| bad("no Records"))?;
            let mut refused = Vec::new();
            let mut n = 0;
            for (entry, &i) in results.iter().zip(&pending) {
                n += 1;
                let entry = entry.map_err(|e| bad(&e.to_string()))?;
                if entry.error_code.is_some() {
                    last_code = text(entry.error_code);
                    refused.push(i);
                    continue;
                }
                let (shard, sequence) = (text(entry.shard_id), text(entry.sequence_number));
                if shard.is_empty() || sequence.is_empty() {
                    return Err(bad("a record with neither an error nor a sequence number"));
                }
                placed[i] = Some(Placed { shard, sequence });
            }
            if n != pending.len() {
                return Err(bad(&format!("{n} results for {} records", pending.len())));
            }
            pending = refused;
        }
        if pending.is_empty() {
            return Ok(());
        }
        Err(GatewayError::RecordsNotAccepted {
            count: pending.len(),
            rounds: RESEND_ROUNDS,
            last_code,
        })
    }

    /// One tick's metrics: per device, its temperatures as a `Values` list
    /// and its battery voltage. Returns the values sent.
    pub fn put_metrics(
        &mut self,
        aws: &Aws<'_>,
        namespace: &str,
        ids: &[String],
        readings: &[Reading],
    ) -> Result<u64, GatewayError> {
        let dimensions: Vec<[cloudwatch::types::Dimension<'_>; 1]> = ids
            .iter()
            .map(|id| {
                [cloudwatch::types::Dimension {
                    name: "Device",
                    value: id,
                }]
            })
            .collect();
        let mut temperatures: Vec<Vec<f64>> = vec![Vec::new(); ids.len()];
        let mut battery: Vec<Option<f64>> = vec![None; ids.len()];
        for r in readings {
            temperatures[r.device].push(r.temperature_c);
            battery[r.device] = Some(r.battery_v);
        }
        let mut data = Vec::new();
        for (d, dims) in dimensions.iter().enumerate() {
            if temperatures[d].is_empty() {
                continue;
            }
            data.push(cloudwatch::types::MetricDatum {
                metric_name: "Temperature",
                dimensions: Some(dims),
                values: Some(&temperatures[d]),
                ..Default::default()
            });
            data.push(cloudwatch::types::MetricDatum {
                metric_name: "BatteryVoltage",
                dimensions: Some(dims),
                value: battery[d],
                unit: Some(cloudwatch::types::StandardUnit::None),
                ..Default::default()
            });
        }
        let mut values = 0;
        for chunk in data.chunks(METRIC_DATUMS) {
            let n: usize = chunk.iter().map(|m| m.values.map_or(1, <[f64]>::len)).sum();
            let input = cloudwatch::types::PutMetricDataInput {
                namespace,
                metric_data: Some(chunk),
                ..Default::default()
            };
            aws.call(
                &aws.cloudwatch,
                "PutMetricData",
                &input,
                8 * n as u64,
                self.small.workspace(),
            )?;
            values += n as u64;
        }
        Ok(values)
    }

    /// Publishes `reading` as its device's latest state.
    pub fn publish_state(
        &mut self,
        aws: &Aws<'_>,
        topic: &str,
        reading: &Reading,
    ) -> Result<(), GatewayError> {
        let input = iot_data::types::PublishRequest {
            topic,
            qos: Some(1),
            payload: Some(reading.line.as_bytes()),
            ..Default::default()
        };
        aws.call(
            &aws.iot_data,
            "Publish",
            &input,
            reading.line.len() as u64,
            self.small.workspace(),
        )?;
        Ok(())
    }

    /// Uploads `file` as `key`, streamed in 64 KiB chunks, each signed.
    pub fn upload(
        &mut self,
        aws: &Aws<'_>,
        bucket: &str,
        key: &str,
        file: &[u8],
    ) -> Result<(), GatewayError> {
        let input = s3::types::PutObjectRequest {
            bucket,
            key,
            content_type: Some("application/x-ndjson"),
            ..Default::default()
        };
        let mut source = SliceSource::new(file);
        let mut chunk = vec![0u8; 64 * 1024];
        aws.call_streaming(
            &aws.s3,
            "PutObject",
            &input,
            &mut source,
            &mut chunk,
            self.small.workspace(),
        )?;
        Ok(())
    }
}
