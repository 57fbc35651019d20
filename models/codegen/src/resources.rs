//! boto3's resource models (`models/data/<service>/resources-1.json`) to the
//! static tables of `stratus_core::resource::model`.
//!
//! Names follow boto3 1.43.11's `ResourceModel`: actions, references,
//! collections, waiters (`WaitUntil<Name>`) and attributes are snake-cased
//! with `xform_name`, sub-resources keep their name, and a name already taken
//! (by `meta`, `load`, an identifier, an action, …, in that order) gets
//! `_<category>` appended. The service resource has every resource as a
//! sub-resource (identifiers from the caller) unless its `has` already names
//! one. Every operation, resource type and waiter the model refers to is
//! checked to exist.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value};

use crate::error::{GenError, model_err};
use crate::model::{KindIr, ServiceIr};
use crate::names::xform_name;

/// What one service's resource model holds (printed by the codegen test).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResourceCounts {
    /// Resources (the service resource not counted).
    pub resources: usize,
    /// Actions, the service resource's included.
    pub actions: usize,
    /// Batch actions.
    pub batch_actions: usize,
    /// References (`has` with data identifiers).
    pub references: usize,
    /// Sub-resources (`has` without), the service resource's included.
    pub subresources: usize,
    /// Collections (`hasMany`).
    pub collections: usize,
    /// Resource waiters.
    pub waiters: usize,
    /// Attributes from the resources' shapes.
    pub attributes: usize,
    /// Resources that can `load`.
    pub loads: usize,
    /// JMESPath expressions (paths) compiled.
    pub paths: usize,
    /// Paths the compiler refused (their use fails at run time).
    pub refused_paths: usize,
}

impl std::ops::AddAssign for ResourceCounts {
    fn add_assign(&mut self, o: Self) {
        self.resources += o.resources;
        self.actions += o.actions;
        self.batch_actions += o.batch_actions;
        self.references += o.references;
        self.subresources += o.subresources;
        self.collections += o.collections;
        self.waiters += o.waiters;
        self.attributes += o.attributes;
        self.loads += o.loads;
        self.paths += o.paths;
        self.refused_paths += o.refused_paths;
    }
}

/// What a service's resource model generated: counts, and every python name
/// as `<Resource>.<category>.<name>` (`Instance.action.stop`), sorted, for
/// comparing with boto3.
#[derive(Clone, Debug, Default)]
pub struct ResourceSummary {
    /// The counts.
    pub counts: ResourceCounts,
    /// The python names.
    pub names: Vec<String>,
}

/// Reads `<models_dir>/<service>/resources-1.json` if there is one.
pub fn load_resources(models_dir: &Path, service: &str) -> Result<Option<Value>, GenError> {
    crate::read_json_if_present(&models_dir.join(service).join("resources-1.json"))
}

/// Names of the waiters in `<models_dir>/<service>/waiters-2.json`.
fn waiter_names(models_dir: &Path, service: &str) -> Result<BTreeSet<String>, GenError> {
    let Some(doc) = crate::read_json_if_present(&models_dir.join(service).join("waiters-2.json"))?
    else {
        return Ok(BTreeSet::new());
    };
    Ok(doc
        .get("waiters")
        .and_then(Value::as_object)
        .map(|w| w.keys().cloned().collect())
        .unwrap_or_default())
}

/// The `resources` module of a service (`None` when it has no resource
/// model), and its counts. `trimmed`: operations were filtered out, so a
/// missing operation is not an error (the call fails at run time instead).
pub fn emit_resources(
    models_dir: &Path,
    svc: &ServiceIr,
    trimmed: bool,
) -> Result<Option<(String, ResourceSummary)>, GenError> {
    let Some(doc) = load_resources(models_dir, &svc.name)? else {
        return Ok(None);
    };
    let mut e = Emitter {
        svc,
        waiters: waiter_names(models_dir, &svc.name)?,
        defs: obj(&doc, "resources"),
        trimmed,
        counts: ResourceCounts::default(),
        names: Vec::new(),
    };
    let root_def = doc.get("service").cloned().unwrap_or(Value::Null);
    let root = e.resource("ServiceResource", &root_def, true)?;
    // Sorted by name: the engine looks resources up by binary search.
    let defs: BTreeMap<String, Value> = e.defs.clone().into_iter().collect();
    let mut resources = Vec::new();
    for (name, def) in &defs {
        resources.push(e.resource(name, def, false)?);
        e.counts.resources += 1;
    }
    let src = format!(
        "/// boto3's resource model of `{0}` ({1} resources).\n#[cfg(feature = \"resources\")]\npub mod resources {{\n    /// The service resource and the resources of `{0}`.\n    pub static RESOURCES: ::stratus_core::resource::model::ResourceService = ::stratus_core::resource::model::ResourceService {{ service: {0:?}, root: {root}, resources: &[{list}], paginators: super::PAGINATORS, waiters: super::WAITERS }};\n}}\n",
        svc.name,
        resources.len(),
        list = resources.join(", "),
    );
    e.names.sort();
    Ok(Some((
        src,
        ResourceSummary {
            counts: e.counts,
            names: e.names,
        },
    )))
}

fn obj(v: &Value, key: &str) -> Map<String, Value> {
    v.get(key)
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default()
}

fn s<'v>(v: &'v Value, key: &str) -> Option<&'v str> {
    v.get(key).and_then(Value::as_str)
}

fn opt(v: Option<&str>) -> String {
    match v {
        Some(v) => format!("Some({v:?})"),
        None => "None".into(),
    }
}

/// boto3's rename map while names are taken in precedence order.
struct Names {
    recorded: Vec<String>,
    taken: BTreeSet<String>,
    resource: String,
    service: String,
}

impl Names {
    fn take(&mut self, name: &str, category: &str, snake: bool) -> Result<String, GenError> {
        let mut name = if snake {
            xform_name(name, '_')
        } else {
            name.to_string()
        };
        if self.taken.contains(&name) {
            name = format!("{name}_{category}");
            if self.taken.contains(&name) {
                return Err(model_err(
                    &self.service,
                    format!("{}: cannot rename {category} to {name}", self.resource),
                ));
            }
        }
        self.taken.insert(name.clone());
        self.recorded
            .push(format!("{}.{category}.{name}", self.resource));
        Ok(name)
    }
}

struct Emitter<'s> {
    svc: &'s ServiceIr,
    waiters: BTreeSet<String>,
    defs: Map<String, Value>,
    trimmed: bool,
    counts: ResourceCounts,
    names: Vec<String>,
}

impl Emitter<'_> {
    /// A `Path` literal: the text and its compiled expression (`None`, and
    /// counted, when the compiler refuses it).
    fn path(&mut self, text: &str) -> String {
        let expr = match crate::jmespath::compile(text) {
            Ok(src) => {
                self.counts.paths += 1;
                format!("Some(&{src})")
            }
            Err(_) => {
                self.counts.refused_paths += 1;
                "None".into()
            }
        };
        format!("::stratus_core::resource::model::Path {{ text: {text:?}, expr: {expr} }}")
    }

    fn opt_path(&mut self, text: Option<&str>) -> String {
        match text {
            Some(t) => format!("Some({})", self.path(t)),
            None => "None".into(),
        }
    }

    fn err(&self, problem: String) -> GenError {
        model_err(&self.svc.name, format!("resources-1.json: {problem}"))
    }

    /// The `has` entries as boto3 sees them (the service resource gains one
    /// sub-resource per resource). boto3 builds them in a dict, so a later
    /// entry under a name already used replaces the earlier one in its place
    /// (ec2's `has.KeyPair` is of type `KeyPairInfo` and replaces the
    /// implicit sub-resource of the `KeyPair` resource).
    fn has_definition(&self, def: &Value, root: bool) -> Vec<(String, Value)> {
        let has = obj(def, "has");
        if !root {
            return has.into_iter().collect();
        }
        let mut out = Vec::new();
        for (name, rdef) in &self.defs {
            let named: Vec<_> = has
                .iter()
                .filter(|(_, h)| h.pointer("/resource/type").and_then(Value::as_str) == Some(name))
                .collect();
            if named.is_empty() {
                let ids: Vec<Value> = rdef
                    .get("identifiers")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|i| serde_json::json!({"target": i.get("name"), "source": "input"}))
                    .collect();
                let implicit = serde_json::json!({"resource": {"type": name, "identifiers": ids}});
                dict_set(&mut out, name, implicit);
            }
            for (n, h) in named {
                dict_set(&mut out, n, h.clone());
            }
        }
        out
    }

    fn resource(&mut self, name: &str, def: &Value, root: bool) -> Result<String, GenError> {
        let mut names = Names {
            recorded: Vec::new(),
            taken: BTreeSet::from(["meta".to_string()]),
            resource: name.to_string(),
            service: self.svc.name.clone(),
        };
        if def.get("load").is_some() {
            names.taken.insert("load".into());
        }
        let mut identifiers = Vec::new();
        let mut id_snake = Vec::new();
        for id in def
            .get("identifiers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let n = s(id, "name")
                .ok_or_else(|| self.err(format!("{name}: identifier without a name")))?;
            let py = names.take(n, "identifier", true)?;
            id_snake.push(py.clone());
            identifiers.push(format!(
                "::stratus_core::resource::model::Identifier {{ name: {n:?}, python_name: {py:?}, member_name: {} }}",
                opt(s(id, "memberName"))
            ));
        }
        let mut actions = Vec::new();
        for (an, a) in obj(def, "actions") {
            let py = names.take(&an, "action", true)?;
            actions.push(self.action(name, &an, &py, &a)?);
        }
        let mut has = Vec::new();
        for (hn, h) in self.has_definition(def, root) {
            let data = h
                .pointer("/resource/identifiers")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .any(|i| s(i, "source") == Some("data"));
            let (py, kind) = if data {
                self.counts.references += 1;
                (names.take(&hn, "reference", true)?, "Reference")
            } else {
                self.counts.subresources += 1;
                (names.take(&hn, "subresource", false)?, "Subresource")
            };
            let resource = self.response_resource(name, &hn, h.get("resource"))?;
            has.push(format!(
                "::stratus_core::resource::model::Related {{ name: {hn:?}, python_name: {py:?}, kind: ::stratus_core::resource::model::RelatedKind::{kind}, resource: {resource} }}"
            ));
        }
        let mut collections = Vec::new();
        for (cn, c) in obj(def, "hasMany") {
            let py = names.take(&cn, "collection", true)?;
            let request = self.request(name, &cn, c.get("request"))?;
            let resource = self.response_resource(name, &cn, c.get("resource"))?;
            self.counts.collections += 1;
            collections.push(format!(
                "::stratus_core::resource::model::CollectionModel {{ name: {cn:?}, python_name: {py:?}, request: {request}, resource: {resource} }}"
            ));
        }
        let mut waiters = Vec::new();
        for (wn, w) in obj(def, "waiters") {
            let py = names.take(&format!("WaitUntil{wn}"), "waiter", true)?;
            let waiter = s(&w, "waiterName")
                .ok_or_else(|| self.err(format!("{name}.{wn}: waiter without waiterName")))?;
            if !self.waiters.contains(waiter) {
                return Err(self.err(format!("{name}.{wn}: no client waiter {waiter}")));
            }
            let params = self.params(name, &wn, w.get("params"))?;
            self.counts.waiters += 1;
            let path = self.opt_path(s(&w, "path"));
            waiters.push(format!(
                "::stratus_core::resource::model::ResourceWaiter {{ name: {wn:?}, python_name: {py:?}, waiter_name: {waiter:?}, params: {params}, path: {path} }}"
            ));
        }
        let shape = s(def, "shape");
        let mut attributes = Vec::new();
        if let Some(shape) = shape {
            let Some(ir) = self.svc.shapes.get(shape) else {
                return Err(self.err(format!("{name}: no shape {shape}")));
            };
            if let KindIr::Structure { members, .. } = &ir.kind {
                for m in members {
                    let snake = xform_name(&m.name, '_');
                    if id_snake.contains(&snake) {
                        continue;
                    }
                    let py = names.take(&snake, "attribute", false)?;
                    attributes.push(format!("({py:?}, {:?})", m.name));
                }
            }
        }
        self.counts.attributes += attributes.len();
        let load = match def.get("load") {
            Some(l) => {
                self.counts.loads += 1;
                let request = self.request(name, "load", l.get("request"))?;
                let path =
                    s(l, "path").ok_or_else(|| self.err(format!("{name}: load without a path")))?;
                let path = self.path(path);
                format!(
                    "Some(&::stratus_core::resource::model::Load {{ request: {request}, path: {path} }})"
                )
            }
            None => "None".into(),
        };
        let mut batch = Vec::new();
        self.names.append(&mut names.recorded);
        for (bn, b) in obj(def, "batchActions") {
            let py = xform_name(&bn, '_');
            self.names.push(format!("{name}.batch_action.{py}"));
            self.counts.batch_actions += 1;
            batch.push(self.action(name, &bn, &py, &b)?);
        }
        self.counts.actions += actions.len();
        Ok(format!(
            "::stratus_core::resource::model::ResourceModel {{ name: {name:?}, identifiers: &[{}], shape: {}, attributes: &[{}], load: {load}, actions: &[{}], batch_actions: &[{}], has: &[{}], collections: &[{}], waiters: &[{}] }}",
            identifiers.join(", "),
            opt(shape),
            attributes.join(", "),
            actions.join(", "),
            batch.join(", "),
            has.join(", "),
            collections.join(", "),
            waiters.join(", "),
        ))
    }

    fn action(&mut self, res: &str, name: &str, py: &str, a: &Value) -> Result<String, GenError> {
        let request = self.request(res, name, a.get("request"))?;
        let resource = match a.get("resource") {
            Some(r) => format!("Some({})", self.response_resource(res, name, Some(r))?),
            None => "None".into(),
        };
        let path = self.opt_path(s(a, "path"));
        Ok(format!(
            "::stratus_core::resource::model::Action {{ name: {name:?}, python_name: {py:?}, request: {request}, resource: {resource}, path: {path} }}"
        ))
    }

    fn request(&mut self, res: &str, name: &str, r: Option<&Value>) -> Result<String, GenError> {
        let r = r.ok_or_else(|| self.err(format!("{res}.{name}: no request")))?;
        let op =
            s(r, "operation").ok_or_else(|| self.err(format!("{res}.{name}: no operation")))?;
        if !self.trimmed && !self.svc.operations.values().any(|o| o.name == op) {
            return Err(self.err(format!("{res}.{name}: no operation {op}")));
        }
        let params = self.params(res, name, r.get("params"))?;
        Ok(format!(
            "::stratus_core::resource::model::Request {{ operation: {op:?}, params: {params} }}"
        ))
    }

    fn params(&mut self, res: &str, name: &str, p: Option<&Value>) -> Result<String, GenError> {
        let mut out = Vec::new();
        for p in p.and_then(Value::as_array).into_iter().flatten() {
            let data_path = match (s(p, "source"), s(p, "path")) {
                (Some("data"), Some(path)) => Some(self.path(path)),
                _ => None,
            };
            let bad = |what: &str| self.err(format!("{res}.{name}: parameter {what}"));
            let target = s(p, "target").ok_or_else(|| bad("without a target"))?;
            let source = match s(p, "source") {
                Some("identifier") => format!(
                    "Identifier({:?})",
                    s(p, "name").ok_or_else(|| bad("without a name"))?
                ),
                Some("data") => {
                    format!("Data({})", data_path.ok_or_else(|| bad("without a path"))?)
                }
                Some("string") => format!(
                    "String({:?})",
                    s(p, "value").ok_or_else(|| bad("without a value"))?
                ),
                Some("integer") => format!(
                    "Integer({})",
                    p.get("value")
                        .and_then(Value::as_i64)
                        .ok_or_else(|| bad("without an integer"))?
                ),
                Some("boolean") => format!(
                    "Boolean({})",
                    p.get("value")
                        .and_then(Value::as_bool)
                        .ok_or_else(|| bad("without a boolean"))?
                ),
                Some("input") => "Input".to_string(),
                other => return Err(bad(&format!("with source {other:?}"))),
            };
            out.push(format!(
                "::stratus_core::resource::model::Param {{ target: {target:?}, source: ::stratus_core::resource::model::ParamSource::{source} }}"
            ));
        }
        Ok(format!("&[{}]", out.join(", ")))
    }

    fn response_resource(
        &mut self,
        res: &str,
        name: &str,
        r: Option<&Value>,
    ) -> Result<String, GenError> {
        let r = r.ok_or_else(|| self.err(format!("{res}.{name}: no resource")))?;
        let ty = s(r, "type")
            .ok_or_else(|| self.err(format!("{res}.{name}: resource without a type")))?;
        if !self.defs.contains_key(ty) {
            return Err(self.err(format!("{res}.{name}: no resource type {ty}")));
        }
        let mut ids = Vec::new();
        for i in r
            .get("identifiers")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            let compiled = s(i, "path").map(|p| self.path(p));
            let bad = |what: &str| self.err(format!("{res}.{name}: identifier {what}"));
            let target = s(i, "target").ok_or_else(|| bad("without a target"))?;
            let path = || compiled.clone().ok_or_else(|| bad("without a path"));
            let source = match s(i, "source") {
                Some("response") => format!("Response({})", path()?),
                Some("requestParameter") => format!("RequestParameter({})", path()?),
                Some("data") => format!("Data({})", path()?),
                Some("identifier") => format!(
                    "Identifier({:?})",
                    s(i, "name").ok_or_else(|| bad("without a name"))?
                ),
                Some("input") => "Input".to_string(),
                other => return Err(bad(&format!("with source {other:?}"))),
            };
            ids.push(format!(
                "::stratus_core::resource::model::ResourceIdentifier {{ target: {target:?}, source: ::stratus_core::resource::model::IdentifierSource::{source} }}"
            ));
        }
        let path = self.opt_path(s(r, "path"));
        Ok(format!(
            "::stratus_core::resource::model::ResponseResource {{ type_name: {ty:?}, identifiers: &[{}], path: {path} }}",
            ids.join(", "),
        ))
    }
}

/// Sets `name` in an ordered list of entries as a Python dict assignment
/// does: an existing entry keeps its place and takes the new value.
fn dict_set(entries: &mut Vec<(String, Value)>, name: &str, value: Value) {
    match entries.iter_mut().find(|(seen, _)| seen == name) {
        Some(slot) => slot.1 = value,
        None => entries.push((name.to_string(), value)),
    }
}
