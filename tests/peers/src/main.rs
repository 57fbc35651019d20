//! The peer benchmarks' runner (`cargo xtask bench` builds and starts it):
//! runs every measuring program of this workspace and the botocore/boto3
//! script in one go, on this machine, and prints one markdown table with the
//! goal ratios (stdout; also written to `peers-bench.md` in the target dir).
//!
//! ```text
//! stratus-peers [--skip-build-time] [--calls N] [--batches N]
//! ```
//!
//! Progress goes to stderr. Every figure in the table comes from this run.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{BufRead, BufReader, Write as _};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::Value;

/// Why the run stopped.
#[derive(Debug)]
enum BenchError {
    Usage(String),
    Spawn(String, std::io::Error),
    Failed(String, String),
    Output(String, String),
    Missing(&'static str, &'static str),
    Io(String, std::io::Error),
}

impl std::fmt::Display for BenchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BenchError::Usage(why) => write!(
                f,
                "{why}; usage: stratus-peers [--skip-build-time] [--calls N] [--batches N]"
            ),
            BenchError::Spawn(cmd, e) => write!(f, "could not start `{cmd}`: {e}"),
            BenchError::Failed(cmd, why) => write!(f, "`{cmd}` failed: {why}"),
            BenchError::Output(cmd, line) => {
                write!(f, "`{cmd}` printed an unreadable line: {line}")
            }
            BenchError::Missing(row, imp) => write!(f, "no figure for row {row}, {imp}"),
            BenchError::Io(what, e) => write!(f, "{what}: {e}"),
        }
    }
}

struct Options {
    skip_build_time: bool,
    calls: u64,
    batches: usize,
}

fn options() -> Result<Options, BenchError> {
    let mut o = Options {
        skip_build_time: false,
        calls: 2_000,
        batches: 15,
    };
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut number = |name: &str| -> Result<u64, BenchError> {
            args.next()
                .and_then(|v| v.parse().ok())
                .filter(|&v| v > 0)
                .ok_or_else(|| BenchError::Usage(format!("{name} wants a positive number")))
        };
        match a.as_str() {
            "--skip-build-time" => o.skip_build_time = true,
            "--calls" => o.calls = number("--calls")?,
            "--batches" => o.batches = number("--batches")? as usize,
            other => return Err(BenchError::Usage(format!("unknown argument `{other}`"))),
        }
    }
    Ok(o)
}

/// Where things are: this workspace, the repository, the built programs.
struct Paths {
    peers: PathBuf,
    bins: PathBuf,
    target: PathBuf,
}

fn paths() -> Result<Paths, BenchError> {
    let peers = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let exe =
        std::env::current_exe().map_err(|e| BenchError::Io("this program's path".into(), e))?;
    let bins = exe
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."));
    let target = bins
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| bins.clone());
    Ok(Paths {
        peers,
        bins,
        target,
    })
}

fn show(cmd: &Command) -> String {
    let mut s = Path::new(cmd.get_program())
        .file_name()
        .unwrap_or(cmd.get_program())
        .to_string_lossy()
        .into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// The environment every measured program gets: no AWS settings from the
/// user, no instance-metadata lookups.
fn safe(cmd: &mut Command) -> &mut Command {
    for (k, _) in std::env::vars_os() {
        if k.to_string_lossy().starts_with("AWS_") {
            cmd.env_remove(k);
        }
    }
    cmd.env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
}

/// Runs `cmd` and reads its JSON lines.
fn json_lines(mut cmd: Command) -> Result<Vec<Value>, BenchError> {
    let shown = show(&cmd);
    eprintln!("bench: $ {shown}");
    let out = safe(&mut cmd)
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| BenchError::Spawn(shown.clone(), e))?;
    if !out.status.success() {
        return Err(BenchError::Failed(shown, out.status.to_string()));
    }
    let text = String::from_utf8_lossy(&out.stdout);
    text.lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).map_err(|_| BenchError::Output(shown.clone(), l.into())))
        .collect()
}

fn python() -> Command {
    Command::new(std::env::var_os("STRATUS_PYTHON").unwrap_or_else(|| "python3".into()))
}

fn cargo() -> Command {
    Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
}

/// Every figure of the run, by (row, implementation).
#[derive(Default)]
struct Results {
    rows: HashMap<(String, String), Value>,
}

impl Results {
    fn add(&mut self, lines: Vec<Value>) {
        for v in lines {
            let row = v["row"].as_str().unwrap_or_default().to_owned();
            let imp = v["impl"].as_str().unwrap_or_default().to_owned();
            self.rows.insert((row, imp), v);
        }
    }
    fn get(&self, row: &'static str, imp: &'static str, field: &str) -> Result<f64, BenchError> {
        self.rows
            .get(&(row.to_owned(), imp.to_owned()))
            .and_then(|v| v[field].as_f64())
            .ok_or(BenchError::Missing(row, imp))
    }
    fn text(
        &self,
        row: &'static str,
        imp: &'static str,
        field: &str,
    ) -> Result<String, BenchError> {
        self.rows
            .get(&(row.to_owned(), imp.to_owned()))
            .and_then(|v| v[field].as_str().map(str::to_owned))
            .ok_or(BenchError::Missing(row, imp))
    }
}

/// The canned server, ended when dropped (its stdin closes, then it exits;
/// killed by its own pid if it does not).
struct Server {
    child: std::process::Child,
    port: u16,
}

impl Server {
    fn start(bins: &Path) -> Result<Server, BenchError> {
        let mut cmd = Command::new(bins.join("server"));
        let shown = show(&cmd);
        eprintln!("bench: $ {shown} &");
        let mut child = cmd
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .map_err(|e| BenchError::Spawn(shown.clone(), e))?;
        let mut line = String::new();
        if let Some(out) = child.stdout.take() {
            let _ = BufReader::new(out).read_line(&mut line);
        }
        let port = line
            .trim()
            .strip_prefix("port=")
            .and_then(|p| p.parse().ok());
        match port {
            Some(port) => Ok(Server { child, port }),
            None => {
                let _ = child.kill();
                let _ = child.wait();
                Err(BenchError::Output(shown, line))
            }
        }
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let t = Instant::now();
        while t.elapsed().as_secs() < 2 {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal program's size, and its clean build time when measured.
struct Built {
    bytes: u64,
    build_s: Option<f64>,
    binary: PathBuf,
}

/// Builds `package` at the `min` profile: in a fresh target directory, timed
/// (then removed), or in the shared one when build times are skipped.
fn build_minimal(paths: &Paths, package: &str, clean: bool) -> Result<Built, BenchError> {
    let dir = if clean {
        paths.target.join(format!("clean-{package}"))
    } else {
        paths.target.clone()
    };
    if clean {
        let _ = std::fs::remove_dir_all(&dir);
    }
    let mut cmd = cargo();
    cmd.arg("build")
        .arg("--offline")
        .arg("--quiet")
        .args(["--profile", "min", "-p", package, "--manifest-path"])
        .arg(paths.peers.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&dir)
        .env_remove("CARGO_TARGET_DIR")
        .env_remove("RUSTFLAGS")
        .env_remove("CARGO_ENCODED_RUSTFLAGS");
    let shown = show(&cmd);
    eprintln!("bench: $ {shown}");
    let t = Instant::now();
    let status = cmd
        .status()
        .map_err(|e| BenchError::Spawn(shown.clone(), e))?;
    let took = t.elapsed().as_secs_f64();
    if !status.success() {
        return Err(BenchError::Failed(shown, status.to_string()));
    }
    let built = dir.join("min").join(package);
    let bytes = std::fs::metadata(&built)
        .map_err(|e| BenchError::Io(format!("{}", built.display()), e))?
        .len();
    // Keep the binary, drop the build directory (disk is limited).
    let kept = paths.target.join(format!("{package}.min"));
    std::fs::copy(&built, &kept).map_err(|e| BenchError::Io(format!("{}", kept.display()), e))?;
    if clean {
        let _ = std::fs::remove_dir_all(&dir);
    }
    Ok(Built {
        bytes,
        build_s: clean.then_some(took),
        binary: kept,
    })
}

fn machine() -> (String, String, String) {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        })
        .unwrap_or_else(|| "unknown CPU".into());
    let cores = std::thread::available_parallelism()
        .map(|n| n.get().to_string())
        .unwrap_or_else(|_| "?".into());
    let load = std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|t| t.split_whitespace().next().map(str::to_owned))
        .unwrap_or_else(|| "?".into());
    (
        format!("{cpu}, {cores} cores, {}", std::env::consts::ARCH),
        load,
        date(),
    )
}

/// Today's date (UTC), from the system clock.
fn date() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    // Civil date from days since 1970-01-01 (H. Hinnant's algorithm).
    let z = (secs / 86_400) as i64 + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

fn ns(v: f64) -> String {
    if v >= 1e6 {
        format!("{:.2} ms", v / 1e6)
    } else if v >= 1e3 {
        format!("{:.2} µs", v / 1e3)
    } else {
        format!("{v:.0} ns")
    }
}

fn thousands(v: f64) -> String {
    let n = v.round() as u64;
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

fn allocs(v: f64) -> String {
    if v == v.trunc() {
        format!("{v:.0}")
    } else {
        format!("{v:.1}")
    }
}

fn mib(kib: f64) -> String {
    format!("{:.1} MiB", kib / 1024.0)
}

fn mb(bytes: f64) -> String {
    if bytes >= 1e6 {
        format!("{:.2} MB", bytes / 1e6)
    } else {
        format!("{:.0} kB", bytes / 1e3)
    }
}

fn run() -> Result<(), BenchError> {
    let o = options()?;
    let paths = paths()?;
    let (machine, load, date) = machine();
    let started = Instant::now();
    let mut r = Results::default();

    eprintln!("bench: in-process rows (signing, in-memory PutRecord, client creation)");
    let mut micro = Command::new(paths.bins.join("micro"));
    micro.arg(o.batches.to_string());
    r.add(json_lines(micro)?);
    let mut py = python();
    py.arg(paths.peers.join("botocore_bench.py"))
        .arg("micro")
        .arg((o.batches / 2).max(3).to_string());
    r.add(json_lines(py)?);
    let sig_stratus = r.text("signature", "stratus", "signature")?;
    let sig_botocore = r.text("signature", "botocore", "signature")?;
    if sig_stratus != sig_botocore {
        return Err(BenchError::Failed(
            "signature check".into(),
            format!("stratus signed {sig_stratus}, botocore {sig_botocore}"),
        ));
    }

    eprintln!("bench: sizes and build times of the minimal programs");
    let clean = !o.skip_build_time;
    let min_stratus = build_minimal(&paths, "min-stratus", clean)?;
    let min_sdk = build_minimal(&paths, "min-sdk", clean)?;

    eprintln!("bench: sequential calls against the canned server");
    let server = Server::start(&paths.bins)?;
    let port = server.port.to_string();
    for (binary, name) in [
        (&min_stratus.binary, "min-stratus"),
        (&min_sdk.binary, "min-sdk"),
    ] {
        let mut cmd = Command::new(binary);
        cmd.arg(format!("http://127.0.0.1:{port}"));
        let shown = show(&cmd);
        let out = safe(&mut cmd)
            .output()
            .map_err(|e| BenchError::Spawn(shown.clone(), e))?;
        if !out.status.success() {
            return Err(BenchError::Failed(
                shown,
                String::from_utf8_lossy(&out.stderr).into_owned(),
            ));
        }
        eprintln!(
            "bench: {name} made its call: {}",
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
    // Three interleaved rounds, the same count for every client (the raw
    // client included); each client's median round by rate is kept, so a
    // burst of load from elsewhere does not decide a row.
    let calls = o.calls.to_string();
    let mut rounds: HashMap<String, Vec<Value>> = HashMap::new();
    for _ in 0..3 {
        let mut lines = Vec::new();
        for bin in ["raw_client", "seq_stratus", "seq_sdk"] {
            let mut c = Command::new(paths.bins.join(bin));
            c.args([&port, &calls]);
            lines.extend(json_lines(c)?);
        }
        let mut py = python();
        py.arg(paths.peers.join("botocore_bench.py"))
            .args(["seq", &port, &calls]);
        lines.extend(json_lines(py)?);
        for v in lines {
            let imp = v["impl"].as_str().unwrap_or_default().to_owned();
            rounds.entry(imp).or_default().push(v);
        }
    }
    for (_, mut runs) in rounds {
        runs.sort_by(|a, b| {
            let rate = |v: &Value| v["calls_per_s"].as_f64().unwrap_or(0.0);
            rate(a).total_cmp(&rate(b))
        });
        let median = runs.swap_remove(runs.len() / 2);
        r.add(vec![median]);
    }
    drop(server);

    let table = table(
        &r,
        &o,
        &min_stratus,
        &min_sdk,
        &machine,
        &load,
        &date,
        started,
    )?;
    print!("{table}");
    let _ = std::io::stdout().flush();
    let file = paths.target.join("peers-bench.md");
    std::fs::write(&file, &table).map_err(|e| BenchError::Io(format!("{}", file.display()), e))?;
    eprintln!("bench: the table is also in {}", file.display());
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn table(
    r: &Results,
    o: &Options,
    min_stratus: &Built,
    min_sdk: &Built,
    machine: &str,
    load: &str,
    date: &str,
    started: Instant,
) -> Result<String, BenchError> {
    let g = |row, imp, field| r.get(row, imp, field);
    let mut t = String::new();
    let command = if o.skip_build_time {
        "cargo xtask bench --skip-build-time"
    } else {
        "cargo xtask bench"
    };
    let _ = writeln!(
        t,
        "Measured {date} on {machine} (load average {load} at the start), by `{command}` \
         in {:.0} s; {} sequential calls per client, median of 3 interleaved rounds.\n",
        started.elapsed().as_secs_f64(),
        o.calls
    );
    let _ = writeln!(
        t,
        "| measure | stratus | aws-sigv4 / aws-sdk-kinesis | botocore / boto3 | floor / server |"
    );
    let _ = writeln!(t, "|---|---:|---:|---:|---:|");
    let sc = g("sign_cached", "stratus", "ns")?;
    let fc = g("sign_cached", "floor", "ns")?;
    let _ = writeln!(
        t,
        "| SigV4 signing, key cached (allocations) | {} ({}) | — | — | {} ({}) |",
        ns(sc),
        allocs(g("sign_cached", "stratus", "allocs")?),
        ns(fc),
        allocs(g("sign_cached", "floor", "allocs")?),
    );
    let sdk_sign = g("sign_uncached", "aws-sigv4", "ns")?;
    let _ = writeln!(
        t,
        "| SigV4 signing, key derived (allocations) | {} ({}) | {} ({}) | {} | {} ({}) |",
        ns(g("sign_uncached", "stratus", "ns")?),
        allocs(g("sign_uncached", "stratus", "allocs")?),
        ns(sdk_sign),
        allocs(g("sign_uncached", "aws-sigv4", "allocs")?),
        ns(g("sign_uncached", "botocore", "ns")?),
        ns(g("sign_uncached", "floor", "ns")?),
        allocs(g("sign_uncached", "floor", "allocs")?),
    );
    let _ = writeln!(
        t,
        "| signed PutRecord built in memory: serialize, sign, wire bytes, canned reply parsed (allocations) | {} ({}) | {} ({}) | {} | — |",
        ns(g("put_record_in_memory", "stratus", "ns")?),
        allocs(g("put_record_in_memory", "stratus", "allocs")?),
        ns(g("put_record_in_memory", "aws-sdk-kinesis", "ns")?),
        allocs(g("put_record_in_memory", "aws-sdk-kinesis", "allocs")?),
        ns(g("put_record_in_memory", "botocore", "ns")?),
    );
    let cs = g("client_create", "stratus", "ns")?;
    let _ = writeln!(
        t,
        "| client creation (allocations) | {} ({}) | {} ({}) | {} | — |",
        ns(cs),
        allocs(g("client_create", "stratus", "allocs")?),
        ns(g("client_create", "aws-sdk-kinesis", "ns")?),
        allocs(g("client_create", "aws-sdk-kinesis", "allocs")?),
        ns(g("client_create", "botocore", "ns")?),
    );
    let rate = |imp| g("sequential", imp, "calls_per_s");
    let (rs, rk, rb, rr) = (
        rate("stratus")?,
        rate("aws-sdk-kinesis")?,
        rate("boto3")?,
        rate("raw")?,
    );
    let _ = writeln!(
        t,
        "| sequential PutRecord against a local canned server, calls/s | {} | {} | {} | {} |",
        thousands(rs),
        thousands(rk),
        thousands(rb),
        thousands(rr)
    );
    let cpu = |imp| g("sequential", imp, "cpu_ns_per_call");
    let _ = writeln!(
        t,
        "| client CPU time per call (user + sys) | {} | {} | {} | {} |",
        ns(cpu("stratus")?),
        ns(cpu("aws-sdk-kinesis")?),
        ns(cpu("boto3")?),
        ns(cpu("raw")?),
    );
    let rss = |imp| g("sequential", imp, "peak_rss_kib");
    let (ms, mk) = (rss("stratus")?, rss("aws-sdk-kinesis")?);
    let _ = writeln!(
        t,
        "| client peak RSS | {} | {} | {} | {} |",
        mib(ms),
        mib(mk),
        mib(rss("boto3")?),
        mib(rss("raw")?),
    );
    let _ = writeln!(
        t,
        "| minimal one-call program, release binary (opt-level z, fat LTO, strip, panic=abort) | {} | {} | — | — |",
        mb(min_stratus.bytes as f64),
        mb(min_sdk.bytes as f64)
    );
    if let (Some(a), Some(b)) = (min_stratus.build_s, min_sdk.build_s) {
        let _ = writeln!(
            t,
            "| clean build of that program (fresh target dir, sources fetched) | {a:.0} s | {b:.0} s | — | — |"
        );
    }

    let _ = writeln!(t, "\n| goal | measured | reached |");
    let _ = writeln!(t, "|---|---:|:---:|");
    let mut goal = |name: &str, measured: String, ok: bool| {
        let _ = writeln!(
            t,
            "| {name} | {measured} | {} |",
            if ok { "yes" } else { "no" }
        );
    };
    goal(
        "signing ≤ 1.3× the floor, key cached",
        format!("{:.2}×", sc / fc),
        sc / fc <= 1.3,
    );
    let alloc_sign =
        g("sign_cached", "stratus", "allocs")? + g("sign_uncached", "stratus", "allocs")?;
    goal(
        "signing makes 0 allocations",
        allocs(alloc_sign),
        alloc_sign == 0.0,
    );
    goal(
        "signing (key cached) about 6× faster than aws-sigv4",
        format!("{:.1}×", sdk_sign / sc),
        sdk_sign / sc >= 6.0,
    );
    goal(
        "sequential calls ≥ 2.5× aws-sdk-kinesis",
        format!("{:.2}×", rs / rk),
        rs / rk >= 2.5,
    );
    goal(
        "sequential calls ≥ 15× boto3",
        format!("{:.1}×", rs / rb),
        rs / rb >= 15.0,
    );
    goal(
        "sequential calls ≥ 60 % of the server's capacity",
        format!("{:.0} %", 100.0 * rs / rr),
        rs / rr >= 0.6,
    );
    goal(
        "peak RSS ≤ ¼ of aws-sdk-kinesis's",
        format!("{:.2}×", ms / mk),
        ms / mk <= 0.25,
    );
    let size = min_stratus.bytes as f64 / min_sdk.bytes as f64;
    goal(
        "minimal binary ≤ ⅕ of aws-sdk-kinesis's",
        format!("{size:.2}×"),
        size <= 0.2,
    );
    if let (Some(a), Some(b)) = (min_stratus.build_s, min_sdk.build_s) {
        goal(
            "clean build ≤ ⅓ of aws-sdk-kinesis's",
            format!("{:.2}×", a / b),
            a / b <= 1.0 / 3.0,
        );
    }
    goal("client creation < 1 µs", ns(cs), cs < 1000.0);

    // Where the figures come from, for the not-reached goals.
    let _ = writeln!(
        t,
        "\nstratus client creation through the session: {}; `Client::new` alone: {}; \
         the client value is {} bytes.",
        ns(cs),
        ns(g("client_new", "stratus", "ns")?),
        g("client_size", "stratus", "bytes")?
    );
    for (imp, name) in [
        ("raw", "raw client"),
        ("stratus", "stratus"),
        ("aws-sdk-kinesis", "aws-sdk-kinesis"),
        ("boto3", "boto3"),
    ] {
        let at = |f| g("sequential", imp, f).map(mib);
        let _ = writeln!(
            t,
            "Peak RSS of the {name} process: {} at start of main, {} after setting up the client, {} at the end.",
            at("start_rss_kib").unwrap_or_else(|_| "—".into()),
            at("setup_rss_kib").unwrap_or_else(|_| "—".into()),
            at("peak_rss_kib")?,
        );
    }
    Ok(t)
}

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("bench: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
