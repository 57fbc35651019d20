//! Network namespaces for tests that put a device's network stack on a TAP
//! device: everything the test sends stays inside a namespace it made.
//!
//! [`Netns::create`] checks what it needs (root, `/dev/net/tun`, the `ip`
//! tool) and fails with a message naming what is missing; it makes a
//! namespace with loopback up and, with [`Netns::add_tap`], a persistent TAP
//! device whose kernel side has an address. Dropping the value ends the
//! processes still running in the namespace and deletes it (and so the TAP
//! device), also when the test panics; namespaces
//! left by a killed run (their process gone) are removed by the next
//! `create`.
//!
//! A test runs its body inside the namespace by running its own binary
//! again under `ip netns exec` ([`Netns::run_test`]): the child sees
//! [`CHILD_ENV`] set and does the work; the parent prints the child's output
//! and fails if the child did.

use std::path::Path;
use std::process::{Command, Output};

/// Set (to the namespace's name) in the environment of a test re-run inside
/// the namespace.
pub const CHILD_ENV: &str = "STRATUS_NETNS_CHILD";

const PREFIX: &str = "stratus-emb-";

/// A network namespace this test made; deleted on drop.
#[derive(Debug)]
pub struct Netns {
    name: String,
}

fn ip(args: &[&str]) -> Result<(), String> {
    let out = Command::new("ip")
        .args(args)
        .output()
        .map_err(|e| format!("cannot run `ip` (install iproute2): {e}"))?;
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "`ip {}` failed: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

/// What the namespace tests need, or a message naming what is missing.
pub fn check_requirements() -> Result<(), String> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| format!("cannot read /proc/self/status: {e}"))?;
    let euid = status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .unwrap_or("?");
    let mut missing = Vec::new();
    if euid != "0" {
        missing.push(format!(
            "root (running as uid {euid}; network namespaces and TAP devices need root)"
        ));
    }
    if !Path::new("/dev/net/tun").exists() {
        missing.push("/dev/net/tun (the tun kernel module)".to_string());
    }
    if Command::new("ip").arg("-V").output().is_err() {
        missing.push("the `ip` tool (iproute2)".to_string());
    }
    if missing.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "the embassy TAP tests need {}",
            missing.join(", and ")
        ))
    }
}

/// Deletes namespaces of ours whose process is gone (a killed run).
fn remove_stale() {
    let Ok(out) = Command::new("ip").args(["netns", "list"]).output() else {
        return;
    };
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let Some(name) = line.split_whitespace().next() else {
            continue;
        };
        let Some(rest) = name.strip_prefix(PREFIX) else {
            continue;
        };
        let pid = rest.split('-').next().unwrap_or("");
        if !pid.is_empty() && !Path::new("/proc").join(pid).exists() {
            let _ = ip(&["netns", "del", name]);
        }
    }
}

impl Netns {
    /// Makes a namespace named after this process and `tag`, loopback up.
    pub fn create(tag: &str) -> Result<Netns, String> {
        check_requirements()?;
        remove_stale();
        let name = format!("{PREFIX}{}-{tag}", std::process::id());
        let _ = ip(&["netns", "del", &name]);
        ip(&["netns", "add", &name])?;
        let ns = Netns { name };
        ip(&["-n", &ns.name, "link", "set", "lo", "up"])?;
        Ok(ns)
    }

    /// The namespace's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Adds a persistent TAP device `dev` whose kernel side has `cidr`
    /// (e.g. `10.42.0.1/24`), and brings it up. A program in the namespace
    /// attaches to it by name.
    pub fn add_tap(&self, dev: &str, cidr: &str) -> Result<(), String> {
        ip(&["-n", &self.name, "tuntap", "add", "dev", dev, "mode", "tap"])?;
        ip(&["-n", &self.name, "addr", "add", cidr, "dev", dev])?;
        ip(&["-n", &self.name, "link", "set", dev, "up"])
    }

    /// Runs this test binary's test `test` (its full path, as the harness
    /// names it) inside the namespace, with [`CHILD_ENV`] set, and returns
    /// its output.
    pub fn run_test(&self, test: &str, env: &[(&str, &str)]) -> Result<Output, String> {
        let exe = std::env::current_exe().map_err(|e| format!("no test binary path: {e}"))?;
        let mut cmd = Command::new("ip");
        cmd.args(["netns", "exec", &self.name])
            .arg(exe)
            .args([test, "--exact", "--nocapture", "--test-threads=1"])
            .env(CHILD_ENV, &self.name);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd.output()
            .map_err(|e| format!("cannot run the test in {}: {e}", self.name))
    }
}

impl Drop for Netns {
    fn drop(&mut self) {
        // What the test started in the namespace and left running (a child
        // that aborted keeps no destructor): ended by process id.
        if let Ok(out) = Command::new("ip")
            .args(["netns", "pids", &self.name])
            .output()
        {
            for pid in String::from_utf8_lossy(&out.stdout).split_whitespace() {
                let _ = Command::new("kill").arg(pid).status();
            }
        }
        if let Err(e) = ip(&["netns", "del", &self.name]) {
            eprintln!("could not remove network namespace {}: {e}", self.name);
        }
    }
}
