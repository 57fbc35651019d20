//! The stratus gateway: simulated devices posting telemetry through stratus
//! as an edge gateway does, then a read-back proving nothing was lost.
//!
//! ```text
//! cargo xtask demo                                       # against a local moto
//! cargo run -p stratus-transport-std --example gateway -- --help
//! cargo run -p stratus-transport-std --example gateway -- --region eu-west-1 --bucket my-bucket
//! ```
//!
//! Each second, every device's due readings (`--rate` per second, seeded)
//! go out as Kinesis `PutRecords` batches (records the stream refuses are
//! sent again), the second's values as CloudWatch `PutMetricData`, and each
//! device's latest reading as an IoT Data `Publish`. At the end the run's
//! records, as newline-delimited JSON, are uploaded as one S3 object
//! streamed with aws-chunked signing. Then every record is read back from
//! Kinesis by sequence number and the object with GetObject, both compared
//! byte for byte. Progress goes to stderr, the summary to stdout; the exit
//! code is 0 only when the read-back finds everything.
//!
//! Everything goes through stratus's public API: the default session
//! (botocore's credential chain and shared config), `StdTransport`,
//! `Client::call` with the generated typed inputs and output views, and
//! `Client::call_streaming` for the upload.

mod args;
mod aws;
mod devices;
mod readback;
mod resources;
mod send;
mod stats;

use std::process::ExitCode;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use clap::Parser;
use stratus_core::time::UnixTime;

use args::Args;
use aws::{GatewayError, Setup};
use devices::{Device, Reading};
use readback::ReadBack;
use send::{BATCH_BYTES, BATCH_RECORDS, Placed, Sender};
use stats::bytes;

/// Time between two rounds of sending.
const TICK: Duration = Duration::from_secs(1);

/// What the sending phase did.
struct Run {
    id: String,
    started_ms: u64,
    readings: Vec<Reading>,
    placed: Vec<Option<Placed>>,
    metric_values: u64,
    publishes: u64,
    key: String,
    file: Vec<u8>,
    sending: Duration,
}

fn unix_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// `batches/YYYY-MM-DD/HH/<run>.ndjson`: the hour's batch file of this run.
fn batch_key(started_ms: u64, run: &str) -> String {
    let date = UnixTime::from_secs(started_ms / 1000).amz_date();
    let d = date.as_str();
    format!(
        "batches/{}-{}-{}/{}/{run}.ndjson",
        &d[0..4],
        &d[4..6],
        &d[6..8],
        &d[9..11]
    )
}

fn send_all(args: &Args, aws: &aws::Aws<'_>) -> Result<Run, GatewayError> {
    let started_ms = unix_ms();
    let id = format!("run-{started_ms}-{}", std::process::id());
    let n = args.devices as usize;
    let mut fleet: Vec<Device> = (0..n).map(|i| Device::new(args.seed, i)).collect();
    let ids: Vec<String> = fleet.iter().map(|d| d.id.clone()).collect();
    let topics: Vec<String> = ids
        .iter()
        .map(|id| args.topic.replace("{device}", id))
        .collect();
    let per_device = (args.duration.as_secs_f64() * f64::from(args.rate)).floor() as u64;
    let total = per_device * n as u64;
    let mut sender = Sender::new();
    let mut readings: Vec<Reading> = Vec::with_capacity(total as usize);
    let mut placed: Vec<Option<Placed>> = Vec::with_capacity(total as usize);
    let (mut metric_values, mut publishes) = (0u64, 0u64);
    let start = Instant::now();
    let mut tick = 0u32;
    loop {
        tick += 1;
        let until = (TICK * tick).min(args.duration);
        if let Some(wait) = until.checked_sub(start.elapsed()) {
            std::thread::sleep(wait);
        }
        // The readings due by `until`, in time order across the fleet.
        let due = ((until.as_secs_f64() * f64::from(args.rate)).floor() as u64).min(per_device);
        let first = readings.len();
        let ms_per_reading = 1000.0 / f64::from(args.rate);
        while fleet.iter().any(|d| d.made < due) {
            for (i, d) in fleet.iter_mut().enumerate() {
                if d.made < due {
                    let at = started_ms + (d.made as f64 * ms_per_reading) as u64;
                    readings.push(d.read(i, &id, at));
                }
            }
        }
        placed.resize(readings.len(), None);
        // PutRecords batches, by count and by bytes.
        let mut at = first;
        while at < readings.len() {
            let mut end = at;
            let mut size = 0;
            while end < readings.len()
                && end - at < BATCH_RECORDS
                && (end == at || size + readings[end].line.len() <= BATCH_BYTES)
            {
                size += readings[end].line.len();
                end += 1;
            }
            sender.put_records(
                aws,
                &args.stream,
                &ids,
                &readings[at..end],
                &mut placed[at..end],
            )?;
            at = end;
        }
        let fresh = &readings[first..];
        if !fresh.is_empty() {
            metric_values += sender.put_metrics(aws, &args.namespace, &ids, fresh)?;
            // Each device's latest state.
            let mut latest: Vec<Option<&Reading>> = vec![None; n];
            for r in fresh {
                latest[r.device] = Some(r);
            }
            for r in latest.into_iter().flatten() {
                sender.publish_state(aws, &topics[r.device], r)?;
                publishes += 1;
            }
        }
        let stats = aws.stats.borrow();
        let secs = start.elapsed().as_secs_f64();
        eprintln!(
            "[{secs:5.1}s / {:.1}s] {:>6} / {total} records sent, {} requests, {} retries, {} re-sent, {:.1} records/s",
            args.duration.as_secs_f64(),
            readings.len(),
            stats.calls(),
            stats.retries(),
            sender.resent,
            readings.len() as f64 / secs.max(1e-3),
        );
        if until >= args.duration {
            break;
        }
    }
    let sending = start.elapsed();
    // The hour's batch file: the run's records, newline-delimited JSON.
    let mut file = Vec::with_capacity(readings.iter().map(|r| r.line.len() + 1).sum());
    for r in &readings {
        file.extend_from_slice(r.line.as_bytes());
        file.push(b'\n');
    }
    let key = batch_key(started_ms, &id);
    eprintln!(
        "uploading s3://{}/{key} ({}, aws-chunked)",
        args.bucket,
        bytes(file.len() as u64)
    );
    sender.upload(aws, &args.bucket, &key, &file)?;
    eprintln!(
        "sent {} records in {} PutRecords ({} records re-sent)",
        readings.len(),
        sender.batches,
        sender.resent
    );
    Ok(Run {
        id,
        started_ms,
        readings,
        placed,
        metric_values,
        publishes,
        key,
        file,
        sending,
    })
}

fn summary(args: &Args, setup: &Setup, aws: &aws::Aws<'_>, run: &Run, back: &ReadBack) {
    let stats = aws.stats.borrow();
    let data: u64 = run.readings.iter().map(|r| r.line.len() as u64).sum();
    let secs = run.sending.as_secs_f64().max(1e-3);
    let op = |name: &str| stats.ops().iter().find(|o| o.name == name);
    let calls = |name: &str| op(name).map_or(0, |o| o.calls);
    println!(
        "stratus gateway: {} devices x {}/s for {:.1} s -> {} (run {}, started at {} ms)",
        args.devices,
        args.rate,
        args.duration.as_secs_f64(),
        setup.target(),
        run.id,
        run.started_ms
    );
    println!("sent");
    println!(
        "  kinesis     {} records, {} of data, in {} PutRecords to stream {}",
        run.readings.len(),
        bytes(data),
        calls("kinesis PutRecords"),
        args.stream
    );
    println!(
        "  cloudwatch  {} values in {} PutMetricData to {}",
        run.metric_values,
        calls("cloudwatch PutMetricData"),
        args.namespace
    );
    println!("  iot-data    {} Publish of device state", run.publishes);
    println!(
        "  s3          s3://{}/{} ({}), PutObject streamed aws-chunked",
        args.bucket,
        run.key,
        bytes(run.file.len() as u64)
    );
    println!(
        "requests      {} ({} retries); throughput {:.1} records/s, {}/s of record data over {:.2} s",
        stats.calls(),
        stats.retries(),
        run.readings.len() as f64 / secs,
        bytes((data as f64 / secs) as u64),
        secs
    );
    println!("latency per operation (all attempts of a call)");
    print!("{}", stats.table());
    println!("read-back");
    println!(
        "  kinesis     {} of {} records found by sequence number, {} differ, {} unplaced ({} shards, {} GetRecords)",
        back.found, back.expected, back.differ, back.unplaced, back.shards, back.get_records
    );
    println!(
        "  s3          GetObject {}: {}",
        bytes(back.object_bytes as u64),
        if back.object_equal {
            "equal to the batch file"
        } else {
            "DIFFERS from the batch file"
        }
    );
    if back.passed() {
        println!("read-back: PASS (nothing lost)");
    } else {
        println!("read-back: FAIL");
    }
}

fn run(args: &Args) -> Result<bool, GatewayError> {
    let setup = Setup::new(args.region.as_deref(), args.endpoint_url.as_deref())?;
    let aws = setup.clients()?;
    eprintln!(
        "stratus gateway -> {}: {} devices, {}/s each, {:.1} s",
        setup.target(),
        args.devices,
        args.rate,
        args.duration.as_secs_f64()
    );
    let created = resources::ensure_stream(&aws, &args.stream, args.shards)?;
    eprintln!(
        "stream {}: {}",
        args.stream,
        if created { "created" } else { "exists" }
    );
    let created = resources::ensure_bucket(&aws, &args.bucket, setup.region())?;
    eprintln!(
        "bucket {}: {}",
        args.bucket,
        if created { "created" } else { "exists" }
    );
    let run = send_all(args, &aws)?;
    eprintln!("reading back");
    let mut back = ReadBack::default();
    readback::kinesis(&aws, &args.stream, &run.readings, &run.placed, &mut back)?;
    readback::object(&aws, &args.bucket, &run.key, &run.file, &mut back)?;
    summary(args, &setup, &aws, &run, &back);
    Ok(back.passed())
}

fn main() -> ExitCode {
    let args = Args::parse();
    match run(&args) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::FAILURE,
        Err(e) => {
            eprintln!("gateway: {e}");
            ExitCode::FAILURE
        }
    }
}
