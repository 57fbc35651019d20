//! # stratus-codegen
//!
//! Turns botocore service models (`models/data/<service>/service-2.json`) into
//! Rust source: the static `stratus_core::model` tables of a service, its typed
//! request structures, response views and per-operation error enums. Runs at
//! build time (from `stratus-models`' build script) so a device carries only the
//! services, and optionally only the operations, it uses.
//!
//! ```no_run
//! use stratus_codegen::Generator;
//! let out = std::env::var("OUT_DIR").unwrap();
//! Generator::new("models/data")
//!     .service("kinesis")
//!     .keep_operations(&["PutRecord", "PutRecords"])
//!     .write(out)
//!     .unwrap();
//! ```

pub mod check;
pub mod endpoints;
pub mod error;
pub mod jmespath;
pub mod model;
pub mod names;
pub mod owned;
pub mod paginators;
pub mod resources;
pub mod retry;
pub mod runtime;
pub mod tables;
pub mod types;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

pub use error::GenError;
pub use model::ServiceIr;

/// One service to generate, with an optional operation filter.
#[derive(Clone, Debug)]
struct Request {
    name: String,
    keep: Option<Vec<String>>,
}

/// Builds the Rust source for chosen services. See the crate docs.
#[derive(Clone, Debug)]
pub struct Generator {
    models_dir: PathBuf,
    requests: Vec<Request>,
    typed: bool,
    resources: bool,
}

/// Services in `models_dir`: sub-directories holding a `service-2.json`, sorted.
pub fn all_services(models_dir: impl AsRef<Path>) -> Result<Vec<String>, GenError> {
    let dir = models_dir.as_ref();
    let entries = std::fs::read_dir(dir).map_err(|source| GenError::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let mut names: Vec<String> = entries
        .filter_map(Result::ok)
        .filter(|e| e.path().join("service-2.json").is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_string))
        .collect();
    names.sort();
    Ok(names)
}

/// Reads and parses `<models_dir>/<service>/service-2.json`.
pub fn load_service(models_dir: impl AsRef<Path>, service: &str) -> Result<ServiceIr, GenError> {
    let path = models_dir.as_ref().join(service).join("service-2.json");
    let text = std::fs::read_to_string(&path).map_err(|source| GenError::Io {
        path: path.clone(),
        source,
    })?;
    let doc: serde_json::Value =
        serde_json::from_str(&text).map_err(|source| GenError::Json { path, source })?;
    model::parse_service(service, &doc)
}

/// Parses an operation filter, `kinesis=PutRecord,PutRecords;iot-data=Publish`,
/// into `(service, operations)` pairs.
///
/// ```
/// let f = stratus_codegen::parse_filter("kinesis=PutRecord,PutRecords; iot-data=Publish").unwrap();
/// assert_eq!(f[0].0, "kinesis");
/// assert_eq!(f[0].1, ["PutRecord", "PutRecords"]);
/// assert!(stratus_codegen::parse_filter("kinesis").is_err());
/// ```
pub fn parse_filter(text: &str) -> Result<Vec<(String, Vec<String>)>, GenError> {
    let mut out = Vec::new();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (svc, ops) = part
            .split_once('=')
            .ok_or_else(|| GenError::BadFilter(text.to_string()))?;
        let ops: Vec<String> = ops
            .split(',')
            .map(str::trim)
            .filter(|o| !o.is_empty())
            .map(str::to_string)
            .collect();
        if svc.trim().is_empty() || ops.is_empty() {
            return Err(GenError::BadFilter(text.to_string()));
        }
        out.push((svc.trim().to_string(), ops));
    }
    Ok(out)
}

/// Keeps only the operations named in `keep` (any of the three spellings) and the
/// shapes they reach, including their errors; without `keep`, every operation and
/// the shapes reachable from them.
pub fn trim(svc: &ServiceIr, keep: Option<&[String]>) -> Result<ServiceIr, GenError> {
    let mut out = svc.clone();
    if let Some(keep) = keep {
        for k in keep {
            if !svc
                .operations
                .values()
                .any(|o| &o.name == k || &o.snake_name == k || &o.cli_name == k)
            {
                return Err(GenError::UnknownOperation {
                    service: svc.name.clone(),
                    operation: k.clone(),
                });
            }
        }
        out.operations.retain(|_, o| {
            keep.iter()
                .any(|k| k == &o.name || k == &o.snake_name || k == &o.cli_name)
        });
    }
    let mut reached = BTreeSet::new();
    let mut stack: Vec<String> = out
        .operations
        .values()
        .flat_map(|o| o.shape_refs())
        .map(str::to_string)
        .collect();
    while let Some(n) = stack.pop() {
        if let Some(s) = svc.shapes.get(&n)
            && reached.insert(n.clone())
        {
            stack.extend(s.targets().into_iter().map(str::to_string));
        }
    }
    out.shapes.retain(|n, _| reached.contains(n));
    if out.shapes.len() > usize::from(u16::MAX) {
        return Err(error::model_err(&svc.name, "more than 65535 shapes"));
    }
    Ok(out)
}

impl Generator {
    /// A generator reading models from `models_dir` (`models/data`).
    pub fn new(models_dir: impl Into<PathBuf>) -> Self {
        Generator {
            models_dir: models_dir.into(),
            requests: Vec::new(),
            typed: true,
            resources: false,
        }
    }

    /// Adds a service by botocore name (`kinesis`, `iot-data`).
    pub fn service(mut self, name: &str) -> Self {
        self.requests.push(Request {
            name: name.to_string(),
            keep: None,
        });
        self
    }

    /// Keeps only these operations of the service added last.
    pub fn keep_operations(mut self, ops: &[&str]) -> Self {
        if let Some(last) = self.requests.last_mut() {
            last.keep = Some(ops.iter().map(|s| s.to_string()).collect());
        }
        self
    }

    /// Applies a filter text (see [`parse_filter`]) to the services already added.
    pub fn filter(mut self, text: &str) -> Result<Self, GenError> {
        for (svc, ops) in parse_filter(text)? {
            if let Some(r) = self.requests.iter_mut().find(|r| r.name == svc) {
                r.keep = Some(ops);
            }
        }
        Ok(self)
    }

    /// Whether to emit typed structures besides the tables (default: yes).
    pub fn typed(mut self, typed: bool) -> Self {
        self.typed = typed;
        self
    }

    /// Whether to emit boto3's resource tables (`<service>::resources`, behind
    /// the `resources` feature of `stratus-models`) for services that have a
    /// `resources-1.json` (default: no).
    pub fn resources(mut self, resources: bool) -> Self {
        self.resources = resources;
        self
    }

    /// The trimmed model of each requested service, in request order.
    pub fn models(&self) -> Result<Vec<ServiceIr>, GenError> {
        self.requests
            .iter()
            .map(|r| trim(&load_service(&self.models_dir, &r.name)?, r.keep.as_deref()))
            .collect()
    }

    /// The encoded `endpoint-rule-set-1.json` of `service`, if the model has one.
    pub fn endpoint_rules(&self, service: &str) -> Result<Option<Vec<u8>>, GenError> {
        let path = self
            .models_dir
            .join(service)
            .join("endpoint-rule-set-1.json");
        encode_file(&path, endpoints::encode_rule_set)
    }

    /// The encoded `partitions.json` of the models directory, if present.
    pub fn partitions(&self) -> Result<Option<Vec<u8>>, GenError> {
        encode_file(
            &self.models_dir.join("partitions.json"),
            endpoints::encode_partitions,
        )
    }

    /// `(file name, source)` for every service plus `services.rs`, the index.
    pub fn generate(&self) -> Result<Vec<(String, String)>, GenError> {
        let mut files = Vec::new();
        let mut index = String::from("// Generated by stratus-codegen. Do not edit.\n");
        let mut list = Vec::new();
        let mut rule_list = Vec::new();
        let mut entries = Vec::new();
        let mut resource_list = Vec::new();
        let mut paging_list = Vec::new();
        let trimmed: Vec<bool> = self.requests.iter().map(|r| r.keep.is_some()).collect();
        for (i, svc) in self.models()?.into_iter().enumerate() {
            let problems = check::check_service(&svc);
            if let Some(p) = problems.first() {
                return Err(error::model_err(&svc.name, p.clone()));
            }
            let module = names::module_name(&svc.name);
            let mut src = String::from(
                "// Generated by stratus-codegen from botocore's model. Do not edit.\n",
            );
            let _ = writeln!(
                src,
                "/// Static tables of `{0}`.\npub mod tables {{\n{1}}}\n/// The `{0}` service model.\npub static SERVICE: &::stratus_core::model::ServiceModel = &tables::MODEL;\n",
                svc.name,
                tables::emit_tables(&svc)
            );
            src.push_str(&retry::emit_legacy_retry(&self.models_dir, &svc)?);
            if self.typed {
                src.push_str(&types::emit_types(&svc));
                src.push_str(&owned::emit_owned(&svc));
            }
            if self.resources {
                let trimmed = trimmed.get(i).copied().unwrap_or(false);
                if let Some((code, _)) = resources::emit_resources(&self.models_dir, &svc, trimmed)?
                {
                    src.push_str(&code);
                    resource_list.push(format!(
                        "    #[cfg(feature = {:?})]\n    &{module}::resources::RESOURCES,",
                        svc.name
                    ));
                }
            }
            let rules = self.endpoint_rules(&svc.name)?;
            if let Some(bytes) = &rules {
                let _ = writeln!(
                    src,
                    "/// `{}`'s endpoint rule set, encoded for `stratus_core::endpoint::RuleSet` ({} bytes).",
                    svc.name,
                    bytes.len()
                );
                src.push_str(&endpoints::rust_static("ENDPOINT_RULES", bytes));
            }
            let _ = writeln!(
                src,
                "/// What a `stratus_core::client::Client` needs of `{}`: tables, endpoint rules, legacy retry rules.\npub static ENTRY: ::stratus_core::client::ServiceEntry = ::stratus_core::client::ServiceEntry {{ model: &tables::MODEL, endpoint_rules: {}, legacy_retry: Some(&LEGACY_RETRY) }};",
                svc.name,
                if rules.is_some() {
                    "::stratus_core::features::endpoint_rules(&ENDPOINT_RULES)"
                } else {
                    "None"
                }
            );
            src.push_str(&paginators::emit_paginators(&self.models_dir, &svc)?.0);
            src.push_str(&paginators::emit_waiters(&self.models_dir, &svc)?.0);
            paging_list.push(format!(
                "    #[cfg(feature = {0:?})]\n    ({0:?}, {module}::PAGINATORS, {module}::WAITERS),",
                svc.name
            ));
            let file = format!("{module}.rs");
            let _ = writeln!(
                index,
                "#[cfg(feature = {:?})]\n#[doc = \"The `{}` service ({} operations).\"]\npub mod {module} {{ include!(concat!(env!(\"OUT_DIR\"), \"/{file}\")); }}",
                svc.name,
                svc.name,
                svc.operations.len()
            );
            list.push(format!(
                "    #[cfg(feature = {:?})]\n    &{module}::tables::MODEL,",
                svc.name
            ));
            entries.push(format!(
                "    #[cfg(feature = {:?})]\n    &{module}::ENTRY,",
                svc.name
            ));
            if rules.is_some() {
                rule_list.push(format!(
                    "    #[cfg(feature = {0:?})]\n    ({0:?}, &{module}::ENDPOINT_RULES),",
                    svc.name
                ));
            }
            files.push((file, src));
        }
        let _ = writeln!(
            index,
            "/// Every service compiled in (one per enabled feature).\npub static SERVICES: &[&::stratus_core::model::ServiceModel] = &[\n{}\n];",
            list.join("\n")
        );
        let _ = writeln!(
            index,
            "/// Every service compiled in, as clients take them (`stratus_core::client::Session::new`).\npub static CATALOG: &[&::stratus_core::client::ServiceEntry] = &[\n{}\n];",
            entries.join("\n")
        );
        let _ = writeln!(
            index,
            "/// `(service, encoded endpoint rule set)` of every service compiled in that has one.\npub static ENDPOINT_RULE_SETS: &[(&str, &[u8])] = &[\n{}\n];",
            rule_list.join("\n")
        );
        let _ = writeln!(
            index,
            "/// `(service, paginators, waiters)` of every service compiled in.\npub static PAGING: &[(&str, &[::stratus_core::paginate::Paginator], &[::stratus_core::waiter::Waiter])] = &[\n{}\n];",
            paging_list.join("\n")
        );
        if self.resources {
            let _ = writeln!(
                index,
                "/// boto3's resource model of every service compiled in that has one.\n#[cfg(feature = \"resources\")]\npub static RESOURCE_SERVICES: &[&::stratus_core::resource::model::ResourceService] = &[\n{}\n];",
                resource_list.join("\n")
            );
        }
        if let Some(bytes) = self.partitions()? {
            index.push_str("/// botocore's `partitions.json`, encoded for `stratus_core::endpoint::Partitions`.\n");
            index.push_str(&endpoints::rust_static("PARTITIONS", &bytes));
        }
        files.push(("services.rs".to_string(), index));
        Ok(files)
    }

    /// Writes [`generate`](Self::generate)'s files into `out_dir`, rewriting a
    /// file only when its text changed; returns their paths.
    pub fn write(&self, out_dir: impl AsRef<Path>) -> Result<Vec<PathBuf>, GenError> {
        let mut paths = Vec::new();
        for (name, src) in self.generate()? {
            let path = out_dir.as_ref().join(name);
            if std::fs::read_to_string(&path).ok().as_deref() != Some(src.as_str()) {
                std::fs::write(&path, src).map_err(|source| GenError::Io {
                    path: path.clone(),
                    source,
                })?;
            }
            paths.push(path);
        }
        Ok(paths)
    }
}

/// The JSON document at `path`, `None` when there is no such file (a
/// service without paginators, waiters, resources, rules).
pub(crate) fn read_json_if_present(path: &Path) -> Result<Option<serde_json::Value>, GenError> {
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path).map_err(|source| GenError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text)
        .map(Some)
        .map_err(|source| GenError::Json {
            path: path.to_path_buf(),
            source,
        })
}

/// Reads the JSON file at `path`, if it exists, and encodes it with `encode`.
fn encode_file(
    path: &Path,
    encode: fn(&serde_json::Value) -> Result<Vec<u8>, endpoints::EndpointEncodeError>,
) -> Result<Option<Vec<u8>>, GenError> {
    let Some(doc) = read_json_if_present(path)? else {
        return Ok(None);
    };
    encode(&doc).map(Some).map_err(|source| GenError::Endpoint {
        path: path.to_path_buf(),
        source,
    })
}

/// The `[features]` block of `models/Cargo.toml`: `alloc`, then one feature per service.
pub fn features_block(services: &[String]) -> String {
    let mut out = String::from(
        "[features]\n# One feature per botocore service; generated by stratus-codegen\n# (`cargo test -p stratus-codegen features` checks it is in sync).\ndefault = []\n# Owned forms of every structure and enum (`<service>::owned`), for hosts with a heap.\nalloc = [\"stratus-core/alloc\"]\n# boto3's resource models (`<service>::resources`) for the resource engine of stratus-core.\nresources = [\"alloc\", \"stratus-core/resources\"]\n",
    );
    for s in services {
        let _ = writeln!(out, "{s} = []");
    }
    out
}
