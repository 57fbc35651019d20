//! A run of named steps: a header before each, its duration after, a stop at the
//! first failure, and a one-line summary at the end.

use std::fmt;
use std::process::ExitCode;
use std::time::{Duration, Instant};

use crate::error::XtaskError;

/// What a step did when it succeeded.
pub enum Outcome {
    /// It did its work.
    Ran,
    /// There was nothing to do; the text says what was already in place.
    AlreadyDone(String),
}

/// The work of one step.
pub type Action<'a> = Box<dyn Fn() -> Result<Outcome, XtaskError> + 'a>;

/// One named step.
pub struct Step<'a> {
    /// Short name shown in headers and the summary.
    pub name: &'static str,
    /// The work.
    pub action: Action<'a>,
}

impl<'a> Step<'a> {
    /// A step named `name` doing `action`.
    pub fn new(name: &'static str, action: impl Fn() -> Result<Outcome, XtaskError> + 'a) -> Self {
        Step {
            name,
            action: Box::new(action),
        }
    }
}

/// A duration as `4.2s` or `3m 07.5s`.
pub struct Elapsed(pub Duration);

impl fmt::Display for Elapsed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let secs = self.0.as_secs_f64();
        if secs < 60.0 {
            write!(f, "{secs:.1}s")
        } else {
            let minutes = (secs / 60.0).floor();
            write!(f, "{minutes:.0}m {:04.1}s", secs - minutes * 60.0)
        }
    }
}

/// Runs `steps` in order under the task name `task`, stopping at the first failure.
///
/// Returns the process exit code: success only when every step succeeded.
pub fn run_all(task: &str, steps: &[Step<'_>]) -> ExitCode {
    let started = Instant::now();
    let total = steps.len();
    let mut timings = Vec::with_capacity(total);
    let mut skipped = 0usize;
    for (i, step) in steps.iter().enumerate() {
        let n = i + 1;
        println!("\n==> [{n}/{total}] {}", step.name);
        let step_started = Instant::now();
        let result = (step.action)();
        let took = Elapsed(step_started.elapsed());
        match result {
            Ok(Outcome::Ran) => println!("<== [{n}/{total}] {}: ok ({took})", step.name),
            Ok(Outcome::AlreadyDone(what)) => {
                skipped += 1;
                println!(
                    "<== [{n}/{total}] {}: nothing to do, {what} ({took})",
                    step.name
                );
            }
            Err(err) => {
                println!("<== [{n}/{total}] {}: FAILED ({took})", step.name);
                print_timings(&timings);
                eprintln!(
                    "xtask {task}: FAILED at step {n}/{total} `{}` after {}: {err}",
                    step.name,
                    Elapsed(started.elapsed())
                );
                return ExitCode::FAILURE;
            }
        }
        timings.push((step.name, took));
    }
    print_timings(&timings);
    println!(
        "xtask {task}: ok, {total} steps ({skipped} already satisfied) in {}",
        Elapsed(started.elapsed())
    );
    ExitCode::SUCCESS
}

fn print_timings(timings: &[(&str, Elapsed)]) {
    if timings.is_empty() {
        return;
    }
    println!("\nstep timings:");
    let width = timings
        .iter()
        .map(|(name, _)| name.len())
        .max()
        .unwrap_or(0);
    for (name, took) in timings {
        println!("  {name:<width$} {took:>10}");
    }
}
