//! Shared helpers for stratus's integration tests: where the fetched botocore
//! sdist lives, and how to run the installed botocore as an oracle.
//!
//! The sdist is fetched by `cargo xtask test` into `.cache/sdist/` at the
//! workspace root (git-ignored). `STRATUS_BOTOCORE_SDIST` overrides the location.
#![warn(missing_docs)]

pub mod moto;
pub mod netns;
pub mod pipeline;

use std::path::{Path, PathBuf};
use std::process::Command;

/// The botocore release every conformance and differential test is pinned to.
pub const BOTOCORE_VERSION: &str = "1.43.11";

/// The workspace root (the folder holding the workspace `Cargo.toml`).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// A `cargo` command for a test to build with: the cargo running the tests,
/// started in the workspace root, without the variables cargo sets for a
/// test process (`CARGO_PKG_NAME`, `CARGO_MANIFEST_DIR`, `OUT_DIR`, ...).
/// Build scripts that name those in `rerun-if-env-changed` (ring's does)
/// would otherwise see them change between the test command's build and
/// the nested one, and be rerun with everything above them.
pub fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(workspace_root());
    const SET_FOR_TESTS: &[&str] = &[
        "CARGO_MANIFEST_DIR",
        "CARGO_MANIFEST_PATH",
        "CARGO_MANIFEST_LINKS",
        "CARGO_CRATE_NAME",
        "CARGO_BIN_NAME",
        "CARGO_PRIMARY_PACKAGE",
        "CARGO_TARGET_TMPDIR",
        "CARGO_RUSTC_CURRENT_DIR",
        "OUT_DIR",
    ];
    for (name, _) in std::env::vars_os() {
        let Some(name) = name.to_str() else { continue };
        if SET_FOR_TESTS.contains(&name)
            || name.starts_with("CARGO_PKG_")
            || name.starts_with("CARGO_BIN_EXE_")
        {
            cmd.env_remove(name);
        }
    }
    cmd
}

/// The unpacked botocore sdist, or an error telling how to fetch it.
///
/// Tests call this and fail (not skip) when it is missing: a conformance suite
/// that silently runs no case proves nothing.
pub fn sdist_dir() -> Result<PathBuf, String> {
    let dir = match std::env::var_os("STRATUS_BOTOCORE_SDIST") {
        Some(d) => PathBuf::from(d),
        None => workspace_root()
            .join(".cache/sdist")
            .join(format!("botocore-{BOTOCORE_VERSION}")),
    };
    if dir.join("tests").is_dir() {
        Ok(dir)
    } else {
        Err(format!(
            "botocore {BOTOCORE_VERSION} sdist not found at {}; run `cargo xtask test` (it fetches it) \
             or set STRATUS_BOTOCORE_SDIST",
            dir.display()
        ))
    }
}

/// A `python3` command set up to use the installed botocore as an oracle:
/// static, fake credentials and no instance-metadata lookups, so nothing it does
/// can leave this machine.
pub fn python() -> Command {
    let mut cmd = stratus_moto::python();
    cmd.env("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
        .env(
            "AWS_SECRET_ACCESS_KEY",
            "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
        )
        .env("AWS_DEFAULT_REGION", "us-east-1");
    cmd
}

/// Runs `oracle` (a [`python`] command with its script) with `input` on its
/// standard input and reads the JSON it prints; panics naming `what` when it
/// cannot start, fails, or prints something else.
pub fn oracle_json(mut oracle: Command, input: &[u8], what: &str) -> serde_json::Value {
    use std::io::Write as _;
    use std::process::Stdio;
    let mut child = oracle
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{what}: python3 does not start: {e}"));
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input)
        .unwrap_or_else(|e| panic!("{what}: writing its input: {e}"));
    let out = child.wait_with_output().expect("the oracle's output");
    assert!(out.status.success(), "{what} failed ({})", out.status);
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{what} does not print JSON: {e}"))
}

/// A global allocator that forwards to the system allocator and counts every
/// allocation and reallocation, for tests that prove a path makes none.
///
/// The count is per thread: the test harness's own bookkeeping on its main
/// thread (which, on a loaded machine, can run while the test does) is not
/// counted against the code under test.
///
/// Install it in its own test binary, so no other test's allocations count:
///
/// ```no_run
/// #[global_allocator]
/// static GLOBAL: stratus_tests::CountingAllocator = stratus_tests::CountingAllocator;
///
/// let n = stratus_tests::allocations_during(|| {
///     let v: Vec<u8> = std::hint::black_box(Vec::with_capacity(8));
///     drop(v);
/// });
/// assert!(n >= 1);
/// ```
pub struct CountingAllocator;

thread_local! {
    // `const`, no destructor: reading it never allocates.
    static ALLOCATIONS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Counts one allocation on this thread (none once its thread-locals are gone).
fn count_allocation() {
    let _ = ALLOCATIONS.try_with(|n| n.set(n.get() + 1));
}

// SAFETY: every call is forwarded unchanged to the system allocator; the only
// addition is a thread-local counter.
unsafe impl std::alloc::GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        count_allocation();
        // SAFETY: same contract as the caller's.
        unsafe { std::alloc::System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { std::alloc::System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        count_allocation();
        // SAFETY: same contract as the caller's.
        unsafe { std::alloc::System.realloc(ptr, layout, new_size) }
    }
}

/// How many allocations [`CountingAllocator`] saw on this thread while `f`
/// ran (0 when it is not the installed global allocator).
pub fn allocations_during(f: impl FnOnce()) -> usize {
    let before = ALLOCATIONS.with(std::cell::Cell::get);
    f();
    ALLOCATIONS.with(std::cell::Cell::get) - before
}

/// The `stratus` CLI binary beside the calling test (`target/<profile>/`),
/// built by cargo when it is missing or older than a source file of the
/// crates it is made of: `cargo test -p stratus-tests` does not rebuild
/// another package's binaries, and a stale CLI would test old code.
pub fn stratus_bin() -> PathBuf {
    static BUILT: std::sync::OnceLock<PathBuf> = std::sync::OnceLock::new();
    BUILT
        .get_or_init(|| {
            let exe = std::env::current_exe().unwrap();
            let dir = exe.parent().and_then(|d| d.parent()).unwrap().to_path_buf();
            let bin = dir.join("stratus");
            let built = std::fs::metadata(&bin).and_then(|m| m.modified()).ok();
            let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
            let sources = [
                "core/src",
                "transport-std/src",
                "models/src",
                "models/codegen/src",
            ];
            let newest = sources
                .iter()
                .filter_map(|d| newest_mtime(&root.join(d)))
                .max();
            if built.is_none() || newest > built {
                let mut build = cargo();
                build.args(["build", "-p", "stratus-transport-std", "--bin", "stratus"]);
                if dir.file_name().is_some_and(|p| p == "release") {
                    build.arg("--release");
                }
                let status = build.status().expect("cargo builds the CLI");
                assert!(status.success(), "cargo build of the CLI failed");
            }
            bin
        })
        .clone()
}

/// The newest modification time of the files under `dir`.
fn newest_mtime(dir: &Path) -> Option<std::time::SystemTime> {
    std::fs::read_dir(dir)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            if meta.is_dir() {
                newest_mtime(&e.path())
            } else {
                meta.modified().ok()
            }
        })
        .max()
}
