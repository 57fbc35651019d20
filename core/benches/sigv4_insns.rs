//! Instructions per SigV4 signature, next to the floor, counted by callgrind:
//! load-independent figures for the workload the criterion bench `sigv4` times
//! (see `common/mod.rs`).
//!
//! ```text
//! cargo bench -p stratus-core --bench sigv4_insns
//! ```
//!
//! needs `valgrind` on `PATH` (without it the bench says so and measures
//! nothing). The bench runs itself once per case under
//!
//! ```text
//! valgrind --tool=callgrind --callgrind-out-file=/dev/null \
//!     --toggle-collect='*sigv4_insns::measured*' <this binary> --child <case> <n>
//! ```
//!
//! which counts only the instructions inside `measured` (the `n` calls, not
//! start-up or fixture set-up; the key cache is filled before it for the cached
//! case). It prints instructions per call and their ratio to the floor: all of
//! them, those outside SHA-256's block function (`sha2::compress256`: the
//! signer's own work plus the digest and HMAC wrappers) and those inside it.
//! Run that
//! command by hand (the binary is under `<target>/release/deps/sigv4_insns-*`)
//! with `--dump-instr=yes` and a real `--callgrind-out-file` to profile one case
//! in `callgrind_annotate`. `STRATUS_INSNS_ITERATIONS` sets `n` (default 2000).
//!
//! Under valgrind SHA-256 runs its portable code (valgrind hides the SHA CPU
//! extensions), about 3,400 instructions a block, so the totals weigh hashing
//! far more than a CPU with SHA extensions does and the total ratio is lower
//! than the wall-clock one. The non-SHA column is the part this crate controls:
//! read it next to criterion's times.

use std::hint::black_box;
use std::process::{Command, ExitCode};

use stratus_core::sigv4::SigningKeyCache;

mod common;

/// The measured cases: name, and the floor it is compared with.
const CASES: [(&str, Option<&str>); 4] = [
    ("floor_key_cached", None),
    ("sign_key_cached", Some("floor_key_cached")),
    ("floor_key_uncached", None),
    ("sign_key_uncached", Some("floor_key_uncached")),
];

/// Runs `case` `n` times; callgrind counts only inside this function.
#[inline(never)]
fn measured(f: &common::Fixture, case: &str, n: u32, cache: &mut SigningKeyCache) {
    match case {
        "sign_key_cached" => (0..n).for_each(|_| {
            black_box(f.sign(cache));
        }),
        "sign_key_uncached" => (0..n).for_each(|_| {
            black_box(f.sign_key_uncached());
        }),
        "floor_key_cached" => (0..n).for_each(|_| {
            black_box(f.floor_key_cached());
        }),
        "floor_key_uncached" => (0..n).for_each(|_| {
            black_box(f.floor_key_uncached());
        }),
        _ => {}
    }
}

fn child(case: &str, n: u32) -> ExitCode {
    if !CASES.iter().any(|(c, _)| *c == case) {
        eprintln!("unknown case {case:?}");
        return ExitCode::FAILURE;
    }
    let f = common::Fixture::new();
    let mut cache = SigningKeyCache::new();
    black_box(f.sign(&mut cache));
    measured(&f, case, n, &mut cache);
    ExitCode::SUCCESS
}

/// Instructions of `n` runs of `case`: all of them, and those inside SHA-256's
/// block function (`sha2::compress256`).
struct Count {
    total: u64,
    sha256_blocks: u64,
}

fn count(case: &str, n: u32) -> Result<Count, String> {
    let exe = std::env::current_exe().map_err(|e| format!("own path: {e}"))?;
    let out_file =
        std::env::temp_dir().join(format!("sigv4_insns.{}.{case}.out", std::process::id()));
    let out = Command::new("valgrind")
        .args([
            "--tool=callgrind",
            "--toggle-collect=*sigv4_insns::measured*",
        ])
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(&exe)
        .args(["--child", case, &n.to_string()])
        .output()
        .map_err(|e| format!("running valgrind: {e}"))?;
    let profile = std::fs::read_to_string(&out_file);
    let _ = std::fs::remove_file(&out_file);
    let stderr = String::from_utf8_lossy(&out.stderr);
    if !out.status.success() {
        return Err(format!("valgrind failed ({}): {stderr}", out.status));
    }
    let profile = profile.map_err(|e| format!("reading {}: {e}", out_file.display()))?;
    let count = self_costs(&profile)?;
    let collected: u64 = stderr
        .lines()
        .find_map(|l| {
            l.split_once("Collected :")
                .map(|(_, v)| v.trim().to_string())
        })
        .ok_or_else(|| format!("no \"Collected\" line in valgrind's output: {stderr}"))?
        .parse()
        .map_err(|e| format!("instruction count: {e}"))?;
    if collected != count.total {
        return Err(format!(
            "profile sums to {} instructions, valgrind says {collected}",
            count.total
        ));
    }
    Ok(count)
}

/// Sums the self cost (first event, `Ir`) of every function in a callgrind
/// profile, and separately of SHA-256's block function. A cost line right after
/// `calls=` is the inclusive cost of that call, not self cost, and is skipped.
fn self_costs(profile: &str) -> Result<Count, String> {
    let mut names: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
    let mut current_is_sha = false;
    let mut after_calls = false;
    let mut count = Count {
        total: 0,
        sha256_blocks: 0,
    };
    for line in profile.lines() {
        if let Some(spec) = line.strip_prefix("fn=") {
            // `(id) name` defines an id, `(id)` refers to one.
            let name = match spec.split_once(')') {
                Some((id, rest)) if spec.starts_with('(') => {
                    let rest = rest.trim();
                    if rest.is_empty() {
                        names.get(id).copied().unwrap_or("")
                    } else {
                        names.insert(id, rest);
                        rest
                    }
                }
                _ => spec,
            };
            current_is_sha = name.contains("compress256");
        } else if let Some(spec) = line.strip_prefix("cfn=") {
            if let Some((id, rest)) = spec.split_once(')')
                && !rest.trim().is_empty()
            {
                names.insert(id, rest.trim());
            }
        } else if line.starts_with("calls=") {
            after_calls = true;
        } else if line.starts_with(|c: char| c.is_ascii_digit() || "+-*".contains(c)) {
            if std::mem::take(&mut after_calls) {
                continue;
            }
            let cost: u64 = match line.split_whitespace().nth(1) {
                Some(v) => v.parse().map_err(|e| format!("cost line {line:?}: {e}"))?,
                None => 0,
            };
            count.total += cost;
            if current_is_sha {
                count.sha256_blocks += cost;
            }
        }
    }
    Ok(count)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--child") {
        let case = args.get(at + 1).map(String::as_str).unwrap_or("");
        let n = args.get(at + 2).and_then(|n| n.parse().ok()).unwrap_or(1);
        return child(case, n);
    }
    // `cargo test --benches` runs benches once as tests: nothing to count then.
    if args.iter().any(|a| a == "--test") || !args.iter().any(|a| a == "--bench") {
        return ExitCode::SUCCESS;
    }
    if Command::new("valgrind").arg("--version").output().is_err() {
        println!("sigv4_insns: skipped, valgrind is not on PATH");
        return ExitCode::SUCCESS;
    }
    let n: u32 = std::env::var("STRATUS_INSNS_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(2000);
    let mut per_call: Vec<(&str, f64, f64)> = Vec::new();
    println!("instructions per call, {n} calls each (callgrind):");
    println!(
        "  {:<20} {:>9} {:>7}   {:>9} {:>7}   {:>9}",
        "case", "total", "/floor", "non-SHA", "/floor", "SHA-256"
    );
    for (case, floor) in CASES {
        let c = match count(case, n) {
            Ok(c) => c,
            Err(e) => {
                eprintln!("{case}: {e}");
                return ExitCode::FAILURE;
            }
        };
        let total = c.total as f64 / f64::from(n);
        let sha = c.sha256_blocks as f64 / f64::from(n);
        let other = total - sha;
        let base = floor.and_then(|fl| per_call.iter().find(|(c, _, _)| *c == fl));
        let ratio = |x: f64, b: Option<f64>| match b {
            Some(b) if b > 0.0 => format!("{:>6.2}x", x / b),
            _ => format!("{:>7}", ""),
        };
        println!(
            "  {case:<20} {total:>9.0} {}   {other:>9.0} {}   {sha:>9.0}",
            ratio(total, base.map(|b| b.1)),
            ratio(other, base.map(|b| b.1 - b.2)),
        );
        per_call.push((case, total, sha));
    }
    ExitCode::SUCCESS
}
