//! `cargo xtask setup`: installs what the tests need, skipping what is already there.
//!
//! - the Rust pieces: the `thumbv7em-none-eabihf` target (the core is built for it)
//!   and the `rustfmt` and `clippy` components;
//! - the pinned Python packages botocore and boto3 (the reference, run as an
//!   oracle) and `moto[server]` (the local AWS stand-in);
//! - the botocore source distribution with its test data (see [`crate::sdist`]);
//! - the botocore and boto3 wheels `cargo xtask import-models` reads.

use crate::error::XtaskError;
use crate::steps::{Outcome, Step};
use crate::workspace::{capture, python, run};

/// The botocore release stratus is pinned to. `tests/src/lib.rs` holds the same
/// value (a unit test below checks they agree).
pub const BOTOCORE_VERSION: &str = "1.43.11";

/// Something `rustup` installs.
struct RustupItem {
    /// `"target"` or `"component"`, the rustup sub-command.
    kind: &'static str,
    /// The name rustup knows it by.
    name: &'static str,
}

const RUSTUP_ITEMS: &[RustupItem] = &[
    RustupItem {
        kind: "target",
        name: "thumbv7em-none-eabihf",
    },
    RustupItem {
        kind: "component",
        name: "rustfmt",
    },
    RustupItem {
        kind: "component",
        name: "clippy",
    },
];

/// A pinned Python distribution, optionally with an extra.
struct PyPackage {
    dist: &'static str,
    extra: Option<&'static str>,
    version: &'static str,
}

impl PyPackage {
    fn pip_spec(&self) -> String {
        match self.extra {
            Some(extra) => format!("{}[{extra}]=={}", self.dist, self.version),
            None => format!("{}=={}", self.dist, self.version),
        }
    }

    fn query_arg(&self) -> String {
        match self.extra {
            Some(extra) => format!("{}[{extra}]", self.dist),
            None => self.dist.to_string(),
        }
    }
}

const PY_PACKAGES: &[PyPackage] = &[
    PyPackage {
        dist: "botocore",
        extra: None,
        version: BOTOCORE_VERSION,
    },
    PyPackage {
        dist: "boto3",
        extra: None,
        version: "1.43.11",
    },
    PyPackage {
        dist: "moto",
        extra: Some("server"),
        version: "5.2.1",
    },
];

/// Prints, for each `dist[extra]` argument, a line
/// `dist<TAB>installed version or -<TAB>comma-separated missing requirements of the extra`.
const PY_QUERY: &str = r#"
import re, sys, importlib.metadata as md
for arg in sys.argv[1:]:
    dist, _, extra = arg.partition('[')
    extra = extra.rstrip(']')
    try:
        version = md.version(dist)
    except md.PackageNotFoundError:
        print(dist, '-', '', sep='\t')
        continue
    missing = []
    if extra:
        marker = re.compile(r'extra\s*==\s*["\']%s["\']' % re.escape(extra))
        for req in md.requires(dist) or []:
            if marker.search(req):
                name = re.match(r'[A-Za-z0-9._-]+', req).group(0)
                try:
                    md.version(name)
                except md.PackageNotFoundError:
                    missing.append(name)
    print(dist, version, ','.join(missing), sep='\t')
"#;

/// The install steps, in order.
pub fn steps() -> Vec<Step<'static>> {
    vec![
        Step::new("rust target and components", ensure_rustup_items),
        Step::new("python packages", ensure_python_packages),
        Step::new("botocore sdist", crate::sdist::ensure),
        Step::new("model wheels", ensure_model_wheels),
    ]
}

/// The wheels `cargo xtask import-models` reads, in its default folder. The
/// xtask unit test that compares `models/data/` with a fresh import needs them.
const MODEL_WHEELS: &[&str] = &[
    "botocore-1.43.11-py3-none-any.whl",
    "boto3-1.43.11-py3-none-any.whl",
];

/// Fetches the model wheels when missing, through `import-models --check`: it
/// downloads and verifies them, and checks `models/data/` against them.
fn ensure_model_wheels() -> Result<Outcome, XtaskError> {
    let dir = crate::workspace::root().join(".cache").join("wheels");
    if MODEL_WHEELS.iter().all(|w| dir.join(w).is_file()) {
        return Ok(Outcome::AlreadyDone(format!(
            "present in .cache/wheels: {}",
            MODEL_WHEELS.join(", ")
        )));
    }
    crate::import_models::run(&["--check".to_string()]).map_err(XtaskError::ImportModels)?;
    match MODEL_WHEELS.iter().find(|w| !dir.join(w).is_file()) {
        None => Ok(Outcome::Ran),
        Some(w) => Err(XtaskError::StillMissing(format!(".cache/wheels/{w}"))),
    }
}

fn installed_rustup(kind: &str) -> Result<String, XtaskError> {
    capture(crate::workspace::command("rustup").args([kind, "list", "--installed"]))
}

fn rustup_has(listing: &str, name: &str) -> bool {
    listing.lines().map(str::trim).any(|line| {
        line == name
            || line
                .strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('-'))
    })
}

fn ensure_rustup_items() -> Result<Outcome, XtaskError> {
    let mut missing: Vec<&RustupItem> = Vec::new();
    for kind in ["target", "component"] {
        let listing = installed_rustup(kind)?;
        missing.extend(
            RUSTUP_ITEMS
                .iter()
                .filter(|item| item.kind == kind && !rustup_has(&listing, item.name)),
        );
    }
    if missing.is_empty() {
        let names: Vec<&str> = RUSTUP_ITEMS.iter().map(|i| i.name).collect();
        return Ok(Outcome::AlreadyDone(format!(
            "installed: {}",
            names.join(", ")
        )));
    }
    for item in &missing {
        run(crate::workspace::command("rustup").args([item.kind, "add", item.name]))?;
    }
    for kind in ["target", "component"] {
        let listing = installed_rustup(kind)?;
        if let Some(item) = RUSTUP_ITEMS
            .iter()
            .find(|item| item.kind == kind && !rustup_has(&listing, item.name))
        {
            return Err(XtaskError::StillMissing(format!(
                "rustup {} {}",
                item.kind, item.name
            )));
        }
    }
    Ok(Outcome::Ran)
}

/// What is wrong with one installed Python package, if anything.
fn python_problem(pkg: &PyPackage, line: Option<&str>) -> Option<String> {
    let mut fields = line.unwrap_or("").split('\t');
    let _dist = fields.next();
    let version = fields.next().unwrap_or("-");
    let missing = fields.next().unwrap_or("").trim();
    if version == "-" {
        Some(format!("{} not installed", pkg.dist))
    } else if version != pkg.version {
        Some(format!(
            "{} {version} installed, want {}",
            pkg.dist, pkg.version
        ))
    } else if !missing.is_empty() {
        Some(format!(
            "{}[{}] lacks {missing}",
            pkg.dist,
            pkg.extra.unwrap_or("")
        ))
    } else {
        None
    }
}

/// The packages needing an install, each with the reason.
fn python_problems() -> Result<Vec<(&'static PyPackage, String)>, XtaskError> {
    let mut cmd = python();
    cmd.arg("-c").arg(PY_QUERY);
    cmd.args(PY_PACKAGES.iter().map(PyPackage::query_arg));
    let out = capture(&mut cmd)?;
    let lines: Vec<&str> = out.lines().collect();
    Ok(PY_PACKAGES
        .iter()
        .filter_map(|pkg| {
            let line = lines
                .iter()
                .copied()
                .find(|l| l.split('\t').next() == Some(pkg.dist));
            python_problem(pkg, line).map(|why| (pkg, why))
        })
        .collect())
}

/// Installs the pinned Python packages that are missing or at another version.
pub fn ensure_python_packages() -> Result<Outcome, XtaskError> {
    let problems = python_problems()?;
    if problems.is_empty() {
        let specs: Vec<String> = PY_PACKAGES.iter().map(PyPackage::pip_spec).collect();
        return Ok(Outcome::AlreadyDone(format!(
            "installed: {}",
            specs.join(", ")
        )));
    }
    for (_, why) in &problems {
        println!("needs install: {why}");
    }
    let mut cmd = python();
    cmd.args(["-m", "pip", "install", "--disable-pip-version-check"]);
    cmd.args(problems.iter().map(|(pkg, _)| pkg.pip_spec()));
    run(&mut cmd)?;
    if let Some((_, why)) = python_problems()?.into_iter().next() {
        return Err(XtaskError::StillMissing(why));
    }
    Ok(Outcome::Ran)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinned_version_matches_the_tests_crate() {
        let lib = std::fs::read_to_string(crate::workspace::root().join("tests/src/lib.rs"))
            .expect("tests/src/lib.rs is readable");
        let wanted = format!("pub const BOTOCORE_VERSION: &str = \"{BOTOCORE_VERSION}\";");
        assert!(
            lib.contains(&wanted),
            "tests/src/lib.rs does not pin botocore {BOTOCORE_VERSION}"
        );
    }

    #[test]
    fn reads_rustup_listings() {
        let listing = "rustfmt-x86_64-unknown-linux-gnu\nthumbv7em-none-eabihf\nclippyish-x86_64\n";
        assert!(rustup_has(listing, "rustfmt"));
        assert!(rustup_has(listing, "thumbv7em-none-eabihf"));
        assert!(!rustup_has(listing, "thumbv7em-none-eabi"));
        assert!(!rustup_has(listing, "clippy"));
        assert!(!rustup_has("", "clippy"));
    }

    #[test]
    fn judges_python_packages() {
        let moto = &PY_PACKAGES[2];
        assert_eq!(moto.pip_spec(), "moto[server]==5.2.1");
        assert_eq!(python_problem(moto, Some("moto\t5.2.1\t")), None);
        assert_eq!(
            python_problem(moto, Some("moto\t5.2.1\tflask,flask-cors")).as_deref(),
            Some("moto[server] lacks flask,flask-cors")
        );
        assert_eq!(
            python_problem(moto, Some("moto\t4.0.0\t")).as_deref(),
            Some("moto 4.0.0 installed, want 5.2.1")
        );
        assert_eq!(
            python_problem(moto, Some("moto\t-\t")).as_deref(),
            Some("moto not installed")
        );
        assert_eq!(
            python_problem(moto, None).as_deref(),
            Some("moto not installed")
        );
    }
}
