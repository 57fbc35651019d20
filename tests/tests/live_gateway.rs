//! The stratus gateway (`transport-std/examples/gateway`, what `cargo xtask
//! demo` runs) against a signature-checking moto of the test's own, with
//! tiny settings: its read-back passes and it exits 0; a second run against
//! the same server (stream and bucket already there) passes too and reads
//! back only its own records; a wrong secret and a bad option end it with a
//! clear error and a non-zero exit code.

use std::path::PathBuf;
use std::process::{Command, Output};

use stratus_tests::moto::Moto;

/// Builds the gateway example in this test's target directory and returns
/// its path. `cargo test --workspace` (the test command) builds the example
/// only as a test harness, so this is a second cargo build, made as close to
/// the first as found so far: every workspace example and test target
/// (dev-dependencies shape the features as under the test command, which
/// spares rebuilding the models), the profile of this test's own directory,
/// and none of the test process's cargo variables ([`stratus_tests::cargo`]).
/// Under the test command it still builds ring, rustls and the crates above
/// them again (about 40 s): ring's dependency getrandom gets another libc
/// there, for a reason not yet found.
fn gateway_bin() -> PathBuf {
    let exe = std::env::current_exe().expect("test executable path");
    // target/<profile>/deps/<test> -> target/<profile>
    let profile_dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target/<profile>")
        .to_path_buf();
    let target = profile_dir.parent().expect("target dir").to_path_buf();
    // The example must land where this test looks: `cargo test` builds with
    // the `test` profile into `debug/`, `cargo test --release` with `bench`
    // into `release/`.
    let profile = if profile_dir.ends_with("release") {
        "bench"
    } else {
        "test"
    };
    let status = stratus_tests::cargo()
        .args([
            "build",
            "--profile",
            profile,
            "--workspace",
            "--examples",
            "--tests",
        ])
        .env("CARGO_TARGET_DIR", &target)
        .status()
        .expect("cargo runs");
    assert!(status.success(), "the gateway example builds");
    profile_dir
        .join("examples")
        .join(format!("gateway{}", std::env::consts::EXE_SUFFIX))
}

fn run(bin: &PathBuf, moto: &Moto, secret: &str, args: &[&str]) -> Output {
    Command::new(bin)
        .args(["--endpoint-url", &moto.endpoint, "--region", "us-east-1"])
        .args(args)
        .env("AWS_ACCESS_KEY_ID", &moto.access_key_id)
        .env("AWS_SECRET_ACCESS_KEY", secret)
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env("AWS_CONFIG_FILE", "/dev/null")
        .env("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .output()
        .expect("the gateway runs")
}

const TINY: &[&str] = &[
    "--devices",
    "3",
    "--duration",
    "2s",
    "--rate",
    "4",
    "--stream",
    "gateway-test",
    "--bucket",
    "gateway-test",
];

#[test]
fn gateway_reads_back_everything_twice_and_fails_clearly() {
    let bin = gateway_bin();
    let moto = Moto::start().expect("moto starts");
    for round in 1..=2 {
        let started = std::time::Instant::now();
        let out = run(&bin, &moto, &moto.secret_access_key, TINY);
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        println!(
            "--- run {round} ({:.1} s)\n{stdout}",
            started.elapsed().as_secs_f64()
        );
        assert!(out.status.success(), "run {round} exits 0: {stderr}");
        // 3 devices x 4 readings/s x 2 s.
        assert!(
            stdout.contains("kinesis     24 of 24 records found by sequence number, 0 differ"),
            "run {round}: {stdout}"
        );
        assert!(stdout.contains("equal to the batch file"), "{stdout}");
        assert!(stdout.contains("read-back: PASS"), "{stdout}");
        let made = if round == 1 { "created" } else { "exists" };
        for what in ["stream", "bucket"] {
            assert!(
                stderr.contains(&format!("{what} gateway-test: {made}")),
                "run {round}: {stderr}"
            );
        }
    }

    let out = run(&bin, &moto, "not-the-secret", TINY);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    // moto answers a refused signature with an XML body, also to json
    // requests; the message carries its code.
    assert!(
        stderr.contains("gateway: kinesis CreateStream: ")
            && stderr.contains("SignatureDoesNotMatch"),
        "a refused signature is named: {stderr}"
    );
    println!("wrong secret: {}", stderr.trim());

    let out = run(&bin, &moto, &moto.secret_access_key, &["--duration", "5d"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("unknown unit \"d\""), "{stderr}");
    println!("bad option: {}", stderr.lines().next().unwrap_or_default());
}
