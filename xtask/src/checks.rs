//! `cargo xtask test`: the install steps, then every check CI runs, in the order
//! that fails fastest: format, lints, the embedded build, then the tests.

use crate::setup;
use crate::steps::{Outcome, Step};
use crate::workspace::{cargo, python, run};

/// A check that is one cargo invocation.
struct CargoCheck {
    name: &'static str,
    args: &'static [&'static str],
}

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
            run(cargo().args(check.args))?;
            Ok(Outcome::Ran)
        })
    }));
    steps
}
