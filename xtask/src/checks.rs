//! `cargo xtask test`: the install steps, then every check CI runs, in the order
//! that fails fastest: format, lints, the embedded build, then the tests.

use crate::setup;
use crate::steps::{Outcome, Step};
use crate::workspace::{cargo, disk_usage, python, run, target_dir};

/// A check that is one cargo invocation.
struct CargoCheck {
    name: &'static str,
    args: &'static [&'static str],
}

/// The services a gateway or device build most often needs, as the models issue
/// lists them; built in full (all operations, typed shapes) by the test command.
const TWENTY_SERVICES: &str = "kinesis,firehose,iot-data,iot,logs,cloudwatch,s3,sqs,sns,dynamodb,\
sts,lambda,timestream-write,secretsmanager,ssm,events,ec2,iam,sso,sso-oidc";

const CARGO_CHECKS: &[CargoCheck] = &[
    CargoCheck {
        name: "format",
        args: &["fmt", "--all", "--", "--check"],
    },
    CargoCheck {
        name: "clippy",
        args: &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    },
    CargoCheck {
        name: "core for thumbv7em-none-eabihf",
        args: &[
            "build",
            "-p",
            "stratus-core",
            "--target",
            "thumbv7em-none-eabihf",
        ],
    },
    // The core as a device with fixed endpoint URLs builds it: no endpoint
    // rules engine (the workspace tests build it with every feature).
    CargoCheck {
        name: "core without endpoint rules",
        args: &[
            "test",
            "-p",
            "stratus-core",
            "--no-default-features",
            "--features",
            "proto-json",
            "--test",
            "without_endpoint_rules",
            "--",
            "--show-output",
        ],
    },
    // The embassy transport without `plain-http`, as the firmware builds it
    // (an `http` URL is refused); its other optional parts are off too.
    CargoCheck {
        name: "transport-embassy without plain HTTP",
        args: &[
            "test",
            "-p",
            "stratus-transport-embassy",
            "--no-default-features",
            "--lib",
        ],
    },
    // The embassy transport, with its device logging, for the microcontroller.
    CargoCheck {
        name: "transport-embassy for thumbv7em-none-eabihf",
        args: &[
            "build",
            "-p",
            "stratus-transport-embassy",
            "--features",
            "defmt",
            "--target",
            "thumbv7em-none-eabihf",
        ],
    },
    // The 20 services the models issue names, typed shapes included, must
    // compile on the host and for the microcontroller target.
    CargoCheck {
        name: "20 services, host",
        args: &[
            "build",
            "-p",
            "stratus-models",
            "--features",
            TWENTY_SERVICES,
        ],
    },
    CargoCheck {
        name: "20 services, thumbv7em-none-eabihf",
        args: &[
            "build",
            "-p",
            "stratus-models",
            "--features",
            TWENTY_SERVICES,
            "--target",
            "thumbv7em-none-eabihf",
        ],
    },
    // The size table's own tests: its Thumb-2 prologue and call decoding.
    CargoCheck {
        name: "size report's tests",
        args: &[
            "test",
            "--manifest-path",
            "transport-embassy/firmware/size-report/Cargo.toml",
        ],
    },
    // The NUCLEO-F767ZI firmware (its own workspace) with and without stratus,
    // in release for thumbv7em-none-eabihf; prints the size table and the
    // deepest stack path.
    CargoCheck {
        name: "firmware, thumbv7em-none-eabihf, size",
        args: &[
            "run",
            "--quiet",
            "--manifest-path",
            "transport-embassy/firmware/size-report/Cargo.toml",
        ],
    },
    // Unit, integration and doc tests of every member; the features are unified,
    // so the core is built here with `std` (the tests crate asks for it).
    // `--show-output` puts what passing tests print (the conformance suites'
    // pass counts and named skips) into the log.
    CargoCheck {
        name: "workspace tests",
        args: &["test", "--workspace", "--", "--show-output"],
    },
    // The core alone builds with its default features: no allocator, the
    // configuration a microcontroller gets.
    CargoCheck {
        name: "core tests, no alloc",
        args: &["test", "-p", "stratus-core"],
    },
];

/// Every step of `cargo xtask test`, in order.
pub fn steps() -> Vec<Step<'static>> {
    let mut steps = setup::steps();
    // The committed models must equal botocore's own loader output minus prose:
    // a second, independent implementation of the import (python, botocore's
    // loader) checked against the committed files.
    steps.push(Step::new("models match botocore", || {
        run(python().arg("models/tools/check_models.py"))?;
        Ok(Outcome::Ran)
    }));
    steps.extend(CARGO_CHECKS.iter().map(|check| {
        Step::new(check.name, move || {
            // Each check builds once, so incremental state (most of a dev
            // build directory's size) is never reused: it is not written.
            let result = run(cargo().env("CARGO_INCREMENTAL", "0").args(check.args));
            print_disk_usage();
            result.map(|()| Outcome::Ran)
        })
    }));
    steps
}

/// Prints how much the build directories hold, so a log shows how close a run
/// came to its machine's disk limit and which step grew them.
fn print_disk_usage() {
    let firmware = crate::workspace::root().join("transport-embassy/firmware/size-report/target");
    let bytes = disk_usage(&target_dir()) + disk_usage(&firmware);
    println!(
        "build directories: {:.2} GiB",
        bytes as f64 / (1u64 << 30) as f64
    );
}
