//! The gateway's command line.

use std::fmt;
use std::time::Duration;

use clap::Parser;

/// Simulated devices posting telemetry through stratus, as an edge gateway
/// does: Kinesis `PutRecords` batches, CloudWatch `PutMetricData`, IoT Data
/// `Publish` of each device's latest state, and the run's records as one S3
/// object streamed with aws-chunked signing; then everything is read back.
///
/// Credentials and settings come from botocore's default chain and shared
/// config (`AWS_*` variables, `~/.aws/config`). With a region and real
/// credentials and no endpoint URL it talks to AWS.
#[derive(Parser, Debug)]
#[command(name = "gateway", version)]
pub struct Args {
    /// How many devices to simulate.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u32).range(1..=10_000))]
    pub devices: u32,
    /// How long to send: `10s`, `1500ms`, `2m`, or plain seconds.
    #[arg(long, default_value = "10s", value_parser = parse_duration)]
    pub duration: Duration,
    /// Readings per device per second.
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u32).range(1..=1_000))]
    pub rate: u32,
    /// Send every request to this URL instead of AWS (e.g. a local moto).
    #[arg(long)]
    pub endpoint_url: Option<String>,
    /// The AWS region (over `AWS_REGION` and the profile's).
    #[arg(long)]
    pub region: Option<String>,
    /// The Kinesis stream (created when missing).
    #[arg(long, default_value = "stratus-gateway")]
    pub stream: String,
    /// Shards of the stream when it is created.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(i32).range(1..=64))]
    pub shards: i32,
    /// The S3 bucket for the batch files (created when missing; on AWS pick
    /// a name of your own, bucket names are global).
    #[arg(long, default_value = "stratus-gateway-demo")]
    pub bucket: String,
    /// The CloudWatch namespace of the metrics.
    #[arg(long, default_value = "Stratus/Gateway")]
    pub namespace: String,
    /// The IoT topic of a device's state; `{device}` becomes its id. (moto
    /// refuses the signature of a topic holding `/`, which the request
    /// path carries percent-encoded, so the default has none.)
    #[arg(long, default_value = "stratus-gateway-{device}-state")]
    pub topic: String,
    /// Seed of the simulated readings (same seed, same readings).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
}

/// Why a `--duration` was refused.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum DurationError {
    /// Nothing was given.
    Empty,
    /// The number part is not a whole number.
    NotANumber(String),
    /// The unit is not `ms`, `s`, `m` or `h`.
    UnknownUnit(String),
    /// Zero, or more than a day.
    OutOfRange,
}

impl fmt::Display for DurationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DurationError::Empty => f.write_str("no duration given (e.g. 10s)"),
            DurationError::NotANumber(n) => write!(f, "{n:?} is not a whole number"),
            DurationError::UnknownUnit(u) => {
                write!(f, "unknown unit {u:?}: use ms, s, m or h (e.g. 10s)")
            }
            DurationError::OutOfRange => f.write_str("give more than 0 and at most 24h"),
        }
    }
}

impl std::error::Error for DurationError {}

/// `10s`, `1500ms`, `2m`, `1h` or plain seconds.
pub fn parse_duration(text: &str) -> Result<Duration, DurationError> {
    let text = text.trim();
    if text.is_empty() {
        return Err(DurationError::Empty);
    }
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let n: u64 = number
        .parse()
        .map_err(|_| DurationError::NotANumber(number.to_string()))?;
    let millis = match unit {
        "ms" => Some(n),
        "" | "s" => n.checked_mul(1_000),
        "m" => n.checked_mul(60_000),
        "h" => n.checked_mul(3_600_000),
        other => return Err(DurationError::UnknownUnit(other.to_string())),
    };
    match millis {
        Some(ms) if ms > 0 && ms <= 86_400_000 => Ok(Duration::from_millis(ms)),
        _ => Err(DurationError::OutOfRange),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("10s"), Ok(Duration::from_secs(10)));
        assert_eq!(parse_duration("1500ms"), Ok(Duration::from_millis(1500)));
        assert_eq!(parse_duration("2m"), Ok(Duration::from_secs(120)));
        assert_eq!(parse_duration("7"), Ok(Duration::from_secs(7)));
        assert_eq!(parse_duration(""), Err(DurationError::Empty));
        assert_eq!(parse_duration("0s"), Err(DurationError::OutOfRange));
        assert_eq!(parse_duration("25h"), Err(DurationError::OutOfRange));
        assert_eq!(
            parse_duration("5d"),
            Err(DurationError::UnknownUnit("d".into()))
        );
        assert_eq!(
            parse_duration("s"),
            Err(DurationError::NotANumber(String::new()))
        );
        assert_eq!(
            parse_duration("99999999999999999999s"),
            Err(DurationError::NotANumber("99999999999999999999".into()))
        );
    }
}
