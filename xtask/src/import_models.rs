//! `cargo xtask import-models`: regenerates `models/data/` from the pinned PyPI
//! packages (botocore and boto3 1.43.11).
//!
//! ```text
//! cargo xtask import-models            fetch the wheels if missing, rewrite models/data
//! cargo xtask import-models --check    fail if models/data differs from a fresh import
//!     --wheels DIR   where the wheels are kept (default .cache/wheels)
//!     --out DIR      the output folder (default models/data)
//! ```
//!
//! Relative folders are taken from the workspace root.
//!
//! # Sources
//!
//! The wheels are fetched by name with `python3 -m pip download --no-deps
//! --only-binary :all: botocore==1.43.11 boto3==1.43.11` into the git-ignored
//! `.cache/wheels/` (skipped when both are there) and read as zip archives; the
//! installed site-packages are not used. For every service folder under
//! `botocore/data/`, the newest API version holding a `service-2` model is
//! taken (the lexicographic maximum of the date-named folders, as botocore's
//! loader picks it), and from that same folder `service-2`, `paginators-1`,
//! `waiters-2` and `endpoint-rule-set-1` where present, each read from `.json`
//! or else `.json.gz`. botocore's `<stem>.sdk-extras.json` files in that folder
//! are merged in as its loader merges them (see [`extras`]). boto3's
//! `boto3/data/<service>/<version>/resources-1.json` is taken at its own newest
//! version, as boto3 loads it. `partitions`, `_retry` and
//! `sdk-default-configuration` come from `botocore/data/`. Not imported:
//! `examples-1` (sample calls and prose) and the legacy `endpoints.json`
//! (superseded by the rule sets and `partitions.json`).
//!
//! # What is stripped
//!
//! Prose only, and only where the format puts prose, never a name a service
//! chose (see [`strip`]): `documentation` everywhere it is a field (service,
//! operations, shapes, member references, rule-set parameters and rules,
//! `sdk-default-configuration`); `documentationUrl`; `deprecatedMessage` (the
//! `deprecated` flag and `deprecatedSince` date stay); a waiter's
//! `description`. Everything else is kept, in its original key order.
//!
//! # Output
//!
//! ```text
//! models/data/<service>/service-2.json, paginators-1.json, waiters-2.json,
//!                       endpoint-rule-set-1.json, resources-1.json   (those that exist)
//! models/data/partitions.json, _retry.json, sdk-default-configuration.json
//! models/data/MANIFEST.json   package versions, wheel names and sha256, and per
//!                             service the API version taken and its files
//! ```
//!
//! Every file is JSON with a one-space indent and a final newline, written
//! from ordered maps only, so two imports of the same wheels are
//! byte-identical.

mod error;
mod extras;
mod select;
mod strip;
mod tree;
mod wheel;

use std::path::{Path, PathBuf};
use std::time::Instant;

use serde_json::{Map, Value, json};

use error::ImportError;
use select::DataIndex;
use tree::Tree;
use wheel::{Pin, Wheel};

/// The botocore release the models come from.
const BOTOCORE: Pin = Pin {
    name: "botocore",
    version: "1.43.11",
};

/// The boto3 release the resource models come from.
const BOTO3: Pin = Pin {
    name: "boto3",
    version: "1.43.11",
};

/// Where the models lie inside each wheel.
const BOTOCORE_DATA: &str = "botocore/data/";
const BOTO3_DATA: &str = "boto3/data/";

/// The model that makes a folder a service, and fixes its API version.
const SERVICE_MODEL: &str = "service-2";

/// The per-service botocore models taken from the chosen API-version folder.
const SERVICE_MODELS: &[&str] = &[
    "service-2",
    "paginators-1",
    "waiters-2",
    "endpoint-rule-set-1",
];

/// The boto3 per-service model.
const RESOURCE_MODEL: &str = "resources-1";

/// The botocore data files shared by every service.
const SHARED_MODELS: &[&str] = &["partitions", "_retry", "sdk-default-configuration"];

/// The manifest's file name in the output folder.
const MANIFEST: &str = "MANIFEST.json";

const USAGE: &str = "\
usage: cargo xtask import-models [--check] [--wheels DIR] [--out DIR]

  --check        do not write; fail if the output differs from a fresh import
  --wheels DIR   where the pinned wheels are kept (default .cache/wheels)
  --out DIR      the output folder (default models/data)
Relative folders are taken from the workspace root.";

/// Runs the import with the command-line arguments after `import-models`.
pub fn run(args: &[String]) -> Result<(), String> {
    let Some(options) = Options::parse(args).map_err(|e| format!("{e}\n\n{USAGE}"))? else {
        println!("{USAGE}");
        return Ok(());
    };
    options.execute().map_err(|e| e.to_string())
}

/// The parsed command line.
#[derive(Debug, PartialEq, Eq)]
struct Options {
    check: bool,
    wheels: PathBuf,
    out: PathBuf,
}

impl Options {
    /// Parses the arguments; `None` when help was asked for.
    fn parse(args: &[String]) -> Result<Option<Self>, ImportError> {
        let root = crate::workspace::root();
        let mut options = Options {
            check: false,
            wheels: root.join(".cache").join("wheels"),
            out: root.join("models").join("data"),
        };
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            match arg.as_str() {
                "--check" => options.check = true,
                "--wheels" | "--out" => {
                    let value = args.next().ok_or_else(|| {
                        ImportError::Usage(format!("{arg} needs a folder after it"))
                    })?;
                    let path = root.join(value);
                    if arg == "--wheels" {
                        options.wheels = path;
                    } else {
                        options.out = path;
                    }
                }
                "-h" | "--help" => return Ok(None),
                other => {
                    return Err(ImportError::Usage(format!("unknown argument `{other}`")));
                }
            }
        }
        Ok(Some(options))
    }

    fn execute(&self) -> Result<(), ImportError> {
        let started = Instant::now();
        wheel::fetch(&[BOTOCORE, BOTO3], &self.wheels)?;
        let (tree, stats) = import(&self.wheels)?;
        let shown = show_path(&self.out);
        if self.check {
            let differences = tree.compare(&self.out)?;
            if !differences.is_empty() {
                return Err(ImportError::Stale {
                    out: PathBuf::from(shown),
                    differences,
                });
            }
            println!(
                "import-models --check: {shown} is up to date ({} services, {} files, {} bytes) in {:.1} s",
                stats.services,
                tree.len(),
                tree.total_bytes(),
                started.elapsed().as_secs_f64()
            );
        } else {
            let written = tree.write(&self.out)?;
            println!(
                "import-models: {} services, {} files, {} bytes in {shown}: {} written, {} unchanged, {} removed; {} prose keys stripped; {} sdk-extras merged; {:.1} s",
                stats.services,
                tree.len(),
                tree.total_bytes(),
                written.written,
                written.unchanged,
                written.removed,
                stats.stripped,
                stats.extras,
                started.elapsed().as_secs_f64()
            );
        }
        Ok(())
    }
}

/// `path` relative to the workspace root when it lies inside it.
fn show_path(path: &Path) -> String {
    let root = crate::workspace::root();
    path.strip_prefix(&root)
        .unwrap_or(path)
        .display()
        .to_string()
}

/// Counts reported after an import.
#[derive(Debug, Default)]
struct Stats {
    services: usize,
    stripped: usize,
    extras: usize,
}

/// Builds the whole output folder in memory from the wheels in `wheels_dir`.
fn import(wheels_dir: &Path) -> Result<(Tree, Stats), ImportError> {
    let mut botocore = Wheel::open(&wheels_dir.join(BOTOCORE.wheel_file_name()))?;
    let mut boto3 = Wheel::open(&wheels_dir.join(BOTO3.wheel_file_name()))?;
    let mut tree = Tree::default();
    let mut stats = Stats::default();
    let mut services = Map::new();

    let index = DataIndex::new(BOTOCORE_DATA, botocore.names())?;
    let names = index.services_with(SERVICE_MODEL);
    if names.is_empty() {
        return Err(ImportError::NoServices);
    }
    for service in names {
        let Some(version) = index.newest_version(service, SERVICE_MODEL) else {
            continue;
        };
        let mut files = Vec::new();
        let mut merged = Vec::new();
        for stem in SERVICE_MODELS {
            let Some(entry) = index.entry(service, version, stem) else {
                continue;
            };
            let mut model = load_object(&mut botocore, &entry)?;
            if let Some(extras_entry) = index.entry(service, version, &extras::extras_stem(stem)) {
                let extras_value = load(&mut botocore, &extras_entry)?;
                extras::apply(&mut model, &extras_value).map_err(|e| ImportError::Shape {
                    entry: extras_entry.clone(),
                    expected: match e {
                        extras::ExtrasError::NotAnObject => "an object",
                        extras::ExtrasError::MergeNotAnObject => "`merge` to be an object",
                    },
                })?;
                merged.push(Value::from(*stem));
                stats.extras += 1;
            }
            let file = format!("{stem}.json");
            stats.stripped += add(&mut tree, &format!("{service}/{file}"), stem, model)?;
            files.push(Value::from(file));
        }
        let mut record = Map::new();
        record.insert("api_version".into(), version.into());
        record.insert("files".into(), Value::Array(files));
        if !merged.is_empty() {
            record.insert("sdk_extras_merged".into(), Value::Array(merged));
        }
        services.insert(service.to_owned(), Value::Object(record));
        stats.services += 1;
    }

    let resources = DataIndex::new(BOTO3_DATA, boto3.names())?;
    for service in resources.services_with(RESOURCE_MODEL) {
        let Some(version) = resources.newest_version(service, RESOURCE_MODEL) else {
            continue;
        };
        let Some(entry) = resources.entry(service, version, RESOURCE_MODEL) else {
            continue;
        };
        let model = load_object(&mut boto3, &entry)?;
        let file = format!("{RESOURCE_MODEL}.json");
        stats.stripped += add(
            &mut tree,
            &format!("{service}/{file}"),
            RESOURCE_MODEL,
            model,
        )?;
        let record = services
            .entry(service.to_owned())
            .or_insert_with(|| Value::Object(Map::new()));
        if let Value::Object(record) = record {
            if let Some(Value::Array(files)) = record.get_mut("files") {
                files.push(Value::from(file));
            } else {
                record.insert("files".into(), json!([file]));
            }
            record.insert("resources_api_version".into(), version.into());
        }
    }

    let mut shared = Vec::new();
    for stem in SHARED_MODELS {
        let entry =
            select::shared_entry(botocore.names(), BOTOCORE_DATA, stem).ok_or_else(|| {
                ImportError::MissingEntry {
                    wheel: botocore.file_name().to_owned(),
                    entry: format!("{BOTOCORE_DATA}{stem}.json"),
                }
            })?;
        let model = load_object(&mut botocore, &entry)?;
        let file = format!("{stem}.json");
        stats.stripped += add(&mut tree, &file, stem, model)?;
        shared.push(Value::from(file));
    }

    let manifest = manifest(&botocore, &boto3, shared, services);
    tree.insert(
        MANIFEST.to_owned(),
        tree::render(&manifest).map_err(|source| ImportError::Json {
            entry: MANIFEST.to_owned(),
            source,
        })?,
    );
    Ok((tree, stats))
}

/// Strips `model` by the rule for `stem` and adds it to `tree` at `path`;
/// returns how many prose keys were removed.
fn add(
    tree: &mut Tree,
    path: &str,
    stem: &str,
    model: Map<String, Value>,
) -> Result<usize, ImportError> {
    let rule = strip::rule_for(stem).ok_or_else(|| ImportError::Shape {
        entry: path.to_owned(),
        expected: "a model type with a strip rule",
    })?;
    let mut model = Value::Object(model);
    let removed = rule.strip(&mut model);
    let bytes = tree::render(&model).map_err(|source| ImportError::Json {
        entry: path.to_owned(),
        source,
    })?;
    tree.insert(path.to_owned(), bytes);
    Ok(removed)
}

/// Reads and parses one JSON entry.
fn load(wheel: &mut Wheel, entry: &str) -> Result<Value, ImportError> {
    let bytes = wheel.read(entry)?;
    serde_json::from_slice(&bytes).map_err(|source| ImportError::Json {
        entry: entry.to_owned(),
        source,
    })
}

/// Reads one JSON entry whose top level must be an object.
fn load_object(wheel: &mut Wheel, entry: &str) -> Result<Map<String, Value>, ImportError> {
    match load(wheel, entry)? {
        Value::Object(map) => Ok(map),
        _ => Err(ImportError::Shape {
            entry: entry.to_owned(),
            expected: "a JSON object at the top level",
        }),
    }
}

/// The manifest: where the data came from and what was taken.
fn manifest(
    botocore: &Wheel,
    boto3: &Wheel,
    shared: Vec<Value>,
    services: Map<String, Value>,
) -> Value {
    let package = |pin: &Pin, wheel: &Wheel| {
        json!({
            "version": pin.version,
            "wheel": wheel.file_name(),
            "sha256": wheel.sha256(),
        })
    };
    let mut stripped = Map::new();
    for rule in strip::RULES.iter().filter(|rule| !rule.prose.is_empty()) {
        stripped.insert(rule.stem.to_owned(), json!(rule.prose));
    }
    json!({
        "generated_by": "cargo xtask import-models",
        "packages": {
            "botocore": package(&BOTOCORE, botocore),
            "boto3": package(&BOTO3, boto3),
        },
        "stripped_keys": stripped,
        "shared": shared,
        "service_count": services.len(),
        "services": services,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn options_default_to_the_workspace_folders() {
        let root = crate::workspace::root();
        let options = Options::parse(&[]).unwrap().unwrap();
        assert_eq!(
            options,
            Options {
                check: false,
                wheels: root.join(".cache/wheels"),
                out: root.join("models/data"),
            }
        );
        let options = Options::parse(&args(&["--check", "--out", "x/y"]))
            .unwrap()
            .unwrap();
        assert!(options.check);
        assert_eq!(options.out, root.join("x/y"));
        assert!(Options::parse(&args(&["--help"])).unwrap().is_none());
    }

    #[test]
    fn bad_arguments_are_usage_errors() {
        assert!(matches!(
            Options::parse(&args(&["--wheels"])),
            Err(ImportError::Usage(_))
        ));
        assert!(matches!(
            Options::parse(&args(&["--frobnicate"])),
            Err(ImportError::Usage(_))
        ));
    }

    /// The committed `models/data/` is exactly what the importer writes today
    /// (so it is deterministic and was not edited by hand). Needs the wheels;
    /// without them the test says so and passes.
    #[test]
    fn committed_data_matches_a_fresh_import() {
        let root = crate::workspace::root();
        let wheels = root.join(".cache").join("wheels");
        let missing: Vec<String> = [BOTOCORE, BOTO3]
            .iter()
            .map(Pin::wheel_file_name)
            .filter(|name| !wheels.join(name).is_file())
            .collect();
        if !missing.is_empty() {
            eprintln!(
                "skipped committed_data_matches_a_fresh_import: {} not in .cache/wheels \
                 (`cargo xtask import-models` fetches them)",
                missing.join(", ")
            );
            return;
        }
        let (tree, stats) = import(&wheels).unwrap();
        let differences = tree.compare(&root.join("models").join("data")).unwrap();
        assert!(differences.is_empty(), "{differences:#?}");
        println!(
            "models/data matches a fresh import: {} services, {} files",
            stats.services,
            tree.len()
        );
    }

    #[test]
    fn every_imported_model_has_a_strip_rule() {
        for stem in SERVICE_MODELS
            .iter()
            .chain(SHARED_MODELS)
            .chain([&RESOURCE_MODEL])
        {
            assert!(strip::rule_for(stem).is_some(), "{stem} has no rule");
        }
    }
}
