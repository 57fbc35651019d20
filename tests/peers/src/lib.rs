//! What the peer benchmarks share: the fixed inputs every client gets, a
//! counting allocator, a calibrated timing loop, `getrusage`, and the JSON
//! line each measuring program prints for the runner (`src/main.rs`).

use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Instant;

/// The AWS documentation's example keys (not real keys).
pub const ACCESS_KEY_ID: &str = "AKIDEXAMPLE";
/// The AWS documentation's example secret (not a real key).
pub const SECRET: &str = "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY";
pub const REGION: &str = "us-east-1";
pub const SERVICE: &str = "kinesis";
pub const HOST: &str = "kinesis.us-east-1.amazonaws.com";
/// The signing time of the signing rows (2015-08-30T12:36:00Z).
pub const AMZ_DATE: &str = "20150830T123600Z";
pub const AMZ_DATE_UNIX: u64 = 1_440_938_160;
pub const STREAM: &str = "sensor-stream";
pub const PARTITION_KEY: &str = "device-0042";
/// The record's bytes (base64 in the JSON body: 88 characters).
pub const DATA: &[u8] = b"temperature=21.5;humidity=40;pressure=1013;battery=3.71;seq=000042";
/// What the canned server and the in-memory transports answer to PutRecord.
pub const REPLY: &str = r#"{"ShardId":"shardId-000000000000","SequenceNumber":"49590338271490256608559692538361571095921575989136588898","EncryptionType":"NONE"}"#;

/// The signing rows' request body: a Kinesis PutRecord-sized JSON body.
pub fn sign_body() -> Vec<u8> {
    let mut body =
        br#"{"StreamName":"sensor-stream","PartitionKey":"device-0042","Data":""#.to_vec();
    while body.len() < 218 {
        body.push(b'Q');
    }
    body.extend_from_slice(b"\"}");
    body
}

/// The canned HTTP/1.1 answer to PutRecord (keep-alive, `Content-Length`).
pub fn canned_response() -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\nx-amzn-RequestId: c0ffee00-0000-4000-8000-000000000000\r\n\
         Content-Type: application/x-amz-json-1.1\r\nContent-Length: {}\r\n\r\n{REPLY}",
        REPLY.len()
    )
    .into_bytes()
}

/// A global allocator that counts allocations (alloc, realloc) and the
/// bytes asked for, then defers to the system allocator.
pub struct CountingAllocator;

static ALLOCS: AtomicU64 = AtomicU64::new(0);
static ALLOC_BYTES: AtomicU64 = AtomicU64::new(0);

unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        ALLOC_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        ALLOC_BYTES.fetch_add(layout.size() as u64, Ordering::Relaxed);
        unsafe { System.alloc_zeroed(layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCS.fetch_add(1, Ordering::Relaxed);
        ALLOC_BYTES.fetch_add(new_size as u64, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

/// Allocations and bytes per call of `f`, over `n` calls (after one warm-up
/// call, so lazily built state is not counted). Only meaningful in a program
/// whose global allocator is [`CountingAllocator`].
pub fn allocations_per_op(n: u64, mut f: impl FnMut()) -> (f64, f64) {
    f();
    let a0 = ALLOCS.load(Ordering::SeqCst);
    let b0 = ALLOC_BYTES.load(Ordering::SeqCst);
    for _ in 0..n {
        f();
    }
    let a = ALLOCS.load(Ordering::SeqCst) - a0;
    let b = ALLOC_BYTES.load(Ordering::SeqCst) - b0;
    (a as f64 / n as f64, b as f64 / n as f64)
}

/// ns per call of `f`: the batch size is calibrated so a batch takes about
/// 20 ms, then the median of `batches` batches is returned (with the fastest
/// batch, for reference).
pub fn ns_per_op(batches: usize, mut f: impl FnMut()) -> Timing {
    // Warm up and calibrate.
    let mut iters: u64 = 1;
    loop {
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        let el = t.elapsed().as_nanos() as u64;
        if el >= 20_000_000 || iters >= 1 << 30 {
            break;
        }
        iters = if el < 1_000_000 {
            iters * 10
        } else {
            (iters * 20_000_000 / el.max(1)).max(iters + 1)
        };
    }
    let mut per = Vec::with_capacity(batches);
    for _ in 0..batches {
        let t = Instant::now();
        for _ in 0..iters {
            f();
        }
        per.push(t.elapsed().as_nanos() as f64 / iters as f64);
    }
    per.sort_by(|a, b| a.total_cmp(b));
    Timing {
        median_ns: per[per.len() / 2],
        min_ns: per[0],
    }
}

/// One timing result.
#[derive(Clone, Copy, Debug)]
pub struct Timing {
    pub median_ns: f64,
    pub min_ns: f64,
}

/// User + system CPU time of this process, in ns, and its peak RSS in KiB.
pub fn rusage() -> (u64, u64) {
    // SAFETY: getrusage only writes the struct it is given.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    let rc = unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
    if rc != 0 {
        return (0, 0);
    }
    let tv = |t: libc::timeval| t.tv_sec as u64 * 1_000_000_000 + t.tv_usec as u64 * 1_000;
    (tv(ru.ru_utime) + tv(ru.ru_stime), ru.ru_maxrss as u64)
}

/// Runs `calls` sequential calls of `call` (after one warm-up call that opens
/// the connection) and prints the sequential row's JSON line. `start_rss_kib`
/// is the peak RSS when `main` began (before the client was set up); the line
/// also gives it after set-up, to show where a client's memory goes.
pub fn sequential(
    client: &str,
    calls: u64,
    start_rss_kib: u64,
    mut call: impl FnMut() -> Result<(), String>,
) {
    let (_, setup_rss) = rusage();
    if let Err(e) = call() {
        eprintln!("{client}: the warm-up call failed: {e}");
        std::process::exit(1);
    }
    let (cpu0, _) = rusage();
    let t = Instant::now();
    for i in 0..calls {
        if let Err(e) = call() {
            eprintln!("{client}: call {i} failed: {e}");
            std::process::exit(1);
        }
    }
    let wall = t.elapsed().as_nanos() as f64;
    let (cpu1, rss) = rusage();
    println!(
        "{}",
        serde_json::json!({
            "row": "sequential",
            "impl": client,
            "calls": calls,
            "cpu_ns_per_call": (cpu1 - cpu0) as f64 / calls as f64,
            "calls_per_s": calls as f64 * 1e9 / wall,
            "peak_rss_kib": rss,
            "start_rss_kib": start_rss_kib,
            "setup_rss_kib": setup_rss,
        })
    );
}

/// Prints one timing row's JSON line.
pub fn emit(row: &str, imp: &str, t: Timing, allocs: Option<(f64, f64)>) {
    let mut v = serde_json::json!({
        "row": row,
        "impl": imp,
        "ns": t.median_ns,
        "min_ns": t.min_ns,
    });
    if let Some((n, bytes)) = allocs {
        v["allocs"] = n.into();
        v["alloc_bytes"] = bytes.into();
    }
    println!("{v}");
}

/// Keeps `x` opaque to the optimizer (re-exported for the binaries).
pub fn keep<T>(x: T) -> T {
    black_box(x)
}
