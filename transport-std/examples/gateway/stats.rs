//! What the run measured: per operation, calls, attempts, payload bytes and
//! each call's latency; percentiles by nearest rank.

use std::fmt::Write as _;
use std::time::Duration;

/// One operation's figures.
#[derive(Default)]
pub struct OpStats {
    /// `kinesis PutRecords`, …
    pub name: String,
    /// Calls made (each may take several attempts).
    pub calls: u64,
    /// Attempts over all calls (`CallOutput::attempts`).
    pub attempts: u64,
    /// Calls that ended in an error.
    pub failed: u64,
    /// Payload bytes sent (record data, metric values' JSON is not counted).
    pub payload_bytes: u64,
    /// Each call's latency, all attempts included.
    pub latencies: Vec<Duration>,
}

impl OpStats {
    /// Retries: attempts beyond the first of each call.
    pub fn retries(&self) -> u64 {
        self.attempts.saturating_sub(self.calls)
    }
}

/// Every operation's figures, in the order first called.
#[derive(Default)]
pub struct Stats {
    ops: Vec<OpStats>,
}

impl Stats {
    /// Notes one call.
    pub fn record(&mut self, name: &str, latency: Duration, attempts: u32, payload: u64, ok: bool) {
        let i = match self.ops.iter().position(|o| o.name == name) {
            Some(i) => i,
            None => {
                self.ops.push(OpStats {
                    name: name.to_string(),
                    ..OpStats::default()
                });
                self.ops.len() - 1
            }
        };
        let op = &mut self.ops[i];
        op.calls += 1;
        op.attempts += u64::from(attempts.max(1));
        op.failed += u64::from(!ok);
        op.payload_bytes += payload;
        op.latencies.push(latency);
    }

    /// The operations.
    pub fn ops(&self) -> &[OpStats] {
        &self.ops
    }

    /// Calls over all operations.
    pub fn calls(&self) -> u64 {
        self.ops.iter().map(|o| o.calls).sum()
    }

    /// Retries over all operations.
    pub fn retries(&self) -> u64 {
        self.ops.iter().map(OpStats::retries).sum()
    }

    /// A table: one line per operation.
    pub fn table(&self) -> String {
        let mut out = String::new();
        let _ = writeln!(
            out,
            "  {:<32} {:>6} {:>7} {:>6} {:>10} {:>9} {:>9} {:>9}",
            "operation", "calls", "retries", "failed", "payload", "p50", "p99", "max"
        );
        for op in &self.ops {
            let mut sorted = op.latencies.clone();
            sorted.sort();
            let _ = writeln!(
                out,
                "  {:<32} {:>6} {:>7} {:>6} {:>10} {:>9} {:>9} {:>9}",
                op.name,
                op.calls,
                op.retries(),
                op.failed,
                bytes(op.payload_bytes),
                ms(percentile(&sorted, 50.0)),
                ms(percentile(&sorted, 99.0)),
                ms(sorted.last().copied()),
            );
        }
        out
    }
}

/// The `p`th percentile of `sorted` by nearest rank (`None` when empty).
pub fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len()) - 1).copied()
}

fn ms(d: Option<Duration>) -> String {
    d.map_or_else(
        || "-".into(),
        |d| format!("{:.1} ms", d.as_secs_f64() * 1e3),
    )
}

/// `1,234 B`, `12.3 KiB`, `4.5 MiB`.
pub fn bytes(n: u64) -> String {
    match n {
        0..1024 => format!("{n} B"),
        1024..1_048_576 => format!("{:.1} KiB", n as f64 / 1024.0),
        _ => format!("{:.1} MiB", n as f64 / 1_048_576.0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_rank() {
        let d: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&d, 50.0), Some(Duration::from_millis(50)));
        assert_eq!(percentile(&d, 99.0), Some(Duration::from_millis(99)));
        assert_eq!(percentile(&d[..1], 99.0), Some(Duration::from_millis(1)));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn retries_are_attempts_past_the_first() {
        let mut s = Stats::default();
        s.record("a", Duration::ZERO, 1, 10, true);
        s.record("a", Duration::ZERO, 3, 10, true);
        s.record("b", Duration::ZERO, 0, 0, false);
        assert_eq!((s.calls(), s.retries()), (3, 2));
        assert_eq!(s.ops()[0].payload_bytes, 20);
        assert_eq!(s.ops()[1].failed, 1);
    }
}
